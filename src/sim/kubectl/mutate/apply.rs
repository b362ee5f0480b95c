//! `kubectl apply`, `create -f` and `replace -f` (upstream `pkg/cmd/apply`,
//! `pkg/cmd/create`, `pkg/cmd/replace`): the three-way merge with the
//! last-applied annotation.

use super::*;
use crate::sim::kubectl::output::{self, ObjectPrinter};

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
pub(super) fn apply_merge(dst: &mut Value, src: &Value, last: Option<&Value>) {
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

/// `GetModifiedConfiguration`: the object as the user wrote it, as
/// compact JSON, with an `annotations` map (left empty once the
/// annotation itself is taken out) and without server-set metadata.
pub(super) fn last_applied(manifest: &Value) -> String {
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
    let (objs, warnings, errors) =
        crate::sim::kubectl::manifest_objects(args, files, &sim.config.feature_gates)?;
    let mut out = Report::with_lines(warnings);
    out.failed = !errors.is_empty();
    let file_of = |_o: &Object| -> String {
        let f = args.all("filename");
        match f.first().map(String::as_str) {
            Some("-") | None => "STDIN".to_string(),
            Some(x) => x.to_string(),
        }
    };
    let dry = crate::sim::kubectl::create::dry_run(args)?;
    // With `-o` other than `name`, nothing is printed per object: the
    // objects are printed together once all are written (a `List` when
    // there are several), and only when none failed.
    let at_end = output::prints_objects(args);
    let mut printed: Vec<Value> = Vec::new();
    // What `--template` without `-o` prints per object (no line breaks
    // of its own).
    let mut templated = String::new();
    let mut emit = |out: &mut Report, v: Value, operation: &str| -> Result<(), String> {
        if at_end {
            printed.push(v);
            return Ok(());
        }
        let printer = ObjectPrinter::new(args, dry)?;
        let text = printer.print(&v, operation)?;
        if printer.shows_object() {
            templated.push_str(&text);
        } else {
            out.push(text.trim_end_matches('\n').to_string());
        }
        Ok(())
    };
    for mut o in objs {
        let ns = match object_namespace(&o, args) {
            Ok(ns) => ns,
            Err(e) => {
                out.fail(e);
                continue;
            }
        };
        o.meta.namespace = ns;
        let key = o.key();
        let existing = sim.store.get_key(&key).cloned();
        let manifest_value = o.to_value();
        match existing {
            None if verb == "replace" => {
                out.fail(format!(
                    "Error from server (NotFound): error when replacing \"{}\": {}",
                    file_of(&key_obj(&key)),
                    ApiError::not_found(key.kind, &key.name).message
                ));
            }
            Some(old) if verb == "replace" => {
                let written = match dry {
                    // The client's object: the file's.
                    "client" => Ok(client_copy(&o)),
                    "server" => {
                        let mut scratch = sim.clone();
                        update_object(&mut scratch, &old, o).map(|_| stored(&scratch, &key))
                    }
                    _ => update_object(sim, &old, o).map(|_| stored(sim, &key)),
                };
                match written {
                    Ok(v) => emit(&mut out, v, "replaced")?,
                    Err(e) => out.fail(e),
                }
            }
            None => {
                if !create || args.bool("save-config") {
                    o.meta
                        .annotations
                        .insert(LAST_APPLIED.into(), last_applied(&manifest_value));
                }
                if dry == "client" {
                    // The client's object: the file's, in the namespace the
                    // builder gave it, with apply's annotation.
                    emit(&mut out, client_copy(&o), "created")?;
                    continue;
                }
                let mut scratch = (dry == "server").then(|| sim.clone());
                let target = scratch.as_mut().unwrap_or(sim);
                allocate_service(target, &mut o);
                match api::create(target, o, "kubectl") {
                    Ok(created) => emit(&mut out, created.to_value(), "created")?,
                    Err(e) => {
                        out.fail(format!(
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
                out.fail(format!(
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
                        out.fail(format!("error: {e}"));
                        continue;
                    }
                };
                new.meta
                    .annotations
                    .insert(LAST_APPLIED.into(), applied_text);
                if dry == "client" {
                    // A client dry run prints the object the builder fetched
                    // (the live one), as kubectl does (kubernetes#94965).
                    emit(&mut out, old.to_value(), "configured")?;
                    continue;
                }
                let written = if dry == "server" {
                    let mut scratch = sim.clone();
                    update_object(&mut scratch, &old, new).map(|c| (c, stored(&scratch, &key)))
                } else {
                    update_object(sim, &old, new).map(|c| (c, stored(sim, &key)))
                };
                match written {
                    Ok((true, v)) => emit(&mut out, v, "configured")?,
                    Ok((false, v)) => emit(&mut out, v, "unchanged")?,
                    Err(e) => out.fail(e),
                }
            }
        }
    }
    out.lines.extend(errors);
    if out.lines.is_empty() && printed.is_empty() && templated.is_empty() {
        return Err("error: no objects passed to apply".into());
    }
    if out.failed {
        return out.finish();
    }
    if !at_end {
        let mut text = crate::sim::kubectl::finish(out.lines, false)?;
        text.push_str(&templated);
        return Ok(text);
    }
    // The printer is built only now: a bad `-o` fails after the writes.
    let printer = ObjectPrinter::new(args, dry)?;
    let root = if printed.len() == 1 {
        printed.remove(0)
    } else {
        serde_json::json!({"apiVersion": "v1", "items": printed, "kind": "List", "metadata": {}})
    };
    let mut text = crate::sim::kubectl::finish(out.lines, false)?;
    text.push_str(&printer.print(&root, "")?);
    Ok(text)
}

/// The object as the client holds it (a client dry run): without the
/// fields only the server sets.
fn client_copy(o: &Object) -> Value {
    let mut v = o.to_value();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        // Object keeps these fields; the client's copy has none.
        for f in ["creationTimestamp", "resourceVersion", "uid"] {
            m.remove(f);
        }
    }
    v
}

/// The object as the store holds it after a write.
pub(super) fn stored(sim: &Sim, key: &Key) -> Value {
    sim.store
        .get_key(key)
        .map(Object::to_value)
        .unwrap_or(Value::Null)
}
