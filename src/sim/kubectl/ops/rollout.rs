//! `kubectl rollout` (status, history, undo, restart, pause, resume), as
//! upstream's `pkg/cmd/rollout` and `polymorphichelpers` status viewers.

use super::*;

pub(super) fn sts_status(o: &Object) -> Result<(String, bool), String> {
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

pub(super) fn deploy_status(o: &Object) -> Result<(String, bool), String> {
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

pub(super) fn ds_status(o: &Object) -> Result<(String, bool), String> {
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

pub(super) fn rollout_status_of(o: &Object) -> Result<(String, bool), String> {
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
    // Only `undo` adds `--dry-run` to rollout's flags (AddDryRunFlag).
    let flags = if sub == "undo" {
        "rollout undo"
    } else {
        "rollout"
    };
    let args = parse_args(&rest[1..], flags, &usage)?;
    let dry = if sub == "undo" {
        crate::sim::kubectl::create::dry_run(&args)?
    } else {
        "none"
    };
    let ns = namespace(&args);
    if !matches!(
        sub.as_str(),
        "status" | "history" | "undo" | "restart" | "pause" | "resume"
    ) {
        let words: Vec<String> = std::iter::once(sub.clone())
            .chain(args.positional.iter().cloned())
            .collect();
        return Err(crate::sim::kubectl::unknown_subcommand("rollout", &words));
    }
    let targets = resources::parse_targets(&args.positional)?;
    let sel = selector(&args)?;
    if targets.groups.is_empty() {
        return Err(format!("error: required resource not specified\nSee 'kubectl {usage} -h' for help and examples"));
    }
    let what = match sub.as_str() {
        "status" => "status viewer",
        "history" => "history viewer",
        "undo" => "rollbacker",
        _ => "restarter",
    };
    let keys = crate::sim::kubectl::select_keys_of(
        sim,
        &targets,
        &ns,
        sel.as_ref(),
        &[Kind::StatefulSet, Kind::Deployment, Kind::DaemonSet],
        what,
    );
    let mut out = Report::default();
    for k in keys {
        let Some(key) = out.key(k) else {
            continue;
        };
        match sub.as_str() {
            "status" => {
                let bound = args
                    .get("timeout")
                    .and_then(parse_duration_ms)
                    .filter(|t| *t > 0)
                    .unwrap_or(DEFAULT_BLOCK_MS);
                let watch = args.get("watch").is_none_or(|w| w != "false");
                // `rollout status` prints the viewer's line for every watch
                // event of the object (`UntilWithSync`: the list's Added,
                // then each Modified), repeats included; here once per
                // step that changed it, seen by its resourceVersion.
                let mut last_rv = None;
                let mut err = None;
                let mut printed: Vec<String> = Vec::new();
                let done = wait_until(sim, if watch { bound } else { 0 }, |s| {
                    let Some(o) = s.store.get_key(&key) else {
                        err = Some(ApiError::not_found(key.kind, &key.name).to_string());
                        return true;
                    };
                    match rollout_status_of(o) {
                        Ok((msg, done)) => {
                            if last_rv != Some(o.resource_version) {
                                printed.push(msg);
                                last_rv = Some(o.resource_version);
                            }
                            // `--watch=false`: the first line only.
                            done || !watch
                        }
                        Err(e) => {
                            err = Some(e);
                            true
                        }
                    }
                });
                out.lines.extend(printed);
                if let Some(e) = err {
                    out.fail(e);
                } else if !done && watch {
                    out.fail("error: timed out waiting for the condition".into());
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
                            out.fail(format!("error: invalid argument \"{r}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{r}\": invalid syntax\nSee 'kubectl rollout history --help' for usage."));
                            continue;
                        }
                    },
                };
                match crate::sim::kubectl::history::view_history(sim, &o, revision) {
                    // The name printer: `KIND/NAME OPERATION\n`.
                    Ok(text) => {
                        let with = if revision > 0 {
                            format!("with revision #{revision}")
                        } else {
                            String::new()
                        };
                        out.push(format!("{} {with}\n{text}\n", ref_name(&key)));
                    }
                    Err(e) => {
                        out.fail(e);
                    }
                }
            }
            "undo" => {
                let Some(o) = sim.store.get_key(&key).cloned() else {
                    continue;
                };
                let revs = crate::sim::kubectl::history::history(sim, &o);
                let target = match args.get("to-revision").and_then(|r| r.parse::<i64>().ok()) {
                    Some(0) | None => {
                        if revs.len() < 2 {
                            // The Deployment rollbacker looks for a previous
                            // ReplicaSet; the StatefulSet and DaemonSet ones
                            // for a previous ControllerRevision.
                            out.fail(if key.kind == Kind::Deployment {
                                format!(
                                    "error: no rollout history found for deployment \"{}\"",
                                    key.name
                                )
                            } else {
                                "error: no last revision to roll back to".into()
                            });
                            continue;
                        }
                        revs[revs.len() - 2].clone()
                    }
                    Some(n) => match revs.iter().find(|(r, _, _)| *r == n) {
                        Some(r) => r.clone(),
                        None => {
                            out.fail(format!(
                                "error: unable to find specified revision {n} in history"
                            ));
                            continue;
                        }
                    },
                };
                let (target_rev, mut tmpl, _) = target;
                if tmpl.is_null() {
                    out.fail("error: the revision holds no pod template".into());
                    continue;
                }
                let suffix = crate::sim::kubectl::output::dry_run_suffix(dry);
                // A client dry run describes the template it would restore
                // and checks nothing more (not even a paused Deployment):
                // the StatefulSet and DaemonSet rollbackers' printPodTemplate
                // says "will roll back to", the Deployment one's printTemplate
                // prints the ReplicaSet's template, pod-template-hash and all.
                if dry == "client" {
                    let will = if key.kind == Kind::Deployment {
                        ""
                    } else {
                        "will roll back to "
                    };
                    let text = crate::sim::kubectl::history::describe_pod_template(&tmpl);
                    out.push(format!("{} {will}{text}{suffix}", ref_name(&key)));
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
                    out.push(format!(
                        "{} skipped rollback (current template already matches revision {target_rev}){suffix}",
                        ref_name(&key),
                    ));
                    continue;
                }
                let mut new = o.clone();
                new.spec_mut()["template"] = tmpl;
                // A server dry run: the API server checks the patch and keeps
                // nothing (here, on a scratch copy of the cluster).
                let mut scratch;
                let target = if dry == "server" {
                    scratch = sim.clone();
                    &mut scratch
                } else {
                    &mut *sim
                };
                match api::update(target, new, "kubectl") {
                    Ok(_) => out.push(format!("{} rolled back{suffix}", ref_name(&key))),
                    Err(e) => {
                        out.fail(e.to_string());
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
                    Ok(_) => out.push(format!("{} restarted", ref_name(&key))),
                    Err(e) => {
                        out.fail(e.to_string());
                    }
                }
            }
            _ => {
                // pause/resume: only Deployments have spec.paused.
                let pause = sub == "pause";
                let verb = if pause { "pausing" } else { "resuming" };
                if key.kind != Kind::Deployment {
                    out.fail(format!(
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
                    out.fail(format!(
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
                    Ok(_) => out.push(format!(
                        "{} {}",
                        ref_name(&key),
                        if pause { "paused" } else { "resumed" }
                    )),
                    Err(e) => {
                        out.fail(e.to_string());
                    }
                }
            }
        }
    }
    out.finish()
}
