//! The cluster, storage, network and events views. Each reads one memo
//! derived from the sim (see `model.rs`) and sends faults as input lines.

use super::i18n::{self, Key as K};
use super::model::{self, ClaimView, ClusterView, PodView, VolumeView};
use super::rows::Rows;
use super::{fresh, Ui};
use crate::sim::dns;
use leptos::prelude::*;

/// The cluster's layout (nodes, lanes of pods' row keys, workloads) and one
/// signal per pod, brought up to date whenever the store or the log moved:
/// only the pods described again are set (see `rows`).
fn cluster_state(ui: Ui) -> (ReadSignal<ClusterView>, Rows<String, PodView>) {
    let stamp = fresh::stamp(ui);
    let cache = StoredValue::new_local((u64::MAX, model::PodCache::default()));
    let pods = Rows::new();
    let layout = RwSignal::new(ClusterView::default());
    Effect::new(move |_| {
        let epoch = stamp.get().epoch;
        let t0 = super::perf::now();
        cache.update_value(|(e, c)| {
            // Another branch may reuse a uid and resource version.
            if *e != epoch {
                *e = epoch;
                c.invalidate();
            }
            let update = ui.with_sim(|s| model::cluster(s, c));
            for key in &update.removed {
                pods.remove(key);
            }
            for key in update.changed {
                if let Some(v) = c.get(&key) {
                    pods.set(key, v.clone());
                }
            }
            if layout.with_untracked(|l| *l != update.view) {
                layout.set(update.view);
            }
        });
        super::perf::span("cluster", t0);
    });
    (layout.read_only(), pods)
}

#[component]
fn PodCard(ui: Ui, pod: RwSignal<PodView>) -> impl IntoView {
    let (name, ns) = pod.with_untracked(|p| (p.name.clone(), p.namespace.clone()));
    let target = if ns == "default" {
        name.clone()
    } else {
        format!("{ns}/{name}")
    };
    // The menu's buttons are made when it is first opened: a card is made
    // again each time its pod moves lane, and a shut menu was a quarter of
    // each card's DOM nodes (42 → 32) and five listeners.
    let open = RwSignal::new(false);
    let menu = {
        let t = target.clone();
        move || {
            let faults: [(&str, K); 5] = [
                ("delete", K::FaultDelete),
                ("force-delete", K::FaultForceDelete),
                ("unready", K::FaultUnready),
                ("ready", K::FaultReady),
                ("crash", K::FaultCrash),
            ];
            faults
                .into_iter()
                .map(|(f, label)| {
                    let spec = format!("pod {t} {f}");
                    view! {
                        <button data-testid=format!("fault-{f}-{}", t.replace('/', "-"))
                            on:click=move |_| ui.fault(spec.clone())>{ui.tr(label)}</button>
                    }
                })
                .collect_view()
        }
    };
    let field = move |f: fn(&PodView) -> String| move || pod.with(f);
    view! {
        <article
            class=move || pod.with(|p| format!("card {}", p.tone))
            class:waited=move || pod.with(|p| p.waited_on.is_some())
            data-testid=format!("pod-{name}")
            data-status=field(|p| p.status.clone())
            aria-label=move || pod.with(|p| ui.tf(K::PodAria, &[&p.name, &p.status, &p.ready]))
        >
            <header>
                <span class="pod-name">{name.clone()}</span>
                {move || pod.with(|p| p.ordinal).map(|o| view! { <span class="ord" title=ui.tr(K::OrdinalTitle)>{"#"}{o}</span> })}
                <details class="menu" on:toggle=move |ev| open.set(is_open(&ev))>
                    <summary aria-label={ let name = name.clone(); move || ui.tf(K::PodFaults, &[&name]) } data-testid=format!("pod-menu-{}", target.replace('/', "-"))>"⋯"</summary>
                    <div class="menu-items">{move || open.get().then(menu.clone())}</div>
                </details>
            </header>
            <div class="status">
                <span class={"dot"} aria-hidden="true"></span>
                <span data-testid="pod-status">{field(|p| p.status.clone())}</span>
                <span class="ready" title=ui.tr(K::ReadyContainers)>{field(|p| p.ready.clone())}</span>
            </div>
            <dl>
                <Show when=move || pod.with(|p| p.restarts > 0)>
                    <dt>{ui.tr(K::Restarts)}</dt><dd>{field(|p| p.restarts.to_string())}</dd>
                </Show>
                <dt>{ui.tr(K::Ip)}</dt><dd>{move || pod.with(|p| if p.ip.is_empty() { "—".to_string() } else { p.ip.clone() })}</dd>
                <Show when=move || pod.with(|p| !p.claims.is_empty())>
                    <dt>{ui.tr(K::Pvc)}</dt><dd class="claim">{field(|p| p.claims.join(", "))}</dd>
                </Show>
            </dl>
            {move || pod.with(|p| p.waited_on.clone()).map(|why| view! {
                <p class="why" data-testid="waiting-why">{move || i18n::translate(ui.lang.get(), &why)}</p>
            })}
        </article>
    }
}

/// Whether the `<details>` a `toggle` event came from is open now (the
/// event is queued, so its own state is read rather than flipped).
fn is_open(ev: &web_sys::Event) -> bool {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|d| d.has_attribute("open"))
}

/// A workload row's key: its counts and waiting note, so a change draws the
/// row again. Written out rather than with `{:?}` of the note, which brought
/// `Debug` for `Option<(String, String)>` into the wasm for this one key.
fn workload_key(w: &model::WorkloadView) -> String {
    let mut k = format!(
        "{}:{}:{}:{}:{}:",
        w.namespace, w.id, w.desired, w.current, w.ready
    );
    if let Some((pod, why)) = &w.waiting {
        // A pod's name has no newline, so the key is still one per note.
        k.push('+');
        k.push_str(pod);
        k.push('\n');
        k.push_str(why);
    }
    k
}

fn owner_label(ui: Ui, owner: &str) -> String {
    if owner.is_empty() {
        ui.t(K::BarePods).into()
    } else {
        owner.to_string()
    }
}

#[component]
fn Lane(
    ui: Ui,
    cluster: ReadSignal<ClusterView>,
    pods: Rows<String, PodView>,
    node: String,
) -> impl IntoView {
    let n2 = node.clone();
    let groups =
        Memo::new(move |_| cluster.with(|c| c.lanes.get(&n2).cloned().unwrap_or_default()));
    let n3 = node.clone();
    let info = Memo::new(move |_| cluster.with(|c| c.nodes.iter().find(|n| n.name == n3).cloned()));
    let is_pending = node.is_empty();
    let node_title = node.clone();
    let title = move || {
        if is_pending {
            ui.t(K::NotScheduled).to_string()
        } else {
            node_title.clone()
        }
    };
    let aria = {
        let title = title.clone();
        move || ui.tf(K::NodeAria, &[&title()])
    };
    let node_menu = (!is_pending).then(|| {
        let n = node.clone();
        let actions: [(&str, K, bool); 5] = [
            ("cordon", K::Cordon, false),
            ("uncordon", K::Uncordon, false),
            ("drain", K::Drain, true),
            ("fail", K::FailNode, false),
            ("recover", K::RecoverNode, false),
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
                    }>{ui.tr(label)}</button>
                }
            })
            .collect_view();
        view! {
            <details class="menu">
                <summary aria-label={ let node = node.clone(); move || ui.tf(K::NodeActions, &[&node]) }>"⋯"</summary>
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
                    if i.failed { s.push(ui.t(K::NodeFailed)); }
                    view! { <span class="node-state">{s.join(",")}</span> }
                }))}
                {node_menu}
            </div>
            <div class="lane-pods">
                <For each=move || groups.with(|g| g.iter().map(|(o, _)| o.clone()).collect::<Vec<_>>()) key=|o| o.clone() let:owner>
                    {
                        let o2 = owner.clone();
                        let ids = Memo::new(move |_| groups.with(|gs| gs.iter().find(|x| x.0 == o2).map(|x| x.1.clone()).unwrap_or_default()));
                        view! {
                            <div class="group">
                                <div class="group-label">{ let o = owner.clone(); move || owner_label(ui, &o) }</div>
                                <div class="cards">
                                    <For each=move || ids.get() key=|k| k.clone() let:key>
                                        {pods.get(&key).map(|pod| view! { <PodCard ui=ui pod=pod /> })}
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
    let (cluster, pods) = cluster_state(ui);
    let node_names = Memo::new(move |_| {
        cluster.with(|c| c.nodes.iter().map(|n| n.name.clone()).collect::<Vec<_>>())
    });
    let workloads = Memo::new(move |_| cluster.with(|c| c.workloads.clone()));
    let has_pending = Memo::new(move |_| cluster.with(|c| c.lanes.contains_key("")));
    let count = Memo::new(move |_| cluster.with(|c| c.pods));
    view! {
        <section class="panel cluster" aria-labelledby="cluster-h">
            <div class="panel-head">
                <h2 id="cluster-h">{ui.tr(K::Cluster)}</h2>
                <span class="muted">{move || ui.tf(K::PodsCount, &[&count.get().to_string()])}</span>
            </div>
            <div class="workloads">
                <For each=move || workloads.get() key=workload_key let:w>
                    <div class="workload" data-testid=format!("workload-{}", w.name)
                        class:settled=w.desired == w.ready && w.waiting.is_none()>
                        <span class="wk">{w.kind}</span>" "<strong>{w.name.clone()}</strong>
                        <span class="counts" title=ui.tr(K::CountsTitle)>
                            {move || ui.tf(K::Counts, &[&w.desired.to_string(), &w.current.to_string(), &w.ready.to_string()])}
                        </span>
                        {w.waiting.clone().map(|(pod, why)| {
                            let why2 = why.clone();
                            view! {
                                <span class="waiting" data-testid="waiting" title=move || i18n::translate(ui.lang.get(), &why2)>
                                    {move || ui.tf(K::WaitingOn, &[&pod, &i18n::translate(ui.lang.get(), &why)])}
                                </span>
                            }
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
/// DNS records the table shows before "Show all".
const DNS_SHOWN: usize = 100;

#[component]
pub fn Storage(ui: Ui) -> impl IntoView {
    let stamp = fresh::stamp(ui);
    // Rows are keyed by name, each with its own signal (`rows`), set only
    // when its claim or volume changed; the lists follow `st`, set after
    // the rows so a new row's signal is there when the list draws it.
    let claims = Rows::new();
    let volumes = Rows::new();
    let st = RwSignal::new(model::StorageView::default());
    Effect::new(move |_| {
        stamp.get();
        let v = ui.with_sim(|s| super::perf::time("storage", || model::storage(s)));
        if st.with_untracked(|old| *old == v) {
            return;
        }
        claims.replace_all(
            v.claims
                .iter()
                .map(|c| ((c.namespace.clone(), c.name.clone()), c.clone())),
        );
        volumes.replace_all(v.volumes.iter().map(|v| (v.name.clone(), v.clone())));
        st.set(v);
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
            <div class="panel-head"><h2 id="storage-h">{ui.tr(K::Storage)}</h2></div>
            <div class="storage-grid" style=("--rows", move || rows().to_string())>
                <div class="col">
                    <h3>{ui.tr(K::StorageClasses)}</h3>
                    {move || st.with(|s| s.classes.iter().map(|c| {
                        let name = c.name.clone();
                        let broken = c.broken;
                        view! {
                            <div class="item sc" class:bad=c.broken data-testid=format!("sc-{}", c.name)>
                                <div class="item-head">
                                    <strong>{c.name.clone()}</strong>
                                    {c.default.then(|| view! { <span class="tag">{ui.tr(K::DefaultTag)}</span> })}
                                    <button class="mini" data-testid=format!("sc-toggle-{}", c.name)
                                        aria-label={ let n = c.name.clone(); move || ui.tf(if broken { K::FixAria } else { K::BreakAria }, &[&n]) }
                                        on:click=move |_| ui.fault(format!("storageclass {name} {}", if broken { "fix" } else { "break" }))>
                                        {ui.tr(if broken { K::Fix } else { K::Break })}
                                    </button>
                                </div>
                                <div class="muted small">{format!("{} · {} · {}", c.provisioner, c.reclaim, c.binding_mode)}</div>
                            </div>
                        }
                    }).collect_view())}
                </div>
                <div class="col">
                    <h3>{ui.tr(K::Claims)}</h3>
                    <For each=move || st.with(|s| s.claims.iter().map(|c| (c.namespace.clone(), c.name.clone())).collect::<Vec<_>>())
                        key=|k| format!("{}/{}", k.0, k.1) let:k>
                        {claims.get(&k).map(|c| view! { <ClaimRow ui=ui c=c name=k.1.clone() /> })}
                    </For>
                </div>
                <svg class="links" aria-hidden="true" viewBox=move || format!("0 0 100 {}", rows() as f64 * ROW) preserveAspectRatio="none"
                    style=("height", move || format!("{}px", rows() as f64 * ROW))>
                    <For each=move || st.with(|s| s.bindings.iter().map(|&(c, v)| (c, v, s.claims[c].name.clone(), s.volumes[v].name.clone())).collect::<Vec<_>>())
                        key=|b| format!("{} {} {} {}", b.0, b.1, b.2, b.3) let:b>
                        <path class="bind" d=format!("M0 {y1} C50 {y1}, 50 {y2}, 100 {y2}", y1 = b.0 as f64 * ROW + ROW / 2.0, y2 = b.1 as f64 * ROW + ROW / 2.0)></path>
                    </For>
                </svg>
                <div class="col">
                    <h3>{ui.tr(K::Volumes)}</h3>
                    <For each=move || st.with(|s| s.volumes.iter().map(|v| v.name.clone()).collect::<Vec<_>>())
                        key=|n| n.clone() let:n>
                        {volumes.get(&n).map(|v| view! { <VolumeRow ui=ui v=v name=n.clone() /> })}
                    </For>
                </div>
            </div>
        </section>
    }
}

#[component]
fn ClaimRow(ui: Ui, c: RwSignal<ClaimView>, name: String) -> impl IntoView {
    let field = move |f: fn(&ClaimView) -> String| move || c.with(f);
    view! {
        <div class=move || format!("item pvc phase-{}", c.with(|c| c.phase.to_ascii_lowercase()))
            class:terminating=move || c.with(|c| c.terminating)
            data-testid=format!("pvc-{name}") data-phase=field(|c| c.phase.clone())>
            <div class="item-head"><strong>{name.clone()}</strong><span class="phase">{field(|c| c.phase.clone())}</span></div>
            <div class="muted small">{move || c.with(|c| format!("{} {}", if c.class.is_empty() { ui.t(K::NoClass).to_string() } else { c.class.clone() }, c.size))}</div>
        </div>
    }
}

#[component]
fn VolumeRow(ui: Ui, v: RwSignal<VolumeView>, name: String) -> impl IntoView {
    let field = move |f: fn(&VolumeView) -> String| move || v.with(f);
    let lose = name.clone();
    view! {
        <div class=move || format!("item pv phase-{}", v.with(|v| v.phase.to_ascii_lowercase()))
            class:terminating=move || v.with(|v| v.terminating)
            data-testid=format!("pv-{name}") data-phase=field(|v| v.phase.clone())>
            <div class="item-head">
                <strong title=name.clone()>{name.clone()}</strong>
                <span class="phase">{field(|v| v.phase.clone())}</span>
                <button class="mini" aria-label={ let n = name.clone(); move || ui.tf(K::LoseAria, &[&n]) }
                    on:click=move |_| ui.fault(format!("pv {lose} lose"))>{ui.tr(K::Lose)}</button>
            </div>
            <div class="muted small">{field(|v| format!("{} {} {} {}", v.size, v.reclaim, v.class, v.claim))}</div>
        </div>
    }
}

// ---- network ------------------------------------------------------------

#[component]
pub fn Network(ui: Ui) -> impl IntoView {
    // The panel reads Services and Endpoints (what the DNS fingerprint
    // covers) and the DNS changes of the last seconds: while some row is
    // still highlighted, the clock's whole seconds count too.
    let fading = StoredValue::new(true);
    let inputs = Memo::new(move |_| {
        ui.version.track();
        ui.with_sim(|s| {
            let second = if fading.get_value() { s.now / 1000 } else { 0 };
            (fresh::epoch(), dns::fingerprint(&s.store), second)
        })
    });
    // Each record's highlight in a signal of its own (rows.rs): a row is
    // made once, not again when its highlight fades.
    let highlight: Rows<String, &'static str> = Rows::new();
    let net = Memo::new(move |_| {
        inputs.get();
        let v = ui.with_sim(|s| super::perf::time("network", || model::network(s)));
        fading.set_value(v.dns.iter().any(|r| !r.change.is_empty()));
        highlight.replace_all(v.dns.iter().map(|r| (r.key(), r.change)));
        v
    });
    // A 300-pod set has over a thousand records: the table shows the first
    // DNS_SHOWN unless asked (the look-up above answers for any name).
    let show_all = RwSignal::new(false);
    let shown = Memo::new(move |_| {
        let limit = if show_all.get() {
            usize::MAX
        } else {
            DNS_SHOWN
        };
        net.with(|n| {
            n.dns
                .iter()
                .take(limit)
                .map(model::DnsRow::key)
                .collect::<Vec<_>>()
        })
    });
    let dns_total = Memo::new(move |_| net.with(|n| n.dns.len()));
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
            <div class="panel-head"><h2 id="network-h">{ui.tr(K::Network)}</h2></div>
            <div class="net-grid">
                <div>
                    <h3>{ui.tr(K::ServicesEndpoints)}</h3>
                    <table class="tbl" data-testid="services">
                        <thead><tr>
                            <th>{ui.tr(K::ColName)}</th><th>{ui.tr(K::ColClusterIp)}</th><th>{ui.tr(K::ColPorts)}</th>
                            <th>{ui.tr(K::ColReady)}</th><th>{ui.tr(K::ColNotReady)}</th>
                        </tr></thead>
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
                    <h3>{ui.tr(K::Dns)}</h3>
                    <form class="lookup" on:submit=move |ev| { ev.prevent_default(); lookup(); }>
                        <label for="dns-q" class="sr-only">{ui.tr(K::NameToLookUp)}</label>
                        <input id="dns-q" data-testid="dns-query" type="text" placeholder="web-0.nginx" spellcheck="false"
                            prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
                        <select aria-label=ui.tr(K::RecordType) on:change=move |ev| rtype.set(event_target_value(&ev))>
                            <option value="A">{"A"}</option>
                            <option value="SRV">{"SRV"}</option>
                        </select>
                        <button type="submit" data-testid="dns-lookup">{ui.tr(K::LookUp)}</button>
                    </form>
                    {move || answer.get().map(|a| view! { <pre class="answer" data-testid="dns-answer">{a}</pre> })}
                    <div class="dns-wrap" tabindex="0" role="region" aria-label=ui.tr(K::DnsRecords)>
                        <table class="tbl dns" id="dns-table" data-testid="dns-table">
                            <thead><tr><th>{ui.tr(K::ColName)}</th><th>{ui.tr(K::ColType)}</th><th>{ui.tr(K::ColData)}</th></tr></thead>
                            <tbody>
                                <For each=move || shown.get() key=|k| k.clone() let:k>
                                    {
                                        let change = highlight.get(&k);
                                        let mut parts = k.splitn(3, ' ');
                                        let (name, rtype, data) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
                                        view! {
                                            <tr class=move || format!("rec {}", change.map_or("", |c| c.get()))>
                                                <td>{name}</td><td>{rtype}</td><td>{data}</td>
                                            </tr>
                                        }
                                    }
                                </For>
                            </tbody>
                        </table>
                    </div>
                    {move || (dns_total.get() > DNS_SHOWN).then(|| view! {
                        <p class="muted small dns-more">
                            <span data-testid="dns-shown">{move || ui.tf(K::DnsShown, &[&shown.with(Vec::len).to_string(), &dns_total.get().to_string()])}</span>" "
                            <button class="mini" data-testid="dns-show-all" aria-controls="dns-table"
                                on:click=move |_| show_all.update(|a| *a = !*a)>
                                {move || if show_all.get() { ui.tf(K::DnsShowFirst, &[&DNS_SHOWN.to_string()]) } else { ui.t(K::DnsShowAll).to_string() }}
                            </button>
                        </p>
                    })}
                </div>
            </div>
        </section>
    }
}

// ---- events ---------------------------------------------------------------

#[component]
pub fn Events(ui: Ui) -> impl IntoView {
    let stamp = fresh::stamp(ui);
    let rows = Memo::new(move |_| {
        stamp.get();
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
                <h2 id="events-h">{ui.tr(K::Events)}</h2>
                <span class="muted">{ui.tr(K::NewestFirst)}</span>
            </div>
            <div class="events-wrap" tabindex="0" role="region" aria-label=ui.tr(K::Events)>
                <table class="tbl" data-testid="events">
                    <thead><tr>
                        <th>{ui.tr(K::ColLastSeen)}</th><th>{ui.tr(K::ColType)}</th><th>{ui.tr(K::ColReason)}</th>
                        <th>{ui.tr(K::ColObject)}</th><th>{ui.tr(K::ColMessage)}</th>
                    </tr></thead>
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
