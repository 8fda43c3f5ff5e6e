//! Outputs: the warehouse files (`csv`, `parquet`), the normalized workbook
//! in a template's layout (`layout` → `page`s → `xlsx`), and the reviewer's
//! workbooks (`markup` of the submitted `.xlsx`, `report` choosing it or a
//! redrawn one, both writing one `review_sheet` model of their 核对结果
//! and one `narrative_sheet` model of their 说明核对, `review` for a batch).

pub mod csv;
pub mod fill;
pub mod layout;
pub mod ledger;
pub mod markup;
pub mod narrative_sheet;
pub mod page;
pub mod parquet;
pub mod report;
pub mod review;
pub mod review_sheet;
pub mod xlsx;
pub mod years;
