//! Script lines as `ordinal run`, the page's console, lessons and the
//! embedding API take them: `kubectl ...`, `sleep 30s`, `fault ...`,
//! comments, `\` continuations and heredocs. Parsed once, here, for every
//! face; [`Runner`] runs them against a session and writes the transcript a
//! terminal would show.

use super::Journaled;
use crate::sim::kubectl::{self, Watch};
use crate::sim::session::Input;

/// One logical script line (continuations joined) and where it started.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub number: usize,
    /// As written (continuation lines kept), for the echo.
    pub text: String,
    /// Joined, for execution.
    pub joined: String,
    /// A heredoc's body (`<<EOF` ... `EOF`): the command's stdin.
    pub stdin: Option<String>,
}

/// Finds a heredoc marker (`<<EOF`, `<< 'EOF'`, `<<-EOF`) outside quotes:
/// the line without it, the delimiter, and whether `<<-` strips tabs.
pub fn split_heredoc(line: &str) -> Option<(String, String, bool)> {
    let chars: Vec<char> = line.chars().collect();
    let (mut single, mut double) = (false, false);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if !single => i += 1,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '<' if !single && !double && chars.get(i + 1) == Some(&'<') => {
                let mut j = i + 2;
                let strip = chars.get(j) == Some(&'-');
                if strip {
                    j += 1;
                }
                while chars.get(j).is_some_and(|c| *c == ' ') {
                    j += 1;
                }
                let start = j;
                while chars.get(j).is_some_and(|c| !c.is_whitespace()) {
                    j += 1;
                }
                let word: String = chars[start..j].iter().collect();
                let word = word.trim_matches(|c| c == '\'' || c == '"').to_string();
                if word.is_empty() {
                    return None;
                }
                let mut rest: String = chars[..i].iter().collect();
                rest.push_str(&chars[j..].iter().collect::<String>());
                return Some((rest.trim_end().to_string(), word, strip));
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Splits a script into logical lines, joining `\` continuations.
pub fn logical_lines(script: &str) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut cur: Option<Line> = None;
    // An open heredoc: (delimiter, strip tabs, body so far).
    let mut heredoc: Option<(String, bool, String)> = None;
    for (i, raw) in script.lines().enumerate() {
        let raw = raw.trim_end_matches('\r');
        if let Some((delim, strip, body)) = heredoc.as_mut() {
            let l = if *strip {
                raw.trim_start_matches('\t')
            } else {
                raw
            };
            let last = out.last_mut().expect("a heredoc belongs to a line");
            last.text.push_str(&format!("\n> {l}"));
            if l == delim.as_str() {
                last.stdin = Some(std::mem::take(body));
                heredoc = None;
            } else {
                body.push_str(l);
                body.push('\n');
            }
            continue;
        }
        let line = cur.get_or_insert_with(|| Line {
            number: i + 1,
            text: String::new(),
            joined: String::new(),
            stdin: None,
        });
        if !line.text.is_empty() {
            line.text.push('\n');
        }
        line.text.push_str(raw);
        let trimmed = raw.trim_end();
        if let Some(body) = trimmed.strip_suffix('\\') {
            line.joined.push_str(body);
            line.joined.push(' ');
            continue;
        }
        line.joined.push_str(raw);
        let mut done = cur.take().expect("set above");
        if let Some((rest, delim, strip)) = split_heredoc(&done.joined) {
            done.joined = rest;
            heredoc = Some((delim, strip, String::new()));
        }
        out.push(done);
    }
    if let Some(l) = cur {
        out.push(l);
    }
    // An unterminated heredoc takes the rest of the script, as a shell does.
    if let Some((_, _, body)) = heredoc {
        if let Some(last) = out.last_mut() {
            last.stdin = Some(body);
        }
    }
    out
}

/// What a script line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Directive {
    Nothing,
    Kubectl(String),
    Sleep(u64),
    Fault(String),
}

pub fn parse_line(joined: &str) -> Result<Directive, String> {
    let t = joined.trim();
    if t.is_empty() || t.starts_with('#') {
        return Ok(Directive::Nothing);
    }
    let (word, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
    let rest = rest.trim();
    match word {
        "kubectl" => Ok(Directive::Kubectl(t.to_string())),
        "sleep" => kubectl::parse::parse_duration_ms(rest)
            .map(Directive::Sleep)
            .ok_or_else(|| format!("invalid duration \"{rest}\" (use 500ms, 30s, 2m)")),
        "fault" if !rest.is_empty() => Ok(Directive::Fault(rest.to_string())),
        "fault" => Err("fault needs a target (e.g. fault pod web-1 delete)".into()),
        other => Err(format!(
            "unknown directive \"{other}\" (expected kubectl, sleep, fault or # comment)"
        )),
    }
}

/// Splits a script into lines and parses each; the first line that does
/// not parse is named (`line 7: unknown directive "frobnicate"`).
pub fn parse_script(script: &str) -> Result<Vec<(Line, Directive)>, String> {
    logical_lines(script)
        .into_iter()
        .map(|l| {
            let d = parse_line(&l.joined).map_err(|e| format!("line {}: {e}", l.number))?;
            Ok((l, d))
        })
        .collect()
}

fn print_block(out: &mut String, s: &str) {
    out.push_str(s);
    if !s.is_empty() && !s.ends_with('\n') {
        out.push('\n');
    }
}

/// Runs script lines against a journaled `Sim` and keeps the transcript.
///
/// Time: commands run at the current virtual time. Before each line, the
/// controller syncs already due at that instant run (the cluster reacts at
/// once, but nothing that takes time happens). Only `sleep` moves the
/// clock, plus the kubectl commands that block in a terminal. A `kubectl
/// get -w` keeps printing changes during later `sleep` lines (which are
/// then not echoed) until the next kubectl or fault line.
pub struct Runner {
    pub sim: Journaled,
    pub out: String,
    watch: Option<Watch>,
}

impl Runner {
    pub fn new(sim: Journaled) -> Runner {
        Runner {
            sim,
            out: String::new(),
            watch: None,
        }
    }

    /// Runs the cluster to `t`, printing what an active watch sees.
    fn run_until(&mut self, t: u64) {
        match &mut self.watch {
            Some(w) => {
                while self.sim.next_time().is_some_and(|n| n <= t) {
                    self.sim.step();
                    for l in kubectl::watch_lines(&self.sim, w, 0) {
                        self.out.push_str(&l);
                        self.out.push('\n');
                    }
                }
                self.sim.advance_to(t);
            }
            None => self.sim.advance_to(t),
        }
    }

    /// Runs one parsed line. `files` are the contents of the files its
    /// `-f` flags name (the faces read them; the core has no file system).
    /// `false` when a kubectl command or a fault failed (what it printed is
    /// in the transcript, as in a terminal).
    pub fn run(
        &mut self,
        line: &Line,
        directive: &Directive,
        files: Vec<(String, String)>,
    ) -> bool {
        match directive {
            Directive::Nothing => true,
            Directive::Sleep(ms) => {
                // While a watch runs it holds the terminal: the sleep is
                // just how long it watches, so it is not echoed.
                if self.watch.is_none() {
                    self.out.push_str(&format!("$ {}\n", line.text.trim()));
                }
                let t = self.sim.now.saturating_add(*ms);
                self.run_until(t);
                true
            }
            Directive::Fault(spec) => {
                self.run_until(self.sim.now);
                self.watch = None;
                self.out.push_str(&format!("# fault {spec}\n"));
                let result = self.sim.input(Input::Fault(spec.clone()));
                let ok = result.is_ok();
                match result {
                    Ok(s) | Err(s) => print_block(&mut self.out, &s),
                }
                ok
            }
            Directive::Kubectl(cmd) => {
                self.run_until(self.sim.now);
                self.watch = None;
                self.out.push_str(&format!("$ {}\n", line.text.trim()));
                let mut files = files;
                if let Some(input) = &line.stdin {
                    files.push(("-".to_string(), input.clone()));
                }
                let result = self.sim.input(Input::Kubectl {
                    line: cmd.clone(),
                    files,
                });
                let ok = result.is_ok();
                match result {
                    Ok(s) | Err(s) => print_block(&mut self.out, &s),
                }
                if ok {
                    self.watch = kubectl::watch_request(&self.sim, cmd);
                }
                ok
            }
        }
    }

    /// Ends the script: a watch still running sees what is already due.
    pub fn finish(&mut self) {
        self.run_until(self.sim.now);
        self.watch = None;
    }
}

/// Runs a whole script on `sim` and returns its transcript, or `line N:
/// ...` for a line it cannot parse (then nothing runs). `read_files` gives
/// the contents of the files a kubectl line names.
pub fn run_script(
    script: &str,
    sim: Journaled,
    read_files: &dyn Fn(&str) -> Vec<(String, String)>,
) -> Result<String, String> {
    run(script, sim, read_files).map(|r| r.out)
}

/// [`run_script`], handing back the runner: its transcript and the session
/// it ran (the CLI draws its lifecycle chart).
pub fn run(
    script: &str,
    sim: Journaled,
    read_files: &dyn Fn(&str) -> Vec<(String, String)>,
) -> Result<Runner, String> {
    let parsed = parse_script(script)?;
    let mut runner = Runner::new(sim);
    for (l, d) in &parsed {
        let files = match d {
            Directive::Kubectl(cmd) => read_files(cmd),
            _ => Vec::new(),
        };
        runner.run(l, d, files);
    }
    runner.finish();
    Ok(runner)
}
