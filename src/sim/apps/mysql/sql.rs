//! The statements the server runs (MySQL's `sql/`): DDL and DML over the
//! data directory's files, SELECT with WHERE, LIMIT and scalar functions.

use super::*;
use crate::sim::sort;

impl Proc<'_> {
    pub(super) fn statement(
        &mut self,
        s: &Server,
        stmt: &str,
        current: &mut Option<String>,
    ) -> Result<Option<ResultSet>, MyErr> {
        let t = tokens(stmt);
        let up: Vec<String> = t.iter().map(|x| x.to_ascii_uppercase()).collect();
        let word = |i: usize| up.get(i).map(String::as_str).unwrap_or("");
        let writes = matches!(
            word(0),
            "CREATE" | "DROP" | "INSERT" | "DELETE" | "UPDATE" | "TRUNCATE" | "ALTER" | "REPLACE"
        );
        if writes && self.is_replica(&s.pod) {
            return Err(err(
                1290,
                "HY000",
                "The MySQL server is running with the --super-read-only option so it cannot execute this statement",
            ));
        }
        match (word(0), word(1)) {
            ("CREATE", "DATABASE" | "SCHEMA") => {
                let (name, if_not) = if word(2) == "IF" && word(3) == "NOT" && word(4) == "EXISTS" {
                    (ident(t.get(5)), true)
                } else {
                    (ident(t.get(2)), false)
                };
                if name.is_empty() {
                    return Err(syntax(""));
                }
                if self.db_exists(s, &name) {
                    if if_not {
                        return Ok(None);
                    }
                    return Err(err(
                        1007,
                        "HY000",
                        format!("Can't create database '{name}'; database exists"),
                    ));
                }
                self.swrite(
                    s,
                    &format!("{name}/db.opt"),
                    "default-character-set=latin1\n".into(),
                )?;
                Ok(None)
            }
            ("DROP", "DATABASE" | "SCHEMA") => {
                let (name, if_exists) = if word(2) == "IF" && word(3) == "EXISTS" {
                    (ident(t.get(4)), true)
                } else {
                    (ident(t.get(2)), false)
                };
                if !self.db_exists(s, &name) || SYSTEM_DBS.contains(&name.as_str()) {
                    if if_exists {
                        return Ok(None);
                    }
                    return Err(err(
                        1008,
                        "HY000",
                        format!("Can't drop database '{name}'; database doesn't exist"),
                    ));
                }
                for f in self.data_files(s).keys() {
                    if f.starts_with(&format!("{name}/")) {
                        self.sremove(s, f);
                    }
                }
                if current.as_deref() == Some(name.as_str()) {
                    *current = None;
                }
                Ok(None)
            }
            ("USE", _) => {
                let name = ident(t.get(1));
                if !self.db_exists(s, &name) {
                    return Err(err(1049, "42000", format!("Unknown database '{name}'")));
                }
                *current = Some(name);
                Ok(None)
            }
            ("CREATE", "TABLE") => {
                let mut i = 2;
                let if_not = word(2) == "IF" && word(3) == "NOT" && word(4) == "EXISTS";
                if if_not {
                    i = 5;
                }
                let (db, table, n) = self.table_name(&t, i, current)?;
                let open = n;
                if t.get(open).map(String::as_str) != Some("(") {
                    return Err(syntax(&t[open.min(t.len())..].join(" ")));
                }
                let cols = column_defs(&t[open + 1..]);
                if cols.is_empty() {
                    return Err(syntax(&t[open..].join(" ")));
                }
                if self.sread(s, &format!("{db}/{table}.frm")).is_some() {
                    if if_not {
                        return Ok(None);
                    }
                    return Err(err(
                        1050,
                        "42S01",
                        format!("Table '{table}' already exists"),
                    ));
                }
                let frm: String = cols.iter().map(|(n, ty)| format!("{n}\t{ty}\n")).collect();
                self.swrite(s, &format!("{db}/{table}.frm"), frm)?;
                self.swrite(s, &format!("{db}/{table}.ibd"), String::new())?;
                Ok(None)
            }
            ("DROP", "TABLE") => {
                let if_exists = word(2) == "IF" && word(3) == "EXISTS";
                let (db, table, _) = self.table_name(&t, if if_exists { 4 } else { 2 }, current)?;
                if self.sread(s, &format!("{db}/{table}.frm")).is_none() {
                    if if_exists {
                        return Ok(None);
                    }
                    return Err(err(1051, "42S02", format!("Unknown table '{db}.{table}'")));
                }
                self.sremove(s, &format!("{db}/{table}.frm"));
                self.sremove(s, &format!("{db}/{table}.ibd"));
                Ok(None)
            }
            ("INSERT", "INTO") => {
                let (db, table, mut i) = self.table_name(&t, 2, current)?;
                let cols = self.columns(s, &db, &table)?;
                let mut target: Vec<usize> = (0..cols.len()).collect();
                if t.get(i).map(String::as_str) == Some("(") {
                    let (names, next) = paren_list(&t, i);
                    target = Vec::new();
                    for n in names {
                        let n = ident(Some(&n));
                        match cols.iter().position(|(c, _)| c.eq_ignore_ascii_case(&n)) {
                            Some(p) => target.push(p),
                            None => {
                                return Err(err(
                                    1054,
                                    "42S22",
                                    format!("Unknown column '{n}' in 'field list'"),
                                ))
                            }
                        }
                    }
                    i = next;
                }
                if !matches!(up.get(i).map(String::as_str), Some("VALUES" | "VALUE")) {
                    return Err(syntax(&t[i.min(t.len())..].join(" ")));
                }
                i += 1;
                let mut rows = self
                    .sread(s, &format!("{db}/{table}.ibd"))
                    .unwrap_or_default();
                let mut n = 0;
                while t.get(i).map(String::as_str) == Some("(") {
                    let (vals, next) = paren_list(&t, i);
                    n += 1;
                    if vals.len() != target.len() {
                        return Err(err(
                            1136,
                            "21S01",
                            format!("Column count doesn't match value count at row {n}"),
                        ));
                    }
                    let mut row = vec![Val::Null; cols.len()];
                    for (v, &p) in vals.iter().zip(&target) {
                        row[p] = literal(v);
                    }
                    let line: Vec<String> = row.iter().map(encode).collect();
                    rows.push_str(&line.join("\t"));
                    rows.push('\n');
                    i = next;
                    if t.get(i).map(String::as_str) == Some(",") {
                        i += 1;
                    }
                }
                if n == 0 {
                    return Err(syntax(&t[i.min(t.len())..].join(" ")));
                }
                self.swrite(s, &format!("{db}/{table}.ibd"), rows)?;
                Ok(None)
            }
            ("DELETE", "FROM") => {
                let (db, table, i) = self.table_name(&t, 2, current)?;
                let cols = self.columns(s, &db, &table)?;
                let rows = self.rows(s, &db, &table);
                let cond = where_clause(&t, i, &cols)?;
                let kept: String = rows
                    .iter()
                    .filter(|r| !matches_where(r, &cond))
                    .map(|r| format!("{}\n", r.iter().map(encode).collect::<Vec<_>>().join("\t")))
                    .collect();
                self.swrite(s, &format!("{db}/{table}.ibd"), kept)?;
                Ok(None)
            }
            ("SHOW", "DATABASES" | "SCHEMAS") => {
                let mut dbs: Vec<String> = SYSTEM_DBS.iter().map(|d| d.to_string()).collect();
                for f in self.data_files(s).keys() {
                    if let Some((d, "db.opt")) = f.split_once('/') {
                        if !dbs.iter().any(|x| x == d) {
                            dbs.push(d.to_string());
                        }
                    }
                }
                sort::sort(&mut dbs);
                Ok(Some(ResultSet {
                    cols: vec!["Database".into()],
                    rows: dbs.into_iter().map(|d| vec![Val::Str(d)]).collect(),
                }))
            }
            ("SHOW", "TABLES") => {
                let db = if word(2) == "FROM" || word(2) == "IN" {
                    ident(t.get(3))
                } else {
                    current
                        .clone()
                        .ok_or_else(|| err(1046, "3D000", "No database selected"))?
                };
                if !self.db_exists(s, &db) {
                    return Err(err(1049, "42000", format!("Unknown database '{db}'")));
                }
                let tables: Vec<Vec<Val>> = self
                    .data_files(s)
                    .keys()
                    .filter_map(|f| {
                        let (d, file) = f.split_once('/')?;
                        (d == db).then_some(())?;
                        file.strip_suffix(".frm")
                            .map(|t| vec![Val::Str(t.to_string())])
                    })
                    .collect();
                Ok(Some(ResultSet {
                    cols: vec![format!("Tables_in_{db}")],
                    rows: tables,
                }))
            }
            ("SHOW", "SLAVE") if word(2) == "STATUS" => Ok(Some(self.slave_status(s))),
            ("SHOW", "MASTER") if word(2) == "STATUS" => Ok(Some(self.master_status(s))),
            // MySQL 5.7 has no `SHOW REPLICA STATUS` (8.0.22 added it): the
            // parser stops at the word after SHOW it does not know.
            ("SHOW", w) if !w.is_empty() => {
                let rest = stmt.trim_start().get(4..).unwrap_or("").trim_start();
                Err(syntax(rest))
            }
            ("SELECT", _) => self.select(s, stmt, &t, current),
            ("SET", _)
            | ("START", _)
            | ("STOP", _)
            | ("CHANGE", _)
            | ("FLUSH", _)
            | ("COMMIT", _)
            | ("BEGIN", _) => Ok(None),
            _ => Err(syntax(stmt.trim())),
        }
    }

    pub(super) fn db_exists(&self, s: &Server, db: &str) -> bool {
        SYSTEM_DBS.contains(&db) || self.sread(s, &format!("{db}/db.opt")).is_some()
    }

    /// `[db.]table` at token `i`: (db, table, next index).
    pub(super) fn table_name(
        &self,
        t: &[String],
        i: usize,
        current: &Option<String>,
    ) -> Result<(String, String, usize), MyErr> {
        let first = ident(t.get(i));
        if first.is_empty() {
            return Err(syntax(""));
        }
        if t.get(i + 1).map(String::as_str) == Some(".") {
            Ok((first, ident(t.get(i + 2)), i + 3))
        } else {
            let db = current
                .clone()
                .ok_or_else(|| err(1046, "3D000", "No database selected"))?;
            Ok((db, first, i + 1))
        }
    }

    pub(super) fn columns(
        &self,
        s: &Server,
        db: &str,
        table: &str,
    ) -> Result<Vec<(String, String)>, MyErr> {
        if !self.db_exists(s, db) {
            return Err(err(1049, "42000", format!("Unknown database '{db}'")));
        }
        let frm = self
            .sread(s, &format!("{db}/{table}.frm"))
            .ok_or_else(|| err(1146, "42S02", format!("Table '{db}.{table}' doesn't exist")))?;
        Ok(frm
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect())
    }

    pub(super) fn rows(&self, s: &Server, db: &str, table: &str) -> Vec<Vec<Val>> {
        self.sread(s, &format!("{db}/{table}.ibd"))
            .unwrap_or_default()
            .lines()
            .map(|l| l.split('\t').map(decode).collect())
            .collect()
    }

    pub(super) fn select(
        &mut self,
        s: &Server,
        stmt: &str,
        t: &[String],
        current: &Option<String>,
    ) -> Result<Option<ResultSet>, MyErr> {
        let from = t.iter().position(|x| x.eq_ignore_ascii_case("FROM"));
        // The select list as written: mysql names columns by their text.
        let body = stmt.trim().get(6..).unwrap_or("").trim();
        let list_text = match from {
            Some(_) => {
                let upper = body.to_ascii_uppercase();
                let cut = find_keyword(&upper, "FROM").unwrap_or(body.len());
                &body[..cut]
            }
            None => body,
        };
        let exprs = split_top(list_text.trim());
        let Some(f) = from else {
            let mut cols = Vec::new();
            let mut row = Vec::new();
            for e in exprs {
                let (expr, name) = alias(&e);
                cols.push(name);
                row.push(self.scalar(s, &expr, current)?);
            }
            return Ok(Some(ResultSet {
                cols,
                rows: vec![row],
            }));
        };
        let (db, table, i) = self.table_name(t, f + 1, current)?;
        let cols = self.columns(s, &db, &table)?;
        let cond = where_clause(t, i, &cols)?;
        let limit = t
            .iter()
            .position(|x| x.eq_ignore_ascii_case("LIMIT"))
            .and_then(|p| t.get(p + 1))
            .and_then(|n| n.parse::<usize>().ok());
        let mut rows: Vec<Vec<Val>> = self
            .rows(s, &db, &table)
            .into_iter()
            .filter(|r| matches_where(r, &cond))
            .collect();
        if let Some(l) = limit {
            rows.truncate(l);
        }
        let numeric = |ty: &str| {
            let ty = ty.to_ascii_uppercase();
            [
                "INT", "DECIMAL", "FLOAT", "DOUBLE", "NUMERIC", "REAL", "BIT",
            ]
            .iter()
            .any(|n| ty.contains(n))
        };
        let typed = |v: &Val, ty: &str| match v {
            Val::Null => Val::Null,
            Val::Num(x) | Val::Str(x) if numeric(ty) => Val::Num(x.clone()),
            Val::Num(x) | Val::Str(x) => Val::Str(x.clone()),
        };
        if exprs.len() == 1 && exprs[0].trim() == "*" {
            return Ok(Some(ResultSet {
                cols: cols.iter().map(|(n, _)| n.clone()).collect(),
                rows: rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .zip(&cols)
                            .map(|(v, (_, ty))| typed(v, ty))
                            .collect()
                    })
                    .collect(),
            }));
        }
        let mut out_cols = Vec::new();
        let mut picks: Vec<Option<usize>> = Vec::new();
        for e in &exprs {
            let (expr, name) = alias(e);
            out_cols.push(name);
            if expr.eq_ignore_ascii_case("COUNT(*)") {
                picks.push(None);
                continue;
            }
            let c = expr.trim_matches('`');
            match cols.iter().position(|(n, _)| n.eq_ignore_ascii_case(c)) {
                Some(p) => picks.push(Some(p)),
                None => {
                    return Err(err(
                        1054,
                        "42S22",
                        format!("Unknown column '{c}' in 'field list'"),
                    ))
                }
            }
        }
        if picks.iter().any(Option::is_none) {
            let row = picks
                .iter()
                .map(|p| match p {
                    None => Val::Num(rows.len().to_string()),
                    Some(i) => rows
                        .first()
                        .map(|r| typed(&r[*i], &cols[*i].1))
                        .unwrap_or(Val::Null),
                })
                .collect();
            return Ok(Some(ResultSet {
                cols: out_cols,
                rows: vec![row],
            }));
        }
        Ok(Some(ResultSet {
            cols: out_cols,
            rows: rows
                .iter()
                .map(|r| {
                    picks
                        .iter()
                        .map(|p| {
                            let i = p.expect("checked");
                            typed(&r[i], &cols[i].1)
                        })
                        .collect()
                })
                .collect(),
        }))
    }

    pub(super) fn scalar(
        &mut self,
        s: &Server,
        expr: &str,
        current: &Option<String>,
    ) -> Result<Val, MyErr> {
        let e = expr.trim();
        let up = e.to_ascii_uppercase().replace(' ', "");
        Ok(match up.as_str() {
            "@@SERVER_ID" | "@@GLOBAL.SERVER_ID" => Val::Num(self.server_id(&s.pod).to_string()),
            "@@HOSTNAME" => Val::Str(net::hostname(&s.pod)),
            "@@READ_ONLY"
            | "@@SUPER_READ_ONLY"
            | "@@GLOBAL.READ_ONLY"
            | "@@GLOBAL.SUPER_READ_ONLY" => Val::Num(u8::from(self.is_replica(&s.pod)).to_string()),
            "NOW()" | "CURRENT_TIMESTAMP" | "CURRENT_TIMESTAMP()" | "SYSDATE()" => {
                Val::Str(self.now_text())
            }
            "VERSION()" => Val::Str(
                if self.is_replica(&s.pod) {
                    "5.7.44"
                } else {
                    "5.7.44-log"
                }
                .into(),
            ),
            "DATABASE()" | "SCHEMA()" => current.clone().map_or(Val::Null, Val::Str),
            "NULL" => Val::Null,
            _ => {
                if e.parse::<f64>().is_ok() {
                    Val::Num(e.to_string())
                } else if (e.starts_with('\'') && e.ends_with('\'') && e.len() >= 2)
                    || (e.starts_with('"') && e.ends_with('"') && e.len() >= 2)
                {
                    Val::Str(unquote(e))
                } else if let Some(var) = e.strip_prefix("@@") {
                    return Err(err(
                        1193,
                        "HY000",
                        format!("Unknown system variable '{var}'"),
                    ));
                } else {
                    return Err(err(
                        1054,
                        "42S22",
                        format!("Unknown column '{e}' in 'field list'"),
                    ));
                }
            }
        })
    }
}

/// SQL tokens: words, quoted strings (kept with quotes), punctuation.
pub(super) fn tokens(s: &str) -> Vec<String> {
    let c: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '\'' || ch == '"' || ch == '`' {
            let mut j = i + 1;
            while j < c.len() && c[j] != ch {
                if c[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            out.push(c[i..(j + 1).min(c.len())].iter().collect());
            i = j + 1;
        } else if "(),.;=*".contains(ch) {
            out.push(ch.to_string());
            i += 1;
        } else {
            let mut j = i;
            while j < c.len() && !c[j].is_whitespace() && !"(),.;=*'\"`".contains(c[j]) {
                j += 1;
            }
            // Keep numbers with a decimal point together.
            if j < c.len() && c[j] == '.' && c[i..j].iter().all(|d| d.is_ascii_digit()) {
                j += 1;
                while j < c.len() && c[j].is_ascii_digit() {
                    j += 1;
                }
            }
            out.push(c[i..j].iter().collect());
            i = j;
        }
    }
    out
}

pub(super) fn ident(t: Option<&String>) -> String {
    t.map(|s| s.trim_matches('`').to_string())
        .unwrap_or_default()
}

pub(super) fn unquote(s: &str) -> String {
    let mut chars = s.chars();
    chars.next();
    if s.chars().count() >= 2 {
        chars.next_back();
    }
    let inner = chars.as_str();
    inner
        .replace("\\'", "'")
        .replace("''", "'")
        .replace("\\\"", "\"")
        .replace("\\\\", "\\")
}

pub(super) fn literal(tok: &str) -> Val {
    if tok.eq_ignore_ascii_case("NULL") {
        Val::Null
    } else if tok.starts_with('\'') || tok.starts_with('"') {
        Val::Str(unquote(tok))
    } else {
        Val::Num(tok.to_string())
    }
}

pub(super) fn encode(v: &Val) -> String {
    match v {
        Val::Null => "\\N".into(),
        Val::Num(s) | Val::Str(s) => s
            .replace('\\', "\\\\")
            .replace('\t', "\\t")
            .replace('\n', "\\n"),
    }
}

pub(super) fn decode(s: &str) -> Val {
    if s == "\\N" {
        return Val::Null;
    }
    Val::Str(
        s.replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\\\", "\\"),
    )
}

/// Column definitions inside `CREATE TABLE t ( ... )`: (name, type).
pub(super) fn column_defs(t: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut item: Vec<&String> = Vec::new();
    let mut flush = |item: &mut Vec<&String>| {
        if let Some(first) = item.first() {
            let up = first.to_ascii_uppercase();
            if ![
                "PRIMARY",
                "KEY",
                "INDEX",
                "UNIQUE",
                "CONSTRAINT",
                "FOREIGN",
                "FULLTEXT",
                "CHECK",
            ]
            .contains(&up.as_str())
            {
                let ty = item
                    .get(1)
                    .map(|s| s.to_ascii_uppercase())
                    .unwrap_or_default();
                out.push((first.trim_matches('`').to_string(), ty));
            }
        }
        item.clear();
    };
    for tok in t {
        match tok.as_str() {
            "(" => {
                depth += 1;
                item.push(tok);
            }
            ")" if depth == 0 => break,
            ")" => {
                depth -= 1;
                item.push(tok);
            }
            "," if depth == 0 => flush(&mut item),
            _ => item.push(tok),
        }
    }
    flush(&mut item);
    out
}

/// The comma-separated tokens inside parentheses starting at `open`.
pub(super) fn paren_list(t: &[String], open: usize) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    let mut i = open + 1;
    let mut cur = String::new();
    while i < t.len() && t[i] != ")" {
        if t[i] == "," {
            out.push(std::mem::take(&mut cur));
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(&t[i]);
        }
        i += 1;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    (out, i + 1)
}

/// `WHERE col = literal [AND ...]` as (column index, value) pairs.
pub(super) fn where_clause(
    t: &[String],
    i: usize,
    cols: &[(String, String)],
) -> Result<Vec<(usize, Val)>, MyErr> {
    let mut out = Vec::new();
    if !t.get(i).is_some_and(|w| w.eq_ignore_ascii_case("WHERE")) {
        return Ok(out);
    }
    let mut j = i + 1;
    while j + 2 < t.len() + 1 && j < t.len() {
        let c = ident(t.get(j));
        if t.get(j + 1).map(String::as_str) != Some("=") {
            return Err(syntax(&t[j..].join(" ")));
        }
        let p = cols
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(&c))
            .ok_or_else(|| {
                err(
                    1054,
                    "42S22",
                    format!("Unknown column '{c}' in 'where clause'"),
                )
            })?;
        out.push((p, literal(t.get(j + 2).map(String::as_str).unwrap_or(""))));
        j += 3;
        if t.get(j).is_some_and(|w| w.eq_ignore_ascii_case("AND")) {
            j += 1;
        } else {
            break;
        }
    }
    Ok(out)
}

pub(super) fn matches_where(row: &[Val], cond: &[(usize, Val)]) -> bool {
    cond.iter().all(|(i, v)| {
        row.get(*i)
            .is_some_and(|r| r.text() == v.text() && (*r == Val::Null) == (*v == Val::Null))
    })
}

pub(super) fn find_keyword(upper: &str, kw: &str) -> Option<usize> {
    let b = upper.as_bytes();
    let mut from = 0;
    while let Some(p) = upper[from..].find(kw) {
        let at = from + p;
        let before = at == 0 || !b[at - 1].is_ascii_alphanumeric();
        let after = at + kw.len() >= b.len() || !b[at + kw.len()].is_ascii_alphanumeric();
        if before && after {
            return Some(at);
        }
        from = at + kw.len();
    }
    None
}

/// Splits a select list at top-level commas (cqlsh's column and value
/// lists too).
pub(in crate::sim::apps) fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut quote = None;
    let mut cur = String::new();
    for ch in s.chars() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None => match ch {
                '\'' | '"' | '`' => quote = Some(ch),
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(cur.trim().to_string());
                    cur.clear();
                    continue;
                }
                _ => {}
            },
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// `expr [AS] alias` → (expr, column name).
pub(super) fn alias(e: &str) -> (String, String) {
    let upper = e.to_ascii_uppercase();
    if let Some(p) = find_keyword(&upper, "AS") {
        let name = e[p + 2..]
            .trim()
            .trim_matches(|c| c == '`' || c == '\'' || c == '"');
        return (e[..p].trim().to_string(), name.to_string());
    }
    let name = if (e.starts_with('\'') || e.starts_with('"')) && e.len() >= 2 {
        unquote(e)
    } else {
        e.to_string()
    };
    (e.to_string(), name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_definitions_skip_keys() {
        let t = tokens("message VARCHAR(250), id INT NOT NULL, PRIMARY KEY (id))");
        let c = column_defs(&t);
        assert_eq!(
            c,
            vec![
                ("message".into(), "VARCHAR".into()),
                ("id".into(), "INT".into())
            ]
        );
    }
}
