//! The library's error type: one umbrella over each source's errors.

use std::path::PathBuf;

use crate::template::TemplateError;
use crate::workbook::WorkbookError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read as a workbook.
    #[error(transparent)]
    Workbook(#[from] WorkbookError),
    /// A template file is invalid.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// `--template` named a template that is not loaded.
    #[error("没有 ID 为“{id}”的模板；可用的模板：{}", .available.join("、"))]
    UnknownTemplate { id: String, available: Vec<String> },
    /// No sheet of the workbook is a budget table.
    #[error("{path}: 没有找到任何预算表（工作表：{}）；它是部门预算公开表吗？", .sheets.join("、"))]
    NoTables { path: PathBuf, sheets: Vec<String> },
    /// Writing an output failed.
    #[error("{path}: 无法写入：{}", crate::workbook::write_reason(source))]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
