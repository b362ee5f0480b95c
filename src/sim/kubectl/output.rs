//! How the commands that write an object print it (`create`, `create -f`,
//! `apply`, `replace`, `patch`, `run`): kubectl's `genericclioptions`
//! `PrintFlags`, one printer for all of them.
//!
//! - no `-o`: the name printer with the command's operation,
//!   `configmap/x created`, and the dry-run mode after it
//!   (`... created (dry run)`, `... patched (server dry run)`);
//! - `-o name`: the name alone, whatever the mode;
//! - `-o yaml|json`: the object;
//! - `-o jsonpath=T`, `-o jsonpath-as-json=T`, `-o go-template=T`,
//!   `-o template=T`, or the bare format with `--template=T` (`--template`
//!   alone means go-template): the template over the object, missing keys
//!   allowed unless `--allow-missing-template-keys=false`;
//! - anything else (`wide`, `custom-columns=...`): kubectl's "unable to
//!   match a printer" error. These commands have no table printer.
//!
//! When a command asks for its printer is its own business, as upstream:
//! `create` builds it before doing anything, `apply`, `replace` and
//! `patch` only once there is something to print (so a bad `-o` there
//! fails after the write).

use super::parse::Args;
use super::{jsonpath, ref_name, yaml};
use crate::sim::object::{json_text, Object};
use crate::sim::sort;
use serde_json::Value;

/// The formats `PrintFlags` offers, as its error lists them.
pub const FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

/// The template printers' formats.
const TEMPLATE_FORMATS: &[&str] = &[
    "go-template",
    "go-template-file",
    "template",
    "templatefile",
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
];

#[derive(Clone, Debug, PartialEq)]
enum Form {
    /// The name printer: with the operation (no `-o`) or short (`-o name`).
    Name {
        short: bool,
    },
    Yaml,
    Json,
    JsonPath {
        template: String,
        as_json: bool,
    },
    GoTemplate(String),
}

/// A command's printer (`PrintFlags.ToPrinter`), with the dry-run mode
/// the name printer adds to the operation.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectPrinter {
    form: Form,
    suffix: &'static str,
    allow_missing: bool,
}

/// `-o` as a command was given it (empty when absent).
pub fn output_flag(args: &Args) -> &str {
    args.get("output").unwrap_or("")
}

/// apply's `shouldPrintObject`: any `-o` but `name` prints the objects
/// (all of them at the end) instead of a line per object.
pub fn prints_objects(args: &Args) -> bool {
    !matches!(output_flag(args), "" | "name")
}

/// What the name printer adds for a dry run (`PrintFlagsWithDryRunStrategy`):
/// `dry` as `create::dry_run` reads it.
pub fn dry_run_suffix(dry: &str) -> &'static str {
    match dry {
        "client" => " (dry run)",
        "server" => " (server dry run)",
        _ => "",
    }
}

impl ObjectPrinter {
    /// The printer `-o`, `--template` and `--dry-run` (`none`, `client`
    /// or `server`, as `create::dry_run` reads it) ask for, or
    /// kubectl's error.
    pub fn new(args: &Args, dry: &str) -> Result<ObjectPrinter, String> {
        let template = args.get("template").unwrap_or("");
        let mut output = output_flag(args);
        if output.is_empty() && !template.is_empty() {
            output = "go-template";
        }
        let form = match output {
            "" => Form::Name { short: false },
            "name" => Form::Name { short: true },
            "yaml" => Form::Yaml,
            "json" => Form::Json,
            o => template_form(o, template)?,
        };
        Ok(ObjectPrinter {
            form,
            suffix: dry_run_suffix(dry),
            allow_missing: args.get("allow-missing-template-keys") != Some("false"),
        })
    }

    /// Whether this printer shows the object rather than its name.
    pub fn shows_object(&self) -> bool {
        !matches!(self.form, Form::Name { .. })
    }

    /// Prints an object (or a `List` of them) as the API server answered
    /// it; `operation` is what the name printer says was done.
    pub fn print(&self, v: &Value, operation: &str) -> Result<String, String> {
        self.print_as(v, operation, false)
    }

    /// [`ObjectPrinter::print`] for an object kubectl generated itself
    /// (a `create` generator's client dry run): `-o json` keeps the Go
    /// struct's field order.
    pub fn print_generated(&self, v: &Value, operation: &str) -> Result<String, String> {
        self.print_as(v, operation, true)
    }

    fn print_as(&self, v: &Value, operation: &str, typed: bool) -> Result<String, String> {
        Ok(match &self.form {
            Form::Name { short } => {
                let items = match v.get("items").and_then(Value::as_array) {
                    Some(items) if v["kind"] == "List" => items.iter().collect(),
                    _ => vec![v],
                };
                let mut out = String::new();
                for item in items {
                    let o = Object::from_value(item).map_err(|e| format!("error: {e}"))?;
                    out.push_str(&ref_name(&o.key()));
                    if !short && !operation.is_empty() {
                        out.push(' ');
                        out.push_str(operation);
                        out.push_str(self.suffix);
                    }
                    out.push('\n');
                }
                out
            }
            Form::Yaml => yaml::to_yaml(v),
            Form::Json if typed => format!("{}\n", to_typed_json(v)),
            Form::Json => format!("{}\n", super::printers::to_json(v)),
            Form::JsonPath { template, as_json } => {
                if *as_json {
                    jsonpath::render_as_json(template, v, self.allow_missing)?
                } else {
                    jsonpath::render_opts(template, v, self.allow_missing)?
                }
            }
            Form::GoTemplate(t) => jsonpath::render_go_template(t, v)?,
        })
    }
}

/// The template printers' share of `ToPrinter`: `FORMAT=TEMPLATE`, or the
/// bare format with `--template` (then a `FORMAT=...` is no format at all).
fn template_form(output: &str, template: &str) -> Result<Form, String> {
    let (format, value) = if template.is_empty() {
        match output.split_once('=') {
            Some((f, t)) if TEMPLATE_FORMATS.contains(&f) => (f, t),
            _ => (output, ""),
        }
    } else {
        (output, template)
    };
    if !TEMPLATE_FORMATS.contains(&format) {
        return Err(format!(
            "error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: {FORMATS}"
        ));
    }
    if value.is_empty() {
        return Err("error: template format specified but no template given".into());
    }
    Ok(match format {
        "jsonpath" | "jsonpath-as-json" => Form::JsonPath {
            template: value.to_string(),
            as_json: format == "jsonpath-as-json",
        },
        "go-template" | "template" => Form::GoTemplate(value.to_string()),
        _ => {
            // The `-file` forms read a local file, which the printer is
            // not handed.
            return Err(format!(
                "error: error reading --template {value}, open {value}: no such file or directory"
            ));
        }
    })
}

/// Go's struct field order for the fields the generators set (a
/// topological order of ObjectMeta, the specs, Container, ServicePort,
/// ...): `encoding/json` writes a typed object's fields in this order.
const GO_FIELD_ORDER: &[&str] = &[
    "kind",
    "apiVersion",
    "metadata",
    "name",
    "generateName",
    "namespace",
    "creationTimestamp",
    "labels",
    "annotations",
    "immutable",
    "data",
    "binaryData",
    "stringData",
    "replicas",
    "minAvailable",
    "volumes",
    "initContainers",
    "containers",
    "image",
    "command",
    "args",
    "workingDir",
    "hostPort",
    "containerPort",
    "protocol",
    "port",
    "targetPort",
    "nodePort",
    "ports",
    "envFrom",
    "env",
    "value",
    "valueFrom",
    "resources",
    "selector",
    "matchLabels",
    "matchExpressions",
    "maxUnavailable",
    "clusterIP",
    "type",
    "externalName",
    "template",
    "strategy",
    "restartPolicy",
    "dnsPolicy",
    "stdin",
    "stdinOnce",
    "tty",
    "spec",
    "status",
    "loadBalancer",
    "observedGeneration",
    "disruptionsAllowed",
    "currentHealthy",
    "desiredHealthy",
    "expectedPods",
];

/// `json.MarshalIndent(obj, "", "    ")` of a typed object: fields in Go's
/// order, HTML characters escaped.
pub fn to_typed_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, v, 0);
    out
}

fn write_json(out: &mut String, v: &Value, indent: usize) {
    let pad = |n: usize| "    ".repeat(n);
    match v {
        Value::Object(m) if !m.is_empty() => {
            let mut keys: Vec<&String> = m.keys().collect();
            sort::sort_by_key(&mut keys, |k| {
                (
                    GO_FIELD_ORDER
                        .iter()
                        .position(|f| f == k)
                        .unwrap_or(GO_FIELD_ORDER.len()),
                    (*k).clone(),
                )
            });
            out.push_str("{\n");
            for (i, k) in keys.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                out.push_str(&json_string(k));
                out.push_str(": ");
                write_json(out, &m[*k], indent + 1);
                if i + 1 < keys.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
        Value::Array(a) if !a.is_empty() => {
            out.push_str("[\n");
            for (i, x) in a.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                write_json(out, x, indent + 1);
                if i + 1 < a.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
        Value::String(s) => out.push_str(&json_string(s)),
        other => out.push_str(&json_text(other)),
    }
}

pub(super) fn json_string(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kubectl::parse::parse_args;
    use serde_json::json;

    fn printer(line: &str, dry: &str) -> Result<ObjectPrinter, String> {
        let words: Vec<String> = line.split_whitespace().map(String::from).collect();
        let args = parse_args(&words, "patch", "patch").expect("parses");
        ObjectPrinter::new(&args, dry)
    }

    fn cm() -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "x", "namespace": "default"}, "data": {"a": "<b>"}})
    }

    #[test]
    fn each_form_prints_as_kubectl() {
        let cases: &[(&str, &str, &str)] = &[
            ("", "none", "configmap/x patched\n"),
            ("", "client", "configmap/x patched (dry run)\n"),
            ("", "server", "configmap/x patched (server dry run)\n"),
            ("-o name", "server", "configmap/x\n"),
            ("-o jsonpath={.data.a}", "none", "<b>"),
            (
                "-o jsonpath-as-json={.data}",
                "none",
                "[\n    {\n        \"a\": \"\\u003cb\\u003e\"\n    }\n]\n",
            ),
            ("-o go-template={{.metadata.name}}", "none", "x"),
            ("-o template={{.kind}}", "none", "ConfigMap"),
        ];
        for (flags, dry, want) in cases {
            let p = printer(&format!("cm x {flags}"), dry).unwrap();
            assert_eq!(p.print(&cm(), "patched").unwrap(), *want, "{flags} {dry}");
        }
        let p = printer("cm x -o json", "none").unwrap();
        assert!(p
            .print(&cm(), "patched")
            .unwrap()
            .starts_with("{\n    \"apiVersion\""));
        let p = printer("cm x -o yaml", "none").unwrap();
        assert!(p
            .print(&cm(), "patched")
            .unwrap()
            .starts_with("apiVersion: v1\n"));
    }

    #[test]
    fn refuses_what_print_flags_refuse() {
        for o in ["wide", "custom-columns=N:.metadata.name", "table"] {
            let e = printer(&format!("cm x -o {o}"), "none").unwrap_err();
            assert_eq!(
                e,
                format!("error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: {FORMATS}")
            );
        }
        for o in ["jsonpath", "go-template", "jsonpath-as-json", "jsonpath="] {
            let e = printer(&format!("cm x -o {o}"), "none").unwrap_err();
            assert_eq!(e, "error: template format specified but no template given");
        }
    }

    #[test]
    fn missing_keys_follow_the_flag() {
        let p = printer("cm x -o jsonpath={.nope}", "none").unwrap();
        assert_eq!(p.print(&cm(), "").unwrap(), "");
        let p = printer(
            "cm x -o jsonpath={.nope} --allow-missing-template-keys=false",
            "none",
        )
        .unwrap();
        assert!(p
            .print(&cm(), "")
            .unwrap_err()
            .contains("Error executing template: nope is not found"));
    }

    #[test]
    fn a_list_prints_each_name() {
        let p = printer("cm x -o name", "none").unwrap();
        let list = json!({"apiVersion": "v1", "kind": "List", "items": [cm(), cm()]});
        assert_eq!(p.print(&list, "").unwrap(), "configmap/x\nconfigmap/x\n");
    }

    #[test]
    fn typed_json_keeps_go_field_order() {
        let v = json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": "demo", "creationTimestamp": null}, "spec": {}, "status": {}});
        assert_eq!(
            to_typed_json(&v),
            "{\n    \"kind\": \"Namespace\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {\n        \"name\": \"demo\",\n        \"creationTimestamp\": null\n    },\n    \"spec\": {},\n    \"status\": {}\n}"
        );
    }
}
