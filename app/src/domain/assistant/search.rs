//! Ranking passages of the clinic's content against a question with BM25, in process: a
//! clinic's content is a few hundred sentences, read fresh for each question.

use super::words::words;
use std::collections::HashMap;

/// Words that say nothing about what is asked.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "am", "an", "and", "any", "are", "as", "at", "be", "before",
    "by", "can", "could", "do", "does", "for", "from", "get", "have", "how", "i", "if", "in", "is",
    "it", "its", "me", "my", "of", "on", "or", "our", "please", "should", "so", "that", "the",
    "there", "this", "to", "us", "was", "we", "what", "when", "where", "which", "who", "will",
    "with", "would", "you", "your", "im", "much", "long", "many", "tell", "know", "want", "like",
    "need", "there", "them", "they", "be", "been", "one",
];

/// The words of `text` that carry meaning, cut to a rough stem so "peels" meets "peel".
pub fn terms(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|word| !STOP_WORDS.contains(&word.as_str()))
        .map(|word| stem(&word))
        .collect()
}

fn stem(word: &str) -> String {
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(root) = word.strip_suffix(suffix) {
            if root.chars().count() >= 3 && !root.ends_with('s') {
                return root.to_owned();
            }
        }
    }
    word.to_owned()
}

/// Passages ranked by BM25 against `query`, best first, without those that share no term.
pub fn rank(query: &str, passages: &[String]) -> Vec<(usize, f64)> {
    const K1: f64 = 1.2;
    const B: f64 = 0.75;
    let docs: Vec<Vec<String>> = passages.iter().map(|p| terms(p)).collect();
    let n = docs.len() as f64;
    let average = docs.iter().map(Vec::len).sum::<usize>() as f64 / n.max(1.0);
    let mut frequency: HashMap<&str, usize> = HashMap::new();
    for doc in &docs {
        let mut seen: Vec<&str> = doc.iter().map(String::as_str).collect();
        seen.sort_unstable();
        seen.dedup();
        for term in seen {
            *frequency.entry(term).or_default() += 1;
        }
    }
    let mut query_terms = terms(query);
    query_terms.sort();
    query_terms.dedup();
    let mut ranked: Vec<(usize, f64)> = docs
        .iter()
        .enumerate()
        .map(|(at, doc)| {
            let length = doc.len() as f64;
            let score = query_terms
                .iter()
                .map(|term| {
                    let tf = doc.iter().filter(|t| *t == term).count() as f64;
                    if tf == 0.0 {
                        return 0.0;
                    }
                    let df = frequency.get(term.as_str()).copied().unwrap_or(0) as f64;
                    let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                    idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / average.max(1.0)))
                })
                .sum::<f64>();
            (at, score)
        })
        .filter(|(_, score)| *score > 0.0)
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_drop_stop_words_and_meet_at_a_stem() {
        assert_eq!(terms("How long do the peels take?"), ["peel", "take"]);
        assert_eq!(terms("Is there parking?"), ["park"]);
    }

    #[test]
    fn the_passage_that_shares_the_rarer_words_ranks_first() {
        let passages = [
            "There is free parking behind the clinic.".to_owned(),
            "The clinic is open on Saturdays.".to_owned(),
            "Peels leave the skin flaking for a few days.".to_owned(),
        ];
        let ranked = rank("where can I park near the clinic", &passages);
        assert_eq!(ranked[0].0, 0);
        assert!(rank("flaking after a peel", &passages)[0].0 == 2);
        assert!(rank("helicopter", &passages).is_empty());
    }
}
