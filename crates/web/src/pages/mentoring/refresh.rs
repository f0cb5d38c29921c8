//! Refresh.

use super::*;

#[derive(Deserialize)]
pub(super) struct TokenQuery {
    #[serde(default)]
    pub(super) token: String,
}

/// The one-click link from the refresh email.
pub(super) async fn confirm_refresh(
    State(s): State<AppState>,
    Visitor { me: who, c }: Visitor,
    Query(q): Query<TokenQuery>,
) -> PageResult {
    let r = act::confirm_refresh(&s, who.as_ref(), &q.token).await?;
    let text = if r.relisted {
        format!(
            "Thank you: you are listed again in the {} mentor directory.",
            r.programme_name
        )
    } else {
        format!(
            "Thank you: you stay listed in the {} mentor directory for another year.",
            r.programme_name
        )
    };
    Ok(ok(&MessagePage {
        c,
        title: "Listing confirmed".into(),
        paragraphs: vec![text],
        link: Some((
            format!("/programmes/{}/mentoring", r.programme_slug),
            "Manage your mentor listing".into(),
        )),
    }))
}
