//! What a workbook is, decided before any rule runs. A budget is read and
//! checked; another document is refused with what it is and why, so that
//! no reviewer reads findings about tables it never had:
//!
//! - final accounts (部门决算 / 单位决算): sheets titled as 决算 tables
//!   (`收入支出决算总表`, `财政拨款收入支出决算总表` …) or coded as such
//!   (`财决01表`), outnumbering the budget tables found by their titles;
//! - a blank template: tables found, not one amount filled in;
//! - a workbook of another kind: no budget table at all, or tables taken
//!   by their sheet numbers (`表1`) whose headers are none of a budget's.

use super::locate::{Located, TITLE_ROWS};
use crate::model::{Level, TableId, Tables};
use crate::text::norm;
use crate::workbook::Workbook;

/// A 决算 table's title: short, names 决算, ends as a title does.
fn final_accounts_title(text: &str) -> bool {
    let n = text.chars().count();
    text.contains("决算")
        && (4..=40).contains(&n)
        && (text.ends_with('表') || text.ends_with("决算"))
}

/// `2023年度部门决算` → `部门决算`: a title without its year in front.
fn without_year(text: &str) -> &str {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits != 4 {
        return text;
    }
    let rest = &text[4..];
    rest.strip_prefix("年度")
        .or_else(|| rest.strip_prefix('年'))
        .unwrap_or(text)
}

/// A final-accounts workbook: its level (部门决算 or 单位决算) and the
/// titles of its 决算 tables, in sheet order; `None` when the workbook's
/// budget tables (found by title, `budget_titled`) are as many or more.
pub fn final_accounts(wb: &Workbook, budget_titled: usize) -> Option<(Level, Vec<String>)> {
    let mut titles = Vec::new();
    let mut unit_words = (0usize, 0usize);
    for sheet in wb.sheets.iter().filter(|s| !s.hidden) {
        let name = norm(&sheet.name);
        let coded = name.starts_with("财决") || name.contains("决算");
        let mut title = None;
        for r in 0..TITLE_ROWS.min(sheet.height()) {
            for c in 0..sheet.row(r).len() as u32 {
                let t = sheet.norm_at(r, c);
                if t.contains("单位决算") {
                    unit_words.1 += 1;
                } else if t.contains("部门决算") {
                    unit_words.0 += 1;
                }
                if title.is_none() && final_accounts_title(t) {
                    title = Some(without_year(t).to_string());
                }
            }
        }
        match title {
            Some(t) => titles.push(t),
            None if coded => titles.push(sheet.name.trim().to_string()),
            None => {}
        }
    }
    if titles.len() < 2 || titles.len() <= budget_titled {
        return None;
    }
    let level = if unit_words.1 > unit_words.0 {
        Level::Unit
    } else {
        Level::Department
    };
    Some((level, titles))
}

/// The sentence a final-accounts workbook is refused with.
pub fn final_accounts_sentence(level: Level, titles: &[String]) -> String {
    let first = titles.first().map_or("", String::as_str);
    format!(
        "这是{}决算（{first} 等 {} 张表），不是{}；yusuan 目前只读预算",
        level.word(),
        titles.len(),
        level.budget()
    )
}

/// Budget tables found by their titles (not only by a sheet's number or
/// name): how much of the workbook is a budget.
pub fn titled(located: &[Located]) -> usize {
    let mut specs: Vec<usize> = located
        .iter()
        .filter(|l| l.title.is_some())
        .map(|l| l.spec)
        .collect();
    specs.sort_unstable();
    specs.dedup();
    specs.len()
}

/// Amount cells that hold something (a number, a text number, a dash):
/// none in every table read is a blank template.
pub fn filled_amounts(t: &Tables) -> usize {
    use crate::amount::CellForm;
    use crate::model::{Amount, FormValue};
    let filled = |a: &Amount| usize::from(a.form != CellForm::Blank);
    let mut n = 0;
    for id in TableId::CODED {
        if let Some(c) = t.coded(id) {
            for r in c.total.iter().chain(&c.rows) {
                n += r
                    .amounts
                    .values()
                    .chain(r.extras.values())
                    .map(filled)
                    .sum::<usize>();
            }
        }
    }
    for id in TableId::LINES {
        if let Some(l) = t.lines(id) {
            for line in l.income.iter().chain(&l.expense) {
                n += filled(&line.amount) + line.extras.values().map(filled).sum::<usize>();
            }
        }
    }
    if let Some(s) = &t.t7 {
        n += s
            .amounts
            .values()
            .chain(s.extras.values())
            .map(filled)
            .sum::<usize>();
    }
    let value = |v: &FormValue| match v {
        FormValue::Amount(a) => filled(a),
        FormValue::Percent { .. } => 1,
        FormValue::Text(_) => 0,
    };
    for f in t.t11.iter().chain(&t.t12) {
        n += f.fields.values().map(value).sum::<usize>();
        for b in &f.blocks {
            n += b
                .rows
                .iter()
                .flat_map(|r| r.values())
                .map(value)
                .sum::<usize>();
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_accounts_titles() {
        assert!(final_accounts_title("收入支出决算总表"));
        assert!(final_accounts_title("2023年度部门决算"));
        assert!(!final_accounts_title("收支总表"));
        assert!(!final_accounts_title(
            "本表反映部门本年度的总收支和年末结转结余情况，决算数据以财政部门批复为准"
        ));
        assert_eq!(without_year("2023年度收入支出决算总表"), "收入支出决算总表");
        assert_eq!(without_year("2023年收入决算表"), "收入决算表");
        assert_eq!(without_year("收入决算表"), "收入决算表");
    }
}
