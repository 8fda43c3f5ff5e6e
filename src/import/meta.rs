//! The budget year and the department, from titles, notes, the
//! `部门/单位：` line and the unit tables.

use std::collections::BTreeMap;

use super::locate::{Located, TITLE_ROWS};
use crate::model::{Budget, BudgetUnit, Diagnostic, Level, OrgUnit, Severity};
use crate::template::Template;
use crate::text::{clean, norm, years_in};
use crate::workbook::{CellRef, CellValue, Workbook};

/// Texts of the title rows of every located sheet, with their cells.
fn title_texts<'a>(wb: &'a Workbook, located: &[Located]) -> Vec<(String, CellRef, &'a CellValue)> {
    let mut out = Vec::new();
    for l in located {
        let sheet = &wb.sheets[l.sheet];
        for r in 0..TITLE_ROWS.min(sheet.height()) {
            for (c, cell) in sheet.row(r).iter().enumerate() {
                if let CellValue::Text(s) = cell {
                    if !s.trim().is_empty() {
                        out.push((s.clone(), sheet.cell_ref(r, c as u32), cell));
                    }
                }
            }
        }
    }
    out
}

/// Every character whose NFKC holds `:` (checked in the tests): a text
/// without one has no label to look for.
const COLONS: [char; 5] = [':', '：', '\u{FE55}', '\u{FE13}', '\u{2A74}'];

/// The department name after a `部门/单位：` label, in the same cell or the next.
fn department_name(
    wb: &Workbook,
    t: &Template,
    texts: &[(String, CellRef, &CellValue)],
) -> Option<(String, CellRef)> {
    let labels = &t.department_labels;
    let mut votes: BTreeMap<String, (usize, CellRef)> = BTreeMap::new();
    for (text, cell, _) in texts {
        // A label ends with a colon (every character NFKC makes one).
        if !text.contains(COLONS) {
            continue;
        }
        let n = norm(text);
        let labelled = labels.iter().any(|l| {
            n.strip_prefix(l.as_str())
                .is_some_and(|rest| rest.starts_with(':'))
        });
        if !labelled {
            continue;
        }
        // Skip the label in the original text: up to the first colon.
        let after = text
            .split_once([':', '：'])
            .map(|(_, rest)| rest)
            .unwrap_or("");
        // `部门/单位：X 单位：万元` in one cell.
        let name_part = match after.find("单位") {
            Some(i) if after[i..].contains(['：', ':']) => &after[..i],
            _ => after,
        };
        let mut name = clean(name_part);
        let mut at = cell.clone();
        if name.is_empty() {
            let sheet = wb.sheets.iter().find(|s| s.name == cell.sheet)?;
            let next = (cell.col + 1..sheet.row(cell.row).len() as u32)
                .find(|&c| !sheet.get(cell.row, c).is_empty());
            // The next filled cell, unless it is the unit line (`单位：元`
            // beside an empty `编制部门：` on a blank template).
            let next = next.filter(|&c| {
                crate::amount::Unit::declared_in(&sheet.get(cell.row, c).as_text()).is_none()
            });
            if let Some(c) = next {
                name = clean(&sheet.get(cell.row, c).as_text());
                at = sheet.cell_ref(cell.row, c);
            }
        }
        // `单位：万元` alone is the unit line, not a department.
        if !name.is_empty() && crate::amount::Unit::from_label(&name).is_none() {
            votes.entry(name).or_insert((0, at)).0 += 1;
        }
    }
    votes
        .into_iter()
        .max_by_key(|(_, (n, _))| *n)
        .map(|(name, (_, cell))| (name, cell))
}

/// The year the title rows of the visible sheets name most often (a cell
/// that is only a year, a column header, does not count).
pub fn title_year(wb: &Workbook) -> Option<i32> {
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    for sheet in wb.sheets.iter().filter(|s| !s.hidden) {
        for r in 0..TITLE_ROWS.min(sheet.height()) {
            for (c, cell) in sheet.row(r).iter().enumerate() {
                if let CellValue::Text(s) = cell {
                    if crate::text::year_label(sheet.norm_at(r, c as u32)).is_none() {
                        for y in years_in(s) {
                            *years.entry(y).or_default() += 1;
                        }
                    }
                }
            }
        }
    }
    years
        .into_iter()
        .max_by_key(|(y, n)| (*n, *y))
        .map(|(y, _)| y)
}

pub fn settle(
    budget: &mut Budget,
    wb: &Workbook,
    t: &Template,
    located: &[Located],
    year_given: Option<i32>,
) {
    let texts = title_texts(wb, located);

    // Year: --year, else the most frequent year in titles and notes.
    let mut years: BTreeMap<i32, (usize, String)> = BTreeMap::new();
    for (text, cell, _) in &texts {
        // A cell that is only a year (`2022年`) is a column header or a field
        // value (表11's past years, 表12's 起始年度), not a title.
        let named = years_in(text);
        if named.is_empty() || crate::text::year_label(&norm(text)).is_some() {
            continue;
        }
        for y in named {
            years.entry(y).or_insert((0, cell.to_string())).0 += 1;
        }
    }
    for m in budget.tables.metas() {
        for n in &m.notes {
            for y in years_in(&n.text) {
                years.entry(y).or_insert((0, n.cell.to_string())).0 += 1;
            }
        }
    }
    if let Some(y) = year_given {
        budget.year = Some(y);
        budget.year_from = Some("--year".into());
        // Said, not silently overridden: the workbook names another year.
        if let Some((said, (_, from))) = years.iter().max_by_key(|(y, (n, _))| (*n, **y)) {
            if *said != y {
                budget.diagnostics.push(Diagnostic {
                    rule: "S.year",
                    severity: Severity::Warning,
                    table: None,
                    message: format!(
                        "--year 指定为 {y} 年，但工作簿的标题和备注写的是 {said} 年（{from}）；按 {y} 年处理，请核对"
                    ),
                    cells: vec![],
                });
            }
        }
    } else if let Some((y, (_, from))) = years.into_iter().max_by_key(|(y, (n, _))| (*n, *y)) {
        budget.year = Some(y);
        budget.year_from = Some(from);
    } else {
        budget.diagnostics.push(Diagnostic {
            rule: "S.year",
            severity: Severity::Warning,
            table: None,
            message: "工作簿的标题和备注中找不到预算年度，请用 --year 指定".into(),
            cells: vec![],
        });
    }

    // Department and units: 表2, else 表5-2, else 表10 rows; the name line as printed.
    let unit_table = t.identity_tables.iter().find_map(|id| {
        let by_unit = t
            .table(*id)
            .and_then(|spec| spec.levels.first())
            .is_some_and(|l| l.name == "部门");
        budget
            .tables
            .coded(*id)
            .filter(|table| by_unit && table.rows.iter().any(|r| r.depth == 1))
    });
    if let Some(table) = unit_table {
        if let Some(dept) = table.rows.iter().find(|r| r.depth == 1) {
            budget.department.code = dept.code.clone();
            budget.department.name = Some(dept.name.clone());
            budget.department.name_cell = Some(dept.cell.clone());
        }
        budget.units = table
            .rows
            .iter()
            .filter(|r| r.depth == 2)
            .filter_map(|r| {
                Some(OrgUnit {
                    code: r.code.clone()?,
                    name: r.name.clone(),
                })
            })
            .collect();
    }
    if let Some((name, cell)) = department_name(wb, t, &texts) {
        budget.department.name = Some(name);
        budget.department.name_cell = Some(cell);
    }

    one_budget(budget, wb, t, located);

    // 部门预算 or 单位预算; a 单位预算 names its unit.
    if let Some((level, from)) = level(wb, located) {
        budget.level = level;
        budget.level_from = Some(from.to_string());
    }
    if budget.level == Level::Unit {
        let listed = (budget.units.len() == 1).then(|| &budget.units[0]);
        budget.budget_unit = Some(BudgetUnit {
            code: listed.map(|u| u.code.clone()),
            name: budget
                .department
                .name_cell
                .is_some()
                .then(|| budget.department.name.clone())
                .flatten()
                .or_else(|| listed.map(|u| u.name.clone())),
        });
    }
}

/// `S.one_budget`: every table's title names the workbook's year, and every
/// sheet's `部门/单位：` line its department. A sheet copied from last
/// year's workbook, or from another department's, is found even when the
/// other sheets outvote it. A name that contains the other (`文化和旅游局`
/// on one sheet, `武汉市硚口区文化和旅游局` on another) is the same
/// department written shorter. With `--year` the titles are already said
/// by `S.year`.
fn one_budget(budget: &mut Budget, wb: &Workbook, t: &Template, located: &[Located]) {
    let year = budget
        .year
        .filter(|_| budget.year_from.as_deref() != Some("--year"));
    let dept = budget
        .department
        .name_cell
        .is_some()
        .then(|| budget.department.name.as_deref().map(norm))
        .flatten();
    for l in located {
        let table = &t.tables[l.spec];
        let number = &table.number;
        if let (Some(y), Some((title, cell))) = (year, &l.title) {
            let named = years_in(title);
            if !named.is_empty() && !named.contains(&y) {
                budget.diagnostics.push(Diagnostic {
                    rule: "S.one_budget",
                    severity: Severity::Error,
                    table: Some(table.id),
                    message: format!(
                        "表{number} 的标题“{}”写的是 {} 年，工作簿是 {y} 年的预算：这张表可能是从别的年度的工作簿复制来的，请核对其中的数字和标题",
                        clean(title),
                        named.iter().map(ToString::to_string).collect::<Vec<_>>().join("、"),
                    ),
                    cells: vec![cell.clone()],
                });
            }
        }
        let Some(dept) = &dept else { continue };
        let texts = title_texts(wb, std::slice::from_ref(l));
        if let Some((name, cell)) = department_name(wb, t, &texts) {
            let n = norm(&name);
            if !n.contains(dept.as_str()) && !dept.contains(n.as_str()) {
                budget.diagnostics.push(Diagnostic {
                    rule: "S.one_budget",
                    severity: Severity::Error,
                    table: Some(table.id),
                    message: format!(
                        "表{number} 的编制单位写的是“{name}”，工作簿的其他表写的是“{}”：这张表可能是从别的部门的工作簿复制来的，请核对",
                        budget.department.name.as_deref().unwrap_or_default()
                    ),
                    cells: vec![cell],
                });
            }
        }
    }
}

/// The level a text says, and how strongly: a title that begins with it
/// (`2026年部门财务收支预算总表`, `2026年预算单位收入预算总表`), a label
/// (`编制部门：`, `预算单位：`), or the cover and notes
/// (`区级部门预算`, `单位预算编制说明`).
fn level_said(text: &str, title: bool) -> Option<Level> {
    let t = norm(text);
    // A year in front of a title does not count.
    let bare = match t.find('年') {
        Some(i) if i == 4 && t[..4].bytes().all(|b| b.is_ascii_digit()) => {
            &t[i + '年'.len_utf8()..]
        }
        _ => t.as_str(),
    };
    let before_colon = t.split(':').next().filter(|_| t.contains(':'));
    // `编制单位：` says who compiled the tables, which a department's own
    // budget says as often as a unit's: not the level.
    match before_colon {
        Some("编制部门" | "预算主管部门" | "主管部门") => {
            return Some(Level::Department)
        }
        Some("预算单位") => return Some(Level::Unit),
        Some(_) => return None,
        None => {}
    }
    if title {
        if bare.starts_with("单位") || bare.starts_with("预算单位") {
            return Some(Level::Unit);
        }
        if bare.starts_with("部门") {
            return Some(Level::Department);
        }
        return None;
    }
    // `部门预算经济分类` is a classification, not the level.
    let said = |w: &str| {
        t.match_indices(w)
            .any(|(i, _)| !t[i..].starts_with("部门预算经济分类"))
    };
    match (said("部门预算"), said("单位预算")) {
        (true, false) => Some(Level::Department),
        (false, true) => Some(Level::Unit),
        _ => None,
    }
}

/// 部门预算 or 单位预算, as most of the workbook says it — the tables'
/// titles and 编制部门 / 编制单位 lines, the cover and the notes — with the
/// first cell that said it; none when nothing says it or as much says each.
fn level(wb: &Workbook, located: &[Located]) -> Option<(Level, CellRef)> {
    let mut votes: [(usize, Option<CellRef>); 2] = [(0, None), (0, None)];
    for (i, sheet) in wb.sheets.iter().enumerate().filter(|(_, s)| !s.hidden) {
        let table = located.iter().find(|l| l.sheet == i);
        for r in 0..TITLE_ROWS.min(sheet.height()) {
            for (c, cell) in sheet.row(r).iter().enumerate() {
                let CellValue::Text(text) = cell else {
                    continue;
                };
                let at = sheet.cell_ref(r, c as u32);
                let title = table
                    .and_then(|l| l.title.as_ref())
                    .is_some_and(|(_, cell)| *cell == at);
                // A table's other cells say it only by a label.
                let said = if table.is_some() && !title {
                    level_said(text, false).filter(|_| text.contains(COLONS))
                } else {
                    level_said(text, title)
                };
                if let Some(l) = said {
                    let v = &mut votes[l as usize];
                    v.0 += 1;
                    v.1.get_or_insert(at);
                }
            }
        }
    }
    let [(d, dept_at), (u, unit_at)] = votes;
    match d.cmp(&u) {
        std::cmp::Ordering::Greater => dept_at.map(|c| (Level::Department, c)),
        std::cmp::Ordering::Less => unit_at.map(|c| (Level::Unit, c)),
        std::cmp::Ordering::Equal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The label search looks for these before normalizing: they must be
    /// every character NFKC makes into `:`.
    #[test]
    fn the_colons_are_all_that_nfkc_makes_a_colon() {
        let mut want = COLONS.to_vec();
        want.sort_unstable();
        assert_eq!(crate::text::nfkc_makes(':'), want);
    }
}
