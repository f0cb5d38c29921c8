//! One error type for the web layer. The API renders it as
//! `{"error":{"code","message","field"}}`; pages render it as an HTML error page (forms with
//! invalid input are re-shown by their handlers instead).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use trellis_domain::Invalid;
use trellis_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Invalid(Invalid),
    #[error("{0}")]
    BadRequest(String),
    /// A path or query parameter that does not parse, named.
    #[error("{message}")]
    BadParameter { field: String, message: String },
    #[error("sign in first")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("{message}")]
    Status {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn forbidden(msg: impl Into<String>) -> Self {
        Self::Forbidden(msg.into())
    }

    pub fn invalid(field: &'static str, msg: impl Into<String>) -> Self {
        Self::Invalid(Invalid::one(field, msg))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) | Self::BadParameter { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Status { status, .. } => *status,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid",
            Self::BadRequest(_) => "bad_request",
            Self::BadParameter { .. } => "invalid_parameter",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::TooManyRequests(_) => "too_many_requests",
            Self::Status { code, .. } => code,
            Self::Internal(_) => "internal",
        }
    }

    /// The message shown to the client; internal errors say nothing of their cause.
    pub fn public_message(&self) -> String {
        match self {
            Self::Invalid(inv) => inv
                .first()
                .map_or_else(|| "invalid input".into(), |e| e.message.clone()),
            Self::Internal(_) => {
                "Something went wrong on our side. It has been logged; please try again later."
                    .into()
            }
            other => other.to_string(),
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid(inv) => inv.first().map(|e| e.field),
            Self::BadParameter { field, .. } => Some(field),
            _ => None,
        }
    }

    pub(crate) fn log(&self) {
        if let Self::Internal(e) = self {
            tracing::error!(error = %format!("{e:#}"), "internal error");
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
            StoreError::Db(e) => Self::Internal(anyhow::Error::new(e)),
        }
    }
}

impl From<trellis_store::DbErr> for AppError {
    fn from(e: trellis_store::DbErr) -> Self {
        Self::Internal(anyhow::Error::new(e))
    }
}

/// JSON rendering, for the API.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let mut body = serde_json::json!({ "error": { "code": e.code(), "message": e.public_message(), "field": e.field() } });
        if let AppError::Invalid(inv) = &e {
            body["error"]["fields"] = inv
                .0
                .iter()
                .map(|f| serde_json::json!({ "field": f.field, "message": f.message }))
                .collect();
        }
        let mut resp = (e.status(), axum::Json(body)).into_response();
        if matches!(e, AppError::Unauthenticated) {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
