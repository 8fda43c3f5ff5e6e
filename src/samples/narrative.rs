//! Narratives written for generated departments, for the property tests:
//! the reference department's paragraphs as patterns, any budget's
//! figures, in 万元 or 元, sections and list items reordered, paragraphs
//! joined and split at their sentences, full-width digits; and, when asked,
//! one slip planted (an amount, a share, a growth rate, two subjects
//! swapped, an amount left blank, a placeholder left in), with the
//! paragraph it is in.
//!
//! The figures written are the tables' own, each named by the figure the
//! generator means (`t1.income.gp`), independently of the vocabulary that
//! reads them back: a consistent narrative that gets a finding means the
//! reader took a figure for another.

use rust_decimal::Decimal;

use super::variants::Rng;
use crate::model::{Budget, FormValue};
use crate::narrative::figure::resolve;
use crate::template::narrative::FigureRef;

/// A slip a generated narrative carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slip {
    /// An amount unlike the table's.
    Amount,
    /// A share unlike its two amounts'.
    Share,
    /// A growth rate unlike its two amounts'.
    Growth,
    /// Two subjects' words swapped.
    Swap,
    /// An amount's number left out.
    Blank,
    /// A template placeholder left in.
    Placeholder,
}

impl Slip {
    pub const ALL: [Slip; 6] = [
        Slip::Amount,
        Slip::Share,
        Slip::Growth,
        Slip::Swap,
        Slip::Blank,
        Slip::Placeholder,
    ];

    /// The rules that say it.
    pub fn rules(self) -> &'static [&'static str] {
        match self {
            Slip::Amount | Slip::Swap => &["N.amount", "N.zero"],
            Slip::Share => &["N.share"],
            Slip::Growth => &["N.growth"],
            Slip::Blank => &["N.blank"],
            Slip::Placeholder => &["N.placeholder"],
        }
    }
}

/// A generated narrative.
#[derive(Debug, Clone)]
pub struct Generated {
    pub paragraphs: Vec<String>,
    /// The slip planted and the paragraph (0-based) it is in.
    pub slip: Option<(Slip, usize)>,
    /// What was done, for a failing seed's message.
    pub applied: Vec<String>,
}

/// Every amount of a budget multiplied by `factor` (a new department's
/// figures in the same tables and cells). A factor of quarters keeps every
/// total its parts' sum to the cent; figures in 万元 then need rounding to
/// be written, as real ones do.
pub fn scale(b: &mut Budget, factor: Decimal) {
    let f = |y: &mut Decimal| {
        *y = (*y * factor).round_dp(2);
    };
    let t = &mut b.tables;
    for lines in [t.t1.as_mut(), t.t4.as_mut()].into_iter().flatten() {
        for l in lines.income.iter_mut().chain(lines.expense.iter_mut()) {
            f(&mut l.amount.yuan);
            l.extras.values_mut().for_each(|a| f(&mut a.yuan));
        }
    }
    for coded in [
        t.t2.as_mut(),
        t.t3.as_mut(),
        t.t5_1.as_mut(),
        t.t5_2.as_mut(),
        t.t6.as_mut(),
        t.t8.as_mut(),
        t.t9.as_mut(),
        t.t10.as_mut(),
    ]
    .into_iter()
    .flatten()
    {
        for r in coded.total.iter_mut().chain(coded.rows.iter_mut()) {
            r.amounts.values_mut().for_each(|a| f(&mut a.yuan));
            r.extras.values_mut().for_each(|a| f(&mut a.yuan));
        }
    }
    if let Some(s) = t.t7.as_mut() {
        s.amounts.values_mut().for_each(|a| f(&mut a.yuan));
        s.extras.values_mut().for_each(|a| f(&mut a.yuan));
    }
    for form in t.t11.iter_mut().chain(t.t12.iter_mut()) {
        let values = form.fields.values_mut().chain(
            form.blocks
                .iter_mut()
                .flat_map(|b| b.rows.iter_mut().flat_map(|r| r.values_mut())),
        );
        for v in values {
            if let FormValue::Amount(a) = v {
                f(&mut a.yuan);
            }
        }
    }
}

/// A department made from `base`: its figures scaled by a seeded factor
/// (a quarter to 40, in quarters), a name of its own.
pub fn department(base: &Budget, seed: u64) -> Budget {
    const NAMES: [&str; 6] = [
        "武汉市江汉区教育局",
        "武汉市硚口区文化和旅游局",
        "武汉市江岸区卫生健康局",
        "武汉市汉阳区城市管理执法局",
        "武汉市青山区退役军人事务局",
        "武汉市洪山区科学技术和经济信息化局",
    ];
    let mut rng = Rng::new(seed ^ 0x5EED_DE9A);
    let mut b = base.clone();
    let factor = Decimal::from(1 + rng.below(160) as i64) / Decimal::from(4);
    scale(&mut b, factor);
    b.department.name = Some(rng.pick(&NAMES).to_string());
    b.narrative = None;
    b
}

// ---------------------------------------------------------------- pieces

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    /// A subject and its amount (in 元), with the words between.
    Amount {
        words: String,
        link: String,
        yuan: Decimal,
        /// Every value its words could name in the tables: a slip avoids them.
        values: Vec<Decimal>,
        /// Its subject may trade words with another of its paragraph.
        swappable: bool,
        blank: bool,
        placeholder: bool,
        slipped: bool,
    },
    /// `占 97.9%` of `part` in `base`.
    Share {
        part: Decimal,
        base: Decimal,
        decimals: u32,
        off: Decimal,
        slipped: bool,
    },
    /// `比 2023 年预算增加 31.83 万元，增长 10.7%`.
    Growth {
        now: Decimal,
        before: Decimal,
        year: i32,
        off: Decimal,
        slipped: bool,
    },
}

impl Piece {
    fn slipped(&self) -> bool {
        match self {
            Piece::Amount {
                slipped,
                blank,
                placeholder,
                ..
            } => *slipped || *blank || *placeholder,
            Piece::Share { slipped, .. } | Piece::Growth { slipped, .. } => *slipped,
            Piece::Text(_) => false,
        }
    }
}

#[derive(Debug, Clone)]
struct Sentence {
    pieces: Vec<Piece>,
    /// It reads on from the sentence before (`其中：…`): never split off.
    glued: bool,
}

type Para = Vec<Sentence>;

struct Section {
    /// Without its number (`本部门预算收支情况总体说明`).
    heading: String,
    paras: Vec<Para>,
}

fn text(s: &str) -> Piece {
    Piece::Text(s.to_string())
}

fn sentence(pieces: Vec<Piece>) -> Sentence {
    Sentence {
        pieces,
        glued: false,
    }
}

fn glued(pieces: Vec<Piece>) -> Sentence {
    Sentence {
        pieces,
        glued: true,
    }
}

/// How amounts are written.
struct Style {
    wan: bool,
    spaces: bool,
    commas: bool,
    trim: bool,
    full_width: bool,
}

impl Style {
    fn amount(&self, yuan: Decimal) -> String {
        let sp = if self.spaces { " " } else { "" };
        if self.wan {
            let mut v = yuan / Decimal::from(10_000);
            v.rescale(2);
            let mut s = v.to_string();
            if self.trim && s.contains('.') {
                s = s.trim_end_matches('0').trim_end_matches('.').to_string();
            }
            format!("{sp}{s}{sp}万元")
        } else {
            let whole = yuan.trunc().to_string();
            let s = if self.commas {
                let digits: Vec<char> = whole.chars().collect();
                let mut out = String::new();
                for (i, c) in digits.iter().enumerate() {
                    if i > 0 && (digits.len() - i).is_multiple_of(3) {
                        out.push(',');
                    }
                    out.push(*c);
                }
                out
            } else {
                whole
            };
            let s = if self.trim { s } else { format!("{s}.00") };
            format!("{sp}{s}{sp}元")
        }
    }

    fn unit(&self) -> &'static str {
        if self.wan {
            "万元"
        } else {
            "元"
        }
    }
}

fn pct_text(d: Decimal, decimals: u32) -> String {
    let mut d = d.round_dp(decimals);
    d.rescale(decimals);
    d.to_string()
}

fn render(p: &Piece, st: &Style, rng: &mut Rng) -> String {
    let sp = if st.spaces { " " } else { "" };
    match p {
        Piece::Text(t) => t.clone(),
        Piece::Amount {
            words,
            link,
            yuan,
            blank,
            placeholder,
            ..
        } => {
            if *blank {
                format!("{words}{link} {}", st.unit())
            } else if *placeholder {
                let ph = ["XXX", "x,xxx", "××", "XX"][rng.below(4)];
                format!("{words}{link}{ph}{}", st.unit())
            } else {
                format!("{words}{link}{}", st.amount(*yuan))
            }
        }
        Piece::Share {
            part,
            base,
            decimals,
            off,
            ..
        } => {
            let v = *part * Decimal::ONE_HUNDRED / *base + *off;
            format!("占{sp}{}%", pct_text(v.max(Decimal::ZERO), *decimals))
        }
        Piece::Growth {
            now,
            before,
            year,
            off,
            ..
        } => {
            let change = *now - *before;
            if change.is_zero() {
                return format!("与{sp}{year}{sp}年预算持平");
            }
            let rate = change.abs() * Decimal::ONE_HUNDRED / *before + *off;
            let (more, grow) = if change > Decimal::ZERO {
                ("增加", "增长")
            } else {
                ("减少", "下降")
            };
            format!(
                "比{sp}{year}{sp}年预算{more}{}，{grow}{sp}{}%",
                st.amount(change.abs()),
                pct_text(rate.max(Decimal::ZERO), 1)
            )
        }
    }
}

// ---------------------------------------------------------------- writing

struct Writer<'a> {
    b: &'a Budget,
    rng: Rng<'a>,
}

impl Writer<'_> {
    fn figure(&self, r: &str) -> Option<Decimal> {
        resolve(self.b, &FigureRef::parse(r).ok()?).map(|f| f.yuan)
    }

    fn amount(&self, words: &str, link: &str, r: &str) -> Option<Piece> {
        let yuan = self.figure(r)?;
        Some(Piece::Amount {
            words: words.to_string(),
            link: link.to_string(),
            yuan,
            values: vec![yuan],
            swappable: false,
            blank: false,
            placeholder: false,
            slipped: false,
        })
    }

    fn swappable(&self, words: &str, yuan: Decimal) -> Piece {
        Piece::Amount {
            words: words.to_string(),
            link: String::new(),
            yuan,
            values: vec![yuan],
            swappable: true,
            blank: false,
            placeholder: false,
            slipped: false,
        }
    }

    /// An earlier year's figure for `now`: within 30% of it.
    fn before(&mut self, now: Decimal) -> Decimal {
        let pct = Decimal::from(70 + self.rng.below(61) as i64);
        let v = (now * pct / Decimal::from(10_000)).round() * Decimal::ONE_HUNDRED;
        if v.is_zero() {
            Decimal::from(10_000)
        } else {
            v
        }
    }

    /// Items joined by `、` or `，`, in a seeded order.
    fn list(&mut self, mut items: Vec<Piece>) -> Vec<Piece> {
        for i in (1..items.len()).rev() {
            let j = self.rng.below(i + 1);
            items.swap(i, j);
        }
        let sep = if self.rng.chance(0.5) { "、" } else { "，" };
        let mut out = Vec::new();
        for (i, p) in items.into_iter().enumerate() {
            if i > 0 {
                out.push(text(sep));
            }
            out.push(p);
        }
        out
    }

    /// Class lines of a side-by-side table that are not zero.
    fn classes(&self, table: crate::model::TableId) -> Vec<Piece> {
        let Some(t) = self.b.tables.lines(table) else {
            return vec![];
        };
        t.expense
            .iter()
            .filter(|l| l.key.as_deref().is_some_and(|k| k.starts_with("class_")))
            .filter(|l| !l.amount.yuan.is_zero())
            .map(|l| {
                let name = crate::text::strip_ordinal(&crate::text::norm(&l.label)).to_string();
                self.swappable(&name, l.amount.yuan)
            })
            .collect()
    }

    /// 项 rows of 表5-1 whose `column` is not zero, named once in the table.
    fn items(&self, column: &str) -> Vec<Piece> {
        let Some(t) = self.b.tables.t5_1.as_ref() else {
            return vec![];
        };
        let names: Vec<String> = t.rows.iter().map(|r| crate::text::norm(&r.name)).collect();
        t.rows
            .iter()
            .filter(|r| r.code.as_ref().is_some_and(|c| c.len() == 7))
            .filter(|r| {
                names
                    .iter()
                    .filter(|n| **n == crate::text::norm(&r.name))
                    .count()
                    == 1
            })
            .filter_map(|r| {
                let a = r.amounts.get(column)?;
                (!a.yuan.is_zero()).then(|| {
                    let mut p = self.swappable(&crate::text::norm(&r.name), a.yuan);
                    // Its other columns: a slip avoids them too.
                    if let Piece::Amount { values, .. } = &mut p {
                        values.extend(r.amounts.values().map(|a| a.yuan));
                    }
                    p
                })
            })
            .collect()
    }

    /// The sections of the narrative, in order; each says its figures as a
    /// department would, each figure resolved from the tables.
    fn sections(&mut self, dept: &str, year: i32) -> Vec<Section> {
        let mut out = Vec::new();
        self.overview_section(dept, year, &mut out);
        self.income_section(year, &mut out);
        self.expenditure_section(year, &mut out);
        self.fiscal_section(year, &mut out);
        self.general_budget_section(year, &mut out);
        self.basic_spending_section(year, &mut out);
        self.fund_sections(dept, year, &mut out);
        self.three_public_section(year, &mut out);
        self.other_matters_section(year, &mut out);
        out
    }

    /// 一、本部门预算收支情况总体说明: the income and spending lines of 表1, and its grand total with its growth.
    fn overview_section(&mut self, dept: &str, year: i32, out: &mut Vec<Section>) {
        let y = year.to_string();
        let mut income = Vec::new();
        for (w, r) in [
            ("一般公共预算财政拨款收入", "t1.income.gp"),
            ("政府性基金预算财政拨款收入", "t1.income.gf"),
            ("事业收入", "t1.income.business"),
            ("其他收入", "t1.income.other"),
            ("上年结转", "t1.income.carryover"),
        ] {
            if let Some(v) = self.figure(r) {
                income.push(self.swappable(w, v));
            }
        }
        let first = vec![text(&format!(
            "按照综合预算的原则，{dept}所有收入和支出均纳入部门预算管理。"
        ))];
        let mut s2 = vec![text("收入包括：")];
        s2.extend(self.list(income));
        s2.push(text("。"));
        let classes = self.classes(crate::model::TableId::T1);
        let mut s3 = vec![text("支出包括：")];
        s3.extend(self.list(classes));
        s3.push(text("。"));
        let mut p1 = vec![sentence(first), sentence(s2)];
        if s3.len() > 2 {
            p1.push(sentence(s3));
        }
        let mut paras = vec![p1];
        if let Some(now) = self
            .figure("t1.income.grand_total")
            .filter(|v| !v.is_zero())
        {
            let before = self.before(now);
            paras.push(vec![sentence(vec![
                text(&format!("{y} 年")),
                self.amount("部门收支总预算", "", "t1.income.grand_total")
                    .expect("resolved"),
                text("。"),
                Piece::Growth {
                    now,
                    before,
                    year: year - 1,
                    off: Decimal::ZERO,
                    slipped: false,
                },
                text("，主要是在职人员增加，人员经费和公用经费增加。"),
            ])]);
        }
        out.push(Section {
            heading: "本部门预算收支情况总体说明".into(),
            paras,
        });
    }

    /// 二、部门预算收入情况说明: the total income, its growth against 表11's last year when the workbook has it, and its funds.
    fn income_section(&mut self, year: i32, out: &mut Vec<Section>) {
        let mut s = vec![];
        s.extend(self.amount("部门预算收入", "", "t1.income.total"));
        // 表11 gives last year's: growth checked against the workbook.
        let prior = self
            .b
            .tables
            .t11
            .as_ref()
            .and_then(|f| f.blocks("funds").next())
            .and_then(|blk| {
                let row = blk.line("income_total")?;
                let (k, _) = blk.columns.iter().find(|(_, h)| {
                    let last = h.rsplit('/').next().unwrap_or(h);
                    crate::text::year_label(&crate::text::norm(last)) == Some(year - 1)
                })?;
                row.get(k).and_then(FormValue::as_amount).map(|a| a.yuan)
            });
        if let (Some(now), Some(before)) = (self.figure("t1.income.total"), prior) {
            if !before.is_zero() {
                s.push(text("，"));
                s.push(Piece::Growth {
                    now,
                    before,
                    year: year - 1,
                    off: Decimal::ZERO,
                    slipped: false,
                });
            }
        }
        s.push(text("，其中："));
        let parts: Vec<Piece> = [
            ("一般公共预算财政拨款收入", "t1.income.gp"),
            ("政府性基金预算财政拨款收入", "t1.income.gf"),
        ]
        .iter()
        .filter_map(|(w, r)| self.figure(r).map(|v| self.swappable(w, v)))
        .collect();
        s.extend(self.list(parts));
        s.push(text("。"));
        out.push(Section {
            heading: "部门预算收入情况说明".into(),
            paras: vec![vec![sentence(s)]],
        });
    }

    /// 三、部门预算支出情况说明: 基本支出 and 项目支出, each with its share of the total.
    fn expenditure_section(&mut self, year: i32, out: &mut Vec<Section>) {
        let y = year.to_string();
        if let (Some(total), Some(basic), Some(project)) = (
            self.figure("t3.total.total"),
            self.figure("t3.total.basic"),
            self.figure("t3.total.project"),
        ) {
            let decimals = 1 + self.rng.below(2) as u32;
            let mut s = vec![
                text(&format!("{y} 年")),
                self.amount("部门支出预算", "", "t3.total.total")
                    .expect("resolved"),
                text("，其中"),
                self.swappable("基本支出", basic),
            ];
            if !total.is_zero() {
                s.push(text("，"));
                s.push(Piece::Share {
                    part: basic,
                    base: total,
                    decimals,
                    off: Decimal::ZERO,
                    slipped: false,
                });
            }
            s.push(text("；"));
            s.push(self.swappable("项目支出", project));
            if !total.is_zero() {
                s.push(text("，"));
                s.push(Piece::Share {
                    part: project,
                    base: total,
                    decimals,
                    off: Decimal::ZERO,
                    slipped: false,
                });
            }
            s.push(text("。"));
            out.push(Section {
                heading: "部门预算支出情况说明".into(),
                paras: vec![vec![sentence(s)]],
            });
        }
    }

    /// 四、财政拨款收支预算情况说明: the 表4 total, its income and its spending by class.
    fn fiscal_section(&mut self, year: i32, out: &mut Vec<Section>) {
        let y = year.to_string();
        if let Some(p) = self.amount("财政拨款收支总预算", "", "t4.income.grand_total") {
            let s1 = vec![text(&format!("{y} 年")), p, text("。")];
            let mut s2 = vec![text("收入包括：")];
            s2.extend(self.amount("一般公共预算财政拨款本年收入", "", "t4.income.cur_gp"));
            s2.push(text("。"));
            let mut s3 = vec![text("支出包括：")];
            let classes = self.classes(crate::model::TableId::T4);
            s3.extend(self.list(classes));
            s3.push(text("。"));
            let mut para = vec![sentence(s1), sentence(s2)];
            if s3.len() > 2 {
                para.push(sentence(s3));
            }
            out.push(Section {
                heading: "财政拨款收支预算情况说明".into(),
                paras: vec![para],
            });
        }
    }

    /// 五、一般公共预算支出安排情况说明: the total, this year's and carried-over funds, and the items of 基本支出 and 项目支出.
    fn general_budget_section(&mut self, year: i32, out: &mut Vec<Section>) {
        let y = year.to_string();
        if let Some(total) = self.amount("一般公共预算支出", "预算数为", "t5_1.total.total")
        {
            let mut s = vec![text(&format!("{y} 年")), total, text("，其中：(1)")];
            if let Some(now) = self.figure("t4.income.cur_gp") {
                s.extend(self.amount("本年预算", "", "t4.income.cur_gp"));
                if !now.is_zero() {
                    let before = self.before(now);
                    s.push(text("，"));
                    s.push(Piece::Growth {
                        now,
                        before,
                        year: year - 1,
                        off: Decimal::ZERO,
                        slipped: false,
                    });
                }
            }
            s.push(text("；(2)"));
            s.extend(self.amount("上年结转", "", "t4.income.carry_gp"));
            s.push(text("。"));
            let mut paras = vec![
                vec![sentence(s)],
                vec![sentence(vec![text("具体安排情况如下：")])],
            ];
            if let Some(basic) = self.amount("（一）基本支出", "", "t5_1.total.basic_subtotal")
            {
                paras.push(vec![
                    sentence(vec![basic, text("，主要用于人员经费和公用经费。")]),
                    glued(vec![text("其中：")]),
                ]);
                let items = self.items("basic_subtotal");
                if !items.is_empty() {
                    let mut s = self.list(items);
                    s.push(text("。"));
                    paras.push(vec![sentence(s)]);
                }
            }
            if let Some(project) = self.amount("（二）项目支出", "", "t5_1.total.project") {
                let items = self.items("project");
                if items.is_empty() {
                    paras.push(vec![sentence(vec![project, text("。")])]);
                } else {
                    paras.push(vec![sentence(vec![project, text("，其中：")])]);
                    let mut s = self.list(items);
                    s.push(text("。"));
                    paras.push(vec![sentence(s)]);
                }
            }
            out.push(Section {
                heading: "一般公共预算支出安排情况说明".into(),
                paras,
            });
        }
    }

    /// 六、一般公共预算基本支出安排情况说明: 人员经费 and 公用经费 by economic class.
    fn basic_spending_section(&mut self, year: i32, out: &mut Vec<Section>) {
        let y = year.to_string();
        if let Some(total) = self.amount("一般公共预算基本支出", "", "t6.total.total") {
            let mut paras = vec![vec![
                sentence(vec![text(&format!("{y} 年")), total, text("。")]),
                sentence(vec![text("按部门预算支出经济分类包括：")]),
            ]];
            let mut p = vec![];
            p.extend(self.amount("1、人员经费", "", "t6.total.personnel"));
            p.push(text("。包括："));
            p.extend(self.amount("工资福利支出", "", "t6.row.301.total"));
            p.push(text("，"));
            p.extend(self.amount("对个人和家庭的补助", "", "t6.row.303.total"));
            p.push(text("。"));
            paras.push(vec![sentence(p)]);
            let mut p = vec![];
            p.extend(self.amount("2、公用经费", "", "t6.total.public"));
            p.push(text("。包括"));
            p.extend(self.amount("商品和服务支出", "", "t6.row.302.total"));
            p.push(text("，主要用于办公费、印刷费、差旅费等。"));
            paras.push(vec![sentence(p)]);
            out.push(Section {
                heading: "一般公共预算基本支出安排情况说明".into(),
                paras,
            });
        }
    }

    /// 七、八: 政府性基金 and 国有资本经营 spending, or that there is none.
    fn fund_sections(&mut self, dept: &str, year: i32, out: &mut Vec<Section>) {
        let y = year.to_string();
        for (heading, words, r) in [
            (
                "政府性基金预算支出安排情况说明",
                "政府性基金预算支出",
                "t8.total.total",
            ),
            (
                "国有资本经营预算支出安排情况说明",
                "国有资本经营预算支出",
                "t9.total.total",
            ),
        ] {
            let Some(v) = self.figure(r) else { continue };
            let s = if v.is_zero() {
                let what = words.replace("预算支出", "预算安排的支出");
                vec![text(&format!("{dept} {y} 年没有使用{what}。"))]
            } else {
                vec![
                    text(&format!("{y} 年")),
                    self.amount(words, "", r).expect("resolved"),
                    text("。"),
                ]
            };
            out.push(Section {
                heading: heading.into(),
                paras: vec![vec![sentence(s)]],
            });
        }
    }

    /// 九、“三公”经费: the total and each of its parts.
    fn three_public_section(&mut self, year: i32, out: &mut Vec<Section>) {
        let y = year.to_string();
        if let Some(total) = self.amount("财政拨款“三公”经费", "预算数", "t7.total")
        {
            let mut paras = vec![vec![sentence(vec![
                text(&format!("{y} 年")),
                total,
                text("，其中："),
            ])]];
            for (w, r, end) in [
                ("（1）因公出国(境)费", "t7.abroad", "；"),
                ("（2）公务接待费", "t7.reception", "；"),
            ] {
                if let Some(p) = self.amount(w, "", r) {
                    paras.push(vec![sentence(vec![p, text(end)])]);
                }
            }
            let mut s = vec![];
            s.extend(self.amount("（3）公务用车购置及运行维护费", "", "t7.car_subtotal"));
            s.push(text("，其中："));
            s.extend(self.amount("公务用车购置费", "", "t7.car_purchase"));
            s.push(text("，"));
            s.extend(self.amount("公务用车运行维护费", "", "t7.car_running"));
            s.push(text("；"));
            paras.push(vec![sentence(s)]);
            out.push(Section {
                heading: "一般公共预算“三公”经费支出情况说明".into(),
                paras,
            });
        }
    }

    /// 十、其他重要事项: 政府采购 (not in the tables: only its sum is checked) and 绩效 management.
    fn other_matters_section(&mut self, year: i32, out: &mut Vec<Section>) {
        let y = year.to_string();
        let goods = self.before(Decimal::from(200_000));
        let services = self.before(Decimal::from(120_000));
        let works = if self.rng.chance(0.5) {
            Decimal::ZERO
        } else {
            self.before(Decimal::from(300_000))
        };
        // Not in the tables: nothing to compare, only the sum.
        let proc_piece = |words: &str, link: &str, yuan: Decimal| Piece::Amount {
            words: words.to_string(),
            link: link.to_string(),
            yuan,
            values: vec![],
            swappable: false,
            blank: false,
            placeholder: false,
            slipped: false,
        };
        let s = vec![
            text(&format!("{y} 年部门预算中纳入")),
            proc_piece("政府采购预算支出", "合计", goods + services + works),
            text("。"),
        ];
        let mut items = vec![text("包括：")];
        let listed = self.list(vec![
            proc_piece("货物类", "", goods),
            proc_piece("服务类", "", services),
            proc_piece("工程类", "", works),
        ]);
        items.extend(listed);
        items.push(text("。"));
        let mut paras = vec![
            vec![sentence(vec![text("（一）政府采购预算安排情况")])],
            vec![sentence(s), glued(items)],
        ];
        if let Some(p) = self.amount("预算支出", "", "t1.expense.total") {
            paras.push(vec![sentence(vec![text("（二）预算绩效管理情况")])]);
            paras.push(vec![sentence(vec![
                text(&format!(
                    "{y} 年部门项目实行绩效目标管理，设置了部门整体支出绩效目标，"
                )),
                p,
                text("全面实施绩效目标管理。"),
            ])]);
        }
        out.push(Section {
            heading: "其他重要事项的情况说明".into(),
            paras,
        });
    }
}

const ORDINALS: [&str; 12] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
];

/// Full-width digits and points: `３２４．８３`.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' | '.' | '%' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Plants a slip in one of the eligible pieces; `false` when none fits.
fn plant(sections: &mut [Section], slip: Slip, rng: &mut Rng) -> bool {
    // Every piece, by (section, para, sentence, piece).
    let mut at: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (si, s) in sections.iter().enumerate() {
        for (pi, p) in s.paras.iter().enumerate() {
            for (ti, t) in p.iter().enumerate() {
                for (ki, _) in t.pieces.iter().enumerate() {
                    at.push((si, pi, ti, ki));
                }
            }
        }
    }
    let compared = |p: &Piece| matches!(p, Piece::Amount { values, .. } if !values.is_empty());
    let eligible: Vec<(usize, usize, usize, usize)> = at
        .iter()
        .copied()
        .filter(|&k| {
            let p = &sections[k.0].paras[k.1][k.2].pieces[k.3];
            match slip {
                Slip::Amount | Slip::Blank | Slip::Placeholder => compared(p),
                Slip::Share => matches!(p, Piece::Share { .. }),
                Slip::Growth => matches!(p, Piece::Growth { now, before, .. } if *now != *before),
                Slip::Swap => matches!(
                    p,
                    Piece::Amount {
                        swappable: true,
                        ..
                    }
                ),
            }
        })
        .collect();
    if eligible.is_empty() {
        return false;
    }
    if slip == Slip::Swap {
        // Two swappable amounts of one paragraph, unlike each other.
        let mut pairs = Vec::new();
        for (i, a) in eligible.iter().enumerate() {
            for b in &eligible[i + 1..] {
                if (a.0, a.1) != (b.0, b.1) {
                    continue;
                }
                let pa = &sections[a.0].paras[a.1][a.2].pieces[a.3];
                let pb = &sections[b.0].paras[b.1][b.2].pieces[b.3];
                if let (
                    Piece::Amount {
                        values: va,
                        words: wa,
                        ..
                    },
                    Piece::Amount {
                        values: vb,
                        words: wb,
                        ..
                    },
                ) = (pa, pb)
                {
                    let far = |x: &Decimal, ys: &[Decimal]| {
                        ys.iter().all(|y| (*x - *y).abs() > Decimal::from(200))
                    };
                    if wa != wb && far(&va[0], vb) && far(&vb[0], va) {
                        pairs.push((*a, *b));
                    }
                }
            }
        }
        if pairs.is_empty() {
            return false;
        }
        let (a, b) = pairs[rng.below(pairs.len())];
        let words = |sections: &mut [Section], k: (usize, usize, usize, usize)| match &mut sections
            [k.0]
            .paras[k.1][k.2]
            .pieces[k.3]
        {
            Piece::Amount { words, slipped, .. } => {
                *slipped = true;
                Some(words.clone())
            }
            _ => None,
        };
        let (wa, wb) = (words(sections, a), words(sections, b));
        for (k, new) in [(a, wb), (b, wa)] {
            if let (Piece::Amount { words, .. }, Some(new)) =
                (&mut sections[k.0].paras[k.1][k.2].pieces[k.3], new)
            {
                *words = new;
            }
        }
        return true;
    }
    let k = eligible[rng.below(eligible.len())];
    let p = &mut sections[k.0].paras[k.1][k.2].pieces[k.3];
    match p {
        Piece::Amount {
            yuan,
            values,
            blank,
            placeholder,
            slipped,
            ..
        } => match slip {
            Slip::Blank => *blank = true,
            Slip::Placeholder => *placeholder = true,
            _ => {
                // Off by 0.5% to 40%, at least 0.10 万元, and far from every
                // figure the words could name.
                let mut v = *yuan;
                for _ in 0..20 {
                    let pct = Decimal::from(1 + rng.below(80) as i64) / Decimal::from(200);
                    let d = ((*yuan * pct / Decimal::ONE_HUNDRED).round() * Decimal::ONE_HUNDRED)
                        .max(Decimal::from(1_000));
                    v = if rng.chance(0.5) || *yuan < d {
                        *yuan + d
                    } else {
                        *yuan - d
                    };
                    if values.iter().all(|x| (v - *x).abs() > Decimal::from(200)) {
                        break;
                    }
                }
                *yuan = v;
                *slipped = true;
            }
        },
        Piece::Share { off, slipped, .. } | Piece::Growth { off, slipped, .. } => {
            let d = Decimal::from(5 + rng.below(60) as i64) / Decimal::TEN;
            *off = if rng.chance(0.5) { d } else { -d };
            *slipped = true;
        }
        Piece::Text(_) => return false,
    }
    true
}

/// A narrative of `b`'s figures, in a seeded style, with `slip` planted
/// (when one of its kind fits this budget: `slip` of the result says).
pub fn narrative(b: &Budget, seed: u64, slip: Option<Slip>) -> Generated {
    let mut w = Writer {
        b,
        rng: Rng::new(seed),
    };
    let dept = b
        .department
        .name
        .clone()
        .unwrap_or_else(|| "本部门".to_string());
    let year = b.year.unwrap_or(2024);
    let mut applied = Vec::new();
    let mut sections = w.sections(&dept, year);
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
    let style = Style {
        wan: rng.chance(0.7),
        spaces: rng.chance(0.5),
        commas: rng.chance(0.5),
        trim: rng.chance(0.5),
        full_width: rng.chance(0.3),
    };
    applied.push(format!(
        "单位 {}，空格 {}，千分位 {}，去尾零 {}，全角 {}",
        style.unit(),
        style.spaces,
        style.commas,
        style.trim,
        style.full_width
    ));
    let planted = slip.filter(|s| plant(&mut sections, *s, &mut rng));
    if let Some(s) = planted {
        applied.push(format!("错：{s:?}"));
    }
    // Sections in a seeded order.
    if rng.chance(0.5) {
        for i in (1..sections.len()).rev() {
            let j = rng.below(i + 1);
            sections.swap(i, j);
        }
        applied.push("各部分重排".into());
    }
    // Paragraphs joined, or split at a sentence that stands alone.
    for s in &mut sections {
        if s.paras.len() > 1 && rng.chance(0.3) {
            let i = rng.below(s.paras.len() - 1);
            let next = s.paras.remove(i + 1);
            s.paras[i].extend(next);
            applied.push(format!("{}：合并第 {} 段与下一段", s.heading, i + 1));
        }
        if rng.chance(0.3) {
            let i = rng.below(s.paras.len());
            if let Some(cut) = (1..s.paras[i].len()).find(|&k| !s.paras[i][k].glued) {
                let rest = s.paras[i].split_off(cut);
                s.paras.insert(i + 1, rest);
                applied.push(format!("{}：拆分第 {} 段", s.heading, i + 1));
            }
        }
    }
    let mut paragraphs = vec![format!("第三部分 {dept} {year} 年部门预算情况说明")];
    let mut slipped_at = None;
    for (n, s) in sections.iter().enumerate() {
        paragraphs.push(format!("{}、{}", ORDINALS[n.min(11)], s.heading));
        for p in &s.paras {
            let mut t = String::new();
            for sentence in p {
                for piece in &sentence.pieces {
                    if piece.slipped() {
                        slipped_at = Some(paragraphs.len());
                    }
                    t.push_str(&render(piece, &style, &mut rng));
                }
            }
            paragraphs.push(if style.full_width { full_width(&t) } else { t });
        }
    }
    Generated {
        paragraphs,
        slip: planted.zip(slipped_at),
        applied,
    }
}
