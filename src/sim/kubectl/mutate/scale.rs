//! `kubectl scale` (upstream `pkg/cmd/scale`).

use super::*;
use crate::sim::kubectl::output::ObjectPrinter;

/// `scale --replicas=N TYPE NAME`. `--replicas` is a Go `int`; the
/// scale subresource's `spec.replicas` an `int32`, so a count past
/// 2147483647 fails where kubectl's request meets it (see `too_big`).
pub fn scale(sim: &mut Sim, args: &Args) -> Result<String, String> {
    let ns = namespace(args);
    let Some(rep) = args.get("replicas") else {
        return Err("error: required flag(s) \"replicas\" not set".into());
    };
    let replicas = crate::sim::kubectl::parse::go_parse_int(rep).map_err(|why| {
        format!(
            "error: invalid argument \"{rep}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{rep}\": {why}\nSee 'kubectl scale --help' for usage."
        )
    })?;
    // ToOptions builds the printer (a bad `-o` fails before anything is
    // scaled), Validate checks the count.
    let dry = crate::sim::kubectl::create::dry_run(args)?;
    let printer = ObjectPrinter::new(args, dry)?;
    if replicas < 0 {
        return Err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0".into());
    }
    if args.positional.is_empty() {
        return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
    }
    let targets = resources::parse_targets(&args.positional)?;
    let sel = selector(args)?;
    let keys = crate::sim::kubectl::select_keys_of(
        sim,
        &targets,
        &ns,
        sel.as_ref(),
        &[
            Kind::StatefulSet,
            Kind::ReplicationController,
            Kind::ReplicaSet,
            Kind::Deployment,
        ],
        "scaler",
    );
    let mut out = Report::default();
    for k in keys {
        let Some((_, old)) = out.object(sim, k) else {
            continue;
        };
        let precondition = args.get("current-replicas");
        if let Some(cur) = precondition {
            let have = old.spec().i64_at("replicas").unwrap_or(1);
            if cur.parse::<i64>().ok() != Some(have) && cur != "-1" {
                out.fail(format!("error: Expected replicas to be {cur}, was {have}"));
                continue;
            }
        }
        let replicas = match too_big(&old, replicas, precondition.is_some()) {
            Ok(n) => n,
            Err(e) => {
                out.fail(e);
                continue;
            }
        };
        // kubectl v1.31 prints the object as it read it, before the scale
        // (later versions set spec.replicas in it first). A client dry run
        // stops there; the server's validates and changes nothing.
        let printed = printer.print(&old.to_value(), "scaled");
        if dry == "none" {
            let mut new = old.clone();
            new.spec_mut()["replicas"] = replicas.into();
            if let Err(e) = api::update(sim, new, "kubectl") {
                out.fail(e.to_string());
                continue;
            }
        }
        match printed {
            Ok(text) => out.print(&text),
            Err(e) => out.fail(e),
        }
    }
    out.finish()
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
    let selector = crate::sim::kubectl::printers::selector_string(old.spec().at("selector"));
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
        q(&old.resource_version.to_string()),
        q(&crate::sim::object::rfc3339(m.creation_timestamp)),
    );
    Err(format!(
        "The request is invalid: patch: Invalid value: {}: json: cannot unmarshal number {n} into Go struct field ScaleSpec.spec.replicas of type int32",
        q(&patched)
    ))
}
