//! Pods, their containers and volumes, and pod templates (`describePod`,
//! `describeContainers`, `describeVolumes`, `DescribePodTemplate`).

use super::*;
use crate::sim::sort;

/// `describeContainerBasicInfo` and the rest: the name one level in (one
/// space further in a pod template), the details always at four spaces.
pub(super) fn container_section(w: &mut W, in_template: bool, c: &Value, status: Option<&Value>) {
    let name_indent = if in_template { " " } else { "" };
    w.line(
        1,
        &format!("{name_indent}{}:", c.str_at("name").unwrap_or("")),
    );
    let l = 2;
    if let Some(s) = status {
        if let Some(id) = s.str_at("containerID") {
            w.kv(l, "Container ID", id);
        }
    }
    w.kv(l, "Image", c.str_at("image").unwrap_or(""));
    if let Some(s) = status {
        w.kv(l, "Image ID", s.str_at("imageID").unwrap_or(""));
    }
    let ports: Vec<String> = c
        .array_at("ports")
        .iter()
        .map(|p| {
            format!(
                "{}/{}",
                p.i64_at("containerPort").unwrap_or(0),
                p.str_at("protocol").unwrap_or("TCP")
            )
        })
        .collect();
    w.kv(
        l,
        if ports.len() > 1 { "Ports" } else { "Port" },
        or_none(&ports.join(", ")),
    );
    let host_ports: Vec<String> = c
        .array_at("ports")
        .iter()
        .map(|p| {
            format!(
                "{}/{}",
                p.i64_at("hostPort").unwrap_or(0),
                p.str_at("protocol").unwrap_or("TCP")
            )
        })
        .collect();
    w.kv(
        l,
        if host_ports.len() > 1 {
            "Host Ports"
        } else {
            "Host Port"
        },
        or_none(&host_ports.join(", ")),
    );
    let cmd: Vec<&str> = c
        .array_at("command")
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    if !cmd.is_empty() {
        w.line(l, "Command:");
        for x in cmd {
            for part in x.split('\n') {
                w.line(l + 1, part);
            }
        }
    }
    let args: Vec<&str> = c
        .array_at("args")
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    if !args.is_empty() {
        w.line(l, "Args:");
        for x in args {
            for part in x.split('\n') {
                w.line(l + 1, part);
            }
        }
    }
    if let Some(s) = status {
        state(w, l, "State", s.at("state"));
        if s.at("lastState").as_object().is_some_and(|m| !m.is_empty()) {
            state(w, l, "Last State", s.at("lastState"));
        }
        w.kv(
            l,
            "Ready",
            if s.bool_at("ready") == Some(true) {
                "True"
            } else {
                "False"
            },
        );
        w.kv(
            l,
            "Restart Count",
            s.i64_at("restartCount").unwrap_or(0).to_string(),
        );
    }
    for (k, t) in [
        ("Limits", "resources.limits"),
        ("Requests", "resources.requests"),
    ] {
        if let Some(m) = c.at(t).as_object().filter(|m| !m.is_empty()) {
            w.line(l, &format!("{k}:"));
            for (a, b) in m {
                let q = super::cluster::Quantity::of(b)
                    .map(|q| q.to_string())
                    .unwrap_or_else(|| super::super::jsonpath::text(b));
                w.kv(l + 1, a, q);
            }
        }
    }
    for (k, t) in [
        ("Liveness", "livenessProbe"),
        ("Readiness", "readinessProbe"),
        ("Startup", "startupProbe"),
    ] {
        let p = c.at(t);
        if p.is_object() {
            w.kv(l, k, describe_probe(p));
        }
    }
    let env = c.array_at("env");
    if env.is_empty() {
        w.kv(l, "Environment", "<none>");
    } else {
        w.line(l, "Environment:");
        for e in env {
            let v = match e.str_at("value") {
                Some(v) => v.to_string(),
                None if e.at("valueFrom.fieldRef").is_object() => format!(
                    " ({}:{})",
                    e.str_at("valueFrom.fieldRef.apiVersion").unwrap_or("v1"),
                    e.str_at("valueFrom.fieldRef.fieldPath").unwrap_or("")
                ),
                None => "<set to the key of a referenced object>".into(),
            };
            w.kv(l + 1, e.str_at("name").unwrap_or(""), v);
        }
    }
    let mut mounts: Vec<&Value> = c.array_at("volumeMounts").iter().collect();
    sort::sort_by_key(&mut mounts, |m| {
        m.str_at("mountPath").unwrap_or("").to_string()
    });
    if mounts.is_empty() {
        w.kv(l, "Mounts", "<none>");
    } else {
        w.line(l, "Mounts:");
        for m in mounts {
            let ro = if m.bool_at("readOnly") == Some(true) {
                "ro"
            } else {
                "rw"
            };
            let sub = m
                .str_at("subPath")
                .map(|s| format!(",path=\"{s}\""))
                .unwrap_or_default();
            w.line(
                l + 1,
                &format!(
                    "{} from {} ({ro}{sub})",
                    m.str_at("mountPath").unwrap_or(""),
                    m.str_at("name").unwrap_or("")
                ),
            );
        }
    }
}

/// `DescribeProbe`.
fn describe_probe(p: &Value) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.i64_at("initialDelaySeconds").unwrap_or(0),
        p.i64_at("timeoutSeconds").unwrap_or(1),
        p.i64_at("periodSeconds").unwrap_or(10),
        p.i64_at("successThreshold").unwrap_or(1),
        p.i64_at("failureThreshold").unwrap_or(3)
    );
    let text = super::super::jsonpath::text;
    if let Some(cmd) = p.at("exec.command").as_array() {
        let words: Vec<&str> = cmd.iter().filter_map(|x| x.as_str()).collect();
        format!("exec [{}] {attrs}", words.join(" "))
    } else if p.at("httpGet").is_object() {
        let scheme = p
            .str_at("httpGet.scheme")
            .unwrap_or("HTTP")
            .to_ascii_lowercase();
        let host = p.str_at("httpGet.host").unwrap_or("");
        let port = text(p.at("httpGet.port"));
        let path = p.str_at("httpGet.path").unwrap_or("");
        let sep = if !path.is_empty() && !path.starts_with('/') {
            "/"
        } else {
            ""
        };
        format!("http-get {scheme}://{host}:{port}{sep}{path} {attrs}")
    } else if p.at("tcpSocket").is_object() {
        format!(
            "tcp-socket {}:{} {attrs}",
            p.str_at("tcpSocket.host").unwrap_or(""),
            text(p.at("tcpSocket.port"))
        )
    } else if p.at("grpc").is_object() {
        format!(
            "grpc <pod>:{} {} {attrs}",
            p.i64_at("grpc.port").unwrap_or(0),
            p.str_at("grpc.service").unwrap_or("")
        )
    } else {
        format!("unknown {attrs}")
    }
}

pub(super) fn state(w: &mut W, l: usize, label: &str, s: &Value) {
    if s.at("running").is_object() {
        w.kv(l, label, "Running");
        w.kv(l + 1, "Started", ts_str(s, "running.startedAt"));
    } else if s.at("waiting").is_object() {
        w.kv(l, label, "Waiting");
        w.kv(l + 1, "Reason", s.str_at("waiting.reason").unwrap_or(""));
    } else if s.at("terminated").is_object() {
        w.kv(l, label, "Terminated");
        w.kv(l + 1, "Reason", s.str_at("terminated.reason").unwrap_or(""));
        w.kv(
            l + 1,
            "Exit Code",
            s.i64_at("terminated.exitCode").unwrap_or(0).to_string(),
        );
        w.kv(l + 1, "Started", ts_str(s, "terminated.startedAt"));
        w.kv(l + 1, "Finished", ts_str(s, "terminated.finishedAt"));
    } else {
        w.kv(l, label, "Waiting");
    }
}

/// `describeVolumes`: in a pod template (`space` set) the names are
/// indented by one more space, the sources stay at four.
pub(super) fn volumes_section(w: &mut W, spec: &Value, space: &str) {
    let vols = spec.array_at("volumes");
    if vols.is_empty() {
        w.text.push_str(&format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.text.push_str(&format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in vols {
        w.line(
            1,
            &format!("{name_indent}{}:", v.str_at("name").unwrap_or("")),
        );
        if !volume_source(w, v) {
            w.line(1, "<unknown>");
        }
    }
}

/// The `print*VolumeSource` lines of a pod volume or a PersistentVolume
/// spec, at level 2; false when the source is not one of these.
pub(super) fn volume_source(w: &mut W, v: &Value) -> bool {
    let b = |path: &str| v.bool_at(path).unwrap_or(false).to_string();
    if v.at("hostPath").is_object() {
        w.kv(2, "Type", "HostPath (bare host directory volume)");
        w.kv(2, "Path", v.str_at("hostPath.path").unwrap_or(""));
        w.kv(2, "HostPathType", v.str_at("hostPath.type").unwrap_or(""));
    } else if v.at("emptyDir").is_object() {
        w.kv(
            2,
            "Type",
            "EmptyDir (a temporary directory that shares a pod's lifetime)",
        );
        w.kv(2, "Medium", v.str_at("emptyDir.medium").unwrap_or(""));
        w.kv(
            2,
            "SizeLimit",
            v.str_at("emptyDir.sizeLimit").unwrap_or("<unset>"),
        );
    } else if v.at("secret").is_object() {
        w.kv(2, "Type", "Secret (a volume populated by a Secret)");
        w.kv(2, "SecretName", v.str_at("secret.secretName").unwrap_or(""));
        w.kv(2, "Optional", b("secret.optional"));
    } else if v.at("configMap").is_object() {
        w.kv(2, "Type", "ConfigMap (a volume populated by a ConfigMap)");
        w.kv(2, "Name", v.str_at("configMap.name").unwrap_or(""));
        w.kv(2, "Optional", b("configMap.optional"));
    } else if v.at("persistentVolumeClaim").is_object() {
        w.kv(
            2,
            "Type",
            "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
        );
        w.kv(
            2,
            "ClaimName",
            v.str_at("persistentVolumeClaim.claimName").unwrap_or(""),
        );
        w.kv(2, "ReadOnly", b("persistentVolumeClaim.readOnly"));
    } else if v.at("nfs").is_object() {
        w.kv(
            2,
            "Type",
            "NFS (an NFS mount that lasts the lifetime of a pod)",
        );
        w.kv(2, "Server", v.str_at("nfs.server").unwrap_or(""));
        w.kv(2, "Path", v.str_at("nfs.path").unwrap_or(""));
        w.kv(2, "ReadOnly", b("nfs.readOnly"));
    } else if v.at("local").is_object() {
        w.kv(
            2,
            "Type",
            "LocalVolume (a persistent volume backed by local storage on a node)",
        );
        w.kv(2, "Path", v.str_at("local.path").unwrap_or(""));
    } else if v.at("csi").is_object() {
        w.kv(
            2,
            "Type",
            "CSI (a Container Storage Interface (CSI) volume source)",
        );
        w.kv(2, "Driver", v.str_at("csi.driver").unwrap_or(""));
        w.kv(2, "FSType", v.str_at("csi.fsType").unwrap_or(""));
        w.kv(
            2,
            "VolumeHandle",
            v.str_at("csi.volumeHandle").unwrap_or(""),
        );
        w.kv(2, "ReadOnly", b("csi.readOnly"));
        let attrs: Vec<String> = v
            .labels_at("csi.volumeAttributes")
            .iter()
            .map(|(k, x)| format!("{k}={x}"))
            .collect();
        w.multiline(2, "VolumeAttributes", &attrs);
    } else {
        return false;
    }
    true
}

pub(super) fn describe_pod(sim: &Sim, o: &Object, w: &mut W) {
    let spec = o.spec();
    let st = o.status();
    common_meta(w, o);
    w.kv(
        0,
        "Priority",
        spec.i64_at("priority").unwrap_or(0).to_string(),
    );
    w.kv(
        0,
        "Service Account",
        spec.str_at("serviceAccountName").unwrap_or("default"),
    );
    let node = match (spec.str_at("nodeName"), st.str_at("hostIP")) {
        (Some(n), Some(ip)) => format!("{n}/{ip}"),
        (Some(n), None) => n.to_string(),
        _ => "<none>".into(),
    };
    w.kv(0, "Node", node);
    if st.str_at("startTime").is_some() {
        w.kv(0, "Start Time", ts_str(st, "startTime"));
    }
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    let finished = matches!(st.str_at("phase"), Some("Failed" | "Succeeded"));
    if let Some(t) = o.meta.deletion_timestamp.filter(|_| !finished) {
        w.kv(
            0,
            "Status",
            // As upstream: the age of the deletion timestamp, which lies
            // in the future during the grace period (`<invalid>`).
            format!("Terminating (lasts {})", since(sim.now, t)),
        );
        w.kv(
            0,
            "Termination Grace Period",
            format!("{}s", o.meta.deletion_grace_period_seconds.unwrap_or(30)),
        );
    } else {
        w.kv(0, "Status", st.str_at("phase").unwrap_or("Pending"));
    }
    if let Some(r) = st.str_at("reason") {
        w.kv(0, "Reason", r);
    }
    if let Some(m) = st.str_at("message") {
        w.kv(0, "Message", m);
    }
    let ip = st.str_at("podIP").unwrap_or("");
    w.kv(0, "IP", ip);
    if ip.is_empty() {
        w.kv(0, "IPs", "<none>");
    } else {
        w.line(0, "IPs:");
        w.kv(1, "IP", ip);
    }
    if let Some(c) = controlled_by(o) {
        w.kv(0, "Controlled By", c);
    }
    let statuses = |field: &str, name: &str| -> Option<Value> {
        st.array_at(field)
            .iter()
            .find(|s| s.str_at("name") == Some(name))
            .cloned()
    };
    let inits = spec.array_at("initContainers");
    if !inits.is_empty() {
        w.line(0, "Init Containers:");
        for c in inits {
            let s = statuses("initContainerStatuses", c.str_at("name").unwrap_or(""));
            container_section(w, false, c, s.as_ref());
        }
    }
    w.line(0, "Containers:");
    for c in spec.array_at("containers") {
        let s = statuses("containerStatuses", c.str_at("name").unwrap_or(""));
        container_section(w, false, c, s.as_ref());
    }
    let conds = st.array_at("conditions");
    if !conds.is_empty() {
        w.line(0, "Conditions:");
        w.text.push_str("  Type\tStatus\n");
        // kubectl leaves a space after each cell.
        for c in conds {
            w.text.push_str(&format!(
                "  {} \t{} \n",
                c.str_at("type").unwrap_or(""),
                c.str_at("status").unwrap_or("")
            ));
        }
    }
    volumes_section(w, spec, "");
    w.kv(
        0,
        "QoS Class",
        st.str_at("qosClass").unwrap_or("BestEffort"),
    );
    w.map(0, "Node-Selectors", &spec.labels_at("nodeSelector"));
    tolerations(w, 0, spec.array_at("tolerations"));
}

pub(super) fn pod_template(w: &mut W, t: &Value) {
    w.line(0, "Pod Template:");
    let labels = t.labels_at("metadata.labels");
    w.map(1, "Labels", &labels);
    let ann = t.labels_at("metadata.annotations");
    if !ann.is_empty() {
        w.map(1, "Annotations", &ann);
    }
    let spec = t.at("spec");
    let inits = spec.array_at("initContainers");
    if !inits.is_empty() {
        w.line(1, "Init Containers:");
        for c in inits {
            container_section(w, true, c, None);
        }
    }
    w.line(1, "Containers:");
    for c in spec.array_at("containers") {
        container_section(w, true, c, None);
    }
    volumes_section(w, spec, "  ");
    w.map(1, "Node-Selectors", &spec.labels_at("nodeSelector"));
    tolerations(w, 1, spec.array_at("tolerations"));
}
