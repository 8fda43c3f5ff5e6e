//! Formulas of the blank that will not give the figures written into them.
//! A formula kept keeps the figure as its cached value, but Excel and
//! LibreOffice calculate it again on opening: when everything it reads was
//! left empty (the budget has no figures for the columns a 合计 adds up,
//! being in another layout), it gives 0 where the figure stood. Those are
//! said in the report; formulas that read anything filled are trusted.

use std::collections::BTreeMap;

use super::refs;
use super::sheet::{Holds, SheetXml};
use crate::model::TableId;

/// Whether cell (r, c) calculates from nothing: empty, or a formula on
/// this sheet every cell of which calculates from nothing.
fn from_nothing(
    s: &SheetXml,
    own: &str,
    at: (u32, u32),
    memo: &mut BTreeMap<(u32, u32), Option<bool>>,
) -> bool {
    match memo.get(&at) {
        Some(Some(v)) => return *v,
        // A cycle: not nothing.
        Some(None) => return false,
        None => {}
    }
    memo.insert(at, None);
    let v = match s.holds(at.0, at.1) {
        Holds::Nothing => true,
        Holds::Value | Holds::Formula(None) => false,
        Holds::Formula(Some(f)) => refs::cells_read(&f, own)
            .is_some_and(|cells| cells.into_iter().all(|c| from_nothing(s, own, c, memo))),
    };
    memo.insert(at, Some(v));
    v
}

/// Of the formula cells given a figure other than 0, those that will
/// calculate 0.
pub fn calculating_nothing(s: &SheetXml, own: &str, cells: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut memo = BTreeMap::new();
    cells
        .iter()
        .copied()
        .filter(|&(r, c)| match s.holds(r, c) {
            Holds::Formula(Some(f)) => refs::cells_read(&f, own)
                .is_some_and(|read| read.into_iter().all(|x| from_nothing(s, own, x, &mut memo))),
            _ => false,
        })
        .collect()
}

impl super::Filler<'_> {
    /// Says, per table, which formula cells will calculate 0.
    pub(super) fn say_formulas_of_nothing(&mut self) {
        let mut by_table: BTreeMap<(TableId, String), Vec<String>> = BTreeMap::new();
        let mut by_sheet: BTreeMap<usize, Vec<(u32, u32, TableId, String)>> = BTreeMap::new();
        for (i, r, c, id, name) in &self.formulas {
            by_sheet
                .entry(*i)
                .or_default()
                .push((*r, *c, *id, name.clone()));
        }
        for (i, cells) in by_sheet {
            let Some(s) = self.sheets.get(&i) else {
                continue;
            };
            let own = self.wb.sheets[i].name.to_string();
            let at: Vec<(u32, u32)> = cells.iter().map(|(r, c, ..)| (*r, *c)).collect();
            for (r, c) in calculating_nothing(s, &own, &at) {
                if let Some((.., id, name)) = cells.iter().find(|x| (x.0, x.1) == (r, c)) {
                    by_table
                        .entry((*id, name.clone()))
                        .or_default()
                        .push(super::sheet::a1(r, c));
                }
            }
        }
        for ((id, name), cells) in by_table {
            let shown: Vec<&str> = cells.iter().take(6).map(String::as_str).collect();
            let more = if cells.len() > shown.len() { "…" } else { "" };
            self.report.leave_empty(
                id,
                &name,
                format!(
                    "空白模板的公式 {}{more}（{} 格）所读的单元格都留空：写入的数只是缓存值，Excel 或 LibreOffice 打开时重新计算为 0",
                    shown.join("、"),
                    cells.len()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_of_cells_left_empty_calculates_nothing() {
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1"><f>B1+C1</f><v>5</v></c><c r="B1"/><c r="C1"><v></v></c></row><row r="2"><c r="A2"><f>B2+C2</f><v>5</v></c><c r="B2"><v>5</v></c></row><row r="3"><c r="A3"><f>SUM(A1:A1)</f><v>5</v></c><c r="B3"><f>SUM(A1:A2)</f><v>10</v></c></row></sheetData></worksheet>"#;
        let s = SheetXml::parse("表", xml).unwrap();
        let cells = [(0, 0), (1, 0), (2, 0), (2, 1)];
        assert_eq!(calculating_nothing(&s, "表", &cells), vec![(0, 0), (2, 0)]);
    }
}
