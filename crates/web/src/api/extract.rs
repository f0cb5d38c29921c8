//! Who an API request is from: 401 when a bearer token is not valid (so clients notice a
//! revoked token) or when a signed-in person is needed and nobody is.

use crate::auth::{CurrentUser, bearer, resolve};
use crate::error::{ApiError, WebError};
use crate::state::AppState;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use trellis_app::programmes::{self, Programme};
use trellis_app::{Actor, AppError};
use trellis_domain::role::Standing;

/// Anyone: `MaybeUserApi(None)` when signed out; a bad bearer token is still a 401.
pub struct MaybeUserApi(pub Option<Actor>);

impl FromRequestParts<AppState> for MaybeUserApi {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(resolve(&parts.headers, state).await?.map(|u| u.actor)))
    }
}

/// A signed-in person: 401 otherwise.
pub struct ApiUser(pub Actor);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match resolve(&parts.headers, state).await? {
            Some(CurrentUser { actor, .. }) => Ok(Self(actor)),
            None => Err(ApiError(WebError::Unauthenticated)),
        }
    }
}

/// A signed-in person with the programme the path's `{slug}` names and what they are in it,
/// for API calls about one programme: 401 when signed out, 404 when there is no such
/// programme. With a bearer token all three come from one query (the mentor directory's hot
/// path); with a session, from the session's queries and one more.
pub struct ApiUserIn {
    pub me: Actor,
    pub programme: Programme,
    pub standing: Standing,
}

impl FromRequestParts<AppState> for ApiUserIn {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let not_found = || ApiError(AppError::NotFound("programme").into());
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| not_found())?;
        let slug = params
            .iter()
            .find_map(|(k, v)| (k == "slug").then(|| v.to_owned()))
            .ok_or_else(not_found)?;
        if let Some(token) = bearer(&parts.headers) {
            let found = programmes::find_for_token(state, &slug, token).await?;
            let Some((user, in_programme)) = found else {
                return Err(WebError::Unauthenticated.into());
            };
            let (programme, standing) = in_programme.ok_or_else(not_found)?;
            return Ok(Self {
                me: Actor::new(user),
                programme,
                standing,
            });
        }
        let ApiUser(me) = ApiUser::from_request_parts(parts, state).await?;
        let (programme, standing) = programmes::find_as(state, &slug, &me).await?;
        Ok(Self {
            me,
            programme,
            standing,
        })
    }
}
