//! The desk under a season's load: 500 distinct workbooks uploaded one
//! after another to `yusuan serve`, each waited for until it is read, as a
//! reviewer's page sends them; then 500 `POST /api/check` in a row. Prints
//! requests per second and the server's memory after the first 20 uploads,
//! after all of them, and at its peak (`/proc`, VmRSS and VmHWM).
//!
//!     cargo build --release && cargo run --release --example bench_serve -- 500
//!
//! The release binary as a user runs it, on every core, with the
//! multi-unit sample laid out by as many seeds of the layout variator (no
//! two files alike). Not a test: the figures go in docs/serve.md.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use yusuan::import::{import_workbook, ImportOptions};
use yusuan::samples::variants::{vary, write_xlsx};
use yusuan::template::Templates;
use yusuan::workbook::Workbook;

/// One request on its own connection; the status and body.
fn request(port: u16, method: &str, path: &str, file: Option<(&str, &[u8])>) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let boundary = "bench-boundary-5c1e";
    let mut body = Vec::new();
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    }
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).expect("send");
    s.write_all(&body).expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("answer");
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers");
    let status = String::from_utf8_lossy(&raw[9..12])
        .parse()
        .expect("status");
    (status, raw[end + 4..].to_vec())
}

/// The server's resident memory now and at its peak, in MB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb = |name: &str| -> f64 {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (kb("VmRSS:") / 1024.0, kb("VmHWM:") / 1024.0)
}

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(500);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = root.join("target/release/yusuan");
    anyhow::ensure!(
        bin.exists(),
        "build the release binary first: cargo build --release"
    );
    let wb = Workbook::open(root.join("samples/wenlv-2024.xlsx"))?;
    let base = import_workbook(&wb, &Templates::builtin(), &ImportOptions::default())?;
    let dir = tempfile::tempdir()?;
    let mut files = Vec::with_capacity(n);
    for seed in 0..n as u64 {
        let path = dir.path().join(format!("{seed:05}.xlsx"));
        write_xlsx(&vary(&wb, &base, seed).workbook, &path)?;
        files.push((format!("{seed:05}.xlsx"), std::fs::read(&path)?));
    }
    let mut child = Command::new(&bin)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let pid = child.id();
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line)?;
    let port: u16 = line
        .trim()
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()?;
    println!(
        "{n} distinct workbooks ({:.0} KB each); {} threads; {}",
        files.iter().map(|f| f.1.len()).sum::<usize>() as f64 / n as f64 / 1024.0,
        std::thread::available_parallelism().map_or(1, |p| p.get()),
        line.trim()
    );
    let (rss, _) = memory(pid);
    println!("server at start: {rss:.1} MB resident");

    // The page's way: into one batch, each waited for until it is read.
    let (_, body) = request(port, "POST", "/api/batches", None);
    let batch: serde_json::Value = serde_json::from_slice(&body)?;
    let batch = batch["id"].as_str().unwrap_or_default().to_string();
    let start = Instant::now();
    let mut after_20 = 0.0;
    for (i, (name, bytes)) in files.iter().enumerate() {
        let (status, _) = request(
            port,
            "POST",
            &format!("/api/batches/{batch}/files"),
            Some((name, bytes)),
        );
        anyhow::ensure!(status == 200, "upload {i}: {status}");
        loop {
            let (_, body) = request(port, "GET", &format!("/api/batches/{batch}"), None);
            let view: serde_json::Value = serde_json::from_slice(&body)?;
            let read = view["files"]
                .as_array()
                .is_some_and(|f| f.iter().all(|f| f["stage"] == "done"));
            if read {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if i + 1 == 20 {
            after_20 = memory(pid).0;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let (rss, peak) = memory(pid);
    println!(
        "page uploads, one batch: {n} in {secs:.1} s = {:.1} uploads/s (each read before the next); \
         resident {after_20:.1} MB after 20, {rss:.1} MB after {n} ({:.2}×); peak {peak:.1} MB",
        n as f64 / secs,
        rss / after_20
    );

    // The API's way: each request answered with its report.
    let start = Instant::now();
    let mut after_20 = 0.0;
    for (i, (name, bytes)) in files.iter().enumerate() {
        let (status, _) = request(port, "POST", "/api/check", Some((name, bytes)));
        anyhow::ensure!(status == 200, "check {i}: {status}");
        if i + 1 == 20 {
            after_20 = memory(pid).0;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let (rss, peak) = memory(pid);
    println!(
        "POST /api/check: {n} in {secs:.1} s = {:.1} requests/s; \
         resident {after_20:.1} MB after 20, {rss:.1} MB after {n} ({:.2}×); peak {peak:.1} MB",
        n as f64 / secs,
        rss / after_20
    );
    // SAFETY: kill(2) with the PID of our own child; reads no memory.
    unsafe {
        libc::kill(pid as i32, libc::SIGTERM);
    }
    child.wait()?;
    Ok(())
}
