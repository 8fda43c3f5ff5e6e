//! Warehouse CSV: one file per table, every row keyed by `year`,
//! `dept_code` and `source_file`; a long `facts.csv` (one amount a row); a
//! `manifest.csv` (one input a row). The columns of every file are
//! [`schemas`] — the single source of the headers and of
//! `docs/csv-schema.md` — and stay stable whatever the input layout.
//!
//! Codes are text. So that engines which guess types from the data (DuckDB's
//! CSV sniffer, Spark's `inferSchema`) keep them text, each coded table's 合计
//! row is the root of its code tree: `code` = `合计`, and the first-level rows
//! have `parent_code` = `合计`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::amount::{from_yuan, Unit};
use crate::model::{
    Amount, Budget, BudgetUnit, CodedRow, CodedTable, Form, FormBlock, FormValue, Level,
    LinesTable, TableId,
};
use crate::outcome::{InputOutcome, Status};
use crate::template::Side;

pub use super::years::Column;

const KEY: [Column; 7] = [
    (
        "year",
        "integer",
        "预算年度 budget year (empty when unknown)",
    ),
    ("dept_code", "text", "部门编码 department code (表2 部门行)"),
    (
        "budget_level",
        "text",
        "`部门`（部门预算：部门及其所属单位）或 `单位`（一个单位的单位预算）whose budget the input is",
    ),
    (
        "unit_code",
        "text",
        "单位预算的单位编码（表中列出该单位时；否则空，单位名称见 manifest.csv 的 unit_name）unit code of a 单位预算",
    ),
    (
        "source_file",
        "text",
        "输入工作簿相对其输入根目录的路径（直接给出的文件：文件名）path of the input workbook relative to the folder it was found in",
    ),
    (
        "source_hash",
        "text",
        "输入工作簿内容的 SHA-256（前 16 位十六进制）content hash of the input: with `source_file`, unique across folders and runs",
    ),
    (
        "unit",
        "text",
        "本文件金额列的单位：`元`（默认，精确）或 `万元`（--unit wan）unit of the file's decimal columns",
    ),
];

const CODED_HEAD: [Column; 6] = [
    (
        "row_no",
        "integer",
        "表内行序（合计行为 1）row order in the table",
    ),
    (
        "code",
        "text",
        "编码，保留前导零；合计行为 `合计` code as text; `合计` for the total row",
    ),
    ("name", "text", "名称 name as printed"),
    (
        "level",
        "text",
        "层级：合计/类/款/项, 合计/部门/单位, 合计/部门/单位/类别/项目",
    ),
    (
        "parent_code",
        "text",
        "上级编码；一级行为 `合计` parent code; `合计` for first-level rows",
    ),
    (
        "cell",
        "text",
        "行的来源单元格 source cell of the row label, `表3!A7`",
    ),
];

macro_rules! amounts {
    ($($k:literal => $m:literal),* $(,)?) => { &[$(($k, "decimal", $m)),*] };
}

/// Amount columns of each coded table, in print order (the template's canonical keys).
pub const CODED_AMOUNTS: &[(TableId, &[Column])] = &[
    (
        TableId::T2,
        amounts!(
            "total" => "合计", "cur_subtotal" => "本年收入 小计", "cur_gp" => "本年收入 一般公共预算",
            "cur_gf" => "本年收入 政府性基金预算", "cur_soe" => "本年收入 国有资本经营预算",
            "cur_special" => "本年收入 财政专户管理资金", "cur_business" => "本年收入 事业收入",
            "cur_operating" => "本年收入 事业单位经营收入", "cur_superior" => "本年收入 上级补助收入",
            "cur_affiliated" => "本年收入 附属单位上缴收入", "cur_other" => "本年收入 其他收入",
            "carry_subtotal" => "上年结转结余 小计", "carry_gp" => "上年结转结余 一般公共预算",
            "carry_gf" => "上年结转结余 政府性基金预算", "carry_soe" => "上年结转结余 国有资本经营预算",
            "carry_special" => "上年结转结余 财政专户管理资金", "carry_unit" => "上年结转结余 单位资金",
        ),
    ),
    (
        TableId::T3,
        amounts!(
            "total" => "合计", "basic" => "基本支出", "project" => "项目支出", "operating" => "事业单位经营支出",
            "remit" => "上缴上级支出", "subsidy" => "对附属单位补助支出",
        ),
    ),
    (
        TableId::T5_1,
        amounts!(
            "total" => "合计", "basic_subtotal" => "基本支出 小计", "basic_personnel" => "基本支出 人员经费",
            "basic_public" => "基本支出 公用经费", "project" => "项目支出",
        ),
    ),
    (
        TableId::T5_2,
        amounts!(
            "total" => "合计", "basic_subtotal" => "基本支出 小计", "basic_personnel" => "基本支出 人员经费",
            "basic_public" => "基本支出 公用经费", "project" => "项目支出",
        ),
    ),
    (
        TableId::T6,
        amounts!("total" => "合计", "personnel" => "人员经费", "public" => "公用经费"),
    ),
    (
        TableId::T8,
        amounts!("total" => "合计", "basic" => "基本支出", "project" => "项目支出"),
    ),
    (
        TableId::T9,
        amounts!("total" => "合计", "basic" => "基本支出", "project" => "项目支出"),
    ),
    (
        TableId::T10,
        amounts!(
            "total" => "合计", "cur_gp" => "本年拨款 一般公共预算", "cur_gf" => "本年拨款 政府性基金预算",
            "cur_soe" => "本年拨款 国有资本经营预算", "carry_gp" => "财政拨款结转结余 一般公共预算",
            "carry_gf" => "财政拨款结转结余 政府性基金预算", "carry_soe" => "财政拨款结转结余 国有资本经营预算",
            "special" => "财政专户管理资金", "unit_funds" => "单位资金",
        ),
    ),
];

const T7_AMOUNTS: &[Column] = amounts!(
    "total" => "“三公”经费合计", "abroad" => "因公出国（境）费", "car_subtotal" => "公务用车购置及运行费 小计",
    "car_purchase" => "公务用车购置费", "car_running" => "公务用车运行费", "reception" => "公务接待费",
);

/// The 表12 a row comes from, in files with a row per form or per line of one.
const FORM_NO: Column = ("form_no", "integer", "第几张表12（按工作表顺序）");

/// How a file's columns are made.
enum Layout {
    /// The key columns, then these.
    Keyed(&'static [Column]),
    /// A file of 表12 rows: the key columns, [`FORM_NO`], then these.
    PerForm(&'static [Column]),
    /// A coded table: the key columns, the head of [`CODED_HEAD`], these,
    /// the table's [`CODED_AMOUNTS`], and the source cell.
    Coded(&'static [Column]),
    /// These columns alone (`manifest` is written once for the batch).
    Unkeyed(&'static [Column]),
}

impl Layout {
    fn columns(&self, file: &str) -> Vec<Column> {
        let chained = |parts: &[&[Column]]| parts.concat();
        match self {
            Layout::Keyed(cols) => chained(&[&KEY, cols]),
            Layout::PerForm(cols) => chained(&[&KEY, &[FORM_NO], cols]),
            Layout::Coded(before_amounts) => {
                let amounts = CODED_AMOUNTS
                    .iter()
                    .find(|(id, _)| id.as_str() == file)
                    .map(|(_, a)| *a)
                    .unwrap_or_default();
                chained(&[
                    &KEY,
                    &CODED_HEAD[..5],
                    before_amounts,
                    amounts,
                    &CODED_HEAD[5..],
                ])
            }
            Layout::Unkeyed(cols) => cols.to_vec(),
        }
    }
}

/// Columns of 表1 and 表4, one line a row.
const LINES: &[Column] = &[
    ("side", "text", "`income` 收入 or `expense` 支出"),
    ("line_no", "integer", "该侧的行序 order on its side"),
    (
        "part_of_line",
        "integer",
        "该行所属之行的 line_no（编号下一级的行如 `1. 一般公共预算` 属于 `一、财政拨款收入`，`其中` 行属于其上一行），否则空；求和时只加此列为空的行 line_no of the line this one is a part of",
    ),
    ("key", "text", "行键：`gp`, `total`, `carryover`, `grand_total`, `class_201` …（未知行为空）line key"),
    ("label", "text", "项目名称 as printed"),
    ("amount", "decimal", "预算数"),
    ("cell", "text", "金额的来源单元格 source cell"),
];

/// Columns of 表11 and 表12's indicator tables.
const INDICATORS: &[Column] = &[
    ("block", "text", "`long_term` 长期 or `annual` 年度"),
    ("block_no", "integer", "第几个指标表"),
    ("block_title", "text", "指标表上方的目标"),
    ("row_no", "integer", "行序"),
    ("goal", "text", "目标名称（表12）"),
    ("level1", "text", "一级指标"),
    ("level2", "text", "二级指标"),
    ("name", "text", "三级指标 / 指标名称"),
    ("prev2", "text", "前年指标值"),
    ("prev1", "text", "上年指标值"),
    ("value", "text", "指标值 / 预计当年实现值"),
    ("standard", "text", "绩效标准 / 指标值确定依据"),
];

/// Every file but the years' ones, in the order they are documented: its
/// name and how its columns are made.
const FILES: &[(&str, Layout)] = &[
    (TableId::T1.as_str(), Layout::Keyed(LINES)),
    (TableId::T2.as_str(), Layout::Coded(&[])),
    (TableId::T3.as_str(), Layout::Coded(&[])),
    (TableId::T4.as_str(), Layout::Keyed(LINES)),
    (TableId::T5_1.as_str(), Layout::Coded(&[])),
    (TableId::T5_2.as_str(), Layout::Coded(&[])),
    (TableId::T6.as_str(), Layout::Coded(&[])),
    (TableId::T7.as_str(), Layout::Keyed(T7_AMOUNTS)),
    (TableId::T8.as_str(), Layout::Coded(&[])),
    (TableId::T9.as_str(), Layout::Coded(&[])),
    (
        TableId::T10.as_str(),
        Layout::Coded(&[("unit_name", "text", "项目单位 unit of the project")]),
    ),
    (
        TableId::T11.as_str(),
        Layout::Keyed(&[
            ("title", "text", "标题"),
            ("dept_name", "text", "部门名称"),
            ("filler", "text", "填报人"),
            ("phone", "text", "联系电话"),
            ("functions", "text", "部门职能概述"),
            ("tasks", "text", "年度工作任务"),
        ]),
    ),
    (
        "t11_funds",
        Layout::Keyed(&[
            ("row_no", "integer", "行序"),
            (
                "part_of_row",
                "integer",
                "该行所属之行的 row_no（编号下一级的行、`其中` 行），否则空；求和时只加此列为空的行",
            ),
            ("section", "text", "收入构成 / 支出构成"),
            (
                "label",
                "text",
                "财政拨款、其他资金、合计、基本支出、项目支出",
            ),
            ("current", "decimal", "当年预算"),
            ("share_percent", "decimal", "占比（百分点，97.95 = 97.95%）"),
            ("prev2_year", "integer", "前年年度"),
            ("prev2", "decimal", "前年收支"),
            ("prev1_year", "integer", "上年年度"),
            ("prev1", "decimal", "上年收支"),
        ]),
    ),
    (
        "t11_goals",
        Layout::Keyed(&[
            ("row_no", "integer", "行序"),
            ("long_term", "text", "长期目标"),
            ("annual", "text", "年度目标"),
        ]),
    ),
    ("t11_indicators", Layout::Keyed(INDICATORS)),
    (
        TableId::T12.as_str(),
        Layout::PerForm(&[
            ("sheet", "text", "工作表名"),
            ("project_name", "text", "项目名称"),
            ("department", "text", "项目主管部门"),
            ("executor", "text", "项目执行单位"),
            ("manager", "text", "项目负责人"),
            ("phone", "text", "联系电话"),
            ("address", "text", "单位地址"),
            ("parent_project", "text", "一级项目名称"),
            ("frequency", "text", "项目安排频度"),
            ("start_year", "text", "起始年度 as printed"),
            ("end_year", "text", "终止年度 as printed"),
            ("overview", "text", "项目概述"),
            ("basis", "text", "项目立项依据"),
            ("plan", "text", "项目实施方案"),
            ("total_budget", "decimal", "项目总预算"),
            ("year_budget", "decimal", "项目当年预算"),
        ]),
    ),
    (
        "t12_past",
        Layout::PerForm(&[
            ("row_no", "integer", "行序"),
            ("budget_year", "integer", "年度"),
            ("budget", "decimal", "预算数"),
            ("spent", "decimal", "执行数"),
            ("rate_percent", "decimal", "执行率（百分点）"),
        ]),
    ),
    (
        "t12_sources",
        Layout::PerForm(&[
            ("row_no", "integer", "行序"),
            (
                "part_of_row",
                "integer",
                "该行所属之行的 row_no（`其中：申请当年预算拨款` 等其中行、编号下一级的行），否则空；求和时只加此列为空的行",
            ),
            ("label", "text", "来源项目"),
            ("amount", "decimal", "金额"),
        ]),
    ),
    (
        "t12_details",
        Layout::PerForm(&[
            ("row_no", "integer", "行序"),
            ("task", "text", "项目任务明细"),
            ("standard", "text", "支出标准"),
            ("unit_price", "text", "单价 as printed (元)"),
            ("quantity", "text", "计量数 as printed"),
            ("amount", "decimal", "测算数"),
            ("note", "text", "测算依据及说明"),
        ]),
    ),
    (
        "t12_procurement",
        Layout::PerForm(&[
            ("row_no", "integer", "行序"),
            ("item", "text", "品名"),
            ("quantity", "text", "数量 as printed"),
            ("amount", "decimal", "金额"),
        ]),
    ),
    (
        "t12_goals",
        Layout::PerForm(&[
            ("row_no", "integer", "行序"),
            ("name", "text", "名称"),
            ("text", "text", "目标说明"),
        ]),
    ),
    ("t12_indicators", Layout::PerForm(INDICATORS)),
    (
        "notes",
        Layout::Keyed(&[
            ("table_id", "text", "表 ID (t1 … t12)"),
            ("text", "text", "表下或表中的说明文字"),
            ("says_empty", "boolean", "`true` for a 本单位…无…预算 note"),
            ("cell", "text", "来源单元格"),
        ]),
    ),
    ("narrative_facts", Layout::Keyed(NARRATIVE_FACTS)),
    (
        "facts",
        Layout::Keyed(&[
            ("table_id", "text", "表 ID (t1 … t12)"),
            ("form_no", "integer", "第几张表12（其他表为空）"),
            ("side", "text", "表1/表4: `income` or `expense`；其他表为空"),
            ("row_no", "integer", "表内行序 (as in the table's own file)"),
            (
                "row_code",
                "text",
                "行编码、行键或块名：`201`, `合计`, `gp`, `funds` …",
            ),
            ("row_name", "text", "行名称 as printed"),
            (
                "column_key",
                "text",
                "金额列键：`total`, `basic`, `amount`, `current` …；模板未定义的列为 `extra:<表头>`（`extra:单位预留机动经费`），只出现在 facts.csv",
            ),
            ("amount", "decimal", "金额"),
            ("cell", "text", "来源单元格"),
        ]),
    ),
    (
        "manifest",
        Layout::Unkeyed(&[
            ("path", "text", "输入路径 as given"),
            ("source_file", "text", "输入相对其根目录的路径，与各表的 source_file 相同"),
            ("source_hash", "text", "内容 SHA-256（前 16 位），与各表的 source_hash 相同；分区布局按它续跑"),
            ("size_bytes", "integer", "文件大小"),
            (
                "status",
                "text",
                "`ok`, `findings`, `unreadable`（无法读取或超出限制）, `refused`（不是预算：部门决算、空白模板或其他工作簿，未读入）, `failed`（读入了但无法写出）or `stale`（分区布局：此输入的新版本未能转换，输出仍是上次的版本，source_hash 为上次的）",
            ),
            ("template", "text", "所用模板 ID"),
            ("year", "integer", "预算年度"),
            ("dept_code", "text", "部门编码"),
            ("dept_name", "text", "部门名称（单位预算为其编制单位的名称）"),
            ("budget_level", "text", "`部门`（部门预算）或 `单位`（单位预算）"),
            ("unit_code", "text", "单位预算的单位编码，或空"),
            ("unit_name", "text", "单位预算的单位名称，或空"),
            ("errors", "integer", "核对错误数"),
            ("warnings", "integer", "核对警告数"),
            ("infos", "integer", "核对提示数"),
            ("message", "text", "无法读取或写出的原因，或空"),
            ("duplicate_of", "text", "同一年度同一份预算（同一部门，同为部门预算或同一单位的单位预算）的其他输入（source_file，以 `;` 分隔），或空"),
            ("outputs", "text", "此输入写出的文件（相对输出目录，以 `;` 分隔）"),
            ("input_id", "text", "输入的身份：其规范路径的 SHA-256（前 16 位）；同名而在别的文件夹的文件是另一个输入，再次运行时按它续跑或替换"),
            ("replaces", "text", "分区布局：此输入的旧版本（内容哈希）的输出已被本行的输出替换、删除，或空"),
        ]),
    ),
];

/// Every file and its columns after the key columns (`manifest` has none of them).
pub fn schemas() -> Vec<(&'static str, Vec<Column>)> {
    FILES
        .iter()
        .map(|(file, layout)| (*file, layout.columns(file)))
        .chain(super::years::schemas())
        .collect()
}

/// Is `file` written an input at a time (its rows in each input's chunk or
/// part), or once for the batch (`manifest`, `dept_years`, `project_years`)?
pub fn per_input(file: &str) -> bool {
    file != "manifest" && !super::years::FILES.contains(&file)
}

/// Columns of `narrative_facts.csv`: every figure found in the narrative
/// (情况说明) checked with the workbook, and what it was compared with.
const NARRATIVE_FACTS: &[Column] = &[
    ("source", "text", "说明的来源：文档的文件名，或工作簿中说明工作表的名称 the narrative's document or sheets"),
    ("paragraph_no", "integer", "段序，从 1 起（文档在工作表之后）paragraph order"),
    ("place", "text", "段落所在：`情况说明.docx 第 5 段`，或 `部门编制说明!A3 第 2 行`"),
    ("kind", "text", "`amount` 金额, `unknown` 主题未识别的金额, `blank` 空着的金额, `placeholder` 模板占位文字, `nil` 说“没有”的科目, `share` 占比, `growth` 与上年比较"),
    ("subject", "text", "所说的科目，如说明所写（空白与引号已去）"),
    ("subject_key", "text", "模板 `[narrative]` 的主题键（`gp_income`），或表中的行（`row:t5_1:2011308`）"),
    ("stated_year", "integer", "数字所属的年度"),
    ("stated", "text", "说明所写：`324.83万元`、`10.7%`、`XXX万元`"),
    ("amount", "decimal", "所写金额（`growth`：所写增减额，减少为负）"),
    ("percent", "decimal", "所写占比或增长率（百分点，下降为负）"),
    ("figure", "text", "与之比较的表中数：`表6 合计`、`表11 收入构成 合计 2023年`"),
    ("figure_amount", "decimal", "表中数"),
    ("cells", "text", "表中数的单元格，以空格分隔"),
    ("result", "text", "`agrees` 相符, `differs` 不符（见 findings）, `not_compared` 表中没有可比的数"),
];

/// A CSV row and the year it belongs to (the hive layout partitions by it).
pub type YearRow = (Option<i32>, Vec<String>);

/// Rows of every file, in input order.
#[derive(Debug, Default)]
pub struct CsvTables {
    pub files: BTreeMap<&'static str, Vec<YearRow>>,
}

fn money(a: Option<&Amount>, unit: Unit) -> String {
    let mut out = String::new();
    if let Some(a) = a {
        write_money(&mut out, a, unit);
    }
    out
}

fn write_money(out: &mut String, a: &Amount, unit: Unit) {
    let mut d = from_yuan(a.yuan, unit);
    d.rescale(2);
    crate::amount::push_decimal(out, d);
}

fn pct(d: Decimal) -> String {
    let mut d = d;
    d.rescale(2);
    let mut out = String::new();
    crate::amount::push_decimal(&mut out, d);
    out
}

fn year_of(label: &str) -> String {
    crate::text::year_label(&crate::text::norm(label))
        .map(|y| y.to_string())
        .unwrap_or_default()
}

/// Where a budget's rows go: kept as rows (for Parquet and per-year
/// parts), or written straight into each file's CSV bytes (the flat
/// layout), without a String per field.
enum Sink<'a> {
    Rows(&'a mut CsvTables),
    Csv(&'a mut CsvChunks),
}

struct Emit<'a> {
    out: Sink<'a>,
    year: Option<i32>,
    key: [String; 7],
    unit: Unit,
    /// Scratch for a fact's amount, cell and row number, reused row after row.
    scratch: [String; 3],
    /// The last sheet a fact's cell was on, and its address prefix (`表3!`):
    /// a table's facts are on one sheet.
    sheet: Option<(std::sync::Arc<str>, String)>,
}

impl Emit<'_> {
    fn push(&mut self, file: &'static str, rest: Vec<String>) {
        match &mut self.out {
            Sink::Rows(t) => {
                let mut row: Vec<String> = Vec::with_capacity(self.key.len() + rest.len());
                row.extend(self.key.iter().cloned());
                row.extend(rest);
                t.files.entry(file).or_default().push((self.year, row));
            }
            Sink::Csv(c) => c.row(file, &self.key, rest.iter().map(String::as_str)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn fact(
        &mut self,
        table: &str,
        form_no: &str,
        side: &str,
        row_no: usize,
        code: &str,
        name: &str,
        column: &str,
        a: &Amount,
    ) {
        use std::fmt::Write as _;
        match &mut self.out {
            Sink::Rows(_) => {
                let row = vec![
                    table.to_string(),
                    form_no.to_string(),
                    side.to_string(),
                    row_no.to_string(),
                    code.to_string(),
                    name.to_string(),
                    column.to_string(),
                    money(Some(a), self.unit),
                    a.cell.to_string(),
                ];
                self.push("facts", row);
            }
            Sink::Csv(c) => {
                let [m, cell, no] = &mut self.scratch;
                for s in [&mut *m, &mut *cell, &mut *no] {
                    s.clear();
                }
                write_money(m, a, self.unit);
                let prefix = match &self.sheet {
                    Some((sheet, prefix)) if std::sync::Arc::ptr_eq(sheet, &a.cell.sheet) => prefix,
                    _ => {
                        let prefix = crate::workbook::sheet_prefix(&a.cell.sheet);
                        &self.sheet.insert((a.cell.sheet.clone(), prefix)).1
                    }
                };
                cell.push_str(prefix);
                crate::workbook::push_a1(cell, a.cell.row, a.cell.col);
                let _ = write!(no, "{row_no}");
                let fields = [table, form_no, side, no, code, name, column, m, cell];
                c.row("facts", &self.key, fields.into_iter());
            }
        }
    }
}

/// Every file's CSV bytes for one budget (no header; UTF-8), written row by
/// row as the budget is walked: the flat layout's chunk per table.
#[derive(Default)]
pub struct CsvChunks {
    files: BTreeMap<&'static str, Vec<u8>>,
    /// The key columns, rendered once: every row of every file starts so.
    key: Option<Vec<u8>>,
    /// Rows without the year column: a partition (`year=2024/`) holds it.
    partition: bool,
}

/// Appends one CSV field as the `csv` crate writes it with its defaults
/// (quoted only when it holds a comma, a quote or a line break; quotes
/// doubled), made [`formula_safe`] first. The crate's writer costs more
/// than the field for the short fields of a fact row; the output is
/// checked against it (`fields_are_written_as_the_csv_crate_writes_them`).
fn push_field(out: &mut Vec<u8>, field: &str) {
    let field = formula_safe(field);
    let bytes = field.as_bytes();
    if bytes
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.push(b'"');
        for &b in bytes {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(bytes);
    }
}

impl CsvChunks {
    fn row<'f>(&mut self, file: &'static str, key: &[String], rest: impl Iterator<Item = &'f str>) {
        let skip = usize::from(self.partition);
        let prefix = self.key.get_or_insert_with(|| {
            let mut k = Vec::new();
            for f in &key[skip..] {
                push_field(&mut k, f);
                k.push(b',');
            }
            k
        });
        let w = self.files.entry(file).or_default();
        w.extend_from_slice(prefix);
        let mut first = true;
        for f in rest {
            if !first {
                w.push(b',');
            }
            first = false;
            push_field(w, f);
        }
        if first {
            // A row of key columns only: no trailing separator.
            w.pop();
        }
        w.extend_from_slice(b"\r\n");
    }

    /// One budget's rows of every file, as [`CsvTables::add`] gives them,
    /// rendered as [`render_rows`] would.
    pub fn of(b: &Budget, source_file: &str, source_hash: &str, unit: Unit) -> CsvChunks {
        let mut c = CsvChunks::default();
        emit(Sink::Csv(&mut c), b, source_file, source_hash, unit);
        c
    }

    /// As [`CsvChunks::of`], the rows without their first column, the
    /// year: one budget's rows all have its year, and a part of the hive
    /// layout (`t3/year=2024/part-….csv`) holds them without it.
    pub fn partition(b: &Budget, source_file: &str, source_hash: &str, unit: Unit) -> CsvChunks {
        let mut c = CsvChunks {
            partition: true,
            ..CsvChunks::default()
        };
        emit(Sink::Csv(&mut c), b, source_file, source_hash, unit);
        c
    }

    /// The bytes of `file` (`t3`; empty when the budget has no row for it),
    /// in the encoding asked for.
    ///
    /// # Errors
    /// [`EncodeError`] naming the first character GBK cannot hold.
    pub fn take(&mut self, file: &str, encoding: Encoding) -> Result<Vec<u8>, EncodeError> {
        let bytes = self.files.remove(file).unwrap_or_default();
        encode(&format!("{file}.csv"), bytes, encoding)
    }
}

fn value_text(v: Option<&FormValue>, form_unit: Unit) -> String {
    match v {
        Some(FormValue::Text(t)) => t.text.clone(),
        Some(FormValue::Amount(a)) => money(Some(a), form_unit),
        Some(FormValue::Percent { percent, .. }) => pct(*percent),
        None => String::new(),
    }
}

fn coded_rows(e: &mut Emit, id: TableId, t: &CodedTable, amounts: &[Column]) {
    let projects = id == TableId::T10;
    let id = id.as_str();
    let rows: Vec<(&CodedRow, String, String, String)> = t
        .total
        .iter()
        .map(|r| (r, "合计".to_string(), "合计".to_string(), String::new()))
        .chain(t.rows.iter().map(|r| {
            let parent = match (&r.parent, r.depth) {
                (Some(p), _) => p.clone(),
                (None, 1) => "合计".to_string(),
                _ => String::new(),
            };
            (
                r,
                r.code.clone().unwrap_or_default(),
                r.level.clone().unwrap_or_default(),
                parent,
            )
        }))
        .collect();
    for (i, (r, code, level, parent)) in rows.iter().enumerate() {
        let name = if r.code.is_none() {
            "合计".to_string()
        } else {
            r.name.clone()
        };
        let mut rest = vec![
            (i + 1).to_string(),
            code.clone(),
            name.clone(),
            level.clone(),
            parent.clone(),
        ];
        if projects {
            rest.push(r.texts.get("unit_name").cloned().unwrap_or_default());
        }
        for (k, _, _) in amounts {
            rest.push(money(r.amounts.get(*k), e.unit));
        }
        rest.push(r.cell.to_string());
        e.push(id, rest);
        for (k, _, _) in amounts {
            if let Some(a) = r.amounts.get(*k) {
                e.fact(id, "", "", i + 1, code, &name, k, a);
            }
        }
        // Columns the template does not name: only here, keyed by header.
        for (header, a) in &r.extras {
            e.fact(
                id,
                "",
                "",
                i + 1,
                code,
                &name,
                &format!("extra:{header}"),
                a,
            );
        }
    }
}

fn lines_rows(e: &mut Emit, id: TableId, t: &LinesTable) {
    let id = id.as_str();
    for (side, word) in [(Side::Income, "income"), (Side::Expense, "expense")] {
        for (i, l) in t.side(side).iter().enumerate() {
            let key = l.key.clone().unwrap_or_default();
            e.push(
                id,
                vec![
                    word.into(),
                    (i + 1).to_string(),
                    l.part_of.map(|p| (p + 1).to_string()).unwrap_or_default(),
                    key.clone(),
                    l.label.clone(),
                    money(Some(&l.amount), e.unit),
                    l.amount.cell.to_string(),
                ],
            );
            e.fact(id, "", word, i + 1, &key, &l.label, "amount", &l.amount);
            for (k, a) in &l.extras {
                e.fact(
                    id,
                    "",
                    word,
                    i + 1,
                    &key,
                    &l.label,
                    &format!("extra:{k}"),
                    a,
                );
            }
        }
    }
}

fn block_rows(b: Option<&FormBlock>) -> &[BTreeMap<String, FormValue>] {
    b.map_or(&[], |b| b.rows.as_slice())
}

fn t11_rows(e: &mut Emit, f: &Form) {
    let fu = f.meta.unit;
    let t = |k: &str| value_text(f.fields.get(k), fu);
    let title = f
        .meta
        .title
        .as_ref()
        .map(|x| x.text.clone())
        .unwrap_or_default();
    e.push(
        TableId::T11.as_str(),
        vec![
            title,
            t("dept_name"),
            t("filler"),
            t("phone"),
            t("functions"),
            t("tasks"),
        ],
    );
    let funds = f.blocks("funds").next();
    let col_year = |k: &str| {
        funds
            .and_then(|b| b.columns.get(k))
            .map(|h| year_of(h.rsplit('/').next().unwrap_or(h)))
            .unwrap_or_default()
    };
    let (y2, y1) = (col_year("prev2"), col_year("prev1"));
    let part_of = |b: Option<&FormBlock>, i: usize| {
        b.and_then(|b| b.part_of.get(i).copied().flatten())
            .map(|p| (p + 1).to_string())
            .unwrap_or_default()
    };
    for (i, r) in block_rows(funds).iter().enumerate() {
        let a = |k: &str| r.get(k).and_then(FormValue::as_amount);
        let label = value_text(r.get("label"), fu);
        let share = match r.get("share") {
            Some(FormValue::Percent { percent, .. }) => pct(*percent),
            _ => String::new(),
        };
        e.push(
            "t11_funds",
            vec![
                (i + 1).to_string(),
                part_of(funds, i),
                value_text(r.get("section"), fu),
                label.clone(),
                money(a("current"), e.unit),
                share,
                y2.clone(),
                money(a("prev2"), e.unit),
                y1.clone(),
                money(a("prev1"), e.unit),
            ],
        );
        for k in ["current", "prev2", "prev1"] {
            if let Some(x) = a(k) {
                e.fact(TableId::T11.as_str(), "", "", i + 1, "funds", &label, k, x);
            }
        }
    }
    for (i, r) in block_rows(f.blocks("goals").next()).iter().enumerate() {
        e.push(
            "t11_goals",
            vec![
                (i + 1).to_string(),
                value_text(r.get("long_term"), fu),
                value_text(r.get("annual"), fu),
            ],
        );
    }
    indicator_rows(e, f, None);
}

fn indicator_rows(e: &mut Emit, f: &Form, form_no: Option<usize>) {
    let fu = f.meta.unit;
    for (kind, key) in [
        ("long_term", "long_term_indicators"),
        ("annual", "annual_indicators"),
    ] {
        for (bi, b) in f.blocks(key).enumerate() {
            let title = b.title.as_ref().map(|t| t.text.clone()).unwrap_or_default();
            for (i, r) in b.rows.iter().enumerate() {
                let mut rest = Vec::new();
                if let Some(n) = form_no {
                    rest.push(n.to_string());
                }
                rest.extend([
                    kind.to_string(),
                    (bi + 1).to_string(),
                    title.clone(),
                    (i + 1).to_string(),
                ]);
                for k in [
                    "goal", "level1", "level2", "name", "prev2", "prev1", "value", "standard",
                ] {
                    rest.push(value_text(r.get(k), fu));
                }
                e.push(
                    if form_no.is_some() {
                        "t12_indicators"
                    } else {
                        "t11_indicators"
                    },
                    rest,
                );
            }
        }
    }
}

fn t12_rows(e: &mut Emit, n: usize, f: &Form) {
    const T12: &str = TableId::T12.as_str();
    let fu = f.meta.unit;
    let no = n.to_string();
    let t = |k: &str| value_text(f.fields.get(k), fu);
    let amount = |k: &str| f.fields.get(k).and_then(FormValue::as_amount);
    let mut row = vec![no.clone(), f.meta.sheet.clone()];
    for k in [
        "project_name",
        "department",
        "executor",
        "manager",
        "phone",
        "address",
        "parent_project",
        "frequency",
        "start_year",
        "end_year",
        "overview",
        "basis",
        "plan",
    ] {
        row.push(t(k));
    }
    row.push(money(amount("total_budget"), e.unit));
    row.push(money(amount("year_budget"), e.unit));
    e.push(T12, row);
    let name = t("project_name");
    for k in ["total_budget", "year_budget"] {
        if let Some(a) = amount(k) {
            e.fact(T12, &no, "", 0, "field", &name, k, a);
        }
    }
    let rows = |k: &str| block_rows(f.blocks(k).next()).to_vec();
    for (i, r) in rows("past_budgets").iter().enumerate() {
        let a = |k: &str| r.get(k).and_then(FormValue::as_amount);
        let rate = match r.get("rate") {
            Some(FormValue::Percent { percent, .. }) => pct(*percent),
            _ => String::new(),
        };
        let year = value_text(r.get("year"), fu);
        e.push(
            "t12_past",
            vec![
                no.clone(),
                (i + 1).to_string(),
                year_of(&year),
                money(a("budget"), e.unit),
                money(a("spent"), e.unit),
                rate,
            ],
        );
        for k in ["budget", "spent"] {
            if let Some(x) = a(k) {
                e.fact(T12, &no, "", i + 1, "past_budgets", &year, k, x);
            }
        }
    }
    for (i, r) in rows("sources").iter().enumerate() {
        let label = value_text(r.get("label"), fu);
        let a = r.get("amount").and_then(FormValue::as_amount);
        e.push(
            "t12_sources",
            vec![
                no.clone(),
                (i + 1).to_string(),
                f.blocks("sources")
                    .next()
                    .and_then(|b| b.part_of.get(i).copied().flatten())
                    .map(|p| (p + 1).to_string())
                    .unwrap_or_default(),
                label.clone(),
                money(a, e.unit),
            ],
        );
        if let Some(x) = a {
            e.fact(T12, &no, "", i + 1, "sources", &label, "amount", x);
        }
    }
    for (i, r) in rows("details").iter().enumerate() {
        let task = value_text(r.get("task"), fu);
        let a = r.get("amount").and_then(FormValue::as_amount);
        e.push(
            "t12_details",
            vec![
                no.clone(),
                (i + 1).to_string(),
                task.clone(),
                value_text(r.get("standard"), fu),
                value_text(r.get("unit_price"), fu),
                value_text(r.get("quantity"), fu),
                money(a, e.unit),
                value_text(r.get("note"), fu),
            ],
        );
        if let Some(x) = a {
            e.fact(T12, &no, "", i + 1, "details", &task, "amount", x);
        }
    }
    for (i, r) in rows("procurement").iter().enumerate() {
        let a = r.get("amount").and_then(FormValue::as_amount);
        e.push(
            "t12_procurement",
            vec![
                no.clone(),
                (i + 1).to_string(),
                value_text(r.get("item"), fu),
                value_text(r.get("quantity"), fu),
                money(a, e.unit),
            ],
        );
    }
    for (i, r) in rows("goals").iter().enumerate() {
        e.push(
            "t12_goals",
            vec![
                no.clone(),
                (i + 1).to_string(),
                value_text(r.get("name"), fu),
                value_text(r.get("text"), fu),
            ],
        );
    }
    indicator_rows(e, f, Some(n));
}

impl CsvTables {
    /// Appends one budget's rows to every file.
    pub fn add(&mut self, b: &Budget, source_file: &str, source_hash: &str, unit: Unit) {
        emit(Sink::Rows(self), b, source_file, source_hash, unit);
    }
}

/// Walks one budget's tables, giving every file's rows to `out`.
fn emit(out: Sink, b: &Budget, source_file: &str, source_hash: &str, unit: Unit) {
    let mut e = Emit {
        out,
        year: b.year,
        key: [
            b.year.map(|y| y.to_string()).unwrap_or_default(),
            b.department.code.clone().unwrap_or_default(),
            b.level.word().to_string(),
            b.budget_unit
                .as_ref()
                .and_then(|u| u.code.clone())
                .unwrap_or_default(),
            source_file.to_string(),
            source_hash.to_string(),
            unit.label().to_string(),
        ],
        unit,
        scratch: Default::default(),
        sheet: None,
    };
    let t = &b.tables;
    if let Some(x) = &t.t1 {
        lines_rows(&mut e, TableId::T1, x);
    }
    if let Some(x) = &t.t4 {
        lines_rows(&mut e, TableId::T4, x);
    }
    for (id, amounts) in CODED_AMOUNTS {
        if let Some(x) = t.coded(*id) {
            coded_rows(&mut e, *id, x, amounts);
        }
    }
    if let Some(s) = &t.t7 {
        if !s.amounts.is_empty() {
            e.push(
                TableId::T7.as_str(),
                T7_AMOUNTS
                    .iter()
                    .map(|(k, _, _)| money(s.amounts.get(*k), e.unit))
                    .collect(),
            );
            for (k, _, _) in T7_AMOUNTS {
                if let Some(a) = s.amounts.get(*k) {
                    e.fact(TableId::T7.as_str(), "", "", 1, "合计", "“三公”经费", k, a);
                }
            }
        }
        for (k, a) in &s.extras {
            e.fact(
                TableId::T7.as_str(),
                "",
                "",
                1,
                "合计",
                "“三公”经费",
                &format!("extra:{k}"),
                a,
            );
        }
    }
    if let Some(f) = &t.t11 {
        t11_rows(&mut e, f);
    }
    for (i, f) in t.t12.iter().enumerate() {
        t12_rows(&mut e, i + 1, f);
    }
    if let Some(r) = &b.narrative {
        narrative_rows(&mut e, r);
    }
    for m in t.metas() {
        for n in &m.notes {
            e.push(
                "notes",
                vec![
                    m.id.to_string(),
                    n.text.clone(),
                    n.says_empty.to_string(),
                    n.cell.to_string(),
                ],
            );
        }
    }
}

fn yuan_text(yuan: Decimal, unit: Unit) -> String {
    let mut d = from_yuan(yuan, unit);
    d.rescale(2);
    let mut out = String::new();
    crate::amount::push_decimal(&mut out, d);
    out
}

fn narrative_rows(e: &mut Emit, r: &crate::narrative::Review) {
    use crate::narrative::Kind;
    for f in &r.facts {
        let p = &r.narrative.paragraphs[f.para];
        let (mut amount, mut percent) = (String::new(), String::new());
        match (&f.stated, f.kind) {
            (_, Kind::Growth) => {
                amount = f.change.map(|d| yuan_text(d, e.unit)).unwrap_or_default();
                percent = f.rate.map(pct).unwrap_or_default();
            }
            (Some(s), Kind::Share) => percent = pct(s.value),
            (Some(s), _) => amount = yuan_text(s.yuan(), e.unit),
            _ => {}
        }
        let row = narrative_row(r, f, p, f.said.clone(), amount, percent, e.unit);
        e.push("narrative_facts", row);
    }
}

fn narrative_row(
    r: &crate::narrative::Review,
    f: &crate::narrative::Fact,
    p: &crate::narrative::Paragraph,
    stated: String,
    amount: String,
    percent: String,
    unit: Unit,
) -> Vec<String> {
    vec![
        r.narrative.source.clone(),
        (f.para + 1).to_string(),
        p.place.clone(),
        f.kind_key().to_string(),
        f.subject.clone(),
        f.subject_key.clone(),
        f.year.map(|y| y.to_string()).unwrap_or_default(),
        stated,
        amount,
        percent,
        f.figure.clone(),
        f.figure_yuan
            .map(|y| yuan_text(y, unit))
            .unwrap_or_default(),
        f.cells
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" "),
        f.outcome.key().to_string(),
    ]
}

/// A manifest row.
pub fn manifest_row(m: &ManifestEntry) -> Vec<String> {
    let o = &m.outcome;
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    let unit = |f: fn(&BudgetUnit) -> &Option<String>| {
        o.budget_unit.as_ref().map(f).map(text).unwrap_or_default()
    };
    vec![
        o.path.clone(),
        o.source_file.clone(),
        m.source_hash.clone(),
        m.size.to_string(),
        o.status.as_str().to_string(),
        text(&o.template),
        o.year.map(|y| y.to_string()).unwrap_or_default(),
        text(&o.dept_code),
        text(&o.dept_name),
        o.level.map(|l| l.word().to_string()).unwrap_or_default(),
        unit(|u| &u.code),
        unit(|u| &u.name),
        o.counts.0.to_string(),
        o.counts.1.to_string(),
        o.counts.2.to_string(),
        text(&o.message),
        m.duplicate_of.join(";"),
        m.outputs.join(";"),
        m.input_id.clone(),
        m.replaces.clone(),
    ]
}

/// Columns of `manifest.csv` (its schema; a test keeps the two in step).
pub const MANIFEST_COLUMNS: usize = 20;

/// Columns of a manifest written before inputs had an identity and a
/// level: read as lines without them (their inputs are never taken for
/// another's; a run resumes from them as well).
const MANIFEST_COLUMNS_BEFORE_IDS: usize = 15;

/// One input's line of `manifest.csv`: the input and what happened to it
/// ([`InputOutcome`]), and what the warehouse folder holds of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ManifestEntry {
    pub outcome: InputOutcome,
    pub source_hash: String,
    pub size: u64,
    pub duplicate_of: Vec<String>,
    pub outputs: Vec<String>,
    /// The input's identity ([`MANIFEST_COLUMNS`]: `input_id`).
    pub input_id: String,
    /// The content hash of the version whose outputs this line's replaced.
    pub replaces: String,
}

impl ManifestEntry {
    /// Reads a line written by [`manifest_row`] (a later run resumes from
    /// it), its fields unescaped as [`formula_safe`] escaped them, so that
    /// a line read and written again says the same. `None` for a line of
    /// another width, or whose status is no [`Status`] word: such a line
    /// is no input's (its input is converted again).
    pub fn from_row(r: &csv::StringRecord) -> Option<ManifestEntry> {
        let f = |i: usize| unescape_formula(r.get(i).unwrap_or("")).to_string();
        let given = |i: usize| Some(f(i)).filter(|x| !x.is_empty());
        let list = |i: usize| -> Vec<String> {
            unescape_formula(r.get(i).unwrap_or(""))
                .split(';')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        };
        let n = |i: usize| r.get(i).and_then(|x| x.parse::<usize>().ok()).unwrap_or(0);
        // The columns after dept_name, where a manifest of the older
        // layout (no level and unit columns) has them.
        let at = match r.len() {
            MANIFEST_COLUMNS => 12,
            MANIFEST_COLUMNS_BEFORE_IDS => 9,
            _ => return None,
        };
        let later = |i: usize| if at == 12 { f(i) } else { String::new() };
        let status = Status::from_word(&f(4))?;
        let unit = BudgetUnit {
            code: Some(later(10)).filter(|x| !x.is_empty()),
            name: Some(later(11)).filter(|x| !x.is_empty()),
        };
        Some(ManifestEntry {
            outcome: InputOutcome {
                path: f(0),
                source_file: f(1),
                status,
                message: given(at + 3),
                template: given(5),
                year: r.get(6).and_then(|x| x.parse().ok()),
                dept_code: given(7),
                dept_name: given(8),
                level: Level::from_word(&later(9)),
                budget_unit: (unit != BudgetUnit::default()).then_some(unit),
                counts: (n(at), n(at + 1), n(at + 2)),
            },
            source_hash: f(2),
            size: r.get(3).and_then(|x| x.parse().ok()).unwrap_or(0),
            duplicate_of: list(at + 4),
            outputs: list(at + 5),
            input_id: later(18),
            replaces: later(19),
        })
    }

    /// The input's [`crate::model::identity`], from what its line says.
    pub fn identity(&self) -> Option<String> {
        self.outcome.identity()
    }
}

/// A field as [`formula_safe`] wrote it, read back: a leading `'` dropped
/// when the next character is one of `= + - @ \t \r` (the rule
/// docs/csv-schema.md gives readers), so that a field read and written
/// again is written the same.
pub fn unescape_formula(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => field,
    }
}

/// A text that Excel or WPS would run as a formula when the CSV is opened
/// (`=HYPERLINK(…)`, `+…`, `@…`, `-…` that is not a number, a leading tab or
/// carriage return; OWASP "CSV injection") gets a leading `'`, which the
/// spreadsheet shows as text. Numbers (`-100.00`) are left alone. To get
/// the exact text back, drop a leading `'` when the next character is one
/// of `= + - @ \t \r` (docs/csv-schema.md).
pub fn formula_safe(field: &str) -> std::borrow::Cow<'_, str> {
    let risky = match field.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => true,
        Some('-') => field.parse::<f64>().is_err(),
        // Already escaped text that starts with `'` then a risky character
        // keeps its own `'` too, so unescaping is unambiguous.
        Some('\'') => field[1..].starts_with(['=', '+', '-', '@', '\t', '\r']),
        _ => false,
    };
    if risky {
        std::borrow::Cow::Owned(format!("'{field}"))
    } else {
        std::borrow::Cow::Borrowed(field)
    }
}

/// How the files are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gbk,
}

/// Why a file cannot be encoded.
#[derive(Debug, thiserror::Error)]
#[error("{file}: 字符“{ch}”（U+{code:04X}，第 {line} 行）无法用 GBK 表示；请改用 UTF-8（去掉 --encoding gbk）")]
pub struct EncodeError {
    pub file: String,
    pub ch: char,
    pub code: u32,
    pub line: usize,
}

/// Renders rows with a header as CSV bytes in the encoding asked for.
///
/// # Errors
/// [`EncodeError`] naming the first character GBK cannot hold.
pub fn render(
    file: &str,
    header: &[&str],
    rows: &[Vec<String>],
    encoding: Encoding,
    bom: bool,
) -> Result<Vec<u8>, EncodeError> {
    let mut out = if bom && encoding == Encoding::Utf8 {
        vec![0xEF, 0xBB, 0xBF]
    } else {
        Vec::new()
    };
    out.extend(render_rows(
        file,
        [header
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<String>>()],
        encoding,
    )?);
    out.extend(render_rows(file, rows, encoding)?);
    Ok(out)
}

/// Renders rows without a header (a chunk appended to a file that has
/// one), text that a spreadsheet would run escaped ([`formula_safe`]).
///
/// # Errors
/// [`EncodeError`] naming the first character GBK cannot hold; `line` is
/// the line within these rows.
pub fn render_rows<R: AsRef<[String]>>(
    file: &str,
    rows: impl IntoIterator<Item = R>,
    encoding: Encoding,
) -> Result<Vec<u8>, EncodeError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    for r in rows {
        for f in r.as_ref() {
            let _ = w.write_field(formula_safe(f).as_bytes());
        }
        let _ = w.write_record(None::<&[u8]>);
    }
    encode(file, w.into_inner().unwrap_or_default(), encoding)
}

/// CSV bytes written from UTF-8 text, in the encoding asked for.
fn encode(file: &str, utf8: Vec<u8>, encoding: Encoding) -> Result<Vec<u8>, EncodeError> {
    match encoding {
        // Fields were `str`, and CSV quoting adds only ASCII.
        Encoding::Utf8 => Ok(utf8),
        Encoding::Gbk => {
            let text = String::from_utf8(utf8).unwrap_or_default();
            let (bytes, _, bad) = encoding_rs::GBK.encode(&text);
            if bad {
                for (i, line) in text.lines().enumerate() {
                    for ch in line.chars() {
                        let mut buf = [0u8; 4];
                        if encoding_rs::GBK.encode(ch.encode_utf8(&mut buf)).2 {
                            return Err(EncodeError {
                                file: file.to_string(),
                                ch,
                                code: ch as u32,
                                line: i + 1,
                            });
                        }
                    }
                }
            }
            Ok(bytes.into_owned())
        }
    }
}

/// `CREATE TABLE` for every CSV file, with every column's type: amounts
/// `DECIMAL(18,2)` (exact), codes, keys, `dept_code` and phone numbers
/// `VARCHAR`, years and row numbers `INTEGER` — what DuckDB, Spark and
/// Trino accept, so no engine guesses (an empty file included).
pub fn schema_sql() -> String {
    let mut s = String::from(
        "-- yusuan convert: the CSV files' columns and types (docs/csv-schema.md).\n\
         -- Load a file with its declared types, e.g. in DuckDB:\n\
         --   CREATE TABLE t3 (...);  COPY t3 FROM 't3.csv' (HEADER);\n\
         -- With --layout hive, `year` comes from the folder (year=2024), not the file.\n",
    );
    for (file, cols) in schemas() {
        s.push_str(&format!("\nCREATE TABLE IF NOT EXISTS {file} (\n"));
        let lines: Vec<String> = cols
            .iter()
            .map(|(c, t, _)| {
                let ty = match *t {
                    "decimal" => "DECIMAL(18,2)",
                    "integer" => "INTEGER",
                    "boolean" => "BOOLEAN",
                    _ => "VARCHAR",
                };
                format!("    {c} {ty}")
            })
            .collect();
        s.push_str(&lines.join(",\n"));
        s.push_str("\n);\n");
    }
    s
}

/// The schema of every CSV file as Markdown (`docs/csv-schema.md`).
pub fn schema_markdown() -> String {
    let mut s = String::from(
        "# CSV schema (`yusuan convert --to csv`)\n\n\
         Generated from `yusuan::export::csv::schemas()`; a test keeps this file in step.\n\n\
         Every file but `manifest.csv` starts with `year`, `dept_code`, `source_file`, `source_hash`,\n\
         `unit`; rows of all inputs are appended in input order. `schema.sql`, written beside the\n\
         CSVs, declares every file as a table with these types (`decimal` is `DECIMAL(18,2)`, `text`\n\
         `VARCHAR`), so an engine loads amounts exactly and codes, `dept_code` and phone numbers as\n\
         text instead of guessing; no column is named after an SQL keyword. `decimal` columns are plain decimal text with two\n\
         decimals in the unit asked for (`--unit yuan`, the default: exact 元; `--unit wan`: 万元,\n\
         rounded to 0.01); blank and `-` cells are `0.00`; a column the source did not have is\n\
         empty. `text` columns keep leading zeros. Files are UTF-8 (`--bom` adds a byte-order\n\
         mark, `--encoding gbk` writes GBK), comma-separated, CRLF line ends, quoted where needed.\n\n\
         With `--layout hive` each input's rows of file `X.csv` are written as their own part,\n\
         `X/year=YYYY/part-<input_id>-<source_hash>.csv`, without the `year` column (the partition\n\
         holds it); a workbook without a year goes to `year=__HIVE_DEFAULT_PARTITION__`. Spark,\n\
         Trino and DuckDB read each folder as one table. An input is known by `input_id`, its\n\
         canonical path hashed: a file of the same name in another folder, or converted by\n\
         another run into the same folder, is another input, and its parts go beside the first\n\
         one's. This layout resumes: a rerun skips the inputs that `manifest.csv` already lists\n\
         with the same content and all their outputs present; a changed input replaces its own\n\
         parts and its line says which version it replaced (`replaces`); a changed input that\n\
         cannot be converted keeps its last good parts (`stale`); nothing else is removed;\n\
         `--force` converts again what was skipped. A killed run leaves no partial part (each is\n\
         written to a temporary file and renamed) and no manifest line for an input not fully\n\
         written. The flat layout (the default, for small jobs) replaces the earlier run's files\n\
         as a whole. A run in which no input can be read leaves the folder as it was.\n\
         `manifest.csv` stays one file.\n\n\
         **Text that would run as a formula.** A text field that starts with `=`, `+`, `@`, a tab,\n\
         a carriage return, or `-` not followed by a number (`=HYPERLINK(…)`, `@SUM(…)`) is written\n\
         with a leading `'`, so Excel and WPS show it as text instead of running it (OWASP CSV\n\
         injection); numbers such as `-100.00` are written as they are. A text that itself starts\n\
         with `'` followed by one of those characters gets a second `'`. To get the exact text\n\
         back: if a field starts with `'` and its next character is one of `= + - @` tab or\n\
         carriage return, drop the first `'`.\n",
    );
    for (file, cols) in schemas() {
        s.push_str(&format!(
            "\n## {file}.csv\n\n| column | type | meaning |\n| --- | --- | --- |\n"
        ));
        for (c, t, m) in cols {
            s.push_str(&format!("| `{c}` | {t} | {m} |\n"));
        }
    }
    s
}

/// Amount key lists of the coded tables, for checking the template against.
pub fn coded_amount_keys(id: TableId) -> Vec<&'static str> {
    CODED_AMOUNTS
        .iter()
        .find(|(t, _)| *t == id)
        .map(|(_, cols)| cols.iter().map(|c| c.0).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A coded file takes its amount columns from `CODED_AMOUNTS` by its
    /// name: each coded file has its entry there, and each entry a file.
    #[test]
    fn every_coded_file_has_its_amount_columns() {
        let coded: Vec<&str> = FILES
            .iter()
            .filter(|(_, l)| matches!(l, Layout::Coded(_)))
            .map(|(f, _)| *f)
            .collect();
        let with_amounts: Vec<&str> = CODED_AMOUNTS.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(coded, with_amounts);
    }

    #[test]
    fn fields_are_written_as_the_csv_crate_writes_them() {
        let fields = [
            "",
            "合计",
            "a,b",
            "say \"hi\"",
            "\"",
            "line\nbreak",
            "cr\rhere",
            "=SUM(A1)",
            "-100.00",
            "-x",
            "'=x",
            "@home",
            " lead",
            "tab\tin",
            "#hash",
            "年,\"度\"\r\n",
        ];
        for a in fields {
            for b in fields {
                let mut ours = Vec::new();
                push_field(&mut ours, a);
                ours.push(b',');
                push_field(&mut ours, b);
                ours.extend_from_slice(b"\r\n");
                let theirs =
                    render_rows("x", [vec![a.to_string(), b.to_string()]], Encoding::Utf8).unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&ours),
                    String::from_utf8_lossy(&theirs),
                    "{a:?} {b:?}"
                );
            }
        }
    }
}
