//! Pages for mentorship requests: the shortlist built from the directory, the request form,
//! one request with its timeline and the actions each person may take, the lists of a
//! programme's requests, and the notification centre.

use super::filters;
use super::{Chrome, FormPost, FormState, NoFields, PageError, PageResult, SignedIn, ok, render};

use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use trellis_app::Actor;
use trellis_app::AppError;
use trellis_app::mentors::MentorRow;
use trellis_app::notifications as notes;
use trellis_app::notifications::Notification;
use trellis_app::programmes::Programme;
use trellis_app::programmes::{find, standing};
use trellis_app::requests::Pick;
use trellis_app::requests::{self as act, RequestView, Upload, Viewer};
use trellis_domain::error::FieldError;
use trellis_domain::profile::CHANNELS;
use trellis_domain::request::{CV_TOO_LARGE, FOCUS, MAX_CV_BYTES, RequestInput, Stage};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmes/{slug}/requests", get(lists))
        .route(
            "/programmes/{slug}/requests/new",
            get(new_form)
                .post(create)
                .layer(DefaultBodyLimit::max(crate::CV_UPLOAD_LIMIT)),
        )
        .route("/programmes/{slug}/shortlist", post(change_shortlist))
        .route("/requests/{id}", get(show))
        .route("/requests/{id}/accept", post(accept))
        .route("/requests/{id}/decline", post(decline))
        .route("/requests/{id}/withdraw", post(withdraw))
        .route("/requests/{id}/nudge", post(nudge))
        .route("/requests/{id}/share", post(share))
        .route("/requests/{id}/reroute", post(reroute))
        .route("/requests/{id}/offer", post(offer))
        .route("/requests/{id}/close", post(close))
        .route(
            "/requests/{id}/cv",
            get(download_cv)
                .post(upload_cv)
                .layer(DefaultBodyLimit::max(crate::CV_UPLOAD_LIMIT)),
        )
        .route("/notifications", get(notification_centre))
        .route("/notifications/read-all", post(read_all))
        .route(
            "/notifications/settings",
            get(email_settings).post(save_email_settings),
        )
        .route("/notifications/{id}", get(open_notification))
}

fn is_staff(st: &trellis_domain::role::Standing) -> bool {
    st.runs_programme()
}

// ---- The programme's requests: mine, offers to me, the staff queue ----

#[derive(Template)]
#[template(path = "requests/lists.html")]
struct ListsPage {
    c: Chrome,
    p: Programme,
    mine: Vec<RequestView>,
    offers: Vec<RequestView>,
    queue: Option<Vec<RequestView>>,
    picks: Vec<Pick>,
}

impl ListsPage {
    fn has_open_request(&self) -> bool {
        self.mine.iter().any(|r| r.stage.is_open())
    }
}

async fn lists(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let st = standing(&s, &p, &me).await?;
    if !st.is_member && !is_staff(&st) {
        return Err(PageError::from(AppError::forbidden(format!(
            "Join {} to ask for a mentor in it",
            p.name
        ))));
    }
    let act::Lists {
        mine,
        offers,
        queue,
    } = act::lists(&s, &me, &p).await?;
    let picks = act::picks(&s, &me, &p).await?;
    Ok(ok(&ListsPage {
        c,
        p,
        mine,
        offers,
        queue,
        picks,
    }))
}

// ---- The shortlist ----

#[derive(Deserialize)]
struct ShortlistForm {
    mentor_id: i64,
    /// add or remove
    #[serde(default)]
    action: String,
    /// Where to go back to: the directory (with its query) or the request form.
    #[serde(default)]
    back: String,
}

async fn change_shortlist(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, form: f, .. }: FormPost<ShortlistForm>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    if f.action == "remove" {
        act::unpick(&s, &me, &p, f.mentor_id).await?;
    } else {
        act::pick(&s, &me, &p, f.mentor_id).await?;
    }
    // Only back to a page of this programme: never an open redirect.
    let prefix = format!("/programmes/{}/", p.slug);
    let back = if f.back.starts_with(&prefix) && !f.back.contains("//") {
        f.back
    } else {
        format!("{prefix}requests/new")
    };
    Ok(Redirect::to(&back).into_response())
}

// ---- The request form ----

#[derive(Template)]
#[template(path = "requests/new.html")]
struct NewPage {
    c: Chrome,
    f: FormState,
    p: Programme,
    picks: Vec<Pick>,
    channels: &'static [(&'static str, &'static str)],
    focus: &'static [(&'static str, &'static str)],
    max_mb: usize,
}

impl NewPage {
    /// The 1-based ranks the form offers.
    fn ranks(&self) -> Vec<usize> {
        (1..=usize::try_from(self.p.choices_per_request).unwrap_or(3)).collect()
    }

    /// The mentor chosen at `rank`, as typed, or by default the shortlist's order.
    fn chosen(&self, rank: usize) -> String {
        let field = format!("choice_{rank}");
        if self.f.values.contains_key(&field) {
            return self.f.v(&field).to_owned();
        }
        self.picks
            .get(rank - 1)
            .map(|p| p.mentor_id.to_string())
            .unwrap_or_default()
    }
}

async fn new_form(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let picks = act::picks(&s, &me, &p).await?;
    let profile = me.user.profile();
    let f = FormState::with(&[("channels", &profile.channels.join("\n"))]);
    Ok(ok(&NewPage {
        c,
        f,
        p,
        picks,
        channels: &CHANNELS,
        focus: &FOCUS,
        max_mb: MAX_CV_BYTES / (1024 * 1024),
    }))
}

/// The request form as sent (multipart, because of the CV): its fields as typed, the file,
/// and a problem with the file found while reading it.
struct SentForm {
    values: Vec<(String, String)>,
    cv: Option<Upload>,
    cv_error: Option<FieldError>,
}

impl SentForm {
    fn v(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn input(&self, ranks: usize) -> RequestInput {
        RequestInput {
            goals: self.v("goals"),
            hopes: self.v("hopes"),
            focus: self.v("focus"),
            background: self.v("background"),
            swot: self.v("swot"),
            channels: self.all("channels"),
            meeting_frequency: self.v("meeting_frequency"),
            // An id that is not a number cannot be a mentor: -1 is reported as not listed.
            choices: (1..=ranks)
                .map(|r| self.v(&format!("choice_{r}")))
                .filter(|v| !v.trim().is_empty())
                .map(|v| v.trim().parse().unwrap_or(-1))
                .collect(),
        }
    }

    fn state(&self) -> FormState {
        let mut f = FormState::default();
        for (k, v) in &self.values {
            f.values
                .entry(k.clone())
                .and_modify(|old| {
                    old.push('\n');
                    old.push_str(v);
                })
                .or_insert_with(|| v.clone());
        }
        f
    }
}

/// Reads the form: every field as typed, and the file unless it is too large (then only the
/// error is kept).
async fn read_form(mut mp: Multipart) -> Result<SentForm, crate::error::WebError> {
    let mut out = SentForm {
        values: Vec::new(),
        cv: None,
        cv_error: None,
    };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if out.values.is_empty() => {
                return Err(crate::error::WebError::BadRequest(e.body_text()));
            }
            Err(_) => {
                out.cv_error = Some(FieldError::new("cv", CV_TOO_LARGE));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "cv" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let mut field = field;
            let mut bytes = Vec::new();
            let mut too_large = false;
            loop {
                match field.chunk().await {
                    // Past the limit, the rest is read and dropped: the browser is still
                    // sending, and must get the page that says what is wrong.
                    Ok(Some(chunk)) if too_large => drop(chunk),
                    Ok(Some(chunk)) => {
                        bytes.extend_from_slice(&chunk);
                        too_large = bytes.len() > MAX_CV_BYTES;
                    }
                    Ok(None) => break,
                    Err(_) => {
                        out.cv_error = Some(FieldError::new("cv", CV_TOO_LARGE));
                        return Ok(out);
                    }
                }
            }
            if too_large {
                out.cv_error = Some(FieldError::new("cv", CV_TOO_LARGE));
            } else if !(file_name.is_empty() && bytes.is_empty()) {
                out.cv = Some(Upload::new(&file_name, bytes));
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| crate::error::WebError::BadRequest(e.body_text()))?;
            out.values.push((name, text));
        }
    }
    Ok(out)
}

async fn create(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
    mp: Multipart,
) -> PageResult {
    let sent = read_form(mp).await?;
    c.check_form_token(&sent.v("csrf_token"))?;
    let p = find(&s, &slug).await?;
    let ranks = usize::try_from(p.choices_per_request).unwrap_or(3);
    let input = sent.input(ranks);
    let result = match sent.cv_error.clone() {
        // The file was too large to read: check the rest too, so every problem shows at once.
        Some(cv_error) => {
            let mut inv = match act::check_input(&s, &me, &p, &input).await {
                Err(AppError::Invalid(inv)) => inv,
                _ => trellis_domain::Invalid::default(),
            };
            inv.push(cv_error);
            Err(AppError::Invalid(inv))
        }
        None => act::create(&s, &me, &p, &input, sent.cv).await,
    };
    let errors = match result {
        Ok(r) => return Ok(Redirect::to(&format!("/requests/{}?sent=1", r.id)).into_response()),
        Err(AppError::Invalid(inv)) => inv,
        Err(e) => return Err(e.into()),
    };
    let mut f = SentForm {
        values: sent.values,
        cv: None,
        cv_error: None,
    }
    .state();
    f.errors = errors;
    let picks = act::picks(&s, &me, &p).await?;
    Ok(render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &NewPage {
            c,
            f,
            p,
            picks,
            channels: &CHANNELS,
            focus: &FOCUS,
            max_mb: MAX_CV_BYTES / (1024 * 1024),
        },
    ))
}

// ---- One request ----

#[derive(Template)]
#[template(path = "requests/show.html")]
struct ShowPage {
    c: Chrome,
    p: Programme,
    r: RequestView,
    viewer: Viewer,
    /// For the director's "offer to another mentor".
    candidates: Vec<MentorRow>,
    notice: Option<&'static str>,
    f: FormState,
}

impl ShowPage {
    fn is_mentee(&self) -> bool {
        self.viewer == Viewer::Mentee
    }
    fn is_holder(&self) -> bool {
        self.viewer == Viewer::Holder && self.r.stage == Stage::Offered
    }
    fn is_staff(&self) -> bool {
        matches!(self.viewer, Viewer::Staff { .. })
    }
    fn may_direct(&self) -> bool {
        matches!(self.viewer, Viewer::Staff { may_direct: true })
    }
    fn is_open(&self) -> bool {
        self.r.stage.is_open()
    }
    fn status_words(&self) -> &'static str {
        match self.r.stage {
            Stage::Offered => "Waiting for a mentor's reply",
            Stage::WithDirector => "With the mentorship director",
            Stage::Accepted => "Accepted: you are matched",
            Stage::Closed => "Closed by the director",
            Stage::Withdrawn => "Withdrawn",
        }
    }
    fn focus_label(&self, key: &str) -> &'static str {
        FOCUS
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, l)| *l)
    }
    fn channel_labels(&self, keys: &[String]) -> String {
        keys.iter()
            .filter_map(|k| CHANNELS.iter().find(|(c, _)| c == k).map(|(_, l)| *l))
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn kb(&self, size: &i64) -> i64 {
        (size + 1023) / 1024
    }
}

#[derive(Deserialize)]
struct ShowQuery {
    sent: Option<String>,
    done: Option<String>,
}

async fn show_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    notice: Option<&'static str>,
    f: FormState,
) -> Result<ShowPage, PageError> {
    let (row, p, viewer) = act::visible(s, me, id).await?;
    let r = act::view(s, &row, viewer).await?;
    let candidates = act::director_candidates(s, &row, viewer).await?;
    Ok(ShowPage {
        c,
        p,
        r,
        viewer,
        candidates,
        notice,
        f,
    })
}

async fn show(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<ShowQuery>,
) -> PageResult {
    let notice = if q.sent.is_some() {
        Some("Your request has been sent. We will email you as it moves on.")
    } else {
        match q.done.as_deref() {
            Some("accepted") => {
                Some("You accepted. We have emailed you both each other's address.")
            }
            Some("declined") => {
                Some("You declined; the request has moved on. Thank you for replying.")
            }
            Some("withdrawn") => Some("Your request is withdrawn."),
            Some("nudged") => Some("The mentor has been asked to reply."),
            Some("rerouted") => Some("The request has been passed on."),
            Some("offered") => Some("The request has been offered to the mentor you chose."),
            Some("closed") => Some("The request is closed and the mentee has your message."),
            Some("cv") => Some("Your CV is attached."),
            Some("shared") => {
                Some("The programme office and the mentorship director can now read your request.")
            }
            Some("unshared") => Some(
                "Your request is private again: only you and the mentor it is with can read it.",
            ),
            _ => None,
        }
    };
    Ok(ok(&show_page(
        &s,
        &me,
        c.clone(),
        id,
        notice,
        FormState::default(),
    )
    .await?))
}

/// Runs a change, then shows the request with a notice; a refused change shows its message.
async fn after(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    done: &str,
    change: impl std::future::Future<Output = Result<(), AppError>>,
) -> PageResult {
    match change.await {
        Ok(()) => Ok(Redirect::to(&format!("/requests/{id}?done={done}")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let f = FormState::default().failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &show_page(s, me, c, id, None, f).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn accept(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, .. }: FormPost<NoFields>,
) -> PageResult {
    after(&s, &me, c, id, "accepted", async {
        act::accept(&s, &me, id).await.map(drop)
    })
    .await
}

#[derive(Deserialize)]
struct DeclineForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    mark_unavailable: Option<String>,
}

async fn decline(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<DeclineForm>,
) -> PageResult {
    let unavailable = f.mark_unavailable.is_some();
    after(&s, &me, c, id, "declined", async {
        act::decline(&s, &me, id, &f.reason, unavailable)
            .await
            .map(drop)
    })
    .await
}

async fn withdraw(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, .. }: FormPost<NoFields>,
) -> PageResult {
    after(&s, &me, c, id, "withdrawn", async {
        act::withdraw(&s, &me, id).await.map(drop)
    })
    .await
}

#[derive(Deserialize)]
struct ShareForm {
    /// "1" to share, anything else to stop.
    #[serde(default)]
    shared: String,
}

async fn share(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<ShareForm>,
) -> PageResult {
    let shared = f.shared == "1";
    let done = if shared { "shared" } else { "unshared" };
    after(&s, &me, c, id, done, async {
        act::share(&s, &me, id, shared).await.map(drop)
    })
    .await
}

async fn nudge(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, .. }: FormPost<NoFields>,
) -> PageResult {
    after(&s, &me, c, id, "nudged", async {
        act::nudge(&s, &me, id).await.map(drop)
    })
    .await
}

async fn reroute(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, .. }: FormPost<NoFields>,
) -> PageResult {
    after(&s, &me, c, id, "rerouted", async {
        act::reroute(&s, &me, id).await.map(drop)
    })
    .await
}

#[derive(Deserialize)]
struct OfferForm {
    #[serde(default)]
    mentor_id: String,
}

async fn offer(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<OfferForm>,
) -> PageResult {
    after(&s, &me, c, id, "offered", async {
        let mentor = f.mentor_id.trim().parse().map_err(|_| {
            AppError::invalid("mentor_id", "Choose a mentor to offer the request to")
        })?;
        act::director_offer(&s, &me, id, mentor).await.map(drop)
    })
    .await
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    message: String,
}

async fn close(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<CloseForm>,
) -> PageResult {
    after(&s, &me, c, id, "closed", async {
        act::director_close(&s, &me, id, &f.message).await.map(drop)
    })
    .await
}

async fn upload_cv(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
    mp: Multipart,
) -> PageResult {
    let sent = read_form(mp).await?;
    c.check_form_token(&sent.v("csrf_token"))?;
    after(&s, &me, c, id, "cv", async {
        if let Some(e) = sent.cv_error {
            return Err(AppError::Invalid(e.into()));
        }
        let cv = sent
            .cv
            .ok_or_else(|| AppError::invalid("cv", "Choose your CV as a PDF file"))?;
        act::attach_cv(&s, &me, id, cv).await
    })
    .await
}

async fn download_cv(
    State(s): State<AppState>,
    SignedIn { me, .. }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let f = act::cv(&s, &me, id).await?;
    Ok(crate::copies::download(
        f.bytes,
        &f.content_type,
        &f.file_name,
    ))
}

// ---- The notification centre ----

#[derive(Template)]
#[template(path = "requests/notifications.html")]
struct NotificationsPage {
    c: Chrome,
    items: Vec<Notification>,
    unread: i64,
}

async fn notification_centre(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
) -> PageResult {
    let (items, unread) = notes::list(&s, &me).await?;
    Ok(ok(&NotificationsPage { c, items, unread }))
}

/// Opens a notification: marks it read and goes where it points.
async fn open_notification(
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

async fn read_all(
    State(s): State<AppState>,
    FormPost { me, .. }: FormPost<NoFields>,
) -> PageResult {
    notes::read_all(&s, &me).await?;
    Ok(Redirect::to("/notifications").into_response())
}

#[derive(Template)]
#[template(path = "requests/email_settings.html")]
struct EmailSettingsPage {
    c: Chrome,
    settings: notes::EmailSettings,
    f: FormState,
    saved: bool,
}

async fn email_settings(State(s): State<AppState>, SignedIn { me, c }: SignedIn) -> PageResult {
    let settings = notes::settings(&s, &me).await?;
    Ok(ok(&EmailSettingsPage {
        c,
        settings,
        f: FormState::default(),
        saved: false,
    }))
}

async fn save_email_settings(
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
