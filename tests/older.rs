//! An older (2022) workbook: ten tables, one 一般公共预算支出表, no forms, a
//! 收入总表 without 财政专户管理资金 and 单位资金, saved as .xls. It is read by
//! the 2022 template, checks clean, and comes out in the 2024 layout.

mod common;

use std::path::{Path, PathBuf};
use yusuan::model::TableId;

use yusuan::import::{import_file, ImportOptions};
use yusuan::model::{Budget, Severity};
use yusuan::reconcile::check;
use yusuan::template::Templates;

#[path = "common/bin.rs"]
mod bin;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn import(p: &Path, template: Option<&str>) -> Budget {
    let opts = ImportOptions {
        template: template.map(String::from),
        ..Default::default()
    };
    import_file(p, &Templates::builtin(), &opts).unwrap()
}

/// The tables both sets have, with 表2's 2024-only columns left out.
fn shared(b: &Budget) -> serde_json::Value {
    let mut v = common::content(b);
    let t = v["tables"].as_object_mut().unwrap();
    for id in [TableId::T5_2, TableId::T11, TableId::T12] {
        t.remove(id.as_str());
    }
    let t2 = &mut t["t2"];
    let mut rows: Vec<serde_json::Value> = t2["rows"].as_array().unwrap().clone();
    rows.push(t2["total"].clone());
    for row in rows.iter_mut() {
        let amounts = row["amounts"].as_object_mut().unwrap();
        for k in ["cur_special", "carry_special", "carry_unit"] {
            amounts.remove(k);
        }
    }
    let total = rows.pop().unwrap();
    t2["rows"] = serde_json::Value::Array(rows);
    t2["total"] = total;
    // Notes carry the year (本单位 2022 年无…), which differs by design.
    for t in v["tables"].as_object_mut().unwrap().values_mut() {
        if let Some(m) = t.get_mut("meta").and_then(|m| m.as_object_mut()) {
            m.remove("notes");
        }
    }
    v.as_object_mut().unwrap().remove("year");
    v
}

#[test]
fn a_2022_xls_is_read_by_the_2022_template_with_every_figure() {
    for file in ["wenlv-2022.xls", "wenlv-2022.xlsx"] {
        let b = import(&sample(file), None);
        assert_eq!(b.source.template, "2022", "{file}");
        assert_eq!(b.year, Some(2022));
        let serious: Vec<_> = b
            .diagnostics
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
            .collect();
        assert!(
            serious.is_empty(),
            "{file}: no table of the 2022 set is missing: {serious:#?}"
        );
        assert!(b.tables.t5_2.is_none() && b.tables.t11.is_none() && b.tables.t12.is_empty());
        assert!(b
            .tables
            .t2
            .as_ref()
            .unwrap()
            .meta
            .columns
            .iter()
            .all(|c| c.key != "carry_unit"));
        // The same department's figures as read from its 2024 workbook (checked
        // figure by figure against the fixture in tests/reference.rs).
        assert_eq!(
            shared(&b),
            shared(&import(&sample("wenlv-2024.xlsx"), None)),
            "{file}"
        );
        assert!(check(&b).is_empty(), "{file}: {:#?}", check(&b));
    }
}

#[test]
fn a_2024_workbook_is_still_read_by_the_2024_template() {
    for file in [
        "qiaokou-2024.xlsx",
        "wenlv-2024.xlsx",
        "wenlv-2024-quirks.xls",
        "wenlv-2024-sheetnames.xlsx",
    ] {
        assert_eq!(
            import(&sample(file), None).source.template,
            "2024",
            "{file}"
        );
    }
}

#[test]
fn a_2022_workbook_comes_out_in_the_2024_layout() {
    let dir = tempfile::tempdir().unwrap();
    bin::yusuan_ok([
        "convert",
        sample("wenlv-2022.xls").to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
        "--to",
        "xlsx",
    ]);
    let out = dir.path().join("wenlv-2022.xlsx");
    let wb = yusuan::workbook::Workbook::open(&out).unwrap();
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "封面", "表1", "表2", "表3", "表4", "表5-1", "表5-2", "表6", "表7", "表8", "表9",
            "表10", "表11", "表12"
        ],
        "a cover, then the 2024 numbering, the tables 2022 lacks present"
    );
    // Those say on paper that the source had none; the cover says it too.
    for (i, title) in [
        (6, "一般公共预算支出表(分单位)"),
        (12, "部门整体支出绩效目标表"),
        (13, "项目支出绩效目标表"),
    ] {
        let note = wb.sheets[i].get(2, 0).as_text();
        assert!(
            note.starts_with("源工作簿无此表：本部门 2022 年的源工作簿（按 2022 模板编制）没有")
                && note.contains(title),
            "{}: {note}",
            wb.sheets[i].name
        );
    }
    let cover: Vec<String> = (0..wb.sheets[0].height())
        .map(|r| wb.sheets[0].get(r, 1).as_text())
        .collect();
    assert!(
        cover.contains(&"一般公共预算支出表(分单位)（源工作簿无此表）".to_string()),
        "{cover:?}"
    );
    assert_eq!(
        wb.sheets[0].get(0, 0).as_text(),
        "武汉市硚口区文化和旅游局2022年部门预算公开表"
    );
    let title = |i: usize| wb.sheets[i + 1].get(0, 0).as_text();
    assert_eq!(
        (title(0), title(4)),
        (
            "2022年收支总表".to_string(),
            "2022年一般公共预算支出表(分功能科目)".to_string()
        ),
        "2024 titles, with the year so it survives the round trip"
    );
    let t2_header: Vec<String> = (0..19).map(|c| wb.sheets[2].get(3, c).as_text()).collect();
    assert_eq!(
        t2_header[18], "单位资金",
        "表2 in the 2024 columns: {t2_header:?}"
    );
    // Read as a 2024 workbook it holds the same figures; the columns 2022 did
    // not have are there and empty, and the 2024-only tables are reported
    // missing: a placeholder is never taken for its table.
    let b = import(&out, Some("2024"));
    assert_eq!(shared(&b), shared(&import(&sample("wenlv-2022.xls"), None)));
    let t2 = b.tables.t2.as_ref().unwrap();
    assert!(t2
        .rows
        .iter()
        .all(|r| r.amounts["carry_unit"].yuan.is_zero()));
    let missing: Vec<TableId> = b
        .diagnostics
        .iter()
        .filter(|d| d.rule == "S.missing_table")
        .filter_map(|d| d.table)
        .collect();
    assert_eq!(missing, [TableId::T5_2, TableId::T11, TableId::T12]);
}

/// The 2023-and-earlier set with the performance forms: the 2024 tables but
/// one 一般公共预算支出表 (表5, not split by unit). Read by the 2023 template
/// (made from the 2024 one by `extends` and `omit`), with every figure of
/// 表5 as 5-1 and no missing-table error; `inspect`'s reason says why.
#[test]
fn the_2023_set_with_one_general_budget_table_reads_as_5_1_without_a_missing_table() {
    use yusuan::import::import_workbook;
    use yusuan::workbook::{CellValue, Workbook};
    let templates = Templates::builtin();
    let base = import(&sample("wenlv-2024.xlsx"), None);
    let mut wb = Workbook::open(sample("wenlv-2024.xlsx")).unwrap();
    wb.sheets.retain(|s| &*s.name != "表5-2");
    let t5 = wb.sheets.iter_mut().find(|s| &*s.name == "表5-1").unwrap();
    t5.set(0, 0, CellValue::Text("2023年一般公共预算支出表".into()));
    // As its own year says it throughout (titles, notes), or by --year.
    let mut said = wb.clone();
    for s in &mut said.sheets {
        for r in 0..s.height() {
            for c in 0..s.row(r).len() as u32 {
                if let CellValue::Text(t) = s.get(r, c).clone() {
                    s.set(r, c, CellValue::Text(t.replace("2024", "2023")));
                }
            }
        }
    }
    for (wb, year) in [(&wb, Some(2023)), (&said, None)] {
        let opts = ImportOptions {
            year,
            ..Default::default()
        };
        let why = "找到其 12 张表中的 12 张，适用于 2023 年";
        let b = import_workbook(wb, &templates, &opts).unwrap();
        assert_eq!(b.source.template, "2023", "{}", b.source.template_reason);
        assert!(
            b.source.template_reason.contains(why),
            "{}",
            b.source.template_reason
        );
        let findings = check(&b);
        assert!(
            findings.iter().all(|f| f.rule != "S.missing_table"),
            "{findings:#?}"
        );
        assert_eq!(
            serde_json::to_value(&b.tables.t5_1.as_ref().unwrap().rows).unwrap(),
            serde_json::to_value(&base.tables.t5_1.as_ref().unwrap().rows).unwrap()
        );
        assert!(b.tables.t5_2.is_none());
        assert!(
            findings.iter().all(|f| f.severity != Severity::Error),
            "{findings:#?}"
        );
    }
}

#[test]
fn a_template_made_from_another_changes_only_what_it_says() {
    let t = Templates::builtin();
    let (t2023, t2024) = (t.get("2023").unwrap(), t.get("2024").unwrap());
    let ids = |t: &yusuan::template::Template| t.tables.iter().map(|s| s.id).collect::<Vec<_>>();
    let mut want = ids(t2024);
    want.retain(|id| *id != TableId::T5_2);
    assert_eq!(ids(t2023), want);
    let (a, b) = (
        t2023.table(TableId::T5_1).unwrap(),
        t2024.table(TableId::T5_1).unwrap(),
    );
    assert_eq!((a.number.as_str(), b.number.as_str()), ("5", "5-1"));
    assert_eq!(
        a.columns.len(),
        b.columns.len(),
        "columns come from the base"
    );
    assert_eq!(t2023.default_unit, t2024.default_unit);
    let bad = yusuan::template::Template::parse_with(
        "id = \"x\"\nextends = \"1999\"\n",
        "x.toml",
        &t.all,
    )
    .unwrap_err()
    .to_string();
    assert!(bad.contains("extends = \"1999\""), "{bad}");
}
