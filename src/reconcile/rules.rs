//! The rules, as a table: what each compares (in Chinese, for the docs and
//! the reviewer), whether a row's unnamed columns may explain a difference,
//! and how it is run — pairs of figures the engine compares, a function for
//! the few that walk rows or forms, or a check run elsewhere (within one
//! table, by the importer, across the batch or the years, against the
//! narrative). Adding a rule between tables is one entry here and its test.

use super::between;
pub use super::between::Fig;
use super::finding::{Checker, Relation, Term};
use crate::model::{Budget, TableId};
use crate::template::Side;

/// A rule `check` (or a batch) applies.
pub struct Rule {
    /// Stable ID: reports, JSON and tests use it (`X.t5_t6`).
    pub id: &'static str,
    /// What it compares, in Chinese.
    pub what: &'static str,
    /// A difference a row's columns the template does not name account for
    /// (a province's `单位预留机动经费`) is an info saying so, not an error.
    pub extras_explain: bool,
    pub body: Body,
}

/// How a rule is run.
pub enum Body {
    /// Figures of two tables, each pair compared: its `left` figures
    /// (summed) = its `right` ones, within rounding. A pair runs when every
    /// table it names is in the workbook; `absent` says what a figure its
    /// table lacks (a line, a column) does.
    Pairs {
        /// The table a finding belongs to (the first one named).
        table: TableId,
        absent: Absent,
        pairs: &'static [Pair],
    },
    /// A function of the budget: the rules that walk rows, codes or forms.
    Code(fn(&Budget, &mut Checker)),
    /// Within one table, by its own walk of the table ([`super::within`]).
    Within,
    /// By the importer, the structure checks, the batch, the years or the
    /// narrative: listed here for the docs and the report order.
    Elsewhere,
}

/// What a comparison does when a figure is not in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absent {
    /// When either side has no figure at all, nothing is compared (a
    /// layout that does not print a line is not a finding).
    Skip,
    /// A figure the table lacks counts as zero: the other side must be
    /// zero too (a 政府性基金 total with no 政府性基金 line in 表4).
    Zero,
}

/// One comparison of a [`Body::Pairs`] rule.
pub struct Pair {
    /// What the finding says it compared (`表5-1 基本支出 = 表6 合计行`);
    /// each `表N` is named as the workbook's template numbers it.
    pub says: &'static str,
    pub left: &'static [Fig],
    pub right: &'static [Fig],
}

/// Runs `rules` on a budget: each pair compared, each function called.
pub fn run(rules: &[Rule], b: &Budget, c: &mut Checker) {
    let metas = b.tables.metas();
    let present: Vec<TableId> = metas.iter().map(|m| m.id).collect();
    for rule in rules {
        match &rule.body {
            Body::Pairs {
                table,
                absent,
                pairs,
            } => {
                for pair in pairs.iter() {
                    compare(rule.id, *table, *absent, pair, &present, b, c);
                }
            }
            Body::Code(f) => f(b, c),
            Body::Within | Body::Elsewhere => {}
        }
    }
}

/// One pair of a rule, when every table it names is in the workbook
/// (`present`, their IDs).
fn compare(
    id: &'static str,
    table: TableId,
    absent: Absent,
    pair: &Pair,
    present: &[TableId],
    b: &Budget,
    c: &mut Checker,
) {
    if !pair
        .left
        .iter()
        .chain(pair.right)
        .all(|f| present.contains(&f.table()))
    {
        return;
    }
    let side = |figs: &[Fig]| -> Vec<Option<Term>> {
        figs.iter().map(|f| between::figure(b, f)).collect()
    };
    let (left, right) = (side(pair.left), side(pair.right));
    if absent == Absent::Skip
        && (left.iter().all(Option::is_none) || right.iter().all(Option::is_none))
    {
        return;
    }
    let l: Vec<Term> = left.into_iter().flatten().collect();
    let r: Vec<Term> = right.into_iter().flatten().collect();
    let sum = |t: &[Term]| {
        t.iter()
            .map(|t| t.amount.yuan)
            .sum::<rust_decimal::Decimal>()
    };
    if sum(&l) == sum(&r) {
        // Most pairs hold exactly; what they compare is worded only when
        // one does not.
        return;
    }
    c.compare(
        id,
        table,
        &super::names::named(pair.says),
        &l,
        &r,
        Relation::Equal,
    );
}

/// Every rule `check` applies, in report order.
pub const RULES: &[Rule] = &[
    Rule {
        id: "T1.income_total",
        what: "表1 本年收入合计 = 各项收入之和",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T1.expense_total",
        what: "表1 本年支出合计 = 各类支出之和",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T1.grand_income",
        what: "表1 收入总计 = 本年收入合计 + 上年结转结余",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T1.grand_expense",
        what: "表1 支出总计 = 本年支出合计 + 年终结转结余",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T1.balance",
        what: "表1 收入总计 = 支出总计",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T2.row",
        what: "表2 每行：合计 = 本年收入小计 + 上年结转结余小计；小计 = 各来源之和",
        extras_explain: true,
        body: Body::Within,
    },
    Rule {
        id: "T2.rollup",
        what: "表2 合计行 = 各部门行之和；部门行 = 所属单位行之和",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T3.row",
        what: "表3 每行：合计 = 基本支出 + 项目支出 + 事业单位经营支出 + 上缴上级支出 + 对附属单位补助支出",
        extras_explain: true,
        body: Body::Within,
    },
    Rule {
        id: "T3.tree",
        what: "表3 合计 = 各类之和；类 = 所属款之和；款 = 所属项之和（每列）",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T4.income_total",
        what: "表4 本年收入、上年结转 = 三项财政拨款之和；收入总计 = 本年收入 + 上年结转",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T4.expense_total",
        what: "表4 本年支出 = 各类支出之和；支出总计 = 本年支出 + 年终结转结余",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T4.balance",
        what: "表4 收入总计 = 支出总计",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T5_1.row",
        what: "表5-1 每行：合计 = 基本支出小计 + 项目支出；小计 = 人员经费 + 公用经费",
        extras_explain: true,
        body: Body::Within,
    },
    Rule {
        id: "T5_1.tree",
        what: "表5-1 合计 = 各类之和；类 = 所属款之和；款 = 所属项之和",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T5_2.row",
        what: "表5-2 每行：合计 = 基本支出小计 + 项目支出；小计 = 人员经费 + 公用经费",
        extras_explain: true,
        body: Body::Within,
    },
    Rule {
        id: "T5_2.rollup",
        what: "表5-2 合计行 = 各部门行之和；部门行 = 所属单位行之和",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T6.row",
        what: "表6 每行：合计 = 人员经费 + 公用经费",
        extras_explain: true,
        body: Body::Within,
    },
    Rule {
        id: "T6.tree",
        what: "表6 合计 = 各类之和；类 = 所属款之和",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T6.kinds",
        what: "表6 人员经费只在人员类（301 工资福利支出、303 对个人和家庭的补助），公用经费只在公用类（302 商品和服务支出、310 资本性支出）：301、303 的行不得有公用经费，302、310 的行不得有人员经费",
        extras_explain: false,
        body: Body::Code(super::chain::t6_kinds),
    },
    Rule {
        id: "T7.row",
        what: "表7 合计 = 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费；公务用车小计 = 购置费 + 运行费",
        extras_explain: true,
        body: Body::Within,
    },
    Rule {
        id: "T8.row",
        what: "表8 每行：合计 = 基本支出 + 项目支出",
        extras_explain: true,
        body: Body::Within,
    },
    Rule {
        id: "T8.tree",
        what: "表8 合计 = 各类之和；类 = 所属款之和；款 = 所属项之和",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T9.row",
        what: "表9 每行：合计 = 基本支出 + 项目支出",
        extras_explain: true,
        body: Body::Within,
    },
    Rule {
        id: "T9.tree",
        what: "表9 合计 = 各类之和；类 = 所属款之和；款 = 所属项之和",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T10.row",
        what: "表10 每行：合计 = 各资金来源之和",
        extras_explain: true,
        body: Body::Within,
    },
    Rule {
        id: "T10.rollup",
        what: "表10 合计 = 各部门之和 = 各单位之和；单位 = 所属类别之和；类别 = 所属项目之和",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T11.funds",
        what: "表11 收入合计 = 财政拨款 + 其他资金；支出合计 = 基本支出 + 项目支出（当年及近两年）",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T11.share",
        what: "表11 占比 = 金额 / 合计",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T12.sources",
        what: "表12 项目资金来源合计 = 各来源之和",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T12.detail",
        what: "表12 支出明细测算数之和 = 项目当年预算",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "T12.rate",
        what: "表12 执行率 = 执行数 / 预算数",
        extras_explain: false,
        body: Body::Within,
    },
    Rule {
        id: "X.t1_t2_income",
        what: "表1 各项收入、上年结转结余 = 表2 合计行对应列",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T1,
            absent: Absent::Skip,
            pairs: &[
                Pair { says: "表1 收入 = 表2 合计行", left: &[Fig::Line(TableId::T1, Side::Income, "gp")], right: &[Fig::Total(TableId::T2, "cur_gp")] },
                Pair { says: "表1 收入 = 表2 合计行", left: &[Fig::Line(TableId::T1, Side::Income, "gf")], right: &[Fig::Total(TableId::T2, "cur_gf")] },
                Pair { says: "表1 收入 = 表2 合计行", left: &[Fig::Line(TableId::T1, Side::Income, "soe")], right: &[Fig::Total(TableId::T2, "cur_soe")] },
                Pair { says: "表1 收入 = 表2 合计行", left: &[Fig::Line(TableId::T1, Side::Income, "special")], right: &[Fig::Total(TableId::T2, "cur_special")] },
                Pair { says: "表1 收入 = 表2 合计行", left: &[Fig::Line(TableId::T1, Side::Income, "business")], right: &[Fig::Total(TableId::T2, "cur_business")] },
                Pair { says: "表1 收入 = 表2 合计行", left: &[Fig::Line(TableId::T1, Side::Income, "operating")], right: &[Fig::Total(TableId::T2, "cur_operating")] },
                Pair { says: "表1 收入 = 表2 合计行", left: &[Fig::Line(TableId::T1, Side::Income, "superior")], right: &[Fig::Total(TableId::T2, "cur_superior")] },
                Pair { says: "表1 收入 = 表2 合计行", left: &[Fig::Line(TableId::T1, Side::Income, "affiliated")], right: &[Fig::Total(TableId::T2, "cur_affiliated")] },
                Pair { says: "表1 收入 = 表2 合计行", left: &[Fig::Line(TableId::T1, Side::Income, "other")], right: &[Fig::Total(TableId::T2, "cur_other")] },
                Pair { says: "表1 收入 = 表2 合计行", left: &[Fig::Line(TableId::T1, Side::Income, "carryover")], right: &[Fig::Total(TableId::T2, "carry_subtotal")] },
            ],
        },
    },
    Rule {
        id: "X.t2_t4_carry",
        what: "表2 合计行上年结转结余的一般公共预算、政府性基金、国有资本经营 = 表4 上年结转中该项资金",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T2,
            absent: Absent::Skip,
            pairs: &[
                Pair { says: "表2 合计行上年结转结余（一般公共预算）= 表4 上年结转一般公共预算", left: &[Fig::Total(TableId::T2, "carry_gp")], right: &[Fig::Line(TableId::T4, Side::Income, "carry_gp")] },
                Pair { says: "表2 合计行上年结转结余（政府性基金）= 表4 上年结转政府性基金预算", left: &[Fig::Total(TableId::T2, "carry_gf")], right: &[Fig::Line(TableId::T4, Side::Income, "carry_gf")] },
                Pair { says: "表2 合计行上年结转结余（国有资本经营）= 表4 上年结转国有资本经营预算", left: &[Fig::Total(TableId::T2, "carry_soe")], right: &[Fig::Line(TableId::T4, Side::Income, "carry_soe")] },
            ],
        },
    },
    Rule {
        id: "X.t1_t3_class",
        what: "表1 各类支出 = 表3 该类合计",
        extras_explain: false,
        body: Body::Code(between::t1_t3_class),
    },
    Rule {
        id: "X.t1_t3_total",
        what: "表1 本年支出合计 = 表3 合计",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T1,
            absent: Absent::Skip,
            pairs: &[
                Pair { says: "表1 本年支出合计 = 表3 合计", left: &[Fig::Line(TableId::T1, Side::Expense, "total")], right: &[Fig::Total(TableId::T3, "total")] },
            ],
        },
    },
    Rule {
        id: "X.t1_t4_fiscal",
        what: "表1 三项财政拨款收入 = 表4 本年收入对应行",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T1,
            absent: Absent::Skip,
            pairs: &[
                Pair { says: "表1 财政拨款收入 = 表4 本年收入", left: &[Fig::Line(TableId::T1, Side::Income, "gp")], right: &[Fig::Line(TableId::T4, Side::Income, "cur_gp")] },
                Pair { says: "表1 财政拨款收入 = 表4 本年收入", left: &[Fig::Line(TableId::T1, Side::Income, "gf")], right: &[Fig::Line(TableId::T4, Side::Income, "cur_gf")] },
                Pair { says: "表1 财政拨款收入 = 表4 本年收入", left: &[Fig::Line(TableId::T1, Side::Income, "soe")], right: &[Fig::Line(TableId::T4, Side::Income, "cur_soe")] },
            ],
        },
    },
    Rule {
        id: "X.t4_t5",
        what: "表4 一般公共预算拨款（本年 + 结转）= 表5-1 合计",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T4,
            absent: Absent::Skip,
            pairs: &[
                Pair { says: "表4 一般公共预算拨款（本年 + 上年结转）= 表5-1 合计", left: &[Fig::Line(TableId::T4, Side::Income, "cur_gp"), Fig::Line(TableId::T4, Side::Income, "carry_gp")], right: &[Fig::Total(TableId::T5_1, "total")] },
            ],
        },
    },
    Rule {
        id: "X.t4_class",
        what: "表4 各类支出 = 表5-1 + 表8 + 表9 该类合计",
        extras_explain: false,
        body: Body::Code(between::t4_class),
    },
    Rule {
        id: "X.t4_class_funds",
        what: "表4 支出按资金分列时（第二个区的格式），每个功能分类类：一般公共预算列 = 表5-1 该类合计，政府性基金预算列 = 表8 该类合计，国有资本经营预算列 = 表9 该类合计",
        extras_explain: false,
        body: Body::Code(super::chain::t4_class_funds),
    },
    Rule {
        id: "X.t4_t8",
        what: "表4 政府性基金（本年 + 结转）= 表8 合计；国有资本经营 = 表9 合计",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T4,
            absent: Absent::Zero,
            pairs: &[
                Pair { says: "表4 政府性基金预算拨款（本年 + 上年结转）= 表8 合计", left: &[Fig::Line(TableId::T4, Side::Income, "cur_gf"), Fig::Line(TableId::T4, Side::Income, "carry_gf")], right: &[Fig::Total(TableId::T8, "total")] },
                Pair { says: "表4 国有资本经营预算拨款（本年 + 上年结转）= 表9 合计", left: &[Fig::Line(TableId::T4, Side::Income, "cur_soe"), Fig::Line(TableId::T4, Side::Income, "carry_soe")], right: &[Fig::Total(TableId::T9, "total")] },
            ],
        },
    },
    Rule {
        id: "X.t5_1_t5_2",
        what: "表5-1 合计行 = 表5-2 合计行（每列）",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T5_1,
            absent: Absent::Skip,
            pairs: &[
                Pair { says: "表5-1 合计行 = 表5-2 合计行", left: &[Fig::Total(TableId::T5_1, "total")], right: &[Fig::Total(TableId::T5_2, "total")] },
                Pair { says: "表5-1 合计行 = 表5-2 合计行", left: &[Fig::Total(TableId::T5_1, "basic_subtotal")], right: &[Fig::Total(TableId::T5_2, "basic_subtotal")] },
                Pair { says: "表5-1 合计行 = 表5-2 合计行", left: &[Fig::Total(TableId::T5_1, "basic_personnel")], right: &[Fig::Total(TableId::T5_2, "basic_personnel")] },
                Pair { says: "表5-1 合计行 = 表5-2 合计行", left: &[Fig::Total(TableId::T5_1, "basic_public")], right: &[Fig::Total(TableId::T5_2, "basic_public")] },
                Pair { says: "表5-1 合计行 = 表5-2 合计行", left: &[Fig::Total(TableId::T5_1, "project")], right: &[Fig::Total(TableId::T5_2, "project")] },
            ],
        },
    },
    Rule {
        id: "X.t5_t6",
        what: "表5-1 基本支出小计、人员经费、公用经费 = 表6 合计行",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T5_1,
            absent: Absent::Skip,
            pairs: &[
                Pair { says: "表5-1 基本支出 = 表6 合计行", left: &[Fig::Total(TableId::T5_1, "basic_subtotal")], right: &[Fig::Total(TableId::T6, "total")] },
                Pair { says: "表5-1 基本支出 = 表6 合计行", left: &[Fig::Total(TableId::T5_1, "basic_personnel")], right: &[Fig::Total(TableId::T6, "personnel")] },
                Pair { says: "表5-1 基本支出 = 表6 合计行", left: &[Fig::Total(TableId::T5_1, "basic_public")], right: &[Fig::Total(TableId::T6, "public")] },
            ],
        },
    },
    Rule {
        id: "X.units",
        what: "每个单位：表5-2 合计 = 表2 一般公共预算（本年 + 上年结转），表5-2 项目支出 = 表10 一般公共预算（本年 + 结转）；三张表列出同样的单位，同一编码同一名称",
        extras_explain: false,
        body: Body::Code(super::chain::units),
    },
    Rule {
        id: "X.t3_t5",
        what: "每个科目：表5-1 合计 ≤ 表3 合计",
        extras_explain: false,
        body: Body::Code(between::t3_t5),
    },
    Rule {
        id: "X.t3_t10",
        what: "表3 项目支出 = 表10 合计",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T3,
            absent: Absent::Skip,
            pairs: &[
                Pair { says: "表3 项目支出 = 表10 合计", left: &[Fig::Total(TableId::T3, "project")], right: &[Fig::Total(TableId::T10, "total")] },
            ],
        },
    },
    Rule {
        id: "X.t5_t10",
        what: "表5-1 项目支出 = 表10 一般公共预算（本年 + 结转）",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T5_1,
            absent: Absent::Skip,
            pairs: &[
                Pair { says: "表5-1 项目支出 = 表10 一般公共预算（本年拨款 + 结转结余）", left: &[Fig::Total(TableId::T5_1, "project")], right: &[Fig::Total(TableId::T10, "cur_gp"), Fig::Total(TableId::T10, "carry_gp")] },
            ],
        },
    },
    Rule {
        id: "X.t8_t10",
        what: "表8 项目支出 = 表10 政府性基金预算（本年 + 结转）",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T8,
            absent: Absent::Zero,
            pairs: &[
                Pair { says: "表8 项目支出 = 表10 政府性基金预算（本年拨款 + 结转结余）", left: &[Fig::Total(TableId::T8, "project")], right: &[Fig::Total(TableId::T10, "cur_gf"), Fig::Total(TableId::T10, "carry_gf")] },
            ],
        },
    },
    Rule {
        id: "X.t7_t6",
        what: "表7 三公经费 ≥ 表6 对应经济科目（30217、30212、30231）",
        extras_explain: false,
        body: Body::Code(between::t7_t6),
    },
    Rule {
        id: "X.t11_t1",
        what: "表11 当年财政拨款 = 表4 本年收入；合计 = 表1 本年收入合计",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T11,
            absent: Absent::Skip,
            pairs: &[
                Pair { says: "表11 当年财政拨款 = 表4 本年收入", left: &[Fig::Funds("income_fiscal")], right: &[Fig::Line(TableId::T4, Side::Income, "cur_total")] },
                Pair { says: "表11 当年收入合计 = 表1 本年收入合计", left: &[Fig::Funds("income_total")], right: &[Fig::Line(TableId::T1, Side::Income, "total")] },
            ],
        },
    },
    Rule {
        id: "X.t11_t3",
        what: "表11 当年基本支出、项目支出 = 表3 合计行",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T11,
            absent: Absent::Skip,
            pairs: &[
                Pair { says: "表11 当年基本支出 = 表3 合计行基本支出", left: &[Fig::Funds("expense_basic")], right: &[Fig::Total(TableId::T3, "basic")] },
                Pair { says: "表11 当年项目支出 = 表3 合计行项目支出", left: &[Fig::Funds("expense_project")], right: &[Fig::Total(TableId::T3, "project")] },
            ],
        },
    },
    Rule {
        id: "X.t12_t10",
        what: "表12 项目当年预算（元）= 表10 同一项目合计 × 10000；一个项目只有一张表12",
        extras_explain: false,
        body: Body::Code(between::t12_t10),
    },
    Rule {
        id: "X.t12_sources",
        what: "表12 每条资金来源 = 表10 该项目同一资金的列（一般公共预算 = 本年 + 结转，其中申请当年预算拨款 = 本年，使用上年度财政拨款结转 = 各结转列）；项目总预算 ≥ 项目当年预算",
        extras_explain: false,
        body: Body::Code(super::chain::t12_sources),
    },
    Rule {
        id: "X.t12_procurement",
        what: "表12 政府采购各品目金额之和 ≤ 项目当年预算（超出时警告）",
        extras_explain: false,
        body: Body::Code(super::chain::t12_procurement),
    },
    Rule {
        id: "X.t10_forms",
        what: "模板要求每个项目附表12 时（[conventions] form_per_project），表10 每个有金额的项目都有一张表12",
        extras_explain: false,
        body: Body::Code(super::chain::t10_forms),
    },
    Rule {
        id: "X.empty_note",
        what: "无数据的表须注明“本单位…无…预算”；有数据的表不得注明；说明写的是本表的内容（表8 政府性基金、表9 国有资本经营、表7 三公经费）和本年度",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "S.missing_table",
        what: "模板中的表在工作簿中缺失",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "S.code_format",
        what: "功能分类编码 3/5/7 位，经济分类 3/5 位；下级编码以上级编码开头",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "S.orphan",
        what: "款、项没有上级行",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "S.duplicate",
        what: "同一表中编码重复",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "S.text_number",
        what: "数值以文本形式存放",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "S.unit",
        what: "金额单位缺失或不是元/万元（警告）；单位与数字相差一万倍（错误，指向单位单元格）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "P.pairs",
        what: "（提示性核对，警告）基本支出中同一笔缴费的功能科目和经济科目相等：表5-1 2080505 ↔ 表6 30108，2080506 ↔ 30109，2101101 + 2101102 ↔ 30110，2101103 ↔ 30111，2210201 ↔ 30113",
        extras_explain: false,
        body: Body::Code(super::plausible::pairs),
    },
    Rule {
        id: "P.no_project",
        what: "（提示性核对，警告）行政运行、事业运行和社会保险缴费、住房公积金等科目没有项目支出（表3、表5-1）",
        extras_explain: false,
        body: Body::Code(super::plausible::no_project),
    },
    Rule {
        id: "P.t3_fiscal",
        what: "（提示性核对，警告）部门只有财政拨款时，表3 每个科目 = 表5-1 + 表8 + 表9（合计、基本支出、项目支出）；另有其他资金时，表3 ≥ 三表之和",
        extras_explain: false,
        body: Body::Code(super::plausible::t3_fiscal),
    },
    Rule {
        id: "P.negative",
        what: "（提示性核对，警告）金额为负数",
        extras_explain: false,
        body: Body::Code(super::plausible::negative),
    },
    Rule {
        id: "P.percent",
        what: "（提示性核对，警告）表11、表12 的执行率、占比超出 0–100%",
        extras_explain: false,
        body: Body::Code(super::plausible::percent),
    },
    Rule {
        id: "X.code_names",
        what: "同一功能分类编码在表3、表5-1、表8、表9 中名称相同（警告）",
        extras_explain: false,
        body: Body::Code(super::chain::code_names),
    },
    Rule {
        id: "S.depth",
        what: "功能分类支出列到项：有金额的类、款，其下须列出款和项（警告）",
        extras_explain: false,
        body: Body::Code(super::chain::depth),
    },
    Rule {
        id: "S.rules_off",
        what: "模板关闭的提示性核对（P.*）：未进行，报告中说明（提示）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "S.one_budget",
        what: "每张表的标题写的是工作簿的年度，每张表的“部门/单位：”写的是同一部门（从别的年度或别的部门复制来的表）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "S.year",
        what: "找不到预算年度",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "Y.t11_history",
        what: "较晚年度表11 所列某一较早年度的财政拨款、基本支出、项目支出、支出合计 = 该年度预算本身（其表11 当年列；没有表11 时为表4 本年收入、表3 合计行）（警告）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "Y.t12_history",
        what: "较晚年度表12 项目前两年预算情况的预算数 = 该年度表10 同一项目（按编码，否则按名称和执行单位）合计（警告；该年度表10 没有此项目时为提示）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "Y.project_renamed",
        what: "同一项目编码在相邻年度的名称不同（提示，列出两个名称）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "S.duplicate_input",
        what: "同一年度的同一份预算（同一部门的部门预算，或同一单位的单位预算）出现在多个输入中（批量核对、转换时）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "N.amount",
        what: "情况说明所写金额 = 它所说的表中数（按说明写到的小数位四舍五入）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "N.zero",
        what: "表中为零的科目，说明不得写成有数或有安排；表中有数的，不得写成 0 或“没有”",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "N.share",
        what: "说明所写占比 = 两个所写金额之比",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "N.growth",
        what: "说明所写增减额、增长率、增减方向 = 与上年数相比（上年数不在工作簿中时按说明所述计，为警告）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "N.sum",
        what: "说明所写合计 = 所列各项之和（政府采购 = 货物 + 工程 + 服务；项目支出 = 所列功能科目之和 …）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "N.blank",
        what: "说明中该写金额处空着（“一般公共预算财政拨款收入 万元”）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "N.placeholder",
        what: "说明中留有模板占位文字（XXX万元、××、XX（单位）、填写提示）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "N.missing",
        what: "模板要求附情况说明的工作簿没有说明（工作表或 --narrative 文档）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "N.unpaired",
        what: "输入中的情况说明没有同一部门同一年度的工作簿与之配对（批量核对时）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
    Rule {
        id: "N.unreadable",
        what: "情况说明文档无法读取（批量核对时；退出码 2）",
        extras_explain: false,
        body: Body::Elsewhere,
    },
];
