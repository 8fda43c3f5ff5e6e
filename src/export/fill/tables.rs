//! Each kind of table written into its place in the blank: coded tables
//! row by row below the header (rows inserted when the blank has too
//! few), the 合计 row where the blank has it; 表1 and 表4 line by line
//! beside the blank's own labels, the 功能分类 类 lines in the rows the
//! blank keeps for them; 表7's one row.

use std::collections::{BTreeMap, BTreeSet};

use super::{in_unit, Filler, Place};
use crate::export::layout::column_words;
use crate::model::{Amount, CodedRow, Line, TableId};
use crate::template::{Role, Side, TableSpec};
use crate::text::{norm, strip_ordinal};

use super::error::FillError;

/// Columns of a table found in the blank, by what they hold.
struct Columns {
    code: Option<u32>,
    /// (part index, column).
    parts: Vec<(usize, u32)>,
    name: Option<u32>,
    code_name: Option<u32>,
    texts: Vec<(String, u32)>,
    amounts: Vec<(String, u32)>,
    first: u32,
    last: u32,
}

fn columns(spec: &TableSpec, p: &Place) -> Columns {
    let mut c = Columns {
        code: None,
        parts: Vec::new(),
        name: None,
        code_name: None,
        texts: Vec::new(),
        amounts: Vec::new(),
        first: p.hm.first_col(),
        last: p.hm.last_col(),
    };
    let mut part = 0;
    for (i, s) in spec.columns.iter().enumerate() {
        let Some(col) = p.hm.cols[i] else {
            if s.role == Role::CodePart {
                part += 1;
            }
            continue;
        };
        match s.role {
            Role::Code => c.code = Some(col),
            Role::CodePart => {
                c.parts.push((part, col));
                part += 1;
            }
            Role::Name => c.name = Some(col),
            Role::CodeName => c.code_name = Some(col),
            Role::Text => c.texts.push((s.key.clone(), col)),
            _ => c.amounts.push((s.key.clone(), col)),
        }
    }
    c
}

/// The parts of a code split over the columns of its levels (类 | 款 | 项).
fn code_part<'a>(spec: &TableSpec, code: &'a str, part: usize) -> &'a str {
    let mut from = 0;
    for (i, level) in spec.levels.iter().enumerate() {
        let to = level.len.unwrap_or(code.len()).min(code.len());
        if i == part {
            return code.get(from..to.max(from)).unwrap_or("");
        }
        from = to.max(from);
    }
    ""
}

fn count<'a>(a: impl Iterator<Item = &'a Amount>) -> usize {
    a.filter(|a| a.form != crate::amount::CellForm::Blank)
        .count()
}

impl Filler<'_> {
    /// Writes a figure, counting those the blank's unit rounds.
    fn figure(
        &mut self,
        index: usize,
        r: u32,
        c: u32,
        a: Option<&Amount>,
        unit: crate::amount::Unit,
        rounded: &mut usize,
    ) -> Result<(), FillError> {
        let s = self.xml(index)?;
        match a.and_then(|a| in_unit(a, unit)) {
            Some((d, exact)) => {
                *rounded += usize::from(!exact);
                if s.set_number(r, c, d) && !d.is_zero() {
                    if let Some((id, name)) = self.table.clone() {
                        self.formulas.push((index, r, c, id, name));
                    }
                }
            }
            None => s.clear(r, c),
        }
        Ok(())
    }

    fn say_rounded(&mut self, spec: &TableSpec, unit: crate::amount::Unit, rounded: usize) {
        if rounded > 0 {
            let name = self.name(spec);
            self.report.lose(
                spec.id,
                &name,
                format!(
                    "精度：空白模板以{}为单位，这些数在{}下不止两位小数，写入时四舍五入",
                    unit.label(),
                    unit.label()
                ),
                rounded,
            );
        }
    }

    /// The rows of the table's body: after the header, before the 合计 row
    /// at the foot (or after it at the top), as far as the blank has rows
    /// laid out in the table's columns. Also the 合计 row.
    fn body(&mut self, p: &Place, cols: &Columns) -> Result<(Vec<u32>, Option<u32>), FillError> {
        let laid: Vec<u32> = self
            .xml(p.index)?
            .rows_with_cells_in(cols.first..=cols.last)
            .into_iter()
            .filter(|r| *r > p.hm.last_row)
            .collect();
        let labels: Vec<u32> = [cols.code, cols.name, cols.code_name]
            .into_iter()
            .flatten()
            .chain(cols.parts.iter().map(|(_, c)| *c))
            .collect();
        let (lo, hi) = (
            labels.iter().min().copied().unwrap_or(cols.first),
            labels.iter().max().copied().unwrap_or(cols.first),
        );
        let is_total = |r: u32| {
            (lo..=hi).any(|c| {
                let t = norm(&p.sheet.get(r, c).as_text());
                !t.is_empty() && self.t.total_labels.contains(&t)
            })
        };
        let total = laid.iter().copied().find(|r| is_total(*r));
        // Consecutive rows from the first of `from`, stopping at a note.
        let run = |from: &[u32]| -> Vec<u32> {
            let mut out: Vec<u32> = Vec::new();
            for &r in from {
                if out.last().is_some_and(|l| r != l + 1) {
                    break;
                }
                let first = p
                    .sheet
                    .row(r)
                    .iter()
                    .find(|v| !v.is_empty())
                    .map(|v| norm(&v.as_text()));
                if first
                    .is_some_and(|t| self.t.note_starts.iter().any(|n| t.starts_with(n.as_str())))
                {
                    break;
                }
                out.push(r);
            }
            out
        };
        let body = match total {
            Some(t) if laid.first() == Some(&t) => {
                let after: Vec<u32> = laid.iter().copied().filter(|r| *r > t).collect();
                run(&after)
            }
            Some(t) => laid.iter().copied().filter(|r| *r < t).collect(),
            None => run(&laid),
        };
        Ok((body, total))
    }

    pub(super) fn coded(&mut self, spec: &TableSpec, p: &Place) -> Result<(), FillError> {
        let name = self.name(spec);
        let cols = columns(spec, p);
        let (mut body, mut total) = self.body(p, &cols)?;
        let Some(t) = self.b.tables.coded(spec.id) else {
            // Nothing of the blank's own stays: its example rows and the
            // figures of its 合计.
            for &r in &body {
                for c in cols.first..=cols.last {
                    self.xml(p.index)?.clear(r, c);
                }
            }
            for (r, (_, c)) in total
                .iter()
                .flat_map(|r| cols.amounts.iter().map(move |c| (*r, c)))
            {
                self.xml(p.index)?.clear(r, *c);
            }
            self.report
                .leave_empty(spec.id, &name, "源工作簿无此表，整张表留空".into());
            return Ok(());
        };
        // The blank's own examples (205 教育支出 …) go.
        for &r in &body {
            for c in cols.first..=cols.last {
                self.xml(p.index)?.clear(r, c);
            }
        }
        let placed: Vec<&CodedRow> = t
            .rows
            .iter()
            .filter(|r| match (&r.level, &r.code) {
                (Some(level), Some(code)) => {
                    spec.levels.iter().any(|l| &l.name == level && l.fits(code))
                }
                _ => true,
            })
            .collect();
        let lost_rows: Vec<&CodedRow> = t
            .rows
            .iter()
            .filter(|r| !placed.iter().any(|x| std::ptr::eq(*x, *r)))
            .collect();
        if !lost_rows.is_empty() {
            let n = lost_rows
                .iter()
                .map(|r| count(r.amounts.values().chain(r.extras.values())))
                .sum();
            self.report.lose(
                spec.id,
                &name,
                format!("{} 行（层级不在该表中）", lost_rows.len()),
                n,
            );
        }
        if body.is_empty() && !placed.is_empty() {
            let n = placed
                .iter()
                .map(|r| count(r.amounts.values().chain(r.extras.values())))
                .sum();
            self.report.lose(
                spec.id,
                &name,
                format!("{} 行（空白模板的表身没有可填的行）", placed.len()),
                n,
            );
        } else if placed.len() > body.len() {
            let more = (placed.len() - body.len()) as u32;
            let last = *body.last().unwrap_or(&p.hm.last_row);
            self.xml(p.index)?.insert_rows(last, more, last);
            self.inserted.push((p.sheet.name.to_string(), last, more));
            let first = body[0];
            body = (first..=last + more).collect();
            total = total.map(|r| if r >= last { r + more } else { r });
        }
        let mut rounded = 0;
        let index = p.index;
        // A table empty on purpose says so where its rows would stand
        // (`本单位无国有资本经营预算。`, or the bureau's bare `无`).
        if let (true, Some(note), Some(first)) =
            (placed.is_empty(), t.meta.empty_note(), body.first())
        {
            self.xml(index)?.set_text(*first, cols.first, &note.text);
        }
        for (row, r) in placed.iter().zip(body.clone()) {
            let code = row.code.clone().unwrap_or_default();
            let s = self.xml(index)?;
            if let Some(c) = cols.code {
                s.set_text(r, c, &code);
            }
            for (part, c) in &cols.parts {
                s.set_text(r, *c, code_part(spec, &code, *part));
            }
            if let Some(c) = cols.name {
                s.set_text(r, c, &row.name);
            }
            if let Some(c) = cols.code_name {
                s.set_text(r, c, format!("{code} {}", row.name).trim());
            }
            for (k, c) in &cols.texts {
                s.set_text(r, *c, row.texts.get(k).map_or("", String::as_str));
            }
            for (k, c) in cols.amounts.clone() {
                let a = row.amounts.get(&k).or_else(|| row.extras.get(&k));
                self.figure(index, r, c, a, p.unit, &mut rounded)?;
            }
        }
        match (total, &t.total) {
            (Some(r), Some(row)) => {
                for (k, c) in cols.amounts.clone() {
                    let a = row.amounts.get(&k).or_else(|| row.extras.get(&k));
                    self.figure(index, r, c, a, p.unit, &mut rounded)?;
                }
            }
            (Some(r), None) => {
                for (_, c) in &cols.amounts {
                    self.xml(index)?.clear(r, *c);
                }
            }
            (None, Some(row)) => {
                let n = count(row.amounts.values().chain(row.extras.values()));
                self.report
                    .lose(spec.id, &name, "合计行（空白模板中没有合计行）".into(), n);
            }
            _ => {}
        }
        self.say_rounded(spec, p.unit, rounded);
        let keys: BTreeSet<&str> = cols.amounts.iter().map(|(k, _)| k.as_str()).collect();
        self.report_columns(
            spec,
            &t.meta,
            t.total.iter().chain(placed.iter().copied()),
            &keys,
            &cols,
        );
        Ok(())
    }

    /// Columns of the budget the blank lacks; columns of the blank the
    /// budget has no figure for.
    fn report_columns<'r>(
        &mut self,
        spec: &TableSpec,
        meta: &crate::model::TableMeta,
        rows: impl Iterator<Item = &'r CodedRow> + Clone,
        keys: &BTreeSet<&str>,
        cols: &Columns,
    ) {
        let name = self.name(spec);
        let mut lost: BTreeMap<&str, usize> = BTreeMap::new();
        for r in rows.clone() {
            for (k, a) in r.amounts.iter().chain(&r.extras) {
                if !keys.contains(k.as_str()) {
                    *lost.entry(k).or_default() += count(std::iter::once(a));
                }
            }
        }
        for (k, n) in lost {
            self.report.lose(
                spec.id,
                &name,
                format!("列 {}（空白模板中没有这一列）", column_words(meta, k)),
                n,
            );
        }
        // Columns of a table with figures the budget has none for.
        let any = rows.clone().next().is_some();
        for (k, _) in cols.amounts.iter().filter(|_| any) {
            if !rows
                .clone()
                .any(|r| r.amounts.contains_key(k) || r.extras.contains_key(k))
            {
                let words = spec
                    .columns
                    .iter()
                    .find(|c| &c.key == k)
                    .and_then(|c| c.words.first())
                    .map_or(k.as_str(), String::as_str);
                self.report
                    .leave_empty(spec.id, &name, format!("列 {words}"));
            }
        }
    }

    pub(super) fn single(&mut self, spec: &TableSpec, p: &Place) -> Result<(), FillError> {
        let name = self.name(spec);
        let cols = columns(spec, p);
        let r = p.hm.last_row + 1;
        let Some(t) = self.b.tables.t7.as_ref().filter(|_| spec.id == TableId::T7) else {
            for (_, c) in &cols.amounts {
                self.xml(p.index)?.clear(r, *c);
            }
            self.report
                .leave_empty(spec.id, &name, "源工作簿无此表，整张表留空".into());
            return Ok(());
        };
        let mut rounded = 0;
        for (k, c) in cols.amounts.clone() {
            let a = t.amounts.get(&k).or_else(|| t.extras.get(&k));
            self.figure(p.index, r, c, a, p.unit, &mut rounded)?;
            if a.is_none() {
                let words = spec
                    .columns
                    .iter()
                    .find(|x| x.key == k)
                    .and_then(|x| x.words.first())
                    .map_or(k.as_str(), String::as_str)
                    .to_string();
                self.report
                    .leave_empty(spec.id, &name, format!("列 {words}"));
            }
        }
        self.say_rounded(spec, p.unit, rounded);
        for (k, a) in t.amounts.iter().chain(&t.extras) {
            if !cols.amounts.iter().any(|(x, _)| x == k) {
                self.report.lose(
                    spec.id,
                    &name,
                    format!("列 {}（空白模板中没有这一列）", column_words(&t.meta, k)),
                    count(std::iter::once(a)),
                );
            }
        }
        Ok(())
    }

    /// The key a label of the blank names on one side (`class_201` for a
    /// 功能分类 类), if any.
    /// The key of the line a label of the blank stands for, as the
    /// importer places it: a label two lines share (`（一）一般公共预算拨款`
    /// under 本年收入 and under 上年结转) goes to the one within the
    /// section of the last line that heads one.
    fn key_of(
        &self,
        spec: &TableSpec,
        side: Side,
        label: &str,
        section: &mut Option<String>,
    ) -> Option<String> {
        let t = norm(label);
        let t = strip_ordinal(&t);
        if t.is_empty() {
            return None;
        }
        let specs: Vec<&crate::template::LineSpec> = spec
            .lines
            .iter()
            .filter(|l| l.side == side && l.labels.iter().any(|x| x == t))
            .collect();
        let chosen = specs
            .iter()
            .find(|l| l.within.is_some() && l.within == *section)
            .or_else(|| specs.iter().find(|l| l.within.is_none()))
            .or_else(|| specs.first());
        if let Some(l) = chosen {
            if l.within.is_none() {
                *section = Some(l.key.clone());
            }
            return Some(l.key.clone());
        }
        if spec.class_side == Some(side) {
            if let Some(code) = self.t.class_by_name(t) {
                return Some(format!("class_{code}"));
            }
        }
        None
    }

    pub(super) fn lines(&mut self, spec: &TableSpec, p: &Place) -> Result<(), FillError> {
        let name = self.name(spec);
        let Some(t) = self.b.tables.lines(spec.id) else {
            // The blank's own figures go; its labels stay.
            let amounts: Vec<u32> = spec
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.role == Role::Amount)
                .filter_map(|(i, _)| p.hm.cols[i])
                .collect();
            let s = self.xml(p.index)?;
            for r in s.rows_with_cells_in(p.hm.first_col()..=p.hm.last_col()) {
                if r > p.hm.last_row {
                    for &c in &amounts {
                        s.clear(r, c);
                    }
                }
            }
            self.report
                .leave_empty(spec.id, &name, "源工作簿无此表，整张表留空".into());
            return Ok(());
        };
        let col = |k: &str| p.col(spec, k);
        let sides = [
            (Side::Income, col("income_label"), col("income_amount")),
            (Side::Expense, col("expense_label"), col("expense_amount")),
        ];
        // Further columns of figures: the side whose label is nearest left.
        let extras: Vec<(Side, String, u32)> = spec
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.role == Role::Amount
                    && !matches!(c.key.as_str(), "income_amount" | "expense_amount")
            })
            .filter_map(|(i, c)| p.hm.cols[i].map(|at| (c.key.clone(), at)))
            .map(|(k, at)| {
                let side = sides
                    .iter()
                    .filter_map(|(s, lc, _)| lc.filter(|lc| *lc < at).map(|lc| (*s, lc)))
                    .max_by_key(|(_, lc)| *lc)
                    .map_or(Side::Income, |(s, _)| s);
                (side, k, at)
            })
            .collect();
        let first = p.hm.first_col();
        let last = p.hm.last_col();
        let rows: Vec<u32> = self
            .xml(p.index)?
            .rows_with_cells_in(first..=last)
            .into_iter()
            .filter(|r| *r > p.hm.last_row)
            .collect();
        let mut rounded = 0;
        for (side, label_col, amount_col) in sides {
            let (Some(lc), Some(ac)) = (label_col, amount_col) else {
                let n: usize = t
                    .side(side)
                    .iter()
                    .map(|l| count(std::iter::once(&l.amount)))
                    .sum();
                if n > 0 {
                    self.report.lose(
                        spec.id,
                        &name,
                        format!("{} 的各行（空白模板中没有这一栏）", side_word(side)),
                        n,
                    );
                }
                continue;
            };
            let side_extras: Vec<(String, u32)> = extras
                .iter()
                .filter(|(s, ..)| *s == side)
                .map(|(_, k, c)| (k.clone(), *c))
                .collect();
            self.side(
                spec,
                p,
                t.side(side),
                side,
                &rows,
                (lc, ac),
                &side_extras,
                &mut rounded,
            )?;
        }
        self.say_rounded(spec, p.unit, rounded);
        for (k, n) in std::mem::take(&mut self.unplaced) {
            if n > 0 {
                self.report.lose(
                    spec.id,
                    &name,
                    format!("列 {}（空白模板中没有这一列）", column_words(&t.meta, &k)),
                    n,
                );
            }
        }
        Ok(())
    }

    /// One side of a lines table: each line beside the blank's row of its
    /// label; the class lines in the rows the blank has for them (its
    /// placeholders `一、一般公共服务支出`, `二、…`), rows inserted when
    /// there are more.
    #[allow(clippy::too_many_arguments)]
    fn side(
        &mut self,
        spec: &TableSpec,
        p: &Place,
        lines: &[Line],
        side: Side,
        rows: &[u32],
        (lc, ac): (u32, u32),
        extras: &[(String, u32)],
        rounded: &mut usize,
    ) -> Result<(), FillError> {
        let name = self.name(spec);
        let keyed: Vec<(u32, Option<String>)> = rows
            .iter()
            .scan(None, |section, r| {
                Some((
                    *r,
                    self.key_of(spec, side, &p.sheet.get(*r, lc).as_text(), section),
                ))
            })
            .collect();
        // The class rows: from the first row the blank gives a 功能分类 类,
        // on while rows are placeholders (`二、…`) or empty, up to the
        // next named line (支出总计).
        let mut class_rows: Vec<u32> = Vec::new();
        if spec.class_side == Some(side) {
            let start = keyed
                .iter()
                .position(|(_, k)| k.as_deref().is_some_and(|k| k.starts_with("class_")));
            for (r, k) in keyed[start.unwrap_or(keyed.len())..].iter() {
                let named = k.as_deref().is_some_and(|k| !k.starts_with("class_"));
                if named || class_rows.last().is_some_and(|l| *r != l + 1) {
                    break;
                }
                class_rows.push(*r);
            }
        }
        let index = p.index;
        let classes: Vec<&Line> = lines.iter().filter(|l| l.class_code.is_some()).collect();
        // Rows inserted for more class lines: (at, how many).
        let mut inserted: Option<(u32, u32)> = None;
        if !class_rows.is_empty() {
            for &r in &class_rows {
                let s = self.xml(index)?;
                s.clear(r, lc);
                s.clear(r, ac);
                for (_, c) in extras {
                    s.clear(r, *c);
                }
            }
            if classes.len() > class_rows.len() {
                let more = (classes.len() - class_rows.len()) as u32;
                let last = *class_rows.last().unwrap_or(&0);
                self.xml(index)?.insert_rows(last, more, last);
                self.inserted.push((p.sheet.name.to_string(), last, more));
                inserted = Some((last, more));
                let first = class_rows[0];
                class_rows = (first..=last + more).collect();
            }
            for (l, r) in classes.iter().zip(class_rows.clone()) {
                self.xml(index)?.set_text(r, lc, &l.label);
                self.line_figures(index, r, ac, extras, l, p.unit, rounded)?;
            }
        } else if !classes.is_empty() {
            let n = classes
                .iter()
                .map(|l| count(std::iter::once(&l.amount)))
                .sum();
            self.report.lose(
                spec.id,
                &name,
                format!(
                    "{} 的 {} 个功能分类行（空白模板中没有这些行）",
                    side_word(side),
                    classes.len()
                ),
                n,
            );
        }
        // A row at or below inserted rows has moved down.
        let shift = |r: u32| match inserted {
            Some((at, n)) if r >= at => r + n,
            _ => r,
        };
        let mut found: BTreeSet<String> = BTreeSet::new();
        for l in lines.iter().filter(|l| l.class_code.is_none()) {
            let at = l.key.as_ref().and_then(|k| {
                keyed
                    .iter()
                    .find(|(_, x)| x.as_ref() == Some(k))
                    .map(|(r, _)| *r)
            });
            match at {
                Some(r) if !class_rows.contains(&shift(r)) => {
                    found.insert(l.key.clone().unwrap_or_default());
                    self.line_figures(index, shift(r), ac, extras, l, p.unit, rounded)?;
                }
                _ => {
                    let n = count(std::iter::once(&l.amount).chain(l.extras.values()));
                    self.report.lose(
                        spec.id,
                        &name,
                        format!("行 {}（空白模板中没有这一行）", l.label),
                        n,
                    );
                }
            }
        }
        for (r, k) in &keyed {
            if let Some(k) = k {
                if !k.starts_with("class_") && !found.contains(k) {
                    // The blank's own figure, if it has one, goes.
                    let s = self.xml(index)?;
                    s.clear(shift(*r), ac);
                    for (_, c) in extras {
                        s.clear(shift(*r), *c);
                    }
                    let label = p.sheet.get(*r, lc).as_text();
                    self.report
                        .leave_empty(spec.id, &name, format!("行 {}", label.trim()));
                }
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn line_figures(
        &mut self,
        index: usize,
        r: u32,
        ac: u32,
        extras: &[(String, u32)],
        l: &Line,
        unit: crate::amount::Unit,
        rounded: &mut usize,
    ) -> Result<(), FillError> {
        self.figure(index, r, ac, Some(&l.amount), unit, rounded)?;
        // Figures of the line in columns the blank lacks.
        for (k, a) in &l.extras {
            if !extras.iter().any(|(x, _)| x == k) {
                *self.unplaced.entry(k.clone()).or_default() += count(std::iter::once(a));
            }
        }
        for (k, c) in extras {
            self.figure(index, r, *c, l.extras.get(k), unit, rounded)?;
        }
        Ok(())
    }

    /// Tables of the budget the blank does not have.
    pub(super) fn lost_tables(&mut self, done: &BTreeSet<&str>) {
        let mut seen = BTreeSet::new();
        for meta in self.b.tables.metas() {
            if done.contains(meta.id.as_str()) || !seen.insert(meta.id) {
                continue;
            }
            let figures = crate::export::layout::figures_of_table(self.b, meta.id);
            let name = crate::export::layout::source_table_name(meta);
            self.report.lose(
                meta.id,
                &name,
                "整张表（空白模板中没有这张表）".into(),
                figures,
            );
        }
    }
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Income => "收入",
        Side::Expense => "支出",
    }
}
