//! Templates: one TOML file per template year or issuer layout, saying how
//! each table is recognized (title aliases, sheet numbers), which header words
//! identify each column, how codes are leveled, and how the table is printed.
//!
//! The importer reads tables only through a [`Template`]; a new layout is a
//! new file in `templates/`, or a user's own with `--templates DIR`.

mod canonical;
pub mod docs;
pub mod narrative;
pub mod print;

pub use canonical::{Side, TableId};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::amount::Unit;

/// The templates built into the binary.
/// The templates built into the binary; on a tie the first one wins.
pub const BUILTIN: &[(&str, &str)] = &[
    ("2024.toml", include_str!("../../templates/2024.toml")),
    ("2022.toml", include_str!("../../templates/2022.toml")),
    ("2023.toml", include_str!("../../templates/2023.toml")),
    (
        "shanghai-putuo-2026.toml",
        include_str!("../../templates/shanghai-putuo-2026.toml"),
    ),
];

/// The shape of a table, which decides how its rows are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// Two side-by-side lists of labelled amounts (表1, 表4).
    Lines,
    /// Rows keyed by a code with levels (classification, unit, project tables).
    Coded,
    /// One row of amounts (表7).
    Single,
    /// A form of labelled fields and small blocks (表11, 表12).
    Form,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    Amount,
    /// The row's code (科目编码, 单位编码, 项目编码).
    Code,
    /// One part of a code split over columns (类 | 款 | 项), in order.
    CodePart,
    /// The row's name (科目名称).
    Name,
    /// Code and name in one cell under one header (`功能分类科目`:
    /// `2011308 招商引资`); stands for the code and name columns when they
    /// are absent.
    CodeName,
    /// Any other text (项目单位, 指标名称).
    Text,
    /// A share or rate (占比, 执行率), kept in percent points.
    Percent,
    /// Amount-like cell that may hold words ("无", "1 场"): amount when it parses, text otherwise.
    Value,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// Canonical key in the model (`total`, `basic`, `cur_gp` …).
    pub key: String,
    /// Words of the lowest header cell of the column (any one matches; `*` globs, `{year}`).
    pub words: Vec<String>,
    /// Words of a header cell above it (a merged group such as 本年收入); empty: any.
    #[serde(default)]
    pub group: Vec<String>,
    #[serde(default)]
    pub role: Role,
    /// Reported as an error when absent (code and name columns).
    #[serde(default)]
    pub required: bool,
    /// [`crate::text::word_mask`] of every word and group word, made on
    /// first use: header search rules out a row without a spec's characters.
    #[serde(skip)]
    masks: std::sync::OnceLock<(Vec<u64>, Vec<u64>)>,
}

impl ColumnSpec {
    /// A column spec made in code (tests, tools): not required.
    pub fn new(key: &str, words: &[&str], group: &[&str], role: Role) -> ColumnSpec {
        let owned = |ws: &[&str]| ws.iter().map(|w| w.to_string()).collect();
        ColumnSpec {
            key: key.into(),
            words: owned(words),
            group: owned(group),
            role,
            required: false,
            masks: Default::default(),
        }
    }

    /// Whether a row whose texts have the characters `row_mask` (see
    /// [`crate::text::char_mask`]) can hold one of this column's words or
    /// group words.
    pub fn may_be_in(&self, row_mask: u64) -> bool {
        let (words, group) = self.masks.get_or_init(|| {
            let masks = |ws: &[String]| ws.iter().map(|w| crate::text::word_mask(w)).collect();
            (masks(&self.words), masks(&self.group))
        });
        words.iter().chain(group).any(|m| m & !row_mask == 0)
    }
}

/// One level of a coded table (类 3 digits, 款 5, 项 7; 部门 3, 单位 6; 项目 ≥ 10).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelSpec {
    pub name: String,
    #[serde(default)]
    pub len: Option<usize>,
    #[serde(default)]
    pub min_len: Option<usize>,
}

impl LevelSpec {
    pub fn fits(&self, code: &str) -> bool {
        let n = code.chars().count();
        self.len.is_none_or(|l| n == l) && self.min_len.is_none_or(|l| n >= l)
    }
}

/// How a coded row finds its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ParentBy {
    /// The parent's code is a prefix of the child's (classification, units).
    #[default]
    Prefix,
    /// The nearest row above of a higher level (表10: department, unit, category, project).
    Position,
}

/// A named line of a side-by-side table (本年收入合计, 上年结转结余 …).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineSpec {
    pub side: Side,
    pub key: String,
    pub labels: Vec<String>,
    /// Key of the line this one sits under (表4: 一般公共预算拨款 under 本年收入 or 上年结转).
    #[serde(default)]
    pub within: Option<String>,
    /// A `其中` / numbered sub-line of the nearest line above it on its side
    /// that is not itself a sub-line: the same as `within` naming that line.
    #[serde(default)]
    pub sub: bool,
}

/// What a bureau's rules of the game say, where bureaus differ
/// (`[conventions]`): the rules read them, the layout does not.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conventions {
    /// 经济分类 classes (3 digits) whose spending is 人员经费 in 表6.
    #[serde(default = "default_personnel_classes")]
    pub personnel_classes: Vec<String>,
    /// 经济分类 classes whose spending is 公用经费 in 表6.
    #[serde(default = "default_public_classes")]
    pub public_classes: Vec<String>,
    /// Every project of 表10 has its 表12 form (a bureau that asks forms
    /// of its larger projects only says `false`).
    #[serde(default)]
    pub form_per_project: bool,
}

fn default_personnel_classes() -> Vec<String> {
    vec!["301".into(), "303".into()]
}

fn default_public_classes() -> Vec<String> {
    vec!["302".into(), "310".into()]
}

impl Default for Conventions {
    fn default() -> Self {
        Conventions {
            personnel_classes: default_personnel_classes(),
            public_classes: default_public_classes(),
            form_per_project: false,
        }
    }
}

/// A 支出功能分类 类 that a side-by-side table lists by name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassName {
    pub code: String,
    pub names: Vec<String>,
}

/// What a form field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    #[default]
    Text,
    Amount,
}

/// A labelled field of a form: the value is the next filled cell to the right of the label.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub key: String,
    pub labels: Vec<String>,
    #[serde(default)]
    pub kind: FieldKind,
}

/// A small table inside a form (资金来源, 支出明细测算, 绩效指标 …).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockSpec {
    pub key: String,
    pub columns: Vec<ColumnSpec>,
    /// The block occurs more than once (one indicator table per goal).
    #[serde(default)]
    pub repeat: bool,
    /// The column that must be filled for a row to belong to the block.
    pub row_key: String,
    /// Named lines of the block, found by the label in the `row_key` column
    /// (表11 财政拨款 / 合计 …, 表12 资金来源): rules read these keys, not words.
    #[serde(default)]
    pub lines: Vec<BlockLine>,
}

/// A named line of a form block.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockLine {
    pub key: String,
    /// Labels as printed (an ordinal or `其中：` before them is ignored).
    pub labels: Vec<String>,
    /// Words of the row's `section` column it must stand under (收入构成 / 支出构成).
    #[serde(default)]
    pub section: Vec<String>,
    /// A `其中` line: a part of the line above, not a line of its own in sums.
    #[serde(default)]
    pub sub: bool,
}

/// A relation a template declares for one of its tables, checked like the
/// built-in rules under its own `id`.
///
/// Without `side`: in every row (every line of the columns' side, in a
/// lines table), column `total` = the sum of columns `parts`. With `side`
/// (lines tables): line `total` = the sum of lines `parts` on that side.
/// Keys are the template's column or line keys, canonical or not.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    /// The rule's ID in findings (`PT.t2_row`); not a built-in rule's ID.
    pub id: String,
    /// What it checks, in the reviewer's words.
    #[serde(default)]
    pub what: String,
    pub total: String,
    pub parts: Vec<String>,
    #[serde(default)]
    pub side: Option<Side>,
}

/// A [`CheckSpec`] with its table, as the budget carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredCheck {
    pub table: TableId,
    pub check: CheckSpec,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// `t1` … `t12`, the 2024 numbering.
    pub id: TableId,
    pub kind: TableKind,
    /// Number as printed (`1`, `5-1`, `12`), also matched in sheet names (`表1`, `公开01表`).
    pub number: String,
    /// Official title used when writing (`收支总表`).
    pub title: String,
    /// Title and sheet-name aliases; the longest alias contained in a title cell wins.
    pub names: Vec<String>,
    /// One sheet per item (表12: one per project).
    #[serde(default)]
    pub multiple: bool,
    /// Unit when the sheet declares none; defaults to the template's.
    #[serde(default)]
    pub unit: Option<Unit>,
    #[serde(default)]
    pub columns: Vec<ColumnSpec>,
    #[serde(default)]
    pub levels: Vec<LevelSpec>,
    #[serde(default)]
    pub parent_by: ParentBy,
    #[serde(default)]
    pub lines: Vec<LineSpec>,
    /// The side of a lines table that lists 功能分类 类 by name.
    #[serde(default)]
    pub class_side: Option<Side>,
    /// Print order of the class lines (codes), for writing.
    #[serde(default)]
    pub class_lines: Vec<String>,
    /// Lines printed side by side on the last rows, as (income key, expense
    /// key) pairs (表1: 本年收入合计 beside 本年支出合计 …), for writing.
    #[serde(default)]
    pub footer: Vec<[String; 2]>,
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    #[serde(default)]
    pub blocks: Vec<BlockSpec>,
    /// The header as printed: one string per printed column (all but the
    /// `code_part` columns, in order); `<` merges with the cell to the left,
    /// `^` with the cell above.
    #[serde(default)]
    pub header_layout: Vec<Vec<String>>,
    /// The bureau's own relations within this table.
    #[serde(default)]
    pub checks: Vec<CheckSpec>,
    /// How the table prints, beyond its header.
    #[serde(default)]
    pub print: print::TablePrint,
}

impl TableSpec {
    /// Every column but the code parts and the code-and-name column, in order.
    pub fn printed_columns(&self) -> impl Iterator<Item = &ColumnSpec> {
        self.columns
            .iter()
            .filter(|c| !matches!(c.role, Role::CodePart | Role::CodeName))
    }

    /// The columns the table prints, left to right: `print.columns`, or
    /// every column but the code-and-name one, the code whole or split over
    /// its parts, whichever the `header_layout` is as wide as (whole when
    /// there is none). `None` when the header fits neither.
    pub fn printed(&self) -> Option<Vec<&ColumnSpec>> {
        if !self.print.columns.is_empty() {
            return Some(
                self.print
                    .columns
                    .iter()
                    .filter_map(|k| self.columns.iter().find(|c| &c.key == k))
                    .collect(),
            );
        }
        let whole: Vec<&ColumnSpec> = self.printed_columns().collect();
        let Some(width) = self.header_layout.first().map(Vec::len) else {
            return Some(whole);
        };
        let split: Vec<&ColumnSpec> = self
            .columns
            .iter()
            .filter(|c| !matches!(c.role, Role::Code | Role::CodeName))
            .collect();
        let has_parts = split.iter().any(|c| c.role == Role::CodePart);
        if width == whole.len() {
            Some(whole)
        } else if has_parts && width == split.len() {
            Some(split)
        } else {
            None
        }
    }

    pub fn unit(&self, template: &Template) -> Unit {
        self.unit.unwrap_or(template.default_unit)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub default_unit: Unit,
    /// The budget years the template is for, first and last (`[2022, 2023]`;
    /// one year means "from then on"). Breaks ties when two templates find as
    /// many tables in a workbook.
    pub years: Vec<i32>,
    /// Labels of the 部门/单位 line (`部门/单位：`, `单位名称：`).
    pub department_labels: Vec<String>,
    /// Labels of a total row (合计, 总计).
    pub total_labels: Vec<String>,
    /// Starts of a note row below a table (备注, 注：).
    pub note_starts: Vec<String>,
    /// How a table says it is empty on purpose: a note that starts with one
    /// of `starts` and contains `word` (本单位2024年无政府性基金预算), or a cell
    /// that is only one of `marks` (a bare `无`).
    #[serde(default)]
    pub empty_note: EmptyNote,
    /// Words of a placeholder sheet: a table a normalized workbook prints
    /// only to say its source had none (`源工作簿无此表`). Such a sheet is
    /// never taken for the table.
    #[serde(default = "default_placeholder_marks")]
    pub placeholder_marks: Vec<String>,
    /// Tables whose 部门/单位 rows give the department's code and its units,
    /// the first that has them; a table whose first level is not named
    /// 部门 (a 收入总表 by 功能科目) is never used. Empty: the department is
    /// named by its 编制部门/部门/单位 line only, without a code.
    #[serde(default = "default_identity_tables")]
    pub identity_tables: Vec<TableId>,
    #[serde(default)]
    pub functional_classes: Vec<ClassName>,
    /// Plausibility rules (`P.*`) the bureau's conventions make noise of:
    /// not run on its workbooks, and each report says so.
    #[serde(default)]
    pub rules_off: Vec<String>,
    /// The bureau's conventions the rules follow (`[conventions]`).
    #[serde(default)]
    pub conventions: Conventions,
    pub tables: Vec<TableSpec>,
    /// The narrative's vocabulary (`[narrative]`): which words name which
    /// figure. A template without one uses the built-in 2024 template's.
    #[serde(default)]
    pub narrative: narrative::NarrativeSpec,
    /// The ID of a template this one is made from: every key not given here
    /// is the base's; a table with a base table's `id` changes only the
    /// keys it gives; other tables are added.
    #[serde(default)]
    pub extends: Option<String>,
    /// IDs of the base's tables this layout does not have (`["t5_2"]`).
    #[serde(default)]
    pub omit: Vec<TableId>,
    /// How the workbook prints.
    #[serde(default)]
    pub print: print::WorkbookPrint,
    /// Where the template came from (file path or `builtin:2024.toml`).
    #[serde(skip)]
    pub origin: String,
    /// The template as data after `extends` is resolved, for templates
    /// made from this one.
    #[serde(skip)]
    raw: toml::Table,
}

/// The canonical model's vocabulary: the built-in 2024 template.
fn canonical() -> &'static Template {
    static CANONICAL: std::sync::OnceLock<Template> = std::sync::OnceLock::new();
    CANONICAL.get_or_init(|| {
        Template::parse(BUILTIN[0].1, "builtin:2024.toml")
            .unwrap_or_else(|e| panic!("built-in template is invalid (a build defect): {e}"))
    })
}

/// How a table says it has nothing (`Template::empty_note`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyNote {
    #[serde(default = "default_empty_starts")]
    pub starts: Vec<String>,
    #[serde(default = "default_empty_word")]
    pub word: String,
    #[serde(default = "default_empty_marks")]
    pub marks: Vec<String>,
}

impl Default for EmptyNote {
    fn default() -> Self {
        EmptyNote {
            starts: default_empty_starts(),
            word: default_empty_word(),
            marks: default_empty_marks(),
        }
    }
}

fn default_placeholder_marks() -> Vec<String> {
    vec!["源工作簿无此表".into()]
}

fn default_empty_starts() -> Vec<String> {
    vec!["本单位".into(), "本部门".into()]
}

fn default_empty_word() -> String {
    "无".into()
}

fn default_empty_marks() -> Vec<String> {
    vec!["无".into()]
}

fn default_identity_tables() -> Vec<TableId> {
    vec![TableId::T2, TableId::T5_2, TableId::T10]
}

/// A template that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("模板 {origin}: {message}")]
pub struct TemplateError {
    pub origin: String,
    pub message: String,
}

impl Template {
    /// Parses and validates a template.
    ///
    /// # Errors
    /// [`TemplateError`] for TOML syntax errors, unknown keys, and
    /// inconsistencies (duplicate table IDs, a coded table without a code
    /// column, a header layout of the wrong width, a `within` naming no line).
    ///
    /// # Examples
    /// ```
    /// let t = yusuan::template::Template::parse(
    ///     yusuan::template::BUILTIN[0].1, "builtin").unwrap();
    /// assert_eq!(t.id, "2024");
    /// ```
    pub fn parse(text: &str, origin: &str) -> Result<Template, TemplateError> {
        Template::parse_with(text, origin, &[])
    }

    /// Parses a template that may `extends` one of `known`.
    ///
    /// # Errors
    /// As [`Template::parse`], and when the base is not among `known`.
    pub fn parse_with(
        text: &str,
        origin: &str,
        known: &[Template],
    ) -> Result<Template, TemplateError> {
        let err = |message: String| TemplateError {
            origin: origin.to_string(),
            message,
        };
        // The TOML library's own words, after ours.
        let mut raw: toml::Table = toml::from_str(text).map_err(|e| {
            err(format!(
                "不是有效的 TOML，请按所示位置改正（{}）",
                e.to_string().trim()
            ))
        })?;
        if let Some(base_id) = raw.get("extends").and_then(toml::Value::as_str) {
            let base = known.iter().find(|t| t.id == base_id).ok_or_else(|| {
                err(format!(
                    "extends = \"{base_id}\"，但没有这个模板（已有：{}）",
                    known
                        .iter()
                        .map(|t| t.id.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ))
            })?;
            raw = extend(&base.raw, raw).map_err(err)?;
        }
        let mut t: Template =
            toml::Value::Table(raw.clone())
                .try_into()
                .map_err(|e: toml::de::Error| {
                    err(format!(
                        "有不认识的字段或取值不合要求，请对照 docs/templates.md 改正（{}）",
                        e.to_string().trim()
                    ))
                })?;
        t.raw = raw;
        t.origin = origin.to_string();
        for table in &mut t.tables {
            let mut above: [Option<String>; 2] = [None, None];
            for l in &mut table.lines {
                let side = l.side as usize;
                if l.sub && l.within.is_none() {
                    l.within = above[side].clone();
                    if l.within.is_none() {
                        return Err(err(format!(
                            "表 {} 的行 {} 是 sub = true，但它上面没有可从属的行",
                            table.id, l.key
                        )));
                    }
                } else if l.within.is_none() {
                    above[side] = Some(l.key.clone());
                }
            }
        }
        t.validate().map_err(err)?;
        t.narrative.validate().map_err(err)?;
        t.normalize_words();
        t.narrative.normalize();
        Ok(t)
    }

    /// Normalizes once every word that is only matched, never printed, so
    /// that matching compares plain strings.
    fn normalize_words(&mut self) {
        let n = |v: &mut Vec<String>| v.iter_mut().for_each(|w| *w = crate::text::norm(w));
        n(&mut self.department_labels);
        n(&mut self.total_labels);
        n(&mut self.note_starts);
        n(&mut self.placeholder_marks);
        n(&mut self.empty_note.starts);
        n(&mut self.empty_note.marks);
        self.empty_note.word = crate::text::norm(&self.empty_note.word);
        for c in &mut self.functional_classes {
            n(&mut c.names);
        }
        for t in &mut self.tables {
            n(&mut t.names);
            for c in t
                .columns
                .iter_mut()
                .chain(t.blocks.iter_mut().flat_map(|b| b.columns.iter_mut()))
            {
                n(&mut c.words);
                n(&mut c.group);
            }
            for l in &mut t.lines {
                n(&mut l.labels);
            }
            for f in &mut t.fields {
                n(&mut f.labels);
            }
            for b in &mut t.blocks {
                for l in &mut b.lines {
                    n(&mut l.labels);
                    n(&mut l.section);
                }
            }
        }
    }

    fn validate(&self) -> Result<(), String> {
        // Equalities hold in every bureau; only a plausibility question may
        // be a bureau's convention to answer otherwise.
        if let Some(id) = self.rules_off.iter().find(|id| !id.starts_with("P.")) {
            return Err(format!(
                "rules_off 中的 “{id}” 不是提示性核对（P.*）：只有提示性核对可以关闭，勾稽关系在每个区都成立"
            ));
        }
        let c = &self.conventions;
        for class in c.personnel_classes.iter().chain(&c.public_classes) {
            if class.len() != 3 || !class.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "[conventions] 中的经济分类 “{class}” 不是 3 位的类编码（如 301、302）：请改正"
                ));
            }
        }
        if let Some(both) = c
            .personnel_classes
            .iter()
            .find(|k| c.public_classes.contains(k))
        {
            return Err(format!(
                "[conventions] 中的经济分类 {both} 同时列为人员经费和公用经费：请只留在一处"
            ));
        }
        let mut ids = BTreeSet::new();
        for table in &self.tables {
            let id = table.id;
            if !ids.insert(id) {
                return Err(format!("表 {id} 定义了两次"));
            }
            validate_kind(table)?;
            validate_checks(table)?;
            if table.names.is_empty() {
                return Err(format!("表 {id} 没有任何名称（names）"));
            }
            let keys = validate_columns(table)?;
            match table.kind {
                TableKind::Coded => validate_coded(table)?,
                TableKind::Lines => self.validate_lines(table, &keys)?,
                TableKind::Single => {}
                TableKind::Form => validate_blocks(table)?,
            }
            validate_print(table)?;
        }
        Ok(())
    }

    /// A side-by-side table has both sides' label and amount columns, each
    /// line's `within` is a line of its side, each class line a class.
    fn validate_lines(&self, table: &TableSpec, keys: &BTreeSet<&str>) -> Result<(), String> {
        let id = &table.id;
        for k in [
            "income_label",
            "income_amount",
            "expense_label",
            "expense_amount",
        ] {
            if !keys.contains(k) {
                return Err(format!("表 {id} 是收支对照表，缺少列 {k}"));
            }
        }
        let line_keys: BTreeSet<(Side, &str)> = table
            .lines
            .iter()
            .map(|l| (l.side, l.key.as_str()))
            .collect();
        for l in &table.lines {
            if let Some(w) = &l.within {
                if !line_keys.contains(&(l.side, w.as_str())) {
                    return Err(format!("表 {id} 的行 {} 的 within={w} 不存在", l.key));
                }
            }
        }
        for code in &table.class_lines {
            if !self.functional_classes.iter().any(|c| &c.code == code) {
                return Err(format!(
                    "表 {id} 的 class_lines 中 {code} 不在 functional_classes 里"
                ));
            }
        }
        Ok(())
    }

    /// Is `key` a column key of the canonical model for table `id` (the
    /// 2024 template's vocabulary)? Other keys are a bureau's extras.
    pub fn is_canonical_column(id: TableId, key: &str) -> bool {
        canonical()
            .table(id)
            .is_some_and(|t| t.columns.iter().any(|c| c.key == key))
    }

    /// The canonical template's word for a column of table `id` (`operating`
    /// → `事业单位经营支出`), for messages about a column a layout lacks.
    pub fn canonical_words(id: TableId, key: &str) -> Option<String> {
        canonical()
            .table(id)?
            .columns
            .iter()
            .find(|c| c.key == key)
            .and_then(|c| c.words.first().cloned())
    }

    /// Is `key` a line key of the canonical model (or a class line)?
    pub fn is_canonical_line(id: TableId, key: &str) -> bool {
        key.starts_with("class_")
            || canonical()
                .table(id)
                .is_some_and(|t| t.lines.iter().any(|l| l.key == key))
    }

    /// Does the template define every canonical table, each header printed
    /// column for column (what writing the official layout needs)?
    pub fn writes_canonical(&self) -> bool {
        canonical().tables.iter().all(|c| {
            self.table(c.id).is_some_and(|t| {
                t.header_layout
                    .iter()
                    .all(|row| Some(row.len()) == t.printed().map(|p| p.len()))
            })
        })
    }

    /// Is `year` one of the template's years?
    pub fn fits_year(&self, year: i32) -> bool {
        match self.years.as_slice() {
            [from] => year >= *from,
            [from, to] => (*from..=*to).contains(&year),
            _ => false,
        }
    }

    /// The narrative's vocabulary: this template's, or the built-in 2024
    /// template's when it has none.
    pub fn narrative(&self) -> &narrative::NarrativeSpec {
        if self.narrative.subjects.is_empty() && self.id != canonical().id {
            &canonical().narrative
        } else {
            &self.narrative
        }
    }

    pub fn table(&self, id: TableId) -> Option<&TableSpec> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// The class code of a 功能分类 类 name (`一般公共服务支出` → `201`).
    pub fn class_by_name(&self, label: &str) -> Option<&str> {
        self.functional_classes
            .iter()
            .find(|c| c.names.iter().any(|n| n == label))
            .map(|c| c.code.as_str())
    }
}

/// Each table is of the kind the canonical model holds it as: the model
/// has a place for a coded 表3, not for a coded 表7.
fn validate_kind(table: &TableSpec) -> Result<(), String> {
    let id = table.id;
    let (fits, should) = match table.kind {
        TableKind::Coded => (TableId::CODED.contains(&id), "coded"),
        TableKind::Lines => (TableId::LINES.contains(&id), "lines"),
        TableKind::Single => (id == TableId::T7, "single"),
        TableKind::Form => (
            id == TableId::T11 && !table.multiple || id == TableId::T12 && table.multiple,
            "form",
        ),
    };
    if fits {
        return Ok(());
    }
    let right = if TableId::CODED.contains(&id) {
        "coded"
    } else if TableId::LINES.contains(&id) {
        "lines"
    } else if id == TableId::T7 {
        "single"
    } else if id == TableId::T11 {
        "form（不设 multiple）"
    } else {
        "form，且 multiple = true（每个项目一张）"
    };
    Err(format!(
        "表 {id} 的 kind = \"{should}\"{}，但规范模型中的 {id} 应为 {right}：请改正 kind 或 id",
        if table.multiple {
            "、multiple = true"
        } else {
            ""
        }
    ))
}

/// A table's own checks sum its own columns (or lines), and are named
/// with the bureau's own prefix, not a built-in rule family's.
fn validate_checks(table: &TableSpec) -> Result<(), String> {
    let id = &table.id;
    for ch in &table.checks {
        let keys: BTreeSet<&str> = if ch.side.is_some() {
            table.lines.iter().map(|l| l.key.as_str()).collect()
        } else {
            table.columns.iter().map(|c| c.key.as_str()).collect()
        };
        for k in std::iter::once(&ch.total).chain(&ch.parts) {
            if !(keys.contains(k.as_str()) || ch.side.is_some() && k.starts_with("class_")) {
                return Err(format!(
                    "表 {id} 的核对 {} 用到了 {k}，但它不是该表的{}",
                    ch.id,
                    if ch.side.is_some() { "行" } else { "列" }
                ));
            }
        }
        // The built-in families are T1…T12, X, S and I.
        let prefix = ch.id.split('.').next().unwrap_or("");
        let builtin = matches!(prefix, "X" | "S" | "I" | "P" | "N" | "Y")
            || prefix.strip_prefix('T').is_some_and(|n| {
                !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '_')
            });
        if !ch.id.contains('.') || prefix.is_empty() || builtin {
            return Err(format!(
                "表 {id} 的核对 id “{}” 应形如 “PT.t2_row”（自己的前缀.名称；T1…T12、X、S、I 是内置规则的前缀）",
                ch.id
            ));
        }
    }
    Ok(())
}

/// Each column once, with header words; a table other than a form has
/// columns. The column keys.
fn validate_columns(table: &TableSpec) -> Result<BTreeSet<&str>, String> {
    let id = &table.id;
    let mut keys = BTreeSet::new();
    for c in &table.columns {
        if !keys.insert(c.key.as_str()) {
            return Err(format!("表 {id} 的列 {} 定义了两次", c.key));
        }
        if c.words.is_empty() {
            return Err(format!("表 {id} 的列 {} 没有表头词（words）", c.key));
        }
    }
    if table.kind != TableKind::Form && table.columns.is_empty() {
        return Err(format!("表 {id} 没有任何列（columns）"));
    }
    Ok(keys)
}

/// A coded table has a code column (whole, in parts, or in the name) and
/// levels.
fn validate_coded(table: &TableSpec) -> Result<(), String> {
    let id = &table.id;
    let has = |r: Role| table.columns.iter().any(|c| c.role == r);
    if !has(Role::Code) && !has(Role::CodePart) && !has(Role::CodeName) {
        return Err(format!("表 {id} 是编码表，但没有编码列"));
    }
    if table.levels.is_empty() {
        return Err(format!("表 {id} 是编码表，但没有层级（levels）"));
    }
    Ok(())
}

/// Each block of a form is keyed by one of its columns and names each of
/// its lines once (within a section).
fn validate_blocks(table: &TableSpec) -> Result<(), String> {
    let id = &table.id;
    for b in &table.blocks {
        if !b.columns.iter().any(|c| c.key == b.row_key) {
            return Err(format!("表 {id} 的块 {} 的 row_key 不是它的列", b.key));
        }
        let mut seen = BTreeSet::new();
        for l in &b.lines {
            if !seen.insert((l.key.as_str(), l.section.join("|"))) {
                return Err(format!("表 {id} 的块 {} 的行 {} 定义了两次", b.key, l.key));
            }
        }
    }
    Ok(())
}

/// The printed columns are the table's, and every row of the header
/// layout has one cell over each of them.
fn validate_print(table: &TableSpec) -> Result<(), String> {
    let id = &table.id;
    for k in &table.print.columns {
        if !table.columns.iter().any(|c| &c.key == k) {
            return Err(format!(
                "表 {id} 的 [tables.print] columns 中 {k} 不是该表的列"
            ));
        }
    }
    let Some(first) = table.header_layout.first() else {
        return Ok(());
    };
    // The header is printed over the printed columns, one cell each.
    if table.kind != TableKind::Form && table.printed().is_none_or(|p| p.len() != first.len()) {
        return Err(format!(
            "表 {id} 的 header_layout 每行 {} 格，与印出的列数不符（无论编码合为一列还是分为类、款、项）：请在 [tables.print] columns 中按顺序列出印出的列",
            first.len()
        ));
    }
    for (i, row) in table.header_layout.iter().enumerate() {
        if row.len() != first.len() {
            return Err(format!(
                "表 {id} 的 header_layout 第 {} 行有 {} 格，第 1 行有 {} 格：各行格数应相同",
                i + 1,
                row.len(),
                first.len()
            ));
        }
    }
    Ok(())
}

/// A template made from `base`: the child's keys replace the base's; a
/// child table with a base table's `id`, and a child's `[narrative]` or
/// `[conventions]`, replace only the keys they give; `omit` drops base
/// tables.
fn extend(base: &toml::Table, child: toml::Table) -> Result<toml::Table, String> {
    let mut out = base.clone();
    let omit: Vec<String> = child
        .get("omit")
        .and_then(toml::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    for (k, v) in child {
        // `[narrative]` and `[conventions]` are made from the base's too:
        // the keys given replace the base's, the others stay (a bureau that
        // names its own 公用经费 classes still asks a form of every project).
        if let (toml::Value::Table(child_n), Some(toml::Value::Table(base_n))) = (
            &v,
            out.get_mut(&k)
                .filter(|_| k == "narrative" || k == "conventions"),
        ) {
            base_n.extend(child_n.clone());
            continue;
        }
        if k != "tables" {
            out.insert(k, v);
            continue;
        }
        let toml::Value::Array(children) = v else {
            return Err("tables 应是表的数组（[[tables]]）".into());
        };
        let tables = out
            .entry("tables")
            .or_insert_with(|| toml::Value::Array(vec![]));
        let toml::Value::Array(tables) = tables else {
            return Err("基础模板的 tables 不是数组".into());
        };
        for t in children {
            let toml::Value::Table(t) = t else {
                return Err("tables 中每一项都应是表".into());
            };
            let id = t
                .get("id")
                .and_then(toml::Value::as_str)
                .map(str::to_string);
            let same = tables.iter_mut().find(|b| {
                id.is_some() && b.get("id").and_then(toml::Value::as_str) == id.as_deref()
            });
            match same {
                Some(toml::Value::Table(b)) => b.extend(t),
                _ => tables.push(toml::Value::Table(t)),
            }
        }
    }
    if let Some(toml::Value::Array(tables)) = out.get_mut("tables") {
        tables.retain(|t| {
            let id = t.get("id").and_then(toml::Value::as_str).unwrap_or("");
            !omit.iter().any(|o| o == id)
        });
    }
    // What the base omitted does not carry over as this template's word.
    if !out.contains_key("omit") {
        out.insert("omit".into(), toml::Value::Array(vec![]));
    }
    Ok(out)
}

/// The set of templates the importer chooses from.
#[derive(Debug, Clone)]
pub struct Templates {
    pub all: Vec<Template>,
}

impl Templates {
    /// The templates built into the binary.
    pub fn builtin() -> Templates {
        let mut all: Vec<Template> = Vec::new();
        for (name, text) in BUILTIN {
            let t = Template::parse_with(text, &format!("builtin:{name}"), &all)
                .unwrap_or_else(|e| panic!("built-in template is invalid (a build defect): {e}"));
            all.push(t);
        }
        Templates { all }
    }

    /// Adds every `*.toml` of a directory; a template with the same `id` as a
    /// built-in one replaces it.
    ///
    /// # Errors
    /// [`TemplateError`] when the directory cannot be read or a file is invalid.
    pub fn add_dir(&mut self, dir: &Path) -> Result<(), TemplateError> {
        let origin = dir.display().to_string();
        let entries = std::fs::read_dir(dir).map_err(|e| TemplateError {
            origin: origin.clone(),
            message: format!("无法读取模板目录：{}", crate::workbook::io_reason(&e)),
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for f in files {
            let o = f.display().to_string();
            let text = std::fs::read_to_string(&f).map_err(|e| TemplateError {
                origin: o.clone(),
                message: format!("无法读取模板文件：{}", crate::workbook::io_reason(&e)),
            })?;
            let t = Template::parse_with(&text, &o, &self.all)?;
            self.all.retain(|x| x.id != t.id);
            self.all.push(t);
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Template> {
        self.all.iter().find(|t| t.id == id)
    }

    /// The current official layout, which normalized workbooks are written
    /// in: of the templates that define every table of the canonical model
    /// with a header printed column for column, the one whose years start
    /// latest (another bureau's nine-table template is read, not written).
    pub fn current(&self) -> &Template {
        self.all
            .iter()
            .filter(|t| t.writes_canonical())
            .max_by_key(|t| t.years.first().copied().unwrap_or(i32::MIN))
            .unwrap_or(&self.all[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_templates_are_valid() {
        let t = Templates::builtin();
        let t2024 = t.get("2024").expect("2024 template");
        let ids: Vec<TableId> = t2024.tables.iter().map(|t| t.id).collect();
        assert_eq!(ids, TableId::ALL);
        assert_eq!(t2024.table(TableId::T1).unwrap().class_lines.len(), 24);
        assert_eq!(t2024.class_by_name("住房保障支出"), Some("221"));
    }

    #[test]
    fn a_header_not_as_wide_as_the_printed_columns_is_refused() {
        let base = Templates::builtin();
        let narrow = "id = \"x\"\nextends = \"2024\"\n[[tables]]\nid = \"t3\"\nheader_layout = [[\"科目编码\", \"科目名称\", \"合计\"]]\n";
        let e = Template::parse_with(narrow, "x.toml", &base.all).unwrap_err();
        assert!(
            e.to_string().contains("表 t3 的 header_layout 每行 3 格"),
            "{e}"
        );
        // Naming the printed columns makes it a layout.
        let named = format!("{narrow}[tables.print]\ncolumns = [\"code\", \"name\", \"total\"]\n");
        let t = Template::parse_with(&named, "x.toml", &base.all).unwrap();
        let keys: Vec<&str> = t
            .table(TableId::T3)
            .unwrap()
            .printed()
            .unwrap()
            .iter()
            .map(|c| c.key.as_str())
            .collect();
        assert_eq!(keys, ["code", "name", "total"]);
        let unknown = format!("{narrow}[tables.print]\ncolumns = [\"code\", \"name\", \"nope\"]\n");
        let e = Template::parse_with(&unknown, "x.toml", &base.all).unwrap_err();
        assert!(e.to_string().contains("nope 不是该表的列"), "{e}");
    }

    #[test]
    fn invalid_templates_are_explained() {
        let base = BUILTIN[0].1;
        let dup = format!("{base}\n[[tables]]\nid = \"t1\"\nkind = \"single\"\nnumber = \"1\"\ntitle = \"x\"\nnames = [\"x\"]\n");
        let e = Template::parse(&dup, "dup.toml").unwrap_err();
        assert!(e.to_string().contains("表 t1 定义了两次"), "{e}");
        let e = Template::parse("id = 3", "bad.toml").unwrap_err();
        assert!(e.to_string().starts_with("模板 bad.toml:"), "{e}");
    }

    #[test]
    fn a_table_of_another_kind_than_the_model_holds_it_as_is_refused() {
        let base = Templates::builtin();
        for (table, says) in [
            (
                "id = \"t7\"\nkind = \"coded\"",
                "表 t7 的 kind = \"coded\"，但规范模型中的 t7 应为 single",
            ),
            ("id = \"t3\"\nkind = \"lines\"", "应为 coded"),
            (
                "id = \"t12\"\nmultiple = false",
                "应为 form，且 multiple = true",
            ),
        ] {
            let text = format!("id = \"x\"\nextends = \"2024\"\n[[tables]]\n{table}\n");
            let e = Template::parse_with(&text, "x.toml", &base.all).unwrap_err();
            assert!(e.to_string().contains(says), "{e}");
        }
    }
}
