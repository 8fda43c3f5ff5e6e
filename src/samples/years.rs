//! Departments' several years: a 2024 budget made into the same
//! department's 2022, 2023 and 2024 budgets that restate each other's
//! figures ([`three_years`]), and into as many distinct departments as a
//! bulk run needs ([`renamed`], [`nth_department`]), each year written in
//! its own year's built-in layout and laid out by the variator
//! ([`laid_out`]). Consistent: the cross-year rules (`Y.*`) find nothing
//! and no two departments share an identity.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;

use super::variants::vary;
use crate::export::xlsx::XlsxError;
use crate::import::{import_workbook, ImportOptions};
use crate::model::{Budget, CodedTable, FormValue, TableMeta, Tables};
use crate::template::Templates;
use crate::workbook::Workbook;

/// The years [`three_years`] makes, each with its built-in template.
pub const YEARS: [(i32, &str); 3] = [(2022, "2022"), (2023, "2023"), (2024, "2024")];

/// The most departments [`nth_department`] names: department codes have
/// three digits.
pub const MAX_DEPARTMENTS: usize = 1000;

/// Why a year's workbook could not be made.
#[derive(Debug, thiserror::Error)]
pub enum YearsError {
    #[error("模板 {0} 不是内置模板")]
    NoTemplate(String),
    #[error(transparent)]
    Write(#[from] XlsxError),
    #[error(transparent)]
    Read(#[from] crate::Error),
}

/// Sets a 表11 资金情况 column (`prev1`, `prev2`) of every line to the
/// 当年 column's figure.
pub fn restate_funds(b: &mut Budget, col: &str) {
    let Some(block) = b
        .tables
        .t11
        .as_mut()
        .and_then(|f| f.blocks.iter_mut().find(|x| x.key == "funds"))
    else {
        return;
    };
    for row in &mut block.rows {
        let current = row.get("current").and_then(FormValue::as_amount).cloned();
        if let (Some(c), Some(FormValue::Amount(a))) = (current, row.get_mut(col)) {
            a.yuan = c.yuan;
        }
    }
}

/// Sets the header year of a 表11 资金情况 column.
pub fn funds_header(b: &mut Budget, col: &str, year: i32) {
    let Some(block) = b
        .tables
        .t11
        .as_mut()
        .and_then(|f| f.blocks.iter_mut().find(|x| x.key == "funds"))
    else {
        return;
    };
    block.columns.insert(col.to_string(), format!("{year}年"));
}

/// Each 表12 form's 前两年 rows say, for each year, the project's 表10 合计
/// as its 预算数 and 执行数 (a rate of 100%).
pub fn restate_projects(b: &mut Budget) {
    let totals: BTreeMap<String, Decimal> = b
        .tables
        .t10
        .iter()
        .flat_map(|t| &t.rows)
        .filter(|r| r.level.as_deref() == Some("项目"))
        .filter_map(|r| Some((r.name.trim().to_string(), r.amount("total")?.yuan)))
        .collect();
    for f in &mut b.tables.t12 {
        let name = f
            .field_text("project_name")
            .unwrap_or("")
            .trim()
            .to_string();
        let Some(total) = totals
            .iter()
            .find(|(n, _)| n.contains(&name) || name.contains(n.as_str()))
            .map(|(_, t)| *t)
        else {
            continue;
        };
        for block in f.blocks.iter_mut().filter(|x| x.key == "past_budgets") {
            for row in &mut block.rows {
                for k in ["budget", "spent"] {
                    if let Some(FormValue::Amount(a)) = row.get_mut(k) {
                        a.yuan = total;
                    }
                }
                if let Some(FormValue::Percent { percent, .. }) = row.get_mut("rate") {
                    *percent = Decimal::from(100);
                }
            }
        }
    }
}

/// Every table's metadata.
fn metas_mut(t: &mut Tables) -> Vec<&mut TableMeta> {
    let mut out: Vec<&mut TableMeta> = Vec::new();
    out.extend(t.t1.as_mut().map(|t| &mut t.meta));
    out.extend(t.t4.as_mut().map(|t| &mut t.meta));
    out.extend(t.t7.as_mut().map(|t| &mut t.meta));
    for c in [
        &mut t.t2,
        &mut t.t3,
        &mut t.t5_1,
        &mut t.t5_2,
        &mut t.t6,
        &mut t.t8,
        &mut t.t9,
        &mut t.t10,
    ] {
        out.extend(c.as_mut().map(|t| &mut t.meta));
    }
    out.extend(t.t11.as_mut().map(|t| &mut t.meta));
    out.extend(t.t12.iter_mut().map(|t| &mut t.meta));
    out
}

/// The budget of `from` as the budget of `to`: its year, and the year its
/// tables' titles and notes name (`2024年区直部门整体支出绩效目标申报表`,
/// `本单位 2024 年无国有资本经营预算。`), so the earlier year's workbook is a
/// consistent budget of its own year (no `S.one_budget`, no
/// `X.empty_note`).
fn dated(b: &Budget, from: i32, to: i32) -> Budget {
    let mut b = b.clone();
    b.year = Some(to);
    let (from, to) = (from.to_string(), to.to_string());
    for m in metas_mut(&mut b.tables) {
        let texts = m
            .title
            .iter_mut()
            .map(|t| &mut t.text)
            .chain(m.notes.iter_mut().map(|n| &mut n.text));
        for t in texts {
            if t.contains(&from) {
                *t = t.replace(&from, &to);
            }
        }
    }
    b
}

/// A department's 2022, 2023 and 2024 budgets from its 2024 budget: the
/// same figures each year, so each later year's 表11 past columns and 表12
/// 前两年 rows restate the earlier years as they are (continuing projects
/// keep their codes). Each year's titles and notes name its year; 2023's
/// 表11 columns are headed 2022 and 2021; 2022's budget is the 2022
/// template's ten tables (no 表5-2, no forms).
pub fn three_years(later: &Budget) -> [Budget; 3] {
    let mut y2024 = later.clone();
    y2024.year = Some(2024);
    for col in ["prev1", "prev2"] {
        restate_funds(&mut y2024, col);
    }
    restate_projects(&mut y2024);
    let mut y2023 = dated(&y2024, 2024, 2023);
    funds_header(&mut y2023, "prev1", 2022);
    funds_header(&mut y2023, "prev2", 2021);
    let mut y2022 = dated(&y2024, 2024, 2022);
    y2022.tables.t11 = None;
    y2022.tables.t12.clear();
    y2022.tables.t5_2 = None;
    [y2022, y2023, y2024]
}

/// Districts the generated departments belong to.
const DISTRICTS: &[&str] = &[
    "武汉市硚口区",
    "武汉市江岸区",
    "武汉市江汉区",
    "武汉市汉阳区",
    "武汉市武昌区",
    "武汉市青山区",
    "武汉市洪山区",
    "武汉市东西湖区",
    "武汉市汉南区",
    "武汉市蔡甸区",
    "武汉市江夏区",
    "武汉市黄陂区",
    "武汉市新洲区",
    "宜昌市西陵区",
    "宜昌市伍家岗区",
    "宜昌市点军区",
    "宜昌市猇亭区",
    "宜昌市夷陵区",
    "襄阳市襄城区",
    "襄阳市樊城区",
    "襄阳市襄州区",
    "黄石市黄石港区",
    "黄石市西塞山区",
    "黄石市下陆区",
    "黄石市铁山区",
    "荆州市沙市区",
    "荆州市荆州区",
    "十堰市茅箭区",
    "十堰市张湾区",
    "十堰市郧阳区",
];

/// A district's departments.
const BUREAUS: &[&str] = &[
    "文化和旅游局",
    "教育局",
    "财政局",
    "民政局",
    "司法局",
    "人力资源局",
    "自然资源和规划局",
    "生态环境分局",
    "住房和城市更新局",
    "交通运输局",
    "水务和湖泊局",
    "农业农村局",
    "商务局",
    "卫生健康局",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "城市管理执法局",
    "科学技术和经济信息化局",
    "发展和改革局",
    "档案馆",
    "机关事务服务中心",
    "园林和林业局",
    "政务服务和大数据管理局",
    "信访局",
    "民族宗教事务局",
    "人民防空办公室",
    "地方金融工作局",
    "体育局",
    "房屋管理局",
    "企业服务中心",
];

/// The code and name of department `i` of a batch (`i` below
/// [`MAX_DEPARTMENTS`]): no two alike. Department 0 is the multi-unit
/// sample's own, 145 武汉市硚口区文化和旅游局; the codes follow from it
/// (146, 147, … 999, 000, 001, …).
///
/// # Panics
/// When `i` is [`MAX_DEPARTMENTS`] or more: three digits name no more.
pub fn nth_department(i: usize) -> (String, String) {
    assert!(
        i < MAX_DEPARTMENTS && MAX_DEPARTMENTS <= DISTRICTS.len() * BUREAUS.len(),
        "department {i}: at most {MAX_DEPARTMENTS} departments have a code of their own"
    );
    let code = format!("{:03}", (145 + i) % MAX_DEPARTMENTS);
    let name = format!(
        "{}{}",
        DISTRICTS[i % DISTRICTS.len()],
        BUREAUS[i / DISTRICTS.len()]
    );
    (code, name)
}

/// The budget of another department: `code` and `name` wherever the model
/// holds the department's — its own, its units' codes (the department code
/// and three digits), the 部门 and 单位 rows of the coded tables (表2,
/// 表5-2, 表10) and their children's parents, 表10's project codes (which
/// carry the department code after the district's six digits and the
/// year's two), each name that contains the department's (the 本级 unit,
/// 表10 项目单位, 表11 and 表12 部门 and 实施单位).
pub fn renamed(b: &mut Budget, code: &str, name: &str) {
    let old_code = b.department.code.clone().unwrap_or_default();
    let old_name = b.department.name.clone().unwrap_or_default();
    let recode = |c: &str| -> Option<String> {
        if old_code.is_empty() {
            return None;
        }
        let rest = c.strip_prefix(old_code.as_str())?;
        (rest.is_empty() || rest.len() == 3).then(|| format!("{code}{rest}"))
    };
    let reproject = |c: &str| -> Option<String> {
        let at = 8;
        (!old_code.is_empty() && c.get(at..at + old_code.len()) == Some(old_code.as_str()))
            .then(|| format!("{}{code}{}", &c[..at], &c[at + old_code.len()..]))
    };
    let rename = |s: &mut String| {
        if !old_name.is_empty() && s.contains(old_name.as_str()) {
            *s = s.replace(old_name.as_str(), name);
        }
    };
    b.department.code = Some(code.to_string());
    b.department.name = Some(name.to_string());
    for u in &mut b.units {
        if let Some(c) = recode(&u.code) {
            u.code = c;
        }
        rename(&mut u.name);
    }
    if let Some(u) = &mut b.budget_unit {
        if let Some(c) = u.code.as_deref().and_then(recode) {
            u.code = Some(c);
        }
        if let Some(n) = &mut u.name {
            rename(n);
        }
    }
    let mut projects: BTreeMap<String, String> = BTreeMap::new();
    let t = &mut b.tables;
    let coded: [&mut Option<CodedTable>; 8] = [
        &mut t.t2,
        &mut t.t3,
        &mut t.t5_1,
        &mut t.t5_2,
        &mut t.t6,
        &mut t.t8,
        &mut t.t9,
        &mut t.t10,
    ];
    for table in coded.into_iter().flatten() {
        // The department's and units' codes in this table, old → new.
        let mut org: BTreeMap<String, String> = BTreeMap::new();
        for r in &mut table.rows {
            let level = r.level.as_deref();
            let new = match (level, r.code.as_deref()) {
                (Some("部门" | "单位"), Some(c)) => recode(c),
                (Some("项目"), Some(c)) => reproject(c),
                _ => None,
            };
            if let (Some(old), Some(new)) = (r.code.clone(), new) {
                if level == Some("项目") {
                    projects.insert(old.clone(), new.clone());
                } else {
                    org.insert(old, new.clone());
                }
                r.code = Some(new);
            }
            if matches!(level, Some("部门" | "单位" | "项目")) {
                rename(&mut r.name);
                for v in r.texts.values_mut() {
                    rename(v);
                }
            }
        }
        for r in &mut table.rows {
            if let Some(new) = r.parent.as_ref().and_then(|p| org.get(p)) {
                r.parent = Some(new.clone());
            }
        }
    }
    for f in t.t11.iter_mut().chain(t.t12.iter_mut()) {
        let values = f.fields.values_mut().chain(
            f.blocks
                .iter_mut()
                .flat_map(|x| x.rows.iter_mut())
                .flat_map(|r| r.values_mut()),
        );
        for v in values {
            if let FormValue::Text(t) = v {
                if let Some(new) = projects.get(t.text.trim()) {
                    t.text = new.clone();
                }
                rename(&mut t.text);
            }
        }
    }
}

/// A budget written in the layout of the built-in template `template`,
/// as a workbook.
///
/// # Errors
/// [`YearsError`]: no such template, or the writer's or reader's error.
pub fn written(b: &Budget, templates: &Templates, template: &str) -> Result<Workbook, YearsError> {
    let t = templates
        .get(template)
        .ok_or_else(|| YearsError::NoTemplate(template.to_string()))?;
    let written = crate::export::layout::write_as(b, t)?;
    Ok(Workbook::from_bytes(Path::new("year.xlsx"), &written.bytes).map_err(crate::Error::from)?)
}

/// As [`written`], then read back and laid out anew by the variator with
/// `seed`.
///
/// # Errors
/// As [`written`], and the reader's error on the written workbook.
pub fn laid_out(
    b: &Budget,
    templates: &Templates,
    template: &str,
    seed: u64,
) -> Result<Workbook, YearsError> {
    let wb = written(b, templates, template)?;
    let base = import_workbook(&wb, templates, &ImportOptions::default())?;
    Ok(vary(&wb, &base, seed).workbook)
}
