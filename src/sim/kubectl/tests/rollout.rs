//! `kubectl rollout undo` (upstream polymorphichelpers `rollback.go`).

use super::*;

#[test]
fn rollout_undo_with_one_revision_says_what_each_rollbacker_says() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    k(&mut sim, "kubectl create deployment d --image=nginx").unwrap();
    sim.advance(10_000);
    // StatefulSetRollbacker (and DaemonSetRollbacker): the history's length.
    assert_eq!(
        k(&mut sim, "kubectl rollout undo statefulset/web").unwrap_err(),
        "error: no last revision to roll back to"
    );
    // deploymentRevision: no previous ReplicaSet.
    assert_eq!(
        k(&mut sim, "kubectl rollout undo deployment/d").unwrap_err(),
        "error: no rollout history found for deployment \"d\""
    );
}
