//! A figure written as a spreadsheet stores it: a binary number, in the
//! shortest digits that give it back (Rust's `f64` display), from
//! `rust_decimal`'s conversion — the bytes rust_xlsxwriter wrote for it.
//!
//! That conversion is the nearest binary number when the decimal's digits
//! are fewer than 2^50 (the errors of its three float steps stay under half
//! a unit of the last digit), and a decimal of at most 15 significant
//! digits is then its own shortest form: such a figure, every figure of a
//! budget in practice, is written digit by digit without a float.

use std::io::Write as _;

use rust_decimal::Decimal;

/// The largest mantissa whose conversion is the nearest binary number and
/// whose digits are its shortest form: under 2^50 and 10^15.
const EXACT_MANTISSA: u128 = 1 << 50;

/// A figure as the nearest binary number, as Excel stores it.
pub(crate) fn to_f64(d: Decimal) -> f64 {
    rust_decimal::prelude::ToPrimitive::to_f64(&d).unwrap_or_default()
}

pub fn push(o: &mut Vec<u8>, d: Decimal) {
    if !push_exact(o, d) {
        let _ = write!(o, "{}", to_f64(d));
    }
}

/// Writes `d` as its digits when they are the float's shortest form;
/// `false` (nothing written) otherwise.
fn push_exact(o: &mut Vec<u8>, d: Decimal) -> bool {
    if d.is_zero() {
        // -0 stays -0 through the float.
        if d.is_sign_negative() {
            return false;
        }
        o.push(b'0');
        return true;
    }
    let mut m = d.mantissa().unsigned_abs();
    let mut scale = d.scale();
    if m >= EXACT_MANTISSA || scale > 22 {
        return false;
    }
    while scale > 0 && m.is_multiple_of(10) {
        m /= 10;
        scale -= 1;
    }
    let mut digits = [0u8; 40];
    let mut n = 0;
    let mut x = m;
    while x > 0 {
        digits[n] = b'0' + (x % 10) as u8;
        x /= 10;
        n += 1;
    }
    if d.is_sign_negative() {
        o.push(b'-');
    }
    let scale = scale as usize;
    if scale >= n {
        o.extend_from_slice(b"0.");
        o.extend(std::iter::repeat_n(b'0', scale - n));
        o.extend(digits[..n].iter().rev());
    } else {
        o.extend(digits[scale..n].iter().rev());
        if scale > 0 {
            o.push(b'.');
            o.extend(digits[..scale].iter().rev());
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn both(d: Decimal) -> (String, String) {
        let mut o = Vec::new();
        push(&mut o, d);
        (String::from_utf8(o).unwrap(), format!("{}", to_f64(d)))
    }

    #[test]
    fn digits_are_the_floats_shortest_form() {
        for s in [
            "0",
            "0.00",
            "-0.00",
            "1",
            "900",
            "3248300.00",
            "324.83",
            "-1234.5",
            "0.9795",
            "0.0001",
            "12345678901234.5",
            "123456789012345",
            "1234567890123456.78",
            "0.1",
            "99999999999999.99",
            "1E-7",
            "100000000000000000000",
        ] {
            let (ours, float) = both(Decimal::from_str(s).unwrap());
            assert_eq!(ours, float, "{s}");
        }
        // Seeded decimals of every length and scale.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let digits = (state >> 60) as u32 + 1;
            let m = (state >> 3) % 10u64.pow(digits.min(19));
            let scale = ((state >> 56) % 8) as u32;
            let mut d = Decimal::new(m as i64, scale);
            if state & 1 == 1 {
                d.set_sign_negative(true);
            }
            let (ours, float) = both(d);
            assert_eq!(ours, float, "{d}");
        }
    }
}
