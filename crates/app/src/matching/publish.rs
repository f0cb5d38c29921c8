//! Publishing a round: its pairs become offers, relationships, groups or peer circles.

use super::*;

/// Publishes the proposal, all or nothing: as offers, each pair becomes a request made for the
/// mentee and offered to the mentor, who accepts or declines as usual (the place is taken on
/// acceptance); as relationships, each pair becomes a mentoring relationship at once (both are
/// told, and the mentor's place is taken).
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id, id = id))]
pub async fn publish(s: &App, who: &Actor, p: &Programme, id: i64) -> AppResult<RoundView> {
    require_staff(s, who, p).await?;
    let round = round_of(s, p, id).await?;
    let settings: Settings = serde_json::from_str(&round.settings).map_err(anyhow::Error::from)?;
    let as_offers = settings.publish_as == PublishAs::Offers;
    let as_groups = settings.publish_as == PublishAs::Groups;
    let as_circles = settings.publish_as == PublishAs::Circles;
    if !as_offers {
        let model = match () {
            _ if as_groups => Model::Group,
            _ if as_circles => Model::Peer,
            _ => Model::Traditional,
        };
        crate::relationships::may_make(s, who, p, model).await?;
    }
    let now = s.now();
    let tx = s.store.begin().await?;
    if !store::mark_published(&tx, id, now).await? {
        return Err(AppError::Conflict("This round is already published".into()));
    }
    let pairs = store::proposal(&tx, id).await?;
    let mut made = 0;
    if as_groups {
        made = publish_groups(s, &tx, who, p, id, &pairs).await?;
    }
    if as_circles {
        made = publish_circles(s, &tx, who, p, id, &pairs).await?;
    }
    for pair in pairs.iter().filter(|_| !as_groups && !as_circles) {
        let Some(mentor) = pair.mentor_id else {
            continue;
        };
        if as_offers {
            let mentee = trellis_store::accounts::user_by_id(&tx, pair.mentee_id)
                .await?
                .ok_or(AppError::NotFound("mentee"))?;
            let request =
                crate::requests::offer_in(s, &tx, who, p, &mentee, mentor, &round.name).await?;
            store::set_request(&tx, id, pair.mentee_id, request).await?;
            made += 1;
            continue;
        }
        // The relationship takes the mentor's place (a 409 when it went in the meantime).
        let rel = crate::relationships::create_in(
            s,
            &tx,
            who,
            p,
            Model::Traditional,
            &[(mentor, Role::Mentor), (pair.mentee_id, Role::Mentee)],
        )
        .await?;
        store::set_relationship(&tx, id, pair.mentee_id, rel).await?;
        made += 1;
    }
    audit::record(
        &tx,
        &AuditEntry::new(
            "matching_round.published",
            "matching_round",
            Some(id),
            if as_offers {
                format!("{made} requests offered")
            } else {
                format!("{made} relationships made")
            },
        )
        .by(Some(who.id()))
        .in_programme(p.id),
        now,
    )
    .await?;
    tx.commit().await?;
    show(s, who, p, id).await
}

/// The proposal's pairs gathered by the `mentor_id` they carry (a mentor, or a circle's
/// number), in order.
fn gathered(pairs: &[store::Pair]) -> std::collections::BTreeMap<i64, Vec<&store::Pair>> {
    let mut out: std::collections::BTreeMap<i64, Vec<&store::Pair>> = Default::default();
    for pair in pairs {
        if let Some(key) = pair.mentor_id {
            out.entry(key).or_default().push(pair);
        }
    }
    out
}

/// Each circle of a peer round becomes a peer relationship of its people.
async fn publish_circles(
    s: &App,
    tx: &DatabaseTransaction,
    who: &Actor,
    p: &Programme,
    id: i64,
    pairs: &[store::Pair],
) -> AppResult<usize> {
    let mut made = 0;
    for people in gathered(pairs).values() {
        let members: Vec<(i64, Role)> = people.iter().map(|e| (e.mentee_id, Role::Peer)).collect();
        trellis_domain::workspace::check_members(Model::Peer, &members)?;
        let rel = crate::relationships::create_in(s, tx, who, p, Model::Peer, &members).await?;
        for e in people {
            store::set_relationship(tx, id, e.mentee_id, rel).await?;
        }
        made += 1;
    }
    Ok(made)
}

/// Each mentor leads a group of the mentees matched with them (a mentor with a single mentee
/// gets a traditional pair, since a group has two mentees or more); every mentee takes one of
/// the mentor's places. Returns how many relationships were made.
async fn publish_groups(
    s: &App,
    tx: &DatabaseTransaction,
    who: &Actor,
    p: &Programme,
    id: i64,
    pairs: &[store::Pair],
) -> AppResult<usize> {
    let mut made = 0;
    for (mentor, group) in gathered(pairs) {
        let mut members = vec![(mentor, Role::Mentor)];
        members.extend(group.iter().map(|pair| (pair.mentee_id, Role::Mentee)));
        let model = if group.len() >= 2 {
            Model::Group
        } else {
            Model::Traditional
        };
        trellis_domain::workspace::check_members(model, &members)?;
        if model == Model::Traditional {
            crate::relationships::may_make(s, who, p, model).await?;
        }
        let rel = crate::relationships::create_in(s, tx, who, p, model, &members).await?;
        for pair in &group {
            store::set_relationship(tx, id, pair.mentee_id, rel).await?;
        }
        made += 1;
    }
    Ok(made)
}
