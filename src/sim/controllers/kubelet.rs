//! The kubelet, simulated: one sync stands for the kubelet of every live
//! node (a node in `faults.failed_nodes` has a dead kubelet and is skipped).
//!
//! A pod's life is a timeline anchored on what its status already records,
//! so every sync can recompute where the pod is from the store alone:
//! - first sight: `startTime`, `hostIP`, `qosClass`, containers waiting;
//! - volumes (ConfigMap, Secret, PVC) must exist, else `FailedMount`; then the
//!   sandbox is up (`PodReadyToStartContainers`, whose transition time anchors
//!   what follows) and the pod gets the lowest free IP of the node's podCIDR;
//! - init containers one by one: pull, start, run `init_container_ms`, exit 0;
//! - app containers one by one: pull, `Created`, `Started` (a missing
//!   ConfigMap/Secret in `env`/`envFrom` holds it in `CreateContainerConfigError`);
//! - the process answers `container_start_ms` after it started; readiness
//!   probes run at `startedAt + initialDelaySeconds + k·periodSeconds` and
//!   count `successThreshold`/`failureThreshold` (a readiness fault makes them
//!   fail); liveness failures kill the container;
//! - a dead container is restarted with back-off 0, 10 s, 20 s, 40 s ... capped
//!   at 5 min (`CrashLoopBackOff` in between);
//! - deletion: containers stop after `min(grace, container_stop_ms)`, then the
//!   kubelet confirms with a zero-grace delete and the pod leaves the store.
//!
//! Durations carry a per-pod jitter from a hash of the pod uid. Every timer is
//! an `out.wake`. Timestamps in status have second precision, as upstream's.
//!
//! Images: `imagePullPolicy` (defaulted from the tag) decides; a pulled
//! image joins the node's `status.images`, so the next pod there that may
//! use it finds it "already present on machine". Two pods pulling one image
//! on one node share the pull (containerd does).
//!
//! Simplifications: a container blocked on config stops
//! the containers after it, back-off never resets, and only
//! `restartPolicy: Never|OnFailure` containers ever finish on their own: one
//! whose command is `sleep N` runs N seconds, one with any other command runs
//! `container_start_ms`; without a command, or with `sleep infinity`,
//! `tail -f` or `while true`, it serves forever.

use super::scheduler::{self, set_pod_condition};
use super::{Ctx, Out, Propagation, Write};
use crate::sim::object::Kind;
use crate::sim::object::{parse_rfc3339, rfc3339, Object, ValueExt};
use crate::sim::podutil;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

const MAX_BACKOFF_MS: u64 = 300_000;
const INITIAL_BACKOFF_MS: u64 = 10_000;

/// A 64-bit hash of a seed and a salt (FNV-1a, then SplitMix64's finaliser
/// so near-identical inputs spread).
pub fn hash64(seed: &str, salt: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes().chain([0u8]).chain(salt.bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Per-pod jitter: a fraction in [0, 1) from the pod uid and a salt.
pub fn jitter(uid: &str, salt: &str) -> f64 {
    (hash64(uid, salt) >> 11) as f64 / (1u64 << 53) as f64
}

/// Go's `time.Duration` printing for what the kubelet reports (`2.134s`, `830ms`, `1m5s`).
pub fn go_duration(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let secs = |ms: u64| {
        let s = format!("{}.{:03}", ms / 1000, ms % 1000);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if ms < 60_000 {
        return format!("{}s", secs(ms));
    }
    let m = ms / 60_000;
    if m < 60 {
        return format!("{m}m{}s", secs(ms % 60_000));
    }
    format!("{}h{}m{}s", m / 60, m % 60, secs(ms % 60_000))
}

/// The back-off before restart number `restarts + 1`.
pub fn backoff_ms(restarts: i64) -> u64 {
    if restarts <= 0 {
        return 0;
    }
    let shift = (restarts - 1).min(16) as u32;
    (INITIAL_BACKOFF_MS << shift).min(MAX_BACKOFF_MS)
}

fn ts(v: &Value, path: &str) -> Option<u64> {
    v.str_at(path).and_then(parse_rfc3339)
}

/// Image size for the Pulled event: stable per image name.
fn image_size(image: &str) -> u64 {
    20_000_000 + (jitter(image, "size") * 180_000_000.0) as u64
}

fn fake_digest(seed: &str, salt: &str) -> String {
    (0..4)
        .map(|i| format!("{:016x}", hash64(seed, &format!("{salt}/{i}"))))
        .collect()
}

struct Timing<'a> {
    ctx: &'a Ctx<'a>,
    uid: &'a str,
}

/// Jittered durations snap to this grid, so pods started together share
/// their timer instants and one kubelet pass serves many of them.
const JITTER_GRID_MS: u64 = 100;

impl Timing<'_> {
    fn jittered(&self, base: u64, spread: f64, salt: &str) -> u64 {
        let extra = (base as f64 * spread * jitter(self.uid, salt)) as u64;
        base + extra / JITTER_GRID_MS * JITTER_GRID_MS
    }
    fn pull_ms(&self, c: &str) -> u64 {
        self.jittered(
            self.ctx.config.timings.image_pull_ms,
            0.5,
            &format!("pull/{c}"),
        )
    }
    /// Creating a container whose image is already on the node still takes
    /// a moment (snapshot, PLEG relist, status sync): half a pull.
    fn present_ms(&self, c: &str) -> u64 {
        self.jittered(
            self.ctx.config.timings.image_pull_ms / 2,
            0.25,
            &format!("create/{c}"),
        )
    }
    /// From waiting to created: a pull, or half one when the image is there.
    fn image_ready_ms(&self, c: &Value, name: &str, images: &BTreeSet<String>) -> u64 {
        if needs_pull(c, images) {
            self.pull_ms(name)
        } else {
            self.present_ms(name)
        }
    }
    fn init_ms(&self, c: &str) -> u64 {
        self.jittered(
            self.ctx.config.timings.init_container_ms,
            0.25,
            &format!("init/{c}"),
        )
    }
}

/// What the kubelet of one node knows while it syncs: the pod IPs in use
/// and the images on the machine (`status.images`), with those pulled now.
#[derive(Default)]
struct NodeCtx {
    ips: BTreeSet<String>,
    images: BTreeSet<String>,
    pulled: BTreeSet<String>,
}

pub fn sync(ctx: &Ctx, out: &mut Out) {
    let mut nodes = post_node_status(ctx, out);
    let store = ctx.store;
    let mut ncs: BTreeMap<String, NodeCtx> = BTreeMap::new();
    for n in store.list(Kind::Node) {
        let nc = ncs.entry(n.name().to_string()).or_default();
        for img in n.status().array_at("images") {
            for name in img.array_at("names") {
                if let Some(name) = name.as_str() {
                    nc.images.insert(name.to_string());
                }
            }
        }
    }
    for p in store.list(Kind::Pod) {
        if let (Some(n), Some(ip)) = (podutil::node_name(p), podutil::pod_ip(p)) {
            ncs.entry(n.to_string())
                .or_default()
                .ips
                .insert(ip.to_string());
        }
    }
    for pod in store.list(Kind::Pod) {
        let Some(node_name) = podutil::node_name(pod) else {
            continue;
        };
        if ctx.faults.failed_nodes.contains(node_name) {
            continue;
        }
        let Some(node) = store.get(Kind::Node, "", node_name) else {
            continue;
        };
        let nc = ncs.entry(node_name.to_string()).or_default();
        if pod.meta.terminating() {
            kill_pod(ctx, out, pod);
        } else {
            sync_pod(ctx, out, pod, node, nc);
        }
    }
    // Images pulled in this pass join the node's `status.images`.
    for (name, nc) in &ncs {
        if nc.pulled.is_empty() {
            continue;
        }
        let Some(stored) = store.get(Kind::Node, "", name) else {
            continue;
        };
        let n = nodes.entry(name.clone()).or_insert_with(|| stored.clone());
        let mut list: Vec<Value> = n.status().array_at("images").to_vec();
        for image in &nc.pulled {
            list.push(json!({
                "names": [format!("{image}@sha256:{}", fake_digest(image, "image")), image],
                "sizeBytes": image_size(image),
            }));
        }
        n.status_mut()["images"] = Value::Array(list);
    }
    for (_, n) in nodes {
        if store.get_key(&n.key()) != Some(&n) {
            out.update(n);
        }
    }
}

/// `imagePullPolicy` as the API server defaults it: `Always` for an image
/// tagged `latest` or not tagged, `IfNotPresent` otherwise.
pub fn pull_policy(c: &Value) -> &str {
    if let Some(p) = c.str_at("imagePullPolicy") {
        return p;
    }
    let image = c.str_at("image").unwrap_or("");
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) if tag != "latest" => "IfNotPresent",
        _ => "Always",
    }
}

fn needs_pull(c: &Value, images: &BTreeSet<String>) -> bool {
    match pull_policy(c) {
        "Always" => true,
        "Never" => false,
        _ => !images.contains(c.str_at("image").unwrap_or("")),
    }
}

fn pulling_event(c: &Value, nc: &NodeCtx, events: &mut Vec<(bool, &'static str, String)>) {
    if needs_pull(c, &nc.images) {
        events.push((
            false,
            "Pulling",
            format!("Pulling image \"{}\"", c.str_at("image").unwrap_or("")),
        ));
    }
}

/// The kubelet registers its node and posts Ready while it runs.
fn post_node_status(ctx: &Ctx, out: &mut Out) -> BTreeMap<String, Object> {
    let mut changed = BTreeMap::new();
    for node in ctx.store.list(Kind::Node) {
        if ctx.faults.failed_nodes.contains(node.name()) {
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
        for (ctype, reason, message) in [
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
        ] {
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
        let rank = |c: &Value| match c.str_at("type") {
            Some("MemoryPressure") => 0,
            Some("DiskPressure") => 1,
            Some("PIDPressure") => 2,
            Some("Ready") => 3,
            _ => 4,
        };
        conds.sort_by_key(rank);
        status["conditions"] = Value::Array(conds);
        if status.at("addresses").is_null() {
            status["addresses"] = json!([{"type": "Hostname", "address": node.name()}]);
        }
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

/// The first free address of a /24 pod CIDR, from .2 (.1 is the bridge).
fn allocate_ip(node: &Object, used: &mut BTreeSet<String>) -> Option<String> {
    let cidr = node.spec().str_at("podCIDR")?;
    let base = cidr.split('/').next()?;
    let mut octets: Vec<&str> = base.split('.').collect();
    if octets.len() != 4 {
        return None;
    }
    octets.pop();
    let prefix = octets.join(".");
    for host in 2..255 {
        let ip = format!("{prefix}.{host}");
        if !used.contains(&ip) {
            used.insert(ip.clone());
            return Some(ip);
        }
    }
    None
}

fn host_ip(node: &Object) -> String {
    node.status()
        .array_at("addresses")
        .iter()
        .find(|a| a.str_at("type") == Some("InternalIP"))
        .and_then(|a| a.str_at("address"))
        .unwrap_or("172.18.0.2")
        .to_string()
}

/// `v1qos.GetPodQOS`.
pub fn qos_class(pod: &Object) -> &'static str {
    let mut any = false;
    let mut guaranteed = true;
    let spec = pod.spec();
    for c in spec
        .array_at("containers")
        .iter()
        .chain(spec.array_at("initContainers"))
    {
        for res in ["cpu", "memory"] {
            let req = c.at("resources.requests").at(res);
            let lim = c.at("resources.limits").at(res);
            if !req.is_null() || !lim.is_null() {
                any = true;
            }
            let req = if req.is_null() { lim } else { req };
            if lim.is_null() || req != lim {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// What a missing volume source says (`MountVolume.SetUp failed ...`), if any.
fn missing_volume(ctx: &Ctx, pod: &Object) -> Option<String> {
    let ns = pod.namespace();
    let store = ctx.store;
    for v in pod.spec().array_at("volumes") {
        let name = v.str_at("name").unwrap_or("");
        let mut sources: Vec<&Value> = vec![v];
        sources.extend(v.array_at("projected.sources"));
        for s in sources {
            for (field, kind, word) in [
                ("configMap", Kind::ConfigMap, "configmap"),
                ("secret", Kind::Secret, "secret"),
            ] {
                let src = s.at(field);
                if src.is_null() || src.bool_at("optional") == Some(true) {
                    continue;
                }
                let Some(obj) = src.str_at("name").or_else(|| src.str_at("secretName")) else {
                    continue;
                };
                if store.get(kind, ns, obj).is_none() {
                    return Some(format!(
                        "MountVolume.SetUp failed for volume \"{name}\" : {word} \"{obj}\" not found"
                    ));
                }
            }
        }
        if let Some(claim) = v.str_at("persistentVolumeClaim.claimName") {
            let bound = store
                .get(Kind::PersistentVolumeClaim, ns, claim)
                .is_some_and(|c| c.status().str_at("phase") == Some("Bound"));
            if !bound {
                return Some(format!(
                    "Unable to attach or mount volumes: unmounted volumes=[{name}], unattached volumes=[{name}]: timed out waiting for the condition"
                ));
            }
        }
    }
    None
}

/// A container's `env`/`envFrom` references that do not resolve
/// (`CreateContainerConfigError`).
fn missing_config(ctx: &Ctx, pod: &Object, c: &Value) -> Option<String> {
    let ns = pod.namespace();
    let store = ctx.store;
    for e in c.array_at("envFrom") {
        for (field, kind, word) in [
            ("configMapRef", Kind::ConfigMap, "configmap"),
            ("secretRef", Kind::Secret, "secret"),
        ] {
            let r = e.at(field);
            if r.is_null() || r.bool_at("optional") == Some(true) {
                continue;
            }
            let name = r.str_at("name").unwrap_or("");
            if store.get(kind, ns, name).is_none() {
                return Some(format!("{word} \"{name}\" not found"));
            }
        }
    }
    for e in c.array_at("env") {
        for (field, kind, word, title, data) in [
            (
                "valueFrom.configMapKeyRef",
                Kind::ConfigMap,
                "configmap",
                "ConfigMap",
                "data",
            ),
            (
                "valueFrom.secretKeyRef",
                Kind::Secret,
                "secret",
                "Secret",
                "data",
            ),
        ] {
            let r = e.at(field);
            if r.is_null() || r.bool_at("optional") == Some(true) {
                continue;
            }
            let name = r.str_at("name").unwrap_or("");
            let key = r.str_at("key").unwrap_or("");
            match store.get(kind, ns, name) {
                None => return Some(format!("{word} \"{name}\" not found")),
                Some(o) => {
                    // Keys may hold dots (`jvm.heap`): look them up whole.
                    let in_field = |f: &str| o.field(f).get(key).is_some();
                    let has = in_field(data)
                        || (kind == Kind::Secret && in_field("stringData"))
                        || (kind == Kind::ConfigMap && in_field("binaryData"));
                    if !has {
                        return Some(format!("couldn't find key {key} in {title} {ns}/{name}"));
                    }
                }
            }
        }
    }
    None
}

fn container_status(c: &Value, state: Value) -> Value {
    json!({
        "name": c.str_at("name").unwrap_or(""),
        "image": c.str_at("image").unwrap_or(""),
        "imageID": "",
        "lastState": {},
        "ready": false,
        "restartCount": 0,
        "started": false,
        "state": state,
    })
}

fn waiting(reason: &str) -> Value {
    json!({"waiting": {"reason": reason}})
}

/// How long a finishing container runs, for pods that are allowed to finish.
fn finite_run_ms(ctx: &Ctx, pod: &Object, c: &Value) -> Option<u64> {
    if pod.spec().str_at("restartPolicy").unwrap_or("Always") == "Always" {
        return None;
    }
    let argv: Vec<&str> = c
        .array_at("command")
        .iter()
        .chain(c.array_at("args"))
        .filter_map(|a| a.as_str())
        .collect();
    if argv.is_empty() {
        return None;
    }
    let line = argv.join(" ");
    if line.contains("infinity") || line.contains("tail -f") || line.contains("while true") {
        return None;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    if let Some(i) = words.iter().position(|w| *w == "sleep") {
        if let Some(n) = words
            .get(i + 1)
            .and_then(|n| n.trim_end_matches(';').parse::<f64>().ok())
        {
            return Some(secs_ms(n.ceil() as i64));
        }
    }
    Some(ctx.config.timings.container_start_ms)
}

/// Seconds from a manifest as milliseconds, clamped so no input overflows
/// the clock (a year is plenty for a playground).
fn secs_ms(s: i64) -> u64 {
    (s.clamp(0, 365 * 24 * 3600) as u64) * 1000
}

/// The probe schedule of one container run.
struct Probe {
    delay: u64,
    period: u64,
    success: u64,
    failure: u64,
}

impl Probe {
    fn of(p: &Value) -> Option<Probe> {
        if p.is_null() {
            return None;
        }
        Some(Probe {
            delay: secs_ms(p.i64_at("initialDelaySeconds").unwrap_or(0)),
            period: secs_ms(p.i64_at("periodSeconds").unwrap_or(10).max(1)),
            success: p.i64_at("successThreshold").unwrap_or(1).clamp(1, 1000) as u64,
            failure: p.i64_at("failureThreshold").unwrap_or(3).clamp(1, 1000) as u64,
        })
    }
    /// The first probe at or after `t` for a container started at `started`.
    fn tick_at_or_after(&self, started: u64, t: u64) -> u64 {
        let first = started + self.delay;
        if t <= first {
            first
        } else {
            first + (t - first).div_ceil(self.period) * self.period
        }
    }
    fn describe(&self, c: &Value, kind: &str, pod_ip: &str, up: bool) -> String {
        let p = c.at(kind);
        let what = if kind == "readinessProbe" {
            "Readiness"
        } else {
            "Liveness"
        };
        let detail = if !p.at("httpGet").is_null() {
            let port = p.at("httpGet.port");
            let port = port
                .as_i64()
                .map(|n| n.to_string())
                .unwrap_or_else(|| port.as_str().unwrap_or("80").to_string());
            let path = p.str_at("httpGet.path").unwrap_or("/");
            if up {
                "HTTP probe failed with statuscode: 503".to_string()
            } else {
                format!("Get \"http://{pod_ip}:{port}{path}\": dial tcp {pod_ip}:{port}: connect: connection refused")
            }
        } else if !p.at("tcpSocket").is_null() {
            let port = p.at("tcpSocket.port");
            let port = port
                .as_i64()
                .map(|n| n.to_string())
                .unwrap_or_else(|| port.as_str().unwrap_or("").to_string());
            format!("dial tcp {pod_ip}:{port}: connect: connection refused")
        } else {
            String::new()
        };
        format!("{what} probe failed: {detail}")
    }
}

/// Readiness of a running container at `now`: (ready, next change, probe
/// currently failing because of a fault).
fn readiness(
    ctx: &Ctx,
    uid: &str,
    probe: &Probe,
    started: u64,
    up_at: u64,
) -> (bool, Option<u64>, bool) {
    let now = ctx.now;
    let first_ok = |from: u64| {
        probe.tick_at_or_after(started, from.max(up_at)) + (probe.success - 1) * probe.period
    };
    let ready0 = first_ok(up_at);
    let failing_now = ctx.faults.unready_pods.contains(uid);
    let window = ctx.faults.readiness_fault_window.get(uid).copied();
    // Probes in the fault window [f, healed) fail.
    let (f, healed) = match (window, failing_now) {
        (Some((f, _)), true) => (Some(f), None),
        (Some((f, h)), false) => (Some(f), Some(h.unwrap_or(f))),
        // A fault set without a window: failing since long ago.
        (None, true) => (Some(0), None),
        (None, false) => (None, None),
    };
    let Some(f) = f else {
        return if now >= ready0 {
            (true, None, false)
        } else {
            (false, Some(ready0), false)
        };
    };
    let recover = healed.map(first_ok);
    // Ticks in [f, healed) fail.
    let ready_first = if ready0 < f { Some(ready0) } else { recover };
    let fail_time = probe.tick_at_or_after(started, f) + (probe.failure - 1) * probe.period;
    let fails =
        ready_first.is_some_and(|r| r < fail_time) && healed.is_none_or(|hh| fail_time < hh);
    let fault_active = failing_now && now >= probe.tick_at_or_after(started, f);
    let mut points: Vec<u64> = Vec::new();
    let ready = match ready_first {
        None => false,
        Some(r) if now < r => {
            points.push(r);
            false
        }
        Some(_) if fails && now >= fail_time => match recover {
            Some(rt) if now >= rt => true,
            Some(rt) => {
                points.push(rt);
                false
            }
            None => false,
        },
        Some(_) => {
            if fails {
                points.push(fail_time);
            }
            true
        }
    };
    if failing_now && !fault_active {
        points.push(probe.tick_at_or_after(started, f));
    }
    (
        ready,
        points.into_iter().filter(|&t| t > now).min(),
        fault_active,
    )
}

/// A running pod whose containers all run and are ready, with no fault on
/// its readiness and nothing timed ahead (no finishing command, no liveness
/// probe that fails before the process answers): nothing can change until
/// the store or the faults do, so the sync skips it without building a status.
fn steady(ctx: &Ctx, pod: &Object) -> bool {
    let st = pod.status();
    if st.str_at("phase") != Some("Running") || ctx.faults.unready_pods.contains(&pod.meta.uid) {
        return false;
    }
    let conds = st.array_at("conditions");
    let all_true = [
        "PodReadyToStartContainers",
        "Initialized",
        "ContainersReady",
        "Ready",
    ]
    .iter()
    .all(|t| {
        conds
            .iter()
            .any(|c| c.str_at("type") == Some(t) && c.str_at("status") == Some("True"))
    });
    if !all_true {
        return false;
    }
    let mains = pod.spec().array_at("containers");
    let statuses = st.array_at("containerStatuses");
    if statuses.len() != mains.len() {
        return false;
    }
    mains.iter().zip(statuses).all(|(c, s)| {
        s.bool_at("ready") == Some(true)
            && !s.at("state.running").is_null()
            && finite_run_ms(ctx, pod, c).is_none()
            && Probe::of(c.at("livenessProbe")).is_none_or(|lp| {
                lp.tick_at_or_after(0, 0) + (lp.failure - 1) * lp.period
                    >= ctx.config.timings.container_start_ms
            })
    })
}

/// One pod's sync: advance its timeline to `ctx.now`.
fn sync_pod(ctx: &Ctx, out: &mut Out, pod: &Object, node: &Object, nc: &mut NodeCtx) {
    if podutil::is_succeeded(pod) || podutil::is_failed(pod) || steady(ctx, pod) {
        return;
    }
    let now = ctx.now;
    let uid = pod.meta.uid.clone();
    let timing = Timing { ctx, uid: &uid };
    let mut p = pod.clone();
    let mut events: Vec<(bool, &'static str, String)> = Vec::new();
    let spec = pod.spec();
    let inits: &[Value] = spec.array_at("initContainers");
    let mains: &[Value] = spec.array_at("containers");
    let restart_policy = spec.str_at("restartPolicy").unwrap_or("Always").to_string();

    // First sight.
    if p.status().at("startTime").is_null() {
        let default_state = if inits.is_empty() {
            "ContainerCreating"
        } else {
            "PodInitializing"
        };
        let hip = host_ip(node);
        let st = p.status_mut();
        st["phase"] = "Pending".into();
        st["hostIP"] = hip.clone().into();
        st["hostIPs"] = json!([{"ip": hip}]);
        st["startTime"] = rfc3339(now).into();
        st["qosClass"] = qos_class(pod).into();
        if !inits.is_empty() {
            st["initContainerStatuses"] = Value::Array(
                inits
                    .iter()
                    .map(|c| container_status(c, waiting("PodInitializing")))
                    .collect(),
            );
        }
        st["containerStatuses"] = Value::Array(
            mains
                .iter()
                .map(|c| container_status(c, waiting(default_state)))
                .collect(),
        );
        set_pod_condition(
            &mut p,
            "PodReadyToStartContainers",
            "False",
            None,
            None,
            now,
        );
        // A pod bound by hand (spec.nodeName in the manifest) never met the
        // scheduler; the kubelet reports it scheduled.
        if podutil::condition(&p, "PodScheduled").is_none() {
            set_pod_condition(&mut p, "PodScheduled", "True", None, None, now);
        }
    }

    // Volumes, then the sandbox.
    let sandbox_ready = podutil::condition(&p, "PodReadyToStartContainers")
        .is_some_and(|c| c.str_at("status") == Some("True"));
    if !sandbox_ready {
        if let Some(msg) = missing_volume(ctx, pod) {
            events.push((true, "FailedMount", msg));
            finish(ctx, out, pod, p, inits, mains, events);
            return;
        }
        set_pod_condition(&mut p, "PodReadyToStartContainers", "True", None, None, now);
        let ip = if pod.spec().bool_at("hostNetwork") == Some(true) {
            Some(host_ip(node))
        } else {
            allocate_ip(node, &mut nc.ips)
        };
        if let Some(ip) = ip {
            let st = p.status_mut();
            st["podIP"] = ip.clone().into();
            st["podIPs"] = json!([{"ip": ip}]);
        }
        if let Some(first) = inits.first().or(mains.first()) {
            pulling_event(first, nc, &mut events);
        }
    }
    let sandbox_at = podutil::condition(&p, "PodReadyToStartContainers")
        .and_then(|c| ts(c, "lastTransitionTime"))
        .unwrap_or(now);
    let pod_ip = podutil::pod_ip(&p).unwrap_or("").to_string();
    let mut wake: Option<u64> = None;
    let mut set_wake = |t: u64| {
        if t > now {
            wake = Some(wake.map_or(t, |w: u64| w.min(t)));
        }
    };

    // Init containers, in order.
    let mut anchor = sandbox_at;
    let mut i = 0;
    while i < inits.len() {
        let c = &inits[i];
        let name = c.str_at("name").unwrap_or("").to_string();
        let image = c.str_at("image").unwrap_or("").to_string();
        let path = format!("initContainerStatuses.{i}");
        let cs = p.status().at(&path).clone();
        if cs.str_at("state.terminated.reason") == Some("Completed") {
            anchor = ts(&cs, "state.terminated.finishedAt").unwrap_or(anchor);
            i += 1;
            continue;
        }
        if let Some(started) = ts(&cs, "state.running.startedAt") {
            let finish = started + timing.init_ms(&name);
            if now < finish {
                set_wake(finish);
                break;
            }
            let mut ncs = cs.clone();
            ncs["state"] = json!({"terminated": {"exitCode": 0, "reason": "Completed",
                "startedAt": rfc3339(started), "finishedAt": rfc3339(finish),
                "containerID": ncs.at("containerID").clone()}});
            ncs["ready"] = true.into();
            ncs["started"] = false.into();
            set_status_at(&mut p, &path, ncs);
            anchor = parse_rfc3339(&rfc3339(finish)).unwrap_or(finish);
            if let Some(n) = inits.get(i + 1).or(mains.first()) {
                pulling_event(n, nc, &mut events);
            }
            i += 1;
            continue;
        }
        // Waiting: the image is being pulled since `anchor`.
        let pull = timing.image_ready_ms(c, &name, &nc.images);
        let due = anchor + pull;
        if now < due {
            set_wake(due);
            break;
        }
        if !start_container(
            ctx,
            pod,
            &mut p,
            &path,
            c,
            &cs,
            due,
            anchor,
            nc,
            &image,
            &mut events,
        ) {
            break;
        }
        // Now running: the next pass of the loop sees whether it is done.
    }
    let inits_done = i == inits.len();

    // App containers, in order, once init is done.
    if inits_done {
        for (j, c) in mains.iter().enumerate() {
            let name = c.str_at("name").unwrap_or("").to_string();
            let image = c.str_at("image").unwrap_or("").to_string();
            let path = format!("containerStatuses.{j}");
            let cs = p.status().at(&path).clone();
            let ever_started = !cs.at("state.running").is_null()
                || !cs.at("state.terminated").is_null()
                || !cs.at("lastState.terminated").is_null();
            if ever_started {
                let first_start = ts(&cs, "state.running.startedAt")
                    .or_else(|| ts(&cs, "state.terminated.startedAt"))
                    .or_else(|| ts(&cs, "lastState.terminated.startedAt"))
                    .unwrap_or(anchor);
                anchor = first_start;
                run_container(
                    ctx,
                    pod,
                    &mut p,
                    &path,
                    c,
                    &cs,
                    &restart_policy,
                    &pod_ip,
                    &mut events,
                    &mut set_wake,
                );
                continue;
            }
            let pull = timing.image_ready_ms(c, &name, &nc.images);
            let due = anchor + pull;
            if now < due {
                set_wake(due);
                break;
            }
            if !start_container(
                ctx,
                pod,
                &mut p,
                &path,
                c,
                &cs,
                due,
                anchor,
                nc,
                &image,
                &mut events,
            ) {
                break;
            }
            let cs = p.status().at(&path).clone();
            anchor = ts(&cs, "state.running.startedAt").unwrap_or(due);
            if let Some(n) = mains.get(j + 1) {
                pulling_event(n, nc, &mut events);
            }
            run_container(
                ctx,
                pod,
                &mut p,
                &path,
                c,
                &cs,
                &restart_policy,
                &pod_ip,
                &mut events,
                &mut set_wake,
            );
        }
    }
    if let Some(w) = wake {
        out.wake(w);
    }
    finish(ctx, out, pod, p, inits, mains, events);
}

/// Sets `field.N` (a container status) in the pod status.
fn set_status_at(p: &mut Object, path: &str, v: Value) {
    let (field, idx) = path.split_once('.').expect("field.index");
    let idx: usize = idx.parse().expect("index");
    let st = p.status_mut();
    if !st.at(field).is_array() {
        st[field] = json!([]);
    }
    let arr = st[field].as_array_mut().expect("array");
    while arr.len() <= idx {
        arr.push(json!({}));
    }
    arr[idx] = v;
}

/// Creates and starts a container whose image has been pulled. Returns
/// false when its configuration is missing.
#[allow(clippy::too_many_arguments)]
fn start_container(
    ctx: &Ctx,
    pod: &Object,
    p: &mut Object,
    path: &str,
    c: &Value,
    cs: &Value,
    due: u64,
    pull_start: u64,
    nc: &mut NodeCtx,
    image: &str,
    events: &mut Vec<(bool, &'static str, String)>,
) -> bool {
    let name = c.str_at("name").unwrap_or("");
    let was_blocked = cs.str_at("state.waiting.reason") == Some("CreateContainerConfigError");
    if !was_blocked {
        // An image already on the node starts at once; one pulled meanwhile
        // by another pod's kubelet pull counts as ours, waiting included.
        let elapsed = ctx.now.max(due) - pull_start;
        // The anchor has second precision: a start within a second of the
        // create time found the image there.
        let quick = ctx.config.timings.image_pull_ms / 2 * 5 / 4 + 1000;
        let message = if !needs_pull(c, &nc.images) && elapsed < quick {
            format!("Container image \"{image}\" already present on machine")
        } else {
            if nc.images.insert(image.to_string()) {
                nc.pulled.insert(image.to_string());
            }
            format!(
                "Successfully pulled image \"{image}\" in {} ({} including waiting). Image size: {} bytes.",
                go_duration(elapsed),
                go_duration(elapsed),
                image_size(image)
            )
        };
        events.push((false, "Pulled", message));
    }
    if let Some(msg) = missing_config(ctx, pod, c) {
        if !was_blocked || cs.str_at("state.waiting.message") != Some(msg.as_str()) {
            events.push((true, "Failed", format!("Error: {msg}")));
        }
        let mut ncs = cs.clone();
        ncs["state"] = json!({"waiting": {"reason": "CreateContainerConfigError", "message": msg}});
        set_status_at(p, path, ncs);
        return false;
    }
    // A container unblocked later, or whose kubelet was away when its pull
    // ended, starts now.
    let started = if was_blocked || ctx.now > due {
        ctx.now
    } else {
        due
    };
    let mut ncs = cs.clone();
    ncs["state"] = json!({"running": {"startedAt": rfc3339(started)}});
    ncs["started"] = true.into();
    ncs["imageID"] = format!("{image}@sha256:{}", fake_digest(image, "image")).into();
    ncs["containerID"] = format!(
        "containerd://{}",
        fake_digest(&pod.meta.uid, &format!("{name}/0"))
    )
    .into();
    set_status_at(p, path, ncs);
    events.push((false, "Created", format!("Created container {name}")));
    events.push((false, "Started", format!("Started container {name}")));
    true
}

/// A started app container: readiness, liveness, finishing, restarts.
#[allow(clippy::too_many_arguments)]
fn run_container(
    ctx: &Ctx,
    pod: &Object,
    p: &mut Object,
    path: &str,
    c: &Value,
    cs_before: &Value,
    restart_policy: &str,
    pod_ip: &str,
    events: &mut Vec<(bool, &'static str, String)>,
    set_wake: &mut impl FnMut(u64),
) {
    let now = ctx.now;
    let name = c.str_at("name").unwrap_or("").to_string();
    let uid = pod.meta.uid.as_str();
    let mut cs = p.status().at(path).clone();
    let _ = cs_before;
    // Dead: terminated now, or waiting in back-off.
    let terminated = if !cs.at("state.terminated").is_null() {
        Some(cs.at("state.terminated").clone())
    } else if cs.str_at("state.waiting.reason") == Some("CrashLoopBackOff") {
        Some(cs.at("lastState.terminated").clone())
    } else {
        None
    };
    if let Some(t) = terminated {
        let exit = t.i64_at("exitCode").unwrap_or(0);
        let restart = match restart_policy {
            "Never" => false,
            "OnFailure" => exit != 0,
            _ => true,
        };
        if !restart {
            cs["ready"] = false.into();
            set_status_at(p, path, cs);
            return;
        }
        let restarts = cs.i64_at("restartCount").unwrap_or(0);
        let finished = ts(&t, "finishedAt").unwrap_or(now);
        let due = finished + backoff_ms(restarts);
        if now < due {
            if cs.str_at("state.waiting.reason") != Some("CrashLoopBackOff") {
                let msg = format!(
                    "back-off {} restarting failed container={name} pod={}_{}({uid})",
                    go_duration(backoff_ms(restarts)),
                    pod.name(),
                    pod.namespace()
                );
                cs["lastState"] = json!({"terminated": t});
                cs["state"] = json!({"waiting": {"reason": "CrashLoopBackOff", "message": msg}});
                events.push((
                    true,
                    "BackOff",
                    format!(
                        "Back-off restarting failed container {name} in pod {}_{}({uid})",
                        pod.name(),
                        pod.namespace()
                    ),
                ));
            }
            cs["ready"] = false.into();
            cs["started"] = false.into();
            set_status_at(p, path, cs);
            set_wake(due);
            return;
        }
        // Restart.
        let image = c.str_at("image").unwrap_or("");
        cs["lastState"] = json!({"terminated": t});
        cs["restartCount"] = (restarts + 1).into();
        cs["state"] = json!({"running": {"startedAt": rfc3339(due)}});
        cs["started"] = true.into();
        cs["ready"] = false.into();
        cs["containerID"] = format!(
            "containerd://{}",
            fake_digest(uid, &format!("{name}/{}", restarts + 1))
        )
        .into();
        events.push((
            false,
            "Pulled",
            format!("Container image \"{image}\" already present on machine"),
        ));
        events.push((false, "Created", format!("Created container {name}")));
        events.push((false, "Started", format!("Started container {name}")));
        set_status_at(p, path, cs.clone());
    }
    let Some(started) = ts(&cs, "state.running.startedAt") else {
        return;
    };
    let up_at = started + ctx.config.timings.container_start_ms;
    // Finishing on its own (restartPolicy Never/OnFailure only).
    if let Some(run) = finite_run_ms(ctx, pod, c) {
        let exit_at = started + run;
        if now >= exit_at {
            cs["state"] = json!({"terminated": {"exitCode": 0, "reason": "Completed",
                "startedAt": rfc3339(started), "finishedAt": rfc3339(exit_at),
                "containerID": cs.at("containerID").clone()}});
            cs["ready"] = false.into();
            cs["started"] = false.into();
            set_status_at(p, path, cs);
            return;
        }
        set_wake(exit_at);
    }
    // Liveness: probes before the process answers fail.
    if let Some(lp) = Probe::of(c.at("livenessProbe")) {
        let first = lp.tick_at_or_after(started, started);
        let kill_at = first + (lp.failure - 1) * lp.period;
        if kill_at < up_at {
            if now >= kill_at {
                events.push((
                    true,
                    "Unhealthy",
                    lp.describe(c, "livenessProbe", pod_ip, false),
                ));
                events.push((
                    false,
                    "Killing",
                    format!("Container {name} failed liveness probe, will be restarted"),
                ));
                cs["state"] = json!({"terminated": {"exitCode": 137, "reason": "Error",
                    "startedAt": rfc3339(started), "finishedAt": rfc3339(kill_at),
                    "containerID": cs.at("containerID").clone()}});
                cs["ready"] = false.into();
                cs["started"] = false.into();
                set_status_at(p, path, cs.clone());
                // The restart (with back-off) is decided on the next pass.
                set_wake(now + 1);
                return;
            }
            set_wake(kill_at);
        }
    }
    // Readiness.
    let ready = match Probe::of(c.at("readinessProbe")) {
        None => true,
        Some(rp) => {
            let (ready, next, failing) = readiness(ctx, uid, &rp, started, up_at);
            if let Some(t) = next {
                set_wake(t);
            }
            if failing {
                events.push((
                    true,
                    "Unhealthy",
                    rp.describe(c, "readinessProbe", pod_ip, true),
                ));
            }
            ready
        }
    };
    cs["ready"] = ready.into();
    set_status_at(p, path, cs);
}

/// Phase and conditions from the container statuses, then one Update and
/// the events of this pass.
fn finish(
    ctx: &Ctx,
    out: &mut Out,
    pod: &Object,
    mut p: Object,
    inits: &[Value],
    mains: &[Value],
    events: Vec<(bool, &'static str, String)>,
) {
    let now = ctx.now;
    let st = p.status();
    let init_st = st.array_at("initContainerStatuses");
    let main_st = st.array_at("containerStatuses");
    let incomplete: Vec<&str> = inits
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            init_st
                .get(*i)
                .and_then(|s| s.str_at("state.terminated.reason"))
                != Some("Completed")
        })
        .map(|(_, c)| c.str_at("name").unwrap_or(""))
        .collect();
    let unready: Vec<&str> = mains
        .iter()
        .enumerate()
        .filter(|(j, _)| main_st.get(*j).and_then(|s| s.bool_at("ready")) != Some(true))
        .map(|(_, c)| c.str_at("name").unwrap_or(""))
        .collect();
    let never_started = mains.iter().enumerate().any(|(j, _)| {
        let s = main_st.get(j);
        s.is_none_or(|s| {
            s.at("state.running").is_null()
                && s.at("state.terminated").is_null()
                && s.at("lastState.terminated").is_null()
        })
    });
    let all_terminated = !mains.is_empty()
        && mains.iter().enumerate().all(|(j, _)| {
            main_st
                .get(j)
                .is_some_and(|s| !s.at("state.terminated").is_null())
        });
    let all_ok = mains.iter().enumerate().all(|(j, _)| {
        main_st
            .get(j)
            .and_then(|s| s.i64_at("state.terminated.exitCode"))
            == Some(0)
    });
    let restart_policy = pod.spec().str_at("restartPolicy").unwrap_or("Always");
    let phase = if !incomplete.is_empty() || never_started {
        "Pending"
    } else if all_terminated && (all_ok || restart_policy == "Never") {
        if all_ok {
            "Succeeded"
        } else {
            "Failed"
        }
    } else {
        "Running"
    };
    p.status_mut()["phase"] = phase.into();
    if incomplete.is_empty() {
        set_pod_condition(&mut p, "Initialized", "True", None, None, now);
    } else {
        let msg = format!(
            "containers with incomplete status: [{}]",
            incomplete.join(" ")
        );
        set_pod_condition(
            &mut p,
            "Initialized",
            "False",
            Some("ContainersNotInitialized"),
            Some(&msg),
            now,
        );
    }
    if phase == "Succeeded" || phase == "Failed" {
        for c in ["ContainersReady", "Ready"] {
            set_pod_condition(&mut p, c, "False", Some("PodCompleted"), None, now);
        }
    } else if unready.is_empty() {
        for c in ["ContainersReady", "Ready"] {
            set_pod_condition(&mut p, c, "True", None, None, now);
        }
    } else {
        let msg = format!("containers with unready status: [{}]", unready.join(" "));
        for c in ["ContainersReady", "Ready"] {
            set_pod_condition(
                &mut p,
                c,
                "False",
                Some("ContainersNotReady"),
                Some(&msg),
                now,
            );
        }
    }
    if p != *pod {
        out.update(p);
    }
    for (warning, reason, message) in events {
        out.event(pod, warning, reason, message);
    }
}

/// Graceful termination: stop the containers, then confirm the deletion.
fn kill_pod(ctx: &Ctx, out: &mut Out, pod: &Object) {
    let now = ctx.now;
    let Some(deadline) = pod.meta.deletion_timestamp else {
        return;
    };
    let grace_ms = secs_ms(pod.meta.deletion_grace_period_seconds.unwrap_or(30));
    let kill_start = deadline.saturating_sub(grace_ms);
    let exit_at = deadline.min(kill_start + ctx.config.timings.container_stop_ms);
    let running: Vec<&str> = pod
        .status()
        .array_at("containerStatuses")
        .iter()
        .chain(pod.status().array_at("initContainerStatuses"))
        .filter(|s| !s.at("state.running").is_null())
        .filter_map(|s| s.str_at("name"))
        .collect();
    if running.is_empty() || now >= exit_at {
        out.writes.push(Write::Delete {
            key: pod.key(),
            grace_seconds: Some(0),
            propagation: Propagation::Background,
            uid: Some(pod.meta.uid.clone()),
        });
        return;
    }
    // SIGTERM: the containers stop answering probes.
    let mut p = pod.clone();
    if let Some(arr) = p
        .status_mut()
        .get_mut("containerStatuses")
        .and_then(|v| v.as_array_mut())
    {
        for s in arr {
            s["ready"] = false.into();
        }
    }
    let names: Vec<String> = pod
        .spec()
        .array_at("containers")
        .iter()
        .filter_map(|c| c.str_at("name").map(String::from))
        .collect();
    let msg = format!("containers with unready status: [{}]", names.join(" "));
    for c in ["ContainersReady", "Ready"] {
        set_pod_condition(
            &mut p,
            c,
            "False",
            Some("ContainersNotReady"),
            Some(&msg),
            now,
        );
    }
    let changed = p != *pod;
    if changed {
        out.update(p);
    }
    if changed || now == kill_start {
        for name in &running {
            out.event(pod, false, "Killing", format!("Stopping container {name}"));
        }
    }
    out.wake(exit_at);
}

#[cfg(test)]
mod tests;
