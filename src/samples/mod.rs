//! The sample workbooks: fixtures of real-looking departments, made into
//! the model ([`model`]) and written by the outputs' official-layout writer
//! ([`crate::export::official`]), in the official layout or with the quirks
//! real submissions have. Used by `examples/make_samples.rs`,
//! by the tests and by the benchmarks' corpus generator.

mod grid;
pub mod model;
pub mod putuo;
pub mod variants;

// The writer and the printed tables live with the outputs; a sample is made
// a budget and written by the same writer as a normalized workbook.
pub use crate::export::official::{Layout, SheetNames};
pub use crate::export::printed::{
    DeptForm, Fixture, GridFixture, IndicatorBlock, LinesFixture, ProjectForm,
};

/// The fixtures shipped with the crate.
pub const FIXTURES: &[(&str, &str)] = &[
    (
        "qiaokou-2024",
        include_str!("../../samples/data/qiaokou-2024.toml"),
    ),
    (
        "wenlv-2024",
        include_str!("../../samples/data/wenlv-2024.toml"),
    ),
];

/// A sample's tables laid out as a workbook: fixture → model → the
/// official-layout writer.
///
/// # Errors
/// [`crate::export::xlsx::XlsxError`] from the writer (an invalid sheet name).
pub fn render_workbook(
    fx: &Fixture,
    template: &crate::template::Template,
    layout: &Layout,
) -> Result<Vec<u8>, crate::export::xlsx::XlsxError> {
    crate::export::official::render_workbook(&model::to_budget(fx, template), template, layout)
}

/// As [`render_workbook`], written to `path`.
///
/// # Errors
/// [`crate::export::xlsx::XlsxError`] from the writer (an unwritable path, an
/// invalid sheet name).
pub fn write_workbook(
    fx: &Fixture,
    template: &crate::template::Template,
    layout: &Layout,
    path: &std::path::Path,
) -> Result<(), crate::export::xlsx::XlsxError> {
    let bytes = render_workbook(fx, template, layout)?;
    std::fs::write(path, bytes).map_err(crate::export::xlsx::XlsxError::Io)
}

/// A bundled sample: its file name in `samples/`, figures, layout, template ID.
pub type Bundled = (String, Fixture, Layout, &'static str);

/// The bundled sample workbooks. The multi-unit department is also written
/// with every quirk, with generic sheet names, and — its figures as a 2022
/// budget — in the 2022 template's ten-table layout.
pub fn bundled() -> Vec<Bundled> {
    let mut out = Vec::new();
    for (name, text) in FIXTURES {
        let fx = Fixture::parse(text).expect("bundled fixture parses");
        out.push((
            format!("{name}.xlsx"),
            fx.clone(),
            Layout::official(),
            "2024",
        ));
        if *name == "wenlv-2024" {
            out.push((
                format!("{name}-quirks.xlsx"),
                fx.clone(),
                Layout::quirks(),
                "2024",
            ));
            out.push((
                format!("{name}-sheetnames.xlsx"),
                fx.clone(),
                Layout::generic_names(),
                "2024",
            ));
            let older = Layout {
                year_in_titles: true,
                ..Layout::official()
            };
            out.push(("wenlv-2022.xlsx".to_string(), as_2022(fx), older, "2022"));
        }
    }
    out
}

/// The multi-unit department's figures as a 2022 budget.
pub fn as_2022(mut fx: Fixture) -> Fixture {
    fx.year = 2022;
    fx.file = "wenlv-2022.xlsx".into();
    for n in fx
        .t9
        .notes
        .iter_mut()
        .chain(fx.t8.notes.iter_mut())
        .chain(fx.t7.notes.iter_mut())
    {
        *n = n.replace("2024", "2022");
    }
    fx
}
