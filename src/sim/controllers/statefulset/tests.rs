//! Upstream's StatefulSet rules, one by one, driven against the store with
//! pod progress written by hand (the kubelet is not involved).

use super::*;
use crate::sim::api::{self, DeleteOptions};
use crate::sim::controllers::{gc, Propagation};
use crate::sim::engine::{Action, Sim};
use crate::sim::object::rfc3339;

pub(crate) use crate::sim::testutil::{apply, make_running_and_ready, run_with};

mod history;
mod pod_control;

pub(crate) fn web(replicas: i64, extra: Value) -> Value {
    let mut v = json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "serviceName": "nginx",
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {
                    "containers": [{"name": "nginx", "image": "nginx:1.25",
                        "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}],
                    "volumes": [{"name": "www", "emptyDir": {}}, {"name": "cfg", "emptyDir": {}}]
                }
            },
            "volumeClaimTemplates": [{
                "metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
            }]
        }
    });
    if let (Some(spec), Some(extra)) = (v["spec"].as_object_mut(), extra.as_object()) {
        for (k, x) in extra {
            spec.insert(k.clone(), x.clone());
        }
    }
    v
}

/// Runs the given controllers until none of them writes anything.
fn run(sim: &mut Sim) {
    run_with(sim, &[super::sync, gc::sync]);
}

fn pod<'a>(sim: &'a Sim, name: &str) -> Option<&'a Object> {
    sim.store.get(Kind::Pod, "default", name)
}

fn pods(sim: &Sim) -> Vec<String> {
    sim.store
        .list_ns(Kind::Pod, "default")
        .map(|p| p.meta.name.clone())
        .collect()
}

fn claims(sim: &Sim) -> Vec<String> {
    sim.store
        .list_ns(Kind::PersistentVolumeClaim, "default")
        .map(|p| p.meta.name.clone())
        .collect()
}

fn set(sim: &Sim) -> Object {
    sim.store
        .get(Kind::StatefulSet, "default", "web")
        .unwrap()
        .clone()
}

/// What the kubelet would report: scheduled, Running, Ready since now.
fn set_phase(sim: &mut Sim, name: &str, phase: &str, ready: bool) {
    let mut p = sim.store.get(Kind::Pod, "default", name).unwrap().clone();
    set_at(p.spec_mut(), "nodeName", json!("node-1"));
    let st = if ready { "True" } else { "False" };
    p.body.insert(
        "status".into(),
        json!({"phase": phase, "conditions": [
            {"type": "Ready", "status": st, "lastTransitionTime": rfc3339(sim.now)}]}),
    );
    api::update(sim, p, "kubelet").unwrap();
}

/// The kubelet confirming a terminating pod's containers stopped.
pub(crate) fn finish_termination(sim: &mut Sim, name: &str) {
    let mut p = sim.store.get(Kind::Pod, "default", name).unwrap().clone();
    assert!(
        p.meta.deletion_timestamp.is_some(),
        "{name} is not terminating"
    );
    p.meta.deletion_grace_period_seconds = Some(0);
    api::update(sim, p, "kubelet").unwrap();
}

fn ready_all(sim: &mut Sim) {
    // Bring pods up one at a time, as OrderedReady allows.
    for _ in 0..50 {
        run(sim);
        let not_ready: Vec<String> = sim
            .store
            .list_ns(Kind::Pod, "default")
            .filter(|p| !is_running_and_ready(p) && p.meta.deletion_timestamp.is_none())
            .map(|p| p.meta.name.clone())
            .collect();
        if not_ready.is_empty() {
            run(sim);
            return;
        }
        for n in not_ready {
            make_running_and_ready(sim, &n);
        }
    }
}

fn scale(sim: &mut Sim, replicas: i64) {
    let mut s = set(sim);
    set_at(s.spec_mut(), "replicas", json!(replicas));
    api::update(sim, s, "test").unwrap();
}

fn set_image(sim: &mut Sim, image: &str) {
    let mut s = set(sim);
    // Indexed into the array: `set_at`'s `0` would make an object of the
    // list, a template whose pods the API server refuses.
    s.spec_mut()["template"]["spec"]["containers"][0]["image"] = json!(image);
    api::update(sim, s, "test").unwrap();
}

fn delete_pod(sim: &mut Sim, name: &str) {
    api::delete(
        sim,
        &Key::new(Kind::Pod, "default", name),
        DeleteOptions::default(),
        "test",
    )
    .unwrap();
}

fn image_of(sim: &Sim, name: &str) -> String {
    pod(sim, name)
        .unwrap()
        .spec()
        .str_at("containers.0.image")
        .unwrap()
        .to_string()
}

fn events(sim: &Sim) -> Vec<String> {
    sim.log
        .iter()
        .filter(|e| e.action == Action::Recorded)
        .map(|e| format!("{} {}", e.reason, e.message))
        .collect()
}

#[test]
fn ordered_ready_creates_lowest_ordinal_first_and_waits() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(3, json!({})));
    run(&mut sim);
    assert_eq!(pods(&sim), vec!["web-0"]);
    assert_eq!(claims(&sim), vec!["www-web-0"]);
    assert_eq!(
        waiting_on(&sim.store, &set(&sim)),
        Some((
            "web-0".to_string(),
            "waiting for web-0 to be Running and Ready".to_string()
        ))
    );
    // Running but not Ready still blocks.
    set_phase(&mut sim, "web-0", "Running", false);
    run(&mut sim);
    assert_eq!(pods(&sim), vec!["web-0"]);
    make_running_and_ready(&mut sim, "web-0");
    run(&mut sim);
    assert_eq!(pods(&sim), vec!["web-0", "web-1"]);
    make_running_and_ready(&mut sim, "web-1");
    run(&mut sim);
    assert_eq!(pods(&sim), vec!["web-0", "web-1", "web-2"]);
    let ev = events(&sim);
    let i_claim = ev
        .iter()
        .position(|e| {
            e == "SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success"
        })
        .unwrap();
    let i_pod = ev
        .iter()
        .position(|e| e == "SuccessfulCreate create Pod web-0 in StatefulSet web successful")
        .unwrap();
    assert!(i_claim < i_pod, "claim before pod: {ev:?}");
}

/// `updateIdentity` adds the index label only with `PodIndexLabel` on.
#[test]
fn pod_index_label_follows_its_gate() {
    let mut config = crate::sim::Config::default();
    config
        .feature_gates
        .set(crate::sim::features::POD_INDEX_LABEL, false)
        .unwrap();
    let mut sim = Sim::with_config(7, config);
    apply(&mut sim, web(2, json!({"podManagementPolicy": "Parallel"})));
    run(&mut sim);
    for name in ["web-0", "web-1"] {
        let p = pod(&sim, name).unwrap();
        assert_eq!(p.meta.labels[POD_NAME_LABEL], name);
        assert!(!p.meta.labels.contains_key(POD_INDEX_LABEL), "{name}");
    }
}

#[test]
fn pod_identity_storage_and_ownership() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(1, json!({})));
    run(&mut sim);
    let s = set(&sim);
    let p = pod(&sim, "web-0").unwrap();
    assert_eq!(p.spec().str_at("hostname"), Some("web-0"));
    assert_eq!(p.spec().str_at("subdomain"), Some("nginx"));
    assert_eq!(p.meta.labels[POD_NAME_LABEL], "web-0");
    assert_eq!(p.meta.labels[POD_INDEX_LABEL], "0");
    assert_eq!(p.meta.labels["app"], "nginx");
    assert_eq!(
        p.meta.labels[REVISION_LABEL],
        s.status().str_at("updateRevision").unwrap()
    );
    assert!(p.meta.labels[REVISION_LABEL].starts_with("web-"));
    assert!(p.meta.is_owned_by(&s.meta.uid));
    // The template volume named like the claim template is replaced.
    let vols = p.spec().array_at("volumes");
    assert_eq!(vols.len(), 2);
    assert_eq!(
        vols[0],
        json!({"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}})
    );
    assert_eq!(vols[1].str_at("name"), Some("cfg"));
    let c = sim
        .store
        .get(Kind::PersistentVolumeClaim, "default", "www-web-0")
        .unwrap();
    assert_eq!(c.meta.labels.get("app").map(String::as_str), Some("nginx"));
    // Retain/Retain: the claim has no owner.
    assert!(c.meta.owner_references.is_empty());
    assert_eq!(c.spec().str_at("resources.requests.storage"), Some("1Gi"));
}

#[test]
fn failed_pod_is_deleted_and_recreated_under_the_same_name() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(2, json!({})));
    ready_all(&mut sim);
    let old_uid = pod(&sim, "web-0").unwrap().meta.uid.clone();
    set_phase(&mut sim, "web-0", "Failed", false);
    run(&mut sim);
    // Scheduled, so deletion is graceful: the kubelet finishes it.
    let p = pod(&sim, "web-0").unwrap();
    assert!(p.meta.deletion_timestamp.is_some());
    finish_termination(&mut sim, "web-0");
    run(&mut sim);
    let p = pod(&sim, "web-0").unwrap();
    assert_ne!(p.meta.uid, old_uid);
    assert!(p.meta.deletion_timestamp.is_none());
    assert!(events(&sim)
        .contains(&"SuccessfulDelete delete Pod web-0 in StatefulSet web successful".to_string()));
    // The claim was kept and is mounted again.
    assert_eq!(claims(&sim), vec!["www-web-0", "www-web-1"]);
}

#[test]
fn terminating_pod_blocks_ordered_ready() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(2, json!({})));
    ready_all(&mut sim);
    delete_pod(&mut sim, "web-0");
    scale(&mut sim, 3);
    run(&mut sim);
    assert_eq!(pods(&sim), vec!["web-0", "web-1"]);
    assert_eq!(
        waiting_on(&sim.store, &set(&sim)).unwrap().1,
        "waiting for web-0 to terminate"
    );
    finish_termination(&mut sim, "web-0");
    run(&mut sim);
    // web-0 comes back first; web-2 waits for it.
    assert_eq!(pods(&sim), vec!["web-0", "web-1"]);
    make_running_and_ready(&mut sim, "web-0");
    run(&mut sim);
    assert_eq!(pods(&sim), vec!["web-0", "web-1", "web-2"]);
}

#[test]
fn scale_down_one_at_a_time_from_the_highest_and_keeps_claims() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(4, json!({})));
    ready_all(&mut sim);
    assert_eq!(pods(&sim).len(), 4);
    scale(&mut sim, 2);
    run(&mut sim);
    assert!(pod(&sim, "web-3")
        .unwrap()
        .meta
        .deletion_timestamp
        .is_some());
    assert!(pod(&sim, "web-2")
        .unwrap()
        .meta
        .deletion_timestamp
        .is_none());
    assert_eq!(
        waiting_on(&sim.store, &set(&sim)).unwrap(),
        (
            "web-3".to_string(),
            "waiting for web-3 to terminate before scaling down".to_string()
        )
    );
    finish_termination(&mut sim, "web-3");
    run(&mut sim);
    assert!(pod(&sim, "web-2")
        .unwrap()
        .meta
        .deletion_timestamp
        .is_some());
    finish_termination(&mut sim, "web-2");
    run(&mut sim);
    assert_eq!(pods(&sim), vec!["web-0", "web-1"]);
    assert_eq!(claims(&sim).len(), 4, "Retain keeps claims");
    let st = set(&sim);
    assert_eq!(st.status().i64_at("replicas"), Some(2));
    assert_eq!(st.status().i64_at("readyReplicas"), Some(2));
}

#[test]
fn no_scale_down_while_another_pod_is_unhealthy() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(3, json!({})));
    ready_all(&mut sim);
    set_phase(&mut sim, "web-0", "Running", false);
    scale(&mut sim, 2);
    run(&mut sim);
    assert!(pod(&sim, "web-2")
        .unwrap()
        .meta
        .deletion_timestamp
        .is_none());
    make_running_and_ready(&mut sim, "web-0");
    run(&mut sim);
    assert!(pod(&sim, "web-2")
        .unwrap()
        .meta
        .deletion_timestamp
        .is_some());
}

#[test]
fn an_unhealthy_condemned_pod_is_removed_first() {
    // The first unhealthy pod may itself be the condemned one.
    let mut sim = Sim::new(7);
    apply(&mut sim, web(3, json!({})));
    ready_all(&mut sim);
    set_phase(&mut sim, "web-2", "Running", false);
    scale(&mut sim, 1);
    run(&mut sim);
    assert!(pod(&sim, "web-2")
        .unwrap()
        .meta
        .deletion_timestamp
        .is_some());
    assert!(pod(&sim, "web-1")
        .unwrap()
        .meta
        .deletion_timestamp
        .is_none());
}

#[test]
fn parallel_creates_and_deletes_without_waiting() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(3, json!({"podManagementPolicy": "Parallel"})));
    run(&mut sim);
    assert_eq!(pods(&sim), vec!["web-0", "web-1", "web-2"]);
    assert_eq!(waiting_on(&sim.store, &set(&sim)), None);
    for n in ["web-0", "web-1", "web-2"] {
        make_running_and_ready(&mut sim, n);
    }
    set_phase(&mut sim, "web-0", "Running", false);
    scale(&mut sim, 0);
    run(&mut sim);
    for n in ["web-1", "web-2"] {
        assert!(pod(&sim, n).unwrap().meta.deletion_timestamp.is_some());
    }
}

#[test]
fn rolling_update_goes_from_highest_ordinal_and_waits_for_ready() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(3, json!({})));
    ready_all(&mut sim);
    let rev1 = set(&sim)
        .status()
        .str_at("currentRevision")
        .unwrap()
        .to_string();
    set_image(&mut sim, "nginx:1.26");
    run(&mut sim);
    let st = set(&sim);
    let rev2 = st.status().str_at("updateRevision").unwrap().to_string();
    assert_ne!(rev1, rev2);
    assert_eq!(st.status().str_at("currentRevision"), Some(rev1.as_str()));
    assert!(pod(&sim, "web-2")
        .unwrap()
        .meta
        .deletion_timestamp
        .is_some());
    assert!(pod(&sim, "web-1")
        .unwrap()
        .meta
        .deletion_timestamp
        .is_none());
    finish_termination(&mut sim, "web-2");
    run(&mut sim);
    assert_eq!(image_of(&sim, "web-2"), "nginx:1.26");
    assert_eq!(
        pod(&sim, "web-2").unwrap().meta.labels[REVISION_LABEL],
        rev2
    );
    // web-1 waits for the new web-2 to be ready.
    assert!(pod(&sim, "web-1")
        .unwrap()
        .meta
        .deletion_timestamp
        .is_none());
    assert_eq!(
        waiting_on(&sim.store, &set(&sim)).unwrap().0,
        "web-2".to_string()
    );
    make_running_and_ready(&mut sim, "web-2");
    run(&mut sim);
    assert!(pod(&sim, "web-1")
        .unwrap()
        .meta
        .deletion_timestamp
        .is_some());
    finish_termination(&mut sim, "web-1");
    run(&mut sim);
    make_running_and_ready(&mut sim, "web-1");
    run(&mut sim);
    finish_termination(&mut sim, "web-0");
    run(&mut sim);
    make_running_and_ready(&mut sim, "web-0");
    run(&mut sim);
    let st = set(&sim);
    assert_eq!(st.status().str_at("currentRevision"), Some(rev2.as_str()));
    assert_eq!(st.status().i64_at("updatedReplicas"), Some(3));
    assert_eq!(st.status().i64_at("currentReplicas"), Some(3));
    for n in ["web-0", "web-1", "web-2"] {
        assert_eq!(image_of(&sim, n), "nginx:1.26");
    }
}

#[test]
fn partition_updates_only_ordinals_at_or_above_it() {
    let mut sim = Sim::new(7);
    apply(
        &mut sim,
        web(
            3,
            json!({"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}}),
        ),
    );
    ready_all(&mut sim);
    set_image(&mut sim, "nginx:1.26");
    run(&mut sim);
    finish_termination(&mut sim, "web-2");
    ready_all(&mut sim);
    assert_eq!(image_of(&sim, "web-2"), "nginx:1.26");
    assert_eq!(image_of(&sim, "web-1"), "nginx:1.25");
    assert_eq!(image_of(&sim, "web-0"), "nginx:1.25");
    // A pod below the partition that is deleted comes back at the current revision.
    delete_pod(&mut sim, "web-0");
    finish_termination(&mut sim, "web-0");
    run(&mut sim);
    assert_eq!(image_of(&sim, "web-0"), "nginx:1.25");
    let st = set(&sim);
    assert_eq!(st.status().i64_at("updatedReplicas"), Some(1));
    assert_eq!(st.status().i64_at("currentReplicas"), Some(2));
}

#[test]
fn on_delete_updates_only_recreated_pods() {
    let mut sim = Sim::new(7);
    apply(
        &mut sim,
        web(2, json!({"updateStrategy": {"type": "OnDelete"}})),
    );
    ready_all(&mut sim);
    set_image(&mut sim, "nginx:1.26");
    run(&mut sim);
    assert!(sim
        .store
        .list_ns(Kind::Pod, "default")
        .all(|p| p.meta.deletion_timestamp.is_none()));
    delete_pod(&mut sim, "web-1");
    finish_termination(&mut sim, "web-1");
    run(&mut sim);
    assert_eq!(image_of(&sim, "web-1"), "nginx:1.26");
    assert_eq!(image_of(&sim, "web-0"), "nginx:1.25");
}

/// A 4-replica Parallel set asking for `maxUnavailable: 2`.
fn parallel_web_max_unavailable_2() -> Value {
    web(
        4,
        json!({"podManagementPolicy": "Parallel",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}}}),
    )
}

/// Readies the pods, changes the image, runs the controllers once and
/// names the pods the update began terminating.
fn update_and_list_terminating(sim: &mut Sim) -> Vec<String> {
    ready_all(sim);
    set_image(sim, "nginx:1.26");
    run(sim);
    sim.store
        .list_ns(Kind::Pod, "default")
        .filter(|p| p.meta.deletion_timestamp.is_some())
        .map(|p| p.meta.name.clone())
        .collect()
}

#[test]
fn max_unavailable_deletes_several_outdated_pods_at_once() {
    let mut config = crate::sim::Config::default();
    config
        .feature_gates
        .set(crate::sim::features::MAX_UNAVAILABLE_STATEFUL_SET, true)
        .unwrap();
    let mut sim = Sim::with_config(7, config);
    apply(&mut sim, parallel_web_max_unavailable_2());
    assert_eq!(
        update_and_list_terminating(&mut sim),
        vec!["web-2", "web-3"]
    );
    assert_eq!(get_stateful_set_max_unavailable(&json!("50%"), 5), 2);
    assert_eq!(get_stateful_set_max_unavailable(&json!("10%"), 5), 1);
}

/// v1.31's default: MaxUnavailableStatefulSet is alpha and off, so the API
/// server drops the field and the update replaces one pod at a time.
#[test]
fn max_unavailable_is_dropped_while_its_gate_is_off() {
    let mut sim = Sim::new(7);
    apply(&mut sim, parallel_web_max_unavailable_2());
    assert!(set(&sim)
        .spec()
        .at("updateStrategy.rollingUpdate.maxUnavailable")
        .is_null());
    assert_eq!(update_and_list_terminating(&mut sim), vec!["web-3"]);
}

#[test]
fn ordinals_start_offsets_names() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(2, json!({"ordinals": {"start": 5}})));
    ready_all(&mut sim);
    assert_eq!(pods(&sim), vec!["web-5", "web-6"]);
    assert_eq!(claims(&sim), vec!["www-web-5", "www-web-6"]);
    assert_eq!(
        pod(&sim, "web-5").unwrap().meta.labels[POD_INDEX_LABEL],
        "5"
    );
    scale(&mut sim, 1);
    run(&mut sim);
    assert!(pod(&sim, "web-6")
        .unwrap()
        .meta
        .deletion_timestamp
        .is_some());
}

#[test]
fn status_counts_follow_the_pods() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(3, json!({"minReadySeconds": 10})));
    run(&mut sim);
    make_running_and_ready(&mut sim, "web-0");
    run(&mut sim);
    let st = set(&sim);
    assert_eq!(st.status().i64_at("replicas"), Some(1));
    assert_eq!(st.status().i64_at("readyReplicas"), Some(1));
    assert_eq!(st.status().i64_at("availableReplicas"), Some(0));
    assert_eq!(st.status().i64_at("observedGeneration"), Some(1));
    // Not available yet: web-1 waits for minReadySeconds.
    assert_eq!(pods(&sim), vec!["web-0"]);
    sim.now += 10_000;
    run(&mut sim);
    assert_eq!(pods(&sim), vec!["web-0", "web-1"]);
    let st = set(&sim);
    assert_eq!(st.status().i64_at("availableReplicas"), Some(1));
    assert_eq!(st.status().i64_at("replicas"), Some(2));
    assert_eq!(st.status().i64_at("currentReplicas"), Some(2));
    assert_eq!(st.status().i64_at("updatedReplicas"), Some(2));
}

#[test]
fn orphans_matching_the_selector_are_adopted() {
    let mut sim = Sim::new(7);
    apply(
        &mut sim,
        json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web-0", "labels": {"app": "nginx"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}],
                "volumes": [{"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}}]}}),
    );
    apply(&mut sim, web(1, json!({})));
    run(&mut sim);
    let s = set(&sim);
    let p = pod(&sim, "web-0").unwrap();
    assert!(p.meta.is_owned_by(&s.meta.uid));
    // Identity labels are fixed once the pod is Running and Ready.
    assert!(!p.meta.labels.contains_key(POD_NAME_LABEL));
    make_running_and_ready(&mut sim, "web-0");
    run(&mut sim);
    let p = pod(&sim, "web-0").unwrap();
    assert!(events(&sim)
        .contains(&"SuccessfulUpdate update Pod web-0 in StatefulSet web successful".to_string()));
    assert_eq!(p.meta.labels[POD_NAME_LABEL], "web-0");
}

#[test]
#[ignore = "timing probe: cargo test --release -- --ignored perf_probe --nocapture"]
fn perf_probe_parallel_1000() {
    let mut sim = Sim::new(7);
    apply(
        &mut sim,
        web(1000, json!({"podManagementPolicy": "Parallel"})),
    );
    let t = std::time::Instant::now();
    run(&mut sim);
    eprintln!("create 1000: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for i in 0..100 {
        make_running_and_ready(&mut sim, &format!("web-{i}"));
        sim.run_sync("x", super::sync);
    }
    eprintln!("100 readiness syncs: {:?}", t.elapsed());
    assert_eq!(pods(&sim).len(), 1000);
    assert_eq!(set(&sim).status().i64_at("readyReplicas"), Some(100));
}

fn delete_set(sim: &mut Sim, propagation: Propagation) {
    let s = set(sim);
    api::delete(
        sim,
        &s.key(),
        DeleteOptions {
            propagation,
            ..Default::default()
        },
        "test",
    )
    .unwrap();
}

#[test]
fn cascade_orphan_keeps_pods_and_a_new_set_adopts_them() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(2, json!({})));
    ready_all(&mut sim);
    let uids: Vec<String> = ["web-0", "web-1"]
        .iter()
        .map(|n| pod(&sim, n).unwrap().meta.uid.clone())
        .collect();
    delete_set(&mut sim, Propagation::Orphan);
    run(&mut sim);
    assert!(sim.store.get(Kind::StatefulSet, "default", "web").is_none());
    assert!(pod(&sim, "web-0").unwrap().meta.owner_references.is_empty());
    // The revisions were orphaned too.
    assert!(sim
        .store
        .list_ns(Kind::ControllerRevision, "default")
        .all(|r| r.meta.owner_references.is_empty()));
    apply(&mut sim, web(2, json!({})));
    run(&mut sim);
    let s = set(&sim);
    for (n, uid) in ["web-0", "web-1"].iter().zip(&uids) {
        let p = pod(&sim, n).unwrap();
        assert_eq!(&p.meta.uid, uid, "{n} kept");
        assert!(p.meta.is_owned_by(&s.meta.uid));
    }
    // adoptOrphanRevisions: the old revision (same template) is the new
    // set's, not a stray left behind; rollout history lists it.
    let revs: Vec<&Object> = sim
        .store
        .list_ns(Kind::ControllerRevision, "default")
        .collect();
    assert_eq!(revs.len(), 1);
    assert!(revs[0].meta.is_owned_by(&s.meta.uid));
    assert_eq!(revision_history(&sim.store, &s).len(), 1);
}

#[test]
fn cascade_foreground_removes_the_set_after_its_pods() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(2, json!({})));
    ready_all(&mut sim);
    delete_set(&mut sim, Propagation::Foreground);
    run(&mut sim);
    // The set waits, pods are terminating.
    assert!(sim.store.get(Kind::StatefulSet, "default", "web").is_some());
    for n in ["web-0", "web-1"] {
        assert!(pod(&sim, n).unwrap().meta.deletion_timestamp.is_some());
    }
    // While being deleted the controller makes no new pods.
    finish_termination(&mut sim, "web-0");
    run(&mut sim);
    assert!(pod(&sim, "web-0").is_none());
    assert!(sim.store.get(Kind::StatefulSet, "default", "web").is_some());
    finish_termination(&mut sim, "web-1");
    run(&mut sim);
    assert!(sim.store.get(Kind::StatefulSet, "default", "web").is_none());
    assert!(pods(&sim).is_empty());
    assert_eq!(claims(&sim).len(), 2, "Retain keeps claims");
}

/// Through the engine's own queue (whatever the other controllers do):
/// OrderedReady's invariant holds at every step, and the queue drains or
/// keeps to timers instead of spinning at one instant.
#[test]
fn engine_run_keeps_the_ordered_ready_invariant() {
    let mut sim = Sim::new(11);
    apply(&mut sim, web(3, json!({})));
    sim.touch();
    let mut steps_at_same_instant = 0;
    let mut last = sim.now;
    for _ in 0..5_000 {
        if !sim.step() {
            break;
        }
        if sim.now == last {
            steps_at_same_instant += 1;
            assert!(steps_at_same_instant < 500, "spinning at t={}", sim.now);
        } else {
            steps_at_same_instant = 0;
            last = sim.now;
        }
        let names = pods(&sim);
        for (i, n) in names.iter().enumerate() {
            assert_eq!(n, &format!("web-{i}"), "{names:?}");
            if i + 1 < names.len() {
                assert!(
                    is_running_and_ready(pod(&sim, n).unwrap()),
                    "{n} not ready while a successor exists: {names:?}"
                );
            }
        }
        if sim.now > 600_000 {
            break;
        }
    }
    assert!(pod(&sim, "web-0").is_some());
}

/// `getParentNameAndOrdinal`: `(.*)-([0-9]+)$`, the ordinal an int32.
#[test]
fn parent_name_and_ordinal_follow_the_pattern() {
    for (name, want) in [
        ("web-0", ("web", 0)),
        ("web-01", ("web", 1)),
        ("a-b-12", ("a-b", 12)),
        ("-3", ("", 3)),
        ("web-", ("", -1)),
        ("web", ("", -1)),
        ("web-1a", ("", -1)),
        ("web-٣", ("", -1)),
        ("web-2147483647", ("web", 2_147_483_647)),
        ("web-2147483648", ("web", -1)),
        ("web-99999999999999999999", ("web", -1)),
        ("web-00000000002147483647", ("web", 2_147_483_647)),
    ] {
        assert_eq!(get_parent_name_and_ordinal(name), want, "{name}");
    }
}

/// A sync settles its set (the engine does not run the next sync for its
/// writes) only when its one write is the set's status and that status
/// keeps what the sync reads of it.
#[test]
fn only_a_status_write_that_keeps_what_the_sync_reads_settles_the_set() {
    let mut sim = Sim::new(1);
    apply(&mut sim, web(2, json!({})));
    run(&mut sim);
    ready_all(&mut sim);
    let s = set(&sim);
    let rev = s.status().str_at("updateRevision").unwrap().to_string();
    assert_eq!(s.status().str_at("currentRevision"), Some(rev.as_str()));
    let with = |f: &dyn Fn(&mut Value)| {
        let mut n = s.clone();
        f(n.status_mut());
        n
    };
    let settles = |w: Vec<Write>| status_write_settles(&s, &w);
    // Counts the sync only reports.
    let counts = with(&|st| {
        st["readyReplicas"] = 1.into();
        st["currentReplicas"] = 1.into();
    });
    assert!(settles(vec![Write::Update(counts.clone())]));
    // The revisions it reads, and the collision count that names them.
    assert!(!settles(vec![Write::Update(with(&|st| {
        st["currentRevision"] = "web-other".into()
    }))]));
    assert!(!settles(vec![Write::Update(with(&|st| {
        st["collisionCount"] = 1.into()
    }))]));
    // currentReplicas picks the revision a new pod is made at while a
    // rollout is under way.
    let rolling = with(&|st| st["updateRevision"] = "web-next".into());
    let mut fewer = rolling.clone();
    fewer.status_mut()["currentReplicas"] = 1.into();
    assert!(!status_write_settles(&rolling, &[Write::Update(fewer)]));
    // Any other write, or a second one, or a change beyond the status.
    assert!(!settles(vec![]));
    assert!(!settles(vec![
        Write::Update(counts.clone()),
        Write::Update(counts.clone())
    ]));
    let mut other = counts.clone();
    other.kind = Kind::Deployment;
    assert!(!settles(vec![Write::Update(other)]));
    let mut spec = counts.clone();
    spec.spec_mut()["replicas"] = 3.into();
    assert!(!settles(vec![Write::Update(spec)]));
    let mut labelled = counts;
    labelled.meta.labels.insert("x".into(), "y".into());
    assert!(!settles(vec![Write::Update(labelled)]));
}

/// `storageMatches` and `identityMatches` compare with the names upstream
/// prints (`%d`): a claim or a name whose ordinal is written otherwise
/// (`+0`, `00`) is not the pod's.
#[test]
fn storage_and_identity_match_only_the_ordinal_as_printed() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(1, json!({})));
    run(&mut sim);
    let s = set(&sim);
    let p = pod(&sim, "web-0").unwrap().clone();
    assert!(storage_matches(&s, &p) && identity_matches(&s, &p));
    for claim in ["www-web-+0", "www-web-00"] {
        let mut q = p.clone();
        q.spec_mut()["volumes"][0]["persistentVolumeClaim"]["claimName"] = claim.into();
        assert!(!storage_matches(&s, &q), "{claim}");
    }
    let mut q = p.clone();
    q.meta.name = "web-00".into();
    q.meta.labels.insert(POD_NAME_LABEL.into(), "web-00".into());
    assert!(!identity_matches(&s, &q));
}

/// A sync's checks of a pod against the set's spec ([`SpecChecks`]) give
/// the same answers for a stored pod (from its facts, then kept with it)
/// as for a copy read from its JSON, claims written otherwise included. A
/// spec changed only where the checks do not read (a scale) keeps the
/// answers; one with other claim templates works them out again.
#[test]
fn spec_checks_of_stored_pods_agree_with_the_json_and_hold_across_a_scale() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(1, json!({})));
    run(&mut sim);
    let s = set(&sim);
    let selector = selector_of(&s).unwrap();
    let checks = SpecChecks::new(&s, &selector);
    let p = pod(&sim, "web-0").unwrap().clone();
    for (claim, matches) in [
        ("www-web-0", true),
        ("www-web-00", false),
        ("www-db-0", false),
    ] {
        let mut q = p.clone();
        q.spec_mut()["volumes"][0]["persistentVolumeClaim"]["claimName"] = claim.into();
        sim.store.put(q.clone());
        let stored = pod(&sim, "web-0").unwrap();
        let want = podutil::Verdict {
            selected: true,
            matches_spec: matches,
        };
        // Asked twice: the second answer is the kept one.
        for _ in 0..2 {
            assert_eq!(checks.of(stored), want, "{claim}, stored");
        }
        assert_eq!(checks.of(&q), want, "{claim}, a copy");
    }
    sim.store.put(p);
    let stored = pod(&sim, "web-0").unwrap();
    assert!(checks.of(stored).matches_spec);
    let spec = s.body.shared("spec").unwrap();
    let mut scaled = s.clone();
    scaled.spec_mut()["replicas"] = 3.into();
    let scaled_checks = SpecChecks::new(&scaled, &selector);
    assert!(scaled_checks.equivalent(spec));
    assert!(scaled_checks.of(stored).matches_spec);
    let mut renamed = s.clone();
    renamed.spec_mut()["volumeClaimTemplates"][0]["metadata"]["name"] = "data".into();
    let renamed_checks = SpecChecks::new(&renamed, &selector);
    assert!(!renamed_checks.equivalent(spec));
    assert!(
        !renamed_checks.of(stored).matches_spec,
        "the kept answer is not for this spec"
    );
    let mut reselected = s.clone();
    reselected.spec_mut()["selector"] = json!({"matchLabels": {"app": "other"}});
    let other = selector_of(&reselected).unwrap();
    let reselected_checks = SpecChecks::new(&reselected, &other);
    assert!(!reselected_checks.equivalent(spec));
    assert!(!reselected_checks.of(stored).selected);
    // Without a selector the template's labels are the selector
    // (`selector_of`): a spec whose template labels differ is not
    // equivalent, one with the same labels is.
    let mut unselected = s.clone();
    unselected
        .spec_mut()
        .as_object_mut()
        .unwrap()
        .remove("selector");
    let defaulted = selector_of(&unselected).unwrap();
    let unselected_checks = SpecChecks::new(&unselected, &defaulted);
    assert!(unselected_checks.of(stored).selected);
    let earlier = unselected.body.shared("spec").unwrap().clone();
    let mut relabelled = unselected.clone();
    relabelled.spec_mut()["template"]["metadata"]["labels"] = json!({"app": "other"});
    let relabelled_selector = selector_of(&relabelled).unwrap();
    let relabelled_checks = SpecChecks::new(&relabelled, &relabelled_selector);
    assert!(!relabelled_checks.equivalent(&earlier));
    assert!(!relabelled_checks.of(stored).selected);
    let mut rescaled = unselected.clone();
    rescaled.spec_mut()["replicas"] = 5.into();
    assert!(SpecChecks::new(&rescaled, &defaulted).equivalent(&earlier));
}
