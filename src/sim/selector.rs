//! Label selectors: `metav1.LabelSelector` (matchLabels + matchExpressions)
//! and the string form kubectl takes after `-l`.

use super::object::{scalar_text, Labels};
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

impl Requirement {
    pub fn matches(&self, labels: &Labels) -> bool {
        match self {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            // As upstream: `!=` and `notin` also match objects without the key.
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|l| vs.contains(l)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|l| !vs.contains(l)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
        }
    }
}

/// A conjunction of requirements. Empty matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub requirements: Vec<Requirement>,
}

impl Selector {
    pub fn everything() -> Selector {
        Selector::default()
    }

    pub fn from_labels(l: &Labels) -> Selector {
        Selector {
            requirements: l
                .iter()
                .map(|(k, v)| Requirement::Equals(k.clone(), v.clone()))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// Reads a `metav1.LabelSelector` value. `Null` gives `None` (no
    /// selector), which is not the same as an empty one.
    pub fn from_value(v: &Value) -> Result<Option<Selector>, String> {
        let Some(m) = v.as_object() else {
            return if v.is_null() {
                Ok(None)
            } else {
                Err("selector must be a mapping".into())
            };
        };
        let mut reqs = Vec::new();
        if let Some(ml) = m.get("matchLabels").and_then(|x| x.as_object()) {
            for (k, v) in ml {
                let v = scalar_text(v);
                reqs.push(Requirement::Equals(k.clone(), v));
            }
        }
        if let Some(exprs) = m.get("matchExpressions").and_then(|x| x.as_array()) {
            for e in exprs {
                let key = e
                    .get("key")
                    .and_then(|k| k.as_str())
                    .ok_or("matchExpressions entry needs a key")?
                    .to_string();
                let values: Vec<String> = e
                    .get("values")
                    .and_then(|v| v.as_array())
                    .map(|a| a.iter().map(scalar_text).collect())
                    .unwrap_or_default();
                let op = e.get("operator").and_then(|o| o.as_str()).unwrap_or("");
                reqs.push(match op {
                    "In" => Requirement::In(key, values),
                    "NotIn" => Requirement::NotIn(key, values),
                    "Exists" => Requirement::Exists(key),
                    "DoesNotExist" => Requirement::DoesNotExist(key),
                    other => {
                        return Err(format!("\"{other}\" is not a valid pod selector operator"))
                    }
                });
            }
        }
        Ok(Some(Selector { requirements: reqs }))
    }

    /// Parses kubectl's `-l` syntax: `app=web,tier!=db,env in (a,b),
    /// env notin (c),key,!key`.
    pub fn parse(s: &str) -> Result<Selector, String> {
        let mut reqs = Vec::new();
        for part in split_top_level(s) {
            let p = part.trim();
            if p.is_empty() {
                continue;
            }
            let bad = || {
                format!("unable to parse requirement: found '{p}', expected: in, notin, =, ==, !=, gt, lt")
            };
            if let Some(k) = p.strip_prefix('!') {
                reqs.push(Requirement::DoesNotExist(k.trim().to_string()));
            } else if let Some((k, v)) = p.split_once("!=") {
                reqs.push(Requirement::NotEquals(k.trim().into(), v.trim().into()));
            } else if let Some((k, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
                reqs.push(Requirement::Equals(k.trim().into(), v.trim().into()));
            } else if let Some((k, rest)) = split_set_op(p, " notin ") {
                reqs.push(Requirement::NotIn(k, parse_set(rest).ok_or_else(bad)?));
            } else if let Some((k, rest)) = split_set_op(p, " in ") {
                reqs.push(Requirement::In(k, parse_set(rest).ok_or_else(bad)?));
            } else if p.contains(' ') || p.contains('(') {
                return Err(bad());
            } else {
                reqs.push(Requirement::Exists(p.to_string()));
            }
        }
        Ok(Selector { requirements: reqs })
    }
}

fn split_set_op(p: &str, op: &str) -> Option<(String, String)> {
    p.find(op).map(|i| {
        (
            p[..i].trim().to_string(),
            p[i + op.len()..].trim().to_string(),
        )
    })
}

fn parse_set(rest: String) -> Option<Vec<String>> {
    let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(
        inner
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    )
}

/// Splits on commas outside parentheses.
fn split_top_level(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c)
            }
            ')' => {
                depth -= 1;
                cur.push(c)
            }
            ',' if depth == 0 => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn string_selectors_follow_kubectl() {
        let l = labels(&[("app", "web"), ("tier", "front")]);
        let yes = [
            "app=web",
            "app==web",
            "tier!=db",
            "app in (web, db)",
            "tier notin (db)",
            "app",
            "!missing",
            "app=web,tier",
        ];
        for s in yes {
            assert!(Selector::parse(s).unwrap().matches(&l), "{s}");
        }
        let no = [
            "app=db",
            "app!=web",
            "app in (db)",
            "app notin (web)",
            "missing",
            "!app",
        ];
        for s in no {
            assert!(!Selector::parse(s).unwrap().matches(&l), "{s}");
        }
        assert!(Selector::parse("app in web").is_err());
    }

    #[test]
    fn label_selector_values() {
        let v = serde_json::json!({"matchLabels": {"app": "zk"}, "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]}]});
        let s = Selector::from_value(&v).unwrap().unwrap();
        assert!(s.matches(&labels(&[("app", "zk")])));
        assert!(!s.matches(&labels(&[("app", "zk"), ("tier", "db")])));
        assert_eq!(Selector::from_value(&Value::Null).unwrap(), None);
    }
}
