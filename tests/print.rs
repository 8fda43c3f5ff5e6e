//! The normalized workbook on paper (`convert --to xlsx`): every text wrapped
//! in rows high enough for it at its columns' width, A4 one page wide, header
//! rows repeated on each page — checked by openpyxl (`tests/print_check.py`)
//! with its own count of the lines each text needs. Over every sample,
//! including a 2022 one whose missing tables are placeholders and the second
//! bureau's layout written in the 2024 one. The committed samples in the
//! official layout are written by the same writer and print the same way.

use std::io::Write;
use std::path::Path;

#[path = "common/bin.rs"]
mod bin;

#[path = "common/python.rs"]
mod python;

#[test]
fn normalized_forms_give_every_text_its_room_on_a4() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let inputs = [
        "qiaokou-2024.xlsx",
        "wenlv-2024.xlsx",
        "wenlv-2022.xls",
        "putuo-2026.xlsx",
    ];
    let mut args: Vec<std::ffi::OsString> = vec!["convert".into()];
    args.extend(inputs.iter().map(|i| root.join("samples").join(i).into()));
    args.extend(["-o".into(), dir.path().into(), "--to".into(), "xlsx".into()]);
    bin::yusuan_ok(&args);
    let outputs: Vec<std::ffi::OsString> = inputs
        .iter()
        .map(|i| {
            let stem = Path::new(i).file_stem().unwrap().to_string_lossy();
            dir.path().join(format!("{stem}.xlsx")).into_os_string()
        })
        .collect();
    let args: Vec<&std::ffi::OsStr> = outputs.iter().map(|o| o.as_os_str()).collect();
    let (ok, out, err) = python::run_check("print_check.py", &args);
    assert!(ok, "print checks failed:\n{out}{err}");
    assert!(out.contains("4 workbooks print"), "{out}");
    let _ = writeln!(
        std::io::stderr(),
        "print check: {}",
        out.lines().last().unwrap_or("")
    );
}

/// The samples a newcomer opens first print as the normalized workbooks do:
/// before, their 表11 and 表12 rows were one line high and the indicator
/// texts printed over each other.
#[test]
fn committed_samples_give_every_text_its_room_on_a4() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let files: Vec<std::ffi::OsString> = yusuan::samples::bundled()
        .into_iter()
        .map(|(file, ..)| samples.join(file).into_os_string())
        .collect();
    assert_eq!(files.len(), 5);
    let args: Vec<&std::ffi::OsStr> = files.iter().map(|o| o.as_os_str()).collect();
    let (ok, out, err) = python::run_check("print_check.py", &args);
    assert!(ok, "print checks failed:\n{out}{err}");
    assert!(out.contains("5 workbooks print"), "{out}");
}
