//! Damaged input gives a typed error or a model, never a panic: the sample
//! workbooks with bytes flipped, cut short or zeroed, read and checked
//! in-process. A panic inside a reader is caught there and reported as a
//! damaged file; one in our own code would be a bug hidden as a message,
//! so the messages are read too.

use std::path::Path;

use yusuan::import::{import_file, ImportOptions};
use yusuan::template::Templates;

/// A small deterministic generator (no test-only dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn damaged_copies(name: &str, count: usize, seed: u64) -> (usize, usize) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    let original = std::fs::read(&src).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let templates = Templates::builtin();
    let mut rng = Lcg(seed);
    let (mut ok, mut errors) = (0, 0);
    for i in 0..count {
        let mut bytes = original.clone();
        match i % 3 {
            0 => {
                for _ in 0..1 + rng.below(8) {
                    let at = rng.below(bytes.len());
                    bytes[at] ^= 1 << rng.below(8);
                }
            }
            1 => bytes.truncate(rng.below(bytes.len())),
            _ => {
                let at = rng.below(bytes.len());
                let len = rng.below(256).min(bytes.len() - at);
                bytes[at..at + len].fill(0);
            }
        }
        let path = dir.path().join(format!("{i}-{name}"));
        std::fs::write(&path, &bytes).unwrap();
        let result = std::panic::catch_unwind(|| {
            import_file(&path, &templates, &ImportOptions::default())
                .map(|b| yusuan::reconcile::check(&b).len())
        });
        match result {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(e)) => {
                let msg = e.to_string();
                assert!(
                    msg.contains(&format!("{i}-{name}")) || msg.contains("模板"),
                    "error names the file: {msg}"
                );
                // A reader's guard reports a panic with where it happened:
                // in a library it is the library's damage report, in our
                // own code (`src/…`) a bug.
                assert!(
                    !msg.contains("，src/"),
                    "our own code panicked on damaged copy {i} of {name}: {msg}"
                );
                errors += 1;
            }
            Err(_) => panic!("import or check panicked on damaged copy {i} of {name}"),
        }
    }
    (ok, errors)
}

#[test]
fn damaged_xlsx_never_panics() {
    let (ok, errors) = damaged_copies("qiaokou-2024.xlsx", 45, 7);
    // Both outcomes are met: the damage is not all fatal, nor all harmless.
    assert!(errors > 0 && ok > 0, "{ok} read, {errors} refused");
}

#[test]
fn damaged_xls_never_panics() {
    let (ok, errors) = damaged_copies("wenlv-2024-quirks.xls", 45, 11);
    assert!(errors > 0 && ok > 0, "{ok} read, {errors} refused");
}
