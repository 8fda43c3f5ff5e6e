//! `yusuan check`: reconcile workbooks against every rule of the spec.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::batch::{self, check_one, check_workbook, duplicate_groups, progress, Checked, Input};
use super::{write_atomic, ReadArgs, ReadConfig};
use yusuan::export::report::ReportKind;
use yusuan::model::Severity;
use yusuan::outcome::{InputOutcome, Status};
use yusuan::reconcile::years::{Summaries, YearSummary};
use yusuan::reconcile::{counts, Finding};
use yusuan::workbook::Workbook;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    /// 按表分组的中文报告
    Text,
    /// JSON：{"files":[{path, status, template, year, dept_code, dept_name, findings}], "batch":[…]}
    Json,
}

#[derive(Debug, Args)]
#[command(after_help = "示例：（samples/ 是本仓库附带的样例工作簿）
  yusuan check samples/wenlv-2024.xlsx                           # 各项勾稽关系都成立：退出码 0
  yusuan check samples/qiaokou-2024.xlsx                         # 退出码 1：有一个错误（表11）
  yusuan check samples/qiaokou-2024.xlsx --report out/核对.xlsx  # 退出码 1；另写核对工作簿：报送的工作簿上标出问题单元格
  yusuan check samples/ --format json > findings.json            # 退出码 1；文件夹中的 .xlsx/.xlsm/.xls 逐层查找
  yusuan check samples/ --report-dir out/核对/                   # 退出码 1；每个输入一个核对工作簿，findings.csv，核对汇总.xlsx
  yusuan check samples/ --no-info                                # 退出码 1；报告中略去四舍五入等提示

规则 ID 见 docs/rules.md（T3.tree、X.t1_t3_class、S.orphan …）。每条结果给出所比较的单元格（表3!C7）。
四舍五入：合计与 n 项之和相差小于 (n+1)×0.005（显示单位）时为提示“四舍五入差异”，否则为错误。

退出码：0 没有错误；1 至少一个错误；2 有文件无法读取或参数错误。")]
pub struct CheckArgs {
    /// 工作簿，或文件夹（其中的 .xlsx / .xlsm / .xls 逐层查找；WPS 的 .et 等其他格式会列出并跳过）；给出或找到的 .docx（给出的 .txt）是情况说明，按部门名称和年度与工作簿配对
    #[arg(required = true, value_name = "文件|文件夹")]
    pub inputs: Vec<PathBuf>,
    /// 报告格式：text（按表分组的中文报告，默认）或 json
    #[arg(
        long,
        value_enum,
        default_value = "text",
        value_name = "格式",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub format: OutputFormat,
    /// 另写核对工作簿：.xlsx 输入即报送的工作簿本身，问题单元格按级别标色并加批注，首页为“核对结果”；.xls 输入按读入的数值重绘后标注（只用于一个输入）
    #[arg(long, value_name = "核对.xlsx")]
    pub report: Option<PathBuf>,
    /// 文字报告中不列“提示”级别的结果（四舍五入差异、文本数字等）
    #[arg(long)]
    pub no_info: bool,
    /// 批量核对：每个输入写 文件夹/<输入>-核对.xlsx，另写 findings.csv（每条结果一行）和 核对汇总.xlsx（每个输入一行，错误在前，链接到其核对工作簿）；输入不能在此文件夹之内，它在输入文件夹之中时不作为输入
    #[arg(long, value_name = "文件夹", conflicts_with = "report")]
    pub report_dir: Option<PathBuf>,
    /// 情况说明（.docx 或 .txt），与唯一的工作簿一同核对（规则 N.*）；输入中给出或文件夹中找到的 .docx 按部门名称和年度与工作簿配对
    #[arg(long, value_name = "说明.docx")]
    pub narrative: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// One input's report: what happened to it (`ok`, `findings`,
/// `unreadable`, or `refused`: not a budget), who it is, and its findings.
#[derive(Debug, Serialize)]
pub struct FileReport {
    /// The JSON's `path`, `status`, `message`, `template`, `year`,
    /// `dept_code`, `dept_name`, `level`, `budget_unit`.
    #[serde(flatten)]
    pub outcome: InputOutcome,
    /// What tells this budget from another of its year (department, level,
    /// unit), for the batch's duplicates.
    #[serde(skip)]
    pub identity: Option<String>,
    /// The narrative checked with it, in numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<NarrativeSummary>,
    pub findings: Vec<Finding>,
}

/// A narrative checked with a workbook, in numbers.
#[derive(Debug, Serialize)]
pub struct NarrativeSummary {
    /// The document's name, or the narrative sheets'.
    pub source: String,
    pub paragraphs: usize,
    /// Figures found (amounts, blanks, placeholders, shares, changes, nils).
    pub figures: usize,
    /// Of them, compared with the tables or with each other.
    pub compared: usize,
    pub differing: usize,
}

impl NarrativeSummary {
    fn of(b: &yusuan::model::Budget) -> Option<NarrativeSummary> {
        let r = b.narrative.as_ref()?;
        let (figures, compared, differing) = r.counts();
        Some(NarrativeSummary {
            source: r.narrative.source.clone(),
            paragraphs: r.narrative.paragraphs.len(),
            figures,
            compared,
            differing,
        })
    }
}

/// The reviewer's workbook of one input, made in the worker that checked
/// it, or why it could not be made.
pub type Rendered = Option<Result<(Vec<u8>, ReportKind), String>>;

/// Reads and checks one input and, when asked, makes its report from the
/// same bytes (the submitted package is marked up, not read twice).
pub fn check_input(input: &Input, cfg: &ReadConfig, want_report: bool) -> (Checked, Rendered) {
    if !want_report {
        return (check_one(input, cfg), None);
    }
    let path = input.path.as_path();
    let bytes = match Workbook::read_file(&input.file) {
        Ok(b) => b,
        Err(e) => return (Err(batch::Failure::unreadable(e)), None),
    };
    let checked = Workbook::from_bytes(path, &bytes)
        .map_err(batch::Failure::unreadable)
        .and_then(|wb| check_workbook(wb, cfg));
    let report = checked.as_ref().ok().map(|(b, findings, wb)| {
        yusuan::export::report::write_report(&bytes, wb, b, findings).map_err(|e| e.to_string())
    });
    (checked, report)
}

/// What a report is, said where it is written.
fn report_kind(kind: &ReportKind) -> String {
    match kind {
        ReportKind::MarkedUp => "在报送的工作簿上标注".into(),
        ReportKind::Redrawn(None) => "源文件为 .xls，各表按读入的数值重绘后标注".into(),
        ReportKind::Redrawn(Some(why)) => {
            format!("源工作簿无法原样标注（{why}），各表按读入的数值重绘后标注")
        }
    }
}

/// One input's entry of the JSON report, and what the text report says of it.
pub fn file_report(input: &Input, r: &Checked) -> FileReport {
    let path = super::shown(&input.path);
    let source_file = input.source.clone();
    match r {
        Ok((b, findings, _)) => FileReport {
            outcome: InputOutcome::read(path, source_file, b, findings),
            identity: b.identity(),
            narrative: NarrativeSummary::of(b),
            findings: findings.clone(),
        },
        Err(e) => FileReport {
            outcome: InputOutcome::failed(path, source_file, e.status(), e.message.clone()),
            identity: None,
            narrative: None,
            findings: vec![],
        },
    }
}

/// The reviewer's folder (`--report-dir`), filled as inputs come in.
struct Review {
    _lock: super::outdir::OutputLock,
    dir: PathBuf,
    findings_tmp: super::Pending,
    findings: std::io::BufWriter<std::fs::File>,
    stems: std::collections::BTreeSet<String>,
    rows: Vec<yusuan::export::review::Reviewed>,
}

impl Review {
    fn open(dir: &Path) -> anyhow::Result<Review> {
        if dir.exists() && !dir.is_dir() {
            anyhow::bail!("--report-dir {} 是一个文件，应给出文件夹", dir.display());
        }
        std::fs::create_dir_all(dir).map_err(|e| {
            anyhow::anyhow!(
                "{}: 无法创建文件夹：{}",
                dir.display(),
                yusuan::workbook::write_reason(&e)
            )
        })?;
        // One run at a time writes the folder; what a killed one left goes.
        let lock = super::outdir::OutputLock::take(dir)?;
        let stale = super::outdir::clean_stale(dir);
        if stale > 0 {
            eprintln!("提示：清除了上次中断留下的 {stale} 个临时文件");
        }
        let findings_tmp = dir.join(format!(".findings.csv.tmp-{}", std::process::id()));
        let mut findings =
            std::io::BufWriter::new(std::fs::File::create(&findings_tmp).map_err(|e| {
                yusuan::Error::Output {
                    path: findings_tmp.clone(),
                    source: e,
                }
            })?);
        let findings_tmp = super::Pending(Some(findings_tmp));
        // UTF-8 with a byte-order mark: Excel on Windows opens it as such.
        let header = yusuan::export::csv::render(
            "findings.csv",
            &yusuan::export::review::FINDINGS_COLUMNS,
            &[],
            yusuan::export::csv::Encoding::Utf8,
            true,
        )?;
        findings.write_all(&header)?;
        Ok(Review {
            _lock: lock,
            dir: dir.to_path_buf(),
            findings_tmp,
            findings,
            stems: Default::default(),
            rows: Vec::new(),
        })
    }

    /// Adds an input as `check` reported it (`outcome`): its report
    /// written, its findings' rows, its row of the summary.
    fn add(
        &mut self,
        input: &Input,
        outcome: &InputOutcome,
        r: &Checked,
        rendered: Rendered,
    ) -> anyhow::Result<()> {
        use yusuan::export::review::{finding_rows, Reviewed};
        let who = Reviewed {
            outcome: outcome.clone(),
            ..Default::default()
        };
        let row = match r {
            Ok((b, findings, _)) => {
                // The report's name is linked from 核对汇总.xlsx: no character
                // a link would read as a share, drive, anchor or way up.
                let stem = yusuan::export::review::plain_file_stem(
                    &input
                        .path
                        .file_stem()
                        .map_or_else(|| "workbook".into(), |s| super::shown(Path::new(s))),
                );
                // Room for the longest tail below: `-xlsm-核对.xlsx`, `-123456-核对.xlsx`.
                let stem = super::batch::fit_stem(&stem, 24);
                // The same name twice (an .xls and its .xlsx, two folders):
                // the second says its format, then a number.
                let ext = input
                    .path
                    .extension()
                    .map(|e| e.to_string_lossy().to_lowercase())
                    .unwrap_or_default();
                let mut name = format!("{stem}-核对");
                let mut k = 1;
                while !self.stems.insert(name.clone()) {
                    k += 1;
                    name = if k == 2 && !ext.is_empty() {
                        format!("{stem}-{ext}-核对")
                    } else {
                        format!("{stem}-{k}-核对")
                    };
                }
                let file = format!("{name}.xlsx");
                let (bytes, kind) = rendered
                    .ok_or_else(|| anyhow::anyhow!("{}: 核对工作簿未生成", input.source))?
                    .map_err(|e| anyhow::anyhow!("{}: 核对工作簿无法生成：{e}", input.source))?;
                if let ReportKind::Redrawn(Some(_)) = kind {
                    eprintln!("注意：{}：{}", input.source, report_kind(&kind));
                }
                write_atomic(&self.dir.join(&file), &bytes)?;
                let who = Reviewed {
                    report: Some(file),
                    narrative: b
                        .narrative
                        .as_ref()
                        .map(|r| r.narrative.source.clone())
                        .unwrap_or_default(),
                    ..who
                };
                let rows = finding_rows(&who.outcome, findings);
                self.findings.write_all(&yusuan::export::csv::render_rows(
                    "findings.csv",
                    &rows,
                    yusuan::export::csv::Encoding::Utf8,
                )?)?;
                who
            }
            Err(_) => who,
        };
        self.rows.push(row);
        Ok(())
    }

    /// Adds an input's findings across years: its rows of findings.csv,
    /// its counts, and its reviewer's workbook made again (the file read
    /// once more) with them, a comment on each of its cells naming the
    /// earlier workbook's.
    fn add_years(
        &mut self,
        input: &Input,
        i: usize,
        years: &[Finding],
        cfg: &ReadConfig,
    ) -> anyhow::Result<()> {
        use yusuan::export::review::finding_rows;
        let Some(row) = self.rows.get_mut(i) else {
            return Ok(());
        };
        row.outcome.add_findings(counts(years));
        self.findings.write_all(&yusuan::export::csv::render_rows(
            "findings.csv",
            finding_rows(&row.outcome, years),
            yusuan::export::csv::Encoding::Utf8,
        )?)?;
        let Some(report) = row.report.clone() else {
            return Ok(());
        };
        let bytes = Workbook::read_file(&input.file)?;
        let wb = Workbook::from_bytes(&input.path, &bytes)?;
        let (b, mut findings, wb) =
            check_workbook(wb, cfg).map_err(|e| anyhow::anyhow!(e.message))?;
        findings.extend(years.iter().cloned());
        let (marked, _) = yusuan::export::report::write_report(&bytes, &wb, &b, &findings)?;
        write_atomic(&self.dir.join(report), &marked)?;
        Ok(())
    }

    /// Adds the batch's own findings, writes the summary, puts
    /// findings.csv in place; the number of reports written.
    fn finish(mut self, batch: &[BatchFinding]) -> anyhow::Result<usize> {
        use yusuan::export::review::{finding_rows, summary_workbook, Reviewed};
        for f in batch {
            if f.members.is_empty() {
                // A narrative no workbook took (or that could not be read):
                // a row of its own.
                let row = Reviewed {
                    outcome: InputOutcome {
                        source_file: f.files.join("、"),
                        status: if f.rule == "N.unreadable" {
                            Status::Unreadable
                        } else {
                            Status::Unpaired
                        },
                        message: Some(f.message.clone()),
                        counts: match f.severity {
                            Severity::Error => (1, 0, 0),
                            Severity::Warning => (0, 1, 0),
                            Severity::Info => (0, 0, 1),
                        },
                        ..Default::default()
                    },
                    ..Default::default()
                };
                let finding = Finding {
                    rule: f.rule,
                    severity: f.severity,
                    table: yusuan::reconcile::Subject::Narrative,
                    table_name: "情况说明".to_string(),
                    message: f.message.clone(),
                    expected: None,
                    actual: None,
                    difference: None,
                    unit: None,
                    cells: vec![],
                    paragraph: None,
                };
                self.findings.write_all(&yusuan::export::csv::render_rows(
                    "findings.csv",
                    finding_rows(&row.outcome, std::slice::from_ref(&finding)),
                    yusuan::export::csv::Encoding::Utf8,
                )?)?;
                self.rows.push(row);
                continue;
            }
            let finding = Finding {
                rule: f.rule,
                severity: f.severity,
                table: yusuan::reconcile::Subject::Workbook,
                table_name: String::new(),
                message: format!("{}：{}", f.message, f.files.join("、")),
                expected: None,
                actual: None,
                difference: None,
                unit: None,
                cells: vec![],
                paragraph: None,
            };
            // Rows are in input order, as the batch's indices are.
            for &i in &f.members {
                let Some(row) = self.rows.get_mut(i) else {
                    continue;
                };
                row.outcome.add_findings((0, 1, 0));
                self.findings.write_all(&yusuan::export::csv::render_rows(
                    "findings.csv",
                    finding_rows(&row.outcome, std::slice::from_ref(&finding)),
                    yusuan::export::csv::Encoding::Utf8,
                )?)?;
            }
        }
        let path = self.dir.join("findings.csv");
        let output = |source| yusuan::Error::Output {
            path: path.clone(),
            source,
        };
        self.findings.flush().map_err(output)?;
        drop(self.findings);
        if let Some(tmp) = self.findings_tmp.0.take() {
            std::fs::rename(&tmp, &path).map_err(output)?;
        }
        write_atomic(
            &self.dir.join("核对汇总.xlsx"),
            &summary_workbook(&self.rows)?,
        )?;
        Ok(self.rows.iter().filter(|r| r.report.is_some()).count())
    }
}

/// A finding about the batch, not one workbook.
#[derive(Serialize)]
pub struct BatchFinding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub files: Vec<String>,
    /// The inputs concerned, by their place in the batch.
    #[serde(skip)]
    pub members: Vec<usize>,
}

/// `--report`: an `.xlsx` file, not a folder, not one of the inputs, for
/// one input.
fn report_target(args: &CheckArgs, files: &[Input]) -> anyhow::Result<()> {
    let Some(r) = &args.report else {
        return Ok(());
    };
    if r.extension()
        .is_none_or(|e| !e.eq_ignore_ascii_case("xlsx"))
    {
        anyhow::bail!("--report {} 应是一个 .xlsx 文件（核对工作簿）", r.display());
    }
    if r.is_dir() {
        anyhow::bail!("--report {} 是一个文件夹，应给出 .xlsx 文件名", r.display());
    }
    super::not_an_input(r, files.iter().map(|f| f.path.as_path()))?;
    if files.len() != 1 {
        anyhow::bail!("--report 只能用于一个工作簿（现有 {} 个输入）", files.len());
    }
    Ok(())
}

pub fn run(args: &CheckArgs) -> anyhow::Result<i32> {
    let mut cfg = args.read.resolve()?;
    let (files, narratives) =
        batch::workbooks_and_narratives(&args.inputs, args.report_dir.as_deref())?;
    let narratives_said =
        super::narrative::setup(&mut cfg, args.narrative.as_ref(), &narratives, files.len())?;
    run_inputs(
        args,
        &cfg,
        &files,
        narratives_said,
        &mut std::io::stdout().lock(),
    )
}

/// `check` on inputs already found (`args.inputs` is not read again; the
/// narratives already paired in `cfg`), its report written to `stdout`;
/// the exit status.
pub fn run_inputs(
    args: &CheckArgs,
    cfg: &ReadConfig,
    files: &[Input],
    narratives_said: Vec<super::narrative::Unpaired>,
    stdout: &mut dyn std::io::Write,
) -> anyhow::Result<i32> {
    report_target(args, files)?;
    let review = match &args.report_dir {
        Some(dir) => Some(Review::open(dir)?),
        None => None,
    };
    let want_report = args.report.is_some() || args.report_dir.is_some();
    let mut reports = Reports::new(args, review, stdout);
    let bar = progress(files.len(), "核对");
    batch::run_ordered(
        files,
        batch::threads(),
        &bar,
        |input| check_input(input, cfg, want_report),
        |input, message| {
            let failure = batch::Failure::unreadable(batch::internal_error(input, &message));
            (Err(failure), None)
        },
        |input, (r, rendered)| reports.take(input, r, rendered, &bar),
    );
    bar.finish_and_clear();
    reports.finish(files, cfg, narratives_said)
}

/// One input at a time: each report is printed as soon as it and those
/// before it are in, then dropped; what is kept per input is its identity
/// and year (for duplicates), its year's summary (for the years' rules)
/// and the exit status.
struct Reports<'a> {
    args: &'a CheckArgs,
    json: bool,
    stdout: &'a mut dyn std::io::Write,
    review: Option<Review>,
    /// The one input's reviewer's workbook (`--report`).
    kept: Rendered,
    /// (year, identity, path, whose budget it is) per input.
    keys: Vec<(Option<i32>, Option<String>, String, String)>,
    /// Each input's year summary, out of memory, under its place in `keys`.
    years: Summaries,
    years_err: Option<std::io::Error>,
    unreadable: bool,
    errors: bool,
    write_err: Option<std::io::Error>,
}

impl<'a> Reports<'a> {
    fn new(
        args: &'a CheckArgs,
        review: Option<Review>,
        stdout: &'a mut dyn std::io::Write,
    ) -> Reports<'a> {
        let json = args.format == OutputFormat::Json;
        if json {
            let _ = writeln!(stdout, "{{\n\"files\": [");
        }
        Reports {
            args,
            json,
            stdout,
            review,
            kept: None,
            keys: Vec::new(),
            years: Summaries::new(),
            years_err: None,
            unreadable: false,
            errors: false,
            write_err: None,
        }
    }

    fn take(
        &mut self,
        input: &Input,
        r: Checked,
        mut rendered: Rendered,
        bar: &indicatif::ProgressBar,
    ) {
        if let Ok((b, _, _)) = &r {
            if let Some(y) = YearSummary::of(b, &file_name(&input.path), &input.source, "") {
                if let Err(e) = self.years.push(self.keys.len(), &y) {
                    self.years_err.get_or_insert(e);
                }
            }
        }
        let report = file_report(input, &r);
        if let Some(review) = &mut self.review {
            if let Err(e) = review.add(input, &report.outcome, &r, rendered.take()) {
                self.write_err
                    .get_or_insert(std::io::Error::other(e.to_string()));
            }
        }
        if self.args.report.is_some() {
            self.kept = rendered;
        }
        let failed = !report.outcome.status.was_read();
        self.unreadable |= failed;
        self.errors |= report
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error);
        if let Some(m) = report
            .outcome
            .message
            .as_deref()
            // Said once: in the text report, or on stderr beside JSON.
            .filter(|_| failed && self.json)
        {
            bar.suspend(|| eprintln!("错误：{m}"));
        }
        let first = self.keys.is_empty();
        let text = if self.json {
            let sep = if first { "" } else { ",\n" };
            format!(
                "{sep}{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            )
        } else {
            let sep = if first { "" } else { "\n" };
            format!(
                "{sep}{}",
                text_report(std::slice::from_ref(&report), !self.args.no_info)
            )
        };
        let stdout = &mut self.stdout;
        if let Err(e) = bar.suspend(|| stdout.write_all(text.as_bytes())) {
            self.write_err.get_or_insert(e);
        }
        let who = duplicate_who(&report);
        self.keys.push((
            report.outcome.year,
            report.identity,
            report.outcome.path,
            who,
        ));
    }

    /// What only the whole batch shows (the same budget twice, the years
    /// against each other), then the reviewer's files; the exit status.
    fn finish(
        mut self,
        files: &[Input],
        cfg: &ReadConfig,
        mut narratives: Vec<super::narrative::Unpaired>,
    ) -> anyhow::Result<i32> {
        if let Some(e) = self.write_err.take() {
            return Err(e.into());
        }
        let mut batch_findings = batch_findings(&self.keys);
        // Narratives no workbook took, or that could not be read.
        narratives.extend(super::narrative::unpaired(cfg));
        for n in narratives {
            self.unreadable |= n.rule == "N.unreadable";
            batch_findings.push(BatchFinding {
                rule: n.rule,
                severity: n.severity,
                message: n.message,
                files: vec![n.file],
                members: vec![],
            });
        }
        if let Some(e) = self.years_err.take() {
            anyhow::bail!(
                "跨年度核对所需的临时文件无法写入（{}）：请检查临时文件夹所在磁盘的空间",
                yusuan::workbook::write_reason(&e)
            );
        }
        let across = across_years(&mut self.years, files)?;
        self.print_batch(&batch_findings, &across)?;
        if let Some(review) = &mut self.review {
            for a in &across {
                review.add_years(&files[a.input], a.input, &a.findings, cfg)?;
            }
        }
        if let Some(review) = self.review.take() {
            let dir = review.dir.clone();
            let n = review.finish(&batch_findings)?;
            eprintln!(
                "核对结果已写入 {}：{n} 个核对工作簿、findings.csv、核对汇总.xlsx",
                dir.display()
            );
        }
        if let (Some(out), Some(rendered)) = (&self.args.report, self.kept.take()) {
            let (bytes, kind) = rendered.map_err(|e| anyhow::anyhow!("核对工作簿无法生成：{e}"))?;
            write_atomic(out, &bytes)?;
            eprintln!(
                "核对工作簿已写入 {}（{}）",
                out.display(),
                report_kind(&kind)
            );
        }
        Ok(if self.unreadable {
            2
        } else if self.errors {
            1
        } else {
            0
        })
    }

    /// The batch's findings after every file's: in JSON, `batch` and
    /// `years`; in text, under 批量核对 and 跨年度核对.
    fn print_batch(
        &mut self,
        batch: &[BatchFinding],
        across: &[AcrossYears],
    ) -> anyhow::Result<()> {
        let out = &mut self.stdout;
        if self.json {
            writeln!(
                out,
                "\n],\n\"batch\": {},\n\"years\": {}\n}}",
                serde_json::to_string_pretty(batch)?,
                serde_json::to_string_pretty(across)?
            )?;
            return Ok(());
        }
        if !batch.is_empty() {
            writeln!(out, "\n批量核对：")?;
            for f in batch {
                writeln!(
                    out,
                    "  [{}] {} {}\n      文件：{}",
                    f.severity.label(),
                    f.rule,
                    f.message,
                    f.files.join("、")
                )?;
            }
        }
        if !across.is_empty() {
            writeln!(out, "\n跨年度核对（同一预算的不同年度互相印证）：")?;
            for a in across {
                writeln!(out, "\n文件：{}", a.path)?;
                for f in &a.findings {
                    if f.severity == Severity::Info && self.args.no_info {
                        continue;
                    }
                    writeln!(out, "  [{}] {} {}", f.severity.label(), f.rule, f.message)?;
                    let cells: Vec<String> = f.cells.iter().map(ToString::to_string).collect();
                    writeln!(out, "      单元格：{}", cells.join(", "))?;
                }
            }
        }
        Ok(())
    }
}

/// What only the whole batch shows, from each input's year, identity,
/// path and whose budget it is ([`duplicate_who`]), in input order: the
/// same budget and year in several inputs (`S.duplicate_input`).
pub fn batch_findings(keys: &[(Option<i32>, Option<String>, String, String)]) -> Vec<BatchFinding> {
    let groups = duplicate_groups(
        keys.iter()
            .enumerate()
            .map(|(i, (y, d, _, _))| (i, *y, d.as_deref(), None)),
    );
    groups
        .iter()
        .map(|g| {
            let (year, _, _, who) = &keys[g[0]];
            BatchFinding {
                rule: "S.duplicate_input",
                severity: Severity::Warning,
                message: format!(
                    "{who}同一年度（{}）出现在 {} 个输入中；入库时只应保留一份",
                    year.map(|y| y.to_string()).unwrap_or_default(),
                    g.len()
                ),
                files: g.iter().map(|&i| keys[i].2.clone()).collect(),
                members: g.clone(),
            }
        })
        .collect()
}

/// The years' findings of one input (the later workbook of each).
#[derive(Serialize)]
struct AcrossYears {
    path: String,
    /// The input's place in the batch.
    #[serde(skip)]
    input: usize,
    findings: Vec<Finding>,
}

/// The years' rules over the batch, by the later input of each finding.
fn across_years(years: &mut Summaries, files: &[Input]) -> anyhow::Result<Vec<AcrossYears>> {
    let mut by_input: std::collections::BTreeMap<usize, Vec<Finding>> = Default::default();
    years
        .for_each_budget(|group| {
            let (inputs, summaries): (Vec<usize>, Vec<YearSummary>) = group.into_iter().unzip();
            for (i, f) in yusuan::reconcile::years::check(&summaries) {
                by_input.entry(inputs[i]).or_default().push(f);
            }
        })
        .map_err(|e| {
            anyhow::anyhow!(
                "跨年度核对所需的临时文件无法读回（{}）：请重新运行",
                yusuan::workbook::write_reason(&e)
            )
        })?;
    Ok(by_input
        .into_iter()
        .map(|(input, findings)| AcrossYears {
            path: super::shown(&files[input].path),
            input,
            findings,
        })
        .collect())
}

/// A file's name as given, for another workbook's cells (`[2023.xlsx]表3!C5`).
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| super::shown(path), |n| super::shown(Path::new(n)))
}

/// Whose budget an input is, as a duplicate's message says it:
/// `同一部门（X）的部门预算`, `同一单位（Y）的单位预算`.
pub fn duplicate_who(r: &FileReport) -> String {
    let r = &r.outcome;
    let dept = r
        .dept_code
        .as_deref()
        .or(r.dept_name.as_deref())
        .unwrap_or("");
    match (&r.level, &r.budget_unit) {
        (Some(yusuan::model::Level::Unit), Some(u)) => format!(
            "同一单位（{}）的单位预算",
            u.code.as_deref().or(u.name.as_deref()).unwrap_or(dept)
        ),
        _ => format!("同一部门（{dept}）的部门预算"),
    }
}

/// The reviewer's report: per file, findings grouped by table.
pub fn text_report(reports: &[FileReport], show_info: bool) -> String {
    let mut s = String::new();
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        let o = &r.outcome;
        if !o.status.was_read() {
            let said = if o.status == Status::Refused {
                "未核对"
            } else {
                "无法读取"
            };
            let _ = writeln!(
                s,
                "文件：{}\n  {said}：{}",
                o.path,
                o.message.as_deref().unwrap_or("")
            );
            continue;
        }
        let _ = writeln!(
            s,
            "文件：{}（模板 {}，{} 年，{} {}）",
            o.path,
            o.template.as_deref().unwrap_or("?"),
            o.year.map_or("?".to_string(), |y| y.to_string()),
            o.dept_code.as_deref().unwrap_or(""),
            o.dept_name.as_deref().unwrap_or("")
        );
        let (e, w, n) = counts(&r.findings);
        let _ = writeln!(s, "结果：{e} 个错误，{w} 个警告，{n} 条提示");
        if let Some(n) = &r.narrative {
            let _ = writeln!(
                s,
                "说明：{}（{} 段；找到数字 {} 处，核对 {} 处，不符 {} 处）",
                n.source, n.paragraphs, n.figures, n.compared, n.differing
            );
        }
        // Tables in the order the findings come (by the numbers the
        // workbook's template prints them with).
        let mut tables: Vec<yusuan::reconcile::Subject> = Vec::new();
        for f in &r.findings {
            if !tables.contains(&f.table) {
                tables.push(f.table);
            }
        }
        for t in tables {
            let items: Vec<&Finding> = r
                .findings
                .iter()
                .filter(|f| f.table == t && (show_info || f.severity != Severity::Info))
                .collect();
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(s, "\n{}", items[0].table_shown());
            for f in items {
                let _ = writeln!(s, "  [{}] {} {}", f.severity.label(), f.rule, f.message);
                if !f.cells.is_empty() {
                    let shown: Vec<String> =
                        f.cells.iter().take(8).map(ToString::to_string).collect();
                    let more = if f.cells.len() > 8 {
                        format!(" 等 {} 个", f.cells.len())
                    } else {
                        String::new()
                    };
                    let _ = writeln!(s, "      单元格：{}{more}", shown.join(", "));
                }
            }
        }
    }
    if reports.len() > 1 {
        let all: Vec<Finding> = reports.iter().flat_map(|r| r.findings.clone()).collect();
        let (e, w, n) = counts(&all);
        let count = |s: Status| reports.iter().filter(|r| r.outcome.status == s).count();
        let (bad, refused) = (count(Status::Unreadable), count(Status::Refused));
        let _ = writeln!(
            s,
            "\n合计：{} 个文件，{bad} 个无法读取，{refused} 个不是预算；{e} 个错误，{w} 个警告，{n} 条提示",
            reports.len()
        );
    }
    s
}
