//! A batch reviewed at once (`yusuan check INPUT... --report-dir DIR`): one
//! finding a row for the whole batch (`findings.csv`), and a summary
//! workbook, one row per input, errors first, each linked to its report —
//! what a bureau reviewer sends out and files.

use rust_xlsxwriter::{Color, Format, FormatAlign, Url, Workbook, XlsxError};

use crate::outcome::{InputOutcome, Status};
use crate::reconcile::Finding;

/// Columns of `findings.csv`.
pub const FINDINGS_COLUMNS: [&str; 14] = [
    "source_file",
    "department",
    "dept_code",
    "year",
    "rule",
    "severity",
    "table",
    "cells",
    "expected",
    "actual",
    "difference",
    "unit",
    "message",
    "paragraph",
];

/// A row of the review: the input and what happened to it
/// ([`InputOutcome`]: its status, department, year, counts, why it could
/// not be read), and what the review adds.
#[derive(Debug, Clone, Default)]
pub struct Reviewed {
    pub outcome: InputOutcome,
    /// Its report workbook, relative to the review folder.
    pub report: Option<String>,
    /// The narrative checked with it (a document's name, or the workbook's
    /// narrative sheets).
    pub narrative: String,
}

/// The findings of one input as `findings.csv` rows.
pub fn finding_rows(who: &InputOutcome, findings: &[Finding]) -> Vec<Vec<String>> {
    findings
        .iter()
        .map(|f| {
            let severity = match f.severity {
                crate::model::Severity::Error => "error",
                crate::model::Severity::Warning => "warning",
                crate::model::Severity::Info => "info",
            };
            vec![
                who.source_file.clone(),
                who.dept_name.clone().unwrap_or_default(),
                who.dept_code.clone().unwrap_or_default(),
                who.year.map(|y| y.to_string()).unwrap_or_default(),
                f.rule.to_string(),
                severity.to_string(),
                if f.table == crate::reconcile::Subject::Workbook {
                    String::new()
                } else {
                    f.table_shown()
                },
                f.cells
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
                f.expected.clone().unwrap_or_default(),
                f.actual.clone().unwrap_or_default(),
                f.difference.clone().unwrap_or_default(),
                f.unit.map(|u| u.label().to_string()).unwrap_or_default(),
                f.message.clone(),
                f.paragraph.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

/// The summary workbook: one row per input, errors first, then warnings,
/// each linked to its report; a filter and a frozen header.
///
/// # Errors
/// [`XlsxError`] when the workbook cannot be assembled.
pub fn summary_workbook(rows: &[Reviewed]) -> Result<Vec<u8>, XlsxError> {
    let mut rows: Vec<&Reviewed> = rows.iter().collect();
    rows.sort_by_key(|r| {
        let o = &r.outcome;
        (
            o.status.was_read(),
            std::cmp::Reverse(o.counts.0),
            std::cmp::Reverse(o.counts.1),
            o.source_file.clone(),
        )
    });
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("核对汇总")?;
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_align(FormatAlign::Center);
    let error = Format::new().set_background_color(Color::RGB(0xF8CBAD));
    let headers = [
        ("部门", 34.0),
        ("部门编码", 10.0),
        ("年度", 8.0),
        ("错误", 8.0),
        ("警告", 8.0),
        ("提示", 8.0),
        ("状态", 12.0),
        ("核对工作簿", 30.0),
        ("文件", 36.0),
        ("说明", 50.0),
        ("情况说明", 24.0),
    ];
    for (c, (h, w)) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
        ws.set_column_width(c as u16, *w)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let o = &r.outcome;
        let status = match o.status {
            Status::Ok => "通过",
            Status::Findings if o.counts.0 > 0 => "有错误",
            Status::Findings => "有提示或警告",
            Status::Refused => "不是预算",
            Status::Unpaired => "说明未配对",
            Status::Unreadable | Status::Failed | Status::Stale => "无法读取",
        };
        ws.write_string(row, 0, o.dept_name.as_deref().unwrap_or(""))?;
        ws.write_string(row, 1, o.dept_code.as_deref().unwrap_or(""))?;
        if let Some(y) = o.year {
            ws.write_number(row, 2, y)?;
        }
        let (e, w, n) = o.counts;
        if e > 0 {
            ws.write_number_with_format(row, 3, e as f64, &error)?;
        } else {
            ws.write_number(row, 3, e as f64)?;
        }
        ws.write_number(row, 4, w as f64)?;
        ws.write_number(row, 5, n as f64)?;
        ws.write_string(row, 6, status)?;
        if let Some(rep) = &r.report {
            // Linked only as a file of this folder: a name that a link
            // would read as a share (`\\host\…`), a drive (`C:`), an
            // anchor (`#`), an escape (`%`) or a way up is shown, not linked.
            if is_plain_file_name(rep) {
                ws.write_url_with_text(row, 7, Url::new(format!("file:///{rep}")), rep)?;
            } else {
                ws.write_string(row, 7, rep)?;
            }
        }
        ws.write_string(row, 8, &o.source_file)?;
        ws.write_string(row, 9, o.message.as_deref().unwrap_or(""))?;
        ws.write_string(row, 10, &r.narrative)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows.len() as u32, headers.len() as u16 - 1)?;
    wb.save_to_buffer()
}

/// A file name a relative link reaches as it is: no folder separator,
/// drive, anchor, escape or leading dot, no control character.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.chars().any(|c| {
            c.is_control()
                || matches!(
                    c,
                    '\\' | '/' | ':' | '#' | '%' | '?' | '*' | '"' | '<' | '>' | '|'
                )
        })
}

/// `stem` made a [`is_plain_file_name`]: each character a link or Windows
/// would read otherwise becomes `_`, and a leading dot too.
pub fn plain_file_stem(stem: &str) -> String {
    let mut out: String = stem
        .chars()
        .map(|c| {
            if c.is_control()
                || matches!(
                    c,
                    '\\' | '/' | ':' | '#' | '%' | '?' | '*' | '"' | '<' | '>' | '|'
                )
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    if out.starts_with('.') {
        out.replace_range(..1, "_");
    }
    if out.is_empty() {
        out.push_str("workbook");
    }
    out
}
