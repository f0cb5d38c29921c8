//! Realistic, varied members and mentors in bulk, for benchmarks and load tests
//! (`trellis generate --programme SLUG --members 100000 --mentors 20000`), and the vocabulary
//! the demo shares.

use anyhow::{Context, Result};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use trellis_app::App;
use trellis_domain::account::Email;
use trellis_domain::application::ApplicationDetails;
use trellis_domain::profile::Profile;
use trellis_store::accounts::{self, NewAccount};
use trellis_store::{mentors, programmes, taxonomy};

pub const FIRST: [&str; 40] = [
    "Amara", "Bilal", "Chen", "Dagny", "Emeka", "Farah", "Goran", "Hana", "Ines", "Jomo", "Kavya",
    "Lars", "Mei", "Nikolai", "Olu", "Priya", "Quentin", "Rosa", "Sione", "Tariq", "Uma", "Viktor",
    "Wanjiru", "Xavier", "Yara", "Zofia", "Aiko", "Bruno", "Carmen", "Dmitri", "Esi", "Fatima",
    "Gustavo", "Hiroshi", "Ingrid", "Javier", "Kemi", "Leila", "Mateo", "Nadia",
];
pub const LAST: [&str; 30] = [
    "Okafor",
    "Lindqvist",
    "Nakamura",
    "Haddad",
    "Kowalski",
    "Mensah",
    "Oliveira",
    "Petrov",
    "Quispe",
    "Rahman",
    "Schmidt",
    "Tanaka",
    "Urquhart",
    "Varga",
    "Wang",
    "Xu",
    "Yilmaz",
    "Zhou",
    "Adeyemi",
    "Brennan",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fernandes",
    "Gallagher",
    "Hosseini",
    "Ivanova",
    "Jensen",
    "Kaur",
    "Laurent",
];
pub const STAGES: [&str; 5] = ["student", "trainee", "early_career", "mid_career", "senior"];
pub const PLACES: [(&str, &str); 10] = [
    ("Edinburgh, UK", "Europe/London"),
    ("Lagos, Nigeria", "Africa/Lagos"),
    ("Toronto, Canada", "America/Toronto"),
    ("Stockholm, Sweden", "Europe/Stockholm"),
    ("Singapore", "Asia/Singapore"),
    ("Melbourne, Australia", "Australia/Melbourne"),
    ("São Paulo, Brazil", "America/Sao_Paulo"),
    ("Nairobi, Kenya", "Africa/Nairobi"),
    ("Manchester, UK", "Europe/London"),
    ("Auckland, New Zealand", "Pacific/Auckland"),
];
pub const LANGS: [&[&str]; 6] = [
    &["English"],
    &["English", "French"],
    &["English", "Spanish"],
    &["English", "Swedish"],
    &["English", "Mandarin"],
    &["English", "Portuguese"],
];
pub const ORGS: [&str; 8] = [
    "University of Edinburgh Medical School",
    "Lagos University Teaching Hospital",
    "Toronto General Hospital",
    "Karolinska Institutet",
    "National University Hospital Singapore",
    "Royal Melbourne Hospital",
    "Kenyatta National Hospital",
    "Manchester Royal Infirmary",
];
/// The expertise taxonomy of the demo and of generated programmes.
pub const EXPERTISE: [&str; 10] = [
    "Assessment and feedback",
    "Curriculum design",
    "Simulation-based education",
    "Qualitative research methods",
    "Educational leadership",
    "Faculty development",
    "Grant writing",
    "Clinical teaching",
    "Widening participation",
    "Digital learning",
];
const TOPICS: [&str; 16] = [
    "assessing clinical reasoning",
    "designing OSCE stations",
    "running simulation debriefs",
    "writing grant applications",
    "leading curriculum reform",
    "supervising doctoral research",
    "teaching anatomy with imaging",
    "coaching new educators",
    "evaluating programmes",
    "interprofessional education",
    "feedback literacy",
    "widening access to medicine",
    "online and blended learning",
    "qualitative interviewing",
    "workplace-based assessment",
    "publishing in education journals",
];
const CHANNELS: [&[&str]; 4] = [
    &["email", "video"],
    &["video", "phone"],
    &["in_person", "email"],
    &["email", "conferences"],
];
const TITLES: [&str; 5] = [
    "Medical student",
    "Specialty trainee",
    "Clinical teaching fellow",
    "Senior lecturer",
    "Professor of medical education",
];

/// A varied profile, the same for the same `i` and random source.
pub fn profile(rng: &mut StdRng, name: String) -> Profile {
    let stage_i = rng.random_range(0..STAGES.len());
    let (location, tz) = *PLACES.choose(rng).unwrap_or(&PLACES[0]);
    let a = *TOPICS.choose(rng).unwrap_or(&TOPICS[0]);
    let b = *TOPICS.choose(rng).unwrap_or(&TOPICS[1]);
    Profile {
        name,
        pronouns: None,
        organisation: ORGS.choose(rng).map(|s| (*s).to_owned()),
        title: Some(TITLES[stage_i].to_owned()),
        career_stage: Some(STAGES[stage_i].to_owned()),
        location: Some(location.to_owned()),
        time_zone: Some(tz.to_owned()),
        languages: LANGS
            .choose(rng)
            .map_or_else(Vec::new, |l| l.iter().map(|s| (*s).to_owned()).collect()),
        background: Some(format!("Works on {a}, with a growing interest in {b}.")),
        interests: None,
        channels: CHANNELS
            .choose(rng)
            .map_or_else(Vec::new, |c| c.iter().map(|s| (*s).to_owned()).collect()),
        manager_email: None,
    }
}

/// Mentor application details drawn from the programme's taxonomies.
pub fn mentor_details(
    rng: &mut StdRng,
    profile: &Profile,
    audiences: &[i64],
    expertise: &[i64],
) -> ApplicationDetails {
    let pick = |rng: &mut StdRng, from: &[i64], n: usize| -> Vec<i64> {
        let mut v: Vec<i64> = from
            .choose_multiple(rng, n.min(from.len()))
            .copied()
            .collect();
        v.sort_unstable();
        v
    };
    let n_aud = rng.random_range(1..=3);
    let n_exp = rng.random_range(1..=3);
    let topics: Vec<&str> = TOPICS.choose_multiple(rng, 2).copied().collect();
    ApplicationDetails {
        audiences: pick(rng, audiences, n_aud),
        expertise: pick(rng, expertise, n_exp),
        tags: topics
            .iter()
            .map(|t| t.split(' ').next_back().unwrap_or(t).to_owned())
            .collect(),
        background: format!(
            "{} Has mentored colleagues in {} and {} for {} years.",
            profile.background.clone().unwrap_or_default(),
            topics[0],
            topics.get(1).unwrap_or(&topics[0]),
            rng.random_range(2..25)
        ),
        training_course_date: chrono::NaiveDate::from_ymd_opt(
            rng.random_range(2018..=2025),
            rng.random_range(1..=12),
            rng.random_range(1..=28),
        ),
        training_equivalent: None,
        capacity: rng.random_range(1..=5),
        hours_per_month: rng.random_range(2..=10),
        channels: profile.channels.clone(),
        languages: profile.languages.clone(),
        availability: Some(
            [
                "Weekday evenings",
                "Weekend mornings",
                "Lunchtimes",
                "Flexible",
            ][rng.random_range(0..4)]
            .to_owned(),
        ),
    }
}

/// The programme's expertise terms, adding the standard ones it lacks.
pub async fn ensure_expertise(
    c: &impl sea_orm::ConnectionTrait,
    programme_id: i64,
) -> Result<Vec<i64>> {
    let have = taxonomy::terms(c, programme_id, taxonomy::EXPERTISE, false).await?;
    for label in EXPERTISE {
        if !have.iter().any(|t| t.label == label) {
            taxonomy::add(c, programme_id, taxonomy::EXPERTISE, label).await?;
        }
    }
    Ok(taxonomy::terms(c, programme_id, taxonomy::EXPERTISE, false)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect())
}

/// A programme with the guides' default settings, named after its slug.
async fn create_programme(state: &App, slug: &str) -> Result<programmes::Programme> {
    let db = &state.store.db;
    let s = trellis_domain::programme::Slug::parse("programme", slug)?;
    let details = trellis_domain::programme::Details {
        name: format!("Generated programme {slug}"),
        description: None,
    };
    let tx = trellis_store::begin(db).await?;
    let id = programmes::create(
        &tx,
        &s,
        &details,
        &trellis_domain::programme::Settings::default(),
        state.now(),
    )
    .await?;
    taxonomy::add_defaults(&tx, id).await?;
    tx.commit().await?;
    programmes::by_id(db, id)
        .await?
        .context("programme just created")
}

#[derive(Debug, Clone)]
pub struct Generated {
    pub members: usize,
    pub mentors: usize,
}

/// Adds `members` new members to the programme (created with default settings if missing), the first `mentors` of them listed as mentors
/// (about one in seven marked unavailable). Emails are `gen<seed>-<n>@generated.trellis.test`;
/// the password of every generated account is `generated-password`.
pub async fn generate(
    state: &App,
    slug: &str,
    members: usize,
    mentor_count: usize,
    seed: u64,
    progress: &dyn Fn(usize, usize),
) -> Result<Generated> {
    let db = &state.store.db;
    let p = match programmes::by_slug(db, slug).await? {
        Some(p) => p,
        None => create_programme(state, slug).await?,
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let hash = trellis_app::passwords::hash("generated-password".to_owned()).await?;
    let now = state.now();
    let expertise = ensure_expertise(db, p.id).await?;
    let mut audiences: Vec<i64> = taxonomy::terms(db, p.id, taxonomy::AUDIENCE, false)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    if audiences.is_empty() {
        taxonomy::add_defaults(db, p.id).await?;
        audiences = taxonomy::terms(db, p.id, taxonomy::AUDIENCE, false)
            .await?
            .into_iter()
            .map(|t| t.id)
            .collect();
    }
    let tax = trellis_app::mentors::taxonomy(state, &p)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut done = 0;
    let mut mentors_done = 0;
    const BATCH: usize = 2000;
    while done < members {
        let n = BATCH.min(members - done);
        let accounts: Vec<NewAccount> = (done..done + n)
            .map(|i| {
                let name = format!(
                    "{} {}",
                    FIRST[rng.random_range(0..FIRST.len())],
                    LAST[rng.random_range(0..LAST.len())]
                );
                let email = Email::parse("email", &format!("gen{seed}-{i}@generated.trellis.test"))
                    .map_err(anyhow::Error::from)?;
                Ok(NewAccount {
                    email,
                    password_hash: hash.clone(),
                    profile: profile(&mut rng, name),
                })
            })
            .collect::<Result<_>>()?;
        let tx = trellis_store::begin(db).await?;
        let ids = accounts::create_many(&tx, &accounts, now).await?;
        programmes::join_many(&tx, p.id, &ids, now).await?;
        for (account, id) in accounts.iter().zip(&ids) {
            if mentors_done >= mentor_count {
                break;
            }
            let d = mentor_details(&mut rng, &account.profile, &audiences, &expertise);
            let labels: Vec<String> = d
                .audiences
                .iter()
                .chain(d.expertise.iter())
                .filter_map(|t| tax.label(*t))
                .map(str::to_owned)
                .collect();
            let mentor_id = mentors::upsert_mentor(
                &tx,
                p.id,
                *id,
                None,
                &d,
                &mentors::search_text(&account.profile.name, &d, &labels),
                now,
            )
            .await?;
            if rng.random_range(0..7) == 0 {
                mentors::set_availability(&tx, mentor_id, false, None, now).await?;
            }
            mentors_done += 1;
        }
        tx.commit().await?;
        done += n;
        progress(done, members);
    }
    Ok(Generated {
        members: done,
        mentors: mentors_done,
    })
}

/// What `generate_requests` made.
#[derive(Debug, Clone)]
pub struct GeneratedRequests {
    pub requests: usize,
    /// When every generated request's reply window ends (all at the same instant).
    pub due_at: chrono::DateTime<chrono::Utc>,
}

/// Makes `count` requests from members who are not mentors, each naming two mentors who can
/// take it (listed, available, with a free place), all offered to their first choice at the
/// clock's "now" so that every window ends at the same instant: the scheduler benchmark's
/// data. Each request is as it stands once the offer's mail and reminders went out; only its
/// deadline job is left.
pub async fn generate_requests(
    state: &App,
    slug: &str,
    count: usize,
    seed: u64,
    progress: &dyn Fn(usize, usize),
) -> Result<GeneratedRequests> {
    use trellis_domain::request::{Cascade, MentorState, RequestDetails};
    use trellis_store::requests;
    let db = &state.store.db;
    let p = programmes::by_slug(db, slug)
        .await?
        .with_context(|| format!("no programme {slug}: generate its members first"))?;
    let mentors: Vec<i64> = mentors::open_mentors(db, p.id, 100_000)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    anyhow::ensure!(
        mentors.len() >= 2,
        "{slug} needs at least two mentors who can take a request"
    );
    let mentees = requests::members_without_request(db, p.id, i64::try_from(count)?).await?;
    anyhow::ensure!(
        mentees.len() == count,
        "{slug} has only {} members who are not mentors and have no request; generate more members",
        mentees.len()
    );
    let mut rng = StdRng::seed_from_u64(seed);
    let now = state.now();
    let window = chrono::Duration::days(i64::from(p.reply_window_days));
    let mut done = 0;
    for chunk in mentees.chunks(2000) {
        let tx = trellis_store::begin(db).await?;
        for mentee in chunk {
            let first = *mentors.choose(&mut rng).context("mentors")?;
            let second = loop {
                let m = *mentors.choose(&mut rng).context("mentors")?;
                if m != first {
                    break m;
                }
            };
            let details = RequestDetails {
                goals: GOALS.choose(&mut rng).context("goals")?.to_string(),
                hopes: None,
                focus: "broader_skills".into(),
                background: None,
                swot: None,
                channels: vec!["video".into()],
                meeting_frequency: Some("Monthly".into()),
                choices: vec![first, second],
            };
            let (cascade, _) =
                Cascade::start(details.choices.clone(), now, window, |_| MentorState::OPEN);
            trellis_app::requests::record_offered(&tx, p.id, *mentee, &details, &cascade, now)
                .await?;
        }
        tx.commit().await?;
        done += chunk.len();
        progress(done, count);
    }
    Ok(GeneratedRequests {
        requests: done,
        due_at: now + window,
    })
}

const GOALS: [&str; 4] = [
    "Prepare for my first consultant interview within the next year",
    "Learn to design and run a simulation course for new trainees",
    "Publish my first paper as lead author and present it at a conference",
    "Move from clinical work into medical education over the next two years",
];
