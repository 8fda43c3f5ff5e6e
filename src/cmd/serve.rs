//! `yusuan serve`: the reviewer's desk in a browser. A local web server,
//! the same binary, that takes workbooks dropped on a page, checks each as
//! `check` does and hands back what the command line writes: the findings,
//! the reviewer's workbook, the normalized workbook, the batch's summary
//! and warehouse files; and `POST /api/check` for programs.
//!
//! The HTTP side is in [`http`], the batches, the queue and the files in
//! [`desk`], a finding's cells as a grid in [`grid`], uploads in
//! [`upload`], the page itself in `serve/page/`.

mod desk;
mod grid;
mod http;
mod upload;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::ReadArgs;

/// The port the desk listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8650;

#[derive(Debug, Args)]
#[command(after_help = "示例（启动后一直运行，按 Ctrl-C 停止）：
  yusuan serve                                # 第一行输出网址 http://127.0.0.1:8650/，用浏览器打开，把工作簿拖进网页
  yusuan serve --port 0                       # 自动选一个空闲端口
  yusuan serve --data D:/核对台               # 上传的文件存在这个文件夹（按内容哈希命名），而不是临时文件夹
  curl -F file=@预算.xlsx http://127.0.0.1:8650/api/check   # 与 yusuan check --format json 输出相同

网页：拖入工作簿或整个文件夹，逐个读取核对；点一条结果看源表中它的单元格；下载核对工作簿、规范工作簿、
核对汇总.xlsx、findings.csv 和入库文件（CSV、Parquet）。说明见 docs/serve.md。
默认只在本机（127.0.0.1）可以打开；--bind 0.0.0.0 让同一网络中的其他人也能打开。
同时读取的工作簿不超过 CPU 核数（RAYON_NUM_THREADS 可改），其余依次排队。

退出码：0 已停止（Ctrl-C 或 SIGTERM）；2 端口被占用、文件夹不可写或参数错误。")]
pub struct ServeArgs {
    /// 端口；0 表示自动选一个空闲端口
    #[arg(long, value_name = "端口", default_value_t = DEFAULT_PORT, hide_default_value = true)]
    pub port: u16,
    /// 监听的地址，默认 127.0.0.1（只有本机能打开）；给出其他地址时，同一网络中的其他人也能打开
    #[arg(long, value_name = "地址")]
    pub bind: Option<IpAddr>,
    /// 另加载文件夹中的每个 *.toml 模板（ID 相同则替换内置模板）
    #[arg(long, value_name = "文件夹")]
    pub templates: Option<PathBuf>,
    /// 存放上传文件和结果的文件夹（默认为一个只有本用户能读的临时文件夹，停止时删除）
    #[arg(long, value_name = "文件夹")]
    pub data: Option<PathBuf>,
}

/// Starts the desk and serves until Ctrl-C or SIGTERM; the exit status.
///
/// # Errors
/// Templates that cannot be read, a data folder that cannot be made or
/// is held by another server, a port that cannot be bound.
pub fn run(args: &ServeArgs) -> anyhow::Result<i32> {
    let mut argv: Vec<std::ffi::OsString> = Vec::new();
    if let Some(dir) = &args.templates {
        argv.extend(["--templates".into(), dir.into()]);
    }
    let cfg = desk::parse::<ReadArgs>(&argv)?.resolve()?;
    let bind = args.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let desk = Arc::new(desk::Desk::open(args.data.as_deref(), cfg)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("yusuan-http")
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("无法启动网络服务（{e}）"))?;
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(bind, args.port))
            .await
            .map_err(|e| bind_error(bind, args.port, &e))?;
        let local = listener
            .local_addr()
            .map_err(|e| anyhow::anyhow!("无法取得监听的地址（{e}）"))?;
        http::serve(listener, local, desk.clone()).await
    });
    // Stopped (or never started): what this run wrote goes.
    desk.close();
    // The readers may be in the middle of a workbook; the process ends
    // without waiting for them.
    runtime.shutdown_background();
    result.map(|()| 0)
}

/// Why the port could not be taken, and what to do.
fn bind_error(bind: IpAddr, port: u16, e: &std::io::Error) -> anyhow::Error {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "端口 {port} 已被占用（可能已经有一个 yusuan serve 在运行）：换一个端口，如 --port {}，或用 --port 0 自动选择",
            port.wrapping_add(1).max(1024)
        ),
        std::io::ErrorKind::PermissionDenied => anyhow::anyhow!(
            "没有权限在端口 {port} 上监听：请用 1024 以上的端口，如 --port {DEFAULT_PORT}"
        ),
        std::io::ErrorKind::AddrNotAvailable => anyhow::anyhow!(
            "本机没有地址 {bind}：--bind 应是本机的一个地址，如 127.0.0.1 或 0.0.0.0"
        ),
        _ => anyhow::anyhow!("无法在 {bind}:{port} 上监听（{e}）"),
    }
}
