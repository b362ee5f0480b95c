//! `kubectl rollout status` and `undo` (upstream `polymorphichelpers/rollout_status.go`,
//! `rollback.go`, `pkg/cmd/rollout/rollout_status.go`).

use super::*;

/// With no revision before the current one, the StatefulSet rollbacker
/// (as the DaemonSet one) says there is none to go back to; only the
/// Deployment rollbacker speaks of rollout history.
#[test]
fn undo_without_a_previous_revision() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    k(&mut sim, "rollout status sts/web").unwrap();
    assert_eq!(
        k(&mut sim, "rollout undo sts/web").unwrap_err(),
        "error: no last revision to roll back to"
    );
    assert_eq!(
        k(&mut sim, "rollout undo sts/web --to-revision=3").unwrap_err(),
        "error: unable to find specified revision 3 in history"
    );
    k(&mut sim, "create deployment d --image=nginx").unwrap();
    assert_eq!(
        k(&mut sim, "rollout undo deployment/d").unwrap_err(),
        "error: no rollout history found for deployment \"d\""
    );
}

#[test]
fn rollout_status_reads_statefulset_status() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    let mut s = sim
        .store
        .get(Kind::StatefulSet, "default", "web")
        .unwrap()
        .clone();
    s.body.insert(
        "status".into(),
        serde_json::json!({"observedGeneration": 1, "replicas": 2, "readyReplicas": 2,
            "updatedReplicas": 2, "currentReplicas": 2, "currentRevision": "web-abc", "updateRevision": "web-abc"}),
    );
    s.spec_mut()["updateStrategy"] =
        serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}});
    // Keep generation 1 so the status counts as observed.
    crate::sim::api::update(&mut sim, s.clone(), "test").unwrap();
    let gen = sim
        .store
        .get(Kind::StatefulSet, "default", "web")
        .unwrap()
        .meta
        .generation;
    let mut s = sim
        .store
        .get(Kind::StatefulSet, "default", "web")
        .unwrap()
        .clone();
    s.status_mut()["observedGeneration"] = gen.into();
    crate::sim::api::update(&mut sim, s, "test").unwrap();
    let out = k(&mut sim, "rollout status sts/web --timeout=1s");
    // Controllers in this branch may rewrite the status; either way the
    // answer is one of kubectl's StatefulSet status lines.
    let text = match out {
        Ok(s) | Err(s) => s,
    };
    assert!(
        text.contains("partitioned roll out complete: 2 new pods have been updated...")
            || text.contains("Waiting for"),
        "{text}"
    );
    // No controller has run, so no ControllerRevision exists yet.
    assert_eq!(
        k(&mut sim, "rollout history sts/web").unwrap(),
        "statefulset.apps/web \nNo rollout history found.\n"
    );
    assert_eq!(
        k(&mut sim, "rollout restart sts web").unwrap(),
        "statefulset.apps/web restarted\n"
    );
    assert_eq!(
        k(&mut sim, "rollout pause sts/web").unwrap_err(),
        "error: statefulsets.apps \"web\" pausing is not supported"
    );
}

/// `rollout undo --dry-run` (upstream `rollout_undo.go` adds the dry-run
/// flag; the StatefulSet rollbacker's client dry run describes the
/// template it would restore): nothing changes, and a server dry run says
/// so after the usual words.
#[test]
fn undo_dry_runs_keep_the_template() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    k(&mut sim, "rollout status sts/web").unwrap();
    k(&mut sim, "set image sts/web nginx=nginx:1.25").unwrap();
    k(&mut sim, "rollout status sts/web").unwrap();
    let image = |sim: &Sim| {
        sim.store
            .get(Kind::StatefulSet, "default", "web")
            .unwrap()
            .spec()
            .str_at("template.spec.containers.0.image")
            .map(str::to_string)
    };
    for flag in ["--dry-run", "--dry-run=client"] {
        let out = k(&mut sim, &format!("rollout undo sts/web {flag}")).unwrap();
        assert!(
            out.starts_with(
                "statefulset.apps/web will roll back to Pod Template:\n  Labels:\tapp=nginx\n"
            ),
            "{out}"
        );
        assert!(
            out.contains("    Image:\tregistry.k8s.io/nginx-slim:0.8\n"),
            "{out}"
        );
        assert!(
            out.ends_with("  Tolerations:\t<none>\n (dry run)\n"),
            "{out}"
        );
    }
    assert_eq!(
        k(&mut sim, "rollout undo sts/web --dry-run=server").unwrap(),
        "statefulset.apps/web rolled back (server dry run)\n"
    );
    assert_eq!(image(&sim).as_deref(), Some("nginx:1.25"));
    assert_eq!(
        k(&mut sim, "rollout undo sts/web --dry-run=maybe").unwrap_err(),
        "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\"."
    );
    // Only undo has the flag.
    assert!(k(&mut sim, "rollout status sts/web --dry-run")
        .unwrap_err()
        .starts_with("error: unknown flag: --dry-run"));
    assert_eq!(
        k(&mut sim, "rollout undo sts/web").unwrap(),
        "statefulset.apps/web rolled back\n"
    );
    assert_eq!(
        image(&sim).as_deref(),
        Some("registry.k8s.io/nginx-slim:0.8")
    );
}

#[test]
fn rollout_status_prints_a_line_per_watch_event_repeats_included() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    let out = k(&mut sim, "rollout status sts/web").unwrap();
    let lines: Vec<&str> = out.lines().collect();
    // Each status write of the set is a Modified event and a line, as the
    // StatefulSet tutorial's output shows ("Waiting for 1 pods to be
    // ready..." twice), not only the changes of the line.
    assert!(lines.windows(2).any(|w| w[0] == w[1]), "{out}");
    assert!(lines
        .last()
        .unwrap()
        .starts_with("partitioned roll out complete"));
    // --watch=false: the one line of the current status.
    let once = k(&mut sim, "rollout status sts/web --watch=false").unwrap();
    assert_eq!(once.lines().count(), 1, "{once}");
}
