//! `-o` for every command that writes an object, through the one printer
//! (`output.rs`), as kubectl v1.31's `PrintFlags` print: the object the
//! server answered with (the client's own for a client dry run), or the
//! name and the operation.

use super::*;
use serde_json::Value;

const CM: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  a: b
";

const CM2: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  a: z
";

/// One command line (before `-o`): what runs first, the line, the
/// operation line without `-o`, the object's `data.a` after it (None for
/// a pod), whether the printed object is the server's (has a uid), and
/// whether a bad `-o` is refused before the write (kubectl's `create`
/// builds its printer in `Complete`; `apply`, `replace` and `patch` only
/// when they print).
struct Case {
    setup: &'static [&'static str],
    line: &'static str,
    default: &'static str,
    data_a: Option<&'static str>,
    from_server: bool,
    refused_before_write: bool,
}

const CASES: &[Case] = &[
    Case {
        setup: &[],
        line: "create configmap c --from-literal=a=b",
        default: "configmap/c created\n",
        data_a: Some("b"),
        from_server: true,
        refused_before_write: true,
    },
    Case {
        setup: &[],
        line: "create configmap c --from-literal=a=b --dry-run=server",
        default: "configmap/c created (server dry run)\n",
        data_a: Some("b"),
        from_server: true,
        refused_before_write: true,
    },
    Case {
        setup: &[],
        line: "create configmap c --from-literal=a=b --dry-run=client",
        default: "configmap/c created (dry run)\n",
        data_a: Some("b"),
        from_server: false,
        refused_before_write: true,
    },
    Case {
        setup: &[],
        line: "create -f cm.yaml",
        default: "configmap/c created\n",
        data_a: Some("b"),
        from_server: true,
        refused_before_write: false,
    },
    Case {
        setup: &[],
        line: "apply -f cm.yaml",
        default: "configmap/c created\n",
        data_a: Some("b"),
        from_server: true,
        refused_before_write: false,
    },
    Case {
        setup: &[],
        line: "apply -f cm.yaml --dry-run=server",
        default: "configmap/c created (server dry run)\n",
        data_a: Some("b"),
        from_server: true,
        refused_before_write: false,
    },
    Case {
        setup: &["apply -f cm.yaml"],
        line: "apply -f cm2.yaml",
        default: "configmap/c configured\n",
        data_a: Some("z"),
        from_server: true,
        refused_before_write: false,
    },
    Case {
        setup: &["apply -f cm.yaml"],
        line: "apply -f cm.yaml",
        default: "configmap/c unchanged\n",
        data_a: Some("b"),
        from_server: true,
        refused_before_write: false,
    },
    Case {
        setup: &["apply -f cm.yaml"],
        line: "apply -f cm2.yaml --dry-run=server",
        default: "configmap/c configured (server dry run)\n",
        data_a: Some("z"),
        from_server: true,
        refused_before_write: false,
    },
    Case {
        setup: &["create -f cm.yaml"],
        line: "replace -f cm2.yaml",
        default: "configmap/c replaced\n",
        data_a: Some("z"),
        from_server: true,
        refused_before_write: false,
    },
    Case {
        setup: &["create -f cm.yaml"],
        line: "patch cm c -p '{\"data\":{\"a\":\"z\"}}'",
        default: "configmap/c patched\n",
        data_a: Some("z"),
        from_server: true,
        refused_before_write: false,
    },
    Case {
        setup: &[],
        line: "run c --image=busybox",
        default: "pod/c created\n",
        data_a: None,
        from_server: true,
        refused_before_write: true,
    },
];

fn run(case: &Case, output: Option<&str>) -> (Sim, Result<String, String>) {
    let files = [("cm.yaml", CM), ("cm2.yaml", CM2)];
    let mut sim = Sim::new(1);
    for s in case.setup {
        kf(&mut sim, s, &files).unwrap();
    }
    let line = match output {
        Some(o) => format!("{} -o {o}", case.line),
        None => case.line.to_string(),
    };
    let out = kf(&mut sim, &line, &files);
    (sim, out)
}

#[test]
fn default_and_name_print_the_name() {
    for case in CASES {
        assert_eq!(run(case, None).1.unwrap(), case.default, "{}", case.line);
        let word = case.default.split(' ').next().unwrap();
        assert_eq!(
            run(case, Some("name")).1.unwrap(),
            format!("{word}\n"),
            "{}",
            case.line
        );
    }
}

#[test]
fn yaml_and_json_print_the_written_object() {
    for case in CASES {
        let yaml = run(case, Some("yaml")).1.unwrap();
        let json = run(case, Some("json")).1.unwrap();
        let from_yaml: Value = serde_yaml::from_str(&yaml).unwrap();
        let from_json: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(from_yaml, from_json, "{}", case.line);
        let v = from_json;
        assert_eq!(v.str_at("metadata.name"), Some("c"), "{}", case.line);
        assert_eq!(v.str_at("data.a"), case.data_a, "{}", case.line);
        assert_eq!(
            v.str_at("metadata.uid").is_some(),
            case.from_server,
            "{}",
            case.line
        );
    }
}

#[test]
fn templates_render_the_written_object() {
    for case in CASES {
        let (path, want) = match case.data_a {
            Some(a) => (".data.a", a),
            None => (".metadata.name", "c"),
        };
        let forms = [
            (format!("jsonpath={{{path}}}"), want.to_string()),
            (
                format!("jsonpath-as-json={{{path}}}"),
                format!("[\n    \"{want}\"\n]\n"),
            ),
            (format!("go-template={{{{{path}}}}}"), want.to_string()),
            (format!("template={{{{{path}}}}}"), want.to_string()),
        ];
        for (form, want) in forms {
            assert_eq!(
                run(case, Some(&form)).1.unwrap(),
                want,
                "{} -o {form}",
                case.line
            );
        }
        // `--template` alone means go-template.
        let mut sim = Sim::new(1);
        for s in case.setup {
            kf(&mut sim, s, &[("cm.yaml", CM), ("cm2.yaml", CM2)]).unwrap();
        }
        let line = format!("{} --template={{{{{path}}}}}", case.line);
        let out = kf(&mut sim, &line, &[("cm.yaml", CM), ("cm2.yaml", CM2)]);
        assert_eq!(out.unwrap(), want, "{line}");
    }
}

/// `wide` and `custom-columns` are `get`'s: these commands refuse them,
/// `create` before it writes, `apply`, `replace` and `patch` after.
#[test]
fn table_formats_are_refused() {
    for case in CASES {
        for form in ["wide", "custom-columns=N:.metadata.name"] {
            let (sim, out) = run(case, Some(form));
            assert_eq!(
                out.unwrap_err(),
                format!("error: unable to match a printer suitable for the output format \"{form}\", allowed formats are: {}", crate::sim::kubectl::output::FORMATS),
                "{}",
                case.line
            );
            let (plain, _) = run(case, None);
            let now = |s: &Sim| {
                s.store
                    .list(Kind::ConfigMap)
                    .chain(s.store.list(Kind::Pod))
                    .filter(|o| o.meta.name == "c")
                    .map(Object::to_value)
                    .collect::<Vec<_>>()
            };
            let mut untouched = Sim::new(1);
            for s in case.setup {
                kf(&mut untouched, s, &[("cm.yaml", CM), ("cm2.yaml", CM2)]).unwrap();
            }
            let want = if case.refused_before_write {
                now(&untouched)
            } else {
                now(&plain)
            };
            assert_eq!(now(&sim), want, "{} -o {form}", case.line);
        }
    }
}

/// apply prints every object at the end, several as one `List`.
#[test]
fn apply_prints_several_objects_as_a_list() {
    let mut sim = Sim::new(1);
    let out = kf(
        &mut sim,
        "apply -f web.yaml -o jsonpath={.kind}:{.items[*].metadata.name}",
        &[("web.yaml", WEB)],
    )
    .unwrap();
    assert_eq!(out, "List:nginx web");
    let out = kf(&mut sim, "apply -f web.yaml -o name", &[("web.yaml", WEB)]).unwrap();
    assert_eq!(out, "service/nginx\nstatefulset.apps/web\n");
}

/// `get` prints objects through the same printers: `template` is
/// `go-template`, `jsonpath-as-json` a JSON list, and the `-file` forms
/// fail as kubectl does on a file it cannot open (Ordinal has no local
/// files there).
#[test]
fn get_uses_the_object_printers() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f cm.yaml", &[("cm.yaml", CM)]).unwrap();
    for (line, want) in [
        ("get cm c -o template={{.data.a}}", Ok("b")),
        ("get cm c -o go-template={{.data.a}}", Ok("b")),
        ("get cm c --template={{.data.a}}", Ok("b")),
        ("get cm c -o jsonpath={.data.a}", Ok("b")),
        (
            "get cm c -o jsonpath-as-json={.data.a}",
            Ok("[\n    \"b\"\n]\n"),
        ),
        (
            "get cm c -o jsonpath",
            Err("error: template format specified but no template given"),
        ),
        (
            "get cm c -o jsonpath-file=t.txt",
            Err("error: error reading --template t.txt, open t.txt: no such file or directory"),
        ),
        (
            "get cm c -o templatefile=t.txt",
            Err("error: error reading --template t.txt, open t.txt: no such file or directory"),
        ),
        (
            "get cm c -o custom-columns-file=t.txt",
            Err("error: error reading template t.txt, open t.txt: no such file or directory"),
        ),
    ] {
        let got = k(&mut sim, line);
        assert_eq!(got.as_deref().map_err(String::as_str), want, "{line}");
    }
    // yaml and json as before.
    assert!(k(&mut sim, "get cm c -o yaml")
        .unwrap()
        .starts_with("apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\n"));
    assert!(k(&mut sim, "get cm c -o json").unwrap().ends_with("}\n"));
}
