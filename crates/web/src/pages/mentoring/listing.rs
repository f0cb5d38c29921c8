//! A mentor's own listing.

use super::*;

#[derive(Template)]
#[template(path = "mentoring/listing.html")]
pub(super) struct ListingPage {
    pub(super) c: Chrome,
    pub(super) f: FormState,
    pub(super) p: Programme,
    pub(super) m: Option<MentorRow>,
    pub(super) applications: Vec<ApplicationRow>,
    pub(super) refresh_pending: bool,
    pub(super) notice: Option<&'static str>,
    pub(super) standing: Standing,
}

#[derive(Deserialize)]
pub(super) struct ListingQuery {
    pub(super) listed: Option<String>,
    pub(super) saved: Option<String>,
}

pub(super) async fn listing_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    p: Programme,
    f: FormState,
    notice: Option<&'static str>,
) -> Result<ListingPage, PageError> {
    let act::MyListing {
        mentor: m,
        refresh_pending,
        applications,
    } = act::my_listing(s, me, &p).await?;
    let standing = trellis_app::programmes::standing(s, &p, me).await?;
    Ok(ListingPage {
        c: c.clone(),
        f,
        p,
        m,
        applications,
        refresh_pending,
        notice,
        standing,
    })
}

pub(super) async fn listing(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<ListingQuery>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let notice = if q.listed.is_some() {
        Some("You are now listed in the mentor directory.")
    } else if q.saved.is_some() {
        Some("Your listing has been updated.")
    } else {
        None
    };
    Ok(ok(&listing_page(
        &s,
        &me,
        c.clone(),
        p,
        FormState::default(),
        notice,
    )
    .await?))
}

#[derive(Deserialize)]
pub(super) struct ListingForm {
    /// Which form on the page: availability, capacity, leave, rejoin, confirm.
    #[serde(default)]
    pub(super) change: String,
    #[serde(default)]
    pub(super) available: String,
    #[serde(default)]
    pub(super) unavailable_until: String,
    #[serde(default)]
    pub(super) capacity: String,
}

pub(super) async fn change_listing(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, form: f }: FormPost<ListingForm>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let change = match f.change.as_str() {
        "availability" => ListingChange {
            available: Some(f.available != "no"),
            unavailable_until: (f.available == "no").then(|| f.unavailable_until.clone()),
            ..Default::default()
        },
        "capacity" => match f.capacity.trim().parse::<i32>() {
            Ok(n) => ListingChange {
                capacity: Some(n),
                ..Default::default()
            },
            Err(_) => ListingChange {
                capacity: Some(0),
                ..Default::default()
            },
        },
        "leave" => ListingChange {
            listed: Some(false),
            ..Default::default()
        },
        "rejoin" | "confirm" => ListingChange {
            listed: Some(true),
            ..Default::default()
        },
        _ => {
            return Err(PageError::from(crate::error::WebError::BadRequest(
                "Unknown change".into(),
            )));
        }
    };
    match act::change_listing(&s, &me, &p, &change).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/programmes/{}/mentoring?saved=1", p.slug)).into_response())
        }
        Err(e @ AppError::Invalid(_)) => {
            let form = FormState::with(&[
                ("available", &f.available),
                ("unavailable_until", &f.unavailable_until),
                ("capacity", &f.capacity),
            ])
            .failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &listing_page(&s, &me, c.clone(), p, form, None).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
