//! The common `.xlsx` package read in one pass per part: each sheet part is
//! inflated once and its cells and merged regions are taken from the same
//! bytes.
//!
//! calamine reads the same package with a general XML parser, and gives the
//! merged regions only by parsing each sheet a second time; a budget
//! workbook is a few thousand plain cells, and that generality was most of
//! the time it took to read one. This reader knows the subset of the format
//! that spreadsheet programs write (UTF-8 parts, unprefixed elements, cells
//! with their addresses, numbers, shared and inline strings, booleans,
//! formulas with their results) and gives exactly what calamine gives for it:
//! a test compares the two on every bundled workbook, on random layouts and
//! on hand-made packages. Anything outside the subset — a date style, an
//! error value, a formula saved without its result, a comment or CDATA in a
//! part, a namespace prefix, an encoding other than UTF-8, a `_xHHHH_`
//! escape — returns `None` before any sheet is built, and the caller reads
//! the workbook with calamine instead: slower, never different.
//!
//! The semantics followed are calamine 0.38's (`xlsx/cells_reader.rs`,
//! `read_string_with_bufs`, `read_workbook`, `read_styles`); the date-format
//! detection is its `detect_custom_number_format`, ported (MIT licence).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use super::address::CellRef;
use super::error::{past_limits, too_long, TextBudget, WorkbookError};
use super::sheet::{grid_of, CellValue, Sheet};
use super::{limits, merges, opc};

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Why the reader handed a package to calamine (for tests; callers only
/// see `None`).
type Unsupported = ();

/// Every worksheet of the package, as calamine would read them; `Ok(None)`
/// when the package is outside the subset this reader knows.
///
/// # Errors
/// [`WorkbookError::Limit`] for a cell past the sheet limits or a text past
/// Excel's, exactly as the calamine path reports them.
pub(super) fn read(path: &Path, zip: &mut Zip) -> Result<Option<Vec<Sheet>>, WorkbookError> {
    let Ok(book) = Book::open(zip) else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(book.sheets.len());
    let mut text = TextBudget::new(path);
    let mut spread = 0u64;
    for entry in &book.sheets {
        let stored = book.names.find(&entry.part).unwrap_or(&entry.part);
        let Some(xml) = merges::part_bytes(zip, stored) else {
            return Ok(None);
        };
        let Ok(xml) = body(&xml) else {
            return Ok(None);
        };
        let cells = match read_cells(path, &entry.name, xml, &book, &mut text) {
            Ok(Ok(cells)) => cells,
            Ok(Err(())) => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(merged) = merges::scan(xml) else {
            return Ok(None);
        };
        let grid = grid_of(path, &entry.name, cells, &merged, &mut spread)?;
        let mut sheet = Sheet::new(&entry.name, grid, merged);
        sheet.hidden = entry.hidden;
        out.push(sheet);
    }
    Ok(Some(out))
}

/// A worksheet as the workbook part lists it.
struct SheetEntry {
    name: String,
    part: String,
    hidden: bool,
}

/// What every sheet shares: the sheets in order, the shared strings, and
/// which cell styles calamine turns numbers into dates with.
struct Book {
    names: opc::PartNames,
    sheets: Vec<SheetEntry>,
    strings: Vec<String>,
    /// Per `cellXfs` index: the number format is a date, time or duration.
    date_styles: Vec<bool>,
}

impl Book {
    fn open(zip: &mut Zip) -> Result<Book, Unsupported> {
        let stored: Vec<String> = zip
            .file_names()
            .map(|n| n.map(|n| n.into_owned()))
            .collect::<Result<_, _>>()
            .map_err(|_| ())?;
        let names = opc::PartNames::of(stored.iter().map(String::as_str));
        let mut part = |name: &str| part(zip, names.find(name).unwrap_or(name));
        // The workbook part and its folder, which holds the shared strings
        // and styles (the package layer's rule, calamine's too).
        let workbook = opc::workbook_part(&relationships(&part("_rels/.rels")?)?).ok_or(())?;
        let dir = opc::folder(&workbook).to_string();
        let targets: HashMap<String, opc::Relationship> =
            relationships(&part(&opc::rels_part(&workbook))?)?
                .into_iter()
                .map(|r| (r.id.clone(), r))
                .collect();
        let mut sheets = Vec::new();
        let book = part(&workbook)?;
        let mut tags = Tags::new(body(&book)?);
        while let Some(tok) = tags.next_token()? {
            let Tok::Start { name, attrs, .. } = tok else {
                continue;
            };
            if name != b"sheet" {
                continue;
            }
            let name = attr_text(attr(attrs, b"name")?.ok_or(())?)?.into_owned();
            let hidden = match attr(attrs, b"state")? {
                None | Some(b"visible") => false,
                Some(b"hidden" | b"veryHidden") => true,
                Some(_) => return Err(()),
            };
            let id = attr_local(attrs, b"id")?.ok_or(())?;
            let rel = targets.get(utf8(id)?).ok_or(())?;
            let part = opc::resolve(&dir, &rel.target);
            if rel.is("worksheet") {
                sheets.push(SheetEntry { name, part, hidden });
            } else if !(rel.is("chartsheet") || rel.is("dialogsheet")) {
                return Err(());
            }
        }
        // Either part may be absent (no strings, no styles), as for calamine.
        let mut optional = |name: String| -> Result<Option<Vec<u8>>, Unsupported> {
            match names.find(&name) {
                Some(name) => self::part(zip, name).map(Some),
                None => Ok(None),
            }
        };
        let strings = match optional(opc::resolve(&dir, "sharedStrings.xml"))? {
            Some(xml) => shared_strings(&xml)?,
            None => Vec::new(),
        };
        let date_styles = match optional(opc::resolve(&dir, "styles.xml"))? {
            Some(xml) => date_styles(&xml)?,
            None => Vec::new(),
        };
        Ok(Book {
            names,
            sheets,
            strings,
            date_styles,
        })
    }
}

fn part(zip: &mut Zip, name: &str) -> Result<Vec<u8>, Unsupported> {
    let mut f = zip.by_name(name).map_err(|_| ())?;
    let mut out = Vec::with_capacity(f.size().min(limits::PART_BYTES) as usize);
    f.read_to_end(&mut out).map_err(|_| ())?;
    Ok(out)
}

/// A part's bytes after its declaration is checked: UTF-8 (a byte-order
/// mark dropped), no other encoding declared, no UTF-16.
fn body(xml: &[u8]) -> Result<&[u8], Unsupported> {
    let xml = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    if xml.starts_with(&[0xFF, 0xFE]) || xml.starts_with(&[0xFE, 0xFF]) {
        return Err(());
    }
    if xml.starts_with(b"<?xml") {
        let end = memchr::memmem::find(xml, b"?>").ok_or(())?;
        if let Some(enc) = attr(&xml[5..end], b"encoding")? {
            if !enc.eq_ignore_ascii_case(b"utf-8") && !enc.eq_ignore_ascii_case(b"utf8") {
                return Err(());
            }
        }
    }
    if xml.first() != Some(&b'<') || xml.get(..64).unwrap_or(xml).contains(&0) {
        return Err(());
    }
    Ok(xml)
}

fn utf8(b: &[u8]) -> Result<&str, Unsupported> {
    std::str::from_utf8(b).map_err(|_| ())
}

/// An attribute value unescaped as calamine does (`quick_xml::escape::unescape`).
fn attr_text(raw: &[u8]) -> Result<Cow<'_, str>, Unsupported> {
    quick_xml::escape::unescape(utf8(raw)?).map_err(|_| ())
}

/// A relationships part's entries, in order, as the package layer reads
/// them. A value with a reference in it is left to calamine (it unescapes
/// some of them and not others).
fn relationships(xml: &[u8]) -> Result<Vec<opc::Relationship>, Unsupported> {
    let rels = opc::relationships(body(xml)?).ok_or(())?;
    if rels.iter().any(|r| r.escaped) {
        return Err(());
    }
    Ok(rels)
}

/// The shared strings, as calamine reads each `<si>`.
fn shared_strings(xml: &[u8]) -> Result<Vec<String>, Unsupported> {
    let mut tags = Tags::new(body(xml)?);
    let mut out = Vec::new();
    while let Some(tok) = tags.next_token()? {
        if let Tok::Start {
            name: b"si", empty, ..
        } = tok
        {
            if out.len() as u64 >= limits::SHARED_STRINGS {
                // Past any budget's table: calamine refuses it, before
                // anything is sized by it.
                return Err(());
            }
            out.push(if empty {
                String::new()
            } else {
                rich_string(&mut tags, b"si")?
            });
        }
    }
    Ok(out)
}

/// Per `cellXfs` entry, whether calamine reads a number in that style as a
/// date, time or duration.
fn date_styles(xml: &[u8]) -> Result<Vec<bool>, Unsupported> {
    let mut tags = Tags::new(body(xml)?);
    let mut custom: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    let mut in_cell_xfs = false;
    while let Some(tok) = tags.next_token()? {
        match tok {
            Tok::Start {
                name: b"numFmt",
                attrs,
                ..
            } => {
                if let (Some(id), Some(code)) =
                    (attr(attrs, b"numFmtId")?, attr(attrs, b"formatCode")?)
                {
                    custom.insert(utf8(id)?.to_string(), attr_text(code)?.into_owned());
                }
            }
            Tok::Start {
                name: b"cellXfs",
                empty,
                ..
            } => in_cell_xfs = !empty,
            Tok::End { name: b"cellXfs" } => in_cell_xfs = false,
            Tok::Start {
                name: b"xf", attrs, ..
            } if in_cell_xfs => {
                let date = match attr(attrs, b"numFmtId")? {
                    None => false,
                    Some(id) => {
                        let id = utf8(id)?;
                        match custom.get(id) {
                            Some(code) => is_date_format(code),
                            None => is_builtin_date(id),
                        }
                    }
                };
                out.push(date);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// calamine's `builtin_format_by_id`: a date, time or duration.
fn is_builtin_date(id: &str) -> bool {
    matches!(
        id,
        "14" | "15"
            | "16"
            | "17"
            | "18"
            | "19"
            | "20"
            | "21"
            | "22"
            | "45"
            | "46"
            | "47"
            | "27"
            | "28"
            | "29"
            | "30"
            | "31"
            | "32"
            | "33"
            | "34"
            | "35"
            | "36"
            | "50"
            | "51"
            | "52"
            | "53"
            | "54"
            | "55"
            | "56"
            | "57"
            | "58"
    )
}

/// calamine's `detect_custom_number_format` (not `CellFormat::Other`).
fn is_date_format(format: &str) -> bool {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return false,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return true,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return true,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return true
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    false
}

/// The text of a string item (`<si>` or `<is>`) up to its end tag: the
/// runs' texts joined, phonetic runs left out, each `<t>` trimmed of ASCII
/// white space unless it says `xml:space="preserve"`.
fn rich_string(tags: &mut Tags, closing: &[u8]) -> Result<String, Unsupported> {
    let mut out: Option<String> = None;
    let mut phonetic = false;
    while let Some(tok) = tags.next_token()? {
        match tok {
            Tok::Start {
                name: b"r",
                empty: false,
                ..
            } if out.is_none() => out = Some(String::new()),
            Tok::Start {
                name: b"rPh",
                empty,
                ..
            } => phonetic = !empty,
            Tok::End { name } if name == closing => return Ok(out.unwrap_or_default()),
            Tok::End { name: b"rPh" } => phonetic = false,
            Tok::Start {
                name: b"t",
                attrs,
                empty,
            } if !phonetic => {
                let preserve = attr(attrs, b"xml:space")? == Some(b"preserve");
                let mut value = String::new();
                if !empty {
                    text_until(tags, b"t", &mut value)?;
                }
                let value = if preserve {
                    value.as_str()
                } else {
                    value.trim_matches([' ', '\t', '\r', '\n'])
                };
                if value.contains("_x") {
                    // calamine unescapes `_xHHHH_`; rare enough to leave to it.
                    return Err(());
                }
                match &mut out {
                    Some(s) => s.push_str(value),
                    None => out = Some(value.to_string()),
                }
            }
            _ => {}
        }
    }
    Err(())
}

/// Appends the character data up to `</closing>`, line ends normalized and
/// references resolved as quick-xml does for calamine.
fn text_until(tags: &mut Tags, closing: &[u8], out: &mut String) -> Result<(), Unsupported> {
    while let Some(tok) = tags.next_token()? {
        match tok {
            Tok::Text(t) => push_text(t, out)?,
            Tok::End { name } if name == closing => return Ok(()),
            _ => {}
        }
    }
    Err(())
}

/// Character data: `\r\n` and `\r` become `\n` in the literal text (XML
/// 1.0 end-of-line handling); `&…;` references are resolved, the characters
/// they name kept as they are.
fn push_text(t: &[u8], out: &mut String) -> Result<(), Unsupported> {
    let t = utf8(t)?;
    let mut rest = t;
    while let Some(amp) = rest.find('&') {
        push_literal(&rest[..amp], out);
        let semi = rest[amp..].find(';').ok_or(())? + amp;
        let name = &rest[amp + 1..semi];
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "apos" => '\'',
            "quot" => '"',
            _ => {
                let code = if let Some(hex) = name.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).map_err(|_| ())?
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse::<u32>().map_err(|_| ())?
                } else {
                    return Err(());
                };
                // Control characters other than tab and line ends are not
                // XML characters: left to calamine to judge.
                if code < 0x20 && !matches!(code, 0x9 | 0xA | 0xD) {
                    return Err(());
                }
                char::from_u32(code).ok_or(())?
            }
        };
        out.push(c);
        rest = &rest[semi + 1..];
    }
    push_literal(rest, out);
    Ok(())
}

fn push_literal(s: &str, out: &mut String) {
    if !s.contains('\r') {
        out.push_str(s);
        return;
    }
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            out.push('\n');
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
}

/// One cell's stored value, as calamine's cells reader gives it.
enum Value<'b> {
    Empty,
    Number(f64),
    Shared(&'b str),
    Text(String),
    Bool(bool),
}

/// The cells of a sheet part, positioned, empty ones left out; the inner
/// `Err` hands the package to calamine.
#[allow(clippy::type_complexity)]
fn read_cells(
    path: &Path,
    sheet: &str,
    xml: &[u8],
    book: &Book,
    text: &mut TextBudget,
) -> Result<Result<Vec<((u32, u32), CellValue)>, Unsupported>, WorkbookError> {
    let mut tags = Tags::new(xml);
    let mut cells = Vec::new();
    // Up to <sheetData>: a <dimension> must have a ref (calamine checks it).
    loop {
        let Ok(Some(tok)) = tags.next_token() else {
            return Ok(Err(()));
        };
        match tok {
            Tok::Start {
                name: b"dimension",
                attrs,
                ..
            } => match attr(attrs, b"ref") {
                Ok(Some(r)) if is_plain_range(r) => {}
                _ => return Ok(Err(())),
            },
            Tok::Start {
                name: b"sheetData",
                empty,
                ..
            } => {
                if empty {
                    return Ok(Ok(cells));
                }
                break;
            }
            _ => {}
        }
    }
    let (mut row, mut col) = (0u32, 0u32);
    loop {
        let Ok(Some(tok)) = tags.next_token() else {
            return Ok(Err(()));
        };
        match tok {
            Tok::Start {
                name: b"row",
                attrs,
                empty,
            } => {
                match attr(attrs, b"r") {
                    Ok(Some(r)) => match parse_row(r) {
                        Some(r) => row = r,
                        None => return Ok(Err(())),
                    },
                    Ok(None) => {}
                    Err(()) => return Ok(Err(())),
                }
                if empty {
                    row += 1;
                    col = 0;
                }
            }
            Tok::End { name: b"row" } => {
                row += 1;
                col = 0;
            }
            Tok::End { name: b"sheetData" } => return Ok(Ok(cells)),
            Tok::Start {
                name: b"c",
                attrs,
                empty,
            } => {
                let Ok(cell) = read_cell(&mut tags, attrs, empty, book, (row, col)) else {
                    return Ok(Err(()));
                };
                let (pos, value) = cell;
                col = pos.1 + 1;
                place(path, sheet, pos, value, &mut cells, text)?;
            }
            _ => {}
        }
    }
}

/// Adds a read cell, held to the limits as the calamine path holds it.
fn place(
    path: &Path,
    sheet: &str,
    (r, c): (u32, u32),
    value: Value,
    cells: &mut Vec<((u32, u32), CellValue)>,
    text: &mut TextBudget,
) -> Result<(), WorkbookError> {
    let at = || CellRef::new(Arc::from(sheet), r, c).a1();
    if r >= limits::ROWS || c >= limits::COLUMNS {
        return Err(past_limits(path, sheet, &at()));
    }
    let t = match &value {
        Value::Shared(t) => Some(*t),
        Value::Text(t) => Some(t.as_str()),
        _ => None,
    };
    if let Some(t) = t {
        if t.len() > limits::CELL_CHARS {
            let n = t.chars().count();
            if n > limits::CELL_CHARS {
                return Err(too_long(path, sheet, &at(), n));
            }
        }
        // Counted before a shared string is copied into the cell.
        text.spend(t.len())?;
    }
    let value = match value {
        Value::Empty => return Ok(()),
        Value::Number(f) => CellValue::Number(f),
        Value::Shared(s) => CellValue::Text(s.to_string()),
        Value::Text(s) => CellValue::Text(s),
        Value::Bool(b) => CellValue::Bool(b),
    };
    cells.push(((r, c), value));
    Ok(())
}

/// One `<c>`: its position (from `r`, else the running one) and its value
/// (a shared string not yet copied).
fn read_cell<'b>(
    tags: &mut Tags,
    attrs: &[u8],
    empty: bool,
    book: &'b Book,
    running: (u32, u32),
) -> Result<((u32, u32), Value<'b>), Unsupported> {
    let [r, typ, style] = attrs_of(attrs, [b"r", b"t", b"s"])?;
    let pos = match r {
        Some(r) => parse_cell(r).ok_or(())?,
        None => running,
    };
    let mut value = Value::Empty;
    let mut formula = false;
    if !empty {
        loop {
            match tags.next_token()?.ok_or(())? {
                Tok::Start {
                    name: b"f", empty, ..
                } => {
                    formula = true;
                    if !empty {
                        skip_to_end(tags, b"f")?;
                    }
                }
                Tok::Start {
                    name: b"is", empty, ..
                } => {
                    value = Value::Text(if empty {
                        String::new()
                    } else {
                        rich_string(tags, b"is")?
                    });
                }
                Tok::Start {
                    name: b"v", empty, ..
                } => value = read_v(tags, empty, typ, style, book)?,
                Tok::Start { .. } => return Err(()),
                Tok::End { name: b"c" } => break,
                _ => {}
            }
        }
    }
    let no_value = match &value {
        Value::Empty => true,
        Value::Text(s) => s.is_empty(),
        _ => false,
    };
    if formula && no_value {
        // A formula saved without its result: calamine gives its text.
        return Err(());
    }
    Ok((pos, value))
}

/// A `<v>` by the cell's type.
fn read_v<'b>(
    tags: &mut Tags,
    empty: bool,
    typ: Option<&[u8]>,
    style: Option<&[u8]>,
    book: &'b Book,
) -> Result<Value<'b>, Unsupported> {
    match typ {
        Some(b"inlineStr" | b"is") => {
            if !empty {
                skip_to_end(tags, b"v")?;
            }
            Ok(Value::Empty)
        }
        None | Some(b"n" | b"s" | b"b") => {
            let raw: &[u8] = if empty {
                b""
            } else {
                match tags.next_token()?.ok_or(())? {
                    Tok::Text(t) => {
                        skip_to_end(tags, b"v")?;
                        t
                    }
                    Tok::End { name: b"v" } => b"",
                    _ => return Err(()),
                }
            };
            if raw.contains(&b'&') {
                return Err(());
            }
            match typ {
                Some(b"s") => {
                    if raw.is_empty() {
                        return Ok(Value::Empty);
                    }
                    if !raw.iter().all(u8::is_ascii_digit) {
                        return Err(());
                    }
                    let i: usize = utf8(raw)?.parse().map_err(|_| ())?;
                    Ok(Value::Shared(book.strings.get(i).ok_or(())?))
                }
                Some(b"b") => match utf8(raw)?.trim() {
                    "" => Ok(Value::Empty),
                    "0" => Ok(Value::Bool(false)),
                    "1" => Ok(Value::Bool(true)),
                    v if v.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
                    v if v.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
                    _ => Err(()),
                },
                _ => {
                    if raw.is_empty() {
                        return Ok(Value::Empty);
                    }
                    if !is_plain_number(raw) {
                        return Err(());
                    }
                    if let Some(s) = style {
                        if !s.iter().all(u8::is_ascii_digit) || s.is_empty() {
                            return Err(());
                        }
                        let i: usize = utf8(s)?.parse().map_err(|_| ())?;
                        if book.date_styles.get(i).copied().unwrap_or(false) {
                            return Err(());
                        }
                    }
                    let f: f64 = utf8(raw)?.parse().map_err(|_| ())?;
                    Ok(Value::Number(f))
                }
            }
        }
        Some(b"str") => {
            let mut s = String::new();
            if !empty {
                text_until(tags, b"v", &mut s)?;
            }
            if s.contains("_x") {
                return Err(());
            }
            Ok(Value::Text(s))
        }
        // Dates as text, error values, unknown types: calamine.
        _ => Err(()),
    }
}

fn skip_to_end(tags: &mut Tags, name: &[u8]) -> Result<(), Unsupported> {
    let mut depth = 0u32;
    while let Some(tok) = tags.next_token()? {
        match tok {
            Tok::Start { name: n, empty, .. } if n == name && !empty => depth += 1,
            Tok::End { name: n } if n == name => {
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    Err(())
}

/// `-12`, `3.5`, `1E-3`: the numbers every float parser reads the same.
fn is_plain_number(b: &[u8]) -> bool {
    let b = b.strip_prefix(b"-").unwrap_or(b);
    let digits = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
    let int = digits(b);
    if int == 0 {
        return false;
    }
    let mut rest = &b[int..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = digits(frac);
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    if let Some(exp) = rest.strip_prefix(b"E").or_else(|| rest.strip_prefix(b"e")) {
        let exp = exp
            .strip_prefix(b"-")
            .or_else(|| exp.strip_prefix(b"+"))
            .unwrap_or(exp);
        let n = digits(exp);
        return n > 0 && n == exp.len();
    }
    rest.is_empty()
}

/// `A1` or `A1:C9`, letters and digits only.
fn is_plain_range(r: &[u8]) -> bool {
    let one = |s: &[u8]| parse_cell(s).is_some();
    match r.iter().position(|&b| b == b':') {
        Some(i) => one(&r[..i]) && one(&r[i + 1..]),
        None => one(r),
    }
}

/// `B12` → (11, 1), zero-based; upper-case letters, no `$`.
fn parse_cell(r: &[u8]) -> Option<(u32, u32)> {
    let letters = r.iter().take_while(|b| b.is_ascii_uppercase()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = r[..letters]
        .iter()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1));
    Some((parse_row(&r[letters..])?, col - 1))
}

/// `12` → 11.
fn parse_row(r: &[u8]) -> Option<u32> {
    if r.is_empty() || r.len() > 9 || !r.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: u32 = std::str::from_utf8(r).ok()?.parse().ok()?;
    n.checked_sub(1)
}

/// The value of attribute `key` (its raw bytes, between the quotes);
/// `Err` for attribute text that is not well-formed.
fn attr<'x>(attrs: &'x [u8], key: &[u8]) -> Result<Option<&'x [u8]>, Unsupported> {
    let [value] = attrs_of(attrs, [key])?;
    Ok(value)
}

/// The values of attributes `keys`, in one pass over the tag; `Err` for
/// attribute text that is not well-formed or names one twice.
fn attrs_of<'x, const N: usize>(
    attrs: &'x [u8],
    keys: [&[u8]; N],
) -> Result<[Option<&'x [u8]>; N], Unsupported> {
    let mut out = [None; N];
    let mut rest = attrs;
    while let Some((name, value, after)) = next_attr(rest)? {
        if let Some(i) = keys.iter().position(|k| *k == name) {
            if out[i].replace(value).is_some() {
                return Err(());
            }
        }
        rest = after;
    }
    Ok(out)
}

/// The first attribute of `attrs`: its name, its raw value and the text
/// after it; `None` at the end.
#[allow(clippy::type_complexity)]
fn next_attr(attrs: &[u8]) -> Result<Option<(&[u8], &[u8], &[u8])>, Unsupported> {
    let mut i = 0;
    let n = attrs.len();
    while i < n && attrs[i].is_ascii_whitespace() {
        i += 1;
    }
    if i >= n {
        return Ok(None);
    }
    let name_start = i;
    while i < n && !attrs[i].is_ascii_whitespace() && attrs[i] != b'=' {
        i += 1;
    }
    let name = &attrs[name_start..i];
    while i < n && attrs[i].is_ascii_whitespace() {
        i += 1;
    }
    if i >= n || attrs[i] != b'=' {
        return Err(());
    }
    i += 1;
    while i < n && attrs[i].is_ascii_whitespace() {
        i += 1;
    }
    let quote = *attrs.get(i).ok_or(())?;
    if quote != b'"' && quote != b'\'' {
        return Err(());
    }
    let end = memchr::memchr(quote, &attrs[i + 1..]).ok_or(())? + i + 1;
    Ok(Some((name, &attrs[i + 1..end], &attrs[end + 1..])))
}

/// The value of the last attribute whose local name is `local` (`r:id`
/// for `id`), as calamine matches a sheet's relationship id.
fn attr_local<'x>(attrs: &'x [u8], local: &[u8]) -> Result<Option<&'x [u8]>, Unsupported> {
    let mut found = None;
    let mut rest = attrs;
    while let Some((name, value, after)) = next_attr(rest)? {
        let name = name.rsplit(|&b| b == b':').next().unwrap_or(name);
        if name == local {
            found = Some(value);
        }
        rest = after;
    }
    Ok(found)
}

/// A token of a part: a start tag (self-closing or not), an end tag, or
/// the text between tags.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'x> {
    Start {
        name: &'x [u8],
        attrs: &'x [u8],
        empty: bool,
    },
    End {
        name: &'x [u8],
    },
    Text(&'x [u8]),
}

/// An element's name without its namespace prefix: calamine matches
/// elements by local name.
fn local(name: &[u8]) -> &[u8] {
    match memchr::memrchr(b':', name) {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// The tokens of a part in order (element names without their prefixes). Declarations and processing instructions
/// are skipped; comments, CDATA and DOCTYPE are outside the subset.
struct Tags<'x> {
    xml: &'x [u8],
    at: usize,
}

impl<'x> Tags<'x> {
    fn new(xml: &'x [u8]) -> Tags<'x> {
        Tags { xml, at: 0 }
    }

    fn next_token(&mut self) -> Result<Option<Tok<'x>>, Unsupported> {
        let xml = self.xml;
        loop {
            if self.at >= xml.len() {
                return Ok(None);
            }
            let rest = &xml[self.at..];
            if rest[0] != b'<' {
                let end = memchr::memchr(b'<', rest).unwrap_or(rest.len());
                self.at += end;
                return Ok(Some(Tok::Text(&rest[..end])));
            }
            match rest.get(1) {
                Some(b'?') => {
                    let end = memchr::memmem::find(rest, b"?>").ok_or(())?;
                    self.at += end + 2;
                    continue;
                }
                Some(b'!') | None => return Err(()),
                Some(b'/') => {
                    let end = memchr::memchr(b'>', rest).ok_or(())?;
                    self.at += end + 1;
                    return Ok(Some(Tok::End {
                        name: local(rest[2..end].trim_ascii()),
                    }));
                }
                Some(_) => {
                    // The tag ends at the first `>` outside quotes.
                    let mut from = 1;
                    let end = loop {
                        let j = memchr::memchr3(b'>', b'"', b'\'', &rest[from..]).ok_or(())? + from;
                        if rest[j] == b'>' {
                            break j;
                        }
                        from = memchr::memchr(rest[j], &rest[j + 1..]).ok_or(())? + j + 2;
                    };
                    let inner = &rest[1..end];
                    let (inner, empty) = match inner.strip_suffix(b"/") {
                        Some(i) => (i, true),
                        None => (inner, false),
                    };
                    let name_end = inner
                        .iter()
                        .position(|b| b.is_ascii_whitespace())
                        .unwrap_or(inner.len());
                    self.at += end + 1;
                    return Ok(Some(Tok::Start {
                        name: local(&inner[..name_end]),
                        attrs: &inner[name_end..],
                        empty,
                    }));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
