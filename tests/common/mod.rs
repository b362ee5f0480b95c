//! Helpers shared by the integration tests: drive a Sim the way a user
//! does (manifests, kubectl lines, faults) and read its state.
#![allow(dead_code)]

use ordinal::sim::engine::{Action, Config, Sim};
use ordinal::sim::object::{Kind, Object, ValueExt};
use ordinal::sim::podutil;
use ordinal::sim::session::Input;

pub fn sim() -> Sim {
    Sim::new(1)
}

pub fn sim_nodes(nodes: usize) -> Sim {
    Sim::with_config(
        1,
        Config {
            nodes,
            ..Config::default()
        },
    )
}

pub fn apply(sim: &mut Sim, yaml: &str) -> String {
    match sim.input(Input::Manifest {
        text: yaml.to_string(),
        delete: false,
    }) {
        Ok(out) => out,
        Err(e) => panic!("apply failed: {e}"),
    }
}

pub fn kubectl(sim: &mut Sim, line: &str) -> Result<String, String> {
    sim.input(Input::Kubectl {
        line: line.to_string(),
        files: vec![],
    })
}

pub fn kubectl_ok(sim: &mut Sim, line: &str) -> String {
    match kubectl(sim, line) {
        Ok(out) => out,
        Err(e) => panic!("`{line}` failed: {e}"),
    }
}

pub fn fault(sim: &mut Sim, spec: &str) -> String {
    match sim.input(Input::Fault(spec.to_string())) {
        Ok(out) => out,
        Err(e) => panic!("fault `{spec}` failed: {e}"),
    }
}

/// Advances the clock in 500 ms slices until `cond` holds; panics with
/// `what` after `bound_ms` of virtual time.
pub fn run_until(sim: &mut Sim, bound_ms: u64, what: &str, cond: impl Fn(&Sim) -> bool) {
    let end = sim.now + bound_ms;
    while !cond(sim) {
        assert!(
            sim.now < end,
            "timed out after {bound_ms} ms waiting for {what}"
        );
        sim.advance(500);
    }
}

pub fn pod<'a>(sim: &'a Sim, name: &str) -> Option<&'a Object> {
    sim.store.get(Kind::Pod, "default", name)
}

pub fn pod_names(sim: &Sim) -> Vec<String> {
    sim.store
        .list_ns(Kind::Pod, "default")
        .map(|p| p.meta.name.clone())
        .collect()
}

pub fn ready(sim: &Sim, name: &str) -> bool {
    pod(sim, name).is_some_and(podutil::is_running_and_ready)
}

pub fn phase_of<'a>(sim: &'a Sim, kind: Kind, name: &str) -> Option<&'a str> {
    let ns = if kind.namespaced() { "default" } else { "" };
    sim.store
        .get(kind, ns, name)
        .and_then(|o| o.status().str_at("phase"))
}

pub fn sts_ready(sim: &Sim, name: &str) -> i64 {
    sim.store
        .get(Kind::StatefulSet, "default", name)
        .and_then(|s| s.status().i64_at("readyReplicas"))
        .unwrap_or(0)
}

/// Index in the log of the first event matching.
pub fn first_event(sim: &Sim, action: Action, kind: Kind, name: &str) -> Option<usize> {
    sim.log
        .iter()
        .position(|e| e.action == action && e.kind == kind && e.name == name)
}

/// Order in which pods named `prefix-N` were created (Added events).
pub fn creation_order(sim: &Sim, from: usize, prefix: &str) -> Vec<String> {
    sim.log[from..]
        .iter()
        .filter(|e| e.action == Action::Added && e.kind == Kind::Pod && e.name.starts_with(prefix))
        .map(|e| e.name.clone())
        .collect()
}

pub fn deletion_order(sim: &Sim, from: usize, prefix: &str) -> Vec<String> {
    sim.log[from..]
        .iter()
        .filter(|e| {
            e.action == Action::Deleted && e.kind == Kind::Pod && e.name.starts_with(prefix)
        })
        .map(|e| e.name.clone())
        .collect()
}

pub const WEB: &str = r#"apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: "nginx"
  replicas: 2
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.8
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
"#;

/// Runs `script` through the `ordinal` CLI (with `args`) and compares the
/// transcript with the reviewed `.transcript` beside it. `None` when they
/// match; otherwise where they first differ (the actual output is written
/// to `.actual`). `UPDATE_GOLDEN=1` rewrites the transcript instead.
pub fn golden_mismatch(script: &std::path::Path, args: &[String]) -> Option<String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ordinal"))
        .arg("run")
        .args(args)
        .arg(script)
        .output()
        .expect("run the ordinal CLI");
    let name = script.display();
    assert!(
        out.status.success(),
        "{name}: exit {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let actual = String::from_utf8(out.stdout).expect("utf-8 transcript");
    let golden_path = script.with_extension("transcript");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden_path, &actual).unwrap();
        return None;
    }
    let golden = std::fs::read_to_string(&golden_path).unwrap_or_default();
    if actual == golden {
        return None;
    }
    let actual_path = script.with_extension("actual");
    std::fs::write(&actual_path, &actual).unwrap();
    let first = actual
        .lines()
        .zip(golden.lines())
        .position(|(a, g)| a != g)
        .unwrap_or(actual.lines().count().min(golden.lines().count()));
    Some(format!(
        "{name}: transcript differs from {} at line {} (actual written to {}):\n  golden: {:?}\n  actual: {:?}",
        golden_path.display(),
        first + 1,
        actual_path.display(),
        golden.lines().nth(first),
        actual.lines().nth(first)
    ))
}

/// [`golden_mismatch`] for `DIR/SCRIPT` with no extra flags, failing the
/// test on a difference. Returns the (matching) transcript.
#[allow(dead_code)]
pub fn golden_transcript(dir: &str, script: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(dir)
        .join(script);
    if let Some(why) = golden_mismatch(&path, &[]) {
        panic!("{why}");
    }
    std::fs::read_to_string(path.with_extension("transcript")).expect("the golden transcript")
}
