//! `kubectl rollout undo` (upstream `polymorphichelpers/rollback.go`).

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
