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

use super::scheduler::{self, pod_condition_is, set_pod_condition};
use super::{Ctx, Keys, Out, Propagation, Write};
use crate::sim::object::{parse_rfc3339, rfc3339, Object, ValueExt};
use crate::sim::object::{Key, Kind};
use crate::sim::podutil;
use crate::sim::store::{Change, Store};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

pub use crate::sim::object::go_duration;

const MAX_BACKOFF_MS: u64 = 300_000;
const INITIAL_BACKOFF_MS: u64 = 10_000;

/// A 64-bit hash of a seed and a salt (FNV-1a, then SplitMix64's finaliser
/// so near-identical inputs spread).
pub fn hash64(seed: &str, salt: &str) -> u64 {
    mix(salted(seed, salt).finish())
}

/// The running hash of `seed`, a zero byte and `salt`.
fn salted(seed: &str, salt: &str) -> crate::sim::hash::Fnv64a {
    let mut f = crate::sim::hash::Fnv64a::new();
    f.write(seed.as_bytes());
    f.write(&[0]);
    f.write(salt.as_bytes());
    f
}

/// splitmix64's finalizer, so nearby inputs give unrelated outputs.
fn mix(mut h: u64) -> u64 {
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Per-pod jitter: a fraction in [0, 1) from the pod uid and a salt.
pub fn jitter(uid: &str, salt: &str) -> f64 {
    (hash64(uid, salt) >> 11) as f64 / (1u64 << 53) as f64
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

/// `hash64(seed, "{salt}/{i}")` for i in 0..4, in hex: 64 digits, as a
/// sha256 has. The hash of the common prefix is worked out once.
fn fake_digest(seed: &str, salt: &str) -> String {
    use std::fmt::Write;
    let mut f = salted(seed, salt);
    f.write(b"/");
    let mut s = String::with_capacity(64);
    for i in 0..4u8 {
        let mut g = f;
        g.write(&[b'0' + i]);
        let _ = write!(s, "{:016x}", mix(g.finish()));
    }
    s
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
    /// Read from the node's pods when a pod first needs an address in this
    /// pass (most passes hand out none).
    ips: Option<PodIps>,
    images: BTreeSet<String>,
    pulled: BTreeSet<String>,
}

impl NodeCtx {
    /// The pod IPs in use on `node`, with those handed out in this pass.
    fn ips(&mut self, store: &Store, node: &Object) -> &mut PodIps {
        self.ips.get_or_insert_with(|| {
            let name = node.name();
            let ips = store.pods_on_node(name).filter_map(|p| {
                match (podutil::node_name(p), podutil::pod_ip(p)) {
                    (Some(n), Some(ip)) if n == name => Some(ip),
                    _ => None,
                }
            });
            PodIps::of(node, ips)
        })
    }
}

pub fn sync(ctx: &Ctx, out: &mut Out) {
    sync_keys(ctx, Keys::All, out)
}

/// The keys a change concerns: a pod itself; for a node, the node (its
/// status post) and every pod bound to it (its images and addresses); for
/// a ConfigMap or Secret, every pod of its namespace. A pod held up by a
/// missing claim or config says so with an Event on every pass, so it
/// stays dirty until that clears.
pub fn route(store: &Store, change: &Change, _new: Option<&Object>, push: &mut dyn FnMut(Key)) {
    let k = &change.key;
    match k.kind {
        Kind::Pod => push(k.clone()),
        Kind::Node => {
            // The node itself, for its status post.
            push(k.clone());
            store.pods_on_node(&k.name).for_each(|p| push(p.key()));
        }
        Kind::ConfigMap | Kind::Secret => store
            .list_ns(Kind::Pod, &k.namespace)
            .for_each(|p| push(p.key())),
        _ => {}
    }
}

/// What the kubelet of `node` knows: the images on the machine (the pod
/// IPs in use there are read when needed, [`NodeCtx::ips`]).
fn node_ctx(store: &Store, node: &str) -> NodeCtx {
    let mut nc = NodeCtx::default();
    if let Some(n) = store.get(Kind::Node, "", node) {
        for img in n.status().array_at("images") {
            for name in img.array_at("names") {
                if let Some(name) = name.as_str() {
                    nc.images.insert(name.to_string());
                }
            }
        }
    }
    nc
}

/// Node status for every node, then the sync of the pods in `keys`.
pub fn sync_keys(ctx: &Ctx, keys: Keys, out: &mut Out) {
    let mut nodes = post_node_status(ctx, out, keys);
    let store = ctx.store;
    let mut ncs: BTreeMap<String, NodeCtx> = BTreeMap::new();
    // The pods to sync, in store order. An image pulled in this pass is
    // on the machine for the pods after it on that node (a shared pull), so
    // a keyed pass that pulls one syncs those pods too: they go to `pulled`,
    // and each turn takes the least key after the last of either list.
    let only: &[Key] = match keys {
        Keys::All => {
            for n in store.list(Kind::Node) {
                ncs.insert(n.name().to_string(), node_ctx(store, n.name()));
            }
            &[]
        }
        Keys::Only(set) => set,
    };
    let mut at = 0;
    let mut pulled_for: BTreeSet<Key> = BTreeSet::new();
    let mut all = store.list(Kind::Pod);
    let mut last: Option<Key> = None;
    loop {
        let pod = match keys {
            Keys::All => all.next(),
            Keys::Only(_) => {
                while only
                    .get(at)
                    .is_some_and(|k| k.kind != Kind::Pod || last.as_ref().is_some_and(|l| k <= l))
                {
                    at += 1;
                }
                let extra = match &last {
                    _ if pulled_for.is_empty() => None,
                    None => pulled_for.first(),
                    Some(l) => pulled_for
                        .range::<Key, _>((std::ops::Bound::Excluded(l), std::ops::Bound::Unbounded))
                        .next(),
                };
                let next = match (only.get(at), extra) {
                    (Some(a), Some(b)) => a.min(b),
                    (Some(a), None) => a,
                    (None, Some(b)) => b,
                    (None, None) => break,
                };
                let k = next.clone();
                let found = store.get_key(&k);
                last = Some(k);
                match found {
                    Some(p) => Some(p),
                    None => continue,
                }
            }
        };
        let Some(pod) = pod else { break };
        let Some(node_name) = podutil::node_name(pod) else {
            continue;
        };
        if ctx.faults.failed_nodes.contains(node_name) {
            continue;
        }
        let Some(node) = store.get(Kind::Node, "", node_name) else {
            continue;
        };
        let nc = ncs
            .entry(node_name.to_string())
            .or_insert_with(|| node_ctx(store, node_name));
        let pulled = nc.pulled.len();
        let mark = out.key_begin();
        if pod.meta.terminating() {
            kill_pod(ctx, out, pod);
        } else {
            sync_pod(ctx, out, pod, node, nc);
        }
        out.key_end(mark, || pod.key());
        if nc.pulled.len() > pulled && matches!(keys, Keys::Only(_)) {
            let key = pod.key();
            for p in store.pods_on_node(node_name) {
                if p.key() > key {
                    pulled_for.insert(p.key());
                }
            }
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

mod node_status;
mod pod_sync;
mod prober;
use node_status::*;
use pod_sync::*;
use prober::*;
#[cfg(test)]
mod tests;
