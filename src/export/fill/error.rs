//! Why a blank could not be filled.

/// Why a blank could not be filled.
#[derive(Debug, thiserror::Error)]
pub enum FillError {
    #[error(
        "空白模板 {0}：只能填入 .xlsx 工作簿（.xls 与网页格式请先在 Excel 或 WPS 中另存为 .xlsx）"
    )]
    NotXlsx(String),
    #[error("空白模板 {path}：无法读取：{message}")]
    Unreadable { path: String, message: String },
    #[error("空白模板 {0}：没有认出任何一张预算表（标题或表头与各模板都不符）")]
    NoTables(String),
    #[error("空白模板的部件 {part} 无法解析：{message}")]
    Xml { part: String, message: String },
    #[error("空白模板的压缩包无法读取：{0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("写入失败：{0}")]
    Io(#[from] std::io::Error),
}
