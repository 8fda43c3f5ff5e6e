//! What a layout could not hold: the model's figures that the target
//! layout has no place for, and the places it has that the model cannot
//! fill. Nothing is dropped without a word: each is listed here, said once
//! per table as a warning, and summed up in the manifest.

use crate::model::TableId;

/// One table's losses and empty places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    /// The canonical table.
    pub id: TableId,
    /// `表5-2 一般公共预算支出表(分单位)`, as the source or the target names it.
    pub name: String,
    /// What of the model has no place, each with how many figures it holds.
    pub lost: Vec<(String, usize)>,
    /// Places of the target the model cannot fill.
    pub empty: Vec<String>,
}

impl TableReport {
    pub fn lost_figures(&self) -> usize {
        self.lost.iter().map(|(_, n)| n).sum()
    }
}

/// A column of a table read, by the words its header printed (levels
/// joined by `/`), for a message; its key only when none were read.
pub(crate) fn column_words(meta: &crate::model::TableMeta, key: &str) -> String {
    meta.columns
        .iter()
        .chain(&meta.extra_columns)
        .find(|c| c.key == key && !c.header.trim().is_empty())
        .map_or_else(|| key.to_string(), |c| c.header.clone())
}

/// A table of the source that the target lacks, for a message: `表12
/// 项目支出绩效目标表` — its canonical number (the IDs number tables as the
/// 2024 set does) and its title as read, the year in front left out.
pub(crate) fn source_table_name(meta: &crate::model::TableMeta) -> String {
    let number = meta.id.canonical_number();
    let title = meta.title.as_ref().map_or("", |t| t.text.trim());
    let title = match title.split_once('年') {
        Some((y, rest)) if !y.is_empty() && y.chars().all(|c| c.is_ascii_digit()) => rest,
        _ => title,
    };
    let title = title.trim_start_matches(|c: char| {
        c == '表' || c.is_ascii_digit() || c == '-' || c.is_whitespace()
    });
    format!("表{number} {title}").trim().to_string()
}

/// Everything a workbook written in a layout could not hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The layout, by its template's name (and the blank filled).
    pub template: String,
    pub tables: Vec<TableReport>,
}

impl Report {
    pub(crate) fn table(&mut self, id: TableId, name: &str) -> &mut TableReport {
        if let Some(i) = self.tables.iter().position(|t| t.id == id) {
            return &mut self.tables[i];
        }
        self.tables.push(TableReport {
            id,
            name: name.to_string(),
            lost: Vec::new(),
            empty: Vec::new(),
        });
        self.tables.last_mut().expect("just pushed")
    }

    pub(crate) fn lose(&mut self, id: TableId, name: &str, what: String, figures: usize) {
        self.table(id, name).lost.push((what, figures));
    }

    pub(crate) fn leave_empty(&mut self, id: TableId, name: &str, what: String) {
        self.table(id, name).empty.push(what);
    }

    /// Drops tables with nothing to say.
    pub(crate) fn tidy(&mut self) {
        self.tables
            .retain(|t| !t.lost.is_empty() || !t.empty.is_empty());
    }

    /// Figures of the model written nowhere.
    pub fn lost_figures(&self) -> usize {
        self.tables.iter().map(TableReport::lost_figures).sum()
    }

    /// Whether every figure and every place was matched.
    pub fn is_complete(&self) -> bool {
        self.tables.is_empty()
    }

    /// One sentence per table, for a warning on its own line.
    pub fn warnings(&self) -> Vec<String> {
        self.tables
            .iter()
            .map(|t| {
                let mut parts = Vec::new();
                if !t.lost.is_empty() {
                    let what: Vec<String> = t
                        .lost
                        .iter()
                        .map(|(w, n)| {
                            if *n > 0 {
                                format!("{w}（{n} 个数）")
                            } else {
                                w.clone()
                            }
                        })
                        .collect();
                    parts.push(format!(
                        "在 {} 的格式中没有位置，未写出：{}",
                        self.template,
                        what.join("；")
                    ));
                }
                if !t.empty.is_empty() {
                    parts.push(format!("源数据中没有、留空：{}", t.empty.join("；")));
                }
                format!("{}：{}", t.name, parts.join("。"))
            })
            .collect()
    }

    /// The whole in one line, for the manifest.
    pub fn summary(&self) -> String {
        if self.is_complete() {
            return String::new();
        }
        let lost: Vec<&TableReport> = self.tables.iter().filter(|t| !t.lost.is_empty()).collect();
        let empty: Vec<&TableReport> = self.tables.iter().filter(|t| !t.empty.is_empty()).collect();
        let names = |ts: &[&TableReport]| {
            ts.iter()
                .map(|t| {
                    t.name
                        .split_whitespace()
                        .next()
                        .unwrap_or(&t.name)
                        .to_string()
                })
                .collect::<Vec<_>>()
                .join("、")
        };
        let mut out = Vec::new();
        if !lost.is_empty() {
            out.push(format!(
                "按 {} 写出的规范工作簿未写出 {} 个数（{}）",
                self.template,
                self.lost_figures(),
                names(&lost)
            ));
        }
        if !empty.is_empty() {
            out.push(format!("留空未填（{}）", names(&empty)));
        }
        out.join("；")
    }
}
