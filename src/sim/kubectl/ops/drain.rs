//! `kubectl cordon`, `uncordon`, `taint` and `drain` (upstream `pkg/cmd/drain`,
//! `pkg/cmd/taint` and `pkg/drain`).

use super::*;
use crate::sim::kubectl::create::dry_run;
use crate::sim::kubectl::output::dry_run_suffix;
use crate::sim::object::go_duration;

/// `RunCordonOrUncordon` for one node; `dry` as `create::dry_run` reads
/// it: a dry run changes nothing (a server one would only validate the
/// patch) and says so after the line.
pub(super) fn set_unschedulable(
    sim: &mut Sim,
    name: &str,
    value: bool,
    dry: &str,
) -> Result<String, String> {
    let Some(n) = sim.store.get(Kind::Node, "", name).cloned() else {
        return Err(ApiError::not_found(Kind::Node, name).to_string());
    };
    let cur = n.spec().bool_at("unschedulable") == Some(true);
    let word = if value { "cordoned" } else { "uncordoned" };
    let suffix = dry_run_suffix(dry);
    if cur == value {
        return Ok(format!("node/{name} already {word}{suffix}"));
    }
    if dry == "none" {
        let mut new = n.clone();
        if value {
            new.spec_mut()["unschedulable"] = true.into();
        } else if let Some(m) = new.spec_mut().as_object_mut() {
            m.remove("unschedulable");
        }
        api::update(sim, new, "kubectl").map_err(|e| e.to_string())?;
    }
    Ok(format!("node/{name} {word}{suffix}"))
}

pub(super) fn node_names(sim: &Sim, args: &Args) -> Result<Vec<String>, String> {
    let sel = selector(args)?;
    let mut names: Vec<String> = args
        .positional
        .iter()
        .map(|n| {
            n.strip_prefix("node/")
                .or_else(|| n.strip_prefix("nodes/"))
                .unwrap_or(n)
                .to_string()
        })
        .collect();
    if let Some(s) = sel {
        names.extend(
            sim.store
                .list(Kind::Node)
                .filter(|n| s.matches(&n.meta.labels))
                .map(|n| n.meta.name.clone()),
        );
    }
    if names.is_empty() {
        return Err(
            "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples"
                .into(),
        );
    }
    Ok(names)
}

pub fn cordon(sim: &mut Sim, args: &Args, value: bool) -> Result<String, String> {
    let dry = dry_run(args)?;
    let mut out = Report::default();
    for n in node_names(sim, args)? {
        match set_unschedulable(sim, &n, value, dry) {
            Ok(l) => out.push(l),
            Err(e) => {
                out.fail(e);
            }
        }
    }
    out.finish()
}

/// `taint nodes NODE key[=value]:Effect ... [key[:Effect]-]`.
pub fn taint(sim: &mut Sim, args: &Args) -> Result<String, String> {
    let dry = dry_run(args)?;
    let mut words = args.positional.clone();
    if words.is_empty() {
        return Err("error: at least one taint update is required".into());
    }
    // `nodes NODE` or `node/NODE`.
    let first = words.remove(0);
    let mut nodes: Vec<String> = Vec::new();
    if let Some((t, n)) = first.split_once('/') {
        if resources::resolve(t) != Some(Resource::Kind(Kind::Node)) {
            return Err(format!(
                "error: invalid resource type {t}, only nodes are supported"
            ));
        }
        nodes.push(n.to_string());
    } else if resources::resolve(&first) == Some(Resource::Kind(Kind::Node)) {
        if !words.is_empty()
            && !words[0].contains(':')
            && !words[0].contains('=')
            && !words[0].ends_with('-')
        {
            nodes.push(words.remove(0));
        }
    } else {
        return Err(format!(
            "error: invalid resource type {first}, only nodes are supported"
        ));
    }
    if args.bool("all") {
        nodes = sim
            .store
            .list(Kind::Node)
            .map(|n| n.meta.name.clone())
            .collect();
    }
    if let Some(s) = selector(args)? {
        nodes.extend(
            sim.store
                .list(Kind::Node)
                .filter(|n| s.matches(&n.meta.labels))
                .map(|n| n.meta.name.clone()),
        );
    }
    if nodes.is_empty() {
        return Err("error: resource(s) were provided, but no name was specified".into());
    }
    if words.is_empty() {
        return Err("error: at least one taint update is required".into());
    }
    // (key, value, effect, remove)
    let mut changes: Vec<(String, Option<String>, Option<String>, bool)> = Vec::new();
    for w in &words {
        let (spec, remove) = match w.strip_suffix('-') {
            Some(s) => (s, true),
            None => (w.as_str(), false),
        };
        let (kv, effect) = match spec.split_once(':') {
            Some((kv, e)) => (kv, Some(e.to_string())),
            None => (spec, None),
        };
        if let Some(e) = &effect {
            if !matches!(e.as_str(), "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!("error: invalid taint spec: {w}, invalid taint effect: {e}, unsupported taint effect"));
            }
        }
        if !remove && effect.is_none() {
            return Err(format!(
                "error: invalid taint spec: {w}, unknown taint spec: {w}"
            ));
        }
        let (k, v) = match kv.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (kv.to_string(), None),
        };
        changes.push((k, v, effect, remove));
    }
    let mut out = Report::default();
    for n in nodes {
        let Some(node) = sim.store.get(Kind::Node, "", &n).cloned() else {
            out.fail(ApiError::not_found(Kind::Node, &n).to_string());
            continue;
        };
        let mut taints: Vec<Value> = node.spec().array_at("taints").to_vec();
        let mut err = None;
        let mut removed_any = false;
        for (k, v, e, remove) in &changes {
            let same = |t: &Value| {
                t.str_at("key") == Some(k.as_str())
                    && e.as_ref()
                        .is_none_or(|e| t.str_at("effect") == Some(e.as_str()))
            };
            if *remove {
                let before = taints.len();
                taints.retain(|t| !same(t));
                if taints.len() == before {
                    err = Some(format!(
                        "error: taint {:?} not found",
                        format!(
                            "{k}{}",
                            e.as_ref().map(|e| format!(":{e}")).unwrap_or_default()
                        )
                    ));
                }
                removed_any = true;
                continue;
            }
            let mut t = json!({"key": k, "effect": e});
            if let Some(v) = v {
                t["value"] = v.clone().into();
            }
            if let Some(i) = taints.iter().position(same) {
                if !args.bool("overwrite") {
                    err = Some(format!(
                        "error: node {n} already has {k} taint(s) with same effect(s) and --overwrite is false"
                    ));
                    break;
                }
                taints[i] = t;
            } else {
                taints.push(t);
            }
        }
        if let Some(e) = err {
            out.fail(e);
            continue;
        }
        let mut new = node.clone();
        if taints.is_empty() {
            if let Some(m) = new.spec_mut().as_object_mut() {
                m.remove("taints");
            }
        } else {
            new.spec_mut()["taints"] = Value::Array(taints);
        }
        // A dry run writes nothing; its line says which it was.
        let written = match dry {
            "none" => api::update(sim, new, "kubectl").map_err(|e| e.to_string()),
            _ => Ok(new != node),
        };
        let suffix = dry_run_suffix(dry);
        match written {
            Ok(true) => out.push(format!(
                "node/{n} {}{suffix}",
                if removed_any && changes.iter().all(|c| c.3) {
                    "untainted"
                } else {
                    "tainted"
                }
            )),
            Ok(false) => out.push(format!("node/{n} not tainted{suffix}")),
            Err(e) => {
                out.fail(e);
            }
        }
    }
    out.finish()
}

pub(super) fn is_daemonset_pod(p: &Object) -> bool {
    p.meta
        .controller_ref()
        .is_some_and(|r| r.kind == "DaemonSet")
}

pub(super) fn has_emptydir(p: &Object) -> bool {
    p.spec()
        .array_at("volumes")
        .iter()
        .any(|v| v.at("emptyDir").is_object())
}

pub fn drain(sim: &mut Sim, args: &Args) -> Result<String, String> {
    let mut lines = Vec::new();
    if args.has("delete-local-data") {
        lines.push("Flag --delete-local-data has been deprecated, This option is deprecated and will be deleted. Use --delete-emptydir-data.".into());
    }
    let dry = dry_run(args)?;
    let names = node_names(sim, args)?;
    let bound = args
        .get("timeout")
        .and_then(parse_duration_ms)
        .filter(|t| *t > 0)
        .unwrap_or(DEFAULT_BLOCK_MS);
    let pod_sel = match args.get("pod-selector") {
        Some(s) => {
            Some(crate::sim::selector::Selector::parse(s).map_err(|e| format!("error: {e}"))?)
        }
        None => None,
    };
    // As kubectl's RunDrain: each node in turn; a node that fails is
    // reported and the command goes on; the errors come last.
    let mut remaining: Vec<String> = Vec::new();
    let mut fatal: Vec<String> = Vec::new();
    for node in names {
        match set_unschedulable(sim, &node, true, dry) {
            Ok(l) => lines.push(l),
            Err(e) => {
                lines.push(e);
                return finish(lines, true);
            }
        }
        match drain_node(sim, args, &node, bound, pod_sel.as_ref(), dry, &mut lines) {
            Ok(()) => lines.push(format!("node/{node} drained{}", dry_run_suffix(dry))),
            Err(errs) => {
                let joined = crate::sim::kubectl::aggregate(&errs);
                lines.push(format!(
                    "error: unable to drain node \"{node}\" due to error: {joined}, continuing command..."
                ));
                remaining.push(node.clone());
                fatal.extend(errs);
            }
        }
    }
    if !remaining.is_empty() {
        lines.push("There are pending nodes to be drained:".into());
        for n in &remaining {
            lines.push(format!(" {n}"));
        }
        lines.extend(fatal);
        return finish(lines, true);
    }
    finish(lines, false)
}

/// Where one pod of a drain stands.
pub(super) enum Eviction {
    /// Not yet evicted; next attempt at this virtual time.
    Pending(u64),
    /// Evicted (or deleted); waiting for it to be gone.
    Evicted,
    /// Gone, or given up on (its error is said).
    Done,
}

/// Evicts one node's pods as kubectl's drainer does: refuse what the flags
/// do not allow, evict the rest concurrently, retry PodDisruptionBudget
/// refusals every 5 s, print each pod as it goes, until `--timeout`. A
/// client dry run only says which pods it would evict; a server one asks
/// for each eviction on a scratch copy of the cluster and waits for none.
pub(super) fn drain_node(
    sim: &mut Sim,
    args: &Args,
    node: &str,
    bound: u64,
    pod_sel: Option<&crate::sim::selector::Selector>,
    dry: &str,
    lines: &mut Vec<String>,
) -> Result<(), Vec<String>> {
    let empty_ok = args.bool("delete-emptydir-data") || args.bool("delete-local-data");
    let pods: Vec<Object> = sim
        .store
        .list(Kind::Pod)
        .filter(|p| p.spec().str_at("nodeName") == Some(node))
        .filter(|p| pod_sel.is_none_or(|s| s.matches(&p.meta.labels)))
        .cloned()
        .collect();
    let mut errors: Vec<(String, Vec<String>)> = Vec::new();
    let mut warnings: Vec<(String, Vec<String>)> = Vec::new();
    let mut to_evict = Vec::new();
    let note = |list: &mut Vec<(String, Vec<String>)>, msg: &str, p: &Object| {
        let id = format!("{}/{}", p.meta.namespace, p.meta.name);
        match list.iter_mut().find(|(m, _)| m == msg) {
            Some((_, v)) => v.push(id),
            None => list.push((msg.to_string(), vec![id])),
        }
    };
    for p in pods {
        let terminal = matches!(podutil::phase(&p), "Succeeded" | "Failed");
        if is_daemonset_pod(&p) && !terminal {
            if args.bool("ignore-daemonsets") {
                note(&mut warnings, "ignoring DaemonSet-managed Pods", &p);
            } else {
                note(
                    &mut errors,
                    "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)",
                    &p,
                );
            }
            continue;
        }
        if p.meta.controller_ref().is_none() && !terminal {
            if args.bool("force") {
                note(
                    &mut warnings,
                    "deleting Pods that declare no controller",
                    &p,
                );
            } else {
                note(
                    &mut errors,
                    "cannot delete Pods declare no controller (use --force to override)",
                    &p,
                );
                continue;
            }
        }
        if has_emptydir(&p) && !terminal {
            if empty_ok {
                note(&mut warnings, "deleting Pods with local storage", &p);
            } else {
                note(
                    &mut errors,
                    "cannot delete Pods with local storage (use --delete-emptydir-data to override)",
                    &p,
                );
                continue;
            }
        }
        to_evict.push(p);
    }
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|(m, ids)| format!("{m}: {}", ids.join(", ")))
            .collect());
    }
    for (m, ids) in &warnings {
        lines.push(format!("Warning: {m}: {}", ids.join(", ")));
    }
    if dry == "client" {
        for p in &to_evict {
            lines.push(format!(
                "evicting pod {}/{} (dry run)",
                p.meta.namespace, p.meta.name
            ));
        }
        return Ok(());
    }
    let suffix = dry_run_suffix(dry);
    let deadline = sim.now.saturating_add(bound);
    let d = go_duration(bound);
    let grace = args
        .get("grace-period")
        .and_then(|g| g.parse::<i64>().ok())
        .filter(|g| *g >= 0);
    let use_delete = args.bool("disable-eviction");
    let mut state: Vec<Eviction> = to_evict
        .iter()
        .map(|_| Eviction::Pending(sim.now))
        .collect();
    // In the order the pods' goroutines give up or fail.
    let mut errs: Vec<String> = Vec::new();
    loop {
        // Every pass of a pod's eviction loop says so first; one that comes
        // round at or past the timeout gives up without trying (its 5 s
        // sleep may take the command past `--timeout`).
        let due: Vec<usize> = (0..to_evict.len())
            .filter(|&i| matches!(state[i], Eviction::Pending(at) if at <= sim.now))
            .collect();
        for &i in &due {
            let p = &to_evict[i];
            lines.push(format!(
                "evicting pod {}/{}{suffix}",
                p.meta.namespace, p.meta.name
            ));
        }
        for &i in &due {
            let p = &to_evict[i];
            if sim.now >= deadline {
                errs.push(format!(
                    "error when evicting pods/\"{}\" -n \"{}\": global timeout reached: {d}",
                    p.meta.name, p.meta.namespace
                ));
                state[i] = Eviction::Done;
                continue;
            }
            let key = p.key();
            let mut scratch = (dry == "server").then(|| sim.clone());
            let on = scratch.as_mut().unwrap_or(sim);
            let r = if use_delete || grace.is_some() {
                let opts = DeleteOptions {
                    grace_seconds: grace,
                    ..Default::default()
                };
                api::delete(on, &key, opts, "kubectl")
            } else {
                api::evict(on, &key, "kubectl")
            };
            state[i] = match r {
                Ok(()) if dry == "server" => Eviction::Done,
                Ok(()) => Eviction::Evicted,
                Err(e) if e.reason == Reason::TooManyRequests => {
                    lines.push(format!(
                        "error when evicting pods/\"{}\" -n \"{}\" (will retry after 5s): {}",
                        p.meta.name, p.meta.namespace, e.message
                    ));
                    Eviction::Pending(sim.now + 5_000)
                }
                Err(e) if e.reason == Reason::NotFound => Eviction::Done,
                Err(e) => {
                    errs.push(format!(
                        "error when evicting pods/\"{}\" -n \"{}\": {}",
                        p.meta.name, p.meta.namespace, e.message
                    ));
                    Eviction::Done
                }
            };
        }
        // Evicted pods that are gone, or (past the timeout) given up on.
        for (i, p) in to_evict.iter().enumerate() {
            if !matches!(state[i], Eviction::Evicted) {
                continue;
            }
            let gone = sim
                .store
                .get_key(&p.key())
                .is_none_or(|o| o.meta.uid != p.meta.uid);
            if gone {
                lines.push(format!("pod/{} evicted", p.meta.name));
                state[i] = Eviction::Done;
            } else if sim.now >= deadline {
                errs.push(format!(
                    "error when waiting for pod \"{}\" in namespace \"{}\" to terminate: global timeout reached: {d}",
                    p.meta.name, p.meta.namespace
                ));
                state[i] = Eviction::Done;
            }
        }
        // Run the cluster to the next attempt, or until an evicted pod goes
        // (at the latest to the timeout while one is awaited).
        let waiting = state.iter().any(|s| matches!(s, Eviction::Evicted));
        let next = state
            .iter()
            .filter_map(|s| match s {
                Eviction::Pending(t) => Some(*t),
                _ => None,
            })
            .chain(waiting.then_some(deadline))
            .min();
        let Some(next) = next else {
            break;
        };
        let watched: Vec<(Key, String)> = to_evict
            .iter()
            .zip(&state)
            .filter(|(_, s)| matches!(s, Eviction::Evicted))
            .map(|(p, _)| (p.key(), p.meta.uid.clone()))
            .collect();
        let span = next.saturating_sub(sim.now);
        wait_until(sim, span, |s| {
            watched
                .iter()
                .any(|(k, uid)| s.store.get_key(k).is_none_or(|o| o.meta.uid != *uid))
        });
    }
    if errs.is_empty() {
        return Ok(());
    }
    // deleteOrEvictPodsSimple: the pods still on the node, after the error.
    let pending: Vec<&Object> = to_evict
        .iter()
        .filter(|p| {
            sim.store
                .get_key(&p.key())
                .is_some_and(|o| o.meta.uid == p.meta.uid)
        })
        .collect();
    if !pending.is_empty() {
        let joined = crate::sim::kubectl::aggregate(&errs);
        lines.push(format!(
            "There are pending pods in node \"{node}\" when an error occurred: {joined}"
        ));
        for p in pending {
            lines.push(format!("pod/{}", p.meta.name));
        }
    }
    Err(errs)
}
