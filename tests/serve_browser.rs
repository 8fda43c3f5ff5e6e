//! The desk's page in a real browser: Debian's Chromium, driven by
//! Playwright (`tests/serve_browser.py`), does what a reviewer does — drops
//! the samples and a damaged file, reads each one's findings, clicks a
//! finding and sees its cells, downloads the reviewer's workbook — and is
//! held to what the command line says of the same files.
//!
//! Chromium is Debian's (`apt-get install chromium`; `.ci/run` installs it,
//! `YUSUAN_TEST_CHROMIUM` points elsewhere); Playwright comes from PyPI
//! into a virtual environment under `target/` on first use. Without either
//! the test fails saying what to install: it is never skipped.
//! `YUSUAN_WRITE_DOCS=1` keeps its screenshot as `docs/serve.png`.

#![cfg(unix)]

#[path = "common/python.rs"]
mod python;
#[path = "common/serve.rs"]
mod serve;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's Chromium, or the one `YUSUAN_TEST_CHROMIUM` names.
fn chromium() -> PathBuf {
    let path = std::env::var_os("YUSUAN_TEST_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.is_file(),
        "Chromium not found at {}: on Debian `apt-get install chromium` (.ci/run does it), \
         or set YUSUAN_TEST_CHROMIUM to a Chromium or Chrome",
        path.display()
    );
    path
}

#[test]
fn a_reviewer_drops_workbooks_and_sees_each_ones_findings_and_cells() {
    let chromium = chromium();
    let python = python::browser_python();
    let names = [
        "qiaokou-2024.xlsx",
        "qiaokou-2024.xls",
        "wenlv-2024.xlsx",
        "putuo-2026.xlsx",
        "wenlv-2022.xls",
        "损坏.xlsx",
    ];
    let dir = tempfile::tempdir().unwrap();
    for n in names {
        let to = dir.path().join(n);
        if n == "损坏.xlsx" {
            // A package cut short, as a broken download is.
            let whole = std::fs::read(serve::samples().join("qiaokou-2024.xlsx")).unwrap();
            std::fs::write(to, &whole[..3000]).unwrap();
        } else {
            std::fs::copy(serve::samples().join(n), to).unwrap();
        }
    }
    // What the command line says of the same files, by the same names.
    let yusuan = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_yusuan"))
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let mut args = vec!["check", "--format", "json"];
    args.extend(names);
    let json = yusuan(&args);
    assert_eq!(json.status.code(), Some(2));
    let expected = dir.path().join("expected.json");
    std::fs::write(&expected, &json.stdout).unwrap();
    let report = dir.path().join("cli-report.xlsx");
    let r = yusuan(&[
        "check",
        "qiaokou-2024.xlsx",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(1));

    let screenshot = if std::env::var_os("YUSUAN_WRITE_DOCS").is_some() {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/serve.png")
    } else {
        dir.path().join("serve.png")
    };
    let desk = serve::Desk::start(&[]);
    let files: Vec<PathBuf> = names.iter().map(|n| dir.path().join(n)).collect();
    let o = Command::new(&python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve_browser.py"))
        .arg("--url")
        .arg(&desk.url)
        .arg("--chromium")
        .arg(&chromium)
        .arg("--files")
        .args(&files)
        .arg("--expected")
        .arg(&expected)
        .arg("--report")
        .arg(&report)
        .args(["--report-of", "qiaokou-2024.xlsx", "--damaged", "损坏.xlsx"])
        .arg("--screenshot")
        .arg(&screenshot)
        .output()
        .unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert!(
        o.status.success(),
        "the page failed:\n{out}\n{err}\ndesk: {}",
        desk.stderr()
    );
    assert!(out.trim_end().ends_with("ok"), "{out}");
    assert!(screenshot.is_file());
    let (status, stderr) = desk.stop();
    assert_eq!(status, Some(0), "{stderr}");
}
