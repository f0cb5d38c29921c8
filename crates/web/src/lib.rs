//! Trellis on the web: server-rendered pages (askama) and the JSON API under `/api/v1`, both
//! calling the same actions of [`trellis_app`], which hold one transaction per action.

mod api;
mod auth;
mod charts;
mod copies;
mod error;
mod pages;
mod pdf;
mod state;
mod uploads;

pub use api::openapi;
pub use auth::CurrentUser;
pub use state::AppState;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
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
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api_router)
        .route("/api/v1/openapi.json", get(api::openapi_json))
        .route("/healthz", get(healthz))
        .nest("/static", pages::static_files())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::reject_cross_site,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
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
