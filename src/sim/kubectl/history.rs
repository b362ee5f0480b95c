//! `kubectl rollout history KIND/NAME --revision=N`: kubectl prints the
//! revision's pod template with `describe.DescribePodTemplate` through a
//! bare prefix writer (`printTemplate` in polymorphichelpers/history.go),
//! so the fields are separated by tab characters, not aligned.

use crate::sim::engine::Sim;
use crate::sim::object::{Kind, Object, ValueExt};
use crate::sim::sort;
use serde_json::Value;

const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// The revisions of a workload: (revision, pod template, change cause).
/// StatefulSets and DaemonSets keep them in ControllerRevisions (whose
/// patch replaces the template); a Deployment in its ReplicaSets'
/// `deployment.kubernetes.io/revision` annotation.
pub fn history(sim: &Sim, o: &Object) -> Vec<(i64, Value, Option<String>)> {
    let owned = |kind: Kind| {
        sim.store
            .list_ns(kind, &o.meta.namespace)
            .filter(|r| r.meta.is_owned_by(&o.meta.uid))
    };
    let mut out: Vec<(i64, Value, Option<String>)> = if o.kind == Kind::Deployment {
        owned(Kind::ReplicaSet)
            .filter_map(|rs| {
                let rev = rs
                    .meta
                    .annotations
                    .get(crate::sim::controllers::deployment::REVISION_ANNOTATION)?
                    .parse()
                    .ok()?;
                Some((
                    rev,
                    rs.spec().at("template").clone(),
                    rs.meta.annotations.get(CHANGE_CAUSE).cloned(),
                ))
            })
            .collect()
    } else {
        owned(Kind::ControllerRevision)
            .map(|r| {
                let mut t = r.field("data").at("spec.template").clone();
                if let Some(m) = t.as_object_mut() {
                    m.remove("$patch");
                }
                (
                    r.field("revision").as_i64().unwrap_or(0),
                    t,
                    r.meta.annotations.get(CHANGE_CAUSE).cloned(),
                )
            })
            .collect()
    };
    // Keyed by revision, as kubectl's map is (a later one wins).
    sort::sort_by_key(&mut out, |(r, _, _)| *r);
    out.dedup_by(|later, earlier| {
        if later.0 == earlier.0 {
            std::mem::swap(later, earlier);
            true
        } else {
            false
        }
    });
    out
}

/// `ViewHistory`: the revision table, or with `revision > 0` that
/// revision's template (`printTemplate`).
pub fn view_history(sim: &Sim, o: &Object, revision: i64) -> Result<String, String> {
    let revs = history(sim, o);
    if revs.is_empty() {
        return Ok("No rollout history found.".into());
    }
    if revision > 0 {
        return match revs.iter().find(|(r, _, _)| *r == revision) {
            Some((_, t, _)) => Ok(describe_pod_template(t)),
            None => Err("error: unable to find the specified revision".into()),
        };
    }
    let mut text = String::from("REVISION\tCHANGE-CAUSE\n");
    for (r, _, cause) in &revs {
        let cause = cause
            .as_deref()
            .filter(|c| !c.is_empty())
            .unwrap_or("<none>");
        text.push_str(&format!("{r}\t{cause}\n"));
    }
    Ok(super::printers::tabwrite(&text, 0, 2))
}

/// The longest annotation printed on one line (`maxAnnotationLen`).
const MAX_ANNOTATION_LEN: usize = 140;

/// `DescribePodTemplate` of a pod template (`metadata` and `spec`), as
/// lines with kubectl's tabs. Ends with a newline.
pub fn describe_pod_template(t: &Value) -> String {
    let mut w = String::new();
    w.push_str("Pod Template:\n");
    if t.is_null() {
        w.push_str("  <unset>");
        return w;
    }
    labels_multiline(&mut w, "  Labels", t.at("metadata.labels"));
    let ann = t.at("metadata.annotations");
    if ann.as_object().is_some_and(|m| !m.is_empty()) {
        annotations_multiline(&mut w, "  Annotations", ann);
    }
    let spec = t.at("spec");
    if let Some(sa) = spec.str_at("serviceAccountName").filter(|s| !s.is_empty()) {
        w.push_str(&format!("  Service Account:\t{sa}\n"));
    }
    let inits = spec.array_at("initContainers");
    if !inits.is_empty() {
        containers(&mut w, "Init Containers", inits);
    }
    containers(&mut w, "Containers", spec.array_at("containers"));
    volumes(&mut w, spec.array_at("volumes"));
    if let Some(pc) = spec.str_at("priorityClassName").filter(|s| !s.is_empty()) {
        w.push_str(&format!("  Priority Class Name:\t{pc}\n"));
    }
    labels_multiline(&mut w, "  Node-Selectors", spec.at("nodeSelector"));
    tolerations_multiline(&mut w, "  Tolerations", spec.array_at("tolerations"));
    w
}

/// `printLabelsMultiline`: sorted `k=v`, one a line, the first beside the title.
fn labels_multiline(w: &mut String, title: &str, m: &Value) {
    w.push_str(&format!("{title}:\t"));
    let Some(m) = m.as_object().filter(|m| !m.is_empty()) else {
        w.push_str("<none>\n");
        return;
    };
    // serde_json's maps are ordered by key, as Go's sort.Strings orders them.
    for (i, (k, v)) in m.iter().enumerate() {
        if i != 0 {
            w.push('\t');
        }
        w.push_str(&format!("{k}={}\n", v.as_str().unwrap_or("")));
    }
}

/// `printAnnotationsMultiline`: long or multi-line values go below their key.
fn annotations_multiline(w: &mut String, title: &str, m: &Value) {
    w.push_str(&format!("{title}:\t"));
    let Some(m) = m.as_object().filter(|m| !m.is_empty()) else {
        w.push_str("<none>\n");
        return;
    };
    for (i, (k, v)) in m.iter().enumerate() {
        if i != 0 {
            w.push('\t');
        }
        let value = v.as_str().unwrap_or("").trim_end_matches('\n');
        if value.len() + k.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.push_str(&format!("{k}:\n"));
            for s in value.split('\n') {
                w.push_str(&format!("\t  {}\n", shorten(s, MAX_ANNOTATION_LEN - 2)));
            }
        } else {
            w.push_str(&format!("{k}: {value}\n"));
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    } else {
        s.to_string()
    }
}

/// Go's `%v` of an int-or-string.
fn int_or_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// `DescribeProbe`.
fn probe(p: &Value) -> String {
    let n = |k: &str, d: i64| p.i64_at(k).unwrap_or(d);
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        n("initialDelaySeconds", 0),
        n("timeoutSeconds", 1),
        n("periodSeconds", 10),
        n("successThreshold", 1),
        n("failureThreshold", 3)
    );
    if !p.at("exec").is_null() {
        let cmd: Vec<&str> = p
            .array_at("exec.command")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        return format!("exec [{}] {attrs}", cmd.join(" "));
    }
    if !p.at("httpGet").is_null() {
        let h = p.at("httpGet");
        let scheme = h.str_at("scheme").unwrap_or("HTTP").to_ascii_lowercase();
        let host = h.str_at("host").unwrap_or("");
        let port = int_or_string(h.at("port"));
        let host = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        return format!(
            "http-get {scheme}://{host}{} {attrs}",
            h.str_at("path").unwrap_or("")
        );
    }
    if !p.at("tcpSocket").is_null() {
        let t = p.at("tcpSocket");
        return format!(
            "tcp-socket {}:{} {attrs}",
            t.str_at("host").unwrap_or(""),
            int_or_string(t.at("port"))
        );
    }
    if !p.at("grpc").is_null() {
        let g = p.at("grpc");
        return format!(
            "grpc <pod>:{} {} {attrs}",
            g.i64_at("port").unwrap_or(0),
            g.str_at("service").unwrap_or("")
        );
    }
    format!("unknown {attrs}")
}

/// `describeContainers` without statuses (a template has none).
fn containers(w: &mut String, label: &str, cs: &[Value]) {
    let none = if cs.is_empty() { " <none>" } else { "" };
    w.push_str(&format!("  {label}:{none}\n"));
    for c in cs {
        w.push_str(&format!("   {}:\n", c.str_at("name").unwrap_or("")));
        w.push_str(&format!(
            "    Image:\t{}\n",
            c.str_at("image").unwrap_or("")
        ));
        let ports = c.array_at("ports");
        let fmt_ports = |f: &dyn Fn(&Value) -> String| -> String {
            ports.iter().map(f).collect::<Vec<_>>().join(", ")
        };
        let proto = |p: &Value| p.str_at("protocol").unwrap_or("TCP").to_string();
        let port_s =
            fmt_ports(&|p| format!("{}/{}", p.i64_at("containerPort").unwrap_or(0), proto(p)));
        let host_s = fmt_ports(&|p| format!("{}/{}", p.i64_at("hostPort").unwrap_or(0), proto(p)));
        let or_none = |s: String| if s.is_empty() { "<none>".into() } else { s };
        if port_s.contains(',') {
            w.push_str(&format!("    Ports:\t{port_s}\n"));
        } else {
            w.push_str(&format!("    Port:\t{}\n", or_none(port_s)));
        }
        if host_s.contains(',') {
            w.push_str(&format!("    Host Ports:\t{host_s}\n"));
        } else {
            w.push_str(&format!("    Host Port:\t{}\n", or_none(host_s)));
        }
        if let Some(rp) = c.str_at("restartPolicy") {
            w.push_str(&format!("    Restart Policy:\t{rp}\n"));
        }
        for (key, title) in [("command", "Command"), ("args", "Args")] {
            let items = c.array_at(key);
            if !items.is_empty() {
                w.push_str(&format!("    {title}:\n"));
                for x in items {
                    for s in x.as_str().unwrap_or("").split('\n') {
                        w.push_str(&format!("      {s}\n"));
                    }
                }
            }
        }
        resources(w, c.at("resources"));
        for (key, title) in [
            ("livenessProbe", "Liveness"),
            ("readinessProbe", "Readiness"),
            ("startupProbe", "Startup"),
        ] {
            let p = c.at(key);
            if !p.is_null() {
                w.push_str(&format!("    {title}:\t{}\n", probe(p)));
            }
        }
        env_from(w, c.array_at("envFrom"));
        env(w, c.array_at("env"));
        mounts(w, c.array_at("volumeMounts"));
    }
}

/// `describeResources`: limits then requests, by resource name.
fn resources(w: &mut String, r: &Value) {
    for (key, title) in [("limits", "Limits"), ("requests", "Requests")] {
        let Some(m) = r.at(key).as_object().filter(|m| !m.is_empty()) else {
            continue;
        };
        w.push_str(&format!("    {title}:\n"));
        for (name, q) in m {
            w.push_str(&format!("      {name}:\t{}\n", int_or_string(q)));
        }
    }
}

/// `describeContainerEnvFrom`.
fn env_from(w: &mut String, items: &[Value]) {
    if items.is_empty() {
        return;
    }
    w.push_str("    Environment Variables from:\n");
    for e in items {
        let prefix = e.str_at("prefix").unwrap_or("");
        let (kind, r) = if !e.at("configMapRef").is_null() {
            ("ConfigMap", e.at("configMapRef"))
        } else {
            ("Secret", e.at("secretRef"))
        };
        let optional = r.at("optional").as_bool().unwrap_or(false);
        let name = r.str_at("name").unwrap_or("");
        if prefix.is_empty() {
            w.push_str(&format!("      {name}\t{kind}\tOptional: {optional}\n"));
        } else {
            w.push_str(&format!(
                "      {name}\t{kind} with prefix '{prefix}'\tOptional: {optional}\n"
            ));
        }
    }
}

/// `describeContainerEnvVars` without a resolver (values from fields print
/// empty, as for a template).
fn env(w: &mut String, items: &[Value]) {
    if items.is_empty() {
        w.push_str("    Environment:\t<none>\n");
        return;
    }
    w.push_str("    Environment:\n");
    for e in items {
        let name = e.str_at("name").unwrap_or("");
        let from = e.at("valueFrom");
        if from.is_null() {
            for (i, s) in e.str_at("value").unwrap_or("").split('\n').enumerate() {
                if i == 0 {
                    w.push_str(&format!("      {name}:\t{s}\n"));
                } else {
                    w.push_str(&format!("      \t{s}\n"));
                }
            }
            continue;
        }
        let optional = |r: &Value| r.at("optional").as_bool().unwrap_or(false);
        if !from.at("fieldRef").is_null() {
            let f = from.at("fieldRef");
            w.push_str(&format!(
                "      {name}:\t ({}:{})\n",
                f.str_at("apiVersion").unwrap_or("v1"),
                f.str_at("fieldPath").unwrap_or("")
            ));
        } else if !from.at("resourceFieldRef").is_null() {
            let res = from.str_at("resourceFieldRef.resource").unwrap_or("");
            w.push_str(&format!("      {name}:\t ({res})\n"));
        } else if !from.at("secretKeyRef").is_null() {
            let r = from.at("secretKeyRef");
            w.push_str(&format!(
                "      {name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                r.str_at("key").unwrap_or(""),
                r.str_at("name").unwrap_or(""),
                optional(r)
            ));
        } else if !from.at("configMapKeyRef").is_null() {
            let r = from.at("configMapKeyRef");
            w.push_str(&format!(
                "      {name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                r.str_at("key").unwrap_or(""),
                r.str_at("name").unwrap_or(""),
                optional(r)
            ));
        }
    }
}

/// `describeContainerVolumes`: mounts sorted by path.
fn mounts(w: &mut String, items: &[Value]) {
    if items.is_empty() {
        w.push_str("    Mounts:\t<none>\n");
        return;
    }
    w.push_str("    Mounts:\n");
    let mut ms: Vec<&Value> = items.iter().collect();
    sort::sort_by_key(&mut ms, |m| m.str_at("mountPath").unwrap_or(""));
    for m in ms {
        let mut flags = vec![if m.at("readOnly").as_bool() == Some(true) {
            "ro".to_string()
        } else {
            "rw".to_string()
        }];
        if let Some(sp) = m.str_at("subPath").filter(|s| !s.is_empty()) {
            flags.push(format!("path={sp:?}"));
        }
        w.push_str(&format!(
            "      {} from {} ({})\n",
            m.str_at("mountPath").unwrap_or(""),
            m.str_at("name").unwrap_or(""),
            flags.join(",")
        ));
    }
}

/// How `describeVolumes` prints a volume source: its type line and
/// fields `(title, path in the source, default)`; a boolean field reads
/// `false` when absent.
type VolumeSource = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, &'static str)],
);
const VOLUME_SOURCES: &[VolumeSource] = &[
    (
        "hostPath",
        "HostPath (bare host directory volume)",
        &[("Path", "path", ""), ("HostPathType", "type", "<none>")],
    ),
    (
        "emptyDir",
        "EmptyDir (a temporary directory that shares a pod's lifetime)",
        &[
            ("Medium", "medium", ""),
            ("SizeLimit", "sizeLimit", "<unset>"),
        ],
    ),
    (
        "secret",
        "Secret (a volume populated by a Secret)",
        &[
            ("SecretName", "secretName", ""),
            ("Optional", "optional", "false"),
        ],
    ),
    (
        "configMap",
        "ConfigMap (a volume populated by a ConfigMap)",
        &[("Name", "name", ""), ("Optional", "optional", "false")],
    ),
    (
        "persistentVolumeClaim",
        "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
        &[
            ("ClaimName", "claimName", ""),
            ("ReadOnly", "readOnly", "false"),
        ],
    ),
    (
        "nfs",
        "NFS (an NFS mount that lasts the lifetime of a pod)",
        &[
            ("Server", "server", ""),
            ("Path", "path", ""),
            ("ReadOnly", "readOnly", "false"),
        ],
    ),
];

/// `describeVolumes` for the volume sources Ordinal's pods use.
fn volumes(w: &mut String, vols: &[Value]) {
    if vols.is_empty() {
        w.push_str("  Volumes:\t<none>\n");
        return;
    }
    w.push_str("  Volumes:\n");
    for v in vols {
        w.push_str(&format!("   {}:\n", v.str_at("name").unwrap_or("")));
        if let Some((key, kind, fields)) =
            VOLUME_SOURCES.iter().find(|(k, _, _)| !v.at(k).is_null())
        {
            let src = v.at(key);
            w.push_str(&format!("    Type:\t{kind}\n"));
            for (title, path, default) in *fields {
                let value = match src.at(path) {
                    Value::Null => default.to_string(),
                    Value::Bool(b) => b.to_string(),
                    other => int_or_string(other),
                };
                w.push_str(&format!("    {title}:\t{value}\n"));
            }
        } else if !v.at("downwardAPI").is_null() {
            w.push_str(
                "    Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
            );
            for item in v.array_at("downwardAPI.items") {
                let path = item.str_at("path").unwrap_or("");
                if let Some(f) = item.str_at("fieldRef.fieldPath") {
                    w.push_str(&format!("      {f} -> {path}\n"));
                }
                if let Some(r) = item.str_at("resourceFieldRef.resource") {
                    w.push_str(&format!("      {r} -> {path}\n"));
                }
            }
        } else {
            w.push_str("  <unknown>\n");
        }
    }
}

/// `printTolerationsMultiline`: sorted by key.
fn tolerations_multiline(w: &mut String, title: &str, ts: &[Value]) {
    w.push_str(&format!("{title}:\t"));
    if ts.is_empty() {
        w.push_str("<none>\n");
        return;
    }
    let mut ts: Vec<&Value> = ts.iter().collect();
    sort::sort_by_key(&mut ts, |t| t.str_at("key").unwrap_or(""));
    for (i, t) in ts.iter().enumerate() {
        if i != 0 {
            w.push('\t');
        }
        let key = t.str_at("key").unwrap_or("");
        let value = t.str_at("value").unwrap_or("");
        let effect = t.str_at("effect").unwrap_or("");
        w.push_str(key);
        if !value.is_empty() {
            w.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            w.push_str(&format!(":{effect}"));
        }
        if t.str_at("operator") == Some("Exists") && value.is_empty() {
            w.push_str(if key.is_empty() && effect.is_empty() {
                "op=Exists"
            } else {
                " op=Exists"
            });
        }
        if let Some(s) = t.i64_at("tolerationSeconds") {
            w.push_str(&format!(" for {s}s"));
        }
        w.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_template_prints_as_describe_pod_template() {
        let t = json!({
            "metadata": {"labels": {"app": "web", "tier": "front"}},
            "spec": {
                "containers": [{
                    "name": "nginx", "image": "nginx:1.25",
                    "ports": [{"containerPort": 80, "name": "web", "protocol": "TCP"}],
                    "env": [{"name": "MODE", "value": "prod"},
                            {"name": "POD", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
                    "readinessProbe": {"tcpSocket": {"port": 80}, "periodSeconds": 5,
                                       "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
                    "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"},
                                     {"name": "conf", "mountPath": "/etc/nginx", "readOnly": true}]
                }],
                "volumes": [{"name": "conf", "configMap": {"name": "nginx-conf"}}]
            }
        });
        assert_eq!(
            describe_pod_template(&t),
            "Pod Template:\n  Labels:\tapp=web\n\ttier=front\n  Containers:\n   nginx:\n    Image:\tnginx:1.25\n    Port:\t80/TCP\n    Host Port:\t0/TCP\n    Readiness:\ttcp-socket :80 delay=0s timeout=1s period=5s #success=1 #failure=3\n    Environment:\n      MODE:\tprod\n      POD:\t (v1:metadata.name)\n    Mounts:\n      /etc/nginx from conf (ro)\n      /usr/share/nginx/html from www (rw)\n  Volumes:\n   conf:\n    Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\tnginx-conf\n    Optional:\tfalse\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n"
        );
    }
}
