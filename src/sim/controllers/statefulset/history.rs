//! ControllerRevisions for StatefulSets, after upstream `pkg/controller/history`
//! and the revision half of `stateful_set_control.go`: a revision stores
//! the set's pod template as a strategic-merge patch
//! (`{"spec":{"template":{...,"$patch":"replace"}}}`), is named
//! `<set>-<hash>`, and is numbered by `revision`.

use crate::sim::controllers::Out;
use crate::sim::object::{json_text, Kind, Object, OwnerRef, ValueExt};
use crate::sim::selector::Selector;
use crate::sim::sort;
use crate::sim::store::Store;
use serde_json::{json, Value};
use std::borrow::Cow;

/// `history.ControllerRevisionHashLabel`.
pub const CONTROLLER_REVISION_HASH_LABEL: &str = "controller.kubernetes.io/hash";

/// `rand.SafeEncodeString`: each byte mapped into the API server's
/// consonant-and-digit alphabet (no vowels, so no words).
pub fn safe_encode_string(s: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

pub use crate::sim::hash::{fnv1_32, fnv1a_32};

/// JSON with object keys sorted, as Go's encoder writes maps: the same
/// template always gives the same bytes, whatever order it was written in.
pub fn canonical_json(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            sort::sort(&mut keys);
            let body: Vec<String> = keys
                .iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        serde_json::to_string(k).unwrap_or_default(),
                        canonical_json(&m[*k])
                    )
                })
                .collect();
            format!("{{{}}}", body.join(","))
        }
        Value::Array(a) => {
            let body: Vec<String> = a.iter().map(canonical_json).collect();
            format!("[{}]", body.join(","))
        }
        other => json_text(other),
    }
}

/// `HashControllerRevision`: FNV over the data and the collision count,
/// printed in decimal, then safe-encoded.
pub fn hash_controller_revision(data: &Value, collision_count: i64) -> String {
    let raw = canonical_json(data);
    let probe = collision_count.to_string();
    safe_encode_string(&fnv1_32(&[raw.as_bytes(), probe.as_bytes()]).to_string())
}

/// `ControllerRevisionName`: `<prefix>-<hash>`, the prefix cut to 223.
pub fn controller_revision_name(prefix: &str, hash: &str) -> String {
    let prefix: String = prefix.chars().take(223).collect();
    format!("{prefix}-{hash}")
}

/// `getPatch`.
pub fn get_patch(set: &Object) -> Value {
    let mut template = set.spec().at("template").clone();
    if !template.is_object() {
        template = json!({});
    }
    template
        .as_object_mut()
        .expect("an object")
        .insert("$patch".into(), "replace".into());
    json!({"spec": {"template": template}})
}

/// `*data == get_patch(set)`, without building the patch.
fn is_patch_of(data: &Value, set: &Object) -> bool {
    fn compare(data: &Value, set: &Object) -> Option<bool> {
        let d = data.as_object()?;
        let spec = d.get("spec")?.as_object()?;
        let t = spec.get("template")?.as_object()?;
        if d.len() != 1 || spec.len() != 1 || t.get("$patch")? != "replace" {
            return Some(false);
        }
        let empty = serde_json::Map::new();
        let own = set.spec().at("template").as_object().unwrap_or(&empty);
        Some(
            t.len() == own.len() + usize::from(!own.contains_key("$patch"))
                && t.iter()
                    .filter(|(k, _)| k.as_str() != "$patch")
                    .all(|(k, v)| own.get(k) == Some(v)),
        )
    }
    let found = compare(data, set).unwrap_or(false);
    debug_assert_eq!(found, *data == get_patch(set), "is_patch_of disagrees");
    found
}

/// The pod template a revision restores.
pub fn revision_template(rev: &Object) -> Option<Value> {
    let mut t = rev.field("data").at("spec.template").clone();
    let m = t.as_object_mut()?;
    m.remove("$patch");
    Some(t)
}

/// `revision_template(rev) == Some(template.clone())`, without the copy.
pub fn template_is(rev: &Object, template: &Value) -> bool {
    let (Some(r), Some(t)) = (
        rev.field("data").at("spec.template").as_object(),
        template.as_object(),
    ) else {
        return false;
    };
    r.len() - usize::from(r.contains_key("$patch")) == t.len()
        && r.iter()
            .filter(|(k, _)| k.as_str() != "$patch")
            .all(|(k, v)| t.get(k) == Some(v))
}

pub fn revision_number(rev: &Object) -> i64 {
    rev.field("revision").as_i64().unwrap_or(0)
}

fn revision_data(rev: &Object) -> &Value {
    rev.field("data")
}

/// `newRevision` / `history.NewControllerRevision`.
pub fn new_revision(set: &Object, revision: i64, collision_count: i64) -> Object {
    let data = get_patch(set);
    let hash = hash_controller_revision(&data, collision_count);
    let mut cr = Object::new(
        Kind::ControllerRevision,
        &set.meta.namespace,
        &controller_revision_name(&set.meta.name, &hash),
    );
    cr.meta.labels = set.spec().labels_at("template.metadata.labels");
    cr.meta
        .labels
        .insert(CONTROLLER_REVISION_HASH_LABEL.into(), hash);
    cr.meta.annotations = set.meta.annotations.clone();
    cr.meta.owner_references = vec![OwnerRef::controller_of(set)];
    cr.body.insert("data".into(), data);
    cr.body.insert("revision".into(), revision.into());
    cr
}

/// `ListRevisions`: revisions matching the selector that the set controls.
/// Borrowed from the store: a sync reads them and copies only one it
/// changes.
pub fn list_revisions<'a>(
    store: &'a Store,
    set: &'a Object,
    selector: &Selector,
) -> Vec<&'a Object> {
    store
        .list_ns(Kind::ControllerRevision, &set.meta.namespace)
        .filter(|r| {
            selector.matches(&r.meta.labels)
                && r.meta
                    .controller_ref()
                    .is_none_or(|c| c.uid == set.meta.uid)
        })
        .collect()
}

/// `adoptOrphanRevisions`: the listed revisions with no controller (left
/// by a `--cascade=orphan` delete) get the set as their controller, as
/// `AdoptControllerRevision`'s patch adds it. Returns the adopted copies,
/// which the rest of the pass reads (a renumbering writes over them).
pub fn adopt_orphan_revisions(set: &Object, revisions: &[&Object]) -> Vec<Object> {
    revisions
        .iter()
        .filter(|r| r.meta.controller_ref().is_none())
        .map(|r| {
            let mut adopted = (*r).clone();
            adopted
                .meta
                .owner_references
                .push(OwnerRef::controller_of(set));
            adopted
        })
        .collect()
}

/// `SortControllerRevisions`: by revision, then creation, then name.
pub fn sort_controller_revisions(revs: &mut [&Object]) {
    sort::sort_by(revs, |a, b| {
        revision_number(a)
            .cmp(&revision_number(b))
            .then(a.meta.creation_timestamp.cmp(&b.meta.creation_timestamp))
            .then(a.meta.name.cmp(&b.meta.name))
    });
}

/// `nextRevision`.
fn next_revision(revs: &[&Object]) -> i64 {
    revs.last().map_or(1, |r| revision_number(r) + 1)
}

/// `getStatefulSetRevisions`: the current and update revisions, creating
/// the update revision, or renumbering an equal older one (a rollback).
/// The revisions come back borrowed when the store holds them as they are.
pub fn get_stateful_set_revisions<'a>(
    store: &'a Store,
    set: &Object,
    revisions: &[&'a Object],
    out: &mut Out,
) -> (Cow<'a, Object>, Cow<'a, Object>, i64) {
    let mut collision_count = set.status().i64_at("collisionCount").unwrap_or(0);
    // Upstream builds and hashes the candidate revision on every pass; here
    // it is built only when no revision holds its data already (the hash
    // is used only then).
    let equal: Vec<&'a Object> = revisions
        .iter()
        .copied()
        .filter(|r| is_patch_of(revision_data(r), set))
        .collect();
    let update = match (equal.last(), revisions.last()) {
        (Some(eq), Some(last)) if eq.meta.name == last.meta.name => Cow::Borrowed(*eq),
        (Some(eq), _) => {
            let mut bumped = (*eq).clone();
            bumped
                .body
                .insert("revision".into(), next_revision(revisions).into());
            out.update(bumped.clone());
            Cow::Owned(bumped)
        }
        (None, _) => {
            // `CreateControllerRevision`: on a name taken by other data,
            // count the collision and hash again.
            let mut cr = new_revision(set, next_revision(revisions), collision_count);
            loop {
                let hash = hash_controller_revision(revision_data(&cr), collision_count);
                cr.meta.name = controller_revision_name(&set.meta.name, &hash);
                match store.get(Kind::ControllerRevision, &set.meta.namespace, &cr.meta.name) {
                    Some(existing) if revision_data(existing) == revision_data(&cr) => {
                        break Cow::Borrowed(existing);
                    }
                    Some(_) => collision_count += 1,
                    None => {
                        out.create(cr.clone());
                        break Cow::Owned(cr);
                    }
                }
            }
        }
    };
    let current_name = set.status().str_at("currentRevision").unwrap_or("");
    let current = revisions
        .iter()
        .find(|r| r.meta.name == current_name)
        .map(|r| Cow::Borrowed(*r))
        .unwrap_or_else(|| update.clone());
    (current, update, collision_count)
}

/// How many of `n` revisions are more than the set's `revisionHistoryLimit`
/// keeps, when any are (a negative limit keeps all).
fn excess(set: &Object, n: usize) -> Option<usize> {
    let limit = usize::try_from(super::revision_history_limit(set)).ok()?;
    n.checked_sub(limit).filter(|&e| e > 0)
}

/// The revisions the pods are at, each once, for [`truncate_history`] (a
/// revision is live when any pod is at it). Read only when the history is
/// longer than its limit: with no more revisions than that nothing is
/// truncated whatever the pods are at, as between rollouts, and reading
/// every pod's on every sync for nothing was a share of the sync.
pub(crate) fn live_pod_revisions<'p>(
    set: &Object,
    revisions: &[&Object],
    pods: impl Iterator<Item = &'p Object>,
) -> Vec<String> {
    let mut live: Vec<String> = Vec::new();
    if excess(set, revisions.len()).is_none() {
        return live;
    }
    for p in pods {
        let rev = super::get_pod_revision(p);
        if !live.iter().any(|r| r == rev) {
            live.push(rev.to_string());
        }
    }
    live
}

/// `truncateHistory`: delete the oldest non-live revisions beyond
/// `revisionHistoryLimit`. Live: current, update, and any pod's revision
/// ([`live_pod_revisions`]).
pub fn truncate_history(
    set: &Object,
    pod_revisions: &[String],
    revisions: &[&Object],
    current: &Object,
    update: &Object,
    out: &mut Out,
) {
    let live = |name: &str| {
        name == current.meta.name
            || name == update.meta.name
            || pod_revisions.iter().any(|p| p == name)
    };
    let history: Vec<&Object> = revisions
        .iter()
        .copied()
        .filter(|r| !live(&r.meta.name))
        .collect();
    let Some(excess) = excess(set, history.len()) else {
        return;
    };
    for r in &history[..excess] {
        out.delete(r);
    }
}
