//! API-server defaulting applied on create (to be written).

use super::object::Object;

pub fn apply(_obj: &mut Object) {}
