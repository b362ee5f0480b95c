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
    // The kubelet's Lease in kube-node-lease, renewed with each heartbeat.
    let heartbeat = |c: &Value, f: &str| match c.str_at(f).and_then(parse_rfc3339) {
        Some(t) => rfc1123(t),
        None => rfc1123(o.meta.creation_timestamp),
    };
    let ready = st
        .array_at("conditions")
        .iter()
        .find(|c| c.str_at("type") == Some("Ready"));
    w.line(0, "Lease:");
    w.kv(1, "HolderIdentity", &o.meta.name);
    w.kv(1, "AcquireTime", "<unset>");
    w.kv(
        1,
        "RenewTime",
        ready
            .map(|c| heartbeat(c, "lastHeartbeatTime"))
            .unwrap_or_else(|| "<unset>".into()),
    );
    let conds = st.array_at("conditions");
    if !conds.is_empty() {
        w.text.push_str(
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.text
            .push_str("  ----\t------\t-----------------\t------------------\t------\t-------\n");
        for c in conds {
            w.text.push_str(&format!(
                "  {} \t{} \t{} \t{} \t{} \t{}\n",
                c.str_at("type").unwrap_or(""),
                c.str_at("status").unwrap_or(""),
                heartbeat(c, "lastHeartbeatTime"),
                heartbeat(c, "lastTransitionTime"),
                c.str_at("reason").unwrap_or(""),
                c.str_at("message").unwrap_or("")
            ));
        }
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
        let Some(m) = st.at(f).as_object().filter(|m| !m.is_empty()) else {
            continue;
        };
        w.line(0, &format!("{label}:"));
        for (k, v) in m {
            let q = Quantity::of(v);
            w.kv(1, k, q.map(|q| q.to_string()).unwrap_or_default());
        }
    }
    w.line(0, "System Info:");
    for (k, f) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ] {
        w.kv(1, k, st.str_at(&format!("nodeInfo.{f}")).unwrap_or(""));
    }
    if let Some(c) = spec.str_at("podCIDR").filter(|c| !c.is_empty()) {
        w.kv(0, "PodCIDR", c);
    }
    let cidrs: Vec<&str> = spec
        .array_at("podCIDRs")
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    if !cidrs.is_empty() {
        w.kv(0, "PodCIDRs", cidrs.join(","));
    }
    if let Some(p) = spec.str_at("providerID").filter(|p| !p.is_empty()) {
        w.kv(0, "ProviderID", p);
    }
    node_resources(sim, o, w);
}

/// A `resource.Quantity` as `String()` prints it: canonical, in the
/// format (binary `Ki`/`Mi`/... or decimal) it was written in.
#[derive(Clone, Copy, Default)]
pub(super) struct Quantity {
    milli: i128,
    binary: bool,
}

impl Quantity {
    pub(super) fn of(v: &Value) -> Option<Quantity> {
        let s = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        Some(Quantity {
            milli: crate::sim::quantity::parse_milli(&s)?,
            binary: s.trim_end().ends_with('i'),
        })
    }
    /// `Add`: the sum keeps the receiver's format, or takes the other's
    /// when the receiver is the zero value.
    fn add(&mut self, o: Quantity) {
        if self.milli == 0 && !self.binary {
            self.binary = o.binary;
        }
        self.milli += o.milli;
    }
    fn percent_of(&self, total: i128) -> i64 {
        if total == 0 {
            0
        } else {
            (self.milli as f64 / total as f64 * 100.0) as i64
        }
    }
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = self.milli;
        if m == 0 {
            return write!(f, "0");
        }
        if m % 1000 != 0 {
            return write!(f, "{m}m");
        }
        let v = m / 1000;
        if self.binary && !(-1024 < v && v < 1024) {
            let mut n = v;
            let mut i = 0;
            while n % 1024 == 0 && i < 6 {
                n /= 1024;
                i += 1;
            }
            if i > 0 {
                return write!(f, "{n}{}", ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][i]);
            }
            return write!(f, "{v}");
        }
        let mut n = v;
        let mut i = 0;
        while n % 1000 == 0 && i < 6 {
            n /= 1000;
            i += 1;
        }
        write!(f, "{n}{}", ["", "k", "M", "G", "T", "P", "E"][i])
    }
}

/// `PodRequestsAndLimits`: app containers summed, each init container
/// taken alone, the larger kept, per resource (cpu, memory,
/// ephemeral-storage).
fn pod_requests_and_limits(p: &Object) -> [(Quantity, Quantity); 3] {
    const RES: [&str; 3] = ["cpu", "memory", "ephemeral-storage"];
    let mut out = [(Quantity::default(), Quantity::default()); 3];
    for (i, r) in RES.iter().enumerate() {
        for (j, kind) in ["requests", "limits"].iter().enumerate() {
            let mut sum = Quantity::default();
            for c in p.spec().array_at("containers") {
                if let Some(q) = c.at("resources").at(kind).get(*r).and_then(Quantity::of) {
                    sum.add(q);
                }
            }
            for c in p.spec().array_at("initContainers") {
                if let Some(q) = c.at("resources").at(kind).get(*r).and_then(Quantity::of) {
                    if q.milli > sum.milli {
                        sum = q;
                    }
                }
            }
            if j == 0 {
                out[i].0 = sum;
            } else {
                out[i].1 = sum;
            }
        }
    }
    out
}

/// `describeNodeResource`: the node's non-terminated pods with their
/// requests and limits as shares of the allocatable, and the totals.
fn node_resources(sim: &Sim, o: &Object, w: &mut W) {
    let st = o.status();
    let alloc = if st
        .at("allocatable")
        .as_object()
        .is_some_and(|m| !m.is_empty())
    {
        st.at("allocatable")
    } else {
        st.at("capacity")
    };
    let total = |r: &str| {
        alloc
            .get(r)
            .and_then(Quantity::of)
            .map(|q| q.milli)
            .unwrap_or(0)
    };
    let pods: Vec<&Object> = sim
        .store
        .list(Kind::Pod)
        .filter(|p| p.spec().str_at("nodeName") == Some(o.meta.name.as_str()))
        .filter(|p| !matches!(crate::sim::podutil::phase(p), "Succeeded" | "Failed"))
        .collect();
    w.kv(
        0,
        "Non-terminated Pods",
        format!("({} in total)", pods.len()),
    );
    w.text.push_str(
        "  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.text.push_str(
        "  ---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let mut sums = [(Quantity::default(), Quantity::default()); 3];
    for p in &pods {
        let rl = pod_requests_and_limits(p);
        let [(cr, cl), (mr, ml), _] = rl;
        let (tc, tm) = (total("cpu"), total("memory"));
        w.text.push_str(&format!(
            "  {}\t{}\t\t{cr} ({}%)\t{cl} ({}%)\t{mr} ({}%)\t{ml} ({}%)\t{}\n",
            p.meta.namespace,
            p.meta.name,
            cr.percent_of(tc),
            cl.percent_of(tc),
            mr.percent_of(tm),
            ml.percent_of(tm),
            since(sim.now, p.meta.creation_timestamp)
        ));
        for (s, (r, l)) in sums.iter_mut().zip(rl) {
            s.0.add(r);
            s.1.add(l);
        }
    }
    w.text.push_str(
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.text
        .push_str("  Resource\tRequests\tLimits\n  --------\t--------\t------\n");
    for (r, (req, lim)) in ["cpu", "memory", "ephemeral-storage"].iter().zip(sums) {
        let t = total(r);
        w.text.push_str(&format!(
            "  {r}\t{req} ({}%)\t{lim} ({}%)\n",
            req.percent_of(t),
            lim.percent_of(t)
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

#[cfg(test)]
mod tests {
    use super::Quantity;
    use serde_json::json;

    fn q(s: &str) -> String {
        Quantity::of(&json!(s)).unwrap().to_string()
    }

    #[test]
    fn quantities_print_canonically() {
        assert_eq!(q("4000m"), "4");
        assert_eq!(q("8388608Ki"), "8Gi");
        assert_eq!(q("500m"), "500m");
        assert_eq!(q("1500"), "1500");
        assert_eq!(q("2000"), "2k");
        assert_eq!(q("1536Mi"), "1536Mi");
        assert_eq!(q("100Ki"), "100Ki");
        assert_eq!(q("0"), "0");
        let mut sum = Quantity::default();
        sum.add(Quantity::of(&json!("64Mi")).unwrap());
        sum.add(Quantity::of(&json!("64Mi")).unwrap());
        assert_eq!(sum.to_string(), "128Mi");
        assert_eq!(
            sum.percent_of(Quantity::of(&json!("1Gi")).unwrap().milli),
            12
        );
    }
}
