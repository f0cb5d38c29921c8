//! The demo installation: one society with two programmes, staff in every role, 62 members
//! with varied profiles, 24 approved mentors (some unavailable) and a few applications waiting
//! for review, one of them past its target. Created on the first `trellis demo`, reused after.

use crate::generate::{self, FIRST, LAST};
use anyhow::{Result, bail};
use chrono::Duration;
use rand::SeedableRng;
use rand::rngs::StdRng;
use trellis_app::App;
use trellis_domain::account::Email;
use trellis_domain::application::{self, State};
use trellis_domain::audit::AuditEntry;
use trellis_domain::member_list::MemberRow;
use trellis_domain::programme::{Details, Membership, Model, Settings, Slug};
use trellis_domain::role::StaffRole;
use trellis_store::mentors::{self, Move};
use trellis_store::{accounts, audit, programmes, taxonomy};

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "trellis-demo-2026";
pub const MAIN_PROGRAMME: &str = "international-mentoring";
pub const SECOND_PROGRAMME: &str = "future-leaders";
const DOMAIN: &str = "demo.trellis.test";
const MEMBERS: usize = 62;
const MENTORS: usize = 24;
const SECOND_MENTORS: usize = 8;

#[derive(Debug, Clone)]
pub struct DemoReport {
    pub created: bool,
    pub members: usize,
    pub sign_ins: Vec<(String, String)>,
}

fn email_of(first: &str, last: &str) -> String {
    format!("{}.{}@{DOMAIN}", first.to_lowercase(), last.to_lowercase())
}

/// Distinct demo people: first names paired with surnames in turn.
fn people() -> Vec<(&'static str, &'static str)> {
    (0..MEMBERS)
        .map(|i| {
            (
                FIRST[i % FIRST.len()],
                LAST[(i / FIRST.len() + i) % LAST.len()],
            )
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
enum DemoRole {
    Admin,
    Staff(StaffRole),
}

impl std::fmt::Display for DemoRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Admin => f.write_str("installation admin"),
            Self::Staff(r) => f.write_str(r.label()),
        }
    }
}

fn staff_people() -> Vec<(DemoRole, &'static str, &'static str)> {
    vec![
        (DemoRole::Admin, "Alex", "Admin"),
        (DemoRole::Staff(StaffRole::Office), "Olivia", "Office"),
        (DemoRole::Staff(StaffRole::Director), "Dana", "Director"),
        (
            DemoRole::Staff(StaffRole::ConcernsOfficer),
            "Chris",
            "Careers",
        ),
        (DemoRole::Staff(StaffRole::Chair), "Pat", "Chair"),
    ]
}

/// Creates the demo data unless it exists. Refuses to add it to a database that holds other
/// accounts, so a real installation is never filled with sample people.
pub async fn ensure(state: &App) -> Result<DemoReport> {
    let db = &state.store.db;
    let staff = staff_people();
    let people = people();
    let mut sign_ins: Vec<(String, String)> = staff
        .iter()
        .map(|(role, first, last)| (role.to_string(), email_of(first, last)))
        .collect();
    sign_ins.push(("mentor".to_owned(), email_of(people[0].0, people[0].1)));
    sign_ins.push((
        "member".to_owned(),
        email_of(people[MEMBERS - 1].0, people[MEMBERS - 1].1),
    ));
    if programmes::by_slug(db, MAIN_PROGRAMME).await?.is_some() {
        return Ok(DemoReport {
            created: false,
            members: usize::try_from(accounts::count_users(db).await?).unwrap_or(0),
            sign_ins,
        });
    }
    if accounts::count_users(db).await? > 0 {
        bail!(
            "this database already holds accounts that are not the demo's; run the demo on its own database (TRELLIS_DATABASE_URL or TRELLIS_DATA_DIR)"
        );
    }
    let now = state.now();
    let hash = trellis_app::passwords::hash(DEMO_PASSWORD.to_owned()).await?;
    let mut rng = StdRng::seed_from_u64(2026);
    let tx = trellis_store::begin(db).await?;
    let main = programmes::create(
        &tx,
        &Slug::parse("slug", MAIN_PROGRAMME)?,
        &Details {
            name: "International Mentoring Programme".into(),
            description: Some("One-to-one mentoring for members at every career stage, from students to senior educators. Name three mentors from the directory; each has three weeks to reply.".into()),
        },
        &Settings::default(),
        now - Duration::days(400),
    )
    .await?;
    let second = programmes::create(
        &tx,
        &Slug::parse("slug", SECOND_PROGRAMME)?,
        &Details {
            name: "Future Leaders Network".into(),
            description: Some("Group and peer mentoring for early-career members on the society's member list. Mentors are listed as soon as they register.".into()),
        },
        &Settings { model: Model::Group, membership: Membership::MemberList, review_mentors: false, ..Settings::default() },
        now - Duration::days(400),
    )
    .await?;
    for p in [main, second] {
        taxonomy::add_defaults(&tx, p).await?;
        generate::ensure_expertise(&tx, p).await?;
    }
    let mut ids = Vec::new();
    let mut profiles = Vec::new();
    let mut list = Vec::new();
    let all: Vec<(&str, &str)> = staff
        .iter()
        .map(|(_, f, l)| (*f, *l))
        .chain(people.iter().copied())
        .collect();
    for (i, (first, last)) in all.iter().enumerate() {
        let email = Email::parse("email", &email_of(first, last))?;
        let name = format!("{first} {last}");
        let id = accounts::create_user(&tx, &name, &email, &hash, now).await?;
        accounts::set_email_verified(&tx, id, now).await?;
        let profile = generate::profile(&mut rng, name.clone());
        accounts::update_profile(&tx, id, &profile, now).await?;
        programmes::join(&tx, main, id, now).await?;
        if i % 2 == 0 || i < staff.len() {
            programmes::join(&tx, second, id, now).await?;
        }
        list.push(MemberRow {
            line: u64::try_from(i + 2).unwrap_or(0),
            email,
            member_number: Some(format!("M{:05}", 1000 + i)),
            name,
            member_type: Some(if i % 7 == 6 { "student" } else { "full" }.into()),
        });
        ids.push(id);
        profiles.push(profile);
    }
    for (i, (role, _, _)) in staff.iter().enumerate() {
        match role {
            DemoRole::Admin => accounts::set_admin(&tx, ids[i], true, now).await?,
            DemoRole::Staff(r) => {
                programmes::grant_role(&tx, main, ids[i], *r, Some(ids[0]), now).await?;
                programmes::grant_role(&tx, second, ids[i], *r, Some(ids[0]), now).await?;
            }
        }
    }
    programmes::import_member_list(&tx, second, &list, now).await?;

    // Mentors: approved applications, listed; about one in five unavailable, one until a date.
    let director = ids[2];
    let first_member = staff.len();
    for (programme, range, reviewed) in [
        (main, first_member..first_member + MENTORS, true),
        (
            second,
            first_member..first_member + 2 * SECOND_MENTORS,
            false,
        ),
    ] {
        let p = programmes::by_id(&tx, programme)
            .await?
            .ok_or_else(|| anyhow::anyhow!("programme"))?;
        let audiences: Vec<i64> = taxonomy::terms(&tx, programme, taxonomy::AUDIENCE, false)
            .await?
            .into_iter()
            .map(|t| t.id)
            .collect();
        let expertise = generate::ensure_expertise(&tx, programme).await?;
        let terms = taxonomy::terms(&tx, programme, taxonomy::AUDIENCE, false)
            .await?
            .into_iter()
            .chain(taxonomy::terms(&tx, programme, taxonomy::EXPERTISE, false).await?);
        let labels: Vec<(i64, String)> = terms.map(|t| (t.id, t.label)).collect();
        for (n, i) in range.step_by(if reviewed { 1 } else { 2 }).enumerate() {
            let d = generate::mentor_details(&mut rng, &profiles[i], &audiences, &expertise);
            let applied = now - Duration::days(60 + i64::try_from(n).unwrap_or(0) * 3);
            let app = mentors::create_application(&tx, programme, ids[i], &d, applied).await?;
            mentors::add_event(&tx, app, Some(ids[i]), "submitted", None, applied).await?;
            let decided = applied + Duration::days(10);
            let by = reviewed.then_some(director);
            mentors::move_application(
                &tx,
                app,
                Move {
                    from: State::Submitted,
                    to: State::Approved,
                    by,
                    note: None,
                    details: None,
                },
                decided,
            )
            .await?;
            mentors::add_event(&tx, app, by, "approved", None, decided).await?;
            let names: Vec<String> = d
                .audiences
                .iter()
                .chain(d.expertise.iter())
                .filter_map(|id| labels.iter().find(|(t, _)| t == id).map(|(_, l)| l.clone()))
                .collect();
            let mentor = mentors::upsert_mentor(
                &tx,
                programme,
                ids[i],
                Some(app),
                &d,
                &mentors::search_text(&profiles[i].name, &d, &names),
                decided,
            )
            .await?;
            if n % 5 == 3 {
                mentors::set_availability(&tx, mentor, false, None, now).await?;
            }
            if n == 8 {
                let until = (now + Duration::days(45)).date_naive();
                mentors::set_availability(&tx, mentor, false, Some(&until.to_string()), now)
                    .await?;
                let job = trellis_app::mentors::MentorAvailable {
                    mentor_id: mentor,
                    until,
                };
                let at = trellis_domain::directory::available_again_at(until);
                trellis_app::jobs::enqueue(&tx, &job, at, now).await?;
            }
        }
        let _ = p;
    }

    // Applications waiting for the director: one past its target, one near it, one new, and
    // one where the director has asked a question.
    let audiences: Vec<i64> = taxonomy::terms(&tx, main, taxonomy::AUDIENCE, false)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    let expertise = generate::ensure_expertise(&tx, main).await?;
    for (k, days_ago) in [35_i64, 24, 3, 12].into_iter().enumerate() {
        let i = first_member + MENTORS + k;
        let d = generate::mentor_details(&mut rng, &profiles[i], &audiences, &expertise);
        let applied = now - Duration::days(days_ago);
        let app = mentors::create_application(&tx, main, ids[i], &d, applied).await?;
        mentors::add_event(&tx, app, Some(ids[i]), "submitted", None, applied).await?;
        if k == 3 {
            let asked = applied + Duration::days(4);
            let q = "Could you tell us more about your experience of mentoring trainees?";
            mentors::move_application(
                &tx,
                app,
                Move {
                    from: State::Submitted,
                    to: State::ClarificationRequested,
                    by: Some(director),
                    note: None,
                    details: None,
                },
                asked,
            )
            .await?;
            mentors::add_event(
                &tx,
                app,
                Some(director),
                "clarification_requested",
                Some(q),
                asked,
            )
            .await?;
        }
        let remind = application::reminder_at(applied, 28).max(now);
        let job = trellis_app::mentors::ApplicationReminder {
            application_id: app,
        };
        trellis_app::jobs::enqueue(&tx, &job, remind, now).await?;
    }
    audit::record(
        &tx,
        &AuditEntry::new(
            "demo.created",
            "installation",
            None,
            format!("demo installation with {} accounts", ids.len()),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    requests(state, &ids, first_member).await?;
    Ok(DemoReport {
        created: true,
        members: ids.len(),
        sign_ins,
    })
}

/// Mentorship requests through the real actions: one waiting for the demo mentor's reply, one
/// in the director's queue after both its mentors declined, and one accepted, whose pair is under
/// way in its workspace; and a mentoring group.
/// The demo member has none, to try the whole flow.
async fn requests(state: &App, ids: &[i64], first_member: usize) -> Result<()> {
    use trellis_app::requests as act;
    use trellis_domain::request::RequestInput;
    let p = programmes::by_slug(&state.store.db, MAIN_PROGRAMME)
        .await?
        .ok_or_else(|| anyhow::anyhow!("programme"))?;
    let who = |i: usize| {
        let id = ids[i];
        async move {
            accounts::user_by_id(&state.store.db, id)
                .await?
                .map(trellis_app::Actor::new)
                .ok_or_else(|| anyhow::anyhow!("user {id}"))
        }
    };
    fn fail(e: impl std::fmt::Display) -> anyhow::Error {
        anyhow::anyhow!("demo request: {e}")
    }
    // Mentors of the main programme are members first_member.. (every fifth from the fourth
    // is unavailable); mentees come after the four applicants.
    let mentor = |k: usize| first_member + k;
    let mentee = |k: usize| first_member + MENTORS + 4 + k;
    let ask = |choices: Vec<usize>, goals: &str| RequestInput {
        goals: goals.to_owned(),
        hopes: "Honest feedback, and someone who has done it before.".into(),
        focus: "broader_skills".into(),
        background: "Five years in clinical practice, two of them teaching.".into(),
        channels: vec!["video".into(), "in_person".into()],
        meeting_frequency: "Once a month".into(),
        choices: choices.into_iter().map(|i| ids[i]).collect(),
        ..RequestInput::default()
    };
    // Waiting for the demo mentor (the first mentor).
    act::create(
        state,
        &who(mentee(0)).await?,
        &p,
        &ask(
            vec![mentor(0), mentor(1), mentor(2)],
            "Build a teaching portfolio strong enough for a senior lecturer application next year",
        ),
        None,
    )
    .await
    .map_err(fail)?;
    // With the director: both named mentors decline.
    let r = act::create(
        state,
        &who(mentee(1)).await?,
        &p,
        &ask(
            vec![mentor(4), mentor(5)],
            "Plan a move from clinical work into full-time medical education within two years",
        ),
        None,
    )
    .await
    .map_err(fail)?;
    for m in [mentor(4), mentor(5)] {
        act::decline(state, &who(m).await?, r.id, "Fully booked this term", false)
            .await
            .map_err(fail)?;
    }
    // Accepted: a relationship in its first phase.
    let r = act::create(
        state,
        &who(mentee(2)).await?,
        &p,
        &ask(
            vec![mentor(6)],
            "Prepare for my first consultant interview in the spring, with practice interviews",
        ),
        None,
    )
    .await
    .map_err(fail)?;
    act::accept(state, &who(mentor(6)).await?, r.id)
        .await
        .map_err(fail)?;

    // That pair is under way: agreement signed by both, enabling, a meeting set up, the log
    // and the plan begun.
    use trellis_app::{development as dev, meetings, relationships as ws};
    let rel = trellis_store::workspace::relationship_for_request(&state.store.db, r.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo relationship"))?
        .id;
    let (mentee_u, mentor_u) = (who(mentee(2)).await?, who(mentor(6)).await?);
    ws::move_phase(state, &mentee_u, rel, "negotiating")
        .await
        .map_err(fail)?;
    let agreement = trellis_domain::workspace::Agreement {
        goals: "Be ready for consultant interviews in the spring: two practice interviews, feedback on my portfolio".into(),
        meeting_schedule: "Every three weeks, an hour, by video; in person at the annual meeting".into(),
        confidentiality: "What we discuss stays between us unless we both agree otherwise".into(),
        ground_rules: "Come prepared; say a day ahead if a meeting must move; be frank".into(),
        duration: "Six months, reviewed after three".into(),
        channels: "Video calls and email".into(),
        ..Default::default()
    };
    ws::propose(state, &mentee_u, rel, &agreement)
        .await
        .map_err(fail)?;
    for u in [&mentee_u, &mentor_u] {
        ws::sign(state, u, rel, 1, &u.user.name)
            .await
            .map_err(fail)?;
    }
    ws::move_phase(state, &mentor_u, rel, "enabling")
        .await
        .map_err(fail)?;
    let next_week = (state.now() + Duration::days(7)).date_naive();
    meetings::schedule(
        state,
        &mentor_u,
        rel,
        &trellis_domain::meeting::MeetingInput {
            starts_at: format!("{next_week}T18:00"),
            ends_at: format!("{next_week}T19:00"),
            time_zone: "Europe/London".into(),
            mode: "video".into(),
            place: "The video link from the programme's meeting room".into(),
            agenda: "Practice interview: the clinical governance question".into(),
        },
    )
    .await
    .map_err(fail)?;
    ws::add_log(
        state,
        &mentee_u,
        rel,
        &trellis_domain::workspace::LogInput {
            on: state.now().date_naive().to_string(),
            activity: "First meeting".into(),
            notes: "Agreed our ground rules and the first practice interview".into(),
        },
    )
    .await
    .map_err(fail)?;
    dev::add_goal(
        state,
        &mentee_u,
        rel,
        &trellis_domain::development::Goal {
            goal: "Two practice interviews with written feedback".into(),
            timeline: "Before the end of March".into(),
            kind: "career".into(),
            status: "in_progress".into(),
            ..Default::default()
        },
    )
    .await
    .map_err(fail)?;

    // A mentoring group the director made: one mentor, three mentees. A group's mentor takes
    // one place a mentee, so Hana makes room for them first.
    trellis_app::mentors::change_listing(
        state,
        &who(mentor(7)).await?,
        &p,
        &trellis_app::mentors::ListingChange {
            capacity: Some(4),
            ..Default::default()
        },
    )
    .await
    .map_err(fail)?;
    let director = who(2).await?;
    ws::create(
        state,
        &director,
        &p,
        "group",
        &[
            (ids[mentor(7)], trellis_domain::workspace::Role::Mentor),
            (ids[mentee(3)], trellis_domain::workspace::Role::Mentee),
            (ids[mentee(4)], trellis_domain::workspace::Role::Mentee),
            (ids[mentee(5)], trellis_domain::workspace::Role::Mentee),
        ],
    )
    .await
    .map_err(fail)?;
    Ok(())
}

/// What `trellis demo` prints.
pub fn describe(r: &DemoReport, url: &str) -> String {
    let mut s = format!(
        "\nTrellis demo {} with {} accounts.\nOpen {url}/ in your browser.\n\nSign in as (password for all: {DEMO_PASSWORD}):\n",
        if r.created { "created" } else { "ready" },
        r.members
    );
    for (role, email) in &r.sign_ins {
        s.push_str(&format!("  {role:<22} {email}\n"));
    }
    s.push_str("\nMail is written to the data folder's mail/ directory. Stop with Ctrl-C.\n\n");
    s
}
