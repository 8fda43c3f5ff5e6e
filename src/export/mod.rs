//! Outputs: the reviewer's highlighted workbook (`report`).

pub mod csv;
pub mod markup;
pub mod normalize;
pub mod parquet;
pub mod report;
pub mod review;
