//! The check a model's answer passes before a patient sees it: no dose figures, no
//! diagnosis, no reassurance about symptoms. A sentence that says one of these is let through
//! only when the clinic's own content, which the answer was built from, says it word for
//! word (an aftercare leaflet may well say "some swelling for two days is expected").

use super::safety::CONDITIONS;
use super::words::{near, phrase, words, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsafe {
    DoseFigure,
    Diagnosis,
    Reassurance,
}

const UNITS: &[&str] = &[
    "mg",
    "ml",
    "mcg",
    "ug",
    "iu",
    "cc",
    "unit",
    "units",
    "milligram*",
    "millilit*",
    "tablet*",
    "pill",
    "pills",
    "drops",
];

const DIAGNOSIS: &[Rule] = &[
    phrase(&[&["diagnos*"]]),
    phrase(&[&["sounds", "looks"], &["like"], &["you", "a", "an", "it"]]),
    phrase(&[
        &["you"],
        &["may", "might", "probably", "likely"],
        &["a", "an", "have", "be"],
    ]),
    phrase(&[&["youve", "youre"], &["got", "having", "suffering"]]),
    phrase(&[&["you"], &["are"], &["suffering", "having"]]),
    phrase(&[
        &["it", "this", "that"],
        &["is", "looks", "sounds"],
        &["probably", "likely", "definitely"],
    ]),
    phrase(&[&["its", "thats"], &["probably", "likely", "definitely"]]),
    near(4, &[&["you", "your", "its", "it", "this"], CONDITIONS]),
];

const REASSURANCE: &[Rule] = &[
    phrase(&[&["nothing"], &["to"], &["worry"]]),
    phrase(&[&["no"], &["need"], &["to"], &["worry"]]),
    phrase(&[&["dont", "do"], &["worry"]]),
    phrase(&[
        &[
            "perfectly",
            "completely",
            "totally",
            "quite",
            "very",
            "is",
            "its",
            "be",
        ],
        &["normal", "fine", "expected"],
    ]),
    phrase(&[
        &["should", "will"],
        &["be"],
        &["fine", "ok", "okay", "alright"],
    ]),
    phrase(&[&["not"], &["serious", "dangerous"]]),
];

/// The first thing wrong with `answer`, given the content it was built from.
pub fn vet(answer: &str, sources: &str) -> Result<(), Unsafe> {
    let source_words = words(sources);
    for sentence in sentences(answer) {
        let said = words(sentence);
        if said.is_empty() || contains_run(&source_words, &said) {
            continue;
        }
        if has_dose_figure(&said) {
            return Err(Unsafe::DoseFigure);
        }
        if DIAGNOSIS.iter().any(|rule| rule.matches(&said)) {
            return Err(Unsafe::Diagnosis);
        }
        if REASSURANCE.iter().any(|rule| rule.matches(&said)) {
            return Err(Unsafe::Reassurance);
        }
    }
    Ok(())
}

/// Sentences end at `.`, `!`, `?` or a line break; a full stop between digits (`0.5`) does
/// not end one.
fn sentences(text: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &(at, c)) in chars.iter().enumerate() {
        let between_digits = c == '.'
            && i > 0
            && chars[i - 1].1.is_ascii_digit()
            && chars.get(i + 1).is_some_and(|(_, n)| n.is_ascii_digit());
        if matches!(c, '.' | '!' | '?' | '\n') && !between_digits {
            out.push(&text[start..at]);
            start = at + c.len_utf8();
        }
    }
    out.push(&text[start..]);
    out
}

/// A number next to a unit of dose: `20 units`, `0.5ml`, `2 x 200mg tablets`.
fn has_dose_figure(said: &[String]) -> bool {
    said.iter().enumerate().any(|(at, word)| {
        let digits = word.trim_start_matches(|c: char| c.is_ascii_digit());
        if digits.len() == word.len() {
            return false;
        }
        let glued = !digits.is_empty() && UNITS.iter().any(|unit| super::words::fits(unit, digits));
        let next = digits.is_empty()
            && said
                .get(at + 1)
                .is_some_and(|next| UNITS.iter().any(|unit| super::words::fits(unit, next)));
        glued || next
    })
}

/// Whether `run` appears in `words` as consecutive words.
fn contains_run(words: &[String], run: &[String]) -> bool {
    run.len() <= words.len() && words.windows(run.len()).any(|window| window == run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dose_figures_are_stopped() {
        for answer in [
            "Most people have 20 units in the forehead.",
            "Take 400mg of ibuprofen.",
            "Usually 0.5 ml is enough for the lips.",
            "You could take 2 tablets.",
        ] {
            assert_eq!(vet(answer, ""), Err(Unsafe::DoseFigure), "{answer}");
        }
    }

    #[test]
    fn diagnoses_and_reassurance_are_stopped() {
        for answer in [
            "It sounds like you have an infection.",
            "You may have an allergic reaction starting.",
            "This is probably a bruise.",
            "Your lip looks infected from what you describe.",
        ] {
            assert_eq!(vet(answer, ""), Err(Unsafe::Diagnosis), "{answer}");
        }
        for answer in [
            "Swelling like that is perfectly normal.",
            "Don't worry, it will settle.",
            "There is nothing to worry about.",
            "You should be fine by tomorrow.",
        ] {
            assert_eq!(vet(answer, ""), Err(Unsafe::Reassurance), "{answer}");
        }
    }

    #[test]
    fn the_clinics_own_words_and_plain_facts_pass() {
        let sources = "Aftercare: some swelling for two days is expected. \
                       Lip filler (1 ml) costs £250.";
        assert_eq!(
            vet("Some swelling for two days is expected.", sources),
            Ok(())
        );
        assert_eq!(
            vet("Lip filler (1 ml) costs £250. Book online.", sources),
            Ok(())
        );
        assert_eq!(
            vet(
                "A HydraFacial costs £165 and takes 45 minutes. You can book online.",
                ""
            ),
            Ok(())
        );
        // The same words outside the content are still stopped.
        assert_eq!(vet("Have 1 ml more.", sources), Err(Unsafe::DoseFigure));
    }

    #[test]
    fn sentences_split_on_stops_but_not_in_decimals() {
        assert_eq!(
            sentences("Take 0.5 ml. Then rest!"),
            ["Take 0.5 ml", " Then rest", ""]
        );
    }
}
