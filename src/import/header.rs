//! Finding a table's header band and its columns by meaning.
//!
//! One locator serves every grid table and every block of a form: it finds
//! the first row where at least two of the specs' words stand, extends the
//! band over the rows below that are still header (merged groups, sub-header
//! rows), resolves merged cells, and gives each spec the leftmost column whose
//! lowest header words (and group words above, when asked) match.

use crate::amount::parse_text_amount;
use crate::template::ColumnSpec;
use crate::text::word_matches;
use crate::workbook::{CellValue, Sheet};

/// Most header rows a table has (title rows excluded).
const MAX_BAND: u32 = 5;

/// A header band and where each spec's column is.
#[derive(Debug, Clone)]
pub struct HeaderMatch {
    pub first_row: u32,
    pub last_row: u32,
    /// Column of each spec, by the spec's index; `None` when absent.
    pub cols: Vec<Option<u32>>,
    /// Header words of each found column, levels joined by `/`.
    pub headers: Vec<String>,
    /// Columns with header words that no spec took (a province's extra
    /// `单位预留机动经费`), with their header path.
    pub unmatched: Vec<(u32, String)>,
}

impl HeaderMatch {
    pub fn found(&self) -> usize {
        self.cols.iter().filter(|c| c.is_some()).count()
    }

    pub fn col(&self, specs: &[ColumnSpec], key: &str) -> Option<u32> {
        specs
            .iter()
            .position(|s| s.key == key)
            .and_then(|i| self.cols[i])
    }

    pub fn first_col(&self) -> u32 {
        self.cols.iter().flatten().copied().min().unwrap_or(0)
    }

    pub fn last_col(&self) -> u32 {
        self.cols.iter().flatten().copied().max().unwrap_or(0)
    }
}

fn matches_any(words: &[String], text: &str) -> bool {
    words.iter().any(|w| word_matches(w, text)) || {
        // A header that also states the unit (`预算数（万元）`) is the same
        // header; the unit itself is read by `Ctx::unit`.
        let bare = without_unit(text);
        bare.len() < text.len() && words.iter().any(|w| word_matches(w, bare))
    }
}

/// A normalized header text without a trailing unit in brackets.
fn without_unit(text: &str) -> &str {
    // Every suffix ends with `)` (NFKC makes `）` one).
    if !text.ends_with(')') {
        return text;
    }
    for suffix in ["(万元)", "(元)", "(单位:万元)", "(单位:元)"] {
        if let Some(bare) = text.strip_suffix(suffix) {
            return bare;
        }
    }
    text
}

/// Does this normalized text name any spec's column or group?
fn is_header_word(specs: &[ColumnSpec], text: &str) -> bool {
    specs
        .iter()
        .any(|s| matches_any(&s.words, text) || matches_any(&s.group, text))
}

/// Whether at least `need` specs have a word or group word in row `r`
/// (counting stops there: most rows of a sheet are data and name none).
fn specs_in_row(sheet: &Sheet, specs: &[ColumnSpec], r: u32, need: usize) -> bool {
    let width = sheet.row(r).len() as u32;
    let row_mask = sheet.row_mask(r);
    let mut found = 0;
    for s in specs.iter().filter(|s| s.may_be_in(row_mask)) {
        // A number is never a header word (the words are Chinese).
        let named = (0..width).any(|c| {
            let t = sheet.norm_at(r, c);
            !t.is_empty()
                && !sheet.get(r, c).is_numeric()
                && (matches_any(&s.words, t) || matches_any(&s.group, t))
        });
        found += usize::from(named);
        if found >= need {
            return true;
        }
    }
    false
}

fn looks_like_data(cell: &CellValue, normed: &str) -> bool {
    match cell {
        CellValue::Number(_) | CellValue::Int(_) => true,
        CellValue::Text(s) => {
            !normed.is_empty()
                && normed.chars().any(|c| c.is_ascii_digit())
                && parse_text_amount(s).is_ok()
        }
        _ => false,
    }
}

/// A row below the first header row that still belongs to the header.
fn is_header_row(sheet: &Sheet, specs: &[ColumnSpec], r: u32) -> bool {
    let row = sheet.row(r);
    let row_mask = sheet.row_mask(r);
    if !specs.iter().any(|s| s.may_be_in(row_mask))
        || row.iter().all(CellValue::is_empty)
        || row
            .iter()
            .enumerate()
            .any(|(c, v)| looks_like_data(v, sheet.norm_at(r, c as u32)))
    {
        return false;
    }
    (0..row.len() as u32)
        .map(|c| sheet.norm_at(r, c))
        .filter(|t| !t.is_empty())
        .any(|t| is_header_word(specs, t))
}

/// The header words of column `c` from top to bottom of the band, with
/// merged cells resolved and vertical repeats folded.
fn column_path(sheet: &Sheet, first: u32, last: u32, c: u32) -> Vec<&str> {
    let mut path: Vec<&str> = Vec::new();
    for r in first..=last {
        let mut t = sheet.shown_norm(r, c);
        if t.is_empty() && r < last && sheet.merge_at(r, c).is_none() {
            // A merge is a convenience: a group header written once over
            // several sub-headed columns, without one (some .xls writers,
            // tools that drop merges), stands to the left.
            t = fill_from_left(sheet, r, last, c);
        }
        if !t.is_empty() && path.last() != Some(&t) {
            path.push(t);
        }
    }
    path
}

/// The group word written once to the left of an empty upper header cell,
/// when both it and the empty cell head columns below (some header word
/// under each, down to the band's `last` row): a word covers the cells to
/// its right up to the next word of its row, and a merged cell met on the
/// way says where its group ends.
fn fill_from_left(sheet: &Sheet, r: u32, last: u32, c: u32) -> &str {
    let headed = |c: u32| (r + 1..=last).any(|below| !sheet.get(below, c).is_empty());
    if !headed(c) {
        return "";
    }
    for left in (0..c).rev() {
        if sheet.merge_at(r, left).is_some() {
            return "";
        }
        let v = sheet.get(r, left);
        if !v.is_empty() {
            return if headed(left) {
                sheet.norm_at(r, left)
            } else {
                ""
            };
        }
    }
    ""
}

/// Finds the first header band in rows `from..to` where at least
/// `min(2, specs)` specs get a column.
pub fn find_header(sheet: &Sheet, specs: &[ColumnSpec], from: u32, to: u32) -> Option<HeaderMatch> {
    let need = specs.len().min(2);
    let to = to.min(sheet.height());
    let mut r = from;
    while r < to {
        if specs_in_row(sheet, specs, r, need) {
            // A header word alone in the row above (a code-and-name column
            // `功能分类科目` over two header rows) still starts the band.
            let mut first = r;
            while first > from && r - first < MAX_BAND - 1 && is_header_row(sheet, specs, first - 1)
            {
                first -= 1;
            }
            let m = match_band(sheet, specs, first);
            if m.found() >= need {
                return Some(m);
            }
        }
        r += 1;
    }
    None
}

/// Matches the specs against the band that starts at `first`.
pub fn match_band(sheet: &Sheet, specs: &[ColumnSpec], first: u32) -> HeaderMatch {
    let mut last = first;
    while last + 1 < sheet.height()
        && last + 1 < first + MAX_BAND
        && is_header_row(sheet, specs, last + 1)
    {
        last += 1;
    }
    // A vertical merge that starts in the band may reach below the last
    // detected row (a 2-row 科目编码 over a 1-word sub-row): extend to it.
    for c in 0..sheet.width() {
        if let Some(m) = sheet.merge_at(first, c) {
            if m.first_row >= first && m.last_row > last && m.last_row < first + MAX_BAND {
                last = m.last_row;
            }
        }
    }
    let width = sheet.width();
    let paths: Vec<Vec<&str>> = (0..width)
        .map(|c| column_path(sheet, first, last, c))
        .collect();
    let mut taken = vec![false; width as usize];
    let mut cols = vec![None; specs.len()];
    let mut headers = vec![String::new(); specs.len()];
    for (i, spec) in specs.iter().enumerate() {
        for (c, path) in paths.iter().enumerate() {
            if taken[c] {
                continue;
            }
            let Some((leaf, groups)) = path.split_last() else {
                continue;
            };
            let leaf_ok = matches_any(&spec.words, leaf);
            let group_ok =
                spec.group.is_empty() || groups.iter().any(|g| matches_any(&spec.group, g));
            if leaf_ok && group_ok {
                taken[c] = true;
                cols[i] = Some(c as u32);
                headers[i] = path.join("/");
                break;
            }
        }
    }
    let unmatched = paths
        .iter()
        .enumerate()
        .filter(|(c, p)| !taken[*c] && !p.is_empty())
        .map(|(c, p)| (c as u32, p.join("/")))
        .collect();
    HeaderMatch {
        first_row: first,
        last_row: last,
        cols,
        headers,
        unmatched,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Role;
    use crate::workbook::Merge;

    fn spec(key: &str, words: &[&str], group: &[&str]) -> ColumnSpec {
        ColumnSpec::new(key, words, group, Role::Amount)
    }

    fn t(s: &str) -> CellValue {
        CellValue::Text(s.into())
    }
    const E: CellValue = CellValue::Empty;

    #[test]
    fn merged_groups_pick_the_right_column() {
        // 表2 excerpt: 一般公共预算 under both 本年收入 and 上年结转结余.
        let sheet = Sheet::new(
            "表2",
            vec![
                vec![t("收入总表")],
                vec![t("代码"), t("合计"), t("本年收入"), E, t("上年结转结余"), E],
                vec![
                    E,
                    E,
                    t("小计"),
                    t("一般公共预算"),
                    t("小计"),
                    t("一般公共\n预算"),
                ],
                vec![t("137"), CellValue::Number(1.0), CellValue::Number(1.0)],
            ],
            vec![
                Merge {
                    first_row: 1,
                    first_col: 0,
                    last_row: 2,
                    last_col: 0,
                },
                Merge {
                    first_row: 1,
                    first_col: 1,
                    last_row: 2,
                    last_col: 1,
                },
                Merge {
                    first_row: 1,
                    first_col: 2,
                    last_row: 1,
                    last_col: 3,
                },
                Merge {
                    first_row: 1,
                    first_col: 4,
                    last_row: 1,
                    last_col: 5,
                },
            ],
        );
        let specs = vec![
            spec("code", &["代码"], &[]),
            spec("total", &["合计"], &[]),
            spec("cur_subtotal", &["小计"], &["本年收入"]),
            spec("cur_gp", &["一般公共预算"], &["本年收入"]),
            spec("carry_subtotal", &["小计"], &["上年结转结余"]),
            spec("carry_gp", &["一般公共预算"], &["上年结转结余"]),
            spec("carry_unit", &["单位资金"], &["上年结转结余"]),
        ];
        let m = find_header(&sheet, &specs, 0, 10).unwrap();
        assert_eq!((m.first_row, m.last_row), (1, 2));
        assert_eq!(
            m.cols,
            vec![Some(0), Some(1), Some(2), Some(3), Some(4), Some(5), None]
        );
        assert_eq!(m.headers[5], "上年结转结余/一般公共预算");
    }

    #[test]
    fn groups_without_merge_information_fill_from_the_left() {
        let sheet = Sheet::new(
            "x",
            vec![
                vec![t("科目编码"), t("基本支出"), E, t("项目支出")],
                vec![E, t("人员经费"), t("公用经费"), E],
                vec![t("201"), CellValue::Number(1.0)],
            ],
            vec![],
        );
        let specs = vec![
            spec("code", &["科目编码"], &[]),
            spec("personnel", &["人员经费"], &["基本支出"]),
            spec("public", &["公用经费"], &["基本支出"]),
            spec("project", &["项目支出"], &[]),
        ];
        let m = find_header(&sheet, &specs, 0, 10).unwrap();
        assert_eq!(m.cols, vec![Some(0), Some(1), Some(2), Some(3)]);
        assert_eq!(m.last_row, 1);
    }

    #[test]
    fn no_header_is_none() {
        let sheet = Sheet::new(
            "x",
            vec![vec![t("封面")], vec![t("2024年部门预算")]],
            vec![],
        );
        assert!(find_header(
            &sheet,
            &[spec("a", &["合计"], &[]), spec("b", &["小计"], &[])],
            0,
            10
        )
        .is_none());
    }
}
