//! A MySQL 5.7 server and client, enough for the MySQL seed.
//!
//! Data lives in files under the server container's `/var/lib/mysql`
//! (on the `data` PVC in the seed): `<db>/db.opt` per database, and per
//! table `<db>/<table>.frm` (columns, one `name\ttype` per line) and
//! `<db>/<table>.ibd` (rows, one per line, tab-separated, `\N` for NULL).
//!
//! Identity and roles follow what the seed's manifest configures:
//! `server_id` is the offset its init script adds (`$((100 + $ordinal))`)
//! plus the pod's ordinal; a pod with ordinal > 0 of a StatefulSet whose
//! mounted ConfigMap says `super-read-only` is a replica of ordinal 0.
//!
//! Replication, modelled lazily and deterministically: whenever a replica
//! serves a statement it first catches up. A replica whose volume has never
//! been initialised clones the data of the ordinal before it (the
//! `clone-mysql` init container's xtrabackup stream), then copies the
//! primary's databases if the primary is running (the replication stream
//! from `<set>-0`). Writes on a replica are refused as `super-read-only`
//! makes them.

use super::{fs, net, ordinal_of, uuid_from, Out, Proc};
use crate::sim::object::{rfc3339, Kind, Object, ValueExt};
use crate::sim::podutil;
use std::collections::BTreeMap;

const DATADIR: &str = "/var/lib/mysql";
const SYSTEM_DBS: &[&str] = &["information_schema", "mysql", "performance_schema", "sys"];

struct Server {
    pod: Object,
    container: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Val {
    Null,
    Num(String),
    Str(String),
}

impl Val {
    fn text(&self) -> &str {
        match self {
            Val::Null => "NULL",
            Val::Num(s) | Val::Str(s) => s,
        }
    }
}

struct ResultSet {
    cols: Vec<String>,
    rows: Vec<Vec<Val>>,
}

struct MyErr {
    code: u32,
    state: &'static str,
    msg: String,
}

fn err(code: u32, state: &'static str, msg: impl Into<String>) -> MyErr {
    MyErr {
        code,
        state,
        msg: msg.into(),
    }
}

fn syntax(near: &str) -> MyErr {
    err(
        1064,
        "42000",
        format!("You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '{near}' at line 1"),
    )
}

/// The container of `pod` that runs mysqld: a MySQL image serving 3306,
/// or running the image's own entrypoint.
fn server_container(pod: &Object) -> Option<String> {
    pod.spec().array_at("containers").iter().find_map(|c| {
        let image = c.str_at("image").unwrap_or("");
        if !image.contains("mysql") || image.contains("xtrabackup") {
            return None;
        }
        let serves = c
            .array_at("ports")
            .iter()
            .any(|p| p.i64_at("containerPort") == Some(3306));
        let own_entrypoint = c.array_at("command").is_empty() && c.array_at("args").is_empty();
        (serves || own_entrypoint).then(|| c.str_at("name").unwrap_or("").to_string())
    })
}

/// The StatefulSet controlling `pod`, by name.
fn set_name(pod: &Object) -> Option<String> {
    pod.meta
        .controller_ref()
        .filter(|o| o.kind == "StatefulSet")
        .map(|o| o.name.clone())
}

impl Proc<'_> {
    fn server_id(&self, pod: &Object) -> u32 {
        // The seed's init-mysql writes `server-id=$((100 + $ordinal))`.
        let mut offset = None;
        for c in pod.spec().array_at("initContainers") {
            let script: Vec<&str> = c
                .array_at("command")
                .iter()
                .chain(c.array_at("args"))
                .filter_map(|v| v.as_str())
                .collect();
            let script = script.join(" ");
            if let Some(i) = script.find("server-id=$((") {
                let digits: String = script[i + 13..]
                    .chars()
                    .skip_while(|c| c.is_whitespace())
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                offset = Some(digits.parse().unwrap_or(0));
            } else if script.contains("server-id") {
                offset = offset.or(Some(0));
            }
        }
        match (offset, ordinal_of(&net::hostname(pod))) {
            (Some(o), Some(n)) => o + n,
            _ => 0,
        }
    }

    /// Whether the pod is configured `super-read-only` (the seed's
    /// slave.cnf, copied for every ordinal but 0).
    fn is_replica(&self, pod: &Object) -> bool {
        let Some(n) = ordinal_of(&net::hostname(pod)) else {
            return false;
        };
        if n == 0 || set_name(pod).is_none() {
            return false;
        }
        pod.spec().array_at("volumes").iter().any(|v| {
            v.str_at("configMap.name")
                .and_then(|cm| self.sim.store.get(Kind::ConfigMap, pod.namespace(), cm))
                .and_then(|cm| cm.field("data").as_object().cloned())
                .is_some_and(|d| {
                    d.values()
                        .any(|v| v.as_str().is_some_and(|s| s.contains("read-only")))
                })
        })
    }

    fn sread(&self, s: &Server, rel: &str) -> Option<String> {
        fs::read(self.sim, &s.pod, &s.container, &format!("{DATADIR}/{rel}"))
    }

    fn swrite(&mut self, s: &Server, rel: &str, content: String) -> Result<(), MyErr> {
        fs::write(
            self.sim,
            &s.pod,
            &s.container,
            &format!("{DATADIR}/{rel}"),
            content,
        )
        .map_err(|e| err(1030, "HY000", format!("Got error {e} from storage engine")))
    }

    fn sremove(&mut self, s: &Server, rel: &str) {
        let _ = fs::remove(self.sim, &s.pod, &s.container, &format!("{DATADIR}/{rel}"));
    }

    /// Files under the data directory, relative, without the server's own
    /// identity (`auto.cnf`).
    fn data_files(&self, s: &Server) -> BTreeMap<String, String> {
        fs::files_under(self.sim, &s.pod, &s.container, DATADIR)
            .into_iter()
            .filter_map(|p| {
                let rel = p.strip_prefix(&format!("{DATADIR}/"))?.to_string();
                if rel == "auto.cnf" {
                    return None;
                }
                let c = fs::read(self.sim, &s.pod, &s.container, &p)?;
                Some((rel, c))
            })
            .collect()
    }

    fn replace_data(&mut self, s: &Server, files: &BTreeMap<String, String>) {
        let mine = self.data_files(s);
        if mine == *files {
            return;
        }
        for k in mine.keys() {
            if !files.contains_key(k) {
                self.sremove(s, k);
            }
        }
        for (k, v) in files {
            if mine.get(k) != Some(v) {
                let _ = self.swrite(s, k, v.clone());
            }
        }
    }

    /// mysqld's first start initialises an empty data directory.
    fn initialize(&mut self, s: &Server) {
        if self.sread(s, "auto.cnf").is_none() {
            let uuid = uuid_from(&format!("{}/{}", s.pod.meta.uid, DATADIR));
            let _ = self.swrite(s, "auto.cnf", format!("[auto]\nserver-uuid={uuid}\n"));
        }
        if self.sread(s, "mysql/db.opt").is_none() {
            let _ = self.swrite(s, "mysql/db.opt", "default-character-set=latin1\n".into());
        }
    }

    fn peer(&self, of: &Object, ordinal: u32) -> Option<Server> {
        let set = set_name(of)?;
        let pod = self
            .sim
            .store
            .get(Kind::Pod, of.namespace(), &format!("{set}-{ordinal}"))?;
        if !podutil::is_running(pod) {
            return None;
        }
        let container = server_container(pod)?;
        Some(Server {
            pod: pod.clone(),
            container,
        })
    }

    /// Brings a server's data up to date before it answers (see the module
    /// comment for the replication model).
    fn prepare(&mut self, s: &Server, depth: u32) {
        if depth > 64 {
            return;
        }
        let fresh = self.sread(s, "mysql/db.opt").is_none();
        if self.is_replica(&s.pod) {
            let n = ordinal_of(&net::hostname(&s.pod)).unwrap_or(0);
            if fresh {
                if let Some(donor) = self.peer(&s.pod, n - 1) {
                    self.prepare(&donor, depth + 1);
                    let files = self.data_files(&donor);
                    self.replace_data(s, &files);
                }
            }
            if let Some(primary) = self.peer(&s.pod, 0) {
                if !self.is_replica(&primary.pod) {
                    self.initialize(&primary);
                    let files = self.data_files(&primary);
                    self.replace_data(s, &files);
                }
            }
        }
        self.initialize(s);
    }

    fn now_text(&self) -> String {
        let t = rfc3339(self.clock_ms);
        t.trim_end_matches('Z').replace('T', " ")
    }

    pub(super) fn mysqladmin(&mut self, args: &[String]) -> Out {
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

    fn mysql_connect(&mut self, host: Option<&str>) -> Result<Server, String> {
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

    pub(super) fn mysql(&mut self, args: &[String], stdin: &str) -> Out {
        let mut execute: Option<String> = None;
        let mut table = None;
        let mut skip_names = false;
        let mut db: Option<String> = None;
        let mut force = false;
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
        for (line, stmt) in split_statements(&sql) {
            match self.statement(&server, &stmt, &mut current) {
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

    fn statement(
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
                dbs.sort();
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

    fn db_exists(&self, s: &Server, db: &str) -> bool {
        SYSTEM_DBS.contains(&db) || self.sread(s, &format!("{db}/db.opt")).is_some()
    }

    /// `[db.]table` at token `i`: (db, table, next index).
    fn table_name(
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

    fn columns(&self, s: &Server, db: &str, table: &str) -> Result<Vec<(String, String)>, MyErr> {
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

    fn rows(&self, s: &Server, db: &str, table: &str) -> Vec<Vec<Val>> {
        self.sread(s, &format!("{db}/{table}.ibd"))
            .unwrap_or_default()
            .lines()
            .map(|l| l.split('\t').map(decode).collect())
            .collect()
    }

    fn select(
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

    fn scalar(&mut self, s: &Server, expr: &str, current: &Option<String>) -> Result<Val, MyErr> {
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

/// `-h HOST`, `-hHOST`, `--host=HOST`, `--host HOST`.
fn host_arg(args: &[String]) -> Option<String> {
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

/// Splits SQL into statements at `;` outside quotes, with the line each
/// starts on (for `ERROR ... at line N`).
fn split_statements(sql: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut line = 1;
    let mut start_line = 1;
    let mut quote: Option<char> = None;
    for ch in sql.chars() {
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
                if !cur.trim().is_empty() {
                    out.push((start_line, cur.trim().to_string()));
                }
                cur.clear();
                continue;
            }
            None => {}
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push((start_line, cur.trim().to_string()));
    }
    out
}

/// SQL tokens: words, quoted strings (kept with quotes), punctuation.
fn tokens(s: &str) -> Vec<String> {
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

fn ident(t: Option<&String>) -> String {
    t.map(|s| s.trim_matches('`').to_string())
        .unwrap_or_default()
}

fn unquote(s: &str) -> String {
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

fn literal(tok: &str) -> Val {
    if tok.eq_ignore_ascii_case("NULL") {
        Val::Null
    } else if tok.starts_with('\'') || tok.starts_with('"') {
        Val::Str(unquote(tok))
    } else {
        Val::Num(tok.to_string())
    }
}

fn encode(v: &Val) -> String {
    match v {
        Val::Null => "\\N".into(),
        Val::Num(s) | Val::Str(s) => s
            .replace('\\', "\\\\")
            .replace('\t', "\\t")
            .replace('\n', "\\n"),
    }
}

fn decode(s: &str) -> Val {
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
fn column_defs(t: &[String]) -> Vec<(String, String)> {
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
fn paren_list(t: &[String], open: usize) -> (Vec<String>, usize) {
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
fn where_clause(
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

fn matches_where(row: &[Val], cond: &[(usize, Val)]) -> bool {
    cond.iter().all(|(i, v)| {
        row.get(*i)
            .is_some_and(|r| r.text() == v.text() && (*r == Val::Null) == (*v == Val::Null))
    })
}

fn find_keyword(upper: &str, kw: &str) -> Option<usize> {
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

/// Splits a select list at top-level commas.
fn split_top(s: &str) -> Vec<String> {
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
fn alias(e: &str) -> (String, String) {
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

/// mysql's output: boxed tables on a terminal (numbers right-aligned),
/// tab-separated rows with a header line otherwise.
fn format_rs(rs: &ResultSet, table: bool, skip_names: bool) -> String {
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
