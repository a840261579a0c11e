//! Configuration from environment variables, with an error that names the variable and
//! says what a good value looks like.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseConfig {
    /// `DATABASE_URL` names a running server.
    External { url: String },
    /// Lumen runs its own PostgreSQL under the data directory.
    Embedded,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub database: DatabaseConfig,
    pub data_dir: PathBuf,
    pub pg_bin_dir: Option<PathBuf>,
    pub pg_user: String,
    pub pg_fsync: bool,
    pub clinic: Option<String>,
    pub seed_demo: bool,
    pub log_format: LogFormat,
    pub max_connections: u32,
    /// Where the public reaches the site, for links in emails; `None`: the listen address.
    pub public_url: Option<String>,
    /// Cloudinary's `cloudinary://key:secret@cloud` URL: public pictures go there.
    pub cloudinary_url: Option<SecretText>,
    /// An SMTP server: email really leaves. `None`: the development mailbox.
    pub email: Option<EmailConfig>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailConfig {
    /// `smtp://` or `smtps://`, with credentials; never shown.
    pub smtp_url: SecretText,
    /// The address messages are sent from (the clinic's name is shown beside it).
    pub from: String,
}

/// A value that must never reach a log: its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(pub String);

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"***\"")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {problem} (got {value:?})")]
pub struct ConfigError {
    pub variable: &'static str,
    pub value: String,
    pub problem: &'static str,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let database = match get("DATABASE_URL") {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                DatabaseConfig::External { url }
            }
            Some(url) => {
                return Err(ConfigError {
                    variable: "DATABASE_URL",
                    value: redact_url(&url),
                    problem: "must start with postgres:// or postgresql://; leave it unset to use the built-in database",
                })
            }
            None => DatabaseConfig::Embedded,
        };

        let log_format = match get("LUMEN_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError {
                    variable: "LUMEN_LOG_FORMAT",
                    value: other.to_owned(),
                    problem: "must be `text` or `json`",
                })
            }
        };

        let max_connections = match get("LUMEN_DB_MAX_CONNECTIONS") {
            None => 10,
            Some(raw) => match raw.parse::<u32>() {
                Ok(n) if (1..=1000).contains(&n) => n,
                _ => {
                    return Err(ConfigError {
                        variable: "LUMEN_DB_MAX_CONNECTIONS",
                        value: raw,
                        problem: "must be a whole number from 1 to 1000",
                    })
                }
            },
        };

        let clinic = match get("LUMEN_CLINIC") {
            Some(slug) if app::domain::slug::Slug::parse(&slug).is_err() => {
                return Err(ConfigError {
                    variable: "LUMEN_CLINIC",
                    value: slug,
                    problem: "must be a clinic's slug: lowercase letters, digits and hyphens",
                })
            }
            other => other,
        };

        let public_url = match get("LUMEN_PUBLIC_URL") {
            None => None,
            Some(url)
                if (url.starts_with("https://") || url.starts_with("http://"))
                    && !url.contains(char::is_whitespace) =>
            {
                Some(url.trim_end_matches('/').to_owned())
            }
            Some(url) => {
                return Err(ConfigError {
                    variable: "LUMEN_PUBLIC_URL",
                    value: url,
                    problem: "must be the site's address, starting with https:// (or http:// for development)",
                })
            }
        };

        let cloudinary_url = match get("CLOUDINARY_URL") {
            None => None,
            Some(url) if app::backend::integrations::media::Cloudinary::from_url(&url).is_ok() => {
                Some(SecretText(url))
            }
            Some(_) => {
                return Err(ConfigError {
                    variable: "CLOUDINARY_URL",
                    value: "***".to_owned(),
                    problem: "must look like cloudinary://API_KEY:API_SECRET@CLOUD_NAME (from the Cloudinary console); leave it unset to keep pictures in the data directory",
                })
            }
        };

        let email = match get("LUMEN_SMTP_URL") {
            None => None,
            Some(url) => {
                let usable = ["smtp://", "smtps://"]
                    .iter()
                    .any(|scheme| url.len() > scheme.len() && url.starts_with(scheme))
                    && !url.contains(char::is_whitespace);
                if !usable {
                    return Err(ConfigError {
                        variable: "LUMEN_SMTP_URL",
                        value: "***".to_owned(),
                        problem: "must look like smtps://USER:PASSWORD@HOST (implicit TLS), smtp://USER:PASSWORD@HOST:587?tls=required (STARTTLS) or smtp://HOST:PORT (a local relay); leave it unset to keep messages in the development mailbox",
                    });
                }
                let from = get("LUMEN_EMAIL_FROM").unwrap_or_default();
                if app::domain::email::Email::parse(&from).is_err() {
                    return Err(ConfigError {
                        variable: "LUMEN_EMAIL_FROM",
                        value: from,
                        problem: "must be the address emails are sent from (one your SMTP provider lets you send as), such as bookings@your-clinic.example",
                    });
                }
                Some(EmailConfig {
                    smtp_url: SecretText(url),
                    from,
                })
            }
        };

        Ok(Config {
            database,
            data_dir: get("LUMEN_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(".data")),
            pg_bin_dir: get("LUMEN_PG_BIN_DIR").map(PathBuf::from),
            pg_user: get("LUMEN_PG_USER").unwrap_or_else(|| "postgres".to_owned()),
            pg_fsync: flag(&get, "LUMEN_PG_FSYNC", true)?,
            clinic,
            seed_demo: flag(&get, "LUMEN_SEED_DEMO", true)?,
            log_format,
            max_connections,
            public_url,
            cloudinary_url,
            email,
        })
    }
}

fn flag(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(variable).map(|v| v.to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError {
            variable,
            value: other.to_owned(),
            problem: "must be true or false",
        }),
    }
}

/// A database URL fit for an error message: the password is replaced.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &credentials[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_run_the_embedded_demo() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database, DatabaseConfig::Embedded);
        assert_eq!(c.data_dir, PathBuf::from(".data"));
        assert_eq!(c.pg_user, "postgres");
        assert!(c.seed_demo && c.pg_fsync);
        assert_eq!(c.log_format, LogFormat::Text);
        assert_eq!(c.max_connections, 10);
    }

    #[test]
    fn a_cloudinary_url_is_checked_and_never_shown() {
        assert_eq!(config(&[]).unwrap().cloudinary_url, None);
        let c = config(&[("CLOUDINARY_URL", "cloudinary://key:s3cret@clinic")]).unwrap();
        assert!(c.cloudinary_url.is_some());
        assert!(!format!("{c:?}").contains("s3cret"));
        let error = config(&[("CLOUDINARY_URL", "https://key:s3cret@clinic")]).unwrap_err();
        assert_eq!(error.variable, "CLOUDINARY_URL");
        assert!(!error.to_string().contains("s3cret"));
    }

    #[test]
    fn an_smtp_server_needs_a_sending_address_and_is_never_shown() {
        assert_eq!(config(&[]).unwrap().email, None);
        let c = config(&[
            ("LUMEN_SMTP_URL", "smtps://user:s3cret@smtp.example"),
            ("LUMEN_EMAIL_FROM", "bookings@clinic.example"),
        ])
        .unwrap();
        assert_eq!(c.email.as_ref().unwrap().from, "bookings@clinic.example");
        assert!(!format!("{c:?}").contains("s3cret"));
        let e = config(&[("LUMEN_SMTP_URL", "smtps://user:s3cret@smtp.example")]).unwrap_err();
        assert_eq!(e.variable, "LUMEN_EMAIL_FROM");
        let e = config(&[
            ("LUMEN_SMTP_URL", "https://user:s3cret@smtp.example"),
            ("LUMEN_EMAIL_FROM", "bookings@clinic.example"),
        ])
        .unwrap_err();
        assert_eq!(e.variable, "LUMEN_SMTP_URL");
        assert!(!e.to_string().contains("s3cret"));
    }

    #[test]
    fn a_database_url_selects_that_server() {
        let c = config(&[("DATABASE_URL", "postgres://u:p@db/lumen")]).unwrap();
        assert_eq!(
            c.database,
            DatabaseConfig::External {
                url: "postgres://u:p@db/lumen".into()
            }
        );
    }

    #[test]
    fn bad_values_name_the_variable_and_hide_passwords() {
        let e = config(&[("DATABASE_URL", "mysql://u:secret@db/x")]).unwrap_err();
        assert_eq!(e.variable, "DATABASE_URL");
        assert!(!e.to_string().contains("secret"), "{e}");

        let e = config(&[("LUMEN_LOG_FORMAT", "xml")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "LUMEN_LOG_FORMAT: must be `text` or `json` (got \"xml\")"
        );

        assert_eq!(
            config(&[("LUMEN_DB_MAX_CONNECTIONS", "0")])
                .unwrap_err()
                .variable,
            "LUMEN_DB_MAX_CONNECTIONS"
        );
        assert_eq!(
            config(&[("LUMEN_SEED_DEMO", "maybe")])
                .unwrap_err()
                .variable,
            "LUMEN_SEED_DEMO"
        );
        assert_eq!(
            config(&[("LUMEN_CLINIC", "Not A Slug")])
                .unwrap_err()
                .variable,
            "LUMEN_CLINIC"
        );
    }

    #[test]
    fn the_public_address_is_a_web_address_without_a_trailing_slash() {
        assert_eq!(config(&[]).unwrap().public_url, None);
        assert_eq!(
            config(&[("LUMEN_PUBLIC_URL", "https://clinic.example/")])
                .unwrap()
                .public_url
                .as_deref(),
            Some("https://clinic.example")
        );
        for bad in ["clinic.example", "ftp://clinic.example", "https://a b"] {
            assert_eq!(
                config(&[("LUMEN_PUBLIC_URL", bad)]).unwrap_err().variable,
                "LUMEN_PUBLIC_URL",
                "{bad}"
            );
        }
    }

    #[test]
    fn flags_accept_the_usual_spellings() {
        assert!(!config(&[("LUMEN_SEED_DEMO", "off")]).unwrap().seed_demo);
        assert!(!config(&[("LUMEN_PG_FSYNC", "FALSE")]).unwrap().pg_fsync);
        assert!(config(&[("LUMEN_SEED_DEMO", "1")]).unwrap().seed_demo);
    }

    #[test]
    fn urls_without_passwords_are_unchanged() {
        assert_eq!(
            redact_url("postgres://lumen@localhost/lumen"),
            "postgres://lumen@localhost/lumen"
        );
        assert_eq!(redact_url("postgres://a:b@h/d"), "postgres://a:***@h/d");
    }
}
