//! Resource names as kubectl resolves them: singular, plural, short
//! names, `Kind`, `kind.group`, the `all` category, `a,b` lists and
//! `kind/name` forms.

use crate::sim::object::Kind;

/// What a command can name: a stored kind, or Events (which Ordinal keeps
/// in the log rather than the store).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resource {
    Kind(Kind),
    Events,
}

/// Lower-case singular (`statefulset`), as kubectl prints `statefulset.apps/web`.
pub fn singular(kind: Kind) -> String {
    kind.as_str().to_ascii_lowercase()
}

/// Short names as the API server's discovery advertises them.
pub fn short_names(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Namespace => &["ns"],
        Kind::Node => &["no"],
        Kind::Pod => &["po"],
        Kind::Service => &["svc"],
        Kind::Endpoints => &["ep"],
        Kind::StatefulSet => &["sts"],
        Kind::ControllerRevision => &[],
        Kind::ReplicationController => &["rc"],
        Kind::ReplicaSet => &["rs"],
        Kind::Deployment => &["deploy"],
        Kind::DaemonSet => &["ds"],
        Kind::PersistentVolume => &["pv"],
        Kind::PersistentVolumeClaim => &["pvc"],
        Kind::StorageClass => &["sc"],
        Kind::ConfigMap => &["cm"],
        Kind::Secret => &[],
        Kind::PodDisruptionBudget => &["pdb"],
    }
}

/// `statefulset.apps`, `pod`: the word kubectl prints before `/name`
/// and in `deleted`/`scaled` messages.
pub fn kind_word(kind: Kind) -> String {
    match kind.group() {
        "" => singular(kind),
        g => format!("{}.{}", singular(kind), g),
    }
}

/// Resolves one resource word. `None` when the server has no such type.
pub fn resolve(word: &str) -> Option<Resource> {
    let w = word.to_ascii_lowercase();
    // `statefulsets.apps`, `statefulset.apps/v1` style qualifiers.
    let (base, group) = match w.split_once('.') {
        Some((b, g)) => (
            b.to_string(),
            Some(g.split('/').next().unwrap_or("").to_string()),
        ),
        None => (w.clone(), None),
    };
    if matches!(base.as_str(), "ev" | "event" | "events") {
        return match group.as_deref() {
            None | Some("events.k8s.io") | Some("") => Some(Resource::Events),
            _ => None,
        };
    }
    for k in Kind::ALL {
        let hit =
            base == singular(k) || base == k.plural() || short_names(k).contains(&base.as_str());
        if hit {
            if let Some(g) = &group {
                if g != k.group() && !(g == "v1" && k.group().is_empty()) {
                    return None;
                }
            }
            return Some(Resource::Kind(k));
        }
    }
    None
}

/// The kinds of the `all` category, in the order kubectl prints them.
pub const ALL_CATEGORY: [Kind; 7] = [
    Kind::Pod,
    Kind::ReplicationController,
    Kind::Service,
    Kind::DaemonSet,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
];

/// What the positional words of get/describe/delete name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Targets {
    /// Kinds in the order given, each with the names asked for (empty:
    /// every object that matches the selector).
    pub groups: Vec<(Resource, Vec<String>)>,
    /// True when more than one kind was asked for (or `all`, or a
    /// `kind/name` form): names print as `kind/name`.
    pub multi: bool,
}

pub fn unknown_type(word: &str) -> String {
    format!("error: the server doesn't have a resource type \"{word}\"")
}

/// Parses `TYPE[,TYPE] [NAME...]` or `TYPE/NAME...`.
pub fn parse_targets(words: &[String]) -> Result<Targets, String> {
    let mut groups: Vec<(Resource, Vec<String>)> = Vec::new();
    let Some(first) = words.first() else {
        return Ok(Targets {
            groups,
            multi: false,
        });
    };
    if first.contains('/') {
        for w in words {
            let Some((t, name)) = w.split_once('/') else {
                return Err(
                    "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'"
                        .into(),
                );
            };
            let r = resolve(t).ok_or_else(|| unknown_type(t))?;
            match groups.iter_mut().find(|(g, _)| *g == r) {
                Some((_, names)) => names.push(name.to_string()),
                None => groups.push((r, vec![name.to_string()])),
            }
        }
        return Ok(Targets {
            groups,
            multi: true,
        });
    }
    let names: Vec<String> = words[1..].to_vec();
    if let Some(w) = names.iter().find(|w| w.contains('/')) {
        let _ = w;
        return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
    }
    let mut multi = false;
    let types: Vec<&str> = first.split(',').filter(|s| !s.is_empty()).collect();
    if types.len() > 1 {
        multi = true;
    }
    for t in types {
        if t.eq_ignore_ascii_case("all") {
            multi = true;
            for k in ALL_CATEGORY {
                if !groups.iter().any(|(g, _)| *g == Resource::Kind(k)) {
                    groups.push((Resource::Kind(k), names.clone()));
                }
            }
            continue;
        }
        let r = resolve(t).ok_or_else(|| unknown_type(t))?;
        if !groups.iter().any(|(g, _)| *g == r) {
            groups.push((r, names.clone()));
        }
    }
    Ok(Targets { groups, multi })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn every_name_form_resolves() {
        for (word, kind) in [
            ("po", Kind::Pod),
            ("pods", Kind::Pod),
            ("pod", Kind::Pod),
            ("Pod", Kind::Pod),
            ("svc", Kind::Service),
            ("sts", Kind::StatefulSet),
            ("statefulsets.apps", Kind::StatefulSet),
            ("pvc", Kind::PersistentVolumeClaim),
            ("pv", Kind::PersistentVolume),
            ("sc", Kind::StorageClass),
            ("ep", Kind::Endpoints),
            ("rc", Kind::ReplicationController),
            ("rs", Kind::ReplicaSet),
            ("deploy", Kind::Deployment),
            ("ds", Kind::DaemonSet),
            ("cm", Kind::ConfigMap),
            ("secret", Kind::Secret),
            ("pdb", Kind::PodDisruptionBudget),
            ("no", Kind::Node),
            ("ns", Kind::Namespace),
            ("controllerrevision", Kind::ControllerRevision),
        ] {
            assert_eq!(resolve(word), Some(Resource::Kind(kind)), "{word}");
        }
        assert_eq!(resolve("ev"), Some(Resource::Events));
        assert_eq!(resolve("petset"), None);
        assert_eq!(resolve("statefulsets.extensions"), None);
    }

    #[test]
    fn target_forms() {
        let t = parse_targets(&w(&["statefulset,po"])).unwrap();
        assert!(t.multi);
        assert_eq!(t.groups.len(), 2);
        let t = parse_targets(&w(&["pvc", "www-web-0", "www-web-1"])).unwrap();
        assert!(!t.multi);
        assert_eq!(t.groups[0].1, vec!["www-web-0", "www-web-1"]);
        let t = parse_targets(&w(&["sts/web", "pod/web-0"])).unwrap();
        assert!(t.multi);
        assert_eq!(
            t.groups[1],
            (Resource::Kind(Kind::Pod), vec!["web-0".to_string()])
        );
        let t = parse_targets(&w(&["all"])).unwrap();
        assert_eq!(t.groups.len(), ALL_CATEGORY.len());
        assert_eq!(
            parse_targets(&w(&["foo"])).unwrap_err(),
            "error: the server doesn't have a resource type \"foo\""
        );
    }

    #[test]
    fn kind_words() {
        assert_eq!(kind_word(Kind::StatefulSet), "statefulset.apps");
        assert_eq!(kind_word(Kind::Pod), "pod");
        assert_eq!(
            kind_word(Kind::PodDisruptionBudget),
            "poddisruptionbudget.policy"
        );
    }
}
