//! Programmes, their members, staff roles and imported member lists.

use crate::Result;
use crate::sql::{self, Count, duplicate};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use trellis_domain::member_list::MemberRow;
use trellis_domain::programme::{Details, MatchingPublish, Membership, Model, Settings, Slug};
use trellis_domain::role::{StaffRole, Standing};

#[derive(Debug, Clone, FromQueryResult)]
pub struct Programme {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub model: String,
    pub membership: String,
    pub review_mentors: bool,
    pub mentor_member_types: String,
    pub choices_per_request: i32,
    pub reply_window_days: i32,
    pub application_target_days: i32,
    pub concern_ack_days: i32,
    pub refresh_month: i32,
    pub refresh_grace_days: i32,
    pub meeting_minutes_min: i32,
    pub meeting_minutes_max: i32,
    pub default_mentor_capacity: i32,
    pub max_relationships_per_member: i32,
    pub evaluation_every_days: i32,
    pub matching_publish: String,
    pub matching_shared_language: bool,
    pub matching_different_organisation: bool,
    pub matching_not_own_manager: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped by triggers on every change the mentor directory shows (see `crate::directory`).
    pub directory_version: i64,
    /// Bumped when a mentor row is deleted.
    pub directory_epoch: i64,
}

impl Programme {
    pub fn settings(&self) -> Settings {
        Settings {
            model: Model::parse("model", &self.model).unwrap_or(Model::Traditional),
            membership: Membership::parse("membership", &self.membership)
                .unwrap_or(Membership::Open),
            review_mentors: self.review_mentors,
            mentor_member_types: self
                .mentor_member_types
                .split('\n')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            choices_per_request: self.choices_per_request,
            reply_window_days: self.reply_window_days,
            application_target_days: self.application_target_days,
            concern_ack_days: self.concern_ack_days,
            refresh_month: self.refresh_month,
            refresh_grace_days: self.refresh_grace_days,
            meeting_minutes_min: self.meeting_minutes_min,
            meeting_minutes_max: self.meeting_minutes_max,
            default_mentor_capacity: self.default_mentor_capacity,
            max_relationships_per_member: self.max_relationships_per_member,
            evaluation_every_days: self.evaluation_every_days,
            matching_publish: MatchingPublish::parse("matching_publish", &self.matching_publish)
                .unwrap_or(MatchingPublish::Offers),
            matching_shared_language: self.matching_shared_language,
            matching_different_organisation: self.matching_different_organisation,
            matching_not_own_manager: self.matching_not_own_manager,
        }
    }
}

pub(crate) const COLUMNS: &str = "id, slug, name, description, model, membership, review_mentors, mentor_member_types, \
    choices_per_request, reply_window_days, application_target_days, concern_ack_days, refresh_month, refresh_grace_days, \
    meeting_minutes_min, meeting_minutes_max, default_mentor_capacity, max_relationships_per_member, evaluation_every_days, created_at, updated_at, \
    directory_version, directory_epoch, matching_publish, matching_shared_language, matching_different_organisation, matching_not_own_manager";

fn settings_values(s: &Settings) -> Vec<sea_orm::Value> {
    vec![
        s.model.as_str().into(),
        s.membership.as_str().into(),
        s.review_mentors.into(),
        s.mentor_member_types.join("\n").into(),
        s.choices_per_request.into(),
        s.reply_window_days.into(),
        s.application_target_days.into(),
        s.concern_ack_days.into(),
        s.refresh_month.into(),
        s.refresh_grace_days.into(),
        s.meeting_minutes_min.into(),
        s.meeting_minutes_max.into(),
        s.default_mentor_capacity.into(),
        s.max_relationships_per_member.into(),
        s.evaluation_every_days.into(),
        s.matching_publish.as_str().into(),
        s.matching_shared_language.into(),
        s.matching_different_organisation.into(),
        s.matching_not_own_manager.into(),
    ]
}

/// Creates a programme; a slug in use is `Duplicate { field: "slug" }`.
pub async fn create(
    c: &impl ConnectionTrait,
    slug: &Slug,
    d: &Details,
    s: &Settings,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut values = vec![
        slug.as_str().into(),
        d.name.clone().into(),
        d.description.clone().into(),
    ];
    values.extend(settings_values(s));
    values.push(now.into());
    sql::insert_id(
        c,
        "INSERT INTO programmes (slug, name, description, model, membership, review_mentors, mentor_member_types, \
         choices_per_request, reply_window_days, application_target_days, concern_ack_days, refresh_month, refresh_grace_days, \
         meeting_minutes_min, meeting_minutes_max, default_mentor_capacity, max_relationships_per_member, evaluation_every_days, \
         matching_publish, matching_shared_language, matching_different_organisation, matching_not_own_manager, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $23) RETURNING id",
        values,
    )
    .await
    .map_err(duplicate("slug"))
}

pub async fn update(
    c: &impl ConnectionTrait,
    id: i64,
    d: &Details,
    s: &Settings,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut values = vec![
        id.into(),
        d.name.clone().into(),
        d.description.clone().into(),
    ];
    values.extend(settings_values(s));
    values.push(now.into());
    sql::exec(
        c,
        "UPDATE programmes SET name = $2, description = $3, model = $4, membership = $5, review_mentors = $6, \
         mentor_member_types = $7, choices_per_request = $8, reply_window_days = $9, application_target_days = $10, \
         concern_ack_days = $11, refresh_month = $12, refresh_grace_days = $13, meeting_minutes_min = $14, \
         meeting_minutes_max = $15, default_mentor_capacity = $16, max_relationships_per_member = $17, evaluation_every_days = $18, \
         matching_publish = $19, matching_shared_language = $20, matching_different_organisation = $21, \
         matching_not_own_manager = $22, updated_at = $23 \
         WHERE id = $1",
        values,
    )
    .await?;
    Ok(())
}

pub async fn by_slug(c: &impl ConnectionTrait, slug: &str) -> Result<Option<Programme>> {
    sql::one(
        c,
        &format!("SELECT {COLUMNS} FROM programmes WHERE slug = $1"),
        vec![slug.into()],
    )
    .await
}

pub async fn by_id(c: &impl ConnectionTrait, id: i64) -> Result<Option<Programme>> {
    sql::one(
        c,
        &format!("SELECT {COLUMNS} FROM programmes WHERE id = $1"),
        vec![id.into()],
    )
    .await
}

pub async fn list(c: &impl ConnectionTrait) -> Result<Vec<Programme>> {
    sql::all(
        c,
        &format!("SELECT {COLUMNS} FROM programmes ORDER BY name, id"),
        vec![],
    )
    .await
}

// ---- Membership ----------------------------------------------------------------------------

/// Adds a member; joining twice is harmless. Returns whether they were newly added.
pub async fn join(
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "INSERT INTO programme_members (programme_id, user_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT (programme_id, user_id) DO NOTHING",
        vec![programme_id.into(), user_id.into(), now.into()],
    )
    .await?;
    Ok(n == 1)
}

pub async fn is_member(c: &impl ConnectionTrait, programme_id: i64, user_id: i64) -> Result<bool> {
    let r: Option<Count> = sql::one(
        c,
        "SELECT COUNT(*) AS n FROM programme_members WHERE programme_id = $1 AND user_id = $2",
        vec![programme_id.into(), user_id.into()],
    )
    .await?;
    Ok(r.is_some_and(|r| r.n > 0))
}

pub async fn member_count(c: &impl ConnectionTrait, programme_id: i64) -> Result<i64> {
    let r: Option<Count> = sql::one(
        c,
        "SELECT COUNT(*) AS n FROM programme_members WHERE programme_id = $1",
        vec![programme_id.into()],
    )
    .await?;
    Ok(r.map_or(0, |r| r.n))
}

#[derive(Debug, Clone, FromQueryResult, serde::Serialize)]
pub struct MemberSummary {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub joined_at: DateTime<Utc>,
}

pub async fn members(c: &impl ConnectionTrait, programme_id: i64) -> Result<Vec<MemberSummary>> {
    sql::all(
        c,
        "SELECT u.id AS user_id, u.name, u.email, m.joined_at FROM programme_members m JOIN users u ON u.id = m.user_id \
         WHERE m.programme_id = $1 ORDER BY u.name, u.id",
        vec![programme_id.into()],
    )
    .await
}

/// Programmes the person is a member of.
pub async fn memberships_of(c: &impl ConnectionTrait, user_id: i64) -> Result<Vec<Programme>> {
    let cols = sql::qualified(COLUMNS, "p");
    sql::all(
        c,
        &format!("SELECT {cols} FROM programmes p JOIN programme_members m ON m.programme_id = p.id WHERE m.user_id = $1 ORDER BY p.name"),
        vec![user_id.into()],
    )
    .await
}

// ---- Staff roles ---------------------------------------------------------------------------

/// Grants a role; granting one already held is harmless. Returns whether it was new.
pub async fn grant_role(
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_id: i64,
    role: StaffRole,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "INSERT INTO staff_roles (programme_id, user_id, role, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (programme_id, user_id, role) DO NOTHING",
        vec![programme_id.into(), user_id.into(), role.as_str().into(), now.into(), by.into()],
    )
    .await?;
    Ok(n == 1)
}

pub async fn revoke_role(
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_id: i64,
    role: StaffRole,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "DELETE FROM staff_roles WHERE programme_id = $1 AND user_id = $2 AND role = $3",
        vec![programme_id.into(), user_id.into(), role.as_str().into()],
    )
    .await?;
    Ok(n == 1)
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct StaffMember {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: StaffRole,
    pub granted_at: DateTime<Utc>,
}

impl sea_orm::FromQueryResult for StaffMember {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            user_id: r.try_get(pre, "user_id")?,
            name: r.try_get(pre, "name")?,
            email: r.try_get(pre, "email")?,
            role: sql::named(r, pre, "role")?,
            granted_at: r.try_get(pre, "granted_at")?,
        })
    }
}

pub async fn staff(c: &impl ConnectionTrait, programme_id: i64) -> Result<Vec<StaffMember>> {
    sql::all(
        c,
        "SELECT u.id AS user_id, u.name, u.email, r.role, r.granted_at FROM staff_roles r JOIN users u ON u.id = r.user_id \
         WHERE r.programme_id = $1 ORDER BY r.role, u.name",
        vec![programme_id.into()],
    )
    .await
}

/// A programme with what the person is in it, in one query (the mentor directory's hot path).
pub async fn by_slug_as(
    c: &impl ConnectionTrait,
    slug: &str,
    user_id: i64,
    is_admin: bool,
) -> Result<Option<(Programme, Standing)>> {
    let cols = sql::qualified(COLUMNS, "p");
    let (standing_cols, join) = standing_sql("$2");
    let rows = c
        .query_all_raw(sql::stmt(
            c,
            &format!("SELECT {cols}, {standing_cols} FROM programmes p {join} WHERE p.slug = $1"),
            vec![slug.into(), user_id.into()],
        ))
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    Ok(Some((
        Programme::from_query_result(first, "")?,
        standing_of_rows(&rows, is_admin)?,
    )))
}

/// A standing from rows with one staff role each (or none) and the person's `member_rows`.
pub(crate) fn standing_of_rows(rows: &[sea_orm::QueryResult], is_admin: bool) -> Result<Standing> {
    let mut roles = Vec::new();
    let mut member_rows = 0i64;
    for r in rows {
        let role: Option<String> = r.try_get("", "staff_role")?;
        roles.extend(role.and_then(|x| x.parse::<StaffRole>().ok()));
        member_rows = r.try_get("", "member_rows")?;
    }
    Ok(Standing {
        is_admin,
        is_member: member_rows > 0,
        roles,
    })
}

/// What the person is in this programme: admin flag, membership and staff roles.
pub async fn standing(
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_id: i64,
    is_admin: bool,
) -> Result<Standing> {
    let (cols, join) = standing_sql("$2");
    let rows = c
        .query_all_raw(sql::stmt(
            c,
            &format!("SELECT {cols} FROM programmes p {join} WHERE p.id = $1"),
            vec![programme_id.into(), user_id.into()],
        ))
        .await?;
    standing_of_rows(&rows, is_admin)
}

/// The columns and join that read a person's standing in programme `p` (`user`: how the
/// query names the person's id) — one row per staff role, or one with none, each carrying
/// whether the person is a member; read back by [`standing_of_rows`].
pub(crate) fn standing_sql(user: &str) -> (String, String) {
    (
        format!(
            "r.role AS staff_role, \
             (SELECT COUNT(*) FROM programme_members m WHERE m.programme_id = p.id AND m.user_id = {user}) AS member_rows"
        ),
        format!("LEFT JOIN staff_roles r ON r.programme_id = p.id AND r.user_id = {user}"),
    )
}

// ---- Member list ---------------------------------------------------------------------------

/// Adds or updates the rows of an imported member list; returns how many rows were written.
pub async fn import_member_list(
    c: &impl ConnectionTrait,
    programme_id: i64,
    rows: &[MemberRow],
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut n = 0;
    for r in rows {
        n += sql::exec(
            c,
            "INSERT INTO member_list (programme_id, email, member_number, name, member_type, imported_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (programme_id, email) DO UPDATE SET member_number = excluded.member_number, name = excluded.name, \
             member_type = excluded.member_type, imported_at = excluded.imported_at",
            vec![
                programme_id.into(),
                r.email.as_str().into(),
                r.member_number.clone().into(),
                r.name.clone().into(),
                r.member_type.clone().into(),
                now.into(),
            ],
        )
        .await?;
    }
    Ok(n)
}

#[derive(Debug, Clone, FromQueryResult, serde::Serialize)]
pub struct ListedMember {
    pub email: String,
    pub member_number: Option<String>,
    pub name: String,
    pub member_type: Option<String>,
    pub imported_at: DateTime<Utc>,
}

pub async fn on_member_list(
    c: &impl ConnectionTrait,
    programme_id: i64,
    email: &str,
) -> Result<Option<ListedMember>> {
    sql::one(
        c,
        "SELECT email, member_number, name, member_type, imported_at FROM member_list WHERE programme_id = $1 AND email = $2",
        vec![programme_id.into(), email.into()],
    )
    .await
}

pub async fn member_list(
    c: &impl ConnectionTrait,
    programme_id: i64,
    limit: u64,
    offset: u64,
) -> Result<Vec<ListedMember>> {
    sql::all(
        c,
        "SELECT email, member_number, name, member_type, imported_at FROM member_list WHERE programme_id = $1 ORDER BY name, email LIMIT $2 OFFSET $3",
        vec![programme_id.into(), i64::try_from(limit).unwrap_or(i64::MAX).into(), i64::try_from(offset).unwrap_or(0).into()],
    )
    .await
}

pub async fn member_list_count(c: &impl ConnectionTrait, programme_id: i64) -> Result<i64> {
    let r: Option<Count> = sql::one(
        c,
        "SELECT COUNT(*) AS n FROM member_list WHERE programme_id = $1",
        vec![programme_id.into()],
    )
    .await?;
    Ok(r.map_or(0, |r| r.n))
}

/// Adds many members at once (500 a statement); existing memberships are kept.
pub async fn join_many(
    c: &impl ConnectionTrait,
    programme_id: i64,
    user_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<()> {
    for chunk in user_ids.chunks(500) {
        let mut text = String::from(
            "INSERT INTO programme_members (programme_id, user_id, joined_at) VALUES ",
        );
        let mut values: Vec<sea_orm::Value> = vec![programme_id.into(), now.into()];
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            values.push((*id).into());
            text.push_str(&format!("($1, ${}, $2)", values.len()));
        }
        text.push_str(" ON CONFLICT (programme_id, user_id) DO NOTHING");
        sql::exec(c, &text, values).await?;
    }
    Ok(())
}

/// The programme's members after `after` (by user id), at most `limit`: for exports that page
/// through any number of members in bounded memory.
pub async fn members_after(
    c: &impl ConnectionTrait,
    programme_id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<MemberSummary>> {
    sql::all(
        c,
        "SELECT u.id AS user_id, u.name, u.email, m.joined_at FROM programme_members m JOIN users u ON u.id = m.user_id \
         WHERE m.programme_id = $1 AND m.user_id > $2 ORDER BY m.user_id LIMIT $3",
        vec![programme_id.into(), after.into(), limit.into()],
    )
    .await
}
