//! The statefulset controller (to be written).

use super::{Ctx, Out};

pub fn sync(_ctx: &Ctx, _out: &mut Out) {}
