//! Outputs: the reviewer's highlighted workbook (`report`).

pub mod csv;
pub mod normalize;
pub mod report;
pub mod review;
