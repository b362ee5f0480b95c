//! Services and Endpoints.

use super::*;

pub(super) fn describe_service(sim: &Sim, o: &Object, w: &mut W) {
    let spec = o.spec();
    common_meta(w, o);
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    w.kv(
        0,
        "Selector",
        printers::labels_string(&spec.labels_at("selector")),
    );
    w.kv(0, "Type", spec.str_at("type").unwrap_or("ClusterIP"));
    w.kv(
        0,
        "IP Family Policy",
        spec.str_at("ipFamilyPolicy").unwrap_or("SingleStack"),
    );
    w.kv(0, "IP Families", "IPv4");
    let ip = spec.str_at("clusterIP").unwrap_or("");
    w.kv(0, "IP", ip);
    w.kv(0, "IPs", ip);
    let ep = sim
        .store
        .get(Kind::Endpoints, &o.meta.namespace, &o.meta.name);
    for p in spec.array_at("ports") {
        let name = p.str_at("name").unwrap_or("<unset>");
        let proto = p.str_at("protocol").unwrap_or("TCP");
        w.kv(
            0,
            "Port",
            format!("{name}  {}/{proto}", p.i64_at("port").unwrap_or(0)),
        );
        let tp = match p.at("targetPort") {
            Value::Null => p.i64_at("port").unwrap_or(0).to_string(),
            v => super::super::jsonpath::text(v),
        };
        w.kv(0, "TargetPort", format!("{tp}/{proto}"));
        if let Some(np) = p.i64_at("nodePort") {
            w.kv(0, "NodePort", format!("{name}  {np}/{proto}"));
        }
        // `formatEndpointSlices`: nothing without endpoints at all, else
        // up to three addresses, ready or not, and how many more.
        let eps = match ep {
            Some(e) => endpoint_list(e, p.str_at("name").unwrap_or("")),
            None => "<none>".to_string(),
        };
        w.kv(0, "Endpoints", eps);
    }
    w.kv(
        0,
        "Session Affinity",
        spec.str_at("sessionAffinity").unwrap_or("None"),
    );
    if matches!(spec.str_at("type"), Some("NodePort" | "LoadBalancer")) {
        w.kv(
            0,
            "External Traffic Policy",
            spec.str_at("externalTrafficPolicy").unwrap_or("Cluster"),
        );
    }
    w.kv(
        0,
        "Internal Traffic Policy",
        spec.str_at("internalTrafficPolicy").unwrap_or("Cluster"),
    );
}

pub(super) fn endpoint_list(ep: &Object, port_name: &str) -> String {
    const MAX: usize = 3;
    let mut list = Vec::new();
    let mut count = 0;
    for ss in ep
        .field("subsets")
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or(&[])
    {
        let addrs: Vec<&str> = ss
            .array_at("addresses")
            .iter()
            .chain(ss.array_at("notReadyAddresses"))
            .filter_map(|a| a.str_at("ip"))
            .collect();
        for p in ss.array_at("ports") {
            if p.str_at("name").unwrap_or("") != port_name {
                continue;
            }
            for a in &addrs {
                if list.len() < MAX {
                    list.push(format!("{a}:{}", p.i64_at("port").unwrap_or(0)));
                }
                count += 1;
            }
        }
    }
    if count > MAX {
        format!("{} + {} more...", list.join(","), count - MAX)
    } else {
        list.join(",")
    }
}

pub(super) fn describe_endpoints(o: &Object, w: &mut W) {
    common_meta(w, o);
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    w.line(0, "Subsets:");
    for ss in o
        .field("subsets")
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or(&[])
    {
        let ips = |f: &str| {
            ss.array_at(f)
                .iter()
                .filter_map(|a| a.str_at("ip"))
                .collect::<Vec<_>>()
                .join(",")
        };
        w.kv(1, "Addresses", or_none(&ips("addresses")));
        w.kv(1, "NotReadyAddresses", or_none(&ips("notReadyAddresses")));
        if !ss.array_at("ports").is_empty() {
            w.line(1, "Ports:");
            w.text
                .push_str("    Name\tPort\tProtocol\n    ----\t----\t--------\n");
        }
        for p in ss.array_at("ports") {
            w.text.push_str(&format!(
                "    {}\t{}\t{}\n",
                p.str_at("name").unwrap_or("<unset>"),
                p.i64_at("port").unwrap_or(0),
                p.str_at("protocol").unwrap_or("TCP")
            ));
        }
        w.line(0, "");
    }
}
