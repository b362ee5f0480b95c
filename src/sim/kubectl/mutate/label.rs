//! `kubectl label` and `kubectl annotate` (upstream `pkg/cmd/label`,
//! `pkg/cmd/annotate`).

use super::*;
use crate::sim::kubectl::output::ObjectPrinter;
use std::collections::BTreeMap;

/// `kubernetes.io/change-cause`: annotate may always overwrite it.
const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// `label` / `annotate` (`field` is `labels` or `annotations`).
pub fn label(sim: &mut Sim, args: &Args, field: &str) -> Result<String, String> {
    let labels = field == "labels";
    let ns = namespace(args);
    // Complete: the words split into resources and changes, the changes
    // parsed and checked, then the flags (upstream's order of errors).
    let (res_words, pairs) = resources_and_pairs(&args.positional, field)?;
    let (set, remove) = if labels {
        parse_labels(&pairs)?
    } else {
        parse_pairs(&pairs)?
    };
    let list = args.bool("list");
    let output = crate::sim::kubectl::output::output_flag(args);
    if list && !output.is_empty() {
        return Err("error: --list and --output may not be specified together".into());
    }
    let dry = crate::sim::kubectl::create::dry_run(args)?;
    // Validate.
    if args.bool("all") && args.get("selector").is_some() {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    let files = if labels { "pod.yaml" } else { "rsrc.yaml" };
    let files_json = if labels { "pod.json" } else { "rsrc.json" };
    if args.bool("local") {
        if dry == "server" {
            return Err("error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?".into());
        }
        if !res_words.is_empty() {
            return Err(format!("error: can only use local files by -f {files} or --filename={files_json} when --local=true is set"));
        }
        return Err(format!(
            "error: one or more files must be specified as -f {files} or --filename={files_json}"
        ));
    }
    if res_words.is_empty() {
        return Err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>".into());
    }
    if set.is_empty() && remove.is_empty() && !list {
        return Err(format!(
            "error: at least one {} update is required",
            if labels { "label" } else { "annotation" }
        ));
    }
    if !labels {
        let both: Vec<&str> = remove
            .iter()
            .filter(|k| set.contains_key(*k))
            .map(String::as_str)
            .collect();
        if !both.is_empty() {
            return Err(format!("error: can not both modify and remove the following annotation(s) in the same command: {}", both.join(", ")));
        }
    }
    let targets = resources::parse_targets(&res_words)?;
    let sel = selector(args)?;
    let named = targets.groups.iter().any(|(_, n)| !n.is_empty());
    if !named && sel.is_none() && !args.bool("all") {
        return Err("error: resource(s) were provided, but no name was specified".into());
    }
    // `IntoSingleItemImplied`: one kind, one name.
    let one = targets.groups.len() == 1 && targets.groups[0].1.len() == 1;
    let printer = ObjectPrinter::new(args, dry)?;
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
        let map = if labels {
            &old.meta.labels
        } else {
            &old.meta.annotations
        };
        // Upstream visits Go maps, whose order varies; these are sorted.
        let taken: Vec<(&String, &String)> = set
            .keys()
            .filter(|k| labels || *k != CHANGE_CAUSE)
            .filter_map(|k| map.get_key_value(k))
            .collect();
        if !args.bool("overwrite") && !taken.is_empty() {
            out.fail(overwrite_error(labels, &taken));
            continue;
        }
        // Upstream changes its own copy under a client dry run and for
        // --list; otherwise it sends the change (a server dry run too).
        let sends = dry != "client" && !list;
        let mut printed = Vec::new();
        if labels && sends {
            for r in &remove {
                if !map.contains_key(r) {
                    printed.push(format!("label \"{r}\" not found."));
                }
            }
        }
        let mut new = old.clone();
        let m = if labels {
            &mut new.meta.labels
        } else {
            &mut new.meta.annotations
        };
        for (k, v) in &set {
            m.insert(k.clone(), v.clone());
        }
        for r in &remove {
            m.remove(r);
        }
        // `updateDataChangeMsg`: a change that made the JSON shorter
        // without --overwrite is an "unlabeled".
        let (before, local) = (old.to_value(), new.to_value());
        let operation = if !labels {
            "annotated"
        } else if before == local {
            "not labeled"
        } else if !args.bool("overwrite") && json_text(&local).len() < json_text(&before).len() {
            "unlabeled"
        } else {
            "labeled"
        };
        // What is printed: label prints its own copy of the object as it
        // changed it, annotate what the server answered (its own copy
        // under a client dry run or --list).
        let answer = if sends {
            update_as(sim, &old, new, dry).map(|(_, v)| v)
        } else {
            Ok(local.clone())
        };
        let answer = match answer {
            Ok(v) => v,
            Err(e) => {
                out.fail(e);
                continue;
            }
        };
        if list {
            let shown = answer.at("metadata").at(field);
            let indent = if one {
                ""
            } else {
                out.push(format!(
                    "Listing {field} for {}.{}/{}:",
                    key.kind,
                    key.kind.group(),
                    key.name
                ));
                " "
            };
            if let Some(m) = shown.as_object() {
                for (k, v) in m {
                    out.push(format!("{indent}{k}={}", v.as_str().unwrap_or("")));
                }
            }
            continue;
        }
        let shown = if labels { &local } else { &answer };
        match printer.print(shown, operation) {
            Ok(text) => {
                for line in printed {
                    out.push(line);
                }
                out.print(&text);
            }
            Err(e) => {
                out.fail(e);
            }
        }
    }
    out.finish()
}

/// `cmdutil.GetResourcesAndPairs`: the words before the first change
/// (`k=v`, or `k-`) name resources; every word after it must be a change.
fn resources_and_pairs(
    words: &[String],
    field: &str,
) -> Result<(Vec<String>, Vec<String>), String> {
    let pair_type = if field == "labels" {
        "label"
    } else {
        "annotation"
    };
    let mut resources = Vec::new();
    let mut pairs = Vec::new();
    for w in words {
        let change = (w.contains('=') && !w.starts_with('=')) || (w.ends_with('-') && w != "-");
        if change {
            pairs.push(w.clone());
        } else if pairs.is_empty() {
            resources.push(w.clone());
        } else {
            return Err(format!(
                "error: all resources must be specified before {pair_type} changes: {w}"
            ));
        }
    }
    Ok((resources, pairs))
}

type Changes = (BTreeMap<String, String>, Vec<String>);

/// label's `parseLabels`: `k=v` (one `=`, a valid label value), `k-`.
fn parse_labels(pairs: &[String]) -> Result<Changes, String> {
    let mut set = BTreeMap::new();
    let mut remove = Vec::new();
    for p in pairs {
        if p.contains('=') {
            let parts: Vec<&str> = p.split('=').collect();
            if parts.len() != 2 {
                return Err(format!("error: invalid label spec: {p}"));
            }
            let errs = crate::sim::manifest::label_value_errors(parts[1]);
            if !errs.is_empty() {
                return Err(format!(
                    "error: invalid label value: \"{p}\": {}",
                    errs.join(";")
                ));
            }
            set.insert(parts[0].to_string(), parts[1].to_string());
        } else if let Some(k) = p.strip_suffix('-') {
            remove.push(k.to_string());
        } else {
            return Err(format!("error: unknown label spec: {p}"));
        }
    }
    if remove.iter().any(|r| set.contains_key(r)) {
        return Err("error: can not both modify and remove a label in the same command".into());
    }
    Ok((set, remove))
}

/// annotate's `cmdutil.ParsePairs(args, "annotation", true)`: `k=v` (the
/// value may hold `=`), `k-`.
fn parse_pairs(pairs: &[String]) -> Result<Changes, String> {
    let mut set = BTreeMap::new();
    let mut remove = Vec::new();
    let mut invalid = Vec::new();
    for p in pairs {
        match p.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                set.insert(k.to_string(), v.to_string());
            }
            _ => match p.strip_suffix('-') {
                Some(k) if p != "-" => remove.push(k.to_string()),
                _ => invalid.push(p.as_str()),
            },
        }
    }
    if !invalid.is_empty() {
        return Err(format!(
            "error: invalid annotation format: {}",
            invalid.join(", ")
        ));
    }
    Ok((set, remove))
}

/// The error for changes that would overwrite without `--overwrite`:
/// label's aggregate of one error per key, annotate's one sentence.
fn overwrite_error(labels: bool, taken: &[(&String, &String)]) -> String {
    if labels {
        let errs: Vec<String> = taken
            .iter()
            .map(|(k, v)| format!("'{k}' already has a value ({v}), and --overwrite is false"))
            .collect();
        format!("error: {}", crate::sim::kubectl::aggregate(&errs))
    } else {
        let found: Vec<String> = taken
            .iter()
            .map(|(k, v)| format!("'{k}' already has a value ({v})"))
            .collect();
        format!(
            "error: --overwrite is false but found the following declared annotation(s): {}",
            found.join("; ")
        )
    }
}
