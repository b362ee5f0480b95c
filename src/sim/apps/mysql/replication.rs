//! Replication as the seed's manifest wires it: a replica's first start
//! clones the ordinal before it (the `clone-mysql` init container's
//! xtrabackup stream), then it follows `<set>-0`, modelled lazily: a
//! replica catches up whenever it serves a statement.

use super::*;

impl Proc<'_> {
    pub(super) fn server_id(&self, pod: &Object) -> u32 {
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
    pub(super) fn is_replica(&self, pod: &Object) -> bool {
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

    pub(super) fn peer(&self, of: &Object, ordinal: u32) -> Option<Server> {
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
    pub(super) fn prepare(&mut self, s: &Server, depth: u32) {
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
}

/// MySQL 5.7's `SHOW SLAVE STATUS` columns, in order.
const SLAVE_STATUS: &[&str] = &[
    "Slave_IO_State",
    "Master_Host",
    "Master_User",
    "Master_Port",
    "Connect_Retry",
    "Master_Log_File",
    "Read_Master_Log_Pos",
    "Relay_Log_File",
    "Relay_Log_Pos",
    "Relay_Master_Log_File",
    "Slave_IO_Running",
    "Slave_SQL_Running",
    "Replicate_Do_DB",
    "Replicate_Ignore_DB",
    "Replicate_Do_Table",
    "Replicate_Ignore_Table",
    "Replicate_Wild_Do_Table",
    "Replicate_Wild_Ignore_Table",
    "Last_Errno",
    "Last_Error",
    "Skip_Counter",
    "Exec_Master_Log_Pos",
    "Relay_Log_Space",
    "Until_Condition",
    "Until_Log_File",
    "Until_Log_Pos",
    "Master_SSL_Allowed",
    "Master_SSL_CA_File",
    "Master_SSL_CA_Path",
    "Master_SSL_Cert",
    "Master_SSL_Cipher",
    "Master_SSL_Key",
    "Seconds_Behind_Master",
    "Master_SSL_Verify_Server_Cert",
    "Last_IO_Errno",
    "Last_IO_Error",
    "Last_SQL_Errno",
    "Last_SQL_Error",
    "Replicate_Ignore_Server_Ids",
    "Master_Server_Id",
    "Master_UUID",
    "Master_Info_File",
    "SQL_Delay",
    "SQL_Remaining_Delay",
    "Slave_SQL_Running_State",
    "Master_Retry_Count",
    "Master_Bind",
    "Last_IO_Error_Timestamp",
    "Last_SQL_Error_Timestamp",
    "Master_SSL_Crl",
    "Master_SSL_Crlpath",
    "Retrieved_Gtid_Set",
    "Executed_Gtid_Set",
    "Auto_Position",
    "Replicate_Rewrite_DB",
    "Channel_Name",
    "Master_TLS_Version",
];

/// An empty binary log's size: its header and format description event.
const BINLOG_START: u64 = 154;

/// Where the seed's xtrabackup sidecar points a replica: the
/// `MASTER_HOST='...'` of its `CHANGE MASTER TO`, else `<set>-0.<service>`.
fn master_host(pod: &Object) -> String {
    for c in pod.spec().array_at("containers") {
        let script: String = c
            .array_at("command")
            .iter()
            .chain(c.array_at("args"))
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(i) = script.find("MASTER_HOST='") {
            let rest = &script[i + 13..];
            return rest.split('\'').next().unwrap_or("").to_string();
        }
    }
    let set = set_name(pod).unwrap_or_default();
    let svc = pod.spec().str_at("subdomain").unwrap_or("");
    format!("{set}-0.{svc}")
}

impl Proc<'_> {
    /// Whether the server writes a binary log: ordinal 0 of a set whose
    /// ConfigMap has `log-bin` (the seed's init-mysql copies master.cnf
    /// there only).
    fn logs_binary(&self, pod: &Object) -> bool {
        ordinal_of(&net::hostname(pod)) == Some(0)
            && set_name(pod).is_some()
            && pod.spec().array_at("volumes").iter().any(|v| {
                v.str_at("configMap.name")
                    .and_then(|cm| self.sim.store.get(Kind::ConfigMap, pod.namespace(), cm))
                    .and_then(|cm| cm.field("data").as_object().cloned())
                    .is_some_and(|d| {
                        d.values()
                            .any(|v| v.as_str().is_some_and(|s| s.contains("log-bin")))
                    })
            })
    }

    /// The primary's binary log: one file (Ordinal keeps no rotations) and
    /// a position that grows with the data written, not byte-exact events.
    fn binlog(&self, primary: &Server) -> (String, u64) {
        let written: usize = self
            .data_files(primary)
            .iter()
            .filter(|(k, _)| !k.starts_with("mysql/"))
            .map(|(k, v)| k.len() + v.len())
            .sum();
        (
            format!("{}-bin.000001", net::hostname(&primary.pod)),
            BINLOG_START + written as u64,
        )
    }

    /// `SHOW MASTER STATUS`: a row only where the binary log is on.
    pub(super) fn master_status(&self, s: &Server) -> ResultSet {
        let cols = [
            "File",
            "Position",
            "Binlog_Do_DB",
            "Binlog_Ignore_DB",
            "Executed_Gtid_Set",
        ];
        let mut rows = Vec::new();
        if self.logs_binary(&s.pod) {
            let (file, pos) = self.binlog(s);
            let empty = || Val::Str(String::new());
            rows.push(vec![
                Val::Str(file),
                Val::Num(pos.to_string()),
                empty(),
                empty(),
                empty(),
            ]);
        }
        ResultSet {
            cols: cols.iter().map(|c| c.to_string()).collect(),
            rows,
        }
    }

    /// `SHOW SLAVE STATUS`: a row on a replica, following `<set>-0` as the
    /// seed's sidecar set it up (user root, retry 10s); empty elsewhere.
    /// A replica whose primary is not running keeps trying to connect.
    pub(super) fn slave_status(&mut self, s: &Server) -> ResultSet {
        let cols: Vec<String> = SLAVE_STATUS.iter().map(|c| c.to_string()).collect();
        if !self.is_replica(&s.pod) {
            return ResultSet { cols, rows: vec![] };
        }
        let host = master_host(&s.pod);
        let me = net::hostname(&s.pod);
        let primary = self.peer(&s.pod, 0);
        let (file, pos, server_id, uuid) = match &primary {
            Some(p) => {
                let (file, pos) = self.binlog(p);
                let uuid = self
                    .sread(p, "auto.cnf")
                    .and_then(|a| {
                        a.lines()
                            .find_map(|l| l.strip_prefix("server-uuid=").map(str::to_string))
                    })
                    .unwrap_or_default();
                (file, pos, self.server_id(&p.pod), uuid)
            }
            None => (String::new(), 4, 0, String::new()),
        };
        let up = primary.is_some();
        let relay_pos = pos + 166;
        let text = |v: &str| Val::Str(v.to_string());
        let num = |v: u64| Val::Num(v.to_string());
        let values: Vec<Val> = vec![
            text(if up {
                "Waiting for master to send event"
            } else {
                "Connecting to master"
            }),
            text(&host),
            text("root"),
            num(3306),
            num(10),
            text(&file),
            num(pos),
            text(&format!("{me}-relay-bin.000002")),
            num(relay_pos),
            text(&file),
            text(if up { "Yes" } else { "Connecting" }),
            text("Yes"),
            text(""),
            text(""),
            text(""),
            text(""),
            text(""),
            text(""),
            num(0),
            text(""),
            num(0),
            num(pos),
            num(relay_pos + 200),
            text("None"),
            text(""),
            num(0),
            text("No"),
            text(""),
            text(""),
            text(""),
            text(""),
            text(""),
            if up { num(0) } else { Val::Null },
            text("No"),
            num(if up { 0 } else { 2005 }),
            text(&if up {
                String::new()
            } else {
                format!(
                    "error connecting to master 'root@{host}:3306' - retry-time: 10  retries: 1"
                )
            }),
            num(0),
            text(""),
            text(""),
            num(u64::from(server_id)),
            text(&uuid),
            text("/var/lib/mysql/master.info"),
            num(0),
            Val::Null,
            text("Slave has read all relay log; waiting for more updates"),
            num(86400),
            text(""),
            text(""),
            text(""),
            text(""),
            text(""),
            text(""),
            text(""),
            num(0),
            text(""),
            text(""),
            text(""),
        ];
        ResultSet {
            cols,
            rows: vec![values],
        }
    }
}
