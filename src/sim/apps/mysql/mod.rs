//! A MySQL 5.7 server and client, enough for the MySQL seed. The server's
//! data directory is here; `client.rs` is the `mysql`/`mysqladmin` programs,
//! `sql.rs` the statements the server runs, `replication.rs` how a replica
//! clones (xtrabackup) and follows its primary.
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

mod client;
mod replication;
mod sql;

pub(super) use sql::split_top;

use super::{fs, net, ordinal_of, uuid_from, Out, Proc};
use crate::sim::object::{rfc3339, Kind, Object, ValueExt};
use crate::sim::podutil;
use crate::sim::sort::CollectSorted;
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
            .collect_sorted()
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

    fn now_text(&self) -> String {
        let t = rfc3339(self.clock_ms);
        t.trim_end_matches('Z').replace('T', " ")
    }
}
