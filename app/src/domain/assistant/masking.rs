//! What leaves for a model never carries a patient's name, email address or phone number:
//! each is replaced by a placeholder before the text goes, and put back in the answer.

/// A text with its personal details replaced, and what each placeholder stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    pub text: String,
    replaced: Vec<(String, String)>,
}

impl Masked {
    /// `answer` with the placeholders the model repeated turned back into what they hid.
    pub fn restore(&self, answer: &str) -> String {
        self.replaced
            .iter()
            .fold(answer.to_owned(), |text, (placeholder, original)| {
                text.replace(placeholder, original)
            })
    }
}

/// `text` with email addresses, phone numbers and the `names` given (a signed-in patient's
/// own) replaced by placeholders such as `[email 1]`.
pub fn mask(text: &str, names: &[&str]) -> Masked {
    let mut replaced: Vec<(String, String)> = Vec::new();
    let place = |kind: &str, original: &str, replaced: &mut Vec<(String, String)>| {
        if let Some((placeholder, _)) = replaced.iter().find(|(_, o)| o == original) {
            return placeholder.clone();
        }
        let n = replaced
            .iter()
            .filter(|(p, _)| p.starts_with(&format!("[{kind} ")))
            .count()
            + 1;
        let placeholder = format!("[{kind} {n}]");
        replaced.push((placeholder.clone(), original.to_owned()));
        placeholder
    };
    // Emails and phone numbers: runs of characters between spaces.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let (token, after) = phone_or_word(rest);
        let trimmed = token.trim_end_matches(['.', ',', '!', '?', ';', ':', ')']);
        let tail = &token[trimmed.len()..];
        if is_email(trimmed) {
            out.push_str(&place("email", trimmed, &mut replaced));
            out.push_str(tail);
        } else if is_phone(trimmed) {
            out.push_str(&place("phone", trimmed, &mut replaced));
            out.push_str(tail);
        } else {
            out.push_str(token);
        }
        rest = after;
    }
    // Names, as whole words in any case.
    for name in names
        .iter()
        .map(|n| n.trim())
        .filter(|n| n.chars().count() >= 2)
    {
        out = replace_word(&out, name, &mut |original| {
            place("name", original, &mut replaced)
        });
    }
    Masked {
        text: out,
        replaced,
    }
}

/// The next token: a phone number may contain spaces ("+44 7700 900123"), so a run of
/// digits, spaces and phone signs that holds enough digits is one token.
fn phone_or_word(text: &str) -> (&str, &str) {
    let phone_len = text
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || " +-().".contains(*c))
        .last()
        .map_or(0, |(at, c)| at + c.len_utf8());
    let candidate = text[..phone_len].trim_end();
    if digits(candidate) >= 7 {
        return text.split_at(candidate.len());
    }
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    text.split_at(end)
}

fn digits(text: &str) -> usize {
    text.chars().filter(char::is_ascii_digit).count()
}

fn is_phone(token: &str) -> bool {
    (7..=15).contains(&digits(token))
        && token
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

fn is_email(token: &str) -> bool {
    match token.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        }
        None => false,
    }
}

fn replace_word(text: &str, word: &str, place: &mut dyn FnMut(&str) -> String) -> String {
    let lower = text.to_lowercase();
    let target = word.to_lowercase();
    // Lower-casing can change lengths outside ASCII; then leave the text as it is.
    if lower.len() != text.len() {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find(&target) {
        let start = at + found;
        let end = start + target.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let whole =
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric);
        out.push_str(&text[at..start]);
        if whole {
            out.push_str(&place(&text[start..end]));
        } else {
            out.push_str(&text[start..end]);
        }
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_phones_and_names_are_replaced_and_restored() {
        let masked = mask(
            "I'm Isla Morrison, isla.morrison@example.com or +44 7700 900123. Can Isla book?",
            &["Isla", "Morrison"],
        );
        assert_eq!(
            masked.text,
            "I'm [name 1] [name 2], [email 1] or [phone 1]. Can [name 1] book?"
        );
        assert_eq!(
            masked.restore("Hello [name 1], we will call [phone 1]."),
            "Hello Isla, we will call +44 7700 900123."
        );
    }

    #[test]
    fn prices_times_and_words_containing_a_name_are_left_alone() {
        let masked = mask(
            "Is £165 at 10:30 fine for Islandic skin? Call 0131 496 0123",
            &["Isla"],
        );
        assert_eq!(
            masked.text,
            "Is £165 at 10:30 fine for Islandic skin? Call [phone 1]"
        );
    }
}
