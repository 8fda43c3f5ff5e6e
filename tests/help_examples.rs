//! Every example the help shows is true: `yusuan --help` and each
//! `yusuan help <command>` are read, and every example line is run as a
//! user runs it from the repository's folder — by `sh`, against a copy of
//! `samples/` and `templates/` — in the order shown (a rerun follows its
//! first run). Each must exit as its comment says: `退出码 N`, or 0 when
//! the comment names no exit status.

#![cfg(unix)]

use std::path::Path;
use std::process::Command;

const COMMANDS: [&str; 5] = ["inspect", "import", "check", "convert", "templates"];

fn yusuan(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .args(args)
        .output()
        .expect("run yusuan");
    assert_eq!(o.status.code(), Some(0), "yusuan {args:?}");
    String::from_utf8(o.stdout).expect("help is UTF-8")
}

/// One example: the command line as shown, and the exit status it claims.
#[derive(Debug)]
struct Example {
    line: String,
    status: i32,
}

/// The examples of a help text: the lines after `示例：` up to the first
/// blank line, each `  yusuan …` with an optional `# comment`.
fn examples(help: &str) -> Vec<Example> {
    let mut lines = help
        .lines()
        .skip_while(|l| !l.starts_with("示例："))
        .skip(1);
    let mut out = Vec::new();
    for line in lines.by_ref() {
        if line.trim().is_empty() {
            break;
        }
        assert!(
            line.starts_with("  yusuan "),
            "an example line that is not a command: {line:?}"
        );
        let (command, comment) = match line.find(" #") {
            Some(i) => (&line[..i], &line[i + 2..]),
            None => (line, ""),
        };
        let status = comment
            .split("退出码")
            .nth(1)
            .and_then(|rest| rest.trim_start().chars().next())
            .map_or(0, |c| {
                c.to_digit(10)
                    .unwrap_or_else(|| panic!("an exit status that is no digit: {line:?}"))
                    as i32
            });
        out.push(Example {
            line: command.trim().to_string(),
            status,
        });
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The help of every command, with `help <command>` and `<command> --help`
/// the same text.
fn every_help() -> Vec<(String, String)> {
    let mut helps = vec![("yusuan --help".to_string(), yusuan(&["--help"]))];
    for c in COMMANDS {
        let help = yusuan(&["help", c]);
        assert_eq!(
            help,
            yusuan(&[c, "--help"]),
            "help {c} and {c} --help differ"
        );
        helps.push((format!("yusuan help {c}"), help));
    }
    helps
}

#[test]
fn every_help_example_runs_against_the_samples_and_exits_as_it_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root.join("samples"), &dir.path().join("samples"));
    copy_dir(&root.join("templates"), &dir.path().join("templates"));
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_yusuan")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();

    let mut ran = 0;
    for (which, help) in every_help() {
        let list = examples(&help);
        assert!(
            list.len() >= 2,
            "{which} shows {} examples:\n{help}",
            list.len()
        );
        for ex in list {
            let o = Command::new("sh")
                .arg("-c")
                .arg(&ex.line)
                .current_dir(dir.path())
                .env("PATH", &path)
                .output()
                .expect("run sh");
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(
                o.status.code(),
                Some(ex.status),
                "{which}: `{}` should exit {}:\n{stderr}",
                ex.line,
                ex.status
            );
            assert!(!stderr.contains("panicked"), "{}: {stderr}", ex.line);
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} examples");
}

/// The reader of examples itself: a comment's exit status is read, a
/// command without one claims 0, and the block ends at a blank line.
#[test]
fn examples_are_read_with_the_exit_status_they_claim() {
    let help = "用法：yusuan check\n\n示例：（样例）\n  yusuan check a.xlsx\n  yusuan check b.xlsx   # 退出码 1：有错误\n  yusuan check c/ --no-info   # 略去提示\n\n退出码：0 成功\n  yusuan not-an-example\n";
    let got: Vec<(String, i32)> = examples(help)
        .into_iter()
        .map(|e| (e.line, e.status))
        .collect();
    assert_eq!(
        got,
        [
            ("yusuan check a.xlsx".to_string(), 0),
            ("yusuan check b.xlsx".to_string(), 1),
            ("yusuan check c/ --no-info".to_string(), 0),
        ]
    );
}
