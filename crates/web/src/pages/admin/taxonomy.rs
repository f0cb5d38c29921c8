//! Taxonomies.

use super::*;

#[derive(Template)]
#[template(path = "admin/taxonomy.html")]
pub(super) struct TaxonomyPage {
    pub(super) c: Chrome,
    pub(super) f: FormState,
    pub(super) p: Programme,
    pub(super) audiences: Vec<Term>,
    pub(super) expertise: Vec<Term>,
}

impl TaxonomyPage {
    pub(super) fn sections(&self) -> [(&'static str, &'static str, &[Term]); 2] {
        [
            ("audience", "Who mentors can mentor", &self.audiences),
            ("expertise", "Areas of expertise", &self.expertise),
        ]
    }
}

pub(super) async fn taxonomy_page_with(
    s: &AppState,
    c: Chrome,
    p: Programme,
    f: FormState,
) -> Result<TaxonomyPage, PageError> {
    let t = trellis_app::taxonomy::with_retired(s, &p).await?;
    Ok(TaxonomyPage {
        c,
        f,
        p,
        audiences: t.audiences,
        expertise: t.expertise,
    })
}

pub(super) async fn taxonomy_page(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    Ok(ok(
        &taxonomy_page_with(&s, c, p, FormState::default()).await?
    ))
}

#[derive(Deserialize)]
pub(super) struct TermForm {
    #[serde(default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) label: Option<String>,
    #[serde(default)]
    pub(super) retired: Option<String>,
}

pub(super) async fn add_term(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, form: f }: FormPost<TermForm>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    match trellis_app::taxonomy::add(&s, &me, &p, &f.kind, f.label.as_deref().unwrap_or("")).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/admin/programmes/{}/taxonomy", p.slug)).into_response())
        }
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &taxonomy_page_with(&s, c, p, FormState::default().failed(&e)).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn change_term(
    State(s): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    FormPost { me, c, form: f }: FormPost<TermForm>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    let retired = f.retired.as_deref().map(|r| r == "yes");
    match trellis_app::taxonomy::change(&s, &me, &p, id, f.label.as_deref(), retired).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/admin/programmes/{}/taxonomy", p.slug)).into_response())
        }
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &taxonomy_page_with(&s, c, p, FormState::default().failed(&e)).await?,
        )),
        Err(e) => Err(e.into()),
    }
}
