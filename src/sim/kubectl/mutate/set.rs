//! `kubectl set image` (upstream `pkg/cmd/set/set_image.go`). kubectl's
//! other `set` subcommands are left out, each saying so.

use super::*;
use crate::sim::kubectl::output::ObjectPrinter;
use crate::sim::kubectl::parse::parse_args;

/// The `set` subcommands kubectl v1.31 has, in its help's order.
const SUBCOMMANDS: [&str; 6] = [
    "env",
    "image",
    "resources",
    "selector",
    "serviceaccount",
    "subject",
];

/// `kubectl set SUBCOMMAND ...`.
pub fn set(sim: &mut Sim, rest: &[String], files: &[(String, String)]) -> Result<String, String> {
    let Some(sub) = rest.first() else {
        return Err(format!("error: Required subcommand not specified.\nAvailable Commands:\n  {}\nSee 'kubectl set -h' for help and examples", SUBCOMMANDS.join(", ")));
    };
    match sub.as_str() {
        "image" => image(sim, &parse_args(&rest[1..], "set image", "set image")?, files),
        s if SUBCOMMANDS.contains(&s) => Err(format!(
            "error: \"kubectl set {s}\" is not simulated in Ordinal (an Ordinal limit): use kubectl edit, kubectl patch, or the page's editor"
        )),
        _ => Err(crate::sim::kubectl::unknown_subcommand(
            "set",
            &parse_args(rest, "set", "set")?.positional,
        )),
    }
}

/// `cmdutil.GetResourcesAndPairs`: the resource words, then the
/// `CONTAINER=IMAGE` pairs; a resource after a pair is an error.
fn resources_and_pairs(args: &[String]) -> Result<(Vec<String>, Vec<String>), String> {
    let (mut resources, mut pairs) = (Vec::new(), Vec::new());
    for s in args {
        let pair = (s.contains('=') && !s.starts_with('=')) || (s.ends_with('-') && s != "-");
        match (pair, pairs.is_empty()) {
            (true, _) => pairs.push(s.clone()),
            (false, true) => resources.push(s.clone()),
            (false, false) => {
                return Err(format!(
                    "error: all resources must be specified before image changes: {s}"
                ))
            }
        }
    }
    Ok((resources, pairs))
}

/// `cmdutil.ParsePairs` for images: `NAME=IMAGE` (an empty image is sent
/// as it is, for the API server to judge), later pairs overriding earlier
/// ones.
fn image_pairs(pairs: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut invalid = Vec::new();
    for p in pairs {
        match p.split_once('=').filter(|(n, _)| !n.is_empty()) {
            Some((n, i)) => match out.iter_mut().find(|(m, _)| m == n) {
                Some(e) => e.1 = i.to_string(),
                None => out.push((n.to_string(), i.to_string())),
            },
            None => invalid.push(p.as_str()),
        }
    }
    if !invalid.is_empty() {
        return Err(format!(
            "error: invalid image format: {}",
            invalid.join(", ")
        ));
    }
    Ok(out)
}

/// Where an object's pod spec is (`UpdatePodSpecForObjectFn`): a pod's
/// own spec, a template's for the workloads; `None` for other kinds.
fn pod_spec_mut(o: &mut Object) -> Option<&mut Value> {
    match o.kind {
        Kind::Pod => Some(o.spec_mut()),
        Kind::StatefulSet
        | Kind::Deployment
        | Kind::DaemonSet
        | Kind::ReplicaSet
        | Kind::ReplicationController => o.spec_mut().get_mut("template")?.get_mut("spec"),
        _ => None,
    }
}

/// `setImage`: every container named `name` (all of them for `*`) takes
/// `image`; whether any did.
fn set_image(spec: &mut Value, field: &str, name: &str, image: &str) -> bool {
    let mut found = false;
    for c in spec
        .get_mut(field)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if name == "*" || c.str_at("name") == Some(name) {
            c["image"] = image.into();
            found = true;
        }
    }
    found
}

/// `set image (-f FILENAME | TYPE NAME) CONTAINER=IMAGE ...`: a strategic
/// merge patch of the images, printed as `image updated`. An object whose
/// images are already those is left alone and printed not at all; a
/// container no object has is an error after the rest.
fn image(sim: &mut Sim, args: &Args, files: &[(String, String)]) -> Result<String, String> {
    let ns = namespace(args);
    let dry = crate::sim::kubectl::create::dry_run(args)?;
    let printer = ObjectPrinter::new(args, dry)?;
    let (words, pairs) = resources_and_pairs(&args.positional)?;
    let images = image_pairs(&pairs)?;
    // Complete: the builder reads every object before anything is changed
    // (one it cannot read fails the command); `--local` reads only files.
    let local = args.bool("local");
    if local && !words.is_empty() {
        return Err("error: you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'".into());
    }
    let mut objects = Vec::new();
    let mut keys = Vec::new();
    if args.has("filename") {
        let (objs, _, errs) =
            crate::sim::kubectl::manifest_objects(args, files, &sim.config.feature_gates)?;
        if !errs.is_empty() {
            return Err(errs.join("\n"));
        }
        for mut o in objs {
            o.meta.namespace = object_namespace(&o, args)?;
            match local {
                true => objects.push(o),
                false => keys.push(Ok(o.key())),
            }
        }
    } else if words.is_empty() {
        return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
    }
    if !words.is_empty() {
        let targets = resources::parse_targets(&words)?;
        let sel = selector(args)?;
        let named = targets.groups.iter().any(|(_, n)| !n.is_empty());
        if !named && sel.is_none() && !args.bool("all") {
            return Err("error: resource(s) were provided, but no name was specified".into());
        }
        keys.extend(crate::sim::kubectl::select_keys(
            sim,
            &targets,
            &ns,
            false,
            sel.as_ref(),
        ));
    }
    for k in keys {
        let key = k?;
        match sim.store.get_key(&key) {
            Some(o) => objects.push(o.clone()),
            None => return Err(ApiError::not_found(key.kind, &key.name).to_string()),
        }
    }
    // Validate.
    if args.bool("all") && args.has("selector") {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    if images.is_empty() {
        return Err("error: at least one image update is required".into());
    }
    if images.len() > 1 && images.iter().any(|(n, _)| n == "*") {
        return Err("error: all containers are already specified by *, but saw more than one container_name=container_image pairs".into());
    }
    if local && dry == "server" {
        return Err(
            "error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?"
                .into(),
        );
    }
    // CalculatePatches: every object's new images first (a container not
    // found is an error said after the rest), then each patch in turn.
    let mut errors = Vec::new();
    let mut patches = Vec::new();
    for old in objects {
        let mut new = old.clone();
        let Some(spec) = pod_spec_mut(&mut new) else {
            patches.push((old, None));
            continue;
        };
        for (name, image) in &images {
            let init = set_image(spec, "initContainers", name, image);
            if !set_image(spec, "containers", name, image) && !init {
                errors.push(format!("error: unable to find container named \"{name}\""));
            }
        }
        patches.push((old, Some(new)));
    }
    let mut out = Report::default();
    for (old, new) in patches {
        let Some(new) = new else {
            errors.push(format!(
                "error: {}/{} the object is not a pod or does not have a pod template: *v1.{}",
                old.kind.plural(),
                old.meta.name,
                old.kind
            ));
            continue;
        };
        if new == old {
            continue;
        }
        let after = if local || dry == "client" {
            new.to_value()
        } else {
            match update_as(sim, &old, new, dry) {
                Ok((_, after)) => after,
                Err(e) => {
                    errors.push(format!(
                        "error: failed to patch image update to pod template: {}",
                        status_message(&old, &e)
                    ));
                    continue;
                }
            }
        };
        match printer.print(&after, "image updated") {
            Ok(text) => out.print(&text),
            Err(e) => errors.push(e),
        }
    }
    for e in errors {
        out.fail(e);
    }
    out.finish()
}

/// An API error's own message (`StatefulSet.apps "web" is invalid: ...`),
/// which set image quotes inside its own error, from kubectl's rendering
/// of it (`The StatefulSet "web" is invalid: ...`).
fn status_message(o: &Object, kubectl: &str) -> String {
    let qualified = match o.kind.group() {
        "" => o.kind.to_string(),
        g => format!("{}.{g}", o.kind),
    };
    let head = format!("The {} \"{}\" is invalid: ", o.kind, o.meta.name);
    match kubectl.strip_prefix(&head) {
        Some(causes) => format!(
            "{qualified} \"{}\" is invalid: {}",
            o.meta.name,
            match causes.strip_prefix("\n* ") {
                Some(list) => format!("[{}]", list.replace("\n* ", ", ")),
                None => causes.to_string(),
            }
        ),
        None => kubectl.to_string(),
    }
}
