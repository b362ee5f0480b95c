//! Commands that write: apply, create, delete, scale, patch, label,
//! annotate, and the editor's `edit` target.

use super::parse::{parse_duration_ms, Args};
use super::resources::{self, kind_word, Resource};
use super::{finish, namespace, quoted, ref_name, selector};
use crate::sim::api::{self, ApiError, DeleteOptions, Reason};
use crate::sim::controllers::Propagation;
use crate::sim::engine::Sim;
use crate::sim::object::{Key, Kind, Object, ValueExt};
use serde_json::{Map, Value};

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Runs the simulation forward from inside a blocking command until
/// `cond` holds or `max_ms` of virtual time have passed. Returns whether
/// the condition was met.
pub(crate) fn wait_until(sim: &mut Sim, max_ms: u64, mut cond: impl FnMut(&Sim) -> bool) -> bool {
    // What the command wrote so far wakes every controller, as any write
    // does (the engine would do it only after the command returns).
    sim.touch();
    sim.refresh_dns();
    let deadline = sim.now.saturating_add(max_ms);
    // A guard against a controller that never converges at one instant.
    let mut budget = 500_000u32;
    loop {
        if cond(sim) {
            return true;
        }
        match sim.next_time() {
            Some(t) if t <= deadline && budget > 0 => {
                budget -= 1;
                sim.step();
            }
            _ => {
                sim.advance_to(deadline);
                return cond(sim);
            }
        }
    }
}

/// What kubectl prints for an update the API server rejected.
fn invalid(o: &Object, msg: &str) -> String {
    if msg.starts_with("The ") || msg.starts_with("Error") {
        msg.to_string()
    } else if let Some(m) = crate::sim::manifest::kubectl_invalid(msg) {
        m
    } else {
        format!("The {} \"{}\" is invalid: {msg}", o.kind, o.meta.name)
    }
}

/// Gives a new NodePort/LoadBalancer Service the node ports the API
/// server's allocator would (30000-32767, not in use).
pub(crate) fn allocate_service(sim: &mut Sim, o: &mut Object) {
    if o.kind != Kind::Service {
        return;
    }
    // The cluster IP itself is allocated by the endpoints controller's
    // first sync (see controllers/endpoints.rs), for every way in.
    let t = o.spec().str_at("type").unwrap_or("ClusterIP").to_string();
    if t == "NodePort" || t == "LoadBalancer" {
        let used_ports: Vec<i64> = sim
            .store
            .list(Kind::Service)
            .flat_map(|s| {
                s.spec()
                    .array_at("ports")
                    .iter()
                    .filter_map(|p| p.i64_at("nodePort"))
                    .collect::<Vec<_>>()
            })
            .collect();
        let n = o.spec().array_at("ports").len();
        for i in 0..n {
            if o.spec().at(&format!("ports.{i}.nodePort")).is_null() {
                let port = loop {
                    let p = 30000 + (sim.next_u64() % 2768) as i64;
                    if !used_ports.contains(&p) {
                        break p;
                    }
                };
                o.spec_mut()["ports"][i]["nodePort"] = port.into();
            }
        }
    }
}

/// Recursive map merge: `src` wins, maps merge, lists and scalars replace;
/// keys that were in `last` (the previous apply) but are gone from `src`
/// are removed (the three-way part of `kubectl apply`).
fn apply_merge(dst: &mut Value, src: &Value, last: Option<&Value>) {
    let (Some(d), Some(s)) = (dst.as_object_mut(), src.as_object()) else {
        *dst = src.clone();
        return;
    };
    for (k, v) in s {
        match d.get_mut(k) {
            Some(existing) if existing.is_object() && v.is_object() => {
                apply_merge(existing, v, last.and_then(|l| l.get(k)))
            }
            _ => {
                d.insert(k.clone(), v.clone());
            }
        }
    }
    if let Some(l) = last.and_then(|l| l.as_object()) {
        for k in l.keys() {
            if !s.contains_key(k) {
                d.remove(k);
            }
        }
    }
}

/// The merge key of a list under strategic merge patch, for the lists of
/// the simulated kinds that have one.
fn merge_key(field: &str) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "volumeClaimTemplates" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "conditions" => Some("type"),
        "tolerations" => Some("key"),
        _ => None,
    }
}

/// Strategic merge patch (enough of it): maps merge, `null` deletes,
/// lists with a merge key merge by it, other lists replace; `ports`
/// merge by `containerPort` or `port`.
pub fn strategic_merge(dst: &mut Value, patch: &Value) {
    let (Some(d), Some(p)) = (dst.as_object_mut(), patch.as_object()) else {
        *dst = patch.clone();
        return;
    };
    for (k, v) in p {
        if v.is_null() {
            d.remove(k);
            continue;
        }
        let key = merge_key(k).or_else(|| {
            (k == "ports").then(|| {
                if v.as_array()
                    .and_then(|a| a.first())
                    .is_some_and(|x| x.get("containerPort").is_some())
                {
                    "containerPort"
                } else {
                    "port"
                }
            })
        });
        match (d.get_mut(k), key) {
            (Some(Value::Array(existing)), Some(mk)) if v.is_array() => {
                for item in v.as_array().into_iter().flatten() {
                    let id = item.get(mk);
                    match existing
                        .iter_mut()
                        .find(|e| id.is_some() && e.get(mk) == id)
                    {
                        Some(e) => strategic_merge(e, item),
                        None => existing.push(item.clone()),
                    }
                }
            }
            (Some(existing), _) if existing.is_object() && v.is_object() => {
                strategic_merge(existing, v)
            }
            _ => {
                d.insert(k.clone(), v.clone());
            }
        }
    }
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(dst: &mut Value, patch: &Value) {
    let Some(p) = patch.as_object() else {
        *dst = patch.clone();
        return;
    };
    if !dst.is_object() {
        *dst = Value::Object(Map::new());
    }
    let d = dst.as_object_mut().expect("made an object");
    for (k, v) in p {
        if v.is_null() {
            d.remove(k);
        } else {
            merge_patch(d.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

fn pointer_parts(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(vec![]);
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!("invalid JSON pointer \"{path}\""));
    };
    Ok(rest
        .split('/')
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn json_patch_op(doc: &mut Value, op: &Value) -> Result<(), String> {
    let kind = op.str_at("op").ok_or("Unexpected kind: missing op")?;
    let path = op.str_at("path").ok_or("missing path")?;
    let parts = pointer_parts(path)?;
    let Some((last, parents)) = parts.split_last() else {
        return Err("cannot patch the root".into());
    };
    let value = op.get("value").cloned();
    if kind == "copy" || kind == "move" {
        let from = op.str_at("from").ok_or("missing from")?;
        let v = doc
            .pointer(from)
            .cloned()
            .ok_or_else(|| format!("doc is missing path: \"{from}\""))?;
        if kind == "move" {
            json_patch_op(doc, &serde_json::json!({"op": "remove", "path": from}))?;
        }
        return json_patch_op(
            doc,
            &serde_json::json!({"op": "add", "path": path, "value": v}),
        );
    }
    let parent_ptr: String = parents
        .iter()
        .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
        .collect();
    let parent = doc
        .pointer_mut(&parent_ptr)
        .ok_or_else(|| format!("doc is missing path: \"{path}\": missing value"))?;
    match parent {
        Value::Object(m) => match kind {
            "add" => {
                m.insert(last.clone(), value.ok_or("missing value")?);
            }
            "replace" => {
                if !m.contains_key(last) {
                    return Err(format!("replace operation does not apply: doc is missing key: {path}: missing value"));
                }
                m.insert(last.clone(), value.ok_or("missing value")?);
            }
            "remove" => {
                if m.remove(last).is_none() {
                    return Err(format!("remove operation does not apply: doc is missing path: \"{path}\": missing value"));
                }
            }
            "test" => {
                if m.get(last) != value.as_ref() {
                    return Err(format!("testing value {path} failed: test failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        },
        Value::Array(a) => {
            let idx = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>()
                    .map_err(|_| format!("invalid array index {last}"))?
            };
            match kind {
                "add" if idx <= a.len() => a.insert(idx, value.ok_or("missing value")?),
                "replace" if idx < a.len() => a[idx] = value.ok_or("missing value")?,
                "remove" if idx < a.len() => {
                    a.remove(idx);
                }
                "test" if idx < a.len() => {
                    if Some(&a[idx]) != value.as_ref() {
                        return Err(format!("testing value {path} failed: test failed"));
                    }
                }
                "add" | "replace" | "remove" | "test" => {
                    return Err(format!(
                        "Unable to access invalid index: {idx}: invalid index referenced"
                    ))
                }
                other => return Err(format!("Unexpected kind: {other}")),
            }
        }
        _ => return Err(format!("doc is missing path: \"{path}\": missing value")),
    }
    Ok(())
}

/// RFC 6902 JSON patch.
pub fn json_patch(doc: &mut Value, ops: &Value) -> Result<(), String> {
    let ops = ops
        .as_array()
        .ok_or("json: cannot unmarshal object into Go value of type jsonpatch.Patch")?;
    for op in ops {
        json_patch_op(doc, op)?;
    }
    Ok(())
}

/// Replaces a stored object with `new`, keeping its status (a subresource
/// a spec write cannot change) and checking the update rules.
fn update_object(sim: &mut Sim, old: &Object, mut new: Object) -> Result<bool, String> {
    new.meta.namespace = old.meta.namespace.clone();
    new.meta.name = old.meta.name.clone();
    if let Some(st) = old.body.get("status") {
        new.body.insert("status".into(), st.clone());
    } else {
        new.body.remove("status");
    }
    crate::sim::defaults::apply(&mut new);
    crate::sim::manifest::validate_update(old, &new, &sim.config.feature_gates)
        .map_err(|m| invalid(old, &m))?;
    api::update(sim, new, "kubectl").map_err(|e| e.to_string())
}

fn object_namespace(o: &Object, args: &Args) -> Result<String, String> {
    let flag = args.get("namespace");
    if !o.kind.namespaced() {
        return Ok(String::new());
    }
    match (o.meta.namespace.as_str(), flag) {
        ("", f) => Ok(f.unwrap_or("default").to_string()),
        (ns, Some(f)) if ns != f => Err(format!(
            "error: the namespace from the provided object \"{ns}\" does not match the namespace \"{f}\". You must pass '--namespace={ns}' to perform this operation."
        )),
        (ns, _) => Ok(ns.to_string()),
    }
}

/// `GetModifiedConfiguration`: the object as the user wrote it, as
/// compact JSON, with an `annotations` map (left empty once the
/// annotation itself is taken out) and without server-set metadata.
fn last_applied(manifest: &Value) -> String {
    let mut v = manifest.clone();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for f in ["creationTimestamp", "resourceVersion", "uid"] {
            m.remove(f);
        }
        let ann = m
            .entry("annotations")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(a) = ann.as_object_mut() {
            a.remove(LAST_APPLIED);
        }
    }
    format!("{}\n", serde_json::to_string(&v).unwrap_or_default())
}

/// `apply -f` / `create -f` / `replace -f`.
pub fn apply_cmd(
    sim: &mut Sim,
    args: &Args,
    files: &[(String, String)],
    verb: &str,
) -> Result<String, String> {
    let create = verb == "create";
    if create && !args.positional.is_empty() {
        // Not a generator (kubectl create namespace|configmap|...: create.rs).
        return Err(format!(
            "error: Unexpected args: [{}]\nSee 'kubectl create -h' for help and examples",
            args.positional.join(" ")
        ));
    }
    if !args.has("filename") {
        return Err("error: must specify one of -f and -k".into());
    }
    if !args.positional.is_empty() {
        return Err(format!(
            "error: Unexpected args: [{}]\nSee 'kubectl {verb} -h' for help and examples",
            args.positional.join(" ")
        ));
    }
    let (objs, warnings, errors) = super::manifest_objects(args, files, &sim.config.feature_gates)?;
    let mut lines: Vec<String> = warnings;
    let mut failed = !errors.is_empty();
    let file_of = |_o: &Object| -> String {
        let f = args.all("filename");
        match f.first().map(String::as_str) {
            Some("-") | None => "STDIN".to_string(),
            Some(x) => x.to_string(),
        }
    };
    let dry = args
        .get("dry-run")
        .is_some_and(|d| d != "none" && d != "false");
    let suffix = if dry { " (dry run)" } else { "" };
    for mut o in objs {
        let ns = match object_namespace(&o, args) {
            Ok(ns) => ns,
            Err(e) => {
                lines.push(e);
                failed = true;
                continue;
            }
        };
        o.meta.namespace = ns;
        let key = o.key();
        let word = ref_name(&key);
        let existing = sim.store.get_key(&key).cloned();
        let manifest_value = o.to_value();
        match existing {
            None if verb == "replace" => {
                failed = true;
                lines.push(format!(
                    "Error from server (NotFound): error when replacing \"{}\": {}",
                    file_of(&key_obj(&key)),
                    ApiError::not_found(key.kind, &key.name).message
                ));
            }
            Some(old) if verb == "replace" => {
                if dry {
                    lines.push(format!("{word} replaced{suffix}"));
                    continue;
                }
                match update_object(sim, &old, o) {
                    Ok(_) => lines.push(format!("{word} replaced")),
                    Err(e) => {
                        failed = true;
                        lines.push(e);
                    }
                }
            }
            None => {
                if !create || args.bool("save-config") {
                    o.meta
                        .annotations
                        .insert(LAST_APPLIED.into(), last_applied(&manifest_value));
                }
                if dry {
                    // The client's object: the file's, in the namespace the
                    // builder gave it, with apply's annotation.
                    let mut v = o.to_value();
                    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
                        // Object keeps these fields; the client's copy has none.
                        for f in ["creationTimestamp", "resourceVersion", "uid"] {
                            m.remove(f);
                        }
                    }
                    match args.get("output") {
                        Some("yaml") => lines.push(super::get::to_yaml(&v)),
                        Some("json") => lines.push(super::get::to_json(&v)),
                        Some(_) => lines.push(word),
                        None => lines.push(format!("{word} created{suffix}")),
                    }
                    continue;
                }
                allocate_service(sim, &mut o);
                match api::create(sim, o, "kubectl") {
                    Ok(_) => lines.push(format!("{word} created")),
                    Err(e) => {
                        failed = true;
                        lines.push(format!(
                            "Error from server ({:?}): error when creating \"{}\": {}",
                            e.reason,
                            file_of(&key_obj(&key)),
                            e.message
                        ));
                    }
                }
            }
            Some(old) if create => {
                let _ = old;
                failed = true;
                lines.push(format!(
                    "Error from server (AlreadyExists): error when creating \"{}\": {}",
                    file_of(&key_obj(&key)),
                    ApiError::new(
                        Reason::AlreadyExists,
                        format!(
                            "{} \"{}\" already exists",
                            api::resource_word(key.kind),
                            key.name
                        )
                    )
                    .message
                ));
            }
            Some(old) => {
                // The three-way merge's "modified": what last-applied records.
                let applied_text = last_applied(&manifest_value);
                let applied: Value =
                    serde_json::from_str(&applied_text).unwrap_or_else(|_| manifest_value.clone());
                let last: Option<Value> = old
                    .meta
                    .annotations
                    .get(LAST_APPLIED)
                    .and_then(|s| serde_json::from_str(s).ok());
                let mut merged = old.to_value();
                let mut src = applied.clone();
                // Status is not the user's to apply.
                if let Some(m) = src.as_object_mut() {
                    m.remove("status");
                }
                apply_merge(&mut merged, &src, last.as_ref());
                let mut new = match Object::from_value(&merged) {
                    Ok(n) => n,
                    Err(e) => {
                        failed = true;
                        lines.push(format!("error: {e}"));
                        continue;
                    }
                };
                new.meta
                    .annotations
                    .insert(LAST_APPLIED.into(), applied_text);
                if dry {
                    // A client dry run prints the object the builder fetched
                    // (the live one), as kubectl does (kubernetes#94965).
                    match args.get("output") {
                        Some("yaml") => lines.push(super::get::to_yaml(&old.to_value())),
                        Some("json") => lines.push(super::get::to_json(&old.to_value())),
                        Some(_) => lines.push(word),
                        None => lines.push(format!("{word} configured{suffix}")),
                    }
                    continue;
                }
                match update_object(sim, &old, new) {
                    Ok(true) => lines.push(format!("{word} configured")),
                    Ok(false) => lines.push(format!("{word} unchanged")),
                    Err(e) => {
                        failed = true;
                        lines.push(e);
                    }
                }
            }
        }
    }
    lines.extend(errors);
    if lines.is_empty() {
        return Err("error: no objects passed to apply".into());
    }
    finish(lines, failed)
}

fn key_obj(key: &Key) -> Object {
    Object::new(key.kind, &key.namespace, &key.name)
}

/// `delete`: by name, `-l`, `--all`, `-f`; graceful unless `--force`.
pub fn delete_cmd(
    sim: &mut Sim,
    args: &Args,
    files: &[(String, String)],
) -> Result<String, String> {
    let ns = namespace(args);
    let all_ns = args.bool("all-namespaces");
    let sel = selector(args)?;
    let mut lines: Vec<String> = Vec::new();
    let mut failed = false;
    let mut keys: Vec<Result<Key, String>> = Vec::new();
    if args.has("filename") {
        let (objs, _, errs) = super::manifest_objects(args, files, &sim.config.feature_gates)?;
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
        if !named && sel.is_none() && !args.bool("all") {
            return Err("error: resource(s) were provided, but no name was specified".into());
        }
        keys = super::select_keys(sim, &targets, &ns, all_ns, sel.as_ref());
        if keys.is_empty() {
            return Ok(format!(
                "{}\n",
                super::no_resources(if all_ns { None } else { Some(&ns) })
            ));
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
        lines.push("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.".into());
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
        lines.push(format!(
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
                    lines.push(format!("{} deleted (dry run)", quoted(&key)));
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
                            lines.push(ref_name(&key));
                        } else {
                            lines.push(format!("{} {verb}", quoted(&key)));
                        }
                        deleted.push((key, uid));
                    }
                    Err(e) => {
                        failed = true;
                        lines.push(e.to_string());
                    }
                }
            }
            Err(e) => {
                if !args.bool("ignore-not-found") {
                    failed = true;
                    lines.push(e);
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
            failed = true;
            for (k, _) in &deleted {
                lines.push(format!(
                    "error: timed out waiting for the condition on {}",
                    super::resources::kind_word(k.kind)
                        .split('.')
                        .next()
                        .map(|w| format!("{}s/{}", w, k.name))
                        .unwrap_or_default()
                ));
            }
        }
    }
    finish(lines, failed)
}

/// Resolves `TYPE NAME` or `TYPE/NAME` to one key.
fn one_target(args: &Args, words: &[String], ns: &str) -> Result<Key, String> {
    let targets = resources::parse_targets(words)?;
    let Some((r, names)) = targets.groups.first() else {
        return Err("error: you must specify the type of resource".into());
    };
    let Resource::Kind(kind) = *r else {
        return Err("error: events cannot be changed here".into());
    };
    let _ = args;
    let Some(name) = names.first() else {
        return Err("error: resource(s) were provided, but no name was specified".into());
    };
    Ok(Key::new(kind, ns, name))
}

/// `scale --replicas=N TYPE NAME`. `--replicas` is a Go `int`; the
/// scale subresource's `spec.replicas` an `int32`, so a count past
/// 2147483647 fails where kubectl's request meets it (see `too_big`).
pub fn scale(sim: &mut Sim, args: &Args) -> Result<String, String> {
    let ns = namespace(args);
    let Some(rep) = args.get("replicas") else {
        return Err("error: required flag(s) \"replicas\" not set".into());
    };
    let replicas = super::parse::go_parse_int(rep).map_err(|why| {
        format!(
            "error: invalid argument \"{rep}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{rep}\": {why}\nSee 'kubectl scale --help' for usage."
        )
    })?;
    if replicas < 0 {
        return Err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0".into());
    }
    if args.positional.is_empty() {
        return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
    }
    let targets = resources::parse_targets(&args.positional)?;
    let sel = selector(args)?;
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
            Kind::StatefulSet | Kind::ReplicationController | Kind::ReplicaSet | Kind::Deployment
        ) {
            failed = true;
            lines.push(format!(
                "error: no scaler has been implemented for {{\"{}\" \"{}\"}}",
                key.kind.group(),
                key.kind
            ));
            continue;
        }
        let Some(old) = sim.store.get_key(&key).cloned() else {
            continue;
        };
        let precondition = args.get("current-replicas");
        if let Some(cur) = precondition {
            let have = old.spec().i64_at("replicas").unwrap_or(1);
            if cur.parse::<i64>().ok() != Some(have) && cur != "-1" {
                failed = true;
                lines.push(format!("error: Expected replicas to be {cur}, was {have}"));
                continue;
            }
        }
        let replicas = match too_big(&old, replicas, precondition.is_some()) {
            Ok(n) => n,
            Err(e) => {
                failed = true;
                lines.push(e);
                continue;
            }
        };
        // kubectl's client dry run prints the object unchanged; the
        // server's validates and changes nothing.
        match super::create::dry_run(args)? {
            "client" => {
                lines.push(format!("{} scaled (dry run)", ref_name(&key)));
                continue;
            }
            "server" => {
                lines.push(format!("{} scaled (server dry run)", ref_name(&key)));
                continue;
            }
            _ => {}
        }
        let mut new = old.clone();
        new.spec_mut()["replicas"] = replicas.into();
        match api::update(sim, new, "kubectl") {
            Ok(_) => lines.push(format!("{} scaled", ref_name(&key))),
            Err(e) => {
                failed = true;
                lines.push(e.to_string());
            }
        }
    }
    finish(lines, failed)
}

/// A count past `int32`, as kubectl v1.31's scaler sends it. Without a
/// precondition it is a merge patch `{"spec":{"replicas":N}}` of the scale
/// subresource, which the API server cannot decode into `autoscaling/v1`
/// `Scale`: an Invalid `patch` error quoting the patched object (keys
/// sorted, as json-patch's `MergePatch` writes them). With
/// `--current-replicas` kubectl updates the `Scale` with `int32(N)`, Go's
/// truncation: validation refuses a negative result, and a positive one
/// (4294967297 is 1) is what the set is scaled to.
fn too_big(old: &Object, n: i64, precondition: bool) -> Result<i64, String> {
    if n <= i64::from(i32::MAX) {
        return Ok(n);
    }
    if precondition {
        let wrapped = i64::from(n as u64 as u32 as i32);
        if wrapped < 0 {
            return Err(format!(
                "The Scale \"{}\" is invalid: spec.replicas: Invalid value: {wrapped}: must be greater than or equal to 0",
                old.meta.name
            ));
        }
        return Ok(wrapped);
    }
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let m = &old.meta;
    let selector = super::printers::selector_string(old.spec().at("selector"));
    let mut status = format!(
        "{{\"replicas\":{}",
        old.field("status").i64_at("replicas").unwrap_or(0)
    );
    if selector != "<none>" {
        status.push_str(&format!(",\"selector\":{}", q(&selector)));
    }
    status.push('}');
    let patched = format!(
        "{{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":{{\"name\":{},\"namespace\":{},\"uid\":{},\"resourceVersion\":{},\"creationTimestamp\":{}}},\"spec\":{{\"replicas\":{n}}},\"status\":{status}}}",
        q(&m.name),
        q(&m.namespace),
        q(&m.uid),
        q(&m.resource_version.to_string()),
        q(&crate::sim::object::rfc3339(m.creation_timestamp)),
    );
    Err(format!(
        "The request is invalid: patch: Invalid value: {}: json: cannot unmarshal number {n} into Go struct field ScaleSpec.spec.replicas of type int32",
        q(&patched)
    ))
}

/// A JSON value as Go's `%v` prints a `map[string]interface{}`.
fn go_map(v: &Value) -> String {
    match v {
        Value::Object(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, v)| format!("{k}:{}", go_map(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Value::Array(a) => format!("[{}]", a.iter().map(go_map).collect::<Vec<_>>().join(" ")),
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".into(),
        other => other.to_string(),
    }
}

/// `patch TYPE NAME -p PATCH [--type strategic|merge|json]`.
pub fn patch(sim: &mut Sim, args: &Args) -> Result<String, String> {
    let ns = namespace(args);
    let Some(p) = args.get("patch") else {
        return Err("error: must specify -p to patch".into());
    };
    let key = one_target(args, &args.positional, &ns)?;
    let Some(old) = sim.store.get_key(&key).cloned() else {
        return Err(ApiError::not_found(key.kind, &key.name).to_string());
    };
    let patch_value: Value = serde_json::from_str(p)
        .or_else(|_| serde_yaml::from_str::<Value>(p))
        .map_err(|e| format!("error: unable to parse \"{p}\": {e}"))?;
    let mut doc = old.to_value();
    let ptype = args.get("type").unwrap_or("strategic");
    match ptype {
        "strategic" => {
            if !patch_value.is_object() {
                return Err(format!("error: unable to parse \"{p}\": json: cannot unmarshal array into Go value of type map[string]interface {{}}"));
            }
            strategic_merge(&mut doc, &patch_value)
        }
        "merge" => merge_patch(&mut doc, &patch_value),
        "json" => json_patch(&mut doc, &patch_value)
            .map_err(|e| format!("The request is invalid: {e}"))?,
        other => {
            return Err(format!(
                "error: --type must be one of [json merge strategic], not \"{other}\""
            ))
        }
    }
    let new = Object::from_value(&doc).map_err(|e| format!("error: {e}"))?;
    if new.kind != old.kind || new.meta.name != old.meta.name {
        return Err(invalid(&old, "metadata.name: Invalid value: the name or kind of an object cannot be changed by a patch"));
    }
    // Types the API server would reject (a string where an integer goes):
    // decoding the patched object into the typed struct fails.
    if let Some(r) = new.spec().get("replicas") {
        if !r.is_i64() && !r.is_null() {
            return Err(match ptype {
                "strategic" => format!(
                    "The request is invalid: patch: Invalid value: \"{}\": unrecognized type: int32",
                    go_map(&patch_value)
                ),
                _ => format!(
                    "Error from server (BadRequest): {kind} in version \"v1\" cannot be handled as a {kind}: json: cannot unmarshal {} into Go struct field {kind}Spec.spec.replicas of type int32",
                    if r.is_string() { "string" } else { "object" },
                    kind = old.kind
                ),
            });
        }
    }
    match update_object(sim, &old, new)? {
        true => Ok(format!("{} patched\n", ref_name(&key))),
        false => Ok(format!("{} patched (no change)\n", ref_name(&key))),
    }
}

/// `label` / `annotate` (`field` is `labels` or `annotations`).
pub fn label(sim: &mut Sim, args: &Args, field: &str) -> Result<String, String> {
    let ns = namespace(args);
    let verb = if field == "labels" {
        "labeled"
    } else {
        "annotated"
    };
    // Split resource words from key=value / key- changes.
    let mut res_words: Vec<String> = Vec::new();
    let mut changes: Vec<(String, Option<String>)> = Vec::new();
    for w in &args.positional {
        if let Some((k, v)) = w.split_once('=') {
            changes.push((k.to_string(), Some(v.to_string())));
        } else if w.ends_with('-')
            && !res_words.is_empty()
            && (res_words.len() >= 2 || res_words[0].contains('/'))
        {
            changes.push((w.trim_end_matches('-').to_string(), None));
        } else {
            res_words.push(w.clone());
        }
    }
    if changes.is_empty() {
        return Err(format!(
            "error: at least one {} update is required",
            if field == "labels" {
                "label"
            } else {
                "annotation"
            }
        ));
    }
    if res_words.is_empty() {
        return Err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>".into());
    }
    let targets = resources::parse_targets(&res_words)?;
    let sel = selector(args)?;
    let named = targets.groups.iter().any(|(_, n)| !n.is_empty());
    if !named && sel.is_none() && !args.bool("all") {
        return Err("error: resource(s) were provided, but no name was specified".into());
    }
    let keys = super::select_keys(
        sim,
        &targets,
        &ns,
        args.bool("all-namespaces"),
        sel.as_ref(),
    );
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
        let Some(old) = sim.store.get_key(&key).cloned() else {
            continue;
        };
        let mut new = old.clone();
        let map = if field == "labels" {
            &mut new.meta.labels
        } else {
            &mut new.meta.annotations
        };
        let mut err = None;
        for (k, v) in &changes {
            match v {
                Some(v) => {
                    if let Some(cur) = map.get(k) {
                        if cur != v && !args.bool("overwrite") {
                            err = Some(format!(
                                "error: '{k}' already has a value ({cur}), and --overwrite is false"
                            ));
                            break;
                        }
                    }
                    map.insert(k.clone(), v.clone());
                }
                None => {
                    map.remove(k);
                }
            }
        }
        if let Some(e) = err {
            failed = true;
            lines.push(e);
            continue;
        }
        match api::update(sim, new, "kubectl") {
            Ok(true) => lines.push(format!("{} {verb}", ref_name(&key))),
            Ok(false) => lines.push(format!("{} not {verb}", ref_name(&key))),
            Err(e) => {
                failed = true;
                lines.push(e.to_string());
            }
        }
    }
    finish(lines, failed)
}

/// Saves an edited object (`kubectl edit` after the editor closed): the
/// text replaces the object; kubectl's words for the outcome.
pub fn edit_save(sim: &mut Sim, args: &Args, text: &str) -> Result<String, String> {
    let ns = namespace(args);
    let key = one_target(args, &args.positional, &ns)?;
    let Some(old) = sim.store.get_key(&key).cloned() else {
        return Err(ApiError::not_found(key.kind, &key.name).to_string());
    };
    let parsed = crate::sim::manifest::parse_gated(
        text,
        crate::sim::manifest::FieldValidation::Strict,
        &sim.config.feature_gates,
    );
    let errors = parsed.kubectl_errors();
    if !errors.is_empty() {
        return Err(format!(
            "error: {}\nerror: Edit cancelled, no valid changes were saved.",
            errors.join("\n")
        ));
    }
    let Some(new) = parsed.objects.into_iter().next().map(|p| p.object) else {
        return Ok("Edit cancelled, no changes made.\n".into());
    };
    if new.kind != old.kind || new.meta.name != old.meta.name {
        return Err("error: At least one of apiVersion, kind and name was changed\nerror: Edit cancelled, no valid changes were saved.".to_string());
    }
    match update_object(sim, &old, new) {
        Ok(true) => Ok(format!("{} edited\n", ref_name(&key))),
        Ok(false) => Ok("Edit cancelled, no changes made.\n".into()),
        Err(e) => Err(format!(
            "{e}\nerror: Edit cancelled, no valid changes were saved."
        )),
    }
}

/// What `kubectl edit ARGS` would open: the object's key and its YAML.
/// The browser shows it in its editor and applies the saved text.
pub fn edit_target(sim: &Sim, args: &str) -> Result<(Key, String), String> {
    let mut words = super::parse::tokenize(args).map_err(|e| format!("error: {e}"))?;
    if words.first().map(String::as_str) == Some("kubectl") {
        words.remove(0);
    }
    if words.first().map(String::as_str) == Some("edit") {
        words.remove(0);
    }
    let a = super::parse::parse_args(&words, "edit", "edit")?;
    let ns = namespace(&a);
    let key = one_target(&a, &a.positional, &ns)?;
    let o = sim
        .store
        .get_key(&key)
        .ok_or_else(|| ApiError::not_found(key.kind, &key.name).to_string())?;
    Ok((key, super::get::to_yaml(&o.to_value())))
}

/// Kind word for messages about a kind without an object.
pub fn kind_label(kind: Kind) -> String {
    kind_word(kind)
}
