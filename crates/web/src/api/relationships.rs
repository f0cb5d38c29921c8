use super::extract::ApiUser;
use super::json::{ApiJson, ApiPath, ApiQuery, ErrorBody};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use trellis_app::development::{
    self as dev, Assessments, ChecklistStage, EvaluationView, GoalView, QuestionResult,
};
use trellis_app::meetings::{self as meetings_act, MeetingView};
use trellis_app::relationships::{self as act, AgreementView, LogView, RelationshipView};
use trellis_domain::development::{Assessment, Goal};
use trellis_domain::evaluation::EvaluationInput;
use trellis_domain::meeting::MeetingInput;
use trellis_domain::workspace::{Agreement, LogInput};
use utoipa::ToSchema;

/// A relationship: members, phase (with its guidance and the moves open now), dates, counts and
/// where the agreement stands. Members see each other's addresses; the programme's office,
/// director and admins see the rest, never content; anyone else gets 404.
#[utoipa::path(get, path = "/relationships/{id}", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RelationshipView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RelationshipView>> {
    let ws = act::visible(&s, &me, id).await?;
    Ok(Json(act::overview(&s, &ws).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct PhaseBody {
    /// preparing, negotiating, enabling, closing or closed
    phase: String,
}

/// Move the relationship to another phase (a current member). Enabling needs the latest
/// agreement signed by every current member.
#[utoipa::path(post, path = "/relationships/{id}/phase", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PhaseBody,
    responses((status = 200, body = RelationshipView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "not a move from this phase, or signatures missing", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn phase(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PhaseBody>,
) -> ApiResult<Json<RelationshipView>> {
    act::move_phase(&s, &me, id, &b.phase).await?;
    let ws = act::visible(&s, &me, id).await?;
    Ok(Json(act::overview(&s, &ws).await?))
}

/// The Mentoring Relationship Agreement: every version with its signatures (members only).
#[utoipa::path(get, path = "/relationships/{id}/agreement", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = AgreementView), (status = 403, description = "staff: no content", body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agreement(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AgreementView>> {
    Ok(Json(act::agreement(&s, &me, id).await?))
}

/// Write a new version of the agreement, which every member signs again.
#[utoipa::path(post, path = "/relationships/{id}/agreement", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content = Object, description = "goals, meeting_schedule, learning_opportunities, confidentiality, ground_rules, feedback, log_keeping, focus, intended_result, time_required, duration, contact, response_time, channels"),
    responses((status = 201, body = AgreementView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn propose(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<Agreement>,
) -> ApiResult<(StatusCode, Json<AgreementView>)> {
    act::propose(&s, &me, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(act::agreement(&s, &me, id).await?),
    ))
}

/// Correct the latest version while nobody has signed it (a signed version never changes: 409).
#[utoipa::path(put, path = "/relationships/{id}/agreement/versions/{version}", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path), ("version" = i32, Path)),
    request_body(content = Object, description = "the agreement's fields"),
    responses((status = 200, body = AgreementView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "signed, or not the latest", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((id, version)): ApiPath<(i64, i32)>,
    ApiJson(b): ApiJson<Agreement>,
) -> ApiResult<Json<AgreementView>> {
    act::edit(&s, &me, id, version, &b).await?;
    Ok(Json(act::agreement(&s, &me, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct SignBody {
    /// Your name as on your profile.
    typed_name: String,
}

/// Sign a version of the agreement with your typed name (the latest only, once).
#[utoipa::path(post, path = "/relationships/{id}/agreement/versions/{version}/sign", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path), ("version" = i32, Path)), request_body = SignBody,
    responses((status = 200, body = AgreementView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "not the latest, or signed already", body = ErrorBody), (status = 422, description = "the typed name is not yours", body = ErrorBody)))]
pub async fn sign(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((id, version)): ApiPath<(i64, i32)>,
    ApiJson(b): ApiJson<SignBody>,
) -> ApiResult<Json<AgreementView>> {
    act::sign(&s, &me, id, version, &b.typed_name).await?;
    Ok(Json(act::agreement(&s, &me, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// The earlier version's number.
    #[param(minimum = 1)]
    from: i32,
    /// The later version's number.
    #[param(minimum = 1)]
    to: i32,
}

#[derive(serde::Serialize, ToSchema)]
pub struct Change {
    field: String,
    before: String,
    after: String,
}

/// What changed between two versions of the agreement.
#[utoipa::path(get, path = "/relationships/{id}/agreement/compare", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path), CompareQuery),
    responses((status = 200, body = Vec<Change>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn compare(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<CompareQuery>,
) -> ApiResult<Json<Vec<Change>>> {
    let changes = act::compare(&s, &me, id, q.from, q.to).await?;
    Ok(Json(
        changes
            .into_iter()
            .map(|(field, before, after)| Change {
                field,
                before,
                after,
            })
            .collect(),
    ))
}

/// The mentoring log (members only).
#[utoipa::path(get, path = "/relationships/{id}/log", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Vec<LogView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn log(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<LogView>>> {
    Ok(Json(act::log(&s, &me, id).await?))
}

/// Add a dated activity to the mentoring log: `on` (YYYY-MM-DD, not in the future), `activity`,
/// `notes`.
#[utoipa::path(post, path = "/relationships/{id}/log", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content = Object, description = "on, activity, notes"),
    responses((status = 201, body = Vec<LogView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_log(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<LogInput>,
) -> ApiResult<(StatusCode, Json<Vec<LogView>>)> {
    act::add_log(&s, &me, id, &b).await?;
    Ok((StatusCode::CREATED, Json(act::log(&s, &me, id).await?)))
}

/// The relationship's meetings, each with its start in your time zone (members only).
#[utoipa::path(get, path = "/relationships/{id}/meetings", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Vec<MeetingView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn meetings(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<MeetingView>>> {
    Ok(Json(meetings_act::list(&s, &me, id).await?))
}

/// Set up a meeting: `starts_at` and `ends_at` as local `YYYY-MM-DDTHH:MM` in `time_zone`
/// (IANA), `mode` (in_person, phone, video), `place`, `agenda`. Every member is emailed an
/// `.ics` invitation.
#[utoipa::path(post, path = "/relationships/{id}/meetings", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content = Object, description = "starts_at, ends_at, time_zone, mode, place, agenda"),
    responses((status = 201, body = MeetingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn schedule(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MeetingInput>,
) -> ApiResult<(StatusCode, Json<MeetingView>)> {
    let mid = meetings_act::schedule(&s, &me, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(meetings_act::get(&s, &me, id, mid).await?),
    ))
}

/// Move or change a meeting: the invitation goes out again with the same UID and a higher
/// SEQUENCE.
#[utoipa::path(put, path = "/relationships/{id}/meetings/{meeting}", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path), ("meeting" = i64, Path)),
    request_body(content = Object, description = "starts_at, ends_at, time_zone, mode, place, agenda"),
    responses((status = 200, body = MeetingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reschedule(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((id, meeting)): ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<MeetingInput>,
) -> ApiResult<Json<MeetingView>> {
    meetings_act::reschedule(&s, &me, id, meeting, &b).await?;
    Ok(Json(meetings_act::get(&s, &me, id, meeting).await?))
}

/// Cancel a meeting (every member's calendar receives METHOD:CANCEL).
#[utoipa::path(post, path = "/relationships/{id}/meetings/{meeting}/cancel", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path), ("meeting" = i64, Path)),
    responses((status = 200, body = MeetingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((id, meeting)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<MeetingView>> {
    meetings_act::cancel(&s, &me, id, meeting).await?;
    Ok(Json(meetings_act::get(&s, &me, id, meeting).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct OutcomesBody {
    #[serde(default)]
    outcomes: String,
}

/// Write what came of a meeting.
#[utoipa::path(post, path = "/relationships/{id}/meetings/{meeting}/outcomes", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path), ("meeting" = i64, Path)), request_body = OutcomesBody,
    responses((status = 200, body = MeetingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn outcomes(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((id, meeting)): ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<OutcomesBody>,
) -> ApiResult<Json<MeetingView>> {
    meetings_act::record_outcomes(&s, &me, id, meeting, &b.outcomes).await?;
    Ok(Json(meetings_act::get(&s, &me, id, meeting).await?))
}

#[derive(serde::Serialize, ToSchema)]
pub struct FeedBody {
    /// The address calendar apps subscribe to; shown only when it is made.
    url: String,
}

/// Make (or replace) your calendar feed: every meeting of your relationships, for calendar
/// apps to subscribe to. The earlier address stops working.
#[utoipa::path(post, path = "/calendar-feed", tag = "relationships", security(("bearer" = [])),
    responses((status = 201, body = FeedBody)))]
pub async fn new_feed(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
) -> ApiResult<(StatusCode, Json<FeedBody>)> {
    Ok((
        StatusCode::CREATED,
        Json(FeedBody {
            url: meetings_act::new_feed(&s, &me).await?,
        }),
    ))
}

/// Revoke your calendar feed.
#[utoipa::path(delete, path = "/calendar-feed", tag = "relationships", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke_feed(State(s): State<AppState>, ApiUser(me): ApiUser) -> ApiResult<StatusCode> {
    if meetings_act::revoke_feed(&s, &me).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(trellis_app::AppError::NotFound("calendar feed").into())
    }
}

/// The Personal Development Plan: its goals (members only).
#[utoipa::path(get, path = "/relationships/{id}/plan", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Vec<GoalView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn plan(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<GoalView>>> {
    Ok(Json(dev::plan(&s, &me, id).await?))
}

/// Add a goal to the plan: `goal`, `timeline`, `activities`, `measures`, `resources`,
/// `kind` (career or psychosocial), `status`, `progress`.
#[utoipa::path(post, path = "/relationships/{id}/plan", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content = Object, description = "goal, timeline, activities, measures, resources, kind, status, progress"),
    responses((status = 201, body = Vec<GoalView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_goal(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<Goal>,
) -> ApiResult<(StatusCode, Json<Vec<GoalView>>)> {
    dev::add_goal(&s, &me, id, &b).await?;
    Ok((StatusCode::CREATED, Json(dev::plan(&s, &me, id).await?)))
}

/// Update a goal of the plan (its status and progress notes, or anything else).
#[utoipa::path(put, path = "/relationships/{id}/plan/{goal}", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path), ("goal" = i64, Path)),
    request_body(content = Object, description = "the goal's fields"),
    responses((status = 200, body = Vec<GoalView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_goal(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath((id, goal)): ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<Goal>,
) -> ApiResult<Json<Vec<GoalView>>> {
    dev::update_goal(&s, &me, id, goal, &b).await?;
    Ok(Json(dev::plan(&s, &me, id).await?))
}

/// Skill assessments, and each member's growth from their first to their latest.
#[utoipa::path(get, path = "/relationships/{id}/assessments", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Assessments), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn assessments(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Assessments>> {
    Ok(Json(dev::assessments(&s, &me, id).await?))
}

/// Assess your skills: `levels` maps each of the 18 skills (build_rapport, keep_confidences,
/// question, reflect, take_stock, be_honest, imagine_possibilities, gain_perspective,
/// listen_actively, initiate, set_goals, take_action, follow_through, review_progress,
/// learn_quickly, manage_the_relationship, give_feedback, receive_feedback) to expert,
/// proficient or developmental; `strengths`, `developmental_areas`.
#[utoipa::path(post, path = "/relationships/{id}/assessments", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content = Object, description = "levels, strengths, developmental_areas"),
    responses((status = 201, body = Assessments), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_assessment(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<Assessment>,
) -> ApiResult<(StatusCode, Json<Assessments>)> {
    dev::add_assessment(&s, &me, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(dev::assessments(&s, &me, id).await?),
    ))
}

/// Your checklist of tasks, by stage, with when you ticked each.
#[utoipa::path(get, path = "/relationships/{id}/checklist", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ChecklistStage>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn checklist(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<ChecklistStage>>> {
    Ok(Json(dev::checklist(&s, &me, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct TickBody {
    item: String,
    #[serde(default = "yes")]
    done: bool,
}

fn yes() -> bool {
    true
}

/// Tick (or untick, with `done: false`) one of your checklist tasks.
#[utoipa::path(post, path = "/relationships/{id}/checklist", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)), request_body = TickBody,
    responses((status = 200, body = Vec<ChecklistStage>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn tick(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<TickBody>,
) -> ApiResult<Json<Vec<ChecklistStage>>> {
    dev::tick(&s, &me, id, &b.item, b.done).await?;
    Ok(Json(dev::checklist(&s, &me, id).await?))
}

/// The relationship's evaluations (members only).
#[utoipa::path(get, path = "/relationships/{id}/evaluations", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Vec<EvaluationView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn evaluations(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<EvaluationView>>> {
    Ok(Json(dev::evaluations(&s, &me, id).await?))
}

/// Complete an evaluation: `kind` (periodic, or final in the closing phase), `ratings` (progress,
/// relationship, satisfaction, self_efficacy, productivity: 1 to 5), `comments`; a final one
/// also `reflection` and an optional `thank_you` note.
#[utoipa::path(post, path = "/relationships/{id}/evaluations", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body(content = Object, description = "kind, ratings, comments, reflection, thank_you"),
    responses((status = 201, body = Vec<EvaluationView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_evaluation(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<EvaluationInput>,
) -> ApiResult<(StatusCode, Json<Vec<EvaluationView>>)> {
    dev::add_evaluation(&s, &me, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(dev::evaluations(&s, &me, id).await?),
    ))
}

/// The programme's evaluation results for its staff: the average of each question, only where
/// at least 5 answers exist (otherwise `average` is null: not enough answers).
#[utoipa::path(get, path = "/programmes/{slug}/evaluation-results", tag = "relationships", security(("bearer" = [])), params(("slug" = String, Path)),
    responses((status = 200, body = Vec<QuestionResult>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn evaluation_results(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<Json<Vec<QuestionResult>>> {
    let p = trellis_app::programmes::find(&s, &slug).await?;
    Ok(Json(dev::summary(&s, &me, &p).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewMember {
    user_id: i64,
    /// mentor, mentee or peer
    role: String,
}

#[derive(Deserialize, ToSchema)]
pub struct NewRelationship {
    /// traditional, group or peer
    model: String,
    members: Vec<NewMember>,
}

fn roles(
    members: &[NewMember],
) -> Result<Vec<(i64, trellis_domain::workspace::Role)>, trellis_app::AppError> {
    members
        .iter()
        .map(|m| {
            trellis_domain::workspace::Role::parse(m.role.trim())
                .map(|r| (m.user_id, r))
                .ok_or_else(|| {
                    trellis_app::AppError::invalid(
                        "members",
                        format!("Unknown role '{}': choose mentor, mentee or peer", m.role),
                    )
                })
        })
        .collect()
}

/// Make a relationship (the mentorship director and admins: any model; the office: groups and
/// peer circles) from members of the programme. Each member is told, with the others'
/// addresses.
#[utoipa::path(post, path = "/programmes/{slug}/relationships", tag = "relationships", security(("bearer" = [])), params(("slug" = String, Path)), request_body = NewRelationship,
    responses((status = 201, body = RelationshipView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(slug): ApiPath<String>,
    ApiJson(b): ApiJson<NewRelationship>,
) -> ApiResult<(StatusCode, Json<RelationshipView>)> {
    let p = trellis_app::programmes::find(&s, &slug).await?;
    let id = act::create(&s, &me, &p, &b.model, &roles(&b.members)?).await?;
    let ws = act::visible(&s, &me, id).await?;
    Ok((StatusCode::CREATED, Json(act::overview(&s, &ws).await?)))
}

/// Add a member to a relationship (staff, as for making one).
#[utoipa::path(post, path = "/relationships/{id}/members", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)), request_body = NewMember,
    responses((status = 200, body = RelationshipView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_member(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<NewMember>,
) -> ApiResult<Json<RelationshipView>> {
    act::add_member(&s, &me, id, b.user_id, &b.role).await?;
    let ws = act::visible(&s, &me, id).await?;
    Ok(Json(act::overview(&s, &ws).await?))
}

/// Leave a relationship: you keep reading what was written while you were a member.
#[utoipa::path(post, path = "/relationships/{id}/leave", tag = "relationships", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = RelationshipView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn leave(
    State(s): State<AppState>,
    ApiUser(me): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RelationshipView>> {
    act::leave(&s, &me, id).await?;
    let ws = act::visible(&s, &me, id).await?;
    Ok(Json(act::overview(&s, &ws).await?))
}
