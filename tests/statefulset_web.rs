//! The StatefulSet concept page's `web` example, end to end through the
//! same inputs a user gives: manifests, kubectl lines, faults.

mod common;
use common::*;
use ordinal::sim::dns::{resolve, Answer};
use ordinal::sim::engine::Action;
use ordinal::sim::object::{Kind, ValueExt};
use ordinal::sim::podutil;
use ordinal::sim::session::Input;
use ordinal::sim::session::Journaled;

fn web_up() -> ordinal::sim::Sim {
    let mut sim = sim();
    apply(&mut sim, WEB);
    run_until(&mut sim, 120_000, "web-0 and web-1 Ready", |s| {
        ready(s, "web-0") && ready(s, "web-1")
    });
    sim
}

#[test]
fn web_0_is_running_and_ready_before_web_1_exists() {
    let sim = web_up();
    let created_1 = first_event(&sim, Action::Added, Kind::Pod, "web-1").expect("web-1 created");
    let web0_ready = sim.log[..created_1].iter().any(|e| {
        e.kind == Kind::Pod
            && e.name == "web-0"
            && e.after
                .as_deref()
                .is_some_and(|a| a.starts_with("Running Ready"))
    });
    assert!(
        web0_ready,
        "web-1 was created before web-0 was Running and Ready"
    );
    // Each pod's claim exists before the pod.
    for i in 0..2 {
        let pvc = first_event(
            &sim,
            Action::Added,
            Kind::PersistentVolumeClaim,
            &format!("www-web-{i}"),
        )
        .unwrap();
        let pod = first_event(&sim, Action::Added, Kind::Pod, &format!("web-{i}")).unwrap();
        assert!(
            pvc < pod,
            "claim www-web-{i} must be created before web-{i}"
        );
    }
}

#[test]
fn claims_bind_and_pods_get_stable_identity() {
    let sim = web_up();
    for i in 0..2 {
        let name = format!("www-web-{i}");
        assert_eq!(
            phase_of(&sim, Kind::PersistentVolumeClaim, &name),
            Some("Bound"),
            "{name}"
        );
        let p = pod(&sim, &format!("web-{i}")).unwrap();
        assert_eq!(
            p.spec().str_at("hostname"),
            Some(format!("web-{i}").as_str())
        );
        assert_eq!(p.spec().str_at("subdomain"), Some("nginx"));
        assert_eq!(podutil::claim_names(p), vec![name.as_str()]);
        assert_eq!(
            p.meta
                .labels
                .get("statefulset.kubernetes.io/pod-name")
                .map(String::as_str),
            Some(format!("web-{i}").as_str())
        );
        assert_eq!(
            p.meta
                .labels
                .get("apps.kubernetes.io/pod-index")
                .map(String::as_str),
            Some(i.to_string().as_str())
        );
    }
}

#[test]
fn pod_dns_names_resolve_to_pod_ips() {
    let sim = web_up();
    let ip = podutil::pod_ip(pod(&sim, "web-0").unwrap())
        .unwrap()
        .to_string();
    assert!(ip.starts_with("10.244."), "{ip}");
    for name in ["web-0.nginx.default.svc.cluster.local", "web-0.nginx"] {
        match resolve(&sim.store, "default", name, "A") {
            Answer::Found { records, .. } => assert_eq!(
                records.iter().map(|r| r.data.clone()).collect::<Vec<_>>(),
                vec![ip.clone()]
            ),
            Answer::NxDomain => panic!("{name} did not resolve"),
        }
    }
    assert_eq!(
        resolve(&sim.store, "default", "web-7.nginx", "A"),
        Answer::NxDomain
    );
    // The headless service name answers with every ready pod.
    match resolve(&sim.store, "default", "nginx", "A") {
        Answer::Found { records, .. } => assert_eq!(records.len(), 2),
        Answer::NxDomain => panic!("nginx did not resolve"),
    }
}

#[test]
fn scale_up_in_order_and_down_from_the_top_keeping_claims() {
    let mut sim = web_up();
    let mark = sim.log.len();
    kubectl_ok(&mut sim, "kubectl scale sts web --replicas=5");
    run_until(&mut sim, 300_000, "5 ready", |s| {
        sts_ready(s, "web") == 5 && ready(s, "web-4")
    });
    assert_eq!(
        creation_order(&sim, mark, "web-"),
        ["web-2", "web-3", "web-4"]
    );
    // web-3 is only created after web-2 is Running and Ready.
    let c3 = mark
        + sim.log[mark..]
            .iter()
            .position(|e| e.action == Action::Added && e.name == "web-3")
            .unwrap();
    assert!(sim.log[mark..c3].iter().any(|e| e.name == "web-2"
        && e.after
            .as_deref()
            .is_some_and(|a| a.starts_with("Running Ready"))));

    let mark = sim.log.len();
    kubectl_ok(&mut sim, "kubectl scale sts web --replicas=3");
    run_until(&mut sim, 300_000, "scale down to 3", |s| {
        pod_names(s).len() == 3
    });
    assert_eq!(deletion_order(&sim, mark, "web-"), ["web-4", "web-3"]);
    // web-3 is not touched until web-4 is gone.
    let gone4 = mark
        + sim.log[mark..]
            .iter()
            .position(|e| e.action == Action::Deleted && e.name == "web-4")
            .unwrap();
    let term3 = mark
        + sim.log[mark..]
            .iter()
            .position(|e| e.name == "web-3" && e.kind == Kind::Pod && e.reason == "Terminating")
            .unwrap();
    assert!(gone4 < term3, "web-3 terminated before web-4 was gone");
    for i in 3..5 {
        assert_eq!(
            phase_of(&sim, Kind::PersistentVolumeClaim, &format!("www-web-{i}")),
            Some("Bound"),
            "claims outlive scale-down"
        );
    }
}

#[test]
fn a_deleted_pod_comes_back_with_its_name_and_claim() {
    let mut sim = web_up();
    let old_uid = pod(&sim, "web-1").unwrap().meta.uid.clone();
    kubectl_ok(&mut sim, "kubectl delete pod web-1");
    run_until(&mut sim, 120_000, "web-1 back", |s| {
        pod(s, "web-1").is_some_and(|p| p.meta.uid != old_uid && podutil::is_running_and_ready(p))
    });
    let p = pod(&sim, "web-1").unwrap();
    assert_eq!(podutil::claim_names(p), vec!["www-web-1"]);
}

#[test]
fn the_same_inputs_give_the_same_log_and_replay_reproduces_it() {
    // As `web_up` and `kubectl_ok` do, on a journaled simulation.
    let run = || {
        let mut sim = Journaled::new(1);
        sim.input(Input::Manifest {
            text: WEB.to_string(),
            delete: false,
        })
        .unwrap();
        while !(ready(&sim, "web-0") && ready(&sim, "web-1")) {
            assert!(sim.now < 120_000, "web did not come up");
            sim.advance(500);
        }
        sim.input(Input::Kubectl {
            line: "kubectl scale sts web --replicas=3".into(),
            files: vec![],
        })
        .unwrap();
        sim.advance(60_000);
        sim
    };
    let a = run();
    let b = run();
    let ja = serde_json::to_string(&a.log).unwrap();
    assert_eq!(ja, serde_json::to_string(&b.log).unwrap());
    let replayed = Journaled::replay(a.seed, a.config.clone(), a.journal(), None);
    assert_eq!(ja, serde_json::to_string(&replayed.log).unwrap());
    assert_eq!(a.store, replayed.store);
    // Scrubbing back: replay to an earlier event gives that prefix exactly.
    let half = a.log.len() / 2;
    let early = Journaled::replay(a.seed, a.config.clone(), a.journal(), Some(half));
    assert_eq!(early.log[..], a.log[..early.log.len()]);
    assert!(early.log.len() >= half && early.log.len() < a.log.len());
}
