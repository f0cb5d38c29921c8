//! The request form.

use super::*;

#[derive(Template)]
#[template(path = "requests/new.html")]
pub(super) struct NewPage {
    pub(super) c: Chrome,
    pub(super) f: FormState,
    pub(super) p: Programme,
    pub(super) picks: Vec<Pick>,
    pub(super) channels: &'static [(&'static str, &'static str)],
    pub(super) focus: &'static [(&'static str, &'static str)],
    pub(super) max_mb: usize,
}

impl NewPage {
    /// The 1-based ranks the form offers.
    pub(super) fn ranks(&self) -> Vec<usize> {
        (1..=usize::try_from(self.p.choices_per_request).unwrap_or(3)).collect()
    }

    /// The mentor chosen at `rank`, as typed, or by default the shortlist's order.
    pub(super) fn chosen(&self, rank: usize) -> String {
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

pub(super) async fn new_form(
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
pub(super) struct SentForm {
    pub(super) values: Vec<(String, String)>,
    pub(super) cv: Option<Upload>,
    pub(super) cv_error: Option<FieldError>,
}

impl SentForm {
    pub(super) fn v(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub(super) fn all(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub(super) fn input(&self, ranks: usize) -> RequestInput {
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

    pub(super) fn state(&self) -> FormState {
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
pub(super) async fn read_form(mut mp: Multipart) -> Result<SentForm, crate::error::WebError> {
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

/// The check-your-answers page: every answer as it will be sent, carried in hidden fields (the
/// CV too), with "Send my request" and "Change my answers".
#[derive(Template)]
#[template(path = "requests/check.html")]
pub(super) struct CheckPage {
    pub(super) c: Chrome,
    pub(super) p: Programme,
    /// The fields as typed, to send again.
    pub(super) values: Vec<(String, String)>,
    /// The chosen mentors in order, by name.
    pub(super) mentors: Vec<String>,
    pub(super) focus: String,
    pub(super) channels: Vec<&'static str>,
    pub(super) input: RequestInput,
    /// The CV: its name, size in KB and content as base64.
    pub(super) cv: Option<(String, usize, String)>,
}

impl CheckPage {
    fn ordinal(&self, i: &usize) -> String {
        trellis_domain::home::ordinal(i + 1)
    }
}

/// The CV carried from the check page, or chosen on the form.
fn cv_of(sent: &mut SentForm) -> Option<Upload> {
    use base64::Engine as _;
    if let Some(cv) = sent.cv.take() {
        return Some(cv);
    }
    let data = sent.v("cv_base64");
    if data.is_empty() {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .ok()?;
    Some(Upload::new(&sent.v("cv_name"), bytes))
}

pub(super) async fn create(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
    mp: Multipart,
) -> PageResult {
    let mut sent = read_form(mp).await?;
    c.check_form_token(&sent.v("csrf_token"))?;
    let p = find(&s, &slug).await?;
    let ranks = usize::try_from(p.choices_per_request).unwrap_or(3);
    let input = sent.input(ranks);
    let cv = cv_of(&mut sent);
    // Back from the check page to change something: the form, as typed.
    if sent.v("change") == "yes" {
        let f = form_values(&sent.values).state();
        return form_page(&s, &me, c, p, f, StatusCode::OK).await;
    }
    let confirmed = sent.v("confirm") == "yes";
    let errors = if confirmed && sent.cv_error.is_none() {
        match act::create(&s, &me, &p, &input, cv).await {
            Ok(r) => {
                return Ok(Redirect::to(&format!("/requests/{}?sent=1", r.id)).into_response());
            }
            Err(AppError::Invalid(inv)) => inv,
            Err(e) => return Err(e.into()),
        }
    } else {
        // Not yet confirmed, or a file too large to read: check everything, so every problem
        // shows at once.
        let mut inv = match act::check_input(&s, &me, &p, &input).await {
            Err(AppError::Invalid(inv)) => inv,
            Err(e) => return Err(e.into()),
            Ok(()) => trellis_domain::Invalid::default(),
        };
        if let Some(e) = sent.cv_error.clone() {
            inv.push(e);
        }
        if let Some(Err(e)) = cv
            .as_ref()
            .map(|u| trellis_domain::request::check_cv(&u.bytes))
        {
            inv.push(e);
        }
        if inv.is_empty() {
            return check_page(&s, &me, c, p, sent.values, input, cv).await;
        }
        inv
    };
    let mut f = form_values(&sent.values).state();
    f.errors = errors;
    form_page(&s, &me, c, p, f, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// The typed fields without what the check page adds (the CV's copy, its buttons).
fn form_values(values: &[(String, String)]) -> SentForm {
    SentForm {
        values: values
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "cv_base64" | "cv_name" | "confirm" | "change"))
            .cloned()
            .collect(),
        cv: None,
        cv_error: None,
    }
}

async fn form_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    p: Programme,
    f: FormState,
    status: StatusCode,
) -> PageResult {
    let picks = act::picks(s, me, &p).await?;
    Ok(render(
        status,
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

async fn check_page(
    s: &AppState,
    me: &Actor,
    c: Chrome,
    p: Programme,
    values: Vec<(String, String)>,
    input: RequestInput,
    cv: Option<Upload>,
) -> PageResult {
    use base64::Engine as _;
    let picks = act::picks(s, me, &p).await?;
    let mentors = input
        .choices
        .iter()
        .map(|id| {
            picks
                .iter()
                .find(|m| m.mentor_id == *id)
                .map_or_else(|| format!("Mentor {id}"), |m| m.name.clone())
        })
        .collect();
    let label = |list: &[(&'static str, &'static str)], key: &str| {
        list.iter().find(|(k, _)| *k == key).map(|(_, l)| *l)
    };
    let focus = label(&FOCUS, input.focus.trim())
        .unwrap_or_default()
        .to_owned();
    let channels = input
        .channels
        .iter()
        .filter_map(|k| label(&CHANNELS, k))
        .collect();
    let cv = cv.map(|u| {
        (
            u.file_name.clone(),
            u.bytes.len().div_ceil(1024),
            base64::engine::general_purpose::STANDARD.encode(&u.bytes),
        )
    });
    let values = form_values(&values).values;
    Ok(ok(&CheckPage {
        c,
        p,
        values,
        mentors,
        focus,
        channels,
        input,
        cv,
    }))
}
