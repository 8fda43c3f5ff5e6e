//! Which sheet holds which table: by title, by sheet name, by sheet number.

use crate::template::Template;
use crate::text::norm;
use crate::workbook::{CellRef, Workbook};

/// Rows at the top of a sheet searched for its title.
pub const TITLE_ROWS: u32 = 6;

/// A sheet taken for a table.
#[derive(Debug, Clone)]
pub struct Located {
    /// Index into `template.tables`.
    pub spec: usize,
    /// Index into `workbook.sheets`.
    pub sheet: usize,
    /// The title cell that named the table, when it was the title.
    pub title: Option<(String, CellRef)>,
    score: usize,
}

const CN_DIGITS: [(char, u32); 10] = [
    ('零', 0),
    ('一', 1),
    ('二', 2),
    ('三', 3),
    ('四', 4),
    ('五', 5),
    ('六', 6),
    ('七', 7),
    ('八', 8),
    ('九', 9),
];

fn cn_number(s: &str) -> Option<u32> {
    let digit = |c: char| CN_DIGITS.iter().find(|(d, _)| *d == c).map(|(_, v)| *v);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [] => None,
        ['十'] => Some(10),
        ['十', d] => Some(10 + digit(*d)?),
        [d, '十'] => Some(digit(*d)? * 10),
        [d, '十', e] => Some(digit(*d)? * 10 + digit(*e)?),
        [d] => digit(*d),
        _ => None,
    }
}

/// Reads a number token at the start of `s`: `5-1`, `05`, `十二`, `五-1`.
fn number_token(s: &str) -> Option<String> {
    let mut parts = Vec::new();
    for (i, part) in s.split(['-', '_']).enumerate() {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        let n = if !digits.is_empty() {
            digits.parse::<u32>().ok()
        } else {
            let cn: String = part
                .chars()
                .take_while(|c| CN_DIGITS.iter().any(|(d, _)| d == c) || *c == '十')
                .collect();
            cn_number(&cn)
        };
        match n {
            Some(n) => parts.push(n.to_string()),
            None if i == 0 => return None,
            None => break,
        }
        let consumed = if digits.is_empty() {
            part.chars().take_while(|c| !c.is_ascii_digit()).count()
        } else {
            digits.len()
        };
        // Stop after a part that is followed by other text (`1.收支总表`).
        if consumed < part.chars().count() {
            break;
        }
    }
    (!parts.is_empty()).then(|| parts.join("-"))
}

/// The table number a sheet name carries: `表1`, `表5-1`, `表一`, `公开01表`, `1.收支总表`, `12-2`.
pub fn sheet_number(name: &str) -> Option<String> {
    let n = norm(name);
    if let Some(i) = n.find('表') {
        if let Some(t) = number_token(&n[i + '表'.len_utf8()..]) {
            return Some(t);
        }
    }
    if let Some(i) = n.find("公开") {
        if let Some(t) = number_token(&n[i + "公开".len()..]) {
            return Some(t);
        }
    }
    number_token(&n)
}

/// Characters a title may carry besides the table's name: a year, `表1.`,
/// the department's short name. A cell with more is a sentence that only
/// mentions the table (an instruction sheet: `项目支出绩效目标表为元`).
const TITLE_EXTRA_CHARS: usize = 14;

/// Whether `text` is a title of `alias`: holds it, with little besides.
fn is_title_counted(text: &Counted, alias: &Counted) -> bool {
    // The characters first: a cell that lacks one of the alias's cannot
    // hold it (most pairs end here); then a title has little besides.
    alias.mask & !text.mask == 0
        && text.chars >= alias.chars
        && text.chars <= alias.chars + TITLE_EXTRA_CHARS
        && text.text.contains(alias.text.as_ref())
}

/// A text with its character count and a 64-bit set of its characters
/// (hashed), so a title that cannot be in a cell is ruled out cheaply.
#[derive(Debug, Clone)]
struct Counted<'a> {
    text: std::borrow::Cow<'a, str>,
    chars: usize,
    mask: u64,
}

impl<'a> Counted<'a> {
    fn new(text: impl Into<std::borrow::Cow<'a, str>>) -> Counted<'a> {
        let text = text.into();
        Counted {
            chars: text.chars().count(),
            mask: crate::text::char_mask(&text),
            text,
        }
    }
}

const BUDGET: &str = "预算";

/// A title of a table, as written and without 预算 (older years add and
/// drop the word freely: `一般公共预算支出预算表` for `一般公共预算支出表`,
/// `项目支出预算表`, `部门收支总表`), counted once.
struct Alias<'a> {
    text: Counted<'a>,
    bare: Counted<'a>,
}

impl<'a> Alias<'a> {
    fn new(text: &'a str) -> Alias<'a> {
        Alias {
            text: Counted::new(text),
            bare: Counted::new(text.replace(BUDGET, "")),
        }
    }
}

/// A cell of a sheet's title rows, as matched against titles.
struct TitleCell<'a> {
    r: u32,
    c: u32,
    text: Counted<'a>,
    /// The text without 预算, when it had the word.
    bare: Option<Counted<'a>>,
}

impl<'a> TitleCell<'a> {
    fn new(r: u32, c: u32, text: &'a str) -> TitleCell<'a> {
        TitleCell {
            r,
            c,
            text: Counted::new(text),
            bare: text
                .contains(BUDGET)
                .then(|| Counted::new(text.replace(BUDGET, ""))),
        }
    }

    /// How well the cell names `alias`: 1000 and up as written, 900 and up
    /// with 预算 inserted or dropped (both sides compared without it, when
    /// either had it), 0 not at all; longer aliases score higher.
    fn score(&self, a: &Alias) -> usize {
        if is_title_counted(&self.text, &a.text) {
            return 1000 + a.text.text.len();
        }
        let text = self.bare.as_ref().unwrap_or(&self.text);
        if (self.bare.is_some() || a.bare.text.len() < a.text.text.len())
            && is_title_counted(text, &a.bare)
        {
            900 + a.text.text.len()
        } else {
            0
        }
    }
}

/// What locating reads of one sheet, whatever the template: its title
/// rows' cells, its name and number. Made once a workbook
/// ([`SheetTitles::of`]), then matched against each template.
pub struct SheetTitles<'a> {
    cells: Vec<TitleCell<'a>>,
    name: String,
    number: Option<String>,
}

impl<'a> SheetTitles<'a> {
    /// Every sheet's titles, in sheet order (hidden sheets have none).
    pub fn of(wb: &'a Workbook) -> Vec<Option<SheetTitles<'a>>> {
        wb.sheets
            .iter()
            .map(|sheet| {
                (!sheet.hidden).then(|| {
                    let mut cells = Vec::new();
                    for r in 0..TITLE_ROWS.min(sheet.height()) {
                        for c in 0..sheet.row(r).len() as u32 {
                            let text = sheet.norm_at(r, c);
                            if !text.is_empty() {
                                cells.push(TitleCell::new(r, c, text));
                            }
                        }
                    }
                    SheetTitles {
                        cells,
                        name: norm(&sheet.name),
                        number: sheet_number(&sheet.name),
                    }
                })
            })
            .collect()
    }
}

fn number_fits(spec_number: &str, multiple: bool, found: &str) -> bool {
    found == spec_number || (multiple && found.starts_with(&format!("{spec_number}-")))
}

/// Assigns sheets to the template's tables. Hidden sheets and sheets that
/// name no table (covers, instructions) are left out.
pub fn locate(wb: &Workbook, t: &Template) -> Vec<Located> {
    locate_titles(wb, &SheetTitles::of(wb), t)
}

/// [`locate`] with the workbook's titles already read (the same for every
/// template tried).
pub fn locate_titles(wb: &Workbook, titles: &[Option<SheetTitles>], t: &Template) -> Vec<Located> {
    let aliases: Vec<Vec<Alias>> = t
        .tables
        .iter()
        .map(|s| s.names.iter().map(|a| Alias::new(a)).collect())
        .collect();
    let mut found: Vec<Located> = Vec::new();
    for (si, (sheet, titles)) in wb.sheets.iter().zip(titles).enumerate() {
        let Some(SheetTitles {
            cells,
            name: sheet_name,
            number,
        }) = titles
        else {
            continue;
        };
        // A placeholder says the table is not there.
        if cells.iter().any(|cell| {
            t.placeholder_marks
                .iter()
                .any(|m| cell.text.text.contains(m.as_str()))
        }) {
            continue;
        }
        let mut claims: Vec<Located> = Vec::new();
        let mut titled = 0;
        // Every character of the title rows: a title whose characters
        // (without 预算, the fewest it can be matched by) are not all there
        // is in no cell, and its cells are not looked at.
        let rows_mask = cells.iter().fold(0, |m, c| m | c.text.mask);
        for (ti, spec) in t.tables.iter().enumerate() {
            let mut score = 0;
            let mut at = None;
            let possible: Vec<&Alias> = aliases[ti]
                .iter()
                .filter(|a| a.bare.mask & !rows_mask == 0)
                .collect();
            for cell in cells.iter().filter(|_| !possible.is_empty()) {
                for a in &possible {
                    let s = cell.score(a);
                    if s > score {
                        score = s;
                        at = Some((cell.r, cell.c));
                    }
                }
            }
            titled += usize::from(score >= 900);
            for a in &aliases[ti] {
                if sheet_name.contains(a.text.text.as_ref()) {
                    score = score.max(500 + a.text.text.len());
                }
            }
            if number
                .as_deref()
                .is_some_and(|n| number_fits(&spec.number, spec.multiple, n))
            {
                score = score.max(100);
            }
            if score > 0 {
                let title = at.map(|(r, c)| {
                    (
                        sheet.get(r, c).as_text().trim().to_string(),
                        sheet.cell_ref(r, c),
                    )
                });
                claims.push(Located {
                    spec: ti,
                    sheet: si,
                    title,
                    score,
                });
            }
        }
        // A contents sheet (目录) names many tables' titles: none of them.
        if titled >= 3 {
            continue;
        }
        let best = claims.into_iter().fold(None::<Located>, |b, l| match b {
            Some(b) if b.score >= l.score => Some(b),
            _ => Some(l),
        });
        found.extend(best);
    }
    // A single table claimed by several sheets keeps its best claim.
    let mut keep: Vec<Located> = Vec::new();
    for l in found {
        if t.tables[l.spec].multiple {
            keep.push(l);
            continue;
        }
        match keep.iter_mut().find(|k| k.spec == l.spec) {
            Some(k) if l.score > k.score => *k = l,
            Some(_) => {}
            None => keep.push(l),
        }
    }
    keep.sort_by_key(|l| (l.spec, l.sheet));
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_short_sentences_are_not() {
        let t = |s: &str, a: &str| {
            let (s, a) = (norm(s), norm(a));
            TitleCell::new(0, 0, &s).score(&Alias::new(&a)) >= 1000
        };
        assert!(t(
            "2024年区直部门整体支出绩效目标申报表",
            "部门整体支出绩效目标申报表"
        ));
        assert!(t("表 12-1.部门项目支出绩效目标表", "项目支出绩效目标表"));
        assert!(!t(
            "1. 本表金额单位为万元，项目支出绩效目标表为元，请按说明填写。",
            "项目支出绩效目标表"
        ));
    }

    #[test]
    fn older_titles_with_budget_inserted() {
        let t = |s: &str, a: &str| {
            let (s, a) = (norm(s), norm(a));
            (900..1000).contains(&TitleCell::new(0, 0, &s).score(&Alias::new(&a)))
        };
        assert!(t("2023年一般公共预算支出预算表", "一般公共预算支出表"));
        assert!(t(
            "一般公共预算“三公”经费支出预算表",
            "一般公共预算三公经费支出表"
        ));
        assert!(t("项目支出预算表", "项目支出表"));
        assert!(t("2023年部门支出预算总表", "部门支出总表"));
        assert!(!t("一般公共预算基本支出预算表", "一般公共预算支出表"));
        assert!(!t("项目支出绩效目标表", "项目支出表"));
    }

    #[test]
    fn sheet_numbers() {
        assert_eq!(sheet_number("表1").as_deref(), Some("1"));
        assert_eq!(sheet_number("表5-1").as_deref(), Some("5-1"));
        assert_eq!(sheet_number("表 12-2").as_deref(), Some("12-2"));
        assert_eq!(sheet_number("表一").as_deref(), Some("1"));
        assert_eq!(sheet_number("表十二").as_deref(), Some("12"));
        assert_eq!(sheet_number("公开01表").as_deref(), Some("1"));
        assert_eq!(sheet_number("公开05-1表").as_deref(), Some("5-1"));
        assert_eq!(sheet_number("1.收支总表").as_deref(), Some("1"));
        assert_eq!(sheet_number("封面"), None);
        assert_eq!(sheet_number("Sheet1"), None);
    }
}
