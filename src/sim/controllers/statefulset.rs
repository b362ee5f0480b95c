//! The StatefulSet controller, after upstream `pkg/controller/statefulset`
//! (`stateful_set.go`, `stateful_set_control.go`, `stateful_set_utils.go`,
//! `stateful_pod_control.go`) rule by rule, reimplemented over the store.
//!
//! A sync is pure: it reads the store and returns writes. Where upstream
//! would issue an API call and carry on with the result, we push the write
//! and carry on with the object we expect, exactly as upstream's
//! in-memory `replicas` slice does.

use super::{Ctx, Out};
use crate::sim::engine::{Config, Faults};
use crate::sim::object::{set_at, Key, Kind, Object, OwnerRef, ValueExt};
use crate::sim::podutil;
use crate::sim::selector::Selector;
use crate::sim::store::Store;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

pub mod history;
#[cfg(test)]
pub(crate) mod tests;

pub use history::{controller_revision_name, hash_controller_revision, safe_encode_string};

/// `apps.StatefulSetPodNameLabel`.
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// `apps.PodIndexLabel` (PodIndexLabel is on by default since 1.28).
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
/// `apps.StatefulSetRevisionLabel` (= `ControllerRevisionHashLabelKey`).
pub const REVISION_LABEL: &str = "controller-revision-hash";

const RETAIN: &str = "Retain";
const DELETE: &str = "Delete";

// ---- reading the set (defaults as the API server would fill them) ------

/// The simulation's bound on a set's size, so a mistyped `--replicas`
/// cannot stall the page (upstream has no such bound).
pub const MAX_SIMULATED_REPLICAS: i64 = 10_000;

fn replicas_of(set: &Object) -> i64 {
    set.spec()
        .i64_at("replicas")
        .unwrap_or(1)
        .clamp(0, MAX_SIMULATED_REPLICAS)
}

/// `getStartOrdinal`: `spec.ordinals.start`, else 0.
pub fn get_start_ordinal(set: &Object) -> i64 {
    set.spec().i64_at("ordinals.start").unwrap_or(0).max(0)
}

/// `getEndOrdinal` (inclusive).
pub fn get_end_ordinal(set: &Object) -> i64 {
    get_start_ordinal(set) + replicas_of(set) - 1
}

fn min_ready_seconds(set: &Object) -> i64 {
    set.spec().i64_at("minReadySeconds").unwrap_or(0)
}

fn update_strategy_type(set: &Object) -> &str {
    set.spec()
        .str_at("updateStrategy.type")
        .unwrap_or("RollingUpdate")
}

/// The API server defaults `rollingUpdate.partition` to 0 for the
/// RollingUpdate strategy, so a RollingUpdate set always has one.
fn partition(set: &Object) -> Option<i64> {
    if update_strategy_type(set) != "RollingUpdate" {
        return set.spec().i64_at("updateStrategy.rollingUpdate.partition");
    }
    Some(
        set.spec()
            .i64_at("updateStrategy.rollingUpdate.partition")
            .unwrap_or(0),
    )
}

/// `allowsBurst`: Parallel pod management.
fn allows_burst(set: &Object) -> bool {
    set.spec().str_at("podManagementPolicy") == Some("Parallel")
}

fn service_name(set: &Object) -> &str {
    set.spec().str_at("serviceName").unwrap_or("")
}

fn revision_history_limit(set: &Object) -> i64 {
    set.spec().i64_at("revisionHistoryLimit").unwrap_or(10)
}

/// `getPersistentVolumeClaimRetentionPolicy`: (whenDeleted, whenScaled), Retain by default.
fn retention_policy(set: &Object) -> (&str, &str) {
    let p = set.spec().at("persistentVolumeClaimRetentionPolicy");
    (
        p.str_at("whenDeleted").unwrap_or(RETAIN),
        p.str_at("whenScaled").unwrap_or(RETAIN),
    )
}

/// The set's selector. apps/v1beta1 defaulted a missing one from the
/// template's labels; if conversion left none, do the same.
fn selector_of(set: &Object) -> Option<Selector> {
    let sel = set.spec().at("selector");
    if sel.is_null() {
        let labels = set.spec().labels_at("template.metadata.labels");
        return (!labels.is_empty()).then(|| Selector::from_labels(&labels));
    }
    match Selector::from_value(sel) {
        Ok(Some(s)) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// `set.Spec.Selector.MatchLabels` (the template's labels when defaulted).
fn selector_match_labels(set: &Object) -> crate::sim::object::Labels {
    if set.spec().at("selector").is_null() {
        set.spec().labels_at("template.metadata.labels")
    } else {
        set.spec().labels_at("selector.matchLabels")
    }
}

fn claim_templates(set: &Object) -> &[Value] {
    set.spec().array_at("volumeClaimTemplates")
}

fn claim_template_name(t: &Value) -> &str {
    t.str_at("metadata.name").unwrap_or("")
}

// ---- identity ----------------------------------------------------------

/// `getParentNameAndOrdinal`: `(.*)-([0-9]+)$`; -1 when there is none.
pub fn get_parent_name_and_ordinal(name: &str) -> (&str, i64) {
    let Some((parent, digits)) = name.rsplit_once('-') else {
        return ("", -1);
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return ("", -1);
    }
    match digits.parse::<i32>() {
        Ok(i) => (parent, i as i64),
        Err(_) => (parent, -1),
    }
}

/// `getOrdinal`.
pub fn get_ordinal(pod: &Object) -> i64 {
    get_parent_name_and_ordinal(&pod.meta.name).1
}

/// `getPodName`.
pub fn get_pod_name(set: &Object, ordinal: i64) -> String {
    format!("{}-{}", set.meta.name, ordinal)
}

/// `getPersistentVolumeClaimName`: `<template>-<set>-<ordinal>`.
pub fn get_persistent_volume_claim_name(set: &Object, template: &str, ordinal: i64) -> String {
    format!("{}-{}-{}", template, set.meta.name, ordinal)
}

/// `isMemberOf`.
fn is_member_of(set: &Object, pod: &Object) -> bool {
    get_parent_name_and_ordinal(&pod.meta.name).0 == set.meta.name
}

/// `podInOrdinalRange`.
fn pod_in_ordinal_range(pod: &Object, set: &Object) -> bool {
    let o = get_ordinal(pod);
    o >= get_start_ordinal(set) && o <= get_end_ordinal(set)
}

/// `identityMatches`: name, namespace and the pod-name label.
pub fn identity_matches(set: &Object, pod: &Object) -> bool {
    let (parent, ordinal) = get_parent_name_and_ordinal(&pod.meta.name);
    // `pod.Name == getPodName(set, ordinal)`: the digits print the ordinal.
    ordinal >= 0
        && parent == set.meta.name
        && pod
            .meta
            .name
            .rsplit_once('-')
            .is_some_and(|(_, d)| canonical_digits(d))
        && pod.meta.namespace == set.meta.namespace
        && pod.meta.labels.get(POD_NAME_LABEL) == Some(&pod.meta.name)
}

/// Digits as `%d` prints them: no leading zero.
fn canonical_digits(d: &str) -> bool {
    d == "0" || !d.starts_with('0')
}

/// `claim == getPersistentVolumeClaimName(set, template, ordinal)`, without
/// building the name (this runs for every pod on every sync).
fn is_claim_name(claim: &str, set: &Object, template: &str, ordinal: i64) -> bool {
    claim
        .strip_prefix(template)
        .and_then(|r| r.strip_prefix('-'))
        .and_then(|r| r.strip_prefix(set.meta.name.as_str()))
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(|d| canonical_digits(d) && d.parse::<i64>().ok() == Some(ordinal))
}

/// `storageMatches`: every claim template is mounted under its own name
/// from the claim for this ordinal.
pub fn storage_matches(set: &Object, pod: &Object) -> bool {
    let ordinal = get_ordinal(pod);
    if ordinal < 0 {
        return false;
    }
    let volumes = pod.spec().array_at("volumes");
    claim_templates(set).iter().all(|t| {
        let name = claim_template_name(t);
        volumes.iter().any(|v| {
            v.str_at("name") == Some(name)
                && v.str_at("persistentVolumeClaim.claimName")
                    .is_some_and(|c| is_claim_name(c, set, name, ordinal))
        })
    })
}

/// The claim names a pod of this ordinal mounts, in template order.
fn claim_names(set: &Object, ordinal: i64) -> impl Iterator<Item = String> + '_ {
    claim_templates(set)
        .iter()
        .map(move |t| get_persistent_volume_claim_name(set, claim_template_name(t), ordinal))
}

/// `getPersistentVolumeClaims`: the claims a pod of this ordinal needs,
/// keyed by template name (in template order), carrying the selector's
/// matchLabels over the template's own labels.
pub fn get_persistent_volume_claims(set: &Object, ordinal: i64) -> Vec<(String, Object)> {
    claim_templates(set)
        .iter()
        .map(|t| {
            (
                claim_template_name(t).to_string(),
                new_persistent_volume_claim(set, t, ordinal),
            )
        })
        .collect()
}

/// One claim of `getPersistentVolumeClaims`.
fn new_persistent_volume_claim(set: &Object, template: &Value, ordinal: i64) -> Object {
    let mut claim = Object::new(
        Kind::PersistentVolumeClaim,
        &set.meta.namespace,
        &get_persistent_volume_claim_name(set, claim_template_name(template), ordinal),
    );
    let mut labels = template.labels_at("metadata.labels");
    labels.extend(selector_match_labels(set));
    claim.meta.labels = labels;
    claim.meta.annotations = template.labels_at("metadata.annotations");
    claim
        .body
        .insert("spec".into(), template.at("spec").clone());
    claim
}

/// `updateStorage`: claim volumes first (template order), then the pod's
/// own volumes that do not share a template's name.
fn update_storage(set: &Object, pod: &mut Object) {
    let ordinal = get_ordinal(pod);
    let claims = get_persistent_volume_claims(set, ordinal);
    let mut volumes: Vec<Value> = claims
        .iter()
        .map(|(name, claim)| {
            json!({"name": name, "persistentVolumeClaim": {"claimName": claim.meta.name}})
        })
        .collect();
    for v in pod.spec().array_at("volumes") {
        let n = v.str_at("name").unwrap_or("");
        if !claims.iter().any(|(name, _)| name == n) {
            volumes.push(v.clone());
        }
    }
    if volumes.is_empty() {
        if let Some(spec) = pod.spec_mut().as_object_mut() {
            spec.remove("volumes");
        }
    } else {
        set_at(pod.spec_mut(), "volumes", Value::Array(volumes));
    }
}

/// `updateIdentity`: name, namespace and the identity labels (the index
/// label only with the `PodIndexLabel` gate, beta and on in v1.31).
fn update_identity(set: &Object, pod: &mut Object, pod_index_label: bool) {
    let ordinal = get_ordinal(pod);
    pod.meta.name = get_pod_name(set, ordinal);
    pod.meta.namespace = set.meta.namespace.clone();
    pod.meta
        .labels
        .insert(POD_NAME_LABEL.into(), pod.meta.name.clone());
    if pod_index_label {
        pod.meta
            .labels
            .insert(POD_INDEX_LABEL.into(), ordinal.to_string());
    }
}

/// `initIdentity`: hostname and subdomain are set only at creation.
fn init_identity(set: &Object, pod: &mut Object, pod_index_label: bool) {
    update_identity(set, pod, pod_index_label);
    let name = pod.meta.name.clone();
    set_at(pod.spec_mut(), "hostname", Value::String(name));
    if !service_name(set).is_empty() {
        set_at(
            pod.spec_mut(),
            "subdomain",
            Value::String(service_name(set).to_string()),
        );
    }
}

/// `controller.GetPodFromTemplate`: labels, annotations and spec of the
/// template, `generateName` `<owner>-`, and the controller reference.
pub fn get_pod_from_template(template: &Value, owner: &Object) -> Object {
    let mut pod = Object::new(Kind::Pod, &owner.meta.namespace, "");
    pod.meta.generate_name = format!("{}-", owner.meta.name);
    pod.meta.labels = template.labels_at("metadata.labels");
    pod.meta.annotations = template.labels_at("metadata.annotations");
    pod.meta.owner_references = vec![OwnerRef::controller_of(owner)];
    let spec = match template.at("spec") {
        Value::Object(m) => Value::Object(m.clone()),
        _ => Value::Object(Map::new()),
    };
    pod.body.insert("spec".into(), spec);
    pod
}

/// `newStatefulSetPod`.
fn new_stateful_set_pod(set: &Object, ordinal: i64, pod_index_label: bool) -> Object {
    let mut pod = get_pod_from_template(set.spec().at("template"), set);
    pod.meta.name = get_pod_name(set, ordinal);
    init_identity(set, &mut pod, pod_index_label);
    update_storage(set, &mut pod);
    pod
}

/// `newVersionedStatefulSetPod`, keeping upstream's operator precedence:
/// pods below the partition (or, without a rollingUpdate block, below
/// `status.currentReplicas`) are made at the current revision.
pub fn new_versioned_stateful_set_pod(
    current_set: &Object,
    update_set: &Object,
    current_revision: &str,
    update_revision: &str,
    ordinal: i64,
    pod_index_label: bool,
) -> Object {
    let start = get_start_ordinal(current_set);
    let is_rolling = update_strategy_type(current_set) == "RollingUpdate";
    let part = partition(current_set);
    let current_replicas = current_set.status().i64_at("currentReplicas").unwrap_or(0);
    let at_current = (is_rolling && part.is_none() && ordinal < start + current_replicas)
        || part.is_some_and(|p| ordinal < start + p);
    let (set, rev) = if at_current {
        (current_set, current_revision)
    } else {
        (update_set, update_revision)
    };
    let mut pod = new_stateful_set_pod(set, ordinal, pod_index_label);
    pod.meta
        .labels
        .insert(REVISION_LABEL.into(), rev.to_string());
    pod
}

fn get_pod_revision(pod: &Object) -> &str {
    pod.meta
        .labels
        .get(REVISION_LABEL)
        .map(|s| s.as_str())
        .unwrap_or("")
}

// ---- pod state -----------------------------------------------------------

/// A slot in the replicas list: a pod in the store, or one we would create.
#[derive(Clone, Debug)]
struct Replica<'a> {
    pod: Cow<'a, Object>,
    created: bool,
}

/// `isRunningAndReady`.
pub fn is_running_and_ready(pod: &Object) -> bool {
    podutil::is_running_and_ready(pod)
}

fn is_running_and_available(pod: &Object, min_ready: i64, now: u64) -> bool {
    podutil::is_available(pod, min_ready, now)
}

fn is_terminating(pod: &Object) -> bool {
    pod.meta.deletion_timestamp.is_some()
}

/// `isHealthy`: running and ready and not being deleted.
pub fn is_healthy(pod: &Object) -> bool {
    is_running_and_ready(pod) && !is_terminating(pod)
}

/// `isUnavailable`.
fn is_unavailable(r: &Replica, min_ready: i64, now: u64) -> bool {
    !r.created || !is_healthy(&r.pod) || !is_running_and_available(&r.pod, min_ready, now)
}

fn is_failed_or_succeeded(pod: &Object) -> bool {
    podutil::is_failed(pod) || podutil::is_succeeded(pod)
}

/// `isPending`. The API server sets phase Pending on create; a stored pod
/// without a phase is pending too.
fn is_pending(pod: &Object) -> bool {
    podutil::phase(pod) == "Pending"
}

// ---- retention policy (owner references on claims) ------------------------

fn matches_ref(r: &OwnerRef, kind: &str, name: &str) -> bool {
    r.kind == kind && r.name == name
}

fn has_owner_ref(claim: &Object, uid: &str) -> bool {
    !uid.is_empty() && claim.meta.owner_references.iter().any(|r| r.uid == uid)
}

/// `hasStaleOwnerRef`: a reference with the object's kind and name but
/// another uid (a pod not yet created has no uid).
fn has_stale_owner_ref(claim: &Object, kind: &str, name: &str, uid: &str) -> bool {
    claim
        .meta
        .owner_references
        .iter()
        .find(|r| matches_ref(r, kind, name))
        .is_some_and(|r| r.uid != uid)
}

fn is_retain_retain(set: &Object) -> bool {
    retention_policy(set) == (RETAIN, RETAIN)
}

/// `hasUnexpectedController`.
fn has_unexpected_controller(claim: &Object, set: &Object, pod: &Object) -> bool {
    if is_retain_retain(set) {
        return false;
    }
    for r in &claim.meta.owner_references {
        if matches_ref(r, "StatefulSet", &set.meta.name) {
            if r.uid != set.meta.uid {
                return true;
            }
            continue;
        }
        if matches_ref(r, "Pod", &pod.meta.name) {
            if r.uid != pod.meta.uid {
                return true;
            }
            continue;
        }
        if r.controller {
            return true;
        }
    }
    false
}

/// `hasNonControllerOwner`.
fn has_non_controller_owner(claim: &Object, set: &Object, pod: &Object) -> bool {
    claim.meta.owner_references.iter().any(|r| {
        (r.uid == set.meta.uid || (!pod.meta.uid.is_empty() && r.uid == pod.meta.uid))
            && !r.controller
    })
}

/// `isClaimOwnerUpToDate`.
fn is_claim_owner_up_to_date(claim: &Object, set: &Object, pod: &Object) -> bool {
    if has_stale_owner_ref(claim, "StatefulSet", &set.meta.name, &set.meta.uid)
        || has_stale_owner_ref(claim, "Pod", &pod.meta.name, &pod.meta.uid)
    {
        return true;
    }
    if has_unexpected_controller(claim, set, pod) {
        return !(has_owner_ref(claim, &set.meta.uid) || has_owner_ref(claim, &pod.meta.uid));
    }
    if has_non_controller_owner(claim, set, pod) {
        return false;
    }
    let has_set = has_owner_ref(claim, &set.meta.uid);
    let has_pod = has_owner_ref(claim, &pod.meta.uid);
    let scaled_down = !pod_in_ordinal_range(pod, set);
    match retention_policy(set) {
        (DELETE, RETAIN) => has_set && !has_pod,
        (RETAIN, DELETE) => !has_set && scaled_down == has_pod,
        (DELETE, DELETE) => scaled_down != has_set && scaled_down == has_pod,
        _ => !has_set && !has_pod,
    }
}

/// `updateClaimOwnerRefForSetAndPod`: scrub our references, then add the
/// ones the policy asks for (as controller references).
fn update_claim_owner_ref_for_set_and_pod(claim: &mut Object, set: &Object, pod: &Object) {
    let unexpected = has_unexpected_controller(claim, set, pod);
    claim.meta.owner_references.retain(|r| {
        !(matches_ref(r, "StatefulSet", &set.meta.name) || matches_ref(r, "Pod", &pod.meta.name))
    });
    if unexpected {
        return;
    }
    let scaled_down = !pod_in_ordinal_range(pod, set);
    let (when_deleted, when_scaled) = retention_policy(set);
    let add_pod = when_scaled == DELETE && scaled_down && !pod.meta.uid.is_empty();
    let add_set = when_deleted == DELETE && !(when_scaled == DELETE && scaled_down);
    if add_set && !has_owner_ref(claim, &set.meta.uid) {
        claim
            .meta
            .owner_references
            .push(OwnerRef::controller_of(set));
    }
    if add_pod && !has_owner_ref(claim, &pod.meta.uid) {
        claim
            .meta
            .owner_references
            .push(OwnerRef::controller_of(pod));
    }
}

// ---- the pod control (writes and their events) ------------------------------

struct PodControl<'a, 'b> {
    /// The namespace's claims by name, looked up once per sync.
    claims: BTreeMap<&'a str, &'a Object>,
    /// Whether any of those claims has an owner (Retain/Retain wants none).
    any_claim_owned: bool,
    set: &'a Object,
    out: &'b mut Out,
    /// The `PodIndexLabel` gate.
    pod_index_label: bool,
}

impl<'a> PodControl<'a, '_> {
    /// `recordPodEvent`.
    fn record_pod_event(&mut self, verb: &str, pod: &str, err: Option<&str>) {
        let title = format!("{}{}", verb[..1].to_uppercase(), &verb[1..]);
        match err {
            None => self.out.event(
                self.set,
                false,
                &format!("Successful{title}"),
                format!(
                    "{verb} Pod {pod} in StatefulSet {} successful",
                    self.set.meta.name
                ),
            ),
            Some(e) => self.out.event(
                self.set,
                true,
                &format!("Failed{title}"),
                format!(
                    "{verb} Pod {pod} in StatefulSet {} failed error: {e}",
                    self.set.meta.name
                ),
            ),
        }
    }

    /// `recordClaimEvent`.
    fn record_claim_event(&mut self, verb: &str, pod: &str, claim: &str) {
        let title = format!("{}{}", verb[..1].to_uppercase(), &verb[1..]);
        self.out.event(
            self.set,
            false,
            &format!("Successful{title}"),
            format!(
                "{verb} Claim {claim} Pod {pod} in StatefulSet {} success",
                self.set.meta.name
            ),
        );
    }

    fn get_claim(&self, name: &str) -> Option<&'a Object> {
        self.claims.get(name).copied()
    }

    /// `createPersistentVolumeClaims`: creates the missing ones; an error
    /// for a claim that is being deleted.
    fn create_persistent_volume_claims(
        &mut self,
        set: &Object,
        pod: &Object,
    ) -> Result<(), String> {
        let mut errs = Vec::new();
        let ordinal = get_ordinal(pod);
        for t in claim_templates(set) {
            let name = get_persistent_volume_claim_name(set, claim_template_name(t), ordinal);
            match self.get_claim(&name) {
                None => {
                    let mut claim = new_persistent_volume_claim(set, t, ordinal);
                    // Upstream sets the policy's references right after the
                    // pod is created; the set's reference is known now.
                    update_claim_owner_ref_for_set_and_pod(&mut claim, set, pod);
                    let name = claim.meta.name.clone();
                    self.out.create(claim);
                    self.record_claim_event("create", &pod.meta.name, &name);
                }
                Some(c) if c.meta.deletion_timestamp.is_some() => {
                    errs.push(format!("pvc {} is being deleted", c.meta.name));
                }
                Some(_) => {}
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            // `utilerrors.NewAggregate`: one error prints alone, more in brackets.
            Err(if errs.len() == 1 {
                errs.remove(0)
            } else {
                format!("[{}]", errs.join(", "))
            })
        }
    }

    /// `CreateStatefulPod`: claims first, then the pod.
    fn create_stateful_pod(&mut self, set: &Object, pod: &Object) -> Result<(), String> {
        if let Err(e) = self.create_persistent_volume_claims(set, pod) {
            self.record_pod_event("create", &pod.meta.name, Some(&e));
            return Err(e);
        }
        self.out.create(pod.clone());
        self.record_pod_event("create", &pod.meta.name, None);
        Ok(())
    }

    /// `DeleteStatefulPod`.
    fn delete_stateful_pod(&mut self, pod: &Object) {
        self.out.delete(pod);
        self.record_pod_event("delete", &pod.meta.name, None);
    }

    /// `PodClaimIsStale`: with whenScaled=Delete, a claim still owned by a
    /// previous pod of this name must go before the pod is recreated.
    fn pod_claim_is_stale(&self, set: &Object, pod: &Object) -> bool {
        if retention_policy(set).1 == RETAIN {
            return false;
        }
        claim_names(set, get_ordinal(pod)).any(|c| {
            self.get_claim(&c).is_some_and(|existing| {
                has_stale_owner_ref(existing, "Pod", &pod.meta.name, &pod.meta.uid)
            })
        })
    }

    /// `ClaimsMatchRetentionPolicy`. A missing claim counts as a match (upstream
    /// returns an error, which the caller treats as matching).
    fn claims_match_retention_policy(&self, set: &Object, pod: &Object) -> bool {
        if !self.any_claim_owned && is_retain_retain(set) {
            return true;
        }
        claim_names(set, get_ordinal(pod)).all(|c| {
            self.get_claim(&c)
                .is_none_or(|existing| is_claim_owner_up_to_date(existing, set, pod))
        })
    }

    /// `UpdatePodClaimForRetentionPolicy`.
    fn update_pod_claim_for_retention_policy(&mut self, set: &Object, pod: &Object) {
        for c in claim_names(set, get_ordinal(pod)) {
            if let Some(existing) = self.get_claim(&c) {
                if has_unexpected_controller(existing, set, pod) {
                    self.out.event(
                        self.set,
                        true,
                        "ConflictingController",
                        format!("PersistentVolumeClaim {c} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim"),
                    );
                }
                if !is_claim_owner_up_to_date(existing, set, pod) {
                    let mut claim = existing.clone();
                    update_claim_owner_ref_for_set_and_pod(&mut claim, set, pod);
                    if claim != *existing {
                        self.out.update(claim);
                    }
                }
            }
        }
    }

    /// `UpdateStatefulPod`: identity labels, missing claims, claim owners.
    /// Pod volumes are immutable, so a storage mismatch only creates claims.
    fn update_stateful_pod(&mut self, set: &Object, pod: &Object) {
        let mut updated = pod.clone();
        let mut consistent = true;
        if !identity_matches(set, pod) {
            update_identity(set, &mut updated, self.pod_index_label);
            consistent = false;
        }
        if !storage_matches(set, pod) {
            if let Err(e) = self.create_persistent_volume_claims(set, pod) {
                self.record_pod_event("update", &pod.meta.name, Some(&e));
                return;
            }
            // Upstream rewrites the volumes and the API server refuses:
            // a pod's volumes are immutable.
            self.record_pod_event(
                "update",
                &pod.meta.name,
                Some(&format!(
                    "Pod \"{}\" is invalid: spec: Forbidden: pod updates may not change fields other than \
                     `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,\
                     `spec.tolerations` (only additions to existing tolerations),\
                     `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
                    pod.meta.name
                )),
            );
            return;
        }
        if !self.claims_match_retention_policy(set, pod) {
            self.update_pod_claim_for_retention_policy(set, pod);
            consistent = false;
        }
        if consistent {
            return;
        }
        if updated != *pod {
            self.out.update(updated);
        }
        self.record_pod_event("update", &pod.meta.name, None);
    }
}

// ---- the control loop ----------------------------------------------------

/// What the set is waiting on after a sync: the pod and upstream's reason.
pub type Blocked = Option<(String, String)>;

/// The status `updateStatefulSet` computes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatefulSetStatus {
    pub observed_generation: i64,
    pub replicas: i64,
    pub ready_replicas: i64,
    pub current_replicas: i64,
    pub updated_replicas: i64,
    pub available_replicas: i64,
    pub current_revision: String,
    pub update_revision: String,
    pub collision_count: i64,
}

impl StatefulSetStatus {
    fn from_set(set: &Object) -> StatefulSetStatus {
        let s = set.status();
        StatefulSetStatus {
            observed_generation: s.i64_at("observedGeneration").unwrap_or(0),
            replicas: s.i64_at("replicas").unwrap_or(0),
            ready_replicas: s.i64_at("readyReplicas").unwrap_or(0),
            current_replicas: s.i64_at("currentReplicas").unwrap_or(0),
            updated_replicas: s.i64_at("updatedReplicas").unwrap_or(0),
            available_replicas: s.i64_at("availableReplicas").unwrap_or(0),
            current_revision: s.str_at("currentRevision").unwrap_or("").to_string(),
            update_revision: s.str_at("updateRevision").unwrap_or("").to_string(),
            collision_count: s.i64_at("collisionCount").unwrap_or(0),
        }
    }

    fn to_value(&self, old: &Value) -> Value {
        let mut m = old.as_object().cloned().unwrap_or_default();
        let mut put = |k: &str, v: i64, omit_zero: bool| {
            if omit_zero && v == 0 {
                m.remove(k);
            } else {
                m.insert(k.into(), v.into());
            }
        };
        put("observedGeneration", self.observed_generation, true);
        put("replicas", self.replicas, false);
        put("readyReplicas", self.ready_replicas, true);
        put("currentReplicas", self.current_replicas, true);
        put("updatedReplicas", self.updated_replicas, true);
        put("availableReplicas", self.available_replicas, false);
        put("collisionCount", self.collision_count, false);
        for (k, v) in [
            ("currentRevision", &self.current_revision),
            ("updateRevision", &self.update_revision),
        ] {
            if v.is_empty() {
                m.remove(k);
            } else {
                m.insert(k.into(), v.clone().into());
            }
        }
        Value::Object(m)
    }
}

/// `computeReplicaStatus` over a list of slots (uncreated slots count for nothing).
fn compute_replica_status(
    pods: &[&Replica],
    min_ready: i64,
    current_revision: &str,
    update_revision: &str,
    now: u64,
) -> (i64, i64, i64, i64, i64) {
    let (mut replicas, mut ready, mut available, mut current, mut updated) = (0, 0, 0, 0, 0);
    for r in pods.iter().filter(|r| r.created) {
        replicas += 1;
        if is_running_and_ready(&r.pod) {
            ready += 1;
            if is_running_and_available(&r.pod, min_ready, now) {
                available += 1;
            }
        }
        if !is_terminating(&r.pod) {
            let rev = get_pod_revision(&r.pod);
            if rev == current_revision {
                current += 1;
            }
            if rev == update_revision {
                updated += 1;
            }
        }
    }
    (replicas, ready, available, current, updated)
}

fn update_status(status: &mut StatefulSetStatus, min_ready: i64, now: u64, pods: &[&Replica]) {
    let (r, ready, avail, cur, upd) = compute_replica_status(
        pods,
        min_ready,
        &status.current_revision,
        &status.update_revision,
        now,
    );
    status.replicas = r;
    status.ready_replicas = ready;
    status.available_replicas = avail;
    status.current_replicas = cur;
    status.updated_replicas = upd;
}

struct Control<'a, 'b> {
    pc: PodControl<'a, 'b>,
    now: u64,
    blocked: Blocked,
    /// The `MaxUnavailableStatefulSet` gate (alpha, off in v1.31).
    max_unavailable_gate: bool,
}

impl Control<'_, '_> {
    fn block(&mut self, pod: &str, why: String) {
        if self.blocked.is_none() {
            self.blocked = Some((pod.to_string(), why));
        }
    }

    /// `processReplica`. Returns true when the loop must stop (monotonic).
    fn process_replica(
        &mut self,
        set: &Object,
        update_set: &Object,
        monotonic: bool,
        replicas: &[Replica],
        i: usize,
    ) -> bool {
        let min_ready = min_ready_seconds(set);
        let r = &replicas[i];
        let pod: &Object = &r.pod;
        let name = &pod.meta.name;
        // Failed or Succeeded: delete; the next sync recreates it once gone.
        if r.created && is_failed_or_succeeded(pod) {
            if !is_terminating(pod) {
                self.pc.delete_stateful_pod(pod);
            } else {
                self.block(name, format!("waiting for {name} to terminate"));
            }
            return true;
        }
        if !r.created {
            if self.pc.pod_claim_is_stale(set, pod) {
                self.block(
                    name,
                    format!("waiting for the stale claims of {name} to be deleted"),
                );
                return true;
            }
            if self.pc.create_stateful_pod(set, pod).is_err() {
                self.block(name, format!("failed to create {name}"));
                return true;
            }
            // The slot now holds the pod we asked for; it has no status yet.
            if monotonic {
                return true;
            }
            return false;
        }
        if is_pending(pod) {
            // `createMissingPersistentVolumeClaims`.
            let _ = self.pc.create_persistent_volume_claims(set, pod);
        }
        if is_terminating(pod) && monotonic {
            self.block(name, format!("waiting for {name} to terminate"));
            return true;
        }
        if !is_running_and_ready(pod) && monotonic {
            self.block(name, format!("waiting for {name} to be Running and Ready"));
            return true;
        }
        if !is_running_and_available(pod, min_ready, self.now) && monotonic {
            self.block(
                name,
                format!("waiting for {name} to be available for {min_ready}s (minReadySeconds)"),
            );
            return true;
        }
        let retention_match = self.pc.claims_match_retention_policy(update_set, pod);
        if identity_matches(set, pod) && storage_matches(set, pod) && retention_match {
            return false;
        }
        self.pc.update_stateful_pod(update_set, pod);
        false
    }

    /// `processCondemned`.
    fn process_condemned(
        &mut self,
        set: &Object,
        first_unhealthy: Option<&str>,
        monotonic: bool,
        condemned: &[Replica],
        i: usize,
    ) -> bool {
        let pod = &condemned[i].pod;
        let name = pod.meta.name.clone();
        let min_ready = min_ready_seconds(set);
        if is_terminating(pod) {
            if monotonic {
                self.block(
                    &name,
                    format!("waiting for {name} to terminate before scaling down"),
                );
                return true;
            }
            return false;
        }
        let is_first = first_unhealthy == Some(name.as_str());
        if monotonic && !is_first {
            let unhealthy = first_unhealthy.unwrap_or(&name).to_string();
            if !is_running_and_ready(pod) {
                self.block(
                    &unhealthy,
                    format!("waiting for {unhealthy} to be Running and Ready before scaling down {name}"),
                );
                return true;
            }
            if !is_running_and_available(pod, min_ready, self.now) {
                self.block(
                    &unhealthy,
                    format!("waiting for {unhealthy} to be available before scaling down {name}"),
                );
                return true;
            }
        }
        self.pc.delete_stateful_pod(pod);
        true
    }
}

/// `ApplyRevision`: the set with the revision's template restored.
pub fn apply_revision(set: &Object, revision: &Object) -> Object {
    let mut clone = set.clone();
    if let Some(t) = history::revision_template(revision) {
        set_at(clone.spec_mut(), "template", t);
    }
    clone
}

/// `updateStatefulSet`: creates, updates and deletes pods toward the
/// target; returns the status to record.
fn update_stateful_set(
    c: &mut Control,
    set: &Object,
    current_revision: &Object,
    update_revision: &Object,
    collision_count: i64,
    pods: Vec<Cow<Object>>,
) -> StatefulSetStatus {
    let now = c.now;
    let current_set = apply_revision(set, current_revision);
    let update_set = apply_revision(set, update_revision);
    let min_ready = min_ready_seconds(set);

    let mut status = StatefulSetStatus {
        observed_generation: set.meta.generation,
        current_revision: current_revision.meta.name.clone(),
        update_revision: update_revision.meta.name.clone(),
        collision_count,
        ..Default::default()
    };
    let all: Vec<Replica> = pods
        .into_iter()
        .map(|pod| Replica { pod, created: true })
        .collect();
    update_status(&mut status, min_ready, now, &all.iter().collect::<Vec<_>>());

    let start = get_start_ordinal(set);
    let end = get_end_ordinal(set);
    let replica_count = replicas_of(set) as usize;
    let mut slots: Vec<Option<Replica>> = vec![None; replica_count];
    let mut condemned: Vec<Replica> = Vec::new();
    for r in all {
        let ord = get_ordinal(&r.pod);
        if ord >= start && ord <= end {
            slots[(ord - start) as usize] = Some(r);
        } else if ord >= 0 {
            condemned.push(r);
        }
    }
    let replicas: Vec<Replica> = slots
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            s.unwrap_or_else(|| Replica {
                pod: Cow::Owned(new_versioned_stateful_set_pod(
                    &current_set,
                    &update_set,
                    &current_revision.meta.name,
                    &update_revision.meta.name,
                    start + i as i64,
                    c.pc.pod_index_label,
                )),
                created: false,
            })
        })
        .collect();
    // descendingOrdinal
    condemned.sort_by_key(|r| std::cmp::Reverse(get_ordinal(&r.pod)));

    let mut first_unavailable: Option<String> = None;
    for r in replicas.iter().chain(condemned.iter().rev()) {
        if is_unavailable(r, min_ready, now) && first_unavailable.is_none() {
            first_unavailable = Some(r.pod.meta.name.clone());
        }
    }

    let finish = |status: &mut StatefulSetStatus, replicas: &[Replica], condemned: &[Replica]| {
        let list: Vec<&Replica> = replicas.iter().chain(condemned.iter()).collect();
        update_status(status, min_ready, now, &list);
    };

    if set.meta.deletion_timestamp.is_some() {
        return status;
    }
    let monotonic = !allows_burst(set);

    // Living replicas, in ordinal order.
    let mut stop = false;
    for i in 0..replicas.len() {
        let exit = c.process_replica(set, &update_set, monotonic, &replicas, i);
        if exit && monotonic {
            stop = true;
            break;
        }
    }
    if stop {
        finish(&mut status, &replicas, &condemned);
        return status;
    }

    // Claims of condemned pods follow the policy before the pods go.
    for r in &condemned {
        if !c.pc.claims_match_retention_policy(&update_set, &r.pod) {
            c.pc.update_pod_claim_for_retention_policy(&update_set, &r.pod);
        }
    }

    // Scale down, highest ordinal first.
    for i in 0..condemned.len() {
        let exit = c.process_condemned(set, first_unavailable.as_deref(), monotonic, &condemned, i);
        if exit && monotonic {
            finish(&mut status, &replicas, &condemned);
            return status;
        }
    }

    finish(&mut status, &replicas, &condemned);

    // OnDelete: pods are updated only when someone deletes them.
    if update_strategy_type(set) == "OnDelete" {
        return status;
    }

    let update_min = partition(set).unwrap_or(0).max(0) as usize;
    // With the gate off (v1.31's default) the API server has dropped
    // maxUnavailable and the controller replaces one pod at a time.
    if c.max_unavailable_gate {
        return update_stateful_set_after_invariant_established(
            c,
            set,
            &replicas,
            &update_revision.meta.name,
            status,
        );
    }
    // Delete the highest-ordinal pod not at the update revision; wait for
    // each to come back available before the next.
    for target in (update_min..replicas.len()).rev() {
        let r = &replicas[target];
        if r.created
            && get_pod_revision(&r.pod) != update_revision.meta.name
            && !is_terminating(&r.pod)
        {
            c.pc.delete_stateful_pod(&r.pod);
            status.current_replicas -= 1;
            return status;
        }
        if is_unavailable(r, min_ready, now) {
            let outdated = replicas[update_min..]
                .iter()
                .any(|x| get_pod_revision(&x.pod) != update_revision.meta.name);
            if outdated {
                let name = r.pod.meta.name.clone();
                c.block(&name, format!("waiting for {name} to update"));
            }
            return status;
        }
    }
    status
}

/// `getStatefulSetMaxUnavailable`: int or percent of replicas, rounded
/// down, at least 1.
pub fn get_stateful_set_max_unavailable(v: &Value, replicas: i64) -> i64 {
    let n = match v {
        Value::Number(n) => n.as_i64().unwrap_or(1),
        Value::String(s) => match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
            Some(p) => p * replicas / 100,
            None => s.parse().unwrap_or(1),
        },
        _ => 1,
    };
    n.max(1)
}

/// `updateStatefulSetAfterInvariantEstablished` (MaxUnavailableStatefulSet):
/// delete up to `maxUnavailable - unavailable` outdated pods from the top.
fn update_stateful_set_after_invariant_established(
    c: &mut Control,
    set: &Object,
    replicas: &[Replica],
    update_revision: &str,
    mut status: StatefulSetStatus,
) -> StatefulSetStatus {
    let min_ready = min_ready_seconds(set);
    let update_min = partition(set).unwrap_or(0).max(0) as usize;
    let max_unavailable = get_stateful_set_max_unavailable(
        set.spec().at("updateStrategy.rollingUpdate.maxUnavailable"),
        replicas_of(set),
    );
    let unavailable: Vec<&Replica> = replicas
        .iter()
        .filter(|r| is_unavailable(r, min_ready, c.now))
        .collect();
    if unavailable.len() as i64 > max_unavailable {
        let name = unavailable[0].pod.meta.name.clone();
        c.block(
            &name,
            format!(
                "waiting for unavailable pods ({}) to be at most maxUnavailable ({max_unavailable})",
                unavailable.len()
            ),
        );
        return status;
    }
    let to_delete = max_unavailable - unavailable.len() as i64;
    let mut deleted = 0;
    for target in (update_min..replicas.len()).rev() {
        if deleted >= to_delete {
            break;
        }
        let r = &replicas[target];
        if r.created && get_pod_revision(&r.pod) != update_revision && !is_terminating(&r.pod) {
            c.pc.delete_stateful_pod(&r.pod);
            deleted += 1;
            status.current_replicas -= 1;
        }
    }
    if deleted == 0 {
        if let Some(r) = unavailable.first() {
            if replicas
                .iter()
                .skip(update_min)
                .any(|x| x.created && get_pod_revision(&x.pod) != update_revision)
            {
                let name = r.pod.meta.name.clone();
                c.block(&name, format!("waiting for {name} to update"));
            }
        }
    }
    status
}

/// `completeRollingUpdate` + `inconsistentStatus` + the status write.
fn update_stateful_set_status(set: &Object, mut status: StatefulSetStatus, out: &mut Out) {
    let replicas = replicas_of(set);
    if update_strategy_type(set) == "RollingUpdate"
        && status.updated_replicas == replicas
        && status.ready_replicas == replicas
        && status.replicas == replicas
    {
        status.current_replicas = status.updated_replicas;
        status.current_revision = status.update_revision.clone();
    }
    let old = StatefulSetStatus::from_set(set);
    let inconsistent = status.observed_generation > old.observed_generation
        || status.replicas != old.replicas
        || status.current_replicas != old.current_replicas
        || status.ready_replicas != old.ready_replicas
        || status.updated_replicas != old.updated_replicas
        || status.current_revision != old.current_revision
        || status.available_replicas != old.available_replicas
        || status.update_revision != old.update_revision
        || status.collision_count != old.collision_count;
    if !inconsistent {
        return;
    }
    let mut updated = set.clone();
    let v = status.to_value(set.status());
    updated.body.insert("status".into(), v);
    out.update(updated);
}

/// `getPodsForStatefulSet` with `ClaimPods`: owned pods that still match,
/// plus orphans that match and are members by name (adopted); owned pods
/// that stopped matching are released.
fn get_pods_for_stateful_set<'a>(
    store: &'a Store,
    set: &'a Object,
    selector: &Selector,
    out: &mut Out,
) -> Vec<Cow<'a, Object>> {
    let mut pods = Vec::new();
    // Upstream filters by name first (`isMemberOf`): a pod whose name is
    // not `<set>-<n>` is neither adopted nor released.
    for pod in store
        .list_ns(Kind::Pod, &set.meta.namespace)
        .filter(|p| is_member_of(set, p))
    {
        let matches = selector.matches(&pod.meta.labels);
        match pod.meta.controller_ref() {
            Some(r) if r.uid == set.meta.uid => {
                if matches {
                    pods.push(Cow::Borrowed(pod));
                } else if pod.meta.deletion_timestamp.is_none() {
                    let mut released = pod.clone();
                    released
                        .meta
                        .owner_references
                        .retain(|r| r.uid != set.meta.uid);
                    out.update(released);
                }
            }
            Some(_) => {}
            None => {
                if matches
                    && pod.meta.deletion_timestamp.is_none()
                    && set.meta.deletion_timestamp.is_none()
                {
                    let mut adopted = pod.clone();
                    adopted
                        .meta
                        .owner_references
                        .push(OwnerRef::controller_of(set));
                    out.update(adopted.clone());
                    pods.push(Cow::Owned(adopted));
                }
            }
        }
    }
    pods
}

/// One StatefulSet's sync (`StatefulSetController.sync` →
/// `UpdateStatefulSet`). Returns what it is waiting on.
fn sync_stateful_set(ctx: &Ctx, set: &Object, out: &mut Out) -> Blocked {
    let selector = selector_of(set)?;
    let pods = get_pods_for_stateful_set(ctx.store, set, &selector, out);
    let mut revisions = history::list_revisions(ctx.store, set, &selector);
    history::sort_controller_revisions(&mut revisions);
    // A set being deleted gets no new revisions: the garbage collector is
    // removing them, and upstream's controller is not woken by their deletion.
    let deleting = set.meta.deletion_timestamp.is_some();
    let mut scratch = Out::default();
    let (current, update, collision_count) = history::get_stateful_set_revisions(
        ctx.store,
        set,
        &revisions,
        if deleting { &mut scratch } else { &mut *out },
    );

    let min_ready = min_ready_seconds(set);
    let pod_revisions: Vec<String> = pods
        .iter()
        .map(|p| get_pod_revision(p).to_string())
        .collect();
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
            claims: ctx
                .store
                .list_ns(Kind::PersistentVolumeClaim, &set.meta.namespace)
                .map(|c| (c.meta.name.as_str(), c))
                .collect(),
            any_claim_owned: ctx
                .store
                .list_ns(Kind::PersistentVolumeClaim, &set.meta.namespace)
                .any(|c| !c.meta.owner_references.is_empty()),
            set,
            out,
            pod_index_label: ctx
                .config
                .feature_gates
                .enabled(crate::sim::features::POD_INDEX_LABEL),
        },
        now: ctx.now,
        blocked: None,
        max_unavailable_gate: ctx
            .config
            .feature_gates
            .enabled(crate::sim::features::MAX_UNAVAILABLE_STATEFUL_SET),
    };
    let status = update_stateful_set(&mut c, set, &current, &update, collision_count, pods);
    let blocked = c.blocked.take();
    update_stateful_set_status(set, status, out);
    if !deleting {
        history::truncate_history(set, &pod_revisions, &revisions, &current, &update, out);
    }
    blocked
}

pub fn sync(ctx: &Ctx, out: &mut Out) {
    for set in ctx.store.list(Kind::StatefulSet) {
        let blocked = sync_stateful_set(ctx, set, out);
        out.waiting.push((set.key(), blocked));
    }
}

// ---- for the faces ---------------------------------------------------------

/// What the controller is blocked on for this set, at virtual time `now`:
/// the pod and why, e.g. `("web-0", "waiting for web-0 to be Running and
/// Ready")`. `None` when it is making progress or done.
pub fn waiting_on_at(store: &Store, sts: &Object, now: u64) -> Option<(String, String)> {
    let config = Config::default();
    let faults = Faults::default();
    let ctx = Ctx {
        store,
        now,
        config: &config,
        faults: &faults,
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
    let mut revs = history::list_revisions(store, sts, &selector);
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
    let history = revision_history(store, sts);
    if history.is_empty() {
        return Err(format!(
            "no rollout history found for statefulset \"{}\"",
            sts.meta.name
        ));
    }
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
