//! `kubectl label` and `kubectl annotate` (upstream `pkg/cmd/label`,
//! `pkg/cmd/annotate`).

use super::*;

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
    let keys = crate::sim::kubectl::select_keys(
        sim,
        &targets,
        &ns,
        args.bool("all-namespaces"),
        sel.as_ref(),
    );
    let mut out = Report::default();
    for k in keys {
        let Some((key, old)) = out.object(sim, k) else {
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
            out.fail(e);
            continue;
        }
        match api::update(sim, new, "kubectl") {
            Ok(true) => out.push(format!("{} {verb}", ref_name(&key))),
            Ok(false) => out.push(format!("{} not {verb}", ref_name(&key))),
            Err(e) => {
                out.fail(e.to_string());
            }
        }
    }
    out.finish()
}
