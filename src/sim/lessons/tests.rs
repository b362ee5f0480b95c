use super::markdown::{self, Block, Inline};
use super::run::{check, solution, start};
use super::MINIMAL as GOOD;
use super::*;
use crate::sim::object::ValueExt;

fn lesson(id: &str) -> Lesson {
    bundled(id)
        .expect("bundled")
        .unwrap_or_else(|e| panic!("{e}"))
}

fn lines(c: &run::Checked) -> String {
    c.steps
        .iter()
        .map(|s| s.line())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Solutions written otherwise than the lessons' own: patch instead of
/// scale, delete by label instead of by name, `fault` instead of `exec`.
const OTHER_WAYS: &[(&str, &str)] = &[
    ("web", include_str!("testdata/web.other")),
    ("zookeeper", include_str!("testdata/zookeeper.other")),
    ("cassandra", include_str!("testdata/cassandra.other")),
    ("mysql", include_str!("testdata/mysql.other")),
    ("hazelcast", include_str!("testdata/hazelcast.other")),
    ("petset", include_str!("testdata/petset.other")),
];

#[test]
fn every_bundled_lesson_parses_in_both_languages() {
    for (id, _, _) in BUNDLED {
        let l = lesson(id);
        assert_eq!(l.id, *id);
        assert!(!l.steps.is_empty());
        for s in &l.steps {
            assert!(!s.title.en.is_empty() && !s.title.zh.is_empty());
            // Chinese texts keep the Kubernetes terms the seed documents use.
            assert!(!s.text.zh.contains("有状态副本集"), "{id}");
            assert!(!markdown::parse(&s.text.zh).is_empty());
        }
    }
}

#[test]
fn every_bundled_solution_passes_every_step() {
    for (id, _, _) in BUNDLED {
        let l = lesson(id);
        let c = check(&l, &solution(&l), Lang::En).unwrap();
        assert!(c.all_passed(), "{id}:\n{}", lines(&c));
        assert!(c.steps.iter().all(|s| s.line().starts_with('✓')));
    }
}

#[test]
fn other_valid_ways_pass() {
    for (id, script) in OTHER_WAYS {
        let l = lesson(id);
        let c = check(&l, script, Lang::En).unwrap();
        assert!(c.all_passed(), "{id}:\n{}", lines(&c));
    }
    for (id, _, _) in BUNDLED {
        assert!(
            OTHER_WAYS.iter().any(|(i, _)| i == id),
            "{id} has no other way"
        );
    }
}

#[test]
fn the_setup_alone_passes_no_step() {
    for (id, _, _) in BUNDLED {
        let l = lesson(id);
        let sim = start(&l).unwrap();
        for (i, step) in l.steps.iter().enumerate() {
            let outcomes = step_outcomes(step, &sim);
            assert!(
                outcomes.iter().any(|(_, o)| o.is_err()),
                "{id} step {} passes with no student action: {outcomes:?}",
                i + 1
            );
        }
        let c = check(&l, "sleep 10m\n", Lang::En).unwrap();
        assert!(c.progress.passed.iter().all(|p| !p), "{id}: {}", lines(&c));
        assert!(c.steps.iter().all(|s| s.why.is_some()));
    }
}

/// The lesson's solution without step `skip` (0-based).
fn without_step(l: &Lesson, skip: usize) -> String {
    l.steps
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != skip)
        .map(|(_, s)| s.solution.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_missing_step_fails_it_and_what_depends_on_it() {
    // web without "scale up to 5": step 4 says how far the set is, step 5
    // finds no claims to keep, step 6 (which holds) was not reached.
    let l = lesson("web");
    let c = check(&l, &without_step(&l, 3), Lang::En).unwrap();
    let s = &c.steps;
    assert!(s[0].passed && s[1].passed && s[2].passed, "{}", lines(&c));
    assert_eq!(
        s[3].line(),
        "✗ 4 Scale up to 5: StatefulSet web has 3 ready replicas, not 5"
    );
    assert_eq!(
        s[4].why.as_deref(),
        Some("web-4 deleted has not happened yet"),
        "{}",
        lines(&c)
    );
    assert_eq!(
        s[5].why.as_deref(),
        Some("not reached: step 4 did not pass first"),
        "{}",
        lines(&c)
    );
    assert!(!c.all_passed());

    // mysql without breaking readiness: step 2 says the pod is still Ready.
    let l = lesson("mysql");
    let c = check(&l, &without_step(&l, 1), Lang::En).unwrap();
    assert!(c.steps[0].passed);
    assert_eq!(c.steps[1].why.as_deref(), Some("mysql-2 is still Ready"));
    assert!(c.steps[2..].iter().all(|s| !s.passed), "{}", lines(&c));

    // zookeeper without the drains.
    let l = lesson("zookeeper");
    let c = check(&l, &without_step(&l, 1), Lang::En).unwrap();
    assert!(
        c.steps[1].why.as_deref().unwrap().contains("unschedulable"),
        "{}",
        lines(&c)
    );
    assert!(!c.steps[2].passed);
}

#[test]
fn passed_steps_stay_passed_and_steps_go_in_order() {
    let l = lesson("hazelcast");
    let mut r = crate::sim::session::script::Runner::new(start(&l).unwrap());
    let mut p = Progress::new(&l);
    let run = |r: &mut crate::sim::session::script::Runner, s: &str| {
        run::run_lines(r, s, &|_| Vec::new(), &mut |_| {}).unwrap();
    };
    assert_eq!(p.current(), Some(0));
    run(&mut r, &l.steps[0].solution);
    assert_eq!(p.update(&l, &r.sim), vec![0]);
    // Going straight to 4 passes step 3's checks but not step 2's: with
    // evaluation only now, step 2 (2 ready) never held, so 2 and 3 wait.
    run(&mut r, "kubectl scale rc hazelcast --replicas=4\nsleep 1m");
    assert!(p.update(&l, &r.sim).is_empty());
    // Back to 2: step 2 passes; step 3 no longer holds.
    run(&mut r, "kubectl scale rc hazelcast --replicas=2\nsleep 1m");
    assert_eq!(p.update(&l, &r.sim), vec![1]);
    // Back to 1: the passed steps stay passed.
    run(&mut r, "kubectl scale rc hazelcast --replicas=1\nsleep 1m");
    assert!(p.update(&l, &r.sim).is_empty());
    assert_eq!(p.passed, vec![true, true, false]);
    assert!(p.fits(&l));
    let saved = serde_json::to_string(&p).unwrap();
    let back: Progress = serde_json::from_str(&saved).unwrap();
    assert_eq!(back, p);
    assert!(!Progress { version: 0, ..p }.fits(&l));
}

#[test]
fn queries_run_on_a_copy() {
    let l = lesson("web");
    let c = check(&l, &solution(&l), Lang::En).unwrap();
    let before = (c.sim.log.len(), c.sim.journal().len(), c.sim.trace_hash());
    let mut queries = 0;
    for step in &l.steps {
        for check in &step.checks {
            if matches!(check, Check::Query { .. }) {
                queries += 1;
                assert_eq!(checks::evaluate(check, &c.sim), Ok(()));
            }
        }
    }
    assert!(queries >= 2);
    assert_eq!(
        before,
        (c.sim.log.len(), c.sim.journal().len(), c.sim.trace_hash())
    );
}

fn err(text: &str) -> LessonError {
    parse("bad.yaml", text).expect_err("should not parse")
}

#[test]
fn a_minimal_lesson_parses_with_defaults() {
    let l = parse("t.yaml", GOOD).unwrap();
    assert_eq!(l.cluster.seed, 1);
    assert_eq!(l.cluster.config.nodes, 3);
    assert_eq!(l.steps[0].checks.len(), 1);
    let l = parse(
        "t.yaml",
        &GOOD.replace(
            "steps:",
            "cluster:\n  nodes: 5\n  seed: 9\n  timings:\n    image_pull_ms: 10\nsteps:",
        ),
    )
    .unwrap();
    assert_eq!((l.cluster.seed, l.cluster.config.nodes), (9, 5));
    assert_eq!(l.cluster.config.timings.image_pull_ms, 10);
}

#[test]
fn bad_lesson_files_get_positioned_errors() {
    let e = err(&GOOD.replace("exists: service/nginx", "exist: service/nginx"));
    assert_eq!((e.file.as_str(), e.line), ("bad.yaml", 9), "{e}");
    assert!(e.message.starts_with("unknown check kind \"exist\""), "{e}");
    assert!(
        e.to_string()
            .starts_with("bad.yaml:9:9: unknown check kind"),
        "{e}"
    );

    let e = err(&GOOD.replace("      - exists: service/nginx\n", ""));
    assert_eq!(e.line, 5, "{e}");
    assert!(e.message.contains("step 1 has no checks"), "{e}");

    let e = err(&GOOD.replace("text: {en: Do it, zh: 做}", "text:\n      en: Do it"));
    assert_eq!(e.line, 6, "{e}");
    assert!(e.message.contains("missing translation"), "{e}");
    assert!(e.message.contains("\"zh\""), "{e}");

    let e = err(&GOOD.replace("service/nginx", "frobnicator/nginx"));
    assert_eq!(e.line, 9, "{e}");
    assert!(
        e.message.starts_with("unknown object kind \"frobnicator\""),
        "{e}"
    );

    let e = err(&GOOD.replace("solution:", "solutoin:"));
    assert_eq!(e.line, 7, "{e}");
    assert!(e.message.contains("unknown field \"solutoin\""), "{e}");

    let e = err("id: t\ntitle: [unclosed\n");
    assert!(e.message.starts_with("not valid YAML"), "{e}");
    assert_eq!(e.line, 3, "{e}");

    let e = err(&GOOD.replace(
        "exists: service/nginx",
        "order: [pod/web-0 ready, pod/web-1 born]",
    ));
    assert!(e.message.contains("unknown happening \"born\""), "{e}");
    assert_eq!(e.line, 9);

    let e = err(&GOOD.replace(
        "exists: service/nginx",
        "query: {kubectl: get pods, equals: a, contains: b}",
    ));
    assert!(e.message.contains("exactly one of"), "{e}");

    for text in ["", "[]", "id: 3", "steps: {}", "id: t\nsteps: []"] {
        let _ = err(text);
    }
}

#[test]
fn markdown_subset_is_structured_text() {
    let b = markdown::parse(
        "Create **both** with `kubectl apply`,\nthen *wait*.\n\n- one\n- two `x`\n\n1. first\n2. second\n\n```\nkubectl get pods\n```\n<script>alert(1)</script> snake_case_name",
    );
    assert_eq!(
        b[0],
        Block::Paragraph(vec![
            Inline::Text("Create ".into()),
            Inline::Strong("both".into()),
            Inline::Text(" with ".into()),
            Inline::Code("kubectl apply".into()),
            Inline::Text(", then ".into()),
            Inline::Emphasis("wait".into()),
            Inline::Text(".".into()),
        ])
    );
    assert!(matches!(&b[1], Block::List { ordered: false, items } if items.len() == 2));
    assert!(matches!(&b[2], Block::List { ordered: true, items } if items.len() == 2));
    assert_eq!(b[3], Block::Code("kubectl get pods".into()));
    assert_eq!(
        b[4],
        Block::Paragraph(vec![Inline::Text(
            "<script>alert(1)</script> snake_case_name".into()
        )])
    );
    assert!(markdown::to_plain(&b).contains("    kubectl get pods"));
}

#[test]
fn list_items_continue_on_indented_lines() {
    let b = markdown::parse("- one\n   two `x`\n  三\n  四\n- \n   five\n");
    assert_eq!(
        b,
        vec![Block::List {
            ordered: false,
            items: vec![
                vec![
                    Inline::Text("one two ".into()),
                    Inline::Code("x".into()),
                    // No space before a wide character.
                    Inline::Text("三四".into()),
                ],
                vec![Inline::Text("five".into())],
            ],
        }]
    );
    let long = format!("- a\n{}", "  b\n".repeat(2_000));
    let b = markdown::parse(&long);
    let whole = Inline::Text(format!("a{}", " b".repeat(2_000)));
    assert!(matches!(&b[0], Block::List { items, .. } if items[0] == [whole]));
}

#[test]
fn globs_match_whole_outputs() {
    use super::checks::glob;
    assert!(glob("web-*", "web-0"));
    assert!(glob("*:0.7 *:0.7", "a:0.7 b:0.7"));
    assert!(!glob("*:0.7", "a:0.8"));
    assert!(glob("a?c", "abc"));
    assert!(!glob("a?c", "ac"));
}

#[test]
fn chinese_lines_join_without_spaces() {
    let b = markdown::parse("创建 `web`,\n然后等待。\nThen\nwait.");
    assert_eq!(markdown::to_plain(&b), "创建 `web`,然后等待。Then wait.");
}

/// Untrusted files never panic: every bundled lesson with a line dropped,
/// or cut short, parses or gives a positioned error inside the file.
#[test]
fn damaged_lesson_files_never_panic() {
    for (_, file, text) in BUNDLED {
        let lines: Vec<&str> = text.lines().collect();
        for i in (0..lines.len()).step_by(3) {
            let mut damaged = lines.clone();
            damaged.remove(i);
            let damaged = damaged.join("\n");
            if let Err(e) = parse(file, &damaged) {
                assert!(e.line >= 1 && e.line <= lines.len() + 1, "{e}");
            }
            let cut: String = lines[..i].join("\n");
            let _ = parse(file, &cut);
        }
    }
}

#[test]
fn reasons_speak_the_students_language() {
    let l = lesson("web");
    let c = check(&l, &without_step(&l, 3), Lang::Zh).unwrap();
    assert_eq!(
        c.steps[3].line(),
        "✗ 4 扩容到 5 个副本: StatefulSet web 有 3 个就绪副本,不是 5 个"
    );
    assert_eq!(c.steps[5].why.as_deref(), Some("未到达:第 4 步还没有通过"));
    let outcomes = step_outcomes_in(&l.steps[5], &start(&l).unwrap(), Lang::Zh);
    assert_eq!(outcomes[0].1, Err("web-1 还没有被删除".to_string()));
    assert!(outcomes[0].0.contains("被替换"), "{outcomes:?}");
}

#[test]
fn a_lessons_session_is_its_setup_replayed() {
    for id in ["mysql", "petset"] {
        let l = lesson(id);
        let sim = start(&l).unwrap();
        let session = run::start_session(&l, run::editor_text(&l)).unwrap();
        assert_eq!(session.sim().trace_hash(), sim.trace_hash(), "{id}");
        assert_eq!(session.sim().log.len(), sim.log.len());
    }
    assert!(run::editor_text(&lesson("web"))
        .unwrap()
        .contains("kind: StatefulSet"));
}

/// A lesson on a cluster with `MaxUnavailableStatefulSet` on: rolling
/// `kv` replaces two pods at once, which its check sees.
fn max_unavailable_lesson() -> String {
    let apply: String = crate::sim::testutil::KV_MAX_UNAVAILABLE_2
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect();
    let head = "id: two-at-a-time
title: {en: Two at a time, zh: 一次两个}
summary: {en: S, zh: S}
cluster:
  featureGates:
    MaxUnavailableStatefulSet: true
setup:
  apply: |
";
    let steps = r#"  script: sleep 30s
steps:
  - title: {en: Roll, zh: 滚动更新}
    text: {en: Roll the image, zh: 更新镜像}
    solution: |
      kubectl patch statefulset kv -p '{"spec":{"template":{"spec":{"containers":[{"name":"kv","image":"redis:7.2"}]}}}}'
      sleep 1s
    checks:
      - query: {kubectl: get pods -l app=kv, contains: Terminating, count: 2}
"#;
    format!("{head}{apply}{steps}")
}

#[test]
fn a_lesson_turns_a_feature_gate_on() {
    use crate::sim::features::MAX_UNAVAILABLE_STATEFUL_SET;
    let l = parse("gate.yaml", &max_unavailable_lesson()).unwrap();
    assert_eq!(
        l.cluster.config.feature_gates.non_default(),
        vec!["MaxUnavailableStatefulSet=true"]
    );
    let sim = start(&l).unwrap();
    assert!(sim
        .config
        .feature_gates
        .enabled(MAX_UNAVAILABLE_STATEFUL_SET));
    // maxUnavailable takes effect: two pods are replaced at once.
    let c = check(&l, &solution(&l), Lang::En).unwrap();
    assert!(c.all_passed(), "{}", lines(&c));
    // On v1.31's defaults the field is dropped: one pod at a time, and
    // the same solution never shows two Terminating.
    let off = parse(
        "gate.yaml",
        &max_unavailable_lesson().replace(
            "  featureGates:\n    MaxUnavailableStatefulSet: true\n",
            "  nodes: 3\n",
        ),
    )
    .unwrap();
    let c = check(&off, &solution(&off), Lang::En).unwrap();
    assert!(!c.all_passed(), "{}", lines(&c));
}

#[test]
fn bad_feature_gates_in_a_lesson_get_positioned_errors() {
    let with = |gates: &str| {
        parse(
            "bad.yaml",
            &max_unavailable_lesson().replace("    MaxUnavailableStatefulSet: true\n", gates),
        )
        .unwrap_err()
    };
    let e = with("    MaxUnavailableStatefulSet: true\n    NoSuchGate: true\n");
    assert_eq!((e.line, e.column), (7, 5), "{e}");
    assert!(
        e.message.starts_with(
            "unrecognized feature gate: NoSuchGate (Ordinal models: MaxUnavailableStatefulSet, "
        ),
        "{e}"
    );
    let e = with("    StatefulSetStartOrdinal: false\n");
    assert_eq!(e.line, 6, "{e}");
    assert_eq!(
        e.message,
        "cannot set feature gate StatefulSetStartOrdinal to false, feature is locked to true"
    );
    let e = with("    MaxUnavailableStatefulSet: yes\n");
    assert_eq!(e.line, 6, "{e}");
    assert!(e.message.ends_with("must be true or false"), "{e}");
}

/// The list the page shows before it reads any lesson file agrees with
/// the files: same ids, order, titles and step counts.
#[test]
fn the_index_agrees_with_the_bundled_files() {
    assert_eq!(INDEX.len(), BUNDLED.len());
    for (listed, (id, file, text)) in INDEX.iter().zip(BUNDLED) {
        let l = parse(file, text).unwrap();
        assert_eq!((listed.id, listed.file), (*id, *file));
        assert_eq!(l.id, listed.id);
        assert_eq!(l.title.en, listed.title_en, "{id}");
        assert_eq!(l.title.zh, listed.title_zh, "{id}");
        assert_eq!(l.steps.len(), listed.steps, "{id}");
        assert_eq!(listed.title(Lang::Zh), listed.title_zh);
    }
    assert!(listed("mysql").is_some() && listed("nope").is_none());
}

/// What a lesson needs fetched before it starts: its editor example's
/// files and the docs files its scripts name.
#[test]
fn a_lessons_needed_files() {
    let (_, file, text) = BUNDLED.iter().find(|(i, _, _)| *i == "mysql").unwrap();
    let l = parse(file, text).unwrap();
    let need = needed_files(&l);
    for f in crate::sim::examples::by_id("mysql").unwrap().parts {
        assert!(need.contains(f), "{f}: {need:?}");
    }
    // Named by the setup's `kubectl apply -f https://k8s.io/...` lines.
    assert_eq!(need.len(), 3, "{need:?}");
    let (_, file, text) = BUNDLED.iter().find(|(i, _, _)| *i == "cassandra").unwrap();
    let l = parse(file, text).unwrap();
    let need = needed_files(&l);
    for f in [
        "original/cassandra-service.yaml",
        "modern/cassandra-statefulset.yaml",
        "original/cassandra-controller.yaml",
        "modern/cassandra-daemonset.yaml",
    ] {
        assert!(need.contains(&f), "{f}: {need:?}");
    }
    // Every lesson's needs are files the page can fetch.
    for (id, file, text) in BUNDLED {
        let l = parse(file, text).unwrap();
        for f in needed_files(&l) {
            assert!(crate::sim::examples::FILES.contains(&f), "{id}: {f}");
        }
    }
}

/// A teacher's own lesson: another name, namespace, size and order. Its
/// checks read namespace `shop` (the `order` check too), and a student
/// who puts `-n shop` before the command passes as one who puts it after.
const SHOP: &str = "id: shop
title: {en: Shop, zh: 商店}
summary: {en: S, zh: S}
cluster: {nodes: 2, seed: 7}
setup:
  apply: |
    apiVersion: v1
    kind: Namespace
    metadata: {name: shop}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: db, namespace: shop}
    spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
    ---
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: db, namespace: shop}
    spec:
      serviceName: db
      replicas: 1
      selector: {matchLabels: {app: db}}
      template:
        metadata: {labels: {app: db}}
        spec: {containers: [{name: pg, image: postgres:16}]}
      volumeClaimTemplates:
        - metadata: {name: data}
          spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi}}}
steps:
  - title: {en: Three, zh: 三}
    text: {en: Scale db to 3, zh: 扩容到 3}
    solution: |
      kubectl scale sts db -n shop --replicas=3
      sleep 1m
    checks:
      - ready_replicas: {object: sts/db, namespace: shop, count: 3}
      - claim_bound: {name: data-db-2, namespace: shop}
      - order:
          namespace: shop
          entries: [pod/db-1 ready, pod/db-2 created]
";

#[test]
fn a_teachers_lesson_in_another_namespace() {
    let l = parse("shop.yaml", SHOP).unwrap_or_else(|e| panic!("{e}"));
    let Check::Order(ms) = &l.steps[0].checks[2] else {
        panic!("an order check")
    };
    assert!(ms.iter().all(|m| m.object.namespace == "shop"));
    let c = check(&l, &solution(&l), Lang::En).unwrap();
    assert!(c.all_passed(), "{}", lines(&c));
    let c = check(
        &l,
        "kubectl -n shop scale sts db --replicas=3\nsleep 1m\n",
        Lang::En,
    )
    .unwrap();
    assert!(c.all_passed(), "{}", lines(&c));
    let c = check(
        &l,
        "kubectl scale sts db --replicas=3\nsleep 1m\n",
        Lang::En,
    )
    .unwrap();
    assert_eq!(
        c.steps[0].line(),
        "✗ 1 Three: StatefulSet db has 1 ready replica, not 3"
    );
}

/// A claim deleted while a pod mounts it stays phase Bound (pvc-protection)
/// but is going: `claim_bound` says so instead of passing.
#[test]
fn a_claim_being_deleted_is_not_kept_bound() {
    let l = lesson("web");
    let bound = Check::ClaimBound {
        namespace: "default".into(),
        name: "www-web-0".into(),
        volume: None,
        class: None,
    };
    let c = check(&l, &l.steps[0].solution, Lang::En).unwrap();
    let mut r = crate::sim::session::script::Runner::new(c.sim);
    run::run_lines(
        &mut r,
        "sleep 30s\nkubectl delete pvc www-web-0 --wait=false\nsleep 5s",
        &|_| Vec::new(),
        &mut |_| {},
    )
    .unwrap();
    let pvc = r.sim.store.get(
        crate::sim::object::Kind::PersistentVolumeClaim,
        "default",
        "www-web-0",
    );
    assert_eq!(pvc.and_then(|c| c.status().str_at("phase")), Some("Bound"));
    assert_eq!(
        checks::evaluate(&bound, &r.sim).unwrap_err(),
        "www-web-0 is Bound but being deleted (Terminating)"
    );
    assert!(checks::evaluate_in(&bound, &r.sim, Lang::Zh)
        .unwrap_err()
        .contains("正在被删除"));
}

/// Mistakes a teacher makes in a lesson file, each named where it is:
/// a script line that `ordinal run` would refuse (in a solution or the
/// setup, found at load time, not in class), a field beside the check's
/// kind instead of inside it, a happening in capitals.
#[test]
fn lesson_file_mistakes_are_named_where_they_are() {
    let e = err(&GOOD.replace(
        "solution: kubectl get pods",
        "solution: |\n      kubectl get pods\n      slep 10s",
    ));
    assert_eq!((e.line, e.column), (9, 7), "{e}");
    assert_eq!(
        e.message,
        "`steps[0].solution`, script line 2: unknown directive \"slep\" (expected kubectl, sleep, fault or # comment)"
    );
    let e = err(&GOOD.replace("solution: kubectl get pods", "solution: sleep forever"));
    assert_eq!(
        (e.line, e.message.contains("invalid duration")),
        (7, true),
        "{e}"
    );
    let e = err(&GOOD.replace(
        "steps:",
        "setup:\n  script: |\n    kubectl apply -f web.yaml\n    wait 10s\nsteps:",
    ));
    assert_eq!((e.line, e.column), (7, 5), "{e}");
    assert!(
        e.message
            .starts_with("`setup.script`, script line 2: unknown directive \"wait\""),
        "{e}"
    );

    let e = err(&GOOD.replace(
        "exists: service/nginx",
        "exists: service/nginx\n        namespace: shop",
    ));
    assert_eq!(e.line, 10, "{e}");
    assert!(
        e.message
            .starts_with("\"namespace\" beside \"exists\" is not a check kind"),
        "{e}"
    );
    let e = err(&GOOD.replace(
        "exists: service/nginx",
        "exists: service/nginx\n        gone: pod/x",
    ));
    assert!(e.message.contains("goes in its own list item"), "{e}");

    let e = err(&GOOD.replace(
        "exists: service/nginx",
        "order: [pod/web-0 Ready, pod/web-1 created]",
    ));
    assert!(
        e.message.ends_with("happenings are lower case: ready"),
        "{e}"
    );
    let e = err(&GOOD.replace(
        "exists: service/nginx",
        "order: {namespace: shop, entries: [pod/a ready], extra: 1}",
    ));
    assert!(e.message.contains("unknown field \"extra\""), "{e}");
}

/// A setup command that fails would hand the class a cluster the steps do
/// not expect (before, it was silently left out): checking refuses it and
/// names the line and what kubectl said.
#[test]
fn a_failing_setup_command_is_refused() {
    let with_setup = |script: &str| {
        GOOD.replace(
            "steps:",
            &format!("setup:\n  script: |\n{}\nsteps:", script),
        )
    };
    let l = parse(
        "t.yaml",
        &with_setup("    sleep 1s\n    kubectl aply -f web.yaml"),
    )
    .unwrap();
    let e = check(&l, "", Lang::En).err().expect("refused");
    assert!(
        e.starts_with("setup script, line 2: `kubectl aply -f web.yaml` failed: error: unknown command \"aply\""),
        "{e}"
    );
    let l = parse("t.yaml", &with_setup("    kubectl apply -f mine.yaml")).unwrap();
    assert!(check(&l, "", Lang::En).is_err());
    let l = parse(
        "t.yaml",
        &with_setup("    kubectl apply -f web.yaml\n    sleep 5s"),
    )
    .unwrap();
    assert!(check(&l, "", Lang::En).is_ok());
}

/// `order` over a node: cordoning (`Ready,SchedulingDisabled`) is not the
/// node turning unready, a failed node is.
#[test]
fn a_cordoned_node_is_still_ready_for_order() {
    let l = parse(
        "t.yaml",
        &GOOD.replace(
            "exists: service/nginx",
            "order: [node/node-1 unready, node/node-1 ready]",
        ),
    )
    .unwrap();
    let c = check(
        &l,
        "kubectl cordon node-1\nkubectl uncordon node-1\n",
        Lang::En,
    )
    .unwrap();
    assert_eq!(
        c.steps[0].why.as_deref(),
        Some("node-1 not Ready has not happened yet")
    );
    let c = check(
        &l,
        "fault node node-1 fail\nsleep 2m\nfault node node-1 recover\nsleep 1m\n",
        Lang::En,
    )
    .unwrap();
    assert!(c.all_passed(), "{}", lines(&c));
}
