//! Coded tables (classification, unit, project rows) and the one-row 表7.

use std::collections::BTreeMap;

use super::ctx::Ctx;
use super::header::HeaderMatch;
use crate::model::{CodedRow, CodedTable, Diagnostic, Severity, SingleTable};
use crate::template::{ParentBy, Role};
use crate::text::{clean, norm};
use crate::workbook::CellValue;

/// Code text as written: digits and letters only, numbers without `.0`.
fn code_text(cell: &CellValue) -> String {
    norm(&cell.as_text())
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Splits `2011308 招商引资` / `2011308招商引资` into code and name.
fn code_in_name(name: &str) -> Option<(String, String)> {
    let n = norm(name);
    let code: String = n.chars().take_while(char::is_ascii_digit).collect();
    if code.len() < 3 {
        return None;
    }
    let rest = name.trim_start().trim_start_matches(|c: char| {
        c.is_ascii_digit() || c.is_whitespace() || "０１２３４５６７８９　".contains(c)
    });
    Some((code, clean(rest)))
}

/// The columns of a coded table, as its header placed them.
struct CodedCols<'k> {
    code: Option<u32>,
    name: Option<u32>,
    /// `2011308 招商引资` in one column.
    code_name: Option<u32>,
    /// 类 | 款 | 项 in separate columns.
    parts: Vec<u32>,
    amounts: Vec<(&'k str, u32)>,
    /// The template's amount columns with a key outside the canonical
    /// model (the bureau's extras): read into `extras` by that key.
    declared_extras: Vec<(&'k str, u32)>,
    texts: Vec<(&'k str, u32)>,
    /// Columns of figures the template does not know: read into `extras`
    /// by their header.
    undeclared: Vec<(u32, String)>,
}

impl<'k> CodedCols<'k> {
    fn of(ctx: &'k Ctx, hm: &HeaderMatch) -> CodedCols<'k> {
        let spec = ctx.spec;
        let col = |key: &str| hm.col(&spec.columns, key);
        let placed = |role: Role| {
            spec.columns
                .iter()
                .enumerate()
                .filter(move |(_, c)| c.role == role)
                .filter_map(|(i, c)| hm.cols[i].map(|col| (c.key.as_str(), col)))
        };
        let (amounts, declared_extras) = placed(Role::Amount)
            .partition(|(k, _)| crate::template::Template::is_canonical_column(spec.id, k));
        CodedCols {
            code: col("code"),
            name: col("name"),
            code_name: spec
                .columns
                .iter()
                .position(|c| c.role == Role::CodeName)
                .and_then(|i| hm.cols[i]),
            parts: placed(Role::CodePart).map(|(_, c)| c).collect(),
            amounts,
            declared_extras,
            texts: placed(Role::Text).collect(),
            undeclared: extra_columns(ctx, hm),
        }
    }

    /// Every column a row's label may stand in.
    fn labels(&self) -> impl Iterator<Item = u32> + '_ {
        self.code
            .iter()
            .chain(self.name.iter())
            .chain(self.parts.iter())
            .chain(self.code_name.iter())
            .copied()
    }
}

pub fn read(ctx: &Ctx, hm: &HeaderMatch, diags: &mut Vec<Diagnostic>) -> CodedTable {
    let sheet = ctx.sheet;
    let (unit, unit_cell) = ctx.unit(hm.last_row + 1, diags);
    let cols = CodedCols::of(ctx, hm);
    let mut total = None;
    let mut rows: Vec<CodedRow> = Vec::new();
    let mut last_parts: Vec<String> = vec![String::new(); cols.parts.len()];
    let mut levels = Levels::new(ctx.spec);
    let mut body = super::ctx::BodyRows::new(ctx, hm, false);
    for r in body.rows() {
        if !body.is_table_row(r) {
            continue;
        }
        let (code, name) = row_label(ctx, &cols, r, &mut last_parts);
        let amounts_present = cols
            .amounts
            .iter()
            .any(|(_, c)| !sheet.get(r, *c).is_empty());
        // A row of figures with no label, first in the table, is its total.
        let is_total = name == "合计" && code.is_empty()
            || code.is_empty()
                && name.is_empty()
                && amounts_present
                && total.is_none()
                && rows.is_empty();
        if code.is_empty() && !is_total {
            if name.is_empty() && !amounts_present {
                continue;
            }
            diags.push(no_code(ctx, &cols, r, &name));
            body.last_used = r;
            continue;
        }
        let (amounts, extras) = row_amounts(ctx, &cols, r, unit, diags);
        let texts = cols
            .texts
            .iter()
            .inspect(|(_, c)| ctx.take(r, *c))
            .map(|(k, c)| (k.to_string(), clean(&sheet.down(r, *c).as_text())))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let cell = sheet.cell_ref(r, label_col(sheet, &cols, r).unwrap_or(0));
        body.last_used = r;
        if is_total {
            total = Some(CodedRow {
                code: None,
                name: "合计".into(),
                level: None,
                depth: 0,
                parent: None,
                cell,
                texts,
                amounts,
                extras,
            });
            continue;
        }
        let (depth, level, parent) = levels.place(&code);
        rows.push(CodedRow {
            code: Some(code),
            name,
            level,
            depth,
            parent,
            cell,
            texts,
            amounts,
            extras,
        });
    }
    let mut meta = ctx.meta(Some(hm), body.last_used, unit, unit_cell, body.notes);
    meta.extra_columns = declared_extra_columns(hm, ctx, &cols.declared_extras);
    if !cols.undeclared.is_empty() {
        add_undeclared_columns(ctx, hm, &cols.undeclared, &mut meta, diags);
    }
    CodedTable { meta, total, rows }
}

/// A row's code and name, its label cells taken as read: the code from its
/// column, else joined from its parts, else split from a name that starts
/// with it; `合计` with no code when a label cell says total.
fn row_label(ctx: &Ctx, cols: &CodedCols, r: u32, last_parts: &mut [String]) -> (String, String) {
    let sheet = ctx.sheet;
    for c in cols.labels() {
        ctx.take(r, c);
    }
    let mut code = cols
        .code
        .map(|c| code_text(sheet.get(r, c)))
        .unwrap_or_default();
    let mut name = cols
        .name
        .map(|c| clean(&sheet.get(r, c).as_text()))
        .unwrap_or_default();
    if code.is_empty() && !cols.parts.is_empty() {
        code = joined_parts(sheet, r, &cols.parts, last_parts);
    }
    if code.is_empty() && name.is_empty() {
        // `2011308 招商引资` in one column; the split below finds the code.
        if let Some(c) = cols.code_name {
            name = clean(&sheet.get(r, c).as_text());
        }
    }
    // The 合计 label may stand in any label cell, merged across the
    // code and name columns or not.
    let total_label = cols
        .labels()
        .any(|c| ctx.is_total_label(&sheet.shown(r, c).as_text()));
    if total_label || ctx.is_total_label(&code) || ctx.is_total_label(&name) {
        code.clear();
        name = "合计".into();
    } else if code.is_empty() {
        if let Some((c, n)) = code_in_name(&name) {
            code = c;
            name = n;
        }
    }
    (code, name)
}

/// `I.no_code`: a row with a name or figures but no code is not imported.
fn no_code(ctx: &Ctx, cols: &CodedCols, r: u32, name: &str) -> Diagnostic {
    ctx.diag(
        "I.no_code",
        Severity::Warning,
        format!(
            "{} 第 {} 行没有编码，未导入：{}",
            ctx.label(),
            r + 1,
            if name.is_empty() {
                "（无名称）"
            } else {
                name
            }
        ),
        vec![ctx
            .sheet
            .cell_ref(r, cols.name.or(cols.code).or(cols.code_name).unwrap_or(0))],
    )
}

/// A row's amounts by the template's keys, and its extras: the bureau's
/// declared columns by key, undeclared columns of figures by header. An
/// empty extra cell is no figure.
fn row_amounts(
    ctx: &Ctx,
    cols: &CodedCols,
    r: u32,
    unit: crate::amount::Unit,
    diags: &mut Vec<Diagnostic>,
) -> (
    BTreeMap<String, crate::model::Amount>,
    BTreeMap<String, crate::model::Amount>,
) {
    let sheet = ctx.sheet;
    let mut amounts = BTreeMap::new();
    for (key, c) in &cols.amounts {
        if let Some(a) = ctx.amount(r, *c, unit, diags) {
            amounts.insert(key.to_string(), a);
        }
    }
    let mut extras = BTreeMap::new();
    let declared = cols.declared_extras.iter().map(|(k, c)| (k.to_string(), c));
    let undeclared = cols.undeclared.iter().map(|(c, h)| (h.clone(), c));
    for (key, c) in declared.chain(undeclared) {
        if !sheet.get(r, *c).is_empty() {
            if let Some(a) = ctx.amount(r, *c, unit, diags) {
                extras.insert(key, a);
            }
        }
    }
    (amounts, extras)
}

/// The cell a row is known by: its code cell when written, else its first
/// code part when written, else its name cell.
fn label_col(sheet: &crate::workbook::Sheet, cols: &CodedCols, r: u32) -> Option<u32> {
    if cols.code.is_some_and(|c| !sheet.get(r, c).is_empty()) {
        cols.code
    } else {
        cols.parts
            .first()
            .copied()
            .filter(|c| !sheet.get(r, *c).is_empty())
            .or(cols.name)
            .or(cols.code_name)
    }
}

/// Where codes sit in the template's levels (类/款/项, 部门/单位, 项目):
/// their depth, level name and parent. A parent is found by the code's
/// prefix, or (表10, `parent_by = "position"`) as the last code seen at a
/// level above.
struct Levels<'s> {
    spec: &'s crate::template::TableSpec,
    /// The last code seen at each depth.
    last_at: Vec<Option<String>>,
}

impl<'s> Levels<'s> {
    fn new(spec: &'s crate::template::TableSpec) -> Levels<'s> {
        Levels {
            spec,
            last_at: vec![None; spec.levels.len() + 1],
        }
    }

    /// A code's depth (0 when it fits no level), level name and parent.
    fn place(&mut self, code: &str) -> (u8, Option<String>, Option<String>) {
        let levels = &self.spec.levels;
        let depth_idx = levels.iter().position(|l| l.fits(code));
        let (depth, level) = match depth_idx {
            Some(i) => ((i + 1) as u8, Some(levels[i].name.clone())),
            None => (0, None),
        };
        let parent = match (self.spec.parent_by, depth_idx) {
            (_, None) | (_, Some(0)) => None,
            (ParentBy::Prefix, Some(i)) => levels[i - 1]
                .len
                .filter(|&n| n < code.len())
                .map(|n| code[..n].to_string()),
            (ParentBy::Position, Some(i)) => {
                self.last_at[..=i].iter().rev().flatten().next().cloned()
            }
        };
        if let Some(i) = depth_idx {
            self.last_at[i + 1] = Some(code.to_string());
            for d in self.last_at.iter_mut().skip(i + 2) {
                *d = None;
            }
        }
        (depth, level, parent)
    }
}

/// Columns of figures the template does not define, listed with the
/// table's columns and said once (`I.extra_column`): read, exported,
/// not checked.
fn add_undeclared_columns(
    ctx: &Ctx,
    hm: &HeaderMatch,
    undeclared: &[(u32, String)],
    meta: &mut crate::model::TableMeta,
    diags: &mut Vec<Diagnostic>,
) {
    meta.extra_columns.extend(
        undeclared
            .iter()
            .map(|(c, header)| crate::model::ColumnInfo {
                key: header.clone(),
                header: header.clone(),
                column: crate::workbook::col_letters(*c),
            }),
    );
    let named: Vec<String> = undeclared
        .iter()
        .map(|(c, h)| format!("“{h}”（{} 列）", crate::workbook::col_letters(*c)))
        .collect();
    diags.push(ctx.diag(
        "I.extra_column",
        Severity::Info,
        format!(
            "{} 有模板“{}”未定义的金额列 {}：其数字已按原样读入模型并导出到 facts.csv（规范化工作簿按官方格式不含此列），核对规则不使用它们；若某行合计因它们不符，会在该行说明",
            ctx.label(),
            ctx.template.name,
            named.join("、")
        ),
        undeclared
            .iter()
            .map(|(c, _)| ctx.sheet.cell_ref(hm.first_row, *c))
            .collect(),
    ));
}

/// The template's own columns outside the canonical model, as the table's
/// `extra_columns` (key = the template's key): shown by `inspect`, not a
/// finding — the template declared them.
pub(super) fn declared_extra_columns(
    hm: &HeaderMatch,
    ctx: &Ctx,
    extras: &[(&str, u32)],
) -> Vec<crate::model::ColumnInfo> {
    extras
        .iter()
        .map(|(k, c)| crate::model::ColumnInfo {
            key: k.to_string(),
            header: ctx
                .spec
                .columns
                .iter()
                .position(|x| x.key == *k)
                .map_or(String::new(), |i| hm.headers[i].clone()),
            column: crate::workbook::col_letters(*c),
        })
        .collect()
}

/// Columns under the header band that no template column took and whose
/// cells below are all figures (numbers, text numbers, `-`, formulas): the
/// department's data in a column the template does not know. A column of
/// words (a 备注 column) is left to the coverage report.
fn extra_columns(ctx: &Ctx, hm: &HeaderMatch) -> Vec<(u32, String)> {
    let sheet = ctx.sheet;
    hm.unmatched
        .iter()
        .filter(|(c, _)| {
            let cells: Vec<&CellValue> = (hm.last_row + 1..sheet.height())
                .map(|r| sheet.get(r, *c))
                .filter(|v| !v.is_empty())
                .collect();
            cells.iter().any(|v| super::ctx::holds_figure(v))
                && cells
                    .iter()
                    .all(|v| super::ctx::holds_figure(v) || crate::amount::parse_amount(v).is_ok())
        })
        .cloned()
        .collect()
}

/// 类 | 款 | 项 in separate columns → one code. A blank leading part
/// repeats the row above (`  | 13 | 08` under `201`); parts after the
/// first are two digits (`8` stored as a number is `08`).
fn joined_parts(
    sheet: &crate::workbook::Sheet,
    r: u32,
    parts: &[u32],
    last: &mut [String],
) -> String {
    let mut vals: Vec<String> = parts.iter().map(|&c| code_text(sheet.get(r, c))).collect();
    for (i, v) in vals.iter_mut().enumerate() {
        if i > 0 && v.len() == 1 {
            v.insert(0, '0');
        }
    }
    let Some(deepest) = vals.iter().rposition(|v| !v.is_empty()) else {
        return String::new();
    };
    for i in 0..deepest {
        if vals[i].is_empty() {
            vals[i] = last[i].clone();
        }
    }
    for (i, v) in vals.iter().enumerate() {
        last[i] = if i <= deepest {
            v.clone()
        } else {
            String::new()
        };
    }
    vals[..=deepest].concat()
}

/// 表7: one row of amounts, or only the 本单位…无… note.
pub fn read_single(ctx: &Ctx, hm: &HeaderMatch, diags: &mut Vec<Diagnostic>) -> SingleTable {
    let sheet = ctx.sheet;
    let (unit, unit_cell) = ctx.unit(hm.last_row + 1, diags);
    let cols: Vec<(&str, u32)> = ctx
        .spec
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| hm.cols[i].map(|col| (c.key.as_str(), col)))
        .collect();
    let mut amounts = BTreeMap::new();
    let mut extras = BTreeMap::new();
    let mut notes = Vec::new();
    let mut last_used = hm.last_row;
    for r in hm.last_row + 1..sheet.height() {
        if sheet.is_blank_row(r) {
            continue;
        }
        if let Some(n) = ctx.note_at(r) {
            notes.push(n);
            ctx.take_words(r);
            last_used = r;
            continue;
        }
        if amounts.is_empty()
            && extras.is_empty()
            && cols.iter().any(|(_, c)| !sheet.get(r, *c).is_empty())
        {
            for (key, c) in &cols {
                if let Some(a) = ctx.amount(r, *c, unit, diags) {
                    if crate::template::Template::is_canonical_column(ctx.spec.id, key) {
                        amounts.insert(key.to_string(), a);
                    } else {
                        extras.insert(key.to_string(), a);
                    }
                }
            }
            last_used = r;
        }
    }
    let declared: Vec<(&str, u32)> = cols
        .iter()
        .filter(|(k, _)| !crate::template::Template::is_canonical_column(ctx.spec.id, k))
        .copied()
        .collect();
    let mut meta = ctx.meta(Some(hm), last_used, unit, unit_cell, notes);
    meta.extra_columns = declared_extra_columns(hm, ctx, &declared);
    SingleTable {
        meta,
        amounts,
        extras,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_in_name_cells() {
        assert_eq!(
            code_in_name("2011308 招商引资"),
            Some(("2011308".into(), "招商引资".into()))
        );
        assert_eq!(
            code_in_name("2011308招商引资"),
            Some(("2011308".into(), "招商引资".into()))
        );
        assert_eq!(
            code_in_name("　201　一般公共服务支出"),
            Some(("201".into(), "一般公共服务支出".into()))
        );
        assert_eq!(code_in_name("招商引资"), None);
    }

    #[test]
    fn number_codes_keep_their_digits() {
        assert_eq!(code_text(&CellValue::Number(2011308.0)), "2011308");
        assert_eq!(
            code_text(&CellValue::Text(" 42010424137T000000100 ".into())),
            "42010424137T000000100"
        );
    }
}
