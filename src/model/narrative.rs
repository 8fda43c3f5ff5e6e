//! The narrative (情况说明) read beside a budget, as data: its paragraphs,
//! each figure found in them and what it was compared with. Reading and
//! checking it is `crate::narrative`'s; the outputs print it from here.

use rust_decimal::Decimal;

use crate::workbook::CellRef;

/// A narrative: its paragraphs in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Narrative {
    /// Where it came from: a file name, or the names of the sheets.
    pub source: String,
    pub paragraphs: Vec<Paragraph>,
}

/// A paragraph (or a table row, or a line of a sheet's cell).
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// 1-based, in its source.
    pub no: usize,
    /// Where a reviewer finds it: `情况说明.docx 第 5 段`, `部门编制说明!A3 第 2 行`.
    pub place: String,
    pub text: String,
    /// The cell of a sheet's paragraph.
    pub cell: Option<CellRef>,
}

/// What checking a figure of the narrative came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Agrees,
    Differs,
    /// No figure of the tables to compare it with.
    NotCompared,
}

impl Outcome {
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Agrees => "agrees",
            Outcome::Differs => "differs",
            Outcome::NotCompared => "not_compared",
        }
    }
}

/// A figure of the narrative and what it was compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// Paragraph index in the narrative (0-based).
    pub para: usize,
    /// Normalized character span in the paragraph ([`crate::text::normed::normalize`]).
    pub span: (usize, usize),
    pub kind: Kind,
    pub subject: String,
    pub subject_key: String,
    pub year: Option<i32>,
    pub stated: Option<Stated>,
    /// As written (normalized): `324.83万元`, `增加31.83万元,增长10.7%`.
    pub said: String,
    /// A comparison's change in 元 and rate in percent points, as written
    /// (a decrease negative).
    pub change: Option<Decimal>,
    pub rate: Option<Decimal>,
    /// The model figure compared with, its amount and cells.
    pub figure: String,
    pub figure_yuan: Option<Decimal>,
    pub cells: Vec<CellRef>,
    pub outcome: Outcome,
}

/// A number as written: its value in its unit, its decimals, the unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    /// In the unit written (`324.83` for `324.83 万元`), or percent points.
    pub value: Decimal,
    /// Decimals written: the narrative's own precision.
    pub decimals: u32,
    /// `元`, `万元`, `亿元` or `%`.
    pub unit: &'static str,
    /// As written (normalized): `324.83万元`.
    pub text: String,
}

/// What a claim is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A subject and its amount.
    Amount,
    /// An amount whose subject is not in the vocabulary.
    Unknown,
    /// A subject with its unit but no number (`收入 万元`).
    Blank,
    /// Template text left in (`XXX万元`, `XX（单位）`).
    Placeholder,
    /// A subject said to be nil (`没有使用政府性基金预算安排的支出`).
    Nil,
    /// A share (`占 97.9%`).
    Share,
    /// A comparison with an earlier year (`比 2023 年增加 31.83 万元，增长 10.7%`).
    Growth,
}

/// A narrative checked beside its budget: what the outputs need.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub narrative: Narrative,
    pub facts: Vec<Fact>,
}
