//! Budgets of a second bureau, generated: departments in 上海市普陀区's
//! 2026 layout (the bureau's two official blank templates, 部门 and 单位),
//! each with one to three units, written as the department's consolidated
//! 部门预算 and each unit's own 单位预算 — the 单位 表1 with its
//! expenditure split into 人员经费 / 公用经费 / 项目支出, as that template
//! prints it. The figures are random and consistent: every relation of the
//! spec and of the bureau's template holds, and the 部门预算 is the sum of
//! its units'.
//!
//! A [`Style`] lays the same figures out the ways the bureau's real budgets
//! differ: merged or not (a merge's text left in its first cell), the
//! numbering of sub-lines (`1. ` / `1、` / `1．`), their words (`一般公共预算`
//! or `一般公共预算资金`, `政府性基金`), and sub-lines at several levels —
//! 一般公共预算 split a level further, 表1 and 表4 expenditure written down
//! to 款 (`（一）`) and 项 (`1.`) under each 类 — lines the template does not
//! know, which are parts of the line above them.

use std::collections::BTreeMap;

use super::grid::Grid;
use super::variants::Rng;
pub use crate::model::Level;
use crate::workbook::{CellValue, Merge, Sheet, Workbook};

/// The fund a functional leaf's fiscal money comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fund {
    /// 一般公共预算
    Gp,
    /// 政府性基金预算
    Gf,
    /// 国有资本经营预算
    Soe,
}

/// A 功能分类 项 with its 类 and 款 names, and its fund.
struct Leaf {
    code: &'static str,
    names: [&'static str; 3],
    fund: Fund,
}

/// The leaves budgets draw from (real codes and names).
const CATALOG: &[Leaf] = &[
    Leaf {
        code: "2010101",
        names: ["一般公共服务支出", "人大事务", "行政运行"],
        fund: Fund::Gp,
    },
    Leaf {
        code: "2010350",
        names: [
            "一般公共服务支出",
            "政府办公厅（室）及相关机构事务",
            "事业运行",
        ],
        fund: Fund::Gp,
    },
    Leaf {
        code: "2050201",
        names: ["教育支出", "普通教育", "学前教育"],
        fund: Fund::Gp,
    },
    Leaf {
        code: "2070101",
        names: ["文化旅游体育与传媒支出", "文化和旅游", "行政运行"],
        fund: Fund::Gp,
    },
    Leaf {
        code: "2070109",
        names: ["文化旅游体育与传媒支出", "文化和旅游", "群众文化"],
        fund: Fund::Gp,
    },
    Leaf {
        code: "2079999",
        names: [
            "文化旅游体育与传媒支出",
            "其他文化旅游体育与传媒支出",
            "其他文化旅游体育与传媒支出",
        ],
        fund: Fund::Gp,
    },
    Leaf {
        code: "2080505",
        names: [
            "社会保障和就业支出",
            "行政事业单位养老支出",
            "机关事业单位基本养老保险缴费支出",
        ],
        fund: Fund::Gp,
    },
    Leaf {
        code: "2080506",
        names: [
            "社会保障和就业支出",
            "行政事业单位养老支出",
            "机关事业单位职业年金缴费支出",
        ],
        fund: Fund::Gp,
    },
    Leaf {
        code: "2101101",
        names: ["卫生健康支出", "行政事业单位医疗", "行政单位医疗"],
        fund: Fund::Gp,
    },
    Leaf {
        code: "2101102",
        names: ["卫生健康支出", "行政事业单位医疗", "事业单位医疗"],
        fund: Fund::Gp,
    },
    Leaf {
        code: "2210201",
        names: ["住房保障支出", "住房改革支出", "住房公积金"],
        fund: Fund::Gp,
    },
    Leaf {
        code: "2120801",
        names: [
            "城乡社区支出",
            "国有土地使用权出让收入安排的支出",
            "征地和拆迁补偿支出",
        ],
        fund: Fund::Gf,
    },
    Leaf {
        code: "2296002",
        names: [
            "其他支出",
            "彩票公益金安排的支出",
            "用于社会福利的彩票公益金支出",
        ],
        fund: Fund::Gf,
    },
    Leaf {
        code: "2230105",
        names: [
            "国有资本经营预算支出",
            "解决历史遗留问题及改革成本支出",
            "国有企业退休人员社会化管理补助支出",
        ],
        fund: Fund::Soe,
    },
];

/// 经济分类 款 of basic expenditure: (code, 类 name, 款 name, personnel?).
const ECONOMIC: &[(&str, &str, &str, bool)] = &[
    ("30101", "工资福利支出", "基本工资", true),
    ("30102", "工资福利支出", "津贴补贴", true),
    (
        "30108",
        "工资福利支出",
        "机关事业单位基本养老保险缴费",
        true,
    ),
    ("30109", "工资福利支出", "职业年金缴费", true),
    ("30110", "工资福利支出", "职工基本医疗保险缴费", true),
    ("30113", "工资福利支出", "住房公积金", true),
    ("30199", "工资福利支出", "其他工资福利支出", true),
    ("30201", "商品和服务支出", "办公费", false),
    ("30217", "商品和服务支出", "公务接待费", false),
    ("30231", "商品和服务支出", "公务用车运行维护费", false),
    ("30299", "商品和服务支出", "其他商品和服务支出", false),
    ("30305", "对个人和家庭的补助", "生活补助", true),
];

/// 功能 项 whose basic money is one payment booked under one 经济 款 as
/// well: a unit's pension, annuity, health insurance and housing fund.
const PAID_AS: [(&str, &str); 5] = [
    ("2080505", "30108"),
    ("2080506", "30109"),
    ("2101101", "30110"),
    ("2101102", "30110"),
    ("2210201", "30113"),
];

/// A 项 that carries only basic money: the running of an office or an
/// institution, and the payments for its staff.
fn basic_only(leaf: &Leaf) -> bool {
    matches!(leaf.names[2], "行政运行" | "事业运行") || PAID_AS.iter().any(|(c, _)| *c == leaf.code)
}

const DEPARTMENTS: &[(&str, &[&str])] = &[
    (
        "上海市普陀区文化和旅游局",
        &[
            "上海市普陀区文化和旅游局（本级）",
            "上海市普陀区文化馆",
            "上海市普陀区图书馆",
        ],
    ),
    (
        "上海市普陀区教育局",
        &[
            "上海市普陀区教育局（本级）",
            "上海市普陀区教育学院",
            "上海市普陀区少年宫",
        ],
    ),
    (
        "上海市普陀区民政局",
        &[
            "上海市普陀区民政局（本级）",
            "上海市普陀区社会福利院",
            "上海市普陀区婚姻登记中心",
        ],
    ),
];

/// One unit's money on one leaf, in 元 (multiples of 100, so that the
/// 三公 table's 万元 are exact to the cent of 万元).
#[derive(Debug, Clone, Copy, Default)]
struct Spend {
    personnel: i64,
    public: i64,
    /// Project expenditure paid by the leaf's fund.
    project_fiscal: i64,
    /// Project expenditure paid by the unit's own income.
    business: i64,
    operating: i64,
    other: i64,
}

impl Spend {
    fn basic(&self) -> i64 {
        self.personnel + self.public
    }
    fn project(&self) -> i64 {
        self.project_fiscal + self.business + self.operating + self.other
    }
    fn total(&self) -> i64 {
        self.basic() + self.project()
    }
    fn fiscal(&self) -> i64 {
        self.basic() + self.project_fiscal
    }
    fn add(&mut self, o: &Spend) {
        self.personnel += o.personnel;
        self.public += o.public;
        self.project_fiscal += o.project_fiscal;
        self.business += o.business;
        self.operating += o.operating;
        self.other += o.other;
    }
}

/// The figures of one budget: a unit's, or a department's (its units' sum).
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// By leaf (index into the catalog), in catalog order.
    spends: BTreeMap<usize, Spend>,
    /// 经济分类 款 code → (人员经费, 公用经费).
    economic: BTreeMap<&'static str, (i64, i64)>,
    /// 三公: 因公出国(境)费, 公务接待费, 购置费, 运行费; 机关运行经费.
    abroad: i64,
    reception: i64,
    car_purchase: i64,
    car_running: i64,
    office_running: i64,
}

impl Figures {
    fn add(&mut self, o: &Figures) {
        for (l, s) in &o.spends {
            self.spends.entry(*l).or_default().add(s);
        }
        for (k, (p, u)) in &o.economic {
            let e = self.economic.entry(k).or_default();
            e.0 += p;
            e.1 += u;
        }
        self.abroad += o.abroad;
        self.reception += o.reception;
        self.car_purchase += o.car_purchase;
        self.car_running += o.car_running;
        self.office_running += o.office_running;
    }

    fn of_fund(&self, fund: Fund) -> Vec<(&'static Leaf, Spend)> {
        self.spends
            .iter()
            .filter(|(l, _)| CATALOG[**l].fund == fund)
            .map(|(l, s)| (&CATALOG[*l], *s))
            .collect()
    }

    fn all(&self) -> Vec<(&'static Leaf, Spend)> {
        self.spends
            .iter()
            .map(|(l, s)| (&CATALOG[*l], *s))
            .collect()
    }
}

/// A department of the bureau with its units' figures.
#[derive(Debug, Clone)]
pub struct Department {
    pub name: String,
    /// Each unit's name and figures.
    units: Vec<(String, Figures)>,
}

/// A random 100-元 multiple in `lo..=hi` 元.
fn money(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    let steps = ((hi - lo) / 100).max(0) as usize + 1;
    lo + 100 * rng.below(steps) as i64
}

impl Department {
    /// A department as `seed` decides: one to three units, each with a few
    /// functional leaves of each fund, economic rows and 三公 consistent
    /// with them.
    pub fn random(seed: u64) -> Department {
        let mut rng = Rng::new(seed ^ 0x5055_544F);
        let (name, unit_names) = DEPARTMENTS[rng.below(DEPARTMENTS.len())];
        let n = 1 + rng.below(3);
        let mut units = Vec::new();
        for unit_name in unit_names.iter().take(n) {
            units.push((unit_name.to_string(), unit_figures(&mut rng)));
        }
        Department {
            name: name.to_string(),
            units,
        }
    }

    /// The department's own figures: its units' sum.
    fn consolidated(&self) -> Figures {
        let mut f = Figures::default();
        for (_, u) in &self.units {
            f.add(u);
        }
        f
    }

    /// The budgets: the department's 部门预算, then each unit's 单位预算.
    pub fn documents(&self, style: &Style) -> Vec<Document> {
        let mut out = vec![Document {
            file: format!("{}-部门预算.xlsx", self.name),
            level: Level::Department,
            name: self.name.clone(),
            workbook: workbook(&self.name, Level::Department, &self.consolidated(), style),
        }];
        for (i, (name, f)) in self.units.iter().enumerate() {
            out.push(Document {
                file: format!("{}-单位预算-{}.xlsx", self.name, i + 1),
                level: Level::Unit,
                name: name.clone(),
                workbook: workbook(name, Level::Unit, f, style),
            });
        }
        out
    }
}

fn unit_figures(rng: &mut Rng) -> Figures {
    let mut f = Figures::default();
    // Basic expenditure of every unit: its running, pensions, health, housing.
    let gp: Vec<usize> = (0..CATALOG.len())
        .filter(|&i| CATALOG[i].fund == Fund::Gp)
        .collect();
    let mut leaves: Vec<usize> = gp.iter().copied().filter(|_| rng.chance(0.55)).collect();
    if leaves.is_empty() {
        leaves.push(gp[rng.below(gp.len())]);
    }
    for fund in [Fund::Gf, Fund::Soe] {
        for (i, l) in CATALOG.iter().enumerate() {
            if l.fund == fund && rng.chance(0.3) {
                leaves.push(i);
            }
        }
    }
    leaves.sort_unstable();
    for l in leaves {
        let mut s = Spend::default();
        let paid = PAID_AS.iter().any(|(c, _)| *c == CATALOG[l].code);
        if paid {
            // One payment for staff: 人员经费 only.
            s.personnel = money(rng, 100_000, 3_000_000);
            f.spends.insert(l, s);
            continue;
        }
        if CATALOG[l].fund == Fund::Gp && (basic_only(&CATALOG[l]) || rng.chance(0.7)) {
            s.personnel = money(rng, 100_000, 3_000_000);
            s.public = money(rng, 0, 600_000);
        }
        if basic_only(&CATALOG[l]) {
            f.spends.insert(l, s);
            continue;
        }
        if s.basic() == 0 || rng.chance(0.5) {
            s.project_fiscal = money(rng, 10_000, 2_000_000);
        }
        if rng.chance(0.25) {
            s.business = money(rng, 10_000, 500_000);
        }
        if rng.chance(0.15) {
            s.operating = money(rng, 10_000, 200_000);
        }
        if rng.chance(0.15) {
            s.other = money(rng, 10_000, 200_000);
        }
        f.spends.insert(l, s);
    }
    // Every unit has basic expenditure: its people are paid.
    if f.spends.values().all(|s| s.basic() == 0) {
        let first_gp = *f
            .spends
            .keys()
            .find(|l| CATALOG[**l].fund == Fund::Gp)
            .unwrap_or(&0);
        let s = f.spends.entry(first_gp).or_default();
        s.personnel = money(rng, 100_000, 3_000_000);
        s.public = money(rng, 10_000, 600_000);
    }
    // 经济分类: the 一般公共预算 basic money by 款, 人员经费 and 公用经费.
    // The payments of PAID_AS go to their own 款; the rest is spread.
    let gp_leaves = f.of_fund(Fund::Gp);
    let mut paid: Vec<(&'static str, i64)> = Vec::new();
    for (l, s) in &gp_leaves {
        if let Some((_, eco)) = PAID_AS.iter().find(|(c, _)| *c == l.code) {
            paid.push((eco, s.personnel));
        }
    }
    let paid_total: i64 = paid.iter().map(|(_, x)| x).sum();
    let personnel: i64 = gp_leaves.iter().map(|(_, s)| s.personnel).sum::<i64>() - paid_total;
    let public: i64 = gp_leaves.iter().map(|(_, s)| s.public).sum();
    for (code, x) in paid {
        f.economic.entry(code).or_default().0 += x;
    }
    let mut spread = |total: i64, personnel_side: bool, rng: &mut Rng| {
        let codes: Vec<&'static str> = ECONOMIC
            .iter()
            .filter(|e| e.3 == personnel_side && !PAID_AS.iter().any(|(_, c)| *c == e.0))
            .map(|e| e.0)
            .collect();
        let mut left = total;
        for (i, code) in codes.iter().enumerate() {
            let part = if i + 1 == codes.len() {
                left
            } else {
                (money(rng, 0, left.max(0)) / 2 / 100) * 100
            };
            left -= part;
            if part > 0 {
                let e = f.economic.entry(code).or_default();
                if personnel_side {
                    e.0 += part;
                } else {
                    e.1 += part;
                }
            }
        }
    };
    spread(personnel, true, rng);
    spread(public, false, rng);
    // 三公: at least the basic money of the matching 款 (project money may add).
    let eco = |code: &str| f.economic.get(code).map_or(0, |e| e.0 + e.1);
    f.reception = eco("30217") + money(rng, 0, 20_000) * i64::from(rng.chance(0.3));
    f.car_running = eco("30231");
    f.car_purchase = if rng.chance(0.2) {
        money(rng, 100_000, 300_000)
    } else {
        0
    };
    f.abroad = if rng.chance(0.3) {
        money(rng, 10_000, 80_000)
    } else {
        0
    };
    if f.reception + f.car_running + f.car_purchase + f.abroad == 0 {
        f.reception = money(rng, 1_000, 20_000);
    }
    f.office_running = public + money(rng, 0, 100_000);
    f
}

/// A budget as the bureau's budgets are written: the same figures, laid
/// out one way or another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    /// The official templates' merges; without, each merged text is left
    /// in its first cell.
    pub merges: bool,
    /// The separator after a numbered sub-line's number: `. `, `、`, `．`.
    pub separator: &'static str,
    /// Sub-lines worded as real budgets drift (`一般公共预算资金`, `政府性基金`).
    pub drift: bool,
    /// 一般公共预算 split a level further, into the money for basic and for
    /// project expenditure (`（1）` `（2）`).
    pub income_detail: bool,
    /// 表1 and 表4 expenditure written down to 款 (`（一）` under each 类)
    /// and, with `2`, to 项 (`1.` under each 款).
    pub expense_detail: u8,
}

impl Style {
    /// As the bureau's blank templates print it: merged, `1. ` in the 部门
    /// template (the 单位 one prints `1、`), the template's words, 类 only.
    pub fn official() -> Style {
        Style {
            merges: true,
            separator: "",
            drift: false,
            income_detail: false,
            expense_detail: 0,
        }
    }

    /// A style as `seed` decides.
    pub fn random(seed: u64) -> Style {
        const SEPARATORS: [&str; 4] = [". ", "、", "．", ""];
        let mut rng = Rng::new(seed ^ 0x5354_594C);
        Style {
            merges: rng.chance(0.5),
            separator: SEPARATORS[rng.below(SEPARATORS.len())],
            drift: rng.chance(0.5),
            income_detail: rng.chance(0.4),
            expense_detail: rng.below(3) as u8,
        }
    }
}

/// One generated budget workbook.
#[derive(Debug, Clone)]
pub struct Document {
    /// A file name for it (`…-部门预算.xlsx`, `…-单位预算-1.xlsx`).
    pub file: String,
    pub level: Level,
    /// The department's or the unit's name, as its 编制部门 / 编制单位 line says.
    pub name: String,
    pub workbook: Workbook,
}

/// One sheet being laid out.
struct Page {
    grid: Grid,
    merges: bool,
}

impl Page {
    fn new(name: &str, style: &Style) -> Page {
        Page {
            grid: Grid::new(name),
            merges: style.merges,
        }
    }

    fn text(&mut self, r: u32, c: u32, t: &str) {
        self.grid.set(r, c, CellValue::Text(t.into()));
    }

    fn num(&mut self, r: u32, c: u32, yuan: i64) {
        self.grid.set(r, c, CellValue::Number(yuan as f64));
    }

    fn merge(&mut self, first_row: u32, first_col: u32, last_row: u32, last_col: u32) {
        if self.merges {
            self.grid.merges.push(Merge {
                first_row,
                first_col,
                last_row,
                last_col,
            });
        }
    }

    /// Title on row 2 across `width` columns, the 编制部门 / 编制单位 line
    /// with the unit on `unit_row`.
    fn head(&mut self, title: &str, width: u32, org: (&str, &str), unit_row: u32, unit: &str) {
        self.text(1, 0, title);
        self.merge(1, 0, 1, width - 1);
        self.text(unit_row, 0, &format!("{}：{}", org.0, org.1));
        self.merge(unit_row, 0, unit_row, 2);
        self.text(unit_row, width - 1, &format!("单位：{unit}"));
    }

    fn sheet(self) -> Sheet {
        self.grid.sheet()
    }
}

const CN: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// `一、` / `（一）` / `1.` for the `n`th (from 0) line of an outline level.
fn numbered(level: u8, n: usize, separator: &str, words: &str) -> String {
    match level {
        1 => format!("{}、{words}", CN[n % 10]),
        2 => format!("（{}）{words}", CN[n % 10]),
        3 => format!("{}{separator}{words}", n + 1),
        _ => format!("（{}）{words}", n + 1),
    }
}

/// The 类 / 款 / 项 of leaves, in tree order, with sums of `f` over each.
fn tree<T: Copy + Default + std::ops::AddAssign>(
    leaves: &[(&'static Leaf, Spend)],
    f: impl Fn(&Spend) -> T,
) -> Vec<([String; 3], String, T)> {
    let mut order: Vec<String> = Vec::new();
    let mut names: BTreeMap<String, &str> = BTreeMap::new();
    let mut sums: BTreeMap<String, T> = BTreeMap::new();
    for (l, s) in leaves {
        for (depth, len) in [3usize, 5, 7].into_iter().enumerate() {
            let code = l.code[..len].to_string();
            if !order.contains(&code) {
                order.push(code.clone());
            }
            names.insert(code.clone(), l.names[depth]);
            *sums.entry(code).or_default() += f(s);
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
            let name = names[&code].to_string();
            let sum = sums[&code];
            (parts, name, sum)
        })
        .collect()
}

/// Figures of a leaf by the key of a table column.
fn column(s: &Spend, key: &str) -> i64 {
    match key {
        "total" => s.total(),
        "basic" => s.basic(),
        "project" => s.project(),
        "fiscal" => s.fiscal(),
        "business" => s.business,
        "operating" => s.operating,
        "other" => s.other,
        "project_fiscal" => s.project_fiscal,
        _ => 0,
    }
}

#[derive(Clone, Copy, Default)]
struct Row([i64; 5]);

impl std::ops::AddAssign for Row {
    fn add_assign(&mut self, o: Row) {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a += b;
        }
    }
}

/// A table by 功能分类 类 | 款 | 项 (收入总表, 支出总表, the three 支出功能分类
/// 预算表): `amounts` are (header, key of [`column`]).
fn functional(
    page: &mut Page,
    title: &str,
    org: (&str, &str),
    group: &str,
    amounts: &[(&str, &str)],
    leaves: &[(&'static Leaf, Spend)],
) {
    let width = 4 + amounts.len() as u32;
    page.head(title, width, org, 3, "元");
    page.text(5, 0, "项目");
    page.merge(5, 0, 5, 3);
    page.text(5, 4, group);
    page.merge(5, 4, 5, width - 1);
    page.text(6, 0, "功能分类科目编码");
    page.merge(6, 0, 6, 2);
    page.text(6, 3, "功能分类科目名称");
    page.merge(6, 3, 7, 3);
    for (i, (h, _)) in amounts.iter().enumerate() {
        page.text(6, 4 + i as u32, h);
        page.merge(6, 4 + i as u32, 7, 4 + i as u32);
    }
    for (i, w) in ["类", "款", "项"].iter().enumerate() {
        page.text(7, i as u32, w);
    }
    let keys: Vec<&str> = amounts.iter().map(|(_, k)| *k).collect();
    let rows = tree(leaves, |s| {
        let mut r = Row::default();
        for (i, k) in keys.iter().enumerate() {
            r.0[i] = column(s, k);
        }
        r
    });
    let mut r = 8;
    if rows.is_empty() {
        // An empty table, as this bureau marks it.
        page.text(r, 0, "无");
        r += 1;
    }
    let mut total = Row::default();
    for (parts, label, sums) in &rows {
        for (i, part) in parts.iter().enumerate() {
            if !part.is_empty() {
                page.text(r, i as u32, part);
            }
        }
        page.text(r, 3, label);
        for i in 0..keys.len() {
            page.num(r, 4 + i as u32, sums.0[i]);
        }
        if parts[1].is_empty() {
            total += *sums;
        }
        r += 1;
    }
    r += 2;
    page.text(r, 0, "合计");
    page.merge(r, 0, r, 3);
    for i in 0..keys.len() {
        page.num(r, 4 + i as u32, total.0[i]);
    }
}

/// An expenditure line of 表1 / 表4 with its figures (the first one the
/// line's own, the others its side's further columns).
struct ExpenseLine {
    label: String,
    figures: Vec<i64>,
}

/// The expenditure side of 表1 / 表4: each 类 numbered `一、`, and as the
/// style asks its 款 (`（一）`) and 项 (`1.`) under it; `figures` gives a
/// leaf's columns.
fn expense_lines(
    leaves: &[(&'static Leaf, Spend)],
    style: &Style,
    sep: &str,
    figures: &dyn Fn(&Leaf, &Spend) -> Vec<i64>,
) -> Vec<ExpenseLine> {
    let tagged: Vec<(&'static Leaf, Vec<i64>)> =
        leaves.iter().map(|(l, s)| (*l, figures(l, s))).collect();
    let width = tagged.first().map_or(0, |(_, f)| f.len());
    let sum = |prefix: &str| -> Vec<i64> {
        let mut out = vec![0; width];
        for (l, f) in &tagged {
            if l.code.starts_with(prefix) {
                for (o, x) in out.iter_mut().zip(f) {
                    *o += x;
                }
            }
        }
        out
    };
    let mut out = Vec::new();
    let codes = |len: usize, under: &str| -> Vec<(&'static str, &'static Leaf)> {
        let mut v: Vec<(&'static str, &'static Leaf)> = Vec::new();
        for (l, _) in &tagged {
            if l.code.starts_with(under) && v.last().is_none_or(|(c, _)| *c != &l.code[..len]) {
                v.push((&l.code[..len], *l));
            }
        }
        v
    };
    for (ci, (class, leaf)) in codes(3, "").into_iter().enumerate() {
        out.push(ExpenseLine {
            label: numbered(1, ci, sep, leaf.names[0]),
            figures: sum(class),
        });
        if style.expense_detail == 0 {
            continue;
        }
        for (ki, (kuan, leaf)) in codes(5, class).into_iter().enumerate() {
            out.push(ExpenseLine {
                label: numbered(2, ki, sep, leaf.names[1]),
                figures: sum(kuan),
            });
            if style.expense_detail < 2 {
                continue;
            }
            for (xi, (xiang, leaf)) in codes(7, kuan).into_iter().enumerate() {
                out.push(ExpenseLine {
                    label: numbered(3, xi, sep, leaf.names[2]),
                    figures: sum(xiang),
                });
            }
        }
    }
    out
}

/// The separator of `1.` lines: the style's, else the template's own.
fn separator(style: &Style, level: Level) -> &'static str {
    match (style.separator, level) {
        ("", Level::Department) => ". ",
        ("", Level::Unit) => "、",
        (s, _) => s,
    }
}

/// 元 as the narrative writes them: 万元 to two decimals, rounded.
fn wan(yuan: i64) -> String {
    let hundreds = (yuan + 50).div_euclid(100);
    format!("{}.{:02}", hundreds / 100, hundreds % 100)
}

/// The workbook of one budget: cover, contents, 编制说明, nine tables.
fn workbook(org_name: &str, level: Level, f: &Figures, style: &Style) -> Workbook {
    let book = Book::new(org_name, level, f, style);
    let mut sheets = vec![
        book.cover(),
        book.contents(),
        book.notes(),
        book.finance_summary(),
        book.income_summary(),
        book.expense_summary(),
        book.fiscal_summary(),
    ];
    sheets.extend(book.fund_tables());
    sheets.push(book.basic_by_economic_class());
    sheets.push(book.three_public());
    Workbook {
        path: format!("{org_name}.xlsx").into(),
        format: crate::workbook::Format::Xlsx,
        sheets,
    }
}

/// The sum of one [`column`] over `leaves`.
fn sum_of(leaves: &[(&Leaf, Spend)], key: &str) -> i64 {
    leaves.iter().map(|(_, s)| column(s, key)).sum()
}

/// What every sheet of one budget's workbook is laid out from.
struct Book<'a> {
    org_name: &'a str,
    level: Level,
    f: &'a Figures,
    style: &'a Style,
    /// `部门` / `单位`, in sheet names and titles.
    w: &'static str,
    /// 部门 tables are titled `2026年部门…`, 单位 ones `2026年预算单位…`.
    prefix: &'static str,
    /// `编制部门` / `编制单位` and the name, for the line under each title.
    org: (&'static str, &'a str),
    /// The separator of `1.` lines.
    sep: &'static str,
    all: Vec<(&'static Leaf, Spend)>,
    gp: Vec<(&'static Leaf, Spend)>,
    gf: Vec<(&'static Leaf, Spend)>,
    soe: Vec<(&'static Leaf, Spend)>,
    /// 财政拨款 of 一般公共预算, 政府性基金预算, 国有资本经营预算.
    fiscal: [i64; 3],
}

impl<'a> Book<'a> {
    fn new(org_name: &'a str, level: Level, f: &'a Figures, style: &'a Style) -> Book<'a> {
        let gp = f.of_fund(Fund::Gp);
        let gf = f.of_fund(Fund::Gf);
        let soe = f.of_fund(Fund::Soe);
        let fiscal = [
            sum_of(&gp, "fiscal"),
            sum_of(&gf, "fiscal"),
            sum_of(&soe, "fiscal"),
        ];
        Book {
            org_name,
            level,
            f,
            style,
            w: level.word(),
            prefix: match level {
                Level::Department => "2026年部门",
                Level::Unit => "2026年预算单位",
            },
            org: (
                match level {
                    Level::Department => "编制部门",
                    Level::Unit => "编制单位",
                },
                org_name,
            ),
            sep: separator(style, level),
            all: f.all(),
            gp,
            gf,
            soe,
            fiscal,
        }
    }

    fn page(&self, name: &str) -> Page {
        Page::new(&format!("{}{name}", self.w), self.style)
    }

    fn cover(&self) -> Sheet {
        let mut cover = Page::new("封面", self.style);
        cover.text(2, 0, &format!("上海市普陀区2026年区级{}预算", self.w));
        cover.merge(2, 0, 2, 12);
        let who = match self.level {
            Level::Department => "预算主管部门",
            Level::Unit => "预算单位",
        };
        cover.text(8, 0, &format!("{who}：{}", self.org_name));
        cover.merge(8, 0, 8, 12);
        cover.sheet()
    }

    fn contents(&self) -> Sheet {
        let mut toc = Page::new("目录", self.style);
        toc.text(0, 0, "目  录");
        let titles = [
            "财务收支预算总表",
            "收入预算总表",
            "支出预算总表",
            "财政拨款收支预算总表",
            "一般公共预算支出功能分类预算表",
            "政府性基金预算支出功能分类预算表",
            "国有资本经营预算支出功能分类预算表",
            "一般公共预算基本支出部门预算经济分类预算表",
            "“三公”经费和机关运行经费预算表",
        ];
        for (i, t) in titles.iter().enumerate() {
            toc.text(
                2 + i as u32,
                0,
                &format!("    {}. {}{t}", i + 1, self.prefix),
            );
        }
        toc.sheet()
    }

    /// 编制说明: the budget's income and expenditure in 万元.
    fn notes(&self) -> Sheet {
        let w = self.w;
        let mut notes = self.page("编制说明");
        notes.text(0, 0, &format!("2026年{w}预算编制说明"));
        notes.text(
            2,
            0,
            &format!(
                "    2026年，{}收入预算{}万元，支出预算{}万元。",
                self.org_name,
                wan(sum_of(&self.all, "total")),
                wan(sum_of(&self.all, "total"))
            ),
        );
        notes.sheet()
    }

    /// 表1's income side: 财政拨款 by fund (一般公共预算 split into 基本
    /// and 项目 as the style asks), then the other incomes.
    fn finance_income(&self) -> Vec<(String, i64)> {
        let (sep, fiscal) = (self.sep, self.fiscal);
        let fund_words: [&str; 3] = if self.style.drift {
            ["一般公共预算资金", "政府性基金", "国有资本经营预算资金"]
        } else {
            ["一般公共预算", "政府性基金预算", "国有资本经营预算"]
        };
        let mut income: Vec<(String, i64)> = vec![("一、财政拨款收入".into(), fiscal.iter().sum())];
        for (i, words) in fund_words.iter().enumerate() {
            income.push((numbered(3, i, sep, words), fiscal[i]));
            if i == 0 && self.style.income_detail {
                income.push((
                    numbered(4, 0, sep, "基本支出资金"),
                    sum_of(&self.gp, "basic"),
                ));
                income.push((
                    numbered(4, 1, sep, "项目支出资金"),
                    sum_of(&self.gp, "project_fiscal"),
                ));
            }
        }
        for (i, (words, key)) in [
            ("事业收入", "business"),
            ("事业单位经营收入", "operating"),
            ("其他收入", "other"),
        ]
        .iter()
        .enumerate()
        {
            income.push((numbered(1, i + 1, sep, words), sum_of(&self.all, key)));
        }
        income
    }

    /// 表1 财务收支预算总表.
    fn finance_summary(&self) -> Sheet {
        let income = self.finance_income();
        let unit_level = self.level == Level::Unit;
        // The 单位 template splits expenditure into 合计 | 人员经费 | 公用经费 | 项目支出.
        let t1_figures = |s: &Spend| -> Vec<i64> {
            if unit_level {
                vec![s.total(), s.personnel, s.public, s.project()]
            } else {
                vec![s.total()]
            }
        };
        let expense = expense_lines(&self.all, self.style, self.sep, &|_, s| t1_figures(s));
        let width = if unit_level { 7 } else { 4 };
        let mut p = self.page("收支总表");
        p.head(
            &format!("{}财务收支预算总表", self.prefix),
            width,
            self.org,
            3,
            "元",
        );
        p.text(5, 0, "本年收入");
        p.merge(5, 0, 5, 1);
        p.text(5, 2, "本年支出");
        p.merge(5, 2, 5, width - 1);
        let first = if unit_level {
            for (c, t) in [(0, "项目"), (1, "预算数"), (2, "项目")] {
                p.text(6, c, t);
                p.merge(6, c, 8, c);
            }
            p.text(6, 3, "预算数");
            p.merge(6, 3, 6, 6);
            p.text(7, 3, "合计");
            p.merge(7, 3, 8, 3);
            p.text(7, 4, "基本支出");
            p.merge(7, 4, 7, 5);
            p.text(7, 6, "项目支出");
            p.merge(7, 6, 8, 6);
            p.text(8, 4, "人员经费");
            p.text(8, 5, "公用经费");
            9
        } else {
            for (c, w) in ["项目", "预算数", "项目", "预算数"].iter().enumerate() {
                p.text(6, c as u32, w);
            }
            7
        };
        for (i, (label, v)) in income.iter().enumerate() {
            p.text(first + i as u32, 0, label);
            p.num(first + i as u32, 1, *v);
        }
        for (i, l) in expense.iter().enumerate() {
            p.text(first + i as u32, 2, &l.label);
            for (j, v) in l.figures.iter().enumerate() {
                p.num(first + i as u32, 3 + j as u32, *v);
            }
        }
        let foot = first + income.len().max(expense.len()) as u32 + 1;
        p.text(foot, 0, "收入总计");
        p.num(foot, 1, sum_of(&self.all, "total"));
        p.text(foot, 2, "支出总计");
        for (j, v) in t1_figures(&sum_spends(&self.all)).iter().enumerate() {
            p.num(foot, 3 + j as u32, *v);
        }
        p.sheet()
    }

    /// 表2 收入预算总表, by function.
    fn income_summary(&self) -> Sheet {
        let mut p = self.page("收入总表");
        functional(
            &mut p,
            &format!("{}收入预算总表", self.prefix),
            self.org,
            "收入预算",
            &[
                ("合计", "total"),
                ("财政拨款收入", "fiscal"),
                ("事业收入", "business"),
                ("事业单位\n经营收入", "operating"),
                ("其他收入", "other"),
            ],
            &self.all,
        );
        p.sheet()
    }

    /// 表3 支出预算总表, by function.
    fn expense_summary(&self) -> Sheet {
        let mut p = self.page("支出总表");
        functional(
            &mut p,
            &format!("{}支出预算总表", self.prefix),
            self.org,
            "支出预算",
            &[
                ("合计", "total"),
                ("基本支出", "basic"),
                ("项目支出", "project"),
            ],
            &self.all,
        );
        p.sheet()
    }

    /// 表4 财政拨款收支预算总表: expenditure by fund.
    fn fiscal_summary(&self) -> Sheet {
        let fiscal = self.fiscal;
        let mut p = self.page("财政拨款收支总表");
        p.head(
            &format!("{}财政拨款收支预算总表", self.prefix),
            7,
            self.org,
            3,
            "元",
        );
        p.text(5, 0, "财政拨款收入");
        p.merge(5, 0, 5, 1);
        p.text(5, 2, "财政拨款支出");
        p.merge(5, 2, 5, 6);
        for (c, t) in [
            "项目",
            "预算数",
            "项目",
            "合计",
            "一般公共预算",
            "政府性基金预算",
            "国有资本经营预算",
        ]
        .iter()
        .enumerate()
        {
            p.text(6, c as u32, t);
        }
        let fund_lines = ["一般公共预算", "政府性基金预算", "国有资本经营预算"];
        for (i, words) in fund_lines.iter().enumerate() {
            p.text(7 + i as u32, 0, &numbered(1, i, self.sep, words));
            p.num(7 + i as u32, 1, fiscal[i]);
        }
        let by_fund = |l: &Leaf, s: &Spend| -> Vec<i64> {
            let x = s.fiscal();
            let of = |fund| if l.fund == fund { x } else { 0 };
            vec![x, of(Fund::Gp), of(Fund::Gf), of(Fund::Soe)]
        };
        let with_fiscal: Vec<(&'static Leaf, Spend)> = self
            .all
            .iter()
            .filter(|(_, s)| s.fiscal() != 0)
            .copied()
            .collect();
        let lines = expense_lines(&with_fiscal, self.style, self.sep, &by_fund);
        for (i, l) in lines.iter().enumerate() {
            p.text(7 + i as u32, 2, &l.label);
            for (j, v) in l.figures.iter().enumerate() {
                p.num(7 + i as u32, 3 + j as u32, *v);
            }
        }
        let foot = 7 + lines.len().max(3) as u32 + 1;
        p.text(foot, 0, "收入总计");
        p.num(foot, 1, fiscal.iter().sum());
        p.text(foot, 2, "支出总计");
        p.num(foot, 3, fiscal.iter().sum());
        for (j, v) in fiscal.iter().enumerate() {
            p.num(foot, 4 + j as u32, *v);
        }
        p.sheet()
    }

    /// 表5, 表6, 表7: each fund's 财政拨款 by function.
    fn fund_tables(&self) -> Vec<Sheet> {
        let fiscal_only = |leaves: &[(&'static Leaf, Spend)]| -> Vec<(&'static Leaf, Spend)> {
            leaves
                .iter()
                .map(|(l, s)| {
                    (
                        *l,
                        Spend {
                            business: 0,
                            operating: 0,
                            other: 0,
                            ..*s
                        },
                    )
                })
                .filter(|(_, s)| s.total() != 0)
                .collect()
        };
        let mut sheets = Vec::new();
        for (sheet, title, group, leaves) in [
            (
                "一般公共预算拨款表",
                "一般公共预算支出功能分类预算表",
                "一般公共预算支出",
                &self.gp,
            ),
            (
                "政府性基金拨款表",
                "政府性基金预算支出功能分类预算表",
                "政府性基金预算支出",
                &self.gf,
            ),
            (
                "国有资本经营预算拨款表 ",
                "国有资本经营预算支出功能分类预算表",
                "国有资本经营预算支出",
                &self.soe,
            ),
        ] {
            let mut p = self.page(sheet);
            functional(
                &mut p,
                &format!("{}{title}", self.prefix),
                self.org,
                group,
                &[
                    ("合计", "total"),
                    ("基本支出", "basic"),
                    ("项目支出", "project_fiscal"),
                ],
                &fiscal_only(leaves),
            );
            sheets.push(p.sheet());
        }
        sheets
    }

    /// 表8 一般公共预算基本支出 by 经济分类: each 类 with its 款 under it.
    fn basic_by_economic_class(&self) -> Sheet {
        let f = self.f;
        let mut p = self.page("一般公共预算拨款基本支出明细表");
        p.head(
            &format!("{}一般公共预算基本支出部门预算经济分类预算表", self.prefix),
            6,
            self.org,
            3,
            "元",
        );
        p.text(5, 0, "项目");
        p.merge(5, 0, 5, 2);
        p.text(5, 3, "一般公共预算基本支出");
        p.merge(5, 3, 5, 5);
        let (code_words, name_words) = match self.level {
            Level::Department => ("部门预算经济分类科目编码", "经济分类科目名称"),
            Level::Unit => ("经济分类科目编码", "部门经济分类科目名称"),
        };
        p.text(6, 0, code_words);
        p.merge(6, 0, 6, 1);
        p.text(6, 2, name_words);
        p.merge(6, 2, 7, 2);
        for (c, t) in ["合计", "人员经费", "公用经费"].iter().enumerate() {
            p.text(6, 3 + c as u32, t);
            p.merge(6, 3 + c as u32, 7, 3 + c as u32);
        }
        p.text(7, 0, "类");
        p.text(7, 1, "款");
        let mut r = 8;
        let (mut personnel, mut public) = (0, 0);
        let mut class = "";
        for (code, class_name, name, _) in ECONOMIC {
            let Some((pe, pu)) = f.economic.get(code).copied() else {
                continue;
            };
            if *class_name != class {
                class = class_name;
                let (cp, cu) = ECONOMIC
                    .iter()
                    .filter(|e| e.1 == *class_name)
                    .filter_map(|e| f.economic.get(e.0))
                    .fold((0, 0), |(a, b), e| (a + e.0, b + e.1));
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
            p.num(r, 4, pe);
            p.num(r, 5, pu);
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

    /// 表9 三公 in 万元, with 机关运行经费 beside.
    fn three_public(&self) -> Sheet {
        let (f, w) = (self.f, self.w);
        let mut p = self.page("“三公”经费和机关运行费预算表");
        p.text(1, 0, &format!("2026年{w}“三公”经费和机关运行经费预算表"));
        p.merge(1, 0, 1, 6);
        p.text(2, 0, &format!("{}：{}", self.org.0, self.org_name));
        p.merge(2, 0, 2, 2);
        p.text(2, 6, "单位:万元");
        p.text(3, 0, "“三公”经费预算数");
        p.merge(3, 0, 3, 5);
        p.text(3, 6, "机关运行经费预算数");
        p.merge(3, 6, 5, 6);
        for (c, t) in ["合计", "因公出国(境)费", "公务接待费"].iter().enumerate() {
            p.text(4, c as u32, t);
            p.merge(4, c as u32, 5, c as u32);
        }
        p.text(4, 3, "公务用车购置及运行费");
        p.merge(4, 3, 4, 5);
        for (c, t) in ["小计", "购置费", "运行费"].iter().enumerate() {
            p.text(5, 3 + c as u32, t);
        }
        let car = f.car_purchase + f.car_running;
        for (c, yuan) in [
            f.abroad + car + f.reception,
            f.abroad,
            f.reception,
            car,
            f.car_purchase,
            f.car_running,
            f.office_running,
        ]
        .iter()
        .enumerate()
        {
            // 万元, exact: every figure is a multiple of 100 元.
            p.grid
                .set(6, c as u32, CellValue::Number(*yuan as f64 / 10_000.0));
        }
        p.sheet()
    }
}

fn sum_spends(leaves: &[(&'static Leaf, Spend)]) -> Spend {
    let mut s = Spend::default();
    for (_, x) in leaves {
        s.add(x);
    }
    s
}
