//! Smaller tools: `mount`/`df` (what is mounted where, so a learner sees
//! the claim's volume at its mountPath), `ping`, `nc`, `wget`, and the
//! Service environment variables the kubelet injects.

use super::net::target_port;
use super::{fs, net, zk, Out, Proc};
use crate::sim::object::{Kind, Object, ValueExt};
use crate::sim::podutil;
use crate::sim::store::Store;
use std::collections::BTreeMap;

/// Ports an image listens on without declaring them.
fn image_ports(image: &str) -> &'static [u16] {
    let i = image.to_ascii_lowercase();
    if i.contains("nginx") {
        &[80]
    } else if i.contains("mysql") && !i.contains("xtrabackup") {
        &[3306]
    } else if i.contains("xtrabackup") {
        &[3307]
    } else if i.contains("cassandra") {
        &[7000, 7001, 7199, 9042]
    } else if fs::is_zookeeper_image(&i) {
        &[2181, 2888, 3888]
    } else if i.contains("hazelcast") {
        &[5701]
    } else {
        &[]
    }
}

/// Whether something in the pod listens on `port`.
pub(super) fn listens(pod: &Object, port: u16) -> bool {
    pod.spec().array_at("containers").iter().any(|c| {
        c.array_at("ports")
            .iter()
            .any(|p| p.i64_at("containerPort") == Some(i64::from(port)))
            || image_ports(c.str_at("image").unwrap_or("")).contains(&port)
    })
}

/// `{NAME}_SERVICE_HOST` and friends for the Services of the pod's
/// namespace that existed when it started (and `kubernetes`), as the
/// kubelet sets them.
pub(super) fn service_env(store: &Store, pod: &Object) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let started = pod.meta.creation_timestamp;
    let mut services: Vec<&Object> = store
        .list_ns(Kind::Service, pod.namespace())
        .filter(|s| s.meta.creation_timestamp <= started)
        .collect();
    if pod.namespace() != "default" {
        services.extend(store.get(Kind::Service, "default", "kubernetes"));
    }
    for s in services {
        let Some(ip) = s
            .spec()
            .str_at("clusterIP")
            .filter(|ip| *ip != "None" && !ip.is_empty())
        else {
            continue;
        };
        let name = s.name().to_ascii_uppercase().replace('-', "_");
        let ports = s.spec().array_at("ports");
        let Some(first) = ports.first() else {
            continue;
        };
        let fport = first.i64_at("port").unwrap_or(0);
        out.insert(format!("{name}_SERVICE_HOST"), ip.to_string());
        out.insert(format!("{name}_SERVICE_PORT"), fport.to_string());
        let fproto = first
            .str_at("protocol")
            .unwrap_or("TCP")
            .to_ascii_lowercase();
        out.insert(format!("{name}_PORT"), format!("{fproto}://{ip}:{fport}"));
        for p in ports {
            let port = p.i64_at("port").unwrap_or(0);
            let proto = p.str_at("protocol").unwrap_or("TCP");
            if let Some(pn) = p.str_at("name") {
                out.insert(
                    format!(
                        "{name}_SERVICE_PORT_{}",
                        pn.to_ascii_uppercase().replace('-', "_")
                    ),
                    port.to_string(),
                );
            }
            let base = format!("{name}_PORT_{port}_{proto}");
            let lproto = proto.to_ascii_lowercase();
            out.insert(base.clone(), format!("{lproto}://{ip}:{port}"));
            out.insert(format!("{base}_PROTO"), lproto);
            out.insert(format!("{base}_PORT"), port.to_string());
            out.insert(format!("{base}_ADDR"), ip.to_string());
        }
    }
    out
}

impl Proc<'_> {
    /// `mount`: the container's root, the kubelet-managed files and each
    /// volume at its mountPath.
    pub(super) fn mount(&self) -> Out {
        let mut s = String::from(
            "overlay on / type overlay (rw,relatime,lowerdir=/var/lib/containerd/snapshots,upperdir=/var/lib/containerd/upper,workdir=/var/lib/containerd/work)\nproc on /proc type proc (rw,nosuid,nodev,noexec,relatime)\ntmpfs on /dev type tmpfs (rw,nosuid,size=65536k,mode=755)\n",
        );
        let mut disk = 0u8;
        if let Some(c) = fs::container_spec(&self.pod, &self.container) {
            for m in c.array_at("volumeMounts") {
                let Some(mp) = m.str_at("mountPath") else {
                    continue;
                };
                let ro = if m.bool_at("readOnly") == Some(true) {
                    "ro"
                } else {
                    "rw"
                };
                let line = match fs::locate(&self.sim.store, &self.pod, &self.container, mp) {
                    fs::Loc::Volume { .. } => {
                        disk += 1;
                        format!(
                            "/dev/sd{} on {mp} type ext4 ({ro},relatime)\n",
                            (b'a' + disk) as char
                        )
                    }
                    fs::Loc::ConfigMap { .. } => {
                        format!("tmpfs on {mp} type tmpfs (ro,relatime)\n")
                    }
                    _ => format!("/dev/sda1 on {mp} type ext4 ({ro},relatime)\n"),
                };
                s.push_str(&line);
            }
        }
        for f in [
            "/etc/hosts",
            "/dev/termination-log",
            "/etc/hostname",
            "/etc/resolv.conf",
        ] {
            s.push_str(&format!("/dev/sda1 on {f} type ext4 (rw,relatime)\n"));
        }
        Out::ok(s)
    }

    /// `df [-h] [PATH]`: a claim's volume shows the PV's capacity and the
    /// bytes its files take.
    pub(super) fn df(&self, args: &[String]) -> Out {
        let human = args.iter().any(|a| a.starts_with('-') && a.contains('h'));
        let want: Vec<String> = args
            .iter()
            .filter(|a| !a.starts_with('-'))
            .map(|a| fs::normalize("/", a))
            .collect();
        let mut rows: Vec<(String, u64, u64, String)> =
            vec![("overlay".into(), 100 << 30, 2 << 30, "/".into())];
        let mut disk = 0u8;
        if let Some(c) = fs::container_spec(&self.pod, &self.container) {
            for m in c.array_at("volumeMounts") {
                let Some(mp) = m.str_at("mountPath") else {
                    continue;
                };
                if let fs::Loc::Volume { pv, .. } =
                    fs::locate(&self.sim.store, &self.pod, &self.container, mp)
                {
                    disk += 1;
                    let size = self
                        .sim
                        .store
                        .get(Kind::PersistentVolume, "", &pv)
                        .and_then(|v| {
                            v.spec()
                                .str_at("capacity.storage")
                                .map(|q| crate::sim::quantity::value(q).unwrap_or(0) as u64)
                        })
                        .unwrap_or(1 << 30);
                    let used: u64 = self
                        .sim
                        .volume_data
                        .get(&pv)
                        .map(|d| {
                            d.values()
                                .map(|v| 4096 * (v.len() as u64).div_ceil(4096).max(1))
                                .sum()
                        })
                        .unwrap_or(0);
                    rows.push((
                        format!("/dev/sd{}", (b'a' + disk) as char),
                        size,
                        used,
                        mp.to_string(),
                    ));
                }
            }
        }
        if !want.is_empty() {
            // The filesystem holding each path: the longest mount prefix.
            rows = want
                .iter()
                .filter_map(|w| {
                    rows.iter()
                        .filter(|r| {
                            w == &r.3 || w.starts_with(&format!("{}/", r.3.trim_end_matches('/')))
                        })
                        .max_by_key(|r| r.3.len())
                        .cloned()
                })
                .collect();
        }
        let fmt = |n: u64| -> String {
            if !human {
                return (n / 1024).to_string();
            }
            let units = ["", "K", "M", "G", "T"];
            let mut v = n as f64;
            let mut i = 0;
            while v >= 1023.95 && i < units.len() - 1 {
                v /= 1024.0;
                i += 1;
            }
            format!("{v:.1}{}", units[i])
        };
        let mut s = format!(
            "{:<20} {:>9} {:>9} {:>9} {:>4} Mounted on\n",
            "Filesystem",
            if human { "Size" } else { "1K-blocks" },
            "Used",
            "Available",
            "Use%"
        );
        for (fsname, size, used, mp) in rows {
            let pct = if size == 0 {
                0
            } else {
                (used * 100).div_ceil(size)
            };
            s.push_str(&format!(
                "{fsname:<20} {:>9} {:>9} {:>9} {:>3}% {mp}\n",
                fmt(size),
                fmt(used),
                fmt(size.saturating_sub(used)),
                pct
            ));
        }
        Out::ok(s)
    }

    /// busybox `ping -c N HOST`: pods answer; a Service's virtual IP does
    /// not (kube-proxy forwards ports, not ICMP).
    pub(super) fn ping(&mut self, args: &[String]) -> Out {
        let count = args
            .windows(2)
            .find(|w| w[0] == "-c")
            .and_then(|w| w[1].parse::<u32>().ok())
            .unwrap_or(4)
            .min(10);
        let Some(host) = args
            .iter()
            .enumerate()
            .find(|(i, a)| !a.starts_with('-') && (*i == 0 || args[i - 1] != "-c"))
            .map(|(_, a)| a.clone())
        else {
            return Out::err("BusyBox: usage: ping [OPTIONS] HOST\n", 1);
        };
        let Some(ip) = self.resolve_ips(&host).first().cloned() else {
            return Out::err(format!("ping: bad address '{host}'\n"), 1);
        };
        let answers = ip == "127.0.0.1"
            || self
                .sim
                .store
                .list(Kind::Pod)
                .any(|p| podutil::pod_ip(p) == Some(ip.as_str()) && podutil::is_running(p));
        let mut s = format!("PING {host} ({ip}): 56 data bytes\n");
        if answers {
            for i in 0..count {
                s.push_str(&format!(
                    "64 bytes from {ip}: seq={i} ttl=64 time=0.081 ms\n"
                ));
            }
        }
        let got = if answers { count } else { 0 };
        let loss = if answers { 0 } else { 100 };
        s.push_str(&format!(
            "\n--- {host} ping statistics ---\n{count} packets transmitted, {got} packets received, {loss}% packet loss\n"
        ));
        if answers {
            s.push_str("round-trip min/avg/max = 0.081/0.081/0.081 ms\n");
        }
        Out {
            chunks: vec![(false, s)],
            code: i32::from(!answers),
        }
    }

    /// `nc [-z] HOST PORT`, with ZooKeeper's four-letter words on 2181.
    pub(super) fn nc(&mut self, args: &[String], stdin: &str) -> Out {
        let scan = args.iter().any(|a| a.starts_with('-') && a.contains('z'));
        let pos: Vec<&String> = args
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                let option_value = *i > 0 && matches!(args[i - 1].as_str(), "-w" | "-W");
                !a.starts_with('-') && !option_value
            })
            .map(|(_, a)| a)
            .collect();
        let [host, port, ..] = pos.as_slice() else {
            return Out::err("BusyBox: usage: nc [OPTIONS] HOST PORT\n", 1);
        };
        let port: u16 = port.parse().unwrap_or(0);
        let refused = || Out::err("nc: can't connect to remote host: Connection refused\n", 1);
        let Some(ip) = self.resolve_ips(host).first().cloned() else {
            return Out::err(format!("nc: bad address '{host}'\n"), 1);
        };
        let target = match self.route(&ip) {
            net::Route::Pod(p) => *p,
            _ => return refused(),
        };
        let Some(port) = target_port(&self.sim.store, &ip, port, &target) else {
            return refused();
        };
        if !listens(&target, port) {
            return refused();
        }
        if scan {
            return Out::default();
        }
        if port == 2181 && zk::zk_container(&target).is_some() {
            return self.zk_four_letter(&target, stdin.trim());
        }
        Out::default()
    }

    /// busybox `wget [-q] [-O FILE|-] URL`.
    pub(super) fn wget(&mut self, args: &[String]) -> Out {
        let quiet = args
            .iter()
            .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('q'));
        let mut out_file: Option<String> = None;
        let mut url = None;
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            if a == "-O" || (a.starts_with('-') && !a.starts_with("--") && a.ends_with('O')) {
                out_file = args.get(i + 1).cloned();
                i += 2;
                continue;
            }
            if let Some(f) = a.strip_prefix("-qO").or_else(|| a.strip_prefix("-O")) {
                out_file = Some(f.to_string());
            } else if !a.starts_with('-') {
                url = Some(a.clone());
            }
            i += 1;
        }
        let Some(url) = url else {
            return Out::err("BusyBox: usage: wget [-q] [-O FILE] URL\n", 1);
        };
        let host = url
            .trim_start_matches("http://")
            .split(['/', ':'])
            .next()
            .unwrap_or("")
            .to_string();
        match self.http_get(&url) {
            Ok(body) => {
                let file = out_file.unwrap_or_else(|| "index.html".into());
                if file == "-" {
                    return Out::ok(body);
                }
                let len = body.len();
                if let Err(e) = self.write_file(&file, body, false) {
                    return Out::err(format!("wget: {e}\n"), 1);
                }
                if quiet {
                    Out::default()
                } else {
                    Out::err(
                        format!("Connecting to {host}\nsaving to '{file}'\n{file}             100% |********************************|   {len}  0:00:00 ETA\n'{file}' saved\n"),
                        0,
                    )
                }
            }
            Err(net::HttpError::Resolve(h)) => Out::err(format!("wget: bad address '{h}'\n"), 1),
            Err(net::HttpError::Refused(..)) => Out::err(
                format!("Connecting to {host}\nwget: can't connect to remote host: Connection refused\n"),
                1,
            ),
        }
    }
}
