//! One sheet as an editable grid of cells and merges: what the layout
//! variator rewrites and the Putuo sample is built in.

use crate::workbook::{CellValue, Merge, Sheet};

/// One sheet as an editable grid.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    pub name: String,
    pub hidden: bool,
    pub rows: Vec<Vec<CellValue>>,
    pub merges: Vec<Merge>,
}

impl Grid {
    pub fn of(s: &Sheet) -> Grid {
        Grid {
            name: s.name.to_string(),
            hidden: s.hidden,
            rows: (0..s.height()).map(|r| s.row(r).to_vec()).collect(),
            merges: s.merges().to_vec(),
        }
    }

    pub fn sheet(self) -> Sheet {
        let mut s = Sheet::new(&self.name, self.rows, self.merges);
        s.hidden = self.hidden;
        s
    }

    pub fn get(&self, r: u32, c: u32) -> &CellValue {
        static EMPTY: CellValue = CellValue::Empty;
        self.rows
            .get(r as usize)
            .and_then(|row| row.get(c as usize))
            .unwrap_or(&EMPTY)
    }

    /// A grid named `name`, empty.
    pub fn new(name: &str) -> Grid {
        Grid {
            name: name.into(),
            hidden: false,
            rows: Vec::new(),
            merges: Vec::new(),
        }
    }

    pub fn set(&mut self, r: u32, c: u32, v: CellValue) {
        let (r, c) = (r as usize, c as usize);
        if self.rows.len() <= r {
            self.rows.resize(r + 1, Vec::new());
        }
        if self.rows[r].len() <= c {
            self.rows[r].resize(c + 1, CellValue::Empty);
        }
        self.rows[r][c] = v;
    }

    pub fn text(&self, r: u32, c: u32) -> String {
        self.get(r, c).as_text()
    }

    pub fn insert_rows(&mut self, at: u32, n: u32) {
        let at_i = (at as usize).min(self.rows.len());
        for _ in 0..n {
            self.rows.insert(at_i, Vec::new());
        }
        for m in &mut self.merges {
            if m.first_row >= at {
                m.first_row += n;
                m.last_row += n;
            } else if m.last_row >= at {
                m.last_row += n;
            }
        }
    }

    pub fn insert_col(&mut self, at: u32) {
        for row in &mut self.rows {
            if row.len() > at as usize {
                row.insert(at as usize, CellValue::Empty);
            }
        }
        for m in &mut self.merges {
            if m.first_col >= at {
                m.first_col += 1;
                m.last_col += 1;
            } else if m.last_col >= at {
                m.last_col += 1;
            }
        }
    }

    pub fn merge_at(&self, r: u32, c: u32) -> Option<usize> {
        self.merges.iter().position(|m| {
            (m.first_row..=m.last_row).contains(&r) && (m.first_col..=m.last_col).contains(&c)
        })
    }
}
