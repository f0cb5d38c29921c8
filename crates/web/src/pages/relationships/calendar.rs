//! The calendar feed.

use super::*;

#[derive(Template)]
#[template(path = "relationships/calendar.html")]
pub(super) struct CalendarPage {
    pub(super) c: Chrome,
    pub(super) active: Option<String>,
    pub(super) new_url: Option<String>,
}

pub(super) async fn calendar_page(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
) -> PageResult {
    let active = trellis_app::meetings::feed_made(&s, &me)
        .await?
        .map(trellis_domain::dates::day_and_time);
    Ok(ok(&CalendarPage {
        c,
        active,
        new_url: None,
    }))
}

#[derive(Deserialize)]
pub(super) struct CalendarForm {
    /// new or revoke
    #[serde(default)]
    pub(super) action: String,
}

pub(super) async fn calendar_change(
    State(s): State<AppState>,
    FormPost { me, c, form: f }: FormPost<CalendarForm>,
) -> PageResult {
    if f.action == "revoke" {
        meetings_act::revoke_feed(&s, &me).await?;
        return Ok(Redirect::to("/calendar").into_response());
    }
    let url = meetings_act::new_feed(&s, &me).await?;
    let active = Some(trellis_domain::dates::day_and_time(s.now()));
    Ok(ok(&CalendarPage {
        c,
        active,
        new_url: Some(url),
    }))
}

/// The feed itself, for calendar apps: the secret token in the address is the only key.
pub(super) async fn calendar_feed(
    State(s): State<AppState>,
    Path(file): Path<String>,
) -> PageResult {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let ics = meetings_act::feed(&s, token).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "private, no-store"),
        ],
        ics,
    )
        .into_response())
}
