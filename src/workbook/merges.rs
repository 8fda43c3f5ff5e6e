//! The merged regions of an `.xlsx` sheet, read from the sheet part's bytes.
//!
//! calamine gives them only by parsing the whole sheet's XML a second time
//! (a third of reading a package, measured). `<mergeCells>` is a flat list
//! of `<mergeCell ref="A1:B2"/>` after the cells, and a `<` never occurs in
//! XML text (it is written `&lt;`), so finding the tags in the inflated
//! bytes is exact. Anything unexpected (a part not where the relationships
//! say, a `ref` that is not a range) gives `None`, and the caller asks
//! calamine instead.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::XmlVersion;

use super::address::parse_a1;
use super::sheet::Merge;
use super::{limits, opc};

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// The part of each worksheet, by sheet name, as the package layer
/// resolves them: the workbook part from the package relationships, each
/// sheet's target from the workbook's.
pub(super) fn sheet_parts(zip: &mut Zip) -> Option<HashMap<String, String>> {
    let stored: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .ok()?;
    let names = opc::PartNames::of(stored.iter().map(String::as_str));
    let mut part = |name: &str| part_bytes(zip, names.find(name)?);
    let workbook = opc::workbook_part(&opc::relationships(&part("_rels/.rels")?)?)?;
    let dir = opc::folder(&workbook).to_string();
    let targets: HashMap<String, opc::Relationship> =
        opc::relationships(&part(&opc::rels_part(&workbook))?)?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
    let mut parts = HashMap::new();
    let book = String::from_utf8(part(&workbook)?).ok()?;
    for sheet in elements(&book, "sheet")? {
        let rel = targets.get(sheet.get("id")?)?;
        let path = opc::resolve(&dir, &rel.target);
        let path = names.find(&path).unwrap_or(&path).to_string();
        parts.insert(sheet.get("name")?.clone(), path);
    }
    Some(parts)
}

/// The attributes (by local name, unescaped) of every `local` element of
/// a part, in order; `None` when the part is not well-formed.
fn elements(xml: &str, local: &str) -> Option<Vec<HashMap<String, String>>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == local => {
                let mut attrs = HashMap::new();
                for a in e.attributes().flatten() {
                    let value = a.normalized_value(XmlVersion::Implicit1_0).ok()?;
                    attrs.insert(a.key.local_name().as_ref().to_string(), value.into_owned());
                }
                out.push(attrs);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Some(out)
}

/// A part inflated (its size was checked against the limits before).
pub(super) fn part_bytes(zip: &mut Zip, name: &str) -> Option<Vec<u8>> {
    let mut f = zip.by_name(name).ok()?;
    let mut out = Vec::with_capacity(f.size().min(limits::PART_BYTES) as usize);
    f.read_to_end(&mut out).ok()?;
    Some(out)
}

/// Every `<mergeCell ref="…">` of a sheet part (any namespace prefix).
pub(super) fn scan(xml: &[u8]) -> Option<Vec<Merge>> {
    // A part in UTF-16 (a byte-order mark, or NULs between ASCII letters)
    // has no ASCII tags to find: calamine reads it.
    let head = &xml[..xml.len().min(64)];
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) || head.contains(&0) {
        return None;
    }
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(xml, b"mergeCell") {
        // An element name: after `<` or a prefix's `:`, and the whole name
        // (not `mergeCells`).
        let before = at.checked_sub(1).map(|i| xml[i]);
        let after = xml.get(at + b"mergeCell".len()).copied();
        let opens = match before {
            Some(b'<') => true,
            Some(b':') => {
                xml[..at - 1]
                    .iter()
                    .rev()
                    .find(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))
                    == Some(&b'<')
            }
            _ => false,
        };
        if !opens || !matches!(after, Some(b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>')) {
            continue;
        }
        let tag_end = memchr::memchr(b'>', &xml[at..])? + at;
        let range = attr(&xml[at + b"mergeCell".len()..tag_end], b"ref")?;
        out.push(parse_range(range)?);
    }
    Some(out)
}

/// The value of attribute `name` in a tag's attribute text.
fn attr<'x>(tag: &'x [u8], name: &[u8]) -> Option<&'x [u8]> {
    let mut i = 0;
    while let Some(pos) = memchr::memmem::find(&tag[i..], name) {
        let at = i + pos;
        let rest = &tag[at + name.len()..];
        let preceded = at > 0 && tag[at - 1].is_ascii_whitespace();
        let eq = rest.iter().position(|b| !b.is_ascii_whitespace());
        if preceded {
            if let Some(e) = eq.filter(|&e| rest[e] == b'=') {
                let after = &rest[e + 1..];
                let q = after.iter().position(|b| !b.is_ascii_whitespace())?;
                let quote = after[q];
                if quote != b'"' && quote != b'\'' {
                    return None;
                }
                let value = &after[q + 1..];
                let end = memchr::memchr(quote, value)?;
                return Some(&value[..end]);
            }
        }
        i = at + name.len();
    }
    None
}

/// `A1:B2` (or `A1`) as a merge; `$` signs allowed.
fn parse_range(r: &[u8]) -> Option<Merge> {
    let text = std::str::from_utf8(r).ok()?.trim();
    let (a, b) = text.split_once(':').unwrap_or((text, text));
    let (r0, c0) = parse_a1(a)?;
    let (r1, c1) = parse_a1(b)?;
    Some(Merge {
        first_row: r0.min(r1),
        first_col: c0.min(c1),
        last_row: r0.max(r1),
        last_col: c0.max(c1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(first_row: u32, first_col: u32, last_row: u32, last_col: u32) -> Merge {
        Merge {
            first_row,
            first_col,
            last_row,
            last_col,
        }
    }

    #[test]
    fn merge_tags_with_and_without_prefixes() {
        let xml = br#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lt;mergeCell ref="Z9:Z10"/&gt; mergeCells</t></is></c></row></sheetData>
<mergeCells count="3"><mergeCell ref="A1:B2"/><mergeCell
 ref = 'C3:$AB$40' /><x:mergeCell ref="D4"></x:mergeCell></mergeCells></worksheet>"#;
        assert_eq!(
            scan(xml).unwrap(),
            vec![m(0, 0, 1, 1), m(2, 2, 39, 27), m(3, 3, 3, 3)]
        );
    }

    /// Every bundled `.xlsx` (the official layout, other bureaus' templates,
    /// sheet names of other tools): the scan finds what calamine finds.
    #[test]
    fn the_scan_finds_what_calamine_finds_in_every_sample() {
        use calamine::Reader;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut compared = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "xlsx") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
            let parts = sheet_parts(&mut zip).unwrap();
            let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
            for name in wb.sheet_names() {
                let want: Vec<Merge> = wb
                    .merge_cells_by_sheet_name(&name)
                    .unwrap()
                    .iter()
                    .map(|d| m(d.start.0, d.start.1, d.end.0, d.end.1))
                    .collect();
                let xml = part_bytes(&mut zip, &parts[&name]).unwrap();
                assert_eq!(scan(&xml).unwrap(), want, "{} {name}", path.display());
                compared += want.len();
            }
        }
        assert!(compared > 100, "only {compared} merges compared");
    }

    /// Parts as other writers lay them out: a workbook part named from the
    /// root relationships by an absolute target, one sheet's target
    /// absolute and one relative, prefixed elements, an escaped sheet name.
    #[test]
    fn sheet_parts_as_other_writers_lay_them_out() {
        use std::io::Write;
        let parts = [
            (
                "_rels/.rels",
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="R1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/wb/book.xml"/></Relationships>"#,
            ),
            (
                "wb/_rels/book.xml.rels",
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="S1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/wb/s/a.xml"/><Relationship Id="S2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="s/b.xml"/></Relationships>"#,
            ),
            (
                "wb/book.xml",
                r#"<x:workbook xmlns:x="m" xmlns:rel="r"><x:sheets><x:sheet name="表1" sheetId="1" rel:id="S1"/><x:sheet name="A &amp; B" sheetId="2" rel:id="S2"/></x:sheets></x:workbook>"#,
            ),
        ];
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in parts {
            z.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        let bytes = z.finish().unwrap().into_inner();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let found = sheet_parts(&mut zip).unwrap();
        assert_eq!(found["表1"], "wb/s/a.xml");
        assert_eq!(found["A & B"], "wb/s/b.xml");
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn a_ref_that_is_not_a_range_is_left_to_calamine() {
        assert_eq!(scan(br#"<mergeCell ref="A0:B2"/>"#), None);
        assert_eq!(scan(br#"<mergeCell ref="1:2"/>"#), None);
        assert_eq!(scan(br#"<mergeCell other="A1:B2"/>"#), None);
        assert_eq!(scan(br#"<mergeCell ref="A1:B2""#), None);
        assert_eq!(scan(b"<mergeCells/>").unwrap(), vec![]);
        let utf16: Vec<u8> = "<mergeCell ref=\"A1:B2\"/>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(scan(&utf16), None);
        assert_eq!(scan(&[&[0xFF, 0xFE][..], &utf16].concat()), None);
    }
}
