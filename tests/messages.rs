//! Every message in Chinese: on the samples, on random layouts of them, on
//! the second bureau's generated budgets and on each of them with figures
//! moved (so that every rule that can fire does), no message holds a run
//! of Latin letters but a rule ID, a file name or a cell address — and a
//! library's or the system's own words only in brackets after a Chinese
//! sentence.

use std::path::Path;

use yusuan::import::{import_workbook, ImportOptions};
use yusuan::reconcile::check;
use yusuan::samples::putuo_budgets::{Department, Style};
use yusuan::samples::variants::vary;
use yusuan::template::Templates;
use yusuan::workbook::{CellValue, Workbook};

/// The runs of two or more Latin letters left in a message once rule IDs
/// (`T3.tree`, `PT.t2_row`), cell addresses (`表3!C7`, `Sheet1!A1`), file
/// names (`facts.csv`, `a/b.xlsx`) and bracketed text after a Chinese
/// sentence (`（File not found …）`) are taken out.
pub fn latin_runs(message: &str) -> Vec<String> {
    let mut kept = String::new();
    // Bracketed text right after a Chinese character or punctuation, and
    // text in “…” (a sheet's name, a header, a label: the workbook's own).
    let mut depth = 0;
    let mut quoted = false;
    let mut prev: Option<char> = None;
    for ch in message.chars() {
        match ch {
            '“' if depth == 0 => quoted = true,
            '”' if quoted => quoted = false,
            _ if quoted => {}
            '（' | '(' if depth > 0 || prev.is_some_and(|p| !p.is_ascii()) => depth += 1,
            '）' | ')' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            _ => kept.push(ch),
        }
        prev = Some(ch);
    }
    let mut out = Vec::new();
    // Tokens end at white space and Chinese punctuation; a sheet name and
    // its cell (`公开Sheet2表!P7`) stay one token.
    let breaks = |c: char| c.is_whitespace() || "，。：；、（）「」《》？！".contains(c);
    for token in kept.split(breaks) {
        let file = token.contains('/')
            || [
                ".xlsx", ".xls", ".xlsm", ".csv", ".json", ".toml", ".parquet",
            ]
            .iter()
            .any(|x| token.to_ascii_lowercase().ends_with(x));
        let t = token.trim_matches(|c: char| ",.;:'\"".contains(c));
        let rule = t.split_once('.').is_some_and(|(family, name)| {
            !family.is_empty()
                && family
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                && !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        });
        let cell = t.contains('!');
        // Names Chinese text writes in Latin letters: the programs a
        // reviewer opens a workbook with, the file formats.
        let name = ["Excel", "WPS", "TOML", "CSV", "JSON", "GBK", "UTF"].contains(&t);
        if rule || cell || file || name {
            continue;
        }
        let mut run = String::new();
        for c in t.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_alphabetic() {
                run.push(c);
            } else {
                if run.len() >= 2 {
                    out.push(run.clone());
                }
                run.clear();
            }
        }
    }
    out
}

#[test]
fn the_scan_finds_latin_and_passes_what_is_allowed() {
    assert!(latin_runs("表3 T3.tree 合计 = 基本支出（表3!C7，Sheet1!A1）").is_empty());
    assert!(latin_runs("表2 有 68 个金额以文本形式存放，如 公开Sheet2表!P7").is_empty());
    assert!(latin_runs("表3（工作表“Sheet3”） 有 1 个单元格未读入").is_empty());
    assert!(latin_runs("其数字已导出到 facts.csv；PT.t2_row 不符").is_empty());
    assert!(latin_runs("无法读取工作簿（File not found 'xl/_rels/workbook.xml.rels'）").is_empty());
    assert_eq!(
        latin_runs("合计 = 基本支出 + operating + remit"),
        ["operating", "remit"]
    );
    assert_eq!(
        latin_runs("File exists (os error 17)"),
        ["File", "exists", "os", "error"]
    );
    assert_eq!(
        latin_runs("模板 shanghai-putuo-2026 的funds行"),
        ["shanghai", "putuo", "funds"]
    );
}

fn messages_of(wb: &Workbook, what: &str, out: &mut Vec<(String, String)>) {
    let templates = Templates::builtin();
    let Ok(b) = import_workbook(wb, &templates, &ImportOptions::default()) else {
        return;
    };
    for f in check(&b) {
        out.push((what.to_string(), format!("{} {}", f.rule, f.message)));
    }
    // Each figure moved, one table at a time: every rule that can fire.
    let mut moved = wb.clone();
    let mut n = 0;
    for s in &mut moved.sheets {
        for r in 0..s.height() {
            for c in 0..s.row(r).len() as u32 {
                if let CellValue::Number(x) = s.get(r, c) {
                    n += 1;
                    if n % 7 == 0 {
                        let x = *x;
                        s.set(r, c, CellValue::Number(x + 3.0));
                    }
                }
            }
        }
    }
    if let Ok(b) = import_workbook(&moved, &templates, &ImportOptions::default()) {
        for f in check(&b) {
            out.push((
                format!("{what} (figures moved)"),
                format!("{} {}", f.rule, f.message),
            ));
        }
    }
}

#[test]
fn every_message_on_the_samples_and_their_layouts_is_chinese() {
    let templates = Templates::builtin();
    let mut messages = Vec::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut samples: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx" || x == "xls"))
        .collect();
    samples.sort();
    for path in &samples {
        let wb = Workbook::open(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        messages_of(&wb, &name, &mut messages);
        let base = import_workbook(&wb, &templates, &ImportOptions::default()).unwrap();
        for seed in 0..12 {
            let v = vary(&wb, &base, seed);
            messages_of(&v.workbook, &format!("{name} seed {seed}"), &mut messages);
        }
    }
    for seed in 0..8 {
        for d in Department::random(seed).documents(&Style::random(seed)) {
            messages_of(
                &d.workbook,
                &format!("{} seed {seed}", d.file),
                &mut messages,
            );
        }
    }
    assert!(messages.len() > 500, "{} messages", messages.len());
    let mut bad: Vec<String> = messages
        .iter()
        .filter_map(|(what, m)| {
            let runs = latin_runs(m);
            (!runs.is_empty()).then(|| format!("{what}: {runs:?} in {m}"))
        })
        .collect();
    // One line per rule and Latin words: the same wording once.
    bad.sort_by_key(|b| {
        let (runs, rest) = b.split_once(" in ").map_or((b.as_str(), ""), |(a, r)| {
            (a.rsplit_once(": ").map_or(a, |x| x.1), r)
        });
        (
            rest.split(' ').next().unwrap_or("").to_string(),
            runs.to_string(),
        )
    });
    bad.dedup_by_key(|b| {
        let (runs, rest) = b.split_once(" in ").map_or((b.as_str(), ""), |(a, r)| {
            (a.rsplit_once(": ").map_or(a, |x| x.1), r)
        });
        (
            rest.split(' ').next().unwrap_or("").to_string(),
            runs.to_string(),
        )
    });
    assert!(
        bad.is_empty(),
        "{} messages:\n{}",
        bad.len(),
        bad.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// What the binary says about inputs it cannot read and outputs it cannot
/// write: Chinese, the library's or the system's own words only in
/// brackets after it.
#[test]
fn every_message_about_damaged_inputs_and_unwritable_outputs_is_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/qiaokou-2024.xlsx");
    let bytes = std::fs::read(&sample).unwrap();
    // A package without its relations, a cut one, an .xls that is none.
    let no_rels = dir.path().join("no-rels.xlsx");
    {
        let f = std::fs::File::create(&no_rels).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", o).unwrap();
        std::io::Write::write_all(&mut z, b"<Types/>").unwrap();
        z.start_file("xl/workbook.xml", o).unwrap();
        std::io::Write::write_all(&mut z, b"<workbook/>").unwrap();
        z.finish().unwrap();
    }
    let cut = dir.path().join("cut.xlsx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let fake = dir.path().join("fake.xls");
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(600, 0);
    std::fs::write(&fake, ole).unwrap();
    // Templates that are not TOML, and that name a field no template has.
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("bad.toml"), "id = [").unwrap();
    let unknown = dir.path().join("unknown");
    std::fs::create_dir(&unknown).unwrap();
    std::fs::write(
        unknown.join("x.toml"),
        "id = \"x\"\nextends = \"2024\"\ncolour = 1\n",
    )
    .unwrap();
    // An output folder under a file.
    let blocked = dir.path().join("cut.xlsx").join("out");
    let bin = env!("CARGO_BIN_EXE_yusuan");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let runs: Vec<Vec<String>> = vec![
        vec!["check".into(), s(&no_rels), s(&cut), s(&fake)],
        vec!["inspect".into(), s(&no_rels), s(&cut), s(&fake)],
        vec![
            "check".into(),
            s(&sample),
            "--templates".into(),
            s(&templates),
        ],
        vec![
            "check".into(),
            s(&sample),
            "--templates".into(),
            s(&unknown),
        ],
        vec!["convert".into(), s(&sample), "-o".into(), s(&blocked)],
    ];
    let mut bad = Vec::new();
    for args in runs {
        let o = std::process::Command::new(bin)
            .args(&args)
            .output()
            .unwrap();
        assert_ne!(o.status.code(), Some(0), "{args:?}");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        // Each input's message whole: a library's words may run over lines
        // inside their brackets.
        for message in said.split("\n文件：").flat_map(|m| m.split("\n错误：")) {
            let runs = latin_runs(message);
            if !runs.is_empty() {
                bad.push(format!("{args:?}: {runs:?} in {message}"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
