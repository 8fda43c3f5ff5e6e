//! The package layer of an `.xlsx` (the Open Packaging Conventions), one
//! way for everything that opens a package — the reader, the merged-region
//! scan, the reviewer's markup — so that what is read is what is marked:
//!
//! - parts are found by name ignoring ASCII case, `\` read as `/` (as
//!   calamine finds them, and as Excel writes names);
//! - a relationships part is parsed once, its values unescaped;
//! - of several officeDocument relationships, the last names the workbook
//!   (calamine's rule);
//! - a target is resolved against its source part's folder (`/…` from the
//!   package root, `..` followed).

use std::collections::HashMap;

/// The package's part names, found ignoring ASCII case.
#[derive(Debug, Default)]
pub struct PartNames(HashMap<String, String>);

impl PartNames {
    /// The names as the package stores them.
    pub fn of<'a>(names: impl IntoIterator<Item = &'a str>) -> PartNames {
        PartNames(names.into_iter().map(|n| (key(n), n.to_string())).collect())
    }

    /// The stored name of part `name` (`xl/worksheets/Sheet1.xml` for
    /// `xl/worksheets/sheet1.xml`), if the package has it.
    pub fn find(&self, name: &str) -> Option<&str> {
        self.0.get(&key(name)).map(String::as_str)
    }
}

fn key(name: &str) -> String {
    name.trim_start_matches('/')
        .replace('\\', "/")
        .to_ascii_lowercase()
}

/// A relationship of a `.rels` part, its values unescaped.
#[derive(Debug, Clone, PartialEq)]
pub struct Relationship {
    pub id: String,
    /// Its `Type` (`…/relationships/worksheet`).
    pub kind: String,
    pub target: String,
    /// `TargetMode="External"`: not a part of the package.
    pub external: bool,
    /// A value held a character reference (`&amp;`): readers that unescape
    /// differently may not agree on it.
    pub escaped: bool,
}

impl Relationship {
    /// Is it of this kind (`worksheet`, `officeDocument`, `styles`)?
    pub fn is(&self, kind: &str) -> bool {
        self.kind.rsplit_once('/').is_some_and(|(_, k)| k == kind)
    }
}

/// The relationships of a `.rels` part, in order; `None` when it is not
/// well-formed XML.
pub fn relationships(xml: &[u8]) -> Option<Vec<Relationship>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        buf.clear();
        let e = match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) => e,
            Event::Eof => return Some(out),
            _ => continue,
        };
        if e.local_name().as_ref() != "Relationship" {
            continue;
        }
        let mut rel = Relationship {
            id: String::new(),
            kind: String::new(),
            target: String::new(),
            external: false,
            escaped: false,
        };
        for a in e.attributes().flatten() {
            let raw: &str = a.value.as_ref();
            rel.escaped |= raw.contains('&');
            let value = quick_xml::escape::unescape(raw).ok()?.into_owned();
            match a.key.local_name().as_ref() {
                "Id" => rel.id = value,
                "Type" => rel.kind = value,
                "Target" => rel.target = value,
                "TargetMode" => rel.external = value == "External",
                _ => {}
            }
        }
        out.push(rel);
    }
}

/// The part the package's relationships name as its workbook: the last
/// officeDocument relationship's target (calamine's rule), resolved.
pub fn workbook_part(root_rels: &[Relationship]) -> Option<String> {
    root_rels
        .iter()
        .rfind(|r| r.is("officeDocument") && !r.external)
        .map(|r| resolve("", &r.target))
}

/// The `.rels` part of a part: `xl/worksheets/sheet1.xml` →
/// `xl/worksheets/_rels/sheet1.xml.rels`.
pub fn rels_part(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// The folder of a part (`xl` of `xl/workbook.xml`).
pub fn folder(part: &str) -> &str {
    part.rsplit_once('/').map_or("", |(d, _)| d)
}

/// A relationship target resolved against the folder of its source part:
/// `/…` from the package root, `.` and `..` followed.
pub fn resolve(dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let mut parts: Vec<&str> = match target.strip_prefix('/') {
        Some(_) => Vec::new(),
        None if dir.is_empty() => Vec::new(),
        None => dir.split('/').collect(),
    };
    parts.extend(target.trim_start_matches('/').split('/'));
    let mut out: Vec<&str> = Vec::new();
    for p in parts {
        match p {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

/// A target written relative to `from_dir` (`../comments1.xml`).
pub fn relative(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out: Vec<&str> = vec![".."; from.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_found_ignoring_case_and_backslashes() {
        let names = PartNames::of([
            "xl/worksheets/Sheet1.XML",
            "xl\\styles.xml",
            "[Content_Types].xml",
        ]);
        assert_eq!(
            names.find("xl/worksheets/sheet1.xml"),
            Some("xl/worksheets/Sheet1.XML")
        );
        assert_eq!(names.find("/xl/styles.xml"), Some("xl\\styles.xml"));
        assert_eq!(names.find("xl/sharedStrings.xml"), None);
    }

    #[test]
    fn the_last_office_document_names_the_workbook() {
        let rels = relationships(
            br#"<Relationships xmlns="r"><Relationship Id="a" Type="http://x/relationships/officeDocument" Target="xl/first.xml"/><Relationship Id="b" Type="http://x/relationships/officeDocument" Target="/xl/./second.xml"/><Relationship Id="c" Type="http://x/relationships/officeDocument" Target="http://elsewhere/x.xml" TargetMode="External"/></Relationships>"#,
        )
        .unwrap();
        assert_eq!(workbook_part(&rels).as_deref(), Some("xl/second.xml"));
        assert!(rels.iter().all(|r| r.is("officeDocument")));
    }

    #[test]
    fn targets_resolve_against_their_folder() {
        assert_eq!(
            resolve("xl", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/worksheets", "../comments1.xml"),
            "xl/comments1.xml"
        );
        assert_eq!(resolve("xl", "/xl/s.xml"), "xl/s.xml");
        assert_eq!(resolve("xl", "worksheets\\s.xml"), "xl/worksheets/s.xml");
        assert_eq!(
            relative("xl/worksheets", "xl/comments1.xml"),
            "../comments1.xml"
        );
        assert_eq!(rels_part("xl/workbook.xml"), "xl/_rels/workbook.xml.rels");
        assert_eq!(folder("xl/workbook.xml"), "xl");
    }

    #[test]
    fn values_are_unescaped_and_marked_so() {
        let rels = relationships(br#"<Relationships><Relationship Id="r1" Type="t/worksheet" Target="a&amp;b.xml"/></Relationships>"#).unwrap();
        assert_eq!(rels[0].target, "a&b.xml");
        assert!(rels[0].escaped);
    }
}
