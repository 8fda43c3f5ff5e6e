//! The warehouse CSV loaded into a real SQL engine: DuckDB, with automatic
//! CSV detection; the checks themselves are in `tests/duckdb_check.py`.
//!
//! The test provides its own engine: on first run it creates a Python virtual
//! environment under cargo's target folder (`target/tmp/duckdb-<version>`) and
//! installs the pinned `duckdb` wheel there from PyPI; later runs reuse it.
//! Nothing is installed into the system Python (Debian's refuses anyway), and
//! whatever `duckdb` the `python3` on PATH may or may not have is not used.
//! Set `YUSUAN_DUCKDB_PYTHON` to a Python that already has `duckdb` to use it
//! instead (an offline machine). If no engine can be had the test fails with
//! one line saying what to install — it is never skipped.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The DuckDB release the checks are written against.
const DUCKDB_VERSION: &str = "2.0.1";

#[test]
fn warehouse_csv_loads_into_duckdb_with_codes_as_text_and_sums_that_hold() {
    let python = duckdb_python();
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let inputs = [
        root.join("samples/qiaokou-2024.xlsx"),
        root.join("samples/wenlv-2024-quirks.xls"),
    ];
    for (out, layout, to) in [("flat", "flat", "csv"), ("hive", "hive", "csv,parquet")] {
        let o = Command::new(env!("CARGO_BIN_EXE_yusuan"))
            .arg("convert")
            .args(&inputs)
            .args([
                "-o",
                dir.path().join(out).to_str().unwrap(),
                "--layout",
                layout,
                "--to",
                to,
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
            "duckdb {DUCKDB_VERSION}: 25 files loaded, all checks hold"
        )),
        "{out}"
    );
    // Shown in `cargo test`'s own output (written past the test harness's
    // capture), so a reader of the log sees the engine really ran.
    let _ = writeln!(std::io::stderr(), "DuckDB check: {}", out.trim());
}

/// A Python that imports the pinned `duckdb`: `YUSUAN_DUCKDB_PYTHON` if set,
/// else the test's own virtual environment, created on first use.
fn duckdb_python() -> PathBuf {
    if let Some(p) = std::env::var_os("YUSUAN_DUCKDB_PYTHON") {
        let p = PathBuf::from(p);
        if let Err(why) = has_duckdb(&p) {
            fail(&format!("YUSUAN_DUCKDB_PYTHON={}: {why}", p.display()));
        }
        return p;
    }
    let env = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("duckdb-{DUCKDB_VERSION}"));
    let python = env.join("bin").join("python");
    if has_duckdb(&python).is_ok() {
        return python;
    }
    // Built beside and renamed into place when complete, so a run killed
    // half-way never leaves an environment that looks ready.
    let building = env.with_extension(format!("building-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&building);
    let _ = writeln!(
        std::io::stderr(),
        "DuckDB check: installing duckdb=={DUCKDB_VERSION} into {} (once)",
        env.display()
    );
    if let Err(why) = install(&building) {
        let _ = std::fs::remove_dir_all(&building);
        fail(&why);
    }
    let _ = std::fs::remove_dir_all(&env);
    if std::fs::rename(&building, &env).is_err() {
        // Another test process finished first; use its environment.
        let _ = std::fs::remove_dir_all(&building);
    }
    if let Err(why) = has_duckdb(&python) {
        fail(&format!("{}: {why}", env.display()));
    }
    python
}

/// Creates a virtual environment at `dir` holding the pinned `duckdb`.
fn install(dir: &Path) -> Result<(), String> {
    let venv = run(Command::new("python3").args(["-m", "venv"]).arg(dir))
        .map_err(|e| format!("python3 -m venv: {e}"))?;
    if !venv.status.success() {
        return Err(format!(
            "python3 -m venv failed ({}); on Debian: apt-get install python3-venv",
            last_line(&venv)
        ));
    }
    let pip = run(Command::new(dir.join("bin").join("python")).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-input",
        &format!("duckdb=={DUCKDB_VERSION}"),
    ]))
    .map_err(|e| format!("pip: {e}"))?;
    if !pip.status.success() {
        return Err(format!(
            "pip could not install duckdb=={DUCKDB_VERSION} from the package index ({})",
            last_line(&pip)
        ));
    }
    Ok(())
}

/// `Ok` when `python` imports `duckdb` at the pinned version.
fn has_duckdb(python: &Path) -> Result<(), String> {
    if !python.exists() {
        return Err("no such Python".into());
    }
    let o = run(Command::new(python).args(["-c", "import duckdb; print(duckdb.__version__)"]))
        .map_err(|e| e.to_string())?;
    let version = String::from_utf8_lossy(&o.stdout).trim().to_string();
    match (o.status.success(), version == DUCKDB_VERSION) {
        (true, true) => Ok(()),
        (true, false) => Err(format!("has duckdb {version}, not {DUCKDB_VERSION}")),
        (false, _) => Err(format!("cannot import duckdb ({})", last_line(&o))),
    }
}

fn run(cmd: &mut Command) -> std::io::Result<Output> {
    cmd.stdin(std::process::Stdio::null()).output()
}

fn last_line(o: &Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr);
    let out = String::from_utf8_lossy(&o.stdout);
    err.lines()
        .chain(out.lines())
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or("no output")
        .trim()
        .to_string()
}

/// One line saying what is missing and what to do; the test fails.
fn fail(why: &str) -> ! {
    panic!(
        "DuckDB engine not available: {why}. Needs python3 with venv and access to PyPI, \
         or YUSUAN_DUCKDB_PYTHON set to a python with `pip install duckdb=={DUCKDB_VERSION}`."
    )
}
