//! The real binary, run as a user runs it (included with `#[path]`).

use std::ffi::OsStr;
use std::process::{Command, Output};

/// `yusuan ARGS…`, run to its end; it must exit 0 (the message shows its
/// stderr when it does not).
pub fn yusuan_ok<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let o = Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}
