//! Text normalization used wherever a label is compared by meaning.
//!
//! Real workbooks write the same words with full-width letters, ideographic
//! spaces, line breaks inside merged header cells and ordinal prefixes
//! (`一、`, `（十一）`, `廿一、`). Everything that matches a label goes through
//! [`norm`] so that a template word matches however the cell was typed.

pub mod normed;

use unicode_normalization::UnicodeNormalization;

/// A 64-bit set of a text's characters (hashed): a text that lacks one of
/// a word's characters cannot hold the word, which rules out most pairs
/// before any comparison.
pub fn char_mask(s: &str) -> u64 {
    s.chars().fold(0, |m, ch| m | char_bit(ch))
}

fn char_bit(ch: char) -> u64 {
    1 << ((ch as u32).wrapping_mul(0x9E37_79B1) >> 26)
}

/// The characters a text must have for [`word_matches`] to take it: the
/// word's own, without its `*` globs; `{year}` needs `年`.
pub fn word_mask(w: &str) -> u64 {
    if w == "{year}" {
        return char_bit('年');
    }
    char_mask(w.trim_matches('*'))
}

/// NFKC, then drop every white-space character (including U+3000 and line
/// breaks) and the quotes that drift between “” and "".
pub fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    norm_into(s, &mut out);
    out
}

/// [`norm`], appended to `out` (a sheet normalizes all its cells into one
/// string).
pub fn norm_into(s: &str, out: &mut String) {
    // ASCII, Chinese labels, full-width forms and common punctuation: each
    // character NFKC maps on its own (no composition across them).
    let start = out.len();
    if norm_cjk_into(s, out) {
        return;
    }
    out.truncate(start);
    out.extend(
        s.nfkc()
            .filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '\'' | '‘' | '’')),
    );
}

/// NFKC of a character that NFKC maps by itself, if it is one: ASCII and
/// CJK ideographs unchanged, full-width forms to ASCII, ideographic
/// punctuation that NFKC keeps. `None` for anything else.
fn nfkc_simple(c: char) -> Option<char> {
    match c as u32 {
        0x20..=0x7E | 0x4E00..=0x9FFF | 0x3001..=0x3002 | 0x3008..=0x3011 | 0x2014 => Some(c),
        0x2018 | 0x2019 | 0x201C | 0x201D | 0xB7 => Some(c),
        // Full-width ASCII: U+FF01..U+FF5E is U+0021..U+007E shifted.
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0),
        0x3000 => Some(' '),
        _ if c.is_whitespace() && (c as u32) < 0x80 => Some(c),
        _ => None,
    }
}

/// [`norm`] without the NFKC tables, for texts made only of characters
/// [`nfkc_simple`] knows; `None` otherwise.
#[cfg(test)]
fn norm_cjk(s: &str) -> Option<String> {
    let mut out = String::new();
    norm_cjk_into(s, &mut out).then_some(out)
}

/// Appends [`norm`] of `s` to `out` by [`nfkc_simple`]; `false` (with
/// `out` partly written) at the first character it does not know. Runs of
/// characters NFKC keeps are copied whole: ASCII other than white space and
/// quotes, and U+4000..U+9FFF (CJK ideographs and extension A, no
/// decompositions), told apart by their UTF-8 lead byte.
fn norm_cjk_into(s: &str, out: &mut String) -> bool {
    let bytes = s.as_bytes();
    let (mut run, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if matches!(b, 0x09..=0x0D | b' ' | b'"' | b'\'') {
                out.push_str(&s[run..i]);
                run = i + 1;
            }
            i += 1;
            continue;
        }
        if (0xE4..=0xE9).contains(&b) {
            i += 3;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            return false;
        };
        let Some(m) = nfkc_simple(c) else {
            return false;
        };
        let dropped = m.is_whitespace() || matches!(m, '“' | '”' | '"' | '\'' | '‘' | '’');
        if m != c || dropped {
            out.push_str(&s[run..i]);
            if !dropped {
                out.push(m);
            }
            run = i + c.len_utf8();
        }
        i += c.len_utf8();
    }
    out.push_str(&s[run..]);
    true
}

/// Trim white space at both ends, including full-width spaces, keeping inner text.
pub fn clean(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
        .to_string()
}

const CN_NUMERALS: &str = "一二三四五六七八九十廿卅〇零百";

/// Strips an ordinal prefix such as `一、`, `(一)`, `廿一、`, `1.`, `1、`, `其中:`
/// from an already [`norm`]alized label.
pub fn strip_ordinal(label: &str) -> &str {
    let mut s = label;
    // (一) / (12)
    if let Some(rest) = s.strip_prefix('(') {
        if let Some(end) = rest.find(')') {
            let inner = &rest[..end];
            if !inner.is_empty()
                && inner
                    .chars()
                    .all(|c| CN_NUMERALS.contains(c) || c.is_ascii_digit())
            {
                s = &rest[end + 1..];
            }
        }
    } else {
        let n: usize = s
            .chars()
            .take_while(|c| CN_NUMERALS.contains(*c) || c.is_ascii_digit())
            .map(char::len_utf8)
            .sum();
        if n > 0 {
            let rest = &s[n..];
            for sep in ['、', '.', ',', ':'] {
                if let Some(r) = rest.strip_prefix(sep) {
                    s = r;
                    break;
                }
            }
        }
    }
    s.strip_prefix("其中:").unwrap_or(s)
}

/// Where a budget line stands in its table's outline, as its numbering
/// says: `一、` 1, `（一）` 2, `1.` `1、` `1．` 3, `（1）` `(1)` 4, `①` 5; a
/// line numbered one level below the line above it is a part of that line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outline {
    /// 1 (`一、`) to 5 (`①`).
    pub level: u8,
    /// The number itself (`十一、` → 11), to tell a whole enumeration
    /// (1, 2, 3) from a partial one.
    pub number: u32,
}

/// The value of a Chinese numeral as budget lines number them: `一` … `九十九`,
/// `廿一`, `卅`.
fn cn_value(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|v| v as u32)
    };
    let chars: Vec<char> = s.chars().collect();
    let tens = |c: char| match c {
        '十' => Some(10),
        '廿' => Some(20),
        '卅' => Some(30),
        _ => None,
    };
    match chars.as_slice() {
        [d] => digit(*d).or_else(|| tens(*d)),
        [t, d] if tens(*t).is_some() => Some(tens(*t)? + digit(*d)?),
        [d, '十'] => Some(digit(*d)? * 10),
        [d, '十', e] => Some(digit(*d)? * 10 + digit(*e)?),
        _ => None,
    }
    .filter(|v| *v > 0)
}

/// The outline numbering a line's label starts with, and the label without
/// it, normalized ([`norm`]). `其中：` is not numbering (see [`line_words`]).
pub fn outline(label: &str) -> (Option<Outline>, String) {
    let raw = label.trim_start_matches(|c: char| c.is_whitespace());
    // ① … ⑳ (U+2460..U+2473) before normalizing: NFKC makes them digits.
    if let Some(c) = raw.chars().next() {
        if ('\u{2460}'..='\u{2473}').contains(&c) {
            let number = c as u32 - 0x2460 + 1;
            return (
                Some(Outline { level: 5, number }),
                norm(&raw[c.len_utf8()..]),
            );
        }
    }
    let t = norm(raw);
    let is_cn = |c: char| "〇一二三四五六七八九十廿卅".contains(c);
    // (一) / (1), full-width brackets already made ASCII by NFKC.
    if let Some(rest) = t.strip_prefix('(') {
        if let Some(end) = rest.find(')') {
            let inner = &rest[..end];
            let after = rest[end + 1..].to_string();
            if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
                if let Ok(number) = inner.parse() {
                    return (Some(Outline { level: 4, number }), after);
                }
            } else if let Some(number) = cn_value(inner).filter(|_| inner.chars().all(is_cn)) {
                return (Some(Outline { level: 2, number }), after);
            }
        }
        return (None, t);
    }
    let digits: usize = t
        .chars()
        .take_while(char::is_ascii_digit)
        .map(char::len_utf8)
        .sum();
    if digits > 0 {
        let rest = &t[digits..];
        // `1.` `1、` (NFKC makes `．` a `.`), not `1.5` nor `2024年`.
        for sep in ['.', '、'] {
            if let Some(after) = rest.strip_prefix(sep) {
                if !after.starts_with(|c: char| c.is_ascii_digit()) {
                    if let Ok(number) = t[..digits].parse() {
                        return (Some(Outline { level: 3, number }), after.to_string());
                    }
                }
            }
        }
        return (None, t);
    }
    let cn: usize = t
        .chars()
        .take_while(|c| is_cn(*c))
        .map(char::len_utf8)
        .sum();
    if cn > 0 {
        if let (Some(number), Some(after)) = (cn_value(&t[..cn]), t[cn..].strip_prefix('、')) {
            return (Some(Outline { level: 1, number }), after.to_string());
        }
    }
    (None, t)
}

/// A line's words for matching: normalized, without its numbering and
/// without a `其中：` in front; and whether it had that `其中`.
pub fn line_words(label: &str) -> (Option<Outline>, bool, String) {
    let (o, rest) = outline(label);
    match rest
        .strip_prefix("其中:")
        .or_else(|| rest.strip_prefix("其中"))
    {
        Some(after) if !after.is_empty() => {
            // `其中：1. …`: the numbering after the word.
            let (inner, words) = outline(after);
            (o.or(inner), true, words)
        }
        _ => (o, false, rest),
    }
}

/// The stem two labels are compared by when their words differ by the
/// usual drift: a trailing `资金`, `拨款` or `收入` dropped (`一般公共预算资金`,
/// `一般公共预算拨款收入` → `一般公共预算`), and a fund named without its
/// `预算` given it (`政府性基金` → `政府性基金预算`).
pub fn label_stem(words: &str) -> String {
    let mut s = words;
    loop {
        let shorter = ["资金", "拨款", "收入"]
            .iter()
            .find_map(|x| s.strip_suffix(x))
            .filter(|r| !r.is_empty());
        match shorter {
            Some(r) => s = r,
            None => break,
        }
    }
    let mut out = s.to_string();
    for fund in ["一般公共", "政府性基金", "国有资本经营"] {
        if out.ends_with(fund) {
            out.push_str("预算");
        }
    }
    out
}

/// A template word matched against a normalized cell text. The word is
/// normalized already ([`crate::template::Template::parse`] does it once).
///
/// `*` at either end makes it a suffix / prefix / substring match; the word
/// `{year}` matches a four-digit year followed by 年 (`2022年`).
pub fn word_matches(w: &str, text: &str) -> bool {
    if w == "{year}" {
        return year_label(text).is_some();
    }
    match (w.strip_prefix('*'), w.strip_suffix('*')) {
        (Some(_), Some(_)) if w.len() > 2 => text.contains(&w[1..w.len() - 1]),
        (Some(suffix), None) => text.ends_with(suffix),
        (None, Some(prefix)) => text.starts_with(prefix),
        _ => text == w,
    }
}

/// `2022年` → 2022 (the whole text must be the year label).
pub fn year_label(text: &str) -> Option<i32> {
    let digits = text.strip_suffix('年')?;
    if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

/// Every plausible budget year written as `YYYY年` (or `YYYY 年`) in a text.
/// Every character whose NFKC holds `target`, in code point order (tests
/// of the characters looked for before normalizing).
#[cfg(test)]
pub(crate) fn nfkc_makes(target: char) -> Vec<char> {
    (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| std::iter::once(*c).nfkc().any(|n| n == target))
        .collect()
}

/// Every character whose NFKC holds `年` (checked in the tests).
const YEAR_CHARS: [char; 2] = ['年', '\u{F98E}'];

pub fn years_in(text: &str) -> Vec<i32> {
    // Most texts name no year: no 年 (or the compatibility form NFKC maps
    // to it), nothing to normalize.
    if !text.contains(YEAR_CHARS) {
        return Vec::new();
    }
    let t = norm(text);
    let b = t.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 < b.len() + 1 {
        if i + 4 <= b.len()
            && b[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && t[i + 4..].starts_with('年')
        {
            if let Ok(y) = t[i..i + 4].parse::<i32>() {
                if (2000..=2099).contains(&y) {
                    out.push(y);
                }
            }
            i += 4;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mask is a filter, never a judge: a word that matches a text
    /// has every character the mask asks of it, whatever its glob.
    /// The characters [`years_in`] looks for before normalizing are every
    /// character NFKC makes into `年`.
    #[test]
    fn the_year_characters_are_all_that_nfkc_makes_year() {
        assert_eq!(nfkc_makes('年'), YEAR_CHARS.to_vec());
    }

    #[test]
    fn a_word_that_matches_passes_the_character_filter() {
        let texts = [
            "2024年",
            "本年收入",
            "预算数(万元)",
            "一般公共预算拨款收入",
            "合计",
            "项目名称",
            "科目编码",
            "三公经费合计",
            "",
            "2023年预算数",
        ];
        let words = [
            "{year}",
            "本年收入",
            "*收入",
            "预算*",
            "*公共*",
            "合计",
            "*三公经费合计",
            "项目*",
            "科目编码",
            "*年预算数",
        ];
        let mut matched = 0;
        for t in texts {
            for w in words {
                if word_matches(w, t) {
                    matched += 1;
                    assert_eq!(word_mask(w) & !char_mask(t), 0, "{w} in {t}");
                }
            }
        }
        assert!(matched >= 10, "{matched}");
        // And it does rule out: a text without the word's characters.
        assert_ne!(word_mask("科目编码") & !char_mask("项目名称"), 0);
    }

    #[test]
    fn ascii_takes_the_fast_path_with_the_same_result() {
        for t in [
            "3,248,300.00",
            " 201 ",
            "A1\tB",
            "'quoted'",
            "\"x\"",
            "\u{b}v",
        ] {
            let slow: String = t
                .nfkc()
                .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\''))
                .collect();
            assert_eq!(norm(t), slow, "{t:?}");
        }
    }

    /// The fast path gives exactly what NFKC gives, for every character it
    /// takes, alone and between others.
    #[test]
    fn cjk_fast_path_is_nfkc() {
        let slow = |s: &str| -> String {
            s.nfkc()
                .filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '\'' | '‘' | '’'))
                .collect()
        };
        let mut taken = 0;
        for u in 0..0x11000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            for s in [
                c.to_string(),
                format!("预{c}算"),
                format!("（{c}）a"),
                format!("a {c}\""),
            ] {
                if let Some(fast) = norm_cjk(&s) {
                    assert_eq!(fast, slow(&s), "U+{u:04X} in {s:?}");
                    taken += 1;
                }
            }
            // What the table of simple characters knows, the fast path takes.
            if nfkc_simple(c).is_some() || (0x4000..=0x9FFF).contains(&u) || u < 0x80 {
                assert!(norm_cjk(&format!("预{c}算")).is_some(), "U+{u:04X}");
            }
        }
        assert!(taken > 4 * 21_000, "{taken}");
        // Anything else goes the slow way.
        assert_eq!(norm_cjk("①"), None);
        assert_eq!(norm("①号"), "1号");
        assert_eq!(norm("㈠"), slow("㈠"));
    }

    #[test]
    fn norm_folds_width_and_spaces() {
        assert_eq!(norm("收 入 总 计"), "收入总计");
        assert_eq!(norm("　项目支出\n"), "项目支出");
        assert_eq!(norm("因公出国（境）费"), "因公出国(境)费");
        assert_eq!(norm("一般公共预算“三公”经费"), "一般公共预算三公经费");
    }

    #[test]
    fn ordinals_are_stripped() {
        assert_eq!(
            strip_ordinal(&norm("一、一般公共服务支出")),
            "一般公共服务支出"
        );
        assert_eq!(strip_ordinal(&norm("（十一）交通运输支出")), "交通运输支出");
        assert_eq!(strip_ordinal(&norm("廿一、其他支出")), "其他支出");
        assert_eq!(
            strip_ordinal(&norm("其中：申请当年预算拨款")),
            "申请当年预算拨款"
        );
        assert_eq!(strip_ordinal("本年收入合计"), "本年收入合计");
        assert_eq!(strip_ordinal("(单位)"), "(单位)");
    }

    #[test]
    fn outline_numbering_gives_levels() {
        let level = |s: &str| outline(s).0.map(|o| (o.level, o.number));
        assert_eq!(level("一、财政拨款收入"), Some((1, 1)));
        assert_eq!(level("廿一、其他支出"), Some((1, 21)));
        assert_eq!(level("十一、交通运输支出"), Some((1, 11)));
        assert_eq!(level("（一）一般公共预算拨款"), Some((2, 1)));
        assert_eq!(level("(十二)资源勘探"), Some((2, 12)));
        assert_eq!(level("1. 一般公共预算资金"), Some((3, 1)));
        assert_eq!(level("2、政府性基金预算"), Some((3, 2)));
        assert_eq!(level("3．国有资本经营预算"), Some((3, 3)));
        assert_eq!(level("（1）本级"), Some((4, 1)));
        assert_eq!(level("(2)上级"), Some((4, 2)));
        assert_eq!(level("②其他"), Some((5, 2)));
        assert_eq!(level("收入总计"), None);
        assert_eq!(level("2024年预算"), None);
        assert_eq!(level("1.5倍"), None);
        assert_eq!(level("(单位)"), None);
        assert_eq!(outline("1. 一般公共预算资金").1, "一般公共预算资金");
        assert_eq!(outline("①其他").1, "其他");
        let (o, of_which, w) = line_words("其中：申请当年预算拨款");
        assert_eq!((o, of_which, w.as_str()), (None, true, "申请当年预算拨款"));
    }

    #[test]
    fn stems_absorb_the_usual_drift() {
        let stem = |s: &str| label_stem(&line_words(s).2);
        assert_eq!(stem("1. 一般公共预算资金"), "一般公共预算");
        assert_eq!(stem("一般公共预算拨款收入"), "一般公共预算");
        assert_eq!(stem("2. 政府性基金"), "政府性基金预算");
        assert_eq!(stem("政府性基金预算"), "政府性基金预算");
        assert_eq!(stem("3. 国有资本经营预算"), "国有资本经营预算");
        assert_eq!(stem("收入"), "收入");
        assert_eq!(stem("事业收入"), "事业");
    }

    #[test]
    fn words_match_exactly_or_by_glob() {
        assert!(word_matches("合计", "合计"));
        assert!(!word_matches("合计", "三公经费合计"));
        assert!(word_matches("*合计", "三公经费合计"));
        assert!(word_matches("当年预算收支*", "当年预算收支(单位:万元)"));
        assert!(word_matches("*运行*", "公务用车运行维护费"));
        assert!(word_matches("{year}", "2022年"));
        assert!(!word_matches("{year}", "2022年度"));
    }

    #[test]
    fn years_are_found_in_titles_and_notes() {
        assert_eq!(years_in("本单位 2024 年无“三公”经费预算。"), vec![2024]);
        assert_eq!(years_in("2023年部门收支总表"), vec![2023]);
        assert!(years_in("电话 83366910").is_empty());
        assert!(years_in("12024年").is_empty());
        // The compatibility ideograph NFKC makes 年, and full-width digits.
        assert_eq!(years_in("２０２４\u{F98E}部门预算"), vec![2024]);
    }
}

/// Columns a text takes on paper in Excel's width unit (the width of `0`):
/// CJK and full-width characters take two, others one.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// Lines a text needs when wrapped in a column `width` units wide: each
/// paragraph at least one, a wide character never split across lines.
pub fn wrapped_lines(s: &str, width: f64) -> usize {
    // A cell loses about one unit to its margins.
    let room = ((width - 1.0).floor() as usize).max(2);
    // No character is wider than its bytes: a text of no more bytes than
    // the room has each paragraph on one line.
    if s.len() <= room {
        return s.bytes().filter(|b| *b == b'\n').count() + 1;
    }
    s.split('\n')
        .map(|para| {
            let (mut lines, mut used) = (1, 0);
            for c in para.chars() {
                let w = if is_wide(c) { 2 } else { 1 };
                if used + w > room {
                    lines += 1;
                    used = 0;
                }
                used += w;
            }
            lines
        })
        .sum()
}

/// Row height in points (at most Excel's 409) for `lines` lines of an 11-point CJK font (宋体
/// needs 14.25 points a line; a little room above and below).
pub fn row_height(lines: usize) -> f64 {
    // Excel's highest row is 409 points.
    ((lines.max(1) as f64) * 14.25 + 3.0).min(409.0)
}

#[cfg(test)]
mod wrap_tests {
    use super::*;

    #[test]
    fn wide_characters_count_double() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("项目支出"), 8);
        assert_eq!(display_width("（万元）"), 8);
    }

    #[test]
    fn lines_follow_width_and_paragraphs() {
        assert_eq!(wrapped_lines("", 10.0), 1);
        // 9 units of room: four CJK characters a line.
        assert_eq!(wrapped_lines("一二三四五六七八九", 10.0), 3);
        assert_eq!(wrapped_lines("一二\n三四", 10.0), 2);
        assert_eq!(wrapped_lines("abcdefghi", 10.0), 1);
        assert_eq!(wrapped_lines("abcdefghij", 10.0), 2);
    }
}
