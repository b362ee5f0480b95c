//! The facts the store reads once from a stored pod's or node's JSON and
//! keeps beside it ([`Derived`]), like a typed object beside client-go's
//! unstructured one. The types are here, beside the object that holds
//! them, so reading them is a match and not a dynamic downcast (the
//! controllers ask them millions of times in a large rollout); their
//! readers are `podutil` and `nodeutil`, whose docs say what each field
//! answers.

use super::{Kind, Shared};
use serde_json::Value;

/// What the controllers ask of a pod on every pass, read from its JSON
/// once when the store takes the pod and kept beside it
/// ([`Derived`]). `podutil`'s readers answer from it for a stored pod and
/// from the JSON for any other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodFacts {
    pub state: PodState,
    /// `podutil::ready_since`.
    pub ready_since: Option<u64>,
    /// `podutil::pod_ip`.
    pub pod_ip: Option<String>,
    /// `podutil::printed_status`: the API's log summarises every pod it writes,
    /// the pod before the write as well as after.
    pub printed: PrintedStatus,
    /// `podutil::log_summary`: the API logs it of the pod before every write, and
    /// of the pod after, as stored.
    pub summary: String,
    /// `podutil::revision_label` and `podutil::pod_name_labelled`: the StatefulSet
    /// controller asks them of every pod of a set on every sync, and a
    /// label look-up compares strings down the map.
    pub revision: Option<String>,
    pub pod_name_labelled: bool,
    /// What follows from the name and the spec: shared by every version of
    /// the pod with the same spec, since most writes are to the status and
    /// copying these strings per write was most of the store's allocation.
    pub spec: std::sync::Arc<SpecFacts>,
    /// `podutil::kept_verdict`: not a fact of the pod (empty when read, ignored
    /// by equality), what the objects that select it found of this version.
    pub verdicts: KeptVerdicts,
}

/// What a sync asks of a pod against the spec of the object that selects
/// it: the selector match (a StatefulSet's `ClaimPods`, a Service's
/// endpoints), and for a StatefulSet `identityMatches` with
/// `storageMatches` (`processReplica`; false for a Service).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub selected: bool,
    pub matches_spec: bool,
}

/// [`Verdict`]s kept with a pod version's facts, each with the kind of
/// object that asked and the spec it was worked out against (shared, so a
/// later spec is told apart by identity: [`Shared::same`]). Two places,
/// filled once each by the first two to ask: a pod's StatefulSet and the
/// Service that names it.
#[derive(Default)]
pub struct KeptVerdicts(pub(crate) [std::sync::OnceLock<(Kind, Shared<Value>, Verdict)>; 2]);

impl Clone for KeptVerdicts {
    /// A copy starts empty, as a fresh read does.
    fn clone(&self) -> KeptVerdicts {
        KeptVerdicts::default()
    }
}

impl PartialEq for KeptVerdicts {
    fn eq(&self, _: &KeptVerdicts) -> bool {
        true
    }
}

impl Eq for KeptVerdicts {}

impl std::fmt::Debug for KeptVerdicts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeptVerdicts")
    }
}

/// The part of [`PodFacts`] read from the pod's name and spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecFacts {
    /// `podutil::node_name`.
    pub node_name: Option<String>,
    /// `podutil::claim_volumes`.
    pub claim_volumes: Vec<(Option<String>, String)>,
    /// `podutil::hostname_and_subdomain`.
    pub hostname: Option<String>,
    pub subdomain: Option<String>,
    /// `podutil::pod_requests` and `podutil::pod_nonzero_requests`: the scheduler counts
    /// every placed pod's on each pass, and parsing quantities is dear.
    pub requests: (i64, i64),
    pub nonzero_requests: (i64, i64),
    /// `podutil::host_ports`.
    pub host_ports: Vec<(String, i64)>,
    /// Whether `spec.affinity` is set (`podutil::affinity`): the scheduler reads
    /// it of every placed pod on every pass, and most pods have none.
    pub has_affinity: bool,
    /// `podutil::parent_and_ordinal` of the name, as (the parent's length, the
    /// ordinal): the StatefulSet controller asks it of every pod of a set
    /// several times per sync.
    pub ordinal: (usize, i64),
    /// `podutil::set_claim_volumes`: the volumes mounted from the claim that a
    /// StatefulSet named as the pod's parent makes for its ordinal from a
    /// claim template named as the volume.
    pub set_claim_volumes: Vec<String>,
}

/// A pod's phase as controllers compare it (`Other` for any other word).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Pending,
    Running,
    Succeeded,
    Failed,
    Other,
}

/// What controllers ask of a pod on every pass, read from its status
/// once: the phase (Pending when unset, as `podutil::phase`) and whether the
/// Ready condition is True (`podutil::is_ready`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PodState {
    pub phase: Phase,
    pub ready: bool,
}

/// What kubectl's pod printer (`printPod`) derives from a pod: ready and
/// total containers, the STATUS word, and restarts with the time of the
/// last. One computation for `kubectl get`, the log's summaries and the
/// faces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintedStatus {
    pub ready: usize,
    pub total: usize,
    /// The STATUS column: `Running`, `ContainerCreating`, `Init:0/1`, ...
    pub reason: String,
    pub restarts: i64,
    /// When a container last terminated (virtual ms), for `(5s ago)`.
    pub last_restart: Option<u64>,
}

/// What the scheduler asks of every node on every pass, read from its JSON
/// once when the store takes the node and kept beside it
/// ([`Derived`]), as [`PodFacts`] is for pods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeFacts {
    /// `nodeutil::allocatable`: parsing three quantities per node per pass was a
    /// twentieth of an OrderedReady rollout (docs/perf17.md).
    pub allocatable: Allocatable,
    /// `nodeutil::reads_its_pods`: the node lifecycle controller's route asks it of
    /// a pod's node on every pod change.
    pub reads_its_pods: bool,
}

/// `status.allocatable` as the scheduler's `NodeInfo` counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allocatable {
    pub milli_cpu: i64,
    pub memory: i64,
    /// Upstream's kubelet defaults `--max-pods` to 110.
    pub pods: i64,
}

/// A view derived from an object's JSON and cached beside it. Only the
/// store fills it (`Store::put`), when the object becomes immutable behind
/// its `Arc`; an object leaving the store keeps it only in the store's
/// change log, which is read and dropped. Every copy starts empty, so an
/// object changed after a copy never carries a stale view. Readers
/// (`podutil`, `nodeutil`) fall back to the JSON when it is empty, and
/// under `debug_assertions` check it against the JSON. It takes no part
/// in equality.
#[derive(Default)]
pub enum Derived {
    #[default]
    None,
    Pod(Box<PodFacts>),
    Node(Box<NodeFacts>),
}

/// A type of facts [`Derived`] holds.
pub trait Facts: Sized {
    fn of(derived: &Derived) -> Option<&Self>;
    fn into_derived(self) -> Derived;
}

impl Facts for PodFacts {
    fn of(derived: &Derived) -> Option<&PodFacts> {
        match derived {
            Derived::Pod(f) => Some(f),
            _ => None,
        }
    }
    fn into_derived(self) -> Derived {
        Derived::Pod(Box::new(self))
    }
}

impl Facts for NodeFacts {
    fn of(derived: &Derived) -> Option<&NodeFacts> {
        match derived {
            Derived::Node(f) => Some(f),
            _ => None,
        }
    }
    fn into_derived(self) -> Derived {
        Derived::Node(Box::new(self))
    }
}

impl Derived {
    pub(crate) fn of<T: Facts>(view: T) -> Derived {
        view.into_derived()
    }
    pub(crate) fn get<T: Facts>(&self) -> Option<&T> {
        T::of(self)
    }
}

impl Clone for Derived {
    fn clone(&self) -> Derived {
        Derived::None
    }
}

impl PartialEq for Derived {
    fn eq(&self, _: &Derived) -> bool {
        true
    }
}
