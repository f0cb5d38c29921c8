//! Each programme's taxonomies: the audiences mentors can mentor ("who I can mentor": career
//! stages and professions) and the expertise areas. Admins edit them; a term in use is retired
//! rather than deleted, so existing mentors keep it.

use crate::Result;
use crate::sql::{self, duplicate};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use trellis_domain::directory::TermKind;

pub const AUDIENCE: TermKind = TermKind::Audience;
pub const EXPERTISE: TermKind = TermKind::Expertise;

/// The audiences a new programme starts with [003: "from junior to senior"].
pub const DEFAULT_AUDIENCES: [&str; 5] = [
    "Students",
    "Trainees",
    "Early career",
    "Mid career",
    "Senior",
];

#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub id: i64,
    pub kind: TermKind,
    pub label: String,
    pub position: i32,
    pub retired: bool,
}

impl sea_orm::FromQueryResult for Term {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            id: r.try_get(pre, "id")?,
            kind: sql::named(r, pre, "kind")?,
            label: r.try_get(pre, "label")?,
            position: r.try_get(pre, "position")?,
            retired: r.try_get(pre, "retired")?,
        })
    }
}

/// The terms of one kind, in order; retired ones only if asked.
pub async fn terms(
    c: &impl ConnectionTrait,
    programme_id: i64,
    kind: TermKind,
    with_retired: bool,
) -> Result<Vec<Term>> {
    let retired = if with_retired {
        ""
    } else {
        " AND retired = $3"
    };
    let mut values = vec![programme_id.into(), kind.as_str().into()];
    if !with_retired {
        values.push(false.into());
    }
    sql::all(
        c,
        &format!("SELECT id, kind, label, position, retired FROM taxonomy_terms WHERE programme_id = $1 AND kind = $2{retired} ORDER BY position, id"),
        values,
    )
    .await
}

pub async fn add(
    c: &impl ConnectionTrait,
    programme_id: i64,
    kind: TermKind,
    label: &str,
) -> Result<i64> {
    sql::insert_id(
        c,
        "INSERT INTO taxonomy_terms (programme_id, kind, label, position) \
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM taxonomy_terms WHERE programme_id = $1 AND kind = $2)) RETURNING id",
        vec![programme_id.into(), kind.as_str().into(), label.into()],
    )
    .await
    .map_err(duplicate("label"))
}

pub async fn rename(
    c: &impl ConnectionTrait,
    programme_id: i64,
    term_id: i64,
    label: &str,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE taxonomy_terms SET label = $3 WHERE id = $1 AND programme_id = $2",
        vec![term_id.into(), programme_id.into(), label.into()],
    )
    .await
    .map_err(duplicate("label"))?;
    Ok(n == 1)
}

pub async fn set_retired(
    c: &impl ConnectionTrait,
    programme_id: i64,
    term_id: i64,
    retired: bool,
) -> Result<bool> {
    let n = sql::exec(
        c,
        "UPDATE taxonomy_terms SET retired = $3 WHERE id = $1 AND programme_id = $2",
        vec![term_id.into(), programme_id.into(), retired.into()],
    )
    .await?;
    Ok(n == 1)
}

/// Copies a programme's current (not retired) terms of both kinds, in order, to another.
pub async fn copy_terms(c: &impl ConnectionTrait, from: i64, to: i64) -> Result<()> {
    for kind in [AUDIENCE, EXPERTISE] {
        for t in terms(c, from, kind, false).await? {
            add(c, to, kind, &t.label).await?;
        }
    }
    Ok(())
}

pub async fn add_defaults(c: &impl ConnectionTrait, programme_id: i64) -> Result<()> {
    for label in DEFAULT_AUDIENCES {
        add(c, programme_id, AUDIENCE, label).await?;
    }
    Ok(())
}
