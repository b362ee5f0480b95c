//! `resource.Quantity` as validation sees it ("1Gi", "500m", "0.5", "1e3").

/// The API server's message for a string that is no quantity.
pub const QUANTITY_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// The quantity's value in base units (bytes, cores), `None` when the
/// text is not a quantity. One parser serves validation and scheduling:
/// this is `sim::quantity::parse_milli` scaled back from milli-units.
pub fn parse_quantity(s: &str) -> Option<f64> {
    crate::sim::quantity::parse_milli(s).map(|m| m as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kubernetes_quantities() {
        assert_eq!(parse_quantity("1Gi"), Some(1073741824.0));
        assert_eq!(parse_quantity("500m"), Some(0.5));
        assert_eq!(parse_quantity("0.5"), Some(0.5));
        assert_eq!(parse_quantity("100M"), Some(1e8));
        assert_eq!(parse_quantity("1e3"), Some(1000.0));
        for bad in ["", "abc", "1GB", "1.2.3", "Gi", "1 Gi", "--1"] {
            assert_eq!(parse_quantity(bad), None, "{bad}");
        }
    }
}
