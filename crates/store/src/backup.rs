//! Backing up and restoring an SQLite installation. A copy is made with `VACUUM INTO`: one
//! read transaction, so it is the database as of one instant however busy the writers are, and
//! compact. PostgreSQL installations use the server's own tools (`pg_dump`, `pg_restore`).
//!
//! Workspace content in a copy is sealed with the content keys (see [`crate::sealed`]); a
//! copy restored without them opens, but its confidential text cannot be read.

use crate::db::Store;
pub use crate::db::sqlite_file;
use crate::{Result, sql};
use sea_orm::{DbErr, FromQueryResult};
use std::path::{Path, PathBuf};

#[derive(FromQueryResult)]
struct Text {
    value: String,
}

/// Writes a consistent copy of the store's SQLite database to `dest`, which must not exist
/// (SQLite refuses to write over a file). Writers go on while it runs; the copy holds every
/// transaction committed before it began.
pub async fn copy_sqlite(store: &Store, dest: &Path) -> Result<()> {
    let dest = dest
        .to_str()
        .ok_or_else(|| DbErr::Custom("the backup's path must be valid UTF-8".into()))?;
    sql::exec(&store.db, "VACUUM INTO $1", vec![dest.into()]).await?;
    Ok(())
}

/// What a check of a backup file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The migrations the copy has applied (later ones are applied on the next start).
    pub migrations: Vec<String>,
}

/// Why a file cannot be restored.
#[derive(Debug, thiserror::Error)]
pub enum Unsound {
    #[error("it is not an SQLite database")]
    NotSqlite,
    #[error("it fails SQLite's integrity check: {0}")]
    Damaged(String),
    #[error("it is an SQLite database but not a Trellis one (it has no schema_migrations table)")]
    NotTrellis,
    #[error(transparent)]
    Store(#[from] crate::StoreError),
}

/// Checks that `file` is a sound Trellis database: SQLite's integrity check passes and it has
/// Trellis's migrations table. The file is opened as a database, so check a copy (see
/// [`stage`]), not the backup itself.
pub async fn check_sqlite(file: &Path) -> Result<Checked, Unsound> {
    let url = format!("sqlite://{}", file.display());
    let store = crate::connect(&url).await.map_err(|_| Unsound::NotSqlite)?;
    let db = &store.db;
    let checked = async {
        let integrity: Vec<Text> = sql::all(
            db,
            "SELECT integrity_check AS value FROM pragma_integrity_check()",
            vec![],
        )
        .await
        .map_err(|_| Unsound::NotSqlite)?;
        let found: Vec<&str> = integrity.iter().map(|t| t.value.as_str()).collect();
        if found != ["ok"] {
            return Err(Unsound::Damaged(found.join("; ")));
        }
        let migrations: Vec<Text> = sql::all(
            db,
            "SELECT version AS value FROM schema_migrations ORDER BY version",
            vec![],
        )
        .await
        .map_err(|_| Unsound::NotTrellis)?;
        Ok(Checked {
            migrations: migrations.into_iter().map(|t| t.value).collect(),
        })
    }
    .await;
    db.clone().close().await.map_err(crate::StoreError::from)?;
    checked
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut name = p.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Copies the backup `file` beside the database at `live` (as `<live>.restoring-<stamp>`),
/// to be checked and then put in place by [`swap`] with one rename.
pub fn stage(file: &Path, live: &Path, stamp: &str) -> std::io::Result<PathBuf> {
    let incoming = with_suffix(live, &format!(".restoring-{stamp}"));
    std::fs::copy(file, &incoming)?;
    Ok(incoming)
}

/// Removes a staged copy that failed its check, with any `-wal` and `-shm` its check left.
pub fn discard(incoming: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(incoming, suffix));
    }
}

/// Puts the staged copy `incoming` in place of the database at `live`, which no process may
/// have open. The database it replaces is not deleted: it is renamed, with its `-wal` and
/// `-shm` files, to `<live>.before-restore-<stamp>`, which is returned (`None` when there was
/// none).
pub fn swap(incoming: &Path, live: &Path, stamp: &str) -> std::io::Result<Option<PathBuf>> {
    let aside = |suffix: &str| with_suffix(live, &format!(".before-restore-{stamp}{suffix}"));
    // The staged copy was opened to be checked; nothing of that may follow it in.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(incoming, suffix));
    }
    let kept = if live.exists() {
        for suffix in ["-wal", "-shm"] {
            let side = with_suffix(live, suffix);
            if side.exists() {
                std::fs::rename(&side, aside(suffix))?;
            }
        }
        std::fs::rename(live, aside(""))?;
        Some(aside(""))
    } else {
        None
    };
    std::fs::rename(incoming, live)?;
    Ok(kept)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod tests {
    use super::*;

    #[test]
    fn the_file_of_an_sqlite_url() {
        assert_eq!(
            sqlite_file("sqlite://./data/trellis.db"),
            Some(PathBuf::from("./data/trellis.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:/srv/t.db?mode=rwc"),
            Some(PathBuf::from("/srv/t.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://db/trellis"), None);
    }

    #[test]
    fn a_restore_keeps_the_database_it_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("trellis.db");
        let backup = dir.path().join("backup.db");
        std::fs::write(&live, b"live").unwrap();
        std::fs::write(dir.path().join("trellis.db-wal"), b"wal").unwrap();
        std::fs::write(&backup, b"backup").unwrap();
        let incoming = stage(&backup, &live, "20261204T180000Z").unwrap();
        assert_eq!(
            std::fs::read(&live).unwrap(),
            b"live",
            "staging changes nothing"
        );
        let kept = swap(&incoming, &live, "20261204T180000Z").unwrap().unwrap();
        assert_eq!(std::fs::read(&live).unwrap(), b"backup");
        assert_eq!(std::fs::read(&kept).unwrap(), b"live");
        let kept_wal = dir
            .path()
            .join("trellis.db.before-restore-20261204T180000Z-wal");
        assert_eq!(std::fs::read(kept_wal).unwrap(), b"wal");
        assert!(!dir.path().join("trellis.db-wal").exists());
        // Nothing half-copied is left beside it.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.contains("restoring"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }
}
