//! The ZooKeeper seed's ensemble and its tools.

use super::*;

pub(super) fn zk(sim: &mut Sim) {
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
