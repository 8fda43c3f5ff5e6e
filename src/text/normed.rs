//! A paragraph as the claim finder reads it: NFKC (full-width digits and
//! punctuation to ASCII), white space and quotes dropped, each character
//! remembering where it stood in the paragraph as written (to mark it).

use unicode_normalization::UnicodeNormalization;

/// Quotes a narrative puts around names (“三公”经费, 〝三公〞): dropped, as
/// the template's words are written without them.
fn dropped(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '“' | '”' | '"' | '\'' | '‘' | '’' | '〝' | '〞' | '「' | '」' | '『' | '』'
        )
}

/// A normalized paragraph.
#[derive(Debug, Clone, Default)]
pub struct Normed {
    pub chars: Vec<char>,
    /// Byte range in the paragraph as written of each character.
    pub from: Vec<(usize, usize)>,
}

impl Normed {
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The normalized characters `a..b` as a string (empty when `b <= a`).
    pub fn slice(&self, a: usize, b: usize) -> String {
        let b = b.min(self.len());
        self.chars[a.min(b)..b].iter().collect()
    }

    /// The byte range in the paragraph as written of characters `a..b`.
    pub fn source_range(&self, a: usize, b: usize) -> (usize, usize) {
        if a >= b || a >= self.len() {
            let at = self.from.get(a).map_or(usize::MAX, |r| r.0);
            return (at, at);
        }
        (self.from[a].0, self.from[b.min(self.len()) - 1].1)
    }

    /// Does `word` (normalized) end at `end`?
    pub fn ends_with_at(&self, end: usize, word: &[char]) -> bool {
        end >= word.len() && self.chars[end - word.len()..end] == *word
    }

    /// Does `word` (normalized) start at `at`?
    pub fn starts_with_at(&self, at: usize, word: &[char]) -> bool {
        at + word.len() <= self.len() && self.chars[at..at + word.len()] == *word
    }
}

/// Normalizes a paragraph, keeping where each character came from.
pub fn normalize(s: &str) -> Normed {
    let mut n = Normed::default();
    for (i, c) in s.char_indices() {
        let range = (i, i + c.len_utf8());
        let simple = (c as u32) < 0x80 || (0x4E00..=0x9FFF).contains(&(c as u32));
        if simple {
            if !dropped(c) {
                n.chars.push(c);
                n.from.push(range);
            }
            continue;
        }
        for m in std::iter::once(c).nfkc() {
            if !dropped(m) {
                n.chars.push(m);
                n.from.push(range);
            }
        }
    }
    n
}

/// A word of the vocabulary, normalized as paragraphs are.
pub fn norm(s: &str) -> String {
    normalize(s).chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_quotes() {
        let n = normalize("“三公”经费 ３２４．８３ 万元，占９７.９％");
        assert_eq!(n.slice(0, n.len()), "三公经费324.83万元,占97.9%");
        // Each character knows its source bytes: `３` is 3 bytes long.
        let at = n.chars.iter().position(|c| *c == '3').unwrap();
        let (a, b) = n.source_range(at, at + 1);
        assert_eq!(&"“三公”经费 ３２４．８３ 万元，占９７.９％"[a..b], "３");
    }
}
