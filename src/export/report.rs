//! The highlighted check workbook: a 核对结果 sheet listing every finding
//! with a link to its cell, then every sheet of the source as imported, each
//! cell of a finding filled in colour with a note (rule, expected figure).

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, Note, Url, Workbook as XlsxWorkbook, XlsxError,
};

use super::review_sheet::{Look, ReviewSheet, Value};
use crate::model::{Budget, Severity};
use crate::reconcile::Finding;
use crate::workbook::{CellValue, Workbook};

/// The same fill as the marked-up report's ([`super::markup::fill_argb`]).
fn color(s: Severity) -> Color {
    let argb = super::markup::fill_argb(s);
    Color::RGB(u32::from_str_radix(&argb[2..], 16).unwrap_or(0))
}

/// 说明核对: each paragraph of the narrative with its figures coloured, as
/// the marked-up report has it.
fn narrative_sheet(
    wb: &mut XlsxWorkbook,
    name: &str,
    review: &crate::narrative::Review,
    findings: &[Finding],
) -> Result<(), XlsxError> {
    use crate::narrative::SHEET_HEAD;
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9_D9_D9));
    let rows = review.sheet_rows(findings);
    let (n, compared, differing) = review.counts();
    ws.write_string_with_format(
        0,
        0,
        format!(
            "情况说明 {}：{} 段，找到数字 {n} 处，与表核对 {compared} 处，不符 {differing} 处",
            review.narrative.source,
            rows.len()
        ),
        &Format::new().set_bold().set_font_size(13),
    )?;
    for (c, (h, w)) in SHEET_HEAD.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(2, 0)?;
    ws.set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    let plain = Format::new();
    let marks: Vec<(crate::narrative::Outcome, Format)> = [
        crate::narrative::Outcome::Agrees,
        crate::narrative::Outcome::Differs,
        crate::narrative::Outcome::NotCompared,
    ]
    .into_iter()
    .map(|o| {
        let rgb = super::markup::outcome_rgb(o);
        let rgb = u32::from_str_radix(&rgb[2..], 16).unwrap_or(0);
        (o, Format::new().set_bold().set_font_color(Color::RGB(rgb)))
    })
    .collect();
    for (i, row) in rows.iter().enumerate() {
        let r = 2 + i as u32;
        let place = match row.severity {
            Some(s) => wrap.clone().set_background_color(color(s)),
            None => wrap.clone(),
        };
        ws.write_string_with_format(r, 0, &row.place, &place)?;
        let pieces: Vec<(&Format, &str)> = row
            .pieces
            .iter()
            .filter(|(t, _)| !t.is_empty())
            .map(|(t, o)| {
                let f = o
                    .and_then(|o| marks.iter().find(|(k, _)| *k == o).map(|(_, f)| f))
                    .unwrap_or(&plain);
                (f, t.as_str())
            })
            .collect();
        match pieces.len() {
            0 => {}
            // A rich string needs two pieces at least.
            1 if pieces[0].0 == &plain => {
                ws.write_string_with_format(r, 1, pieces[0].1, &wrap)?;
            }
            1 => {
                ws.write_rich_string_with_format(r, 1, &[pieces[0], (&plain, " ")], &wrap)?;
            }
            _ => {
                ws.write_rich_string_with_format(r, 1, &pieces, &wrap)?;
            }
        }
        ws.write_string_with_format(r, 2, &row.checks, &wrap)?;
        ws.write_string_with_format(r, 3, &row.problems, &wrap)?;
        let text: String = row.pieces.iter().map(|p| p.0.as_str()).collect();
        let lines = crate::text::wrapped_lines(&text, SHEET_HEAD[1].1)
            .max(crate::text::wrapped_lines(&row.checks, SHEET_HEAD[2].1))
            .max(crate::text::wrapped_lines(&row.problems, SHEET_HEAD[3].1));
        ws.set_row_height(r, crate::text::row_height(lines))?;
    }
    Ok(())
}

/// What the report of an input is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportKind {
    /// The submitted `.xlsx` itself, marked up ([`super::markup`]).
    MarkedUp,
    /// The sheets redrawn from the values read, marked up: for `.xls`
    /// inputs, or an `.xlsx` whose package could not be marked up (why).
    Redrawn(Option<String>),
}

/// The reviewer's report of one input: for an `.xlsx`, the department's
/// own workbook marked up; otherwise its sheets redrawn and marked up.
/// `bytes` are the input file as read for the check.
///
/// # Errors
/// [`XlsxError`] when the redrawn workbook cannot be assembled.
pub fn write_report(
    bytes: &[u8],
    source: &Workbook,
    budget: &Budget,
    findings: &[Finding],
) -> Result<(Vec<u8>, ReportKind), XlsxError> {
    let why = match source.format {
        crate::workbook::Format::Xlsx => {
            match super::markup::mark_up(bytes, source, budget, findings) {
                Ok(b) => return Ok((b, ReportKind::MarkedUp)),
                Err(e) => Some(e.to_string()),
            }
        }
        crate::workbook::Format::Xls => None,
        crate::workbook::Format::Html => Some("源文件是网页（HTML）格式的导出".to_string()),
    };
    let b = redraw(source, budget, findings, why.as_deref())?;
    Ok((b, ReportKind::Redrawn(why)))
}

/// The redrawn report: a 核对结果 sheet, then every sheet of the source as
/// read (values and merges; the source's formats are not kept).
///
/// # Errors
/// [`XlsxError`] when a sheet name of the source cannot be used again (it
/// can: the names come from a valid workbook) or the workbook cannot be assembled.
pub fn redraw(
    source: &Workbook,
    budget: &Budget,
    findings: &[Finding],
    why: Option<&str>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = XlsxWorkbook::new();
    let taken: Vec<&str> = source.sheets.iter().map(|s| s.name.as_ref()).collect();
    let notes = [super::review_sheet::redrawn_note(why)];
    review_sheet(&mut wb, &ReviewSheet::new(budget, findings, &notes, &taken))?;
    if let Some(review) = &budget.narrative {
        let name = super::review_sheet::free_sheet_name("说明核对", &taken);
        narrative_sheet(&mut wb, &name, review, findings)?;
    }
    // Notes per cell: every finding that names it.
    let mut by_cell: BTreeMap<(String, u32, u32), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        for c in &f.cells {
            by_cell
                .entry((c.sheet.to_string(), c.row, c.col))
                .or_default()
                .push(f);
        }
    }
    for sheet in &source.sheets {
        redraw_sheet(&mut wb, sheet, &by_cell)?;
    }
    wb.save_to_buffer()
}

/// 核对结果 ([`ReviewSheet`]) written with rust_xlsxwriter: the model's
/// cells in this medium's formats, its widths, merges, filter, links and
/// print set-up.
fn review_sheet(wb: &mut XlsxWorkbook, sheet: &ReviewSheet) -> Result<(), XlsxError> {
    use super::review_sheet::{HEAD, HEAD_ROW, MARGINS, MERGED_ROWS, WIDTHS};
    let last_col = (HEAD.len() - 1) as u16;
    let ws = wb.add_worksheet();
    ws.set_name(&sheet.name)?;
    for (c, width) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
    }
    ws.set_freeze_panes(HEAD_ROW + 1, 0)?;
    let [left, right, top, bottom, header, footer] = MARGINS;
    ws.set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_margins(left, right, top, bottom, header, footer);
    for line in sheet.lines() {
        if let Some(h) = line.height {
            ws.set_row_height(line.row, h)?;
        }
        for cell in &line.cells {
            let format = format_of(cell.look, cell.fill);
            if MERGED_ROWS.contains(&line.row) {
                let Value::Text(t) = cell.value else { continue };
                ws.merge_range(line.row, cell.col, line.row, last_col, t, &format)?;
                continue;
            }
            match (cell.value, cell.link) {
                (Value::Text(t), Some(link)) => {
                    let url = Url::new(format!("internal:{}", link.location())).set_text(t);
                    ws.write_url_with_format(line.row, cell.col, url, &format)?
                }
                (Value::Text(t), None) => {
                    ws.write_string_with_format(line.row, cell.col, t, &format)?
                }
                // Figures as numbers a reviewer can sum and filter; the
                // finding's text keeps the exact decimal.
                (Value::Number(d), _) => ws.write_number_with_format(
                    line.row,
                    cell.col,
                    rust_decimal::prelude::ToPrimitive::to_f64(&d).unwrap_or_default(),
                    &format,
                )?,
            };
        }
    }
    ws.autofilter(HEAD_ROW, 0, sheet.last_row(), last_col)?;
    Ok(())
}

/// The format of a look of 核对结果, with a severity's fill.
fn format_of(look: Look, fill: Option<Severity>) -> Format {
    let top = Format::new().set_align(FormatAlign::Top);
    let format = match look {
        Look::Title => Format::new().set_bold().set_font_size(13),
        Look::Header => Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xD9_D9_D9)),
        Look::Wrap => top.set_text_wrap(),
        Look::Number => top.set_num_format("#,##0.00"),
        Look::Link => top
            .set_text_wrap()
            .set_font_color(Color::RGB(0x05_63_C1))
            .set_underline(rust_xlsxwriter::FormatUnderline::Single),
    };
    match fill {
        Some(s) => format.set_background_color(color(s)),
        None => format,
    }
}

/// A sheet of the source as read: its values and merges, each cell of a
/// finding filled by the worst severity with a note of its findings.
fn redraw_sheet(
    wb: &mut XlsxWorkbook,
    sheet: &crate::workbook::Sheet,
    by_cell: &BTreeMap<(String, u32, u32), Vec<&Finding>>,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(sheet.name.as_ref())?;
    if sheet.hidden {
        ws.set_hidden(true);
    }
    ws.set_paper_size(9).set_print_fit_to_pages(1, 0);
    // Merged cells as in the source: merged first, the value written into
    // the first cell after; cells a merge covers are not written.
    for m in sheet.merges() {
        let (Ok(c1), Ok(c2)) = (u16::try_from(m.first_col), u16::try_from(m.last_col)) else {
            continue;
        };
        if (m.first_row, c1) != (m.last_row, c2) {
            // Cosmetic here: a merge Excel refuses (overlapping, beyond
            // its limits — a damaged source) is left out, not fatal.
            let _ = ws.merge_range(m.first_row, c1, m.last_row, c2, "", &Format::new());
        }
    }
    for r in 0..sheet.height() {
        for (c, v) in sheet.row(r).iter().enumerate() {
            if sheet
                .merge_at(r, c as u32)
                .is_some_and(|m| (m.first_row, m.first_col) != (r, c as u32))
            {
                continue;
            }
            let marks = by_cell.get(&(sheet.name.to_string(), r, c as u32));
            redraw_cell(ws, r, c as u16, v, marks.map(Vec::as_slice))?;
        }
    }
    for c in 0..sheet.width().min(60) {
        ws.set_column_width(c as u16, 14)?;
    }
    Ok(())
}

/// A cell's value written again; when findings name it, filled by the
/// worst of them with a note worded as the marked-up report's comments.
fn redraw_cell(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    col: u16,
    v: &CellValue,
    marks: Option<&[&Finding]>,
) -> Result<(), XlsxError> {
    let fmt = match marks.and_then(|m| m.iter().map(|f| f.severity).max()) {
        Some(sev) => Format::new()
            .set_background_color(color(sev))
            .set_border(FormatBorder::Thin),
        None => Format::new(),
    };
    match v {
        CellValue::Number(x) => {
            ws.write_number_with_format(r, col, *x, &fmt.clone().set_num_format("#,##0.00"))?;
        }
        CellValue::Int(x) => {
            ws.write_number_with_format(r, col, *x as f64, &fmt)?;
        }
        CellValue::Empty => {
            if marks.is_some() {
                ws.write_blank(r, col, &fmt)?;
            }
        }
        other => {
            ws.write_string_with_format(r, col, other.as_text(), &fmt)?;
        }
    }
    if let Some(m) = marks {
        let text: Vec<String> = m.iter().map(|f| super::markup::comment_text(f)).collect();
        ws.insert_note(
            r,
            col,
            &Note::new(text.join("\n"))
                .set_author("yusuan")
                .add_author_prefix(false),
        )?;
    }
    Ok(())
}
