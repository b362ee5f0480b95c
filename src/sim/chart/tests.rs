use super::*;
use crate::sim::engine::Sim;
use crate::sim::object::{Key, Kind, ValueExt};
use crate::sim::session::Input;

fn kubectl(sim: &mut Sim, line: &str) -> String {
    match sim.input(Input::Kubectl {
        line: line.to_string(),
        files: Vec::new(),
    }) {
        Ok(s) => s,
        Err(e) => panic!("{line}: {e}"),
    }
}

/// The StatefulSet page's `web`: apply, scale to 5, scale to 3, delete a pod.
fn web_session(seed: u64) -> Sim {
    let mut sim = Sim::new(seed);
    kubectl(&mut sim, "kubectl apply -f web.yaml");
    sim.advance(30_000);
    kubectl(&mut sim, "kubectl scale statefulset web --replicas=5");
    sim.advance(60_000);
    kubectl(&mut sim, "kubectl scale statefulset web --replicas=3");
    sim.advance(60_000);
    kubectl(&mut sim, "kubectl delete pod web-1 --wait=false");
    sim.advance(30_000);
    sim
}

fn apply(sim: &mut Sim, yaml: &str) {
    if let Err(e) = sim.input(Input::Manifest {
        text: yaml.to_string(),
        delete: false,
    }) {
        panic!("apply: {e}");
    }
}

const PDB: &str = "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app: nginx
";

const BIG: &str = "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: big
spec:
  replicas: 80
  selector:
    matchLabels:
      app: big
  template:
    metadata:
      labels:
        app: big
    spec:
      containers:
      - name: nginx
        image: nginx
";

fn row<'a>(chart: &'a Chart, kind: Kind, name: &str) -> &'a Row {
    chart
        .groups
        .iter()
        .flat_map(|g| g.rows.iter())
        .find(|r| r.key == Key::new(kind, "default", name))
        .unwrap_or_else(|| panic!("no row for {kind} {name}"))
}

fn first(row: &Row, phase: Phase) -> Option<u64> {
    row.segments
        .iter()
        .flat_map(|s| s.spans.iter())
        .find(|s| s.phase == phase)
        .map(|s| s.start)
}

#[test]
fn pod_summaries_give_phases_and_kubectls_words() {
    assert_eq!(pod_phase("Pending"), (Phase::Pending, "Pending".into()));
    assert_eq!(
        pod_phase("Pending (ContainerCreating)"),
        (Phase::Creating, "ContainerCreating".into())
    );
    assert_eq!(
        pod_phase("Pending (Init:0/2)"),
        (Phase::Creating, "Init:0/2".into())
    );
    assert_eq!(pod_phase("Running"), (Phase::Running, "Running".into()));
    assert_eq!(pod_phase("Running Ready"), (Phase::Ready, "Ready".into()));
    assert_eq!(
        pod_phase("Running (CrashLoopBackOff)"),
        (Phase::Running, "CrashLoopBackOff".into())
    );
    assert_eq!(pod_phase("Running Ready Terminating").0, Phase::Terminating);
    assert_eq!(volume_phase("Bound"), Phase::Bound);
    assert_eq!(volume_phase("Lost"), Phase::Lost);
}

#[test]
fn web_1_is_ready_only_after_web_0_and_waits_are_marked() {
    let sim = web_session(1);
    let chart = build(&sim, &Options::default());
    let g = &chart.groups[0];
    assert_eq!(g.id, "StatefulSet/default/web");
    // Pods in ordinal order, then their claims.
    let names: Vec<String> = g.rows.iter().map(Row::label).collect();
    assert_eq!(
        names[..5],
        [
            "pod web-0",
            "pod web-1",
            "pod web-2",
            "pod web-3",
            "pod web-4"
        ]
    );
    assert_eq!(names[5], "pvc www-web-0");
    let web0 = row(&chart, Kind::Pod, "web-0");
    let web1 = row(&chart, Kind::Pod, "web-1");
    let ready0 = first(web0, Phase::Ready).expect("web-0 Ready");
    let ready1 = first(web1, Phase::Ready).expect("web-1 Ready");
    assert!(
        ready1 > ready0,
        "web-1 Ready at {ready1}, web-0 at {ready0}"
    );
    // web-1 does not even exist before web-0 is Ready.
    assert!(web1.segments[0].start >= ready0);
    // Between Pending and Ready a pod is ContainerCreating, then Running.
    let phases: Vec<Phase> = web0.segments[0].spans.iter().map(|s| s.phase).collect();
    assert!(phases.contains(&Phase::Creating), "{phases:?}");
    assert!(
        web0.segments[0]
            .spans
            .iter()
            .any(|s| s.label == "ContainerCreating"),
        "{:?}",
        web0.segments[0].spans
    );
    // The controller's wait on web-0 is a mark on web-0's row that ends
    // when web-0 is Ready.
    let wait = web0
        .marks
        .iter()
        .find(|m| m.kind == MarkKind::Wait)
        .expect("a wait on web-0");
    assert!(
        wait.text
            .contains("waiting for web-0 to be Running and Ready"),
        "{}",
        wait.text
    );
    assert!(wait.end.is_some_and(|e| e >= ready0 && e <= ready1));
    // Claims are Bound, and outlive nothing: still there at the end.
    let pvc4 = row(&chart, Kind::PersistentVolumeClaim, "www-web-4");
    assert!(first(pvc4, Phase::Bound).is_some());
    assert!(pvc4.segments.last().unwrap().open);
    // Every user command is a mark on the commands row.
    let inputs: Vec<&str> = chart.inputs.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(inputs.len(), 4, "{inputs:?}");
    assert!(inputs[1].contains("--replicas=5"));
}

#[test]
fn scale_down_terminates_web_4_before_web_3() {
    let sim = web_session(1);
    let chart = build(&sim, &Options::default());
    let web3 = row(&chart, Kind::Pod, "web-3");
    let web4 = row(&chart, Kind::Pod, "web-4");
    let t3 = first(web3, Phase::Terminating).expect("web-3 terminates");
    let t4 = first(web4, Phase::Terminating).expect("web-4 terminates");
    assert!(t4 < t3, "web-4 terminating at {t4}, web-3 at {t3}");
    // web-3 only begins terminating once web-4 is gone.
    let gone4 = web4.segments[0].end;
    assert!(!web4.segments[0].open && gone4 <= t3);
    // The controller waited for web-4 to terminate.
    assert!(web4
        .marks
        .iter()
        .any(|m| m.kind == MarkKind::Wait && m.text.contains("web-4 to terminate")));
}

#[test]
fn a_replaced_pod_has_two_segments() {
    let sim = web_session(1);
    let chart = build(&sim, &Options::default());
    let web1 = row(&chart, Kind::Pod, "web-1");
    assert_eq!(web1.segments.len(), 2, "{:?}", web1.segments);
    let (a, b) = (&web1.segments[0], &web1.segments[1]);
    assert!(!a.open && a.spans.last().unwrap().phase == Phase::Terminating);
    assert!(b.start >= a.end && b.open);
    assert!(matches!(b.spans[0].phase, Phase::Pending | Phase::Creating));
    // web-0, never replaced, has one.
    assert_eq!(row(&chart, Kind::Pod, "web-0").segments.len(), 1);
    // The table names the two incarnations apart.
    let t = table(&chart);
    assert!(t.iter().any(|r| r[0] == "pod web-1 #2" && r[2] == "now"));
    assert!(t
        .iter()
        .any(|r| r[0] == "pod web-1 #1" && r[3] == "Terminating"));
}

#[test]
fn faults_and_refused_evictions_are_marks() {
    let mut sim = Sim::new(3);
    kubectl(&mut sim, "kubectl apply -f web.yaml");
    sim.advance(30_000);
    apply(&mut sim, PDB);
    sim.advance(5_000);
    let _ = sim.input(Input::Fault("pod web-0 unready".into()));
    sim.advance(10_000);
    let _ = sim.input(Input::Kubectl {
        line: "kubectl drain node-1 --ignore-daemonsets --timeout=15s".into(),
        files: Vec::new(),
    });
    sim.advance(5_000);
    let chart = build(&sim, &Options::default());
    let web0 = row(&chart, Kind::Pod, "web-0");
    assert!(
        web0.marks.iter().any(|m| m.kind == MarkKind::Fault),
        "{:?}",
        web0.marks
    );
    let refused: Vec<&Mark> = chart
        .groups
        .iter()
        .flat_map(|g| g.rows.iter())
        .flat_map(|r| r.marks.iter())
        .filter(|m| m.kind == MarkKind::EvictionRefused)
        .collect();
    assert!(!refused.is_empty(), "no refused eviction marked");
    assert!(
        refused[0].text.contains("disruption budget"),
        "{}",
        refused[0].text
    );
}

#[test]
fn large_sessions_collapse_by_owner_with_a_count() {
    let mut sim = Sim::with_config(
        1,
        crate::sim::Config {
            nodes: 10,
            ..Default::default()
        },
    );
    kubectl(&mut sim, "kubectl apply -f web.yaml");
    apply(&mut sim, BIG);
    sim.advance(60_000);
    let chart = build(&sim, &Options::default());
    let rows: usize = chart.groups.iter().map(|g| g.rows.len()).sum();
    assert!(rows <= Options::default().max_rows, "{rows} rows");
    let big = chart
        .groups
        .iter()
        .find(|g| g.label == "ReplicaSet big")
        .expect("the deployment's ReplicaSet group");
    assert!(big.collapsed);
    assert_eq!(big.size, 80);
    assert_eq!(big.rows.len(), 1);
    assert_eq!(big.rows[0].label(), "80 pods");
    // At the end all 80 are Ready: the aggregate says so.
    let last = big.rows[0].segments.last().unwrap().spans.last().unwrap();
    assert_eq!(last.phase, Phase::Ready);
    assert!(
        last.label.contains("Ready ") && last.label.ends_with("80"),
        "{}",
        last.label
    );
    // The small web group stays expanded; expanding big on request works.
    assert!(!chart.groups[0].collapsed);
    let opts = Options {
        expanded: vec![big.id.clone()],
        max_rows: 1000,
        ..Options::default()
    };
    let open = build(&sim, &opts);
    let big = open.groups.iter().find(|g| g.id == big.id).unwrap();
    assert!(!big.collapsed && big.rows.len() == 80);
}

#[test]
fn svg_is_deterministic_themed_and_accessible() {
    let a = render(
        &build(&web_session(5), &Options::default()),
        &SvgOptions::default(),
    );
    let b = render(
        &build(&web_session(5), &Options::default()),
        &SvgOptions::default(),
    );
    assert_eq!(a, b);
    assert!(a.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(a.contains("role=\"img\"") && a.contains("<desc"));
    assert!(a.contains("<title>pod web-0: Ready from"), "span tooltips");
    assert!(a.contains("class=\"mark wait\" tabindex=\"0\""));
    assert!(
        a.contains("class=\"break\""),
        "a replaced pod shows its break"
    );
    // Patterns and words, not colour alone.
    assert!(a.contains("<pattern id=\"oc-pending\""));
    assert!(a.contains(">Terminating</text>") || a.contains(">Ready</text>"));
    let dark = render(
        &build(&web_session(5), &Options::default()),
        &SvgOptions {
            theme: Theme::Dark,
            width: 600,
            ..SvgOptions::default()
        },
    );
    assert!(dark.contains("width=\"600\"") && dark.contains("#0d1117"));
    assert_ne!(a, dark);
}

#[test]
fn clicks_map_to_times_and_times_to_event_indexes() {
    let sim = web_session(1);
    let chart = build(&sim, &Options::default());
    let g = Geometry::new(&chart, 960);
    assert_eq!(g.time_at(g.x0 - 50.0), 0);
    assert_eq!(g.time_at(g.x1 + 50.0), chart.end);
    let t = g.time_at(g.x(60_000));
    assert!(t.abs_diff(60_000) <= 1_000);
    let i = event_index_at(&sim.log, 60_000);
    // The chart knows the same without the log.
    for t in [0, 1, 30_000, 60_000, 61_234, chart.end, chart.end + 5] {
        assert_eq!(
            chart.events_at(t),
            event_index_at(&sim.log, t) as u64,
            "{t}"
        );
    }
    assert!(sim.log[..i].iter().all(|e| e.time <= 60_000));
    assert!(sim.log[i..].iter().all(|e| e.time > 60_000));
}

#[test]
fn times_read_as_durations() {
    assert_eq!(fmt_time(0), "0s");
    assert_eq!(fmt_time(1_500), "1.5s");
    assert_eq!(fmt_time(90_000), "1m30s");
    assert_eq!(fmt_time(61_250), "1m01.25s");
}

#[test]
fn volumes_are_rows_on_request_and_a_volume_fault_is_marked() {
    let mut sim = Sim::new(2);
    kubectl(&mut sim, "kubectl apply -f web.yaml");
    sim.advance(30_000);
    let pv = sim
        .store
        .get(Kind::PersistentVolumeClaim, "default", "www-web-0")
        .and_then(|c| c.spec().str_at("volumeName").map(String::from))
        .expect("www-web-0 bound");
    let _ = sim.input(Input::Fault(format!("pv {pv} lose")));
    sim.advance(5_000);
    // No volume rows by default: the fault is a mark on the commands row.
    let plain = build(&sim, &Options::default());
    assert!(plain
        .groups
        .iter()
        .all(|g| g.rows.iter().all(|r| r.key.kind != Kind::PersistentVolume)));
    assert!(plain.inputs.iter().any(|m| m.kind == MarkKind::Fault));
    let chart = build(
        &sim,
        &Options {
            pvs: true,
            ..Options::default()
        },
    );
    let g = chart
        .groups
        .iter()
        .find(|g| g.label == "PersistentVolumes")
        .expect("a group of volumes");
    let r = g
        .rows
        .iter()
        .find(|r| r.key.name == pv)
        .expect("the lost volume's row");
    let phases: Vec<Phase> = r.segments[0].spans.iter().map(|s| s.phase).collect();
    // The volume controller puts a bound volume back to Bound at once:
    // a state that lasted no time draws nothing.
    assert_eq!(phases, [Phase::Bound]);
    assert!(r
        .marks
        .iter()
        .any(|m| m.kind == MarkKind::Fault && m.text.contains("lost")));
}

#[test]
fn a_deleted_set_stops_waiting() {
    let mut sim = Sim::new(4);
    kubectl(&mut sim, "kubectl apply -f web.yaml");
    sim.advance(1_500);
    kubectl(&mut sim, "kubectl delete statefulset web --wait=false");
    sim.advance(30_000);
    let chart = build(&sim, &Options::default());
    let web0 = row(&chart, Kind::Pod, "web-0");
    let wait = web0
        .marks
        .iter()
        .find(|m| m.kind == MarkKind::Wait)
        .expect("the set waited on web-0");
    assert!(wait.end.is_some(), "the wait ends when the set goes");
}

#[test]
fn a_bare_pod_is_grouped_apart_even_when_named_like_a_set() {
    let mut sim = Sim::new(6);
    kubectl(&mut sim, "kubectl apply -f web.yaml");
    kubectl(&mut sim, "kubectl run web --image=nginx");
    sim.advance(20_000);
    let chart = build(&sim, &Options::default());
    let bare = chart
        .groups
        .iter()
        .find(|g| g.id == "Pod/default")
        .expect("a group for pods no controller made");
    assert_eq!(bare.label, "Pods");
    assert_eq!(bare.rows.len(), 1);
    assert_eq!(bare.rows[0].label(), "pod web");
    let set = chart
        .groups
        .iter()
        .find(|g| g.id == "StatefulSet/default/web")
        .expect("the set's group");
    assert_eq!(set.rows.len(), 4, "web-0, web-1 and their claims");
    assert!(set.rows.iter().all(|r| r.key.name != "web"));
}

/// The text of each `<text>` element in `svg`.
fn texts(svg: &str) -> Vec<&str> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| t.split_once('>').and_then(|(_, r)| r.split_once("</text>")))
        .map(|(t, _)| t)
        .collect()
}

fn section<'a>(svg: &'a str, open: &str, close: &str) -> &'a str {
    let start = svg.find(open).expect(open) + open.len();
    &svg[start..start + svg[start..].find(close).expect(close)]
}

#[test]
fn the_words_are_the_options_and_english_is_the_default() {
    let sim = web_session(5);
    let chart = build(&sim, &Options::default());
    let english = render(&chart, &SvgOptions::default());
    let words = ChartWords {
        title: "图表：{0} 个对象，共 {1}".into(),
        desc: "说明".into(),
        commands: "命令".into(),
        mark: "{1} {0}：{2}".into(),
        mark_until: "（至 {0}，{1}）".into(),
        span: "{0}：{1}，{2} 至 {3}（{4}）".into(),
        now: "现在".into(),
        replaced: "{0}：{1} 被替换".into(),
        collapsed: "▸ {0}（{1} 个，已收起）".into(),
        phases: Phase::ALL.map(|p| format!("阶段-{}", p.id())),
        marks: MarkKind::ALL.map(|k| format!("标记-{}", k.id())),
    };
    let zh = render(
        &chart,
        &SvgOptions {
            words: words.clone(),
            ..SvgOptions::default()
        },
    );
    // Same picture otherwise: the same rows, marks and event indexes.
    assert_eq!(
        english.matches("data-seq=").count(),
        zh.matches("data-seq=").count()
    );
    assert_eq!(
        english.matches("<rect class=\"span").count(),
        zh.matches("<rect class=\"span").count()
    );
    let objects: usize = chart.groups.iter().map(|g| g.size).sum();
    let title = format!("图表：{objects} 个对象，共 {}", fmt_time(chart.end));
    assert!(zh.contains(&format!("<title id=\"oc-title\">{title}</title>")));
    assert!(zh.contains("<desc id=\"oc-desc\">说明</desc>"));
    assert!(english.contains("<title id=\"oc-title\">Lifecycle chart: "));
    let legend = section(&zh, "<g class=\"legend\">", "</g></svg>");
    let names = texts(legend);
    assert!(names.len() >= 4, "{names:?}");
    assert!(names.contains(&"阶段-ready") && names.contains(&"标记-input"));
    let english_names: Vec<&str> = Phase::ALL
        .iter()
        .map(|p| p.name())
        .chain(MarkKind::ALL.iter().map(|k| k.name()))
        .collect();
    for n in &names {
        assert!(!english_names.contains(n), "legend still says {n}");
    }
    let head = section(&zh, "<svg", "<g class=\"axis\">");
    for english in [
        "Lifecycle chart",
        "objects over",
        "virtual time",
        "One row per pod",
        "Marks:",
    ] {
        assert!(!head.contains(english), "{english} in {head}");
    }
    assert!(texts(&zh).contains(&"命令") && !texts(&zh).contains(&"commands"));
    // Tooltips: the page's words around the cluster's own text.
    assert!(zh.contains("pod web-0：阶段-ready，"), "span tooltips");
    assert!(!zh.contains(" from ") && !zh.contains(" (until "));
    assert!(zh.contains("被替换"));
    // The table speaks the same words.
    let table = table_in(&chart, &words);
    assert!(table.iter().any(|r| r[0] == "命令" && r[3] == "标记-input"));
    assert!(table.iter().all(|r| r[0] != "commands" && r[2] != "now"));
    assert!(table.iter().any(|r| r[3] == "阶段-ready"));
    assert_eq!(table.len(), super::table(&chart).len());
}

#[test]
fn fill_replaces_placeholders_once() {
    assert_eq!(fill("{1} {0}：{2}", &["a", "b", "{1}"]), "b a：{1}");
    assert_eq!(fill("{0} {9} {x} {", &["a"]), "a {9} {x} {");
    assert_eq!(
        fill(&ChartWords::default().collapsed, &["web", "80"]),
        "▸ web (80 objects, collapsed)"
    );
}
