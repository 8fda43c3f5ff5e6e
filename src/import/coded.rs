//! Coded tables (classification, unit, project rows) and the one-row 表7.

use std::collections::BTreeMap;

use super::header::HeaderMatch;
use super::Ctx;
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

pub fn read(ctx: &Ctx, hm: &HeaderMatch, diags: &mut Vec<Diagnostic>) -> CodedTable {
    let sheet = ctx.sheet;
    let spec = ctx.spec;
    let (unit, unit_cell) = ctx.unit(hm.last_row + 1, diags);
    let col = |key: &str| hm.col(&spec.columns, key);
    let code_col = col("code");
    let name_col = col("name");
    let code_name_col = spec
        .columns
        .iter()
        .position(|c| c.role == Role::CodeName)
        .and_then(|i| hm.cols[i]);
    let parts: Vec<u32> = spec
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.role == Role::CodePart)
        .filter_map(|(i, _)| hm.cols[i])
        .collect();
    // Columns with a key outside the canonical model are the bureau's
    // extras: read into `extras` by that key.
    type Cols<'k> = Vec<(&'k str, u32)>;
    let (amount_cols, declared_extras): (Cols, Cols) = spec
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.role == Role::Amount)
        .filter_map(|(i, c)| hm.cols[i].map(|col| (c.key.as_str(), col)))
        .partition(|(k, _)| crate::template::Template::is_canonical_column(&spec.id, k));
    let text_cols: Vec<(&str, u32)> = spec
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.role == Role::Text)
        .filter_map(|(i, c)| hm.cols[i].map(|col| (c.key.as_str(), col)))
        .collect();

    let extra_cols = extra_columns(ctx, hm);
    let mut total = None;
    let mut rows: Vec<CodedRow> = Vec::new();
    let mut notes = Vec::new();
    let mut last_used = hm.last_row;
    let mut last_parts: Vec<String> = vec![String::new(); parts.len()];
    // Position parents (表10): last code seen at each depth.
    let mut by_depth: Vec<Option<String>> = vec![None; spec.levels.len() + 1];
    let mut in_notes = false;

    for r in hm.last_row + 1..sheet.height() {
        if sheet.is_blank_row(r) {
            continue;
        }
        if let Some(note) = ctx.note_at(r) {
            in_notes |= !note.says_empty;
            notes.push(note);
            ctx.take_words(r);
            last_used = r;
            continue;
        }
        if in_notes {
            // Text under a 备注 belongs to the note.
            ctx.take_words(r);
            last_used = r;
            continue;
        }
        for c in code_col
            .iter()
            .chain(name_col.iter())
            .chain(parts.iter())
            .chain(code_name_col.iter())
        {
            ctx.take(r, *c);
        }
        let mut code = code_col
            .map(|c| code_text(sheet.get(r, c)))
            .unwrap_or_default();
        let mut name = name_col
            .map(|c| clean(&sheet.get(r, c).as_text()))
            .unwrap_or_default();
        if code.is_empty() && !parts.is_empty() {
            code = joined_parts(sheet, r, &parts, &mut last_parts);
        }
        if code.is_empty() && name.is_empty() {
            // `2011308 招商引资` in one column; the split below finds the code.
            if let Some(c) = code_name_col {
                name = clean(&sheet.get(r, c).as_text());
            }
        }
        // The 合计 label may stand in any label cell, merged across the
        // code and name columns or not.
        let total_label = code_col
            .iter()
            .chain(name_col.iter())
            .chain(parts.iter())
            .chain(code_name_col.iter())
            .any(|&c| ctx.is_total_label(&sheet.shown(r, c).as_text()));
        if total_label || ctx.is_total_label(&code) || ctx.is_total_label(&name) {
            code.clear();
            name = "合计".into();
        } else if code.is_empty() {
            if let Some((c, n)) = code_in_name(&name) {
                code = c;
                name = n;
            }
        }
        let amounts_present = amount_cols
            .iter()
            .any(|(_, c)| !sheet.get(r, *c).is_empty());
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
            diags.push(ctx.diag(
                "I.no_code",
                Severity::Warning,
                format!(
                    "{} 第 {} 行没有编码，未导入：{}",
                    ctx.label(),
                    r + 1,
                    if name.is_empty() {
                        "（无名称）"
                    } else {
                        &name
                    }
                ),
                vec![sheet.cell_ref(r, name_col.or(code_col).or(code_name_col).unwrap_or(0))],
            ));
            last_used = r;
            continue;
        }
        let mut amounts = BTreeMap::new();
        for (key, c) in &amount_cols {
            if let Some(a) = ctx.amount(r, *c, unit, diags) {
                amounts.insert(key.to_string(), a);
            }
        }
        let mut extras = BTreeMap::new();
        for (key, c) in &declared_extras {
            if !sheet.get(r, *c).is_empty() {
                if let Some(a) = ctx.amount(r, *c, unit, diags) {
                    extras.insert(key.to_string(), a);
                }
            }
        }
        for (c, header) in &extra_cols {
            if !sheet.get(r, *c).is_empty() {
                if let Some(a) = ctx.amount(r, *c, unit, diags) {
                    extras.insert(header.clone(), a);
                }
            }
        }
        let texts = text_cols
            .iter()
            .inspect(|(_, c)| ctx.take(r, *c))
            .map(|(k, c)| (k.to_string(), clean(&sheet.down(r, *c).as_text())))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let label_col = if code_col.is_some_and(|c| !sheet.get(r, c).is_empty()) {
            code_col
        } else {
            parts
                .first()
                .copied()
                .filter(|c| !sheet.get(r, *c).is_empty())
                .or(name_col)
                .or(code_name_col)
        };
        let cell = sheet.cell_ref(r, label_col.unwrap_or(0));
        last_used = r;
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
        let depth_idx = spec.levels.iter().position(|l| l.fits(&code));
        let (depth, level) = match depth_idx {
            Some(i) => ((i + 1) as u8, Some(spec.levels[i].name.clone())),
            None => (0, None),
        };
        let parent = match (spec.parent_by, depth_idx) {
            (_, None) | (_, Some(0)) => None,
            (ParentBy::Prefix, Some(i)) => spec.levels[i - 1]
                .len
                .filter(|&n| n < code.len())
                .map(|n| code[..n].to_string()),
            (ParentBy::Position, Some(i)) => by_depth[..=i].iter().rev().flatten().next().cloned(),
        };
        if let Some(i) = depth_idx {
            by_depth[i + 1] = Some(code.clone());
            for d in by_depth.iter_mut().skip(i + 2) {
                *d = None;
            }
        }
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
    let mut meta = ctx.meta(Some(hm), last_used, unit, unit_cell, notes);
    meta.extra_columns = declared_extra_columns(hm, ctx, &declared_extras);
    if !extra_cols.is_empty() {
        meta.extra_columns.extend(
            extra_cols
                .iter()
                .map(|(c, header)| crate::model::ColumnInfo {
                    key: header.clone(),
                    header: header.clone(),
                    column: crate::workbook::col_letters(*c),
                }),
        );
        let named: Vec<String> = extra_cols
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
            extra_cols
                .iter()
                .map(|(c, _)| sheet.cell_ref(hm.first_row, *c))
                .collect(),
        ));
    }
    CodedTable { meta, total, rows }
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
            cells.iter().any(|v| super::holds_figure(v))
                && cells
                    .iter()
                    .all(|v| super::holds_figure(v) || crate::amount::parse_amount(v).is_ok())
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
                    if crate::template::Template::is_canonical_column(&ctx.spec.id, key) {
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
        .filter(|(k, _)| !crate::template::Template::is_canonical_column(&ctx.spec.id, k))
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
