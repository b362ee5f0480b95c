//! `StatefulSetControl` (upstream `stateful_set_control.go`): the status a
//! sync computes and `updateStatefulSet`, which creates, deletes and
//! updates pods in ordinal order.

use super::*;
use crate::sim::sort;

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
    pub(crate) fn from_set(set: &Object) -> StatefulSetStatus {
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

    pub(crate) fn to_value(&self, old: &Value) -> Value {
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
pub(crate) fn compute_replica_status(
    pods: &[&Replica],
    min_ready: i64,
    current_revision: &str,
    update_revision: &str,
    now: u64,
) -> (i64, i64, i64, i64, i64) {
    let (mut replicas, mut ready, mut available, mut current, mut updated) = (0, 0, 0, 0, 0);
    // Between rollouts the two revisions are one: one comparison per pod.
    let one_revision = current_revision == update_revision;
    for r in pods.iter().filter(|r| r.created) {
        replicas += 1;
        if r.running_and_ready() {
            ready += 1;
            if r.running_and_available(min_ready, now) {
                available += 1;
            }
        }
        if !is_terminating(&r.pod) {
            let rev = get_pod_revision(&r.pod);
            if rev == current_revision {
                current += 1;
                updated += i64::from(one_revision);
            }
            if !one_revision && rev == update_revision {
                updated += 1;
            }
        }
    }
    (replicas, ready, available, current, updated)
}

pub(crate) fn update_status(
    status: &mut StatefulSetStatus,
    min_ready: i64,
    now: u64,
    pods: &[&Replica],
) {
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

pub(crate) struct Control<'a, 'b> {
    pub(crate) pc: PodControl<'a, 'b>,
    pub(crate) now: u64,
    pub(crate) blocked: Blocked,
    /// The set's `minReadySeconds`, read once per pass.
    pub(crate) min_ready: i64,
    /// The `MaxUnavailableStatefulSet` gate (alpha, off in v1.31).
    pub(crate) max_unavailable_gate: bool,
    /// A write failed this pass (upstream's `processReplica` returned an
    /// error): a Parallel pass stops after its slow-start batch, and the
    /// sync returns the error (no history truncation).
    pub(crate) failed: bool,
}

impl Control<'_, '_> {
    pub(crate) fn block(&mut self, pod: &str, why: String) {
        if self.blocked.is_none() {
            self.blocked = Some((pod.to_string(), why));
        }
    }

    /// `processReplica`. Returns true when the loop must stop (monotonic).
    pub(crate) fn process_replica(
        &mut self,
        set: &Object,
        update_set: &Object,
        monotonic: bool,
        r: &Replica,
        checks: &SpecChecks,
    ) -> bool {
        let min_ready = self.min_ready;
        debug_assert_eq!(min_ready, min_ready_seconds(set));
        let pod: &Object = &r.pod;
        let name = &pod.meta.name;
        // Failed or Succeeded: delete; the next sync recreates it once gone.
        if r.created && r.state.failed_or_succeeded() {
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
                self.failed = true;
                self.block(name, format!("failed to create {name}"));
                return true;
            }
            // The slot now holds the pod we asked for; it has no status yet.
            if monotonic {
                return true;
            }
            return false;
        }
        // `isPending`: a stored pod without a phase is pending too.
        if r.state.phase == podutil::Phase::Pending {
            // `createMissingPersistentVolumeClaims`: a claim being deleted
            // is an error.
            if self.pc.create_persistent_volume_claims(set, pod).is_err() {
                self.failed = true;
                // The pod is pending: this is what the set waits on.
                self.block(name, format!("waiting for {name} to be Running and Ready"));
                return true;
            }
        }
        if is_terminating(pod) && monotonic {
            self.block(name, format!("waiting for {name} to terminate"));
            return true;
        }
        if !r.running_and_ready() && monotonic {
            self.block(name, format!("waiting for {name} to be Running and Ready"));
            return true;
        }
        if !r.running_and_available(min_ready, self.now) && monotonic {
            self.block(
                name,
                format!("waiting for {name} to be available for {min_ready}s (minReadySeconds)"),
            );
            return true;
        }
        let retention_match = self.pc.claims_match_retention_policy(update_set, pod);
        // `identityMatches(set, pod) && storageMatches(set, pod)`.
        if checks.of(pod).matches_spec && retention_match {
            return false;
        }
        self.pc.update_stateful_pod(update_set, pod);
        false
    }

    /// `processCondemned`.
    pub(crate) fn process_condemned(
        &mut self,
        set: &Object,
        first_unhealthy: Option<&str>,
        monotonic: bool,
        condemned: &[Replica],
        i: usize,
    ) -> bool {
        let r = &condemned[i];
        let pod = &r.pod;
        let name = pod.meta.name.clone();
        let min_ready = self.min_ready;
        debug_assert_eq!(min_ready, min_ready_seconds(set));
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
            if !r.running_and_ready() {
                self.block(
                    &unhealthy,
                    format!("waiting for {unhealthy} to be Running and Ready before scaling down {name}"),
                );
                return true;
            }
            if !r.running_and_available(min_ready, self.now) {
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

/// `ApplyRevision`: the set with the revision's template restored. The
/// set itself (borrowed) when the revision's template is the set's own,
/// as it is between rollouts: copying the set for nothing twice per pass
/// was a measurable share of a sync.
pub fn apply_revision<'a>(set: &'a Object, revision: &Object) -> Cow<'a, Object> {
    if history::template_is(revision, set.spec().at("template")) {
        return Cow::Borrowed(set);
    }
    let mut clone = set.clone();
    if let Some(t) = history::revision_template(revision) {
        set_at(clone.spec_mut(), "template", t);
    }
    Cow::Owned(clone)
}

/// `updateStatefulSet`: creates, updates and deletes pods toward the
/// target; returns the status to record.
pub(crate) fn update_stateful_set(
    c: &mut Control,
    set: &Object,
    checks: &SpecChecks,
    current_revision: &Object,
    update_revision: &Object,
    collision_count: i64,
    pods: Vec<ReplicaPod>,
) -> StatefulSetStatus {
    let now = c.now;
    let current_set = apply_revision(set, current_revision);
    // Between rollouts the two revisions are one (compared once).
    let update_set = if update_revision.meta.name == current_revision.meta.name {
        current_set.clone()
    } else {
        apply_revision(set, update_revision)
    };
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
        .map(|pod| Replica::new(pod, true))
        .collect();
    // Upstream counts the status here, before the loop. Every later return
    // but the one for a set being deleted counts it anew (`finish`), so
    // it is counted here only for that one.
    let deleting = set.meta.deletion_timestamp.is_some();
    if deleting {
        update_status(&mut status, min_ready, now, &all.iter().collect::<Vec<_>>());
    }

    let start = get_start_ordinal(set);
    let end = get_end_ordinal(set);
    let replica_count = replicas_of(set) as usize;
    let mut slots: Vec<Option<Replica>> = std::iter::repeat_with(|| None)
        .take(replica_count)
        .collect();
    let mut condemned: Vec<Replica> = Vec::new();
    for r in all {
        let ord = get_ordinal(&r.pod);
        if ord >= start && ord <= end {
            slots[(ord - start) as usize] = Some(r);
        } else if ord >= 0 {
            condemned.push(r);
        }
    }
    // Upstream fills every missing slot with `newVersionedStatefulSetPod`
    // here. A slot stays empty (`None`) until the loop below reaches it:
    // before that only its name is read (when it is the first unavailable
    // replica), and an OrderedReady pass stops at the first pod it makes,
    // so building the others on every pass (up to the whole set) was
    // wasted. A pass that does not stop fills every slot.
    let mut replicas: Vec<Option<Replica>> = slots;
    // descendingOrdinal (counted rather than compared: a scale-down
    // condemns up to the whole set, sorted again on every pass)
    sort::sort_by_int_key(&mut condemned, |r| -get_ordinal(&r.pod));

    let mut first_unavailable: Option<String> = None;
    for (i, slot) in replicas.iter().enumerate() {
        match slot {
            // A pod not made yet is unavailable (`isUnavailable`: not created).
            None => first_unavailable = Some(get_pod_name(&current_set, start + i as i64)),
            Some(r) if is_unavailable(r, min_ready, now) => {
                first_unavailable = Some(r.pod.meta.name.clone())
            }
            Some(_) => continue,
        }
        break;
    }
    if first_unavailable.is_none() {
        first_unavailable = condemned
            .iter()
            .rev()
            .find(|r| is_unavailable(r, min_ready, now))
            .map(|r| r.pod.meta.name.clone());
    }

    let finish = |status: &mut StatefulSetStatus, replicas: &[&Replica], condemned: &[Replica]| {
        let list: Vec<&Replica> = replicas.iter().copied().chain(condemned.iter()).collect();
        update_status(status, min_ready, now, &list);
    };

    if deleting {
        return status;
    }
    let monotonic = !allows_burst(set);

    // Living replicas, in ordinal order. A Parallel pass runs them as
    // upstream's `slowStartBatch` does (batches of 1, 2, 4, ...): after a
    // batch in which a write failed, the rest are not tried.
    let mut stop = false;
    let (mut batch, mut batch_end) = (1, 1);
    for (i, slot) in replicas.iter_mut().enumerate() {
        if !monotonic && i == batch_end {
            if c.failed {
                stop = true;
                break;
            }
            batch *= 2;
            batch_end += batch;
        }
        let r = slot.get_or_insert_with(|| {
            // The pod to create, made now that it is needed.
            let pod = new_versioned_stateful_set_pod(
                &current_set,
                &update_set,
                &current_revision.meta.name,
                &update_revision.meta.name,
                start + i as i64,
                c.pc.pod_index_label,
            );
            Replica::new(ReplicaPod::Made(Box::new(pod)), false)
        });
        let exit = c.process_replica(set, &update_set, monotonic, r, checks);
        if exit && monotonic {
            stop = true;
            break;
        }
    }
    if stop || c.failed {
        // Slots past the stop were never made (and count for nothing).
        let made: Vec<&Replica> = replicas.iter().flatten().collect();
        finish(&mut status, &made, &condemned);
        return status;
    }
    // Every slot is filled now.
    let replicas: Vec<Replica> = replicas.into_iter().flatten().collect();

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
            finish(
                &mut status,
                &replicas.iter().collect::<Vec<_>>(),
                &condemned,
            );
            return status;
        }
    }

    finish(
        &mut status,
        &replicas.iter().collect::<Vec<_>>(),
        &condemned,
    );

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
pub(crate) fn update_stateful_set_after_invariant_established(
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
pub(crate) fn update_stateful_set_status(
    set: &Object,
    mut status: StatefulSetStatus,
    out: &mut Out,
) {
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
