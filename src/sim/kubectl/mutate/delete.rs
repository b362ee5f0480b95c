//! `kubectl delete` (upstream `pkg/cmd/delete`).

use super::*;

/// `delete`: by name, `-l`, `--all`, `-f`; graceful unless `--force`.
pub fn delete_cmd(
    sim: &mut Sim,
    args: &Args,
    files: &[(String, String)],
) -> Result<String, String> {
    let ns = namespace(args);
    let all_ns = args.bool("all-namespaces");
    let sel = selector(args)?;
    let mut out = Report::default();
    let mut keys: Vec<Result<Key, String>> = Vec::new();
    if args.has("filename") {
        let (objs, _, errs) =
            crate::sim::kubectl::manifest_objects(args, files, &sim.config.feature_gates)?;
        if !errs.is_empty() {
            return Err(errs.join("\n"));
        }
        for o in objs {
            let ons = object_namespace(&o, args)?;
            let key = Key::new(o.kind, &ons, &o.meta.name);
            if sim.store.get_key(&key).is_some() {
                keys.push(Ok(key));
            } else {
                keys.push(Err(format!(
                    "Error from server (NotFound): error when deleting \"{}\": {}",
                    args.all("filename")
                        .first()
                        .map(|f| if f == "-" { "STDIN" } else { f.as_str() })
                        .unwrap_or(""),
                    ApiError::not_found(o.kind, &o.meta.name).message
                )));
            }
        }
    } else {
        if args.positional.is_empty() {
            return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
        }
        let targets = resources::parse_targets(&args.positional)?;
        if targets.groups.iter().any(|(r, _)| *r == Resource::Events) {
            return Err("error: deleting events is not simulated".into());
        }
        let named = targets.groups.iter().any(|(_, n)| !n.is_empty());
        let fsel = crate::sim::kubectl::field_selector(args);
        if !named && sel.is_none() && fsel.is_none() && !args.bool("all") {
            return Err("error: resource(s) were provided, but no name was specified".into());
        }
        let by = fsel.as_ref().map(|(l, f)| (l.as_str(), f.as_str()));
        keys = crate::sim::kubectl::select_keys_by(sim, &targets, &ns, all_ns, sel.as_ref(), by);
        if keys.is_empty() {
            // delete's own line, without get's namespace.
            return Ok("No resources found\n".into());
        }
    }
    // Grace period: --now is 1s; 0 without --force becomes 1 (kubectl
    // guards against accidental immediate deletion); --force means 0.
    let force = args.bool("force");
    let mut grace: Option<i64> = match args.get("grace-period") {
        Some(g) => Some(g.parse::<i64>().map_err(|_| {
            format!("error: invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax")
        })?),
        None => None,
    };
    if args.bool("now") {
        if grace.is_some_and(|g| g >= 0) {
            return Err("error: --now and --grace-period cannot be specified together".into());
        }
        grace = Some(1);
    }
    if grace == Some(0) && !force {
        grace = Some(1);
    }
    if force && grace.is_none_or(|g| g < 0) {
        grace = Some(0);
    }
    if grace.is_some_and(|g| g < 0) {
        grace = None;
    }
    if force {
        out.push("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.".into());
    }
    let propagation = match args.get("cascade") {
        None | Some("background") | Some("true") => Propagation::Background,
        Some("foreground") => Propagation::Foreground,
        Some("orphan") | Some("false") => Propagation::Orphan,
        Some(other) => {
            return Err(format!(
                "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
            ))
        }
    };
    if matches!(args.get("cascade"), Some("true") | Some("false")) {
        let v = args.get("cascade").unwrap_or("");
        let with = if v == "true" { "background" } else { "orphan" };
        out.push(format!(
            "warning: --cascade={v} is deprecated (boolean value) and can be replaced with --cascade={with}."
        ));
    }
    let mut deleted: Vec<(Key, String)> = Vec::new();
    for k in keys {
        match k {
            Ok(key) => {
                let uid = sim
                    .store
                    .get_key(&key)
                    .map(|o| o.meta.uid.clone())
                    .unwrap_or_default();
                let dry = args
                    .get("dry-run")
                    .is_some_and(|d| d != "none" && d != "false");
                if dry {
                    out.push(format!("{} deleted (dry run)", quoted(&key)));
                    continue;
                }
                match api::delete(
                    sim,
                    &key,
                    DeleteOptions {
                        grace_seconds: grace,
                        propagation,
                        uid: None,
                    },
                    "kubectl",
                ) {
                    Ok(()) => {
                        let verb = if force && grace == Some(0) {
                            "force deleted"
                        } else {
                            "deleted"
                        };
                        if args.get("output") == Some("name") {
                            out.push(ref_name(&key));
                        } else {
                            out.push(format!("{} {verb}", quoted(&key)));
                        }
                        deleted.push((key, uid));
                    }
                    Err(e) => {
                        out.fail(e.to_string());
                    }
                }
            }
            Err(e) => {
                if !args.bool("ignore-not-found") {
                    out.fail(e);
                }
            }
        }
    }
    // kubectl waits for the objects to be gone (--wait=true), bounded by
    // --timeout (default: a generous virtual bound, as a user would give up).
    if args.get("wait").is_none_or(|w| w != "false") && !deleted.is_empty() {
        let bound = args
            .get("timeout")
            .and_then(parse_duration_ms)
            .filter(|t| *t > 0)
            .unwrap_or(60_000);
        let gone = wait_until(sim, bound, |s| {
            deleted
                .iter()
                .all(|(k, uid)| s.store.get_key(k).is_none_or(|o| o.meta.uid != *uid))
        });
        if !gone && args.has("timeout") {
            out.failed = true;
            for (k, _) in &deleted {
                out.push(format!(
                    "error: timed out waiting for the condition on {}",
                    crate::sim::kubectl::resources::kind_word(k.kind)
                        .split('.')
                        .next()
                        .map(|w| format!("{}s/{}", w, k.name))
                        .unwrap_or_default()
                ));
            }
        }
    }
    out.finish()
}
