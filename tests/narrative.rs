//! The narrative (情况说明) checked against the tables: the reference
//! department's published narrative, as a Word document built here from its
//! text, finds each of its true slips with the paragraph and cells, and
//! nothing once corrected; generated narratives of generated departments get
//! no finding when consistent and their one planted slip, in its paragraph,
//! when not; the second bureau's narrative sheets, filled from its sample,
//! get no finding, and a placeholder left in is found.

use std::path::Path;

use yusuan::import::{import_workbook, ImportOptions};
use yusuan::model::{Budget, Severity};
use yusuan::narrative::{read, Narrative, Outcome};
use yusuan::reconcile::Finding;
use yusuan::samples::narrative::{department, narrative, Slip};
use yusuan::template::Templates;
use yusuan::workbook::{CellValue, Sheet, Workbook};

#[path = "common/docx.rs"]
mod docx;

fn sample(name: &str) -> Workbook {
    Workbook::open(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(name),
    )
    .unwrap()
}

fn budget(name: &str, t: &Templates) -> Budget {
    import_workbook(&sample(name), t, &ImportOptions::default()).unwrap()
}

/// The reference department's 第三部分 as published, a paragraph a line.
fn reference_text() -> Vec<String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/qiaokou-2024-narrative.txt"),
    )
    .unwrap();
    text.lines().map(str::to_string).collect()
}

/// The paragraphs as a Word document named 情况说明.docx, read back.
fn as_docx(paragraphs: &[String]) -> Narrative {
    let bytes = docx::docx(paragraphs);
    read::docx("情况说明.docx", "情况说明.docx", &bytes).unwrap()
}

fn check(b: &Budget, n: &Narrative, t: &Templates) -> Vec<Finding> {
    let spec = t.get(&b.source.template).unwrap().narrative();
    yusuan::narrative::check(b, n, spec).0
}

type Seen = (&'static str, Severity, String, Vec<String>);

fn seen(findings: &[Finding]) -> Vec<Seen> {
    let mut v: Vec<Seen> = findings
        .iter()
        .map(|f| {
            (
                f.rule,
                f.severity,
                f.paragraph.clone().unwrap_or_default(),
                f.cells.iter().map(ToString::to_string).collect(),
            )
        })
        .collect();
    v.sort_by(|a, b| (&a.2, a.0).cmp(&(&b.2, b.0)));
    v
}

#[test]
fn the_reference_narrative_has_each_published_slip_found_with_paragraph_and_cells() {
    let t = Templates::builtin();
    let b = budget("qiaokou-2024.xlsx", &t);
    let n = as_docx(&reference_text());
    assert_eq!(n.paragraphs.len(), 50);
    let findings = check(&b, &n, &t);
    let p = |k: usize| format!("情况说明.docx 第 {k} 段");
    let cells = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        seen(&findings),
        vec![
            // 比 2023 年预算增加 31.83 万元：31.83 / (324.83 − 31.83) is 10.9%, not
            // 10.7%; 2023's figure is the narrative's own (said: a warning).
            ("N.growth", Severity::Warning, p(12), cells(&["表4!B6"])),
            (
                "N.amount",
                Severity::Error,
                p(19),
                cells(&["表6!C5", "表5-1!D5"])
            ),
            ("N.growth", Severity::Warning, p(4), cells(&["表1!B31"])),
            // 一般公共预算财政拨款收入 left blank, and the whole 324.83 万元 put
            // under 政府性基金, which 表1 and 表4 say is nil.
            (
                "N.blank",
                Severity::Error,
                p(6),
                cells(&["表1!B5", "表4!B6"])
            ),
            (
                "N.zero",
                Severity::Error,
                p(6),
                cells(&["表1!B6", "表4!B7"])
            ),
        ]
    );
    let amount = findings.iter().find(|f| f.rule == "N.amount").unwrap();
    assert!(
        amount.message.contains("一般公共预算基本支出 324.83 万元")
            && amount.message.contains("表6 合计 为 318.16 万元"),
        "{}",
        amount.message
    );
    assert_eq!(
        (amount.expected.as_deref(), amount.actual.as_deref()),
        (Some("324.83"), Some("318.16"))
    );
    let growth = findings.iter().find(|f| f.rule == "N.growth").unwrap();
    assert!(
        growth.message.contains("按说明所述 2023 年为 293.00 万元")
            && growth.message.contains("增长率应为 10.9%"),
        "{}",
        growth.message
    );
}

/// The reference narrative with its slips put right.
fn corrected() -> Vec<String> {
    let mut text = reference_text();
    text[5] = "部门预算收入 324.83 万元其中：一般公共预算财政拨款收入 324.83 万元，政府性基金预算财政拨款收入 0 万元。".into();
    text[18] = text[18].replacen("324.83", "318.16", 1);
    for i in [3, 11] {
        text[i] = text[i].replace("增长 10.7%", "增长 10.9%");
    }
    text
}

#[test]
fn the_reference_narrative_corrected_has_no_finding_at_all() {
    let t = Templates::builtin();
    let b = budget("qiaokou-2024.xlsx", &t);
    let n = as_docx(&corrected());
    let spec = t.get("2024").unwrap().narrative();
    let (findings, facts) = yusuan::narrative::check(&b, &n, spec);
    assert!(findings.is_empty(), "{findings:#?}");
    // Not silence: its figures were read and compared.
    let agreeing = facts
        .iter()
        .filter(|f| f.outcome == Outcome::Agrees)
        .count();
    assert!(agreeing >= 45, "{agreeing} figures agree");
    assert!(facts.iter().all(|f| f.outcome != Outcome::Differs));
}

#[test]
fn growth_against_the_workbooks_own_earlier_year_is_an_error_with_its_cell() {
    // 表11 gives 2023's income: 293.00 万元.
    let t = Templates::builtin();
    let b = budget("qiaokou-2024.xlsx", &t);
    let text = |s: &str| {
        let mut v = vec!["二、部门预算收入情况说明".to_string()];
        v.push(s.to_string());
        as_docx(&v)
    };
    let ok = text("部门预算收入 324.83 万元，比 2023 年预算增加 31.83 万元，增长 10.9%。");
    assert!(check(&b, &ok, &t).is_empty());
    for (said, why) in [
        ("增加 30.00 万元，增长 10.9%", "应增加"),
        ("增加 31.83 万元，增长 10.7%", "增长率应为 10.9%"),
        ("减少 31.83 万元，下降 10.9%", "应增加"),
    ] {
        let n = text(&format!("部门预算收入 324.83 万元，比 2023 年预算{said}。"));
        let f = check(&b, &n, &t);
        assert_eq!(f.len(), 1, "{said}: {f:#?}");
        assert_eq!((f[0].rule, f[0].severity), ("N.growth", Severity::Error));
        assert!(f[0].message.contains(why), "{}", f[0].message);
        assert!(
            f[0].cells.iter().any(|c| c.sheet.as_ref() == "表11"),
            "{:?}",
            f[0].cells
        );
    }
}

#[test]
fn shares_are_rounding_aware_and_sums_add_up() {
    let t = Templates::builtin();
    let b = budget("qiaokou-2024.xlsx", &t);
    let n = |s: &str| as_docx(&["三、部门预算支出情况说明".to_string(), s.to_string()]);
    // 318.16 / 324.83 = 97.947%: 97.9%, 97.95% and 98% all say it.
    for share in ["97.9%", "97.95%", "98%"] {
        let text =
            format!("2024 年部门支出预算 324.83 万元，其中基本支出 318.16 万元，占 {share}。");
        assert!(check(&b, &n(&text), &t).is_empty(), "{share}");
    }
    let text = "2024 年部门支出预算 324.83 万元，其中基本支出 318.16 万元，占 97.5%。";
    let f = check(&b, &n(text), &t);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].rule, "N.share");
    assert!(f[0].message.contains("97.9%"), "{}", f[0].message);
    // 政府采购 is not in the tables: its parts must add up to it.
    let proc = |total: &str| {
        as_docx(&[
            "（二）政府采购预算安排情况".to_string(),
            format!("2024 年部门预算中纳入政府采购预算支出合计 {total} 万元。包括：货物类 0.12 万元，服务类 0.2 万元，工程类 0 万元。"),
        ])
    };
    assert!(check(&b, &proc("0.32"), &t).is_empty());
    let f = check(&b, &proc("0.42"), &t);
    assert_eq!(seen(&f).len(), 1);
    assert_eq!(f[0].rule, "N.sum", "{f:#?}");
}

#[test]
fn amounts_in_yuan_with_separators_and_full_width_digits_are_read() {
    let t = Templates::builtin();
    let b = budget("qiaokou-2024.xlsx", &t);
    for said in [
        "3,248,300 元",
        "3248300.00元",
        "３２４．８３万元",
        "0.032483 亿元",
    ] {
        let n = as_docx(&[
            "二、部门预算收入情况说明".into(),
            format!("部门预算收入 {said}。"),
        ]);
        let spec = t.get("2024").unwrap().narrative();
        let (f, facts) = yusuan::narrative::check(&b, &n, spec);
        assert!(f.is_empty(), "{said}: {f:#?}");
        assert_eq!(facts.len(), 1, "{said}");
        assert_eq!(facts[0].outcome, Outcome::Agrees, "{said}");
    }
    let n = as_docx(&["部门预算收入 3,248,400 元。".to_string()]);
    let f = check(&b, &n, &t);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, "N.amount");
    assert_eq!(f[0].unit, Some(yusuan::amount::Unit::Yuan));
}

#[test]
fn words_the_vocabulary_does_not_know_before_a_subject_leave_its_amount_unchecked() {
    // `政府采购预算支出` is not `支出`, `非税收入` not `收入`: their amounts are
    // not compared with the department's totals.
    let t = Templates::builtin();
    let b = budget("qiaokou-2024.xlsx", &t);
    for text in [
        "2024 年部门预算中纳入政府采购车辆支出 12.00 万元。",
        "2024 年本部门非税收入 5 万元。",
        "优先保障优秀项目 2 个 6.67 万元。",
    ] {
        let n = as_docx(&[text.to_string()]);
        assert!(check(&b, &n, &t).is_empty(), "{text}");
    }
}

/// A generated narrative as a document: a Word document, or plain text.
fn generated(paragraphs: &[String], seed: u64) -> Narrative {
    if seed.is_multiple_of(2) {
        let bytes = docx::docx(paragraphs);
        read::docx("情况说明.docx", "情况说明.docx", &bytes).unwrap()
    } else {
        let mut bytes = paragraphs.join("\n").into_bytes();
        if seed % 4 == 1 {
            // Written by Notepad on Chinese Windows.
            bytes = encoding_rs::GBK
                .encode(&paragraphs.join("\r\n"))
                .0
                .into_owned();
        }
        read::plain("情况说明.docx", "情况说明.txt", &bytes).unwrap()
    }
}

const SEEDS: u64 = 150;

#[test]
fn generated_consistent_narratives_get_no_finding() {
    let t = Templates::builtin();
    let bases = [
        budget("qiaokou-2024.xlsx", &t),
        budget("wenlv-2024.xlsx", &t),
    ];
    for seed in 0..SEEDS {
        let base = &bases[(seed % 2) as usize];
        let b = department(base, seed);
        let g = narrative(&b, seed, None);
        let n = generated(&g.paragraphs, seed);
        let spec = t.get("2024").unwrap().narrative();
        let (findings, facts) = yusuan::narrative::check(&b, &n, spec);
        assert!(
            findings.is_empty(),
            "seed {seed} ({:?}):\n{}\n{findings:#?}",
            g.applied,
            g.paragraphs.join("\n")
        );
        let compared = facts
            .iter()
            .filter(|f| f.outcome == Outcome::Agrees)
            .count();
        assert!(
            compared >= 30,
            "seed {seed}: only {compared} figures compared"
        );
    }
}

#[test]
fn generated_slips_are_found_every_time_in_their_paragraph() {
    let t = Templates::builtin();
    let bases = [
        budget("qiaokou-2024.xlsx", &t),
        budget("wenlv-2024.xlsx", &t),
    ];
    let mut planted = [0usize; 6];
    for seed in 0..SEEDS * 2 {
        let base = &bases[(seed % 2) as usize];
        let b = department(base, seed);
        let kind = Slip::ALL[(seed / 2 % 6) as usize];
        let g = narrative(&b, seed, Some(kind));
        let Some((slip, at)) = g.slip else { continue };
        planted[Slip::ALL.iter().position(|s| *s == slip).unwrap()] += 1;
        let n = generated(&g.paragraphs, seed);
        let place = n.paragraphs[at].place.clone();
        let findings = check(&b, &n, &t);
        let context = || {
            format!(
                "seed {seed}, {slip:?} in {place} ({:?}):\n{}\n{findings:#?}",
                g.applied,
                g.paragraphs.join("\n")
            )
        };
        assert!(
            findings
                .iter()
                .any(|f| slip.rules().contains(&f.rule) && f.paragraph.as_deref() == Some(&place)),
            "not found: {}",
            context()
        );
        assert!(
            findings
                .iter()
                .all(|f| f.paragraph.as_deref() == Some(&place)),
            "found elsewhere: {}",
            context()
        );
    }
    // Every kind of slip was planted, many times.
    assert!(planted.iter().all(|&n| n >= 20), "{planted:?}");
}

/// The Putuo sample with its narrative sheets replaced by `cells`.
fn putuo_with(cells: &[(String, String, String)]) -> Workbook {
    let mut wb = sample("putuo-2026.xlsx");
    let names: Vec<String> = cells.iter().map(|c| c.0.clone()).collect();
    wb.sheets.retain(|s| !names.contains(&s.name.to_string()));
    for name in names.iter().collect::<std::collections::BTreeSet<_>>() {
        let mut sheet = Sheet::new(name, vec![], vec![]);
        for (s, a1, text) in cells {
            if s == name {
                let col = u32::from(a1.as_bytes()[0] - b'A');
                let row: u32 = a1[1..].parse::<u32>().unwrap() - 1;
                sheet.set(row, col, CellValue::Text(text.clone()));
            }
        }
        wb.sheets.insert(2, sheet);
    }
    wb
}

fn putuo_text(which: &str) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/putuo-2026-narrative.toml"),
    )
    .unwrap();
    let v: toml::Table = toml::from_str(&text).unwrap();
    v[which]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let c = c.as_array().unwrap();
            let s = |i: usize| c[i].as_str().unwrap().to_string();
            (s(0), s(1), s(2))
        })
        .collect()
}

fn putuo_review(wb: &Workbook, t: &Templates) -> (Budget, Vec<Finding>) {
    let mut b = import_workbook(wb, t, &ImportOptions::default()).unwrap();
    assert_eq!(b.source.template, "shanghai-putuo-2026");
    let f = yusuan::narrative::review(&mut b, wb, None, t);
    (b, f)
}

#[test]
fn putuo_narrative_sheets_filled_from_the_sample_get_no_finding() {
    let t = Templates::builtin();
    // As the sample ships: a one-line narrative that agrees.
    let (b, f) = putuo_review(&sample("putuo-2026.xlsx"), &t);
    assert!(f.is_empty(), "{f:#?}");
    assert!(b.narrative.is_some());
    let wb = putuo_with(&putuo_text("filled"));
    let (b, f) = putuo_review(&wb, &t);
    assert!(f.is_empty(), "{f:#?}");
    let r = b.narrative.unwrap();
    let agreeing: Vec<String> = r
        .facts
        .iter()
        .filter(|f| f.outcome == Outcome::Agrees)
        .map(|f| f.subject.clone())
        .collect();
    // Its figures were compared: 收入, 财政拨款, 三公 and its items, 机关运行经费…
    for s in [
        "收入预算",
        "财政拨款收入",
        "三公经费",
        "公务接待费",
        "机关运行经费",
        "行政运行",
    ] {
        assert!(
            agreeing.iter().any(|a| a == s),
            "{s} not compared: {agreeing:?}"
        );
    }
    // The paragraphs are the sheets' cells, line by line.
    assert!(r
        .narrative
        .paragraphs
        .iter()
        .any(|p| p.place == "部门编制说明!A3 第 2 行"));
}

#[test]
fn putuo_placeholders_left_in_are_found_at_their_cell() {
    let t = Templates::builtin();
    // The bureau's blank template: every placeholder is said.
    let (_, f) = putuo_review(&putuo_with(&putuo_text("blank")), &t);
    assert!(f.len() >= 15, "{}", f.len());
    assert!(f.iter().all(|f| f.rule == "N.placeholder"), "{f:#?}");
    assert!(f.iter().any(|f| f.message.contains("若无，则写")), "{f:#?}");
    // One left in a filled one: exactly it, at its cell and line.
    let mut cells = putuo_text("filled");
    cells[1].2 = cells[1]
        .2
        .replacen("收入预算600万元", "收入预算x,xxx万元", 1);
    let (_, f) = putuo_review(&putuo_with(&cells), &t);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].rule, "N.placeholder");
    assert_eq!(f[0].paragraph.as_deref(), Some("部门编制说明!A3 第 1 行"));
    assert_eq!(f[0].cells[0].to_string(), "部门编制说明!A3");
    assert!(f[0].message.contains("x,xxx万元"), "{}", f[0].message);
}

#[test]
fn a_putuo_workbook_without_its_narrative_is_said() {
    let t = Templates::builtin();
    let mut wb = sample("putuo-2026.xlsx");
    wb.sheets.retain(|s| !s.name.contains("说明"));
    let (_, f) = putuo_review(&wb, &t);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!((f[0].rule, f[0].severity), ("N.missing", Severity::Warning));
    // The Wuhan layout publishes it as a separate document: not expected.
    let mut b = budget("qiaokou-2024.xlsx", &t);
    let wb = sample("qiaokou-2024.xlsx");
    assert!(yusuan::narrative::review(&mut b, &wb, None, &t).is_empty());
    assert!(b.narrative.is_none());
}

#[test]
fn damaged_documents_are_said_never_a_panic() {
    let good = docx::docx(&["收入 1 万元"]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", vec![], "不是 zip 包"),
        ("text", b"hello".to_vec(), "不是 zip 包"),
        (
            "old Word",
            [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0].to_vec(),
            ".doc",
        ),
        ("cut", good[..good.len() / 2].to_vec(), "损坏"),
        (
            "not Word",
            {
                let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
                z.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
                    .unwrap();
                std::io::Write::write_all(&mut z, b"<workbook/>").unwrap();
                z.finish().unwrap().into_inner()
            },
            "word/document.xml",
        ),
        (
            "bad XML",
            {
                let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
                z.start_file(
                    "word/document.xml",
                    zip::write::SimpleFileOptions::default(),
                )
                .unwrap();
                std::io::Write::write_all(&mut z, b"<w:document><w:body><w:p></w:x></w:body>")
                    .unwrap();
                z.finish().unwrap().into_inner()
            },
            "document.xml",
        ),
    ];
    for (what, bytes, says) in cases {
        let e = read::docx("a.docx", "a.docx", &bytes)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("a.docx: ") && e.contains(says), "{what}: {e}");
    }
    assert_eq!(
        read::docx("a.docx", "a.docx", &good)
            .unwrap()
            .paragraphs
            .len(),
        1
    );
}
