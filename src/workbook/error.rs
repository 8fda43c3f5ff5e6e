//! Why a file could not be read as a workbook, in words a user acts on;
//! the limits' messages; the text a workbook may still decode to.

use std::path::{Path, PathBuf};

use super::limits;

/// Why a file could not be read as a workbook.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    #[error("{path}: 无法打开文件：{}", io_reason(source))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: 不是普通文件（是管道、套接字或设备），未读取；请把工作簿存成文件后再给出")]
    NotAFile { path: PathBuf },
    #[error("{path}: 不是 Excel 工作簿（{what}）；请另存为 .xlsx 后再试")]
    NotAWorkbook { path: PathBuf, what: String },
    #[error("{path}: 工作簿已损坏或无法解析，请用 Excel 或 WPS 打开后另存为 .xlsx 再试（{format}：{message}）")]
    Corrupt {
        path: PathBuf,
        format: &'static str,
        message: String,
    },
    #[error(
        "{path}: 工作表“{sheet}”无法读取，请用 Excel 或 WPS 打开后另存为 .xlsx 再试（{message}）"
    )]
    Sheet {
        path: PathBuf,
        sheet: String,
        message: String,
    },
    /// A size no budget workbook has, refused before it is allocated.
    #[error("{path}: {what}，超出读取上限（{limit}）；这不像预算表，未读取")]
    Limit {
        path: PathBuf,
        what: String,
        limit: String,
    },
}

/// Why a file could not be read, in the words of the rest of the messages
/// (the system's own words for anything else).
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "文件不存在".into(),
        ErrorKind::PermissionDenied => "没有读取权限".into(),
        ErrorKind::IsADirectory => "这是一个文件夹，应给出工作簿文件".into(),
        // The system's own words, after ours.
        _ => format!("系统拒绝读取，请确认文件可以打开（{e}）"),
    }
}

/// Why a file could not be written, in words a user acts on (a full disk,
/// a read-only folder), else the system's own message.
pub fn write_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::StorageFull => "磁盘空间不足".into(),
        ErrorKind::PermissionDenied => "没有写入权限".into(),
        ErrorKind::ReadOnlyFilesystem => "文件系统只读".into(),
        ErrorKind::InvalidFilename => "文件名无效（过长或含不允许的字符）".into(),
        ErrorKind::AlreadyExists => "同名的文件或文件夹已经存在，请换一个输出位置".into(),
        // The system's own words, after ours.
        _ => format!("系统拒绝写入，请检查输出文件夹（{e}）"),
    }
}

pub(super) fn corrupt(
    path: &Path,
    format: &'static str,
    e: impl std::fmt::Display,
) -> WorkbookError {
    WorkbookError::Corrupt {
        path: path.to_path_buf(),
        format,
        message: e.to_string(),
    }
}

pub(super) fn sheet_err(path: &Path, sheet: &str, e: impl std::fmt::Display) -> WorkbookError {
    WorkbookError::Sheet {
        path: path.to_path_buf(),
        sheet: sheet.to_string(),
        message: e.to_string(),
    }
}

/// The sheets up to `sheet` spread over `cells` together, past
/// [`limits::BOOK_CELLS`].
pub(super) fn past_book(path: &Path, sheet: &str, cells: u64) -> WorkbookError {
    WorkbookError::Limit {
        path: path.to_path_buf(),
        what: format!("到工作表“{sheet}”为止，各表单元格共铺开 {cells} 个"),
        limit: format!(
            "全书最多 {} 个；多半是大量空白工作表或远处误填的单元格",
            limits::BOOK_CELLS
        ),
    }
}

/// `sheet` spreads past [`limits::GRID_CELLS`]; `what` says how
/// (`的单元格铺开有 … 个`).
pub(super) fn past_grid(path: &Path, sheet: &str, what: &str) -> WorkbookError {
    WorkbookError::Limit {
        path: path.to_path_buf(),
        what: format!("工作表“{sheet}”{what}"),
        limit: format!(
            "每表最多 {} 个；多半是远处误填的单元格或误设的合并，删除后重试",
            limits::GRID_CELLS
        ),
    }
}

/// Cell `at` of `sheet` lies past [`limits::ROWS`] or [`limits::COLUMNS`].
pub(super) fn past_limits(path: &Path, sheet: &str, at: &str) -> WorkbookError {
    WorkbookError::Limit {
        path: path.to_path_buf(),
        what: format!("工作表“{sheet}”的单元格 {at} 有内容"),
        limit: format!(
            "每表最多 {} 行、{} 列；多半是误填的单元格，删除后重试",
            limits::ROWS,
            limits::COLUMNS
        ),
    }
}

/// Cell `at` of `sheet` holds `chars` characters, past Excel's limit.
pub(super) fn too_long(path: &Path, sheet: &str, at: &str, chars: usize) -> WorkbookError {
    WorkbookError::Limit {
        path: path.to_path_buf(),
        what: format!("工作表“{sheet}”的单元格 {at} 有 {chars} 个字符"),
        limit: format!("每格最多 {} 个字符，Excel 自己的上限", limits::CELL_CHARS),
    }
}

/// The cells' text would decode to more than `bytes`, past
/// [`limits::TEXT_BYTES`] (one long shared string named by many cells).
pub(super) fn too_much_text(path: &Path, bytes: u64) -> WorkbookError {
    WorkbookError::Limit {
        path: path.to_path_buf(),
        what: format!("单元格的文字解码后超过 {} MB", bytes >> 20),
        limit: format!(
            "全书最多 {} MB；多半是一段长文字被大量单元格引用",
            limits::TEXT_BYTES >> 20
        ),
    }
}

/// What is left of [`limits::TEXT_BYTES`] as a workbook's cells are read:
/// spent by each text before it is copied into its cell.
pub(crate) struct TextBudget<'p> {
    path: &'p Path,
    spent: u64,
}

impl<'p> TextBudget<'p> {
    pub(crate) fn new(path: &'p Path) -> TextBudget<'p> {
        TextBudget { path, spent: 0 }
    }

    /// Spends `bytes` of text.
    ///
    /// # Errors
    /// [`WorkbookError::Limit`] once the workbook's text passes the limit.
    pub(crate) fn spend(&mut self, bytes: usize) -> Result<(), WorkbookError> {
        self.spent = self.spent.saturating_add(bytes as u64);
        if self.spent > limits::TEXT_BYTES {
            return Err(too_much_text(self.path, self.spent));
        }
        Ok(())
    }
}
