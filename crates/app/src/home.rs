//! A person's home: only what concerns them, most urgent first, each item with the page where
//! it is done — offers waiting for their reply, their requests, their relationships with the
//! next step, the queues they work and the concerns they handle.

use crate::programmes::{list as all_programmes, mine as member_of, standing};
use crate::queues::{Item, queues};
use crate::requests::lists;
use crate::{Actor, App, AppResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use trellis_domain::application::TargetStatus;
use trellis_domain::evaluation::Kind as EvaluationKind;
use trellis_domain::home::{self as rules, RelationshipFacts, ordinal, time_left};
use trellis_domain::request::Stage;
use trellis_domain::role::StaffRole;
use trellis_domain::workspace::{Phase, Role};

/// An offer waiting for the reader's reply, as a mentor.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfferItem {
    pub request_id: i64,
    pub link: String,
    pub programme_name: String,
    pub mentee_name: String,
    pub reply_due: Option<DateTime<Utc>>,
    /// "3 days left", "due today", "overdue".
    pub time_left: Option<String>,
    /// Whole days left (0 on the day, negative once passed).
    pub days_left: Option<i64>,
}

/// One of the reader's own requests for a mentor, still open.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestItem {
    pub request_id: i64,
    pub link: String,
    pub programme_name: String,
    /// Where it stands, in words: "With your 2nd choice, Ben Mentor".
    pub stands: String,
    pub reply_due: Option<DateTime<Utc>>,
}

/// One of the reader's current relationships and what to do next in it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RelationshipItem {
    pub relationship_id: i64,
    pub link: String,
    pub programme_name: String,
    /// The reader's part: mentor, mentee or peer.
    pub role: String,
    /// The other current members, by name.
    pub with: Vec<String>,
    /// preparing, negotiating, enabling, closing
    pub phase: String,
    pub phase_label: String,
    /// Where the phase is among the four (0–3).
    #[serde(skip)]
    pub phase_index: usize,
    pub paused: bool,
    pub next_step: String,
    pub next_link: String,
    /// For a mentee: the tasks of this phase's checklist done, and how many there are.
    pub checklist_done: Option<usize>,
    pub checklist_total: Option<usize>,
}

/// A staff queue of one programme, in figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueSummary {
    pub programme_name: String,
    pub title: String,
    pub link: String,
    pub open: usize,
    pub overdue: usize,
    pub due_soon: usize,
}

/// A concern the reader handles that still waits for them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConcernItem {
    pub programme_name: String,
    #[serde(flatten)]
    pub item: Item,
}

/// A programme the reader belongs to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgrammeItem {
    pub slug: String,
    pub name: String,
}

/// Everything on the reader's home page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Home {
    pub offers: Vec<OfferItem>,
    pub concerns: Vec<ConcernItem>,
    pub queues: Vec<QueueSummary>,
    pub relationships: Vec<RelationshipItem>,
    pub requests: Vec<RequestItem>,
    pub programmes: Vec<ProgrammeItem>,
}

impl Home {
    /// Nothing to do and nothing under way: the page shows how to start.
    pub fn is_new(&self) -> bool {
        self.offers.is_empty()
            && self.concerns.is_empty()
            && self.queues.is_empty()
            && self.relationships.is_empty()
            && self.requests.is_empty()
    }
}

fn urgency(due: Option<DateTime<Utc>>) -> DateTime<Utc> {
    due.unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn home(s: &App, who: &Actor) -> AppResult<Home> {
    let now = s.now();
    let mut h = Home {
        offers: Vec::new(),
        concerns: Vec::new(),
        queues: Vec::new(),
        relationships: Vec::new(),
        requests: Vec::new(),
        programmes: Vec::new(),
    };
    for p in member_of(s, who).await? {
        let l = lists(s, who, &p).await?;
        for o in l.offers {
            h.offers.push(OfferItem {
                request_id: o.id,
                link: format!("/requests/{}", o.id),
                programme_name: p.name.clone(),
                mentee_name: o.mentee_name,
                reply_due: o.reply_due,
                time_left: o.reply_due.map(|d| time_left(now, d)),
                days_left: o.reply_due.map(|d| rules::days_left(now, d)),
            });
        }
        for r in l
            .mine
            .into_iter()
            .filter(|r| matches!(r.stage, Stage::Offered | Stage::WithDirector))
        {
            let stands = match (r.stage, &r.with_mentor_name) {
                (Stage::Offered, Some(name)) => {
                    match r.choices.iter().position(|&c| Some(c) == r.with_mentor_id) {
                        Some(i) => format!("With your {} choice, {name}", ordinal(i + 1)),
                        None => format!("Offered to {name}"),
                    }
                }
                _ => "With the mentorship director, who will find you a mentor".to_owned(),
            };
            h.requests.push(RequestItem {
                request_id: r.id,
                link: format!("/requests/{}", r.id),
                programme_name: p.name.clone(),
                stands,
                reply_due: r.reply_due.filter(|_| r.stage == Stage::Offered),
            });
        }
        for rel in
            trellis_store::workspace::relationships_of_member(&s.store.db, p.id, who.id()).await?
        {
            if let Some(item) = relationship(s, who, &p.name, rel.id, now).await? {
                h.relationships.push(item);
            }
        }
        h.programmes.push(ProgrammeItem {
            slug: p.slug.clone(),
            name: p.name.clone(),
        });
    }
    // The queues of every programme the reader runs, and the concerns they handle.
    for p in all_programmes(s).await? {
        let st = standing(s, &p, who).await?;
        let handles = st.holds(StaffRole::ConcernsOfficer) || st.holds(StaffRole::Chair);
        if !st.runs_programme() && !handles {
            continue;
        }
        let q = queues(s, who, &p, None).await?;
        h.concerns
            .extend(q.concerns.iter().cloned().map(|item| ConcernItem {
                programme_name: p.name.clone(),
                item,
            }));
        if !st.runs_programme() {
            continue;
        }
        let link = format!("/programmes/{}/queues", p.slug);
        for (title, items) in [
            ("Mentor applications to review", &q.applications),
            ("Requests with the director", &q.requests_with_director),
            (
                "Requests waiting for a mentor's reply",
                &q.requests_with_mentors,
            ),
            ("Mentors to confirm their details", &q.refresh_unconfirmed),
            ("Quiet relationships", &q.quiet_relationships),
        ] {
            if items.is_empty() {
                continue;
            }
            let count = |state: TargetStatus| items.iter().filter(|i| i.state == state).count();
            h.queues.push(QueueSummary {
                programme_name: p.name.clone(),
                title: title.to_owned(),
                link: link.clone(),
                open: items.len(),
                overdue: count(TargetStatus::Overdue),
                due_soon: count(TargetStatus::Near),
            });
        }
    }
    h.offers.sort_by_key(|o| urgency(o.reply_due));
    h.concerns.sort_by_key(|c| urgency(c.item.due));
    h.queues
        .sort_by_key(|q| (std::cmp::Reverse(q.overdue), std::cmp::Reverse(q.due_soon)));
    h.requests.sort_by_key(|r| urgency(r.reply_due));
    Ok(h)
}

/// One relationship as its member sees it on the home page; `None` for what they may no
/// longer read.
async fn relationship(
    s: &App,
    who: &Actor,
    programme_name: &str,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<Option<RelationshipItem>> {
    let ws = crate::relationships::visible(s, who, id).await?;
    let crate::relationships::Seat::Member { role, .. } = ws.seat else {
        return Ok(None);
    };
    let view = crate::relationships::overview(s, &ws).await?;
    let me = who.user.name.as_str();
    let next_meeting = crate::meetings::list(s, who, id)
        .await?
        .into_iter()
        .filter(|m| !m.cancelled && m.starts_at > now)
        .min_by_key(|m| m.starts_at)
        .map(|m| m.starts_shown);
    let (evaluations, _) = trellis_store::workspace::evaluations(&s.store.db, id).await?;
    let facts = RelationshipFacts {
        phase: Some(ws.phase()),
        paused: ws.paused(),
        agreement_version: view.agreement_version,
        must_sign: view.agreement_unsigned.iter().any(|n| n == me),
        others_to_sign: view
            .agreement_unsigned
            .iter()
            .filter(|n| *n != me)
            .cloned()
            .collect(),
        next_meeting,
        final_evaluation_written: evaluations
            .iter()
            .any(|e| e.member_id == Some(who.id()) && e.kind == EvaluationKind::Final),
    };
    let next = rules::next_step(&facts);
    let phase_index = Phase::ALL
        .iter()
        .position(|p| *p == ws.phase())
        .unwrap_or(0);
    let (mut done, mut total) = (None, None);
    if role == Role::Mentee && ws.phase() != Phase::Closed {
        let stages = crate::development::checklist(s, who, id).await?;
        if let Some(stage) = stages.get(phase_index) {
            done = Some(stage.items.iter().filter(|i| i.2.is_some()).count());
            total = Some(stage.items.len());
        }
    }
    let link = format!("/relationships/{id}");
    Ok(Some(RelationshipItem {
        relationship_id: id,
        next_link: if next.page.is_empty() {
            link.clone()
        } else {
            format!("{link}/{}", next.page)
        },
        link,
        programme_name: programme_name.to_owned(),
        role: role.as_str().to_owned(),
        with: ws
            .current_members()
            .filter(|m| m.user_id != who.id())
            .map(|m| m.name.clone())
            .collect(),
        phase: ws.phase().as_str().to_owned(),
        phase_label: ws.phase().label().to_owned(),
        phase_index,
        paused: ws.paused(),
        next_step: next.words,
        checklist_done: done,
        checklist_total: total,
    }))
}

/// One of the relationships the reader is or was in, for "My mentoring".
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyRelationship {
    pub relationship_id: i64,
    pub link: String,
    pub programme_name: String,
    /// mentor, mentee or peer
    pub role: String,
    pub with: Vec<String>,
    pub phase_label: String,
    pub paused: bool,
    /// The reader has left it (it stays readable for the time they were in it).
    pub left: bool,
    pub started: DateTime<Utc>,
}

/// Every relationship the reader is or was in, newest first.
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn my_relationships(s: &App, who: &Actor) -> AppResult<Vec<MyRelationship>> {
    let names: std::collections::HashMap<i64, String> = all_programmes(s)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut out = Vec::new();
    for rel in trellis_store::workspace::relationships_of_user(&s.store.db, who.id()).await? {
        let ws = crate::relationships::visible(s, who, rel.id).await?;
        let crate::relationships::Seat::Member { role, left_at, .. } = ws.seat else {
            continue;
        };
        out.push(MyRelationship {
            relationship_id: rel.id,
            link: format!("/relationships/{}", rel.id),
            programme_name: names.get(&rel.programme_id).cloned().unwrap_or_default(),
            role: role.as_str().to_owned(),
            with: ws
                .members
                .iter()
                .filter(|m| m.user_id != who.id())
                .map(|m| m.name.clone())
                .collect(),
            phase_label: ws.phase().label().to_owned(),
            paused: ws.paused(),
            left: left_at.is_some(),
            started: rel.created_at,
        });
    }
    Ok(out)
}
