//! Trellis storage. One code path for SQLite and PostgreSQL: portable SQL (`$1` placeholders,
//! `RETURNING`, `ON CONFLICT`) run through sea-orm's connection, which picks the driver from the
//! URL. The only dialect branches are the migration files, the job claim's `SKIP LOCKED` and,
//! on SQLite, the token look-ups kept while the database is unchanged (`bearer::cache`).
//!
//! Every function takes any connection (`&impl ConnectionTrait`), so a caller groups the
//! writes of one action — the change, its audit row, its outbox mail — in one transaction.

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod bearer;
pub mod concerns;
mod db;
pub mod directory;
pub mod email_texts;
pub mod erasure;
pub mod jobs;
pub mod matching_rounds;
pub mod mentors;
pub mod notifications;
pub mod outbox;
pub mod programmes;
pub mod queues;
pub mod reports;
pub mod requests;
pub mod sealed;
pub mod secrets;
pub mod shortlist;
mod sql;
pub mod taxonomy;
pub mod webhooks;
pub mod workspace;

pub use db::{Backend, Store, begin, connect};
pub use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait,
};

/// What can go wrong in the store that a caller may want to tell apart.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value (an email, a slug) is already in use; `field` names the input.
    #[error("{field} is already in use")]
    Duplicate { field: &'static str },
    /// A value that must be one of a list (a taxonomy term) is not; `field` names the input.
    #[error("{field} is not one of the choices")]
    NotInList { field: &'static str },
    /// A statement failed; `query` is the start of its text.
    #[error("the query `{query}` failed")]
    Query {
        query: String,
        #[source]
        source: DbErr,
    },
    #[error(transparent)]
    Db(#[from] DbErr),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
