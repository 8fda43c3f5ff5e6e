//! The front door stays what a newcomer needs: the README short, with a
//! picture on its first screen; every link in it and in `docs/` leading to
//! a file (and heading) that exists, and every page reachable from it; the
//! code map in `docs/contributing.md` naming every source, test and example
//! file; and the tables of `docs/rules.md` and `docs/limits.md` generated
//! from the code they describe (`YUSUAN_WRITE_DOCS=1` rewrites them).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use yusuan::reconcile::{IMPORTER_NOTES, RULES};
use yusuan::workbook::limits;

/// The README's budget: read in five minutes.
const README_CHARS: usize = 12_000;
/// A picture on the first screen.
const PICTURE_BY_LINE: usize = 40;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The README and every page of `docs/`.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// The targets of a page's Markdown links and images, `[text](target)`.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        if let Some(end) = rest.find(')') {
            out.push(rest[..end].to_string());
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, spaces to `-`, punctuation
/// dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| anchor(l.trim_start_matches('#')))
        .collect()
}

#[test]
fn readme_is_short_and_shows_a_picture_on_its_first_screen() {
    let readme = read(&root().join("README.md"));
    let chars = readme.chars().count();
    assert!(
        chars <= README_CHARS,
        "README.md is {chars} characters, over {README_CHARS}: move detail into docs/"
    );
    let picture = readme
        .lines()
        .take(PICTURE_BY_LINE)
        .find_map(|l| l.split("![").nth(1).and_then(|l| l.split("](").nth(1)))
        .unwrap_or_else(|| panic!("no picture in the README's first {PICTURE_BY_LINE} lines"));
    let target = picture.split(')').next().unwrap();
    assert!(
        root().join(target).is_file(),
        "the README's picture {target} does not exist"
    );
}

#[test]
fn every_link_leads_to_a_page_and_heading_that_exist() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = read(&page);
        let dir = page.parent().unwrap();
        for link in links(&text) {
            if link.starts_with("http://") || link.starts_with("https://") {
                continue;
            }
            let (file, heading) = link.split_once('#').unwrap_or((&link, ""));
            let target = if file.is_empty() {
                page.clone()
            } else {
                dir.join(file)
            };
            if !target.exists() {
                broken.push(format!("{}: {link} (no such file)", page.display()));
            } else if !heading.is_empty() && !anchors(&read(&target)).contains(heading) {
                broken.push(format!("{}: {link} (no such heading)", page.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_docs_page_is_linked_from_the_readme() {
    let readme = read(&root().join("README.md"));
    let linked: BTreeSet<String> = links(&readme)
        .into_iter()
        .map(|l| l.split('#').next().unwrap().to_string())
        .collect();
    for page in pages().into_iter().skip(1) {
        let name = format!("docs/{}", page.file_name().unwrap().to_string_lossy());
        assert!(linked.contains(&name), "README.md does not link {name}");
    }
}

/// Every file under `dir`, as a path from the repository's root.
fn files_under(dir: &str, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(root().join(dir)).unwrap() {
        let entry = entry.unwrap();
        let path = format!("{dir}/{}", entry.file_name().to_string_lossy());
        if entry.file_type().unwrap().is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn the_code_map_names_every_file_and_only_files_that_exist() {
    let guide = read(&root().join("docs/contributing.md"));
    let named: BTreeSet<&str> = guide
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            ["src/", "tests/", "examples/"]
                .iter()
                .any(|d| s.starts_with(d))
                && !s.contains('*')
                && s.rsplit('/').next().is_some_and(|f| f.contains('.'))
        })
        .collect();
    let mut files = Vec::new();
    for dir in ["src", "tests", "examples"] {
        files_under(dir, &mut files);
    }
    // A folder of data named as such (`tests/fuzz-corpus/`) covers its files.
    let folders: Vec<&str> = guide
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with("tests/") && s.ends_with('/'))
        .collect();
    let missing: Vec<&String> = files
        .iter()
        .filter(|f| !named.contains(f.as_str()) && !folders.iter().any(|d| f.starts_with(d)))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/contributing.md's code map does not name: {missing:?}"
    );
    let gone: Vec<&&str> = named.iter().filter(|f| !root().join(f).exists()).collect();
    assert!(
        gone.is_empty(),
        "docs/contributing.md names files that do not exist: {gone:?}"
    );
}

/// `12345` as `12,345`.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn mb(bytes: u64) -> String {
    assert_eq!(bytes % (1 << 20), 0, "a limit of whole MB");
    format!("{} MB", bytes >> 20)
}

/// The table of `docs/limits.md`, from the constants themselves.
fn limits_table() -> String {
    let rows = [
        (
            "FILE_BYTES",
            mb(limits::FILE_BYTES),
            "an input file larger than this, or one that reads past it without end (a device such as `/dev/zero`)",
        ),
        (
            "PART_BYTES",
            mb(limits::PART_BYTES),
            "an `.xlsx` part that would inflate past this, judged from the zip directory before anything is inflated (a zip bomb)",
        ),
        (
            "PACKAGE_BYTES",
            mb(limits::PACKAGE_BYTES),
            "an `.xlsx` package whose parts together would inflate past this",
        ),
        (
            "ROWS",
            thousands(limits::ROWS.into()),
            "a value beyond this row (a stray cell at XFD1048576)",
        ),
        (
            "COLUMNS",
            thousands(limits::COLUMNS.into()),
            "a value beyond this column",
        ),
        (
            "GRID_CELLS",
            thousands(limits::GRID_CELLS),
            "a sheet whose cells spread over more grid cells than this (one value in every row at column ALL), or whose merged regions cover more (a merge over the whole sheet, repeated); for `.xls`, a sheet whose cells' bounding box or DIMENSIONS record is past it, each sheet read from where the workbook's sheet list says it starts, as calamine reads it",
        ),
        (
            "BOOK_CELLS",
            thousands(limits::BOOK_CELLS),
            "a workbook whose sheets together spread over more (forty sheets, each just under `GRID_CELLS`): every sheet is held at once",
        ),
        (
            "CELL_CHARS",
            thousands(limits::CELL_CHARS as u64),
            "a cell of more characters than this (Excel's own limit)",
        ),
        (
            "TEXT_BYTES",
            mb(limits::TEXT_BYTES),
            "a workbook whose cells' text together decodes past this, counted before a shared string is copied into each cell that names it (one long string named by 100,000 cells)",
        ),
        (
            "SHARED_STRINGS",
            thousands(limits::SHARED_STRINGS),
            "a shared-string table of more entries, or one that says it holds more (`uniqueCount`, which calamine reserves)",
        ),
        (
            "SHARED_FORMULAS",
            thousands(limits::SHARED_FORMULAS),
            "a shared formula group numbered past this (`si`, by which calamine sizes a table)",
        ),
    ];
    let mut t = String::from("| limit | value | what it refuses |\n| --- | --- | --- |\n");
    for (name, value, what) in rows {
        t.push_str(&format!("| `{name}` | {value} | {what} |\n"));
    }
    t
}

fn rule_table<'a>(head: &str, rules: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut t = format!("| {head} |\n| --- | --- |\n");
    for (id, what) in rules {
        t.push_str(&format!("| `{id}` | {what} |\n"));
    }
    t
}

/// Checks (or, with `YUSUAN_WRITE_DOCS`, rewrites) the part of `page`
/// between `<!-- BEGIN name … -->` and `<!-- END name -->`.
fn generated(page: &str, name: &str, body: &str) {
    let path = root().join(page);
    let text = read(&path);
    let begin = format!("<!-- BEGIN {name}");
    let end = format!("<!-- END {name} -->");
    let start = text
        .find(&begin)
        .map(|i| i + text[i..].find('\n').unwrap() + 1)
        .unwrap_or_else(|| panic!("{page} has no {begin} line"));
    let stop = text
        .find(&end)
        .unwrap_or_else(|| panic!("{page} has no {end} line"));
    if &text[start..stop] == body {
        return;
    }
    if std::env::var_os("YUSUAN_WRITE_DOCS").is_some() {
        std::fs::write(&path, format!("{}{body}{}", &text[..start], &text[stop..])).unwrap();
        return;
    }
    panic!(
        "{page}'s {name} table is not what the code says; run with YUSUAN_WRITE_DOCS=1 to refresh it:\n{body}"
    );
}

#[test]
fn the_rules_page_lists_every_rule_and_note_the_code_has() {
    generated(
        "docs/rules.md",
        "rules",
        &rule_table(
            "rule | what it compares",
            RULES.iter().map(|r| (r.id, r.what)),
        ),
    );
    generated(
        "docs/rules.md",
        "notes",
        &rule_table(
            "note | what it says",
            IMPORTER_NOTES.iter().map(|r| (r.id, r.what)),
        ),
    );
}

#[test]
fn the_limits_page_gives_the_limits_the_code_has() {
    generated("docs/limits.md", "limits", &limits_table());
}
