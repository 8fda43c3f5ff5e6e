//! Outputs: the reviewer's highlighted workbook (`report`).

pub mod report;
