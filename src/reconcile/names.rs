//! How a message names what it is about: a table as the budget being
//! checked numbers it (`表8` where a bureau prints its 一般公共预算基本支出
//! table 8th), a row by its code and name, a column by its printed header.

use std::collections::BTreeMap;

use crate::model::{Budget, CodedRow, TableId, TableMeta};

thread_local! {
    /// The numbers the budget being checked prints its tables with (a
    /// bureau may number its 一般公共预算基本支出 table 8): set by [`check`]
    /// for its own thread, so that every message names a table as the
    /// reviewer's workbook does.
    static NUMBERS: std::cell::RefCell<BTreeMap<TableId, String>> = Default::default();
}

/// The numbers of `b`'s tables, in force until the guard is dropped.
pub(super) struct Numbering;

impl Numbering {
    pub(super) fn of(b: &Budget) -> Numbering {
        let numbers = b
            .tables
            .metas()
            .iter()
            .filter(|m| !m.number.is_empty())
            .map(|m| (m.id, m.number.clone()))
            .collect();
        NUMBERS.with(|n| *n.borrow_mut() = numbers);
        Numbering
    }
}

impl Drop for Numbering {
    fn drop(&mut self) {
        NUMBERS.with(|n| n.borrow_mut().clear());
    }
}

/// `表5-1` for `t5_1`: the table as the budget being checked numbers it
/// (its template's number), else as the canonical set does.
pub fn table_name(id: TableId) -> String {
    let number = NUMBERS
        .with(|n| n.borrow().get(&id).cloned())
        .unwrap_or_else(|| id.canonical_number().to_string());
    format!("表{number}")
}

/// One of our message texts (`表1 收入 = 表2 合计行`) with each table named
/// as the budget being checked numbers it. Only for texts written here:
/// a label or a name from the workbook may say `表6` of anything.
pub(crate) fn named(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('表') {
        out.push_str(&rest[..i]);
        let after = &rest[i + '表'.len_utf8()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            out.push('表');
            rest = after;
            continue;
        }
        let mut number = after[..digits].to_string();
        let mut used = digits;
        // `5-1`, `5-2`.
        if let Some(sub) = after[digits..].strip_prefix('-') {
            let d = sub.bytes().take_while(u8::is_ascii_digit).count();
            if d > 0 {
                number = format!("{number}-{}", &sub[..d]);
                used += 1 + d;
            }
        }
        match TableId::parse(&format!("t{}", number.replace('-', "_"))) {
            Some(id) => out.push_str(&table_name(id)),
            None => out.push_str(&format!("表{number}")),
        }
        rest = &after[used..];
    }
    out.push_str(rest);
    out
}

/// `201 一般公共服务支出` or `合计`.
pub fn row_label(r: &CodedRow) -> String {
    match &r.code {
        Some(c) => format!("{c} {}", r.name),
        None => "合计".to_string(),
    }
}

/// The printed header of a column (its lowest level); for a column the
/// table does not have, the canonical template's word for it — never the
/// key, which no reviewer reads.
pub fn header(meta: &TableMeta, key: &str) -> String {
    meta.columns
        .iter()
        .chain(&meta.extra_columns)
        .find(|c| c.key == key)
        .map(|c| c.header.rsplit('/').next().unwrap_or(&c.header).to_string())
        .or_else(|| crate::template::Template::canonical_words(meta.id, key))
        .unwrap_or_else(|| key.to_string())
}
