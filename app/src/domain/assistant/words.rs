//! Matching what a person typed against rules written as words, forgiving the ways people
//! type in a hurry: capitals, punctuation, apostrophes and one slip of a finger.
//!
//! A rule is a list of groups; it matches when every group has a word in the text and all of
//! them fall within a window of words. A group's alternatives are words (`pain`) or stems
//! ending in `*` (`blanch*` for blanched, blanching). Words and stems of six letters or more
//! also match with one letter wrong, missing, extra or two swapped (`vison`, `anaphylaxsis`);
//! shorter ones must be exact, since `fever` one letter off is `never` and `pain` is `paint`:
//! their common misspellings are written out in the rules instead.

/// The words of `text`: lower case, letters and digits only, apostrophes dropped (`can't` is
/// `cant`) and everything else a separator.
pub fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if c == '\'' || c == '’' {
            continue;
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// A rule: every group matched by a word, all within `window` consecutive words, and in the
/// groups' order when `ordered`.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    groups: &'static [&'static [&'static str]],
    window: usize,
    ordered: bool,
}

/// The words in order, as a phrase: `phrase(&[&["chest"], &["pain"]])`.
pub const fn phrase(groups: &'static [&'static [&'static str]]) -> Rule {
    Rule {
        groups,
        window: groups.len(),
        ordered: true,
    }
}

/// The groups in any order within `window` words: `near(4, &[&["chest"], &["pain"]])`
/// matches "pain in my chest".
pub const fn near(window: usize, groups: &'static [&'static [&'static str]]) -> Rule {
    Rule {
        groups,
        window,
        ordered: false,
    }
}

impl Rule {
    pub fn matches(&self, words: &[String]) -> bool {
        if self.groups.is_empty() {
            return false;
        }
        // Each group's positions; the rule holds when one position from each fits a window.
        let positions: Vec<Vec<usize>> = self
            .groups
            .iter()
            .map(|group| {
                words
                    .iter()
                    .enumerate()
                    .filter(|(_, word)| group.iter().any(|pattern| fits(pattern, word)))
                    .map(|(at, _)| at)
                    .collect()
            })
            .collect();
        if positions.iter().any(Vec::is_empty) {
            return false;
        }
        positions[0].iter().any(|&first| {
            if self.ordered {
                (1..self.groups.len()).all(|g| positions[g].contains(&(first + g)))
            } else {
                let start = first.saturating_sub(self.window - 1);
                (start..=first).any(|start| {
                    let end = start + self.window;
                    positions[1..]
                        .iter()
                        .all(|at| at.iter().any(|&p| p >= start && p < end))
                })
            }
        })
    }
}

/// The shortest word or stem that forgives one slip.
const FORGIVING_FROM: usize = 6;

/// Whether one typed word fits a pattern (a word, or a stem ending in `*`).
pub fn fits(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(stem) => {
            let stem_len = stem.chars().count();
            if word.starts_with(stem) {
                return true;
            }
            // A misspelt stem: compare it with the word's beginning, one letter longer or
            // shorter too, since the slip may have added or dropped one.
            stem_len >= FORGIVING_FROM
                && [stem_len - 1, stem_len, stem_len + 1].iter().any(|&len| {
                    let head: String = word.chars().take(len).collect();
                    head.chars().count() == len && one_slip(stem, &head)
                })
        }
        None => {
            word == pattern
                || (pattern.chars().count() >= FORGIVING_FROM && one_slip(pattern, word))
        }
    }
}

/// Whether `a` and `b` differ by at most one edit: a letter changed, added, dropped, or two
/// neighbours swapped.
fn one_slip(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[common..], &b[common..]);
    match (ra.len(), rb.len()) {
        (0, 0) => true,
        (x, y) if x == y => {
            ra[1..] == rb[1..] || (x >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        (x, y) if x > y => ra[1..] == *rb,
        _ => *ra == rb[1..],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str) -> Vec<String> {
        words(text)
    }

    #[test]
    fn words_drop_case_punctuation_and_apostrophes() {
        assert_eq!(
            w("I can't SEE—it's   blurry!!"),
            ["i", "cant", "see", "its", "blurry"]
        );
        assert_eq!(w("  "), Vec::<String>::new());
    }

    #[test]
    fn one_slip_is_one_edit_and_no_more() {
        assert!(one_slip("vision", "vison"));
        assert!(one_slip("vision", "visiion"));
        assert!(one_slip("vision", "visoin"));
        assert!(one_slip("vision", "vosion"));
        assert!(one_slip("vision", "vision"));
        assert!(!one_slip("vision", "vsoin"));
        assert!(!one_slip("vision", "visionary"));
    }

    #[test]
    fn short_words_must_be_exact_and_stems_forgive_long_ones() {
        assert!(fits("pain", "pain"));
        assert!(!fits("pain", "paint"));
        assert!(fits("blanch*", "blanching"));
        assert!(fits("blanch*", "blancing"));
        assert!(fits("anaphyla*", "anaphalaxis"));
        assert!(!fits("fever", "never"));
        assert!(fits("breath*", "braething"));
    }

    #[test]
    fn a_phrase_is_in_order_and_near_is_any_order_within_the_window() {
        let chest_pain = phrase(&[&["chest"], &["pain"]]);
        assert!(chest_pain.matches(&w("I have chest pain")));
        assert!(!chest_pain.matches(&w("pain in my chest")));
        let near_chest = near(4, &[&["chest"], &["pain", "hurt*"]]);
        assert!(near_chest.matches(&w("pain in my chest")));
        assert!(near_chest.matches(&w("my chest really hurts")));
        assert!(!near_chest.matches(&w("chest treatment, then the pain went away days later")));
    }
}
