//! Evaluations and their ratings.

use super::*;

#[derive(Debug, Clone)]
pub struct EvaluationRow {
    pub id: i64,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub kind: EvaluationKind,
    /// Sealed.
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl sea_orm::FromQueryResult for EvaluationRow {
    fn from_query_result(r: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            id: r.try_get(pre, "id")?,
            member_id: r.try_get(pre, "member_id")?,
            member_name: r.try_get(pre, "member_name")?,
            kind: sql::named(r, pre, "kind")?,
            body: r.try_get(pre, "body")?,
            created_at: r.try_get(pre, "created_at")?,
        })
    }
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct RatingRow {
    pub evaluation_id: i64,
    pub question: String,
    pub rating: i32,
}

pub async fn add_evaluation(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    member_id: i64,
    kind: &str,
    ratings: &std::collections::BTreeMap<String, i32>,
    sealed: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = sql::insert_id(
        c,
        "INSERT INTO evaluations (relationship_id, member_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        vec![relationship_id.into(), member_id.into(), kind.into(), sealed.into(), now.into()],
    )
    .await?;
    for (q, r) in ratings {
        sql::exec(
            c,
            "INSERT INTO evaluation_ratings (evaluation_id, question, rating) VALUES ($1, $2, $3)",
            vec![id.into(), q.clone().into(), (*r).into()],
        )
        .await?;
    }
    Ok(id)
}

pub async fn evaluations(
    c: &impl ConnectionTrait,
    relationship_id: i64,
) -> Result<(Vec<EvaluationRow>, Vec<RatingRow>)> {
    let rows = sql::all(
        c,
        "SELECT e.id, e.member_id, u.name AS member_name, e.kind, e.body, e.created_at FROM evaluations e \
         LEFT JOIN users u ON u.id = e.member_id WHERE e.relationship_id = $1 ORDER BY e.id",
        vec![relationship_id.into()],
    )
    .await?;
    let ratings = sql::all(
        c,
        "SELECT r.evaluation_id, r.question, r.rating FROM evaluation_ratings r JOIN evaluations e ON e.id = r.evaluation_id \
         WHERE e.relationship_id = $1",
        vec![relationship_id.into()],
    )
    .await?;
    Ok((rows, ratings))
}

/// A question's answers across a programme (for staff, who see it only over enough answers).
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct QuestionSummary {
    pub question: String,
    pub answers: i64,
    pub total: i64,
}

pub async fn evaluation_summary(
    c: &impl ConnectionTrait,
    programme_id: i64,
) -> Result<Vec<QuestionSummary>> {
    sql::all(
        c,
        "SELECT r.question, COUNT(*) AS answers, SUM(r.rating) AS total FROM evaluation_ratings r \
         JOIN evaluations e ON e.id = r.evaluation_id JOIN relationships rel ON rel.id = e.relationship_id \
         WHERE rel.programme_id = $1 GROUP BY r.question",
        vec![programme_id.into()],
    )
    .await
}
