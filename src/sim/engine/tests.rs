use super::*;
use crate::sim::api;
use crate::sim::object::ValueExt;
use crate::sim::sort::CollectSorted;
use crate::sim::testutil::apply;
use serde_json::{json, Value};

fn web(replicas: i64, extra: Value) -> Value {
    let mut v = json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web"},
        "spec": {"replicas": replicas, "serviceName": "web",
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}});
    if let (Some(spec), Some(extra)) = (v["spec"].as_object_mut(), extra.as_object()) {
        spec.extend(extra.clone());
    }
    v
}

fn controller(name: &str) -> usize {
    controllers::ALL
        .iter()
        .position(|(n, _)| *n == name)
        .unwrap()
}

fn work<'a>(sim: &'a Sim, name: &str) -> &'a KeyedWork {
    sim.keyed[controller(name)].as_ref().unwrap()
}

/// A controller's dirty keys, each once.
fn dirty(sim: &Sim, name: &str) -> BTreeSet<Key> {
    work(sim, name).dirty.iter().cloned().collect_sorted()
}

#[test]
fn a_change_dirties_only_the_keys_it_concerns() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(3, json!({})));
    sim.advance(120_000);
    sim.route_changes();
    for name in ["statefulset-controller", "kubelet", "garbage-collector"] {
        let w = work(&sim, name);
        assert!(!w.full, "{name} synced everything once");
    }
    // Settled: running pods with nothing timed ahead are clean.
    let kubelet = work(&sim, "kubelet");
    assert!(kubelet.dirty.is_empty(), "{:?}", kubelet.dirty);

    let mut p = sim
        .store
        .get(Kind::Pod, "default", "web-1")
        .unwrap()
        .clone();
    p.meta.labels.insert("touched".into(), "yes".into());
    api::update(&mut sim.world, p, "test").unwrap();
    sim.route_changes();
    let pod = Key::new(Kind::Pod, "default", "web-1");
    let set = Key::new(Kind::StatefulSet, "default", "web");
    assert_eq!(dirty(&sim, "kubelet"), BTreeSet::from([pod.clone()]));
    assert_eq!(
        dirty(&sim, "statefulset-controller"),
        BTreeSet::from([set.clone()])
    );
    // A label is nothing to the garbage collector, which reads metadata
    // about owners and deletion only.
    assert!(dirty(&sim, "garbage-collector").is_empty());

    // The pod's owner reference changes: the pod and its owner are
    // synced again, and the set's other pods are not.
    let mut p = sim.store.get_key(&pod).unwrap().clone();
    p.meta.owner_references[0].block_owner_deletion ^= true;
    api::update(&mut sim.world, p, "test").unwrap();
    sim.route_changes();
    let gc = &dirty(&sim, "garbage-collector");
    assert!(gc.contains(&pod) && gc.contains(&set), "{gc:?}");
    assert!(!gc.contains(&Key::new(Kind::Pod, "default", "web-0")));

    // A fault may change what any key reads: everything is synced again.
    sim.faults.unready_pods.insert("no-such-uid".into());
    sim.route_changes();
    assert!(work(&sim, "kubelet").full);
}

#[test]
fn keyed_and_full_runs_give_the_same_trace() {
    // The same session with every keyed controller forced to full syncs.
    let run = |keyed: bool| {
        let mut sim = Sim::new(3);
        if !keyed {
            sim.keyed.iter_mut().for_each(|w| *w = None);
        }
        apply(&mut sim, web(4, json!({"podManagementPolicy": "Parallel"})));
        sim.advance(60_000);
        let mut s = sim
            .store
            .get(Kind::StatefulSet, "default", "web")
            .unwrap()
            .clone();
        set_at_replicas(&mut s, 1);
        api::update(&mut sim.world, s, "test").unwrap();
        sim.touch();
        sim.advance(120_000);
        (sim.trace_hash(), sim.steps_taken())
    };
    assert_eq!(run(true), run(false));
}

/// A Deployment, an RC, a DaemonSet and budgets, a node failing and a
/// scale-down: what every other keyed controller meets.
fn workloads(sim: &mut Sim) {
    let tpl = |app: &str| {
        json!({"metadata": {"labels": {"app": app}},
            "spec": {"containers": [{"name": app, "image": "nginx:1.25"}]}})
    };
    apply(
        sim,
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "front"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "front"}},
            "template": tpl("front")}}),
    );
    apply(
        sim,
        json!({"apiVersion": "v1", "kind": "ReplicationController",
        "metadata": {"name": "cache"},
        "spec": {"replicas": 2, "template": tpl("cache")}}),
    );
    apply(
        sim,
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "agent"},
        "spec": {"minReadySeconds": 5, "selector": {"matchLabels": {"app": "agent"}},
            "template": tpl("agent")}}),
    );
    for (name, app) in [("front", "front"), ("none", "nothing")] {
        apply(
            sim,
            json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": name},
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": app}}}}),
        );
    }
}

#[test]
fn keyed_and_full_runs_give_the_same_trace_for_every_controller() {
    let run = |keyed: bool| {
        let mut sim = Sim::new(11);
        if !keyed {
            sim.keyed.iter_mut().for_each(|w| *w = None);
        }
        workloads(&mut sim);
        sim.advance(60_000);
        sim.faults.failed_nodes.insert("node-1".into());
        sim.touch();
        sim.advance(120_000);
        let mut d = sim
            .store
            .get(Kind::Deployment, "default", "front")
            .unwrap()
            .clone();
        set_at_replicas(&mut d, 1);
        api::update(&mut sim.world, d, "test").unwrap();
        sim.touch();
        sim.advance(400_000);
        // Each controller had work to do (else the check proves little).
        for (source, reason) in [
            ("node-lifecycle-controller", "NodeNotReady"),
            ("node-lifecycle-controller", "TaintManagerEviction"),
            ("replication-controller", "SuccessfulDelete"),
            ("daemonset-controller", "SuccessfulCreate"),
            ("replication-controller", "SuccessfulCreate"),
            ("default-scheduler", "Scheduled"),
            ("deployment-controller", "ScalingReplicaSet"),
        ] {
            let seen = sim
                .log
                .iter()
                .any(|e| e.reason == reason && e.source == source);
            assert!(seen, "{source} {reason}");
        }
        (sim.trace_hash(), sim.steps_taken(), sim.log.len())
    };
    assert_eq!(run(true), run(false));
}

#[test]
fn a_placed_pod_status_change_concerns_only_its_own_keys() {
    let mut sim = Sim::new(7);
    workloads(&mut sim);
    sim.advance(120_000);
    sim.route_changes();
    let name = sim
        .store
        .list_ns(Kind::Pod, "default")
        .find(|p| p.meta.labels.get("app").map(String::as_str) == Some("front"))
        .unwrap()
        .name()
        .to_string();
    let mut p = sim.store.get(Kind::Pod, "default", &name).unwrap().clone();
    let node = crate::sim::podutil::node_name(&p).unwrap().to_string();
    let before: Vec<BTreeSet<Key>> = controllers::ALL
        .iter()
        .map(|(n, _)| dirty(&sim, n))
        .collect();
    p.status_mut()["message"] = "touched".into();
    api::update(&mut sim.world, p, "test").unwrap();
    sim.route_changes();
    let added = |n: &str| -> BTreeSet<Key> {
        let i = controllers::ALL.iter().position(|(x, _)| *x == n).unwrap();
        dirty(&sim, n).difference(&before[i]).cloned().collect()
    };
    let pod = Key::new(Kind::Pod, "default", &name);
    assert!(
        added("default-scheduler").is_empty(),
        "a placed pod's status"
    );
    assert!(
        added("deployment-controller").is_empty(),
        "pods are read via ReplicaSets"
    );
    assert!(added("daemonset-controller").is_empty(), "not its pod");
    assert!(added("pvc-protection-controller").is_empty(), "no claims");
    // Its ReplicaSet, and no other RC or RS.
    let rs = sim
        .store
        .get_key(&pod)
        .and_then(|p| p.meta.controller_ref().map(|r| r.name.clone()))
        .unwrap();
    let rs = Key::new(Kind::ReplicaSet, "default", &rs);
    assert!(dirty(&sim, "replication-controller").contains(&rs));
    assert!(added("replication-controller").is_subset(&BTreeSet::from([rs])));
    assert_eq!(
        added("disruption-controller"),
        BTreeSet::from([Key::new(Kind::PodDisruptionBudget, "default", "front")])
    );
    // Its node is Ready: the node's sync does not read its pods.
    assert!(
        added("node-lifecycle-controller").is_empty(),
        "{node} {pod}"
    );
}

fn set_at_replicas(s: &mut crate::sim::object::Object, n: i64) {
    s.spec_mut()["replicas"] = n.into();
}

/// Sets a pod's Ready condition to False by hand (the kubelet would on a
/// failed probe): the set's next sync then writes only its status.
fn make_unready(sim: &mut Sim, name: &str) {
    let mut p = sim.store.get(Kind::Pod, "default", name).unwrap().clone();
    let now = sim.now;
    crate::sim::controllers::scheduler::set_pod_condition(
        &mut p, "Ready", "False", None, None, now,
    );
    api::update(&mut sim.world, p, "test").unwrap();
}

/// A StatefulSet sync whose one write is the set's status, keeping what
/// the sync reads of it, settles the set: the write's change does not
/// queue the set again for its own controller, which would find nothing
/// to do.
#[test]
fn a_settling_write_does_not_queue_its_own_key_again() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(2, json!({})));
    sim.advance(120_000);
    let set = Key::new(Kind::StatefulSet, "default", "web");
    let ready = |sim: &Sim| {
        let s = sim.store.get_key(&set).unwrap();
        s.status().i64_at("readyReplicas")
    };
    assert_eq!(ready(&sim), Some(2));
    make_unready(&mut sim, "web-1");
    sim.route_changes();
    assert!(dirty(&sim, "statefulset-controller").contains(&set));

    let c = controller("statefulset-controller");
    sim.run_step(c);
    sim.finish_step();
    assert_eq!(ready(&sim), Some(1), "the status was written");
    sim.route_changes();
    assert!(
        !dirty(&sim, "statefulset-controller").contains(&set),
        "its own status write queued the set again"
    );
    // What settling claims: a sync now would write nothing.
    let out = sim.sync_once(controllers::ALL[c].1);
    assert!(out.writes.is_empty(), "{:?}", out.writes.len());
}

/// A settling write the API refuses leaves its key dirty, as any key
/// that wrote is, and makes no echo.
#[test]
fn a_refused_settling_write_leaves_its_key_dirty() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(1, json!({})));
    sim.advance(120_000);
    sim.route_changes();
    let set = Key::new(Kind::StatefulSet, "default", "web");
    assert!(!dirty(&sim, "statefulset-controller").contains(&set));
    let mut gone = sim.store.get_key(&set).unwrap().clone();
    gone.meta.name = "gone".into();
    let c = controller("statefulset-controller");
    assert!(!sim.apply_settling(c, &set, "test", Write::Update(gone)));
    assert!(sim.echoes.is_empty());
    assert!(dirty(&sim, "statefulset-controller").contains(&set));
}

/// Endpoints written by hand queue their Service, whose sync puts them
/// right; that write settles the Service, so its own change does not
/// queue it again.
#[test]
fn a_hand_edit_of_endpoints_is_put_right_and_the_fix_settles() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(2, json!({})));
    apply(
        &mut sim,
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
            "spec": {"clusterIP": "None", "selector": {"app": "web"},
                "ports": [{"name": "web", "port": 80}]}}),
    );
    sim.advance(120_000);
    let svc = Key::new(Kind::Service, "default", "web");
    let ep = Key::new(Kind::Endpoints, "default", "web");
    let addresses = |sim: &Sim| {
        let e = sim.store.get_key(&ep).unwrap();
        e.to_value()["subsets"][0]["addresses"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(addresses(&sim), 2);

    let mut edited = sim.store.get_key(&ep).unwrap().clone();
    edited.body.remove("subsets");
    api::update(&mut sim.world, edited, "test").unwrap();
    assert_eq!(addresses(&sim), 0);
    sim.route_changes();
    assert!(dirty(&sim, "endpoint-controller").contains(&svc));

    let c = controller("endpoint-controller");
    sim.run_step(c);
    sim.finish_step();
    assert_eq!(addresses(&sim), 2, "the hand edit was put right");
    sim.route_changes();
    assert!(
        !dirty(&sim, "endpoint-controller").contains(&svc),
        "its own Endpoints write queued the Service again"
    );
    let out = sim.sync_once(controllers::ALL[c].1);
    assert!(out.writes.is_empty(), "{:?}", out.writes.len());
}

/// A pod's copy with its phase set and its Ready condition as given, as
/// the kubelet writes them.
fn with_phase(sim: &Sim, name: &str, phase: &str, ready: bool) -> crate::sim::object::Object {
    let mut p = sim.store.get(Kind::Pod, "default", name).unwrap().clone();
    let status = if ready { "True" } else { "False" };
    crate::sim::controllers::scheduler::set_pod_condition(
        &mut p, "Ready", status, None, None, sim.now,
    );
    p.status_mut()["phase"] = phase.into();
    p
}

/// A pod that goes from Pending to Running, Ready on neither side, queues
/// its set only when one of the pod's claims is missing or being deleted:
/// otherwise the set's sync reads nothing that changed (it creates a
/// Pending pod's missing claims, and waits on a pod that is not Ready in
/// either phase).
#[test]
fn a_pod_that_starts_running_queues_its_set_only_when_its_claims_need_it() {
    let claims = json!({"volumeClaimTemplates": [{"metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "1Gi"}}}}]});
    let mut sim = Sim::new(7);
    apply(&mut sim, web(2, claims));
    sim.advance(120_000);
    let set = Key::new(Kind::StatefulSet, "default", "web");
    let routes = |sim: &Sim, name: &str, from: (&str, bool), to: (&str, bool)| {
        let old = std::sync::Arc::new(with_phase(sim, name, from.0, from.1));
        let new = with_phase(sim, name, to.0, to.1);
        let change = crate::sim::store::Change {
            key: new.key(),
            old: Some(old),
        };
        let mut pushed = Vec::new();
        controllers::statefulset::route(&sim.store, &change, Some(&new), &mut |k| pushed.push(k));
        pushed.contains(&set)
    };
    let (pending, running, ready) = (("Pending", false), ("Running", false), ("Running", true));
    assert!(
        !routes(&sim, "web-1", pending, running),
        "its claim is there"
    );
    assert!(routes(&sim, "web-1", pending, ready), "Ready counts");
    assert!(
        routes(&sim, "web-1", running, pending),
        "Pending creates claims"
    );
    assert!(routes(&sim, "web-1", pending, ("Failed", false)));
    // Its claim being deleted (its protection keeps it while web-1 runs):
    // a Pending pod's sync fails on it, a Running one's goes on.
    let claim = Key::new(Kind::PersistentVolumeClaim, "default", "data-web-1");
    api::delete(&mut sim.world, &claim, Default::default(), "test").unwrap();
    assert!(sim
        .store
        .get_key(&claim)
        .unwrap()
        .meta
        .deletion_timestamp
        .is_some());
    assert!(
        routes(&sim, "web-1", pending, running),
        "its claim is going"
    );
    assert!(
        !routes(&sim, "web-0", pending, running),
        "web-0's claim is there"
    );
    // Without its claim at all.
    api::delete(
        &mut sim.world,
        &Key::new(Kind::PersistentVolumeClaim, "default", "data-web-0"),
        Default::default(),
        "test",
    )
    .unwrap();
    let mut c = sim
        .store
        .get(Kind::PersistentVolumeClaim, "default", "data-web-0")
        .unwrap()
        .clone();
    c.meta.finalizers.clear();
    api::update(&mut sim.world, c, "test").unwrap();
    assert!(sim
        .store
        .get(Kind::PersistentVolumeClaim, "default", "data-web-0")
        .is_none());
    assert!(routes(&sim, "web-0", pending, running), "its claim is gone");
}
