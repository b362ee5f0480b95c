//! The kubelet's node status (upstream `kubelet_node_status.go`): it
//! registers its node and posts Ready, and hands out pod IPs from the
//! node's pod CIDR.

use super::*;
use crate::sim::sort;

/// The conditions the kubelet posts, in the order it keeps them, with
/// the reason and message of the status it wants (True for Ready, False
/// for the pressures).
const NODE_CONDITIONS: [(&str, &str, &str); 4] = [
    (
        "MemoryPressure",
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
    ),
    (
        "DiskPressure",
        "KubeletHasNoDiskPressure",
        "kubelet has no disk pressure",
    ),
    (
        "PIDPressure",
        "KubeletHasSufficientPID",
        "kubelet has sufficient PID available",
    ),
    ("Ready", "KubeletReady", "kubelet is posting ready status"),
];

fn condition_rank(c: &Value) -> usize {
    match c.str_at("type") {
        Some("MemoryPressure") => 0,
        Some("DiskPressure") => 1,
        Some("PIDPressure") => 2,
        Some("Ready") => 3,
        _ => 4,
    }
}

/// Whether the node's status is already what [`post_node_status`] would
/// post: every field set, each condition at the status wanted and
/// stamped, the conditions in order. Then the post changes nothing and
/// the node need not be copied (every kubelet pass asks, for every node).
fn node_status_is_posted(node: &Object) -> bool {
    let status = node.status();
    if status.at("allocatable").is_null()
        || status.at("nodeInfo").is_null()
        || status.at("addresses").is_null()
    {
        debug_assert!(!node_status_is_posted_by_type(node));
        return false;
    }
    // One pass over the conditions (each one's type read once): in rank
    // order, and the first of each wanted type at its status and stamped.
    let mut found = [false; 4];
    let mut last_rank = 0;
    let mut ok = true;
    for c in status.array_at("conditions") {
        let rank = condition_rank(c);
        if rank < last_rank {
            ok = false;
            break;
        }
        last_rank = rank;
        if rank < 4 && !found[rank] {
            found[rank] = true;
            let want = if rank == 3 { "True" } else { "False" };
            if c.str_at("status") != Some(want)
                || c.at("lastHeartbeatTime").is_null()
                || c.at("lastTransitionTime").is_null()
            {
                ok = false;
                break;
            }
        }
    }
    let posted = ok && found.iter().all(|f| *f);
    debug_assert_eq!(posted, node_status_is_posted_by_type(node));
    posted
}

/// [`node_status_is_posted`] as first written, one look-up per wanted
/// condition: the check of the one-pass version under `debug_assertions`.
fn node_status_is_posted_by_type(node: &Object) -> bool {
    let status = node.status();
    let conds = status.array_at("conditions");
    !status.at("allocatable").is_null()
        && !status.at("nodeInfo").is_null()
        && !status.at("addresses").is_null()
        && NODE_CONDITIONS.iter().all(|(ctype, _, _)| {
            let want = if *ctype == "Ready" { "True" } else { "False" };
            conds
                .iter()
                .find(|c| c.str_at("type") == Some(ctype))
                .is_some_and(|c| {
                    c.str_at("status") == Some(want)
                        && !c.at("lastHeartbeatTime").is_null()
                        && !c.at("lastTransitionTime").is_null()
                })
        })
        && conds
            .windows(2)
            .all(|w| condition_rank(&w[0]) <= condition_rank(&w[1]))
}

/// The kubelet registers its node and posts Ready while it runs.
///
/// A keyed pass looks only at the nodes whose keys are dirty: a node's post
/// depends on nothing but the node (a change of faults or config makes the
/// engine sync every key), so a node that no change touched since it was
/// posted is still posted, and reading every node's conditions on every
/// pass was a tenth of a 300-pod rollout.
pub(super) fn post_node_status(ctx: &Ctx, out: &mut Out, keys: Keys) -> BTreeMap<String, Object> {
    let mut changed = BTreeMap::new();
    let nodes: Box<dyn Iterator<Item = &Object>> = match keys {
        Keys::All => Box::new(ctx.store.list(Kind::Node)),
        Keys::Only(set) => Box::new(
            set[set.partition_point(|k| k.kind < Kind::Node)..]
                .iter()
                .take_while(|k| k.kind == Kind::Node)
                .filter_map(|k| ctx.store.get_key(k)),
        ),
    };
    for node in nodes {
        if ctx.faults.failed_nodes.contains(node.name()) {
            continue;
        }
        record_node_schedulable_event(node, out);
        let posted = node_status_is_posted(node);
        if posted && !cfg!(debug_assertions) {
            continue;
        }
        let mut n = node.clone();
        let now = rfc3339(ctx.now);
        let status = n.status_mut();
        let cfg = ctx.config;
        if status.at("allocatable").is_null() {
            let res = json!({
                "cpu": format!("{}m", cfg.node_cpu_milli),
                "memory": format!("{}Ki", cfg.node_memory_bytes / 1024),
                "pods": cfg.node_max_pods.to_string(),
            });
            if status.at("capacity").is_null() {
                status["capacity"] = res.clone();
            }
            status["allocatable"] = status["capacity"].clone();
        }
        if status.at("nodeInfo").is_null() {
            status["nodeInfo"] = json!({
                "kubeletVersion": crate::sim::wellknown::KUBERNETES_VERSION,
                "containerRuntimeVersion": "containerd://1.7.24",
                "osImage": "Ordinal simulated node",
                "kernelVersion": "6.1.0",
                "operatingSystem": "linux",
                "architecture": "amd64",
            });
        }
        let mut conds: Vec<Value> = status.array_at("conditions").to_vec();
        let mut became_ready = false;
        for (ctype, reason, message) in NODE_CONDITIONS {
            let want = if ctype == "Ready" { "True" } else { "False" };
            match conds.iter_mut().find(|c| c.str_at("type") == Some(ctype)) {
                Some(c) if c.str_at("status") == Some(want) => {
                    // A registered node's first post stamps the times.
                    for f in ["lastHeartbeatTime", "lastTransitionTime"] {
                        if c.at(f).is_null() {
                            c[f] = now.clone().into();
                        }
                    }
                }
                Some(c) => {
                    *c = json!({"type": ctype, "status": want, "reason": reason, "message": message,
                                "lastHeartbeatTime": now, "lastTransitionTime": now});
                    became_ready |= ctype == "Ready";
                }
                None => {
                    conds.push(
                        json!({"type": ctype, "status": want, "reason": reason, "message": message,
                                      "lastHeartbeatTime": now, "lastTransitionTime": now}),
                    );
                    became_ready |= ctype == "Ready";
                }
            }
        }
        sort::sort_by_key(&mut conds, condition_rank);
        status["conditions"] = Value::Array(conds);
        if status.at("addresses").is_null() {
            status["addresses"] = json!([{"type": "Hostname", "address": node.name()}]);
        }
        // The shortcut above, proved on every pass of every test.
        debug_assert!(
            !posted || n == *node,
            "node {} was taken as posted but its post changes it",
            node.name()
        );
        if n != *node {
            changed.insert(node.name().to_string(), n);
            if became_ready && !scheduler::node_ready(node) {
                out.event(
                    node,
                    false,
                    "NodeReady",
                    format!("Node {} status is now: NodeReady", node.name()),
                );
            }
        }
    }
    changed
}

/// `recordNodeSchedulableEvent`: the kubelet says when its node's
/// `spec.unschedulable` changed (`kubectl cordon`/`uncordon`). Upstream it
/// compares with the value it saw last (`lastNodeUnschedulable`, false at
/// start); a pure sync has no such memory, so Ordinal reads the change off
/// the node lifecycle controller's `node.kubernetes.io/unschedulable`
/// taint, which follows the field one pass later: a field that disagrees
/// with the taint has just changed. Said at once, not at the kubelet's
/// next 10 s status update.
fn record_node_schedulable_event(node: &Object, out: &mut Out) {
    let cordoned = node.spec().bool_at("unschedulable") == Some(true);
    let tainted = scheduler::taints(node).iter().any(|t| {
        t.str_at("key") == Some(scheduler::TAINT_UNSCHEDULABLE)
            && t.str_at("effect") == Some("NoSchedule")
    });
    if cordoned != tainted {
        let status = if cordoned {
            "NodeNotSchedulable"
        } else {
            "NodeSchedulable"
        };
        out.event(
            node,
            false,
            status,
            format!("Node {} status is now: {status}", node.name()),
        );
    }
}

/// The addresses of a node's /24 pod CIDR its pods hold, as the hosts
/// (last octets) they take: the only addresses [`allocate_ip`] hands out.
/// Read once per pass from the pods' IPs; a rollout asks it for every pod
/// it starts, and comparing the text of each candidate address against
/// every pod's was a share of each start.
pub(super) struct PodIps {
    /// `<a>.<b>.<c>` of the node's `podCIDR` (none without one).
    prefix: Option<String>,
    taken: [bool; 256],
}

impl PodIps {
    pub(super) fn of<'a>(node: &Object, ips: impl Iterator<Item = &'a str>) -> PodIps {
        let mut used = PodIps {
            prefix: cidr_prefix(node),
            taken: [false; 256],
        };
        if let Some(prefix) = &used.prefix {
            for ip in ips {
                // `<prefix>.<host>` with the host as `format!` prints it.
                let host = ip
                    .strip_prefix(prefix.as_str())
                    .and_then(|r| r.strip_prefix('.'))
                    .filter(|h| podutil::prints_as_decimal(h))
                    .and_then(|h| h.parse::<usize>().ok());
                if let Some(h) = host.filter(|&h| h < 256) {
                    used.taken[h] = true;
                }
            }
        }
        used
    }
}

/// `<a>.<b>.<c>` of a node's `podCIDR` `<a>.<b>.<c>.<d>/<n>`.
fn cidr_prefix(node: &Object) -> Option<String> {
    let cidr = node.spec().str_at("podCIDR")?;
    let base = cidr.split('/').next()?;
    let mut octets: Vec<&str> = base.split('.').collect();
    if octets.len() != 4 {
        return None;
    }
    octets.pop();
    Some(octets.join("."))
}

/// The first free address of a /24 pod CIDR, from .2 (.1 is the bridge).
pub(super) fn allocate_ip(used: &mut PodIps) -> Option<String> {
    let prefix = used.prefix.as_deref()?;
    let host = (2..255).find(|&h| !used.taken[h])?;
    used.taken[host] = true;
    Some(format!("{prefix}.{host}"))
}

pub(super) fn host_ip(node: &Object) -> String {
    node.status()
        .array_at("addresses")
        .iter()
        .find(|a| a.str_at("type") == Some("InternalIP"))
        .and_then(|a| a.str_at("address"))
        .unwrap_or("172.18.0.2")
        .to_string()
}
