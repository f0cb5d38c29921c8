//! Connecting to the database named by a URL, and applying the migrations.

use crate::sql;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Begins a transaction, the one way Trellis does. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), waiting for another writer up to the busy timeout. A transaction begun
/// the default way reads under a snapshot first, and when it then writes after another
/// connection has committed, SQLite refuses at once with "database is locked"
/// (`SQLITE_BUSY_SNAPSHOT`), which no busy timeout waits out. PostgreSQL begins as usual.
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// The application's handle on its database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pub db: DatabaseConnection,
    /// The keys that seal confidential text (see [`crate::sealed`]).
    pub keys: std::sync::Arc<crate::sealed::Keys>,
    /// The mentor directories searched so far, held in memory (see [`crate::directory`]).
    pub directory: std::sync::Arc<crate::directory::Directory>,
    /// Bearer-token look-ups kept while the database is unchanged (see [`crate::bearer::cache`]).
    pub(crate) tokens: std::sync::Arc<crate::bearer::cache::TokenCache>,
}

impl Store {
    /// The same store, sealing with these keys.
    pub fn with_keys(mut self, keys: crate::sealed::Keys) -> Self {
        self.keys = std::sync::Arc::new(keys);
        self
    }

    pub fn backend(&self) -> Backend {
        match self.db.get_database_backend() {
            DbBackend::Postgres => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }

    /// Begins a transaction; see [`begin`].
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        begin(&self.db).await
    }

    /// `SELECT 1`: for `/healthz`.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.db.execute_unprepared("SELECT 1").await.map(|_| ())
    }

    /// Applies every migration not yet applied, in order, each in its own transaction. On
    /// PostgreSQL the whole run holds an advisory lock, so instances starting together on one
    /// fresh database wait for each other instead of failing on `CREATE TABLE`.
    pub async fn migrate(&self) -> crate::Result<Vec<&'static str>> {
        let tx = self.begin().await?;
        if self.backend() == Backend::Postgres {
            tx.execute_unprepared("SELECT pg_advisory_xact_lock(7420137001)")
                .await?;
        }
        tx.execute_unprepared(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
        )
        .await?;
        #[derive(sea_orm::FromQueryResult)]
        struct Applied {
            version: String,
        }
        let applied: Vec<Applied> =
            sql::all(&tx, "SELECT version FROM schema_migrations", vec![]).await?;
        let mut ran = Vec::new();
        for (version, sqlite, postgres) in MIGRATIONS {
            if applied.iter().any(|a| a.version == *version) {
                continue;
            }
            let body = if self.backend() == Backend::Postgres {
                postgres
            } else {
                sqlite
            };
            tx.execute_unprepared(body).await?;
            sql::exec(
                &tx,
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                vec![(*version).into(), chrono::Utc::now().to_rfc3339().into()],
            )
            .await?;
            ran.push(*version);
        }
        tx.commit().await?;
        Ok(ran)
    }
}

/// (version, SQLite text, PostgreSQL text), in order.
const MIGRATIONS: &[(&str, &str, &str)] = &[
    (
        "0001_foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        "0002_mentors",
        include_str!("../migrations/sqlite/0002_mentors.sql"),
        include_str!("../migrations/postgres/0002_mentors.sql"),
    ),
    (
        "0003_requests",
        include_str!("../migrations/sqlite/0003_requests.sql"),
        include_str!("../migrations/postgres/0003_requests.sql"),
    ),
    (
        "0004_notifications",
        include_str!("../migrations/sqlite/0004_notifications.sql"),
        include_str!("../migrations/postgres/0004_notifications.sql"),
    ),
    (
        "0005_workspace",
        include_str!("../migrations/sqlite/0005_workspace.sql"),
        include_str!("../migrations/postgres/0005_workspace.sql"),
    ),
    (
        "0006_concerns",
        include_str!("../migrations/sqlite/0006_concerns.sql"),
        include_str!("../migrations/postgres/0006_concerns.sql"),
    ),
    (
        "0007_staff_tools",
        include_str!("../migrations/sqlite/0007_staff_tools.sql"),
        include_str!("../migrations/postgres/0007_staff_tools.sql"),
    ),
    (
        "0008_email_texts",
        include_str!("../migrations/sqlite/0008_email_texts.sql"),
        include_str!("../migrations/postgres/0008_email_texts.sql"),
    ),
    (
        "0009_matching_rounds",
        include_str!("../migrations/sqlite/0009_matching_rounds.sql"),
        include_str!("../migrations/postgres/0009_matching_rounds.sql"),
    ),
    (
        "0010_export_paging",
        include_str!("../migrations/sqlite/0010_export_paging.sql"),
        include_str!("../migrations/postgres/0010_export_paging.sql"),
    ),
    (
        "0011_directory_index",
        include_str!("../migrations/sqlite/0011_directory_index.sql"),
        include_str!("../migrations/postgres/0011_directory_index.sql"),
    ),
    (
        "0012_programme_matching",
        include_str!("../migrations/sqlite/0012_programme_matching.sql"),
        include_str!("../migrations/postgres/0012_programme_matching.sql"),
    ),
    (
        "0013_places_held",
        include_str!("../migrations/sqlite/0013_places_held.sql"),
        include_str!("../migrations/postgres/0013_places_held.sql"),
    ),
];

/// The database file an `sqlite:` URL names (`None` for PostgreSQL or `:memory:`).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (path != ":memory:" && !path.is_empty()).then(|| std::path::PathBuf::from(path))
}

/// Opens the database at `url`: `sqlite://path` (the file and its folder are created if
/// missing) or `postgres://…`.
pub async fn connect(url: &str) -> Result<Store, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    let sqlite_file = sqlite_file(url);
    opts.sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        if let Some(dir) = sqlite_file
            .as_deref()
            .and_then(std::path::Path::parent)
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
        }
        opts.max_connections(8)
            .map_sqlx_sqlite_opts(|o: SqliteConnectOptions| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    // 64 MiB of page cache and 256 MiB of memory-mapped reads per connection: the
                    // directory of a 100k-member programme then reads from memory.
                    .pragma("cache_size", "-65536")
                    .pragma("mmap_size", "268435456")
            });
    } else {
        opts.max_connections(16);
    }
    let db = Database::connect(opts).await?;
    let tokens = match sqlite_file {
        Some(path) => crate::bearer::cache::TokenCache::watching(&path),
        None => crate::bearer::cache::TokenCache::default(),
    };
    Ok(Store {
        db,
        keys: std::sync::Arc::default(),
        directory: std::sync::Arc::default(),
        tokens: std::sync::Arc::new(tokens),
    })
}
