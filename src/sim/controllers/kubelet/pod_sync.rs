//! The kubelet's pod sync (upstream `kubelet.go` `SyncPod` and the
//! `kuberuntime` manager): one pod's timeline from admission through image
//! pulls, init and app containers, restarts and termination.

use super::*;
use std::borrow::Cow;

/// What a missing volume source says (`MountVolume.SetUp failed ...`), if any.
pub(super) fn missing_volume(ctx: &Ctx, pod: &Object) -> Option<String> {
    let ns = pod.namespace();
    let store = ctx.store;
    for v in pod.spec().array_at("volumes") {
        let name = v.str_at("name").unwrap_or("");
        let mut sources: Vec<&Value> = vec![v];
        sources.extend(v.array_at("projected.sources"));
        for s in sources {
            for (field, kind, word) in [
                ("configMap", Kind::ConfigMap, "configmap"),
                ("secret", Kind::Secret, "secret"),
            ] {
                let src = s.at(field);
                if src.is_null() || src.bool_at("optional") == Some(true) {
                    continue;
                }
                let Some(obj) = src.str_at("name").or_else(|| src.str_at("secretName")) else {
                    continue;
                };
                if store.get(kind, ns, obj).is_none() {
                    return Some(format!(
                        "MountVolume.SetUp failed for volume \"{name}\" : {word} \"{obj}\" not found"
                    ));
                }
            }
        }
        if let Some(claim) = v.str_at("persistentVolumeClaim.claimName") {
            let bound = store
                .get(Kind::PersistentVolumeClaim, ns, claim)
                .is_some_and(|c| c.status().str_at("phase") == Some("Bound"));
            if !bound {
                return Some(format!(
                    "Unable to attach or mount volumes: unmounted volumes=[{name}], unattached volumes=[{name}]: timed out waiting for the condition"
                ));
            }
        }
    }
    None
}

/// A container's `env`/`envFrom` references that do not resolve
/// (`CreateContainerConfigError`).
pub(super) fn missing_config(ctx: &Ctx, pod: &Object, c: &Value) -> Option<String> {
    let ns = pod.namespace();
    let store = ctx.store;
    for e in c.array_at("envFrom") {
        for (field, kind, word) in [
            ("configMapRef", Kind::ConfigMap, "configmap"),
            ("secretRef", Kind::Secret, "secret"),
        ] {
            let r = e.at(field);
            if r.is_null() || r.bool_at("optional") == Some(true) {
                continue;
            }
            let name = r.str_at("name").unwrap_or("");
            if store.get(kind, ns, name).is_none() {
                return Some(format!("{word} \"{name}\" not found"));
            }
        }
    }
    for e in c.array_at("env") {
        for (field, kind, word, title, data) in [
            (
                "valueFrom.configMapKeyRef",
                Kind::ConfigMap,
                "configmap",
                "ConfigMap",
                "data",
            ),
            (
                "valueFrom.secretKeyRef",
                Kind::Secret,
                "secret",
                "Secret",
                "data",
            ),
        ] {
            let r = e.at(field);
            if r.is_null() || r.bool_at("optional") == Some(true) {
                continue;
            }
            let name = r.str_at("name").unwrap_or("");
            let key = r.str_at("key").unwrap_or("");
            match store.get(kind, ns, name) {
                None => return Some(format!("{word} \"{name}\" not found")),
                Some(o) => {
                    // Keys may hold dots (`jvm.heap`): look them up whole.
                    let in_field = |f: &str| o.field(f).get(key).is_some();
                    let has = in_field(data)
                        || (kind == Kind::Secret && in_field("stringData"))
                        || (kind == Kind::ConfigMap && in_field("binaryData"));
                    if !has {
                        return Some(format!("couldn't find key {key} in {title} {ns}/{name}"));
                    }
                }
            }
        }
    }
    None
}

pub(super) fn container_status(c: &Value, state: Value) -> Value {
    json!({
        "name": c.str_at("name").unwrap_or(""),
        "image": c.str_at("image").unwrap_or(""),
        "imageID": "",
        "lastState": {},
        "ready": false,
        "restartCount": 0,
        "started": false,
        "state": state,
    })
}

pub(super) fn waiting(reason: &str) -> Value {
    json!({"waiting": {"reason": reason}})
}

/// Whether the container runs its image's default command and that is a
/// shell (busybox's `CMD ["sh"]`, alpine's `/bin/sh`, ubuntu's and
/// debian's `bash`) with no stdin or TTY held open: the shell reads end of
/// input and exits 0 at once, as `kubectl run x --image=busybox` shows
/// upstream (Completed, then CrashLoopBackOff under `restartPolicy:
/// Always`). Other images' defaults are taken to be servers that stay up.
pub(super) fn default_shell_exits(c: &Value) -> bool {
    if !c.array_at("command").is_empty()
        || !c.array_at("args").is_empty()
        || c.bool_at("stdin") == Some(true)
        || c.bool_at("tty") == Some(true)
    {
        return false;
    }
    let image = c.str_at("image").unwrap_or("");
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rsplit('/').next().unwrap_or(image);
    let repo = last.split(':').next().unwrap_or(last);
    matches!(repo, "busybox" | "alpine" | "ubuntu" | "debian")
}

/// How long a finishing container runs: a default shell (any restart
/// policy, see [`default_shell_exits`]), else only for pods that are
/// allowed to finish. Ordinal's simplification: a command under `Always`
/// is taken to run until stopped.
pub(super) fn finite_run_ms(ctx: &Ctx, pod: &Object, c: &Value) -> Option<u64> {
    if default_shell_exits(c) {
        return Some(0);
    }
    if pod.spec().str_at("restartPolicy").unwrap_or("Always") == "Always" {
        return None;
    }
    let argv: Vec<&str> = c
        .array_at("command")
        .iter()
        .chain(c.array_at("args"))
        .filter_map(|a| a.as_str())
        .collect();
    if argv.is_empty() {
        return None;
    }
    let line = argv.join(" ");
    if line.contains("infinity") || line.contains("tail -f") || line.contains("while true") {
        return None;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    if let Some(i) = words.iter().position(|w| *w == "sleep") {
        if let Some(n) = words
            .get(i + 1)
            .and_then(|n| n.trim_end_matches(';').parse::<f64>().ok())
        {
            return Some(secs_ms(n.ceil() as i64));
        }
    }
    Some(ctx.config.timings.container_start_ms)
}

/// Seconds from a manifest as milliseconds, clamped so no input overflows
/// the clock (a year is plenty for a playground).
pub(super) fn secs_ms(s: i64) -> u64 {
    (s.clamp(0, 365 * 24 * 3600) as u64) * 1000
}

/// A running pod whose containers all run and are ready, with no fault on
/// its readiness and nothing timed ahead (no finishing command, no liveness
/// probe that fails before the process answers): nothing can change until
/// the store or the faults do, so the sync skips it without building a status.
pub(super) fn steady(ctx: &Ctx, pod: &Object) -> bool {
    let st = pod.status();
    if st.str_at("phase") != Some("Running") || ctx.faults.unready_pods.contains(&pod.meta.uid) {
        return false;
    }
    let conds = st.array_at("conditions");
    let all_true = [
        "PodReadyToStartContainers",
        "Initialized",
        "ContainersReady",
        "Ready",
    ]
    .iter()
    .all(|t| {
        conds
            .iter()
            .any(|c| c.str_at("type") == Some(t) && c.str_at("status") == Some("True"))
    });
    if !all_true {
        return false;
    }
    let mains = pod.spec().array_at("containers");
    let statuses = st.array_at("containerStatuses");
    if statuses.len() != mains.len() {
        return false;
    }
    mains.iter().zip(statuses).all(|(c, s)| {
        s.bool_at("ready") == Some(true)
            && !s.at("state.running").is_null()
            && finite_run_ms(ctx, pod, c).is_none()
            && Probe::of(c.at("livenessProbe")).is_none_or(|lp| {
                lp.tick_at_or_after(0, 0) + (lp.failure - 1) * lp.period
                    >= ctx.config.timings.container_start_ms
            })
    })
}

/// One pod's sync: advance its timeline to `ctx.now`.
pub(super) fn sync_pod(ctx: &Ctx, out: &mut Out, pod: &Object, node: &Object, nc: &mut NodeCtx) {
    if podutil::is_succeeded(pod) || podutil::is_failed(pod) || steady(ctx, pod) {
        return;
    }
    let now = ctx.now;
    let uid = pod.meta.uid.clone();
    let timing = Timing { ctx, uid: &uid };
    let mut p = pod.clone();
    let mut events: Vec<(bool, &'static str, String)> = Vec::new();
    let spec = pod.spec();
    let inits: &[Value] = spec.array_at("initContainers");
    let mains: &[Value] = spec.array_at("containers");
    let restart_policy = spec.str_at("restartPolicy").unwrap_or("Always").to_string();

    // First sight. This pass then makes the containers' statuses; else
    // each is as stored until its own step below writes it.
    let first_sight = p.status().at("startTime").is_null();
    if first_sight {
        let default_state = if inits.is_empty() {
            "ContainerCreating"
        } else {
            "PodInitializing"
        };
        let hip = host_ip(node);
        let st = p.status_mut();
        st["phase"] = "Pending".into();
        st["hostIP"] = hip.clone().into();
        st["hostIPs"] = json!([{"ip": hip}]);
        st["startTime"] = rfc3339(now).into();
        st["qosClass"] = podutil::get_pod_qos(pod).into();
        if !inits.is_empty() {
            st["initContainerStatuses"] = Value::Array(
                inits
                    .iter()
                    .map(|c| container_status(c, waiting("PodInitializing")))
                    .collect(),
            );
        }
        st["containerStatuses"] = Value::Array(
            mains
                .iter()
                .map(|c| container_status(c, waiting(default_state)))
                .collect(),
        );
        set_pod_condition(
            &mut p,
            "PodReadyToStartContainers",
            "False",
            None,
            None,
            now,
        );
        // A pod bound by hand (spec.nodeName in the manifest) never met the
        // scheduler; the kubelet reports it scheduled.
        if podutil::condition(&p, "PodScheduled").is_none() {
            set_pod_condition(&mut p, "PodScheduled", "True", None, None, now);
        }
    }

    // Volumes, then the sandbox.
    let sandbox_ready = podutil::condition(&p, "PodReadyToStartContainers")
        .is_some_and(|c| c.str_at("status") == Some("True"));
    if !sandbox_ready {
        if let Some(msg) = missing_volume(ctx, pod) {
            events.push((true, "FailedMount", msg));
            finish(ctx, out, pod, p, inits, mains, events);
            return;
        }
        set_pod_condition(&mut p, "PodReadyToStartContainers", "True", None, None, now);
        let ip = if pod.spec().bool_at("hostNetwork") == Some(true) {
            Some(host_ip(node))
        } else {
            allocate_ip(nc.ips(ctx.store, node))
        };
        if let Some(ip) = ip {
            let st = p.status_mut();
            st["podIP"] = ip.clone().into();
            st["podIPs"] = json!([{"ip": ip}]);
        }
        if let Some(first) = inits.first().or(mains.first()) {
            pulling_event(first, nc, &mut events);
        }
    }
    let sandbox_at = podutil::condition(&p, "PodReadyToStartContainers")
        .and_then(|c| ts(c, "lastTransitionTime"))
        .unwrap_or(now);
    let pod_ip = podutil::pod_ip(&p).unwrap_or("").to_string();
    let mut wake: Option<u64> = None;
    let mut set_wake = |t: u64| {
        if t > now {
            wake = Some(wake.map_or(t, |w: u64| w.min(t)));
        }
    };

    // Init containers, in order.
    let mut anchor = sandbox_at;
    let mut i = 0;
    // The init container this pass started: its step runs again, on the
    // status the pass wrote.
    let mut started_now = None;
    while i < inits.len() {
        let c = &inits[i];
        let name = c.str_at("name").unwrap_or("").to_string();
        let path = format!("initContainerStatuses.{i}");
        let cs = as_at_start(pod, &p, first_sight || started_now == Some(i), &path);
        if cs.str_at("state.terminated.reason") == Some("Completed") {
            anchor = ts(&cs, "state.terminated.finishedAt").unwrap_or(anchor);
            i += 1;
            continue;
        }
        if let Some(started) = ts(&cs, "state.running.startedAt") {
            let finish = started + timing.init_ms(&name);
            if now < finish {
                set_wake(finish);
                break;
            }
            let mut ncs = Value::clone(&cs);
            ncs["state"] = json!({"terminated": {"exitCode": 0, "reason": "Completed",
                "startedAt": rfc3339(started), "finishedAt": rfc3339(finish),
                "containerID": ncs.at("containerID").clone()}});
            ncs["ready"] = true.into();
            ncs["started"] = false.into();
            set_status_at(&mut p, &path, ncs);
            anchor = parse_rfc3339(&rfc3339(finish)).unwrap_or(finish);
            if let Some(n) = inits.get(i + 1).or(mains.first()) {
                pulling_event(n, nc, &mut events);
            }
            i += 1;
            continue;
        }
        // Waiting: the image is being pulled since `anchor`.
        if let Err(wait) = pull_and_start(
            ctx,
            &timing,
            pod,
            &mut p,
            (&path, c, &cs),
            anchor,
            nc,
            &mut events,
        ) {
            if let Some(t) = wait {
                set_wake(t);
            }
            break;
        }
        // Now running: the next pass of the loop sees whether it is done.
        started_now = Some(i);
    }
    let inits_done = i == inits.len();

    // App containers, in order, once init is done.
    if inits_done {
        for (j, c) in mains.iter().enumerate() {
            let path = format!("containerStatuses.{j}");
            let cs = as_at_start(pod, &p, first_sight, &path);
            let ever_started = !cs.at("state.running").is_null()
                || !cs.at("state.terminated").is_null()
                || !cs.at("lastState.terminated").is_null();
            if ever_started {
                let first_start = ts(&cs, "state.running.startedAt")
                    .or_else(|| ts(&cs, "state.terminated.startedAt"))
                    .or_else(|| ts(&cs, "lastState.terminated.startedAt"))
                    .unwrap_or(anchor);
                anchor = first_start;
                run_container(
                    ctx,
                    pod,
                    &mut p,
                    &path,
                    c,
                    &cs,
                    &restart_policy,
                    &pod_ip,
                    &mut events,
                    &mut set_wake,
                );
                continue;
            }
            let due = match pull_and_start(
                ctx,
                &timing,
                pod,
                &mut p,
                (&path, c, &cs),
                anchor,
                nc,
                &mut events,
            ) {
                Ok(due) => due,
                Err(wait) => {
                    if let Some(t) = wait {
                        set_wake(t);
                    }
                    break;
                }
            };
            let cs = p.status().at(&path).clone();
            anchor = ts(&cs, "state.running.startedAt").unwrap_or(due);
            if let Some(n) = mains.get(j + 1) {
                pulling_event(n, nc, &mut events);
            }
            run_container(
                ctx,
                pod,
                &mut p,
                &path,
                c,
                &cs,
                &restart_policy,
                &pod_ip,
                &mut events,
                &mut set_wake,
            );
        }
    }
    if let Some(w) = wake {
        out.wake(w);
    }
    finish(ctx, out, pod, p, inits, mains, events);
}

/// A container's status (`path`, `field.N`) as its step of the pass reads
/// it: the stored pod's, read in place, unless the pass wrote it already
/// (`written`: it made the statuses, or it started this init container and
/// its step runs again). A pass writes a container's status only in that
/// container's own step, so until then the copy `p` holds the stored one
/// (copying it for each step was 3% of a rollout's allocations).
fn as_at_start<'a>(pod: &'a Object, p: &Object, written: bool, path: &str) -> Cow<'a, Value> {
    if written {
        Cow::Owned(p.status().at(path).clone())
    } else {
        debug_assert_eq!(pod.status().at(path), p.status().at(path));
        Cow::Borrowed(pod.status().at(path))
    }
}

/// Sets `field.N` (a container status) in the pod status.
pub(super) fn set_status_at(p: &mut Object, path: &str, v: Value) {
    let (field, idx) = path.split_once('.').expect("field.index");
    let idx: usize = idx.parse().expect("index");
    let st = p.status_mut();
    if !st.at(field).is_array() {
        st[field] = json!([]);
    }
    let arr = st[field].as_array_mut().expect("array");
    while arr.len() <= idx {
        arr.push(json!({}));
    }
    arr[idx] = v;
}

/// A container waiting on its image: once the pull (from `anchor`) is
/// done, creates and starts it. `Ok(due)` when it started, with the time
/// the image was ready; `Err(Some(t))` while the pull runs until `t`;
/// `Err(None)` when its configuration is missing. Init and app containers
/// both start this way.
#[allow(clippy::too_many_arguments)]
pub(super) fn pull_and_start(
    ctx: &Ctx,
    timing: &Timing,
    pod: &Object,
    p: &mut Object,
    (path, c, cs): (&str, &Value, &Value),
    anchor: u64,
    nc: &mut NodeCtx,
    events: &mut Vec<(bool, &'static str, String)>,
) -> Result<u64, Option<u64>> {
    let name = c.str_at("name").unwrap_or("");
    let due = anchor + timing.image_ready_ms(c, name, &nc.images);
    if ctx.now < due {
        return Err(Some(due));
    }
    let image = c.str_at("image").unwrap_or("");
    if start_container(ctx, pod, p, path, c, cs, due, anchor, nc, image, events) {
        Ok(due)
    } else {
        Err(None)
    }
}

/// Creates and starts a container whose image has been pulled. Returns
/// false when its configuration is missing.
#[allow(clippy::too_many_arguments)]
pub(super) fn start_container(
    ctx: &Ctx,
    pod: &Object,
    p: &mut Object,
    path: &str,
    c: &Value,
    cs: &Value,
    due: u64,
    pull_start: u64,
    nc: &mut NodeCtx,
    image: &str,
    events: &mut Vec<(bool, &'static str, String)>,
) -> bool {
    let name = c.str_at("name").unwrap_or("");
    let was_blocked = cs.str_at("state.waiting.reason") == Some("CreateContainerConfigError");
    if !was_blocked {
        // An image already on the node starts at once; one pulled meanwhile
        // by another pod's kubelet pull counts as ours, waiting included.
        let elapsed = ctx.now.max(due) - pull_start;
        // The anchor has second precision: a start within a second of the
        // create time found the image there.
        let quick = ctx.config.timings.image_pull_ms / 2 * 5 / 4 + 1000;
        let message = if !needs_pull(c, &nc.images) && elapsed < quick {
            format!("Container image \"{image}\" already present on machine")
        } else {
            if nc.images.insert(image.to_string()) {
                nc.pulled.insert(image.to_string());
            }
            format!(
                "Successfully pulled image \"{image}\" in {} ({} including waiting). Image size: {} bytes.",
                go_duration(elapsed),
                go_duration(elapsed),
                image_size(image)
            )
        };
        events.push((false, "Pulled", message));
    }
    if let Some(msg) = missing_config(ctx, pod, c) {
        if !was_blocked || cs.str_at("state.waiting.message") != Some(msg.as_str()) {
            events.push((true, "Failed", format!("Error: {msg}")));
        }
        let mut ncs = cs.clone();
        ncs["state"] = json!({"waiting": {"reason": "CreateContainerConfigError", "message": msg}});
        set_status_at(p, path, ncs);
        return false;
    }
    // A container unblocked later, or whose kubelet was away when its pull
    // ended, starts now.
    let started = if was_blocked || ctx.now > due {
        ctx.now
    } else {
        due
    };
    let mut ncs = cs.clone();
    ncs["state"] = json!({"running": {"startedAt": rfc3339(started)}});
    ncs["started"] = true.into();
    ncs["imageID"] = format!("{image}@sha256:{}", fake_digest(image, "image")).into();
    ncs["containerID"] = format!(
        "containerd://{}",
        fake_digest(&pod.meta.uid, &format!("{name}/0"))
    )
    .into();
    set_status_at(p, path, ncs);
    events.push((false, "Created", format!("Created container {name}")));
    events.push((false, "Started", format!("Started container {name}")));
    true
}

/// A started app container: readiness, liveness, finishing, restarts.
#[allow(clippy::too_many_arguments)]
pub(super) fn run_container(
    ctx: &Ctx,
    pod: &Object,
    p: &mut Object,
    path: &str,
    c: &Value,
    cs_before: &Value,
    restart_policy: &str,
    pod_ip: &str,
    events: &mut Vec<(bool, &'static str, String)>,
    set_wake: &mut impl FnMut(u64),
) {
    let now = ctx.now;
    let name = c.str_at("name").unwrap_or("").to_string();
    let uid = pod.meta.uid.as_str();
    let mut cs = p.status().at(path).clone();
    let _ = cs_before;
    // Dead: terminated now, or waiting in back-off.
    let terminated = if !cs.at("state.terminated").is_null() {
        Some(cs.at("state.terminated").clone())
    } else if cs.str_at("state.waiting.reason") == Some("CrashLoopBackOff") {
        Some(cs.at("lastState.terminated").clone())
    } else {
        None
    };
    if let Some(t) = terminated {
        let exit = t.i64_at("exitCode").unwrap_or(0);
        let restart = match restart_policy {
            "Never" => false,
            "OnFailure" => exit != 0,
            _ => true,
        };
        if !restart {
            cs["ready"] = false.into();
            set_status_at(p, path, cs);
            return;
        }
        let restarts = cs.i64_at("restartCount").unwrap_or(0);
        let finished = ts(&t, "finishedAt").unwrap_or(now);
        let due = finished + backoff_ms(restarts);
        if now < due {
            if cs.str_at("state.waiting.reason") != Some("CrashLoopBackOff") {
                let msg = format!(
                    "back-off {} restarting failed container={name} pod={}_{}({uid})",
                    go_duration(backoff_ms(restarts)),
                    pod.name(),
                    pod.namespace()
                );
                cs["lastState"] = json!({"terminated": t});
                cs["state"] = json!({"waiting": {"reason": "CrashLoopBackOff", "message": msg}});
                events.push((
                    true,
                    "BackOff",
                    format!(
                        "Back-off restarting failed container {name} in pod {}_{}({uid})",
                        pod.name(),
                        pod.namespace()
                    ),
                ));
            }
            cs["ready"] = false.into();
            cs["started"] = false.into();
            set_status_at(p, path, cs);
            set_wake(due);
            return;
        }
        // Restart.
        let image = c.str_at("image").unwrap_or("");
        cs["lastState"] = json!({"terminated": t});
        cs["restartCount"] = (restarts + 1).into();
        cs["state"] = json!({"running": {"startedAt": rfc3339(due)}});
        cs["started"] = true.into();
        cs["ready"] = false.into();
        cs["containerID"] = format!(
            "containerd://{}",
            fake_digest(uid, &format!("{name}/{}", restarts + 1))
        )
        .into();
        events.push((
            false,
            "Pulled",
            format!("Container image \"{image}\" already present on machine"),
        ));
        events.push((false, "Created", format!("Created container {name}")));
        events.push((false, "Started", format!("Started container {name}")));
        set_status_at(p, path, cs.clone());
    }
    let Some(started) = ts(&cs, "state.running.startedAt") else {
        return;
    };
    let up_at = started + ctx.config.timings.container_start_ms;
    // Finishing on its own (a default shell, or restartPolicy Never/OnFailure).
    if let Some(run) = finite_run_ms(ctx, pod, c) {
        let exit_at = started + run;
        if now >= exit_at {
            cs["state"] = json!({"terminated": {"exitCode": 0, "reason": "Completed",
                "startedAt": rfc3339(started), "finishedAt": rfc3339(exit_at),
                "containerID": cs.at("containerID").clone()}});
            cs["ready"] = false.into();
            cs["started"] = false.into();
            set_status_at(p, path, cs);
            return;
        }
        set_wake(exit_at);
    }
    // Liveness: probes before the process answers fail.
    if let Some(lp) = Probe::of(c.at("livenessProbe")) {
        let first = lp.tick_at_or_after(started, started);
        let kill_at = first + (lp.failure - 1) * lp.period;
        if kill_at < up_at {
            if now >= kill_at {
                events.push((
                    true,
                    "Unhealthy",
                    lp.describe(c, "livenessProbe", pod_ip, false),
                ));
                events.push((
                    false,
                    "Killing",
                    format!("Container {name} failed liveness probe, will be restarted"),
                ));
                cs["state"] = json!({"terminated": {"exitCode": 137, "reason": "Error",
                    "startedAt": rfc3339(started), "finishedAt": rfc3339(kill_at),
                    "containerID": cs.at("containerID").clone()}});
                cs["ready"] = false.into();
                cs["started"] = false.into();
                set_status_at(p, path, cs.clone());
                // The restart (with back-off) is decided on the next pass.
                set_wake(now + 1);
                return;
            }
            set_wake(kill_at);
        }
    }
    // Readiness.
    let ready = match Probe::of(c.at("readinessProbe")) {
        None => true,
        Some(rp) => {
            let (ready, next, failing) = readiness(ctx, uid, &rp, started, up_at);
            if let Some(t) = next {
                set_wake(t);
            }
            if failing {
                events.push((
                    true,
                    "Unhealthy",
                    rp.describe(c, "readinessProbe", pod_ip, true),
                ));
            }
            ready
        }
    };
    cs["ready"] = ready.into();
    set_status_at(p, path, cs);
}

/// Phase and conditions from the container statuses, then one Update and
/// the events of this pass.
pub(super) fn finish(
    ctx: &Ctx,
    out: &mut Out,
    pod: &Object,
    mut p: Object,
    inits: &[Value],
    mains: &[Value],
    events: Vec<(bool, &'static str, String)>,
) {
    let now = ctx.now;
    let st = p.status();
    let init_st = st.array_at("initContainerStatuses");
    let main_st = st.array_at("containerStatuses");
    let incomplete: Vec<&str> = inits
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            init_st
                .get(*i)
                .and_then(|s| s.str_at("state.terminated.reason"))
                != Some("Completed")
        })
        .map(|(_, c)| c.str_at("name").unwrap_or(""))
        .collect();
    let unready: Vec<&str> = mains
        .iter()
        .enumerate()
        .filter(|(j, _)| main_st.get(*j).and_then(|s| s.bool_at("ready")) != Some(true))
        .map(|(_, c)| c.str_at("name").unwrap_or(""))
        .collect();
    let never_started = mains.iter().enumerate().any(|(j, _)| {
        let s = main_st.get(j);
        s.is_none_or(|s| {
            s.at("state.running").is_null()
                && s.at("state.terminated").is_null()
                && s.at("lastState.terminated").is_null()
        })
    });
    let all_terminated = !mains.is_empty()
        && mains.iter().enumerate().all(|(j, _)| {
            main_st
                .get(j)
                .is_some_and(|s| !s.at("state.terminated").is_null())
        });
    let all_ok = mains.iter().enumerate().all(|(j, _)| {
        main_st
            .get(j)
            .and_then(|s| s.i64_at("state.terminated.exitCode"))
            == Some(0)
    });
    let restart_policy = pod.spec().str_at("restartPolicy").unwrap_or("Always");
    // `getPhase`: under Always every stopped container is restarting.
    let phase = if !incomplete.is_empty() || never_started {
        "Pending"
    } else if all_terminated && restart_policy != "Always" && (all_ok || restart_policy == "Never")
    {
        if all_ok {
            "Succeeded"
        } else {
            "Failed"
        }
    } else {
        "Running"
    };
    if p.status().str_at("phase") != Some(phase) {
        p.status_mut()["phase"] = phase.into();
    }
    if incomplete.is_empty() {
        set_pod_condition(&mut p, "Initialized", "True", None, None, now);
    } else {
        let msg = format!(
            "containers with incomplete status: [{}]",
            incomplete.join(" ")
        );
        set_pod_condition(
            &mut p,
            "Initialized",
            "False",
            Some("ContainersNotInitialized"),
            Some(&msg),
            now,
        );
    }
    if phase == "Succeeded" || phase == "Failed" {
        for c in ["ContainersReady", "Ready"] {
            set_pod_condition(&mut p, c, "False", Some("PodCompleted"), None, now);
        }
    } else if unready.is_empty() {
        for c in ["ContainersReady", "Ready"] {
            set_pod_condition(&mut p, c, "True", None, None, now);
        }
    } else {
        let msg = format!("containers with unready status: [{}]", unready.join(" "));
        for c in ["ContainersReady", "Ready"] {
            set_pod_condition(
                &mut p,
                c,
                "False",
                Some("ContainersNotReady"),
                Some(&msg),
                now,
            );
        }
    }
    if p != *pod {
        out.update(p);
    }
    for (warning, reason, message) in events {
        out.event(pod, warning, reason, message);
    }
}

/// Graceful termination: stop the containers, then confirm the deletion.
pub(super) fn kill_pod(ctx: &Ctx, out: &mut Out, pod: &Object) {
    let now = ctx.now;
    let Some(deadline) = pod.meta.deletion_timestamp else {
        return;
    };
    let grace_ms = secs_ms(pod.meta.deletion_grace_period_seconds.unwrap_or(30));
    let kill_start = deadline.saturating_sub(grace_ms);
    let exit_at = deadline.min(kill_start + ctx.config.timings.container_stop_ms);
    let running: Vec<&str> = pod
        .status()
        .array_at("containerStatuses")
        .iter()
        .chain(pod.status().array_at("initContainerStatuses"))
        .filter(|s| !s.at("state.running").is_null())
        .filter_map(|s| s.str_at("name"))
        .collect();
    if running.is_empty() || now >= exit_at {
        out.writes.push(Write::Delete {
            key: pod.key(),
            grace_seconds: Some(0),
            propagation: Propagation::Background,
            uid: Some(pod.meta.uid.clone()),
        });
        return;
    }
    // SIGTERM: the containers stop answering probes. A pod already so
    // (every pass after the first until its containers exit) is not
    // copied to find that out.
    let names: Vec<&str> = pod
        .spec()
        .array_at("containers")
        .iter()
        .filter_map(|c| c.str_at("name"))
        .collect();
    let msg = format!("containers with unready status: [{}]", names.join(" "));
    let changed = if stopping(pod, &msg) {
        debug_assert!(
            stopped_pod(pod, &msg, now) == *pod,
            "a pod found stopping changes when marked so"
        );
        false
    } else {
        let p = stopped_pod(pod, &msg, now);
        let changed = p != *pod;
        if changed {
            out.update(p);
        }
        changed
    };
    if changed || now == kill_start {
        for name in &running {
            out.event(pod, false, "Killing", format!("Stopping container {name}"));
        }
    }
    out.wake(exit_at);
}

/// The pod with its containers unready, as SIGTERM leaves it.
fn stopped_pod(pod: &Object, msg: &str, now: u64) -> Object {
    let mut p = pod.clone();
    if let Some(arr) = p
        .status_mut()
        .get_mut("containerStatuses")
        .and_then(|v| v.as_array_mut())
    {
        for s in arr {
            s["ready"] = false.into();
        }
    }
    for c in ["ContainersReady", "Ready"] {
        set_pod_condition(
            &mut p,
            c,
            "False",
            Some("ContainersNotReady"),
            Some(msg),
            now,
        );
    }
    p
}

/// Whether [`stopped_pod`] would leave the pod as it is.
fn stopping(pod: &Object, msg: &str) -> bool {
    pod.status()
        .array_at("containerStatuses")
        .iter()
        .all(|s| s.get("ready") == Some(&Value::Bool(false)))
        && ["ContainersReady", "Ready"]
            .iter()
            .all(|c| pod_condition_is(pod, c, "False", Some("ContainersNotReady"), Some(msg)))
}
