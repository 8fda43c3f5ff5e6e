//! Forms (表11 部门整体支出绩效目标表, 表12 项目支出绩效目标表): labelled
//! fields, and small blocks found by their own header words.

use std::collections::BTreeMap;

use super::ctx::Ctx;
use super::header::{find_header, HeaderMatch};
use crate::amount::{parse_amount, parse_percent, to_yuan, CellForm, Unit};
use crate::model::{Diagnostic, Form, FormBlock, FormValue, Severity, Text};
use crate::template::{BlockSpec, FieldKind, Role};
use crate::text::clean;

/// A cell's text as a label: normalized, without a trailing colon.
fn label_text(sheet: &crate::workbook::Sheet, r: u32, c: u32) -> &str {
    sheet.norm_at(r, c).trim_end_matches(':')
}

/// Every header band of every block, each band given to the block that
/// matches most of its columns.
fn find_bands(ctx: &Ctx) -> Vec<(usize, HeaderMatch)> {
    let sheet = ctx.sheet;
    let mut bands: Vec<(usize, HeaderMatch)> = Vec::new();
    for (bi, b) in ctx.spec.blocks.iter().enumerate() {
        let mut from = 0;
        while let Some(hm) = find_header(sheet, &b.columns, from, sheet.height()) {
            from = hm.last_row + 1;
            bands.push((bi, hm));
        }
    }
    let overlaps =
        |a: &HeaderMatch, b: &HeaderMatch| a.first_row <= b.last_row && b.first_row <= a.last_row;
    let mut kept: Vec<(usize, HeaderMatch)> = Vec::new();
    for (bi, hm) in bands {
        match kept.iter().position(|(_, k)| overlaps(k, &hm)) {
            Some(i) if hm.found() > kept[i].1.found() => kept[i] = (bi, hm),
            Some(_) => {}
            None => kept.push((bi, hm)),
        }
    }
    kept.sort_by_key(|(_, hm)| hm.first_row);
    // A block that occurs once keeps its first band.
    let mut seen = vec![false; ctx.spec.blocks.len()];
    kept.retain(|(bi, _)| {
        let first = !seen[*bi];
        seen[*bi] = true;
        first || ctx.spec.blocks[*bi].repeat
    });
    kept
}

pub fn read(ctx: &Ctx, diags: &mut Vec<Diagnostic>) -> Form {
    let sheet = ctx.sheet;
    let bands = find_bands(ctx);
    let unit_search = bands
        .first()
        .map_or(super::locate::TITLE_ROWS, |(_, hm)| hm.last_row + 1);
    let (unit, unit_cell) = ctx.unit(unit_search, diags);

    let field_labels: Vec<&str> = ctx
        .spec
        .fields
        .iter()
        .flat_map(|f| f.labels.iter().map(String::as_str))
        .collect();
    let is_field_row = |r: u32| {
        (0..sheet.row(r).len() as u32).any(|c| {
            let t = label_text(sheet, r, c);
            !t.is_empty() && field_labels.contains(&t)
        })
    };

    // Where each text first stands (row by row), found in one pass: every
    // field then looks its labels up instead of scanning the sheet again.
    let mut first_at: std::collections::HashMap<&str, (u32, u32)> =
        std::collections::HashMap::new();
    for r in 0..sheet.height() {
        for c in 0..sheet.row(r).len() as u32 {
            let t = label_text(sheet, r, c);
            if !t.is_empty() {
                first_at.entry(t).or_insert((r, c));
            }
        }
    }
    let mut fields = BTreeMap::new();
    let mut last_used = 0;
    for f in &ctx.spec.fields {
        // The first cell, row by row, that holds any of its labels.
        let found = f
            .labels
            .iter()
            .filter_map(|l| first_at.get(l.as_str()).copied())
            .min();
        let Some((r, c)) = found else { continue };
        let right = (c + 1..sheet.row(r).len() as u32).find(|&x| !sheet.get(r, x).is_empty());
        let (vr, vc) = match right {
            Some(x) => (r, x),
            None if !sheet.get(r + 1, c).is_empty() && !is_field_row(r + 1) => (r + 1, c),
            None => continue,
        };
        ctx.take(r, c);
        ctx.take(vr, vc);
        last_used = last_used.max(vr);
        let value = match f.kind {
            FieldKind::Amount => match ctx.amount(vr, vc, unit, diags) {
                Some(a) => FormValue::Amount(a),
                None => continue,
            },
            FieldKind::Text => FormValue::Text(Text {
                text: clean(&sheet.get(vr, vc).as_text()),
                cell: sheet.cell_ref(vr, vc),
            }),
        };
        fields.insert(f.key.clone(), value);
    }

    let mut blocks = Vec::new();
    for (i, (bi, hm)) in bands.iter().enumerate() {
        let spec = &ctx.spec.blocks[*bi];
        let end = bands
            .get(i + 1)
            .map_or(sheet.height(), |(_, n)| n.first_row);
        let (block, used) = read_block(ctx, spec, hm, end, unit, &is_field_row, diags);
        last_used = last_used.max(used);
        // Empty on purpose: nothing below the header (a new project has no
        // past years), or one word (`无`), or the next section's title.
        // Rows with content that yield nothing mean the block was misread.
        let next = hm.last_row + 1;
        let misread = next < end
            && !is_field_row(next)
            && (sheet.row(next).iter().filter(|c| !c.is_empty()).count() > 1
                || sheet.row(next).iter().any(|c| c.is_numeric()));
        if block.rows.is_empty() && misread {
            let cell = sheet.cell_ref(hm.first_row, hm.first_col());
            diags.push(ctx.diag(
                "I.empty_block",
                Severity::Warning,
                format!(
                    "{} 的“{}”块在 {cell} 找到了表头，但其下没有读到任何行：请核对该块的行是否在模板认识的列中",
                    ctx.label(),
                    hm.headers.iter().find(|h| !h.is_empty()).map_or("", String::as_str)
                ),
                vec![cell],
            ));
        }
        blocks.push(block);
    }
    Form {
        meta: ctx.meta(None, last_used, unit, unit_cell, vec![]),
        fields,
        blocks,
    }
}

/// Reads one block from under its header band to `end`: its rows, keyed
/// by the template's column keys, and the last row it used.
fn read_block(
    ctx: &Ctx,
    spec: &BlockSpec,
    hm: &HeaderMatch,
    end: u32,
    unit: Unit,
    is_field_row: &dyn Fn(u32) -> bool,
    diags: &mut Vec<Diagnostic>,
) -> (FormBlock, u32) {
    ctx.take_rows(hm.first_row, hm.last_row);
    let mut cols: Vec<(usize, u32)> = spec
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, _)| hm.cols[i].map(|c| (i, c)))
        .collect();
    if !spec.lines.is_empty() {
        place_by_content(ctx, spec, hm, end, &mut cols);
    }
    let key_col = spec
        .columns
        .iter()
        .position(|c| c.key == spec.row_key)
        .and_then(|i| cols.iter().find(|(j, _)| *j == i))
        .map(|(_, c)| *c);
    let mut rows = Vec::new();
    let mut last = hm.last_row;
    // With no key column no row can be told from the next section.
    if let Some(kc) = key_col {
        let mut groups = Groups::new(spec, &cols, kc);
        for r in hm.last_row + 1..end {
            if ends_block(ctx, spec, &cols, kc, r, is_field_row) {
                break;
            }
            let mut row = BTreeMap::new();
            for (i, c) in &cols {
                let col = &spec.columns[*i];
                if let Some(v) = block_value(ctx, col.role, r, *c, unit, diags) {
                    row.insert(col.key.clone(), v);
                }
            }
            groups.fill(spec, &mut row);
            rows.push(row);
            last = r;
        }
    }
    let title = spec
        .repeat
        .then(|| block_title(ctx, hm.first_row))
        .flatten();
    let columns = spec
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| hm.cols[i].map(|_| (c.key.clone(), hm.headers[i].clone())))
        .collect();
    let (line_keys, part_of) = if spec.lines.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        block_lines(ctx, spec, &rows, diags)
    };
    let sub_keys = spec
        .lines
        .iter()
        .filter(|l| l.sub)
        .map(|l| l.key.clone())
        .collect();
    (
        FormBlock {
            key: spec.key.clone(),
            title,
            columns,
            rows,
            line_keys,
            sub_keys,
            part_of,
        },
        last,
    )
}

/// Whether row `r` is past the block: a blank row, a field's row, a row
/// with no key, a section title spanning the block's columns, or a lone
/// cell where a line label would be that names no line.
fn ends_block(
    ctx: &Ctx,
    spec: &BlockSpec,
    cols: &[(usize, u32)],
    kc: u32,
    r: u32,
    is_field_row: &dyn Fn(u32) -> bool,
) -> bool {
    let sheet = ctx.sheet;
    if sheet.is_blank_row(r) || is_field_row(r) || sheet.down(r, kc).is_empty() {
        return true;
    }
    if let Some(m) = sheet.merge_at(r, kc) {
        if m.last_col > m.first_col
            && cols
                .iter()
                .any(|(_, c)| *c != kc && (m.first_col..=m.last_col).contains(c))
        {
            return true;
        }
    }
    let filled = cols
        .iter()
        .filter(|(_, c)| !sheet.down(r, *c).is_empty())
        .count();
    let alone = sheet.row(r).iter().filter(|c| !c.is_empty()).count() == 1;
    if filled == 1 && cols.len() >= 3 && alone {
        return true;
    }
    // With no blank row before it, the next section's title
    // (项目支出明细测算) stands alone where a line label would be.
    alone && !spec.lines.is_empty() && !is_line_label(spec, sheet.norm_at(r, kc))
}

/// The value of a block's cell by its column's role: an amount, a
/// percent, a figure or words (`Role::Value`), else words. A merged value
/// carried down is read from its own cell. `None` for an empty cell or one
/// that is not what its column holds (reported).
fn block_value(
    ctx: &Ctx,
    role: Role,
    r: u32,
    c: u32,
    unit: Unit,
    diags: &mut Vec<Diagnostic>,
) -> Option<FormValue> {
    let sheet = ctx.sheet;
    let cell = sheet.down(r, c);
    if cell.is_empty() {
        return None;
    }
    let (sr, sc) = match sheet.merge_at(r, c) {
        Some(m) => (m.first_row, m.first_col),
        None => (r, c),
    };
    let at = sheet.cell_ref(sr, sc);
    ctx.take(sr, sc);
    let words = |at| {
        Some(FormValue::Text(Text {
            text: clean(&cell.as_text()),
            cell: at,
        }))
    };
    match role {
        Role::Amount => ctx.amount(sr, sc, unit, diags).map(FormValue::Amount),
        Role::Percent => match parse_percent(cell) {
            Ok(Some(p)) => Some(FormValue::Percent {
                percent: p,
                cell: at,
            }),
            Ok(None) => None,
            Err(e) => {
                diags.push(ctx.diag(
                    "I.not_amount",
                    Severity::Error,
                    super::ctx::not_amount_message(&at, "百分比", &e),
                    vec![at.clone()],
                ));
                None
            }
        },
        Role::Value => match parse_amount(cell) {
            Ok(p) if p.form != CellForm::Blank => Some(FormValue::Amount(crate::model::Amount {
                yuan: to_yuan(p.value, unit),
                cell: at,
                form: p.form,
            })),
            _ => words(at),
        },
        _ => words(at),
    }
}

/// Text columns left of the key column group the rows (收入构成 down the
/// funds lines, 一级指标 down its indicators): a label written once, in
/// the first row, covers the rows below until the next label of its
/// column, as a merge would. A new label resets the groups right of it.
struct Groups {
    /// Their column indices in the block, left to right.
    columns: Vec<usize>,
    carried: Vec<Option<FormValue>>,
}

impl Groups {
    fn new(spec: &BlockSpec, cols: &[(usize, u32)], kc: u32) -> Groups {
        let mut groups: Vec<(usize, u32)> = cols
            .iter()
            .filter(|(i, c)| *c < kc && spec.columns[*i].role == Role::Text)
            .copied()
            .collect();
        groups.sort_by_key(|(_, c)| *c);
        Groups {
            carried: vec![None; groups.len()],
            columns: groups.into_iter().map(|(i, _)| i).collect(),
        }
    }

    /// A row's group labels: its own, remembered for the rows below, or
    /// those carried down from above.
    fn fill(&mut self, spec: &BlockSpec, row: &mut BTreeMap<String, FormValue>) {
        for (g, i) in self.columns.iter().enumerate() {
            let key = &spec.columns[*i].key;
            match row.get(key) {
                Some(v) => {
                    self.carried[g] = Some(v.clone());
                    self.carried[g + 1..].iter_mut().for_each(|x| *x = None);
                }
                None => {
                    if let Some(v) = &self.carried[g] {
                        row.insert(key.clone(), v.clone());
                    }
                }
            }
        }
    }
}

/// The block's lines a label names: by its words (without numbering or
/// `其中`), else by their stem (`一般公共预算资金` is `一般公共预算`).
fn lines_named<'s>(spec: &'s BlockSpec, label: &str) -> Vec<&'s crate::template::BlockLine> {
    let (_, _, words) = crate::text::line_words(label);
    let exact: Vec<&crate::template::BlockLine> = spec
        .lines
        .iter()
        .filter(|l| l.labels.contains(&words))
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let stem = crate::text::label_stem(&words);
    spec.lines
        .iter()
        .filter(|l| l.labels.iter().any(|x| crate::text::label_stem(x) == stem))
        .collect()
}

/// Does a normalized cell text name one of the block's lines?
fn is_line_label(spec: &BlockSpec, text: &str) -> bool {
    !lines_named(spec, text).is_empty()
}

/// A block with named lines finds its label column where the labels
/// stand, and its section column (收入构成 / 支出构成) left of it, whatever
/// the header says: the header word (`总体资金情况`) may sit unmerged over
/// the section column only, or merged over a vertical label column too.
fn place_by_content(
    ctx: &Ctx,
    spec: &BlockSpec,
    hm: &HeaderMatch,
    end: u32,
    cols: &mut Vec<(usize, u32)>,
) {
    let sheet = ctx.sheet;
    let rows = hm.last_row + 1..end.min(hm.last_row + 1 + 40);
    let width = sheet.width();
    let count = |pred: &dyn Fn(&str) -> bool, c: u32| {
        rows.clone()
            .filter(|&r| {
                let t = sheet.norm_at(r, c);
                !t.is_empty() && pred(t)
            })
            .count()
    };
    let labels = |t: &str| is_line_label(spec, t);
    let Some((best, n)) = (0..width)
        .map(|c| (c, count(&labels, c)))
        .max_by_key(|&(c, n)| (n, std::cmp::Reverse(c)))
    else {
        return;
    };
    if n == 0 {
        return;
    }
    let set = |cols: &mut Vec<(usize, u32)>, key: &str, c: u32| {
        if let Some(i) = spec.columns.iter().position(|x| x.key == key) {
            cols.retain(|(j, col)| *j != i && *col != c);
            cols.push((i, c));
        }
    };
    set(cols, &spec.row_key, best);
    let sections: Vec<&str> = spec
        .lines
        .iter()
        .flat_map(|l| l.section.iter().map(String::as_str))
        .collect();
    if sections.is_empty() {
        return;
    }
    let in_section = |t: &str| sections.iter().any(|s| t.contains(s));
    if let Some((c, n)) = (0..best)
        .map(|c| (c, count(&in_section, c)))
        .max_by_key(|&(c, n)| (n, c))
    {
        if n > 0 {
            set(cols, "section", c);
        }
    }
}

/// Each row's template line (by its label, under its section) and the row
/// it is a part of: a `sub` line of the template or a `其中` line is a part
/// of the nearest row above that is not one; a numbered row (`1.` under
/// `一、`) of the row its numbering puts it under. A part is kept with its
/// figure whether or not the template knows its words; a row that is
/// neither known nor a part is reported.
fn block_lines(
    ctx: &Ctx,
    spec: &BlockSpec,
    rows: &[BTreeMap<String, FormValue>],
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Option<String>>, Vec<Option<usize>>) {
    let mut outline = super::lines::Outliner::default();
    let mut keys = Vec::with_capacity(rows.len());
    let mut parts = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let Some(label_value) = row.get(&spec.row_key) else {
            keys.push(None);
            parts.push(None);
            continue;
        };
        let label = label_value.as_text().unwrap_or_default();
        let section = row
            .get("section")
            .and_then(FormValue::as_text)
            .map(crate::text::norm)
            .unwrap_or_default();
        let found = lines_named(spec, label).into_iter().find(|l| {
            l.section.is_empty() || l.section.iter().any(|s| section.contains(s.as_str()))
        });
        let (numbering, of_which, _) = crate::text::line_words(label);
        let sub = found.is_some_and(|l| l.sub);
        let part_of = outline.part_of(i, numbering, of_which || sub);
        if found.is_none() && part_of.is_none() {
            let cell = label_value.cell().clone();
            diags.push(ctx.diag(
                "I.unknown_line",
                Severity::Warning,
                format!(
                    "{cell} 的“{}”不在模板“{}”的“{}”各行中，按原文保留",
                    crate::text::clean(label),
                    ctx.template.name,
                    block_words(spec)
                ),
                vec![cell],
            ));
        }
        keys.push(found.map(|l| l.key.clone()));
        parts.push(part_of);
    }
    if parts.iter().all(Option::is_none) {
        parts.clear();
    }
    (keys, parts)
}

/// A block as its header prints it (`总体资金情况`, `来源项目`): the words of
/// its row-key column.
fn block_words(spec: &BlockSpec) -> &str {
    spec.columns
        .iter()
        .find(|c| c.key == spec.row_key)
        .and_then(|c| c.words.first())
        .map_or(spec.key.as_str(), String::as_str)
}

/// The line just above a block: the goal its indicators measure.
fn block_title(ctx: &Ctx, first_row: u32) -> Option<Text> {
    let sheet = ctx.sheet;
    let r = (first_row.saturating_sub(2)..first_row)
        .rev()
        .find(|&r| !sheet.is_blank_row(r))?;
    let cells: Vec<(u32, String)> = sheet
        .row(r)
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_empty())
        .map(|(c, v)| (c as u32, clean(&v.as_text())))
        .collect();
    let first = cells.first()?.0;
    Some(Text {
        text: cells
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join(" "),
        cell: sheet.cell_ref(r, first),
    })
}
