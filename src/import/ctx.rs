//! What a table reader needs: the template's spec and the sheet (`Ctx`),
//! the cells taken so far and those left (coverage), the rows under a
//! header (`BodyRows`), and what a cell that should hold an amount holds.

use super::header::HeaderMatch;
use crate::amount::{parse_amount, to_yuan, Unit};
use crate::model::{Amount, ColumnInfo, Diagnostic, Note, Severity, TableMeta, Text};
use crate::template::{Role, TableKind, TableSpec, Template};
use crate::text::norm;
use crate::workbook::{col_letters, CellRef, CellValue, Sheet};

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
pub(super) const MAX_LISTED_CELLS: usize = 200;

/// The first cells of a list as a message names them (`C5、D5……`).
pub(super) fn first_cells(cells: &[CellRef]) -> String {
    let shown: Vec<String> = cells.iter().take(12).map(CellRef::a1).collect();
    let more = if cells.len() > shown.len() {
        "……"
    } else {
        ""
    };
    format!("{}{more}", shown.join("、"))
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

/// Is an absent column of this role stood for by others that are present?
/// Codes split over 类 | 款 | 项 columns stand for the code column; a
/// code-and-name column stands for both.
pub(super) fn stood_for(spec: &TableSpec, hm: &HeaderMatch, role: Role) -> bool {
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
