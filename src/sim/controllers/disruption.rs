//! The disruption controller: PodDisruptionBudget status (to be written).

use super::{Ctx, Out};
use crate::sim::object::Object;
use crate::sim::store::Store;

pub fn sync(_ctx: &Ctx, _out: &mut Out) {}

/// Whether evicting `pod` is allowed. `Ok(Some(pdb))` returns the budget
/// with its allowance spent, for the eviction to write; `Err` carries the
/// API server's refusal message.
pub fn check_eviction(_store: &Store, _pod: &Object) -> Result<Option<Object>, String> {
    Ok(None)
}
