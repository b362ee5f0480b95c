//! kubectl over the simulation (to be written).

use super::engine::Sim;

/// Runs one kubectl command line; `files` holds the contents of `-f` paths.
pub fn run(_sim: &mut Sim, line: &str, _files: &[(String, String)]) -> Result<String, String> {
    Err(format!("error: unknown command \"{line}\""))
}

/// Applies (or deletes) a manifest buffer, as the editor's buttons do.
pub fn apply_text(_sim: &mut Sim, _text: &str, _delete: bool) -> Result<String, String> {
    Err("not yet".into())
}
