//! Workload controllers: StatefulSet, Deployment, ReplicaSet,
//! ReplicationController, DaemonSet.

use super::*;

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
    if strategy == "RollingUpdate" {
        w.kv(
            1,
            "Partition",
            spec.i64_at("updateStrategy.rollingUpdate.partition")
                .unwrap_or(0)
                .to_string(),
        );
    }
    w.kv(0, "Pods Status", pod_counts(sim, o));
    pod_template(w, spec.at("template"));
    let vcts = spec.array_at("volumeClaimTemplates");
    if vcts.is_empty() {
        w.kv(0, "Volume Claims", "<none>");
    } else {
        w.line(0, "Volume Claims:");
        for v in vcts {
            w.kv(1, "Name", v.str_at("metadata.name").unwrap_or(""));
            w.kv(
                1,
                "StorageClass",
                v.str_at("spec.storageClassName").unwrap_or(""),
            );
            w.map(1, "Labels", &v.labels_at("metadata.labels"));
            w.map(1, "Annotations", &v.labels_at("metadata.annotations"));
            w.kv(
                1,
                "Capacity",
                v.str_at("spec.resources.requests.storage").unwrap_or(""),
            );
            let modes: Vec<&str> = v
                .array_at("spec.accessModes")
                .iter()
                .filter_map(|x| x.as_str())
                .collect();
            w.kv(1, "Access Modes", format!("[{}]", modes.join(" ")));
        }
    }
}
