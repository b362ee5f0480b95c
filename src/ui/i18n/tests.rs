//! The table's own checks (run natively by `tests/i18n.rs`).

use super::*;
use crate::sim::sort;
use std::collections::BTreeSet;

fn placeholders(s: &str) -> BTreeSet<usize> {
    pieces(s).1.into_iter().collect()
}

#[test]
fn every_key_has_both_languages() {
    assert!(Key::ALL.len() > 50);
    for &k in Key::ALL {
        let (en, zh) = (t(Lang::En, k), t(Lang::Zh, k));
        assert!(!en.trim().is_empty(), "{k:?}: English is empty");
        assert!(!zh.trim().is_empty(), "{k:?}: Chinese is empty");
        assert_eq!(
            placeholders(en),
            placeholders(zh),
            "{k:?}: placeholders differ"
        );
        if SAME_IN_BOTH.contains(&k) {
            assert_eq!(en, zh, "{k:?} is listed as the same in both");
        } else {
            assert_ne!(en, zh, "{k:?}: Chinese is a copy of the English");
            assert!(has_cjk(zh), "{k:?}: no Chinese in {zh:?}");
            assert!(!has_cjk(en), "{k:?}: Chinese in the English {en:?}");
        }
    }
}

#[test]
fn terms_follow_the_chinese_documents() {
    let all_zh: Vec<&str> = Key::ALL.iter().map(|&k| t(Lang::Zh, k)).collect();
    let templates_zh = TEMPLATES.iter().map(|(_, zh)| *zh);
    for zh in all_zh.iter().copied().chain(templates_zh) {
        // StatefulSet stays StatefulSet, as the Chinese docs write it.
        assert!(!zh.contains("有状态副本集"), "{zh}");
        assert!(!zh.contains("豆荚") && !zh.contains("容器组"), "{zh}");
    }
    assert_eq!(t(Lang::Zh, Key::Volumes), "持久卷（PV）");
    assert!(t(Lang::Zh, Key::Claims).contains("持久卷申领"));
    assert!(t(Lang::Zh, Key::StorageClasses).contains("存储类"));
}

#[test]
fn choosing_the_language() {
    assert_eq!(choose(Some("zh"), Some("en"), Some("en-US")), Lang::Zh);
    assert_eq!(choose(Some("en"), Some("zh"), Some("zh-CN")), Lang::En);
    // A query that names no language of the page does not count.
    assert_eq!(choose(Some("fr"), Some("zh"), None), Lang::Zh);
    assert_eq!(choose(None, Some("zh"), Some("en-US")), Lang::Zh);
    assert_eq!(choose(None, Some("en"), Some("zh-CN")), Lang::En);
    for nav in ["zh", "zh-CN", "zh-TW", "zh-Hant-HK", "ZH_cn"] {
        assert_eq!(choose(None, None, Some(nav)), Lang::Zh, "{nav}");
    }
    for nav in ["en-GB", "de-DE", "ja", ""] {
        assert_eq!(choose(None, None, Some(nav)), Lang::En, "{nav}");
    }
    assert_eq!(choose(None, None, None), Lang::En);
    for l in Lang::ALL {
        assert_eq!(Lang::parse(l.code()), Some(l));
        assert_eq!(Lang::parse(l.html_lang()), Some(l));
    }
    assert_eq!(Lang::Zh.html_lang(), "zh-CN");
}

/// Every console note of the core's, in both languages: the English is
/// the core's own (what the CLI prints), the Chinese keeps what varies.
#[test]
fn console_notes_in_both_languages() {
    use crate::sim::session::Note;
    let all = [
        Note::EditorBuffer { delete: false },
        Note::EditorBuffer { delete: true },
        Note::ApplyExample("web".into()),
        Note::ApplyFromHost,
        Note::SessionReset,
        Note::ReplayedTo(42),
        Note::Opened("mine.ordinal.json".into()),
        Note::LessonStarted("web".into()),
        Note::LessonOnCurrent("web".into()),
        Note::GateChanged("MaxUnavailableStatefulSet=true".into()),
        Note::Watching,
    ];
    for n in &all {
        // A new variant must be listed above (this match has no `_`).
        let arg = match n {
            Note::EditorBuffer { .. }
            | Note::ApplyFromHost
            | Note::SessionReset
            | Note::Watching => None,
            Note::GateChanged(g) => Some(g.as_str()),
            Note::ReplayedTo(_) => Some("42"),
            Note::Opened(name) => Some(name.as_str()),
            Note::ApplyExample(id) | Note::LessonStarted(id) | Note::LessonOnCurrent(id) => {
                Some(id.as_str())
            }
        };
        assert_eq!(note(Lang::En, n), n.to_string(), "{n:?}");
        let zh = note(Lang::Zh, n);
        assert!(has_cjk(&zh), "{n:?}: {zh}");
        // A comment line in English is one in Chinese.
        assert_eq!(
            zh.starts_with("# "),
            n.to_string().starts_with("# "),
            "{n:?}: {zh}"
        );
        if let Some(a) = arg {
            assert!(zh.contains(a), "{n:?} lost {a}: {zh}");
        }
    }
    assert_eq!(
        note(Lang::Zh, &Note::ReplayedTo(7)),
        "# 时间线：会话已重放到第 7 个事件"
    );
}

#[test]
fn tf_fills_placeholders_in_each_languages_order() {
    assert_eq!(
        tf(Lang::En, Key::WaitingOn, &["web-1", "why"]),
        "waiting on web-1: why"
    );
    assert_eq!(
        tf(Lang::Zh, Key::Counts, &["3", "2", "1"]),
        "期望 3 · 当前 2 · 就绪 1"
    );
}

#[test]
fn templates_translate_and_keep_what_varies() {
    assert_eq!(
        translate(Lang::Zh, "waiting for web-0 to be Running and Ready"),
        "等待 web-0 进入 Running 并就绪"
    );
    assert_eq!(
        translate(
            Lang::Zh,
            "waiting for web-3 to terminate before scaling down"
        ),
        "等待 web-3 终止后再缩容"
    );
    assert_eq!(
        translate(Lang::Zh, "waiting for web-2 to terminate"),
        "等待 web-2 终止"
    );
    assert_eq!(
        translate(
            Lang::Zh,
            "waiting for web-1 to be Running and Ready before scaling down web-4"
        ),
        "等待 web-1 进入 Running 并就绪后再缩容 web-4"
    );
    // Nested: the reason inside a banner is translated too.
    assert_eq!(
        translate(
            Lang::Zh,
            "Saved state \"ordinal.v1.session\" could not be used (version 0 instead of 1); \
             it was kept aside as \"ordinal.aside.v1.session\" and a fresh session started."
        ),
        "保存的状态“ordinal.v1.session”无法使用（版本为 0，而不是 1）；\
         它已另存为“ordinal.aside.v1.session”，并开始了新的会话。"
    );
    // A bad link's banner: the reason inside is worded too.
    assert_eq!(
        translate(
            Lang::Zh,
            "This link's session could not be opened: the link is damaged: an invalid \
             character at position 7 of its data. The default example was opened instead; \
             nothing saved in this browser was changed."
        ),
        "无法打开此链接中的会话：链接已损坏：其数据的第 7 个位置有无效字符。\
         已改为打开默认示例；此浏览器中保存的内容没有改动。"
    );
    let plain = "waiting for Godot";
    assert_eq!(translate(Lang::Zh, plain), plain);
    assert_eq!(
        translate(Lang::En, "waiting for web-0 to terminate"),
        "waiting for web-0 to terminate"
    );
    for (en, zh) in TEMPLATES {
        assert_eq!(placeholders(en), placeholders(zh), "{en}");
        assert!(has_cjk(zh), "{zh}");
    }
}

/// Every problem a lesson file can have, one broken file per message:
/// the English is the core's (what `ordinal lesson` prints); the page
/// words the problem in Chinese and keeps `file:line:col: `, the YAML
/// keys and the teacher's quoted values as they are.
#[test]
fn lesson_file_errors_have_templates() {
    use crate::sim::lessons::parse::parse;
    use crate::sim::lessons::MINIMAL as GOOD;
    let top = |from: &str, to: &str| {
        assert!(GOOD.contains(from), "{from}");
        GOOD.replacen(from, to, 1)
    };
    let cluster = |c: &str| top("steps:", &format!("cluster:\n{c}\nsteps:"));
    let gates = |g: &str| cluster(&format!("  featureGates:\n    {g}"));
    let check = |c: &str| top("exists: service/nginx", c);
    let no_steps = GOOD.split("steps:").next().unwrap_or_default().to_string();
    let cases: Vec<String> = vec![
        "id: [unclosed\n".into(),
        "- a\n- b\n".into(),
        format!("{GOOD}titel: x\n"),
        top("id: t", "id: [a, b]"),
        top("id: t\n", ""),
        top("id: t", "id: Web_1"),
        top("id: t", "id: \"\""),
        top("title: {en: T, zh: T}", "title: T"),
        top("title: {en: T, zh: T}", "title: {en: T, zh: \" \"}"),
        top("title: {en: T, zh: T}", "title: {en: T}"),
        top("title: {en: T, zh: T}", "title: {en: T, zh: T, fr: T}"),
        no_steps.clone(),
        format!("{no_steps}steps: []\n"),
        format!("{no_steps}steps: x\n"),
        cluster("  nodes: many"),
        top("steps:", "cluster: 3\nsteps:"),
        cluster("  timings: 5"),
        cluster("  timings:\n    nap_ms: 1"),
        cluster("  featureGates: x"),
        gates("PodIndexLabel: \"true\""),
        gates("NoSuchGate: true"),
        gates("StatefulSetStartOrdinal: false"),
        top("steps:", "setup: x\nsteps:"),
        top("steps:", "setup:\n  apply: {a: b}\nsteps:"),
        format!("{no_steps}steps: [x]\n"),
        top("    solution:", "    hints: x\n    solution:"),
        top("    solution:", "    hints: [x]\n    solution:"),
        top("    solution: kubectl get pods\n", ""),
        top(
            "    checks:\n      - exists: service/nginx\n",
            "    checks: []\n",
        ),
        top(
            "    checks:\n      - exists: service/nginx\n",
            "    checks: x\n",
        ),
        check("x"),
        top("      - exists: service/nginx", "      - {}"),
        check("exist: service/nginx"),
        check("{exists: service/nginx, gone: pod/web-0}"),
        check("exists: nginx"),
        check("exists: service/"),
        check("exists: widget/nginx"),
        check("exists: [service/nginx]"),
        check("exists: {object: service/nginx, colour: red}"),
        check("pod: {name: web-0, ready: 1}"),
        check("pod: {name: web-0, phase: Up}"),
        check("spread: x"),
        check("spread: {selector: 'app in web', count: 3}"),
        check("spread: {selector: app=web}"),
        check("ready_replicas: x"),
        check("ready_replicas: {object: service/nginx, count: 1}"),
        check("pv_phase: x"),
        check("pv_phase: {name: pv-1, phase: Gone}"),
        check("order: x"),
        check("order: [pod/web-0 ready]"),
        check("order: [pod/web-0, pod/web-1 ready]"),
        check("order: [pod/web-0 born, pod/web-1 ready]"),
        check("order: [pod/web-0 Ready, pod/web-1 created]"),
        check("order: {namespace: shop}"),
        check("exists: service/nginx\n        namespace: shop"),
        top("solution: kubectl get pods", "solution: slep 1s"),
        top("solution: kubectl get pods", "solution: sleep forever"),
        top("steps:", "setup:\n  script: |\n    fault\nsteps:"),
        check("event: x"),
        check("query: x"),
        check("query: {kubectl: get pods}"),
        check("query: {kubectl: get pods, equals: x, count: 2}"),
        check("endpoints: {service: web, ready: x}"),
        check("endpoints: {service: web, includes: [{a: b}]}"),
    ];
    // The templates `translate` uses for `text`, the nested ones too.
    fn uses(text: &str, used: &mut BTreeSet<&'static str>) -> bool {
        let found = TEMPLATES
            .iter()
            .find_map(|(en, _)| matches(en, text).map(|parts| (*en, parts)));
        let Some((en, parts)) = found else {
            return false;
        };
        used.insert(en);
        for part in parts {
            uses(&part, used);
        }
        true
    }
    let mut used = BTreeSet::new();
    for text in &cases {
        let e = parse("lessons/bad.yaml", text).expect_err(text);
        let en = e.to_string();
        assert!(
            uses(&e.message, &mut used),
            "no template for {:?}",
            e.message
        );
        // The core and the English page say it as the CLI does.
        assert_eq!(translate(Lang::En, &en), en);
        let zh = translate(Lang::Zh, &en);
        let place = format!("lessons/bad.yaml:{}:{}: ", e.line, e.column);
        let problem = zh
            .strip_prefix(&place)
            .unwrap_or_else(|| panic!("{en}: the place changed: {zh}"));
        assert!(has_cjk(problem), "{en}: {zh}");
        // Keys, paths and the teacher's values stay as written.
        for mark in ['"', '`'] {
            for kept in e.message.split(mark).skip(1).step_by(2) {
                assert!(problem.contains(kept), "{en} lost {kept:?}: {zh}");
            }
        }
        // The banners that carry it: the problem is worded inside.
        assert_eq!(
            translate(Lang::Zh, &format!("Lesson not opened: {en}")),
            format!("课程未打开：{zh}")
        );
    }
    // A lesson link that does not open says why, in words of its own.
    for link in ["#l7.abc", "#o1.abc", "#l1.a*c", "#l1.AAAA"] {
        let e = crate::sim::lessons::link::open_link(link).expect_err(link);
        assert!(uses(&e, &mut used), "no template for {e:?}");
        let zh = translate(Lang::Zh, &e);
        assert!(zh.starts_with("课程链接："), "{e}: {zh}");
        assert!(has_cjk(&zh["课程链接：".len()..]), "{e}: {zh}");
    }
    // One broken file or link per template: none is left untried.
    let first = TEMPLATES
        .iter()
        .position(|(en, _)| *en == "lesson link: {0}")
        .expect("the lesson templates");
    for (en, _) in &TEMPLATES[first..] {
        assert!(used.contains(en), "no broken lesson here says {en:?}");
    }
    // A new error in parse.rs needs a broken file here (and a template).
    let root = env!("CARGO_MANIFEST_DIR");
    let parse_rs = std::fs::read_to_string(format!("{root}/src/sim/lessons/parse.rs"))
        .unwrap_or_else(|e| panic!("parse.rs: {e}"));
    assert_eq!(
        parse_rs.matches(".err(").count(),
        37,
        "parse.rs's error sites changed: add a broken lesson above for each new message"
    );
    // A link's and a pasted lesson's file names are kept too.
    assert_eq!(
        translate(Lang::Zh, "lesson link:4:9: an empty check"),
        "lesson link:4:9: 空的检查"
    );
    assert_eq!(
        translate(Lang::Zh, "your lesson:1:1: the lesson has no steps"),
        "your lesson:1:1: 课程没有步骤"
    );
    assert_eq!(
        translate(Lang::Zh, "lesson link: the link has no lesson in it"),
        "课程链接：链接中没有课程"
    );
}

/// The string literals in `source` that start with `start`, with
/// Rust's `\"` unescaped and every `{...}` made a numbered placeholder.
fn literals(source: &str, start: &str) -> Vec<String> {
    let needle = format!("\"{start}");
    let mut out = Vec::new();
    for (i, _) in source.match_indices(&needle) {
        let line_start = source[..i].rfind('\n').map_or(0, |n| n + 1);
        if source[line_start..i].trim_start().starts_with("//") {
            continue;
        }
        let body = &source[i + 1..];
        let mut lit = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('"') => lit.push('"'),
                    Some('\\') => lit.push('\\'),
                    Some('\n') => {
                        // A continued line: skip the next line's indent.
                        let rest: String = chars.clone().collect();
                        let trimmed = rest.trim_start();
                        let skip = rest.chars().count() - trimmed.chars().count();
                        for _ in 0..skip {
                            chars.next();
                        }
                    }
                    Some(o) => lit.push(o),
                    None => break,
                },
                '"' => break,
                c => lit.push(c),
            }
        }
        // Named and positional arguments alike become {0}, {1}, ...
        let mut numbered = String::new();
        let mut n = 0;
        let mut rest = lit.as_str();
        while let Some(open) = rest.find('{') {
            let close = rest[open..]
                .find('}')
                .map(|c| open + c)
                .unwrap_or(rest.len());
            numbered.push_str(&rest[..open]);
            numbered.push_str(&format!("{{{n}}}"));
            n += 1;
            rest = &rest[(close + 1).min(rest.len())..];
        }
        numbered.push_str(rest);
        out.push(numbered);
    }
    out
}

/// Every sentence those layers can compose has a template: a new
/// reason or banner in English only fails here, not silently.
#[test]
fn every_composed_sentence_has_a_template() {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |p: &str| {
        std::fs::read_to_string(format!("{root}/{p}")).unwrap_or_else(|e| panic!("{p}: {e}"))
    };
    // The StatefulSet controller's sources (a folder, split as upstream splits it).
    let dir = format!("{root}/src/sim/controllers/statefulset");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    sort::sort(&mut files);
    let sts: String = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_default())
        .collect();
    let persist = read("src/ui/persist.rs");
    let saved = read("src/sim/session/saved.rs");
    let share = read("src/ui/share.rs");
    let lessons = read("src/ui/lessons.rs");
    let lazy = read("src/ui/lazy.rs");
    let mut sentences = literals(&sts, "waiting for ");
    assert!(sentences.len() >= 9, "{sentences:?}");
    for start in [
        "Saved state",
        "it was saved by",
        "version {} instead",
        "unreadable: ",
    ] {
        let found = literals(&persist, start);
        assert!(!found.is_empty(), "persist.rs no longer says {start:?}");
        sentences.extend(found);
    }
    // Banners the page composes from other sources, by file.
    for (file, source, starts) in [
        (
            "saved.rs",
            &saved,
            &[
                "this is not an Ordinal",
                "the link has no session",
                "no format version",
                "the session was saved by",
                "the link is damaged",
                "the session inside",
                "the session uses an example",
            ][..],
        ),
        ("share.rs", &share, &["{name} could not be"][..]),
        ("lazy.rs", &lazy, &["Not loaded: "][..]),
        (
            "lessons.rs",
            &lessons,
            &[
                "There is no bundled lesson",
                "Lesson not opened: ",
                "{file}: the id",
                "{name}: could not be read",
                "{}: could not be read",
                "{path}: ",
                "lesson-url ",
            ][..],
        ),
    ] {
        for start in starts {
            let found = literals(source, start);
            assert!(!found.is_empty(), "{file} no longer says {start:?}");
            sentences.extend(found);
        }
    }
    for s in sentences {
        // Fill each placeholder with a distinct sample; the Chinese
        // must be a template's and keep every sample.
        let samples: Vec<String> = (0..placeholders(&s).len())
            .map(|i| format!("x{i}y"))
            .collect();
        let refs: Vec<&str> = samples.iter().map(String::as_str).collect();
        let text = fill(&s, &refs);
        let zh = translate(Lang::Zh, &text);
        assert!(has_cjk(&zh), "no template for {s:?}");
        for sample in &samples {
            assert!(zh.contains(sample.as_str()), "{s:?} lost {sample}: {zh}");
        }
    }
}
