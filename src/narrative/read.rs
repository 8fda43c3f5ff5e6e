//! Reading a narrative: a Word document (`.docx`: its paragraphs and table
//! rows, in order), plain text (a paragraph a line; UTF-8, UTF-16 with a
//! byte-order mark, or GBK), or the narrative sheets of a workbook (a
//! paragraph a line of each text cell).

use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::events::Event;

use crate::model::narrative::{Narrative, Paragraph};
use crate::workbook::{limits, CellValue, Workbook};

/// Why a narrative could not be read.
#[derive(Debug, thiserror::Error)]
pub enum NarrativeError {
    #[error(transparent)]
    File(#[from] crate::workbook::WorkbookError),
    #[error("{path}: 不是 Word 文档（.docx）：{why}；请用 Word 或 WPS 另存为 .docx 后再试")]
    NotDocx { path: String, why: String },
    #[error("{path}: Word 文档已损坏或无法解析：{why}")]
    Corrupt { path: String, why: String },
    #[error("{path}: {what}，超过上限 {limit}")]
    Limit {
        path: String,
        what: String,
        limit: String,
    },
    #[error("{path}: 情况说明应是 .docx 或 .txt 文件（.doc 请用 Word 或 WPS 另存为 .docx）")]
    Kind { path: String },
}

/// Paragraphs of a narrative at most (a narrative has a few hundred).
pub const PARAGRAPHS: usize = 100_000;

/// Reads a narrative file by its extension: `.docx` or `.txt`.
///
/// # Errors
/// [`NarrativeError`] when the file cannot be read, is not what its name
/// says, or is over the limits.
pub fn read_file(path: &Path) -> Result<Narrative, NarrativeError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let bytes = Workbook::read_file(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match ext.as_str() {
        "docx" | "docm" => docx(&name, &path.display().to_string(), &bytes),
        "txt" | "text" => plain(&name, &path.display().to_string(), &bytes),
        _ => Err(NarrativeError::Kind {
            path: path.display().to_string(),
        }),
    }
}

fn limit(path: &str, what: String, limit: String) -> NarrativeError {
    NarrativeError::Limit {
        path: path.to_string(),
        what,
        limit,
    }
}

/// A narrative from its paragraphs' texts, numbered from 1; empty ones left out.
fn numbered(name: &str, texts: Vec<String>) -> Narrative {
    let paragraphs = texts
        .into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .enumerate()
        .map(|(i, text)| Paragraph {
            place: format!("{name} 第 {} 段", i + 1),
            no: i + 1,
            text,
            cell: None,
        })
        .collect();
    Narrative {
        source: name.to_string(),
        paragraphs,
    }
}

/// Plain text: a paragraph a non-empty line.
///
/// # Errors
/// [`NarrativeError::Limit`] past [`PARAGRAPHS`] lines.
pub fn plain(name: &str, path: &str, bytes: &[u8]) -> Result<Narrative, NarrativeError> {
    let text = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        [0xFF, 0xFE, ..] => encoding_rs::UTF_16LE.decode(bytes).0.into_owned(),
        [0xFE, 0xFF, ..] => encoding_rs::UTF_16BE.decode(bytes).0.into_owned(),
        _ => match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            // Chinese Windows' Notepad writes GBK.
            Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
        },
    };
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.len() > PARAGRAPHS {
        return Err(limit(
            path,
            format!("有 {} 行", lines.len()),
            format!("{PARAGRAPHS} 段"),
        ));
    }
    Ok(numbered(name, lines))
}

/// A Word document: `word/document.xml`'s paragraphs in order; a table
/// row is one paragraph, its cells separated by a tab.
///
/// # Errors
/// [`NarrativeError`] when the package or its document part cannot be read.
pub fn docx(name: &str, path: &str, bytes: &[u8]) -> Result<Narrative, NarrativeError> {
    let not_docx = |why: &str| NarrativeError::NotDocx {
        path: path.to_string(),
        why: why.to_string(),
    };
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            not_docx("这是旧版 Word（.doc）格式")
        } else {
            not_docx("不是 zip 包")
        });
    }
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| NarrativeError::Corrupt {
            path: path.to_string(),
            why: e.to_string(),
        })?;
    // The main part: `word/document.xml` by convention; found by name
    // ignoring case, as Word itself does not care.
    let main = zip
        .file_names()
        .filter_map(Result::ok)
        .find(|n| {
            n.replace('\\', "/")
                .eq_ignore_ascii_case("word/document.xml")
        })
        .map(|n| n.to_string())
        .ok_or_else(|| not_docx("包内没有 word/document.xml"))?;
    let mut f = zip.by_name(&main).map_err(|e| NarrativeError::Corrupt {
        path: path.to_string(),
        why: e.to_string(),
    })?;
    if f.size() > limits::PART_BYTES {
        return Err(limit(
            path,
            format!("word/document.xml 解压后有 {} MB", f.size() >> 20),
            format!("{} MB", limits::PART_BYTES >> 20),
        ));
    }
    let mut xml = Vec::with_capacity(f.size() as usize);
    // Never more than the limit, whatever the directory said.
    f.by_ref()
        .take(limits::PART_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|e| NarrativeError::Corrupt {
            path: path.to_string(),
            why: e.to_string(),
        })?;
    if xml.len() as u64 > limits::PART_BYTES {
        return Err(limit(
            path,
            "word/document.xml 解压后超过上限".to_string(),
            format!("{} MB", limits::PART_BYTES >> 20),
        ));
    }
    let texts = document_paragraphs(&xml).map_err(|why| NarrativeError::Corrupt {
        path: path.to_string(),
        why,
    })?;
    if texts.len() > PARAGRAPHS {
        return Err(limit(
            path,
            format!("有 {} 段", texts.len()),
            format!("{PARAGRAPHS} 段"),
        ));
    }
    Ok(numbered(name, texts))
}

/// The texts of a document part's paragraphs (`w:p`) and table rows
/// (`w:tr`), in order. Deleted text (`w:delText`), field codes
/// (`w:instrText`), a paragraph's own numbering and the copy of a text box
/// kept for old readers (`mc:Fallback`) are not text; a text box's
/// paragraphs (inside another paragraph) are paragraphs of their own.
fn document_paragraphs(xml: &[u8]) -> Result<Vec<String>, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out: Vec<String> = Vec::new();
    // Depth of table rows we are in; the current row's text; the texts of
    // the paragraphs open (a text box's inside its anchor's).
    let mut rows = 0usize;
    let mut row = String::new();
    let mut open: Vec<String> = Vec::new();
    let mut para = String::new();
    let mut in_text = false;
    let mut fallback = 0usize;
    let mut bytes = 0u64;
    loop {
        buf.clear();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("document.xml 第 {} 字节：{e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "tr" => {
                    if rows == 0 {
                        row.clear();
                    }
                    rows += 1;
                }
                "tc" if rows > 0 && !row.is_empty() => row.push('\t'),
                "p" => open.push(std::mem::take(&mut para)),
                "t" => in_text = fallback == 0,
                "Fallback" => fallback += 1,
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" => para.push('\t'),
                "br" | "cr" => para.push('\n'),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "Fallback" => fallback = fallback.saturating_sub(1),
                "p" => {
                    if rows > 0 {
                        if !row.is_empty() && !row.ends_with('\t') && !para.is_empty() {
                            row.push('\n');
                        }
                        row.push_str(&para);
                    } else {
                        out.push(std::mem::take(&mut para));
                    }
                    para = open.pop().unwrap_or_default();
                }
                "tr" => {
                    rows = rows.saturating_sub(1);
                    if rows == 0 {
                        out.push(std::mem::take(&mut row));
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                let s = t.xml10_content();
                bytes += s.len() as u64;
                para.push_str(&s);
            }
            Event::CData(t) if in_text => {
                let s: String = t.as_ref().to_string();
                bytes += s.len() as u64;
                para.push_str(&s);
            }
            Event::GeneralRef(r) if in_text => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match &*r {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                para.extend(c);
            }
            Event::Eof => break,
            _ => {}
        }
        if bytes > limits::TEXT_BYTES {
            return Err(format!("文字超过 {} MB", limits::TEXT_BYTES >> 20));
        }
        if out.len() > PARAGRAPHS {
            break;
        }
    }
    Ok(out)
}

/// The narrative sheets of a workbook (`[narrative] sheets`): every text
/// cell, a paragraph a line, each placed at its cell (`部门编制说明!A3`,
/// `第 2 行` of it when the cell has several). Sheets read as tables are
/// never narrative.
pub fn sheets(wb: &Workbook, words: &[String], tables: &[String]) -> Option<Narrative> {
    let mut paragraphs = Vec::new();
    let mut names = Vec::new();
    for s in &wb.sheets {
        let name = crate::text::normed::norm(&s.name);
        if tables.iter().any(|t| **t == *s.name) || !words.iter().any(|w| name.contains(w.as_str()))
        {
            continue;
        }
        names.push(s.name.to_string());
        for r in 0..s.height() {
            for (c, v) in s.row(r).iter().enumerate() {
                let CellValue::Text(text) = v else { continue };
                let cell = s.cell_ref(r, c as u32);
                let lines: Vec<&str> = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                let several = lines.len() > 1;
                for (i, line) in lines.into_iter().enumerate() {
                    paragraphs.push(Paragraph {
                        no: paragraphs.len() + 1,
                        place: if several {
                            format!("{cell} 第 {} 行", i + 1)
                        } else {
                            cell.to_string()
                        },
                        text: line.to_string(),
                        cell: Some(cell.clone()),
                    });
                }
            }
        }
    }
    (!names.is_empty()).then(|| Narrative {
        source: names.join("、"),
        paragraphs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_paragraphs_and_table_rows_in_order() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="w"><w:body>
<w:p><w:r><w:t>一、总体</w:t></w:r><w:r><w:t xml:space="preserve"> 说明</w:t></w:r></w:p>
<w:p/>
<w:p><w:r><w:t>锚</w:t><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:drawing></w:r><w:r><w:t>后</w:t></w:r></w:p>
<mc:AlternateContent><mc:Fallback><w:t>旧副本</w:t></mc:Fallback></mc:AlternateContent>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>因公出国（境）费</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>0.00</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:delText>删去的</w:delText><w:t>收入 1 &amp; 2</w:t><w:tab/><w:t>&#x4E07;元</w:t></w:r></w:p>
</w:body></w:document>"#;
        let p = document_paragraphs(xml.as_bytes()).unwrap();
        assert_eq!(
            p,
            [
                "一、总体 说明",
                "文本框",
                "锚后",
                "因公出国（境）费\t0.00",
                "收入 1 & 2\t万元"
            ]
        );
    }

    #[test]
    fn plain_text_in_gbk_is_read() {
        let (gbk, _, _) = encoding_rs::GBK.encode("收入 324.83 万元\n\n支出");
        let n = plain("a.txt", "a.txt", &gbk).unwrap();
        let texts: Vec<&str> = n.paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["收入 324.83 万元", "支出"]);
        assert_eq!(n.paragraphs[1].place, "a.txt 第 2 段");
    }
}
