//! A sliver of `cqlsh`: keyspaces and tables kept as files on the nodes'
//! data volumes, read over the ring.

use super::super::mysql::split_top;
use super::*;

/// How cqlsh prints a server's Invalid query error, up to its message.
const INVALID: &str = "InvalidRequest: Error from server: code=2200 [Invalid query] message=";

const SYSTEM_KEYSPACES: &[&str] = &[
    "system_traces",
    "system_schema",
    "system_auth",
    "system",
    "system_distributed",
];

impl Proc<'_> {
    /// The schema as the ring agrees on it: keyspaces and their tables
    /// (what `describecluster`'s schema version stands for).
    /// The same on every member, whichever are up: the node's own files
    /// under `system` are no part of it.
    pub(super) fn schema_digest(&self) -> String {
        let mut out = String::new();
        for ks in self.keyspaces() {
            out.push_str(&ks);
            let tables: std::collections::BTreeSet<String> =
                if SYSTEM_KEYSPACES.contains(&ks.as_str()) {
                    Default::default()
                } else {
                    self.ring()
                        .iter()
                        .flat_map(|p| {
                            let c = cassandra_container(p).unwrap_or_default();
                            let dir = format!("{}/data/{ks}", data_dir(p, &c));
                            fs::list_dir(self.sim, p, &c, &dir)
                        })
                        .filter(|t| self.cql_schema(&ks, t).is_some())
                        .collect()
                };
            for t in tables {
                out.push_str(&format!(" {t}"));
            }
            out.push('\n');
        }
        out
    }

    fn keyspaces(&self) -> Vec<String> {
        let mut user = std::collections::BTreeSet::new();
        for p in self.ring() {
            let c = cassandra_container(&p).unwrap_or_default();
            let dir = format!("{}/data", data_dir(&p, &c));
            for name in fs::list_dir(self.sim, &p, &c, &dir) {
                let marker = format!("{dir}/{name}/keyspace");
                if fs::read(self.sim, &p, &c, &marker).is_some() {
                    user.insert(name);
                }
            }
        }
        SYSTEM_KEYSPACES
            .iter()
            .map(|s| s.to_string())
            .chain(user)
            .collect()
    }

    pub(in crate::sim::apps) fn cqlsh(&mut self, args: &[String], stdin: &str) -> Out {
        let mut exec = None;
        let mut i = 0;
        while i < args.len() {
            if args[i] == "-e" || args[i] == "--execute" {
                exec = args.get(i + 1).cloned();
                i += 1;
            } else if let Some(e) = args[i].strip_prefix("--execute=") {
                exec = Some(e.to_string());
            }
            i += 1;
        }
        let src = exec.unwrap_or_else(|| stdin.to_string());
        let mut out = Out::default();
        let mut keyspace: Option<String> = None;
        for stmt in src.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            let words: Vec<&str> = stmt.split_whitespace().collect();
            let up: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
            let w = |i: usize| up.get(i).map(String::as_str).unwrap_or("");
            match (w(0), w(1)) {
                ("DESC" | "DESCRIBE", "KEYSPACES") => {
                    out.chunks
                        .push((false, format!("\n{}\n\n", self.keyspaces().join("  "))));
                }
                ("CREATE", "KEYSPACE") => {
                    let if_not = w(2) == "IF";
                    let name = words
                        .get(if if_not { 5 } else { 2 })
                        .map(|n| n.trim_matches('"').to_ascii_lowercase());
                    let Some(name) = name else {
                        out.chunks.push((
                            true,
                            "<stdin>:1:SyntaxException: line 1:15 no viable alternative at input '<EOF>'\n"
                                .into(),
                        ));
                        out.code = 2;
                        break;
                    };
                    if self.keyspaces().contains(&name) {
                        if if_not {
                            continue;
                        }
                        out.chunks.push((
                            true,
                            format!("<stdin>:1:AlreadyExists: Keyspace '{name}' already exists\n"),
                        ));
                        out.code = 2;
                        break;
                    }
                    let me = self.pod.clone();
                    let c = cassandra_container(&me).unwrap_or_default();
                    let path = format!("{}/data/{name}/keyspace", data_dir(&me, &c));
                    let _ = fs::write(self.sim, &me, &c, &path, format!("{stmt}\n"));
                }
                ("DROP", "KEYSPACE") => {
                    let name = words
                        .get(if w(2) == "IF" { 4 } else { 2 })
                        .map(|n| n.to_ascii_lowercase())
                        .unwrap_or_default();
                    let mut found = false;
                    for p in self.ring() {
                        let c = cassandra_container(&p).unwrap_or_default();
                        let path = format!("{}/data/{name}/keyspace", data_dir(&p, &c));
                        found |= fs::remove(self.sim, &p, &c, &path).unwrap_or(false);
                    }
                    if !found && w(2) != "IF" {
                        out.chunks.push((true, format!("<stdin>:1:ConfigurationException: Cannot drop non existing keyspace '{name}'.\n")));
                        out.code = 2;
                        break;
                    }
                }
                ("USE", _) => {
                    let name = words
                        .get(1)
                        .map(|n| n.trim_matches('"').to_ascii_lowercase());
                    match name {
                        Some(n) if self.keyspaces().contains(&n) => keyspace = Some(n),
                        n => {
                            let n = n.unwrap_or_default();
                            out.chunks.push((
                                true,
                                format!("<stdin>:1:{INVALID}\"Keyspace '{n}' does not exist\"\n"),
                            ));
                            out.code = 2;
                            break;
                        }
                    }
                }
                ("CREATE", "TABLE")
                | ("INSERT", "INTO")
                | ("SELECT", _)
                | ("UPDATE", _)
                | ("DELETE", "FROM")
                | ("DROP", "TABLE") => {
                    // One line, single-spaced (inside literals too: a simplification).
                    let stmt = &words.join(" ");
                    let ks = keyspace.as_deref();
                    let r = match w(0) {
                        "CREATE" => self.cql_create_table(stmt, ks),
                        "INSERT" => self.cql_insert(stmt, ks),
                        "UPDATE" => self.cql_update(stmt, ks),
                        "DELETE" => self.cql_delete(stmt, ks),
                        "DROP" => self.cql_drop_table(stmt, ks),
                        _ => self.cql_select(stmt, ks),
                    };
                    match r {
                        Ok(text) => out.chunks.push((false, text)),
                        Err(e) => {
                            out.chunks.push((true, format!("<stdin>:1:{e}\n")));
                            out.code = 2;
                            break;
                        }
                    }
                }
                _ => {
                    // The server's parser names the word it stopped at and a
                    // snippet of the query around it (ErrorCollector).
                    let after: Vec<&str> = words.iter().skip(1).take(2).copied().collect();
                    let snippet = std::iter::once(format!("[{}]", words[0]))
                        .chain(after.iter().map(|a| a.to_string()))
                        .collect::<Vec<_>>()
                        .join(" ");
                    out.chunks.push((true, format!("<stdin>:1:SyntaxException: line 1:0 no viable alternative at input '{}' ({snippet}...)\n", words[0])));
                    out.code = 2;
                    break;
                }
            }
        }
        out
    }

    /// A table's directory on a node's data volume and the name it prints
    /// as: `ks.table`, or `table` in the keyspace of `USE`.
    fn cql_table(&self, name: &str, keyspace: Option<&str>) -> Result<(String, String), String> {
        let name = name.trim().to_ascii_lowercase();
        let (ks, table) = match name.split_once('.') {
            Some((k, t)) => (k.to_string(), t.to_string()),
            None => match keyspace {
                Some(k) => (k.to_string(), name.clone()),
                None => return Err(format!("{INVALID}\"No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename\"")),
            },
        };
        Ok((ks, table))
    }

    /// A table's schema (`name\ttype\trole` lines, role `p` partition key,
    /// `c` clustering, `r` regular) as any ring member keeps it.
    fn cql_schema(&self, ks: &str, table: &str) -> Option<Vec<(String, String, char)>> {
        self.ring().iter().find_map(|p| {
            let c = cassandra_container(p).unwrap_or_default();
            let path = format!("{}/data/{ks}/{table}/schema", data_dir(p, &c));
            let text = fs::read(self.sim, p, &c, &path)?;
            Some(
                text.lines()
                    .filter_map(|l| {
                        let f: Vec<&str> = l.split('\t').collect();
                        Some((
                            f.first()?.to_string(),
                            f.get(1)?.to_string(),
                            f.get(2)?.chars().next()?,
                        ))
                    })
                    .collect(),
            )
        })
    }

    /// `CREATE TABLE [IF NOT EXISTS] [ks.]t (col type [PRIMARY KEY], ...,
    /// [PRIMARY KEY ((a, b), c)])`, kept on the coordinator's volume.
    fn cql_create_table(&mut self, stmt: &str, keyspace: Option<&str>) -> Result<String, String> {
        let (Some(open), Some(close)) = (
            stmt.find('('),
            stmt.rfind(')').filter(|&c| c > stmt.find('(').unwrap_or(0)),
        ) else {
            return Err(format!(
                "SyntaxException: line 1:{} mismatched input '<EOF>'",
                stmt.len()
            ));
        };
        let head: Vec<&str> = stmt[..open].split_whitespace().collect();
        let if_not = head.len() > 3 && head[2].eq_ignore_ascii_case("IF");
        let (ks, table) = self.cql_table(head.last().copied().unwrap_or(""), keyspace)?;
        if !self.keyspaces().contains(&ks) {
            return Err(format!("{INVALID}\"Keyspace {ks} does not exist\""));
        }
        if self.cql_schema(&ks, &table).is_some() {
            return if if_not {
                Ok(String::new())
            } else {
                Err(format!(
                    "AlreadyExists: Table '{ks}.{table}' already exists"
                ))
            };
        }
        let mut cols: Vec<(String, String)> = Vec::new();
        let mut key: Vec<Vec<String>> = Vec::new();
        for def in split_top(&stmt[open + 1..close]) {
            let up = def.to_ascii_uppercase();
            if up.starts_with("PRIMARY") {
                // `PRIMARY KEY ((a, b), c)`: the partition key, then clustering.
                let inner = match (def.find('('), def.rfind(')')) {
                    (Some(a), Some(b)) if a < b => &def[a + 1..b],
                    _ => "",
                };
                key = split_top(inner)
                    .iter()
                    .map(|k| {
                        split_top(k.trim_matches(|c| c == '(' || c == ')'))
                            .iter()
                            .map(|s| s.to_ascii_lowercase())
                            .collect()
                    })
                    .collect();
                continue;
            }
            let f: Vec<&str> = def.split_whitespace().collect();
            let (Some(n), Some(t)) = (f.first(), f.get(1)) else {
                continue;
            };
            if up.ends_with("PRIMARY KEY") {
                key = vec![vec![n.to_ascii_lowercase()]];
            }
            cols.push((n.to_ascii_lowercase(), t.to_ascii_lowercase()));
        }
        if key.is_empty() {
            return Err(format!(
                "{INVALID}\"No PRIMARY KEY specifed (exactly one required)\""
            ));
        }
        let role = |n: &str| {
            if key[0].iter().any(|k| k == n) {
                'p'
            } else if key[1..].iter().flatten().any(|k| k == n) {
                'c'
            } else {
                'r'
            }
        };
        let schema: String = cols
            .iter()
            .map(|(n, t)| format!("{n}\t{t}\t{}\n", role(n)))
            .collect();
        let me = self.pod.clone();
        let c = cassandra_container(&me).unwrap_or_default();
        let dir = format!("{}/data/{ks}/{table}", data_dir(&me, &c));
        let _ = fs::write(self.sim, &me, &c, &format!("{dir}/schema"), schema);
        let _ = fs::write(self.sim, &me, &c, &format!("{dir}/rows"), String::new());
        Ok(String::new())
    }

    /// Every row of a table over the ring, one per primary key (a member
    /// that has it first; Ordinal keeps no write timestamps), in token
    /// order: here a hash of the partition key, then the clustering values.
    fn cql_rows(
        &self,
        ks: &str,
        table: &str,
        schema: &[(String, String, char)],
    ) -> Vec<Vec<String>> {
        let key_of = |r: &Vec<String>| -> Vec<String> {
            schema
                .iter()
                .zip(r)
                .filter(|((_, _, role), _)| *role != 'r')
                .map(|(_, v)| v.clone())
                .collect()
        };
        let mut rows: Vec<Vec<String>> = Vec::new();
        for p in self.ring() {
            let c = cassandra_container(&p).unwrap_or_default();
            let path = format!("{}/data/{ks}/{table}/rows", data_dir(&p, &c));
            for line in fs::read(self.sim, &p, &c, &path)
                .unwrap_or_default()
                .lines()
            {
                let row: Vec<String> = line.split('\t').map(str::to_string).collect();
                if !rows.iter().any(|r| key_of(r) == key_of(&row)) {
                    rows.push(row);
                }
            }
        }
        let token = |r: &Vec<String>| -> u64 {
            let pk: Vec<&str> = schema
                .iter()
                .zip(r)
                .filter(|((_, _, role), _)| *role == 'p')
                .map(|(_, v)| v.as_str())
                .collect();
            hash(&pk.join("\t"))
        };
        sort::sort_by_key(&mut rows, |r| (token(r), key_of(r)));
        rows
    }

    /// `INSERT INTO [ks.]t (cols) VALUES (values)`: an upsert by primary
    /// key on the coordinator's volume (columns not named keep their value).
    fn cql_insert(&mut self, stmt: &str, keyspace: Option<&str>) -> Result<String, String> {
        let up = stmt.to_ascii_uppercase();
        let (Some(open), Some(vpos)) = (stmt.find('('), up.find("VALUES")) else {
            return Err(format!(
                "SyntaxException: line 1:{} mismatched input '<EOF>'",
                stmt.len()
            ));
        };
        let name = stmt[..open].split_whitespace().nth(2).unwrap_or("");
        let (ks, table) = self.cql_table(name, keyspace)?;
        let Some(schema) = self.cql_schema(&ks, &table) else {
            return Err(format!("{INVALID}\"unconfigured table {table}\""));
        };
        let names = split_top(stmt[open + 1..].split(')').next().unwrap_or(""));
        let rest = &stmt[vpos + 6..];
        let vals = match (rest.find('('), rest.rfind(')')) {
            (Some(a), Some(b)) if a < b => split_top(rest[a + 1..b].trim()),
            _ => Vec::new(),
        };
        let mut row = vec!["null".to_string(); schema.len()];
        for (n, v) in names.iter().zip(&vals) {
            let n = n.to_ascii_lowercase();
            let Some(i) = schema.iter().position(|(c, _, _)| *c == n) else {
                return Err(format!("{INVALID}\"Undefined column name {n}\""));
            };
            row[i] = v
                .trim_matches('\'')
                .replace("''", "'")
                .replace(['\t', '\n'], " ");
        }
        if let Some((n, _, _)) = schema
            .iter()
            .find(|(c, _, role)| *role == 'p' && !names.iter().any(|x| x.eq_ignore_ascii_case(c)))
        {
            return Err(format!(
                "{INVALID}\"Some partition key parts are missing: {n}\""
            ));
        }
        let me = self.pod.clone();
        let c = cassandra_container(&me).unwrap_or_default();
        let path = format!("{}/data/{ks}/{table}/rows", data_dir(&me, &c));
        let mut rows: Vec<Vec<String>> = fs::read(self.sim, &me, &c, &path)
            .unwrap_or_default()
            .lines()
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect();
        let is_key = |i: usize| schema[i].2 != 'r';
        match rows
            .iter_mut()
            .find(|r| (0..schema.len()).all(|i| !is_key(i) || r.get(i) == row.get(i)))
        {
            Some(old) => {
                for (i, v) in row.into_iter().enumerate() {
                    if names.iter().any(|x| x.eq_ignore_ascii_case(&schema[i].0)) {
                        old[i] = v;
                    }
                }
            }
            None => rows.push(row),
        }
        let text: String = rows.iter().map(|r| r.join("\t") + "\n").collect();
        let _ = fs::write(self.sim, &me, &c, &path, text);
        Ok(String::new())
    }

    /// `SELECT * | cols FROM [ks.]t [WHERE col = value [AND ...]] [LIMIT n]`
    /// printed as cqlsh 3.11's print_result does: a blank line, the header
    /// (names left-justified), a rule, the values right-justified, a blank
    /// line and `(N rows)`. `SELECT *` lists the partition key, then the
    /// clustering columns, then the others by name, as Cassandra orders them.
    /// Ordinal does not ask for ALLOW FILTERING.
    fn cql_select(&mut self, stmt: &str, keyspace: Option<&str>) -> Result<String, String> {
        let up = stmt.to_ascii_uppercase();
        let Some(from) = up.find(" FROM ") else {
            return Err(format!(
                "SyntaxException: line 1:{} mismatched input '<EOF>'",
                stmt.len()
            ));
        };
        let mut tail = stmt[from + 6..].split_whitespace();
        let (ks, table) = self.cql_table(tail.next().unwrap_or(""), keyspace)?;
        let Some(schema) = self.cql_schema(&ks, &table) else {
            return Err(format!("{INVALID}\"unconfigured table {table}\""));
        };
        let what = stmt[6..from].trim();
        let count = matches!(
            what.to_ascii_lowercase().replace(' ', "").as_str(),
            "count(*)" | "count(1)"
        );
        let cols: Vec<usize> = if what == "*" || count {
            let mut order: Vec<usize> = (0..schema.len()).collect();
            sort::sort_by_key(&mut order, |&i| {
                let rank = match schema[i].2 {
                    'p' => 0,
                    'c' => 1,
                    _ => 2,
                };
                (
                    rank,
                    if rank == 2 {
                        schema[i].0.clone()
                    } else {
                        String::new()
                    },
                    i,
                )
            });
            order
        } else {
            let mut v = Vec::new();
            for n in split_top(what) {
                let n = n.to_ascii_lowercase();
                match schema.iter().position(|(c, _, _)| *c == n) {
                    Some(i) => v.push(i),
                    None => return Err(format!("{INVALID}\"Undefined column name {n}\"")),
                }
            }
            v
        };
        let after = &stmt[from + 6..];
        let after_up = after.to_ascii_uppercase();
        let limit = after_up
            .find(" LIMIT ")
            .and_then(|p| after[p + 7..].trim().parse::<usize>().ok());
        let mut conds: Vec<(usize, String)> = Vec::new();
        if let Some(p) = after_up.find(" WHERE ") {
            let end = after_up
                .find(" LIMIT ")
                .filter(|&e| e >= p + 7)
                .unwrap_or(after.len());
            conds = where_conds(&after[p + 7..end], &schema)?;
        }
        let rows: Vec<Vec<String>> = self
            .cql_rows(&ks, &table, &schema)
            .into_iter()
            .filter(|r| conds.iter().all(|(i, v)| r.get(*i) == Some(v)))
            .take(limit.unwrap_or(usize::MAX))
            .collect();
        if count {
            // One `count` column (a bigint, right-justified); without the
            // partition key in WHERE the server warns, and cqlsh prints it.
            let n = rows.len().to_string();
            let w = n.len().max(5);
            let mut s = format!(
                "\n {:<w$}\n-{}-\n {n:>w$}\n\n(1 rows)\n",
                "count",
                "-".repeat(w)
            );
            if !conds.iter().any(|(i, _)| schema[*i].2 == 'p') {
                s.push_str("\nWarnings :\nAggregation query used without partition key\n\n");
            }
            return Ok(s);
        }
        let cell = |r: &Vec<String>, i: usize| -> String {
            let v = r.get(i).cloned().unwrap_or_default();
            match (schema[i].1.as_str(), v.as_str()) {
                ("boolean", "true") => "True".into(),
                ("boolean", "false") => "False".into(),
                _ => v,
            }
        };
        let widths: Vec<usize> = cols
            .iter()
            .map(|&i| {
                rows.iter()
                    .map(|r| cell(r, i).chars().count())
                    .fold(schema[i].0.len(), usize::max)
            })
            .collect();
        let header: Vec<String> = cols
            .iter()
            .zip(&widths)
            .map(|(&i, w)| format!("{:<w$}", schema[i].0))
            .collect();
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        let mut s = format!(
            "\n {}\n-{}-\n",
            header.join(" | ").trim_end(),
            rule.join("-+-")
        );
        for r in &rows {
            let line: Vec<String> = cols
                .iter()
                .zip(&widths)
                .map(|(&i, w)| format!("{:>w$}", cell(r, i)))
                .collect();
            s.push_str(&format!(" {}\n", line.join(" | ")));
        }
        s.push_str(&format!("\n({} rows)\n", rows.len()));
        Ok(s)
    }

    /// `UPDATE [ks.]t SET col = v, ... WHERE key = v AND ...`: an upsert,
    /// as Cassandra makes it, so the same as the INSERT of those columns.
    fn cql_update(&mut self, stmt: &str, keyspace: Option<&str>) -> Result<String, String> {
        let up = stmt.to_ascii_uppercase();
        let (Some(set), Some(wh)) = (up.find(" SET "), up.find(" WHERE ")) else {
            return Err(format!(
                "SyntaxException: line 1:{} mismatched input '<EOF>'",
                stmt.len()
            ));
        };
        let table = stmt[6..set].trim();
        let mut names = Vec::new();
        let mut vals = Vec::new();
        let conds = conditions(&stmt[wh + 7..]).map(str::to_string);
        let pairs = split_top(&stmt[set + 5..wh]).into_iter().chain(conds);
        for pair in pairs {
            if let Some((n, v)) = pair.split_once('=') {
                names.push(n.trim().to_string());
                vals.push(v.trim().to_string());
            }
        }
        self.cql_insert(
            &format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                names.join(", "),
                vals.join(", ")
            ),
            keyspace,
        )
    }

    /// `DELETE FROM [ks.]t WHERE key = v [AND ...]`: removes the matching
    /// rows from every member's volume. The partition key must be named.
    fn cql_delete(&mut self, stmt: &str, keyspace: Option<&str>) -> Result<String, String> {
        let up = stmt.to_ascii_uppercase();
        let name = stmt.split_whitespace().nth(2).unwrap_or("");
        let (ks, table) = self.cql_table(name, keyspace)?;
        let Some(schema) = self.cql_schema(&ks, &table) else {
            return Err(format!("{INVALID}\"unconfigured table {table}\""));
        };
        let mut conds: Vec<(usize, String)> = Vec::new();
        if let Some(p) = up.find(" WHERE ") {
            conds = where_conds(&stmt[p + 7..], &schema)?;
        }
        if let Some((n, _, _)) = schema
            .iter()
            .enumerate()
            .find(|(i, (_, _, role))| *role == 'p' && !conds.iter().any(|(j, _)| j == i))
            .map(|(_, c)| c)
        {
            return Err(format!(
                "{INVALID}\"Some partition key parts are missing: {n}\""
            ));
        }
        for p in self.ring() {
            let c = cassandra_container(&p).unwrap_or_default();
            let path = format!("{}/data/{ks}/{table}/rows", data_dir(&p, &c));
            let Some(text) = fs::read(self.sim, &p, &c, &path) else {
                continue;
            };
            let kept: String = text
                .lines()
                .filter(|l| {
                    let row: Vec<&str> = l.split('\t').collect();
                    !conds.iter().all(|(i, v)| row.get(*i) == Some(&v.as_str()))
                })
                .map(|l| format!("{l}\n"))
                .collect();
            if kept != text {
                let _ = fs::write(self.sim, &p, &c, &path, kept);
            }
        }
        Ok(String::new())
    }

    /// `DROP TABLE [IF EXISTS] [ks.]t`: the schema and rows go from every
    /// member. A missing table fails the server's access check
    /// (ThriftValidation.validateColumnFamily) unless IF EXISTS.
    fn cql_drop_table(&mut self, stmt: &str, keyspace: Option<&str>) -> Result<String, String> {
        let words: Vec<&str> = stmt.split_whitespace().collect();
        let if_exists = words.get(2).is_some_and(|w| w.eq_ignore_ascii_case("IF"));
        let name = words
            .get(if if_exists { 4 } else { 2 })
            .copied()
            .unwrap_or("");
        let (ks, table) = self.cql_table(name, keyspace)?;
        if self.cql_schema(&ks, &table).is_none() {
            if if_exists {
                return Ok(String::new());
            }
            if !self.keyspaces().contains(&ks) {
                return Err(format!("{INVALID}\"Keyspace {ks} does not exist\""));
            }
            return Err(format!("{INVALID}\"unconfigured table {table}\""));
        }
        for p in self.ring() {
            let c = cassandra_container(&p).unwrap_or_default();
            let dir = format!("{}/data/{ks}/{table}", data_dir(&p, &c));
            for f in ["schema", "rows"] {
                let _ = fs::remove(self.sim, &p, &c, &format!("{dir}/{f}"));
            }
        }
        Ok(String::new())
    }
}

/// A WHERE clause's conditions, split on `AND` (either case).
fn conditions(clause: &str) -> impl Iterator<Item = &str> {
    clause.split(" AND ").flat_map(|c| c.split(" and "))
}

/// A WHERE clause's `column = value` conditions as (column index, value),
/// for SELECT and DELETE alike; a column the table lacks is Cassandra's
/// InvalidRequest.
fn where_conds(
    clause: &str,
    schema: &[(String, String, char)],
) -> Result<Vec<(usize, String)>, String> {
    let mut conds = Vec::new();
    for cond in conditions(clause) {
        let Some((c, v)) = cond.split_once('=') else {
            continue;
        };
        let c = c.trim().to_ascii_lowercase();
        let Some(i) = schema.iter().position(|(n, _, _)| *n == c) else {
            return Err(format!("{INVALID}\"Undefined column name {c}\""));
        };
        conds.push((i, v.trim().trim_matches('\'').to_string()));
    }
    Ok(conds)
}
