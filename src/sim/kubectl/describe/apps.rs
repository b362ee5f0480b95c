//! Workload controllers: StatefulSet, Deployment, ReplicaSet,
//! ReplicationController, DaemonSet.

use super::*;
use crate::sim::sort;

pub(super) fn describe_statefulset(sim: &Sim, o: &Object, w: &mut W) {
    let spec = o.spec();
    let st = o.status();
    common_meta(w, o);
    w.kv(0, "CreationTimestamp", rfc1123(o.meta.creation_timestamp));
    w.kv(0, "Selector", selector_text(spec.at("selector")));
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    w.kv(
        0,
        "Replicas",
        format!(
            "{} desired | {} total",
            spec.i64_at("replicas").unwrap_or(1),
            st.i64_at("replicas").unwrap_or(0)
        ),
    );
    let strategy = spec
        .str_at("updateStrategy.type")
        .unwrap_or("RollingUpdate");
    w.kv(0, "Update Strategy", strategy);
    let ru = spec.at("updateStrategy.rollingUpdate");
    if let Some(p) = ru.i64_at("partition") {
        w.kv(1, "Partition", p.to_string());
        if !ru.at("maxUnavailable").is_null() {
            w.kv(
                1,
                "MaxUnavailable",
                super::super::jsonpath::text(ru.at("maxUnavailable")),
            );
        }
    }
    w.kv(0, "Pods Status", pod_counts(sim, o));
    pod_template(w, spec.at("template"));
    volume_claim_templates(w, spec.array_at("volumeClaimTemplates"));
}

/// `describeVolumeClaimTemplates`: labels and annotations both as `k=v`,
/// continuation lines indented like the key.
fn volume_claim_templates(w: &mut W, vcts: &[Value]) {
    if vcts.is_empty() {
        w.kv(0, "Volume Claims", "<none>");
        return;
    }
    w.line(0, "Volume Claims:");
    for v in vcts {
        w.kv(1, "Name", v.str_at("metadata.name").unwrap_or(""));
        // `GetPersistentVolumeClaimClass`: the field, else the beta annotation.
        let class = v
            .str_at("spec.storageClassName")
            .or_else(|| {
                v.at("metadata.annotations")
                    .get("volume.beta.kubernetes.io/storage-class")
                    .and_then(|x| x.as_str())
            })
            .unwrap_or("");
        w.kv(1, "StorageClass", class);
        for (title, path) in [
            ("Labels", "metadata.labels"),
            ("Annotations", "metadata.annotations"),
        ] {
            let entries: Vec<String> = v
                .labels_at(path)
                .iter()
                .map(|(k, x)| format!("{k}={x}"))
                .collect();
            if entries.is_empty() {
                w.kv(1, title, "<none>");
            }
            for (i, e) in entries.iter().enumerate() {
                if i == 0 {
                    w.kv(1, title, e);
                } else {
                    w.text.push_str(&format!("  \t{e}\n"));
                }
            }
        }
        w.kv(
            1,
            "Capacity",
            v.str_at("spec.resources.requests.storage")
                .unwrap_or("<default>"),
        );
        let modes: Vec<&str> = v
            .array_at("spec.accessModes")
            .iter()
            .filter_map(|x| x.as_str())
            .collect();
        w.kv(1, "Access Modes", format!("[{}]", modes.join(" ")));
    }
}

/// `Conditions:` of a Deployment, ReplicaSet or ReplicationController
/// (kubectl leaves a space after the type).
fn workload_conditions(w: &mut W, o: &Object) {
    let conds = o.status().array_at("conditions");
    if conds.is_empty() {
        return;
    }
    w.text.push_str("Conditions:\n  Type\tStatus\tReason\n");
    w.text.push_str("  ----\t------\t------\n");
    for c in conds {
        w.text.push_str(&format!(
            "  {} \t{}\t{}\n",
            c.str_at("type").unwrap_or(""),
            c.str_at("status").unwrap_or(""),
            c.str_at("reason").unwrap_or("")
        ));
    }
}

fn int_or_string(v: &Value, default: &str) -> String {
    match v {
        Value::Null => default.to_string(),
        other => super::super::jsonpath::text(other),
    }
}

/// `describeDeployment`.
pub(super) fn describe_deployment(sim: &Sim, o: &Object, w: &mut W) {
    let spec = o.spec();
    let st = o.status();
    common_meta(w, o);
    w.kv(0, "CreationTimestamp", rfc1123(o.meta.creation_timestamp));
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    w.kv(0, "Selector", selector_text(spec.at("selector")));
    let n = |v: &Value, f: &str| v.i64_at(f).unwrap_or(0);
    w.kv(
        0,
        "Replicas",
        format!(
            "{} desired | {} updated | {} total | {} available | {} unavailable",
            spec.i64_at("replicas").unwrap_or(1),
            n(st, "updatedReplicas"),
            n(st, "replicas"),
            n(st, "availableReplicas"),
            n(st, "unavailableReplicas")
        ),
    );
    let strategy = spec.str_at("strategy.type").unwrap_or("RollingUpdate");
    w.kv(0, "StrategyType", strategy);
    w.kv(0, "MinReadySeconds", n(spec, "minReadySeconds").to_string());
    if strategy == "RollingUpdate" {
        let ru = spec.at("strategy.rollingUpdate");
        w.kv(
            0,
            "RollingUpdateStrategy",
            format!(
                "{} max unavailable, {} max surge",
                int_or_string(ru.at("maxUnavailable"), "25%"),
                int_or_string(ru.at("maxSurge"), "25%")
            ),
        );
    }
    pod_template(w, spec.at("template"));
    workload_conditions(w, o);
    // `FindNewReplicaSet`: the oldest owned ReplicaSet whose template is
    // the Deployment's, ignoring the hash label; the others are old.
    use crate::sim::controllers::deployment::template_ignoring_hash;
    let mut owned: Vec<&Object> = sim
        .store
        .list_ns(Kind::ReplicaSet, &o.meta.namespace)
        .filter(|rs| {
            rs.meta
                .controller_ref()
                .is_some_and(|r| r.uid == o.meta.uid)
        })
        .collect();
    sort::sort_by_key(&mut owned, |rs| {
        (rs.meta.creation_timestamp, rs.meta.name.clone())
    });
    let want = template_ignoring_hash(spec.at("template"));
    let new = owned
        .iter()
        .position(|rs| template_ignoring_hash(rs.spec().at("template")) == want);
    if !owned.is_empty() {
        let show = |rss: Vec<&&Object>| -> String {
            let parts: Vec<String> = rss
                .iter()
                .map(|rs| {
                    format!(
                        "{} ({}/{} replicas created)",
                        rs.meta.name,
                        rs.status().i64_at("replicas").unwrap_or(0),
                        rs.spec().i64_at("replicas").unwrap_or(1)
                    )
                })
                .collect();
            or_none(&parts.join(", "))
        };
        let old: Vec<&&Object> = owned
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != new)
            .map(|(_, rs)| rs)
            .collect();
        w.kv(0, "OldReplicaSets", show(old));
        w.kv(
            0,
            "NewReplicaSet",
            show(new.map(|i| &owned[i]).into_iter().collect()),
        );
    }
}

/// `describeReplicaSet` and `describeReplicationController`.
pub(super) fn describe_replicaset(sim: &Sim, o: &Object, w: &mut W) {
    let spec = o.spec();
    common_meta(w, o);
    if o.kind == Kind::ReplicationController {
        // `labels.FormatLabels` of the plain map.
        w.kv(
            0,
            "Selector",
            printers::labels_string(&spec.labels_at("selector")),
        );
    } else {
        w.kv(0, "Selector", selector_text(spec.at("selector")));
    }
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    if o.kind == Kind::ReplicaSet {
        if let Some(c) = controlled_by(o) {
            w.kv(0, "Controlled By", c);
        }
    }
    w.kv(
        0,
        "Replicas",
        format!(
            "{} current / {} desired",
            o.status().i64_at("replicas").unwrap_or(0),
            spec.i64_at("replicas").unwrap_or(1)
        ),
    );
    w.kv(0, "Pods Status", pod_counts(sim, o));
    pod_template(w, spec.at("template"));
    workload_conditions(w, o);
}

/// `describeDaemonSet`: no namespace line, and the scheduling counts are
/// not tab-aligned.
pub(super) fn describe_daemonset(sim: &Sim, o: &Object, w: &mut W) {
    let spec = o.spec();
    let st = o.status();
    w.kv(0, "Name", &o.meta.name);
    w.kv(0, "Selector", selector_text(spec.at("selector")));
    w.kv(
        0,
        "Node-Selector",
        printers::labels_string(&spec.labels_at("template.spec.nodeSelector")),
    );
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    let n = |f: &str| st.i64_at(f).unwrap_or(0);
    for (label, f) in [
        (
            "Desired Number of Nodes Scheduled",
            "desiredNumberScheduled",
        ),
        (
            "Current Number of Nodes Scheduled",
            "currentNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Up-to-date Pods",
            "updatedNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Available Pods",
            "numberAvailable",
        ),
        ("Number of Nodes Misscheduled", "numberMisscheduled"),
    ] {
        w.line(0, &format!("{label}: {}", n(f)));
    }
    w.kv(0, "Pods Status", pod_counts(sim, o));
    pod_template(w, spec.at("template"));
}
