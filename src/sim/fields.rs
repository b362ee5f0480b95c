//! Field selectors (`--field-selector`, apimachinery's `fields.ParseSelector`)
//! and the fields each kind lets a list select on (the API server's field
//! label conversions, `pkg/apis/*/v1/conversion.go`, and the `ToSelectableFields`
//! of the registries).

use super::object::{Kind, ValueExt};
use serde_json::Value;

/// One `field=value`, `field==value` or `field!=value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub field: String,
    pub value: String,
    pub equal: bool,
}

/// A conjunction of requirements; empty selects everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector {
    pub requirements: Vec<Requirement>,
}

impl FieldSelector {
    /// `fields.ParseSelector`: terms split on unescaped commas, each with
    /// `!=`, `==` or `=`; a backslash escapes the next character.
    pub fn parse(s: &str) -> Result<FieldSelector, String> {
        let mut requirements = Vec::new();
        for part in split_unescaped(s, ',') {
            if part.is_empty() {
                continue;
            }
            let (field, value, equal) = if let Some((f, v)) = split_op(&part, "!=") {
                (f, v, false)
            } else if let Some((f, v)) = split_op(&part, "==") {
                (f, v, true)
            } else if let Some((f, v)) = split_op(&part, "=") {
                (f, v, true)
            } else {
                return Err(format!(
                    "invalid selector: '{s}'; can't understand '{}'",
                    part
                ));
            };
            requirements.push(Requirement {
                field: unescape(&field),
                value: unescape(&value),
                equal,
            });
        }
        Ok(FieldSelector { requirements })
    }

    /// Whether `v` (an object of `kind`) is selected; `Err` for a field the
    /// kind does not offer, worded as the API server's conversion says it.
    pub fn matches(&self, kind: Option<Kind>, v: &Value) -> Result<bool, String> {
        for r in &self.requirements {
            let have = selectable(kind, v, &r.field)?;
            if (have == r.value) != r.equal {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Splits on `sep` not preceded by a backslash (the escapes stay).
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut escaped = false;
    for c in s.chars() {
        let last = out.last_mut().expect("one part at least");
        if escaped {
            last.push(c);
            escaped = false;
        } else if c == '\\' {
            last.push(c);
            escaped = true;
        } else if c == sep {
            out.push(String::new());
        } else {
            last.push(c);
        }
    }
    out
}

/// `field OP value` at the first unescaped `op`.
fn split_op(part: &str, op: &str) -> Option<(String, String)> {
    let bytes = part.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if part[i..].starts_with(op) {
            return Some((part[..i].to_string(), part[i + op.len()..].to_string()));
        }
        i += 1;
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The fields a kind may be listed by, beyond `metadata.name` and
/// `metadata.namespace` (which all offer), and whether its conversion is
/// a core/v1 one (its error is "field label not supported") or the
/// default (`"x" is not a known field selector`). `None` is Events.
fn offered(kind: Option<Kind>) -> (&'static [&'static str], bool) {
    match kind {
        None => (
            &[
                "involvedObject.kind",
                "involvedObject.namespace",
                "involvedObject.name",
                "involvedObject.uid",
                "involvedObject.apiVersion",
                "involvedObject.resourceVersion",
                "involvedObject.fieldPath",
                "reason",
                "reportingComponent",
                "source",
                "type",
            ],
            true,
        ),
        Some(Kind::Pod) => (
            &[
                "spec.nodeName",
                "spec.restartPolicy",
                "spec.schedulerName",
                "spec.serviceAccountName",
                "spec.hostNetwork",
                "status.phase",
                "status.podIP",
                "status.podIPs",
                "status.nominatedNodeName",
            ],
            true,
        ),
        Some(Kind::Node) => (&["spec.unschedulable"], true),
        Some(Kind::Namespace) => (&["status.phase"], true),
        Some(Kind::ReplicationController) => (&["status.replicas"], true),
        Some(Kind::ReplicaSet) => (&["status.replicas"], false),
        Some(
            Kind::PersistentVolume
            | Kind::PersistentVolumeClaim
            | Kind::Service
            | Kind::Endpoints
            | Kind::ConfigMap,
        ) => (&[], true),
        Some(_) => (&[], false),
    }
}

/// The value a list compares for `field`: the object's field as a string
/// (a missing one is "", a bool `true`/`false`, a number its digits).
fn selectable(kind: Option<Kind>, v: &Value, field: &str) -> Result<String, String> {
    let (extra, core) = offered(kind);
    let known = matches!(field, "metadata.name" | "metadata.namespace") || extra.contains(&field);
    if !known {
        return Err(if core {
            format!("field label not supported: {field}")
        } else {
            format!(
                "\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
            )
        });
    }
    let at = |path: &str| -> String {
        let mut cur = v;
        for p in path.split('.') {
            cur = cur.at(p);
        }
        match cur {
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        }
    };
    Ok(match field {
        // Events: `source` is the reporting component's name.
        "source" => at("source.component"),
        // A pod that asked for none runs as `default`, and is not on the
        // host network unless it says so.
        "spec.hostNetwork" if at("spec.hostNetwork").is_empty() => "false".into(),
        "spec.unschedulable" if at("spec.unschedulable").is_empty() => "false".into(),
        // Every IP, comma-separated, as the registry's selectable field.
        "status.podIPs" => v
            .at("status")
            .at("podIPs")
            .as_array()
            .map(|ips| {
                ips.iter()
                    .filter_map(|i| i.at("ip").as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default(),
        _ => at(field),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_the_three_operators_and_escapes() {
        let s = FieldSelector::parse("status.phase!=Running,spec.nodeName==n1,metadata.name=a\\,b")
            .unwrap();
        assert_eq!(
            s.requirements,
            vec![
                Requirement {
                    field: "status.phase".into(),
                    value: "Running".into(),
                    equal: false
                },
                Requirement {
                    field: "spec.nodeName".into(),
                    value: "n1".into(),
                    equal: true
                },
                Requirement {
                    field: "metadata.name".into(),
                    value: "a,b".into(),
                    equal: true
                },
            ]
        );
        assert_eq!(
            FieldSelector::parse("status.phase").unwrap_err(),
            "invalid selector: 'status.phase'; can't understand 'status.phase'"
        );
        assert!(FieldSelector::parse("").unwrap().requirements.is_empty());
    }

    #[test]
    fn matches_the_fields_each_kind_offers() {
        let pod = json!({"metadata": {"name": "web-0", "namespace": "default"},
            "spec": {"nodeName": "node-1"}, "status": {"phase": "Running",
            "podIPs": [{"ip": "10.0.0.1"}]}});
        let sel = |s: &str| FieldSelector::parse(s).unwrap();
        let pods = Some(Kind::Pod);
        assert!(sel("status.phase=Running,spec.nodeName=node-1")
            .matches(pods, &pod)
            .unwrap());
        assert!(!sel("status.phase!=Running").matches(pods, &pod).unwrap());
        assert!(sel("spec.hostNetwork=false").matches(pods, &pod).unwrap());
        assert!(sel("status.podIPs=10.0.0.1").matches(pods, &pod).unwrap());
        // A missing field is "": `!=` selects it.
        assert!(sel("status.nominatedNodeName!=x")
            .matches(pods, &pod)
            .unwrap());
        assert_eq!(
            sel("spec.foo=1").matches(pods, &pod).unwrap_err(),
            "field label not supported: spec.foo"
        );
        let sts = json!({"metadata": {"name": "web", "namespace": "default"}});
        assert!(sel("metadata.name=web")
            .matches(Some(Kind::StatefulSet), &sts)
            .unwrap());
        assert_eq!(
            sel("spec.replicas=1").matches(Some(Kind::StatefulSet), &sts).unwrap_err(),
            "\"spec.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
        );
        let ev = json!({"involvedObject": {"name": "web-0", "kind": "Pod"}, "type": "Warning",
            "source": {"component": "kubelet"}, "reason": "BackOff"});
        assert!(sel("involvedObject.name=web-0,type=Warning,source=kubelet")
            .matches(None, &ev)
            .unwrap());
        assert!(!sel("reason=Pulled").matches(None, &ev).unwrap());
    }
}
