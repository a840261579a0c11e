//! Configuration from environment variables, with an error that names the variable and
//! says what a good value looks like.

use app::backend::auth::sealing::SecretKeys;
use app::backend::store::housekeeping::Retention;
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
    /// How requests log in (`LUMEN_APP_DATABASE_URL`): as `lumen_app`. Unset: the owner
    /// makes `lumen_app` a login role (`database::request_login`).
    pub app_database_url: Option<SecretText>,
    pub data_dir: PathBuf,
    pub pg_bin_dir: Option<PathBuf>,
    pub pg_user: String,
    pub pg_fsync: bool,
    pub clinic: Option<String>,
    pub seed_demo: bool,
    /// Lets a server whose public address is not this machine run with the demo's
    /// published accounts present (`LUMEN_ALLOW_DEMO_ACCOUNTS`): a staging demo, say.
    pub allow_demo_accounts: bool,
    pub log_format: LogFormat,
    pub max_connections: u32,
    /// How long unconfirmed registrations and sent messages are kept.
    pub retention: Retention,
    /// How much memory public pages may be kept in (`LUMEN_PAGE_CACHE_MB`, 0 to keep none).
    pub page_cache: crate::page_cache::Limits,
    /// Proxies whose `X-Forwarded-For` is believed (`LUMEN_TRUSTED_PROXIES`): without any,
    /// every visitor is the address that connected.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Where the public reaches the site, for links in emails; `None`: the listen address.
    pub public_url: Option<String>,
    /// The key stored secrets are sealed with (`LUMEN_SECRET_KEY`, base64) and the keys it
    /// replaced, which only open (`LUMEN_PREVIOUS_SECRET_KEYS`). See `Config::secret_keys`.
    pub secret_key: Option<SecretText>,
    pub previous_secret_keys: Vec<SecretText>,
    /// Webhook deliveries may reach private and loopback addresses
    /// (`LUMEN_WEBHOOKS_ALLOW_PRIVATE`): for receivers on the operator's own network.
    pub webhooks_allow_private: bool,
    /// The bearer token `/metrics` answers (`LUMEN_METRICS_TOKEN`); unset: no `/metrics`.
    pub metrics_token: Option<SecretText>,
    /// Cloudinary's `cloudinary://key:secret@cloud` URL: public pictures go there.
    pub cloudinary_url: Option<SecretText>,
    /// An SMTP server: email really leaves. `None`: the development mailbox.
    pub email: Option<EmailConfig>,
    /// Twilio, for texts and WhatsApp: `LUMEN_TWILIO_*`.
    pub texts: Option<TextsConfig>,
    /// Stripe, for payments online: `LUMEN_STRIPE_*`.
    pub stripe: Option<StripeSettings>,
    /// A model behind an OpenAI-compatible API for the assistant; `None`: the built-in engine.
    pub assistant: Option<AssistantSettings>,
    /// Razorpay, for payments online: `LUMEN_RAZORPAY_*`.
    pub razorpay: Option<RazorpaySettings>,
    /// A practice-management system that keeps the clinic's calendar: `LUMEN_PRACTICE_*`;
    /// `None`: Lumen's own calendar.
    pub practice: Option<app::backend::integrations::practice::PracticeConfig>,
    /// The STUN and TURN servers video visits use: `LUMEN_STUN_URLS`, `LUMEN_TURN_URLS`,
    /// `LUMEN_TURN_SECRET`.
    pub ice: app::backend::video::ice::IceSettings,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RazorpaySettings {
    pub api: String,
    pub checkout_js: String,
    pub key_id: String,
    pub key_secret: SecretText,
    /// Every webhook secret accepted; more than one while rotating.
    pub webhook_secrets: Vec<SecretText>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssistantSettings {
    /// Up to the API's version: `https://api.openai.com/v1`, `http://localhost:11434/v1`.
    pub url: String,
    pub model: String,
    pub key: Option<SecretText>,
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeSettings {
    pub api: String,
    pub secret_key: SecretText,
    /// Every webhook endpoint secret accepted; more than one while rotating.
    pub webhook_secrets: Vec<SecretText>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextsConfig {
    pub api: String,
    pub account_sid: String,
    pub auth_token: SecretText,
    pub sms_from: Option<String>,
    pub whatsapp_from: Option<String>,
    /// Approved WhatsApp templates by message kind.
    pub whatsapp_templates: Vec<(String, String)>,
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

        let max_connections = whole_number(
            &get,
            "LUMEN_DB_MAX_CONNECTIONS",
            10,
            1..=1000,
            "must be a whole number from 1 to 1000",
        )?;
        let trusted_proxies = match get("LUMEN_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(raw) => {
                let parsed: Result<Vec<std::net::IpAddr>, _> = raw
                    .split(',')
                    .map(str::trim)
                    .filter(|entry| !entry.is_empty())
                    .map(str::parse)
                    .collect();
                parsed.map_err(|_| ConfigError {
                    variable: "LUMEN_TRUSTED_PROXIES",
                    value: raw.clone(),
                    problem: "must be the proxies' IP addresses, separated by commas (such as 10.0.0.2, ::1)",
                })?
            }
        };
        let retention = Retention {
            unconfirmed_accounts: chrono::Duration::days(
                whole_number(
                    &get,
                    "LUMEN_UNCONFIRMED_ACCOUNT_DAYS",
                    7,
                    1..=365,
                    "must be a whole number of days from 1 to 365",
                )?
                .into(),
            ),
            sent_messages: chrono::Duration::days(
                whole_number(
                    &get,
                    "LUMEN_MESSAGE_RETENTION_DAYS",
                    365,
                    30..=3650,
                    "must be a whole number of days from 30 to 3650",
                )?
                .into(),
            ),
        };

        let page_cache = match whole_number(
            &get,
            "LUMEN_PAGE_CACHE_MB",
            64,
            0..=4096,
            "must be a whole number of megabytes from 0 (keep no pages) to 4096",
        )? {
            0 => crate::page_cache::Limits::OFF,
            megabytes => crate::page_cache::Limits {
                bytes: megabytes as usize * 1024 * 1024,
                ..crate::page_cache::Limits::DEFAULT
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

        let texts = texts(&get, public_url.is_some())?;
        let stripe = stripe(&get)?;
        let assistant = assistant(&get)?;
        let razorpay = razorpay(&get)?;
        let practice = practice(&get)?;
        let ice = ice(&get)?;

        Ok(Config {
            database,
            app_database_url: get("LUMEN_APP_DATABASE_URL").map(SecretText),
            data_dir: get("LUMEN_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(".data")),
            pg_bin_dir: get("LUMEN_PG_BIN_DIR").map(PathBuf::from),
            pg_user: get("LUMEN_PG_USER").unwrap_or_else(|| "postgres".to_owned()),
            pg_fsync: flag(&get, "LUMEN_PG_FSYNC", true)?,
            clinic,
            // The demo's accounts have published passwords: only a demo asks for them.
            seed_demo: flag(&get, "LUMEN_SEED_DEMO", false)?,
            allow_demo_accounts: flag(&get, "LUMEN_ALLOW_DEMO_ACCOUNTS", false)?,
            webhooks_allow_private: flag(&get, "LUMEN_WEBHOOKS_ALLOW_PRIVATE", false)?,
            log_format,
            max_connections,
            retention,
            page_cache,
            trusted_proxies,
            public_url,
            secret_key: get("LUMEN_SECRET_KEY").map(SecretText),
            previous_secret_keys: secrets(get("LUMEN_PREVIOUS_SECRET_KEYS")),
            metrics_token: get("LUMEN_METRICS_TOKEN").map(SecretText),
            cloudinary_url,
            email,
            texts,
            stripe,
            assistant,
            razorpay,
            practice,
            ice,
        })
    }
}

impl Config {
    /// The keys that seal stored secrets. Without `LUMEN_SECRET_KEY`, a server only this
    /// machine reaches uses the published development key; one reached from elsewhere
    /// refuses to start, since its sealed secrets would open for anyone.
    pub fn secret_keys(&self, public_url: &str) -> Result<SecretKeys, String> {
        match &self.secret_key {
            Some(current) => {
                let previous: Vec<&str> = self
                    .previous_secret_keys
                    .iter()
                    .map(|key| key.0.as_str())
                    .collect();
                SecretKeys::from_base64(&current.0, &previous)
            }
            None if is_loopback_url(public_url) => Ok(SecretKeys::development()),
            None => Err(format!(
                "this server's public address is {public_url}, and LUMEN_SECRET_KEY is not set: \
                 staff's authenticator keys would be sealed with the published development \
                 key. Set LUMEN_SECRET_KEY to 32 random bytes in base64 (make one with \
                 `head -c 32 /dev/urandom | base64`) and keep it as safe as the database"
            )),
        }
    }
}

/// A list of secrets separated by commas (several while one is rotated).
fn secrets(value: Option<String>) -> Vec<SecretText> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| SecretText(s.to_owned()))
        .collect()
}

/// Razorpay's keys, when `LUMEN_RAZORPAY_KEY_ID` is set.
fn razorpay(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<RazorpaySettings>, ConfigError> {
    let Some(key_id) = get("LUMEN_RAZORPAY_KEY_ID") else {
        return Ok(None);
    };
    if !key_id.starts_with("rzp_") {
        return Err(ConfigError {
            variable: "LUMEN_RAZORPAY_KEY_ID",
            value: key_id,
            problem: "must be the key id from Razorpay's dashboard (rzp_test_… or rzp_live_…)",
        });
    }
    let Some(key_secret) = get("LUMEN_RAZORPAY_KEY_SECRET").filter(|s| !s.trim().is_empty()) else {
        return Err(ConfigError {
            variable: "LUMEN_RAZORPAY_KEY_SECRET",
            value: String::new(),
            problem: "must be set with LUMEN_RAZORPAY_KEY_ID: the key's secret, shown once when the key was made",
        });
    };
    let webhook_secrets = secrets(get("LUMEN_RAZORPAY_WEBHOOK_SECRETS"));
    if webhook_secrets.is_empty() {
        return Err(ConfigError {
            variable: "LUMEN_RAZORPAY_WEBHOOK_SECRETS",
            value: String::new(),
            problem: "must be set with LUMEN_RAZORPAY_KEY_ID: the secret chosen for the webhook, or several separated by commas while rotating",
        });
    }
    use app::backend::integrations::payments::razorpay;
    let api = get("LUMEN_RAZORPAY_API_URL")
        .map(|url| url.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| razorpay::API.to_owned());
    // The stand-in serves its checkout script beside its API.
    let checkout_js = match api.as_str() {
        razorpay::API => razorpay::CHECKOUT_JS.to_owned(),
        local => format!("{local}/v1/checkout.js"),
    };
    Ok(Some(RazorpaySettings {
        api,
        checkout_js,
        key_id,
        key_secret: SecretText(key_secret.trim().to_owned()),
        webhook_secrets,
    }))
}

/// The practice system bookings go through: its API's address, the key it gave Lumen, and
/// the centre Lumen books at, all three or none.
fn practice(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<app::backend::integrations::practice::PracticeConfig>, ConfigError> {
    let Some(api) = get("LUMEN_PRACTICE_API_URL") else {
        return Ok(None);
    };
    if !(api.starts_with("https://") || api.starts_with("http://")) {
        return Err(ConfigError {
            variable: "LUMEN_PRACTICE_API_URL",
            value: api,
            problem: "must be the practice system's API address, starting with https://",
        });
    }
    let needed = |variable: &'static str, problem: &'static str| {
        get(variable)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or(ConfigError {
                variable,
                value: String::new(),
                problem,
            })
    };
    let api_key = needed(
        "LUMEN_PRACTICE_API_KEY",
        "must be set with LUMEN_PRACTICE_API_URL: the API key the practice system gave the clinic",
    )?;
    let center = needed(
        "LUMEN_PRACTICE_CENTER",
        "must be set with LUMEN_PRACTICE_API_URL: the practice system's id for the clinic's centre",
    )?;
    Ok(Some(app::backend::integrations::practice::PracticeConfig {
        api: api.trim_end_matches('/').to_owned(),
        api_key,
        center,
    }))
}

/// Video visits' network paths: STUN servers, and TURN servers with the secret shared
/// with them (both or neither), each a comma-separated list of `stun:`, `turn:` or
/// `turns:` URLs.
fn ice(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<app::backend::video::ice::IceSettings, ConfigError> {
    let urls = |variable: &'static str, schemes: &[&str]| -> Result<Vec<String>, ConfigError> {
        let urls: Vec<String> = get(variable)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
            .collect();
        match urls.iter().find(|u| !schemes.iter().any(|s| u.starts_with(s))) {
            Some(wrong) => Err(ConfigError {
                variable,
                value: wrong.clone(),
                problem: "must be a comma-separated list of stun: (LUMEN_STUN_URLS) or turn: and turns: (LUMEN_TURN_URLS) URLs, such as turn:turn.example.org:3478",
            }),
            None => Ok(urls),
        }
    };
    let stun_urls = urls("LUMEN_STUN_URLS", &["stun:", "stuns:"])?;
    let turn_urls = urls("LUMEN_TURN_URLS", &["turn:", "turns:"])?;
    let turn_secret = get("LUMEN_TURN_SECRET").filter(|s| !s.trim().is_empty());
    if turn_urls.is_empty() != turn_secret.is_none() {
        return Err(ConfigError {
            variable: if turn_urls.is_empty() { "LUMEN_TURN_URLS" } else { "LUMEN_TURN_SECRET" },
            value: String::new(),
            problem: "LUMEN_TURN_URLS and LUMEN_TURN_SECRET go together: the TURN servers, and the secret shared with them (coturn's static-auth-secret)",
        });
    }
    Ok(app::backend::video::ice::IceSettings {
        stun_urls,
        turn_urls,
        turn_secret,
    })
}

/// A model for the assistant, when `LUMEN_ASSISTANT_URL` is set.
fn assistant(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<AssistantSettings>, ConfigError> {
    let (url, model) = match (get("LUMEN_ASSISTANT_URL"), get("LUMEN_ASSISTANT_MODEL")) {
        (None, None) => return Ok(None),
        (Some(url), Some(model)) => (url, model),
        (url, _) => {
            return Err(ConfigError {
                variable: if url.is_none() { "LUMEN_ASSISTANT_URL" } else { "LUMEN_ASSISTANT_MODEL" },
                value: String::new(),
                problem: "LUMEN_ASSISTANT_URL and LUMEN_ASSISTANT_MODEL go together: the API's base URL (up to /v1) and the model's name",
            })
        }
    };
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(ConfigError {
            variable: "LUMEN_ASSISTANT_URL",
            value: url,
            problem: "must be the API's base URL, such as https://api.openai.com/v1 or http://localhost:11434/v1",
        });
    }
    let timeout_secs = match get("LUMEN_ASSISTANT_TIMEOUT_SECS") {
        None => 20,
        Some(raw) => match raw.parse::<u64>() {
            Ok(secs) if (1..=120).contains(&secs) => secs,
            _ => {
                return Err(ConfigError {
                    variable: "LUMEN_ASSISTANT_TIMEOUT_SECS",
                    value: raw,
                    problem: "must be a whole number of seconds from 1 to 120",
                })
            }
        },
    };
    Ok(Some(AssistantSettings {
        url: url.trim_end_matches('/').to_owned(),
        model,
        key: get("LUMEN_ASSISTANT_KEY").map(SecretText),
        timeout_secs,
    }))
}

fn stripe(get: &impl Fn(&str) -> Option<String>) -> Result<Option<StripeSettings>, ConfigError> {
    let Some(secret_key) = get("LUMEN_STRIPE_SECRET_KEY") else {
        return Ok(None);
    };
    if !secret_key.starts_with("sk_") && !secret_key.starts_with("rk_") {
        // Never echo what was given: it may be a live key pasted into the wrong place.
        return Err(ConfigError {
            variable: "LUMEN_STRIPE_SECRET_KEY",
            value: String::new(),
            problem: "must be a secret or restricted key from Stripe's dashboard (sk_… or rk_…), never the publishable key",
        });
    }
    let webhook_secrets = secrets(get("LUMEN_STRIPE_WEBHOOK_SECRETS"));
    if webhook_secrets.is_empty() || webhook_secrets.iter().any(|s| !s.0.starts_with("whsec_")) {
        return Err(ConfigError {
            variable: "LUMEN_STRIPE_WEBHOOK_SECRETS",
            value: String::new(),
            problem: "must be set with LUMEN_STRIPE_SECRET_KEY: the webhook endpoint's signing secret (whsec_…), or several separated by commas while rotating",
        });
    }
    let api = get("LUMEN_STRIPE_API_URL")
        .map(|url| url.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| app::backend::integrations::payments::stripe::API.to_owned());
    Ok(Some(StripeSettings {
        api,
        secret_key: SecretText(secret_key),
        webhook_secrets,
    }))
}

fn is_hex_id(value: &str, prefix: &str) -> bool {
    value.len() == prefix.len() + 32
        && value.starts_with(prefix)
        && value[prefix.len()..].chars().all(|c| c.is_ascii_hexdigit())
}

fn is_e164(value: &str) -> bool {
    app::domain::phone::E164::parse(value, None).is_ok_and(|n| n.as_str() == value)
}

/// Twilio's account and senders, when `LUMEN_TWILIO_ACCOUNT_SID` is set.
fn texts(
    get: &impl Fn(&str) -> Option<String>,
    has_public_url: bool,
) -> Result<Option<TextsConfig>, ConfigError> {
    let Some(account_sid) = get("LUMEN_TWILIO_ACCOUNT_SID") else {
        return Ok(None);
    };
    let refuse = |variable: &'static str, value: String, problem: &'static str| ConfigError {
        variable,
        value,
        problem,
    };
    if !is_hex_id(&account_sid, "AC") {
        return Err(refuse("LUMEN_TWILIO_ACCOUNT_SID", account_sid, "must be the Account SID from Twilio's console: AC and 32 hexadecimal digits; leave it unset to keep texts in the development mailbox"));
    }
    let Some(auth_token) = get("LUMEN_TWILIO_AUTH_TOKEN") else {
        return Err(refuse("LUMEN_TWILIO_AUTH_TOKEN", String::new(), "must be set with LUMEN_TWILIO_ACCOUNT_SID: the Auth Token from Twilio's console (it also signs Twilio's callbacks)"));
    };
    if !has_public_url {
        return Err(refuse("LUMEN_PUBLIC_URL", String::new(), "must be set when Twilio is: Twilio reports on messages to this address, and its callbacks are signed over it"));
    }
    let sms_from = get("LUMEN_TWILIO_SMS_FROM");
    if let Some(from) = &sms_from {
        if !is_e164(from) && !is_hex_id(from, "MG") {
            return Err(refuse("LUMEN_TWILIO_SMS_FROM", from.clone(), "must be the sending number in E.164 (+447700900123) or a Messaging Service SID (MG…)"));
        }
    }
    let whatsapp_from = get("LUMEN_TWILIO_WHATSAPP_FROM");
    if let Some(from) = &whatsapp_from {
        if !is_e164(from) {
            return Err(refuse(
                "LUMEN_TWILIO_WHATSAPP_FROM",
                from.clone(),
                "must be the WhatsApp sender's number in E.164, such as +447700900123",
            ));
        }
    }
    if sms_from.is_none() && whatsapp_from.is_none() {
        return Err(refuse("LUMEN_TWILIO_SMS_FROM", String::new(), "must be set (or LUMEN_TWILIO_WHATSAPP_FROM) with LUMEN_TWILIO_ACCOUNT_SID: the number messages come from"));
    }
    let mut whatsapp_templates = Vec::new();
    for pair in get("LUMEN_TWILIO_WHATSAPP_TEMPLATES")
        .unwrap_or_default()
        .split(',')
        .filter(|p| !p.trim().is_empty())
    {
        match pair.split_once('=') {
            Some((kind, sid)) if !kind.trim().is_empty() && is_hex_id(sid.trim(), "HX") => {
                whatsapp_templates.push((kind.trim().to_owned(), sid.trim().to_owned()));
            }
            _ => {
                return Err(refuse("LUMEN_TWILIO_WHATSAPP_TEMPLATES", pair.to_owned(), "must be message kinds and approved Content SIDs, such as reminder=HX0123…,booking_confirmed=HX4567…"));
            }
        }
    }
    let api = get("LUMEN_TWILIO_API_URL")
        .map(|url| url.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| app::backend::integrations::messaging::twilio::API.to_owned());
    Ok(Some(TextsConfig {
        api,
        account_sid,
        auth_token: SecretText(auth_token),
        sms_from,
        whatsapp_from,
        whatsapp_templates,
    }))
}

/// True when `url` (`http(s)://host[:port][/…]`) names this machine: `localhost`, a
/// `.localhost` name, or a loopback address. Only such a server may carry the demo's
/// published accounts without being told to.
pub fn is_loopback_url(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_and_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = match host_and_port.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => host_and_port.split(':').next().unwrap_or_default(),
    }
    .to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

fn whole_number(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: u32,
    allowed: std::ops::RangeInclusive<u32>,
    problem: &'static str,
) -> Result<u32, ConfigError> {
    match get(variable) {
        None => Ok(default),
        Some(raw) => match raw.trim().parse::<u32>() {
            Ok(n) if allowed.contains(&n) => Ok(n),
            _ => Err(ConfigError {
                variable,
                value: raw,
                problem,
            }),
        },
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
    fn defaults_run_the_embedded_database_without_the_demos_accounts() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database, DatabaseConfig::Embedded);
        assert_eq!(c.data_dir, PathBuf::from(".data"));
        assert_eq!(c.pg_user, "postgres");
        assert!(c.pg_fsync);
        assert!(
            !c.seed_demo,
            "the demo's published passwords only when asked for"
        );
        assert_eq!(c.log_format, LogFormat::Text);
        assert_eq!(c.max_connections, 10);
    }

    #[test]
    fn a_server_reached_from_elsewhere_needs_a_secret_key_of_its_own() {
        let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let local = config(&[])
            .unwrap()
            .secret_keys("http://127.0.0.1:3000")
            .unwrap();
        assert!(local.is_development());
        let refused = config(&[])
            .unwrap()
            .secret_keys("https://clinic.example")
            .unwrap_err();
        assert!(refused.contains("LUMEN_SECRET_KEY is not set"), "{refused}");
        assert!(
            refused.contains("head -c 32 /dev/urandom | base64"),
            "{refused}"
        );
        let own = config(&[("LUMEN_SECRET_KEY", key)]).unwrap();
        assert!(!own
            .secret_keys("https://clinic.example")
            .unwrap()
            .is_development());
        assert!(
            !format!("{own:?}").contains(key),
            "the key never reaches a log"
        );
        let rotating = config(&[
            ("LUMEN_SECRET_KEY", key),
            ("LUMEN_PREVIOUS_SECRET_KEYS", "c2hvcnQ="),
        ])
        .unwrap();
        let bad = rotating.secret_keys("https://clinic.example").unwrap_err();
        assert!(
            bad.contains("key 1 of LUMEN_PREVIOUS_SECRET_KEYS must be 32 random bytes"),
            "{bad}"
        );
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
    fn a_practice_system_needs_its_key_and_centre_and_the_key_is_never_shown() {
        assert_eq!(config(&[]).unwrap().practice, None);
        let c = config(&[
            ("LUMEN_PRACTICE_API_URL", "https://api.practice.example/"),
            ("LUMEN_PRACTICE_API_KEY", "pk-s3cret"),
            ("LUMEN_PRACTICE_CENTER", "ctr-1"),
        ])
        .unwrap();
        let practice = c.practice.as_ref().unwrap();
        assert_eq!(
            (practice.api.as_str(), practice.center.as_str()),
            ("https://api.practice.example", "ctr-1")
        );
        assert!(!format!("{c:?}").contains("pk-s3cret"));
        let refused =
            config(&[("LUMEN_PRACTICE_API_URL", "https://api.practice.example")]).unwrap_err();
        assert_eq!(refused.variable, "LUMEN_PRACTICE_API_KEY");
        let refused = config(&[
            ("LUMEN_PRACTICE_API_URL", "https://api.practice.example"),
            ("LUMEN_PRACTICE_API_KEY", "pk-s3cret"),
        ])
        .unwrap_err();
        assert_eq!(refused.variable, "LUMEN_PRACTICE_CENTER");
        let refused = config(&[("LUMEN_PRACTICE_API_URL", "api.practice.example")]).unwrap_err();
        assert_eq!(refused.variable, "LUMEN_PRACTICE_API_URL");
    }

    #[test]
    fn razorpay_needs_its_key_secret_and_webhook_secrets_and_they_are_never_shown() {
        assert_eq!(config(&[]).unwrap().razorpay, None);
        let c = config(&[
            ("LUMEN_RAZORPAY_KEY_ID", "rzp_test_abc"),
            ("LUMEN_RAZORPAY_KEY_SECRET", "s3cret"),
            ("LUMEN_RAZORPAY_WEBHOOK_SECRETS", "new, old"),
        ])
        .unwrap();
        let razorpay = c.razorpay.as_ref().unwrap();
        assert_eq!(razorpay.api, "https://api.razorpay.com");
        assert_eq!(
            razorpay.checkout_js,
            "https://checkout.razorpay.com/v1/checkout.js"
        );
        assert_eq!(razorpay.webhook_secrets.len(), 2);
        assert!(!format!("{c:?}").contains("s3cret"));
        let refused = config(&[("LUMEN_RAZORPAY_KEY_ID", "rzp_test_abc")]).unwrap_err();
        assert_eq!(refused.variable, "LUMEN_RAZORPAY_KEY_SECRET");
        let refused = config(&[
            ("LUMEN_RAZORPAY_KEY_ID", "rzp_test_abc"),
            ("LUMEN_RAZORPAY_KEY_SECRET", "s3cret"),
        ])
        .unwrap_err();
        assert_eq!(refused.variable, "LUMEN_RAZORPAY_WEBHOOK_SECRETS");
        let local = config(&[
            ("LUMEN_RAZORPAY_KEY_ID", "rzp_test_abc"),
            ("LUMEN_RAZORPAY_KEY_SECRET", "s3cret"),
            ("LUMEN_RAZORPAY_WEBHOOK_SECRETS", "new"),
            ("LUMEN_RAZORPAY_API_URL", "http://127.0.0.1:4100/"),
        ])
        .unwrap();
        assert_eq!(
            local.razorpay.unwrap().checkout_js,
            "http://127.0.0.1:4100/v1/checkout.js"
        );
    }

    #[test]
    fn video_visits_take_stun_and_turn_servers_and_turn_needs_its_secret() {
        let none = config(&[]).unwrap().ice;
        assert!(none.stun_urls.is_empty() && !none.has_turn());
        let ice = config(&[
            ("LUMEN_STUN_URLS", "stun:stun.example.org:3478"),
            (
                "LUMEN_TURN_URLS",
                "turn:turn.example.org:3478, turns:turn.example.org:5349",
            ),
            ("LUMEN_TURN_SECRET", "north"),
        ])
        .unwrap()
        .ice;
        assert_eq!(ice.turn_urls.len(), 2);
        assert!(ice.has_turn());
        let alone = config(&[("LUMEN_TURN_URLS", "turn:turn.example.org:3478")]).unwrap_err();
        assert_eq!(alone.variable, "LUMEN_TURN_SECRET");
        let wrong = config(&[("LUMEN_STUN_URLS", "https://stun.example.org")]).unwrap_err();
        assert_eq!(wrong.variable, "LUMEN_STUN_URLS");
    }

    #[test]
    fn a_model_for_the_assistant_needs_its_url_and_name_and_its_key_is_never_shown() {
        assert_eq!(config(&[]).unwrap().assistant, None);
        let c = config(&[
            ("LUMEN_ASSISTANT_URL", "http://localhost:11434/v1/"),
            ("LUMEN_ASSISTANT_MODEL", "llama3.1"),
            ("LUMEN_ASSISTANT_KEY", "sk-secret-model-key"),
        ])
        .unwrap();
        let settings = c.assistant.as_ref().unwrap();
        assert_eq!(settings.url, "http://localhost:11434/v1");
        assert_eq!(settings.timeout_secs, 20);
        assert!(!format!("{c:?}").contains("sk-secret-model-key"));
        let missing = config(&[("LUMEN_ASSISTANT_URL", "http://localhost:11434/v1")]).unwrap_err();
        assert_eq!(missing.variable, "LUMEN_ASSISTANT_MODEL");
        let bad = config(&[
            ("LUMEN_ASSISTANT_URL", "localhost:11434"),
            ("LUMEN_ASSISTANT_MODEL", "llama3.1"),
        ])
        .unwrap_err();
        assert_eq!(bad.variable, "LUMEN_ASSISTANT_URL");
        let slow = config(&[
            ("LUMEN_ASSISTANT_URL", "http://localhost:11434/v1"),
            ("LUMEN_ASSISTANT_MODEL", "llama3.1"),
            ("LUMEN_ASSISTANT_TIMEOUT_SECS", "0"),
        ])
        .unwrap_err();
        assert_eq!(slow.variable, "LUMEN_ASSISTANT_TIMEOUT_SECS");
    }

    #[test]
    fn stripe_needs_a_secret_key_and_its_webhook_secrets_and_they_are_never_shown() {
        let full = [
            ("LUMEN_STRIPE_SECRET_KEY", "sk_test_s3cret"),
            ("LUMEN_STRIPE_WEBHOOK_SECRETS", "whsec_new, whsec_old"),
        ];
        assert_eq!(config(&[]).unwrap().stripe, None);
        let c = config(&full).unwrap();
        let stripe = c.stripe.as_ref().unwrap();
        assert_eq!(stripe.api, "https://api.stripe.com");
        assert_eq!(stripe.webhook_secrets.len(), 2);
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret") && !shown.contains("whsec_new"));
        let refused = config(&[("LUMEN_STRIPE_SECRET_KEY", "sk_test_s3cret")]).unwrap_err();
        assert_eq!(refused.variable, "LUMEN_STRIPE_WEBHOOK_SECRETS");
        let refused = config(&[
            ("LUMEN_STRIPE_SECRET_KEY", "pk_test_published"),
            ("LUMEN_STRIPE_WEBHOOK_SECRETS", "whsec_new"),
        ])
        .unwrap_err();
        assert_eq!(refused.variable, "LUMEN_STRIPE_SECRET_KEY");
        assert!(!refused.to_string().contains("pk_test_published"));
    }

    #[test]
    fn twilio_needs_its_token_a_sender_and_the_public_address_and_is_never_shown() {
        const SID: &str = "AC0123456789abcdef0123456789abcdef";
        let full = [
            ("LUMEN_TWILIO_ACCOUNT_SID", SID),
            ("LUMEN_TWILIO_AUTH_TOKEN", "t0ken-s3cret"),
            ("LUMEN_TWILIO_SMS_FROM", "+447700900001"),
            (
                "LUMEN_TWILIO_WHATSAPP_TEMPLATES",
                "reminder=HX0123456789abcdef0123456789abcdef",
            ),
            ("LUMEN_PUBLIC_URL", "https://clinic.example"),
        ];
        assert_eq!(config(&[]).unwrap().texts, None);
        let c = config(&full).unwrap();
        let texts = c.texts.as_ref().unwrap();
        assert_eq!(texts.api, "https://api.twilio.com");
        assert_eq!(texts.whatsapp_templates[0].0, "reminder");
        assert!(!format!("{c:?}").contains("s3cret"));
        let without = |name: &str| {
            let vars: Vec<_> = full.iter().copied().filter(|(k, _)| *k != name).collect();
            config(&vars).unwrap_err().variable
        };
        assert_eq!(
            without("LUMEN_TWILIO_AUTH_TOKEN"),
            "LUMEN_TWILIO_AUTH_TOKEN"
        );
        assert_eq!(without("LUMEN_TWILIO_SMS_FROM"), "LUMEN_TWILIO_SMS_FROM");
        assert_eq!(without("LUMEN_PUBLIC_URL"), "LUMEN_PUBLIC_URL");
        let with = |name: &'static str, value: &'static str| {
            let mut vars: Vec<_> = full.iter().copied().filter(|(k, _)| *k != name).collect();
            vars.push((name, value));
            config(&vars)
        };
        assert!(with("LUMEN_TWILIO_SMS_FROM", "07700 900001").is_err());
        assert!(with(
            "LUMEN_TWILIO_SMS_FROM",
            "MG0123456789abcdef0123456789abcdef"
        )
        .is_ok());
        assert!(with("LUMEN_TWILIO_ACCOUNT_SID", "AC123").is_err());
        assert!(with("LUMEN_TWILIO_WHATSAPP_TEMPLATES", "reminder:HX1").is_err());
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
    fn only_this_machine_counts_as_loopback() {
        for local in [
            "http://127.0.0.1:3000",
            "http://localhost",
            "https://LOCALHOST:8443/clinic",
            "http://clinic.localhost:3000",
            "http://[::1]:3000/",
            "http://127.4.5.6",
        ] {
            assert!(is_loopback_url(local), "{local}");
        }
        for public in [
            "https://clinic.example",
            "http://0.0.0.0:3000",
            "http://192.168.1.20:3000",
            "https://localhost.clinic.example",
            "https://localhost@clinic.example",
            "http://[2001:db8::1]:3000",
        ] {
            assert!(!is_loopback_url(public), "{public}");
        }
    }

    #[test]
    fn trusted_proxies_are_addresses() {
        assert!(config(&[]).unwrap().trusted_proxies.is_empty());
        let set = config(&[("LUMEN_TRUSTED_PROXIES", "10.0.0.2, ::1")]).unwrap();
        assert_eq!(
            set.trusted_proxies,
            [
                "10.0.0.2".parse::<std::net::IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
        assert_eq!(
            config(&[("LUMEN_TRUSTED_PROXIES", "10.0.0.0/8")])
                .unwrap_err()
                .variable,
            "LUMEN_TRUSTED_PROXIES"
        );
    }

    #[test]
    fn retention_is_in_days_within_sensible_bounds() {
        let defaults = config(&[]).unwrap().retention;
        assert_eq!(defaults.unconfirmed_accounts, chrono::Duration::days(7));
        assert_eq!(defaults.sent_messages, chrono::Duration::days(365));
        let set = config(&[("LUMEN_MESSAGE_RETENTION_DAYS", "90")]).unwrap();
        assert_eq!(set.retention.sent_messages, chrono::Duration::days(90));
        for (variable, bad) in [
            ("LUMEN_MESSAGE_RETENTION_DAYS", "7"),
            ("LUMEN_MESSAGE_RETENTION_DAYS", "a year"),
            ("LUMEN_UNCONFIRMED_ACCOUNT_DAYS", "0"),
        ] {
            assert_eq!(config(&[(variable, bad)]).unwrap_err().variable, variable);
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
