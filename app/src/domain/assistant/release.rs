//! A model's answer is shown as it is written, a sentence at a time: each sentence is
//! vetted whole before the patient reads it, so no half-sentence can slip past the check
//! its end would have failed.

/// Text as it arrives, let out only in whole sentences.
#[derive(Debug, Default)]
pub struct Release {
    pending: String,
}

impl Release {
    /// Takes the next piece of the answer; gives back the sentences it completed, one by
    /// one, each with the space after it, so that what is let out adds up to exactly what
    /// arrived however the pieces were cut.
    pub fn take(&mut self, piece: &str) -> Vec<String> {
        self.pending.push_str(piece);
        let mut sentences = Vec::new();
        while let Some(end) = first_sentence_end(&self.pending) {
            let rest = self.pending.split_off(end);
            sentences.push(std::mem::replace(&mut self.pending, rest));
        }
        sentences
    }

    /// Whatever is left once the answer has ended.
    pub fn finish(&mut self) -> Option<String> {
        (!self.pending.is_empty()).then(|| std::mem::take(&mut self.pending))
    }
}

/// Where the first complete sentence ends: after a `.`, `!` or `?` that white space
/// follows, or after a line break. Waiting for the space keeps `£1.50` and `0.5` whole.
fn first_sentence_end(text: &str) -> Option<usize> {
    let mut previous = None;
    for (at, c) in text.char_indices() {
        let ends = c == '\n' || (c.is_whitespace() && matches!(previous, Some('.' | '!' | '?')));
        if ends {
            return Some(at + c.len_utf8());
        }
        previous = Some(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn released(pieces: &[&str]) -> Vec<String> {
        let mut release = Release::default();
        let mut out: Vec<String> = pieces.iter().flat_map(|p| release.take(p)).collect();
        out.extend(release.finish());
        out
    }

    #[test]
    fn sentences_leave_whole_whatever_the_pieces() {
        assert_eq!(
            released(&["It costs £1", "65.50. It ta", "kes an hour! Who", "?"]),
            ["It costs £165.50. ", "It takes an hour! ", "Who?"]
        );
    }

    #[test]
    fn sentences_that_arrive_together_leave_one_by_one() {
        let mut release = Release::default();
        assert_eq!(release.take("One. Two! Three"), ["One. ", "Two! "]);
    }

    #[test]
    fn a_figure_with_a_point_does_not_end_a_sentence() {
        assert_eq!(released(&["Take 0.", "5 of it."]), ["Take 0.5 of it."]);
    }

    #[test]
    fn line_breaks_end_a_sentence_and_nothing_is_lost() {
        let pieces = ["Prices:\n- A: £", "100\n- B", ": £200"];
        let out = released(&pieces);
        assert_eq!(out, ["Prices:\n", "- A: £100\n", "- B: £200"]);
        assert_eq!(out.concat(), pieces.concat());
    }

    #[test]
    fn nothing_is_let_out_before_a_sentence_ends() {
        let mut release = Release::default();
        assert!(release.take("Your skin may look").is_empty());
        assert!(release.take(" normal.").is_empty());
        assert_eq!(
            release.finish().as_deref(),
            Some("Your skin may look normal.")
        );
        assert_eq!(release.finish(), None);
    }
}
