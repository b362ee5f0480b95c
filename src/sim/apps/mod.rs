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
        .collect();
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

/// Loops that would run forever (`while sleep 1; do ...; done`) stop
/// after this many rounds, as if interrupted with Ctrl+C.
const MAX_LOOP_ROUNDS: usize = 5;

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
                let value = if let Some(v) = e.str_at("value") {
                    Some(v.to_string())
                } else if let Some(f) = e.str_at("valueFrom.fieldRef.fieldPath") {
                    match f {
                        "metadata.name" => Some(pod.name().to_string()),
                        "metadata.namespace" => Some(pod.namespace().to_string()),
                        "status.podIP" => super::podutil::pod_ip(&pod).map(str::to_string),
                        "spec.nodeName" => super::podutil::node_name(&pod).map(str::to_string),
                        _ => None,
                    }
                } else if let (Some(cm), Some(k)) = (
                    e.str_at("valueFrom.configMapKeyRef.name"),
                    e.str_at("valueFrom.configMapKeyRef.key"),
                ) {
                    sim.store
                        .get(Kind::ConfigMap, pod.namespace(), cm)
                        .and_then(|o| o.field("data").str_at(k).map(str::to_string))
                } else {
                    None
                };
                if let Some(v) = value {
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
        }
    }

    fn path(&self, p: &str) -> String {
        fs::normalize(&self.cwd, p)
    }

    /// Reads a file as the process sees it, kubelet-managed files included.
    pub fn read_file(&self, path: &str) -> Option<String> {
        let path = self.path(path);
        match path.as_str() {
            "/etc/hosts" => Some(net::etc_hosts(&self.pod)),
            "/etc/resolv.conf" => Some(net::resolv_conf(&self.sim.store, &self.pod)),
            "/etc/hostname" => Some(format!("{}\n", net::hostname(&self.pod))),
            "/opt/zookeeper/conf/zoo.cfg" if zk::zk_container(&self.pod).is_some() => {
                Some(self.zoo_cfg())
            }
            _ => fs::read(self.sim, &self.pod, &self.container, &path),
        }
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

    // ---- running ------------------------------------------------------

    fn run_script(&mut self, src: &str, stdin: &str, shell_name: &str) -> Out {
        match shell::parse(src) {
            Ok(list) => self.run_list(&list, stdin),
            Err(e) => Out::err(format!("{shell_name}: {e}\n"), 2),
        }
    }

    fn run_list(&mut self, list: &List, stdin: &str) -> Out {
        let mut out = Out::default();
        for ao in list {
            if self.exit.is_some() {
                break;
            }
            let mut o = self.run_pipeline(&ao.first, stdin);
            for (and, p) in &ao.rest {
                if self.exit.is_some() {
                    break;
                }
                if (o.code == 0) == *and {
                    let next = self.run_pipeline(p, stdin);
                    o.push(next);
                }
            }
            self.last = o.code;
            out.push(o);
        }
        if let Some(c) = self.exit {
            out.code = c;
        }
        out
    }

    fn run_pipeline(&mut self, p: &Pipeline, stdin: &str) -> Out {
        let mut input = stdin.to_string();
        let mut errs = Vec::new();
        let mut last = Out::default();
        for (i, c) in p.cmds.iter().enumerate() {
            let o = self.run_cmd(c, &input);
            if i + 1 < p.cmds.len() {
                input = o.stdout();
                errs.push((true, o.stderr()));
            } else {
                last = o;
            }
        }
        let mut out = Out {
            chunks: errs,
            code: 0,
        };
        out.push(last);
        if p.negate {
            out.code = i32::from(out.code == 0);
        }
        self.last = out.code;
        out
    }

    fn run_cmd(&mut self, c: &Cmd, stdin: &str) -> Out {
        self.depth += 1;
        let out = if self.depth > 64 {
            Out::err("sh: recursion too deep\n", 2)
        } else {
            self.run_cmd_inner(c, stdin)
        };
        self.depth -= 1;
        out
    }

    fn run_cmd_inner(&mut self, c: &Cmd, stdin: &str) -> Out {
        match c {
            Cmd::Simple { words, redirs } => self.run_simple(words, redirs, stdin),
            Cmd::Group(l) => self.run_list(l, stdin),
            Cmd::For { var, items, body } => {
                let mut values = Vec::new();
                for w in items {
                    values.extend(self.expand(w));
                }
                let mut out = Out::default();
                for v in values {
                    if self.exit.is_some() {
                        break;
                    }
                    self.vars.insert(var.clone(), v);
                    out.push(self.run_list(body, stdin));
                }
                out
            }
            Cmd::While { cond, body, until } => {
                let mut out = Out::default();
                let mut rounds = 0;
                loop {
                    let c = self.run_list(cond, stdin);
                    let code = c.code;
                    out.chunks.extend(c.chunks);
                    if (code == 0) == *until || self.exit.is_some() {
                        out.code = 0;
                        break;
                    }
                    if rounds == MAX_LOOP_ROUNDS {
                        // The user would press Ctrl+C here.
                        out.chunks.push((true, "^C\n".into()));
                        out.code = 130;
                        self.exit = Some(130);
                        break;
                    }
                    rounds += 1;
                    out.push(self.run_list(body, stdin));
                }
                out
            }
            Cmd::If { cond, then, els } => {
                let c = self.run_list(cond, stdin);
                let ok = c.code == 0;
                let mut out = Out {
                    chunks: c.chunks,
                    code: 0,
                };
                if ok {
                    out.push(self.run_list(then, stdin));
                } else if let Some(e) = els {
                    out.push(self.run_list(e, stdin));
                }
                out
            }
        }
    }

    fn run_simple(&mut self, words: &[String], redirs: &[shell::Redir], stdin: &str) -> Out {
        let mut argv = Vec::new();
        for w in words {
            argv.extend(self.expand(w));
        }
        let mut side = std::mem::take(&mut self.side_err);
        // Leading assignments.
        let mut start = 0;
        while start < argv.len() && is_assignment(&argv[start]) {
            start += 1;
        }
        for a in &argv[..start] {
            let (k, v) = a.split_once('=').expect("checked");
            self.vars.insert(k.to_string(), v.to_string());
        }
        let argv = &argv[start..];
        let mut input = stdin.to_string();
        for r in redirs.iter().filter(|r| r.op == "<") {
            let t = self.expand_one(&r.target);
            match self.read_file(&t) {
                Some(s) => input = s,
                None => {
                    return Out::err(
                        format!("sh: can't open '{t}': No such file or directory\n"),
                        1,
                    )
                }
            }
        }
        let mut out = if argv.is_empty() {
            Out::default()
        } else {
            self.run_argv(argv, &input)
        };
        if !side.is_empty() {
            out.chunks.insert(0, (true, std::mem::take(&mut side)));
        }
        if redirs.iter().any(|r| r.op == "2>&1") {
            for c in &mut out.chunks {
                c.0 = false;
            }
        }
        for r in redirs {
            match r.op {
                ">" | ">>" | "2>" | "2>>" => {
                    let err_stream = r.op.starts_with('2');
                    let target = self.expand_one(&r.target);
                    let text: String = out
                        .chunks
                        .iter()
                        .filter(|(e, _)| *e == err_stream)
                        .map(|(_, s)| s.as_str())
                        .collect();
                    out.chunks.retain(|(e, _)| *e != err_stream);
                    if let Err(e) = self.write_file(&target, text, r.op.ends_with(">>")) {
                        out.chunks.push((true, format!("sh: {e}\n")));
                        out.code = 1;
                    }
                }
                ">&2" => {
                    for c in &mut out.chunks {
                        c.0 = true;
                    }
                }
                _ => {}
            }
        }
        out
    }

    // ---- expansion ----------------------------------------------------

    fn expand_one(&mut self, raw: &str) -> String {
        self.expand(raw).join(" ")
    }

    /// Expands one raw word into fields: quotes removed, parameters and
    /// command substitutions done, unquoted results split on whitespace.
    fn expand(&mut self, raw: &str) -> Vec<String> {
        let c: Vec<char> = raw.chars().collect();
        let mut fields: Vec<String> = Vec::new();
        let mut cur = String::new();
        let mut has = false;
        let mut i = 0;
        while i < c.len() {
            match c[i] {
                '\'' => {
                    let end = c[i + 1..]
                        .iter()
                        .position(|&x| x == '\'')
                        .map_or(c.len(), |p| i + 1 + p);
                    cur.extend(&c[i + 1..end]);
                    has = true;
                    i = end + 1;
                }
                '"' => {
                    has = true;
                    i += 1;
                    while i < c.len() && c[i] != '"' {
                        match c[i] {
                            '\\' if matches!(c.get(i + 1), Some('"' | '\\' | '$' | '`')) => {
                                cur.push(c[i + 1]);
                                i += 2;
                            }
                            '$' | '`' => {
                                let (v, n) = self.dollar(&c, i);
                                cur.push_str(&v);
                                i = n;
                            }
                            ch => {
                                cur.push(ch);
                                i += 1;
                            }
                        }
                    }
                    i += 1;
                }
                '\\' => {
                    if let Some(&n) = c.get(i + 1) {
                        cur.push(n);
                    }
                    has = true;
                    i += 2;
                }
                '$' | '`' => {
                    let (v, n) = self.dollar(&c, i);
                    i = n;
                    // Unquoted: field splitting.
                    let mut parts = v.split_whitespace();
                    let lead_ws = v.starts_with(char::is_whitespace);
                    if lead_ws && has {
                        fields.push(std::mem::take(&mut cur));
                        has = false;
                    }
                    if let Some(first) = parts.next() {
                        cur.push_str(first);
                        has = true;
                        for p in parts {
                            fields.push(std::mem::take(&mut cur));
                            cur.push_str(p);
                        }
                        if v.ends_with(char::is_whitespace) {
                            fields.push(std::mem::take(&mut cur));
                            has = false;
                        }
                    }
                }
                ch => {
                    cur.push(ch);
                    has = true;
                    i += 1;
                }
            }
        }
        if has {
            fields.push(cur);
        }
        fields
    }

    /// A `$...` or backtick expansion starting at `i`: (value, next index).
    fn dollar(&mut self, c: &[char], i: usize) -> (String, usize) {
        if c[i] == '`' {
            let end = c[i + 1..]
                .iter()
                .position(|&x| x == '`')
                .map_or(c.len(), |p| i + 1 + p);
            let src: String = c[i + 1..end].iter().collect();
            return (self.substitute(&src), end + 1);
        }
        match c.get(i + 1) {
            Some('(') if c.get(i + 2) == Some(&'(') => {
                let end = find_close(c, i + 1);
                let inner: String = c[i + 3..end.saturating_sub(2).max(i + 3)].iter().collect();
                let expanded = self.expand_one(&format!("\"{}\"", inner.replace('"', "\\\"")));
                let expanded = self.arith_names(&expanded);
                let v = match shell::arith(&expanded) {
                    Ok(n) => n.to_string(),
                    Err(e) => {
                        self.side_err
                            .push_str(&format!("sh: arithmetic syntax error: {e}\n"));
                        String::new()
                    }
                };
                (v, end)
            }
            Some('(') => {
                let end = find_close(c, i + 1);
                let src: String = c[i + 2..end - 1].iter().collect();
                (self.substitute(&src), end)
            }
            Some('{') => {
                let end = c[i..]
                    .iter()
                    .position(|&x| x == '}')
                    .map_or(c.len(), |p| i + p);
                let inner: String = c[i + 2..end].iter().collect();
                let v = match inner.split_once(":-") {
                    Some((name, default)) => match self.vars.get(name) {
                        Some(v) if !v.is_empty() => v.clone(),
                        _ => self.expand_one(default),
                    },
                    None => self.var(&inner),
                };
                (v, end + 1)
            }
            Some('?') => (self.last.to_string(), i + 2),
            Some('$') => ("1".into(), i + 2),
            Some('#') => ("0".into(), i + 2),
            Some(ch) if ch.is_ascii_alphanumeric() || *ch == '_' => {
                let mut j = i + 1;
                while j < c.len() && (c[j].is_ascii_alphanumeric() || c[j] == '_') {
                    j += 1;
                }
                let name: String = c[i + 1..j].iter().collect();
                (self.var(&name), j)
            }
            _ => ("$".into(), i + 1),
        }
    }

    /// Inside `$((...))` a bare name means its variable's value.
    fn arith_names(&self, expr: &str) -> String {
        let mut out = String::new();
        let mut name = String::new();
        let flush = |name: &mut String, out: &mut String| {
            if !name.is_empty() {
                let v = self.vars.get(name.as_str()).map(|v| v.trim().to_string());
                out.push_str(&v.filter(|v| !v.is_empty()).unwrap_or_else(|| "0".into()));
                name.clear();
            }
        };
        for ch in expr.chars() {
            if ch.is_ascii_alphabetic() || ch == '_' || (!name.is_empty() && ch.is_ascii_digit()) {
                name.push(ch);
            } else {
                flush(&mut name, &mut out);
                out.push(ch);
            }
        }
        flush(&mut name, &mut out);
        out
    }

    fn var(&self, name: &str) -> String {
        self.vars.get(name).cloned().unwrap_or_default()
    }

    fn substitute(&mut self, src: &str) -> String {
        let o = self.run_script(src, "", "sh");
        self.side_err.push_str(&o.stderr());
        self.last = o.code;
        o.stdout().trim_end_matches('\n').to_string()
    }

    // ---- programs -----------------------------------------------------

    pub(crate) fn run_argv(&mut self, argv: &[String], stdin: &str) -> Out {
        let Some(cmd) = argv.first() else {
            return Out::default();
        };
        let args = &argv[1..];
        let base = cmd.rsplit('/').next().unwrap_or(cmd).to_string();
        if IMAGE_PROGRAMS.contains(&base.as_str()) {
            let Some(path) = self.which(cmd) else {
                return not_found(cmd);
            };
            if !fs::executable(self.sim, &self.pod, &self.container, &path) {
                return Out::err(format!("sh: {cmd}: Permission denied\n"), 126);
            }
            return match base.as_str() {
                "mysql" => self.mysql(args, stdin),
                "mysqladmin" => self.mysqladmin(args),
                "nodetool" => self.nodetool(args),
                "cqlsh" => self.cqlsh(args, stdin),
                "zkOk.sh" => self.zk_ok(),
                "zkCli.sh" => self.zk_cli(args),
                "zkServer.sh" => self.zk_server(args),
                "ready-probe.sh" => self.cassandra_ready_probe(),
                _ => Out::default(),
            };
        }
        match base.as_str() {
            "sh" | "bash" | "ash" | "dash" => self.shell_cmd(&base, args, stdin),
            "echo" => {
                let mut newline = true;
                let mut escapes = false;
                let mut words = args;
                while let Some(f) = words.first() {
                    match f.as_str() {
                        "-n" => newline = false,
                        "-e" => escapes = true,
                        "-ne" | "-en" => {
                            newline = false;
                            escapes = true;
                        }
                        _ => break,
                    }
                    words = &words[1..];
                }
                let mut s = words.join(" ");
                if escapes {
                    s = s.replace("\\n", "\n").replace("\\t", "\t");
                }
                if newline {
                    s.push('\n');
                }
                Out::ok(s)
            }
            "printf" => {
                let fmt = args.first().cloned().unwrap_or_default();
                let mut rest = args.iter().skip(1);
                let mut s = String::new();
                let f: Vec<char> = fmt.chars().collect();
                let mut i = 0;
                while i < f.len() {
                    match (f[i], f.get(i + 1)) {
                        ('%', Some('s' | 'd')) => {
                            s.push_str(rest.next().map(String::as_str).unwrap_or(""));
                            i += 2;
                        }
                        ('\\', Some('n')) => {
                            s.push('\n');
                            i += 2;
                        }
                        ('\\', Some('t')) => {
                            s.push('\t');
                            i += 2;
                        }
                        (ch, _) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                Out::ok(s)
            }
            "cat" => self.cat(args, stdin),
            "ls" => self.ls(args),
            "mkdir" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    let p = format!("{}/.keep", self.path(a));
                    if let Err(e) = self.write_file(&p, String::new(), false) {
                        return Out::err(format!("mkdir: {e}\n"), 1);
                    }
                }
                Out::default()
            }
            "touch" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    if self.read_file(a).is_none() {
                        if let Err(e) = self.write_file(a, String::new(), false) {
                            return Out::err(format!("touch: {e}\n"), 1);
                        }
                    }
                }
                Out::default()
            }
            "rm" => self.rm(args),
            "chmod" => self.chmod(args),
            "mv" | "cp" => self.mv_cp(&base, args),
            "pwd" => Out::ok(format!("{}\n", self.cwd)),
            "cd" => {
                let to = args.first().map(|a| self.path(a)).unwrap_or("/root".into());
                if fs::is_dir(self.sim, &self.pod, &self.container, &to) {
                    self.cwd = to;
                    Out::default()
                } else {
                    Out::err(
                        format!(
                            "sh: cd: can't cd to {}: No such file or directory\n",
                            args[0]
                        ),
                        2,
                    )
                }
            }
            "hostname" => match args.first().map(String::as_str) {
                Some("-f") | Some("--fqdn") | Some("--long") => {
                    Out::ok(format!("{}\n", net::fqdn(&self.pod)))
                }
                Some("-i") | Some("--ip-address") | Some("-I") => Out::ok(format!(
                    "{}\n",
                    super::podutil::pod_ip(&self.pod).unwrap_or("")
                )),
                Some("-d") | Some("--domain") => {
                    let f = net::fqdn(&self.pod);
                    let h = net::hostname(&self.pod);
                    let d = f.strip_prefix(&format!("{h}.")).unwrap_or("");
                    Out::ok(format!("{d}\n"))
                }
                Some("-s") | Some("--short") | None => {
                    Out::ok(format!("{}\n", net::hostname(&self.pod)))
                }
                Some(_) => Out::err("hostname: you must be root to change the host name\n", 1),
            },
            "sleep" => {
                let secs: f64 = args
                    .first()
                    .map(|a| a.trim_end_matches('s'))
                    .and_then(|a| a.parse().ok())
                    .unwrap_or(0.0);
                self.clock_ms += (secs * 1000.0) as u64;
                Out::default()
            }
            "true" | ":" => Out::default(),
            "false" => Out {
                chunks: Vec::new(),
                code: 1,
            },
            "exit" => {
                let code = args
                    .first()
                    .and_then(|a| a.parse().ok())
                    .unwrap_or(self.last);
                self.exit = Some(code);
                Out {
                    chunks: Vec::new(),
                    code,
                }
            }
            "export" | "set" | "unset" | "trap" | "ulimit" | "umask" | "sync" => {
                if base == "export" {
                    for a in args.iter().filter(|a| is_assignment(a)) {
                        let (k, v) = a.split_once('=').expect("checked");
                        self.vars.insert(k.into(), v.into());
                    }
                }
                if base == "unset" {
                    for a in args {
                        self.vars.remove(a);
                    }
                }
                Out::default()
            }
            "env" | "printenv" => {
                if base == "printenv" && !args.is_empty() {
                    return match self.vars.get(&args[0]) {
                        Some(v) => Out::ok(format!("{v}\n")),
                        None => Out {
                            chunks: Vec::new(),
                            code: 1,
                        },
                    };
                }
                let s: String = self
                    .vars
                    .iter()
                    .map(|(k, v)| format!("{k}={v}\n"))
                    .collect();
                Out::ok(s)
            }
            "test" | "[" | "[[" => {
                let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
                if matches!(a.last(), Some(&"]") | Some(&"]]")) {
                    a.pop();
                }
                let ok = self.test(&a);
                Out {
                    chunks: Vec::new(),
                    code: i32::from(!ok),
                }
            }
            "seq" => {
                let n: Vec<i64> = args.iter().filter_map(|a| a.parse().ok()).collect();
                let (from, to) = match n.as_slice() {
                    [to] => (1, *to),
                    [from, to, ..] => (*from, *to),
                    _ => (1, 0),
                };
                let s: String = (from..=to.min(from + 10_000))
                    .map(|i| format!("{i}\n"))
                    .collect();
                Out::ok(s)
            }
            "wc" => {
                let text = if let Some(f) = args.iter().find(|a| !a.starts_with('-')) {
                    self.read_file(f).unwrap_or_default()
                } else {
                    stdin.to_string()
                };
                if args.iter().any(|a| a == "-l") {
                    Out::ok(format!("{}\n", text.lines().count()))
                } else {
                    Out::ok(format!(
                        "{} {} {}\n",
                        text.lines().count(),
                        text.split_whitespace().count(),
                        text.len()
                    ))
                }
            }
            "grep" => {
                let invert = args.iter().any(|a| a == "-v");
                let quiet = args.iter().any(|a| a == "-q");
                let mut rest = args.iter().filter(|a| !a.starts_with('-'));
                let pat = rest.next().cloned().unwrap_or_default();
                let text = match rest.next() {
                    Some(f) => self.read_file(f).unwrap_or_default(),
                    None => stdin.to_string(),
                };
                let hits: String = text
                    .lines()
                    .filter(|l| l.contains(pat.as_str()) != invert)
                    .map(|l| format!("{l}\n"))
                    .collect();
                let code = i32::from(hits.is_empty());
                Out {
                    chunks: if quiet {
                        Vec::new()
                    } else {
                        vec![(false, hits)]
                    },
                    code,
                }
            }
            "head" | "tail" => {
                let n = args
                    .windows(2)
                    .find(|w| w[0] == "-n")
                    .and_then(|w| w[1].parse().ok())
                    .unwrap_or(10usize);
                let text = match args
                    .iter()
                    .find(|a| !a.starts_with('-') && a.parse::<usize>().is_err())
                {
                    Some(f) => self.read_file(f).unwrap_or_default(),
                    None => stdin.to_string(),
                };
                let lines: Vec<&str> = text.lines().collect();
                let pick = if base == "head" {
                    &lines[..n.min(lines.len())]
                } else {
                    &lines[lines.len().saturating_sub(n)..]
                };
                Out::ok(pick.iter().map(|l| format!("{l}\n")).collect::<String>())
            }
            "date" => {
                // busybox: `Wed Jan  1 00:00:05 UTC 2025`.
                let t = super::object::rfc3339(self.clock_ms);
                let days = (super::object::EPOCH_UNIX_MS + self.clock_ms) / 86_400_000;
                let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
                let month: usize = t[5..7].parse().unwrap_or(1);
                let mon = [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ][month.clamp(1, 12) - 1];
                let day: u32 = t[8..10].parse().unwrap_or(1);
                Out::ok(format!(
                    "{wd} {mon} {day:>2} {} UTC {}\n",
                    &t[11..19],
                    &t[..4]
                ))
            }
            "whoami" => Out::ok("root\n"),
            "id" => Out::ok("uid=0(root) gid=0(root) groups=0(root)\n"),
            "uname" => Out::ok(if args.iter().any(|a| a == "-a") {
                format!(
                    "Linux {} 6.1.0 #1 SMP x86_64 GNU/Linux\n",
                    net::hostname(&self.pod)
                )
            } else {
                "Linux\n".into()
            }),
            "nslookup" => {
                let (o, e, c) = self.nslookup(args);
                Out::new(o, e, c)
            }
            "host" => {
                let (o, e, c) = self.host(args);
                Out::new(o, e, c)
            }
            "dig" => {
                let (o, e, c) = self.dig(args);
                Out::new(o, e, c)
            }
            "curl" => self.http(&base, args),
            "wget" => self.wget(args),
            "nc" | "ncat" | "netcat" => self.nc(args, stdin),
            "ping" => self.ping(args),
            "mount" => self.mount(),
            "df" => self.df(args),
            _ => not_found(cmd),
        }
    }

    fn shell_cmd(&mut self, name: &str, args: &[String], stdin: &str) -> Out {
        let mut i = 0;
        let mut script = None;
        while i < args.len() {
            let a = &args[i];
            if a.starts_with('-') && a.len() > 1 {
                if a.contains('c') {
                    script = args.get(i + 1).cloned();
                    break;
                }
                i += 1;
                continue;
            }
            // `sh FILE`
            return match self.read_file(a) {
                Some(src) => self.run_script(&src, stdin, name),
                None => Out::err(
                    format!("{name}: can't open '{a}': No such file or directory\n"),
                    2,
                ),
            };
        }
        match script {
            Some(s) => self.run_script(&s, stdin, name),
            None if args.iter().any(|a| a.contains('c')) => {
                Out::err(format!("{name}: -c requires an argument\n"), 2)
            }
            None => self.run_script(stdin, "", name),
        }
    }

    fn test(&self, a: &[&str]) -> bool {
        match a {
            [] => false,
            ["!", rest @ ..] => !self.test(rest),
            [s] => !s.is_empty(),
            ["-n", s] => !s.is_empty(),
            ["-z", s] => s.is_empty(),
            ["-f", p] | ["-e", p] | ["-s", p] => {
                let p = self.path(p);
                self.read_file(&p).is_some()
                    || (a[0] == "-e" && fs::is_dir(self.sim, &self.pod, &self.container, &p))
            }
            ["-d", p] => fs::is_dir(self.sim, &self.pod, &self.container, &self.path(p)),
            [x, "=" | "==", y] => x == y,
            [x, "!=", y] => x != y,
            [x, op, y] => {
                let (Ok(x), Ok(y)) = (x.parse::<i64>(), y.parse::<i64>()) else {
                    return false;
                };
                match *op {
                    "-eq" => x == y,
                    "-ne" => x != y,
                    "-lt" => x < y,
                    "-le" => x <= y,
                    "-gt" => x > y,
                    "-ge" => x >= y,
                    _ => false,
                }
            }
            _ => false,
        }
    }

    fn cat(&mut self, args: &[String], stdin: &str) -> Out {
        let files: Vec<&String> = args
            .iter()
            .filter(|a| !a.starts_with('-') || *a == "-")
            .collect();
        if files.is_empty() {
            return Out::ok(stdin);
        }
        let mut out = Out::default();
        for f in files {
            if f == "-" {
                out.chunks.push((false, stdin.to_string()));
                continue;
            }
            let p = self.path(f);
            match self.read_file(&p) {
                Some(s) => out.chunks.push((false, s)),
                None if fs::is_dir(self.sim, &self.pod, &self.container, &p) => {
                    out.chunks
                        .push((true, "cat: read error: Is a directory\n".to_string()));
                    out.code = 1;
                }
                None => {
                    out.chunks.push((
                        true,
                        format!("cat: can't open '{f}': No such file or directory\n"),
                    ));
                    out.code = 1;
                }
            }
        }
        out
    }

    /// busybox `ls [-a] [-l] [PATH...]`, one name per line (no terminal
    /// columns).
    fn ls(&mut self, args: &[String]) -> Out {
        let flags: String = args
            .iter()
            .filter(|a| a.starts_with('-'))
            .flat_map(|a| a.chars())
            .collect();
        let all = flags.contains('a');
        let long = flags.contains('l');
        let mut paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let cwd = self.cwd.clone();
        if paths.is_empty() {
            paths.push(&cwd);
        }
        let many = paths.len() > 1;
        let mut out = Out::default();
        for (n, a) in paths.iter().enumerate() {
            let p = self.path(a);
            if let Some(content) = self.read_file(&p) {
                let line = if long {
                    ls_long(a, Some(content.len()))
                } else {
                    format!("{a}\n")
                };
                out.chunks.push((false, line));
                continue;
            }
            if !fs::is_dir(self.sim, &self.pod, &self.container, &p) {
                out.chunks
                    .push((true, format!("ls: {a}: No such file or directory\n")));
                out.code = 1;
                continue;
            }
            if many {
                out.chunks
                    .push((false, format!("{}{a}:\n", if n > 0 { "\n" } else { "" })));
            }
            let entries = fs::list_dir(self.sim, &self.pod, &self.container, &p);
            if long {
                out.chunks
                    .push((false, format!("total {}\n", entries.len() * 4)));
            }
            let mut names = String::new();
            for name in entries.into_iter().filter(|n| all || !n.starts_with('.')) {
                if long {
                    let full = format!("{}/{name}", p.trim_end_matches('/'));
                    let size = self.read_file(&full).map(|c| c.len());
                    names.push_str(&ls_long(&name, size));
                } else {
                    names.push_str(&format!("{name}\n"));
                }
            }
            out.chunks.push((false, names));
        }
        out
    }

    /// `chmod MODE FILE...`: only the execute bit is modelled (it decides
    /// whether a probe's program can run).
    fn chmod(&mut self, args: &[String]) -> Out {
        let [mode, files @ ..] = args else {
            return Out::err("BusyBox: usage: chmod MODE FILE...\n", 1);
        };
        if files.is_empty() {
            return Out::err("BusyBox: usage: chmod MODE FILE...\n", 1);
        }
        let exec = if mode.chars().all(|c| c.is_ascii_digit()) {
            // The owner's digit (root owns image files).
            let owner = mode
                .chars()
                .rev()
                .nth(2)
                .and_then(|c| c.to_digit(8))
                .unwrap_or(0);
            Some(owner % 2 == 1)
        } else if mode.contains("-x") || mode.ends_with("-rwx") {
            Some(false)
        } else if mode.contains("+x") || mode.contains("=rwx") {
            Some(true)
        } else {
            None
        };
        let mut out = Out::default();
        for f in files {
            let p = self.path(f);
            if self.read_file(&p).is_none() && !fs::is_dir(self.sim, &self.pod, &self.container, &p)
            {
                out.chunks
                    .push((true, format!("chmod: {f}: No such file or directory\n")));
                out.code = 1;
                continue;
            }
            if let Some(e) = exec {
                fs::set_executable(self.sim, &self.pod, &self.container, &p, e);
            }
        }
        self.check_readiness_probe();
        out
    }

    fn rm(&mut self, args: &[String]) -> Out {
        let recursive = args
            .iter()
            .any(|a| a.starts_with('-') && (a.contains('r') || a.contains('R')));
        let force = args.iter().any(|a| a.starts_with('-') && a.contains('f'));
        let mut out = Out::default();
        for a in args.iter().filter(|a| !a.starts_with('-')) {
            let p = self.path(a);
            let removed = fs::remove(self.sim, &self.pod, &self.container, &p);
            match removed {
                Ok(true) => {}
                Ok(false) if fs::is_dir(self.sim, &self.pod, &self.container, &p) => {
                    if !recursive {
                        out.chunks
                            .push((true, format!("rm: '{a}' is a directory\n")));
                        out.code = 1;
                        continue;
                    }
                    for f in fs::files_under(self.sim, &self.pod, &self.container, &p) {
                        let _ = fs::remove(self.sim, &self.pod, &self.container, &f);
                    }
                    let _ = fs::remove(self.sim, &self.pod, &self.container, &format!("{p}/.keep"));
                }
                Ok(false) if !force => {
                    out.chunks.push((
                        true,
                        format!("rm: can't remove '{a}': No such file or directory\n"),
                    ));
                    out.code = 1;
                }
                Ok(false) => {}
                Err(e) => {
                    out.chunks
                        .push((true, format!("rm: can't remove '{a}': {e}\n")));
                    out.code = 1;
                }
            }
        }
        self.check_readiness_probe();
        out
    }

    fn mv_cp(&mut self, name: &str, args: &[String]) -> Out {
        let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let [src, dst] = paths.as_slice() else {
            return Out::err(format!("BusyBox: usage: {name} SOURCE DEST\n"), 1);
        };
        let s = self.path(src);
        let mut d = self.path(dst);
        if fs::is_dir(self.sim, &self.pod, &self.container, &d) {
            d = format!("{d}/{}", s.rsplit('/').next().unwrap_or(""));
        }
        let Some(content) = self.read_file(&s) else {
            if fs::is_dir(self.sim, &self.pod, &self.container, &s) {
                let files = fs::files_under(self.sim, &self.pod, &self.container, &s);
                for f in files {
                    let rel = f.strip_prefix(&s).unwrap_or(&f).to_string();
                    let c = self.read_file(&f).unwrap_or_default();
                    if let Err(e) = self.write_file(&format!("{d}{rel}"), c, false) {
                        return Out::err(format!("{name}: {e}\n"), 1);
                    }
                    if name == "mv" {
                        let _ = fs::remove(self.sim, &self.pod, &self.container, &f);
                    }
                }
                self.check_readiness_probe();
                return Out::default();
            }
            return Out::err(
                format!("{name}: can't stat '{src}': No such file or directory\n"),
                1,
            );
        };
        if let Err(e) = self.write_file(&d, content, false) {
            return Out::err(format!("{name}: {e}\n"), 1);
        }
        if name == "mv" {
            if let Err(e) = fs::remove(self.sim, &self.pod, &self.container, &s) {
                return Out::err(format!("mv: can't remove '{src}': {e}\n"), 1);
            }
        }
        self.check_readiness_probe();
        Out::default()
    }

    /// After files changed: does each container's exec readiness probe
    /// still find its program? A probe that cannot start fails, so the
    /// kubelet (which reads `faults.unready_pods`) marks the pod unready;
    /// putting the program back heals it. As in the MySQL seed's
    /// `mv /usr/bin/mysql /usr/bin/mysql.off`.
    fn check_readiness_probe(&mut self) {
        let mut broken = None;
        for c in self.pod.spec().array_at("containers") {
            let cmd: Vec<&str> = c
                .array_at("readinessProbe.exec.command")
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            let Some(first) = cmd.first() else {
                continue;
            };
            let base = first.rsplit('/').next().unwrap_or(first);
            // `bash -c /ready-probe.sh`: the script's first word runs.
            let prog = if matches!(base, "sh" | "bash") && cmd.get(1) == Some(&"-c") {
                cmd.get(2)
                    .and_then(|s| s.split_whitespace().next())
                    .unwrap_or("")
            } else {
                first
            };
            let cname = c.str_at("name").unwrap_or("");
            let pbase = prog.rsplit('/').next().unwrap_or(prog);
            if !IMAGE_PROGRAMS.contains(&pbase) {
                continue;
            }
            let runnable = |p: &str| fs::executable(self.sim, &self.pod, cname, p);
            let found = if prog.contains('/') {
                runnable(prog)
            } else {
                // PATH lookup finds the first existing file, runnable or not.
                let first = PATH
                    .iter()
                    .map(|d| format!("{d}/{prog}"))
                    .chain(std::iter::once(format!("/{prog}")))
                    .find(|p| fs::read(self.sim, &self.pod, cname, p).is_some());
                first.is_some_and(|p| runnable(&p))
            };
            if !found {
                broken = Some((cname.to_string(), prog.to_string()));
                break;
            }
        }
        let uid = self.pod.meta.uid.clone();
        let marker = "state/probe-broken".to_string();
        let ours = self
            .sim
            .container_data
            .get(&uid)
            .is_some_and(|d| d.contains_key(&marker));
        let key = self.pod.key();
        match broken {
            Some((c, prog)) if !ours => {
                self.sim
                    .container_data
                    .entry(uid.clone())
                    .or_default()
                    .insert(marker, prog.clone());
                self.sim.faults.unready_pods.insert(uid);
                self.sim.record(
                    Action::Fault,
                    &key,
                    "ReadinessProbeBroken",
                    format!("readiness probe of container {c} cannot run: {prog}: not found"),
                    true,
                    "kubectl exec",
                    None,
                    None,
                );
            }
            None if ours => {
                if let Some(d) = self.sim.container_data.get_mut(&uid) {
                    d.remove(&marker);
                }
                self.sim.faults.unready_pods.remove(&uid);
                self.sim.record(
                    Action::Fault,
                    &key,
                    "ReadinessProbeHealed",
                    "readiness probe can run again".into(),
                    false,
                    "kubectl exec",
                    None,
                    None,
                );
            }
            _ => {}
        }
    }

    fn http(&mut self, name: &str, args: &[String]) -> Out {
        let url = args
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                let option_value =
                    *i > 0 && matches!(args[i - 1].as_str(), "-O" | "-o" | "-H" | "-X" | "-d");
                !a.starts_with('-') && !option_value
            })
            .map(|(_, a)| a.clone())
            .next();
        let Some(url) = url else {
            return Out::err(format!("{name}: no URL specified\n"), 2);
        };
        match self.http_get(&url) {
            Ok(body) => Out::ok(body),
            Err(net::HttpError::Resolve(h)) => {
                if name == "curl" {
                    Out::err(format!("curl: (6) Could not resolve host: {h}\n"), 6)
                } else {
                    Out::err(format!("wget: bad address '{h}'\n"), 1)
                }
            }
            Err(net::HttpError::Refused(h, port)) => {
                if name == "curl" {
                    Out::err(
                        format!(
                            "curl: (7) Failed to connect to {h} port {port}: Connection refused\n"
                        ),
                        7,
                    )
                } else {
                    Out::err(
                        "wget: can't connect to remote host: Connection refused\n".to_string(),
                        1,
                    )
                }
            }
        }
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
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
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

#[cfg(test)]
mod tests;
