//! kubectl's table printer: per-kind columns (`-o wide` too), durations as
//! `HumanDuration` prints them, pod STATUS as `printPod` derives it, and
//! the tab writer's alignment (min width 6, padding 3).

use crate::sim::object::{json_text, Kind, Labels, Object, ValueExt};
use crate::sim::podutil;
use serde_json::Value;

/// `duration.HumanDuration` from apimachinery.
pub fn human_duration(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// `translateTimestampSince`: the age of a virtual timestamp.
pub fn since(now: u64, t: u64) -> String {
    human_duration(now as i64 - t as i64)
}

/// Go's `text/tabwriter` (left-aligned, no flags): cells end at tabs,
/// a column block is a run of lines that have a cell in that column, and
/// each block's width is its widest cell plus `padding`, at least
/// `minwidth`. kubectl's tables use (6, 3); describe uses (0, 2).
pub fn tabwrite(text: &str, minwidth: usize, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = String::new();
    let mut widths: Vec<usize> = Vec::new();
    format_block(
        &lines,
        0,
        lines.len(),
        &mut widths,
        minwidth,
        padding,
        &mut out,
    );
    // `split` leaves one empty trailing line for a text ending in a newline.
    if out.ends_with('\n') && !text.ends_with('\n') {
        out.pop();
    }
    out
}

fn format_block(
    lines: &[Vec<&str>],
    mut line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    minwidth: usize,
    padding: usize,
    out: &mut String,
) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, line0, this, widths, out);
        line0 = this;
        let mut width = minwidth;
        while this < line1 && column + 1 < lines[this].len() {
            width = width.max(lines[this][column].chars().count() + padding);
            this += 1;
        }
        widths.push(width);
        format_block(lines, line0, this, widths, minwidth, padding, out);
        widths.pop();
        line0 = this;
    }
    write_lines(lines, line0, line1, widths, out);
}

fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
    for (i, line) in lines.iter().enumerate().take(to).skip(from) {
        for (j, c) in line.iter().enumerate() {
            out.push_str(c);
            if j < widths.len() && j + 1 < line.len() {
                let n = c.chars().count();
                out.push_str(&" ".repeat(widths[j].saturating_sub(n)));
            }
        }
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
}

/// A table as kubectl's printer aligns it.
pub fn tabulate(rows: &[Vec<String>]) -> String {
    let mut text = String::new();
    for r in rows {
        text.push_str(&r.join("\t"));
        text.push('\n');
    }
    tabwrite(&text, 6, 3)
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

pub fn labels_string(l: &Labels) -> String {
    if l.is_empty() {
        return "<none>".into();
    }
    l.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The header of a kind's table.
pub fn headers(kind: Kind, wide: bool) -> Vec<&'static str> {
    let (base, extra): (&[&str], &[&str]) = match kind {
        Kind::Pod => (
            &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        Kind::StatefulSet => (&["NAME", "READY", "AGE"], &["CONTAINERS", "IMAGES"]),
        Kind::Service => (
            &[
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            &["SELECTOR"],
        ),
        Kind::Endpoints => (&["NAME", "ENDPOINTS", "AGE"], &[]),
        Kind::PersistentVolumeClaim => (
            &[
                "NAME",
                "STATUS",
                "VOLUME",
                "CAPACITY",
                "ACCESS MODES",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        Kind::PersistentVolume => (
            &[
                "NAME",
                "CAPACITY",
                "ACCESS MODES",
                "RECLAIM POLICY",
                "STATUS",
                "CLAIM",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "REASON",
                "AGE",
            ],
            &["VOLUMEMODE"],
        ),
        Kind::Node => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
        ),
        Kind::ReplicationController | Kind::ReplicaSet => (
            &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::Deployment => (
            &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::DaemonSet => (
            &[
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Kind::ConfigMap => (&["NAME", "DATA", "AGE"], &[]),
        Kind::Secret => (&["NAME", "TYPE", "DATA", "AGE"], &[]),
        Kind::PodDisruptionBudget => (
            &[
                "NAME",
                "MIN AVAILABLE",
                "MAX UNAVAILABLE",
                "ALLOWED DISRUPTIONS",
                "AGE",
            ],
            &[],
        ),
        Kind::StorageClass => (
            &[
                "NAME",
                "PROVISIONER",
                "RECLAIMPOLICY",
                "VOLUMEBINDINGMODE",
                "ALLOWVOLUMEEXPANSION",
                "AGE",
            ],
            &[],
        ),
        Kind::Namespace => (&["NAME", "STATUS", "AGE"], &[]),
        Kind::ControllerRevision => (&["NAME", "CONTROLLER", "REVISION", "AGE"], &[]),
    };
    let mut h = base.to_vec();
    if wide {
        h.extend_from_slice(extra);
    }
    h
}

/// Events' header (`kubectl get events`).
pub const EVENT_HEADERS: [&str; 5] = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];

/// `printPod`: READY, STATUS and RESTARTS as kubectl derives them.
pub struct PodColumns {
    pub ready: String,
    pub status: String,
    pub restarts: String,
}

pub fn pod_columns(pod: &Object, now: u64) -> PodColumns {
    let st = podutil::printed_status(pod);
    let restarts = match st.last_restart {
        Some(t) if st.restarts != 0 => format!("{} ({} ago)", st.restarts, since(now, t)),
        _ => st.restarts.to_string(),
    };
    PodColumns {
        ready: format!("{}/{}", st.ready, st.total),
        status: st.reason,
        restarts,
    }
}

/// `GetAccessModesAsString`: the short forms, each once, for `get` and `describe`.
pub(super) fn access_modes(v: &Value) -> String {
    let mut out: Vec<&str> = Vec::new();
    for m in v.as_array().map(|a| a.as_slice()).unwrap_or(&[]) {
        let s = match m.as_str().unwrap_or("") {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            _ => continue,
        };
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out.join(",")
}

fn containers_images(template_spec: &Value) -> (String, String) {
    let cs = template_spec.array_at("containers");
    let names: Vec<&str> = cs.iter().filter_map(|c| c.str_at("name")).collect();
    let images: Vec<&str> = cs.iter().filter_map(|c| c.str_at("image")).collect();
    (names.join(","), images.join(","))
}

pub(super) fn selector_string(v: &Value) -> String {
    // matchLabels / matchExpressions (apps) or a plain map (rc, service).
    if v.at("matchLabels").is_object() || v.at("matchExpressions").is_array() {
        let mut parts: Vec<String> = v
            .labels_at("matchLabels")
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for e in v.array_at("matchExpressions") {
            let key = e.str_at("key").unwrap_or("");
            let vals: Vec<&str> = e
                .array_at("values")
                .iter()
                .filter_map(|x| x.as_str())
                .collect();
            parts.push(match e.str_at("operator").unwrap_or("") {
                "In" => format!("{key} in ({})", vals.join(",")),
                "NotIn" => format!("{key} notin ({})", vals.join(",")),
                "Exists" => key.to_string(),
                "DoesNotExist" => format!("!{key}"),
                _ => continue,
            });
        }
        return or_none(&parts.join(","));
    }
    let l = v.labels_at("");
    if l.is_empty() {
        "<none>".into()
    } else {
        labels_string(&l)
    }
}

/// `formatEndpoints`: up to three `ip:port`, then `+ N more...`.
pub fn format_endpoints(ep: &Object) -> String {
    let mut list = Vec::new();
    let mut count = 0;
    for ss in ep
        .field("subsets")
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or(&[])
    {
        let ports = ss.array_at("ports");
        let addrs = ss.array_at("addresses");
        let port_list: Vec<Option<i64>> = if ports.is_empty() {
            vec![None]
        } else {
            ports.iter().map(|p| p.i64_at("port")).collect()
        };
        for p in &port_list {
            for a in addrs {
                count += 1;
                if list.len() < 3 {
                    let ip = a.str_at("ip").unwrap_or("");
                    list.push(match p {
                        Some(p) => format!("{ip}:{p}"),
                        None => ip.to_string(),
                    });
                }
            }
        }
    }
    if list.is_empty() {
        return "<none>".into();
    }
    let mut s = list.join(",");
    if count > list.len() {
        s.push_str(&format!(" + {} more...", count - list.len()));
    }
    s
}

fn service_ports(spec: &Value) -> String {
    let ports: Vec<String> = spec
        .array_at("ports")
        .iter()
        .map(|p| {
            let proto = p.str_at("protocol").unwrap_or("TCP");
            let port = p.i64_at("port").unwrap_or(0);
            match p.i64_at("nodePort") {
                Some(np) => format!("{port}:{np}/{proto}"),
                None => format!("{port}/{proto}"),
            }
        })
        .collect();
    or_none(&ports.join(","))
}

fn node_status(n: &Object) -> String {
    let ready = n
        .status()
        .array_at("conditions")
        .iter()
        .find(|c| c.str_at("type") == Some("Ready"))
        .and_then(|c| c.str_at("status"));
    // printNode: any Ready status other than True (False or Unknown)
    // prints NotReady; no Ready condition at all prints Unknown.
    let mut s = match ready {
        Some("True") => "Ready",
        Some(_) => "NotReady",
        None => "Unknown",
    }
    .to_string();
    if n.spec().bool_at("unschedulable") == Some(true) {
        s.push_str(",SchedulingDisabled");
    }
    s
}

fn node_roles(n: &Object) -> String {
    let roles: Vec<&str> = n
        .meta
        .labels
        .keys()
        .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
        .filter(|r| !r.is_empty())
        .collect();
    or_none(&roles.join(","))
}

fn int_or_string(v: &Value) -> String {
    match v {
        Value::Null => "N/A".into(),
        Value::String(s) => s.clone(),
        other => json_text(other),
    }
}

/// One row of a kind's table (without namespace and labels columns).
pub fn row(o: &Object, now: u64, wide: bool) -> Vec<String> {
    let age = since(now, o.meta.creation_timestamp);
    let name = o.meta.name.clone();
    let spec = o.spec();
    let st = o.status();
    let i = |v: &Value, p: &str| v.i64_at(p).unwrap_or(0).to_string();
    let r: Vec<String> = match o.kind {
        Kind::Pod => {
            let pc = pod_columns(o, now);
            let mut r = vec![name, pc.ready, pc.status, pc.restarts, age];
            if wide {
                let ip = st
                    .array_at("podIPs")
                    .first()
                    .and_then(|p| p.str_at("ip"))
                    .or_else(|| st.str_at("podIP"))
                    .unwrap_or("");
                let gates: Vec<&str> = spec
                    .array_at("readinessGates")
                    .iter()
                    .filter_map(|g| g.str_at("conditionType"))
                    .collect();
                let gates = if gates.is_empty() {
                    "<none>".to_string()
                } else {
                    let ok = gates
                        .iter()
                        .filter(|g| {
                            st.array_at("conditions").iter().any(|c| {
                                c.str_at("type") == Some(g) && c.str_at("status") == Some("True")
                            })
                        })
                        .count();
                    format!("{ok}/{}", gates.len())
                };
                r.extend([
                    or_none(ip),
                    or_none(spec.str_at("nodeName").unwrap_or("")),
                    or_none(st.str_at("nominatedNodeName").unwrap_or("")),
                    gates,
                ]);
            }
            return r;
        }
        Kind::StatefulSet => {
            let mut r = vec![
                name,
                format!(
                    "{}/{}",
                    st.i64_at("readyReplicas").unwrap_or(0),
                    spec.i64_at("replicas").unwrap_or(1)
                ),
                age,
            ];
            if wide {
                let (c, im) = containers_images(spec.at("template.spec"));
                r.extend([c, im]);
            }
            return r;
        }
        Kind::Service => {
            let t = spec.str_at("type").unwrap_or("ClusterIP");
            let cip = or_none(spec.str_at("clusterIP").unwrap_or(""));
            let ext: Vec<String> = spec
                .array_at("externalIPs")
                .iter()
                .filter_map(|x| x.as_str().map(String::from))
                .chain(
                    st.array_at("loadBalancer.ingress")
                        .iter()
                        .filter_map(|x| x.str_at("ip").or(x.str_at("hostname")).map(String::from)),
                )
                .collect();
            let ext = match t {
                "ExternalName" => spec.str_at("externalName").unwrap_or("").to_string(),
                "LoadBalancer" if ext.is_empty() => "<pending>".into(),
                _ => or_none(&ext.join(",")),
            };
            let mut r = vec![name, t.to_string(), cip, ext, service_ports(spec), age];
            if wide {
                r.push(selector_string(spec.at("selector")));
            }
            return r;
        }
        Kind::Endpoints => vec![name, format_endpoints(o), age],
        Kind::PersistentVolumeClaim => {
            let bound = st.str_at("phase").unwrap_or("Pending");
            let mut r = vec![
                name,
                if o.meta.terminating() {
                    "Terminating".into()
                } else {
                    bound.to_string()
                },
                spec.str_at("volumeName").unwrap_or("").to_string(),
                st.str_at("capacity.storage").unwrap_or("").to_string(),
                access_modes(st.at("accessModes")),
                spec.str_at("storageClassName")
                    .or_else(|| {
                        o.meta
                            .annotations
                            .get("volume.beta.kubernetes.io/storage-class")
                            .map(String::as_str)
                    })
                    .unwrap_or("")
                    .to_string(),
                spec.str_at("volumeAttributesClassName")
                    .unwrap_or("<unset>")
                    .to_string(),
                age,
            ];
            if wide {
                r.push(
                    spec.str_at("volumeMode")
                        .unwrap_or("Filesystem")
                        .to_string(),
                );
            }
            return r;
        }
        Kind::PersistentVolume => {
            let claim = match (
                spec.str_at("claimRef.namespace"),
                spec.str_at("claimRef.name"),
            ) {
                (Some(ns), Some(n)) => format!("{ns}/{n}"),
                _ => String::new(),
            };
            let phase = if o.meta.terminating() {
                "Terminating"
            } else {
                st.str_at("phase").unwrap_or("Pending")
            };
            let mut r = vec![
                name,
                spec.str_at("capacity.storage").unwrap_or("").to_string(),
                access_modes(spec.at("accessModes")),
                spec.str_at("persistentVolumeReclaimPolicy")
                    .unwrap_or("Retain")
                    .to_string(),
                phase.to_string(),
                claim,
                spec.str_at("storageClassName")
                    .or_else(|| {
                        o.meta
                            .annotations
                            .get("volume.beta.kubernetes.io/storage-class")
                            .map(String::as_str)
                    })
                    .unwrap_or("")
                    .to_string(),
                spec.str_at("volumeAttributesClassName")
                    .unwrap_or("<unset>")
                    .to_string(),
                st.str_at("reason").unwrap_or("").to_string(),
                age,
            ];
            if wide {
                r.push(
                    spec.str_at("volumeMode")
                        .unwrap_or("Filesystem")
                        .to_string(),
                );
            }
            return r;
        }
        Kind::Node => {
            let mut r = vec![
                name,
                node_status(o),
                node_roles(o),
                age,
                st.str_at("nodeInfo.kubeletVersion")
                    .unwrap_or("")
                    .to_string(),
            ];
            if wide {
                let addr = |t: &str| {
                    st.array_at("addresses")
                        .iter()
                        .find(|a| a.str_at("type") == Some(t))
                        .and_then(|a| a.str_at("address"))
                        .unwrap_or("")
                        .to_string()
                };
                r.extend([
                    or_none(&addr("InternalIP")),
                    or_none(&addr("ExternalIP")),
                    st.str_at("nodeInfo.osImage")
                        .unwrap_or("<unknown>")
                        .to_string(),
                    st.str_at("nodeInfo.kernelVersion")
                        .unwrap_or("<unknown>")
                        .to_string(),
                    st.str_at("nodeInfo.containerRuntimeVersion")
                        .unwrap_or("<unknown>")
                        .to_string(),
                ]);
            }
            return r;
        }
        Kind::ReplicationController | Kind::ReplicaSet => {
            let mut r = vec![
                name,
                spec.i64_at("replicas").unwrap_or(1).to_string(),
                i(st, "replicas"),
                i(st, "readyReplicas"),
                age,
            ];
            if wide {
                let (c, im) = containers_images(spec.at("template.spec"));
                r.extend([c, im, selector_string(spec.at("selector"))]);
            }
            return r;
        }
        Kind::Deployment => {
            let mut r = vec![
                name,
                format!(
                    "{}/{}",
                    st.i64_at("readyReplicas").unwrap_or(0),
                    spec.i64_at("replicas").unwrap_or(1)
                ),
                i(st, "updatedReplicas"),
                i(st, "availableReplicas"),
                age,
            ];
            if wide {
                let (c, im) = containers_images(spec.at("template.spec"));
                r.extend([c, im, selector_string(spec.at("selector"))]);
            }
            return r;
        }
        Kind::DaemonSet => {
            let mut r = vec![
                name,
                i(st, "desiredNumberScheduled"),
                i(st, "currentNumberScheduled"),
                i(st, "numberReady"),
                i(st, "updatedNumberScheduled"),
                i(st, "numberAvailable"),
                or_none(
                    &labels_string(&spec.labels_at("template.spec.nodeSelector"))
                        .replace("<none>", ""),
                ),
                age,
            ];
            if wide {
                let (c, im) = containers_images(spec.at("template.spec"));
                r.extend([c, im, selector_string(spec.at("selector"))]);
            }
            return r;
        }
        Kind::ConfigMap => {
            let n = o.field("data").as_object().map_or(0, |m| m.len())
                + o.field("binaryData").as_object().map_or(0, |m| m.len());
            vec![name, n.to_string(), age]
        }
        Kind::Secret => {
            let n = o.field("data").as_object().map_or(0, |m| m.len())
                + o.field("stringData").as_object().map_or(0, |m| m.len());
            vec![
                name,
                o.field("type").as_str().unwrap_or("Opaque").to_string(),
                n.to_string(),
                age,
            ]
        }
        Kind::PodDisruptionBudget => vec![
            name,
            int_or_string(spec.at("minAvailable")),
            int_or_string(spec.at("maxUnavailable")),
            i(st, "disruptionsAllowed"),
            age,
        ],
        Kind::StorageClass => {
            let default = o
                .meta
                .annotations
                .get("storageclass.kubernetes.io/is-default-class")
                .is_some_and(|v| v == "true");
            vec![
                if default {
                    format!("{name} (default)")
                } else {
                    name
                },
                o.field("provisioner").as_str().unwrap_or("").to_string(),
                o.field("reclaimPolicy")
                    .as_str()
                    .unwrap_or("Delete")
                    .to_string(),
                o.field("volumeBindingMode")
                    .as_str()
                    .unwrap_or("Immediate")
                    .to_string(),
                o.field("allowVolumeExpansion")
                    .as_bool()
                    .unwrap_or(false)
                    .to_string(),
                age,
            ]
        }
        Kind::Namespace => vec![
            name,
            if o.meta.terminating() {
                "Terminating".into()
            } else {
                st.str_at("phase").unwrap_or("Active").to_string()
            },
            age,
        ],
        Kind::ControllerRevision => {
            let ctrl = o
                .meta
                .controller_ref()
                .map(|r| {
                    let k = crate::sim::object::Kind::parse(&r.kind)
                        .map(super::resources::kind_word)
                        .unwrap_or_else(|| r.kind.to_ascii_lowercase());
                    format!("{k}/{}", r.name)
                })
                .unwrap_or_else(|| "<none>".into());
            vec![
                name,
                ctrl,
                o.field("revision").as_i64().unwrap_or(0).to_string(),
                age,
            ]
        }
    };
    r
}

/// JSON as kubectl prints it (four-space indentation).
pub(crate) fn to_json(v: &Value) -> String {
    use serde::Serialize;
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    if v.serialize(&mut ser).is_err() {
        return String::new();
    }
    // Go's encoder escapes HTML characters; outside strings JSON has none.
    String::from_utf8(buf)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testutil::PodFixture;
    use serde_json::json;

    #[test]
    fn human_durations_match_kubectl() {
        for (ms, want) in [
            (0, "0s"),
            (5_000, "5s"),
            (119_000, "119s"),
            (150_000, "2m30s"),
            (180_000, "3m"),
            (600_000, "10m"),
            (179 * 60_000, "179m"),
            (3 * 3_600_000 + 4 * 60_000, "3h4m"),
            (10 * 3_600_000, "10h"),
            (2 * 86_400_000, "2d"),
            (2 * 86_400_000 + 3_600_000, "2d1h"),
            (30 * 86_400_000, "30d"),
            (-5_000, "<invalid>"),
            (-500, "0s"),
        ] {
            assert_eq!(human_duration(ms), want, "{ms}");
        }
    }

    #[test]
    fn tab_writer_pads_to_widest_plus_three() {
        let out = tabulate(&[
            vec!["NAME".into(), "READY".into(), "AGE".into()],
            vec!["web-0".into(), "1/1".into(), "5s".into()],
        ]);
        assert_eq!(out, "NAME    READY   AGE\nweb-0   1/1     5s\n");
    }

    /// `web-0` with one container and two init containers, in `status`.
    fn with_inits(status: Value) -> Object {
        PodFixture::new("web-0")
            .spec(json!({"containers": [{"name": "nginx", "image": "nginx"}],
                         "initContainers": [{"name": "a"}, {"name": "b"}]}))
            .status(status)
            .build()
    }

    #[test]
    fn pod_status_follows_print_pod() {
        let p = with_inits(json!({}));
        let c = pod_columns(&p, 0);
        assert_eq!(
            (c.ready.as_str(), c.status.as_str(), c.restarts.as_str()),
            ("0/1", "Pending", "0")
        );
        let p = with_inits(json!({"phase": "Pending", "initContainerStatuses": [
            {"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
            {"name": "b", "state": {"running": {}}}]}));
        assert_eq!(pod_columns(&p, 0).status, "Init:1/2");
        let p = with_inits(json!({"phase": "Pending", "initContainerStatuses": [
            {"name": "a", "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}));
        assert_eq!(pod_columns(&p, 0).status, "Init:CrashLoopBackOff");
        let p = with_inits(json!({"phase": "Pending",
            "conditions": [{"type": "Initialized", "status": "True"}],
            "containerStatuses": [{"name": "nginx", "ready": false, "restartCount": 0,
                "state": {"waiting": {"reason": "ContainerCreating"}}}]}));
        assert_eq!(pod_columns(&p, 0).status, "ContainerCreating");
        let p = with_inits(json!({"phase": "Running",
            "conditions": [{"type": "Initialized", "status": "True"}],
            "containerStatuses": [{"name": "nginx", "ready": true, "restartCount": 2,
                "lastState": {"terminated": {"finishedAt": "2025-01-01T00:00:10Z", "exitCode": 1}},
                "state": {"running": {"startedAt": "2025-01-01T00:00:11Z"}}}]}));
        let c = pod_columns(&p, 15_000);
        assert_eq!((c.ready.as_str(), c.status.as_str()), ("1/1", "Running"));
        assert_eq!(c.restarts, "2 (5s ago)");
        let p = with_inits(json!({"phase": "Running",
            "conditions": [{"type": "Initialized", "status": "True"}],
            "containerStatuses": [{"name": "nginx", "ready": false, "restartCount": 3,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}));
        assert_eq!(pod_columns(&p, 0).status, "CrashLoopBackOff");
        let mut p = with_inits(json!({"phase": "Running"}));
        p.meta.deletion_timestamp = Some(1);
        assert_eq!(pod_columns(&p, 0).status, "Terminating");
        let p = with_inits(json!({"phase": "Succeeded",
            "conditions": [{"type": "Initialized", "status": "True"}],
            "containerStatuses": [{"name": "nginx", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}));
        assert_eq!(pod_columns(&p, 0).status, "Completed");
        let p = with_inits(json!({"phase": "Failed",
            "conditions": [{"type": "Initialized", "status": "True"}],
            "containerStatuses": [{"name": "nginx", "state": {"terminated": {"exitCode": 2}}}]}));
        assert_eq!(pod_columns(&p, 0).status, "ExitCode:2");
    }

    #[test]
    fn rows_have_as_many_cells_as_headers() {
        for k in Kind::ALL {
            let o = Object::new(k, "default", "x");
            for wide in [false, true] {
                assert_eq!(
                    row(&o, 0, wide).len(),
                    headers(k, wide).len(),
                    "{k:?} {wide}"
                );
            }
        }
    }

    #[test]
    fn endpoints_list_three_then_more() {
        let mut ep = Object::new(Kind::Endpoints, "default", "nginx");
        ep.body.insert(
            "subsets".into(),
            json!([{"addresses": [{"ip": "10.244.1.2"}, {"ip": "10.244.2.2"}, {"ip": "10.244.3.2"}, {"ip": "10.244.1.3"}],
                    "ports": [{"port": 80}]}]),
        );
        assert_eq!(
            format_endpoints(&ep),
            "10.244.1.2:80,10.244.2.2:80,10.244.3.2:80 + 1 more..."
        );
        assert_eq!(
            format_endpoints(&Object::new(Kind::Endpoints, "d", "e")),
            "<none>"
        );
    }
}

#[cfg(test)]
mod node_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn node_status_words() {
        let mut n = Object::new(Kind::Node, "", "node-1");
        assert_eq!(row(&n, 0, false)[1], "Unknown");
        n.body.insert(
            "status".into(),
            json!({"conditions": [{"type": "Ready", "status": "Unknown"}]}),
        );
        assert_eq!(row(&n, 0, false)[1], "NotReady");
        n.body.insert("spec".into(), json!({"unschedulable": true}));
        assert_eq!(row(&n, 0, false)[1], "NotReady,SchedulingDisabled");
    }
}
