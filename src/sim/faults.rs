//! Fault injection: `pod NAME delete|force-delete|unready|ready|crash`,
//! `node NAME fail|recover`, `pv NAME lose`, `storageclass NAME break|fix`
//! (to be written).

use super::engine::Sim;

pub fn inject(_sim: &mut Sim, spec: &str) -> Result<String, String> {
    Err(format!("unknown fault: {spec}"))
}
