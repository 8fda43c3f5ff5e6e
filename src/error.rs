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
    /// No sheet of the workbook is a budget table: a workbook of another
    /// kind, refused.
    #[error("{path}: 没有找到任何预算表（工作表：{}），这不是部门预算或单位预算；yusuan 目前只读预算", .sheets.join("、"))]
    NoTables { path: PathBuf, sheets: Vec<String> },
    /// The workbook is another document than a budget — final accounts
    /// (部门决算), a blank template, tables of another kind — refused before
    /// any rule runs; `what` is the sentence that says what it is and why.
    #[error("{}: {what}", .path.display())]
    NotABudget { path: PathBuf, what: String },
    /// Writing an output failed.
    #[error("{path}: 无法写入：{}", crate::workbook::write_reason(source))]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Is this the refusal of a document that is not a budget (as opposed
    /// to a file that could not be read)?
    pub fn is_refusal(&self) -> bool {
        matches!(self, Error::NoTables { .. } | Error::NotABudget { .. })
    }
}
