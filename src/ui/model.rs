//! What the page shows, read from the simulation: plain data for the
//! views, compared by value so unchanged parts of the page do not redraw.
//! Reading only: every rule lives in `crate::sim`.

use crate::sim::dns;
use crate::sim::engine::Action;
use crate::sim::object::{Kind, Object, ValueExt};
use crate::sim::podutil;
use crate::sim::sort::{self, CollectSorted};
use crate::sim::Sim;
use std::collections::{BTreeMap, HashMap};

/// How long (virtual ms) a DNS record stays highlighted after it came or went.
const DNS_FRESH_MS: u64 = 6_000;

#[derive(Clone, Debug, PartialEq)]
pub struct PodView {
    pub uid: String,
    pub namespace: String,
    pub name: String,
    /// `StatefulSet/web`, or "" for a bare pod.
    pub owner: String,
    pub ordinal: Option<u32>,
    pub node: String,
    /// The STATUS column as kubectl prints it.
    pub status: String,
    /// `1/1`.
    pub ready: String,
    /// `ok`, `progress`, `bad`, `gone`: the card's colour.
    pub tone: &'static str,
    pub restarts: i64,
    pub ip: String,
    pub claims: Vec<String>,
    /// The controller waits on this pod: why.
    pub waited_on: Option<String>,
}

/// A node's lane head (its pods are in [`ClusterView::lanes`]).
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub name: String,
    pub ready: bool,
    pub unschedulable: bool,
    pub failed: bool,
}

/// Pods' row keys ([`row_key`]) by owner, in lane order: `(owner, keys)` runs.
pub type Groups = Vec<(String, Vec<String>)>;

#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadView {
    /// `StatefulSet/web`.
    pub id: String,
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    pub desired: i64,
    pub current: i64,
    pub ready: i64,
    pub waiting: Option<(String, String)>,
}

/// Where the cluster panel draws what: the nodes, and per lane the pods'
/// row keys (each pod's card reads its own [`PodView`], see [`PodCache`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterView {
    pub nodes: Vec<NodeView>,
    /// Per node name (`""`: pods not yet bound to a node), the pods' row
    /// keys grouped by owner.
    pub lanes: BTreeMap<String, Groups>,
    pub workloads: Vec<WorkloadView>,
    pub pods: usize,
}

/// What [`cluster`] found: the layout, and which pods' views changed.
pub struct ClusterUpdate {
    pub view: ClusterView,
    /// Pods described again (new, or their object or waiting note changed).
    pub changed: Vec<String>,
    /// Pods gone since the last update.
    pub removed: Vec<String>,
}

/// The kubectl STATUS of a pod (the printer's precedence: terminating,
/// init containers, then container waiting/terminated reasons, then phase).
pub fn pod_status(pod: &Object) -> String {
    if pod.meta.deletion_timestamp.is_some() {
        return "Terminating".into();
    }
    let st = pod.status();
    if let Some(r) = st.str_at("reason") {
        return r.to_string();
    }
    let inits = st.array_at("initContainerStatuses");
    let n_init = pod.spec().array_at("initContainers").len().max(inits.len());
    for (i, c) in inits.iter().enumerate() {
        if c.at("state.terminated").is_object() && c.i64_at("state.terminated.exitCode") == Some(0)
        {
            continue;
        }
        if let Some(r) = c.str_at("state.terminated.reason") {
            return format!("Init:{r}");
        }
        if let Some(r) = c.str_at("state.waiting.reason") {
            if r != "PodInitializing" {
                return format!("Init:{r}");
            }
        }
        return format!("Init:{i}/{n_init}");
    }
    let mut reason = podutil::phase(pod).to_string();
    for c in st.array_at("containerStatuses") {
        if let Some(r) = c.str_at("state.waiting.reason") {
            reason = r.to_string();
        } else if let Some(r) = c.str_at("state.terminated.reason") {
            reason = r.to_string();
        }
    }
    if podutil::node_name(pod).is_none() && reason == "Pending" {
        return "Pending".into();
    }
    reason
}

fn tone(status: &str, ready: bool) -> &'static str {
    match status {
        "Terminating" => "gone",
        "Running" if ready => "ok",
        "Completed" | "Succeeded" => "done",
        s if s.contains("Err")
            || s.contains("BackOff")
            || s.contains("Error")
            || s == "Failed"
            || s == "Evicted"
            || s == "Unknown"
            || s == "OOMKilled" =>
        {
            "bad"
        }
        _ => "progress",
    }
}

fn owner_of(pod: &Object) -> String {
    pod.meta
        .controller_ref()
        .map(|o| format!("{}/{}", o.kind, o.name))
        .unwrap_or_default()
}

/// The ordinal of a StatefulSet pod: the number after the last dash.
fn ordinal_of(pod: &Object) -> Option<u32> {
    let owner = pod.meta.controller_ref()?;
    if owner.kind != "StatefulSet" {
        return None;
    }
    pod.meta
        .name
        .strip_prefix(&format!("{}-", owner.name))?
        .parse()
        .ok()
}

pub fn pod_view(pod: &Object, waits: &BTreeMap<(String, String), String>) -> PodView {
    let status = pod_status(pod);
    let cs = pod.status().array_at("containerStatuses");
    let n = pod.spec().array_at("containers").len().max(cs.len());
    let ready_n = cs
        .iter()
        .filter(|c| c.bool_at("ready") == Some(true))
        .count();
    let restarts = cs.iter().filter_map(|c| c.i64_at("restartCount")).sum();
    let ready = podutil::is_ready(pod);
    PodView {
        uid: pod.meta.uid.clone(),
        namespace: pod.meta.namespace.clone(),
        name: pod.meta.name.clone(),
        owner: owner_of(pod),
        ordinal: ordinal_of(pod),
        node: podutil::node_name(pod).unwrap_or("").to_string(),
        tone: tone(&status, ready),
        status,
        ready: format!("{ready_n}/{n}"),
        restarts,
        ip: podutil::pod_ip(pod).unwrap_or("").to_string(),
        claims: podutil::claim_names(pod)
            .into_iter()
            .map(String::from)
            .collect(),
        waited_on: waits
            .get(&(pod.meta.namespace.clone(), pod.meta.name.clone()))
            .cloned(),
    }
}

/// A pod's place in its lane: owner, ordinal, name.
type SortKey = (String, u32, String);

fn owner_sort_key(p: &PodView) -> SortKey {
    (
        p.owner.clone(),
        p.ordinal.unwrap_or(u32::MAX),
        p.name.clone(),
    )
}

/// Pod views kept between redraws, by row key (see [`row_key`]): a pod
/// whose object (uid and resource version) and waiting note did not change
/// is not described again.
#[derive(Default)]
pub struct PodCache(HashMap<String, CachedPod>);

/// The pod's uid and resource version when it was described (`None`: to
/// describe again), its waiting note, and the view.
type CachedPod = (Option<(String, u64)>, Option<String>, PodView);

impl PodCache {
    /// The view of the pod with this row key, as of the last update.
    pub fn get(&self, key: &str) -> Option<&PodView> {
        self.0.get(key).map(|(_, _, v)| v)
    }

    /// Every pod is described again at the next update (another branch of
    /// the history may reuse a uid and a resource version), and the rows of
    /// pods gone by then are still reported removed.
    pub fn invalidate(&mut self) {
        for (seen, _, _) in self.0.values_mut() {
            *seen = None;
        }
    }
}

/// A pod card's key: namespace and name, which no two pods share at once.
/// Not the uid: a StatefulSet's pod keeps its name (its identity) when it
/// is made again, and after a scrub most pods are other incarnations of the
/// same names; a card keyed by name is updated in place rather than
/// rebuilt (docs/scrub13.md).
pub fn row_key(namespace: &str, name: &str) -> String {
    format!("{namespace}/{name}")
}

pub fn cluster(sim: &Sim, cache: &mut PodCache) -> ClusterUpdate {
    let store = &sim.store;
    let mut workloads = Vec::new();
    // What each set's controller waits on, as the engine noted it at the
    // set's last sync (not the sync rerun here).
    let mut waits = BTreeMap::new();
    for (owner, (pod, why)) in sim.waiting() {
        if owner.kind == Kind::StatefulSet {
            waits.insert((owner.namespace.clone(), pod.clone()), why.clone());
        }
    }
    for sts in store.list(Kind::StatefulSet) {
        let waiting = sim.waiting().get(&sts.key()).cloned();
        workloads.push(WorkloadView {
            id: format!("StatefulSet/{}", sts.meta.name),
            kind: "StatefulSet",
            namespace: sts.meta.namespace.clone(),
            name: sts.meta.name.clone(),
            desired: sts.spec().i64_at("replicas").unwrap_or(1),
            current: sts
                .status()
                .i64_at("currentReplicas")
                .unwrap_or(0)
                .max(sts.status().i64_at("replicas").unwrap_or(0)),
            ready: sts.status().i64_at("readyReplicas").unwrap_or(0),
            waiting,
        });
    }
    for (kind, label) in [
        (Kind::ReplicationController, "ReplicationController"),
        (Kind::ReplicaSet, "ReplicaSet"),
        (Kind::Deployment, "Deployment"),
    ] {
        for o in store.list(kind) {
            workloads.push(WorkloadView {
                id: format!("{label}/{}", o.meta.name),
                kind: label,
                namespace: o.meta.namespace.clone(),
                name: o.meta.name.clone(),
                desired: o.spec().i64_at("replicas").unwrap_or(1),
                current: o.status().i64_at("replicas").unwrap_or(0),
                ready: o.status().i64_at("readyReplicas").unwrap_or(0),
                waiting: None,
            });
        }
    }
    for o in store.list(Kind::DaemonSet) {
        workloads.push(WorkloadView {
            id: format!("DaemonSet/{}", o.meta.name),
            kind: "DaemonSet",
            namespace: o.meta.namespace.clone(),
            name: o.meta.name.clone(),
            desired: o.status().i64_at("desiredNumberScheduled").unwrap_or(0),
            current: o.status().i64_at("currentNumberScheduled").unwrap_or(0),
            ready: o.status().i64_at("numberReady").unwrap_or(0),
            waiting: None,
        });
    }
    let nodes: Vec<NodeView> =
        store
            .list(Kind::Node)
            .map(|n| NodeView {
                name: n.meta.name.clone(),
                ready: n.status().array_at("conditions").iter().any(|c| {
                    c.str_at("type") == Some("Ready") && c.str_at("status") == Some("True")
                }),
                unschedulable: n.spec().bool_at("unschedulable") == Some(true),
                failed: sim.faults.failed_nodes.contains(&n.meta.name),
            })
            .collect();
    let mut lanes: BTreeMap<String, Vec<(SortKey, String)>> = BTreeMap::new();
    let mut changed = Vec::new();
    let mut seen = HashMap::with_capacity(cache.0.len());
    for pod in store.list(Kind::Pod) {
        let rv = pod.resource_version;
        let waited = waits
            .get(&(pod.meta.namespace.clone(), pod.meta.name.clone()))
            .cloned();
        let key = row_key(&pod.meta.namespace, &pod.meta.name);
        let v = match cache.0.remove(&key) {
            Some((Some((uid, r)), w, v)) if uid == pod.meta.uid && r == rv && w == waited => v,
            _ => {
                changed.push(key.clone());
                pod_view(pod, &waits)
            }
        };
        let lane = if nodes.iter().any(|n| n.name == v.node) {
            v.node.clone()
        } else {
            String::new()
        };
        lanes
            .entry(lane)
            .or_default()
            .push((owner_sort_key(&v), key.clone()));
        seen.insert(key, (Some((v.uid.clone(), rv)), waited, v));
    }
    let removed = cache.0.drain().map(|(uid, _)| uid).collect();
    cache.0 = seen;
    let pods = cache.0.len();
    let lanes = lanes
        .into_iter()
        .map(|(node, mut ps)| {
            sort::sort_by(&mut ps, |a, b| a.0.cmp(&b.0));
            let mut groups: Groups = Vec::new();
            for ((owner, _, _), key) in ps {
                match groups.last_mut() {
                    Some((o, v)) if *o == owner => v.push(key),
                    _ => groups.push((owner, vec![key])),
                }
            }
            (node, groups)
        })
        .collect();
    ClusterUpdate {
        view: ClusterView {
            nodes,
            lanes,
            workloads,
            pods,
        },
        changed,
        removed,
    }
}

// ---- storage ----------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
pub struct ClassView {
    pub name: String,
    pub provisioner: String,
    pub reclaim: String,
    pub binding_mode: String,
    pub default: bool,
    pub broken: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClaimView {
    pub namespace: String,
    pub name: String,
    pub phase: String,
    pub class: String,
    pub volume: String,
    pub size: String,
    pub terminating: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VolumeView {
    pub name: String,
    pub phase: String,
    pub class: String,
    pub claim: String,
    pub reclaim: String,
    pub size: String,
    pub terminating: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct StorageView {
    pub classes: Vec<ClassView>,
    pub claims: Vec<ClaimView>,
    pub volumes: Vec<VolumeView>,
    /// (claim index, volume index) for each bound pair, drawn as a line.
    pub bindings: Vec<(usize, usize)>,
}

pub fn storage(sim: &Sim) -> StorageView {
    let store = &sim.store;
    let classes = store
        .list(Kind::StorageClass)
        .map(|c| ClassView {
            name: c.meta.name.clone(),
            provisioner: c.field("provisioner").as_str().unwrap_or("").to_string(),
            reclaim: c
                .field("reclaimPolicy")
                .as_str()
                .unwrap_or("Delete")
                .to_string(),
            binding_mode: c
                .field("volumeBindingMode")
                .as_str()
                .unwrap_or("Immediate")
                .to_string(),
            default: c
                .meta
                .annotations
                .get("storageclass.kubernetes.io/is-default-class")
                .is_some_and(|v| v == "true"),
            broken: sim.faults.broken_classes.contains(&c.meta.name),
        })
        .collect();
    let claims: Vec<ClaimView> = store
        .list(Kind::PersistentVolumeClaim)
        .map(|c| ClaimView {
            namespace: c.meta.namespace.clone(),
            name: c.meta.name.clone(),
            phase: c.status().str_at("phase").unwrap_or("Pending").to_string(),
            class: c
                .spec()
                .str_at("storageClassName")
                .unwrap_or("")
                .to_string(),
            volume: c.spec().str_at("volumeName").unwrap_or("").to_string(),
            size: c
                .spec()
                .str_at("resources.requests.storage")
                .unwrap_or("")
                .to_string(),
            terminating: c.meta.terminating(),
        })
        .collect();
    let volumes: Vec<VolumeView> = store
        .list(Kind::PersistentVolume)
        .map(|v| VolumeView {
            name: v.meta.name.clone(),
            phase: v.status().str_at("phase").unwrap_or("Pending").to_string(),
            class: v
                .spec()
                .str_at("storageClassName")
                .unwrap_or("")
                .to_string(),
            claim: match v.spec().str_at("claimRef.name") {
                Some(n) => format!(
                    "{}/{}",
                    v.spec().str_at("claimRef.namespace").unwrap_or(""),
                    n
                ),
                None => String::new(),
            },
            reclaim: v
                .spec()
                .str_at("persistentVolumeReclaimPolicy")
                .unwrap_or("Retain")
                .to_string(),
            size: v
                .spec()
                .str_at("capacity.storage")
                .unwrap_or("")
                .to_string(),
            terminating: v.meta.terminating(),
        })
        .collect();
    // A binding is drawn when both sides name each other, as `kubectl get`
    // would show it Bound; one-sided references are still being bound.
    let mut bindings = Vec::new();
    let volume_at: BTreeMap<&str, usize> = volumes
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name.as_str(), i))
        .collect_sorted();
    for (ci, c) in claims.iter().enumerate() {
        if c.volume.is_empty() {
            continue;
        }
        if let Some(&vi) = volume_at.get(c.volume.as_str()) {
            if volumes[vi].claim == format!("{}/{}", c.namespace, c.name) {
                bindings.push((ci, vi));
            }
        }
    }
    StorageView {
        classes,
        claims,
        volumes,
        bindings,
    }
}

// ---- network ----------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
pub struct ServiceView {
    pub namespace: String,
    pub name: String,
    pub cluster_ip: String,
    pub ports: String,
    /// `name ip` of ready and not-ready endpoint addresses.
    pub ready: Vec<String>,
    pub not_ready: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DnsRow {
    pub name: String,
    pub rtype: String,
    pub data: String,
    /// `new`, `gone` or "".
    pub change: &'static str,
}

impl DnsRow {
    /// The record as one line, `name type data` (the DNS log's wording):
    /// a row's identity, whatever its highlight.
    pub fn key(&self) -> String {
        format!("{} {} {}", self.name, self.rtype, self.data)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NetworkView {
    pub services: Vec<ServiceView>,
    pub dns: Vec<DnsRow>,
}

fn addresses(ep: &Object, field: &str) -> Vec<String> {
    let mut out = Vec::new();
    for s in ep
        .field("subsets")
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or(&[])
    {
        for a in s.array_at(field) {
            let who = a
                .str_at("targetRef.name")
                .or_else(|| a.str_at("hostname"))
                .unwrap_or("");
            out.push(
                format!("{who} {}", a.str_at("ip").unwrap_or(""))
                    .trim()
                    .to_string(),
            );
        }
    }
    out
}

pub fn network(sim: &Sim) -> NetworkView {
    let store = &sim.store;
    let services = store
        .list(Kind::Service)
        .map(|s| {
            let ep = store.get(Kind::Endpoints, &s.meta.namespace, &s.meta.name);
            ServiceView {
                namespace: s.meta.namespace.clone(),
                name: s.meta.name.clone(),
                cluster_ip: s.spec().str_at("clusterIP").unwrap_or("").to_string(),
                ports: s
                    .spec()
                    .array_at("ports")
                    .iter()
                    .map(|p| {
                        format!(
                            "{}/{}",
                            p.i64_at("port").unwrap_or(0),
                            p.str_at("protocol").unwrap_or("TCP")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                ready: ep.map(|e| addresses(e, "addresses")).unwrap_or_default(),
                not_ready: ep
                    .map(|e| addresses(e, "notReadyAddresses"))
                    .unwrap_or_default(),
            }
        })
        .collect();
    // Recent DNS changes from the log, newest wins per record.
    let mut recent: BTreeMap<String, &'static str> = BTreeMap::new();
    for e in sim.log.iter().rev() {
        if e.time + DNS_FRESH_MS < sim.now {
            break;
        }
        if e.action == Action::Dns {
            recent
                .entry(e.message.clone())
                .or_insert(if e.reason == "Removed" { "gone" } else { "new" });
        }
    }
    let current = dns::records(store);
    let current_text: std::collections::BTreeSet<String> =
        current.iter().map(|r| r.to_string()).collect_sorted();
    let mut rows: Vec<DnsRow> = current
        .iter()
        .map(|r| DnsRow {
            name: r.name.clone(),
            rtype: r.rtype.clone(),
            data: r.data.clone(),
            change: match recent.get(&r.to_string()) {
                Some(&"new") => "new",
                _ => "",
            },
        })
        .collect();
    // Records that just disappeared stay a moment, struck through.
    for (text, change) in &recent {
        if *change == "gone" && !current_text.contains(text) {
            let mut parts = text.splitn(3, ' ');
            rows.push(DnsRow {
                name: parts.next().unwrap_or("").to_string(),
                rtype: parts.next().unwrap_or("").to_string(),
                data: parts.next().unwrap_or("").to_string(),
                change: "gone",
            });
        }
    }
    sort::sort_by(&mut rows, |a, b| {
        (&a.name, &a.rtype, &a.data).cmp(&(&b.name, &b.rtype, &b.data))
    });
    NetworkView {
        services,
        dns: rows,
    }
}

// ---- events -------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    pub seq: u64,
    /// Virtual ms of the event (LAST SEEN is drawn against the clock).
    pub time: u64,
    pub etype: &'static str,
    pub reason: String,
    pub object: String,
    pub message: String,
}

/// kubectl's short age: `5s`, `3m12s`, `2h`.
pub fn age(ms: u64) -> String {
    let s = ms / 1000;
    if s < 120 {
        format!("{s}s")
    } else if s < 600 {
        format!("{}m{}s", s / 60, s % 60)
    } else if s < 3 * 3600 {
        format!("{}m", s / 60)
    } else {
        format!("{}h", s / 3600)
    }
}

/// The last `limit` Kubernetes Events, newest first.
pub fn events(sim: &Sim, limit: usize) -> Vec<EventRow> {
    sim.log
        .iter()
        .rev()
        .filter(|e| e.action == Action::Recorded || e.action == Action::Fault)
        .take(limit)
        .map(|e| EventRow {
            seq: e.seq,
            time: e.time,
            etype: if e.warning { "Warning" } else { "Normal" },
            reason: e.reason.to_string(),
            object: format!("{}/{}", e.kind.as_str().to_ascii_lowercase(), e.name),
            message: e.message.clone(),
        })
        .collect()
}

/// The virtual clock as `mm:ss.t`.
pub fn clock(ms: u64) -> String {
    format!(
        "{:02}:{:02}.{}",
        ms / 60_000,
        (ms / 1000) % 60,
        (ms / 100) % 10
    )
}
