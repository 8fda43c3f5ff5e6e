//! What calamine sizes from an `.xlsx` package's own words, bounded before
//! calamine opens it. Our reader ([`super::package`]) reads the common
//! package and hands anything else to calamine; a crafted file can make
//! that happen at will, so what calamine would allocate from it must be
//! checked first:
//!
//! - the shared strings part's `uniqueCount`, which calamine reserves
//!   (`read_shared_strings`): `uniqueCount="4000000000"` is 96 GB;
//! - a shared formula's group number `si`, which sizes the table of the
//!   sheet's shared formulas (`cells_reader.rs`, `formulas.resize(si + 1)`):
//!   `si="4000000000"` in a 30 KB file made calamine allocate 160 GB.
//!
//! Every XML part is scanned, whatever relationships name it: calamine
//! finds parts by their names ignoring case, and [`super::check_package`]
//! has already refused two names that differ only so.

use std::io::Read;
use std::path::Path;

use quick_xml::events::Event;

use super::error::{corrupt, WorkbookError};
use super::limits;

type Zip<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

/// Refuses a package with a shared-string table or a shared formula group
/// number past [`limits`].
///
/// # Errors
/// [`WorkbookError::Limit`] naming the part, [`WorkbookError::Corrupt`]
/// for a part that cannot be inflated.
pub(super) fn check(path: &Path, zip: &mut Zip) -> Result<(), WorkbookError> {
    for i in 0..zip.len() {
        let (name, bytes) = {
            let Ok(mut f) = zip.by_index(i) else {
                continue;
            };
            let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
            if !name.to_ascii_lowercase().ends_with(".xml") {
                continue;
            }
            // check_package held every part to PART_BYTES already.
            let mut bytes = Vec::with_capacity(f.size().min(limits::PART_BYTES) as usize);
            if f.by_ref()
                .take(limits::PART_BYTES + 1)
                .read_to_end(&mut bytes)
                .is_err()
            {
                return Err(corrupt(path, "xlsx", format!("部件“{name}”无法解压")));
            }
            (name, bytes)
        };
        scan(&bytes).map_err(|what| WorkbookError::Limit {
            path: path.to_path_buf(),
            what: format!("包内部件“{name}”{what}"),
            limit: format!(
                "共享字符串最多 {} 个，共享公式每表最多 {} 组",
                limits::SHARED_STRINGS,
                limits::SHARED_FORMULAS
            ),
        })?;
    }
    Ok(())
}

/// A number as calamine reads it from an attribute; `None` when it is not
/// one (calamine then sizes nothing by it). Too large for `u64`: `u64::MAX`.
fn number(raw: &[u8]) -> Option<u64> {
    let digits = raw.strip_prefix(b"+").unwrap_or(raw);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0u64, |n, d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

/// A shared-string table that says it holds `n` entries.
fn declared_strings(n: u64) -> String {
    format!("声明有 {n} 个共享字符串")
}

/// A shared formula group numbered `n`.
fn formula_group(n: u64) -> String {
    format!("的共享公式编号为 {n}")
}

/// What in one part is past the limits, said in words.
fn scan(xml: &[u8]) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    // As calamine reads (`xlsx::xml_reader`): end tags and comments are not
    // held to the names they close, so this scan stops no sooner than it.
    let config = reader.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    let mut buf = Vec::new();
    let mut strings = 0u64;
    loop {
        buf.clear();
        let e = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => e,
            Ok(Event::Eof) => return Ok(()),
            // Past an error, what calamine makes of the rest is its own
            // guess: every number these attributes could carry is held to
            // the limits, whatever element it stands in.
            Err(_) => return scan_bytes(xml),
            Ok(_) => continue,
        };
        let attr = |key: &str| {
            e.attributes()
                .flatten()
                .find(|a| a.key.local_name().as_ref() == key)
                .map(|a| a.value.into_owned())
        };
        match e.local_name().as_ref() {
            "sst" => {
                if let Some(n) = attr("uniqueCount").and_then(|v| number(v.as_ref())) {
                    if n > limits::SHARED_STRINGS {
                        return Err(declared_strings(n));
                    }
                }
            }
            "si" => {
                strings += 1;
                if strings > limits::SHARED_STRINGS {
                    return Err(format!("有超过 {} 个共享字符串", limits::SHARED_STRINGS));
                }
            }
            "f" => {
                if let Some(n) = attr("si").and_then(|v| number(v.as_ref())) {
                    if n >= limits::SHARED_FORMULAS {
                        return Err(formula_group(n));
                    }
                }
            }
            _ => {}
        }
    }
}

/// The values of `si` and `uniqueCount` attributes anywhere in a part
/// that is not well-formed XML, held to the limits.
fn scan_bytes(xml: &[u8]) -> Result<(), String> {
    for (key, limit) in [
        (&b"si"[..], limits::SHARED_FORMULAS),
        (&b"uniqueCount"[..], limits::SHARED_STRINGS + 1),
    ] {
        for at in memchr::memmem::find_iter(xml, key) {
            let before = at.checked_sub(1).map(|i| xml[i]);
            if !before.is_some_and(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let rest = &xml[at + key.len()..];
            let rest = rest.trim_ascii_start();
            let Some(rest) = rest.strip_prefix(b"=") else {
                continue;
            };
            let rest = rest.trim_ascii_start();
            let Some((&quote, value)) = rest.split_first() else {
                continue;
            };
            if quote != b'"' && quote != b'\'' {
                continue;
            }
            let end = value
                .iter()
                .position(|&b| b == quote)
                .unwrap_or(value.len());
            if let Some(n) = number(&value[..end]) {
                if n >= limit {
                    return Err(if key == b"si" {
                        formula_group(n)
                    } else {
                        declared_strings(n)
                    });
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_calamine_would_allocate_by_are_found() {
        assert!(
            scan(br#"<sst uniqueCount="4000000000"><si><t>a</t></si></sst>"#)
                .unwrap_err()
                .contains("4000000000 个共享字符串")
        );
        assert!(scan(br#"<x:sst xmlns:x="s" uniqueCount="99999999999999999999999"/>"#).is_err());
        assert!(
            scan(br#"<worksheet><sheetData><row><c><f t="shared" si="4000000000"/><v>1</v></c></row></sheetData></worksheet>"#)
                .unwrap_err()
                .contains("共享公式编号为 4000000000")
        );
        // What a real package says is taken.
        assert!(scan(
            br#"<sst count="3" uniqueCount="2"><si><t>a</t></si><si><t>b</t></si></sst>"#
        )
        .is_ok());
        assert!(scan(br#"<c r="A1"><f t="shared" ref="A1:A9" si="12">B1</f><v>1</v></c>"#).is_ok());
        assert!(scan(br#"<sst uniqueCount="many"/>"#).is_ok());
    }

    /// Regression: a sheet part broken before its formula (a tag cut into
    /// the root's attributes, found by the fuzzer) stopped this scan at the
    /// first error while calamine read on to `si="4000000000"` and
    /// allocated 160 GB.
    #[test]
    fn a_part_that_is_not_well_formed_is_scanned_to_its_end() {
        let broken = br#"<?xml version="1.0"?><worksheet xml<c r="IV65536"><v>1</v></c>ns="x"><sheetData><row r="1"><c r="A1"><f t="shared" si="4000000000" ref="A1:A2">1+1</f></c></row></sheetData></workshee<table>"#;
        assert!(scan(broken)
            .unwrap_err()
            .contains("共享公式编号为 4000000000"));
        assert!(scan_bytes(b"<x <f si = '99999999999'/>").is_err());
        assert!(scan_bytes(br#"<sst  uniqueCount="4000000000"<"#).is_err());
        // Numbers within the limits, and words that only end in si=.
        assert!(scan_bytes(br#"<<f si="3"/><c basi="99999999999"/>"#).is_ok());
    }
}
