//! `nodetool`: the ring as this node's gossip sees it (`status`, `ring`,
//! `info`, `describecluster`) and `removenode`.

use super::*;

impl Proc<'_> {
    pub(in crate::sim::apps) fn nodetool(&mut self, args: &[String]) -> Out {
        let sub: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        match sub.first().map(|s| s.as_str()) {
            Some("status") => self.nodetool_status(),
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
        let n = nodes.len().max(1);
        // Effective ownership adds up to the replication of the system
        // keyspaces the seeds show: 100% each for up to two nodes, 200% over
        // the ring beyond that, unevenly as vnodes fall.
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
            let load = 50.0 + (hash(&node.id) % 10_000) as f64 / 100.0;
            s.push_str(&format!(
                "{:<2}  {:<width$}  {:<9}  {tokens:<11}  {:<16}  {:<36}  {}\n",
                node.state,
                node.ip,
                format!("{load:.2} KiB"),
                format!("{own:.1}%"),
                node.id,
                node.rack,
            ));
        }
        s.push('\n');
        Out::ok(s)
    }
}
