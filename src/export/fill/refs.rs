//! A1 references in formulas, ranges and defined names, moved as a
//! spreadsheet program moves them when rows are inserted: a reference at
//! or below the inserted rows moves down; a range that spans them grows.
//! Also a formula copied to another row, its relative rows following it.
//! Text in quotes is never touched; a name followed by `(` is a function.

/// How to rewrite one reference's row (1-based) in a range or alone.
#[derive(Clone, Copy)]
enum Move {
    /// Rows from `at` (0-based) move down by `n`.
    Insert { at: u32, n: u32 },
    /// Relative rows move by `by` (a formula copied `by` rows down).
    Copy { by: i64 },
}

/// A reference found: where it ends, and its parts.
struct Found {
    end: usize,
    /// The sheet it names (unquoted), if any.
    sheet: Option<String>,
    /// The first and, for a range, second end: (column text with `$`,
    /// row absolute?, row 1-based); a column without a row for `A:C`.
    first: End,
    second: Option<End>,
}

#[derive(Clone)]
struct End {
    col: String,
    abs_row: bool,
    row: Option<u32>,
}

fn end_text(e: &End) -> String {
    match e.row {
        Some(r) => format!("{}{}{r}", e.col, if e.abs_row { "$" } else { "" }),
        None => e.col.clone(),
    }
}

/// Parses `$A$1`, `A1`, `$A`, `12`, `$12` at `i`; returns the end and where it stops.
fn parse_end(b: &[u8], mut i: usize) -> Option<(End, usize)> {
    let start = i;
    let mut col = String::new();
    if b.get(i) == Some(&b'$') {
        col.push('$');
        i += 1;
    }
    let letters = i;
    while i < b.len() && b[i].is_ascii_alphabetic() {
        i += 1;
    }
    let n_letters = i - letters;
    if n_letters > 3 {
        return None;
    }
    col.push_str(std::str::from_utf8(&b[letters..i]).ok()?);
    let mut abs_row = false;
    if b.get(i) == Some(&b'$') {
        abs_row = true;
        i += 1;
    }
    let digits = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let row = (i > digits)
        .then(|| std::str::from_utf8(&b[digits..i]).ok()?.parse::<u32>().ok())
        .flatten();
    if n_letters == 0 && row.is_none() || i == start {
        return None;
    }
    if n_letters == 0 && col == "$" {
        // `$12`: a whole row, absolute.
        return Some((
            End {
                col: String::new(),
                abs_row: true,
                row,
            },
            i,
        ));
    }
    if row.is_none() && abs_row {
        return None;
    }
    Some((End { col, abs_row, row }, i))
}

/// Every reference of a formula, left to right.
fn references(f: &str) -> Vec<Found> {
    let b = f.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        // Text literals.
        if c == b'"' {
            i += 1;
            while i < b.len() {
                if b[i] == b'"' {
                    if b.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        let boundary =
            i == 0 || !(b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'_' | b'.' | b'$'));
        if !boundary {
            i += 1;
            continue;
        }
        // A sheet before `!`: quoted, or a bare name.
        let mut sheet = None;
        let mut j = i;
        if c == b'\'' {
            let mut k = i + 1;
            let mut name = String::new();
            while k < b.len() {
                if b[k] == b'\'' {
                    if b.get(k + 1) == Some(&b'\'') {
                        name.push('\'');
                        k += 2;
                        continue;
                    }
                    break;
                }
                let ch = f[k..].chars().next().unwrap_or('\u{FFFD}');
                name.push(ch);
                k += ch.len_utf8();
            }
            if b.get(k + 1) == Some(&b'!') {
                sheet = Some(name);
                j = k + 2;
            } else {
                i = k + 1;
                continue;
            }
        } else {
            // A bare sheet name ends at `!` before any operator.
            let mut k = i;
            while k < b.len() && !b"!+-*/^&=<>(),;: \"".contains(&b[k]) {
                k += 1;
            }
            if b.get(k) == Some(&b'!') && k > i {
                sheet = Some(f[i..k].to_string());
                j = k + 1;
            }
        }
        let Some((first, mut k)) = parse_end(b, j) else {
            i = if j > i { j } else { i + 1 };
            continue;
        };
        let mut second = None;
        if b.get(k) == Some(&b':') {
            if let Some((e, k2)) = parse_end(b, k + 1) {
                second = Some(e);
                k = k2;
            }
        }
        // Not a name or a function (`LOG10(`, `A1B`), not a bare column
        // or a number: a column or a row stands only in a range (`A:C`, `3:5`).
        let next = b.get(k).copied();
        let is_name =
            next.is_some_and(|n| n.is_ascii_alphanumeric() || n == b'_' || n == b'(' || n == b'.');
        let row_only = |e: &End| e.col.trim_start_matches('$').is_empty();
        let lone = second.is_none() && (first.row.is_none() || row_only(&first));
        let mixed = second.as_ref().is_some_and(|s| {
            row_only(s) != row_only(&first) || s.row.is_none() != first.row.is_none()
        });
        if is_name || lone || mixed {
            i = k.max(i + 1);
            continue;
        }
        out.push(Found {
            end: k,
            sheet,
            first,
            second,
        });
        i = k;
    }
    out
}

/// The 0-based column of `$AB` (`$` ignored).
fn col_index(col: &str) -> Option<u32> {
    let letters = col.trim_start_matches('$');
    if letters.is_empty() {
        return None;
    }
    letters
        .bytes()
        .try_fold(0u32, |n, b| {
            Some(n * 26 + u32::from(b.to_ascii_uppercase().checked_sub(b'A')? + 1))
        })
        .map(|n| n - 1)
}

/// The cells (0-based row and column) a formula reads on its own sheet
/// `own`. `None` when it reads anything else (another sheet, whole rows
/// or columns, more than 10,000 cells) or no cell at all.
pub fn cells_read(f: &str, own: &str) -> Option<Vec<(u32, u32)>> {
    let mut out = Vec::new();
    for r in references(f) {
        if r.sheet.as_deref().is_some_and(|s| s != own) {
            return None;
        }
        let end = |e: &End| Some((e.row?.checked_sub(1)?, col_index(&e.col)?));
        let a = end(&r.first)?;
        let b = match &r.second {
            Some(e) => end(e)?,
            None => a,
        };
        let (rows, cols) = (a.0.min(b.0)..=a.0.max(b.0), a.1.min(b.1)..=a.1.max(b.1));
        if rows.clone().count() * cols.clone().count() + out.len() > 10_000 {
            return None;
        }
        for row in rows {
            out.extend(cols.clone().map(|c| (row, c)));
        }
    }
    (!out.is_empty()).then_some(out)
}

fn moved(e: &End, m: Move) -> End {
    let Some(r) = e.row else { return e.clone() };
    let row = match m {
        // At or below the inserted rows (1-based `r`, 0-based `at`): down.
        // A range whose first end is above them and last end below grows.
        Move::Insert { at, n } if r > at => r + n,
        Move::Insert { .. } => r,
        Move::Copy { .. } if e.abs_row => r,
        Move::Copy { by } => (i64::from(r) + by).clamp(1, i64::from(u32::MAX)) as u32,
    };
    End {
        row: Some(row),
        ..e.clone()
    }
}

fn rewrite(f: &str, m: Move, applies: impl Fn(Option<&str>) -> bool) -> String {
    let refs = references(f);
    if refs.is_empty() {
        return f.to_string();
    }
    let mut out = String::with_capacity(f.len() + 8);
    let mut at = 0;
    for r in refs.iter().filter(|r| applies(r.sheet.as_deref())) {
        // The reference's ends, after the sheet name if any.
        let ends =
            end_text(&r.first).len() + r.second.as_ref().map_or(0, |s| 1 + end_text(s).len());
        out.push_str(&f[at..r.end - ends]);
        out.push_str(&end_text(&moved(&r.first, m)));
        if let Some(s) = &r.second {
            out.push(':');
            out.push_str(&end_text(&moved(s, m)));
        }
        at = r.end;
    }
    out.push_str(&f[at..]);
    out
}

/// A formula of sheet `own` after `n` rows are inserted at row `at`
/// (0-based) of sheet `edited`: references to the edited sheet at or below
/// `at` move down; a range spanning `at` grows.
pub fn insert_rows(f: &str, own: &str, edited: &str, at: u32, n: u32) -> String {
    rewrite(f, Move::Insert { at, n }, |sheet| match sheet {
        Some(s) => s == edited,
        None => own == edited,
    })
}

/// A formula copied `by` rows down: its relative rows follow.
pub fn copy_rows(f: &str, by: i64) -> String {
    rewrite(f, Move::Copy { by }, |_| true)
}

/// A space-separated list of ranges (`sqref`) after rows are inserted.
pub fn insert_rows_in_ranges(sqref: &str, at: u32, n: u32) -> String {
    sqref
        .split(' ')
        .map(|r| insert_rows(r, "", "", at, n))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserted_rows_move_what_lies_below_and_grow_what_spans_them() {
        // 3 rows inserted at row index 10 (the 11th row).
        let ins = |f: &str| insert_rows(f, "表2", "表2", 10, 3);
        assert_eq!(ins("SUM(E9:E19)"), "SUM(E9:E22)");
        assert_eq!(ins("E9+F9"), "E9+F9");
        assert_eq!(ins("E11+F20"), "E14+F23");
        assert_eq!(ins("$E$20"), "$E$23");
        assert_eq!(ins("SUM(E11:E12)"), "SUM(E14:E15)");
        assert_eq!(ins("SUM(A:A)+B10"), "SUM(A:A)+B10");
        assert_eq!(ins("SUM(11:12)"), "SUM(14:15)");
        assert_eq!(
            ins("SUMIF(B9:B19,\"<>E20\",D9:D19)"),
            "SUMIF(B9:B22,\"<>E20\",D9:D22)"
        );
        assert_eq!(ins("LOG10(E20)"), "LOG10(E23)");
        assert_eq!(ins("'表3'!E20+表2!E20+E20"), "'表3'!E20+表2!E23+E23");
        // Another sheet's formula: only references to the edited sheet move.
        assert_eq!(
            insert_rows("表2!E20+E20", "表1", "表2", 10, 3),
            "表2!E23+E20"
        );
        assert_eq!(
            insert_rows("'部门 收入'!$A$12", "x", "部门 收入", 10, 1),
            "'部门 收入'!$A$13"
        );
    }

    #[test]
    fn copied_formulas_follow_their_rows() {
        assert_eq!(copy_rows("E9+F9-$G$9+G$2", 3), "E12+F12-$G$9+G$2");
        assert_eq!(copy_rows("SUM(B9:D9)", 1), "SUM(B10:D10)");
    }

    #[test]
    fn ranges_of_a_sheet_move_too() {
        assert_eq!(insert_rows_in_ranges("A9:D9 F20", 10, 2), "A9:D9 F22");
    }

    #[test]
    fn the_cells_a_formula_reads_on_its_own_sheet() {
        assert_eq!(
            cells_read("E12+F12+$G$12", "表"),
            Some(vec![(11, 4), (11, 5), (11, 6)])
        );
        assert_eq!(cells_read("SUM(D8:D9)", "表"), Some(vec![(7, 3), (8, 3)]));
        assert_eq!(
            cells_read("SUMIF(B9:B10,\"A1\",'表'!F9:F10)", "表").map(|c| c.len()),
            Some(4)
        );
        assert_eq!(cells_read("其他!A1+A2", "表"), None);
        assert_eq!(cells_read("SUM(A:A)", "表"), None);
        assert_eq!(cells_read("1+2", "表"), None);
    }
}
