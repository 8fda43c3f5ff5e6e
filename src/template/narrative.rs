//! The narrative's vocabulary, as template data (`[narrative]`): which
//! words name which figure of the model, and the words that connect them
//! (其中, 比…增加, 占). A bureau's narrative is a template entry, not code.

use serde::Deserialize;

use super::canonical::{Side, TableId};

/// `[narrative]` of a template.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeSpec {
    /// Sheets of the workbook that hold the narrative: a sheet whose name
    /// contains one of these words (`编制说明`, `情况说明`).
    #[serde(default)]
    pub sheets: Vec<String>,
    /// The bureau's workbook comes with a narrative: a workbook without
    /// narrative sheets and without a paired document is said (`N.missing`).
    #[serde(default)]
    pub expected: bool,
    /// Words between a subject and its amount (`为`, `预算数为`, `合计`).
    #[serde(default)]
    pub connectors: Vec<String>,
    /// Words a subject may follow in its clause (`年`, `部门`, `其中`); any
    /// other text before it means the words name something else.
    #[serde(default)]
    pub leads: Vec<String>,
    /// Words after which a list of parts follows (`其中`, `包括`).
    #[serde(default)]
    pub lists: Vec<String>,
    /// Words that say a subject is nil (`没有`, `无`).
    #[serde(default)]
    pub negations: Vec<String>,
    /// Words that start with a negation word and say something else (`无偿`).
    #[serde(default)]
    pub not_negations: Vec<String>,
    /// Words of a comparison with an earlier year (`比`, `较`).
    #[serde(default)]
    pub compare: Vec<String>,
    #[serde(default)]
    pub increase: Vec<String>,
    #[serde(default)]
    pub decrease: Vec<String>,
    /// Words that say nothing changed (`持平`, `无变化`).
    #[serde(default)]
    pub flat: Vec<String>,
    /// Words of a share (`占`).
    #[serde(default)]
    pub share: Vec<String>,
    /// Template text left in besides runs of `x`, `X`, `×` (`若无，则写`).
    #[serde(default)]
    pub placeholders: Vec<String>,
    /// Subjects whose parts named by a row of the tables (功能科目) must add
    /// up to them (`项目支出 6.67 万元，其中：招商引资 6.67 万元`).
    #[serde(default)]
    pub itemized: Vec<String>,
    #[serde(default)]
    pub subjects: Vec<SubjectSpec>,
    #[serde(default)]
    pub rows: Vec<RowsSpec>,
    #[serde(default)]
    pub sums: Vec<SumSpec>,
}

/// Words that name one figure of the model.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectSpec {
    /// The subject's key (`gp_income`): sums, shares and `within` name it.
    pub key: String,
    /// Its words as a narrative writes them; the longest that fits wins.
    pub words: Vec<String>,
    /// Only in a section, or under a list head, about one of these subjects.
    #[serde(default)]
    pub within: Vec<String>,
    /// The model figures it names, in order of preference (resolved by `narrative::figure`);
    /// a stated amount that agrees with one of them agrees. Empty: a figure
    /// the tables do not have (政府采购), still added up and reported.
    #[serde(default)]
    pub figures: Vec<String>,
    /// Where the workbook gives the same figure for earlier years (表11's
    /// 近两年 columns), for growth against them.
    #[serde(default)]
    pub prior: Vec<String>,
}

/// Subjects named by the rows of a table (功能科目 by their names, 经济科目).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowsSpec {
    /// A coded table (`t5_1`), or a side-by-side one (`t1`, `t4`) whose
    /// class lines are named.
    pub table: TableId,
    /// The coded table's column compared (`project`).
    #[serde(default)]
    pub column: Option<String>,
    /// The side of a side-by-side table.
    #[serde(default)]
    pub side: Option<Side>,
    /// Only in a section, or under a list head, about one of these subjects.
    #[serde(default)]
    pub within: Vec<String>,
}

/// A total and its parts, stated in one section (`政府采购 = 货物 + 工程 + 服务`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SumSpec {
    pub total: String,
    pub parts: Vec<String>,
}

impl NarrativeSpec {
    /// Checks the figure references and keys.
    ///
    /// # Errors
    /// The first reference that does not parse, or a key that names no subject.
    pub fn validate(&self) -> Result<(), String> {
        let keys: std::collections::BTreeSet<&str> =
            self.subjects.iter().map(|s| s.key.as_str()).collect();
        for s in &self.subjects {
            if s.words.is_empty() {
                return Err(format!("[narrative] 的主题 {} 没有任何词（words）", s.key));
            }
            for r in s.figures.iter().chain(&s.prior) {
                FigureRef::parse(r)
                    .map_err(|e| format!("[narrative] 的主题 {} 的数 “{r}”：{e}", s.key))?;
            }
        }
        for sum in &self.sums {
            for k in std::iter::once(&sum.total).chain(&sum.parts) {
                if !keys.contains(k.as_str()) {
                    return Err(format!("[narrative] 的 sums 用到了 {k}，但没有这个主题"));
                }
            }
        }
        for r in &self.rows {
            let lines = TableId::LINES.contains(&r.table);
            if lines && r.side.is_none() || !lines && r.column.is_none() {
                return Err(format!(
                    "[narrative] 的 rows（表 {}）应给出 {}",
                    r.table,
                    if lines { "side" } else { "column" }
                ));
            }
        }
        Ok(())
    }

    /// Normalizes every word once, as paragraphs are ([`crate::text::normed::norm`]).
    pub fn normalize(&mut self) {
        let n = |v: &mut Vec<String>| v.iter_mut().for_each(|w| *w = crate::text::normed::norm(w));
        n(&mut self.sheets);
        n(&mut self.connectors);
        n(&mut self.leads);
        n(&mut self.lists);
        n(&mut self.negations);
        n(&mut self.not_negations);
        n(&mut self.compare);
        n(&mut self.increase);
        n(&mut self.decrease);
        n(&mut self.flat);
        n(&mut self.share);
        n(&mut self.placeholders);
        for s in &mut self.subjects {
            n(&mut s.words);
        }
    }

    /// The subject with `key`.
    pub fn subject(&self, key: &str) -> Option<&SubjectSpec> {
        self.subjects.iter().find(|s| s.key == key)
    }
}

/// A figure reference of `[narrative]` (documented in docs/templates.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureRef {
    /// `t1.income.gp`: a line of a side-by-side table.
    Line {
        table: TableId,
        side: Side,
        key: String,
    },
    /// `t3.total.basic`: a column of a coded table's 合计 row.
    Total { table: TableId, column: String },
    /// `t6.row.303.total`: a column of a coded table's row, by code.
    Row {
        table: TableId,
        code: String,
        column: String,
    },
    /// `t7.abroad`: an amount of a one-row table (or one of its extra columns).
    Single { table: TableId, column: String },
    /// `t11.funds.income_total`, `t11.funds.income_total.current`: a line of
    /// a form's block; without a column, `current` (or the column of the
    /// year asked for, for earlier years).
    Block {
        table: TableId,
        block: String,
        line: String,
        column: Option<String>,
    },
}

impl FigureRef {
    /// Parses a reference.
    ///
    /// # Errors
    /// What is wrong with it, in words.
    pub fn parse(s: &str) -> Result<FigureRef, String> {
        let parts: Vec<&str> = s.split('.').collect();
        let bad = || {
            Err(
                "应形如 t1.income.gp、t3.total.basic、t6.row.303.total、t7.abroad 或 t11.funds.income_total"
                    .to_string(),
            )
        };
        let Some(table) = TableId::parse(parts[0]) else {
            return bad();
        };
        use TableId::*;
        match (table, parts.as_slice()) {
            (t, [_, side, key]) if TableId::LINES.contains(&t) => {
                let side = match *side {
                    "income" => Side::Income,
                    "expense" => Side::Expense,
                    _ => return bad(),
                };
                Ok(FigureRef::Line {
                    table,
                    side,
                    key: key.to_string(),
                })
            }
            (t, [_, "total", column]) if TableId::CODED.contains(&t) => Ok(FigureRef::Total {
                table,
                column: column.to_string(),
            }),
            (t, [_, "row", code, column]) if TableId::CODED.contains(&t) => Ok(FigureRef::Row {
                table,
                code: code.to_string(),
                column: column.to_string(),
            }),
            (T7, [_, column]) => Ok(FigureRef::Single {
                table,
                column: column.to_string(),
            }),
            (T11, [_, block, line]) => Ok(FigureRef::Block {
                table,
                block: block.to_string(),
                line: line.to_string(),
                column: None,
            }),
            (T11, [_, block, line, column]) => Ok(FigureRef::Block {
                table,
                block: block.to_string(),
                line: line.to_string(),
                column: Some(column.to_string()),
            }),
            _ => bad(),
        }
    }
}
