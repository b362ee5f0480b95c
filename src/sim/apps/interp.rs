//! The shell's interpreter: running a parsed script (lists, pipelines,
//! redirections), expansion and substitution, the builtins and `test`. The
//! parser is `shell.rs`.

use super::*;

/// The last virtual millisecond whose date has four digits of year
/// (9999-12-31T23:59:59.999Z): `sleep` moves an exec's clock no further.
const LAST_DATE_MS: u64 = 253_402_300_799_999 - crate::sim::object::EPOCH_UNIX_MS;

/// The builtins whose `name=value` arguments are assignments (expanded
/// whole, not split into fields), as bash treats declaration commands.
const DECLARATION_BUILTINS: &[&str] = &["export", "readonly", "local"];

impl Proc<'_> {
    // ---- running ------------------------------------------------------

    pub(super) fn run_script(&mut self, src: &str, stdin: &str, shell_name: &str) -> Out {
        match shell::parse(src) {
            Ok(list) => self.run_list(&list, stdin),
            Err(e) => Out::err(format!("{shell_name}: {e}\n"), 2),
        }
    }

    pub(super) fn run_list(&mut self, list: &List, stdin: &str) -> Out {
        let mut out = Out::default();
        for ao in list {
            if self.exit.is_some() {
                break;
            }
            let mut o = self.run_pipeline(&ao.first, stdin);
            for (and, p) in &ao.rest {
                if self.exit.is_some() {
                    break;
                }
                if (o.code == 0) == *and {
                    let next = self.run_pipeline(p, stdin);
                    o.push(next);
                }
            }
            self.last = o.code;
            out.push(o);
        }
        if let Some(c) = self.exit {
            out.code = c;
        }
        out
    }

    pub(super) fn run_pipeline(&mut self, p: &Pipeline, stdin: &str) -> Out {
        let mut input = stdin.to_string();
        let mut errs = Vec::new();
        let mut last = Out::default();
        for (i, c) in p.cmds.iter().enumerate() {
            let o = self.run_cmd(c, &input);
            if i + 1 < p.cmds.len() {
                input = o.stdout();
                errs.push((true, o.stderr()));
            } else {
                last = o;
            }
        }
        let mut out = Out {
            chunks: errs,
            code: 0,
        };
        out.push(last);
        if p.negate {
            out.code = i32::from(out.code == 0);
        }
        self.last = out.code;
        out
    }

    pub(super) fn run_cmd(&mut self, c: &Cmd, stdin: &str) -> Out {
        self.depth += 1;
        self.commands += 1;
        let out = if self.depth > 64 {
            Out::err("sh: recursion too deep\n", 2)
        } else if self.over_limit() {
            // The user would press Ctrl+C here (see `MAX_COMMANDS`).
            self.interrupt()
        } else {
            self.run_cmd_inner(c, stdin)
        };
        self.depth -= 1;
        out
    }

    pub(super) fn run_cmd_inner(&mut self, c: &Cmd, stdin: &str) -> Out {
        match c {
            Cmd::Simple { words, redirs } => self.run_simple(words, redirs, stdin),
            Cmd::Group(l) => self.run_list(l, stdin),
            Cmd::For { var, items, body } => {
                let mut values = Vec::new();
                for w in items {
                    values.extend(self.expand(w));
                    if self.over_limit() {
                        return self.interrupt();
                    }
                }
                let mut out = Out::default();
                for v in values {
                    if self.exit.is_some() {
                        break;
                    }
                    self.vars.insert(var.clone(), v);
                    out.push(self.run_list(body, stdin));
                }
                out
            }
            Cmd::While { cond, body, until } => {
                let mut out = Out::default();
                let mut rounds = 0;
                loop {
                    let c = self.run_list(cond, stdin);
                    let code = c.code;
                    out.chunks.extend(c.chunks);
                    if (code == 0) == *until || self.exit.is_some() {
                        out.code = 0;
                        break;
                    }
                    if rounds == MAX_LOOP_ROUNDS {
                        // The user would press Ctrl+C here.
                        out.chunks.push((true, "^C\n".into()));
                        out.code = 130;
                        self.exit = Some(130);
                        break;
                    }
                    rounds += 1;
                    out.push(self.run_list(body, stdin));
                }
                out
            }
            Cmd::If { cond, then, els } => {
                let c = self.run_list(cond, stdin);
                let ok = c.code == 0;
                let mut out = Out {
                    chunks: c.chunks,
                    code: 0,
                };
                if ok {
                    out.push(self.run_list(then, stdin));
                } else if let Some(e) = els {
                    out.push(self.run_list(e, stdin));
                }
                out
            }
        }
    }

    pub(super) fn run_simple(
        &mut self,
        words: &[String],
        redirs: &[shell::Redir],
        stdin: &str,
    ) -> Out {
        // Leading assignments (`name=value` as written, not as expanded)
        // take their value whole: no field splitting, so `x=$(echo a b)`
        // holds "a b".
        // So do the assignment-words a declaration builtin is given
        // (`export x=$(echo a b)`, `readonly`, `local`): the command word
        // as written decides, before anything is expanded.
        let declaration = words
            .iter()
            .find(|w| !is_assignment(w))
            .is_some_and(|w| DECLARATION_BUILTINS.contains(&w.as_str()));
        let mut argv = Vec::new();
        let mut start = 0;
        for w in words {
            match w.split_once('=') {
                Some((k, v)) if start == argv.len() && is_assignment(w) => {
                    // Left to right: `x=1 y=$x` sees the new x.
                    let v = self.expand_fields(v, false).concat();
                    argv.push(format!("{k}={v}"));
                    self.vars.insert(k.to_string(), v);
                    start += 1;
                }
                Some((k, v)) if declaration && is_assignment(w) => {
                    let v = self.expand_fields(v, false).concat();
                    argv.push(format!("{k}={v}"));
                }
                _ => argv.extend(self.expand(w)),
            }
            if self.over_limit() {
                break;
            }
        }
        let mut side = std::mem::take(&mut self.side_err);
        if self.over_limit() {
            // Interrupted while expanding (see `MAX_BYTES`): nothing runs.
            let mut out = Out {
                chunks: vec![(true, side)],
                code: 0,
            };
            out.chunks.retain(|(_, s)| !s.is_empty());
            out.push(self.interrupt());
            return out;
        }
        for a in &argv[..start] {
            let (k, v) = a.split_once('=').expect("checked");
            self.vars.insert(k.to_string(), v.to_string());
        }
        let argv = &argv[start..];
        let mut input = stdin.to_string();
        for r in redirs.iter().filter(|r| r.op == "<") {
            let t = self.expand_one(&r.target);
            match self.read_file(&t) {
                Some(s) => input = s,
                None => {
                    return Out::err(
                        format!("sh: can't open '{t}': No such file or directory\n"),
                        1,
                    )
                }
            }
        }
        let mut out = if argv.is_empty() {
            Out::default()
        } else {
            self.run_argv(argv, &input)
        };
        self.charge(out.chunks.iter().map(|(_, s)| s.len()).sum());
        if self.over_limit() {
            out.push(self.interrupt());
        }
        if !side.is_empty() {
            out.chunks.insert(0, (true, std::mem::take(&mut side)));
        }
        if redirs.iter().any(|r| r.op == "2>&1") {
            for c in &mut out.chunks {
                c.0 = false;
            }
        }
        for r in redirs {
            match r.op {
                ">" | ">>" | "2>" | "2>>" => {
                    let err_stream = r.op.starts_with('2');
                    let target = self.expand_one(&r.target);
                    let text: String = out
                        .chunks
                        .iter()
                        .filter(|(e, _)| *e == err_stream)
                        .map(|(_, s)| s.as_str())
                        .collect();
                    out.chunks.retain(|(e, _)| *e != err_stream);
                    if let Err(e) = self.write_file(&target, text, r.op.ends_with(">>")) {
                        out.chunks.push((true, format!("sh: {e}\n")));
                        out.code = 1;
                    }
                }
                ">&2" => {
                    for c in &mut out.chunks {
                        c.0 = true;
                    }
                }
                _ => {}
            }
        }
        out
    }

    // ---- expansion ----------------------------------------------------

    pub(super) fn expand_one(&mut self, raw: &str) -> String {
        self.expand(raw).join(" ")
    }

    /// Expands one raw word into fields: quotes removed, parameters and
    /// command substitutions done, unquoted results split on whitespace.
    pub(super) fn expand(&mut self, raw: &str) -> Vec<String> {
        self.expand_fields(raw, true)
    }

    /// `expand`, with unquoted substitutions split into fields or not (an
    /// assignment's value is not split).
    pub(super) fn expand_fields(&mut self, raw: &str, split: bool) -> Vec<String> {
        let c: Vec<char> = raw.chars().collect();
        let mut fields: Vec<String> = Vec::new();
        let mut cur = String::new();
        let mut has = false;
        let mut i = 0;
        while i < c.len() {
            match c[i] {
                '\'' => {
                    let end = c[i + 1..]
                        .iter()
                        .position(|&x| x == '\'')
                        .map_or(c.len(), |p| i + 1 + p);
                    cur.extend(&c[i + 1..end]);
                    has = true;
                    i = end + 1;
                }
                '"' => {
                    has = true;
                    i += 1;
                    while i < c.len() && c[i] != '"' {
                        match c[i] {
                            '\\' if matches!(c.get(i + 1), Some('"' | '\\' | '$' | '`')) => {
                                cur.push(c[i + 1]);
                                i += 2;
                            }
                            '$' | '`' => {
                                let (v, n) = self.dollar(&c, i);
                                self.charge(v.len());
                                if self.over_limit() {
                                    return fields;
                                }
                                cur.push_str(&v);
                                i = n;
                            }
                            ch => {
                                cur.push(ch);
                                i += 1;
                            }
                        }
                    }
                    i += 1;
                }
                '\\' => {
                    if let Some(&n) = c.get(i + 1) {
                        cur.push(n);
                    }
                    has = true;
                    i += 2;
                }
                '$' | '`' => {
                    let (v, n) = self.dollar(&c, i);
                    self.charge(v.len());
                    if self.over_limit() {
                        return fields;
                    }
                    i = n;
                    if !split {
                        cur.push_str(&v);
                        has = true;
                        continue;
                    }
                    // Unquoted: field splitting.
                    let mut parts = v.split_whitespace();
                    let lead_ws = v.starts_with(char::is_whitespace);
                    if lead_ws && has {
                        fields.push(std::mem::take(&mut cur));
                        has = false;
                    }
                    if let Some(first) = parts.next() {
                        cur.push_str(first);
                        has = true;
                        for p in parts {
                            fields.push(std::mem::take(&mut cur));
                            cur.push_str(p);
                        }
                        if v.ends_with(char::is_whitespace) {
                            fields.push(std::mem::take(&mut cur));
                            has = false;
                        }
                    }
                }
                ch => {
                    cur.push(ch);
                    has = true;
                    i += 1;
                }
            }
        }
        if has {
            fields.push(cur);
        }
        fields
    }

    /// A `$...` or backtick expansion starting at `i`: (value, next index).
    pub(super) fn dollar(&mut self, c: &[char], i: usize) -> (String, usize) {
        if c[i] == '`' {
            let end = c[i + 1..]
                .iter()
                .position(|&x| x == '`')
                .map_or(c.len(), |p| i + 1 + p);
            let src: String = c[i + 1..end].iter().collect();
            return (self.substitute(&src), end + 1);
        }
        match c.get(i + 1) {
            Some('(') if c.get(i + 2) == Some(&'(') => {
                let end = find_close(c, i + 1);
                let inner: String = c[i + 3..end.saturating_sub(2).max(i + 3)].iter().collect();
                let expanded = self.expand_one(&format!("\"{}\"", inner.replace('"', "\\\"")));
                let expanded = self.arith_names(&expanded);
                let v = match shell::arith(&expanded) {
                    Ok(n) => n.to_string(),
                    Err(e) => {
                        self.side_err
                            .push_str(&format!("sh: arithmetic syntax error: {e}\n"));
                        String::new()
                    }
                };
                (v, end)
            }
            Some('(') => {
                let end = find_close(c, i + 1);
                let src: String = c[i + 2..end - 1].iter().collect();
                (self.substitute(&src), end)
            }
            Some('{') => {
                let end = c[i..]
                    .iter()
                    .position(|&x| x == '}')
                    .map_or(c.len(), |p| i + p);
                let inner: String = c[i + 2..end].iter().collect();
                let v = match inner.split_once(":-") {
                    Some((name, default)) => match self.vars.get(name) {
                        Some(v) if !v.is_empty() => v.clone(),
                        _ => self.expand_one(default),
                    },
                    None => self.var(&inner),
                };
                (v, end + 1)
            }
            Some('?') => (self.last.to_string(), i + 2),
            Some('$') => ("1".into(), i + 2),
            Some('#') => ("0".into(), i + 2),
            Some(ch) if ch.is_ascii_alphanumeric() || *ch == '_' => {
                let mut j = i + 1;
                while j < c.len() && (c[j].is_ascii_alphanumeric() || c[j] == '_') {
                    j += 1;
                }
                let name: String = c[i + 1..j].iter().collect();
                (self.var(&name), j)
            }
            _ => ("$".into(), i + 1),
        }
    }

    /// Inside `$((...))` a bare name means its variable's value.
    pub(super) fn arith_names(&self, expr: &str) -> String {
        let mut out = String::new();
        let mut name = String::new();
        let flush = |name: &mut String, out: &mut String| {
            if !name.is_empty() {
                let v = self.vars.get(name.as_str()).map(|v| v.trim().to_string());
                out.push_str(&v.filter(|v| !v.is_empty()).unwrap_or_else(|| "0".into()));
                name.clear();
            }
        };
        for ch in expr.chars() {
            if ch.is_ascii_alphabetic() || ch == '_' || (!name.is_empty() && ch.is_ascii_digit()) {
                name.push(ch);
            } else {
                flush(&mut name, &mut out);
                out.push(ch);
            }
        }
        flush(&mut name, &mut out);
        out
    }

    pub(super) fn var(&self, name: &str) -> String {
        self.vars.get(name).cloned().unwrap_or_default()
    }

    pub(super) fn substitute(&mut self, src: &str) -> String {
        let o = self.run_script(src, "", "sh");
        self.side_err.push_str(&o.stderr());
        self.last = o.code;
        o.stdout().trim_end_matches('\n').to_string()
    }

    // ---- programs -----------------------------------------------------

    pub(crate) fn run_argv(&mut self, argv: &[String], stdin: &str) -> Out {
        let Some(cmd) = argv.first() else {
            return Out::default();
        };
        let args = &argv[1..];
        let base = cmd.rsplit('/').next().unwrap_or(cmd).to_string();
        if IMAGE_PROGRAMS.contains(&base.as_str()) {
            let Some(path) = self.which(cmd) else {
                return not_found(cmd);
            };
            if !fs::executable(self.sim, &self.pod, &self.container, &path) {
                return Out::err(format!("sh: {cmd}: Permission denied\n"), 126);
            }
            return match base.as_str() {
                "mysql" => self.mysql(args, stdin),
                "mysqladmin" => self.mysqladmin(args),
                "nodetool" => self.nodetool(args),
                "cqlsh" => self.cqlsh(args, stdin),
                "zkOk.sh" => self.zk_ok(),
                "zkCli.sh" => self.zk_cli(args),
                "zkServer.sh" => self.zk_server(args),
                "ready-probe.sh" => self.cassandra_ready_probe(),
                _ => Out::default(),
            };
        }
        match base.as_str() {
            "sh" | "bash" | "ash" | "dash" => self.shell_cmd(&base, args, stdin),
            "echo" => {
                let mut newline = true;
                let mut escapes = false;
                let mut words = args;
                while let Some(f) = words.first() {
                    match f.as_str() {
                        "-n" => newline = false,
                        "-e" => escapes = true,
                        "-ne" | "-en" => {
                            newline = false;
                            escapes = true;
                        }
                        _ => break,
                    }
                    words = &words[1..];
                }
                let mut s = words.join(" ");
                if escapes {
                    s = s.replace("\\n", "\n").replace("\\t", "\t");
                }
                if newline {
                    s.push('\n');
                }
                Out::ok(s)
            }
            "printf" => {
                let f: Vec<char> = args
                    .first()
                    .map(|f| f.chars().collect())
                    .unwrap_or_default();
                let mut rest = args.iter().skip(1).peekable();
                let mut s = String::new();
                // POSIX: the format is used again while arguments are left, if it
                // takes any; a missing argument is "" for %s and 0 for %d.
                loop {
                    let mut took = false;
                    let mut i = 0;
                    while i < f.len() {
                        match (f[i], f.get(i + 1)) {
                            ('%', Some(&c @ ('s' | 'd'))) => {
                                took = true;
                                let arg = rest.next().map(String::as_str);
                                s.push_str(arg.unwrap_or(if c == 'd' { "0" } else { "" }));
                                i += 2;
                            }
                            ('%', Some('%')) => {
                                s.push('%');
                                i += 2;
                            }
                            ('\\', Some('n')) => {
                                s.push('\n');
                                i += 2;
                            }
                            ('\\', Some('t')) => {
                                s.push('\t');
                                i += 2;
                            }
                            (ch, _) => {
                                s.push(ch);
                                i += 1;
                            }
                        }
                    }
                    if !took || rest.peek().is_none() {
                        break;
                    }
                }
                Out::ok(s)
            }
            "cat" => self.cat(args, stdin),
            "ls" => self.ls(args),
            "mkdir" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    let p = format!("{}/.keep", self.path(a));
                    if let Err(e) = self.write_file(&p, String::new(), false) {
                        return Out::err(format!("mkdir: {e}\n"), 1);
                    }
                }
                Out::default()
            }
            "touch" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    if self.read_file(a).is_none() {
                        if let Err(e) = self.write_file(a, String::new(), false) {
                            return Out::err(format!("touch: {e}\n"), 1);
                        }
                    }
                }
                Out::default()
            }
            "rm" => self.rm(args),
            "chmod" => self.chmod(args),
            "mv" | "cp" => self.mv_cp(&base, args),
            "pwd" => Out::ok(format!("{}\n", self.cwd)),
            "cd" => {
                let to = args.first().map(|a| self.path(a)).unwrap_or("/root".into());
                if fs::is_dir(self.sim, &self.pod, &self.container, &to) {
                    self.cwd = to;
                    Out::default()
                } else {
                    Out::err(
                        format!(
                            "sh: cd: can't cd to {}: No such file or directory\n",
                            args[0]
                        ),
                        2,
                    )
                }
            }
            "hostname" => match args.first().map(String::as_str) {
                Some("-f") | Some("--fqdn") | Some("--long") => {
                    Out::ok(format!("{}\n", net::fqdn(&self.pod)))
                }
                Some("-i") | Some("--ip-address") | Some("-I") => Out::ok(format!(
                    "{}\n",
                    crate::sim::podutil::pod_ip(&self.pod).unwrap_or("")
                )),
                Some("-d") | Some("--domain") => {
                    let f = net::fqdn(&self.pod);
                    let h = net::hostname(&self.pod);
                    let d = f.strip_prefix(&format!("{h}.")).unwrap_or("");
                    Out::ok(format!("{d}\n"))
                }
                Some("-s") | Some("--short") | None => {
                    Out::ok(format!("{}\n", net::hostname(&self.pod)))
                }
                Some(_) => Out::err("hostname: you must be root to change the host name\n", 1),
            },
            "sleep" => {
                let secs: f64 = args
                    .first()
                    .map(|a| a.trim_end_matches('s'))
                    .and_then(|a| a.parse().ok())
                    .unwrap_or(0.0);
                // A real sleep this long would never return; here the
                // exec's clock stops at the last instant `date` can print
                // (9999-12-31, an Ordinal limit) instead of overflowing.
                self.clock_ms = self
                    .clock_ms
                    .saturating_add((secs * 1000.0) as u64)
                    .min(LAST_DATE_MS);
                Out::default()
            }
            "true" | ":" => Out::default(),
            "false" => Out {
                chunks: Vec::new(),
                code: 1,
            },
            "exit" => {
                let code = args
                    .first()
                    .and_then(|a| a.parse().ok())
                    .unwrap_or(self.last);
                self.exit = Some(code);
                Out {
                    chunks: Vec::new(),
                    code,
                }
            }
            // The shell runs no functions, so `local` is always outside one.
            "local" => Out::err("sh: local: not in a function\n", 2),
            "export" | "readonly" | "set" | "unset" | "trap" | "ulimit" | "umask" | "sync" => {
                if base == "export" || base == "readonly" {
                    for a in args.iter().filter(|a| is_assignment(a)) {
                        let (k, v) = a.split_once('=').expect("checked");
                        self.vars.insert(k.into(), v.into());
                    }
                }
                if base == "unset" {
                    for a in args {
                        self.vars.remove(a);
                    }
                }
                Out::default()
            }
            "env" | "printenv" => {
                if base == "printenv" && !args.is_empty() {
                    return match self.vars.get(&args[0]) {
                        Some(v) => Out::ok(format!("{v}\n")),
                        None => Out {
                            chunks: Vec::new(),
                            code: 1,
                        },
                    };
                }
                let s: String = self
                    .vars
                    .iter()
                    .map(|(k, v)| format!("{k}={v}\n"))
                    .collect();
                Out::ok(s)
            }
            "test" | "[" | "[[" => {
                let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
                if matches!(a.last(), Some(&"]") | Some(&"]]")) {
                    a.pop();
                }
                let ok = self.test(&a);
                Out {
                    chunks: Vec::new(),
                    code: i32::from(!ok),
                }
            }
            "seq" => {
                let n: Vec<i64> = args.iter().filter_map(|a| a.parse().ok()).collect();
                let (from, to) = match n.as_slice() {
                    [to] => (1, *to),
                    [from, to, ..] => (*from, *to),
                    _ => (1, 0),
                };
                let s: String = (from..=to.min(from + 10_000))
                    .map(|i| format!("{i}\n"))
                    .collect();
                Out::ok(s)
            }
            "wc" => {
                // `-l` lines, `-w` words, `-c`/`-m` bytes (letters combine),
                // printed in that order; none: all three. A file's name
                // follows its counts.
                let flags: String = args
                    .iter()
                    .filter(|a| a.starts_with('-') && a.len() > 1)
                    .flat_map(|a| a.chars().skip(1))
                    .collect();
                let file = args.iter().find(|a| !a.starts_with('-'));
                let text = match file {
                    Some(f) => self.read_file(f).unwrap_or_default(),
                    None => stdin.to_string(),
                };
                let all = !flags.contains(['l', 'w', 'c', 'm']);
                let mut cols = Vec::new();
                if all || flags.contains('l') {
                    cols.push(text.matches('\n').count().to_string());
                }
                if all || flags.contains('w') {
                    cols.push(text.split_whitespace().count().to_string());
                }
                if flags.contains('m') {
                    cols.push(text.chars().count().to_string());
                } else if all || flags.contains('c') {
                    cols.push(text.len().to_string());
                }
                cols.extend(file.cloned());
                Out::ok(format!("{}\n", cols.join(" ")))
            }
            "grep" => {
                let invert = args.iter().any(|a| a == "-v");
                let quiet = args.iter().any(|a| a == "-q");
                let mut rest = args.iter().filter(|a| !a.starts_with('-'));
                let pat = rest.next().cloned().unwrap_or_default();
                let text = match rest.next() {
                    Some(f) => self.read_file(f).unwrap_or_default(),
                    None => stdin.to_string(),
                };
                let hits: String = text
                    .lines()
                    .filter(|l| l.contains(pat.as_str()) != invert)
                    .map(|l| format!("{l}\n"))
                    .collect();
                let code = i32::from(hits.is_empty());
                Out {
                    chunks: if quiet {
                        Vec::new()
                    } else {
                        vec![(false, hits)]
                    },
                    code,
                }
            }
            "head" | "tail" => {
                let n = args
                    .windows(2)
                    .find(|w| w[0] == "-n")
                    .and_then(|w| w[1].parse().ok())
                    .unwrap_or(10usize);
                let text = match args
                    .iter()
                    .find(|a| !a.starts_with('-') && a.parse::<usize>().is_err())
                {
                    Some(f) => self.read_file(f).unwrap_or_default(),
                    None => stdin.to_string(),
                };
                let lines: Vec<&str> = text.lines().collect();
                let pick = if base == "head" {
                    &lines[..n.min(lines.len())]
                } else {
                    &lines[lines.len().saturating_sub(n)..]
                };
                Out::ok(pick.iter().map(|l| format!("{l}\n")).collect::<String>())
            }
            "date" => {
                // busybox: `Wed Jan  1 00:00:05 UTC 2025`.
                let t = crate::sim::object::rfc3339(self.clock_ms);
                let days = (crate::sim::object::EPOCH_UNIX_MS + self.clock_ms) / 86_400_000;
                let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
                let month: usize = t[5..7].parse().unwrap_or(1);
                let mon = [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ][month.clamp(1, 12) - 1];
                let day: u32 = t[8..10].parse().unwrap_or(1);
                Out::ok(format!(
                    "{wd} {mon} {day:>2} {} UTC {}\n",
                    &t[11..19],
                    &t[..4]
                ))
            }
            "whoami" => Out::ok("root\n"),
            "id" => Out::ok("uid=0(root) gid=0(root) groups=0(root)\n"),
            "uname" => Out::ok(if args.iter().any(|a| a == "-a") {
                format!(
                    "Linux {} 6.1.0 #1 SMP x86_64 GNU/Linux\n",
                    net::hostname(&self.pod)
                )
            } else {
                "Linux\n".into()
            }),
            "nslookup" => {
                let (o, e, c) = self.nslookup(args);
                Out::new(o, e, c)
            }
            "host" => {
                let (o, e, c) = self.host(args);
                Out::new(o, e, c)
            }
            "dig" => {
                let (o, e, c) = self.dig(args);
                Out::new(o, e, c)
            }
            "curl" => self.http(&base, args),
            "wget" => self.wget(args),
            "nc" | "ncat" | "netcat" => self.nc(args, stdin),
            "ping" => self.ping(args),
            "mount" => self.mount(),
            "df" => self.df(args),
            _ => not_found(cmd),
        }
    }

    pub(super) fn shell_cmd(&mut self, name: &str, args: &[String], stdin: &str) -> Out {
        let mut i = 0;
        let mut script = None;
        while i < args.len() {
            let a = &args[i];
            if a.starts_with('-') && a.len() > 1 {
                if a.contains('c') {
                    script = args.get(i + 1).cloned();
                    break;
                }
                i += 1;
                continue;
            }
            // `sh FILE`
            return match self.read_file(a) {
                Some(src) => self.run_script(&src, stdin, name),
                None => Out::err(
                    format!("{name}: can't open '{a}': No such file or directory\n"),
                    2,
                ),
            };
        }
        match script {
            Some(s) => self.run_script(&s, stdin, name),
            None if args.iter().any(|a| a.contains('c')) => {
                Out::err(format!("{name}: -c requires an argument\n"), 2)
            }
            None => self.run_script(stdin, "", name),
        }
    }

    pub(super) fn test(&self, a: &[&str]) -> bool {
        match a {
            [] => false,
            ["!", rest @ ..] => !self.test(rest),
            [s] => !s.is_empty(),
            ["-n", s] => !s.is_empty(),
            ["-z", s] => s.is_empty(),
            ["-f", p] | ["-e", p] | ["-s", p] => {
                let p = self.path(p);
                self.read_file(&p).is_some()
                    || (a[0] == "-e" && fs::is_dir(self.sim, &self.pod, &self.container, &p))
            }
            ["-d", p] => fs::is_dir(self.sim, &self.pod, &self.container, &self.path(p)),
            [x, "=" | "==", y] => x == y,
            [x, "!=", y] => x != y,
            [x, op, y] => {
                let (Ok(x), Ok(y)) = (x.parse::<i64>(), y.parse::<i64>()) else {
                    return false;
                };
                match *op {
                    "-eq" => x == y,
                    "-ne" => x != y,
                    "-lt" => x < y,
                    "-le" => x <= y,
                    "-gt" => x > y,
                    "-ge" => x >= y,
                    _ => false,
                }
            }
            _ => false,
        }
    }
}
