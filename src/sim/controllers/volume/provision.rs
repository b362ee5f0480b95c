//! Dynamic provisioning: upstream's `provisionClaim` and the simulated
//! external provisioner that serves it.

use super::*;

/// `provisionClaim` plus the external provisioner's side. Every
/// provisioner name except `kubernetes.io/no-provisioner` is served by the
/// simulated provisioner, which takes `timings.provision_ms` counted from
/// the claim's creation (the sim keeps no other clock for it).
pub(super) fn provision_claim(pass: &mut Pass, claim: &Object, class_name: &str) {
    let store = pass.ctx.store;
    let Some(class) = store.get(Kind::StorageClass, "", class_name) else {
        pass.out.event(
            claim,
            true,
            "ProvisioningFailed",
            format!("storageclass.storage.k8s.io \"{class_name}\" not found"),
        );
        wake_for_resync(pass, claim);
        set_claim_phase(pass, claim, "Pending", None);
        return;
    };
    let provisioner = class.field("provisioner").as_str().unwrap_or("");
    // Upstream repeats these events on every resync ("x4 over 22s"); the
    // sim says them once, when the claim is handed to the provisioner.
    let first = claim
        .meta
        .annotations
        .get(ANN_STORAGE_PROVISIONER)
        .map(String::as_str)
        != Some(provisioner);
    // `setClaimProvisioner`: tell external provisioners the claim is theirs.
    let mut c = with_claim_status(claim, "Pending", None);
    for a in [ANN_STORAGE_PROVISIONER, ANN_BETA_STORAGE_PROVISIONER] {
        c.meta.annotations.insert(a.into(), provisioner.into());
    }
    if c != *claim {
        pass.update(c);
    }
    if first {
        pass.out.event(
            claim,
            false,
            "ExternalProvisioning",
            format!(
            "Waiting for a volume to be created either by the external provisioner '{provisioner}' \
             or manually by the system administrator. If volume creation is delayed, please verify \
             that the provisioner is running and correctly registered."
        ),
        );
    }
    if provisioner == NOT_SUPPORTED_PROVISIONER {
        return;
    }
    // The external provisioner (sig-storage-lib-external-provisioner).
    let pv_name = format!("pvc-{}", claim.meta.uid);
    if store.get(Kind::PersistentVolume, "", &pv_name).is_some() {
        // Already provisioned; the next claim sync binds it.
        return;
    }
    if first {
        pass.out.event(
            claim,
            false,
            "Provisioning",
            format!(
                "External provisioner is provisioning volume for claim \"{}/{}\"",
                claim.namespace(),
                claim.name()
            ),
        );
    }
    let now = pass.ctx.now;
    if !claim.spec().at("selector").is_null() {
        // External provisioners refuse claims that select PVs by label.
        pass.out.event(
            claim,
            true,
            "ProvisioningFailed",
            format!("failed to provision volume with StorageClass \"{class_name}\": claim Selector is not supported"),
        );
        return;
    }
    let ready_at = claim.meta.creation_timestamp + pass.ctx.config.timings.provision_ms;
    if pass.ctx.faults.broken_classes.contains(class_name) {
        pass.out.event(
            claim,
            true,
            "ProvisioningFailed",
            format!(
                "failed to provision volume with StorageClass \"{class_name}\": rpc error: \
                 code = Unavailable desc = provisioner {provisioner} is not responding"
            ),
        );
        // The provisioner retries (upstream with exponential back-off).
        pass.out
            .retry_at(now + pass.ctx.config.timings.provision_ms.max(1));
        return;
    }
    if now < ready_at {
        pass.out.wake(ready_at);
        return;
    }
    let selected_node = claim.meta.annotations.get(ANN_SELECTED_NODE).cloned();
    let pv = provisioned_volume(claim, class, &pv_name, selected_node.as_deref());
    pass.out.create(pv);
    pass.out.event(
        claim,
        false,
        "ProvisioningSucceeded",
        format!("Successfully provisioned volume {pv_name}"),
    );
}

/// The PV the simulated provisioner creates: a host-path volume (pinned to
/// the selected node for WaitForFirstConsumer, like local-path).
pub(super) fn provisioned_volume(
    claim: &Object,
    class: &Object,
    name: &str,
    selected_node: Option<&str>,
) -> Object {
    let mut pv = Object::new(Kind::PersistentVolume, "", name);
    let provisioner = class.field("provisioner").as_str().unwrap_or("");
    pv.meta
        .annotations
        .insert(ANN_DYNAMICALLY_PROVISIONED.into(), provisioner.into());
    let request = claim.spec().at("resources.requests.storage").clone();
    let mut spec = json!({
        "accessModes": claim.spec().at("accessModes").clone(),
        "capacity": {"storage": request},
        "claimRef": claim_ref(claim),
        "hostPath": {
            "path": format!("/var/lib/ordinal/hostpath/{}_{}_{}", claim.namespace(), claim.name(), name),
            "type": "DirectoryOrCreate",
        },
        "persistentVolumeReclaimPolicy": class.field("reclaimPolicy").as_str().unwrap_or("Delete"),
        "storageClassName": class.name(),
        "volumeMode": claim.spec().str_at("volumeMode").unwrap_or("Filesystem"),
    });
    if let Some(opts) = class.field("mountOptions").as_array() {
        spec["mountOptions"] = Value::Array(opts.clone());
    }
    if let Some(node) = selected_node {
        spec["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}
        ]}});
    }
    pv.body.insert("spec".into(), spec);
    // The API server creates PVs in phase Pending.
    pv.body.insert("status".into(), json!({"phase": "Pending"}));
    pv
}
