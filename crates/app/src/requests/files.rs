//! The CV a mentee attaches to a request: only the mentee and the mentor it is with read it.

use super::*;

/// An uploaded file as received.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Upload {
    pub fn new(file_name: &str, bytes: Vec<u8>) -> Self {
        Self {
            file_name: clean_file_name(file_name),
            bytes,
        }
    }
}

/// The mentee attaches (or replaces) their CV while the request is open.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn attach_cv(s: &App, who: &Actor, id: i64, cv: Upload) -> AppResult<()> {
    let (r, p, viewer) = visible(s, who, id).await?;
    if viewer != Viewer::Mentee {
        return Err(AppError::forbidden(
            "Only the member who made the request can attach a CV to it",
        ));
    }
    if !r.cascade()?.status.is_open() {
        return Err(AppError::Conflict(format!(
            "This request is {}; its CV can no longer change.",
            r.status
        )));
    }
    check_cv(&cv.bytes).map_err(|e| AppError::Invalid(e.into()))?;
    let now = s.now();
    let tx = s.store.begin().await?;
    store::put_file(&tx, id, &cv.file_name, "application/pdf", cv.bytes, now).await?;
    audit::record(
        &tx,
        &AuditEntry::new("request.cv_attached", "request", Some(id), "CV attached")
            .by(Some(who.id()))
            .in_programme(p.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The request's CV, for the mentee and the mentor it is with (or who accepted it) only.
#[tracing::instrument(skip_all, fields(user_id = who.id(), id = id))]
pub async fn cv(s: &App, who: &Actor, id: i64) -> AppResult<store::RequestFile> {
    let (r, _, viewer) = visible(s, who, id).await?;
    if !may_read_words(&r, viewer) {
        return Err(AppError::forbidden(
            "Only the mentee and the mentor the request is with can read the CV, unless the mentee shares it with the programme staff",
        ));
    }
    store::file(&s.store.db, id)
        .await?
        .ok_or(AppError::NotFound("CV"))
}
