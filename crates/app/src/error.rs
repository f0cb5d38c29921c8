//! What an action can answer instead of its result. The edges decide how each is shown: the
//! web maps them to status codes, JSON errors and pages; the CLI prints them.

use tracing_error::SpanTrace;
use trellis_domain::Invalid;
use trellis_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that does not parse, each bad field named.
    #[error("{0}")]
    Invalid(Invalid),
    /// The person may not do this; the message says why, in words.
    #[error("{0}")]
    Forbidden(String),
    /// Refused until the person confirms their email address.
    #[error("{0}")]
    Unconfirmed(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The thing changed, or is in a state that does not allow this.
    #[error("{0}")]
    Conflict(String),
    /// An emailed link that has expired or was used.
    #[error("{0}")]
    Gone(String),
    /// Too many attempts from this caller: try again after `retry_after` seconds.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    /// The server is at its limit for this kind of work for a moment (not the caller's
    /// fault): try again after `retry_after` seconds.
    #[error("{message}")]
    Busy { message: String, retry_after: u64 },
    /// Anything unexpected: logged with its context (the cause, and the steps it happened in:
    /// the action or job with its ids, the request), shown to nobody.
    #[error("{error:#}")]
    Internal {
        error: anyhow::Error,
        /// The spans open where it happened, innermost first.
        steps: SpanTrace,
    },
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// An unexpected error, with the steps it happened in.
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal {
            error: error.into(),
            steps: SpanTrace::capture(),
        }
    }

    /// How an unexpected error is logged: its causes, then the steps it happened in.
    pub fn log_text(&self) -> String {
        match self {
            Self::Internal { error, steps } => format!("{error:#}\n{steps}"),
            other => other.to_string(),
        }
    }

    pub fn forbidden(msg: impl Into<String>) -> Self {
        Self::Forbidden(msg.into())
    }

    pub fn invalid(field: &'static str, msg: impl Into<String>) -> Self {
        Self::Invalid(Invalid::one(field, msg))
    }

    /// The message a person may read; unexpected errors say nothing of their cause.
    pub fn public_message(&self) -> String {
        match self {
            Self::Invalid(inv) => inv
                .first()
                .map_or_else(|| "invalid input".into(), |e| e.message.clone()),
            Self::Internal { .. } => {
                "Something went wrong on our side. It has been logged; please try again later."
                    .into()
            }
            other => other.to_string(),
        }
    }

    /// How many seconds to wait before trying again, when that is the answer.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests { retry_after, .. } | Self::Busy { retry_after, .. } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }

    /// The first bad field, for invalid input.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid(inv) => inv.first().map(|e| e.field),
            _ => None,
        }
    }
}

impl From<Invalid> for AppError {
    fn from(v: Invalid) -> Self {
        Self::Invalid(v)
    }
}

impl From<trellis_domain::FieldError> for AppError {
    fn from(e: trellis_domain::FieldError) -> Self {
        Self::Invalid(e.into())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate { field: "email" } => {
                Self::invalid("email", "An account with this email address already exists")
            }
            StoreError::Duplicate { field: "slug" } => {
                Self::invalid("slug", "A programme with this slug already exists")
            }
            StoreError::Duplicate { field } => Self::invalid(field, "This value is already in use"),
            StoreError::NotInList { field } => Self::invalid(field, "Choose a value from the list"),
            e @ (StoreError::Db(_) | StoreError::Query { .. }) => Self::internal(e),
        }
    }
}

impl From<trellis_store::DbErr> for AppError {
    fn from(e: trellis_store::DbErr) -> Self {
        Self::internal(e)
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        Self::internal(e)
    }
}
