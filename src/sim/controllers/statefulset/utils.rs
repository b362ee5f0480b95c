//! The StatefulSet's helpers, beside upstream's `stateful_set_utils.go`:
//! reading the set with its defaults, pod and claim identity, pod state,
//! and the claim retention policy (owner references on claims).

use super::*;

/// `apps.StatefulSetPodNameLabel`.
pub const POD_NAME_LABEL: &str = crate::sim::wellknown::STATEFUL_SET_POD_NAME;
/// `apps.PodIndexLabel` (PodIndexLabel is on by default since 1.28).
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
/// `apps.StatefulSetRevisionLabel` (= `ControllerRevisionHashLabelKey`).
pub const REVISION_LABEL: &str = crate::sim::wellknown::CONTROLLER_REVISION_HASH;

pub(crate) const RETAIN: &str = "Retain";
pub(crate) const DELETE: &str = "Delete";

// ---- reading the set (defaults as the API server would fill them) ------

/// The simulation's bound on a set's size, so a mistyped `--replicas`
/// cannot stall the page (upstream has no such bound).
pub const MAX_SIMULATED_REPLICAS: i64 = 10_000;

pub(crate) fn replicas_of(set: &Object) -> i64 {
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

pub(crate) fn min_ready_seconds(set: &Object) -> i64 {
    set.spec().i64_at("minReadySeconds").unwrap_or(0)
}

pub(crate) fn update_strategy_type(set: &Object) -> &str {
    set.spec()
        .str_at("updateStrategy.type")
        .unwrap_or("RollingUpdate")
}

/// The API server defaults `rollingUpdate.partition` to 0 for the
/// RollingUpdate strategy, so a RollingUpdate set always has one.
pub(crate) fn partition(set: &Object) -> Option<i64> {
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
pub(crate) fn allows_burst(set: &Object) -> bool {
    set.spec().str_at("podManagementPolicy") == Some("Parallel")
}

pub(crate) fn service_name(set: &Object) -> &str {
    set.spec().str_at("serviceName").unwrap_or("")
}

pub(crate) fn revision_history_limit(set: &Object) -> i64 {
    set.spec().i64_at("revisionHistoryLimit").unwrap_or(10)
}

/// `getPersistentVolumeClaimRetentionPolicy`: (whenDeleted, whenScaled), Retain by default.
pub(crate) fn retention_policy(set: &Object) -> (&str, &str) {
    let p = set.spec().at("persistentVolumeClaimRetentionPolicy");
    (
        p.str_at("whenDeleted").unwrap_or(RETAIN),
        p.str_at("whenScaled").unwrap_or(RETAIN),
    )
}

/// The set's selector. apps/v1beta1 defaulted a missing one from the
/// template's labels; if conversion left none, do the same.
pub(crate) fn selector_of(set: &Object) -> Option<Selector> {
    spec_selector(set.spec())
}

/// [`selector_of`] of a set's spec.
fn spec_selector(spec: &Value) -> Option<Selector> {
    let sel = spec.at("selector");
    if sel.is_null() {
        let labels = spec.labels_at("template.metadata.labels");
        return (!labels.is_empty()).then(|| Selector::from_labels(&labels));
    }
    match Selector::from_value(sel) {
        Ok(Some(s)) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// `set.Spec.Selector.MatchLabels` (the template's labels when defaulted).
pub(crate) fn selector_match_labels(set: &Object) -> crate::sim::object::Labels {
    if set.spec().at("selector").is_null() {
        set.spec().labels_at("template.metadata.labels")
    } else {
        set.spec().labels_at("selector.matchLabels")
    }
}

pub(crate) fn claim_templates(set: &Object) -> &[Value] {
    set.spec().array_at("volumeClaimTemplates")
}

pub(crate) fn claim_template_name(t: &Value) -> &str {
    t.str_at("metadata.name").unwrap_or("")
}

// ---- identity ----------------------------------------------------------

/// `getParentNameAndOrdinal`: `(.*)-([0-9]+)$`; -1 when there is none.
pub fn get_parent_name_and_ordinal(name: &str) -> (&str, i64) {
    podutil::parent_and_ordinal(name)
}

/// `getOrdinal` (read once per stored pod: this runs for every pod of a
/// set, several times per sync).
pub fn get_ordinal(pod: &Object) -> i64 {
    podutil::pod_parent_and_ordinal(pod).1
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
pub(crate) fn is_member_of(set: &Object, pod: &Object) -> bool {
    podutil::pod_parent_and_ordinal(pod).0 == set.meta.name
}

/// `podInOrdinalRange`.
pub(crate) fn pod_in_ordinal_range(pod: &Object, set: &Object) -> bool {
    let o = get_ordinal(pod);
    o >= get_start_ordinal(set) && o <= get_end_ordinal(set)
}

/// `identityMatches`: name, namespace and the pod-name label.
pub fn identity_matches(set: &Object, pod: &Object) -> bool {
    let (parent, ordinal) = podutil::pod_parent_and_ordinal(pod);
    identity_matches_parsed(set, pod, parent, ordinal)
}

/// [`identity_matches`] with the pod's name already parsed
/// ([`podutil::pod_parent_and_ordinal`]), once per pod for this and
/// [`storage_matches_at`].
pub(crate) fn identity_matches_parsed(
    set: &Object,
    pod: &Object,
    parent: &str,
    ordinal: i64,
) -> bool {
    // `pod.Name == getPodName(set, ordinal)`: the digits print the ordinal.
    // With an ordinal, the name is the parent, a dash and the digits.
    debug_assert!(ordinal < 0 || pod.meta.name.starts_with(parent));
    ordinal >= 0
        && parent == set.meta.name
        && podutil::prints_as_decimal(&pod.meta.name[parent.len() + 1..])
        && pod.meta.namespace == set.meta.namespace
        && podutil::pod_name_labelled(pod)
}

/// What a sync asks of each pod of the set against the set's spec: the
/// selector match of `ClaimPods`, and `identityMatches` with
/// `storageMatches` (`processReplica`). A stored pod keeps the answers for
/// the set's spec ([`podutil::kept_verdict`]): every sync asks them of
/// every pod, and between two writes of a pod they stay.
pub(crate) struct SpecChecks<'a> {
    set: &'a Object,
    /// The set's spec as shared by its copies (the key of kept answers).
    spec: Option<&'a Shared<Value>>,
    selector: &'a Selector,
    templates: Vec<&'a str>,
    /// Earlier specs of the set that answers were kept for, and whether
    /// they give the same answers as this one (asked once per sync each).
    earlier: std::cell::RefCell<Vec<(Shared<Value>, bool)>>,
}

impl<'a> SpecChecks<'a> {
    pub(crate) fn new(set: &'a Object, selector: &'a Selector) -> SpecChecks<'a> {
        SpecChecks {
            set,
            spec: set.body.shared("spec"),
            selector,
            templates: claim_template_names(set),
            earlier: Default::default(),
        }
    }

    /// Whether `earlier`, a spec the set had, gives the same answers: the
    /// same selector (as [`selector_of`] reads it: with none in the spec,
    /// from the template's labels) and claim template names.
    pub(crate) fn equivalent(&self, earlier: &Shared<Value>) -> bool {
        let mut seen = self.earlier.borrow_mut();
        if let Some((_, same)) = seen.iter().find(|(s, _)| s.same(earlier)) {
            return *same;
        }
        let names = earlier.array_at("volumeClaimTemplates");
        let same = spec_selector(earlier).as_ref() == Some(self.selector)
            && names.len() == self.templates.len()
            && names
                .iter()
                .zip(&self.templates)
                .all(|(t, n)| claim_template_name(t) == *n);
        seen.push((earlier.clone(), same));
        same
    }

    /// The answers for `pod`, a member of the set (named after it, in its
    /// namespace: what the kept answers may rely on).
    pub(crate) fn of(&self, pod: &Object) -> podutil::Verdict {
        let set = self.set;
        debug_assert!(is_member_of(set, pod) && pod.meta.namespace == set.meta.namespace);
        let verdict = || {
            let (parent, ordinal) = podutil::pod_parent_and_ordinal(pod);
            podutil::Verdict {
                selected: self.selector.matches(&pod.meta.labels),
                matches_spec: identity_matches_parsed(set, pod, parent, ordinal)
                    && storage_matches_at(&self.templates, set, pod, ordinal),
            }
        };
        match self.spec {
            Some(spec) => podutil::kept_verdict(
                pod,
                Kind::StatefulSet,
                spec,
                |e| self.equivalent(e),
                verdict,
            ),
            None => verdict(),
        }
    }
}

/// `storageMatches`: every claim template is mounted under its own name
/// from the claim for this ordinal.
pub fn storage_matches(set: &Object, pod: &Object) -> bool {
    storage_matches_at(&claim_template_names(set), set, pod, get_ordinal(pod))
}

/// The names of the set's claim templates, in order.
pub(crate) fn claim_template_names(set: &Object) -> Vec<&str> {
    claim_templates(set)
        .iter()
        .map(claim_template_name)
        .collect()
}

/// [`storage_matches`] with the template names read once for a whole
/// pass (it runs for every pod of the set on every pass) and the pod's
/// ordinal already read.
pub(crate) fn storage_matches_at(
    templates: &[&str],
    set: &Object,
    pod: &Object,
    ordinal: i64,
) -> bool {
    if ordinal < 0 {
        return false;
    }
    // A stored pod of the set has the answer in its facts.
    if let Some(named) = podutil::set_claim_volumes(pod, &set.meta.name) {
        return templates.iter().all(|&t| named.iter().any(|v| v == t));
    }
    let volumes = podutil::claim_volumes(pod);
    templates.iter().all(|&name| {
        volumes.iter().any(|(v, c)| {
            v.as_deref() == Some(name) && podutil::is_claim_name(c, name, &set.meta.name, ordinal)
        })
    })
}

/// The claim names a pod of this ordinal mounts, in template order.
pub(crate) fn claim_names(set: &Object, ordinal: i64) -> impl Iterator<Item = String> + '_ {
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
pub(crate) fn new_persistent_volume_claim(set: &Object, template: &Value, ordinal: i64) -> Object {
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
pub(crate) fn update_storage(set: &Object, pod: &mut Object) {
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
pub(crate) fn update_identity(set: &Object, pod: &mut Object, pod_index_label: bool) {
    let ordinal = get_ordinal(pod);
    pod.meta.name = get_pod_name(set, ordinal);
    pod.meta.namespace = set.meta.namespace.clone();
    let name = pod.meta.name.clone();
    pod.meta.labels.insert(POD_NAME_LABEL.into(), name);
    if pod_index_label {
        pod.meta
            .labels
            .insert(POD_INDEX_LABEL.into(), ordinal.to_string());
    }
}

/// `initIdentity`: hostname and subdomain are set only at creation.
pub(crate) fn init_identity(set: &Object, pod: &mut Object, pod_index_label: bool) {
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
pub(crate) fn new_stateful_set_pod(set: &Object, ordinal: i64, pod_index_label: bool) -> Object {
    let mut pod = get_pod_from_template(set.spec().at("template"), set);
    pod.meta.name = get_pod_name(set, ordinal);
    init_identity(set, &mut pod, pod_index_label);
    update_storage(set, &mut pod);
    pod
}

/// Whether `newVersionedStatefulSetPod` makes this ordinal at the current
/// revision (else at the update revision).
fn made_at_current(current_set: &Object, ordinal: i64) -> bool {
    MadeAt::of(current_set).current(ordinal)
}

/// What [`made_at_current`] reads of the set.
pub(crate) struct MadeAt {
    start: i64,
    is_rolling: bool,
    part: Option<i64>,
    current_replicas: i64,
}

impl MadeAt {
    pub(crate) fn of(current_set: &Object) -> MadeAt {
        MadeAt {
            start: get_start_ordinal(current_set),
            is_rolling: update_strategy_type(current_set) == "RollingUpdate",
            part: partition(current_set),
            current_replicas: current_set.status().i64_at("currentReplicas").unwrap_or(0),
        }
    }

    /// Whether this ordinal is made at the current revision.
    pub(crate) fn current(&self, ordinal: i64) -> bool {
        (self.is_rolling && self.part.is_none() && ordinal < self.start + self.current_replicas)
            || self.part.is_some_and(|p| ordinal < self.start + p)
    }
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
    let (set, rev) = if made_at_current(current_set, ordinal) {
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

/// `getPodRevision` (read once per write of a stored pod: a sync asks it
/// of every pod of the set).
pub(crate) fn get_pod_revision(pod: &Object) -> &str {
    podutil::revision_label(pod).unwrap_or("")
}

// ---- pod state -----------------------------------------------------------

/// A slot in the replicas list: a pod in the store, or one we would create,
/// with what a pass asks of its status read once ([`podutil::PodState`]).
#[derive(Clone, Debug)]
pub(crate) struct Replica<'a> {
    pub(crate) pod: ReplicaPod<'a>,
    pub(crate) created: bool,
    pub(crate) state: podutil::PodState,
}

/// A replica's pod: borrowed from the store, or made (or adopted) by this
/// pass. Made pods are boxed so a replica stays a few words: a pass moves
/// every replica of the set through several lists, and moving whole
/// objects was a measurable share of it.
#[derive(Clone, Debug)]
pub(crate) enum ReplicaPod<'a> {
    Stored(&'a Object),
    Made(Box<Object>),
}

impl std::ops::Deref for ReplicaPod<'_> {
    type Target = Object;
    fn deref(&self) -> &Object {
        match self {
            ReplicaPod::Stored(p) => p,
            ReplicaPod::Made(p) => p,
        }
    }
}

impl<'a> Replica<'a> {
    pub(crate) fn new(pod: ReplicaPod<'a>, created: bool) -> Replica<'a> {
        let state = podutil::PodState::of(&pod);
        Replica {
            pod,
            created,
            state,
        }
    }

    /// `isRunningAndReady`.
    pub(crate) fn running_and_ready(&self) -> bool {
        self.state.running_and_ready()
    }

    /// `isRunningAndAvailable` (`podutil.IsPodAvailable`).
    pub(crate) fn running_and_available(&self, min_ready: i64, now: u64) -> bool {
        self.state.ready && podutil::ready_for(&self.pod, min_ready, now)
    }

    /// `isHealthy`.
    pub(crate) fn healthy(&self) -> bool {
        self.running_and_ready() && !is_terminating(&self.pod)
    }
}

/// `isRunningAndReady`.
pub fn is_running_and_ready(pod: &Object) -> bool {
    podutil::is_running_and_ready(pod)
}

pub(crate) fn is_terminating(pod: &Object) -> bool {
    pod.meta.deletion_timestamp.is_some()
}

/// `isHealthy`: running and ready and not being deleted.
pub fn is_healthy(pod: &Object) -> bool {
    is_running_and_ready(pod) && !is_terminating(pod)
}

/// `isUnavailable`.
pub(crate) fn is_unavailable(r: &Replica, min_ready: i64, now: u64) -> bool {
    !r.created || !r.healthy() || !r.running_and_available(min_ready, now)
}

// ---- retention policy (owner references on claims) ------------------------

pub(crate) fn matches_ref(r: &OwnerRef, kind: &str, name: &str) -> bool {
    r.kind == kind && r.name == name
}

pub(crate) fn has_owner_ref(claim: &Object, uid: &str) -> bool {
    !uid.is_empty() && claim.meta.owner_references.iter().any(|r| r.uid == uid)
}

/// `hasStaleOwnerRef`: a reference with the object's kind and name but
/// another uid (a pod not yet created has no uid).
pub(crate) fn has_stale_owner_ref(claim: &Object, kind: &str, name: &str, uid: &str) -> bool {
    claim
        .meta
        .owner_references
        .iter()
        .find(|r| matches_ref(r, kind, name))
        .is_some_and(|r| r.uid != uid)
}

pub(crate) fn is_retain_retain(set: &Object) -> bool {
    retention_policy(set) == (RETAIN, RETAIN)
}

/// `hasUnexpectedController`.
pub(crate) fn has_unexpected_controller(claim: &Object, set: &Object, pod: &Object) -> bool {
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
pub(crate) fn has_non_controller_owner(claim: &Object, set: &Object, pod: &Object) -> bool {
    claim.meta.owner_references.iter().any(|r| {
        (r.uid == set.meta.uid || (!pod.meta.uid.is_empty() && r.uid == pod.meta.uid))
            && !r.controller
    })
}

/// `isClaimOwnerUpToDate`.
pub(crate) fn is_claim_owner_up_to_date(claim: &Object, set: &Object, pod: &Object) -> bool {
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
pub(crate) fn update_claim_owner_ref_for_set_and_pod(
    claim: &mut Object,
    set: &Object,
    pod: &Object,
) {
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
