//! The reader gives what calamine gives, or hands the package to it.

use std::io::Write;

use super::*;
use crate::workbook::{read_xlsx_calamine, Merge};

/// Both readers on one package: ours (`None` when it hands over) and
/// calamine's.
fn both(bytes: &[u8]) -> (Option<Vec<Sheet>>, Vec<Sheet>) {
    let path = Path::new("t.xlsx");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let ours = read(path, &mut zip).unwrap();
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let theirs = read_xlsx_calamine(path, Cursor::new(bytes), Some(zip)).unwrap();
    (ours, theirs)
}

fn assert_same(ours: &[Sheet], theirs: &[Sheet], what: &str) {
    let names = |s: &[Sheet]| s.iter().map(|s| s.name.to_string()).collect::<Vec<_>>();
    assert_eq!(names(ours), names(theirs), "{what}: sheets");
    for (a, b) in ours.iter().zip(theirs) {
        assert_eq!(a.hidden, b.hidden, "{what}: {} hidden", a.name);
        assert_eq!(a.rows, b.rows, "{what}: {} cells", a.name);
        assert_eq!(a.merges, b.merges, "{what}: {} merges", a.name);
    }
}

/// Ours read the package, and read it as calamine does.
fn read_alike(bytes: &[u8], what: &str) -> Vec<Sheet> {
    let (ours, theirs) = both(bytes);
    let ours = ours.unwrap_or_else(|| panic!("{what}: handed to calamine"));
    assert_same(&ours, &theirs, what);
    ours
}

/// Ours handed the package to calamine.
fn handed_over(bytes: &[u8], what: &str) {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let ours = read(Path::new("t.xlsx"), &mut zip).unwrap();
    assert!(ours.is_none(), "{what}: read, not handed over");
}

/// Every bundled `.xlsx`: ours reads it, exactly as calamine does.
#[test]
fn every_sample_reads_as_calamine_reads_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut cells = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "xlsx") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let sheets = read_alike(&bytes, &path.display().to_string());
        cells += sheets
            .iter()
            .flat_map(|s| s.rows.iter().flatten())
            .filter(|v| !v.is_empty())
            .count();
    }
    assert!(cells > 6_000, "only {cells} cells compared");
}

/// Random layouts of the multi-unit sample (sheet names and order, hidden
/// sheets, merges, text numbers …) written to `.xlsx`: ours reads each as
/// calamine does, or hands it over (a formula without its result).
#[test]
fn random_layouts_read_as_calamine_reads_them() {
    use crate::samples::variants::{vary, write_xlsx};
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/qiaokou-2024.xlsx");
    let wb = crate::workbook::Workbook::open(&sample).unwrap();
    let templates = crate::template::Templates::builtin();
    let base =
        crate::import::import_workbook(&wb, &templates, &crate::import::ImportOptions::default())
            .unwrap();
    let (mut read_by_us, mut handed) = (0, 0);
    for seed in 0..12 {
        let v = vary(&wb, &base, 9000 + seed);
        let path = dir.path().join(format!("{seed}.xlsx"));
        write_xlsx(&v.workbook, &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let (ours, theirs) = both(&bytes);
        match ours {
            Some(ours) => {
                assert_same(&ours, &theirs, &format!("seed {seed}"));
                read_by_us += 1;
            }
            None => handed += 1,
        }
    }
    assert!(read_by_us >= 6, "{read_by_us} read, {handed} handed over");
}

const WORKSHEET: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet";

/// A package of `sheets` (name, state attribute, sheet XML) with `strings`
/// (an `<sst>` part, if any) and `styles`, laid out as Excel lays it out.
fn package(sheets: &[(&str, &str, &str)], strings: Option<&str>, styles: Option<&str>) -> Vec<u8> {
    let mut parts: Vec<(String, String)> = vec![
        (
            "_rels/.rels".into(),
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                .into(),
        ),
    ];
    let mut rels = String::from(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut book = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    for (i, (name, state, xml)) in sheets.iter().enumerate() {
        let n = i + 1;
        rels.push_str(&format!(
            r#"<Relationship Id="rId{n}" Type="{WORKSHEET}" Target="worksheets/sheet{n}.xml"/>"#
        ));
        book.push_str(&format!(
            r#"<sheet name="{name}" sheetId="{n}" {state} r:id="rId{n}"/>"#
        ));
        parts.push((format!("xl/worksheets/sheet{n}.xml"), (*xml).to_string()));
    }
    rels.push_str("</Relationships>");
    book.push_str("</sheets></workbook>");
    parts.push(("xl/_rels/workbook.xml.rels".into(), rels));
    parts.push(("xl/workbook.xml".into(), book));
    if let Some(s) = strings {
        parts.push(("xl/sharedStrings.xml".into(), s.to_string()));
    }
    if let Some(s) = styles {
        parts.push(("xl/styles.xml".into(), s.to_string()));
    }
    zip_of(&parts)
}

fn zip_of(parts: &[(String, String)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in parts {
        z.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn sheet(data: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:D9"/><sheetData>{data}</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#
    )
}

fn text(v: &CellValue) -> &str {
    match v {
        CellValue::Text(s) => s,
        other => panic!("not text: {other:?}"),
    }
}

#[test]
fn strings_as_calamine_reads_them() {
    let sst = "<?xml version=\"1.0\"?><sst xmlns=\"m\" count=\"6\" uniqueCount=\"6\">\
        <si><t>  一般公共预算  </t></si>\
        <si><t xml:space=\"preserve\">  保留  </t></si>\
        <si><r><rPr><b/></rPr><t>富</t></r><r><t xml:space=\"preserve\"> 文本</t></r></si>\
        <si><t>漢字</t><rPh sb=\"0\" eb=\"2\"><t>かんじ</t></rPh><phoneticPr fontId=\"1\"/></si>\
        <si><t>A &amp; B &lt;C&gt; &#20013;&#x6587; line\r\none\rtwo</t></si>\
        <si/>\
        </sst>";
    let data = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>
<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2" t="s"><v>5</v></c>
<c r="D2" t="inlineStr"><is><t> 行内 </t></is></c></row>"#;
    let bytes = package(&[("表1", "", &sheet(data))], Some(sst), None);
    let s = read_alike(&bytes, "strings");
    let rows = &s[0].rows;
    assert_eq!(text(&rows[0][0]), "一般公共预算");
    assert_eq!(text(&rows[0][1]), "  保留  ");
    assert_eq!(text(&rows[0][2]), "富 文本");
    assert_eq!(text(&rows[1][0]), "漢字");
    assert_eq!(text(&rows[1][1]), "A & B <C> 中文 line\none\ntwo");
    assert_eq!(text(&rows[1][2]), "");
    assert_eq!(text(&rows[1][3]), "行内");
    assert_eq!(
        s[0].merges,
        vec![Merge {
            first_row: 0,
            first_col: 0,
            last_row: 0,
            last_col: 1
        }]
    );
}

#[test]
fn values_and_positions_as_calamine_reads_them() {
    let data = r#"<row r="1" spans="1:4"><c r="A1"><v>1234.5</v></c><c r="B1" t="n"><v>-0.25</v></c><c r="C1"><v>1E-3</v></c><c r="D1" s="1"><v>3248300</v></c></row>
<row><c><v>7</v></c><c><v>8</v></c><c r="D2" t="b"><v>1</v></c></row>
<row r="4"/>
<row r="5"><c r="A5" s="2"/><c r="B5"><f>SUM(A1:A2)</f><v>1241.5</v></c><c r="C5" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="D5" t="b"><v>false</v></c></row>"#;
    let styles = r##"<styleSheet><numFmts count="1"><numFmt numFmtId="176" formatCode="#,##0.00_ ;[Red]\-#,##0.00\ "/></numFmts>
<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="176"/><xf numFmtId="4"/></cellXfs></styleSheet>"##;
    let bytes = package(&[("表2", "", &sheet(data))], None, Some(styles));
    let s = read_alike(&bytes, "values");
    let rows = &s[0].rows;
    assert_eq!(rows[0][3], CellValue::Number(3_248_300.0));
    assert_eq!(rows[1][0], CellValue::Number(7.0));
    assert_eq!(rows[1][1], CellValue::Number(8.0));
    assert_eq!(rows[1][3], CellValue::Bool(true));
    assert_eq!(rows[4][1], CellValue::Number(1241.5));
    assert_eq!(text(&rows[4][2]), "ab");
}

#[test]
fn prefixed_parts_and_other_part_names_read_as_calamine_reads_them() {
    let data = r#"<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1"><x:v>2</x:v></x:c></x:row>"#;
    let xml =
        format!(r#"<x:worksheet xmlns:x="m"><x:sheetData>{data}</x:sheetData></x:worksheet>"#);
    let sst = r#"<x:sst xmlns:x="m"><x:si><x:t>收入</x:t></x:si></x:sst>"#;
    let mut parts = vec![
        (
            "_rels/.rels".to_string(),
            r#"<Relationships><Relationship Id="R" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/XL/Book.xml"/></Relationships>"#.to_string(),
        ),
        (
            "XL/_rels/Book.xml.rels".to_string(),
            format!(r#"<Relationships><Relationship Id="s1" Type="{WORKSHEET}" Target="/XL/S/a.xml"/><Relationship Id="s2" Type="{WORKSHEET}" Target="S/b.xml"/><Relationship Id="c1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="S/c.xml"/></Relationships>"#),
        ),
        (
            "XL/Book.xml".to_string(),
            r#"<x:workbook xmlns:x="m" xmlns:rel="r"><x:sheets><x:sheet name="A &amp; B" sheetId="1" rel:id="s1"/><x:sheet name="隐藏" sheetId="2" state="veryHidden" rel:id="s2"/><x:sheet name="图" sheetId="3" rel:id="c1"/></x:sheets></x:workbook>"#.to_string(),
        ),
        ("XL/S/a.xml".to_string(), xml.clone()),
        ("XL/S/b.xml".to_string(), xml),
        ("xl/SHAREDSTRINGS.XML".to_string(), sst.to_string()),
    ];
    parts.push(("XL/S/c.xml".to_string(), "<chartsheet/>".to_string()));
    let s = read_alike(&zip_of(&parts), "prefixed");
    assert_eq!(s.len(), 2);
    assert_eq!(&*s[0].name, "A & B");
    assert!(s[1].hidden);
    assert_eq!(text(&s[0].rows[0][0]), "收入");
}

/// What the reader leaves to calamine: each package alone.
#[test]
fn what_it_does_not_know_is_handed_to_calamine() {
    let plain = |data: &str| package(&[("表1", "", &sheet(data))], None, None);
    let cell = |c: &str| plain(&format!(r#"<row r="1">{c}</row>"#));
    for (xml, what) in [
        (
            r#"<c r="A1"><f>SUM(B1:B2)</f></c>"#,
            "formula without result",
        ),
        (r#"<c r="A1" t="e"><v>#DIV/0!</v></c>"#, "error value"),
        (r#"<c r="A1" t="d"><v>2024-01-01</v></c>"#, "ISO date"),
        (r#"<c r="A1"><v> 12</v></c>"#, "number with a space"),
        (
            r#"<c r="A1"><v>.5</v></c>"#,
            "number without its integer part",
        ),
        (r#"<c r="a1"><v>1</v></c>"#, "lower-case address"),
        (
            r#"<c r="A1" t="str"><v>a_x000D_b</v></c>"#,
            "_xHHHH_ escape",
        ),
        (r#"<c r="A1"><!-- note --><v>1</v></c>"#, "comment"),
        (
            r#"<c r="A1" t="inlineStr"><is><t><![CDATA[x]]></t></is></c>"#,
            "CDATA",
        ),
        (
            r#"<c r="A1" t="s"><v>3</v></c>"#,
            "shared string past the table",
        ),
    ] {
        handed_over(&cell(xml), what);
    }
    let styled = |fmt: &str, id: &str| {
        package(
            &[(
                "表1",
                "",
                &sheet(r#"<row r="1"><c r="A1" s="1"><v>45000</v></c></row>"#),
            )],
            None,
            Some(&format!(
                r#"<styleSheet><numFmts><numFmt numFmtId="176" formatCode="{fmt}"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="{id}"/></cellXfs></styleSheet>"#
            )),
        )
    };
    handed_over(&styled("yyyy-mm-dd", "176"), "custom date style");
    handed_over(&styled("0.00", "14"), "built-in date style");
    read_alike(&styled("#,##0.00", "176"), "custom number style");
    let gbk = package(
        &[(
            "表1",
            "",
            "<?xml version=\"1.0\" encoding=\"GBK\"?><worksheet><sheetData/></worksheet>",
        )],
        None,
        None,
    );
    handed_over(&gbk, "declared GBK");
}

#[test]
fn limits_are_those_of_the_calamine_path() {
    let far = package(
        &[(
            "表1",
            "",
            &sheet(r#"<row r="200000"><c r="A200000"><v>1</v></c></row>"#),
        )],
        None,
        None,
    );
    let path = Path::new("t.xlsx");
    let mut zip = zip::ZipArchive::new(Cursor::new(far.as_slice())).unwrap();
    let ours = read(path, &mut zip).unwrap_err().to_string();
    let zip = zip::ZipArchive::new(Cursor::new(far.as_slice())).unwrap();
    let theirs = read_xlsx_calamine(path, Cursor::new(far.as_slice()), Some(zip))
        .unwrap_err()
        .to_string();
    assert_eq!(ours, theirs);
    assert!(ours.contains("A200000"), "{ours}");
}

/// Regression: a few cells far apart (one in every row, at column ALL) or
/// merges over the whole sheet made a small file take gigabytes or never
/// end. Both readers refuse them alike, before the grid is built.
#[test]
fn sheets_that_spread_past_the_grid_limit_are_refused_by_both_readers() {
    let spread: String = (1..=2100)
        .map(|r| format!(r#"<row r="{r}"><c r="ALL{r}"><v>1</v></c></row>"#))
        .collect();
    let spread = package(&[("表1", "", &sheet(&spread))], None, None);
    let merged = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="3000"><c r="ALL3000"><v>2</v></c></row></sheetData><mergeCells count="2">{}</mergeCells></worksheet>"#,
        r#"<mergeCell ref="A1:ALL3000"/>"#.repeat(2)
    );
    let merged = package(&[("表1", "", &merged)], None, None);
    for (bytes, words) in [
        (spread, "工作表“表1”的单元格铺开有 2100000 个（2100 行）"),
        (merged, "工作表“表1”的合并区域共覆盖 6000000 个单元格"),
    ] {
        let path = Path::new("t.xlsx");
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let ours = read(path, &mut zip).unwrap_err().to_string();
        let zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let theirs = read_xlsx_calamine(path, Cursor::new(bytes.as_slice()), Some(zip))
            .unwrap_err()
            .to_string();
        assert_eq!(ours, theirs);
        assert!(ours.contains(words), "{ours}");
        assert!(ours.contains("每表最多 2000000 个"), "{ours}");
    }
}

#[test]
fn numbers_every_parser_reads_alike() {
    for ok in ["0", "-12", "3.25", "1E-3", "1e+20", "-0.5E2"] {
        assert!(is_plain_number(ok.as_bytes()), "{ok}");
    }
    for no in [
        "", "-", ".5", "5.", "1e", "+1", "inf", "NaN", "1,000", " 1", "0x10",
    ] {
        assert!(!is_plain_number(no.as_bytes()), "{no}");
    }
}

#[test]
fn date_formats_as_calamine_detects_them() {
    for date in [
        "yyyy-mm-dd",
        "DD/MM/YY",
        "h:mm AM/PM",
        "[h]:mm:ss",
        "m\"M\"d\"D\";@",
    ] {
        assert!(is_date_format(date), "{date}");
    }
    for number in [
        "#,##0.00",
        "0.00_ ",
        "#,##0\\ [$\\u20bd-46D]",
        "\"元\"#,##0",
        "0.00%",
        "@",
    ] {
        assert!(!is_date_format(number), "{number}");
    }
}

/// A package as Excel saves it: markup-compatibility attributes and
/// alternate content in the workbook part, sheet properties, views,
/// column widths, rows with spans and heights, shared formulas with their
/// results, conditional formats in an extension list, phonetic properties.
#[test]
fn an_excel_saved_package_reads_as_calamine_reads_it() {
    let book = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x15 xr xr6 xr10 xr2" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"><fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/><workbookPr defaultThemeVersion="166925"/><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="x15"><x15ac:absPath url="D:\预算\" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent><bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040" windowHeight="15840" activeTab="1"/></bookViews><sheets><sheet name="1.收支总表" sheetId="1" r:id="rId1"/><sheet name="说明" sheetId="2" state="hidden" r:id="rId2"/></sheets><definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'1.收支总表'!$1:$4</definedName></definedNames><calcPr calcId="191029"/></workbook>"#;
    let sheet1 = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" xr:uid="{00000000-0001-0000-0000-000000000000}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:D5"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="4" topLeftCell="A5" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="B6" sqref="B6"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="13.5" x14ac:dyDescent="0.15"/><cols><col min="1" max="1" width="30.625" customWidth="1"/><col min="2" max="4" width="15.625" style="2" customWidth="1"/></cols><sheetData><row r="1" spans="1:4" ht="30" customHeight="1" x14ac:dyDescent="0.15"><c r="A1" s="5" t="s"><v>0</v></c><c r="B1" s="5"/><c r="C1" s="5"/><c r="D1" s="5"/></row><row r="2" spans="1:4" x14ac:dyDescent="0.15"><c r="A2" s="1" t="s"><v>1</v></c><c r="D2" s="1" t="s"><v>2</v></c></row><row r="3" spans="1:4" x14ac:dyDescent="0.15"><c r="A3" s="3" t="s"><v>3</v></c><c r="B3" s="3" t="s"><v>4</v></c><c r="C3" s="3" t="s"><v>5</v></c><c r="D3" s="3" t="s"><v>6</v></c></row><row r="4" spans="1:4" x14ac:dyDescent="0.15"><c r="A4" s="4" t="s"><v>7</v></c><c r="B4" s="2"><v>3248300</v></c><c r="C4" s="2"><v>1200.5</v></c><c r="D4" s="2"><f>B4+C4</f><v>3249500.5</v></c></row><row r="5" spans="1:4" x14ac:dyDescent="0.15"><c r="A5" s="4" t="s"><v>8</v></c><c r="B5" s="2"><v>0</v></c><c r="C5" s="2"><v>0</v></c><c r="D5" s="2"><f t="shared" ref="D5:D6" si="0">B5+C5</f><v>0</v></c></row><row r="6" spans="1:4"><c r="D6" s="2"><f t="shared" si="0"/><v>0</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:D1"/></mergeCells><conditionalFormatting sqref="B4:D5"><cfRule type="cellIs" dxfId="0" priority="1" operator="lessThan"><formula>0</formula></cfRule></conditionalFormatting><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape" r:id="rId1"/><extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><xm:sqref>A1</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst></worksheet>"#;
    let sheet2 = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData/></worksheet>"#;
    let sst = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9" uniqueCount="9"><si><t>收支总表</t><phoneticPr fontId="2" type="noConversion"/></si><si><t>部门：区文化和旅游局</t><phoneticPr fontId="2" type="noConversion"/></si><si><t>单位：元</t></si><si><t>项目</t></si><si><r><rPr><sz val="10"/><rFont val="宋体"/><family val="3"/><charset val="134"/></rPr><t>预算数</t></r></si><si><t>上年</t></si><si><t>合计</t></si><si><t xml:space="preserve">一、一般公共预算 </t></si><si><t>二、政府性基金预算</t></si></sst>"#;
    let styles = r##"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac x16r2 xr"><numFmts count="1"><numFmt numFmtId="176" formatCode="#,##0.00_ "/></numFmts><fonts count="1"><font><sz val="11"/><name val="宋体"/><charset val="134"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><alignment horizontal="center" vertical="center"/></xf><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><alignment horizontal="center"/></xf></cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/></styleSheet>"##;
    let parts: Vec<(String, String)> = vec![
        ("[Content_Types].xml".into(), r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#.into()),
        ("_rels/.rels".into(), r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into()),
        ("xl/_rels/workbook.xml.rels".into(), format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/><Relationship Id="rId2" Type="{WORKSHEET}" Target="worksheets/sheet2.xml"/><Relationship Id="rId1" Type="{WORKSHEET}" Target="worksheets/sheet1.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#)),
        ("xl/workbook.xml".into(), book.into()),
        ("xl/worksheets/sheet1.xml".into(), sheet1.into()),
        ("xl/worksheets/sheet2.xml".into(), sheet2.into()),
        ("xl/sharedStrings.xml".into(), sst.into()),
        ("xl/styles.xml".into(), styles.into()),
    ];
    let s = read_alike(&zip_of(&parts), "Excel");
    assert_eq!(s.len(), 2);
    assert!(s[1].hidden);
    let rows = &s[0].rows;
    assert_eq!(text(&rows[0][0]), "收支总表");
    assert_eq!(text(&rows[2][1]), "预算数");
    assert_eq!(text(&rows[3][0]), "一、一般公共预算 ");
    assert_eq!(rows[3][1], CellValue::Number(3_248_300.0));
    assert_eq!(rows[3][3], CellValue::Number(3_249_500.5));
    assert_eq!(rows[5][3], CellValue::Number(0.0));
    assert_eq!(s[0].merges.len(), 1);
}
