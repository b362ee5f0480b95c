//! The pod control's claim rules (`pod_control.rs`, upstream
//! `stateful_pod_control.go`): the retention policy's owner references,
//! claims being deleted, pods whose claim volume cannot be fixed.

use super::*;

#[test]
fn retention_when_scaled_delete_removes_claims_of_condemned_pods() {
    let mut sim = Sim::new(7);
    apply(
        &mut sim,
        web(
            2,
            json!({"persistentVolumeClaimRetentionPolicy": {"whenScaled": "Delete", "whenDeleted": "Retain"}}),
        ),
    );
    ready_all(&mut sim);
    scale(&mut sim, 1);
    run(&mut sim);
    // The claim now belongs to the condemned pod, which is going.
    let p1 = pod(&sim, "web-1").unwrap().clone();
    let c = sim
        .store
        .get(Kind::PersistentVolumeClaim, "default", "www-web-1")
        .unwrap();
    assert!(c.meta.owner_references.iter().any(|r| r.uid == p1.meta.uid));
    assert!(p1.meta.deletion_timestamp.is_some());
    finish_termination(&mut sim, "web-1");
    run(&mut sim);
    // The GC deleted it (the protection finalizer holds it for the volume controller).
    let c = sim
        .store
        .get(Kind::PersistentVolumeClaim, "default", "www-web-1");
    assert!(c.is_none_or(|c| c.meta.deletion_timestamp.is_some()));
    let c0 = sim
        .store
        .get(Kind::PersistentVolumeClaim, "default", "www-web-0")
        .unwrap();
    assert!(c0.meta.deletion_timestamp.is_none());
    assert!(c0.meta.owner_references.is_empty());
}

#[test]
fn retention_when_deleted_delete_gives_claims_to_the_set() {
    let mut sim = Sim::new(7);
    apply(
        &mut sim,
        web(
            1,
            json!({"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Delete"}}),
        ),
    );
    ready_all(&mut sim);
    let s = set(&sim);
    let c = sim
        .store
        .get(Kind::PersistentVolumeClaim, "default", "www-web-0")
        .unwrap();
    assert!(c.meta.owner_references.iter().any(|r| r.uid == s.meta.uid));
    api::delete(
        &mut sim,
        &s.key(),
        DeleteOptions {
            propagation: Propagation::Background,
            ..Default::default()
        },
        "test",
    )
    .unwrap();
    run(&mut sim);
    assert!(pod(&sim, "web-0")
        .unwrap()
        .meta
        .deletion_timestamp
        .is_some());
    let c = sim
        .store
        .get(Kind::PersistentVolumeClaim, "default", "www-web-0");
    assert!(c.is_none_or(|c| c.meta.deletion_timestamp.is_some()));
}

#[test]
fn default_retain_keeps_claims_after_the_set_is_deleted() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(1, json!({})));
    ready_all(&mut sim);
    let s = set(&sim);
    api::delete(&mut sim, &s.key(), DeleteOptions::default(), "test").unwrap();
    run(&mut sim);
    finish_termination(&mut sim, "web-0");
    run(&mut sim);
    assert!(pods(&sim).is_empty());
    assert_eq!(claims(&sim), vec!["www-web-0"]);
}

#[test]
fn a_claim_being_deleted_fails_the_pod_creation() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(1, json!({})));
    run(&mut sim);
    // Terminating claim (held by its protection finalizer) and no pod.
    api::delete(
        &mut sim,
        &Key::new(Kind::PersistentVolumeClaim, "default", "www-web-0"),
        DeleteOptions::default(),
        "test",
    )
    .unwrap();
    let p = pod(&sim, "web-0").unwrap().clone();
    api::delete(&mut sim, &p.key(), DeleteOptions::default(), "test").unwrap();
    run(&mut sim);
    assert!(pods(&sim).is_empty());
    assert!(events(&sim).iter().any(|e| e
        == "FailedCreate create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being deleted"));
}

#[test]
fn an_adopted_pod_without_the_claim_volume_cannot_be_fixed() {
    let mut sim = Sim::new(7);
    apply(
        &mut sim,
        json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web-0", "labels": {"app": "nginx"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}),
    );
    apply(&mut sim, web(1, json!({})));
    run(&mut sim);
    make_running_and_ready(&mut sim, "web-0");
    run(&mut sim);
    // The claim is made, but a pod's volumes are immutable.
    assert_eq!(claims(&sim), vec!["www-web-0"]);
    assert!(events(&sim).iter().any(|e| e.starts_with(
        "FailedUpdate update Pod web-0 in StatefulSet web failed error: Pod \"web-0\" is invalid"
    )));
    assert!(!pod(&sim, "web-0")
        .unwrap()
        .meta
        .labels
        .contains_key(POD_NAME_LABEL));
}

#[test]
fn changing_the_retention_policy_updates_existing_claims() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(2, json!({})));
    ready_all(&mut sim);
    let mut s = set(&sim);
    set_at(
        s.spec_mut(),
        "persistentVolumeClaimRetentionPolicy",
        json!({"whenDeleted": "Delete", "whenScaled": "Retain"}),
    );
    api::update(&mut sim, s, "test").unwrap();
    run(&mut sim);
    let uid = set(&sim).meta.uid.clone();
    for c in ["www-web-0", "www-web-1"] {
        let claim = sim
            .store
            .get(Kind::PersistentVolumeClaim, "default", c)
            .unwrap();
        assert!(claim
            .meta
            .owner_references
            .iter()
            .any(|r| r.uid == uid && r.controller));
    }
    assert!(events(&sim)
        .contains(&"SuccessfulUpdate update Pod web-1 in StatefulSet web successful".to_string()));
}

/// The set's validation skips its template's pod spec, so the API server
/// refuses the pod instead: the claims are made, the pod is not, and a
/// FailedCreate event quotes the pod's field errors.
#[test]
fn an_invalid_pod_spec_fails_the_pod_create_not_the_set() {
    let mut sim = Sim::new(7);
    let mut v = web(1, json!({}));
    let containers = &mut v["spec"]["template"]["spec"]["containers"];
    containers[0]["ports"] = json!([{"containerPort": 70000}]);
    let dup = containers[0].clone();
    containers.as_array_mut().unwrap().push(dup);
    apply(&mut sim, v);
    run(&mut sim);
    assert!(pods(&sim).is_empty());
    assert_eq!(claims(&sim), vec!["www-web-0"]);
    assert!(events(&sim).contains(
        &"FailedCreate create Pod web-0 in StatefulSet web failed error: Pod \"web-0\" is invalid: \
          [spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive, \
          spec.containers[1].name: Duplicate value: \"nginx\", \
          spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive]"
            .to_string()
    ), "{:?}", events(&sim));
}

/// A set name that is a valid DNS label can still be too long for its
/// pods: the revision hash label and the hostname exceed 63 characters.
#[test]
fn a_long_set_name_fails_the_pod_create() {
    let mut sim = Sim::new(7);
    let name = "a".repeat(62);
    let mut v = web(1, json!({}));
    v["metadata"]["name"] = json!(name);
    apply(&mut sim, v);
    run(&mut sim);
    assert!(pods(&sim).is_empty());
    let ev = events(&sim);
    let failed = ev.iter().find(|e| e.starts_with("FailedCreate")).unwrap();
    assert!(
        failed.contains(&format!(
            "spec.hostname: Invalid value: \"{name}-0\": must be no more than 63 characters"
        )),
        "{failed}"
    );
    assert!(
        failed.contains("metadata.labels: Invalid value: "),
        "{failed}"
    );
}

/// A Parallel pass creates in upstream's slow-start batches (1, 2, 4, ...)
/// and stops after a batch with a failed create: a pod spec the API server
/// refuses is one FailedCreate (for the first pod) per pass, not one per
/// replica.
#[test]
fn a_parallel_pass_stops_after_the_batch_that_failed() {
    let mut sim = Sim::new(7);
    let mut v = web(3, json!({"podManagementPolicy": "Parallel"}));
    let containers = &mut v["spec"]["template"]["spec"]["containers"];
    let dup = containers[0].clone();
    containers.as_array_mut().unwrap().push(dup);
    apply(&mut sim, v);
    run(&mut sim);
    assert!(pods(&sim).is_empty());
    let failed: Vec<String> = events(&sim)
        .into_iter()
        .filter(|e| e.starts_with("FailedCreate"))
        .collect();
    assert!(!failed.is_empty());
    assert!(
        failed
            .iter()
            .all(|e| e.starts_with("FailedCreate create Pod web-0 ")),
        "{failed:?}"
    );
    // The first batch's claim only: the others were never tried.
    assert_eq!(claims(&sim), vec!["www-web-0"]);
}

/// A pod released by the set (its labels no longer match) keeps its name:
/// creating the replacement is AlreadyExists, which upstream's
/// CreateStatefulPod returns without recording an event.
#[test]
fn a_released_pod_of_the_same_name_blocks_its_replacement_silently() {
    use crate::sim::session::Input;
    let mut sim = Sim::new(7);
    apply(&mut sim, web(2, json!({})));
    let mut k = |line: &str| {
        sim.input(Input::Kubectl {
            line: line.into(),
            files: vec![],
        })
    };
    k("kubectl rollout status sts/web").unwrap();
    k("kubectl label pod web-1 app=debug --overwrite").unwrap();
    sim.advance(5_000);
    let p = pod(&sim, "web-1").unwrap();
    assert!(p.meta.owner_references.is_empty(), "released");
    // Occurrences of the event, counting the recorder's repeats.
    let creates: u32 = sim
        .log
        .iter()
        .filter(|e| e.action == Action::Recorded && e.reason == "SuccessfulCreate")
        .filter(|e| e.message.starts_with("create Pod web-1 "))
        .map(|e| sim.event_count(e).0)
        .sum();
    assert_eq!(creates, 1);
}
