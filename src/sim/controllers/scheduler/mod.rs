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
//!
//! Files, each beside its Go twin: this one holds the queue side (which
//! pods wait, in what order) and the cycle's snapshot of nodes and placed
//! pods (`internal/cache`, `framework.NodeInfo`, `FitError`);
//! `schedule_one.rs` one pod's cycle and binding; `filter.rs` the filter
//! plugins; `interpodaffinity.rs` InterPodAffinity's filter; `score.rs` the
//! score plugins; `helpers.rs` helpers shared with other controllers.

use super::{Ctx, Keys, Out};
use crate::sim::object::{rfc3339, Object, ValueExt};
use crate::sim::object::{Key, Kind, Labels, OwnerRef};
use crate::sim::selector::Selector;
use crate::sim::sort;
use crate::sim::store::{Change, Store};
use crate::sim::{nodeutil, podutil};
use serde_json::{json, Value};
use std::borrow::Cow;
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

mod filter;
mod helpers;
mod interpodaffinity;
mod schedule_one;
mod score;

use filter::*;
pub use helpers::*;
use interpodaffinity::*;
pub use schedule_one::*;
use score::*;

// ---- the scheduling cycle -------------------------------------------

/// A pod already on a node (or assumed there in this cycle).
/// Borrowed from the store: a cycle copies nothing of the pods it counts.
struct Placed<'a> {
    node: Cow<'a, str>,
    namespace: &'a str,
    labels: &'a Labels,
    affinity: &'a Value,
    /// It has required pod anti-affinity terms (checked against every
    /// incoming pod on every node, so worked out once).
    required_anti: bool,
    host_ports: Cow<'a, [(String, i64)]>,
}

struct NodeInfo<'a> {
    node: &'a Object,
    /// `spec.unschedulable` and `spec.taints`, read once per snapshot
    /// rather than by each filter and score for every pod.
    unschedulable: bool,
    taints: &'a [Value],
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
    /// Sorted by name (found by [`Snapshot::index_of`]).
    nodes: Vec<NodeInfo<'a>>,
    placed: Vec<Placed<'a>>,
    /// Per controller uid, how many of its placed pods each node (by
    /// position in `nodes`) holds: PodTopologySpread's counts, kept as pods
    /// are assumed rather than counted again for every pod scored.
    owned: BTreeMap<&'a str, Vec<usize>>,
    /// PVs the WaitForFirstConsumer claims of placed pods will take, not
    /// bound yet: upstream's `AssumePodVolumes` sets their claimRef in the
    /// assume cache, so the next pod's filter does not count them free.
    taken: BTreeSet<String>,
}

fn placed_of<'a>(pod: &'a Object, node: Cow<'a, str>) -> Placed<'a> {
    let affinity = podutil::affinity(pod);
    Placed {
        node,
        namespace: pod.namespace(),
        labels: &pod.meta.labels,
        affinity,
        required_anti: !affinity.is_null()
            && !affinity
                .array_at("podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution")
                .is_empty(),
        host_ports: podutil::host_ports(pod),
    }
}

impl<'a> Snapshot<'a> {
    fn new(store: &'a Store) -> Snapshot<'a> {
        let nodes: Vec<NodeInfo> = store
            .list(Kind::Node)
            .map(|n| {
                let a = nodeutil::allocatable(n);
                NodeInfo {
                    node: n,
                    unschedulable: n.spec().bool_at("unschedulable") == Some(true),
                    taints: taints(n),
                    alloc_cpu: a.milli_cpu,
                    alloc_mem: a.memory,
                    alloc_pods: a.pods,
                    req_cpu: 0,
                    req_mem: 0,
                    nonzero_cpu: 0,
                    nonzero_mem: 0,
                    pods: 0,
                }
            })
            .collect();
        // The store lists nodes by key, which for a cluster-scoped kind is
        // by name: already the order `index_of` searches.
        debug_assert!(nodes
            .windows(2)
            .all(|w| w[0].node.name() < w[1].node.name()));
        let mut snap = Snapshot {
            store,
            nodes,
            // Every pod may be placed: sized once rather than grown per pass.
            placed: Vec::with_capacity(store.pod_count()),
            owned: BTreeMap::new(),
            taken: BTreeSet::new(),
        };
        for pod in store.list(Kind::Pod) {
            if podutil::is_terminal(pod) {
                continue;
            }
            if let Some(n) = podutil::node_name(pod) {
                snap.assume(pod, Cow::Borrowed(n));
            } else if let Some(n) = selected_node_of(store, pod) {
                // Waiting for its volumes on a chosen node: already assumed there.
                snap.assume_volumes(pod, &n);
                snap.assume(pod, Cow::Owned(n));
            }
        }
        snap
    }

    fn assume(&mut self, pod: &'a Object, node: Cow<'a, str>) {
        if let Some(i) = self.index_of(&node) {
            let (cpu, mem) = pod_requests(pod);
            let (nzc, nzm) = pod_nonzero_requests(pod);
            let n = &mut self.nodes[i];
            n.req_cpu = n.req_cpu.saturating_add(cpu);
            n.req_mem = n.req_mem.saturating_add(mem);
            n.nonzero_cpu = n.nonzero_cpu.saturating_add(nzc);
            n.nonzero_mem = n.nonzero_mem.saturating_add(nzm);
            n.pods += 1;
            if let Some(owner) = pod.meta.controller_ref() {
                let counts = self
                    .owned
                    .entry(owner.uid.as_str())
                    .or_insert_with(|| vec![0; self.nodes.len()]);
                counts[i] += 1;
            }
        }
        self.placed.push(placed_of(pod, node));
    }

    /// `AssumePodVolumes`: each unbound WaitForFirstConsumer claim of a pod
    /// placed on `node` takes the PV it matches there, if any (the rest are
    /// provisioned).
    fn assume_volumes(&mut self, pod: &Object, node: &str) {
        let store = self.store;
        let Some(node) = store.get(Kind::Node, "", node) else {
            return;
        };
        for c in podutil::claim_names(pod) {
            let Some(claim) = store.get(Kind::PersistentVolumeClaim, pod.namespace(), c) else {
                continue;
            };
            if claim_bound(claim) || !wait_for_first_consumer(store, claim) {
                continue;
            }
            if let Some(pv) = static_volume_for(store, claim, node, &self.taken) {
                self.taken.insert(pv.name().to_string());
            }
        }
    }

    /// The position in `nodes` of the node with this name.
    fn index_of(&self, name: &str) -> Option<usize> {
        self.nodes
            .binary_search_by(|n| n.node.name().cmp(name))
            .ok()
    }

    fn node_of(&self, name: &str) -> Option<&NodeInfo<'a>> {
        self.index_of(name).map(|i| &self.nodes[i])
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
    sync_keys(ctx, Keys::All, out)
}

/// The key that stands for every pod waiting to be scheduled (no pod has
/// an empty namespace and name), as upstream's `MoveAllToActiveOrBackoffQueue`
/// moves every unschedulable pod back to the active queue.
fn every_pending() -> Key {
    Key::new(Kind::Pod, "", "")
}

/// What the cycle's snapshot takes from a pod ([`Snapshot::new`],
/// [`Snapshot::assume`], [`placed_of`]): whether it is terminal or
/// terminating, its node and claims, labels, owners, affinity, host ports
/// and requests. A pod that is not placed and names no claim is not in it.
/// (Only these, not the whole spec: comparing every pod's spec on every
/// status write was most of this route.)
#[derive(PartialEq)]
struct Placement<'a> {
    terminal: bool,
    terminating: bool,
    node: Option<&'a str>,
    claims: Vec<&'a str>,
    labels: &'a Labels,
    owners: &'a [OwnerRef],
    affinity: &'a Value,
    host_ports: Cow<'a, [(String, i64)]>,
    requests: (i64, i64),
    nonzero_requests: (i64, i64),
}

fn placement(pod: Option<&Object>) -> Option<Placement<'_>> {
    let p = pod?;
    let node = podutil::node_name(p);
    let claims = podutil::claim_names(p);
    if node.is_none() && claims.is_empty() {
        return None;
    }
    Some(Placement {
        terminal: podutil::is_terminal(p),
        terminating: p.meta.terminating(),
        node,
        claims,
        labels: &p.meta.labels,
        owners: &p.meta.owner_references,
        affinity: podutil::affinity(p),
        host_ports: podutil::host_ports(p),
        requests: pod_requests(p),
        nonzero_requests: pod_nonzero_requests(p),
    })
}

/// The pending pods a change concerns, as the scheduling queue's event
/// handlers move them: an unbound pod itself (`addPodToSchedulingQueue`,
/// `updatePodInSchedulingQueue`); every pending pod when what a cycle sees
/// of the cluster changes: a node, a claim, a PV, a class, a namespace, or
/// a pod's place in the snapshot (assigned, removed, relabelled, resized).
/// Status changes of placed pods (the kubelet's) concern none.
pub fn route(_store: &Store, change: &Change, new: Option<&Object>, push: &mut dyn FnMut(Key)) {
    let k = &change.key;
    match k.kind {
        Kind::Pod => {
            if change
                .old
                .as_deref()
                .into_iter()
                .chain(new)
                .any(|p| podutil::node_name(p).is_none())
            {
                push(k.clone());
            }
            if placement(change.old.as_deref()) != placement(new) {
                push(every_pending());
            }
        }
        Kind::Node
        | Kind::PersistentVolumeClaim
        | Kind::PersistentVolume
        | Kind::StorageClass
        | Kind::Namespace => push(every_pending()),
        _ => {}
    }
}

/// One scheduling pass over the pending pods in `keys` (all of them for
/// [`every_pending`]). A pod skipped is one whose last attempt wrote
/// nothing: it found no node, with the same message, and so assumed no
/// place in the snapshot that a later pod would have seen.
pub fn sync_keys(ctx: &Ctx, keys: Keys, out: &mut Out) {
    let store = ctx.store;
    let every = keys.has(&every_pending());
    // Pods not bound to a node, from the store's node index, or those of
    // the keys.
    let candidates = if every {
        store.pods_on_node("").collect()
    } else {
        keys.objects(store, Kind::Pod)
    };
    let mut pending: Vec<&Object> = candidates
        .into_iter()
        .filter(|p| {
            podutil::node_name(p).is_none()
                && !p.meta.terminating()
                && !podutil::is_terminal(p)
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
    // The snapshot is taken when a pod first needs filtering
    // (`schedule_pod`): it is read from the store, which the pass does not
    // change, and only pods that were filtered are assumed into it, so
    // taking it later in the pass gives the same snapshot. Pods waiting
    // for their volumes on a chosen node read none of it.
    let mut snap: Option<Snapshot> = None;
    for pod in pending {
        let mark = out.key_begin();
        let waiting_on = selected_node_of(store, pod);
        let decision = match &waiting_on {
            Some(node) => continue_volume_binding(store, pod, node),
            None => schedule_pod(store, &mut snap, pod),
        };
        // A pod placed here got past PreFilter: the snapshot is taken.
        match decision {
            Decision::Bind(node) => {
                if let (None, Some(snap)) = (&waiting_on, snap.as_mut()) {
                    snap.assume(pod, Cow::Owned(node.clone()));
                }
                bind(ctx, out, pod, &node);
            }
            Decision::WaitForVolumes(node, claims) => {
                if let (None, Some(snap)) = (&waiting_on, snap.as_mut()) {
                    snap.assume_volumes(pod, &node);
                    snap.assume(pod, Cow::Owned(node.clone()));
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
        out.key_end_if_busy(mark, || pod.key());
    }
}

#[cfg(test)]
mod tests;
