//! Fault injection, the same lines from the page, the console and scripts:
//! `pod [NS/]NAME delete|force-delete|unready|ready|crash`,
//! `node NAME fail|recover|cordon|uncordon`, `pv NAME lose`,
//! `storageclass NAME break|fix`.
//!
//! Each fault is logged as an `Action::Fault` event and either changes the
//! persistent fault set (`sim.faults`) or writes through the API rules, so it
//! replays deterministically from the journal.

use super::api::{self, ApiError, DeleteOptions};
use super::engine::{Action, Sim};
use super::object::{rfc3339, Key, Kind, ValueExt};
use serde_json::json;

const SOURCE: &str = "fault-injector";

fn log(sim: &mut Sim, key: &Key, reason: &'static str, message: String, warning: bool) {
    sim.record(
        Action::Fault,
        key,
        reason,
        message,
        warning,
        SOURCE,
        None,
        None,
    );
}

/// Starts (`failing`) or heals a readiness fault on a pod, recording when,
/// so the kubelet counts probe failures and successes from that moment.
/// Used by `fault pod X unready|ready` and by simulated commands that break
/// a readiness probe (`mv /usr/bin/mysql ...`).
pub fn set_readiness_fault(sim: &mut Sim, pod_uid: &str, failing: bool) {
    let now = sim.now;
    let f = &mut sim.faults;
    if failing {
        if f.unready_pods.insert(pod_uid.to_string()) {
            f.readiness_fault_window
                .insert(pod_uid.to_string(), (now, None));
        }
    } else if f.unready_pods.remove(pod_uid) {
        let start = f
            .readiness_fault_window
            .get(pod_uid)
            .map(|w| w.0)
            .unwrap_or(now);
        f.readiness_fault_window
            .insert(pod_uid.to_string(), (start, Some(now)));
    }
}

fn err(e: ApiError) -> String {
    e.to_string()
}

fn usage() -> String {
    "usage: pod [NS/]NAME delete|force-delete|unready|ready|crash; node NAME fail|recover|cordon|uncordon; \
     pv NAME lose; storageclass NAME break|fix"
        .to_string()
}

pub fn inject(sim: &mut Sim, spec: &str) -> Result<String, String> {
    let words: Vec<&str> = spec.split_whitespace().collect();
    let words: &[&str] = match words.first() {
        Some(&"fault") => &words[1..],
        _ => &words,
    };
    let [target, name, action] = words else {
        return Err(format!("error: cannot parse fault \"{spec}\": {}", usage()));
    };
    match *target {
        "pod" | "pods" | "po" => pod_fault(sim, name, action),
        "node" | "nodes" | "no" => node_fault(sim, name, action),
        "pv" | "persistentvolume" | "persistentvolumes" => pv_fault(sim, name, action),
        "storageclass" | "storageclasses" | "sc" => class_fault(sim, name, action),
        other => Err(format!(
            "error: the server doesn't have a resource type \"{other}\""
        )),
    }
}

fn pod_fault(sim: &mut Sim, name: &str, action: &str) -> Result<String, String> {
    let (ns, name) = name.split_once('/').unwrap_or(("default", name));
    let key = Key::new(Kind::Pod, ns, name);
    let Some(pod) = sim.store.get_key(&key).cloned() else {
        return Err(err(ApiError::not_found(Kind::Pod, name)));
    };
    let uid = pod.meta.uid.clone();
    match action {
        "delete" | "force-delete" => {
            let force = action == "force-delete";
            log(
                sim,
                &key,
                if force { "ForceDelete" } else { "Delete" },
                format!(
                    "pod {name} {}",
                    if force {
                        "force-deleted (grace period 0)"
                    } else {
                        "deleted gracefully"
                    }
                ),
                true,
            );
            let opts = DeleteOptions {
                grace_seconds: force.then_some(0),
                ..Default::default()
            };
            api::delete(sim, &key, opts, SOURCE).map_err(err)?;
            Ok(if force {
                format!("pod \"{name}\" force deleted")
            } else {
                format!("pod \"{name}\" deleted")
            })
        }
        "unready" => {
            set_readiness_fault(sim, &uid, true);
            log(
                sim,
                &key,
                "ReadinessFailing",
                format!("readiness probe of pod {name} fails until healed"),
                true,
            );
            let has_probe = pod
                .spec()
                .array_at("containers")
                .iter()
                .any(|c| !c.at("readinessProbe").is_null());
            Ok(if has_probe {
                format!("pod/{name} readiness probe now fails")
            } else {
                format!(
                    "pod/{name} has no readiness probe: Kubernetes counts its running containers as ready, so it stays Ready"
                )
            })
        }
        "ready" => {
            set_readiness_fault(sim, &uid, false);
            log(
                sim,
                &key,
                "ReadinessHealed",
                format!("readiness probe of pod {name} passes again"),
                false,
            );
            Ok(format!("pod/{name} readiness probe healed"))
        }
        "crash" => {
            let statuses = pod.status().array_at("containerStatuses");
            let Some(i) = statuses
                .iter()
                .position(|s| !s.at("state.running").is_null())
            else {
                return Err(format!(
                    "error: pod {name} has no running container to crash"
                ));
            };
            let cname = statuses[i].str_at("name").unwrap_or("").to_string();
            let mut p = pod.clone();
            let mut cs = statuses[i].clone();
            cs["state"] = json!({"terminated": {
                "exitCode": 137,
                "reason": "Error",
                "startedAt": cs.at("state.running.startedAt").clone(),
                "finishedAt": rfc3339(sim.now),
                "containerID": cs.at("containerID").clone(),
            }});
            cs["ready"] = false.into();
            cs["started"] = false.into();
            if let Some(arr) = p
                .status_mut()
                .get_mut("containerStatuses")
                .and_then(|a| a.as_array_mut())
            {
                arr[i] = cs;
            }
            log(
                sim,
                &key,
                "ContainerCrashed",
                format!("container {cname} of pod {name} was killed (exit code 137)"),
                true,
            );
            // What lived in the container's memory and writable layer is gone.
            sim.container_data.remove(&uid);
            api::update(sim, p, SOURCE).map_err(err)?;
            Ok(format!("pod/{name} container {cname} crashed"))
        }
        other => Err(format!("error: unknown pod fault \"{other}\": {}", usage())),
    }
}

fn node_fault(sim: &mut Sim, name: &str, action: &str) -> Result<String, String> {
    let key = Key::new(Kind::Node, "", name);
    let Some(node) = sim.store.get_key(&key).cloned() else {
        return Err(err(ApiError::not_found(Kind::Node, name)));
    };
    match action {
        "fail" => {
            if !sim.faults.failed_nodes.insert(name.to_string()) {
                return Ok(format!("node/{name} already failed"));
            }
            log(
                sim,
                &key,
                "NodeFailed",
                format!("node {name} stopped: its kubelet no longer posts status"),
                true,
            );
            // The kubelet's last heartbeat, from which the grace period runs.
            let mut n = node.clone();
            let now = rfc3339(sim.now);
            if let Some(conds) = n
                .status_mut()
                .get_mut("conditions")
                .and_then(|c| c.as_array_mut())
            {
                for c in conds {
                    c["lastHeartbeatTime"] = now.clone().into();
                }
            }
            api::update(sim, n, "kubelet").map_err(err)?;
            Ok(format!("node/{name} failed"))
        }
        "recover" => {
            if !sim.faults.failed_nodes.remove(name) {
                return Ok(format!("node/{name} is not failed"));
            }
            log(
                sim,
                &key,
                "NodeRecovered",
                format!("node {name} is back: its kubelet posts status again"),
                false,
            );
            Ok(format!("node/{name} recovered"))
        }
        "cordon" | "uncordon" => {
            let cordon = action == "cordon";
            let mut n = node.clone();
            if cordon {
                n.spec_mut()["unschedulable"] = true.into();
            } else if let Some(s) = n.spec_mut().as_object_mut() {
                s.remove("unschedulable");
            }
            log(
                sim,
                &key,
                if cordon { "Cordon" } else { "Uncordon" },
                format!("node {name} {action}ed"),
                cordon,
            );
            let changed = api::update(sim, n, SOURCE).map_err(err)?;
            Ok(format!(
                "node/{name} {}{action}ed",
                if changed { "" } else { "already " }
            ))
        }
        other => Err(format!(
            "error: unknown node fault \"{other}\": {}",
            usage()
        )),
    }
}

fn pv_fault(sim: &mut Sim, name: &str, action: &str) -> Result<String, String> {
    let key = Key::new(Kind::PersistentVolume, "", name);
    let Some(pv) = sim.store.get_key(&key).cloned() else {
        return Err(err(ApiError::not_found(Kind::PersistentVolume, name)));
    };
    if action != "lose" {
        return Err(format!("error: unknown pv fault \"{action}\": {}", usage()));
    }
    log(
        sim,
        &key,
        "VolumeLost",
        format!("persistent volume {name} lost its data"),
        true,
    );
    sim.volume_data.remove(name);
    let mut p = pv.clone();
    p.status_mut()["phase"] = "Failed".into();
    p.status_mut()["message"] = "volume lost".into();
    api::update(sim, p, SOURCE).map_err(err)?;
    Ok(format!("persistentvolume/{name} lost"))
}

fn class_fault(sim: &mut Sim, name: &str, action: &str) -> Result<String, String> {
    let key = Key::new(Kind::StorageClass, "", name);
    if sim.store.get_key(&key).is_none() {
        return Err(err(ApiError::not_found(Kind::StorageClass, name)));
    }
    match action {
        "break" => {
            sim.faults.broken_classes.insert(name.to_string());
            log(
                sim,
                &key,
                "ProvisionerBroken",
                format!("the provisioner of storage class {name} fails"),
                true,
            );
            Ok(format!(
                "storageclass.storage.k8s.io/{name} provisioner broken"
            ))
        }
        "fix" => {
            sim.faults.broken_classes.remove(name);
            log(
                sim,
                &key,
                "ProvisionerFixed",
                format!("the provisioner of storage class {name} works again"),
                false,
            );
            Ok(format!(
                "storageclass.storage.k8s.io/{name} provisioner fixed"
            ))
        }
        other => Err(format!(
            "error: unknown storageclass fault \"{other}\": {}",
            usage()
        )),
    }
}

#[cfg(test)]
mod tests;
