//! What a warehouse folder holds, input by input: `manifest.csv`, and the
//! journal a run that did not finish left behind.
//!
//! An input is known by its identity (`input_id`, its canonical path
//! hashed), never by its file name: two folders' `教育局.xlsx` are two
//! inputs, and a second run on another year's folder adds its inputs
//! beside the first's. A new version of the same input replaces its own
//! outputs and says so (`replaces`); a new version that cannot be
//! converted leaves the last good outputs in place, marked `stale`.
//! Nothing else is ever removed.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::csv::ManifestEntry;
use crate::outcome::{InputOutcome, Status};

/// The manifest's file name in an output folder.
pub const MANIFEST: &str = "manifest.csv";

/// Lines of a run in progress, one per input as each is decided; what a
/// killed run leaves for the next to resume from.
pub const JOURNAL: &str = ".yusuan-journal.csv";

/// The entries of a folder, by input.
#[derive(Debug, Default)]
pub struct Ledger {
    /// In the order first seen; `None` where a line was taken over by
    /// another (a line without identity, adopted by its input).
    entries: Vec<Option<ManifestEntry>>,
    by_id: HashMap<String, usize>,
    /// Lines written before inputs had identities, by (source_file, hash).
    legacy: HashMap<(String, String), usize>,
    /// Outputs of versions replaced since the folder was last committed.
    superseded: Vec<String>,
}

impl Ledger {
    /// The folder's manifest, then the journal of a run that did not
    /// finish, each journal line taken as [`Ledger::record`] takes it. A
    /// folder with neither is empty; unreadable lines are skipped.
    pub fn read(out: &Path) -> Ledger {
        let mut ledger = Ledger::default();
        for (file, header) in [(MANIFEST, true), (JOURNAL, false)] {
            let Ok(mut r) = csv::ReaderBuilder::new()
                .has_headers(header)
                .flexible(true)
                .from_path(out.join(file))
            else {
                continue;
            };
            for rec in r.byte_records().filter_map(Result::ok) {
                let Some(e) = ManifestEntry::from_row(&decoded(&rec)) else {
                    continue;
                };
                if header {
                    ledger.insert(e);
                } else {
                    ledger.record(e);
                }
            }
        }
        ledger
    }

    /// Did a run stop before committing (is there a journal to fold in)?
    pub fn has_journal(out: &Path) -> bool {
        out.join(JOURNAL).is_file()
    }

    fn insert(&mut self, e: ManifestEntry) -> usize {
        let i = self.entries.len();
        if e.input_id.is_empty() {
            self.legacy
                .insert((e.outcome.source_file.clone(), e.source_hash.clone()), i);
        } else {
            self.by_id.insert(e.input_id.clone(), i);
        }
        self.entries.push(Some(e));
        i
    }

    /// The line of input `id`; else a line written before inputs had
    /// identities, of the same content under the same name.
    pub fn get(&self, id: &str, source_file: &str, hash: &str) -> Option<&ManifestEntry> {
        self.index_of(id, source_file, hash)
            .and_then(|i| self.entries[i].as_ref())
    }

    fn index_of(&self, id: &str, source_file: &str, hash: &str) -> Option<usize> {
        self.by_id.get(id).copied().or_else(|| {
            self.legacy
                .get(&(source_file.to_string(), hash.to_string()))
                .copied()
        })
    }

    /// Takes the line an input got in this run and returns the line as it
    /// now stands: a new input's line as it is; a new version's, replacing
    /// the old one and its outputs (`replaces` says which); a version that
    /// failed, keeping the last good outputs (`stale`).
    pub fn record(&mut self, mut e: ManifestEntry) -> ManifestEntry {
        let Some(i) = self.index_of(&e.input_id, &e.outcome.source_file, &e.source_hash) else {
            self.insert(e.clone());
            return e;
        };
        let Some(old) = self.entries[i].take() else {
            self.insert(e.clone());
            return e;
        };
        if old.input_id.is_empty() {
            self.legacy
                .remove(&(old.outcome.source_file.clone(), old.source_hash.clone()));
            self.by_id.insert(e.input_id.clone(), i);
        }
        let now = if e.outcome.status.holds_outputs() {
            let kept: BTreeSet<&String> = e.outputs.iter().collect();
            self.superseded
                .extend(old.outputs.iter().filter(|o| !kept.contains(o)).cloned());
            if old.source_hash == e.source_hash {
                e.replaces = old.replaces;
            } else if old.outcome.status.holds_outputs() {
                e.replaces = old.source_hash;
            }
            e
        } else if old.outcome.status.holds_outputs() {
            // The last good version stays until one converts.
            let message = format!(
                "最新版本（内容哈希 {}）未能转换：{}；输出仍是上次转换的版本",
                e.source_hash,
                e.outcome.message.as_deref().unwrap_or("")
            );
            ManifestEntry {
                outcome: InputOutcome {
                    path: e.outcome.path,
                    source_file: e.outcome.source_file,
                    status: Status::Stale,
                    message: Some(message),
                    ..old.outcome
                },
                input_id: e.input_id,
                ..old
            }
        } else {
            e
        };
        self.entries[i] = Some(now.clone());
        now
    }

    /// Every line, in the order first seen.
    pub fn entries(&self) -> impl Iterator<Item = &ManifestEntry> {
        self.entries.iter().flatten()
    }

    /// Outputs no line holds any more, to remove once the new versions
    /// are in place.
    pub fn take_superseded(&mut self) -> Vec<String> {
        std::mem::take(&mut self.superseded)
    }

    /// Files the lines hold that lie in the folder itself (normalized
    /// workbooks, model JSON), not in a table's partition.
    pub fn top_level_outputs(&self) -> BTreeSet<String> {
        self.entries()
            .flat_map(|e| e.outputs.iter())
            .filter(|o| !o.contains('/'))
            .cloned()
            .collect()
    }

    /// Does any line hold a table's partition file (the part layout)?
    pub fn has_parts(&self) -> bool {
        self.entries()
            .flat_map(|e| e.outputs.iter())
            .any(|o| o.contains('/'))
    }

    /// Forgets every line (their outputs are being replaced as a whole).
    pub fn clear(&mut self) {
        *self = Ledger::default();
    }
}

/// A line as text, each field UTF-8 or else GBK (`--encoding gbk`).
fn decoded(rec: &csv::ByteRecord) -> csv::StringRecord {
    rec.iter()
        .map(|f| match std::str::from_utf8(f) {
            Ok(s) => s.to_string(),
            Err(_) => encoding_rs::GBK
                .decode_without_bom_handling(f)
                .0
                .into_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, hash: &str, status: Status, outputs: &[&str]) -> ManifestEntry {
        ManifestEntry {
            outcome: InputOutcome {
                path: format!("in/{id}.xlsx"),
                source_file: "教育局.xlsx".into(),
                status,
                ..Default::default()
            },
            source_hash: hash.into(),
            input_id: id.into(),
            outputs: outputs.iter().map(|o| o.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn the_same_name_in_another_folder_is_another_input() {
        let mut l = Ledger::default();
        l.record(line("a", "h1", Status::Ok, &["t1/year=2023/part-a-h1.csv"]));
        let b = l.record(line("b", "h2", Status::Ok, &["t1/year=2024/part-b-h2.csv"]));
        assert_eq!(b.replaces, "");
        assert_eq!(l.entries().count(), 2);
        assert!(l.take_superseded().is_empty());
    }

    #[test]
    fn a_new_version_replaces_its_own_outputs_and_says_so() {
        let mut l = Ledger::default();
        l.record(line(
            "a",
            "h1",
            Status::Ok,
            &["t1/year=2023/part-a-h1.csv", "a.xlsx"],
        ));
        let now = l.record(line(
            "a",
            "h2",
            Status::Findings,
            &["t1/year=2024/part-a-h2.csv", "a.xlsx"],
        ));
        assert_eq!(now.replaces, "h1");
        assert_eq!(
            l.take_superseded(),
            vec!["t1/year=2023/part-a-h1.csv".to_string()]
        );
        assert_eq!(l.entries().count(), 1);
        // The same version again keeps what it said.
        let again = l.record(line(
            "a",
            "h2",
            Status::Findings,
            &["t1/year=2024/part-a-h2.csv", "a.xlsx"],
        ));
        assert_eq!(again.replaces, "h1");
        assert!(l.take_superseded().is_empty());
    }

    #[test]
    fn a_version_that_fails_leaves_the_last_good_outputs_in_place() {
        let mut l = Ledger::default();
        l.record(line("a", "h1", Status::Ok, &["t1/year=2023/part-a-h1.csv"]));
        let mut bad = line("a", "h2", Status::Unreadable, &[]);
        bad.outcome.message = Some("不是 Excel 工作簿".into());
        let now = l.record(bad);
        assert_eq!(now.outcome.status, Status::Stale);
        assert_eq!(now.source_hash, "h1");
        assert_eq!(now.outputs, vec!["t1/year=2023/part-a-h1.csv".to_string()]);
        let message = now.outcome.message.unwrap();
        assert!(message.contains("h2") && message.contains("不是 Excel 工作簿"));
        assert!(l.take_superseded().is_empty());
        // A new input that fails is just that.
        let other = l.record(line("b", "h3", Status::Failed, &[]));
        assert_eq!(other.outcome.status, Status::Failed);
    }

    #[test]
    fn a_line_without_identity_is_taken_by_the_same_content_under_the_same_name() {
        let mut l = Ledger::default();
        l.insert(line("", "h1", Status::Ok, &["t1/year=2023/part-h1.csv"]));
        l.insert(line("", "h9", Status::Ok, &["t1/year=2024/part-h9.csv"]));
        assert!(l.get("a", "教育局.xlsx", "h1").is_some());
        assert!(l.get("a", "教育局.xlsx", "h2").is_none());
        l.record(line("a", "h1", Status::Ok, &["t1/year=2023/part-h1.csv"]));
        assert_eq!(l.entries().count(), 2);
        assert!(l.take_superseded().is_empty());
        assert_eq!(l.get("a", "x", "y").unwrap().input_id, "a");
    }

    /// A folder whose manifest holds `entries`' lines, and `extra` lines
    /// as written.
    fn folder_with(entries: &[ManifestEntry], extra: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let rows: Vec<Vec<String>> = entries
            .iter()
            .map(super::super::csv::manifest_row)
            .collect();
        let header = ["column"; super::super::csv::MANIFEST_COLUMNS];
        let mut text = super::super::csv::render(
            MANIFEST,
            &header,
            &rows,
            super::super::csv::Encoding::Utf8,
            false,
        )
        .unwrap();
        text.extend_from_slice(extra.as_bytes());
        std::fs::write(dir.path().join(MANIFEST), text).unwrap();
        dir
    }

    #[test]
    fn a_manifest_line_of_each_status_reads_back_the_same() {
        let entries: Vec<ManifestEntry> = Status::ALL
            .iter()
            .enumerate()
            .map(|(i, &status)| {
                let mut e = line(&format!("id{i}"), &format!("h{i}"), status, &["a.xlsx"]);
                e.outcome.message = Some(format!("为何 {status}"));
                e.outcome.template = Some("2024".into());
                e.outcome.year = Some(2024);
                e.outcome.dept_code = Some("145".into());
                e.outcome.dept_name = Some("文旅局".into());
                e.outcome.level = Some(crate::model::Level::Unit);
                e.outcome.budget_unit = Some(crate::model::BudgetUnit {
                    code: Some("145001".into()),
                    name: Some("文化馆".into()),
                });
                e.outcome.counts = (i, 1, 2);
                e.size = 10;
                e
            })
            .collect();
        let dir = folder_with(&entries, "");
        let read: Vec<ManifestEntry> = Ledger::read(dir.path()).entries().cloned().collect();
        assert_eq!(read, entries);
    }

    #[test]
    fn a_manifest_line_whose_status_is_no_status_is_no_input_s_line() {
        let good = line("a", "h1", Status::Findings, &["a.xlsx"]);
        let mut odd = super::super::csv::manifest_row(&line("b", "h2", Status::Ok, &["b.xlsx"]));
        odd[4] = "done".into();
        let dir = folder_with(std::slice::from_ref(&good), &format!("{}\n", odd.join(",")));
        let l = Ledger::read(dir.path());
        assert_eq!(l.entries().cloned().collect::<Vec<_>>(), vec![good]);
        assert!(l.get("b", "教育局.xlsx", "h2").is_none());
    }
}
