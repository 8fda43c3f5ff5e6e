//! The warehouse CSV loaded into a real SQL engine: DuckDB (its Python
//! package, installed by `.ci/run`) with automatic CSV detection; the checks
//! are in `tests/duckdb_check.py`.

use std::path::Path;
use std::process::Command;

#[test]
fn warehouse_csv_loads_into_duckdb_with_codes_as_text_and_sums_that_hold() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let inputs = [
        root.join("samples/qiaokou-2024.xlsx"),
        root.join("samples/wenlv-2024-quirks.xls"),
    ];
    for (out, layout) in [("flat", "flat"), ("hive", "hive")] {
        let o = Command::new(env!("CARGO_BIN_EXE_yusuan"))
            .arg("convert")
            .args(&inputs)
            .args([
                "-o",
                dir.path().join(out).to_str().unwrap(),
                "--layout",
                layout,
            ])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = Command::new("python3")
        .arg(root.join("tests/duckdb_check.py"))
        .arg(dir.path().join("flat"))
        .arg(dir.path().join("hive"))
        .output()
        .expect("python3 runs");
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert!(o.status.success(), "DuckDB checks failed:\n{out}{err}");
    assert!(out.contains("25 files loaded, all checks hold"), "{out}");
}
