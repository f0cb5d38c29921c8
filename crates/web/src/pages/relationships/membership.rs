//! Leaving, and staff making relationships.

use super::*;

pub(super) async fn leave(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    FormPost { me, .. }: FormPost<NoFields>,
) -> PageResult {
    act::leave(&s, &me, id).await?;
    Ok(Redirect::to(&format!("/relationships/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "relationships/new.html")]
pub(super) struct NewRelationshipPage {
    pub(super) c: Chrome,
    pub(super) p: Programme,
    pub(super) f: FormState,
}

pub(super) async fn new_relationship(
    State(s): State<AppState>,
    SignedIn { c, .. }: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    let p = trellis_app::programmes::find(&s, &slug).await?;
    Ok(ok(&NewRelationshipPage {
        c,
        p,
        f: FormState::with(&[("model", "group")]),
    }))
}

#[derive(Deserialize)]
pub(super) struct NewRelationshipForm {
    #[serde(default)]
    pub(super) model: String,
    #[serde(default)]
    pub(super) mentors: String,
    #[serde(default)]
    pub(super) mentees: String,
    #[serde(default)]
    pub(super) peers: String,
}

pub(super) async fn create_relationship(
    State(s): State<AppState>,
    Path(slug): Path<String>,
    FormPost { me, c, form: f }: FormPost<NewRelationshipForm>,
) -> PageResult {
    use trellis_domain::workspace::Role;
    let p = trellis_app::programmes::find(&s, &slug).await?;
    // Members are named by their email addresses, one a line (or separated by commas).
    let mut members = Vec::new();
    let mut unknown = Vec::new();
    for (field, role) in [
        (&f.mentors, Role::Mentor),
        (&f.mentees, Role::Mentee),
        (&f.peers, Role::Peer),
    ] {
        for raw in field
            .split([',', '\n'])
            .map(str::trim)
            .filter(|x| !x.is_empty())
        {
            let found = match trellis_domain::account::Email::parse("members", raw) {
                Ok(e) => trellis_app::accounts::by_email(&s, &e).await?,
                Err(_) => None,
            };
            match found {
                Some(u) => members.push((u.id, role)),
                None => unknown.push(raw.to_owned()),
            }
        }
    }
    let result = if unknown.is_empty() {
        act::create(&s, &me, &p, &f.model, &members).await
    } else {
        Err(AppError::invalid(
            "members",
            format!("No account has the address {}", unknown.join(", ")),
        ))
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/relationships/{id}")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let form = FormState::with(&[
                ("model", &f.model),
                ("mentors", &f.mentors),
                ("mentees", &f.mentees),
                ("peers", &f.peers),
            ])
            .failed(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &NewRelationshipPage { c, p, f: form },
            ))
        }
        Err(e) => Err(e.into()),
    }
}
