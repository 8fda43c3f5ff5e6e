//! The warehouse CSV loaded into a real SQL engine: DuckDB, with automatic
//! CSV detection; the checks themselves are in `tests/duckdb_check.py`.
//!
//! The test provides its own engine (`tests/common/python.rs`): a Python
//! virtual environment under cargo's target folder with the pinned `duckdb`
//! wheel from PyPI, made on first run and reused; whatever `duckdb` the
//! `python3` on PATH may have is not used. If no engine can be had the test
//! fails with one line saying what to install — it is never skipped.

use std::io::Write;
use std::path::Path;
use std::process::Command;

#[path = "common/bin.rs"]
mod bin;

#[path = "common/python.rs"]
mod python;

/// The DuckDB release the checks are written against.
const DUCKDB_VERSION: &str = python::PINS[0].1;

#[test]
fn warehouse_csv_loads_into_duckdb_with_codes_as_text_and_sums_that_hold() {
    let python = python::test_python();
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let inputs = [
        root.join("samples/qiaokou-2024.xlsx"),
        root.join("samples/wenlv-2024-quirks.xls"),
    ];
    for (out, layout, to) in [("flat", "flat", "csv"), ("hive", "hive", "csv,parquet")] {
        let out = dir.path().join(out);
        let mut args: Vec<&std::ffi::OsStr> = vec!["convert".as_ref()];
        args.extend(inputs.iter().map(|i| i.as_os_str()));
        args.extend(["-o".as_ref(), out.as_os_str()]);
        args.extend(["--layout", layout, "--to", to].map(std::ffi::OsStr::new));
        bin::yusuan_ok(args);
    }
    let o = Command::new(&python)
        .arg(root.join("tests/duckdb_check.py"))
        .arg(dir.path().join("flat"))
        .arg(dir.path().join("hive"))
        .output()
        .expect("the DuckDB Python runs");
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert!(o.status.success(), "DuckDB checks failed:\n{out}{err}");
    assert!(
        out.contains(&format!(
            "duckdb {DUCKDB_VERSION}: 29 files loaded, all checks hold"
        )),
        "{out}"
    );
    // Shown in `cargo test`'s own output (written past the test harness's
    // capture), so a reader of the log sees the engine really ran.
    let _ = writeln!(std::io::stderr(), "DuckDB check: {}", out.trim());
}
