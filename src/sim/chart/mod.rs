//! The lifecycle chart: a picture of a session in time, built from the
//! event log (and the engine's notes), never from a face's DOM, so the CLI
//! and the page draw the same thing.
//!
//! One row per pod (in ordinal order within its StatefulSet), one per
//! PersistentVolumeClaim and, optionally, per PersistentVolume. A row holds
//! one [`Segment`] per incarnation (a pod replaced under the same name has
//! a new uid and a new segment), each made of [`Span`]s, one per phase. A
//! pod's phase comes from the log's summaries, which carry kubectl's STATUS
//! column when it says more than the phase (`ContainerCreating`,
//! `Init:0/1`), as the printers compute it. [`Mark`]s are instants: user
//! commands, injected faults, a controller starting to wait on a pod, an
//! eviction a PodDisruptionBudget refused.
//!
//! [`render`] draws it as SVG; [`table`] gives the same data as rows of a
//! table, for screen readers and keyboards.

mod svg;
#[cfg(test)]
mod tests;
mod words;

pub use svg::{render, Geometry, SvgOptions, Theme};
pub use words::{fill, ChartWords};

use super::engine::{Action, Event, NoteKind, Sim};
use super::object::{Key, Kind};
use crate::sim::sort;
use std::collections::BTreeMap;

/// What an object was doing during a [`Span`]. Pods: Pending (not yet on
/// a kubelet), Creating (ContainerCreating, Init:x/y, image pulls),
/// Running but not Ready, Ready, Terminating, Succeeded, Failed. Claims and
/// volumes: Pending, Available, Bound, Released, Lost (Failed for a volume).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    Pending,
    Creating,
    Running,
    Ready,
    Terminating,
    Succeeded,
    Failed,
    Available,
    Bound,
    Released,
    Lost,
}

impl Phase {
    pub const ALL: [Phase; 11] = [
        Phase::Pending,
        Phase::Creating,
        Phase::Running,
        Phase::Ready,
        Phase::Terminating,
        Phase::Succeeded,
        Phase::Failed,
        Phase::Available,
        Phase::Bound,
        Phase::Released,
        Phase::Lost,
    ];

    /// The words a reader sees (legend, table, tooltips).
    pub fn name(self) -> &'static str {
        match self {
            Phase::Pending => "Pending",
            Phase::Creating => "Creating",
            Phase::Running => "Running, not Ready",
            Phase::Ready => "Ready",
            Phase::Terminating => "Terminating",
            Phase::Succeeded => "Succeeded",
            Phase::Failed => "Failed",
            Phase::Available => "Available",
            Phase::Bound => "Bound",
            Phase::Released => "Released",
            Phase::Lost => "Lost",
        }
    }

    /// A lower-case identifier (CSS classes, pattern ids).
    pub fn id(self) -> &'static str {
        match self {
            Phase::Pending => "pending",
            Phase::Creating => "creating",
            Phase::Running => "running",
            Phase::Ready => "ready",
            Phase::Terminating => "terminating",
            Phase::Succeeded => "succeeded",
            Phase::Failed => "failed",
            Phase::Available => "available",
            Phase::Bound => "bound",
            Phase::Released => "released",
            Phase::Lost => "lost",
        }
    }

    fn index(self) -> usize {
        Phase::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// A pod's phase and label from a log summary such as `Running Ready`,
/// `Pending (ContainerCreating)` or `Running Ready Terminating`.
pub fn pod_phase(summary: &str) -> (Phase, String) {
    let (head, detail) = match summary.split_once(" (") {
        Some((h, d)) => (h, Some(d.trim_end_matches(')'))),
        None => (summary, None),
    };
    let mut words = head.split_whitespace();
    let phase_word = words.next().unwrap_or("Pending");
    let flags: Vec<&str> = words.collect();
    let phase = if flags.contains(&"Terminating") {
        Phase::Terminating
    } else {
        match phase_word {
            "Running" if flags.contains(&"Ready") => Phase::Ready,
            "Running" => Phase::Running,
            "Succeeded" => Phase::Succeeded,
            "Failed" => Phase::Failed,
            // A waiting reason on a pending pod: the kubelet has it
            // (ContainerCreating, Init:0/1, ErrImagePull, ...).
            _ if detail.is_some() => Phase::Creating,
            _ => Phase::Pending,
        }
    };
    let label = match detail {
        Some(d) => d.to_string(),
        None if matches!(phase, Phase::Terminating | Phase::Ready) => phase.name().to_string(),
        None => phase_word.to_string(),
    };
    (phase, label)
}

/// A claim's or volume's phase from its log summary (`Bound`, `Lost`...).
pub fn volume_phase(summary: &str) -> Phase {
    match summary {
        "Available" => Phase::Available,
        "Bound" => Phase::Bound,
        "Released" => Phase::Released,
        "Lost" => Phase::Lost,
        "Failed" => Phase::Failed,
        _ => Phase::Pending,
    }
}

/// One phase of one incarnation, from `start` to `end` (virtual ms).
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub start: u64,
    pub end: u64,
    pub phase: Phase,
    /// kubectl's word for it (`ContainerCreating`, `Init:0/1`, `Bound`),
    /// or counts for a collapsed row (`Ready 297, Creating 3`).
    pub label: String,
    /// The log index of the event that began it.
    pub seq: u64,
}

/// One incarnation of an object: from its creation to its removal (a new
/// uid under the same name starts a new segment).
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub start: u64,
    pub end: u64,
    /// Still there when the chart was built (`end` is then the chart's end).
    pub open: bool,
    pub spans: Vec<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkKind {
    /// A kubectl line, an applied manifest or a fault the user gave.
    Input,
    /// A fault the injector applied to this object.
    Fault,
    /// A controller began waiting on this pod (until `end`).
    Wait,
    /// An eviction of this pod was refused (a PodDisruptionBudget).
    EvictionRefused,
}

impl MarkKind {
    pub const ALL: [MarkKind; 4] = [
        MarkKind::Input,
        MarkKind::Fault,
        MarkKind::Wait,
        MarkKind::EvictionRefused,
    ];

    fn index(self) -> usize {
        MarkKind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }

    pub fn name(self) -> &'static str {
        match self {
            MarkKind::Input => "Command",
            MarkKind::Fault => "Fault",
            MarkKind::Wait => "Controller waits",
            MarkKind::EvictionRefused => "Eviction refused",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            MarkKind::Input => "input",
            MarkKind::Fault => "fault",
            MarkKind::Wait => "wait",
            MarkKind::EvictionRefused => "refused",
        }
    }
}

/// An instant on a row (a wait also has an end).
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub time: u64,
    /// When a wait ended (`None` while it goes on).
    pub end: Option<u64>,
    /// The number of log events up to and including it: where a face
    /// scrubs to for this mark.
    pub seq: u64,
    pub kind: MarkKind,
    pub text: String,
}

/// One object's row, or, when `count > 1`, a collapsed group's row for
/// `count` objects of `key.kind`.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub key: Key,
    pub count: usize,
    pub segments: Vec<Segment>,
    pub marks: Vec<Mark>,
}

impl Row {
    /// What the row is called: `pod web-0`, `pvc www-web-0`, `300 pods`.
    pub fn label(&self) -> String {
        let short = match self.key.kind {
            Kind::Pod => "pod",
            Kind::PersistentVolumeClaim => "pvc",
            Kind::PersistentVolume => "pv",
            k => k.as_str(),
        };
        if self.count > 1 {
            let plural = match self.key.kind {
                Kind::Pod => "pods",
                Kind::PersistentVolumeClaim => "claims",
                Kind::PersistentVolume => "volumes",
                _ => "objects",
            };
            format!("{} {plural}", self.count)
        } else {
            format!("{short} {}", self.key.name)
        }
    }
}

/// The rows of one owner (a StatefulSet, a ReplicaSet...), or of the
/// objects of one kind that no controller created.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// `StatefulSet/default/web`, or `Pod/default` for bare pods: the
    /// name [`Options::expanded`] takes.
    pub id: String,
    pub label: String,
    pub rows: Vec<Row>,
    /// The rows were folded into one per kind (see [`Options::max_rows`]).
    pub collapsed: bool,
    /// How many objects the group holds, collapsed or not.
    pub size: usize,
}

/// The whole picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// Virtual time at the right edge (ms).
    pub end: u64,
    /// The log's length when built.
    pub events: u64,
    /// Each distinct event time with the number of events up to and at
    /// it, so a point of the chart maps to an event index (see
    /// [`Chart::events_at`]) even when the session is scrubbed back.
    pub clock: Vec<(u64, u64)>,
    /// User commands, and marks about no object on a row (node faults).
    pub inputs: Vec<Mark>,
    pub groups: Vec<Group>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// A row per PersistentVolume too.
    pub pvs: bool,
    /// Above this many rows, the largest groups collapse (one row per kind
    /// with a count) until the chart fits, except those in `expanded`.
    pub max_rows: usize,
    /// Group ids ([`Group::id`]) never collapsed.
    pub expanded: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            pvs: false,
            max_rows: 60,
            expanded: Vec::new(),
        }
    }
}

struct RowBuilder {
    key: Key,
    first_seq: u64,
    owner: Option<Key>,
    segments: Vec<Segment>,
    marks: Vec<Mark>,
}

impl RowBuilder {
    fn open(&mut self) -> Option<&mut Segment> {
        self.segments.last_mut().filter(|s| s.open)
    }

    fn start(&mut self, t: u64, phase: Phase, label: String, seq: u64) {
        self.close(t);
        self.segments.push(Segment {
            start: t,
            end: t,
            open: true,
            spans: vec![Span {
                start: t,
                end: t,
                phase,
                label,
                seq,
            }],
        });
    }

    fn set(&mut self, t: u64, phase: Phase, label: String, seq: u64) {
        let Some(seg) = self.open() else {
            self.start(t, phase, label, seq);
            return;
        };
        let last = seg.spans.last_mut().expect("a segment has a span");
        if last.phase == phase && last.label == label {
            return;
        }
        if last.start == t {
            // Nothing lasted at the previous state: replace it, merging
            // with the span before when that one matches.
            last.phase = phase;
            last.label = label;
            let n = seg.spans.len();
            if n >= 2
                && seg.spans[n - 2].phase == seg.spans[n - 1].phase
                && seg.spans[n - 2].label == seg.spans[n - 1].label
            {
                seg.spans.pop();
            }
            return;
        }
        last.end = t;
        seg.spans.push(Span {
            start: t,
            end: t,
            phase,
            label,
            seq,
        });
    }

    fn close(&mut self, t: u64) {
        if let Some(seg) = self.open() {
            seg.open = false;
            seg.end = t;
            if let Some(s) = seg.spans.last_mut() {
                s.end = t;
            }
        }
    }
}

/// The number of events the log holds up to virtual time `t`: where a face
/// scrubs to for a point of the chart.
pub fn event_index_at(log: &[Event], t: u64) -> usize {
    log.partition_point(|e| e.time <= t)
}

impl Chart {
    /// [`event_index_at`] for the log the chart was built from.
    pub fn events_at(&self, t: u64) -> u64 {
        let i = self.clock.partition_point(|(time, _)| *time <= t);
        if i == 0 {
            0
        } else {
            self.clock[i - 1].1
        }
    }
}

fn tracked(kind: Kind, opts: &Options) -> bool {
    match kind {
        Kind::Pod | Kind::PersistentVolumeClaim => true,
        Kind::PersistentVolume => opts.pvs,
        _ => false,
    }
}

fn phase_of(e: &Event) -> (Phase, String) {
    let summary = e.after.as_deref().or(e.before.as_deref()).unwrap_or("");
    match e.kind {
        Kind::Pod => pod_phase(summary),
        _ => {
            let p = volume_phase(summary);
            let label = if summary.is_empty() {
                p.name().to_string()
            } else {
                summary.to_string()
            };
            (p, label)
        }
    }
}

/// The ordinal at the end of a name (`web-12` → 12).
fn ordinal(name: &str) -> Option<u64> {
    let (_, n) = name.rsplit_once('-')?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// Builds the chart of a session as it stands.
pub fn build(sim: &Sim, opts: &Options) -> Chart {
    let end = sim.now.max(sim.log.last().map_or(0, |e| e.time));
    let mut rows: Vec<RowBuilder> = Vec::new();
    let mut index: BTreeMap<Key, usize> = BTreeMap::new();
    let mut inputs: Vec<Mark> = Vec::new();
    for e in &sim.log {
        match e.action {
            Action::Added | Action::Modified | Action::Deleted if tracked(e.kind, opts) => {
                let key = e.key();
                let i = *index.entry(key.clone()).or_insert_with(|| {
                    rows.push(RowBuilder {
                        key,
                        first_seq: e.seq,
                        owner: None,
                        segments: Vec::new(),
                        marks: Vec::new(),
                    });
                    rows.len() - 1
                });
                let row = &mut rows[i];
                match e.action {
                    Action::Added => {
                        let (p, l) = phase_of(e);
                        row.start(e.time, p, l, e.seq);
                    }
                    Action::Modified => {
                        let (p, l) = phase_of(e);
                        row.set(e.time, p, l, e.seq);
                    }
                    _ => row.close(e.time),
                }
            }
            Action::Recorded
                if e.reason == "SuccessfulCreate"
                    && matches!(
                        e.kind,
                        Kind::StatefulSet
                            | Kind::ReplicaSet
                            | Kind::ReplicationController
                            | Kind::DaemonSet
                    ) =>
            {
                // "create Pod web-0 in StatefulSet web successful",
                // "create Claim www-web-0 Pod web-0 in ...", "Created pod: x".
                let words: Vec<&str> = e.message.split_whitespace().collect();
                for w in words.windows(2) {
                    let kind = match w[0] {
                        "Pod" | "pod:" => Kind::Pod,
                        "Claim" => Kind::PersistentVolumeClaim,
                        _ => continue,
                    };
                    let name = w[1].trim_matches(|c: char| c == ',' || c == '"');
                    if let Some(&i) = index.get(&Key::new(kind, &e.namespace, name)) {
                        rows[i].owner.get_or_insert_with(|| e.key());
                    }
                }
            }
            Action::Input => inputs.push(Mark {
                time: e.time,
                end: None,
                seq: e.seq + 1,
                kind: MarkKind::Input,
                text: e.message.clone(),
            }),
            Action::Fault => {
                let mark = Mark {
                    time: e.time,
                    end: None,
                    seq: e.seq + 1,
                    kind: MarkKind::Fault,
                    text: e.message.clone(),
                };
                match index.get(&e.key()) {
                    Some(&i) => rows[i].marks.push(mark),
                    None => inputs.push(mark),
                }
            }
            _ => {}
        }
    }
    // Notes: waits (until the same owner's next note) and refusals.
    let mut open_wait: BTreeMap<Key, (Option<usize>, usize)> = BTreeMap::new();
    for n in &sim.notes {
        let owner = match &n.what {
            NoteKind::Waiting { owner } | NoteKind::WaitOver { owner } => Some(owner),
            NoteKind::EvictionRefused => None,
        };
        if let Some(owner) = owner {
            if let Some((row, m)) = open_wait.remove(owner) {
                let list = match row {
                    Some(r) => &mut rows[r].marks,
                    None => &mut inputs,
                };
                list[m].end = Some(n.time);
            }
        }
        let (kind, text) = match &n.what {
            NoteKind::Waiting { owner } => (
                MarkKind::Wait,
                format!("{} {}: {}", owner.kind, owner.name, n.message),
            ),
            NoteKind::WaitOver { .. } => continue,
            NoteKind::EvictionRefused => (
                MarkKind::EvictionRefused,
                format!("eviction of {} refused: {}", n.pod.name, n.message),
            ),
        };
        let mark = Mark {
            time: n.time,
            end: None,
            seq: n.seq,
            kind,
            text,
        };
        let row = index.get(&n.pod).copied();
        let list = match row {
            Some(r) => &mut rows[r].marks,
            None => &mut inputs,
        };
        list.push(mark);
        if let Some(owner) = owner {
            open_wait.insert(owner.clone(), (row, list.len() - 1));
        }
    }
    // Still-open segments and spans reach the chart's end.
    for r in &mut rows {
        if let Some(seg) = r.open() {
            seg.end = end;
            if let Some(s) = seg.spans.last_mut() {
                s.end = end;
            }
        }
        sort::sort_by_key(&mut r.marks, |m| (m.time, m.seq));
    }
    sort::sort_by_key(&mut inputs, |m| (m.time, m.seq));
    // Owners the log did not name: the object's controller, if it is there.
    for r in &mut rows {
        if r.owner.is_none() {
            if let Some(o) = sim.store.get_key(&r.key) {
                if let Some(c) = o.meta.controller_ref() {
                    if let Some(k) = Kind::parse(&c.kind) {
                        r.owner = Some(Key::new(k, &r.key.namespace, &c.name));
                    }
                }
            }
        }
    }
    let mut clock: Vec<(u64, u64)> = Vec::new();
    for e in &sim.log {
        match clock.last_mut() {
            Some(last) if last.0 == e.time => last.1 = e.seq + 1,
            _ => clock.push((e.time, e.seq + 1)),
        }
    }
    let mut chart = Chart {
        end,
        events: sim.log.len() as u64,
        clock,
        inputs,
        groups: group(rows),
    };
    collapse(&mut chart, opts);
    chart
}

fn kind_rank(k: Kind) -> u8 {
    match k {
        Kind::Pod => 0,
        Kind::PersistentVolumeClaim => 1,
        _ => 2,
    }
}

fn group(rows: Vec<RowBuilder>) -> Vec<Group> {
    // Group id → (first seq, label, rows).
    let mut groups: BTreeMap<String, (u64, String, Vec<RowBuilder>)> = BTreeMap::new();
    for r in rows.into_iter().filter(|r| !r.segments.is_empty()) {
        let (id, label) = match &r.owner {
            Some(o) => (
                format!("{}/{}/{}", o.kind, o.namespace, o.name),
                ns_suffix(&format!("{} {}", o.kind, o.name), &o.namespace),
            ),
            None => (
                format!("{}/{}", r.key.kind, r.key.namespace),
                ns_suffix(
                    match r.key.kind {
                        Kind::Pod => "Pods",
                        Kind::PersistentVolumeClaim => "PersistentVolumeClaims",
                        _ => "PersistentVolumes",
                    },
                    &r.key.namespace,
                ),
            ),
        };
        let g = groups.entry(id).or_insert((r.first_seq, label, Vec::new()));
        g.0 = g.0.min(r.first_seq);
        g.2.push(r);
    }
    let mut out: Vec<(u64, Group)> = groups
        .into_iter()
        .map(|(id, (first, label, mut rows))| {
            let by_ordinal = id.starts_with("StatefulSet/");
            sort::sort_by(&mut rows, |a, b| {
                let ka = (
                    kind_rank(a.key.kind),
                    by_ordinal.then(|| ordinal(&a.key.name)),
                );
                let kb = (
                    kind_rank(b.key.kind),
                    by_ordinal.then(|| ordinal(&b.key.name)),
                );
                ka.cmp(&kb)
                    .then(a.first_seq.cmp(&b.first_seq))
                    .then(a.key.name.cmp(&b.key.name))
            });
            let size = rows.len();
            let rows = rows
                .into_iter()
                .map(|r| Row {
                    key: r.key,
                    count: 1,
                    segments: r.segments,
                    marks: r.marks,
                })
                .collect();
            (
                first,
                Group {
                    id,
                    label,
                    rows,
                    collapsed: false,
                    size,
                },
            )
        })
        .collect();
    sort::sort_by(&mut out, |a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    out.into_iter().map(|(_, g)| g).collect()
}

fn ns_suffix(label: &str, ns: &str) -> String {
    if ns.is_empty() || ns == "default" {
        label.to_string()
    } else {
        format!("{label} ({ns})")
    }
}

/// Folds the largest groups, one row per kind, until the chart has no
/// more than `max_rows` rows (groups in `expanded` stay as they are).
fn collapse(chart: &mut Chart, opts: &Options) {
    let mut total: usize = chart.groups.iter().map(|g| g.rows.len()).sum();
    if total <= opts.max_rows {
        return;
    }
    let mut order: Vec<usize> = (0..chart.groups.len()).collect();
    sort::sort_by_key(&mut order, |&i| {
        std::cmp::Reverse(chart.groups[i].rows.len())
    });
    for i in order {
        if total <= opts.max_rows {
            break;
        }
        let g = &mut chart.groups[i];
        if g.rows.len() <= 3 || opts.expanded.contains(&g.id) {
            continue;
        }
        let before = g.rows.len();
        let mut kinds: Vec<Kind> = g.rows.iter().map(|r| r.key.kind).collect();
        kinds.dedup();
        let rows: Vec<Row> = kinds
            .iter()
            .map(|k| {
                let members: Vec<&Row> = g.rows.iter().filter(|r| r.key.kind == *k).collect();
                aggregate(&members, chart.end)
            })
            .collect();
        g.rows = rows;
        g.collapsed = true;
        total = total - before + g.rows.len();
    }
}

/// One row standing for many: at each moment, the phase most of the
/// present objects are in. A span lasts as long as that phase leads; its
/// label gives the range of each phase's count over it (`Ready 12-300,
/// Creating 0-1`). Faults and refused evictions stay as marks; the waits
/// (one or more per pod) show when the group is expanded.
fn aggregate(rows: &[&Row], end: u64) -> Row {
    const N: usize = Phase::ALL.len();
    let first = rows[0];
    let mut deltas: Vec<(u64, i64, Phase)> = Vec::new();
    for r in rows {
        for seg in &r.segments {
            for s in &seg.spans {
                if s.end > s.start {
                    deltas.push((s.start, 1, s.phase));
                    deltas.push((s.end, -1, s.phase));
                }
            }
        }
    }
    sort::sort_by_key(&mut deltas, |d| (d.0, d.1, d.2));
    let mut counts = [0i64; N];
    // The span being built: its counts' ranges.
    let mut ranges = [(i64::MAX, 0i64); N];
    let mut segments: Vec<Segment> = Vec::new();
    let mut extending = false;
    let mut i = 0;
    while i < deltas.len() {
        let t = deltas[i].0;
        while i < deltas.len() && deltas[i].0 == t {
            counts[deltas[i].2.index()] += deltas[i].1;
            i += 1;
        }
        let next = deltas.get(i).map_or(end, |d| d.0);
        let present: i64 = counts.iter().sum();
        if present <= 0 || next <= t {
            extending = extending && present > 0;
            continue;
        }
        let mut best = 0;
        for (j, c) in counts.iter().enumerate() {
            if *c > counts[best] {
                best = j;
            }
        }
        let phase = Phase::ALL[best];
        if !extending || segments.last().is_none_or(|s| s.end != t) {
            segments.push(Segment {
                start: t,
                end: t,
                open: false,
                spans: Vec::new(),
            });
        }
        extending = true;
        let seg = segments.last_mut().expect("just pushed");
        seg.end = next;
        match seg.spans.last_mut() {
            Some(s) if s.phase == phase => s.end = next,
            _ => {
                ranges = [(i64::MAX, 0); N];
                seg.spans.push(Span {
                    start: t,
                    end: next,
                    phase,
                    label: String::new(),
                    seq: 0,
                });
            }
        }
        for (r, c) in ranges.iter_mut().zip(counts.iter()) {
            *r = (r.0.min(*c), r.1.max(*c));
        }
        let s = seg.spans.last_mut().expect("a span");
        s.label = Phase::ALL
            .iter()
            .zip(ranges.iter())
            .filter(|(_, r)| r.1 > 0)
            .map(|(p, (lo, hi))| {
                if lo == hi {
                    format!("{} {hi}", p.name())
                } else {
                    format!("{} {lo}-{hi}", p.name())
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
    }
    // Open means "still there at the end", as for one object.
    let any_open = rows.iter().any(|r| r.segments.iter().any(|s| s.open));
    for seg in &mut segments {
        seg.open = seg.end == end && any_open;
    }
    let mut marks: Vec<Mark> = rows
        .iter()
        .flat_map(|r| r.marks.iter())
        .filter(|m| m.kind != MarkKind::Wait)
        .cloned()
        .collect();
    sort::sort_by_key(&mut marks, |m| (m.time, m.seq));
    Row {
        key: first.key.clone(),
        count: rows.len(),
        segments,
        marks,
    }
}

/// Virtual time as the chart writes it: `0s`, `1.5s`, `2m05s`.
pub fn fmt_time(ms: u64) -> String {
    let s = ms / 1000;
    let frac = ms % 1000;
    let base = if s >= 60 {
        format!("{}m{:02}", s / 60, s % 60)
    } else {
        s.to_string()
    };
    if frac == 0 {
        format!("{base}s")
    } else {
        let f = format!("{frac:03}");
        format!("{base}.{}s", f.trim_end_matches('0'))
    }
}

/// The table alternative's columns.
pub const TABLE_HEADERS: [&str; 5] = ["Object", "From", "To", "State", "Detail"];

/// The chart as table rows (see [`TABLE_HEADERS`]): for each row, its
/// spans and marks in time order; user commands first.
pub fn table(chart: &Chart) -> Vec<[String; 5]> {
    table_in(chart, &ChartWords::default())
}

/// [`table`] in `words` (the row label of commands, "now", phase and mark
/// names); the cluster's own texts stay as they are.
pub fn table_in(chart: &Chart, words: &ChartWords) -> Vec<[String; 5]> {
    let mut out = Vec::new();
    for m in &chart.inputs {
        out.push(mark_row(&words.commands, m, words));
    }
    for g in &chart.groups {
        for r in &g.rows {
            let mut name = r.label();
            if g.collapsed {
                name = format!("{}: {name}", g.label);
            }
            let mut entries: Vec<(u64, u8, [String; 5])> = Vec::new();
            for (n, seg) in r.segments.iter().enumerate() {
                let object = if r.segments.len() > 1 && r.count == 1 {
                    format!("{name} #{}", n + 1)
                } else {
                    name.clone()
                };
                let last = seg.spans.len().saturating_sub(1);
                for (k, s) in seg.spans.iter().enumerate() {
                    let to = if seg.open && k == last {
                        words.now.clone()
                    } else {
                        fmt_time(s.end)
                    };
                    entries.push((
                        s.start,
                        0,
                        [
                            object.clone(),
                            fmt_time(s.start),
                            to,
                            words.phase(s.phase).to_string(),
                            s.label.clone(),
                        ],
                    ));
                }
            }
            for m in &r.marks {
                entries.push((m.time, 1, mark_row(&name, m, words)));
            }
            sort::sort_by_key(&mut entries, |e| (e.0, e.1));
            out.extend(entries.into_iter().map(|e| e.2));
        }
    }
    out
}

fn mark_row(object: &str, m: &Mark, words: &ChartWords) -> [String; 5] {
    [
        object.to_string(),
        fmt_time(m.time),
        m.end.map(fmt_time).unwrap_or_default(),
        words.mark_kind(m.kind).to_string(),
        m.text.clone(),
    ]
}
