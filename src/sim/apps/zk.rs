//! ZooKeeper: `zkOk.sh`, the four-letter words over `nc` (`ruok`, `srvr`),
//! `zkServer.sh status` and `zkCli.sh` create/get/set/delete/ls.
//!
//! The ensemble is the pods of the same controller; its size is the
//! number of servers named in `ZK_ENSEMBLE` (`zk-0;zk-1;zk-2`), else
//! `ZK_REPLICAS`, else the StatefulSet's replicas. It serves only with a
//! quorum (a majority of the ensemble running). The data tree is kept on
//! each server's data volume (`<dataDir>/version-2/tree`, with its last
//! `zxid`); with a quorum every running server holds the newest tree, as
//! followers sync from the leader, so a server that was down catches up.

use super::{fs, ordinal_of, Out, Proc};
use crate::sim::object::{Kind, Object, ValueExt};
use crate::sim::podutil;
use crate::sim::sort::{self, CollectSorted};
use std::collections::BTreeMap;

pub(super) fn zk_container(pod: &Object) -> Option<String> {
    pod.spec()
        .array_at("containers")
        .iter()
        .find(|c| c.str_at("image").is_some_and(fs::is_zookeeper_image))
        .and_then(|c| c.str_at("name"))
        .map(str::to_string)
}

fn data_dir(pod: &Object, c: &str) -> String {
    fs::container_spec(pod, c)
        .and_then(|c| {
            c.array_at("volumeMounts")
                .iter()
                .filter_map(|m| m.str_at("mountPath"))
                .find(|p| p.contains("zookeeper"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| "/var/lib/zookeeper".into())
}

struct Tree {
    zxid: u64,
    nodes: BTreeMap<String, String>,
}

impl Tree {
    fn encode(&self) -> String {
        let mut s = format!("{}\n", self.zxid);
        for (k, v) in &self.nodes {
            s.push_str(&format!("{k}\t{}\n", v.replace('\n', "\\n")));
        }
        s
    }
    fn decode(s: &str) -> Tree {
        let mut lines = s.lines();
        let zxid = lines.next().and_then(|l| l.parse().ok()).unwrap_or(0);
        let nodes = lines
            .filter_map(|l| l.split_once('\t'))
            .map(|(k, v)| (k.to_string(), v.replace("\\n", "\n")))
            .collect_sorted();
        Tree { zxid, nodes }
    }
}

impl Proc<'_> {
    fn ensemble(&self, of: &Object) -> (Vec<Object>, usize) {
        let store = &self.sim.store;
        let members: Vec<Object> = match of.meta.controller_ref() {
            Some(o) => store
                .list_ns(Kind::Pod, of.namespace())
                .filter(|p| p.meta.is_owned_by(&o.uid))
                .cloned()
                .collect(),
            None => vec![of.clone()],
        };
        let c = zk_container(of).unwrap_or_default();
        let env = |name: &str| {
            fs::container_spec(of, &c)?
                .array_at("env")
                .iter()
                .find(|e| e.str_at("name").map(str::trim) == Some(name))
                .and_then(|e| {
                    e.str_at("value").map(str::to_string).or_else(|| {
                        let cm = e.str_at("valueFrom.configMapKeyRef.name")?;
                        let k = e.str_at("valueFrom.configMapKeyRef.key")?;
                        store
                            .get(Kind::ConfigMap, of.namespace(), cm)?
                            .field("data")
                            .str_at(k)
                            .map(str::to_string)
                    })
                })
        };
        let size = env("ZK_ENSEMBLE")
            .map(|e| e.split(';').filter(|s| !s.trim().is_empty()).count())
            .or_else(|| env("ZK_REPLICAS").and_then(|r| r.parse().ok()))
            .or_else(|| {
                let o = of.meta.controller_ref()?;
                let set = store.get(Kind::StatefulSet, of.namespace(), &o.name)?;
                set.spec().i64_at("replicas").map(|r| r as usize)
            })
            .unwrap_or(members.len())
            .max(1);
        let running = members
            .into_iter()
            .filter(|p| {
                podutil::is_running(p)
                    && zk_container(p).is_some()
                    && !podutil::node_name(p)
                        .is_some_and(|n| self.sim.faults.failed_nodes.contains(n))
            })
            .collect();
        (running, size)
    }

    fn tree_path(p: &Object) -> (String, String) {
        let c = zk_container(p).unwrap_or_default();
        let path = format!("{}/version-2/tree", data_dir(p, &c));
        (c, path)
    }

    fn read_tree(&self, p: &Object) -> Tree {
        let (c, path) = Self::tree_path(p);
        Tree::decode(&fs::read(self.sim, p, &c, &path).unwrap_or_default())
    }

    fn write_tree(&mut self, p: &Object, t: &Tree) {
        let (c, path) = Self::tree_path(p);
        let enc = t.encode();
        if fs::read(self.sim, p, &c, &path).as_deref() != Some(enc.as_str()) {
            let _ = fs::write(self.sim, p, &c, &path, enc);
        }
        // k8szk's zkGenConfig.sh writes the server id, ordinal + 1.
        let myid = format!("{}/data/myid", data_dir(p, &c));
        if let Some(n) = ordinal_of(&super::net::hostname(p)) {
            if fs::read(self.sim, p, &c, &myid).is_none() {
                let _ = fs::write(self.sim, p, &c, &myid, format!("{}\n", n + 1));
            }
        }
    }

    /// With a quorum, the newest tree among the running servers, synced to
    /// all of them. `None` without a quorum.
    fn quorum_tree(&mut self, of: &Object) -> Option<(Vec<Object>, Tree)> {
        let (running, size) = self.ensemble(of);
        if running.len() * 2 <= size {
            return None;
        }
        let newest = running
            .iter()
            .map(|p| self.read_tree(p))
            .max_by_key(|t| t.zxid)
            .unwrap_or(Tree {
                zxid: 0,
                nodes: BTreeMap::new(),
            });
        for p in &running {
            self.write_tree(p, &newest);
        }
        Some((running, newest))
    }

    /// The configuration k8szk's `zkGenConfig.sh` writes: one `server.N`
    /// line per ensemble member, by its stable DNS name under the pod's
    /// domain (the headless Service).
    pub(super) fn zoo_cfg(&self) -> String {
        let env = |k: &str, d: &str| self.vars.get(k).cloned().unwrap_or_else(|| d.to_string());
        let host = super::net::hostname(&self.pod);
        let fqdn = super::net::fqdn(&self.pod);
        let domain = fqdn
            .strip_prefix(&format!("{host}."))
            .unwrap_or("")
            .to_string();
        let c = zk_container(&self.pod).unwrap_or_default();
        let dir = data_dir(&self.pod, &c);
        let mut s = format!(
            "clientPort={}\ndataDir={dir}/data\ndataLogDir={dir}/log\ntickTime={}\ninitLimit={}\nsyncLimit={}\nmaxClientCnxns={}\nminSessionTimeout=4000\nmaxSessionTimeout=40000\nautopurge.snapRetainCount={}\nautopurge.purgeInteval={}\n",
            env("ZK_CLIENT_PORT", "2181"),
            env("ZK_TICK_TIME", "2000"),
            env("ZK_INIT_LIMIT", "10"),
            env("ZK_SYNC_LIMIT", "5"),
            env("ZK_MAX_CLIENT_CNXNS", "60"),
            env("ZK_SNAP_RETAIN_COUNT", "3"),
            env("ZK_PURGE_INTERVAL", "0"),
        );
        let ensemble = env("ZK_ENSEMBLE", &host);
        for (i, member) in ensemble.split(';').filter(|m| !m.is_empty()).enumerate() {
            let name = if domain.is_empty() {
                member.to_string()
            } else {
                format!("{member}.{domain}")
            };
            s.push_str(&format!(
                "server.{}={name}:{}:{}\n",
                i + 1,
                env("ZK_SERVER_PORT", "2888"),
                env("ZK_ELECTION_PORT", "3888")
            ));
        }
        s
    }

    pub(super) fn zk_ok(&mut self) -> Out {
        // zkOk.sh compares `echo ruok | nc 127.0.0.1 2181` with imok and
        // prints nothing itself.
        Out::default()
    }

    pub(super) fn zk_server(&mut self, args: &[String]) -> Out {
        if args.first().map(String::as_str) != Some("status") {
            return Out::ok("ZooKeeper JMX enabled by default\nUsing config: /opt/zookeeper/bin/../conf/zoo.cfg\n");
        }
        let me = self.pod.clone();
        let mode = self.mode(&me);
        match mode {
            Some(m) => Out::ok(format!(
                "ZooKeeper JMX enabled by default\nUsing config: /opt/zookeeper/bin/../conf/zoo.cfg\nMode: {m}\n"
            )),
            None => Out::new(
                "ZooKeeper JMX enabled by default\nUsing config: /opt/zookeeper/bin/../conf/zoo.cfg\n".into(),
                "Error contacting service. It is probably not running.\n".into(),
                1,
            ),
        }
    }

    /// leader/follower/standalone; `None` when not serving (no quorum).
    fn mode(&mut self, p: &Object) -> Option<&'static str> {
        let (running, size) = self.ensemble(p);
        if size == 1 {
            return Some("standalone");
        }
        if running.len() * 2 <= size {
            return None;
        }
        // Election picks the highest server id among those with the newest data.
        let leader = running
            .iter()
            .max_by_key(|q| (self.read_tree(q).zxid, ordinal_of(q.name()).unwrap_or(0)))
            .map(|q| q.meta.uid.clone());
        Some(if leader.as_deref() == Some(p.meta.uid.as_str()) {
            "leader"
        } else {
            "follower"
        })
    }

    pub(super) fn zk_four_letter(&mut self, target: &Object, word: &str) -> Out {
        match word {
            "ruok" => Out::ok("imok\n"),
            "srvr" | "stat" => match self.mode(target) {
                Some(m) => {
                    let count = self
                        .quorum_tree(target)
                        .map_or(0, |(_, t)| t.nodes.len() + 1);
                    Out::ok(format!(
                        "Zookeeper version: 3.4.10, built on 03/23/2017 10:13 GMT\nMode: {m}\nNode count: {count}\n"
                    ))
                }
                None => Out::ok("This ZooKeeper instance is not currently serving requests\n"),
            },
            _ => Out::default(),
        }
    }

    pub(super) fn zk_cli(&mut self, args: &[String]) -> Out {
        let mut server = "localhost:2181".to_string();
        let mut rest: Vec<&String> = Vec::new();
        let mut i = 0;
        while i < args.len() {
            if args[i] == "-server" {
                if let Some(s) = args.get(i + 1) {
                    server = s.clone();
                }
                i += 2;
                continue;
            }
            rest.push(&args[i]);
            i += 1;
        }
        let banner = format!("Connecting to {server}\n\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n");
        let host = server
            .split(',')
            .next()
            .unwrap_or("")
            .split(':')
            .next()
            .unwrap_or("localhost")
            .to_string();
        let target = match self.connect(&host) {
            Ok(p) if zk_container(&p).is_some() => p,
            _ => {
                return Out::new(
                    format!("Connecting to {server}\n"),
                    "java.net.ConnectException: Connection refused\n".into(),
                    1,
                )
            }
        };
        let Some(cmd) = rest.first().map(|s| s.as_str()) else {
            return Out::ok(banner);
        };
        let path = rest.get(1).map(|s| s.to_string()).unwrap_or_default();
        let data = rest.get(2).map(|s| s.to_string()).unwrap_or_default();
        let Some((running, mut tree)) = self.quorum_tree(&target) else {
            return Out::new(
                format!("Connecting to {server}\n"),
                format!("Exception in thread \"main\" org.apache.zookeeper.KeeperException$ConnectionLossException: KeeperErrorCode = ConnectionLoss for {path}\n"),
                1,
            );
        };
        let parent = |p: &str| -> String {
            match p.rsplit_once('/') {
                Some(("", _)) | None => "/".into(),
                Some((par, _)) => par.to_string(),
            }
        };
        let exists = |t: &Tree, p: &str| p == "/" || t.nodes.contains_key(p);
        let mut write = false;
        let result = match cmd {
            "create" => {
                if exists(&tree, &path) {
                    Err(format!("Node already exists: {path}"))
                } else if !exists(&tree, &parent(&path)) {
                    Err(format!("Node does not exist: {path}"))
                } else {
                    tree.nodes.insert(path.clone(), data);
                    write = true;
                    Ok(format!("Created {path}\n"))
                }
            }
            "set" => {
                if exists(&tree, &path) && path != "/" {
                    tree.nodes.insert(path.clone(), data);
                    write = true;
                    Ok(String::new())
                } else {
                    Err(format!("Node does not exist: {path}"))
                }
            }
            "delete" => {
                let has_children = tree.nodes.keys().any(|k| parent(k) == path);
                if !tree.nodes.contains_key(&path) {
                    Err(format!("Node does not exist: {path}"))
                } else if has_children {
                    Err(format!("Node not empty: {path}"))
                } else {
                    tree.nodes.remove(&path);
                    write = true;
                    Ok(String::new())
                }
            }
            "get" => match tree.nodes.get(&path) {
                Some(v) => Ok(format!(
                    "{v}\ncZxid = 0x1000000{:02x}\ndataLength = {}\nnumChildren = {}\n",
                    tree.zxid,
                    v.len(),
                    tree.nodes.keys().filter(|k| parent(k) == path).count()
                )),
                None => Err(format!("Node does not exist: {path}")),
            },
            "ls" => {
                let p = if path.is_empty() {
                    "/".to_string()
                } else {
                    path.clone()
                };
                if exists(&tree, &p) {
                    let mut kids: Vec<String> = tree
                        .nodes
                        .keys()
                        .filter(|k| parent(k) == p)
                        .map(|k| k.rsplit('/').next().unwrap_or("").to_string())
                        .collect();
                    if p == "/" {
                        kids.push("zookeeper".into());
                        sort::sort(&mut kids);
                    }
                    Ok(format!("[{}]\n", kids.join(", ")))
                } else {
                    Err(format!("Node does not exist: {p}"))
                }
            }
            other => Err(format!(
                "ZooKeeper -server host:port cmd args\n\tunknown command: {other}"
            )),
        };
        if write {
            tree.zxid += 1;
            for p in &running {
                self.write_tree(p, &tree);
            }
        }
        match result {
            Ok(s) => Out::ok(format!("{banner}{s}")),
            Err(e) => Out::new(banner, format!("{e}\n"), 1),
        }
    }
}
