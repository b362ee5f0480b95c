//! Helpers named as upstream's storage helpers (`component-helpers/storage/volume`,
//! `pv_controller.go`'s claim checks): quantities, classes, access and volume
//! modes, node affinity and `FindMatchingVolume`.

use super::*;

// ---- quantities -------------------------------------------------------

/// A value (string or number) as a quantity; missing counts as zero.
pub(super) fn quantity(v: &Value) -> u128 {
    match v {
        Value::String(s) => crate::sim::quantity::value(s).unwrap_or(0),
        Value::Number(n) => n.as_f64().map_or(0, |f| f.max(0.0).ceil() as u128),
        _ => 0,
    }
}

pub(super) fn requested_storage(claim: &Object) -> u128 {
    quantity(claim.spec().at("resources.requests.storage"))
}

pub(super) fn volume_capacity(pv: &Object) -> u128 {
    quantity(pv.spec().at("capacity.storage"))
}

// ---- helpers named as upstream's storagehelpers ---------------------------

/// `GetPersistentVolumeClaimClass`: the beta annotation wins, then
/// `spec.storageClassName`, else "".
pub fn claim_class(claim: &Object) -> String {
    if let Some(c) = claim.meta.annotations.get(ANN_BETA_STORAGE_CLASS) {
        return c.clone();
    }
    claim
        .spec()
        .str_at("storageClassName")
        .unwrap_or("")
        .to_string()
}

/// `GetPersistentVolumeClass`.
pub fn volume_class(pv: &Object) -> String {
    if let Some(c) = pv.meta.annotations.get(ANN_BETA_STORAGE_CLASS) {
        return c.clone();
    }
    pv.spec()
        .str_at("storageClassName")
        .unwrap_or("")
        .to_string()
}

pub(super) fn access_modes(v: &Value) -> Vec<String> {
    v.array_at("accessModes")
        .iter()
        .filter_map(|m| m.as_str().map(String::from))
        .collect()
}

/// `CheckAccessModes`: the PV offers every mode the claim asks for.
pub fn check_access_modes(claim: &Object, pv: &Object) -> bool {
    let offered = access_modes(pv.spec());
    access_modes(claim.spec())
        .iter()
        .all(|m| offered.contains(m))
}

/// `CheckVolumeModeMismatches` (both default to Filesystem).
pub fn volume_mode_mismatch(claim: &Object, pv: &Object) -> bool {
    let c = claim.spec().str_at("volumeMode").unwrap_or("Filesystem");
    let v = pv.spec().str_at("volumeMode").unwrap_or("Filesystem");
    c != v
}

/// `IsVolumeBoundToClaim`: the PV's claimRef names this claim (and its uid,
/// when the claimRef carries one).
pub fn is_volume_bound_to_claim(pv: &Object, claim: &Object) -> bool {
    let r = pv.spec().at("claimRef");
    if r.is_null() {
        return false;
    }
    if r.str_at("name") != Some(claim.name()) || r.str_at("namespace") != Some(claim.namespace()) {
        return false;
    }
    match r.str_at("uid") {
        Some(uid) if !uid.is_empty() => uid == claim.meta.uid,
        _ => true,
    }
}

pub(super) fn phase(o: &Object) -> &str {
    o.status().str_at("phase").unwrap_or("")
}

/// `CheckNodeAffinity`: a PV's `spec.nodeAffinity.required` node selector
/// terms (ORed; expressions in a term ANDed) against a node's labels.
pub fn check_node_affinity(pv: &Object, node: &Object) -> bool {
    let terms = pv
        .spec()
        .array_at("nodeAffinity.required.nodeSelectorTerms");
    if pv.spec().at("nodeAffinity.required").is_null() {
        return true;
    }
    terms
        .iter()
        .any(|t| crate::sim::nodeaffinity::node_selector_term_matches(t, node))
}

/// `FindMatchingVolume`: a PV pre-bound to the claim wins; otherwise the
/// smallest Available PV that fits (capacity, class, selector, volumeMode,
/// node affinity and, on the scheduler path, access modes). `node` is set
/// on the scheduler path (WaitForFirstConsumer); `delay_binding` on the
/// controller path for WaitForFirstConsumer claims, where only pre-bound
/// PVs may match. Ties in size go to the lower name (upstream leaves the
/// order to its cache; we make it deterministic).
pub fn find_matching_volume<'a>(
    claim: &Object,
    volumes: &[&'a Object],
    node: Option<&Object>,
    excluded: &BTreeSet<String>,
    delay_binding: bool,
) -> Option<&'a Object> {
    let requested = requested_storage(claim);
    let requested_class = claim_class(claim);
    let selector = Selector::from_value(claim.spec().at("selector"))
        .ok()
        .flatten();
    let mut smallest: Option<(&Object, u128)> = None;
    for &volume in volumes {
        if excluded.contains(volume.name()) {
            continue;
        }
        let bound_to_claim = is_volume_bound_to_claim(volume, claim);
        if !volume.spec().at("claimRef").is_null() && !bound_to_claim {
            continue;
        }
        let qty = volume_capacity(volume);
        if qty < requested {
            continue;
        }
        if volume_mode_mismatch(claim, volume) {
            continue;
        }
        if volume.meta.deletion_timestamp.is_some() {
            continue;
        }
        let affinity_ok = node.is_none_or(|n| check_node_affinity(volume, n));
        if bound_to_claim {
            // A pre-bound PV that does not suit this node: no match at all.
            return affinity_ok.then_some(volume);
        }
        if node.is_none() && delay_binding {
            continue;
        }
        if phase(volume) != "Available" {
            continue;
        }
        if let Some(sel) = &selector {
            if !sel.matches(&volume.meta.labels) {
                continue;
            }
        }
        if volume_class(volume) != requested_class || !affinity_ok {
            continue;
        }
        if node.is_some() && !check_access_modes(claim, volume) {
            continue;
        }
        let better = match smallest {
            None => true,
            Some((s, sq)) => qty < sq || (qty == sq && volume.name() < s.name()),
        };
        if better {
            smallest = Some((volume, qty));
        }
    }
    smallest.map(|(v, _)| v)
}

/// `checkVolumeSatisfyClaim` for a claim that names its volume.
pub fn check_volume_satisfy_claim(pv: &Object, claim: &Object) -> Result<(), String> {
    if pv.meta.deletion_timestamp.is_some() {
        return Err(format!(
            "the volume is marked for deletion \"{}\"",
            pv.name()
        ));
    }
    if volume_capacity(pv) < requested_storage(claim) {
        return Err("requested PV is too small".into());
    }
    if volume_class(pv) != claim_class(claim) {
        return Err("storageClassName does not match".into());
    }
    if volume_mode_mismatch(claim, pv) {
        return Err("incompatible volumeMode".into());
    }
    if !check_access_modes(claim, pv) {
        return Err("incompatible accessMode".into());
    }
    Ok(())
}

/// The default StorageClass as upstream's `GetDefaultClass` picks it: the
/// newest class marked default (then by name).
pub fn default_class(store: &Store) -> Option<&Object> {
    store
        .list(Kind::StorageClass)
        .filter(|c| {
            [ANN_IS_DEFAULT_CLASS, ANN_BETA_IS_DEFAULT_CLASS]
                .iter()
                .any(|a| c.meta.annotations.get(*a).map(String::as_str) == Some("true"))
        })
        .max_by(|a, b| {
            a.meta
                .creation_timestamp
                .cmp(&b.meta.creation_timestamp)
                .then_with(|| b.name().cmp(a.name()))
        })
}

pub(super) fn is_delay_binding_mode(store: &Store, class: &str) -> bool {
    if class.is_empty() {
        return false;
    }
    store
        .get(Kind::StorageClass, "", class)
        .and_then(|c| c.field("volumeBindingMode").as_str())
        == Some("WaitForFirstConsumer")
}
