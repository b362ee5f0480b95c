//! `kubectl cordon`, `drain` and `taint` (upstream `pkg/cmd/drain`, `pkg/cmd/taint` and
//! `pkg/drain`): dry runs, and the eviction loop a budget holds up.

use super::*;

/// `web` with three replicas, one on each node, and a budget that allows
/// no disruption.
fn web_held_by_a_budget(sim: &mut Sim) {
    kf(sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    k(sim, "scale sts web --replicas=3").unwrap();
    k(sim, "rollout status sts/web").unwrap();
    k(
        sim,
        "create pdb web-pdb --selector=app=nginx --min-available=3",
    )
    .unwrap();
}

fn on_node(sim: &Sim, node: &str) -> String {
    sim.store
        .list(Kind::Pod)
        .find(|p| p.spec().str_at("nodeName") == Some(node))
        .map(|p| p.meta.name.clone())
        .expect("a pod on the node")
}

/// A dry run cordons nothing and evicts nothing; each line says which
/// dry run it was. A client one only names the pods; a server one asks
/// for each eviction (the budget still refuses it) and waits for none.
#[test]
fn dry_runs_keep_the_cluster() {
    let mut sim = Sim::new(1);
    web_held_by_a_budget(&mut sim);
    let pod = on_node(&sim, "node-1");
    for (line, want) in [
        (
            "cordon node-1 --dry-run=client",
            "node/node-1 cordoned (dry run)\n".to_string(),
        ),
        (
            "cordon node-1 --dry-run=server",
            "node/node-1 cordoned (server dry run)\n".to_string(),
        ),
        (
            "drain node-1 --dry-run=client",
            format!(
                "node/node-1 cordoned (dry run)\nevicting pod default/{pod} (dry run)\nnode/node-1 drained (dry run)\n"
            ),
        ),
    ] {
        assert_eq!(k(&mut sim, line).unwrap(), want, "{line}");
    }
    let e = k(&mut sim, "drain node-1 --dry-run=server --timeout=3s").unwrap_err();
    assert!(
        e.starts_with(&format!(
            "node/node-1 cordoned (server dry run)\nevicting pod default/{pod} (server dry run)\nerror when evicting pods/\"{pod}\" -n \"default\" (will retry after 5s): Cannot evict pod"
        )),
        "{e}"
    );
    k(&mut sim, "delete pdb web-pdb").unwrap();
    assert_eq!(
        k(&mut sim, "drain node-1 --dry-run=server").unwrap(),
        format!(
            "node/node-1 cordoned (server dry run)\nevicting pod default/{pod} (server dry run)\nnode/node-1 drained (server dry run)\n"
        )
    );
    let node = sim.store.get(Kind::Node, "", "node-1").unwrap();
    assert_eq!(node.spec().bool_at("unschedulable"), None);
    assert_eq!(on_node(&sim, "node-1"), pod);
    assert_eq!(sim.store.list(Kind::Pod).count(), 3);
}

/// Each pass of the eviction loop says `evicting pod` before it tries;
/// the pass that comes round at the timeout (10 s, 15 s after 5 s retries)
/// says it and gives up.
#[test]
fn every_eviction_attempt_is_announced() {
    let mut sim = Sim::new(1);
    web_held_by_a_budget(&mut sim);
    let pod = on_node(&sim, "node-1");
    let start = sim.now;
    let e = k(&mut sim, "drain node-1 --timeout=12s").unwrap_err();
    let evicting = format!("evicting pod default/{pod}");
    assert_eq!(e.lines().filter(|l| *l == evicting).count(), 4, "{e}");
    assert_eq!(e.matches("(will retry after 5s)").count(), 3, "{e}");
    assert!(
        e.contains(&format!(
            "{evicting}\nThere are pending pods in node \"node-1\" when an error occurred: error when evicting pods/\"{pod}\" -n \"default\": global timeout reached: 12s\npod/{pod}\n"
        )),
        "{e}"
    );
    assert_eq!(sim.now - start, 15_000);
}

/// `taint --dry-run` says what it would do and keeps the node's taints.
#[test]
fn taint_dry_runs_keep_the_node() {
    let mut sim = Sim::new(1);
    for (flag, want) in [
        ("--dry-run=client", "node/node-1 tainted (dry run)\n"),
        ("--dry-run=server", "node/node-1 tainted (server dry run)\n"),
    ] {
        let line = format!("taint nodes node-1 disk=ssd:NoSchedule {flag}");
        assert_eq!(k(&mut sim, &line).unwrap(), want);
    }
    let node = sim.store.get(Kind::Node, "", "node-1").unwrap();
    assert!(node.spec().array_at("taints").is_empty());
    assert_eq!(
        k(&mut sim, "taint nodes node-1 disk=ssd:NoSchedule").unwrap(),
        "node/node-1 tainted\n"
    );
}

#[test]
fn cordon_and_drain() {
    let mut sim = Sim::new(1);
    assert_eq!(
        k(&mut sim, "cordon node-1").unwrap(),
        "node/node-1 cordoned\n"
    );
    assert_eq!(
        k(&mut sim, "cordon node-1").unwrap(),
        "node/node-1 already cordoned\n"
    );
    let out = k(&mut sim, "get nodes node-1").unwrap();
    assert!(out.contains("Ready,SchedulingDisabled"), "{out}");
    assert_eq!(
        k(&mut sim, "uncordon node-1").unwrap(),
        "node/node-1 uncordoned\n"
    );
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    let mut p = sim.store.get(Kind::Pod, "default", "lone").unwrap().clone();
    p.spec_mut()["nodeName"] = "node-2".into();
    crate::sim::api::update(&mut sim, p, "test").unwrap();
    let e = k(&mut sim, "drain node-2 --ignore-daemonsets").unwrap_err();
    assert!(e.starts_with("node/node-2 cordoned\nerror: unable to drain node \"node-2\" due to error: cannot delete Pods declare no controller (use --force to override): default/lone, continuing command...\nThere are pending nodes to be drained:\n node-2\n"), "{e}");
    let out = k(
        &mut sim,
        "drain node-2 --force --delete-local-data --timeout=60s",
    );
    let text = match out {
        Ok(s) | Err(s) => s,
    };
    assert!(
        text.starts_with("Flag --delete-local-data has been deprecated"),
        "{text}"
    );
    assert!(text.contains("node/node-2 already cordoned\nWarning: deleting Pods that declare no controller: default/lone\nevicting pod default/lone\n"), "{text}");
}

#[test]
fn taint_and_untaint() {
    let mut sim = Sim::new(1);
    assert_eq!(
        k(&mut sim, "taint nodes node-1 dedicated=db:NoSchedule").unwrap(),
        "node/node-1 tainted\n"
    );
    let n = sim.store.get(Kind::Node, "", "node-1").unwrap();
    assert_eq!(n.spec().str_at("taints.0.value"), Some("db"));
    assert!(k(&mut sim, "taint nodes node-1 dedicated=x:NoSchedule")
        .unwrap_err()
        .contains("--overwrite is false"));
    k(
        &mut sim,
        "taint node/node-1 dedicated=x:NoSchedule --overwrite",
    )
    .unwrap();
    assert_eq!(
        k(&mut sim, "taint nodes node-1 dedicated:NoSchedule-").unwrap(),
        "node/node-1 untainted\n"
    );
    assert!(sim
        .store
        .get(Kind::Node, "", "node-1")
        .unwrap()
        .spec()
        .at("taints")
        .is_null());
    assert!(k(&mut sim, "taint nodes node-1 a=b:Sometimes").is_err());
    assert!(k(&mut sim, "taint pods x a=b:NoSchedule").is_err());
}
