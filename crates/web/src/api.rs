//! The JSON API under `/api/v1`, described by the OpenAPI document that utoipa builds from
//! the handlers' annotations (served at `/api/v1/openapi.json`).

mod accounts;
mod audit;
mod concerns;
mod contract;
mod email_texts;
mod extract;
mod json;
mod matching;
mod mentoring;
mod notifications;
mod programmes;
mod relationships;
mod requests;

use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use std::sync::OnceLock;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use accounts::my_data_download;
pub use json::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(title = "Trellis API", description = "Mentoring programmes: accounts, programmes, roles and more. Authenticate with a session cookie or `Authorization: Bearer <personal access token>` (create one with POST /api/v1/tokens). Errors are `{\"error\":{\"code\",\"message\",\"field\"}}`."),
    servers((url = "/api/v1")),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(accounts::register))
        .routes(routes!(accounts::verify))
        .routes(routes!(accounts::resend_verification))
        .routes(routes!(accounts::request_reset))
        .routes(routes!(accounts::confirm_reset))
        .routes(routes!(accounts::create_token, accounts::list_tokens))
        .routes(routes!(accounts::revoke_token))
        .routes(routes!(accounts::me, accounts::patch_me))
        .routes(routes!(accounts::home))
        .routes(routes!(accounts::my_relationships))
        .routes(routes!(accounts::change_password))
        .routes(routes!(accounts::export))
        .routes(routes!(accounts::erase))
        .routes(routes!(programmes::list, programmes::create))
        .routes(routes!(programmes::get, programmes::patch))
        .routes(routes!(programmes::join, programmes::members))
        .routes(routes!(programmes::staff, programmes::grant_role))
        .routes(routes!(programmes::revoke_role))
        .routes(routes!(programmes::queues))
        .routes(routes!(programmes::export))
        .routes(routes!(programmes::dashboard))
        .routes(routes!(programmes::report))
        .routes(routes!(programmes::webhooks, programmes::register_webhook))
        .routes(routes!(programmes::remove_webhook))
        .routes(routes!(programmes::webhook_deliveries))
        .routes(routes!(email_texts::list))
        .routes(routes!(
            email_texts::get,
            email_texts::put,
            email_texts::delete
        ))
        .routes(routes!(email_texts::preview))
        .routes(routes!(matching::list, matching::create))
        .routes(routes!(matching::get))
        .routes(routes!(matching::default_cohort))
        .routes(routes!(matching::rule))
        .routes(routes!(matching::clear_rule))
        .routes(routes!(matching::publish))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(programmes::import_member_list))
                .routes(routes!(programmes::import))
                .layer(DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .routes(routes!(audit::list))
        .routes(routes!(mentoring::get_taxonomy, mentoring::add_term))
        .routes(routes!(mentoring::patch_term))
        .routes(routes!(mentoring::apply, mentoring::list))
        .routes(routes!(mentoring::get))
        .routes(routes!(mentoring::decision))
        .routes(routes!(mentoring::resubmit))
        .routes(routes!(mentoring::withdraw))
        .routes(routes!(mentoring::directory))
        .routes(routes!(mentoring::mentor_profile))
        .routes(routes!(mentoring::own, mentoring::change))
        .routes(routes!(mentoring::confirm_refresh))
        .routes(routes!(requests::create, requests::list))
        .routes(routes!(requests::get))
        .routes(routes!(requests::accept))
        .routes(routes!(requests::decline))
        .routes(routes!(requests::withdraw))
        .routes(routes!(requests::offer))
        .routes(routes!(requests::close))
        .routes(routes!(requests::nudge))
        .routes(routes!(requests::reroute))
        .routes(routes!(requests::share))
        .routes(routes!(relationships::get))
        .routes(routes!(relationships::phase))
        .routes(routes!(relationships::agreement, relationships::propose))
        .routes(routes!(relationships::edit))
        .routes(routes!(relationships::sign))
        .routes(routes!(relationships::compare))
        .routes(routes!(relationships::log, relationships::add_log))
        .routes(routes!(relationships::meetings, relationships::schedule))
        .routes(routes!(relationships::reschedule))
        .routes(routes!(relationships::cancel))
        .routes(routes!(relationships::outcomes))
        .routes(routes!(relationships::new_feed, relationships::revoke_feed))
        .routes(routes!(relationships::plan, relationships::add_goal))
        .routes(routes!(relationships::update_goal))
        .routes(routes!(
            relationships::assessments,
            relationships::add_assessment
        ))
        .routes(routes!(relationships::checklist, relationships::tick))
        .routes(routes!(
            relationships::evaluations,
            relationships::add_evaluation
        ))
        .routes(routes!(relationships::evaluation_results))
        .routes(routes!(relationships::create))
        .routes(routes!(relationships::add_member))
        .routes(routes!(relationships::leave))
        .routes(routes!(concerns::report))
        .routes(routes!(concerns::mine))
        .routes(routes!(concerns::get))
        .routes(routes!(concerns::step))
        .routes(routes!(concerns::note))
        .routes(routes!(concerns::lift_pause))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(requests::put_cv, requests::get_cv))
                .layer(DefaultBodyLimit::max(crate::CV_UPLOAD_LIMIT)),
        )
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::read))
        .routes(routes!(notifications::read_all))
        .routes(routes!(
            notifications::settings,
            notifications::save_settings
        ))
}

/// The OpenAPI 3.1 document, built once.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = routes().split_for_parts().1;
        contract::complete(&mut doc);
        doc
    })
}

pub async fn openapi_json() -> axum::response::Response {
    axum::Json(openapi()).into_response()
}

#[cfg(test)]
mod tests {
    /// The OpenAPI document is the API's contract: any change to it shows here as a diff of
    /// `tests/snapshots/openapi.json` (rewritten when `UPDATE_SNAPSHOTS=1`). The served
    /// document is this one written compactly, so equal pretty forms mean equal bytes served.
    #[test]
    fn openapi_document_snapshot() {
        let doc =
            serde_json::to_string_pretty(super::openapi()).expect("the document is JSON") + "\n";
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, &doc).expect("write the snapshot");
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "no snapshot {}; run with UPDATE_SNAPSHOTS=1",
                path.display()
            )
        });
        assert!(
            doc == want,
            "the OpenAPI document changed; if on purpose, run with UPDATE_SNAPSHOTS=1 and review the diff of {}",
            path.display()
        );
    }
}
