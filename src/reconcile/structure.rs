//! Structure rules (格式) and the importer's own notes.

use std::collections::BTreeMap;

use super::finding::{Checker, Subject};
use super::names::table_name;
use crate::amount::CellForm;
use crate::model::{Budget, CodedTable, Severity, TableId};

/// The importer's diagnostics (S.missing_table, S.unit, S.year, I.*) as findings.
pub fn from_import(b: &Budget, c: &mut Checker) {
    for d in &b.diagnostics {
        c.note(
            d.rule,
            d.severity,
            d.table.map_or(Subject::Workbook, Subject::Table),
            d.message.clone(),
            d.cells.clone(),
        );
    }
}

fn coded_tables(b: &Budget) -> Vec<(TableId, &CodedTable)> {
    TableId::CODED
        .into_iter()
        .filter_map(|id| Some((id, b.tables.coded(id)?)))
        .collect()
}

pub fn check(b: &Budget, c: &mut Checker) {
    for (id, t) in coded_tables(b) {
        let name = table_name(id);
        let positional = id == TableId::T10;
        // A set: a table of tens of thousands of rows asks it for every row.
        let codes: std::collections::HashSet<&str> =
            t.rows.iter().filter_map(|r| r.code.as_deref()).collect();
        let mut seen: BTreeMap<(Option<&str>, &str), &crate::workbook::CellRef> = BTreeMap::new();
        for r in &t.rows {
            let Some(code) = r.code.as_deref() else {
                continue;
            };
            if r.depth == 0 {
                c.note(
                    "S.code_format",
                    Severity::Error,
                    id,
                    format!("{name} 编码“{code}”（{}）的位数不符合任何层级", r.name),
                    vec![r.cell.clone()],
                );
            } else if !positional && !code.bytes().all(|x| x.is_ascii_digit()) {
                c.note(
                    "S.code_format",
                    Severity::Error,
                    id,
                    format!("{name} 编码“{code}”含非数字字符"),
                    vec![r.cell.clone()],
                );
            }
            if positional && r.depth == 2 {
                if let Some(dept) = &r.parent {
                    if !code.starts_with(dept.as_str()) {
                        c.note(
                            "S.code_format",
                            Severity::Error,
                            id,
                            format!("{name} 单位编码“{code}”不以所属部门编码“{dept}”开头"),
                            vec![r.cell.clone()],
                        );
                    }
                }
            }
            if !positional && r.depth > 1 {
                if let Some(p) = &r.parent {
                    if !codes.contains(p.as_str()) {
                        c.note(
                            "S.orphan",
                            Severity::Error,
                            id,
                            format!("{name} {code} {} 没有上级行 {p}", r.name),
                            vec![r.cell.clone()],
                        );
                    }
                }
            }
            // A category code (31) repeats under each unit in 表10.
            let scope = if positional {
                r.parent.as_deref()
            } else {
                None
            };
            if let Some(first) = seen.insert((scope, code), &r.cell) {
                c.note(
                    "S.duplicate",
                    Severity::Error,
                    id,
                    format!("{name} 编码“{code}”出现两次"),
                    vec![first.clone(), r.cell.clone()],
                );
            }
        }
        let text_cells: Vec<_> = t
            .total
            .iter()
            .chain(&t.rows)
            .flat_map(|r| r.amounts.values())
            .filter(|a| a.form == CellForm::Text)
            .map(|a| a.cell.clone())
            .collect();
        text_number(c, id, text_cells);
        empty_note(
            c,
            b,
            id,
            &t.meta,
            t.total
                .iter()
                .chain(&t.rows)
                .flat_map(|r| r.amounts.values())
                .all(|a| a.yuan.is_zero()),
        );
    }
    if let Some(t7) = &b.tables.t7 {
        empty_note(
            c,
            b,
            TableId::T7,
            &t7.meta,
            t7.amounts.values().all(|a| a.yuan.is_zero()),
        );
        text_number(
            c,
            TableId::T7,
            t7.amounts
                .values()
                .filter(|a| a.form == CellForm::Text)
                .map(|a| a.cell.clone())
                .collect(),
        );
    }
    for t in [&b.tables.t1, &b.tables.t4].into_iter().flatten() {
        let cells = t
            .income
            .iter()
            .chain(&t.expense)
            .filter(|l| l.amount.form == CellForm::Text)
            .map(|l| l.amount.cell.clone())
            .collect();
        text_number(c, t.meta.id, cells);
    }
}

fn text_number(c: &mut Checker, id: TableId, cells: Vec<crate::workbook::CellRef>) {
    if cells.is_empty() {
        return;
    }
    c.note(
        "S.text_number",
        Severity::Info,
        id,
        format!(
            "{} 有 {} 个金额以文本形式存放（已按数值读取），如 {}",
            table_name(id),
            cells.len(),
            cells[0]
        ),
        cells,
    );
}

/// A table whose amounts are all zero must say 本单位…无…; one with money must not.
fn empty_note(
    c: &mut Checker,
    b: &Budget,
    id: TableId,
    meta: &crate::model::TableMeta,
    all_zero: bool,
) {
    let note = meta.empty_note();
    if let Some(n) = note {
        note_names_its_table(c, b, id, n);
    }
    let at = meta.title.as_ref().map(|t| t.cell.clone());
    match (all_zero, note) {
        (true, None) => c.note(
            "X.empty_note",
            Severity::Warning,
            id,
            format!(
                "{} 没有数据（或金额全为零），但没有注明“本单位…无…预算”",
                table_name(id)
            ),
            at.into_iter().collect(),
        ),
        (false, Some(n)) => c.note(
            "X.empty_note",
            Severity::Warning,
            id,
            format!("{} 有非零金额，却注明“{}”", table_name(id), n.text),
            vec![n.cell.clone()],
        ),
        _ => {}
    }
}

/// What the 本单位…无… note of a table is about: the words that name it, so
/// a note copied onto the wrong table (`无政府性基金预算` on 表9) is found.
const NOTE_WORDS: [(TableId, &str); 3] = [
    (TableId::T7, "三公"),
    (TableId::T8, "政府性基金"),
    (TableId::T9, "国有资本经营"),
];

/// `X.empty_note`: a table's 本单位…无… note names that table and the
/// workbook's year — one copied from another table, or from last year's
/// workbook, says something the table does not.
fn note_names_its_table(c: &mut Checker, b: &Budget, id: TableId, n: &crate::model::Note) {
    let text = crate::text::norm(&n.text);
    // With --year the workbook's own years are already said by S.year.
    if let Some(year) = b.year.filter(|_| b.year_from.as_deref() != Some("--year")) {
        let named = crate::text::years_in(&n.text);
        if !named.is_empty() && !named.contains(&year) {
            c.note(
                "X.empty_note",
                Severity::Error,
                id,
                format!(
                    "{} 注明“{}”，写的是 {} 年，工作簿是 {year} 年的预算：请改为本年度的说明",
                    table_name(id),
                    n.text,
                    named[0]
                ),
                vec![n.cell.clone()],
            );
        }
    }
    let own = NOTE_WORDS.iter().find(|(t, _)| *t == id).map(|(_, w)| *w);
    let other = NOTE_WORDS
        .iter()
        .find(|(t, w)| *t != id && text.contains(w) && own.is_none_or(|o| !text.contains(o)));
    if let Some((t, w)) = other {
        c.note(
            "X.empty_note",
            Severity::Error,
            id,
            format!(
                "{} 注明“{}”，说的是{w}（{}）：这句说明应在 {}，本表应注明本表的内容",
                table_name(id),
                n.text,
                table_name(*t),
                table_name(*t)
            ),
            vec![n.cell.clone()],
        );
    }
}
