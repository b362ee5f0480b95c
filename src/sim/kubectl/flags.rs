//! The flags Ordinal's kubectl knows and which command takes which: the
//! pflag sets each upstream command registers (`pkg/cmd/*`), plus the
//! global ones of genericclioptions' `ConfigFlags`. Parsing them is in
//! [`super::parse`].

/// One flag kubectl knows: long name, shorthand, whether it takes a value,
/// and pflag's `NoOptDefVal` (the value when given without one).
#[derive(Clone, Copy, Debug)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes_value: bool,
    pub no_opt_default: Option<&'static str>,
}

const fn b(long: &'static str, short: Option<char>) -> FlagSpec {
    FlagSpec {
        long,
        short,
        takes_value: false,
        no_opt_default: None,
    }
}
const fn v(long: &'static str, short: Option<char>) -> FlagSpec {
    FlagSpec {
        long,
        short,
        takes_value: true,
        no_opt_default: None,
    }
}
const fn d(long: &'static str, default: &'static str) -> FlagSpec {
    FlagSpec {
        long,
        short: None,
        takes_value: true,
        no_opt_default: Some(default),
    }
}

/// Every flag Ordinal's kubectl understands. Which command accepts which
/// is in [`flags_for`].
pub const FLAGS: &[FlagSpec] = &[
    v("namespace", Some('n')),
    v("context", None),
    v("kubeconfig", None),
    v("cluster", None),
    v("user", None),
    v("v", Some('v')),
    v("request-timeout", None),
    b("all-namespaces", Some('A')),
    v("output", Some('o')),
    v("selector", Some('l')),
    v("field-selector", None),
    v("filename", Some('f')),
    b("recursive", Some('R')),
    b("watch", Some('w')),
    b("watch-only", None),
    b("show-labels", None),
    b("no-headers", None),
    v("label-columns", Some('L')),
    v("sort-by", None),
    v("template", None),
    d("allow-missing-template-keys", "true"),
    b("show-kind", None),
    b("ignore-not-found", None),
    v("chunk-size", None),
    d("validate", "strict"),
    d("dry-run", "unchanged"),
    b("overwrite", None),
    b("all", None),
    b("force", None),
    b("now", None),
    v("grace-period", None),
    d("cascade", "background"),
    d("wait", "true"),
    v("timeout", None),
    v("replicas", Some('r')),
    v("current-replicas", None),
    v("patch", Some('p')),
    v("type", None),
    v("container", Some('c')),
    b("stdin", Some('i')),
    b("tty", Some('t')),
    b("quiet", Some('q')),
    v("image", None),
    v("restart", None),
    b("rm", None),
    v("env", None),
    v("port", None),
    v("labels", None),
    b("attach", None),
    b("command", None),
    v("for", None),
    v("tail", None),
    b("follow", Some('f')),
    b("previous", Some('p')),
    b("prefix", None),
    b("timestamps", None),
    v("since", None),
    b("ignore-daemonsets", None),
    b("delete-emptydir-data", None),
    b("delete-local-data", None),
    b("disable-eviction", None),
    v("pod-selector", None),
    v("revision", None),
    v("to-revision", None),
    b("client", None),
    v("api-group", None),
    b("namespaced", None),
    b("minify", None),
    b("raw", None),
    b("help", Some('h')),
    b("local", None),
    b("list", None),
    b("record", None),
    b("save-config", None),
    b("server-side", None),
    v("field-manager", None),
    v("subresource", None),
    b("short", None),
    b("show-events", None),
    v("from-literal", None),
    v("from-file", None),
    v("from-env-file", None),
    v("tcp", None),
    v("node-port", None),
    v("clusterip", None),
    v("external-name", None),
    v("min-available", None),
    v("max-unavailable", None),
    b("append-hash", None),
    v("docker-server", None),
    v("docker-username", None),
    v("docker-password", None),
    v("docker-email", None),
    v("cert", None),
    v("key", None),
];

pub(super) const GLOBAL: &[&str] = &[
    "namespace",
    "context",
    "kubeconfig",
    "cluster",
    "user",
    "v",
    "request-timeout",
    "help",
];

/// How many of the first words are global flags (with their values), as
/// cobra reads persistent flags given before the command:
/// `kubectl -n shop get pods`. `--help` is not counted: it asks for help.
pub fn leading_globals(words: &[String]) -> usize {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let spec = if let Some(long) = w.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or("");
            spec(name).map(|f| (f, long.contains('=')))
        } else if let Some(short) = w.strip_prefix('-') {
            let c = short.chars().next();
            FLAGS
                .iter()
                .find(|f| f.short.is_some() && f.short == c && GLOBAL.contains(&f.long))
                .map(|f| (f, short.len() > 1))
        } else {
            None
        };
        match spec {
            Some((f, inline)) if GLOBAL.contains(&f.long) && f.long != "help" => {
                i += if f.takes_value && !inline { 2 } else { 1 };
            }
            _ => break,
        }
    }
    i.min(words.len())
}

/// The flags a command accepts beyond the global ones.
pub fn flags_for(command: &str) -> &'static [&'static str] {
    match command {
        "get" => &[
            "all-namespaces",
            "output",
            "selector",
            "field-selector",
            "filename",
            "recursive",
            "watch",
            "watch-only",
            "show-labels",
            "no-headers",
            "label-columns",
            "sort-by",
            "template",
            "allow-missing-template-keys",
            "show-kind",
            "ignore-not-found",
            "chunk-size",
        ],
        "describe" => &[
            "all-namespaces",
            "selector",
            "filename",
            "recursive",
            "show-events",
        ],
        "delete" => &[
            "all-namespaces",
            "selector",
            "field-selector",
            "filename",
            "recursive",
            "all",
            "force",
            "now",
            "grace-period",
            "cascade",
            "wait",
            "timeout",
            "ignore-not-found",
            "output",
            "dry-run",
        ],
        "create" => &[
            "filename",
            "recursive",
            "validate",
            "dry-run",
            "output",
            "template",
            "allow-missing-template-keys",
            "record",
            "save-config",
            "field-manager",
            "selector",
            "from-literal",
        ],
        "create namespace" => &[
            "dry-run",
            "output",
            "template",
            "allow-missing-template-keys",
            "save-config",
            "field-manager",
            "validate",
        ],
        "create configmap" => &[
            "from-literal",
            "from-file",
            "from-env-file",
            "append-hash",
            "dry-run",
            "output",
            "template",
            "allow-missing-template-keys",
            "save-config",
            "field-manager",
            "validate",
        ],
        "create generic" => &[
            "from-literal",
            "from-file",
            "from-env-file",
            "type",
            "append-hash",
            "dry-run",
            "output",
            "template",
            "allow-missing-template-keys",
            "save-config",
            "field-manager",
            "validate",
        ],
        "create docker-registry" => &[
            "docker-server",
            "docker-username",
            "docker-password",
            "docker-email",
            "from-file",
            "append-hash",
            "dry-run",
            "output",
            "template",
            "allow-missing-template-keys",
            "save-config",
            "field-manager",
            "validate",
        ],
        "create tls" => &[
            "cert",
            "key",
            "append-hash",
            "dry-run",
            "output",
            "template",
            "allow-missing-template-keys",
            "save-config",
            "field-manager",
            "validate",
        ],
        "create deployment" => &[
            "image",
            "replicas",
            "port",
            "dry-run",
            "output",
            "template",
            "allow-missing-template-keys",
            "save-config",
            "field-manager",
            "validate",
        ],
        "create clusterip" | "create nodeport" | "create loadbalancer" | "create externalname" => {
            &[
                "tcp",
                "node-port",
                "clusterip",
                "external-name",
                "dry-run",
                "output",
                "template",
                "allow-missing-template-keys",
                "save-config",
                "field-manager",
                "validate",
            ]
        }
        "create poddisruptionbudget" => &[
            "selector",
            "min-available",
            "max-unavailable",
            "dry-run",
            "output",
            "template",
            "allow-missing-template-keys",
            "save-config",
            "field-manager",
            "validate",
        ],
        "apply" | "replace" => &[
            "filename",
            "recursive",
            "validate",
            "dry-run",
            "output",
            "template",
            "allow-missing-template-keys",
            "record",
            "save-config",
            "server-side",
            "field-manager",
            "selector",
            "force",
            "overwrite",
        ],
        "scale" => &[
            "replicas",
            "current-replicas",
            "selector",
            "all",
            "filename",
            "output",
            "timeout",
            "dry-run",
            "record",
        ],
        "patch" => &[
            "patch",
            "type",
            "filename",
            "output",
            "template",
            "allow-missing-template-keys",
            "local",
            "dry-run",
            "record",
            "subresource",
            "field-manager",
        ],
        "set image" => &[
            "all",
            "selector",
            "filename",
            "recursive",
            "local",
            "output",
            "template",
            "allow-missing-template-keys",
            "dry-run",
            "record",
            "field-manager",
        ],
        "edit" => &["filename", "output", "record", "validate"],
        "label" | "annotate" => &[
            "overwrite",
            "list",
            "all",
            "selector",
            "filename",
            "output",
            "dry-run",
            "all-namespaces",
            "local",
            "record",
        ],
        "rollout" => &[
            "filename",
            "revision",
            "to-revision",
            "timeout",
            "watch",
            "output",
            "selector",
        ],
        "rollout undo" => &[
            "filename",
            "revision",
            "to-revision",
            "timeout",
            "watch",
            "output",
            "selector",
            "dry-run",
        ],
        "cordon" | "uncordon" => &["selector", "dry-run"],
        "taint" => &["overwrite", "all", "selector", "dry-run"],
        "drain" => &[
            "force",
            "ignore-daemonsets",
            "delete-emptydir-data",
            "delete-local-data",
            "grace-period",
            "timeout",
            "selector",
            "pod-selector",
            "disable-eviction",
            "dry-run",
        ],
        "exec" => &["container", "stdin", "tty", "quiet", "filename"],
        "run" => &[
            "image",
            "restart",
            "rm",
            "stdin",
            "tty",
            "env",
            "port",
            "labels",
            "attach",
            "command",
            "output",
            "template",
            "allow-missing-template-keys",
            "dry-run",
        ],
        "logs" => &[
            "container",
            "follow",
            "previous",
            "tail",
            "timestamps",
            "since",
            "selector",
            "prefix",
        ],
        "wait" => &[
            "for",
            "timeout",
            "selector",
            "all",
            "filename",
            "all-namespaces",
        ],
        "version" => &["client", "output", "short"],
        "api-resources" => &["api-group", "namespaced", "output", "no-headers"],
        "explain" => &["recursive", "output"],
        "config" => &["minify", "raw", "output"],
        "cluster-info" => &[],
        "top" => &["all-namespaces", "selector", "no-headers"],
        _ => &[],
    }
}

pub(super) fn spec(long: &str) -> Option<&'static FlagSpec> {
    FLAGS.iter().find(|f| f.long == long)
}

#[cfg(test)]
mod tests {
    use crate::sim::kubectl::parse::{parse_args, tokenize};

    /// Every flag the seeds and the issue name parses for its command.
    #[test]
    fn each_commands_flags_parse() {
        let cases: &[(&str, &str)] = &[
            ("get", "pods -o wide --show-labels -l app=x -A -w --no-headers -L app --sort-by=.metadata.name --ignore-not-found --watch-only"),
            ("get", "pods -n default --all-namespaces --output=json --selector app=x --field-selector status.phase=Running"),
            ("describe", "pods x -l app=x -A -f a.yaml --show-events=false"),
            ("delete", "pod x --grace-period=0 --force --cascade=foreground --now --all -l a=b --wait=false --timeout=30s --ignore-not-found -f a.yaml"),
            ("apply", "-f a.yaml -f b.yaml --validate=false --dry-run=client -o name --record --save-config --server-side"),
            ("create", "-f a.yaml --validate=false --save-config"),
            ("scale", "sts web --replicas=3 --current-replicas=2 --timeout=1m"),
            ("patch", "sts web -p {} --type=merge --type json"),
            ("label", "pods x a=b c- --overwrite --all -l x=y"),
            ("annotate", "pods x a=b --overwrite"),
            ("rollout", "sts/web --timeout=1m --revision=2 --to-revision=1 -w=false"),
            ("cordon", "node-1"),
            ("drain", "node-1 --ignore-daemonsets --force --delete-emptydir-data --delete-local-data --grace-period=10 --timeout=2m --pod-selector=app=x --disable-eviction"),
            ("exec", "-it web-0 -c nginx -- ls -l"),
            ("exec", "-ti web-0 --stdin --tty -q -- ls"),
            ("run", "x --image=busybox -i -t --rm --restart=Never --env=A=b --port=80 --labels=a=b --command -- sh -c 'x'"),
            ("logs", "web-0 -c nginx -f --tail=10 -p --timestamps --since=1h"),
            ("wait", "--for=condition=Ready pod/web-0 --timeout=60s"),
            ("wait", "--for=delete pod -l app=x --all"),
            ("version", "--client -o json"),
            ("api-resources", "--namespaced=true --api-group=apps -o name --no-headers"),
            ("explain", "sts.spec --recursive"),
        ];
        for (cmd, line) in cases {
            let words = tokenize(line).unwrap();
            if let Err(e) = parse_args(&words, cmd, cmd) {
                panic!("{cmd} {line}: {e}");
            }
        }
        // Values land under the long name.
        let a = parse_args(
            &tokenize("pod x --grace-period 5 --cascade=orphan").unwrap(),
            "delete",
            "delete",
        )
        .unwrap();
        assert_eq!(a.get("grace-period"), Some("5"));
        let a = parse_args(
            &tokenize("--for=condition=Ready pod/x").unwrap(),
            "wait",
            "wait",
        )
        .unwrap();
        assert_eq!(a.get("for"), Some("condition=Ready"));
        assert_eq!(a.positional, vec!["pod/x"]);
        let a = parse_args(
            &tokenize("node-1 --delete-local-data").unwrap(),
            "drain",
            "drain",
        )
        .unwrap();
        assert!(a.bool("delete-local-data"));
    }

    #[test]
    fn flags_of_other_commands_are_unknown_here() {
        for (cmd, flag) in [
            ("get", "--replicas=3"),
            ("scale", "--force"),
            ("exec", "--image=x"),
            ("drain", "-o"),
            ("logs", "--replicas=1"),
        ] {
            let e = parse_args(&tokenize(flag).unwrap(), cmd, cmd).unwrap_err();
            assert!(e.starts_with("error: unknown "), "{cmd} {flag}: {e}");
            assert!(
                e.ends_with(&format!("See 'kubectl {cmd} --help' for usage.")),
                "{e}"
            );
        }
    }
}
