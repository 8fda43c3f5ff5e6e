//! A sample in another bureau's layout: 上海市普陀区's 2026 部门预算公开表,
//! nine tables laid out as that bureau's official template prints them
//! (titles on row 2, `编制部门：` with `单位：元` on row 4, headers over 类 | 款
//! | 项 code columns, 合计 rows at the foot with the label merged across the
//! code and name columns, 表4's expenditure split by fund, 三公 with
//! 机关运行经费 in 万元, a bare `无` for an empty table, a cover, a contents
//! sheet and narrative sheets). The figures are made up and consistent.
//! Read by `templates/shanghai-putuo-2026.toml`.

use std::collections::BTreeMap;

use super::grid::Grid;
use crate::workbook::{CellValue, Merge, Sheet, Workbook};

const DEPT: &str = "上海市普陀区文化和旅游局";

/// A functional (or economic) classification leaf with its figures in 元.
struct Leaf {
    code: &'static str,
    names: [&'static str; 3],
    /// Columns by key, in 元.
    figures: &'static [(&'static str, i64)],
}

/// 功能分类: 类 / 款 / 项 names of each leaf; figures per table.
const EXPENSE: &[Leaf] = &[
    Leaf {
        code: "2070101",
        names: ["文化旅游体育与传媒支出", "文化和旅游", "行政运行"],
        figures: &[("basic", 3_000_000), ("fiscal", 3_000_000)],
    },
    Leaf {
        code: "2070109",
        names: ["文化旅游体育与传媒支出", "文化和旅游", "群众文化"],
        figures: &[
            ("project", 1_400_000),
            ("fiscal", 1_200_000),
            ("business", 200_000),
        ],
    },
    Leaf {
        code: "2079999",
        names: [
            "文化旅游体育与传媒支出",
            "其他文化旅游体育与传媒支出",
            "其他文化旅游体育与传媒支出",
        ],
        figures: &[("project", 500_000), ("fiscal", 500_000)],
    },
    Leaf {
        code: "2080505",
        names: [
            "社会保障和就业支出",
            "行政事业单位养老支出",
            "机关事业单位基本养老保险缴费支出",
        ],
        figures: &[("basic", 400_000), ("fiscal", 400_000)],
    },
    Leaf {
        code: "2101101",
        names: ["卫生健康支出", "行政事业单位医疗", "行政单位医疗"],
        figures: &[("basic", 150_000), ("fiscal", 150_000)],
    },
    Leaf {
        code: "2210201",
        names: ["住房保障支出", "住房改革支出", "住房公积金"],
        figures: &[("basic", 250_000), ("fiscal", 250_000)],
    },
    Leaf {
        code: "2296002",
        names: [
            "其他支出",
            "彩票公益金安排的支出",
            "用于社会福利的彩票公益金支出",
        ],
        figures: &[("project", 300_000), ("fiscal", 300_000), ("gf", 300_000)],
    },
];

/// 经济分类 basic expenditure (人员经费 / 公用经费), 类 / 款.
const ECONOMIC: &[(&str, &str, &str, i64, i64)] = &[
    ("30101", "工资福利支出", "基本工资", 1_200_000, 0),
    ("30102", "工资福利支出", "津贴补贴", 900_000, 0),
    (
        "30108",
        "工资福利支出",
        "机关事业单位基本养老保险缴费",
        400_000,
        0,
    ),
    ("30110", "工资福利支出", "职工基本医疗保险缴费", 150_000, 0),
    ("30113", "工资福利支出", "住房公积金", 250_000, 0),
    ("30199", "工资福利支出", "其他工资福利支出", 300_000, 0),
    ("30201", "商品和服务支出", "办公费", 0, 200_000),
    ("30217", "商品和服务支出", "公务接待费", 0, 20_000),
    ("30231", "商品和服务支出", "公务用车运行维护费", 0, 80_000),
    ("30299", "商品和服务支出", "其他商品和服务支出", 0, 300_000),
];

/// One sheet being laid out.
struct Page(Grid);

impl Page {
    fn new(name: &str) -> Page {
        Page(Grid::new(name))
    }

    fn set(&mut self, r: u32, c: u32, v: CellValue) {
        self.0.set(r, c, v);
    }

    fn text(&mut self, r: u32, c: u32, t: &str) {
        self.set(r, c, CellValue::Text(t.into()));
    }

    fn num(&mut self, r: u32, c: u32, yuan: i64) {
        self.set(r, c, CellValue::Number(yuan as f64));
    }

    fn merge(&mut self, first_row: u32, first_col: u32, last_row: u32, last_col: u32) {
        self.0.merges.push(Merge {
            first_row,
            first_col,
            last_row,
            last_col,
        });
    }

    /// Title on row 2 across `width` columns, 编制部门 and the unit on row 4.
    fn head(&mut self, title: &str, width: u32, unit: &str) {
        self.text(1, 0, &format!("2026年{title}"));
        self.merge(1, 0, 1, width - 1);
        self.text(3, 0, &format!("编制部门：{DEPT}"));
        self.merge(3, 0, 3, 2);
        self.text(3, width - 1, &format!("单位：{unit}"));
    }

    /// Header cells, each merged as it says, in order.
    fn cells(&mut self, cells: &[HeadCell]) {
        for &(r, c, t, to) in cells {
            self.text(r, c, t);
            if let Some((last_row, last_col)) = to {
                self.merge(r, c, last_row, last_col);
            }
        }
    }

    fn sheet(self) -> Sheet {
        self.0.sheet()
    }
}

/// Sums of a column over leaves, by code prefix, in tree order: (code parts,
/// name, sums), 类 then 款 then 项.
fn tree(leaves: &[&Leaf], keys: &[&str]) -> Vec<([String; 3], String, Vec<i64>)> {
    let mut order: Vec<String> = Vec::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut sums: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for l in leaves {
        for (depth, len) in [3usize, 5, 7].into_iter().enumerate() {
            let code = l.code[..len].to_string();
            if !order.contains(&code) {
                order.push(code.clone());
            }
            names.insert(code.clone(), l.names[depth].to_string());
            let s = sums.entry(code).or_insert_with(|| vec![0; keys.len()]);
            // `total` is the sum of the table's other columns.
            let of = |k: &str| {
                l.figures
                    .iter()
                    .find(|(x, _)| *x == k)
                    .map_or(0, |(_, v)| *v)
            };
            let total: i64 = keys.iter().filter(|k| **k != "total").map(|k| of(k)).sum();
            for (i, k) in keys.iter().enumerate() {
                s[i] += if *k == "total" { total } else { of(k) };
            }
        }
    }
    order
        .into_iter()
        .map(|code| {
            let parts = [
                code[..3].to_string(),
                code.get(3..5).unwrap_or("").to_string(),
                code.get(5..7).unwrap_or("").to_string(),
            ];
            let name = names[&code].clone();
            (parts, name, sums[&code].clone())
        })
        .collect()
}

/// A table by 功能分类 类 | 款 | 项 (表2, 表3, 表5, 表8, 表9): `amounts` are
/// (header, column key of the leaves), the first being 合计.
fn functional(
    name: &str,
    title: &str,
    group: &str,
    amounts: &[(&str, &str)],
    leaves: &[&Leaf],
) -> Sheet {
    let width = 4 + amounts.len() as u32;
    let mut p = Page::new(name);
    p.head(title, width, "元");
    p.text(5, 0, "项目");
    p.merge(5, 0, 5, 3);
    p.text(5, 4, group);
    p.merge(5, 4, 5, width - 1);
    p.text(6, 0, "功能分类科目编码");
    p.merge(6, 0, 6, 2);
    p.text(6, 3, "功能分类科目名称");
    p.merge(6, 3, 7, 3);
    for (i, (h, _)) in amounts.iter().enumerate() {
        p.text(6, 4 + i as u32, h);
        p.merge(6, 4 + i as u32, 7, 4 + i as u32);
    }
    for (i, w) in ["类", "款", "项"].iter().enumerate() {
        p.text(7, i as u32, w);
    }
    let keys: Vec<&str> = amounts.iter().map(|(_, k)| *k).collect();
    let rows = tree(leaves, &keys);
    let mut r = 8;
    if rows.is_empty() {
        // An empty table, as this bureau marks it.
        p.text(r, 0, "无");
        r += 1;
    }
    let mut total = vec![0; keys.len()];
    for (parts, label, sums) in &rows {
        for (i, part) in parts.iter().enumerate() {
            if !part.is_empty() {
                p.text(r, i as u32, part);
            }
        }
        p.text(r, 3, label);
        for (i, v) in sums.iter().enumerate() {
            p.num(r, 4 + i as u32, *v);
        }
        if parts[1].is_empty() {
            for (t, v) in total.iter_mut().zip(sums) {
                *t += v;
            }
        }
        r += 1;
    }
    r += 2;
    p.text(r, 0, "合计");
    p.merge(r, 0, r, 3);
    for (i, v) in total.iter().enumerate() {
        p.num(r, 4 + i as u32, *v);
    }
    p.sheet()
}

/// A header cell: its text at (row, column), merged down and right to
/// (row, column) when given.
type HeadCell = (u32, u32, &'static str, Option<(u32, u32)>);

/// The contents sheet's titles, after `2026年`.
const CONTENTS: [&str; 9] = [
    "部门财务收支预算总表",
    "部门收入预算总表",
    "部门支出预算总表",
    "部门财政拨款收支预算总表",
    "部门一般公共预算支出功能分类预算表",
    "部门政府性基金预算支出功能分类预算表",
    "部门国有资本经营预算支出功能分类预算表",
    "部门一般公共预算基本支出部门预算经济分类预算表",
    "部门“三公”经费和机关运行经费预算表",
];

/// 表1's headers under its title.
const FINANCE_HEAD: &[HeadCell] = &[
    (5, 0, "本年收入", Some((5, 1))),
    (5, 2, "本年支出", Some((5, 3))),
    (6, 0, "项目", None),
    (6, 1, "预算数", None),
    (6, 2, "项目", None),
    (6, 3, "预算数", None),
];

/// 表4's headers under its title: expenditure split by fund.
const FISCAL_HEAD: &[HeadCell] = &[
    (5, 0, "财政拨款收入", Some((5, 1))),
    (5, 2, "财政拨款支出", Some((5, 6))),
    (6, 0, "项目", None),
    (6, 1, "预算数", None),
    (6, 2, "项目", None),
    (6, 3, "合计", None),
    (6, 4, "一般公共预算", None),
    (6, 5, "政府性基金预算", None),
    (6, 6, "国有资本经营预算", None),
];

/// The 经济分类 table's headers under its title: 类 | 款 codes, the name,
/// 合计 | 人员经费 | 公用经费.
const ECONOMIC_HEAD: &[HeadCell] = &[
    (5, 0, "项目", Some((5, 2))),
    (5, 3, "一般公共预算基本支出", Some((5, 5))),
    (6, 0, "部门预算经济分类科目编码", Some((6, 1))),
    (6, 2, "经济分类科目名称", Some((7, 2))),
    (6, 3, "合计", Some((7, 3))),
    (6, 4, "人员经费", Some((7, 4))),
    (6, 5, "公用经费", Some((7, 5))),
    (7, 0, "类", None),
    (7, 1, "款", None),
];

/// The 三公 table's title and the headers under its 编制部门 line.
const THREE_PUBLIC_TITLE: HeadCell = (
    1,
    0,
    "2026年部门“三公”经费和机关运行经费预算表",
    Some((1, 6)),
);
const THREE_PUBLIC_HEAD: &[HeadCell] = &[
    (2, 6, "单位:万元", None),
    (3, 0, "“三公”经费预算数", Some((3, 5))),
    (3, 6, "机关运行经费预算数", Some((5, 6))),
    (4, 0, "合计", Some((5, 0))),
    (4, 1, "因公出国(境)费", Some((5, 1))),
    (4, 2, "公务接待费", Some((5, 2))),
    (4, 3, "公务用车购置及运行费", Some((4, 5))),
    (5, 3, "小计", None),
    (5, 4, "购置费", None),
    (5, 5, "运行费", None),
];

/// 三公 in 万元 (合计, 因公出国(境)费, 公务接待费, 公务用车 小计, 购置费,
/// 运行费) and 机关运行经费.
const THREE_PUBLIC: [f64; 7] = [10.0, 0.0, 2.0, 8.0, 0.0, 8.0, 60.0];

/// The amount columns of the tables of expenditure by kind.
const BY_KIND: &[(&str, &str)] = &[
    ("合计", "total"),
    ("基本支出", "basic"),
    ("项目支出", "project"),
];

/// 表1 and 表4's rows: where the income lines and expenditure classes
/// start, and the row of the totals.
const FIRST_LINE: u32 = 7;
const TOTALS_ROW: u32 = 20;

/// `一、` … for the expenditure classes.
const ORD: [&str; 5] = ["一", "二", "三", "四", "五"];

/// The expenditure leaves, all and by fund (a leaf with a `gf` figure is
/// 政府性基金, the others 一般公共预算).
struct Funds {
    all: Vec<&'static Leaf>,
    gp: Vec<&'static Leaf>,
    gf: Vec<&'static Leaf>,
}

impl Funds {
    fn of(leaves: &'static [Leaf]) -> Funds {
        let is_gf = |l: &&Leaf| l.figures.iter().any(|(k, _)| *k == "gf");
        Funds {
            all: leaves.iter().collect(),
            gp: leaves.iter().filter(|l| !is_gf(l)).collect(),
            gf: leaves.iter().filter(is_gf).collect(),
        }
    }

    /// The expenditure classes (类), in order: (code parts, name, sums).
    fn classes(&self) -> Vec<([String; 3], String, Vec<i64>)> {
        tree(&self.all, &["basic", "project"])
            .into_iter()
            .filter(|(parts, _, _)| parts[1].is_empty())
            .collect()
    }
}

/// The sum of one figure over `leaves`.
fn sum(leaves: &[&Leaf], key: &str) -> i64 {
    leaves
        .iter()
        .flat_map(|l| l.figures.iter().filter(|(k, _)| *k == key).map(|(_, v)| *v))
        .sum()
}

/// The workbook: cover, contents, narrative, nine tables.
pub fn workbook() -> Workbook {
    let funds = Funds::of(EXPENSE);
    let mut sheets = vec![
        cover(),
        contents(),
        notes(),
        finance_summary(&funds),
        functional(
            "部门收入总表",
            "部门收入预算总表",
            "收入预算",
            &[
                ("合计", "total"),
                ("财政拨款收入", "fiscal"),
                ("事业收入", "business"),
                ("事业单位\n经营收入", "operating"),
                ("其他收入", "other"),
            ],
            &funds.all,
        ),
        functional(
            "部门支出总表",
            "部门支出预算总表",
            "支出预算",
            BY_KIND,
            &funds.all,
        ),
        fiscal_summary(&funds),
    ];
    sheets.extend(fund_tables(&funds));
    sheets.push(basic_by_economic_class());
    sheets.push(three_public());
    Workbook {
        path: "putuo-2026.xlsx".into(),
        format: crate::workbook::Format::Xlsx,
        sheets,
    }
}

fn cover() -> Sheet {
    let mut cover = Page::new("封面");
    cover.text(2, 0, "上海市普陀区2026年区级部门预算");
    cover.text(8, 0, &format!("预算主管部门：{DEPT}"));
    cover.sheet()
}

fn contents() -> Sheet {
    let mut toc = Page::new("目录");
    toc.text(0, 0, "目  录");
    for (i, t) in CONTENTS.iter().enumerate() {
        toc.text(2 + i as u32, 0, &format!("    {}. 2026年{t}", i + 1));
    }
    toc.sheet()
}

fn notes() -> Sheet {
    let mut notes = Page::new("部门编制说明");
    notes.text(0, 0, "2026年部门预算编制说明");
    notes.text(
        2,
        0,
        "     2026年，本部门收入预算600万元，支出预算600万元。",
    );
    notes.sheet()
}

/// 表1 财务收支预算总表: income by source, expenditure by class.
fn finance_summary(funds: &Funds) -> Sheet {
    let (gp_total, gf_total) = (sum(&funds.gp, "fiscal"), sum(&funds.gf, "fiscal"));
    let business = sum(&funds.all, "business");
    let income_total = gp_total + gf_total + business;
    let mut p = Page::new("部门收支总表");
    p.head("部门财务收支预算总表", 4, "元");
    p.cells(FINANCE_HEAD);
    let income: [(&str, i64); 7] = [
        ("一、财政拨款收入", gp_total + gf_total),
        ("1. 一般公共预算", gp_total),
        ("2. 政府性基金预算", gf_total),
        ("3. 国有资本经营预算", 0),
        ("二、事业收入", business),
        ("三、事业单位经营收入", 0),
        ("四、其他收入", 0),
    ];
    for (i, (label, v)) in income.iter().enumerate() {
        p.text(FIRST_LINE + i as u32, 0, label);
        p.num(FIRST_LINE + i as u32, 1, *v);
    }
    for (i, (_, label, sums)) in funds.classes().iter().enumerate() {
        p.text(FIRST_LINE + i as u32, 2, &format!("{}、{label}", ORD[i]));
        p.num(FIRST_LINE + i as u32, 3, sums.iter().sum());
    }
    p.text(TOTALS_ROW, 0, "收入总计");
    p.num(TOTALS_ROW, 1, income_total);
    p.text(TOTALS_ROW, 2, "支出总计");
    p.num(TOTALS_ROW, 3, income_total);
    p.sheet()
}

/// 表4 财政拨款收支预算总表: expenditure by fund.
fn fiscal_summary(funds: &Funds) -> Sheet {
    let (gp_total, gf_total) = (sum(&funds.gp, "fiscal"), sum(&funds.gf, "fiscal"));
    let mut p = Page::new("部门财政拨款收支总表");
    p.head("部门财政拨款收支预算总表", 7, "元");
    p.cells(FISCAL_HEAD);
    for (i, (label, v)) in [
        ("一、一般公共预算", gp_total),
        ("二、政府性基金预算", gf_total),
        ("三、国有资本经营预算", 0),
    ]
    .iter()
    .enumerate()
    {
        p.text(FIRST_LINE + i as u32, 0, label);
        p.num(FIRST_LINE + i as u32, 1, *v);
    }
    let (gp_tree, gf_tree) = (tree(&funds.gp, &["fiscal"]), tree(&funds.gf, &["fiscal"]));
    let class_of = |t: &[([String; 3], String, Vec<i64>)], code: &str| {
        t.iter()
            .find(|(parts, _, _)| parts[0] == code && parts[1].is_empty())
            .map_or(0, |(_, _, s)| s[0])
    };
    for (i, (parts, label, _)) in funds.classes().iter().enumerate() {
        let (g, f) = (class_of(&gp_tree, &parts[0]), class_of(&gf_tree, &parts[0]));
        let r = FIRST_LINE + i as u32;
        p.text(r, 2, &format!("{}、{label}", ORD[i]));
        p.num(r, 3, g + f);
        p.num(r, 4, g);
        p.num(r, 5, f);
        p.num(r, 6, 0);
    }
    p.text(TOTALS_ROW, 0, "收入总计");
    p.num(TOTALS_ROW, 1, gp_total + gf_total);
    p.text(TOTALS_ROW, 2, "支出总计");
    for (c, v) in [gp_total + gf_total, gp_total, gf_total, 0]
        .iter()
        .enumerate()
    {
        p.num(TOTALS_ROW, 3 + c as u32, *v);
    }
    p.sheet()
}

/// 表5, 表6, 表7: each fund's money by function. 群众文化's 事业收入 is
/// not 一般公共预算 money, so its 项目支出 there is the 财政拨款 part.
fn fund_tables(funds: &Funds) -> Vec<Sheet> {
    let gp_leaves: Vec<Leaf> = funds
        .gp
        .iter()
        .map(|l| Leaf {
            code: l.code,
            names: l.names,
            figures: if l.code == "2070109" {
                &[("project", 1_200_000)]
            } else {
                l.figures
            },
        })
        .collect();
    let gp_refs: Vec<&Leaf> = gp_leaves.iter().collect();
    vec![
        functional(
            "部门一般公共预算拨款表",
            "部门一般公共预算支出功能分类预算表",
            "一般公共预算支出",
            BY_KIND,
            &gp_refs,
        ),
        functional(
            "部门政府性基金拨款表",
            "部门政府性基金预算支出功能分类预算表",
            "政府性基金预算支出",
            BY_KIND,
            &funds.gf,
        ),
        functional(
            "部门国有资本经营预算拨款表 ",
            "部门国有资本经营预算支出功能分类预算表",
            "国有资本经营预算支出",
            BY_KIND,
            &[],
        ),
    ]
}

/// 表8 一般公共预算基本支出 by 经济分类: each 类 with its 款 under it.
fn basic_by_economic_class() -> Sheet {
    let mut p = Page::new("部门一般公共预算拨款基本支出明细表");
    p.head("部门一般公共预算基本支出部门预算经济分类预算表", 6, "元");
    p.cells(ECONOMIC_HEAD);
    let mut r = 8;
    let (mut personnel, mut public) = (0, 0);
    let mut class = "";
    for (i, (code, class_name, name, pe, pu)) in ECONOMIC.iter().enumerate() {
        if *class_name != class {
            class = class_name;
            let (cp, cu): (i64, i64) = ECONOMIC[i..]
                .iter()
                .filter(|e| e.1 == *class_name)
                .fold((0, 0), |(a, b), e| (a + e.3, b + e.4));
            p.text(r, 0, &code[..3]);
            p.text(r, 2, class_name);
            p.num(r, 3, cp + cu);
            p.num(r, 4, cp);
            p.num(r, 5, cu);
            r += 1;
        }
        p.text(r, 0, &code[..3]);
        p.text(r, 1, &code[3..]);
        p.text(r, 2, name);
        p.num(r, 3, pe + pu);
        p.num(r, 4, *pe);
        p.num(r, 5, *pu);
        personnel += pe;
        public += pu;
        r += 1;
    }
    r += 2;
    p.text(r, 0, "合计");
    p.merge(r, 0, r, 2);
    p.num(r, 3, personnel + public);
    p.num(r, 4, personnel);
    p.num(r, 5, public);
    p.sheet()
}

/// 三公 (the model's 表7) in 万元, with 机关运行经费 beside.
fn three_public() -> Sheet {
    let mut p = Page::new("部门“三公”经费和机关运行费预算表");
    p.cells(&[THREE_PUBLIC_TITLE]);
    p.text(2, 0, &format!("编制部门：{DEPT}"));
    p.merge(2, 0, 2, 2);
    p.cells(THREE_PUBLIC_HEAD);
    for (c, v) in THREE_PUBLIC.iter().enumerate() {
        p.set(6, c as u32, CellValue::Number(*v));
    }
    p.sheet()
}
