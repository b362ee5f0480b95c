//! Simulated processes behind `kubectl exec` and `kubectl run`: a small
//! shell with busybox-like tools, DNS tools against `dns::resolve`, files
//! on volumes (`fs`), and the seeds' applications: MySQL with primary /
//! replica replication (`mysql`), Cassandra's `nodetool`/`cqlsh`
//! (`cassandra`), ZooKeeper (`zk`) and nginx (`net`).
//!
//! Everything is deterministic: the only randomness (which endpoint a
//! Service connection lands on) comes from the session's seeded RNG.

mod cassandra;
pub mod fs;
mod mysql;
pub mod net;
pub mod shell;
mod tools;
mod zk;

use super::dns::{self, Answer};
use super::object::{Key, Kind, Object, ValueExt};
use super::store::Store;
use super::world::{Action, World};
use crate::sim::sort::CollectSorted;
use shell::{Cmd, List, Pipeline};
use std::collections::BTreeMap;

/// What a command printed and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecResult {
    /// stdout and stderr, interleaved as a terminal shows them.
    pub output: String,
    pub exit_code: i32,
}

/// How the process is attached: what it reads on stdin (`kubectl exec -i`
/// with a pipe or heredoc) and whether stdout is a terminal (`-t`), which
/// changes what some programs print (mysql's tables vs tab-separated rows).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecOptions {
    pub stdin: Option<String>,
    pub tty: bool,
}

/// How a name is looked up: `dns::resolve` in the simulation; tests may
/// substitute a resolver of their own.
pub type Resolver = fn(&Store, &str, &str, &str) -> Answer;

/// Runs `argv` in a container of a running pod. The caller (kubectl) has
/// checked that the pod exists and is running. Without stdin information
/// the process is treated as attached to a terminal, as the seeds' `-t`
/// invocations are.
pub fn exec(sim: &mut World, pod: &Key, container: Option<&str>, argv: &[String]) -> ExecResult {
    exec_with(
        sim,
        pod,
        container,
        argv,
        &ExecOptions {
            stdin: None,
            tty: true,
        },
    )
}

/// `exec` with `stdin` piped in (a heredoc, `echo ... | kubectl exec -i`):
/// no terminal.
pub fn exec_with_stdin(
    sim: &mut World,
    pod: &Key,
    container: Option<&str>,
    argv: &[String],
    stdin: &str,
) -> ExecResult {
    exec_with(
        sim,
        pod,
        container,
        argv,
        &ExecOptions {
            stdin: Some(stdin.to_string()),
            tty: false,
        },
    )
}

pub fn exec_with(
    sim: &mut World,
    pod: &Key,
    container: Option<&str>,
    argv: &[String],
    opts: &ExecOptions,
) -> ExecResult {
    exec_resolving(sim, pod, container, argv, opts, dns::resolve)
}

pub(crate) fn exec_resolving(
    sim: &mut World,
    pod: &Key,
    container: Option<&str>,
    argv: &[String],
    opts: &ExecOptions,
    resolver: Resolver,
) -> ExecResult {
    forget_gone_pods(sim);
    let Some(obj) = sim.store.get_key(pod).cloned() else {
        return ExecResult {
            output: format!(
                "Error from server (NotFound): pods \"{}\" not found\n",
                pod.name
            ),
            exit_code: 1,
        };
    };
    let first = obj
        .spec()
        .array_at("containers")
        .first()
        .and_then(|c| c.str_at("name"))
        .unwrap_or("")
        .to_string();
    let container = container.map(str::to_string).unwrap_or(first);
    let mut p = Proc::new(sim, obj, container, opts.tty, resolver);
    if zk::zk_container(&p.pod).is_some() {
        let pod = p.pod.clone();
        p.write_myid(&pod);
    }
    let out = p.run_argv(argv, opts.stdin.as_deref().unwrap_or(""));
    let code = p.exit.unwrap_or(out.code);
    ExecResult {
        output: out.text(),
        exit_code: code,
    }
}

/// A container's layer and emptyDirs die with its pod: drop the state of
/// pods that have left the store (uids never come back).
fn forget_gone_pods(sim: &mut World) {
    let live: std::collections::BTreeSet<&str> = sim
        .store
        .list(Kind::Pod)
        .map(|p| p.meta.uid.as_str())
        .collect_sorted();
    let gone: Vec<String> = sim
        .container_data
        .keys()
        .filter(|uid| !live.contains(uid.as_str()))
        .cloned()
        .collect();
    for uid in gone {
        sim.container_data.remove(&uid);
    }
}

/// The value the kubelet gives one `env` entry of a container of `pod`:
/// its `value`, a `fieldRef`, or a key of a ConfigMap. A ConfigMap key
/// may hold dots (the ZooKeeper seed's `jvm.heap`, `purge.interval`), so
/// it is looked up whole, never as a dotted path.
pub(crate) fn env_value(store: &Store, pod: &Object, e: &serde_json::Value) -> Option<String> {
    if let Some(v) = e.str_at("value") {
        return Some(v.to_string());
    }
    if let Some(f) = e.str_at("valueFrom.fieldRef.fieldPath") {
        return match f {
            "metadata.name" => Some(pod.name().to_string()),
            "metadata.namespace" => Some(pod.namespace().to_string()),
            "status.podIP" => super::podutil::pod_ip(pod).map(str::to_string),
            "spec.nodeName" => super::podutil::node_name(pod).map(str::to_string),
            _ => None,
        };
    }
    let r = e.at("valueFrom.configMapKeyRef");
    let (cm, k) = (r.str_at("name")?, r.str_at("key")?);
    store
        .get(Kind::ConfigMap, pod.namespace(), cm)?
        .field("data")
        .get(k)?
        .as_str()
        .map(str::to_string)
}

/// Loops that would run forever (`while sleep 1; do ...; done`) stop
/// after this many rounds, as if interrupted with Ctrl+C.
const MAX_LOOP_ROUNDS: usize = 5;

/// Commands one exec may run in all. Nested loops multiply their rounds
/// (`for` over many words, 64 levels deep), which no real user waits for;
/// past this the process stops as if interrupted with Ctrl+C, so the page
/// never freezes (found by the fuzzer).
const MAX_COMMANDS: usize = 20_000;

/// Bytes one exec may handle in all: words it expands (variables, command
/// substitutions), output its commands write, files it reads and writes.
/// A script that doubles a string or a file in a loop (`x=$x$x`,
/// `cat f f > g; mv g f`) would take a real shell gigabytes and minutes;
/// past this budget the process stops as if interrupted with Ctrl+C, as at
/// `MAX_COMMANDS`, so the page never freezes or runs out of memory (found
/// by the fuzzer). No script of the docs or lessons comes near it.
const MAX_BYTES: usize = 8 << 20;

/// What a command wrote, in order: `(is_stderr, text)`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Out {
    chunks: Vec<(bool, String)>,
    pub code: i32,
}

impl Out {
    fn ok(s: impl Into<String>) -> Out {
        Out {
            chunks: vec![(false, s.into())],
            code: 0,
        }
    }
    fn err(s: impl Into<String>, code: i32) -> Out {
        Out {
            chunks: vec![(true, s.into())],
            code,
        }
    }
    fn new(stdout: String, stderr: String, code: i32) -> Out {
        Out {
            chunks: vec![(false, stdout), (true, stderr)],
            code,
        }
    }
    fn stdout(&self) -> String {
        self.chunks
            .iter()
            .filter(|(e, _)| !e)
            .map(|(_, s)| s.as_str())
            .collect()
    }
    fn stderr(&self) -> String {
        self.chunks
            .iter()
            .filter(|(e, _)| *e)
            .map(|(_, s)| s.as_str())
            .collect()
    }
    fn text(&self) -> String {
        self.chunks.iter().map(|(_, s)| s.as_str()).collect()
    }
    fn push(&mut self, o: Out) {
        self.chunks.extend(o.chunks);
        self.code = o.code;
    }
}

/// One running process tree in one container.
pub(crate) struct Proc<'a> {
    pub sim: &'a mut World,
    pub pod: Object,
    pub container: String,
    pub tty: bool,
    pub resolver: Resolver,
    vars: BTreeMap<String, String>,
    cwd: String,
    /// Virtual time as the process sees it: `sleep` moves it on without
    /// moving the cluster (the exec is one instant of the simulation).
    pub clock_ms: u64,
    exit: Option<i32>,
    last: i32,
    /// stderr of command substitutions, shown on the terminal.
    side_err: String,
    depth: usize,
    /// Commands run so far (see `MAX_COMMANDS`).
    commands: usize,
    /// Bytes handled so far (see `MAX_BYTES`); a `Cell` because reading a
    /// file counts too, and reads take `&self`.
    bytes: std::cell::Cell<usize>,
}

const PATH: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
    "/opt/zookeeper/bin",
    "/usr/local/apache-cassandra/bin",
];

/// Programs that come from the image (found through PATH in the
/// container's files, so `mv` can take them away).
const IMAGE_PROGRAMS: &[&str] = &[
    "mysql",
    "mysqladmin",
    "mysqld",
    "xtrabackup",
    "nodetool",
    "cqlsh",
    "zkOk.sh",
    "zkCli.sh",
    "zkServer.sh",
    "zkGenConfig.sh",
    "nginx",
    "ready-probe.sh",
];

impl<'a> Proc<'a> {
    fn new(
        sim: &'a mut World,
        pod: Object,
        container: String,
        tty: bool,
        resolver: Resolver,
    ) -> Proc<'a> {
        let mut vars = tools::service_env(&sim.store, &pod);
        vars.insert("HOSTNAME".to_string(), net::hostname(&pod));
        vars.insert("HOME".to_string(), "/root".to_string());
        vars.insert("PATH".to_string(), PATH.join(":"));
        if let Some(c) = fs::container_spec(&pod, &container) {
            for e in c.array_at("env") {
                let Some(name) = e.str_at("name") else {
                    continue;
                };
                if let Some(v) = env_value(&sim.store, &pod, e) {
                    vars.insert(name.trim().to_string(), v);
                }
            }
        }
        let clock_ms = sim.now;
        Proc {
            sim,
            pod,
            container,
            tty,
            resolver,
            vars,
            cwd: "/".into(),
            clock_ms,
            exit: None,
            last: 0,
            side_err: String::new(),
            depth: 0,
            commands: 0,
            bytes: std::cell::Cell::new(0),
        }
    }

    /// Counts `n` more bytes handled (see `MAX_BYTES`).
    fn charge(&self, n: usize) {
        self.bytes.set(self.bytes.get().saturating_add(n));
    }

    /// Past `MAX_COMMANDS` or `MAX_BYTES`: the user would press Ctrl+C.
    fn over_limit(&self) -> bool {
        self.commands > MAX_COMMANDS || self.bytes.get() > MAX_BYTES
    }

    /// What the terminal shows when the user presses Ctrl+C (once), and
    /// the process ending with 130.
    fn interrupt(&mut self) -> Out {
        let chunks = if self.exit.is_none() {
            self.exit = Some(130);
            vec![(true, "^C\n".to_string())]
        } else {
            Vec::new()
        };
        Out { chunks, code: 130 }
    }

    fn path(&self, p: &str) -> String {
        fs::normalize(&self.cwd, p)
    }

    /// Reads a file as the process sees it, kubelet-managed files included.
    pub fn read_file(&self, path: &str) -> Option<String> {
        let path = self.path(path);
        let content = match path.as_str() {
            "/etc/hosts" => Some(net::etc_hosts(&self.pod)),
            "/etc/resolv.conf" => Some(net::resolv_conf(&self.sim.store, &self.pod)),
            "/etc/hostname" => Some(format!("{}\n", net::hostname(&self.pod))),
            "/opt/zookeeper/conf/zoo.cfg" if zk::zk_container(&self.pod).is_some() => {
                Some(self.zoo_cfg())
            }
            _ => fs::read(self.sim, &self.pod, &self.container, &path),
        };
        self.charge(content.as_ref().map_or(0, String::len));
        content
    }

    pub fn write_file(&mut self, path: &str, content: String, append: bool) -> Result<(), String> {
        let path = self.path(path);
        if path == "/dev/null" {
            return Ok(());
        }
        if fs::is_dir(self.sim, &self.pod, &self.container, &path) {
            return Err(format!("can't create {path}: Is a directory"));
        }
        let content = if append {
            format!("{}{content}", self.read_file(&path).unwrap_or_default())
        } else {
            content
        };
        self.charge(path.len() + content.len());
        fs::write(self.sim, &self.pod, &self.container, &path, content)
            .map_err(|e| format!("can't create {path}: {e}"))
    }

    /// Finds an image program through PATH in this container.
    fn which(&self, name: &str) -> Option<String> {
        if name.contains('/') {
            let p = self.path(name);
            return self.read_file(&p).map(|_| p);
        }
        PATH.iter()
            .map(|d| format!("{d}/{name}"))
            .find(|p| fs::read(self.sim, &self.pod, &self.container, p).is_some())
            .or_else(|| {
                // Scripts at the image root (`/ready-probe.sh`).
                let p = format!("/{name}");
                fs::read(self.sim, &self.pod, &self.container, &p).map(|_| p)
            })
    }
}

/// One `ls -l` line as busybox prints it; `None` size for a directory.
fn ls_long(name: &str, size: Option<usize>) -> String {
    match size {
        Some(n) => format!("-rw-r--r--    1 root     root      {n:>10} Jan  1 00:00 {name}\n"),
        None => format!("drwxr-xr-x    2 root     root            4096 Jan  1 00:00 {name}\n"),
    }
}

fn find_close(c: &[char], open: usize) -> usize {
    let mut depth = 0;
    let mut j = open;
    while j < c.len() {
        match c[j] {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            '\'' => {
                j += c[j + 1..]
                    .iter()
                    .position(|&x| x == '\'')
                    .map_or(c.len(), |p| p + 1);
            }
            _ => {}
        }
        j += 1;
    }
    c.len()
}

fn is_assignment(s: &str) -> bool {
    match s.split_once('=') {
        Some((k, _)) => {
            !k.is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !k.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

fn not_found(cmd: &str) -> Out {
    Out::err(format!("sh: {cmd}: not found\n"), 127)
}

/// A stable 64-bit FNV-1a hash, for deterministic per-object values.
pub(crate) fn hash(s: &str) -> u64 {
    crate::sim::hash::fnv1a_64(s.as_bytes())
}

/// A UUID-shaped id derived from a string.
pub(crate) fn uuid_from(s: &str) -> String {
    let a = hash(s);
    let b = hash(&format!("{s}#"));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        ((b >> 48) & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

/// The ordinal at the end of a StatefulSet pod's hostname (`mysql-2` → 2),
/// as the seeds' init scripts extract it.
pub(crate) fn ordinal_of(name: &str) -> Option<u32> {
    let (_, n) = name.rsplit_once('-')?;
    if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

mod coreutils;
mod interp;
mod probes;
#[cfg(test)]
mod tests;
