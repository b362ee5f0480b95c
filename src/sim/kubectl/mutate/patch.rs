//! `kubectl patch` (upstream `pkg/cmd/patch`) and the three patch types it
//! sends: strategic merge, JSON merge (RFC 7386) and JSON patch (RFC 6902).

use super::*;
use crate::sim::kubectl::output::ObjectPrinter;

/// The merge key of a list under strategic merge patch, for the lists of
/// the simulated kinds that have one.
pub(super) fn merge_key(field: &str) -> Option<&'static str> {
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

pub(super) fn pointer_parts(path: &str) -> Result<Vec<String>, String> {
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

pub(super) fn json_patch_op(doc: &mut Value, op: &Value) -> Result<(), String> {
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

/// The API server's refusal of a patch body of the wrong JSON shape (a
/// JSON patch sent as the default strategic one, or the other way round).
/// kubectl sends any body that parses as YAML; the patch handler decodes it
/// strictly (kubectl's `--validate=strict` default): a strategic merge
/// patch into a map, a merge patch into a map and a JSON patch into a list
/// of operations, the last two "error decoding patch". A `null` body
/// decodes to nothing, as Go's decoder leaves the target empty.
fn patch_body_error(ptype: &str, patch: &Value) -> Option<String> {
    let decoding = "error decoding patch: ";
    let (what, target, prefix) = match (ptype, patch) {
        (_, Value::Null) => return None,
        ("strategic", v) if !v.is_object() => (v, "map[string]interface {}", ""),
        ("merge", v) if !v.is_object() => (v, "map[string]interface {}", decoding),
        ("json", Value::Array(ops)) => {
            let op = ops.iter().find(|op| !op.is_object() && !op.is_null())?;
            (op, "handlers.jsonPatchOp", decoding)
        }
        ("json", v) => (v, "[]handlers.jsonPatchOp", decoding),
        _ => return None,
    };
    Some(format!(
        "Error from server (BadRequest): {prefix}json: cannot unmarshal {} into Go value of type {target}",
        crate::sim::manifest::json_type(what)
    ))
}

/// `patch TYPE NAME -p PATCH [--type strategic|merge|json]`.
pub fn patch(sim: &mut Sim, args: &Args) -> Result<String, String> {
    let ns = namespace(args);
    // kubectl's Validate, before anything is read: a patch, and a known
    // type (its case does not matter).
    let Some(p) = args.get("patch") else {
        return Err(
            "error: must specify --patch or --patch-file containing the contents of the patch"
                .into(),
        );
    };
    let given = args.get("type").unwrap_or("strategic");
    let ptype = given.to_ascii_lowercase();
    if !matches!(ptype.as_str(), "json" | "merge" | "strategic") {
        return Err(format!(
            "error: --type must be one of [json merge strategic], not \"{given}\""
        ));
    }
    let key = one_target(args, &args.positional, &ns)?;
    let Some(old) = sim.store.get_key(&key).cloned() else {
        return Err(ApiError::not_found(key.kind, &key.name).to_string());
    };
    let patch_value: Value = serde_json::from_str(p)
        .or_else(|_| serde_yaml::from_str::<Value>(p))
        .map_err(|e| format!("error: unable to parse \"{p}\": {e}"))?;
    let mut doc = old.to_value();
    let ptype = ptype.as_str();
    if let Some(e) = patch_body_error(ptype, &patch_value) {
        return Err(e);
    }
    match ptype {
        "merge" => merge_patch(&mut doc, &patch_value),
        "json" => json_patch(&mut doc, &patch_value)
            .map_err(|e| format!("The request is invalid: {e}"))?,
        _ => strategic_merge(&mut doc, &patch_value),
    }
    let mut new = Object::from_value(&doc).map_err(|e| format!("error: {e}"))?;
    if new.kind != old.kind || new.meta.name != old.meta.name {
        return Err(invalid(&old, "metadata.name: Invalid value: the name or kind of an object cannot be changed by a patch"));
    }
    // What the API server makes of `spec.replicas`, an int32. A strategic
    // merge patch is applied to the object as a map and converted back by
    // apimachinery's unstructured converter: a value of another type fails
    // as "unrecognized type" (the patch map quoted), and a count past int32
    // (`3000000000`, as `kubectl scale` meets it, see scale.rs) becomes Go's
    // `int32(n)` (validation refuses a negative result, a positive one is
    // applied). Merge and JSON patches (the handler's `jsonPatcher`) decode
    // the patched JSON into the typed object, which refuses both: an Invalid
    // `patch` error (no kind, no name: "The request is invalid") quoting the
    // whole patched object (keys sorted, as json-patch writes a map) and
    // the JSON decoder's complaint.
    if let Some(r) = new.spec().get("replicas").filter(|r| !r.is_null()) {
        let decode_error = match r {
            Value::Number(n) if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => None,
            Value::Number(n) if ptype == "strategic" && n.is_i64() => None,
            _ if ptype == "strategic" => {
                return Err(format!(
                "The request is invalid: patch: Invalid value: \"{}\": unrecognized type: int32",
                go_map(&patch_value)
            ))
            }
            Value::Number(n) => Some(format!("number {n}")),
            Value::String(_) => Some("string".to_string()),
            Value::Bool(_) => Some("bool".to_string()),
            Value::Array(_) => Some("array".to_string()),
            _ => Some("object".to_string()),
        };
        if let Some(what) = decode_error {
            let patched = serde_json::to_string(&doc).unwrap_or_default();
            return Err(format!(
                "The request is invalid: patch: Invalid value: {}: json: cannot unmarshal {what} into Go struct field {}Spec.spec.replicas of type int32",
                serde_json::to_string(&patched).unwrap_or_default(),
                old.kind
            ));
        }
        if let Some(n) = r.as_i64().filter(|n| i32::try_from(*n).is_err()) {
            new.spec_mut()["replicas"] = i64::from(n as i32).into();
        }
    }
    // `--dry-run`: kubectl patches a client dry run itself and sends a
    // server one with `dryRun=All` (the server validates, answers with the
    // patched object and keeps nothing).
    let dry = crate::sim::kubectl::create::dry_run(args)?;
    let (changed, after) = match dry {
        "client" => (doc != old.to_value(), doc),
        _ => update_as(sim, &old, new, dry)?,
    };
    // The printer is built only now, so a bad `-o` fails after the write;
    // it prints the object the server answered with (the locally patched
    // one for a client dry run), or the name and what was done.
    let printer = ObjectPrinter::new(args, dry)?;
    printer.print(
        &after,
        if changed {
            "patched"
        } else {
            "patched (no change)"
        },
    )
}
