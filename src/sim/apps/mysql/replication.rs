//! Replication as the seed's manifest wires it: a replica's first start
//! clones the ordinal before it (the `clone-mysql` init container's
//! xtrabackup stream), then it follows `<set>-0`, modelled lazily: a
//! replica catches up whenever it serves a statement.

use super::*;

impl Proc<'_> {
    pub(super) fn server_id(&self, pod: &Object) -> u32 {
        // The seed's init-mysql writes `server-id=$((100 + $ordinal))`.
        let mut offset = None;
        for c in pod.spec().array_at("initContainers") {
            let script: Vec<&str> = c
                .array_at("command")
                .iter()
                .chain(c.array_at("args"))
                .filter_map(|v| v.as_str())
                .collect();
            let script = script.join(" ");
            if let Some(i) = script.find("server-id=$((") {
                let digits: String = script[i + 13..]
                    .chars()
                    .skip_while(|c| c.is_whitespace())
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                offset = Some(digits.parse().unwrap_or(0));
            } else if script.contains("server-id") {
                offset = offset.or(Some(0));
            }
        }
        match (offset, ordinal_of(&net::hostname(pod))) {
            (Some(o), Some(n)) => o + n,
            _ => 0,
        }
    }

    /// Whether the pod is configured `super-read-only` (the seed's
    /// slave.cnf, copied for every ordinal but 0).
    pub(super) fn is_replica(&self, pod: &Object) -> bool {
        let Some(n) = ordinal_of(&net::hostname(pod)) else {
            return false;
        };
        if n == 0 || set_name(pod).is_none() {
            return false;
        }
        pod.spec().array_at("volumes").iter().any(|v| {
            v.str_at("configMap.name")
                .and_then(|cm| self.sim.store.get(Kind::ConfigMap, pod.namespace(), cm))
                .and_then(|cm| cm.field("data").as_object().cloned())
                .is_some_and(|d| {
                    d.values()
                        .any(|v| v.as_str().is_some_and(|s| s.contains("read-only")))
                })
        })
    }

    pub(super) fn peer(&self, of: &Object, ordinal: u32) -> Option<Server> {
        let set = set_name(of)?;
        let pod = self
            .sim
            .store
            .get(Kind::Pod, of.namespace(), &format!("{set}-{ordinal}"))?;
        if !podutil::is_running(pod) {
            return None;
        }
        let container = server_container(pod)?;
        Some(Server {
            pod: pod.clone(),
            container,
        })
    }

    /// Brings a server's data up to date before it answers (see the module
    /// comment for the replication model).
    pub(super) fn prepare(&mut self, s: &Server, depth: u32) {
        if depth > 64 {
            return;
        }
        let fresh = self.sread(s, "mysql/db.opt").is_none();
        if self.is_replica(&s.pod) {
            let n = ordinal_of(&net::hostname(&s.pod)).unwrap_or(0);
            if fresh {
                if let Some(donor) = self.peer(&s.pod, n - 1) {
                    self.prepare(&donor, depth + 1);
                    let files = self.data_files(&donor);
                    self.replace_data(s, &files);
                }
            }
            if let Some(primary) = self.peer(&s.pod, 0) {
                if !self.is_replica(&primary.pod) {
                    self.initialize(&primary);
                    let files = self.data_files(&primary);
                    self.replace_data(s, &files);
                }
            }
        }
        self.initialize(s);
    }
}
