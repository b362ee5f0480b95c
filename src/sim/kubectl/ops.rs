//! Operational commands: rollout, cordon/uncordon/drain, exec, run,
//! logs, wait, and the informational ones (version, cluster-info,
//! api-resources, explain, config, top).

use super::mutate::wait_until;
use super::parse::{parse_args, parse_duration_ms, Args};
use super::printers::tabulate;
use super::resources::{self, Resource};
use super::{finish, namespace, quoted, ref_name, selector};
use crate::sim::api::{self, ApiError, DeleteOptions, Reason};
use crate::sim::apps;
use crate::sim::engine::Sim;
use crate::sim::object::{rfc3339, Key, Kind, Object, ValueExt};
use crate::sim::podutil;
use serde_json::{json, Value};

/// How long a blocking command waits when no `--timeout` is given
/// (kubectl would wait forever; a playground gives up eventually).
const DEFAULT_BLOCK_MS: u64 = 600_000;

pub fn usage() -> String {
    "kubectl controls the Kubernetes cluster manager (simulated by Ordinal).\n\n\
Basic Commands:\n  create, get, run, explain, edit, delete\n\n\
Deploy Commands:\n  rollout, scale\n\n\
Cluster Management Commands:\n  cluster-info, top, cordon, uncordon, drain\n\n\
Troubleshooting and Debugging Commands:\n  describe, logs, exec, wait\n\n\
Advanced Commands:\n  apply, patch, replace\n\n\
Settings Commands:\n  label, annotate\n\n\
Other Commands:\n  api-resources, api-versions, config, version\n\n\
Usage:\n  kubectl [flags] [options]\n"
        .to_string()
}

// ---- rollout -----------------------------------------------------------

fn sts_status(o: &Object) -> Result<(String, bool), String> {
    let spec = o.spec();
    let st = o.status();
    let strategy = spec
        .str_at("updateStrategy.type")
        .unwrap_or("RollingUpdate");
    if strategy != "RollingUpdate" {
        return Err(
            "error: rollout status is only available for RollingUpdate strategy type".into(),
        );
    }
    let observed = st.i64_at("observedGeneration").unwrap_or(0);
    if observed == 0 || o.meta.generation > observed {
        return Ok((
            "Waiting for statefulset spec update to be observed...".into(),
            false,
        ));
    }
    let replicas = spec.i64_at("replicas").unwrap_or(1);
    let ready = st.i64_at("readyReplicas").unwrap_or(0);
    if ready < replicas {
        return Ok((
            format!("Waiting for {} pods to be ready...", replicas - ready),
            false,
        ));
    }
    let updated = st.i64_at("updatedReplicas").unwrap_or(0);
    if spec.at("updateStrategy.rollingUpdate").is_object() {
        if let Some(p) = spec.i64_at("updateStrategy.rollingUpdate.partition") {
            if updated < replicas - p {
                return Ok((
                    format!(
                        "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...",
                        replicas - p
                    ),
                    false,
                ));
            }
        }
        return Ok((
            format!("partitioned roll out complete: {updated} new pods have been updated..."),
            true,
        ));
    }
    let upd_rev = st.str_at("updateRevision").unwrap_or("");
    let cur_rev = st.str_at("currentRevision").unwrap_or("");
    if upd_rev != cur_rev {
        return Ok((
            format!("waiting for statefulset rolling update to complete {updated} pods at revision {upd_rev}..."),
            false,
        ));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {cur_rev}...",
            st.i64_at("currentReplicas").unwrap_or(0)
        ),
        true,
    ))
}

fn deploy_status(o: &Object) -> Result<(String, bool), String> {
    let spec = o.spec();
    let st = o.status();
    let name = &o.meta.name;
    if o.meta.generation > st.i64_at("observedGeneration").unwrap_or(0) {
        return Ok((
            "Waiting for deployment spec update to be observed...".into(),
            false,
        ));
    }
    let replicas = spec.i64_at("replicas").unwrap_or(1);
    let updated = st.i64_at("updatedReplicas").unwrap_or(0);
    let total = st.i64_at("replicas").unwrap_or(0);
    let available = st.i64_at("availableReplicas").unwrap_or(0);
    if updated < replicas {
        return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {updated} out of {replicas} new replicas have been updated..."), false));
    }
    if total > updated {
        return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...", total - updated), false));
    }
    if available < updated {
        return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available..."), false));
    }
    Ok((
        format!("deployment \"{name}\" successfully rolled out"),
        true,
    ))
}

fn ds_status(o: &Object) -> Result<(String, bool), String> {
    let st = o.status();
    let name = &o.meta.name;
    let desired = st.i64_at("desiredNumberScheduled").unwrap_or(0);
    let updated = st.i64_at("updatedNumberScheduled").unwrap_or(0);
    let available = st.i64_at("numberAvailable").unwrap_or(0);
    if o.meta.generation > st.i64_at("observedGeneration").unwrap_or(0) {
        return Ok((
            "Waiting for daemon set spec update to be observed...".into(),
            false,
        ));
    }
    if updated < desired {
        return Ok((format!("Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {desired} new pods have been updated..."), false));
    }
    if available < desired {
        return Ok((format!("Waiting for daemon set \"{name}\" rollout to finish: {available} of {desired} updated pods are available..."), false));
    }
    Ok((
        format!("daemon set \"{name}\" successfully rolled out"),
        true,
    ))
}

fn rollout_status_of(o: &Object) -> Result<(String, bool), String> {
    match o.kind {
        Kind::StatefulSet => sts_status(o),
        Kind::Deployment => deploy_status(o),
        Kind::DaemonSet => ds_status(o),
        k => Err(format!(
            "error: no status viewer has been implemented for {}",
            k
        )),
    }
}

pub fn rollout(sim: &mut Sim, rest: &[String]) -> Result<String, String> {
    let Some(sub) = rest.first() else {
        return Err("error: Required subcommand not specified.\nAvailable Commands:\n  history, pause, restart, resume, status, undo\nSee 'kubectl rollout -h' for help and examples".into());
    };
    let usage = format!("rollout {sub}");
    let args = parse_args(&rest[1..], "rollout", &usage)?;
    let ns = namespace(&args);
    if !matches!(
        sub.as_str(),
        "status" | "history" | "undo" | "restart" | "pause" | "resume"
    ) {
        return Err(
            super::unknown_command(sub).replace("for \"kubectl\"", "for \"kubectl rollout\"")
        );
    }
    let targets = resources::parse_targets(&args.positional)?;
    let sel = selector(&args)?;
    if targets.groups.is_empty() {
        return Err(format!("error: required resource not specified\nSee 'kubectl {usage} -h' for help and examples"));
    }
    let keys = super::select_keys(sim, &targets, &ns, false, sel.as_ref());
    let mut lines = Vec::new();
    let mut failed = false;
    for k in keys {
        let key = match k {
            Ok(k) => k,
            Err(e) => {
                failed = true;
                lines.push(e);
                continue;
            }
        };
        if !matches!(
            key.kind,
            Kind::StatefulSet | Kind::Deployment | Kind::DaemonSet
        ) {
            failed = true;
            lines.push(format!(
                "error: no {} has been implemented for {{\"{}\" \"{}\"}}",
                match sub.as_str() {
                    "status" => "status viewer",
                    "history" => "history viewer",
                    "undo" => "rollbacker",
                    _ => "restarter",
                },
                key.kind.group(),
                key.kind
            ));
            continue;
        }
        match sub.as_str() {
            "status" => {
                let bound = args
                    .get("timeout")
                    .and_then(parse_duration_ms)
                    .filter(|t| *t > 0)
                    .unwrap_or(DEFAULT_BLOCK_MS);
                let watch = args.get("watch").is_none_or(|w| w != "false");
                let mut last = String::new();
                let mut err = None;
                let mut printed: Vec<String> = Vec::new();
                let done = wait_until(sim, if watch { bound } else { 0 }, |s| {
                    let Some(o) = s.store.get_key(&key) else {
                        err = Some(ApiError::not_found(key.kind, &key.name).to_string());
                        return true;
                    };
                    match rollout_status_of(o) {
                        Ok((msg, done)) => {
                            if msg != last {
                                printed.push(msg.clone());
                                last = msg;
                            }
                            done
                        }
                        Err(e) => {
                            err = Some(e);
                            true
                        }
                    }
                });
                lines.extend(printed);
                if let Some(e) = err {
                    failed = true;
                    lines.push(e);
                } else if !done && watch {
                    failed = true;
                    lines.push("error: timed out waiting for the condition".into());
                }
            }
            "history" => {
                let Some(o) = sim.store.get_key(&key).cloned() else {
                    continue;
                };
                let revision = match args.get("revision") {
                    None => 0,
                    Some(r) => match r.parse::<i64>() {
                        Ok(n) if n >= 0 => n,
                        _ => {
                            failed = true;
                            lines.push(format!("error: invalid argument \"{r}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{r}\": invalid syntax\nSee 'kubectl rollout history --help' for usage."));
                            continue;
                        }
                    },
                };
                match super::history::view_history(sim, &o, revision) {
                    // The name printer: `KIND/NAME OPERATION\n`.
                    Ok(text) => {
                        let with = if revision > 0 {
                            format!("with revision #{revision}")
                        } else {
                            String::new()
                        };
                        lines.push(format!("{} {with}\n{text}\n", ref_name(&key)));
                    }
                    Err(e) => {
                        failed = true;
                        lines.push(e);
                    }
                }
            }
            "undo" => {
                let Some(o) = sim.store.get_key(&key).cloned() else {
                    continue;
                };
                let revs = super::history::history(sim, &o);
                let target = match args.get("to-revision").and_then(|r| r.parse::<i64>().ok()) {
                    Some(0) | None => {
                        if revs.len() < 2 {
                            failed = true;
                            lines.push(format!(
                                "error: no rollout history found for {} \"{}\"",
                                resources::singular(key.kind),
                                key.name
                            ));
                            continue;
                        }
                        revs[revs.len() - 2].clone()
                    }
                    Some(n) => match revs.iter().find(|(r, _, _)| *r == n) {
                        Some(r) => r.clone(),
                        None => {
                            failed = true;
                            lines.push(format!(
                                "error: unable to find specified revision {n} in history"
                            ));
                            continue;
                        }
                    },
                };
                let (target_rev, mut tmpl, _) = target;
                if tmpl.is_null() {
                    failed = true;
                    lines.push("error: the revision holds no pod template".into());
                    continue;
                }
                // A ReplicaSet's template carries pod-template-hash; the
                // rollbacker compares and restores it without (equalIgnoreHash).
                if key.kind == Kind::Deployment {
                    if let Some(l) = tmpl
                        .pointer_mut("/metadata/labels")
                        .and_then(Value::as_object_mut)
                    {
                        l.remove("pod-template-hash");
                    }
                }
                if o.spec().at("template") == &tmpl {
                    lines.push(format!(
                        "{} skipped rollback (current template already matches revision {target_rev})",
                        ref_name(&key),
                    ));
                    continue;
                }
                let mut new = o.clone();
                new.spec_mut()["template"] = tmpl;
                match api::update(sim, new, "kubectl") {
                    Ok(_) => lines.push(format!("{} rolled back", ref_name(&key))),
                    Err(e) => {
                        failed = true;
                        lines.push(e.to_string());
                    }
                }
            }
            "restart" => {
                let Some(o) = sim.store.get_key(&key).cloned() else {
                    continue;
                };
                let mut new = o.clone();
                crate::sim::object::set_at(
                    new.spec_mut(),
                    "template.metadata.annotations.kubectl\u{1}kubernetes\u{1}io/restartedAt",
                    rfc3339(sim.now).into(),
                );
                // set_at splits on dots; the annotation key has dots, so fix it up.
                if let Some(ann) =
                    new.spec_mut()["template"]["metadata"]["annotations"].as_object_mut()
                {
                    if let Some(v) = ann.remove("kubectl\u{1}kubernetes\u{1}io/restartedAt") {
                        ann.insert("kubectl.kubernetes.io/restartedAt".into(), v);
                    }
                }
                match api::update(sim, new, "kubectl") {
                    Ok(_) => lines.push(format!("{} restarted", ref_name(&key))),
                    Err(e) => {
                        failed = true;
                        lines.push(e.to_string());
                    }
                }
            }
            _ => {
                // pause/resume: only Deployments have spec.paused.
                let pause = sub == "pause";
                let verb = if pause { "pausing" } else { "resuming" };
                if key.kind != Kind::Deployment {
                    failed = true;
                    lines.push(format!(
                        "error: {} \"{}\" {verb} is not supported",
                        api::resource_word(key.kind),
                        key.name
                    ));
                    continue;
                }
                let Some(o) = sim.store.get_key(&key).cloned() else {
                    continue;
                };
                if o.spec().bool_at("paused").unwrap_or(false) == pause {
                    failed = true;
                    lines.push(format!(
                        "error: {} is {}",
                        ref_name(&key),
                        if pause {
                            "already paused"
                        } else {
                            "not paused"
                        }
                    ));
                    continue;
                }
                let mut new = o.clone();
                new.spec_mut()["paused"] = pause.into();
                match api::update(sim, new, "kubectl") {
                    Ok(_) => lines.push(format!(
                        "{} {}",
                        ref_name(&key),
                        if pause { "paused" } else { "resumed" }
                    )),
                    Err(e) => {
                        failed = true;
                        lines.push(e.to_string());
                    }
                }
            }
        }
    }
    finish(lines, failed)
}

// ---- nodes ---------------------------------------------------------------

fn set_unschedulable(sim: &mut Sim, name: &str, value: bool) -> Result<String, String> {
    let Some(n) = sim.store.get(Kind::Node, "", name).cloned() else {
        return Err(ApiError::not_found(Kind::Node, name).to_string());
    };
    let cur = n.spec().bool_at("unschedulable") == Some(true);
    let word = if value { "cordoned" } else { "uncordoned" };
    if cur == value {
        return Ok(format!("node/{name} already {word}"));
    }
    let mut new = n.clone();
    if value {
        new.spec_mut()["unschedulable"] = true.into();
    } else if let Some(m) = new.spec_mut().as_object_mut() {
        m.remove("unschedulable");
    }
    api::update(sim, new, "kubectl").map_err(|e| e.to_string())?;
    Ok(format!("node/{name} {word}"))
}

fn node_names(sim: &Sim, args: &Args) -> Result<Vec<String>, String> {
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
    let mut lines = Vec::new();
    let mut failed = false;
    for n in node_names(sim, args)? {
        match set_unschedulable(sim, &n, value) {
            Ok(l) => lines.push(l),
            Err(e) => {
                failed = true;
                lines.push(e);
            }
        }
    }
    finish(lines, failed)
}

/// `taint nodes NODE key[=value]:Effect ... [key[:Effect]-]`.
pub fn taint(sim: &mut Sim, args: &Args) -> Result<String, String> {
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
    let mut lines = Vec::new();
    let mut failed = false;
    for n in nodes {
        let Some(node) = sim.store.get(Kind::Node, "", &n).cloned() else {
            failed = true;
            lines.push(ApiError::not_found(Kind::Node, &n).to_string());
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
            failed = true;
            lines.push(e);
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
        match api::update(sim, new, "kubectl") {
            Ok(true) => lines.push(format!(
                "node/{n} {}",
                if removed_any && changes.iter().all(|c| c.3) {
                    "untainted"
                } else {
                    "tainted"
                }
            )),
            Ok(false) => lines.push(format!("node/{n} not tainted")),
            Err(e) => {
                failed = true;
                lines.push(e.to_string());
            }
        }
    }
    finish(lines, failed)
}

fn is_daemonset_pod(p: &Object) -> bool {
    p.meta
        .controller_ref()
        .is_some_and(|r| r.kind == "DaemonSet")
}

fn has_emptydir(p: &Object) -> bool {
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
        match set_unschedulable(sim, &node, true) {
            Ok(l) => lines.push(l),
            Err(e) => {
                lines.push(e);
                return finish(lines, true);
            }
        }
        match drain_node(sim, args, &node, bound, pod_sel.as_ref(), &mut lines) {
            Ok(()) => lines.push(format!("node/{node} drained")),
            Err(errs) => {
                let joined = if errs.len() == 1 {
                    errs[0].clone()
                } else {
                    format!("[{}]", errs.join(", "))
                };
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
enum Eviction {
    /// Not yet evicted; next attempt at this virtual time.
    Pending(u64),
    /// Evicted (or deleted); waiting for it to be gone.
    Evicted,
    Done,
}

/// Evicts one node's pods as kubectl's drainer does: refuse what the flags
/// do not allow, evict the rest concurrently, retry PodDisruptionBudget
/// refusals every 5 s, print each pod as it goes, until `--timeout`.
fn drain_node(
    sim: &mut Sim,
    args: &Args,
    node: &str,
    bound: u64,
    pod_sel: Option<&crate::sim::selector::Selector>,
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
    for p in &to_evict {
        lines.push(format!("evicting pod {}/{}", p.meta.namespace, p.meta.name));
    }
    let deadline = sim.now.saturating_add(bound);
    let grace = args
        .get("grace-period")
        .and_then(|g| g.parse::<i64>().ok())
        .filter(|g| *g >= 0);
    let use_delete = args.bool("disable-eviction");
    let mut state: Vec<Eviction> = to_evict
        .iter()
        .map(|_| Eviction::Pending(sim.now))
        .collect();
    let mut errs: Vec<String> = Vec::new();
    loop {
        // Attempts that are due.
        for (i, p) in to_evict.iter().enumerate() {
            let Eviction::Pending(at) = state[i] else {
                continue;
            };
            if at > sim.now {
                continue;
            }
            let key = p.key();
            let r = if use_delete || grace.is_some() {
                let opts = DeleteOptions {
                    grace_seconds: grace,
                    ..Default::default()
                };
                api::delete(sim, &key, opts, "kubectl")
            } else {
                api::evict(sim, &key, "kubectl")
            };
            state[i] = match r {
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
        // Evicted pods that are gone.
        for (i, p) in to_evict.iter().enumerate() {
            if matches!(state[i], Eviction::Evicted)
                && sim
                    .store
                    .get_key(&p.key())
                    .is_none_or(|o| o.meta.uid != p.meta.uid)
            {
                lines.push(format!("pod/{} evicted", p.meta.name));
                state[i] = Eviction::Done;
            }
        }
        if state.iter().all(|s| matches!(s, Eviction::Done)) {
            break;
        }
        if sim.now >= deadline {
            let d = go_duration(bound);
            let mut pending_pods = Vec::new();
            for (i, p) in to_evict.iter().enumerate() {
                match state[i] {
                    Eviction::Pending(_) => errs.push(format!(
                        "error when evicting pods/\"{}\" -n \"{}\": global timeout reached: {d}",
                        p.meta.name, p.meta.namespace
                    )),
                    Eviction::Evicted => errs.push(format!(
                        "error when waiting for pod \"{}\" in namespace \"{}\" to terminate: global timeout reached: {d}",
                        p.meta.name, p.meta.namespace
                    )),
                    Eviction::Done => continue,
                }
                pending_pods.push(p.meta.name.clone());
            }
            let joined = if errs.len() == 1 {
                errs[0].clone()
            } else {
                format!("[{}]", errs.join(", "))
            };
            lines.push(format!(
                "There are pending pods in node \"{node}\" when an error occurred: {joined}"
            ));
            for p in pending_pods {
                lines.push(format!("pod/{p}"));
            }
            return Err(errs);
        }
        // Run the cluster to the next retry, or until an evicted pod goes.
        let next_retry = state
            .iter()
            .filter_map(|s| match s {
                Eviction::Pending(t) => Some(*t),
                _ => None,
            })
            .min()
            .unwrap_or(deadline)
            .min(deadline);
        let watched: Vec<(Key, String)> = to_evict
            .iter()
            .zip(&state)
            .filter(|(_, s)| matches!(s, Eviction::Evicted))
            .map(|(p, _)| (p.key(), p.meta.uid.clone()))
            .collect();
        let span = next_retry.saturating_sub(sim.now);
        wait_until(sim, span, |s| {
            watched
                .iter()
                .any(|(k, uid)| s.store.get_key(k).is_none_or(|o| o.meta.uid != *uid))
        });
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}

/// Go's `time.Duration` string for whole milliseconds (`20s`, `2m0s`, `1h0m0s`).
fn go_duration(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let secs = ms / 1000;
    let frac = ms % 1000;
    let s = if frac == 0 {
        format!("{}s", secs % 60)
    } else {
        format!(
            "{}.{}s",
            secs % 60,
            format!("{frac:03}").trim_end_matches('0')
        )
    };
    let (h, m) = (secs / 3600, (secs / 60) % 60);
    if h > 0 {
        format!("{h}h{m}m{s}")
    } else if m > 0 {
        format!("{m}m{s}")
    } else {
        s
    }
}

// ---- exec, run, logs ---------------------------------------------------------

/// The container a command talks to: `-c`, else the default-container
/// annotation, else the first (with kubectl's "Defaulted container" note).
fn pick_container(pod: &Object, wanted: Option<&str>) -> Result<(String, Option<String>), String> {
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
        return Err(format!(
            "error: unable to upgrade connection: container not found (\"{w}\")"
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

fn container_running(pod: &Object, c: &str) -> bool {
    pod.status()
        .array_at("containerStatuses")
        .iter()
        .chain(pod.status().array_at("initContainerStatuses").iter())
        .any(|s| s.str_at("name") == Some(c) && s.at("state.running").is_object())
}

fn is_shell(argv: &[String]) -> bool {
    argv.len() == 1
        && matches!(
            argv[0].as_str(),
            "sh" | "bash" | "/bin/sh" | "/bin/bash" | "ash" | "/bin/ash"
        )
}

const SHELL_NOTE: &str = "(Ordinal: interactive shells are not simulated; run one command at a time, e.g. kubectl exec POD -- hostname)";

/// Runs argv in a pod as `kubectl exec` does, with its error texts.
/// How a process is attached: `-i` (with what stdin holds, if the face
/// gave any), `-t`.
pub(crate) struct Io {
    pub stdin: bool,
    pub tty: bool,
    pub input: Option<String>,
}

impl Io {
    fn from_args(args: &Args, files: &[(String, String)]) -> Io {
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

    fn run(&self, sim: &mut Sim, key: &Key, container: &str, argv: &[String]) -> apps::ExecResult {
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

fn exec_in(
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
    if !container_running(&pod, &c) {
        if phase == "Pending" && pod.spec().str_at("nodeName").is_none() {
            return Err(format!(
                "{out}error: unable to upgrade connection: pod does not exist"
            ));
        }
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

fn resolve_pod(sim: &Sim, word: &str, ns: &str) -> Result<Key, String> {
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
        return Ok(include_str!("help/run.txt").to_string());
    }
    // cobra checks required flags before the command looks at its arguments.
    let Some(image) = args.get("image") else {
        return Err("error: required flag(s) \"image\" not set".into());
    };
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
    let dry = super::create::dry_run(args)?;
    if dry != "none" {
        if attach {
            return Err("error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)".into());
        }
        if let Some(o) = args.get("output") {
            if !matches!(o, "yaml" | "json" | "name") && !o.starts_with("jsonpath=") {
                return Err(format!("error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml"));
            }
        }
        return super::create::print_or_create(sim, v, dry, args.get("output"), &ns);
    }
    v["metadata"]["namespace"] = ns.clone().into();
    let pod = Object::from_value(&v).map_err(|e| format!("error: {e}"))?;
    let key = pod.key();
    if let Err(e) = api::create(sim, pod, "kubectl") {
        return Err(e.to_string());
    }
    if !attach {
        return Ok(format!("pod/{name} created\n"));
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
fn log_lines(sim: &Sim, pod: &Object, container: &str, started: u64) -> Vec<String> {
    if let Some(l) = sim
        .container_data
        .get(&pod.meta.uid)
        .and_then(|d| d.get(&format!("log:{container}")))
    {
        return l.lines().map(String::from).collect();
    }
    let image = pod
        .spec()
        .array_at("containers")
        .iter()
        .chain(pod.spec().array_at("initContainers").iter())
        .find(|c| c.str_at("name") == Some(container))
        .and_then(|c| c.str_at("image"))
        .unwrap_or("")
        .to_string();
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
    } else if image.contains("mysql") || image.contains("xtrabackup") {
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
    let Some(target) = args.positional.first() else {
        return Err("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples".into());
    };
    let key = resolve_pod(sim, target, &ns)?;
    let Some(pod) = sim.store.get_key(&key).cloned() else {
        return Err(ApiError::not_found(Kind::Pod, &key.name).to_string());
    };
    let wanted = args
        .get("container")
        .or(args.positional.get(1).map(String::as_str));
    let (c, note) = pick_container(&pod, wanted).map_err(|_| {
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
    let mut lines = log_lines(sim, &pod, &c, started);
    if let Some(n) = args.get("tail").and_then(|t| t.parse::<i64>().ok()) {
        if n >= 0 && (n as usize) < lines.len() {
            lines = lines.split_off(lines.len() - n as usize);
        }
    }
    for l in lines {
        if args.bool("timestamps") {
            out.push_str(&format!("{} ", rfc3339(started)));
        }
        out.push_str(&l);
        out.push('\n');
    }
    Ok(out)
}

// ---- wait ---------------------------------------------------------------

pub fn wait(sim: &mut Sim, args: &Args) -> Result<String, String> {
    let ns = namespace(args);
    let Some(cond) = args.get("for") else {
        return Err("error: --for must be specified".into());
    };
    let timeout = match args.get("timeout") {
        Some(t) => parse_duration_ms(t).ok_or_else(|| format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""))?,
        None => 30_000,
    };
    let targets = resources::parse_targets(&args.positional)?;
    let sel = selector(args)?;
    let keys = super::select_keys(
        sim,
        &targets,
        &ns,
        args.bool("all-namespaces"),
        sel.as_ref(),
    );
    if keys.is_empty() {
        return Err("error: no matching resources found".into());
    }
    #[derive(Clone)]
    enum For {
        Delete,
        Condition(String, String),
        JsonPath(String, Option<String>),
    }
    let f = if cond == "delete" {
        For::Delete
    } else if let Some(c) = cond.strip_prefix("condition=") {
        let (n, v) = c.split_once('=').unwrap_or((c, "true"));
        For::Condition(n.to_string(), v.to_string())
    } else if let Some(j) = cond.strip_prefix("jsonpath=") {
        // `{.status.phase}=Running`
        match j.rfind("}=") {
            Some(i) => For::JsonPath(j[..=i].to_string(), Some(j[i + 2..].to_string())),
            None => For::JsonPath(j.to_string(), None),
        }
    } else {
        return Err(format!("error: unrecognized condition: \"{cond}\""));
    };
    let mut lines = Vec::new();
    let mut failed = false;
    for k in keys {
        let key = match k {
            Ok(k) => k,
            Err(e) => {
                failed = true;
                lines.push(e);
                continue;
            }
        };
        let uid = sim
            .store
            .get_key(&key)
            .map(|o| o.meta.uid.clone())
            .unwrap_or_default();
        let fc = f.clone();
        let met = wait_until(sim, timeout, |s| {
            let o = s.store.get_key(&key).filter(|o| o.meta.uid == uid);
            match &fc {
                For::Delete => o.is_none(),
                For::Condition(n, v) => o.is_some_and(|o| {
                    o.status().array_at("conditions").iter().any(|c| {
                        c.str_at("type").is_some_and(|t| t.eq_ignore_ascii_case(n))
                            && c.str_at("status")
                                .is_some_and(|s| s.eq_ignore_ascii_case(v))
                    })
                }),
                For::JsonPath(p, v) => o.is_some_and(|o| {
                    let got = super::jsonpath::render(p, &o.to_value()).unwrap_or_default();
                    match v {
                        Some(v) => got == *v,
                        None => !got.is_empty(),
                    }
                }),
            }
        });
        let word = resources::kind_word(key.kind);
        let word = word.split('.').next().unwrap_or("");
        if met {
            lines.push(format!("{} condition met", ref_name(&key)));
        } else {
            failed = true;
            lines.push(format!(
                "error: timed out waiting for the condition on {word}s/{}",
                key.name
            ));
        }
    }
    finish(lines, failed)
}

// ---- informational ---------------------------------------------------------

pub fn version(sim: &mut Sim, args: &Args) -> Result<String, String> {
    let v = crate::sim::KUBERNETES_VERSION;
    let client = args.bool("client");
    match args.get("output") {
        Some("json") | Some("yaml") => {
            let mut val = json!({
                "clientVersion": {"major": "1", "minor": "31", "gitVersion": v, "platform": "wasm/ordinal"},
                "kustomizeVersion": "v5.4.2",
            });
            if !client {
                val["serverVersion"] = json!({"major": "1", "minor": "31", "gitVersion": v, "platform": "linux/amd64"});
            }
            if args.get("output") == Some("json") {
                Ok(format!("{}\n", super::get::to_json(&val)))
            } else {
                Ok(super::get::to_yaml(&val))
            }
        }
        Some(o) => Err(format!(
            "error: --output must be 'yaml' or 'json', not \"{o}\""
        )),
        None => {
            let mut s = format!("Client Version: {v}\nKustomize Version: v5.4.2\n");
            if !client {
                s.push_str(&format!("Server Version: {v}\n"));
                // Not kubectl's: a cluster's gates show only in its flags
                // and /metrics. Printed only when some gate is not v1.31's
                // default, so a default cluster's output is kubectl's.
                let gates = sim.config.feature_gates.non_default();
                if !gates.is_empty() {
                    s.push_str(&format!(
                        "Feature Gates: {} (away from v1.31's defaults; a line Ordinal adds)\n",
                        gates.join(",")
                    ));
                }
            }
            Ok(s)
        }
    }
}

pub fn cluster_info() -> String {
    "Kubernetes control plane is running at https://127.0.0.1:6443\n\
CoreDNS is running at https://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\n\
To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
        .to_string()
}

pub fn api_resources(args: &Args) -> Result<String, String> {
    let mut entries: Vec<(String, String, String, bool, String)> = Vec::new();
    for k in Kind::ALL {
        entries.push((
            k.plural().to_string(),
            resources::short_names(k).join(","),
            k.api_version().to_string(),
            k.namespaced(),
            k.as_str().to_string(),
        ));
    }
    entries.push((
        "events".into(),
        "ev".into(),
        "v1".into(),
        true,
        "Event".into(),
    ));
    let group_rank = |v: &str| match v {
        "v1" => 0,
        "apps/v1" => 1,
        "policy/v1" => 2,
        _ => 3,
    };
    entries.sort_by(|a, b| (group_rank(&a.2), &a.0).cmp(&(group_rank(&b.2), &b.0)));
    if let Some(g) = args.get("api-group") {
        entries.retain(|e| e.2.split_once('/').map_or("", |x| x.0) == g);
    }
    if let Some(n) = args.get("namespaced") {
        let want = n != "false";
        entries.retain(|e| e.3 == want);
    }
    if args.get("output") == Some("name") {
        return Ok(entries
            .iter()
            .map(|e| match e.2.split_once('/') {
                Some((g, _)) => format!("{}.{g}\n", e.0),
                None => format!("{}\n", e.0),
            })
            .collect());
    }
    let mut rows = Vec::new();
    if !args.bool("no-headers") {
        rows.push(vec![
            "NAME".into(),
            "SHORTNAMES".into(),
            "APIVERSION".into(),
            "NAMESPACED".into(),
            "KIND".into(),
        ]);
    }
    for e in entries {
        rows.push(vec![e.0, e.1, e.2, e.3.to_string(), e.4]);
    }
    Ok(tabulate(&rows))
}

pub fn api_versions() -> String {
    "apps/v1\npolicy/v1\nstorage.k8s.io/v1\nv1\n".into()
}

/// Short field documentation for `kubectl explain`.
const EXPLAIN: &[(&str, &str, &str)] = &[
    ("pod", "<Object>", "Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts."),
    ("pod.spec", "<PodSpec>", "Specification of the desired behavior of the pod."),
    ("pod.spec.containers", "<[]Container> -required-", "List of containers belonging to the pod. Containers cannot currently be added or removed."),
    ("pod.spec.initContainers", "<[]Container>", "List of initialization containers belonging to the pod. Init containers are executed in order prior to containers being started."),
    ("pod.spec.terminationGracePeriodSeconds", "<integer>", "Optional duration in seconds the pod needs to terminate gracefully. Defaults to 30 seconds."),
    ("pod.spec.nodeName", "<string>", "NodeName indicates in which node this pod is scheduled."),
    ("pod.spec.hostname", "<string>", "Specifies the hostname of the Pod. If not specified, the pod's hostname will be set to a system-defined value."),
    ("pod.spec.subdomain", "<string>", "If specified, the fully qualified Pod hostname will be \"<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>\"."),
    ("pod.spec.volumes", "<[]Volume>", "List of volumes that can be mounted by containers belonging to the pod."),
    ("pod.status", "<PodStatus>", "Most recently observed status of the pod."),
    ("statefulset", "<Object>", "StatefulSet represents a set of pods with consistent identities. Identities are defined as: network (a single stable DNS and hostname) and storage (as many VolumeClaims as requested)."),
    ("statefulset.spec", "<StatefulSetSpec>", "Spec defines the desired identities of pods in this set."),
    ("statefulset.spec.replicas", "<integer>", "replicas is the desired number of replicas of the given Template. Defaults to 1."),
    ("statefulset.spec.serviceName", "<string>", "serviceName is the name of the service that governs this StatefulSet. This service must exist before the StatefulSet, and is responsible for the network identity of the set."),
    ("statefulset.spec.selector", "<LabelSelector> -required-", "selector is a label query over pods that should match the replica count. It must match the pod template's labels."),
    ("statefulset.spec.template", "<PodTemplateSpec> -required-", "template is the object that describes the pod that will be created if insufficient replicas are detected."),
    ("statefulset.spec.volumeClaimTemplates", "<[]PersistentVolumeClaim>", "volumeClaimTemplates is a list of claims that pods are allowed to reference. Every claim in this list must have at least one matching (by name) volumeMount in one container in the template."),
    ("statefulset.spec.podManagementPolicy", "<string>", "podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down. OrderedReady (default) or Parallel."),
    ("statefulset.spec.updateStrategy", "<StatefulSetUpdateStrategy>", "updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template. RollingUpdate (default) or OnDelete."),
    ("statefulset.spec.updateStrategy.rollingUpdate.partition", "<integer>", "Partition indicates the ordinal at which the StatefulSet should be partitioned for updates. Pods with an ordinal greater or equal to the partition are updated. Default value is 0."),
    ("statefulset.spec.minReadySeconds", "<integer>", "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing for it to be considered available. Defaults to 0."),
    ("statefulset.spec.persistentVolumeClaimRetentionPolicy", "<StatefulSetPersistentVolumeClaimRetentionPolicy>", "persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates. By default, all persistent volume claims are retained (Retain)."),
    ("statefulset.status", "<StatefulSetStatus>", "Status is the current status of Pods in this StatefulSet."),
    ("service", "<Object>", "Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy."),
    ("service.spec.clusterIP", "<string>", "clusterIP is the IP address of the service. \"None\" makes a headless service: DNS returns the pods' addresses directly."),
    ("service.spec.selector", "<map[string]string>", "Route service traffic to pods with label keys and values matching this selector."),
    ("service.spec.publishNotReadyAddresses", "<boolean>", "publishNotReadyAddresses indicates that any agent which deals with endpoints for this Service should disregard any indications of ready/not-ready."),
    ("persistentvolumeclaim", "<Object>", "PersistentVolumeClaim is a user's request for and claim to a persistent volume."),
    ("persistentvolumeclaim.spec.storageClassName", "<string>", "storageClassName is the name of the StorageClass required by the claim."),
    ("persistentvolumeclaim.spec.accessModes", "<[]string>", "accessModes contains the desired access modes the volume should have."),
    ("persistentvolumeclaim.spec.volumeName", "<string>", "volumeName is the binding reference to the PersistentVolume backing this claim."),
    ("persistentvolume", "<Object>", "PersistentVolume (PV) is a storage resource provisioned by an administrator. It is analogous to a node."),
    ("persistentvolume.spec.persistentVolumeReclaimPolicy", "<string>", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Retain, Delete (default for dynamically provisioned volumes) or Recycle."),
    ("persistentvolume.spec.claimRef", "<ObjectReference>", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
    ("poddisruptionbudget", "<Object>", "PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods."),
    ("poddisruptionbudget.spec.minAvailable", "<IntOrString>", "An eviction is allowed if at least \"minAvailable\" pods selected by \"selector\" will still be available after the eviction."),
    ("poddisruptionbudget.spec.maxUnavailable", "<IntOrString>", "An eviction is allowed if at most \"maxUnavailable\" pods selected by \"selector\" are unavailable after the eviction."),
    ("node", "<Object>", "Node is a worker node in Kubernetes."),
    ("node.spec.unschedulable", "<boolean>", "Unschedulable controls node schedulability of new pods. By default, node is schedulable."),
];

pub fn explain(args: &Args) -> Result<String, String> {
    let Some(path) = args.positional.first() else {
        return Err("You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.".into());
    };
    let (res, rest) = match path.split_once('.') {
        Some((r, f)) => (r, Some(f)),
        None => (path.as_str(), None),
    };
    let Some(Resource::Kind(kind)) = resources::resolve(res) else {
        return Err(resources::unknown_type(res));
    };
    let base = resources::singular(kind);
    let full = match rest {
        Some(r) => format!("{base}.{r}"),
        None => base.clone(),
    };
    let (group, version) = match kind.api_version().split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), kind.api_version().to_string()),
    };
    let mut out = if group.is_empty() {
        format!("KIND:       {}\nVERSION:    {version}\n\n", kind)
    } else {
        format!(
            "GROUP:      {group}\nKIND:       {}\nVERSION:    {version}\n\n",
            kind
        )
    };
    let entry = EXPLAIN
        .iter()
        .find(|(p, _, _)| p.eq_ignore_ascii_case(&full));
    match (entry, rest) {
        (Some((_, ty, doc)), Some(r)) => {
            out.push_str(&format!(
                "FIELD: {} {ty}\n\nDESCRIPTION:\n    {doc}\n",
                r.rsplit('.').next().unwrap_or(r)
            ));
        }
        (Some((_, _, doc)), None) => {
            out.push_str(&format!("DESCRIPTION:\n    {doc}\n\nFIELDS:\n  apiVersion\t<string>\n  kind\t<string>\n  metadata\t<ObjectMeta>\n  spec\t<Object>\n  status\t<Object>\n"));
        }
        (None, None) => {
            out.push_str(&format!("DESCRIPTION:\n    {} (see https://kubernetes.io/docs/reference/kubernetes-api/)\n\nFIELDS:\n  apiVersion\t<string>\n  kind\t<string>\n  metadata\t<ObjectMeta>\n", kind));
        }
        (None, Some(r)) => {
            // Nested fields Ordinal has no note for: list what it knows below.
            let prefix = format!("{full}.");
            let children: Vec<&str> = EXPLAIN
                .iter()
                .filter_map(|(p, _, _)| p.strip_prefix(prefix.as_str()))
                .filter(|c| !c.contains('.'))
                .collect();
            if children.is_empty() {
                return Err(format!(
                    "error: field \"{}\" does not exist",
                    r.rsplit('.').next().unwrap_or(r)
                ));
            }
            out.push_str(&format!("FIELD: {r}\n\nFIELDS:\n"));
            for c in children {
                out.push_str(&format!("  {c}\n"));
            }
        }
    }
    Ok(super::printers::tabwrite(&out, 0, 2))
}

pub fn config(rest: &[String]) -> Result<String, String> {
    match rest.first().map(String::as_str) {
        Some("view") => Ok("apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://127.0.0.1:6443\n  name: ordinal\ncontexts:\n- context:\n    cluster: ordinal\n    user: ordinal-admin\n  name: ordinal\ncurrent-context: ordinal\nkind: Config\npreferences: {}\nusers:\n- name: ordinal-admin\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n".into()),
        Some("current-context") => Ok("ordinal\n".into()),
        Some("get-contexts") => Ok(tabulate(&[
            vec!["CURRENT".into(), "NAME".into(), "CLUSTER".into(), "AUTHINFO".into(), "NAMESPACE".into()],
            vec!["*".into(), "ordinal".into(), "ordinal".into(), "ordinal-admin".into(), "".into()],
        ])),
        Some(other) => Err(format!(
            "error: kubectl config {other} is not simulated: Ordinal has a single cluster and context (\"ordinal\")"
        )),
        None => Err("error: Required subcommand not specified. Available: current-context, get-contexts, view".into()),
    }
}

pub fn top(_sim: &mut Sim, _args: &Args) -> Result<String, String> {
    Err("error: Metrics API not available".into())
}

#[cfg(test)]
mod tests {
    use super::go_duration;

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(500), "500ms");
        assert_eq!(go_duration(20_000), "20s");
        assert_eq!(go_duration(120_000), "2m0s");
        assert_eq!(go_duration(90_000), "1m30s");
        assert_eq!(go_duration(1_500), "1.5s");
        assert_eq!(go_duration(3_600_000), "1h0m0s");
    }
}
