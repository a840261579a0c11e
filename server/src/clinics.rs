//! `lumen create-clinic`: how a platform operator adds a clinic. It runs with the
//! database owner's connection, outside every clinic's row-level security, which a web
//! request never has.

use app::domain::form::FieldProblem;
use app::domain::new_clinic::NewClinicForm;

/// The flags, in the form's field order, with what each one sets.
pub const FLAGS: [(&str, &str); 8] = [
    ("--name", "name"),
    ("--slug", "slug"),
    ("--time-zone", "time_zone"),
    ("--currency", "currency"),
    ("--email", "email"),
    ("--phone", "phone"),
    ("--admin-name", "admin_name"),
    ("--admin-email", "admin_email"),
];

pub const USAGE: &str = "\
lumen create-clinic --name NAME --slug SHORT-NAME --time-zone ZONE --currency CODE
                    --email EMAIL --phone PHONE --admin-name NAME --admin-email EMAIL";

/// Reads `--flag value` pairs (`--flag=value` too) into the form.
pub fn form_from_args(args: &[String]) -> Result<NewClinicForm, String> {
    let mut form = NewClinicForm::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, value) = match arg.split_once('=') {
            Some((flag, value)) => (flag, value.to_owned()),
            None => (
                arg.as_str(),
                args.next()
                    .ok_or_else(|| format!("{arg} needs a value\n\n{USAGE}"))?
                    .clone(),
            ),
        };
        let field = match FLAGS.iter().find(|(f, _)| *f == flag) {
            Some((_, field)) => *field,
            None => return Err(format!("unknown option `{flag}`\n\n{USAGE}")),
        };
        *field_of(&mut form, field) = value;
    }
    Ok(form)
}

fn field_of<'a>(form: &'a mut NewClinicForm, field: &str) -> &'a mut String {
    match field {
        "name" => &mut form.name,
        "slug" => &mut form.slug,
        "time_zone" => &mut form.time_zone,
        "currency" => &mut form.currency,
        "email" => &mut form.email,
        "phone" => &mut form.phone,
        "admin_name" => &mut form.admin_name,
        _ => &mut form.admin_email,
    }
}

/// The problems, each against the flag that sets its field.
pub fn explain(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(|p| {
            let flag = FLAGS
                .iter()
                .find(|(_, field)| *field == p.field)
                .map_or(p.field.as_str(), |(flag, _)| flag);
            format!("  {flag}: {}", p.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &[&str]) -> Vec<String> {
        text.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_fill_the_form_in_either_spelling() {
        let form =
            form_from_args(&args(&["--name", "Birch Aesthetics", "--currency=EUR"])).unwrap();
        assert_eq!(form.name, "Birch Aesthetics");
        assert_eq!(form.currency, "EUR");
        assert_eq!(form.slug, "");
    }

    #[test]
    fn an_unknown_or_empty_flag_is_refused_with_the_usage() {
        assert!(form_from_args(&args(&["--colour", "red"]))
            .unwrap_err()
            .contains("unknown option `--colour`"));
        assert!(form_from_args(&args(&["--name"]))
            .unwrap_err()
            .contains("--name needs a value"));
    }

    #[test]
    fn problems_are_told_against_their_flags() {
        let problems = NewClinicForm::default().parse().unwrap_err();
        let text = explain(&problems);
        assert!(
            text.contains("  --name: Enter the clinic's name."),
            "{text}"
        );
        assert!(text.contains("  --admin-email: "), "{text}");
    }
}
