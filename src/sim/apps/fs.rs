//! A container's filesystem as the simulation keeps it: the image's files,
//! a per-container writable layer, and volumes mounted over both.
//!
//! A path is mapped through the container's `volumeMounts` (longest
//! `mountPath` wins, `subPath` honoured) to its volume. Files on a
//! `persistentVolumeClaim` volume live in `sim.volume_data[<PV name>]`, so
//! they outlive the pod and follow the claim; `emptyDir` volumes and the
//! container layer live in `sim.container_data[<pod uid>]` and die with the
//! pod; `configMap` volumes read the ConfigMap's data (read-only).

use crate::sim::object::{Kind, Object, ValueExt};
use crate::sim::store::Store;
use crate::sim::world::World;
use std::collections::BTreeSet;

/// nginx's default `index.html`.
pub const NGINX_WELCOME: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n</body>\n</html>\n";

/// Marks an image file removed in the container layer (an overlayfs whiteout).
const WHITEOUT: &str = "\u{0}whiteout";

/// Where a path's bytes live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Loc {
    /// On a PersistentVolume: `volume_data[pv][path]`.
    Volume { pv: String, path: String },
    /// In the pod's own state: `container_data[uid][key]` (emptyDir or the
    /// container's writable layer).
    Pod {
        key: String,
        /// The container layer, where image files show through.
        layer: bool,
        path: String,
    },
    /// A file projected from a ConfigMap (read-only).
    ConfigMap { name: String, item: String },
    /// A claim that is not bound to a volume (the pod could not be running).
    Unbound,
}

/// Removes `.`/`..` and duplicate slashes; relative paths start at `cwd`.
pub fn normalize(cwd: &str, path: &str) -> String {
    // Most paths the shell meets are already normal: copy them as they are.
    if path == "/"
        || (path.starts_with('/') && path[1..].split('/').all(|p| !matches!(p, "" | "." | "..")))
    {
        return path.to_string();
    }
    let full = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in full.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

fn under<'a>(path: &'a str, dir: &str) -> Option<&'a str> {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() {
        return Some(path.trim_start_matches('/'));
    }
    let rest = path.strip_prefix(dir)?;
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix('/')
    }
}

/// The container spec (regular or init) named `container`.
pub fn container_spec<'a>(pod: &'a Object, container: &str) -> Option<&'a serde_json::Value> {
    pod.spec()
        .array_at("containers")
        .iter()
        .chain(pod.spec().array_at("initContainers"))
        .find(|c| c.str_at("name") == Some(container))
}

/// The PV a claim in `namespace` is bound to.
pub fn claim_volume(store: &Store, namespace: &str, claim: &str) -> Option<String> {
    let pvc = store.get(Kind::PersistentVolumeClaim, namespace, claim)?;
    pvc.spec().str_at("volumeName").map(str::to_string)
}

/// Maps an absolute path in a container to where it is stored.
pub fn locate(store: &Store, pod: &Object, container: &str, path: &str) -> Loc {
    let mut best: Option<(&str, &serde_json::Value)> = None;
    if let Some(c) = container_spec(pod, container) {
        for m in c.array_at("volumeMounts") {
            let Some(mp) = m.str_at("mountPath") else {
                continue;
            };
            if under(path, mp).is_some() && best.is_none_or(|(b, _)| mp.len() > b.len()) {
                best = Some((mp, m));
            }
        }
    }
    let Some((mp, mount)) = best else {
        return Loc::Pod {
            key: format!("fs/{container}{path}"),
            layer: true,
            path: path.to_string(),
        };
    };
    let rel = under(path, mp).unwrap_or("");
    let sub = mount.str_at("subPath").unwrap_or("");
    let inner = normalize("/", &format!("{sub}/{rel}"));
    let vname = mount.str_at("name").unwrap_or("");
    let vol = pod
        .spec()
        .array_at("volumes")
        .iter()
        .find(|v| v.str_at("name") == Some(vname));
    let Some(vol) = vol else {
        return Loc::Unbound;
    };
    if let Some(claim) = vol.str_at("persistentVolumeClaim.claimName") {
        return match claim_volume(store, pod.namespace(), claim) {
            Some(pv) => Loc::Volume { pv, path: inner },
            None => Loc::Unbound,
        };
    }
    if let Some(cm) = vol.str_at("configMap.name") {
        return Loc::ConfigMap {
            name: cm.to_string(),
            item: inner.trim_start_matches('/').to_string(),
        };
    }
    // emptyDir and anything else node-local: shared by the pod's
    // containers, gone with the pod.
    Loc::Pod {
        key: format!("vol/{vname}{inner}"),
        layer: false,
        path: inner,
    }
}

/// Files an image ships with (what the container layer starts from).
pub fn image_files(image: &str) -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&'static str, &'static str)> =
        vec![("/bin/sh", "ELF"), ("/etc/os-release", "NAME=\"Linux\"\n")];
    let img = image.to_ascii_lowercase();
    if img.contains("mysql") {
        v.push(("/usr/bin/mysql", "ELF"));
        v.push(("/usr/bin/mysqladmin", "ELF"));
        v.push(("/usr/sbin/mysqld", "ELF"));
    }
    if img.contains("xtrabackup") {
        v.push(("/usr/bin/mysql", "ELF"));
        v.push(("/usr/bin/xtrabackup", "ELF"));
    }
    if img.contains("cassandra") {
        v.push(("/usr/local/apache-cassandra/bin/nodetool", "ELF"));
        v.push(("/usr/local/apache-cassandra/bin/cqlsh", "ELF"));
        v.push(("/ready-probe.sh", "#!/bin/bash\n"));
    }
    if is_zookeeper_image(&img) {
        for s in ["zkOk.sh", "zkCli.sh", "zkServer.sh", "zkGenConfig.sh"] {
            v.push((
                match s {
                    "zkOk.sh" => "/opt/zookeeper/bin/zkOk.sh",
                    "zkCli.sh" => "/opt/zookeeper/bin/zkCli.sh",
                    "zkServer.sh" => "/opt/zookeeper/bin/zkServer.sh",
                    _ => "/opt/zookeeper/bin/zkGenConfig.sh",
                },
                "#!/usr/bin/env bash\n",
            ));
        }
    }
    if img.contains("nginx") {
        v.push(("/usr/sbin/nginx", "ELF"));
        v.push(("/usr/share/nginx/html/index.html", NGINX_WELCOME));
    }
    v
}

pub fn is_zookeeper_image(img: &str) -> bool {
    let img = img.to_ascii_lowercase();
    img.contains("zookeeper") || img.contains("k8szk") || img.contains("/zk")
}

pub fn image_of<'a>(pod: &'a Object, container: &str) -> &'a str {
    container_spec(pod, container)
        .and_then(|c| c.str_at("image"))
        .unwrap_or("")
}

fn pod_data<'a>(
    sim: &'a World,
    pod: &Object,
) -> Option<&'a std::collections::BTreeMap<String, String>> {
    sim.container_data.get(&pod.meta.uid)
}

/// Reads a file; `None` when it does not exist.
pub fn read(sim: &World, pod: &Object, container: &str, path: &str) -> Option<String> {
    match locate(&sim.store, pod, container, path) {
        Loc::Volume { pv, path } => sim.volume_data.get(&pv)?.get(&path).cloned(),
        Loc::Pod { key, layer, path } => match pod_data(sim, pod).and_then(|d| d.get(&key)) {
            Some(v) if v == WHITEOUT => None,
            Some(v) => Some(v.clone()),
            None if layer => image_files(image_of(pod, container))
                .into_iter()
                .find(|(p, _)| *p == path)
                .map(|(_, c)| c.to_string()),
            None => None,
        },
        Loc::ConfigMap { name, item } => sim
            .store
            .get(Kind::ConfigMap, pod.namespace(), &name)?
            .field("data")
            .str_at(&item)
            .map(str::to_string),
        Loc::Unbound => None,
    }
}

/// Linux's limits on a name (`NAME_MAX`, bytes in one path component) and
/// on a whole path (`PATH_MAX`, counting the terminating NUL).
const NAME_MAX: usize = 255;
const PATH_MAX: usize = 4096;

/// `ENAMETOOLONG` for a path the kernel would refuse.
fn name_too_long(path: &str) -> bool {
    path.len() >= PATH_MAX || path.split('/').any(|c| c.len() > NAME_MAX)
}

/// Whether a file exists: `read(...).is_some()` without copying it.
pub fn exists(sim: &World, pod: &Object, container: &str, path: &str) -> bool {
    match locate(&sim.store, pod, container, path) {
        Loc::Volume { pv, path } => sim
            .volume_data
            .get(&pv)
            .is_some_and(|d| d.contains_key(&path)),
        Loc::Pod { key, layer, path } => match pod_data(sim, pod).and_then(|d| d.get(&key)) {
            Some(v) => v != WHITEOUT,
            None => {
                layer
                    && image_files(image_of(pod, container))
                        .iter()
                        .any(|(p, _)| *p == path)
            }
        },
        Loc::ConfigMap { name, item } => sim
            .store
            .get(Kind::ConfigMap, pod.namespace(), &name)
            .is_some_and(|c| c.field("data").str_at(&item).is_some()),
        Loc::Unbound => false,
    }
}

/// Writes a file. `Err` carries the shell's complaint.
pub fn write(
    sim: &mut World,
    pod: &Object,
    container: &str,
    path: &str,
    content: String,
) -> Result<(), String> {
    if name_too_long(path) {
        return Err("File name too long".into());
    }
    match locate(&sim.store, pod, container, path) {
        Loc::Volume { pv, path } => {
            sim.volume_data.entry(pv).or_default().insert(path, content);
            Ok(())
        }
        Loc::Pod { key, .. } => {
            sim.container_data
                .entry(pod.meta.uid.clone())
                .or_default()
                .insert(key, content);
            Ok(())
        }
        Loc::ConfigMap { .. } => Err("Read-only file system".into()),
        Loc::Unbound => Err("No such device".into()),
    }
}

/// Removes a file. Returns false when there was none.
pub fn remove(sim: &mut World, pod: &Object, container: &str, path: &str) -> Result<bool, String> {
    if read(sim, pod, container, path).is_none() {
        return Ok(false);
    }
    match locate(&sim.store, pod, container, path) {
        Loc::Volume { pv, path } => {
            if let Some(d) = sim.volume_data.get_mut(&pv) {
                d.remove(&path);
            }
            Ok(true)
        }
        Loc::Pod { key, layer, .. } => {
            let d = sim.container_data.entry(pod.meta.uid.clone()).or_default();
            if layer {
                // The image file underneath must stay hidden.
                d.insert(key, WHITEOUT.into());
            } else {
                d.remove(&key);
            }
            Ok(true)
        }
        Loc::ConfigMap { .. } => Err("Read-only file system".into()),
        Loc::Unbound => Err("No such device".into()),
    }
}

/// Every file path (absolute, in the container's view) under `dir`.
pub fn files_under(sim: &World, pod: &Object, container: &str, dir: &str) -> Vec<String> {
    let dir = normalize("/", dir);
    let mut out = BTreeSet::new();
    // Files under the directory from the container layer and image.
    let mut candidates: BTreeSet<String> = BTreeSet::new();
    let prefix = format!("fs/{container}");
    if let Some(d) = pod_data(sim, pod) {
        for k in d.keys() {
            if let Some(p) = k.strip_prefix(&prefix) {
                candidates.insert(p.to_string());
            }
        }
    }
    for (p, _) in image_files(image_of(pod, container)) {
        candidates.insert(p.to_string());
    }
    // And every mounted volume's files mapped back into the container.
    if let Some(c) = container_spec(pod, container) {
        for m in c.array_at("volumeMounts") {
            let Some(mp) = m.str_at("mountPath") else {
                continue;
            };
            let root = locate(&sim.store, pod, container, mp);
            let (inner_root, keys): (String, Vec<String>) = match &root {
                Loc::Volume { pv, path } => (
                    path.clone(),
                    sim.volume_data
                        .get(pv)
                        .map(|d| d.keys().cloned().collect())
                        .unwrap_or_default(),
                ),
                Loc::Pod { key, path, .. } => {
                    let kprefix = key.strip_suffix(path.as_str()).unwrap_or(key).to_string();
                    (
                        path.clone(),
                        pod_data(sim, pod)
                            .map(|d| {
                                d.keys()
                                    .filter_map(|k| k.strip_prefix(&kprefix).map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default(),
                    )
                }
                Loc::ConfigMap { name, .. } => (
                    "/".into(),
                    sim.store
                        .get(Kind::ConfigMap, pod.namespace(), name)
                        .and_then(|c| {
                            c.field("data")
                                .as_object()
                                .map(|m| m.keys().map(|k| format!("/{k}")).collect())
                        })
                        .unwrap_or_default(),
                ),
                Loc::Unbound => continue,
            };
            for k in keys {
                if let Some(rel) = under(&k, &inner_root) {
                    candidates.insert(normalize(mp, rel));
                }
            }
        }
    }
    for p in candidates {
        if under(&p, &dir).is_some_and(|r| !r.is_empty()) && exists(sim, pod, container, &p) {
            out.insert(p);
        }
    }
    out.into_iter().collect()
}

/// Names directly in `dir` (files and subdirectories), sorted.
pub fn list_dir(sim: &World, pod: &Object, container: &str, dir: &str) -> Vec<String> {
    let dir = normalize("/", dir);
    let mut names = BTreeSet::new();
    for p in files_under(sim, pod, container, &dir) {
        if let Some(rel) = under(&p, &dir) {
            if let Some(first) = rel.split('/').next() {
                names.insert(first.to_string());
            }
        }
    }
    names.into_iter().collect()
}

/// A directory exists when something is in it or it is a mount point.
pub fn is_dir(sim: &World, pod: &Object, container: &str, path: &str) -> bool {
    let path = normalize("/", path);
    // Every image has the usual hierarchy.
    const BASE: &[&str] = &[
        "/",
        "/bin",
        "/dev",
        "/etc",
        "/home",
        "/proc",
        "/root",
        "/sbin",
        "/tmp",
        "/usr",
        "/usr/bin",
        "/usr/local",
        "/usr/local/bin",
        "/usr/sbin",
        "/var",
        "/var/lib",
        "/var/log",
        "/var/run",
    ];
    if BASE.contains(&path.as_str()) {
        return true;
    }
    let spec = container_spec(pod, container);
    let mounts = spec.map_or(&[][..], |c| c.array_at("volumeMounts"));
    if mounts
        .iter()
        .filter_map(|m| m.str_at("mountPath"))
        .any(|mp| normalize("/", mp) == path)
    {
        return true;
    }
    // Whether any file is under `path`, as `files_under` would find one,
    // without listing every file: the container layer's keys under `path`
    // are one range of the pod's sorted data, and a volume's only when its
    // mount point is above or below `path`, one range of the volume's.
    // (Scanning every file made creating N files cost N^2.)
    let layer = format!("fs/{container}");
    if any_in_range(pod_data(sim, pod), &format!("{layer}{path}/"), |k| {
        exists(sim, pod, container, &k[layer.len()..])
    }) {
        return true;
    }
    let image = spec.and_then(|c| c.str_at("image")).unwrap_or("");
    if image_files(image).iter().any(|(p, _)| {
        under(p, &path).is_some_and(|r| !r.is_empty()) && exists(sim, pod, container, p)
    }) {
        return true;
    }
    for m in mounts {
        let Some(mp) = m.str_at("mountPath") else {
            continue;
        };
        let mpn = normalize("/", mp);
        // Where, inside the volume, files under `path` are.
        let inner_dir = match (under(&path, &mpn), under(&mpn, &path)) {
            (Some(rel), _) => rel.to_string(),
            (None, Some(_)) => String::new(),
            (None, None) => continue,
        };
        let found = |k: &str, inner_root: &str| {
            under(k, inner_root).is_some_and(|rel| {
                let p = normalize(mp, rel);
                under(&p, &path).is_some_and(|r| !r.is_empty()) && exists(sim, pod, container, &p)
            })
        };
        let hit = match locate(&sim.store, pod, container, mp) {
            Loc::Volume { pv, path: root } => {
                let start = normalize(&root, &inner_dir);
                let prefix = format!("{}/", start.trim_end_matches('/'));
                any_in_range(sim.volume_data.get(&pv), &prefix, |k| found(k, &root))
            }
            Loc::Pod {
                key, path: root, ..
            } => {
                let kprefix = key.strip_suffix(root.as_str()).unwrap_or(&key);
                let start = normalize(&root, &inner_dir);
                let prefix = format!("{kprefix}{}/", start.trim_end_matches('/'));
                any_in_range(pod_data(sim, pod), &prefix, |k| {
                    k.strip_prefix(kprefix).is_some_and(|k| found(k, &root))
                })
            }
            // A handful of keys: as `files_under` does.
            Loc::ConfigMap { .. } => !files_under(sim, pod, container, &path).is_empty(),
            Loc::Unbound => false,
        };
        if hit {
            return true;
        }
    }
    false
}

/// Whether a key of `data` starting with `prefix` passes `hit`.
fn any_in_range(
    data: Option<&std::collections::BTreeMap<String, String>>,
    prefix: &str,
    hit: impl Fn(&str) -> bool,
) -> bool {
    data.is_some_and(|d| {
        d.range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .any(|(k, _)| hit(k))
    })
}

fn mode_key(container: &str, path: &str) -> String {
    format!("mode/{container}{path}")
}

/// Whether a file may be executed (`chmod -x` takes that away).
pub fn executable(sim: &World, pod: &Object, container: &str, path: &str) -> bool {
    read(sim, pod, container, path).is_some()
        && pod_data(sim, pod)
            .and_then(|d| d.get(&mode_key(container, path)))
            .is_none_or(|m| m != "noexec")
}

pub fn set_executable(sim: &mut World, pod: &Object, container: &str, path: &str, exec: bool) {
    let d = sim.container_data.entry(pod.meta.uid.clone()).or_default();
    let k = mode_key(container, path);
    if exec {
        d.remove(&k);
    } else {
        d.insert(k, "noexec".into());
    }
}
