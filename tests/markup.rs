//! The reviewer's report on an `.xlsx` input is the submitted workbook
//! itself, marked up (`export::markup`): every part it had, byte for byte,
//! but the few that must change; every value, merge, width and print
//! setting as it was; each finding's cells filled and commented; a first
//! sheet 核对结果. Checked here on the samples with their real findings, on
//! random layouts with random findings (empty cells, cells inside merges,
//! cells past the data), and on a hand-made package with the quirks other
//! writers have; then the same files are opened with openpyxl, a reader
//! that sees styles (`tests/markup_check.py`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use yusuan::model::TableId;

use yusuan::export::markup::{fill_argb, mark_up, COMMENTS_PER_SHEET};
use yusuan::import::{import_workbook, ImportOptions};
use yusuan::model::{Budget, Severity};
use yusuan::reconcile::{check, Finding};
use yusuan::samples::variants::{vary, write_xlsx};
use yusuan::template::Templates;
use yusuan::workbook::{CellRef, CellValue, Workbook};

#[path = "common/python.rs"]
mod python;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().into_owned(), b)
        })
        .collect()
}

/// The text of an element of a part (`<cols>…</cols>`), if it has one.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}");
    let mut from = 0;
    let start = loop {
        let i = from + xml[from..].find(&open)?;
        // `<col` must not find `<cols`.
        match xml[i + open.len()..].chars().next() {
            Some(' ' | '>' | '/') => break i,
            _ => from = i + 1,
        }
    };
    let rest = &xml[start..];
    let end = if let Some(e) = rest.find(&format!("</{name}>")) {
        e + name.len() + 3
    } else {
        rest.find("/>")? + 2
    };
    Some(&rest[..end])
}

/// A small random source, for findings nobody chose.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Findings on random cells of random sheets: figures, labels, empty cells
/// inside the data, cells inside merged areas, cells past the data.
fn random_findings(wb: &Workbook, seed: u64) -> Vec<Finding> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let severities = [Severity::Error, Severity::Warning, Severity::Info];
    (0..12)
        .map(|k| {
            let sheet = &wb.sheets[rng.below(wb.sheets.len() as u64) as usize];
            let cells: Vec<CellRef> = (0..1 + rng.below(3))
                .map(|_| {
                    let (h, w) = (sheet.height().max(1), sheet.width().max(1));
                    let (r, c) = match rng.below(4) {
                        0 => (h + rng.below(3) as u32, rng.below(u64::from(w) + 2) as u32),
                        1 => match sheet.merges().first() {
                            Some(m) => (m.last_row, m.last_col),
                            None => (0, 0),
                        },
                        _ => (
                            rng.below(u64::from(h)) as u32,
                            rng.below(u64::from(w)) as u32,
                        ),
                    };
                    CellRef::new(sheet.name.clone(), r, c)
                })
                .collect();
            let figures = rng.below(2) == 0;
            Finding {
                rule: ["T1.total", "X.t1_t3_class", "I.unread"][k % 3],
                severity: severities[rng.below(3) as usize],
                table: TableId::T1.into(),
                table_name: "表1".into(),
                message: format!("随机核对 {k}：<&\"'> 文字需要转义"),
                expected: figures.then(|| "1234.56".into()),
                actual: figures.then(|| "1234.5".into()),
                difference: figures.then(|| "-0.06".into()),
                unit: None,
                cells,
                paragraph: None,
            }
        })
        .collect()
}

/// The cell a mark lands on: the first cell of a merged area.
fn landing(wb: &Workbook, c: &CellRef) -> (String, u32, u32) {
    let sheet = wb.sheets.iter().find(|s| s.name == c.sheet).unwrap();
    match sheet.merge_at(c.row, c.col) {
        Some(m) => (c.sheet.to_string(), m.first_row, m.first_col),
        None => (c.sheet.to_string(), c.row, c.col),
    }
}

/// Everything a marked-up package must keep, checked without openpyxl.
fn assert_kept(what: &str, original: &[u8], marked: &[u8], findings: &[Finding]) {
    let (before, after) = (unzip(original), unzip(marked));
    for (name, bytes) in &before {
        let Some(now) = after.get(name) else {
            panic!("{what}: part {name} lost");
        };
        if now == bytes {
            continue;
        }
        let may_change = name == "[Content_Types].xml"
            || name.ends_with("styles.xml")
            || name.ends_with("workbook.xml")
            || name.ends_with(".rels")
            || name.contains("worksheets/");
        assert!(may_change, "{what}: part {name} changed");
        if name.contains("worksheets/") && name.ends_with(".xml") {
            let (b, a) = (String::from_utf8_lossy(bytes), String::from_utf8_lossy(now));
            for el in [
                "cols",
                "mergeCells",
                "pageMargins",
                "pageSetup",
                "printOptions",
                "headerFooter",
                "sheetFormatPr",
                "dataValidations",
                "conditionalFormatting",
            ] {
                assert_eq!(element(&b, el), element(&a, el), "{what}: {name} <{el}>");
            }
        }
    }
    let src = Workbook::from_bytes(Path::new("o.xlsx"), original).unwrap();
    let out = Workbook::from_bytes(Path::new("m.xlsx"), marked)
        .unwrap_or_else(|e| panic!("{what}: the marked-up workbook does not read: {e}"));
    let names: Vec<&str> = out.sheets.iter().map(|s| &*s.name).collect();
    assert_eq!(names[0], "核对结果", "{what}");
    assert_eq!(out.sheets.len(), src.sheets.len() + 1, "{what}");
    for (s, o) in src.sheets.iter().zip(&out.sheets[1..]) {
        assert_eq!(s.name, o.name, "{what}");
        assert_eq!(s.merges(), o.merges(), "{what}: merges of {}", s.name);
        for r in 0..s.height().max(o.height()) {
            assert_eq!(s.row(r), o.row(r), "{what}: {} row {}", s.name, r + 1);
        }
    }
    let review = &out.sheets[0];
    let rows: Vec<&[CellValue]> = (3..review.height())
        .map(|r| review.row(r))
        .filter(|r| !r.is_empty() && !r[0].is_empty())
        .collect();
    assert_eq!(rows.len(), findings.len(), "{what}: one row per finding");
    let rank = |s: &str| {
        ["错误", "警告", "提示"]
            .iter()
            .position(|x| *x == s)
            .unwrap()
    };
    let order: Vec<usize> = rows.iter().map(|r| rank(&r[1].as_text())).collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{what}: {order:?}");
    for r in &rows {
        if let Some(v) = r.get(6).filter(|v| !v.is_empty()) {
            assert!(
                matches!(v, CellValue::Number(_) | CellValue::Int(_)),
                "{what}: 应为 {v:?} is not a number"
            );
        }
    }
}

/// A case for `markup_check.py`: the files and the marks openpyxl must see.
fn case(
    dir: &Path,
    name: &str,
    original: &[u8],
    source: &Workbook,
    findings: &[Finding],
    marked: &[u8],
    commented: &BTreeSet<String>,
) -> serde_json::Value {
    let (o, m) = (
        dir.join(format!("{name}.xlsx")),
        dir.join(format!("{name}-核对.xlsx")),
    );
    std::fs::write(&o, original).unwrap();
    std::fs::write(&m, marked).unwrap();
    let mut marks: BTreeMap<(String, u32, u32), (Severity, &str)> = BTreeMap::new();
    for f in findings {
        for c in &f.cells {
            let e = marks
                .entry(landing(source, c))
                .or_insert((f.severity, f.rule));
            if f.severity > e.0 {
                *e = (f.severity, f.rule);
            }
        }
    }
    let marks: Vec<serde_json::Value> = marks
        .into_iter()
        .map(|((sheet, r, c), (sev, rule))| {
            serde_json::json!({
                "comment": commented.contains(&sheet),
                "sheet": sheet,
                "cell": CellRef::new(Arc::from(""), r, c).a1(),
                "rgb": fill_argb(sev),
                "rule": rule,
            })
        })
        .collect();
    serde_json::json!({
        "original": o,
        "marked": m,
        "marks": marks,
        "findings": findings.len(),
        "figures": findings.iter().any(|f| f.expected.is_some()),
    })
}

fn budget_of(wb: &Workbook) -> Budget {
    import_workbook(wb, &Templates::builtin(), &ImportOptions::default()).unwrap()
}

fn all_sheets(wb: &Workbook) -> BTreeSet<String> {
    wb.sheets.iter().map(|s| s.name.to_string()).collect()
}

#[test]
fn samples_marked_up_keep_every_part_and_mark_their_findings() {
    for name in [
        "qiaokou-2024.xlsx",
        "wenlv-2024.xlsx",
        "wenlv-2022.xlsx",
        "putuo-2026.xlsx",
    ] {
        let bytes = std::fs::read(sample(name)).unwrap();
        let wb = Workbook::from_bytes(&sample(name), &bytes).unwrap();
        let budget = budget_of(&wb);
        for (k, findings) in [check(&budget), random_findings(&wb, 7)].iter().enumerate() {
            let marked = mark_up(&bytes, &wb, &budget, findings).unwrap();
            assert_kept(&format!("{name} #{k}"), &bytes, &marked, findings);
        }
    }
}

#[test]
fn random_layouts_marked_up_with_random_findings_keep_their_layout() {
    let path = sample("qiaokou-2024.xlsx");
    let wb = Workbook::open(&path).unwrap();
    let base = budget_of(&wb);
    let dir = tempfile::tempdir().unwrap();
    for seed in 0..16 {
        let v = vary(&wb, &base, seed);
        let file = dir.path().join(format!("v{seed}.xlsx"));
        write_xlsx(&v.workbook, &file).unwrap();
        let bytes = std::fs::read(&file).unwrap();
        let src = Workbook::from_bytes(&file, &bytes).unwrap();
        let findings = random_findings(&src, seed);
        let marked = mark_up(&bytes, &src, &base, &findings).unwrap();
        assert_kept(&format!("seed {seed}"), &bytes, &marked, &findings);
    }
}

/// A package as other writers make them: a namespace prefix on every
/// element, rows and cells without addresses, inline strings, a selected
/// second tab, print titles scoped to a sheet, and comments already on one
/// sheet.
fn unusual_package() -> Vec<u8> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Default Extension=\"vml\" ContentType=\"application/vnd.openxmlformats-officedocument.vmlDrawing\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/a.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/worksheets/b.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/><Override PartName=\"/xl/comments1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml\"/></Types>".into()),
        ("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"R1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"/xl/workbook.xml\"/></Relationships>".into()),
        ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"S1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/a.xml\"/><Relationship Id=\"S2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/b.xml\"/><Relationship Id=\"ST\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>".into()),
        ("xl/workbook.xml", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><x:workbook xmlns:x=\"{MAIN}\" xmlns:rel=\"{REL}\"><x:bookViews><x:workbookView activeTab=\"1\"/></x:bookViews><x:sheets><x:sheet name=\"表1\" sheetId=\"1\" rel:id=\"S1\"/><x:sheet name=\"A &amp; B\" sheetId=\"2\" rel:id=\"S2\"/></x:sheets><x:definedNames><x:definedName name=\"_xlnm.Print_Titles\" localSheetId=\"1\">'A &amp; B'!$1:$2</x:definedName></x:definedNames></x:workbook>")),
        ("xl/styles.xml", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><x:styleSheet xmlns:x=\"{MAIN}\"><x:fonts count=\"1\"><x:font><x:sz val=\"11\"/><x:name val=\"Calibri\"/></x:font></x:fonts><x:fills count=\"2\"><x:fill><x:patternFill patternType=\"none\"/></x:fill><x:fill><x:patternFill patternType=\"gray125\"/></x:fill></x:fills><x:borders count=\"1\"><x:border/></x:borders><x:cellStyleXfs count=\"1\"><x:xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></x:cellStyleXfs><x:cellXfs count=\"2\"><x:xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/><x:xf numFmtId=\"4\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></x:cellXfs></x:styleSheet>")),
        ("xl/worksheets/a.xml", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><x:worksheet xmlns:x=\"{MAIN}\"><x:sheetData><x:row><x:c t=\"inlineStr\"><x:is><x:t>收支总表</x:t></x:is></x:c></x:row><x:row><x:c t=\"inlineStr\"><x:is><x:t>项目</x:t></x:is></x:c><x:c s=\"1\"><x:v>12.5</x:v></x:c></x:row><x:row r=\"5\"><x:c r=\"C5\"><x:v>3</x:v></x:c></x:row></x:sheetData><x:mergeCells count=\"1\"><x:mergeCell ref=\"A1:C1\"/></x:mergeCells><x:pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/><x:pageSetup paperSize=\"9\" orientation=\"landscape\"/></x:worksheet>")),
        ("xl/worksheets/b.xml", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><x:worksheet xmlns:x=\"{MAIN}\" xmlns:r=\"{REL}\"><x:sheetViews><x:sheetView tabSelected=\"1\" workbookViewId=\"0\"/></x:sheetViews><x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>说明</x:t></x:is></x:c></x:row></x:sheetData><x:legacyDrawing r:id=\"C2\"/></x:worksheet>")),
        ("xl/worksheets/_rels/b.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"C1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"../comments1.xml\"/><Relationship Id=\"C2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing\" Target=\"../drawings/v1.vml\"/></Relationships>".into()),
        ("xl/comments1.xml", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><comments xmlns=\"{MAIN}\"><authors><author>科室</author></authors><commentList><comment ref=\"A1\" authorId=\"0\"><text><t>原有批注</t></text></comment></commentList></comments>")),
        ("xl/drawings/v1.vml", "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"1\"/></o:shapelayout><v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"/><v:shape id=\"_x0000_s1025\" type=\"#_x0000_t202\" style=\"position:absolute;visibility:hidden\"><x:ClientData ObjectType=\"Note\"><x:Row>0</x:Row><x:Column>0</x:Column></x:ClientData></v:shape></xml>".into()),
    ];
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in parts {
        z.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// The same package saved with macros (`.xlsm`): the workbook's content
/// type says so and a VBA project hangs off it.
fn package_with_macros() -> Vec<u8> {
    let mut parts = unzip(&unusual_package());
    let edit = |parts: &mut BTreeMap<String, Vec<u8>>, name: &str, from: &str, to: &str| {
        let text = String::from_utf8(parts[name].clone()).unwrap();
        assert!(text.contains(from), "{name}");
        parts.insert(name.to_string(), text.replace(from, to).into_bytes());
    };
    edit(
        &mut parts,
        "[Content_Types].xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml\"/><Override PartName=\"/xl/vbaProject.bin\" ContentType=\"application/vnd.ms-office.vbaProject",
    );
    edit(
        &mut parts,
        "xl/_rels/workbook.xml.rels",
        "</Relationships>",
        "<Relationship Id=\"V1\" Type=\"http://schemas.microsoft.com/office/2006/relationships/vbaProject\" Target=\"vbaProject.bin\"/></Relationships>",
    );
    parts.insert(
        "xl/vbaProject.bin".into(),
        b"\xD0\xCF\x11\xE0 not really a VBA project".to_vec(),
    );
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        z.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(&bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// A report of an `.xlsm` is written as `.xlsx`: Excel refuses a macro
/// content type under that name, so the macros are left out, and said so.
#[test]
fn a_workbook_with_macros_gives_a_plain_xlsx_report_that_says_so() {
    let bytes = package_with_macros();
    let path = Path::new("macros.xlsm");
    let wb = Workbook::from_bytes(path, &bytes).unwrap();
    let budget = budget_of(&wb);
    let findings = unusual_findings();
    let marked = mark_up(&bytes, &wb, &budget, &findings).unwrap();
    let parts = unzip(&marked);
    assert!(!parts.contains_key("xl/vbaProject.bin"));
    let text = |n: &str| String::from_utf8_lossy(&parts[n]).into_owned();
    let types = text("[Content_Types].xml");
    assert!(
        !types.contains("macroEnabled") && !types.contains("vbaProject"),
        "{types}"
    );
    assert!(types.contains(
        "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    ));
    assert!(!text("xl/_rels/workbook.xml.rels").contains("vbaProject"));
    let out = Workbook::from_bytes(Path::new("m.xlsx"), &marked).unwrap();
    let note = out.sheets[0].get(1, 0).as_text();
    assert!(
        note.contains("源工作簿启用了宏（.xlsm），核对工作簿是 .xlsx，宏未保留。"),
        "{note}"
    );
}

fn unusual_findings() -> Vec<Finding> {
    let at = |sheet: &str, r, c| CellRef::new(Arc::from(sheet), r, c);
    let f = |rule, severity, cells| Finding {
        rule,
        severity,
        table: TableId::T1.into(),
        table_name: "表1".into(),
        message: "核对".into(),
        expected: Some("12.5".into()),
        actual: Some("12".into()),
        difference: Some("-0.5".into()),
        unit: None,
        cells,
        paragraph: None,
    };
    vec![
        f(
            "T1.total",
            Severity::Info,
            vec![at("表1", 1, 1), at("表1", 0, 2)],
        ),
        f(
            "X.t1_t3_class",
            Severity::Error,
            vec![at("表1", 3, 1), at("表1", 4, 2)],
        ),
        f(
            "T1.income",
            Severity::Warning,
            vec![at("A & B", 0, 0), at("A & B", 2, 3)],
        ),
    ]
}

#[test]
fn a_package_other_writers_make_is_marked_up_too() {
    let bytes = unusual_package();
    let path = Path::new("unusual.xlsx");
    let wb = Workbook::from_bytes(path, &bytes).unwrap();
    let budget =
        yusuan::import::import_workbook(&wb, &Templates::builtin(), &ImportOptions::default());
    let budget = match budget {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    };
    let findings = unusual_findings();
    let marked = mark_up(&bytes, &wb, &budget, &findings).unwrap();
    assert_kept("unusual", &bytes, &marked, &findings);
    let parts = unzip(&marked);
    let text = |n: &str| String::from_utf8_lossy(&parts[n]).into_owned();
    let workbook = text("xl/workbook.xml");
    // Print titles still name their sheet, now the third.
    assert!(
        workbook.contains("<x:definedName name=\"_xlnm.Print_Titles\" localSheetId=\"2\">"),
        "{workbook}"
    );
    assert!(workbook.contains("<x:sheet name=\"核对结果\" sheetId=\"3\" rel:id=\"rIdYusuan1\"/>"));
    assert!(workbook.contains("activeTab=\"0\""));
    // The second sheet is no longer selected, and kept its own comments.
    let b = text("xl/worksheets/b.xml");
    assert!(!b.contains("tabSelected"), "{b}");
    assert_eq!(parts["xl/comments1.xml"], unzip(&bytes)["xl/comments1.xml"]);
    let review = Workbook::from_bytes(path, &marked).unwrap();
    let note = review.sheets[0].get(1, 0).as_text();
    assert!(note.contains("“A & B”已有批注"), "{note}");
    // Cells without addresses are addressed, the marked one restyled keeping
    // its number format; the cells the sheet never wrote are added.
    let a = text("xl/worksheets/a.xml");
    assert!(
        a.contains("<x:row r=\"1\"><x:c t=\"inlineStr\" r=\"A1\" s=\""),
        "{a}"
    );
    assert!(a.contains("<x:c t=\"inlineStr\" r=\"A2\">"), "{a}");
    assert!(a.contains("<x:c r=\"B2\" s=\""), "{a}");
    assert!(a.contains("<x:row r=\"4\"><x:c r=\"B4\" s=\""), "{a}");
    assert!(a.contains("<x:c r=\"C5\" s=\""), "{a}");
    let styles = text("xl/styles.xml");
    assert!(styles.contains("<x:xf numFmtId=\"4\" fontId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\" fillId=\"2\" applyFill=\"1\"/>"), "{styles}");
    assert!(styles.contains("<x:cellXfs count=\""));
}

/// The same marked-up workbooks, opened by openpyxl: the source unchanged
/// down to widths, heights and print set-up; marks filled and commented;
/// 核对结果 numeric, errors first, links resolving.
#[test]
fn openpyxl_sees_the_source_unchanged_and_the_marks() {
    let dir = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    let path = sample("qiaokou-2024.xlsx");
    let bytes = std::fs::read(&path).unwrap();
    let wb = Workbook::from_bytes(&path, &bytes).unwrap();
    let budget = budget_of(&wb);
    for (k, findings) in [check(&budget), random_findings(&wb, 3)].iter().enumerate() {
        let marked = mark_up(&bytes, &wb, &budget, findings).unwrap();
        cases.push(case(
            dir.path(),
            &format!("qiaokou-{k}"),
            &bytes,
            &wb,
            findings,
            &marked,
            &all_sheets(&wb),
        ));
    }
    for seed in [4, 11] {
        let v = vary(&wb, &budget, seed);
        let file = dir.path().join(format!("v{seed}.xlsx"));
        write_xlsx(&v.workbook, &file).unwrap();
        let bytes = std::fs::read(&file).unwrap();
        let src = Workbook::from_bytes(&file, &bytes).unwrap();
        let findings = random_findings(&src, seed);
        let marked = mark_up(&bytes, &src, &budget, &findings).unwrap();
        cases.push(case(
            dir.path(),
            &format!("variant-{seed}"),
            &bytes,
            &src,
            &findings,
            &marked,
            &all_sheets(&src),
        ));
    }
    let bytes = unusual_package();
    let wb = Workbook::from_bytes(Path::new("unusual.xlsx"), &bytes).unwrap();
    let findings = unusual_findings();
    let marked = mark_up(&bytes, &wb, &budget, &findings).unwrap();
    let commented: BTreeSet<String> = ["表1".to_string()].into();
    cases.push(case(
        dir.path(),
        "unusual",
        &bytes,
        &wb,
        &findings,
        &marked,
        &commented,
    ));
    let bytes = package_with_macros();
    let wb = Workbook::from_bytes(Path::new("macros.xlsm"), &bytes).unwrap();
    let marked = mark_up(&bytes, &wb, &budget, &findings).unwrap();
    cases.push(case(
        dir.path(),
        "macros",
        &unusual_package(),
        &wb,
        &findings,
        &marked,
        &commented,
    ));
    let list = dir.path().join("cases.json");
    std::fs::write(&list, serde_json::to_vec_pretty(&cases).unwrap()).unwrap();
    let (ok, out, err) = python::run_check("markup_check.py", &[list.as_os_str()]);
    assert!(ok, "openpyxl checks failed:\n{out}{err}");
    assert!(out.contains("6 marked-up workbooks hold"), "{out}");
    let _ = writeln!(
        std::io::stderr(),
        "markup check: {}",
        out.lines().last().unwrap_or("")
    );
}

/// A package whose parts are damaged (cut short, a stray `<`, a tag
/// dropped) is marked up or refused with a reason — never a panic, which
/// would take the whole batch down.
#[test]
fn damaged_parts_are_refused_never_a_panic() {
    let path = sample("qiaokou-2024.xlsx");
    let bytes = std::fs::read(&path).unwrap();
    let wb = Workbook::from_bytes(&path, &bytes).unwrap();
    let budget = budget_of(&wb);
    let findings = check(&budget);
    let parts = unzip(&bytes);
    let targets = [
        "xl/workbook.xml",
        "xl/styles.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
        "xl/worksheets/sheet14.xml",
        "xl/worksheets/sheet9.xml",
    ];
    let (mut marked, mut refused) = (0, 0);
    for seed in 0..60u64 {
        let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
        let name = targets[rng.below(targets.len() as u64) as usize];
        let mut text = parts[name].clone();
        let at = rng.below(text.len() as u64) as usize;
        match rng.below(3) {
            0 => text.truncate(at),
            1 => text.insert(at, b'<'),
            _ => {
                // Drop one tag whole.
                if let Some(open) = text[at..].iter().position(|&b| b == b'<') {
                    let from = at + open;
                    if let Some(len) = text[from..].iter().position(|&b| b == b'>') {
                        text.drain(from..=from + len);
                    }
                }
            }
        }
        let mut damaged = parts.clone();
        damaged.insert(name.to_string(), text);
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (n, b) in &damaged {
            z.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(b).unwrap();
        }
        let package = z.finish().unwrap().into_inner();
        let result = std::panic::catch_unwind(|| mark_up(&package, &wb, &budget, &findings));
        match result {
            Ok(Ok(report)) => {
                // What is handed back opens: a package our reader reads,
                // 核对结果 first, every sheet of the source still there.
                let back =
                    Workbook::from_bytes(Path::new("report.xlsx"), &report).unwrap_or_else(|e| {
                        panic!("seed {seed}: the report of a damaged {name} does not open: {e}")
                    });
                assert_eq!(&*back.sheets[0].name, "核对结果", "seed {seed}");
                for sheet in &wb.sheets {
                    assert!(
                        back.sheets.iter().any(|s| s.name == sheet.name),
                        "seed {seed}: {} lost",
                        sheet.name
                    );
                }
                marked += 1;
            }
            Ok(Err(e)) => {
                // Said in Chinese, naming what could not be read.
                let said = e.to_string();
                assert!(
                    ["压缩包无法读取", "无法解析", "缺少部件", "超出读取上限"]
                        .iter()
                        .any(|w| said.contains(w)),
                    "seed {seed}: {said}"
                );
                refused += 1;
            }
            Err(_) => panic!("seed {seed}: marking up a damaged {name} panicked"),
        }
    }
    assert!(
        refused > 0 && marked > 0,
        "{marked} marked, {refused} refused"
    );
    let _ = writeln!(
        std::io::stderr(),
        "damaged packages: {marked} marked up, {refused} refused with a reason, none panicked"
    );
}

/// A sheet whose part the package lacks cannot be marked: 核对结果 says so
/// rather than dropping its findings' marks without a word.
#[test]
fn marks_on_a_sheet_whose_part_is_missing_are_said() {
    let bytes = unusual_package();
    let wb = Workbook::from_bytes(Path::new("unusual.xlsx"), &bytes).unwrap();
    let budget = budget_of(&wb);
    let mut parts = unzip(&bytes);
    parts.remove("xl/worksheets/a.xml");
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (n, b) in &parts {
        z.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b).unwrap();
    }
    let damaged = z.finish().unwrap().into_inner();
    // The package still lacks the part, so 核对结果 is read from its XML.
    let out = unzip(&mark_up(&damaged, &wb, &budget, &unusual_findings()).unwrap());
    let sheet = String::from_utf8_lossy(&out["xl/worksheets/yusuan-review1.xml"]).into_owned();
    assert!(
        sheet.contains("工作表“表1”的部件 xl/worksheets/a.xml 缺失，其单元格未能标色。"),
        "{sheet}"
    );
}

/// Regression: a table wrong row after row (80,000 rows of 表3, each off by
/// one) gave a report of 1.9 GB in 8.7 s, most of it a comment and a comment
/// box for every marked cell. Comments stop at `COMMENTS_PER_SHEET` a sheet
/// and the report says so; every cell is still filled, every finding listed.
#[test]
fn comments_stop_at_the_per_sheet_limit_and_the_report_says_so() {
    let path = sample("wenlv-2024.xlsx");
    let bytes = std::fs::read(&path).unwrap();
    let wb = Workbook::from_bytes(&path, &bytes).unwrap();
    let budget = budget_of(&wb);
    let n = COMMENTS_PER_SHEET + 7;
    let findings: Vec<Finding> = (0..n)
        .map(|i| Finding {
            rule: "T3.row",
            severity: Severity::Error,
            table: TableId::T3.into(),
            table_name: "表3".into(),
            message: format!("第 {i} 行不平"),
            expected: None,
            actual: None,
            difference: None,
            unit: None,
            cells: vec![CellRef::new(Arc::from("表3"), 100 + i as u32, 12)],
            paragraph: None,
        })
        .collect();
    let marked = mark_up(&bytes, &wb, &budget, &findings).unwrap();
    let parts = unzip(&marked);
    let text = |n: &str| String::from_utf8_lossy(&parts[n]).into_owned();
    let comments: Vec<&String> = parts
        .keys()
        .filter(|k| k.contains("comments-yusuan"))
        .collect();
    assert_eq!(comments.len(), 1, "{comments:?}");
    let list = text(comments[0]);
    assert_eq!(list.matches("<comment ").count(), COMMENTS_PER_SHEET);
    assert!(list.contains("第 0 行不平") && !list.contains(&format!("第 {} 行不平", n - 1)));
    let drawing = parts
        .keys()
        .find(|k| k.contains("vmlDrawing-yusuan"))
        .unwrap();
    assert_eq!(
        text(drawing).matches("<v:shape ").count(),
        COMMENTS_PER_SHEET
    );
    // Every cell filled: the last one too.
    let out = Workbook::from_bytes(Path::new("m.xlsx"), &marked).unwrap();
    let sheet_part = parts
        .iter()
        .filter(|(k, _)| k.starts_with("xl/worksheets/sheet"))
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        .find(|x| x.contains(&format!("r=\"M{}\"", 100 + n)))
        .expect("the last marked cell is in its sheet");
    assert!(sheet_part.contains(&format!("<c r=\"M{}\" s=\"", 100 + n)));
    // 核对结果 says so, and lists every finding.
    let review = &out.sheets[0];
    let said: Vec<String> = (0..review.height())
        .map(|r| review.get(r, 0).as_text().to_string())
        .collect();
    assert!(
        said.iter().any(|s| s.contains(&format!(
            "“表3”有 {n} 个单元格标色，批注只加在前 {COMMENTS_PER_SHEET} 个"
        ))),
        "{:?}",
        &said[..5]
    );
    let listed = (0..review.height())
        .filter(|&r| review.get(r, 2).as_text() == "T3.row")
        .count();
    assert_eq!(listed, n);
}

/// Regression: a workbook whose sheet parts are named `Sheet1.xml` (where
/// its relationships say `sheet1.xml`) was read and checked — the reader
/// finds parts ignoring case — and then marked nowhere, the markup saying
/// `部件 … 缺失`: one package layer now serves both. With every sheet part
/// renamed so, and two officeDocument relationships (the last one names the
/// workbook, for both), the reviewer's workbook is marked in full.
#[test]
fn a_package_with_sheet_parts_renamed_in_case_is_marked_in_full() {
    let path = sample("qiaokou-2024.xlsx");
    let original = std::fs::read(&path).unwrap();
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in unzip(&original) {
        let renamed = match name.strip_prefix("xl/worksheets/sheet") {
            Some(rest) => format!("xl/worksheets/SHEET{}", rest.to_uppercase()),
            None => name.clone(),
        };
        let bytes = if name == "_rels/.rels" {
            // A first officeDocument relationship to a part that is not there.
            let text = String::from_utf8(bytes).unwrap();
            text.replacen(
                "<Relationship ",
                "<Relationship Id=\"rIdStale\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/old-workbook.xml\"/><Relationship ",
                1,
            )
            .into_bytes()
        } else {
            bytes
        };
        z.start_file(renamed, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(&bytes).unwrap();
    }
    let renamed = z.finish().unwrap().into_inner();
    let wb = Workbook::from_bytes(&path, &renamed).unwrap();
    let budget = budget_of(&wb);
    let findings = check(&budget);
    assert!(!findings.is_empty());
    let out = unzip(&mark_up(&renamed, &wb, &budget, &findings).unwrap());
    let review = String::from_utf8_lossy(&out["xl/worksheets/yusuan-review1.xml"]).into_owned();
    assert!(!review.contains("缺失"), "{review}");
    // Every sheet with a finding got its comments, in the part as named.
    let marked: BTreeSet<&str> = findings
        .iter()
        .flat_map(|f| f.cells.iter().map(|c| &*c.sheet))
        .collect();
    let comments = out.keys().filter(|n| n.starts_with("xl/comments")).count();
    assert_eq!(
        comments,
        marked.len(),
        "{:?}",
        out.keys().collect::<Vec<_>>()
    );
    assert!(out.keys().any(|n| n.starts_with("xl/worksheets/SHEET")));
    assert!(!out.keys().any(|n| n.starts_with("xl/worksheets/sheet")));
}
