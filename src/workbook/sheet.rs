//! A sheet as read: its grid of cells, its merged regions, its name and
//! whether it is hidden; held to the limits before the grid is allocated.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::path::Path;
use std::sync::Arc;

use calamine::Data;

use super::address::CellRef;
use super::error::{past_book, past_grid, WorkbookError};
use super::limits;

static EMPTY: CellValue = CellValue::Empty;

/// One cell as the file stored it. Floats stay floats here; [`crate::amount`]
/// turns them into decimals.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum CellValue {
    #[default]
    Empty,
    Number(f64),
    Int(i64),
    Text(String),
    Bool(bool),
    /// Dates, durations, error values: kept as their text.
    Other(String),
    /// A formula (its text, without `=`) whose result the file does not
    /// hold: some tools write `=SUM(C7:C9)` and never compute it.
    Formula(String),
}

impl CellValue {
    pub fn is_empty(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text; numbers by their shortest round-trip form.
    pub fn as_text(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Number(f) => format!("{f}"),
            CellValue::Int(i) => i.to_string(),
            CellValue::Text(s) | CellValue::Other(s) => s.clone(),
            CellValue::Formula(f) => format!("={f}"),
            CellValue::Bool(b) => b.to_string(),
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, CellValue::Number(_) | CellValue::Int(_))
    }

    pub(super) fn from_calamine(d: &Data) -> CellValue {
        match d {
            Data::Empty => CellValue::Empty,
            Data::Float(f) => CellValue::Number(*f),
            Data::Int(i) => CellValue::Int(*i),
            Data::String(s) => CellValue::Text(s.clone()),
            Data::Bool(b) => CellValue::Bool(*b),
            Data::DateTime(dt) => CellValue::Other(dt.to_string()),
            Data::DateTimeIso(s) | Data::DurationIso(s) => CellValue::Other(s.clone()),
            Data::Error(e) => CellValue::Other(format!("#{e:?}")),
        }
    }

    pub(super) fn from_data_ref(d: &calamine::DataRef) -> CellValue {
        use calamine::DataRef;
        match d {
            DataRef::Empty => CellValue::Empty,
            DataRef::Float(f) => CellValue::Number(*f),
            DataRef::Int(i) => CellValue::Int(*i),
            DataRef::String(s) => CellValue::Text(s.clone()),
            DataRef::SharedString(s) => CellValue::Text(s.to_string()),
            DataRef::Bool(b) => CellValue::Bool(*b),
            DataRef::DateTime(dt) => CellValue::Other(dt.to_string()),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => CellValue::Other(s.clone()),
            DataRef::Error(e) => CellValue::Other(format!("#{e:?}")),
        }
    }
}

/// A merged region, inclusive, zero-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

/// One worksheet as a dense grid of absolute positions (row 0 is Excel row 1).
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: Arc<str>,
    pub hidden: bool,
    pub(super) rows: Vec<Vec<CellValue>>,
    pub(super) merges: Vec<Merge>,
    /// Every cell covered by a merge → index into `merges`.
    merged: HashMap<(u32, u32), usize, BuildHasherDefault<CellHasher>>,
    /// Normalized text of every cell ([`crate::text::norm`]), built on first use:
    /// the importer compares each cell with many template words.
    normed: std::sync::OnceLock<Normed>,
}

/// Every cell's normalized text in one string, each cell a span of it: one
/// allocation a sheet, not one a cell.
#[derive(Debug, Default, Clone)]
struct Normed {
    text: String,
    spans: Vec<Vec<(usize, usize)>>,
    /// Each row's characters ([`crate::text::char_mask`] of its texts).
    masks: Vec<u64>,
}

/// Hashes a cell's (row, column): two small integers need no SipHash.
#[derive(Debug, Default, Clone, Copy)]
pub struct CellHasher(u64);

impl std::hash::Hasher for CellHasher {
    fn finish(&self) -> u64 {
        // A multiplicative mix, folded: the product's low bits depend only
        // on the key's low bits (the column), and the table indexes by the
        // low bits, so without the fold every cell of a column landed in one
        // probe chain (80,000 rows took 28 s, quadratic).
        let h = self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 32)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8 | u64::from(*b)).rotate_left(5);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0 << 32) | u64::from(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = self.0.rotate_left(17) ^ n as u64;
    }
}

/// Cells the merges cover within a grid of `height` × `width` (overlaps
/// counted twice: it is the work of mapping them).
fn merge_cover(merges: &[Merge], height: u32, width: u32) -> u64 {
    merges
        .iter()
        .map(|m| {
            let rows = u64::from(
                m.last_row
                    .min(height.saturating_sub(1))
                    .saturating_sub(m.first_row),
            ) + 1;
            let cols = u64::from(
                m.last_col
                    .min(width.saturating_sub(1))
                    .saturating_sub(m.first_col),
            ) + 1;
            rows * cols
        })
        .sum()
}

/// Refuses a sheet whose grid or merged regions would spread past
/// [`limits::GRID_CELLS`], before either is built: a few cells far apart
/// (one in every row, at column ALL) or a merge over the whole sheet made a
/// 500 KB file take gigabytes.
///
/// `book` is what the workbook's sheets before it spread over, and grows by
/// this one's: every sheet is held at once, so forty sheets each just under
/// the limit (a 426 KB file) took 3.9 GB.
pub(super) fn check_extent(
    path: &Path,
    sheet: &str,
    grid: u64,
    (height, width): (u32, u32),
    merges: &[Merge],
    book: &mut u64,
) -> Result<(), WorkbookError> {
    let limit = |what: String| past_grid(path, sheet, &what);
    if grid > limits::GRID_CELLS {
        return Err(limit(format!("的单元格铺开有 {grid} 个（{height} 行）")));
    }
    *book += grid;
    if *book > limits::BOOK_CELLS {
        return Err(past_book(path, sheet, *book));
    }
    let covered = merge_cover(merges, height, width);
    if covered > limits::GRID_CELLS {
        return Err(limit(format!("的合并区域共覆盖 {covered} 个单元格")));
    }
    Ok(())
}

impl Sheet {
    /// Builds a sheet from rows of cells (used by tests and by the reader).
    pub fn new(name: &str, rows: Vec<Vec<CellValue>>, merges: Vec<Merge>) -> Sheet {
        // Bounded by the sheet's extent (rows are stored without their
        // trailing empty cells, but a merge covers those too); a corrupt
        // file's absurd region stops at the grid's edge.
        let height = rows.len() as u32;
        let width = rows.iter().map(Vec::len).max().unwrap_or(0) as u32;
        let covered = merge_cover(&merges, height, width);
        // Sized once: the map is built cell by cell for every sheet.
        let mut merged = HashMap::with_capacity_and_hasher(
            covered.min(u64::from(height) * u64::from(width)) as usize,
            Default::default(),
        );
        for (i, m) in merges.iter().enumerate() {
            for r in m.first_row..=m.last_row.min(height.saturating_sub(1)) {
                for c in m.first_col..=m.last_col.min(width.saturating_sub(1)) {
                    merged.insert((r, c), i);
                }
            }
        }
        Sheet {
            name: Arc::from(name),
            hidden: false,
            rows,
            merges,
            merged,
            normed: std::sync::OnceLock::new(),
        }
    }

    pub fn height(&self) -> u32 {
        self.rows.len() as u32
    }

    pub fn width(&self) -> u32 {
        self.rows.iter().map(Vec::len).max().unwrap_or(0) as u32
    }

    pub fn row(&self, r: u32) -> &[CellValue] {
        self.rows.get(r as usize).map_or(&[], Vec::as_slice)
    }

    pub fn get(&self, r: u32, c: u32) -> &CellValue {
        self.rows
            .get(r as usize)
            .and_then(|row| row.get(c as usize))
            .unwrap_or(&EMPTY)
    }

    /// The normalized text of a cell (NFKC, no white space); "" when empty.
    pub fn norm_at(&self, r: u32, c: u32) -> &str {
        let normed = self.normed();
        normed
            .spans
            .get(r as usize)
            .and_then(|row| row.get(c as usize))
            .map_or("", |&(a, b)| &normed.text[a..b])
    }

    /// The characters of row `r`'s normalized texts, as
    /// [`crate::text::char_mask`] gives them; 0 for a row past the end.
    pub fn row_mask(&self, r: u32) -> u64 {
        self.normed().masks.get(r as usize).copied().unwrap_or(0)
    }

    fn normed(&self) -> &Normed {
        use std::fmt::Write as _;
        self.normed.get_or_init(|| {
            let mut n = Normed::default();
            for row in &self.rows {
                let row_start = n.text.len();
                let mut spans = Vec::with_capacity(row.len());
                for v in row {
                    let start = n.text.len();
                    match v {
                        CellValue::Empty => {}
                        CellValue::Text(s) => crate::text::norm_into(s, &mut n.text),
                        // Digits, a point, a sign: nothing to normalize.
                        // A whole number as an integer: what `{f}` prints for
                        // it, without the float formatter (most figures).
                        CellValue::Number(f) if f.fract() == 0.0 && f.abs() < 1e15 && *f != 0.0 => {
                            let _ = write!(n.text, "{}", *f as i64);
                        }
                        CellValue::Number(f) => {
                            let _ = write!(n.text, "{f}");
                        }
                        CellValue::Int(i) => {
                            let _ = write!(n.text, "{i}");
                        }
                        other => crate::text::norm_into(&other.as_text(), &mut n.text),
                    }
                    spans.push((start, n.text.len()));
                }
                n.masks.push(crate::text::char_mask(&n.text[row_start..]));
                n.spans.push(spans);
            }
            n
        })
    }

    /// [`Sheet::norm_at`] of the cell shown at (r, c) (merges resolved).
    pub fn shown_norm(&self, r: u32, c: u32) -> &str {
        match self.merge_at(r, c) {
            Some(m) => self.norm_at(m.first_row, m.first_col),
            None => self.norm_at(r, c),
        }
    }

    /// Replaces one cell (tests and tools that alter a workbook in memory).
    pub fn set(&mut self, r: u32, c: u32, value: CellValue) {
        self.normed = std::sync::OnceLock::new();
        let (r, c) = (r as usize, c as usize);
        if self.rows.len() <= r {
            self.rows.resize(r + 1, Vec::new());
        }
        let row = &mut self.rows[r];
        if row.len() <= c {
            row.resize(c + 1, CellValue::Empty);
        }
        row[c] = value;
    }

    /// The merged regions as the file declared them.
    pub fn merges(&self) -> &[Merge] {
        &self.merges
    }

    pub fn has_merges(&self) -> bool {
        !self.merges.is_empty()
    }

    pub fn merge_at(&self, r: u32, c: u32) -> Option<Merge> {
        self.merged.get(&(r, c)).map(|&i| self.merges[i])
    }

    /// The value shown at (r, c): the top-left cell of its merge, if any.
    pub fn shown(&self, r: u32, c: u32) -> &CellValue {
        match self.merge_at(r, c) {
            Some(m) => self.get(m.first_row, m.first_col),
            None => self.get(r, c),
        }
    }

    /// The value of (r, c) in a data row: a vertical merge carries its value
    /// down its first column; cells covered by a horizontal span stay empty
    /// so a row-wide title is seen once, not in every column.
    pub fn down(&self, r: u32, c: u32) -> &CellValue {
        match self.merge_at(r, c) {
            Some(m) if m.first_col == c => self.get(m.first_row, m.first_col),
            Some(_) => &EMPTY,
            None => self.get(r, c),
        }
    }

    pub fn is_blank_row(&self, r: u32) -> bool {
        self.row(r).iter().all(CellValue::is_empty)
    }

    pub fn cell_ref(&self, r: u32, c: u32) -> CellRef {
        CellRef::new(self.name.clone(), r, c)
    }
}

/// Rows of cells from positioned cells (in any order), held to
/// [`limits::GRID_CELLS`] with the sheet's merged regions before the rows
/// are allocated.
pub(super) fn grid_of(
    path: &Path,
    sheet: &str,
    mut cells: Vec<((u32, u32), CellValue)>,
    merges: &[Merge],
    book: &mut u64,
) -> Result<Vec<Vec<CellValue>>, WorkbookError> {
    cells.sort_by_key(|(pos, _)| *pos);
    // Each row as wide as its last cell (sorted: the last of each row).
    let mut grid = 0u64;
    let mut width = 0u32;
    for (i, ((r, c), _)) in cells.iter().enumerate() {
        if cells.get(i + 1).is_none_or(|((next, _), _)| next != r) {
            grid += u64::from(*c) + 1;
            width = width.max(c + 1);
        }
    }
    let height = cells.last().map_or(0, |((r, _), _)| *r + 1);
    check_extent(path, sheet, grid, (height, width), merges, book)?;
    let height = height as usize;
    let mut rows: Vec<Vec<CellValue>> = vec![Vec::new(); height];
    for ((r, c), v) in cells {
        let row = &mut rows[r as usize];
        if row.len() <= c as usize {
            row.resize(c as usize + 1, CellValue::Empty);
        }
        row[c as usize] = v;
    }
    Ok(rows)
}
