//! The notification centre.

use super::*;

#[derive(Template)]
#[template(path = "requests/notifications.html")]
pub(super) struct NotificationsPage {
    pub(super) c: Chrome,
    pub(super) items: Vec<Notification>,
    pub(super) unread: i64,
}

pub(super) async fn notification_centre(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
) -> PageResult {
    let (items, unread) = notes::list(&s, &me).await?;
    Ok(ok(&NotificationsPage { c, items, unread }))
}

/// Opens a notification: marks it read and goes where it points.
pub(super) async fn open_notification(
    State(s): State<AppState>,
    SignedIn { me, .. }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let link = notes::open(&s, &me, id).await?;
    let to = link
        .filter(|l| l.starts_with('/') && !l.starts_with("//"))
        .unwrap_or_else(|| "/notifications".to_owned());
    Ok(Redirect::to(&to).into_response())
}

pub(super) async fn read_all(
    State(s): State<AppState>,
    FormPost { me, .. }: FormPost<NoFields>,
) -> PageResult {
    notes::read_all(&s, &me).await?;
    Ok(Redirect::to("/notifications").into_response())
}

#[derive(Template)]
#[template(path = "requests/email_settings.html")]
pub(super) struct EmailSettingsPage {
    pub(super) c: Chrome,
    pub(super) settings: notes::EmailSettings,
    pub(super) f: FormState,
    pub(super) saved: bool,
}

pub(super) async fn email_settings(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
) -> PageResult {
    let settings = notes::settings(&s, &me).await?;
    Ok(ok(&EmailSettingsPage {
        c,
        settings,
        f: FormState::default(),
        saved: false,
    }))
}

pub(super) async fn save_email_settings(
    State(s): State<AppState>,
    FormPost { me, c, mut form }: FormPost<std::collections::BTreeMap<String, String>>,
) -> PageResult {
    form.remove("csrf_token");
    match notes::save_settings(&s, &me, &form).await {
        Ok(settings) => Ok(ok(&EmailSettingsPage {
            c,
            settings,
            f: FormState::default(),
            saved: true,
        })),
        Err(e @ trellis_app::AppError::Invalid(_)) => {
            let settings = notes::settings(&s, &me).await?;
            Ok(render(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &EmailSettingsPage {
                    c,
                    settings,
                    f: FormState::default().failed(&e),
                    saved: false,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}
