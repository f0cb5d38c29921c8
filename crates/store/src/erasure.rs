//! Erasing a member (the right to erasure): what is deleted, what is kept under a placeholder
//! name, and why. docs/concerns.md lists the same, table by table.

use crate::Result;
use crate::sql;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

/// Open concerns whose subject is this member (erasure waits until they are resolved).
pub async fn open_concerns_about(c: &impl ConnectionTrait, user_id: i64) -> Result<i64> {
    let n: Option<sql::Count> = sql::one(
        c,
        "SELECT COUNT(*) AS n FROM concerns WHERE subject_id = $1 AND status NOT IN ('resolved', 'closed')",
        vec![user_id.into()],
    )
    .await?;
    Ok(n.map_or(0, |n| n.n))
}

/// Who the member was, for replacing their name and address where others' records quote them.
pub struct Former<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub email: &'a str,
    /// What stands in for them from now on.
    pub placeholder_name: &'a str,
    pub placeholder_email: &'a str,
}

/// Erases a member in the caller's transaction.
pub async fn erase(c: &impl ConnectionTrait, f: &Former<'_>, now: DateTime<Utc>) -> Result<()> {
    let me = f.user_id;
    let run = |text: &'static str, values: Vec<sea_orm::Value>| sql::exec(c, text, values);
    // Their ways in, and what was sent to them.
    run("DELETE FROM sessions WHERE user_id = $1", vec![me.into()]).await?;
    run("DELETE FROM api_tokens WHERE user_id = $1", vec![me.into()]).await?;
    run(
        "DELETE FROM email_tokens WHERE user_id = $1",
        vec![me.into()],
    )
    .await?;
    run(
        "DELETE FROM calendar_feeds WHERE user_id = $1",
        vec![me.into()],
    )
    .await?;
    run(
        "DELETE FROM sign_in_failures WHERE email = $1",
        vec![f.email.into()],
    )
    .await?;
    run(
        "DELETE FROM notifications WHERE user_id = $1",
        vec![me.into()],
    )
    .await?;
    run(
        "DELETE FROM outbox WHERE to_email = $1",
        vec![f.email.into()],
    )
    .await?;
    run(
        "DELETE FROM member_list WHERE email = $1",
        vec![f.email.into()],
    )
    .await?;
    run(
        "DELETE FROM staff_roles WHERE user_id = $1",
        vec![me.into()],
    )
    .await?;
    // Their own words that nobody else needs: what they asked for and their CV, their shortlist,
    // their mentor applications' details, their skill assessments, evaluations and checklist.
    run(
        "DELETE FROM request_files WHERE request_id IN (SELECT id FROM mentorship_requests WHERE mentee_id = $1)",
        vec![me.into()],
    )
    .await?;
    run(
        "UPDATE mentorship_requests SET details = '{}' WHERE mentee_id = $1",
        vec![me.into()],
    )
    .await?;
    run(
        "DELETE FROM request_shortlist WHERE mentee_id = $1 OR mentor_id = $1",
        vec![me.into()],
    )
    .await?;
    run(
        "UPDATE mentor_applications SET details = '{}', decision_note = NULL WHERE user_id = $1",
        vec![me.into()],
    )
    .await?;
    run(
        "DELETE FROM skill_assessments WHERE member_id = $1",
        vec![me.into()],
    )
    .await?;
    run(
        "DELETE FROM evaluations WHERE member_id = $1",
        vec![me.into()],
    )
    .await?;
    run(
        "DELETE FROM checklist_ticks WHERE user_id = $1",
        vec![me.into()],
    )
    .await?;
    // Their directory listing: unlisted, emptied.
    run(
        "UPDATE mentors SET listed = FALSE, unlisted_reason = 'erased', name = $2, background = '', tags = '', languages = '', \
         availability = NULL, search_text = '', updated_at = $3 WHERE user_id = $1",
        vec![me.into(), f.placeholder_name.into(), now.into()],
    )
    .await?;
    // Shared records others need keep the placeholder: their signatures on agreements.
    run(
        "UPDATE agreement_signatures SET typed_name = $2 WHERE user_id = $1",
        vec![me.into(), f.placeholder_name.into()],
    )
    .await?;
    // Where others' records quote their name or address in clear: replaced.
    for (table, cols) in [
        ("notifications", ["subject", "body"].as_slice()),
        ("outbox", &["subject", "text_body", "html_body", "to_name"]),
        ("audit_log", &["summary"]),
        ("member_list", &["name"]),
    ] {
        for col in cols {
            for (old, new) in [(f.name, f.placeholder_name), (f.email, f.placeholder_email)] {
                if old.is_empty() {
                    continue;
                }
                sql::exec(
                    c,
                    &format!(
                        "UPDATE {table} SET {col} = REPLACE({col}, $1, $2) WHERE {col} LIKE $3"
                    ),
                    vec![old.into(), new.into(), format!("%{old}%").into()],
                )
                .await?;
            }
        }
    }
    // The account itself: a placeholder that cannot sign in.
    run(
        "UPDATE users SET name = $2, email = $3, password_hash = '', email_verified_at = NULL, is_admin = FALSE, pronouns = NULL, \
         organisation = NULL, title = NULL, career_stage = NULL, location = NULL, time_zone = NULL, languages = '', \
         background = NULL, interests = NULL, channels = '', manager_email = NULL, updated_at = $4 WHERE id = $1",
        vec![me.into(), f.placeholder_name.into(), f.placeholder_email.into(), now.into()],
    )
    .await?;
    // Mail still queued for them has gone with the outbox rows; its delivery jobs find nothing
    // to send and finish.
    Ok(())
}
