//! Hostile inputs, each built here from its description, each run alone and
//! inside a folder of good workbooks, on the real binary: the bad one fails
//! alone with its message (an error finding, or a refusal with exit 2),
//! never a panic, an abort or a run that does not end; the good ones are
//! all converted; the process's peak memory stays under 500 MB.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use yusuan::import::{import_workbook, ImportOptions};
use yusuan::samples::variants::{vary, write_xlsx};
use yusuan::template::Templates;
use yusuan::workbook::{CellValue, Workbook};

/// The most a run may hold, in kB (the issue of one crafted file taking
/// gigabytes is what these tests are for).
const PEAK_KB: u64 = 500 * 1024;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

/// `yusuan ARGS…` with its peak memory reported; killed and failed if it
/// has not ended in two minutes (a run that blocks is a failure too).
fn run(args: &[&std::ffi::OsStr]) -> (Output, u64) {
    let child = Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .args(args)
        .env("YUSUAN_REPORT_PEAK_RSS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let start = Instant::now();
    let watchdog = std::thread::spawn(move || {
        while start.elapsed() < Duration::from_secs(120) {
            std::thread::sleep(Duration::from_millis(100));
            if !Path::new(&format!("/proc/{pid}")).exists() {
                return false;
            }
        }
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        true
    });
    let o = child.wait_with_output().unwrap();
    drop(watchdog);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        start.elapsed() < Duration::from_secs(120),
        "the run did not end: {args:?}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("memory allocation"),
        "{err}"
    );
    let peak = err
        .lines()
        .find_map(|l| l.strip_prefix("peak_rss "))
        .and_then(|v| v.trim_end_matches(" kB").trim().parse::<u64>().ok())
        .unwrap_or_else(|| panic!("no peak reported (the process ended abnormally?): {err}"));
    (o, peak)
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// A package of the given parts (stored), as `.xlsx`.
fn package(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opt = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            z.start_file(*name, opt).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// The parts every one-sheet package has, and the sheet part itself.
fn one_sheet(sheet: Vec<u8>, shared: Option<Vec<u8>>) -> Vec<u8> {
    let mut parts = vec![
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_vec(),
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_vec(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表3" sheetId="1" r:id="rId1"/></sheets></workbook>"#.as_bytes().to_vec(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_vec(),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(s) = shared {
        parts.push(("xl/sharedStrings.xml", s));
    }
    package(&parts)
}

fn worksheet(cells: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>"#
    )
    .into_bytes()
}

/// A sample with one amount cell of 表3 replaced.
fn with_amount(value: CellValue) -> Vec<u8> {
    let mut wb = Workbook::open(sample("qiaokou-2024.xlsx")).unwrap();
    let sheet = wb.sheets.iter_mut().find(|s| &*s.name == "表3").unwrap();
    let (r, c) = (0..sheet.height())
        .flat_map(|r| (0..sheet.width()).map(move |c| (r, c)))
        .find(|&(r, c)| matches!(sheet.get(r, c), CellValue::Number(f) if *f > 1.0))
        .unwrap();
    sheet.set(r, c, value);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.xlsx");
    write_xlsx(&wb, &p).unwrap();
    std::fs::read(p).unwrap()
}

/// The sample `.xls` with its workbook stream renamed `WORKBOOK` and one
/// value moved to IV65536.
fn xls_renamed_and_far() -> Vec<u8> {
    let mut b = std::fs::read(sample("qiaokou-2024.xls")).unwrap();
    let name: Vec<u8> = "Workbook"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let upper: Vec<u8> = "WORKBOOK"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let at = b.windows(name.len()).position(|w| w == name).unwrap();
    b[at..at + upper.len()].copy_from_slice(&upper);
    let at = b.windows(4).position(|w| w == b"\x03\x02\x0e\x00").unwrap(); // NUMBER
    b[at + 4..at + 8].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0x00]);
    b
}

/// The sample `.xls` with its directory chain looping back to its start.
fn xls_directory_loop() -> Vec<u8> {
    let mut b = std::fs::read(sample("qiaokou-2024.xls")).unwrap();
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let shift = u16::from_le_bytes([b[0x1E], b[0x1F]]);
    let size = 1usize << shift;
    let fat_sector = u32_at(&b, 0x4C) as usize;
    let fat_at = (fat_sector + 1) * size;
    let start = u32_at(&b, 0x30);
    let mut n = start;
    loop {
        let next = u32_at(&b, fat_at + 4 * n as usize);
        if next == 0xFFFF_FFFE {
            break;
        }
        n = next;
    }
    let entry = fat_at + 4 * n as usize;
    b[entry..entry + 4].copy_from_slice(&start.to_le_bytes());
    b
}

/// Each hostile case: its file name, its bytes, and words its message has.
fn cases() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let long = "预".repeat(32_000);
    let amplified_cells: String = (1..=100_000)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
        .collect();
    // A sheet part stored twice, its second name in capitals.
    let duplicated = {
        let bytes = std::fs::read(sample("wenlv-2024.xlsx")).unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut v).unwrap();
            parts.push((f.name().unwrap().to_string(), v));
        }
        let sheet = parts
            .iter()
            .find(|(n, _)| n.starts_with("xl/worksheets/sheet"))
            .cloned()
            .unwrap();
        parts.push((sheet.0.to_uppercase(), sheet.1));
        let refs: Vec<(&str, Vec<u8>)> =
            parts.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
        package(&refs)
    };
    vec![
        (
            "金额29位.xlsx",
            with_amount(CellValue::Text("12345678901234567890123456789".into())),
            "金额超出范围",
        ),
        (
            "万元1e25.xlsx",
            with_amount(CellValue::Number(1e25)),
            "金额超出范围",
        ),
        (
            "共享公式.xlsx",
            one_sheet(
                worksheet(r#"<row r="1"><c r="A1"><f t="shared" si="4000000000" ref="A1:A2">1+1</f></c></row>"#),
                None,
            ),
            "共享公式编号为 4000000000",
        ),
        (
            "共享字符串.xlsx",
            one_sheet(
                worksheet(&amplified_cells),
                Some(
                    format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="100000" uniqueCount="1"><si><t>{long}</t></si></sst>"#)
                        .into_bytes(),
                ),
            ),
            "单元格的文字解码后超过",
        ),
        (
            "共享字符串声明.xlsx",
            one_sheet(
                worksheet(r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><f>A1</f></c></row>"#),
                Some(br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="4000000000"><si><t>a</t></si></sst>"#.to_vec()),
            ),
            "声明有 4000000000 个共享字符串",
        ),
        ("目录循环.xls", xls_directory_loop(), "复合文档的扇区链循环"),
        ("改名的流.xls", xls_renamed_and_far(), "超出读取上限（每表最多 2000000 个"),
        ("同名部件.xlsx", duplicated, "只差大小写的同名部件"),
        // Regression: each sheet under the sheet limit, forty of them held
        // at once took 3.9 GB from a 426 KB file.
        ("四十张宽表.xlsx", many_wide_sheets(40), "各表单元格共铺开"),
        // Regression: a sheet part broken before its shared formula; the
        // guard stopped at the break, calamine read on (160 GB).
        (
            "断开的共享公式.xlsx",
            one_sheet(
                br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xml<c r="IV65536"><v>1</v></c>ns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><f t="shared" si="4000000000" ref="A1:A2">1+1</f></c></row></sheetData></worksheet>"#.to_vec(),
                None,
            ),
            "共享公式编号为 4000000000",
        ),
    ]
}

/// A package of `n` sheets, each spread just under the sheet limit (a
/// value at column ALL in each of 1,998 rows): together past the book's.
fn many_wide_sheets(n: usize) -> Vec<u8> {
    let rows: String = (1..=1998)
        .map(|r| format!(r#"<row r="{r}"><c r="ALL{r}"><v>1</v></c></row>"#))
        .collect();
    let sheet = worksheet(&rows);
    let ids: Vec<usize> = (1..=n).collect();
    let types: String = ids.iter().map(|i| format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#)).collect();
    let sheets: String = ids
        .iter()
        .map(|i| format!(r#"<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>"#))
        .collect();
    let rels: String = ids.iter().map(|i| format!(r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#)).collect();
    let names: Vec<String> = ids
        .iter()
        .map(|i| format!("xl/worksheets/sheet{i}.xml"))
        .collect();
    let mut parts: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{types}</Types>"#).into_bytes()),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_vec()),
        ("xl/workbook.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>"#).into_bytes()),
        ("xl/_rels/workbook.xml.rels", format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#).into_bytes()),
    ];
    for name in &names {
        parts.push((name.as_str(), sheet.clone()));
    }
    package(&parts)
}

/// Good workbooks: the multi-unit sample laid out by a few seeds.
fn good(dir: &Path, n: u64) {
    std::fs::create_dir_all(dir).unwrap();
    let wb = Workbook::open(sample("wenlv-2024.xlsx")).unwrap();
    let base = import_workbook(&wb, &Templates::builtin(), &ImportOptions::default()).unwrap();
    for seed in 0..n {
        write_xlsx(
            &vary(&wb, &base, seed).workbook,
            &dir.join(format!("good-{seed}.xlsx")),
        )
        .unwrap();
    }
}

fn manifest(out: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
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

#[test]
fn each_hostile_file_fails_alone_with_its_message_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("in");
    good(&folder, 4);
    for (name, bytes, words) in cases() {
        // Alone.
        let alone = dir.path().join(name);
        std::fs::write(&alone, &bytes).unwrap();
        let (o, peak) = run(&[os("check"), alone.as_os_str()]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(text.contains(words), "{name}: {text}");
        let want = if words == "金额超出范围" { 1 } else { 2 };
        assert_eq!(o.status.code(), Some(want), "{name}: {text}");
        assert!(peak < PEAK_KB, "{name}: {peak} kB");
        // Among good ones.
        let bad = folder.join(name);
        std::fs::write(&bad, &bytes).unwrap();
        let out = dir.path().join(format!("out-{name}"));
        let (o, peak) = run(&[
            os("convert"),
            folder.as_os_str(),
            os("-o"),
            out.as_os_str(),
            os("--to"),
            os("csv,xlsx"),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(peak < PEAK_KB, "{name} in a folder: {peak} kB");
        let m = manifest(&out);
        assert_eq!(m.len(), 5, "{name}: {err}");
        for line in &m {
            if line["source_file"] == name {
                if want == 1 {
                    assert_eq!(line["status"], "findings", "{name}");
                } else {
                    assert_eq!(line["status"], "unreadable", "{name}");
                    assert!(
                        line["message"].contains(words),
                        "{name}: {}",
                        line["message"]
                    );
                }
            } else {
                assert!(
                    matches!(line["status"].as_str(), "ok" | "findings"),
                    "{}: {err}",
                    line["source_file"]
                );
                assert!(out.join(line["outputs"].as_str()).is_file());
            }
        }
        assert_eq!(
            o.status.code(),
            Some(if want == 1 { 0 } else { 2 }),
            "{name}: {err}"
        );
        std::fs::remove_file(&bad).unwrap();
    }
}

/// Regression: a FIFO named like a workbook blocked a run for ever in
/// `open`. It is named and skipped in a folder, refused given by name.
#[cfg(unix)]
#[test]
fn a_pipe_named_like_a_workbook_is_skipped_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("in");
    good(&folder, 2);
    let fifo = folder.join("b.xlsx");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let out = dir.path().join("out");
    let (o, _) = run(&[os("convert"), folder.as_os_str(), os("-o"), out.as_os_str()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("跳过 1 个不是普通文件的条目") && err.contains("b.xlsx"),
        "{err}"
    );
    assert_eq!(manifest(&out).len(), 2);
    let (o, _) = run(&[os("check"), fifo.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stdout).contains("不是普通文件"));
}

/// Regression: an input named `\\host\share\x.xlsx` got, in 核对汇总.xlsx, a
/// link `file:///\\host\share\x-核对.xlsx` (a Windows share: clicking it
/// sends the reviewer's credentials to that host); `a#b.xlsx` linked to
/// `a`. Reports are named without such characters and linked relatively.
#[test]
fn summary_links_stay_inside_the_report_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("in");
    std::fs::create_dir_all(&folder).unwrap();
    for name in [
        r"\\evil.example.com\share\x.xlsx",
        "a#b.xlsx",
        "C:x.xlsx",
        "100%.xlsx",
    ] {
        std::fs::copy(sample("wenlv-2024.xlsx"), folder.join(name)).unwrap();
    }
    let reports = dir.path().join("reports");
    let (o, _) = run(&[
        os("check"),
        folder.as_os_str(),
        os("--report-dir"),
        reports.as_os_str(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let summary = std::fs::read(reports.join("核对汇总.xlsx")).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(summary)).unwrap();
    let mut rels = String::new();
    std::io::Read::read_to_string(
        &mut z.by_name("xl/worksheets/_rels/sheet1.xml.rels").unwrap(),
        &mut rels,
    )
    .unwrap();
    let targets: Vec<&str> = rels
        .split("Target=\"")
        .skip(1)
        .map(|t| &t[..t.find('"').unwrap()])
        .collect();
    assert_eq!(targets.len(), 4, "{rels}");
    for t in targets {
        assert!(
            !t.contains('\\')
                && !t.contains(':')
                && !t.contains('#')
                && !t.contains('/')
                && !t.starts_with('.'),
            "{t}"
        );
        // Each link is a file of the folder.
        let name = t.replace("%20", " ");
        assert!(reports.join(&name).is_file() || t.contains('%'), "{t}");
    }
    for e in std::fs::read_dir(&reports).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !n.contains('\\') && !n.contains('#') && !n.contains(':'),
            "{n}"
        );
    }
}
