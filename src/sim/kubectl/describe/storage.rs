//! PersistentVolumes, PersistentVolumeClaims and StorageClasses.

use super::*;
use crate::sim::sort;

pub(super) fn describe_pvc(sim: &Sim, o: &Object, w: &mut W) {
    let spec = o.spec();
    let st = o.status();
    common_meta(w, o);
    w.kv(
        0,
        "StorageClass",
        spec.str_at("storageClassName").unwrap_or(""),
    );
    w.kv(
        0,
        "Status",
        if o.meta.terminating() {
            format!(
                "Terminating (lasts {})",
                since(sim.now, o.meta.deletion_timestamp.unwrap_or(0))
            )
        } else {
            st.str_at("phase").unwrap_or("Pending").to_string()
        },
    );
    w.kv(0, "Volume", spec.str_at("volumeName").unwrap_or(""));
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    w.kv(
        0,
        "Finalizers",
        format!("[{}]", o.meta.finalizers.join(" ")),
    );
    w.kv(0, "Capacity", st.str_at("capacity.storage").unwrap_or(""));
    w.kv(
        0,
        "Access Modes",
        printers::access_modes(st.at("accessModes")),
    );
    w.kv(
        0,
        "VolumeMode",
        spec.str_at("volumeMode").unwrap_or("Filesystem"),
    );
    let mut users: Vec<String> = sim
        .store
        .list_ns(Kind::Pod, &o.meta.namespace)
        .filter(|p| crate::sim::podutil::claim_names(p).contains(&o.meta.name.as_str()))
        .map(|p| p.meta.name.clone())
        .collect();
    sort::sort(&mut users);
    if users.is_empty() {
        w.kv(0, "Used By", "<none>");
    } else {
        for (i, u) in users.iter().enumerate() {
            if i == 0 {
                w.kv(0, "Used By", u);
            } else {
                w.text.push_str(&format!("\t{u}\n"));
            }
        }
    }
}

pub(super) fn describe_pv(sim: &Sim, o: &Object, w: &mut W) {
    let spec = o.spec();
    let st = o.status();
    w.kv(0, "Name", &o.meta.name);
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    w.kv(
        0,
        "Finalizers",
        format!("[{}]", o.meta.finalizers.join(" ")),
    );
    w.kv(
        0,
        "StorageClass",
        spec.str_at("storageClassName").unwrap_or(""),
    );
    if o.meta.terminating() {
        w.kv(
            0,
            "Status",
            format!(
                "Terminating (lasts {})",
                since(sim.now, o.meta.deletion_timestamp.unwrap_or(0))
            ),
        );
    } else {
        w.kv(0, "Status", st.str_at("phase").unwrap_or("Pending"));
    }
    let claim = match (
        spec.str_at("claimRef.namespace"),
        spec.str_at("claimRef.name"),
    ) {
        (Some(a), Some(b)) => format!("{a}/{b}"),
        _ => String::new(),
    };
    w.kv(0, "Claim", claim);
    w.kv(
        0,
        "Reclaim Policy",
        spec.str_at("persistentVolumeReclaimPolicy")
            .unwrap_or("Retain"),
    );
    w.kv(
        0,
        "Access Modes",
        printers::access_modes(spec.at("accessModes")),
    );
    w.kv(
        0,
        "VolumeMode",
        spec.str_at("volumeMode").unwrap_or("Filesystem"),
    );
    w.kv(0, "Capacity", spec.str_at("capacity.storage").unwrap_or(""));
    node_affinity(w, spec.at("nodeAffinity"));
    w.kv(0, "Message", st.str_at("message").unwrap_or(""));
    w.line(0, "Source:");
    if !super::pod::volume_source(w, spec) {
        w.line(1, "<unknown>");
    }
}

/// `printVolumeNodeAffinity`: each required term's expressions, one per
/// line (`key in [a, b]`).
fn node_affinity(w: &mut W, a: &Value) {
    let required = a.at("required");
    if required.is_null() {
        w.kv(0, "Node Affinity", "<none>");
        return;
    }
    w.kv(0, "Node Affinity", "");
    let terms = required.array_at("nodeSelectorTerms");
    if terms.is_empty() {
        w.kv(1, "Required Terms", "<none>");
        return;
    }
    w.kv(1, "Required Terms", "");
    for (i, t) in terms.iter().enumerate() {
        let exprs: Vec<String> = t
            .array_at("matchExpressions")
            .iter()
            .map(|r| {
                let mut e = format!(
                    "{} {}",
                    r.str_at("key").unwrap_or(""),
                    r.str_at("operator").unwrap_or("").to_ascii_lowercase()
                );
                let vals: Vec<&str> = r
                    .array_at("values")
                    .iter()
                    .filter_map(|x| x.as_str())
                    .collect();
                if !vals.is_empty() {
                    e.push_str(&format!(" [{}]", vals.join(", ")));
                }
                e
            })
            .collect();
        let title = format!("Term {i}");
        if exprs.is_empty() {
            w.kv(2, &title, "<none>");
        }
        for (j, e) in exprs.iter().enumerate() {
            if j == 0 {
                w.kv(2, &title, e);
            } else {
                w.text.push_str(&format!("    \t{e}\n"));
            }
        }
    }
}

fn bool_ptr(v: &Value) -> &'static str {
    match v.as_bool() {
        None => "<unset>",
        Some(true) => "True",
        Some(false) => "False",
    }
}

/// `describeStorageClass`: annotations and parameters on one line
/// (`labels.FormatLabels`), the last-applied configuration included.
pub(super) fn describe_storageclass(o: &Object, w: &mut W) {
    w.kv(0, "Name", &o.meta.name);
    let default = [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|a| o.meta.annotations.get(*a).map(String::as_str) == Some("true"));
    w.kv(0, "IsDefaultClass", if default { "Yes" } else { "No" });
    w.kv(
        0,
        "Annotations",
        printers::labels_string(&o.meta.annotations),
    );
    w.kv(
        0,
        "Provisioner",
        o.field("provisioner").as_str().unwrap_or(""),
    );
    w.kv(
        0,
        "Parameters",
        printers::labels_string(&o.field("parameters").labels_at("")),
    );
    w.kv(
        0,
        "AllowVolumeExpansion",
        bool_ptr(o.field("allowVolumeExpansion")),
    );
    let opts = o.field("mountOptions").array_at("");
    if opts.is_empty() {
        w.kv(0, "MountOptions", "<none>");
    } else {
        w.line(0, "MountOptions:");
        for m in opts {
            w.line(1, m.as_str().unwrap_or(""));
        }
    }
    if let Some(p) = o.field("reclaimPolicy").as_str() {
        w.kv(0, "ReclaimPolicy", p);
    }
    if let Some(m) = o.field("volumeBindingMode").as_str() {
        w.kv(0, "VolumeBindingMode", m);
    }
    if let Some(terms) = o.field("allowedTopologies").as_array() {
        if terms.is_empty() {
            w.kv(0, "AllowedTopologies", "<none>");
        } else {
            w.kv(0, "AllowedTopologies", "");
            for (i, t) in terms.iter().enumerate() {
                let exprs: Vec<String> = t
                    .array_at("matchLabelExpressions")
                    .iter()
                    .map(|r| {
                        let vals: Vec<&str> = r
                            .array_at("values")
                            .iter()
                            .filter_map(|x| x.as_str())
                            .collect();
                        let key = r.str_at("key").unwrap_or("");
                        if vals.is_empty() {
                            format!("{key} in")
                        } else {
                            format!("{key} in [{}]", vals.join(", "))
                        }
                    })
                    .collect();
                let title = format!("Term {i}");
                if exprs.is_empty() {
                    w.kv(1, &title, "<empty>");
                }
                for (j, e) in exprs.iter().enumerate() {
                    if j == 0 {
                        w.kv(1, &title, e);
                    } else {
                        w.text.push_str(&format!("  \t{e}\n"));
                    }
                }
            }
        }
    }
}
