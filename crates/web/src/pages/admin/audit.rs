//! Audit.

use super::*;

#[derive(Template)]
#[template(path = "admin/audit.html")]
pub(super) struct AuditPage {
    pub(super) c: Chrome,
    pub(super) rows: Vec<AuditRow>,
    pub(super) f: FormState,
    pub(super) programmes: Vec<Programme>,
    pub(super) next_offset: Option<i32>,
}

#[derive(Deserialize, Default)]
pub(super) struct AuditForm {
    #[serde(default)]
    pub(super) programme: String,
    #[serde(default)]
    pub(super) action: String,
    #[serde(default)]
    pub(super) since: String,
    #[serde(default)]
    pub(super) until: String,
    #[serde(default)]
    pub(super) offset: Option<i32>,
}

pub(super) fn parse_date(
    field: &'static str,
    v: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, FieldError> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
        .map_err(|_| FieldError::new(field, "Enter a date like 2026-01-31"))
}

pub(super) async fn audit_log(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Query(q): Query<AuditForm>,
) -> PageResult {
    admin_only(&me)?;
    let programmes = act::list(&s).await?;
    let mut f = FormState::with(&[
        ("programme", &q.programme),
        ("action", &q.action),
        ("since", &q.since),
        ("until", &q.until),
    ]);
    let mut inv = Invalid::default();
    let since = inv.check(parse_date("since", &q.since)).flatten();
    // "Until" a date includes that whole day.
    let until = inv
        .check(parse_date("until", &q.until))
        .flatten()
        .map(|d| d + chrono::Duration::days(1));
    let query = trellis_app::audit::AuditQuery {
        programme: Some(q.programme.clone()),
        action: Some(q.action.clone()),
        since,
        until,
        limit: Some(100),
        offset: q.offset,
        ..Default::default()
    };
    let listed = if inv.is_empty() {
        match trellis_app::audit::list(&s, &me, &query).await {
            Ok(rows) => Ok(rows),
            Err(AppError::Invalid(i)) => Err(i),
            Err(e @ AppError::Internal { .. }) => return Err(PageError::from(e)),
            Err(other) => Err(Invalid::one("form", other.public_message())),
        }
    } else {
        Err(inv)
    };
    match listed {
        Ok(rows) => {
            let next_offset =
                (rows.len() == 100).then(|| q.offset.unwrap_or(0).saturating_add(100));
            Ok(ok(&AuditPage {
                c,
                rows,
                f,
                programmes,
                next_offset,
            }))
        }
        Err(inv) => {
            f.errors = inv;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AuditPage {
                    c,
                    rows: Vec::new(),
                    f,
                    programmes,
                    next_offset: None,
                },
            ))
        }
    }
}
