//! Argon2id password hashing, off the async threads (it is deliberately slow and memory-hard).
//!
//! Each hash holds about 19 MiB for its duration, so how many run at once is bounded: one per
//! core, since more would only share the cores. The rest wait their turn for up to
//! [`QUEUE_SECONDS`]; past that the server is busy and says so (503 with `Retry-After`), rather
//! than letting a burst of sign-ins take the memory of the machine.

use crate::error::{AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a sign-in waits for a free hasher before the server answers that it is busy.
pub const QUEUE_SECONDS: u64 = 10;

static HASHERS: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
});

/// Runs `work` on a blocking thread once a hasher is free.
async fn with_hasher<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    with_hasher_within(Duration::from_secs(QUEUE_SECONDS), work).await
}

async fn with_hasher_within<T: Send + 'static>(
    queue: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    let permit = tokio::time::timeout(queue, HASHERS.acquire())
        .await
        .map_err(|_| AppError::Busy {
            message: "Many people are signing in at this moment. Please try again in a few \
                      seconds."
                .into(),
            retry_after: 5,
        })?
        .map_err(AppError::internal)?;
    let done = tokio::task::spawn_blocking(work)
        .await
        .map_err(AppError::internal);
    drop(permit);
    done
}

pub async fn hash(password: String) -> AppResult<String> {
    with_hasher(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(anyhow::anyhow!("hashing failed: {e}")))
    })
    .await?
}

/// `true` when `password` matches `stored`. A malformed stored hash never matches.
pub async fn verify(password: String, stored: String) -> AppResult<bool> {
    with_hasher(move || {
        PasswordHash::new(&stored).is_ok_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
    })
    .await
}

/// Spends as long as checking a password does, so that signing in with an unknown email takes
/// as long as with a known one and does not reveal which accounts exist.
pub async fn spend_equal_time(password: String) -> AppResult<()> {
    hash(password).await.map(drop)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_run_at_once_than_there_are_hashers() {
        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        static MOST: AtomicUsize = AtomicUsize::new(0);
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                tokio::spawn(with_hasher(|| {
                    let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
                    MOST.fetch_max(now, Ordering::SeqCst);
                    Argon2::default().hash_password(b"a password").unwrap();
                    RUNNING.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let limit = std::thread::available_parallelism().unwrap().get();
        let most = MOST.load(Ordering::SeqCst);
        assert!(most >= 1 && most <= limit, "{most} at once, limit {limit}");
    }

    #[tokio::test]
    async fn past_the_queue_the_server_is_busy() {
        let limit = std::thread::available_parallelism().unwrap().get();
        let all = HASHERS
            .acquire_many(u32::try_from(limit).unwrap())
            .await
            .unwrap();
        let answer = with_hasher_within(Duration::from_millis(50), || ()).await;
        let Err(AppError::Busy { retry_after, .. }) = answer else {
            panic!("expected busy, got {answer:?}");
        };
        assert!(retry_after > 0);
        drop(all);
        with_hasher_within(Duration::from_millis(500), || ())
            .await
            .unwrap();
    }
}
