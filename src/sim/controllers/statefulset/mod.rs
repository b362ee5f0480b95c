//! The StatefulSet controller, after upstream `pkg/controller/statefulset`
//! (`stateful_set.go`, `stateful_set_control.go`, `stateful_set_utils.go`,
//! `stateful_pod_control.go`) rule by rule, reimplemented over the store.
//!
//! A sync is pure: it reads the store and returns writes. Where upstream
//! would issue an API call and carry on with the result, we push the write
//! and carry on with the object we expect, exactly as upstream's
//! in-memory `replicas` slice does.

use super::{Ctx, Keys, Out, Write};
use crate::sim::object::{set_at, Key, Kind, Object, OwnerRef, Shared, ValueExt};
use crate::sim::podutil;
use crate::sim::selector::Selector;
use crate::sim::store::{Change, Store};
use crate::sim::world::{Config, Faults};
use serde_json::{json, Map, Value};
use std::borrow::Cow;

pub mod history;
#[cfg(test)]
pub(crate) mod tests;

mod pod_control;
mod set_control;
mod utils;
pub use history::{controller_revision_name, hash_controller_revision, safe_encode_string};
use pod_control::*;
pub use set_control::*;
pub use utils::*;

/// `getPodsForStatefulSet` with `ClaimPods`: owned pods that still match,
/// plus orphans that match and are members by name (adopted); owned pods
/// that stopped matching are released.
fn get_pods_for_stateful_set<'a>(
    store: &'a Store,
    set: &'a Object,
    checks: &SpecChecks,
    out: &mut Out,
) -> Vec<ReplicaPod<'a>> {
    // Upstream filters by name first (`isMemberOf`): a pod whose name is
    // not `<set>-<n>` is neither adopted nor released.
    let members = store
        .list_ns(Kind::Pod, &set.meta.namespace)
        .filter(|p| is_member_of(set, p));
    // Sized for the set's replicas (more when scaling down, then it grows).
    let expected = replicas_of(set) as usize;
    super::ref_manager::claim_pods_as(
        set,
        |p| checks.of(p).selected,
        members,
        expected,
        out,
        ReplicaPod::Stored,
        |p| ReplicaPod::Made(Box::new(p)),
    )
}

/// One StatefulSet's sync (`StatefulSetController.sync` →
/// `UpdateStatefulSet`). Returns what it is waiting on.
fn sync_stateful_set(ctx: &Ctx, set: &Object, out: &mut Out) -> Blocked {
    let selector = selector_of(set)?;
    let mut revisions = history::list_revisions(ctx.store, set, &selector);
    // A set being deleted gets no new revisions: the garbage collector is
    // removing them, and upstream's controller is not woken by their deletion.
    let deleting = set.meta.deletion_timestamp.is_some();
    // Upstream's `canAdoptFunc` refuses for a set being deleted (and that
    // sync stops there); here the pass goes on without adopting.
    let adopted = if deleting {
        Vec::new()
    } else {
        history::adopt_orphan_revisions(set, &revisions)
    };
    for a in &adopted {
        out.update(a.clone());
        if let Some(r) = revisions.iter_mut().find(|r| r.meta.name == a.meta.name) {
            *r = a;
        }
    }
    let checks = SpecChecks::new(set, &selector);
    let pods = get_pods_for_stateful_set(ctx.store, set, &checks, out);
    history::sort_controller_revisions(&mut revisions);
    let mut scratch = Out::default();
    let (current, update, collision_count) = history::get_stateful_set_revisions(
        ctx.store,
        set,
        &revisions,
        if deleting { &mut scratch } else { &mut *out },
    );

    let min_ready = min_ready_seconds(set);
    // Read before `update_stateful_set` takes the pods.
    let pod_revisions = history::live_pod_revisions(set, &revisions, pods.iter().map(|p| &**p));
    // Wake when a ready pod becomes available.
    if min_ready > 0 {
        for p in &pods {
            if let Some(t) = podutil::ready_since(p) {
                let at = t + min_ready as u64 * 1000;
                if at > ctx.now && is_running_and_ready(p) {
                    out.wake(at);
                }
            }
        }
    }
    let mut c = Control {
        pc: PodControl {
            store: ctx.store,
            retained_and_unowned: is_retain_retain(set)
                && !ctx
                    .store
                    .any_owned(Kind::PersistentVolumeClaim, &set.meta.namespace),
            set,
            out,
            pod_index_label: ctx
                .config
                .feature_gates
                .enabled(crate::sim::features::POD_INDEX_LABEL),
            gates: &ctx.config.feature_gates,
        },
        now: ctx.now,
        blocked: None,
        min_ready,
        max_unavailable_gate: ctx
            .config
            .feature_gates
            .enabled(crate::sim::features::MAX_UNAVAILABLE_STATEFUL_SET),
        failed: false,
    };
    let status = update_stateful_set(
        &mut c,
        set,
        &checks,
        &current,
        &update,
        collision_count,
        pods,
    );
    let blocked = c.blocked.take();
    let failed = c.failed;
    update_stateful_set_status(set, status, out);
    // A sync that returned an error updates the status but does not
    // truncate the history (`UpdateStatefulSet`).
    if !deleting && !failed {
        history::truncate_history(set, &pod_revisions, &revisions, &current, &update, out);
    }
    blocked
}

pub fn sync(ctx: &Ctx, out: &mut Out) {
    sync_keys(ctx, Keys::All, out)
}

/// The sync of the StatefulSets in `keys`.
pub fn sync_keys(ctx: &Ctx, keys: Keys, out: &mut Out) {
    for set in ctx.store.list(Kind::StatefulSet) {
        if !keys.has(&set.key()) {
            continue;
        }
        let mark = out.key_begin();
        let blocked = sync_stateful_set(ctx, set, out);
        if status_write_settles(set, out.written_since(&mark)) {
            out.settle();
        }
        out.waiting.push((set.key(), blocked));
        out.key_end(mark, || set.key());
    }
}

/// Whether a sync that wrote `writes` of `set` left nothing for the next
/// sync to do: its one write is the set's status, and that status changed
/// nothing the sync reads of it. Of its status the sync reads
/// `collisionCount` and `currentRevision` (which revisions are current and
/// updated) and `currentReplicas` (`newVersionedStatefulSetPod`: which of
/// the two a new pod is made at, moot when they are one). With those as
/// they were, the next sync reads what this one read, computes the same
/// status, finds it written, and writes nothing: upstream runs that sync
/// (its `updateSet` handler queues every update); here it is not run.
fn status_write_settles(set: &Object, writes: &[Write]) -> bool {
    let [Write::Update(new)] = writes else {
        return false;
    };
    if new.kind != Kind::StatefulSet
        || new.meta != set.meta
        || !new.body.same_but(&set.body, "status")
    {
        return false;
    }
    let (old, new) = (set.status(), new.status());
    let same = |field: &str| old.at(field) == new.at(field);
    same("collisionCount")
        && same("currentRevision")
        && (same("currentReplicas") || new.at("currentRevision") == new.at("updateRevision"))
}

/// The sets a change concerns, as upstream's event handlers queue them: a
/// pod its parent by name (`isMemberOf`: only that set ever claims it); a
/// set itself; a claim or a revision every set of its namespace (the sync
/// reads claims by name and whether any is owned, and revisions by
/// selector).
pub fn route(store: &Store, change: &Change, new: Option<&Object>, push: &mut dyn FnMut(Key)) {
    let k = &change.key;
    match k.kind {
        Kind::StatefulSet => push(k.clone()),
        Kind::Pod => {
            let (parent, _) = get_parent_name_and_ordinal(&k.name);
            if parent.is_empty() {
                return;
            }
            // Upstream's `updatePod` queues the set on any change; a change
            // in nothing the sync reads (a bind, a pod IP, container
            // statuses) would find nothing to write. The shadow full syncs
            // in the suite check that every skipped sync had nothing to do.
            if let (Some(old), Some(new)) = (&change.old, new) {
                let (was, is) = (podutil::PodState::of(old), podutil::PodState::of(new));
                if !pod_fields_changed_for_set(old, new)
                    && (was == is || started_running_with_claims(store, was, is, new, parent))
                {
                    return;
                }
            }
            push(Key::new(Kind::StatefulSet, &k.namespace, parent));
        }
        Kind::PersistentVolumeClaim | Kind::ControllerRevision => {
            // Of a claim the sync reads whether it exists, its deletion and
            // its owners (looked up by name, and whether any is owned):
            // binding it (its volume, status, annotations) changes none.
            if k.kind == Kind::PersistentVolumeClaim {
                if let (Some(old), Some(new)) = (&change.old, new) {
                    if old.meta.deletion_timestamp == new.meta.deletion_timestamp
                        && old.meta.owner_references == new.meta.owner_references
                        && old.meta.uid == new.meta.uid
                    {
                        return;
                    }
                }
            }
            for set in store.list_ns(Kind::StatefulSet, &k.namespace) {
                push(set.key());
            }
        }
        _ => {}
    }
}

/// Whether a pod changed in anything a sync of its set reads but its
/// phase and readiness ([`podutil::PodState`], which the route compares):
/// labels (selector, revision, identity), owners, deletion, uid, when it
/// turned Ready (minReadySeconds), and the claims it mounts
/// (`storageMatches`).
fn pod_fields_changed_for_set(old: &Object, new: &Object) -> bool {
    old.meta.labels != new.meta.labels
        || old.meta.owner_references != new.meta.owner_references
        || old.meta.deletion_timestamp != new.meta.deletion_timestamp
        || old.meta.uid != new.meta.uid
        || podutil::ready_since(old) != podutil::ready_since(new)
        || podutil::claim_volumes(old) != podutil::claim_volumes(new)
}

/// A pod that went from Pending to Running, Ready on neither side, with
/// every claim of its set's templates there and none being deleted. The
/// sync reads a pod's phase three ways (`processReplica`): Failed or
/// Succeeded (replace it), Running and Ready (go on, count it ready), and
/// Pending, when `createMissingPersistentVolumeClaims` creates the pod's
/// missing claims or fails on one being deleted. With the claims in place
/// a Pending pod's sync did nothing for it that a Running one's does not,
/// so the sync would write nothing: one sync per pod in an OrderedReady
/// rollout (the shadow full syncs check each one skipped). A claim that
/// goes or starts deleting later queues the set through the claim route.
fn started_running_with_claims(
    store: &Store,
    was: podutil::PodState,
    is: podutil::PodState,
    pod: &Object,
    parent: &str,
) -> bool {
    use podutil::Phase;
    let started = was.phase == Phase::Pending && is.phase == Phase::Running;
    if !started || was.ready || is.ready {
        return false;
    }
    let ns = &pod.meta.namespace;
    let Some(set) = store.get(Kind::StatefulSet, ns, parent) else {
        return false;
    };
    claim_names(set, get_ordinal(pod)).all(|name| {
        store
            .get(Kind::PersistentVolumeClaim, ns, &name)
            .is_some_and(|c| c.meta.deletion_timestamp.is_none())
    })
}

// ---- for the faces ---------------------------------------------------------

/// What the controller is blocked on for this set, at virtual time `now`:
/// the pod and why, e.g. `("web-0", "waiting for web-0 to be Running and
/// Ready")`. `None` when it is making progress or done.
pub fn waiting_on_at(store: &Store, sts: &Object, now: u64) -> Option<(String, String)> {
    let config = Config::default();
    let faults = Faults::default();
    let departed = Default::default();
    let ctx = Ctx {
        store,
        now,
        config: &config,
        faults: &faults,
        departed_nodes: &departed,
    };
    let mut scratch = Out::default();
    sync_stateful_set(&ctx, sts, &mut scratch)
}

/// [`waiting_on_at`] without a clock: minReadySeconds counts as elapsed.
pub fn waiting_on(store: &Store, sts: &Object) -> Option<(String, String)> {
    waiting_on_at(store, sts, u64::MAX / 4)
}

/// The set's revisions, oldest first: (revision, name, pod template).
pub fn revision_history(store: &Store, sts: &Object) -> Vec<(i64, String, Value)> {
    let Some(selector) = selector_of(sts) else {
        return Vec::new();
    };
    // kubectl's `controlledHistory`: only the revisions the set controls.
    let mut revs = history::list_revisions(store, sts, &selector);
    revs.retain(|r| r.meta.is_owned_by(&sts.meta.uid));
    history::sort_controller_revisions(&mut revs);
    revs.iter()
        .map(|r| {
            (
                history::revision_number(r),
                r.meta.name.clone(),
                history::revision_template(r).unwrap_or(Value::Null),
            )
        })
        .collect()
}

/// The template `kubectl rollout undo` would set: `to_revision` None or 0
/// means the revision before the latest, with kubectl's errors.
pub fn rollback_template(
    store: &Store,
    sts: &Object,
    to_revision: Option<i64>,
) -> Result<Value, String> {
    // StatefulSetRollbacker: an empty history fails as a short one does.
    let history = revision_history(store, sts);
    match to_revision.filter(|&r| r != 0) {
        Some(r) => history
            .into_iter()
            .find(|(n, _, _)| *n == r)
            .map(|(_, _, t)| t)
            .ok_or_else(|| format!("unable to find specified revision {r} in history")),
        None => {
            if history.len() < 2 {
                return Err("no last revision to roll back to".into());
            }
            Ok(history[history.len() - 2].2.clone())
        }
    }
}

/// Used by `kubectl describe` and the UI: the key of a set's pod.
pub fn pod_key(set: &Object, ordinal: i64) -> Key {
    Key::new(Kind::Pod, &set.meta.namespace, &get_pod_name(set, ordinal))
}
