//! The committed sample workbooks are exactly what the fixtures and the
//! generator produce, so the reference test reads what `samples/data` says.
//! After editing a fixture or the layout: `cargo run --example make_samples`.

use std::path::Path;

use yusuan::samples::{bundled, write_workbook};
use yusuan::template::Templates;

#[test]
fn committed_samples_match_their_fixtures() {
    let templates = Templates::builtin();
    let dir = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let set = bundled();
    assert_eq!(set.len(), 5);
    for (file, fx, layout, template) in set {
        let fresh = dir.path().join(&file);
        write_workbook(&fx, templates.get(template).unwrap(), &layout, &fresh).unwrap();
        let committed = std::fs::read(samples.join(&file)).unwrap();
        assert!(
            std::fs::read(&fresh).unwrap() == committed,
            "samples/{file} is stale: run `cargo run --example make_samples`"
        );
    }
    let fresh = dir.path().join("putuo-2026.xlsx");
    yusuan::samples::variants::write_xlsx(&yusuan::samples::putuo::workbook(), &fresh).unwrap();
    assert!(
        std::fs::read(&fresh).unwrap() == std::fs::read(samples.join("putuo-2026.xlsx")).unwrap(),
        "samples/putuo-2026.xlsx is stale: run `cargo run --example make_samples`"
    );
}
