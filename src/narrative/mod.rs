//! The narrative beside the tables (部门预算情况说明, 编制说明): read from a
//! Word document, plain text or the workbook's own narrative sheets; its
//! figures found with what they claim (subject, year, comparisons, shares);
//! and checked against the tables and against themselves by the `N.*`
//! rules. The vocabulary is the template's `[narrative]`.
//!
//! ```no_run
//! use yusuan::import::{import_file, ImportOptions};
//! use yusuan::template::Templates;
//! let templates = Templates::builtin();
//! let b = import_file("samples/qiaokou-2024.xlsx", &templates, &ImportOptions::default()).unwrap();
//! let n = yusuan::narrative::read::read_file("情况说明.docx".as_ref()).unwrap();
//! let (findings, facts) = yusuan::narrative::check(&b, &n, templates.get("2024").unwrap().narrative());
//! println!("{} findings, {} figures", findings.len(), facts.len());
//! ```

pub mod claims;
pub mod figure;
pub mod pair;
pub mod read;
mod rules;

pub use crate::model::narrative::{Fact, Kind, Narrative, Outcome, Paragraph, Review, Stated};
pub use crate::template::narrative::{FigureRef, NarrativeSpec};
pub use figure::Figure;

use crate::model::{Budget, Severity};
use crate::reconcile::Finding;
use crate::template::Templates;
use crate::workbook::{CellRef, Workbook};

impl Fact {
    pub fn kind_key(&self) -> &'static str {
        match self.kind {
            Kind::Amount => "amount",
            Kind::Unknown => "unknown",
            Kind::Blank => "blank",
            Kind::Placeholder => "placeholder",
            Kind::Nil => "nil",
            Kind::Share => "share",
            Kind::Growth => "growth",
        }
    }
}

impl Review {
    /// A paragraph's text cut into pieces, each with the outcome of the
    /// figure it marks (`None` for plain text): what 说明核对 prints.
    pub fn marked(&self, para: usize) -> Vec<(String, Option<Outcome>)> {
        let p = &self.narrative.paragraphs[para];
        let n = crate::text::normed::normalize(&p.text);
        let mut spans: Vec<(usize, usize, Outcome)> = self
            .facts
            .iter()
            .filter(|f| f.para == para && f.span.0 < f.span.1)
            .map(|f| {
                let (a, b) = n.source_range(f.span.0, f.span.1);
                (a, b, f.outcome)
            })
            .collect();
        spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
        let mut out = Vec::new();
        let mut at = 0;
        for (a, b, o) in spans {
            if a < at || b > p.text.len() {
                continue;
            }
            if a > at {
                out.push((p.text[at..a].to_string(), None));
            }
            out.push((p.text[a..b].to_string(), Some(o)));
            at = b;
        }
        if at < p.text.len() {
            out.push((p.text[at..].to_string(), None));
        }
        out
    }

    /// (figures, compared, differing) over the whole narrative.
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = self.facts.len();
        let compared = self
            .facts
            .iter()
            .filter(|f| f.outcome != Outcome::NotCompared)
            .count();
        let differs = self
            .facts
            .iter()
            .filter(|f| f.outcome == Outcome::Differs)
            .count();
        (n, compared, differs)
    }
}

/// The budget year a narrative is read for: the budget's, else the first
/// year its text names.
fn year_of(budget: &Budget, narrative: &Narrative) -> Option<i32> {
    budget.year.or_else(|| {
        narrative
            .paragraphs
            .iter()
            .find_map(|p| crate::text::years_in(&p.text).first().copied())
    })
}

/// Checks a narrative against its budget by the `N.*` rules: the findings
/// (table `narrative`, each naming its paragraph) and every figure found.
pub fn check(
    budget: &Budget,
    narrative: &Narrative,
    spec: &NarrativeSpec,
) -> (Vec<Finding>, Vec<Fact>) {
    let lex = claims::Lexicon::new(spec, budget);
    let year = year_of(budget, narrative);
    let claims = claims::read(narrative, &lex, year);
    rules::check(budget, narrative, spec, &claims, year)
}

/// The narrative of a checked workbook — its own narrative sheets and a
/// document paired with it — checked, kept on the budget for the outputs
/// (`budget.narrative`), its findings returned. A workbook whose template
/// expects a narrative and has none gets `N.missing`.
pub fn review(
    budget: &mut Budget,
    wb: &Workbook,
    paired: Option<Narrative>,
    templates: &Templates,
) -> Vec<Finding> {
    let Some(template) = templates.get(&budget.source.template) else {
        return Vec::new();
    };
    let spec = template.narrative();
    let tables: Vec<String> = budget
        .source
        .sheets
        .iter()
        .filter(|s| s.table.is_some())
        .map(|s| s.name.clone())
        .collect();
    let own = read::sheets(wb, &spec.sheets, &tables);
    let narrative = match (own, paired) {
        (None, None) => {
            if spec.expected {
                return vec![Finding {
                    rule: "N.missing",
                    severity: Severity::Warning,
                    table: crate::reconcile::Subject::Narrative,
                    table_name: "情况说明".to_string(),
                    message: format!(
                        "{} 的工作簿应有情况说明（名字含“{}”的工作表），没有找到，也没有附上说明文档：请补上，或用 --narrative 给出",
                        template.name,
                        spec.sheets.join("”“")
                    ),
                    expected: None,
                    actual: None,
                    difference: None,
                    unit: None,
                    cells: vec![],
                    paragraph: None,
                }];
            }
            return Vec::new();
        }
        (Some(n), None) | (None, Some(n)) => n,
        (Some(mut own), Some(doc)) => {
            own.source = format!("{}、{}", own.source, doc.source);
            own.paragraphs.extend(doc.paragraphs);
            own
        }
    };
    let (findings, facts) = check(budget, &narrative, spec);
    budget.narrative = Some(Box::new(Review { narrative, facts }));
    findings
}

/// A row of the reviewer's 说明核对 sheet: a paragraph quoted with its
/// figures marked, what each was compared with, and the findings about it.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    pub place: String,
    /// The paragraph in pieces, each figure with its outcome.
    pub pieces: Vec<(String, Option<Outcome>)>,
    /// One line a figure: what it was compared with.
    pub checks: String,
    /// The findings about the paragraph, one a line.
    pub problems: String,
    /// The worst severity among them.
    pub severity: Option<Severity>,
    /// The paragraph's cell, for a narrative sheet of the workbook.
    pub cell: Option<CellRef>,
}

impl Review {
    /// Every paragraph as 说明核对 lists it.
    pub fn sheet_rows(&self, findings: &[Finding]) -> Vec<SheetRow> {
        let mut out = Vec::new();
        for (i, p) in self.narrative.paragraphs.iter().enumerate() {
            let mut checks = Vec::new();
            for f in self.facts.iter().filter(|f| f.para == i) {
                let mark = match f.outcome {
                    Outcome::Agrees => "✓",
                    Outcome::Differs => "✗",
                    Outcome::NotCompared => "·",
                };
                let with = if f.figure.is_empty() {
                    match (f.kind, f.outcome) {
                        (Kind::Placeholder, _) => "模板占位文字".to_string(),
                        (Kind::Share | Kind::Growth, Outcome::Agrees) => {
                            "按所写金额计算相符".to_string()
                        }
                        (Kind::Share | Kind::Growth, Outcome::Differs) => {
                            "按所写金额计算不符".to_string()
                        }
                        (Kind::Unknown, _) => "未识别所说的科目，未核对".to_string(),
                        _ => "表中无可比的数，未核对".to_string(),
                    }
                } else {
                    let cells: Vec<String> = f.cells.iter().map(ToString::to_string).collect();
                    let amount = f
                        .figure_yuan
                        .map(|y| {
                            let mut d = crate::amount::from_yuan(y, crate::amount::Unit::Wan);
                            d.rescale(2);
                            format!(" {d} 万元")
                        })
                        .unwrap_or_default();
                    format!("{}{amount}（{}）", f.figure, cells.join(", "))
                };
                let said = if f.said.is_empty() {
                    &f.subject
                } else {
                    &f.said
                };
                checks.push(format!("{mark} {said}：{with}"));
            }
            let mine: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.paragraph.as_deref() == Some(p.place.as_str()))
                .collect();
            let problems: Vec<String> = mine
                .iter()
                .map(|f| {
                    let m = f
                        .message
                        .strip_prefix(&format!("{}：", p.place))
                        .unwrap_or(&f.message);
                    format!("[{}] {} {m}", f.severity.label(), f.rule)
                })
                .collect();
            out.push(SheetRow {
                place: p.place.clone(),
                pieces: self.marked(i),
                checks: checks.join("\n"),
                problems: problems.join("\n"),
                severity: mine.iter().map(|f| f.severity).max(),
                cell: p.cell.clone(),
            });
        }
        out
    }
}
