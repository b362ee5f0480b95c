//! The cluster a session starts with: namespaces, worker nodes, the
//! default StorageClass and the two Services every cluster has.

use super::api;
use super::object::{Kind, Object};
use super::world::World;
use serde_json::json;

pub use super::wellknown::CLUSTER_DOMAIN;
pub const DNS_SERVICE_IP: &str = "10.96.0.10";
pub const KUBERNETES_SERVICE_IP: &str = "10.96.0.1";
/// The provisioner name of the default StorageClass.
pub const DEFAULT_PROVISIONER: &str = "ordinal.sim/hostpath";

/// Node names: `node-1`, `node-2`, ...
pub fn node_name(i: usize) -> String {
    format!("node-{i}")
}

/// A worker node as the kubelet registers it. `index` (from 1) picks its
/// pod CIDR `10.244.<index>.0/24` and its address.
pub fn node_object(
    name: &str,
    index: usize,
    cpu_milli: i64,
    memory_bytes: i64,
    max_pods: i64,
) -> Object {
    let mut n = Object::new(Kind::Node, "", name);
    for (k, v) in [
        ("kubernetes.io/hostname", name),
        ("kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("beta.kubernetes.io/arch", "amd64"),
    ] {
        n.meta.labels.insert(k.into(), v.into());
    }
    let resources = json!({
        "cpu": format!("{cpu_milli}m"),
        "memory": format!("{}Ki", memory_bytes / 1024),
        "pods": max_pods.to_string(),
    });
    n.body.insert(
        "spec".into(),
        json!({ "podCIDR": format!("10.244.{index}.0/24"), "podCIDRs": [format!("10.244.{index}.0/24")] }),
    );
    n.body.insert(
        "status".into(),
        json!({
            "capacity": resources,
            "allocatable": resources,
            "addresses": [
                {"type": "InternalIP", "address": format!("172.18.0.{}", index + 1)},
                {"type": "Hostname", "address": name},
            ],
            "conditions": [
                {"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"},
            ],
            "nodeInfo": {
                "kubeletVersion": super::KUBERNETES_VERSION,
                "containerRuntimeVersion": "containerd://1.7.24",
                "osImage": "Ordinal simulated node",
                "kernelVersion": "6.1.0",
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        }),
    );
    n
}

pub fn bootstrap(sim: &mut World) {
    let src = "bootstrap";
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        let mut o = Object::new(Kind::Namespace, "", ns);
        o.meta
            .labels
            .insert("kubernetes.io/metadata.name".into(), ns.into());
        o.body.insert("status".into(), json!({"phase": "Active"}));
        api::create(sim, o, src).expect("fresh store");
    }
    let c = sim.config.clone();
    for i in 1..=c.nodes {
        let n = node_object(
            &node_name(i),
            i,
            c.node_cpu_milli,
            c.node_memory_bytes,
            c.node_max_pods,
        );
        api::create(sim, n, src).expect("fresh store");
    }
    let mut sc = Object::new(Kind::StorageClass, "", "standard");
    sc.meta.annotations.insert(
        "storageclass.kubernetes.io/is-default-class".into(),
        "true".into(),
    );
    sc.body
        .insert("provisioner".into(), DEFAULT_PROVISIONER.into());
    sc.body.insert("reclaimPolicy".into(), "Delete".into());
    sc.body
        .insert("volumeBindingMode".into(), "Immediate".into());
    api::create(sim, sc, src).expect("fresh store");

    let mut k = Object::new(Kind::Service, "default", "kubernetes");
    k.meta.labels.insert("component".into(), "apiserver".into());
    k.meta.labels.insert("provider".into(), "kubernetes".into());
    k.body.insert(
        "spec".into(),
        json!({"clusterIP": KUBERNETES_SERVICE_IP, "clusterIPs": [KUBERNETES_SERVICE_IP], "type": "ClusterIP",
               "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}),
    );
    api::create(sim, k, src).expect("fresh store");
    let mut d = Object::new(Kind::Service, "kube-system", "kube-dns");
    d.meta.labels.insert("k8s-app".into(), "kube-dns".into());
    d.body.insert(
        "spec".into(),
        json!({"clusterIP": DNS_SERVICE_IP, "clusterIPs": [DNS_SERVICE_IP], "type": "ClusterIP",
               "selector": {"k8s-app": "kube-dns"},
               "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                         {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53}]}),
    );
    api::create(sim, d, src).expect("fresh store");
}
