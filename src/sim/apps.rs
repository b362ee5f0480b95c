//! Simulated processes behind `kubectl exec` and `kubectl run` (to be
//! written): busybox tools, nslookup/dig/host against `dns`, `nodetool`,
//! `cqlsh`, `mysql`, `zkOk.sh`, files on volumes.

use super::engine::Sim;
use super::object::Key;

/// What a command printed and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecResult {
    /// stdout and stderr, interleaved as a terminal shows them.
    pub output: String,
    pub exit_code: i32,
}

/// Runs `argv` in a container of a running pod. The caller (kubectl) has
/// checked that the pod exists and is running.
pub fn exec(_sim: &mut Sim, _pod: &Key, _container: Option<&str>, argv: &[String]) -> ExecResult {
    ExecResult {
        output: format!(
            "{}: not found in the simulated container\n",
            argv.first().map(String::as_str).unwrap_or("")
        ),
        exit_code: 127,
    }
}
