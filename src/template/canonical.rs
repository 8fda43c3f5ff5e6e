//! What the canonical model closes: its thirteen tables, and the two
//! sides of a side-by-side table.
//!
//! A template names its tables by the 2024 numbering (`t1` … `t12`); the
//! words are parsed once, when the template is read, and every layer above
//! holds a [`TableId`]: a typo is a template error, not a rule that never
//! fires. Outputs write the same words ([`TableId::as_str`]).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The side of a side-by-side table (表1, 表4): income on the left,
/// expenditure on the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Income,
    Expense,
}

/// A table of the canonical model, in the order the 2024 template prints
/// them (the order of reports and outputs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableId {
    /// 收支总表.
    T1,
    /// 收入总表.
    T2,
    /// 支出总表.
    T3,
    /// 财政拨款收支总表.
    T4,
    /// 一般公共预算支出表（功能分类）.
    T5_1,
    /// 一般公共预算支出表（部门）.
    T5_2,
    /// 一般公共预算基本支出表（经济分类）.
    T6,
    /// 一般公共预算“三公”经费支出表.
    T7,
    /// 政府性基金预算支出表.
    T8,
    /// 国有资本经营预算支出表.
    T9,
    /// 项目支出表.
    T10,
    /// 部门整体支出绩效目标表.
    T11,
    /// 项目支出绩效目标表, one per project.
    T12,
}

impl TableId {
    /// Every table, in print order.
    pub const ALL: [TableId; 13] = [
        TableId::T1,
        TableId::T2,
        TableId::T3,
        TableId::T4,
        TableId::T5_1,
        TableId::T5_2,
        TableId::T6,
        TableId::T7,
        TableId::T8,
        TableId::T9,
        TableId::T10,
        TableId::T11,
        TableId::T12,
    ];

    /// The tables of coded rows (类/款/项, units, projects), in print order.
    pub const CODED: [TableId; 8] = [
        TableId::T2,
        TableId::T3,
        TableId::T5_1,
        TableId::T5_2,
        TableId::T6,
        TableId::T8,
        TableId::T9,
        TableId::T10,
    ];

    /// The side-by-side tables: income lines left, expenditure right.
    pub const LINES: [TableId; 2] = [TableId::T1, TableId::T4];

    /// The word templates and outputs use (`t5_1`).
    pub const fn as_str(self) -> &'static str {
        match self {
            TableId::T1 => "t1",
            TableId::T2 => "t2",
            TableId::T3 => "t3",
            TableId::T4 => "t4",
            TableId::T5_1 => "t5_1",
            TableId::T5_2 => "t5_2",
            TableId::T6 => "t6",
            TableId::T7 => "t7",
            TableId::T8 => "t8",
            TableId::T9 => "t9",
            TableId::T10 => "t10",
            TableId::T11 => "t11",
            TableId::T12 => "t12",
        }
    }

    /// The table a word names; `None` for a word that names none.
    pub fn parse(word: &str) -> Option<TableId> {
        TableId::ALL.into_iter().find(|t| t.as_str() == word)
    }

    /// The number the 2024 template prints (`5-1`), for a table a
    /// template does not number itself.
    pub fn canonical_number(self) -> &'static str {
        match self {
            TableId::T1 => "1",
            TableId::T2 => "2",
            TableId::T3 => "3",
            TableId::T4 => "4",
            TableId::T5_1 => "5-1",
            TableId::T5_2 => "5-2",
            TableId::T6 => "6",
            TableId::T7 => "7",
            TableId::T8 => "8",
            TableId::T9 => "9",
            TableId::T10 => "10",
            TableId::T11 => "11",
            TableId::T12 => "12",
        }
    }
}

impl fmt::Display for TableId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for TableId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TableId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TableId, D::Error> {
        let word = String::deserialize(d)?;
        TableId::parse(&word).ok_or_else(|| serde::de::Error::custom(unknown(&word)))
    }
}

/// Why a word is not a table: what the words are, and where a figure of no
/// canonical table goes instead.
pub fn unknown(word: &str) -> String {
    let all: Vec<&str> = TableId::ALL.iter().map(|t| t.as_str()).collect();
    format!(
        "表 id “{word}” 不是规范模型中的表（{}）：规范模型之外的数字请作为某张表的列（其 key 不在规范列中即为附加列，会读入、导出并报告）",
        all.join("、")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_reads_back_from_its_word() {
        for t in TableId::ALL {
            assert_eq!(TableId::parse(t.as_str()), Some(t));
            assert_eq!(t.to_string(), t.as_str());
        }
        assert_eq!(TableId::parse("t13"), None);
        assert_eq!(TableId::parse("T1"), None);
        assert_eq!(TableId::parse(""), None);
    }

    #[test]
    fn order_is_print_order_not_the_words_order() {
        // As words, `t10` sorts before `t2`; as tables, after.
        assert!(TableId::T2 < TableId::T10);
        assert!(TableId::T5_2 < TableId::T6);
        let mut sorted = TableId::ALL;
        sorted.sort();
        assert_eq!(sorted, TableId::ALL);
    }

    #[test]
    fn a_word_that_names_no_table_is_refused_with_the_words_there_are() {
        let e = toml::from_str::<std::collections::BTreeMap<String, TableId>>("id = \"t13\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("“t13” 不是规范模型中的表"), "{e}");
        assert!(e.contains("t5_1"), "{e}");
    }
}
