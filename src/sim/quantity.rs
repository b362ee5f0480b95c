//! `resource.Quantity` as the API server reads it: `500m`, `1`, `0.5`,
//! `1Gi`, `512Mi`, `2G`, `1e3`. Values are kept in milli-units so CPU
//! (millicores) and memory (bytes) share one exact integer form.

use serde_json::Value;

/// Parses a quantity into milli-units (`"1"` → 1000, `"500m"` → 500,
/// `"1Ki"` → 1_024_000). `None` for what the API server would reject.
pub fn parse_milli(s: &str) -> Option<i128> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // Split the number from its suffix.
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(end);
    let (mantissa_scale, exp10, binary_shift): (i128, i32, u32) = match suffix {
        "" => (1, 0, 0),
        "n" => (1, -9, 0),
        "u" => (1, -6, 0),
        "m" => (1, -3, 0),
        "k" => (1, 3, 0),
        "M" => (1, 6, 0),
        "G" => (1, 9, 0),
        "T" => (1, 12, 0),
        "P" => (1, 15, 0),
        "E" => (1, 18, 0),
        "Ki" => (1, 0, 10),
        "Mi" => (1, 0, 20),
        "Gi" => (1, 0, 30),
        "Ti" => (1, 0, 40),
        "Pi" => (1, 0, 50),
        "Ei" => (1, 0, 60),
        other => {
            // Decimal exponent: `1e3`, `2E-1`.
            let rest = other.strip_prefix(['e', 'E'])?;
            let e: i32 = rest.parse().ok()?;
            (1, e, 0)
        }
    };
    let negative = num.starts_with('-');
    // One optional sign, as the API server's regular expression allows.
    let digits = num.strip_prefix(['+', '-']).unwrap_or(num);
    if digits.is_empty() || digits.matches('.').count() > 1 {
        return None;
    }
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    if !int_part
        .chars()
        .chain(frac_part.chars())
        .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    // value = int.frac × 10^exp10 × 2^shift, in milli-units: × 10^3.
    let mut mantissa: i128 = 0;
    for c in int_part.chars().chain(frac_part.chars()) {
        mantissa = mantissa
            .checked_mul(10)?
            .checked_add((c as u8 - b'0') as i128)?;
    }
    mantissa = mantissa.checked_mul(mantissa_scale)?;
    let mut exp = exp10 + 3 - frac_part.len() as i32;
    let mut v = mantissa.checked_mul(1i128.checked_shl(binary_shift)?)?;
    while exp > 0 {
        v = v.checked_mul(10)?;
        exp -= 1;
    }
    if exp < 0 {
        // Round up, as the API server rounds sub-milli values.
        let div = 10i128.checked_pow((-exp) as u32)?;
        v = (v + div - 1) / div;
    }
    Some(if negative { -v } else { v })
}

/// `Quantity.Value()`: the quantity in whole base units (bytes), rounded
/// up. `None` for what is no quantity or is negative.
pub fn value(s: &str) -> Option<u128> {
    let m = parse_milli(s)?;
    if m < 0 {
        return None;
    }
    Some((m as u128).div_ceil(1000))
}

/// A quantity from a JSON value (a string, or a bare number as YAML gives
/// `cpu: 1`), in milli-units.
pub fn milli_of(v: &Value) -> Option<i128> {
    match v {
        Value::String(s) => parse_milli(s),
        Value::Number(n) => parse_milli(&n.to_string()),
        _ => None,
    }
}

/// CPU in millicores.
pub fn cpu_milli(v: &Value) -> Option<i64> {
    milli_of(v).map(clamp64)
}

fn clamp64(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// Memory (or storage) in bytes, rounding up a fractional byte.
pub fn bytes(v: &Value) -> Option<i64> {
    milli_of(v).map(|m| clamp64(m.saturating_add(999) / 1000))
}

/// Bytes from a quantity string (`"1Gi"` → 1073741824).
pub fn parse_bytes(s: &str) -> Option<i64> {
    parse_milli(s).map(|m| clamp64(m.saturating_add(999) / 1000))
}

/// The API server's message for a string that is no quantity.
pub const QUANTITY_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// The quantity's value in base units (bytes, cores), `None` when the
/// text is not a quantity. One parser serves validation and scheduling:
/// this is [`parse_milli`] scaled back from milli-units.
pub fn parse_quantity(s: &str) -> Option<f64> {
    parse_milli(s).map(|m| m as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_and_memory_forms() {
        assert_eq!(parse_milli("500m"), Some(500));
        assert_eq!(parse_milli("1"), Some(1000));
        assert_eq!(parse_milli("0.5"), Some(500));
        assert_eq!(parse_milli(".25"), Some(250));
        assert_eq!(parse_bytes("1Gi"), Some(1 << 30));
        assert_eq!(parse_bytes("512Mi"), Some(512 << 20));
        assert_eq!(parse_bytes("2G"), Some(2_000_000_000));
        assert_eq!(parse_bytes("128974848"), Some(128_974_848));
        assert_eq!(parse_bytes("1e3"), Some(1000));
        assert_eq!(parse_bytes("1.5Gi"), Some(3 << 29));
        assert_eq!(cpu_milli(&serde_json::json!(2)), Some(2000));
        assert_eq!(cpu_milli(&serde_json::json!(0.1)), Some(100));
        for bad in ["", "abc", "1Qi", "1..2", "m"] {
            assert_eq!(parse_milli(bad), None, "{bad}");
        }
    }

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
