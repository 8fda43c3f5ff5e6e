//! Subcommands: one file each, holding its arguments and its `run`.

pub mod batch;
pub mod check;
pub mod convert;
pub mod import;
pub mod inspect;
pub mod templates;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use yusuan::import::ImportOptions;
use yusuan::template::Templates;
use yusuan::Error;

/// Options every reading subcommand takes.
#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    /// Budget year, when the workbook does not say it (or says it wrong)
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i32).range(1990..=2100))]
    pub year: Option<i32>,
    /// Use this template ID instead of the best-fitting one (see `yusuan inspect`)
    #[arg(long, value_name = "ID")]
    pub template: Option<String>,
    /// Also load every *.toml template in DIR (same ID replaces a built-in one)
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// What the reading subcommands need, resolved once from the arguments.
pub struct ReadConfig {
    pub templates: Templates,
    pub options: ImportOptions,
}

impl ReadArgs {
    pub fn resolve(&self) -> Result<ReadConfig, Error> {
        let mut templates = Templates::builtin();
        if let Some(dir) = &self.templates {
            templates.add_dir(dir)?;
        }
        if let Some(id) = &self.template {
            if templates.get(id).is_none() {
                return Err(Error::UnknownTemplate {
                    id: id.clone(),
                    available: templates.all.iter().map(|t| t.id.clone()).collect(),
                });
            }
        }
        Ok(ReadConfig {
            templates,
            options: ImportOptions {
                year: self.year,
                template: self.template.clone(),
            },
        })
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so an interrupted run never leaves a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let err = |source| Error::Output {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}
