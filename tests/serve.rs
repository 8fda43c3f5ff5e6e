//! `yusuan serve` from the outside, over plain sockets: the API answers
//! what the command line prints, downloads are the bytes it writes, and
//! the desk holds to its limits — uploads past the input limit refused
//! before they are sent, requests from other sites refused, no path
//! outside its routes, uploads stored by content hash, a clean stop.

#![cfg(unix)]

#[path = "common/serve.rs"]
mod serve;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serve::{samples, wait_read, Desk};

/// A truncated package: what a damaged download looks like.
fn damaged() -> Vec<u8> {
    std::fs::read(samples().join("qiaokou-2024.xlsx")).unwrap()[..3000].to_vec()
}

/// A folder holding the named samples and `损坏.xlsx`, for the command
/// line to be run in on the same names the desk is given.
fn folder(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for n in names {
        if *n == "损坏.xlsx" {
            std::fs::write(dir.path().join(n), damaged()).unwrap();
        } else {
            std::fs::copy(samples().join(n), dir.path().join(n)).unwrap();
        }
    }
    dir
}

fn bytes_of(dir: &Path, names: &[&str]) -> Vec<(String, Vec<u8>)> {
    names
        .iter()
        .map(|n| (n.to_string(), std::fs::read(dir.join(n)).unwrap()))
        .collect()
}

/// `yusuan ARGS…` run in `dir`: exit status and stdout.
fn cli(dir: &Path, args: &[&str]) -> (i32, Vec<u8>) {
    let o = Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (o.status.code().unwrap(), o.stdout)
}

const SETS: [&[&str]; 4] = [
    &["qiaokou-2024.xlsx"],
    &["wenlv-2024.xlsx", "损坏.xlsx", "wenlv-2024-quirks.xls"],
    &["qiaokou-2024.xlsx", "qiaokou-2024.xls", "putuo-2026.xlsx"],
    &["wenlv-2022.xls", "损坏.xlsx"],
];

#[test]
fn twenty_concurrent_checks_each_answer_what_check_prints() {
    let all: Vec<&str> = SETS.iter().flat_map(|s| s.iter().copied()).collect();
    let dir = folder(&all);
    // What the command line prints for each set, run on the same names.
    let want: Vec<(i32, Vec<u8>)> = SETS
        .iter()
        .map(|set| {
            let mut args = vec!["check", "--format", "json"];
            args.extend(set.iter());
            cli(dir.path(), &args)
        })
        .collect();
    let desk = Desk::start(&[]);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..20)
            .map(|i| {
                let (desk, dir, want) = (&desk, dir.path(), &want);
                s.spawn(move || {
                    let set = SETS[i % SETS.len()];
                    let files = bytes_of(dir, set);
                    let files: Vec<(&str, &[u8])> = files
                        .iter()
                        .map(|(n, b)| (n.as_str(), b.as_slice()))
                        .collect();
                    let reply = desk.post_files("/api/check", &files);
                    assert_eq!(reply.status, 200, "{}", reply.text());
                    let (code, out) = &want[i % SETS.len()];
                    assert_eq!(
                        reply.text(),
                        String::from_utf8_lossy(out),
                        "request {i}: {set:?}"
                    );
                    assert_eq!(
                        reply.header("yusuan-exit-status"),
                        Some(code.to_string().as_str())
                    );
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
    // The damaged file failed alone, in Chinese, beside the others.
    let damaged: serde_json::Value = serde_json::from_slice(&want[1].1).unwrap();
    let files = damaged["files"].as_array().unwrap();
    assert_eq!(files[1]["status"], "unreadable");
    assert!(
        files[1]["message"]
            .as_str()
            .unwrap()
            .contains("工作簿已损坏"),
        "{}",
        files[1]
    );
    assert_eq!(files[0]["status"], "ok");
    assert_ne!(files[2]["status"], "unreadable");
}

/// The desk's peak memory grows by less than this for a refused upload:
/// the body is not held.
const UPLOAD_HELD_KB: u64 = 64 << 10;

#[test]
fn an_upload_past_the_limit_is_refused_with_413_before_it_is_read() {
    let desk = Desk::start(&[]);
    let (_, peak_before) = desk.memory_kb();
    let form = "multipart/form-data; boundary=x";
    // A client that waits to be told to send (curl does for large
    // bodies): answered at once, nothing of the body sent.
    let mut s = TcpStream::connect(("127.0.0.1", desk.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "POST /api/check HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Type: {form}\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        desk.port,
        300u64 << 20
    )
    .unwrap();
    let reply = serve::read_reply(&mut s);
    assert_eq!(reply.status, 413, "{}", reply.text());
    let error = reply.json()["error"].as_str().unwrap().to_string();
    assert!(
        error.contains("文件太大") && error.contains("256 MB"),
        "{error}"
    );

    // One that says 10 GB and starts sending: answered without the rest.
    let mut s = TcpStream::connect(("127.0.0.1", desk.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let batch = desk.request("POST", "/api/batches", &[], b"").json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut start = format!(
        "POST /api/batches/{batch}/files HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Type: {form}\r\nContent-Length: {}\r\n\r\n",
        desk.port,
        10u64 << 30
    )
    .into_bytes();
    start.extend_from_slice(&[b'x'; 1024]);
    s.write_all(&start).unwrap();
    // Answered with the first kilobyte of ten gigabytes sent.
    let reply = serve::read_reply(&mut s);
    assert_eq!(reply.status, 413, "{}", reply.text());

    // One that does not say its length: cut off at the limit, never held.
    // Its answer is read while it is sent.
    let mut s = TcpStream::connect(("127.0.0.1", desk.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut answer = s.try_clone().unwrap();
    let reader = std::thread::spawn(move || {
        let mut raw = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = answer.read(&mut buf) {
            if n == 0 {
                break;
            }
            raw.extend_from_slice(&buf[..n]);
        }
        raw
    });
    write!(
        s,
        "POST /api/check HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Type: {form}\r\nTransfer-Encoding: chunked\r\n\r\n",
        desk.port
    )
    .unwrap();
    let head =
        b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.xlsx\"\r\n\r\n";
    write!(s, "{:x}\r\n", head.len()).unwrap();
    s.write_all(head).unwrap();
    s.write_all(b"\r\n").unwrap();
    let chunk = vec![b'P'; 1 << 20];
    let mut sent: u64 = 0;
    let limit = yusuan::workbook::limits::FILE_BYTES;
    while sent < limit + (64 << 20) {
        let ok = write!(s, "{:x}\r\n", chunk.len()).is_ok()
            && s.write_all(&chunk).is_ok()
            && s.write_all(b"\r\n").is_ok();
        if !ok {
            break;
        }
        sent += chunk.len() as u64;
    }
    let _ = s.shutdown(std::net::Shutdown::Write);
    let reply = serve::parse_reply(&reader.join().unwrap());
    assert_eq!(reply.status, 413, "{}", reply.text());
    assert!(
        sent < limit + (32 << 20),
        "the desk read {sent} bytes past the limit"
    );
    let (_, peak_after) = desk.memory_kb();
    assert!(
        peak_after < peak_before + UPLOAD_HELD_KB,
        "peak memory grew from {peak_before} kB to {peak_after} kB"
    );
    // And it still answers.
    assert_eq!(desk.get("/api/health").status, 200);
}

#[test]
fn a_request_from_another_site_is_refused() {
    let desk = Desk::start(&[]);
    let (content_type, body) = serve::multipart(&[("a.xlsx", b"x")]);
    let evil = desk.request(
        "POST",
        "/api/check",
        &[
            ("Origin", "http://evil.example"),
            ("Content-Type", &content_type),
        ],
        &body,
    );
    assert_eq!(evil.status, 403, "{}", evil.text());
    assert!(evil.json()["error"].as_str().unwrap().contains("其他网站"));
    assert_eq!(evil.header("access-control-allow-origin"), None);
    for (name, value) in [
        ("Origin", "http://evil.example"),
        ("Origin", "null"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        for (method, path) in [("GET", "/api/health"), ("POST", "/api/batches")] {
            let r = desk.request(method, path, &[(name, value)], b"");
            assert_eq!(r.status, 403, "{method} {path} {name}: {value}");
        }
    }
    // A page of another site whose name resolves to this machine.
    let host = format!("evil.example:{}", desk.port);
    let rebound = desk.request("GET", "/api/health", &[("Host", &host)], b"");
    assert_eq!(rebound.status, 403);
    // A preflight gets nothing that would let it through.
    let preflight = desk.request(
        "OPTIONS",
        "/api/check",
        &[
            ("Origin", "http://evil.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
        b"",
    );
    assert_eq!(preflight.status, 403);
    assert_eq!(preflight.header("access-control-allow-origin"), None);
    // The desk's own page, and a client that is no page (curl), are served.
    let own = format!("http://127.0.0.1:{}", desk.port);
    let ok = desk.request(
        "POST",
        "/api/batches",
        &[("Origin", &own), ("Sec-Fetch-Site", "same-origin")],
        b"",
    );
    assert_eq!(ok.status, 201, "{}", ok.text());
    assert_eq!(desk.request("POST", "/api/batches", &[], b"").status, 201);
    // Following a link to the page from elsewhere opens it.
    let opened = desk.request(
        "GET",
        "/",
        &[
            ("Sec-Fetch-Site", "cross-site"),
            ("Sec-Fetch-Mode", "navigate"),
        ],
        b"",
    );
    assert_eq!(opened.status, 200);
}

#[test]
fn no_path_outside_the_routes_is_served() {
    let desk = Desk::start(&[]);
    let batch = desk.request("POST", "/api/batches", &[], b"").json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for path in [
        "/../../etc/passwd".to_string(),
        "/..%2f..%2fetc%2fpasswd".to_string(),
        "/%2e%2e/%2e%2e/etc/passwd".to_string(),
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd".to_string(),
        "/app.js/../../../etc/passwd".to_string(),
        "//etc/passwd".to_string(),
        "/etc/passwd".to_string(),
        "/%252e%252e/etc/passwd".to_string(),
        "/api/batches/..%2f..%2f..%2fetc%2fpasswd".to_string(),
        format!("/api/batches/{batch}/files/..%2f..%2fetc%2fpasswd"),
        format!("/api/batches/{batch}/files/1/report/../../../../etc/passwd"),
        format!("/api/batches/{batch}/review/..%2f..%2f..%2fetc%2fpasswd"),
        format!("/api/batches/{batch}/review/../../uploads"),
    ] {
        let r = desk.get(&path);
        assert_eq!(r.status, 404, "{path}: {}", r.text());
        assert!(!r.text().contains("root:"), "{path}");
        assert!(r.json()["error"].is_string(), "{path}");
    }
}

#[test]
fn every_answer_carries_the_security_headers_and_the_page_no_inline_script() {
    let desk = Desk::start(&[]);
    for path in ["/", "/app.js", "/app.css", "/api/health", "/nothing"] {
        let r = desk.get(path);
        let csp = r.header("content-security-policy").unwrap_or_default();
        for want in [
            "default-src 'none'",
            "script-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(want), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("access-control-allow-origin"), None, "{path}");
    }
    let page = desk.get("/").text();
    assert!(page.contains("预算核对台"));
    // Scripts come from the desk's own files: no inline script, no handler
    // in the markup, nothing from outside.
    for tag in page.split("<script").skip(1) {
        let open = &tag[..tag.find('>').unwrap()];
        assert!(open.contains("src=\"/"), "inline script: <script{open}>");
        assert!(tag[tag.find('>').unwrap() + 1..].starts_with("</script>"));
    }
    for attr in [" onclick=", " onload=", " onchange=", "http://", "https://"] {
        assert!(!page.contains(attr), "the page has {attr}");
    }
    let js = desk.get("/app.js");
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(!js.text().contains("innerHTML") && !js.text().contains("eval("));
}

/// What the desk left in its data folder: every file, by its path in it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn uploads_are_stored_by_content_hash_and_the_desk_stops_cleanly() {
    let data = tempfile::tempdir().unwrap();
    let desk = Desk::start(&["--data".as_ref(), data.path().as_os_str()]);
    let batch = desk.request("POST", "/api/batches", &[], b"").json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let bytes = std::fs::read(samples().join("wenlv-2024.xlsx")).unwrap();
    let r = desk.post_files(
        &format!("/api/batches/{batch}/files"),
        &[("../../../tmp/evil.xlsx", &bytes), ("..", &bytes)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let view = wait_read(&desk, &batch);
    let names: Vec<&str> = view["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tmp/evil.xlsx", "工作簿"]);
    use sha2::Digest;
    let hash: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let uploads: Vec<PathBuf> = files_under(&data.path().join("uploads"));
    assert_eq!(
        uploads,
        [data.path().join("uploads").join(&hash)],
        "one file, by content"
    );
    // No file anywhere named by what the client sent.
    for f in files_under(data.path()) {
        assert!(!f.to_string_lossy().contains("evil"), "{}", f.display());
    }
    assert!(!Path::new("/tmp/evil.xlsx").exists());
    let (status, stderr) = desk.stop();
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stderr.contains("核对台已停止"), "{stderr}");
    // The batches' files are gone; the uploads stay in --data.
    assert!(!data.path().join("batches").exists());
    assert_eq!(files_under(&data.path().join("uploads")).len(), 1);
}

#[test]
fn a_private_data_folder_goes_with_the_desk() {
    let desk = Desk::start(&[]);
    let r = desk.post_files(
        "/api/check",
        &[(
            "a.xlsx",
            &std::fs::read(samples().join("wenlv-2024.xlsx")).unwrap(),
        )],
    );
    assert_eq!(r.status, 200);
    // The desk says where it keeps the uploads.
    let stderr = desk.stderr();
    let line = stderr
        .lines()
        .find(|l| l.starts_with("上传的文件存放在 "))
        .unwrap_or_else(|| panic!("{stderr}"));
    let folder = PathBuf::from(
        line.trim_start_matches("上传的文件存放在 ")
            .split('（')
            .next()
            .unwrap(),
    );
    assert!(
        folder.starts_with(std::env::temp_dir()),
        "{}",
        folder.display()
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&folder).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "only its user reads it");
    assert_eq!(files_under(&folder.join("uploads")).len(), 1);
    let (status, _) = desk.stop();
    assert_eq!(status, Some(0));
    assert!(!folder.exists(), "{} is left", folder.display());
}

/// Uploads `names` from `dir` into a new batch and waits for them; the
/// batch ID and its files' numbers by name.
fn batch_of(desk: &Desk, dir: &Path, names: &[&str]) -> (String, BTreeMap<String, u64>) {
    let batch = desk.request("POST", "/api/batches", &[], b"").json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (name, bytes) in bytes_of(dir, names) {
        let r = desk.post_files(&format!("/api/batches/{batch}/files"), &[(&name, &bytes)]);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let view = wait_read(desk, &batch);
    let numbers = view["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["n"].as_u64().unwrap(),
            )
        })
        .collect();
    (batch, numbers)
}

/// The files of a zip: name → bytes.
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect()
}

/// The same bytes; for a workbook the command line makes anew, the same
/// parts but for the time it says it was made (`docProps/core.xml`).
fn same_file(name: &str, got: &[u8], want: &[u8]) {
    if got == want {
        return;
    }
    assert!(
        name.ends_with(".xlsx"),
        "{name} differs from the command line's"
    );
    let (got, want) = (unzip(got), unzip(want));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{name}"
    );
    let untimed = |b: &[u8]| -> String {
        let text = String::from_utf8_lossy(b).into_owned();
        text.split("Z</dcterms:")
            .map(|piece| match piece.rfind("W3CDTF\">") {
                Some(i) => piece[..i].to_string(),
                None => piece.to_string(),
            })
            .collect()
    };
    for (part, bytes) in &want {
        if part == "docProps/core.xml" {
            assert_eq!(untimed(&got[part]), untimed(bytes), "{name}: {part}");
        } else {
            assert!(
                got[part] == *bytes,
                "{name}: {part} differs from the command line's"
            );
        }
    }
}

/// Every file under `dir` but hidden ones: path in it → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .filter(|p| {
            !p.strip_prefix(dir)
                .unwrap()
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        })
        .map(|p| {
            let name = p
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

#[test]
fn downloads_are_the_bytes_the_command_line_writes() {
    let names = [
        "qiaokou-2024.xlsx",
        "qiaokou-2024.xls",
        "wenlv-2024.xlsx",
        "损坏.xlsx",
    ];
    let dir = folder(&names);
    let desk = Desk::start(&[]);
    let (batch, n) = batch_of(&desk, dir.path(), &names);
    let base = format!("/api/batches/{batch}");
    let out = tempfile::tempdir().unwrap();
    let o = |name: &str| out.path().join(name);

    // The reviewer's workbook of one file, as `check --report` writes it.
    cli(
        dir.path(),
        &[
            "check",
            "qiaokou-2024.xlsx",
            "--report",
            o("r.xlsx").to_str().unwrap(),
        ],
    );
    let report = desk.get(&format!("{base}/files/{}/report", n["qiaokou-2024.xlsx"]));
    assert_eq!(report.status, 200, "{}", report.text());
    assert!(report
        .header("content-disposition")
        .unwrap()
        .contains("filename*=UTF-8''qiaokou-2024-%E6%A0%B8%E5%AF%B9.xlsx"));
    assert!(report.body == std::fs::read(o("r.xlsx")).unwrap(), "report");
    // The damaged file has none, and says so.
    let none = desk.get(&format!("{base}/files/{}/report", n["损坏.xlsx"]));
    assert_eq!(none.status, 404);
    assert!(none.json()["error"].as_str().unwrap().contains("无法读取"));

    // The normalized workbook, as `convert --to xlsx` writes it.
    cli(
        dir.path(),
        &[
            "convert",
            "wenlv-2024.xlsx",
            "-o",
            o("norm").to_str().unwrap(),
            "--to",
            "xlsx",
        ],
    );
    let norm = desk.get(&format!("{base}/files/{}/normalized", n["wenlv-2024.xlsx"]));
    assert_eq!(norm.status, 200, "{}", norm.text());
    assert!(
        norm.body == std::fs::read(o("norm").join("wenlv-2024.xlsx")).unwrap(),
        "normalized"
    );

    // The batch reviewed, as `check --report-dir` writes it.
    let review = o("review");
    let mut args = vec!["check", "--report-dir", review.to_str().unwrap()];
    args.extend(names);
    let (_, text) = cli(dir.path(), &args);
    let want = tree(&o("review"));
    assert!(want.contains_key("核对汇总.xlsx") && want.contains_key("findings.csv"));
    let all = desk.get(&format!("{base}/review/all"));
    assert_eq!(all.status, 200, "{}", all.text());
    let got = unzip(&all.body);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &want {
        same_file(name, &got[name], bytes);
    }
    let csv = desk.get(&format!("{base}/review/findings.csv"));
    assert!(csv.body == want["findings.csv"]);
    let summary = desk.get(&format!("{base}/review/summary"));
    same_file("核对汇总.xlsx", &summary.body, &want["核对汇总.xlsx"]);
    // The batch's own finding, as check says it.
    let view = desk.get(&base).json();
    let dup = &view["batch"][0];
    assert_eq!(dup["rule"], "S.duplicate_input");
    assert!(
        String::from_utf8_lossy(&text).contains(dup["message"].as_str().unwrap()),
        "{dup}"
    );

    // The warehouse files, as `convert --to csv,parquet` writes them. An
    // input's identity is its path, which the command line hashes from
    // the whole path on its disk: that column and the Parquet parts named
    // by it are compared without it.
    let wh = o("wh");
    let mut args = vec!["convert", "-o", wh.to_str().unwrap(), "--to", "csv,parquet"];
    args.extend(names);
    cli(dir.path(), &args);
    let want = tree(&wh);
    let zipped = desk.get(&format!("{base}/warehouse"));
    assert_eq!(zipped.status, 200, "{}", zipped.text());
    let got = unzip(&zipped.body);
    let by_content = |files: &BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .map(|(name, bytes)| {
                let name = match name.find("/part-") {
                    // part-<input_id>-<source_hash>.parquet
                    Some(i) => {
                        let tail = &name[i + 6..];
                        format!("{}/part-*{}", &name[..i], &tail[tail.find('-').unwrap()..])
                    }
                    None => name.clone(),
                };
                (name, bytes.clone())
            })
            .collect()
    };
    let (want_by, got_by) = (by_content(&want), by_content(&got));
    assert_eq!(
        want_by.keys().collect::<Vec<_>>(),
        got_by.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &want_by {
        if name == "manifest.csv" {
            let strip = |b: &[u8]| -> Vec<Vec<String>> {
                let mut r = csv::Reader::from_reader(b);
                let headers = r.headers().unwrap().clone();
                let skip: Vec<usize> = headers
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| *h == "input_id" || *h == "outputs")
                    .map(|(i, _)| i)
                    .collect();
                r.records()
                    .map(|rec| {
                        rec.unwrap()
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| !skip.contains(i))
                            .map(|(_, v)| v.to_string())
                            .collect()
                    })
                    .collect()
            };
            assert_eq!(strip(&got_by[name]), strip(bytes), "manifest.csv");
        } else if !name.ends_with(".parquet") {
            assert!(
                got_by[name] == *bytes,
                "{name} differs from the command line's"
            );
        } else {
            assert_eq!(got_by[name].len(), bytes.len(), "{name}");
        }
    }
}

#[test]
fn a_findings_cells_are_shown_as_the_sheet_has_them() {
    let dir = folder(&["qiaokou-2024.xlsx"]);
    let desk = Desk::start(&[]);
    let (batch, n) = batch_of(&desk, dir.path(), &["qiaokou-2024.xlsx"]);
    let file = format!("/api/batches/{batch}/files/{}", n["qiaokou-2024.xlsx"]);
    let report = desk.get(&file).json();
    let k = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .position(|f| f["rule"] == "T11.funds")
        .unwrap();
    let shown = desk.get(&format!("{file}/findings/{k}")).json();
    let w = &shown["sheets"][0];
    assert_eq!(w["sheet"], "表11");
    let top = w["top"].as_u64().unwrap();
    let left = w["left"].as_u64().unwrap();
    let cell = |r: u64, c: u64| w["rows"][(r - top) as usize][(c - left) as usize].clone();
    // 表11!E10, E8, E9: the total and its two parts, as the sheet has them.
    let mut marks: Vec<(u64, u64)> = w["marks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m[0].as_u64().unwrap(), m[1].as_u64().unwrap()))
        .collect();
    marks.sort();
    assert_eq!(marks, [(7, 4), (8, 4), (9, 4)]);
    assert_eq!(cell(9, 4), "213.64");
    assert_eq!(cell(7, 4), "164.86");
    // The title's merge is there, as in the workbook.
    assert!(w["merges"].as_array().unwrap().iter().any(|m| m[0] == 0));
    assert_eq!(desk.get(&format!("{file}/findings/999")).status, 404);
}

#[test]
fn an_upload_of_a_name_already_in_the_batch_replaces_it() {
    let dir = folder(&["wenlv-2024.xlsx", "qiaokou-2024.xlsx"]);
    let desk = Desk::start(&[]);
    let (batch, _) = batch_of(&desk, dir.path(), &["wenlv-2024.xlsx"]);
    // A corrected copy under the same name: one file, the new one.
    let bytes = std::fs::read(dir.path().join("qiaokou-2024.xlsx")).unwrap();
    let r = desk.post_files(
        &format!("/api/batches/{batch}/files"),
        &[("wenlv-2024.xlsx", &bytes)],
    );
    assert_eq!(r.status, 200);
    let view = wait_read(&desk, &batch);
    let files = view["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{view}");
    assert_eq!(files[0]["errors"], 1);
    let start = Instant::now();
    let r = desk.request(
        "DELETE",
        &format!("/api/batches/{batch}/files/{}", files[0]["n"]),
        &[],
        b"",
    );
    assert_eq!(r.status, 204);
    assert!(desk.get(&format!("/api/batches/{batch}")).json()["files"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(start.elapsed() < Duration::from_secs(60));
    // An unknown batch says what to do.
    let gone = desk.get("/api/batches/0123456789abcdef0123456789abcdef");
    assert_eq!(gone.status, 404);
    assert!(gone.json()["error"].as_str().unwrap().contains("刷新网页"));
}
