//! Behaviour of the simulated processes over objects built by hand (the
//! controllers are not needed: pods are created Running/Ready with IPs,
//! claims bound to volumes by setting their fields).

use super::*;
use crate::sim::api::{self, DeleteOptions};
use crate::sim::dns::Record;
use crate::sim::engine::Sim;
use crate::sim::testutil::PodFixture;
use serde_json::{json, Value};

/// A stand-in for kube-dns following the DNS spec's shapes: Services by
/// `<svc>.<ns>.svc.cluster.local` (headless: the ready pods), pods by
/// `<hostname>.<subdomain>.<ns>.svc.cluster.local` when ready, with the
/// search path of a pod in `namespace`.
fn test_resolver(store: &Store, namespace: &str, name: &str, _rtype: &str) -> Answer {
    let candidates = if name.matches('.').count() >= 4 {
        vec![name.to_string()]
    } else {
        vec![
            format!("{name}.{namespace}.svc.cluster.local"),
            format!("{name}.svc.cluster.local"),
            format!("{name}.cluster.local"),
            name.to_string(),
        ]
    };
    for fqdn in candidates {
        let parts: Vec<&str> = fqdn.split('.').collect();
        let rec = |ip: &str, svc: &str, ns: &str| Record {
            name: fqdn.clone(),
            rtype: "A".into(),
            data: ip.into(),
            namespace: ns.into(),
            service: svc.into(),
        };
        let ready_ips = |svc: &Object| -> Vec<String> {
            store
                .select(
                    Kind::Pod,
                    svc.namespace(),
                    &svc.spec().labels_at("selector"),
                )
                .filter(|p| crate::sim::podutil::is_ready(p))
                .filter_map(|p| crate::sim::podutil::pod_ip(p).map(str::to_string))
                .collect()
        };
        match parts.as_slice() {
            [svc, ns, "svc", "cluster", "local"] => {
                if let Some(s) = store.get(Kind::Service, ns, svc) {
                    let records = match s.spec().str_at("clusterIP") {
                        Some("None") => ready_ips(s).iter().map(|ip| rec(ip, svc, ns)).collect(),
                        Some(ip) => vec![rec(ip, svc, ns)],
                        None => vec![],
                    };
                    if !records.is_empty() {
                        return Answer::Found {
                            fqdn: fqdn.clone(),
                            records,
                        };
                    }
                }
            }
            [host, svc, ns, "svc", "cluster", "local"]
                if store.get(Kind::Service, ns, svc).is_some() =>
            {
                let pod = store.list_ns(Kind::Pod, ns).find(|p| {
                    p.spec().str_at("hostname") == Some(host)
                        && p.spec().str_at("subdomain") == Some(svc)
                        && crate::sim::podutil::is_ready(p)
                });
                if let Some(ip) = pod.and_then(|p| crate::sim::podutil::pod_ip(p)) {
                    return Answer::Found {
                        fqdn: fqdn.clone(),
                        records: vec![rec(ip, svc, ns)],
                    };
                }
            }
            _ => {}
        }
    }
    Answer::NxDomain
}

fn run_opts(
    sim: &mut Sim,
    pod: &str,
    container: Option<&str>,
    script: &str,
    stdin: Option<&str>,
    tty: bool,
) -> ExecResult {
    let argv = vec!["sh".to_string(), "-c".to_string(), script.to_string()];
    exec_resolving(
        sim,
        &Key::new(Kind::Pod, "default", pod),
        container,
        &argv,
        &ExecOptions {
            stdin: stdin.map(str::to_string),
            tty,
        },
        test_resolver,
    )
}

fn run(sim: &mut Sim, pod: &str, script: &str) -> ExecResult {
    run_opts(sim, pod, None, script, None, true)
}

fn create(sim: &mut Sim, kind: Kind, name: &str, body: Value) -> Object {
    let mut o = Object::new(kind, "default", name);
    if let Value::Object(m) = body {
        for (k, v) in m {
            if k == "labels" {
                o.meta.labels = v
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                    .collect();
            } else {
                o.body.insert(k, v);
            }
        }
    }
    api::create(sim, o, "test").unwrap()
}

/// A claim bound to a volume named `pv-<claim>`.
fn claim(sim: &mut Sim, name: &str) -> String {
    let pv = format!("pv-{name}");
    let mut v = Object::new(Kind::PersistentVolume, "", &pv);
    v.body.insert(
        "spec".into(),
        json!({"capacity": {"storage": "1Gi"}, "persistentVolumeReclaimPolicy": "Delete",
               "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "default", "name": name}}),
    );
    v.body.insert("status".into(), json!({"phase": "Bound"}));
    api::create(sim, v, "test").unwrap();
    create(
        sim,
        Kind::PersistentVolumeClaim,
        name,
        json!({"spec": {"volumeName": pv, "accessModes": ["ReadWriteOnce"]}, "status": {"phase": "Bound"}}),
    );
    pv
}

struct PodSpec<'a> {
    name: &'a str,
    labels: Value,
    containers: Value,
    volumes: Value,
    ip: &'a str,
    ready: bool,
    subdomain: Option<&'a str>,
    owner: Option<&'a Object>,
    init: Value,
}

impl PodSpec<'_> {
    /// Creates the pod, Running with its IP and Ready as given.
    fn create(self, sim: &mut Sim) -> Object {
        let mut spec = json!({"containers": self.containers, "volumes": self.volumes,
                              "initContainers": self.init});
        if let Some(s) = self.subdomain {
            spec["hostname"] = json!(self.name);
            spec["subdomain"] = json!(s);
        }
        PodFixture::new(self.name)
            .labels(&self.labels)
            .owned_by(self.owner)
            .spec(spec)
            .running(self.ip, self.ready, None)
            .create(sim)
    }
}

fn delete_pod(sim: &mut Sim, name: &str) {
    // An unscheduled pod goes at once.
    api::delete(
        sim,
        &Key::new(Kind::Pod, "default", name),
        DeleteOptions::default(),
        "test",
    )
    .unwrap();
    assert!(sim.store.get(Kind::Pod, "default", name).is_none());
}

fn nginx_pod(sim: &mut Sim, set: &Object, name: &str, claim_name: &str, ip: &str) -> Object {
    PodSpec {
        name,
        labels: json!({"app": "nginx"}),
        containers: json!([{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.8",
                "ports": [{"containerPort": 80, "name": "web"}],
                "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]),
        volumes: json!([{"name": "www", "persistentVolumeClaim": {"claimName": claim_name}}]),
        ip,
        ready: true,
        subdomain: Some("nginx"),
        owner: Some(set),
        init: json!([]),
    }
    .create(sim)
}

fn web(sim: &mut Sim) -> Object {
    create(
        sim,
        Kind::Service,
        "nginx",
        json!({"spec": {"clusterIP": "None", "selector": {"app": "nginx"}, "ports": [{"port": 80}]}}),
    );
    let set = create(
        sim,
        Kind::StatefulSet,
        "web",
        json!({"spec": {"replicas": 2, "serviceName": "nginx"}}),
    );
    claim(sim, "www-web-0");
    claim(sim, "www-web-1");
    nginx_pod(sim, &set, "web-0", "www-web-0", "10.244.1.5");
    nginx_pod(sim, &set, "web-1", "www-web-1", "10.244.2.6");
    set
}

#[test]
fn files_on_a_claim_outlive_the_pod_and_container_files_do_not() {
    let mut sim = Sim::new(1);
    let set = web(&mut sim);
    let r = run(
        &mut sim,
        "web-0",
        "echo $(hostname) > /usr/share/nginx/html/index.html; echo scratch > /tmp/x; cat /tmp/x",
    );
    assert_eq!(
        r,
        ExecResult {
            output: "scratch\n".into(),
            exit_code: 0
        }
    );
    assert_eq!(run(&mut sim, "web-0", "curl localhost").output, "web-0\n");
    assert_eq!(sim.volume_data["pv-www-web-0"]["/index.html"], "web-0\n");

    let old_uid = sim
        .store
        .get(Kind::Pod, "default", "web-0")
        .unwrap()
        .meta
        .uid
        .clone();
    assert!(sim.container_data.contains_key(&old_uid));
    delete_pod(&mut sim, "web-0");
    nginx_pod(&mut sim, &set, "web-0", "www-web-0", "10.244.3.9");
    assert_eq!(
        run(&mut sim, "web-0", "cat /usr/share/nginx/html/index.html").output,
        "web-0\n"
    );
    let r = run(&mut sim, "web-0", "cat /tmp/x");
    // The old container's layer is gone with its pod.
    assert!(!sim.container_data.contains_key(&old_uid));
    assert_eq!(r.exit_code, 1);
    assert_eq!(
        r.output,
        "cat: can't open '/tmp/x': No such file or directory\n"
    );
    // The other replica has its own volume.
    let r = run(&mut sim, "web-1", "cat /usr/share/nginx/html/index.html");
    assert_eq!(r.exit_code, 1);
    // An empty document root on a fresh volume: nginx refuses to list it.
    assert!(run(&mut sim, "web-1", "curl localhost")
        .output
        .contains("403 Forbidden"));
    // Across pods by DNS name.
    assert_eq!(
        run(&mut sim, "web-1", "curl http://web-0.nginx").output,
        "web-0\n"
    );
    let r = run(&mut sim, "web-1", "curl web-9.nginx");
    assert_eq!(r.output, "curl: (6) Could not resolve host: web-9.nginx\n");
    assert_eq!(r.exit_code, 6);
}

#[test]
fn nginx_without_a_volume_serves_the_image_page() {
    let mut sim = Sim::new(1);
    PodSpec {
        name: "plain",
        labels: json!({"app": "x"}),
        containers: json!([{"name": "nginx", "image": "nginx:1.27"}]),
        volumes: json!([]),
        ip: "10.244.1.9",
        ready: true,
        subdomain: None,
        owner: None,
        init: json!([]),
    }
    .create(&mut sim);
    assert!(run(&mut sim, "plain", "curl -s localhost")
        .output
        .contains("<title>Welcome to nginx!</title>"));
    assert_eq!(
        run(&mut sim, "plain", "ls /usr/share/nginx/html").output,
        "index.html\n"
    );
}

#[test]
fn hostname_hosts_and_resolv_conf() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    assert_eq!(run(&mut sim, "web-1", "hostname").output, "web-1\n");
    assert_eq!(
        run(&mut sim, "web-1", "hostname -f").output,
        "web-1.nginx.default.svc.cluster.local\n"
    );
    let hosts = run(&mut sim, "web-1", "cat /etc/hosts").output;
    assert!(hosts.starts_with("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"));
    assert!(hosts.ends_with("10.244.2.6\tweb-1.nginx.default.svc.cluster.local\tweb-1\n"));
    assert_eq!(
        run(&mut sim, "web-1", "cat /etc/resolv.conf").output,
        "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
    );
}

#[test]
fn nslookup_prints_busybox_shapes() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    let r = run(&mut sim, "web-1", "nslookup web-0.nginx");
    assert_eq!(
        r.output,
        "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: 10.244.1.5\n"
    );
    assert_eq!(r.exit_code, 0);
    let r = run(&mut sim, "web-1", "nslookup nginx");
    assert!(r
        .output
        .ends_with("Name:      nginx\nAddress 1: 10.244.1.5\nAddress 2: 10.244.2.6\n"));
    let r = run(&mut sim, "web-1", "nslookup web-5.nginx");
    assert_eq!(r.exit_code, 1);
    assert!(r
        .output
        .ends_with("\nnslookup: can't resolve 'web-5.nginx'\n"));
    assert_eq!(
        run(
            &mut sim,
            "web-1",
            "dig +short web-0.nginx.default.svc.cluster.local"
        )
        .output,
        "10.244.1.5\n"
    );
    // dig does not use the search path unless told to.
    assert_eq!(run(&mut sim, "web-1", "dig +short web-0.nginx").output, "");
    assert_eq!(
        run(&mut sim, "web-1", "dig +short +search web-0.nginx").output,
        "10.244.1.5\n"
    );
    assert_eq!(
        run(&mut sim, "web-1", "host web-0.nginx").output,
        "web-0.nginx.default.svc.cluster.local has address 10.244.1.5\n"
    );
}

#[test]
fn shell_basics() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    assert_eq!(
        run(&mut sim, "web-0", "for i in 0 1; do echo web-$i; done").output,
        "web-0\nweb-1\n"
    );
    assert_eq!(
        run(&mut sim, "web-0", "false && echo no || echo yes").output,
        "yes\n"
    );
    let r = run(
        &mut sim,
        "web-0",
        "echo a > /tmp/f; echo b >> /tmp/f; cat /tmp/f | wc -l",
    );
    assert_eq!(r.output, "2\n");
    assert_eq!(
        run(&mut sim, "web-0", "echo \"id=$((100 + 2))\" 'lit $x'").output,
        "id=102 lit $x\n"
    );
    let r = run(&mut sim, "web-0", "frobnicate --now");
    assert_eq!(
        r,
        ExecResult {
            output: "sh: frobnicate: not found\n".into(),
            exit_code: 127
        }
    );
    let r = exec_resolving(
        &mut sim,
        &Key::new(Kind::Pod, "default", "web-0"),
        None,
        &["mysql".to_string()],
        &ExecOptions::default(),
        test_resolver,
    );
    assert_eq!(r.exit_code, 127);
    let r = run(
        &mut sim,
        "web-0",
        "if [ -f /tmp/f ]; then echo there; else echo gone; fi",
    );
    assert_eq!(r.output, "there\n");
    let r = run(&mut sim, "web-0", "while true; do echo tick; done");
    assert_eq!(r.exit_code, 130);
    assert_eq!(r.output.matches("tick").count(), MAX_LOOP_ROUNDS);
}

// ---- MySQL -------------------------------------------------------------

const MYSQL_READ_IP: &str = "10.96.50.7";

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

fn mysql_cluster(sim: &mut Sim) -> Object {
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

// ---- Cassandra ---------------------------------------------------------

fn cassandra(sim: &mut Sim, ready: &[bool]) -> Object {
    let set = create(
        sim,
        Kind::StatefulSet,
        "cassandra",
        json!({"spec": {"replicas": ready.len(), "serviceName": "cassandra"}}),
    );
    for (n, r) in ready.iter().enumerate() {
        let name = format!("cassandra-{n}");
        let claim_name = format!("cassandra-data-{name}");
        claim(sim, &claim_name);
        PodSpec {
                name: &name,
                labels: json!({"app": "cassandra"}),
                containers: json!([{"name": "cassandra", "image": "gcr.io/google-samples/cassandra:v13",
                    "env": [{"name": "CASSANDRA_DC", "value": "DC1-K8Demo"}, {"name": "CASSANDRA_RACK", "value": "Rack1-K8Demo"}],
                    "volumeMounts": [{"name": "cassandra-data", "mountPath": "/cassandra_data"}]}]),
                volumes: json!([{"name": "cassandra-data", "persistentVolumeClaim": {"claimName": claim_name}}]),
                ip: &format!("10.4.{n}.4"),
                ready: *r,
                subdomain: Some("cassandra"),
                owner: Some(&set),
                init: json!([]),
            }.create(sim);
    }
    set
}

#[test]
fn nodetool_status_shows_the_ring() {
    let mut sim = Sim::new(9);
    let set = cassandra(&mut sim, &[true, true, false]);
    let r = run(&mut sim, "cassandra-0", "nodetool status");
    let lines: Vec<&str> = r.output.lines().collect();
    assert_eq!(lines[0], "Datacenter: DC1-K8Demo");
    assert_eq!(lines[1], "======================");
    assert_eq!(lines[2], "Status=Up/Down");
    assert_eq!(lines[3], "|/ State=Normal/Leaving/Joining/Moving");
    assert!(lines[4].starts_with("--  Address   Load       Tokens       Owns (effective)  Host ID"));
    let un: Vec<&&str> = lines.iter().filter(|l| l.starts_with("UN  ")).collect();
    assert_eq!(un.len(), 2);
    assert!(un[0].starts_with("UN  10.4.0.4  ") && un[0].ends_with("  Rack1-K8Demo"));
    assert!(lines.iter().any(|l| l.starts_with("UJ  10.4.2.4  ")));
    // Host IDs are kept on the volume: a recreated pod keeps its id.
    let id_of = |out: &str, ip: &str| -> String {
        let l = out.lines().find(|l| l.contains(ip)).unwrap().to_string();
        l.split_whitespace().rev().nth(1).unwrap().to_string()
    };
    let before = id_of(&r.output, "10.4.1.4");
    delete_pod(&mut sim, "cassandra-1");
    // Gossip remembers the node: down until it comes back.
    let gone = run(&mut sim, "cassandra-0", "nodetool status").output;
    let line = gone.lines().find(|l| l.contains("10.4.1.4")).unwrap();
    assert!(line.starts_with("DN  10.4.1.4  "), "{gone}");
    assert_eq!(id_of(&gone, "10.4.1.4"), before);
    PodSpec {
            name: "cassandra-1",
            labels: json!({"app": "cassandra"}),
            containers: json!([{"name": "cassandra", "image": "gcr.io/google-samples/cassandra:v13",
                "volumeMounts": [{"name": "cassandra-data", "mountPath": "/cassandra_data"}]}]),
            volumes: json!([{"name": "cassandra-data", "persistentVolumeClaim": {"claimName": "cassandra-data-cassandra-1"}}]),
            ip: "10.4.7.7",
            ready: true,
            subdomain: Some("cassandra"),
            owner: Some(&set),
            init: json!([]),
        }.create(&mut sim);
    let r2 = run(&mut sim, "cassandra-0", "nodetool status");
    assert_eq!(id_of(&r2.output, "10.4.7.7"), before);
    assert!(!r2.output.contains("10.4.1.4"));
    // A member removed for good (scaled away without decommission) stays
    // down in the ring until removenode.
    let r = run(&mut sim, "cassandra-0", "nodetool status");
    let gone_id = id_of(&r.output, "10.4.2.4");
    delete_pod(&mut sim, "cassandra-2");
    let r = run(&mut sim, "cassandra-1", "nodetool status");
    assert!(
        r.output.lines().any(|l| l.starts_with("DN  10.4.2.4  ")),
        "{}",
        r.output
    );
    let live_id = id_of(&r.output, "10.4.0.4");
    let refused = run(
        &mut sim,
        "cassandra-1",
        &format!("nodetool removenode {live_id}"),
    );
    assert_eq!(refused.exit_code, 2);
    assert_eq!(
        run(
            &mut sim,
            "cassandra-1",
            &format!("nodetool removenode {gone_id}")
        )
        .exit_code,
        0
    );
    let r = run(&mut sim, "cassandra-0", "nodetool status");
    assert!(!r.output.contains("10.4.2.4"), "{}", r.output);
    assert_eq!(
        r.output.lines().filter(|l| l.starts_with("UN  ")).count(),
        2
    );

    let r = run(&mut sim, "cassandra-0", "cqlsh -e 'desc keyspaces'");
    assert_eq!(
        r.output,
        "\nsystem_traces  system_schema  system_auth  system  system_distributed\n\n"
    );
    run(&mut sim, "cassandra-0", "cqlsh -e \"CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2};\"");
    assert!(
        run(&mut sim, "cassandra-1", "cqlsh -e 'DESCRIBE KEYSPACES'")
            .output
            .contains("  demo\n")
    );
}

// ---- ZooKeeper ---------------------------------------------------------

fn zk(sim: &mut Sim) {
    create(
        sim,
        Kind::ConfigMap,
        "zk-config",
        json!({"data": {"ensemble": "zk-0;zk-1;zk-2"}}),
    );
    create(
        sim,
        Kind::Service,
        "zk-headless",
        json!({"spec": {"clusterIP": "None", "selector": {"app": "zk"}}}),
    );
    let set = create(
        sim,
        Kind::StatefulSet,
        "zk",
        json!({"spec": {"replicas": 3, "serviceName": "zk-headless"}}),
    );
    for n in 0..3 {
        let name = format!("zk-{n}");
        let claim_name = format!("datadir-{name}");
        claim(sim, &claim_name);
        PodSpec {
                name: &name,
                labels: json!({"app": "zk"}),
                containers: json!([{"name": "k8szk", "image": "gcr.io/google_samples/k8szk:v1",
                    "env": [{"name": "ZK_ENSEMBLE", "valueFrom": {"configMapKeyRef": {"name": "zk-config", "key": "ensemble"}}}],
                    "readinessProbe": {"exec": {"command": ["zkOk.sh"]}},
                    "volumeMounts": [{"name": "datadir", "mountPath": "/var/lib/zookeeper"}]}]),
                volumes: json!([{"name": "datadir", "persistentVolumeClaim": {"claimName": claim_name}}]),
                ip: &format!("10.244.{}.20", n + 1),
                ready: true,
                subdomain: Some("zk-headless"),
                owner: Some(&set),
                init: json!([]),
            }.create(sim);
    }
}

#[test]
fn zookeeper_replicates_with_a_quorum() {
    let mut sim = Sim::new(2);
    zk(&mut sim);
    assert_eq!(
        run(&mut sim, "zk-0", "zkOk.sh"),
        ExecResult {
            output: String::new(),
            exit_code: 0
        }
    );
    assert_eq!(
        run(&mut sim, "zk-0", "echo ruok | nc localhost 2181").output,
        "imok\n"
    );
    let r = run(&mut sim, "zk-0", "zkCli.sh create /hello world");
    assert!(r.output.ends_with("Created /hello\n"), "{}", r.output);
    let r = run(&mut sim, "zk-2", "zkCli.sh get /hello");
    assert!(
        r.output
            .contains("SyncConnected type:None path:null\nworld\n"),
        "{}",
        r.output
    );
    assert_eq!(
        run(&mut sim, "zk-1", "cat /var/lib/zookeeper/data/myid").output,
        "2\n"
    );
    let modes: Vec<String> = (0..3)
        .map(|n| run(&mut sim, &format!("zk-{n}"), "zkServer.sh status").output)
        .collect();
    assert_eq!(
        modes.iter().filter(|m| m.contains("Mode: leader")).count(),
        1
    );
    // Two of three servers gone: no quorum, no service.
    delete_pod(&mut sim, "zk-1");
    delete_pod(&mut sim, "zk-2");
    let r = run(&mut sim, "zk-0", "zkCli.sh get /hello");
    assert_eq!(r.exit_code, 1);
    assert!(r.output.contains("ConnectionLoss for /hello"));
}

#[test]
fn tools_show_mounts_reachability_and_service_env() {
    let mut sim = Sim::new(4);
    mysql_cluster(&mut sim);
    web(&mut sim);
    let m = run(&mut sim, "web-0", "mount | grep html").output;
    assert_eq!(
        m,
        "/dev/sdb on /usr/share/nginx/html type ext4 (rw,relatime)\n"
    );
    let r = run(&mut sim, "web-1", "ping -c 2 web-0.nginx");
    assert_eq!(r.exit_code, 0);
    assert!(r.output.starts_with(
        "PING web-0.nginx (10.244.1.5): 56 data bytes\n64 bytes from 10.244.1.5: seq=0"
    ));
    // A Service's virtual IP does not answer ICMP.
    let r = run(&mut sim, "web-1", "ping -c 1 mysql-read");
    assert_eq!(r.exit_code, 1);
    assert!(r.output.contains("100% packet loss"));
    assert_eq!(
        run(&mut sim, "web-1", "nc -z mysql-read 3306 && echo open").output,
        "open\n"
    );
    assert_eq!(
        run(&mut sim, "web-1", "nc -z web-0.nginx 3306").exit_code,
        1
    );
    assert_eq!(run(&mut sim, "web-1", "wget -qO- web-0.nginx").exit_code, 0);
    run(&mut sim, "web-1", "cd /tmp && wget -q http://web-0.nginx");
    assert!(run(&mut sim, "web-1", "cat /tmp/index.html")
        .output
        .contains("403 Forbidden"));
    // The web pods started after mysql-read existed; the client before nginx.
    assert_eq!(
        run(
            &mut sim,
            "web-0",
            "echo $MYSQL_READ_SERVICE_HOST:$MYSQL_READ_SERVICE_PORT"
        )
        .output,
        format!("{MYSQL_READ_IP}:3306\n")
    );
    assert_eq!(
        run(&mut sim, "web-0", "printenv NGINX_SERVICE_HOST").exit_code,
        1
    );
    assert_eq!(
        run(&mut sim, "web-0", "echo $KUBERNETES_SERVICE_HOST").output,
        "10.96.0.1\n"
    );
}

#[test]
fn zookeeper_config_names_members_by_stable_dns() {
    let mut sim = Sim::new(2);
    zk(&mut sim);
    assert_eq!(
        run(&mut sim, "zk-1", "hostname -d").output,
        "zk-headless.default.svc.cluster.local\n"
    );
    let cfg = run(&mut sim, "zk-1", "cat /opt/zookeeper/conf/zoo.cfg").output;
    assert!(cfg.contains("dataDir=/var/lib/zookeeper/data\n"));
    assert!(cfg.ends_with(
        "server.1=zk-0.zk-headless.default.svc.cluster.local:2888:3888\nserver.2=zk-1.zk-headless.default.svc.cluster.local:2888:3888\nserver.3=zk-2.zk-headless.default.svc.cluster.local:2888:3888\n"
    ), "{cfg}");
}

#[test]
fn date_and_dns_policy() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    assert_eq!(
        run(&mut sim, "web-0", "date").output,
        "Wed Jan  1 00:00:00 UTC 2025\n"
    );
    assert_eq!(
        run(&mut sim, "web-0", "sleep 61; date").output,
        "Wed Jan  1 00:01:01 UTC 2025\n"
    );
    let mut p = sim
        .store
        .get(Kind::Pod, "default", "web-1")
        .unwrap()
        .clone();
    p.spec_mut()["dnsPolicy"] = json!("Default");
    api::update(&mut sim, p, "test").unwrap();
    assert_eq!(run(&mut sim, "web-1", "nslookup web-0.nginx").exit_code, 1);
    assert_eq!(
        run(&mut sim, "web-1", "cat /etc/resolv.conf").output,
        "nameserver 169.254.169.254\n"
    );
}

#[test]
fn shell_expansions_and_redirections() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    let cases = [
        ("echo \"$(echo 'a b')\" `hostname`", "a b web-0\n", 0),
        ("echo ${NOPE:-fallback} ${HOSTNAME}", "fallback web-0\n", 0),
        ("X=1; Y=$((X + 41)); echo $Y", "42\n", 0),
        ("cat /nope 2>/dev/null || echo missing", "missing\n", 0),
        ("cat /nope 2>&1 | grep -c x; echo done", "done\n", 0),
        ("echo -n a; echo b", "ab\n", 0),
        ("printf '%s-%s\\n' x y", "x-y\n", 0),
        (
            "for f in $(seq 1 3); do echo $f; done | tail -n 1",
            "3\n",
            0,
        ),
        ("exit 3; echo never", "", 3),
        ("! true", "", 1),
        (
            "mkdir -p /data/d && echo x > /data/d/f && ls /data/d",
            "f\n",
            0,
        ),
        (
            "echo hi > /usr/share/nginx/html/hi.txt; ls /usr/share/nginx/html",
            "hi.txt\n",
            0,
        ),
        (
            "rm /usr/share/nginx/html/hi.txt; ls /usr/share/nginx/html",
            "",
            0,
        ),
        ("echo 'unterminated", "sh: unterminated quoted string\n", 2),
    ];
    for (script, want, code) in cases {
        let r = run(&mut sim, "web-0", script);
        assert_eq!((r.output.as_str(), r.exit_code), (want, code), "{script}");
    }
}

#[test]
fn ls_long_and_df_show_the_claims_volume() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    run(
        &mut sim,
        "web-0",
        "echo hello > /usr/share/nginx/html/index.html",
    );
    assert_eq!(
        run(&mut sim, "web-0", "ls -l /usr/share/nginx/html").output,
        "total 4\n-rw-r--r--    1 root     root               6 Jan  1 00:00 index.html\n"
    );
    let df = run(&mut sim, "web-0", "df -h /usr/share/nginx/html").output;
    assert_eq!(
        df,
        "Filesystem                Size      Used Available Use% Mounted on\n/dev/sdb                  1.0G      4.0K      1.0G   1% /usr/share/nginx/html\n"
    );
    assert_eq!(crate::sim::quantity::value("10Gi"), Some(10 << 30));
}

#[test]
fn curl_through_a_service_port_mapping() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    create(
        &mut sim,
        Kind::Service,
        "web-lb",
        json!({"spec": {"clusterIP": "10.96.9.9", "selector": {"app": "nginx"},
                        "ports": [{"port": 8080, "targetPort": "web"}]}}),
    );
    run(
        &mut sim,
        "web-0",
        "echo zero > /usr/share/nginx/html/index.html",
    );
    run(
        &mut sim,
        "web-1",
        "echo one > /usr/share/nginx/html/index.html",
    );
    let seen: std::collections::BTreeSet<String> = (0..20)
        .map(|_| run(&mut sim, "web-0", "curl -s http://web-lb:8080/").output)
        .collect();
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["one\n", "zero\n"]);
    let r = run(&mut sim, "web-0", "curl web-lb");
    assert_eq!(
        r.output,
        "curl: (7) Failed to connect to web-lb port 80: Connection refused\n"
    );
}

#[test]
fn odd_input_never_panics() {
    let mut sim = Sim::new(6);
    mysql_cluster(&mut sim);
    zk(&mut sim);
    cassandra(&mut sim, &[true]);
    let scripts = [
        "",
        ";",
        "&&",
        "||",
        "|",
        "'",
        "\"",
        "`",
        "$(",
        "$((",
        "$((1/0))",
        "$((",
        "${",
        "${X",
        "echo $((1 +))",
        "cat <",
        "echo >",
        "for",
        "for i in",
        "for i in 1; do",
        "if",
        "if true; then",
        "while",
        "done",
        "fi",
        "(",
        ")",
        "(echo a",
        "echo a)",
        "! ",
        "a=b",
        "=x",
        "echo ééé 🦀 > /tmp/ü; cat /tmp/ü",
        "cd /nope",
        "cd",
        "ls /nope /tmp",
        "rm -rf /",
        "mv",
        "mv a",
        "cp /nope /x",
        "seq",
        "seq 5 1",
        "head -n x",
        "printf",
        "printf %",
        "echo ${X:-",
        "sh -c",
        "bash -c 'echo $((2*3))'",
        "exit x",
        "test",
        "[ 1 -gt ]",
        "[ -d ]",
        "nslookup",
        "dig",
        "host",
        "curl",
        "wget",
        "nc",
        "nc -z",
        "ping",
        "ping -c",
        "df -h /nope",
        "mount",
        "hostname -x",
        "env | head -n 1",
        "mysql -e",
        "mysql -h",
        "mysql -h mysql-0.mysql -e \"'\"",
        "mysql -h mysql-0.mysql -e 'SELECT'",
        "mysql -h mysql-0.mysql -e 'SELECT * FROM'",
        "mysql -h mysql-0.mysql -e 'INSERT INTO'",
        "mysql -h mysql-0.mysql -e 'INSERT INTO t VALUES ('",
        "mysql -h mysql-0.mysql -e 'CREATE TABLE x.'",
        "mysql -h mysql-0.mysql -e 'CREATE DATABASE'",
        "mysql -h mysql-0.mysql -e 'USE'",
        "mysql -h mysql-0.mysql -e 'SELECT 1,,2'",
        "mysql -h mysql-0.mysql -e 'SELECT \"'",
        "mysql -h mysql-0.mysql -e 'DELETE FROM a.b WHERE'",
        "mysql -h mysql-0.mysql -e ';;;'",
        "mysql -h mysql-0.mysql -e 'SELECT `'",
        "mysql -h mysql-0.mysql -e 'SHOW TABLES'",
        "mysql -h mysql-0.mysql -e 'SELECT a AS'",
        "mysql -h mysql-0.mysql -e 'SELECT COUNT(*) FROM'",
    ];
    for pod in ["mysql-client", "mysql-0", "zk-0", "cassandra-0"] {
        for s in scripts {
            let _ = run(&mut sim, pod, s);
        }
    }
    for s in [
        "zkCli.sh",
        "zkCli.sh get",
        "zkCli.sh create",
        "zkCli.sh create /a/b c",
        "zkCli.sh ls",
        "zkCli.sh delete /",
        "zkCli.sh -server",
        "zkServer.sh",
        "echo stat | nc localhost 2181",
        "echo | nc localhost 2181",
    ] {
        let _ = run(&mut sim, "zk-0", s);
    }
    for s in [
        "nodetool",
        "nodetool removenode",
        "nodetool removenode x",
        "cqlsh",
        "cqlsh -e",
        "cqlsh -e 'CREATE KEYSPACE'",
        "cqlsh -e 'DROP KEYSPACE'",
        "cqlsh -e ';'",
    ] {
        let _ = run(&mut sim, "cassandra-0", s);
    }
    // Direct argv without a shell, and an unknown pod.
    for argv in [
        vec![],
        vec!["".to_string()],
        vec!["/".to_string()],
        vec!["sh".to_string(), "-c".to_string()],
    ] {
        let _ = exec_resolving(
            &mut sim,
            &Key::new(Kind::Pod, "default", "zk-0"),
            None,
            &argv,
            &ExecOptions::default(),
            test_resolver,
        );
    }
    let r = exec_resolving(
        &mut sim,
        &Key::new(Kind::Pod, "default", "nope"),
        None,
        &["ls".into()],
        &ExecOptions::default(),
        test_resolver,
    );
    assert_eq!(r.exit_code, 1);
}

#[test]
fn chmod_minus_x_breaks_the_probe_too() {
    let mut sim = Sim::new(2);
    zk(&mut sim);
    let uid = sim
        .store
        .get(Kind::Pod, "default", "zk-1")
        .unwrap()
        .meta
        .uid
        .clone();
    run(&mut sim, "zk-1", "chmod -x /opt/zookeeper/bin/zkOk.sh");
    assert!(sim.faults.unready_pods.contains(&uid));
    let r = run(&mut sim, "zk-1", "zkOk.sh");
    assert_eq!(
        (r.output.as_str(), r.exit_code),
        ("sh: zkOk.sh: Permission denied\n", 126)
    );
    run(&mut sim, "zk-1", "chmod 755 /opt/zookeeper/bin/zkOk.sh");
    assert!(!sim.faults.unready_pods.contains(&uid));
    assert_eq!(run(&mut sim, "zk-1", "zkOk.sh").exit_code, 0);
}

#[test]
fn busybox_nslookup_applet_follows_the_image_tag() {
    use super::net::busybox_nslookup_rewritten as new;
    for old in [
        "busybox:1.28",
        "busybox:1.28.4",
        "docker.io/library/busybox:1.27",
        "busybox:1.27.2-glibc",
    ] {
        assert!(!new(old), "{old}");
    }
    for newer in [
        "busybox",
        "busybox:latest",
        "busybox:1.29",
        "busybox:1.36.1",
        "registry:5000/busybox:1.37",
        "busybox@sha256:ab",
    ] {
        assert!(new(newer), "{newer}");
    }
    // Not busybox: the original shape.
    assert!(!new("nginx:1.27"));
    assert!(!new("registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3"));
}
