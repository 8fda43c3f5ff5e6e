//! How a template prints: what the writer of its layout needs beyond what
//! reading needs (`[print]` for the whole workbook, `[tables.print]` for
//! a table, `[[tables.print.form]]` for the parts of a form). Every field
//! has a default, the 2024 official layout's, so a template says only
//! where its layout differs.

use std::collections::BTreeMap;

use serde::Deserialize;

/// How the whole workbook prints (`[print]`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkbookPrint {
    /// The font of every cell.
    pub font: String,
    /// Its size in points, and the titles' size.
    pub font_size: f64,
    pub title_size: f64,
    /// Number formats of figures and of shares and rates.
    pub number_format: String,
    pub percent_format: String,
    /// The rows above each table's header, top down: `title`, `department`
    /// (the department line, with the unit at its right end) or `""` for an
    /// empty row.
    pub head: Vec<String>,
    /// Words before the department's name on its line.
    pub department_label: String,
    /// Words before the unit (`单位：万元`).
    pub unit_label: String,
    /// Where a coded table's 合计 row stands: `top` or `foot`.
    pub total_at: TotalAt,
    /// Where its 合计 label stands: in the `code` column, or `across` the
    /// code and name columns, merged.
    pub total_label: TotalLabel,
    /// A cover sheet first: the department, the year, the list of tables.
    pub cover: bool,
}

impl Default for WorkbookPrint {
    fn default() -> WorkbookPrint {
        WorkbookPrint {
            font: "宋体".into(),
            font_size: 10.0,
            title_size: 16.0,
            number_format: "#,##0.00".into(),
            percent_format: "0.00%".into(),
            head: vec!["title".into(), "department".into()],
            department_label: "部门/单位：".into(),
            unit_label: "单位：".into(),
            total_at: TotalAt::Top,
            total_label: TotalLabel::Code,
            cover: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TotalAt {
    Top,
    Foot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TotalLabel {
    Code,
    Across,
}

/// How one table prints (`[tables.print]`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TablePrint {
    /// The sheet's name; `{number}` is the table's number. Default `表{number}`
    /// (a table of one sheet per item adds `-1`, `-2` …).
    pub sheet: Option<String>,
    /// The printed columns, by key, left to right. Default: every column
    /// but the split code parts and the code-and-name column, or, when the
    /// `header_layout` is as wide as the columns with the code split, those.
    pub columns: Vec<String>,
    /// Column widths by key, in characters, over the defaults (below).
    pub widths: BTreeMap<String, f64>,
    /// Names indented by level with full-width spaces (classification tables).
    pub indent_names: bool,
    /// Landscape; default: when more than 8 columns print, and for lines tables.
    pub landscape: Option<bool>,
    /// A form's columns, their widths left to right.
    pub form_widths: Vec<f64>,
    /// A form's parts, top down.
    pub form: Vec<FormPart>,
}

/// One part of a form (`[[tables.print.form]]`): exactly one of `title`,
/// `line`, `fields`, `section` or `block`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FormPart {
    /// The title across the form: the title read (`read`) or the template's (`template`).
    pub title: Option<FormTitle>,
    /// A line under the title, printed when the year is known (`（{year}年度）`),
    /// with `unit` (`单位：{unit}`) at the right end.
    pub line: Option<String>,
    pub unit: Option<String>,
    /// A row of labels and field values.
    pub fields: Vec<FormCell>,
    /// A section's heading across the form.
    pub section: Option<String>,
    /// A block of the form, by key: its header, then its rows.
    pub block: Option<String>,
    /// The block's header as printed (`<`, `^` merge as in `header_layout`;
    /// `{prev2}` is the block column's header as read, `{unit}` the unit).
    pub header: Vec<Vec<String>>,
    /// The block's columns, left to right.
    pub columns: Vec<FormColumn>,
    /// Each block of this key (a repeated block) after an empty row, with
    /// its title across the form.
    pub titled: bool,
    /// Printed across the form when the block has no rows.
    pub empty: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormTitle {
    Read,
    Template,
}

/// A cell of a form's row of fields: a `label` or a `field`'s value.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FormCell {
    pub label: Option<String>,
    pub field: Option<String>,
    /// Columns it spans (default 1).
    pub span: Option<u16>,
}

/// A column of a form block.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FormColumn {
    pub key: String,
    /// Columns it spans (default 1).
    pub span: Option<u16>,
    /// `text` (default), `figure` (a number where it is one) or `percent`.
    pub kind: CellKind,
    /// The style of its cells: `text` (default for texts), `number`, `section`.
    pub style: Option<CellStyle>,
    /// The style of a cell that holds words in a figure or percent column:
    /// default the column's.
    pub text_style: Option<CellStyle>,
    /// The style of a cell that holds nothing: default `text_style`.
    pub empty_style: Option<CellStyle>,
    /// Equal neighbours merged down (一级指标).
    pub merge_down: bool,
    /// The first row's value merged down the whole block (目标名称).
    pub whole: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellKind {
    #[default]
    Text,
    Figure,
    Percent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellStyle {
    Text,
    Number,
    Section,
}
