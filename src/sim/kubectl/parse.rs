//! Command lines as a shell and pflag would see them: quoting, `\`
//! continuations, `--x=y`, `--x y`, `-n ns`, `-oyaml`, `-it`, `--`.

use super::flags::{flags_for, spec, FlagSpec, FLAGS, GLOBAL};
use std::collections::BTreeMap;

/// Splits a line like a POSIX shell (no expansion): single quotes are
/// literal, double quotes honour `\"`, `\\`, `\$`, a backslash outside
/// quotes escapes the next character and a backslash-newline joins lines.
pub fn tokenize(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => return Err("unexpected EOF while looking for matching `''".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(n @ ('"' | '\\' | '$' | '`')) => cur.push(n),
                            Some('\n') => {}
                            Some(n) => {
                                cur.push('\\');
                                cur.push(n);
                            }
                            None => {
                                return Err("unexpected EOF while looking for matching `\"'".into())
                            }
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err("unexpected EOF while looking for matching `\"'".into()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(n) => {
                    in_word = true;
                    cur.push(n);
                }
                None => {}
            },
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// Go's `strconv.ParseInt(s, 0, 64)`, as pflag reads an `int` flag: an
/// optional sign, a `0x`/`0o`/`0b`/`0` prefix, `_` between digits. The
/// error is the part after `parsing "s": `.
pub fn go_parse_int(s: &str) -> Result<i64, &'static str> {
    const SYNTAX: &str = "invalid syntax";
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d, true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d, true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d, true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..], true)
    } else {
        (10, lower.as_str(), false)
    };
    // Go's underscoreOK: each `_` between digits (a base prefix counts as one).
    let mut after_digit = prefixed;
    for c in digits.chars() {
        if c == '_' {
            if !after_digit {
                return Err(SYNTAX);
            }
            after_digit = false;
        } else {
            after_digit = true;
        }
    }
    if digits.is_empty() || !after_digit {
        return Err(SYNTAX);
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() || !clean.chars().all(|c| c.is_digit(radix)) {
        return Err(SYNTAX);
    }
    let magnitude = u128::from_str_radix(&clean, radix).map_err(|_| "value out of range")?;
    let limit = if neg { 1u128 << 63 } else { (1u128 << 63) - 1 };
    if magnitude > limit {
        return Err("value out of range");
    }
    Ok(if neg {
        (magnitude as i128).wrapping_neg() as i64
    } else {
        magnitude as i64
    })
}

/// A parsed command: positional words, flag values (repeatable flags keep
/// every value) and the words after `--`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Args {
    pub positional: Vec<String>,
    pub flags: BTreeMap<String, Vec<String>>,
    /// Words after a bare `--`, if one was given.
    pub after_dash: Option<Vec<String>>,
}

impl Args {
    pub fn has(&self, long: &str) -> bool {
        self.flags.contains_key(long)
    }
    /// The last value given for a flag.
    pub fn get(&self, long: &str) -> Option<&str> {
        self.flags
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }
    pub fn all(&self, long: &str) -> Vec<String> {
        self.flags.get(long).cloned().unwrap_or_default()
    }
    /// A boolean flag: present and not `=false`.
    pub fn bool(&self, long: &str) -> bool {
        match self.get(long) {
            Some(v) => !matches!(v, "false" | "0" | "False" | "FALSE"),
            None => false,
        }
    }
}

/// Parses the words after the command name(s). `command` picks the
/// accepted flags; `usage` names the command in error hints
/// (`See 'kubectl get --help' for usage.`).
pub fn parse_args(words: &[String], command: &str, usage: &str) -> Result<Args, String> {
    let allowed = flags_for(command);
    let ok = |long: &str| GLOBAL.contains(&long) || allowed.contains(&long);
    let hint = format!("See 'kubectl {usage} --help' for usage.");
    // Shorthands are resolved among this command's flags (`-f` is
    // `--filename` for apply but `--follow` for logs; `-p` patch/previous).
    let by_short = |c: char| -> Option<&'static FlagSpec> {
        FLAGS.iter().find(|f| f.short == Some(c) && ok(f.long))
    };
    let mut args = Args::default();
    let mut i = 0;
    let add = |args: &mut Args, long: &str, val: String| {
        args.flags.entry(long.to_string()).or_default().push(val);
    };
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            args.after_dash = Some(words[i..].to_vec());
            break;
        }
        if let Some(rest) = w.strip_prefix("--") {
            let (name, inline) = match rest.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (rest, None),
            };
            let f = match spec(name) {
                Some(f) if ok(f.long) => f,
                _ => return Err(format!("error: unknown flag: --{name}\n{hint}")),
            };
            let val = if let Some(v) = inline {
                v
            } else if !f.takes_value {
                "true".to_string()
            } else if let Some(def) = f.no_opt_default {
                def.to_string()
            } else if i < words.len() {
                i += 1;
                words[i - 1].clone()
            } else {
                return Err(format!("error: flag needs an argument: --{name}\n{hint}"));
            };
            add(&mut args, f.long, val);
            continue;
        }
        if w.len() > 1 && w.starts_with('-') {
            // A group of shorthands: `-it`, `-oyaml`, `-o=json`, `-n ns`.
            let body: Vec<char> = w[1..].chars().collect();
            let mut j = 0;
            while j < body.len() {
                let c = body[j];
                let Some(f) = by_short(c) else {
                    return Err(format!(
                        "error: unknown shorthand flag: '{c}' in {w}\n{hint}"
                    ));
                };
                j += 1;
                if !f.takes_value {
                    if j < body.len() && body[j] == '=' {
                        let v: String = body[j + 1..].iter().collect();
                        add(&mut args, f.long, v);
                        j = body.len();
                    } else {
                        add(&mut args, f.long, "true".into());
                    }
                    continue;
                }
                let mut rest: String = body[j..].iter().collect();
                if let Some(r) = rest.strip_prefix('=') {
                    rest = r.to_string();
                }
                if !rest.is_empty() {
                    add(&mut args, f.long, rest);
                } else if i < words.len() {
                    i += 1;
                    add(&mut args, f.long, words[i - 1].clone());
                } else {
                    return Err(format!(
                        "error: flag needs an argument: '{c}' in -{c}\n{hint}"
                    ));
                }
                break;
            }
            continue;
        }
        args.positional.push(w.clone());
    }
    Ok(args)
}

/// Parses a duration as kubectl flags and `sleep` take it: `500ms`,
/// `30s`, `2m`, `1h`, `1m30s`, or a bare number of seconds.
pub fn parse_duration_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // Go's durations end at 2^63-1 nanoseconds (about 292 years); past
    // that `time.ParseDuration` fails, and so does this.
    const MAX_MS: f64 = i64::MAX as f64 / 1e6;
    if let Ok(n) = s.parse::<f64>() {
        return (n >= 0.0 && n * 1000.0 <= MAX_MS).then_some((n * 1000.0) as u64);
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphabetic() {
                unit.push(n);
                chars.next();
            } else {
                break;
            }
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        let mult = match unit.as_str() {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return None,
        };
        total += n * mult;
        any = true;
    }
    if !num.is_empty() || !any || total > MAX_MS {
        return None;
    }
    Some(total as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        tokenize(s).unwrap()
    }

    #[test]
    fn ints_parse_as_go_strconv_parse_int_base_0() {
        let ok = [
            ("3", 3),
            ("+3", 3),
            ("-1", -1),
            ("0x1F", 31),
            ("0o17", 15),
            ("017", 15),
            ("0b101", 5),
            ("1_000", 1000),
            ("0x_1", 1),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
            ("4294967297", 4_294_967_297),
        ];
        for (s, n) in ok {
            assert_eq!(go_parse_int(s), Ok(n), "{s}");
        }
        for s in [
            "", "abc", "1.5", "08", "_1", "1_", "1__0", "0x", "--1", "1e3",
        ] {
            assert_eq!(go_parse_int(s), Err("invalid syntax"), "{s}");
        }
        for s in [
            "9223372036854775808",
            "99999999999999999999",
            "-9223372036854775809",
        ] {
            assert_eq!(go_parse_int(s), Err("value out of range"), "{s}");
        }
    }

    #[test]
    fn tokenizer_handles_quotes_escapes_and_continuations() {
        assert_eq!(
            words(r#"get po -l="app=cassandra" -o 'jsonpath={.a}'"#),
            vec!["get", "po", "-l=app=cassandra", "-o", "jsonpath={.a}"]
        );
        assert_eq!(
            words("run x --\\\n  mysql -e \"say \\\"hi\\\"\""),
            vec!["run", "x", "--", "mysql", "-e", "say \"hi\""]
        );
        assert_eq!(words(r"a\ b c"), vec!["a b", "c"]);
        assert_eq!(
            words("patch sts web -p'{\"a\":1}'"),
            vec!["patch", "sts", "web", "-p{\"a\":1}"]
        );
        assert_eq!(words("get pods # a comment"), vec!["get", "pods"]);
        assert!(tokenize("get 'open").is_err());
    }

    #[test]
    fn long_and_short_flags_in_every_form() {
        let a = parse_args(
            &words("pods -n kube-system -oyaml --show-labels -l app=web --selector=x!=y"),
            "get",
            "get",
        )
        .unwrap();
        assert_eq!(a.positional, vec!["pods"]);
        assert_eq!(a.get("namespace"), Some("kube-system"));
        assert_eq!(a.get("output"), Some("yaml"));
        assert!(a.bool("show-labels"));
        assert_eq!(a.all("selector"), vec!["app=web", "x!=y"]);
        let a = parse_args(&words("po -o=jsonpath={.x} -A -w"), "get", "get").unwrap();
        assert_eq!(a.get("output"), Some("jsonpath={.x}"));
        assert!(a.bool("all-namespaces") && a.bool("watch"));
        let a = parse_args(&words("--namespace=foo --output wide"), "get", "get").unwrap();
        assert_eq!(a.get("namespace"), Some("foo"));
        assert_eq!(a.get("output"), Some("wide"));
    }

    #[test]
    fn combined_bool_shorthands_and_dash_dash() {
        let a = parse_args(
            &words("-ti cassandra-0 -c c1 -- nodetool status"),
            "exec",
            "exec",
        )
        .unwrap();
        assert!(a.bool("stdin") && a.bool("tty"));
        assert_eq!(a.get("container"), Some("c1"));
        assert_eq!(a.positional, vec!["cassandra-0"]);
        assert_eq!(a.after_dash.unwrap(), vec!["nodetool", "status"]);
        let a = parse_args(&words("-i -t x"), "exec", "exec").unwrap();
        assert!(a.bool("stdin") && a.bool("tty"));
    }

    #[test]
    fn no_opt_defaults_and_booleans_with_values() {
        let a = parse_args(
            &words("sts web --cascade --force=false"),
            "delete",
            "delete",
        )
        .unwrap();
        assert_eq!(a.get("cascade"), Some("background"));
        assert!(!a.bool("force"));
        let a = parse_args(
            &words("sts web --cascade=orphan --grace-period 0 --now"),
            "delete",
            "delete",
        )
        .unwrap();
        assert_eq!(a.get("cascade"), Some("orphan"));
        assert_eq!(a.get("grace-period"), Some("0"));
        assert!(a.bool("now"));
        let a = parse_args(
            &words("-f a.yaml -f b.yaml --validate=false"),
            "create",
            "create",
        )
        .unwrap();
        assert_eq!(a.all("filename"), vec!["a.yaml", "b.yaml"]);
        assert_eq!(a.get("validate"), Some("false"));
        let a = parse_args(&words("web-0 -f --tail=5 -p"), "logs", "logs").unwrap();
        assert!(a.bool("follow") && a.bool("previous"));
        assert_eq!(a.get("tail"), Some("5"));
        let a = parse_args(
            &words("sts web -p '{\"spec\":{}}' --type=json"),
            "patch",
            "patch",
        )
        .unwrap();
        assert_eq!(a.get("patch"), Some("{\"spec\":{}}"));
        assert_eq!(a.get("type"), Some("json"));
    }

    #[test]
    fn unknown_flags_get_kubectls_errors() {
        let e = parse_args(&words("pods --foo"), "get", "get").unwrap_err();
        assert_eq!(
            e,
            "error: unknown flag: --foo\nSee 'kubectl get --help' for usage."
        );
        let e = parse_args(&words("pods -z"), "get", "get").unwrap_err();
        assert!(
            e.starts_with("error: unknown shorthand flag: 'z' in -z"),
            "{e}"
        );
        // A flag of another command is unknown here.
        assert!(parse_args(&words("pods --replicas=3"), "get", "get").is_err());
        let e = parse_args(&words("pods -n"), "get", "get").unwrap_err();
        assert!(e.contains("flag needs an argument"), "{e}");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("500ms"), Some(500));
        assert_eq!(parse_duration_ms("30s"), Some(30_000));
        assert_eq!(parse_duration_ms("2m"), Some(120_000));
        assert_eq!(parse_duration_ms("1m30s"), Some(90_000));
        assert_eq!(parse_duration_ms("5"), Some(5_000));
        assert_eq!(parse_duration_ms("abc"), None);
        assert_eq!(parse_duration_ms("5x"), None);
    }

    /// Found by probing: `sleep 99999999999999999999h` overflowed the
    /// clock. Past Go's longest duration it is invalid, as in kubectl.
    #[test]
    fn durations_past_gos_limit_are_invalid() {
        assert_eq!(parse_duration_ms("2562047h"), Some(2_562_047 * 3_600_000));
        assert_eq!(parse_duration_ms("2562048h"), None);
        assert_eq!(parse_duration_ms("99999999999999999999h"), None);
        assert_eq!(parse_duration_ms("inf"), None);
        assert_eq!(parse_duration_ms("NaN"), None);
        assert_eq!(parse_duration_ms("1e300"), None);
    }
}
