//! The page's string table (`src/ui/i18n/`) compiled and tested natively:
//! the module names no web crate, so its tests run with `cargo test`
//! although `src/ui/` is otherwise built for wasm32 only.

#[allow(dead_code)]
#[path = "../src/ui/i18n/mod.rs"]
mod i18n;

/// `i18n/` words the core's console notes (`crate::sim::session::Note`)
/// and its tests word lesson-file errors (`crate::sim::lessons::parse`) and sort
/// with `crate::sim::sort`;
/// `chart_words.rs` builds the chart's words (`crate::sim::chart`).
mod sim {
    pub use ordinal::sim::chart;
    pub use ordinal::sim::lessons;
    pub use ordinal::sim::session;
    pub use ordinal::sim::sort;
}

/// The chart's words from the table (`src/ui/chart_words.rs`).
#[path = "../src/ui/chart_words.rs"]
mod chart_words;

/// The chart drawn in the page's Chinese: its title, description, row label
/// and legend are Chinese; the English words are exactly the core's (the
/// CLI's and the golden chart's).
#[test]
fn the_chart_in_both_languages() {
    use ordinal::sim::chart::{self, ChartWords, MarkKind, Phase, SvgOptions};
    use ordinal::sim::engine::Sim;
    use ordinal::sim::session::Input;
    assert_eq!(
        chart_words::chart_words(i18n::Lang::En),
        ChartWords::default()
    );
    let mut sim = Sim::new(3);
    for (line, then) in [
        ("kubectl apply -f web.yaml", 30_000),
        ("kubectl scale statefulset web --replicas=4", 60_000),
        ("kubectl delete pod web-1 --wait=false", 30_000),
    ] {
        sim.input(Input::Kubectl {
            line: line.into(),
            files: Vec::new(),
        })
        .unwrap_or_else(|e| panic!("{line}: {e}"));
        sim.advance(then);
    }
    let c = chart::build(&sim, &chart::Options::default());
    let zh_words = chart_words::chart_words(i18n::Lang::Zh);
    let zh = chart::render(
        &c,
        &SvgOptions {
            words: zh_words.clone(),
            ..SvgOptions::default()
        },
    );
    let en = chart::render(&c, &SvgOptions::default());
    let cut = |svg: &str, open: &str, close: &str| -> String {
        let start = svg.find(open).expect(open) + open.len();
        svg[start..start + svg[start..].find(close).expect(close)].to_string()
    };
    let title = cut(&zh, "<title id=\"oc-title\">", "</title>");
    let desc = cut(&zh, "<desc id=\"oc-desc\">", "</desc>");
    assert!(
        i18n::has_cjk(&title) && i18n::has_cjk(&desc),
        "{title} {desc}"
    );
    assert_eq!(
        cut(&en, "<desc id=\"oc-desc\">", "</desc>"),
        ChartWords::default().desc
    );
    for w in [
        "Lifecycle",
        "objects",
        "virtual time",
        "One row",
        "Marks",
        "commands",
    ] {
        assert!(
            !title.contains(w) && !desc.contains(w),
            "{w}: {title} {desc}"
        );
    }
    assert!(zh.contains(">命令</text>") && !zh.contains(">commands</text>"));
    let legend = cut(&zh, "<g class=\"legend\">", "</g></svg>");
    let names: Vec<&str> = legend
        .split("<text")
        .skip(1)
        .filter_map(|t| t.split_once('>').and_then(|(_, r)| r.split_once("</text>")))
        .map(|(t, _)| t)
        .collect();
    assert!(names.len() >= 4, "{names:?}");
    for n in &names {
        // Kubernetes phase values stay beside their Chinese word (Pending（悬决）),
        // as the Chinese documents write them; no name is the English alone.
        assert!(i18n::has_cjk(n), "legend name {n:?} is not Chinese");
        let english = Phase::ALL
            .iter()
            .map(|p| p.name())
            .chain(MarkKind::ALL.iter().map(|k| k.name()));
        assert!(english.clone().all(|e| e != *n), "{n}");
    }
    assert!(names.contains(&"就绪"), "Ready is 就绪: {names:?}");
    // The panel's table speaks the same words as the picture.
    let table = chart::table_in(&c, &zh_words);
    assert!(table.iter().any(|r| r[0] == "命令"));
    assert!(table.iter().all(|r| i18n::has_cjk(&r[3])), "state column");
    for r in &table {
        assert!(
            names.contains(&r[3].as_str()),
            "{} is not in the legend",
            r[3]
        );
    }
}
