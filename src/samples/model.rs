//! A sample's tables as printed, made into the canonical model, so that the
//! samples are written by the same writer as a normalized workbook: fixture
//! → model → [`crate::export::layout`]. Figures become exact amounts in
//! 元 (the fixtures print 万元, 表12 元), blanks stay blank, percentages
//! stay percentages, texts stay texts. There are no source cells yet: every
//! value points at `样例!A1`. Exact both ways: the five bundled samples
//! written through the model are byte for byte the committed files
//! (`tests/samples_fresh.rs`).

use crate::model::TableId;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::printed::{
    self as printed, DeptForm, GridFixture, LinesFixture, PrintedBudget, ProjectForm,
};
use crate::amount::{to_yuan, CellForm, Unit};
use crate::model::{
    Amount, Budget, CodedRow, CodedTable, Coverage, Department, Form, FormBlock, FormValue, Line,
    LinesTable, Note, SingleTable, TableMeta, Tables, Text,
};
use crate::template::{Role, Template};
use crate::workbook::{CellRef, Format};

fn nowhere() -> CellRef {
    CellRef::new(Arc::from("样例"), 0, 0)
}

fn number(s: &str) -> Option<Decimal> {
    Decimal::from_str(&s.trim().replace(',', "")).ok()
}

/// A printed figure in `unit` as an amount; blank when the cell is.
fn amount(s: &str, unit: Unit) -> Option<Amount> {
    let (yuan, form) = if s.trim().is_empty() {
        (Decimal::ZERO, CellForm::Blank)
    } else {
        (to_yuan(number(s)?, unit), CellForm::Number)
    };
    Some(Amount {
        yuan,
        cell: nowhere(),
        form,
    })
}

fn text(s: &str) -> Text {
    Text {
        text: s.to_string(),
        cell: nowhere(),
    }
}

/// A form value as printed: a percentage (`97.95%`), a figure where the
/// column holds figures, or text.
fn value(s: &str, unit: Unit, figure: bool) -> FormValue {
    let t = s.trim();
    if !figure {
        return FormValue::Text(text(s));
    }
    if let Some(p) = t.strip_suffix('%').and_then(number) {
        return FormValue::Percent {
            percent: p,
            cell: nowhere(),
        };
    }
    match number(t).and_then(|_| amount(t, unit)) {
        Some(a) if !t.is_empty() => FormValue::Amount(a),
        _ => FormValue::Text(text(s)),
    }
}

fn meta(id: TableId, unit: Unit, title: Option<&str>, notes: &[String]) -> TableMeta {
    TableMeta {
        id,
        number: id.canonical_number().to_string(),
        sheet: String::new(),
        title: title.map(text),
        range: String::new(),
        unit,
        unit_cell: None,
        columns: vec![],
        missing_columns: vec![],
        extra_columns: vec![],
        notes: notes
            .iter()
            .map(|n| Note {
                text: n.clone(),
                cell: nowhere(),
                says_empty: false,
            })
            .collect(),
        coverage: Coverage::default(),
    }
}

fn coded(id: TableId, g: &GridFixture, t: &Template) -> CodedTable {
    let unit = Unit::Wan;
    let role = |key: &str| {
        t.table(id)
            .and_then(|s| s.columns.iter().find(|c| c.key == key))
            .map(|c| c.role)
    };
    let cell = |row: &[String], key: &str| g.col(key).map_or("", |i| row[i].as_str()).to_string();
    let mut table = CodedTable {
        meta: meta(id, unit, None, &g.notes),
        total: None,
        rows: vec![],
    };
    for row in &g.rows {
        let code = cell(row, "code");
        let mut r = CodedRow {
            code: (!code.is_empty() && code != "合计").then(|| code.clone()),
            name: cell(row, "name"),
            level: None,
            depth: 0,
            parent: None,
            cell: nowhere(),
            texts: BTreeMap::new(),
            amounts: BTreeMap::new(),
            extras: BTreeMap::new(),
        };
        for (i, key) in g.columns.iter().enumerate() {
            if key == "code" || key == "name" {
                continue;
            }
            if role(key) == Some(Role::Text) {
                r.texts.insert(key.clone(), row[i].clone());
            } else if let Some(a) = amount(&row[i], unit) {
                r.amounts.insert(key.clone(), a);
            } else {
                r.texts.insert(key.clone(), row[i].clone());
            }
        }
        if code == "合计" {
            table.total = Some(r);
        } else {
            table.rows.push(r);
        }
    }
    table
}

fn lines(id: TableId, lf: &LinesFixture) -> LinesTable {
    let unit = Unit::Wan;
    let line = |label: &str, figure: &str, key: &str| -> Option<Line> {
        (!label.is_empty()).then(|| Line {
            key: (!key.is_empty()).then(|| key.to_string()),
            class_code: key.strip_prefix("class_").map(str::to_string),
            label: label.to_string(),
            label_cell: nowhere(),
            amount: amount(figure, unit).unwrap_or(Amount {
                yuan: Decimal::ZERO,
                cell: nowhere(),
                form: CellForm::Blank,
            }),
            within: None,
            part_of: None,
            extras: BTreeMap::new(),
        })
    };
    let mut t = LinesTable {
        meta: meta(id, unit, None, &lf.notes),
        income: vec![],
        expense: vec![],
    };
    for (row, keys) in lf.rows.iter().zip(&lf.keys) {
        t.income.extend(line(&row[0], &row[1], &keys[0]));
        t.expense.extend(line(&row[2], &row[3], &keys[1]));
    }
    t
}

fn single(g: &GridFixture) -> SingleTable {
    let unit = Unit::Wan;
    let mut amounts = BTreeMap::new();
    if let Some(row) = g.rows.first() {
        for (key, s) in g.columns.iter().zip(row) {
            if let Some(a) = amount(s, unit) {
                amounts.insert(key.clone(), a);
            }
        }
    }
    SingleTable {
        meta: meta(TableId::T7, unit, None, &g.notes),
        amounts,
        extras: BTreeMap::new(),
    }
}

fn block(
    key: &str,
    title: Option<&str>,
    columns: BTreeMap<String, String>,
    keys: &[&str],
    rows: &[Vec<String>],
    unit: Unit,
) -> FormBlock {
    // The columns of figures and percentages; the rest (indicator values
    // such as `7000家以上`, years, names) are texts.
    const FIGURES: [&str; 10] = [
        "current",
        "share",
        "prev2",
        "prev1",
        "budget",
        "spent",
        "rate",
        "amount",
        "unit_price",
        "quantity",
    ];
    let figures = !key.ends_with("_indicators");
    FormBlock {
        key: key.to_string(),
        title: title.map(text),
        columns,
        rows: rows
            .iter()
            .map(|r| {
                keys.iter()
                    .zip(r)
                    .filter(|(_, s)| !s.is_empty())
                    .map(|(k, s)| {
                        let figure = figures && FIGURES.contains(k);
                        (k.to_string(), value(s, unit, figure))
                    })
                    .collect()
            })
            .collect(),
        line_keys: vec![],
        sub_keys: vec![],
        part_of: vec![],
    }
}

fn dept_form(d: &DeptForm) -> Form {
    let unit = Unit::Wan;
    let fields = [
        ("dept_name", &d.dept_name),
        ("filler", &d.filler),
        ("phone", &d.phone),
        ("functions", &d.functions),
        ("tasks", &d.tasks),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k.to_string(), FormValue::Text(text(v))))
    .collect();
    let years: BTreeMap<String, String> = [
        ("prev2".to_string(), d.years[0].clone()),
        ("prev1".to_string(), d.years[1].clone()),
    ]
    .into();
    let funds: Vec<Vec<String>> = d.funds.iter().map(|r| r.to_vec()).collect();
    let goals: Vec<Vec<String>> = d.goals.iter().map(|r| r.to_vec()).collect();
    let mut blocks = vec![
        block("funds", None, years, &printed::FUNDS_KEYS, &funds, unit),
        block(
            "goals",
            None,
            BTreeMap::new(),
            &printed::DEPT_GOAL_KEYS,
            &goals,
            unit,
        ),
    ];
    for b in &d.long_term {
        blocks.push(block(
            "long_term_indicators",
            Some(&b.title),
            BTreeMap::new(),
            &printed::LONG_TERM_KEYS,
            &b.rows,
            unit,
        ));
    }
    for b in &d.annual {
        blocks.push(block(
            "annual_indicators",
            Some(&b.title),
            BTreeMap::new(),
            &printed::ANNUAL_KEYS,
            &b.rows,
            unit,
        ));
    }
    Form {
        meta: meta(TableId::T11, unit, Some(&d.title), &[]),
        fields,
        blocks,
    }
}

fn project_form(p: &ProjectForm) -> Form {
    let unit = Unit::Yuan;
    let mut fields: BTreeMap<String, FormValue> = p
        .text_fields()
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), FormValue::Text(text(v))))
        .collect();
    for (k, v) in [
        ("total_budget", &p.total_budget),
        ("year_budget", &p.year_budget),
    ] {
        if !v.is_empty() {
            fields.insert(k.to_string(), value(v, unit, true));
        }
    }
    // Fixed-width rows as the block's rows.
    fn rows<const N: usize>(v: &[[String; N]]) -> Vec<Vec<String>> {
        v.iter().map(|r| r.to_vec()).collect()
    }
    let with_goal = |goal: &str, rows: &[Vec<String>]| -> Vec<Vec<String>> {
        rows.iter()
            .enumerate()
            .map(|(i, r)| {
                let mut r = r.clone();
                r.push(if i == 0 {
                    goal.to_string()
                } else {
                    String::new()
                });
                r
            })
            .collect()
    };
    let none = BTreeMap::new;
    let blocks = vec![
        block(
            "past_budgets",
            None,
            none(),
            &printed::PAST_KEYS,
            &rows(&p.past),
            unit,
        ),
        block(
            "sources",
            None,
            none(),
            &printed::SOURCE_KEYS,
            &rows(&p.sources),
            unit,
        ),
        block(
            "details",
            None,
            none(),
            &printed::DETAIL_KEYS,
            &rows(&p.details),
            unit,
        ),
        block(
            "procurement",
            None,
            none(),
            &printed::PROCUREMENT_KEYS,
            &rows(&p.procurement),
            unit,
        ),
        block(
            "goals",
            None,
            none(),
            &printed::PROJECT_GOAL_KEYS,
            &rows(&p.goals),
            unit,
        ),
        block(
            "long_term_indicators",
            None,
            none(),
            &["level1", "level2", "name", "value", "standard", "goal"],
            &with_goal(&p.long_term_goal, &p.long_term),
            unit,
        ),
        block(
            "annual_indicators",
            None,
            none(),
            &[
                "level1", "level2", "name", "prev2", "prev1", "value", "standard", "goal",
            ],
            &with_goal(&p.annual_goal, &p.annual),
            unit,
        ),
    ];
    Form {
        meta: meta(TableId::T12, unit, None, &[]),
        fields,
        blocks,
    }
}

/// The model of a sample's tables as printed, for `template`'s tables.
pub fn to_budget(fx: &PrintedBudget, template: &Template) -> Budget {
    let has = |id: TableId| template.table(id).is_some();
    let grid = |id: TableId| {
        fx.grid(id)
            .filter(|_| has(id))
            .map(|g| coded(id, g, template))
    };
    let tables = Tables {
        t1: has(TableId::T1).then(|| lines(TableId::T1, &fx.t1)),
        t2: grid(TableId::T2),
        t3: grid(TableId::T3),
        t4: has(TableId::T4).then(|| lines(TableId::T4, &fx.t4)),
        t5_1: grid(TableId::T5_1),
        t5_2: grid(TableId::T5_2),
        t6: grid(TableId::T6),
        t7: has(TableId::T7).then(|| single(&fx.t7)),
        t8: grid(TableId::T8),
        t9: grid(TableId::T9),
        t10: grid(TableId::T10),
        t11: has(TableId::T11).then(|| dept_form(&fx.t11)),
        t12: if has(TableId::T12) {
            fx.t12.iter().map(project_form).collect()
        } else {
            vec![]
        },
    };
    Budget {
        source: crate::model::SourceInfo {
            path: fx.file.clone(),
            format: Format::Xlsx,
            template: template.id.clone(),
            template_reason: "样例".into(),
            sheets: vec![],
        },
        year: (fx.year > 0).then_some(fx.year),
        year_from: None,
        department: Department {
            code: (!fx.dept_code.is_empty()).then(|| fx.dept_code.clone()),
            name: Some(fx.department.clone()),
            name_cell: None,
        },
        units: vec![],
        level: fx.level,
        level_from: None,
        budget_unit: None,
        tables,
        diagnostics: vec![],
        declared_checks: vec![],
        rules_off: vec![],
        conventions: Default::default(),
        narrative: None,
    }
}
