//! Writing in any template's layout (`convert --to xlsx --as T`): every
//! random layout of the samples, written `--as` each built-in template and
//! read back by it, gives every figure that the template has a place for —
//! decided here by the template's own tables, columns, lines and levels,
//! not by the writer — and nothing else; the writer's report names exactly
//! the figures it had no place for; and `check` gives the same findings,
//! but for the ones a table with lost figures or empty places explains
//! (listed on stderr, never hidden).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rust_decimal::Decimal;
use yusuan::export::layout::{write_as, Report};
use yusuan::import::{import_workbook, ImportOptions};
use yusuan::model::Budget;
use yusuan::reconcile::{check, Finding};
use yusuan::samples::variants::vary;
use yusuan::template::{Template, Templates};
use yusuan::workbook::Workbook;

#[path = "common/figures.rs"]
mod figures;
use figures::{figures, has_place, is_number, Key};

/// A finding by what it says, in 元 whatever the unit it was shown in.
fn finding_key(f: &Finding) -> String {
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

/// The findings about the budget's figures: the rules' and the bureau's,
/// not the importer's notes on how the source was laid out (text numbers,
/// a missing unit line, unread cells), which a normalized workbook mends.
fn about_figures(fs: &[Finding]) -> BTreeSet<String> {
    fs.iter()
        .filter(|f| {
            !f.rule.starts_with("I.") && !matches!(f.rule, "S.text_number" | "S.unit" | "S.year")
        })
        .map(finding_key)
        .collect()
}

/// The tables a rule compares: its table and those its ID names.
fn tables_of(key: &str) -> Vec<String> {
    let mut parts = key.split(' ');
    let rule = parts.next().unwrap_or("");
    let _severity = parts.next();
    let mut out = vec![parts.next().unwrap_or("").to_string()];
    if let Some(rest) = rule.strip_prefix("X.") {
        let tokens: Vec<&str> = rest.split('_').collect();
        let mut i = 0;
        while i < tokens.len() {
            let t = tokens[i];
            if t.starts_with('t')
                && t[1..].chars().all(|c| c.is_ascii_digit())
                && !t[1..].is_empty()
            {
                if tokens
                    .get(i + 1)
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
                {
                    out.push(format!("{t}_{}", tokens[i + 1]));
                    i += 1;
                } else {
                    out.push(t.to_string());
                    // `t5` names 表5 of either kind.
                    out.push(format!("{t}_1"));
                    out.push(format!("{t}_2"));
                }
            }
            i += 1;
        }
    }
    out
}

fn read_back(bytes: &[u8], t: &Template, templates: &Templates) -> Budget {
    let wb =
        Workbook::from_bytes(Path::new("written.xlsx"), bytes).expect("the written workbook opens");
    let opts = ImportOptions {
        template: Some(t.id.clone()),
        ..ImportOptions::default()
    };
    import_workbook(&wb, templates, &opts).expect("the written workbook reads")
}

/// One round trip; failures as lines; the honest differences counted.
fn round_trip(
    what: &str,
    b: &Budget,
    t: &Template,
    templates: &Templates,
    failures: &mut Vec<String>,
    honest: &mut BTreeMap<String, usize>,
) {
    let written = match write_as(b, t) {
        Ok(w) => w,
        Err(e) => {
            failures.push(format!("{what} as {}: not written: {e}", t.id));
            return;
        }
    };
    let back = read_back(&written.bytes, t, templates);
    let all = figures(b);
    // Zero is zero whether written 0.00, `-` or left blank.
    let want: BTreeMap<&Key, &String> = all
        .iter()
        .filter(|(k, v)| has_place(t, k) && *v != "0")
        .collect();
    let got_all = figures(&back);
    let got: BTreeMap<&Key, &String> = got_all.iter().filter(|(_, v)| *v != "0").collect();
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
            "{what} as {}: figures differ: {missing:?} extra {extra:?}",
            t.id
        ));
        return;
    }
    // The report names as many figures as have no place: amounts and
    // shares, not the words of forms.
    let lost = all
        .iter()
        .filter(|(k, v)| !has_place(t, k) && is_number(k, v))
        .count();
    if written.report.lost_figures() != lost {
        failures.push(format!(
            "{what} as {}: report says {} figures lost, {lost} have no place: {:?}",
            t.id,
            written.report.lost_figures(),
            written.report.warnings()
        ));
    }
    // In Chinese: tables, lines, columns and fields by their printed words.
    let latin: Vec<String> = written
        .report
        .warnings()
        .into_iter()
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .collect();
    if !latin.is_empty() {
        failures.push(format!(
            "{what} as {}: words not in Chinese: {latin:?}",
            t.id
        ));
    }
    findings(what, b, &back, t, &written.report, failures, honest);
}

fn findings(
    what: &str,
    b: &Budget,
    back: &Budget,
    t: &Template,
    report: &Report,
    failures: &mut Vec<String>,
    honest: &mut BTreeMap<String, usize>,
) {
    // A table the layout prints in 元 where the source had 万元 is compared
    // exactly: a difference the 万元 allowed as rounding (info) is an error.
    let yuan_now: BTreeSet<yusuan::model::TableId> = back
        .tables
        .metas()
        .iter()
        .filter(|m| m.unit == yusuan::amount::Unit::Yuan)
        .filter(|m| {
            b.tables
                .metas()
                .iter()
                .any(|x| x.id == m.id && x.unit == yusuan::amount::Unit::Wan)
        })
        .map(|m| m.id)
        .collect();
    let mut in_yuan = check(back);
    for f in &mut in_yuan {
        if f.severity == yusuan::model::Severity::Error
            && f.table.table().is_some_and(|t| yuan_now.contains(&t))
        {
            f.severity = yusuan::model::Severity::Info;
        }
    }
    let (before, after) = (about_figures(&check(b)), about_figures(&in_yuan));
    let reported: BTreeSet<&str> = report.tables.iter().map(|r| r.id.as_str()).collect();
    for k in before.symmetric_difference(&after) {
        let explained = tables_of(k).iter().any(|t| reported.contains(t.as_str()));
        if explained {
            *honest
                .entry(format!(
                    "as {}: {}",
                    t.id,
                    k.split(' ').next().unwrap_or("")
                ))
                .or_default() += 1;
        } else {
            let side = if after.contains(k) { "new" } else { "gone" };
            failures.push(format!(
                "{what} as {}: finding {side}, no loss explains it: {k}",
                t.id
            ));
        }
    }
}

#[test]
fn every_layout_written_as_every_template_reads_back_with_the_same_figures_and_findings() {
    let templates = Templates::builtin();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut failures = Vec::new();
    let mut honest = BTreeMap::new();
    let mut n = 0;
    for (sample, seeds) in [
        ("qiaokou-2024.xlsx", 12u64),
        ("wenlv-2024.xlsx", 12),
        ("wenlv-2022.xlsx", 6),
        ("putuo-2026.xlsx", 12),
    ] {
        let wb = Workbook::open(root.join(sample)).unwrap();
        let base = import_workbook(&wb, &templates, &ImportOptions::default()).unwrap();
        let mut budgets = vec![(sample.to_string(), base.clone())];
        for seed in 0..seeds {
            let v = vary(&wb, &base, seed);
            match import_workbook(&v.workbook, &templates, &ImportOptions::default()) {
                Ok(b) => budgets.push((format!("{sample} seed {seed}"), b)),
                Err(e) => failures.push(format!("{sample} seed {seed}: not read: {e}")),
            }
        }
        for (what, b) in &budgets {
            for t in &templates.all {
                round_trip(what, b, t, &templates, &mut failures, &mut honest);
                n += 1;
            }
        }
    }
    eprintln!("{n} round trips; differences in findings that a loss explains:");
    for (k, c) in &honest {
        eprintln!("  {k} ×{c}");
    }
    assert!(
        failures.is_empty(),
        "{} of {n} round trips failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A user's template, from `--templates DIR`: `convert --as` writes its
/// layout (here the 2024 tables with the 合计 row at the foot and an
/// 编制部门 line; made for an earlier year, so that it is not the current
/// layout written without `--as`), says nothing when every figure has a
/// place, and the workbook reads back by that template with every figure.
#[test]
fn convert_as_a_users_template_writes_its_layout() {
    let dir = tempfile::tempdir().unwrap();
    let tdir = dir.path().join("templates");
    std::fs::create_dir_all(&tdir).unwrap();
    std::fs::write(
        tdir.join("bureau.toml"),
        r#"id = "bureau-x-2025"
extends = "2024"
name = "某区 2025 年部门预算公开表"
description = "2024 年的表，合计行在表尾，表头上方写编制部门"
years = [2019, 2019]

[print]
head = ["title", "department"]
department_label = "编制部门："
total_at = "foot"
"#,
    )
    .unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/wenlv-2024.xlsx");
    let out = dir.path().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .arg("convert")
        .arg(&sample)
        .args(["--to", "xlsx", "--as", "bureau-x-2025", "--templates"])
        .arg(&tdir)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("规范工作簿"), "nothing lost: {stderr}");
    let mut templates = Templates::builtin();
    templates.add_dir(&tdir).unwrap();
    let wb = Workbook::open(out.join("wenlv-2024.xlsx")).unwrap();
    let opts = ImportOptions {
        template: Some("bureau-x-2025".into()),
        ..ImportOptions::default()
    };
    let back = import_workbook(&wb, &templates, &opts).unwrap();
    let source = import_workbook(
        &Workbook::open(&sample).unwrap(),
        &templates,
        &ImportOptions::default(),
    )
    .unwrap();
    let nonzero = |b: &Budget| -> BTreeMap<Key, String> {
        figures(b).into_iter().filter(|(_, v)| v != "0").collect()
    };
    assert_eq!(nonzero(&back), nonzero(&source));
    // Its layout: 编制部门 above the header, 合计 below the rows.
    let sheet = wb.sheets.iter().find(|s| s.name.contains("表3")).unwrap();
    let rows: Vec<Vec<String>> = (0..sheet.height())
        .map(|r| {
            sheet
                .row(r)
                .iter()
                .map(|c| c.as_text().trim().to_string())
                .collect()
        })
        .collect();
    let at = |f: &dyn Fn(&str) -> bool| rows.iter().position(|r| r.iter().any(|c| f(c)));
    let dept = at(&|c| c.starts_with("编制部门：")).expect("an 编制部门 line");
    let header = at(&|c| c == "科目编码").expect("the header");
    // A row by its first words.
    let first = |f: &dyn Fn(&str) -> bool| {
        rows.iter()
            .position(|r| r.iter().find(|c| !c.is_empty()).is_some_and(|c| f(c)))
    };
    let total = first(&|c| c.replace(' ', "") == "合计").expect("the 合计 row");
    let first_code =
        first(&|c| c.len() == 3 && c.chars().all(|x| x.is_ascii_digit())).expect("a 类 row");
    assert!(
        dept < header && header < first_code && first_code < total,
        "{dept} {header} {first_code} {total}"
    );
}
