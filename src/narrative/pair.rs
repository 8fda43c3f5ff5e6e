//! Which narrative goes with which workbook: the one given with
//! `--narrative`, else a document of the same department and year among
//! the inputs, known by the department's name and the year in its title or
//! its file name, or by a file name that starts with the workbook's. Only
//! the few words that decide it are kept per document: a batch of
//! thousands holds no document whole.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::read::{read_file, NarrativeError};
use super::Narrative;
use crate::model::Budget;

/// Paragraphs of a document's beginning that name it.
const TITLE_PARAGRAPHS: usize = 5;
/// Characters of them kept.
const TITLE_CHARS: usize = 2000;

/// A narrative document of the inputs, by what names it.
#[derive(Debug)]
pub struct Candidate {
    pub path: PathBuf,
    /// The path as reports show it.
    pub shown: String,
    /// Its file stem and first paragraphs, normalized.
    key: String,
    stem: String,
    years: Vec<i32>,
    used: AtomicBool,
}

/// The narratives of a run and the workbooks they go with.
#[derive(Debug, Default)]
pub struct Pairing {
    /// `--narrative FILE`: the one workbook's, whatever its name.
    pub explicit: Option<PathBuf>,
    pub candidates: Vec<Candidate>,
}

fn stem_of(p: &Path) -> String {
    crate::text::normed::norm(
        &p.file_stem()
            .map(|s| s.to_string_lossy().to_lowercase())
            .unwrap_or_default(),
    )
}

/// The ends of a department's name that a document may use: the whole
/// name, and what follows each 省/市/区/县 in it (`硚口区企业服务中心`,
/// `企业服务中心`), at least four characters.
fn name_cores(name: &str) -> Vec<String> {
    let n = crate::text::normed::norm(name);
    let mut out = vec![n.clone()];
    for (i, c) in n.char_indices() {
        if ['省', '市', '区', '县', '州', '旗', '盟'].contains(&c) {
            let rest = &n[i + c.len_utf8()..];
            if rest.chars().count() >= 4 {
                out.push(rest.to_string());
            }
        }
    }
    out.retain(|s| s.chars().count() >= 4);
    out
}

impl Pairing {
    /// Reads the beginning of each document (`files`: path and how it is
    /// shown); the ones that cannot be read, with why.
    pub fn new(
        explicit: Option<PathBuf>,
        files: &[(PathBuf, String)],
    ) -> (Pairing, Vec<(String, String)>) {
        let mut candidates = Vec::new();
        let mut failed = Vec::new();
        for (path, shown) in files {
            match read_file(path) {
                Ok(n) => {
                    let stem = stem_of(path);
                    let mut key = stem.clone();
                    let mut title = String::new();
                    for p in n.paragraphs.iter().take(TITLE_PARAGRAPHS) {
                        title.push_str(&p.text);
                        title.push('\n');
                    }
                    key.push_str(&crate::text::normed::norm(&title));
                    let key: String = key.chars().take(TITLE_CHARS).collect();
                    let mut years = crate::text::years_in(&title);
                    years.extend(crate::text::years_in(
                        &path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                    ));
                    candidates.push(Candidate {
                        path: path.clone(),
                        shown: shown.clone(),
                        key,
                        stem,
                        years,
                        used: AtomicBool::new(false),
                    });
                }
                Err(e) => failed.push((shown.clone(), e.to_string())),
            }
        }
        (
            Pairing {
                explicit,
                candidates,
            },
            failed,
        )
    }

    /// How well a document names a workbook; 0: not at all.
    fn score(&self, c: &Candidate, budget: &Budget, workbook: &Path) -> usize {
        if let Some(y) = budget.year {
            if !c.years.is_empty() && !c.years.contains(&y) {
                return 0;
            }
        }
        let stem = stem_of(workbook);
        let by_file = if !stem.is_empty() && c.stem.starts_with(&stem) {
            1000
        } else {
            0
        };
        let by_name = budget
            .department
            .name
            .as_deref()
            .map(name_cores)
            .unwrap_or_default()
            .iter()
            .filter(|core| c.key.contains(core.as_str()))
            .map(|core| core.chars().count())
            .max()
            .unwrap_or(0);
        by_file + by_name
    }

    /// The narrative of a workbook, read: the explicit one, else the
    /// document that names it best. `None`: none goes with it.
    ///
    /// # Errors
    /// Why the document paired with it could not be read.
    pub fn for_workbook(
        &self,
        budget: &Budget,
        workbook: &Path,
    ) -> Option<Result<Narrative, NarrativeError>> {
        if let Some(p) = &self.explicit {
            return Some(read_file(p));
        }
        let best = self
            .candidates
            .iter()
            .rev()
            .map(|c| (self.score(c, budget, workbook), c))
            .filter(|(s, _)| *s > 0)
            .max_by_key(|(s, _)| *s)?;
        best.1.used.store(true, Ordering::SeqCst);
        Some(read_file(&best.1.path))
    }

    /// Documents no workbook took.
    pub fn unpaired(&self) -> Vec<&Candidate> {
        self.candidates
            .iter()
            .filter(|c| !c.used.load(Ordering::SeqCst))
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.explicit.is_none() && self.candidates.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_cores_drop_the_place() {
        assert_eq!(
            name_cores("武汉市硚口区企业服务中心"),
            [
                "武汉市硚口区企业服务中心",
                "硚口区企业服务中心",
                "企业服务中心"
            ]
        );
    }
}
