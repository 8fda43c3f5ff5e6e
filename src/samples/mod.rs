//! The sample workbooks: fixtures of real-looking departments ([`printed`],
//! the figures of `samples/data/*.toml`), made into the model ([`model`]),
//! laid out by the writer of normalized workbooks and then, for some, done
//! over with the quirks real submissions have ([`layout`]); departments'
//! several years ([`years`]). Used by `examples/make_samples.rs`, by the
//! tests and by the benchmarks' corpus generator; built only for them (the
//! `samples` feature).

mod grid;
pub mod layout;
pub mod model;
pub mod narrative;
pub mod printed;
pub mod putuo;
pub mod putuo_budgets;
pub mod variants;
pub mod years;

pub use layout::{Layout, SheetNames};
pub use printed::{
    DeptForm, GridFixture, IndicatorBlock, LinesFixture, PrintedBudget, ProjectForm,
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

/// A sample's tables laid out as a workbook: fixture → model → the layout
/// writer → the sample's quirks.
///
/// # Errors
/// [`crate::export::xlsx::XlsxError`] from the writer (an invalid sheet name).
pub fn render_workbook(
    fx: &PrintedBudget,
    template: &crate::template::Template,
    layout: &Layout,
) -> Result<Vec<u8>, crate::export::xlsx::XlsxError> {
    layout::render(fx, template, layout)
}

/// As [`render_workbook`], written to `path`.
///
/// # Errors
/// [`crate::export::xlsx::XlsxError`] from the writer (an unwritable path, an
/// invalid sheet name).
pub fn write_workbook(
    fx: &PrintedBudget,
    template: &crate::template::Template,
    layout: &Layout,
    path: &std::path::Path,
) -> Result<(), crate::export::xlsx::XlsxError> {
    let bytes = render_workbook(fx, template, layout)?;
    std::fs::write(path, bytes).map_err(crate::export::xlsx::XlsxError::Io)
}

/// A bundled sample: its file name in `samples/`, figures, layout, template ID.
pub type Bundled = (String, PrintedBudget, Layout, &'static str);

/// The bundled sample workbooks. The multi-unit department is also written
/// with every quirk, with generic sheet names, and — its figures as a 2022
/// budget — in the 2022 template's ten-table layout.
pub fn bundled() -> Vec<Bundled> {
    let mut out = Vec::new();
    for (name, text) in FIXTURES {
        let fx = PrintedBudget::parse(text).expect("bundled fixture parses");
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
pub fn as_2022(mut fx: PrintedBudget) -> PrintedBudget {
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
