use super::*;
use crate::sim::api::{self, Reason};
use crate::sim::engine::Sim;
use crate::sim::object::{Key, Object, OwnerRef};
use crate::sim::testutil::PodFixture;
use serde_json::json;

fn run(sim: &mut Sim) {
    crate::sim::testutil::converge(sim, &[("disruption-controller", sync)], 10);
}

fn owner(sim: &mut Sim, kind: Kind, name: &str, replicas: i64) -> Object {
    let mut o = Object::new(kind, "default", name);
    o.body.insert("spec".into(), json!({"replicas": replicas}));
    Object::clone(&api::create(sim, o, "t").unwrap())
}

fn running_pod(
    sim: &mut Sim,
    name: &str,
    app: &str,
    owner: Option<&Object>,
    ready: bool,
) -> Object {
    let p = PodFixture::new(name)
        .label("app", app)
        .owned_by(owner)
        .spec(json!({"nodeName": "node-1", "containers": [{"name": "c", "image": "zk"}]}))
        .running("10.244.1.5", ready, Some(0))
        .build();
    Object::clone(&api::create(sim, p, "t").unwrap())
}

fn pdb(sim: &mut Sim, name: &str, app: &str, budget: serde_json::Value) -> Object {
    let mut o = Object::new(Kind::PodDisruptionBudget, "default", name);
    let mut spec = json!({"selector": {"matchLabels": {"app": app}}});
    for (k, v) in budget.as_object().unwrap() {
        spec[k] = v.clone();
    }
    o.body.insert("spec".into(), spec);
    Object::clone(&api::create(sim, o, "t").unwrap())
}

fn status(sim: &Sim, name: &str) -> (i64, i64, i64, i64) {
    let st = sim
        .store
        .get(Kind::PodDisruptionBudget, "default", name)
        .unwrap()
        .status()
        .clone();
    (
        st.i64_at("currentHealthy").unwrap(),
        st.i64_at("desiredHealthy").unwrap(),
        st.i64_at("disruptionsAllowed").unwrap(),
        st.i64_at("expectedPods").unwrap(),
    )
}

fn zookeeper(sim: &mut Sim, ready: [bool; 3]) {
    let sts = owner(sim, Kind::StatefulSet, "zk", 3);
    for (i, r) in ready.iter().enumerate() {
        running_pod(sim, &format!("zk-{i}"), "zk", Some(&sts), *r);
    }
    pdb(sim, "zk-pdb", "zk", json!({"minAvailable": 2}));
    run(sim);
}

#[test]
fn zookeeper_allows_one_eviction_and_refuses_the_second() {
    let mut sim = Sim::new(1);
    zookeeper(&mut sim, [true; 3]);
    assert_eq!(status(&sim, "zk-pdb"), (3, 2, 1, 3));
    let p = sim
        .store
        .get(Kind::PodDisruptionBudget, "default", "zk-pdb")
        .unwrap();
    let cond = &p.status().array_at("conditions")[0];
    assert_eq!(cond.str_at("type"), Some("DisruptionAllowed"));
    assert_eq!(cond.str_at("status"), Some("True"));
    assert_eq!(cond.str_at("reason"), Some("SufficientPods"));
    assert_eq!(p.status().i64_at("observedGeneration"), Some(1));

    let zk0 = Key::new(Kind::Pod, "default", "zk-0");
    api::evict(&mut sim, &zk0, "kubectl").expect("first eviction allowed");
    assert!(sim
        .store
        .get_key(&zk0)
        .unwrap()
        .meta
        .deletion_timestamp
        .is_some());
    let p = sim
        .store
        .get(Kind::PodDisruptionBudget, "default", "zk-pdb")
        .unwrap();
    assert_eq!(p.status().i64_at("disruptionsAllowed"), Some(0));
    assert!(p.status().str_at("disruptedPods.zk-0").is_some());

    // Refused before and after the controller recounts.
    let zk1 = Key::new(Kind::Pod, "default", "zk-1");
    for _ in 0..2 {
        let err = api::evict(&mut sim, &zk1, "kubectl").unwrap_err();
        assert_eq!(err.reason, Reason::TooManyRequests);
        assert_eq!(
            err.to_string(),
            "Error from server (TooManyRequests): Cannot evict pod as it would violate the pod's disruption budget."
        );
        run(&mut sim);
    }
    assert_eq!(status(&sim, "zk-pdb"), (2, 2, 0, 3));
    let store = &sim.store;
    let refusal = check_eviction(store, store.get_key(&zk1).unwrap(), sim.now).unwrap_err();
    assert_eq!(
        refusal.cause.as_deref(),
        Some("The disruption budget zk-pdb needs 2 healthy pods and has 2 currently")
    );
    assert!(sim
        .store
        .get_key(&zk1)
        .unwrap()
        .meta
        .deletion_timestamp
        .is_none());
}

#[test]
fn an_unready_pod_may_go_while_the_budget_holds() {
    let mut sim = Sim::new(2);
    zookeeper(&mut sim, [true, true, false]);
    assert_eq!(status(&sim, "zk-pdb"), (2, 2, 0, 3));
    let store = &sim.store;
    let unready = store.get(Kind::Pod, "default", "zk-2").unwrap();
    assert_eq!(check_eviction(store, unready, 0), Ok(None));
    let ready = store.get(Kind::Pod, "default", "zk-0").unwrap();
    assert_eq!(check_eviction(store, ready, 0).unwrap_err().code, 429);
}

#[test]
fn percentages_round_up_and_use_the_controllers_scale() {
    let mut sim = Sim::new(3);
    let sts = owner(&mut sim, Kind::StatefulSet, "web", 3);
    for i in 0..3 {
        running_pod(&mut sim, &format!("web-{i}"), "web", Some(&sts), true);
    }
    pdb(&mut sim, "min-pct", "web", json!({"minAvailable": "50%"}));
    run(&mut sim);
    // ceil(1.5) = 2 must stay.
    assert_eq!(status(&sim, "min-pct"), (3, 2, 1, 3));
    let k = Key::new(Kind::PodDisruptionBudget, "default", "min-pct");
    let mut o = sim.store.get_key(&k).unwrap().clone();
    o.spec_mut().as_object_mut().unwrap().remove("minAvailable");
    o.spec_mut()["maxUnavailable"] = "50%".into();
    api::update(&mut sim, o, "t").unwrap();
    run(&mut sim);
    // ceil(1.5) = 2 may be unavailable: 1 must stay.
    assert_eq!(status(&sim, "min-pct"), (3, 1, 2, 3));
    assert_eq!(
        sim.store
            .get_key(&k)
            .unwrap()
            .status()
            .i64_at("observedGeneration"),
        Some(2)
    );

    // The scale counts, not the pods that exist: 5 wanted, 3 running.
    let mut s = sim
        .store
        .get(Kind::StatefulSet, "default", "web")
        .unwrap()
        .clone();
    s.spec_mut()["replicas"] = 5.into();
    api::update(&mut sim, s, "t").unwrap();
    run(&mut sim);
    // maxUnavailable ceil(2.5) = 3 of 5: desired 2.
    assert_eq!(status(&sim, "min-pct"), (3, 2, 1, 5));
}

#[test]
fn integer_budgets_and_deployment_scale() {
    let mut sim = Sim::new(4);
    let dep = owner(&mut sim, Kind::Deployment, "api", 4);
    let mut rs = Object::new(Kind::ReplicaSet, "default", "api-abc");
    rs.meta.owner_references.push(OwnerRef::controller_of(&dep));
    rs.body.insert("spec".into(), json!({"replicas": 4}));
    let rs = api::create(&mut sim, rs, "t").unwrap();
    for i in 0..4 {
        running_pod(&mut sim, &format!("api-{i}"), "api", Some(&rs), i != 0);
    }
    pdb(&mut sim, "max-one", "api", json!({"maxUnavailable": 1}));
    run(&mut sim);
    assert_eq!(status(&sim, "max-one"), (3, 3, 0, 4));
    // minAvailable as an integer counts the pods themselves.
    pdb(&mut sim, "min-two", "api", json!({"minAvailable": 2}));
    run(&mut sim);
    assert_eq!(status(&sim, "min-two"), (3, 2, 1, 4));
    // Two budgets over one pod: the eviction subresource gives up.
    let store = &sim.store;
    let p = store.get(Kind::Pod, "default", "api-1").unwrap();
    let r = check_eviction(store, p, 0).unwrap_err();
    assert_eq!(r.code, 500);
    assert_eq!(
        r.message,
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
    );
}

#[test]
fn percent_budget_over_unmanaged_pods_fails_safe() {
    let mut sim = Sim::new(5);
    running_pod(&mut sim, "lonely", "solo", None, true);
    let mut ds = Object::new(Kind::DaemonSet, "default", "agent");
    ds.body.insert("spec".into(), json!({}));
    let ds = api::create(&mut sim, ds, "t").unwrap();
    running_pod(&mut sim, "agent-x", "agent", Some(&ds), true);
    pdb(&mut sim, "solo", "solo", json!({"maxUnavailable": "10%"}));
    pdb(&mut sim, "agent", "agent", json!({"maxUnavailable": "10%"}));
    run(&mut sim);
    // Unmanaged: counted as nothing expected, with a warning.
    assert_eq!(status(&sim, "solo"), (1, 0, 0, 0));
    assert!(sim
        .log
        .iter()
        .any(|e| e.reason == "UnmanagedPods" && e.name == "solo"));
    // A DaemonSet has no scale: the sync fails and allows nothing.
    let a = sim
        .store
        .get(Kind::PodDisruptionBudget, "default", "agent")
        .unwrap();
    assert_eq!(a.status().i64_at("disruptionsAllowed"), Some(0));
    let c = &a.status().array_at("conditions")[0];
    assert_eq!(c.str_at("reason"), Some("SyncFailed"));
    let r = check_eviction(
        &sim.store,
        sim.store.get(Kind::Pod, "default", "agent-x").unwrap(),
        0,
    )
    .unwrap_err();
    assert_eq!(
        r.cause.as_deref(),
        Some("The disruption budget agent does not allow evicting pods currently because it failed sync: found no controllers for pod \"agent-x\"")
    );
}

#[test]
fn pods_without_a_budget_or_not_running_are_evicted_freely() {
    let mut sim = Sim::new(6);
    zookeeper(&mut sim, [true; 3]);
    let store = &sim.store;
    let mut other = store.get(Kind::Pod, "default", "zk-0").unwrap().clone();
    other.meta.labels.insert("app".into(), "web".into());
    assert_eq!(check_eviction(store, &other, 0), Ok(None));
    let mut pending = store.get(Kind::Pod, "default", "zk-0").unwrap().clone();
    pending.status_mut()["phase"] = "Pending".into();
    assert_eq!(check_eviction(store, &pending, 0), Ok(None));
}

#[test]
fn scaled_values_follow_intstr() {
    assert_eq!(scaled_value(&json!("50%"), 3, true), Ok(2));
    assert_eq!(scaled_value(&json!("50%"), 3, false), Ok(1));
    assert_eq!(scaled_value(&json!("100%"), 7, true), Ok(7));
    assert_eq!(scaled_value(&json!(2), 7, true), Ok(2));
    assert!(scaled_value(&json!("x%"), 7, true).is_err());
}
