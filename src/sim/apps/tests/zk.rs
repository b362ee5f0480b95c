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

/// A ZooKeeper StatefulSet `set` of `n` pods under the headless Service
/// `svc`, each running `container` (named, image and command set).
fn ensemble(sim: &mut Sim, set: &str, svc: &str, n: u32, container: Value) {
    create(
        sim,
        Kind::Service,
        svc,
        json!({"spec": {"clusterIP": "None", "selector": {"app": set}}}),
    );
    let owner = create(
        sim,
        Kind::StatefulSet,
        set,
        json!({"spec": {"replicas": n, "serviceName": svc}}),
    );
    for i in 0..n {
        let name = format!("{set}-{i}");
        let claim_name = format!("data-{name}");
        claim(sim, &claim_name);
        let mut c = container.clone();
        c["volumeMounts"] = json!([{"name": "data", "mountPath": "/var/lib/zookeeper"}]);
        PodSpec {
            name: &name,
            labels: json!({"app": set}),
            containers: json!([c]),
            volumes: json!([{"name": "data", "persistentVolumeClaim": {"claimName": claim_name}}]),
            ip: &format!("10.244.{}.30", i + 1),
            ready: true,
            subdomain: Some(svc),
            owner: Some(&owner),
            init: json!([]),
        }
        .create(sim);
    }
}

#[test]
fn k8szk_reads_configmap_keys_with_dots() {
    // The seed's zk-config keys `jvm.heap`, `purge.interval`, ...: the
    // kubelet sets them whole, so zkGenConfig.sh sees them.
    let mut sim = Sim::new(2);
    create(
        &mut sim,
        Kind::ConfigMap,
        "coord-config",
        json!({"data": {"ensemble": "coord-0;coord-1", "jvm.heap": "1G", "purge.interval": "6", "tick": "3000"}}),
    );
    let from = |k: &str| json!({"configMapKeyRef": {"name": "coord-config", "key": k}});
    ensemble(
        &mut sim,
        "coord",
        "coord-hl",
        2,
        json!({"name": "k8szk", "image": "gcr.io/google_samples/k8szk:v1", "env": [
            {"name": "ZK_ENSEMBLE", "valueFrom": from("ensemble")},
            {"name": "ZK_HEAP_SIZE", "valueFrom": from("jvm.heap")},
            {"name": "ZK_TICK_TIME", "valueFrom": from("tick")},
            {"name": "ZK_PURGE_INTERVAL", "valueFrom": from("purge.interval")}]}),
    );
    let env = run(&mut sim, "coord-1", "env").output;
    assert!(env.contains("ZK_HEAP_SIZE=1G\n"), "{env}");
    assert!(env.contains("ZK_PURGE_INTERVAL=6\n"), "{env}");
    let cfg = run(&mut sim, "coord-1", "cat /opt/zookeeper/conf/zoo.cfg").output;
    assert_eq!(
        cfg,
        "clientPort=2181\ndataDir=/var/lib/zookeeper/data\ndataLogDir=/var/lib/zookeeper/log\n\
         tickTime=3000\ninitLimit=10\nsyncLimit=5\nmaxClientCnxns=60\n\
         minSessionTimeout=6000\nmaxSessionTimeout=60000\n\
         autopurge.snapRetainCount=3\nautopurge.purgeInteval=6\n\
         server.1=coord-0.coord-hl.default.svc.cluster.local:2888:3888\n\
         server.2=coord-1.coord-hl.default.svc.cluster.local:2888:3888\n"
    );
    // zkGenConfig.sh wrote the server id when the server started, before
    // any client used the ensemble.
    assert_eq!(
        run(&mut sim, "coord-0", "cat /var/lib/zookeeper/data/myid").output,
        "1\n"
    );
}

#[test]
fn start_zookeeper_options_make_the_config_and_myid() {
    // The current tutorial's image, its set renamed and five servers.
    let mut sim = Sim::new(2);
    let start = "start-zookeeper --servers=5 --data_dir=/var/lib/zookeeper/data \
                 --data_log_dir=/var/lib/zookeeper/data/log --conf_dir=/opt/zookeeper/conf \
                 --client_port=2181 --election_port=3888 --server_port=2888 --tick_time=2000 \
                 --init_limit=10 --sync_limit=5 --heap=512M --max_client_cnxns=60 \
                 --snap_retain_count=3 --purge_interval=12 --max_session_timeout=40000 \
                 --min_session_timeout=4000 --log_level=INFO";
    ensemble(
        &mut sim,
        "coord",
        "coord-hs",
        5,
        json!({"name": "kubernetes-zookeeper",
               "image": "registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10",
               "command": ["sh", "-c", start]}),
    );
    let cfg = run(&mut sim, "coord-2", "cat /opt/zookeeper/conf/zoo.cfg").output;
    let servers: String = (0..5)
        .map(|i| {
            format!(
                "server.{}=coord-{i}.coord-hs.default.svc.cluster.local:2888:3888\n",
                i + 1
            )
        })
        .collect();
    assert_eq!(
        cfg,
        format!(
            "#This file was autogenerated DO NOT EDIT\nclientPort=2181\n\
             dataDir=/var/lib/zookeeper/data\ndataLogDir=/var/lib/zookeeper/data/log\n\
             tickTime=2000\ninitLimit=10\nsyncLimit=5\nmaxClientCnxns=60\n\
             minSessionTimeout=4000\nmaxSessionTimeout=40000\n\
             autopurge.snapRetainCount=3\nautopurge.purgeInteval=12\n{servers}"
        )
    );
    for i in 0..5 {
        assert_eq!(
            run(
                &mut sim,
                &format!("coord-{i}"),
                "cat /var/lib/zookeeper/data/myid"
            )
            .output,
            format!("{}\n", i + 1)
        );
    }
    // Five servers: three make a quorum.
    delete_pod(&mut sim, "coord-3");
    delete_pod(&mut sim, "coord-4");
    assert!(run(&mut sim, "coord-0", "zkServer.sh status")
        .output
        .contains("Mode: "));
    delete_pod(&mut sim, "coord-2");
    assert_eq!(run(&mut sim, "coord-0", "zkServer.sh status").exit_code, 1);
}

#[test]
fn start_zookeeper_alone_lists_no_servers_and_writes_no_myid() {
    let mut sim = Sim::new(2);
    ensemble(
        &mut sim,
        "solo",
        "solo-hs",
        1,
        json!({"name": "zk", "image": "registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10",
               "command": ["sh", "-c", "start-zookeeper --servers=1"]}),
    );
    let cfg = run(&mut sim, "solo-0", "cat /opt/zookeeper/conf/zoo.cfg").output;
    assert!(
        cfg.ends_with("autopurge.purgeInteval=0\n") && !cfg.contains("server."),
        "{cfg}"
    );
    assert_eq!(
        run(&mut sim, "solo-0", "cat /var/lib/zookeeper/data/myid").exit_code,
        1
    );
    assert!(run(&mut sim, "solo-0", "zkServer.sh status")
        .output
        .ends_with("Mode: standalone\n"));
}
