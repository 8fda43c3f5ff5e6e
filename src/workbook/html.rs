//! Web-page exports saved as `.xls`: finance systems and reporting tools
//! write a budget as an HTML page of tables and name it `.xls`, which Excel
//! opens. Each `<table>` becomes a sheet (`Sheet1`, `Sheet2`…, in order);
//! `rowspan`/`colspan` become merged regions; the text around a table (a
//! heading with the title, a `单位：万元` line, the notes after it) becomes
//! rows above and below it, where the importer looks for them; between two
//! tables, lines are the first one's notes until the next one's title or
//! unit line.
//!
//! HTML has no number type, so a cell whose text is a plain number
//! (`3,248,300.00`, `-12.5`, `0`) is read as one, as Excel does when it opens
//! the page; text Excel would keep (a leading zero as in `001001`, more than
//! 15 digits, `x:str`, `mso-number-format:"\@"`) stays text. Excel's own
//! web pages give the stored value in `x:num`, which is read first.
//!
//! A tolerant reader of the markup tables use, not a browser: unclosed
//! `<td>`/`<tr>` are closed by the next one, comments, scripts and styles
//! are skipped, a table inside a cell gives its text to that cell, and text
//! in no cell goes above its table, where a browser shows it.

use std::path::Path;

use super::error::{past_limits, too_long, WorkbookError};
use super::limits;
use super::sheet::{check_extent, CellValue, Merge, Sheet};

/// The text of a page: its byte-order mark, else the `charset` its
/// `<meta>` names, else UTF-8 when it is, else GB18030 (what Chinese
/// Windows tools write without saying so).
pub(super) fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    let head = &bytes[..bytes.len().min(4096)];
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    if let Some(at) = lower.find("charset=") {
        let label: String = lower[at + "charset=".len()..]
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        if let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes()) {
            // A page says gb2312 and holds GBK: GB18030 reads both.
            let enc = if enc == encoding_rs::GBK {
                encoding_rs::GB18030
            } else {
                enc
            };
            return enc.decode_without_bom_handling(bytes).0.into_owned();
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// One tag: its lowercase name, whether it closes, its attributes.
struct Tag<'a> {
    name: String,
    closing: bool,
    attrs: Vec<(String, &'a str)>,
}

impl Tag<'_> {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

/// Parses the tag whose text (between `<` and `>`) is `s`.
fn parse_tag(s: &str) -> Tag<'_> {
    let (closing, s) = match s.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let s = s.strip_suffix('/').unwrap_or(s);
    let end = s
        .find(|c: char| c.is_ascii_whitespace() || c == '/')
        .unwrap_or(s.len());
    let name = s[..end].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut rest = &s[end..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            break;
        }
        let key_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let close = body.find(q).unwrap_or(body.len());
                    rest = body.get(close + 1..).unwrap_or("");
                    &body[..close]
                }
                _ => {
                    let close = after
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(after.len());
                    rest = &after[close..];
                    &after[..close]
                }
            }
        } else {
            ""
        };
        if key.is_empty() {
            // A stray `=`: skip a character so the loop moves on.
            rest = rest.get(1..).unwrap_or("");
            continue;
        }
        attrs.push((key, value));
    }
    Tag {
        name,
        closing,
        attrs,
    }
}

/// Text with its character references decoded (`&amp;`, `&nbsp;`, `&#12288;`).
fn unescape(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |e| e + 1);
        let name = &rest[1..end];
        let ch = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            "ensp" => Some('\u{2002}'),
            "emsp" => Some('\u{2003}'),
            "mdash" => Some('—'),
            "ndash" => Some('–'),
            "yen" => Some('¥'),
            _ => name
                .strip_prefix('#')
                .and_then(|n| match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                })
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

/// Collapses runs of ASCII white space to one space, as a browser shows
/// text; no-break and ideographic spaces (indentation of names) are kept,
/// and so are the line breaks the markup asked for.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c == BREAK {
            out.push('\n');
            space = false;
            continue;
        }
        if c.is_ascii_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() && !out.ends_with('\n') {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// A line break the markup asked for (`<br>`), kept through [`collapse`].
const BREAK: char = '\u{1}';

/// A cell's text as a number, where Excel opening the page would make one.
fn number_of(text: &str) -> Option<f64> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    let body = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let grouped = groups.len() > 1;
    let int_ok = !int.is_empty()
        && groups.iter().enumerate().all(|(i, g)| {
            !g.is_empty()
                && g.bytes().all(|b| b.is_ascii_digit())
                && (!grouped || if i == 0 { g.len() <= 3 } else { g.len() == 3 })
        });
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    let digits: String = groups.concat();
    // `001001` is a code, as Excel's text format keeps it.
    let leading_zero = digits.len() > 1 && digits.starts_with('0');
    let significant = digits.trim_start_matches('0').len() + frac.map_or(0, str::len);
    if !int_ok || !frac_ok || leading_zero || significant > 15 {
        return None;
    }
    let plain = match frac {
        Some(f) => format!("{digits}.{f}"),
        None => digits,
    };
    plain
        .parse::<f64>()
        .ok()
        .map(|v| if t.starts_with('-') { -v } else { v })
}

/// Does a line between two tables begin the next one: its title (`2024年
/// 部门收支总表`, `附表1 …`) or its unit line (`单位：万元`)? The reader sits
/// below the templates, so these are the forms every template's titles and
/// unit lines take, used only to tell one table's notes from the next one's
/// head.
fn opens_table(line: &str) -> bool {
    let line = line.trim_end_matches([' ', '\u{3000}', ')', '）']);
    line.ends_with('表')
        || ["单位", "金额单位", "编制单位", "表", "附表"]
            .iter()
            .any(|w| line.starts_with(w))
}

/// A cell being read.
struct Cell {
    text: String,
    rowspan: u32,
    colspan: u32,
    /// `x:num`: the value Excel stored (empty: the text is the number).
    num: Option<String>,
    /// `x:str` or a text number format: keep as text.
    keep_text: bool,
}

/// A `<table>` being read, with the loose text before it.
#[derive(Default)]
struct Table {
    rows: Vec<Vec<CellValue>>,
    merges: Vec<Merge>,
    /// For each column, the first row it is free again (after a rowspan).
    busy: Vec<u32>,
    row_open: bool,
    /// The column after the last cell placed in the open row.
    next_col: u32,
    cell: Option<Cell>,
    /// Cells spread over so far, rows before the table included.
    spread: u64,
    /// Rows of text from before the table (its title, its unit line).
    head: usize,
    /// Text inside the table but in no cell: a browser shows it just above
    /// the table ("foster parenting"), so it goes there, never dropped.
    stray: String,
    fostered: Vec<String>,
}

struct Reader<'p> {
    path: &'p Path,
    sheets: Vec<Sheet>,
    /// Cells the sheets so far spread over together.
    spread: u64,
    table: Option<Table>,
    /// Tables opened inside a cell: their text goes to that cell.
    nested: u32,
    /// Lines of text outside any table, waiting for the next table (or,
    /// after the last, going below it); whether each was a heading.
    loose: Vec<(String, bool)>,
    line: String,
    /// Inside `<h1>`…`<h6>`: the line is a heading (a title, never a note).
    heading: bool,
    /// Classes the page's `<style>` gives Excel's text format (`.xl65
    /// {mso-number-format:"\@";}`), as Excel writes its own pages; in
    /// lowercase, looked up once per class of a cell.
    text_classes: std::collections::HashSet<String>,
}

impl Reader<'_> {
    fn sheet_name(&self) -> String {
        format!("Sheet{}", self.sheets.len() + 1)
    }

    fn end_line(&mut self) {
        let line = collapse(&std::mem::take(&mut self.line));
        let line = line.trim_matches(|c: char| c.is_whitespace());
        if !line.is_empty() {
            self.loose.push((line.to_string(), self.heading));
        }
    }

    fn text(&mut self, s: &str) {
        match self.table.as_mut() {
            Some(t) => match t.cell.as_mut() {
                Some(cell) => unescape(s, &mut cell.text),
                // Between cells: mostly layout white space, kept in case.
                None => unescape(s, &mut t.stray),
            },
            None => unescape(s, &mut self.line),
        }
    }

    /// Opens a row of the table (checked against [`limits::ROWS`] before
    /// it is made: a page of empty `<tr>` would otherwise grow unchecked).
    fn open_row(&mut self) -> Result<(), WorkbookError> {
        let name = self.sheet_name();
        let Some(t) = self.table.as_mut() else {
            return Ok(());
        };
        if t.rows.len() >= limits::ROWS as usize {
            return Err(past_limits(self.path, &name, &at(limits::ROWS, 0)));
        }
        t.rows.push(Vec::new());
        t.row_open = true;
        t.next_col = 0;
        Ok(())
    }

    /// Text met between cells since the last cell, kept for above the
    /// table when it is more than white space.
    fn foster(&mut self) {
        if let Some(t) = self.table.as_mut() {
            let text = collapse(&std::mem::take(&mut t.stray));
            let text = text.trim_matches(|c: char| c.is_whitespace());
            if !text.is_empty() {
                t.fostered.push(text.to_string());
            }
        }
    }

    fn newline(&mut self) {
        match self.table.as_mut() {
            Some(t) => {
                if let Some(cell) = t.cell.as_mut() {
                    cell.text.push(BREAK);
                }
            }
            None => self.end_line(),
        }
    }

    fn open_table(&mut self) -> Result<(), WorkbookError> {
        self.end_line();
        // Between two tables, the notes of the first come first (`注：…`,
        // `本单位无…预算。`); the next one begins at its title (a heading, or
        // a line ending in 表) or its unit line.
        let notes = if self.sheets.is_empty() {
            0
        } else {
            self.loose
                .iter()
                .position(|(line, heading)| *heading || opens_table(line))
                .unwrap_or(self.loose.len())
        };
        let mut lines = std::mem::take(&mut self.loose);
        let rest = lines.split_off(notes);
        self.below(lines.into_iter().map(|(l, _)| l).collect())?;
        let mut t = Table::default();
        for (line, _) in rest {
            t.rows.push(vec![CellValue::Text(line)]);
        }
        t.head = t.rows.len();
        t.spread = t.rows.len() as u64;
        self.table = Some(t);
        Ok(())
    }

    /// Lines below the last sheet read (its notes).
    fn below(&mut self, lines: Vec<String>) -> Result<(), WorkbookError> {
        if lines.is_empty() {
            return Ok(());
        }
        let Some(last) = self.sheets.pop() else {
            return Ok(());
        };
        let height = last.height() as usize + lines.len();
        if height > limits::ROWS as usize {
            return Err(past_limits(
                self.path,
                &last.name,
                &at(height as u32 - 1, 0),
            ));
        }
        let mut rows: Vec<Vec<CellValue>> =
            (0..last.height()).map(|r| last.row(r).to_vec()).collect();
        rows.extend(lines.into_iter().map(|l| vec![CellValue::Text(l)]));
        self.sheets
            .push(Sheet::new(&last.name, rows, last.merges().to_vec()));
        Ok(())
    }

    fn close_cell(&mut self) -> Result<(), WorkbookError> {
        let name = self.sheet_name();
        let path = self.path;
        let Some(t) = self.table.as_mut() else {
            return Ok(());
        };
        let Some(cell) = t.cell.take() else {
            return Ok(());
        };
        if !t.row_open {
            self.open_row()?;
        }
        let Some(t) = self.table.as_mut() else {
            return Ok(());
        };
        let r = (t.rows.len() - 1) as u32;
        // Cells are laid left to right: start after the last one placed.
        let mut c = t.next_col;
        while t.busy.get(c as usize).is_some_and(|&free| free > r)
            || t.rows[r as usize]
                .get(c as usize)
                .is_some_and(|v| *v != CellValue::Empty)
        {
            c += 1;
        }
        let last_col = c.saturating_add(cell.colspan - 1);
        let last_row = r.saturating_add(cell.rowspan - 1);
        if last_col >= limits::COLUMNS || r >= limits::ROWS {
            return Err(past_limits(path, &name, &at(r, last_col)));
        }
        let text = collapse(&cell.text);
        let text = text.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\n');
        let chars = text.chars().count();
        if chars > limits::CELL_CHARS {
            return Err(too_long(path, &name, &at(r, c), chars));
        }
        // `&nbsp;` alone is how many exporters write an empty cell.
        let value = if text.trim().is_empty() {
            CellValue::Empty
        } else if cell.keep_text {
            CellValue::Text(text.to_string())
        } else if let Some(v) = cell
            .num
            .as_deref()
            .filter(|n| !n.is_empty())
            .and_then(|n| n.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite())
        {
            CellValue::Number(v)
        } else {
            number_of(text).map_or_else(|| CellValue::Text(text.to_string()), CellValue::Number)
        };
        let row = &mut t.rows[r as usize];
        if row.len() <= last_col as usize {
            row.resize(last_col as usize + 1, CellValue::Empty);
        }
        row[c as usize] = value;
        t.next_col = last_col + 1;
        // The columns the cell covers are taken until the row after it ends.
        if t.busy.len() <= last_col as usize {
            t.busy.resize(last_col as usize + 1, 0);
        }
        for k in c..=last_col {
            t.busy[k as usize] = t.busy[k as usize].max(last_row + 1);
        }
        t.spread += u64::from(cell.colspan) * u64::from(cell.rowspan);
        if t.spread > limits::GRID_CELLS {
            return Err(super::error::past_grid(
                path,
                &name,
                &format!("的单元格与合并区域铺开超过 {} 个", limits::GRID_CELLS),
            ));
        }
        if cell.colspan > 1 || cell.rowspan > 1 {
            t.merges.push(Merge {
                first_row: r,
                first_col: c,
                last_row,
                last_col,
            });
        }
        Ok(())
    }

    fn close_row(&mut self) -> Result<(), WorkbookError> {
        self.close_cell()?;
        if let Some(t) = self.table.as_mut() {
            if t.row_open {
                if let Some(row) = t.rows.last_mut() {
                    while row.last().is_some_and(CellValue::is_empty) {
                        row.pop();
                    }
                }
                t.row_open = false;
            }
        }
        Ok(())
    }

    fn close_table(&mut self) -> Result<(), WorkbookError> {
        self.close_row()?;
        self.foster();
        let Some(mut t) = self.table.take() else {
            return Ok(());
        };
        // Text that was in no cell, between the table's head and its rows,
        // where a browser shows it.
        let k = t.fostered.len();
        if k > 0 {
            let at = t.head;
            t.rows.splice(
                at..at,
                t.fostered.drain(..).map(|l| vec![CellValue::Text(l)]),
            );
            for m in t.merges.iter_mut().filter(|m| m.first_row as usize >= at) {
                m.first_row += k as u32;
                m.last_row += k as u32;
            }
            t.busy.iter_mut().for_each(|b| *b += k as u32);
        }
        // Rows a rowspan reaches past the last <tr> are the table's too.
        let reach = t.busy.iter().copied().max().unwrap_or(0) as usize;
        while t.rows.len() < reach {
            t.rows.push(Vec::new());
        }
        let name = self.sheet_name();
        let height = t.rows.len() as u32;
        let width = t.rows.iter().map(Vec::len).max().unwrap_or(0) as u32;
        let area = t.rows.iter().map(|r| r.len() as u64).sum();
        check_extent(
            self.path,
            &name,
            area,
            (height, width),
            &t.merges,
            &mut self.spread,
        )?;
        self.sheets.push(Sheet::new(&name, t.rows, t.merges));
        Ok(())
    }

    fn tag(&mut self, tag: &Tag) -> Result<(), WorkbookError> {
        let in_table = self.table.is_some();
        if in_table && matches!(tag.name.as_str(), "tr" | "td" | "th" | "caption") {
            // Text between cells ends here: one line above the table.
            self.foster();
        }
        match (tag.name.as_str(), tag.closing) {
            // A table inside a table gives its text to the open cell (none:
            // it goes above the table, as text between cells does).
            ("table", false) if in_table => self.nested += 1,
            ("table", false) => self.open_table()?,
            ("table", true) if self.nested > 0 => self.nested -= 1,
            ("table", true) => self.close_table()?,
            _ if self.nested > 0 => {
                if matches!(tag.name.as_str(), "td" | "th" | "br" | "tr" | "p" | "div") {
                    self.text(" ");
                }
            }
            ("tr", false) if in_table => {
                self.close_row()?;
                self.open_row()?;
            }
            ("tr", true) if in_table => self.close_row()?,
            ("td" | "th", false) if in_table => {
                self.close_cell()?;
                let span = |key: &str, max: u32| {
                    tag.attr(key)
                        .and_then(|v| v.trim().parse::<u32>().ok())
                        .filter(|&n| n >= 1)
                        .map_or(1, |n| n.min(max))
                };
                let style = tag.attr("style").unwrap_or("").to_ascii_lowercase();
                let text_class = !self.text_classes.is_empty()
                    && tag.attr("class").is_some_and(|c| {
                        c.split_ascii_whitespace()
                            .any(|c| self.text_classes.contains(&c.to_ascii_lowercase()))
                    });
                let cell = Cell {
                    text: String::new(),
                    rowspan: span("rowspan", 65_534),
                    colspan: span("colspan", 1_000),
                    num: tag.attr("x:num").map(str::to_string),
                    keep_text: tag.attr("x:str").is_some() || text_class || is_text_format(&style),
                };
                if let Some(t) = self.table.as_mut() {
                    t.cell = Some(cell);
                }
            }
            ("td" | "th", true) if in_table => self.close_cell()?,
            ("caption", _) if in_table => {
                // A caption is the table's title: a row of its own.
                self.close_row()?;
                if !tag.closing {
                    self.open_row()?;
                    if let Some(t) = self.table.as_mut() {
                        t.cell = Some(Cell {
                            text: String::new(),
                            rowspan: 1,
                            colspan: 1,
                            num: None,
                            keep_text: true,
                        });
                    }
                }
            }
            ("br", _) => self.newline(),
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", closing) => {
                self.newline();
                self.heading = !closing && self.table.is_none();
            }
            ("p" | "div" | "li" | "center", _) => self.newline(),
            _ => {}
        }
        Ok(())
    }
}

/// The sheets of a web page; an error when it holds no table.
pub(super) fn read(path: &Path, text: &str) -> Result<Vec<Sheet>, WorkbookError> {
    let mut rd = Reader {
        path,
        sheets: Vec::new(),
        spread: 0,
        table: None,
        nested: 0,
        loose: Vec::new(),
        line: String::new(),
        heading: false,
        text_classes: Default::default(),
    };
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        rd.text(&rest[..at]);
        rest = &rest[at..];
        if let Some(body) = rest.strip_prefix("<!--") {
            rest = body.find("-->").map_or("", |e| &body[e + 3..]);
            continue;
        }
        if !rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'))
        {
            // A `<` that opens no tag is text (`a < b`).
            rd.text("<");
            rest = &rest[1..];
            continue;
        }
        let Some(end) = rest.find('>') else {
            rest = "";
            break;
        };
        let inner = &rest[1..end];
        rest = &rest[end + 1..];
        if inner.starts_with(['!', '?']) {
            continue;
        }
        let tag = parse_tag(inner);
        if !tag.closing && matches!(tag.name.as_str(), "script" | "style" | "xml" | "title") {
            let close = format!("</{}", tag.name);
            let end = find_ci(rest, &close).unwrap_or(rest.len());
            if tag.name == "style" {
                rd.text_classes.extend(text_classes(&rest[..end]));
            }
            rest = rest[end..].find('>').map_or("", |g| &rest[end + g + 1..]);
            continue;
        }
        rd.tag(&tag)?;
    }
    rd.text(rest);
    if rd.table.is_some() {
        rd.close_table()?;
    }
    rd.end_line();
    // Text after the last table (its notes) goes below it.
    let lines = std::mem::take(&mut rd.loose);
    rd.below(lines.into_iter().map(|(l, _)| l).collect())?;
    if rd.sheets.is_empty() {
        return Err(WorkbookError::NotAWorkbook {
            path: path.to_path_buf(),
            what: "这是网页（HTML）格式的文件，但其中没有表格（<table>）".into(),
        });
    }
    Ok(rd.sheets)
}

/// Does a style (lowercase) give Excel's text number format (`@`)?
fn is_text_format(style: &str) -> bool {
    let compact: String = style.chars().filter(|c| !c.is_whitespace()).collect();
    [
        r#"mso-number-format:"\@""#,
        r"mso-number-format:\@",
        r"mso-number-format:'\@'",
    ]
    .iter()
    .any(|f| compact.contains(f))
}

/// The classes a style sheet gives the text format: `.xl65` of
/// `.xl65 {mso-number-format:"\@";}` and of `td.xl65`.
fn text_classes(css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for rule in css.split('}') {
        let Some((selectors, body)) = rule.split_once('{') else {
            continue;
        };
        if !is_text_format(&body.to_ascii_lowercase()) {
            continue;
        }
        for sel in selectors.split(',') {
            let sel = sel.trim().trim_start_matches("<!--").trim();
            if let Some((_, class)) = sel.rsplit_once('.') {
                let class: String = class
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                    .collect();
                if !class.is_empty() {
                    out.push(class.to_ascii_lowercase());
                }
            }
        }
    }
    out
}

/// A cell's A1 address, for messages.
fn at(r: u32, c: u32) -> String {
    let mut s = String::new();
    super::address::push_a1(&mut s, r, c);
    s
}

/// The first place `needle` (ASCII) occurs in `hay`, whatever the case.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    hay.as_bytes()
        .windows(n)
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheets(html: &str) -> Vec<Sheet> {
        read(Path::new("t.xls"), html).unwrap()
    }

    fn text(s: &str) -> CellValue {
        CellValue::Text(s.into())
    }

    #[test]
    fn spans_become_merges_and_cells_find_their_column() {
        let s = sheets(
            "<html><body><h3>2024年部门收支总表</h3><p>单位：万元</p>\
             <table border=1><tr><td rowspan=2>项目</td><td colspan='2'>本年</td></tr>\
             <tr><td>收入<td>支出</tr>\
             <tr><td>合计</td><td x:num=\"1234.5\">1,234.50</td><td>2,000</td></tr>\
             </table><p>注：本表无政府性基金。</p></body></html>",
        );
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert_eq!(&*s.name, "Sheet1");
        assert_eq!(s.get(0, 0), &text("2024年部门收支总表"));
        assert_eq!(s.get(1, 0), &text("单位：万元"));
        assert_eq!(s.get(2, 0), &text("项目"));
        assert_eq!(s.get(2, 1), &text("本年"));
        assert_eq!(s.get(3, 0), &CellValue::Empty, "under the rowspan");
        assert_eq!(s.get(3, 1), &text("收入"));
        assert_eq!(s.get(3, 2), &text("支出"));
        assert_eq!(s.get(4, 1), &CellValue::Number(1234.5));
        assert_eq!(s.get(4, 2), &CellValue::Number(2000.0));
        assert_eq!(s.get(5, 0), &text("注：本表无政府性基金。"));
        let m: Vec<(u32, u32, u32, u32)> = s
            .merges()
            .iter()
            .map(|m| (m.first_row, m.first_col, m.last_row, m.last_col))
            .collect();
        assert_eq!(m, [(2, 0, 3, 0), (2, 1, 2, 2)]);
    }

    #[test]
    fn texts_that_excel_keeps_as_text_stay_text() {
        let s = sheets(
            "<table><tr><td>001001</td><td>2010101</td><td>-12.50</td><td>0</td>\
             <td>1,23,4</td><td>1234567890123456</td><td x:str>2024</td>\
             <td style='mso-number-format:\"\\@\"'>301</td><td>(12.00)</td><td>78.78%</td></tr></table>",
        );
        let row = s[0].row(0);
        assert_eq!(row[0], text("001001"));
        assert_eq!(row[1], CellValue::Number(2010101.0));
        assert_eq!(row[2], CellValue::Number(-12.5));
        assert_eq!(row[3], CellValue::Number(0.0));
        assert_eq!(row[4], text("1,23,4"));
        assert_eq!(row[5], text("1234567890123456"));
        assert_eq!(row[6], text("2024"));
        assert_eq!(row[7], text("301"));
        assert_eq!(row[8], text("(12.00)"));
        assert_eq!(row[9], text("78.78%"));
        // Excel's own pages name the text format in a class.
        let s = sheets(
            "<html><head><style><!--\n.xl65\n\t{mso-number-format:\"\\@\";\n\tborder:none;}\n\
             td.xl66 {mso-number-format:\"0\\.00\";}\n--></style></head>\
             <table><tr><td class=xl65>2010101</td><td class=\"xl66\">12.00</td><td class='a XL65'>7</td></tr></table>",
        );
        assert_eq!(
            s[0].row(0),
            [text("2010101"), CellValue::Number(12.0), text("7")]
        );
    }

    #[test]
    fn entities_breaks_comments_and_scripts() {
        let s = sheets(
            "<html><head><title>部门预算</title><style>td{color:red}</style><script>var t='<table>';</script></head>\
             <!-- <table><tr><td>no</td></tr></table> -->\
             <table><tr><td>&nbsp;&nbsp;一般&amp;公共<br>预算&#12288;&#x4E00;</td>\
             <td>a &lt; b</td><td>  多个   空格 </td></tr></table>",
        );
        assert_eq!(s.len(), 1);
        let row = s[0].row(0);
        assert_eq!(row[0], text("\u{a0}\u{a0}一般&公共\n预算\u{3000}一"));
        assert_eq!(row[1], text("a < b"));
        assert_eq!(row[2], text("多个 空格"));
        let s = sheets("<table><tr><td>&nbsp;</td><td>&nbsp;x</td></tr></table>");
        assert_eq!(s[0].row(0), [CellValue::Empty, text("\u{a0}x")]);
    }

    #[test]
    fn each_table_is_a_sheet_and_a_nested_table_is_text_of_its_cell() {
        let s = sheets(
            "<table><tr><td>表一<table><tr><td>内</td><td>表</td></tr></table></td></tr></table>\
             <p>二</p><table><caption>2024年一般公共预算支出表</caption><tr><td>1</td></tr></table>",
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].get(0, 0), &text("表一 内 表"));
        assert_eq!(s[0].get(1, 0), &text("二"), "not a title: below the first");
        assert_eq!(&*s[1].name, "Sheet2");
        assert_eq!(s[1].get(0, 0), &text("2024年一般公共预算支出表"));
        assert_eq!(s[1].get(1, 0), &CellValue::Number(1.0));
    }

    /// Regression: text inside a table but in no cell (a figure between
    /// `</td>` and `<td>`, a table nested between cells) was dropped without
    /// a word. It goes above the table, where a browser shows it, after the
    /// table's title; the table's cells and merges keep their places.
    #[test]
    fn text_in_no_cell_goes_above_the_table_not_away() {
        let s = sheets(
            "<h3>2024年收入总表</h3><table><tr><td rowspan=2>a</td> 12.50 <td>b</td></tr>\
             <tr><td>c</td></tr><table><tr><td>内表</td></tr></table>&nbsp;</table>",
        );
        let col = |c: u32| -> Vec<String> {
            (0..s[0].height())
                .map(|r| s[0].get(r, c).as_text())
                .collect()
        };
        assert_eq!(col(0), ["2024年收入总表", "12.50", "内表", "a", ""]);
        assert_eq!(col(1), ["", "", "", "b", "c"]);
        let m = s[0].merges()[0];
        assert_eq!((m.first_row, m.last_row, m.first_col), (3, 4, 0));
    }

    /// Between two tables, the first one's notes go below it and the next
    /// one's title and unit line above that one.
    #[test]
    fn text_between_tables_is_split_into_notes_and_titles() {
        let s = sheets(
            "<h3>2024年政府性基金预算支出表</h3><table><tr><td>合计</td></tr></table>\
             <p>注：本部门无政府性基金预算收支。</p><p>1. 本表为空表。</p>\
             <h3>2024年国有资本经营预算支出表</h3><p>单位：万元</p>\
             <table><tr><td>合计</td></tr></table>\
             <p>注：本部门无国有资本经营预算收支。</p>\
             <p>部门预算附表</p><table><tr><td>x</td></tr></table>",
        );
        let col = |k: usize| -> Vec<String> {
            (0..s[k].height())
                .map(|r| s[k].get(r, 0).as_text())
                .collect()
        };
        assert_eq!(
            col(0),
            [
                "2024年政府性基金预算支出表",
                "合计",
                "注：本部门无政府性基金预算收支。",
                "1. 本表为空表。"
            ]
        );
        assert_eq!(
            col(1),
            [
                "2024年国有资本经营预算支出表",
                "单位：万元",
                "合计",
                "注：本部门无国有资本经营预算收支。"
            ]
        );
        assert_eq!(
            col(2),
            ["部门预算附表", "x"],
            "not a note: the next table's"
        );
    }

    #[test]
    fn pages_in_gbk_and_utf16_are_decoded() {
        let html = "<meta charset=gb2312><table><tr><td>部门收支总表</td></tr></table>";
        let (gbk, _, _) = encoding_rs::GBK.encode(html);
        let s = sheets(&decode(&gbk));
        assert_eq!(s[0].get(0, 0), &text("部门收支总表"));
        let (gbk, _, _) = encoding_rs::GBK.encode("<table><tr><td>收入总表</td></tr></table>");
        assert_eq!(
            sheets(&decode(&gbk))[0].get(0, 0),
            &text("收入总表"),
            "no charset"
        );
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "<table><tr><td>支出总表</td></tr></table>".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(sheets(&decode(&utf16))[0].get(0, 0), &text("支出总表"));
    }

    #[test]
    fn absurd_spans_and_pages_without_tables_are_refused_with_a_reason() {
        let e = read(
            Path::new("t.xls"),
            "<table><tr><td colspan=1000 rowspan=65534>x</td></tr><tr><td colspan=1000 rowspan=65534>y</td></tr></table>",
        )
        .unwrap_err();
        assert!(e.to_string().contains("超出读取上限"), "{e}");
        // Empty rows count too: they were made before any check.
        let flood = format!(
            "<table>{}</table>",
            "<tr>".repeat(limits::ROWS as usize + 1)
        );
        let e = read(Path::new("t.xls"), &flood).unwrap_err();
        assert!(e.to_string().contains("超出读取上限"), "{e}");
        let e = read(Path::new("t.xls"), "<html><body>没有表</body></html>").unwrap_err();
        assert!(e.to_string().contains("没有表格"), "{e}");
        // Spans past the last row still make rows; a zero or junk span is 1.
        let s = sheets(
            "<table><tr><td rowspan=3>a</td><td colspan=0>b</td><td rowspan=x>c</td></tr></table>",
        );
        assert_eq!(s[0].height(), 3);
        assert_eq!(s[0].row(0).len(), 3);
    }

    /// Pages cut anywhere, or with bytes flipped, are read or refused, never
    /// a panic.
    #[test]
    fn cut_and_damaged_pages_never_panic() {
        let page = "<html><head><meta charset=gbk><style>x</style></head><body><!-- c -->\
            <h2>2024年部门收支总表</h2><table border=1><caption>表一</caption>\
            <tr><th rowspan=2 colspan='3'>项目&nbsp;名称</th><td x:num=\"12.5\">12.50</td></tr>\
            <tr><td x:str class=x style=\"mso-number-format:'\\@'\">001</td><td>a&#x4e00;&#20013;&bogus;b</td>\
            <tr><td>1,234.00<br/>万元</td><td><table><tr><td>内</td></tr></table></td></tr></table>\
            <p>注：1 < 2</p></body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(page);
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        for cut in (0..bytes.len()).step_by(3) {
            let _ = read(Path::new("t.xls"), &decode(&bytes[..cut]));
            let mut damaged = bytes.to_vec();
            for _ in 0..4 {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let at = (rng as usize) % damaged.len();
                damaged[at] = b"<>/=\"'&;# \xe4"[(rng >> 40) as usize % 11];
            }
            let _ = read(Path::new("t.xls"), &decode(&damaged));
        }
        let whole = read(Path::new("t.xls"), &decode(&bytes)).unwrap();
        assert_eq!(whole[0].get(0, 0), &text("2024年部门收支总表"));
        assert_eq!(whole[0].get(1, 0), &text("表一"));
        assert_eq!(whole[0].get(2, 0), &text("项目\u{a0}名称"));
        assert_eq!(whole[0].get(2, 3), &CellValue::Number(12.5));
        assert_eq!(whole[0].get(3, 3), &text("001"));
        assert_eq!(whole[0].get(3, 4), &text("a一中&bogus;b"));
        assert_eq!(whole[0].get(4, 0), &text("1,234.00\n万元"));
        assert_eq!(whole[0].get(4, 1), &text("内"));
        assert_eq!(whole[0].get(5, 0), &text("注：1 < 2"));
    }
}
