//! Programme settings.

use super::*;

#[derive(Template)]
#[template(path = "admin/programme_form.html")]
pub(super) struct ProgrammeForm {
    pub(super) c: Chrome,
    pub(super) f: FormState,
    /// `None` when creating.
    pub(super) slug: Option<String>,
}

/// The settings form's fields, all as typed.
#[derive(Deserialize, Default)]
pub(super) struct SettingsForm {
    #[serde(default)]
    pub(super) slug: String,
    #[serde(default)]
    pub(super) name: String,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) model: String,
    #[serde(default)]
    pub(super) membership: String,
    #[serde(default)]
    pub(super) review_mentors: Option<String>,
    #[serde(default)]
    pub(super) mentor_member_types: String,
    #[serde(default)]
    pub(super) choices_per_request: String,
    #[serde(default)]
    pub(super) reply_window_days: String,
    #[serde(default)]
    pub(super) application_target_days: String,
    #[serde(default)]
    pub(super) concern_ack_days: String,
    #[serde(default)]
    pub(super) refresh_month: String,
    #[serde(default)]
    pub(super) refresh_grace_days: String,
    #[serde(default)]
    pub(super) meeting_minutes_min: String,
    #[serde(default)]
    pub(super) meeting_minutes_max: String,
    #[serde(default)]
    pub(super) default_mentor_capacity: String,
    #[serde(default)]
    pub(super) max_relationships_per_member: String,
    #[serde(default)]
    pub(super) evaluation_every_days: String,
    #[serde(default)]
    pub(super) matching_publish: String,
    #[serde(default)]
    pub(super) matching_shared_language: Option<String>,
    #[serde(default)]
    pub(super) matching_different_organisation: Option<String>,
    #[serde(default)]
    pub(super) matching_not_own_manager: Option<String>,
    /// The programme this one starts from (its terms are copied), if any.
    #[serde(default)]
    pub(super) template: String,
}

/// A checkbox's value as the form state shows it: "on" when ticked.
pub(super) fn ticked(v: &Option<String>) -> &'static str {
    if v.is_some() { "on" } else { "" }
}

impl SettingsForm {
    pub(super) fn from_programme(slug: &str, d: &Details, s: &Settings) -> Self {
        Self {
            slug: slug.into(),
            name: d.name.clone(),
            description: d.description.clone().unwrap_or_default(),
            model: s.model.as_str().into(),
            membership: s.membership.as_str().into(),
            review_mentors: s.review_mentors.then(|| "on".into()),
            mentor_member_types: s.mentor_member_types.join(", "),
            choices_per_request: s.choices_per_request.to_string(),
            reply_window_days: s.reply_window_days.to_string(),
            application_target_days: s.application_target_days.to_string(),
            concern_ack_days: s.concern_ack_days.to_string(),
            refresh_month: s.refresh_month.to_string(),
            refresh_grace_days: s.refresh_grace_days.to_string(),
            meeting_minutes_min: s.meeting_minutes_min.to_string(),
            meeting_minutes_max: s.meeting_minutes_max.to_string(),
            default_mentor_capacity: s.default_mentor_capacity.to_string(),
            max_relationships_per_member: s.max_relationships_per_member.to_string(),
            evaluation_every_days: s.evaluation_every_days.to_string(),
            matching_publish: s.matching_publish.as_str().into(),
            matching_shared_language: s.matching_shared_language.then(|| "on".into()),
            matching_different_organisation: s.matching_different_organisation.then(|| "on".into()),
            matching_not_own_manager: s.matching_not_own_manager.then(|| "on".into()),
            template: String::new(),
        }
    }

    pub(super) fn state(&self) -> FormState {
        FormState::with(&[
            ("slug", &self.slug),
            ("template", &self.template),
            ("name", &self.name),
            ("description", &self.description),
            ("model", &self.model),
            ("membership", &self.membership),
            ("review_mentors", ticked(&self.review_mentors)),
            ("mentor_member_types", &self.mentor_member_types),
            ("choices_per_request", &self.choices_per_request),
            ("reply_window_days", &self.reply_window_days),
            ("application_target_days", &self.application_target_days),
            ("concern_ack_days", &self.concern_ack_days),
            ("refresh_month", &self.refresh_month),
            ("refresh_grace_days", &self.refresh_grace_days),
            ("meeting_minutes_min", &self.meeting_minutes_min),
            ("meeting_minutes_max", &self.meeting_minutes_max),
            ("default_mentor_capacity", &self.default_mentor_capacity),
            (
                "max_relationships_per_member",
                &self.max_relationships_per_member,
            ),
            ("evaluation_every_days", &self.evaluation_every_days),
            ("matching_publish", &self.matching_publish),
            (
                "matching_shared_language",
                ticked(&self.matching_shared_language),
            ),
            (
                "matching_different_organisation",
                ticked(&self.matching_different_organisation),
            ),
            (
                "matching_not_own_manager",
                ticked(&self.matching_not_own_manager),
            ),
        ])
    }

    pub(super) fn parse(&self) -> Result<(Details, Settings), Invalid> {
        let mut inv = Invalid::default();
        let details = match Details::parse(&self.name, &self.description) {
            Ok(d) => Some(d),
            Err(e) => {
                inv.0.extend(e.0);
                None
            }
        };
        let int = |field: &'static str, v: &str| -> Result<i32, FieldError> {
            v.trim()
                .parse::<i32>()
                .map_err(|_| FieldError::new(field, "Enter a whole number"))
        };
        let mut s = Settings::default();
        if let Some(m) = inv.check(Model::parse("model", &self.model)) {
            s.model = m;
        }
        if let Some(m) = inv.check(Membership::parse("membership", &self.membership)) {
            s.membership = m;
        }
        s.review_mentors = self.review_mentors.is_some();
        if let Some(m) = inv.check(MatchingPublish::parse(
            "matching_publish",
            &self.matching_publish,
        )) {
            s.matching_publish = m;
        }
        s.matching_shared_language = self.matching_shared_language.is_some();
        s.matching_different_organisation = self.matching_different_organisation.is_some();
        s.matching_not_own_manager = self.matching_not_own_manager.is_some();
        s.mentor_member_types = self
            .mentor_member_types
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        let fields: [(&'static str, &str, &mut i32); 11] = [
            (
                "choices_per_request",
                &self.choices_per_request,
                &mut s.choices_per_request,
            ),
            (
                "reply_window_days",
                &self.reply_window_days,
                &mut s.reply_window_days,
            ),
            (
                "application_target_days",
                &self.application_target_days,
                &mut s.application_target_days,
            ),
            (
                "concern_ack_days",
                &self.concern_ack_days,
                &mut s.concern_ack_days,
            ),
            ("refresh_month", &self.refresh_month, &mut s.refresh_month),
            (
                "refresh_grace_days",
                &self.refresh_grace_days,
                &mut s.refresh_grace_days,
            ),
            (
                "meeting_minutes_min",
                &self.meeting_minutes_min,
                &mut s.meeting_minutes_min,
            ),
            (
                "meeting_minutes_max",
                &self.meeting_minutes_max,
                &mut s.meeting_minutes_max,
            ),
            (
                "default_mentor_capacity",
                &self.default_mentor_capacity,
                &mut s.default_mentor_capacity,
            ),
            (
                "max_relationships_per_member",
                &self.max_relationships_per_member,
                &mut s.max_relationships_per_member,
            ),
            (
                "evaluation_every_days",
                &self.evaluation_every_days,
                &mut s.evaluation_every_days,
            ),
        ];
        for (field, raw, slot) in fields {
            if let Some(v) = inv.check(int(field, raw)) {
                *slot = v;
            }
        }
        if inv.is_empty()
            && let Err(e) = s.validate()
        {
            inv.0.extend(e.0);
        }
        match details {
            Some(d) if inv.is_empty() => Ok((d, s)),
            _ => Err(inv),
        }
    }
}

#[derive(Deserialize)]
pub(super) struct NewQuery {
    /// Start from this programme's settings and terms.
    pub(super) template: Option<String>,
}

pub(super) async fn new_form(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Query(q): Query<NewQuery>,
) -> PageResult {
    admin_only(&me)?;
    let blank = Details {
        name: String::new(),
        description: None,
    };
    let template = match q.template.as_deref() {
        Some(t) => Some(act::find(&s, t).await?),
        None => None,
    };
    let settings = template
        .as_ref()
        .map_or_else(Settings::default, Programme::settings);
    let mut form = SettingsForm::from_programme("", &blank, &settings);
    form.template = template.map(|t| t.slug).unwrap_or_default();
    let f = form.state();
    Ok(ok(&ProgrammeForm { c, f, slug: None }))
}

pub(super) async fn create(
    State(s): State<AppState>,
    FormPost { me, c, form }: FormPost<SettingsForm>,
) -> PageResult {
    admin_only(&me)?;
    let result = match form.parse() {
        Ok((d, settings)) => {
            let template = match form.template.trim() {
                "" => None,
                t => Some(act::find(&s, t).await?),
            };
            act::create(&s, &me, &form.slug, &d, &settings, template.as_ref()).await
        }
        Err(inv) => {
            // Report the slug too, if it is also wrong.
            let mut inv = inv;
            if let Err(e) = trellis_domain::programme::Slug::parse("slug", &form.slug) {
                inv.0.insert(0, e);
            }
            Err(AppError::Invalid(inv))
        }
    };
    match result {
        Ok(p) => Ok(
            Redirect::to(&format!("/admin/programmes/{}/staff?created=1", p.slug)).into_response(),
        ),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ProgrammeForm {
                c,
                f: form.state().failed(&e),
                slug: None,
            },
        )),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn edit_form(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    let d = Details {
        name: p.name.clone(),
        description: p.description.clone(),
    };
    let f = SettingsForm::from_programme(&p.slug, &d, &p.settings()).state();
    Ok(ok(&ProgrammeForm {
        c,
        f,
        slug: Some(p.slug),
    }))
}

pub(super) async fn update(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, mut form }: FormPost<SettingsForm>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    form.slug.clone_from(&p.slug);
    let result = match form.parse() {
        Ok((d, settings)) => act::update(&s, &me, &p, &d, &settings).await,
        Err(inv) => Err(AppError::Invalid(inv)),
    };
    match result {
        Ok(p) => Ok(Redirect::to(&format!("/programmes/{}", p.slug)).into_response()),
        Err(e @ AppError::Invalid(_)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ProgrammeForm {
                c,
                f: form.state().failed(&e),
                slug: Some(p.slug),
            },
        )),
        Err(e) => Err(e.into()),
    }
}
