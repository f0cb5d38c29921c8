//! The mentors' places each membership holds.

use super::*;

/// Takes `n` of the mentor's free places; `false`, taking none, when fewer are left (two
/// acceptances racing for the last place: one wins).
pub async fn take_places(
    c: &impl ConnectionTrait,
    programme_id: i64,
    mentor_id: i64,
    n: i32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let taken = sql::exec(
        c,
        "UPDATE mentors SET active_mentees = active_mentees + $3, updated_at = $4 \
         WHERE programme_id = $1 AND user_id = $2 AND active_mentees + $3 <= capacity",
        vec![programme_id.into(), mentor_id.into(), n.into(), now.into()],
    )
    .await?;
    Ok(taken == 1)
}

/// Adds `n` to the places the mentor's membership notes as taken for the relationship.
pub async fn note_places(
    c: &impl ConnectionTrait,
    relationship_id: i64,
    mentor_id: i64,
    n: i32,
) -> Result<()> {
    sql::exec(
        c,
        "UPDATE relationship_members SET places = places + $3 WHERE relationship_id = $1 AND user_id = $2",
        vec![relationship_id.into(), mentor_id.into(), n.into()],
    )
    .await?;
    Ok(())
}

/// Gives the mentor back every place they hold for the relationship (it closed, or they left).
pub async fn release_places(
    c: &impl ConnectionTrait,
    programme_id: i64,
    relationship_id: i64,
    mentor_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    give_back(c, programme_id, relationship_id, mentor_id, i32::MAX, now).await
}

/// Gives the mentor back one place they hold for the relationship (a mentee left it).
pub async fn release_place(
    c: &impl ConnectionTrait,
    programme_id: i64,
    relationship_id: i64,
    mentor_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    give_back(c, programme_id, relationship_id, mentor_id, 1, now).await
}

/// Gives back up to `n` of the places the mentor holds for the relationship.
async fn give_back(
    c: &impl ConnectionTrait,
    programme_id: i64,
    relationship_id: i64,
    mentor_id: i64,
    n: i32,
    now: DateTime<Utc>,
) -> Result<()> {
    let given = "(SELECT CASE WHEN places < $5 THEN places ELSE $5 END FROM relationship_members \
                  WHERE relationship_id = $3 AND user_id = $2)";
    sql::exec(
        c,
        &format!(
            "UPDATE mentors SET active_mentees = CASE WHEN active_mentees > {given} THEN active_mentees - {given} ELSE 0 END, \
             updated_at = $4 WHERE programme_id = $1 AND user_id = $2 AND {given} > 0"
        ),
        vec![
            programme_id.into(),
            mentor_id.into(),
            relationship_id.into(),
            now.into(),
            n.into(),
        ],
    )
    .await?;
    sql::exec(
        c,
        "UPDATE relationship_members SET places = CASE WHEN places < $3 THEN 0 ELSE places - $3 END \
         WHERE relationship_id = $1 AND user_id = $2",
        vec![relationship_id.into(), mentor_id.into(), n.into()],
    )
    .await?;
    Ok(())
}
