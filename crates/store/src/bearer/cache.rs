//! Bearer-token look-ups kept in memory while the database has not changed.
//!
//! An API request reads the token's account ([`super::user`]) or, about
//! one programme, the account, the programme and the person's standing in one query
//! ([`super::user_in_programme`]). On SQLite that query costs more in the driver's
//! hand-off to its connection thread than in SQLite itself, so its answer is kept and served
//! again for as long as the database has not changed. The check
//! is SQLite's `PRAGMA data_version`, read on the calling thread through a connection of its
//! own: it changes whenever any other connection commits — one of this process's or another
//! process's, such as `trellis jobs run` from cron. So a revoked token, a member who left or a
//! changed programme is seen on the very next request, exactly as without the cache; an
//! unchanged database is simply not asked the same question twice.
//!
//! PostgreSQL has no check as cheap as that one, so there every request queries.

use super::token_use_due;
use crate::accounts::User;
use crate::programmes::Programme;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use trellis_domain::role::Standing;

/// More tokens than this in memory and the cache starts again from empty.
const MAX_TOKENS: usize = 10_000;

/// The kept answers, and the connection that tells whether they still hold.
#[derive(Default)]
pub struct TokenCache {
    /// `None` on PostgreSQL and in-memory SQLite: nothing is kept.
    watch: Option<Mutex<rusqlite::Connection>>,
    /// By token hash: the answers asked for with that token (about no programme, or one),
    /// each with the `data_version` read before its query.
    kept: Mutex<HashMap<String, Vec<(i64, Kept)>>>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("watching", &self.watch.is_some())
            .finish_non_exhaustive()
    }
}

/// One answer.
#[derive(Clone)]
pub(crate) struct Kept {
    /// The programme asked about, if any.
    pub slug: Option<String>,
    /// The token's last use as read (its next use is written when it is old).
    pub used_at: Option<DateTime<Utc>>,
    pub user: User,
    pub programme: Option<(Programme, Standing)>,
}

impl TokenCache {
    /// A cache watching the SQLite file at `path`. If the file cannot be opened the cache keeps
    /// nothing (every request queries), which is slower but never wrong.
    pub(crate) fn watching(path: &Path) -> Self {
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let watch = match rusqlite::Connection::open_with_flags(path, flags) {
            Ok(c) => Some(Mutex::new(c)),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "token look-ups will not be kept");
                None
            }
        };
        Self {
            watch,
            kept: Mutex::default(),
        }
    }

    /// The database's version now, as this cache sees it; `None` when nothing can be kept.
    pub(crate) fn version(&self) -> Option<i64> {
        let watch = self.watch.as_ref()?.lock().ok()?;
        watch
            .pragma_query_value(None, "data_version", |r| r.get(0))
            .ok()
    }

    /// The database's version now (`None`: nothing is kept) and the answer kept for this
    /// token and programme (or none), if it was read at that version and the token's use need
    /// not be written now. Read the version before querying: a commit in between then makes
    /// the answer kept after the query stale, never wrong.
    pub(crate) fn look_up(
        &self,
        token_hash: &str,
        slug: Option<&str>,
        now: DateTime<Utc>,
    ) -> (Option<i64>, Option<Kept>) {
        let Some(version) = self.version() else {
            return (None, None);
        };
        let found = self.kept.lock().ok().and_then(|kept| {
            kept.get(token_hash)?
                .iter()
                .find(|(v, k)| {
                    *v == version && k.slug.as_deref() == slug && !token_use_due(k.used_at, now)
                })
                .map(|(_, k)| k.clone())
        });
        (Some(version), found)
    }

    /// Keeps the answer read at `version` (nothing when `None`), replacing an older one for
    /// the same token and programme (or none); `answer` is only called when it is kept.
    pub(crate) fn keep(
        &self,
        version: Option<i64>,
        token_hash: String,
        answer: impl FnOnce() -> Kept,
    ) {
        let Some(version) = version else {
            return;
        };
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        if kept.len() >= MAX_TOKENS && !kept.contains_key(&token_hash) {
            kept.clear();
        }
        let answer = answer();
        let answers = kept.entry(token_hash).or_default();
        answers.retain(|(_, k)| k.slug != answer.slug);
        answers.push((version, answer));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod tests {
    use super::TokenCache;

    #[test]
    fn the_version_moves_when_another_connection_commits() {
        let dir = std::env::temp_dir().join(format!("trellis-token-cache-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("watched.db");
        let _ = std::fs::remove_file(&path);
        let writer = rusqlite::Connection::open(&path).unwrap();
        writer.pragma_update(None, "journal_mode", "wal").unwrap();
        writer.execute("CREATE TABLE t (x INTEGER)", []).unwrap();

        let cache = TokenCache::watching(&path);
        let before = cache.version().expect("a version");
        assert_eq!(cache.version(), Some(before), "nothing committed");
        writer.execute("INSERT INTO t VALUES (1)", []).unwrap();
        let after = cache.version().expect("a version");
        assert_ne!(after, before, "a commit by another connection");
        assert_eq!(cache.version(), Some(after));

        // A file that cannot be opened: nothing is kept, every request queries.
        let missing = TokenCache::watching(&dir.join("no-such-dir").join("x.db"));
        assert_eq!(missing.version(), None);
        assert_eq!(TokenCache::default().version(), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
