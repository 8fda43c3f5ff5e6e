//! 核对结果 is the same sheet whichever way the reviewer's workbook was
//! made: the submitted `.xlsx` marked up (`export::markup`) or its sheets
//! redrawn (`export::report::redraw`, for `.xls` and packages that cannot
//! be marked up). Both are made here for the same budget and findings
//! (the samples' own, random ones with text figures, many cells and none,
//! and none at all) and read back: every cell value row by row with the
//! library's reader, and from the sheet's XML each link's target, row
//! height, column width, merge, the filter and the print set-up. Only the
//! legend's first words differ: the redrawn one says it was redrawn.
//!
//! 说明核对 likewise, for a narrative as plain text, as a Word document
//! (a table row, a paragraph that is one figure, text XML escapes) and in
//! the workbook's own sheets: every value against the model, every run of
//! every text with its mark (inline in one, shared strings in the other),
//! heights, widths, the title's merge, the frozen rows and the print set-up.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use yusuan::amount::Unit;
use yusuan::export::markup::mark_up;
use yusuan::export::narrative_sheet::{outcome_rgb, NarrativeSheet, ParagraphRow, HEAD};
use yusuan::export::report::redraw;
use yusuan::export::review_sheet::{
    redrawn_note, ReviewSheet, Value, COLOR_KEY, NONE_FOUND, SHEET_NAME,
};
use yusuan::import::{import_workbook, ImportOptions};
use yusuan::model::{Budget, Severity};
use yusuan::narrative::{read, Narrative, Outcome};
use yusuan::reconcile::{check, Finding};
use yusuan::template::Templates;
use yusuan::workbook::{CellRef, CellValue, Workbook};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..z.len())
        .filter_map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).ok()?;
            Some((f.name().ok()?.into_owned(), s))
        })
        .collect()
}

/// The attributes of every `<name …>` element of `xml`, in order.
fn elements(xml: &str, name: &str) -> Vec<BTreeMap<String, String>> {
    let open = format!("<{name} ");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let tag = &rest[..rest.find('>').unwrap()];
        let mut attrs = BTreeMap::new();
        let mut t = tag;
        while let Some(eq) = t.find("=\"") {
            let key = t[..eq].trim().to_string();
            let v = &t[eq + 2..];
            let end = v.find('"').unwrap();
            attrs.insert(key, v[..end].to_string());
            t = &v[end + 1..];
        }
        out.push(attrs);
    }
    out
}

/// What a sheet of a workbook holds beyond its values, from its XML: the
/// sheet's name, each link (cell → target), row heights, column widths,
/// merges, the filter, the rows frozen, margins and page set-up.
#[derive(Debug, PartialEq)]
struct Shape {
    name: String,
    frozen: Option<String>,
    links: BTreeMap<String, String>,
    heights: BTreeMap<String, String>,
    widths: BTreeMap<u32, String>,
    merges: Vec<String>,
    filter: Vec<BTreeMap<String, String>>,
    margins: Vec<BTreeMap<String, String>>,
    setup: (Option<String>, Option<String>, Option<String>),
}

/// The name and worksheet XML of the `index`th sheet of a workbook.
fn sheet_xml(parts: &BTreeMap<String, String>, index: usize) -> (String, String) {
    let sheet = &elements(&parts["xl/workbook.xml"], "sheet")[index];
    let rid = &sheet["r:id"];
    let rel = elements(&parts["xl/_rels/workbook.xml.rels"], "Relationship")
        .into_iter()
        .find(|r| &r["Id"] == rid)
        .unwrap();
    let target = rel["Target"].trim_start_matches('/');
    let part = if target.starts_with("xl/") {
        target.to_string()
    } else {
        format!("xl/{target}")
    };
    (sheet["name"].clone(), parts[&part].clone())
}

/// 核对结果's shape: the first sheet's.
fn shape(bytes: &[u8]) -> Shape {
    shape_of(&unzip(bytes), 0)
}

fn shape_of(parts: &BTreeMap<String, String>, index: usize) -> Shape {
    let (name, xml) = sheet_xml(parts, index);
    let xml = &xml;
    let get = |e: &BTreeMap<String, String>, k: &str| e.get(k).cloned();
    let setup = &elements(xml, "pageSetup")[0];
    let mut widths = BTreeMap::new();
    for c in elements(xml, "col") {
        let (min, max): (u32, u32) = (c["min"].parse().unwrap(), c["max"].parse().unwrap());
        for k in min..=max {
            widths.insert(k, c["width"].clone());
        }
    }
    Shape {
        name,
        frozen: elements(xml, "pane")
            .first()
            .and_then(|p| p.get("ySplit").cloned()),
        links: elements(xml, "hyperlink")
            .into_iter()
            .map(|h| (h["ref"].clone(), h["location"].clone()))
            .collect(),
        heights: elements(xml, "row")
            .into_iter()
            .filter_map(|r| Some((r["r"].clone(), r.get("ht")?.clone())))
            .collect(),
        widths,
        merges: elements(xml, "mergeCell")
            .into_iter()
            .map(|m| m["ref"].clone())
            .collect(),
        filter: elements(xml, "autoFilter"),
        margins: elements(xml, "pageMargins"),
        setup: (
            get(setup, "orientation"),
            get(setup, "paperSize"),
            get(setup, "fitToHeight"),
        ),
    }
}

/// 核对结果's values row by row, as the library reads them back.
fn values(bytes: &[u8]) -> Vec<Vec<CellValue>> {
    values_of(bytes, SHEET_NAME)
}

/// A sheet's values row by row, as the library reads them back.
fn values_of(bytes: &[u8], name: &str) -> Vec<Vec<CellValue>> {
    let wb = Workbook::from_bytes(Path::new("核对.xlsx"), bytes).unwrap();
    let sheet = wb.sheets.iter().find(|s| *s.name == *name).unwrap();
    (0..sheet.height())
        .map(|r| {
            let mut row = sheet.row(r).to_vec();
            while row.last() == Some(&CellValue::Empty) {
                row.pop();
            }
            row
        })
        .collect()
}

/// Findings a rule could make but the samples do not: a figure that is
/// text, more cells than the label lists, no cell at all, a sheet name
/// with a quote, every severity out of order.
fn unusual_findings(wb: &Workbook) -> Vec<Finding> {
    let sheet = wb.sheets[2].name.clone();
    let cells = |n: u32| -> Vec<CellRef> {
        (0..n)
            .map(|k| CellRef::new(sheet.clone(), 4 + k, 2))
            .collect()
    };
    let finding = |severity, cells, expected: Option<&str>| Finding {
        rule: "T1.total",
        severity,
        table: yusuan::model::TableId::T1.into(),
        table_name: "表1".into(),
        message: "合计与各项之和不符：<&\"'> 需要转义的文字，".repeat(3),
        expected: expected.map(Into::into),
        actual: Some("1234.5".into()),
        difference: Some("-0.06".into()),
        unit: Some(Unit::Wan),
        cells,
        paragraph: None,
    };
    let mut quoted = finding(Severity::Info, vec![], None);
    quoted.cells = vec![CellRef::new("Bob's 表".into(), 0, 0)];
    quoted.unit = None;
    vec![
        finding(Severity::Info, cells(1), Some("1234.56")),
        finding(Severity::Warning, cells(7), Some("约 1234")),
        finding(Severity::Error, vec![], Some("1,234.56")),
        quoted,
        finding(Severity::Error, cells(4), Some("-0.5")),
    ]
}

fn budget_of(wb: &Workbook) -> Budget {
    import_workbook(wb, &Templates::builtin(), &ImportOptions::default()).unwrap()
}

/// Both workbooks of `findings` have the same 核对结果, but the legend's
/// note that one was redrawn.
fn assert_same_review(what: &str, bytes: &[u8], wb: &Workbook, findings: &[Finding]) {
    let budget = budget_of(wb);
    let marked = mark_up(bytes, wb, &budget, findings).unwrap();
    let redrawn = redraw(wb, &budget, findings, None).unwrap();
    let (m, r) = (values(&marked), values(&redrawn));
    assert_eq!(m.len(), r.len(), "{what}: rows");
    assert_eq!(m.len(), 3 + findings.len().max(1), "{what}: rows");
    for (k, (a, b)) in m.iter().zip(&r).enumerate() {
        if k == 1 {
            let text = |row: &[CellValue]| row[0].as_text();
            // The marked-up one may say what it could not mark.
            assert!(text(a).ends_with(COLOR_KEY), "{what}: marked-up legend");
            assert!(!text(a).contains("重绘"), "{what}: marked-up legend");
            assert_eq!(
                text(b),
                format!("{}{COLOR_KEY}", redrawn_note(None)),
                "{what}: redrawn legend"
            );
            continue;
        }
        assert_eq!(a, b, "{what}: row {}", k + 1);
    }
    let (sm, sr) = (shape(&marked), shape(&redrawn));
    assert_eq!(
        sm, sr,
        "{what}: links, heights, widths, merges, filter, print"
    );
    // Every finding with cells links to its first cell.
    let linked = findings.iter().filter(|f| !f.cells.is_empty()).count();
    assert_eq!(sm.links.len(), linked, "{what}: links");
    assert_eq!(sm.name, SHEET_NAME);
}

#[test]
fn a_marked_up_and_a_redrawn_workbook_have_the_same_review_sheet() {
    for name in ["qiaokou-2024.xlsx", "wenlv-2022.xlsx", "putuo-2026.xlsx"] {
        let bytes = std::fs::read(sample(name)).unwrap();
        let wb = Workbook::from_bytes(&sample(name), &bytes).unwrap();
        let budget = budget_of(&wb);
        assert_same_review(name, &bytes, &wb, &check(&budget));
        assert_same_review(
            &format!("{name}, unusual"),
            &bytes,
            &wb,
            &unusual_findings(&wb),
        );
        assert_same_review(&format!("{name}, none"), &bytes, &wb, &[]);
    }
}

#[test]
fn the_review_sheets_findings_are_in_the_order_a_reviewer_reads_them() {
    let bytes = std::fs::read(sample("qiaokou-2024.xlsx")).unwrap();
    let wb = Workbook::from_bytes(&sample("qiaokou-2024.xlsx"), &bytes).unwrap();
    let budget = budget_of(&wb);
    let findings = unusual_findings(&wb);
    for out in [
        mark_up(&bytes, &wb, &budget, &findings).unwrap(),
        redraw(&wb, &budget, &findings, None).unwrap(),
    ] {
        let rows = values(&out);
        let labels: Vec<String> = rows[3..].iter().map(|r| r[1].as_text()).collect();
        assert_eq!(labels, ["错误", "错误", "警告", "提示", "提示"]);
        let numbers: Vec<&CellValue> = rows[3..].iter().map(|r| &r[0]).collect();
        assert!(numbers
            .iter()
            .enumerate()
            .all(|(i, n)| n.as_text() == (i + 1).to_string()));
    }
}

#[test]
fn a_redrawn_source_with_a_sheet_named_like_the_review_sheet_keeps_both() {
    let bytes = std::fs::read(sample("qiaokou-2024.xlsx")).unwrap();
    let wb = Workbook::from_bytes(&sample("qiaokou-2024.xlsx"), &bytes).unwrap();
    let budget = budget_of(&wb);
    let findings = check(&budget);
    let mut renamed = wb.clone();
    renamed.sheets[0].name = SHEET_NAME.into();
    let out = redraw(&renamed, &budget, &findings, None).unwrap();
    let back = Workbook::from_bytes(Path::new("核对.xlsx"), &out).unwrap();
    let names: Vec<&str> = back.sheets.iter().map(|s| s.name.as_ref()).collect();
    assert_eq!(names[0], format!("{SHEET_NAME}2"));
    assert_eq!(names[1], SHEET_NAME);
    assert_eq!(shape(&out).name, format!("{SHEET_NAME}2"));
}

#[test]
fn the_legend_says_what_the_workbook_is_first_and_wraps_when_long() {
    let wb = Workbook::open(sample("qiaokou-2024.xlsx")).unwrap();
    let budget = budget_of(&wb);
    let short = ReviewSheet::new(&budget, &[], &[redrawn_note(None)], &[]);
    assert_eq!(short.legend, format!("{}{COLOR_KEY}", redrawn_note(None)));
    assert_eq!(short.legend_height, None);
    let why = "压缩包中的 xl/styles.xml 不是规范的 XML：第 1 行缺少闭合标签".repeat(3);
    let long = ReviewSheet::new(&budget, &[], &[redrawn_note(Some(&why))], &[]);
    assert!(long.legend.starts_with("源工作簿无法原样标注"));
    assert!(long.legend_height.is_some_and(|h| h > 17.25));
    // Nothing found: one row saying so, under the header.
    let lines = short.lines();
    assert_eq!(short.last_row(), 3);
    assert_eq!(
        lines.last().unwrap().cells[0].value,
        Value::Text(NONE_FOUND)
    );
}

// ---------------------------------------------------------------- 说明核对

#[path = "common/docx.rs"]
mod docx;

/// Text as XML writes it, read back.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A run of a cell's text: its words, whether bold, its colour.
type Run = (String, bool, Option<String>);

/// The words of the first `<t>` of `xml`.
fn text_of(xml: &str) -> String {
    let i = xml.find("<t").unwrap();
    let a = i + xml[i..].find('>').unwrap() + 1;
    let b = a + xml[a..].find("</t>").unwrap();
    unescape(&xml[a..b])
}

/// The runs of a string (`<si>`'s or `<is>`'s inside).
fn runs_of(item: &str) -> Vec<Run> {
    if !item.contains("<r>") {
        return vec![(text_of(item), false, None)];
    }
    item.split("<r>")
        .skip(1)
        .map(|r| {
            let (props, rest) = r.split_at(r.find("</rPr>").unwrap_or(0));
            let color = elements(props, "color")
                .first()
                .and_then(|c| c.get("rgb").cloned());
            (text_of(rest), props.contains("<b/>"), color)
        })
        .collect()
}

/// Every text cell of a sheet's XML with its runs, by its reference: the
/// strings inline or shared.
fn cell_runs(parts: &BTreeMap<String, String>, xml: &str) -> BTreeMap<String, Vec<Run>> {
    let shared: Vec<&str> = parts
        .get("xl/sharedStrings.xml")
        .map(|s| {
            s.split("<si>")
                .skip(1)
                .map(|x| &x[..x.find("</si>").unwrap()])
                .collect()
        })
        .unwrap_or_default();
    let mut out = BTreeMap::new();
    for c in xml.split("<c ").skip(1) {
        let head = &c[..c.find('>').unwrap()];
        if head.ends_with('/') {
            continue;
        }
        let attrs = &elements(&format!("<c {head}>"), "c")[0];
        let body = &c[head.len() + 1..c.find("</c>").unwrap()];
        let runs = match attrs.get("t").map(String::as_str) {
            Some("inlineStr") => runs_of(&body[..body.find("</is>").unwrap()]),
            Some("s") => {
                let v = &body[body.find("<v>").unwrap() + 3..body.find("</v>").unwrap()];
                runs_of(shared[v.parse::<usize>().unwrap()])
            }
            _ => continue,
        };
        out.insert(attrs["r"].clone(), runs);
    }
    out
}

/// The runs 说明核对's model gives a paragraph's text: each figure bold in
/// its outcome's colour.
fn model_runs(row: &ParagraphRow) -> Vec<Run> {
    if row.pieces.iter().all(|(_, mark)| mark.is_none()) {
        return vec![(row.text.clone(), false, None)];
    }
    row.pieces
        .iter()
        .map(|(t, mark)| {
            (
                t.clone(),
                mark.is_some(),
                mark.map(|o| outcome_rgb(o).into()),
            )
        })
        .collect()
}

/// Both workbooks of `budget` (its narrative checked) and `findings` have
/// the same 说明核对, the model's: every value row by row, every run of
/// every text with its mark, and from the XML the name, heights, widths,
/// the title's merge, the frozen rows, margins and print set-up. Returns
/// the runs, for what they hold.
fn assert_same_narrative(
    what: &str,
    bytes: &[u8],
    wb: &Workbook,
    budget: &Budget,
    findings: &[Finding],
) -> BTreeMap<String, Vec<Run>> {
    let review = budget.narrative.as_deref().expect("a narrative checked");
    let taken: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_ref()).collect();
    let model = NarrativeSheet::new(review, findings, &taken);
    let marked = mark_up(bytes, wb, budget, findings).unwrap();
    let redrawn = redraw(wb, budget, findings, None).unwrap();
    // The model's values: title, heads, each paragraph's four columns.
    let mut expected: Vec<Vec<CellValue>> = vec![
        vec![CellValue::Text(model.title.clone())],
        HEAD.iter()
            .map(|h| CellValue::Text(h.to_string()))
            .collect(),
    ];
    for r in &model.rows {
        let mut row: Vec<CellValue> = [&r.place, &r.text, &r.checks, &r.problems]
            .iter()
            .map(|t| match t.is_empty() {
                true => CellValue::Empty,
                false => CellValue::Text(t.to_string()),
            })
            .collect();
        while row.last() == Some(&CellValue::Empty) {
            row.pop();
        }
        expected.push(row);
    }
    for (how, out) in [("marked up", &marked), ("redrawn", &redrawn)] {
        let got = values_of(out, &model.name);
        assert_eq!(got.len(), expected.len(), "{what}, {how}: rows");
        for (k, (a, b)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(a, b, "{what}, {how}: row {}", k + 1);
        }
    }
    let (pm, pr) = (unzip(&marked), unzip(&redrawn));
    let (sm, sr) = (shape_of(&pm, 1), shape_of(&pr, 1));
    assert_eq!(
        sm, sr,
        "{what}: heights, widths, merges, frozen rows, print"
    );
    assert_eq!(sm.name, model.name, "{what}: name");
    assert_eq!(sm.merges, ["A1:D1"], "{what}: the title's merge");
    assert!(sm.links.is_empty() && sm.filter.is_empty(), "{what}");
    assert_eq!(sm.frozen.as_deref(), Some("2"), "{what}: frozen rows");
    let heights: BTreeMap<String, String> = (3..)
        .zip(&model.rows)
        .map(|(r, row)| (r.to_string(), row.height.to_string()))
        .collect();
    assert_eq!(sm.heights, heights, "{what}: heights");
    let (rm, rr) = (
        cell_runs(&pm, &sheet_xml(&pm, 1).1),
        cell_runs(&pr, &sheet_xml(&pr, 1).1),
    );
    assert_eq!(rm, rr, "{what}: each text's runs and marks");
    for (r, row) in (3..).zip(&model.rows) {
        if !row.text.is_empty() {
            assert_eq!(rm[&format!("B{r}")], model_runs(row), "{what}: B{r}");
        }
    }
    rm
}

/// The budget of a sample with `narrative` (or its own narrative sheets)
/// checked with it, and every finding.
fn with_narrative(
    name: &str,
    narrative: Option<Narrative>,
) -> (Vec<u8>, Workbook, Budget, Vec<Finding>) {
    let bytes = std::fs::read(sample(name)).unwrap();
    let wb = Workbook::from_bytes(&sample(name), &bytes).unwrap();
    let mut budget = budget_of(&wb);
    let mut findings = check(&budget);
    findings.extend(yusuan::narrative::review(
        &mut budget,
        &wb,
        narrative,
        &Templates::builtin(),
    ));
    (bytes, wb, budget, findings)
}

fn reference_text() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/qiaokou-2024-narrative.txt");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_marked_up_and_a_redrawn_workbook_have_the_same_narrative_sheet() {
    // The reference department's narrative as plain text, as `check
    // --narrative` reads it.
    let text = reference_text().join("\n");
    let plain = read::plain("情况说明.txt", "情况说明.txt", text.as_bytes()).unwrap();
    let (bytes, wb, budget, findings) = with_narrative("qiaokou-2024.xlsx", Some(plain));
    let runs = assert_same_narrative("qiaokou, text", &bytes, &wb, &budget, &findings);
    // Figures that agree and figures that differ are both marked.
    let colours: Vec<&str> = runs
        .values()
        .flatten()
        .filter_map(|r| r.2.as_deref())
        .collect();
    for o in [Outcome::Agrees, Outcome::Differs] {
        assert!(colours.contains(&outcome_rgb(o)), "{o:?}");
    }
    // As a Word document, with a table row, a paragraph that is one figure,
    // text XML must escape, and a slip: a place filled by its finding.
    let mut paragraphs = reference_text();
    paragraphs.extend([
        "收入总计 324.83 万元".to_string(),
        "项目\t<&>\"' 一般公共预算财政拨款收入 999 万元".to_string(),
        String::new(),
    ]);
    let doc = read::docx("情况说明.docx", "情况说明.docx", &docx::docx(&paragraphs)).unwrap();
    let (bytes, wb, budget, findings) = with_narrative("qiaokou-2024.xlsx", Some(doc));
    let runs = assert_same_narrative("qiaokou, docx", &bytes, &wb, &budget, &findings);
    // The paragraph that is one figure: one marked run, nothing added.
    let whole = runs
        .values()
        .find(|r| r[0].0.starts_with("收入总计"))
        .unwrap();
    assert_eq!(whole.len(), 1);
    assert_eq!(whole[0].0, "收入总计 324.83 万元");
    assert!(whole[0].1 && whole[0].2.is_some());
    // The second bureau's workbook with its own narrative sheets.
    let (bytes, wb, budget, findings) = with_narrative("putuo-2026.xlsx", None);
    assert_same_narrative("putuo", &bytes, &wb, &budget, &findings);
    // No finding at all: the paragraphs' places unfilled.
    assert_same_narrative("putuo, none", &bytes, &wb, &budget, &[]);
}
