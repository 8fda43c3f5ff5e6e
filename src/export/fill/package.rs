//! The blank's package: where each sheet's part is, a part's text, and
//! the filled copy written — every part not edited copied as it was
//! (compressed bytes and all), references to moved rows in other parts
//! (defined names, other sheets' formulas) moved with them.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::error::FillError;
use super::refs;
use crate::workbook::{limits, Workbook};

fn archive(bytes: &[u8]) -> Result<ZipArchive<Cursor<&[u8]>>, FillError> {
    Ok(ZipArchive::new(Cursor::new(bytes))?)
}

/// A part's text; a part past the reading limit is refused.
pub fn read_part(bytes: &[u8], name: &str) -> Result<String, FillError> {
    let mut z = archive(bytes)?;
    let i = (0..z.len())
        .find(|i| {
            z.by_index_raw(*i)
                .ok()
                .and_then(|f| f.name().ok().map(|n| n.eq_ignore_ascii_case(name)))
                .unwrap_or(false)
        })
        .ok_or_else(|| FillError::Xml {
            part: name.to_string(),
            message: "缺少此部件".into(),
        })?;
    let f = z.by_index(i)?;
    if f.size() > limits::PART_BYTES {
        return Err(FillError::Xml {
            part: name.to_string(),
            message: "超出读取上限".into(),
        });
    }
    let mut s = String::new();
    f.take(limits::PART_BYTES)
        .read_to_string(&mut s)
        .map_err(|e| FillError::Xml {
            part: name.to_string(),
            message: e.to_string(),
        })?;
    Ok(s)
}

/// The value of attribute `key` in a tag's text.
fn attr_value<'a>(tag: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!(" {key}=\"");
    let i = tag.find(&pat)? + pat.len();
    let len = tag[i..].find('"')?;
    Some(&tag[i..i + len])
}

/// Tags of one element name (with or without a prefix) in a part.
fn tags<'a>(xml: &'a str, local: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        let Some(j) = rest[i..].find('>') else { break };
        let tag = &rest[i..i + j + 1];
        let name = tag[1..].split([' ', '/', '>']).next().unwrap_or("");
        if name.rsplit(':').next() == Some(local) {
            out.push(tag);
        }
        rest = &rest[i + j + 1..];
    }
    out
}

/// A target resolved against the folder of `from` (`xl/workbook.xml`).
fn resolve(from: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = from
        .rsplit_once('/')
        .map_or(vec![], |(d, _)| d.split('/').collect());
    for p in target.split('/') {
        match p {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The workbook part's name.
fn workbook_part(bytes: &[u8]) -> Result<String, FillError> {
    let rels = read_part(bytes, "_rels/.rels")?;
    let target = tags(&rels, "Relationship")
        .into_iter()
        .filter(|t| attr_value(t, "Type").is_some_and(|v| v.ends_with("/officeDocument")))
        .filter_map(|t| attr_value(t, "Target"))
        .next_back()
        .unwrap_or("xl/workbook.xml");
    Ok(resolve("", target))
}

fn rels_of(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((d, f)) => format!("{d}/_rels/{f}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// Each sheet's part, in the workbook's order (the order the reader read).
pub fn sheet_parts(bytes: &[u8], wb: &Workbook) -> Result<Vec<String>, FillError> {
    let book = workbook_part(bytes)?;
    let xml = read_part(bytes, &book)?;
    let rels = read_part(bytes, &rels_of(&book))?;
    let targets: BTreeMap<&str, &str> = tags(&rels, "Relationship")
        .into_iter()
        .filter_map(|t| Some((attr_value(t, "Id")?, attr_value(t, "Target")?)))
        .collect();
    let parts: Vec<String> = tags(&xml, "sheet")
        .into_iter()
        .filter_map(|t| {
            let id = t
                .split_whitespace()
                .find_map(|a| {
                    a.strip_prefix("r:id=\"")
                        .or_else(|| a.split_once(":id=\"").map(|(_, v)| v))
                })?
                .trim_end_matches(['"', '/', '>']);
            targets.get(id).map(|target| resolve(&book, target))
        })
        .collect();
    if parts.len() != wb.sheets.len() {
        return Err(FillError::Xml {
            part: book,
            message: format!("列出 {} 张工作表，读到 {} 张", parts.len(), wb.sheets.len()),
        });
    }
    Ok(parts)
}

/// The filled copy: edited parts anew, every other part copied as it was;
/// defined names and other sheets' formulas that point at moved rows
/// moved; a calculation chain of moved formulas left out (Excel rebuilds it).
pub fn write(
    bytes: &[u8],
    wb: &Workbook,
    parts: &[String],
    mut edited: BTreeMap<String, String>,
    inserted: &[(String, u32, u32)],
) -> Result<Vec<u8>, FillError> {
    let book = workbook_part(bytes)?;
    let mut dropped: Vec<String> = Vec::new();
    if !inserted.is_empty() {
        let moved = |f: &str, own: &str| {
            inserted.iter().fold(f.to_string(), |f, (sheet, at, n)| {
                refs::insert_rows(&f, own, sheet, *at, *n)
            })
        };
        // Defined names (print areas and titles, named ranges).
        let xml = edited
            .get(&book)
            .cloned()
            .map_or_else(|| read_part(bytes, &book), Ok)?;
        let names = rewrite_texts(&xml, "definedName", |t| moved(t, ""));
        if names != xml {
            edited.insert(book.clone(), names);
        }
        // Other sheets' formulas naming a sheet with moved rows.
        for (i, part) in parts.iter().enumerate() {
            if edited.contains_key(part) {
                continue;
            }
            let xml = read_part(bytes, part)?;
            if !inserted.iter().any(|(s, ..)| xml.contains(s.as_str())) {
                continue;
            }
            let own = wb.sheets[i].name.to_string();
            let new = rewrite_texts(&xml, "f", |t| moved(t, &own));
            if new != xml {
                edited.insert(part.clone(), new);
            }
        }
        let mut z = archive(bytes)?;
        let chain = (0..z.len()).find_map(|i| {
            let n = z.by_index_raw(i).ok()?.name().ok()?.into_owned();
            n.to_ascii_lowercase()
                .ends_with("calcchain.xml")
                .then_some(n)
        });
        if let Some(chain) = chain {
            dropped.push(chain.clone());
            let file = chain.rsplit('/').next().unwrap_or(&chain).to_string();
            let ct = read_part(bytes, "[Content_Types].xml")?;
            edited.insert(
                "[Content_Types].xml".into(),
                without_tag(&ct, "Override", &file),
            );
            let rels = rels_of(&book);
            let r = read_part(bytes, &rels)?;
            edited.insert(rels, without_tag(&r, "Relationship", &file));
        }
    }
    // Formulas in the sheets filled: cached values for readers that do not
    // calculate, and a mark that Excel and LibreOffice calculate on opening
    // (totals of rows inserted, and formulas that use the figures).
    if edited
        .iter()
        .any(|(p, x)| p != &book && !tags(x, "f").is_empty())
    {
        let xml = edited
            .get(&book)
            .cloned()
            .map_or_else(|| read_part(bytes, &book), Ok)?;
        edited.insert(book.clone(), calculate_on_load(&xml));
    }
    let mut z = archive(bytes)?;
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len() + 4096)));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for i in 0..z.len() {
        let name = z.by_index_raw(i)?.name()?.into_owned();
        if dropped.contains(&name) {
            continue;
        }
        let key = edited
            .keys()
            .find(|k| k.eq_ignore_ascii_case(&name))
            .cloned();
        match key.and_then(|k| edited.remove(&k)) {
            Some(xml) => {
                out.start_file(name, opts)?;
                out.write_all(xml.as_bytes())?;
            }
            None => out.raw_copy_file(z.by_index_raw(i)?)?,
        }
    }
    Ok(out.finish()?.into_inner())
}

/// `workbook.xml` with `fullCalcOnLoad="1"` on its `calcPr` (one added
/// where the schema puts it if the blank has none).
fn calculate_on_load(xml: &str) -> String {
    if let Some(t) = tags(xml, "calcPr").first() {
        let new = match attr_value(t, "fullCalcOnLoad") {
            Some(v) => t.replacen(
                &format!(" fullCalcOnLoad=\"{v}\""),
                " fullCalcOnLoad=\"1\"",
                1,
            ),
            None => {
                let end = t.len() - if t.ends_with("/>") { 2 } else { 1 };
                format!("{} fullCalcOnLoad=\"1\"{}", &t[..end], &t[end..])
            }
        };
        return xml.replacen(*t, &new, 1);
    }
    // After definedNames, before what follows calcPr in CT_Workbook.
    let prefix = tags(xml, "workbook")
        .first()
        .and_then(|t| t[1..].split([' ', '>']).next())
        .and_then(|n| n.split_once(':'))
        .map_or(String::new(), |(p, _)| format!("{p}:"));
    let after = [
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
    let at = after
        .iter()
        .filter_map(|l| xml.find(&format!("<{prefix}{l}")))
        .min()
        .or_else(|| xml.rfind(&format!("</{prefix}workbook>")));
    match at {
        Some(i) => format!(
            "{}<{prefix}calcPr fullCalcOnLoad=\"1\"/>{}",
            &xml[..i],
            &xml[i..]
        ),
        None => xml.to_string(),
    }
}

/// The text of each `local` element rewritten by `f`.
fn rewrite_texts(xml: &str, local: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('>') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let tag = &rest[i..i + j + 1];
        out.push_str(tag);
        rest = &rest[i + j + 1..];
        let name = tag[1..].split([' ', '/', '>']).next().unwrap_or("");
        if name.rsplit(':').next() == Some(local) && !tag.ends_with("/>") && !tag.starts_with("</")
        {
            if let Some(end) = rest.find('<') {
                out.push_str(&f(&rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A part without the `local` tags that mention `what`.
fn without_tag(xml: &str, local: &str, what: &str) -> String {
    let mut out = xml.to_string();
    for t in tags(xml, local) {
        if t.contains(what) {
            out = out.replacen(t, "", 1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::calculate_on_load;

    #[test]
    fn a_workbook_with_formulas_filled_is_calculated_on_opening() {
        let with = r#"<workbook><sheets/><calcPr calcId="191029"/></workbook>"#;
        assert_eq!(
            calculate_on_load(with),
            r#"<workbook><sheets/><calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>"#
        );
        let off = r#"<workbook><calcPr fullCalcOnLoad="0" calcId="1"></calcPr></workbook>"#;
        assert_eq!(
            calculate_on_load(off),
            r#"<workbook><calcPr fullCalcOnLoad="1" calcId="1"></calcPr></workbook>"#
        );
        let none = r#"<x:workbook a="1"><x:definedNames/><x:extLst/></x:workbook>"#;
        assert_eq!(
            calculate_on_load(none),
            r#"<x:workbook a="1"><x:definedNames/><x:calcPr fullCalcOnLoad="1"/><x:extLst/></x:workbook>"#
        );
    }
}
