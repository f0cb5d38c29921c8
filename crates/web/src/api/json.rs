//! What API requests carry, read into the API's error shape: a malformed JSON body is a 400
//! carrying the parser's message, a body over the limit a 413; a path or query parameter that
//! does not parse is a 400 naming it.

use crate::error::{ApiError, WebError};
use axum::body::Bytes;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, RawPathParams, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
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

/// A JSON body for the API. It must be sent as JSON (415 otherwise), fit the route's limit
/// (413), parse (400 `malformed_json`) and be an object (400); a value of the wrong type is a
/// 400 `invalid_json_shape` naming its field. A number written with a zero fraction (`35.0`)
/// is the integer it equals, as JSON Schema counts it.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let refuse = |status, code, message: String| {
            ApiError(WebError::Status {
                status,
                code,
                message,
            })
        };
        if !is_json(req.headers()) {
            return Err(refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON, with Content-Type: application/json".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            let too_large = r.status() == StatusCode::PAYLOAD_TOO_LARGE;
            match too_large {
                true => refuse(r.status(), "payload_too_large", r.body_text()),
                false => refuse(r.status(), "bad_request", r.body_text()),
            }
        })?;
        let mut value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            let message = format!("The body is not valid JSON: {e}");
            refuse(StatusCode::BAD_REQUEST, "malformed_json", message)
        })?;
        if !value.is_object() {
            return Err(ApiError(WebError::BadBody {
                field: "body".into(),
                message: "The body must be a JSON object".into(),
            }));
        }
        whole_numbers_as_integers(&mut value);
        serde_path_to_error::deserialize(value)
            .map(Self)
            .map_err(|e| {
                let field = match e.path().to_string() {
                    p if p == "." => "body".to_owned(),
                    p => p,
                };
                let message = match field.as_str() {
                    "body" => e.inner().to_string(),
                    _ => format!("{field}: {}", e.inner()),
                };
                ApiError(WebError::BadBody { field, message })
            })
    }
}

/// `application/json`, or a `+json` type such as `application/merge-patch+json`.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(essence) = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
    else {
        return false;
    };
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Writes every float with no fraction that an `i64` holds as that integer, all the way down.
fn whole_numbers_as_integers(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f >= i64::MIN as f64
                && f < i64::MAX as f64
            {
                // In range and whole, so the cast is exact.
                #[allow(clippy::cast_possible_truncation)]
                let i = f as i64;
                *v = Value::from(i);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
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
