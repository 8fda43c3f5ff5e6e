//! `yusuan`: thin edge — parse arguments, run a subcommand, map errors to exit codes.
//!
//! Exit status: 0 success; 1 the check found errors (for `check`); 2 bad
//! input (unreadable file, not a budget workbook, invalid template) or bad arguments.

mod cmd;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "yusuan",
    version,
    about = "预算：读取、核对、转换部门预算公开表 (departmental budget workbooks)",
    after_help = "示例 / Examples:
  yusuan inspect samples/qiaokou-2024.xlsx
  yusuan import samples/qiaokou-2024.xlsx -o out/qiaokou-2024.json
  yusuan check samples/ --report out/核对结果.xlsx
  yusuan convert samples/ -o out/csv

退出码 / Exit status: 0 成功；1 核对发现错误；2 输入无法读取或参数错误。"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show what was recognized in workbooks: template, year, department, tables, cells
    Inspect(cmd::inspect::InspectArgs),
    /// Read a workbook into the canonical model (JSON, amounts in 元 with source cells)
    Import(cmd::import::ImportArgs),
    /// Reconcile workbooks (勾稽关系): every total against its parts, every table against the others
    Check(cmd::check::CheckArgs),
    /// Convert workbooks to warehouse CSV, normalized 2024 workbooks or model JSON
    Convert(cmd::convert::ConvertArgs),
    /// List the templates (layouts) there are and the tables each expects
    Templates(cmd::templates::TemplatesArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Inspect(a) => cmd::inspect::run(a),
        Command::Import(a) => cmd::import::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Convert(a) => cmd::convert::run(a),
        Command::Templates(a) => cmd::templates::run(a),
    };
    // For the memory benchmark: the process's own peak resident memory.
    if std::env::var_os("YUSUAN_REPORT_PEAK_RSS").is_some() {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
            eprintln!("peak_rss {}", line.trim_start_matches("VmHWM:").trim());
        }
    }
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            // A closed pipe (`yusuan import … | head`) is not an error.
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    std::process::exit(0);
                }
            }
            eprintln!("错误：{e}");
            std::process::exit(2);
        }
    }
}
