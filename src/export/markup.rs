//! The submitted workbook, marked up (`check --report` on an `.xlsx` input):
//! the department's own package with every part it had kept byte for byte,
//! plus each finding's cells filled by severity with a comment, and a first
//! sheet 核对结果 listing the findings, errors first, each linked to its cell.
//!
//! Why edit the package rather than load it into a spreadsheet model and
//! save it again: a model keeps only what it models (umya-spreadsheet, the
//! Rust crate that reads and writes styled xlsx, has had a read-and-save
//! change fonts and corrupt files with charts: its issues #101, #102), while
//! a department's workbook is theirs down to the print set-up. Here only the
//! parts that must change are rewritten, and those by splicing: the styles
//! gain fills and formats, a marked sheet gains style indices on its marked
//! cells and a comments drawing, the workbook gains one sheet. Every other
//! byte is copied as it was.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use quick_xml::events::attributes::Attributes;
use quick_xml::events::Event;
use quick_xml::Reader;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::narrative_sheet::{outcome_rgb, NarrativeSheet};
use super::review_sheet::{Cell, Line, Look, ReviewSheet, Value};
use crate::model::{Budget, Severity};
use crate::reconcile::Finding;
use crate::workbook::col_letters;
use crate::workbook::{limits, opc, Workbook};

/// Why a package could not be marked up (the report then redraws it).
#[derive(Debug, thiserror::Error)]
pub enum MarkupError {
    #[error("压缩包无法读取：{0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("部件 {part} 无法解析：{message}")]
    Xml { part: String, message: String },
    #[error("缺少部件 {0}")]
    Missing(String),
    #[error("部件 {0} 超出读取上限")]
    Limit(String),
    #[error("写入失败：{0}")]
    Io(#[from] std::io::Error),
}

const NS_MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const NS_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL_WORKSHEET: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet";
const REL_COMMENTS: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
const REL_VML: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing";
const CT_WORKSHEET: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const CT_COMMENTS: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
const CT_VML: &str = "application/vnd.openxmlformats-officedocument.vmlDrawing";
const CT_MAIN: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
const CT_MACRO_MAIN: &str = "application/vnd.ms-excel.sheet.macroEnabled.main+xml";

/// Comments on one sheet at most. Past that a sheet is wrong row after row
/// (a shifted column), thousands of comment boxes help no one, and their
/// drawing grows with each; the cells are still filled and every finding is
/// listed in 核对结果.
pub const COMMENTS_PER_SHEET: usize = 2000;

/// The fill of a finding's cell (ARGB), by severity.
pub fn fill_argb(s: Severity) -> &'static str {
    match s {
        Severity::Error => "FFF4B0B0",
        Severity::Warning => "FFFFE699",
        Severity::Info => "FFC9DAF8",
    }
}

/// What a finding's comment says: rule, severity, message, the figures.
pub fn comment_text(f: &Finding) -> String {
    let mut s = format!("[{}] {}：{}", f.rule, f.severity.label(), f.message);
    if let (Some(e), Some(a)) = (&f.expected, &f.actual) {
        let unit = f.unit.map_or("", |u| u.label());
        s.push_str(&format!("\n应为 {e}，实为 {a}"));
        if let Some(d) = &f.difference {
            s.push_str(&format!("，差额 {d}"));
        }
        if !unit.is_empty() {
            s.push_str(&format!("（{unit}）"));
        }
    }
    s
}

// ---------------------------------------------------------------- XML tags

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Open,
    Empty,
    Close,
}

/// One tag of a part: where it lies and its text as written, from which its
/// name and attributes are read when asked. One allocation a tag: a sheet of
/// a million cells is held as its tags while it is marked up.
#[derive(Debug, Clone)]
struct Tag {
    kind: Kind,
    /// `<` to `>`, as written.
    text: Box<str>,
    start: usize,
    end: usize,
    /// The root is at depth 0.
    depth: usize,
}

impl Tag {
    /// The qualified name as written (`x:row`).
    fn name(&self) -> &str {
        let inner = self.text.trim_start_matches('<').trim_start_matches('/');
        let len = inner
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .unwrap_or(inner.len());
        &inner[..len]
    }

    fn prefix(&self) -> &str {
        self.name().split_once(':').map_or("", |(p, _)| p)
    }

    fn local(&self) -> &str {
        let name = self.name();
        name.split_once(':').map_or(name, |(_, l)| l)
    }

    /// The attributes as written (values not unescaped), in order. The tag
    /// was read whole by `tags`, so they parse.
    fn attrs(&self) -> Vec<(&str, &str)> {
        if self.kind == Kind::Close {
            return Vec::new();
        }
        let inner = self.text.trim_start_matches('<').trim_end_matches('>');
        let inner = inner.strip_suffix('/').unwrap_or(inner);
        Attributes::new(inner, self.name().len())
            .filter_map(Result::ok)
            // An attribute read from a buffer borrows its value from it.
            .filter_map(|a| match a.value {
                Cow::Borrowed(v) => Some((a.key.into_inner(), v)),
                Cow::Owned(_) => None,
            })
            .collect()
    }

    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// An attribute by local name whatever its prefix (`r:id`).
    fn attr_local(&self, local: &str) -> Option<&str> {
        self.attrs()
            .into_iter()
            .find(|(k, _)| k.rsplit(':').next() == Some(local) && k.contains(':'))
            .map(|(_, v)| v)
    }

    fn qname(&self) -> String {
        self.name().to_string()
    }

    /// The element opened (set attributes applied), holding `inner`, and
    /// closed: for an empty element that gains content.
    fn wrap(&self, set: &[(&str, String)], drop: &[&str], inner: &str) -> String {
        format!(
            "{}{inner}</{}>",
            self.rewrite(Kind::Open, set, drop),
            self.qname()
        )
    }

    /// The tag written again with `set` attributes replaced or added and
    /// `remove` left out; `kind` chooses `<a>` or `<a/>`.
    fn rewrite(&self, kind: Kind, set: &[(&str, String)], remove: &[&str]) -> String {
        let mut s = format!("<{}", self.qname());
        for (k, v) in self.attrs() {
            if remove.contains(&k) || set.iter().any(|(sk, _)| *sk == k) {
                continue;
            }
            s.push_str(&format!(" {k}=\"{}\"", v.replace('"', "&quot;")));
        }
        for (k, v) in set {
            s.push_str(&format!(" {k}=\"{v}\""));
        }
        s.push_str(if kind == Kind::Empty { "/>" } else { ">" });
        s
    }
}

fn qualify(prefix: &str, local: &str) -> String {
    if prefix.is_empty() {
        local.to_string()
    } else {
        format!("{prefix}:{local}")
    }
}

/// Every tag of a part, in order.
fn tags(part: &str, xml: &str) -> Result<Vec<Tag>, MarkupError> {
    tags_to(part, xml, usize::MAX)
}

/// Every tag of a part down to `max_depth`, in order; deeper tags are read
/// (a part that does not parse is refused) but not kept: a sheet is marked
/// up at its rows and cells, never inside a cell.
fn tags_to(part: &str, xml: &str, max_depth: usize) -> Result<Vec<Tag>, MarkupError> {
    let bad = |message: String| MarkupError::Xml {
        part: part.to_string(),
        message,
    };
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut depth = 0usize;
    loop {
        let start = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| bad(format!("{e}（第 {} 字节）", reader.error_position())))?;
        let end = reader.buffer_position() as usize;
        // quick-xml does not check names: a stray `<` in text reads as a
        // tag, and a part Excel cannot open would be handed back.
        let name_ok = |name: &[u8]| {
            let s = String::from_utf8_lossy(name);
            s.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && !s.contains(['<', '&', '"', '\''])
        };
        let kind = match &event {
            Event::Start(e) | Event::Empty(e) => {
                if !name_ok(e.name().as_ref().as_bytes()) {
                    return Err(bad(format!("第 {start} 字节处的标记名无效")));
                }
                for a in e.attributes() {
                    let a = a.map_err(|e| bad(e.to_string()))?;
                    // No `<` in a value: XML forbids it, Excel refuses it.
                    let raw: &str = a.value.as_ref();
                    if raw.contains('<') {
                        return Err(bad(format!("第 {start} 字节处的属性值含有 <")));
                    }
                }
                if matches!(event, Event::Start(_)) {
                    Kind::Open
                } else {
                    Kind::Empty
                }
            }
            Event::End(e) => {
                if !name_ok(e.name().as_ref().as_bytes()) {
                    return Err(bad(format!("第 {start} 字节处的标记名无效")));
                }
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| bad("多余的结束标记".into()))?;
                Kind::Close
            }
            Event::Eof => break,
            _ => continue,
        };
        if depth <= max_depth {
            let text = xml
                .get(start..end)
                .filter(|t| t.starts_with('<') && t.ends_with('>'))
                .ok_or_else(|| bad(format!("第 {start} 字节处的标记无法定位")))?;
            out.push(Tag {
                kind,
                text: text.into(),
                start,
                end,
                depth,
            });
        }
        if kind == Kind::Open {
            depth += 1;
        }
    }
    if depth != 0 {
        return Err(bad("标记未闭合".into()));
    }
    Ok(out)
}

/// Text edits of a part, applied at the end in order of position.
#[derive(Default)]
struct Edits(Vec<(usize, usize, String)>);

impl Edits {
    fn insert(&mut self, at: usize, text: String) {
        self.0.push((at, at, text));
    }
    fn replace(&mut self, t: &Tag, text: String) {
        self.0.push((t.start, t.end, text));
    }
    fn apply(mut self, xml: &str) -> String {
        // Stable: inserts at one place keep the order they were made in.
        self.0.sort_by_key(|(s, e, _)| (*s, *e));
        let mut out = String::with_capacity(xml.len() + 4096);
        let mut at = 0;
        for (s, e, text) in self.0 {
            out.push_str(&xml[at..s]);
            out.push_str(&text);
            at = e;
        }
        out.push_str(&xml[at..]);
        out
    }
}

/// The matching close tag of an open tag at index `i`.
fn close_of(tags: &[Tag], i: usize) -> Option<usize> {
    let t = &tags[i];
    if t.kind == Kind::Empty {
        return Some(i);
    }
    tags[i + 1..]
        .iter()
        .position(|c| c.kind == Kind::Close && c.depth == t.depth && c.local() == t.local())
        .map(|k| i + 1 + k)
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            // Characters XML 1.0 cannot carry.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => o.push(c),
        }
    }
    o
}

fn a1(row: u32, col: u32) -> String {
    format!("{}{}", col_letters(col), row + 1)
}

// ---------------------------------------------------------------- package

/// The source package, read part by part; what changes is kept aside.
/// Parts are named as the package layer finds them (ignoring case):
/// `xl/worksheets/Sheet1.xml` is the part a relationship calls
/// `worksheets/sheet1.xml`, as the reader found it.
struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    names: opc::PartNames,
    replaced: BTreeMap<String, Vec<u8>>,
    added: Vec<(String, Vec<u8>)>,
    removed: Vec<String>,
}

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8]) -> Result<Package<'a>, MarkupError> {
        let archive = ZipArchive::new(Cursor::new(bytes))?;
        let stored: Vec<String> = archive
            .file_names()
            .filter_map(Result::ok)
            .map(|n| n.into_owned())
            .collect();
        Ok(Package {
            names: opc::PartNames::of(stored.iter().map(String::as_str)),
            archive,
            replaced: BTreeMap::new(),
            added: Vec::new(),
            removed: Vec::new(),
        })
    }

    /// The name the package stores part `name` under, when it has it.
    fn stored(&self, name: &str) -> Option<String> {
        self.names.find(name).map(str::to_string)
    }

    fn exists(&self, name: &str) -> bool {
        self.stored(name).is_some() || self.added.iter().any(|(n, _)| n == name)
    }

    /// A part as text; `None` when the package has no such part.
    fn read(&mut self, name: &str) -> Result<Option<String>, MarkupError> {
        let name = self.stored(name).unwrap_or_else(|| name.to_string());
        if let Some(b) = self
            .replaced
            .get(&name)
            .or_else(|| self.added.iter().find(|(n, _)| *n == name).map(|(_, b)| b))
        {
            return Ok(Some(String::from_utf8_lossy(b).into_owned()));
        }
        let Some(i) = self.archive.index_for_name(&name) else {
            return Ok(None);
        };
        let file = self.archive.by_index(i)?;
        if file.size() > limits::PART_BYTES {
            return Err(MarkupError::Limit(name));
        }
        let mut s = String::new();
        file.take(limits::PART_BYTES)
            .read_to_string(&mut s)
            .map_err(|e| MarkupError::Xml {
                part: name.clone(),
                message: e.to_string(),
            })?;
        Ok(Some(s))
    }

    fn need(&mut self, name: &str) -> Result<String, MarkupError> {
        self.read(name)?
            .ok_or_else(|| MarkupError::Missing(name.to_string()))
    }

    /// Leaves a part out of the package written.
    fn remove(&mut self, name: &str) {
        let name = self.stored(name).unwrap_or_else(|| name.to_string());
        self.removed.push(name);
    }

    fn put(&mut self, name: &str, text: String) {
        if let Some(stored) = self.stored(name) {
            self.replaced.insert(stored, text.into_bytes());
        } else if let Some(slot) = self.added.iter_mut().find(|(n, _)| n == name) {
            slot.1 = text.into_bytes();
        } else {
            self.added.push((name.to_string(), text.into_bytes()));
        }
    }

    /// A part name not yet in the package, from a pattern with `{}`.
    fn free_name(&self, pattern: &str) -> String {
        (1..)
            .map(|k| pattern.replace("{}", &k.to_string()))
            .find(|n| !self.exists(n))
            .expect("an unused name")
    }

    fn finish(mut self) -> Result<Vec<u8>, MarkupError> {
        let mut out = ZipWriter::new(Cursor::new(Vec::new()));
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for i in 0..self.archive.len() {
            let name = self.archive.by_index_raw(i)?.name()?.into_owned();
            if self.removed.contains(&name) {
                continue;
            }
            match self.replaced.remove(&name) {
                Some(bytes) => {
                    out.start_file(name, opts)?;
                    out.write_all(&bytes)?;
                }
                None => out.raw_copy_file(self.archive.by_index_raw(i)?)?,
            }
        }
        for (name, bytes) in self.added {
            out.start_file(name, opts)?;
            out.write_all(&bytes)?;
        }
        Ok(out.finish()?.into_inner())
    }
}

/// A relationship, as the package layer reads it.
type Rel = opc::Relationship;

fn rels(part: &str, xml: &str) -> Result<Vec<Rel>, MarkupError> {
    opc::relationships(xml.as_bytes()).ok_or_else(|| MarkupError::Xml {
        part: part.to_string(),
        message: "关系部件不是合法的 XML".into(),
    })
}

use opc::{folder as dir_of, relative, rels_part as rels_name, resolve};

/// Adds a relationship to a `.rels` part (made if absent); its new id.
fn add_rel(
    pkg: &mut Package,
    rels_part: &str,
    kind: &str,
    target: &str,
) -> Result<String, MarkupError> {
    let xml = pkg.read(rels_part)?.unwrap_or_else(|| {
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"></Relationships>".to_string()
    });
    let ts = tags(rels_part, &xml)?;
    let used: Vec<&str> = ts.iter().filter_map(|t| t.attr("Id")).collect();
    let id = (1..)
        .map(|k| format!("rIdYusuan{k}"))
        .find(|id| !used.contains(&id.as_str()))
        .expect("an unused id");
    let root = ts
        .iter()
        .find(|t| t.depth == 0 && t.kind != Kind::Close)
        .ok_or_else(|| MarkupError::Missing(rels_part.to_string()))?;
    let rel = format!(
        "<{} Id=\"{id}\" Type=\"{kind}\" Target=\"{}\"/>",
        qualify(root.prefix(), "Relationship"),
        esc(target)
    );
    let mut ed = Edits::default();
    if root.kind == Kind::Empty {
        ed.replace(root, root.wrap(&[], &[], &rel));
    } else {
        let close = ts
            .iter()
            .rfind(|t| t.depth == 0 && t.kind == Kind::Close)
            .ok_or_else(|| MarkupError::Missing(rels_part.to_string()))?;
        ed.insert(close.start, rel);
    }
    pkg.put(rels_part, ed.apply(&xml));
    Ok(id)
}

// ---------------------------------------------------------------- styles

/// The package's styles, gaining the fills, fonts and formats the marks and
/// the 核对结果 sheet need; existing indices never move.
struct Styles {
    part: String,
    xml: String,
    tags: Vec<Tag>,
    prefix: String,
    fills: Section,
    fonts: Section,
    xfs: Section,
    /// Raw text of each existing cell format.
    xf_raw: Vec<(Tag, String)>,
    cache: BTreeMap<(u32, Severity), u32>,
    fill_ids: BTreeMap<Severity, u32>,
    plain: BTreeMap<(Option<Severity>, u8), u32>,
}

/// A list in styles (`<fills count=…>`): where it closes, what it adds.
struct Section {
    open: usize,
    close: usize,
    count: u32,
    added: Vec<String>,
}

impl Styles {
    fn load(pkg: &mut Package, part: &str) -> Result<Styles, MarkupError> {
        let xml = pkg.need(part)?;
        let tags = tags(part, &xml)?;
        let root = tags
            .first()
            .ok_or_else(|| MarkupError::Missing(part.to_string()))?;
        let prefix = root.prefix().to_string();
        let section = |name: &str| -> Result<Section, MarkupError> {
            let open = tags
                .iter()
                .position(|t| t.depth == 1 && t.local() == name && t.kind == Kind::Open)
                .ok_or_else(|| MarkupError::Xml {
                    part: part.to_string(),
                    message: format!("没有 <{name}> 列表"),
                })?;
            let close = close_of(&tags, open).ok_or_else(|| MarkupError::Xml {
                part: part.to_string(),
                message: format!("<{name}> 未闭合"),
            })?;
            let count = tags[open..close]
                .iter()
                .filter(|t| t.depth == 2 && t.kind != Kind::Close)
                .count() as u32;
            Ok(Section {
                open,
                close,
                count,
                added: Vec::new(),
            })
        };
        let fills = section("fills")?;
        let fonts = section("fonts")?;
        let xfs = section("cellXfs")?;
        let mut xf_raw = Vec::new();
        let mut i = xfs.open + 1;
        while i < xfs.close {
            let t = &tags[i];
            if t.depth == 2 && t.kind != Kind::Close {
                let c = close_of(&tags, i).unwrap_or(i);
                let inner = if c > i {
                    xml[t.end..tags[c].start].to_string()
                } else {
                    String::new()
                };
                xf_raw.push((t.clone(), inner));
                i = c + 1;
            } else {
                i += 1;
            }
        }
        Ok(Styles {
            part: part.to_string(),
            xml,
            tags,
            prefix,
            fills,
            fonts,
            xfs,
            xf_raw,
            cache: BTreeMap::new(),
            fill_ids: BTreeMap::new(),
            plain: BTreeMap::new(),
        })
    }

    fn q(&self, local: &str) -> String {
        qualify(&self.prefix, local)
    }

    fn fill(&mut self, sev: Severity) -> u32 {
        if let Some(id) = self.fill_ids.get(&sev) {
            return *id;
        }
        let id = self.solid_fill(fill_argb(sev));
        self.fill_ids.insert(sev, id);
        id
    }

    /// A new solid fill of colour `argb`; its index.
    fn solid_fill(&mut self, argb: &str) -> u32 {
        let id = self.fills.count + self.fills.added.len() as u32;
        let (fill, pattern, fg, bg) = (
            self.q("fill"),
            self.q("patternFill"),
            self.q("fgColor"),
            self.q("bgColor"),
        );
        self.fills.added.push(format!(
            "<{fill}><{pattern} patternType=\"solid\"><{fg} rgb=\"{argb}\"/><{bg} indexed=\"64\"/></{pattern}></{fill}>"
        ));
        id
    }

    fn push_xf(&mut self, xf: String) -> u32 {
        let id = self.xfs.count + self.xfs.added.len() as u32;
        self.xfs.added.push(xf);
        id
    }

    /// The format of cell format `s` with the fill of `sev`: the cell keeps
    /// its font, border, number format and alignment.
    fn marked(&mut self, s: u32, sev: Severity) -> u32 {
        if let Some(id) = self.cache.get(&(s, sev)) {
            return *id;
        }
        let fill = self.fill(sev).to_string();
        let base = self
            .xf_raw
            .get(s as usize)
            .or_else(|| self.xf_raw.first())
            .cloned();
        let xf = match base {
            Some((tag, inner)) => {
                let set = [("fillId", fill), ("applyFill", "1".to_string())];
                if tag.kind == Kind::Empty {
                    tag.rewrite(Kind::Empty, &set, &[])
                } else {
                    tag.wrap(&set, &[], &inner)
                }
            }
            None => format!(
                "<{} numFmtId=\"0\" fontId=\"0\" fillId=\"{fill}\" borderId=\"0\" xfId=\"0\" applyFill=\"1\"/>",
                self.q("xf")
            ),
        };
        let id = self.push_xf(xf);
        self.cache.insert((s, sev), id);
        id
    }

    fn font(&mut self, bold: bool, link: bool, size: u8) -> u32 {
        let id = self.fonts.count + self.fonts.added.len() as u32;
        let q = |l: &str| qualify(&self.prefix, l);
        let mut f = format!("<{}>", q("font"));
        if bold {
            f.push_str(&format!("<{}/>", q("b")));
        }
        if link {
            f.push_str(&format!("<{} val=\"single\"/>", q("u")));
        }
        f.push_str(&format!("<{} val=\"{size}\"/>", q("sz")));
        if link {
            f.push_str(&format!("<{} rgb=\"FF0563C1\"/>", q("color")));
        }
        f.push_str(&format!(
            "<{} val=\"宋体\"/><{} val=\"3\"/><{} val=\"134\"/></{}>",
            q("name"),
            q("family"),
            q("charset"),
            q("font")
        ));
        self.fonts.added.push(f);
        id
    }

    /// A format of the 核对结果 sheet.
    fn look(&mut self, look: Look, sev: Option<Severity>) -> u32 {
        let key = (sev, look as u8);
        if let Some(id) = self.plain.get(&key) {
            return *id;
        }
        let font = match look {
            Look::Title => self.font(true, false, 13),
            Look::Header => self.font(true, false, 11),
            Look::Link => self.font(false, true, 11),
            _ => 0,
        };
        let fill = match (look, sev) {
            (_, Some(s)) => self.fill(s),
            (Look::Header, None) => self.solid_fill("FFD9D9D9"),
            _ => 0,
        };
        // Built-in format 4 is #,##0.00.
        let numfmt = if look == Look::Number { 4 } else { 0 };
        let xf = format!(
            "<{} numFmtId=\"{numfmt}\" fontId=\"{font}\" fillId=\"{fill}\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\" applyFont=\"1\" applyFill=\"1\" applyAlignment=\"1\"><{} vertical=\"top\"{}/></{}>",
            self.q("xf"),
            self.q("alignment"),
            if matches!(look, Look::Wrap | Look::Link) {
                " wrapText=\"1\""
            } else {
                ""
            },
            self.q("xf")
        );
        let id = self.push_xf(xf);
        self.plain.insert(key, id);
        id
    }

    fn write(self, pkg: &mut Package) {
        let mut ed = Edits::default();
        for sec in [&self.fills, &self.fonts, &self.xfs] {
            if sec.added.is_empty() {
                continue;
            }
            let open = &self.tags[sec.open];
            let total = sec.count + sec.added.len() as u32;
            ed.replace(
                open,
                open.rewrite(Kind::Open, &[("count", total.to_string())], &[]),
            );
            ed.insert(self.tags[sec.close].start, sec.added.concat());
        }
        pkg.put(&self.part, ed.apply(&self.xml));
    }
}

// ---------------------------------------------------------------- sheets

/// Elements a worksheet may hold after `<legacyDrawing>` (ECMA-376 order).
const AFTER_LEGACY_DRAWING: [&str; 7] = [
    "legacyDrawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
];

/// A marked sheet: its part rewritten with marked cells' formats (cells a
/// finding names but the sheet never wrote are added, empty), the selected
/// tab unselected, and a comments drawing referenced when `legacy` is given.
fn mark_sheet(
    part: &str,
    xml: &str,
    marks: &BTreeMap<(u32, u32), Severity>,
    styles: &mut Styles,
    legacy: Option<&str>,
) -> Result<String, MarkupError> {
    // Rows are at depth 2 and cells at 3; nothing inside a cell is edited.
    let ts = tags_to(part, xml, 3)?;
    let root = ts
        .first()
        .ok_or_else(|| MarkupError::Missing(part.to_string()))?;
    let p = root.prefix().to_string();
    let mut ed = Edits::default();
    let mut pending = Pending {
        marks: marks.iter().map(|(k, v)| (*k, *v)).collect(),
        next: 0,
        prefix: p.clone(),
    };
    let sheet_data = ts
        .iter()
        .position(|t| t.depth == 1 && t.local() == "sheetData" && t.kind != Kind::Close)
        .ok_or_else(|| MarkupError::Xml {
            part: part.to_string(),
            message: "没有 <sheetData>".into(),
        })?;
    if ts[sheet_data].kind == Kind::Empty {
        let sd = &ts[sheet_data];
        let rows = pending.rows(styles, None);
        ed.replace(sd, sd.wrap(&[], &[], &rows));
    } else {
        let end = close_of(&ts, sheet_data).ok_or_else(|| MarkupError::Xml {
            part: part.to_string(),
            message: "<sheetData> 未闭合".into(),
        })?;
        let (mut cur_row, mut last_row, mut last_col): (Option<u32>, i64, i64) = (None, -1, -1);
        for t in &ts[sheet_data + 1..end] {
            match (t.local(), t.kind, t.depth) {
                ("row", Kind::Open | Kind::Empty, 2) => {
                    let r = t
                        .attr("r")
                        .and_then(|v| v.parse::<u32>().ok())
                        .and_then(|v| v.checked_sub(1))
                        .unwrap_or((last_row + 1) as u32);
                    last_row = i64::from(r);
                    last_col = -1;
                    let before = pending.rows(styles, Some(r));
                    if !before.is_empty() {
                        ed.insert(t.start, before);
                    }
                    let with_r = [("r", (r + 1).to_string())];
                    // A row that gains cells loses its optional `spans`
                    // hint, which would no longer hold.
                    let gains = pending.peek().is_some_and(|((r2, _), _)| r2 == r);
                    let drop: &[&str] = if gains { &["spans"] } else { &[] };
                    if t.kind == Kind::Empty {
                        let cells = pending.cells(styles, r, None);
                        if !cells.is_empty() {
                            ed.replace(t, t.wrap(&with_r, drop, &cells));
                        } else if t.attr("r").is_none() {
                            ed.replace(t, t.rewrite(Kind::Empty, &with_r, &[]));
                        }
                    } else {
                        cur_row = Some(r);
                        if t.attr("r").is_none() || gains {
                            ed.replace(t, t.rewrite(Kind::Open, &with_r, drop));
                        }
                    }
                }
                ("c", Kind::Open | Kind::Empty, 3) => {
                    let Some(r) = cur_row else { continue };
                    let c = t
                        .attr("r")
                        .and_then(crate::workbook::parse_a1)
                        .map_or((last_col + 1) as u32, |(_, c)| c);
                    last_col = i64::from(c);
                    let before = pending.cells(styles, r, Some(c));
                    if !before.is_empty() {
                        ed.insert(t.start, before);
                    }
                    let mut set = vec![("r", a1(r, c))];
                    if let Some(sev) = pending.take(r, c) {
                        let s = t.attr("s").and_then(|v| v.parse().ok()).unwrap_or(0);
                        set.push(("s", styles.marked(s, sev).to_string()));
                        ed.replace(t, t.rewrite(t.kind, &set, &[]));
                    } else if t.attr("r").is_none() {
                        ed.replace(t, t.rewrite(t.kind, &set, &[]));
                    }
                }
                ("row", Kind::Close, 2) => {
                    if let Some(r) = cur_row.take() {
                        let rest = pending.cells(styles, r, None);
                        if !rest.is_empty() {
                            ed.insert(t.start, rest);
                        }
                    }
                }
                _ => {}
            }
        }
        let rest = pending.rows(styles, None);
        if !rest.is_empty() {
            ed.insert(ts[end].start, rest);
        }
    }
    unselect(&ts, &mut ed);
    if let Some(id) = legacy {
        let at = ts
            .iter()
            .find(|t| t.depth == 1 && AFTER_LEGACY_DRAWING.contains(&t.local()))
            .or_else(|| ts.iter().rfind(|t| t.depth == 0 && t.kind == Kind::Close))
            .map(|t| t.start)
            .ok_or_else(|| MarkupError::Missing(part.to_string()))?;
        let prefix = rel_prefix(root, &mut ed);
        ed.insert(
            at,
            format!("<{} {prefix}:id=\"{id}\"/>", qualify(&p, "legacyDrawing"),),
        );
    }
    Ok(ed.apply(xml))
}

/// Marked cells not yet met in a sheet's rows, in row-major order.
struct Pending {
    marks: Vec<((u32, u32), Severity)>,
    next: usize,
    prefix: String,
}

impl Pending {
    fn peek(&self) -> Option<((u32, u32), Severity)> {
        self.marks.get(self.next).copied()
    }

    fn cell(&self, styles: &mut Styles, r: u32, c: u32, sev: Severity) -> String {
        format!(
            "<{} r=\"{}\" s=\"{}\"/>",
            qualify(&self.prefix, "c"),
            a1(r, c),
            styles.marked(0, sev)
        )
    }

    /// The marked cell at (r, c), if it is the next one.
    fn take(&mut self, r: u32, c: u32) -> Option<Severity> {
        match self.peek() {
            Some((at, sev)) if at == (r, c) => {
                self.next += 1;
                Some(sev)
            }
            _ => None,
        }
    }

    /// New empty cells for the marks of row `r` before column `until`.
    fn cells(&mut self, styles: &mut Styles, r: u32, until: Option<u32>) -> String {
        let mut s = String::new();
        while let Some(((r2, c), sev)) = self.peek() {
            if r2 != r || until.is_some_and(|u| c >= u) {
                break;
            }
            s.push_str(&self.cell(styles, r, c, sev));
            self.next += 1;
        }
        s
    }

    /// New rows for the marks of rows before `until`.
    fn rows(&mut self, styles: &mut Styles, until: Option<u32>) -> String {
        let mut s = String::new();
        while let Some(((r, _), _)) = self.peek() {
            if until.is_some_and(|u| r >= u) {
                break;
            }
            let row = qualify(&self.prefix, "row");
            let cells = self.cells(styles, r, None);
            s.push_str(&format!("<{row} r=\"{}\">{cells}</{row}>", r + 1));
        }
        s
    }
}

/// The prefix a part's root binds to the relationships namespace (`r`);
/// when it binds none, the root is given `xmlns:yr` (as every writer
/// declares it: on the root).
fn rel_prefix(root: &Tag, ed: &mut Edits) -> String {
    match root
        .attrs()
        .into_iter()
        .find(|(k, v)| k.starts_with("xmlns:") && *v == NS_REL)
    {
        Some((k, _)) => k["xmlns:".len()..].to_string(),
        None => {
            ed.replace(
                root,
                root.rewrite(root.kind, &[("xmlns:yr", NS_REL.to_string())], &[]),
            );
            "yr".to_string()
        }
    }
}

/// A sheet that was the selected tab is no longer: 核对结果 opens first.
fn unselect(ts: &[Tag], ed: &mut Edits) {
    for t in ts.iter().filter(|t| t.local() == "sheetView") {
        if t.attr("tabSelected")
            .is_some_and(|v| v == "1" || v == "true")
        {
            ed.replace(t, t.rewrite(t.kind, &[], &["tabSelected"]));
        }
    }
}

fn vml(shapes: &[(u32, u32)], idmap: u32) -> String {
    let mut s = format!(
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"{idmap}\"/></o:shapelayout><v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>"
    );
    for (k, (r, c)) in shapes.iter().enumerate() {
        s.push_str(&format!(
            "<v:shape id=\"_x0000_s{}\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:80pt;margin-top:10pt;width:180pt;height:80pt;z-index:{};visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/><v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div></v:textbox><x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{}, 15, {}, 10, {}, 15, {}, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{r}</x:Row><x:Column>{c}</x:Column></x:ClientData></v:shape>",
            idmap * 1024 + 1 + k as u32,
            k + 1,
            c + 1,
            r,
            c + 4,
            r + 5
        ));
    }
    s.push_str("</xml>");
    s
}

fn comments_part(notes: &BTreeMap<(u32, u32), String>) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<comments xmlns=\"{NS_MAIN}\"><authors><author>yusuan</author></authors><commentList>"
    );
    for ((r, c), text) in notes {
        s.push_str(&format!(
            "<comment ref=\"{}\" authorId=\"0\"><text><r><rPr><sz val=\"9\"/><rFont val=\"宋体\"/><charset val=\"134\"/></rPr><t xml:space=\"preserve\">{}</t></r></text></comment>",
            a1(*r, *c),
            esc(text)
        ));
    }
    s.push_str("</commentList></comments>");
    s
}

// ---------------------------------------------------------------- 核对结果, 说明核对

fn text_cell(r: u32, c: u32, text: &str, s: u32) -> String {
    format!(
        "<c r=\"{}\" s=\"{s}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
        a1(r, c),
        esc(text)
    )
}

/// A cell of a model's line in style `s`.
fn model_cell(r: u32, cell: &Cell, s: u32) -> String {
    let c = u32::from(cell.col);
    match cell.value {
        Value::Text(t) => text_cell(r, c, t, s),
        // The exact decimal, written as Excel reads a number.
        Value::Number(d) => format!(
            "<c r=\"{}\" s=\"{s}\"><v>{}</v></c>",
            a1(r, c),
            d.normalize()
        ),
        // Each figure a bold run in its outcome's colour.
        Value::Rich(pieces) => {
            let runs: String = pieces
                .iter()
                .map(|(text, mark)| match mark {
                    Some(o) => format!(
                        "<r><rPr><b/><color rgb=\"{}\"/></rPr><t xml:space=\"preserve\">{}</t></r>",
                        outcome_rgb(*o),
                        esc(text)
                    ),
                    None => format!("<r><t xml:space=\"preserve\">{}</t></r>", esc(text)),
                })
                .collect();
            format!(
                "<c r=\"{}\" s=\"{s}\" t=\"inlineStr\"><is>{runs}</is></c>",
                a1(r, c)
            )
        }
    }
}

/// The start of a model's worksheet, down to `<sheetData>`: the cells it
/// spans up to `last` (0-based row and column), the rows down to `head`
/// frozen, the tab selected or not, the columns' widths.
fn model_head(last: (u32, u32), head: u32, selected: bool, widths: &[f64]) -> String {
    let (first, first_cell) = (head + 1, a1(head + 1, 0));
    let tab = if selected { " tabSelected=\"1\"" } else { "" };
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"{NS_MAIN}\" xmlns:r=\"{NS_REL}\"><sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr><dimension ref=\"A1:{}\"/><sheetViews><sheetView{tab} workbookViewId=\"0\"><pane ySplit=\"{first}\" topLeftCell=\"{first_cell}\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"{first_cell}\" sqref=\"{first_cell}\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><cols>",
        a1(last.0, last.1)
    );
    for (c, w) in widths.iter().enumerate() {
        s.push_str(&format!(
            "<col min=\"{0}\" max=\"{0}\" width=\"{1}\" customWidth=\"1\"/>",
            c + 1,
            super::xlsx::stored_width(*w)
        ));
    }
    s.push_str("</cols><sheetData>");
    s
}

/// A model's lines as `<row>`s in this package's styles, and the links of
/// their cells as `<hyperlink>`s.
fn model_rows(lines: &[Line], styles: &mut Styles) -> (String, String) {
    let (mut s, mut links) = (String::new(), String::new());
    for line in lines {
        let height = line
            .height
            .map(|h| format!(" ht=\"{h}\" customHeight=\"1\""))
            .unwrap_or_default();
        s.push_str(&format!("<row r=\"{}\"{height}>", line.row + 1));
        for cell in &line.cells {
            let style = styles.look(cell.look, cell.fill);
            s.push_str(&model_cell(line.row, cell, style));
            if let (Some(link), Value::Text(t)) = (cell.link, cell.value) {
                links.push_str(&format!(
                    "<hyperlink ref=\"{}\" location=\"{}\" display=\"{}\"/>",
                    a1(line.row, u32::from(cell.col)),
                    esc(&link.location()),
                    esc(t)
                ));
            }
        }
        s.push_str("</row>");
    }
    (s, links)
}

/// `rows` merged across the columns to `last_col`.
fn model_merges(rows: &[u32], last_col: u32) -> String {
    let merges: String = rows
        .iter()
        .map(|r| format!("<mergeCell ref=\"{}:{}\"/>", a1(*r, 0), a1(*r, last_col)))
        .collect();
    format!("<mergeCells count=\"{}\">{merges}</mergeCells>", rows.len())
}

/// The end of a model's worksheet: its margins, landscape A4 one page wide.
fn model_print(margins: [f64; 6]) -> String {
    let [left, right, top, bottom, header, footer] = margins;
    format!("<pageMargins left=\"{left}\" right=\"{right}\" top=\"{top}\" bottom=\"{bottom}\" header=\"{header}\" footer=\"{footer}\"/><pageSetup paperSize=\"9\" orientation=\"landscape\" fitToWidth=\"1\" fitToHeight=\"0\"/></worksheet>")
}

/// The 核对结果 sheet as worksheet XML: the model's cells in this
/// package's styles, its widths, merges, filter, links and print set-up.
fn review_sheet(sheet: &ReviewSheet, styles: &mut Styles) -> String {
    use super::review_sheet::{HEAD, HEAD_ROW, MARGINS, MERGED_ROWS, WIDTHS};
    let last_col = (HEAD.len() - 1) as u32;
    let last = sheet.last_row();
    let mut s = model_head((last, last_col), HEAD_ROW, true, &WIDTHS);
    let (rows, links) = model_rows(&sheet.lines(), styles);
    s.push_str(&rows);
    s.push_str(&format!(
        "</sheetData><autoFilter ref=\"{}:{}\"/>{}",
        a1(HEAD_ROW, 0),
        a1(last, last_col),
        model_merges(&MERGED_ROWS, last_col)
    ));
    if !links.is_empty() {
        s.push_str(&format!("<hyperlinks>{links}</hyperlinks>"));
    }
    s.push_str(&model_print(MARGINS));
    s
}

/// The 说明核对 sheet as worksheet XML: the model's cells in this
/// package's styles, its widths, merge and print set-up.
fn narrative_sheet(sheet: &NarrativeSheet, styles: &mut Styles) -> String {
    use super::narrative_sheet::{HEAD, HEAD_ROW, MARGINS, MERGED_ROWS, WIDTHS};
    let last_col = (HEAD.len() - 1) as u32;
    let mut s = model_head((sheet.last_row(), last_col), HEAD_ROW, false, &WIDTHS);
    s.push_str(&model_rows(&sheet.lines(), styles).0);
    s.push_str("</sheetData>");
    s.push_str(&model_merges(&MERGED_ROWS, last_col));
    s.push_str(&model_print(MARGINS));
    s
}

// ---------------------------------------------------------------- workbook

/// Elements of a workbook that follow `<definedNames>` (ECMA-376 order).
const AFTER_DEFINED_NAMES: [&str; 10] = [
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
];

/// Marks up a submitted `.xlsx` package with the findings of its check.
///
/// `source` is the same package as read for the check (its sheet names and
/// merges place the marks: a finding on a merged area marks its first cell).
///
/// # Errors
/// [`MarkupError`] when the package lacks a part every workbook has (its
/// workbook, relationships or styles), a part is not well-formed XML, or a
/// part is over the read limits. The caller then redraws the report.
pub fn mark_up(
    bytes: &[u8],
    source: &Workbook,
    budget: &Budget,
    findings: &[Finding],
) -> Result<Vec<u8>, MarkupError> {
    let mut pkg = Package::open(bytes)?;
    let wb = WorkbookPart::locate(&mut pkg)?;
    let mut styles = Styles::load(&mut pkg, &wb.styles_part)?;
    let mut notes: Vec<String> = Vec::new();
    let content_types = pkg.need(CONTENT_TYPES)?;
    leave_out_macros(&mut pkg, &wb, &content_types, &mut notes)?;
    let marks = Marks::of(source, findings);
    let mut new_types: Vec<String> = Vec::new();
    let comments_added = mark_sheets(
        &mut pkg,
        &wb,
        &marks,
        findings,
        &mut styles,
        &mut notes,
        &mut new_types,
    )?;
    let (added, last) = add_review_sheets(
        &mut pkg,
        &wb,
        budget,
        findings,
        &notes,
        &mut styles,
        &mut new_types,
    )?;
    styles.write(&mut pkg);
    list_review_sheets_first(&mut pkg, &wb, &added, last)?;
    declare_content_types(&mut pkg, &content_types, new_types, comments_added)?;
    pkg.finish()
}

/// The package's content types part.
const CONTENT_TYPES: &str = "[Content_Types].xml";

/// The workbook part, found from the package relationships, with its
/// relationships, styles part and sheets (name, part) in tab order.
struct WorkbookPart {
    part: String,
    dir: String,
    rels_part: String,
    rels: Vec<Rel>,
    styles_part: String,
    xml: String,
    tags: Vec<Tag>,
    sheets: Vec<(String, String)>,
}

impl WorkbookPart {
    fn locate(pkg: &mut Package) -> Result<WorkbookPart, MarkupError> {
        let root_rels = pkg.need("_rels/.rels")?;
        let part = opc::workbook_part(&rels("_rels/.rels", &root_rels)?)
            .ok_or_else(|| MarkupError::Missing("officeDocument".into()))?;
        let dir = dir_of(&part).to_string();
        let rels_part = rels_name(&part);
        let wb_rels = rels(&rels_part, &pkg.need(&rels_part)?)?;
        let styles_part = wb_rels
            .iter()
            .find(|r| r.kind.ends_with("/styles"))
            .map(|r| resolve(&dir, &r.target))
            .ok_or_else(|| MarkupError::Missing("styles".into()))?;
        let xml = pkg.need(&part)?;
        let tags = tags(&part, &xml)?;
        let mut wb = WorkbookPart {
            part,
            dir,
            rels_part,
            rels: wb_rels,
            styles_part,
            xml,
            tags,
            sheets: Vec::new(),
        };
        let mut sheets: Vec<(String, String)> = Vec::new();
        for t in wb.sheet_tags() {
            let name = unescape(t.attr("name").unwrap_or_default());
            let id = t.attr_local("id").unwrap_or_default();
            if let Some(r) = wb.rels.iter().find(|r| r.id == id && !r.external) {
                sheets.push((name, resolve(&wb.dir, &r.target)));
            }
        }
        wb.sheets = sheets;
        Ok(wb)
    }

    /// The `<sheet>` entries of `<sheets>`.
    fn sheet_tags(&self) -> impl Iterator<Item = &Tag> {
        self.tags
            .iter()
            .filter(|t| t.local() == "sheet" && t.depth == 2 && t.kind != Kind::Close)
    }
}

/// A workbook with macros (.xlsm) becomes a plain .xlsx report: the macros
/// are left out (their part and its relationship), and 核对结果 says so.
fn leave_out_macros(
    pkg: &mut Package,
    wb: &WorkbookPart,
    content_types: &str,
    notes: &mut Vec<String>,
) -> Result<(), MarkupError> {
    let macros: Vec<&Rel> = wb
        .rels
        .iter()
        .filter(|r| r.kind.ends_with("/vbaProject") && !r.external)
        .collect();
    if !content_types.contains(CT_MACRO_MAIN) && macros.is_empty() {
        return Ok(());
    }
    let xml = pkg.need(&wb.rels_part)?;
    let ts = tags(&wb.rels_part, &xml)?;
    let mut ed = Edits::default();
    for t in ts.iter().filter(|t| {
        t.local() == "Relationship"
            && t.kind != Kind::Close
            && t.attr("Type").is_some_and(|k| k.ends_with("/vbaProject"))
    }) {
        ed.replace(t, String::new());
    }
    pkg.put(&wb.rels_part, ed.apply(&xml));
    for r in &macros {
        let part = resolve(&wb.dir, &r.target);
        pkg.remove(&part);
    }
    notes.push("源工作簿启用了宏（.xlsm），核对工作簿是 .xlsx，宏未保留。".into());
    Ok(())
}

/// Each finding's cells by sheet, moved to the first cell of a merged area.
struct Marks {
    /// The worst severity of the findings on each cell: its fill.
    severity: BTreeMap<String, BTreeMap<(u32, u32), Severity>>,
    /// The findings of each cell, by index: their comment texts are made
    /// only for the cells that get a comment.
    findings: BTreeMap<String, BTreeMap<(u32, u32), Vec<usize>>>,
}

impl Marks {
    fn of(source: &Workbook, findings: &[Finding]) -> Marks {
        let mut marks = Marks {
            severity: BTreeMap::new(),
            findings: BTreeMap::new(),
        };
        for (i, f) in findings.iter().enumerate() {
            for c in &f.cells {
                let (mut r, mut col) = (c.row, c.col);
                if let Some(m) = source
                    .sheets
                    .iter()
                    .find(|s| *s.name == *c.sheet)
                    .and_then(|s| s.merge_at(c.row, c.col))
                {
                    (r, col) = (m.first_row, m.first_col);
                }
                let sev = marks
                    .severity
                    .entry(c.sheet.to_string())
                    .or_default()
                    .entry((r, col))
                    .or_insert(f.severity);
                *sev = (*sev).max(f.severity);
                let t = marks
                    .findings
                    .entry(c.sheet.to_string())
                    .or_default()
                    .entry((r, col))
                    .or_default();
                if t.last() != Some(&i) {
                    t.push(i);
                }
            }
        }
        marks
    }
}

/// Fills the marked cells of every sheet and comments on them; a sheet
/// with no marks only loses its selected tab (核对结果 opens first). Notes
/// for 核对结果 say which sheets could not be marked or commented on.
/// Whether any comments were added (they need the `vml` content type).
fn mark_sheets(
    pkg: &mut Package,
    wb: &WorkbookPart,
    marks: &Marks,
    findings: &[Finding],
    styles: &mut Styles,
    notes: &mut Vec<String>,
    new_types: &mut Vec<String>,
) -> Result<bool, MarkupError> {
    let mut drawings = 0u32;
    for (name, part) in &wb.sheets {
        let Some(xml) = pkg.read(part)? else {
            if marks.severity.contains_key(name) {
                notes.push(format!(
                    "工作表“{name}”的部件 {part} 缺失，其单元格未能标色。"
                ));
            }
            continue;
        };
        let Some(sheet_marks) = marks.severity.get(name) else {
            // Only a sheet that says tabSelected at all is parsed.
            if !xml.contains("tabSelected") {
                continue;
            }
            let ts = tags(part, &xml)?;
            let mut ed = Edits::default();
            unselect(&ts, &mut ed);
            if !ed.0.is_empty() {
                pkg.put(part, ed.apply(&xml));
            }
            continue;
        };
        let sheet_rels_part = rels_name(part);
        let has_comments = match pkg.read(&sheet_rels_part)? {
            Some(x) => rels(&sheet_rels_part, &x)?
                .iter()
                .any(|r| r.kind == REL_COMMENTS || r.kind == REL_VML),
            None => false,
        } || xml.contains("legacyDrawing ")
            || xml.contains("legacyDrawing>");
        let legacy = if has_comments {
            notes.push(format!("“{name}”已有批注，未再加批注（见本表各行）。"));
            None
        } else {
            drawings += 1;
            let marked = marks.findings.get(name);
            let cells = comment_texts(name, marked, findings, notes);
            Some(add_comments(pkg, wb, part, &cells, drawings, new_types)?)
        };
        let marked = mark_sheet(part, &xml, sheet_marks, styles, legacy.as_deref())?;
        pkg.put(part, marked);
    }
    for sheet in marks.severity.keys() {
        if !wb.sheets.iter().any(|(n, _)| n == sheet) {
            notes.push(format!("工作表“{sheet}”不在工作簿中，其单元格未能标色。"));
        }
    }
    Ok(drawings > 0)
}

/// The comment of each marked cell of a sheet, up to
/// [`COMMENTS_PER_SHEET`] (in row order; a note says when there were more):
/// its findings' texts, each once.
fn comment_texts(
    sheet: &str,
    marked: Option<&BTreeMap<(u32, u32), Vec<usize>>>,
    findings: &[Finding],
    notes: &mut Vec<String>,
) -> BTreeMap<(u32, u32), String> {
    let count = marked.map_or(0, BTreeMap::len);
    if count > COMMENTS_PER_SHEET {
        notes.push(format!(
            "“{sheet}”有 {count} 个单元格标色，批注只加在前 {COMMENTS_PER_SHEET} 个（按行）上，其余只标色；每条问题都列在本表。"
        ));
    }
    marked
        .into_iter()
        .flatten()
        .take(COMMENTS_PER_SHEET)
        .map(|(k, found)| {
            let mut said: Vec<String> = Vec::new();
            for &i in found {
                let text = comment_text(&findings[i]);
                if !said.contains(&text) {
                    said.push(text);
                }
            }
            (*k, said.join("\n"))
        })
        .collect()
}

/// Adds a comments part and its drawing for a sheet, related to it; the id
/// of the drawing's relationship, for the sheet's `<legacyDrawing>`.
fn add_comments(
    pkg: &mut Package,
    wb: &WorkbookPart,
    sheet_part: &str,
    cells: &BTreeMap<(u32, u32), String>,
    drawing_no: u32,
    new_types: &mut Vec<String>,
) -> Result<String, MarkupError> {
    let wb_dir = &wb.dir;
    let comments = pkg.free_name(&format!("{wb_dir}/comments-yusuan{{}}.xml"));
    let drawing = pkg.free_name(&format!("{wb_dir}/drawings/vmlDrawing-yusuan{{}}.vml"));
    let shapes: Vec<(u32, u32)> = cells.keys().copied().collect();
    pkg.put(&comments, comments_part(cells));
    pkg.put(&drawing, vml(&shapes, 100 + drawing_no));
    let sheet_rels_part = rels_name(sheet_part);
    let from = dir_of(sheet_part).to_string();
    add_rel(
        pkg,
        &sheet_rels_part,
        REL_COMMENTS,
        &relative(&from, &comments),
    )?;
    let vml_id = add_rel(pkg, &sheet_rels_part, REL_VML, &relative(&from, &drawing))?;
    new_types.push(format!(
        "<Override PartName=\"/{comments}\" ContentType=\"{CT_COMMENTS}\"/>"
    ));
    Ok(vml_id)
}

/// Adds 核对结果 and, when a narrative was checked with the workbook,
/// 说明核对: each sheet's name and relationship id, and the last row of
/// 核对结果's findings (its filter's range).
fn add_review_sheets(
    pkg: &mut Package,
    wb: &WorkbookPart,
    budget: &Budget,
    findings: &[Finding],
    notes: &[String],
    styles: &mut Styles,
    new_types: &mut Vec<String>,
) -> Result<(Vec<(String, String)>, u32), MarkupError> {
    let taken: Vec<&str> = wb.sheets.iter().map(|(n, _)| n.as_str()).collect();
    let sheet = ReviewSheet::new(budget, findings, notes, &taken);
    let review_xml = review_sheet(&sheet, styles);
    let rid = add_sheet(pkg, wb, "yusuan-review", review_xml, new_types)?;
    // The filter's last row, 1-based.
    let last = sheet.last_row() + 1;
    let mut added = vec![(sheet.name, rid)];
    if let Some(review) = &budget.narrative {
        let sheet = NarrativeSheet::new(review, findings, &taken);
        let xml = narrative_sheet(&sheet, styles);
        let rid = add_sheet(pkg, wb, "yusuan-narrative", xml, new_types)?;
        added.push((sheet.name, rid));
    }
    Ok((added, last))
}

/// Adds a worksheet part (named from `stem`) related to the workbook; its
/// relationship id.
fn add_sheet(
    pkg: &mut Package,
    wb: &WorkbookPart,
    stem: &str,
    xml: String,
    new_types: &mut Vec<String>,
) -> Result<String, MarkupError> {
    let part = pkg.free_name(&format!("{}/worksheets/{stem}{{}}.xml", wb.dir));
    pkg.put(&part, xml);
    let rid = add_rel(pkg, &wb.rels_part, REL_WORKSHEET, &relative(&wb.dir, &part))?;
    new_types.push(format!(
        "<Override PartName=\"/{part}\" ContentType=\"{CT_WORKSHEET}\"/>"
    ));
    Ok(rid)
}

/// The workbook part with the added sheets first: sheet-scoped names move
/// by as many, the first tab is active, and 核对结果 gets its filter
/// (`_xlnm._FilterDatabase`, rows 3 to `last`).
fn list_review_sheets_first(
    pkg: &mut Package,
    wb: &WorkbookPart,
    added: &[(String, String)],
    last: u32,
) -> Result<(), MarkupError> {
    let wb_tags = &wb.tags;
    let mut ed = Edits::default();
    let wp = wb_tags
        .first()
        .map(|t| t.prefix().to_string())
        .unwrap_or_default();
    let sheets_open = wb_tags
        .iter()
        .find(|t| t.local() == "sheets" && t.depth == 1 && t.kind == Kind::Open)
        .ok_or_else(|| MarkupError::Xml {
            part: wb.part.clone(),
            message: "没有 <sheets>".into(),
        })?;
    let next_id = wb
        .sheet_tags()
        .filter_map(|t| t.attr("sheetId").and_then(|v| v.parse::<u32>().ok()))
        .max()
        .unwrap_or(0)
        + 1;
    let prefix = rel_prefix(&wb_tags[0], &mut ed);
    let new_tags: String = added
        .iter()
        .enumerate()
        .map(|(i, (name, rid))| {
            format!(
                "<{} name=\"{}\" sheetId=\"{}\" {prefix}:id=\"{rid}\"/>",
                qualify(&wp, "sheet"),
                esc(name),
                next_id + i as u32,
            )
        })
        .collect();
    ed.insert(sheets_open.end, new_tags);
    let moved = added.len() as u32;
    for t in wb_tags {
        if t.local() == "definedName" && t.kind == Kind::Open {
            if let Some(k) = t.attr("localSheetId").and_then(|v| v.parse::<u32>().ok()) {
                ed.replace(
                    t,
                    t.rewrite(
                        Kind::Open,
                        &[("localSheetId", (k + moved).to_string())],
                        &[],
                    ),
                );
            }
        }
        if t.local() == "workbookView" && t.kind != Kind::Close {
            ed.replace(
                t,
                t.rewrite(
                    t.kind,
                    &[("activeTab", "0".into()), ("firstSheet", "0".into())],
                    &[],
                ),
            );
        }
    }
    let filter = format!(
        "<{0} name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">{1}!$A$3:$J${last}</{0}>",
        qualify(&wp, "definedName"),
        esc(&format!("'{}'", added[0].0.replace('\'', "''")))
    );
    match wb_tags
        .iter()
        .position(|t| t.local() == "definedNames" && t.depth == 1 && t.kind != Kind::Close)
    {
        Some(i) if wb_tags[i].kind == Kind::Open => ed.insert(wb_tags[i].end, filter),
        Some(i) => {
            let t = &wb_tags[i];
            ed.replace(t, t.wrap(&[], &[], &filter));
        }
        None => {
            let at = wb_tags
                .iter()
                .find(|t| t.depth == 1 && AFTER_DEFINED_NAMES.contains(&t.local()))
                .or_else(|| {
                    wb_tags
                        .iter()
                        .rfind(|t| t.depth == 0 && t.kind == Kind::Close)
                })
                .map(|t| t.start)
                .ok_or_else(|| MarkupError::Missing(wb.part.clone()))?;
            ed.insert(
                at,
                format!("<{0}>{filter}</{0}>", qualify(&wp, "definedNames")),
            );
        }
    }
    pkg.put(&wb.part, ed.apply(&wb.xml));
    Ok(())
}

/// The content types part with the new parts declared (defaults first, as
/// Excel writes them), the parts left out undeclared, and a macro-enabled
/// workbook declared a plain one.
fn declare_content_types(
    pkg: &mut Package,
    ct: &str,
    mut new_types: Vec<String>,
    comments_added: bool,
) -> Result<(), MarkupError> {
    let ct_tags = tags(CONTENT_TYPES, ct)?;
    if comments_added
        && !ct_tags.iter().any(|t| {
            t.local() == "Default"
                && t.attr("Extension")
                    .is_some_and(|e| e.eq_ignore_ascii_case("vml"))
        })
    {
        new_types.push(format!(
            "<Default Extension=\"vml\" ContentType=\"{CT_VML}\"/>"
        ));
    }
    let (open, close) = (
        ct_tags
            .iter()
            .find(|t| t.depth == 0 && t.kind == Kind::Open),
        ct_tags
            .iter()
            .rfind(|t| t.depth == 0 && t.kind == Kind::Close),
    );
    let (Some(open), Some(close)) = (open, close) else {
        return Err(MarkupError::Missing(CONTENT_TYPES.into()));
    };
    let mut ed = Edits::default();
    for t in &ct_tags {
        if t.local() != "Override" || t.kind == Kind::Close {
            continue;
        }
        let name = t
            .attr("PartName")
            .unwrap_or_default()
            .trim_start_matches('/');
        if t.attr("ContentType") == Some(CT_MACRO_MAIN) {
            ed.replace(
                t,
                t.rewrite(t.kind, &[("ContentType", CT_MAIN.to_string())], &[]),
            );
        } else if pkg.removed.iter().any(|r| r == name) {
            ed.replace(t, String::new());
        }
    }
    let (defaults, overrides): (Vec<String>, Vec<String>) = new_types
        .into_iter()
        .partition(|x| x.starts_with("<Default"));
    ed.insert(open.end, defaults.concat());
    ed.insert(close.start, overrides.concat());
    pkg.put(CONTENT_TYPES, ed.apply(ct));
    Ok(())
}

/// The five XML escapes undone, for sheet names read from attributes.
fn unescape(s: &str) -> String {
    quick_xml::escape::unescape(s).map_or_else(|_| s.to_string(), |c| c.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_round_trip() {
        for (r, c) in [(0, 0), (6, 2), (99, 26), (0, 701), (1_048_575, 16_383)] {
            assert_eq!(crate::workbook::parse_a1(&a1(r, c)), Some((r, c)));
        }
        assert_eq!(crate::workbook::parse_a1("C"), None);
        assert_eq!(crate::workbook::parse_a1("7"), None);
    }

    #[test]
    fn edits_keep_everything_else() {
        let xml = "<a><b x=\"1\"/><c/></a>";
        let ts = tags("t", xml).unwrap();
        let mut ed = Edits::default();
        ed.replace(
            &ts[1],
            ts[1].rewrite(Kind::Empty, &[("x", "2".into())], &[]),
        );
        ed.insert(ts[2].start, "<n/>".into());
        assert_eq!(ed.apply(xml), "<a><b x=\"2\"/><n/><c/></a>");
    }

    #[test]
    fn marked_cells_are_restyled_or_added_in_order() {
        let xml = "<worksheet><sheetData><row r=\"2\" spans=\"2:4\"><c r=\"B2\" s=\"3\"><v>1</v></c><c r=\"D2\"/></row><row r=\"5\"/></sheetData></worksheet>";
        let styles_xml = "<styleSheet><fonts count=\"1\"><font/></fonts><fills count=\"2\"><fill/><fill/></fills><cellXfs count=\"4\"><xf fillId=\"0\"/><xf/><xf/><xf numFmtId=\"4\" fillId=\"0\"><alignment wrapText=\"1\"/></xf></cellXfs></styleSheet>";
        let bytes = {
            let mut z = ZipWriter::new(Cursor::new(Vec::new()));
            z.start_file("s.xml", SimpleFileOptions::default()).unwrap();
            z.write_all(styles_xml.as_bytes()).unwrap();
            z.finish().unwrap().into_inner()
        };
        let mut pkg = Package::open(&bytes).unwrap();
        let mut styles = Styles::load(&mut pkg, "s.xml").unwrap();
        let marks: BTreeMap<(u32, u32), Severity> = [
            ((0, 0), Severity::Info),
            ((1, 1), Severity::Error),
            ((1, 2), Severity::Warning),
            ((4, 0), Severity::Error),
            ((6, 3), Severity::Info),
        ]
        .into_iter()
        .collect();
        let out = mark_sheet("x", xml, &marks, &mut styles, Some("rId9")).unwrap();
        assert_eq!(
            out,
            "<worksheet xmlns:yr=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheetData><row r=\"1\"><c r=\"A1\" s=\"4\"/></row><row r=\"2\"><c r=\"B2\" s=\"5\"><v>1</v></c><c r=\"C2\" s=\"6\"/><c r=\"D2\"/></row><row r=\"5\"><c r=\"A5\" s=\"7\"/></row><row r=\"7\"><c r=\"D7\" s=\"4\"/></row></sheetData><legacyDrawing yr:id=\"rId9\"/></worksheet>"
        );
        // The marked format keeps the cell's number format and alignment.
        assert_eq!(
            styles.xfs.added[1],
            "<xf numFmtId=\"4\" fillId=\"3\" applyFill=\"1\"><alignment wrapText=\"1\"/></xf>"
        );
    }
}
