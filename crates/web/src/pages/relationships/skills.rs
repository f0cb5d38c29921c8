//! Skills.

use super::*;

#[derive(Template)]
#[template(path = "relationships/skills.html")]
pub(super) struct SkillsPage {
    pub(super) c: Chrome,
    pub(super) id: i64,
    pub(super) a: Assessments,
    pub(super) charts: Vec<String>,
    pub(super) f: FormState,
    pub(super) current: bool,
    /// Contact paused by the programme team: the page says so and shows no forms.
    pub(super) paused: bool,
}

impl SkillsPage {
    pub(super) fn skills(&self) -> &'static [(&'static str, &'static str)] {
        &trellis_domain::development::SKILLS
    }
    pub(super) fn levels(&self) -> &'static [(&'static str, &'static str, u8)] {
        &trellis_domain::development::LEVELS
    }
    pub(super) fn level_name(&self, n: &u8) -> &'static str {
        trellis_domain::development::LEVELS
            .iter()
            .find(|(.., s)| s == n)
            .map_or("", |(_, l, _)| *l)
    }
}

pub(super) async fn skills_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    id: i64,
    f: FormState,
) -> Result<SkillsPage, PageError> {
    let ws = act::readable(s, me, id).await?;
    let a = dev::assessments(s, me, id).await?;
    let charts = a
        .growth
        .iter()
        .enumerate()
        .map(|(i, g)| {
            crate::charts::paired_bars(
                &format!("growth-{i}"),
                &format!("Skills of {}: first and latest assessment", g.member),
                &g.skills,
                3,
                &["Developmental", "Proficient", "Expert"],
                ("First", "Latest"),
            )
        })
        .collect();
    Ok(SkillsPage {
        c,
        id,
        a,
        charts,
        f,
        current: ws.may_write(),
        paused: ws.paused(),
    })
}

pub(super) async fn skills(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(ok(&skills_page(
        &s,
        &me,
        c.clone(),
        id,
        FormState::default(),
    )
    .await?))
}

pub(super) async fn add_assessment(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, c, form }: FormPost<HashMap<String, String>>,
) -> PageResult {
    let input = trellis_domain::development::Assessment {
        levels: form
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("skill_").map(|k| (k.to_owned(), v.clone())))
            .collect(),
        strengths: form.get("strengths").cloned().unwrap_or_default(),
        developmental_areas: form.get("developmental_areas").cloned().unwrap_or_default(),
    };
    match dev::add_assessment(&s, &me, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/relationships/{id}/skills")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let f = FormState {
                values: form,
                ..FormState::default()
            };
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &skills_page(&s, &me, c.clone(), id, f.failed(&e)).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
