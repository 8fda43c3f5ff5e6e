//! The markup written for one sheet of each built-in template's layout,
//! compared with the committed golden file (`tests/golden/`), as
//! rust_xlsxwriter's own tests compare theirs: a change to the writer or a
//! template that changes what is written shows here, cell by cell. After
//! an intended change: `YUSUAN_WRITE_GOLDEN=1 cargo test --test golden`,
//! and read the diff before committing it.

use std::io::Read;
use std::path::Path;

use yusuan::export::layout::write_as;
use yusuan::import::{import_file, ImportOptions};
use yusuan::template::Templates;

/// The XML of sheet `name` in a written package.
fn sheet(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut workbook = String::new();
    z.by_name("xl/workbook.xml")
        .unwrap()
        .read_to_string(&mut workbook)
        .unwrap();
    let position = workbook
        .split("<sheet ")
        .skip(1)
        .position(|s| s.starts_with(&format!("name=\"{name}\"")))
        .unwrap_or_else(|| panic!("no sheet {name}"));
    let mut xml = String::new();
    z.by_name(&format!("xl/worksheets/sheet{}.xml", position + 1))
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    // One cell, row or merge a line, so that a difference reads as one.
    xml.replace("<row ", "\n<row ")
        .replace("<c ", "\n  <c ")
        .replace("<mergeCell ", "\n<mergeCell ")
        .replace("<col ", "\n<col ")
}

#[test]
fn one_sheet_of_each_template_is_written_as_its_golden_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let templates = Templates::builtin();
    let mut stale = Vec::new();
    for (sample, template, name) in [
        ("wenlv-2024.xlsx", "2024", "表11"),
        ("wenlv-2024.xlsx", "2023", "表5"),
        ("wenlv-2022.xlsx", "2022", "表1"),
        ("putuo-2026.xlsx", "shanghai-putuo-2026", "部门支出总表"),
    ] {
        let b = import_file(
            root.join("samples").join(sample),
            &templates,
            &ImportOptions::default(),
        )
        .unwrap();
        let written = write_as(&b, templates.get(template).unwrap()).unwrap();
        let xml = sheet(&written.bytes, name);
        let golden = root
            .join("tests/golden")
            .join(format!("{template}-{name}.xml"));
        if std::env::var_os("YUSUAN_WRITE_GOLDEN").is_some() {
            std::fs::write(&golden, &xml).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        if want != xml {
            let first = want
                .lines()
                .zip(xml.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(want.lines().count().min(xml.lines().count()));
            stale.push(format!(
                "{}: line {}: golden {:?}, written {:?}",
                golden.display(),
                first + 1,
                want.lines().nth(first),
                xml.lines().nth(first)
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "written markup differs from the golden files (YUSUAN_WRITE_GOLDEN=1 to accept):\n{}",
        stale.join("\n")
    );
}
