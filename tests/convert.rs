//! `convert`: the normalized workbook gives back the same model, converting
//! it again gives byte-identical CSV, and the CSV options do what they say.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use yusuan::model::TableId;

use yusuan::amount::Unit;
use yusuan::export::csv::{
    coded_amount_keys, render, render_rows, schema_markdown, schemas, CsvChunks, CsvTables,
    Encoding,
};
use yusuan::import::{import_file, ImportOptions};
use yusuan::model::Budget;
use yusuan::samples::{write_workbook, Layout, PrintedBudget, FIXTURES};
use yusuan::template::{Role, Templates};

const SAMPLES: [&str; 7] = [
    "qiaokou-2024.xlsx",
    "qiaokou-2024.xls",
    "wenlv-2024.xlsx",
    "wenlv-2024-quirks.xlsx",
    "wenlv-2024-quirks.xls",
    "wenlv-2024-sheetnames.xlsx",
    "wenlv-2022.xls",
];

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn import(p: &Path) -> Budget {
    import_file(p, &Templates::builtin(), &ImportOptions::default()).unwrap()
}

/// The content hash convert gives a file (SHA-256, first 16 hex digits).
fn source_hash(p: &Path) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(std::fs::read(p).unwrap());
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Every CSV file of one budget, rendered.
fn csv_of(b: &Budget, source: &str) -> Vec<(String, Vec<u8>)> {
    let mut t = CsvTables::default();
    t.add(b, source, "", Unit::Yuan);
    schemas()
        .into_iter()
        .filter(|(n, _)| yusuan::export::csv::per_input(n))
        .map(|(name, cols)| {
            let header: Vec<&str> = cols.iter().map(|c| c.0).collect();
            let rows: Vec<Vec<String>> = t
                .files
                .remove(name)
                .unwrap_or_default()
                .into_iter()
                .map(|(_, r)| r)
                .collect();
            (
                name.to_string(),
                render(name, &header, &rows, Encoding::Utf8, false).unwrap(),
            )
        })
        .collect()
}

/// The flat layout writes each file's chunk straight from the budget
/// (`CsvChunks`); it must be byte for byte what rendering the rows gives
/// (the rows feed Parquet and the per-year parts).
#[test]
fn flat_chunks_written_from_the_budget_equal_the_rendered_rows() {
    let mut compared = 0;
    for name in SAMPLES {
        let b = import(&sample(name));
        for unit in [Unit::Yuan, Unit::Wan] {
            for encoding in [Encoding::Utf8, Encoding::Gbk] {
                let mut t = CsvTables::default();
                t.add(&b, name, "0123456789abcdef", unit);
                let mut chunks = CsvChunks::of(&b, name, "0123456789abcdef", unit);
                for (file, _) in schemas().into_iter().filter(|(n, _)| *n != "manifest") {
                    let rows = t.files.remove(file).unwrap_or_default();
                    let want = render_rows(file, rows.iter().map(|(_, r)| r), encoding).unwrap();
                    let got = chunks.take(file, encoding).unwrap();
                    assert_eq!(
                        String::from_utf8_lossy(&got),
                        String::from_utf8_lossy(&want),
                        "{name} {file} {unit:?} {encoding:?}"
                    );
                    compared += usize::from(!want.is_empty());
                }
            }
        }
    }
    assert!(
        compared > 7 * 4 * 10,
        "only {compared} non-empty files compared"
    );
}

fn normalized(b: &Budget, dir: &Path, name: &str) -> PathBuf {
    let templates = Templates::builtin();
    let t = templates.get("2024").unwrap();
    let path = dir.join(name);
    std::fs::write(&path, yusuan::export::layout::write_as(b, t).unwrap().bytes).unwrap();
    path
}

#[test]
fn normalized_workbooks_give_back_the_same_model() {
    let dir = tempfile::tempdir().unwrap();
    for s in SAMPLES {
        let a = import(&sample(s));
        let n1 = normalized(&a, dir.path(), &format!("n1-{s}.xlsx"));
        let b = import(&n1);
        assert_eq!(
            common::content(&a),
            common::content(&b),
            "{s}: every amount, code, name and form field"
        );
        // Titles of the forms (t11's is a field of the form) survive too.
        let title = |x: &Budget| {
            x.tables
                .t11
                .as_ref()
                .and_then(|f| f.meta.title.clone())
                .map(|t| t.text)
        };
        assert_eq!(title(&a), title(&b), "{s}");
        // The normalized workbook is in the official layout: nothing left to normalize.
        assert!(b.diagnostics.is_empty(), "{s}: {:#?}", b.diagnostics);
        let unit =
            |x: &Budget, id: TableId| x.tables.metas().iter().find(|m| m.id == id).map(|m| m.unit);
        assert_eq!(
            unit(&a, TableId::T8),
            unit(&b, TableId::T8),
            "{s}: a table kept in 元 stays in 元"
        );
    }
}

#[test]
fn converting_the_normalized_workbook_again_gives_byte_identical_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for s in SAMPLES {
        let a = import(&sample(s));
        let n1 = normalized(&a, dir.path(), "n.xlsx");
        let b = import(&n1);
        let n2 = normalized(&b, dir.path(), "n2.xlsx");
        let c = import(&n2);
        let (cb, cc) = (csv_of(&b, "n.xlsx"), csv_of(&c, "n.xlsx"));
        for ((name, x), (_, y)) in cb.iter().zip(&cc) {
            assert!(x == y, "{s}: {name}.csv differs after a second conversion");
            compared += 1;
        }
        assert_eq!(
            std::fs::read(&n1).unwrap(),
            std::fs::read(&n2).unwrap(),
            "{s}: the normalized workbook is a fixed point"
        );
    }
    assert_eq!(compared, SAMPLES.len() * 25);
}

#[test]
fn the_csv_schema_document_is_current() {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/csv-schema.md");
    let want = schema_markdown();
    if std::env::var_os("YUSUAN_WRITE_DOCS").is_some() {
        std::fs::write(&doc, &want).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&doc).unwrap_or_default(),
        want,
        "run with YUSUAN_WRITE_DOCS=1 to refresh docs/csv-schema.md"
    );
}

#[test]
fn csv_amount_columns_are_the_templates_canonical_keys() {
    let templates = Templates::builtin();
    let t = templates.get("2024").unwrap();
    for id in yusuan::model::TableId::CODED {
        let keys: Vec<&str> = t
            .table(id)
            .unwrap()
            .columns
            .iter()
            .filter(|c| c.role == Role::Amount)
            .map(|c| c.key.as_str())
            .collect();
        assert_eq!(keys, coded_amount_keys(id), "{id}");
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .args(args)
        .output()
        .unwrap()
}

fn read(p: &Path) -> String {
    String::from_utf8(std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn units_bom_and_hive_layout() {
    let dir = tempfile::tempdir().unwrap();
    let q = sample("qiaokou-2024.xlsx");
    let wan = dir.path().join("wan");
    let o = run(&[
        "convert",
        q.to_str().unwrap(),
        "-o",
        wan.to_str().unwrap(),
        "--unit",
        "wan",
        "--bom",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let bytes = std::fs::read(wan.join("t3.csv")).unwrap();
    assert_eq!(&bytes[..3], [0xEF, 0xBB, 0xBF], "BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let hash = source_hash(&q);
    assert!(text.contains(&format!("\r\n2024,137,部门,,qiaokou-2024.xlsx,{hash},万元,2,201,一般公共服务支出,类,合计,231.33,224.66,6.67,0.00,0.00,0.00,表3!A5\r\n")), "{text}");

    let hive = dir.path().join("hive");
    let o = run(&[
        "convert",
        q.to_str().unwrap(),
        sample("wenlv-2024.xlsx").to_str().unwrap(),
        "-o",
        hive.to_str().unwrap(),
        "--layout",
        "hive",
    ]);
    assert_eq!(o.status.code(), Some(0));
    // One part per input, named by the input and its content hash.
    let part_of = |hash: &str| {
        std::fs::read_dir(hive.join("t3/year=2024"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.starts_with("part-") && name.ends_with(&format!("-{hash}.csv"))
            })
            .unwrap()
    };
    let part = read(&part_of(&hash));
    assert!(
        part.starts_with(
            "dept_code,budget_level,unit_code,source_file,source_hash,unit,row_no,code,"
        ),
        "no year column in a partition: {part}"
    );
    assert!(
        part.contains(&format!(
            "137,部门,,qiaokou-2024.xlsx,{hash},元,1,合计,合计,合计,,3248300.00"
        )),
        "{part}"
    );
    let other = source_hash(&sample("wenlv-2024.xlsx"));
    assert!(
        read(&part_of(&other)).contains("145,部门,,wenlv-2024.xlsx,"),
        "the other department in its own part of the partition"
    );
    assert!(hive.join("manifest.csv").exists());
}

#[test]
fn gbk_output_decodes_to_the_utf8_output() {
    let dir = tempfile::tempdir().unwrap();
    let q = sample("qiaokou-2024.xlsx");
    let (u, g) = (dir.path().join("u"), dir.path().join("g"));
    assert_eq!(
        run(&["convert", q.to_str().unwrap(), "-o", u.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&[
            "convert",
            q.to_str().unwrap(),
            "-o",
            g.to_str().unwrap(),
            "--encoding",
            "gbk"
        ])
        .status
        .code(),
        Some(0)
    );
    for f in [
        "t1.csv",
        "t3.csv",
        "t11_indicators.csv",
        "t12.csv",
        "facts.csv",
    ] {
        let gbk = std::fs::read(g.join(f)).unwrap();
        let (decoded, _, bad) = encoding_rs::GBK.decode(&gbk);
        assert!(!bad, "{f}");
        assert_eq!(decoded, read(&u.join(f)), "{f}");
        assert_ne!(gbk, std::fs::read(u.join(f)).unwrap(), "{f} really is GBK");
    }
}

#[test]
fn a_character_gbk_cannot_hold_fails_that_input_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut fx =
        PrintedBudget::parse(FIXTURES.iter().find(|(n, _)| *n == "wenlv-2024").unwrap().1).unwrap();
    fx.t3.rows[1][1] = "文化旅游体育与传媒支出𠮷".into();
    let input = dir.path().join("odd.xlsx");
    write_workbook(
        &fx,
        Templates::builtin().get("2024").unwrap(),
        &Layout::official(),
        &input,
    )
    .unwrap();
    let out = dir.path().join("gbk");
    let o = run(&[
        "convert",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--encoding",
        "gbk",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("t3.csv") && err.contains("U+20BB7") && err.contains("无法用 GBK 表示"),
        "{err}"
    );
    // That input fails alone: listed with its reason, none of its rows written.
    let bytes = std::fs::read(out.join("manifest.csv")).unwrap();
    let (m, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad);
    assert!(m.contains(",failed,") && m.contains("<U+20BB7>"), "{m}");
    assert_eq!(read(&out.join("t3.csv")).lines().count(), 1, "header only");
}

#[test]
fn unreadable_inputs_are_listed_in_the_manifest_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xlsx");
    std::fs::write(&bad, "oops").unwrap();
    let out = dir.path().join("o");
    let o = run(&[
        "convert",
        bad.to_str().unwrap(),
        sample("wenlv-2024.xlsx").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let m = read(&out.join("manifest.csv"));
    let lines: Vec<&str> = m.lines().collect();
    assert_eq!(
        lines[0],
        "path,source_file,source_hash,size_bytes,status,template,year,dept_code,dept_name,budget_level,unit_code,unit_name,errors,warnings,infos,message,duplicate_of,outputs,input_id,replaces"
    );
    assert!(
        lines[1].contains(&format!(
            "bad.xlsx,bad.xlsx,{},4,unreadable,,,,,,,,0,0,0,",
            source_hash(&bad)
        )) && lines[1].contains("不是 Excel 工作簿"),
        "{m}"
    );
    // The size is the file's own (it changes when the samples are rebuilt).
    let wenlv = sample("wenlv-2024.xlsx");
    let size = std::fs::metadata(&wenlv).unwrap().len();
    let want = format!(
        "wenlv-2024.xlsx,{},{size},ok,2024,2024,145,武汉市硚口区文化和旅游局,部门,,,0,0,0,,,",
        source_hash(&wenlv)
    );
    assert!(lines[2].contains(&want), "{m}");
    assert!(read(&out.join("t3.csv")).contains("145,部门,,wenlv-2024.xlsx"));
    let stray: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(stray.is_empty(), "temporary files renamed away");
}

#[test]
fn xlsx_and_json_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    let o = run(&[
        "convert",
        sample("wenlv-2024-quirks.xls").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--to",
        "xlsx",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let b = import(&out.join("wenlv-2024-quirks.xlsx"));
    let names: Vec<String> = b.source.sheets.iter().map(|s| s.name.clone()).collect();
    assert_eq!(names[0], "封面");
    assert_eq!(names[1], "表1");
    assert_eq!(
        names.len(),
        16,
        "a cover, 13 tables, 表12 three times: {names:?}"
    );
    let out = dir.path().join("j");
    assert_eq!(
        run(&[
            "convert",
            sample("qiaokou-2024.xlsx").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--to",
            "json"
        ])
        .status
        .code(),
        Some(0)
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&out.join("qiaokou-2024.json"))).unwrap();
    assert_eq!(
        json["tables"]["t3"]["total"]["amounts"]["total"]["yuan"],
        "3248300.00"
    );
}

#[test]
fn manifest_lines_have_the_schema_columns() {
    use yusuan::export::csv::{manifest_row, ManifestEntry, MANIFEST_COLUMNS};
    let schema = schemas()
        .into_iter()
        .find(|(n, _)| *n == "manifest")
        .unwrap()
        .1;
    assert_eq!(schema.len(), MANIFEST_COLUMNS);
    assert_eq!(
        manifest_row(&ManifestEntry::default()).len(),
        MANIFEST_COLUMNS
    );
}

/// Regression: a manifest line read back from the run's journal was
/// escaped a second time (`''-o.xlsx` against `'-o.xlsx` in the tables),
/// so the manifest no longer joined the tables on `source_file`.
#[test]
fn the_manifest_escapes_a_name_once_as_the_tables_do() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(sample("wenlv-2024.xlsx"), input.join("-o.xlsx")).unwrap();
    for layout in ["flat", "hive"] {
        let out = dir.path().join(layout);
        let o = run(&[
            "convert",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--layout",
            layout,
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let mut r = csv::Reader::from_path(out.join("manifest.csv")).unwrap();
        let manifest = r.records().next().unwrap().unwrap();
        assert_eq!(&manifest[1], "'-o.xlsx", "{layout}");
        let t3 = if layout == "flat" {
            out.join("t3.csv")
        } else {
            std::fs::read_dir(out.join("t3/year=2024"))
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path()
        };
        let mut r = csv::Reader::from_path(t3).unwrap();
        let col = r
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "source_file")
            .unwrap();
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(&row[col], &manifest[1], "{layout}: the two join");
    }
}
