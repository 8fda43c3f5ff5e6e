//! `yusuan`: thin edge — parse arguments, run a subcommand, map errors to exit codes.
//!
//! Exit status: 0 success; 1 the check found errors (for `check`); 2 bad
//! input (unreadable file, not a budget workbook, invalid template) or bad arguments.

mod cli;
mod cmd;

use clap::{Parser, Subcommand};

// A bulk run makes and frees millions of small strings (cell texts, CSV
// fields); glibc's allocator spent a quarter of the run on them, mimalloc
// far less (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "yusuan",
    version,
    about = "预算：读取、核对、转换部门预算公开表",
    after_help = "示例：（在本仓库的文件夹中运行，samples/ 是附带的样例工作簿）
  yusuan inspect samples/qiaokou-2024.xlsx                       # 先看识别出了什么：模板、年度、部门、各表
  yusuan check samples/qiaokou-2024.xlsx --report out/核对.xlsx  # 退出码 1：有一个错误；核对工作簿上标出其单元格
  yusuan convert samples/qiaokou-2024.xlsx -o out --to csv,xlsx  # 入库 CSV 和 2024 年格式的规范工作簿
  yusuan help check                                              # 一个命令的说明和示例

退出码：0 成功；1 核对发现错误；2 输入无法读取或参数错误。
说明文档：README.md 和 docs/。"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 看工作簿中识别出了什么：模板、年度、部门、各表、单元格
    #[command(override_usage = "yusuan inspect [选项] <文件|文件夹>...")]
    Inspect(cmd::inspect::InspectArgs),
    /// 把工作簿读成标准模型（JSON，金额以元计，带来源单元格）
    #[command(override_usage = "yusuan import [选项] <文件>")]
    Import(cmd::import::ImportArgs),
    /// 核对勾稽关系：每个合计对其各项，每张表对其他各表
    #[command(override_usage = "yusuan check [选项] <文件|文件夹>...")]
    Check(cmd::check::CheckArgs),
    /// 转换为入库 CSV、Parquet、2024 年格式的工作簿或模型 JSON
    #[command(override_usage = "yusuan convert [选项] -o <输出文件夹> <输入>...")]
    Convert(cmd::convert::ConvertArgs),
    /// 列出各模板（版式）及其所含的表
    #[command(override_usage = "yusuan templates [选项]")]
    Templates(cmd::templates::TemplatesArgs),
    /// 在浏览器中核对：启动本机的核对台网页（拖入工作簿，看结果和单元格，下载）
    #[command(override_usage = "yusuan serve [选项]")]
    Serve(cmd::serve::ServeArgs),
}

fn main() {
    let cli: Cli = cli::parse();
    // A panic is a bug; it still ends in a sentence and exit 2, never in
    // Rust's own report and exit 101 (each input of a batch is caught on
    // its own, in the batch).
    let result = yusuan::guard::catch(|| match &cli.command {
        Command::Inspect(a) => cmd::inspect::run(a),
        Command::Import(a) => cmd::import::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Convert(a) => cmd::convert::run(a),
        Command::Templates(a) => cmd::templates::run(a),
        Command::Serve(a) => cmd::serve::run(a),
    })
    .unwrap_or_else(|message| {
        Err(anyhow::anyhow!(
            "程序内部出错，未能完成（{message}）；请把所用的文件和命令发给 yusuan 的维护者"
        ))
    });
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
