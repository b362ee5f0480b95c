//! The cluster, storage, network and events views. Each reads one memo
//! derived from the sim (see `model.rs`) and sends faults as input lines.

use super::model::{self, ClusterView, PodView};
use super::Ui;
use crate::sim::dns;
use leptos::prelude::*;
use std::collections::BTreeMap;

fn cluster_memo(ui: Ui) -> Memo<ClusterView> {
    Memo::new(move |_| {
        ui.version.track();
        ui.with_sim(|s| super::perf::time("cluster", || model::cluster(s)))
    })
}

#[component]
fn PodCard(ui: Ui, pods: Memo<BTreeMap<String, PodView>>, uid: String) -> impl IntoView {
    let uid2 = uid.clone();
    let pod = Memo::new(move |_| pods.with(|m| m.get(&uid2).cloned()));
    let name = pod.get_untracked().map(|p| p.name).unwrap_or_default();
    let ns = pod.get_untracked().map(|p| p.namespace).unwrap_or_default();
    let target = if ns == "default" {
        name.clone()
    } else {
        format!("{ns}/{name}")
    };
    let menu = {
        let t = target.clone();
        let faults: [(&str, &str); 5] = [
            ("delete", "Delete"),
            ("force-delete", "Force delete"),
            ("unready", "Fail readiness"),
            ("ready", "Heal readiness"),
            ("crash", "Crash container"),
        ];
        faults
            .into_iter()
            .map(|(f, label)| {
                let spec = format!("pod {t} {f}");
                view! {
                    <button data-testid=format!("fault-{f}-{}", t.replace('/', "-"))
                        on:click=move |_| ui.fault(spec.clone())>{label}</button>
                }
            })
            .collect_view()
    };
    let field = move |f: fn(&PodView) -> String| {
        move || pod.with(|p| p.as_ref().map(f).unwrap_or_default())
    };
    view! {
        <article
            class=move || pod.with(|p| format!("card {}", p.as_ref().map(|p| p.tone).unwrap_or("gone")))
            class:waited=move || pod.with(|p| p.as_ref().is_some_and(|p| p.waited_on.is_some()))
            data-testid=format!("pod-{name}")
            data-status=field(|p| p.status.clone())
            aria-label=move || pod.with(|p| p.as_ref().map(|p| format!("Pod {} {} ready {}", p.name, p.status, p.ready)).unwrap_or_default())
        >
            <header>
                <span class="pod-name">{name.clone()}</span>
                {move || pod.with(|p| p.as_ref().and_then(|p| p.ordinal).map(|o| view! { <span class="ord" title="ordinal">{"#"}{o}</span> }))}
                <details class="menu">
                    <summary aria-label=format!("Faults for pod {name}") data-testid=format!("pod-menu-{}", target.replace('/', "-"))>"⋯"</summary>
                    <div class="menu-items">{menu}</div>
                </details>
            </header>
            <div class="status">
                <span class="dot" aria-hidden="true"></span>
                <span data-testid="pod-status">{field(|p| p.status.clone())}</span>
                <span class="ready" title="ready containers">{field(|p| p.ready.clone())}</span>
            </div>
            <dl>
                <Show when=move || pod.with(|p| p.as_ref().is_some_and(|p| p.restarts > 0))>
                    <dt>"restarts"</dt><dd>{field(|p| p.restarts.to_string())}</dd>
                </Show>
                <dt>"IP"</dt><dd>{move || { let v = field(|p| p.ip.clone())(); if v.is_empty() { "—".to_string() } else { v } }}</dd>
                <Show when=move || pod.with(|p| p.as_ref().is_some_and(|p| !p.claims.is_empty()))>
                    <dt>"PVC"</dt><dd class="claim">{field(|p| p.claims.join(", "))}</dd>
                </Show>
            </dl>
            {move || pod.with(|p| p.as_ref().and_then(|p| p.waited_on.clone()).map(|why| view! {
                <p class="why" data-testid="waiting-why">{why}</p>
            }))}
        </article>
    }
}

fn owner_label(owner: &str) -> String {
    if owner.is_empty() {
        "bare pods".into()
    } else {
        owner.to_string()
    }
}

/// Uids of the pods in a lane (or the unscheduled row), grouped by owner.
fn lane_groups(c: &ClusterView, node: &str) -> Vec<(String, Vec<String>)> {
    let pods = if node.is_empty() {
        &c.pending
    } else {
        match c.nodes.iter().find(|n| n.name == node) {
            Some(n) => &n.pods,
            None => return Vec::new(),
        }
    };
    model::group_by_owner(pods)
        .into_iter()
        .map(|(o, ps)| (o, ps.into_iter().map(|p| p.uid).collect()))
        .collect()
}

#[component]
fn Lane(
    ui: Ui,
    cluster: Memo<ClusterView>,
    pods: Memo<BTreeMap<String, PodView>>,
    node: String,
) -> impl IntoView {
    let n2 = node.clone();
    let groups = Memo::new(move |_| cluster.with(|c| lane_groups(c, &n2)));
    let n3 = node.clone();
    let info = Memo::new(move |_| cluster.with(|c| c.nodes.iter().find(|n| n.name == n3).cloned()));
    let is_pending = node.is_empty();
    let title = if is_pending {
        "Not scheduled".to_string()
    } else {
        node.clone()
    };
    let aria = format!("Node {title}");
    let node_menu = (!is_pending).then(|| {
        let n = node.clone();
        let actions: [(&str, &str, bool); 5] = [
            ("cordon", "Cordon", false),
            ("uncordon", "Uncordon", false),
            ("drain", "Drain", true),
            ("fail", "Fail node", false),
            ("recover", "Recover node", false),
        ];
        let items = actions
            .into_iter()
            .map(|(a, label, kubectl)| {
                let n = n.clone();
                view! {
                    <button data-testid=format!("node-{a}-{n}") on:click=move |_| {
                        if kubectl {
                            ui.kubectl(format!("drain {n} --ignore-daemonsets --delete-emptydir-data --force"))
                        } else {
                            ui.fault(format!("node {n} {a}"))
                        }
                    }>{label}</button>
                }
            })
            .collect_view();
        view! {
            <details class="menu">
                <summary aria-label=format!("Actions for node {node}")>"⋯"</summary>
                <div class="menu-items">{items}</div>
            </details>
        }
    });
    view! {
        <div class="lane" class:pending=is_pending data-testid=format!("lane-{}", if is_pending { "pending" } else { node.as_str() })
            class:down=move || info.with(|i| i.as_ref().is_some_and(|i| !i.ready || i.failed))
            role="group" aria-label=aria>
            <div class="lane-head">
                <strong>{title}</strong>
                {move || info.with(|i| i.as_ref().map(|i| {
                    let mut s = vec![if i.ready { "Ready" } else { "NotReady" }];
                    if i.unschedulable { s.push("SchedulingDisabled"); }
                    if i.failed { s.push("(failed)"); }
                    view! { <span class="node-state">{s.join(",")}</span> }
                }))}
                {node_menu}
            </div>
            <div class="lane-pods">
                <For each=move || groups.get() key=|g| g.0.clone() let:g>
                    {
                        let owner = g.0.clone();
                        let ids = Memo::new(move |_| groups.with(|gs| gs.iter().find(|x| x.0 == owner).map(|x| x.1.clone()).unwrap_or_default()));
                        view! {
                            <div class="group">
                                <div class="group-label">{owner_label(&g.0)}</div>
                                <div class="cards">
                                    <For each=move || ids.get() key=|u| u.clone() let:uid>
                                        <PodCard ui=ui pods=pods uid=uid />
                                    </For>
                                </div>
                            </div>
                        }
                    }
                </For>
            </div>
        </div>
    }
}

#[component]
pub fn Cluster(ui: Ui) -> impl IntoView {
    let cluster = cluster_memo(ui);
    let pods = Memo::new(move |_| {
        cluster.with(|c| {
            c.nodes
                .iter()
                .flat_map(|n| n.pods.iter())
                .chain(c.pending.iter())
                .map(|p| (p.uid.clone(), p.clone()))
                .collect::<BTreeMap<_, _>>()
        })
    });
    let node_names = Memo::new(move |_| {
        cluster.with(|c| c.nodes.iter().map(|n| n.name.clone()).collect::<Vec<_>>())
    });
    let workloads = Memo::new(move |_| cluster.with(|c| c.workloads.clone()));
    let has_pending = Memo::new(move |_| cluster.with(|c| !c.pending.is_empty()));
    view! {
        <section class="panel cluster" aria-labelledby="cluster-h">
            <div class="panel-head">
                <h2 id="cluster-h">"Cluster"</h2>
                <span class="muted">{move || format!("{} pods", pods.with(|p| p.len()))}</span>
            </div>
            <div class="workloads">
                <For each=move || workloads.get() key=|w| format!("{}:{}:{}:{}:{}:{:?}", w.namespace, w.id, w.desired, w.current, w.ready, w.waiting) let:w>
                    <div class="workload" data-testid=format!("workload-{}", w.name)
                        class:settled=w.desired == w.ready && w.waiting.is_none()>
                        <span class="wk">{w.kind}</span>" "<strong>{w.name.clone()}</strong>
                        <span class="counts" title="desired / current / ready">
                            {format!("desired {} · current {} · ready {}", w.desired, w.current, w.ready)}
                        </span>
                        {w.waiting.clone().map(|(pod, why)| view! {
                            <span class="waiting" data-testid="waiting" title=why.clone()>{format!("waiting on {pod}: {why}")}</span>
                        })}
                    </div>
                </For>
            </div>
            <div class="lanes">
                <For each=move || node_names.get() key=|n| n.clone() let:n>
                    <Lane ui=ui cluster=cluster pods=pods node=n />
                </For>
                <Show when=move || has_pending.get()>
                    <Lane ui=ui cluster=cluster pods=pods node=String::new() />
                </Show>
            </div>
        </section>
    }
}

// ---- storage ------------------------------------------------------------

/// Row pitch of the storage columns (px); the binding lines use it.
const ROW: f64 = 58.0;

#[component]
pub fn Storage(ui: Ui) -> impl IntoView {
    let st = Memo::new(move |_| {
        ui.version.track();
        ui.with_sim(|s| super::perf::time("storage", || model::storage(s)))
    });
    let rows = move || {
        st.with(|s| {
            s.claims
                .len()
                .max(s.volumes.len())
                .max(s.classes.len())
                .max(1)
        })
    };
    view! {
        <section class="panel storage" aria-labelledby="storage-h">
            <div class="panel-head"><h2 id="storage-h">"Storage"</h2></div>
            <div class="storage-grid" style=move || format!("--rows: {}", rows())>
                <div class="col">
                    <h3>"StorageClasses"</h3>
                    {move || st.with(|s| s.classes.iter().map(|c| {
                        let name = c.name.clone();
                        let broken = c.broken;
                        view! {
                            <div class="item sc" class:bad=c.broken data-testid=format!("sc-{}", c.name)>
                                <div class="item-head">
                                    <strong>{c.name.clone()}</strong>
                                    {c.default.then(|| view! { <span class="tag">"default"</span> })}
                                    <button class="mini" data-testid=format!("sc-toggle-{}", c.name)
                                        aria-label=format!("{} the provisioner of {}", if broken { "Fix" } else { "Break" }, c.name)
                                        on:click=move |_| ui.fault(format!("storageclass {name} {}", if broken { "fix" } else { "break" }))>
                                        {if broken { "Fix" } else { "Break" }}
                                    </button>
                                </div>
                                <div class="muted small">{format!("{} · {} · {}", c.provisioner, c.reclaim, c.binding_mode)}</div>
                            </div>
                        }
                    }).collect_view())}
                </div>
                <div class="col">
                    <h3>"PersistentVolumeClaims"</h3>
                    <For each=move || st.get().claims key=|c| format!("{c:?}") let:c>
                        <div class=format!("item pvc phase-{}", c.phase.to_lowercase()) class:terminating=c.terminating
                            data-testid=format!("pvc-{}", c.name) data-phase=c.phase.clone()>
                            <div class="item-head"><strong>{c.name.clone()}</strong><span class="phase">{c.phase.clone()}</span></div>
                            <div class="muted small">{format!("{} {}", if c.class.is_empty() { "(no class)".to_string() } else { c.class.clone() }, c.size)}</div>
                        </div>
                    </For>
                </div>
                <svg class="links" aria-hidden="true" viewBox=move || format!("0 0 100 {}", rows() as f64 * ROW) preserveAspectRatio="none"
                    style=move || format!("height: {}px", rows() as f64 * ROW)>
                    <For each=move || st.with(|s| s.bindings.iter().map(|&(c, v)| (c, v, s.claims[c].name.clone(), s.volumes[v].name.clone())).collect::<Vec<_>>())
                        key=|b| b.clone() let:b>
                        <path class="bind" d=format!("M0 {y1} C50 {y1}, 50 {y2}, 100 {y2}", y1 = b.0 as f64 * ROW + ROW / 2.0, y2 = b.1 as f64 * ROW + ROW / 2.0)></path>
                    </For>
                </svg>
                <div class="col">
                    <h3>"PersistentVolumes"</h3>
                    <For each=move || st.get().volumes key=|v| format!("{v:?}") let:v>
                        {
                            let name = v.name.clone();
                            view! {
                                <div class=format!("item pv phase-{}", v.phase.to_lowercase()) class:terminating=v.terminating
                                    data-testid=format!("pv-{}", v.name) data-phase=v.phase.clone()>
                                    <div class="item-head">
                                        <strong title=v.name.clone()>{v.name.clone()}</strong>
                                        <span class="phase">{v.phase.clone()}</span>
                                        <button class="mini" aria-label=format!("Lose volume {}", v.name)
                                            on:click=move |_| ui.fault(format!("pv {name} lose"))>"Lose"</button>
                                    </div>
                                    <div class="muted small">{format!("{} {} {} {}", v.size, v.reclaim, v.class, v.claim)}</div>
                                </div>
                            }
                        }
                    </For>
                </div>
            </div>
        </section>
    }
}

// ---- network ------------------------------------------------------------

#[component]
pub fn Network(ui: Ui) -> impl IntoView {
    let net = Memo::new(move |_| {
        ui.version.track();
        ui.with_sim(|s| super::perf::time("network", || model::network(s)))
    });
    let query = RwSignal::new(String::new());
    let rtype = RwSignal::new("A".to_string());
    let answer = RwSignal::new(None::<String>);
    let lookup = move || {
        let q = query.get_untracked();
        if q.trim().is_empty() {
            return;
        }
        let t = rtype.get_untracked();
        let text = ui.with_sim(|s| match dns::resolve(&s.store, "default", q.trim(), &t) {
            dns::Answer::Found { fqdn, records } => {
                let mut out = format!("Name: {fqdn}\n");
                for r in records {
                    out.push_str(&format!("{} {} {}\n", r.name, r.rtype, r.data));
                }
                out
            }
            dns::Answer::NxDomain => format!("** server can't find {}: NXDOMAIN", q.trim()),
        });
        answer.set(Some(text));
    };
    view! {
        <section class="panel network" aria-labelledby="network-h">
            <div class="panel-head"><h2 id="network-h">"Network"</h2></div>
            <div class="net-grid">
                <div>
                    <h3>"Services and endpoints"</h3>
                    <table class="tbl" data-testid="services">
                        <thead><tr><th>"NAME"</th><th>"CLUSTER-IP"</th><th>"PORTS"</th><th>"READY"</th><th>"NOT READY"</th></tr></thead>
                        <tbody>
                            {move || net.with(|n| n.services.iter().map(|s| view! {
                                <tr data-testid=format!("svc-{}", s.name)>
                                    <td>{if s.namespace == "default" { s.name.clone() } else { format!("{}/{}", s.namespace, s.name) }}</td>
                                    <td>{s.cluster_ip.clone()}</td>
                                    <td>{s.ports.clone()}</td>
                                    <td class="ep ready">{s.ready.join(", ")}</td>
                                    <td class="ep notready">{s.not_ready.join(", ")}</td>
                                </tr>
                            }).collect_view())}
                        </tbody>
                    </table>
                </div>
                <div>
                    <h3>"DNS"</h3>
                    <form class="lookup" on:submit=move |ev| { ev.prevent_default(); lookup(); }>
                        <label for="dns-q" class="sr-only">"Name to look up"</label>
                        <input id="dns-q" data-testid="dns-query" type="text" placeholder="web-0.nginx" spellcheck="false"
                            prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
                        <select aria-label="Record type" on:change=move |ev| rtype.set(event_target_value(&ev))>
                            <option value="A">"A"</option>
                            <option value="SRV">"SRV"</option>
                        </select>
                        <button type="submit" data-testid="dns-lookup">"Look up from a pod in default"</button>
                    </form>
                    {move || answer.get().map(|a| view! { <pre class="answer" data-testid="dns-answer">{a}</pre> })}
                    <div class="dns-wrap">
                        <table class="tbl dns" data-testid="dns-table">
                            <thead><tr><th>"NAME"</th><th>"TYPE"</th><th>"DATA"</th></tr></thead>
                            <tbody>
                                <For each=move || net.get().dns key=|r| format!("{}|{}|{}|{}", r.name, r.rtype, r.data, r.change) let:r>
                                    <tr class=format!("rec {}", r.change)>
                                        <td>{r.name}</td><td>{r.rtype}</td><td>{r.data}</td>
                                    </tr>
                                </For>
                            </tbody>
                        </table>
                    </div>
                </div>
            </div>
        </section>
    }
}

// ---- events ---------------------------------------------------------------

#[component]
pub fn Events(ui: Ui) -> impl IntoView {
    let rows = Memo::new(move |_| {
        ui.version.track();
        ui.with_sim(|s| super::perf::time("events", || model::events(s, 150)))
    });
    // Whole seconds of the clock: LAST SEEN only changes when this does.
    let now_s = Memo::new(move |_| {
        ui.version.track();
        ui.with_sim(|s| s.now / 1000)
    });
    view! {
        <section class="panel events" aria-labelledby="events-h">
            <div class="panel-head">
                <h2 id="events-h">"Events"</h2>
                <span class="muted">"newest first"</span>
            </div>
            <div class="events-wrap">
                <table class="tbl" data-testid="events">
                    <thead><tr><th>"LAST SEEN"</th><th>"TYPE"</th><th>"REASON"</th><th>"OBJECT"</th><th>"MESSAGE"</th></tr></thead>
                    <tbody>
                        <For each=move || rows.get() key=|e| e.seq let:e>
                            <tr class:warning=e.etype == "Warning">
                                <td class="nw">{move || model::age((now_s.get() * 1000).saturating_sub(e.time))}</td>
                                <td class="nw">{e.etype}</td><td>{e.reason.clone()}</td>
                                <td>{e.object.clone()}</td><td>{e.message.clone()}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
    }
}
