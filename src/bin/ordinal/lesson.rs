//! `ordinal lesson list|show|check|link`: lessons for grading a class. The
//! lesson model, checks and evaluation are the core's (`sim::lessons`);
//! this only reads files and prints.

use ordinal::sim::lessons::{self, checks, link, markdown, run, Lang, Lesson};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const USAGE: &str =
    "  ordinal lesson list [--lang en|zh]              the bundled lessons, id and title
  ordinal lesson show ID|FILE [--lang en|zh]       a lesson's steps, hints and checks
  ordinal lesson check ID|FILE SCRIPT|- [--lang en|zh] [--transcript]
  ordinal lesson check ID|FILE --solution          set the lesson up, run the script
                     (or the lesson's own solution) checking after every line, print
                     one line per step (exit 0 all passed, 1 some did not, 2 unusable)
  ordinal lesson link FILE [URL]                   a link that carries the lesson file in its
                     fragment (#l1.…), after URL (the page's address) when given;
                     show and check take such a link where they take a FILE
";

/// A bundled lesson by id, or a lesson file.
fn load(what: &str) -> Result<Lesson, String> {
    if let Some(l) = lessons::bundled(what) {
        return l.map_err(|e| e.to_string());
    }
    // The link `lesson link` printed (`…#l1.…`): a teacher checks what
    // the class will open. A file of that name wins.
    if link::is_link(what.rsplit_once('#').map_or(what, |(_, f)| f)) && !Path::new(what).is_file() {
        return link::open_link(what).map(|(_, l)| l);
    }
    let text = std::fs::read_to_string(what).map_err(|e| {
        let ids: Vec<&str> = lessons::BUNDLED.iter().map(|(id, _, _)| *id).collect();
        format!(
            "{what}: not a bundled lesson ({}) nor a readable file: {e}",
            ids.join(", ")
        )
    })?;
    lessons::parse(what, &text).map_err(|e| e.to_string())
}

fn list(lang: Lang) -> String {
    let mut out = String::new();
    let width = lessons::BUNDLED
        .iter()
        .map(|(id, _, _)| id.len())
        .max()
        .unwrap_or(0);
    for r in lessons::all_bundled() {
        match r {
            Ok(l) => out.push_str(&format!("{:width$}  {}\n", l.id, l.title.get(lang))),
            Err(e) => out.push_str(&format!("{e}\n")),
        }
    }
    out
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{by}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lesson as a teacher reads it in a terminal.
pub fn show(l: &Lesson, lang: Lang) -> String {
    let (hint, checks_word) = match lang {
        Lang::En => ("Hint", "Checks"),
        Lang::Zh => ("提示", "检查"),
    };
    let mut out = format!("{} ({})\n\n", l.title.get(lang), l.id);
    out.push_str(&markdown::to_plain(&markdown::parse(l.summary.get(lang))));
    out.push_str("\n\n");
    // A cluster away from v1.31's defaults says so before the steps.
    let gates = l.cluster.config.feature_gates.non_default();
    if !gates.is_empty() {
        let word = match lang {
            Lang::En => "Feature gates: ",
            Lang::Zh => "特性门控：",
        };
        out.push_str(&format!("{word}{}\n\n", gates.join(", ")));
    }
    for (i, s) in l.steps.iter().enumerate() {
        out.push_str(&format!("{}. {}\n\n", i + 1, s.title.get(lang)));
        let text = markdown::to_plain(&markdown::parse(s.text.get(lang)));
        out.push_str(&indent(&text, "   "));
        out.push_str("\n\n");
        for h in &s.hints {
            let t = markdown::to_plain(&markdown::parse(h.get(lang)));
            out.push_str(&indent(&format!("{hint}: {t}"), "   "));
            out.push('\n');
        }
        out.push_str(&format!("   {checks_word}:\n"));
        for c in &s.checks {
            out.push_str(&format!("   - {}\n", checks::describe_in(c, lang)));
        }
        out.push('\n');
    }
    out
}

pub fn main(args: &[String]) -> ExitCode {
    let mut lang = Lang::En;
    let mut solution = false;
    let mut transcript = false;
    let mut positional: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let value = if a == "--lang" {
            i += 1;
            Some(args.get(i).map(String::as_str).unwrap_or(""))
        } else {
            a.strip_prefix("--lang=")
        };
        if let Some(v) = value {
            match Lang::parse(v) {
                Some(l) => lang = l,
                None => {
                    eprintln!("ordinal: --lang is en or zh, not \"{v}\"");
                    return ExitCode::from(2);
                }
            }
        } else if a == "--solution" {
            solution = true;
        } else if a == "--transcript" {
            transcript = true;
        } else if a.starts_with('-') && a != "-" {
            eprintln!("ordinal: unknown argument \"{a}\"\n\nUsage:\n{USAGE}");
            return ExitCode::from(2);
        } else {
            positional.push(a.to_string());
        }
        i += 1;
    }
    let words: Vec<&str> = positional.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["help"] | [] if !solution => {
            print!("Usage:\n{USAGE}");
            if words.is_empty() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        ["list"] => {
            print!("{}", list(lang));
            ExitCode::SUCCESS
        }
        ["show", what] => match load(what) {
            Ok(l) => {
                print!("{}", show(&l, lang));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("ordinal: {e}");
                ExitCode::from(2)
            }
        },
        ["link", file] => link_line(file, ""),
        ["link", file, url] => link_line(file, url),
        ["check", what] if solution => check(what, None, lang, transcript),
        ["check", what, script] if !solution => check(what, Some(script), lang, transcript),
        _ => {
            eprintln!("Usage:\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The link a teacher sends: the lesson file, checked, in the fragment.
fn link_line(file: &str, url: &str) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("ordinal: {file}: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = lessons::parse(file, &text) {
        eprintln!("ordinal: {e}");
        return ExitCode::from(2);
    }
    let base = url.split('#').next().unwrap_or("");
    println!("{base}#{}", link::to_link(&text));
    ExitCode::SUCCESS
}

fn check(what: &str, script_path: Option<&str>, lang: Lang, transcript: bool) -> ExitCode {
    let lesson = match load(what) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("ordinal: {e}");
            return ExitCode::from(2);
        }
    };
    let (script, base) = match script_path {
        None => (run::solution(&lesson), PathBuf::from(".")),
        Some("-") => {
            let mut s = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                eprintln!("ordinal: reading stdin: {e}");
                return ExitCode::from(2);
            }
            (s, PathBuf::from("."))
        }
        Some(p) => match std::fs::read_to_string(p) {
            Ok(s) => (
                s,
                Path::new(p)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from(".")),
            ),
            Err(e) => {
                eprintln!("ordinal: {p}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let name = script_path.unwrap_or("solution");
    match run::check_with(
        &lesson,
        &script,
        &|line| super::read_files(line, &base),
        lang,
    ) {
        Ok(c) => {
            if transcript {
                print!("{}", c.transcript);
                println!();
            }
            for s in &c.steps {
                println!("{}", s.line());
            }
            if c.all_passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("ordinal: {name}: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ordinal lesson show|check` take the link `ordinal lesson link`
    /// prints, so a teacher checks what the class opens; a damaged one
    /// says so (before: "not a bundled lesson nor a readable file").
    #[test]
    fn a_lesson_link_loads_like_its_file() {
        let text = lessons::BUNDLED[0].2;
        let url = format!("https://example.org/ordinal/#{}", link::to_link(text));
        assert_eq!(load(&url).unwrap().id, lessons::BUNDLED[0].0);
        let cut = &url[..url.len() - 9];
        let e = load(cut).unwrap_err();
        assert!(
            e.starts_with("lesson link: the lesson link is damaged"),
            "{e}"
        );
    }

    #[test]
    fn list_names_every_bundled_lesson() {
        let l = list(Lang::En);
        assert_eq!(l.lines().count(), lessons::BUNDLED.len());
        assert!(
            l.starts_with("web        StatefulSet basics: nginx web\n"),
            "{l}"
        );
        assert!(list(Lang::Zh).contains("zookeeper  ZooKeeper:反亲和性"));
    }

    #[test]
    fn show_names_the_feature_gates_a_lesson_turns_on() {
        let text = "id: g\ntitle: {en: G, zh: 门}\nsummary: {en: S, zh: 概要}\ncluster:\n  featureGates: {MaxUnavailableStatefulSet: true}\nsteps:\n  - title: {en: One, zh: 一}\n    text: {en: Do it, zh: 做}\n    solution: kubectl get pods\n    checks: [{exists: service/x}]\n";
        let l = lessons::parse("g.yaml", text).unwrap();
        assert!(show(&l, Lang::En).starts_with(
            "G (g)\n\nS\n\nFeature gates: MaxUnavailableStatefulSet=true\n\n1. One\n"
        ));
        assert!(show(&l, Lang::Zh).contains("\n\n特性门控：MaxUnavailableStatefulSet=true\n\n"));
        // v1.31's defaults: no line.
        assert!(!show(&load("web").unwrap(), Lang::En).contains("Feature gates"));
    }

    #[test]
    fn show_prints_steps_hints_and_checks_in_either_language() {
        let l = load("web").unwrap();
        let en = show(&l, Lang::En);
        assert!(
            en.starts_with("StatefulSet basics: nginx web (web)\n"),
            "{en}"
        );
        assert!(en.contains("4. Scale up to 5\n"), "{en}");
        assert!(
            en.contains("   Hint: `kubectl scale statefulset web --replicas=5`"),
            "{en}"
        );
        assert!(
            en.contains("   - StatefulSet web has 5 ready replicas\n"),
            "{en}"
        );
        let zh = show(&l, Lang::Zh);
        assert!(zh.contains("4. 扩容到 5 个副本\n"), "{zh}");
        assert!(zh.contains("   提示: "), "{zh}");
        assert!(load("nope").unwrap_err().contains("not a bundled lesson"));
    }
}
