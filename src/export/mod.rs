//! Outputs: the warehouse files (`csv`, `parquet`), the normalized workbook
//! in the bureau's official layout (`normalize` → `printed` → `official`),
//! and the reviewer's workbooks (`markup` of the submitted `.xlsx`, `report`
//! choosing it or a redrawn one, `review` for a batch).

pub mod csv;
pub mod ledger;
pub mod markup;
pub mod normalize;
pub mod official;
pub mod page;
pub mod parquet;
pub mod printed;
pub mod report;
pub mod review;
pub mod xlsx;
