//! Nodes, Namespaces and PodDisruptionBudgets.

use super::*;

pub(super) fn describe_node(sim: &Sim, o: &Object, w: &mut W) {
    let st = o.status();
    let spec = o.spec();
    w.kv(0, "Name", &o.meta.name);
    let roles = printers::row(o, sim.now, false)
        .get(2)
        .cloned()
        .unwrap_or_default();
    w.kv(0, "Roles", roles);
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    w.kv(0, "CreationTimestamp", rfc1123(o.meta.creation_timestamp));
    taints(w, 0, "Taints", spec.array_at("taints"));
    w.kv(
        0,
        "Unschedulable",
        (spec.bool_at("unschedulable") == Some(true)).to_string(),
    );
    w.line(0, "Conditions:");
    w.text
        .push_str("  Type\tStatus\tReason\tMessage\n  ----\t------\t------\t-------\n");
    for c in st.array_at("conditions") {
        w.text.push_str(&format!(
            "  {}\t{}\t{}\t{}\n",
            c.str_at("type").unwrap_or(""),
            c.str_at("status").unwrap_or(""),
            c.str_at("reason").unwrap_or(""),
            c.str_at("message").unwrap_or("")
        ));
    }
    w.line(0, "Addresses:");
    for a in st.array_at("addresses") {
        w.kv(
            1,
            a.str_at("type").unwrap_or(""),
            a.str_at("address").unwrap_or(""),
        );
    }
    for (label, f) in [("Capacity", "capacity"), ("Allocatable", "allocatable")] {
        w.line(0, &format!("{label}:"));
        if let Some(m) = st.at(f).as_object() {
            for (k, v) in m {
                w.kv(1, k, super::super::jsonpath::text(v));
            }
        }
    }
    w.line(0, "System Info:");
    for (k, f) in [
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
    ] {
        w.kv(1, k, st.str_at(&format!("nodeInfo.{f}")).unwrap_or(""));
    }
    w.kv(0, "PodCIDR", spec.str_at("podCIDR").unwrap_or(""));
    let pods: Vec<&Object> = sim
        .store
        .list(Kind::Pod)
        .filter(|p| p.spec().str_at("nodeName") == Some(o.meta.name.as_str()))
        .filter(|p| !matches!(crate::sim::podutil::phase(p), "Succeeded" | "Failed"))
        .collect();
    w.line(
        0,
        &format!("Non-terminated Pods:          ({} in total)", pods.len()),
    );
    w.text
        .push_str("  Namespace\tName\tAge\n  ---------\t----\t---\n");
    for p in pods {
        w.text.push_str(&format!(
            "  {}\t{}\t{}\n",
            p.meta.namespace,
            p.meta.name,
            since(sim.now, p.meta.creation_timestamp)
        ));
    }
}

/// `describePodDisruptionBudgetV1`: one of min available and max
/// unavailable, and the status one level deeper than the heading.
pub(super) fn describe_pdb(o: &Object, w: &mut W) {
    let spec = o.spec();
    let st = o.status();
    common_meta(w, o);
    if !spec.at("minAvailable").is_null() {
        w.kv(
            0,
            "Min available",
            super::super::jsonpath::text(spec.at("minAvailable")),
        );
    } else if !spec.at("maxUnavailable").is_null() {
        w.kv(
            0,
            "Max unavailable",
            super::super::jsonpath::text(spec.at("maxUnavailable")),
        );
    }
    if spec.at("selector").is_null() {
        w.kv(0, "Selector", "<unset>");
    } else {
        w.kv(0, "Selector", selector_text(spec.at("selector")));
    }
    w.line(0, "Status:");
    for (label, f) in [
        ("Allowed disruptions", "disruptionsAllowed"),
        ("Current", "currentHealthy"),
        ("Desired", "desiredHealthy"),
        ("Total", "expectedPods"),
    ] {
        w.kv(2, label, st.i64_at(f).unwrap_or(0).to_string());
    }
}

/// `describeNamespace`: no events; quotas and limit ranges, which the
/// playground has none of.
pub(super) fn describe_namespace(o: &Object, w: &mut W) {
    w.kv(0, "Name", &o.meta.name);
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    w.kv(0, "Status", o.status().str_at("phase").unwrap_or(""));
    let conds = o.status().array_at("conditions");
    if !conds.is_empty() {
        w.line(0, "Conditions:");
        w.text
            .push_str("  Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.text
            .push_str("  ----\t------\t------------------\t------\t-------\n");
        for c in conds {
            w.text.push_str(&format!(
                "  {}\t{}\t{}\t{}\t{}\n",
                c.str_at("type").unwrap_or(""),
                c.str_at("status").unwrap_or(""),
                ts_str(c, "lastTransitionTime"),
                c.str_at("reason").unwrap_or(""),
                c.str_at("message").unwrap_or("")
            ));
        }
    }
    w.text
        .push_str("\nNo resource quota.\n\nNo LimitRange resource.\n");
}
