//! Workbook + template → canonical [`Budget`].
//!
//! Steps: locate each table's sheet ([`locate`]), find its header band and
//! columns by words ([`header`]), read its rows by the table's kind
//! ([`coded`], [`lines`], [`form`]), then settle the year and the department
//! ([`meta`]). Nothing here knows a cell address in advance.

pub mod coded;
mod ctx;
pub mod form;
pub mod header;
pub mod kind;
pub mod lines;
pub mod locate;
pub mod meta;
pub mod units;

use std::path::Path;

use crate::model::{Budget, Diagnostic, Severity, SheetInfo, SourceInfo, Tables};
use crate::template::{ColumnSpec, TableId, TableKind, TableSpec, Template, Templates};
use crate::workbook::{Sheet, Workbook};
use crate::Error;

use ctx::{first_cells, stood_for, MAX_LISTED_CELLS};
pub use ctx::{holds_figure, Ctx};
use locate::Located;

/// Choices that override what the workbook says.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The budget year, when the workbook does not say it or says it wrong.
    pub year: Option<i32>,
    /// Use this template instead of choosing the best-fitting one.
    pub template: Option<String>,
}

/// Reads a workbook file into the canonical model.
///
/// # Errors
/// [`Error::Workbook`] when the file cannot be read, [`Error::UnknownTemplate`]
/// for a `template` option naming no template, [`Error::NoTables`] when no
/// sheet is recognized as a budget table, [`Error::NotABudget`] for another
/// document (final accounts, a blank template, tables of another kind).
///
/// # Examples
/// ```no_run
/// use yusuan::import::{import_file, ImportOptions};
/// use yusuan::template::Templates;
/// let budget = import_file("samples/qiaokou-2024.xlsx", &Templates::builtin(), &ImportOptions::default()).unwrap();
/// let t3 = budget.tables.t3.as_ref().unwrap();
/// println!("{} {}", t3.row("201").unwrap().name, t3.row("201").unwrap().amounts["total"].yuan);
/// ```
pub fn import_file(
    path: impl AsRef<Path>,
    templates: &Templates,
    opts: &ImportOptions,
) -> Result<Budget, Error> {
    let wb = Workbook::open(path.as_ref())?;
    import_workbook(&wb, templates, opts)
}

/// Reads an opened workbook; see [`import_file`].
///
/// # Errors
/// As [`import_file`], less the reading errors.
pub fn import_workbook(
    wb: &Workbook,
    templates: &Templates,
    opts: &ImportOptions,
) -> Result<Budget, Error> {
    let (template, located, template_reason) = choose_template(wb, templates, opts)?;
    let refuse = |what: String| Error::NotABudget {
        path: wb.path.clone(),
        what,
    };
    if let Some((level, titles)) = kind::final_accounts(wb, kind::titled(&located)) {
        return Err(refuse(kind::final_accounts_sentence(level, &titles)));
    }
    if located.is_empty() {
        return Err(Error::NoTables {
            path: wb.path.clone(),
            sheets: wb.sheets.iter().map(|s| s.name.to_string()).collect(),
        });
    }
    let mut diags = Vec::new();
    let mut tables = Tables::default();
    for l in &located {
        let spec = &template.tables[l.spec];
        let sheet = &wb.sheets[l.sheet];
        read_table(template, spec, sheet, l, &mut tables, &mut diags);
    }
    // Sheets taken by their number or name alone (no budget table's title)
    // whose headers are none of a budget table's: a workbook of another
    // kind. A title found says budget, whatever its header (I.no_header).
    if tables.metas().is_empty() && kind::titled(&located) == 0 {
        let mut names: Vec<&str> = located.iter().map(|l| &*wb.sheets[l.sheet].name).collect();
        names.dedup();
        return Err(refuse(format!(
            "工作表 {} 的名称像是预算表，但没有一张有预算表的表头，这不是部门预算或单位预算；yusuan 目前只读预算",
            names.join("、")
        )));
    }
    // Tables read, not one amount filled in: a blank template.
    if !tables.metas().is_empty() && kind::filled_amounts(&tables) == 0 {
        let mut ids: Vec<&str> = tables.metas().iter().map(|m| m.id.as_str()).collect();
        ids.dedup();
        let n = ids.len();
        return Err(refuse(format!(
            "这是空白模板（{n} 张表都没有填写金额），不是填报后的预算；请填入金额后再核对"
        )));
    }
    unused_sheets(wb, template, &located, &mut diags);
    for (i, spec) in template.tables.iter().enumerate() {
        // A table found whose header is not (I.no_header, an error) is
        // not also missing.
        let found = located.iter().any(|l| l.spec == i);
        let present = found
            || if spec.id == TableId::T12 {
                !tables.t12.is_empty()
            } else {
                tables.metas().iter().any(|m| m.id == spec.id)
            };
        if !present {
            diags.push(Diagnostic {
                rule: "S.missing_table",
                severity: Severity::Error,
                table: Some(spec.id),
                message: format!("工作簿中没有找到 表{} {}", spec.number, spec.title),
                cells: vec![],
            });
        }
    }
    let sheets = wb
        .sheets
        .iter()
        .enumerate()
        .map(|(i, s)| SheetInfo {
            name: s.name.to_string(),
            hidden: s.hidden,
            table: located
                .iter()
                .find(|l| l.sheet == i)
                .map(|l| template.tables[l.spec].id),
        })
        .collect();
    let mut budget = Budget {
        source: SourceInfo {
            path: wb.path.display().to_string(),
            format: wb.format,
            template: template.id.clone(),
            template_reason,
            sheets,
        },
        year: None,
        year_from: None,
        department: Default::default(),
        units: vec![],
        level: Default::default(),
        level_from: None,
        budget_unit: None,
        tables,
        diagnostics: diags,
        rules_off: template.rules_off.clone(),
        conventions: template.conventions.clone(),
        declared_checks: template
            .tables
            .iter()
            .flat_map(|t| {
                t.checks.iter().map(|c| crate::template::DeclaredCheck {
                    table: t.id,
                    check: c.clone(),
                })
            })
            .collect(),
        narrative: None,
    };
    meta::settle(&mut budget, wb, template, &located, opts.year);
    let scale = units::check(&budget);
    budget.diagnostics.extend(scale);
    Ok(budget)
}

/// The template that recognizes the most tables (or the one asked for),
/// its tables, and why it was chosen.
fn choose_template<'t>(
    wb: &Workbook,
    templates: &'t Templates,
    opts: &ImportOptions,
) -> Result<(&'t Template, Vec<Located>, String), Error> {
    if let Some(id) = &opts.template {
        let t = templates.get(id).ok_or_else(|| Error::UnknownTemplate {
            id: id.clone(),
            available: templates.all.iter().map(|t| t.id.clone()).collect(),
        })?;
        return Ok((t, locate::locate(wb, t), "由 --template 指定".into()));
    }
    // The template that finds the most tables; on a tie the one made for
    // the workbook's year (from its titles, or --year), then the one that
    // misses the fewest of its own tables; then the first.
    let year = opts.year.or_else(|| meta::title_year(wb));
    let score = |t: &Template, l: &[Located]| {
        let found: std::collections::BTreeSet<usize> = l.iter().map(|x| x.spec).collect();
        let fits = year.is_some_and(|y| t.fits_year(y));
        (
            found.len(),
            fits,
            std::cmp::Reverse(t.tables.len() - found.len()),
        )
    };
    let mut best: Option<(&Template, Vec<Located>, _)> = None;
    let mut tried = Vec::new();
    let titles = locate::SheetTitles::of(wb);
    for t in &templates.all {
        let l = locate::locate_titles(wb, &titles, t);
        let s = score(t, &l);
        tried.push(format!("{} {}/{}", t.id, s.0, t.tables.len()));
        if best.as_ref().is_none_or(|(_, _, b)| s > *b) {
            best = Some((t, l, s));
        }
    }
    let (t, l, s) = best.ok_or_else(|| Error::UnknownTemplate {
        id: String::new(),
        available: vec![],
    })?;
    let year_word = match (year, s.1) {
        (Some(y), true) => format!("，适用于 {y} 年"),
        (Some(y), false) => format!("，但不是为 {y} 年制定的"),
        (None, _) => String::new(),
    };
    let reason = format!(
        "找到其 {} 张表中的 {} 张{year_word}（各模板找到的表：{}）",
        t.tables.len(),
        s.0,
        tried.join("，")
    );
    Ok((t, l, reason))
}

fn read_table(
    template: &Template,
    spec: &TableSpec,
    sheet: &Sheet,
    located: &Located,
    tables: &mut Tables,
    diags: &mut Vec<Diagnostic>,
) {
    let ctx = Ctx {
        template,
        spec,
        sheet,
        title: located.title.clone(),
        used: Default::default(),
    };
    match spec.kind {
        TableKind::Coded | TableKind::Single | TableKind::Lines => {
            let Some(hm) = header::find_header(sheet, &spec.columns, 0, 40) else {
                diags.push(ctx.diag(
                    "I.no_header",
                    Severity::Error,
                    format!(
                        "工作表“{}”像是 表{}，但找不到它的表头（{}）",
                        sheet.name,
                        spec.number,
                        header_words(&spec.columns)
                    ),
                    vec![],
                ));
                return;
            };
            for (i, c) in spec.columns.iter().enumerate() {
                if c.required && hm.cols[i].is_none() && !stood_for(spec, &hm, c.role) {
                    diags.push(ctx.diag(
                        "I.missing_column",
                        Severity::Error,
                        format!("{} 缺少必需的列“{}”", ctx.label(), c.words[0]),
                        vec![sheet.cell_ref(hm.first_row, 0)],
                    ));
                }
            }
            ctx.take_rows(hm.first_row, hm.last_row);
            match spec.kind {
                TableKind::Coded => {
                    let mut t = coded::read(&ctx, &hm, diags);
                    t.meta.coverage = ctx.coverage(hm.first_row, diags);
                    set_coded(tables, spec.id, t);
                }
                TableKind::Single => {
                    let mut t = coded::read_single(&ctx, &hm, diags);
                    t.meta.coverage = ctx.coverage(hm.first_row, diags);
                    tables.t7 = Some(t);
                }
                _ => {
                    let mut t = lines::read(&ctx, &hm, diags);
                    t.meta.coverage = ctx.coverage(hm.first_row, diags);
                    match spec.id {
                        TableId::T1 => tables.t1 = Some(t),
                        _ => tables.t4 = Some(t),
                    }
                }
            }
        }
        TableKind::Form => {
            let mut f = form::read(&ctx, diags);
            f.meta.coverage = ctx.coverage(0, diags);
            if spec.multiple {
                tables.t12.push(f);
            } else {
                tables.t11 = Some(f);
            }
        }
    }
}

fn set_coded(tables: &mut Tables, id: TableId, t: crate::model::CodedTable) {
    let slot = match id {
        TableId::T2 => &mut tables.t2,
        TableId::T3 => &mut tables.t3,
        TableId::T5_1 => &mut tables.t5_1,
        TableId::T5_2 => &mut tables.t5_2,
        TableId::T6 => &mut tables.t6,
        TableId::T8 => &mut tables.t8,
        TableId::T9 => &mut tables.t9,
        _ => &mut tables.t10,
    };
    *slot = Some(t);
}

fn header_words(cols: &[ColumnSpec]) -> String {
    cols.iter()
        .take(3)
        .map(|c| c.words[0].as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// Sheets no table took that hold figures (`I.unused_sheet`): a copy of a
/// table, an old version left in the workbook, a table whose title the
/// template does not know. Their figures are in no output, so the reviewer
/// hears of them, with the cells. A cover or instructions sheet holds
/// words, and is passed over.
fn unused_sheets(
    wb: &Workbook,
    template: &Template,
    located: &[Located],
    diags: &mut Vec<Diagnostic>,
) {
    for (i, sheet) in wb.sheets.iter().enumerate() {
        if located.iter().any(|l| l.sheet == i) {
            continue;
        }
        let mut figures = Vec::new();
        for r in 0..sheet.height() {
            for (c, v) in sheet.row(r).iter().enumerate() {
                if holds_figure(v) {
                    figures.push(sheet.cell_ref(r, c as u32));
                }
            }
        }
        if figures.is_empty() {
            continue;
        }
        let hidden = if sheet.hidden { "（隐藏）" } else { "" };
        diags.push(Diagnostic {
            rule: "I.unused_sheet",
            severity: Severity::Warning,
            table: None,
            message: format!(
                "工作表“{}”{hidden}没有作为任何一张表读入（模板“{}”），其中 {} 个数字未读入：{}。若是某张表的副本或旧版本，请删去；若是本应读入的表，请核对其标题，或为此版式补充模板",
                sheet.name,
                template.name,
                figures.len(),
                first_cells(&figures),
            ),
            cells: figures.into_iter().take(MAX_LISTED_CELLS).collect(),
        });
    }
}
