//! The binder, as upstream's `pv_controller.go`: claim and volume status,
//! `bind`, `syncUnboundClaim`, `syncBoundClaim`, `syncVolume`,
//! `unbindVolume` and `reclaimVolume`.

use super::*;
use crate::sim::object::parse_rfc3339;
use crate::sim::sort;

/// `updateClaimStatus`: phase, and the bound volume's access modes and
/// capacity (cleared when there is none).
pub(super) fn with_claim_status(claim: &Object, phase: &str, volume: Option<&Object>) -> Object {
    let mut c = claim.clone();
    let st = c.status_mut();
    set_at(st, "phase", phase.into());
    let m = st.as_object_mut().expect("status is an object");
    match volume {
        None => {
            m.remove("accessModes");
            m.remove("capacity");
        }
        Some(v) => {
            m.insert("accessModes".into(), v.spec().at("accessModes").clone());
            if claim.status().str_at("phase") != Some(phase) || m.get("capacity").is_none() {
                m.insert("capacity".into(), v.spec().at("capacity").clone());
            }
        }
    }
    c
}

pub(super) fn set_claim_phase(
    pass: &mut Pass,
    claim: &Object,
    phase: &str,
    volume: Option<&Object>,
) {
    let st = claim.status();
    if volume.is_none()
        && st.str_at("phase") == Some(phase)
        && st.at("accessModes").is_null()
        && st.at("capacity").is_null()
    {
        return;
    }
    let c = with_claim_status(claim, phase, volume);
    if c != *claim {
        pass.update(c);
    }
}

/// `updateClaimStatusWithEvent`: the event only when the phase changes.
pub(super) fn set_claim_phase_with_event(
    pass: &mut Pass,
    claim: &Object,
    phase: &str,
    reason: &'static str,
    message: &str,
) {
    if claim.status().str_at("phase") == Some(phase) {
        return;
    }
    set_claim_phase(pass, claim, phase, None);
    pass.out.event(claim, true, reason, message);
}

pub(super) fn with_volume_phase(pv: &Object, phase: &str, now: u64) -> Object {
    let mut v = pv.clone();
    if pv.status().str_at("phase") != Some(phase) {
        let st = v.status_mut();
        set_at(st, "phase", phase.into());
        // The API server stamps this on every phase change (1.31 default).
        set_at(st, "lastPhaseTransitionTime", rfc3339(now).into());
        if let Some(m) = st.as_object_mut() {
            m.remove("message");
            m.remove("reason");
        }
    }
    v
}

pub(super) fn set_volume_phase(pass: &mut Pass, pv: &Object, phase: &str) {
    if pv.status().str_at("phase") == Some(phase) {
        return;
    }
    let v = with_volume_phase(pv, phase, pass.ctx.now);
    if v != *pv {
        pass.update(v);
    }
}

pub(super) fn set_volume_phase_with_event(
    pass: &mut Pass,
    pv: &Object,
    phase: &str,
    reason: &'static str,
    msg: &str,
) {
    if pv.status().str_at("phase") == Some(phase) {
        return;
    }
    let mut v = with_volume_phase(pv, phase, pass.ctx.now);
    set_at(v.status_mut(), "message", msg.into());
    pass.update(v);
    pass.out.event(pv, true, reason, msg);
}

pub(super) fn claim_ref(claim: &Object) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "name": claim.name(),
        "namespace": claim.namespace(),
        "resourceVersion": claim.resource_version.to_string(),
        "uid": claim.meta.uid,
    })
}

/// `bind`: PV → claim (claimRef, bound-by-controller unless pre-bound,
/// phase Bound), claim → PV (volumeName, annotations, status Bound).
/// Everything `bind` would write is already in place (the common case
/// for a long-bound pair, checked without cloning either object).
pub(super) fn is_fully_bound(volume: &Object, claim: &Object) -> bool {
    let r = volume.spec().at("claimRef");
    let (cs, st) = (claim.spec(), claim.status());
    r.str_at("uid") == Some(claim.meta.uid.as_str())
        && r.str_at("name") == Some(claim.name())
        && r.str_at("namespace") == Some(claim.namespace())
        && volume.status().str_at("phase") == Some("Bound")
        && cs.str_at("volumeName") == Some(volume.name())
        && claim.meta.annotations.contains_key(ANN_BIND_COMPLETED)
        && st.str_at("phase") == Some("Bound")
        && st.at("accessModes") == volume.spec().at("accessModes")
        && !st.at("capacity").is_null()
}

pub(super) fn bind(pass: &mut Pass, volume: &Object, claim: &Object) {
    if is_fully_bound(volume, claim) {
        return;
    }
    let now = pass.ctx.now;
    // The volume side (`bindVolumeToClaim` + `updateVolumePhase`).
    let mut v = volume.clone();
    let prebound = is_volume_bound_to_claim(volume, claim);
    let r = volume.spec().at("claimRef");
    if r.str_at("name") != Some(claim.name())
        || r.str_at("namespace") != Some(claim.namespace())
        || r.str_at("uid") != Some(claim.meta.uid.as_str())
    {
        set_at(v.spec_mut(), "claimRef", claim_ref(claim));
    }
    if !prebound {
        v.meta
            .annotations
            .entry(ANN_BOUND_BY_CONTROLLER.into())
            .or_insert_with(|| "yes".into());
    }
    let v = with_volume_phase(&v, "Bound", now);
    if v != *volume {
        pass.update(v.clone());
    }
    pass.taken.insert(volume.name().to_string());
    // The claim side (`bindClaimToVolume` + `updateClaimStatus`).
    let mut c = claim.clone();
    if claim.spec().str_at("volumeName") != Some(volume.name()) {
        set_at(c.spec_mut(), "volumeName", volume.name().into());
        c.meta
            .annotations
            .entry(ANN_BOUND_BY_CONTROLLER.into())
            .or_insert_with(|| "yes".into());
    }
    c.meta
        .annotations
        .entry(ANN_BIND_COMPLETED.into())
        .or_insert_with(|| "yes".into());
    let c = with_claim_status(&c, "Bound", Some(&v));
    if c != *claim {
        pass.update(c);
    }
}

/// A pending claim is synced again at the controller's 15 s resyncs,
/// counted from its creation, so its waiting events repeat even in a quiet
/// cluster (the recorder counts one repeat per period, see
/// `World::record_event`).
pub(super) fn wake_for_resync(pass: &mut Pass, claim: &Object) {
    let period = crate::sim::world::PV_CONTROLLER_RESYNC_MS;
    let since = pass.ctx.now.saturating_sub(claim.meta.creation_timestamp);
    pass.out
        .wake(claim.meta.creation_timestamp + (since / period + 1) * period);
}

pub(super) fn sync_unbound_claim(pass: &mut Pass, claim: &Object) {
    let store = pass.ctx.store;
    let volume_name = claim.spec().str_at("volumeName").unwrap_or("");
    if volume_name.is_empty() {
        let class = claim_class(claim);
        let delay = is_delay_binding_mode(store, &class);
        let selected = claim.meta.annotations.get(ANN_SELECTED_NODE);
        // On a real cluster the scheduler's VolumeBinding plugin binds
        // WaitForFirstConsumer claims to static PVs for the chosen node;
        // here the scheduler only records its choice, and we bind for it.
        let node = match (delay, selected) {
            (true, Some(n)) => store.get(Kind::Node, "", n),
            _ => None,
        };
        let index = pass.index.get_or_insert_with(|| VolumeIndex::new(store));
        let found = index.find_best_match(claim, delay, node, &pass.taken);
        if let Some(volume) = found {
            if !pass.is_touched(volume) {
                bind(pass, volume, claim);
            }
            return;
        }
        if claim.spec().at("storageClassName").is_null()
            && !claim.meta.annotations.contains_key(ANN_BETA_STORAGE_CLASS)
        {
            if let Some(def) = default_class(store) {
                // `assignDefaultStorageClass`, then the next pass retries.
                let mut c = claim.clone();
                set_at(c.spec_mut(), "storageClassName", def.name().into());
                pass.update(c);
                return;
            }
        }
        if delay && selected.is_none() {
            emit_event_for_unbound_delay_binding_claim(pass, claim);
        } else if !class.is_empty() {
            provision_claim(pass, claim, &class);
            return;
        } else {
            pass.out.event(
                claim,
                false,
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
            );
        }
        wake_for_resync(pass, claim);
        set_claim_phase(pass, claim, "Pending", None);
        return;
    }
    // The user asked for a specific PV.
    let Some(volume) = store.get(Kind::PersistentVolume, "", volume_name) else {
        set_claim_phase(pass, claim, "Pending", None);
        return;
    };
    if pass.is_touched(volume) {
        return;
    }
    if volume.spec().at("claimRef").is_null() {
        match check_volume_satisfy_claim(volume, claim) {
            Err(e) => {
                pass.out.event(
                    claim,
                    true,
                    "VolumeMismatch",
                    format!("Cannot bind to requested volume \"{volume_name}\": {e}"),
                );
                wake_for_resync(pass, claim);
                set_claim_phase(pass, claim, "Pending", None);
            }
            Ok(()) => bind(pass, volume, claim),
        }
    } else if is_volume_bound_to_claim(volume, claim) {
        bind(pass, volume, claim);
    } else {
        pass.out.event(
            claim,
            true,
            "FailedBinding",
            format!("volume \"{volume_name}\" already bound to a different claim."),
        );
        wake_for_resync(pass, claim);
        set_claim_phase(pass, claim, "Pending", None);
    }
}

/// `emitEventForUnboundDelayBindingClaim`.
pub(super) fn emit_event_for_unbound_delay_binding_claim(pass: &mut Pass, claim: &Object) {
    let mut pods: Vec<&str> = pass
        .ctx
        .store
        .list_ns(Kind::Pod, claim.namespace())
        .filter(|p| !is_pod_terminated(p))
        .filter(|p| crate::sim::podutil::claim_names(p).contains(&claim.name()))
        .filter(|p| crate::sim::podutil::node_name(p).is_none_or(str::is_empty))
        .map(|p| p.name())
        .collect();
    sort::sort(&mut pods);
    let (reason, message) = match pods.len() {
        0 => (
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding".to_string(),
        ),
        1 => (
            "WaitForPodScheduled",
            format!("waiting for pod {} to be scheduled", pods[0]),
        ),
        _ => (
            "WaitForPodScheduled",
            format!("waiting for pods {} to be scheduled", pods.join(",")),
        ),
    };
    pass.out.event(claim, false, reason, message);
}

pub(super) fn is_pod_terminated(pod: &Object) -> bool {
    matches!(crate::sim::podutil::phase(pod), "Succeeded" | "Failed")
}

pub(super) fn sync_bound_claim(pass: &mut Pass, claim: &Object) {
    let volume_name = claim.spec().str_at("volumeName").unwrap_or("");
    if volume_name.is_empty() {
        set_claim_phase_with_event(
            pass,
            claim,
            "Lost",
            "ClaimLost",
            "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!",
        );
        return;
    }
    let Some(volume) = pass.ctx.store.get(Kind::PersistentVolume, "", volume_name) else {
        set_claim_phase_with_event(
            pass,
            claim,
            "Lost",
            "ClaimLost",
            "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
        );
        return;
    };
    if pass.is_touched(volume) {
        return;
    }
    let r = volume.spec().at("claimRef");
    if r.is_null() || r.str_at("uid") == Some(claim.meta.uid.as_str()) {
        bind(pass, volume, claim);
    } else {
        set_claim_phase_with_event(
            pass,
            claim,
            "Lost",
            "ClaimMisbound",
            "Two claims are bound to the same volume, this one is bound incorrectly",
        );
    }
}

pub(super) fn sync_volume(pass: &mut Pass, volume: &Object) {
    let store = pass.ctx.store;
    let r = volume.spec().at("claimRef");
    if r.is_null() || r.str_at("uid").unwrap_or("").is_empty() {
        // Unused, or pre-bound to a claim that has not bound yet.
        set_volume_phase(pass, volume, "Available");
        return;
    }
    let claim = store
        .get(
            Kind::PersistentVolumeClaim,
            r.str_at("namespace").unwrap_or(""),
            r.str_at("name").unwrap_or(""),
        )
        .filter(|c| Some(c.meta.uid.as_str()) == r.str_at("uid"));
    let Some(claim) = claim else {
        // The claim is gone: release, then apply the reclaim policy.
        let released = if matches!(phase(volume), "Released" | "Failed") {
            volume.clone()
        } else {
            with_volume_phase(volume, "Released", pass.ctx.now)
        };
        reclaim_volume(pass, volume, released);
        return;
    };
    let claimed = claim.spec().str_at("volumeName").unwrap_or("");
    if claimed.is_empty() {
        // Binding not finished; the claim sync completes it.
    } else if claimed == volume.name() {
        set_volume_phase(pass, volume, "Bound");
    } else if volume
        .meta
        .annotations
        .contains_key(ANN_DYNAMICALLY_PROVISIONED)
        && reclaim_policy(volume) == "Delete"
    {
        // Provisioned for a claim that got bound elsewhere: not needed.
        let released = if matches!(phase(volume), "Released" | "Failed") {
            volume.clone()
        } else {
            with_volume_phase(volume, "Released", pass.ctx.now)
        };
        reclaim_volume(pass, volume, released);
    } else {
        unbind_volume(pass, volume);
    }
}

use crate::sim::api::reclaim_policy;

/// `unbindVolume`: a controller-made binding is undone; a user's
/// pre-binding keeps its name and loses only the uid.
pub(super) fn unbind_volume(pass: &mut Pass, volume: &Object) {
    let mut v = volume.clone();
    if v.meta.annotations.remove(ANN_BOUND_BY_CONTROLLER).is_some() {
        if let Some(m) = v.spec_mut().as_object_mut() {
            m.remove("claimRef");
        }
    } else {
        set_at(v.spec_mut(), "claimRef.uid", "".into());
    }
    let v = with_volume_phase(&v, "Available", pass.ctx.now);
    pass.update(v);
}

/// Why the in-tree deleter refuses a static PV, or `None` when it deletes
/// it. Of the plugins a controller-manager loads only hostPath can delete,
/// and its deleter (`hostPathDeleter.Delete`, meant for tests) removes only
/// a path its unanchored `/tmp/.+` pattern matches.
pub(super) fn static_delete_error(volume: &Object) -> Option<String> {
    let Some(path) = volume.spec().at("hostPath").str_at("path") else {
        return Some(format!(
            "error getting deleter volume plugin for volume \"{}\": no deletable volume plugin matched",
            volume.name()
        ));
    };
    let under_tmp = path
        .match_indices("/tmp/")
        .any(|(i, _)| path[i + 5..].chars().next().is_some_and(|c| c != '\n'));
    (!under_tmp)
        .then(|| format!("host_path deleter only supports /tmp/.+ but received provided {path}"))
}

/// `reclaimVolume`. `released` is the volume with phase Released (or its
/// earlier Failed) already set.
pub(super) fn reclaim_volume(pass: &mut Pass, original: &Object, released: Object) {
    match reclaim_policy(&released) {
        "Retain" => {
            if released != *original {
                pass.update(released);
            }
        }
        "Delete" => {
            if released.meta.deletion_timestamp.is_some() {
                if released != *original {
                    pass.update(released);
                }
                return;
            }
            let provisioner = released
                .meta
                .annotations
                .get(ANN_DYNAMICALLY_PROVISIONED)
                .cloned();
            let class = volume_class(&released);
            match provisioner {
                // A static PV: `doDeleteVolume` with the in-tree plugin its
                // source names (`findDeletablePlugin` by spec).
                None => match static_delete_error(original) {
                    Some(msg) => set_volume_phase_with_event(
                        pass,
                        original,
                        "Failed",
                        "VolumeFailedDelete",
                        &msg,
                    ),
                    None => {
                        if released != *original {
                            pass.update(released);
                        }
                        pass.out.delete(original);
                    }
                },
                // The external provisioner (its `shouldDelete`) deletes
                // only a volume it sees Released: the phase is written
                // first, and `kubectl get pv` shows it until the delete.
                Some(_) if released != *original => pass.update(released),
                Some(_) if phase(original) != "Released" => {}
                Some(_) if pass.ctx.faults.broken_classes.contains(&class) => {
                    // It leaves the phase alone and retries (upstream with
                    // exponential back-off).
                    pass.out.event(
                        original,
                        true,
                        "VolumeFailedDelete",
                        "rpc error: code = Unavailable desc = provisioner is not responding",
                    );
                    pass.out
                        .retry_at(pass.ctx.now + pass.ctx.config.timings.provision_ms.max(1));
                }
                Some(_) => {
                    // The storage is deleted, then the PV: a provisioner's
                    // round trip (`timings.provision_ms`) after the volume
                    // went Released.
                    let released_at = original
                        .status()
                        .str_at("lastPhaseTransitionTime")
                        .and_then(parse_rfc3339)
                        .unwrap_or(pass.ctx.now);
                    let due = released_at + pass.ctx.config.timings.provision_ms;
                    if pass.ctx.now < due {
                        pass.out.wake(due);
                    } else {
                        pass.out.delete(original);
                    }
                }
            }
        }
        // Deprecated; only the hostPath and NFS plugins can recycle
        // (`rm -rf` in a recycler pod), then the PV is Available again.
        "Recycle"
            if ["hostPath", "nfs"]
                .iter()
                .any(|k| !original.spec().at(k).is_null()) =>
        {
            if released != *original {
                // Released is written first; the recycler runs next pass.
                pass.update(released);
                return;
            }
            pass.out
                .event(original, false, "VolumeRecycled", "Volume recycled");
            unbind_volume(pass, original);
        }
        "Recycle" => set_volume_phase_with_event(
            pass,
            original,
            "Failed",
            "VolumeFailedRecycle",
            "No recycler plugin found for the volume!",
        ),
        _ => set_volume_phase_with_event(
            pass,
            original,
            "Failed",
            "VolumeUnknownReclaimPolicy",
            "Volume has unrecognized PersistentVolumeReclaimPolicy",
        ),
    }
}
