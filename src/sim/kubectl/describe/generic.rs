//! kubectl's generic describer (`genericDescriber`), for kinds without
//! their own (ControllerRevision here): name, namespace, labels and
//! annotations, then every other field of the object, sorted, with
//! `smartLabelFor` labels, then events.

use super::*;
use crate::sim::sort;

pub(super) fn describe_generic(o: &Object, w: &mut W) {
    w.kv(0, "Name", &o.meta.name);
    w.kv(0, "Namespace", &o.meta.namespace);
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    let v = o.to_value();
    if let Some(m) = v.as_object() {
        unstructured(
            w,
            0,
            m,
            "",
            &[
                ".metadata.managedFields",
                ".metadata.name",
                ".metadata.namespace",
                ".metadata.labels",
                ".metadata.annotations",
            ],
        );
    }
}

/// `printUnstructuredContent`.
fn unstructured(
    w: &mut W,
    level: usize,
    m: &serde_json::Map<String, Value>,
    prefix: &str,
    skip: &[&str],
) {
    let mut fields: Vec<&String> = m.keys().collect();
    sort::sort(&mut fields);
    for f in fields {
        let path = format!("{prefix}.{f}");
        if skip.contains(&path.as_str()) {
            continue;
        }
        match &m[f] {
            Value::Object(child) => {
                w.line(level, &format!("{}:", smart_label(f)));
                unstructured(w, level + 1, child, &path, skip);
            }
            Value::Array(items) => {
                w.line(level, &format!("{}:", smart_label(f)));
                for it in items {
                    match it {
                        Value::Object(child) => unstructured(w, level + 1, child, &path, skip),
                        other => w.line(level + 1, &super::super::jsonpath::sprint(other)),
                    }
                }
            }
            other => w.kv(
                level,
                &smart_label(f),
                super::super::jsonpath::sprint(other),
            ),
        }
    }
}

/// `camelcase.Split`: runs of lower, upper, digit and other characters,
/// an upper run giving its last letter to a lower run after it.
fn camel_split(s: &str) -> Vec<String> {
    let class = |c: char| {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in s.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(r) if k == last => r.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper_then_lower = runs[i].first().is_some_and(|c| c.is_uppercase())
            && runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if upper_then_lower {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

/// `smartLabelFor`: `apiVersion` -> `API Version`, `uid` -> `UID`; a name
/// with characters other than letters and `-` stays as it is.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    camel_split(field)
        .into_iter()
        .filter(|p| p != "_")
        .map(|p| {
            let up = p.to_ascii_uppercase();
            if ["API", "URL", "UID", "OSB", "GUID"].contains(&up.as_str()) {
                up
            } else {
                let mut cs = p.chars();
                match cs.next() {
                    Some(c) => std::iter::once(c.to_ascii_uppercase()).chain(cs).collect(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn smart_labels_as_kubectl_makes_them() {
        let l = super::smart_label;
        assert_eq!(l("apiVersion"), "API Version");
        assert_eq!(l("uid"), "UID");
        assert_eq!(l("ownerReferences"), "Owner References");
        assert_eq!(l("blockOwnerDeletion"), "Block Owner Deletion");
        assert_eq!(l("$patch"), "$patch");
        assert_eq!(
            l("terminationGracePeriodSeconds"),
            "Termination Grace Period Seconds"
        );
        assert_eq!(l("podIP"), "Pod IP");
        assert_eq!(l("revision"), "Revision");
    }
}
