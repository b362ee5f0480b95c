//! `resource.Quantity` as validation sees it: the one parser lives in
//! [`crate::sim::quantity`]; this names it for the manifest checks.

pub use crate::sim::quantity::{parse_quantity, QUANTITY_ERROR};
