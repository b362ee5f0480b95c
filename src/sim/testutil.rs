//! Fixtures shared by the core's unit tests: one place for driving
//! controllers by hand and for the objects tests build, instead of a copy
//! per test module. Compiled for tests only.

use crate::sim::api;
use crate::sim::controllers::SyncFn;
use crate::sim::engine::Sim;
use crate::sim::object::{rfc3339, set_at, Kind, Object, OwnerRef};
use serde_json::{json, Value};

/// A StatefulSet of four that asks for two pods replaced at a time
/// (`maxUnavailable: 2`, kept only with `MaxUnavailableStatefulSet` on).
pub(crate) const KV_MAX_UNAVAILABLE_2: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: kv}
spec:
  serviceName: kv
  replicas: 4
  podManagementPolicy: Parallel
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 2}
  selector: {matchLabels: {app: kv}}
  template:
    metadata: {labels: {app: kv}}
    spec:
      containers: [{name: kv, image: redis:7.0}]
";

/// Test driver: runs the given controllers in rounds until a round changes
/// nothing, returning the last wake-up any of them asked for. Panics after
/// `max_rounds`, since a controller that never settles is a bug.
pub(crate) fn converge(
    sim: &mut Sim,
    syncs: &[(&'static str, SyncFn)],
    max_rounds: usize,
) -> Option<u64> {
    let mut wake = None;
    for _ in 0..max_rounds {
        let rv = sim.store.resource_version();
        for (name, f) in syncs {
            if let Some(t) = sim.run_sync(name, *f) {
                wake = Some(t);
            }
        }
        if sim.store.resource_version() == rv {
            return wake;
        }
    }
    panic!("controllers did not converge in {max_rounds} rounds");
}

/// A pod object with `spec` in the default namespace, not yet created.
pub(crate) fn pod(name: &str, spec: Value) -> Object {
    PodFixture::new(name).spec(spec).build()
}

/// The one pod builder of the unit tests: a pod in the default namespace,
/// given labels, an owner, a spec and a status as a test needs them.
pub(crate) struct PodFixture(Object);

impl PodFixture {
    pub(crate) fn new(name: &str) -> PodFixture {
        PodFixture(Object::new(Kind::Pod, "default", name))
    }

    pub(crate) fn label(mut self, key: &str, value: &str) -> PodFixture {
        self.0.meta.labels.insert(key.into(), value.into());
        self
    }

    /// Labels from a JSON map of strings (`{"app": "nginx"}`).
    pub(crate) fn labels(mut self, labels: &Value) -> PodFixture {
        for (k, v) in labels.as_object().into_iter().flatten() {
            self = self.label(k, v.as_str().unwrap_or_default());
        }
        self
    }

    /// Controlled by `owner` (a controller owner reference).
    pub(crate) fn owned_by(mut self, owner: Option<&Object>) -> PodFixture {
        if let Some(o) = owner {
            self.0
                .meta
                .owner_references
                .push(OwnerRef::controller_of(o));
        }
        self
    }

    pub(crate) fn spec(mut self, spec: Value) -> PodFixture {
        self.0.body.insert("spec".into(), spec);
        self
    }

    pub(crate) fn status(mut self, status: Value) -> PodFixture {
        self.0.body.insert("status".into(), status);
        self
    }

    /// As the kubelet leaves a started pod: Running with `ip`, its Ready
    /// condition `ready` (with a transition time when `since` is given).
    pub(crate) fn running(self, ip: &str, ready: bool, since: Option<u64>) -> PodFixture {
        let mut cond = json!({"type": "Ready", "status": if ready { "True" } else { "False" }});
        if let Some(t) = since {
            cond["lastTransitionTime"] = rfc3339(t).into();
        }
        self.status(json!({"phase": "Running", "podIP": ip, "conditions": [cond]}))
    }

    pub(crate) fn build(self) -> Object {
        self.0
    }

    /// Creates the pod through the API rules.
    pub(crate) fn create(self, sim: &mut Sim) -> Object {
        Object::clone(&api::create(sim, self.0, "test").unwrap())
    }
}

/// Creates an object from its JSON through the API rules.
pub(crate) fn apply(sim: &mut Sim, v: Value) -> Object {
    let o = Object::from_value(&v).unwrap();
    Object::clone(&api::create(sim, o, "test").unwrap())
}

/// Runs the given controllers until nothing changes.
pub(crate) fn run_with(sim: &mut Sim, syncs: &[SyncFn]) {
    let named: Vec<(&str, SyncFn)> = syncs.iter().map(|f| ("test-controller", *f)).collect();
    converge(sim, &named, 200);
}

/// Plays the kubelet for a pod: on node-1, Running and Ready now.
pub(crate) fn make_running_and_ready(sim: &mut Sim, name: &str) {
    let mut p = sim.store.get(Kind::Pod, "default", name).unwrap().clone();
    set_at(p.spec_mut(), "nodeName", json!("node-1"));
    p.body.insert(
        "status".into(),
        json!({"phase": "Running", "conditions": [
            {"type": "Ready", "status": "True", "lastTransitionTime": rfc3339(sim.now)}]}),
    );
    api::update(sim, p, "kubelet").unwrap();
}

/// Runs the endpoints controller until nothing changes.
pub(crate) fn run_endpoints(sim: &mut Sim) {
    converge(
        sim,
        &[(
            "endpoint-controller",
            crate::sim::controllers::endpoints::sync,
        )],
        20,
    );
}

/// A headless Service `name` selecting `selector`, port `web` 80.
pub(crate) fn headless(name: &str, selector: serde_json::Value) -> Object {
    let mut s = Object::new(Kind::Service, "default", name);
    s.body.insert(
        "spec".into(),
        json!({"clusterIP": "None", "selector": selector,
               "ports": [{"name": "web", "port": 80, "protocol": "TCP"}]}),
    );
    s
}

/// A pod as the kubelet would leave it: on a node, with an IP, ready or not.
pub(crate) fn serving_pod(name: &str, ip: &str, ready: bool, subdomain: Option<&str>) -> Object {
    let mut spec = json!({"nodeName": "node-1", "hostname": name,
        "containers": [{"name": "nginx", "image": "nginx", "ports": [{"name": "web", "containerPort": 8080}]}]});
    if let Some(s) = subdomain {
        spec["subdomain"] = s.into();
    }
    PodFixture::new(name)
        .label("app", "nginx")
        .spec(spec)
        .running(ip, ready, Some(0))
        .build()
}
