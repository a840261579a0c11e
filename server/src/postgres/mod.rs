//! A private PostgreSQL cluster under Lumen's data directory, for the demo, development and
//! tests. It runs on a Unix socket only, as an unprivileged user when Lumen runs as root
//! (PostgreSQL refuses to run as root), and dies with the Lumen process that started it.

mod binaries;
mod identity;

use identity::RunAs;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// The superuser `initdb` creates; only reachable through the private socket directory.
pub const SUPERUSER: &str = "lumen";
const PORT: u16 = 5432;
/// `sun_path` holds 108 bytes on Linux, including the terminating NUL.
const MAX_SOCKET_PATH: usize = 107;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "PostgreSQL server programs (initdb, postgres) were not found on PATH, through `pg_config --bindir`, \
         or under /usr/lib/postgresql/*/bin. Install PostgreSQL (Debian/Ubuntu: `apt-get install postgresql`, \
         macOS: `brew install postgresql`), name their directory with LUMEN_PG_BIN_DIR, \
         or set DATABASE_URL to use a PostgreSQL server you run yourself."
    )]
    BinariesNotFound,
    #[error("LUMEN_PG_BIN_DIR={0} does not contain both `initdb` and `postgres`")]
    BadBinDir(PathBuf),
    #[error(
        "Lumen is running as root and PostgreSQL refuses to run as root, so it runs as the system user \
         `{0}`, which does not exist. Create it (`useradd --system {0}`; installing PostgreSQL creates `postgres`) \
         or name another user with LUMEN_PG_USER."
    )]
    NoUnprivilegedUser(String),
    #[error(
        "the database directory {dir} cannot be reached by the user `{user}` that runs PostgreSQL \
         ({blocked} is closed to it). Set LUMEN_DATA_DIR to a directory outside it, for example /var/lib/lumen."
    )]
    Unreachable {
        dir: PathBuf,
        user: String,
        blocked: PathBuf,
    },
    #[error(
        "the data directory path {0} is too long for PostgreSQL's socket ({MAX_SOCKET_PATH} bytes at most); \
         set LUMEN_DATA_DIR to a shorter path"
    )]
    PathTooLong(PathBuf),
    #[error(
        "{0} is not empty but holds no PostgreSQL cluster (an earlier set-up may have been interrupted). \
         Move it away or delete it, and start Lumen again."
    )]
    NotACluster(PathBuf),
    #[error("initdb failed:\n{0}")]
    Initdb(String),
    #[error("PostgreSQL did not start; the end of its log ({log}):\n{tail}")]
    Start { log: PathBuf, tail: String },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not create the database: {0}")]
    CreateDatabase(#[source] sqlx::Error),
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> EmbeddedError {
    let context = context.into();
    move |source| EmbeddedError::Io { context, source }
}

#[derive(Debug, Clone)]
pub struct EmbeddedOptions {
    pub data_dir: PathBuf,
    pub bin_dir: Option<PathBuf>,
    /// Who runs PostgreSQL when Lumen runs as root.
    pub run_as_when_root: String,
    /// Off only for throw-away clusters (tests): it trades crash safety for speed.
    pub fsync: bool,
}

#[derive(Debug)]
pub struct EmbeddedPostgres {
    child: Child,
    cluster_dir: PathBuf,
}

impl EmbeddedPostgres {
    /// Creates the cluster on first use, starts it, and makes sure `database` exists.
    pub async fn start(options: &EmbeddedOptions, database: &str) -> Result<Self, EmbeddedError> {
        let bin_dir = binaries::find(options.bin_dir.as_deref())?;
        std::fs::create_dir_all(&options.data_dir).map_err(io(format!(
            "creating the data directory {}",
            options.data_dir.display()
        )))?;
        let data_dir = options
            .data_dir
            .canonicalize()
            .map_err(io(format!("resolving {}", options.data_dir.display())))?;
        let cluster_dir = data_dir.join("postgres");
        if cluster_dir
            .join(format!(".s.PGSQL.{PORT}"))
            .as_os_str()
            .len()
            > MAX_SOCKET_PATH
        {
            return Err(EmbeddedError::PathTooLong(data_dir));
        }

        let run_as = identity::decide(&cluster_dir, &options.run_as_when_root)?;
        identity::prepare_dir(&data_dir, &cluster_dir, run_as.as_ref())?;

        if !cluster_dir.join("PG_VERSION").exists() {
            let not_empty = std::fs::read_dir(&cluster_dir)
                .map_err(io(format!("reading {}", cluster_dir.display())))?
                .next()
                .is_some();
            if not_empty {
                return Err(EmbeddedError::NotACluster(cluster_dir));
            }
            initdb(&bin_dir, &cluster_dir, run_as.as_ref()).await?;
        }
        clear_stale_postmaster(&cluster_dir).await?;

        let log_path = data_dir.join("postgres.log");
        let child = spawn_postgres(
            &bin_dir,
            &cluster_dir,
            &log_path,
            run_as.as_ref(),
            options.fsync,
        )?;
        let mut postgres = EmbeddedPostgres { child, cluster_dir };
        postgres.wait_until_ready(&log_path).await?;
        postgres.create_database(database).await?;
        Ok(postgres)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.cluster_dir)
            .port(PORT)
            .username(SUPERUSER)
            .database(database)
    }

    /// The same connection as a URL, for tools that only take one (psql, sqlx-cli, tests).
    pub fn url(&self, database: &str) -> String {
        let host =
            utf8_percent_encode(&self.cluster_dir.to_string_lossy(), NON_ALPHANUMERIC).to_string();
        format!("postgres://{SUPERUSER}@localhost:{PORT}/{database}?host={host}")
    }

    async fn wait_until_ready(&mut self, log_path: &Path) -> Result<(), EmbeddedError> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Err(EmbeddedError::Start {
                    log: log_path.to_owned(),
                    tail: log_tail(log_path),
                });
            }
            let attempt = self
                .connect_options("postgres")
                .log_statements(tracing::log::LevelFilter::Off);
            if PgConnection::connect_with(&attempt).await.is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(EmbeddedError::Start {
                    log: log_path.to_owned(),
                    tail: log_tail(log_path),
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn create_database(&self, database: &str) -> Result<(), EmbeddedError> {
        let mut conn = PgConnection::connect_with(&self.connect_options("postgres"))
            .await
            .map_err(EmbeddedError::CreateDatabase)?;
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(database)
                .fetch_one(&mut conn)
                .await
                .map_err(EmbeddedError::CreateDatabase)?;
        if !exists {
            let quoted = database.replace('"', "\"\"");
            sqlx::query(&format!("CREATE DATABASE \"{quoted}\""))
                .execute(&mut conn)
                .await
                .map_err(EmbeddedError::CreateDatabase)?;
        }
        conn.close().await.map_err(EmbeddedError::CreateDatabase)
    }

    /// Fast shutdown: open sessions are ended and PostgreSQL exits cleanly.
    pub async fn stop(mut self) -> Result<(), EmbeddedError> {
        let Some(pid) = self.child.id() else {
            return Ok(());
        };
        signal(pid, libc::SIGINT);
        match tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await {
            Ok(result) => result
                .map(|_| ())
                .map_err(io("waiting for PostgreSQL to stop")),
            Err(_) => {
                tracing::warn!(pid, "PostgreSQL did not stop within 30 s; sending SIGQUIT");
                signal(pid, libc::SIGQUIT);
                self.child
                    .wait()
                    .await
                    .map(|_| ())
                    .map_err(io("waiting for PostgreSQL to stop"))
            }
        }
    }
}

fn signal(pid: u32, signal: libc::c_int) {
    // SAFETY: kill(2) has no memory-safety preconditions.
    unsafe {
        libc::kill(pid as libc::pid_t, signal);
    }
}

fn with_identity(command: &mut Command, run_as: Option<&RunAs>, cwd: &Path) {
    // The working directory must be one the PostgreSQL user can enter.
    command.current_dir(cwd).env("LC_ALL", "C");
    if let Some(user) = run_as {
        command
            .uid(user.uid)
            .gid(user.gid)
            .env("HOME", cwd)
            .env("USER", &user.name);
    }
}

async fn initdb(
    bin_dir: &Path,
    cluster_dir: &Path,
    run_as: Option<&RunAs>,
) -> Result<(), EmbeddedError> {
    tracing::info!(dir = %cluster_dir.display(), "creating the PostgreSQL cluster");
    let mut command = Command::new(bin_dir.join("initdb"));
    command.arg("--pgdata").arg(cluster_dir).args([
        "--username",
        SUPERUSER,
        "--auth",
        "trust",
        "--encoding",
        "UTF8",
        "--no-locale",
        "--no-sync",
    ]);
    with_identity(&mut command, run_as, cluster_dir);
    let output = command.output().await.map_err(io("running initdb"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(EmbeddedError::Initdb(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )))
    }
}

/// A previous run that was killed outright may have left its `postmaster.pid`, or even a
/// running postmaster (if the kill raced its start). Stop such a postmaster; PostgreSQL
/// itself replaces a pid file whose process is gone.
async fn clear_stale_postmaster(cluster_dir: &Path) -> Result<(), EmbeddedError> {
    let pid_file = cluster_dir.join("postmaster.pid");
    let Ok(contents) = std::fs::read_to_string(&pid_file) else {
        return Ok(());
    };
    let Some(pid) = contents
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<u32>().ok())
    else {
        return Ok(());
    };
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).ok();
    let ours = comm.trim() == "postgres" && cwd.as_deref() == Some(cluster_dir);
    if !ours {
        tracing::info!("removing the stale postmaster.pid of an earlier run");
        return std::fs::remove_file(&pid_file).map_err(io("removing a stale postmaster.pid"));
    }
    tracing::warn!(
        pid,
        "a PostgreSQL from an earlier run is still running on this data; stopping it"
    );
    signal(pid, libc::SIGINT);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

fn spawn_postgres(
    bin_dir: &Path,
    cluster_dir: &Path,
    log_path: &Path,
    run_as: Option<&RunAs>,
    fsync: bool,
) -> Result<Child, EmbeddedError> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path)
        .map_err(io(format!("opening {}", log_path.display())))?;
    let log_err = log
        .try_clone()
        .map_err(io("duplicating the log file handle"))?;
    let mut command = Command::new(bin_dir.join("postgres"));
    command
        .arg("-D")
        .arg(cluster_dir)
        .arg("-k")
        .arg(cluster_dir)
        .args(["-p", &PORT.to_string(), "-c", "listen_addresses="])
        .args(["-c", &format!("fsync={}", if fsync { "on" } else { "off" })])
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        // Its own process group: Ctrl-C in the terminal reaches Lumen, which drains requests
        // first and then stops PostgreSQL, instead of both stopping at once.
        .process_group(0);
    with_identity(&mut command, run_as, cluster_dir);
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent. It runs after
    // the uid change, which would otherwise clear it. If Lumen dies without stopping
    // PostgreSQL (SIGKILL, a crash), the kernel sends SIGINT: a fast, clean shutdown.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command.spawn().map_err(io("starting postgres"))
}

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}
