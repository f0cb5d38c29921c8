//! A member's shortlist of mentors, kept from the directory until a request uses it.

use super::*;

/// A member adds a listed mentor of the programme to their shortlist.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id, mentor_id = mentor_id))]
pub async fn pick(s: &App, who: &Actor, p: &Programme, mentor_id: i64) -> AppResult<()> {
    if !standing(s, p, who).await?.is_member {
        return Err(AppError::forbidden(format!(
            "Join {} before choosing mentors in it",
            p.name
        )));
    }
    if mentor_id == who.id() {
        return Err(AppError::invalid("mentor_id", "You cannot choose yourself"));
    }
    let states = store::mentor_states(&s.store.db, p.id, &[mentor_id]).await?;
    if !state_of(&states, mentor_id).listed {
        return Err(AppError::invalid(
            "mentor_id",
            "This mentor is not listed in the programme's directory",
        ));
    }
    trellis_store::shortlist::add(&s.store.db, p.id, who.id(), mentor_id, s.now()).await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id, mentor_id = mentor_id))]
pub async fn unpick(s: &App, who: &Actor, p: &Programme, mentor_id: i64) -> AppResult<()> {
    trellis_store::shortlist::remove(&s.store.db, p.id, who.id(), mentor_id).await?;
    Ok(())
}

/// The member's shortlist of mentors in the programme.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn picks(s: &App, who: &Actor, p: &Programme) -> AppResult<Vec<Pick>> {
    Ok(trellis_store::shortlist::of(&s.store.db, p.id, who.id()).await?)
}
