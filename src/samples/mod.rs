//! The sample workbooks: fixtures of real-looking departments and the code
//! that lays them out as the bureau's workbook, in the official layout or
//! with the quirks real submissions have. Used by `examples/make_samples.rs`,
//! by the tests and by the benchmarks' corpus generator.

mod fixture;
mod writer;

pub use fixture::{
    DeptForm, Fixture, GridFixture, IndicatorBlock, LinesFixture, ProjectForm, FIXTURES,
};
pub use writer::{render_workbook, write_workbook, Layout, SheetNames};

/// The bundled sample workbooks: (file name in `samples/`, fixture, layout).
/// The multi-unit department is also written with every quirk and with
/// generic sheet names.
pub fn bundled() -> Vec<(String, Fixture, Layout)> {
    let mut out = Vec::new();
    for (name, text) in FIXTURES {
        let fx = Fixture::parse(text).expect("bundled fixture parses");
        out.push((format!("{name}.xlsx"), fx.clone(), Layout::official()));
        if *name == "wenlv-2024" {
            out.push((format!("{name}-quirks.xlsx"), fx.clone(), Layout::quirks()));
            out.push((
                format!("{name}-sheetnames.xlsx"),
                fx,
                Layout::generic_names(),
            ));
        }
    }
    out
}
