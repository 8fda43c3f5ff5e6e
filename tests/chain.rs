//! The chain closed: for each relation no earlier rule held, a figure is
//! moved in a consistent department so that every other rule still holds
//! (the same total kept in every row and table it appears in); the new rule
//! finds it, pinned to a moved cell, and nothing else fires. The samples
//! and random layouts of them give none of the new findings.

use std::collections::BTreeSet;
use std::path::Path;
use yusuan::model::TableId;

use rust_decimal::Decimal;
use yusuan::import::{import_workbook, ImportOptions};
use yusuan::model::{Budget, CodedTable, Severity};
use yusuan::reconcile::{check, Finding};
use yusuan::samples::variants::vary;
use yusuan::template::{Side, Templates};
use yusuan::workbook::Workbook;

const NEW: [&str; 15] = [
    "X.t10_forms",
    "X.t12_procurement",
    "X.code_names",
    "S.depth",
    "X.t2_t4_carry",
    "X.t4_class_funds",
    "T6.kinds",
    "X.units",
    "S.one_budget",
    "X.t12_sources",
    "P.pairs",
    "P.no_project",
    "P.t3_fiscal",
    "P.negative",
    "P.percent",
];

fn sample(name: &str) -> Budget {
    let wb = Workbook::open(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(name),
    )
    .unwrap();
    import_workbook(&wb, &Templates::builtin(), &ImportOptions::default()).unwrap()
}

/// A sample laid out by each of `seeds` of the layout variator, read back.
fn varied(name: &str, seeds: std::ops::Range<u64>) -> impl Iterator<Item = (u64, Budget)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    let wb = Workbook::open(&path).unwrap();
    let base = sample(name);
    seeds.map(move |seed| {
        let v = vary(&wb, &base, seed);
        let b = import_workbook(
            &v.workbook,
            &Templates::builtin(),
            &ImportOptions::default(),
        )
        .unwrap();
        (seed, b)
    })
}

/// Moves `yuan` from column `from` to column `to` in the rows of `codes`
/// (`合计` for the total row): every row sum and every tree sum kept.
fn shift(t: &mut CodedTable, codes: &[&str], from: &str, to: &str, yuan: i64) {
    for code in codes {
        let row = if *code == "合计" {
            t.total.as_mut().unwrap()
        } else {
            t.rows
                .iter_mut()
                .find(|r| r.code.as_deref() == Some(code))
                .unwrap_or_else(|| panic!("no row {code}"))
        };
        row.amounts.get_mut(from).unwrap().yuan -= Decimal::from(yuan);
        row.amounts.get_mut(to).unwrap().yuan += Decimal::from(yuan);
    }
}

/// The findings a reviewer must act on (rounding notes left out).
fn warnings_and_errors(b: &Budget) -> Vec<Finding> {
    check(b)
        .into_iter()
        .filter(|f| f.severity != Severity::Info)
        .collect()
}

fn fired(findings: &[Finding]) -> BTreeSet<&'static str> {
    findings.iter().map(|f| f.rule).collect()
}

#[test]
fn consistent_budgets_in_any_layout_give_none_of_the_new_findings() {
    for name in [
        "wenlv-2024.xlsx",
        "qiaokou-2024.xlsx",
        "wenlv-2022.xlsx",
        "putuo-2026.xlsx",
        "wenlv-2024-quirks.xlsx",
    ] {
        let found = check(&sample(name));
        let new: Vec<&Finding> = found.iter().filter(|f| NEW.contains(&f.rule)).collect();
        assert!(new.is_empty(), "{name}: {new:#?}");
    }
    for (seed, b) in varied("wenlv-2024.xlsx", 0..12) {
        let found = check(&b);
        let new: Vec<&Finding> = found.iter().filter(|f| NEW.contains(&f.rule)).collect();
        assert!(new.is_empty(), "seed {seed}: {new:#?}");
    }
}

/// Regression: carry-over moved between funds in 表2 (its subtotal, the
/// department's and the unit's rows kept) agreed with every rule — only
/// 本年 and the carry subtotal were linked to 表4.
#[test]
fn x_t2_t4_carry() {
    let mut b = sample("wenlv-2024.xlsx");
    assert!(check(&b).is_empty());
    let t2 = b.tables.t2.as_mut().unwrap();
    shift(
        t2,
        &["合计", "145", "145001"],
        "carry_gp",
        "carry_gf",
        10_000,
    );
    // The unit's 一般公共预算 is 表5-2's row too: X.units says that side.
    let all = check(&b);
    assert_eq!(fired(&all), ["X.t2_t4_carry", "X.units"].into(), "{all:#?}");
    let found: Vec<Finding> = all
        .into_iter()
        .filter(|f| f.rule == "X.t2_t4_carry")
        .collect();
    assert_eq!(
        found.len(),
        2,
        "the 一般公共预算 pair and the 政府性基金 pair: {found:#?}"
    );
    let t2 = b.tables.t2.as_ref().unwrap();
    let t4 = b.tables.t4.as_ref().unwrap();
    let gp = &found[0];
    assert_eq!(gp.severity, Severity::Error);
    let cells: Vec<String> = gp.cells.iter().map(ToString::to_string).collect();
    assert_eq!(
        cells,
        [
            t2.total.as_ref().unwrap().amounts["carry_gp"]
                .cell
                .to_string(),
            t4.line(Side::Income, "carry_gp")
                .unwrap()
                .amount
                .cell
                .to_string(),
        ]
    );
}

/// Regression: a 301 amount moved from 人员经费 to 公用经费 (in 表6's
/// 30101, 301 and 合计 rows, and the same in 表5-1 and 表5-2 along one
/// chain of rows, every row total kept) agreed with every rule.
#[test]
fn t6_kinds() {
    let mut b = sample("wenlv-2024.xlsx");
    let x = 10_000;
    shift(
        b.tables.t6.as_mut().unwrap(),
        &["合计", "301", "30101"],
        "personnel",
        "public",
        x,
    );
    // 表5-1 and 表5-2 say the same of 基本支出, along a 项 and its parents,
    // and along a unit and its department.
    let t5 = b.tables.t5_1.as_mut().unwrap();
    let leaf = t5
        .rows
        .iter()
        .find(|r| {
            r.code.as_deref().is_some_and(|c| c.len() == 7)
                && r.amount("basic_personnel")
                    .is_some_and(|a| a.yuan >= Decimal::from(x))
        })
        .and_then(|r| r.code.clone())
        .unwrap();
    let chain = [leaf[..3].to_string(), leaf[..5].to_string(), leaf.clone()];
    let mut codes: Vec<&str> = chain.iter().map(String::as_str).collect();
    codes.push("合计");
    shift(t5, &codes, "basic_personnel", "basic_public", x);
    let t52 = b.tables.t5_2.as_mut().unwrap();
    let unit = t52
        .rows
        .iter()
        .find(|r| {
            r.level.as_deref() == Some("单位")
                && r.amount("basic_personnel")
                    .is_some_and(|a| a.yuan >= Decimal::from(x))
        })
        .and_then(|r| r.code.clone())
        .unwrap();
    shift(
        t52,
        &["合计", &unit[..3], &unit],
        "basic_personnel",
        "basic_public",
        x,
    );
    let found = check(&b);
    assert_eq!(fired(&found), ["T6.kinds"].into(), "{found:#?}");
    let f = &found[0];
    assert_eq!(f.severity, Severity::Error);
    let t6 = b.tables.t6.as_ref().unwrap();
    let moved: BTreeSet<String> = ["301", "30101"]
        .iter()
        .map(|c| t6.row(c).unwrap().amounts["public"].cell.to_string())
        .collect();
    let said: BTreeSet<String> = found
        .iter()
        .flat_map(|f| f.cells.iter().map(ToString::to_string))
        .collect();
    assert_eq!(said, moved, "{found:#?}");
}

/// Moves `yuan` of `keys` from one unit's row of `t` to another's: the
/// department's row and the 合计 keep their sums, each row its own.
fn move_between_units(t: &mut CodedTable, from: &str, to: &str, keys: &[&str], yuan: i64) {
    for (code, sign) in [(from, -1), (to, 1)] {
        let row = t
            .rows
            .iter_mut()
            .find(|r| r.code.as_deref() == Some(code))
            .unwrap_or_else(|| panic!("no unit {code}"));
        for k in keys {
            row.amounts.get_mut(*k).unwrap().yuan += Decimal::from(sign * yuan);
        }
    }
}

/// Regression: an amount moved from one unit to another in 表5-2 (both
/// rows' sums, the department's row and the 合计 kept) agreed with every
/// rule — 表5-2 was linked to 表2 and 表10 only in total. Over random
/// layouts of the department, the new rule finds it at the moved cells.
#[test]
fn x_units() {
    for (seed, mut b) in varied("wenlv-2024.xlsx", 0..6) {
        assert!(
            check(&b).iter().all(|f| f.severity == Severity::Info),
            "seed {seed}"
        );
        // Project money from 本级 to the library: 合计 and 项目支出 of both.
        let t52 = b.tables.t5_2.as_mut().unwrap();
        move_between_units(t52, "145001", "145002", &["total", "project"], 10_000);
        let found: Vec<Finding> = warnings_and_errors(&b);
        let errors: Vec<&Finding> = found.iter().collect();
        assert_eq!(fired(&found), ["X.units"].into(), "seed {seed}: {found:#?}");
        // Each unit against 表2 (合计) and 表10 (项目支出).
        assert_eq!(errors.len(), 4, "seed {seed}: {errors:#?}");
        let t52 = b.tables.t5_2.as_ref().unwrap();
        let moved: BTreeSet<String> = ["145001", "145002"]
            .iter()
            .flat_map(|u| {
                let r = t52.row(u).unwrap();
                ["total", "project"].map(|k| r.amounts[k].cell.to_string())
            })
            .collect();
        for f in &errors {
            assert!(
                f.cells.iter().any(|c| moved.contains(&c.to_string())),
                "seed {seed}: not pinned to a moved cell: {f:#?}"
            );
        }
    }
}

/// A unit that 表2 lists with 一般公共预算 money and 表5-2 does not is said.
#[test]
fn x_units_a_unit_missing_from_t5_2() {
    let mut b = sample("wenlv-2024.xlsx");
    let t52 = b.tables.t5_2.as_mut().unwrap();
    let moved = t52
        .rows
        .iter()
        .position(|r| r.code.as_deref() == Some("145002"))
        .unwrap();
    t52.rows[moved].code = Some("145009".into());
    let found = check(&b);
    let said: Vec<&Finding> = found.iter().filter(|f| f.rule == "X.units").collect();
    assert!(
        said.iter()
            .any(|f| f.message.contains("145009") && f.message.contains("却没有这个单位")),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|f| f.message.contains("145002") && f.message.contains("却没有这个单位")),
        "{said:#?}"
    );
}

/// Every table's title and `部门/单位：` line, with the cells they are in.
fn title_and_name_cells(b: &Budget) -> Vec<(String, yusuan::workbook::CellRef)> {
    b.tables
        .metas()
        .iter()
        .filter_map(|m| Some((m.sheet.clone(), m.title.as_ref()?.cell.clone())))
        .collect()
}

/// Regression: a sheet copied from last year's workbook (its title's year)
/// or another department's (its `部门/单位：` line) was outvoted by the
/// other sheets and said nothing. Each copied sheet of a random layout is
/// found at its own cell, and nothing else fires.
#[test]
fn s_one_budget() {
    use yusuan::workbook::CellValue;
    let other = "武汉市硚口区企业服务中心";
    for (name, year, seeds) in [
        ("wenlv-2024.xlsx", 2024, 0..6),
        ("putuo-2026.xlsx", 2026, 0..3),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(name);
        let wb = Workbook::open(&path).unwrap();
        let base = sample(name);
        let dept = base.department.name.clone().unwrap();
        for seed in seeds {
            let v = vary(&wb, &base, seed);
            let b = import_workbook(
                &v.workbook,
                &Templates::builtin(),
                &ImportOptions::default(),
            )
            .unwrap();
            // Last year's title on one sheet whose title names the year.
            let titles: Vec<_> = title_and_name_cells(&b)
                .into_iter()
                .filter(|(sheet, cell)| {
                    let s = v
                        .workbook
                        .sheets
                        .iter()
                        .find(|s| *s.name == **sheet)
                        .unwrap();
                    s.get(cell.row, cell.col)
                        .as_text()
                        .contains(&year.to_string())
                })
                .collect();
            assert!(!titles.is_empty(), "{name} seed {seed}");
            let (sheet, cell) = &titles[seed as usize % titles.len()];
            let mut copied = v.workbook.clone();
            let s = copied
                .sheets
                .iter_mut()
                .find(|s| *s.name == **sheet)
                .unwrap();
            let title = s.get(cell.row, cell.col).as_text();
            let last = (year - 1).to_string();
            s.set(
                cell.row,
                cell.col,
                CellValue::Text(title.replace(&year.to_string(), &last)),
            );
            let b =
                import_workbook(&copied, &Templates::builtin(), &ImportOptions::default()).unwrap();
            let found: Vec<Finding> = warnings_and_errors(&b);
            assert_eq!(
                fired(&found),
                ["S.one_budget"].into(),
                "{name} seed {seed}: {found:#?}"
            );
            assert_eq!(found.len(), 1, "{name} seed {seed}: {found:#?}");
            assert_eq!(
                found[0].cells,
                std::slice::from_ref(cell),
                "{name} seed {seed}"
            );
            assert!(found[0].message.contains(&last), "{}", found[0].message);

            // Another department's name on one sheet's 部门/单位 line.
            let mut copied = v.workbook.clone();
            let mut renamed = None;
            'sheets: for s in copied.sheets.iter_mut().filter(|s| !s.hidden) {
                for r in 0..s.height().min(6) {
                    for c in 0..s.row(r).len() as u32 {
                        let t = s.get(r, c).as_text();
                        if t.contains(&dept) && t.contains(['：', ':']) {
                            s.set(r, c, CellValue::Text(t.replace(&dept, other)));
                            renamed = Some(s.cell_ref(r, c));
                            break 'sheets;
                        }
                    }
                }
            }
            let renamed = renamed.expect("a 部门/单位 line");
            let b =
                import_workbook(&copied, &Templates::builtin(), &ImportOptions::default()).unwrap();
            let found: Vec<Finding> = warnings_and_errors(&b);
            assert_eq!(
                fired(&found),
                ["S.one_budget"].into(),
                "{name} seed {seed}: {found:#?}"
            );
            assert_eq!(found[0].cells, [renamed], "{name} seed {seed}: {found:#?}");
            assert!(found[0].message.contains(other), "{}", found[0].message);
        }
    }
}

/// Regression: a 本单位…无… note copied onto the wrong table (表8's on
/// 表9) or from last year's workbook agreed with every rule, as long as
/// the table was empty.
#[test]
fn x_empty_note_names_its_own_table_and_year() {
    use yusuan::workbook::CellValue;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/qiaokou-2024.xlsx");
    let wb = Workbook::open(&path).unwrap();
    let b = sample("qiaokou-2024.xlsx");
    let note = |id: TableId| {
        let m = b.tables.metas().into_iter().find(|m| m.id == id).unwrap();
        m.empty_note().unwrap().clone()
    };
    let (t8, t9) = (note(TableId::T8), note(TableId::T9));
    // The department's own 表11 has a slip of its own (T11.funds): only
    // what the copied note adds counts.
    let before: BTreeSet<String> = check(&b).iter().map(|f| f.message.clone()).collect();
    for (copied_text, at, says) in [
        (t8.text.clone(), &t9.cell, "政府性基金"),
        (t9.text.replace("2024", "2023"), &t9.cell, "2023 年"),
    ] {
        let mut copied = wb.clone();
        let s = copied
            .sheets
            .iter_mut()
            .find(|s| *s.name == *at.sheet)
            .unwrap();
        s.set(at.row, at.col, CellValue::Text(copied_text));
        let b = import_workbook(&copied, &Templates::builtin(), &ImportOptions::default()).unwrap();
        let found: Vec<Finding> = check(&b)
            .into_iter()
            .filter(|f| f.severity != Severity::Info && !before.contains(&f.message))
            .collect();
        assert_eq!(fired(&found), ["X.empty_note"].into(), "{found:#?}");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].cells, std::slice::from_ref(at));
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].message.contains(says), "{}", found[0].message);
    }
}

/// Adds `yuan` to the 资金来源 line `key` of a form.
/// The amount of a 资金来源 line of a form.
fn source(f: &yusuan::model::Form, key: &str) -> Decimal {
    let block = f.blocks("sources").next().unwrap();
    block.line(key).unwrap()["amount"].as_amount().unwrap().yuan
}

fn add_to_source(f: &mut yusuan::model::Form, key: &str, yuan: i64) -> yusuan::workbook::CellRef {
    let block = f.blocks.iter_mut().find(|b| b.key == "sources").unwrap();
    let i = block
        .line_keys
        .iter()
        .position(|k| k.as_deref() == Some(key))
        .unwrap_or_else(|| panic!("no line {key}"));
    match block.rows[i].get_mut("amount") {
        Some(yusuan::model::FormValue::Amount(a)) => {
            a.yuan += Decimal::from(yuan);
            a.cell.clone()
        }
        other => panic!("{key}: {other:?}"),
    }
}

/// Regression: money moved between two 资金来源 lines of a 表12 form (its
/// 合计 and the project's 表10 row kept) agreed with every rule. Over
/// random layouts and each form, the new rule finds it at the moved lines.
#[test]
fn x_t12_sources() {
    for (seed, b) in varied("wenlv-2024.xlsx", 0..4) {
        for form in 0..b.tables.t12.len() {
            let mut b = b.clone();
            let f = &mut b.tables.t12[form];
            // From 一般公共预算 (and its 当年 part) to 单位资金; from
            // 政府性基金 for a project of fund money only.
            let x = 50_000;
            let from: &[&str] = if source(f, "gp") >= Decimal::from(x) {
                &["gp", "gp_current"]
            } else {
                &["gf"]
            };
            let mut moved: BTreeSet<String> = from
                .iter()
                .map(|k| add_to_source(f, k, -x).to_string())
                .collect();
            moved.insert(add_to_source(f, "unit_funds", x).to_string());
            let found: Vec<Finding> = warnings_and_errors(&b);
            assert_eq!(
                fired(&found),
                ["X.t12_sources"].into(),
                "seed {seed} form {form}: {found:#?}"
            );
            assert_eq!(
                found.len(),
                moved.len(),
                "seed {seed} form {form}: {found:#?}"
            );
            let said: BTreeSet<String> = found.iter().map(|f| f.cells[0].to_string()).collect();
            assert_eq!(said, moved, "seed {seed} form {form}");
        }
    }
}

/// Regression: a 表10 project left without its 表12 form changed no total
/// and no rule said it. Over random layouts, each form taken away in turn:
/// the project's row is said, once, as an error; a bureau whose template
/// asks forms of some projects only (`form_per_project = false`) hears
/// nothing.
#[test]
fn x_t10_forms() {
    for (seed, b) in varied("wenlv-2024.xlsx", 0..3) {
        assert!(b.conventions.form_per_project);
        assert!(b.tables.t12.len() >= 2);
        for form in 0..b.tables.t12.len() {
            let mut b = b.clone();
            let gone = b.tables.t12.remove(form);
            let name = gone.field_text("project_name").unwrap().to_string();
            let found: Vec<Finding> = warnings_and_errors(&b);
            assert_eq!(
                fired(&found),
                ["X.t10_forms"].into(),
                "seed {seed} form {form}: {found:#?}"
            );
            assert_eq!(found.len(), 1, "seed {seed} form {form}: {found:#?}");
            assert_eq!(found[0].severity, Severity::Error);
            assert!(found[0].message.contains(&name), "{}", found[0].message);
            let row = b
                .tables
                .t10
                .as_ref()
                .unwrap()
                .rows
                .iter()
                .find(|r| r.name == name)
                .unwrap();
            assert_eq!(
                found[0].cells,
                vec![row.cell.clone(), row.amounts["total"].cell.clone()]
            );
            b.conventions.form_per_project = false;
            assert!(check(&b).iter().all(|f| f.rule != "X.t10_forms"));
        }
    }
}

/// A form under a project code 表10 does not have is said once, by
/// X.t12_t10 (it cannot be placed), not again as its project's missing form.
#[test]
fn x_t10_forms_a_form_under_a_code_t10_lacks_is_said_once() {
    for (seed, b) in varied("wenlv-2024.xlsx", 0..3) {
        for form in 0..b.tables.t12.len() {
            let mut b = b.clone();
            let f = &mut b.tables.t12[form];
            let cell = f.fields["project_name"].cell().clone();
            f.fields.insert(
                "project_code".into(),
                yusuan::model::FormValue::Text(yusuan::model::Text {
                    text: "999999999".into(),
                    cell,
                }),
            );
            let found = warnings_and_errors(&b);
            assert_eq!(
                fired(&found),
                ["X.t12_t10"].into(),
                "seed {seed} form {form}: {found:#?}"
            );
            assert_eq!(found.len(), 1, "seed {seed} form {form}: {found:#?}");
        }
    }
}

/// A form's 政府采购 lines worth more than its 项目当年预算: a warning at
/// every line and the budget; within it, nothing.
#[test]
fn x_t12_procurement() {
    let base = sample("wenlv-2024.xlsx");
    for form in 0..base.tables.t12.len() {
        let mut b = base.clone();
        let f = &mut b.tables.t12[form];
        let year = f.fields["year_budget"].as_amount().unwrap().yuan;
        let block = f
            .blocks
            .iter_mut()
            .find(|b| b.key == "procurement")
            .unwrap();
        let mut cells = BTreeSet::new();
        for (i, row) in block.rows.iter_mut().enumerate() {
            if let Some(yusuan::model::FormValue::Amount(a)) = row.get_mut("amount") {
                // All but the first line bought nothing; the first, the
                // whole budget and one 元 more.
                a.yuan = if i == 0 {
                    year + Decimal::ONE
                } else {
                    Decimal::ZERO
                };
                cells.insert(a.cell.to_string());
            }
        }
        let f = &b.tables.t12[form];
        cells.insert(
            f.fields["year_budget"]
                .as_amount()
                .unwrap()
                .cell
                .to_string(),
        );
        let found: Vec<Finding> = warnings_and_errors(&b);
        assert_eq!(
            fired(&found),
            ["X.t12_procurement"].into(),
            "form {form}: {found:#?}"
        );
        assert_eq!(found[0].severity, Severity::Warning);
        let said: BTreeSet<String> = found[0].cells.iter().map(ToString::to_string).collect();
        assert_eq!(said, cells, "form {form}");
        // The whole budget and not a 元 more: nothing.
        let mut exact = b.clone();
        for row in &mut exact.tables.t12[form]
            .blocks
            .iter_mut()
            .find(|b| b.key == "procurement")
            .unwrap()
            .rows
        {
            if let Some(yusuan::model::FormValue::Amount(a)) = row.get_mut("amount") {
                if !a.yuan.is_zero() {
                    a.yuan = year;
                }
            }
        }
        assert!(check(&exact).iter().all(|f| f.rule != "X.t12_procurement"));
    }
}

/// A 合计 line under a form's 政府采购 items is their sum, not one more
/// item; and a bureau's `[conventions]` name 3-digit classes, each once.
#[test]
fn x_t12_procurement_a_total_line_is_not_an_item_and_conventions_are_checked() {
    let base = sample("wenlv-2024.xlsx");
    let mut b = base.clone();
    let f = &mut b.tables.t12[0];
    let block = f
        .blocks
        .iter_mut()
        .find(|b| b.key == "procurement")
        .unwrap();
    let mut total = block.rows[0].clone();
    let sum: Decimal = block
        .rows
        .iter()
        .filter_map(|r| r.get("amount").and_then(|v| v.as_amount()))
        .map(|a| a.yuan)
        .sum();
    if let Some(yusuan::model::FormValue::Amount(a)) = total.get_mut("amount") {
        a.yuan = sum;
    }
    if let Some(yusuan::model::FormValue::Text(t)) = total.get_mut("item") {
        t.text = "合计".into();
    }
    block.rows.push(total);
    assert!(check(&b).iter().all(|f| f.rule != "X.t12_procurement"));

    use yusuan::template::Template;
    let builtin = Templates::builtin();
    for (body, says) in [
        ("personnel_classes = [\"30l\"]", "不是 3 位"),
        ("public_classes = [\"301\"]", "同时列为"),
    ] {
        let text = format!("id = \"x\"\nextends = \"2024\"\n[conventions]\n{body}\n");
        let e = Template::parse_with(&text, "x.toml", &builtin.all).unwrap_err();
        assert!(e.to_string().contains(says), "{e}");
    }
    // A template that names its own classes keeps the base's other
    // conventions: every project still has its form.
    let text =
        "id = \"x\"\nextends = \"2024\"\n[conventions]\npublic_classes = [\"302\", \"307\"]\n";
    let t = Template::parse_with(text, "x.toml", &builtin.all).unwrap();
    assert_eq!(t.conventions.public_classes, ["302", "307"]);
    assert_eq!(t.conventions.personnel_classes, ["301", "303"]);
    assert!(t.conventions.form_per_project);
}

/// The findings of `b` that `base` does not have (a sample's own slips
/// are not the move's).
fn added(base: &Budget, b: &Budget) -> Vec<Finding> {
    let before: BTreeSet<String> = check(base).iter().map(|f| f.message.clone()).collect();
    check(b)
        .into_iter()
        .filter(|f| f.severity != Severity::Info && !before.contains(&f.message))
        .collect()
}

/// The cells of a coded row's `key`, for the tables named.
fn cells_of(b: &Budget, id: TableId, code: &str, key: &str) -> String {
    b.tables.coded(id).unwrap().row(code).unwrap().amounts[key]
        .cell
        .to_string()
}

/// A pension contribution moved in 表6 from 30108 to 30101 (the 301 class
/// and every total kept): its 功能 项 in 表5-1 no longer matches, a
/// warning at both.
#[test]
fn p_pairs() {
    for name in ["qiaokou-2024.xlsx", "wenlv-2024.xlsx", "putuo-2026.xlsx"] {
        let base = sample(name);
        let mut b = base.clone();
        let t6 = b.tables.t6.as_mut().unwrap();
        for (code, sign) in [("30108", -1), ("30101", 1)] {
            let r = t6
                .rows
                .iter_mut()
                .find(|r| r.code.as_deref() == Some(code))
                .unwrap();
            for k in ["total", "personnel"] {
                r.amounts.get_mut(k).unwrap().yuan += Decimal::from(sign * 10_000);
            }
        }
        let found = added(&base, &b);
        assert_eq!(fired(&found), ["P.pairs"].into(), "{name}: {found:#?}");
        assert_eq!(found[0].severity, Severity::Warning);
        let at: Vec<String> = found[0].cells.iter().map(ToString::to_string).collect();
        assert!(
            at.contains(&cells_of(&b, TableId::T6, "30108", "total")),
            "{name}: {at:?}"
        );
        assert!(
            at.contains(&cells_of(&b, TableId::T5_1, "2080505", "basic_subtotal")),
            "{name}: {at:?}"
        );
    }
}

/// 行政运行 or 事业运行 with 项目支出 is a warning at the cell.
#[test]
fn p_no_project() {
    let base = sample("qiaokou-2024.xlsx");
    let mut b = base.clone();
    shift(
        b.tables.t3.as_mut().unwrap(),
        &["2011350"],
        "basic",
        "project",
        10_000,
    );
    let found = added(&base, &b);
    let said: Vec<&Finding> = found.iter().filter(|f| f.rule == "P.no_project").collect();
    assert_eq!(said.len(), 1, "{found:#?}");
    assert_eq!(said[0].severity, Severity::Warning);
    assert_eq!(
        said[0].cells[0].to_string(),
        cells_of(&b, TableId::T3, "2011350", "project")
    );
}

/// A department with no money outside 财政拨款: 表3 moved between two 项
/// of one 款 (every total kept) no longer equals 表5-1 at either, and the
/// 项 that grew is said by no equality but this one.
#[test]
fn p_t3_fiscal() {
    let base = sample("qiaokou-2024.xlsx");
    let mut b = base.clone();
    let t3 = b.tables.t3.as_mut().unwrap();
    for (code, sign) in [("2101102", -1), ("2101103", 1)] {
        let r = t3
            .rows
            .iter_mut()
            .find(|r| r.code.as_deref() == Some(code))
            .unwrap();
        for k in ["total", "basic"] {
            r.amounts.get_mut(k).unwrap().yuan += Decimal::from(sign * 10_000);
        }
    }
    let found = added(&base, &b);
    let said: BTreeSet<String> = found
        .iter()
        .filter(|f| f.rule == "P.t3_fiscal")
        .map(|f| f.cells[0].to_string())
        .collect();
    for code in ["2101102", "2101103"] {
        assert!(
            said.contains(&cells_of(&b, TableId::T3, code, "total")),
            "{code}: {found:#?}"
        );
    }
    assert!(found
        .iter()
        .filter(|f| f.rule == "P.t3_fiscal")
        .all(|f| f.severity == Severity::Warning));
}

/// A negative amount is a warning at its cell.
#[test]
fn p_negative() {
    let base = sample("wenlv-2024.xlsx");
    let mut b = base.clone();
    let t7 = b.tables.t7.as_mut().unwrap();
    let a = t7.amounts.values_mut().next().unwrap();
    a.yuan = Decimal::from(-100);
    let at = a.cell.to_string();
    let found = added(&base, &b);
    let said: Vec<&Finding> = found.iter().filter(|f| f.rule == "P.negative").collect();
    assert_eq!(said.len(), 1, "{found:#?}");
    assert_eq!(said[0].severity, Severity::Warning);
    assert_eq!(said[0].cells[0].to_string(), at);
}

/// A 执行率 over 100% is a warning at its cell.
#[test]
fn p_percent() {
    let base = sample("wenlv-2024.xlsx");
    let mut b = base.clone();
    let mut at = None;
    'forms: for f in &mut b.tables.t12 {
        for block in &mut f.blocks {
            for r in &mut block.rows {
                for v in r.values_mut() {
                    if let yusuan::model::FormValue::Percent { percent, cell } = v {
                        *percent = Decimal::from(120);
                        at = Some(cell.to_string());
                        break 'forms;
                    }
                }
            }
        }
    }
    let at = at.expect("a 执行率");
    let found = added(&base, &b);
    let said: Vec<&Finding> = found.iter().filter(|f| f.rule == "P.percent").collect();
    assert_eq!(said.len(), 1, "{found:#?}");
    assert_eq!(said[0].severity, Severity::Warning);
    assert_eq!(said[0].cells[0].to_string(), at);
}

/// Regression: 表4 of a layout that splits expenditure by fund was checked
/// by its totals only: money moved between two classes in 一般公共预算 and
/// back in 政府性基金 (each class's total and each fund's total kept)
/// agreed with every rule. Over the second bureau's random departments.
#[test]
fn x_t4_class_funds() {
    use yusuan::samples::putuo_budgets::{Department, Style};
    let mut moved_in = 0;
    for seed in 0..30 {
        let doc = &Department::random(seed).documents(&Style::random(seed))[0];
        let base = import_workbook(
            &doc.workbook,
            &Templates::builtin(),
            &ImportOptions::default(),
        )
        .unwrap();
        assert!(
            check(&base).iter().all(|f| !NEW.contains(&f.rule)),
            "seed {seed}"
        );
        let t4 = base.tables.t4.as_ref().unwrap();
        let x = Decimal::from(1_000);
        let has = |i: usize, k: &str| t4.expense[i].extras.get(k).is_some_and(|a| a.yuan >= x);
        let classes: Vec<usize> = (0..t4.expense.len())
            .filter(|&i| t4.expense[i].class_code.is_some())
            .collect();
        // A class with 政府性基金 money, and another with 一般公共预算 money.
        let Some(&a) = classes.iter().find(|&&i| has(i, "expense_gf")) else {
            continue;
        };
        let Some(&bb) = classes.iter().find(|&&i| i != a && has(i, "expense_gp")) else {
            continue;
        };
        let mut b = base.clone();
        let t4 = b.tables.t4.as_mut().unwrap();
        for (i, gp, gf) in [(a, x, -x), (bb, -x, x)] {
            t4.expense[i].extras.get_mut("expense_gp").unwrap().yuan += gp;
            t4.expense[i].extras.get_mut("expense_gf").unwrap().yuan += gf;
        }
        let moved: BTreeSet<String> = [a, bb]
            .iter()
            .flat_map(|&i| {
                ["expense_gp", "expense_gf"].map(|k| t4.expense[i].extras[k].cell.to_string())
            })
            .collect();
        let found = added(&base, &b);
        assert_eq!(
            fired(&found),
            ["X.t4_class_funds"].into(),
            "seed {seed}: {found:#?}"
        );
        assert_eq!(found.len(), 4, "seed {seed}: {found:#?}");
        for f in &found {
            assert!(
                moved.contains(&f.cells[0].to_string()),
                "seed {seed}: {f:#?}"
            );
        }
        moved_in += 1;
    }
    assert!(
        moved_in >= 5,
        "only {moved_in} departments had two classes to move between"
    );
}

/// Regression: a 功能 code typed for its neighbour names its row
/// differently from the other tables: a warning at both rows.
#[test]
fn x_code_names() {
    let base = sample("wenlv-2024.xlsx");
    let mut b = base.clone();
    let t5 = b.tables.t5_1.as_mut().unwrap();
    let r = t5
        .rows
        .iter_mut()
        .find(|r| r.code.as_deref() == Some("2070109"))
        .unwrap();
    r.name = "文化活动".into();
    let found = added(&base, &b);
    assert_eq!(fired(&found), ["X.code_names"].into(), "{found:#?}");
    assert_eq!(found.len(), 1, "{found:#?}");
    let label = |t: TableId| {
        b.tables
            .coded(t)
            .unwrap()
            .row("2070109")
            .unwrap()
            .cell
            .clone()
    };
    assert_eq!(found[0].cells, [label(TableId::T3), label(TableId::T5_1)]);
}

/// Money in a 款 with no 项 below it is a warning at the row.
#[test]
fn s_depth() {
    let base = sample("qiaokou-2024.xlsx");
    let mut b = base.clone();
    let t3 = b.tables.t3.as_mut().unwrap();
    t3.rows.retain(|r| r.parent.as_deref() != Some("22102"));
    let found = added(&base, &b);
    let said: Vec<&Finding> = found.iter().filter(|f| f.rule == "S.depth").collect();
    assert_eq!(said.len(), 1, "{found:#?}");
    assert_eq!(said[0].severity, Severity::Warning);
    assert_eq!(
        said[0].cells[0],
        b.tables.t3.as_ref().unwrap().row("22102").unwrap().cell
    );
}

/// A bureau's template switches a plausibility rule off: its findings are
/// not reported, the report says it was not run; an equality cannot be
/// switched off, and a rule that does not exist is said.
#[test]
fn s_rules_off() {
    use yusuan::template::Template;
    let builtin = Templates::builtin();
    let quiet = Template::parse_with(
        "id = \"2024-quiet\"\nextends = \"2024\"\nname = \"安静\"\nrules_off = [\"P.negative\", \"P.nothing\"]\n",
        "quiet.toml",
        &builtin.all,
    )
    .unwrap();
    // The workbook read by the bureau's template carries its switches.
    let mut templates = Templates::builtin();
    templates.all.push(quiet);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/wenlv-2024.xlsx");
    let opts = ImportOptions {
        template: Some("2024-quiet".into()),
        ..Default::default()
    };
    let mut b = import_workbook(&Workbook::open(&path).unwrap(), &templates, &opts).unwrap();
    let t7 = b.tables.t7.as_mut().unwrap();
    t7.amounts.values_mut().next().unwrap().yuan = Decimal::from(-100);
    let mut loud = b.clone();
    loud.rules_off.clear();
    assert!(check(&loud).iter().any(|f| f.rule == "P.negative"));
    let found = check(&b);
    assert!(found.iter().all(|f| f.rule != "P.negative"), "{found:#?}");
    let said: Vec<&str> = found
        .iter()
        .filter(|f| f.rule == "S.rules_off")
        .inspect(|f| assert_eq!(f.severity, Severity::Info))
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(
        said[0].contains("P.negative") && said[0].contains("未进行"),
        "{}",
        said[0]
    );
    assert!(
        said[1].contains("P.nothing") && said[1].contains("不存在"),
        "{}",
        said[1]
    );

    let refused = Template::parse_with(
        "id = \"x\"\nextends = \"2024\"\nrules_off = [\"X.units\"]\n",
        "x.toml",
        &builtin.all,
    )
    .unwrap_err()
    .to_string();
    assert!(
        refused.contains("X.units") && refused.contains("只有提示性核对可以关闭"),
        "{refused}"
    );
}
