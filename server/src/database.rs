//! Connecting to Postgres (embedded or external) and keeping its schema current.

use crate::config::{Config, DatabaseConfig};
use crate::postgres::{EmbeddedOptions, EmbeddedPostgres};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};
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

/// The pool requests are served from: every connection acts as `lumen_app`, a role that
/// cannot bypass row-level security, for `clinic_id` only. The server shows one clinic, so
/// the setting is made once per connection rather than per transaction.
pub async fn tenant_pool(
    options: PgConnectOptions,
    max_connections: u32,
    clinic_id: Uuid,
) -> Result<PgPool, sqlx::Error> {
    pool_options(max_connections)
        .after_connect(move |connection, _| {
            Box::pin(async move {
                sqlx::query("SET ROLE lumen_app")
                    .execute(&mut *connection)
                    .await?;
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

pub async fn migrate(pool: &PgPool) -> Result<(), DatabaseError> {
    MIGRATOR.run(pool).await?;
    Ok(())
}
