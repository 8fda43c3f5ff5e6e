//! `yusuan inspect`: what was recognized in a workbook.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;

use super::ReadArgs;
use yusuan::import::import_file;
use yusuan::model::{Budget, Severity, TableId};

#[derive(Debug, Args)]
#[command(after_help = "示例：（samples/ 是本仓库附带的样例工作簿）
  yusuan inspect samples/qiaokou-2024.xlsx
  yusuan inspect samples/*.xlsx                          # 几个文件
  yusuan inspect samples/wenlv-2022.xls --template 2022  # 指定模板，不自动选择
  yusuan inspect samples/wenlv-2022.xls --year 2022      # 工作簿未写明年度时指定

每个文件：模板及其理由，年度、部门和单位，每张表的工作表、单元格范围、单位和行数，
其非空单元格读入多少、未读多少（“未读 0”才是全部读懂），未使用的工作表，未找到的表，
以及导入时发现的问题（规则 ID、单元格）。

退出码：0 全部可读；2 有文件无法读取或不是预算表（其余文件照常列出）。")]
pub struct InspectArgs {
    /// 工作簿（.xlsx、.xlsm 或 .xls），或文件夹（其中的工作簿逐层查找）
    #[arg(required = true, value_name = "文件|文件夹")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

pub fn run(args: &InspectArgs) -> anyhow::Result<i32> {
    let cfg = args.read.resolve()?;
    let mut status = 0;
    let files = super::batch::workbooks(&args.files, None)?;
    for (i, input) in files.iter().enumerate() {
        if i > 0 {
            println!();
        }
        match import_file(&input.path, &cfg.templates, &cfg.options) {
            Ok(b) => print!("{}", report(&b, &cfg.templates)),
            // Another document than a budget: what it is and why, as the
            // report of this file.
            Err(e) if e.is_refusal() => {
                let what = match &e {
                    yusuan::Error::NotABudget { what, .. } => what.clone(),
                    other => other.to_string(),
                };
                println!("文件：{}\n结论：{what}", super::shown(&input.path));
                status = 2;
            }
            Err(e) => {
                eprintln!("错误：{e}");
                status = 2;
            }
        }
    }
    Ok(status)
}

fn rows_summary(b: &Budget, id: TableId, sheet: &str) -> String {
    let t = &b.tables;
    if let Some(c) = t.coded(id) {
        return format!(
            "{} 行{}",
            c.rows.len(),
            if c.total.is_some() { " + 合计" } else { "" }
        );
    }
    if let Some(l) = t.lines(id) {
        return format!("收入 {} 行，支出 {} 行", l.income.len(), l.expense.len());
    }
    if id == TableId::T7 {
        return match &t.t7 {
            Some(s) if !s.amounts.is_empty() => format!("{} 个金额", s.amounts.len()),
            _ => "无数据".into(),
        };
    }
    t.t11
        .iter()
        .chain(&t.t12)
        .find(|f| f.meta.id == id && f.meta.sheet == sheet)
        .map(|f| format!("{} 个字段，{} 个块", f.fields.len(), f.blocks.len()))
        .unwrap_or_default()
}

/// The human-readable summary of one imported workbook.
pub fn report(b: &Budget, templates: &yusuan::template::Templates) -> String {
    let mut s = String::new();
    let tpl = templates.get(&b.source.template);
    identity(&mut s, b, tpl);
    let _ = writeln!(s, "表格：");
    for m in b.tables.metas() {
        let line = table_line(b, m, tpl.and_then(|t| t.table(m.id)));
        let _ = writeln!(s, "{line}");
    }
    sheets_and_notes(&mut s, b, tpl);
    conclusion(&mut s, b);
    s
}

/// The file, its template, year, department, level and units.
fn identity(s: &mut String, b: &Budget, tpl: Option<&yusuan::template::Template>) {
    let _ = writeln!(
        s,
        "文件：{}（{:?}，{} 个工作表）",
        b.source.path,
        b.source.format,
        b.source.sheets.len()
    );
    let _ = writeln!(
        s,
        "模板：{}（{}）：{}",
        b.source.template,
        tpl.map_or("", |t| t.name.as_str()),
        b.source.template_reason
    );
    match b.year {
        Some(y) => {
            let _ = writeln!(
                s,
                "年度：{y}（来自 {}）",
                b.year_from.as_deref().unwrap_or("?")
            );
        }
        None => {
            let _ = writeln!(s, "年度：未找到");
        }
    }
    let _ = writeln!(
        s,
        "部门：{} {}",
        b.department.code.as_deref().unwrap_or("（无编码）"),
        b.department.name.as_deref().unwrap_or("（无名称）")
    );
    let level_from = b.level_from.as_deref().map_or(
        "无标题或封面说明，按部门预算".to_string(),
        |c| format!("来自 {c}"),
    );
    match &b.budget_unit {
        Some(u) => {
            let _ = writeln!(
                s,
                "级次：单位预算（{level_from}）：{}{}",
                u.name.as_deref().unwrap_or("（无名称）"),
                u.code
                    .as_deref()
                    .map_or(String::new(), |c| format!("，编码 {c}"))
            );
        }
        None => {
            let _ = writeln!(s, "级次：{}（{level_from}）", b.level.budget());
        }
    }
    if !b.units.is_empty() {
        let units: Vec<String> = b
            .units
            .iter()
            .map(|u| format!("{} {}", u.code, u.name))
            .collect();
        let _ = writeln!(s, "单位：{}", units.join("；"));
    }
}

/// A table's line: where it stands, its rows and cells, and what it lacks
/// or has beyond the canonical model.
fn table_line(
    b: &Budget,
    m: &yusuan::model::TableMeta,
    spec: Option<&yusuan::template::TableSpec>,
) -> String {
    let number = spec.map_or(String::new(), |t| format!("表{}", t.number));
    let title = spec.map_or("", |t| t.title.as_str());
    let mut line = format!(
        "  {:<5} {:<7} {:<28} {}!{:<10} {:<4} {}",
        m.id,
        number,
        title,
        m.sheet,
        m.range,
        m.unit.label(),
        rows_summary(b, m.id, &m.sheet)
    );
    let _ = write!(
        line,
        "；单元格 读入 {} / 未读 {}",
        m.coverage.cells_read, m.coverage.cells_left
    );
    // Columns by their words as printed, the template's key beside
    // for whoever writes a template.
    let words = |key: &str| {
        spec.and_then(|t| t.columns.iter().find(|c| c.key == key))
            .and_then(|c| c.words.first())
            .map_or(key.to_string(), |w| format!("{w}（模板键 {key}）"))
    };
    if !m.missing_columns.is_empty() {
        let cols: Vec<String> = m.missing_columns.iter().map(|k| words(k)).collect();
        let _ = write!(line, "；缺少列：{}", cols.join("、"));
    }
    if !m.extra_columns.is_empty() {
        let cols: Vec<String> = m
            .extra_columns
            .iter()
            .map(|c| {
                let header = c.header.rsplit('/').next().unwrap_or(&c.header);
                if c.key == c.header {
                    format!("{header}（{} 列）", c.column)
                } else {
                    format!("{header}（{} 列，模板键 {}）", c.column, c.key)
                }
            })
            .collect();
        let _ = write!(line, "；规范模型之外的列：{}", cols.join("、"));
    }
    if let Some(l) = b.tables.lines(m.id) {
        let own: Vec<String> = l
            .income
            .iter()
            .chain(&l.expense)
            .filter_map(|x| {
                x.key
                    .as_deref()
                    .filter(|k| !yusuan::template::Template::is_canonical_line(m.id, k))
                    .map(|k| format!("{}（模板键 {k}）", x.label))
            })
            .collect();
        if !own.is_empty() {
            let _ = write!(line, "；规范模型之外的行：{}", own.join("、"));
        }
    }
    if let Some(n) = m.empty_note() {
        let _ = write!(line, "；{}", n.text);
    }
    line
}

/// The sheets no table took, the tables not found, the importer's notes.
fn sheets_and_notes(s: &mut String, b: &Budget, tpl: Option<&yusuan::template::Template>) {
    let unused: Vec<String> = b
        .source
        .sheets
        .iter()
        .filter(|sh| sh.table.is_none())
        .map(|sh| {
            if sh.hidden {
                format!("{}（隐藏）", sh.name)
            } else {
                sh.name.clone()
            }
        })
        .collect();
    if !unused.is_empty() {
        let _ = writeln!(s, "未使用的工作表：{}", unused.join("、"));
    }
    let missing: Vec<String> = b
        .diagnostics
        .iter()
        .filter(|d| d.rule == "S.missing_table")
        .filter_map(|d| d.table)
        .map(|id| match tpl.and_then(|t| t.table(id)) {
            Some(spec) => format!("表{} {}", spec.number, spec.title),
            None => id.to_string(),
        })
        .collect();
    let _ = writeln!(
        s,
        "未找到的表：{}",
        if missing.is_empty() {
            "无".to_string()
        } else {
            missing.join("、")
        }
    );
    let notes: Vec<_> = b
        .diagnostics
        .iter()
        .filter(|d| d.rule != "S.missing_table")
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(s, "导入提示（{} 条）：", notes.len());
        for d in notes {
            let cells: Vec<String> = d.cells.iter().map(ToString::to_string).collect();
            let at = if cells.is_empty() {
                String::new()
            } else {
                format!(" [{}]", cells.join(", "))
            };
            let _ = writeln!(
                s,
                "  [{}] {} {}{}",
                d.severity.label(),
                d.rule,
                d.message,
                at
            );
        }
    }
}

/// How many tables were recognized, counted alike in every line.
fn conclusion(s: &mut String, b: &Budget) {
    let errors = b
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    // Tables as the template's choice counts them (表12 once, however
    // many forms), those found by title or sheet and those then read.
    let mut found: Vec<TableId> = b.source.sheets.iter().filter_map(|sh| sh.table).collect();
    found.sort_unstable();
    found.dedup();
    let metas = b.tables.metas();
    let unread: Vec<TableId> = found
        .iter()
        .copied()
        .filter(|id| !metas.iter().any(|m| m.id == *id))
        .collect();
    let unread = if unread.is_empty() {
        String::new()
    } else {
        format!("（其中 {} 张找不到表头，未读入）", unread.len())
    };
    let forms = if b.tables.t12.len() > 1 {
        format!("（表12 共 {} 张）", b.tables.t12.len())
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "结论：识别 {} 张表{unread}{forms}，{errors} 个导入错误",
        found.len()
    );
}
