//! The canonical model back to the printed tables, for writing a normalized
//! workbook in the current (2024) official layout, whatever layout came in.
//!
//! Each table keeps the unit it was read in (万元, or 元 where the source kept
//! 元), so no figure is rounded on the way; blank cells stay blank; text
//! numbers and dashes become numbers.

use std::collections::BTreeMap;

use super::official::Layout;
use super::printed::{
    self, DeptForm, Fixture, GridFixture, IndicatorBlock, LinesFixture, ProjectForm,
};
use crate::amount::{from_yuan, CellForm, Unit};
use crate::model::{Amount, Budget, CodedTable, Form, FormBlock, FormValue, LinesTable};
use crate::template::{Side, Template};

fn show(a: Option<&Amount>, unit: Unit) -> String {
    match a {
        None => String::new(),
        Some(a) if a.form == CellForm::Blank => String::new(),
        Some(a) => from_yuan(a.yuan, unit).to_string(),
    }
}

fn coded(t: Option<&CodedTable>, spec_keys: &[String]) -> GridFixture {
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    if let Some(t) = t {
        let unit = t.meta.unit;
        let row = |code: String, name: String, r: &crate::model::CodedRow| -> Vec<String> {
            spec_keys
                .iter()
                .map(|k| match k.as_str() {
                    "code" => code.clone(),
                    "name" => name.clone(),
                    _ => match r.texts.get(k) {
                        Some(text) => text.clone(),
                        None => show(r.amounts.get(k), unit),
                    },
                })
                .collect()
        };
        if let Some(total) = &t.total {
            rows.push(row("合计".into(), String::new(), total));
        }
        for r in &t.rows {
            rows.push(row(r.code.clone().unwrap_or_default(), r.name.clone(), r));
        }
        notes = t.meta.notes.iter().map(|n| n.text.clone()).collect();
    }
    GridFixture {
        columns: spec_keys.to_vec(),
        rows,
        notes,
    }
}

fn lines(t: Option<&LinesTable>, footer: &[[String; 2]]) -> LinesFixture {
    let mut out = LinesFixture {
        rows: vec![],
        notes: vec![],
        keys: vec![],
    };
    let Some(t) = t else { return out };
    let unit = t.meta.unit;
    let is_footer = |side: usize, key: &Option<String>| {
        key.as_ref()
            .is_some_and(|k| footer.iter().any(|f| &f[side] == k))
    };
    let body = |side: Side, i: usize| -> Vec<&crate::model::Line> {
        t.side(side)
            .iter()
            .filter(|l| !is_footer(i, &l.key))
            .collect()
    };
    let (inc, exp) = (body(Side::Income, 0), body(Side::Expense, 1));
    let cell = |l: Option<&crate::model::Line>| match l {
        Some(l) => (
            l.label.clone(),
            show(Some(&l.amount), unit),
            l.key.clone().unwrap_or_default(),
        ),
        None => (String::new(), String::new(), String::new()),
    };
    for i in 0..inc.len().max(exp.len()) {
        let (a, b) = (cell(inc.get(i).copied()), cell(exp.get(i).copied()));
        out.rows.push([a.0, a.1, b.0, b.1]);
        out.keys.push([a.2, b.2]);
    }
    for [ik, ek] in footer {
        let (a, b) = (
            cell(t.line(Side::Income, ik)),
            cell(t.line(Side::Expense, ek)),
        );
        if a.0.is_empty() && b.0.is_empty() {
            continue;
        }
        out.rows.push([a.0, a.1, b.0, b.1]);
        out.keys.push([a.2, b.2]);
    }
    out.notes = t.meta.notes.iter().map(|n| n.text.clone()).collect();
    out
}

fn text(v: Option<&FormValue>) -> String {
    match v {
        Some(FormValue::Text(t)) => t.text.clone(),
        Some(FormValue::Amount(a)) => a.yuan.to_string(),
        Some(FormValue::Percent { percent, .. }) => format!("{percent}%"),
        None => String::new(),
    }
}

/// A block value as printed in the form's unit.
fn printed_value(v: Option<&FormValue>, unit: Unit) -> String {
    match v {
        Some(FormValue::Amount(a)) => show(Some(a), unit),
        other => text(other),
    }
}

fn rows(b: Option<&FormBlock>, keys: &[&str], unit: Unit) -> Vec<Vec<String>> {
    b.map(|b| {
        b.rows
            .iter()
            .map(|r| {
                keys.iter()
                    .map(|k| printed_value(r.get(*k), unit))
                    .collect()
            })
            .collect()
    })
    .unwrap_or_default()
}

fn field(f: &Form, key: &str) -> String {
    text(f.fields.get(key))
}

fn year_label(b: Option<&FormBlock>, key: &str) -> String {
    b.and_then(|b| b.columns.get(key))
        .map(|h| h.rsplit('/').next().unwrap_or(h).to_string())
        .unwrap_or_default()
}

fn dept_form(f: Option<&Form>) -> DeptForm {
    let Some(f) = f else {
        return DeptForm {
            title: String::new(),
            dept_name: String::new(),
            filler: String::new(),
            phone: String::new(),
            years: [String::new(), String::new()],
            funds: vec![],
            functions: String::new(),
            tasks: String::new(),
            goals: vec![],
            long_term: vec![],
            annual: vec![],
        };
    };
    let unit = f.meta.unit;
    let funds = f.blocks("funds").next();
    let to6 = |v: Vec<String>| -> [String; 6] {
        std::array::from_fn(|i| v.get(i).cloned().unwrap_or_default())
    };
    let to2 = |v: Vec<String>| -> [String; 2] {
        std::array::from_fn(|i| v.get(i).cloned().unwrap_or_default())
    };
    let blocks = |key: &str, cols: &[&str]| -> Vec<IndicatorBlock> {
        f.blocks(key)
            .map(|b| IndicatorBlock {
                title: b.title.as_ref().map(|t| t.text.clone()).unwrap_or_default(),
                rows: rows(Some(b), cols, unit),
            })
            .collect()
    };
    DeptForm {
        title: f
            .meta
            .title
            .as_ref()
            .map(|t| t.text.clone())
            .unwrap_or_default(),
        dept_name: field(f, "dept_name"),
        filler: field(f, "filler"),
        phone: field(f, "phone"),
        years: [year_label(funds, "prev2"), year_label(funds, "prev1")],
        funds: rows(funds, &printed::FUNDS_KEYS, unit)
            .into_iter()
            .map(to6)
            .collect(),
        functions: field(f, "functions"),
        tasks: field(f, "tasks"),
        goals: rows(f.blocks("goals").next(), &printed::DEPT_GOAL_KEYS, unit)
            .into_iter()
            .map(to2)
            .collect(),
        long_term: blocks("long_term_indicators", &printed::LONG_TERM_KEYS),
        annual: blocks("annual_indicators", &printed::ANNUAL_KEYS),
    }
}

fn project_form(f: &Form) -> ProjectForm {
    let unit = f.meta.unit;
    let block = |k: &str| f.blocks(k).next();
    let arr = |v: Vec<String>| -> Vec<String> { v };
    let fixed = |v: Vec<Vec<String>>, n: usize| -> Vec<Vec<String>> {
        v.into_iter()
            .map(|mut r| {
                r.resize(n, String::new());
                r
            })
            .collect()
    };
    let first_goal = |k: &str| {
        block(k)
            .and_then(|b| b.rows.first())
            .map(|r| text(r.get("goal")))
            .unwrap_or_default()
    };
    ProjectForm {
        project_name: field(f, "project_name"),
        department: field(f, "department"),
        executor: field(f, "executor"),
        manager: field(f, "manager"),
        phone: field(f, "phone"),
        address: field(f, "address"),
        parent_project: field(f, "parent_project"),
        frequency: field(f, "frequency"),
        start_year: field(f, "start_year"),
        end_year: field(f, "end_year"),
        overview: field(f, "overview"),
        basis: field(f, "basis"),
        plan: field(f, "plan"),
        total_budget: printed_value(f.fields.get("total_budget"), unit),
        year_budget: printed_value(f.fields.get("year_budget"), unit),
        past: rows(block("past_budgets"), &printed::PAST_KEYS, unit)
            .into_iter()
            .map(|r| std::array::from_fn(|i| r[i].clone()))
            .collect(),
        sources: rows(block("sources"), &printed::SOURCE_KEYS, unit)
            .into_iter()
            .map(|r| std::array::from_fn(|i| r[i].clone()))
            .collect(),
        details: rows(block("details"), &printed::DETAIL_KEYS, unit)
            .into_iter()
            .map(|r| std::array::from_fn(|i| r[i].clone()))
            .collect(),
        procurement: rows(block("procurement"), &printed::PROCUREMENT_KEYS, unit)
            .into_iter()
            .map(|r| std::array::from_fn(|i| r[i].clone()))
            .collect(),
        goals: rows(block("goals"), &printed::PROJECT_GOAL_KEYS, unit)
            .into_iter()
            .map(|r| std::array::from_fn(|i| r[i].clone()))
            .collect(),
        long_term_goal: first_goal("long_term_indicators"),
        long_term: fixed(
            rows(
                block("long_term_indicators"),
                &printed::LONG_TERM_KEYS,
                unit,
            ),
            5,
        )
        .into_iter()
        .map(arr)
        .collect(),
        annual_goal: first_goal("annual_indicators"),
        annual: fixed(
            rows(block("annual_indicators"), &printed::ANNUAL_KEYS, unit),
            7,
        ),
    }
}

/// A budget's tables as printed in `t`'s layout, each in the unit it was
/// read in: what the official-layout writer lays out.
pub fn printed(b: &Budget, t: &Template) -> Fixture {
    let keys = |id: &str| -> Vec<String> {
        t.table(id)
            .map(|s| s.printed_columns().map(|c| c.key.clone()).collect())
            .unwrap_or_default()
    };
    let footer = |id: &str| t.table(id).map(|s| s.footer.clone()).unwrap_or_default();
    let tb = &b.tables;
    Fixture {
        file: String::new(),
        department: b.department.name.clone().unwrap_or_default(),
        level: b.level,
        dept_code: b.department.code.clone().unwrap_or_default(),
        year: b.year.unwrap_or(0),
        t1: lines(tb.t1.as_ref(), &footer("t1")),
        t2: coded(tb.t2.as_ref(), &keys("t2")),
        t3: coded(tb.t3.as_ref(), &keys("t3")),
        t4: lines(tb.t4.as_ref(), &footer("t4")),
        t5_1: coded(tb.t5_1.as_ref(), &keys("t5_1")),
        t5_2: coded(tb.t5_2.as_ref(), &keys("t5_2")),
        t6: coded(tb.t6.as_ref(), &keys("t6")),
        t7: {
            let mut g = GridFixture {
                columns: keys("t7"),
                rows: vec![],
                notes: vec![],
            };
            if let Some(s) = &tb.t7 {
                if !s.amounts.is_empty() {
                    g.rows.push(
                        g.columns
                            .iter()
                            .map(|k| show(s.amounts.get(k), s.meta.unit))
                            .collect(),
                    );
                }
                g.notes = s.meta.notes.iter().map(|n| n.text.clone()).collect();
            }
            g
        },
        t8: coded(tb.t8.as_ref(), &keys("t8")),
        t9: coded(tb.t9.as_ref(), &keys("t9")),
        t10: coded(tb.t10.as_ref(), &keys("t10")),
        t11: dept_form(tb.t11.as_ref()),
        t12: tb.t12.iter().map(project_form).collect(),
    }
}

/// How a normalized workbook is laid out: the official layout for paper,
/// each table in the unit it was read in, the tables the source lacks
/// present as placeholders.
pub fn layout(b: &Budget, t: &Template) -> Layout {
    let tb = &b.tables;
    let present: BTreeMap<&str, crate::amount::Unit> =
        tb.metas().iter().map(|m| (m.id.as_str(), m.unit)).collect();
    let mut layout = Layout::official();
    // For paper and for reading back: a cover with the year and the list of
    // tables, placeholders for the tables the source lacks.
    layout.normalized = true;
    layout.cover = true;
    layout.source_template = b.source.template.clone();
    layout.instructions = None;
    // Compressed fast: a bulk run writes thousands; the package is a few
    // kilobytes larger.
    layout.zip_level = Some(1);
    layout.form_year_line = b.year.is_some();
    // The year in every title (`2026年收支总表`), so it survives the round
    // trip whatever note or title of the source carried it.
    layout.year_in_titles = b.year.is_some();
    for spec in &t.tables {
        match present.get(spec.id.as_str()) {
            None => layout.omit_ids.push(spec.id.clone()),
            Some(Unit::Yuan) if spec.id != "t12" => layout.yuan_ids.push(spec.id.clone()),
            Some(_) => {}
        }
    }
    layout
}
