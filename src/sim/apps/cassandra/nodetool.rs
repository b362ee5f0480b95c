//! `nodetool`: the ring as this node's gossip sees it (`status`, `ring`,
//! `info`, `describecluster`) and `removenode`.

use super::*;

impl Proc<'_> {
    pub(in crate::sim::apps) fn nodetool(&mut self, args: &[String]) -> Out {
        let sub: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        match sub.first().map(|s| s.as_str()) {
            Some("status") => self.nodetool_status(),
            Some("ring") => self.nodetool_ring(),
            Some("info") => self.nodetool_info(args.iter().any(|a| a == "-T" || a == "--tokens")),
            Some("describecluster") => self.describecluster(),
            Some("removenode") => self.removenode(sub.get(1).copied()),
            None => Out::err(
                "usage: nodetool [(-h <host> | --host <host>)] <command> [<args>]\n\nSee 'nodetool help' for more information.\n",
                1,
            ),
            Some(other) => Out::err(
                format!("nodetool: Found unexpected parameters: [{other}]\nSee 'nodetool help' or 'nodetool help <command>'.\n"),
                1,
            ),
        }
    }

    /// `nodetool removenode <host id>`: forget a dead node.
    fn removenode(&mut self, id: Option<&String>) -> Out {
        let Some(id) = id else {
            return Out::err("nodetool: removenode requires a host ID\nSee 'nodetool help' or 'nodetool help <command>'.\n", 1);
        };
        let nodes = self.ring_view();
        match nodes.iter().find(|n| &n.id == id) {
            None => Out::err("error: Host ID not found.\n-- StackTrace --\njava.lang.UnsupportedOperationException: Host ID not found.\n", 2),
            Some(n) if n.state != "DN" => Out::err(
                format!("error: Node /{} is alive and owns this ID. Use decommission command to remove it from the ring\n-- StackTrace --\njava.lang.UnsupportedOperationException: Node /{} is alive and owns this ID. Use decommission command to remove it from the ring\n", n.ip, n.ip),
                2,
            ),
            Some(_) => {
                let running = self.ring();
                let rest: Vec<RingNode> = nodes.into_iter().filter(|n| &n.id != id).collect();
                self.save_peers(&running, &rest);
                Out::default()
            }
        }
    }

    fn nodetool_status(&mut self) -> Out {
        let me = self.pod.clone();
        let c = cassandra_container(&me).unwrap_or_default();
        let dc = env_of(&me, &c, "CASSANDRA_DC").unwrap_or_else(|| "datacenter1".into());
        let tokens = env_of(&me, &c, "CASSANDRA_NUM_TOKENS").unwrap_or_else(|| "32".into());
        let nodes = self.ring_view();
        let owns = effective_owns(&nodes);
        let width = nodes.iter().map(|n| n.ip.len()).max().unwrap_or(7).max(7);
        let mut s = format!(
            "Datacenter: {dc}\n{}\nStatus=Up/Down\n|/ State=Normal/Leaving/Joining/Moving\n",
            "=".repeat(12 + dc.len())
        );
        s.push_str(&format!(
            "{:<2}  {:<width$}  {:<9}  {:<11}  {:<16}  {:<36}  {}\n",
            "--", "Address", "Load", "Tokens", "Owns (effective)", "Host ID", "Rack"
        ));
        for (node, own) in nodes.iter().zip(owns) {
            s.push_str(&format!(
                "{:<2}  {:<width$}  {:<9}  {tokens:<11}  {:<16}  {:<36}  {}\n",
                node.state,
                node.ip,
                load_text(&node.id),
                format!("{own:.1}%"),
                node.id,
                node.rack,
            ));
        }
        s.push('\n');
        Out::ok(s)
    }

    /// The vnode tokens of this node's ring members, every one.
    fn num_tokens(&self) -> usize {
        let c = cassandra_container(&self.pod).unwrap_or_default();
        env_of(&self.pod, &c, "CASSANDRA_NUM_TOKENS")
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(32)
    }

    /// `nodetool ring` as Cassandra 3.11's Ring prints it: one row per
    /// token in token order, each with its node's rack, status, state,
    /// load and effective ownership; the widest address sets the first
    /// column, the others are fixed (a long rack runs into Status).
    fn nodetool_ring(&mut self) -> Out {
        let me = self.pod.clone();
        let c = cassandra_container(&me).unwrap_or_default();
        let dc = env_of(&me, &c, "CASSANDRA_DC").unwrap_or_else(|| "datacenter1".into());
        let nodes = self.ring_view();
        let owns = effective_owns(&nodes);
        let per_node = self.num_tokens();
        let mut rows: Vec<(i64, usize)> = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            rows.extend(tokens_of(&n.id, per_node).into_iter().map(|t| (t, i)));
        }
        sort::sort_by_key(&mut rows, |r| r.0);
        let width = nodes.iter().map(|n| n.ip.len()).max().unwrap_or(0);
        let row = |cells: [&str; 7]| {
            format!(
                "{:<width$}  {:<12}{:<7}{:<8}{:<16}{:<20}{:<44}\n",
                cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]
            )
        };
        let mut s = format!("\nDatacenter: {dc}\n==========\n");
        s.push_str(&row([
            "Address", "Rack", "Status", "State", "Load", "Owns", "Token",
        ]));
        let last = rows.last().map(|r| r.0.to_string()).unwrap_or_default();
        if nodes.len() > 1 {
            s.push_str(&row(["", "", "", "", "", "", &last]));
        } else {
            s.push('\n');
        }
        for (token, i) in &rows {
            let n = &nodes[*i];
            let (status, state) = match n.state {
                "DN" => ("Down", "Normal"),
                "UJ" => ("Up", "Joining"),
                _ => ("Up", "Normal"),
            };
            s.push_str(&row([
                &n.ip,
                &n.rack,
                status,
                state,
                &load_text(&n.id),
                &format!("{:.2}%", owns[*i]),
                &token.to_string(),
            ]));
        }
        s.push('\n');
        if per_node > 1 {
            s.push_str(
                "  Warning: \"nodetool ring\" is used to output all the tokens of a node.\n",
            );
            s.push_str(
                "  To view status related info of a node use \"nodetool status\" instead.\n\n",
            );
        }
        // Ring ends with printf("%n  " + errors): two spaces, no newline.
        s.push_str("\n  ");
        Out::ok(s)
    }

    /// `nodetool info` as Cassandra 3.11's Info prints it for this node.
    /// The caches and heap are the image's defaults for its heap size;
    /// Ordinal counts no hits, requests or exceptions.
    fn nodetool_info(&mut self, all_tokens: bool) -> Out {
        let me = self.pod.clone();
        let c = cassandra_container(&me).unwrap_or_default();
        let nodes = self.ring_view();
        let ip = podutil::pod_ip(&me).unwrap_or("").to_string();
        let Some(node) = nodes.iter().find(|n| n.ip == ip) else {
            return Out::err(
                "nodetool: Failed to connect to '127.0.0.1:7199' - ConnectException: 'Connection refused (Connection refused)'.\n",
                1,
            );
        };
        let started = me
            .status()
            .array_at("containerStatuses")
            .iter()
            .find(|s| s.str_at("name") == Some(c.as_str()))
            .and_then(|s| s.str_at("state.running.startedAt"))
            .and_then(crate::sim::object::parse_rfc3339)
            .unwrap_or(me.meta.creation_timestamp);
        let heap_mb = env_of(&me, &c, "MAX_HEAP_SIZE")
            .and_then(|h| {
                let h = h.trim().to_ascii_uppercase();
                match h.strip_suffix('G') {
                    Some(g) => g.parse::<u64>().ok().map(|g| g * 1024),
                    None => h.trim_end_matches('M').parse::<u64>().ok(),
                }
            })
            .unwrap_or(1024);
        let mib = 1024.0 * 1024.0;
        let heap = heap_mb as f64 * mib;
        let used = (heap_mb as f64) * (0.2 + (hash(&node.id) % 300) as f64 / 1000.0);
        let line = |k: &str, v: String| format!("{k:<23}: {v}\n");
        let cache = |name: &str, capacity: f64, period: u32| {
            line(
                name,
                format!(
                    "entries 0, size 0 bytes, capacity {}, 0 hits, 0 requests, NaN recent hit rate, {period} save period in seconds",
                    file_size(capacity)
                ),
            )
        };
        let mut s = String::new();
        s.push_str(&line("ID", node.id.clone()));
        s.push_str(&line("Gossip active", "true".into()));
        s.push_str(&line("Thrift active", "false".into()));
        s.push_str(&line("Native Transport active", "true".into()));
        s.push_str(&line("Load", load_text(&node.id)));
        s.push_str(&line(
            "Generation No",
            ((crate::sim::object::EPOCH_UNIX_MS + started) / 1000).to_string(),
        ));
        s.push_str(&line(
            "Uptime (seconds)",
            (self.clock_ms.saturating_sub(started) / 1000).to_string(),
        ));
        s.push_str(&line(
            "Heap Memory (MB)",
            format!("{used:.2} / {:.2}", heap_mb as f64),
        ));
        s.push_str(&line("Off Heap Memory (MB)", "0.00".into()));
        s.push_str(&line(
            "Data Center",
            env_of(&me, &c, "CASSANDRA_DC").unwrap_or_else(|| "datacenter1".into()),
        ));
        s.push_str(&line("Rack", node.rack.clone()));
        s.push_str(&line("Exceptions", "0".into()));
        // cassandra.yaml's auto sizes: key cache 5% of the heap up to
        // 100 MiB, counter cache 2.5% up to 50 MiB, chunk cache a
        // quarter of the heap up to 512 MiB; no row cache.
        s.push_str(&cache("Key Cache", (heap * 0.05).min(100.0 * mib), 14400));
        s.push_str(&cache("Row Cache", 0.0, 0));
        s.push_str(&cache(
            "Counter Cache",
            (heap * 0.025).min(50.0 * mib),
            7200,
        ));
        s.push_str(&line(
            "Chunk Cache",
            format!(
                "entries 0, size 0 bytes, capacity {}, 0 misses, 0 requests, NaN recent hit rate, NaN microseconds miss latency",
                file_size((heap / 4.0).min(512.0 * mib))
            ),
        ));
        s.push_str(&line("Percent Repaired", "100.0%".into()));
        if node.state == "UJ" {
            s.push_str(&line("Token", "(node is not joined to the cluster)".into()));
        } else if all_tokens || self.num_tokens() == 1 {
            for t in tokens_of(&node.id, self.num_tokens()) {
                s.push_str(&line("Token", t.to_string()));
            }
        } else {
            s.push_str(&line(
                "Token",
                format!(
                    "(invoke with -T/--tokens to see all {} tokens)",
                    self.num_tokens()
                ),
            ));
        }
        Out::ok(s)
    }

    /// `nodetool describecluster` as Cassandra 3.11 prints it: the name,
    /// snitch and partitioner, and which nodes agree on which schema
    /// version (down ones as UNREACHABLE). The seed's image picks
    /// GossipingPropertyFileSnitch when CASSANDRA_DC and _RACK are set.
    fn describecluster(&mut self) -> Out {
        let me = self.pod.clone();
        let c = cassandra_container(&me).unwrap_or_default();
        let name =
            env_of(&me, &c, "CASSANDRA_CLUSTER_NAME").unwrap_or_else(|| "Test Cluster".into());
        let snitch = match (
            env_of(&me, &c, "CASSANDRA_DC"),
            env_of(&me, &c, "CASSANDRA_RACK"),
        ) {
            (Some(_), Some(_)) => "GossipingPropertyFileSnitch".to_string(),
            _ => env_of(&me, &c, "CASSANDRA_ENDPOINT_SNITCH")
                .unwrap_or_else(|| "SimpleSnitch".into()),
        };
        let nodes = self.ring_view();
        let version = uuid_from(&format!("schema:{}", self.schema_digest()));
        let up: Vec<&str> = nodes
            .iter()
            .filter(|n| n.state != "DN")
            .map(|n| n.ip.as_str())
            .collect();
        let down: Vec<&str> = nodes
            .iter()
            .filter(|n| n.state == "DN")
            .map(|n| n.ip.as_str())
            .collect();
        let mut s = format!(
            "Cluster Information:\n\tName: {name}\n\tSnitch: org.apache.cassandra.locator.{snitch}\n\tDynamicEndPointSnitch: enabled\n\tPartitioner: org.apache.cassandra.dht.Murmur3Partitioner\n\tSchema versions:\n"
        );
        // A HashMap's order in Cassandra; here the agreed version first.
        for (v, ips) in [(version.as_str(), up), ("UNREACHABLE", down)] {
            if !ips.is_empty() {
                s.push_str(&format!("\t\t{v}: [{}]\n\n", ips.join(", ")));
            }
        }
        Out::ok(s)
    }
}

/// Each node's effective ownership in percent. It adds up to the
/// replication of the system keyspaces the seeds show: 100% each for up
/// to two nodes, 200% over the ring beyond that, unevenly as vnodes fall.
fn effective_owns(nodes: &[RingNode]) -> Vec<f64> {
    let n = nodes.len().max(1);
    let total = 100.0 * (n.min(2) as f64);
    let mut owns: Vec<f64> = nodes
        .iter()
        .map(|node| {
            let jitter = (hash(&node.id) % 61) as f64 / 10.0 - 3.0;
            if n <= 2 {
                100.0
            } else {
                total / n as f64 + jitter
            }
        })
        .collect();
    if n > 2 {
        let sum: f64 = owns.iter().sum();
        if let Some(last) = owns.last_mut() {
            *last += total - sum;
        }
    }
    owns
}

/// A node's vnode tokens (Murmur3's signed 64-bit range), from its host ID.
fn tokens_of(id: &str, n: usize) -> Vec<i64> {
    (0..n)
        .map(|i| hash(&format!("token {i} of {id}")) as i64)
        .collect()
}

/// A node's data size as the load column prints it (Ordinal's stand-in:
/// 50 to 150 KiB, from the host ID).
fn load_text(id: &str) -> String {
    file_size((50.0 + (hash(id) % 10_000) as f64 / 100.0) * 1024.0)
}

/// Cassandra's FileUtils.stringifyFileSize: the largest unit of at least
/// one, with at most two decimals and none trailing (`#.##`).
fn file_size(bytes: f64) -> String {
    let units = [
        (1024f64.powi(4), "TiB"),
        (1024f64.powi(3), "GiB"),
        (1024f64.powi(2), "MiB"),
        (1024.0, "KiB"),
    ];
    let (v, unit) = units
        .iter()
        .find(|(u, _)| bytes >= *u)
        .map_or((bytes, "bytes"), |(u, name)| (bytes / u, *name));
    let text = format!("{v:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} {unit}")
}
