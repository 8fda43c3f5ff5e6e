//! The sample workbooks: fixtures of real-looking departments and the code
//! that lays them out as the bureau's workbook, in the official layout or
//! with the quirks real submissions have. Used by `examples/make_samples.rs`,
//! by the tests and by the benchmarks' corpus generator.

mod fixture;
mod writer;

pub use fixture::{DeptForm, Fixture, GridFixture, IndicatorBlock, LinesFixture, ProjectForm, FIXTURES};
pub use writer::{write_workbook, Layout, SheetNames};
