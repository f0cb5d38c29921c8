//! The agreement.

use super::*;

#[derive(Template)]
#[template(path = "relationships/agreement.html")]
pub(super) struct AgreementPage {
    pub(super) c: Chrome,
    pub(super) p: Programme,
    pub(super) id: i64,
    pub(super) a: AgreementView,
    pub(super) f: FormState,
    pub(super) me: i64,
    pub(super) current: bool,
    /// Contact paused by the programme team: the page says so and shows no forms.
    pub(super) paused: bool,
    pub(super) notice: Option<&'static str>,
}

impl AgreementPage {
    pub(super) fn fields(&self) -> &'static [(&'static str, &'static str, &'static str, bool)] {
        &AGREEMENT_FIELDS
    }
    pub(super) fn signed_by_me(&self) -> bool {
        self.a
            .latest_version()
            .is_some_and(|v| v.signatures.iter().any(|g| g.user_id == self.me))
    }
    /// Whether saving corrects the latest version (nobody signed it) or makes a new one.
    pub(super) fn saving_corrects(&self) -> bool {
        self.a
            .latest_version()
            .is_some_and(|v| v.signatures.is_empty())
    }
}

pub(super) fn agreement_form(a: &Agreement) -> FormState {
    let pairs: Vec<(&str, &str)> = AGREEMENT_FIELDS
        .iter()
        .map(|(name, ..)| (*name, a.get(name)))
        .collect();
    FormState::with(&pairs)
}

pub(super) async fn agreement_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    f: Option<FormState>,
    notice: Option<&'static str>,
) -> Result<AgreementPage, PageError> {
    let ws = act::readable(s, me, id).await?;
    let a = act::agreement_of(s, &ws).await?;
    let f = f.unwrap_or_else(|| {
        agreement_form(
            &a.latest_version()
                .and_then(|v| v.body.clone())
                .unwrap_or_default(),
        )
    });
    Ok(AgreementPage {
        c,
        p: ws.programme.clone(),
        id,
        a,
        f,
        me: me.id(),
        current: ws.may_write(),
        paused: ws.paused(),
        notice,
    })
}

pub(super) async fn agreement(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let notice = match q.done.as_deref() {
        Some("saved") => Some("The agreement is saved. Every member now signs it."),
        Some("signed") => Some("You have signed the agreement."),
        _ => None,
    };
    Ok(ok(
        &agreement_page(&s, &me, c.clone(), id, None, notice).await?
    ))
}

pub(super) async fn save_agreement(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form }: FormPost<HashMap<String, String>>,
) -> PageResult {
    let typed: Agreement =
        serde_json::from_value(serde_json::to_value(&form).map_err(anyhow::Error::from)?)
            .map_err(anyhow::Error::from)?;
    // Nobody has signed the latest version yet: correct it; otherwise a new version.
    let view = act::agreement(&s, &me, id).await?;
    let result = match view.latest_version() {
        Some(v) if v.signatures.is_empty() => act::edit(&s, &me, id, v.version, &typed).await,
        _ => act::propose(&s, &me, id, &typed).await.map(drop),
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/relationships/{id}/agreement?done=saved")).into_response())
        }
        Err(e @ AppError::Invalid(_)) => {
            let f = agreement_form(&typed).failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &agreement_page(&s, &me, c.clone(), id, Some(f), None).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct SignForm {
    #[serde(default)]
    pub(super) version: i32,
    #[serde(default)]
    pub(super) typed_name: String,
}

pub(super) async fn sign(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form: f }: FormPost<SignForm>,
) -> PageResult {
    match act::sign(&s, &me, id, f.version, &f.typed_name).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/relationships/{id}/agreement?done=signed")).into_response())
        }
        Err(e @ AppError::Invalid(_)) => {
            let mut page = agreement_page(&s, &me, c.clone(), id, None, None).await?;
            page.f = page.f.failed(&e);
            page.f.values.insert("typed_name".into(), f.typed_name);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "relationships/compare.html")]
pub(super) struct ComparePage {
    pub(super) c: Chrome,
    pub(super) id: i64,
    pub(super) from: i32,
    pub(super) to: i32,
    pub(super) changes: Vec<(String, String, String)>,
}

#[derive(Deserialize)]
pub(super) struct CompareQuery {
    pub(super) from: i32,
    pub(super) to: i32,
}

pub(super) async fn compare(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> PageResult {
    let changes = act::compare(&s, &me, id, q.from, q.to).await?;
    Ok(ok(&ComparePage {
        c,
        id,
        from: q.from,
        to: q.to,
        changes,
    }))
}
