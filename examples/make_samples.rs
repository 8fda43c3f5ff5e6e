//! Rebuilds the sample workbooks in `samples/` from `samples/data/*.toml`.
//!
//!     cargo run --example make_samples
//!
//! Each fixture is written in the official 2024 layout (`<name>.xlsx`); the
//! multi-unit department also with every real-world quirk
//! (`<name>-quirks.xlsx`) and with generic sheet names (`<name>-sheetnames.xlsx`);
//! `putuo-2026.xlsx` is another bureau's layout (`yusuan::samples::putuo`).
//! The `.xls` copies come from `samples/xlsx_to_xls.py`.

use std::path::Path;

use yusuan::samples::{bundled, write_workbook};
use yusuan::template::Templates;

fn main() -> anyhow::Result<()> {
    let templates = Templates::builtin();
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    for (file, fx, layout, template) in bundled() {
        let template = templates.get(template).expect("built-in template");
        let path = out.join(&file);
        write_workbook(&fx, template, &layout, &path)?;
        println!("wrote {}", path.display());
    }
    // Another bureau's layout (上海市普陀区 2026), laid out in code.
    let path = out.join("putuo-2026.xlsx");
    yusuan::samples::variants::write_xlsx(&yusuan::samples::putuo::workbook(), &path)?;
    println!("wrote {}", path.display());
    Ok(())
}
