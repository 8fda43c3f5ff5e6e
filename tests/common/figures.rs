//! Every figure of a budget by what it is, whatever sheet and cell held
//! it, and whether a template has a place for it: what the round trips of
//! writing (`--as`, `--into`) compare.

#![allow(dead_code)]

use std::collections::BTreeMap;
use yusuan::model::TableId;

use yusuan::model::{Budget, FormValue};
use yusuan::template::{Side, Template};

/// A figure by what it is, whatever sheet and cell held it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    /// (table, row code or `合计`, which row of that code, row level,
    /// column key).
    Coded(TableId, String, usize, Option<String>, String),
    /// (table, side, line key or the label read, further column or "").
    Line(TableId, Side, String, Option<String>, String),
    /// (table t7, column key).
    Single(String),
    /// (table, form, what): a form's field or block cell.
    Form(TableId, String, String),
    Year,
    Department,
}

/// A figure written in its cell (a blank cell is none), exact in 元.
fn figure(a: &yusuan::model::Amount) -> Option<String> {
    (a.form != yusuan::amount::CellForm::Blank).then(|| a.yuan.normalize().to_string())
}

/// Every figure of a budget (every value of its forms, texts too), and
/// its year and department.
pub fn figures(b: &Budget) -> BTreeMap<Key, String> {
    let mut out = BTreeMap::new();
    let tb = &b.tables;
    for id in yusuan::model::TableId::CODED {
        let Some(t) = tb.coded(id) else { continue };
        let rows = t
            .total
            .iter()
            .map(|r| (None, r))
            .chain(t.rows.iter().map(|r| (Some(r), r)));
        // 表10 repeats its category codes under each unit.
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (coded, r) in rows {
            let code = coded
                .and_then(|r| r.code.clone())
                .unwrap_or_else(|| "合计".into());
            let n = seen.entry(code.clone()).or_default();
            for (k, a) in r.amounts.iter().chain(&r.extras) {
                if let Some(v) = figure(a) {
                    let key = Key::Coded(id, code.clone(), *n, r.level.clone(), k.clone());
                    out.insert(key, v);
                }
            }
            *n += 1;
        }
    }
    for id in [TableId::T1, TableId::T4] {
        let Some(t) = tb.lines(id) else { continue };
        for side in [Side::Income, Side::Expense] {
            for l in t.side(side) {
                let name = l.key.clone().unwrap_or_else(|| {
                    yusuan::text::strip_ordinal(&yusuan::text::norm(&l.label)).to_string()
                });
                let class = l.class_code.clone();
                if let Some(v) = figure(&l.amount) {
                    out.insert(
                        Key::Line(id, side, name.clone(), class.clone(), String::new()),
                        v,
                    );
                }
                for (k, a) in &l.extras {
                    if let Some(v) = figure(a) {
                        out.insert(
                            Key::Line(id, side, name.clone(), class.clone(), k.clone()),
                            v,
                        );
                    }
                }
            }
        }
    }
    if let Some(t) = &tb.t7 {
        for (k, a) in t.amounts.iter().chain(&t.extras) {
            if let Some(v) = figure(a) {
                out.insert(Key::Single(k.clone()), v);
            }
        }
    }
    for (id, forms) in [
        (TableId::T11, tb.t11.iter().collect::<Vec<_>>()),
        (TableId::T12, tb.t12.iter().collect()),
    ] {
        for f in forms {
            let name = f
                .field_text("project_name")
                .or(f.field_text("dept_name"))
                .unwrap_or("")
                .to_string();
            let show = |v: &FormValue| match v {
                FormValue::Amount(a) => figure(a),
                FormValue::Percent { percent, .. } => Some(format!("{}%", percent.normalize())),
                // Words, said so: a year or a phone number is not a figure.
                FormValue::Text(t) => {
                    (!t.text.trim().is_empty()).then(|| format!("“{}”", t.text.trim()))
                }
            };
            for (k, v) in &f.fields {
                if let Some(v) = show(v) {
                    out.insert(Key::Form(id, name.clone(), format!("field {k}")), v);
                }
            }
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for b in &f.blocks {
                let n = seen.entry(&b.key).or_default();
                for (i, row) in b.rows.iter().enumerate() {
                    for (k, v) in row {
                        if let Some(v) = show(v) {
                            out.insert(
                                Key::Form(id, name.clone(), format!("{} {n} {i} {k}", b.key)),
                                v,
                            );
                        }
                    }
                }
                *n += 1;
            }
        }
    }
    out.insert(Key::Year, format!("{:?}", b.year));
    out.insert(Key::Department, format!("{:?}", b.department.name));
    out
}

/// Whether the template has a place for a figure: its table, and in it
/// the column it prints (a coded row of a level it has), the line (a class
/// line on its class side, a line it does not know kept by its label).
pub fn has_place(t: &Template, key: &Key) -> bool {
    // A column the table prints (the template's `[tables.print] columns`,
    // or the columns its header is printed over).
    let column = |id: TableId, k: &str| {
        t.table(id)
            .and_then(|s| s.printed())
            .is_some_and(|p| p.iter().any(|c| c.key == k))
    };
    match key {
        Key::Coded(id, _, _, level, col) => {
            let Some(spec) = t.table(*id) else {
                return false;
            };
            let level_ok = match level {
                None => true,
                Some(l) => spec.levels.iter().any(|x| &x.name == l),
            };
            level_ok && column(*id, col)
        }
        Key::Line(id, side, name, class, col) => {
            let Some(spec) = t.table(*id) else {
                return false;
            };
            let line = match class {
                Some(code) => {
                    spec.class_side == Some(*side)
                        && t.functional_classes.iter().any(|c| &c.code == code)
                }
                None => {
                    spec.lines.iter().any(|l| l.side == *side && &l.key == name)
                        || !spec.lines.iter().any(|l| &l.key == name)
                            && !name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                }
            };
            line && (col.is_empty() || column(*id, col))
        }
        Key::Single(col) => column(TableId::T7, col),
        Key::Form(id, ..) => t.table(*id).is_some(),
        Key::Year | Key::Department => true,
    }
}

/// Whether a value is a figure (an amount or a share), not words.
pub fn is_number(k: &Key, v: &str) -> bool {
    match k {
        Key::Form(..) => !v.starts_with('“'),
        Key::Year | Key::Department => false,
        _ => true,
    }
}
