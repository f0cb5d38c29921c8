//! Running a round: the cohort and the mentors with their profiles, scored and matched (or grouped in circles), the proposal saved.

use super::*;

/// Runs the round on what its people say in their profiles now, replacing the proposal.
pub(super) async fn run_in(
    s: &App,
    tx: &DatabaseTransaction,
    p: &Programme,
    id: i64,
) -> AppResult<()> {
    let round = store::get(tx, id)
        .await?
        .ok_or(AppError::NotFound("No such matching round"))?;
    let settings: Settings = serde_json::from_str(&round.settings).map_err(anyhow::Error::from)?;
    let mode = Mode::parse(&round.mode).unwrap_or(Mode::Optimal);
    let now = s.now();
    // The mentees, as the profile says.
    // Read in bulk: a round may hold tens of thousands of people.
    let mut shortlists: HashMap<i64, Vec<i64>> = HashMap::new();
    for (mentee, mentor) in store::shortlists(tx, p.id).await? {
        shortlists.entry(mentee).or_default().push(mentor);
    }
    let in_round = store::people(tx, id, "mentee").await?;
    let mut users: HashMap<i64, trellis_store::accounts::User> =
        trellis_store::accounts::users_by_ids(tx, &in_round)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
    // The managers named on the profiles, as the accounts they belong to (if any).
    let manager_emails: Vec<Email> = users
        .values()
        .filter_map(|u| u.manager_email.as_deref())
        .filter_map(|e| Email::parse("manager_email", e).ok())
        .collect();
    let managers = trellis_store::accounts::ids_by_email(tx, &manager_emails).await?;
    let mut mentees = Vec::new();
    let mut mentee_people = Vec::new();
    for u in in_round {
        let Some(user) = users.remove(&u) else {
            continue;
        };
        let text = [user.interests.as_deref(), user.background.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let languages = list_of(&user.languages);
        let manager = user
            .manager_email
            .as_deref()
            .and_then(|e| Email::parse("manager_email", e).ok())
            .and_then(|e| managers.get(e.as_str()))
            .map(i64::to_string);
        mentee_people.push(Person {
            languages: languages.clone(),
            organisation: user.organisation.clone(),
            id: Some(u.to_string()),
            manager,
        });
        mentees.push(Mentee {
            user_id: u,
            words: cohort::words(&text),
            career_stage: user.career_stage.clone(),
            languages,
            utc_offset: user
                .time_zone
                .as_deref()
                .and_then(|z| cohort::utc_offset(z, now)),
            shortlist: shortlists.remove(&u).unwrap_or_default(),
        });
    }
    if settings.publish_as == PublishAs::Circles {
        return run_circles(tx, id, &settings, &mentees).await;
    }
    // The mentors with their directory profiles and free places.
    let wanted: std::collections::HashSet<i64> =
        store::people(tx, id, "mentor").await?.into_iter().collect();
    let mut terms_of = trellis_store::mentors::terms_by_mentor(tx, p.id).await?;
    let mut mentors = Vec::new();
    let mut mentor_people = Vec::new();
    let mut names = Vec::new();
    let mut places = Vec::new();
    for m in trellis_store::mentors::listed_mentors(tx, p.id).await? {
        if !wanted.contains(&m.user_id) || m.active_mentees >= m.capacity {
            continue;
        }
        let terms = terms_of.remove(&m.id).unwrap_or_default();
        let labels = |kind: TermKind| {
            terms
                .iter()
                .filter(|t| t.kind == kind)
                .map(|t| t.label.clone())
                .collect::<Vec<_>>()
        };
        let text = format!(
            "{} {} {}",
            labels(TermKind::Expertise).join(" "),
            m.tags.replace('\n', " "),
            m.background
        );
        let languages = list_of(&m.languages);
        mentor_people.push(Person {
            languages: languages.clone(),
            organisation: m.organisation.clone(),
            id: Some(m.user_id.to_string()),
            manager: None,
        });
        names.push(m.name.clone());
        let free = (m.capacity - m.active_mentees) as u32;
        places.push(settings.group_size.map_or(free, |g| g.min(free)));
        mentors.push(Mentor {
            user_id: m.user_id,
            words: cohort::words(&text),
            audiences: labels(TermKind::Audience),
            languages,
            utc_offset: m
                .time_zone
                .as_deref()
                .and_then(|z| cohort::utc_offset(z, now)),
            available: m.available,
        });
    }
    // Hard constraints are the matcher's own rules; pins keep only the pinned mentor.
    let rules = store::rules(tx, id).await?;
    let index_of = |list: &[i64], user: i64| list.iter().position(|&x| x == user);
    let mentee_ids: Vec<i64> = mentees.iter().map(|e| e.user_id).collect();
    let mentor_ids: Vec<i64> = mentors.iter().map(|m| m.user_id).collect();
    let pinned: HashMap<i64, i64> = rules
        .iter()
        .filter(|r| r.kind == RuleKind::Pin)
        .map(|r| (r.mentee_id, r.mentor_id))
        .collect();
    let mut b = Builder::new(mentees.len(), places);
    b.rules(
        Rules {
            shared_language: settings.shared_language,
            different_organisation: settings.different_organisation,
            not_own_manager: settings.not_own_manager,
        },
        mentee_people,
        mentor_people,
    );
    for r in rules.iter().filter(|r| r.kind == RuleKind::Forbid) {
        if let (Some(i), Some(j)) = (
            index_of(&mentee_ids, r.mentee_id),
            index_of(&mentor_ids, r.mentor_id),
        ) {
            b.forbid(i, j);
        }
    }
    let mut parts = HashMap::new();
    for (i, e) in mentees.iter().enumerate() {
        for (j, m) in mentors.iter().enumerate() {
            if e.user_id == m.user_id || pinned.get(&e.user_id).is_some_and(|&x| x != m.user_id) {
                continue;
            }
            let bd = Breakdown::of(e, m);
            b.pair(i, j, bd.score(&settings.weights));
            parts.insert((i, j), bd);
        }
    }
    let problem = b
        .build()
        .map_err(|e| AppError::internal(anyhow::anyhow!("matching round {id}: {e}")))?;
    let outcome = trellis_matcher::run(&problem, mode, Options::default(), &mut |_, _| {});
    let name = |j: usize| names[j].clone();
    let mut details = Vec::new();
    for (i, a) in outcome.assigned.iter().enumerate() {
        let j = a.map(|x| x as usize);
        let why = match j.filter(|&j| pinned.get(&mentees[i].user_id) == Some(&mentors[j].user_id))
        {
            Some(j) => vec![format!("Pinned to {} by staff", names[j])],
            None => trellis_matcher::explain::explain(&problem, &outcome, i, 3).sentences(&name),
        };
        details.push(
            serde_json::to_string(&Detail {
                parts: j.and_then(|j| parts.get(&(i, j)).copied()),
                why,
            })
            .map_err(anyhow::Error::from)?,
        );
    }
    let reasons: HashMap<usize, Unmatched> = outcome.unmatched.iter().copied().collect();
    let pairs: Vec<NewPair<'_>> = outcome
        .assigned
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let j = a.map(|x| x as usize);
            NewPair {
                mentee_id: mentees[i].user_id,
                mentor_id: j.map(|j| mentors[j].user_id),
                score: j.and_then(|j| problem.score(i, j)),
                seat_price: j.and_then(|j| outcome.prices.as_ref().map(|p| p[j])),
                detail: &details[i],
                unmatched: reasons.get(&i).map(|w| match w {
                    Unmatched::NoAllowedMentor => "no_allowed_mentor",
                    Unmatched::Capacity => "capacity",
                }),
            }
        })
        .collect();
    let summary = serde_json::json!({
        "mentees": mentees.len(),
        "mentors": mentors.len(),
        "matched": outcome.matched,
        "total": outcome.total,
        "min": outcome.min,
        "mean": outcome.mean,
        "blocking_pairs": outcome.blocking_pairs,
        "unmatched": outcome.unmatched.len(),
    });
    store::replace_proposal(tx, id, &pairs, &summary.to_string()).await?;
    Ok(())
}

/// A peer round [002]: the mentees grouped among themselves in circles of the round's size
/// (`trellis_matcher::circles`), each person scored against the others by
/// `Breakdown::of_peers` under the round's weights. Each proposal row names the circle by
/// its first member (in the mentor column).
async fn run_circles(
    tx: &DatabaseTransaction,
    id: i64,
    settings: &Settings,
    mentees: &[Mentee],
) -> AppResult<()> {
    let size = settings.group_size.unwrap_or(4) as usize;
    let affinity =
        |a: usize, b: usize| Breakdown::of_peers(&mentees[a], &mentees[b]).score(&settings.weights);
    let found = trellis_matcher::circles::circles(mentees.len(), size, &affinity);
    let mut rows: Vec<(i64, Option<i64>, Option<f64>, String)> = Vec::new();
    let mut means = Vec::new();
    for circle in &found.circles {
        let key = mentees[circle[0]].user_id;
        for &i in circle {
            let others: Vec<usize> = circle.iter().copied().filter(|&j| j != i).collect();
            let mean = others.iter().map(|&j| affinity(i, j)).sum::<f64>() / others.len() as f64;
            let mean = (mean * 100.0).round() / 100.0;
            means.push(mean);
            let why = vec![format!(
                "In a circle of {} people; a mean affinity of {mean:.0} with the others",
                circle.len()
            )];
            let detail =
                serde_json::to_string(&Detail { parts: None, why }).map_err(anyhow::Error::from)?;
            rows.push((mentees[i].user_id, Some(key), Some(mean), detail));
        }
    }
    let placed = rows.len();
    let pairs: Vec<NewPair<'_>> = rows
        .iter()
        .map(|(mentee_id, key, score, detail)| NewPair {
            mentee_id: *mentee_id,
            mentor_id: *key,
            score: *score,
            seat_price: None,
            detail,
            unmatched: None,
        })
        .collect();
    let min = means.iter().copied().reduce(f64::min);
    let summary = serde_json::json!({
        "mentees": mentees.len(),
        "mentors": 0,
        "circles": found.circles.len(),
        "matched": placed,
        "total": found.total,
        "min": min,
        "mean": (!means.is_empty()).then(|| means.iter().sum::<f64>() / means.len() as f64),
        "blocking_pairs": 0,
        "unmatched": mentees.len() - placed,
    });
    store::replace_proposal(tx, id, &pairs, &summary.to_string()).await?;
    Ok(())
}
