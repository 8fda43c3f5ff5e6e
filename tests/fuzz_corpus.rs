//! Every file in `tests/fuzz-corpus/` once stopped a run (a panic, an
//! allocation of gigabytes, a read without end): each is kept, and
//! `examples/fuzz.rs` adds what it finds. Checked together as a folder, on
//! the real binary: each is reported (a finding or a refusal with its
//! reason), the run ends, and its peak memory stays under 500 MB.

use std::path::Path;
use std::process::Command;

#[test]
fn every_file_that_once_stopped_a_run_is_now_reported() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let files = std::fs::read_dir(&corpus).unwrap().count();
    assert!(files >= 7, "the corpus is there");
    let o = Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .args(["check", "--format", "json"])
        .arg(&corpus)
        .env("YUSUAN_REPORT_PEAK_RSS", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("内部出错"),
        "{err}"
    );
    let peak: u64 = err
        .lines()
        .find_map(|l| l.strip_prefix("peak_rss "))
        .and_then(|v| v.trim_end_matches(" kB").trim().parse().ok())
        .unwrap();
    assert!(peak < 500 * 1024, "{peak} kB");
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let reported = report["files"].as_array().unwrap();
    assert_eq!(reported.len(), files);
    for f in reported {
        let said =
            f["status"] != "unreadable" || f["message"].as_str().is_some_and(|m| !m.is_empty());
        assert!(said, "{f}");
    }
}
