//! Cassandra's ring, as `nodetool` (`nodetool.rs`) and `cqlsh` (`cql.rs`)
//! see it.
//!
//! The ring is the set of pods of the same controller (StatefulSet, RC or
//! DaemonSet) as the pod the command runs in: the seeds' seed provider
//! finds peers that way. A member that is running and ready is `UN`; one
//! running but not yet ready is still joining (`UJ`, the image's
//! ready-probe waits for `UN`), unless it joined before: a restarted
//! member does not bootstrap again and is down until ready; one on a
//! failed node or being deleted is
//! down (`DN`). Nodes keep what they have seen in `system.peers` on their
//! own disks, so a member that went away (a deleted pod, a scale-down
//! without `nodetool decommission`) stays `DN` until it returns or
//! `nodetool removenode <host id>` forgets it, as on a real ring.
//! Host IDs live on the node's data volume, so a StatefulSet pod recreated
//! on the same claim keeps its identity while its IP changes.

mod cql;
mod nodetool;

use super::{fs, hash, uuid_from, Out, Proc};
use crate::sim::object::{Kind, Object, ValueExt};
use crate::sim::podutil;
use crate::sim::sort;
use std::collections::BTreeMap;

pub(super) struct RingNode {
    state: &'static str,
    ip: String,
    id: String,
    rack: String,
}

fn cassandra_container(pod: &Object) -> Option<String> {
    pod.spec()
        .array_at("containers")
        .iter()
        .find(|c| c.str_at("image").is_some_and(|i| i.contains("cassandra")))
        .and_then(|c| c.str_at("name"))
        .map(str::to_string)
}

fn env_of(pod: &Object, container: &str, name: &str) -> Option<String> {
    fs::container_spec(pod, container)?
        .array_at("env")
        .iter()
        .find(|e| e.str_at("name").map(str::trim) == Some(name))
        .and_then(|e| e.str_at("value"))
        .map(str::to_string)
}

/// Where the node keeps its data: the mount whose path names cassandra.
fn data_dir(pod: &Object, container: &str) -> String {
    fs::container_spec(pod, container)
        .and_then(|c| {
            c.array_at("volumeMounts")
                .iter()
                .filter_map(|m| m.str_at("mountPath"))
                .find(|p| p.contains("cassandra"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| "/cassandra_data".into())
}

impl Proc<'_> {
    /// The ring as this pod's node sees it.
    fn ring(&self) -> Vec<Object> {
        let me = &self.pod;
        let store = &self.sim.store;
        let peers: Vec<Object> = match me.meta.controller_ref() {
            Some(owner) => store
                .list_ns(Kind::Pod, me.namespace())
                .filter(|p| p.meta.is_owned_by(&owner.uid))
                .cloned()
                .collect(),
            None => vec![me.clone()],
        };
        peers
            .into_iter()
            .filter(|p| {
                podutil::pod_ip(p).is_some()
                    && podutil::is_running(p)
                    && cassandra_container(p).is_some()
            })
            .collect()
    }

    fn host_id(&mut self, pod: &Object) -> String {
        let c = cassandra_container(pod).unwrap_or_default();
        let path = format!("{}/data/system/host_id", data_dir(pod, &c));
        if let Some(id) = fs::read(self.sim, pod, &c, &path) {
            return id.trim().to_string();
        }
        // A new node picks an id when it first starts with empty data.
        let loc = format!("{:?}", fs::locate(&self.sim.store, pod, &c, &path));
        let id = uuid_from(&format!("{}{loc}", pod.meta.uid));
        let _ = fs::write(self.sim, pod, &c, &path, format!("{id}\n"));
        id
    }

    fn joined_path(pod: &Object) -> (String, String) {
        let c = cassandra_container(pod).unwrap_or_default();
        let path = format!("{}/data/system/bootstrapped", data_dir(pod, &c));
        (c, path)
    }

    /// Records on the node's volume that it finished joining (Cassandra
    /// keeps this as system.local's bootstrapped = COMPLETED).
    fn mark_joined(&mut self, pod: &Object) {
        let (c, path) = Self::joined_path(pod);
        if fs::read(self.sim, pod, &c, &path).is_none() {
            let _ = fs::write(self.sim, pod, &c, &path, "COMPLETED\n".into());
        }
    }

    /// Whether the node joined the ring before: recorded on its volume, or
    /// its container has run before (a restart; Ordinal does not tell a
    /// crash during the first bootstrap apart).
    fn has_joined(&self, pod: &Object) -> bool {
        let (c, path) = Self::joined_path(pod);
        fs::read(self.sim, pod, &c, &path).is_some()
            || pod.status().array_at("containerStatuses").iter().any(|s| {
                s.str_at("name") == Some(c.as_str()) && s.i64_at("restartCount").unwrap_or(0) > 0
            })
    }

    fn peers_path(pod: &Object) -> (String, String) {
        let c = cassandra_container(pod).unwrap_or_default();
        let path = format!("{}/data/system/peers", data_dir(pod, &c));
        (c, path)
    }

    /// The ring as gossip knows it: the running members, and every node a
    /// member has seen before (`system.peers` on its own disk) that is not
    /// running now, which shows as down until `nodetool removenode`.
    fn ring_view(&mut self) -> Vec<RingNode> {
        let running = self.ring();
        let mut nodes: Vec<RingNode> = Vec::new();
        for p in &running {
            let on_failed_node =
                podutil::node_name(p).is_some_and(|n| self.sim.faults.failed_nodes.contains(n));
            // A deleted pod's process is killed (the seed's preStop does
            // not decommission), so it is simply down.
            let state = if on_failed_node || podutil::is_terminating(p) {
                "DN"
            } else if podutil::is_ready(p) {
                self.mark_joined(p);
                "UN"
            } else if self.has_joined(p) {
                // A member that joined before does not bootstrap again
                // (StorageService.shouldBootstrap: bootstrap complete):
                // restarting, it is down until its gossip is up, then UN.
                "DN"
            } else {
                "UJ"
            };
            let c = cassandra_container(p).unwrap_or_default();
            nodes.push(RingNode {
                state,
                ip: podutil::pod_ip(p).unwrap_or("").to_string(),
                id: self.host_id(p),
                rack: env_of(p, &c, "CASSANDRA_RACK").unwrap_or_else(|| "rack1".into()),
            });
        }
        // By id, the last line's "IP<tab>rack" (a map type the wasm already
        // has; a tuple of two Strings as the value was a B-tree instance
        // of its own). Neither part has a tab: the line was split on them.
        let mut remembered: BTreeMap<String, String> = BTreeMap::new();
        for p in &running {
            let (c, path) = Self::peers_path(p);
            for line in fs::read(self.sim, p, &c, &path).unwrap_or_default().lines() {
                let f: Vec<&str> = line.split('\t').collect();
                if let [id, ip, rack] = f.as_slice() {
                    remembered.insert(id.to_string(), format!("{ip}\t{rack}"));
                }
            }
        }
        for (id, at) in remembered {
            if !nodes.iter().any(|n| n.id == id) {
                let (ip, rack) = at.split_once('\t').unwrap_or((&at, ""));
                nodes.push(RingNode {
                    state: "DN",
                    ip: ip.to_string(),
                    id,
                    rack: rack.to_string(),
                });
            }
        }
        sort::sort_by_key(&mut nodes, |n| {
            n.ip.split('.')
                .map(|o| o.parse::<u32>().unwrap_or(0))
                .fold(0u64, |a, o| (a << 8) | u64::from(o))
        });
        self.save_peers(&running, &nodes);
        nodes
    }

    fn save_peers(&mut self, running: &[Object], nodes: &[RingNode]) {
        let table: String = nodes
            .iter()
            .map(|n| format!("{}\t{}\t{}\n", n.id, n.ip, n.rack))
            .collect();
        for p in running {
            let (c, path) = Self::peers_path(p);
            if fs::read(self.sim, p, &c, &path).as_deref() != Some(table.as_str()) {
                let _ = fs::write(self.sim, p, &c, &path, table.clone());
            }
        }
    }

    /// The image's readiness probe: ready once this node shows `UN`.
    pub(super) fn cassandra_ready_probe(&mut self) -> Out {
        Out::default()
    }
}
