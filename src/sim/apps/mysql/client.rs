//! The `mysql` and `mysqladmin` client programs (MySQL's `client/mysql.cc`
//! and `client/mysqladmin.cc`): flags, connecting, and printing results.

use super::*;

impl Proc<'_> {
    pub(in crate::sim::apps) fn mysqladmin(&mut self, args: &[String]) -> Out {
        let host = host_arg(args);
        match self.mysql_connect(host.as_deref()) {
            Ok(_) if args.iter().any(|a| a == "ping") => Out::ok("mysqld is alive\n"),
            Ok(_) => Out::default(),
            Err(e) => Out::err(
                format!(
                    "mysqladmin: connect to server at '{}' failed\nerror: '{e}'\n",
                    host.as_deref().unwrap_or("localhost")
                ),
                1,
            ),
        }
    }

    pub(super) fn mysql_connect(&mut self, host: Option<&str>) -> Result<Server, String> {
        let local = |p: &Proc| -> Option<Server> {
            server_container(&p.pod).map(|c| Server {
                pod: p.pod.clone(),
                container: c,
            })
        };
        match host {
            None | Some("localhost") => local(self).ok_or_else(|| {
                "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)".to_string()
            }),
            Some(h) => {
                let refused =
                    |code: u32| format!("ERROR 2003 (HY000): Can't connect to MySQL server on '{h}' ({code})");
                match self.connect(h) {
                    Ok(pod) => match server_container(&pod) {
                        Some(c) if podutil::is_running(&pod) => Ok(Server { pod, container: c }),
                        _ => Err(refused(111)),
                    },
                    Err(net::ConnectError::UnknownHost) => {
                        Err(format!("ERROR 2005 (HY000): Unknown MySQL server host '{h}' (0)"))
                    }
                    Err(net::ConnectError::Refused) => Err(refused(111)),
                    Err(net::ConnectError::Unreachable) => Err(refused(113)),
                }
            }
        }
    }

    pub(in crate::sim::apps) fn mysql(&mut self, args: &[String], stdin: &str) -> Out {
        let mut execute: Option<String> = None;
        let mut table = None;
        let mut skip_names = false;
        let mut db: Option<String> = None;
        let mut force = false;
        let mut vertical = false;
        let mut i = 0;
        while i < args.len() {
            let a = args[i].as_str();
            let next = args.get(i + 1).cloned();
            match a {
                "-e" | "--execute" => {
                    execute = next;
                    i += 1;
                }
                "-h" | "--host" | "-u" | "--user" | "-P" | "--port" | "-D" | "--database" => {
                    if matches!(a, "-D" | "--database") {
                        db = next;
                    }
                    i += 1;
                }
                "-t" | "--table" => table = Some(true),
                "-B" | "--batch" => table = Some(false),
                "-N" | "--skip-column-names" | "-s" | "--silent" => skip_names = true,
                "-E" | "--vertical" => vertical = true,
                "-f" | "--force" => force = true,
                _ if a.starts_with("--execute=") => execute = Some(a[10..].to_string()),
                _ if a.starts_with("--database=") => db = Some(a[11..].to_string()),
                _ if a.starts_with("-e") && a.len() > 2 => execute = Some(a[2..].to_string()),
                _ if a.starts_with('-') => {}
                _ => db = Some(a.to_string()),
            }
            i += 1;
        }
        let host = host_arg(args);
        let (sql, from_stdin) = match execute {
            Some(s) => (s, false),
            None if !stdin.is_empty() => (stdin.to_string(), true),
            None => {
                return Out::err(
                    "mysql: the interactive monitor is not simulated; pass statements with -e '...' or on stdin\n",
                    1,
                )
            }
        };
        // mysql prints tables when stdout is a terminal (or with -t).
        let table = table.unwrap_or(self.tty && !from_stdin);
        let server = match self.mysql_connect(host.as_deref()) {
            Ok(s) => s,
            Err(e) => return Out::err(format!("{e}\n"), 1),
        };
        self.prepare(&server, 0);
        let mut out = Out::default();
        if let Some(d) = &db {
            if self.sread(&server, &format!("{d}/db.opt")).is_none() {
                return Out::err(format!("ERROR 1049 (42000): Unknown database '{d}'\n"), 1);
            }
        }
        let mut current = db;
        for (line, stmt, ends_g) in split_statements(&sql) {
            match self.statement(&server, &stmt, &mut current) {
                Ok(Some(rs)) if vertical || ends_g => {
                    out.chunks.push((false, format_vertical(&rs, skip_names)))
                }
                Ok(Some(rs)) => out.chunks.push((false, format_rs(&rs, table, skip_names))),
                Ok(None) => {}
                Err(e) => {
                    out.chunks.push((
                        true,
                        format!("ERROR {} ({}) at line {line}: {}\n", e.code, e.state, e.msg),
                    ));
                    out.code = 1;
                    if !force {
                        break;
                    }
                }
            }
        }
        out
    }
}

/// `-h HOST`, `-hHOST`, `--host=HOST`, `--host HOST`.
pub(super) fn host_arg(args: &[String]) -> Option<String> {
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-h" || a == "--host" {
            return args.get(i + 1).cloned();
        }
        if let Some(h) = a.strip_prefix("--host=") {
            return Some(h.to_string());
        }
        if a.starts_with("-h") && !a.starts_with("--") && a.len() > 2 {
            return Some(a[2..].to_string());
        }
        i += 1;
    }
    None
}

/// Splits SQL into statements at `;`, `\g` or `\G` outside quotes, with
/// the line each starts on (for `ERROR ... at line N`) and whether `\G`
/// ended it (mysql then prints that result vertically).
pub(super) fn split_statements(sql: &str) -> Vec<(usize, String, bool)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut line = 1;
    let mut start_line = 1;
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    let mut end = |cur: &mut String, start: usize, vertical: bool| {
        if !cur.trim().is_empty() {
            out.push((start, cur.trim().to_string(), vertical));
        }
        cur.clear();
    };
    while let Some(ch) = chars.next() {
        if cur.trim().is_empty() {
            start_line = line;
        }
        if ch == '\n' {
            line += 1;
        }
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if ch == '\'' || ch == '"' || ch == '`' => quote = Some(ch),
            None if ch == ';' => {
                end(&mut cur, start_line, false);
                continue;
            }
            None if ch == '\\' && matches!(chars.peek(), Some('g' | 'G')) => {
                let vertical = chars.next() == Some('G');
                end(&mut cur, start_line, vertical);
                continue;
            }
            None => {}
        }
        cur.push(ch);
    }
    end(&mut cur, start_line, false);
    out
}

/// mysql's vertical output (`\G`, `-E`): each row under a line of stars
/// and its number, each column as `name: value`, the names right-aligned
/// to the longest. An empty result prints nothing.
pub(super) fn format_vertical(rs: &ResultSet, skip_names: bool) -> String {
    let width = rs.cols.iter().map(|c| c.chars().count()).max().unwrap_or(0);
    let stars = "*".repeat(27);
    let mut s = String::new();
    for (n, r) in rs.rows.iter().enumerate() {
        s.push_str(&format!("{stars} {}. row {stars}\n", n + 1));
        for (c, v) in rs.cols.iter().zip(r) {
            if !skip_names {
                s.push_str(&format!("{c:>width$}: "));
            }
            s.push_str(v.text());
            s.push('\n');
        }
    }
    s
}

/// mysql's output: boxed tables on a terminal (numbers right-aligned),
/// tab-separated rows with a header line otherwise.
pub(super) fn format_rs(rs: &ResultSet, table: bool, skip_names: bool) -> String {
    if rs.rows.is_empty() && !table {
        return String::new();
    }
    if !table {
        let mut s = String::new();
        if !skip_names {
            s.push_str(&rs.cols.join("\t"));
            s.push('\n');
        }
        for r in &rs.rows {
            let cells: Vec<&str> = r.iter().map(Val::text).collect();
            s.push_str(&cells.join("\t"));
            s.push('\n');
        }
        return s;
    }
    if rs.rows.is_empty() {
        return String::new();
    }
    let widths: Vec<usize> = (0..rs.cols.len())
        .map(|i| {
            rs.rows
                .iter()
                .map(|r| r.get(i).map_or(0, |v| v.text().chars().count()))
                .chain(std::iter::once(if skip_names {
                    0
                } else {
                    rs.cols[i].chars().count()
                }))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let sep: String = format!(
        "+{}+\n",
        widths
            .iter()
            .map(|w| "-".repeat(w + 2))
            .collect::<Vec<_>>()
            .join("+")
    );
    let mut s = sep.clone();
    if !skip_names {
        let cells: Vec<String> = rs
            .cols
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!(" {c:<w$} "))
            .collect();
        s.push_str(&format!("|{}|\n", cells.join("|")));
        s.push_str(&sep);
    }
    for r in &rs.rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(v, w)| match v {
                Val::Num(x) => format!(" {x:>w$} "),
                other => format!(" {:<w$} ", other.text()),
            })
            .collect();
        s.push_str(&format!("|{}|\n", cells.join("|")));
    }
    s.push_str(&sep);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_outside_quotes_with_lines() {
        let v = split_statements("CREATE DATABASE test;\nINSERT INTO t VALUES ('a;b');\n");
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].0, 2);
        assert!(v[1].1.contains("'a;b'"));
        assert!(!v[1].2);
        let v = split_statements("SHOW SLAVE STATUS\\G SELECT '\\G'\\g");
        assert_eq!(v.len(), 2);
        assert_eq!(v[0], (1, "SHOW SLAVE STATUS".to_string(), true));
        assert_eq!(v[1], (1, "SELECT '\\G'".to_string(), false));
    }

    #[test]
    fn vertical_rows_right_align_the_names() {
        let rs = ResultSet {
            cols: vec!["@@server_id".into(), "x".into()],
            rows: vec![vec![Val::Num("101".into()), Val::Null]],
        };
        assert_eq!(
            format_vertical(&rs, false),
            "*************************** 1. row ***************************\n@@server_id: 101\n          x: NULL\n"
        );
    }

    #[test]
    fn tables_align_numbers_right_and_text_left() {
        let rs = ResultSet {
            cols: vec!["@@server_id".into(), "NOW()".into()],
            rows: vec![vec![
                Val::Num("100".into()),
                Val::Str("2006-01-02 15:04:05".into()),
            ]],
        };
        assert_eq!(
            format_rs(&rs, true, false),
            "+-------------+---------------------+\n| @@server_id | NOW()               |\n+-------------+---------------------+\n|         100 | 2006-01-02 15:04:05 |\n+-------------+---------------------+\n"
        );
        assert_eq!(
            format_rs(&rs, false, false),
            "@@server_id\tNOW()\n100\t2006-01-02 15:04:05\n"
        );
        assert_eq!(format_rs(&rs, false, true), "100\t2006-01-02 15:04:05\n");
    }
}
