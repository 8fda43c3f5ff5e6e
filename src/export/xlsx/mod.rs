//! Laid-out pages ([`super::page`]) written as an `.xlsx` package, in one
//! pass over each page's cells into the zip stream.
//!
//! Why our own writer and not rust_xlsxwriter, which wrote these workbooks
//! before: a normalized workbook is a few thousand cells in ten styles, and
//! a bulk run writes thousands of them. rust_xlsxwriter hashes and compares
//! a whole `Format` for every styled cell (a merged area writes every
//! covered cell so), keeps every cell in a map of maps, and assembles each
//! worksheet of a workbook in a thread of its own on every save (about 15
//! threads a workbook, with no switch), so that a run on one thread was
//! not one thread and two threads gained 1.3× where reading gains 1.8×.
//! Here the styles are known in advance, each page's cells are sorted once
//! and written straight out, and nothing is spawned.
//!
//! The markup is the markup rust_xlsxwriter writes for the same workbook,
//! byte for byte — part order, attributes, shared strings, style numbering
//! by first use, column widths and row heights rounded to pixels as Excel
//! stores them — so that a workbook written before this writer existed and
//! one written now are the same file (the committed samples are). What it
//! leaves out (charts, images, comments, formulas …) no layout uses.

mod container;
mod number;

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write as _;

use container::{Container, TooLarge};

use super::page::{Page, Style, Value, Write};

/// The theme every workbook carries (rust_xlsxwriter's, as Excel 2007 wrote it).
const THEME: &[u8] = include_bytes!("theme1.xml");

/// How the styles of a layout look: its fonts and number formats.
#[derive(Debug, Clone, PartialEq)]
pub struct Look {
    pub font: String,
    /// Points; the title's size is [`Look::title_size`].
    pub size: f64,
    pub title_size: f64,
    /// Figures (`#,##0.00`).
    pub number_format: String,
    /// Shares and rates (`0.00%`).
    pub percent_format: String,
}

impl Default for Look {
    fn default() -> Look {
        Look {
            font: "宋体".into(),
            size: 10.0,
            title_size: 16.0,
            number_format: "#,##0.00".into(),
            percent_format: "0.00%".into(),
        }
    }
}

/// The document's properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Properties {
    pub author: String,
    /// `2024-01-15T00:00:00Z`: fixed, so that the same budget gives the same bytes.
    pub created: String,
}

impl Default for Properties {
    fn default() -> Properties {
        Properties {
            author: "yusuan samples".into(),
            created: "2024-01-15T00:00:00Z".into(),
        }
    }
}

/// Options of one package.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    pub look: Look,
    pub properties: Properties,
    /// Deflate level (1 fastest … 9 smallest); `None`: 6.
    pub zip_level: Option<u8>,
}

/// Why a package could not be written.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    #[error("工作表名“{0}”不能用作 Excel 工作表名（不超过 31 个字符，不含 []:*?/\\，不以 ' 开头或结尾，不重复）")]
    SheetName(String),
    #[error("工作表“{0}”超出 Excel 的行列范围")]
    Bounds(String),
    #[error("写入失败：{0}")]
    TooLarge(#[from] TooLarge),
    #[error("写入失败：{0}")]
    Io(#[from] std::io::Error),
}

// ---------------------------------------------------------------- styles

/// A style's properties, as a spreadsheet stores them.
#[derive(Debug, Clone, PartialEq)]
struct Xf {
    bold: bool,
    size: f64,
    border: bool,
    horizontal: Option<&'static str>,
    vertical: Option<&'static str>,
    wrap: bool,
    num_format: Option<String>,
}

impl Xf {
    fn of(style: Style, look: &Look) -> Xf {
        let plain = Xf {
            bold: false,
            size: look.size,
            border: false,
            horizontal: None,
            vertical: None,
            wrap: false,
            num_format: None,
        };
        let bordered = Xf {
            border: true,
            ..plain.clone()
        };
        match style {
            Style::Default => plain,
            Style::Title => Xf {
                bold: true,
                size: look.title_size,
                horizontal: Some("center"),
                ..plain
            },
            Style::Plain => plain,
            Style::Note => Xf {
                vertical: Some("top"),
                wrap: true,
                ..plain
            },
            Style::Right => Xf {
                horizontal: Some("right"),
                ..plain
            },
            Style::Header => Xf {
                bold: true,
                horizontal: Some("center"),
                vertical: Some("center"),
                wrap: true,
                ..bordered
            },
            Style::Text => Xf {
                vertical: Some("center"),
                wrap: true,
                ..bordered
            },
            Style::Code => Xf {
                num_format: Some("@".into()),
                ..bordered
            },
            Style::Number => Xf {
                num_format: Some(look.number_format.clone()),
                ..bordered
            },
            Style::Percent => Xf {
                num_format: Some(look.percent_format.clone()),
                ..bordered
            },
            Style::Section => Xf {
                bold: true,
                vertical: Some("center"),
                wrap: true,
                ..bordered
            },
        }
    }
}

/// The styles used, numbered by first use (page by page, row by row):
/// index 0 is the default.
#[derive(Default)]
struct Styles {
    order: Vec<Style>,
}

impl Styles {
    fn index(&mut self, s: Style) -> u32 {
        if s == Style::Default {
            return 0;
        }
        match self.order.iter().position(|x| *x == s) {
            Some(i) => i as u32 + 1,
            None => {
                self.order.push(s);
                self.order.len() as u32
            }
        }
    }

    fn xml(&self, look: &Look) -> Vec<u8> {
        let xfs: Vec<Xf> = self.order.iter().map(|s| Xf::of(*s, look)).collect();
        // Fonts, borders and number formats, each numbered by first use.
        let mut fonts: Vec<(bool, f64)> = Vec::new();
        let mut formats: Vec<&str> = Vec::new();
        let mut border = false;
        let mut ids = Vec::new();
        for xf in &xfs {
            let font = match fonts.iter().position(|f| *f == (xf.bold, xf.size)) {
                Some(i) => i,
                None => {
                    fonts.push((xf.bold, xf.size));
                    fonts.len() - 1
                }
            } + 1;
            let num = xf.num_format.as_deref().map(|f| {
                164 + match formats.iter().position(|x| *x == f) {
                    Some(i) => i,
                    None => {
                        formats.push(f);
                        formats.len() - 1
                    }
                }
            });
            border |= xf.border;
            ids.push((font, num));
        }
        let mut o = String::with_capacity(4096);
        o.push_str(DECLARATION);
        o.push_str(
            "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
        );
        if !formats.is_empty() {
            o.push_str(&format!("<numFmts count=\"{}\">", formats.len()));
            for (i, f) in formats.iter().enumerate() {
                o.push_str(&format!(
                    "<numFmt numFmtId=\"{}\" formatCode=\"{}\"/>",
                    164 + i,
                    escape_attr(f)
                ));
            }
            o.push_str("</numFmts>");
        }
        o.push_str(&format!("<fonts count=\"{}\">", fonts.len() + 1));
        o.push_str("<font><sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font>");
        for (bold, size) in &fonts {
            o.push_str(&format!(
                "<font>{}<sz val=\"{size}\"/><color theme=\"1\"/><name val=\"{}\"/><family val=\"2\"/></font>",
                if *bold { "<b/>" } else { "" },
                escape_attr(&look.font)
            ));
        }
        o.push_str("</fonts>");
        o.push_str("<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>");
        o.push_str(&format!(
            "<borders count=\"{}\"><border><left/><right/><top/><bottom/><diagonal/></border>",
            1 + usize::from(border)
        ));
        if border {
            o.push_str("<border><left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\"><color auto=\"1\"/></right><top style=\"thin\"><color auto=\"1\"/></top><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border>");
        }
        o.push_str("</borders>");
        o.push_str("<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>");
        o.push_str(&format!("<cellXfs count=\"{}\">", xfs.len() + 1));
        o.push_str("<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>");
        for (xf, (font, num)) in xfs.iter().zip(&ids) {
            let align = xf.horizontal.is_some() || xf.vertical.is_some() || xf.wrap;
            o.push_str(&format!(
                "<xf numFmtId=\"{}\" fontId=\"{font}\" fillId=\"0\" borderId=\"{}\" xfId=\"0\"",
                num.unwrap_or(0),
                usize::from(xf.border)
            ));
            if num.is_some() {
                o.push_str(" applyNumberFormat=\"1\"");
            }
            o.push_str(" applyFont=\"1\"");
            if xf.border {
                o.push_str(" applyBorder=\"1\"");
            }
            if align {
                o.push_str(" applyAlignment=\"1\"><alignment");
                if let Some(h) = xf.horizontal {
                    o.push_str(&format!(" horizontal=\"{h}\""));
                }
                if let Some(v) = xf.vertical {
                    o.push_str(&format!(" vertical=\"{v}\""));
                }
                if xf.wrap {
                    o.push_str(" wrapText=\"1\"");
                }
                o.push_str("/></xf>");
            } else {
                o.push_str("/>");
            }
        }
        o.push_str("</cellXfs>");
        o.push_str("<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles><dxfs count=\"0\"/><tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" defaultPivotStyle=\"PivotStyleLight16\"/></styleSheet>");
        o.into_bytes()
    }
}

// ---------------------------------------------------------------- strings

/// A hasher for the strings of one workbook (FxHash's multiply and
/// rotate, a word at a time): SipHash's resistance to chosen keys is not
/// needed for a table's own texts, and it was a tenth of writing them.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().unwrap_or_default());
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The shared strings, numbered by first use.
#[derive(Default)]
struct Strings<'a> {
    index: HashMap<&'a str, u32, std::hash::BuildHasherDefault<Fx>>,
    order: Vec<&'a str>,
    /// String cells written, repeats included.
    count: usize,
}

impl<'a> Strings<'a> {
    fn index(&mut self, s: &'a str) -> u32 {
        self.count += 1;
        let next = self.order.len() as u32;
        *self.index.entry(s).or_insert_with(|| {
            self.order.push(s);
            next
        })
    }

    fn xml(&self) -> Vec<u8> {
        let mut o = Vec::with_capacity(64 * self.order.len() + 256);
        o.extend_from_slice(DECLARATION.as_bytes());
        o.extend_from_slice(
            format!(
                "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{}\" uniqueCount=\"{}\">",
                self.count,
                self.order.len()
            )
            .as_bytes(),
        );
        for s in &self.order {
            let ws = ['\t', '\n', ' '];
            if s.starts_with(ws) || s.ends_with(ws) {
                o.extend_from_slice(b"<si><t xml:space=\"preserve\">");
            } else {
                o.extend_from_slice(b"<si><t>");
            }
            escape_text(&mut o, s);
            o.extend_from_slice(b"</t></si>");
        }
        o.extend_from_slice(b"</sst>");
        o
    }
}

// ---------------------------------------------------------------- sheets

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Excel's last row and column.
const ROW_MAX: u32 = 1_048_576;
const COL_MAX: u16 = 16_384;

/// A cell as finally written.
#[derive(Clone, Copy)]
enum Out<'a> {
    Str(&'a str),
    Num(rust_decimal::Decimal),
    Blank,
}

/// Column widths as Excel stores them: whole pixels of a 7-pixel digit
/// with 5 pixels of padding, back in characters to 1/256.
fn width_pixels(w: f64) -> u32 {
    if w <= 0.0 {
        0
    } else if w < 1.0 {
        (w * 12.0).round() as u32
    } else {
        (w * 7.0).round() as u32 + 5
    }
}

/// A column width in characters as a `<col>` stores it (rust_xlsxwriter's
/// `set_column_width` writes the same).
pub(crate) fn stored_width(w: f64) -> f64 {
    f64::from(width_pixels(w) * 256 / 7) / 256.0
}

/// Row heights as Excel stores them: whole pixels, back in points.
fn height_pixels(h: f64) -> u32 {
    (h * 4.0 / 3.0).round() as u32
}

fn push_u32(o: &mut Vec<u8>, mut n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    o.extend_from_slice(&buf[i..]);
}

fn push_col(o: &mut Vec<u8>, col: u16) {
    let mut buf = [0u8; 3];
    let mut i = buf.len();
    let mut n = u32::from(col) + 1;
    while n > 0 {
        i -= 1;
        buf[i] = b'A' + ((n - 1) % 26) as u8;
        n = (n - 1) / 26;
    }
    o.extend_from_slice(&buf[i..]);
}

fn cell_name(row: u32, col: u16) -> String {
    let mut o = Vec::new();
    push_col(&mut o, col);
    push_u32(&mut o, row + 1);
    String::from_utf8(o).unwrap_or_default()
}

/// `1.5` as rust_xlsxwriter writes an `f64` attribute.
fn push_f64(o: &mut Vec<u8>, v: f64) {
    let _ = write!(o, "{v}");
}

/// A height of `px` pixels in points (¾ of a pixel each), as `push_f64`
/// writes it: `15`, `14.25`, `20.5`.
fn push_points(o: &mut Vec<u8>, px: u32) {
    let quarters = u64::from(px) * 3;
    push_u32(o, u32::try_from(quarters / 4).unwrap_or(u32::MAX));
    o.extend_from_slice(match quarters % 4 {
        1 => b".25",
        2 => b".5",
        3 => b".75",
        _ => b"",
    });
}

/// A page's cells as finally written: the last write to each cell, row by
/// row; its merged areas; its rows given a height; its used range.
struct Cells<'a> {
    kept: Vec<(u32, u16, Out<'a>, Style)>,
    merges: Vec<(u32, u16, u32, u16)>,
    /// (row, height in pixels), in order; a default height is none.
    heights: Vec<(u32, u32)>,
    /// First row, first column, last row, last column.
    dims: Option<(u32, u16, u32, u16)>,
}

impl<'a> Cells<'a> {
    fn of(page: &'a Page) -> Result<Cells<'a>, XlsxError> {
        // Every write, in order, as (row, column, order, cell, style); the
        // last write to a cell wins, as in a spreadsheet program.
        let mut cells: Vec<(u32, u16, u32, Out<'a>, Style)> =
            Vec::with_capacity(page.writes.len() + 64);
        let mut merges = Vec::new();
        let mut seq = 0u32;
        for w in &page.writes {
            match w {
                Write::Cell {
                    row,
                    col,
                    value,
                    style,
                } => {
                    let out = match value {
                        // An empty text without a style is no cell at all.
                        Value::Text(s) if s.is_empty() && *style == Style::Default => continue,
                        Value::Text(s) if s.is_empty() => Out::Blank,
                        Value::Text(s) => Out::Str(s),
                        Value::Number(d) => Out::Num(*d),
                    };
                    cells.push((*row, *col, seq, out, *style));
                    seq += 1;
                }
                Write::Merge {
                    first_row,
                    first_col,
                    last_row,
                    last_col,
                    text,
                    style,
                } => {
                    for r in *first_row..=*last_row {
                        for c in *first_col..=*last_col {
                            let out = if (r, c) == (*first_row, *first_col) && !text.is_empty() {
                                Out::Str(text)
                            } else {
                                Out::Blank
                            };
                            cells.push((r, c, seq, out, *style));
                            seq += 1;
                        }
                    }
                    merges.push((*first_row, *first_col, *last_row, *last_col));
                }
            }
        }
        if cells
            .iter()
            .any(|(r, c, ..)| *r >= ROW_MAX || *c >= COL_MAX)
        {
            return Err(XlsxError::Bounds(page.name.clone()));
        }
        // In order of row, column and write, by one number each: a row
        // takes 20 bits, a column 14 (Excel's bounds), the write the rest.
        let key = |(r, c, s, ..): &(u32, u16, u32, Out<'a>, Style)| {
            (u64::from(*r) << 44) | (u64::from(*c) << 30) | u64::from(*s)
        };
        if cells.len() >= 1 << 30 {
            return Err(XlsxError::Bounds(page.name.clone()));
        }
        let mut order: Vec<u64> = cells.iter().map(key).collect();
        if !order.is_sorted() {
            order.sort_unstable();
        }
        let at = |k: u64| &cells[(k & ((1 << 30) - 1)) as usize];
        let mut dims: Option<(u32, u16, u32, u16)> = None;
        let mut kept = Vec::with_capacity(cells.len());
        for (i, k) in order.iter().enumerate() {
            let (r, c, _, v, s) = at(*k);
            let d = dims.get_or_insert((*r, *c, *r, *c));
            *d = (d.0.min(*r), d.1.min(*c), d.2.max(*r), d.3.max(*c));
            // The last write to a cell wins.
            let overwritten = order.get(i + 1).is_some_and(|n| n >> 30 == k >> 30);
            if !overwritten {
                kept.push((*r, *c, *v, *s));
            }
        }
        let heights: Vec<(u32, u32)> = page
            .heights
            .iter()
            .map(|(r, h)| (*r, height_pixels(*h)))
            .filter(|(_, px)| *px != 20 && *px != 0)
            .collect();
        // A row given a height is in the used range, at its first column.
        for (r, _) in &heights {
            let min_col = dims.map_or(0, |d| d.1);
            let d = dims.get_or_insert((*r, min_col, *r, min_col));
            *d = (d.0.min(*r), d.1, d.2.max(*r), d.3.max(min_col));
        }
        Ok(Cells {
            kept,
            merges,
            heights,
            dims,
        })
    }
}

/// The XML of one page; `selected` for the first sheet.
fn sheet_xml<'a>(
    page: &'a Page,
    selected: bool,
    styles: &mut Styles,
    strings: &mut Strings<'a>,
) -> Result<Vec<u8>, XlsxError> {
    let cells = Cells::of(page)?;
    let mut o: Vec<u8> = Vec::with_capacity(cells.kept.len() * 40 + 2048);
    o.extend_from_slice(DECLARATION.as_bytes());
    o.extend_from_slice(b"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">");
    if page.print.a4_one_page_wide {
        o.extend_from_slice(b"<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>");
    }
    o.extend_from_slice(b"<dimension ref=\"");
    match cells.dims {
        Some((r1, c1, r2, c2)) if (r1, c1) != (r2, c2) => {
            o.extend_from_slice(cell_name(r1, c1).as_bytes());
            o.push(b':');
            o.extend_from_slice(cell_name(r2, c2).as_bytes());
        }
        Some((r1, c1, ..)) => o.extend_from_slice(cell_name(r1, c1).as_bytes()),
        None => o.extend_from_slice(b"A1"),
    }
    o.extend_from_slice(b"\"/>");
    sheet_views(&mut o, page, selected);
    o.extend_from_slice(b"<sheetFormatPr defaultRowHeight=\"15\"/>");
    cols(&mut o, page);
    sheet_data(&mut o, &cells, styles, strings);
    if !cells.merges.is_empty() {
        o.extend_from_slice(b"<mergeCells count=\"");
        push_u32(&mut o, cells.merges.len() as u32);
        o.extend_from_slice(b"\">");
        for (r1, c1, r2, c2) in &cells.merges {
            o.extend_from_slice(b"<mergeCell ref=\"");
            o.extend_from_slice(cell_name(*r1, *c1).as_bytes());
            o.push(b':');
            o.extend_from_slice(cell_name(*r2, *c2).as_bytes());
            o.extend_from_slice(b"\"/>");
        }
        o.extend_from_slice(b"</mergeCells>");
    }
    if page.print.a4_one_page_wide {
        o.extend_from_slice(b"<printOptions horizontalCentered=\"1\"/>");
    }
    o.extend_from_slice(b"<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>");
    if page.print.a4_one_page_wide || page.print.landscape || page.repeat_rows.is_some() {
        o.extend_from_slice(b"<pageSetup ");
        if page.print.a4_one_page_wide {
            o.extend_from_slice(b"paperSize=\"9\" fitToHeight=\"0\" ");
        }
        o.extend_from_slice(if page.print.landscape {
            b"orientation=\"landscape\""
        } else {
            b"orientation=\"portrait\""
        });
        o.extend_from_slice(b" horizontalDpi=\"200\" verticalDpi=\"200\"/>");
    }
    o.extend_from_slice(b"</worksheet>");
    Ok(o)
}

/// `<sheetViews>`: the first sheet selected; a frozen header as a pane.
fn sheet_views(o: &mut Vec<u8>, page: &Page, selected: bool) {
    o.extend_from_slice(b"<sheetViews><sheetView ");
    if selected {
        o.extend_from_slice(b"tabSelected=\"1\" ");
    }
    o.extend_from_slice(b"workbookViewId=\"0\"");
    let Some((row, col)) = page.freeze.filter(|(r, c)| *r > 0 || *c > 0) else {
        o.extend_from_slice(b"/></sheetViews>");
        return;
    };
    o.extend_from_slice(b"><pane ");
    if col > 0 {
        o.extend_from_slice(format!("xSplit=\"{col}\" ").as_bytes());
    }
    if row > 0 {
        o.extend_from_slice(format!("ySplit=\"{row}\" ").as_bytes());
    }
    let active = match (row > 0, col > 0) {
        (true, true) => "bottomRight",
        (false, true) => "topRight",
        _ => "bottomLeft",
    };
    o.extend_from_slice(
        format!(
            "topLeftCell=\"{}\" activePane=\"{active}\" state=\"frozen\"/>",
            cell_name(row, col)
        )
        .as_bytes(),
    );
    if row > 0 && col > 0 {
        let top_right = cell_name(0, col);
        let bottom_left = cell_name(row, 0);
        o.extend_from_slice(
            format!(
                "<selection pane=\"topRight\" activeCell=\"{top_right}\" sqref=\"{top_right}\"/><selection pane=\"bottomLeft\" activeCell=\"{bottom_left}\" sqref=\"{bottom_left}\"/>"
            )
            .as_bytes(),
        );
    }
    o.extend_from_slice(
        format!("<selection pane=\"{active}\"/></sheetView></sheetViews>").as_bytes(),
    );
}

/// `<cols>`: neighbouring columns of one width in one element.
fn cols(o: &mut Vec<u8>, page: &Page) {
    let widths: Vec<(u16, u32)> = page
        .widths
        .iter()
        .map(|(c, w)| (*c, width_pixels(*w)))
        .collect();
    if widths.is_empty() {
        return;
    }
    o.extend_from_slice(b"<cols>");
    let mut i = 0;
    while i < widths.len() {
        let (first, px) = widths[i];
        let mut last = first;
        while i + 1 < widths.len() && widths[i + 1].0 == last + 1 && widths[i + 1].1 == px {
            i += 1;
            last = widths[i].0;
        }
        o.extend_from_slice(b"<col min=\"");
        push_u32(o, u32::from(first) + 1);
        o.extend_from_slice(b"\" max=\"");
        push_u32(o, u32::from(last) + 1);
        o.extend_from_slice(b"\" width=\"");
        push_f64(o, f64::from(px * 256 / 7) / 256.0);
        o.push(b'"');
        if px == 0 {
            o.extend_from_slice(b" hidden=\"1\"");
        }
        // 64 pixels is Excel's default width.
        if px != 64 {
            o.extend_from_slice(b" customWidth=\"1\"");
        }
        o.extend_from_slice(b"/>");
        i += 1;
    }
    o.extend_from_slice(b"</cols>");
}

/// `<sheetData>`: each row with a cell or a height, its cells in order.
fn sheet_data<'a>(
    o: &mut Vec<u8>,
    cells: &Cells<'a>,
    styles: &mut Styles,
    strings: &mut Strings<'a>,
) {
    let Some((first_row, _, last_row, _)) = cells.dims else {
        o.extend_from_slice(b"<sheetData/>");
        return;
    };
    let kept = &cells.kept;
    o.extend_from_slice(b"<sheetData>");
    // `spans`: the columns used in each block of 16 rows.
    let mut spans: Vec<(u32, u16, u16)> = Vec::new();
    for (r, c, ..) in kept {
        match spans.last_mut() {
            Some((block, a, b)) if *block == r / 16 => {
                *a = (*a).min(*c);
                *b = (*b).max(*c);
            }
            _ => spans.push((r / 16, *c, *c)),
        }
    }
    let (mut at, mut hi) = (0, 0);
    for row in first_row..=last_row {
        while hi < cells.heights.len() && cells.heights[hi].0 < row {
            hi += 1;
        }
        let height = cells
            .heights
            .get(hi)
            .filter(|(r, _)| *r == row)
            .map(|(_, px)| *px);
        let start = at;
        while at < kept.len() && kept[at].0 == row {
            at += 1;
        }
        if start == at && height.is_none() {
            continue;
        }
        o.extend_from_slice(b"<row r=\"");
        push_u32(o, row + 1);
        o.push(b'"');
        if let Some((_, a, b)) = spans.iter().find(|(block, ..)| *block == row / 16) {
            o.extend_from_slice(b" spans=\"");
            push_u32(o, u32::from(*a) + 1);
            o.push(b':');
            push_u32(o, u32::from(*b) + 1);
            o.push(b'"');
        }
        if let Some(px) = height {
            o.extend_from_slice(b" ht=\"");
            push_points(o, px);
            o.extend_from_slice(b"\" customHeight=\"1\"");
        }
        if start == at {
            o.extend_from_slice(b"/>");
            continue;
        }
        o.push(b'>');
        for (r, c, v, s) in &kept[start..at] {
            let xf = styles.index(*s);
            o.extend_from_slice(b"<c r=\"");
            push_col(o, *c);
            push_u32(o, r + 1);
            o.push(b'"');
            if xf > 0 {
                o.extend_from_slice(b" s=\"");
                push_u32(o, xf);
                o.push(b'"');
            }
            match v {
                Out::Str(text) => {
                    o.extend_from_slice(b" t=\"s\"><v>");
                    push_u32(o, strings.index(text));
                    o.extend_from_slice(b"</v></c>");
                }
                Out::Num(d) => {
                    o.extend_from_slice(b"><v>");
                    number::push(o, *d);
                    o.extend_from_slice(b"</v></c>");
                }
                Out::Blank => o.extend_from_slice(b"/>"),
            }
        }
        o.extend_from_slice(b"</row>");
    }
    o.extend_from_slice(b"</sheetData>");
}

// ---------------------------------------------------------------- package

fn escape_with(o: &mut Vec<u8>, s: &str, attr: bool) {
    // Most texts have nothing to escape: as they are.
    let plain = |b: &u8| !matches!(b, b'&' | b'<' | b'>' | b'"' | 0xEF) && *b >= 0x20;
    if s.as_bytes().iter().all(plain) {
        o.extend_from_slice(s.as_bytes());
        return;
    }
    for ch in s.chars() {
        match ch {
            '&' => o.extend_from_slice(b"&amp;"),
            '<' => o.extend_from_slice(b"&lt;"),
            '>' => o.extend_from_slice(b"&gt;"),
            '"' if attr => o.extend_from_slice(b"&quot;"),
            '\n' if attr => o.extend_from_slice(b"&#xA;"),
            // Characters XML 1.0 cannot carry in text, as Excel escapes them.
            c if !attr
                && ((c as u32) < 0x20 && !matches!(c, '\t' | '\n')
                    || matches!(c, '\u{FFFE}' | '\u{FFFF}')) =>
            {
                let _ = write!(o, "_x{:04X}_", c as u32);
            }
            c => {
                let mut b = [0u8; 4];
                o.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
}

/// Text content: `&`, `<`, `>` and control characters; a literal `_xHHHH_`
/// is escaped so that a reader does not take it for a character.
fn escape_text(o: &mut Vec<u8>, s: &str) {
    if s.contains("_x") {
        escape_with(o, &escape_escapes(s), false);
    } else {
        escape_with(o, s, false);
    }
}

/// `_x0041_` written as `_x005F_x0041_`: the text itself, not an `A`.
fn escape_escapes(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < b.len() {
        let looks = b.len() >= i + 7
            && &b[i..i + 2] == b"_x"
            && b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
            && b[i + 6] == b'_';
        if looks {
            out.push_str("_x005F");
            i += 1;
            out.push('_');
            continue;
        }
        let ch = s[i..].chars().next().unwrap_or('\u{FFFD}');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

fn escape_attr(s: &str) -> String {
    let mut o = Vec::with_capacity(s.len());
    escape_with(&mut o, s, true);
    String::from_utf8(o).unwrap_or_default()
}

fn escape_data(s: &str) -> String {
    let mut o = Vec::with_capacity(s.len());
    escape_with(&mut o, s, false);
    String::from_utf8(o).unwrap_or_default()
}

/// Whether Excel accepts `name` as a sheet name.
fn valid_sheet_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 31
        && !name.contains(['[', ']', ':', '*', '?', '/', '\\'])
        && !name.starts_with('\'')
        && !name.ends_with('\'')
}

/// Pages written as an `.xlsx` package.
///
/// # Errors
/// [`XlsxError::SheetName`] for a name Excel refuses (or a repeated one),
/// [`XlsxError::Bounds`] for a cell past Excel's last row or column.
pub fn write(pages: &[Page], options: &Options) -> Result<Vec<u8>, XlsxError> {
    let mut seen = std::collections::HashSet::new();
    for p in pages {
        if !valid_sheet_name(&p.name) || !seen.insert(p.name.to_lowercase()) {
            return Err(XlsxError::SheetName(p.name.clone()));
        }
    }
    let mut styles = Styles::default();
    let mut strings = Strings::default();
    let mut sheets = Vec::with_capacity(pages.len());
    for (i, p) in pages.iter().enumerate() {
        sheets.push(sheet_xml(p, i == 0, &mut styles, &mut strings)?);
    }
    let n = pages.len();
    let has_strings = strings.count > 0;
    // Rows repeated on each printed page, in Excel's order of names.
    let mut titles: Vec<(usize, String)> = pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.repeat_rows.map(|(a, b)| {
                let quoted = rust_xlsxwriter::utility::quote_sheet_name(&p.name);
                (i, format!("{quoted}!${}:${}", a + 1, b + 1))
            })
        })
        .collect();
    titles.sort_by(|a, b| a.1.cmp(&b.1));

    // Each part's bytes: made for this package, or the same in every one.
    let mut parts: Vec<(String, Cow<'static, [u8]>)> = Vec::with_capacity(n + 10);
    parts.push((
        "[Content_Types].xml".into(),
        Cow::Owned(content_types(n, has_strings)),
    ));
    parts.push(("_rels/.rels".into(), Cow::Owned(format!("{DECLARATION}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>").into_bytes())));
    parts.push((
        "xl/_rels/workbook.xml.rels".into(),
        Cow::Owned(workbook_rels(n, has_strings)),
    ));
    parts.push(("xl/theme/theme1.xml".into(), Cow::Borrowed(THEME)));
    parts.push((
        "xl/styles.xml".into(),
        Cow::Owned(styles.xml(&options.look)),
    ));
    parts.push((
        "xl/workbook.xml".into(),
        Cow::Owned(workbook_xml(pages, &titles)),
    ));
    for (i, xml) in sheets.into_iter().enumerate() {
        parts.push((format!("xl/worksheets/sheet{}.xml", i + 1), Cow::Owned(xml)));
    }
    if has_strings {
        parts.push(("xl/sharedStrings.xml".into(), Cow::Owned(strings.xml())));
    }
    let props = &options.properties;
    parts.push(("docProps/core.xml".into(), Cow::Owned(format!(
        "{DECLARATION}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:creator>{a}</dc:creator><cp:lastModifiedBy>{a}</cp:lastModifiedBy><dcterms:created xsi:type=\"dcterms:W3CDTF\">{t}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{t}</dcterms:modified></cp:coreProperties>",
        a = escape_data(&props.author),
        t = escape_data(&props.created)
    ).into_bytes())));
    parts.push((
        "docProps/app.xml".into(),
        Cow::Owned(app_xml(pages, &titles)),
    ));

    let level = options.zip_level.map_or(6, u32::from).min(9);
    let mut zip = Container::new(
        level,
        parts.iter().map(|(_, b)| b.len()).sum::<usize>() / 4 + THEME.len(),
    );
    for (name, bytes) in &parts {
        match bytes {
            Cow::Borrowed(constant) => zip.add_constant(name, constant)?,
            Cow::Owned(made) => zip.add(name, made)?,
        }
    }
    Ok(zip.finish()?)
}

/// Parts zipped as [`write`] zips a package's, nothing rendered: the
/// least writing a package costs (`examples/bench.rs`).
///
/// # Errors
/// [`XlsxError::TooLarge`] past the sizes of a zip without 64-bit extensions.
pub fn zip_parts(parts: &[(String, Vec<u8>)], zip_level: Option<u8>) -> Result<Vec<u8>, XlsxError> {
    let level = zip_level.map_or(6, u32::from).min(9);
    let mut zip = Container::new(level, parts.iter().map(|(_, b)| b.len()).sum::<usize>() / 4);
    for (name, bytes) in parts {
        zip.add(name, bytes)?;
    }
    Ok(zip.finish()?)
}

fn content_types(n: usize, has_strings: bool) -> Vec<u8> {
    let mut ct = String::from(DECLARATION);
    ct.push_str("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/><Override PartName=\"/xl/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>");
    for i in 1..=n {
        ct.push_str(&format!("<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"));
    }
    if has_strings {
        ct.push_str("<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>");
    }
    ct.push_str("</Types>");
    ct.into_bytes()
}

fn workbook_rels(n: usize, has_strings: bool) -> Vec<u8> {
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut wr = String::from(DECLARATION);
    wr.push_str(
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    for i in 1..=n {
        wr.push_str(&format!("<Relationship Id=\"rId{i}\" Type=\"{REL}/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"));
    }
    wr.push_str(&format!(
        "<Relationship Id=\"rId{}\" Type=\"{REL}/theme\" Target=\"theme/theme1.xml\"/>",
        n + 1
    ));
    wr.push_str(&format!(
        "<Relationship Id=\"rId{}\" Type=\"{REL}/styles\" Target=\"styles.xml\"/>",
        n + 2
    ));
    if has_strings {
        wr.push_str(&format!("<Relationship Id=\"rId{}\" Type=\"{REL}/sharedStrings\" Target=\"sharedStrings.xml\"/>", n + 3));
    }
    wr.push_str("</Relationships>");
    wr.into_bytes()
}

/// `xl/workbook.xml`: the sheets, hidden ones said so, and the rows each
/// repeats on every printed page.
fn workbook_xml(pages: &[Page], titles: &[(usize, String)]) -> Vec<u8> {
    let mut wb = String::from(DECLARATION);
    wb.push_str("<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><fileVersion appName=\"xl\" lastEdited=\"4\" lowestEdited=\"4\" rupBuild=\"4505\"/><workbookPr defaultThemeVersion=\"124226\"/><bookViews><workbookView xWindow=\"240\" yWindow=\"15\" windowWidth=\"16095\" windowHeight=\"9660\"/></bookViews><sheets>");
    for (i, p) in pages.iter().enumerate() {
        wb.push_str(&format!(
            "<sheet name=\"{}\" sheetId=\"{}\"{} r:id=\"rId{}\"/>",
            escape_attr(&p.name),
            i + 1,
            if p.hidden { " state=\"hidden\"" } else { "" },
            i + 1
        ));
    }
    wb.push_str("</sheets>");
    if !titles.is_empty() {
        wb.push_str("<definedNames>");
        for (i, range) in titles {
            wb.push_str(&format!(
                "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{i}\">{}</definedName>",
                escape_data(range)
            ));
        }
        wb.push_str("</definedNames>");
    }
    wb.push_str("<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>");
    wb.into_bytes()
}

/// `docProps/app.xml`: the sheets and named ranges, by name.
fn app_xml(pages: &[Page], titles: &[(usize, String)]) -> Vec<u8> {
    let n = pages.len();
    let mut app = String::from(DECLARATION);
    app.push_str("<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><HeadingPairs>");
    let pairs = 1 + usize::from(!titles.is_empty());
    app.push_str(&format!(
        "<vt:vector size=\"{}\" baseType=\"variant\"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>{n}</vt:i4></vt:variant>",
        pairs * 2
    ));
    if !titles.is_empty() {
        app.push_str(&format!(
            "<vt:variant><vt:lpstr>Named Ranges</vt:lpstr></vt:variant><vt:variant><vt:i4>{}</vt:i4></vt:variant>",
            titles.len()
        ));
    }
    app.push_str(&format!(
        "</vt:vector></HeadingPairs><TitlesOfParts><vt:vector size=\"{}\" baseType=\"lpstr\">",
        n + titles.len()
    ));
    for p in pages {
        app.push_str(&format!("<vt:lpstr>{}</vt:lpstr>", escape_data(&p.name)));
    }
    for (i, _) in titles {
        let quoted = rust_xlsxwriter::utility::quote_sheet_name(&pages[*i].name);
        app.push_str(&format!(
            "<vt:lpstr>{}</vt:lpstr>",
            escape_data(&format!("{quoted}!Print_Titles"))
        ));
    }
    app.push_str("</vt:vector></TitlesOfParts><Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>");
    app.into_bytes()
}

/// A figure as a cell's value is written (`<v>…</v>`).
pub(crate) fn push_number(o: &mut Vec<u8>, d: rust_decimal::Decimal) {
    number::push(o, d);
}

#[cfg(test)]
mod tests;
