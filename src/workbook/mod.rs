//! Reading workbooks: `.xlsx` and `.xls` (BIFF8) into a plain grid of cells
//! with merged regions and A1 addresses. `.xls`, and any `.xlsx` outside
//! the common subset `package.rs` reads in one pass, go through calamine; a
//! web page of tables saved as `.xls` is read by `html.rs`.
//!
//! The rest of the crate never sees calamine: it reads [`Sheet`]s. The format
//! is decided by the file's first bytes, not its extension, because
//! departments rename files (an `.xls` that is really `.xlsx`, an HTML export
//! saved as `.xls`).

mod address;
mod calamine_guard;
mod error;
mod html;
pub mod limits;
mod merges;
pub mod opc;
mod package;
mod sheet;
mod xls_extent;

pub use address::{col_letters, parse_a1, push_a1, sheet_prefix, CellRef, Provenance};
pub use error::{io_reason, write_reason, WorkbookError};
pub use sheet::{CellHasher, CellValue, Merge, Sheet};

use error::{
    corrupt, past_book, past_grid, past_limits, sheet_err, too_long, too_much_text, TextBudget,
};
use sheet::{check_extent, grid_of};

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use calamine::{Data, Reader, SheetType, SheetVisible, Xls, Xlsx};

/// The physical format of a workbook file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Xlsx,
    Xls,
    /// A web page of tables saved as `.xls` (finance systems' exports).
    Html,
}

/// A workbook read whole into memory.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub path: PathBuf,
    pub format: Format,
    pub sheets: Vec<Sheet>,
}

/// Refuses a package whose parts would inflate past [`limits`], from the
/// zip directory alone; the archive it opened, for the reader to go on with
/// (`None`: not a readable zip, which calamine then explains).
fn check_package<'b>(
    path: &Path,
    bytes: &'b [u8],
) -> Result<Option<zip::ZipArchive<Cursor<&'b [u8]>>>, WorkbookError> {
    let limit = |what: String, limit: String| WorkbookError::Limit {
        path: path.to_path_buf(),
        what,
        limit,
    };
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // Not a readable zip: calamine says what is wrong.
        return Ok(None);
    };
    let mut total: u64 = 0;
    // Parts are found by name ignoring case (and `\\` as `/`), by us and by
    // calamine: two names that differ only so are two readings of one part.
    let mut names: std::collections::HashMap<String, String> =
        std::collections::HashMap::with_capacity(zip.len());
    for name in zip.file_names() {
        let Ok(name) = name else { continue };
        let key = name.replace('\\', "/").to_ascii_lowercase();
        if let Some(first) = names.insert(key, name.to_string()) {
            return Err(corrupt(
                path,
                "xlsx",
                format!("包内有两个只差大小写的同名部件“{first}”与“{name}”，无法确定读哪一个"),
            ));
        }
    }
    drop(names);
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index_raw(i) else { continue };
        let size = f.size();
        total = total.saturating_add(size);
        if size > limits::PART_BYTES {
            return Err(limit(
                format!(
                    "包内部件“{}”解压后有 {} MB（压缩后 {} KB）",
                    f.name().unwrap_or_default(),
                    size >> 20,
                    f.compressed_size() >> 10
                ),
                format!("每个部件 {} MB", limits::PART_BYTES >> 20),
            ));
        }
    }
    if total > limits::PACKAGE_BYTES {
        return Err(limit(
            format!("解压后共 {} MB", total >> 20),
            format!("{} MB", limits::PACKAGE_BYTES >> 20),
        ));
    }
    Ok(Some(zip))
}

fn sniff(path: &Path, bytes: &[u8]) -> Result<Format, WorkbookError> {
    let n = bytes.len().min(512);
    let head = &bytes[..n];
    if head.starts_with(b"PK\x03\x04") {
        return Ok(Format::Xlsx);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok(Format::Xls);
    }
    let what = if n == 0 {
        "文件为空".to_string()
    } else {
        // Exports are UTF-8, a legacy code page (ASCII for the markup), or
        // UTF-16 with a byte-order mark.
        let text = match head {
            [0xFF, 0xFE, ..] => encoding_rs::UTF_16LE.decode(head).0,
            [0xFE, 0xFF, ..] => encoding_rs::UTF_16BE.decode(head).0,
            _ => String::from_utf8_lossy(head),
        }
        .to_ascii_lowercase();
        if text.starts_with("mime-version:") || text.contains("multipart/related") {
            "这是单个文件网页（MHTML）格式".to_string()
        } else if text.contains("urn:schemas-microsoft-com:office:spreadsheet")
            || text.contains("progid=\"excel.sheet\"")
        {
            "这是 Excel 2003 XML 表格（SpreadsheetML）格式".to_string()
        } else if text.contains("<html") || text.contains("<table") || text.contains("<!doctype") {
            return Ok(Format::Html);
        } else if text.contains(',') && head.iter().all(|b| *b != 0) {
            "看起来是文本或 CSV 文件".to_string()
        } else {
            "无法识别的文件内容".to_string()
        }
    };
    Err(WorkbookError::NotAWorkbook {
        path: path.to_path_buf(),
        what,
    })
}

impl Workbook {
    /// Reads every worksheet of an `.xlsx` or `.xls` file.
    ///
    /// # Errors
    /// [`WorkbookError`] when the file cannot be opened, is not a workbook, or
    /// calamine cannot parse it. A panic inside the parser on a corrupt file
    /// is caught and reported as [`WorkbookError::Corrupt`].
    ///
    /// # Examples
    /// ```no_run
    /// let wb = yusuan::workbook::Workbook::open("samples/qiaokou-2024.xlsx").unwrap();
    /// println!("{} sheets", wb.sheets.len());
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Workbook, WorkbookError> {
        let path = path.as_ref();
        Workbook::from_bytes(path, &Workbook::read_file(path)?)
    }

    /// The bytes of a workbook file, its size checked before reading.
    ///
    /// # Errors
    /// [`WorkbookError::Io`] when the file cannot be read,
    /// [`WorkbookError::Limit`] when it is larger than [`limits::FILE_BYTES`].
    pub fn read_file(path: &Path) -> Result<Vec<u8>, WorkbookError> {
        let io = |source| WorkbookError::Io {
            path: path.to_path_buf(),
            source,
        };
        let too_big = |what: String| WorkbookError::Limit {
            path: path.to_path_buf(),
            what,
            limit: format!("{} MB", limits::FILE_BYTES >> 20),
        };
        if std::fs::metadata(path).map_err(io)?.is_dir() {
            return Err(io(std::io::Error::from(std::io::ErrorKind::IsADirectory)));
        }
        // Opened without waiting (a pipe named `b.xlsx` would block the run
        // in `open` for ever), then held to regular files: a pipe, socket or
        // device is not a submission, and reading one may never end.
        let mut options = std::fs::OpenOptions::new();
        options.read(true);
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::OpenOptionsExt;
            const O_NONBLOCK: i32 = 0o4000;
            options.custom_flags(O_NONBLOCK);
        }
        let file = options.open(path).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        if !meta.is_file() {
            return Err(WorkbookError::NotAFile {
                path: path.to_path_buf(),
            });
        }
        let size = meta.len();
        if size > limits::FILE_BYTES {
            return Err(too_big(format!("文件有 {} MB", size >> 20)));
        }
        // A file may grow after its size was read: never more than the
        // limit is read, whatever the size said.
        let mut bytes = Vec::with_capacity(size as usize);
        file.take(limits::FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > limits::FILE_BYTES {
            return Err(too_big(format!(
                "读到第 {} MB 仍未结束",
                limits::FILE_BYTES >> 20
            )));
        }
        Ok(bytes)
    }

    /// Reads a workbook already in memory (its file read once, e.g. to hash
    /// it); `path` is for messages and provenance.
    ///
    /// # Errors
    /// As [`Workbook::open`], less the file's own I/O.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Workbook, WorkbookError> {
        let format = sniff(path, bytes)?;
        let label = match format {
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Html => "html",
        };
        let zip = match format {
            Format::Xlsx => check_package(path, bytes)?,
            Format::Xls | Format::Html => None,
        };
        let result = crate::guard::catch(|| match format {
            Format::Xlsx => read_xlsx(path, Cursor::new(bytes), zip),
            Format::Xls => read_xls(path, Cursor::new(bytes)),
            Format::Html => html::read(path, &html::decode(bytes)),
        });
        let sheets = match result {
            Ok(r) => r?,
            Err(message) => {
                return Err(WorkbookError::Corrupt {
                    path: path.to_path_buf(),
                    format: label,
                    message: format!("解析器异常：{message}"),
                })
            }
        };
        Ok(Workbook {
            path: path.to_path_buf(),
            format,
            sheets,
        })
    }
}

fn to_grid(range: &calamine::Range<Data>) -> Vec<Vec<CellValue>> {
    let Some((r0, c0)) = range.start() else {
        return Vec::new();
    };
    let mut rows = vec![Vec::new(); r0 as usize];
    for row in range.rows() {
        let mut out = vec![CellValue::Empty; c0 as usize];
        out.extend(row.iter().map(CellValue::from_calamine));
        while out.last().is_some_and(CellValue::is_empty) {
            out.pop();
        }
        rows.push(out);
    }
    while rows.last().is_some_and(|r: &Vec<CellValue>| r.is_empty()) {
        rows.pop();
    }
    rows
}

fn to_merges(dims: &[calamine::Dimensions]) -> Vec<Merge> {
    dims.iter()
        .map(|d| Merge {
            first_row: d.start.0,
            first_col: d.start.1,
            last_row: d.end.0,
            last_col: d.end.1,
        })
        .collect()
}

fn visible(v: SheetVisible) -> bool {
    v == SheetVisible::Visible
}

/// Every worksheet of an opened workbook, whatever its format; `merges`
/// is the one format-specific step.
fn read_sheets<R, RS, E>(
    path: &Path,
    wb: &mut R,
    merges: impl Fn(&mut R, &str) -> Result<Vec<calamine::Dimensions>, E>,
) -> Result<Vec<Sheet>, WorkbookError>
where
    R: Reader<RS>,
    RS: std::io::Read + std::io::Seek,
    R::Error: std::fmt::Display,
    E: std::fmt::Display,
{
    let meta = wb.sheets_metadata().to_vec();
    let mut out = Vec::new();
    let mut book = 0u64;
    for s in meta.iter().filter(|s| s.typ == SheetType::WorkSheet) {
        let range = wb
            .worksheet_range(&s.name)
            .map_err(|e| sheet_err(path, &s.name, e))?;
        let merged = to_merges(&merges(wb, &s.name).map_err(|e| sheet_err(path, &s.name, e))?);
        let grid = to_grid(&range);
        let area: u64 = grid.iter().map(|r| r.len() as u64).sum();
        let width = grid.iter().map(Vec::len).max().unwrap_or(0) as u32;
        check_extent(
            path,
            &s.name,
            area,
            (grid.len() as u32, width),
            &merged,
            &mut book,
        )?;
        let mut sheet = Sheet::new(&s.name, grid, merged);
        sheet.hidden = !visible(s.visible);
        out.push(sheet);
    }
    Ok(out)
}

/// The sheets of an `.xlsx`; `zip` is the package's archive as
/// [`check_package`] opened it. Our own reader first (one pass over each
/// sheet part), calamine for a package outside what it knows.
fn read_xlsx(
    path: &Path,
    source: Cursor<&[u8]>,
    mut zip: Option<zip::ZipArchive<Cursor<&[u8]>>>,
) -> Result<Vec<Sheet>, WorkbookError> {
    if let Some(zip) = zip.as_mut() {
        if let Some(sheets) = package::read(path, zip)? {
            return Ok(sheets);
        }
    }
    read_xlsx_calamine(path, source, zip)
}

/// The sheets of an `.xlsx` as calamine reads them.
fn read_xlsx_calamine(
    path: &Path,
    source: Cursor<&[u8]>,
    mut zip: Option<zip::ZipArchive<Cursor<&[u8]>>>,
) -> Result<Vec<Sheet>, WorkbookError> {
    // The merged regions are read from the sheet parts' bytes (one inflate,
    // no second XML parse); calamine when that cannot be done.
    let parts = zip.as_mut().and_then(merges::sheet_parts);
    // What calamine sizes from the file, bounded before it opens it.
    if let Some(zip) = zip.as_mut() {
        calamine_guard::check(path, zip)?;
    }
    let mut wb: Xlsx<_> = Xlsx::new(source).map_err(|e| corrupt(path, "xlsx", e))?;
    let meta = wb.sheets_metadata().to_vec();
    let mut out = Vec::new();
    let mut budget = TextBudget::new(path);
    let mut book = 0u64;
    for s in meta.iter().filter(|s| s.typ == SheetType::WorkSheet) {
        let err = |e: calamine::XlsxError| sheet_err(path, &s.name, e);
        // One pass gives each cell's stored value and its formula, so a
        // formula saved without a result is seen (calamine's range would
        // give an empty cell, read as 0).
        let mut cells: Vec<((u32, u32), CellValue)> = Vec::new();
        {
            let mut reader = wb.worksheet_cells_reader(&s.name).map_err(err)?;
            while let Some(cell) = reader.next_cell_with_formula().map_err(err)? {
                let (r, c) = cell.pos;
                let at = || CellRef::new(Arc::from(s.name.as_str()), r, c).a1();
                if r >= limits::ROWS || c >= limits::COLUMNS {
                    if matches!(cell.value, calamine::DataRef::Empty) && cell.formula.is_none() {
                        continue;
                    }
                    return Err(past_limits(path, &s.name, &at()));
                }
                let text: Option<&str> = match &cell.value {
                    calamine::DataRef::String(t) => Some(t),
                    calamine::DataRef::SharedString(t) => Some(t),
                    _ => None,
                };
                if let Some(t) = text.filter(|t| t.len() > limits::CELL_CHARS) {
                    let n = t.chars().count();
                    if n > limits::CELL_CHARS {
                        return Err(too_long(path, &s.name, &at(), n));
                    }
                }
                if let Some(t) = text {
                    budget.spend(t.len())?;
                }
                let no_value = match &cell.value {
                    calamine::DataRef::Empty => true,
                    calamine::DataRef::String(s) => s.is_empty(),
                    _ => false,
                };
                let value = match cell.formula {
                    Some(f) if no_value && !f.trim().is_empty() => CellValue::Formula(f),
                    _ => CellValue::from_data_ref(&cell.value),
                };
                if !matches!(value, CellValue::Empty) {
                    cells.push((cell.pos, value));
                }
            }
        }
        let scanned = parts
            .as_ref()
            .and_then(|p| p.get(&s.name))
            .zip(zip.as_mut())
            .and_then(|(part, zip)| merges::part_bytes(zip, part))
            .and_then(|xml| merges::scan(&xml));
        let merged = match scanned {
            Some(m) => m,
            None => to_merges(&wb.merge_cells_by_sheet_name(&s.name).map_err(err)?),
        };
        let grid = grid_of(path, &s.name, cells, &merged, &mut book)?;
        let mut sheet = Sheet::new(&s.name, grid, merged);
        sheet.hidden = !visible(s.visible);
        out.push(sheet);
    }
    Ok(out)
}

fn read_xls(path: &Path, source: Cursor<&[u8]>) -> Result<Vec<Sheet>, WorkbookError> {
    // calamine allocates as the file claims (sector chains, every sheet's
    // bounding box, a shared string per cell that names it): bounded first,
    // from the file itself; a file the scan cannot follow is not handed on.
    let extent = xls_extent::extent(source.get_ref())
        .map_err(|why| corrupt(path, "xls", format!("文件结构无法读取：{why}")))?;
    let mut book = 0u64;
    for (i, spread) in extent.spreads.into_iter().enumerate() {
        let name = || {
            spread
                .name
                .clone()
                .unwrap_or_else(|| format!("第 {} 张", i + 1))
        };
        if spread.cells > limits::GRID_CELLS {
            let what = format!("的单元格铺开有 {} 个", spread.cells);
            return Err(past_grid(path, &name(), &what));
        }
        // calamine holds every sheet's range at once.
        book += spread.cells;
        if book > limits::BOOK_CELLS {
            return Err(past_book(path, &name(), book));
        }
    }
    if extent.shared_text > limits::TEXT_BYTES {
        return Err(too_much_text(path, extent.shared_text));
    }
    let mut wb: Xls<_> = Xls::new(source).map_err(|e| corrupt(path, "xls", e))?;
    read_sheets(path, &mut wb, |wb, name| wb.merge_cells_by_sheet_name(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: the hash of (row, column) took its low bits from the
    /// column alone, so a column's cells shared one probe chain and a sheet
    /// of 80,000 rows took 28 s. Now a column's rows spread over the table.
    #[test]
    fn a_columns_cells_spread_over_the_hash_table() {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let build = BuildHasherDefault::<CellHasher>::default();
        for col in [0u32, 2, 7] {
            let buckets: std::collections::HashSet<u64> = (0..4096u32)
                .map(|r| build.hash_one((r, col)) & 4095)
                .collect();
            assert!(
                buckets.len() > 2500,
                "column {col}: {} buckets",
                buckets.len()
            );
        }
    }

    /// The `.xls` pre-scan sees every worksheet calamine reads, by name and
    /// in order, and never less than the range calamine allocates for it.
    #[test]
    fn xls_spreads_cover_what_calamine_allocates() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "xls") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let spreads = xls_extent::extent(&bytes).expect("scanned").spreads;
            let mut wb: Xls<_> = Xls::new(Cursor::new(bytes.as_slice())).unwrap();
            // Every sheet: calamine builds a range for charts too.
            let names: Vec<String> = wb
                .sheets_metadata()
                .iter()
                .map(|s| s.name.clone())
                .collect();
            assert_eq!(
                spreads
                    .iter()
                    .map(|s| s.name.clone().unwrap())
                    .collect::<Vec<_>>(),
                names,
                "{}",
                path.display()
            );
            for (s, name) in spreads.iter().zip(&names) {
                let range = wb.worksheet_range(name).unwrap();
                let area = match (range.start(), range.end()) {
                    (Some(a), Some(b)) => u64::from(b.0 - a.0 + 1) * u64::from(b.1 - a.1 + 1),
                    _ => 0,
                };
                assert!(
                    s.cells >= area,
                    "{} {name}: {} < {area}",
                    path.display(),
                    s.cells
                );
                assert!(s.cells < 100_000, "{} {name}: {}", path.display(), s.cells);
            }
            seen += 1;
        }
        assert!(seen >= 3);
    }

    /// Regression: an `.xls` with one value moved to IV65536 (a 50 KB file)
    /// took 1.6 GB, calamine allocating the sheet's whole bounding box; one
    /// whose DIMENSIONS record claims the largest range had calamine reserve
    /// it. Both are refused before calamine opens the file.
    #[test]
    fn xls_sheets_that_spread_past_the_grid_limit_are_refused_before_calamine() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/qiaokou-2024.xls");
        let original = std::fs::read(&sample).unwrap();
        // The sample's workbook stream lies in consecutive sectors, so a
        // record is found and changed in the file's own bytes.
        let find = |b: &[u8], head: &[u8]| b.windows(4).position(|w| w == head).unwrap();
        let mut far = original.clone();
        let at = find(&far, b"\x03\x02\x0e\x00"); // NUMBER: row, column
        far[at + 4..at + 8].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0x00]);
        let mut claims = original.clone();
        let at = find(&claims, b"\x00\x02\x0e\x00"); // DIMENSIONS (BIFF8)
        claims[at + 8..at + 12].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        claims[at + 14..at + 16].copy_from_slice(&0xFFu16.to_le_bytes());
        for (bytes, words) in [
            (far, "工作表“表11”的单元格铺开有 16777216 个"),
            (claims, "的单元格铺开有 1095216655890 个"),
        ] {
            let err = Workbook::from_bytes(&sample, &bytes)
                .unwrap_err()
                .to_string();
            assert!(err.contains(words), "{err}");
            assert!(err.contains("超出读取上限（每表最多 2000000 个"), "{err}");
        }
        assert!(Workbook::from_bytes(&sample, &original).is_ok());
    }

    #[test]
    fn write_errors_say_what_to_do_in_chinese() {
        use std::io::{Error, ErrorKind};
        for (kind, words) in [
            (ErrorKind::StorageFull, "磁盘空间不足"),
            (ErrorKind::PermissionDenied, "没有写入权限"),
            (ErrorKind::ReadOnlyFilesystem, "文件系统只读"),
        ] {
            assert_eq!(write_reason(&Error::from(kind)), words);
        }
        let e = crate::Error::Output {
            path: "out/t1.csv".into(),
            source: Error::from(ErrorKind::StorageFull),
        };
        assert_eq!(e.to_string(), "out/t1.csv: 无法写入：磁盘空间不足");
    }

    fn t(s: &str) -> CellValue {
        CellValue::Text(s.into())
    }

    /// Whole numbers are written without the float formatter: the text is
    /// still exactly what `{f}` prints, at the edges too.
    #[test]
    fn numbers_normalize_as_they_print() {
        let figures = crate::amount::FLOAT_EDGES;
        let sheet = Sheet::new(
            "表1",
            vec![figures.iter().map(|f| CellValue::Number(*f)).collect()],
            vec![],
        );
        for (c, f) in figures.iter().enumerate() {
            assert_eq!(sheet.norm_at(0, c as u32), format!("{f}"), "{f:?}");
        }
    }

    #[test]
    fn merges_show_their_top_left_value() {
        let sheet = Sheet::new(
            "表5-1",
            vec![
                vec![t("科目编码"), t("合计"), t("基本支出"), CellValue::Empty],
                vec![CellValue::Empty, CellValue::Empty, t("小计"), t("人员经费")],
            ],
            vec![
                Merge {
                    first_row: 0,
                    first_col: 0,
                    last_row: 1,
                    last_col: 0,
                },
                Merge {
                    first_row: 0,
                    first_col: 2,
                    last_row: 0,
                    last_col: 3,
                },
            ],
        );
        assert_eq!(sheet.shown(1, 0), &t("科目编码"));
        assert_eq!(sheet.shown(0, 3), &t("基本支出"));
        assert_eq!(
            sheet.down(1, 0),
            &t("科目编码"),
            "vertical merge carries down"
        );
        assert_eq!(
            sheet.down(0, 3),
            &CellValue::Empty,
            "horizontal span is seen once"
        );
        assert_eq!(sheet.get(5, 9), &CellValue::Empty);
    }

    #[test]
    fn merges_cover_trailing_cells_a_row_does_not_store() {
        // Row 0 is stored as ["收入", Empty, "支出"]: the merge C1:D1 must still cover D1.
        let sheet = Sheet::new(
            "表1",
            vec![
                vec![t("收入"), CellValue::Empty, t("支出")],
                vec![t("项目"), t("预算数"), t("项目"), t("预算数")],
            ],
            vec![
                Merge {
                    first_row: 0,
                    first_col: 0,
                    last_row: 0,
                    last_col: 1,
                },
                Merge {
                    first_row: 0,
                    first_col: 2,
                    last_row: 0,
                    last_col: 3,
                },
            ],
        );
        assert_eq!(sheet.shown(0, 3), &t("支出"));
    }

    #[test]
    fn absurd_merges_do_not_blow_up() {
        let sheet = Sheet::new(
            "x",
            vec![vec![t("a")]],
            vec![Merge {
                first_row: 0,
                first_col: 0,
                last_row: u32::MAX - 1,
                last_col: u32::MAX - 1,
            }],
        );
        assert_eq!(sheet.shown(0, 0), &t("a"));
    }
}
