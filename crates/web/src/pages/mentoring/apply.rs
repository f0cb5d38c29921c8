//! Application form.

use super::*;

#[derive(Template)]
#[template(path = "mentoring/apply.html")]
pub(super) struct ApplyPage {
    pub(super) c: Chrome,
    pub(super) f: FormState,
    pub(super) p: Programme,
    pub(super) tax: Taxonomy,
    pub(super) channels: &'static [(&'static str, &'static str)],
    /// Set when answering the director's question.
    pub(super) answering: Option<(i64, String)>,
}

/// The application form's fields as typed (checkbox groups repeat their name).
#[derive(Deserialize, Default)]
pub(super) struct ApplicationForm {
    #[serde(default)]
    pub(super) audiences: Vec<String>,
    #[serde(default)]
    pub(super) expertise: Vec<String>,
    #[serde(default)]
    pub(super) tags: String,
    #[serde(default)]
    pub(super) background: String,
    #[serde(default)]
    pub(super) training_course_date: String,
    #[serde(default)]
    pub(super) training_equivalent: String,
    #[serde(default)]
    pub(super) capacity: String,
    #[serde(default)]
    pub(super) hours_per_month: String,
    #[serde(default)]
    pub(super) channels: Vec<String>,
    #[serde(default)]
    pub(super) languages: String,
    #[serde(default)]
    pub(super) availability: String,
    #[serde(default)]
    pub(super) answer: String,
}

pub(super) fn split_commas(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

impl ApplicationForm {
    pub(super) fn input(&self) -> ApplicationInput {
        // An id that is not a number cannot be one of the programme's: -1 is reported as unknown.
        let ids = |v: &[String]| {
            v.iter()
                .map(|x| x.trim().parse::<i64>().unwrap_or(-1))
                .collect()
        };
        ApplicationInput {
            audiences: ids(&self.audiences),
            expertise: ids(&self.expertise),
            tags: split_commas(&self.tags),
            background: self.background.clone(),
            training_course_date: Some(self.training_course_date.clone()),
            training_equivalent: self.training_equivalent.clone(),
            capacity: self.capacity.trim().parse().ok(),
            hours_per_month: self.hours_per_month.trim().parse().ok(),
            channels: self.channels.clone(),
            languages: split_commas(&self.languages),
            availability: self.availability.clone(),
        }
    }

    pub(super) fn state(&self) -> FormState {
        FormState::with(&[
            ("audiences", &self.audiences.join("\n")),
            ("expertise", &self.expertise.join("\n")),
            ("tags", &self.tags),
            ("background", &self.background),
            ("training_course_date", &self.training_course_date),
            ("training_equivalent", &self.training_equivalent),
            ("capacity", &self.capacity),
            ("hours_per_month", &self.hours_per_month),
            ("channels", &self.channels.join("\n")),
            ("languages", &self.languages),
            ("availability", &self.availability),
            ("answer", &self.answer),
        ])
    }

    pub(super) fn from_details(d: &application::ApplicationDetails) -> Self {
        let ids = |v: &[i64]| v.iter().map(ToString::to_string).collect();
        Self {
            audiences: ids(&d.audiences),
            expertise: ids(&d.expertise),
            tags: d.tags.join(", "),
            background: d.background.clone(),
            training_course_date: d
                .training_course_date
                .map(|x| x.to_string())
                .unwrap_or_default(),
            training_equivalent: d.training_equivalent.clone().unwrap_or_default(),
            capacity: d.capacity.to_string(),
            hours_per_month: d.hours_per_month.to_string(),
            channels: d.channels.clone(),
            languages: d.languages.join(", "),
            availability: d.availability.clone().unwrap_or_default(),
            ..Self::default()
        }
    }
}

pub(super) async fn apply_form(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    let tax = act::taxonomy(&s, &p).await?;
    let mut f = ApplicationForm {
        capacity: p.default_mentor_capacity.to_string(),
        ..Default::default()
    };
    if let Some(langs) = Some(me.user.profile().languages).filter(|l| !l.is_empty()) {
        f.languages = langs.join(", ");
    }
    f.channels = me.user.profile().channels;
    Ok(ok(&ApplyPage {
        c,
        f: f.state(),
        p,
        tax,
        channels: &CHANNELS,
        answering: None,
    }))
}

pub(super) async fn apply(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, form }: FormPost<ApplicationForm>,
) -> PageResult {
    let p = find(&s, &slug).await?;
    match act::apply(&s, &me, &p, &form.input()).await {
        Ok(a) if a.state() == application::State::Approved => {
            Ok(Redirect::to(&format!("/programmes/{}/mentoring?listed=1", p.slug)).into_response())
        }
        Ok(a) => Ok(Redirect::to(&format!("/applications/{}?sent=1", a.id)).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let tax = act::taxonomy(&s, &p).await?;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ApplyPage {
                    c,
                    f: form.state().failed(&e),
                    p,
                    tax,
                    channels: &CHANNELS,
                    answering: None,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}
