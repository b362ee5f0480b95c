//! `kubectl rollout undo` (upstream `polymorphichelpers/rollback.go`) and
//! `rollout status` (`pkg/cmd/rollout/rollout_status.go`).

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
