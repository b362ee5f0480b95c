//! `kubectl describe`: kubectl's describers for the kinds the seeds look
//! at, a generic one for the rest, and an Events section from the log.

use super::parse::Args;
use super::printers::{self, since, tabwrite};
use super::resources::{self, Resource};
use super::{namespace, selector};
use crate::sim::engine::{Action, Sim};
use crate::sim::object::{parse_rfc3339, Key, Kind, Object, ValueExt, EPOCH_UNIX_MS};
use serde_json::Value;

/// `Wed, 01 Jan 2025 00:00:01 +0000` (RFC 1123 with numeric zone), as
/// describe prints times.
pub fn rfc1123(virtual_ms: u64) -> String {
    let s = crate::sim::object::rfc3339(virtual_ms);
    let secs = (EPOCH_UNIX_MS + virtual_ms) / 1000;
    let days = secs / 86_400;
    // 1970-01-01 was a Thursday.
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let y = &s[0..4];
    let m: usize = s[5..7].parse().unwrap_or(1);
    let d = &s[8..10];
    format!("{wd}, {d} {} {y} {} +0000", months[m - 1], &s[11..19])
}

fn ts_str(v: &Value, path: &str) -> String {
    v.str_at(path)
        .and_then(parse_rfc3339)
        .map(rfc1123)
        .unwrap_or_default()
}

/// Lines with tabs, aligned at the end by the describe tab writer.
struct W {
    text: String,
}

impl W {
    fn new() -> W {
        W {
            text: String::new(),
        }
    }
    fn kv(&mut self, level: usize, k: &str, v: impl AsRef<str>) {
        let v = v.as_ref();
        self.text
            .push_str(&format!("{}{k}:\t{v}\n", "  ".repeat(level)));
    }
    fn line(&mut self, level: usize, s: &str) {
        self.text.push_str(&format!("{}{s}\n", "  ".repeat(level)));
    }
    /// A map printed one entry per line, the first beside the key:
    /// labels as `k=v`, annotations as `k: v` (without kubectl's own
    /// last-applied-configuration, which describe hides).
    fn map(&mut self, level: usize, k: &str, m: &crate::sim::object::Labels) {
        let annotations = k == "Annotations";
        let entries: Vec<String> = m
            .iter()
            .filter(|(a, _)| a.as_str() != super::mutate::LAST_APPLIED)
            .map(|(a, b)| {
                if annotations {
                    format!("{a}: {}", b.trim_end())
                } else {
                    format!("{a}={b}")
                }
            })
            .collect();
        if entries.is_empty() {
            self.kv(level, k, "<none>");
            return;
        }
        for (i, e) in entries.iter().enumerate() {
            if i == 0 {
                self.kv(level, k, e);
            } else {
                self.text.push_str(&format!("\t{e}\n"));
            }
        }
    }
    fn finish(self) -> String {
        tabwrite(&self.text, 0, 2)
    }
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

fn events_section(sim: &Sim, o: &Object, w: &mut W) {
    let key = o.key();
    let evs: Vec<_> = sim
        .log
        .iter()
        .filter(|e| {
            e.action == Action::Recorded && e.key() == key && e.time >= o.meta.creation_timestamp
        })
        .collect();
    if evs.is_empty() {
        w.kv(0, "Events", "<none>");
        return;
    }
    w.line(0, "Events:");
    w.text.push_str("  Type\tReason\tAge\tFrom\tMessage\n");
    w.text.push_str("  ----\t------\t----\t----\t-------\n");
    for e in evs {
        w.text.push_str(&format!(
            "  {}\t{}\t{}\t{}\t{}\n",
            if e.warning { "Warning" } else { "Normal" },
            e.reason,
            since(sim.now, e.time),
            e.source,
            e.message
        ));
    }
}

fn common_meta(w: &mut W, o: &Object) {
    w.kv(0, "Name", &o.meta.name);
    if o.kind.namespaced() {
        w.kv(0, "Namespace", &o.meta.namespace);
    }
}

fn controlled_by(o: &Object) -> Option<String> {
    o.meta
        .controller_ref()
        .map(|r| format!("{}/{}", r.kind, r.name))
}

fn container_section(w: &mut W, level: usize, c: &Value, status: Option<&Value>) {
    w.line(level, &format!("{}:", c.str_at("name").unwrap_or("")));
    let l = level + 1;
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
    w.kv(
        l,
        if ports.len() > 1 {
            "Host Ports"
        } else {
            "Host Port"
        },
        if ports.is_empty() {
            "<none>".to_string()
        } else {
            ports
                .iter()
                .map(|p| format!("0/{}", p.split('/').nth(1).unwrap_or("TCP")))
                .collect::<Vec<_>>()
                .join(", ")
        },
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
                w.kv(l + 1, a, super::jsonpath::text(b));
            }
        }
    }
    for (k, t) in [
        ("Liveness", "livenessProbe"),
        ("Readiness", "readinessProbe"),
    ] {
        let p = c.at(t);
        if p.is_object() {
            let how = if let Some(cmd) = p.at("exec.command").as_array() {
                format!(
                    "exec [{}]",
                    cmd.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            } else if p.at("tcpSocket").is_object() {
                format!(
                    "tcp-socket :{}",
                    super::jsonpath::text(p.at("tcpSocket.port"))
                )
            } else if p.at("httpGet").is_object() {
                format!(
                    "http-get http://:{}{}",
                    super::jsonpath::text(p.at("httpGet.port")),
                    p.str_at("httpGet.path").unwrap_or("/")
                )
            } else {
                "unknown".into()
            };
            w.kv(
                l,
                k,
                format!(
                    "{how} delay={}s timeout={}s period={}s #success={} #failure={}",
                    p.i64_at("initialDelaySeconds").unwrap_or(0),
                    p.i64_at("timeoutSeconds").unwrap_or(1),
                    p.i64_at("periodSeconds").unwrap_or(10),
                    p.i64_at("successThreshold").unwrap_or(1),
                    p.i64_at("failureThreshold").unwrap_or(3)
                ),
            );
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
    let mounts = c.array_at("volumeMounts");
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

fn state(w: &mut W, l: usize, label: &str, s: &Value) {
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

fn volumes_section(w: &mut W, spec: &Value) {
    let vols = spec.array_at("volumes");
    if vols.is_empty() {
        w.kv(0, "Volumes", "<none>");
        return;
    }
    w.line(0, "Volumes:");
    for v in vols {
        w.line(1, &format!("{}:", v.str_at("name").unwrap_or("")));
        if v.at("persistentVolumeClaim").is_object() {
            w.kv(2, "Type", "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)");
            w.kv(
                2,
                "ClaimName",
                v.str_at("persistentVolumeClaim.claimName").unwrap_or(""),
            );
            w.kv(
                2,
                "ReadOnly",
                v.bool_at("persistentVolumeClaim.readOnly")
                    .unwrap_or(false)
                    .to_string(),
            );
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
        } else if v.at("configMap").is_object() {
            w.kv(2, "Type", "ConfigMap (a volume populated by a ConfigMap)");
            w.kv(2, "Name", v.str_at("configMap.name").unwrap_or(""));
            w.kv(
                2,
                "Optional",
                v.bool_at("configMap.optional").unwrap_or(false).to_string(),
            );
        } else if v.at("hostPath").is_object() {
            w.kv(2, "Type", "HostPath (bare host directory volume)");
            w.kv(2, "Path", v.str_at("hostPath.path").unwrap_or(""));
        } else if v.at("secret").is_object() {
            w.kv(2, "Type", "Secret (a volume populated by a Secret)");
            w.kv(2, "SecretName", v.str_at("secret.secretName").unwrap_or(""));
        } else {
            w.kv(2, "Type", "<unknown>");
        }
    }
}

fn describe_pod(sim: &Sim, o: &Object, w: &mut W) {
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
    if let Some(t) = o.meta.deletion_timestamp {
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
            container_section(w, 1, c, s.as_ref());
        }
    }
    w.line(0, "Containers:");
    for c in spec.array_at("containers") {
        let s = statuses("containerStatuses", c.str_at("name").unwrap_or(""));
        container_section(w, 1, c, s.as_ref());
    }
    let conds = st.array_at("conditions");
    if !conds.is_empty() {
        w.line(0, "Conditions:");
        w.text.push_str("  Type\tStatus\n");
        for c in conds {
            w.text.push_str(&format!(
                "  {}\t{}\n",
                c.str_at("type").unwrap_or(""),
                c.str_at("status").unwrap_or("")
            ));
        }
    }
    volumes_section(w, spec);
    w.kv(
        0,
        "QoS Class",
        st.str_at("qosClass").unwrap_or("BestEffort"),
    );
    let ns = spec.labels_at("nodeSelector");
    w.kv(0, "Node-Selectors", printers::labels_string(&ns));
    let tols = spec.array_at("tolerations");
    if tols.is_empty() {
        w.kv(0, "Tolerations", "<none>");
    } else {
        for (i, t) in tols.iter().enumerate() {
            let mut s = t.str_at("key").unwrap_or("").to_string();
            if let Some(v) = t.str_at("value") {
                s.push_str(&format!("={v}"));
            }
            if let Some(e) = t.str_at("effect") {
                s.push_str(&format!(":{e}"));
            }
            if t.str_at("operator") == Some("Exists") {
                s.push_str(" op=Exists");
            }
            if let Some(sec) = t.i64_at("tolerationSeconds") {
                s.push_str(&format!(" for {sec}s"));
            }
            if i == 0 {
                w.kv(0, "Tolerations", s);
            } else {
                w.text.push_str(&format!("\t{s}\n"));
            }
        }
    }
}

fn pod_template(w: &mut W, t: &Value) {
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
            container_section(w, 2, c, None);
        }
    }
    w.line(1, "Containers:");
    for c in spec.array_at("containers") {
        container_section(w, 2, c, None);
    }
    let vols = spec.array_at("volumes");
    if vols.is_empty() {
        w.kv(1, "Volumes", "<none>");
    } else {
        w.line(1, "Volumes:");
        for v in vols {
            w.line(2, &format!("{}:", v.str_at("name").unwrap_or("")));
            let t = v
                .as_object()
                .and_then(|m| m.keys().find(|k| *k != "name").cloned())
                .unwrap_or_default();
            w.kv(3, "Type", t);
        }
    }
    w.kv(
        1,
        "Node-Selectors",
        printers::labels_string(&spec.labels_at("nodeSelector")),
    );
    w.kv(1, "Tolerations", "<none>");
}

fn pod_counts(sim: &Sim, o: &Object) -> String {
    let pods: Vec<&Object> = sim
        .store
        .list_ns(Kind::Pod, &o.meta.namespace)
        .filter(|p| p.meta.is_owned_by(&o.meta.uid))
        .collect();
    let count = |phase: &str| {
        pods.iter()
            .filter(|p| crate::sim::podutil::phase(p) == phase)
            .count()
    };
    format!(
        "{} Running / {} Waiting / {} Succeeded / {} Failed",
        count("Running"),
        count("Pending"),
        count("Succeeded"),
        count("Failed")
    )
}

fn selector_text(v: &Value) -> String {
    let mut parts: Vec<String> = v
        .labels_at("matchLabels")
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if parts.is_empty() && v.at("matchLabels").is_null() && v.at("matchExpressions").is_null() {
        parts = v
            .labels_at("")
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
    }
    for e in v.array_at("matchExpressions") {
        let vals: Vec<&str> = e
            .array_at("values")
            .iter()
            .filter_map(|x| x.as_str())
            .collect();
        parts.push(format!(
            "{} {} ({})",
            e.str_at("key").unwrap_or(""),
            e.str_at("operator").unwrap_or("").to_ascii_lowercase(),
            vals.join(",")
        ));
    }
    or_none(&parts.join(","))
}

fn describe_statefulset(sim: &Sim, o: &Object, w: &mut W) {
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

fn describe_service(sim: &Sim, o: &Object, w: &mut W) {
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
            v => super::jsonpath::text(v),
        };
        w.kv(0, "TargetPort", format!("{tp}/{proto}"));
        if let Some(np) = p.i64_at("nodePort") {
            w.kv(0, "NodePort", format!("{name}  {np}/{proto}"));
        }
        let eps = ep
            .map(|e| endpoint_list(e, p.str_at("name")))
            .unwrap_or_default();
        w.kv(0, "Endpoints", or_none(&eps));
    }
    w.kv(
        0,
        "Session Affinity",
        spec.str_at("sessionAffinity").unwrap_or("None"),
    );
    if spec.bool_at("publishNotReadyAddresses") == Some(true) {
        w.kv(0, "Publish Not Ready Addresses", "true");
    }
    w.kv(
        0,
        "Internal Traffic Policy",
        spec.str_at("internalTrafficPolicy").unwrap_or("Cluster"),
    );
}

fn endpoint_list(ep: &Object, port_name: Option<&str>) -> String {
    let mut out = Vec::new();
    for ss in ep
        .field("subsets")
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or(&[])
    {
        for p in ss.array_at("ports") {
            if port_name.is_some() && p.str_at("name") != port_name {
                continue;
            }
            for a in ss.array_at("addresses") {
                out.push(format!(
                    "{}:{}",
                    a.str_at("ip").unwrap_or(""),
                    p.i64_at("port").unwrap_or(0)
                ));
            }
        }
    }
    out.join(",")
}

fn describe_endpoints(o: &Object, w: &mut W) {
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
        w.line(1, "Ports:");
        w.text
            .push_str("    Name\tPort\tProtocol\n    ----\t----\t--------\n");
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

fn describe_pvc(sim: &Sim, o: &Object, w: &mut W) {
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
    let users: Vec<String> = sim
        .store
        .list_ns(Kind::Pod, &o.meta.namespace)
        .filter(|p| crate::sim::podutil::claim_names(p).contains(&o.meta.name.as_str()))
        .map(|p| p.meta.name.clone())
        .collect();
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

fn describe_pv(o: &Object, w: &mut W) {
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
    w.kv(0, "Status", st.str_at("phase").unwrap_or("Pending"));
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
    w.kv(
        0,
        "Node Affinity",
        if spec.at("nodeAffinity").is_null() {
            "<none>"
        } else {
            "(set)"
        },
    );
    w.kv(0, "Message", st.str_at("message").unwrap_or(""));
    w.line(0, "Source:");
    if let Some(p) = spec.str_at("hostPath.path") {
        w.kv(1, "Type", "HostPath (bare host directory volume)");
        w.kv(1, "Path", p);
        w.kv(
            1,
            "HostPathType",
            spec.str_at("hostPath.type").unwrap_or(""),
        );
    } else if let Some(m) = spec.as_object().and_then(|m| {
        m.keys()
            .find(|k| {
                !matches!(
                    k.as_str(),
                    "capacity"
                        | "accessModes"
                        | "claimRef"
                        | "persistentVolumeReclaimPolicy"
                        | "storageClassName"
                        | "volumeMode"
                        | "nodeAffinity"
                        | "mountOptions"
                )
            })
            .cloned()
    }) {
        w.kv(1, "Type", m);
    }
}

fn describe_node(sim: &Sim, o: &Object, w: &mut W) {
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
    let taints: Vec<String> = spec
        .array_at("taints")
        .iter()
        .map(|t| {
            let v = t
                .str_at("value")
                .map(|v| format!("={v}"))
                .unwrap_or_default();
            format!(
                "{}{v}:{}",
                t.str_at("key").unwrap_or(""),
                t.str_at("effect").unwrap_or("")
            )
        })
        .collect();
    w.kv(0, "Taints", or_none(&taints.join(", ")));
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
                w.kv(1, k, super::jsonpath::text(v));
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

fn describe_pdb(o: &Object, w: &mut W) {
    let spec = o.spec();
    let st = o.status();
    common_meta(w, o);
    if !spec.at("minAvailable").is_null() {
        w.kv(
            0,
            "Min available",
            super::jsonpath::text(spec.at("minAvailable")),
        );
    }
    if !spec.at("maxUnavailable").is_null() {
        w.kv(
            0,
            "Max unavailable",
            super::jsonpath::text(spec.at("maxUnavailable")),
        );
    }
    w.kv(0, "Selector", selector_text(spec.at("selector")));
    w.line(0, "Status:");
    w.kv(
        1,
        "Allowed disruptions",
        st.i64_at("disruptionsAllowed").unwrap_or(0).to_string(),
    );
    w.kv(
        1,
        "Current",
        st.i64_at("currentHealthy").unwrap_or(0).to_string(),
    );
    w.kv(
        1,
        "Desired",
        st.i64_at("desiredHealthy").unwrap_or(0).to_string(),
    );
    w.kv(
        1,
        "Total",
        st.i64_at("expectedPods").unwrap_or(0).to_string(),
    );
}

fn describe_generic(o: &Object, w: &mut W) {
    common_meta(w, o);
    w.map(0, "Labels", &o.meta.labels);
    w.map(0, "Annotations", &o.meta.annotations);
    if let Some(c) = controlled_by(o) {
        w.kv(0, "Controlled By", c);
    }
    for (k, v) in &o.body {
        let mut name: Vec<char> = k.chars().collect();
        if let Some(c) = name.first_mut() {
            *c = c.to_ascii_uppercase();
        }
        let name: String = name.into_iter().collect();
        match v {
            Value::Object(_) | Value::Array(_) => {
                w.line(0, &format!("{name}:"));
                for l in super::get::to_yaml(v).lines() {
                    w.line(1, l);
                }
            }
            other => w.kv(0, &name, super::jsonpath::text(other)),
        }
    }
}

/// Describes one object.
pub fn describe_object(sim: &Sim, o: &Object) -> String {
    let mut w = W::new();
    match o.kind {
        Kind::Pod => describe_pod(sim, o, &mut w),
        Kind::StatefulSet => describe_statefulset(sim, o, &mut w),
        Kind::Service => describe_service(sim, o, &mut w),
        Kind::Endpoints => describe_endpoints(o, &mut w),
        Kind::PersistentVolumeClaim => describe_pvc(sim, o, &mut w),
        Kind::PersistentVolume => describe_pv(o, &mut w),
        Kind::Node => describe_node(sim, o, &mut w),
        Kind::PodDisruptionBudget => describe_pdb(o, &mut w),
        Kind::ReplicationController | Kind::ReplicaSet => {
            common_meta(&mut w, o);
            w.kv(0, "Selector", selector_text(o.spec().at("selector")));
            w.map(0, "Labels", &o.meta.labels);
            w.map(0, "Annotations", &o.meta.annotations);
            w.kv(
                0,
                "Replicas",
                format!(
                    "{} current / {} desired",
                    o.status().i64_at("replicas").unwrap_or(0),
                    o.spec().i64_at("replicas").unwrap_or(1)
                ),
            );
            w.kv(0, "Pods Status", pod_counts(sim, o));
            pod_template(&mut w, o.spec().at("template"));
        }
        _ => describe_generic(o, &mut w),
    }
    events_section(sim, o, &mut w);
    w.finish()
}

pub fn describe(sim: &mut Sim, args: &Args, files: &[(String, String)]) -> Result<String, String> {
    let ns = namespace(args);
    let all_ns = args.bool("all-namespaces");
    let sel = selector(args)?;
    let mut keys: Vec<Result<Key, String>> = Vec::new();
    if args.has("filename") {
        let (objs, _, errs) = super::manifest_objects(args, files)?;
        if !errs.is_empty() {
            return Err(errs.join("\n"));
        }
        for o in objs {
            let key = Key::new(
                o.kind,
                if o.meta.namespace.is_empty() {
                    &ns
                } else {
                    &o.meta.namespace
                },
                &o.meta.name,
            );
            if sim.store.get_key(&key).is_some() {
                keys.push(Ok(key));
            } else {
                keys.push(Err(crate::sim::api::ApiError::not_found(
                    o.kind,
                    &o.meta.name,
                )
                .to_string()));
            }
        }
    } else {
        if args.positional.is_empty() {
            return Err("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\nerror: Required resource not specified.".into());
        }
        let targets = resources::parse_targets(&args.positional)?;
        if targets.groups.iter().any(|(r, _)| *r == Resource::Events) {
            return Err("error: describing events is not simulated; use kubectl get events".into());
        }
        // describe TYPE NAME matches names by prefix when there is no exact hit.
        for (r, names) in &targets.groups {
            let Resource::Kind(kind) = *r else { continue };
            if names.is_empty() {
                let t = resources::Targets {
                    groups: vec![(*r, vec![])],
                    multi: false,
                };
                keys.extend(super::select_keys(sim, &t, &ns, all_ns, sel.as_ref()));
                continue;
            }
            for n in names {
                let key = Key::new(kind, &ns, n);
                if sim.store.get_key(&key).is_some() {
                    keys.push(Ok(key));
                    continue;
                }
                let by_prefix: Vec<Key> = (if kind.namespaced() {
                    sim.store.list_ns(kind, &ns).collect::<Vec<_>>()
                } else {
                    sim.store.list(kind).collect()
                })
                .into_iter()
                .filter(|o| o.meta.name.starts_with(n.as_str()))
                .map(|o| o.key())
                .collect();
                if by_prefix.is_empty() {
                    keys.push(Err(
                        crate::sim::api::ApiError::not_found(kind, n).to_string()
                    ));
                } else {
                    keys.extend(by_prefix.into_iter().map(Ok));
                }
            }
        }
    }
    let mut parts = Vec::new();
    let mut errors = Vec::new();
    for k in keys {
        match k {
            Ok(key) => {
                if let Some(o) = sim.store.get_key(&key) {
                    parts.push(describe_object(sim, o));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if parts.is_empty() && errors.is_empty() {
        return Ok(format!(
            "{}\n",
            super::no_resources(if all_ns { None } else { Some(&ns) })
        ));
    }
    let out = parts.join("\n\n");
    if errors.is_empty() {
        Ok(out)
    } else {
        let mut s = out;
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&errors.join("\n"));
        Err(s)
    }
}
