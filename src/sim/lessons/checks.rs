//! Evaluating checks against a simulation: the store for state, `sim.log`
//! for history, the DNS resolver for names, and kubectl on a copy of the
//! simulation for queries (a check never touches the session's journal).
//! A failure says why in a student's words: `www-web-3 is Pending, not Bound`.

use super::{Check, Expect, Happening, Lang, Moment, ObjectRef, Outcome};
use crate::sim::dns::{self, Answer};
use crate::sim::engine::{Action, Sim};
use crate::sim::object::{Kind, Object, ValueExt};
use crate::sim::sort;
use crate::sim::{kubectl, podutil};

/// A message in the student's language; both texts may name local
/// variables (`{name}`).
macro_rules! say {
    ($lang:expr, $en:literal, $zh:literal) => {
        match $lang {
            Lang::En => format!($en),
            Lang::Zh => format!($zh),
        }
    };
}

/// `statefulset web`, `pod web-0`: how a message names an object.
fn named(o: &ObjectRef) -> String {
    format!("{} {}", o.kind.as_str(), o.name)
}

fn get<'a>(sim: &'a Sim, o: &ObjectRef) -> Option<&'a Object> {
    sim.store.get(o.kind, &o.namespace, &o.name)
}

/// What a check asks, in words (shown next to its tick).
pub fn describe(check: &Check) -> String {
    describe_in(check, Lang::En)
}

/// [`describe`] in the student's language.
pub fn describe_in(check: &Check, lang: Lang) -> String {
    match check {
        Check::Exists(o) => {
            let o = named(o);
            say!(lang, "{o} exists", "{o} 存在")
        }
        Check::Gone(o) => {
            let o = named(o);
            say!(lang, "{o} is gone", "{o} 已删除")
        }
        Check::Pod {
            name,
            phase,
            ready,
            node,
            ..
        } => {
            let ph = phase.as_deref().unwrap_or("there");
            let mut s = match phase {
                Some(_) => say!(lang, "{name} is {ph}", "{name} 处于 {ph}"),
                None => say!(lang, "{name} is there", "{name} 存在"),
            };
            match ready {
                Some(true) => s.push_str(&say!(lang, " and Ready", " 并且就绪")),
                Some(false) => s.push_str(&say!(lang, " and not Ready", " 但未就绪")),
                None => {}
            }
            if let Some(n) = node {
                s.push_str(&say!(lang, " on {n}", ",在 {n} 上"));
            }
            s
        }
        Check::Spread {
            selector_text,
            count,
            ..
        } => say!(
            lang,
            "{count} Ready pods with {selector_text}, each on a different node",
            "{count} 个带 {selector_text} 的就绪 Pod,各在不同节点上"
        ),
        Check::ReadyReplicas { object, count } => {
            let o = named(object);
            let word = if *count == 1 { "replica" } else { "replicas" };
            say!(
                lang,
                "{o} has {count} ready {word}",
                "{o} 有 {count} 个就绪副本"
            )
        }
        Check::ClaimBound {
            name,
            volume,
            class,
            ..
        } => {
            let mut s = say!(lang, "{name} is Bound", "{name} 处于 Bound");
            if let Some(v) = volume {
                s.push_str(&say!(lang, " to {v}", ",绑定到 {v}"));
            }
            if let Some(c) = class {
                s.push_str(&say!(lang, " with class {c}", ",StorageClass 为 {c}"));
            }
            s
        }
        Check::PvPhase { name, phase } => say!(
            lang,
            "PersistentVolume {name} is {phase}",
            "PersistentVolume {name} 处于 {phase}"
        ),
        Check::Resolves { from, name, to_pod } => match to_pod {
            Some(p) => say!(
                lang,
                "{name} resolves (from namespace {from}) to {p}'s IP",
                "{name}(从命名空间 {from})解析为 {p} 的 IP"
            ),
            None => say!(
                lang,
                "{name} resolves (from namespace {from})",
                "{name}(从命名空间 {from})可以解析"
            ),
        },
        Check::DoesNotResolve { from, name } => say!(
            lang,
            "{name} does not resolve (from namespace {from})",
            "{name}(从命名空间 {from})无法解析"
        ),
        Check::Event {
            object,
            reason,
            message_contains,
        } => {
            let o = named(object);
            match message_contains {
                Some(m) => say!(
                    lang,
                    "a {reason} event for {o} mentions \"{m}\"",
                    "{o} 的 {reason} 事件提到 \"{m}\""
                ),
                None => say!(
                    lang,
                    "a {reason} event was recorded for {o}",
                    "{o} 记录了 {reason} 事件"
                ),
            }
        }
        Check::Order(ms) => {
            let parts: Vec<String> = ms.iter().map(|m| moment_words(m, lang)).collect();
            match lang {
                Lang::En => format!("in this order: {}", parts.join(", then ")),
                Lang::Zh => format!("按此顺序:{}", parts.join(",然后 ")),
            }
        }
        Check::Replaced { pod, claim, .. } => match claim {
            Some(c) => say!(
                lang,
                "{pod} was replaced (same name, new uid) and mounts {c}",
                "{pod} 被替换(同名,新 uid)并挂载 {c}"
            ),
            None => say!(
                lang,
                "{pod} was replaced (same name, new uid)",
                "{pod} 被替换(同名,新 uid)"
            ),
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
                parts.push(say!(lang, "{n} ready addresses", "{n} 个就绪地址"));
            }
            if !includes.is_empty() {
                let i = includes.join(", ");
                parts.push(say!(lang, "includes {i}", "包含 {i}"));
            }
            if !excludes.is_empty() {
                let x = excludes.join(", ");
                parts.push(say!(lang, "leaves out {x}", "不包含 {x}"));
            }
            if let Some((_, s)) = selector {
                parts.push(say!(
                    lang,
                    "exactly the Ready pods with {s}",
                    "恰好是带 {s} 的就绪 Pod"
                ));
            }
            let p = parts.join("; ");
            say!(
                lang,
                "Service {service}'s endpoints: {p}",
                "Service {service} 的端点:{p}"
            )
        }
        Check::Query {
            command,
            expect,
            count,
        } => match (expect, count) {
            (Expect::Equals(v), _) => say!(
                lang,
                "`{command}` prints \"{v}\"",
                "`{command}` 输出 \"{v}\""
            ),
            (Expect::Contains(v), Some(n)) => say!(
                lang,
                "`{command}` shows \"{v}\" {n} times",
                "`{command}` 的输出中 \"{v}\" 出现 {n} 次"
            ),
            (Expect::Contains(v), None) => say!(
                lang,
                "`{command}` shows \"{v}\"",
                "`{command}` 的输出包含 \"{v}\""
            ),
            (Expect::Matches(v), _) => say!(lang, "`{command}` prints {v}", "`{command}` 输出 {v}"),
        },
    }
}

fn moment_words(m: &Moment, lang: Lang) -> String {
    let what = match &m.what {
        Happening::Created => say!(lang, "created", "创建"),
        Happening::Ready => say!(lang, "Ready", "就绪"),
        Happening::Unready => say!(lang, "not Ready", "变为未就绪"),
        Happening::Terminating => say!(lang, "terminating", "开始终止"),
        Happening::Deleted => say!(lang, "deleted", "被删除"),
        Happening::Bound => say!(lang, "Bound", "变为 Bound"),
        Happening::Released => say!(lang, "Released", "变为 Released"),
        Happening::Event {
            reason,
            message_contains,
        } => match message_contains {
            Some(t) => format!("{reason} ({t})"),
            None => reason.clone(),
        },
    };
    let name = &m.object.name;
    match lang {
        Lang::En => format!("{name} {what}"),
        Lang::Zh => format!("{name} {what}"),
    }
}

/// Whether the check holds now; `Err` says why not.
pub fn evaluate(check: &Check, sim: &Sim) -> Outcome {
    evaluate_in(check, sim, Lang::En)
}

/// [`evaluate`], with the reason in the student's language.
pub fn evaluate_in(check: &Check, sim: &Sim, lang: Lang) -> Outcome {
    match check {
        Check::Exists(o) => match get(sim, o) {
            Some(_) => Ok(()),
            None => {
                let o = named(o);
                Err(say!(lang, "{o} does not exist", "{o} 不存在"))
            }
        },
        Check::Gone(o) => {
            let on = named(o);
            match get(sim, o) {
                None => Ok(()),
                Some(obj) if obj.meta.terminating() => Err(say!(
                    lang,
                    "{on} is still there (Terminating)",
                    "{on} 仍然存在(Terminating)"
                )),
                Some(_) => Err(say!(lang, "{on} still exists", "{on} 仍然存在")),
            }
        }
        Check::Pod {
            namespace,
            name,
            phase,
            ready,
            node,
        } => pod(
            sim,
            lang,
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
            let n = ready.len();
            if n != *count {
                return Err(say!(
                    lang,
                    "{n} Ready pods with {selector_text}, not {count}",
                    "带 {selector_text} 的就绪 Pod 有 {n} 个,不是 {count} 个"
                ));
            }
            // A few pods: a list searched in order.
            let mut by_node: Vec<(&str, &str)> = Vec::with_capacity(n);
            for p in &ready {
                let node = podutil::node_name(p).unwrap_or("");
                if let Some(&(_, other)) = by_node.iter().find(|(on, _)| *on == node) {
                    let this = &p.meta.name;
                    return Err(say!(
                        lang,
                        "{other} and {this} are both on {node}",
                        "{other} 和 {this} 都在 {node} 上"
                    ));
                }
                by_node.push((node, &p.meta.name));
            }
            Ok(())
        }
        Check::ReadyReplicas { object, count } => {
            let o = named(object);
            let Some(obj) = get(sim, object) else {
                return Err(say!(lang, "{o} does not exist", "{o} 不存在"));
            };
            let field = if object.kind == Kind::DaemonSet {
                "numberReady"
            } else {
                "readyReplicas"
            };
            let n = obj.status().i64_at(field).unwrap_or(0);
            if n == *count {
                Ok(())
            } else {
                let word = if n == 1 { "replica" } else { "replicas" };
                Err(say!(
                    lang,
                    "{o} has {n} ready {word}, not {count}",
                    "{o} 有 {n} 个就绪副本,不是 {count} 个"
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
                return Err(say!(
                    lang,
                    "claim {name} does not exist",
                    "PersistentVolumeClaim {name} 不存在"
                ));
            };
            let phase = c.status().str_at("phase").unwrap_or("Pending");
            if phase != "Bound" {
                return Err(say!(
                    lang,
                    "{name} is {phase}, not Bound",
                    "{name} 处于 {phase},不是 Bound"
                ));
            }
            // A claim being deleted keeps phase Bound while a pod uses it
            // (pvc-protection), but it is not kept: kubectl shows Terminating.
            if c.meta.terminating() {
                return Err(say!(
                    lang,
                    "{name} is Bound but being deleted (Terminating)",
                    "{name} 处于 Bound,但正在被删除(Terminating)"
                ));
            }
            let got = c.spec().str_at("volumeName").unwrap_or("");
            if let Some(v) = volume {
                if got != v {
                    return Err(say!(
                        lang,
                        "{name} is bound to {got}, not {v}",
                        "{name} 绑定到 {got},不是 {v}"
                    ));
                }
            }
            if let Some(want) = class {
                let have = c.spec().str_at("storageClassName").unwrap_or("");
                if have != want {
                    return Err(say!(
                        lang,
                        "{name} uses StorageClass \"{have}\", not \"{want}\"",
                        "{name} 使用 StorageClass \"{have}\",不是 \"{want}\""
                    ));
                }
            }
            Ok(())
        }
        Check::PvPhase { name, phase } => {
            let Some(pv) = sim.store.get(Kind::PersistentVolume, "", name) else {
                return Err(say!(
                    lang,
                    "PersistentVolume {name} does not exist",
                    "PersistentVolume {name} 不存在"
                ));
            };
            let have = pv.status().str_at("phase").unwrap_or("Pending");
            if have == phase {
                Ok(())
            } else {
                Err(say!(
                    lang,
                    "PersistentVolume {name} is {have}, not {phase}",
                    "PersistentVolume {name} 处于 {have},不是 {phase}"
                ))
            }
        }
        Check::Resolves { from, name, to_pod } => {
            let ips = match dns::resolve(&sim.store, from, name, "A") {
                Answer::Found { records, .. } => {
                    records.into_iter().map(|r| r.data).collect::<Vec<_>>()
                }
                Answer::NxDomain => {
                    return Err(say!(
                        lang,
                        "{name} does not resolve from namespace {from} (NXDOMAIN)",
                        "从命名空间 {from} 无法解析 {name}(NXDOMAIN)"
                    ))
                }
            };
            let Some(p) = to_pod else { return Ok(()) };
            let Some(pod) = sim.store.get(Kind::Pod, from, p) else {
                return Err(say!(lang, "pod {p} does not exist", "Pod {p} 不存在"));
            };
            let Some(ip) = podutil::pod_ip(pod) else {
                return Err(say!(lang, "{p} has no IP yet", "{p} 还没有 IP"));
            };
            if ips.iter().any(|a| a == ip) {
                Ok(())
            } else {
                let got = ips.join(", ");
                Err(say!(
                    lang,
                    "{name} resolves to {got}, not to {p}'s IP {ip}",
                    "{name} 解析为 {got},不是 {p} 的 IP {ip}"
                ))
            }
        }
        Check::DoesNotResolve { from, name } => match dns::resolve(&sim.store, from, name, "A") {
            Answer::NxDomain => Ok(()),
            Answer::Found { records, .. } => {
                let ips: Vec<String> = records.into_iter().map(|r| r.data).collect();
                let ips = ips.join(", ");
                Err(say!(
                    lang,
                    "{name} still resolves (to {ips})",
                    "{name} 仍然可以解析(为 {ips})"
                ))
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
                return Ok(());
            }
            let o = named(object);
            Err(match message_contains {
                Some(m) => say!(
                    lang,
                    "no {reason} event for {o} mentioning \"{m}\" yet",
                    "{o} 还没有提到 \"{m}\" 的 {reason} 事件"
                ),
                None => say!(
                    lang,
                    "no {reason} event for {o} yet",
                    "{o} 还没有 {reason} 事件"
                ),
            })
        }
        Check::Order(moments) => order(sim, lang, moments),
        Check::Replaced {
            namespace,
            pod,
            claim,
        } => replaced(sim, lang, namespace, pod, claim.as_deref()),
        Check::Endpoints {
            namespace,
            service,
            ready,
            includes,
            excludes,
            selector,
        } => endpoints(
            sim, lang, namespace, service, *ready, includes, excludes, selector,
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
                return Err(say!(
                    lang,
                    "`{command}` failed: {first}",
                    "`{command}` 失败:{first}"
                ));
            }
            let shown = if got.is_empty() {
                say!(lang, "nothing", "空")
            } else if got.lines().count() > 1 || got.len() > 120 {
                let first: String = got.lines().next().unwrap_or("").chars().take(100).collect();
                format!("\"{first} ...\"")
            } else {
                format!("\"{got}\"")
            };
            Err(match (expect, count) {
                (Expect::Equals(v), _) => say!(
                    lang,
                    "`{command}` prints {shown}, not \"{v}\"",
                    "`{command}` 输出 {shown},不是 \"{v}\""
                ),
                (Expect::Contains(v), Some(n)) => {
                    let times = got.matches(v.as_str()).count();
                    say!(
                        lang,
                        "`{command}` shows \"{v}\" {times} times, not {n}",
                        "`{command}` 的输出中 \"{v}\" 出现 {times} 次,不是 {n} 次"
                    )
                }
                (Expect::Contains(v), None) => say!(
                    lang,
                    "`{command}` prints {shown}, without \"{v}\"",
                    "`{command}` 输出 {shown},不包含 \"{v}\""
                ),
                (Expect::Matches(v), _) => say!(
                    lang,
                    "`{command}` prints {shown}, which does not match {v}",
                    "`{command}` 输出 {shown},与 {v} 不匹配"
                ),
            })
        }
    }
}

fn pod(
    sim: &Sim,
    lang: Lang,
    namespace: &str,
    name: &str,
    phase: Option<&str>,
    ready: Option<bool>,
    node: Option<&str>,
) -> Outcome {
    let Some(p) = sim.store.get(Kind::Pod, namespace, name) else {
        return Err(say!(lang, "{name} does not exist", "{name} 不存在"));
    };
    let have = podutil::phase(p);
    if p.meta.terminating() && phase.is_some() {
        return Err(say!(
            lang,
            "{name} is Terminating",
            "{name} 正在终止(Terminating)"
        ));
    }
    if let Some(want) = phase {
        if have != want {
            return Err(say!(
                lang,
                "{name} is {have}, not {want}",
                "{name} 处于 {have},不是 {want}"
            ));
        }
    }
    match (ready, podutil::is_ready(p)) {
        (Some(true), false) => {
            return Err(say!(
                lang,
                "{name} is {have} but not Ready",
                "{name} 处于 {have},但未就绪"
            ))
        }
        (Some(false), true) => return Err(say!(lang, "{name} is still Ready", "{name} 仍然就绪")),
        _ => {}
    }
    if let Some(want) = node {
        match podutil::node_name(p) {
            Some(n) if n == want => {}
            Some(n) => {
                return Err(say!(
                    lang,
                    "{name} is on {n}, not {want}",
                    "{name} 在 {n} 上,不在 {want} 上"
                ))
            }
            None => {
                return Err(say!(
                    lang,
                    "{name} is not scheduled to a node yet",
                    "{name} 还没有被调度到节点"
                ))
            }
        }
    }
    Ok(())
}

/// Every log position where the moment happened.
fn occurrences(sim: &Sim, m: &Moment) -> Vec<u64> {
    let o = &m.object;
    // A node's summary is `Ready,SchedulingDisabled` when cordoned: the
    // comma separates words too, or cordoning would read as not Ready.
    let has = |s: &Option<String>, word: &str| {
        s.as_deref().is_some_and(|s| {
            s.split(|c: char| c.is_whitespace() || c == ',')
                .any(|w| w == word)
        })
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
fn order(sim: &Sim, lang: Lang, moments: &[Moment]) -> Outcome {
    let mut prev: Option<(u64, &Moment)> = None;
    for m in moments {
        let words = moment_words(m, lang);
        let Some(&at) = occurrences(sim, m).last() else {
            return Err(say!(
                lang,
                "{words} has not happened yet",
                "还没有发生:{words}"
            ));
        };
        if let Some((p, pm)) = prev {
            if at < p {
                let before = moment_words(pm, lang);
                return Err(say!(
                    lang,
                    "{words} happened before {before}",
                    "{words} 发生在 {before} 之前"
                ));
            }
        }
        prev = Some((at, m));
    }
    Ok(())
}

fn replaced(sim: &Sim, lang: Lang, namespace: &str, pod: &str, claim: Option<&str>) -> Outcome {
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
        return Err(say!(
            lang,
            "{pod} has not been deleted yet",
            "{pod} 还没有被删除"
        ));
    };
    let recreated = sim
        .log
        .iter()
        .filter(is(Action::Added))
        .any(|e| e.seq > deleted);
    let back = sim
        .store
        .get(Kind::Pod, namespace, pod)
        .filter(|_| recreated);
    let Some(p) = back else {
        return Err(say!(
            lang,
            "{pod} is gone and not back yet",
            "{pod} 已删除,还没有回来"
        ));
    };
    if !podutil::is_running_and_ready(p) {
        let phase = podutil::phase(p);
        return Err(say!(
            lang,
            "{pod} is back but {phase}, not Running and Ready",
            "{pod} 已回来,但处于 {phase},尚未 Running 并就绪"
        ));
    }
    if let Some(c) = claim {
        let claims = podutil::claim_names(p);
        if !claims.contains(&c) {
            let has = claims.join(", ");
            return Err(if claims.is_empty() {
                say!(
                    lang,
                    "{pod} is back but mounts no claim, not {c}",
                    "{pod} 已回来,但没有挂载 PersistentVolumeClaim {c}"
                )
            } else {
                say!(
                    lang,
                    "{pod} is back but mounts {has}, not {c}",
                    "{pod} 已回来,但挂载的是 {has},不是 {c}"
                )
            });
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn endpoints(
    sim: &Sim,
    lang: Lang,
    namespace: &str,
    service: &str,
    ready: Option<usize>,
    includes: &[String],
    excludes: &[String],
    selector: &Option<(crate::sim::selector::Selector, String)>,
) -> Outcome {
    let Some(ep) = sim.store.get(Kind::Endpoints, namespace, service) else {
        return Err(say!(
            lang,
            "Service {service} has no endpoints yet",
            "Service {service} 还没有端点"
        ));
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
    sort::sort(&mut addrs);
    addrs.dedup();
    let have_n = addrs.len();
    if let Some(n) = ready {
        if have_n != n {
            return Err(say!(
                lang,
                "{service} has {have_n} ready addresses, not {n}",
                "{service} 有 {have_n} 个就绪地址,不是 {n} 个"
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
            return Err(say!(
                lang,
                "{service} does not send traffic to {p}",
                "{service} 没有把流量发往 {p}"
            ));
        }
    }
    for p in excludes {
        if has(p) {
            return Err(say!(
                lang,
                "{service} still sends traffic to {p}",
                "{service} 仍然把流量发往 {p}"
            ));
        }
    }
    if let Some((sel, text)) = selector {
        let mut want: Vec<String> = sim
            .store
            .list_ns(Kind::Pod, namespace)
            .filter(|p| sel.matches(&p.meta.labels) && podutil::is_ready(p))
            .filter_map(|p| podutil::pod_ip(p).map(String::from))
            .collect();
        sort::sort(&mut want);
        let mut have: Vec<String> = addrs.iter().map(|(ip, _)| ip.clone()).collect();
        sort::sort(&mut have);
        if want != have {
            let want_n = want.len();
            return Err(say!(
                lang,
                "{service} has {have_n} ready addresses but there are {want_n} Ready pods with {text}",
                "{service} 有 {have_n} 个就绪地址,但带 {text} 的就绪 Pod 有 {want_n} 个"
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
