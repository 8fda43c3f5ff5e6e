//! Workbook + template → canonical [`Budget`].
//!
//! Steps: locate each table's sheet ([`locate`]), find its header band and
//! columns by words ([`header`]), read its rows by the table's kind
//! ([`coded`], [`lines`], [`form`]), then settle the year and the department
//! ([`meta`]). Nothing here knows a cell address in advance.

pub mod coded;
pub mod form;
pub mod header;
pub mod kind;
pub mod lines;
pub mod locate;
pub mod meta;
pub mod units;

use std::path::Path;

use crate::amount::{parse_amount, to_yuan, Unit};
use crate::model::{
    Amount, Budget, ColumnInfo, Diagnostic, Note, Severity, SheetInfo, SourceInfo, TableMeta,
    Tables, Text,
};
use crate::template::{ColumnSpec, Role, TableId, TableKind, TableSpec, Template, Templates};
use crate::text::norm;
use crate::workbook::{col_letters, CellRef, Sheet, Workbook};
use crate::Error;

use header::HeaderMatch;
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
    meta::settle(&mut budget, wb, template, &located, opts);
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

/// Is an absent column of this role stood for by others that are present?
/// Codes split over 类 | 款 | 项 columns stand for the code column; a
/// code-and-name column stands for both.
fn stood_for(spec: &TableSpec, hm: &HeaderMatch, role: Role) -> bool {
    let present = |r: Role| {
        spec.columns
            .iter()
            .zip(&hm.cols)
            .any(|(c, col)| c.role == r && col.is_some())
    };
    match role {
        Role::Code => present(Role::CodePart) || present(Role::CodeName),
        Role::Name => present(Role::CodeName),
        _ => false,
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

/// What a table reader needs to know.
pub struct Ctx<'a> {
    pub template: &'a Template,
    pub spec: &'a TableSpec,
    pub sheet: &'a Sheet,
    pub title: Option<(String, CellRef)>,
    /// Cells read so far (row, column), for [`Ctx::coverage`].
    pub used: std::cell::RefCell<
        std::collections::HashSet<
            (u32, u32),
            std::hash::BuildHasherDefault<crate::workbook::CellHasher>,
        >,
    >,
}

impl Ctx<'_> {
    /// `表3（工作表“Sheet3”）`.
    pub fn label(&self) -> String {
        format!("表{}（工作表“{}”）", self.spec.number, self.sheet.name)
    }

    pub fn diag(
        &self,
        rule: &'static str,
        severity: Severity,
        message: String,
        cells: Vec<CellRef>,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            severity,
            table: Some(self.spec.id),
            message,
            cells,
        }
    }

    /// The table's unit: a `单位：` cell in the title rows or the header band,
    /// else the template default (reported as S.unit).
    pub fn unit(&self, search_to: u32, diags: &mut Vec<Diagnostic>) -> (Unit, Option<CellRef>) {
        let default = self.spec.unit(self.template);
        for r in 0..search_to.min(self.sheet.height()) {
            for (c, cell) in self.sheet.row(r).iter().enumerate() {
                let CellValue::Text(s) = cell else { continue };
                match Unit::declared_in_with(s, &self.template.department_labels) {
                    Some(Ok(u)) => return (u, Some(self.sheet.cell_ref(r, c as u32))),
                    Some(Err(word)) => {
                        let cell = self.sheet.cell_ref(r, c as u32);
                        diags.push(self.diag(
                            "S.unit",
                            Severity::Warning,
                            format!("{} 的金额单位“{word}”既不是元也不是万元，按模板默认的{default}读取", self.label()),
                            vec![cell.clone()],
                        ));
                        return (default, Some(cell));
                    }
                    None => {}
                }
            }
        }
        if self.spec.unit.is_some() {
            // The table's own convention (表12 forms are in 元): no line needed.
            return (default, None);
        }
        diags.push(self.diag(
            "S.unit",
            Severity::Warning,
            format!(
                "{} 没有注明金额单位（单位：元/万元），按模板默认的{default}读取",
                self.label()
            ),
            vec![],
        ));
        (default, None)
    }

    /// Reads a cell as an amount in `unit`, noting text numbers, rounding and non-numbers.
    pub fn amount(
        &self,
        r: u32,
        c: u32,
        unit: Unit,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Amount> {
        let cell = self.sheet.cell_ref(r, c);
        self.take(r, c);
        match parse_amount(self.sheet.get(r, c)) {
            Ok(p) => {
                if let Some(orig) = &p.rounded_from {
                    diags.push(self.diag(
                        "I.rounded",
                        Severity::Warning,
                        format!("{cell} 的值 {orig} 超过两位小数，按 {} 读取", p.value),
                        vec![cell.clone()],
                    ));
                }
                Some(Amount {
                    yuan: to_yuan(p.value, unit),
                    cell,
                    form: p.form,
                })
            }
            Err(e) => {
                diags.push(self.diag(
                    "I.not_amount",
                    Severity::Error,
                    not_amount_message(&cell, "金额", &e),
                    vec![cell.clone()],
                ));
                None
            }
        }
    }

    /// A note row: `备注：…`, `注：…`, or `本单位…无…预算`.
    pub fn note_at(&self, r: u32) -> Option<Note> {
        let (c, cell) = self
            .sheet
            .row(r)
            .iter()
            .enumerate()
            .find(|(_, c)| !c.is_empty())?;
        let CellValue::Text(s) = cell else {
            return None;
        };
        let t = self.sheet.norm_at(r, c as u32);
        let empty = &self.template.empty_note;
        let only_cell = self.sheet.row(r).iter().filter(|v| !v.is_empty()).count() == 1;
        let says_empty = empty.starts.iter().any(|s| t.starts_with(s.as_str()))
            && t.contains(empty.word.as_str())
            || only_cell && empty.marks.iter().any(|m| m == t);
        let is_note = says_empty
            || self
                .template
                .note_starts
                .iter()
                .any(|n| t.starts_with(n.as_str()));
        is_note.then(|| Note {
            text: s.trim().to_string(),
            cell: self.sheet.cell_ref(r, c as u32),
            says_empty,
        })
    }

    pub fn is_total_label(&self, text: &str) -> bool {
        let t = norm(text);
        !t.is_empty() && self.template.total_labels.contains(&t)
    }

    /// Table metadata for a header match and the last row the table used.
    pub fn meta(
        &self,
        hm: Option<&HeaderMatch>,
        last_row: u32,
        unit: Unit,
        unit_cell: Option<CellRef>,
        notes: Vec<Note>,
    ) -> TableMeta {
        let (first_row, first_col, last_col) = match hm {
            Some(h) => (h.first_row, h.first_col(), h.last_col()),
            None => (0, 0, self.sheet.width().saturating_sub(1)),
        };
        let mut columns = Vec::new();
        let mut missing = Vec::new();
        if let Some(h) = hm {
            for (i, spec) in self.spec.columns.iter().enumerate() {
                match h.cols[i] {
                    Some(c) => columns.push(ColumnInfo {
                        key: spec.key.clone(),
                        header: h.headers[i].clone(),
                        column: col_letters(c),
                    }),
                    None if matches!(spec.role, Role::CodePart | Role::CodeName) => {}
                    None if stood_for(self.spec, h, spec.role) => {}
                    // A bureau's own column (one layout of its set has it,
                    // another not) is not missing from the canonical model.
                    None if !crate::template::Template::is_canonical_column(
                        self.spec.id,
                        &spec.key,
                    ) && !spec.required => {}
                    None => missing.push(spec.key.clone()),
                }
            }
        }
        TableMeta {
            id: self.spec.id,
            number: self.spec.number.clone(),
            sheet: self.sheet.name.to_string(),
            title: self.title.clone().map(|(text, cell)| Text { text, cell }),
            range: format!(
                "{}{}:{}{}",
                col_letters(first_col),
                first_row + 1,
                col_letters(last_col),
                last_row.max(first_row) + 1
            ),
            unit,
            unit_cell,
            columns,
            missing_columns: missing,
            extra_columns: Vec::new(),
            notes,
            coverage: Default::default(),
        }
    }

    /// Marks a cell as read (the origin of its merge, when merged).
    pub fn take(&self, r: u32, c: u32) {
        let at = match self.sheet.merge_at(r, c) {
            Some(m) => (m.first_row, m.first_col),
            None => (r, c),
        };
        self.used.borrow_mut().insert(at);
    }

    /// Marks every cell of rows `from..=to` as read (a header band).
    pub fn take_rows(&self, from: u32, to: u32) {
        for r in from..=to.min(self.sheet.height().saturating_sub(1)) {
            for c in 0..self.sheet.row(r).len() as u32 {
                self.take(r, c);
            }
        }
    }

    /// Marks the words of a row as read (a note and its continuation
    /// lines); a figure in it is still reported if nothing else reads it.
    pub fn take_words(&self, r: u32) {
        for (c, v) in self.sheet.row(r).iter().enumerate() {
            if !v.is_empty() && !holds_figure(v) {
                self.take(r, c as u32);
            }
        }
    }

    /// Every non-empty cell nothing read: counted, and reported once per
    /// table (`I.unread`). Words above `body_from` are the title, the
    /// department and unit lines; in a form, words are its printed labels.
    /// A figure is never taken as a word.
    pub fn coverage(&self, body_from: u32, diags: &mut Vec<Diagnostic>) -> crate::model::Coverage {
        let used = self.used.borrow();
        let words_are_labels = self.spec.kind == TableKind::Form;
        let (mut read, mut left, mut figures) = (0u32, Vec::new(), 0usize);
        for r in 0..self.sheet.height() {
            for (c, v) in self.sheet.row(r).iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                let c = c as u32;
                // A cell a reader took is read, whatever it holds: whether
                // it is a figure is asked only of the others.
                if used.contains(&(r, c)) {
                    read += 1;
                    continue;
                }
                let figure = holds_figure(v);
                if !figure && (r < body_from || words_are_labels) {
                    read += 1;
                } else {
                    figures += usize::from(figure);
                    left.push(self.sheet.cell_ref(r, c));
                }
            }
        }
        if !left.is_empty() {
            let what = if figures > 0 {
                format!("，其中 {figures} 个是数字")
            } else {
                String::new()
            };
            diags.push(self.diag(
                "I.unread",
                Severity::Warning,
                format!(
                    "{} 有 {} 个单元格未读入{what}：{}。它们不在模板“{}”认识的行或列中，请核对是否漏读，或为此版式补充模板",
                    self.label(),
                    left.len(),
                    first_cells(&left),
                    self.template.name
                ),
                left.iter().take(MAX_LISTED_CELLS).cloned().collect(),
            ));
        }
        crate::model::Coverage {
            cells_read: read,
            cells_left: left.len() as u32,
        }
    }
}

/// The rows under a table's header, as its reader goes down them: blank
/// rows passed over, each note (备注…, 本单位…无…) kept with the lines of
/// text under it, and the last row the table used, for its range.
pub(crate) struct BodyRows<'a> {
    ctx: &'a Ctx<'a>,
    /// Whether a 本单位…无… note ends the table's own rows, as a 备注 does.
    /// In a coded table it does not: `X.empty_note` weighs the note
    /// against the rows read after it, so they are still read. In a
    /// side-by-side table (表1, 表4) no rule weighs such a note, and any
    /// note ends the lines.
    empty_note_ends_rows: bool,
    in_notes: bool,
    first: u32,
    pub notes: Vec<Note>,
    pub last_used: u32,
}

impl<'a> BodyRows<'a> {
    pub fn new(ctx: &'a Ctx<'a>, hm: &HeaderMatch, empty_note_ends_rows: bool) -> BodyRows<'a> {
        BodyRows {
            ctx,
            empty_note_ends_rows,
            in_notes: false,
            first: hm.last_row + 1,
            notes: Vec::new(),
            last_used: hm.last_row,
        }
    }

    /// The rows from the one under the header to the end of the sheet.
    pub fn rows(&self) -> std::ops::Range<u32> {
        self.first..self.ctx.sheet.height()
    }

    /// Whether row `r` is one of the table's own rows. A note, and text
    /// under a note (it belongs to the note), is taken here and is not.
    pub fn is_table_row(&mut self, r: u32) -> bool {
        if self.ctx.sheet.is_blank_row(r) {
            return false;
        }
        if let Some(note) = self.ctx.note_at(r) {
            self.in_notes |= self.empty_note_ends_rows || !note.says_empty;
            self.notes.push(note);
        } else if !self.in_notes {
            return true;
        }
        self.ctx.take_words(r);
        self.last_used = r;
        false
    }
}

/// Most cells one finding lists.
const MAX_LISTED_CELLS: usize = 200;

/// The first cells of a list as a message names them (`C5、D5……`).
fn first_cells(cells: &[CellRef]) -> String {
    let shown: Vec<String> = cells.iter().take(12).map(CellRef::a1).collect();
    let more = if cells.len() > shown.len() {
        "……"
    } else {
        ""
    };
    format!("{}{more}", shown.join("、"))
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

/// A number, a formula, or text that reads as an amount (`3,248,300.00`).
pub fn holds_figure(v: &CellValue) -> bool {
    match v {
        CellValue::Number(_) | CellValue::Int(_) | CellValue::Formula(_) => true,
        CellValue::Text(s) => {
            s.chars().any(|c| c.is_ascii_digit())
                && crate::amount::parse_text_amount(s)
                    .is_ok_and(|p| p.form == crate::amount::CellForm::Text)
        }
        _ => false,
    }
}

use crate::workbook::CellValue;

/// What an `I.not_amount` finding says of `cell`, which should hold a
/// `what` (金额, 百分比): a number out of range is named as such, first.
pub(crate) fn not_amount_message(
    cell: &CellRef,
    what: &str,
    e: &crate::amount::NotAnAmount,
) -> String {
    match e {
        crate::amount::NotAnAmount::OutOfRange(text) => format!(
            "金额超出范围：{cell} 的“{text}”（绝对值应小于 10 的 15 次方），未读取；请核对是否多打了数字"
        ),
        _ => format!("{cell} 应为{what}，{e}"),
    }
}
