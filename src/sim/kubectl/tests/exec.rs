//! `kubectl exec`, `logs`, `wait` and `run` (upstream `pkg/cmd/exec`,
//! `pkg/cmd/logs`, `pkg/cmd/wait`, `pkg/cmd/run`).

use super::*;

#[test]
fn exec_and_logs_errors_for_pods_not_running() {
    let mut sim = Sim::new(1);
    assert_eq!(
        k(&mut sim, "exec nope -- ls").unwrap_err(),
        "Error from server (NotFound): pods \"nope\" not found"
    );
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    assert_eq!(
        k(&mut sim, "exec lone").unwrap_err(),
        "error: you must specify at least one command for the container"
    );
    assert_eq!(
        k(&mut sim, "exec lone -it bash").unwrap_err(),
        "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples"
    );
    // The API server's streamLocation: the container first, then the node.
    assert_eq!(
        k(&mut sim, "exec lone -c other -- ls").unwrap_err(),
        "Error from server (BadRequest): container other is not valid for pod lone"
    );
    assert_eq!(
        k(&mut sim, "exec lone -- ls").unwrap_err(),
        "Error from server (BadRequest): pod lone does not have a host assigned"
    );
    // Status written by hand, as the kubelet would.
    let mut p = sim.store.get(Kind::Pod, "default", "lone").unwrap().clone();
    p.body
        .insert("status".into(), serde_json::json!({"phase": "Succeeded"}));
    crate::sim::api::update(&mut sim, p, "test").unwrap();
    assert_eq!(
        k(&mut sim, "exec -it lone -- ls").unwrap_err(),
        "error: cannot exec into a container in a completed pod; current phase is Succeeded"
    );
    let e = k(&mut sim, "logs lone").unwrap_err();
    assert!(e.contains("is waiting to start"), "{e}");
}

#[test]
fn wait_and_run() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    let t0 = sim.now;
    // The kubelet makes the pod Ready within the timeout; `wait` runs the
    // clock until then.
    let out = k(
        &mut sim,
        "wait --for=condition=Ready pod/lone --timeout=60s",
    )
    .unwrap();
    assert_eq!(out, "pod/lone condition met\n");
    assert!(sim.now > t0);
    let e = k(&mut sim, "wait --for=condition=Ready pod/nope --timeout=5s").unwrap_err();
    assert!(e.contains("not found"), "{e}");
    let out = k(&mut sim, "wait --for=delete pod/lone --timeout=1s");
    assert!(out.is_err() || out.unwrap() == "pod/lone condition met\n");
    assert!(k(&mut sim, "run x --image=busybox --rm -- ls")
        .unwrap_err()
        .contains("--rm should only be used for attached containers"));
    assert_eq!(
        k(&mut sim, "run d --image=busybox --restart=Never").unwrap(),
        "pod/d created\n"
    );
    let p = sim.store.get(Kind::Pod, "default", "d").unwrap();
    assert_eq!(p.spec().str_at("restartPolicy"), Some("Never"));
    assert_eq!(p.meta.labels.get("run").map(String::as_str), Some("d"));
}
