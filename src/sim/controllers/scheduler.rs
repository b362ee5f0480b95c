//! `default-scheduler`: binds pending pods to nodes as kube-scheduler's
//! default profile does. Filters run in upstream's plugin order and the
//! first one that rejects a node gives that node's reason (NodeUnschedulable,
//! TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit,
//! VolumeBinding, InterPodAffinity); scores prefer the least requested node
//! and spread a controller's pods; a tie is broken by a hash of the pod uid
//! (upstream picks at random among equals).
//!
//! A pod that fits nowhere stays Pending with `PodScheduled=False`
//! (`Unschedulable`) and a `FailedScheduling` event worded as `FitError`
//! prints it, preemption's verdict included (every pod here has priority 0,
//! so preemption never finds victims).

use super::{Ctx, Out};
use crate::sim::object::Kind;
use crate::sim::object::{rfc3339, Object, ValueExt};
use crate::sim::podutil;
use crate::sim::selector::Selector;
use crate::sim::sort::{self, CollectSorted};
use crate::sim::store::Store;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

pub use crate::sim::quantity;

pub const SCHEDULER_NAME: &str = "default-scheduler";
pub const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
pub const TAINT_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
pub const TAINT_NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";

// The filter plugins' reasons, worded as upstream (v1.31).
pub const ERR_UNSCHEDULABLE: &str = "node(s) were unschedulable";
pub const ERR_NODE_AFFINITY: &str = "node(s) didn't match Pod's node affinity/selector";
pub const ERR_PORTS: &str = "node(s) didn't have free ports for the requested pod ports";
pub const ERR_TOO_MANY_PODS: &str = "Too many pods";
pub const ERR_VOLUME_NODE_CONFLICT: &str = "node(s) had volume node affinity conflict";
pub const ERR_VOLUME_BIND_CONFLICT: &str =
    "node(s) didn't find available persistent volumes to bind";
pub const ERR_UNBOUND_IMMEDIATE: &str = "pod has unbound immediate PersistentVolumeClaims";
pub const ERR_POD_AFFINITY: &str = "node(s) didn't match pod affinity rules";
pub const ERR_POD_ANTI_AFFINITY: &str = "node(s) didn't match pod anti-affinity rules";
pub const ERR_EXISTING_ANTI_AFFINITY: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";
pub const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";

/// Requests a container without any count as, for scoring only
/// (`schedutil.DefaultMilliCPURequest` / `DefaultMemoryRequest`).
const DEFAULT_MILLI_CPU: i64 = 100;
const DEFAULT_MEMORY: i64 = 200 * 1024 * 1024;

// ---- shared helpers (also for the DaemonSet controller and kubectl) ----

/// `v1helper.TolerationsTolerateTaint`: does any toleration match the taint?
pub fn tolerates(tolerations: &[Value], taint: &Value) -> bool {
    tolerations.iter().any(|t| toleration_matches(t, taint))
}

/// `Toleration.ToleratesTaint`.
pub fn toleration_matches(t: &Value, taint: &Value) -> bool {
    let effect = t.str_at("effect").unwrap_or("");
    if !effect.is_empty() && Some(effect) != taint.str_at("effect") {
        return false;
    }
    let key = t.str_at("key").unwrap_or("");
    if !key.is_empty() && Some(key) != taint.str_at("key") {
        return false;
    }
    match t.str_at("operator").unwrap_or("Equal") {
        "Exists" => true,
        "Equal" | "" => t.str_at("value").unwrap_or("") == taint.str_at("value").unwrap_or(""),
        _ => false,
    }
}

pub use crate::sim::nodeaffinity::{node_selector_matches, node_selector_term_matches};

/// NodeAffinity's filter: `nodeSelector` and required node affinity.
pub fn node_matches_pod_affinity(pod: &Object, node: &Object) -> bool {
    let sel = pod.spec().labels_at("nodeSelector");
    if !sel.iter().all(|(k, v)| node.meta.labels.get(k) == Some(v)) {
        return false;
    }
    let required = pod
        .spec()
        .at("affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
    required.is_null() || node_selector_matches(required, node)
}

/// The node's taints (`spec.taints`).
pub fn taints(node: &Object) -> &[Value] {
    node.spec().array_at("taints")
}

/// The first NoSchedule/NoExecute taint the pod does not tolerate.
pub fn first_untolerated_taint<'a>(pod: &Object, node: &'a Object) -> Option<&'a Value> {
    let tols = pod.spec().array_at("tolerations");
    taints(node).iter().find(|t| {
        matches!(t.str_at("effect"), Some("NoSchedule") | Some("NoExecute")) && !tolerates(tols, t)
    })
}

/// Resource requests of a pod: the larger of the sum over app containers
/// and any single init container, plus overhead (`resourcehelper.PodRequests`).
/// When only limits are given, requests default to them.
pub fn pod_requests(pod: &Object) -> (i64, i64) {
    let one = |c: &Value, res: &str, nonzero: bool| -> i64 {
        let r = c.at("resources.requests").at(res);
        let r = if r.is_null() {
            c.at("resources.limits").at(res)
        } else {
            r
        };
        let v = match res {
            "cpu" => quantity::cpu_milli(r),
            _ => quantity::bytes(r),
        };
        match v {
            Some(v) => v,
            None if nonzero => {
                if res == "cpu" {
                    DEFAULT_MILLI_CPU
                } else {
                    DEFAULT_MEMORY
                }
            }
            None => 0,
        }
    };
    requests_with(pod, |c, r| one(c, r, false))
}

/// Requests with upstream's non-zero defaults, for scoring.
fn pod_nonzero_requests(pod: &Object) -> (i64, i64) {
    requests_with(pod, |c, res| {
        let r = c.at("resources.requests").at(res);
        let r = if r.is_null() {
            c.at("resources.limits").at(res)
        } else {
            r
        };
        match res {
            "cpu" => quantity::cpu_milli(r).unwrap_or(DEFAULT_MILLI_CPU),
            _ => quantity::bytes(r).unwrap_or(DEFAULT_MEMORY),
        }
    })
}

fn requests_with(pod: &Object, f: impl Fn(&Value, &str) -> i64) -> (i64, i64) {
    let spec = pod.spec();
    let mut cpu: i64 = 0;
    let mut mem: i64 = 0;
    for c in spec.array_at("containers") {
        cpu = cpu.saturating_add(f(c, "cpu"));
        mem = mem.saturating_add(f(c, "memory"));
    }
    for c in spec.array_at("initContainers") {
        cpu = cpu.max(f(c, "cpu"));
        mem = mem.max(f(c, "memory"));
    }
    if let Some(o) = spec.at("overhead.cpu").as_str() {
        cpu = cpu.saturating_add(quantity::cpu_milli(&Value::from(o)).unwrap_or(0));
    }
    if let Some(o) = spec.at("overhead.memory").as_str() {
        mem = mem.saturating_add(quantity::parse_bytes(o).unwrap_or(0));
    }
    (cpu, mem)
}

/// Whether a node is ready in the Ready condition's terms.
pub fn node_ready(node: &Object) -> bool {
    node.status()
        .array_at("conditions")
        .iter()
        .find(|c| c.str_at("type") == Some("Ready"))
        .and_then(|c| c.str_at("status"))
        == Some("True")
}

/// The StorageClass a claim uses: its `storageClassName`, or the default
/// class when the field is absent (the DefaultStorageClass admission).
pub fn claim_class<'a>(store: &'a Store, claim: &Object) -> Option<&'a Object> {
    match claim.spec().at("storageClassName") {
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => store.get(Kind::StorageClass, "", s),
        _ => store.list(Kind::StorageClass).find(|sc| {
            sc.meta
                .annotations
                .get("storageclass.kubernetes.io/is-default-class")
                .is_some_and(|v| v == "true")
        }),
    }
}

/// Is the claim's binding delayed until a pod is scheduled?
pub fn wait_for_first_consumer(store: &Store, claim: &Object) -> bool {
    claim_class(store, claim).and_then(|sc| sc.field("volumeBindingMode").as_str())
        == Some("WaitForFirstConsumer")
}

fn claim_bound(claim: &Object) -> bool {
    claim.status().str_at("phase") == Some("Bound")
        && claim
            .spec()
            .str_at("volumeName")
            .is_some_and(|v| !v.is_empty())
}

// ---- the scheduling cycle -------------------------------------------

/// A pod already on a node (or assumed there in this cycle).
struct Placed {
    node: String,
    namespace: String,
    labels: BTreeMap<String, String>,
    affinity: Value,
    /// It has required pod anti-affinity terms (checked against every
    /// incoming pod on every node, so worked out once).
    required_anti: bool,
    owner: Option<String>,
    host_ports: Vec<(String, i64)>,
}

struct NodeInfo<'a> {
    node: &'a Object,
    alloc_cpu: i64,
    alloc_mem: i64,
    alloc_pods: i64,
    req_cpu: i64,
    req_mem: i64,
    nonzero_cpu: i64,
    nonzero_mem: i64,
    pods: i64,
}

struct Snapshot<'a> {
    store: &'a Store,
    nodes: Vec<NodeInfo<'a>>,
    placed: Vec<Placed>,
}

fn host_ports(pod: &Object) -> Vec<(String, i64)> {
    pod.spec()
        .array_at("containers")
        .iter()
        .flat_map(|c| c.array_at("ports").iter())
        .filter_map(|p| {
            let hp = p.i64_at("hostPort")?;
            (hp > 0).then(|| (p.str_at("protocol").unwrap_or("TCP").to_string(), hp))
        })
        .collect()
}

fn placed_of(pod: &Object, node: &str) -> Placed {
    Placed {
        node: node.to_string(),
        namespace: pod.namespace().to_string(),
        labels: pod.meta.labels.clone(),
        affinity: pod.spec().at("affinity").clone(),
        required_anti: !pod
            .spec()
            .array_at("affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution")
            .is_empty(),
        owner: pod.meta.controller_ref().map(|o| o.uid.clone()),
        host_ports: host_ports(pod),
    }
}

impl<'a> Snapshot<'a> {
    fn new(store: &'a Store) -> Snapshot<'a> {
        let mut nodes: Vec<NodeInfo> = store
            .list(Kind::Node)
            .map(|n| {
                let a = n.status().at("allocatable");
                NodeInfo {
                    node: n,
                    alloc_cpu: quantity::cpu_milli(a.at("cpu")).unwrap_or(0),
                    alloc_mem: quantity::bytes(a.at("memory")).unwrap_or(0),
                    alloc_pods: quantity::milli_of(a.at("pods"))
                        .map(|m| (m / 1000) as i64)
                        .unwrap_or(110),
                    req_cpu: 0,
                    req_mem: 0,
                    nonzero_cpu: 0,
                    nonzero_mem: 0,
                    pods: 0,
                }
            })
            .collect();
        sort::sort_by(&mut nodes, |a, b| a.node.name().cmp(b.node.name()));
        let mut snap = Snapshot {
            store,
            nodes,
            placed: Vec::new(),
        };
        for pod in store.list(Kind::Pod) {
            if podutil::is_failed(pod) || podutil::is_succeeded(pod) {
                continue;
            }
            if let Some(n) = podutil::node_name(pod) {
                snap.assume(pod, n);
            } else if let Some(n) = selected_node_of(store, pod) {
                // Waiting for its volumes on a chosen node: already assumed there.
                snap.assume(pod, &n);
            }
        }
        snap
    }

    fn assume(&mut self, pod: &Object, node: &str) {
        let (cpu, mem) = pod_requests(pod);
        let (nzc, nzm) = pod_nonzero_requests(pod);
        if let Some(n) = self.nodes.iter_mut().find(|n| n.node.name() == node) {
            n.req_cpu = n.req_cpu.saturating_add(cpu);
            n.req_mem = n.req_mem.saturating_add(mem);
            n.nonzero_cpu = n.nonzero_cpu.saturating_add(nzc);
            n.nonzero_mem = n.nonzero_mem.saturating_add(nzm);
            n.pods += 1;
        }
        self.placed.push(placed_of(pod, node));
    }

    fn node_of(&self, name: &str) -> Option<&NodeInfo<'a>> {
        self.nodes.iter().find(|n| n.node.name() == name)
    }
}

/// The node a pod's WaitForFirstConsumer claims were given, if any: the
/// pod is then past filtering and waits for its volumes.
fn selected_node_of(store: &Store, pod: &Object) -> Option<String> {
    if podutil::node_name(pod).is_some() || pod.meta.terminating() {
        return None;
    }
    podutil::claim_names(pod).into_iter().find_map(|c| {
        let claim = store.get(Kind::PersistentVolumeClaim, pod.namespace(), c)?;
        // A bound claim's annotation is history: its PV decides where pods go.
        if claim_bound(claim) || !wait_for_first_consumer(store, claim) {
            return None;
        }
        claim.meta.annotations.get(SELECTED_NODE).cloned()
    })
}

/// Why the scheduler could not place a pod: a PreFilter message that
/// applies to every node, or one reason list per node.
#[derive(Debug, Clone, PartialEq)]
pub struct FitError {
    pub num_all_nodes: usize,
    pub pre_filter: Option<String>,
    /// Per node: reasons, and whether preemption could help there
    /// (`Unschedulable` vs `UnschedulableAndUnresolvable`).
    pub node_reasons: BTreeMap<String, (Vec<String>, bool)>,
}

fn histogram(counts: &BTreeMap<String, usize>) -> String {
    let mut parts: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
    sort::sort(&mut parts);
    parts.join(", ")
}

impl FitError {
    /// `FitError.Error()` with the DefaultPreemption PostFilter message.
    pub fn message(&self) -> String {
        let n = self.num_all_nodes;
        let mut msg = format!("0/{n} nodes are available:");
        let mut preempt: BTreeMap<String, usize> = BTreeMap::new();
        if let Some(p) = &self.pre_filter {
            msg.push_str(&format!(" {p}."));
            // Every node carries the PreFilter's unresolvable status.
            preempt.insert(NOT_HELPFUL.into(), n);
        } else {
            let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
            for (rs, resolvable) in self.node_reasons.values() {
                for r in rs {
                    *reasons.entry(r.clone()).or_default() += 1;
                }
                let p = if *resolvable { NO_VICTIMS } else { NOT_HELPFUL };
                *preempt.entry(p.into()).or_default() += 1;
            }
            if !reasons.is_empty() {
                msg.push_str(&format!(" {}.", histogram(&reasons)));
            }
        }
        msg.push_str(&format!(
            " preemption: 0/{n} nodes are available: {}.",
            histogram(&preempt)
        ));
        msg
    }
}

/// The outcome of one scheduling attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Bind(String),
    /// Chosen node; these WaitForFirstConsumer claims must first bind there.
    WaitForVolumes(String, Vec<String>),
    Unschedulable(FitError),
    /// No node at all: `no nodes available to schedule pods`.
    NoNodes,
}

pub fn sync(ctx: &Ctx, out: &mut Out) {
    let store = ctx.store;
    // Pods not bound to a node, from the store's node index.
    let mut pending: Vec<&Object> = store
        .pods_on_node("")
        .filter(|p| {
            podutil::node_name(p).is_none()
                && !p.meta.terminating()
                && !podutil::is_failed(p)
                && !podutil::is_succeeded(p)
                && p.spec().str_at("schedulerName").unwrap_or(SCHEDULER_NAME) == SCHEDULER_NAME
                && p.spec().array_at("schedulingGates").is_empty()
        })
        .collect();
    sort::sort_by(&mut pending, |a, b| {
        (a.meta.creation_timestamp, a.namespace(), a.name()).cmp(&(
            b.meta.creation_timestamp,
            b.namespace(),
            b.name(),
        ))
    });
    if pending.is_empty() {
        return;
    }
    let mut snap = Snapshot::new(store);
    for pod in pending {
        let waiting_on = selected_node_of(store, pod);
        let decision = match &waiting_on {
            Some(node) => continue_volume_binding(store, pod, node),
            None => schedule_pod(&snap, pod),
        };
        match decision {
            Decision::Bind(node) => {
                if waiting_on.is_none() {
                    snap.assume(pod, &node);
                }
                bind(ctx, out, pod, &node);
            }
            Decision::WaitForVolumes(node, claims) => {
                if waiting_on.is_none() {
                    snap.assume(pod, &node);
                }
                for c in claims {
                    if let Some(claim) = store.get(Kind::PersistentVolumeClaim, pod.namespace(), &c)
                    {
                        if claim.meta.annotations.get(SELECTED_NODE) != Some(&node) {
                            let mut claim = claim.clone();
                            claim
                                .meta
                                .annotations
                                .insert(SELECTED_NODE.into(), node.clone());
                            out.update(claim);
                        }
                    }
                }
            }
            Decision::Unschedulable(fit) => unschedulable(ctx, out, pod, fit.message()),
            Decision::NoNodes => {
                unschedulable(ctx, out, pod, "no nodes available to schedule pods".into())
            }
        }
    }
}

/// The VolumeBinding plugin's PreBind: the pod waits on its chosen node
/// until every claim is bound, then binds.
fn continue_volume_binding(store: &Store, pod: &Object, node: &str) -> Decision {
    let mut unbound = Vec::new();
    for c in podutil::claim_names(pod) {
        match store.get(Kind::PersistentVolumeClaim, pod.namespace(), c) {
            Some(claim) if claim_bound(claim) => {}
            Some(claim) if wait_for_first_consumer(store, claim) => unbound.push(c.to_string()),
            // An immediate claim lost its binding meanwhile: wait as well.
            _ => unbound.push(c.to_string()),
        }
    }
    if unbound.is_empty() {
        Decision::Bind(node.to_string())
    } else {
        Decision::WaitForVolumes(node.to_string(), unbound)
    }
}

fn bind(ctx: &Ctx, out: &mut Out, pod: &Object, node: &str) {
    let mut p = pod.clone();
    p.spec_mut()["nodeName"] = node.into();
    set_pod_condition(&mut p, "PodScheduled", "True", None, None, ctx.now);
    out.update(p);
    out.event(
        pod,
        false,
        "Scheduled",
        format!(
            "Successfully assigned {}/{} to {node}",
            pod.namespace(),
            pod.name()
        ),
    );
}

fn unschedulable(ctx: &Ctx, out: &mut Out, pod: &Object, message: String) {
    let current = podutil::condition(pod, "PodScheduled");
    let same = current.is_some_and(|c| {
        c.str_at("status") == Some("False") && c.str_at("message") == Some(message.as_str())
    });
    if same {
        return;
    }
    let mut p = pod.clone();
    set_pod_condition(
        &mut p,
        "PodScheduled",
        "False",
        Some("Unschedulable"),
        Some(&message),
        ctx.now,
    );
    if p.status().str_at("phase").is_none() {
        p.status_mut()["phase"] = "Pending".into();
    }
    out.update(p);
    out.event(pod, true, "FailedScheduling", message);
}

/// Sets a pod condition, keeping `lastTransitionTime` unless the status
/// changes (`podutil.UpdatePodCondition`). Conditions stay in upstream's
/// order: PodScheduled, Initialized, ContainersReady, Ready (others after).
pub fn set_pod_condition(
    pod: &mut Object,
    ctype: &str,
    status: &str,
    reason: Option<&str>,
    message: Option<&str>,
    now: u64,
) {
    let old = podutil::condition(pod, ctype).cloned();
    let transition = match &old {
        Some(o) if o.str_at("status") == Some(status) => o
            .str_at("lastTransitionTime")
            .map(String::from)
            .unwrap_or_else(|| rfc3339(now)),
        _ => rfc3339(now),
    };
    let mut c = json!({
        "type": ctype,
        "status": status,
        "lastProbeTime": null,
        "lastTransitionTime": transition,
    });
    if let Some(r) = reason {
        c["reason"] = r.into();
    }
    if let Some(m) = message {
        c["message"] = m.into();
    }
    let status_v = pod.status_mut();
    if !status_v.at("conditions").is_array() {
        status_v["conditions"] = json!([]);
    }
    let conds = status_v["conditions"].as_array_mut().expect("array");
    match conds.iter_mut().find(|x| x.str_at("type") == Some(ctype)) {
        Some(x) => *x = c,
        None => conds.push(c),
    }
    let rank = |t: Option<&str>| match t {
        Some("PodReadyToStartContainers") => 0,
        Some("PodScheduled") => 5,
        Some("Initialized") => 1,
        Some("Ready") => 2,
        Some("ContainersReady") => 3,
        _ => 4,
    };
    sort::sort_by_key(conds, |x| rank(x.str_at("type")));
}

/// One pod's full scheduling cycle against the snapshot.
fn schedule_pod(snap: &Snapshot, pod: &Object) -> Decision {
    if snap.nodes.is_empty() {
        return Decision::NoNodes;
    }
    let num = snap.nodes.len();
    // PreFilter: VolumeBinding's claim checks fail the pod on every node.
    let claims = match volume_prefilter(snap.store, pod) {
        Ok(c) => c,
        Err(msg) => {
            return Decision::Unschedulable(FitError {
                num_all_nodes: num,
                pre_filter: Some(msg),
                node_reasons: BTreeMap::new(),
            })
        }
    };
    let mut feasible = Vec::new();
    let mut node_reasons = BTreeMap::new();
    for info in &snap.nodes {
        match filter(snap, pod, info, &claims) {
            Ok(()) => feasible.push(info),
            Err((reasons, resolvable)) => {
                node_reasons.insert(info.node.name().to_string(), (reasons, resolvable));
            }
        }
    }
    if feasible.is_empty() {
        return Decision::Unschedulable(FitError {
            num_all_nodes: num,
            pre_filter: None,
            node_reasons,
        });
    }
    let best = feasible
        .iter()
        .map(|info| {
            (
                score(snap, pod, info),
                tie_break(pod, info.node.name()),
                info,
            )
        })
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)))
        .map(|(_, _, info)| info.node.name().to_string())
        .expect("feasible is not empty");
    let to_bind: Vec<String> = claims
        .iter()
        .filter(|c| !claim_bound(c) && wait_for_first_consumer(snap.store, c))
        .map(|c| c.name().to_string())
        .collect();
    if to_bind.is_empty() {
        Decision::Bind(best)
    } else {
        Decision::WaitForVolumes(best, to_bind)
    }
}

fn tie_break(pod: &Object, node: &str) -> u64 {
    // FNV-1a over uid and node name: deterministic, spreads ties.
    let mut h = crate::sim::hash::Fnv64a::new();
    h.write(pod.meta.uid.as_bytes());
    h.write(&[0]);
    h.write(node.as_bytes());
    h.finish()
}

/// VolumeBinding's PreFilter: every claim exists and is not being deleted;
/// immediate claims are bound.
fn volume_prefilter<'a>(store: &'a Store, pod: &Object) -> Result<Vec<&'a Object>, String> {
    let mut claims = Vec::new();
    let mut unbound_immediate = false;
    for name in podutil::claim_names(pod) {
        let Some(claim) = store.get(Kind::PersistentVolumeClaim, pod.namespace(), name) else {
            return Err(format!("persistentvolumeclaim \"{name}\" not found"));
        };
        if claim.meta.terminating() {
            return Err(format!("persistentvolumeclaim \"{name}\" is being deleted"));
        }
        if !claim_bound(claim) && !wait_for_first_consumer(store, claim) {
            unbound_immediate = true;
        }
        claims.push(claim);
    }
    if unbound_immediate {
        return Err(ERR_UNBOUND_IMMEDIATE.into());
    }
    Ok(claims)
}

type Rejection = (Vec<String>, bool);

/// The filter plugins in upstream's order; the first rejection wins. The
/// flag says whether preemption might help (`Unschedulable`).
fn filter(
    snap: &Snapshot,
    pod: &Object,
    info: &NodeInfo,
    claims: &[&Object],
) -> Result<(), Rejection> {
    let node = info.node;
    let tols = pod.spec().array_at("tolerations");
    // NodeUnschedulable.
    if node.spec().bool_at("unschedulable") == Some(true) {
        let t = json!({"key": TAINT_UNSCHEDULABLE, "effect": "NoSchedule"});
        if !tolerates(tols, &t) {
            return Err((vec![ERR_UNSCHEDULABLE.into()], false));
        }
    }
    // TaintToleration.
    if let Some(t) = first_untolerated_taint(pod, node) {
        return Err((
            vec![format!(
                "node(s) had untolerated taint {{{}: {}}}",
                t.str_at("key").unwrap_or(""),
                t.str_at("value").unwrap_or("")
            )],
            false,
        ));
    }
    // NodeAffinity.
    if !node_matches_pod_affinity(pod, node) {
        return Err((vec![ERR_NODE_AFFINITY.into()], false));
    }
    // NodePorts.
    let wanted = host_ports(pod);
    if !wanted.is_empty()
        && snap
            .placed
            .iter()
            .filter(|p| p.node == node.name())
            .any(|p| p.host_ports.iter().any(|hp| wanted.contains(hp)))
    {
        return Err((vec![ERR_PORTS.into()], true));
    }
    // NodeResourcesFit.
    let (cpu, mem) = pod_requests(pod);
    let mut insufficient = Vec::new();
    if info.pods + 1 > info.alloc_pods {
        insufficient.push(ERR_TOO_MANY_PODS.to_string());
    }
    if cpu > 0 && info.req_cpu.saturating_add(cpu) > info.alloc_cpu {
        insufficient.push("Insufficient cpu".to_string());
    }
    if mem > 0 && info.req_mem.saturating_add(mem) > info.alloc_mem {
        insufficient.push("Insufficient memory".to_string());
    }
    if !insufficient.is_empty() {
        return Err((insufficient, true));
    }
    // VolumeBinding.
    for claim in claims {
        if claim_bound(claim) {
            let pv_name = claim.spec().str_at("volumeName").unwrap_or("");
            if let Some(pv) = snap.store.get(Kind::PersistentVolume, "", pv_name) {
                let req = pv.spec().at("nodeAffinity.required");
                if !req.is_null() && !node_selector_matches(req, node) {
                    return Err((vec![ERR_VOLUME_NODE_CONFLICT.into()], false));
                }
            }
        } else if !can_bind_on_node(snap.store, claim, node) {
            return Err((vec![ERR_VOLUME_BIND_CONFLICT.into()], false));
        }
    }
    // InterPodAffinity.
    inter_pod_affinity(snap, pod, node)
}

/// An unbound WaitForFirstConsumer claim can be satisfied on this node: a
/// provisioner can make a volume, or an Available PV fits and may live here.
fn can_bind_on_node(store: &Store, claim: &Object, node: &Object) -> bool {
    let class = claim_class(store, claim);
    let provisioner = class
        .and_then(|c| c.field("provisioner").as_str())
        .unwrap_or("kubernetes.io/no-provisioner");
    if provisioner != "kubernetes.io/no-provisioner" {
        return true;
    }
    let class_name = class.map(|c| c.name()).unwrap_or("");
    let want = claim
        .spec()
        .at("resources.requests.storage")
        .as_str()
        .and_then(quantity::parse_bytes)
        .unwrap_or(0);
    let modes: Vec<&str> = claim
        .spec()
        .array_at("accessModes")
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    store.list(Kind::PersistentVolume).any(|pv| {
        let s = pv.spec();
        let pv_modes: Vec<&str> = s
            .array_at("accessModes")
            .iter()
            .filter_map(|m| m.as_str())
            .collect();
        let free = pv.status().str_at("phase").unwrap_or("Available") == "Available"
            && s.at("claimRef").is_null();
        let na = s.at("nodeAffinity.required");
        free && s.str_at("storageClassName").unwrap_or("") == class_name
            && s.at("capacity.storage")
                .as_str()
                .and_then(quantity::parse_bytes)
                .unwrap_or(0)
                >= want
            && modes.iter().all(|m| pv_modes.contains(m))
            && (na.is_null() || node_selector_matches(na, node))
    })
}

/// A `PodAffinityTerm` read for matching.
struct Term {
    selector: Selector,
    namespaces: Option<BTreeSet<String>>,
    topology_key: String,
}

fn terms_of(store: &Store, owner_ns: &str, list: &[Value], weighted: bool) -> Vec<(Term, i64)> {
    list.iter()
        .filter_map(|t| {
            let (term, weight) = if weighted {
                (
                    t.at("podAffinityTerm"),
                    t.i64_at("weight").unwrap_or(1).clamp(0, 100),
                )
            } else {
                (t, 1)
            };
            let selector = Selector::from_value(term.at("labelSelector")).ok()??;
            let mut namespaces: BTreeSet<String> = term
                .array_at("namespaces")
                .iter()
                .filter_map(|n| n.as_str().map(String::from))
                .collect_sorted();
            let ns_sel = term.at("namespaceSelector");
            let namespaces = if ns_sel.is_null() {
                if namespaces.is_empty() {
                    namespaces.insert(owner_ns.to_string());
                }
                Some(namespaces)
            } else {
                let sel = Selector::from_value(ns_sel)
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                if sel.is_empty() {
                    None // `namespaceSelector: {}`: every namespace.
                } else {
                    for ns in store.list(Kind::Namespace) {
                        if sel.matches(&ns.meta.labels) {
                            namespaces.insert(ns.name().to_string());
                        }
                    }
                    Some(namespaces)
                }
            };
            Some((
                Term {
                    selector,
                    namespaces,
                    topology_key: term.str_at("topologyKey").unwrap_or("").to_string(),
                },
                weight,
            ))
        })
        .collect()
}

impl Term {
    fn matches(&self, namespace: &str, labels: &BTreeMap<String, String>) -> bool {
        self.namespaces
            .as_ref()
            .is_none_or(|n| n.contains(namespace))
            && self.selector.matches(labels)
    }
}

/// The topology value of a node for a key (`None` when the label is absent).
fn topology<'a>(snap: &'a Snapshot, node: &str, key: &str) -> Option<&'a str> {
    snap.node_of(node)
        .and_then(|n| n.node.meta.labels.get(key))
        .map(String::as_str)
}

fn inter_pod_affinity(snap: &Snapshot, pod: &Object, node: &Object) -> Result<(), Rejection> {
    let aff = pod.spec().at("affinity");
    let ns = pod.namespace();
    // Required pod affinity: every term has a matching pod in the node's domain.
    let affinity_terms = terms_of(
        snap.store,
        ns,
        aff.array_at("podAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
        false,
    );
    if !affinity_terms.is_empty() {
        let ok = affinity_terms.iter().all(|(t, _)| {
            let Some(value) = node.meta.labels.get(&t.topology_key) else {
                return false;
            };
            snap.placed.iter().any(|p| {
                t.matches(&p.namespace, &p.labels)
                    && topology(snap, &p.node, &t.topology_key) == Some(value)
            })
        });
        // The first pod of a group that selects itself may go anywhere.
        let no_match_anywhere = affinity_terms.iter().all(|(t, _)| {
            !snap
                .placed
                .iter()
                .any(|p| t.matches(&p.namespace, &p.labels))
        });
        let self_match = affinity_terms
            .iter()
            .all(|(t, _)| t.matches(ns, &pod.meta.labels));
        let first_of_group = no_match_anywhere && self_match;
        if !ok && !first_of_group {
            return Err((vec![ERR_POD_AFFINITY.into()], false));
        }
    }
    // Required pod anti-affinity of the incoming pod.
    let anti_terms = terms_of(
        snap.store,
        ns,
        aff.array_at("podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
        false,
    );
    for (t, _) in &anti_terms {
        let Some(value) = node.meta.labels.get(&t.topology_key) else {
            continue;
        };
        if snap.placed.iter().any(|p| {
            t.matches(&p.namespace, &p.labels)
                && topology(snap, &p.node, &t.topology_key) == Some(value)
        }) {
            return Err((vec![ERR_POD_ANTI_AFFINITY.into()], true));
        }
    }
    // Existing pods' required anti-affinity against the incoming pod.
    for p in snap.placed.iter().filter(|p| p.required_anti) {
        let list = p
            .affinity
            .array_at("podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution");
        if list.is_empty() {
            continue;
        }
        for (t, _) in terms_of(snap.store, &p.namespace, list, false) {
            if !t.matches(ns, &pod.meta.labels) {
                continue;
            }
            let theirs = topology(snap, &p.node, &t.topology_key);
            if theirs.is_some()
                && node.meta.labels.get(&t.topology_key).map(String::as_str) == theirs
            {
                return Err((vec![ERR_EXISTING_ANTI_AFFINITY.into()], true));
            }
        }
    }
    Ok(())
}

/// Score plugins (each normalised to 0..=100, weighted as the default profile).
fn score(snap: &Snapshot, pod: &Object, info: &NodeInfo) -> i64 {
    let node = info.node;
    let (cpu, mem) = pod_nonzero_requests(pod);
    // NodeResourcesFit (LeastAllocated, weight 1).
    let least = |req: i64, alloc: i64| {
        if alloc <= 0 || req > alloc {
            0
        } else {
            ((alloc - req) as i128 * 100 / alloc as i128) as i64
        }
    };
    let least_allocated = (least(info.nonzero_cpu.saturating_add(cpu), info.alloc_cpu)
        + least(info.nonzero_mem.saturating_add(mem), info.alloc_mem))
        / 2;
    // NodeResourcesBalancedAllocation (weight 1).
    let frac = |req: i64, alloc: i64| {
        if alloc <= 0 {
            1.0
        } else {
            (req as f64 / alloc as f64).min(1.0)
        }
    };
    let fc = frac(info.nonzero_cpu.saturating_add(cpu), info.alloc_cpu);
    let fm = frac(info.nonzero_mem.saturating_add(mem), info.alloc_mem);
    let balanced = ((1.0 - (fc - fm).abs() / 2.0) * 100.0) as i64;
    // PodTopologySpread's system default: spread a controller's pods over hosts (weight 2).
    let spread = match pod.meta.controller_ref() {
        Some(owner) => {
            // The owner's pods per node, counted in one pass.
            let mut per_node: BTreeMap<&str, i64> = BTreeMap::new();
            for p in &snap.placed {
                if p.owner.as_deref() == Some(owner.uid.as_str()) {
                    *per_node.entry(p.node.as_str()).or_default() += 1;
                }
            }
            let count = |n: &str| per_node.get(n).copied().unwrap_or(0);
            let max = snap
                .nodes
                .iter()
                .map(|n| count(n.node.name()))
                .max()
                .unwrap_or(0);
            if max == 0 {
                100
            } else {
                (max - count(node.name())) * 100 / max
            }
        }
        None => 100,
    };
    // NodeAffinity preferred terms (weight 2).
    let preferred: i64 = pod
        .spec()
        .array_at("affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution")
        .iter()
        .filter(|p| node_selector_term_matches(p.at("preference"), node))
        .map(|p| p.i64_at("weight").unwrap_or(0).clamp(0, 100))
        .sum();
    // TaintToleration: untolerated PreferNoSchedule taints (weight 3).
    let tols = pod.spec().array_at("tolerations");
    let prefer_no = taints(node)
        .iter()
        .filter(|t| t.str_at("effect") == Some("PreferNoSchedule") && !tolerates(tols, t))
        .count() as i64;
    // InterPodAffinity preferred terms (weight 2).
    let aff = pod.spec().at("affinity");
    let mut ipa: i64 = 0;
    for (list, sign) in [
        (
            "podAffinity.preferredDuringSchedulingIgnoredDuringExecution",
            1,
        ),
        (
            "podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution",
            -1,
        ),
    ] {
        for (t, w) in terms_of(snap.store, pod.namespace(), aff.array_at(list), true) {
            let Some(value) = node.meta.labels.get(&t.topology_key) else {
                continue;
            };
            let n = snap
                .placed
                .iter()
                .filter(|p| {
                    t.matches(&p.namespace, &p.labels)
                        && topology(snap, &p.node, &t.topology_key) == Some(value.as_str())
                })
                .count() as i64;
            ipa += sign * w * n;
        }
    }
    least_allocated + balanced + 2 * spread + 2 * preferred - 30 * prefer_no + 2 * ipa
}

#[cfg(test)]
mod tests;
