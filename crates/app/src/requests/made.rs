//! Requests made by staff tools rather than by the mentee: a matching round's offers, and generated benchmark data.

use super::*;

/// A request made for `mentee` by a matching round and offered to `mentor` at once, in the
/// caller's transaction: the mentee's goals are the round's proposal and what their profile
/// says; the mentor accepts or declines as with any request, and the usual letters go out.
/// `Conflict` when the mentee already has an open request.
pub(crate) async fn offer_in(
    s: &App,
    tx: &DatabaseTransaction,
    who: &Actor,
    p: &Programme,
    mentee: &trellis_store::accounts::User,
    mentor_id: i64,
    round_name: &str,
) -> AppResult<i64> {
    let mut goals =
        format!("Proposed by the programme's matching round \"{round_name}\" as a good match.");
    if let Some(i) = mentee.interests.as_deref().filter(|i| !i.trim().is_empty()) {
        goals.push_str(" What I am looking for: ");
        goals.push_str(i.trim());
    }
    let details = RequestDetails {
        goals,
        hopes: None,
        focus: "broader_skills".into(),
        background: mentee.background.clone(),
        swot: None,
        channels: trellis_store::mentors::list_of(&mentee.channels),
        meeting_frequency: None,
        choices: vec![mentor_id],
    };
    let states = store::mentor_states(tx, p.id, &details.choices).await?;
    open_in(s, tx, who, p, mentee.id, &details, &states, None, || {
        format!(
            "{} already has an open request: they cannot be offered another",
            mentee.name
        )
    })
    .await
}

/// Records a request already offered to its first choice, as it stands once the offer's mail
/// and reminders have gone out: the request, its "offered" timeline entry and its deadline
/// job. Used only to build benchmark data (`trellis generate --requests`); members make
/// requests through [`create`].
#[tracing::instrument(
    name = "requests.record_offered",
    skip_all,
    fields(programme_id, mentee_id)
)]
pub async fn record_offered(
    c: &impl trellis_store::ConnectionTrait,
    programme_id: i64,
    mentee_id: i64,
    details: &RequestDetails,
    cascade: &Cascade,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<i64> {
    let id = store::create(c, programme_id, mentee_id, details, cascade, now).await?;
    if let Status::Offered {
        mentor_id, due_at, ..
    } = cascade.status
    {
        let choice = Some("choice 1".to_owned());
        store::add_event(c, id, now, "offered", Some(mentor_id), choice).await?;
        let job = Deadline {
            request_id: id,
            offer: cascade.offered.len(),
        };
        crate::jobs::enqueue(c, &job, due_at, now).await?;
    }
    Ok(id)
}
