use super::*;
use crate::sim::api;
use crate::sim::engine::{Action, Sim};
use crate::sim::object::Object;
pub(crate) use crate::sim::testutil::pod;

pub(crate) fn nginx() -> Value {
    json!({"containers": [{"name": "nginx", "image": "nginx"}]})
}

/// Runs the scheduler once and applies what it wrote.
pub(crate) fn run(sim: &mut Sim) {
    sim.run_sync("default-scheduler", sync);
}

fn node_of(sim: &Sim, name: &str) -> Option<String> {
    sim.store
        .get(Kind::Pod, "default", name)
        .and_then(|p| podutil::node_name(p).map(String::from))
}

fn failed_message(sim: &Sim, name: &str) -> String {
    let p = sim.store.get(Kind::Pod, "default", name).unwrap();
    let c = podutil::condition(p, "PodScheduled").expect("condition");
    assert_eq!(c.str_at("status"), Some("False"));
    assert_eq!(c.str_at("reason"), Some("Unschedulable"));
    c.str_at("message").unwrap().to_string()
}

fn last_event(sim: &Sim, name: &str) -> (String, String, bool) {
    let e = sim
        .log
        .iter()
        .rev()
        .find(|e| e.action == Action::Recorded && e.name == name)
        .expect("an event");
    (e.reason.to_string(), e.message.clone(), e.warning)
}

fn zk_pod(i: usize) -> Object {
    let mut p = pod(
        &format!("zk-{i}"),
        json!({
            "containers": [{"name": "kubernetes-zookeeper", "image": "zk",
                "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}],
            "affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
                "labelSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["zk"]}]},
                "topologyKey": "kubernetes.io/hostname"}]}}
        }),
    );
    p.meta.labels.insert("app".into(), "zk".into());
    p
}

#[test]
fn binds_and_records_the_scheduled_event() {
    let mut sim = Sim::new(1);
    api::create(&mut sim, pod("web-0", nginx()), "test").unwrap();
    run(&mut sim);
    let node = node_of(&sim, "web-0").expect("bound");
    let (reason, msg, warning) = last_event(&sim, "web-0");
    assert_eq!(reason, "Scheduled");
    assert_eq!(
        msg,
        format!("Successfully assigned default/web-0 to {node}")
    );
    assert!(!warning);
    let p = sim.store.get(Kind::Pod, "default", "web-0").unwrap();
    assert_eq!(
        podutil::condition(p, "PodScheduled")
            .unwrap()
            .str_at("status"),
        Some("True")
    );
}

#[test]
fn zookeeper_anti_affinity_leaves_the_fourth_pending() {
    let mut sim = Sim::new(2);
    for i in 0..4 {
        api::create(&mut sim, zk_pod(i), "test").unwrap();
        sim.now += 1000;
    }
    run(&mut sim);
    let nodes: BTreeSet<String> = (0..3)
        .map(|i| node_of(&sim, &format!("zk-{i}")).unwrap())
        .collect();
    assert_eq!(nodes.len(), 3, "one zk per node");
    assert_eq!(node_of(&sim, "zk-3"), None);
    let want = "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. \
                preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";
    assert_eq!(failed_message(&sim, "zk-3"), want);
    assert_eq!(
        last_event(&sim, "zk-3"),
        ("FailedScheduling".into(), want.into(), true)
    );
    // A second run with nothing new writes nothing and repeats no event.
    let n = sim.log.len();
    run(&mut sim);
    assert_eq!(sim.log.len(), n);
}

#[test]
fn existing_pods_anti_affinity_is_respected() {
    let mut sim = Sim::new(3);
    for i in 0..3 {
        api::create(&mut sim, zk_pod(i), "test").unwrap();
    }
    run(&mut sim);
    // A plain pod labelled app=zk has no affinity itself but the others repel it.
    let mut p = pod("intruder", nginx());
    p.meta.labels.insert("app".into(), "zk".into());
    api::create(&mut sim, p, "test").unwrap();
    run(&mut sim);
    assert!(failed_message(&sim, "intruder").starts_with(
        "0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules."
    ));
}

#[test]
fn insufficient_resources_are_counted_per_node() {
    let mut sim = Sim::new(4);
    // Each node has 4 CPUs; a 3-CPU pod per node leaves 1.
    for i in 0..3 {
        let spec = json!({"containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "3"}}}]});
        api::create(&mut sim, pod(&format!("big-{i}"), spec), "test").unwrap();
    }
    run(&mut sim);
    for i in 0..3 {
        assert!(node_of(&sim, &format!("big-{i}")).is_some());
    }
    let spec = json!({"containers": [{"name": "c", "image": "x",
        "resources": {"requests": {"cpu": "1500m", "memory": "512Mi"}}}]});
    api::create(&mut sim, pod("more", spec), "test").unwrap();
    run(&mut sim);
    assert_eq!(
        failed_message(&sim, "more"),
        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
    );
    // Memory too large everywhere as well: both reasons are listed.
    let spec = json!({"containers": [{"name": "c", "image": "x",
        "resources": {"limits": {"cpu": "2", "memory": "64Gi"}}}]});
    api::create(&mut sim, pod("huge", spec), "test").unwrap();
    run(&mut sim);
    assert!(failed_message(&sim, "huge")
        .starts_with("0/3 nodes are available: 3 Insufficient cpu, 3 Insufficient memory."));
}

#[test]
fn cordon_taints_and_reasons_are_aggregated_and_sorted() {
    let mut sim = Sim::new(5);
    let mut n1 = sim.store.get(Kind::Node, "", "node-1").unwrap().clone();
    n1.spec_mut()["unschedulable"] = true.into();
    api::update(&mut sim, n1, "test").unwrap();
    let mut n2 = sim.store.get(Kind::Node, "", "node-2").unwrap().clone();
    n2.spec_mut()["taints"] = json!([{"key": TAINT_UNREACHABLE, "effect": "NoSchedule"}]);
    api::update(&mut sim, n2, "test").unwrap();
    let mut n3 = sim.store.get(Kind::Node, "", "node-3").unwrap().clone();
    n3.spec_mut()["taints"] = json!([{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]);
    api::update(&mut sim, n3, "test").unwrap();
    api::create(&mut sim, pod("p", nginx()), "test").unwrap();
    run(&mut sim);
    assert_eq!(
        failed_message(&sim, "p"),
        "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, \
         1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) were unschedulable. \
         preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    // A toleration for the dedicated taint lets it land on node-3.
    let mut spec = nginx();
    spec["tolerations"] =
        json!([{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}]);
    api::create(&mut sim, pod("tolerant", spec), "test").unwrap();
    run(&mut sim);
    assert_eq!(node_of(&sim, "tolerant").as_deref(), Some("node-3"));
    // DaemonSet-style toleration of the unschedulable taint passes the cordon.
    let mut spec = nginx();
    spec["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-1"]}]}]}}});
    spec["tolerations"] =
        json!([{"key": TAINT_UNSCHEDULABLE, "operator": "Exists", "effect": "NoSchedule"}]);
    api::create(&mut sim, pod("ds", spec), "test").unwrap();
    run(&mut sim);
    assert_eq!(node_of(&sim, "ds").as_deref(), Some("node-1"));
}

#[test]
fn node_selector_and_required_node_affinity() {
    let mut sim = Sim::new(6);
    let mut n2 = sim.store.get(Kind::Node, "", "node-2").unwrap().clone();
    n2.meta.labels.insert("disktype".into(), "ssd".into());
    api::update(&mut sim, n2, "test").unwrap();
    let mut spec = nginx();
    spec["nodeSelector"] = json!({"disktype": "ssd"});
    api::create(&mut sim, pod("ssd", spec), "test").unwrap();
    let mut spec = nginx();
    spec["nodeSelector"] = json!({"disktype": "nvme"});
    api::create(&mut sim, pod("nvme", spec), "test").unwrap();
    let mut spec = nginx();
    spec["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "NotIn", "values": ["node-1", "node-2"]}]}]}}});
    api::create(&mut sim, pod("not12", spec), "test").unwrap();
    run(&mut sim);
    assert_eq!(node_of(&sim, "ssd").as_deref(), Some("node-2"));
    assert_eq!(node_of(&sim, "not12").as_deref(), Some("node-3"));
    assert_eq!(
        failed_message(&sim, "nvme"),
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. \
         preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
}

fn claim(name: &str, class: &str) -> Object {
    let mut c = Object::new(Kind::PersistentVolumeClaim, "default", name);
    c.body.insert(
        "spec".into(),
        json!({"accessModes": ["ReadWriteOnce"], "storageClassName": class,
               "resources": {"requests": {"storage": "1Gi"}}}),
    );
    c
}

fn with_claim(name: &str, claim: &str) -> Object {
    let mut spec = nginx();
    spec["volumes"] = json!([{"name": "www", "persistentVolumeClaim": {"claimName": claim}}]);
    pod(name, spec)
}

#[test]
fn claims_missing_or_unbound_hold_the_pod() {
    let mut sim = Sim::new(7);
    api::create(&mut sim, with_claim("a", "nope"), "test").unwrap();
    api::create(&mut sim, claim("pending", "standard"), "test").unwrap();
    api::create(&mut sim, with_claim("b", "pending"), "test").unwrap();
    run(&mut sim);
    assert_eq!(
        failed_message(&sim, "a"),
        "0/3 nodes are available: persistentvolumeclaim \"nope\" not found. \
         preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    assert_eq!(
        failed_message(&sim, "b"),
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. \
         preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    // Once bound, the pod schedules.
    let mut c = sim
        .store
        .get(Kind::PersistentVolumeClaim, "default", "pending")
        .unwrap()
        .clone();
    c.spec_mut()["volumeName"] = "pv-1".into();
    c.status_mut()["phase"] = "Bound".into();
    api::update(&mut sim, c, "test").unwrap();
    run(&mut sim);
    assert!(node_of(&sim, "b").is_some());
}

#[test]
fn bound_volume_node_affinity_pins_the_pod() {
    let mut sim = Sim::new(8);
    let mut pv = Object::new(Kind::PersistentVolume, "", "local-1");
    pv.body.insert(
        "spec".into(),
        json!({"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
               "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                   {"key": "kubernetes.io/hostname", "operator": "In", "values": ["node-3"]}]}]}}}),
    );
    api::create(&mut sim, pv, "test").unwrap();
    let mut c = claim("data", "standard");
    c.spec_mut()["volumeName"] = "local-1".into();
    c.status_mut()["phase"] = "Bound".into();
    api::create(&mut sim, c, "test").unwrap();
    api::create(&mut sim, with_claim("pinned", "data"), "test").unwrap();
    run(&mut sim);
    assert_eq!(node_of(&sim, "pinned").as_deref(), Some("node-3"));
    // With node-3 cordoned, the conflict is reported for the other two.
    let mut n3 = sim.store.get(Kind::Node, "", "node-3").unwrap().clone();
    n3.spec_mut()["unschedulable"] = true.into();
    api::update(&mut sim, n3, "test").unwrap();
    api::create(&mut sim, with_claim("pinned2", "data"), "test").unwrap();
    run(&mut sim);
    assert_eq!(
        failed_message(&sim, "pinned2"),
        "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) had volume node affinity conflict. \
         preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
}

#[test]
fn wait_for_first_consumer_selects_a_node_then_binds() {
    let mut sim = Sim::new(9);
    let mut sc = Object::new(Kind::StorageClass, "", "late");
    sc.body
        .insert("provisioner".into(), "ordinal.sim/hostpath".into());
    sc.body
        .insert("volumeBindingMode".into(), "WaitForFirstConsumer".into());
    api::create(&mut sim, sc, "test").unwrap();
    api::create(&mut sim, claim("late-0", "late"), "test").unwrap();
    api::create(&mut sim, with_claim("w", "late-0"), "test").unwrap();
    run(&mut sim);
    assert_eq!(node_of(&sim, "w"), None);
    let c = sim
        .store
        .get(Kind::PersistentVolumeClaim, "default", "late-0")
        .unwrap()
        .clone();
    let selected = c
        .meta
        .annotations
        .get(SELECTED_NODE)
        .cloned()
        .expect("annotated");
    // No FailedScheduling while waiting.
    assert!(!sim
        .log
        .iter()
        .any(|e| e.name == "w" && e.reason == "FailedScheduling"));
    run(&mut sim);
    assert_eq!(node_of(&sim, "w"), None);
    // The volume controller binds the claim: the pod follows to that node.
    let mut c = c;
    c.spec_mut()["volumeName"] = "pvc-x".into();
    c.status_mut()["phase"] = "Bound".into();
    api::update(&mut sim, c, "test").unwrap();
    run(&mut sim);
    assert_eq!(node_of(&sim, "w"), Some(selected));
}

#[test]
fn replicas_spread_over_nodes_and_no_nodes_is_reported() {
    let mut sim = Sim::new(10);
    let mut owner = Object::new(Kind::StatefulSet, "default", "web");
    owner.meta.uid = "sts-uid".into();
    for i in 0..3 {
        let mut p = pod(&format!("web-{i}"), nginx());
        p.meta
            .owner_references
            .push(crate::sim::object::OwnerRef::controller_of(&owner));
        api::create(&mut sim, p, "test").unwrap();
        run(&mut sim);
    }
    let nodes: BTreeSet<String> = (0..3)
        .map(|i| node_of(&sim, &format!("web-{i}")).unwrap())
        .collect();
    assert_eq!(nodes.len(), 3);

    let mut empty = Sim::with_config(
        11,
        crate::sim::Config {
            nodes: 0,
            ..Default::default()
        },
    );
    api::create(&mut empty, pod("lonely", nginx()), "test").unwrap();
    run(&mut empty);
    assert_eq!(
        failed_message(&empty, "lonely"),
        "no nodes available to schedule pods"
    );
}

#[test]
fn tolerations_follow_upstream_matching() {
    let taint = json!({"key": "k", "value": "v", "effect": "NoExecute"});
    assert!(toleration_matches(&json!({"operator": "Exists"}), &taint));
    assert!(toleration_matches(
        &json!({"key": "k", "operator": "Exists"}),
        &taint
    ));
    assert!(toleration_matches(
        &json!({"key": "k", "value": "v"}),
        &taint
    ));
    assert!(!toleration_matches(
        &json!({"key": "k", "value": "w"}),
        &taint
    ));
    assert!(!toleration_matches(
        &json!({"key": "k", "operator": "Exists", "effect": "NoSchedule"}),
        &taint
    ));
}

#[test]
fn required_pod_affinity_follows_the_group() {
    let mut sim = Sim::new(12);
    let mut spec = nginx();
    spec["affinity"] = json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
        "labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": "kubernetes.io/hostname"}]}});
    // No cache pod anywhere and the pod is not one: nowhere to go.
    api::create(&mut sim, pod("follower", spec.clone()), "test").unwrap();
    run(&mut sim);
    assert_eq!(
        failed_message(&sim, "follower"),
        "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. \
         preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    let mut cache = pod("cache", nginx());
    cache.meta.labels.insert("app".into(), "cache".into());
    cache.spec_mut()["nodeSelector"] = json!({"kubernetes.io/hostname": "node-2"});
    api::create(&mut sim, cache, "test").unwrap();
    run(&mut sim);
    run(&mut sim);
    assert_eq!(node_of(&sim, "cache").as_deref(), Some("node-2"));
    assert_eq!(node_of(&sim, "follower").as_deref(), Some("node-2"));
}

#[test]
fn a_bound_claim_ignores_its_old_selected_node() {
    let mut sim = Sim::new(13);
    let mut sc = Object::new(Kind::StorageClass, "", "late");
    sc.body
        .insert("provisioner".into(), "ordinal.sim/hostpath".into());
    sc.body
        .insert("volumeBindingMode".into(), "WaitForFirstConsumer".into());
    api::create(&mut sim, sc, "test").unwrap();
    let mut pv = Object::new(Kind::PersistentVolume, "", "pvc-1");
    pv.body.insert(
        "spec".into(),
        json!({"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
               "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                   {"key": "kubernetes.io/hostname", "operator": "In", "values": ["node-1"]}]}]}}}),
    );
    api::create(&mut sim, pv, "test").unwrap();
    let mut c = claim("www-web-0", "late");
    c.meta
        .annotations
        .insert(SELECTED_NODE.into(), "node-3".into());
    c.spec_mut()["volumeName"] = "pvc-1".into();
    c.status_mut()["phase"] = "Bound".into();
    api::create(&mut sim, c, "test").unwrap();
    api::create(&mut sim, with_claim("web-0", "www-web-0"), "test").unwrap();
    run(&mut sim);
    assert_eq!(node_of(&sim, "web-0").as_deref(), Some("node-1"));
}

#[test]
fn max_pods_and_host_ports() {
    let mut sim = Sim::with_config(
        14,
        crate::sim::Config {
            nodes: 2,
            node_max_pods: 1,
            ..Default::default()
        },
    );
    let mut spec = nginx();
    spec["containers"][0]["ports"] = json!([{"containerPort": 80, "hostPort": 8080}]);
    api::create(&mut sim, pod("a", spec.clone()), "test").unwrap();
    run(&mut sim);
    let mut spec2 = spec.clone();
    spec2["nodeSelector"] = json!({"kubernetes.io/hostname": node_of(&sim, "a").unwrap()});
    api::create(&mut sim, pod("b", spec2), "test").unwrap();
    api::create(&mut sim, pod("c", nginx()), "test").unwrap();
    api::create(&mut sim, pod("d", nginx()), "test").unwrap();
    run(&mut sim);
    // b wants a's node, whose port is taken (NodePorts filters before
    // NodeResourcesFit, so the full node is reported by its port).
    assert_eq!(
        failed_message(&sim, "b"),
        "0/2 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 1 node(s) didn't match Pod's node affinity/selector. \
         preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, \
         1 Preemption is not helpful for scheduling."
    );
    assert!(node_of(&sim, "c").is_some());
    assert!(failed_message(&sim, "d").starts_with("0/2 nodes are available: 2 Too many pods."));
}

#[test]
fn a_static_volume_assumed_for_one_pod_is_not_free_for_the_next() {
    let mut sim = Sim::new(9);
    let mut sc = Object::new(Kind::StorageClass, "", "local");
    sc.body
        .insert("provisioner".into(), "kubernetes.io/no-provisioner".into());
    sc.body
        .insert("volumeBindingMode".into(), "WaitForFirstConsumer".into());
    api::create(&mut sim, sc, "test").unwrap();
    let mut pv = Object::new(Kind::PersistentVolume, "", "local-2");
    pv.body.insert(
        "spec".into(),
        json!({"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
               "storageClassName": "local", "local": {"path": "/mnt/disks/a"},
               "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                   {"key": "kubernetes.io/hostname", "operator": "In", "values": ["node-2"]}]}]}}}),
    );
    api::create(&mut sim, pv, "test").unwrap();
    let mut pv = sim
        .store
        .get(Kind::PersistentVolume, "", "local-2")
        .unwrap()
        .clone();
    pv.status_mut()["phase"] = "Available".into();
    api::update(&mut sim, pv, "test").unwrap();
    for i in 0..2 {
        api::create(&mut sim, claim(&format!("c{i}"), "local"), "test").unwrap();
        api::create(
            &mut sim,
            with_claim(&format!("p{i}"), &format!("c{i}")),
            "test",
        )
        .unwrap();
    }
    // One pass places both: p0 takes the only PV (assumed, not bound yet),
    // so p1 finds none on any node, in this pass and the next.
    for _ in 0..2 {
        run(&mut sim);
        let c0 = sim
            .store
            .get(Kind::PersistentVolumeClaim, "default", "c0")
            .unwrap();
        assert_eq!(
            c0.meta.annotations.get(SELECTED_NODE).map(String::as_str),
            Some("node-2")
        );
        let c1 = sim
            .store
            .get(Kind::PersistentVolumeClaim, "default", "c1")
            .unwrap();
        assert!(!c1.meta.annotations.contains_key(SELECTED_NODE));
        assert_eq!(
            failed_message(&sim, "p1"),
            "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. \
             preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        );
    }
}
