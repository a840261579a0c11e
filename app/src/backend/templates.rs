//! The clinic's wording, rendered: minijinja in a sandbox (no file or network access, a
//! fuel limit so no template can loop for ever, strict about names). Templates render
//! plain text; an email's HTML part is made from that text and escapes it, so a name
//! such as `<script>` arrives as words.

use crate::domain::form::FieldProblem;
use crate::domain::templates::{gsm_friendly, Kind};
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use std::collections::BTreeMap;

/// The values a message's template may use, by name.
pub type Values = BTreeMap<&'static str, String>;

pub const SUBJECT_MAX: usize = 200;
pub const BODY_MAX: usize = 5000;

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(100_000));
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env
}

fn context(values: &Values) -> Value {
    Value::from_pairs(values.iter().map(|(name, value)| (*name, value.as_str())))
}

pub fn render(source: &str, values: &Values) -> Result<String, minijinja::Error> {
    environment().render_str(source, context(values))
}

/// The sample values the editor's preview shows.
pub fn sample(kind: &Kind) -> Values {
    kind.variables
        .iter()
        .map(|v| (v.name, v.sample.to_owned()))
        .collect()
}

/// What is wrong with wording staff typed for `kind` on `channel`, beside its field: a
/// template that cannot be read, a name the kind does not have, one that fails on the
/// sample values, one that leaves out what the message is for (a booking's link), or a
/// text that no longer says how to stop texts.
pub fn check(kind: &Kind, channel: &str, subject: &str, body: &str) -> Vec<FieldProblem> {
    let env = environment();
    let sample = context(&sample(kind));
    let mut problems = Vec::new();
    let mut used = std::collections::HashSet::new();
    let fields = [
        ("subject", subject, channel == "email", SUBJECT_MAX),
        ("body", body, true, BODY_MAX),
    ];
    for (field, source, needed, max) in fields {
        if !needed {
            continue;
        }
        if source.trim().is_empty() {
            problems.push(FieldProblem::new(
                field,
                "Write the words, or reset to the built-in ones.",
            ));
            continue;
        }
        if source.chars().count() > max {
            problems.push(FieldProblem::new(
                field,
                format!("Keep it to {max} characters or fewer."),
            ));
            continue;
        }
        let template = match env.template_from_str(source) {
            Ok(template) => template,
            Err(error) => {
                problems.push(FieldProblem::new(
                    field,
                    format!(
                        "This cannot be read: {} (line {}). Variables are written {{{{ name }}}}.",
                        error.detail().unwrap_or("a {{ or {% is not closed"),
                        error.line().unwrap_or(1)
                    ),
                ));
                continue;
            }
        };
        let names = template.undeclared_variables(false);
        used.extend(names.iter().cloned());
        let mut unknown: Vec<String> = names
            .into_iter()
            .filter(|name| !kind.variables.iter().any(|v| v.name == name))
            .collect();
        unknown.sort();
        if !unknown.is_empty() {
            let names = unknown.join(", ");
            let what = if unknown.len() == 1 {
                "There is no variable"
            } else {
                "There are no variables"
            };
            problems.push(FieldProblem::new(
                field,
                format!("{what} {names} in this message. Use the ones listed beside the editor."),
            ));
            continue;
        }
        if let Err(error) = template.render(&sample) {
            problems.push(FieldProblem::new(
                field,
                format!(
                    "This fails with the sample values: {}.",
                    error.detail().unwrap_or("check it")
                ),
            ));
        }
    }
    let readable = problems.is_empty();
    for name in kind.required {
        if readable && kind.requires(channel, name) && !used.contains(*name) {
            problems.push(FieldProblem::new(
                "body",
                format!("Keep {{{{ {name} }}}}: without it this message cannot do its job."),
            ));
        }
    }
    if channel == "sms" && !body.to_uppercase().contains("STOP") {
        problems.push(FieldProblem::new(
            "body",
            "Keep “Reply STOP to opt out.”: a text must say how to stop them.",
        ));
    }
    problems
}

/// A message's subject (emails) and words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    pub subject: String,
    pub body: String,
}

/// `kind`'s wording on `channel` for these values: the clinic's own (`custom`, subject
/// and body) when it has one that renders, the built-in wording otherwise.
pub fn compose(
    kind: &Kind,
    channel: &str,
    custom: Option<(String, String)>,
    values: &Values,
) -> Wording {
    if let Some((subject, body)) = custom {
        match (render(&subject, values), render(&body, values)) {
            (Ok(subject), Ok(body)) => {
                return Wording {
                    subject,
                    body: for_channel(channel, body),
                }
            }
            (Err(error), _) | (_, Err(error)) => tracing::warn!(
                kind = kind.kind,
                channel,
                error = %error,
                "the clinic's wording did not render; the built-in wording went instead"
            ),
        }
    }
    let (subject, body) = kind.default_wording(channel);
    Wording {
        subject: render(subject, values).unwrap_or_default(),
        body: for_channel(channel, render(body, values).unwrap_or_default()),
    }
}

/// A text's words as an SMS carries them best (see `gsm_friendly`); other channels'
/// words as rendered.
pub fn for_channel(channel: &str, body: String) -> String {
    if channel == "sms" {
        gsm_friendly(&body)
    } else {
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::templates::{BOOKING_CONFIRMED, BOOKING_MOVED, KINDS, REMINDER};

    #[test]
    fn the_built_in_wording_passes_its_own_check() {
        for kind in KINDS {
            for channel in kind.channels {
                let (subject, body) = kind.default_wording(channel);
                assert_eq!(
                    check(&kind, channel, subject, body),
                    [],
                    "{} {channel}",
                    kind.kind
                );
            }
        }
    }

    #[test]
    fn unknown_names_and_broken_templates_are_refused_beside_their_field() {
        let problems = check(&REMINDER, "email", "Hi {{ first_nam }}", "{{ treatment }");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].field, "subject");
        assert!(
            problems[0].message.contains("first_nam"),
            "{}",
            problems[0].message
        );
        assert_eq!(problems[1].field, "body");
        assert!(
            problems[1].message.contains("cannot be read"),
            "{}",
            problems[1].message
        );
        // The manage link is the confirmation's, not the reminder's.
        let link = check(&REMINDER, "email", "Hi", "{{ manage_link }}");
        assert!(link[0].message.contains("manage_link"));
        assert_eq!(
            check(&BOOKING_CONFIRMED, "email", "Hi", "{{ manage_link }}"),
            []
        );
    }

    #[test]
    fn an_offers_email_must_keep_its_link_and_its_text_need_not() {
        use crate::domain::templates::WAITLIST_OFFER;
        let email = check(&WAITLIST_OFFER, "email", "A time", "{{ when }}");
        assert_eq!(email.len(), 1, "{email:?}");
        assert!(email[0].message.contains("offer_link"));
        assert_eq!(
            check(
                &WAITLIST_OFFER,
                "sms",
                "",
                "{{ when }}. Reply STOP to opt out."
            ),
            []
        );
    }

    #[test]
    fn a_reminder_text_stays_in_gsm_7_whatever_the_time_range_is_written_with() {
        let wording = compose(&REMINDER, "sms", None, &sample(&REMINDER));
        assert!(wording.body.contains("10:00-10:45"), "{}", wording.body);
        let segments = crate::domain::templates::sms_segments(&wording.body);
        assert!(!segments.unicode);
        assert_eq!(segments.segments, 2);
        // WhatsApp has no such cost: its words are left as written.
        assert!(compose(&REMINDER, "whatsapp", None, &sample(&REMINDER))
            .body
            .contains('\u{2013}'));
    }

    #[test]
    fn a_text_must_say_how_to_stop_texts_and_endless_loops_run_out() {
        let problems = check(&REMINDER, "sms", "", "See you {{ when }}");
        assert_eq!(problems[0].field, "body");
        assert!(problems[0].message.contains("STOP"));
        assert_eq!(check(&REMINDER, "whatsapp", "", "See you {{ when }}"), []);
        let looping =
            "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}";
        assert!(render(looping, &Values::new()).is_err());
    }

    #[test]
    fn values_are_written_as_given_and_a_failing_custom_wording_falls_back() {
        let mut values = sample(&REMINDER);
        values.insert("first_name", "<script>alert(1)</script>".into());
        let custom = Some((
            "Hi {{ first_name }}".to_owned(),
            "{{ first_name }}!".to_owned(),
        ));
        let wording = compose(&REMINDER, "email", custom, &values);
        assert_eq!(wording.body, "<script>alert(1)</script>!");
        let broken = Some(("{{ missing }}".to_owned(), "x".to_owned()));
        let wording = compose(&REMINDER, "email", broken, &values);
        assert_eq!(
            wording.subject,
            "Reminder: your Mole and skin check at Juniper Skin & Aesthetics"
        );
    }

    #[test]
    fn a_move_gives_the_link_when_the_patient_has_it_and_the_phone_otherwise() {
        let mut values = sample(&BOOKING_MOVED);
        let with_link = compose(&BOOKING_MOVED, "email", None, &values).body;
        assert!(
            with_link.contains("open:\nhttps://clinic.example/booking/"),
            "{with_link}"
        );
        assert!(
            with_link.contains("(it was Monday 16 March 2026"),
            "{with_link}"
        );
        values.insert("manage_link", String::new());
        let without = compose(&BOOKING_MOVED, "email", None, &values).body;
        assert!(!without.contains("/booking/"), "{without}");
        assert!(
            without.contains("confirmation email, or call 0131 496 0123.\n\nJuniper"),
            "{without}"
        );
    }

    #[test]
    fn a_video_visit_is_joined_by_its_link_and_a_text_or_a_change_without_it_points_to_the_email() {
        let mut values = sample(&REMINDER);
        values.insert("by_video", "yes".to_owned());
        let email = compose(&REMINDER, "email", None, &values).body;
        assert!(
            email.contains("by video.\n\nJoin it from this page"),
            "{email}"
        );
        assert!(email.contains("/booking/…/visit"), "{email}");
        assert!(!email.contains("Cockburn Street"), "{email}");
        values.insert("visit_link", String::new());
        let email = compose(&REMINDER, "email", None, &values).body;
        assert!(
            email.contains("Join it from the link in your confirmation email."),
            "{email}"
        );
        let text = compose(&REMINDER, "sms", None, &values).body;
        assert!(
            text.contains("10:45, by video: join from the link in your email."),
            "{text}"
        );
        let mut moved = sample(&BOOKING_MOVED);
        moved.insert("by_video", "yes".to_owned());
        moved.insert("visit_link", String::new());
        let moved = compose(&BOOKING_MOVED, "email", None, &moved).body;
        assert!(
            moved
                .contains("It is a video visit: join it from the link in your confirmation email."),
            "{moved}"
        );
        assert!(!moved.contains("Where:"), "{moved}");
    }

    #[test]
    fn wording_must_keep_what_the_message_is_for() {
        let problems = check(&BOOKING_CONFIRMED, "email", "Booked", "See you {{ when }}");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "body");
        assert!(problems[0].message.contains("{{ manage_link }}"));
        // In the subject counts too; a broken template is reported for what it is.
        assert_eq!(
            check(&BOOKING_CONFIRMED, "email", "{{ manage_link }}", "Hi"),
            []
        );
        assert_eq!(check(&BOOKING_CONFIRMED, "email", "Hi", "{{ x").len(), 1);
    }
}
