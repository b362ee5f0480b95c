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
    Object::clone(&api::create(sim, o, "test").unwrap())
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

/// dig's sections in BIND's columns (tabs to 24/32/40/48, one space past
/// a long name) and the warning CoreDNS's answers bring (aa, no ra).
#[test]
fn dig_prints_bind_columns() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    let out = run(
        &mut sim,
        "web-1",
        "dig web-0.nginx.default.svc.cluster.local",
    )
    .output;
    assert!(
        out.contains(";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0\n;; WARNING: recursion requested but not available\n\n"),
        "{out}"
    );
    assert!(
        out.contains("\n;web-0.nginx.default.svc.cluster.local. IN A\n\n;; ANSWER SECTION:\nweb-0.nginx.default.svc.cluster.local. 30 IN A\t10.244.1.5\n"),
        "{out}"
    );
    // A name the zone does not hold: NXDOMAIN with the zone's SOA.
    let out = run(
        &mut sim,
        "web-1",
        "dig web-9.nginx.default.svc.cluster.local",
    )
    .output;
    assert!(out.contains("status: NXDOMAIN, id: 1\n;; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 0\n;; WARNING"), "{out}");
    assert!(
        out.contains("\n\n;; AUTHORITY SECTION:\ncluster.local.\t\t30\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. 17356"),
        "{out}"
    );
    assert!(
        out.ends_with(" 7200 1800 86400 30\n\n;; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n\n"),
        "{out}"
    );
    // Outside the zone the forwarded answer recurses: no warning, no SOA
    // of ours.
    let out = run(&mut sim, "web-1", "dig foo.bar").output;
    assert!(out.contains("\n;foo.bar.\t\t\tIN\tA\n"), "{out}");
    assert!(
        out.contains(
            ";; flags: qr rd ra; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0\n\n;; QUESTION"
        ),
        "{out}"
    );
    assert_eq!(
        net::dig_columns(&[
            ("google.com.", 0),
            ("300", 24),
            ("IN", 32),
            ("A", 40),
            ("1.2.3.4", 48)
        ]),
        "google.com.\t\t300\tIN\tA\t1.2.3.4"
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

/// A declaration builtin's `name=value` arguments are assignments: the
/// value is not split into fields (`export x=$(echo a b)` exports "a b",
/// not `x=a` and a variable `b`); the other arguments still are.
#[test]
fn declaration_builtins_do_not_split_assignments() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    let r = run(
        &mut sim,
        "web-0",
        "export x=$(echo a b) y=`echo c d`; echo \"$x|$y\"; printenv b || echo no-b",
    );
    assert_eq!(r.output, "a b|c d\nno-b\n");
    let r = run(
        &mut sim,
        "web-0",
        "v='1 2'; readonly r=$v; echo \"$r\"; export $(echo p=1 q=2); echo $p$q",
    );
    assert_eq!(r.output, "1 2\n12\n");
    let r = run(&mut sim, "web-0", "local l=$(echo a b)");
    assert_eq!(
        r,
        ExecResult {
            output: "sh: local: not in a function\n".into(),
            exit_code: 2
        }
    );
}

/// Found by the fuzzer: nested `for` loops multiply (20 words, 8 deep is
/// 20^8 rounds). The exec stops at `MAX_COMMANDS` as if interrupted.
#[test]
fn nested_loops_stop_at_the_command_limit() {
    let mut sim = Sim::new(1);
    web(&mut sim);
    let words = "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20";
    let mut script = "echo x".to_string();
    for d in 0..8 {
        script = format!("for i{d} in {words}; do {script}; done");
    }
    let r = run(&mut sim, "web-0", &format!("{script}; echo after"));
    assert_eq!(r.exit_code, 130);
    assert!(
        r.output.ends_with("^C\n"),
        "{}",
        &r.output[r.output.len() - 20..]
    );
    assert!(!r.output.contains("after"));
    assert!(r.output.matches('x').count() < MAX_COMMANDS);
}

mod cassandra;
mod limits;
mod mysql;
mod tools;
mod zk;
