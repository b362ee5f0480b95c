//! The API server's rules between callers and the store: naming, uids and
//! resource versions, defaulting, finalizers, graceful deletion, eviction.
//! Every successful write is logged here, so nothing changes unseen.

use super::object::{Key, Kind, Meta, Object, ValueExt};
use super::world::{Action, NoteKind, World};
use std::fmt;
use std::sync::Arc;

pub use super::wellknown::{FOREGROUND, ORPHAN, PVC_PROTECTION, PV_PROTECTION};

/// What a caller asks of the API server: the writes controllers return
/// and the engine applies through [`apply_write`].
/// How a deletion treats dependents (`--cascade`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    /// Create; `meta.generate_name` is honoured, uid, resourceVersion and
    /// creationTimestamp are stamped by the API layer.
    Create(Object),
    /// Replace an existing object (spec, status, metadata). A no-op update
    /// is dropped without an event.
    Update(Object),
    /// Delete. `grace_seconds: None` uses the object's own default (a
    /// pod's `terminationGracePeriodSeconds`); `Some(0)` removes at once.
    /// `uid` guards against deleting a newer object of the same name.
    Delete {
        key: Key,
        grace_seconds: Option<i64>,
        propagation: Propagation,
        uid: Option<String>,
    },
    /// A Kubernetes Event about an object.
    Event {
        regarding: Key,
        warning: bool,
        reason: std::borrow::Cow<'static, str>,
        message: String,
    },
}

/// `metav1.StatusReason` words, as kubectl prints them in parentheses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    NotFound,
    AlreadyExists,
    Invalid,
    Conflict,
    BadRequest,
    Forbidden,
    TooManyRequests,
    InternalError,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub reason: Reason,
    pub message: String,
}

impl ApiError {
    pub fn new(reason: Reason, message: impl Into<String>) -> ApiError {
        ApiError {
            reason,
            message: message.into(),
        }
    }
    pub fn not_found(kind: Kind, name: &str) -> ApiError {
        ApiError::new(
            Reason::NotFound,
            format!("{} \"{name}\" not found", resource_word(kind)),
        )
    }
}

/// `pods`, `statefulsets.apps`: the resource as the API server names it in errors.
pub fn resource_word(kind: Kind) -> String {
    match kind.group() {
        "" => kind.plural().to_string(),
        g => format!("{}.{}", kind.plural(), g),
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error from server ({:?}): {}", self.reason, self.message)
    }
}

/// Options for [`delete`].
#[derive(Clone, Debug, Default)]
pub struct DeleteOptions {
    pub grace_seconds: Option<i64>,
    pub propagation: Propagation,
    pub uid: Option<String>,
}

/// A one-line picture of an object for the log's before/after.
pub fn summary(o: &Object) -> Option<String> {
    match o.kind {
        Kind::Pod => Some(super::podutil::log_summary(o)),
        Kind::PersistentVolume | Kind::PersistentVolumeClaim => {
            o.status().str_at("phase").map(String::from)
        }
        Kind::StatefulSet => Some(format!(
            "{}/{} ready",
            o.status().i64_at("readyReplicas").unwrap_or(0),
            o.spec().i64_at("replicas").unwrap_or(1)
        )),
        Kind::Node => {
            let ready = o
                .status()
                .array_at("conditions")
                .iter()
                .find(|c| c.str_at("type") == Some("Ready"))
                .and_then(|c| c.str_at("status"))
                == Some("True");
            let cordon = o.spec().bool_at("unschedulable") == Some(true);
            Some(format!(
                "{}{}",
                if ready { "Ready" } else { "NotReady" },
                if cordon { ",SchedulingDisabled" } else { "" }
            ))
        }
        _ => None,
    }
}

/// Whether two objects' bodies hold the same fields apart from `spec`.
fn same_body_but_spec(a: &Object, b: &Object) -> bool {
    a.body.same_but(&b.body, "spec")
}

fn has_generation(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::StatefulSet
            | Kind::ReplicationController
            | Kind::ReplicaSet
            | Kind::Deployment
            | Kind::DaemonSet
            | Kind::PodDisruptionBudget
    )
}

/// Creates an object as the API server would.
pub fn create(
    sim: &mut World,
    mut obj: Object,
    source: &'static str,
) -> Result<Arc<Object>, ApiError> {
    if obj.kind.namespaced() {
        if obj.meta.namespace.is_empty() {
            obj.meta.namespace = "default".into();
        }
        let ns = obj.meta.namespace.clone();
        match sim.store.get(Kind::Namespace, "", &ns) {
            None => return Err(ApiError::not_found(Kind::Namespace, &ns)),
            Some(n) if n.meta.terminating() => {
                return Err(ApiError::new(
                    Reason::Forbidden,
                    format!(
                        "{} \"{}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                        resource_word(obj.kind),
                        obj.meta.name
                    ),
                ))
            }
            _ => {}
        }
    } else {
        obj.meta.namespace.clear();
    }
    if obj.meta.name.is_empty() {
        if obj.meta.generate_name.is_empty() {
            return Err(ApiError::new(
                Reason::Invalid,
                "resource name may not be empty",
            ));
        }
        // The API server retries on collision; so do we.
        loop {
            let name = format!("{}{}", obj.meta.generate_name, sim.random_suffix(5));
            if sim
                .store
                .get(obj.kind, &obj.meta.namespace, &name)
                .is_none()
            {
                obj.meta.name = name;
                break;
            }
        }
    }
    if sim.store.get_key(&obj.key()).is_some() {
        return Err(ApiError::new(
            Reason::AlreadyExists,
            format!(
                "{} \"{}\" already exists",
                resource_word(obj.kind),
                obj.meta.name
            ),
        ));
    }
    super::defaults::apply(&mut obj);
    super::defaults::drop_disabled_fields(&mut obj, None, &sim.config.feature_gates);
    // The DefaultStorageClass admission plugin.
    super::defaults::admit_default_storage_class(&mut obj, &sim.store);
    obj.meta.uid = sim.new_uid();
    obj.resource_version = sim.store.next_resource_version();
    obj.meta.creation_timestamp = sim.now;
    obj.meta.deletion_timestamp = None;
    obj.meta.deletion_grace_period_seconds = None;
    obj.meta.generation = if has_generation(obj.kind) { 1 } else { 0 };
    // The StorageObjectInUseProtection admission plugin.
    let protect = match obj.kind {
        Kind::PersistentVolumeClaim => Some(PVC_PROTECTION),
        Kind::PersistentVolume => Some(PV_PROTECTION),
        _ => None,
    };
    if let Some(f) = protect {
        if !obj.meta.finalizers.iter().any(|x| x == f) {
            obj.meta.finalizers.push(f.to_string());
        }
    }
    let key = obj.key();
    if key.kind == Kind::Node {
        sim.departed_nodes.remove(&key.name);
    }
    sim.store.put(obj);
    // The object as stored (shared, not copied), with the facts the store
    // read of a pod.
    let obj = sim.store.get_shared(&key).expect("just stored");
    let after = summary(&obj);
    sim.record(
        Action::Added,
        &key,
        "Added",
        key_message(&key, "created"),
        false,
        source,
        None,
        after,
    );
    Ok(obj)
}

/// The log's message for a write, `<Kind> <name> <verb>`, built without
/// the formatting machinery: every write logs one.
fn key_message(key: &Key, verb: &str) -> String {
    let kind = key.kind.as_str();
    let mut s = String::with_capacity(kind.len() + key.name.len() + verb.len() + 2);
    for part in [kind, " ", &key.name, " ", verb] {
        s.push_str(part);
    }
    s
}

/// Replaces an object. Returns `Ok(false)` when nothing changed.
pub fn update(sim: &mut World, mut obj: Object, source: &'static str) -> Result<bool, ApiError> {
    if obj.kind.namespaced() && obj.meta.namespace.is_empty() {
        obj.meta.namespace = "default".into();
    }
    let key = obj.key();
    let Some(old) = sim.store.get_key(&key) else {
        return Err(ApiError::not_found(key.kind, &key.name));
    };
    super::defaults::drop_disabled_fields(&mut obj, Some(old), &sim.config.feature_gates);
    // Immutable metadata comes from the stored object. A writer that left
    // the metadata as it read it (a status, a condition) shares it with the
    // stored object: it holds those values already, and writing them would
    // copy its strings and maps for nothing.
    if !obj.meta.same(&old.meta) {
        obj.meta.uid = old.meta.uid.clone();
        obj.meta.creation_timestamp = old.meta.creation_timestamp;
        obj.meta.generation = old.meta.generation;
        if obj.meta.deletion_timestamp.is_none() {
            obj.meta.deletion_timestamp = old.meta.deletion_timestamp;
            obj.meta.deletion_grace_period_seconds = old.meta.deletion_grace_period_seconds;
        }
    }
    obj.resource_version = old.resource_version;
    // The spec apart from the rest: most writes leave it as it was, and
    // then the store need not read it again.
    let same_spec = obj.body.same_field(&old.body, "spec");
    if same_spec && obj.meta == old.meta && same_body_but_spec(&obj, old) {
        return Ok(false);
    }
    if has_generation(obj.kind) && !same_spec {
        obj.meta.generation += 1;
    }
    let before = summary(old);
    let scrubbed = scrubbed_by(old, &obj);
    obj.resource_version = sim.store.next_resource_version();
    if ready_to_remove(&obj) {
        sim.store.remove(&key);
        removed(sim, &obj);
        sim.record(
            Action::Deleted,
            &key,
            "Deleted",
            key_message(&key, "deleted"),
            false,
            source,
            before,
            None,
        );
        return Ok(true);
    }
    sim.store.put_same_spec(obj, same_spec);
    // Summarised as stored, when the store has read the pod's facts.
    let after = sim.store.get_key(&key).and_then(summary);
    if scrubbed {
        sim.volume_data.remove(&key.name);
    }
    sim.record(
        Action::Modified,
        &key,
        "Modified",
        key_message(&key, "updated"),
        false,
        source,
        before,
        after,
    );
    Ok(true)
}

/// What goes with an object leaving the store: a PV's data, when its
/// provisioner deleted the storage (reclaim policy Delete). A retained or
/// static volume's disk outlives the PV object, as on a real cluster.
fn removed(sim: &mut World, obj: &Object) {
    if storage_deleted_with(obj) {
        sim.volume_data.remove(&obj.meta.name);
    }
    node_departed(sim, &obj.key());
}

/// A Node left the store: pod GC's quarantine of its pods starts now.
fn node_departed(sim: &mut World, key: &Key) {
    if key.kind == Kind::Node {
        sim.departed_nodes.insert(key.name.clone(), sim.now);
    }
}

/// An object marked for deletion goes when its finalizers are done and,
/// for a pod, when the kubelet has confirmed its containers stopped
/// (a grace period of zero).
fn ready_to_remove(o: &Object) -> bool {
    meta_ready_to_remove(o.kind, &o.meta) && !held_by_namespace_finalizer(o)
}

/// A namespace stays until the namespace controller has emptied it and
/// removed the `kubernetes` entry of its `spec.finalizers`.
fn held_by_namespace_finalizer(o: &Object) -> bool {
    o.kind == Kind::Namespace && has_namespace_finalizer(o)
}

/// Whether the API server still keeps a namespace for the namespace
/// controller (`controllers::namespace`).
/// Upstream's namespaceStrategy gives every namespace `spec.finalizers:
/// [kubernetes]` at creation; here a namespace without the field has it
/// implied, so that the stored objects, and with them the traces of
/// sessions saved before, stay as they were. The controller's finalize
/// writes the list without it.
pub fn has_namespace_finalizer(ns: &Object) -> bool {
    match ns.spec().get("finalizers") {
        None | Some(serde_json::Value::Null) => true,
        Some(f) => f.as_array().is_some_and(|f| {
            f.iter()
                .any(|f| f.as_str() == Some(super::wellknown::NAMESPACE_FINALIZER))
        }),
    }
}

fn meta_ready_to_remove(kind: Kind, meta: &Meta) -> bool {
    meta.deletion_timestamp.is_some()
        && finalized(
            kind,
            meta.finalizers.is_empty(),
            meta.deletion_grace_period_seconds,
        )
}

/// What [`meta_ready_to_remove`] asks of an object being deleted: no
/// finalizers left and, for a pod, a grace period of zero. A delete asks it
/// of the values it is about to set, before it copies the metadata.
fn finalized(kind: Kind, no_finalizers: bool, grace: Option<i64>) -> bool {
    no_finalizers && (kind != Kind::Pod || grace == Some(0))
}

/// Deletes an object: graceful for pods, held by finalizers, cascading by
/// the garbage collector according to `propagation`.
pub fn delete(
    sim: &mut World,
    key: &Key,
    opts: DeleteOptions,
    source: &'static str,
) -> Result<(), ApiError> {
    let Some(old) = sim.store.get_key(key) else {
        return Err(ApiError::not_found(key.kind, &key.name));
    };
    if let Some(uid) = &opts.uid {
        if *uid != old.meta.uid {
            return Err(ApiError::new(
                Reason::Conflict,
                format!(
                    "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                    old.meta.uid
                ),
            ));
        }
    }
    // A delete changes only the metadata: its new values are worked out
    // first, and the metadata is copied only when the object is stored
    // again. An object that goes (most deletes: a pod's last one, with
    // grace 0) is moved into the change log, not copied.
    let before = summary(old);
    let kind = old.kind;
    let was = &old.meta;
    let finalizer = match opts.propagation {
        Propagation::Foreground if !was.finalizers.iter().any(|f| f == FOREGROUND) => {
            Some(FOREGROUND)
        }
        Propagation::Orphan if !was.finalizers.iter().any(|f| f == ORPHAN) => Some(ORPHAN),
        _ => None,
    };
    let (deletion_timestamp, grace) = if kind == Kind::Pod {
        let default_grace = old
            .spec()
            .i64_at("terminationGracePeriodSeconds")
            .unwrap_or(30);
        let mut grace = opts.grace_seconds.unwrap_or(default_grace).max(0);
        // An unscheduled pod has no kubelet to wait for.
        if old.spec().str_at("nodeName").is_none() {
            grace = 0;
        }
        // A second delete may only shorten the grace period.
        if let Some(g) = was.deletion_grace_period_seconds {
            grace = grace.min(g);
        }
        let deadline = sim
            .now
            .saturating_add((grace.max(0) as u64).saturating_mul(1000));
        (
            was.deletion_timestamp.map_or(deadline, |d| d.min(deadline)),
            grace,
        )
    } else {
        (
            was.deletion_timestamp.unwrap_or(sim.now),
            was.deletion_grace_period_seconds.unwrap_or(0),
        )
    };
    // `meta_ready_to_remove` of the metadata after the delete (which sets
    // a deletion timestamp).
    let goes = finalized(
        kind,
        finalizer.is_none() && was.finalizers.is_empty(),
        Some(grace),
    ) && !held_by_namespace_finalizer(old);
    if goes {
        // The body is the stored one: what goes with it is known now.
        let storage = storage_deleted_with(old);
        sim.store.next_resource_version();
        sim.store.remove(key);
        if storage {
            sim.volume_data.remove(&key.name);
        }
        node_departed(sim, key);
        sim.record(
            Action::Deleted,
            key,
            "Deleted",
            key_message(key, "deleted"),
            false,
            source,
            before,
            None,
        );
        return Ok(());
    }
    let mut meta = old.meta.clone();
    if let Some(f) = finalizer {
        meta.finalizers.push(f.into());
    }
    if meta.deletion_timestamp != Some(deletion_timestamp) {
        meta.deletion_timestamp = Some(deletion_timestamp);
    }
    if meta.deletion_grace_period_seconds != Some(grace) {
        meta.deletion_grace_period_seconds = Some(grace);
    }
    if meta != old.meta {
        let mut obj = old.clone();
        obj.meta = meta;
        if kind == Kind::Namespace {
            // The namespace REST's Delete: kept for its finalizer, Terminating.
            obj.field_mut("status")["phase"] = "Terminating".into();
        }
        obj.resource_version = sim.store.next_resource_version();
        sim.store.put_same_spec(obj, true);
        let after = sim.store.get_key(key).and_then(summary);
        sim.record(
            Action::Modified,
            key,
            "Terminating",
            key_message(key, "marked for deletion"),
            false,
            source,
            before,
            after,
        );
    }
    Ok(())
}

/// The eviction subresource: a delete that respects PodDisruptionBudgets.
pub fn evict(sim: &mut World, key: &Key, source: &'static str) -> Result<(), ApiError> {
    let Some(pod) = sim.store.get_key(key) else {
        return Err(ApiError::not_found(key.kind, &key.name));
    };
    match super::eviction::check_eviction(&sim.store, pod, sim.now) {
        Ok(Some(pdb)) => {
            // The PDB's budget is spent now, not when the disruption
            // controller next counts (upstream records it in disruptedPods).
            update(sim, pdb, "eviction")?;
        }
        Ok(None) => {}
        Err(refusal) => {
            sim.note(
                NoteKind::EvictionRefused,
                key.clone(),
                refusal.message.clone(),
            );
            let reason = match refusal.code {
                429 => Reason::TooManyRequests,
                403 => Reason::Forbidden,
                _ => Reason::InternalError,
            };
            return Err(ApiError::new(reason, refusal.message));
        }
    }
    delete(sim, key, DeleteOptions::default(), source)
}

/// Applies one controller write. Returns true when the store changed.
pub fn apply_write(sim: &mut World, source: &'static str, w: Write) -> bool {
    apply_write_checked(sim, source, w).unwrap_or(false)
}

/// [`apply_write`], telling a refused write (`Err`) from one that changed
/// nothing (`Ok(false)`).
pub fn apply_write_checked(
    sim: &mut World,
    source: &'static str,
    w: Write,
) -> Result<bool, ApiError> {
    match w {
        Write::Create(o) => create(sim, o, source).map(|_| true),
        Write::Update(o) => update(sim, o, source),
        Write::Delete {
            key,
            grace_seconds,
            propagation,
            uid,
        } => {
            let rv = sim.store.resource_version();
            delete(
                sim,
                &key,
                DeleteOptions {
                    grace_seconds,
                    propagation,
                    uid,
                },
                source,
            )?;
            Ok(sim.store.resource_version() != rv)
        }
        Write::Event {
            regarding,
            warning,
            reason,
            message,
        } => {
            let message = if message.contains(GENERATED_NAME) {
                let name = last_created_name(sim);
                message.replace(GENERATED_NAME, &name)
            } else {
                message
            };
            sim.record_event(&regarding, warning, reason, message, source);
            Ok(false)
        }
    }
}

/// In a controller's Event message, stands for the name the API server
/// gave the object created just before (`generateName`), which a pure
/// sync cannot know: `Created pod: {GENERATED_NAME}`.
pub const GENERATED_NAME: &str = "$(generated-name)";

fn last_created_name(sim: &World) -> String {
    sim.log
        .iter()
        .rev()
        .find(|e| e.action == Action::Added)
        .map(|e| e.name.clone())
        .unwrap_or_default()
}

/// Whether removing this PV object also removes its storage (and so the
/// data the sim keeps for it): a dynamically provisioned PV with reclaim
/// policy Delete, whose provisioner deletes the volume before the object.
pub fn storage_deleted_with(pv: &Object) -> bool {
    pv.kind == Kind::PersistentVolume
        && pv
            .meta
            .annotations
            .contains_key(super::wellknown::ANN_DYNAMICALLY_PROVISIONED)
        && reclaim_policy(pv) == "Delete"
}

/// Whether this PV update is a recycle (Released back to Available under
/// the Recycle policy), which scrubbed the volume's files.
pub fn scrubbed_by(old: &Object, new: &Object) -> bool {
    new.kind == Kind::PersistentVolume
        && reclaim_policy(new) == "Recycle"
        && pv_phase(old) == "Released"
        && pv_phase(new) == "Available"
}

/// A PersistentVolume's reclaim policy (`Retain` when unset).
pub fn reclaim_policy(pv: &Object) -> &str {
    pv.spec()
        .str_at("persistentVolumeReclaimPolicy")
        .unwrap_or("Retain")
}

fn pv_phase(o: &Object) -> &str {
    o.status().str_at("phase").unwrap_or("")
}
