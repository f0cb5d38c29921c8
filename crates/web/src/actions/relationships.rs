//! Mentoring relationships, as created by an accepted request. The workspace (agreement, plan,
//! meetings, log …) grows here; for now each member sees who they are paired with, their
//! address, the phase, and the first-meeting guidance.

use crate::actions::programmes::{find_by_id, standing};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use trellis_domain::role::StaffRole;
use trellis_store::programmes::Programme;
use trellis_store::requests::{self as store, RelationshipPeople};

/// How the person asking relates to a relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seat {
    Mentor,
    Mentee,
    /// Office, director, admin: who and which phase, never what the pair write.
    Staff,
}

/// A relationship its members (and the programme's staff) may see; anyone else gets 404.
pub async fn visible(
    s: &AppState,
    who: &CurrentUser,
    id: i64,
) -> AppResult<(RelationshipPeople, Programme, Seat)> {
    let r = store::relationship(&s.store.db, id)
        .await?
        .ok_or(AppError::NotFound("relationship"))?;
    let p = find_by_id(s, r.programme_id).await?;
    if r.mentor_id == who.id() {
        return Ok((r, p, Seat::Mentor));
    }
    if r.mentee_id == who.id() {
        return Ok((r, p, Seat::Mentee));
    }
    let st = standing(s, &p, who).await?;
    if st.is_admin || st.holds(StaffRole::Director) || st.holds(StaffRole::Office) {
        return Ok((r, p, Seat::Staff));
    }
    Err(AppError::NotFound("relationship"))
}
