//! `kubectl logs -l` (upstream `pkg/cmd/logs`: a selector reads every
//! matching pod's logs, 10 lines of each unless `--tail` says otherwise).

use super::*;

/// A Cassandra set's three pods, running (their image logs a few lines).
fn cassandra(sim: &mut Sim) {
    k(
        sim,
        "apply -f https://k8s.io/examples/application/cassandra/cassandra-statefulset.yaml",
    )
    .unwrap();
    k(sim, "rollout status sts/cassandra").unwrap();
}

#[test]
fn logs_by_selector_read_every_pod_in_turn() {
    let mut sim = Sim::new(1);
    assert_eq!(
        k(&mut sim, "logs -l app=cassandra").unwrap(),
        "No resources found in default namespace.\n"
    );
    cassandra(&mut sim);
    let one = |sim: &mut Sim, pod: &str, tail: &str| {
        k(sim, &format!("logs {pod} --tail={tail}")).unwrap()
    };
    let all = k(&mut sim, "logs -l app=cassandra").unwrap();
    let want: String = ["cassandra-0", "cassandra-1", "cassandra-2"]
        .iter()
        .map(|p| one(&mut sim, p, "10"))
        .collect();
    assert_eq!(all, want);
    assert!(all.contains("Hostname: cassandra-2"), "{all}");
    let last = k(&mut sim, "logs -l app=cassandra --tail=1 --prefix").unwrap();
    let want: String = ["cassandra-0", "cassandra-1", "cassandra-2"]
        .iter()
        .map(|p| format!("[pod/{p}/cassandra] {}", one(&mut sim, p, "1")))
        .collect();
    assert_eq!(last, want);
    assert_eq!(last.lines().count(), 3);
    assert_eq!(
        k(&mut sim, "logs cassandra-0 -l app=cassandra").unwrap_err(),
        "error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples"
    );
}

/// The seed's MySQL init containers and xtrabackup sidecar run bash
/// scripts on the mysql and xtrabackup images, not mysqld: their logs
/// never show mysqld starting. Only the `mysql` container does.
#[test]
fn init_containers_do_not_log_the_images_server() {
    let mut sim = Sim::new(3);
    for f in ["configmap", "services", "statefulset"] {
        k(
            &mut sim,
            &format!("apply -f https://k8s.io/examples/application/mysql/mysql-{f}.yaml"),
        )
        .unwrap();
    }
    k(&mut sim, "rollout status sts/mysql --timeout=5m").unwrap();
    for c in ["init-mysql", "clone-mysql", "xtrabackup"] {
        let out = k(&mut sim, &format!("logs mysql-1 -c {c}")).unwrap();
        assert!(!out.contains("mysqld"), "{c}: {out}");
    }
    let out = k(&mut sim, "logs mysql-1 -c mysql").unwrap();
    assert!(out.contains("mysqld: ready for connections."), "{out}");
}
