//! `pkg/apis/core/validation`: pods (and pod templates), services,
//! persistent volumes and claims.

use super::*;

pub(super) const ACCESS_MODES: [&str; 4] = [
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

pub(super) fn validate_access_modes(e: &mut Errs, p: &P, s: &Value, claim: bool) {
    let modes = s.array_at("accessModes");
    if modes.is_empty() {
        e.required(
            &p.k("accessModes"),
            if claim {
                "at least 1 access mode is required"
            } else {
                ""
            },
        );
    }
    for m in modes {
        let m = m.as_str().unwrap_or("");
        if !ACCESS_MODES.contains(&m) {
            e.unsupported(&p.k("accessModes"), m, &ACCESS_MODES);
        }
    }
}

pub(super) fn validate_pvc_spec(e: &mut Errs, p: &P, s: &Value) {
    validate_access_modes(e, p, s, true);
    let storage = s.at("resources.requests.storage");
    let rp = P({
        let mut v = p.0.clone();
        v.push(Seg::Key("resources[storage]".into()));
        v
    });
    match storage {
        Value::Null => {
            e.required(&rp, "");
            // Mark the claim's resources (or spec) rather than nothing.
            if let Some(last) = e.0.last_mut() {
                last.at = Some(p.k("resources.requests").0);
            }
        }
        v => {
            let text = scalar_text(v);
            if parse_quantity(&text).is_some_and(|q| q <= 0.0) {
                e.invalid(&rp, quote(&text), "must be greater than zero");
                if let Some(last) = e.0.last_mut() {
                    last.at = Some(p.k("resources.requests.storage").0);
                }
            }
        }
    }
    if let Some(vm) = s.str_at("volumeMode") {
        if !matches!(vm, "Block" | "Filesystem") {
            e.unsupported(&p.k("volumeMode"), vm, &["Block", "Filesystem"]);
        }
    }
}

pub(super) const PV_SOURCES: [&str; 22] = [
    "hostPath",
    "nfs",
    "flexVolume",
    "local",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "iscsi",
    "csi",
    "cephfs",
    "rbd",
    "fc",
    "azureDisk",
    "azureFile",
    "cinder",
    "glusterfs",
    "portworxVolume",
    "vsphereVolume",
    "quobyte",
    "flocker",
    "photonPersistentDisk",
    "scaleIO",
    "storageos",
];

pub(super) fn validate_pv(e: &mut Errs, o: &Object) {
    let p = P::root().k("spec");
    let s = o.spec();
    validate_access_modes(e, &p, s, false);
    // Both checks run: a PV with no capacity is Required and NotSupported.
    let cap = s.at("capacity");
    let map = cap.as_object();
    if map.is_none_or(|m| m.is_empty()) {
        e.required(&p.k("capacity"), "");
    }
    if cap.at("storage").is_null() || map.is_some_and(|m| m.len() > 1) {
        // Go's %#v of the ResourceList; a non-empty one is shown as a plain
        // map (Ordinal leaves out resource.Quantity's internal fields).
        let value = match map {
            None => "core.ResourceList(nil)".to_string(),
            Some(m) if m.is_empty() => "core.ResourceList{}".to_string(),
            Some(_) => go_map(&cap.labels_at("")),
        };
        e.push(
            &p.k("capacity"),
            ErrorType::NotSupported(vec!["storage"]),
            value,
            "",
        );
    }
    let sources: Vec<&str> = PV_SOURCES
        .iter()
        .copied()
        .filter(|k| !s.at(k).is_null())
        .collect();
    match sources.len() {
        0 => e.required(&p, "must specify a volume type"),
        1 => {}
        _ => e.push(
            &p.k(sources[1]),
            ErrorType::Forbidden,
            String::new(),
            "may not specify more than 1 volume type",
        ),
    }
    if !s.at("hostPath").is_null() && s.str_at("hostPath.path").unwrap_or("").is_empty() {
        e.required(&p.k("hostPath.path"), "");
    }
    if let Some(r) = s.str_at("persistentVolumeReclaimPolicy") {
        if !matches!(r, "Delete" | "Recycle" | "Retain") {
            e.unsupported(
                &p.k("persistentVolumeReclaimPolicy"),
                r,
                &["Delete", "Recycle", "Retain"],
            );
        }
    }
    if let Some(c) = s.str_at("storageClassName") {
        if !c.is_empty() && !is_dns1123_subdomain(c) {
            e.invalid(&p.k("storageClassName"), quote(c), DNS1123_SUBDOMAIN_MSG);
        }
    }
}

pub(super) fn validate_service(e: &mut Errs, o: &Object) {
    let p = P::root().k("spec");
    let s = o.spec();
    let ty = s.str_at("type").unwrap_or("ClusterIP");
    if !matches!(
        ty,
        "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort"
    ) {
        e.unsupported(
            &p.k("type"),
            ty,
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        );
    }
    let headless = s.str_at("clusterIP") == Some("None");
    let ports = s.array_at("ports");
    if ports.is_empty() && !headless && ty != "ExternalName" {
        e.required(&p.k("ports"), "");
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let pp = p.k("ports").i(i);
        let name = port.str_at("name").unwrap_or("");
        if ports.len() > 1 && name.is_empty() {
            e.required(&pp.k("name"), "");
        } else if !name.is_empty() {
            if !is_dns1123_label(name) {
                e.invalid(&pp.k("name"), quote(name), DNS1123_LABEL_MSG);
            }
            if !names.insert(name.to_string()) {
                e.push(&pp.k("name"), ErrorType::Duplicate, quote(name), "");
            }
        }
        match port.i64_at("port") {
            None => e.required(&pp.k("port"), ""),
            Some(n) if !(1..=65535).contains(&n) => e.invalid(
                &pp.k("port"),
                n.to_string(),
                "must be between 1 and 65535, inclusive",
            ),
            _ => {}
        }
        let proto = port.str_at("protocol").unwrap_or("TCP");
        if !matches!(proto, "TCP" | "UDP" | "SCTP") {
            e.unsupported(&pp.k("protocol"), proto, &["SCTP", "TCP", "UDP"]);
        }
        if let Some(n) = port.i64_at("targetPort") {
            if !(1..=65535).contains(&n) {
                e.invalid(
                    &pp.k("targetPort"),
                    n.to_string(),
                    "must be between 1 and 65535, inclusive",
                );
            }
        }
    }
    if let Some(ip) = s.str_at("clusterIP") {
        if !ip.is_empty() && ip != "None" && ip.parse::<std::net::Ipv4Addr>().is_err() {
            e.invalid(
                &p.k("clusterIPs").i(0),
                quote(ip),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            );
        }
    }
    if let Some(sa) = s.str_at("sessionAffinity") {
        if !matches!(sa, "ClientIP" | "None") {
            e.unsupported(&p.k("sessionAffinity"), sa, &["ClientIP", "None"]);
        }
    }
}

pub(super) fn validate_pod_spec(e: &mut Errs, p: &P, s: &Value, is_pod: bool) {
    let volumes = s.array_at("volumes");
    let mut vol_names = std::collections::BTreeSet::new();
    for (i, v) in volumes.iter().enumerate() {
        let vp = p.k("volumes").i(i);
        let name = v.str_at("name").unwrap_or("");
        if name.is_empty() {
            e.required(&vp.k("name"), "");
        } else {
            dns_label_errors(e, &vp.k("name"), name);
            if !vol_names.insert(name.to_string()) {
                e.push(&vp.k("name"), ErrorType::Duplicate, quote(name), "");
            }
        }
        let sources = v
            .as_object()
            .map(|m| m.keys().filter(|k| *k != "name").count())
            .unwrap_or(0);
        if sources == 0 {
            e.required(&vp, "must specify a volume type");
        }
        if !v.at("persistentVolumeClaim").is_null()
            && v.str_at("persistentVolumeClaim.claimName")
                .unwrap_or("")
                .is_empty()
        {
            e.required(&vp.k("persistentVolumeClaim.claimName"), "");
        }
    }
    let containers = s.array_at("containers");
    if containers.is_empty() {
        e.required(&p.k("containers"), "");
    }
    let mut names = std::collections::BTreeSet::new();
    for field in ["initContainers", "containers"] {
        for (i, c) in s.array_at(field).iter().enumerate() {
            let cp = p.k(field).i(i);
            let name = c.str_at("name").unwrap_or("");
            if name.is_empty() {
                e.required(&cp.k("name"), "");
            } else {
                dns_label_errors(e, &cp.k("name"), name);
                if !names.insert(name.to_string()) {
                    e.push(&cp.k("name"), ErrorType::Duplicate, quote(name), "");
                }
            }
            if c.str_at("image").unwrap_or("").trim().is_empty() {
                e.required(&cp.k("image"), "");
            }
            if let Some(pp) = c.str_at("imagePullPolicy") {
                if !matches!(pp, "Always" | "IfNotPresent" | "Never") {
                    e.unsupported(
                        &cp.k("imagePullPolicy"),
                        pp,
                        &["Always", "IfNotPresent", "Never"],
                    );
                }
            }
            for (j, port) in c.array_at("ports").iter().enumerate() {
                let pp = cp.k("ports").i(j);
                match port.i64_at("containerPort") {
                    None => e.required(&pp.k("containerPort"), ""),
                    Some(n) if !(1..=65535).contains(&n) => e.invalid(
                        &pp.k("containerPort"),
                        n.to_string(),
                        "must be between 1 and 65535, inclusive",
                    ),
                    _ => {}
                }
                if let Some(n) = port.str_at("name") {
                    iana_svc_name(e, &pp.k("name"), n);
                }
            }
            for (j, m) in c.array_at("volumeMounts").iter().enumerate() {
                let mp = cp.k("volumeMounts").i(j);
                let name = m.str_at("name").unwrap_or("");
                if name.is_empty() {
                    e.required(&mp.k("name"), "");
                } else if !vol_names.contains(name) {
                    e.push(&mp.k("name"), ErrorType::NotFound, quote(name), "");
                }
                if m.str_at("mountPath").unwrap_or("").is_empty() {
                    e.required(&mp.k("mountPath"), "");
                }
            }
            for (j, env) in c.array_at("env").iter().enumerate() {
                if env.str_at("name").unwrap_or("").is_empty() {
                    e.required(&cp.k("env").i(j).k("name"), "");
                }
            }
            for which in ["requests", "limits"] {
                if let Some(m) = c.at(&format!("resources.{which}")).as_object() {
                    for res in m.keys() {
                        if !is_resource_name(res) {
                            let mut path = cp.k("resources").0;
                            path.push(Seg::Key(format!("{which}[{res}]")));
                            e.invalid(
                                &P(path),
                                quote(res),
                                "must be a standard resource type or fully qualified",
                            );
                            if let Some(last) = e.0.last_mut() {
                                last.at = Some(cp.k(&format!("resources.{which}")).0);
                            }
                        }
                    }
                }
            }
            // Requests may not exceed limits.
            let rq = c.at("resources.requests");
            let lim = c.at("resources.limits");
            if let (Some(rq), Some(lim)) = (rq.as_object(), lim.as_object()) {
                for (res, r) in rq {
                    let (Some(rv), Some(lv)) = (qty(r), lim.get(res).and_then(qty)) else {
                        continue;
                    };
                    if rv > lv {
                        let rs = scalar_text(r);
                        let ls = lim.get(res).map(scalar_text).unwrap_or_default();
                        e.invalid(
                            &cp.k("resources.requests"),
                            quote(&rs),
                            format!("must be less than or equal to {res} limit of {ls}"),
                        );
                    }
                }
            }
        }
    }
    let rp = s.str_at("restartPolicy").unwrap_or("Always");
    if is_pod && !matches!(rp, "Always" | "OnFailure" | "Never") {
        e.unsupported(&p.k("restartPolicy"), rp, &["Always", "OnFailure", "Never"]);
    }
    if let Some(dp) = s.str_at("dnsPolicy") {
        if !matches!(
            dp,
            "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None"
        ) {
            e.unsupported(
                &p.k("dnsPolicy"),
                dp,
                &["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
            );
        }
    }
    if let Some(g) = s.i64_at("terminationGracePeriodSeconds") {
        if g < 0 {
            e.invalid(
                &p.k("terminationGracePeriodSeconds"),
                g.to_string(),
                "must be greater than or equal to 0",
            );
        }
    }
    for kind in ["podAffinity", "podAntiAffinity"] {
        let terms = s.array_at(&format!(
            "affinity.{kind}.requiredDuringSchedulingIgnoredDuringExecution"
        ));
        for (i, t) in terms.iter().enumerate() {
            if t.str_at("topologyKey").unwrap_or("").is_empty() {
                e.required(
                    &p.k(&format!(
                        "affinity.{kind}.requiredDuringSchedulingIgnoredDuringExecution"
                    ))
                    .i(i)
                    .k("topologyKey"),
                    "can not be empty",
                );
            }
        }
    }
    // `ValidateDNS1123Label` of both, before the tolerations as upstream's
    // ValidatePodSpec: a StatefulSet's pods take the pod's name as their
    // hostname, so a set name near 63 characters fails here.
    for f in ["hostname", "subdomain"] {
        if let Some(h) = s.str_at(f).filter(|h| !h.is_empty()) {
            dns_label_errors(e, &p.k(f), h);
        }
    }
    for (i, t) in s.array_at("tolerations").iter().enumerate() {
        let op = t.str_at("operator").unwrap_or("Equal");
        if !matches!(op, "Equal" | "Exists") {
            e.unsupported(
                &p.k("tolerations").i(i).k("operator"),
                op,
                &["Equal", "Exists"],
            );
        }
    }
}

/// IANA_SVC_NAME, the rule for port names (`IsValidPortName`).
pub(super) fn iana_svc_name(e: &mut Errs, p: &P, n: &str) {
    if n.len() > 15 {
        e.invalid(p, quote(n), "must be no more than 15 characters");
    }
    if !n
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        e.invalid(
            p,
            quote(n),
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        );
    }
    if n.contains("--") {
        e.invalid(p, quote(n), "must not contain consecutive hyphens");
    }
    if !n.bytes().any(|b| b.is_ascii_lowercase()) {
        e.invalid(p, quote(n), "must contain at least one letter (a-z)");
    }
    if n.starts_with('-') || n.ends_with('-') {
        e.invalid(p, quote(n), "must not begin or end with a hyphen");
    }
}

/// Standard container resources, or a fully qualified (`example.com/gpu`) one.
pub(super) fn is_resource_name(r: &str) -> bool {
    matches!(
        r,
        "cpu" | "memory" | "ephemeral-storage" | "storage" | "pods"
    ) || r.starts_with("hugepages-")
        || r.split_once('/')
            .is_some_and(|(pre, name)| is_dns1123_subdomain(pre) && !name.is_empty())
}

pub(super) fn qty(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) => parse_quantity(s),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// The keys of a ConfigMap's or Secret's data (`ValidateConfigMap`,
/// `ValidateSecret`: `IsConfigMapKey`).
pub(super) fn validate_config_data(e: &mut Errs, d: &Object) {
    for field in ["data", "stringData", "binaryData"] {
        if let Some(m) = d.field(field).as_object() {
            for k in m.keys() {
                let ok = !k.is_empty()
                    && k.len() <= 253
                    && k.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
                if !ok {
                    e.invalid(
                        &P::root().k(field),
                        quote(k),
                        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                    );
                }
            }
        }
    }
}

/// `ValidatePersistentVolumeClaimUpdate`: a claim's spec is immutable but for its requests, which may only grow.
pub(super) fn validate_pvc_update(errs: &mut Vec<FieldError>, old: &Object, new: &Object) {
    let spec = P::root().k("spec");
    let (os, ns) = (old.spec(), new.spec());
    let strip = |v: &Value| -> Value {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.remove("resources");
            m.remove("volumeAttributesClassName");
            // The binder fills volumeName once; setting it is allowed.
            if m.get("volumeName").is_some_and(|x| x.as_str() == Some("")) {
                m.remove("volumeName");
            }
        }
        v
    };
    let mut o2 = strip(os);
    let n2 = strip(ns);
    if os.str_at("volumeName").unwrap_or("").is_empty() {
        if let (Some(o), Some(vn)) = (o2.as_object_mut(), n2.get("volumeName")) {
            o.insert("volumeName".into(), vn.clone());
        }
    }
    if o2 != n2 {
        errs.push(forbidden(&spec, "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
    } else if let (Some(o), Some(n)) = (
        os.at("resources.requests.storage")
            .as_str()
            .and_then(parse_quantity),
        ns.at("resources.requests.storage")
            .as_str()
            .and_then(parse_quantity),
    ) {
        if n < o {
            errs.push(forbidden(
                &P({
                    let mut v = spec.0.clone();
                    v.push(Seg::Key("resources".into()));
                    v.push(Seg::Key("requests".into()));
                    v.push(Seg::Key("storage".into()));
                    v
                }),
                "field can not be less than previous value",
            ));
        }
    }
}

/// `ValidateServiceUpdate`: a cluster IP may not change once set.
pub(super) fn validate_service_update(errs: &mut Vec<FieldError>, old: &Object, new: &Object) {
    let spec = P::root().k("spec");
    let (os, ns) = (old.spec(), new.spec());
    let oip = os.str_at("clusterIP").unwrap_or("");
    let nip = ns.str_at("clusterIP").unwrap_or("");
    if !oip.is_empty() && !nip.is_empty() && oip != nip {
        errs.push(FieldError {
            path: spec.k("clusterIPs").i(0).0,
            kind: ErrorType::Invalid,
            value: format!("[]string{{{}}}", quote(nip)),
            detail: "may not change once set".into(),
            at: Some(spec.k("clusterIP").0),
        });
    }
}

/// `ValidatePersistentVolumeUpdate`: the volume source is immutable.
pub(super) fn validate_pv_update(errs: &mut Vec<FieldError>, old: &Object, new: &Object) {
    let spec = P::root().k("spec");
    let (os, ns) = (old.spec(), new.spec());
    let src = |v: &Value| -> Vec<Value> { PV_SOURCES.iter().map(|k| v.at(k).clone()).collect() };
    if src(os) != src(ns) {
        errs.push(forbidden(
            &spec.k("persistentvolumesource"),
            "spec.persistentvolumesource is immutable after creation",
        ));
    }
}

/// `ValidatePodUpdate`: only images, activeDeadlineSeconds, added
/// tolerations and the grace period may change; binding (nodeName from
/// empty) is the scheduler's subresource.
pub(super) fn validate_pod_update(errs: &mut Vec<FieldError>, old: &Object, new: &Object) {
    let spec = P::root().k("spec");
    let (os, ns) = (old.spec(), new.spec());
    // ValidatePodUpdate: only images, activeDeadlineSeconds, added
    // tolerations and the grace period may change; binding
    // (nodeName from empty) is the scheduler's subresource.
    let strip = |v: &Value, other: &Value| -> Value {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            for f in ["initContainers", "containers"] {
                if let Some(cs) = m.get_mut(f).and_then(Value::as_array_mut) {
                    for c in cs {
                        if let Some(c) = c.as_object_mut() {
                            c.remove("image");
                        }
                    }
                }
            }
            m.remove("activeDeadlineSeconds");
            m.remove("terminationGracePeriodSeconds");
            if other.str_at("nodeName").unwrap_or("").is_empty() {
                m.remove("nodeName");
            }
            // Tolerations may only grow: keep the old ones to compare.
            m.remove("tolerations");
        }
        v
    };
    let old_tol = os.array_at("tolerations");
    let new_tol = ns.array_at("tolerations");
    let kept = old_tol.iter().all(|t| new_tol.contains(t));
    if strip(os, os) != strip(ns, os) || !kept {
        errs.push(forbidden(&spec, "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"));
    }
}

/// An `immutable` ConfigMap or Secret keeps its data (`ValidateConfigMapUpdate`,
/// `ValidateSecretUpdate`).
pub(super) fn validate_config_update(errs: &mut Vec<FieldError>, old: &Object, new: &Object) {
    if old.field("immutable").as_bool() == Some(true) {
        for f in ["data", "binaryData", "stringData"] {
            if old.field(f) != new.field(f) {
                errs.push(forbidden(
                    &P::root().k(f),
                    "field is immutable when `immutable` is set",
                ));
            }
        }
    }
}
