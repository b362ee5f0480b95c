//! Running a lesson: its cluster and setup, then a student's script with
//! the checks evaluated after every line, as the page evaluates them after
//! every change. Shared by `ordinal lesson check` and the tests.

use super::{checks, Lang, Lesson, Progress};
use crate::sim::engine::Sim;
use crate::sim::session::saved::{self, Saved};
use crate::sim::session::script::{parse_script, Directive, Runner};
use crate::sim::session::Input;
use crate::sim::session::{Journaled, Session};

/// The simulation a lesson starts from: its cluster, then its setup
/// (manifests applied, script lines run, faults injected).
pub fn start(lesson: &Lesson) -> Result<Journaled, String> {
    let mut sim = Journaled::with_config(lesson.cluster.seed, lesson.cluster.config.clone());
    for text in &lesson.setup.apply {
        sim.input(Input::Manifest {
            text: text.clone(),
            delete: false,
        })
        .map_err(|e| format!("setup: applying a manifest failed: {e}"))?;
    }
    let mut runner = Runner::new(sim);
    // A setup command that fails (a typo, a file the setup cannot read)
    // would leave the class a cluster the steps do not expect: refuse it.
    for (line, directive) in
        parse_script(&lesson.setup.script).map_err(|e| format!("setup script: {e}"))?
    {
        let before = runner.out.len();
        if !runner.run(&line, &directive, Vec::new()) {
            let printed = runner.out[before..]
                .lines()
                .nth(1)
                .unwrap_or("")
                .to_string();
            let text = line.text.trim();
            return Err(format!(
                "setup script, line {}: `{text}` failed: {printed}",
                line.number
            ));
        }
    }
    runner.finish();
    let mut sim = runner.sim;
    for f in &lesson.setup.faults {
        sim.input(Input::Fault(f.clone()))
            .map_err(|e| format!("setup fault \"{f}\": {e}"))?;
    }
    // What the setup set off at this instant runs (a static volume turns
    // Available) before the student starts.
    let now = sim.now;
    sim.advance_to(now);
    Ok(sim)
}

/// The lesson's start as a [`Session`] for the page: its journal (cluster,
/// setup) replayed, so history, scrubbing and saving work as for any
/// session. `editor` is what the page's editor holds.
pub fn start_session(lesson: &Lesson, editor: Option<String>) -> Result<Session, String> {
    let sim = start(lesson)?;
    let saved = Saved {
        version: saved::VERSION,
        seed: sim.seed,
        config: sim.config.clone(),
        journal: saved::compact(sim.journal()),
        example: String::new(),
        editor,
        position: None,
    };
    Ok(Session::open(&saved))
}

/// The editor text a lesson's setup asks for: a built-in example's
/// manifests (`editor: web`) or the text itself.
pub fn editor_text(lesson: &Lesson) -> Option<String> {
    lesson.setup.editor.as_ref().map(|e| {
        crate::sim::examples::by_id(e)
            .and_then(|x| x.yaml())
            .map(str::to_string)
            .unwrap_or_else(|| e.clone())
    })
}

/// Runs a script's lines with the core's script runner, calling `after`
/// once each line has run (as the page re-evaluates after every change).
/// `read_files` gives the files a kubectl line names with `-f`. `Err`
/// names a line that cannot be parsed; then nothing runs.
pub fn run_lines(
    runner: &mut Runner,
    script: &str,
    read_files: &dyn Fn(&str) -> Vec<(String, String)>,
    after: &mut dyn FnMut(&Sim),
) -> Result<(), String> {
    let parsed = parse_script(script)?;
    for (line, directive) in &parsed {
        let files = match directive {
            Directive::Kubectl(cmd) => read_files(cmd),
            _ => Vec::new(),
        };
        runner.run(line, directive, files);
        if *directive != Directive::Nothing {
            after(&runner.sim);
        }
    }
    runner.finish();
    after(&runner.sim);
    Ok(())
}

fn no_files(_: &str) -> Vec<(String, String)> {
    Vec::new()
}

/// One step's line in a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReport {
    /// 1-based.
    pub number: usize,
    pub title: String,
    pub passed: bool,
    /// Why it did not pass.
    pub why: Option<String>,
}

impl StepReport {
    /// `✓ 1 title` or `✗ 2 title: why`.
    pub fn line(&self) -> String {
        match (&self.why, self.passed) {
            (_, true) => format!("✓ {} {}", self.number, self.title),
            (Some(w), false) => format!("✗ {} {}: {w}", self.number, self.title),
            (None, false) => format!("✗ {} {}", self.number, self.title),
        }
    }
}

/// The result of checking a script against a lesson.
pub struct Checked {
    pub progress: Progress,
    pub sim: Journaled,
    /// What the student's script printed, as `ordinal run` prints it.
    pub transcript: String,
    pub steps: Vec<StepReport>,
}

impl Checked {
    pub fn all_passed(&self) -> bool {
        self.progress.done()
    }
}

/// Sets the lesson up, runs `script` with the checks evaluated after every
/// line, and reports every step. `Err` when the setup or the script cannot
/// be used.
pub fn check(lesson: &Lesson, script: &str, lang: Lang) -> Result<Checked, String> {
    check_with(lesson, script, &no_files, lang)
}

/// [`check`], with the files the script's `-f` flags name.
pub fn check_with(
    lesson: &Lesson,
    script: &str,
    read_files: &dyn Fn(&str) -> Vec<(String, String)>,
    lang: Lang,
) -> Result<Checked, String> {
    // A script that cannot be parsed is unusable before anything runs.
    parse_script(script)?;
    let sim = start(lesson)?;
    let mut progress = Progress::new(lesson);
    progress.update(lesson, &sim);
    let mut runner = Runner::new(sim);
    run_lines(&mut runner, script, read_files, &mut |s| {
        progress.update(lesson, s);
    })?;
    let steps = report(lesson, &progress, &runner.sim, lang);
    Ok(Checked {
        progress,
        sim: runner.sim,
        transcript: runner.out,
        steps,
    })
}

/// Each step passed or why not: the first failing check's reason; a later
/// step whose checks hold but that comes after a failed one was not reached.
pub fn report(lesson: &Lesson, progress: &Progress, sim: &Sim, lang: Lang) -> Vec<StepReport> {
    let first_failed = progress.current();
    lesson
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let passed = progress.passed.get(i).copied().unwrap_or(false);
            let why = if passed {
                None
            } else {
                let failing = step
                    .checks
                    .iter()
                    .find_map(|c| checks::evaluate_in(c, sim, lang).err());
                Some(match (failing, first_failed) {
                    (Some(w), _) => w,
                    (None, Some(f)) if f < i => match lang {
                        Lang::En => format!("not reached: step {} did not pass first", f + 1),
                        Lang::Zh => format!("未到达:第 {} 步还没有通过", f + 1),
                    },
                    (None, _) => match lang {
                        Lang::En => "its checks did not all hold at once".to_string(),
                        Lang::Zh => "它的检查没有同时成立".to_string(),
                    },
                })
            };
            StepReport {
                number: i + 1,
                title: step.title.get(lang).to_string(),
                passed,
                why,
            }
        })
        .collect()
}

/// The lesson's own solution: every step's solution lines, in order.
pub fn solution(lesson: &Lesson) -> String {
    let mut s = String::new();
    for step in &lesson.steps {
        s.push_str(&step.solution);
        if !s.ends_with('\n') {
            s.push('\n');
        }
    }
    s
}
