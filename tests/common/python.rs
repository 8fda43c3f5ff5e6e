//! The test Pythons: virtual environments under cargo's target folder
//! (`target/tmp/py-<pins>`) holding the pinned packages the tests check our
//! outputs with — DuckDB (the warehouse files) and openpyxl (the reviewer's
//! workbooks, styles and all) in one, Playwright (the desk's page, in
//! Debian's Chromium) in another. Made on first use from PyPI, reused
//! later; nothing goes into the system Python. `YUSUAN_TEST_PYTHON` (and
//! `YUSUAN_TEST_BROWSER_PYTHON`) point at a Python that already has them
//! (an offline machine). Without one the test fails with one line saying
//! what to install: it is never skipped.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The packages and releases the checks are written against.
pub const PINS: [(&str, &str); 2] = [("duckdb", "2.0.1"), ("openpyxl", "3.1.5")];

/// What the browser tests drive Chromium with.
pub const BROWSER_PINS: [(&str, &str); 1] = [("playwright", "1.65.2")];

/// `duckdb==2.0.1 openpyxl==3.1.5`.
fn pins(set: &[(&str, &str)]) -> Vec<String> {
    set.iter().map(|(p, v)| format!("{p}=={v}")).collect()
}

/// A Python that imports the pinned packages.
pub fn test_python() -> PathBuf {
    python_with(&PINS, "YUSUAN_TEST_PYTHON")
}

/// A Python that imports Playwright.
pub fn browser_python() -> PathBuf {
    python_with(&BROWSER_PINS, "YUSUAN_TEST_BROWSER_PYTHON")
}

/// A Python that imports the packages of `set`: the one `variable` names,
/// or a virtual environment of its own.
fn python_with(set: &[(&str, &str)], variable: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(variable) {
        let p = PathBuf::from(p);
        if let Err(why) = has_pins(&p, set) {
            fail(&format!("{variable}={}: {why}", p.display()), set, variable);
        }
        return p;
    }
    let name: Vec<String> = set.iter().map(|(p, v)| format!("{p}-{v}")).collect();
    let env = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("py-{}", name.join("-")));
    let python = env.join("bin").join("python");
    if has_pins(&python, set).is_ok() {
        return python;
    }
    // Built beside and renamed into place when complete, so a run killed
    // half-way never leaves an environment that looks ready.
    let building = env.with_extension(format!("building-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&building);
    let _ = writeln!(
        std::io::stderr(),
        "test Python: installing {} into {} (once)",
        pins(set).join(" "),
        env.display()
    );
    if let Err(why) = install(&building, set) {
        let _ = std::fs::remove_dir_all(&building);
        fail(&why, set, variable);
    }
    let _ = std::fs::remove_dir_all(&env);
    if std::fs::rename(&building, &env).is_err() {
        // Another test process finished first; use its environment.
        let _ = std::fs::remove_dir_all(&building);
    }
    if let Err(why) = has_pins(&python, set) {
        fail(&format!("{}: {why}", env.display()), set, variable);
    }
    python
}

/// Creates a virtual environment at `dir` holding the pinned packages.
fn install(dir: &Path, set: &[(&str, &str)]) -> Result<(), String> {
    let venv = run(Command::new("python3").args(["-m", "venv"]).arg(dir))
        .map_err(|e| format!("python3 -m venv: {e}"))?;
    if !venv.status.success() {
        return Err(format!(
            "python3 -m venv failed ({}); on Debian: apt-get install python3-venv",
            last_line(&venv)
        ));
    }
    let pip = run(Command::new(dir.join("bin").join("python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
        ])
        .args(pins(set)))
    .map_err(|e| format!("pip: {e}"))?;
    if !pip.status.success() {
        return Err(format!(
            "pip could not install {} from the package index ({})",
            pins(set).join(" "),
            last_line(&pip)
        ));
    }
    Ok(())
}

/// `Ok` when `python` imports every pinned package at its version.
fn has_pins(python: &Path, set: &[(&str, &str)]) -> Result<(), String> {
    if !python.exists() {
        return Err("no such Python".into());
    }
    // The version as installed (Playwright has no `__version__`).
    let mut script = vec!["import importlib.metadata".to_string()];
    script.extend(
        set.iter()
            .map(|(p, _)| format!("import {p}; print(importlib.metadata.version('{p}'))")),
    );
    let o =
        run(Command::new(python).args(["-c", &script.join("; ")])).map_err(|e| e.to_string())?;
    if !o.status.success() {
        return Err(format!(
            "cannot import the test packages ({})",
            last_line(&o)
        ));
    }
    let got = String::from_utf8_lossy(&o.stdout);
    for ((p, want), have) in set.iter().zip(got.lines()) {
        if have.trim() != *want {
            return Err(format!("has {p} {}, not {want}", have.trim()));
        }
    }
    Ok(())
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
fn fail(why: &str, set: &[(&str, &str)], variable: &str) -> ! {
    panic!(
        "test Python not available: {why}. Needs python3 with venv and access to PyPI, \
         or {variable} set to a python with `pip install {}`.",
        pins(set).join(" ")
    )
}

/// Runs a check script of `tests/` with the test Python; its output.
pub fn run_check(script: &str, args: &[&std::ffi::OsStr]) -> (bool, String, String) {
    let python = test_python();
    let o = Command::new(&python)
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests")
                .join(script),
        )
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the test Python runs");
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}
