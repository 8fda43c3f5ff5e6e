//! Finding what a narrative claims: each amount with its unit and the
//! subject it is about, the year, comparisons with an earlier year, shares,
//! subjects said to be nil, amounts left blank and template placeholders.
//!
//! A paragraph is read in clauses (between `，；。：、`). An amount's
//! subject is the longest vocabulary phrase (or a row name of the tables)
//! that ends right before it, words such as `为` or `预算数为` between them
//! aside, and that stands at the clause's start or after a lead word
//! (`2024年`, `部门`, `其中`): words the vocabulary does not know before a
//! phrase mean it names something else (`政府采购预算支出` is not `支出`),
//! and the amount is then left unchecked rather than compared wrongly.
//! Headings (`五、一般公共预算支出安排情况说明`) and list heads (`项目支出
//! 6.67 万元，其中：`) give the context in which a phrase is read
//! (`基本支出` under 一般公共预算 is 表6's, not 表3's).

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::figure::resolve;
use super::figure::Figure;
use crate::model::narrative::Narrative;
use crate::model::narrative::{Kind, Stated};
use crate::model::Budget;
use crate::template::narrative::FigureRef;
use crate::template::narrative::NarrativeSpec;
use crate::text::normed::{normalize, Normed};

impl Stated {
    /// In 元 (a percentage: percent points).
    pub fn yuan(&self) -> Decimal {
        self.value * unit_factor(self.unit)
    }

    /// As written, the unit set off: `324.83 万元`, `10.7%`.
    pub fn shown(&self) -> String {
        match self.text.strip_suffix(self.unit) {
            Some(n) if self.unit != "%" => format!("{n} {}", self.unit),
            _ => self.text.clone(),
        }
    }

    /// Half of the last decimal written, in 元: what rounding hides.
    pub fn half_yuan(&self) -> Decimal {
        Decimal::new(5, self.decimals + 1) * unit_factor(self.unit)
    }
}

pub fn unit_factor(unit: &str) -> Decimal {
    match unit {
        "万元" => Decimal::from(10_000),
        "亿元" => Decimal::from(100_000_000),
        _ => Decimal::ONE,
    }
}

/// The subject a claim is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    /// The words as matched (normalized).
    pub words: String,
    /// The vocabulary key (`gp_income`), or `row:t5_1:2011308` for a row.
    pub key: String,
    /// The model figures it names, in order of preference.
    pub figures: Vec<Figure>,
    /// Earlier years' references (表11), for growth.
    pub prior: Vec<FigureRef>,
}

/// Direction of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Flat,
}

/// One thing a paragraph claims.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// Paragraph index (0-based) in the narrative.
    pub para: usize,
    /// The top-level section (heading `一、`…) it stands in.
    pub section: usize,
    pub kind: Kind,
    /// Normalized character span in the paragraph to mark.
    pub span: (usize, usize),
    pub subject: Option<Subject>,
    pub stated: Option<Stated>,
    /// The year the figure is for.
    pub year: Option<i32>,
    /// The list head it stands under (index into the claims).
    pub head: Option<usize>,
    /// A head's subject when the head has no amount (`收入包括：`).
    pub head_key: Option<String>,
    /// Share: the base claim, or the base subject's figures.
    pub base: Option<usize>,
    /// Growth: the claim compared (index), the earlier year, and the
    /// change and rate as written, each with its direction.
    pub compared: Option<usize>,
    pub base_year: Option<i32>,
    pub delta: Option<(Direction, Stated)>,
    pub rate: Option<(Direction, Stated)>,
    pub flat: bool,
    /// Marked as a head of a list (其中/包括 follow).
    pub is_head: bool,
    /// The row of the tables it names (功能科目), for itemized sums.
    pub by_row: bool,
}

impl Claim {
    fn new(para: usize, section: usize, kind: Kind, span: (usize, usize)) -> Claim {
        Claim {
            para,
            section,
            kind,
            span,
            subject: None,
            stated: None,
            year: None,
            head: None,
            head_key: None,
            base: None,
            compared: None,
            base_year: None,
            delta: None,
            rate: None,
            flat: false,
            is_head: false,
            by_row: false,
        }
    }
}

/// What a phrase can mean.
#[derive(Debug, Clone)]
enum Meaning {
    /// Index into `spec.subjects`.
    Subject(usize),
    /// Index into `spec.rows`, and the row's code or the class line's key.
    Row(usize, String),
}

struct Phrase {
    chars: Vec<char>,
    meanings: Vec<Meaning>,
}

/// The vocabulary compiled for one budget: its phrases (the template's
/// words and the names of the budget's own rows), and the other words.
pub struct Lexicon<'a> {
    spec: &'a NarrativeSpec,
    budget: &'a Budget,
    phrases: Vec<Phrase>,
    by_last: HashMap<char, Vec<usize>>,
    by_first: HashMap<char, Vec<usize>>,
    connectors: Vec<Vec<char>>,
    leads: Vec<Vec<char>>,
    lists: Vec<Vec<char>>,
    negations: Vec<Vec<char>>,
    not_negations: Vec<Vec<char>>,
    compare: Vec<Vec<char>>,
    increase: Vec<Vec<char>>,
    decrease: Vec<Vec<char>>,
    flat: Vec<Vec<char>>,
    share: Vec<Vec<char>>,
    placeholders: Vec<Vec<char>>,
}

fn chars(words: &[String]) -> Vec<Vec<char>> {
    let mut v: Vec<Vec<char>> = words
        .iter()
        .map(|w| w.chars().collect::<Vec<char>>())
        .filter(|w| !w.is_empty())
        .collect();
    // Longest first: the first that fits is the longest.
    v.sort_by_key(|w| std::cmp::Reverse(w.len()));
    v
}

/// Characters of the 省/市/区 a department's name starts with.
const PLACE_ENDS: [char; 7] = ['省', '市', '区', '县', '州', '旗', '盟'];

impl<'a> Lexicon<'a> {
    pub fn new(spec: &'a NarrativeSpec, budget: &'a Budget) -> Lexicon<'a> {
        let mut index: HashMap<Vec<char>, usize> = HashMap::new();
        let mut phrases: Vec<Phrase> = Vec::new();
        let mut add = |w: &str, m: Meaning| {
            let c: Vec<char> = w.chars().collect();
            if c.len() < 2 {
                return;
            }
            let i = *index.entry(c.clone()).or_insert_with(|| {
                phrases.push(Phrase {
                    chars: c,
                    meanings: Vec::new(),
                });
                phrases.len() - 1
            });
            phrases[i].meanings.push(m);
        };
        for (si, s) in spec.subjects.iter().enumerate() {
            for w in &s.words {
                add(w, Meaning::Subject(si));
            }
        }
        // The budget's own rows, by name: 功能科目 and 经济科目.
        for (ri, r) in spec.rows.iter().enumerate() {
            if let Some(t) = budget.tables.coded(r.table) {
                for row in &t.rows {
                    if let Some(code) = &row.code {
                        add(
                            &crate::text::normed::norm(&row.name),
                            Meaning::Row(ri, code.clone()),
                        );
                    }
                }
            } else if let (Some(t), Some(side)) = (budget.tables.lines(r.table), r.side) {
                for l in t.side(side) {
                    if let Some(k) = l.key.as_deref().filter(|k| k.starts_with("class_")) {
                        let name = crate::text::normed::norm(&l.label);
                        let name = crate::text::strip_ordinal(&name).to_string();
                        add(&name, Meaning::Row(ri, k.to_string()));
                    }
                }
            }
        }
        let mut by_last: HashMap<char, Vec<usize>> = HashMap::new();
        let mut by_first: HashMap<char, Vec<usize>> = HashMap::new();
        for (i, p) in phrases.iter().enumerate() {
            by_last
                .entry(*p.chars.last().unwrap_or(&' '))
                .or_default()
                .push(i);
            by_first.entry(p.chars[0]).or_default().push(i);
        }
        let mut leads = spec.leads.clone();
        // The department's and its units' names, and their ends without
        // the 省/市/区 before them, lead a subject (`硚口区企业服务中心2024年…`).
        let names = budget
            .department
            .name
            .iter()
            .chain(budget.units.iter().map(|u| &u.name));
        for name in names {
            let n = crate::text::normed::norm(name);
            leads.push(n.clone());
            for (i, c) in n.char_indices() {
                if PLACE_ENDS.contains(&c) {
                    let rest = &n[i + c.len_utf8()..];
                    if rest.chars().count() >= 2 {
                        leads.push(rest.to_string());
                    }
                }
            }
        }
        Lexicon {
            spec,
            budget,
            phrases,
            by_last,
            by_first,
            connectors: chars(&spec.connectors),
            leads: chars(&leads),
            lists: chars(&spec.lists),
            negations: chars(&spec.negations),
            not_negations: chars(&spec.not_negations),
            compare: chars(&spec.compare),
            increase: chars(&spec.increase),
            decrease: chars(&spec.decrease),
            flat: chars(&spec.flat),
            share: chars(&spec.share),
            placeholders: chars(&spec.placeholders),
        }
    }

    /// The longest phrase ending at `end` that starts at `floor` or later.
    fn phrase_ending(&self, n: &Normed, end: usize, floor: usize) -> Option<(usize, usize)> {
        let last = *n.chars.get(end.checked_sub(1)?)?;
        self.by_last
            .get(&last)?
            .iter()
            .filter(|&&i| {
                let p = &self.phrases[i].chars;
                end >= floor + p.len() && n.ends_with_at(end, p)
            })
            .max_by_key(|&&i| self.phrases[i].chars.len())
            .map(|&i| (end - self.phrases[i].chars.len(), i))
    }

    /// The longest phrase starting at `at`, ending by `ceil`.
    fn phrase_starting(&self, n: &Normed, at: usize, ceil: usize) -> Option<usize> {
        let first = n.chars.get(at)?;
        self.by_first
            .get(first)?
            .iter()
            .filter(|&&i| {
                let p = &self.phrases[i].chars;
                at + p.len() <= ceil && n.starts_with_at(at, p)
            })
            .max_by_key(|&&i| self.phrases[i].chars.len())
            .copied()
    }

    /// The word of `words` that ends at `end` (longest), its start.
    fn word_ending(words: &[Vec<char>], n: &Normed, end: usize, floor: usize) -> Option<usize> {
        words
            .iter()
            .find(|w| end >= floor + w.len() && n.ends_with_at(end, w))
            .map(|w| end - w.len())
    }

    fn word_starting<'w>(words: &'w [Vec<char>], n: &Normed, at: usize) -> Option<&'w [char]> {
        words
            .iter()
            .find(|w| n.starts_with_at(at, w))
            .map(Vec::as_slice)
    }

    /// `end` with connector words before it taken off (`为`, `预算数为`).
    fn strip_connectors(&self, n: &Normed, mut end: usize, floor: usize) -> usize {
        loop {
            match Self::word_ending(&self.connectors, n, end, floor) {
                Some(s) if s < end => end = s,
                _ => return end,
            }
        }
    }

    /// The subject phrase before `at` in its clause: one ending right
    /// there, else after taking connector words off one at a time (`为`,
    /// `预算数为`), standing where a subject may ([`Lexicon::lead_ok`]);
    /// its start, end and phrase.
    fn subject_before(&self, n: &Normed, at: usize, floor: usize) -> Option<(usize, usize, usize)> {
        let mut end = at;
        loop {
            if let Some((ps, ph)) = self.phrase_ending(n, end, floor) {
                if self.lead_ok(n, floor, ps) {
                    return Some((ps, end, ph));
                }
            }
            match Self::word_ending(&self.connectors, n, end, floor) {
                Some(s) if s < end => end = s,
                _ => return None,
            }
        }
    }

    /// Whether the text of a clause before a phrase lets it name its
    /// subject: nothing but an ordinal, or a lead word (or a template's
    /// `XX` for the department) at its end.
    fn lead_ok(&self, n: &Normed, floor: usize, start: usize) -> bool {
        let before = n.slice(floor, start);
        let before = crate::text::strip_ordinal(&before);
        let before = before.trim_start_matches(['(', ')']);
        if before.is_empty() {
            return true;
        }
        let b: Vec<char> = before.chars().collect();
        if self.leads.iter().any(|w| b.ends_with(w)) {
            return true;
        }
        // `2024年` before it, or a placeholder for the department.
        b.last()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, 'x' | 'X' | '×'))
    }

    /// The figures a phrase names in a context (the section's and list
    /// head's subject keys): meanings whose `within` fits first, then the
    /// general ones.
    fn subject(&self, phrase: usize, words: String, context: &[String]) -> Subject {
        let p = &self.phrases[phrase];
        let within = |w: &[String]| w.iter().any(|k| context.contains(k));
        let mut ordered: Vec<&Meaning> = Vec::new();
        for specific in [true, false] {
            for m in &p.meanings {
                let w = match m {
                    Meaning::Subject(i) => &self.spec.subjects[*i].within,
                    Meaning::Row(i, _) => &self.spec.rows[*i].within,
                };
                if specific && !w.is_empty() && within(w) || !specific && w.is_empty() {
                    ordered.push(m);
                }
            }
        }
        let mut figures: Vec<Figure> = Vec::new();
        let mut prior = Vec::new();
        let mut key = String::new();
        for m in &ordered {
            let (k, found): (String, Vec<Figure>) = match m {
                Meaning::Subject(i) => {
                    let s = &self.spec.subjects[*i];
                    if prior.is_empty() {
                        prior = s
                            .prior
                            .iter()
                            .filter_map(|r| FigureRef::parse(r).ok())
                            .collect();
                    }
                    (
                        s.key.clone(),
                        s.figures
                            .iter()
                            .filter_map(|r| FigureRef::parse(r).ok())
                            .filter_map(|r| resolve(self.budget, &r))
                            .collect(),
                    )
                }
                Meaning::Row(i, code) => {
                    let r = &self.spec.rows[*i];
                    let fr = match (&r.column, r.side) {
                        (_, Some(side)) => FigureRef::Line {
                            table: r.table,
                            side,
                            key: code.clone(),
                        },
                        (Some(c), None) => FigureRef::Row {
                            table: r.table,
                            code: code.clone(),
                            column: c.clone(),
                        },
                        (None, None) => continue,
                    };
                    (
                        format!("row:{}:{}", r.table, code.trim_start_matches("class_")),
                        resolve(self.budget, &fr).into_iter().collect(),
                    )
                }
            };
            if key.is_empty() {
                key = k;
            }
            for f in found {
                if !figures
                    .iter()
                    .any(|g| g.cells == f.cells && g.yuan == f.yuan)
                {
                    figures.push(f);
                }
            }
        }
        if key.is_empty() {
            // A phrase only within other contexts: its first meaning's key.
            key = match &p.meanings[0] {
                Meaning::Subject(i) => self.spec.subjects[*i].key.clone(),
                Meaning::Row(i, code) => format!("row:{}:{code}", self.spec.rows[*i].table),
            };
        }
        Subject {
            words,
            key,
            figures,
            prior,
        }
    }

    fn is_row(&self, phrase: usize) -> bool {
        self.phrases[phrase]
            .meanings
            .iter()
            .all(|m| matches!(m, Meaning::Row(..)))
    }

    /// Every subject key a heading names (longest phrases, from its end).
    fn heading_keys(&self, n: &Normed) -> Vec<String> {
        let mut keys = Vec::new();
        let mut end = n.len();
        while end > 0 {
            match self.phrase_ending(n, end, 0) {
                Some((start, i)) => {
                    for m in &self.phrases[i].meanings {
                        if let Meaning::Subject(s) = m {
                            keys.push(self.spec.subjects[*s].key.clone());
                        }
                    }
                    end = start;
                }
                None => end -= 1,
            }
        }
        keys
    }
}

// ---------------------------------------------------------------- tokens

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Money(Stated),
    Percent(Stated),
    Year(i32),
    Placeholder,
}

/// Clause boundaries.
fn is_boundary(c: char) -> bool {
    matches!(c, ',' | ';' | '。' | ':' | '、' | '!' | '?' | '\n' | '\t')
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, ';' | '。' | '!' | '?' | '\n')
}

fn is_placeholder_char(c: char) -> bool {
    matches!(c, 'x' | 'X' | '×' | '✕' | '╳')
}

fn is_cjk(c: char) -> bool {
    ('\u{3400}'..='\u{9FFF}').contains(&c) || ('\u{F900}'..='\u{FAFF}').contains(&c)
}

/// The money unit at `at`, and its length.
fn money_unit(ch: &[char], at: usize) -> Option<(&'static str, usize)> {
    let s = |w: &str| {
        let w: Vec<char> = w.chars().collect();
        at + w.len() <= ch.len() && ch[at..at + w.len()] == *w
    };
    if s("亿元") {
        Some(("亿元", 2))
    } else if s("万元") {
        Some(("万元", 2))
    } else if s("元") {
        Some(("元", 1))
    } else {
        None
    }
}

/// Numbers, years, percentages and placeholders of a paragraph, by position.
fn tokens(n: &Normed, lex: &Lexicon) -> Vec<(usize, usize, Tok)> {
    let ch = &n.chars;
    let mut out = Vec::new();
    let mut i = 0;
    while i < ch.len() {
        let c = ch[i];
        let prev = i.checked_sub(1).map(|p| ch[p]);
        if c.is_ascii_digit()
            && !prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == '.' || p == ',')
        {
            let start = i;
            let mut j = i;
            let mut digits = String::new();
            while j < ch.len() && ch[j].is_ascii_digit() {
                digits.push(ch[j]);
                j += 1;
            }
            let mut grouped = false;
            // Thousands separators: `3,248,300`.
            while ch.get(j) == Some(&',')
                && ch
                    .get(j + 1..j + 4)
                    .is_some_and(|g| g.iter().all(char::is_ascii_digit))
                && !ch.get(j + 4).is_some_and(char::is_ascii_digit)
            {
                digits.extend(&ch[j + 1..j + 4]);
                j += 4;
                grouped = true;
            }
            let mut decimals = 0u32;
            if ch.get(j) == Some(&'.') && ch.get(j + 1).is_some_and(char::is_ascii_digit) {
                digits.push('.');
                j += 1;
                while j < ch.len() && ch[j].is_ascii_digit() {
                    digits.push(ch[j]);
                    decimals += 1;
                    j += 1;
                }
            }
            let Ok(value) = digits.parse::<Decimal>() else {
                i = j;
                continue;
            };
            let text = |end: usize| n.slice(start, end);
            if let Some((unit, len)) = money_unit(ch, j) {
                out.push((
                    start,
                    j + len,
                    Tok::Money(Stated {
                        value,
                        decimals,
                        unit,
                        text: text(j + len),
                    }),
                ));
                i = j + len;
                continue;
            }
            if ch.get(j) == Some(&'%') {
                out.push((
                    start,
                    j + 1,
                    Tok::Percent(Stated {
                        value,
                        decimals,
                        unit: "%",
                        text: text(j + 1),
                    }),
                ));
                i = j + 1;
                continue;
            }
            if ch.get(j) == Some(&'年') && decimals == 0 && !grouped && digits.len() == 4 {
                if let Ok(y) = digits.parse::<i32>() {
                    if (1990..=2100).contains(&y) {
                        out.push((start, j + 1, Tok::Year(y)));
                    }
                }
                i = j + 1;
                continue;
            }
            i = j;
            continue;
        }
        if is_placeholder_char(c) && !prev.is_some_and(|p| p.is_ascii_alphanumeric()) {
            let start = i;
            let mut j = i;
            let mut letters = 0;
            while j < ch.len() && (is_placeholder_char(ch[j]) || ch[j] == ',' && letters > 0) {
                if ch[j] != ',' {
                    letters += 1;
                }
                j += 1;
            }
            while j > start && ch[j - 1] == ',' {
                j -= 1;
            }
            let next = ch.get(j).copied();
            let alone = !next.is_some_and(|x| x.is_ascii_alphanumeric());
            if alone && (letters >= 2 || next.is_some_and(is_cjk)) {
                let end = money_unit(ch, j).map_or(j, |(_, len)| j + len);
                out.push((start, end, Tok::Placeholder));
                i = end;
                continue;
            }
            i = j.max(i + 1);
            continue;
        }
        if let Some(w) = Lexicon::word_starting(&lex.placeholders, n, i) {
            // A template's instruction in brackets (`（若无，则写“…”）`) is
            // left in whole: nothing in it is the department's.
            let open = ch[..i].iter().rposition(|&c| c == '(');
            let closed = open.is_some_and(|o| ch[o..i].contains(&')'));
            let end = match open {
                Some(_) if !closed => (i..ch.len())
                    .find(|&k| ch[k] == ')')
                    .map_or(ch.len(), |k| k + 1),
                _ => i + w.len(),
            };
            out.push((i, end, Tok::Placeholder));
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

// ---------------------------------------------------------------- reading

/// What the reader carries from paragraph to paragraph.
struct State {
    section: usize,
    top: Vec<String>,
    sub: Vec<String>,
    /// The current list head: a claim, or a subject without an amount.
    head: Option<usize>,
    head_key: Option<String>,
}

impl State {
    fn context(&self, claims: &[Claim]) -> Vec<String> {
        let mut c: Vec<String> = self.top.iter().chain(&self.sub).cloned().collect();
        if let Some(h) = self.head {
            if let Some(s) = &claims[h].subject {
                c.push(s.key.clone());
            }
        }
        c.extend(self.head_key.clone());
        c
    }
}

/// A heading: `一、…`, `第三部分 …`, or a short `（一）…` / `1、…` without
/// an amount; the top level starts a section.
fn heading(n: &Normed, has_money: bool) -> Option<bool> {
    const CN: &str = "一二三四五六七八九十廿";
    let ch = &n.chars;
    let cn_run = ch.iter().take_while(|c| CN.contains(**c)).count();
    if cn_run > 0 && ch.get(cn_run) == Some(&'、') {
        return Some(true);
    }
    if ch.first() == Some(&'第') && n.slice(0, n.len().min(8)).contains("部分") {
        return Some(true);
    }
    if has_money || n.len() > 40 {
        return None;
    }
    let s = n.slice(0, n.len());
    (crate::text::strip_ordinal(&s).len() < s.len()).then_some(false)
}

fn clause_start(n: &Normed, at: usize) -> usize {
    (0..at)
        .rev()
        .find(|&i| is_boundary(n.chars[i]))
        .map_or(0, |i| i + 1)
}

fn clause_end(n: &Normed, at: usize) -> usize {
    (at..n.len())
        .find(|&i| is_boundary(n.chars[i]))
        .unwrap_or(n.len())
}

fn sentence_start(n: &Normed, at: usize) -> usize {
    (0..at)
        .rev()
        .find(|&i| is_sentence_end(n.chars[i]))
        .map_or(0, |i| i + 1)
}

/// Reads every claim of a narrative in the context of its budget.
pub fn read(narrative: &Narrative, lex: &Lexicon, budget_year: Option<i32>) -> Vec<Claim> {
    let mut claims: Vec<Claim> = Vec::new();
    let mut st = State {
        section: 0,
        top: Vec::new(),
        sub: Vec::new(),
        head: None,
        head_key: None,
    };
    for (pi, p) in narrative.paragraphs.iter().enumerate() {
        let n = normalize(&p.text);
        let toks = tokens(&n, lex);
        let has_money = toks.iter().any(|t| matches!(t.2, Tok::Money(_)));
        match heading(&n, has_money) {
            Some(true) => {
                st.section += 1;
                st.top = lex.heading_keys(&n);
                st.sub.clear();
                st.head = None;
                st.head_key = None;
            }
            Some(false) => {
                st.sub = lex.heading_keys(&n);
                st.head = None;
                st.head_key = None;
            }
            None => {}
        }
        paragraph(pi, &n, &toks, lex, budget_year, &mut st, &mut claims);
    }
    claims
}

/// The year a claim at `at` is for: the last year written before it in its
/// sentence that is not a comparison's; else the budget's.
fn year_at(
    n: &Normed,
    toks: &[(usize, usize, Tok)],
    at: usize,
    lex: &Lexicon,
    budget_year: Option<i32>,
) -> Option<i32> {
    let s = sentence_start(n, at);
    toks.iter()
        .filter(|(a, b, t)| {
            *a >= s && *b <= at && matches!(t, Tok::Year(_)) && !compare_before(n, *a, lex)
        })
        .filter_map(|(_, _, t)| match t {
            Tok::Year(y) => Some(*y),
            _ => None,
        })
        .next_back()
        .or(budget_year)
}

/// A comparison word right before `at` (`比2023年`, `较2023年`).
fn compare_before(n: &Normed, at: usize, lex: &Lexicon) -> bool {
    let floor = clause_start(n, at);
    Lexicon::word_ending(&lex.compare, n, at, floor).is_some()
        || Lexicon::word_ending(&[vec!['与'], vec!['同']], n, at, floor).is_some()
}

fn direction_ending(lex: &Lexicon, n: &Normed, end: usize, floor: usize) -> Option<Direction> {
    let end = if end > floor && n.chars[end - 1] == '了' {
        end - 1
    } else {
        end
    };
    if Lexicon::word_ending(&lex.increase, n, end, floor).is_some() {
        Some(Direction::Up)
    } else if Lexicon::word_ending(&lex.decrease, n, end, floor).is_some() {
        Some(Direction::Down)
    } else {
        None
    }
}

/// What the reading of a paragraph meets, by position: its tokens (by
/// index), and besides them list markers, comparisons, flat words,
/// negations of a subject (`没有…经费`) and blanks (a unit with no number).
#[derive(Debug)]
enum Event {
    Tok(usize),
    List(usize),
    Compare(usize, Option<i32>),
    Flat(usize),
    Nil(usize, usize, usize),
    Blank(usize, usize, usize),
}

/// Reads the claims of one paragraph, in the state the paragraphs above
/// left.
fn paragraph(
    pi: usize,
    n: &Normed,
    toks: &[(usize, usize, Tok)],
    lex: &Lexicon,
    budget_year: Option<i32>,
    st: &mut State,
    claims: &mut Vec<Claim>,
) {
    let mut reader = ParagraphReader {
        pi,
        n,
        toks,
        lex,
        budget_year,
        first: claims.len(),
        open: None,
    };
    for (_, ev) in paragraph_events(n, toks, lex) {
        match ev {
            Event::Tok(ti) => reader.read_token(ti, st, claims),
            Event::List(at) => reader.read_list_marker(at, st, claims),
            Event::Compare(at, year) => reader.read_comparison(at, year, st, claims),
            Event::Flat(at) => {
                if let Some((g, ss)) = reader.open {
                    if ss == sentence_start(n, at) {
                        claims[g].flat = true;
                    }
                }
            }
            Event::Nil(a, b, ph) => {
                let ctx = st.context(claims);
                let mut c = Claim::new(pi, st.section, Kind::Nil, (a, b));
                c.subject = Some(lex.subject(ph, n.slice(a, b), &ctx));
                c.year = year_at(n, toks, a, lex, budget_year);
                claims.push(c);
            }
            Event::Blank(a, b, ph) => {
                let ctx = st.context(claims);
                let words_end = (a..b)
                    .find(|&x| money_unit(&n.chars, x).is_some())
                    .unwrap_or(b);
                let mut c = Claim::new(pi, st.section, Kind::Blank, (a, b));
                c.subject = Some(lex.subject(ph, n.slice(a, words_end), &ctx));
                c.year = year_at(n, toks, a, lex, budget_year);
                c.head = st.head;
                claims.push(c);
            }
        }
    }
}

/// A paragraph's events in the order they stand.
fn paragraph_events(
    n: &Normed,
    toks: &[(usize, usize, Tok)],
    lex: &Lexicon,
) -> Vec<(usize, Event)> {
    let mut evs: Vec<(usize, Event)> = toks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.0, Event::Tok(i)))
        .collect();
    let covered = |at: usize| toks.iter().any(|t| t.0 <= at && at < t.1);
    let mut i = 0;
    while i < n.len() {
        if covered(i) {
            i += 1;
            continue;
        }
        let (ev, next) = event_at(n, toks, lex, i);
        evs.extend(ev);
        i = next;
    }
    evs.sort_by_key(|e| e.0);
    evs
}

/// The event that starts at `i`, if any, and where to look next.
fn event_at(
    n: &Normed,
    toks: &[(usize, usize, Tok)],
    lex: &Lexicon,
    i: usize,
) -> (Option<(usize, Event)>, usize) {
    if let Some(w) = Lexicon::word_starting(&lex.lists, n, i) {
        return (Some((i, Event::List(i))), i + w.len());
    }
    if let Some(w) = Lexicon::word_starting(&lex.flat, n, i) {
        return (Some((i, Event::Flat(i))), i + w.len());
    }
    if let Some((next, year)) = comparison_at(n, toks, lex, i) {
        return (Some((i, Event::Compare(i, year))), next);
    }
    if let Some(w) = Lexicon::word_starting(&lex.negations, n, i) {
        return match nil_after(n, toks, lex, i, w.len()) {
            Some((nil, end)) => (Some((i, nil)), end),
            None => (None, i + w.len()),
        };
    }
    // A unit with no number before it: a blank when a subject precedes.
    if let Some((_, len)) = money_unit(&n.chars, i) {
        let prev_digit =
            i > 0 && (n.chars[i - 1].is_ascii_digit() || is_placeholder_char(n.chars[i - 1]));
        let after_unit = len == 1 && i > 0 && matches!(n.chars[i - 1], '万' | '亿');
        let mut blank = None;
        if !(prev_digit || after_unit) {
            let floor = clause_start(n, i);
            if let Some((s, _, ph)) = lex.subject_before(n, i, floor) {
                blank = Some((s, Event::Blank(s, i + len, ph)));
            }
        }
        return (blank, i + len);
    }
    (None, i + 1)
}

/// A comparison at `i` (`比2023年`, `较上年`, `同比`, `与2023年`): where it
/// ends and the year compared with, when written.
fn comparison_at(
    n: &Normed,
    toks: &[(usize, usize, Tok)],
    lex: &Lexicon,
    i: usize,
) -> Option<(usize, Option<i32>)> {
    let year_from = |at: usize| {
        toks.iter().find(|t| t.0 == at).and_then(|t| match t.2 {
            Tok::Year(y) => Some(y),
            _ => None,
        })
    };
    if let Some(w) = Lexicon::word_starting(&lex.compare, n, i) {
        let after = i + w.len();
        let year = year_from(after);
        let last_year = ["上年", "去年", "上一年", "上年度"]
            .iter()
            .any(|w| n.slice(after, after + w.chars().count()) == *w);
        if year.is_some() || last_year || n.slice(i, i + 2) == "同比" {
            return Some((after, year));
        }
    }
    if n.chars[i] == '与' {
        if let Some(y) = year_from(i + 1) {
            return Some((i + 1, Some(y)));
        }
    }
    None
}

/// After a negation word at `i` (`len` long), a subject said to be nil
/// (`没有安排…经费`): in the same clause, within twelve characters, and
/// with no amount after it (`没有…，只有…万元` is no nil). The event and
/// the end of its clause.
fn nil_after(
    n: &Normed,
    toks: &[(usize, usize, Tok)],
    lex: &Lexicon,
    i: usize,
    len: usize,
) -> Option<(Event, usize)> {
    let not = Lexicon::word_starting(&lex.not_negations, n, i).is_some()
        || Lexicon::word_starting(&lex.flat, n, i).is_some();
    if not {
        return None;
    }
    let from = i + len;
    let end = clause_end(n, from);
    let money_after = toks
        .iter()
        .any(|t| t.0 >= from && t.0 < end && matches!(t.2, Tok::Money(_)));
    if money_after {
        return None;
    }
    let window = (from + 12).min(end);
    let (at, ph) = (from..window).find_map(|a| lex.phrase_starting(n, a, end).map(|p| (a, p)))?;
    Some((Event::Nil(at, at + lex.phrases[ph].chars.len(), ph), end))
}

/// One paragraph being read.
struct ParagraphReader<'p> {
    pi: usize,
    n: &'p Normed,
    toks: &'p [(usize, usize, Tok)],
    lex: &'p Lexicon<'p>,
    budget_year: Option<i32>,
    /// The first claim of the paragraph.
    first: usize,
    /// The comparison open in the current sentence: its claim, and where
    /// the sentence starts.
    open: Option<(usize, usize)>,
}

impl ParagraphReader<'_> {
    /// The last amount of this paragraph stated in the sentence before `at`.
    fn sentence_claim(&self, claims: &[Claim], at: usize) -> Option<usize> {
        let s = sentence_start(self.n, at);
        (self.first..claims.len()).rev().find(|&c| {
            claims[c].para == self.pi
                && claims[c].kind == Kind::Amount
                && claims[c].span.0 >= s
                && claims[c].span.0 < at
        })
    }

    /// The last amount of this paragraph stated before `at`.
    fn paragraph_claim(&self, claims: &[Claim], at: usize) -> Option<usize> {
        (self.first..claims.len()).rev().find(|&c| {
            claims[c].para == self.pi && claims[c].kind == Kind::Amount && claims[c].span.0 < at
        })
    }

    /// A token: an amount, a percent, a placeholder (a year is read where
    /// a figure needs it). A new sentence closes the open comparison.
    fn read_token(&mut self, ti: usize, st: &mut State, claims: &mut Vec<Claim>) {
        let (s, e, tok) = &self.toks[ti];
        let (s, e) = (*s, *e);
        if self
            .open
            .is_some_and(|(_, ss)| ss != sentence_start(self.n, s))
        {
            self.open = None;
        }
        match tok {
            Tok::Money(stated) => self.read_money(s, e, stated, st, claims),
            Tok::Percent(stated) => self.read_percent(s, e, stated, st, claims),
            Tok::Year(_) => {}
            Tok::Placeholder => {
                let mut c = Claim::new(self.pi, st.section, Kind::Placeholder, (s, e));
                c.head = st.head;
                claims.push(c);
            }
        }
    }

    /// An amount: the change of the open comparison when a direction word
    /// stands before it (`增加12万元`), else an amount of the subject
    /// named before it (unknown when none is).
    fn read_money(
        &mut self,
        s: usize,
        e: usize,
        stated: &Stated,
        st: &mut State,
        claims: &mut Vec<Claim>,
    ) {
        let (n, lex) = (self.n, self.lex);
        let floor = clause_start(n, s);
        let b = lex.strip_connectors(n, s, floor);
        if let Some(dir) = direction_ending(lex, n, b, floor) {
            if let Some((g, _)) = self.open {
                claims[g].delta = Some((dir, stated.clone()));
                claims[g].span.1 = claims[g].span.1.max(e);
                return;
            }
        }
        let mut c = Claim::new(self.pi, st.section, Kind::Unknown, (s, e));
        c.stated = Some(stated.clone());
        c.year = year_at(n, self.toks, s, lex, self.budget_year);
        c.head = st.head;
        c.head_key = st.head_key.clone();
        if let Some((ps, pe, ph)) = lex.subject_before(n, s, floor) {
            let ctx = st.context(claims);
            c.subject = Some(lex.subject(ph, n.slice(ps, pe), &ctx));
            c.by_row = lex.is_row(ph);
            c.kind = Kind::Amount;
            c.span.0 = ps;
        }
        claims.push(c);
    }

    /// A percent: the rate of the open comparison when a direction word
    /// stands before it, else a share (`占97.9%`, `占部门支出的2.1%`) of
    /// the amount stated before it in the sentence; else nothing.
    fn read_percent(
        &mut self,
        s: usize,
        e: usize,
        stated: &Stated,
        st: &mut State,
        claims: &mut Vec<Claim>,
    ) {
        let (n, lex) = (self.n, self.lex);
        let floor = clause_start(n, s);
        let b = lex.strip_connectors(n, s, floor);
        if let Some(dir) = direction_ending(lex, n, b, floor) {
            if let Some((g, _)) = self.open {
                claims[g].rate = Some((dir, stated.clone()));
                claims[g].span.1 = claims[g].span.1.max(e);
            }
            return;
        }
        let share_at = (floor..s)
            .rev()
            .find(|&a| Lexicon::word_starting(&lex.share, n, a).is_some());
        let Some(sa) = share_at else { return };
        let Some(part) = self.sentence_claim(claims, s) else {
            return;
        };
        let mut c = Claim::new(self.pi, st.section, Kind::Share, (sa, e));
        c.stated = Some(stated.clone());
        c.compared = Some(part);
        c.year = claims[part].year;
        c.subject = claims[part].subject.clone();
        // The base: a subject named after 占, else the head the part
        // stands under.
        let after = sa + Lexicon::word_starting(&lex.share, n, sa).map_or(1, <[char]>::len);
        let named = (after..s).find_map(|a| lex.phrase_starting(n, a, s));
        match named {
            Some(ph) => {
                let key = lex.phrases[ph].meanings.iter().find_map(|m| match m {
                    Meaning::Subject(i) => Some(lex.spec.subjects[*i].key.clone()),
                    Meaning::Row(..) => None,
                });
                c.base = key.and_then(|k| {
                    (0..claims.len()).rev().find(|&x| {
                        claims[x].kind == Kind::Amount
                            && claims[x].subject.as_ref().is_some_and(|s| s.key == k)
                    })
                });
            }
            None => c.base = claims[part].head,
        }
        claims.push(c);
    }

    /// A list marker (其中, 包括): the head of the items that follow is the
    /// amount just stated in the sentence, else the subject named before
    /// the marker, else the paragraph's last amount, else a subject named
    /// in the clause.
    fn read_list_marker(&mut self, at: usize, st: &mut State, claims: &mut [Claim]) {
        let (n, lex) = (self.n, self.lex);
        let floor = clause_start(n, at);
        let phrase = lex.subject_before(n, at, floor).map(|(ps, _, ph)| (ps, ph));
        if let Some(c) = self.sentence_claim(claims, at).filter(|_| phrase.is_none()) {
            st.head = Some(c);
            st.head_key = None;
            claims[c].is_head = true;
        } else if let Some((_, ph)) = phrase {
            st.head = None;
            let ctx = st.context(claims);
            st.head_key = Some(lex.subject(ph, String::new(), &ctx).key);
        } else if let Some(c) = self.paragraph_claim(claims, at) {
            st.head = Some(c);
            st.head_key = None;
            claims[c].is_head = true;
        } else if let Some(ph) = (floor..at).find_map(|a| lex.phrase_starting(n, a, at)) {
            st.head = None;
            let ctx = st.context(claims);
            st.head_key = Some(lex.subject(ph, String::new(), &ctx).key);
        }
    }

    /// A comparison (`比2023年`): a growth claim of the amount compared,
    /// open for the change and rate the sentence goes on to state.
    fn read_comparison(
        &mut self,
        at: usize,
        year: Option<i32>,
        st: &mut State,
        claims: &mut Vec<Claim>,
    ) {
        let n = self.n;
        let ss = sentence_start(n, at);
        let Some(target) = self.compared_amount(at, ss, st, claims) else {
            return;
        };
        let this_year = claims[target].year.or(self.budget_year);
        let mut g = Claim::new(self.pi, st.section, Kind::Growth, (at, clause_end(n, at)));
        g.compared = Some(target);
        g.subject = claims[target].subject.clone();
        g.year = this_year;
        g.base_year = year.or(this_year.map(|y| y - 1));
        claims.push(g);
        self.open = Some((claims.len() - 1, ss));
    }

    /// What a comparison at `at` compares: the amount just stated in the
    /// sentence (from `ss`), else a subject named before the comparison
    /// (its last amount, or an amount-less claim of it made here), else
    /// the last amount before it in the section.
    fn compared_amount(
        &self,
        at: usize,
        ss: usize,
        st: &State,
        claims: &mut Vec<Claim>,
    ) -> Option<usize> {
        let (n, lex) = (self.n, self.lex);
        if let Some(c) = self.sentence_claim(claims, at) {
            return Some(c);
        }
        let named = (ss..at).find_map(|a| lex.phrase_starting(n, a, at).map(|ph| (a, ph)));
        let Some((a, ph)) = named else {
            return (0..claims.len())
                .rev()
                .find(|&x| claims[x].kind == Kind::Amount && claims[x].section == st.section);
        };
        let ctx = st.context(claims);
        let subj = lex.subject(ph, n.slice(a, a + lex.phrases[ph].chars.len()), &ctx);
        let stated = (0..claims.len()).rev().find(|&x| {
            claims[x].kind == Kind::Amount
                && claims[x]
                    .subject
                    .as_ref()
                    .is_some_and(|s| s.key == subj.key)
        });
        stated.or_else(|| {
            let mut c = Claim::new(self.pi, st.section, Kind::Unknown, (a, a));
            c.subject = Some(subj);
            c.year = year_at(n, self.toks, a, lex, self.budget_year);
            claims.push(c);
            Some(claims.len() - 1)
        })
    }
}
