//! What happened to one input: its [`Status`] and the [`InputOutcome`]
//! that `manifest.csv`, `findings.csv` and `核对汇总.xlsx`, and `check`'s
//! reports each say of it in their own columns.

use serde::{Serialize, Serializer};

use crate::model::{Budget, BudgetUnit, Level};
use crate::reconcile::{counts, Finding};

/// What became of an input, as the manifest, the reports and the JSON say
/// it in one lowercase word ([`Status::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Status {
    /// Read, and no rule found anything.
    #[default]
    Ok,
    /// Read, with errors, warnings or notes.
    Findings,
    /// Not read: not a workbook, damaged, or past a limit.
    Unreadable,
    /// Read far enough to see it is no budget (final accounts, a blank
    /// template, another document): no rule ran, nothing written for it.
    Refused,
    /// Read, but its outputs could not be written.
    Failed,
    /// The part layout: its newest version could not be converted, and the
    /// outputs in the folder are still the last good version's.
    Stale,
    /// A narrative no workbook of the batch took (`核对汇总.xlsx` only).
    Unpaired,
}

impl Status {
    /// Every status, in the order above.
    pub const ALL: [Status; 7] = [
        Status::Ok,
        Status::Findings,
        Status::Unreadable,
        Status::Refused,
        Status::Failed,
        Status::Stale,
        Status::Unpaired,
    ];

    /// The word the outputs write: `ok`, `findings`, `unreadable`,
    /// `refused`, `failed`, `stale`, `unpaired`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Findings => "findings",
            Status::Unreadable => "unreadable",
            Status::Refused => "refused",
            Status::Failed => "failed",
            Status::Stale => "stale",
            Status::Unpaired => "unpaired",
        }
    }

    /// The status a word names, as [`Status::as_str`] writes it; `None`
    /// for any other word (a manifest line saying one is not taken as any
    /// input's line).
    pub fn from_word(word: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == word)
    }

    /// A budget read and checked: `ok` without findings, else `findings`.
    pub fn of_findings(findings: &[Finding]) -> Status {
        if findings.is_empty() {
            Status::Ok
        } else {
            Status::Findings
        }
    }

    /// The status once more findings are added to it (the batch's, the
    /// years'): `ok` becomes `findings`, any other stays.
    pub fn with_more_findings(self) -> Status {
        match self {
            Status::Ok => Status::Findings,
            other => other,
        }
    }

    /// Was the input read as a budget at all (neither unreadable nor
    /// refused)? Those not read have no figures and no findings to show.
    pub fn was_read(self) -> bool {
        !matches!(self, Status::Unreadable | Status::Refused)
    }

    /// Were its outputs written from this very version (`ok`,
    /// `findings`)? A stale line's outputs are an earlier version's.
    pub fn converted(self) -> bool {
        matches!(self, Status::Ok | Status::Findings)
    }

    /// Does its manifest line name outputs that are in the folder (`ok`,
    /// `findings`, `stale`)?
    pub fn holds_outputs(self) -> bool {
        matches!(self, Status::Ok | Status::Findings | Status::Stale)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Who an input is and what happened to it: what the manifest's line, the
/// review's row and `check`'s report share. Serialized as `check --format
/// json` gives a file (its path, status, and what it is of), the fields it
/// has no value for left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InputOutcome {
    /// The input's path as given.
    pub path: String,
    /// Its path relative to the folder it was found in (the warehouse
    /// files' `source_file`).
    #[serde(skip)]
    pub source_file: String,
    pub status: Status,
    /// Why it could not be read or written (or what a layout could not
    /// hold).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The template that read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dept_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dept_name: Option<String>,
    /// `部门` (部门预算) or `单位` (单位预算).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// The unit of a 单位预算.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_unit: Option<BudgetUnit>,
    /// Its errors, warnings and notes.
    #[serde(skip)]
    pub counts: (usize, usize, usize),
}

impl InputOutcome {
    /// An input read as `budget` and checked, with `findings`.
    pub fn read(path: String, source_file: String, budget: &Budget, findings: &[Finding]) -> Self {
        InputOutcome {
            path,
            source_file,
            status: Status::of_findings(findings),
            message: None,
            template: Some(budget.source.template.clone()),
            year: budget.year,
            dept_code: budget.department.code.clone(),
            dept_name: budget.department.name.clone(),
            level: Some(budget.level),
            budget_unit: budget.budget_unit.clone(),
            counts: counts(findings),
        }
    }

    /// An input that gave no budget (`unreadable`, `refused`) or whose
    /// outputs could not be written (`failed`), and why.
    pub fn failed(path: String, source_file: String, status: Status, message: String) -> Self {
        InputOutcome {
            path,
            source_file,
            status,
            message: Some(message),
            ..Default::default()
        }
    }

    /// The budget it is (department, level, unit), to tell it from another
    /// of its year: [`crate::model::identity`].
    pub fn identity(&self) -> Option<String> {
        crate::model::identity(
            self.dept_code.as_deref(),
            self.dept_name.as_deref(),
            self.level.unwrap_or_default(),
            self.budget_unit
                .as_ref()
                .filter(|_| self.level == Some(Level::Unit)),
        )
    }

    /// Adds findings found after it was read (the batch's, the years'):
    /// their counts, and `ok` becomes `findings`.
    pub fn add_findings(&mut self, (e, w, n): (usize, usize, usize)) {
        self.counts = (self.counts.0 + e, self.counts.1 + w, self.counts.2 + n);
        if e + w + n > 0 {
            self.status = self.status.with_more_findings();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_from_its_word() {
        let words: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            words,
            [
                "ok",
                "findings",
                "unreadable",
                "refused",
                "failed",
                "stale",
                "unpaired"
            ]
        );
        for s in Status::ALL {
            assert_eq!(Status::from_word(s.as_str()), Some(s));
            assert_eq!(s.to_string(), s.as_str());
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
    }

    #[test]
    fn a_word_that_is_no_status_is_none() {
        for w in ["", "OK", "Ok", " ok", "ok ", "error", "失败", "stale\n"] {
            assert_eq!(Status::from_word(w), None, "{w:?}");
        }
    }

    #[test]
    fn which_statuses_hold_outputs_were_read_and_were_converted() {
        use Status::*;
        // (status, holds_outputs, was_read, converted)
        let table = [
            (Ok, true, true, true),
            (Findings, true, true, true),
            (Unreadable, false, false, false),
            (Refused, false, false, false),
            (Failed, false, true, false),
            (Stale, true, true, false),
            (Unpaired, false, true, false),
        ];
        assert_eq!(table.len(), Status::ALL.len());
        for (s, holds, read, converted) in table {
            assert_eq!(s.holds_outputs(), holds, "{s}");
            assert_eq!(s.was_read(), read, "{s}");
            assert_eq!(s.converted(), converted, "{s}");
        }
    }

    #[test]
    fn more_findings_make_ok_findings_and_leave_the_rest() {
        for s in Status::ALL {
            let want = if s == Status::Ok { Status::Findings } else { s };
            assert_eq!(s.with_more_findings(), want);
        }
        let mut o = InputOutcome {
            counts: (0, 1, 2),
            ..Default::default()
        };
        o.add_findings((0, 0, 0));
        assert_eq!((o.status, o.counts), (Status::Ok, (0, 1, 2)));
        o.add_findings((1, 0, 3));
        assert_eq!((o.status, o.counts), (Status::Findings, (1, 1, 5)));
        let mut bad = InputOutcome::failed("a".into(), "a".into(), Status::Unreadable, "x".into());
        bad.add_findings((0, 1, 0));
        assert_eq!(bad.status, Status::Unreadable);
    }
}
