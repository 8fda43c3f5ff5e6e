//! Memory of a bulk run: peak resident memory of `yusuan convert` and
//! `yusuan check` over 100, 1,000 and 3,000 distinct workbooks (the
//! multi-unit sample laid out by as many seeds of the layout variator, so
//! no two files are alike).
//!
//!     cargo build --release && cargo run --release --example bench_bulk -- 100 1000 3000
//!
//! With `--years`, the sizes count departments, each with its 2022, 2023
//! and 2024 budgets (`yusuan::samples::years`: the sample renumbered and
//! renamed as department 0, 1, …, at most 1,000; each year in its own
//! year's built-in layout, laid out by the variator), so a run of N holds
//! 3 × N inputs and keeps a year summary of each for the cross-year rules,
//! run when every input is read:
//!
//!     cargo build --release && cargo run --release --example bench_bulk -- --years 100 1000
//!
//! Each run is the release binary as a user runs it, on every core, for the
//! flat layout (`--to csv`), the resumable part layout (`--layout hive`)
//! and `check`; the binary reports its own peak (VmHWM) when
//! `YUSUAN_REPORT_PEAK_RSS` is set. A `--years` batch's `check` must find
//! nothing across the years and no duplicate input, or the bench stops: it
//! measures distinct, consistent departments. Not a test: figures go in
//! docs/performance.md.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;
use yusuan::import::{import_workbook, ImportOptions};
use yusuan::model::Budget;
use yusuan::samples::variants::{vary, write_xlsx};
use yusuan::samples::years::{self, YEARS};
use yusuan::template::Templates;
use yusuan::workbook::Workbook;

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let by_years = args.first().is_some_and(|a| a == "--years");
    if by_years {
        args.remove(0);
    }
    let sizes: Vec<usize> = args.iter().map(|a| a.parse()).collect::<Result<_, _>>()?;
    let sizes = match (sizes.is_empty(), by_years) {
        (false, _) => sizes,
        (true, false) => vec![100, 1000, 3000],
        (true, true) => vec![100, 1000],
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = root.join("target/release/yusuan");
    anyhow::ensure!(
        bin.exists(),
        "build the release binary first: cargo build --release"
    );
    let templates = Templates::builtin();
    let wb = Workbook::open(root.join("samples/wenlv-2024.xlsx"))?;
    let base = import_workbook(&wb, &templates, &ImportOptions::default())?;
    let dir = tempfile::tempdir()?;
    let inputs = dir.path().join("in");
    std::fs::create_dir_all(&inputs)?;
    let max = sizes.iter().copied().max().unwrap_or(0);
    let made = Instant::now();
    // Each size's inputs: the first n workbooks, or the first n departments'
    // three years.
    let names: Vec<Vec<String>> = if by_years {
        anyhow::ensure!(
            max <= years::MAX_DEPARTMENTS,
            "at most {} departments (a department code has three digits)",
            years::MAX_DEPARTMENTS
        );
        (0..max)
            .into_par_iter()
            .map(|i| department_years(&base, &templates, i, &inputs))
            .collect::<anyhow::Result<_>>()?
    } else {
        (0..max as u64)
            .into_par_iter()
            .map(|seed| {
                let name = format!("{seed:05}.xlsx");
                write_xlsx(&vary(&wb, &base, seed).workbook, &inputs.join(&name))?;
                Ok(vec![name])
            })
            .collect::<anyhow::Result<_>>()?
    };
    let written: usize = names.iter().map(Vec::len).sum();
    let what = if by_years {
        format!("workbooks ({max} departments × 2022–2024)")
    } else {
        "distinct workbooks".to_string()
    };
    println!(
        "{written} {what} written in {:.1} s; {} threads",
        made.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:>7}  {:<22} {:>10} {:>9} {:>12}",
        "inputs", "run", "peak RSS", "seconds", "files/s"
    );
    for &n in &sizes {
        let set = dir.path().join(format!("set-{n}"));
        std::fs::create_dir_all(&set)?;
        for name in names[..n].iter().flatten() {
            std::fs::hard_link(inputs.join(name), set.join(name))
                .or_else(|_| std::fs::copy(inputs.join(name), set.join(name)).map(|_| ()))?;
        }
        let files = names[..n].iter().map(Vec::len).sum::<usize>();
        for (label, args) in [
            ("convert --to csv", vec!["--to", "csv"]),
            ("convert --layout hive", vec!["--layout", "hive"]),
            ("check", vec![]),
        ] {
            let out = dir
                .path()
                .join(format!("out-{n}-{}", label.replace(' ', "_")));
            let mut cmd = Command::new(&bin);
            if label == "check" {
                cmd.arg("check").arg(&set).args(["--format", "json"]);
            } else {
                cmd.arg("convert").arg(&set).arg("-o").arg(&out).args(&args);
            }
            let t = Instant::now();
            let o = cmd.env("YUSUAN_REPORT_PEAK_RSS", "1").output()?;
            let secs = t.elapsed().as_secs_f64();
            let err = String::from_utf8_lossy(&o.stderr);
            let peak = err
                .lines()
                .find_map(|l| l.strip_prefix("peak_rss "))
                .unwrap_or("?")
                .to_string();
            println!(
                "{files:>7}  {label:<22} {peak:>10} {secs:>9.2} {:>12.0}",
                files as f64 / secs
            );
            if by_years && label == "check" {
                consistent(&o.stdout, n)?;
            }
            let _ = std::fs::remove_dir_all(&out);
        }
    }
    Ok(())
}

/// Department `i`'s three years written to `dir` as `{code}-{year}.xlsx`,
/// each laid out by its own seed of the variator; their file names.
fn department_years(
    base: &Budget,
    templates: &Templates,
    i: usize,
    dir: &Path,
) -> anyhow::Result<Vec<String>> {
    let (code, name) = years::nth_department(i);
    let mut b = base.clone();
    years::renamed(&mut b, &code, &name);
    let mut names = Vec::new();
    for (k, (budget, (year, template))) in years::three_years(&b).iter().zip(YEARS).enumerate() {
        let laid = years::laid_out(budget, templates, template, (i * YEARS.len() + k) as u64)?;
        let file = format!("{code}-{year}.xlsx");
        write_xlsx(&laid, &dir.join(&file))?;
        names.push(file);
    }
    Ok(names)
}

/// A `--years` batch's `check --format json`: nothing across the years,
/// no duplicate input, each of the `departments` a code of its own in each
/// year.
fn consistent(json: &[u8], departments: usize) -> anyhow::Result<()> {
    let report: serde_json::Value = serde_json::from_slice(json)?;
    let list = |k: &str| report[k].as_array().cloned().unwrap_or_default();
    let (files, batch, years) = (list("files"), list("batch"), list("years"));
    anyhow::ensure!(
        years.is_empty(),
        "{departments} departments' years: `check` found across the years: {years:?}"
    );
    anyhow::ensure!(
        !batch.iter().any(|f| f["rule"] == "S.duplicate_input"),
        "{departments} departments' years: `check` found a duplicate input: {batch:?}"
    );
    let budgets: std::collections::BTreeSet<(&str, i64)> = files
        .iter()
        .filter_map(|f| Some((f["dept_code"].as_str()?, f["year"].as_i64()?)))
        .collect();
    anyhow::ensure!(
        files.len() == departments * YEARS.len() && budgets.len() == files.len(),
        "{departments} departments' years: {} inputs checked, {} department-years",
        files.len(),
        budgets.len()
    );
    Ok(())
}
