//! Writing into the bureau's own blank workbook (`convert --to xlsx --into
//! BLANK.xlsx`), with the two official blank templates of 上海市普陀区
//! (`tests/data/`, public templates; 部门 and 单位): the second bureau's
//! department and random layouts of it, and budgets in other layouts, read
//! back with the blank's template give every figure the template has a
//! place for; every part of the package but the sheets filled is the
//! blank's, byte for byte; openpyxl finds every style, height, width,
//! merge and print setting of the blank still there, rows inserted for a
//! department with twice the blank's rows in the blank's style; formulas
//! of a blank are kept, the figures cached as their values, and formulas
//! that will calculate 0 from cells left empty are said. (That LibreOffice
//! calculates the kept formulas to the same totals was checked by hand:
//! CI has no LibreOffice; see docs/convert.md.)

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use yusuan::model::TableId;

use yusuan::export::fill::Blank;
use yusuan::import::{import_file, import_workbook, ImportOptions};
use yusuan::model::Budget;
use yusuan::reconcile::check;
use yusuan::samples::variants::vary;
use yusuan::template::Templates;
use yusuan::workbook::Workbook;

#[path = "common/figures.rs"]
mod figures;
use figures::{figures, has_place, is_number, Key};
use yusuan::template::Template;

#[path = "common/python.rs"]
mod python;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn blank_path(level: &str) -> PathBuf {
    root()
        .join("tests/data")
        .join(format!("shanghai-putuo-2026-{level}-blank.xlsx"))
}

fn blank(level: &str, templates: &Templates) -> Blank {
    let p = blank_path(level);
    Blank::read(&p, std::fs::read(&p).unwrap(), templates).unwrap()
}

fn sample(name: &str, templates: &Templates) -> Budget {
    import_file(
        root().join("samples").join(name),
        templates,
        &ImportOptions::default(),
    )
    .unwrap()
}

/// A filled copy read with the template of `id`.
fn read_back_as(bytes: &[u8], templates: &Templates, id: &str) -> Budget {
    let wb = Workbook::from_bytes(Path::new("filled.xlsx"), bytes).unwrap();
    let opts = ImportOptions {
        template: Some(id.into()),
        ..ImportOptions::default()
    };
    import_workbook(&wb, templates, &opts).unwrap()
}

fn read_back(bytes: &[u8], templates: &Templates) -> Budget {
    read_back_as(bytes, templates, "shanghai-putuo-2026")
}

/// Fills a blank and reads it back: failures as lines.
fn round_trip(
    what: &str,
    b: &Budget,
    blank: &Blank,
    templates: &Templates,
    failures: &mut Vec<String>,
) -> Vec<u8> {
    let t = blank.template(templates);
    let written = blank.fill(b, templates).unwrap();
    let back = read_back_as(&written.bytes, templates, &t.id);
    let all = figures(b);
    // Forms are not filled in a blank.
    let has_place = |t: &Template, k: &Key| has_place(t, k) && !matches!(k, Key::Form(..));
    let want: BTreeMap<_, _> = all
        .iter()
        .filter(|(k, v)| has_place(t, k) && *v != "0")
        .collect();
    let got_all = figures(&back);
    // (A form of the blank stays as the blank has it.)
    let got: BTreeMap<_, _> = got_all
        .iter()
        .filter(|(k, v)| *v != "0" && !matches!(k, Key::Form(..)))
        .collect();
    if want != got {
        let missing: Vec<String> = want
            .iter()
            .filter(|(k, v)| got.get(*k) != Some(*v))
            .take(4)
            .map(|(k, v)| format!("{k:?}={v} → {:?}", got.get(*k)))
            .collect();
        let extra: Vec<String> = got
            .iter()
            .filter(|(k, _)| !want.contains_key(*k))
            .take(4)
            .map(|(k, v)| format!("{k:?}={v}"))
            .collect();
        failures.push(format!(
            "{what}: figures differ: {missing:?} extra {extra:?}"
        ));
    }
    let lost = all
        .iter()
        .filter(|(k, v)| !has_place(t, k) && is_number(k, v))
        .count();
    if written.report.lost_figures() != lost {
        failures.push(format!(
            "{what}: report says {} figures lost, {lost} have no place: {:?}",
            written.report.lost_figures(),
            written.report.warnings()
        ));
    }
    // In Chinese but the blank's file name.
    let latin: Vec<String> = written
        .report
        .warnings()
        .into_iter()
        .filter(|w| {
            // Without the blank's file name (`空白模板 NAME.xlsx`).
            let w: String = w
                .split(['（', '）', ' '])
                .filter(|part| !part.ends_with(".xlsx"))
                .collect();
            w.chars().any(|c| c.is_ascii_alphabetic())
        })
        .collect();
    if !latin.is_empty() {
        failures.push(format!("{what}: words not in Chinese: {latin:?}"));
    }
    written.bytes
}

#[test]
fn budgets_filled_into_the_blanks_read_back_with_every_figure_the_blank_has_a_place_for() {
    let templates = Templates::builtin();
    let blanks = [blank("dept", &templates), blank("unit", &templates)];
    for b in &blanks {
        assert_eq!(b.template(&templates).id, "shanghai-putuo-2026");
    }
    let mut failures = Vec::new();
    let mut n = 0;
    let putuo = root().join("samples/putuo-2026.xlsx");
    let wb = Workbook::open(&putuo).unwrap();
    let base = import_workbook(&wb, &templates, &ImportOptions::default()).unwrap();
    let mut budgets = vec![("putuo-2026".to_string(), base.clone())];
    for seed in 0..10 {
        let v = vary(&wb, &base, seed);
        budgets.push((
            format!("putuo-2026 seed {seed}"),
            import_workbook(&v.workbook, &templates, &ImportOptions::default()).unwrap(),
        ));
    }
    for s in ["wenlv-2024.xlsx", "qiaokou-2024.xlsx", "wenlv-2022.xls"] {
        budgets.push((s.to_string(), sample(s, &templates)));
    }
    for (what, b) in &budgets {
        for (level, blank) in ["dept", "unit"].iter().zip(&blanks) {
            let bytes = round_trip(
                &format!("{what} into the {level} blank"),
                b,
                blank,
                &templates,
                &mut failures,
            );
            n += 1;
            // The bureau's own department, into its own blank: its findings
            // too (none).
            if what == "putuo-2026" && *level == "dept" {
                let back = read_back(&bytes, &templates);
                let rules = |b: &Budget| -> Vec<String> {
                    check(b)
                        .iter()
                        .map(|f| format!("{} {}", f.rule, f.message))
                        .collect()
                };
                if rules(&back) != rules(b) {
                    failures.push(format!(
                        "findings differ: {:?} → {:?}",
                        rules(b),
                        rules(&back)
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures in {n} round trips:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A blank in each built-in template's layout: a department (文旅; the
/// second bureau's for its own layout) written `--as` that template, then
/// filled with other budgets — another
/// bureau's department (硚口) and random layouts of it, the 2022 sample
/// and the second bureau's department — and read back by that template:
/// every figure it has a place for, the rest reported.
#[test]
fn a_workbook_in_each_built_in_layout_is_filled_as_a_blank() {
    let templates = Templates::builtin();
    let dir = tempfile::tempdir().unwrap();
    let qiaokou = root().join("samples/qiaokou-2024.xlsx");
    let wb = Workbook::open(&qiaokou).unwrap();
    let base = import_workbook(&wb, &templates, &ImportOptions::default()).unwrap();
    let mut budgets = vec![("qiaokou-2024".to_string(), base.clone())];
    for seed in 0..3 {
        let v = vary(&wb, &base, seed);
        budgets.push((
            format!("qiaokou-2024 seed {seed}"),
            import_workbook(&v.workbook, &templates, &ImportOptions::default()).unwrap(),
        ));
    }
    for s in ["wenlv-2022.xls", "putuo-2026.xlsx"] {
        budgets.push((s.to_string(), sample(s, &templates)));
    }
    // A blank has rows in every table: the department's empty 表9 given
    // the rows of its 表8 (a table printed empty has no 合计 row to fill);
    // the second bureau's layout from its own department (by 功能科目, it
    // has no rows for a 收入总表 by 部门 and 单位).
    let mut wenlv = sample("wenlv-2024.xlsx", &templates);
    let mut t9 = wenlv.tables.t8.clone().unwrap();
    t9.meta.id = TableId::T9;
    wenlv.tables.t9 = Some(t9);
    let putuo = sample("putuo-2026.xlsx", &templates);
    let mut failures = Vec::new();
    for id in ["2022", "2023", "2024", "shanghai-putuo-2026"] {
        let t = templates.get(id).unwrap();
        let from = if id == "shanghai-putuo-2026" {
            &putuo
        } else {
            &wenlv
        };
        let bytes = yusuan::export::layout::write_as(from, t).unwrap().bytes;
        let path = dir.path().join(format!("blank-{id}.xlsx"));
        std::fs::write(&path, &bytes).unwrap();
        let blank = Blank::read(&path, bytes, &templates).unwrap();
        assert_eq!(
            blank.template(&templates).id,
            id,
            "the blank in the {id} layout"
        );
        for (what, b) in &budgets {
            round_trip(
                &format!("{what} into a {id} blank"),
                b,
                &blank,
                &templates,
                &mut failures,
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Every part, compressed as it was, by name.
fn raw_parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index_raw(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().into_owned(), data)
        })
        .collect()
}

#[test]
fn every_part_but_the_filled_sheets_is_the_blanks_byte_for_byte() {
    let templates = Templates::builtin();
    let blank_bytes = std::fs::read(blank_path("dept")).unwrap();
    let b = Blank::read(&blank_path("dept"), blank_bytes.clone(), &templates).unwrap();
    let filled = b
        .fill(&sample("putuo-2026.xlsx", &templates), &templates)
        .unwrap()
        .bytes;
    let (before, after) = (raw_parts(&blank_bytes), raw_parts(&filled));
    let names = |p: &[(String, Vec<u8>)]| p.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&before), names(&after), "the same parts, in order");
    let changed: Vec<&String> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a.1 != b.1)
        .map(|(a, _)| &a.0)
        .collect();
    // The nine tables' sheets (sheet7 … sheet15); nothing else.
    let want: Vec<String> = (7..=15)
        .map(|i| format!("xl/worksheets/sheet{i}.xml"))
        .collect();
    let mut changed: Vec<String> = changed.into_iter().cloned().collect();
    changed.sort();
    let mut want = want;
    want.sort();
    assert_eq!(changed, want);
}

/// The 普陀 department with every coded table twice as long (each 功能分类
/// 类 again under codes of other classes) and more 类 lines in 表1.
fn twice(b: &Budget) -> Budget {
    let mut b = b.clone();
    for t in [&mut b.tables.t3, &mut b.tables.t5_1, &mut b.tables.t2]
        .into_iter()
        .flatten()
    {
        let copies: Vec<_> = t
            .rows
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.code = r.code.map(|c| format!("21{}", &c[2..]));
                r.name = format!("{}（另）", r.name);
                r
            })
            .collect();
        t.rows.extend(copies);
    }
    b
}

#[test]
fn a_department_with_twice_the_blanks_rows_fills_in_the_blanks_style() {
    let templates = Templates::builtin();
    let b = twice(&sample("putuo-2026.xlsx", &templates));
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for level in ["dept", "unit"] {
        let blank = blank(level, &templates);
        let bytes = round_trip(
            &format!("twice into the {level} blank"),
            &b,
            &blank,
            &templates,
            &mut failures,
        );
        let out = dir.path().join(format!("{level}.xlsx"));
        std::fs::write(&out, &bytes).unwrap();
        let bp = blank_path(level);
        let (ok, stdout, stderr) = python::run_check(
            "fill_check.py",
            &[OsStr::new("same"), bp.as_os_str(), out.as_os_str()],
        );
        assert!(ok, "{stdout}{stderr}");
        assert!(stdout.contains("rows inserted"), "{stdout}");
        // Rows were inserted where the blank had too few.
        assert!(
            stdout
                .lines()
                .any(|l| l.contains("支出总表") && !l.ends_with("; 0 rows inserted")),
            "{stdout}"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn formulas_of_a_blank_are_kept_with_the_figures_cached() {
    let templates = Templates::builtin();
    let dir = tempfile::tempdir().unwrap();
    let with = dir.path().join("blank-with-formulas.xlsx");
    let bp = blank_path("dept");
    let (ok, out, err) = python::run_check(
        "fill_check.py",
        &[OsStr::new("formulas"), bp.as_os_str(), with.as_os_str()],
    );
    assert!(ok, "{out}{err}");
    let blank = Blank::read(&with, std::fs::read(&with).unwrap(), &templates).unwrap();
    for (what, b) in [
        ("putuo", sample("putuo-2026.xlsx", &templates)),
        ("twice", twice(&sample("putuo-2026.xlsx", &templates))),
    ] {
        let written = blank.fill(&b, &templates).unwrap();
        let filled = dir.path().join(format!("{what}.xlsx"));
        std::fs::write(&filled, &written.bytes).unwrap();
        // Read back by us: the figures, from the cached values.
        let mut failures = Vec::new();
        round_trip(what, &b, &blank, &templates, &mut failures);
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        // Read by openpyxl: still formulas, the figures cached.
        let t3 = b.tables.t3.as_ref().unwrap();
        let total = t3.total.as_ref().unwrap();
        let figure = |k: &str| total.amounts[k].yuan.normalize().to_string();
        let t7 = b.tables.t7.as_ref().unwrap();
        let wan = |k: &str| {
            (t7.amounts[k].yuan / rust_decimal::Decimal::from(10_000))
                .normalize()
                .to_string()
        };
        let rows = t3.rows.len() as u32;
        // 合计 at the foot, below the body (11 rows, or as many as the rows).
        let total_row = 9 + rows.max(11);
        let cells = [
            format!("E{total_row}={}", figure("total")),
            format!("F{total_row}={}", figure("basic")),
            format!("G{total_row}={}", figure("project")),
        ];
        let mut args: Vec<&OsStr> = vec![
            OsStr::new("cached"),
            filled.as_os_str(),
            OsStr::new("部门支出总表"),
        ];
        args.extend(cells.iter().map(OsStr::new));
        let (ok, out, err) = python::run_check("fill_check.py", &args);
        assert!(ok, "{what}: {out}{err}");
        let cells = [
            format!("A7={}", wan("total")),
            format!("D7={}", wan("car_subtotal")),
        ];
        let mut args: Vec<&OsStr> = vec![
            OsStr::new("cached"),
            filled.as_os_str(),
            OsStr::new("部门“三公”经费和机关运行费预算表"),
        ];
        args.extend(cells.iter().map(OsStr::new));
        let (ok, out, err) = python::run_check("fill_check.py", &args);
        assert!(ok, "{what}: {out}{err}");
        // Every formula reads figures written: nothing to say of them.
        assert!(
            !written.report.warnings().iter().any(|w| w.contains("公式")),
            "{what}: {:?}",
            written.report.warnings()
        );
    }
    // A budget of the 2024 layout has no 财政拨款 figures by fund for the
    // lines of 财政拨款收支总表: the blank's 合计 formulas there read only
    // cells left empty, and will calculate 0 when opened (as LibreOffice
    // does). Said, cell by cell.
    let written = blank
        .fill(&sample("wenlv-2024.xlsx", &templates), &templates)
        .unwrap();
    let said: Vec<String> = written
        .report
        .warnings()
        .into_iter()
        .filter(|w| w.contains("公式"))
        .collect();
    assert_eq!(said.len(), 1, "{:?}", written.report.warnings());
    assert!(
        said[0].contains("财政拨款收支预算总表")
            && said[0].contains("公式 D12、D13、D14、D24、D28、D32（6 格）"),
        "{said:?}"
    );
}

#[test]
fn convert_into_a_blank_writes_the_filled_copy_and_refuses_what_it_cannot_fill() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&OsStr]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_yusuan"))
            .args(args)
            .output()
            .unwrap()
    };
    let putuo = root().join("samples/putuo-2026.xlsx");
    let wenlv = root().join("samples/wenlv-2024.xlsx");
    let bp = blank_path("dept");
    let out = dir.path().join("out");
    let o = run(&[
        OsStr::new("convert"),
        putuo.as_os_str(),
        wenlv.as_os_str(),
        OsStr::new("--to"),
        OsStr::new("xlsx"),
        OsStr::new("--into"),
        bp.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let templates = Templates::builtin();
    let back = read_back(
        &std::fs::read(out.join("putuo-2026.xlsx")).unwrap(),
        &templates,
    );
    assert_eq!(
        figures(&back),
        figures(&sample("putuo-2026.xlsx", &templates))
    );
    // The 2024 layout's tables the blank has no place for: a warning a table,
    // on stderr, and a line in the manifest.
    assert!(!stderr.contains("putuo-2026.xlsx：规范工作簿"), "{stderr}");
    assert!(
        stderr.contains("wenlv-2024.xlsx：规范工作簿 表12"),
        "{stderr}"
    );
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    assert!(manifest.contains("按 上海市普陀区 2026 年部门预算公开表（空白模板 shanghai-putuo-2026-dept-blank.xlsx） 写出的规范工作簿未写出"), "{manifest}");
    // Refused before anything is written.
    let xls = root().join("samples/wenlv-2022.xls");
    for (to, blank, says) in [
        (
            "csv",
            &bp,
            "--as 与 --into 说的是规范工作簿的格式：请同时给出 --to xlsx",
        ),
        ("xlsx", &xls, "只能填入 .xlsx 工作簿"),
    ] {
        let none = dir.path().join(format!("refused-{to}"));
        let o = run(&[
            OsStr::new("convert"),
            putuo.as_os_str(),
            OsStr::new("--to"),
            OsStr::new(to),
            OsStr::new("--into"),
            blank.as_os_str(),
            OsStr::new("-o"),
            none.as_os_str(),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(!none.exists());
    }
}
