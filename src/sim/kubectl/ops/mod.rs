//! Operational commands: rollout, cordon/uncordon/drain, exec, run,
//! logs, wait, and the informational ones (version, cluster-info,
//! api-resources, explain, config, top).

use super::mutate::wait_until;
use super::parse::{parse_args, parse_duration_ms, Args};
use super::printers::tabulate;
use super::resources::{self, Resource};
use super::{finish, namespace, quoted, ref_name, selector, Report};
use crate::sim::api::{self, ApiError, DeleteOptions, Reason};
use crate::sim::apps;
use crate::sim::engine::Sim;
use crate::sim::object::{rfc3339, Key, Kind, Object, ValueExt};
use crate::sim::podutil;
use serde_json::{json, Value};

/// How long a blocking command waits when no `--timeout` is given
/// (kubectl would wait forever; a playground gives up eventually).
const DEFAULT_BLOCK_MS: u64 = 600_000;

pub fn usage() -> String {
    "kubectl controls the Kubernetes cluster manager (simulated by Ordinal).\n\n\
Basic Commands:\n  create, get, run, set, explain, edit, delete\n\n\
Deploy Commands:\n  rollout, scale\n\n\
Cluster Management Commands:\n  cluster-info, top, cordon, uncordon, drain\n\n\
Troubleshooting and Debugging Commands:\n  describe, logs, exec, wait\n\n\
Advanced Commands:\n  apply, patch, replace\n\n\
Settings Commands:\n  label, annotate\n\n\
Other Commands:\n  api-resources, api-versions, config, version\n\n\
Usage:\n  kubectl [flags] [options]\n"
        .to_string()
}

// ---- rollout -----------------------------------------------------------

// ---- nodes ---------------------------------------------------------------

// ---- exec, run, logs ---------------------------------------------------------

// ---- wait ---------------------------------------------------------------

// ---- informational ---------------------------------------------------------

mod drain;
mod exec;
mod info;
mod rollout;
mod wait;
pub use drain::*;
pub use exec::*;
pub use info::*;
pub use rollout::*;
pub use wait::*;
#[cfg(test)]
mod tests {
    use crate::sim::object::go_duration;

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(500), "500ms");
        assert_eq!(go_duration(20_000), "20s");
        assert_eq!(go_duration(120_000), "2m0s");
        assert_eq!(go_duration(90_000), "1m30s");
        assert_eq!(go_duration(1_500), "1.5s");
        assert_eq!(go_duration(3_600_000), "1h0m0s");
    }
}
