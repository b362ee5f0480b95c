//! What probes and HTTP clients meet: an exec readiness probe that cannot
//! find its program fails, and `wget`/`curl` against the simulated servers.

use super::*;

impl Proc<'_> {
    /// After files changed: does each container's exec readiness probe
    /// still find its program? A probe that cannot start fails, so the
    /// kubelet (which reads `faults.unready_pods`) marks the pod unready;
    /// putting the program back heals it. As in the MySQL seed's
    /// `mv /usr/bin/mysql /usr/bin/mysql.off`.
    pub(super) fn check_readiness_probe(&mut self) {
        let mut broken = None;
        for c in self.pod.spec().array_at("containers") {
            let cmd: Vec<&str> = c
                .array_at("readinessProbe.exec.command")
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            let Some(first) = cmd.first() else {
                continue;
            };
            let base = first.rsplit('/').next().unwrap_or(first);
            // `bash -c /ready-probe.sh`: the script's first word runs.
            let prog = if matches!(base, "sh" | "bash") && cmd.get(1) == Some(&"-c") {
                cmd.get(2)
                    .and_then(|s| s.split_whitespace().next())
                    .unwrap_or("")
            } else {
                first
            };
            let cname = c.str_at("name").unwrap_or("");
            let pbase = prog.rsplit('/').next().unwrap_or(prog);
            if !IMAGE_PROGRAMS.contains(&pbase) {
                continue;
            }
            let runnable = |p: &str| fs::executable(self.sim, &self.pod, cname, p);
            let found = if prog.contains('/') {
                runnable(prog)
            } else {
                // PATH lookup finds the first existing file, runnable or not.
                let first = PATH
                    .iter()
                    .map(|d| format!("{d}/{prog}"))
                    .chain(std::iter::once(format!("/{prog}")))
                    .find(|p| fs::read(self.sim, &self.pod, cname, p).is_some());
                first.is_some_and(|p| runnable(&p))
            };
            if !found {
                broken = Some((cname.to_string(), prog.to_string()));
                break;
            }
        }
        let uid = self.pod.meta.uid.clone();
        let marker = "state/probe-broken".to_string();
        let ours = self
            .sim
            .container_data
            .get(&uid)
            .is_some_and(|d| d.contains_key(&marker));
        let key = self.pod.key();
        match broken {
            Some((c, prog)) if !ours => {
                self.sim
                    .container_data
                    .entry(uid.clone())
                    .or_default()
                    .insert(marker, prog.clone());
                self.sim.faults.unready_pods.insert(uid);
                self.sim.record(
                    Action::Fault,
                    &key,
                    "ReadinessProbeBroken",
                    format!("readiness probe of container {c} cannot run: {prog}: not found"),
                    true,
                    "kubectl exec",
                    None,
                    None,
                );
            }
            None if ours => {
                if let Some(d) = self.sim.container_data.get_mut(&uid) {
                    d.remove(&marker);
                }
                self.sim.faults.unready_pods.remove(&uid);
                self.sim.record(
                    Action::Fault,
                    &key,
                    "ReadinessProbeHealed",
                    "readiness probe can run again".into(),
                    false,
                    "kubectl exec",
                    None,
                    None,
                );
            }
            _ => {}
        }
    }

    pub(super) fn http(&mut self, name: &str, args: &[String]) -> Out {
        let url = args
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                let option_value =
                    *i > 0 && matches!(args[i - 1].as_str(), "-O" | "-o" | "-H" | "-X" | "-d");
                !a.starts_with('-') && !option_value
            })
            .map(|(_, a)| a.clone())
            .next();
        let Some(url) = url else {
            return Out::err(format!("{name}: no URL specified\n"), 2);
        };
        match self.http_get(&url) {
            Ok(body) => Out::ok(body),
            Err(net::HttpError::Resolve(h)) => {
                if name == "curl" {
                    Out::err(format!("curl: (6) Could not resolve host: {h}\n"), 6)
                } else {
                    Out::err(format!("wget: bad address '{h}'\n"), 1)
                }
            }
            Err(net::HttpError::Refused(h, port)) => {
                if name == "curl" {
                    Out::err(
                        format!(
                            "curl: (7) Failed to connect to {h} port {port}: Connection refused\n"
                        ),
                        7,
                    )
                } else {
                    Out::err(
                        "wget: can't connect to remote host: Connection refused\n".to_string(),
                        1,
                    )
                }
            }
        }
    }
}
