//! What API requests carry, read into the API's error shape: a malformed JSON body is a 400
//! carrying the parser's message, a body over the limit a 413; a path or query parameter that
//! does not parse is a 400 naming it.

use crate::error::{ApiError, WebError};
use axum::extract::path::ErrorKind;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, RawPathParams};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A query string for the API: a value that does not parse is a 400 naming the parameter, in
/// the API's error shape (axum's own `Query` answers in plain text without the name).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw.as_bytes()));
        serde_path_to_error::deserialize(de).map(Self).map_err(|e| {
            let field = e.path().to_string();
            let message = format!("The query parameter {field} is not valid: {}", e.inner());
            ApiError(WebError::BadParameter { field, message })
        })
    }
}

/// Path parameters for the API: one that does not parse (an id that is not a number) is a 400
/// naming it, in the API's error shape.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(Self(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let names: Vec<String> = RawPathParams::from_request_parts(parts, state)
                    .await
                    .map(|p| p.iter().map(|(k, _)| k.to_owned()).collect())
                    .unwrap_or_default();
                let field = match e.kind() {
                    ErrorKind::ParseErrorAtKey { key, .. }
                    | ErrorKind::InvalidUtf8InPathParam { key }
                    | ErrorKind::DeserializeError { key, .. } => key.clone(),
                    ErrorKind::ParseErrorAtIndex { index, .. } => {
                        names.get(*index).cloned().unwrap_or_else(|| "path".into())
                    }
                    _ => names.first().cloned().unwrap_or_else(|| "path".into()),
                };
                let message = format!("The path parameter {field} is not valid: {}", e.body_text());
                Err(ApiError(WebError::BadParameter { field, message }))
            }
            Err(other) => Err(ApiError(WebError::Status {
                status: other.status(),
                code: "bad_request",
                message: other.body_text(),
            })),
        }
    }
}

#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(BadJson))]
pub struct ApiJson<T>(pub T);

/// A JSON body refused, in the API's error shape.
pub struct BadJson(ApiError);

impl axum::response::IntoResponse for BadJson {
    fn into_response(self) -> axum::response::Response {
        self.0.into_response()
    }
}

impl From<JsonRejection> for BadJson {
    fn from(r: JsonRejection) -> Self {
        let status = r.status();
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid_json_shape",
            _ => "malformed_json",
        };
        let status = if status == StatusCode::UNPROCESSABLE_ENTITY {
            StatusCode::BAD_REQUEST
        } else {
            status
        };
        Self(ApiError(WebError::Status {
            status,
            code,
            message: r.body_text(),
        }))
    }
}

/// The shape of every API error.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `invalid`, `not_found`, `forbidden`.
    pub code: String,
    pub message: String,
    /// The input field the error is about, when there is one.
    pub field: Option<String>,
}
