//! The web layer's errors: what the actions answer ([`AppError`]) and what only HTTP can go
//! wrong with (a bad body or parameter, no sign-in, a form token or origin refused). The API
//! renders them as `{"error":{"code","message","field"}}`; pages render an HTML error page
//! (forms with invalid input are re-shown by their handlers instead).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use trellis_app::AppError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    App(AppError),
    #[error("{0}")]
    BadRequest(String),
    /// A path or query parameter that does not parse, named.
    #[error("{message}")]
    BadParameter { field: String, message: String },
    /// A JSON body value of the wrong type (a string where a number goes …), named.
    #[error("{message}")]
    BadBody { field: String, message: String },
    /// Text that no field can hold (a NUL character), named: 422 like any invalid field.
    #[error("{message}")]
    BadText { field: String, message: String },
    #[error("sign in first")]
    Unauthenticated,
    /// A refusal with its own status and code (a form token or origin refused, a body that
    /// is not JSON …).
    #[error("{message}")]
    Status {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::App(e) => status_of(e),
            Self::BadRequest(_) | Self::BadParameter { .. } | Self::BadBody { .. } => {
                StatusCode::BAD_REQUEST
            }
            Self::BadText { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Status { status, .. } => *status,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::App(e) => match e {
                AppError::Invalid(_) => "invalid",
                AppError::Forbidden(_) => "forbidden",
                AppError::Unconfirmed(_) => "email_unverified",
                AppError::NotFound(_) => "not_found",
                AppError::Conflict(_) => "conflict",
                AppError::Gone(_) => "link_gone",
                AppError::TooManyRequests { .. } => "too_many_requests",
                AppError::Busy { .. } => "busy",
                AppError::Internal { .. } => "internal",
            },
            Self::BadRequest(_) => "bad_request",
            Self::BadParameter { .. } => "invalid_parameter",
            Self::BadBody { .. } => "invalid_json_shape",
            Self::BadText { .. } => "invalid",
            Self::Unauthenticated => "unauthenticated",
            Self::Status { code, .. } => code,
        }
    }

    /// The message shown to the client; internal errors say nothing of their cause.
    pub fn public_message(&self) -> String {
        match self {
            Self::App(e) => e.public_message(),
            other => other.to_string(),
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            Self::App(e) => e.field(),
            Self::BadParameter { field, .. }
            | Self::BadBody { field, .. }
            | Self::BadText { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Seconds to wait before trying again (`Retry-After`), for 429 and 503.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::App(e) => e.retry_after(),
            _ => None,
        }
    }

    /// Adds `Retry-After` to an answer when the error has one.
    pub fn mark(&self, mut resp: Response) -> Response {
        if let Some(seconds) = self.retry_after() {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        resp
    }

    pub(crate) fn log(&self) {
        if let Self::App(e @ AppError::Internal { .. }) = self {
            tracing::error!("internal error: {}", e.log_text());
        }
    }
}

/// The status code that answers an action's error.
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Forbidden(_) | AppError::Unconfirmed(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Gone(_) => StatusCode::GONE,
        AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl From<trellis_domain::Invalid> for WebError {
    fn from(e: trellis_domain::Invalid) -> Self {
        Self::App(e.into())
    }
}

impl From<trellis_domain::FieldError> for WebError {
    fn from(e: trellis_domain::FieldError) -> Self {
        Self::App(e.into())
    }
}

impl From<anyhow::Error> for WebError {
    fn from(e: anyhow::Error) -> Self {
        Self::App(e.into())
    }
}

/// JSON rendering, for the API.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let mut body = serde_json::json!({ "error": { "code": e.code(), "message": e.public_message(), "field": e.field() } });
        if let WebError::App(AppError::Invalid(inv)) = &e {
            body["error"]["fields"] = inv
                .0
                .iter()
                .map(|f| serde_json::json!({ "field": f.field, "message": f.message }))
                .collect();
        }
        let mut resp = e.mark((e.status(), axum::Json(body)).into_response());
        if matches!(e, WebError::Unauthenticated) {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
