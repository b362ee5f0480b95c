//! The MySQL seed's server, client and replication (`mysql/`).

use super::*;

pub(super) const MYSQL_READ_IP: &str = "10.96.50.7";

fn mysql_pod(sim: &mut Sim, set: &Object, n: u32, ready: bool) -> Object {
    let name = format!("mysql-{n}");
    let claim_name = format!("data-{name}");
    if sim
        .store
        .get(Kind::PersistentVolumeClaim, "default", &claim_name)
        .is_none()
    {
        claim(sim, &claim_name);
    }
    let mounts = json!([{"name": "data", "mountPath": "/var/lib/mysql", "subPath": "mysql"},
                        {"name": "conf", "mountPath": "/etc/mysql/conf.d"}]);
    PodSpec {
            name: &name,
            labels: json!({"app": "mysql"}),
            containers: json!([
                {"name": "mysql", "image": "mysql:5.7", "ports": [{"name": "mysql", "containerPort": 3306}],
                 "volumeMounts": mounts,
                 "readinessProbe": {"exec": {"command": ["mysql", "-h", "127.0.0.1", "-e", "SELECT 1"]}}},
                {"name": "xtrabackup", "image": "gcr.io/google-samples/xtrabackup:1.0",
                 "command": ["bash", "-c", "exec ncat --listen"], "volumeMounts": mounts}]),
            volumes: json!([{"name": "conf", "emptyDir": {}},
                            {"name": "config-map", "configMap": {"name": "mysql"}},
                            {"name": "data", "persistentVolumeClaim": {"claimName": claim_name}}]),
            ip: &format!("10.244.{}.{}", n + 1, 10 + n),
            ready,
            subdomain: Some("mysql"),
            owner: Some(set),
            init: json!([{"name": "init-mysql", "image": "mysql:5.7", "command": ["bash", "-c",
                "echo server-id=$((100 + $ordinal)) >> /mnt/conf.d/server-id.cnf"]}]),
        }.create(sim)
}

/// The Endpoints the endpoints controller would write for mysql-read.
fn mysql_read_endpoints(sim: &mut Sim) {
    let addrs: Vec<Value> = sim
        .store
        .list_ns(Kind::Pod, "default")
        .filter(|p| p.meta.labels.get("app").map(String::as_str) == Some("mysql"))
        .filter(|p| crate::sim::podutil::is_ready(p))
        .map(|p| json!({"ip": crate::sim::podutil::pod_ip(p), "targetRef": {"kind": "Pod", "name": p.name()}}))
        .collect();
    let key = Key::new(Kind::Endpoints, "default", "mysql-read");
    if let Some(mut ep) = sim.store.get_key(&key).cloned() {
        ep.body
            .insert("subsets".into(), json!([{"addresses": addrs}]));
        api::update(sim, ep, "test").unwrap();
    } else {
        create(
            sim,
            Kind::Endpoints,
            "mysql-read",
            json!({"subsets": [{"addresses": addrs}]}),
        );
    }
}

fn set_ready(sim: &mut Sim, name: &str, ready: bool) {
    let mut p = sim.store.get(Kind::Pod, "default", name).unwrap().clone();
    p.status_mut()["conditions"] =
        json!([{"type": "Ready", "status": if ready { "True" } else { "False" }}]);
    api::update(sim, p, "test").unwrap();
}

pub(super) fn mysql_cluster(sim: &mut Sim) -> Object {
    create(
        sim,
        Kind::ConfigMap,
        "mysql",
        json!({"data": {"master.cnf": "[mysqld]\nlog-bin\n", "slave.cnf": "[mysqld]\nsuper-read-only\n"}}),
    );
    create(
        sim,
        Kind::Service,
        "mysql",
        json!({"spec": {"clusterIP": "None", "selector": {"app": "mysql"}, "ports": [{"port": 3306}]}}),
    );
    create(
        sim,
        Kind::Service,
        "mysql-read",
        json!({"spec": {"clusterIP": MYSQL_READ_IP, "selector": {"app": "mysql"}, "ports": [{"port": 3306}]}}),
    );
    let set = create(
        sim,
        Kind::StatefulSet,
        "mysql",
        json!({"spec": {"replicas": 3, "serviceName": "mysql"}}),
    );
    for n in 0..3 {
        mysql_pod(sim, &set, n, true);
    }
    mysql_read_endpoints(sim);
    PodSpec {
        name: "mysql-client",
        labels: json!({"run": "mysql-client"}),
        containers: json!([{"name": "mysql-client", "image": "mysql:5.7", "args": ["mysql"]}]),
        volumes: json!([]),
        ip: "10.244.3.40",
        ready: true,
        subdomain: None,
        owner: None,
        init: json!([]),
    }
    .create(sim);
    set
}

const SEED_SQL: &str = "CREATE DATABASE test;\nCREATE TABLE test.messages (message VARCHAR(250));\nINSERT INTO test.messages VALUES ('hello');\n";

#[test]
fn mysql_writes_on_the_primary_reach_replicas_through_mysql_read() {
    let mut sim = Sim::new(3);
    let set = mysql_cluster(&mut sim);
    let r = run_opts(
        &mut sim,
        "mysql-client",
        None,
        "mysql -h mysql-0.mysql",
        Some(SEED_SQL),
        false,
    );
    assert_eq!(
        r,
        ExecResult {
            output: String::new(),
            exit_code: 0
        }
    );
    // The table lives in files on mysql-0's claim, under the subPath.
    assert_eq!(
        sim.volume_data["pv-data-mysql-0"]["/mysql/test/messages.ibd"],
        "hello\n"
    );

    let r = run(
        &mut sim,
        "mysql-client",
        "mysql -h mysql-read -e \"SELECT * FROM test.messages\"",
    );
    assert_eq!(
        r.output,
        "+---------+\n| message |\n+---------+\n| hello   |\n+---------+\n"
    );
    // Without a terminal, tab-separated as mysql prints in batch mode.
    let r = run_opts(
        &mut sim,
        "mysql-client",
        None,
        "mysql -h mysql-2.mysql -e 'SELECT * FROM test.messages'",
        None,
        false,
    );
    assert_eq!(r.output, "message\nhello\n");

    // A replica added later has the data too (cloned, then replicating).
    mysql_pod(&mut sim, &set, 3, true);
    let r = run(
        &mut sim,
        "mysql-client",
        "mysql -h mysql-3.mysql -e \"SELECT * FROM test.messages\"",
    );
    assert!(r.output.contains("| hello   |"), "{}", r.output);

    // Data on the primary's claim survives the pod.
    delete_pod(&mut sim, "mysql-0");
    mysql_pod(&mut sim, &set, 0, true);
    let r = run_opts(
        &mut sim,
        "mysql-client",
        None,
        "mysql -h mysql-0.mysql -N -e 'SELECT message FROM test.messages'",
        None,
        false,
    );
    assert_eq!(r.output, "hello\n");
}

#[test]
fn replicas_refuse_writes_and_errors_have_mysql_shapes() {
    let mut sim = Sim::new(3);
    mysql_cluster(&mut sim);
    let r = run(
        &mut sim,
        "mysql-client",
        "mysql -h mysql-1.mysql -e 'CREATE DATABASE x'",
    );
    assert_eq!(r.exit_code, 1);
    assert_eq!(
        r.output,
        "ERROR 1290 (HY000) at line 1: The MySQL server is running with the --super-read-only option so it cannot execute this statement\n"
    );
    let r = run_opts(
        &mut sim,
        "mysql-client",
        None,
        "mysql -h mysql-0.mysql",
        Some("CREATE DATABASE test;\nCREATE DATABASE test;\n"),
        false,
    );
    assert_eq!(
        r.output,
        "ERROR 1007 (HY000) at line 2: Can't create database 'test'; database exists\n"
    );
    let r = run(
        &mut sim,
        "mysql-client",
        "mysql -h mysql-0.mysql -e 'SELECT * FROM test.nope'",
    );
    assert_eq!(
        r.output,
        "ERROR 1146 (42S02) at line 1: Table 'test.nope' doesn't exist\n"
    );
    let r = run(
        &mut sim,
        "mysql-client",
        "mysql -h mysql-9.mysql -e 'SELECT 1'",
    );
    assert_eq!(
        r.output,
        "ERROR 2005 (HY000): Unknown MySQL server host 'mysql-9.mysql' (0)\n"
    );
    // The client pod runs no server.
    let r = run(&mut sim, "mysql-client", "mysql -e 'SELECT 1'");
    assert!(r.output.starts_with("ERROR 2002 (HY000)"));
    let r = run(
        &mut sim,
        "mysql-client",
        "mysql -h mysql-0.mysql -e 'SHOW DATABASES'",
    );
    assert!(r.output.contains("| information_schema |\n| mysql              |\n| performance_schema |\n| sys                |\n| test               |\n"), "{}", r.output);
}

fn server_ids(sim: &mut Sim, rounds: usize) -> std::collections::BTreeSet<String> {
    (0..rounds)
        .map(|_| {
            let r = run_opts(
                sim,
                "mysql-client",
                None,
                "mysql -h mysql-read -N -e 'SELECT @@server_id'",
                None,
                false,
            );
            assert_eq!(r.exit_code, 0, "{}", r.output);
            r.output.trim().to_string()
        })
        .collect()
}

#[test]
fn mysql_read_spreads_over_ready_endpoints_only() {
    let mut sim = Sim::new(5);
    mysql_cluster(&mut sim);
    let ids = server_ids(&mut sim, 40);
    assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["100", "101", "102"]);
    set_ready(&mut sim, "mysql-2", false);
    mysql_read_endpoints(&mut sim);
    let ids = server_ids(&mut sim, 40);
    assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["100", "101"]);
    let r = run(
        &mut sim,
        "mysql-client",
        "mysql -h mysql-read -e 'SELECT @@server_id,NOW()'",
    );
    let lines: Vec<&str> = r.output.lines().collect();
    assert_eq!(lines[1], "| @@server_id | NOW()               |");
    assert!(lines[3].starts_with("|         10"), "{}", r.output);
    assert!(
        lines[3].ends_with(" | 2025-01-01 00:00:00 |"),
        "{}",
        r.output
    );
    // No ready endpoints at all: kube-proxy rejects the connection.
    for n in 0..3 {
        set_ready(&mut sim, &format!("mysql-{n}"), false);
    }
    mysql_read_endpoints(&mut sim);
    let r = run(
        &mut sim,
        "mysql-client",
        "mysql -h mysql-read -e 'SELECT 1'",
    );
    assert_eq!(
        r.output,
        "ERROR 2003 (HY000): Can't connect to MySQL server on 'mysql-read' (111)\n"
    );
}

#[test]
fn moving_the_mysql_binary_breaks_and_heals_readiness() {
    let mut sim = Sim::new(3);
    mysql_cluster(&mut sim);
    let uid = sim
        .store
        .get(Kind::Pod, "default", "mysql-2")
        .unwrap()
        .meta
        .uid
        .clone();
    let r = run_opts(
        &mut sim,
        "mysql-2",
        Some("mysql"),
        "mv /usr/bin/mysql /usr/bin/mysql.off",
        None,
        false,
    );
    assert_eq!(r.exit_code, 0, "{}", r.output);
    assert!(sim.faults.unready_pods.contains(&uid));
    assert!(sim.log.iter().any(|e| e.action == Action::Fault
        && e.name == "mysql-2"
        && e.reason == "ReadinessProbeBroken"));
    let r = run_opts(
        &mut sim,
        "mysql-2",
        Some("mysql"),
        "mysql -e 'SELECT 1'",
        None,
        false,
    );
    assert_eq!(r.exit_code, 127);
    // Another pod is untouched.
    let other = sim
        .store
        .get(Kind::Pod, "default", "mysql-1")
        .unwrap()
        .meta
        .uid
        .clone();
    assert!(!sim.faults.unready_pods.contains(&other));
    run_opts(
        &mut sim,
        "mysql-2",
        Some("mysql"),
        "mv /usr/bin/mysql.off /usr/bin/mysql",
        None,
        false,
    );
    assert!(!sim.faults.unready_pods.contains(&uid));
    assert_eq!(
        run_opts(
            &mut sim,
            "mysql-2",
            Some("mysql"),
            "mysql -N -e 'SELECT 1'",
            None,
            false
        )
        .output,
        "1\n"
    );
}

/// `SHOW SLAVE STATUS\G` on a replica prints MySQL 5.7's 57 columns
/// vertically, following mysql-0 as the seed's sidecar set up; the
/// primary has a binary log and no slave status; 5.7 has no
/// `SHOW REPLICA STATUS`. A replica whose primary is gone keeps connecting.
#[test]
fn replica_status_is_printed_vertically() {
    let mut sim = Sim::new(3);
    mysql_cluster(&mut sim);
    let batch =
        |sim: &mut Sim, line: &str| run_opts(sim, "mysql-client", None, line, None, false).output;
    let out = batch(&mut sim, "mysql -h mysql-1.mysql -e 'SHOW SLAVE STATUS\\G'");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 58, "{out}");
    assert_eq!(
        lines[0],
        "*************************** 1. row ***************************"
    );
    assert_eq!(
        lines[1],
        "               Slave_IO_State: Waiting for master to send event"
    );
    assert_eq!(lines[2], "                  Master_Host: mysql-0.mysql");
    assert!(
        out.contains("\n             Slave_IO_Running: Yes\n"),
        "{out}"
    );
    assert!(
        out.contains("\nMaster_SSL_Verify_Server_Cert: No\n"),
        "{out}"
    );
    assert!(
        out.contains("\n             Master_Server_Id: 100\n"),
        "{out}"
    );
    assert_eq!(
        batch(&mut sim, "mysql -h mysql-0.mysql -e 'SHOW SLAVE STATUS\\G'"),
        ""
    );
    assert_eq!(
        batch(
            &mut sim,
            "mysql -h mysql-0.mysql -N -e 'SHOW MASTER STATUS'"
        ),
        "mysql-0-bin.000001\t154\t\t\t\n"
    );
    assert_eq!(
        batch(&mut sim, "mysql -h mysql-1.mysql -e 'SHOW MASTER STATUS'"),
        ""
    );
    let r = run_opts(
        &mut sim,
        "mysql-client",
        None,
        "mysql -h mysql-1.mysql -e 'SHOW REPLICA STATUS'",
        None,
        false,
    );
    assert_eq!(r.output, "ERROR 1064 (42000) at line 1: You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'REPLICA STATUS' at line 1\n");
    // -E prints every result vertically.
    assert_eq!(
        batch(
            &mut sim,
            "mysql -h mysql-2.mysql -E -e 'SELECT @@server_id'"
        ),
        "*************************** 1. row ***************************\n@@server_id: 102\n"
    );
    delete_pod(&mut sim, "mysql-0");
    let out = batch(&mut sim, "mysql -h mysql-1.mysql -e 'SHOW SLAVE STATUS\\G'");
    assert!(
        out.contains("\n             Slave_IO_Running: Connecting\n"),
        "{out}"
    );
    assert!(
        out.contains("\n                Last_IO_Errno: 2005\n"),
        "{out}"
    );
}
