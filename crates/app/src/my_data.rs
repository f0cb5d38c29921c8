//! "My data": everything Trellis holds about a member, as one JSON archive they download.

use crate::Actor;
use crate::App;
use crate::AppResult;
use crate::relationships::unseal;
use serde_json::{Value, json};
use trellis_store::{mentors, notifications, programmes, requests, workspace};

/// The member's archive: profile, memberships and roles, mentor applications and listings,
/// requests, relationships with the workspace entries they wrote, concerns they reported, and
/// notifications.
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn export(s: &App, who: &Actor) -> AppResult<Value> {
    let db = &s.store.db;
    let me = who.id();
    let u = &who.user;
    let mut out_programmes = Vec::new();
    for p in programmes::memberships_of(db, me).await? {
        let roles: Vec<String> = programmes::staff(db, p.id)
            .await?
            .into_iter()
            .filter(|m| m.user_id == me)
            .map(|m| m.role.as_str().to_owned())
            .collect();
        let applications: Vec<Value> = mentors::applications_of(db, p.id, me)
            .await?
            .into_iter()
            .map(|a| {
                json!({
                    "id": a.id, "state": a.state, "submitted_at": a.submitted_at, "decided_at": a.decided_at,
                    "decision_note": a.decision_note, "details": a.details(),
                })
            })
            .collect();
        let listing = mentors::mentor(db, p.id, me).await?.map(|m| {
            json!({
                "listed": m.listed, "available": m.available, "capacity": m.capacity, "hours_per_month": m.hours_per_month,
                "background": m.background, "tags": mentors::list_of(&m.tags), "languages": mentors::list_of(&m.languages),
            })
        });
        let mut my_requests = Vec::new();
        for r in requests::of_mentee(db, p.id, me).await? {
            let timeline: Vec<Value> = requests::events(db, r.id)
                .await?
                .into_iter()
                .map(|e| json!({"at": e.at, "kind": e.kind, "mentor": e.mentor_name}))
                .collect();
            my_requests.push(json!({
                "id": r.id, "status": r.status, "created_at": r.created_at, "details": r.details(),
                "shared_with_staff": r.shared_with_staff, "timeline": timeline,
            }));
        }
        let mut rels = Vec::new();
        for rel in workspace::relationships_of_member(db, p.id, me).await? {
            rels.push(relationship_entries(s, me, &rel).await?);
        }
        out_programmes.push(json!({
            "slug": p.slug, "name": p.name, "roles": roles, "mentor_applications": applications,
            "mentor_listing": listing, "requests": my_requests, "relationships": rels,
        }));
    }
    let mut concerns = Vec::new();
    for c in trellis_store::concerns::reported_by(db, me).await? {
        let ctx = format!("concern:{}", c.id);
        let messages: Vec<Value> = trellis_store::concerns::messages(db, c.id)
            .await?
            .into_iter()
            .filter(|m| m.kind == trellis_domain::concern::MessageKind::Step)
            .filter_map(|m| {
                s.store
                    .keys
                    .open(&ctx, &m.body)
                    .ok()
                    .map(|t| json!({"at": m.created_at, "status": m.status, "text": t}))
            })
            .collect();
        concerns.push(json!({
            "id": c.id, "status": c.status, "about": c.about_kind, "created_at": c.created_at,
            "what_happened": s.store.keys.open(&ctx, &c.body).ok(), "messages": messages,
        }));
    }
    let notes: Vec<Value> = notifications::recent(db, me, i64::MAX)
        .await?
        .into_iter()
        .map(|n| json!({"at": n.created_at, "subject": n.subject, "body": n.body, "read_at": n.read_at}))
        .collect();
    Ok(json!({
        "exported_at": s.now(),
        "account": {
            "id": u.id, "email": u.email, "name": u.name, "email_verified_at": u.email_verified_at,
            "created_at": u.created_at,
        },
        "profile": u.profile(),
        "programmes": out_programmes,
        "concerns_reported": concerns,
        "notifications": notes,
    }))
}

/// One relationship: who is in it, and the entries this member wrote in its workspace.
async fn relationship_entries(s: &App, me: i64, rel: &workspace::Relationship) -> AppResult<Value> {
    let db = &s.store.db;
    let ctx = format!("relationship:{}", rel.id);
    let members: Vec<Value> = workspace::members(db, rel.id)
        .await?
        .into_iter()
        .map(|m| json!({"name": m.name, "role": m.role, "joined_at": m.joined_at, "left_at": m.left_at}))
        .collect();
    let mut log = Vec::new();
    for e in workspace::log_entries(db, rel.id).await? {
        if e.author_id == Some(me) {
            log.push(json!({"at": e.created_at, "entry": unseal::<Value>(s, &ctx, &e.body)?}));
        }
    }
    let mut agreement = Vec::new();
    for v in workspace::agreement_versions(db, rel.id).await? {
        if v.created_by == Some(me) {
            agreement.push(json!({"version": v.version, "at": v.created_at, "text": unseal::<Value>(s, &ctx, &v.body)?}));
        }
    }
    let signatures: Vec<Value> = workspace::signatures(db, rel.id)
        .await?
        .into_iter()
        .filter(|g| g.user_id == me)
        .map(|g| json!({"typed_name": g.typed_name, "signed_at": g.signed_at}))
        .collect();
    let mut plan = Vec::new();
    for g in workspace::plan_goals(db, rel.id).await? {
        if g.author_id == Some(me) {
            plan.push(unseal::<Value>(s, &ctx, &g.body)?);
        }
    }
    let mut assessments = Vec::new();
    for a in workspace::assessments(db, rel.id).await? {
        if a.author_id == Some(me) {
            assessments.push(
                json!({"at": a.created_at, "assessment": unseal::<Value>(s, &ctx, &a.body)?}),
            );
        }
    }
    let (evals, ratings) = workspace::evaluations(db, rel.id).await?;
    let mut evaluations = Vec::new();
    for e in evals.into_iter().filter(|e| e.member_id == Some(me)) {
        let r: serde_json::Map<String, Value> = ratings
            .iter()
            .filter(|x| x.evaluation_id == e.id)
            .map(|x| (x.question.clone(), json!(x.rating)))
            .collect();
        evaluations.push(json!({"at": e.created_at, "kind": e.kind, "ratings": r, "text": unseal::<Value>(s, &ctx, &e.body)?}));
    }
    let mut meetings = Vec::new();
    for m in workspace::meetings(db, rel.id).await? {
        if m.created_by == Some(me) {
            meetings.push(json!({"starts_at": m.starts_at, "ends_at": m.ends_at, "mode": m.mode, "cancelled": m.cancelled_at.is_some(), "text": unseal::<Value>(s, &ctx, &m.body)?}));
        }
    }
    Ok(json!({
        "id": rel.id, "model": rel.model, "phase": rel.phase, "created_at": rel.created_at, "members": members,
        "written_by_you": {
            "log": log, "agreement_versions": agreement, "signatures": signatures, "plan_goals": plan,
            "skill_assessments": assessments, "evaluations": evaluations, "meetings": meetings,
        },
    }))
}

/// A member erases their account: held while they are the subject of an open concern;
/// otherwise, in one transaction, their account becomes a placeholder that cannot sign in,
/// their own private entries are deleted, and records others need keep the placeholder name
/// (see docs/concerns.md, "Erasure").
#[tracing::instrument(skip_all, fields(user_id = who.id()))]
pub async fn erase(s: &App, who: &Actor) -> AppResult<()> {
    let db = &s.store.db;
    if trellis_store::erasure::open_concerns_about(db, who.id()).await? > 0 {
        return Err(crate::AppError::Conflict(
            "We cannot erase your account just now: a matter that involves you is still open with the programme. We will be able to once it is resolved; please ask again then.".into(),
        ));
    }
    let placeholder_name = format!("Former member {}", who.id());
    let placeholder_email = format!("erased-{}@erased.invalid", who.id());
    let now = s.now();
    let tx = trellis_store::begin(db).await?;
    trellis_store::erasure::erase(
        &tx,
        &trellis_store::erasure::Former {
            user_id: who.id(),
            name: &who.user.name,
            email: &who.user.email,
            placeholder_name: &placeholder_name,
            placeholder_email: &placeholder_email,
        },
        now,
    )
    .await?;
    trellis_store::audit::record(
        &tx,
        &trellis_domain::audit::AuditEntry::new(
            "account.erased",
            "user",
            Some(who.id()),
            "account erased at the member's request",
        )
        .by(Some(who.id())),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
