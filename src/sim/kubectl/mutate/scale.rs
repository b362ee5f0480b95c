//! `kubectl scale` (upstream `pkg/cmd/scale`).

use super::*;

/// `scale --replicas=N TYPE NAME`.
pub fn scale(sim: &mut Sim, args: &Args) -> Result<String, String> {
    let ns = namespace(args);
    let Some(rep) = args.get("replicas") else {
        return Err("error: required flag(s) \"replicas\" not set".into());
    };
    let replicas: i64 = rep
        .parse()
        .map_err(|_| format!("error: invalid argument \"{rep}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{rep}\": invalid syntax"))?;
    if replicas < 0 {
        return Err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0".into());
    }
    if args.positional.is_empty() {
        return Err(
            "error: You must provide one or more resources by argument or filename.".into(),
        );
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
        let Some((key, old)) = out.object(sim, k) else {
            continue;
        };
        if let Some(cur) = args.get("current-replicas") {
            let have = old.spec().i64_at("replicas").unwrap_or(1);
            if cur.parse::<i64>().ok() != Some(have) && cur != "-1" {
                out.fail(format!("error: Expected replicas to be {cur}, was {have}"));
                continue;
            }
        }
        let mut new = old.clone();
        new.spec_mut()["replicas"] = replicas.into();
        match api::update(sim, new, "kubectl") {
            Ok(_) => out.push(format!("{} scaled", ref_name(&key))),
            Err(e) => {
                out.fail(e.to_string());
            }
        }
    }
    out.finish()
}
