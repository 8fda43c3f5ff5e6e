//! `check` on the bundled samples: the real department has exactly the one
//! error its published document has, plus 表6's rounding; the made-up
//! department passes; and in the consistent workbook any single amount cell
//! of the grid tables moved by 0.02 万元 is an error naming that cell.

use std::path::Path;
use yusuan::model::TableId;
use yusuan::reconcile::Subject;

use rust_decimal::Decimal;
use yusuan::amount::CellForm;
use yusuan::import::{import_workbook, ImportOptions};
use yusuan::model::{Amount, Budget, Severity};
use yusuan::reconcile::check;
use yusuan::template::Templates;
use yusuan::workbook::{CellValue, Workbook};

fn open(name: &str) -> Workbook {
    Workbook::open(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(name),
    )
    .unwrap()
}

fn import(wb: &Workbook, t: &Templates) -> Budget {
    import_workbook(wb, t, &ImportOptions::default()).unwrap()
}

#[test]
fn qiaokou_has_only_the_published_error_and_the_rounding_of_table_6() {
    let t = Templates::builtin();
    for file in ["qiaokou-2024.xlsx", "qiaokou-2024.xls"] {
        let findings = check(&import(&open(file), &t));
        type Line<'a> = (&'a str, Severity, Subject, Option<&'a str>, Option<&'a str>);
        let summary: Vec<Line> = findings
            .iter()
            .map(|f| {
                (
                    f.rule,
                    f.severity,
                    f.table,
                    f.expected.as_deref(),
                    f.actual.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                // 301 工资福利支出: 297.77 stated, its 款 add to 297.76 — in 合计 and 人员经费.
                (
                    "T6.tree",
                    Severity::Info,
                    Subject::Table(TableId::T6),
                    Some("297.77"),
                    Some("297.76")
                ),
                (
                    "T6.tree",
                    Severity::Info,
                    Subject::Table(TableId::T6),
                    Some("297.77"),
                    Some("297.76")
                ),
                // 表11 2022 支出合计 213.64, while 164.86 + 48.4 = 213.26.
                (
                    "T11.funds",
                    Severity::Error,
                    Subject::Table(TableId::T11),
                    Some("213.64"),
                    Some("213.26")
                ),
            ],
            "{file}: {findings:#?}"
        );
        let t6: Vec<String> = findings[0].cells.iter().map(ToString::to_string).collect();
        assert_eq!(t6[0], "表6!C6", "the stated 297.77 first");
        assert_eq!(t6.len(), 11, "301 and its ten 款");
        assert!(findings[0].message.contains("四舍五入差异"));
        let t11: Vec<String> = findings[2].cells.iter().map(ToString::to_string).collect();
        assert_eq!(t11, ["表11!E10", "表11!E8", "表11!E9"]);
        assert_eq!(findings[2].difference.as_deref(), Some("-0.38"));
    }
}

#[test]
fn the_made_up_department_passes_in_every_layout() {
    let t = Templates::builtin();
    for file in [
        "wenlv-2024.xlsx",
        "wenlv-2024-sheetnames.xlsx",
        "wenlv-2024-quirks.xlsx",
        "wenlv-2024-quirks.xls",
    ] {
        let findings = check(&import(&open(file), &t));
        let serious: Vec<_> = findings
            .iter()
            .filter(|f| f.severity > Severity::Info)
            .collect();
        assert!(serious.is_empty(), "{file}: {serious:#?}");
        // The quirk layouts store 表2 and 表5-2 amounts as text: reported, as info only.
        let infos: Vec<&str> = findings.iter().map(|f| f.rule).collect();
        let quirky = file.contains("quirks");
        assert_eq!(
            infos,
            if quirky {
                vec!["S.text_number", "S.text_number"]
            } else {
                vec![]
            },
            "{file}"
        );
    }
}

/// Every amount of the grid tables (表1 … 表10) with its table.
fn grid_amounts(b: &Budget) -> Vec<Amount> {
    let t = &b.tables;
    let mut out: Vec<Amount> = Vec::new();
    for l in [&t.t1, &t.t4].into_iter().flatten() {
        out.extend(l.income.iter().chain(&l.expense).map(|x| x.amount.clone()));
    }
    for id in yusuan::model::TableId::CODED {
        if let Some(c) = t.coded(id) {
            out.extend(
                c.total
                    .iter()
                    .chain(&c.rows)
                    .flat_map(|r| r.amounts.values().cloned()),
            );
        }
    }
    out.extend(t.t7.iter().flat_map(|s| s.amounts.values().cloned()));
    out
}

#[test]
fn any_grid_cell_moved_by_two_cents_of_a_wan_is_an_error_naming_it() {
    let t = Templates::builtin();
    let wb = open("wenlv-2024.xlsx");
    let budget = import(&wb, &t);
    assert!(check(&budget).is_empty());
    let cells = grid_amounts(&budget);
    // 表1 39, 表2 68, 表3 120, 表4 36, 表5-1 85, 表5-2 20, 表6 57, 表7 6, 表8 12, 表10 81.
    assert_eq!(cells.len(), 524, "every amount cell of 表1 … 表10");
    let mut missed = Vec::new();
    for (i, a) in cells.iter().enumerate() {
        // 0.02 万元 up or down, alternately; 0.05 on every fifth cell.
        let (delta, yuan) = match i % 5 {
            4 => (0.05, Decimal::from(500)),
            k if k % 2 == 0 => (0.02, Decimal::from(200)),
            _ => (-0.02, Decimal::from(-200)),
        };
        let mut changed = wb.clone();
        let sheet = changed
            .sheets
            .iter_mut()
            .find(|s| s.name == a.cell.sheet)
            .unwrap();
        let old = match sheet.get(a.cell.row, a.cell.col) {
            CellValue::Number(x) => *x,
            CellValue::Empty => 0.0,
            other => panic!("{}: {other:?}", a.cell),
        };
        sheet.set(a.cell.row, a.cell.col, CellValue::Number(old + delta));
        let b = import(&changed, &t);
        let moved = grid_amounts(&b)
            .into_iter()
            .find(|x| x.cell == a.cell)
            .unwrap();
        assert_eq!(moved.yuan - a.yuan, yuan, "{}", a.cell);
        let hit = check(&b)
            .iter()
            .any(|f| f.severity == Severity::Error && f.cells.contains(&a.cell));
        if !hit {
            missed.push(a.cell.to_string());
        }
        assert_eq!(
            moved.form,
            if a.form == CellForm::Blank {
                CellForm::Number
            } else {
                a.form
            }
        );
    }
    assert!(
        missed.is_empty(),
        "{} cells changed without an error naming them: {missed:?}",
        missed.len()
    );
}
