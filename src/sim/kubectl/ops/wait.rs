//! `kubectl wait` (upstream `pkg/cmd/wait`).

use super::*;

pub fn wait(sim: &mut Sim, args: &Args) -> Result<String, String> {
    let ns = namespace(args);
    let Some(cond) = args.get("for") else {
        return Err("error: --for must be specified".into());
    };
    let timeout = match args.get("timeout") {
        Some(t) => parse_duration_ms(t).ok_or_else(|| format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""))?,
        None => 30_000,
    };
    let targets = resources::parse_targets(&args.positional)?;
    let sel = selector(args)?;
    let keys = crate::sim::kubectl::select_keys(
        sim,
        &targets,
        &ns,
        args.bool("all-namespaces"),
        sel.as_ref(),
    );
    if keys.is_empty() {
        return Err("error: no matching resources found".into());
    }
    #[derive(Clone)]
    enum For {
        Delete,
        Condition(String, String),
        JsonPath(String, Option<String>),
    }
    let f = if cond == "delete" {
        For::Delete
    } else if let Some(c) = cond.strip_prefix("condition=") {
        let (n, v) = c.split_once('=').unwrap_or((c, "true"));
        For::Condition(n.to_string(), v.to_string())
    } else if let Some(j) = cond.strip_prefix("jsonpath=") {
        // `{.status.phase}=Running`
        match j.rfind("}=") {
            Some(i) => For::JsonPath(j[..=i].to_string(), Some(j[i + 2..].to_string())),
            None => For::JsonPath(j.to_string(), None),
        }
    } else {
        return Err(format!("error: unrecognized condition: \"{cond}\""));
    };
    let mut out = Report::default();
    for k in keys {
        let Some(key) = out.key(k) else {
            continue;
        };
        let uid = sim
            .store
            .get_key(&key)
            .map(|o| o.meta.uid.clone())
            .unwrap_or_default();
        let fc = f.clone();
        // Upstream's wait reads the object again on each watch event; here
        // the check runs after every step of the cluster, so an object whose
        // resourceVersion has not moved keeps its last answer (a JSONPath
        // renders the whole object as JSON).
        let mut last: Option<(u64, bool)> = None;
        let met = wait_until(sim, timeout, |s| {
            let o = s.store.get_key(&key).filter(|o| o.meta.uid == uid);
            let version = o.map(|o| o.resource_version);
            if let (Some(v), Some((seen, answer))) = (version, last) {
                if v == seen {
                    return answer;
                }
            }
            let answer = match &fc {
                For::Delete => o.is_none(),
                For::Condition(n, v) => o.is_some_and(|o| {
                    o.status().array_at("conditions").iter().any(|c| {
                        c.str_at("type").is_some_and(|t| t.eq_ignore_ascii_case(n))
                            && c.str_at("status")
                                .is_some_and(|s| s.eq_ignore_ascii_case(v))
                    })
                }),
                For::JsonPath(p, v) => o.is_some_and(|o| {
                    // Only the top-level field the path starts in, when it
                    // names one: the whole object's JSON was most of a check.
                    let root = match root_field(p) {
                        Some(f) => o.to_value_of(f),
                        None => o.to_value(),
                    };
                    let got = crate::sim::kubectl::jsonpath::render(p, &root).unwrap_or_default();
                    match v {
                        Some(v) => got == *v,
                        None => !got.is_empty(),
                    }
                }),
            };
            last = version.map(|v| (v, answer));
            answer
        });
        let word = resources::kind_word(key.kind);
        let word = word.split('.').next().unwrap_or("");
        if met {
            out.push(format!("{} condition met", ref_name(&key)));
        } else {
            out.fail(format!(
                "error: timed out waiting for the condition on {word}s/{}",
                key.name
            ));
        }
    }
    out.finish()
}

/// The top-level field a one-expression JSONPath template reads everything
/// under (`{.status.readyReplicas}` reads under `status`), when it is that
/// simple: no root (`$`), recursive descent, wildcard or second expression.
fn root_field(template: &str) -> Option<&str> {
    let expr = template.strip_prefix("{.")?.strip_suffix('}')?;
    if expr.contains(['{', '}', '$', '*']) || expr.starts_with('.') {
        return None;
    }
    let end = expr.find(['.', '[']).unwrap_or(expr.len());
    let name = &expr[..end];
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    (plain && !expr.contains("..")).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::root_field;
    use crate::sim::kubectl::jsonpath::render;
    use crate::sim::object::{Kind, Object};
    use serde_json::json;

    #[test]
    fn a_simple_path_reads_one_top_level_field() {
        assert_eq!(root_field("{.status.readyReplicas}"), Some("status"));
        assert_eq!(root_field("{.spec}"), Some("spec"));
        assert_eq!(
            root_field("{.status.conditions[?(@.type==\"Ready\")].status}"),
            Some("status")
        );
        for whole in [
            "{..readyReplicas}",
            "{$.status.replicas}",
            "{.status.replicas} {.spec.replicas}",
            "{.*}",
            "{.status..ready}",
            "{range .items[*]}{.name}{end}",
            "status",
        ] {
            assert_eq!(root_field(whole), None, "{whole}");
        }
    }

    #[test]
    fn the_partial_value_renders_as_the_whole_would() {
        let mut o = Object::new(Kind::StatefulSet, "default", "web");
        o.body.insert("spec".into(), json!({"replicas": 3}));
        o.body.insert(
            "status".into(),
            json!({"readyReplicas": 2, "conditions": [{"type": "Ready", "status": "True"}]}),
        );
        for t in [
            "{.status.readyReplicas}",
            "{.status.conditions[?(@.type==\"Ready\")].status}",
            "{.spec.replicas}",
            "{.status.missing}",
            "{.metadata.name}",
        ] {
            let part = match root_field(t) {
                Some(f) => o.to_value_of(f),
                None => o.to_value(),
            };
            assert_eq!(render(t, &part), render(t, &o.to_value()), "{t}");
        }
    }
}
