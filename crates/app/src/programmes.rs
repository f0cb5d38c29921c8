//! Programmes: creating and editing them (admin), joining them (members), staff roles
//! (admin) and the member list (admin and office).

use crate::Actor;
use crate::App;
use crate::{AppError, AppResult};
use trellis_domain::account::Email;
use trellis_domain::audit::AuditEntry;
use trellis_domain::programme::{Details, Membership, Settings, Slug};
use trellis_domain::role::{StaffRole, Standing};
use trellis_store::programmes as store;

pub use trellis_store::programmes::{ListedMember, MemberSummary, Programme, StaffMember};
use trellis_store::{accounts, audit};

#[tracing::instrument(skip_all)]
pub async fn find(s: &App, slug: &str) -> AppResult<Programme> {
    store::by_slug(&s.store.db, slug)
        .await?
        .ok_or(AppError::NotFound("programme"))
}

/// The programme and what the person is in it (one query).
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn find_as(s: &App, slug: &str, who: &Actor) -> AppResult<(Programme, Standing)> {
    store::by_slug_as(&s.store.db, slug, who.id(), who.user.is_admin)
        .await?
        .ok_or(AppError::NotFound("programme"))
}

#[tracing::instrument(skip_all, fields(id = id))]
pub async fn find_by_id(s: &App, id: i64) -> AppResult<Programme> {
    store::by_id(&s.store.db, id)
        .await?
        .ok_or(AppError::NotFound("programme"))
}

#[tracing::instrument(skip_all, fields(programme_id = p.id, user_id = who.id()))]
pub async fn standing(s: &App, p: &Programme, who: &Actor) -> AppResult<Standing> {
    Ok(store::standing(&s.store.db, p.id, who.id(), who.user.is_admin).await?)
}

/// Creates a programme; with a `template`, its audiences and expertise terms are copied (the
/// caller starts `settings` from the template's).
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn create(
    s: &App,
    who: &Actor,
    slug: &str,
    details: &Details,
    settings: &Settings,
    template: Option<&Programme>,
) -> AppResult<Programme> {
    who.require_admin()?;
    let slug = Slug::parse("slug", slug)?;
    settings.validate()?;
    let now = s.now();
    let tx = s.store.begin().await?;
    let id = store::create(&tx, &slug, details, settings, now).await?;
    match template {
        Some(t) => {
            trellis_store::taxonomy::copy_terms(&tx, t.id, id).await?;
            trellis_store::email_texts::copy(&tx, t.id, id, now).await?;
        }
        None => trellis_store::taxonomy::add_defaults(&tx, id).await?,
    }
    audit::record(
        &tx,
        &AuditEntry::new(
            "programme.created",
            "programme",
            Some(id),
            format!("programme '{}' created", details.name),
        )
        .by(Some(who.id()))
        .in_programme(id),
        now,
    )
    .await?;
    let p = store::by_id(&tx, id)
        .await?
        .ok_or(AppError::NotFound("programme"))?;
    tx.commit().await?;
    Ok(p)
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn update(
    s: &App,
    who: &Actor,
    p: &Programme,
    details: &Details,
    settings: &Settings,
) -> AppResult<Programme> {
    who.require_admin()?;
    settings.validate()?;
    let now = s.now();
    let tx = s.store.begin().await?;
    store::update(&tx, p.id, details, settings, now).await?;
    audit::record(
        &tx,
        &AuditEntry::new(
            "programme.updated",
            "programme",
            Some(p.id),
            "settings updated",
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    let p = store::by_id(&tx, p.id)
        .await?
        .ok_or(AppError::NotFound("programme"))?;
    tx.commit().await?;
    Ok(p)
}

/// Joins the programme: open programmes take anyone; member-list programmes take those whose
/// email address is on the imported list.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn join(s: &App, who: &Actor, p: &Programme) -> AppResult<bool> {
    if p.settings().membership == Membership::MemberList
        && store::on_member_list(&s.store.db, p.id, &who.user.email)
            .await?
            .is_none()
        && !who.user.is_admin
    {
        return Err(AppError::forbidden(format!(
            "{} is open to members on its member list, and {} is not on it. If you are a member, ask the programme office to add you.",
            p.name, who.user.email
        )));
    }
    let now = s.now();
    let tx = s.store.begin().await?;
    let added = store::join(&tx, p.id, who.id(), now).await?;
    if added {
        audit::record(
            &tx,
            &AuditEntry::new(
                "programme.member_joined",
                "user",
                Some(who.id()),
                format!("{} joined", who.user.email),
            )
            .by(Some(who.id()))
            .in_programme(p.id),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(added)
}

/// Gives a registered person a staff role in the programme (admin only).
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn grant_role(
    s: &App,
    who: &Actor,
    p: &Programme,
    email: &str,
    role: StaffRole,
) -> AppResult<bool> {
    who.require_admin()?;
    let email = Email::parse("email", email)?;
    let target = accounts::user_by_email(&s.store.db, &email)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "email",
                "No account has this email address: the person must register first",
            )
        })?;
    let now = s.now();
    let tx = s.store.begin().await?;
    let added = store::grant_role(&tx, p.id, target.id, role, Some(who.id()), now).await?;
    // Staff are members of the programme they serve.
    store::join(&tx, p.id, target.id, now).await?;
    if added {
        audit::record(
            &tx,
            &AuditEntry::new(
                "programme.role_granted",
                "user",
                Some(target.id),
                format!("{} is now {}", target.email, role.label()),
            )
            .by(Some(who.id()))
            .in_programme(p.id),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(added)
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id, user_id = user_id))]
pub async fn revoke_role(
    s: &App,
    who: &Actor,
    p: &Programme,
    user_id: i64,
    role: StaffRole,
) -> AppResult<()> {
    who.require_admin()?;
    let now = s.now();
    let tx = s.store.begin().await?;
    if !store::revoke_role(&tx, p.id, user_id, role).await? {
        return Err(AppError::NotFound("role"));
    }
    audit::record(
        &tx,
        &AuditEntry::new(
            "programme.role_revoked",
            "user",
            Some(user_id),
            format!("{} role removed", role.label()),
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every programme of the installation (public).
#[tracing::instrument(skip_all)]
pub async fn list(s: &App) -> AppResult<Vec<Programme>> {
    Ok(store::list(&s.store.db).await?)
}

/// How many members the programme has (public).
#[tracing::instrument(skip_all, fields(programme_id = p.id))]
pub async fn member_count(s: &App, p: &Programme) -> AppResult<i64> {
    Ok(store::member_count(&s.store.db, p.id).await?)
}

/// The programmes the person is a member of.
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn mine(s: &App, who: &Actor) -> AppResult<Vec<Programme>> {
    Ok(store::memberships_of(&s.store.db, who.id()).await?)
}

/// The programmes the person is a member of, each with what they are in it.
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn mine_with_standing(s: &App, who: &Actor) -> AppResult<Vec<(Programme, Standing)>> {
    let mut out = Vec::new();
    for p in mine(s, who).await? {
        let st = standing(s, &p, who).await?;
        out.push((p, st));
    }
    Ok(out)
}

/// The programme's members (the office and admins).
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn members(s: &App, who: &Actor, p: &Programme) -> AppResult<Vec<MemberSummary>> {
    if !standing(s, p, who).await?.may_manage_members() {
        return Err(AppError::forbidden(
            "Only the programme office or an admin may list members",
        ));
    }
    Ok(store::members(&s.store.db, p.id).await?)
}

/// Who holds which staff role (the programme's members and staff).
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn staff(s: &App, who: &Actor, p: &Programme) -> AppResult<Vec<StaffMember>> {
    let st = standing(s, p, who).await?;
    if !(st.is_member || st.is_admin || st.is_staff()) {
        return Err(AppError::forbidden("Join the programme to see its staff"));
    }
    Ok(store::staff(&s.store.db, p.id).await?)
}

/// A page of the imported member list, and how many are on it (the office and admins).
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id, limit = limit, offset = offset))]
pub async fn member_list(
    s: &App,
    who: &Actor,
    p: &Programme,
    limit: u64,
    offset: u64,
) -> AppResult<(Vec<ListedMember>, i64)> {
    if !standing(s, p, who).await?.may_manage_members() {
        return Err(AppError::forbidden(
            "Only the programme office or an admin may manage the member list",
        ));
    }
    let rows = store::member_list(&s.store.db, p.id, limit, offset).await?;
    let total = store::member_list_count(&s.store.db, p.id).await?;
    Ok((rows, total))
}

/// What [`find_for_token`] finds: the token's account, and the programme with what the
/// account is in it (`None` when there is no such programme).
pub type ForToken = (trellis_store::accounts::User, Option<(Programme, Standing)>);

/// The programme a path names, the account a personal access token belongs to, and what it
/// is in the programme, in one look-up (the mentor directory's hot path): `None` when the
/// token is not valid; the inner `None` when there is no such programme.
#[tracing::instrument(skip_all)]
pub async fn find_for_token(s: &App, slug: &str, token: &str) -> AppResult<Option<ForToken>> {
    Ok(trellis_store::bearer::user_in_programme(&s.store, slug, token, s.now()).await?)
}

/// Checks the viewer runs the programme (office, director, admin), for its dashboard, reports
/// and exports.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn require_office(s: &App, who: &Actor, p: &Programme) -> AppResult<()> {
    if standing(s, p, who).await?.runs_programme() {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Only the programme office, the mentorship director and admins see its dashboard and reports",
        ))
    }
}
