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

/// Resolves one resource word as cli-runtime's `mappingFor` does: a word
/// with two dots or more is first `resource.version.group`
/// (`statefulsets.v1.apps`, `pods.v1.`, schema.ParseResourceArg), then,
/// as every word, `resource.group` split at its first dot
/// (`statefulsets.apps`, `storageclasses.storage.k8s.io`). `None` when
/// the server has no such type.
pub fn resolve(word: &str) -> Option<Resource> {
    let w = word.to_ascii_lowercase();
    if let [r, v, g] = w.splitn(3, '.').collect::<Vec<_>>()[..] {
        if let Some(hit) = resolve_in(r, Some(g), Some(v)) {
            return Some(hit);
        }
    }
    match w.split_once('.') {
        Some((base, group)) => resolve_in(base, Some(group), None),
        None => resolve_in(&w, None, None),
    }
}

/// One resource name in a group (any, when `None`) at a served version.
fn resolve_in(base: &str, group: Option<&str>, version: Option<&str>) -> Option<Resource> {
    if version.is_some_and(|v| v != "v1") {
        // Every type Ordinal serves is at v1 only, as in v1.31.
        return None;
    }
    if matches!(base, "ev" | "event" | "events") {
        return match group {
            None | Some("events.k8s.io") | Some("") => Some(Resource::Events),
            _ => None,
        };
    }
    Kind::ALL
        .into_iter()
        .find(|&k| {
            (base == singular(k) || base == k.plural() || short_names(k).contains(&base))
                && group.is_none_or(|g| g == k.group())
        })
        .map(Resource::Kind)
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

/// mappingFor's error names only the resource part of the word (its
/// groupResource.Resource): `sts.foo` is `the server doesn't have a
/// resource type "sts"`.
pub fn unknown_type(word: &str) -> String {
    let resource = word.split('.').next().unwrap_or(word);
    format!("error: the server doesn't have a resource type \"{resource}\"")
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
        // Fully specified resource.version.group words.
        for (word, kind) in [
            ("statefulsets.v1.apps", Kind::StatefulSet),
            ("sts.v1.apps", Kind::StatefulSet),
            ("pods.v1.", Kind::Pod),
            ("storageclasses.storage.k8s.io", Kind::StorageClass),
            ("sc.v1.storage.k8s.io", Kind::StorageClass),
        ] {
            assert_eq!(resolve(word), Some(Resource::Kind(kind)), "{word}");
        }
        assert_eq!(resolve("statefulsets.v1beta1.apps"), None);
        // A version alone is no group.
        assert_eq!(resolve("pods.v1"), None);
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
        assert_eq!(
            parse_targets(&w(&["statefulsets.v1beta2.apps", "web"])).unwrap_err(),
            "error: the server doesn't have a resource type \"statefulsets\""
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
