//! Commands that write: apply, create, delete, scale, patch, set image,
//! label, annotate, and the editor's `edit` target, one file per kubectl command
//! package; here what they share.

mod apply;
mod delete;
mod edit;
mod label;
mod patch;
mod scale;
mod set;

use super::parse::{parse_duration_ms, Args};
use super::resources::{self, kind_word, Resource};
use super::{namespace, quoted, ref_name, selector, Report};
use crate::sim::api::{self, ApiError, DeleteOptions, Reason};
use crate::sim::controllers::Propagation;
use crate::sim::engine::Sim;
use crate::sim::object::{json_text, Key, Kind, Object, ValueExt};
pub use apply::apply_cmd;
pub use delete::delete_cmd;
pub use edit::{edit_save, edit_target, kind_label};
pub use label::label;
pub use patch::{json_patch, merge_patch, patch, strategic_merge};
pub use scale::scale;
use serde_json::{Map, Value};
pub use set::set;

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
    // The validating admission plugins run after validation.
    crate::sim::defaults::admit_claim_resize(old, &new, &sim.store)
        .map_err(|m| format!("Error from server (Forbidden): {m}"))?;
    api::update(sim, new, "kubectl").map_err(|e| e.to_string())
}

/// [`update_object`] as `--dry-run` asks (`none` or `server`): a server
/// dry run writes a scratch copy of the cluster (the server validates and
/// keeps nothing). Whether the object changed, and the object the server
/// answered with.
fn update_as(sim: &mut Sim, old: &Object, new: Object, dry: &str) -> Result<(bool, Value), String> {
    let key = old.key();
    if dry == "server" {
        let mut scratch = sim.clone();
        let changed = update_object(&mut scratch, old, new)?;
        return Ok((changed, apply::stored(&scratch, &key)));
    }
    let changed = update_object(sim, old, new)?;
    Ok((changed, apply::stored(sim, &key)))
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

fn key_obj(key: &Key) -> Object {
    Object::new(key.kind, &key.namespace, &key.name)
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
        other => json_text(other),
    }
}
