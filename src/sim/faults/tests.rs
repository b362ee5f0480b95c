use super::*;
use crate::sim::controllers::scheduler::{TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE};
use crate::sim::engine::Sim;
use crate::sim::object::Object;
use crate::sim::session::Journaled;
use crate::sim::{podutil, Input};

fn fault(sim: &mut Sim, line: &str) -> Result<String, String> {
    sim.input(Input::Fault(line.into()))
}

fn running_pod(sim: &mut Sim, name: &str) -> String {
    let mut p = Object::new(Kind::Pod, "default", name);
    p.body.insert(
        "spec".into(),
        json!({"containers": [{"name": "nginx", "image": "nginx"}]}),
    );
    api::create(sim, p, "test").unwrap();
    sim.touch();
    sim.advance(5_000);
    let p = sim.store.get(Kind::Pod, "default", name).unwrap();
    assert!(podutil::is_running_and_ready(p));
    podutil::node_name(p).unwrap().to_string()
}

fn node(sim: &Sim, name: &str) -> Object {
    sim.store.get(Kind::Node, "", name).unwrap().clone()
}

fn ready_status(n: &Object) -> String {
    n.status()
        .array_at("conditions")
        .iter()
        .find(|c| c.str_at("type") == Some("Ready"))
        .and_then(|c| c.str_at("status"))
        .unwrap()
        .to_string()
}

fn taint_keys(n: &Object) -> Vec<String> {
    n.spec()
        .array_at("taints")
        .iter()
        .map(|t| {
            format!(
                "{}:{}",
                t.str_at("key").unwrap(),
                t.str_at("effect").unwrap()
            )
        })
        .collect()
}

#[test]
fn failed_node_goes_unknown_after_grace_and_its_pods_stay_until_forced() {
    let mut sim = Sim::new(1);
    let n = running_pod(&mut sim, "web-0");
    fault(&mut sim, &format!("node {n} fail")).unwrap();
    let t = sim.now;
    assert!(sim
        .log
        .iter()
        .any(|e| e.action == Action::Fault && e.name == n));
    sim.advance(39_000);
    assert_eq!(ready_status(&node(&sim, &n)), "True");
    sim.advance_to(t + 40_000);
    let nd = node(&sim, &n);
    assert_eq!(ready_status(&nd), "Unknown");
    let ready = nd
        .status()
        .array_at("conditions")
        .iter()
        .find(|c| c.str_at("type") == Some("Ready"))
        .unwrap()
        .clone();
    assert_eq!(ready.str_at("reason"), Some("NodeStatusUnknown"));
    assert_eq!(
        ready.str_at("message"),
        Some("Kubelet stopped posting node status.")
    );
    assert_eq!(
        taint_keys(&nd),
        [
            format!("{TAINT_UNREACHABLE}:NoSchedule"),
            format!("{TAINT_UNREACHABLE}:NoExecute")
        ]
    );
    let p = sim.store.get(Kind::Pod, "default", "web-0").unwrap();
    assert!(!podutil::is_ready(p));
    assert_eq!(podutil::phase(p), "Running");
    // 300 s of default toleration, then the taint manager deletes it...
    sim.advance_to(t + 40_000 + 299_000);
    assert!(!sim
        .store
        .get(Kind::Pod, "default", "web-0")
        .unwrap()
        .meta
        .terminating());
    sim.advance_to(t + 40_000 + 300_000);
    let p = sim.store.get(Kind::Pod, "default", "web-0").unwrap();
    assert!(p.meta.terminating());
    assert!(podutil::condition(p, "DisruptionTarget").is_some());
    // ...but with the kubelet dead it stays Terminating, and says why.
    sim.advance(600_000);
    let p = sim.store.get(Kind::Pod, "default", "web-0").unwrap();
    let why = crate::sim::controllers::nodes::why_stuck(&sim.store, p).unwrap();
    assert!(why.starts_with(&format!("node {n} is not ready")), "{why}");
    assert!(why.contains("kubectl delete pod web-0 --grace-period=0 --force"));
    fault(&mut sim, "pod web-0 force-delete").unwrap();
    assert!(sim.store.get(Kind::Pod, "default", "web-0").is_none());
    // A new pod cannot land there.
    running_pod(&mut sim, "web-1");
    let p = sim.store.get(Kind::Pod, "default", "web-1").unwrap();
    assert_ne!(podutil::node_name(p), Some(n.as_str()));
}

#[test]
fn recovered_node_is_ready_again_and_finishes_terminations() {
    let mut sim = Sim::new(2);
    let n = running_pod(&mut sim, "web-0");
    fault(&mut sim, &format!("node {n} fail")).unwrap();
    sim.advance(45_000);
    // Deleted while the kubelet is away: it stays Terminating.
    fault(&mut sim, "pod web-0 delete").unwrap();
    sim.advance(60_000);
    assert!(sim.store.get(Kind::Pod, "default", "web-0").is_some());
    fault(&mut sim, &format!("node {n} recover")).unwrap();
    sim.advance(1);
    let nd = node(&sim, &n);
    assert_eq!(ready_status(&nd), "True");
    assert!(taint_keys(&nd).is_empty());
    assert!(sim.store.get(Kind::Pod, "default", "web-0").is_none());
}

#[test]
fn cordon_taints_the_node_and_blocks_scheduling() {
    let mut sim = Sim::new(3);
    for n in ["node-1", "node-2"] {
        assert_eq!(
            fault(&mut sim, &format!("node {n} cordon")).unwrap(),
            format!("node/{n} cordoned")
        );
    }
    sim.advance(1);
    assert_eq!(
        taint_keys(&node(&sim, "node-1")),
        [format!("{TAINT_UNSCHEDULABLE}:NoSchedule")]
    );
    let n = running_pod(&mut sim, "web-0");
    assert_eq!(n, "node-3");
    fault(&mut sim, "node node-1 uncordon").unwrap();
    sim.advance(1);
    assert!(taint_keys(&node(&sim, "node-1")).is_empty());
}

#[test]
fn pod_faults_and_errors() {
    let mut sim = Sim::new(4);
    running_pod(&mut sim, "web-0");
    assert_eq!(
        fault(&mut sim, "pod nope delete").unwrap_err(),
        "Error from server (NotFound): pods \"nope\" not found"
    );
    assert_eq!(
        fault(&mut sim, "node node-9 fail").unwrap_err(),
        "Error from server (NotFound): nodes \"node-9\" not found"
    );
    assert!(fault(&mut sim, "pod web-0 explode").is_err());
    assert!(fault(&mut sim, "gibberish").is_err());
    let uid = sim
        .store
        .get(Kind::Pod, "default", "web-0")
        .unwrap()
        .meta
        .uid
        .clone();
    fault(&mut sim, "pod default/web-0 unready").unwrap();
    assert!(sim.faults.unready_pods.contains(&uid));
    fault(&mut sim, "pod web-0 ready").unwrap();
    assert!(!sim.faults.unready_pods.contains(&uid));
    assert_eq!(sim.faults.readiness_fault_window[&uid].1, Some(sim.now));
    // Graceful delete: Terminating for the stop time, then gone.
    assert_eq!(
        fault(&mut sim, "pod web-0 delete").unwrap(),
        "pod \"web-0\" deleted"
    );
    assert!(sim
        .store
        .get(Kind::Pod, "default", "web-0")
        .unwrap()
        .meta
        .terminating());
    sim.advance(2_000);
    assert!(sim.store.get(Kind::Pod, "default", "web-0").is_none());
}

#[test]
fn pv_lose_and_storageclass_break() {
    let mut sim = Sim::new(5);
    let mut pv = Object::new(Kind::PersistentVolume, "", "pv-1");
    pv.body
        .insert("spec".into(), json!({"capacity": {"storage": "1Gi"}}));
    pv.body.insert("status".into(), json!({"phase": "Bound"}));
    api::create(&mut sim, pv, "test").unwrap();
    sim.volume_data
        .entry("pv-1".into())
        .or_default()
        .insert("/data/x".into(), "hello".into());
    assert_eq!(
        fault(&mut sim, "pv pv-1 lose").unwrap(),
        "persistentvolume/pv-1 lost"
    );
    let pv = sim.store.get(Kind::PersistentVolume, "", "pv-1").unwrap();
    assert_eq!(pv.status().str_at("phase"), Some("Failed"));
    assert_eq!(pv.status().str_at("message"), Some("volume lost"));
    assert!(!sim.volume_data.contains_key("pv-1"));
    fault(&mut sim, "storageclass standard break").unwrap();
    assert!(sim.faults.broken_classes.contains("standard"));
    fault(&mut sim, "fault sc standard fix").unwrap();
    assert!(sim.faults.broken_classes.is_empty());
    assert!(fault(&mut sim, "storageclass gold break").is_err());
}

#[test]
fn faults_replay_deterministically() {
    let mut sim = Journaled::new(6);
    let fault = |sim: &mut Journaled, f: &str| sim.input(Input::Fault(f.into()));
    sim.advance(1_000);
    fault(&mut sim, "node node-1 cordon").unwrap();
    fault(&mut sim, "node node-2 fail").unwrap();
    sim.advance(50_000);
    fault(&mut sim, "node node-2 recover").unwrap();
    sim.advance(1_000);
    let again = Journaled::replay(6, sim.config.clone(), sim.journal(), None);
    assert_eq!(again.log, sim.log);
    assert_eq!(again.store, sim.store);
    assert!(sim.log.iter().any(|e| e.reason == "NodeNotReady"));
    assert!(sim.log.iter().any(|e| e.reason == "NodeReady"));
}

#[test]
fn hand_made_nodes_register_and_run_pods() {
    let mut sim = Sim::with_config(
        7,
        crate::sim::Config {
            nodes: 0,
            ..Default::default()
        },
    );
    for name in ["worker-a", "worker-b"] {
        let mut n = Object::new(Kind::Node, "", name);
        n.meta
            .labels
            .insert("kubernetes.io/hostname".into(), name.into());
        api::create(&mut sim, n, "test").unwrap();
    }
    sim.touch();
    sim.advance(1);
    let a = node(&sim, "worker-a");
    assert_eq!(ready_status(&a), "True");
    assert_eq!(a.spec().str_at("podCIDR"), Some("10.244.1.0/24"));
    assert_eq!(
        node(&sim, "worker-b").spec().str_at("podCIDR"),
        Some("10.244.2.0/24")
    );
    assert!(a.status().at("allocatable.cpu").is_string());
    assert!(sim
        .log
        .iter()
        .any(|e| e.name == "worker-a" && e.reason == "NodeReady"));
    let n = running_pod(&mut sim, "web-0");
    let p = sim.store.get(Kind::Pod, "default", "web-0").unwrap();
    let idx = if n == "worker-a" { 1 } else { 2 };
    assert_eq!(podutil::pod_ip(p), Some(format!("10.244.{idx}.2").as_str()));
}
