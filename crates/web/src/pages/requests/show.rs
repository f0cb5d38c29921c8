//! One request.

use super::*;

#[derive(Template)]
#[template(path = "requests/show.html")]
pub(super) struct ShowPage {
    pub(super) c: Chrome,
    pub(super) p: Programme,
    pub(super) r: RequestView,
    pub(super) viewer: Viewer,
    /// For the director's "offer to another mentor".
    pub(super) candidates: Vec<MentorRow>,
    pub(super) notice: Option<&'static str>,
    pub(super) f: FormState,
}

impl ShowPage {
    pub(super) fn is_mentee(&self) -> bool {
        self.viewer == Viewer::Mentee
    }
    pub(super) fn is_holder(&self) -> bool {
        self.viewer == Viewer::Holder && self.r.stage == Stage::Offered
    }
    pub(super) fn is_staff(&self) -> bool {
        matches!(self.viewer, Viewer::Staff { .. })
    }
    pub(super) fn may_direct(&self) -> bool {
        matches!(self.viewer, Viewer::Staff { may_direct: true })
    }
    pub(super) fn is_open(&self) -> bool {
        self.r.stage.is_open()
    }
    pub(super) fn status_words(&self) -> &'static str {
        match self.r.stage {
            Stage::Offered => "Waiting for a mentor's reply",
            Stage::WithDirector => "With the mentorship director",
            Stage::Accepted => "Accepted: you are matched",
            Stage::Closed => "Closed by the director",
            Stage::Withdrawn => "Withdrawn",
        }
    }
    pub(super) fn focus_label(&self, key: &str) -> &'static str {
        FOCUS
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, l)| *l)
    }
    pub(super) fn channel_labels(&self, keys: &[String]) -> String {
        keys.iter()
            .filter_map(|k| CHANNELS.iter().find(|(c, _)| c == k).map(|(_, l)| *l))
            .collect::<Vec<_>>()
            .join(", ")
    }
    pub(super) fn kb(&self, size: &i64) -> i64 {
        (size + 1023) / 1024
    }
}

#[derive(Deserialize)]
pub(super) struct ShowQuery {
    pub(super) sent: Option<String>,
    pub(super) done: Option<String>,
}

pub(super) async fn show_page(
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

pub(super) async fn show(
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
pub(super) async fn after(
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

pub(super) async fn accept(
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
pub(super) struct DeclineForm {
    #[serde(default)]
    pub(super) reason: String,
    #[serde(default)]
    pub(super) mark_unavailable: Option<String>,
}

pub(super) async fn decline(
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

pub(super) async fn withdraw(
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
pub(super) struct ShareForm {
    /// "1" to share, anything else to stop.
    #[serde(default)]
    pub(super) shared: String,
}

pub(super) async fn share(
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

pub(super) async fn nudge(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, .. }: FormPost<NoFields>,
) -> PageResult {
    after(&s, &me, c, id, "nudged", async {
        act::nudge(&s, &me, id).await.map(drop)
    })
    .await
}

pub(super) async fn reroute(
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
pub(super) struct OfferForm {
    #[serde(default)]
    pub(super) mentor_id: String,
}

pub(super) async fn offer(
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
pub(super) struct CloseForm {
    #[serde(default)]
    pub(super) message: String,
}

pub(super) async fn close(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<CloseForm>,
) -> PageResult {
    after(&s, &me, c, id, "closed", async {
        act::director_close(&s, &me, id, &f.message).await.map(drop)
    })
    .await
}

pub(super) async fn upload_cv(
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

pub(super) async fn download_cv(
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
