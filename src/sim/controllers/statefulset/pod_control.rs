//! `StatefulPodControl` (upstream `stateful_pod_control.go`): the writes a
//! sync makes for one pod and its claims, with the events upstream records.

use super::*;

// ---- the pod control (writes and their events) ------------------------------

pub(crate) struct PodControl<'a, 'b> {
    /// The store, for the set's claims (looked up by name when a pod needs
    /// them, not gathered on every pass).
    pub(crate) store: &'a Store,
    /// The set's policy is Retain/Retain and none of the namespace's
    /// claims has an owner: then every claim matches the policy. Read
    /// once per pass (it was read for every pod).
    pub(crate) retained_and_unowned: bool,
    pub(crate) set: &'a Object,
    pub(crate) out: &'b mut Out,
    /// The `PodIndexLabel` gate.
    pub(crate) pod_index_label: bool,
    /// The cluster's gates, for the API server's validation of a new pod.
    pub(crate) gates: &'a crate::sim::features::FeatureGates,
}

impl<'a> PodControl<'a, '_> {
    /// `recordPodEvent`.
    pub(crate) fn record_pod_event(&mut self, verb: &str, pod: &str, err: Option<&str>) {
        let title = format!("{}{}", verb[..1].to_ascii_uppercase(), &verb[1..]);
        match err {
            None => self.out.event(
                self.set,
                false,
                format!("Successful{title}"),
                format!(
                    "{verb} Pod {pod} in StatefulSet {} successful",
                    self.set.meta.name
                ),
            ),
            Some(e) => self.out.event(
                self.set,
                true,
                format!("Failed{title}"),
                format!(
                    "{verb} Pod {pod} in StatefulSet {} failed error: {e}",
                    self.set.meta.name
                ),
            ),
        }
    }

    /// `recordClaimEvent`.
    pub(crate) fn record_claim_event(&mut self, verb: &str, pod: &str, claim: &str) {
        let title = format!("{}{}", verb[..1].to_ascii_uppercase(), &verb[1..]);
        self.out.event(
            self.set,
            false,
            format!("Successful{title}"),
            format!(
                "{verb} Claim {claim} Pod {pod} in StatefulSet {} success",
                self.set.meta.name
            ),
        );
    }

    pub(crate) fn get_claim(&self, name: &str) -> Option<&'a Object> {
        self.store
            .get(Kind::PersistentVolumeClaim, &self.set.meta.namespace, name)
    }

    /// `createPersistentVolumeClaims`: creates the missing ones; an error
    /// for a claim that is being deleted.
    pub(crate) fn create_persistent_volume_claims(
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
    pub(crate) fn create_stateful_pod(&mut self, set: &Object, pod: &Object) -> Result<(), String> {
        if let Err(e) = self.create_persistent_volume_claims(set, pod) {
            self.record_pod_event("create", &pod.meta.name, Some(&e));
            return Err(e);
        }
        // The API server validates the pod: the set's own validation never
        // looks at its template's pod spec (ValidatePodTemplateSpecForStatefulSet),
        // so a duplicate container name, a bad port, a mount of no volume or a
        // set name too long for a hostname or label surface only here, as
        // FailedCreate events. The claims above are created all the same.
        // It is defaulted here, on the one copy the API server will take.
        let mut new = pod.clone();
        if let Err(e) = crate::sim::manifest::before_create(&mut new, self.gates) {
            self.record_pod_event("create", &pod.meta.name, Some(&e));
            return Err(e);
        }
        // A pod of this name that the set does not own (released when its
        // labels stopped matching): the create is AlreadyExists, which
        // upstream returns without an event.
        if self
            .store
            .get(Kind::Pod, &pod.meta.namespace, &pod.meta.name)
            .is_some()
        {
            return Err(format!("pods \"{}\" already exists", pod.meta.name));
        }
        self.out.create(new);
        self.record_pod_event("create", &pod.meta.name, None);
        Ok(())
    }

    /// `DeleteStatefulPod`.
    pub(crate) fn delete_stateful_pod(&mut self, pod: &Object) {
        self.out.delete(pod);
        self.record_pod_event("delete", &pod.meta.name, None);
    }

    /// `PodClaimIsStale`: with whenScaled=Delete, a claim still owned by a
    /// previous pod of this name must go before the pod is recreated.
    pub(crate) fn pod_claim_is_stale(&self, set: &Object, pod: &Object) -> bool {
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
    pub(crate) fn claims_match_retention_policy(&self, set: &Object, pod: &Object) -> bool {
        // `set` is the set or its update revision: the same policy.
        debug_assert_eq!(is_retain_retain(set), is_retain_retain(self.set));
        if self.retained_and_unowned {
            return true;
        }
        claim_names(set, get_ordinal(pod)).all(|c| {
            self.get_claim(&c)
                .is_none_or(|existing| is_claim_owner_up_to_date(existing, set, pod))
        })
    }

    /// `UpdatePodClaimForRetentionPolicy`.
    pub(crate) fn update_pod_claim_for_retention_policy(&mut self, set: &Object, pod: &Object) {
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
    pub(crate) fn update_stateful_pod(&mut self, set: &Object, pod: &Object) {
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
