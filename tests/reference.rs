//! Every figure of every table of the reference department (and of the
//! multi-unit sample, in every layout) comes back from the workbook with the
//! right value in 元 and from the right cell.
//!
//! Expected values come from `samples/data/*.toml` — the published tables as
//! printed. Each imported amount's source cell is read back independently
//! and must hold that figure, in the row of its label and the column its
//! header names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use yusuan::model::TableId;

use rust_decimal::Decimal;
use yusuan::amount::{parse_amount, to_yuan, Unit};
use yusuan::import::{import_file, ImportOptions};
use yusuan::model::{Amount, Budget, CodedRow, Form, FormBlock, FormValue, TableMeta};
use yusuan::samples::{PrintedBudget, FIXTURES};
use yusuan::template::{Side, Templates};
use yusuan::text::norm;
use yusuan::workbook::{CellRef, Workbook};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn fixture(name: &str) -> PrintedBudget {
    let text = FIXTURES
        .iter()
        .find(|(n, _)| *n == name)
        .expect("fixture")
        .1;
    PrintedBudget::parse(text).expect("fixture parses")
}

fn dec(s: &str) -> Decimal {
    if s.trim().is_empty() {
        Decimal::ZERO
    } else {
        Decimal::from_str(s).unwrap()
    }
}

/// Checks one workbook against one fixture, counting the figures compared.
struct Check<'a> {
    fx: &'a PrintedBudget,
    budget: Budget,
    wb: Workbook,
    figures: usize,
}

impl Check<'_> {
    /// `expected` is the printed figure in `display` unit.
    fn amount(&mut self, what: &str, a: Option<&Amount>, expected: &str, display: Unit) {
        let a = a.unwrap_or_else(|| panic!("{what}: no amount imported"));
        let want = to_yuan(dec(expected), display);
        assert_eq!(a.yuan, want, "{what}: value in 元 (cell {})", a.cell);
        assert_eq!(a.yuan.scale(), 2, "{what}: two decimals");
        // The source cell holds that figure, in its own unit.
        let sheet = self
            .wb
            .sheets
            .iter()
            .find(|s| s.name == a.cell.sheet)
            .expect("sheet of provenance");
        let unit = self.meta_unit(&a.cell);
        let p = parse_amount(sheet.get(a.cell.row, a.cell.col))
            .unwrap_or_else(|e| panic!("{what}: {} {e}", a.cell));
        assert_eq!(
            to_yuan(p.value, unit),
            want,
            "{what}: the cell {} holds another figure",
            a.cell
        );
        self.figures += 1;
    }

    fn meta_unit(&self, cell: &CellRef) -> Unit {
        self.budget
            .tables
            .metas()
            .into_iter()
            .find(|m| *m.sheet == *cell.sheet)
            .map(|m| m.unit)
            .expect("table of cell")
    }

    fn column_of(meta: &TableMeta, key: &str) -> String {
        meta.columns
            .iter()
            .find(|c| c.key == key)
            .unwrap_or_else(|| panic!("{} has no column {key}", meta.id))
            .column
            .clone()
    }

    fn coded(&mut self, id: TableId) {
        let g = self.fx.grid(id).unwrap().clone();
        let table = self
            .budget
            .tables
            .coded(id)
            .unwrap_or_else(|| panic!("{id} not imported"))
            .clone();
        let code_i = g.col("code").unwrap();
        let name_i = g.col("name").unwrap();
        let mut fx_rows = g.rows.iter().peekable();
        let total_fx = fx_rows
            .next_if(|r| r[code_i] == "合计" || (r[code_i].is_empty() && r[name_i].is_empty()));
        match (total_fx, &table.total) {
            (Some(fr), Some(tr)) => self.row(id, &g, fr, tr, &table.meta),
            (None, None) => {}
            (f, t) => panic!(
                "{id}: total row expected {} found {}",
                f.is_some(),
                t.is_some()
            ),
        }
        let rest: Vec<_> = fx_rows.collect();
        assert_eq!(rest.len(), table.rows.len(), "{id}: row count");
        for (fr, tr) in rest.iter().zip(&table.rows) {
            assert_eq!(
                tr.code.as_deref(),
                Some(fr[code_i].as_str()),
                "{id}: code at {}",
                tr.cell
            );
            assert_eq!(tr.name, fr[name_i], "{id}: name of {}", fr[code_i]);
            self.row(id, &g, fr, tr, &table.meta);
        }
        for n in &g.notes {
            assert!(
                table.meta.notes.iter().any(|m| norm(&m.text) == norm(n)),
                "{id}: note {n}"
            );
        }
        let says_empty = g.notes.iter().any(|n| n.starts_with("本单位"));
        assert_eq!(
            table.meta.empty_note().is_some(),
            says_empty,
            "{id}: 本单位…无… note"
        );
    }

    fn row(
        &mut self,
        id: TableId,
        g: &yusuan::samples::GridFixture,
        fr: &[String],
        tr: &CodedRow,
        meta: &TableMeta,
    ) {
        let label = fr[g.col("code").unwrap()].clone();
        for (i, key) in g.columns.iter().enumerate() {
            match key.as_str() {
                "code" | "name" => {}
                "unit_name" => assert_eq!(
                    tr.texts.get(key).map(String::as_str).unwrap_or(""),
                    fr[i],
                    "{id} {label} {key}"
                ),
                _ => {
                    let a = tr.amount(key).cloned();
                    self.amount(
                        &format!("{id} {label} {key}"),
                        a.as_ref(),
                        &fr[i],
                        Unit::Wan,
                    );
                    let a = a.unwrap();
                    assert_eq!(
                        a.cell.row, tr.cell.row,
                        "{id} {label} {key}: same row as its label"
                    );
                    assert_eq!(
                        a.cell.a1().trim_end_matches(char::is_numeric),
                        Self::column_of(meta, key),
                        "{id} {label} {key}: column"
                    );
                }
            }
        }
    }

    fn lines(&mut self, id: TableId) {
        let lf = self.fx.lines(id).unwrap().clone();
        let table = self
            .budget
            .tables
            .lines(id)
            .unwrap_or_else(|| panic!("{id} not imported"))
            .clone();
        for (side, label_i, amount_i) in [(Side::Income, 0, 1), (Side::Expense, 1, 3)] {
            let want: Vec<(usize, &[String; 4])> = lf
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| !r[label_i * 2].is_empty())
                .collect();
            let got = table.side(side);
            assert_eq!(got.len(), want.len(), "{id} {side:?}: line count");
            for ((ri, r), line) in want.iter().zip(got) {
                assert_eq!(
                    norm(&line.label),
                    norm(&r[label_i * 2]),
                    "{id} {side:?} label"
                );
                let key = &lf.keys[*ri][label_i];
                assert_eq!(
                    line.key.as_deref().unwrap_or(""),
                    key.as_str(),
                    "{id} {side:?} key of {}",
                    r[label_i * 2]
                );
                if let Some(code) = key.strip_prefix("class_") {
                    assert_eq!(line.class_code.as_deref(), Some(code));
                }
                self.amount(
                    &format!("{id} {}", r[label_i * 2]),
                    Some(&line.amount),
                    &r[amount_i],
                    Unit::Wan,
                );
                assert_eq!(
                    line.amount.cell.row, line.label_cell.row,
                    "{id}: amount beside its label"
                );
            }
        }
        for n in &lf.notes {
            assert!(
                table.meta.notes.iter().any(|m| norm(&m.text) == norm(n)),
                "{id}: note {n}"
            );
        }
    }

    fn single(&mut self) {
        let g = self.fx.t7.clone();
        let t7 = self.budget.tables.t7.clone().expect("t7");
        for row in &g.rows {
            for (i, key) in g.columns.iter().enumerate() {
                self.amount(
                    &format!("t7 {key}"),
                    t7.amounts.get(key),
                    &row[i],
                    Unit::Wan,
                );
            }
        }
        assert_eq!(
            t7.meta.empty_note().is_some(),
            !g.notes.is_empty(),
            "t7 note"
        );
    }

    fn text(form: &Form, key: &str, want: &str) {
        let got = form
            .field_text(key)
            .unwrap_or_else(|| panic!("{} field {key} missing", form.meta.sheet));
        assert_eq!(norm(got), norm(want), "{} field {key}", form.meta.sheet);
    }

    fn block_text(row: &BTreeMap<String, FormValue>, key: &str) -> String {
        match row.get(key) {
            Some(FormValue::Text(t)) => t.text.clone(),
            Some(FormValue::Amount(a)) => a.yuan.to_string(),
            Some(FormValue::Percent { percent, .. }) => format!("{percent}%"),
            None => String::new(),
        }
    }

    fn indicators(block: &FormBlock, keys: &[&str], want: &[Vec<String>]) {
        assert_eq!(block.rows.len(), want.len(), "{} rows", block.key);
        for (row, w) in block.rows.iter().zip(want) {
            for (k, v) in keys.iter().zip(w) {
                assert_eq!(
                    norm(&Self::block_text(row, k)),
                    norm(v),
                    "{} {k}",
                    block.key
                );
            }
        }
    }

    fn percent(&mut self, what: &str, v: Option<&FormValue>, want: &str) {
        let want = want.trim_end_matches('%');
        match v {
            Some(FormValue::Percent { percent, .. }) => assert_eq!(*percent, dec(want), "{what}"),
            other => panic!("{what}: expected a percentage, got {other:?}"),
        }
        self.figures += 1;
    }

    fn dept_form(&mut self) {
        let d = self.fx.t11.clone();
        let f = self.budget.tables.t11.clone().expect("t11");
        Self::text(&f, "dept_name", &d.dept_name);
        Self::text(&f, "filler", &d.filler);
        Self::text(&f, "phone", &d.phone);
        Self::text(&f, "functions", &d.functions);
        Self::text(&f, "tasks", &d.tasks);
        let funds = f.blocks("funds").next().expect("funds block").clone();
        assert_eq!(
            funds.columns["prev2"].rsplit('/').next(),
            Some(d.years[0].as_str())
        );
        assert_eq!(
            funds.columns["prev1"].rsplit('/').next(),
            Some(d.years[1].as_str())
        );
        assert_eq!(funds.rows.len(), d.funds.len(), "funds rows");
        for (row, w) in funds.rows.iter().zip(&d.funds) {
            let what = format!("t11 {} {}", w[0], w[1]);
            assert_eq!(Self::block_text(row, "section"), w[0], "{what}");
            assert_eq!(Self::block_text(row, "label"), w[1], "{what}");
            self.amount(
                &format!("{what} 当年"),
                row.get("current").and_then(FormValue::as_amount),
                &w[2],
                Unit::Wan,
            );
            self.percent(&format!("{what} 占比"), row.get("share"), &w[3]);
            self.amount(
                &format!("{what} {}", d.years[0]),
                row.get("prev2").and_then(FormValue::as_amount),
                &w[4],
                Unit::Wan,
            );
            self.amount(
                &format!("{what} {}", d.years[1]),
                row.get("prev1").and_then(FormValue::as_amount),
                &w[5],
                Unit::Wan,
            );
        }
        let goals = f.blocks("goals").next().expect("goals");
        Self::indicators(
            goals,
            &["long_term", "annual"],
            &d.goals.iter().map(|g| g.to_vec()).collect::<Vec<_>>(),
        );
        let long: Vec<&FormBlock> = f.blocks("long_term_indicators").collect();
        assert_eq!(long.len(), d.long_term.len(), "long-term indicator tables");
        for (b, w) in long.iter().zip(&d.long_term) {
            assert_eq!(
                b.title.as_ref().map(|t| norm(&t.text)),
                Some(norm(&w.title))
            );
            Self::indicators(
                b,
                &["level1", "level2", "name", "value", "standard"],
                &w.rows,
            );
        }
        let annual: Vec<&FormBlock> = f.blocks("annual_indicators").collect();
        assert_eq!(annual.len(), d.annual.len(), "annual indicator tables");
        for (b, w) in annual.iter().zip(&d.annual) {
            assert_eq!(
                b.title.as_ref().map(|t| norm(&t.text)),
                Some(norm(&w.title))
            );
            Self::indicators(
                b,
                &[
                    "level1", "level2", "name", "prev2", "prev1", "value", "standard",
                ],
                &w.rows,
            );
        }
    }

    fn project_forms(&mut self) {
        let forms = self.budget.tables.t12.clone();
        assert_eq!(forms.len(), self.fx.t12.len(), "t12 forms");
        for p in self.fx.t12.clone() {
            let f = forms
                .iter()
                .find(|f| f.field_text("project_name").map(norm) == Some(norm(&p.project_name)))
                .unwrap_or_else(|| panic!("no t12 form for {}", p.project_name));
            assert_eq!(f.meta.unit, Unit::Yuan);
            for (k, v) in p.text_fields() {
                Self::text(f, k, v);
            }
            let name = &p.project_name;
            self.amount(
                &format!("{name} 项目总预算"),
                f.fields.get("total_budget").and_then(FormValue::as_amount),
                &p.total_budget,
                Unit::Yuan,
            );
            self.amount(
                &format!("{name} 项目当年预算"),
                f.fields.get("year_budget").and_then(FormValue::as_amount),
                &p.year_budget,
                Unit::Yuan,
            );
            let past = f.blocks("past_budgets").next().expect("past budgets");
            assert_eq!(past.rows.len(), p.past.len(), "{name} past rows");
            for (row, w) in past.rows.iter().zip(&p.past) {
                assert_eq!(Self::block_text(row, "year"), w[0]);
                for (k, v) in [("budget", &w[1]), ("spent", &w[2])] {
                    if v.is_empty() {
                        assert!(
                            row.get(k)
                                .is_none_or(|x| x.as_amount().is_some_and(|a| a.yuan.is_zero())),
                            "{name} {k}"
                        );
                    } else {
                        self.amount(
                            &format!("{name} {} {k}", w[0]),
                            row.get(k).and_then(FormValue::as_amount),
                            v,
                            Unit::Yuan,
                        );
                    }
                }
                if !w[3].is_empty() {
                    self.percent(&format!("{name} 执行率"), row.get("rate"), &w[3]);
                }
            }
            let sources = f.blocks("sources").next().expect("sources");
            assert_eq!(sources.rows.len(), p.sources.len(), "{name} sources");
            for (row, w) in sources.rows.iter().zip(&p.sources) {
                assert_eq!(Self::block_text(row, "label"), w[0]);
                self.amount(
                    &format!("{name} {}", w[0]),
                    row.get("amount").and_then(FormValue::as_amount),
                    &w[1],
                    Unit::Yuan,
                );
            }
            let details = f.blocks("details").next().expect("details");
            assert_eq!(details.rows.len(), p.details.len(), "{name} details");
            for (row, w) in details.rows.iter().zip(&p.details) {
                assert_eq!(Self::block_text(row, "task"), w[0]);
                assert_eq!(Self::block_text(row, "standard"), w[1]);
                assert_eq!(Self::block_text(row, "note"), w[5]);
                self.amount(
                    &format!("{name} {} 测算数", w[0]),
                    row.get("amount").and_then(FormValue::as_amount),
                    &w[4],
                    Unit::Yuan,
                );
                for (k, v) in [("unit_price", &w[2]), ("quantity", &w[3])] {
                    if !v.is_empty() {
                        self.amount(
                            &format!("{name} {k}"),
                            row.get(k).and_then(FormValue::as_amount),
                            v,
                            Unit::Yuan,
                        );
                    }
                }
            }
            let proc = f.blocks("procurement").next().expect("procurement");
            assert_eq!(
                proc.rows.len(),
                p.procurement.len(),
                "{name} procurement (无 = none)"
            );
            for (row, w) in proc.rows.iter().zip(&p.procurement) {
                assert_eq!(Self::block_text(row, "item"), w[0]);
                assert_eq!(Self::block_text(row, "quantity"), w[1]);
                self.amount(
                    &format!("{name} 采购 {}", w[0]),
                    row.get("amount").and_then(FormValue::as_amount),
                    &w[2],
                    Unit::Yuan,
                );
            }
            let goals = f.blocks("goals").next().expect("goals");
            Self::indicators(
                goals,
                &["name", "text"],
                &p.goals.iter().map(|g| g.to_vec()).collect::<Vec<_>>(),
            );
            let long = f.blocks("long_term_indicators").next().expect("long-term");
            for row in &long.rows {
                assert_eq!(
                    norm(&Self::block_text(row, "goal")),
                    norm(&p.long_term_goal)
                );
            }
            Self::indicators(
                long,
                &["level1", "level2", "name", "value", "standard"],
                &p.long_term,
            );
            let annual = f.blocks("annual_indicators").next().expect("annual");
            for row in &annual.rows {
                assert_eq!(norm(&Self::block_text(row, "goal")), norm(&p.annual_goal));
            }
            Self::indicators(
                annual,
                &[
                    "level1", "level2", "name", "prev2", "prev1", "value", "standard",
                ],
                &p.annual,
            );
        }
    }
}

/// Imports `file` and checks every figure of `fixture`; returns how many.
fn check_all(fixture_name: &str, file: &str) -> usize {
    let fx = fixture(fixture_name);
    let path = sample(file);
    let budget = import_file(&path, &Templates::builtin(), &ImportOptions::default()).unwrap();
    let import_errors: Vec<_> = budget
        .diagnostics
        .iter()
        .filter(|d| d.severity >= yusuan::model::Severity::Warning)
        .collect();
    assert!(
        import_errors.is_empty(),
        "{file}: unexpected import diagnostics {import_errors:#?}"
    );
    assert_eq!(budget.year, Some(fx.year), "{file}: year");
    assert_eq!(
        budget.department.code.as_deref(),
        Some(fx.dept_code.as_str()),
        "{file}: dept code"
    );
    assert_eq!(
        budget.department.name.as_deref(),
        Some(fx.department.as_str()),
        "{file}: dept name"
    );
    let units: Vec<&str> = budget.units.iter().map(|u| u.code.as_str()).collect();
    let want_units: Vec<&str> = fx
        .t2
        .rows
        .iter()
        .map(|r| r[0].as_str())
        .filter(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    assert_eq!(units, want_units, "{file}: units");
    let wb = Workbook::open(&path).unwrap();
    let mut c = Check {
        fx: &fx,
        budget,
        wb,
        figures: 0,
    };
    c.lines(TableId::T1);
    c.lines(TableId::T4);
    for id in yusuan::model::TableId::CODED {
        c.coded(id);
    }
    c.single();
    c.dept_form();
    c.project_forms();
    c.figures
}

#[test]
fn qiaokou_2024_every_figure_of_the_reference() {
    let n = check_all("qiaokou-2024", "qiaokou-2024.xlsx");
    // 表1 39, 表2 51, 表3 102, 表4 36, 表5-1 85, 表5-2 15, 表6 81, 表7 6,
    // 表8/表9 0, 表10 54, 表11 24 (6 lines × 当年/占比/2 past years),
    // 表12-1 14 and 表12-2 15 (budgets 2, past years 4, sources 7, details).
    assert_eq!(n, 522, "figures compared");
}

#[test]
fn qiaokou_2024_figures_stand_in_the_cells_a_reviewer_sees() {
    let b = import_file(
        sample("qiaokou-2024.xlsx"),
        &Templates::builtin(),
        &ImportOptions::default(),
    )
    .unwrap();
    let t = &b.tables;
    let cell = |a: &Amount| (a.cell.to_string(), a.yuan.to_string());
    let t1 = t.t1.as_ref().unwrap();
    assert_eq!(
        cell(&t1.line(Side::Income, "gp").unwrap().amount),
        ("表1!B5".into(), "3248300.00".into())
    );
    assert_eq!(
        cell(&t1.line(Side::Expense, "grand_total").unwrap().amount),
        ("表1!D31".into(), "3248300.00".into())
    );
    let t3 = t.t3.as_ref().unwrap();
    assert_eq!(
        cell(&t3.row("2011308").unwrap().amounts["total"]),
        ("表3!C7".into(), "66700.00".into())
    );
    assert_eq!(
        cell(&t3.total.as_ref().unwrap().amounts["basic"]),
        ("表3!D4".into(), "3181600.00".into())
    );
    let t6 = t.t6.as_ref().unwrap();
    assert_eq!(
        cell(&t6.row("30199").unwrap().amounts["personnel"]),
        ("表6!D16".into(), "1700.00".into())
    );
    let t10 = t.t10.as_ref().unwrap();
    let p = t10.row("42010424137T000000100").unwrap();
    assert_eq!(
        cell(&p.amounts["cur_gp"]),
        ("表10!E9".into(), "38000.00".into())
    );
    assert_eq!(p.parent.as_deref(), Some("31"));
    assert_eq!(t3.row("2011308").unwrap().parent.as_deref(), Some("20113"));
    assert_eq!(t3.row("2011308").unwrap().level.as_deref(), Some("项"));
}

#[test]
fn multi_unit_department_in_the_official_layout() {
    let n = check_all("wenlv-2024", "wenlv-2024.xlsx");
    // 表1 39, 表2 68, 表3 120, 表4 36, 表5-1 85, 表5-2 20, 表6 57, 表7 6, 表8 12,
    // 表10 81, 表11 24, 表12 19 + 13 + 19.
    assert_eq!(n, 599, "figures compared");
}

#[test]
fn multi_unit_department_with_every_quirk() {
    // 公开NN表 names, a visible instruction sheet, reversed sheet order, year in
    // titles, text amounts with separators, `-` for zero, codes as numbers,
    // in the name cell and split over 类|款|项, 表8 in 元, a leading empty
    // column, blank rows between groups, sheets without merged cells.
    let n = check_all("wenlv-2024", "wenlv-2024-quirks.xlsx");
    assert_eq!(n, 599, "figures compared");
}

#[test]
fn multi_unit_department_found_by_titles_alone() {
    let n = check_all("wenlv-2024", "wenlv-2024-sheetnames.xlsx");
    assert_eq!(n, 599, "figures compared");
}

#[test]
fn qiaokou_2024_from_xls() {
    // The same workbook saved as BIFF8 (.xls), merges and hidden sheet kept.
    assert_eq!(check_all("qiaokou-2024", "qiaokou-2024.xls"), 522);
}

#[test]
fn multi_unit_quirks_from_xls() {
    assert_eq!(check_all("wenlv-2024", "wenlv-2024-quirks.xls"), 599);
}
