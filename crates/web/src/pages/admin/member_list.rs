//! Member list.

use super::*;

#[derive(Template)]
#[template(path = "admin/member_list.html")]
pub(super) struct MemberListPage {
    pub(super) c: Chrome,
    pub(super) p: Programme,
    pub(super) rows: Vec<ListedMember>,
    pub(super) total: i64,
    pub(super) report: Option<ImportReport>,
    pub(super) error: Option<String>,
}

pub(super) async fn member_list_page(
    s: &AppState,
    me: &Actor,
    slug: &str,
) -> Result<Programme, PageError> {
    let p = act::find(s, slug).await?;
    if !act::standing(s, &p, me).await?.may_manage_members() {
        return Err(PageError::from(AppError::forbidden(
            "Only the programme office or an admin may manage the member list",
        )));
    }
    Ok(p)
}

pub(super) async fn member_list(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = member_list_page(&s, &me, &slug).await?;
    let (rows, total) = act::member_list(&s, &me, &p, 200, 0).await?;
    Ok(ok(&MemberListPage {
        c,
        p,
        rows,
        total,
        report: None,
        error: None,
    }))
}

pub(super) async fn import(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
    mut mp: Multipart,
) -> PageResult {
    let p = member_list_page(&s, &me, &slug).await?;
    let (mut csrf, mut file, mut skip_bad, mut dry_run) = (String::new(), Vec::new(), false, false);
    let mut kind = String::from("members");
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| crate::error::WebError::BadRequest(e.body_text()))?
    {
        match field.name().unwrap_or("") {
            "csrf_token" => {
                csrf = field
                    .text()
                    .await
                    .map_err(|e| crate::error::WebError::BadRequest(e.body_text()))?
            }
            "file" => {
                file = field
                    .bytes()
                    .await
                    .map_err(|e| crate::error::WebError::BadRequest(e.body_text()))?
                    .to_vec()
            }
            "kind" => {
                kind = field
                    .text()
                    .await
                    .map_err(|e| crate::error::WebError::BadRequest(e.body_text()))?
            }
            "skip_bad" => skip_bad = true,
            "dry_run" => dry_run = true,
            _ => {}
        }
    }
    c.check_form_token(&csrf)?;
    let (status, report, error) = if file.is_empty() {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some("Choose a CSV file to upload".to_owned()),
        )
    } else {
        let opts = imports::Options { dry_run, skip_bad };
        let kind = imports::Kind::parse(&kind)?;
        let r = imports::import(
            &s,
            Some(&me),
            &p,
            kind,
            &imports::InMemory(&file),
            opts,
            &|_, _| {},
        )
        .await?;
        let status = if r.bad_count == 0 || r.applied || dry_run {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        (status, Some(r), None)
    };
    let (rows, total) = act::member_list(&s, &me, &p, 200, 0).await?;
    Ok(render(
        status,
        &MemberListPage {
            c,
            p,
            rows,
            total,
            report,
            error,
        },
    ))
}
