//! Connecting to Postgres (embedded or external) and keeping its schema current.

use crate::config::{Config, DatabaseConfig};
use crate::postgres::{EmbeddedOptions, EmbeddedPostgres};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// The database the server runs against, and the embedded cluster when it owns one.
pub struct Database {
    /// Connections as the database owner: for migrations, the seed and operator commands.
    pub pool: PgPool,
    /// How to connect, for the pool that serves requests (`tenant_pool`).
    pub options: PgConnectOptions,
    pub embedded: Option<EmbeddedPostgres>,
}

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error(transparent)]
    Embedded(#[from] crate::postgres::EmbeddedError),
    #[error("could not connect to the database: {0}. Check DATABASE_URL, or unset it to use the built-in database")]
    Connect(#[source] sqlx::Error),
    #[error("DATABASE_URL is not a valid PostgreSQL URL: {0}")]
    BadUrl(#[source] sqlx::Error),
    #[error("LUMEN_APP_DATABASE_URL is not a valid PostgreSQL URL: {0}")]
    BadAppUrl(#[source] sqlx::Error),
    #[error("{0}")]
    RequestRole(String),
    #[error("could not bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub const DATABASE_NAME: &str = "lumen";

impl Database {
    pub async fn open(config: &Config) -> Result<Self, DatabaseError> {
        let (options, embedded) = match &config.database {
            DatabaseConfig::External { url } => (
                PgConnectOptions::from_str(url).map_err(DatabaseError::BadUrl)?,
                None,
            ),
            DatabaseConfig::Embedded => {
                let embedded =
                    EmbeddedPostgres::start(&embedded_options(config), DATABASE_NAME).await?;
                tracing::info!(
                    pid = embedded.pid(),
                    data_dir = %config.data_dir.display(),
                    "built-in PostgreSQL is running; connect with: psql '{}'",
                    embedded.url(DATABASE_NAME)
                );
                (embedded.connect_options(DATABASE_NAME), Some(embedded))
            }
        };
        let options = options
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
        let pool = pool_options(config.max_connections)
            .connect_with(options.clone())
            .await
            .map_err(DatabaseError::Connect)?;
        Ok(Database {
            pool,
            options,
            embedded,
        })
    }

    /// Closes the pool, then stops the embedded cluster if there is one.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(embedded) = self.embedded {
            match embedded.stop().await {
                Ok(()) => tracing::info!("built-in PostgreSQL stopped"),
                Err(error) => tracing::error!(%error, "built-in PostgreSQL did not stop cleanly"),
            }
        }
    }
}

pub fn embedded_options(config: &Config) -> EmbeddedOptions {
    EmbeddedOptions {
        data_dir: config.data_dir.clone(),
        bin_dir: config.pg_bin_dir.clone(),
        run_as_when_root: config.pg_user.clone(),
        fsync: config.pg_fsync,
    }
}

pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
}

/// How requests log in: as `lumen_app` itself, a role that owns nothing, is a member of
/// nothing and cannot bypass row-level security, so no request can `RESET ROLE` back to the
/// owner, rewrite the audit trail or read another clinic's rows.
///
/// With `LUMEN_APP_DATABASE_URL`, the operator has given that login. Without it, the owner
/// makes `lumen_app` a login role whose password comes from the secret key (the same on
/// every server that shares the key); that needs the owner to be allowed to (a superuser,
/// as the built-in PostgreSQL's is, or CREATEROLE with admin rights over `lumen_app`).
pub async fn request_login(
    owner: &PgPool,
    owner_options: &PgConnectOptions,
    app_database_url: Option<&str>,
    password: &str,
) -> Result<PgConnectOptions, DatabaseError> {
    if let Some(url) = app_database_url {
        return PgConnectOptions::from_str(url).map_err(DatabaseError::BadAppUrl);
    }
    // The password is made of hex digits only, so it can sit in the statement (ALTER ROLE
    // takes no parameters).
    debug_assert!(password.bytes().all(|b| b.is_ascii_hexdigit()));
    let statement = format!("ALTER ROLE lumen_app WITH LOGIN PASSWORD '{password}'");
    let mut attempt = 0;
    loop {
        match sqlx::raw_sql(&statement).execute(owner).await {
            Ok(_) => break,
            Err(error) if is_permission_error(&error) => {
                return Err(DatabaseError::RequestRole(format!(
                    "the database owner may not make `lumen_app` a login role ({error}). Create \
                     a login for it yourself (ALTER ROLE lumen_app LOGIN PASSWORD '…') and set \
                     LUMEN_APP_DATABASE_URL to connect as it"
                )))
            }
            // Two servers starting at once update the same catalog row: try again.
            Err(_) if attempt < 3 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(50 * attempt)).await;
            }
            Err(error) => return Err(DatabaseError::Connect(error)),
        }
    }
    Ok(owner_options
        .clone()
        .username("lumen_app")
        .password(password))
}

fn is_permission_error(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "42501")
}

/// The pool requests are served from, for `clinic_id` only. `options` must log in as a
/// role that cannot bypass row-level security (`request_login`): checked here, before the
/// pool serves anything. The server shows one clinic, so the setting is made once per
/// connection rather than per transaction.
pub async fn tenant_pool(
    options: PgConnectOptions,
    max_connections: u32,
    clinic_id: Uuid,
) -> Result<PgPool, sqlx::Error> {
    refuse_a_privileged_login(&options).await?;
    pool_options(max_connections)
        .after_connect(move |connection, _| {
            Box::pin(async move {
                sqlx::query("SELECT set_config('app.clinic_id', $1, false)")
                    .bind(clinic_id.to_string())
                    .execute(&mut *connection)
                    .await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await
}

async fn refuse_a_privileged_login(options: &PgConnectOptions) -> Result<(), sqlx::Error> {
    let mut connection = options.connect().await?;
    let (role, privileged): (String, bool) = sqlx::query_as(
        "SELECT current_user::text,
                r.rolsuper OR r.rolbypassrls
                OR pg_has_role(current_user, t.tableowner, 'MEMBER')
                OR NOT pg_has_role(current_user, 'lumen_app', 'USAGE')
         FROM pg_roles r, pg_tables t
         WHERE r.rolname = current_user AND t.schemaname = 'public' AND t.tablename = 'users'",
    )
    .fetch_one(&mut connection)
    .await?;
    connection.close().await?;
    if privileged {
        return Err(sqlx::Error::Configuration(
            format!(
                "requests would run as `{role}`, which can bypass row-level security or is \
                 not `lumen_app`: connect them as `lumen_app` (LUMEN_APP_DATABASE_URL)"
            )
            .into(),
        ));
    }
    Ok(())
}

pub async fn migrate(pool: &PgPool) -> Result<(), DatabaseError> {
    MIGRATOR.run(pool).await?;
    Ok(())
}
