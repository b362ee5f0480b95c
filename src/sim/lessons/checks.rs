//! Evaluating checks against a simulation: the store for state, `sim.log`
//! for history, the DNS resolver for names, and kubectl on a copy of the
//! simulation for queries (a check never touches the session's journal).
//! A failure says why in a student's words: `www-web-3 is Pending, not Bound`.

use super::{Check, Expect, Happening, Moment, ObjectRef, Outcome};
use crate::sim::dns::{self, Answer};
use crate::sim::engine::{Action, Sim};
use crate::sim::object::{Kind, Object, ValueExt};
use crate::sim::{kubectl, podutil};
use std::collections::BTreeMap;

/// `statefulset web`, `pod web-0`: how a message names an object.
fn named(o: &ObjectRef) -> String {
    format!("{} {}", o.kind.as_str(), o.name)
}

fn get<'a>(sim: &'a Sim, o: &ObjectRef) -> Option<&'a Object> {
    sim.store.get(o.kind, &o.namespace, &o.name)
}

/// What a check asks, in words (shown next to its tick).
pub fn describe(check: &Check) -> String {
    match check {
        Check::Exists(o) => format!("{} exists", named(o)),
        Check::Gone(o) => format!("{} is gone", named(o)),
        Check::Pod {
            name,
            phase,
            ready,
            node,
            ..
        } => {
            let mut s = format!("{name} is {}", phase.as_deref().unwrap_or("there"));
            match ready {
                Some(true) => s.push_str(" and Ready"),
                Some(false) => s.push_str(" and not Ready"),
                None => {}
            }
            if let Some(n) = node {
                s.push_str(&format!(" on {n}"));
            }
            s
        }
        Check::Spread {
            selector_text,
            count,
            ..
        } => format!("{count} Ready pods with {selector_text}, each on a different node"),
        Check::ReadyReplicas { object, count } => {
            format!("{} has {count} ready replicas", named(object))
        }
        Check::ClaimBound {
            name,
            volume,
            class,
            ..
        } => {
            let mut s = format!("{name} is Bound");
            if let Some(v) = volume {
                s.push_str(&format!(" to {v}"));
            }
            if let Some(c) = class {
                s.push_str(&format!(" with class {c}"));
            }
            s
        }
        Check::PvPhase { name, phase } => format!("PersistentVolume {name} is {phase}"),
        Check::Resolves { from, name, to_pod } => match to_pod {
            Some(p) => format!("{name} resolves (from namespace {from}) to {p}'s IP"),
            None => format!("{name} resolves (from namespace {from})"),
        },
        Check::DoesNotResolve { from, name } => {
            format!("{name} does not resolve (from namespace {from})")
        }
        Check::Event {
            object,
            reason,
            message_contains,
        } => match message_contains {
            Some(m) => format!("a {reason} event for {} mentions \"{m}\"", named(object)),
            None => format!("a {reason} event was recorded for {}", named(object)),
        },
        Check::Order(ms) => {
            let parts: Vec<String> = ms.iter().map(moment_words).collect();
            format!("in this order: {}", parts.join(", then "))
        }
        Check::Replaced { pod, claim, .. } => match claim {
            Some(c) => format!("{pod} was replaced (same name, new uid) and mounts {c}"),
            None => format!("{pod} was replaced (same name, new uid)"),
        },
        Check::Endpoints {
            service,
            ready,
            includes,
            excludes,
            selector,
            ..
        } => {
            let mut parts = Vec::new();
            if let Some(n) = ready {
                parts.push(format!("{n} ready addresses"));
            }
            if !includes.is_empty() {
                parts.push(format!("includes {}", includes.join(", ")));
            }
            if !excludes.is_empty() {
                parts.push(format!("leaves out {}", excludes.join(", ")));
            }
            if let Some((_, s)) = selector {
                parts.push(format!("exactly the Ready pods with {s}"));
            }
            format!("Service {service}'s endpoints: {}", parts.join("; "))
        }
        Check::Query {
            command,
            expect,
            count,
        } => match (expect, count) {
            (Expect::Equals(v), _) => format!("`{command}` prints \"{v}\""),
            (Expect::Contains(v), Some(n)) => {
                format!("`{command}` shows \"{v}\" {n} times")
            }
            (Expect::Contains(v), None) => format!("`{command}` shows \"{v}\""),
            (Expect::Matches(v), _) => format!("`{command}` prints {v}"),
        },
    }
}

fn moment_words(m: &Moment) -> String {
    let what = match &m.what {
        Happening::Created => "created".to_string(),
        Happening::Ready => "Ready".to_string(),
        Happening::Unready => "not Ready".to_string(),
        Happening::Terminating => "terminating".to_string(),
        Happening::Deleted => "deleted".to_string(),
        Happening::Bound => "Bound".to_string(),
        Happening::Released => "Released".to_string(),
        Happening::Event {
            reason,
            message_contains,
        } => match message_contains {
            Some(t) => format!("{reason} ({t})"),
            None => reason.clone(),
        },
    };
    format!("{} {what}", m.object.name)
}

/// Whether the check holds now; `Err` says why not.
pub fn evaluate(check: &Check, sim: &Sim) -> Outcome {
    match check {
        Check::Exists(o) => match get(sim, o) {
            Some(_) => Ok(()),
            None => Err(format!("{} does not exist", named(o))),
        },
        Check::Gone(o) => match get(sim, o) {
            None => Ok(()),
            Some(obj) if obj.meta.terminating() => {
                Err(format!("{} is still there (Terminating)", named(o)))
            }
            Some(_) => Err(format!("{} still exists", named(o))),
        },
        Check::Pod {
            namespace,
            name,
            phase,
            ready,
            node,
        } => pod(
            sim,
            namespace,
            name,
            phase.as_deref(),
            *ready,
            node.as_deref(),
        ),
        Check::Spread {
            namespace,
            selector,
            selector_text,
            count,
        } => {
            let ready: Vec<&Object> = sim
                .store
                .list_ns(Kind::Pod, namespace)
                .filter(|p| selector.matches(&p.meta.labels) && !p.meta.terminating())
                .filter(|p| podutil::is_running_and_ready(p))
                .collect();
            if ready.len() != *count {
                return Err(format!(
                    "{} Ready pods with {selector_text}, not {count}",
                    ready.len()
                ));
            }
            let mut by_node: BTreeMap<&str, &str> = BTreeMap::new();
            for p in &ready {
                let n = podutil::node_name(p).unwrap_or("");
                if let Some(other) = by_node.insert(n, &p.meta.name) {
                    return Err(format!("{other} and {} are both on {n}", p.meta.name));
                }
            }
            Ok(())
        }
        Check::ReadyReplicas { object, count } => {
            let Some(o) = get(sim, object) else {
                return Err(format!("{} does not exist", named(object)));
            };
            let field = if object.kind == Kind::DaemonSet {
                "numberReady"
            } else {
                "readyReplicas"
            };
            let n = o.status().i64_at(field).unwrap_or(0);
            if n == *count {
                Ok(())
            } else {
                Err(format!(
                    "{} has {n} ready {}, not {count}",
                    named(object),
                    if n == 1 { "replica" } else { "replicas" }
                ))
            }
        }
        Check::ClaimBound {
            namespace,
            name,
            volume,
            class,
        } => {
            let Some(c) = sim.store.get(Kind::PersistentVolumeClaim, namespace, name) else {
                return Err(format!("claim {name} does not exist"));
            };
            let phase = c.status().str_at("phase").unwrap_or("Pending");
            if phase != "Bound" {
                return Err(format!("{name} is {phase}, not Bound"));
            }
            let got = c.spec().str_at("volumeName").unwrap_or("");
            if let Some(v) = volume {
                if got != v {
                    return Err(format!("{name} is bound to {got}, not {v}"));
                }
            }
            if let Some(want) = class {
                let have = c.spec().str_at("storageClassName").unwrap_or("");
                if have != want {
                    return Err(format!(
                        "{name} uses StorageClass \"{have}\", not \"{want}\""
                    ));
                }
            }
            Ok(())
        }
        Check::PvPhase { name, phase } => {
            let Some(pv) = sim.store.get(Kind::PersistentVolume, "", name) else {
                return Err(format!("PersistentVolume {name} does not exist"));
            };
            let have = pv.status().str_at("phase").unwrap_or("Pending");
            if have == phase {
                Ok(())
            } else {
                Err(format!("PersistentVolume {name} is {have}, not {phase}"))
            }
        }
        Check::Resolves { from, name, to_pod } => {
            let ips = match dns::resolve(&sim.store, from, name, "A") {
                Answer::Found { records, .. } => {
                    records.into_iter().map(|r| r.data).collect::<Vec<_>>()
                }
                Answer::NxDomain => {
                    return Err(format!(
                        "{name} does not resolve from namespace {from} (NXDOMAIN)"
                    ))
                }
            };
            let Some(p) = to_pod else { return Ok(()) };
            let Some(pod) = sim.store.get(Kind::Pod, from, p) else {
                return Err(format!("pod {p} does not exist"));
            };
            let Some(ip) = podutil::pod_ip(pod) else {
                return Err(format!("{p} has no IP yet"));
            };
            if ips.iter().any(|a| a == ip) {
                Ok(())
            } else {
                Err(format!(
                    "{name} resolves to {}, not to {p}'s IP {ip}",
                    ips.join(", ")
                ))
            }
        }
        Check::DoesNotResolve { from, name } => match dns::resolve(&sim.store, from, name, "A") {
            Answer::NxDomain => Ok(()),
            Answer::Found { records, .. } => {
                let ips: Vec<String> = records.into_iter().map(|r| r.data).collect();
                Err(format!("{name} still resolves (to {})", ips.join(", ")))
            }
        },
        Check::Event {
            object,
            reason,
            message_contains,
        } => {
            let found = sim.log.iter().any(|e| {
                e.action == Action::Recorded
                    && e.kind == object.kind
                    && e.namespace == object.namespace
                    && e.name == object.name
                    && e.reason == *reason
                    && message_contains
                        .as_ref()
                        .is_none_or(|m| e.message.contains(m.as_str()))
            });
            if found {
                Ok(())
            } else {
                Err(match message_contains {
                    Some(m) => format!(
                        "no {reason} event for {} mentioning \"{m}\" yet",
                        named(object)
                    ),
                    None => format!("no {reason} event for {} yet", named(object)),
                })
            }
        }
        Check::Order(moments) => order(sim, moments),
        Check::Replaced {
            namespace,
            pod,
            claim,
        } => replaced(sim, namespace, pod, claim.as_deref()),
        Check::Endpoints {
            namespace,
            service,
            ready,
            includes,
            excludes,
            selector,
        } => endpoints(
            sim, namespace, service, *ready, includes, excludes, selector,
        ),
        Check::Query {
            command,
            expect,
            count,
        } => {
            // A copy: queries may run the clock (`exec`, `run`), and a
            // check must leave the session's journal and trace untouched.
            let mut copy = sim.clone();
            let out = match kubectl::run(&mut copy, command, &[]) {
                Ok(s) | Err(s) => s,
            };
            let got = out.trim_end_matches('\n').trim();
            let ok = match (expect, count) {
                (Expect::Equals(v), _) => got == v.trim(),
                (Expect::Contains(v), Some(n)) => got.matches(v.as_str()).count() == *n,
                (Expect::Contains(v), None) => got.contains(v.as_str()),
                (Expect::Matches(v), _) => glob(v.trim(), got),
            };
            if ok {
                return Ok(());
            }
            if got.starts_with("Error") || got.starts_with("error:") {
                let first = got.lines().next().unwrap_or("");
                return Err(format!("`{command}` failed: {first}"));
            }
            let shown = if got.is_empty() {
                "nothing".to_string()
            } else if got.lines().count() > 1 || got.len() > 120 {
                let first: String = got.lines().next().unwrap_or("").chars().take(100).collect();
                format!("\"{first} ...\"")
            } else {
                format!("\"{got}\"")
            };
            Err(match (expect, count) {
                (Expect::Equals(v), _) => format!("`{command}` prints {shown}, not \"{v}\""),
                (Expect::Contains(v), Some(n)) => format!(
                    "`{command}` shows \"{v}\" {} times, not {n}",
                    got.matches(v.as_str()).count()
                ),
                (Expect::Contains(v), None) => {
                    format!("`{command}` prints {shown}, without \"{v}\"")
                }
                (Expect::Matches(v), _) => {
                    format!("`{command}` prints {shown}, which does not match {v}")
                }
            })
        }
    }
}

fn pod(
    sim: &Sim,
    namespace: &str,
    name: &str,
    phase: Option<&str>,
    ready: Option<bool>,
    node: Option<&str>,
) -> Outcome {
    let Some(p) = sim.store.get(Kind::Pod, namespace, name) else {
        return Err(format!("{name} does not exist"));
    };
    let have = podutil::phase(p);
    if p.meta.terminating() && phase.is_some() {
        return Err(format!("{name} is Terminating"));
    }
    if let Some(want) = phase {
        if have != want {
            return Err(format!("{name} is {have}, not {want}"));
        }
    }
    match (ready, podutil::is_ready(p)) {
        (Some(true), false) => return Err(format!("{name} is {have} but not Ready")),
        (Some(false), true) => return Err(format!("{name} is still Ready")),
        _ => {}
    }
    if let Some(want) = node {
        match podutil::node_name(p) {
            Some(n) if n == want => {}
            Some(n) => return Err(format!("{name} is on {n}, not {want}")),
            None => return Err(format!("{name} is not scheduled to a node yet")),
        }
    }
    Ok(())
}

/// Every log position where the moment happened.
fn occurrences(sim: &Sim, m: &Moment) -> Vec<u64> {
    let o = &m.object;
    let has = |s: &Option<String>, word: &str| {
        s.as_deref()
            .is_some_and(|s| s.split_whitespace().any(|w| w == word))
    };
    sim.log
        .iter()
        .filter(|e| e.kind == o.kind && e.namespace == o.namespace && e.name == o.name)
        .filter(|e| match &m.what {
            Happening::Created => e.action == Action::Added,
            Happening::Deleted => e.action == Action::Deleted,
            Happening::Terminating => {
                (e.action == Action::Modified && e.reason == "Terminating")
                    || (e.action == Action::Deleted && !has(&e.before, "Terminating"))
            }
            Happening::Ready => {
                matches!(e.action, Action::Added | Action::Modified)
                    && has(&e.after, "Ready")
                    && !has(&e.before, "Ready")
            }
            Happening::Unready => {
                e.action == Action::Modified && has(&e.before, "Ready") && !has(&e.after, "Ready")
            }
            Happening::Bound | Happening::Released => {
                let word = if m.what == Happening::Bound {
                    "Bound"
                } else {
                    "Released"
                };
                matches!(e.action, Action::Added | Action::Modified)
                    && e.after.as_deref() == Some(word)
                    && e.before.as_deref() != Some(word)
            }
            Happening::Event {
                reason,
                message_contains,
            } => {
                e.action == Action::Recorded
                    && e.reason == *reason
                    && message_contains
                        .as_ref()
                        .is_none_or(|t| e.message.contains(t.as_str()))
            }
        })
        .map(|e| e.seq)
        .collect()
}

/// Each moment's last occurrence must follow the previous moment's.
fn order(sim: &Sim, moments: &[Moment]) -> Outcome {
    let mut prev: Option<(u64, &Moment)> = None;
    for m in moments {
        let Some(&at) = occurrences(sim, m).last() else {
            return Err(format!("{} has not happened yet", moment_words(m)));
        };
        if let Some((p, pm)) = prev {
            if at < p {
                return Err(format!(
                    "{} happened before {}",
                    moment_words(m),
                    moment_words(pm)
                ));
            }
        }
        prev = Some((at, m));
    }
    Ok(())
}

fn replaced(sim: &Sim, namespace: &str, pod: &str, claim: Option<&str>) -> Outcome {
    let is = |a: Action| {
        move |e: &&crate::sim::engine::Event| {
            e.action == a && e.kind == Kind::Pod && e.namespace == namespace && e.name == pod
        }
    };
    let deleted = sim
        .log
        .iter()
        .rev()
        .find(is(Action::Deleted))
        .map(|e| e.seq);
    let Some(deleted) = deleted else {
        return Err(format!("{pod} has not been deleted yet"));
    };
    let recreated = sim
        .log
        .iter()
        .filter(is(Action::Added))
        .any(|e| e.seq > deleted);
    let Some(p) = sim.store.get(Kind::Pod, namespace, pod) else {
        return Err(format!("{pod} is gone and not back yet"));
    };
    if !recreated {
        return Err(format!("{pod} is gone and not back yet"));
    }
    if !podutil::is_running_and_ready(p) {
        return Err(format!(
            "{pod} is back but {}, not Running and Ready",
            podutil::phase(p)
        ));
    }
    if let Some(c) = claim {
        let claims = podutil::claim_names(p);
        if !claims.contains(&c) {
            return Err(if claims.is_empty() {
                format!("{pod} is back but mounts no claim, not {c}")
            } else {
                format!("{pod} is back but mounts {}, not {c}", claims.join(", "))
            });
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn endpoints(
    sim: &Sim,
    namespace: &str,
    service: &str,
    ready: Option<usize>,
    includes: &[String],
    excludes: &[String],
    selector: &Option<(crate::sim::selector::Selector, String)>,
) -> Outcome {
    let Some(ep) = sim.store.get(Kind::Endpoints, namespace, service) else {
        return Err(format!("Service {service} has no endpoints yet"));
    };
    // Ready addresses: (ip, pod name).
    let mut addrs: Vec<(String, String)> = Vec::new();
    for s in ep
        .body
        .get("subsets")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        for a in s.array_at("addresses") {
            addrs.push((
                a.str_at("ip").unwrap_or("").to_string(),
                a.str_at("targetRef.name").unwrap_or("").to_string(),
            ));
        }
    }
    addrs.sort();
    addrs.dedup();
    if let Some(n) = ready {
        if addrs.len() != n {
            return Err(format!(
                "{service} has {} ready addresses, not {n}",
                addrs.len()
            ));
        }
    }
    let ip_of = |pod: &str| {
        sim.store
            .get(Kind::Pod, namespace, pod)
            .and_then(podutil::pod_ip)
            .map(String::from)
    };
    let has = |pod: &str| {
        addrs
            .iter()
            .any(|(ip, name)| name == pod || ip_of(pod).is_some_and(|i| i == *ip))
    };
    for p in includes {
        if !has(p) {
            return Err(format!("{service} does not send traffic to {p}"));
        }
    }
    for p in excludes {
        if has(p) {
            return Err(format!("{service} still sends traffic to {p}"));
        }
    }
    if let Some((sel, text)) = selector {
        let mut want: Vec<String> = sim
            .store
            .list_ns(Kind::Pod, namespace)
            .filter(|p| sel.matches(&p.meta.labels) && podutil::is_ready(p))
            .filter_map(|p| podutil::pod_ip(p).map(String::from))
            .collect();
        want.sort();
        let mut have: Vec<String> = addrs.iter().map(|(ip, _)| ip.clone()).collect();
        have.sort();
        if want != have {
            return Err(format!(
                "{service} has {} ready addresses but there are {} Ready pods with {text}",
                have.len(),
                want.len()
            ));
        }
    }
    Ok(())
}

/// Whole-text glob: `*` any run of characters, `?` one character.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}
