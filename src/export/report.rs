//! The highlighted check workbook: a 核对结果 sheet listing every finding
//! with a link to its cell (and 说明核对 when a narrative was checked), then
//! every sheet of the source as imported, each cell of a finding filled in
//! colour with a note (rule, expected figure).

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, Note, Url, Workbook as XlsxWorkbook, Worksheet,
    XlsxError,
};

use super::narrative_sheet::NarrativeSheet;
use super::review_sheet::{Line, Look, ReviewSheet, Value};
use crate::model::{Budget, Severity};
use crate::reconcile::Finding;
use crate::workbook::{CellValue, Workbook};

/// The same fill as the marked-up report's ([`super::markup::fill_argb`]).
fn color(s: Severity) -> Color {
    let argb = super::markup::fill_argb(s);
    Color::RGB(u32::from_str_radix(&argb[2..], 16).unwrap_or(0))
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

/// The redrawn report: a 核对结果 sheet (and 说明核对 with a narrative),
/// then every sheet of the source as read (values and merges; the source's
/// formats are not kept).
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
        narrative_sheet(&mut wb, &NarrativeSheet::new(review, findings, &taken))?;
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

/// A model's sheet added: its name, its columns' widths, the rows down to
/// `head` frozen, landscape A4 one page wide within `margins`.
fn model_sheet<'w>(
    wb: &'w mut XlsxWorkbook,
    name: &str,
    widths: &[f64],
    head: u32,
    margins: [f64; 6],
) -> Result<&'w mut Worksheet, XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    for (c, width) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
    }
    ws.set_freeze_panes(head + 1, 0)?;
    let [left, right, top, bottom, header, footer] = margins;
    ws.set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_margins(left, right, top, bottom, header, footer);
    Ok(ws)
}

/// A model's lines written in this medium's formats: heights, values,
/// links, and the rows of `merged` merged across to `last_col`.
fn model_lines(
    ws: &mut Worksheet,
    lines: &[Line],
    merged: &[u32],
    last_col: u16,
) -> Result<(), XlsxError> {
    for line in lines {
        if let Some(h) = line.height {
            ws.set_row_height(line.row, h)?;
        }
        for cell in &line.cells {
            let format = format_of(cell.look, cell.fill);
            let (row, col) = (line.row, cell.col);
            if merged.contains(&row) {
                let Value::Text(t) = cell.value else { continue };
                ws.merge_range(row, col, row, last_col, t, &format)?;
                continue;
            }
            match (cell.value, cell.link) {
                (Value::Text(t), Some(link)) => {
                    let url = Url::new(format!("internal:{}", link.location())).set_text(t);
                    ws.write_url_with_format(row, col, url, &format)?
                }
                (Value::Text(t), None) => ws.write_string_with_format(row, col, t, &format)?,
                // Figures as numbers a reviewer can sum and filter; the
                // finding's text keeps the exact decimal.
                (Value::Number(d), _) => ws.write_number_with_format(
                    row,
                    col,
                    rust_decimal::prelude::ToPrimitive::to_f64(&d).unwrap_or_default(),
                    &format,
                )?,
                // Each figure bold in its outcome's colour.
                (Value::Rich(pieces), _) => {
                    let fonts: Vec<Format> = pieces
                        .iter()
                        .map(|(_, mark)| mark.map_or_else(Format::new, mark_format))
                        .collect();
                    let runs: Vec<(&Format, &str)> = fonts
                        .iter()
                        .zip(pieces)
                        .map(|(f, (t, _))| (f, t.as_str()))
                        .collect();
                    ws.write_rich_string_with_format(row, col, &runs, &format)?
                }
            };
        }
    }
    Ok(())
}

/// The font of a figure of 说明核对 that checking came to `o`.
fn mark_format(o: crate::narrative::Outcome) -> Format {
    let rgb = super::narrative_sheet::outcome_rgb(o);
    let rgb = u32::from_str_radix(&rgb[2..], 16).unwrap_or(0);
    Format::new().set_bold().set_font_color(Color::RGB(rgb))
}

/// 核对结果 ([`ReviewSheet`]) written with rust_xlsxwriter: the model's
/// cells in this medium's formats, its widths, merges, filter, links and
/// print set-up.
fn review_sheet(wb: &mut XlsxWorkbook, sheet: &ReviewSheet) -> Result<(), XlsxError> {
    use super::review_sheet::{HEAD, HEAD_ROW, MARGINS, MERGED_ROWS, WIDTHS};
    let last_col = (HEAD.len() - 1) as u16;
    let ws = model_sheet(wb, &sheet.name, &WIDTHS, HEAD_ROW, MARGINS)?;
    model_lines(ws, &sheet.lines(), &MERGED_ROWS, last_col)?;
    ws.autofilter(HEAD_ROW, 0, sheet.last_row(), last_col)?;
    Ok(())
}

/// 说明核对 ([`NarrativeSheet`]) written with rust_xlsxwriter: the model's
/// cells in this medium's formats, its widths, merge and print set-up.
fn narrative_sheet(wb: &mut XlsxWorkbook, sheet: &NarrativeSheet) -> Result<(), XlsxError> {
    use super::narrative_sheet::{HEAD, HEAD_ROW, MARGINS, MERGED_ROWS, WIDTHS};
    let last_col = (HEAD.len() - 1) as u16;
    let ws = model_sheet(wb, &sheet.name, &WIDTHS, HEAD_ROW, MARGINS)?;
    model_lines(ws, &sheet.lines(), &MERGED_ROWS, last_col)
}

/// The format of a look of 核对结果 and 说明核对, with a severity's fill.
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
