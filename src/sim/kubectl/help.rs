//! kubectl's long help texts (`kubectl run -h`, `kubectl create secret tls
//! --help`, `kubectl create service` without a subcommand), as kubectl
//! v1.31 prints them: the files of `src/sim/kubectl/help/`.
//!
//! They are built into the CLI and the tests. The page (wasm32) leaves
//! them out of its first load: they are static files of the page
//! (`kubectl/help/<name>`, copied by Trunk) that the page fetches before
//! running a line that prints one ([`needed`]) and hands over with
//! [`provide`], as it does the examples' manifests (`sim::examples`).
//! Should a text not be at hand, kubectl says which file is missing
//! instead ([`text_or_missing`]).

use std::collections::BTreeMap;
use std::sync::Mutex;

/// Where the page serves the files, relative to itself.
pub const DIR: &str = "kubectl/help/";

/// Declares the help files, built in natively (and in tests) only.
macro_rules! help_files {
    ($($f:literal),* $(,)?) => {
        /// Every help file, by its name under `src/sim/kubectl/help/` (and
        /// the page's [`DIR`]).
        pub const FILES: &[&str] = &[$($f,)*];

        fn built_in(name: &str) -> Option<&'static str> {
            match name {
                $(#[cfg(any(test, not(target_arch = "wasm32")))]
                $f => Some(include_str!(concat!("help/", $f))),)*
                _ => None,
            }
        }
    };
}

help_files![
    "run.txt",
    "create_namespace.txt",
    "create_configmap.txt",
    "create_secret.txt",
    "create_secret_generic.txt",
    "create_secret_docker-registry.txt",
    "create_secret_tls.txt",
    "create_deployment.txt",
    "create_service.txt",
    "create_service_clusterip.txt",
    "create_service_nodeport.txt",
    "create_service_loadbalancer.txt",
    "create_service_externalname.txt",
    "create_poddisruptionbudget.txt",
];

/// Texts handed over by the page, by name, kept for the life of the
/// program (41 KB at most).
static LOADED: Mutex<BTreeMap<&'static str, &'static str>> = Mutex::new(BTreeMap::new());

/// A help file's text, if built in or handed over.
pub fn text(name: &str) -> Option<&'static str> {
    built_in(name).or_else(|| {
        LOADED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .copied()
    })
}

/// Hands over a file the page fetched. `Err` when `name` is none of
/// [`FILES`] or the text is not a help text (a server's HTML error page);
/// a file already at hand is kept as it is.
pub fn provide(name: &str, text_of_file: String) -> Result<(), String> {
    let Some(known) = FILES.iter().copied().find(|f| *f == name) else {
        return Err(format!("{name} is not one of kubectl's help files"));
    };
    let head = text_of_file.trim_start();
    if head.is_empty() || head.starts_with('<') {
        return Err(format!("{name} is not a help text"));
    }
    if text(known).is_some() {
        return Ok(());
    }
    LOADED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(known, Box::leak(text_of_file.into_boxed_str()));
    Ok(())
}

/// The help text `name`, or (in a page that could not fetch it) a message
/// naming the missing file.
pub fn text_or_missing(name: &str) -> String {
    match text(name) {
        Some(t) => t.to_string(),
        None => missing(name),
    }
}

/// What kubectl prints in place of a help text the page does not have.
pub fn missing(name: &str) -> String {
    format!(
        "error: this help text is not loaded: {DIR}{name}. This page was opened from a file or served without its files; serve the whole dist/ folder over HTTP to read it.\n"
    )
}

/// The help files running `line` may print, so a face can fetch them
/// first: `run` or `create <generator> [<subcommand>]` with a help flag,
/// and `create secret`/`create service` without a subcommand. It may name
/// a file the line does not print (a flag value that looks like `-h`),
/// never leaves out one it does.
pub fn needed(line: &str) -> Vec<&'static str> {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '"' | '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    // `-h`, `--help`, `--help=true`, or `h` among combined short flags.
    let asks_help = words.iter().any(|w| {
        w.starts_with("--help")
            || (w.starts_with('-') && !w.starts_with("--") && {
                let flags = w[1..].split('=').next().unwrap_or("");
                flags.contains('h')
            })
    });
    let mut out: Vec<&'static str> = Vec::new();
    if asks_help && has("run") {
        out.push("run.txt");
    }
    if !has("create") {
        return out;
    }
    let groups: [(&[&str], &str, &[&str]); 6] = [
        (&["namespace", "ns"], "create_namespace.txt", &[]),
        (&["configmap", "cm"], "create_configmap.txt", &[]),
        (
            &["secret"],
            "create_secret.txt",
            &["generic", "docker-registry", "tls"],
        ),
        (&["deployment", "deploy"], "create_deployment.txt", &[]),
        (
            &["service", "svc"],
            "create_service.txt",
            &["clusterip", "nodeport", "loadbalancer", "externalname"],
        ),
        (
            &["poddisruptionbudget", "pdb"],
            "create_poddisruptionbudget.txt",
            &[],
        ),
    ];
    for (names, file, subs) in groups {
        let Some(at) = words.iter().position(|w| names.contains(w)) else {
            continue;
        };
        if subs.is_empty() {
            if asks_help {
                out.push(file);
            }
            continue;
        }
        // `create secret` with no known subcommand prints the group's help.
        let sub = words.get(at + 1).copied().unwrap_or("");
        if !subs.contains(&sub) {
            out.push(file);
        }
        if asks_help {
            let stem = file.trim_end_matches(".txt");
            for s in subs.iter().filter(|s| has(s)) {
                if let Some(f) = FILES.iter().find(|f| **f == format!("{stem}_{s}.txt")) {
                    out.push(f);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::Sim;

    /// Every help text a line prints is among the files [`needed`] names
    /// for it, so the page has fetched it before the line runs.
    #[test]
    fn needed_names_every_help_text_a_line_prints() {
        let lines = [
            "kubectl run web --image=nginx -h",
            "run --help",
            "kubectl run x --image=nginx --help=true",
            "create namespace -h",
            "create ns demo --help",
            "create configmap --help",
            "create cm x -h",
            "create secret generic -h",
            "create secret docker-registry -h",
            "create secret tls --help",
            "create secret",
            "create secret -n prod",
            "create deployment web --image=nginx -h",
            "create deploy -h",
            "create service clusterip -h",
            "create svc nodeport -h",
            "create service loadbalancer -h",
            "create service externalname -h",
            "create service",
            "create svc --dry-run=client",
            "create pdb -h",
            "create poddisruptionbudget x --help",
            "create -n prod configmap -h",
        ];
        for line in lines {
            let mut sim = Sim::new(1);
            let out = match crate::sim::kubectl::run(&mut sim, line, &[]) {
                Ok(o) | Err(o) => o,
            };
            let printed: Vec<&str> = FILES
                .iter()
                .copied()
                .filter(|f| out.contains(text(f).unwrap().trim_end()))
                .collect();
            assert!(!printed.is_empty(), "{line:?} printed no help text:\n{out}");
            let need = needed(line);
            for f in printed {
                assert!(
                    need.contains(&f),
                    "{line:?} prints {f}, needed gives {need:?}"
                );
            }
        }
    }

    /// Lines that print no help text need no file: the page runs them at once.
    #[test]
    fn ordinary_lines_need_no_help_file() {
        for line in [
            "kubectl get pods",
            "kubectl run web --image=nginx --restart=Never",
            "create secret generic db --from-literal=password=hunter2",
            "create service clusterip web --tcp=80:8080",
            "create deployment web --image=nginx --replicas=2",
            "kubectl get pods -o wide --show-labels",
            "apply -f https://k8s.io/examples/application/web/web.yaml",
        ] {
            assert_eq!(needed(line), Vec::<&str>::new(), "{line:?}");
        }
    }

    #[test]
    fn every_file_is_built_in_natively_and_provide_checks_what_it_takes() {
        for f in FILES {
            assert!(text(f).is_some_and(|t| !t.trim().is_empty()), "{f}");
        }
        assert!(provide("nope.txt", "x".into()).is_err());
        assert!(provide("run.txt", "<!doctype html>".into()).is_err());
        assert!(provide("run.txt", "   ".into()).is_err());
        // A file at hand stays as it is.
        let before = text("run.txt").unwrap();
        assert!(provide("run.txt", "Something else.\n".into()).is_ok());
        assert_eq!(text("run.txt").unwrap(), before);
        let m = missing("run.txt");
        assert!(
            m.contains("kubectl/help/run.txt") && m.contains("dist/"),
            "{m}"
        );
    }
}
