//! The kubelet's prober (upstream `pkg/kubelet/prober`): the probe schedule
//! of one container run and the readiness it gives at a moment.

use super::*;

/// The probe schedule of one container run.
pub(super) struct Probe {
    pub(super) delay: u64,
    pub(super) period: u64,
    pub(super) success: u64,
    pub(super) failure: u64,
}

impl Probe {
    pub(super) fn of(p: &Value) -> Option<Probe> {
        if p.is_null() {
            return None;
        }
        Some(Probe {
            delay: secs_ms(p.i64_at("initialDelaySeconds").unwrap_or(0)),
            period: secs_ms(p.i64_at("periodSeconds").unwrap_or(10).max(1)),
            success: p.i64_at("successThreshold").unwrap_or(1).clamp(1, 1000) as u64,
            failure: p.i64_at("failureThreshold").unwrap_or(3).clamp(1, 1000) as u64,
        })
    }
    /// The first probe at or after `t` for a container started at `started`.
    pub(super) fn tick_at_or_after(&self, started: u64, t: u64) -> u64 {
        let first = started + self.delay;
        if t <= first {
            first
        } else {
            first + (t - first).div_ceil(self.period) * self.period
        }
    }
    pub(super) fn describe(&self, c: &Value, kind: &str, pod_ip: &str, up: bool) -> String {
        let p = c.at(kind);
        let what = if kind == "readinessProbe" {
            "Readiness"
        } else {
            "Liveness"
        };
        let detail = if !p.at("httpGet").is_null() {
            let port = p.at("httpGet.port");
            let port = port
                .as_i64()
                .map(|n| n.to_string())
                .unwrap_or_else(|| port.as_str().unwrap_or("80").to_string());
            let path = p.str_at("httpGet.path").unwrap_or("/");
            if up {
                "HTTP probe failed with statuscode: 503".to_string()
            } else {
                format!("Get \"http://{pod_ip}:{port}{path}\": dial tcp {pod_ip}:{port}: connect: connection refused")
            }
        } else if !p.at("tcpSocket").is_null() {
            let port = p.at("tcpSocket.port");
            let port = port
                .as_i64()
                .map(|n| n.to_string())
                .unwrap_or_else(|| port.as_str().unwrap_or("").to_string());
            format!("dial tcp {pod_ip}:{port}: connect: connection refused")
        } else {
            String::new()
        };
        format!("{what} probe failed: {detail}")
    }
}

/// Readiness of a running container at `now`: (ready, next change, probe
/// currently failing because of a fault).
pub(super) fn readiness(
    ctx: &Ctx,
    uid: &str,
    probe: &Probe,
    started: u64,
    up_at: u64,
) -> (bool, Option<u64>, bool) {
    let now = ctx.now;
    let first_ok = |from: u64| {
        probe.tick_at_or_after(started, from.max(up_at)) + (probe.success - 1) * probe.period
    };
    let ready0 = first_ok(up_at);
    let failing_now = ctx.faults.unready_pods.contains(uid);
    let window = ctx.faults.readiness_fault_window.get(uid).copied();
    // Probes in the fault window [f, healed) fail.
    let (f, healed) = match (window, failing_now) {
        (Some((f, _)), true) => (Some(f), None),
        (Some((f, h)), false) => (Some(f), Some(h.unwrap_or(f))),
        // A fault set without a window: failing since long ago.
        (None, true) => (Some(0), None),
        (None, false) => (None, None),
    };
    let Some(f) = f else {
        return if now >= ready0 {
            (true, None, false)
        } else {
            (false, Some(ready0), false)
        };
    };
    let recover = healed.map(first_ok);
    // Ticks in [f, healed) fail.
    let ready_first = if ready0 < f { Some(ready0) } else { recover };
    let fail_time = probe.tick_at_or_after(started, f) + (probe.failure - 1) * probe.period;
    let fails =
        ready_first.is_some_and(|r| r < fail_time) && healed.is_none_or(|hh| fail_time < hh);
    let fault_active = failing_now && now >= probe.tick_at_or_after(started, f);
    let mut points: Vec<u64> = Vec::new();
    let ready = match ready_first {
        None => false,
        Some(r) if now < r => {
            points.push(r);
            false
        }
        Some(_) if fails && now >= fail_time => match recover {
            Some(rt) if now >= rt => true,
            Some(rt) => {
                points.push(rt);
                false
            }
            None => false,
        },
        Some(_) => {
            if fails {
                points.push(fail_time);
            }
            true
        }
    };
    if failing_now && !fault_active {
        points.push(probe.tick_at_or_after(started, f));
    }
    (
        ready,
        points.into_iter().filter(|&t| t > now).min(),
        fault_active,
    )
}
