//! A budget laid out in a template's layout, for paper: the normalized
//! workbook (`convert --to xlsx --as TEMPLATE`). Everything a layout is
//! comes from the template — its sheet names, titles, the rows above the
//! header, header bands (`header_layout`), printed columns and their
//! widths, where the 合计 row stands, the lines of its lines tables and
//! their order, its forms part by part ([`crate::template::print`]) — so a
//! new bureau's layout, or next year's, is a template file.
//!
//! Each table is written in the template's unit, except a table the source
//! kept in 元 where the template prints 万元: it stays in 元, so that no
//! figure is rounded. A table the source lacks is a placeholder saying so;
//! what the layout has no place for, and places the source cannot fill, are
//! listed in the [`Report`].

mod ctx;
mod form;
mod grid;
mod lines;
mod report;

pub(crate) use report::{column_words, source_table_name};
pub use report::{Report, TableReport};

use ctx::sheet_name;
use ctx::Ctx;

use super::page::{Page, Style};
use super::xlsx::{self, Look, Options, XlsxError};
use crate::amount::CellForm;
use crate::model::{Amount, Budget, TableId};
use crate::template::{TableKind, TableSpec, Template};

/// A budget laid out: its pages, not yet sized for paper, and what the
/// layout could not hold.
#[derive(Debug, Clone)]
pub struct Laid {
    pub pages: Vec<Page>,
    pub report: Report,
    /// The fonts and formats of the template.
    pub look: Look,
}

impl Laid {
    /// Sizes every page for paper and writes the package.
    ///
    /// # Errors
    /// [`XlsxError`] for a sheet name Excel refuses (a template's `sheet`)
    /// or a sheet past Excel's bounds.
    pub fn write(mut self, zip_level: Option<u8>) -> Result<Vec<u8>, XlsxError> {
        for p in &mut self.pages {
            p.fit();
        }
        xlsx::write(
            &self.pages,
            &Options {
                look: self.look,
                zip_level,
                ..Options::default()
            },
        )
    }
}

/// A normalized workbook and what its layout could not hold.
#[derive(Debug, Clone)]
pub struct Written {
    pub bytes: Vec<u8>,
    pub report: Report,
}

/// Writes a budget as a workbook in `template`'s layout: a cover, then
/// each table of the template (a placeholder for one the source lacks),
/// compressed fast (a bulk run writes thousands).
///
/// # Errors
/// [`XlsxError`] as [`Laid::write`].
pub fn write_as(budget: &Budget, template: &Template) -> Result<Written, XlsxError> {
    let laid = lay_out(budget, template);
    let report = laid.report.clone();
    Ok(Written {
        bytes: laid.write(Some(1))?,
        report,
    })
}

/// Lays a budget out in `template`'s layout.
pub fn lay_out(budget: &Budget, template: &Template) -> Laid {
    let ctx = Ctx {
        b: budget,
        t: template,
        print: &template.print,
        report: std::cell::RefCell::new(Report {
            template: template.name.clone(),
            tables: Vec::new(),
        }),
    };
    let mut pages = Vec::new();
    if ctx.print.cover {
        pages.push(cover(&ctx));
    }
    for spec in &template.tables {
        let start = pages.len();
        match spec.kind {
            TableKind::Coded | TableKind::Single => pages.extend(grid::page(&ctx, spec)),
            TableKind::Lines => pages.extend(lines::page(&ctx, spec)),
            TableKind::Form => pages.extend(form::pages(&ctx, spec)),
        }
        if pages.len() == start {
            pages.push(placeholder(&ctx, spec));
            let report = &mut ctx.report.borrow_mut();
            report.leave_empty(
                spec.id,
                &ctx.name(spec),
                format!("源工作簿无此表，{} 是占位页", sheet_name(spec, None)),
            );
        } else if let Some(p) = pages.get_mut(start..) {
            let landscape = spec
                .print
                .landscape
                .unwrap_or_else(|| spec.kind == TableKind::Lines || p[0].columns.len() > 8);
            for page in p {
                page.print.landscape = landscape && spec.kind != TableKind::Form;
            }
        }
    }
    lost_tables(&ctx);
    for p in &mut pages {
        // Printed as the bureau prints: A4, one page wide.
        p.print.a4_one_page_wide = true;
    }
    let mut report = ctx.report.into_inner();
    report.tidy();
    let print = &template.print;
    Laid {
        pages,
        report,
        look: Look {
            font: print.font.clone(),
            size: print.font_size,
            title_size: print.title_size,
            number_format: print.number_format.clone(),
            percent_format: print.percent_format.clone(),
        },
    }
}

/// Tables of the model the template does not have: every figure of them
/// is lost.
fn lost_tables(ctx: &Ctx) {
    let tb = &ctx.b.tables;
    let mut seen = std::collections::BTreeSet::new();
    for meta in tb.metas() {
        // A table of several sheets (表12) once.
        if ctx.t.table(meta.id).is_some() || !seen.insert(meta.id) {
            continue;
        }
        let figures = figures_of_table(ctx.b, meta.id);
        let name = source_table_name(meta);
        ctx.report.borrow_mut().lose(
            meta.id,
            &name,
            "整张表（该格式没有这张表）".to_string(),
            figures,
        );
    }
}

/// Non-blank figures of a table of the model (all its sheets).
pub(crate) fn figures_of_table(b: &Budget, id: TableId) -> usize {
    let count = |a: &Amount| usize::from(a.form != CellForm::Blank);
    let tb = &b.tables;
    if let Some(t) = tb.coded(id) {
        return t
            .total
            .iter()
            .chain(&t.rows)
            .map(|r| {
                r.amounts
                    .values()
                    .chain(r.extras.values())
                    .map(count)
                    .sum::<usize>()
            })
            .sum();
    }
    if let Some(t) = tb.lines(id) {
        return t
            .income
            .iter()
            .chain(&t.expense)
            .map(|l| count(&l.amount) + l.extras.values().map(count).sum::<usize>())
            .sum();
    }
    match id {
        TableId::T7 => tb.t7.as_ref().map_or(0, |s| {
            s.amounts.values().chain(s.extras.values()).map(count).sum()
        }),
        TableId::T11 => tb.t11.iter().map(form::figures).sum(),
        TableId::T12 => tb.t12.iter().map(form::figures).sum(),
        _ => 0,
    }
}

/// The cover, as the published document opens: the department, the year,
/// and the tables in order, each absent one said to be absent.
fn cover(ctx: &Ctx) -> Page {
    let mut p = Page::new("封面");
    p.width(0, 12.0);
    p.width(1, 60.0);
    // 部门预算 or 单位预算: the reader tells a unit's budget by these words.
    let level = ctx.b.level.budget();
    let title = match ctx.b.year {
        Some(y) => format!("{}{y}年{level}公开表", ctx.department()),
        None => format!("{}{level}公开表", ctx.department()),
    };
    p.span(0, 0, 0, 1, &title, Style::Title);
    p.height(0, 42.0);
    p.text(2, 0, "目录", Style::Section);
    for (r, spec) in (3..).zip(&ctx.t.tables) {
        let mut name = spec.title.clone();
        let forms = match spec.id {
            TableId::T12 => ctx.b.tables.t12.len(),
            id => usize::from(ctx.b.tables.metas().iter().any(|m| m.id == id)),
        };
        if forms == 0 {
            name.push_str(&format!("（{}）", ctx.absent_words()));
        } else if spec.multiple {
            name.push_str(&format!("（共 {forms} 张）"));
        }
        p.text(r, 0, &format!("表{}", spec.number), Style::Plain);
        p.text(r, 1, &name, Style::Note);
    }
    p
}

/// A table the source lacks: its title and a note saying so.
fn placeholder(ctx: &Ctx, spec: &TableSpec) -> Page {
    let mut p = Page::new(sheet_name(spec, None));
    p.table = Some(spec.id);
    for c in 0..6 {
        p.width(c, 14.0);
    }
    p.span(0, 0, 0, 5, &ctx.title(spec), Style::Title);
    let source = &ctx.b.source.template;
    let source = if source.is_empty() {
        String::new()
    } else {
        format!("（按 {source} 模板编制）")
    };
    let year = ctx.b.year.map(|y| format!(" {y} 年")).unwrap_or_default();
    let note = format!(
        "{}：本部门{year}的源工作簿{source}没有“{}”，此处不列数字。",
        ctx.absent_words(),
        spec.title
    );
    p.span(2, 0, 2, 5, &note, Style::Note);
    p
}
