//! yusuan (预算): read, reconcile and convert China's departmental budget
//! workbooks (部门预算公开表).
//!
//! - [`workbook`]: `.xlsx` / `.xls` → grids of cells with merges and A1 addresses;
//! - [`template`]: how each table is recognized, as data (`templates/*.toml`);
//! - [`import`]: workbook + template → the canonical [`model::Budget`];
//! - [`amount`]: cell → exact decimal; never a float past it;
//! - [`narrative`]: the 情况说明 beside the tables, checked against them.
//! - [`outcome`]: what happened to each input, as every output says it.
//! - [`export`]: the warehouse files, the normalized workbook in any
//!   template's layout, the reviewer's workbooks.
//!
//! The sample workbooks and the layout variator ([`samples`]) are built for
//! the tests, examples and benchmarks only (the `samples` feature).

pub mod amount;
pub mod error;
pub mod export;
pub mod guard;
pub mod import;
pub mod model;
pub mod narrative;
pub mod outcome;
pub mod reconcile;
#[cfg(feature = "samples")]
pub mod samples;
pub mod template;
pub mod text;
pub mod workbook;

pub use error::Error;
