//! Layouts nobody here hand-picked: a seeded random variator
//! (`yusuan::samples::variants`) lays the bundled workbooks out anew — sheet
//! names and order, covers and hidden sheets, title wording, header wording,
//! dropped merges, swapped columns, leading columns, rows above the title,
//! blank rows, notes, every code style, text numbers, dashes and blanks, 元
//! and 万元 with the unit written wherever bureaus write it, 表11 with the
//! published document's vertical labels, 表12 without its unit line — and
//! every variant must give the same figures and the same findings.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use yusuan::import::{import_workbook, ImportOptions};
use yusuan::model::{Budget, Severity};
use yusuan::reconcile::{check, Finding};
use yusuan::samples::variants::{
    as_published, html_page, vary_only, without_merges, write_xlsx, Variant, VARIATIONS,
};
use yusuan::template::Templates;
use yusuan::workbook::Workbook;

/// Variants per sample; two samples.
const VARIANTS: u64 = 150;

/// Every figure and code of the model by where it sits in the model (not
/// in the sheet): amounts in 元, zero as absent (blank, `-` and 0.00 all
/// mean zero), percentages, codes.
fn figures(b: &Budget) -> BTreeMap<String, String> {
    fn walk(v: &serde_json::Value, path: &str, out: &mut BTreeMap<String, String>) {
        match v {
            serde_json::Value::Object(m) => {
                for key in ["yuan", "percent"] {
                    if let Some(serde_json::Value::String(x)) = m.get(key) {
                        if x.parse::<Decimal>().map_or(true, |d| !d.is_zero()) {
                            out.insert(path.to_string(), x.clone());
                        }
                        return;
                    }
                }
                for (k, v) in m {
                    if matches!(k.as_str(), "meta" | "source" | "diagnostics" | "cell") {
                        continue;
                    }
                    if k == "code" {
                        if let serde_json::Value::String(c) = v {
                            out.insert(format!("{path}/code"), c.clone());
                        }
                        continue;
                    }
                    walk(v, &format!("{path}/{k}"), out);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, &format!("{path}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    let mut v = serde_json::to_value(b).unwrap();
    // 表12 forms follow the sheets' order, which layouts change: by project.
    if let Some(serde_json::Value::Array(forms)) = v.pointer_mut("/tables/t12") {
        forms.sort_by_key(|f| {
            f.pointer("/fields/project_name/text")
                .map(|t| t.to_string())
        });
    }
    walk(&v, "", &mut out);
    out.insert("department".into(), format!("{:?}", b.department.code));
    out.insert("year".into(), format!("{:?}", b.year));
    out
}

/// A finding by what it says, in 元 whatever the unit it was shown in.
fn key(f: &Finding) -> String {
    let yuan = |x: &Option<String>| {
        x.as_ref().map(|s| match (s.parse::<Decimal>(), f.unit) {
            (Ok(d), Some(yusuan::amount::Unit::Wan)) => {
                (d * Decimal::new(10_000, 0)).normalize().to_string()
            }
            (Ok(d), _) => d.normalize().to_string(),
            _ => s.clone(),
        })
    };
    format!(
        "{} {:?} {} {:?} {:?} {:?}",
        f.rule,
        f.severity,
        f.table,
        yuan(&f.expected),
        yuan(&f.actual),
        yuan(&f.difference)
    )
}

/// The findings a variant must give: the original's, less what its layout
/// honestly changes (text numbers are reported; a table rewritten in 元 is
/// compared exactly, so a 四舍五入 info on it may become an error).
fn comparable(findings: &[Finding], v: &Variant) -> Vec<String> {
    let mut out: Vec<String> = findings
        .iter()
        .filter(|f| !v.calls_for(f))
        .map(|f| {
            let mut f = f.clone();
            if f.severity == Severity::Error
                && f.table.table().is_some_and(|t| v.in_yuan.contains(&t))
            {
                f.severity = Severity::Info;
            }
            key(&f)
        })
        .collect();
    out.sort();
    out
}

fn check_variants(
    sample: &str,
    seeds: std::ops::Range<u64>,
    allow: &dyn Fn(&str) -> bool,
    failures: &mut Vec<String>,
) -> usize {
    let templates = Templates::builtin();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(sample);
    let wb = Workbook::open(&path).unwrap();
    let base = import_workbook(&wb, &templates, &ImportOptions::default()).unwrap();
    let base_figures = figures(&base);
    let base_findings = check(&base);
    let mut n = 0;
    for seed in seeds {
        let v = vary_only(&wb, &base, seed, allow);
        n += 1;
        let why = |what: String| {
            format!(
                "{sample} seed {seed} [{}]:\n    {what}",
                v.applied.join("; ")
            )
        };
        // Every third variant is also exported as a web page saved as .xls.
        let page = (seed % 3 == 0)
            .then(|| Workbook::from_bytes(Path::new("variant.xls"), &html_page(&v.workbook, seed)));
        for (form, wb) in [Some(Ok(v.workbook.clone())), page]
            .into_iter()
            .flatten()
            .zip(["xlsx", "html"])
            .map(|(w, f)| (f, w))
        {
            let why = |what: String| why(format!("{form}: {what}"));
            let wb = match wb {
                Ok(wb) => wb,
                Err(e) => {
                    failures.push(why(format!("not opened: {e}")));
                    continue;
                }
            };
            let got = match import_workbook(&wb, &templates, &ImportOptions::default()) {
                Ok(b) => b,
                Err(e) => {
                    failures.push(why(format!("not read: {e}")));
                    continue;
                }
            };
            let got_figures = figures(&got);
            if got_figures != base_figures {
                let diff: Vec<String> = base_figures
                    .iter()
                    .filter(|(k, x)| got_figures.get(*k) != Some(x))
                    .map(|(k, x)| format!("{k}: {x} → {:?}", got_figures.get(k)))
                    .chain(
                        got_figures
                            .iter()
                            .filter(|(k, _)| !base_figures.contains_key(*k))
                            .map(|(k, x)| format!("{k}: (none) → {x}")),
                    )
                    .take(6)
                    .collect();
                failures.push(why(format!("figures differ: {}", diff.join("; "))));
                continue;
            }
            let want = comparable(&base_findings, &v);
            let found = check(&got);
            let have = comparable(&found, &v);
            if have != want {
                let extra: Vec<String> = found
                    .iter()
                    .filter(|f| {
                        comparable(std::slice::from_ref(f), &v)
                            .first()
                            .is_some_and(|k| !want.contains(k))
                    })
                    .map(|f| format!("+ {} {}", f.rule, f.message))
                    .take(4)
                    .collect();
                let missing: Vec<&String> =
                    want.iter().filter(|k| !have.contains(k)).take(4).collect();
                failures.push(why(format!(
                    "findings differ: {extra:?} missing {missing:?}"
                )));
            }
        }
    }
    n
}

#[test]
fn random_layouts_give_the_same_figures_and_findings() {
    let mut failures = Vec::new();
    let all = |_: &str| true;
    let n = check_variants("qiaokou-2024.xlsx", 0..VARIANTS, &all, &mut failures)
        + check_variants("wenlv-2024.xlsx", 0..VARIANTS, &all, &mut failures)
        + check_variants("putuo-2026.xlsx", 0..60, &all, &mut failures);
    assert!(n >= 300, "{n} variants");
    assert!(
        failures.is_empty(),
        "{} of {n} variants failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(12)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Each variation alone, so a failure names its cause.
#[test]
fn each_variation_alone_gives_the_same_figures_and_findings() {
    let mut failures = Vec::new();
    for name in VARIATIONS {
        let only = |n: &str| n == *name;
        for sample in ["qiaokou-2024.xlsx", "wenlv-2024.xlsx", "putuo-2026.xlsx"] {
            let mut f = Vec::new();
            check_variants(sample, 1000..1012, &only, &mut f);
            let n = f.len();
            // The first of each, with how many: one line per cause.
            failures.extend(f.into_iter().take(1).map(|f| format!("{name} ({n}×): {f}")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Reads a workbook written to a real `.xlsx`, through the file reader.
fn through_file(wb: &Workbook, name: &str) -> Workbook {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    write_xlsx(wb, &path).unwrap();
    Workbook::open(&path).unwrap()
}

/// The real department's workbook laid out as its published document
/// prints it — 表11 with vertical labels (the 总体资金情况 header merged over
/// the section and label columns, or in one unmerged cell), 表12 without a
/// 单位 line and with no blank row between blocks: exactly the document's one
/// error (2022 支出合计 213.64 against 164.86 + 48.4) and 表6's rounding, and
/// no warning.
#[test]
fn the_reference_as_published_gives_its_one_error_and_the_rounding_only() {
    let templates = Templates::builtin();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/qiaokou-2024.xlsx");
    let wb = Workbook::open(&path).unwrap();
    let base = import_workbook(&wb, &templates, &ImportOptions::default()).unwrap();
    for unmerged in [false, true] {
        let published = through_file(&as_published(&wb, &base, unmerged), "as-published.xlsx");
        let b = import_workbook(&published, &templates, &ImportOptions::default()).unwrap();
        let mut got: Vec<(String, Severity, String)> = check(&b)
            .iter()
            .map(|f| {
                (
                    f.rule.to_string(),
                    f.severity,
                    f.difference.clone().unwrap_or_default(),
                )
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                (
                    "T11.funds".to_string(),
                    Severity::Error,
                    "-0.38".to_string()
                ),
                ("T6.tree".into(), Severity::Info, "-0.01".into()),
                ("T6.tree".into(), Severity::Info, "-0.01".into()),
            ],
            "unmerged header: {unmerged}"
        );
        assert_eq!(figures(&b), figures(&base), "unmerged header: {unmerged}");
    }
}

/// Merges are a convenience: the real department's workbook with every
/// merge of every table and form dropped, each merged text left in its
/// first cell — 收入构成 and 支出构成 written once above their lines,
/// 近两年收支情况 once above its first year, the 合计 labels, the forms'
/// fields — as printed and as its published document prints 表11: exactly
/// the document's one error and 表6's rounding, no warning, every figure.
#[test]
fn the_reference_without_merges_gives_its_one_error_and_the_rounding_only() {
    let templates = Templates::builtin();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/qiaokou-2024.xlsx");
    let wb = Workbook::open(&path).unwrap();
    let base = import_workbook(&wb, &templates, &ImportOptions::default()).unwrap();
    // 表11 as many tools save it, the other merges kept: 收入构成 and 支出构成
    // written once in the first row of their lines, 近两年收支情况 once
    // above 2022年 and not over 2023年.
    let mut t11_saved = wb.clone();
    for s in t11_saved.sheets.iter_mut().filter(|s| &*s.name == "表11") {
        let dropped = |m: &yusuan::workbook::Merge| {
            ["收入构成", "支出构成", "近两年收支情况"]
                .contains(&s.get(m.first_row, m.first_col).as_text().as_str())
        };
        let merges: Vec<_> = s.merges().iter().filter(|m| !dropped(m)).copied().collect();
        assert_eq!(merges.len() + 3, s.merges().len());
        let rows = (0..s.height()).map(|r| s.row(r).to_vec()).collect();
        *s = yusuan::workbook::Sheet::new(&s.name, rows, merges);
    }
    let layouts = [
        ("表11 without its section merges", t11_saved),
        ("as printed", without_merges(&wb)),
        (
            "as published",
            without_merges(&as_published(&wb, &base, false)),
        ),
    ];
    for (what, laid_out) in layouts {
        let read_back = through_file(&laid_out, "without-merges.xlsx");
        let b = import_workbook(&read_back, &templates, &ImportOptions::default()).unwrap();
        let mut got: Vec<(String, Severity, String)> = check(&b)
            .iter()
            .map(|f| {
                (
                    f.rule.to_string(),
                    f.severity,
                    f.difference.clone().unwrap_or_default(),
                )
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                (
                    "T11.funds".to_string(),
                    Severity::Error,
                    "-0.38".to_string()
                ),
                ("T6.tree".into(), Severity::Info, "-0.01".into()),
                ("T6.tree".into(), Severity::Info, "-0.01".into()),
            ],
            "{what}"
        );
        assert_eq!(figures(&b), figures(&base), "{what}");
    }
}

/// Variants written to `.xlsx` and read back give what they gave in memory:
/// merges, hidden sheets, text numbers and blanks survive the file.
#[test]
fn variants_read_back_from_files_as_in_memory() {
    let templates = Templates::builtin();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/wenlv-2024.xlsx");
    let wb = Workbook::open(&path).unwrap();
    let base = import_workbook(&wb, &templates, &ImportOptions::default()).unwrap();
    for seed in 0..8 {
        let v = vary_only(&wb, &base, seed, &|_| true);
        let in_memory =
            import_workbook(&v.workbook, &templates, &ImportOptions::default()).unwrap();
        let file = through_file(&v.workbook, "variant.xlsx");
        let read = import_workbook(&file, &templates, &ImportOptions::default()).unwrap();
        assert_eq!(
            figures(&read),
            figures(&in_memory),
            "seed {seed}: {:?}",
            v.applied
        );
        let keys = |b: &Budget| {
            let mut k: Vec<String> = check(b).iter().map(key).collect();
            k.sort();
            k
        };
        assert_eq!(
            keys(&read),
            keys(&in_memory),
            "seed {seed}: {:?}",
            v.applied
        );
    }
}

/// The merged regions read from a variant's file (scanned from the sheet
/// parts' bytes) are the ones it was written with, and the ones calamine
/// reads, whatever the layout.
#[test]
fn variants_merges_read_from_the_file_are_those_written() {
    let templates = Templates::builtin();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/wenlv-2024.xlsx");
    let wb = Workbook::open(&path).unwrap();
    let base = import_workbook(&wb, &templates, &ImportOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for seed in 0..12 {
        let v = vary_only(&wb, &base, seed, &|_| true);
        let file = dir.path().join(format!("variant-{seed}.xlsx"));
        write_xlsx(&v.workbook, &file).unwrap();
        let read = Workbook::open(&file).unwrap();
        let mut cal: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
        let sorted = |m: &[yusuan::workbook::Merge]| {
            let mut m: Vec<_> = m
                .iter()
                .map(|m| (m.first_row, m.first_col, m.last_row, m.last_col))
                .collect();
            m.sort_unstable();
            m
        };
        for sheet in &read.sheets {
            let written = v
                .workbook
                .sheets
                .iter()
                .find(|s| s.name == sheet.name)
                .unwrap();
            let got = sorted(sheet.merges());
            assert_eq!(got, sorted(written.merges()), "seed {seed} {}", sheet.name);
            let mut theirs: Vec<_> = cal
                .merge_cells_by_sheet_name(&sheet.name)
                .unwrap()
                .iter()
                .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
                .collect();
            theirs.sort_unstable();
            assert_eq!(got, theirs, "seed {seed} {}", sheet.name);
            compared += got.len();
        }
    }
    assert!(compared > 200, "only {compared} merges compared");
}

/// Variants that once failed, kept whatever `VARIANTS` becomes: each names
/// what it found.
const REGRESSIONS: &[(&str, u64, Option<&str>, &str)] = &[
    // 表8 with code and name in one column (功能分类科目) and no merges:
    // the header word stood alone in the upper header row, below the band.
    (
        "qiaokou-2024.xlsx",
        20,
        None,
        "code-and-name header above the band",
    ),
    // 科目编码 drifted to 科目代码, a word only 表3's template knew.
    (
        "qiaokou-2024.xlsx",
        1001,
        Some("header_drift"),
        "科目代码 in 表5-1",
    ),
    (
        "wenlv-2024.xlsx",
        1002,
        Some("header_drift"),
        "科目代码 in 表6",
    ),
    // Sheets shuffled: 表12 forms come in sheet order.
    (
        "wenlv-2024.xlsx",
        1001,
        Some("shuffle"),
        "表12 forms in another order",
    ),
];

#[test]
fn variants_that_once_failed_still_pass() {
    let mut failures = Vec::new();
    for (sample, seed, only, what) in REGRESSIONS {
        let allow = |n: &str| only.is_none_or(|o| o == n);
        let mut f = Vec::new();
        check_variants(sample, *seed..*seed + 1, &allow, &mut f);
        failures.extend(f.into_iter().map(|f| format!("{what}: {f}")));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
