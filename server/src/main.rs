//! `lumen`: runs the clinic web app, or one of its maintenance commands.

use app::backend::integrations::assistant::model::{Model, ModelConfig};
use app::backend::integrations::assistant::Engine;
use app::backend::integrations::media::{Cloudinary, Media};
use app::backend::integrations::messaging::{Messaging, Smtp, Twilio, TwilioConfig};
use app::backend::integrations::payments::{
    Payments, Razorpay, RazorpayConfig, Stripe, StripeConfig,
};
use app::backend::state::{AppState, Clock};
use axum::serve::ListenerExt;
use leptos::prelude::LeptosOptions;
use lumen::config::Config;
use lumen::database::{self, Database, DATABASE_NAME};
use lumen::postgres::EmbeddedPostgres;
use lumen::{clinics, http, seed, telemetry};
use std::process::ExitCode;

const USAGE: &str = "\
Usage: lumen [COMMAND]

Commands:
  serve            Run the clinic web app (the default)
  reseed --yes     Delete everything in the database and load the demo clinic again
  audit-verify     Check that the audit log's hash chain is unbroken (exit status 1 if not)
  create-clinic    Add a clinic and invite its first admin (platform operators; run it
                   with no options to see them)
  postgres         Run only the built-in PostgreSQL and print its DATABASE_URL (for psql,
                   sqlx-cli and the test suite); stops on Ctrl-C or SIGTERM
  help             Show this message

Configuration comes from environment variables; see .env.example.";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if matches!(command, "help" | "--help" | "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }

    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("lumen: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    if let Err(error) = telemetry::init(&config.log_format) {
        eprintln!("lumen: configuration error: {error}");
        return ExitCode::from(2);
    }

    let result = match command {
        "serve" => serve(config).await,
        "reseed" if args.get(1).map(String::as_str) == Some("--yes") => reseed(config).await,
        "reseed" => Err(
            "reseed deletes every row in the database; run `lumen reseed --yes` to confirm".into(),
        ),
        "postgres" => postgres_only(config).await,
        "audit-verify" => audit_verify(config).await,
        "create-clinic" => create_clinic(config, &args[1..]).await,
        other => Err(format!("unknown command `{other}`\n\n{USAGE}").into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("lumen: {error}");
            ExitCode::FAILURE
        }
    }
}

type Failure = Box<dyn std::error::Error>;

async fn serve(config: Config) -> Result<(), Failure> {
    let leptos_options = leptos_options()?;
    let database = Database::open(&config).await?;
    let result = serve_with(&config, &database, leptos_options).await;
    database.close().await;
    result
}

async fn serve_with(
    config: &Config,
    database: &Database,
    leptos_options: LeptosOptions,
) -> Result<(), Failure> {
    database::migrate(&database.pool).await?;
    let media = media_store(config)?;
    let address = leptos_options.site_addr;
    let public_url = public_url(config, address);
    refuse_published_demo_accounts(config, &public_url, &database.pool).await?;
    let secret_keys = std::sync::Arc::new(config.secret_keys(&public_url)?);
    if secret_keys.is_development() {
        tracing::warn!(
            "LUMEN_SECRET_KEY is not set: stored secrets are sealed with the published \
             development key, which is fine only on this machine"
        );
    }
    let sealed = app::backend::store::second_factor::seal_all(&database.pool, &secret_keys).await?;
    if sealed > 0 {
        tracing::info!(
            sealed,
            "sealed staff's authenticator keys with the current secret key"
        );
    }
    let sealed = app::backend::store::webhooks::seal_all(&database.pool, &secret_keys).await?;
    if sealed > 0 {
        tracing::info!(sealed, "sealed webhook secrets with the current secret key");
    }
    if config.seed_demo && seed::database_is_empty(&database.pool).await? {
        let report = seed::seed_demo_clinic(
            &database.pool,
            &media,
            &secret_keys,
            chrono::Utc::now().date_naive(),
        )
        .await?;
        tracing::info!(?report, "seeded the demo clinic into the empty database");
    }
    let clinic_id = app::backend::store::clinic::resolve(&database.pool, config.clinic.as_deref())
        .await?
        .ok_or_else(|| match &config.clinic {
            Some(slug) => format!("LUMEN_CLINIC names `{slug}`, but no clinic has that slug"),
            None => {
                "the database holds no clinic. Create the first one with `lumen create-clinic` \
                     (run it without options to see what it needs), or, for a local demo only, \
                     set LUMEN_SEED_DEMO=true to load the demo clinic and its sample accounts"
                    .to_owned()
            }
        })?;

    let request_login = database::request_login(
        &database.pool,
        &database.options,
        config.app_database_url.as_ref().map(|url| url.0.as_str()),
        secret_keys.database_password(),
    )
    .await?;
    let pool = database::tenant_pool(request_login, config.max_connections, clinic_id).await?;
    let moved = lumen::workers::move_stored_bytes_to_files(&database.pool, &media).await?;
    if moved > 0 {
        tracing::info!(
            moved,
            "moved pictures from the database into the media directory"
        );
    }
    let housekeeper = lumen::workers::keep_house(pool.clone(), clinic_id, config.retention);
    let messaging = messaging(config, &public_url)?;
    let payments = payments(config);
    let state = AppState {
        leptos_options,
        pool: pool.clone(),
        clinic_id,
        clock: Clock::system(),
        public_url,
        media,
        messaging,
        payments,
        secret_keys,
        assistant: assistant(config),
        live: Default::default(),
        webhooks: app::backend::webhooks::Webhooks::new(config.webhooks_allow_private),
        booking: match config.practice.clone() {
            Some(practice) => {
                app::backend::integrations::booking::BookingBackend::Practice(std::sync::Arc::new(
                    app::backend::integrations::practice::PracticeSystem::new(practice),
                ))
            }
            None => Default::default(),
        },
        video: app::backend::video::Video {
            ice: std::sync::Arc::new(config.ice.clone()),
            ..Default::default()
        },
    };
    let hold_sweeper = lumen::workers::release_expired_holds(state.clone());
    let resumed = state.jobs().resume_unfinished().await?;
    if resumed > 0 {
        tracing::info!(resumed, "making the sizes of pictures left unfinished");
    }
    let consent_sweeper = lumen::workers::withdraw_expired_pictures(state.jobs());
    let delivery =
        lumen::workers::deliver_messages(state.deliverer(), lumen::workers::DELIVERY_IDLE);
    let webhooks =
        lumen::workers::deliver_webhooks(state.dispatcher(), lumen::workers::DELIVERY_IDLE);
    let payment_retries = lumen::workers::send_waiting_payments(state.clone());
    let waitlist = lumen::workers::offer_waitlist_times(state.clone());
    let live = state.live.clone();
    let live_listener = live.listen(pool.clone());
    let page_cache = std::sync::Arc::new(lumen::page_cache::PageCache::new(config.page_cache));
    let page_cache_listener =
        lumen::page_cache::listen::clear_on_change(pool.clone(), page_cache.clone());
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| {
            format!("cannot listen on {address} ({error}); set LEPTOS_SITE_ADDR to a free address")
        })?
        // Responses are streamed in pieces; with Nagle's algorithm on, a piece that follows
        // an unacknowledged one waits for the client's delayed ACK (40 ms on Linux), which
        // put that stall into the tail of every file and page served over keep-alive.
        .tap_io(|connection| {
            if let Err(error) = connection.set_nodelay(true) {
                tracing::debug!(%error, "could not turn off Nagle's algorithm");
            }
        });
    tracing::info!("Lumen is serving on http://{address}");
    // Connection info gives the rate limits each client's address.
    let metrics_token = config.metrics_token.as_ref().map(|t| t.0.as_str());
    let metrics = lumen::metrics::router(state.clone(), metrics_token);
    axum::serve(
        listener,
        http::router_with_page_cache(state, page_cache)
            .merge(metrics)
            .layer(axum::middleware::from_fn({
                let trusted: std::sync::Arc<[std::net::IpAddr]> =
                    config.trusted_proxies.clone().into();
                move |request, next| lumen::client::resolve_visitor(trusted.clone(), request, next)
            }))
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Staff screens' streams never end by themselves: the drain would wait for ever.
        live.close();
    })
    .await?;
    tracing::info!("requests drained; shutting down");
    hold_sweeper.abort();
    housekeeper.abort();
    consent_sweeper.abort();
    delivery.abort();
    webhooks.abort();
    payment_retries.abort();
    waitlist.abort();
    page_cache_listener.abort();
    live_listener.abort();
    pool.close().await;
    Ok(())
}

/// Where the public reaches this server: `LUMEN_PUBLIC_URL`, else the listen address.
fn public_url(config: &Config, address: std::net::SocketAddr) -> String {
    config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}"))
}

/// Stops a server that patients can reach from elsewhere from running with the demo's
/// accounts, whose passwords, authenticator key and recovery codes are published, unless
/// `LUMEN_ALLOW_DEMO_ACCOUNTS` says so. Checked before seeding, too, so such a server never
/// creates them.
async fn refuse_published_demo_accounts(
    config: &Config,
    public_url: &str,
    pool: &sqlx::PgPool,
) -> Result<(), Failure> {
    if config.allow_demo_accounts || lumen::config::is_loopback_url(public_url) {
        return Ok(());
    }
    let seeding = config.seed_demo && seed::database_is_empty(pool).await?;
    if seeding || seed::demo_accounts_present(pool).await? {
        return Err(format!(
            "this server's public address is {public_url}, and the demo clinic's accounts \
             (whose passwords and sign-in codes are published) {} its database. Remove them \
             (or start from an empty database without LUMEN_SEED_DEMO), or set \
             LUMEN_ALLOW_DEMO_ACCOUNTS=true if this server is a demo on purpose",
            if seeding {
                "would be loaded into"
            } else {
                "are in"
            }
        )
        .into());
    }
    Ok(())
}

/// The media store: the data directory, with Cloudinary for public pictures when
/// `CLOUDINARY_URL` is set.
fn media_store(config: &Config) -> Result<Media, Failure> {
    let media = Media::local(config.data_dir.join("media"));
    Ok(match &config.cloudinary_url {
        Some(url) => media.with_cloudinary(Cloudinary::from_url(&url.0)?),
        None => media,
    })
}

/// The message providers: SMTP when `LUMEN_SMTP_URL` is set, else the development mailbox.
fn messaging(config: &Config, public_url: &str) -> Result<Messaging, Failure> {
    let mut messaging = Messaging::development();
    if let Some(texts) = &config.texts {
        tracing::info!("texts and WhatsApp leave through Twilio");
        messaging = messaging.with_texts(Twilio::new(TwilioConfig {
            api: texts.api.clone(),
            account_sid: texts.account_sid.clone(),
            auth_token: texts.auth_token.0.clone(),
            sms_from: texts.sms_from.clone(),
            whatsapp_from: texts.whatsapp_from.clone(),
            whatsapp_templates: texts.whatsapp_templates.iter().cloned().collect(),
            status_callback: format!("{public_url}{}", lumen::twilio_hooks::STATUS_PATH),
        }));
    }
    Ok(match &config.email {
        Some(email) => {
            let smtp = Smtp::from_url(&email.smtp_url.0, &email.from)
                .map_err(|error| format!("LUMEN_SMTP_URL / LUMEN_EMAIL_FROM: {error}"))?;
            tracing::info!("email leaves through the configured SMTP server");
            messaging.with_email(smtp)
        }
        None => {
            tracing::info!(
                "no email provider configured: messages wait in the development mailbox"
            );
            messaging
        }
    })
}

/// The payment services the server has keys for: Stripe when `LUMEN_STRIPE_SECRET_KEY` is
/// set, Razorpay when `LUMEN_RAZORPAY_KEY_ID` is. Each clinic chooses among them in its
/// settings.
/// The assistant's engine: a model when one is configured, the built-in one otherwise
/// (and whenever the model's answer cannot be used).
fn assistant(config: &Config) -> Engine {
    match &config.assistant {
        Some(settings) => {
            tracing::info!(model = %settings.model, "the assistant answers through a model");
            Engine::Model(std::sync::Arc::new(Model::new(ModelConfig {
                base_url: settings.url.clone(),
                model: settings.model.clone(),
                key: settings.key.as_ref().map(|k| k.0.clone()),
                timeout: std::time::Duration::from_secs(settings.timeout_secs),
            })))
        }
        None => Engine::Builtin,
    }
}

fn payments(config: &Config) -> Payments {
    let mut payments = Payments::default();
    if let Some(stripe) = &config.stripe {
        tracing::info!("clinics may take payments through Stripe");
        payments = payments.with_stripe(Stripe::new(StripeConfig {
            api: stripe.api.clone(),
            secret_key: stripe.secret_key.0.clone(),
            webhook_secrets: stripe.webhook_secrets.iter().map(|s| s.0.clone()).collect(),
        }));
    }
    if let Some(razorpay) = &config.razorpay {
        tracing::info!("clinics may take payments through Razorpay");
        payments = payments.with_razorpay(Razorpay::new(RazorpayConfig {
            api: razorpay.api.clone(),
            key_id: razorpay.key_id.clone(),
            key_secret: razorpay.key_secret.0.clone(),
            webhook_secrets: razorpay
                .webhook_secrets
                .iter()
                .map(|s| s.0.clone())
                .collect(),
            checkout_js: razorpay.checkout_js.clone(),
        }));
    }
    payments
}

async fn reseed(config: Config) -> Result<(), Failure> {
    let database = Database::open(&config).await?;
    let result = async {
        seed::reset_schema(&database.pool).await?;
        let report = seed::seed_demo_clinic(
            &database.pool,
            &media_store(&config)?,
            &config.secret_keys(&public_url(&config, leptos_options()?.site_addr))?,
            chrono::Utc::now().date_naive(),
        )
        .await?;
        println!("The database now holds only the demo clinic: {report:?}");
        Ok::<_, Failure>(())
    }
    .await;
    database.close().await;
    result
}

async fn audit_verify(config: Config) -> Result<(), Failure> {
    let database = Database::open(&config).await?;
    let verdict = app::backend::audit::verify(&database.pool).await;
    database.close().await;
    match verdict? {
        app::backend::audit::Verdict::Intact { rows } => {
            println!(
                "The audit log is intact: {rows} entries, every hash follows from the one before."
            );
            Ok(())
        }
        app::backend::audit::Verdict::BrokenAt { seq } => Err(format!(
            "the audit log has been altered: entry {seq} does not follow from the entries before it"
        )
        .into()),
    }
}

async fn create_clinic(config: Config, args: &[String]) -> Result<(), Failure> {
    if args.is_empty() {
        return Err(format!(
            "create-clinic needs the clinic's details:\n\n{}",
            clinics::USAGE
        )
        .into());
    }
    let clinic = clinics::form_from_args(args)?.parse().map_err(|problems| {
        format!(
            "the clinic was not created:\n{}",
            clinics::explain(&problems)
        )
    })?;
    let public_url = config.public_url.clone().unwrap_or_else(|| {
        format!(
            "http://{}",
            leptos_options()
                .map(|o| o.site_addr.to_string())
                .unwrap_or_default()
        )
    });
    let database = Database::open(&config).await?;
    let result = async {
        database::migrate(&database.pool).await?;
        let created = app::backend::store::clinics::create(
            &database.pool,
            &clinic,
            &public_url,
            chrono::Utc::now(),
        )
        .await
        .map_err(|error| match error {
            app::error::AppError::Rejected(problems) => {
                format!(
                    "the clinic was not created:\n{}",
                    clinics::explain(&problems)
                )
            }
            other => other.to_string(),
        })?;
        println!(
            "Created {} ({}). Serve its site with LUMEN_CLINIC={}.\n\
             Its first admin's invitation (also in the clinic's mailbox), good for seven days:\n{}",
            clinic.name,
            created.clinic_id,
            clinic.slug.as_str(),
            created.invitation
        );
        Ok::<_, Failure>(())
    }
    .await;
    database.close().await;
    result
}

async fn postgres_only(config: Config) -> Result<(), Failure> {
    let embedded =
        EmbeddedPostgres::start(&database::embedded_options(&config), DATABASE_NAME).await?;
    println!("DATABASE_URL={}", embedded.url(DATABASE_NAME));
    shutdown_signal().await;
    embedded.stop().await?;
    Ok(())
}

/// Leptos settings from the LEPTOS_* variables cargo-leptos sets, with the defaults of
/// `[[workspace.metadata.leptos]]` when the binary is started on its own.
fn leptos_options() -> Result<LeptosOptions, Failure> {
    let mut options = leptos::config::get_configuration(None)
        .map_err(|error| format!("invalid LEPTOS_* setting: {error}"))?
        .leptos_options;
    if std::env::var_os("LEPTOS_OUTPUT_NAME").is_none() {
        options.output_name = "lumen".into();
    }
    Ok(options)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested");
}
