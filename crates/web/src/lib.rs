//! Trellis on the web: server-rendered pages (askama) and the JSON API under `/api/v1`, both
//! calling the same actions of [`trellis_app`], which hold one transaction per action.

mod api;
mod auth;
mod charts;
mod copies;
mod error;
mod headers;
mod nul;
mod pages;
mod pdf;
mod state;
mod uploads;

pub use api::openapi;
pub use state::AppState;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Request bodies larger than this get 413 (CSV uploads have their own, larger limit).
pub const BODY_LIMIT: usize = 1024 * 1024;
pub const UPLOAD_LIMIT: usize = 20 * 1024 * 1024;
/// The most a CV upload may send before the connection is cut. The 5 MB rule is checked while
/// reading; what comes after is read and dropped, so that the browser (still sending) gets the
/// page that names the field instead of a broken connection.
pub const CV_UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

/// The whole web application.
pub fn router(state: AppState) -> Router {
    let (api_router, _) = api::routes().split_for_parts();
    let app = Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api_router)
        .route("/api/v1/openapi.json", get(api::openapi_json))
        .route("/healthz", get(healthz))
        .nest("/static", pages::static_files())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            reject_cross_site,
        ))
        .layer(axum::middleware::from_fn(nul::refuse_nul))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::render_errors,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid));
    headers::apply(app).with_state(state)
}

/// Every log line of a request carries its id (the `X-Request-Id` it came with, or a new one,
/// sent back in the answer), its method and its path (never the query, which may hold a
/// link's token).
fn request_span<B>(req: &axum::http::Request<B>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
}

async fn healthz(
    axum::extract::State(s): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match trellis_app::healthy(&s).await {
        Ok(()) => (
            axum::http::StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "database unavailable"})),
            )
                .into_response()
        }
    }
}

/// Refuses state-changing requests that a browser says come from another site: the
/// `Sec-Fetch-Site` header when present, else `Origin` compared with the request's host and
/// the public URL. Requests without either (API clients, curl) carry no ambient browser
/// credentials and pass; bearer-token requests always pass.
async fn reject_cross_site(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::Method;
    use axum::response::IntoResponse;
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method
        && auth::bearer(req.headers()).is_none()
        && auth::is_cross_site(req.headers(), &state.config.site.public_url)
    {
        let err = error::WebError::Status {
            status: axum::http::StatusCode::FORBIDDEN,
            code: "cross_site",
            message: "Cross-site form submissions are not accepted.".into(),
        };
        return if req.uri().path().starts_with("/api/") {
            error::ApiError(err).into_response()
        } else {
            pages::PageError(err).into_response()
        };
    }
    next.run(req).await
}
