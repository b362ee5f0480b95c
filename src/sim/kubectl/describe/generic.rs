//! kubectl's generic describer, for kinds without their own.

use super::*;

pub(super) fn describe_generic(o: &Object, w: &mut W) {
    common_meta(w, o);
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    if let Some(c) = controlled_by(o) {
        w.kv(0, "Controlled By", c);
    }
    for (k, v) in &o.body {
        let mut name: Vec<char> = k.chars().collect();
        if let Some(c) = name.first_mut() {
            *c = c.to_ascii_uppercase();
        }
        let name: String = name.into_iter().collect();
        match v {
            Value::Object(_) | Value::Array(_) => {
                w.line(0, &format!("{name}:"));
                for l in super::super::get::to_yaml(v).lines() {
                    w.line(1, l);
                }
            }
            other => w.kv(0, &name, super::super::jsonpath::text(other)),
        }
    }
}
