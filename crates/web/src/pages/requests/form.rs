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

pub(super) async fn create(
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
