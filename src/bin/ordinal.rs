//! The headless CLI: runs a script of kubectl lines, sleeps and faults
//! against the simulation and prints a terminal-like transcript.
//!
//! Time: commands run at the current virtual time. Before each line, the
//! controller syncs already due at that instant run (the cluster reacts at
//! once, but nothing that takes time, like an image pull, happens). Only
//! `sleep` moves the clock, plus blocking kubectl commands (`rollout
//! status`, `wait`, `delete` waiting for the object to go, `drain`,
//! `run -i`) which run the cluster until they are done, as a terminal
//! would block.
//!
//! `kubectl get -w` keeps printing changes (during later `sleep` lines,
//! which are then not echoed) until the next kubectl or fault line.

// The simulation allocates and frees a great deal (JSON maps): mimalloc
// takes about a quarter off the CPU of a run against glibc's malloc
// (docs/perf14.md), asked for a plain block where one is aligned enough
// (src/alloc.rs). Transparent huge pages off: with them, fresh pages were
// zeroed 2 MiB at a time and the memory peak grew by a fifth.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOC: ordinal::alloc::Allocator = ordinal::alloc::Allocator;

use ordinal::sim::chart;
use ordinal::sim::engine::{Config, Sim};
use ordinal::sim::kubectl;
use ordinal::sim::session::saved::Saved;
use ordinal::sim::session::script;
use ordinal::sim::session::{Journaled, Session};
use ordinal::sim::sort;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "ordinal/lesson.rs"]
mod lesson;

const USAGE: &str = "Usage:
  ordinal run [--seed N] [--nodes N] [--feature-gates=A=true,...] [SCRIPT|-]
                                                  run a script, print a transcript
                                                  (gates: v1.31's defaults unless set)
        [--chart OUT.svg [--chart-theme light|dark] [--chart-width PX]]
                     and draw the session's lifecycle chart as SVG
  ordinal replay [--seed N] [--memory] SESSION   replay a saved session (an .ordinal.json
                     file, the page's localStorage \"ordinal.v1.session\", or a share
                     link), print its trace hash (--memory: and the bytes its
                     scrubbing snapshots hold, against their bound)
  ordinal lesson list|show|check ...              classroom lessons that check themselves
                     (ordinal lesson help)
  ordinal --version

Script lines:
  kubectl ...        a kubectl command (-f paths relative to the script)
  sleep DURATION     advance virtual time (500ms, 30s, 2m)
  fault ...          inject a fault (pod NAME delete|force-delete|unready|ready|crash,
                     node NAME fail|recover, pv NAME lose, storageclass NAME break|fix)
  # comment, blank lines
A line ending in \\ continues on the next.
";

/// Reads the files a kubectl line names with `-f`, relative to `base`.
/// A directory gives every .yaml/.yml/.json file in it.
fn read_files(line: &str, base: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in kubectl::file_args(line) {
        let p: PathBuf = if Path::new(&f).is_absolute() {
            PathBuf::from(&f)
        } else {
            base.join(&f)
        };
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&p)
                .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            sort::sort(&mut entries);
            for e in entries {
                let ext = e.extension().and_then(|x| x.to_str()).unwrap_or("");
                if matches!(ext, "yaml" | "yml" | "json") {
                    if let Ok(text) = std::fs::read_to_string(&e) {
                        let name = e.file_name().and_then(|n| n.to_str()).unwrap_or("");
                        out.push((format!("{}/{name}", f.trim_end_matches('/')), text));
                    }
                }
            }
        } else if let Ok(text) = std::fs::read_to_string(&p) {
            out.push((f.clone(), text));
        }
    }
    out
}

/// Runs a script and returns its transcript, or `line N: ...` for a line
/// it cannot parse (nothing after it runs).
pub fn run_script(script: &str, base: &Path, seed: u64, config: Config) -> Result<String, String> {
    run_script_sim(script, base, seed, config).map(|(t, _)| t)
}

/// [`run_script`], also handing back the session (for `--chart`).
pub fn run_script_sim(
    script: &str,
    base: &Path,
    seed: u64,
    config: Config,
) -> Result<(String, Sim), String> {
    let runner = script::run(script, Journaled::with_config(seed, config), &|line| {
        read_files(line, base)
    })?;
    Ok((runner.out, runner.sim.into_sim()))
}

/// Replays a saved session (the page's local storage JSON, a
/// `.ordinal.json` file or a share link) and prints what identifies its
/// trace: the hash and the event count, at its saved scrub position.
pub fn replay_session(text: &str, seed: Option<u64>) -> Result<String, String> {
    replay_open(text, seed).map(|s| trace_lines(&s))
}

fn replay_open(text: &str, seed: Option<u64>) -> Result<Session, String> {
    let mut saved = Saved::open(text).map_err(|e| e.to_string())?;
    if let Some(seed) = seed {
        saved.seed = seed;
    }
    Ok(Session::open(&saved))
}

/// What `replay --memory` adds: the snapshots the session keeps for
/// scrubbing and the estimate of their heap bytes against the bound.
fn memory_lines(session: &Session) -> String {
    format!(
        "snapshots {}
snapshot-bytes {}
snapshot-bytes-bound {}
",
        session.snapshot_count(),
        session.snapshot_bytes(),
        ordinal::sim::session::MAX_SNAPSHOT_BYTES
    )
}

fn trace_lines(session: &Session) -> String {
    format!(
        "trace-hash {}\nevents {}\n",
        session.trace_hash(),
        session.sim().log.len()
    )
}

/// Whether `replay`'s argument is a share link given as it is (a URL with
/// `#o1.…`, or the fragment with or without `#`) rather than a file: a
/// file of that name wins. A damaged link then says what is wrong with it,
/// not that no file has its name.
fn names_a_link(arg: &str) -> bool {
    let frag = arg.rsplit_once('#').map_or(arg, |(_, f)| f);
    let versioned = frag
        .strip_prefix('o')
        .and_then(|r| r.split_once('.'))
        .is_some_and(|(v, _)| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    (arg.contains('#') || versioned) && !Path::new(arg).is_file()
}

fn replay_main(args: &[String]) -> ExitCode {
    let mut seed: Option<u64> = None;
    let mut path: Option<String> = None;
    let mut memory = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--memory" {
            memory = true;
            i += 1;
            continue;
        }
        let v = if a == "--seed" {
            i += 1;
            args.get(i).map(String::as_str)
        } else {
            a.strip_prefix("--seed=")
        };
        if a == "--seed" || a.starts_with("--seed=") {
            match v.and_then(|v| v.parse().ok()) {
                Some(s) => seed = Some(s),
                None => {
                    eprintln!("ordinal: --seed needs a number\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            }
        } else if path.is_none() && (!a.starts_with('-') || a == "-") {
            path = Some(a.clone());
        } else {
            eprintln!("ordinal: unknown argument \"{a}\"\n\n{USAGE}");
            return ExitCode::from(2);
        }
        i += 1;
    }
    let path = path.unwrap_or_else(|| "-".into());
    let json = if path == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else if names_a_link(&path) {
        Ok(path.clone())
    } else {
        std::fs::read_to_string(&path)
    };
    match json
        .map_err(|e| e.to_string())
        .and_then(|j| replay_open(&j, seed))
        .map(|s| {
            let mut out = trace_lines(&s);
            if memory {
                out.push_str(&memory_lines(&s));
            }
            out
        }) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ordinal: {path}: {e}");
            ExitCode::from(1)
        }
    }
}

/// `--chart FILE`, `--chart-theme`, `--chart-width` (see docs/chart.md).
#[derive(Default)]
struct ChartArgs {
    path: Option<String>,
    svg: chart::SvgOptions,
}

impl ChartArgs {
    fn set(&mut self, flag: &str, v: &str) -> Result<(), String> {
        match flag {
            "--chart" => self.path = Some(v.to_string()),
            "--chart-theme" => {
                self.svg.theme = chart::Theme::parse(v)
                    .ok_or(format!("--chart-theme: light or dark, not {v}"))?
            }
            _ => {
                self.svg.width = v
                    .parse()
                    .ok()
                    .filter(|w| *w >= chart::SvgOptions::MIN_WIDTH)
                    .ok_or(format!(
                        "--chart-width: a number of pixels, at least {}",
                        chart::SvgOptions::MIN_WIDTH
                    ))?
            }
        }
        Ok(())
    }

    /// Writes the chart, if asked for.
    fn write(&self, sim: &Sim) -> ExitCode {
        let Some(path) = &self.path else {
            return ExitCode::SUCCESS;
        };
        let svg = chart::render(&chart::build(sim, &chart::Options::default()), &self.svg);
        match std::fs::write(path, svg) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ordinal: --chart {path}: {e}");
                ExitCode::from(1)
            }
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("replay") => return replay_main(&args[1..]),
        Some("lesson") => return lesson::main(&args[1..]),
        Some("--version") | Some("-V") | Some("version") => {
            println!(
                "ordinal {} (Kubernetes {} behaviour)",
                ordinal::sim::VERSION,
                ordinal::sim::KUBERNETES_VERSION
            );
            return ExitCode::SUCCESS;
        }
        Some("run") => {}
        Some("--help") | Some("-h") | Some("help") | None => {
            print!("{USAGE}");
            return if args.is_empty() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
        Some(other) => {
            eprintln!("ordinal: unknown command \"{other}\"\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let mut seed = 1u64;
    let mut config = Config::default();
    let mut script_path: Option<String> = None;
    let mut chart = ChartArgs::default();
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = || -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i).cloned().ok_or(format!("{name} needs a value"))
        };
        let r: Result<(), String> = match name.as_str() {
            "--seed" => value().and_then(|v| {
                v.parse()
                    .map(|s| seed = s)
                    .map_err(|_| format!("--seed: not a number: {v}"))
            }),
            "--nodes" => value().and_then(|v| {
                v.parse()
                    .map(|n| config.nodes = n)
                    .map_err(|_| format!("--nodes: not a number: {v}"))
            }),
            "--feature-gates" => value().and_then(|v| {
                ordinal::sim::features::FeatureGates::parse(&v)
                    .map(|g| config.feature_gates = g)
                    .map_err(|e| {
                        format!("invalid argument \"{v}\" for \"--feature-gates\" flag: {e}")
                    })
            }),
            "--chart" | "--chart-theme" | "--chart-width" => {
                value().and_then(|v| chart.set(&name, &v))
            }
            _ if script_path.is_none() && (!a.starts_with('-') || a == "-") => {
                script_path = Some(a.clone());
                Ok(())
            }
            _ => Err(format!("unknown argument \"{a}\"")),
        };
        if let Err(e) = r {
            eprintln!("ordinal: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
        i += 1;
    }
    let path = script_path.unwrap_or_else(|| "-".into());
    let (script, base) = if path == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("ordinal: reading stdin: {e}");
            return ExitCode::from(1);
        }
        (s, PathBuf::from("."))
    } else {
        match std::fs::read_to_string(&path) {
            Ok(s) => (
                s,
                Path::new(&path)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from(".")),
            ),
            Err(e) => {
                eprintln!("ordinal: {path}: {e}");
                return ExitCode::from(1);
            }
        }
    };
    match run_script_sim(&script, &base, seed, config) {
        Ok((t, sim)) => {
            print!("{t}");
            chart.write(&sim)
        }
        Err(e) => {
            eprintln!("ordinal: {path}: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ordinal::sim::session::script::{logical_lines, parse_line, split_heredoc, Directive};
    use ordinal::sim::session::Input;

    #[test]
    fn replay_reads_the_pages_saved_session_and_reproduces_the_trace() {
        let mut sim = Journaled::new(42);
        let _ = sim.input(Input::Kubectl {
            line: "kubectl create deployment web --image=nginx --replicas=2".into(),
            files: Vec::new(),
        });
        sim.settle_for(20_000);
        // The shape the page writes under `ordinal.v1.session`.
        let saved = serde_json::json!({
            "version": 1,
            "seed": 42,
            "journal": sim.journal(),
            "example": "web",
        })
        .to_string();
        let want = format!(
            "trace-hash {}\nevents {}\n",
            sim.trace_hash(),
            sim.log.len()
        );
        assert_eq!(replay_session(&saved, None).unwrap(), want);
        assert_ne!(replay_session(&saved, Some(43)).unwrap(), want);
        assert!(replay_session("{\"journal\": []}", None)
            .unwrap_err()
            .contains("not an Ordinal session"));
    }

    /// `ordinal replay 'https://…#o1.…'` (as the README shows it) and a
    /// bare fragment are links, not file names: they replay, or a damaged
    /// one says it is damaged (before, "No such file or directory").
    #[test]
    fn replay_takes_a_link_on_the_command_line() {
        let mut sim = Journaled::new(1);
        let _ = sim.input(Input::Kubectl {
            line: "kubectl create configmap c".into(),
            files: Vec::new(),
        });
        let saved = ordinal::sim::session::saved::Saved {
            version: 1,
            seed: 1,
            config: sim.config.clone(),
            journal: sim.journal().to_vec(),
            example: String::new(),
            editor: None,
            position: None,
        };
        let link = saved.to_link();
        for arg in [
            format!("https://example.org/ordinal/?embed=1#{link}"),
            format!("#{link}"),
            link.clone(),
        ] {
            assert!(names_a_link(&arg), "{arg}");
            assert!(replay_session(&arg, None)
                .unwrap()
                .starts_with("trace-hash "));
        }
        let cut = &link[..link.len() - 5];
        assert!(names_a_link(cut));
        assert!(replay_session(cut, None).unwrap_err().contains("damaged"));
        for file in [
            "session.ordinal.json",
            "-",
            "o1",
            "notes/o.txt",
            "Cargo.toml",
        ] {
            assert!(!names_a_link(file), "{file}");
        }
    }

    #[test]
    fn continuations_join_and_keep_their_numbers() {
        let ls = logical_lines("# c\nkubectl delete sts web \\\n  --cascade=orphan\nsleep 1s\n");
        assert_eq!(ls.len(), 3);
        assert_eq!(ls[1].number, 2);
        assert!(ls[1].joined.contains("web") && ls[1].joined.contains("--cascade=orphan"));
        assert_eq!(ls[2].number, 4);
    }

    #[test]
    fn heredocs_become_stdin() {
        assert_eq!(
            split_heredoc("kubectl apply -f - <<EOF"),
            Some(("kubectl apply -f -".into(), "EOF".into(), false))
        );
        assert_eq!(
            split_heredoc("kubectl run x -- mysql -h h << 'END'"),
            Some(("kubectl run x -- mysql -h h".into(), "END".into(), false))
        );
        assert_eq!(split_heredoc("kubectl exec p -- sh -c 'a << b'"), None);
        let ls = logical_lines("kubectl run c -i -- \\\n  mysql <<EOF\nSELECT 1;\nEOF\nsleep 1s\n");
        assert_eq!(ls.len(), 2);
        assert_eq!(ls[0].stdin.as_deref(), Some("SELECT 1;\n"));
        assert!(
            ls[0].text.ends_with("\n> SELECT 1;\n> EOF"),
            "{}",
            ls[0].text
        );
        assert!(!ls[0].joined.contains("<<"));
        assert_eq!(ls[1].number, 5);
        let t = run_script(
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nEOF\nkubectl get cm c -o name\n",
            Path::new("."),
            1,
            Config::default(),
        )
        .unwrap();
        assert!(
            t.contains("> EOF\nconfigmap/c created\n$ kubectl get cm c -o name\nconfigmap/c\n"),
            "{t}"
        );
    }

    #[test]
    fn directives_and_their_errors() {
        assert_eq!(parse_line("  # x").unwrap(), Directive::Nothing);
        assert_eq!(parse_line("sleep 500ms").unwrap(), Directive::Sleep(500));
        assert_eq!(parse_line("sleep 2m").unwrap(), Directive::Sleep(120_000));
        assert!(parse_line("sleep soon").is_err());
        assert_eq!(
            parse_line("fault pod web-1 delete").unwrap(),
            Directive::Fault("pod web-1 delete".into())
        );
        assert!(parse_line("kubectl get pods").is_ok());
        assert!(parse_line("frobnicate")
            .unwrap_err()
            .contains("unknown directive"));
    }

    #[test]
    fn a_bad_line_is_named_and_nothing_runs() {
        let e = run_script(
            "kubectl version\nbogus line\n",
            Path::new("."),
            1,
            Config::default(),
        )
        .unwrap_err();
        assert!(e.starts_with("line 2: unknown directive"), "{e}");
    }

    #[test]
    fn transcripts_echo_commands_and_are_deterministic() {
        let script = "kubectl version\nkubectl get nodes\nkubectl get pods\nkubectl foo\nsleep 5s\nkubectl get ns\n";
        let a = run_script(script, Path::new("."), 7, Config::default()).unwrap();
        let b = run_script(script, Path::new("."), 7, Config::default()).unwrap();
        assert_eq!(a, b);
        assert!(
            a.starts_with("$ kubectl version\nClient Version: v1.31.0\n"),
            "{a}"
        );
        assert!(a.contains("$ kubectl get nodes\nNAME     STATUS   ROLES    AGE   VERSION\nnode-1   Ready    <none>   0s    v1.31.0\n"), "{a}");
        assert!(
            a.contains("$ kubectl get pods\nNo resources found in default namespace.\n"),
            "{a}"
        );
        assert!(
            a.contains("error: unknown command \"foo\" for \"kubectl\""),
            "{a}"
        );
        assert!(a.contains("$ sleep 5s\n$ kubectl get ns\nNAME              STATUS   AGE\ndefault           Active   5s\n"), "{a}");
    }

    /// The StatefulSet lesson end to end, through the real controllers:
    /// ordered start, stable names, data that outlives a pod.
    #[test]
    fn web_lesson_transcript() {
        let script = "kubectl apply -f https://k8s.io/examples/application/web/web.yaml
kubectl rollout status sts/web
kubectl get pods -l app=nginx
kubectl exec web-0 -- sh -c 'echo \"$(hostname)\" > /usr/share/nginx/html/index.html'
kubectl delete pod web-0
kubectl wait --for=condition=Ready pod/web-0 --timeout=2m
kubectl exec web-0 -- cat /usr/share/nginx/html/index.html
kubectl get pods -w -l app=nginx
fault pod web-1 delete
sleep 30s
kubectl get pods -l app=nginx -o name
";
        let t = run_script(script, Path::new("."), 1, Config::default()).unwrap();
        assert!(
            t.contains("partitioned roll out complete: 2 new pods have been updated...\n"),
            "{t}"
        );
        let table = t.split("$ kubectl get pods -l app=nginx\n").nth(1).unwrap();
        let rows: Vec<&str> = table.lines().take(3).collect();
        assert!(
            rows[0].starts_with("NAME    READY   STATUS    RESTARTS   AGE"),
            "{t}"
        );
        assert!(rows[1].starts_with("web-0   1/1     Running"), "{t}");
        assert!(rows[2].starts_with("web-1   1/1     Running"), "{t}");
        assert!(
            t.contains("$ kubectl delete pod web-0\npod \"web-0\" deleted\n"),
            "{t}"
        );
        assert!(t.contains("pod/web-0 condition met\n"), "{t}");
        assert!(
            t.contains("$ kubectl exec web-0 -- cat /usr/share/nginx/html/index.html\nweb-0\n"),
            "{t}"
        );
        assert!(
            t.ends_with("$ kubectl get pods -l app=nginx -o name\npod/web-0\npod/web-1\n"),
            "{t}"
        );
    }

    #[test]
    fn no_nodes_means_no_nodes() {
        let config = Config {
            nodes: 0,
            ..Config::default()
        };
        let t = run_script("kubectl get nodes\n", Path::new("."), 1, config).unwrap();
        assert!(t.contains("No resources found"), "{t}");
    }

    #[test]
    fn files_are_read_relative_to_the_script() {
        let dir = std::env::temp_dir().join(format!("ordinal-cli-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("m")).unwrap();
        std::fs::write(
            dir.join("m/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: b\n",
        )
        .unwrap();
        let t = run_script(
            "kubectl apply -f m/cm.yaml\nkubectl apply -f m/cm.yaml\nkubectl get cm cfg\nkubectl apply -f nope.yaml\n",
            &dir,
            1,
            Config::default(),
        )
        .unwrap();
        assert!(t.contains("configmap/cfg created\n"), "{t}");
        assert!(t.contains("configmap/cfg unchanged\n"), "{t}");
        assert!(t.contains("NAME   DATA   AGE\ncfg    1      0s\n"), "{t}");
        assert!(
            t.contains("error: the path \"nope.yaml\" does not exist"),
            "{t}"
        );
        let t = run_script("kubectl create -f m\n", &dir, 1, Config::default()).unwrap();
        assert!(t.contains("configmap/cfg created"), "{t}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
