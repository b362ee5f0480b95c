//! `kubectl exec`, `run` and `logs` (upstream `pkg/cmd/exec`, `pkg/cmd/run`,
//! `pkg/cmd/logs`): the simulated processes behind them are in `apps`.

use super::*;

/// The container a command talks to: `-c`, else the default-container
/// annotation, else the first (with kubectl's "Defaulted container" note).
pub(super) fn pick_container(
    pod: &Object,
    wanted: Option<&str>,
) -> Result<(String, Option<String>), String> {
    let names: Vec<String> = pod
        .spec()
        .array_at("containers")
        .iter()
        .filter_map(|c| c.str_at("name").map(String::from))
        .collect();
    let inits: Vec<String> = pod
        .spec()
        .array_at("initContainers")
        .iter()
        .filter_map(|c| c.str_at("name").map(String::from))
        .collect();
    if let Some(w) = wanted {
        if names.iter().any(|n| n == w) || inits.iter().any(|n| n == w) {
            return Ok((w.to_string(), None));
        }
        // The API server's streamLocation refuses a container the pod does
        // not have before it asks any kubelet.
        return Err(format!(
            "Error from server (BadRequest): container {w} is not valid for pod {}",
            pod.name()
        ));
    }
    if let Some(d) = pod
        .meta
        .annotations
        .get("kubectl.kubernetes.io/default-container")
    {
        if names.contains(d) {
            return Ok((d.clone(), None));
        }
    }
    let first = names
        .first()
        .cloned()
        .ok_or("error: pod has no containers")?;
    let note = if names.len() + inits.len() > 1 {
        let mut all: Vec<String> = names.clone();
        all.extend(inits.iter().map(|i| format!("{i} (init)")));
        Some(format!(
            "Defaulted container \"{first}\" out of: {}",
            all.join(", ")
        ))
    } else {
        None
    };
    Ok((first, note))
}

pub(super) fn container_running(pod: &Object, c: &str) -> bool {
    pod.status()
        .array_at("containerStatuses")
        .iter()
        .chain(pod.status().array_at("initContainerStatuses").iter())
        .any(|s| s.str_at("name") == Some(c) && s.at("state.running").is_object())
}

pub(super) fn is_shell(argv: &[String]) -> bool {
    argv.len() == 1
        && matches!(
            argv[0].as_str(),
            "sh" | "bash" | "/bin/sh" | "/bin/bash" | "ash" | "/bin/ash"
        )
}

pub(super) const SHELL_NOTE: &str = "(Ordinal: interactive shells are not simulated; run one command at a time, e.g. kubectl exec POD -- hostname)";

/// Runs argv in a pod as `kubectl exec` does, with its error texts.
/// How a process is attached: `-i` (with what stdin holds, if the face
/// gave any), `-t`.
pub(crate) struct Io {
    pub stdin: bool,
    pub tty: bool,
    pub input: Option<String>,
}

impl Io {
    pub(super) fn from_args(args: &Args, files: &[(String, String)]) -> Io {
        let stdin = args.bool("stdin");
        Io {
            stdin,
            tty: args.bool("tty"),
            // What a shell would pipe in (`<<EOF`): the `-` entry of `files`.
            input: if stdin {
                files.iter().find(|(p, _)| p == "-").map(|(_, t)| t.clone())
            } else {
                None
            },
        }
    }

    pub(super) fn run(
        &self,
        sim: &mut Sim,
        key: &Key,
        container: &str,
        argv: &[String],
    ) -> apps::ExecResult {
        apps::exec_with(
            sim,
            key,
            Some(container),
            argv,
            &apps::ExecOptions {
                stdin: self.input.clone(),
                // Without stdin, the seeds' commands behave as on a terminal.
                tty: self.tty || self.input.is_none(),
            },
        )
    }
}

pub(super) fn exec_in(
    sim: &mut Sim,
    key: &Key,
    container: Option<&str>,
    argv: &[String],
    io: &Io,
) -> Result<String, String> {
    let interactive = io.stdin || io.tty;
    let Some(pod) = sim.store.get_key(key).cloned() else {
        return Err(ApiError::not_found(Kind::Pod, &key.name).to_string());
    };
    let phase = podutil::phase(&pod);
    if matches!(phase, "Succeeded" | "Failed") {
        return Err(format!(
            "error: cannot exec into a container in a completed pod; current phase is {phase}"
        ));
    }
    let (c, note) = pick_container(&pod, container)?;
    let mut out = String::new();
    if let Some(n) = note {
        out.push_str(&n);
        out.push('\n');
    }
    // streamLocation: a pod no node holds has no kubelet to stream from.
    if pod.spec().str_at("nodeName").is_none() {
        return Err(format!(
            "{out}Error from server (BadRequest): pod {} does not have a host assigned",
            key.name
        ));
    }
    if !container_running(&pod, &c) {
        return Err(format!(
            "{out}error: unable to upgrade connection: container not found (\"{c}\")"
        ));
    }
    if interactive && is_shell(argv) && io.input.is_none() {
        out.push_str(SHELL_NOTE);
        out.push('\n');
        return Ok(out);
    }
    let r = io.run(sim, key, &c, argv);
    out.push_str(&r.output);
    if r.exit_code != 0 {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!(
            "command terminated with exit code {}",
            r.exit_code
        ));
        return Err(out);
    }
    Ok(out)
}

pub(super) fn resolve_pod(sim: &Sim, word: &str, ns: &str) -> Result<Key, String> {
    let (kind, name) = match word.split_once('/') {
        Some((t, n)) => match resources::resolve(t) {
            Some(Resource::Kind(k)) => (k, n),
            _ => return Err(resources::unknown_type(t)),
        },
        None => (Kind::Pod, word),
    };
    if kind == Kind::Pod {
        return Ok(Key::new(Kind::Pod, ns, name));
    }
    // A workload: its first pod, as kubectl picks one.
    let Some(owner) = sim.store.get(kind, ns, name) else {
        return Err(ApiError::not_found(kind, name).to_string());
    };
    sim.store
        .list_ns(Kind::Pod, ns)
        .filter(|p| p.meta.is_owned_by(&owner.meta.uid))
        .map(|p| p.key())
        .next()
        .ok_or_else(|| {
            format!(
                "error: cannot attach to {}: no pods found",
                ref_name(&owner.key())
            )
        })
}

pub fn exec(sim: &mut Sim, args: &Args, files: &[(String, String)]) -> Result<String, String> {
    let ns = namespace(args);
    let Some(target) = args.positional.first() else {
        return Err("error: pod, type/name or --filename must be specified".into());
    };
    // The old `exec POD CMD` form was removed (kubectl 1.26+).
    let argv: Vec<String> = match &args.after_dash {
        Some(a) => a.clone(),
        None if args.positional.len() > 1 => {
            return Err("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples".into());
        }
        None => Vec::new(),
    };
    if argv.is_empty() {
        return Err("error: you must specify at least one command for the container".into());
    }
    let key = resolve_pod(sim, target, &ns)?;
    let io = Io::from_args(args, files);
    exec_in(sim, &key, args.get("container"), &argv, &io)
}

pub fn run_pod(sim: &mut Sim, args: &Args, files: &[(String, String)]) -> Result<String, String> {
    let io = Io::from_args(args, files);
    let ns = namespace(args);
    if args.bool("help") {
        return Ok(crate::sim::kubectl::help::text_or_missing("run.txt"));
    }
    // cobra checks required flags before the command looks at its arguments.
    let Some(image) = args.get("image") else {
        return Err("error: required flag(s) \"image\" not set".into());
    };
    // `Complete` reads the dry-run mode and builds the printer first.
    let dry = crate::sim::kubectl::create::dry_run(args)?;
    let printer = crate::sim::kubectl::output::ObjectPrinter::new(args, dry)?;
    let Some(name) = args.positional.first().cloned() else {
        return Err(
            "error: NAME is required for run\nSee 'kubectl run -h' for help and examples".into(),
        );
    };
    let attach = args.bool("stdin") || args.bool("tty") || args.bool("attach");
    if args.bool("rm") && !attach {
        return Err("error: --rm should only be used for attached containers".into());
    }
    let restart = args.get("restart").unwrap_or("Always");
    if !matches!(restart, "Always" | "OnFailure" | "Never") {
        return Err(format!("error: invalid restart policy: {restart}"));
    }
    let mut argv: Vec<String> = args.positional[1..].to_vec();
    if let Some(a) = &args.after_dash {
        argv.extend(a.iter().cloned());
    }
    let mut labels = serde_json::Map::new();
    match args.get("labels") {
        Some(l) => {
            for kv in l.split(',') {
                if let Some((k, v)) = kv.split_once('=') {
                    labels.insert(k.into(), v.into());
                }
            }
        }
        None => {
            labels.insert("run".into(), name.clone().into());
        }
    }
    let mut container = json!({"name": name, "image": image, "resources": {}});
    if !argv.is_empty() {
        let field = if args.bool("command") {
            "command"
        } else {
            "args"
        };
        container[field] = json!(argv);
    }
    if attach {
        container["stdin"] = true.into();
        container["stdinOnce"] = true.into();
    }
    if args.bool("tty") {
        container["tty"] = true.into();
    }
    let env: Vec<Value> = args
        .all("env")
        .iter()
        .filter_map(|e| {
            e.split_once('=')
                .map(|(k, v)| json!({"name": k, "value": v}))
        })
        .collect();
    if !env.is_empty() {
        container["env"] = json!(env);
    }
    if let Some(p) = args.get("port").and_then(|p| p.parse::<i64>().ok()) {
        container["ports"] = json!([{"containerPort": p}]);
    }
    let mut v = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "creationTimestamp": null, "labels": labels},
        "spec": {"containers": [container], "restartPolicy": restart, "dnsPolicy": "ClusterFirst"},
        "status": {},
    });
    if let Some(explicit) = args.get("namespace") {
        v["metadata"]["namespace"] = explicit.into();
    }
    if dry != "none" {
        if attach {
            return Err("error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)".into());
        }
        return crate::sim::kubectl::create::print_or_create(sim, v, dry, &printer, &ns);
    }
    v["metadata"]["namespace"] = ns.clone().into();
    let pod = Object::from_value(&v).map_err(|e| format!("error: {e}"))?;
    let key = pod.key();
    let created = api::create(sim, pod, "kubectl").map_err(|e| e.to_string())?;
    if !attach {
        return printer.print(&created.to_value(), "created");
    }
    let mut out = String::new();
    // Attaching waits for the pod to run (kubectl's 1 minute pod-running-timeout).
    let running = wait_until(sim, 60_000, |s| {
        s.store.get_key(&key).is_some_and(|p| {
            podutil::is_running(p) && container_running(p, &name)
                || matches!(podutil::phase(p), "Succeeded" | "Failed")
        })
    });
    let mut failed = false;
    if !running {
        failed = true;
        out.push_str("error: timed out waiting for the condition\n");
    } else {
        if args.bool("tty") {
            out.push_str("If you don't see a command prompt, try pressing enter.\n");
        }
        if argv.is_empty() || (is_shell(&argv) && io.input.is_none()) {
            if args.bool("stdin") || args.bool("tty") {
                out.push_str(SHELL_NOTE);
                out.push('\n');
            }
        } else {
            let r = io.run(sim, &key, &name, &argv);
            out.push_str(&r.output);
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            if r.exit_code != 0 {
                if args.bool("rm") {
                    out.push_str(&format!("pod \"{name}\" deleted\n"));
                }
                out.push_str(&format!("pod {ns}/{name} terminated (Error)"));
                if args.bool("rm") {
                    let _ = api::delete(sim, &key, DeleteOptions::default(), "kubectl");
                    let uid = sim.store.get_key(&key).map(|p| p.meta.uid.clone());
                    wait_until(sim, 120_000, |s| {
                        s.store.get_key(&key).map(|p| p.meta.uid.clone()) != uid
                            || s.store.get_key(&key).is_none()
                    });
                }
                return Err(out);
            }
        }
    }
    if args.bool("rm") {
        let uid = sim.store.get_key(&key).map(|p| p.meta.uid.clone());
        if api::delete(sim, &key, DeleteOptions::default(), "kubectl").is_ok() {
            wait_until(sim, 120_000, |s| {
                s.store
                    .get_key(&key)
                    .is_none_or(|p| Some(p.meta.uid.clone()) != uid)
            });
            out.push_str(&format!("{} deleted\n", quoted(&key)));
        }
    }
    if failed {
        Err(out.trim_end().to_string())
    } else {
        Ok(out)
    }
}

/// Lines a container would have logged, from what the simulation knows:
/// a process's own log in `container_data` (key `log:<container>`), else a
/// few startup lines typical of its image.
pub(super) fn log_lines(sim: &Sim, pod: &Object, container: &str, started: u64) -> Vec<String> {
    if let Some(l) = sim
        .container_data
        .get(&pod.meta.uid)
        .and_then(|d| d.get(&format!("log:{container}")))
    {
        return l.lines().map(String::from).collect();
    }
    let inits = pod.spec().array_at("initContainers");
    let spec = pod
        .spec()
        .array_at("containers")
        .iter()
        .chain(inits.iter())
        .find(|c| c.str_at("name") == Some(container));
    let image = spec
        .and_then(|c| c.str_at("image"))
        .unwrap_or("")
        .to_string();
    // An init container, or the xtrabackup sidecar, runs its own script in
    // place of the image's server, so it never logs the server's start
    // (the seed's `init-mysql` and `clone-mysql` run on the mysql and
    // xtrabackup images). Their real log is what the script prints: bash's
    // `set -x` trace and the tools' output. Ordinal does not run those
    // scripts as processes, so it shows nothing (a simplification).
    let is_init = inits.iter().any(|c| c.str_at("name") == Some(container));
    if is_init || image.contains("xtrabackup") {
        return Vec::new();
    }
    let t = |ms: u64| rfc3339(started + ms);
    let host = &pod.meta.name;
    if image.contains("cassandra") {
        vec![
            format!(
                "Starting Cassandra on {}",
                pod.status().str_at("podIP").unwrap_or("")
            ),
            format!(
                "INFO  [main] {} CassandraDaemon.java:471 - Hostname: {host}",
                t(0)
            ),
            format!(
                "INFO  [main] {} StorageService.java:618 - Cassandra version: 3.11.2",
                t(500)
            ),
            format!(
                "INFO  [main] {} StorageService.java:1441 - JOINING: Starting to bootstrap...",
                t(900)
            ),
            format!(
                "INFO  [main] {} CassandraDaemon.java:650 - Startup complete",
                t(1000)
            ),
        ]
    } else if image.contains("mysql") {
        vec![
            format!(
                "{} 0 [Note] mysqld (mysqld 5.7.44) starting as process 1 ...",
                t(0)
            ),
            format!(
                "{} 0 [Note] InnoDB: Initializing buffer pool, total size = 128M",
                t(200)
            ),
            format!(
                "{} 0 [Note] Server hostname (bind-address): '*'; port: 3306",
                t(600)
            ),
            format!("{} 0 [Note] mysqld: ready for connections.", t(1000)),
        ]
    } else if image.contains("zookeeper") || image.contains("kubernetes-zookeeper") {
        vec![
            format!(
                "{} [myid:{}] - INFO  [main:QuorumPeerMain@127] - Starting quorum peer",
                t(0),
                host.rsplit('-')
                    .next()
                    .and_then(|n| n.parse::<u64>().ok())
                    .map_or(1, |n| n + 1)
            ),
            format!(
                "{} - INFO  [main:NIOServerCnxnFactory@89] - binding to port 0.0.0.0/0.0.0.0:2181",
                t(300)
            ),
        ]
    } else if image.contains("hazelcast") {
        vec![
            format!(
                "{} INFO: [{}]:5701 [someGroup] [3.8] Hazelcast 3.8 starting",
                t(0),
                pod.status().str_at("podIP").unwrap_or("")
            ),
            format!(
                "{} INFO: [{}]:5701 [someGroup] [3.8] is STARTED",
                t(1000),
                pod.status().str_at("podIP").unwrap_or("")
            ),
        ]
    } else {
        Vec::new()
    }
}

pub fn logs(sim: &mut Sim, args: &Args) -> Result<String, String> {
    let ns = namespace(args);
    let usage = "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples";
    let sel = crate::sim::kubectl::selector(args)?;
    let Some(target) = args.positional.first() else {
        return match sel {
            Some(sel) => logs_of_selected(sim, args, &ns, &sel),
            None => Err(usage.into()),
        };
    };
    if args.positional.len() > 2 {
        return Err(usage.into());
    }
    if sel.is_some() && args.positional.len() == 1 {
        return Err("error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples".into());
    }
    let key = resolve_pod(sim, target, &ns)?;
    let Some(pod) = sim.store.get_key(&key).cloned() else {
        return Err(ApiError::not_found(Kind::Pod, &key.name).to_string());
    };
    let wanted = args
        .get("container")
        .or(args.positional.get(1).map(String::as_str));
    pod_logs(sim, args, &pod, wanted, args.get("tail"))
}

/// `logs -l SELECTOR`: the logs of every pod the selector picks, one after
/// another (upstream's order is its map's; here the list's, by name), each
/// of its default container, and by default only the last 10 lines of each
/// (`selectorTail`). The first pod whose logs cannot be read ends it.
fn logs_of_selected(
    sim: &Sim,
    args: &Args,
    ns: &str,
    sel: &crate::sim::selector::Selector,
) -> Result<String, String> {
    let pods: Vec<Object> = sim
        .store
        .list_ns(Kind::Pod, ns)
        .filter(|p| sel.matches(&p.meta.labels))
        .cloned()
        .collect();
    if pods.is_empty() {
        return Ok(format!("{}\n", crate::sim::kubectl::no_resources(Some(ns))));
    }
    let tail = args.get("tail").unwrap_or("10");
    let mut out = String::new();
    for pod in &pods {
        match pod_logs(sim, args, pod, args.get("container"), Some(tail)) {
            Ok(text) => out.push_str(&text),
            Err(e) => return Err(format!("{out}{e}")),
        }
    }
    Ok(out)
}

/// One pod's logs, of container `wanted` (its default one when `None`),
/// the last `tail` lines when that is a count.
fn pod_logs(
    sim: &Sim,
    args: &Args,
    pod: &Object,
    wanted: Option<&str>,
    tail: Option<&str>,
) -> Result<String, String> {
    let key = pod.key();
    let (c, note) = pick_container(pod, wanted).map_err(|_| {
        format!(
            "error: container {} is not valid for pod {}",
            wanted.unwrap_or(""),
            key.name
        )
    })?;
    let statuses: Vec<&Value> = pod
        .status()
        .array_at("containerStatuses")
        .iter()
        .chain(pod.status().array_at("initContainerStatuses").iter())
        .collect();
    let st = statuses
        .iter()
        .find(|s| s.str_at("name") == Some(c.as_str()));
    let mut out = String::new();
    if let Some(n) = note {
        out.push_str(&n);
        out.push('\n');
    }
    let state_of = |s: &Value, p: &str| s.at(p).clone();
    let started = if args.bool("previous") {
        let Some(s) = st.filter(|s| s.at("lastState.terminated").is_object()) else {
            return Err(format!(
                "{out}Error from server (BadRequest): previous terminated container \"{c}\" in pod \"{}\" not found",
                key.name
            ));
        };
        state_of(s, "lastState.terminated.startedAt")
    } else {
        match st {
            Some(s) if s.at("state.running").is_object() => state_of(s, "state.running.startedAt"),
            Some(s) if s.at("state.terminated").is_object() => state_of(s, "state.terminated.startedAt"),
            Some(s) => {
                let reason = s.str_at("state.waiting.reason").unwrap_or("ContainerCreating");
                return Err(format!(
                    "{out}Error from server (BadRequest): container \"{c}\" in pod \"{}\" is waiting to start: {reason}",
                    key.name
                ));
            }
            None => {
                return Err(format!(
                    "{out}Error from server (BadRequest): container \"{c}\" in pod \"{}\" is waiting to start: ContainerCreating",
                    key.name
                ))
            }
        }
    };
    let started = started
        .as_str()
        .and_then(crate::sim::object::parse_rfc3339)
        .unwrap_or(pod.meta.creation_timestamp);
    let mut lines = log_lines(sim, pod, &c, started);
    if let Some(n) = tail.and_then(|t| t.parse::<i64>().ok()) {
        if n >= 0 && (n as usize) < lines.len() {
            lines = lines.split_off(lines.len() - n as usize);
        }
    }
    for l in lines {
        // `--prefix` marks each line with its source, before the
        // timestamp the log stream itself carries.
        if args.bool("prefix") {
            out.push_str(&format!("[pod/{}/{c}] ", key.name));
        }
        if args.bool("timestamps") {
            out.push_str(&format!("{} ", rfc3339(started)));
        }
        out.push_str(&l);
        out.push('\n');
    }
    Ok(out)
}
