//! The canonical budget: one department's workbook for one year, every table
//! as typed rows, every amount an exact [`Decimal`] in 元 with the cell it
//! came from.
//!
//! Column and line keys (`total`, `basic`, `cur_gp`, `class_201` …) are the
//! canonical vocabulary of the 2024 template; every template maps its own
//! header words onto them, so rules and exports read one model whatever the
//! layout was.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::amount::{CellForm, Unit};
use crate::template::Side;
pub mod narrative;

pub use crate::template::TableId;
use crate::workbook::{CellRef, Format};

/// An amount in 元 and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Amount {
    /// Exact, two decimals, in 元 whatever the sheet's unit.
    pub yuan: Decimal,
    /// The source cell, `表3!C7`.
    pub cell: CellRef,
    /// How the cell held it; omitted for an ordinary number.
    #[serde(skip_serializing_if = "CellForm::is_number")]
    pub form: CellForm,
}

/// A text value of a form and its cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Text {
    pub text: String,
    pub cell: CellRef,
}

/// Severity of a diagnostic or finding (`rules.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "提示",
            Severity::Warning => "警告",
            Severity::Error => "错误",
        }
    }
}

/// Something the importer noticed: a missing table, an undeclared unit, a
/// value changed by rounding, a line it could not place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Rule ID (`S.missing_table`, `S.unit`, `S.year`) or importer note (`I.rounded` …).
    pub rule: &'static str,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<TableId>,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<CellRef>,
}

/// A note printed under or instead of a table (`本单位2024年无政府性基金预算。`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub text: String,
    pub cell: CellRef,
    /// A 本单位…无…预算 note: the table is empty on purpose.
    pub says_empty: bool,
}

/// A column as found in the sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnInfo {
    pub key: String,
    /// The header words as printed, levels joined by `/`.
    pub header: String,
    /// Column letter.
    pub column: String,
}

/// What every table knows about where it was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableMeta {
    pub id: TableId,
    /// The table's number as its template prints it (`8` for the
    /// 一般公共预算基本支出 table of a bureau that numbers it so; `5-1`).
    pub number: String,
    pub sheet: String,
    /// The title cell as printed, when found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// The cells the table occupies, `A1:H20`.
    pub range: String,
    /// The unit the sheet displays amounts in.
    pub unit: Unit,
    /// The `单位：` cell; `None` when the template's default was assumed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_cell: Option<CellRef>,
    pub columns: Vec<ColumnInfo>,
    /// Template columns not present in this sheet.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_columns: Vec<String>,
    /// Columns of figures the template does not name; `key` is the header.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_columns: Vec<ColumnInfo>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// How much of the sheet was understood: every non-empty cell is either
    /// read (into the model, or as title, header, unit line, note or a form's
    /// printed label) or left (and then named in an `I.unread` finding).
    pub coverage: Coverage,
}

/// Non-empty cells of a table's sheet, read and left unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Coverage {
    pub cells_read: u32,
    pub cells_left: u32,
}

impl TableMeta {
    /// The 本单位…无… note, if the table carries one.
    pub fn empty_note(&self) -> Option<&Note> {
        self.notes.iter().find(|n| n.says_empty)
    }
}

/// A row of a coded table: a classification 类/款/项, a department or unit,
/// a project category or a project. The total row has no code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodedRow {
    /// Code as text, leading zeros kept; `None` for the 合计 row.
    pub code: Option<String>,
    pub name: String,
    /// Level name from the template (`类`, `款`, `项`, `部门`, `单位`, `项目` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// 1 for the top level; 0 for the total row or a code that fits no level.
    pub depth: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The row's label cell (code cell, else name cell).
    pub cell: CellRef,
    /// Other text columns (表10 项目单位).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub texts: BTreeMap<String, String>,
    pub amounts: BTreeMap<String, Amount>,
    /// Figures of columns the template does not name, by their header as
    /// printed (`单位预留机动经费`): still the department's data.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extras: BTreeMap<String, Amount>,
}

impl CodedRow {
    pub fn amount(&self, key: &str) -> Option<&Amount> {
        self.amounts.get(key)
    }
}

/// A table of coded rows (表2, 表3, 表5-1, 表5-2, 表6, 表8, 表9, 表10).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodedTable {
    pub meta: TableMeta,
    pub total: Option<CodedRow>,
    pub rows: Vec<CodedRow>,
}

impl CodedTable {
    pub fn row(&self, code: &str) -> Option<&CodedRow> {
        self.rows.iter().find(|r| r.code.as_deref() == Some(code))
    }
}

/// One line of a side-by-side table (表1, 表4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// Template key (`gp`, `total`, `carryover` …) or `class_201` for a class line;
    /// `None` for a label the template does not know.
    pub key: Option<String>,
    /// 功能分类 类 code of a class line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_code: Option<String>,
    pub label: String,
    pub label_cell: CellRef,
    pub amount: Amount,
    /// The key of the line this one is a part of (一般公共预算 under
    /// 财政拨款收入, or under 本年收入): sums of a side count it once, in
    /// its parent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    /// The index, on its side, of the line this one is a part of: by the
    /// template (`within`), by its numbering (`1.` under `一、`) or by a
    /// `其中` in front, whether or not the template knows either label.
    /// Sums of a side count a part once, in that line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_of: Option<usize>,
    /// Figures of further amount columns on this line's side that the
    /// canonical model does not have (表4's expenditure by fund), by the
    /// template's column key.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extras: BTreeMap<String, Amount>,
}

/// A side-by-side table: income lines on the left, expenditure on the right.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinesTable {
    pub meta: TableMeta,
    pub income: Vec<Line>,
    pub expense: Vec<Line>,
}

impl LinesTable {
    pub fn side(&self, side: Side) -> &[Line] {
        match side {
            Side::Income => &self.income,
            Side::Expense => &self.expense,
        }
    }

    pub fn line(&self, side: Side, key: &str) -> Option<&Line> {
        self.side(side)
            .iter()
            .find(|l| l.key.as_deref() == Some(key))
    }
}

/// A one-row table (表7 三公经费).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SingleTable {
    pub meta: TableMeta,
    /// Empty when the sheet has only the 本单位…无… note.
    pub amounts: BTreeMap<String, Amount>,
    /// Figures of columns outside the canonical model (机关运行经费), by the
    /// template's column key.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extras: BTreeMap<String, Amount>,
}

/// A value of a form: text, an amount, or a percentage.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FormValue {
    Amount(Amount),
    Percent {
        /// Percent points, two decimals (`97.95`).
        percent: Decimal,
        cell: CellRef,
    },
    Text(Text),
}

impl FormValue {
    pub fn as_amount(&self) -> Option<&Amount> {
        match self {
            FormValue::Amount(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            FormValue::Text(t) => Some(&t.text),
            _ => None,
        }
    }

    pub fn cell(&self) -> &CellRef {
        match self {
            FormValue::Amount(a) => &a.cell,
            FormValue::Percent { cell, .. } => cell,
            FormValue::Text(t) => &t.cell,
        }
    }
}

/// One small table inside a form (资金来源, 支出明细测算, an indicator table).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormBlock {
    pub key: String,
    /// The line printed just above the block (the goal an indicator table belongs to).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// Column key → header as printed (`prev2` → `2022年`).
    pub columns: BTreeMap<String, String>,
    pub rows: Vec<BTreeMap<String, FormValue>>,
    /// The template line key of each row (`income_fiscal`, `total`, `gp` …),
    /// `None` for a row the template does not name; empty for blocks without lines.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub line_keys: Vec<Option<String>>,
    /// Keys of `其中` lines (parts of the line above, not lines of their own).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sub_keys: Vec<String>,
    /// For each row, the row it is a part of (a `其中` line, a template
    /// `sub` line, a row numbered under another), by index; empty when no
    /// row is a part. Sums of the block count a part once, in its parent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub part_of: Vec<Option<usize>>,
}

impl FormBlock {
    /// The row of a line key.
    pub fn line(&self, key: &str) -> Option<&BTreeMap<String, FormValue>> {
        self.line_keys
            .iter()
            .position(|k| k.as_deref() == Some(key))
            .map(|i| &self.rows[i])
    }
}

/// A form: 表11 部门整体支出绩效目标表 or one 表12 项目支出绩效目标表.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Form {
    pub meta: TableMeta,
    pub fields: BTreeMap<String, FormValue>,
    pub blocks: Vec<FormBlock>,
}

impl Form {
    pub fn field_text(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(FormValue::as_text)
    }

    pub fn blocks(&self, key: &str) -> impl Iterator<Item = &FormBlock> {
        let key = key.to_string();
        self.blocks.iter().filter(move |b| b.key == key)
    }
}

/// The thirteen tables, by their 2024 IDs.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Tables {
    pub t1: Option<LinesTable>,
    pub t2: Option<CodedTable>,
    pub t3: Option<CodedTable>,
    pub t4: Option<LinesTable>,
    pub t5_1: Option<CodedTable>,
    pub t5_2: Option<CodedTable>,
    pub t6: Option<CodedTable>,
    pub t7: Option<SingleTable>,
    pub t8: Option<CodedTable>,
    pub t9: Option<CodedTable>,
    pub t10: Option<CodedTable>,
    pub t11: Option<Form>,
    pub t12: Vec<Form>,
}

impl Tables {
    pub fn coded(&self, id: TableId) -> Option<&CodedTable> {
        match id {
            TableId::T2 => self.t2.as_ref(),
            TableId::T3 => self.t3.as_ref(),
            TableId::T5_1 => self.t5_1.as_ref(),
            TableId::T5_2 => self.t5_2.as_ref(),
            TableId::T6 => self.t6.as_ref(),
            TableId::T8 => self.t8.as_ref(),
            TableId::T9 => self.t9.as_ref(),
            TableId::T10 => self.t10.as_ref(),
            _ => None,
        }
    }

    pub fn lines(&self, id: TableId) -> Option<&LinesTable> {
        match id {
            TableId::T1 => self.t1.as_ref(),
            TableId::T4 => self.t4.as_ref(),
            _ => None,
        }
    }

    /// Every table found, with its metadata, in template order.
    pub fn metas(&self) -> Vec<&TableMeta> {
        let mut out: Vec<&TableMeta> = Vec::new();
        out.extend(self.t1.as_ref().map(|t| &t.meta));
        out.extend(self.t2.as_ref().map(|t| &t.meta));
        out.extend(self.t3.as_ref().map(|t| &t.meta));
        out.extend(self.t4.as_ref().map(|t| &t.meta));
        out.extend(self.t5_1.as_ref().map(|t| &t.meta));
        out.extend(self.t5_2.as_ref().map(|t| &t.meta));
        out.extend(self.t6.as_ref().map(|t| &t.meta));
        out.extend(self.t7.as_ref().map(|t| &t.meta));
        out.extend(self.t8.as_ref().map(|t| &t.meta));
        out.extend(self.t9.as_ref().map(|t| &t.meta));
        out.extend(self.t10.as_ref().map(|t| &t.meta));
        out.extend(self.t11.as_ref().map(|t| &t.meta));
        out.extend(self.t12.iter().map(|t| &t.meta));
        out
    }
}

/// The organization a row or the workbook belongs to.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Department {
    /// 3-digit department code (from 表2 / 表5-2 / 表10).
    pub code: Option<String>,
    pub name: Option<String>,
    /// Where the name was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_cell: Option<CellRef>,
}

/// A budget unit (预算单位) of the department.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgUnit {
    pub code: String,
    pub name: String,
}

/// Whose budget a workbook is: a department's 部门预算 (the department and
/// all its units together) or one unit's 单位预算.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub enum Level {
    #[default]
    #[serde(rename = "部门")]
    Department,
    #[serde(rename = "单位")]
    Unit,
}

impl Level {
    /// `部门` / `单位`.
    pub fn word(self) -> &'static str {
        match self {
            Level::Department => "部门",
            Level::Unit => "单位",
        }
    }

    /// `部门预算` / `单位预算`.
    pub fn budget(self) -> &'static str {
        match self {
            Level::Department => "部门预算",
            Level::Unit => "单位预算",
        }
    }

    /// The level a word names (`部门`, `单位`, as in the warehouse files).
    pub fn from_word(w: &str) -> Option<Level> {
        match w {
            "部门" => Some(Level::Department),
            "单位" => Some(Level::Unit),
            _ => None,
        }
    }
}

/// The unit a 单位预算 is of: its code when a table lists it, its name as
/// the workbook prints it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct BudgetUnit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// What tells one budget from another of the same year: the department
/// (its code, else its name), the level, and for a 单位预算 its unit (code,
/// else name). `None` when the department is unknown. Two inputs of the
/// same year and identity are the same budget.
pub fn identity(
    dept_code: Option<&str>,
    dept_name: Option<&str>,
    level: Level,
    unit: Option<&BudgetUnit>,
) -> Option<String> {
    fn nonempty(s: Option<&str>) -> Option<&str> {
        s.filter(|s| !s.is_empty())
    }
    let dept = nonempty(dept_code).or(nonempty(dept_name))?;
    let unit = unit
        .and_then(|u| nonempty(u.code.as_deref()).or(nonempty(u.name.as_deref())))
        .unwrap_or("");
    Some(format!("{dept}|{}|{unit}", level.word()))
}

/// Where the workbook came from and how it was read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceInfo {
    pub path: String,
    pub format: Format,
    /// Template ID used (`2024`).
    pub template: String,
    /// Why that template: asked for, or how many of its tables it found
    /// against the others, and the year it is for.
    pub template_reason: String,
    pub sheets: Vec<SheetInfo>,
}

/// A sheet of the source and what it was taken for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetInfo {
    pub name: String,
    pub hidden: bool,
    /// Table ID, or `None` for a cover, an instruction sheet or an unknown sheet.
    pub table: Option<TableId>,
}

/// One department's budget workbook for one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    pub source: SourceInfo,
    pub year: Option<i32>,
    /// Where the year came from (`表1!A1`, `--year`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_from: Option<String>,
    pub department: Department,
    pub units: Vec<OrgUnit>,
    /// 部门预算 or 单位预算, as the titles, the 编制部门 / 编制单位 line, the
    /// cover and the notes say (a 部门预算 when none says).
    pub level: Level,
    /// Where the level was read (`部门收支总表!A2`); none when nothing said it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_from: Option<String>,
    /// The unit of a 单位预算; none for a 部门预算.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_unit: Option<BudgetUnit>,
    pub tables: Tables,
    pub diagnostics: Vec<Diagnostic>,
    /// Relations the template declares (a bureau's own 勾稽关系), checked with
    /// the built-in rules; not part of the JSON model.
    #[serde(skip)]
    pub declared_checks: Vec<crate::template::DeclaredCheck>,
    /// Plausibility rules the template switches off (`rules_off`); not part
    /// of the JSON model.
    #[serde(skip)]
    pub rules_off: Vec<String>,
    /// The template's conventions the rules follow (which 经济 classes are
    /// 人员经费, whether every project has a form); not part of the JSON model.
    #[serde(skip)]
    pub conventions: crate::template::Conventions,
    /// The narrative checked beside it (情况说明), when there is one; not
    /// part of the JSON model.
    #[serde(skip)]
    pub narrative: Option<Box<narrative::Review>>,
}

impl Budget {
    /// The budget's [`identity`]: department, level and unit.
    pub fn identity(&self) -> Option<String> {
        identity(
            self.department.code.as_deref(),
            self.department.name.as_deref(),
            self.level,
            self.budget_unit.as_ref(),
        )
    }
}
