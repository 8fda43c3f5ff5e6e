//! A batch's years in the warehouse: `dept_years` (one row per budget and
//! year: its headline figures with their cells, and the change from the
//! previous year the batch holds) and `project_years` (one row per project
//! and year: its 表10 figures, and what a later year's 表12 restates of
//! it). Made from the batch's [`YearSummary`]s once every input is read.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::amount::{from_yuan, Unit};
use crate::reconcile::years::{Fig, YearSummary, HEADLINES};
use crate::workbook::CellRef;

/// Files made from the whole batch, not an input at a time.
pub const FILES: [&str; 3] = ["dept_years", "project_years", "across_years"];

/// (column, type, meaning) of a CSV file.
pub type Column = (&'static str, &'static str, &'static str);

const KEY: [Column; 8] = [
    ("year", "integer", "预算年度"),
    ("dept_code", "text", "部门编码"),
    ("budget_level", "text", "`部门` 或 `单位`"),
    ("unit_code", "text", "单位预算的单位编码，或空"),
    ("dept_name", "text", "部门名称"),
    (
        "source_file",
        "text",
        "该年度的输入，与各表的 source_file 相同",
    ),
    (
        "source_hash",
        "text",
        "该年度输入的内容哈希，与各表的 source_hash 相同",
    ),
    ("unit", "text", "金额列的单位：`元` 或 `万元`（--unit wan）"),
];

/// Each headline figure's columns in `dept_years`: the figure, its cell,
/// its change from the previous year, in percent.
const HEADLINE_COLUMNS: [(&str, &str, &str, &str); 6] = [
    (
        "income_total",
        "income_total_cell",
        "income_total_change",
        "income_total_change_percent",
    ),
    (
        "expense_total",
        "expense_total_cell",
        "expense_total_change",
        "expense_total_change_percent",
    ),
    (
        "fiscal_income",
        "fiscal_income_cell",
        "fiscal_income_change",
        "fiscal_income_change_percent",
    ),
    (
        "basic",
        "basic_cell",
        "basic_change",
        "basic_change_percent",
    ),
    (
        "project",
        "project_cell",
        "project_change",
        "project_change_percent",
    ),
    (
        "three_public",
        "three_public_cell",
        "three_public_change",
        "three_public_change_percent",
    ),
];

/// The two files' columns.
pub fn schemas() -> Vec<(&'static str, Vec<Column>)> {
    let mut dept: Vec<Column> = KEY.to_vec();
    dept.push((
        "prev_year",
        "integer",
        "批中同一预算的上一个年度（变动与之相比），或空",
    ));
    for (key, cell, change, percent) in HEADLINE_COLUMNS {
        let what = HEADLINES
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, w)| w);
        dept.push((key, "decimal", what));
        dept.push((cell, "text", "其来源单元格"));
        dept.push((change, "decimal", "比上一年度增减（金额）"));
        dept.push((
            percent,
            "decimal",
            "比上一年度增减（百分点，10.70 = 增长 10.7%）；上一年度为 0 时为空",
        ));
    }
    let mut project: Vec<Column> = KEY.to_vec();
    project.extend([
        ("project_code", "text", "项目编码（保留前导零）"),
        ("project_name", "text", "项目名称"),
        ("executor", "text", "项目执行单位（表12）或表10 中所属单位"),
        (
            "t10_total",
            "decimal",
            "该年度表10 该项目合计；该年度不在批中为空",
        ),
        ("t10_total_cell", "text", "其来源单元格"),
        (
            "t10_gp",
            "decimal",
            "该年度表10 一般公共预算（本年 + 结转）",
        ),
        (
            "restated_in",
            "integer",
            "复述该年度的较晚年度（其表12 项目前两年预算情况）",
        ),
        ("restated_file", "text", "那一年度的输入"),
        (
            "restated_budget",
            "decimal",
            "较晚年度表12 所列该年度预算数",
        ),
        ("restated_spent", "decimal", "较晚年度表12 所列该年度执行数"),
        (
            "restated_rate_percent",
            "decimal",
            "较晚年度表12 所列执行率（百分点）",
        ),
        (
            "restated_cell",
            "text",
            "预算数的来源单元格（较晚年度的工作簿中）",
        ),
    ]);
    let across: Vec<Column> = vec![
        ("source_file", "text", "较晚年度的输入（发现所属的工作簿）"),
        ("department", "text", "部门名称"),
        ("dept_code", "text", "部门编码"),
        ("year", "integer", "较晚年度"),
        (
            "rule",
            "text",
            "规则 ID（`Y.t11_history` …，见 docs/rules.md）",
        ),
        ("severity", "text", "`warning` 或 `info`"),
        (
            "table_name",
            "text",
            "表，按较晚年度的工作簿所印的编号（`表3`）",
        ),
        (
            "cells",
            "text",
            "所比较的单元格；较早年度的写作外部引用 `[2023.xlsx]表3!C5`",
        ),
        ("expected", "decimal", "较晚年度所列"),
        ("actual", "decimal", "较早年度本身"),
        ("difference", "decimal", "actual − expected"),
        ("unit", "text", "以上三列的单位"),
        (
            "message",
            "text",
            "说明：两边各比较了哪个数、各自怎么称呼它",
        ),
    ];
    vec![
        ("dept_years", dept),
        ("project_years", project),
        ("across_years", across),
    ]
}

fn money(yuan: Decimal, unit: Unit) -> String {
    let mut d = from_yuan(yuan, unit);
    d.rescale(2);
    d.to_string()
}

fn cell(f: &Fig) -> String {
    CellRef::new(f.sheet.as_str().into(), f.row, f.col).to_string()
}

fn key(y: &YearSummary, unit: Unit) -> Vec<String> {
    vec![
        y.year.to_string(),
        y.dept_code.clone(),
        y.level.clone(),
        y.unit_code.clone(),
        y.dept_name.clone(),
        y.source_file.clone(),
        y.source_hash.clone(),
        unit.label().to_string(),
    ]
}

/// `dept_years`' rows: each budget-year, in the batch's order of budgets
/// then years.
pub fn dept_years(years: &[YearSummary], unit: Unit) -> Vec<Vec<String>> {
    let mut order: Vec<&YearSummary> = years.iter().collect();
    order.sort_by(|a, b| (&a.identity, a.year).cmp(&(&b.identity, b.year)));
    let mut out = Vec::new();
    for (i, y) in order.iter().enumerate() {
        let prev = i
            .checked_sub(1)
            .map(|j| order[j])
            .filter(|p| p.identity == y.identity && p.year < y.year);
        let mut row = key(y, unit);
        row.push(prev.map(|p| p.year.to_string()).unwrap_or_default());
        for (k, _, _, _) in HEADLINE_COLUMNS {
            let now = y.headline.get(k);
            let before = prev.and_then(|p| p.headline.get(k));
            row.push(now.map(|f| money(f.yuan, unit)).unwrap_or_default());
            row.push(now.map(cell).unwrap_or_default());
            let (change, percent) = match (now, before) {
                (Some(n), Some(b)) => {
                    let d = n.yuan - b.yuan;
                    let pct = (!b.yuan.is_zero()).then(|| {
                        let mut p = (d * Decimal::ONE_HUNDRED / b.yuan).round_dp_with_strategy(
                            2,
                            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                        );
                        p.rescale(2);
                        p.to_string()
                    });
                    (money(d, unit), pct.unwrap_or_default())
                }
                _ => (String::new(), String::new()),
            };
            row.push(change);
            row.push(percent);
        }
        out.push(row);
    }
    out
}

/// `project_years`' rows: each project of each year's 表10, and each year
/// a later form restates that the batch holds no 表10 of.
pub fn project_years(years: &[YearSummary], unit: Unit) -> Vec<Vec<String>> {
    // (budget, project code or name, year) → its 表10 and its restatement.
    type Key = (String, String, i32);
    struct Row<'a> {
        own: Option<(&'a YearSummary, &'a crate::reconcile::years::Project)>,
        restated: Option<(
            &'a YearSummary,
            &'a crate::reconcile::years::Project,
            &'a crate::reconcile::years::Restated,
        )>,
    }
    let id = |p: &crate::reconcile::years::Project| {
        p.code
            .clone()
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| p.name.clone())
    };
    let mut rows: BTreeMap<Key, Row> = BTreeMap::new();
    for y in years {
        for p in &y.projects {
            rows.entry((y.identity.clone(), id(p), y.year))
                .or_insert(Row {
                    own: None,
                    restated: None,
                })
                .own = Some((y, p));
        }
    }
    for y in years {
        for p in &y.projects {
            for r in &p.restated {
                if r.year >= y.year {
                    continue;
                }
                let row = rows
                    .entry((y.identity.clone(), id(p), r.year))
                    .or_insert(Row {
                        own: None,
                        restated: None,
                    });
                // The nearest later year restates it best.
                if row.restated.is_none_or(|(by, _, _)| by.year > y.year) {
                    row.restated = Some((y, p, r));
                }
            }
        }
    }
    let mut out = Vec::new();
    for ((_, _, year), row) in rows {
        let (who, p) = match (row.own, row.restated) {
            (Some((y, p)), _) => (y, p),
            (None, Some((y, p, _))) => (y, p),
            (None, None) => continue,
        };
        let mut line = key(who, unit);
        line[0] = year.to_string();
        if row.own.is_none() {
            // The budget's year is not in the batch: its input unknown.
            line[5].clear();
            line[6].clear();
        }
        line.push(p.code.clone().unwrap_or_default());
        line.push(p.name.clone());
        line.push(p.executor.clone());
        let own = row.own.map(|(_, p)| p);
        line.push(
            own.and_then(|p| p.total.as_ref())
                .map(|f| money(f.yuan, unit))
                .unwrap_or_default(),
        );
        line.push(
            own.and_then(|p| p.total.as_ref())
                .map(cell)
                .unwrap_or_default(),
        );
        line.push(
            own.and_then(|p| p.gp)
                .map(|d| money(d, unit))
                .unwrap_or_default(),
        );
        match row.restated {
            Some((by, _, r)) => {
                line.push(by.year.to_string());
                line.push(by.source_file.clone());
                line.push(
                    r.budget
                        .as_ref()
                        .map(|f| money(f.yuan, unit))
                        .unwrap_or_default(),
                );
                line.push(
                    r.spent
                        .as_ref()
                        .map(|f| money(f.yuan, unit))
                        .unwrap_or_default(),
                );
                line.push(
                    r.rate
                        .map(|mut d| {
                            d.rescale(2);
                            d.to_string()
                        })
                        .unwrap_or_default(),
                );
                line.push(r.budget.as_ref().map(cell).unwrap_or_default());
            }
            None => line.extend(std::iter::repeat_n(String::new(), 6)),
        }
        out.push(line);
    }
    out
}
