//! A department's years checked against each other. A generator makes a
//! department's 2022, 2023 and 2024 budgets — each in its own year's
//! layout (the 2022 ten-table set without forms, the 2023 set, the 2024
//! set), continuing projects keeping their codes — whose later years
//! restate the earlier ones' figures (表11 近两年收支情况, each 表12 form's
//! 项目前两年预算情况). Laid out at random, consistent years give no finding
//! across years; each disagreement planted in the later year (a 表11 history
//! figure, a 表12 预算数, a renamed project) gives its one finding, with the
//! later workbook's cell and the earlier one's.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use yusuan::import::{import_workbook, ImportOptions};
use yusuan::model::{Budget, FormValue, Severity};
use yusuan::reconcile::years::{check, YearSummary};
use yusuan::reconcile::Finding;
use yusuan::samples::variants::write_xlsx;
use yusuan::samples::years;
use yusuan::template::Templates;
use yusuan::workbook::Workbook;

#[path = "common/python.rs"]
mod python;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn read(wb: &Workbook) -> Budget {
    import_workbook(wb, &Templates::builtin(), &ImportOptions::default()).unwrap()
}

/// A budget written in the layout of template `id`, read back.
fn written(b: &Budget, id: &str) -> Workbook {
    years::written(b, &Templates::builtin(), id).unwrap()
}

/// A planted disagreement in the later year.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slip {
    None,
    /// 1 万元 moved from 其他资金 to 财政拨款 in 表11's 2023 column.
    Funds,
    /// The same in its 2022 column (2022's budget has no 表11: its 表4).
    Funds2022,
    /// A form's 2023 预算数 (and 执行数) 10,000 元 more.
    Restated,
    /// The first project renamed in 2024 (表10 and its form).
    Renamed,
}

/// A department's three years, each as its workbook of its year's layout,
/// laid out by the variator with `seed`: (file name, workbook).
fn department(seed: u64, slip: Slip) -> Vec<(String, Workbook)> {
    let wb = Workbook::open(sample("wenlv-2024.xlsx")).unwrap();
    let [y2022, y2023, mut later] = years::three_years(&read(&wb));
    match slip {
        Slip::None => {}
        Slip::Funds | Slip::Funds2022 => {
            let col = if slip == Slip::Funds {
                "prev1"
            } else {
                "prev2"
            };
            let f = later.tables.t11.as_mut().unwrap();
            let block = f.blocks.iter_mut().find(|x| x.key == "funds").unwrap();
            let at = |k: &str| block.line_keys.iter().position(|l| l.as_deref() == Some(k));
            let (fiscal, other) = (at("income_fiscal").unwrap(), at("income_other").unwrap());
            for (i, d) in [(fiscal, 10_000), (other, -10_000)] {
                if let Some(FormValue::Amount(a)) = block.rows[i].get_mut(col) {
                    a.yuan += Decimal::from(d);
                }
            }
        }
        Slip::Restated => {
            let f = later.tables.t12.first_mut().unwrap();
            let block = f
                .blocks
                .iter_mut()
                .find(|x| x.key == "past_budgets")
                .unwrap();
            let row = block
                .rows
                .iter_mut()
                .find(|r| matches!(r.get("year"), Some(FormValue::Text(t)) if t.text.contains("2023")))
                .unwrap();
            for k in ["budget", "spent"] {
                if let Some(FormValue::Amount(a)) = row.get_mut(k) {
                    a.yuan += Decimal::from(10_000);
                }
            }
        }
        Slip::Renamed => {
            let t10 = later.tables.t10.as_mut().unwrap();
            let row = t10
                .rows
                .iter_mut()
                .find(|r| r.level.as_deref() == Some("项目"))
                .unwrap();
            let old = row.name.trim().to_string();
            row.name = format!("{old}（更名）");
            for f in &mut later.tables.t12 {
                if let Some(FormValue::Text(t)) = f.fields.get_mut("project_name") {
                    if t.text.trim() == old {
                        t.text = format!("{old}（更名）");
                    }
                }
            }
        }
    }
    let templates = Templates::builtin();
    [y2022, y2023, later]
        .iter()
        .zip(years::YEARS)
        .enumerate()
        .map(|(i, (b, (year, template)))| {
            let laid = years::laid_out(b, &templates, template, seed * 3 + i as u64).unwrap();
            (format!("wenlv-{year}.xlsx"), laid)
        })
        .collect()
}

/// The years' findings of a department's workbooks, each read as given.
fn across(years: &[(String, Workbook)]) -> Vec<(String, Finding)> {
    let summaries: Vec<YearSummary> = years
        .iter()
        .map(|(name, wb)| YearSummary::of(&read(wb), name, name, "").unwrap())
        .collect();
    check(&summaries)
        .into_iter()
        .map(|(i, f)| (summaries[i].file.clone(), f))
        .collect()
}

#[test]
fn each_year_is_read_in_its_own_layout() {
    let years = department(0, Slip::None);
    let templates: Vec<String> = years
        .iter()
        .map(|(_, wb)| read(wb).source.template)
        .collect();
    assert_eq!(templates, ["2022", "2023", "2024"]);
    let b = read(&years[2].1);
    assert!(b.tables.t11.is_some() && !b.tables.t12.is_empty());
}

#[test]
fn consistent_years_in_random_layouts_give_no_finding_across_years() {
    for seed in 0..4 {
        let found = across(&department(seed, Slip::None));
        assert!(found.is_empty(), "seed {seed}: {found:#?}");
    }
}

/// Distinct departments' years, as a bulk run holds them: the sample
/// renumbered and renamed as other departments (code 000 among them),
/// every 部门, 单位 and 项目 code carrying the department's. `check` over
/// their folder finds nothing across the years, no duplicate input, and
/// no error or warning in any year's workbook.
#[test]
fn distinct_departments_years_are_apart_and_agree() {
    let base = read(&Workbook::open(sample("wenlv-2024.xlsx")).unwrap());
    let templates = Templates::builtin();
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for i in [1, 855] {
        let (code, name) = years::nth_department(i);
        names.push((code.clone(), name.clone()));
        let mut b = base.clone();
        years::renamed(&mut b, &code, &name);
        for (k, (budget, (year, template))) in
            years::three_years(&b).iter().zip(years::YEARS).enumerate()
        {
            let laid = years::laid_out(budget, &templates, template, (i * 3 + k) as u64).unwrap();
            write_xlsx(&laid, &dir.path().join(format!("{code}-{year}.xlsx"))).unwrap();
            let got = read(&laid);
            assert_eq!(got.department.code.as_deref(), Some(code.as_str()));
            assert_eq!(got.department.name.as_deref(), Some(name.as_str()));
            let t = &got.tables;
            for table in [&t.t2, &t.t5_2, &t.t10].into_iter().flatten() {
                for r in &table.rows {
                    let c = r.code.as_deref().unwrap_or("");
                    match r.level.as_deref() {
                        Some("部门") => assert_eq!(c, code, "{year} {}", table.meta.id),
                        Some("单位") => assert!(c.len() == 6 && c.starts_with(&code), "{c}"),
                        Some("项目") => assert_eq!(&c[8..11], code, "{c}"),
                        _ => {}
                    }
                }
            }
            for f in t.t11.iter().chain(&t.t12) {
                for k in ["dept_name", "department"] {
                    if let Some(n) = f.field_text(k) {
                        assert_eq!(n, name, "{year} {k}");
                    }
                }
            }
        }
    }
    assert_ne!(names[0], names[1]);
    assert_eq!(names[1].0, "000");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(0), "{json:#}");
    assert_eq!(json["years"], serde_json::json!([]), "{json:#}");
    assert_eq!(json["batch"], serde_json::json!([]), "{json:#}");
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), 6);
    for f in files {
        for finding in f["findings"].as_array().unwrap() {
            assert_eq!(finding["severity"], "info", "{f:#}");
        }
    }
    let budgets: std::collections::BTreeSet<(String, i64)> = files
        .iter()
        .map(|f| {
            (
                f["dept_code"].as_str().unwrap().to_string(),
                f["year"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(budgets.len(), 6, "{budgets:?}");
}

/// A disagreement planted in the later year gives its one finding, with
/// the later workbook's own cell first and the earlier one's after, in
/// random layouts.
fn planted(slip: Slip, rule: &str, severity: Severity, earlier: &str) {
    for seed in 0..3 {
        let found = across(&department(seed, slip));
        let of_2024: Vec<&(String, Finding)> = found
            .iter()
            .filter(|(f, _)| f == "wenlv-2024.xlsx")
            .collect();
        assert_eq!(of_2024.len(), 1, "seed {seed} {slip:?}: {found:#?}");
        let f = &of_2024[0].1;
        assert_eq!((f.rule, f.severity), (rule, severity), "{f:#?}");
        let cells: Vec<String> = f.cells.iter().map(ToString::to_string).collect();
        assert_eq!(cells.len(), 2, "{cells:?}");
        assert!(
            !cells[0].starts_with('['),
            "the later workbook's own cell first: {cells:?}"
        );
        assert!(cells[1].starts_with(earlier), "{cells:?}");
        // Nothing else across the years: 2023 agrees with 2022.
        assert_eq!(found.len(), 1, "seed {seed} {slip:?}: {found:#?}");
    }
}

#[test]
fn y_t11_history() {
    planted(
        Slip::Funds,
        "Y.t11_history",
        Severity::Warning,
        "[wenlv-2023.xlsx]",
    );
    // 2022's budget has no 表11: its 表4 本年收入 is what the column restates.
    planted(
        Slip::Funds2022,
        "Y.t11_history",
        Severity::Warning,
        "[wenlv-2022.xlsx]",
    );
}

#[test]
fn y_t12_history() {
    planted(
        Slip::Restated,
        "Y.t12_history",
        Severity::Warning,
        "[wenlv-2023.xlsx]",
    );
}

#[test]
fn y_project_renamed() {
    planted(
        Slip::Renamed,
        "Y.project_renamed",
        Severity::Info,
        "[wenlv-2023.xlsx]",
    );
}

/// `check` over the three years' folder: the years' findings at the end of
/// the text report, in the JSON's `years`, and in the reviewer's batch
/// folder (findings.csv, the 2024 workbook's comment); `convert` writes
/// `dept_years`, `project_years` and `across_years.csv`, which load in
/// DuckDB with the other tables.
#[test]
fn check_and_convert_say_the_years_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("years");
    std::fs::create_dir_all(&folder).unwrap();
    for (name, wb) in department(5, Slip::Funds) {
        write_xlsx(&wb, &folder.join(name)).unwrap();
    }
    let bin = env!("CARGO_BIN_EXE_yusuan");
    let o = std::process::Command::new(bin)
        .arg("check")
        .arg(&folder)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("跨年度核对"), "{text}");
    assert!(
        text.contains("Y.t11_history") && text.contains("[wenlv-2023.xlsx]"),
        "{text}"
    );
    let o = std::process::Command::new(bin)
        .args(["check", "--format", "json"])
        .arg(&folder)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let years = json["years"].as_array().unwrap();
    assert_eq!(years.len(), 1, "{json}");
    assert!(years[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("wenlv-2024.xlsx"));
    assert_eq!(years[0]["findings"][0]["rule"], "Y.t11_history");
    let reports = dir.path().join("reports");
    let o = std::process::Command::new(bin)
        .arg("check")
        .arg(&folder)
        .arg("--report-dir")
        .arg(&reports)
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let findings = std::fs::read_to_string(reports.join("findings.csv")).unwrap();
    assert!(
        findings
            .lines()
            .any(|l| l.contains("Y.t11_history") && l.contains("wenlv-2024.xlsx")),
        "{findings}"
    );
    let marked = std::fs::read(reports.join("wenlv-2024-核对.xlsx")).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(marked)).unwrap();
    let mut comments = String::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        if f.name().unwrap().starts_with("xl/comments") {
            std::io::Read::read_to_string(&mut f, &mut comments).unwrap();
        }
    }
    assert!(
        comments.contains("Y.t11_history") || comments.contains("wenlv-2023.xlsx"),
        "{comments}"
    );

    let out = dir.path().join("wh");
    for layout in ["flat", "hive"] {
        let o = std::process::Command::new(bin)
            .arg("convert")
            .arg(&folder)
            .arg("-o")
            .arg(&out)
            .args(["--layout", layout, "--force"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{err}");
        assert!(err.contains("跨年度核对"), "{err}");
        let dept = std::fs::read_to_string(out.join("dept_years.csv")).unwrap();
        assert_eq!(dept.lines().count(), 4, "{dept}");
        let across = std::fs::read_to_string(out.join("across_years.csv")).unwrap();
        assert!(across.contains("Y.t11_history"), "{across}");
        // Every row as wide as the header the schema declares.
        let mut lines = csv::Reader::from_reader(across.as_bytes());
        let width = lines.headers().unwrap().len();
        assert_eq!(width, yusuan::export::years::schemas()[2].1.len());
        for row in lines.records() {
            assert_eq!(row.unwrap().len(), width, "{across}");
        }
        let projects = std::fs::read_to_string(out.join("project_years.csv")).unwrap();
        assert!(projects.lines().count() > 3, "{projects}");
        // A rerun that skips every input still has every year.
        if layout == "hive" {
            let o = std::process::Command::new(bin)
                .arg("convert")
                .arg(&folder)
                .arg("-o")
                .arg(&out)
                .args(["--layout", "hive"])
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains("跳过 3 个"), "{err}");
            assert_eq!(
                std::fs::read_to_string(out.join("dept_years.csv")).unwrap(),
                dept
            );
        }
        let _ = std::fs::remove_dir_all(&out);
    }
}

/// The real department's 2024 workbook, with its 2022 and 2023 budgets
/// built from the history it states (表11's two past columns, each form's
/// 前两年预算数): no finding across the years — its 2022 column that does
/// not add up is 表11's own finding (`T11.funds`), not a year's.
#[test]
fn the_reference_department_and_the_years_it_states_agree() {
    let wb = Workbook::open(sample("qiaokou-2024.xlsx")).unwrap();
    let later = read(&wb);
    let funds = later
        .tables
        .t11
        .as_ref()
        .unwrap()
        .blocks("funds")
        .next()
        .unwrap()
        .clone();
    let stated = |col: &str, line: &str| -> Decimal {
        funds
            .line(line)
            .and_then(|r| r.get(col))
            .and_then(FormValue::as_amount)
            .map(|a| a.yuan)
            .unwrap()
    };
    // What each form restates, by its project's code (the forms matched to
    // 表10 as `check` matches them).
    let summary = YearSummary::of(&later, "qiaokou-2024.xlsx", "", "").unwrap();
    let restated: Vec<(String, i32, Decimal)> = summary
        .projects
        .iter()
        .flat_map(|p| {
            p.restated
                .iter()
                .filter_map(move |r| Some((p.code.clone()?, r.year, r.budget.as_ref()?.yuan)))
        })
        .collect();
    assert!(!restated.is_empty());
    let earlier = |year: i32, col: &str| {
        let mut b = later.clone();
        b.year = Some(year);
        let t4 = b.tables.t4.as_mut().unwrap();
        let line = t4
            .income
            .iter_mut()
            .find(|l| l.key.as_deref() == Some("cur_total"))
            .unwrap();
        line.amount.yuan = stated(col, "income_fiscal");
        let t3 = b.tables.t3.as_mut().unwrap().total.as_mut().unwrap();
        t3.amounts.get_mut("basic").unwrap().yuan = stated(col, "expense_basic");
        t3.amounts.get_mut("project").unwrap().yuan = stated(col, "expense_project");
        for row in &mut b.tables.t10.as_mut().unwrap().rows {
            if let Some((_, _, budget)) = restated
                .iter()
                .find(|(code, y, _)| *y == year && row.code.as_deref() == Some(code.as_str()))
            {
                row.amounts.get_mut("total").unwrap().yuan = *budget;
            }
        }
        b.tables.t11 = None;
        b.tables.t12.clear();
        b.tables.t5_2 = None;
        written(&b, "2022")
    };
    let years = vec![
        ("qiaokou-2022.xlsx".to_string(), earlier(2022, "prev2")),
        ("qiaokou-2023.xlsx".to_string(), earlier(2023, "prev1")),
        ("qiaokou-2024.xlsx".to_string(), wb),
    ];
    let found = across(&years);
    assert!(
        found.iter().all(|(_, f)| f.severity == Severity::Info),
        "{found:#?}"
    );
    // The comparisons were made: a figure moved in the 2023 budget is found.
    let mut moved = read(&years[1].1);
    let t4 = moved.tables.t4.as_mut().unwrap();
    t4.income
        .iter_mut()
        .find(|l| l.key.as_deref() == Some("cur_total"))
        .unwrap()
        .amount
        .yuan += Decimal::from(10_000);
    let mut summaries: Vec<YearSummary> = years
        .iter()
        .map(|(n, wb)| YearSummary::of(&read(wb), n, n, "").unwrap())
        .collect();
    summaries[1] = YearSummary::of(&moved, "qiaokou-2023.xlsx", "", "").unwrap();
    let found = check(&summaries);
    assert_eq!(
        found
            .iter()
            .filter(|(_, f)| f.rule == "Y.t11_history")
            .count(),
        1,
        "{found:#?}"
    );
}
