//! A seeded random layout variator: the same figures, laid out the many
//! ways real workbooks differ (`tables.md`), to test that the importer reads
//! layouts nobody here hand-picked.
//!
//! It is deliberately not the sample writer's friend: it takes any workbook
//! already read into grids plus the model read from it, and rewrites the
//! grids cell by cell. What a cell is (an amount, a code, the unit line, a
//! title) it learns from the model's provenance, never from the writer.
//! Each variant records what it did, so a failing seed is explained, and
//! what differences in the findings follow from it honestly (text numbers
//! are reported as such; a table rewritten in 元 is compared exactly, so a
//! 四舍五入 info can become an error).

use crate::model::TableId;
use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::grid::Grid;
use crate::model::{Amount, Budget, FormValue, TableMeta};
use crate::workbook::{CellRef, CellValue, Merge, Workbook};

/// A workbook laid out anew, what was done to it, and what that changes.
#[derive(Debug, Clone)]
pub struct Variant {
    pub seed: u64,
    pub workbook: Workbook,
    /// Every variation applied, in order (`t3: codes in the name cell`).
    pub applied: Vec<String>,
    /// Tables whose amounts were turned into text (S.text_number follows).
    pub text_numbers: BTreeSet<TableId>,
    /// Tables rewritten in 元 from 万元 (compared exactly from then on).
    pub in_yuan: BTreeSet<TableId>,
    /// Tables given a column of figures the template does not name
    /// (I.extra_column follows).
    pub extra_columns: BTreeSet<TableId>,
}

impl Variant {
    /// A finding the variation itself calls for: amounts turned into text
    /// are reported (`S.text_number`), a column of figures the template
    /// does not name is reported (`I.extra_column`).
    pub fn calls_for(&self, f: &crate::reconcile::Finding) -> bool {
        let Some(t) = f.table.table() else {
            return false;
        };
        f.rule == "S.text_number" && self.text_numbers.contains(&t)
            || f.rule == "I.extra_column" && self.extra_columns.contains(&t)
    }
}

/// SplitMix64: small, seeded, and the same on every machine.
pub struct Rng<'a> {
    state: u64,
    allow: Option<&'a dyn Fn(&str) -> bool>,
}

impl<'a> Rng<'a> {
    pub fn new(seed: u64) -> Rng<'a> {
        Rng {
            state: seed,
            allow: None,
        }
    }

    /// Should the named variation be applied? Draws `p` whatever the
    /// filter says, so a filter does not change the other draws.
    fn apply(&mut self, name: &str, p: f64) -> bool {
        let drawn = self.chance(p);
        drawn && self.allow.is_none_or(|f| f(name))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'i, T>(&mut self, items: &'i [T]) -> &'i T {
        &items[self.below(items.len())]
    }
}

/// What the model says about one table's sheet: its cells by role.
#[derive(Debug, Clone)]
struct Roles {
    id: TableId,
    kind_grid: bool,
    header_first: u32,
    last_row: u32,
    unit_cell: Option<(u32, u32)>,
    unit_wan: bool,
    title_cell: Option<(u32, u32)>,
    /// Amount cells with their value in 元.
    amounts: Vec<((u32, u32), Decimal)>,
    /// Column of each key (`code`, `name`, `total` …), with its header path.
    columns: BTreeMap<String, (u32, String)>,
}

fn pos(c: &CellRef) -> (u32, u32) {
    (c.row, c.col)
}

fn letters_to_col(s: &str) -> u32 {
    s.bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1))
        .saturating_sub(1)
}

fn first_row_of(range: &str) -> u32 {
    let digits: String = range
        .split(':')
        .next()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse::<u32>().unwrap_or(1).saturating_sub(1)
}

fn last_row_of(range: &str) -> u32 {
    let digits: String = range
        .split(':')
        .nth(1)
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse::<u32>().unwrap_or(1).saturating_sub(1)
}

fn roles_of(meta: &TableMeta, amounts: Vec<&Amount>, grid: bool) -> Roles {
    Roles {
        id: meta.id,
        kind_grid: grid,
        header_first: first_row_of(&meta.range),
        last_row: last_row_of(&meta.range),
        unit_cell: meta.unit_cell.as_ref().map(pos),
        unit_wan: meta.unit == crate::amount::Unit::Wan,
        title_cell: meta.title.as_ref().map(|t| pos(&t.cell)),
        amounts: amounts.iter().map(|a| (pos(&a.cell), a.yuan)).collect(),
        columns: meta
            .columns
            .iter()
            .map(|c| (c.key.clone(), (letters_to_col(&c.column), c.header.clone())))
            .collect(),
    }
}

/// Every table's roles, by sheet name.
fn roles(b: &Budget) -> BTreeMap<String, Roles> {
    let t = &b.tables;
    let mut out = BTreeMap::new();
    let mut add = |meta: &TableMeta, amounts: Vec<&Amount>, grid: bool| {
        out.insert(meta.sheet.clone(), roles_of(meta, amounts, grid));
    };
    for id in TableId::CODED {
        if let Some(c) = t.coded(id) {
            let amounts = c
                .total
                .iter()
                .chain(&c.rows)
                .flat_map(|r| r.amounts.values().chain(r.extras.values()))
                .collect();
            add(&c.meta, amounts, true);
        }
    }
    for id in [TableId::T1, TableId::T4] {
        if let Some(l) = t.lines(id) {
            add(
                &l.meta,
                l.income
                    .iter()
                    .chain(&l.expense)
                    .flat_map(|l| std::iter::once(&l.amount).chain(l.extras.values()))
                    .collect(),
                true,
            );
        }
    }
    if let Some(s) = &t.t7 {
        add(
            &s.meta,
            s.amounts.values().chain(s.extras.values()).collect(),
            true,
        );
    }
    for f in t.t11.iter().chain(&t.t12) {
        let mut amounts: Vec<&Amount> =
            f.fields.values().filter_map(FormValue::as_amount).collect();
        for b in &f.blocks {
            for row in &b.rows {
                amounts.extend(row.values().filter_map(FormValue::as_amount));
            }
        }
        add(&f.meta, amounts, false);
    }
    out
}

/// The names of every variation, for [`vary_only`].
pub const VARIATIONS: &[&str] = &[
    "yuan",
    "zeros",
    "text_numbers",
    "unit_line",
    "codes",
    "header_drift",
    "title",
    "swap_columns",
    "note",
    "blank_rows",
    "vertical_labels",
    "t12_no_unit",
    "no_merges",
    "leading_column",
    "rows_above",
    "sheet_names",
    "shuffle",
    "cover",
    "instructions",
    "every_merge_dropped",
];

/// Lays `wb` (read into `base`) out anew, as `seed` decides.
pub fn vary(wb: &Workbook, base: &Budget, seed: u64) -> Variant {
    vary_only(wb, base, seed, &|_| true)
}

/// As [`vary`], with only the variations `allow` lets through (by name,
/// [`VARIATIONS`]); each alone is how a failing combination is explained.
pub fn vary_only(wb: &Workbook, base: &Budget, seed: u64, allow: &dyn Fn(&str) -> bool) -> Variant {
    let mut rng = Rng::new(seed);
    rng.allow = Some(allow);
    let roles = roles(base);
    let mut v = Variant {
        seed,
        workbook: wb.clone(),
        applied: Vec::new(),
        text_numbers: BTreeSet::new(),
        in_yuan: BTreeSet::new(),
        extra_columns: BTreeSet::new(),
    };
    let dept = base.department.name.clone().unwrap_or_default();
    let mut grids: Vec<Grid> = wb.sheets.iter().map(Grid::of).collect();
    for g in &mut grids {
        let Some(r) = roles.get(&g.name) else {
            continue;
        };
        vary_values(g, r, &mut rng, &mut v, &dept, base.year);
        vary_structure(g, r, &mut rng, &mut v);
    }
    vary_workbook(&mut grids, &roles, &mut rng, &mut v, base);
    v.workbook.sheets = grids.into_iter().map(Grid::sheet).collect();
    v
}

fn note(v: &mut Variant, id: TableId, what: &str) {
    v.applied.push(format!("{id}: {what}"));
}

/// The value a cell shows, in its table's unit, as a decimal.
fn shown(g: &Grid, r: u32, c: u32) -> Option<Decimal> {
    crate::amount::parse_amount(g.get(r, c))
        .ok()
        .map(|p| p.value)
}

/// Varies how one table's values are written, each variation as `rng`
/// draws it; the order of the steps is the order of the draws, so a seed
/// gives the same layout whatever a step does.
fn vary_values(
    g: &mut Grid,
    r: &Roles,
    rng: &mut Rng<'_>,
    v: &mut Variant,
    dept: &str,
    year: Option<i32>,
) {
    rewrite_in_yuan(g, r, rng, v);
    write_zeros_as_dashes(g, r, rng, v);
    write_amounts_as_text(g, r, rng, v);
    reword_unit_line(g, r, rng, v, dept);
    restyle_codes(g, r, rng, v);
    drift_header_wording(g, r, rng, v);
    reword_title(g, r, rng, v, year);
    add_unnamed_column(g, r, rng, v);
    // Two amount columns of the same group swapped.
    if r.kind_grid && r.id != TableId::T1 && r.id != TableId::T4 && rng.apply("swap_columns", 0.3) {
        swap_columns(g, r, rng, v);
    }
}

/// 万元 → 元: every amount × 10000, the unit line says 元.
fn rewrite_in_yuan(g: &mut Grid, r: &Roles, rng: &mut Rng<'_>, v: &mut Variant) {
    if !(r.kind_grid && r.unit_wan && r.unit_cell.is_some() && rng.apply("yuan", 0.25)) {
        return;
    }
    for &((row, col), _) in &r.amounts {
        if let Some(x) = shown(g, row, col) {
            let yuan = (x * Decimal::new(10_000, 0)).round_dp(2);
            if !matches!(g.get(row, col), CellValue::Empty) || !x.is_zero() {
                let f = yuan.to_f64().unwrap_or(0.0);
                g.set(row, col, CellValue::Number(f));
            }
        }
    }
    let (ur, uc) = r.unit_cell.unwrap_or_default();
    let t = g.text(ur, uc).replace("万元", "元");
    g.set(ur, uc, CellValue::Text(t));
    v.in_yuan.insert(r.id);
    note(v, r.id, "rewritten in 元");
}

/// Zeros as `-`, `—` or blank.
fn write_zeros_as_dashes(g: &mut Grid, r: &Roles, rng: &mut Rng<'_>, v: &mut Variant) {
    if !(r.kind_grid && rng.apply("zeros", 0.3)) {
        return;
    }
    let style = *rng.pick(&["-", "—", ""]);
    for &((row, col), yuan) in &r.amounts {
        if yuan.is_zero() {
            let cell = if style.is_empty() {
                CellValue::Empty
            } else {
                CellValue::Text(style.into())
            };
            g.set(row, col, cell);
        }
    }
    note(v, r.id, &format!("zeros as {style:?}"));
}

/// Amounts as text: `3,248,300.00` or `3248300.00`.
fn write_amounts_as_text(g: &mut Grid, r: &Roles, rng: &mut Rng<'_>, v: &mut Variant) {
    if !(r.kind_grid && rng.apply("text_numbers", 0.25)) {
        return;
    }
    let with_commas = rng.chance(0.5);
    let mut any = false;
    for &((row, col), _) in &r.amounts {
        if g.get(row, col).is_numeric() {
            if let Some(x) = shown(g, row, col) {
                let t = if with_commas {
                    super::layout::thousands(x)
                } else {
                    format!("{x:.2}")
                };
                g.set(row, col, CellValue::Text(t));
                any = true;
            }
        }
    }
    if any {
        v.text_numbers.insert(r.id);
        note(v, r.id, "amounts as text");
    }
}

/// Where and how the unit is written: `金额单位：`, a half-width colon,
/// in one cell with the issuer, or in the amount headers.
fn reword_unit_line(g: &mut Grid, r: &Roles, rng: &mut Rng<'_>, v: &mut Variant, dept: &str) {
    let Some((ur, uc)) = r.unit_cell else {
        return;
    };
    if !(r.kind_grid && rng.apply("unit_line", 0.4)) {
        return;
    }
    let unit = if g.text(ur, uc).contains("万元") {
        "万元"
    } else {
        "元"
    };
    match rng.below(4) {
        0 => {
            g.set(ur, uc, CellValue::Text(format!("金额单位：{unit}")));
            note(v, r.id, "金额单位：");
        }
        1 => {
            g.set(ur, uc, CellValue::Text(format!("单位:{unit}")));
            note(v, r.id, "half-width colon");
        }
        2 => {
            g.set(ur, uc, CellValue::Empty);
            g.set(
                ur,
                0,
                CellValue::Text(format!("编制单位：{dept}        单位：{unit}")),
            );
            note(v, r.id, "issuer and unit in one cell");
        }
        _ => {
            let amount_cols: Vec<u32> = r
                .columns
                .iter()
                .filter(|(k, _)| k.ends_with("_amount"))
                .map(|(_, (c, _))| *c)
                .collect();
            if amount_cols.is_empty() {
                g.set(ur, uc, CellValue::Text(format!("单位:{unit}")));
                note(v, r.id, "half-width colon");
                return;
            }
            g.set(ur, uc, CellValue::Empty);
            for c in amount_cols {
                let at = (r.header_first..=r.header_first + 4)
                    .rfind(|&hr| g.text(hr, c).trim() == "预算数");
                if let Some(hr) = at {
                    g.set(hr, c, CellValue::Text(format!("预算数（{unit}）")));
                }
            }
            note(v, r.id, "unit in the amount headers");
        }
    }
}

/// Code styles of the classified tables: codes as text, in the name cell,
/// or code and name in one column. Always drawn, so the draws after it do
/// not depend on the table.
fn restyle_codes(g: &mut Grid, r: &Roles, rng: &mut Rng<'_>, v: &mut Variant) {
    let classified = [
        TableId::T3,
        TableId::T5_1,
        TableId::T6,
        TableId::T8,
        TableId::T9,
    ]
    .contains(&r.id);
    let codes = rng.apply("codes", 1.0);
    let (true, true, Some(&(cc, _)), Some(&(nc, _))) = (
        codes,
        classified,
        r.columns.get("code"),
        r.columns.get("name"),
    ) else {
        return;
    };
    let data = r.header_first + 1..=r.last_row;
    match rng.below(5) {
        0 => {
            for row in data {
                if let CellValue::Number(f) = g.get(row, cc) {
                    let t = format!("{f}");
                    g.set(row, cc, CellValue::Text(t));
                }
            }
            note(v, r.id, "codes as text");
        }
        1 => {
            let sep = *rng.pick(&[" ", "", "　"]);
            for row in data {
                let code = crate::text::norm(&g.text(row, cc));
                if code.chars().all(|c| c.is_ascii_digit()) && code.len() >= 3 {
                    let name = g.text(row, nc);
                    g.set(row, nc, CellValue::Text(format!("{code}{sep}{name}")));
                    g.set(row, cc, CellValue::Empty);
                }
            }
            note(v, r.id, &format!("codes in the name cell ({sep:?})"));
        }
        2 => {
            let header = if r.id == TableId::T6 {
                "科目编码及名称"
            } else {
                *rng.pick(&["功能分类科目", "科目编码及名称"])
            };
            let leaf =
                (r.header_first..=r.header_first + 4).find(|&hr| g.text(hr, cc).contains("编码"));
            for row in data {
                let code = crate::text::norm(&g.text(row, cc));
                let name = g.text(row, nc);
                let both = if code.is_empty() {
                    name
                } else {
                    format!("{code} {name}")
                };
                g.set(row, cc, CellValue::Text(both));
                g.set(row, nc, CellValue::Empty);
            }
            if let Some(hr) = leaf {
                g.set(hr, cc, CellValue::Text(header.into()));
                g.set(hr, nc, CellValue::Empty);
            }
            note(v, r.id, &format!("code and name in one column ({header})"));
        }
        _ => {}
    }
}

/// Header wording drift: `总计` for `合计`, `人员支出` for `人员经费` ….
fn drift_header_wording(g: &mut Grid, r: &Roles, rng: &mut Rng<'_>, v: &mut Variant) {
    if !(r.kind_grid && rng.apply("header_drift", 0.3)) {
        return;
    }
    const DRIFT: [(&str, &str); 5] = [
        ("合计", "总计"),
        ("人员经费", "人员支出"),
        ("公用经费", "公用支出"),
        ("公务用车运行费", "公务用车运行维护费"),
        ("科目编码", "科目代码"),
    ];
    for row in r.header_first..(r.header_first + 4).min(g.rows.len() as u32) {
        for c in 0..g.rows[row as usize].len() as u32 {
            let t = g.text(row, c);
            if let Some((_, to)) = DRIFT.iter().find(|(from, _)| *from == t.trim()) {
                g.set(row, c, CellValue::Text((*to).into()));
            }
        }
    }
    note(v, r.id, "header wording drift");
}

/// Title wording: a year in front, 预算 inserted.
fn reword_title(g: &mut Grid, r: &Roles, rng: &mut Rng<'_>, v: &mut Variant, year: Option<i32>) {
    let Some((tr, tc)) = r.title_cell else {
        return;
    };
    if !rng.apply("title", 0.4) {
        return;
    }
    let title = match r.id {
        TableId::T1 => "部门收支预算总表",
        TableId::T2 => "部门收入预算总表",
        TableId::T3 => "部门支出预算总表",
        TableId::T4 => "财政拨款收支预算总表",
        TableId::T5_1 => "一般公共预算支出预算表（按功能科目）",
        TableId::T5_2 => "一般公共预算支出预算表（按单位）",
        TableId::T6 => "一般公共预算基本支出预算表",
        TableId::T7 => "一般公共预算“三公”经费支出预算表",
        TableId::T8 => "政府性基金预算支出预算表",
        TableId::T9 => "国有资本经营预算支出预算表",
        TableId::T10 => "项目支出预算表",
        TableId::T11 => "部门整体支出绩效目标表",
        _ => "项目支出绩效目标申报表",
    };
    let year = match (rng.chance(0.5), year) {
        (true, Some(y)) => format!("{y}年"),
        _ => String::new(),
    };
    g.set(tr, tc, CellValue::Text(format!("{year}{title}")));
    note(v, r.id, &format!("title {year}{title}"));
}

/// A column of figures the template does not name, right of the table.
fn add_unnamed_column(g: &mut Grid, r: &Roles, rng: &mut Rng<'_>, v: &mut Variant) {
    let coded = r.columns.contains_key("code") || r.columns.contains_key("name");
    if !(r.kind_grid && coded && rng.apply("extra_column", 0.2)) {
        return;
    }
    let at = r.columns.values().map(|(c, _)| *c).max().unwrap_or(0) + 1;
    g.set(
        r.header_first,
        at,
        CellValue::Text("单位预留机动经费".into()),
    );
    let rows: BTreeSet<u32> = r.amounts.iter().map(|((row, _), _)| *row).collect();
    for row in rows {
        g.set(row, at, CellValue::Number(0.0));
    }
    v.extra_columns.insert(r.id);
    note(v, r.id, "an extra column of figures");
}

fn swap_columns(g: &mut Grid, r: &Roles, rng: &mut Rng<'_>, v: &mut Variant) {
    let group = |h: &str| {
        h.rsplit_once('/')
            .map_or(String::new(), |(g, _)| g.to_string())
    };
    let amounts: Vec<(&String, u32, String)> = r
        .columns
        .iter()
        .filter(|(k, _)| !["code", "name", "unit_name"].contains(&k.as_str()))
        .map(|(k, (c, h))| (k, *c, group(h)))
        .collect();
    let mut pairs = Vec::new();
    for (i, a) in amounts.iter().enumerate() {
        for b in &amounts[i + 1..] {
            if a.2 == b.2 {
                pairs.push((a.1, b.1, a.0.clone(), b.0.clone()));
            }
        }
    }
    if pairs.is_empty() {
        return;
    }
    let (a, b, ka, kb) = rng.pick(&pairs).clone();
    let vertical = |c: u32| {
        g.merges
            .iter()
            .any(|m| m.first_col == c && m.last_col == c && m.last_row > m.first_row)
    };
    if vertical(a) || vertical(b) {
        return;
    }
    for row in r.header_first..g.rows.len() as u32 {
        let spans = |c: u32| {
            g.merge_at(row, c)
                .is_some_and(|i| g.merges[i].first_col != g.merges[i].last_col)
        };
        if spans(a) || spans(b) {
            continue;
        }
        let (x, y) = (g.get(row, a).clone(), g.get(row, b).clone());
        g.set(row, a, y);
        g.set(row, b, x);
    }
    note(v, r.id, &format!("columns {ka} and {kb} swapped"));
}

fn vary_structure(g: &mut Grid, r: &Roles, rng: &mut Rng, v: &mut Variant) {
    // A note under the table.
    if r.kind_grid && rng.apply("note", 0.25) {
        let at = r.last_row + 2;
        g.set(
            at,
            0,
            CellValue::Text("备注：本表数据取自部门预算编制系统。".into()),
        );
        note(v, r.id, "a note below");
    }
    // Blank rows between data rows, bottom up so positions stay valid.
    if r.kind_grid && rng.apply("blank_rows", 0.3) {
        // Between data rows (and above the first), never inside a header
        // band, however many rows it has.
        let first_data = r
            .amounts
            .iter()
            .map(|((row, _), _)| *row)
            .min()
            .unwrap_or(r.header_first + 2);
        let mut at: Vec<u32> = (first_data..=r.last_row)
            .filter(|_| rng.chance(0.2))
            .collect();
        at.reverse();
        for row in &at {
            if g.merge_at(*row, 0).is_none() && g.merge_at(row - 1, 0).is_none() {
                g.insert_rows(*row, 1);
            }
        }
        note(v, r.id, &format!("{} blank rows", at.len()));
    }
    // 表11 as the published document prints it: a vertical label column.
    if r.id == TableId::T11 && rng.apply("vertical_labels", 0.5) {
        vertical_labels(g, rng, v);
    }
    // 表12 without its 单位 line (元 by convention).
    if r.id == TableId::T12 && rng.apply("t12_no_unit", 0.5) {
        if let Some((ur, uc)) = r.unit_cell {
            g.set(ur, uc, CellValue::Empty);
            note(v, r.id, "no unit line");
        }
    }
    // Merges lost on export.
    if r.kind_grid && rng.apply("no_merges", 0.3) {
        g.merges.clear();
        note(v, r.id, "no merges");
    }
    // A leading empty column.
    if rng.apply("leading_column", 0.2) {
        g.insert_col(0);
        note(v, r.id, "leading empty column");
    }
    // Rows above the title.
    if rng.apply("rows_above", 0.2) {
        g.insert_rows(0, 2);
        g.set(0, 0, CellValue::Text("附件2".into()));
        note(v, r.id, "rows above the title");
    }
}

/// Inserts a column A with `部门总体资金情况（万元）` merged down the
/// funds block, `整体绩效目标` down the goals, and the 职能概述 / 工作任务
/// labels moved into it, as the reference document prints 表11.
fn vertical_labels(g: &mut Grid, rng: &mut Rng, v: &mut Variant) {
    vertical_labels_as(g, rng, v, None);
}

fn vertical_labels_as(g: &mut Grid, rng: &mut Rng, v: &mut Variant, unmerged: Option<bool>) {
    let find = |g: &Grid, word: &str| {
        (0..g.rows.len() as u32).find(|&r| {
            (0..g.rows[r as usize].len() as u32).any(|c| crate::text::norm(&g.text(r, c)) == word)
        })
    };
    let (Some(funds), Some(functions)) = (find(g, "总体资金情况"), find(g, "部门职能概述"))
    else {
        return;
    };
    g.insert_col(0);
    let vertical = |g: &mut Grid, from: u32, to: u32, text: &str| {
        g.set(from, 0, CellValue::Text(text.into()));
        if to > from {
            g.merges.push(Merge {
                first_row: from,
                first_col: 0,
                last_row: to,
                last_col: 0,
            });
        }
    };
    vertical(g, funds, functions - 1, "部门\n总体\n资金\n情况\n（万元）");
    for label in ["部门职能概述", "年度工作任务"] {
        if let Some(r) = find(g, label) {
            g.set(r, 1, CellValue::Empty);
            g.set(r, 0, CellValue::Text(label.into()));
            // The value keeps its place; an empty B would end a merge,
            // so B joins the value's merge if there is one.
        }
    }
    if let (Some(goals), Some(first_indicators)) = (find(g, "长期目标"), find(g, "一级指标"))
    {
        let end = (goals..first_indicators)
            .rev()
            .find(|&r| {
                g.rows
                    .get(r as usize)
                    .is_some_and(|row| row.iter().all(CellValue::is_empty))
            })
            .map_or(first_indicators - 1, |r| r - 1);
        vertical(g, goals, end.max(goals), "整体\n绩效\n目标");
    }
    // The header word in one unmerged cell, as some tools export it.
    if unmerged.unwrap_or_else(|| rng.chance(0.5)) {
        g.merges
            .retain(|m| !(m.first_row == funds && m.first_col == 1 && m.last_col > 1));
        note(v, TableId::T11, "vertical labels, 总体资金情况 unmerged");
    } else {
        note(v, TableId::T11, "vertical labels");
    }
}

fn vary_workbook(
    grids: &mut Vec<Grid>,
    roles: &BTreeMap<String, Roles>,
    rng: &mut Rng,
    v: &mut Variant,
    base: &Budget,
) {
    // Every merge dropped at once, on every table and form, its text left
    // in its first cell (as tools that do not keep merges save a sheet).
    if rng.apply("every_merge_dropped", 0.15) {
        for g in grids.iter_mut().filter(|g| roles.contains_key(&g.name)) {
            g.merges.clear();
        }
        v.applied.push("workbook: every merge dropped".into());
    }
    // Sheet names.
    if rng.apply("sheet_names", 0.5) {
        let style = rng.below(4);
        let mut k = 0;
        for g in grids.iter_mut() {
            let Some(r) = roles.get(&g.name) else {
                continue;
            };
            k += 1;
            let number = g.name.trim_start_matches('表').to_string();
            g.name = match style {
                0 => format!("Sheet{k}"),
                1 => format!("公开{:0>2}表", number),
                2 => format!("表{}", cn_number(&number)),
                _ => format!("{number}.{}", title_word(r.id)),
            };
        }
        v.applied
            .push(format!("workbook: sheet names style {style}"));
    }
    // Sheets in another order.
    if rng.apply("shuffle", 0.3) {
        let n = grids.len();
        for i in (1..n).rev() {
            let j = rng.below(i + 1);
            grids.swap(i, j);
        }
        v.applied.push("workbook: sheets shuffled".into());
    }
    // A cover and a hidden instruction sheet.
    if rng.apply("cover", 0.3) {
        let name = base.department.name.clone().unwrap_or_default();
        let taken = |n: &str| grids.iter().any(|g| g.name == n);
        let name_for_cover = ["封面", "目录", "首页"]
            .into_iter()
            .find(|n| !taken(n))
            .unwrap_or("封面2");
        let mut cover = Grid {
            name: name_for_cover.into(),
            hidden: false,
            rows: vec![],
            merges: vec![],
        };
        cover.set(2, 0, CellValue::Text(name));
        let year = base.year.map(|y| format!("{y}年")).unwrap_or_default();
        cover.set(4, 0, CellValue::Text(format!("{year}部门预算公开")));
        grids.insert(0, cover);
        v.applied.push("workbook: cover".into());
    }
    if rng.apply("instructions", 0.3) {
        let help_name = if grids.iter().any(|g| g.name == "填表说明") {
            "说明"
        } else {
            "填表说明"
        };
        let mut help = Grid {
            name: help_name.into(),
            hidden: true,
            rows: vec![],
            merges: vec![],
        };
        help.set(
            0,
            0,
            CellValue::Text("1. 本表金额单位为万元，项目支出绩效目标表为元，请按说明填写。".into()),
        );
        grids.push(help);
        v.applied.push("workbook: hidden instructions".into());
    }
}

fn title_word(id: TableId) -> &'static str {
    match id {
        TableId::T1 => "收支总表",
        TableId::T2 => "收入总表",
        TableId::T3 => "支出总表",
        TableId::T4 => "财政拨款收支总表",
        TableId::T5_1 => "一般公共预算支出表",
        TableId::T5_2 => "一般公共预算支出表(分单位)",
        TableId::T6 => "基本支出表",
        TableId::T7 => "三公经费表",
        TableId::T8 => "政府性基金",
        TableId::T9 => "国有资本经营",
        TableId::T10 => "项目支出表",
        TableId::T11 => "部门整体绩效",
        _ => "项目绩效",
    }
}

/// `5-1` → `五-1`, `12` → `十二`.
fn cn_number(n: &str) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    n.split('-')
        .map(|p| match p.parse::<usize>() {
            Ok(x) if x < 10 => D[x].to_string(),
            Ok(10) => "十".into(),
            Ok(x) if x < 20 => format!("十{}", D[x - 10]),
            _ => p.to_string(),
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Writes grids as an `.xlsx` (values, formulas without results, merges,
/// hidden sheets), so variants are also read back through the file reader.
///
/// # Errors
/// [`rust_xlsxwriter::XlsxError`] for a sheet name Excel refuses or an I/O
/// failure.
pub fn write_xlsx(wb: &Workbook, path: &std::path::Path) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook as Out};
    let mut out = Out::new();
    // Fixed properties: the same grids give the same bytes.
    out.set_properties(
        &DocProperties::new()
            .set_author("yusuan samples")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2024, 1, 15)?),
    );
    let plain = Format::new();
    for s in &wb.sheets {
        let ws = out.add_worksheet();
        ws.set_name(s.name.as_ref())?;
        if s.hidden {
            ws.set_hidden(true);
        }
        // Merges first: rust_xlsxwriter writes a merge's first cell itself.
        for m in s.merges() {
            if (m.first_row, m.first_col) != (m.last_row, m.last_col) {
                ws.merge_range(
                    m.first_row,
                    m.first_col as u16,
                    m.last_row,
                    m.last_col as u16,
                    "",
                    &plain,
                )?;
            }
        }
        for r in 0..s.height() {
            for (c, v) in s.row(r).iter().enumerate() {
                let c = c as u16;
                match v {
                    CellValue::Empty => {}
                    CellValue::Number(f) => {
                        ws.write_number(r, c, *f)?;
                    }
                    CellValue::Int(i) => {
                        ws.write_number(r, c, *i as f64)?;
                    }
                    CellValue::Text(t) | CellValue::Other(t) => {
                        ws.write_string(r, c, t)?;
                    }
                    CellValue::Bool(b) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                    CellValue::Formula(f) => {
                        ws.write_formula(r, c, Formula::new(format!("={f}")))?;
                    }
                }
            }
        }
    }
    out.save(path)
}

/// The workbook as the reference department's published document prints
/// it: 表11 with its vertical label column (`部门总体资金情况（万元）`
/// beside 收入构成 / 支出构成, `整体绩效目标` beside the goals), the
/// `总体资金情况` header in one unmerged cell when `unmerged`, and the 表12
/// forms without a `单位` line, one block straight after the other.
pub fn as_published(wb: &Workbook, base: &Budget, unmerged: bool) -> Workbook {
    let roles = roles(base);
    let mut rng = Rng::new(if unmerged { 0 } else { 1 });
    let mut v = Variant {
        seed: 0,
        workbook: wb.clone(),
        applied: Vec::new(),
        text_numbers: BTreeSet::new(),
        in_yuan: BTreeSet::new(),
        extra_columns: BTreeSet::new(),
    };
    let mut sheets = Vec::new();
    for s in &wb.sheets {
        let mut g = Grid::of(s);
        if let Some(r) = roles.get(&g.name) {
            if r.id == TableId::T11 {
                vertical_labels_as(&mut g, &mut rng, &mut v, Some(unmerged));
            }
            if r.id == TableId::T12 {
                if let Some((ur, uc)) = r.unit_cell {
                    g.set(ur, uc, CellValue::Empty);
                }
            }
        }
        sheets.push(g.sheet());
    }
    v.workbook.sheets = sheets;
    v.workbook
}

/// The workbook with every merge of every sheet dropped, each merged text
/// left in its first cell: as a tool that does not keep merges saves it.
pub fn without_merges(wb: &Workbook) -> Workbook {
    let mut out = wb.clone();
    out.sheets = wb
        .sheets
        .iter()
        .map(|s| {
            let mut g = Grid::of(s);
            g.merges.clear();
            g.sheet()
        })
        .collect();
    out
}

/// A workbook as finance systems export it: a web page of tables saved as
/// `.xls`, one `<table>` a visible sheet (hidden sheets are not exported),
/// merges as `rowspan`/`colspan`. The seed picks the exporter's manners:
/// numbers as shown with thousands separators, or with Excel's `x:num`;
/// UTF-8 or GBK, with or without a `charset`; a sheet's title row as a
/// heading above its table, its notes as paragraphs below it. Text that reads as a number is marked `x:str`,
/// as Excel marks it, so it stays text.
pub fn html_page(wb: &Workbook, seed: u64) -> Vec<u8> {
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\n', "<br>")
    }
    /// `1234567.5` as `1,234,567.5`.
    fn grouped(shown: &str) -> String {
        let (sign, body) = match shown.strip_prefix('-') {
            Some(b) => ("-", b),
            None => ("", shown),
        };
        let (int, frac) = body
            .split_once('.')
            .map_or((body, None), |(i, f)| (i, Some(f)));
        let mut out = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        match frac {
            Some(f) => format!("{sign}{out}.{f}"),
            None => format!("{sign}{out}"),
        }
    }
    let mut rng = Rng::new(seed ^ 0x4854_4D4C);
    let excel = rng.chance(0.5);
    let gbk = rng.chance(0.5);
    let charset = !gbk || rng.chance(0.5);
    let mut page = String::from("<html><head>");
    if charset {
        page.push_str(&format!(
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset={}\">",
            if gbk { "gb2312" } else { "utf-8" }
        ));
    }
    page.push_str("<style>td{mso-number-format:General}</style></head><body>\n");
    for sheet in wb.sheets.iter().filter(|s| !s.hidden) {
        let mut first = 0;
        // A title alone in the first row, unmerged: the exporter may print
        // it as a heading above the table (the same row of the sheet read).
        let lone: Vec<&CellValue> = sheet.row(0).iter().filter(|v| !v.is_empty()).collect();
        if sheet.height() > 1
            && matches!(lone.as_slice(), [CellValue::Text(_)])
            && sheet.row(0).first().is_some_and(|v| !v.is_empty())
            && sheet.merge_at(0, 0).is_none()
            && rng.chance(0.5)
        {
            page.push_str(&format!("<h3>{}</h3>\n", esc(&lone[0].as_text())));
            first = 1;
        }
        // Notes alone in the last rows (merged across the row at most): the
        // exporter may print them as paragraphs below the table.
        let note_row = |r: u32| {
            let cells: Vec<&CellValue> = sheet.row(r).iter().filter(|v| !v.is_empty()).collect();
            matches!(cells.as_slice(), [CellValue::Text(t)]
                if t.starts_with("注") || t.starts_with("备注") || t.trim_end().ends_with('。'))
                && sheet.row(r).first().is_some_and(|v| !v.is_empty())
                && sheet
                    .merge_at(r, 0)
                    .is_none_or(|m| m.first_row == r && m.last_row == r)
        };
        let mut last = sheet.height();
        if rng.chance(0.5) {
            while last > first + 1 && note_row(last - 1) {
                last -= 1;
            }
        }
        page.push_str("<table border=\"1\">\n");
        let width = sheet.width();
        for r in first..last {
            page.push_str("<tr>");
            for c in 0..width {
                let span = sheet.merge_at(r, c);
                if span.is_some_and(|m| (m.first_row, m.first_col) != (r, c)) {
                    continue;
                }
                let mut td = String::from("<td");
                if let Some(m) = span {
                    let rows = m.last_row.min(sheet.height() - 1) - m.first_row + 1;
                    let cols = m.last_col.min(width - 1) - m.first_col + 1;
                    if rows > 1 {
                        td.push_str(&format!(" rowspan=\"{rows}\""));
                    }
                    if cols > 1 {
                        td.push_str(&format!(" colspan={cols}"));
                    }
                }
                let shown = match sheet.get(r, c) {
                    CellValue::Number(f) => {
                        let s = format!("{f}");
                        // Past 15 digits the text alone would stay text, so
                        // even a plain exporter gives the value.
                        let digits = s.bytes().filter(u8::is_ascii_digit).count();
                        if excel || digits > 15 || s.contains('e') {
                            td.push_str(&format!(" x:num=\"{s}\""));
                        }
                        grouped(&s)
                    }
                    CellValue::Int(i) => grouped(&i.to_string()),
                    CellValue::Empty => String::new(),
                    v => {
                        let s = v.as_text();
                        let bare: String = s.chars().filter(|c| *c != ',').collect();
                        if bare.trim().parse::<f64>().is_ok() {
                            td.push_str(" x:str");
                        }
                        esc(&s)
                    }
                };
                page.push_str(&format!("{td}>{shown}</td>"));
            }
            page.push_str("</tr>\n");
        }
        page.push_str("</table>\n");
        for r in last..sheet.height() {
            page.push_str(&format!("<p>{}</p>\n", esc(&sheet.get(r, 0).as_text())));
        }
        page.push_str("<br>\n");
    }
    page.push_str("</body></html>\n");
    if gbk {
        encoding_rs::GBK.encode(&page).0.into_owned()
    } else {
        page.into_bytes()
    }
}
