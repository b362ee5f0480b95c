//! Pod status helpers shared by controllers, printers and the UI, named as
//! upstream's `podutil`. The pod status shape follows `v1.PodStatus`:
//! `phase`, `conditions[type=Ready|ContainersReady|Initialized|PodScheduled]`
//! with `lastTransitionTime`, `podIP`, `hostIP`, `startTime`, and
//! `containerStatuses`/`initContainerStatuses` with `state.waiting.reason`,
//! `state.running.startedAt`, `state.terminated`, `ready`, `restartCount`.

use super::object::{parse_rfc3339, Kind, Object, Shared, ValueExt};
// The facts' types live beside `Derived`, which holds them; their readers
// are here.
pub use super::object::facts::{
    KeptVerdicts, Phase, PodFacts, PodState, PrintedStatus, SpecFacts, Verdict,
};
use serde_json::Value;

impl PodFacts {
    /// Reads the facts from the pod's JSON.
    pub fn read(pod: &Object) -> PodFacts {
        PodFacts::read_with(pod, std::sync::Arc::new(SpecFacts::read(pod)))
    }

    /// The facts of `pod`, whose name and spec equal those of the pod `old`
    /// was read from: what follows from them is shared, not read again.
    pub fn read_same_spec(pod: &Object, old: &PodFacts) -> PodFacts {
        PodFacts::read_with(pod, old.spec.clone())
    }

    fn read_with(pod: &Object, spec: std::sync::Arc<SpecFacts>) -> PodFacts {
        let conds = Conds::read(pod);
        let printed = read_printed_status(pod, &conds);
        PodFacts {
            state: PodState::read(pod, &conds),
            ready_since: conds.ready_since(),
            pod_ip: read_pod_ip(pod).map(String::from),
            summary: summary_with(pod, &printed.reason, &conds),
            printed,
            revision: read_revision_label(pod).map(String::from),
            pod_name_labelled: read_pod_name_labelled(pod),
            spec,
            verdicts: KeptVerdicts::default(),
        }
    }
}

impl SpecFacts {
    fn read(pod: &Object) -> SpecFacts {
        let (parent, ordinal) = parent_and_ordinal(&pod.meta.name);
        let claim_volumes = read_claim_volumes(pod);
        SpecFacts {
            node_name: read_node_name(pod).map(String::from),
            set_claim_volumes: read_set_claim_volumes(&claim_volumes, parent, ordinal),
            claim_volumes,
            hostname: pod.spec().str_at("hostname").map(String::from),
            subdomain: pod.spec().str_at("subdomain").map(String::from),
            requests: read_pod_requests(pod),
            nonzero_requests: read_pod_nonzero_requests(pod),
            host_ports: read_host_ports(pod),
            has_affinity: !pod.spec().at("affinity").is_null(),
            ordinal: (parent.len(), ordinal),
        }
    }
}

/// What the facts ask of a pod's conditions, read in one pass: each
/// condition's `type` is the last of its keys, so every pass over them
/// compares strings down every condition.
struct Conds<'a> {
    /// The first Ready condition (`GetPodCondition`).
    ready: Option<&'a Value>,
    /// Any Ready condition is True.
    any_ready_true: bool,
    /// Any Initialized condition is True.
    initialized: bool,
}

impl<'a> Conds<'a> {
    fn read(pod: &'a Object) -> Conds<'a> {
        let mut conds = Conds {
            ready: None,
            any_ready_true: false,
            initialized: false,
        };
        for c in pod.status().array_at("conditions") {
            let true_ = || c.get("status").and_then(Value::as_str) == Some("True");
            match condition_type(c) {
                Some("Ready") => {
                    conds.ready.get_or_insert(c);
                    conds.any_ready_true |= true_();
                }
                Some("Initialized") => conds.initialized |= true_(),
                _ => {}
            }
        }
        conds
    }

    /// `IsPodReady`: the first Ready condition is True.
    fn is_ready(&self) -> bool {
        self.ready.and_then(|c| c.get("status")?.as_str()) == Some("True")
    }

    /// [`ready_since`].
    fn ready_since(&self) -> Option<u64> {
        if !self.is_ready() {
            return None;
        }
        self.ready?
            .str_at("lastTransitionTime")
            .and_then(parse_rfc3339)
    }
}

/// Whether `s` is a non-negative integer as Go's `%d` (and Rust's `{}`)
/// prints it: digits, and no leading zero but in `0` itself. Names built
/// with an ordinal or a number (`web-0`, `www-web-0`, `10.244.1.2`) are
/// compared with it, where `parse` alone also takes `+0` and `00`.
pub fn prints_as_decimal(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

/// `getParentNameAndOrdinal` (the StatefulSet controller's): a name
/// `(.*)-([0-9]+)$` split into the parent and the ordinal; `("", -1)` when
/// it has none, or when the digits overflow an `int32`.
pub fn parent_and_ordinal(name: &str) -> (&str, i64) {
    let Some(dash) = name.bytes().rposition(|b| b == b'-') else {
        return ("", -1);
    };
    let (parent, digits) = (&name[..dash], &name[dash + 1..]);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return ("", -1);
    }
    match digits.parse::<i32>() {
        Ok(i) => (parent, i as i64),
        Err(_) => (parent, -1),
    }
}

/// The `controller-revision-hash` label: the revision of its controller's
/// template the pod was made from.
pub fn revision_label(pod: &Object) -> Option<&str> {
    match cached(pod) {
        Some(f) => f.revision.as_deref(),
        None => read_revision_label(pod),
    }
}

fn read_revision_label(pod: &Object) -> Option<&str> {
    pod.meta
        .labels
        .get(crate::sim::wellknown::CONTROLLER_REVISION_HASH)
        .map(String::as_str)
}

/// Whether the `statefulset.kubernetes.io/pod-name` label is the pod's name.
pub fn pod_name_labelled(pod: &Object) -> bool {
    match cached(pod) {
        Some(f) => f.pod_name_labelled,
        None => read_pod_name_labelled(pod),
    }
}

fn read_pod_name_labelled(pod: &Object) -> bool {
    pod.meta
        .labels
        .get(crate::sim::wellknown::STATEFUL_SET_POD_NAME)
        == Some(&pod.meta.name)
}

/// [`parent_and_ordinal`] of a pod's name (read once for a stored pod).
pub fn pod_parent_and_ordinal(pod: &Object) -> (&str, i64) {
    match cached(pod) {
        Some(f) => (&pod.meta.name[..f.spec.ordinal.0], f.spec.ordinal.1),
        None => parent_and_ordinal(&pod.meta.name),
    }
}

/// `verdict`'s answer for this pod against an object of kind `asker` whose
/// spec is `spec`, worked out once per pod version: a StatefulSet and a
/// Service ask it of every pod they select on every sync, and between two
/// writes of a pod the answer stays. `verdict` may read only the pod, that
/// spec, and what the pod's name and namespace say of the asker (a
/// StatefulSet's pods are named after it; both ask only of pods in their
/// namespace). An answer kept for another spec of the same kind holds when
/// `equivalent` says that spec gives the same answers (a scale changes a
/// StatefulSet's spec, not what its pods are checked against). Under
/// `debug_assertions` every kept answer is checked against `verdict`.
pub fn kept_verdict(
    pod: &Object,
    asker: Kind,
    spec: &Shared<Value>,
    equivalent: impl Fn(&Shared<Value>) -> bool,
    verdict: impl FnOnce() -> Verdict,
) -> Verdict {
    let Some(f) = cached(pod) else {
        return verdict();
    };
    for slot in &f.verdicts.0 {
        match slot.get() {
            Some((k, s, v)) if *k == asker && (s.same(spec) || equivalent(s)) => {
                debug_assert_eq!(*v, verdict(), "the kept verdict of {}", pod.meta.name);
                return *v;
            }
            Some(_) => {}
            None => {
                let v = verdict();
                let _ = slot.set((asker, spec.clone(), v));
                return v;
            }
        }
    }
    // Both places hold answers for others (or for a spec that gives
    // other answers).
    verdict()
}

/// The pod's cached facts, when the store holds it (checked against the
/// JSON under `debug_assertions`: [`Object::checked_derived`]).
fn cached(pod: &Object) -> Option<&PodFacts> {
    pod.checked_derived(PodFacts::read)
}

pub fn phase(pod: &Object) -> &str {
    if let Some(f) = cached(pod) {
        match f.state.phase {
            Phase::Pending => return "Pending",
            Phase::Running => return "Running",
            Phase::Succeeded => return "Succeeded",
            Phase::Failed => return "Failed",
            Phase::Other => {}
        }
    }
    read_phase(pod)
}

fn read_phase(pod: &Object) -> &str {
    pod.status()
        .get("phase")
        .and_then(Value::as_str)
        .unwrap_or("Pending")
}

/// The first condition of the type (`GetPodCondition`).
pub fn condition<'a>(pod: &'a Object, ctype: &str) -> Option<&'a Value> {
    pod.status()
        .get("conditions")?
        .as_array()?
        .iter()
        .find(|c| condition_type(c) == Some(ctype))
}

/// A condition's `type`. It sorts after every other key of a condition, so
/// it is read as the map's last entry: a look-up by key compares strings
/// down the whole map, and the kubelet and the scheduler read the type of
/// every condition of every pod they sync.
pub fn condition_type(c: &Value) -> Option<&str> {
    let m = c.as_object()?;
    match m.iter().next_back() {
        Some((k, v)) if k == "type" => v.as_str(),
        _ => m.get("type")?.as_str(),
    }
}

impl Phase {
    fn of_word(phase: &str) -> Phase {
        match phase {
            "Pending" => Phase::Pending,
            "Running" => Phase::Running,
            "Succeeded" => Phase::Succeeded,
            "Failed" => Phase::Failed,
            _ => Phase::Other,
        }
    }
}

impl PodState {
    pub fn of(pod: &Object) -> PodState {
        match cached(pod) {
            Some(f) => f.state,
            None => PodState::read(pod, &Conds::read(pod)),
        }
    }

    fn read(pod: &Object, conds: &Conds) -> PodState {
        let phase = Phase::of_word(read_phase(pod));
        PodState {
            phase,
            ready: conds.is_ready(),
        }
    }

    /// [`is_running_and_ready`].
    pub fn running_and_ready(self) -> bool {
        self.phase == Phase::Running && self.ready
    }

    /// [`is_failed`] or [`is_succeeded`].
    pub fn failed_or_succeeded(self) -> bool {
        matches!(self.phase, Phase::Failed | Phase::Succeeded)
    }
}

/// `podutil.IsPodReady`: the Ready condition is True.
pub fn is_ready(pod: &Object) -> bool {
    match cached(pod) {
        Some(f) => f.state.ready,
        None => Conds::read(pod).is_ready(),
    }
}

/// When the Ready condition last turned True (virtual ms).
pub fn ready_since(pod: &Object) -> Option<u64> {
    match cached(pod) {
        Some(f) => f.ready_since,
        None => Conds::read(pod).ready_since(),
    }
}

/// `podutil.IsPodAvailable`: ready for at least `min_ready_seconds`.
pub fn is_available(pod: &Object, min_ready_seconds: i64, now: u64) -> bool {
    is_ready(pod) && ready_for(pod, min_ready_seconds, now)
}

/// The second half of `IsPodAvailable`, for a pod known to be ready: its
/// Ready condition turned True at least `min_ready_seconds` ago.
pub fn ready_for(pod: &Object, min_ready_seconds: i64, now: u64) -> bool {
    min_ready_seconds <= 0
        || ready_since(pod).is_some_and(|t| t + (min_ready_seconds as u64) * 1000 <= now)
}

pub fn is_running(pod: &Object) -> bool {
    phase_of(pod) == Phase::Running
}

/// The StatefulSet controller's `isRunningAndReady`.
pub fn is_running_and_ready(pod: &Object) -> bool {
    is_running(pod) && is_ready(pod)
}

/// `isFailed` / `isSucceeded`: the pod's containers have stopped for good.
pub fn is_failed(pod: &Object) -> bool {
    phase_of(pod) == Phase::Failed
}

pub fn is_succeeded(pod: &Object) -> bool {
    phase_of(pod) == Phase::Succeeded
}

/// `IsPodTerminal`: Failed or Succeeded, one look at the phase.
pub fn is_terminal(pod: &Object) -> bool {
    matches!(phase_of(pod), Phase::Failed | Phase::Succeeded)
}

/// The phase as controllers compare it (no words compared for a stored pod).
fn phase_of(pod: &Object) -> Phase {
    match cached(pod) {
        Some(f) => f.state.phase,
        None => Phase::of_word(read_phase(pod)),
    }
}

pub fn is_terminating(pod: &Object) -> bool {
    pod.meta.deletion_timestamp.is_some()
}

pub fn node_name(pod: &Object) -> Option<&str> {
    match cached(pod) {
        Some(f) => f.spec.node_name.as_deref(),
        None => read_node_name(pod),
    }
}

fn read_node_name(pod: &Object) -> Option<&str> {
    pod.spec().get("nodeName")?.as_str()
}

pub fn pod_ip(pod: &Object) -> Option<&str> {
    match cached(pod) {
        Some(f) => f.pod_ip.as_deref(),
        None => read_pod_ip(pod),
    }
}

fn read_pod_ip(pod: &Object) -> Option<&str> {
    pod.status().get("podIP")?.as_str()
}

/// `spec.hostname` and `spec.subdomain` (when they are strings).
pub fn hostname_and_subdomain(pod: &Object) -> (Option<&str>, Option<&str>) {
    match cached(pod) {
        Some(f) => (f.spec.hostname.as_deref(), f.spec.subdomain.as_deref()),
        None => (
            pod.spec().str_at("hostname"),
            pod.spec().str_at("subdomain"),
        ),
    }
}

/// Claim names the pod mounts (`spec.volumes[].persistentVolumeClaim.claimName`).
pub fn claim_names(pod: &Object) -> Vec<&str> {
    match cached(pod) {
        Some(f) => f
            .spec
            .claim_volumes
            .iter()
            .map(|(_, c)| c.as_str())
            .collect(),
        None => read_claim_names(pod),
    }
}

fn read_claim_names(pod: &Object) -> Vec<&str> {
    pod.spec()
        .array_at("volumes")
        .iter()
        .filter_map(|v| v.str_at("persistentVolumeClaim.claimName"))
        .collect()
}

/// The volumes that mount a claim, in order: each volume's name (when it
/// has one) and the claim's name.
pub fn claim_volumes(pod: &Object) -> std::borrow::Cow<'_, [(Option<String>, String)]> {
    match cached(pod) {
        Some(f) => std::borrow::Cow::Borrowed(&f.spec.claim_volumes),
        None => std::borrow::Cow::Owned(read_claim_volumes(pod)),
    }
}

/// The volumes of `pod` mounted from the claim `getPersistentVolumeClaimName`
/// names for a StatefulSet called `set_name`, a claim template named as the
/// volume and the pod's ordinal (`<volume>-<set>-<ordinal>`): what
/// `storageMatches` asks of every pod of a set on every sync. `None` when
/// `set_name` is not the pod's parent (then the caller compares the names).
pub fn set_claim_volumes<'a>(pod: &'a Object, set_name: &str) -> Option<&'a [String]> {
    let f = cached(pod)?;
    (&pod.meta.name[..f.spec.ordinal.0] == set_name).then_some(&f.spec.set_claim_volumes[..])
}

fn read_set_claim_volumes(
    volumes: &[(Option<String>, String)],
    parent: &str,
    ordinal: i64,
) -> Vec<String> {
    if ordinal < 0 {
        return Vec::new();
    }
    volumes
        .iter()
        .filter_map(|(v, c)| {
            v.as_deref()
                .filter(|v| is_claim_name(c, v, parent, ordinal))
        })
        .map(String::from)
        .collect()
}

/// `claim == getPersistentVolumeClaimName(set, template, ordinal)` for a set
/// named `set_name`, without building the name.
pub fn is_claim_name(claim: &str, template: &str, set_name: &str, ordinal: i64) -> bool {
    claim
        .strip_prefix(template)
        .and_then(|r| r.strip_prefix('-'))
        .and_then(|r| r.strip_prefix(set_name))
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(|d| prints_as_decimal(d) && d.parse::<i64>().ok() == Some(ordinal))
}

fn read_claim_volumes(pod: &Object) -> Vec<(Option<String>, String)> {
    pod.spec()
        .array_at("volumes")
        .iter()
        .filter_map(|v| {
            let claim = v.str_at("persistentVolumeClaim.claimName")?;
            Some((v.str_at("name").map(String::from), claim.to_string()))
        })
        .collect()
}

/// Requests a container without any count as, for scoring only
/// (`schedutil.DefaultMilliCPURequest` / `DefaultMemoryRequest`).
pub const DEFAULT_MILLI_CPU: i64 = 100;
pub const DEFAULT_MEMORY: i64 = 200 * 1024 * 1024;

/// Resource requests of a pod (milli-CPU, bytes): the larger of the sum
/// over app containers and any single init container, plus overhead
/// (`resourcehelper.PodRequests`). When only limits are given, requests
/// default to them.
pub fn pod_requests(pod: &Object) -> (i64, i64) {
    match cached(pod) {
        Some(f) => f.spec.requests,
        None => read_pod_requests(pod),
    }
}

/// The container's request of `res`, else its limit.
fn container_request<'a>(c: &'a Value, res: &str) -> &'a Value {
    let r = c.at("resources.requests").at(res);
    if r.is_null() {
        c.at("resources.limits").at(res)
    } else {
        r
    }
}

fn read_pod_requests(pod: &Object) -> (i64, i64) {
    requests_with(pod, |c, res| {
        let r = container_request(c, res);
        match res {
            "cpu" => super::quantity::cpu_milli(r),
            _ => super::quantity::bytes(r),
        }
        .unwrap_or(0)
    })
}

/// Requests with upstream's non-zero defaults, for scoring.
pub fn pod_nonzero_requests(pod: &Object) -> (i64, i64) {
    match cached(pod) {
        Some(f) => f.spec.nonzero_requests,
        None => read_pod_nonzero_requests(pod),
    }
}

fn read_pod_nonzero_requests(pod: &Object) -> (i64, i64) {
    requests_with(pod, |c, res| {
        let r = container_request(c, res);
        match res {
            "cpu" => super::quantity::cpu_milli(r).unwrap_or(DEFAULT_MILLI_CPU),
            _ => super::quantity::bytes(r).unwrap_or(DEFAULT_MEMORY),
        }
    })
}

fn requests_with(pod: &Object, f: impl Fn(&Value, &str) -> i64) -> (i64, i64) {
    use super::quantity;
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

/// The pod's `spec.affinity` (`Null` when unset).
pub fn affinity(pod: &Object) -> &Value {
    static NULL: Value = Value::Null;
    match cached(pod) {
        Some(f) if !f.spec.has_affinity => &NULL,
        _ => pod.spec().at("affinity"),
    }
}

/// The host ports the pod's containers ask for, with their protocol (the
/// NodePorts filter's `getContainerPorts`).
pub fn host_ports(pod: &Object) -> std::borrow::Cow<'_, [(String, i64)]> {
    match cached(pod) {
        Some(f) => std::borrow::Cow::Borrowed(&f.spec.host_ports),
        None => std::borrow::Cow::Owned(read_host_ports(pod)),
    }
}

fn read_host_ports(pod: &Object) -> Vec<(String, i64)> {
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

/// `v1qos.GetPodQOS`: the pod's QoS class. Requests and limits of CPU and
/// memory above zero are summed over all containers (init containers
/// too); BestEffort when there are none, Guaranteed when every container
/// limits both CPU and memory and the summed requests equal the summed
/// limits (as quantities: `1` and `1000m` CPU are equal), else Burstable.
pub fn get_pod_qos(pod: &Object) -> &'static str {
    let spec = pod.spec();
    // The sums of CPU and memory, `None` until a container names one above
    // zero (two slots, not a map: no B-tree instance of its own).
    let mut requests: [Option<i128>; 2] = [None; 2];
    let mut limits: [Option<i128>; 2] = [None; 2];
    let mut guaranteed = true;
    for c in spec
        .array_at("containers")
        .iter()
        .chain(spec.array_at("initContainers"))
    {
        for (i, name) in ["cpu", "memory"].into_iter().enumerate() {
            if let Some(q) = super::quantity::milli_of(c.at("resources.requests").at(name)) {
                if q > 0 {
                    *requests[i].get_or_insert(0) += q;
                }
            }
        }
        let mut found = 0;
        for (i, name) in ["cpu", "memory"].into_iter().enumerate() {
            if let Some(q) = super::quantity::milli_of(c.at("resources.limits").at(name)) {
                if q > 0 {
                    found += 1;
                    *limits[i].get_or_insert(0) += q;
                }
            }
        }
        if found < 2 {
            guaranteed = false;
        }
    }
    let count = |sums: &[Option<i128>; 2]| sums.iter().filter(|s| s.is_some()).count();
    if count(&requests) == 0 && count(&limits) == 0 {
        return "BestEffort";
    }
    if guaranteed
        && requests
            .iter()
            .zip(&limits)
            .any(|(r, l)| r.is_some() && l != r)
    {
        guaranteed = false;
    }
    if guaranteed && count(&requests) == count(&limits) {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

fn finished_at(c: &Value) -> Option<u64> {
    c.str_at("lastState.terminated.finishedAt")
        .and_then(parse_rfc3339)
}

/// `printPod`'s READY, STATUS and RESTARTS, before formatting.
pub fn printed_status(pod: &Object) -> PrintedStatus {
    match cached(pod) {
        Some(f) => f.printed.clone(),
        None => read_printed_status(pod, &Conds::read(pod)),
    }
}

/// A one-line picture of the pod for the log's before and after: the
/// phase, ` Ready`, ` Terminating`, and kubectl's STATUS column in
/// brackets when it says more than the phase (`ContainerCreating`,
/// `Init:0/1`, `CrashLoopBackOff`: what the lifecycle chart shows between
/// Pending and Running).
pub fn log_summary(pod: &Object) -> String {
    match cached(pod) {
        Some(f) => f.summary.clone(),
        None => {
            let conds = Conds::read(pod);
            summary_with(pod, &read_printed_status(pod, &conds).reason, &conds)
        }
    }
}

fn summary_with(pod: &Object, status: &str, conds: &Conds) -> String {
    let phase = pod.status().str_at("phase").unwrap_or("Pending");
    // Any Ready condition that is True (the log has always said so).
    let ready = conds.any_ready_true;
    let mut s = String::with_capacity(phase.len() + 32);
    s.push_str(phase);
    if ready {
        s.push_str(" Ready");
    }
    if pod.meta.terminating() {
        s.push_str(" Terminating");
    }
    if status != phase && status != "Terminating" {
        s.push_str(" (");
        s.push_str(status);
        s.push(')');
    }
    s
}

fn read_printed_status(pod: &Object, conds: &Conds) -> PrintedStatus {
    let st = pod.status();
    let spec = pod.spec();
    let mut restarts = 0i64;
    let mut restartable_init_restarts = 0i64;
    let mut total = spec.array_at("containers").len();
    let mut ready = 0;
    let mut last_restart: Option<u64> = None;
    let mut last_restartable_init: Option<u64> = None;
    let phase = st.str_at("phase").unwrap_or("Pending");
    let mut reason = st
        .str_at("reason")
        .filter(|r| !r.is_empty())
        .unwrap_or(phase)
        .to_string();
    let init_specs = spec.array_at("initContainers");
    let restartable = |name: &str| -> bool {
        init_specs
            .iter()
            .any(|c| c.str_at("name") == Some(name) && c.str_at("restartPolicy") == Some("Always"))
    };
    total += init_specs
        .iter()
        .filter(|c| c.str_at("restartPolicy") == Some("Always"))
        .count();
    let mut initializing = false;
    for (i, c) in st.array_at("initContainerStatuses").iter().enumerate() {
        let rc = c.i64_at("restartCount").unwrap_or(0);
        restarts += rc;
        let finished = finished_at(c);
        if let Some(f) = finished {
            last_restart = Some(last_restart.map_or(f, |l| l.max(f)));
        }
        let name = c.str_at("name").unwrap_or("");
        if restartable(name) {
            restartable_init_restarts += rc;
            if let Some(f) = finished {
                last_restartable_init = Some(last_restartable_init.map_or(f, |l| l.max(f)));
            }
        }
        // `state` once: it is the last of a status's nine keys.
        let state = c.at("state");
        let term = state.at("terminated");
        let waiting_reason = state.str_at("waiting.reason").unwrap_or("");
        if !term.is_null() && term.i64_at("exitCode").unwrap_or(0) == 0 {
            continue;
        }
        if restartable(name) && c.bool_at("started") == Some(true) {
            if c.bool_at("ready") == Some(true) {
                ready += 1;
            }
            continue;
        }
        if !term.is_null() {
            reason = match term.str_at("reason").filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None => match term.i64_at("signal").filter(|s| *s != 0) {
                    Some(s) => format!("Init:Signal:{s}"),
                    None => format!("Init:ExitCode:{}", term.i64_at("exitCode").unwrap_or(0)),
                },
            };
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            reason = format!("Init:{waiting_reason}");
        } else {
            reason = format!("Init:{i}/{}", init_specs.len());
        }
        initializing = true;
        break;
    }
    let initialized = conds.initialized;
    if !initializing || initialized {
        restarts = restartable_init_restarts;
        last_restart = last_restartable_init;
        let mut has_running = false;
        for c in st.array_at("containerStatuses").iter().rev() {
            restarts += c.i64_at("restartCount").unwrap_or(0);
            if let Some(f) = finished_at(c) {
                last_restart = Some(last_restart.map_or(f, |l| l.max(f)));
            }
            let state = c.at("state");
            let waiting = state.str_at("waiting.reason").unwrap_or("");
            let term = state.at("terminated");
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if !term.is_null() {
                reason = match term.str_at("reason").filter(|r| !r.is_empty()) {
                    Some(r) => r.to_string(),
                    None => match term.i64_at("signal").filter(|s| *s != 0) {
                        Some(s) => format!("Signal:{s}"),
                        None => format!("ExitCode:{}", term.i64_at("exitCode").unwrap_or(0)),
                    },
                };
            } else if c.bool_at("ready") == Some(true) && !state.at("running").is_null() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if conds.any_ready_true {
                "Running"
            } else {
                "NotReady"
            }
            .into();
        }
    }
    if pod.meta.deletion_timestamp.is_some() && st.str_at("reason") == Some("NodeLost") {
        reason = "Unknown".into();
    } else if pod.meta.deletion_timestamp.is_some() && !matches!(phase, "Succeeded" | "Failed") {
        reason = "Terminating".into();
    }
    PrintedStatus {
        ready,
        total,
        reason,
        restarts,
        last_restart,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::object::{rfc3339, Kind};
    use serde_json::json;

    #[test]
    fn availability_waits_for_min_ready_seconds() {
        let mut p = Object::new(Kind::Pod, "default", "web-0");
        p.body.insert(
            "status".into(),
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": rfc3339(10_000)}]}),
        );
        assert!(is_running_and_ready(&p));
        assert!(is_available(&p, 0, 10_000));
        assert!(!is_available(&p, 5, 14_999));
        assert!(is_available(&p, 5, 15_000));
    }

    #[test]
    fn qos_class_follows_get_pod_qos() {
        let pod = |containers: serde_json::Value| {
            let mut p = Object::new(crate::sim::object::Kind::Pod, "default", "p");
            p.body.insert(
                "spec".into(),
                serde_json::json!({ "containers": containers }),
            );
            p
        };
        assert_eq!(
            get_pod_qos(&pod(serde_json::json!([{"name": "a"}]))),
            "BestEffort"
        );
        // `1` CPU and `1000m` are the same quantity.
        let g = pod(serde_json::json!([{"name": "a", "resources": {
            "requests": {"cpu": "1000m", "memory": "1Gi"},
            "limits": {"cpu": 1, "memory": "1024Mi"}}}]));
        assert_eq!(get_pod_qos(&g), "Guaranteed");
        // Limits alone (requests default to them) are Guaranteed too.
        let l = pod(serde_json::json!([{"name": "a", "resources": {
            "limits": {"cpu": "500m", "memory": "64Mi"}}}]));
        assert_eq!(
            get_pod_qos(&l),
            "Burstable",
            "no requests at all: requests {{}} != limits"
        );
        let b = pod(serde_json::json!([{"name": "a", "resources": {
            "requests": {"cpu": "500m"}, "limits": {"cpu": "1", "memory": "1Gi"}}}]));
        assert_eq!(get_pod_qos(&b), "Burstable");
        let m = pod(serde_json::json!([
            {"name": "a", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}},
            {"name": "b", "resources": {"requests": {"cpu": "1"}}}]));
        assert_eq!(get_pod_qos(&m), "Burstable", "one container without limits");
    }

    /// A pod as the store keeps it: with its facts.
    fn stored(p: Object) -> std::sync::Arc<Object> {
        let mut s = crate::sim::store::Store::default();
        let key = p.key();
        s.put(p);
        s.get_shared(&key).expect("stored")
    }

    fn with_claims(name: &str, volumes: &[(&str, &str)]) -> Object {
        let mut p = Object::new(Kind::Pod, "default", name);
        let vols: Vec<Value> = volumes
            .iter()
            .map(|(v, c)| json!({"name": v, "persistentVolumeClaim": {"claimName": c}}))
            .collect();
        p.body.insert("spec".into(), json!({ "volumes": vols }));
        p
    }

    /// The facts name the volumes whose claim is `<volume>-<parent>-<ordinal>`
    /// as upstream prints it, and answer only for the pod's own parent.
    #[test]
    fn set_claim_volumes_are_read_for_the_parent_and_ordinal_as_printed() {
        let p = stored(with_claims(
            "web-12",
            &[
                ("www", "www-web-12"),
                ("data", "data-web-012"),
                ("logs", "logs-db-12"),
                ("conf", "conf-web-12"),
            ],
        ));
        assert_eq!(
            set_claim_volumes(&p, "web"),
            Some(&["www".to_string(), "conf".to_string()][..])
        );
        assert_eq!(set_claim_volumes(&p, "db"), None, "not the pod's parent");
        // A pod that is not stored has no facts: the caller compares names.
        assert_eq!(
            set_claim_volumes(&with_claims("web-1", &[("www", "www-web-1")]), "web"),
            None
        );
        let no_ordinal = stored(with_claims("web", &[("www", "www-web-")]));
        assert_eq!(set_claim_volumes(&no_ordinal, ""), Some(&[][..]));
        assert!(is_claim_name("www-my-set-3", "www", "my-set", 3));
        assert!(!is_claim_name("www-my-set-03", "www", "my-set", 3));
        assert!(!is_claim_name("www-my-set-3", "www", "my", 3));
    }

    /// A verdict is worked out once per pod version and asker: kept for the
    /// spec it was asked against, reused for a spec `equivalent` accepts,
    /// worked out again for any other, and never carried to a copy.
    #[test]
    fn kept_verdicts_are_reused_only_for_an_equivalent_spec() {
        let p = stored(with_claims("web-0", &[]));
        let spec_a: Shared<Value> = json!({"replicas": 1}).into();
        let spec_b: Shared<Value> = json!({"replicas": 2}).into();
        let yes = Verdict {
            selected: true,
            matches_spec: true,
        };
        let no = Verdict {
            selected: false,
            matches_spec: false,
        };
        let never = |_: &Shared<Value>| false;
        let always = |_: &Shared<Value>| true;
        // How often `verdict` ran. A kept answer runs it only to check
        // itself, under debug assertions.
        let kept = usize::from(cfg!(debug_assertions));
        let ask = |pod: &Object, kind, spec, eq: &dyn Fn(&Shared<Value>) -> bool, v: Verdict| {
            let runs = std::cell::Cell::new(0);
            let got = kept_verdict(pod, kind, spec, eq, || {
                runs.set(runs.get() + 1);
                v
            });
            (got, runs.get())
        };
        let ss = Kind::StatefulSet;
        assert_eq!(ask(&p, ss, &spec_a, &never, yes), (yes, 1), "first asked");
        assert_eq!(
            ask(&p, ss, &spec_a, &never, yes),
            (yes, kept),
            "the same spec"
        );
        assert_eq!(
            ask(&p, ss, &spec_b, &always, yes),
            (yes, kept),
            "an equivalent spec"
        );
        // A spec that is not equivalent is worked out, and kept in the
        // second place.
        assert_eq!(ask(&p, ss, &spec_b, &never, no), (no, 1));
        assert_eq!(ask(&p, ss, &spec_b, &never, no), (no, kept));
        // Both places are taken: another asker is answered afresh each time.
        for _ in 0..2 {
            assert_eq!(ask(&p, Kind::Service, &spec_a, &always, yes), (yes, 1));
        }
        // A copy, and so a pod written since, starts with nothing kept.
        let copy = (*p).clone();
        assert_eq!(ask(&copy, ss, &spec_a, &always, no), (no, 1));
        assert_eq!(ask(&copy, ss, &spec_a, &always, no), (no, 1));
    }
}
