//! Rules between tables (表间勾稽).

use super::finding::{Checker, Relation, Term};
use super::names::{header, row_label};
use super::names::{named, table_name};
use crate::model::{Budget, CodedRow, CodedTable, Form, FormValue, LinesTable, TableId};
use crate::template::Side;
use crate::text::norm;

fn line<'a>(t: &'a LinesTable, side: Side, key: &str) -> Option<Term<'a>> {
    t.line(side, key).map(|l| {
        Term::new(
            format!("{} {}", table_name(t.meta.id), l.label.trim()),
            &l.amount,
            t.meta.unit,
        )
    })
}

/// A cell of table `id` (`t3`), labelled as the budget numbers the table.
pub(super) fn cell<'a>(
    id: TableId,
    t: &'a CodedTable,
    r: &'a CodedRow,
    key: &str,
) -> Option<Term<'a>> {
    r.amount(key).map(|a| {
        Term::new(
            format!(
                "{} {}（{}）",
                table_name(id),
                row_label(r),
                header(&t.meta, key)
            ),
            a,
            t.meta.unit,
        )
    })
}

fn total<'a>(id: TableId, t: &'a CodedTable, key: &str) -> Option<Term<'a>> {
    t.total.as_ref().and_then(|r| cell(id, t, r, key))
}

/// Class lines of a side-by-side table against the 类 rows of coded tables:
/// each line = the sum of those rows (absent rows are zero), and a class
/// present in a table but missing from the lines is reported too.
fn class_lines(
    c: &mut Checker,
    rule: &'static str,
    lines: &LinesTable,
    tables: &[(TableId, &CodedTable)],
    what: &str,
) {
    let id = lines.meta.id;
    for l in lines.expense.iter().filter(|l| l.class_code.is_some()) {
        let code = l.class_code.as_deref().unwrap_or_default();
        let right: Vec<Term> = tables
            .iter()
            .filter_map(|(name, t)| {
                t.row(code)
                    .filter(|r| r.depth == 1)
                    .and_then(|r| cell(*name, t, r, "total"))
            })
            .collect();
        let left = Term::new(
            format!("{} {}", table_name(id), l.label.trim()),
            &l.amount,
            lines.meta.unit,
        );
        c.compare(
            rule,
            id,
            &format!("{what}（{code}）"),
            &[left],
            &right,
            Relation::Equal,
        );
    }
    for (name, t) in tables {
        for r in t.rows.iter().filter(|r| r.depth == 1) {
            let code = r.code.as_deref().unwrap_or_default();
            let listed = lines
                .expense
                .iter()
                .any(|l| l.class_code.as_deref() == Some(code));
            if !listed {
                if let Some(term) = cell(*name, t, r, "total") {
                    c.compare(
                        rule,
                        id,
                        &format!("{what}：{} 没有 {} 这一类", table_name(id), row_label(r)),
                        &[],
                        &[term],
                        Relation::Equal,
                    );
                }
            }
        }
    }
}

/// A 表11 funds line's current-year amount, by its template key.
fn funds_line<'a>(f: &'a Form, key: &str) -> Option<Term<'a>> {
    let row = f.blocks("funds").next()?.line(key)?;
    let a = row.get("current").and_then(FormValue::as_amount)?;
    let label = row.get("label").and_then(FormValue::as_text).unwrap_or(key);
    Some(Term::new(
        format!("{} 当年{label}", table_name(TableId::T11)),
        a,
        f.meta.unit,
    ))
}

/// The 表10 project row of a 表12 form: by code when the form has one, else
/// by name — the same name, else the one sharing the longest run of
/// characters (at least four) with it; forms and 表10 often word a name
/// differently (“硚口企业加油站”系列… / “企业加油站”系列…).
/// How a 表12 form found its 表10 row.
pub(super) enum ProjectMatch<'a> {
    Found(&'a CodedRow),
    /// Several projects of that name, and the form's 项目执行单位 does not
    /// tell them apart: their units.
    Ambiguous(Vec<String>),
    None,
}

/// The unit that runs a 表10 project: its 项目单位 column, else the 单位
/// row above it.
pub(super) fn unit_of(t10: &CodedTable, row: &CodedRow) -> String {
    if let Some(u) = row.texts.get("unit_name") {
        return u.clone();
    }
    let mut parent = row.parent.as_deref();
    while let Some(code) = parent {
        let Some(p) = t10.rows.iter().find(|r| r.code.as_deref() == Some(code)) else {
            break;
        };
        if p.level.as_deref() == Some("单位") {
            return p.name.clone();
        }
        parent = p.parent.as_deref();
    }
    String::new()
}

/// The 表10 row of a 表12 form: by code; else by name, and among projects
/// of the same name (each school its own 学生资助项目) by the form's
/// 项目执行单位 against the row's unit; else the one name most alike.
pub(super) fn project_row<'a>(t10: &'a CodedTable, f: &Form) -> ProjectMatch<'a> {
    let projects: Vec<&CodedRow> = t10
        .rows
        .iter()
        .filter(|r| r.level.as_deref() == Some("项目"))
        .collect();
    if let Some(code) = f.field_text("project_code") {
        return projects
            .into_iter()
            .find(|r| r.code.as_deref() == Some(code.trim()))
            .map_or(ProjectMatch::None, ProjectMatch::Found);
    }
    let Some(name) = f.field_text("project_name").map(norm) else {
        return ProjectMatch::None;
    };
    let same: Vec<&CodedRow> = projects
        .iter()
        .copied()
        .filter(|r| norm(&r.name) == name)
        .collect();
    match same.len() {
        1 => return ProjectMatch::Found(same[0]),
        0 => {}
        _ => {
            let executor = f.field_text("executor").map(norm).unwrap_or_default();
            let scored: Vec<(usize, &CodedRow)> = same
                .iter()
                .map(|r| (longest_common_run(&executor, &norm(&unit_of(t10, r))), *r))
                .collect();
            let top = scored.iter().map(|(n, _)| *n).max().unwrap_or(0);
            let best: Vec<&CodedRow> = scored
                .iter()
                .filter(|(n, _)| *n == top && top >= 2)
                .map(|(_, r)| *r)
                .collect();
            return match best.as_slice() {
                [one] => ProjectMatch::Found(one),
                _ => ProjectMatch::Ambiguous(same.iter().map(|r| unit_of(t10, r)).collect()),
            };
        }
    }
    let mut best: Option<(usize, &CodedRow)> = None;
    let mut tie = false;
    for r in projects {
        let n = longest_common_run(&name, &norm(&r.name));
        match best {
            Some((b, _)) if n == b => tie = true,
            Some((b, _)) if n < b => {}
            _ => {
                best = Some((n, r));
                tie = false;
            }
        }
    }
    best.filter(|(n, _)| *n >= 4 && !tie)
        .map_or(ProjectMatch::None, |(_, r)| ProjectMatch::Found(r))
}

fn longest_common_run(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut best = 0;
    let mut prev = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        let mut cur = vec![0usize; b.len() + 1];
        for j in 1..=b.len() {
            if a[i - 1] == b[j - 1] {
                cur[j] = prev[j - 1] + 1;
                best = best.max(cur[j]);
            }
        }
        prev = cur;
    }
    best
}

/// Where a figure of a comparison is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fig {
    /// A line of a side-by-side table (表1, 表4), by its key.
    Line(TableId, Side, &'static str),
    /// A column of a coded table's 合计 row, by its key.
    Total(TableId, &'static str),
    /// A line of 表11 资金情况, its 当年 column, by its key.
    Funds(&'static str),
}

impl Fig {
    /// The table it is read from.
    pub fn table(&self) -> TableId {
        match self {
            Fig::Line(t, _, _) | Fig::Total(t, _) => *t,
            Fig::Funds(_) => TableId::T11,
        }
    }
}

/// A figure of a rule's pair, labelled as the budget's tables are named;
/// `None` when its table, line or column is not there.
pub(super) fn figure<'a>(b: &'a Budget, f: &Fig) -> Option<Term<'a>> {
    let t = &b.tables;
    match *f {
        Fig::Line(id, side, key) => line(t.lines(id)?, side, key),
        Fig::Total(id, key) => total(id, t.coded(id)?, key),
        Fig::Funds(key) => funds_line(t.t11.as_ref()?, key),
    }
}

/// `X.t1_t3_class`: each 表1 class line against 表3's row of that 类.
pub(super) fn t1_t3_class(b: &Budget, c: &mut Checker) {
    let t = &b.tables;
    if let (Some(t1), Some(t3)) = (&t.t1, &t.t3) {
        class_lines(
            c,
            "X.t1_t3_class",
            t1,
            &[(TableId::T3, t3)],
            &named("表1 该类支出 = 表3 该类合计"),
        );
    }
}

/// `X.t4_class`: each 表4 class line against 表5-1 + 表8 + 表9 of that 类.
pub(super) fn t4_class(b: &Budget, c: &mut Checker) {
    let t = &b.tables;
    let Some(t4) = &t.t4 else { return };
    let mut tables: Vec<(TableId, &CodedTable)> = Vec::new();
    tables.extend(t.t5_1.as_ref().map(|x| (TableId::T5_1, x)));
    tables.extend(t.t8.as_ref().map(|x| (TableId::T8, x)));
    tables.extend(t.t9.as_ref().map(|x| (TableId::T9, x)));
    if !tables.is_empty() {
        class_lines(
            c,
            "X.t4_class",
            t4,
            &tables,
            &named("表4 该类支出 = 表5-1 + 表8 + 表9 该类合计"),
        );
    }
}

/// `X.t3_t5`: for each code, 表5-1 合计 ≤ 表3 合计.
pub(super) fn t3_t5(b: &Budget, c: &mut Checker) {
    let t = &b.tables;
    let (Some(t3), Some(t5)) = (&t.t3, &t.t5_1) else {
        return;
    };
    for r in t5.rows.iter().filter(|r| r.code.is_some()) {
        let Some(left) = cell(TableId::T5_1, t5, r, "total") else {
            continue;
        };
        let right: Vec<Term> = r
            .code
            .as_deref()
            .and_then(|code| t3.row(code))
            .and_then(|r3| cell(TableId::T3, t3, r3, "total"))
            .into_iter()
            .collect();
        c.compare(
            "X.t3_t5",
            TableId::T3,
            &named("同一科目：表5-1 合计 ≤ 表3 合计"),
            &[left],
            &right,
            Relation::AtMost,
        );
    }
}

/// `X.t12_t10`: each 表12 form's 项目当年预算 against its 表10 project; a
/// project filled in twice is named.
pub(super) fn t12_t10(b: &Budget, c: &mut Checker) {
    let t = &b.tables;
    let Some(t10) = &t.t10 else { return };
    // Forms matched to each 表10 project, to name a project filled in twice.
    let mut forms_of: Vec<(&CodedRow, Vec<&Form>)> = Vec::new();
    for f in &t.t12 {
        let Some(year) = f.fields.get("year_budget").and_then(FormValue::as_amount) else {
            continue;
        };
        let name = f.field_text("project_name").unwrap_or(&f.meta.sheet);
        let (t12_name, t10_name) = (table_name(TableId::T12), table_name(TableId::T10));
        let left = Term::new(
            format!("{t12_name}「{name}」项目当年预算"),
            year,
            f.meta.unit,
        );
        let found = match project_row(t10, f) {
            ProjectMatch::Found(r) => {
                match forms_of.iter_mut().find(|(row, _)| std::ptr::eq(*row, r)) {
                    Some((_, forms)) => forms.push(f),
                    None => forms_of.push((r, vec![f])),
                }
                cell(TableId::T10, t10, r, "total").ok_or_else(String::new)
            }
            ProjectMatch::Ambiguous(units) => Err(format!(
                "{t12_name}「{name}」在{t10_name}中有 {} 个同名项目（单位：{}），项目执行单位不能区分，未能核对项目当年预算",
                units.len(),
                units.join("、")
            )),
            ProjectMatch::None => Err(String::new()),
        };
        match found {
            Ok(right) => c.compare("X.t12_t10", TableId::T12, &named("表12 项目当年预算 = 表10 该项目合计"), &[left], &[right], Relation::Equal),
            Err(why) => c.note(
                "X.t12_t10",
                crate::model::Severity::Warning,
                TableId::T12,
                if why.is_empty() {
                    format!("{t12_name}「{name}」在{t10_name}中找不到同一项目（按编码、名称），未能核对项目当年预算")
                } else {
                    why
                },
                vec![year.cell.clone()],
            ),
        }
    }
    for (row, forms) in forms_of.iter().filter(|(_, forms)| forms.len() > 1) {
        duplicate_forms(c, row, forms);
    }
}

/// `X.t7_t6`: 表7's 三公 items at least 表6's 经济科目 of each.
pub(super) fn t7_t6(b: &Budget, c: &mut Checker) {
    let t = &b.tables;
    if let (Some(t7), Some(t6)) = (&t.t7, &t.t6) {
        for (k7, code) in [
            ("reception", "30217"),
            ("abroad", "30212"),
            ("car_running", "30231"),
        ] {
            let Some(a) = t7.amounts.get(k7) else {
                continue;
            };
            let right: Vec<Term> = t6
                .row(code)
                .and_then(|r| cell(TableId::T6, t6, r, "total"))
                .into_iter()
                .collect();
            if right.is_empty() {
                continue;
            }
            let left = Term::new(
                format!("{} {}", table_name(TableId::T7), header(&t7.meta, k7)),
                a,
                t7.meta.unit,
            );
            c.compare(
                "X.t7_t6",
                TableId::T7,
                &format!(
                    "{} {} ≥ {} {code}（三公经费含项目支出）",
                    table_name(TableId::T7),
                    header(&t7.meta, k7),
                    table_name(TableId::T6)
                ),
                &[left],
                &right,
                Relation::AtLeast,
            );
        }
    }
}

/// Several 表12 forms for one 表10 project: each may agree with 表10, yet
/// the project was filled in twice (a copied sheet, an old version kept), and
/// a reader of the published forms counts it twice.
fn duplicate_forms(c: &mut Checker, row: &CodedRow, forms: &[&Form]) {
    let sheets: Vec<&str> = forms.iter().map(|f| &*f.meta.sheet).collect();
    let what = match &row.code {
        Some(code) => format!("{code} {}", row.name.trim()),
        None => row.name.trim().to_string(),
    };
    // Each form's 项目当年预算 (only forms that have one were matched).
    let mut cells: Vec<_> = forms
        .iter()
        .filter_map(|f| f.fields.get("year_budget").and_then(FormValue::as_amount))
        .map(|a| a.cell.clone())
        .collect();
    cells.push(row.cell.clone());
    c.note(
        "X.t12_t10",
        crate::model::Severity::Warning,
        TableId::T12,
        format!(
            "{} 张{}（工作表 {}）对应{} 同一项目「{what}」（{}），项目可能重复填报",
            forms.len(),
            table_name(TableId::T12),
            sheets.join("、"),
            table_name(TableId::T10),
            row.cell
        ),
        cells,
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_runs() {
        assert_eq!(
            super::longest_common_run(
                "硚口企业加油站系列政企、企企主题活动",
                "企业加油站系列政企、企企主题活动"
            ),
            16
        );
        assert_eq!(super::longest_common_run("abc", "xyz"), 0);
    }
}
