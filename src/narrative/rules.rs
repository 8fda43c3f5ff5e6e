//! The `N.*` rules: what a narrative claims against the tables and against
//! itself, rounding-aware (the narrative's own decimals), each finding
//! naming its paragraph and the cells it was compared with.

use rust_decimal::Decimal;

use super::claims::{Claim, Direction};
use super::figure::{resolve_year, Figure};
use crate::amount::Unit;
use crate::model::narrative::{Fact, Narrative, Outcome};
use crate::model::narrative::{Kind, Stated};
use crate::model::{Budget, Severity};
use crate::reconcile::Finding;
use crate::template::narrative::NarrativeSpec;
use crate::workbook::CellRef;

/// A closed interval of exact decimals.
#[derive(Debug, Clone, Copy)]
struct Span(Decimal, Decimal);

impl Span {
    fn around(x: Decimal, half: Decimal) -> Span {
        Span(x - half, x + half)
    }
    fn overlaps(self, o: Span) -> bool {
        self.0 <= o.1 && o.0 <= self.1
    }
    fn sub(self, o: Span) -> Span {
        Span(self.0 - o.1, self.1 - o.0)
    }
    fn add(self, o: Span) -> Span {
        Span(self.0 + o.0, self.1 + o.1)
    }
    /// `self / o` in percent points; `None` when `o` may be zero or less.
    fn percent_of(self, o: Span) -> Option<Span> {
        if o.0 <= Decimal::ZERO {
            return None;
        }
        let h = Decimal::ONE_HUNDRED;
        let q = [
            self.0 * h / o.0,
            self.0 * h / o.1,
            self.1 * h / o.0,
            self.1 * h / o.1,
        ];
        let lo = q.iter().copied().fold(q[0], Decimal::min);
        let hi = q.iter().copied().fold(q[0], Decimal::max);
        Some(Span(lo, hi))
    }
}

/// What rounding hides in a table figure: half a cent of its display unit.
fn table_half(f: &Figure) -> Decimal {
    match f.unit {
        Unit::Wan => Decimal::new(50, 0),
        Unit::Yuan => Decimal::ZERO,
    }
}

fn shown_unit(s: &Stated) -> Unit {
    if s.unit == "元" {
        Unit::Yuan
    } else {
        Unit::Wan
    }
}

/// `324.83 万元` (two decimals, in `unit`).
fn money(yuan: Decimal, unit: Unit) -> String {
    let mut d = crate::amount::from_yuan(yuan, unit);
    d.rescale(2);
    format!("{d} {}", unit.label())
}

fn plain(yuan: Decimal, unit: Unit) -> String {
    let mut d = crate::amount::from_yuan(yuan, unit);
    d.rescale(2);
    d.to_string()
}

fn pct(d: Decimal, decimals: u32) -> String {
    let mut d = d.round_dp(decimals);
    d.rescale(decimals);
    format!("{d}%")
}

fn signed(dir: Direction, s: &Stated) -> Decimal {
    match dir {
        Direction::Down => -s.value * super::claims::unit_factor(s.unit),
        _ => s.value * super::claims::unit_factor(s.unit),
    }
}

fn signed_pct(dir: Direction, s: &Stated) -> Decimal {
    match dir {
        Direction::Down => -s.value,
        _ => s.value,
    }
}

fn dir_word(d: Direction) -> &'static str {
    match d {
        Direction::Up => "增加",
        Direction::Down => "减少",
        Direction::Flat => "持平",
    }
}

struct Ctx<'a> {
    budget: &'a Budget,
    narrative: &'a Narrative,
    claims: &'a [Claim],
    findings: Vec<Finding>,
    facts: Vec<Fact>,
    /// Claims whose amount disagrees with the tables: a sum, share or
    /// growth they take part in is not checked again (the slip is said once).
    failed: Vec<bool>,
}

impl Ctx<'_> {
    /// The words of the paragraph around a claim, as written.
    fn quote(&self, c: &Claim) -> String {
        let p = &self.narrative.paragraphs[c.para];
        let n = crate::text::normed::normalize(&p.text);
        let (a, b) = (c.span.0.min(n.len()), c.span.1.min(n.len()));
        let (x, y) = n.source_range(a, b.max(a + 1).min(n.len()));
        p.text.get(x..y).unwrap_or("").trim().to_string()
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &mut self,
        rule: &'static str,
        severity: Severity,
        c: &Claim,
        message: String,
        figures: (Option<String>, Option<String>, Option<String>, Option<Unit>),
        cells: Vec<CellRef>,
    ) {
        let p = &self.narrative.paragraphs[c.para];
        let mut cells = cells;
        if let Some(cell) = &p.cell {
            cells.insert(0, cell.clone());
        }
        cells.dedup();
        let (expected, actual, difference, unit) = figures;
        self.findings.push(Finding {
            rule,
            severity,
            table: crate::reconcile::Subject::Narrative,
            table_name: "情况说明".to_string(),
            message: format!("{}：{message}", p.place),
            expected,
            actual,
            difference,
            unit,
            cells,
            paragraph: Some(p.place.clone()),
        });
    }

    fn fact(&mut self, ci: usize, outcome: Outcome, figure: Option<&Figure>) {
        let c = &self.claims[ci];
        let said = match c.kind {
            Kind::Growth => {
                let p = &self.narrative.paragraphs[c.para];
                let n = crate::text::normed::normalize(&p.text);
                n.slice(c.span.0, c.span.1)
            }
            Kind::Nil | Kind::Placeholder | Kind::Blank => {
                let p = &self.narrative.paragraphs[c.para];
                crate::text::normed::normalize(&p.text).slice(c.span.0, c.span.1)
            }
            _ => c
                .stated
                .as_ref()
                .map(|s| s.text.clone())
                .unwrap_or_default(),
        };
        self.facts.push(Fact {
            said,
            change: c.delta.as_ref().map(|(d, s)| signed(*d, s)),
            rate: c.rate.as_ref().map(|(d, s)| signed_pct(*d, s)),
            para: c.para,
            span: c.span,
            kind: c.kind,
            subject: c
                .subject
                .as_ref()
                .map(|s| s.words.clone())
                .unwrap_or_default(),
            subject_key: c
                .subject
                .as_ref()
                .map(|s| s.key.clone())
                .unwrap_or_default(),
            year: c.year,
            stated: c.stated.clone(),
            figure: figure.map(|f| f.label.clone()).unwrap_or_default(),
            figure_yuan: figure.map(|f| f.yuan),
            cells: figure.map(|f| f.cells.clone()).unwrap_or_default(),
            outcome,
        });
    }
}

/// Applies every `N.*` rule to the claims of a narrative.
pub fn check(
    budget: &Budget,
    narrative: &Narrative,
    spec: &NarrativeSpec,
    claims: &[Claim],
    budget_year: Option<i32>,
) -> (Vec<Finding>, Vec<Fact>) {
    let mut cx = Ctx {
        budget,
        narrative,
        claims,
        findings: Vec::new(),
        facts: Vec::new(),
        failed: vec![false; claims.len()],
    };
    for (i, c) in claims.iter().enumerate() {
        match c.kind {
            Kind::Amount => amount(&mut cx, i, budget_year),
            Kind::Unknown if c.stated.is_some() => cx.fact(i, Outcome::NotCompared, None),
            Kind::Unknown => {}
            Kind::Blank => blank(&mut cx, i),
            Kind::Placeholder => {
                // Said once a paragraph, every placeholder of it quoted.
                if i > 0
                    && claims[..i]
                        .iter()
                        .any(|o| o.para == c.para && o.kind == Kind::Placeholder)
                {
                    cx.fact(i, Outcome::Differs, None);
                    continue;
                }
                let quotes: Vec<String> = claims
                    .iter()
                    .filter(|o| o.para == c.para && o.kind == Kind::Placeholder)
                    .map(|o| format!("“{}”", cx.quote(o)))
                    .collect();
                let many = if quotes.len() > 1 {
                    format!("（{} 处）", quotes.len())
                } else {
                    String::new()
                };
                cx.finding(
                    "N.placeholder",
                    Severity::Error,
                    c,
                    format!(
                        "留有模板占位文字 {}{many}：请换成实际的数字或文字，或删去",
                        quotes.join("、")
                    ),
                    (None, None, None, None),
                    vec![],
                );
                cx.fact(i, Outcome::Differs, None);
            }
            Kind::Nil => nil(&mut cx, i),
            Kind::Share | Kind::Growth => {}
        }
    }
    // Shares, growth and sums read the amounts' outcomes.
    for (i, c) in claims.iter().enumerate() {
        match c.kind {
            Kind::Share => share(&mut cx, i),
            Kind::Growth => growth(&mut cx, i),
            _ => {}
        }
    }
    sums(&mut cx, spec, budget_year);
    (cx.findings, cx.facts)
}

fn amount(cx: &mut Ctx, i: usize, budget_year: Option<i32>) {
    let c = &cx.claims[i];
    let (Some(stated), Some(subject)) = (&c.stated, &c.subject) else {
        return;
    };
    let earlier = matches!((c.year, budget_year), (Some(y), Some(b)) if y != b);
    let figures: Vec<Figure> = if earlier {
        subject
            .prior
            .iter()
            .filter_map(|r| resolve_year(cx.budget, r, c.year))
            .collect()
    } else {
        subject.figures.clone()
    };
    if figures.is_empty() {
        cx.fact(i, Outcome::NotCompared, None);
        return;
    }
    let s = stated.yuan();
    let half = stated.half_yuan();
    // A stated zero is exact: `0 万元` is not 0.3 万元 rounded.
    let agrees = |f: &Figure| {
        if s.is_zero() {
            f.yuan.is_zero()
        } else {
            (s - f.yuan).abs() <= half
        }
    };
    if let Some(f) = figures.iter().find(|f| agrees(f)).cloned() {
        cx.fact(i, Outcome::Agrees, Some(&f));
        return;
    }
    cx.failed[i] = true;
    let f0 = figures[0].clone();
    let unit = shown_unit(stated);
    let cells: Vec<CellRef> = figures.iter().flat_map(|f| f.cells.clone()).collect();
    let tables = figures
        .iter()
        .map(|f| format!("{} 为 {}", f.label, money(f.yuan, unit)))
        .collect::<Vec<_>>()
        .join("，");
    let words = &subject.words;
    let year = c
        .year
        .filter(|_| earlier)
        .map(|y| format!("{y} 年的"))
        .unwrap_or_default();
    let (rule, message) = if figures.iter().all(|f| f.yuan.is_zero()) {
        (
            "N.zero",
            format!(
                "说明写{year}{words} {}，表中为零（{tables}）：表中没有的不应写成有",
                stated.shown()
            ),
        )
    } else if s.is_zero() {
        (
            "N.zero",
            format!(
                "说明写{year}{words} {}，表中不为零（{tables}）",
                stated.shown()
            ),
        )
    } else {
        (
            "N.amount",
            format!(
                "说明写{year}{words} {}，{tables}，相差 {}",
                stated.shown(),
                money(f0.yuan - s, unit)
            ),
        )
    };
    let mut compared = f0.clone();
    compared.cells.clone_from(&cells);
    cx.finding(
        rule,
        Severity::Error,
        c,
        message,
        (
            Some(plain(s, unit)),
            Some(plain(f0.yuan, unit)),
            Some(plain(f0.yuan - s, unit)),
            Some(unit),
        ),
        cells,
    );
    cx.fact(i, Outcome::Differs, Some(&compared));
}

fn blank(cx: &mut Ctx, i: usize) {
    let c = &cx.claims[i];
    let Some(subject) = &c.subject else { return };
    let q = cx.quote(c);
    let f = subject.figures.first().cloned();
    let cells: Vec<CellRef> = subject
        .figures
        .iter()
        .flat_map(|f| f.cells.clone())
        .collect();
    let (tables, unit) = match &f {
        Some(f) => (
            format!("，表中为 {}（{}）", money(f.yuan, Unit::Wan), f.label),
            Some(Unit::Wan),
        ),
        None => (String::new(), None),
    };
    cx.finding(
        "N.blank",
        Severity::Error,
        c,
        format!("{} 的金额空着（“{q}”）{tables}：请填上", subject.words),
        (
            None,
            f.as_ref().map(|f| plain(f.yuan, Unit::Wan)),
            None,
            unit,
        ),
        cells,
    );
    cx.fact(i, Outcome::Differs, f.as_ref());
}

fn nil(cx: &mut Ctx, i: usize) {
    let c = &cx.claims[i];
    let Some(subject) = &c.subject else { return };
    if subject.figures.is_empty() {
        cx.fact(i, Outcome::NotCompared, None);
        return;
    }
    if let Some(f) = subject.figures.iter().find(|f| f.yuan.is_zero()).cloned() {
        cx.fact(i, Outcome::Agrees, Some(&f));
        return;
    }
    let f0 = subject.figures[0].clone();
    let q = cx.quote(c);
    let cells: Vec<CellRef> = subject
        .figures
        .iter()
        .flat_map(|f| f.cells.clone())
        .collect();
    cx.finding(
        "N.zero",
        Severity::Error,
        c,
        format!(
            "说明说没有“{q}”，但{} 为 {}",
            f0.label,
            money(f0.yuan, Unit::Wan)
        ),
        (
            Some("0.00".into()),
            Some(plain(f0.yuan, Unit::Wan)),
            Some(plain(f0.yuan, Unit::Wan)),
            Some(Unit::Wan),
        ),
        cells,
    );
    cx.fact(i, Outcome::Differs, Some(&f0));
}

fn words(c: &Claim) -> String {
    c.subject
        .as_ref()
        .map(|s| s.words.clone())
        .unwrap_or_default()
}

fn share(cx: &mut Ctx, i: usize) {
    let c = &cx.claims[i];
    let (Some(part), Some(base), Some(p)) = (c.compared, c.base, &c.stated) else {
        cx.fact(i, Outcome::NotCompared, None);
        return;
    };
    if part == base || cx.failed[part] || cx.failed[base] {
        cx.fact(i, Outcome::NotCompared, None);
        return;
    }
    let (pc, bc) = (&cx.claims[part], &cx.claims[base]);
    let (Some(ps), Some(bs)) = (&pc.stated, &bc.stated) else {
        cx.fact(i, Outcome::NotCompared, None);
        return;
    };
    let Some(ratio) =
        Span::around(ps.yuan(), ps.half_yuan()).percent_of(Span::around(bs.yuan(), bs.half_yuan()))
    else {
        cx.fact(i, Outcome::NotCompared, None);
        return;
    };
    let said = Span::around(p.value, Decimal::new(5, p.decimals + 1));
    if ratio.overlaps(said) {
        cx.fact(i, Outcome::Agrees, None);
        return;
    }
    let exact = ps.yuan() * Decimal::ONE_HUNDRED / bs.yuan();
    let message = format!(
        "{} {} 占 {} {} 的 {}，说明写 {}",
        words(pc),
        ps.shown(),
        words(bc),
        bs.shown(),
        pct(exact, p.decimals.max(1)),
        p.shown()
    );
    let (e, a) = (p.value, exact.round_dp(2));
    cx.finding(
        "N.share",
        Severity::Error,
        c,
        message,
        (
            Some(e.to_string()),
            Some(a.to_string()),
            Some((a - e).to_string()),
            None,
        ),
        vec![],
    );
    cx.fact(i, Outcome::Differs, None);
}

/// What a growth claim states: the change and the rate, each as a span
/// (the rounding of the words) with its direction, and whether it says 持平.
struct StatedGrowth<'s> {
    delta: Option<(Span, Direction, &'s Stated)>,
    rate: Option<(Span, Direction, &'s Stated)>,
    flat: bool,
}

impl StatedGrowth<'_> {
    fn of(c: &Claim) -> StatedGrowth<'_> {
        StatedGrowth {
            delta: c
                .delta
                .as_ref()
                .map(|(d, s)| (Span::around(signed(*d, s), s.half_yuan()), *d, s)),
            rate: c.rate.as_ref().map(|(d, s)| {
                (
                    Span::around(signed_pct(*d, s), Decimal::new(5, s.decimals + 1)),
                    *d,
                    s,
                )
            }),
            flat: c.flat,
        }
    }
}

/// A stated change as the message repeats it: `增加 12万元`, `增长 3.5%`.
fn change_words(dir: Direction, s: &Stated) -> String {
    let word = match (dir, s.unit) {
        (Direction::Up, "%") => "增长",
        (Direction::Down, "%") => "下降",
        _ => dir_word(dir),
    };
    format!("{word} {}", s.shown())
}

/// `N.growth`: a change against an earlier year (`比2023年增加…`) checked
/// against the earlier year's figure in the workbook (an error when it
/// differs); when the workbook has no such figure, the change and the rate
/// stated are checked against each other (a warning).
fn growth(cx: &mut Ctx, i: usize) {
    let c = &cx.claims[i];
    let Some(t) = c.compared else { return };
    if cx.failed[t] || c.delta.is_none() && c.rate.is_none() && !c.flat {
        cx.fact(i, Outcome::NotCompared, None);
        return;
    }
    let target = &cx.claims[t];
    let Some(subject) = &target.subject else {
        return;
    };
    // This year's amount: as stated, else the tables'.
    let (a, a_text) = match (&target.stated, subject.figures.first()) {
        (Some(s), _) => (Span::around(s.yuan(), s.half_yuan()), s.shown()),
        (None, Some(f)) => (
            Span::around(f.yuan, table_half(f)),
            format!("{}（{}）", money(f.yuan, Unit::Wan), f.label),
        ),
        (None, None) => {
            cx.fact(i, Outcome::NotCompared, None);
            return;
        }
    };
    let unit = target.stated.as_ref().map_or(Unit::Wan, shown_unit);
    let base_year = c.base_year;
    let prior = base_year.and_then(|y| {
        subject
            .prior
            .iter()
            .find_map(|r| resolve_year(cx.budget, r, Some(y)))
    });
    let year = base_year.map_or("上年".to_string(), |y| format!("{y} 年"));
    let what = format!("{} {a_text} 比 {year}", subject.words);
    let said = StatedGrowth::of(c);
    let (problems, severity) = match &prior {
        Some(b) => (growth_against_table(a, b, &said, unit), Severity::Error),
        None => (
            growth_within_narrative(a, &said, &year, &subject.words, unit),
            Severity::Warning,
        ),
    };
    if problems.is_empty() {
        let outcome = if prior.is_some() || said.delta.is_some() && said.rate.is_some() {
            Outcome::Agrees
        } else {
            Outcome::NotCompared
        };
        cx.fact(i, outcome, prior.as_ref());
        return;
    }
    // The tables' figures compared: the earlier year's, and this year's
    // amount the change is reckoned from.
    let mut cells = prior.as_ref().map(|f| f.cells.clone()).unwrap_or_default();
    let now = cx
        .facts
        .iter()
        .find(|f| f.para == target.para && f.span == target.span && f.outcome == Outcome::Agrees)
        .map(|f| f.cells.clone())
        .unwrap_or_default();
    cells.extend(now);
    cx.finding(
        "N.growth",
        severity,
        c,
        format!("{what}：{}", problems.join("；")),
        (None, None, None, None),
        cells,
    );
    cx.fact(i, Outcome::Differs, prior.as_ref());
}

/// What is wrong with a stated change, rate or 持平 against the earlier
/// year's figure `b` in the workbook, this year's amount being `a`.
fn growth_against_table(a: Span, b: &Figure, said: &StatedGrowth, unit: Unit) -> Vec<String> {
    let mut problems = Vec::new();
    let bs = Span::around(b.yuan, table_half(b));
    let change = a.sub(bs);
    let mid = (a.0 + a.1) / Decimal::TWO - b.yuan;
    if let Some((span, d, s)) = said.delta {
        if !change.overlaps(span) {
            problems.push(format!(
                "{} 为 {}，应{}{}，说明写{}",
                b.label,
                money(b.yuan, unit),
                if mid < Decimal::ZERO {
                    "减少"
                } else {
                    "增加"
                },
                money(mid.abs(), unit),
                change_words(d, s)
            ));
        }
    }
    if let Some((span, d, s)) = said.rate {
        if let Some(r) = change.percent_of(bs) {
            if !r.overlaps(span) {
                let exact = mid * Decimal::ONE_HUNDRED / b.yuan;
                problems.push(format!(
                    "{} 为 {}，{}率应为 {}，说明写{}",
                    b.label,
                    money(b.yuan, unit),
                    if exact < Decimal::ZERO {
                        "下降"
                    } else {
                        "增长"
                    },
                    pct(exact.abs(), s.decimals.max(1)),
                    change_words(d, s)
                ));
            }
        }
    }
    if said.flat && !change.overlaps(Span(Decimal::ZERO, Decimal::ZERO)) {
        problems.push(format!(
            "{} 为 {}，说明写持平",
            b.label,
            money(b.yuan, unit)
        ));
    }
    problems
}

/// What is wrong with a stated change when the earlier year is not in the
/// workbook: its figure is the narrative's own, this year's amount `a`
/// less the change stated, so the change and the rate must agree with
/// each other, and a 持平 cannot come with a change.
fn growth_within_narrative(
    a: Span,
    said: &StatedGrowth,
    year: &str,
    words: &str,
    unit: Unit,
) -> Vec<String> {
    let mut problems = Vec::new();
    if let (Some((dspan, dd, ds)), Some((rspan, rd, rs))) = (said.delta, said.rate) {
        let b = a.sub(dspan);
        let mid = (a.0 + a.1) / Decimal::TWO - signed(dd, ds);
        if dd != rd {
            problems.push(format!(
                "变化写{}，增长率写{}，方向不一致",
                change_words(dd, ds),
                change_words(rd, rs)
            ));
        } else if let Some(r) = dspan.percent_of(b) {
            if !r.overlaps(rspan) && !mid.is_zero() {
                let exact = signed(dd, ds) * Decimal::ONE_HUNDRED / mid;
                problems.push(format!(
                    "工作簿中没有 {year}的{words}，按说明所述 {year}为 {}，{}率应为 {}，说明写{}",
                    money(mid, unit),
                    if exact < Decimal::ZERO {
                        "下降"
                    } else {
                        "增长"
                    },
                    pct(exact.abs(), rs.decimals.max(1)),
                    change_words(rd, rs)
                ));
            }
        }
    }
    if let (true, Some((_, d, s))) = (said.flat, said.delta) {
        if !s.value.is_zero() {
            problems.push(format!("说明既写持平又写{}", change_words(d, s)));
        }
    }
    problems
}

/// `total = parts` stated in one section, and a list head's 功能科目 items.
fn sums(cx: &mut Ctx, spec: &NarrativeSpec, budget_year: Option<i32>) {
    let claims = cx.claims;
    let current = |c: &Claim| {
        c.kind == Kind::Amount && c.stated.is_some() && (c.year == budget_year || c.year.is_none())
    };
    let sections: std::collections::BTreeSet<usize> = claims.iter().map(|c| c.section).collect();
    for section in sections {
        for sum in &spec.sums {
            let first = |key: &str| {
                claims.iter().position(|c| {
                    c.section == section
                        && current(c)
                        && c.subject.as_ref().is_some_and(|s| s.key == key)
                })
            };
            let Some(total) = first(&sum.total) else {
                continue;
            };
            let parts: Option<Vec<usize>> = sum.parts.iter().map(|k| first(k)).collect();
            let Some(parts) = parts else { continue };
            check_sum(cx, total, &parts);
        }
    }
    for (h, head) in claims.iter().enumerate() {
        let itemized = head
            .subject
            .as_ref()
            .is_some_and(|s| spec.itemized.contains(&s.key));
        if !head.is_head || !itemized || !current(head) {
            continue;
        }
        let items: Vec<usize> = (0..claims.len())
            .filter(|&i| claims[i].head == Some(h) && claims[i].by_row && current(&claims[i]))
            .collect();
        // An item left blank (or a placeholder) is said already; the rest
        // cannot add up.
        let unfilled = claims
            .iter()
            .any(|c| c.head == Some(h) && matches!(c.kind, Kind::Blank | Kind::Placeholder));
        if !items.is_empty() && !unfilled {
            check_sum(cx, h, &items);
        }
    }
}

fn check_sum(cx: &mut Ctx, total: usize, parts: &[usize]) {
    if cx.failed[total] || parts.iter().any(|&p| cx.failed[p]) {
        return;
    }
    let claims = cx.claims;
    let st = |i: usize| {
        claims[i].stated.clone().unwrap_or(Stated {
            value: Decimal::ZERO,
            decimals: 2,
            unit: "万元",
            text: String::new(),
        })
    };
    let t = st(total);
    let mut sum = Span(Decimal::ZERO, Decimal::ZERO);
    let mut exact = Decimal::ZERO;
    for &p in parts {
        let s = st(p);
        sum = sum.add(Span::around(
            s.yuan(),
            if s.value.is_zero() {
                Decimal::ZERO
            } else {
                s.half_yuan()
            },
        ));
        exact += s.yuan();
    }
    let ts = Span::around(t.yuan(), t.half_yuan());
    if ts.overlaps(sum) {
        return;
    }
    let unit = shown_unit(&t);
    let listed = parts
        .iter()
        .map(|&p| format!("{} {}", words(&claims[p]), st(p).shown()))
        .collect::<Vec<_>>()
        .join(" + ");
    let c = claims[total].clone();
    cx.finding(
        "N.sum",
        Severity::Error,
        &c,
        format!(
            "{} {} ≠ {listed} = {}，相差 {}",
            words(&c),
            t.shown(),
            money(exact, unit),
            money(exact - t.yuan(), unit)
        ),
        (
            Some(plain(t.yuan(), unit)),
            Some(plain(exact, unit)),
            Some(plain(exact - t.yuan(), unit)),
            Some(unit),
        ),
        vec![],
    );
}
