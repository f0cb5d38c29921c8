//! Staff.

use super::*;

#[derive(Template)]
#[template(path = "admin/staff.html")]
pub(super) struct StaffPage {
    pub(super) c: Chrome,
    pub(super) p: Programme,
    pub(super) staff: Vec<StaffMember>,
    pub(super) roles: [StaffRole; 4],
    pub(super) f: FormState,
    pub(super) created: bool,
}

#[derive(Deserialize)]
pub(super) struct CreatedQuery {
    pub(super) created: Option<String>,
}

pub(super) async fn staff(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<CreatedQuery>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    let staff = act::staff(&s, &me, &p).await?;
    Ok(ok(&StaffPage {
        c,
        p,
        staff,
        roles: StaffRole::ALL,
        f: FormState::default(),
        created: q.created.is_some(),
    }))
}

#[derive(Deserialize)]
pub(super) struct GrantForm {
    #[serde(default)]
    pub(super) email: String,
    #[serde(default)]
    pub(super) role: String,
}

pub(super) async fn grant(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, form: f }: FormPost<GrantForm>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    let result = match f.role.parse::<StaffRole>() {
        Ok(role) => act::grant_role(&s, &me, &p, &f.email, role).await,
        Err(_) => Err(AppError::invalid("role", "Choose a role")),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/admin/programmes/{}/staff", p.slug)).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let staff = act::staff(&s, &me, &p).await?;
            let form = FormState::with(&[("email", &f.email), ("role", &f.role)]).failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &StaffPage {
                    c,
                    p,
                    staff,
                    roles: StaffRole::ALL,
                    f: form,
                    created: false,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn revoke(
    State(s): State<AppState>,
    Path((slug, user_id, role)): Path<(String, i64, String)>,
    FormPost { me, .. }: FormPost<NoFields>,
) -> PageResult {
    admin_only(&me)?;
    let p = act::find(&s, &slug).await?;
    let role: StaffRole = role
        .parse()
        .map_err(|_| PageError::from(AppError::NotFound("role")))?;
    act::revoke_role(&s, &me, &p, user_id, role).await?;
    Ok(Redirect::to(&format!("/admin/programmes/{}/staff", p.slug)).into_response())
}
