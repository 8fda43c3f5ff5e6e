//! What `check` and `convert` do with narratives (情况说明): pair each
//! document of the inputs, or the one `--narrative` names, with its
//! workbook; check it with the workbook; say the ones no workbook took.

use std::path::PathBuf;

use yusuan::model::{Budget, Severity};
use yusuan::narrative::pair::Pairing;
use yusuan::reconcile::Finding;
use yusuan::workbook::Workbook;

use super::ReadConfig;

/// A narrative of the run that no workbook took, or that could not be read.
pub struct Unpaired {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: String,
    pub message: String,
}

/// Sets up the run's narratives: `explicit` (`--narrative`) goes with the
/// one workbook; the documents among the inputs go by name. Those that
/// cannot be read are returned, to be said.
///
/// # Errors
/// `--narrative` with more than one workbook, or naming a file that is not
/// there.
pub fn setup(
    cfg: &mut ReadConfig,
    explicit: Option<&PathBuf>,
    found: &[(PathBuf, String)],
    workbooks: usize,
) -> anyhow::Result<Vec<Unpaired>> {
    if let Some(p) = explicit {
        if workbooks != 1 {
            anyhow::bail!("--narrative 只能用于一个工作簿（现有 {workbooks} 个输入）；一批工作簿的说明请放在输入文件夹里，按部门和年度配对");
        }
        if !p.is_file() {
            anyhow::bail!("--narrative {}：找不到这个文件", p.display());
        }
    }
    let (pairing, failed) = Pairing::new(explicit.cloned(), found);
    cfg.narratives = pairing;
    Ok(failed
        .into_iter()
        .map(|(file, message)| Unpaired {
            rule: "N.unreadable",
            severity: Severity::Error,
            file,
            message,
        })
        .collect())
}

/// The documents no workbook took, once the run is done.
pub fn unpaired(cfg: &ReadConfig) -> Vec<Unpaired> {
    cfg.narratives
        .unpaired()
        .into_iter()
        .map(|c| Unpaired {
            rule: "N.unpaired",
            severity: Severity::Warning,
            file: c.shown.clone(),
            message: "情况说明没有找到同一部门同一年度的工作簿与之配对（按其标题或文件名中的部门名称和年度）：请一并给出工作簿，或用 --narrative 为一个工作簿指定".into(),
        })
        .collect()
}

/// The workbook's narrative checked: its own sheets, and the document
/// paired with it; a paired document that cannot be read is a finding.
pub fn review(budget: &mut Budget, wb: &Workbook, cfg: &ReadConfig) -> Vec<Finding> {
    let mut out = Vec::new();
    let paired = match cfg.narratives.for_workbook(budget, &wb.path) {
        Some(Ok(n)) => Some(n),
        Some(Err(e)) => {
            out.push(Finding {
                rule: "N.unreadable",
                severity: Severity::Error,
                table: yusuan::reconcile::Subject::Narrative,
                table_name: "情况说明".to_string(),
                message: format!("情况说明无法读取：{e}"),
                expected: None,
                actual: None,
                difference: None,
                unit: None,
                cells: vec![],
                paragraph: None,
            });
            None
        }
        None => None,
    };
    out.extend(yusuan::narrative::review(
        budget,
        wb,
        paired,
        &cfg.templates,
    ));
    out
}
