//! A1 cell addresses and the provenance every amount carries.

use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// Column index (0-based) → letters: 0 → A, 26 → AA.
pub fn col_letters(mut col: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII letters")
}

/// A cell of a sheet of the source workbook: `表3!C7`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CellRef {
    pub sheet: Arc<str>,
    /// 0-based row.
    pub row: u32,
    /// 0-based column.
    pub col: u32,
}

impl CellRef {
    pub fn new(sheet: Arc<str>, row: u32, col: u32) -> CellRef {
        CellRef { sheet, row, col }
    }

    /// `C7`, without the sheet.
    pub fn a1(&self) -> String {
        format!("{}{}", col_letters(self.col), self.row + 1)
    }
}

/// `表3!`, or `'1. 收支总表'!` for a sheet name with spaces or punctuation
/// (quoted as Excel does): the sheet part of an address.
///
/// A sheet of another workbook is named `[文件.xlsx]表3` (no sheet name
/// holds `[`, Excel forbids it), and written as Excel writes an external
/// reference: `[2023.xlsx]表3!`, quoted when either name needs it.
pub fn sheet_prefix(sheet: &str) -> String {
    let plain = |s: &str| {
        s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || !c.is_ascii())
            && !s.contains(['\u{3000}', '!', '\''])
    };
    let external = sheet
        .strip_prefix('[')
        .and_then(|rest| rest.split_once(']'));
    let is_plain = match external {
        Some((file, name)) => plain(file) && plain(name),
        None => plain(sheet),
    };
    if is_plain {
        format!("{sheet}!")
    } else {
        format!("'{}'!", sheet.replace('\'', "''"))
    }
}

/// Appends `C7` (0-based `row`, `col`) without formatting machinery: every
/// amount of every CSV row names its cell.
pub fn push_a1(out: &mut String, row: u32, mut col: u32) {
    let mut buf = [0u8; 24];
    let mut end = buf.len();
    let mut n = u64::from(row) + 1;
    loop {
        end -= 1;
        buf[end] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    loop {
        end -= 1;
        buf[end] = b'A' + (col % 26) as u8;
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    // Only ASCII letters and digits were written.
    out.push_str(std::str::from_utf8(&buf[end..]).unwrap_or("?"));
}

impl fmt::Display for CellRef {
    /// `表3!C7`; a sheet name with spaces or punctuation is quoted as Excel
    /// does (`'1. 收支总表'!B5`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = sheet_prefix(&self.sheet);
        push_a1(&mut out, self.row, self.col);
        f.write_str(&out)
    }
}

impl Serialize for CellRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where a figure came from. Alias kept for the domain's word.
pub type Provenance = CellRef;

/// An A1 reference (`C7`, `$C$7`) → (row, column), zero-based: (6, 2).
pub fn parse_a1(s: &str) -> Option<(u32, u32)> {
    // Cell addresses of a sheet part have no `$`: no copy for them.
    let s: std::borrow::Cow<str> = if s.contains('$') {
        s.replace('$', "").into()
    } else {
        s.into()
    };
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    let col = letters.bytes().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(col_letters(0), "A");
        assert_eq!(col_letters(25), "Z");
        assert_eq!(col_letters(26), "AA");
        assert_eq!(col_letters(27), "AB");
        assert_eq!(col_letters(701), "ZZ");
        assert_eq!(col_letters(702), "AAA");
    }

    #[test]
    fn display() {
        assert_eq!(CellRef::new("表3".into(), 6, 2).to_string(), "表3!C7");
        assert_eq!(CellRef::new("表5-1".into(), 0, 0).to_string(), "表5-1!A1");
        assert_eq!(
            CellRef::new("1. 收支总表".into(), 4, 1).to_string(),
            "'1. 收支总表'!B5"
        );
        // The address written in place is the one `a1` spells.
        for col in [0, 25, 26, 27, 51, 52, 701, 702, 703, 16_383, u32::MAX] {
            let r = CellRef::new("表3".into(), u32::MAX - 1, col);
            assert_eq!(r.to_string(), format!("表3!{}", r.a1()));
        }
        assert_eq!(CellRef::new("x".into(), 0, 702).to_string(), "x!AAA1");
        assert_eq!(CellRef::new("a'b".into(), 0, 0).to_string(), "'a''b'!A1");
        // Another workbook's cell, as Excel writes an external reference.
        assert_eq!(
            CellRef::new("[series-2023.xlsx]公开04表".into(), 4, 2).to_string(),
            "[series-2023.xlsx]公开04表!C5"
        );
        assert_eq!(
            CellRef::new("[2023 年.xlsx]表3".into(), 4, 2).to_string(),
            "'[2023 年.xlsx]表3'!C5"
        );
        assert_eq!(
            CellRef::new("表\u{3000}1".into(), 9, 3).to_string(),
            "'表\u{3000}1'!D10"
        );
    }
}
