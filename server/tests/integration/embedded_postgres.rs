//! The built-in PostgreSQL: created on first start, reused on the next, robust to a run
//! that was killed, and gone when stopped.

use lumen::postgres::{EmbeddedOptions, EmbeddedPostgres};
use sqlx::{Connection, PgConnection};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lumen-embedded-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // When the tests run as root, PostgreSQL runs as another user who must reach the directory.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn options(dir: &Path) -> EmbeddedOptions {
    EmbeddedOptions {
        data_dir: dir.join("data"),
        bin_dir: None,
        run_as_when_root: "postgres".into(),
        fsync: false,
    }
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| !s.contains(") Z "))
            .unwrap_or(false)
}

#[tokio::test]
async fn a_cluster_is_created_reused_and_stopped() {
    let dir = scratch_dir("lifecycle");
    let first = EmbeddedPostgres::start(&options(&dir), "lumen_test")
        .await
        .unwrap();
    let pid = first.pid().unwrap();
    let mut conn = PgConnection::connect_with(&first.connect_options("lumen_test"))
        .await
        .unwrap();
    sqlx::raw_sql("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    first.stop().await.unwrap();
    assert!(!alive(pid), "PostgreSQL is still running after stop");

    let second = EmbeddedPostgres::start(&options(&dir), "lumen_test")
        .await
        .unwrap();
    let mut conn = PgConnection::connect(&second.url("lumen_test"))
        .await
        .unwrap();
    let note: String = sqlx::query_scalar("SELECT note FROM kept")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        note, "still here",
        "the second start reuses the cluster and its data"
    );
    conn.close().await.unwrap();
    second.stop().await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_stale_pid_file_from_a_killed_run_does_not_block_the_start() {
    let dir = scratch_dir("stale");
    let postgres = EmbeddedPostgres::start(&options(&dir), "lumen")
        .await
        .unwrap();
    postgres.stop().await.unwrap();

    // What a run killed with SIGKILL leaves behind: a pid file naming a process that is gone.
    let cluster = dir.join("data").join("postgres");
    let owner = std::fs::metadata(cluster.join("PG_VERSION")).unwrap();
    let pid_file = cluster.join("postmaster.pid");
    std::fs::write(
        &pid_file,
        format!("999999\n{}\n0\n5432\n", cluster.display()),
    )
    .unwrap();
    std::os::unix::fs::chown(
        &pid_file,
        Some(std::os::unix::fs::MetadataExt::uid(&owner)),
        None,
    )
    .unwrap();

    let restarted = EmbeddedPostgres::start(&options(&dir), "lumen")
        .await
        .unwrap();
    let mut conn = PgConnection::connect_with(&restarted.connect_options("lumen"))
        .await
        .unwrap();
    let one: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(one, 1);
    conn.close().await.unwrap();
    restarted.stop().await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_missing_bin_dir_is_reported_clearly() {
    let dir = scratch_dir("nobin");
    let mut opts = options(&dir);
    opts.bin_dir = Some(dir.clone());
    let error = EmbeddedPostgres::start(&opts, "lumen").await.unwrap_err();
    assert!(error.to_string().contains("LUMEN_PG_BIN_DIR"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}
