//! A sample department's tables as printed — the strings of each cell, in
//! the table's unit — as `samples/data/*.toml` holds them. [`super::model`]
//! makes them a budget, which the layout writer lays out.

use crate::model::TableId;
use serde::Deserialize;

// The columns of the forms' blocks, in the order a printed row holds them.
/// 表11 总体资金情况: section, label, 当年预算收支, 占比, the two past years.
pub const FUNDS_KEYS: [&str; 6] = ["section", "label", "current", "share", "prev2", "prev1"];
/// 表11 长期目标 | 年度目标.
pub const DEPT_GOAL_KEYS: [&str; 2] = ["long_term", "annual"];
/// A 长期指标 row (表11; 表12 before its goal).
pub const LONG_TERM_KEYS: [&str; 5] = ["level1", "level2", "name", "value", "standard"];
/// A 年度指标 row (表11; 表12 before its goal).
pub const ANNUAL_KEYS: [&str; 7] = [
    "level1", "level2", "name", "prev2", "prev1", "value", "standard",
];
/// 表12 项目前两年预算情况.
pub const PAST_KEYS: [&str; 4] = ["year", "budget", "spent", "rate"];
/// 表12 项目资金来源.
pub const SOURCE_KEYS: [&str; 2] = ["label", "amount"];
/// 表12 项目支出明细测算.
pub const DETAIL_KEYS: [&str; 6] = [
    "task",
    "standard",
    "unit_price",
    "quantity",
    "amount",
    "note",
];
/// 表12 项目采购.
pub const PROCUREMENT_KEYS: [&str; 3] = ["item", "quantity", "amount"];
/// 表12 项目绩效总目标.
pub const PROJECT_GOAL_KEYS: [&str; 2] = ["name", "text"];

/// A side-by-side table: rows of [income label, amount, expense label, amount].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinesFixture {
    pub rows: Vec<[String; 4]>,
    #[serde(default)]
    pub notes: Vec<String>,
    /// The line key the importer must give each side of each row; "" = none.
    pub keys: Vec<[String; 2]>,
}

/// A grid table: its columns by canonical key, rows of printed cells.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridFixture {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    #[serde(default)]
    pub notes: Vec<String>,
}

impl GridFixture {
    pub fn col(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == key)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorBlock {
    pub title: String,
    pub rows: Vec<Vec<String>>,
}

/// 表11 部门整体支出绩效目标表.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeptForm {
    pub title: String,
    pub dept_name: String,
    pub filler: String,
    pub phone: String,
    pub years: [String; 2],
    /// section, label, 当年预算收支, 占比, past year 1, past year 2.
    pub funds: Vec<[String; 6]>,
    pub functions: String,
    pub tasks: String,
    pub goals: Vec<[String; 2]>,
    pub long_term: Vec<IndicatorBlock>,
    pub annual: Vec<IndicatorBlock>,
}

/// One 表12 项目支出绩效目标表.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectForm {
    pub project_name: String,
    pub department: String,
    pub executor: String,
    pub manager: String,
    pub phone: String,
    pub address: String,
    pub parent_project: String,
    pub frequency: String,
    pub start_year: String,
    pub end_year: String,
    pub overview: String,
    pub basis: String,
    pub plan: String,
    pub total_budget: String,
    pub year_budget: String,
    /// 年度, 预算数, 执行数, 执行率.
    pub past: Vec<[String; 4]>,
    pub sources: Vec<[String; 2]>,
    /// 项目任务明细, 支出标准, 单价, 计量数, 测算数, 测算依据及说明.
    pub details: Vec<[String; 6]>,
    /// 品名, 数量, 金额.
    pub procurement: Vec<[String; 3]>,
    pub goals: Vec<[String; 2]>,
    pub long_term_goal: String,
    /// 一级指标, 二级指标, 三级指标, 指标值, 指标值确定依据.
    pub long_term: Vec<Vec<String>>,
    pub annual_goal: String,
    /// 一级指标, 二级指标, 三级指标, 前年, 上年, 预计当年实现, 指标值确定依据.
    pub annual: Vec<Vec<String>>,
}

impl ProjectForm {
    /// The text fields by their template keys.
    pub fn text_fields(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("project_name", &self.project_name),
            ("department", &self.department),
            ("executor", &self.executor),
            ("manager", &self.manager),
            ("phone", &self.phone),
            ("address", &self.address),
            ("parent_project", &self.parent_project),
            ("frequency", &self.frequency),
            ("start_year", &self.start_year),
            ("end_year", &self.end_year),
            ("overview", &self.overview),
            ("basis", &self.basis),
            ("plan", &self.plan),
        ]
    }
}

/// One department's workbook as printed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintedBudget {
    pub file: String,
    pub department: String,
    /// 部门预算 or 单位预算 (a 部门预算 when the fixture does not say).
    #[serde(default)]
    pub level: crate::model::Level,
    pub dept_code: String,
    pub year: i32,
    pub t1: LinesFixture,
    pub t2: GridFixture,
    pub t3: GridFixture,
    pub t4: LinesFixture,
    pub t5_1: GridFixture,
    pub t5_2: GridFixture,
    pub t6: GridFixture,
    pub t7: GridFixture,
    pub t8: GridFixture,
    pub t9: GridFixture,
    pub t10: GridFixture,
    pub t11: DeptForm,
    pub t12: Vec<ProjectForm>,
}

impl PrintedBudget {
    /// Parses a fixture file's text.
    ///
    /// # Errors
    /// The TOML error, for a malformed fixture.
    pub fn parse(text: &str) -> Result<PrintedBudget, toml::de::Error> {
        toml::from_str(text)
    }

    pub fn grid(&self, id: TableId) -> Option<&GridFixture> {
        match id {
            TableId::T2 => Some(&self.t2),
            TableId::T3 => Some(&self.t3),
            TableId::T5_1 => Some(&self.t5_1),
            TableId::T5_2 => Some(&self.t5_2),
            TableId::T6 => Some(&self.t6),
            TableId::T7 => Some(&self.t7),
            TableId::T8 => Some(&self.t8),
            TableId::T9 => Some(&self.t9),
            TableId::T10 => Some(&self.t10),
            _ => None,
        }
    }

    pub fn lines(&self, id: TableId) -> Option<&LinesFixture> {
        match id {
            TableId::T1 => Some(&self.t1),
            TableId::T4 => Some(&self.t4),
            _ => None,
        }
    }
}
