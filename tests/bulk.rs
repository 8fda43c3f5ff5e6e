//! Bulk migration: the resumable part layout survives a killed run, reruns
//! skip what is done, a changed input replaces its own parts, hostile files
//! fail alone, symlink loops are not followed, no CSV text runs as a
//! formula, the same department twice is flagged, a folder in use is
//! refused. Black-box, on the real binary.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use yusuan::import::{import_workbook, ImportOptions};
use yusuan::samples::variants::{vary, write_xlsx};
use yusuan::template::Templates;
use yusuan::workbook::{CellValue, Workbook};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_yusuan"))
}

/// `yusuan convert INPUT -o OUT EXTRA...`, run to its end.
fn convert(input: &Path, out: &Path, extra: &[&str]) -> Output {
    bin()
        .arg("convert")
        .arg(input)
        .arg("-o")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `n` distinct workbooks (the multi-unit sample laid out by `n` seeds).
fn corpus(dir: &Path, n: u64) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let wb = Workbook::open(sample("wenlv-2024.xlsx")).unwrap();
    let base = import_workbook(&wb, &Templates::builtin(), &ImportOptions::default()).unwrap();
    (0..n)
        .map(|seed| {
            let p = dir.join(format!("dept-{seed:03}.xlsx"));
            write_xlsx(&vary(&wb, &base, seed).workbook, &p).unwrap();
            p
        })
        .collect()
}

/// Copies an `.xlsx` package part by part (stored, uncompressed), letting
/// `edit` change a part or add parts after it: (new name or the same, bytes).
fn rewrite_package(
    from: &Path,
    to: &Path,
    edit: impl Fn(&str, Vec<u8>) -> Vec<(Option<String>, Vec<u8>)>,
) {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        for (new_name, bytes) in edit(&name, bytes) {
            zout.start_file(new_name.unwrap_or_else(|| name.clone()), stored)
                .unwrap();
            zout.write_all(&bytes).unwrap();
        }
    }
    zout.finish().unwrap();
}

/// `manifest.csv` as maps by column name.
fn manifest(out: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(out.join("manifest.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .map(String::from)
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// Every part of a table: (file, source_hash of each row).
fn parts(out: &Path, table: &str) -> Vec<(PathBuf, Vec<String>)> {
    let mut files = Vec::new();
    let Ok(years) = std::fs::read_dir(out.join(table)) else {
        return files;
    };
    for y in years.filter_map(Result::ok) {
        for f in std::fs::read_dir(y.path()).unwrap().filter_map(Result::ok) {
            let p = f.path();
            if p.extension().is_some_and(|e| e == "csv") {
                let mut r = csv::Reader::from_path(&p).unwrap();
                let col = r
                    .headers()
                    .unwrap()
                    .iter()
                    .position(|h| h == "source_hash")
                    .unwrap();
                let hashes = r.records().map(|x| x.unwrap()[col].to_string()).collect();
                files.push((p, hashes));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_killed_run_resumes_and_every_input_lands_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    let n = 48;
    corpus(&inputs, n);
    let out = dir.path().join("out");
    let mut child = bin()
        .args([
            "convert",
            inputs.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--layout",
            "hive",
        ])
        .env("RAYON_NUM_THREADS", "1")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill -9 once a few inputs are committed (their journal lines written).
    let journal = out.join(".yusuan-journal.csv");
    let start = std::time::Instant::now();
    loop {
        let lines = std::fs::read_to_string(&journal).map_or(0, |s| s.lines().count());
        if lines >= 3 || start.elapsed().as_secs() > 60 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let committed = std::fs::read_to_string(&journal).map_or(0, |s| s.lines().count());
    assert!(
        committed >= 3 && committed < n as usize,
        "killed after {committed} of {n}"
    );
    // Nothing partial is visible: every part is a whole CSV.
    for (p, hashes) in parts(&out, "t3") {
        assert!(!hashes.is_empty(), "{} is empty", p.display());
    }
    // The next run completes the set, skipping what was committed.
    let o = convert(&inputs, &out, &["--layout", "hive"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains(&format!("跳过 {committed} 个")), "{err}");
    let m = manifest(&out);
    assert_eq!(m.len(), n as usize);
    let hashes: BTreeSet<&str> = m.iter().map(|e| e["source_hash"].as_str()).collect();
    assert_eq!(hashes.len(), n as usize, "each input once in the manifest");
    // Each input's rows exactly once: one t3 part per input, its rows all its own.
    let t3 = parts(&out, "t3");
    assert_eq!(t3.len(), n as usize);
    for (p, rows) in &t3 {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            rows.iter().all(|h| name.ends_with(&format!("-{h}.csv"))),
            "{name}"
        );
    }
    assert!(!out.join(".yusuan-journal.csv").exists());
    // Again: all skipped; with --force all redone.
    let o = convert(&inputs, &out, &["--layout", "hive"]);
    assert!(
        text(&o)
            .1
            .contains(&format!("已转换 0 个工作簿，跳过 {n} 个")),
        "{}",
        text(&o).1
    );
    let o = convert(&inputs, &out, &["--layout", "hive", "--force"]);
    assert!(
        text(&o).1.contains(&format!("已转换 {n} 个工作簿 →")),
        "{}",
        text(&o).1
    );
    assert_eq!(parts(&out, "t3").len(), n as usize);
}

#[test]
fn a_changed_input_replaces_its_own_parts() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    let files = corpus(&inputs, 3);
    let out = dir.path().join("out");
    let run = || convert(&inputs, &out, &["--layout", "hive"]);
    assert_eq!(run().status.code(), Some(0));
    let before = manifest(&out);
    // dept-001.xlsx is corrected: new content under the same name.
    std::fs::copy(sample("wenlv-2024.xlsx"), &files[1]).unwrap();
    let o = run();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    assert!(
        text(&o).1.contains("已转换 1 个工作簿，跳过 2 个"),
        "{}",
        text(&o).1
    );
    let after = manifest(&out);
    assert_eq!(after.len(), 3);
    let entry = |m: &[BTreeMap<String, String>], f: &str| {
        m.iter().find(|e| e["source_file"] == f).unwrap()["source_hash"].clone()
    };
    let (old, new) = (
        entry(&before, "dept-001.xlsx"),
        entry(&after, "dept-001.xlsx"),
    );
    assert_ne!(old, new);
    let t3: Vec<String> = parts(&out, "t3")
        .iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(t3.iter().any(|p| p.ends_with(&format!("-{new}.csv"))));
    assert!(
        !t3.iter().any(|p| p.ends_with(&format!("-{old}.csv"))),
        "the old part is gone"
    );
    assert_eq!(t3.len(), 3);
    let line = after
        .iter()
        .find(|e| e["source_file"] == "dept-001.xlsx")
        .unwrap();
    assert_eq!(line["replaces"], old, "the manifest says what was replaced");
}

#[test]
fn hostile_files_fail_alone_with_their_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    corpus(&inputs, 2);
    let wb = Workbook::open(sample("wenlv-2024.xlsx")).unwrap();
    // One stray value at XFD1048576.
    let mut far = wb.clone();
    far.sheets[0].set(1_048_575, 16_383, CellValue::Number(1.0));
    write_xlsx(&far, &inputs.join("far-cell.xlsx")).unwrap();
    // A name of 40,000 characters (more than Excel or rust_xlsxwriter
    // write: the placeholder is replaced in the package).
    let mut long = wb.clone();
    let t3 = long.sheets.iter_mut().find(|s| &*s.name == "表3").unwrap();
    t3.set(4, 1, CellValue::Text("LONG_NAME_PLACEHOLDER".into()));
    let plain = dir.path().join("long.xlsx");
    write_xlsx(&long, &plain).unwrap();
    rewrite_package(&plain, &inputs.join("long-name.xlsx"), |_, bytes| {
        let text =
            String::from_utf8_lossy(&bytes).replace("LONG_NAME_PLACEHOLDER", &"长".repeat(40_000));
        vec![(None, text.into_bytes())]
    });
    // A package whose shared strings would inflate past the limit.
    rewrite_package(
        &inputs.join("dept-000.xlsx"),
        &inputs.join("bomb.xlsx"),
        |name, bytes| {
            let mut parts = vec![(None, bytes)];
            if name == "xl/workbook.xml" {
                parts.push((
                    Some("xl/sharedStrings2.xml".to_string()),
                    vec![b' '; 65 << 20],
                ));
            }
            parts
        },
    );
    let out = dir.path().join("out");
    let o = convert(&inputs, &out, &["--to", "csv,xlsx"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let m = manifest(&out);
    let status: BTreeMap<&str, (&str, &str)> = m
        .iter()
        .map(|e| {
            (
                e["source_file"].as_str(),
                (e["status"].as_str(), e["message"].as_str()),
            )
        })
        .collect();
    for good in ["dept-000.xlsx", "dept-001.xlsx"] {
        assert!(
            matches!(status[good].0, "ok" | "findings"),
            "{good}: {:?}",
            status[good]
        );
        assert!(
            out.join(good).is_file(),
            "{good}'s normalized workbook is written"
        );
    }
    for (bad, why) in [
        ("far-cell.xlsx", "XFD1048576"),
        ("long-name.xlsx", "40000 个字符"),
        ("bomb.xlsx", "解压后有 65 MB"),
    ] {
        assert_eq!(status[bad].0, "unreadable", "{bad}");
        assert!(
            status[bad].1.contains(why) && status[bad].1.contains("超出读取上限"),
            "{bad}: {}",
            status[bad].1
        );
        assert!(err.contains(why), "{err}");
    }
    let t3 = std::fs::read_to_string(out.join("t3.csv")).unwrap();
    assert!(t3.contains("dept-000.xlsx") && t3.contains("dept-001.xlsx"));
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_takes_each_workbook_once() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    corpus(&inputs.join("a"), 2);
    std::os::unix::fs::symlink(&inputs, inputs.join("a").join("loop")).unwrap();
    std::os::unix::fs::symlink(inputs.join("a"), inputs.join("again")).unwrap();
    let o = bin()
        .args(["check", inputs.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 2, "{out}");
    assert!(err.contains("跳过符号链接"), "{err}");
}

#[test]
fn no_csv_text_runs_as_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::open(sample("wenlv-2024.xlsx")).unwrap();
    let t10 = wb.sheets.iter_mut().find(|s| &*s.name == "表10").unwrap();
    let names = [
        "=HYPERLINK(\"http://x.example\",\"点此\")",
        "=1+1",
        "+1+2",
        "@SUM(A1:A2)",
        "-项目",
    ];
    // The projects' names (rows 9, 10 and 13) and a unit name.
    for (r, n) in [(8, names[0]), (9, names[1]), (12, names[2])] {
        t10.set(r, 1, CellValue::Text(n.into()));
    }
    t10.set(8, 2, CellValue::Text(names[3].into()));
    t10.set(9, 2, CellValue::Text(names[4].into()));
    let input = dir.path().join("formulas.xlsx");
    write_xlsx(&wb, &input).unwrap();
    let out = dir.path().join("out");
    let o = convert(&input, &out, &[]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", text(&o).1);
    let mut escaped = 0;
    for f in std::fs::read_dir(&out).unwrap().filter_map(Result::ok) {
        if f.path().extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(f.path())
            .unwrap();
        for rec in r.records() {
            for field in rec.unwrap().iter() {
                assert!(
                    !(field.starts_with(['=', '+', '@', '\t', '\r'])
                        || field.starts_with('-') && field.parse::<f64>().is_err()),
                    "{}: {field}",
                    f.path().display()
                );
                escaped += usize::from(field.starts_with('\'') && names.contains(&&field[1..]));
            }
        }
    }
    assert!(escaped >= names.len(), "{escaped} escaped fields");
    let t10 = std::fs::read_to_string(out.join("t10.csv")).unwrap();
    assert!(t10.contains("'=1+1"), "{t10}");
}

#[test]
fn the_same_department_and_year_twice_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (xls, xlsx) = (sample("qiaokou-2024.xls"), sample("qiaokou-2024.xlsx"));
    let o = bin()
        .arg("convert")
        .args([&xls, &xlsx])
        .args(["-o", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(text(&o).1.contains("同一部门同一年度"), "{}", text(&o).1);
    let m = manifest(&out);
    assert_eq!(m[0]["duplicate_of"], "qiaokou-2024.xlsx");
    assert_eq!(m[1]["duplicate_of"], "qiaokou-2024.xls");
    let o = bin().arg("check").args([&xls, &xlsx]).output().unwrap();
    let (out, _) = text(&o);
    assert!(
        out.contains("批量核对：")
            && out.contains("S.duplicate_input")
            && out.contains("出现在 2 个输入中"),
        "{out}"
    );
}

/// The folder's lock is the operating system's, held by an open file: a
/// run is refused while another process holds it, and a lock file left by
/// a process that is gone (after a reboot its PID may be any process's)
/// holds nothing.
#[test]
fn a_folder_in_use_is_refused_and_a_left_lock_file_holds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(out.join(".yusuan.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let input = sample("wenlv-2024.xlsx");
    let run = || {
        bin()
            .arg("convert")
            .arg(&input)
            .args(["-o", out.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let o = run();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).1.contains("正被另一个 yusuan 进程"),
        "{}",
        text(&o).1
    );
    assert!(!out.join("manifest.csv").exists());
    drop(lock);
    // A lock file naming a live process (PID 1), and a killed run's
    // temporary file.
    std::fs::write(out.join(".yusuan.lock"), "1\n").unwrap();
    std::fs::write(out.join(".t3.csv.tmp-999999999"), "half").unwrap();
    let o = run();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("清除了上次中断留下的 1 个临时文件"), "{err}");
    assert!(!out.join(".t3.csv.tmp-999999999").exists());
    assert!(out.join("manifest.csv").exists());
    assert!(!out.join(".yusuan.lock").exists(), "gone with the run");
}

/// Regression: identical copies (the same file under several folders of a
/// migration) converted at once wrote their workbooks under one temporary
/// name, and the second rename found it gone: the run failed with
/// `无法写入` and lost workbooks.
#[test]
fn identical_copies_converted_at_once_each_get_their_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for i in 0..24 {
        std::fs::copy(
            sample("qiaokou-2024.xlsx"),
            input.join(format!("copy{i:02}.xlsx")),
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    let o = bin()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["--to", "xlsx,json"])
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stdout}{stderr}");
    assert!(!stderr.contains("无法写入"), "{stderr}");
    assert!(stderr.contains("已转换 24 个工作簿"), "{stderr}");
    let names: BTreeSet<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for i in 0..24 {
        assert!(names.contains(&format!("copy{i:02}.xlsx")), "{names:?}");
        assert!(names.contains(&format!("copy{i:02}.json")), "{names:?}");
    }
    assert!(
        names.iter().all(|n| !n.contains(".tmp-")),
        "temporary files left: {names:?}"
    );
    // Every copy is the same department and year: said once, not silently.
    assert!(stderr.contains("同一部门同一年度"), "{stderr}");
}

/// Regression: a migration converts each year's folder into one warehouse,
/// and the folders hold the same file names. The second run took 2024's
/// `教育局.xlsx` for a new version of 2023's and deleted 2023's parts and
/// line. An input is its path, not its name: every department of every
/// year is there once, nothing is removed but an input's own old version.
#[test]
fn two_years_of_the_same_file_names_each_land_once_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let wb = Workbook::open(sample("wenlv-2024.xlsx")).unwrap();
    let base = import_workbook(&wb, &Templates::builtin(), &ImportOptions::default()).unwrap();
    let (y23, y24) = (dir.path().join("2023"), dir.path().join("2024"));
    for (folder, seeds) in [(&y23, [1u64, 2]), (&y24, [3, 4])] {
        std::fs::create_dir_all(folder).unwrap();
        for (name, seed) in ["教育局.xlsx", "卫健委.xlsx"].iter().zip(seeds) {
            write_xlsx(&vary(&wb, &base, seed).workbook, &folder.join(name)).unwrap();
        }
    }
    let out = dir.path().join("wh");
    let hive = ["--layout", "hive", "--to", "csv,xlsx"];
    for folder in [&y23, &y24] {
        let o = convert(folder, &out, &hive);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    }
    let m = manifest(&out);
    assert_eq!(m.len(), 4, "{m:?}");
    let ids: BTreeSet<&str> = m.iter().map(|e| e["input_id"].as_str()).collect();
    assert_eq!(ids.len(), 4);
    assert!(m.iter().all(|e| e["replaces"].is_empty()));
    assert_eq!(parts(&out, "t3").len(), 4);
    let workbooks: BTreeSet<String> = m
        .iter()
        .map(|e| e["outputs"].rsplit(';').next().unwrap().to_string())
        .collect();
    assert_eq!(workbooks.len(), 4, "{workbooks:?}");
    for w in &workbooks {
        assert!(out.join(w).is_file(), "{w}");
    }
    // Both years together: all there, nothing redone.
    let o = bin()
        .arg("convert")
        .args([&y23, &y24])
        .arg("-o")
        .arg(&out)
        .args(hive)
        .output()
        .unwrap();
    assert!(
        text(&o).1.contains("已转换 0 个工作簿，跳过 4 个"),
        "{}",
        text(&o).1
    );
    assert_eq!(manifest(&out).len(), 4);
    // 2024's 教育局 corrected: only its own outputs are replaced.
    let line = |m: &[BTreeMap<String, String>], path: &Path| {
        m.iter()
            .find(|e| Path::new(&e["path"]) == path)
            .unwrap()
            .clone()
    };
    let before23 = line(&m, &y23.join("教育局.xlsx"));
    let before24 = line(&m, &y24.join("教育局.xlsx"));
    write_xlsx(&vary(&wb, &base, 9).workbook, &y24.join("教育局.xlsx")).unwrap();
    let o = convert(&y24, &out, &hive);
    assert!(
        text(&o).1.contains("已转换 1 个工作簿，跳过 1 个"),
        "{}",
        text(&o).1
    );
    let m = manifest(&out);
    assert_eq!(m.len(), 4);
    let after24 = line(&m, &y24.join("教育局.xlsx"));
    assert_eq!(after24["replaces"], before24["source_hash"]);
    assert_eq!(
        line(&m, &y23.join("教育局.xlsx")),
        before23,
        "2023's untouched"
    );
    assert_eq!(
        after24["outputs"].rsplit(';').next(),
        before24["outputs"].rsplit(';').next(),
        "the corrected one keeps its workbook's name"
    );
    let t3 = parts(&out, "t3");
    assert_eq!(t3.len(), 4);
    assert!(!t3
        .iter()
        .any(|(p, _)| p.to_string_lossy().contains(&before24["source_hash"])));
    // The flat layout: the same names in two folders of one run are two
    // workbooks; a second run into the folder replaces the first as a
    // whole, and its manifest lists what is there.
    let flat = dir.path().join("flat");
    let o = bin()
        .arg("convert")
        .args([&y23, &y24])
        .arg("-o")
        .arg(&flat)
        .args(["--to", "xlsx"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let named = |d: &Path| -> BTreeSet<String> {
        std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(
        named(&flat).iter().filter(|n| n.ends_with(".xlsx")).count(),
        4
    );
    let o = convert(&y23, &flat, &["--to", "xlsx"]);
    assert_eq!(o.status.code(), Some(0));
    let now = named(&flat);
    let listed: BTreeSet<String> = manifest(&flat)
        .iter()
        .flat_map(|e| {
            e["outputs"]
                .split(';')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .chain(["manifest.csv".to_string()])
        .collect();
    assert_eq!(now, listed, "the folder holds what its manifest lists");
    // A run in which nothing can be read leaves the folder as it was.
    let o = convert(&dir.path().join("missing.xlsx"), &flat, &["--to", "xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("未改动"), "{}", text(&o).1);
    assert_eq!(named(&flat), now);
    let o = convert(
        &dir.path().join("missing.xlsx"),
        &dir.path().join("new"),
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.path().join("new").exists(), "no folder of empty files");
}

/// Regression: two runs started together both got in (11 of 30 tries): the
/// lock file was created empty and its PID written after, and the other
/// run took it for stale. Now the operating system's lock: never both.
#[test]
fn two_runs_started_at_once_never_both_hold_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    corpus(&inputs, 1);
    let mut refused = 0;
    for i in 0..50 {
        let out = dir.path().join(format!("out-{i}"));
        let start = || {
            bin()
                .arg("convert")
                .arg(&inputs)
                .arg("-o")
                .arg(&out)
                .args(["--to", "json"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (start(), start());
        for o in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
            let err = String::from_utf8_lossy(&o.stderr).into_owned();
            match o.status.code() {
                Some(0) => {}
                Some(2) if err.contains("正被另一个 yusuan 进程") => refused += 1,
                other => panic!("{other:?}: {err}"),
            }
        }
        let m = manifest(&out);
        let ids: BTreeSet<&str> = m.iter().map(|e| e["input_id"].as_str()).collect();
        assert_eq!(m.len(), 1, "each input once: {m:?}");
        assert_eq!(ids.len(), 1);
    }
    eprintln!("two runs at once: the second refused in {refused} of 50");
}

/// A group's files are made durable together before any of its lines is
/// journalled: a part on disk whose input has no line (its group was never
/// committed: the run was killed, or the machine lost power and the part
/// is empty) is redone by the next run, never trusted.
#[test]
fn a_part_whose_group_was_never_committed_is_redone_not_trusted() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    let files = corpus(&inputs, 3);
    let out = dir.path().join("out");
    // Two inputs committed.
    let third = dir.path().join("later.xlsx");
    std::fs::rename(&files[2], &third).unwrap();
    let o = convert(&inputs, &out, &["--layout", "hive"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    // The third input's part is there, empty, at its final name, with no line.
    std::fs::rename(&third, &files[2]).unwrap();
    let real = std::fs::canonicalize(&files[2]).unwrap();
    let hex = |d: &[u8]| {
        d.iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let id = hex(&sha2::Sha256::digest(real.as_os_str().as_encoded_bytes()));
    let hash = hex(&sha2::Sha256::digest(std::fs::read(&files[2]).unwrap()));
    let part = out.join(format!("t3/year=2024/part-{id}-{hash}.csv"));
    std::fs::write(&part, "").unwrap();
    let o = convert(&inputs, &out, &["--layout", "hive"]);
    assert!(
        text(&o).1.contains("已转换 1 个工作簿，跳过 2 个"),
        "{}",
        text(&o).1
    );
    let rows = std::fs::read_to_string(&part).unwrap();
    assert!(rows.lines().count() > 1, "rewritten: {rows}");
    assert_eq!(manifest(&out).len(), 3);
    assert_eq!(parts(&out, "t3").len(), 3);
}
