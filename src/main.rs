//! `yusuan`: thin edge — parse arguments, run a subcommand, map errors to exit codes.
//!
//! Exit status: 0 success; 1 the check found errors (for `check`); 2 bad
//! input (unreadable file, not a budget workbook, invalid template) or bad arguments.

mod cli;
mod cmd;

use cli::{Cli, Command};

// A bulk run makes and frees millions of small strings (cell texts, CSV
// fields); glibc's allocator spent a quarter of the run on them, mimalloc
// far less (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
