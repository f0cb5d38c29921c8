//! A programme's own wording of its letters, edited by an admin: the catalogue of letters,
//! each one's wording (the programme's or Trellis's own), saving, going back to the default,
//! and a preview of the letter as a member would get it.

use crate::Actor;
use crate::App;
use crate::{AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use trellis_domain::audit::AuditEntry;
use trellis_domain::email_text::{self, CATALOGUE, Entry, Wording};
use trellis_store::audit;
use trellis_store::email_texts as store;
use trellis_store::programmes::Programme;

/// A wording as typed: `{name}` placeholders, `{button}` on its own line for the link.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct WordingInput {
    #[serde(default)]
    pub subject: String,
    /// Paragraphs separated by blank lines.
    #[serde(default)]
    pub text: String,
    /// Optional HTML body (simple formatting and links are kept); empty for the text's
    /// paragraphs.
    #[serde(default)]
    pub html: String,
}

/// One letter of the catalogue, with the programme's wording when it has one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EmailText {
    pub template: &'static str,
    /// When the letter is sent.
    pub when: &'static str,
    /// True when the programme has its own wording.
    pub custom: bool,
    pub updated_at: Option<DateTime<Utc>>,
    /// The wording in use.
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// The placeholders this letter offers.
    pub placeholders: Vec<String>,
    /// Trellis's own wording.
    pub default_subject: String,
    pub default_text: String,
}

/// A letter as a member would get it, with made-up people and dates.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Preview {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn entry(template: &str) -> AppResult<&'static Entry> {
    email_text::entry(template).ok_or(AppError::NotFound("No such letter"))
}

fn view(e: &'static Entry, row: Option<store::Row>) -> EmailText {
    let default = e.default_wording();
    let (custom, updated_at, w) = match row {
        Some(r) => (true, Some(r.updated_at), r.wording()),
        None => (false, None, default.clone()),
    };
    EmailText {
        template: e.template,
        when: e.when,
        custom,
        updated_at,
        subject: w.subject,
        text: w.text,
        html: w.html,
        placeholders: e
            .placeholders()
            .into_iter()
            .map(|n| format!("{{{n}}}"))
            .collect(),
        default_subject: default.subject,
        default_text: default.text,
    }
}

/// Every letter a programme may reword, in the order members meet them.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn list(s: &App, who: &Actor, p: &Programme) -> AppResult<Vec<EmailText>> {
    who.require_admin()?;
    let rows = store::of_programme(&s.store.db, p.id).await?;
    Ok(CATALOGUE
        .iter()
        .map(|e| {
            let row = rows.iter().find(|r| r.template == e.template).cloned();
            view(e, row)
        })
        .collect())
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn show(s: &App, who: &Actor, p: &Programme, template: &str) -> AppResult<EmailText> {
    who.require_admin()?;
    let e = entry(template)?;
    Ok(view(e, store::get(&s.store.db, p.id, template).await?))
}

fn check(e: &Entry, input: &WordingInput) -> AppResult<Wording> {
    Ok(e.check(&input.subject, &input.text, &input.html)?)
}

/// Saves the programme's wording of a letter; letters sent from now on use it.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn save(
    s: &App,
    who: &Actor,
    p: &Programme,
    template: &str,
    input: &WordingInput,
) -> AppResult<EmailText> {
    who.require_admin()?;
    let e = entry(template)?;
    let w = check(e, input)?;
    let now = s.now();
    let tx = s.store.begin().await?;
    store::put(&tx, p.id, e.template, &w, who.id(), now).await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "email_text.saved",
            "programme",
            Some(p.id),
            format!("own wording of the letter {}", e.template),
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    let row = store::get(&tx, p.id, e.template).await?;
    tx.commit().await?;
    Ok(view(e, row))
}

/// Goes back to Trellis's own wording of a letter.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn reset(s: &App, who: &Actor, p: &Programme, template: &str) -> AppResult<()> {
    who.require_admin()?;
    let e = entry(template)?;
    let now = s.now();
    let tx = s.store.begin().await?;
    if store::delete(&tx, p.id, e.template).await? {
        audit::record(
            &tx,
            &AuditEntry::new(
                "email_text.reset",
                "programme",
                Some(p.id),
                format!("Trellis's wording again for the letter {}", e.template),
            )
            .by(Some(who.id()))
            .in_programme(p.id),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The letter in a wording (typed, not saved) as a member would get it.
pub fn preview(
    s: &App,
    who: &Actor,
    p: &Programme,
    template: &str,
    input: &WordingInput,
) -> AppResult<Preview> {
    who.require_admin()?;
    let e = entry(template)?;
    let w = check(e, input)?;
    Ok(render(s, p, e, Some(&w)))
}

/// The letter in `wording` (Trellis's own when `None`) with made-up people and dates.
pub fn render(s: &App, p: &Programme, e: &Entry, wording: Option<&Wording>) -> Preview {
    let sample = e.sample_in(&p.name);
    let letter = match wording {
        Some(w) => email_text::reword(&sample, w),
        None => sample,
    };
    let m = letter.to(&s.config.site, "ada@example.org", "Ada Lovelace");
    Preview {
        subject: m.subject,
        text: m.text,
        html: m.html,
    }
}
