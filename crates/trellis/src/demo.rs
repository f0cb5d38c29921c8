//! The demo installation: one society with two programmes, staff in every role and a few
//! dozen members with varied profiles. Created on the first `trellis demo`, reused after.

use anyhow::{Result, bail};
use sea_orm::TransactionTrait;
use trellis_domain::account::Email;
use trellis_domain::audit::AuditEntry;
use trellis_domain::member_list::MemberRow;
use trellis_domain::profile::Profile;
use trellis_domain::programme::{Details, Membership, Model, Settings, Slug};
use trellis_domain::role::StaffRole;
use trellis_store::{accounts, audit, programmes};
use trellis_web::AppState;

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "trellis-demo-2026";
pub const MAIN_PROGRAMME: &str = "international-mentoring";
pub const SECOND_PROGRAMME: &str = "future-leaders";
const DOMAIN: &str = "demo.trellis.test";

#[derive(Debug, Clone)]
pub struct DemoReport {
    pub created: bool,
    pub members: usize,
    pub sign_ins: Vec<(String, String)>,
}

struct Person {
    first: &'static str,
    last: &'static str,
}

const FIRST: [&str; 31] = [
    "Amara", "Bilal", "Chen", "Dagny", "Emeka", "Farah", "Goran", "Hana", "Ines", "Jomo", "Kavya",
    "Lars", "Mei", "Nikolai", "Olu", "Priya", "Quentin", "Rosa", "Sione", "Tariq", "Uma", "Viktor",
    "Wanjiru", "Xavier", "Yara", "Zofia", "Aiko", "Bruno", "Carmen", "Dmitri", "Esi",
];
const LAST: [&str; 2] = ["Okafor", "Lindqvist"];

const STAGES: [&str; 5] = ["student", "trainee", "early_career", "mid_career", "senior"];
const ZONES: [(&str, &str); 8] = [
    ("Edinburgh, UK", "Europe/London"),
    ("Lagos, Nigeria", "Africa/Lagos"),
    ("Toronto, Canada", "America/Toronto"),
    ("Stockholm, Sweden", "Europe/Stockholm"),
    ("Singapore", "Asia/Singapore"),
    ("Melbourne, Australia", "Australia/Melbourne"),
    ("São Paulo, Brazil", "America/Sao_Paulo"),
    ("Nairobi, Kenya", "Africa/Nairobi"),
];
const LANGS: [&[&str]; 6] = [
    &["English"],
    &["English", "French"],
    &["English", "Spanish"],
    &["English", "Swedish"],
    &["English", "Mandarin"],
    &["English", "Portuguese"],
];
const ORGS: [&str; 6] = [
    "University of Edinburgh Medical School",
    "Lagos University Teaching Hospital",
    "Toronto General Hospital",
    "Karolinska Institutet",
    "National University Hospital Singapore",
    "Royal Melbourne Hospital",
];
const AREAS: [&str; 10] = [
    "assessment and feedback",
    "curriculum design",
    "simulation-based education",
    "qualitative research methods",
    "educational leadership",
    "faculty development",
    "grant writing",
    "clinical teaching",
    "widening participation",
    "digital learning",
];
const CHANNELS: [&[&str]; 4] = [
    &["email", "video"],
    &["video", "phone"],
    &["in_person", "email"],
    &["email", "conferences"],
];

fn people() -> Vec<Person> {
    LAST.iter()
        .flat_map(|last| FIRST.iter().map(move |first| Person { first, last }))
        .collect()
}

fn email_of(first: &str, last: &str) -> String {
    format!("{}.{}@{DOMAIN}", first.to_lowercase(), last.to_lowercase())
}

fn profile(i: usize, name: String) -> Profile {
    let (location, tz) = ZONES[i % ZONES.len()];
    let stage = STAGES[i % STAGES.len()];
    let area = AREAS[i % AREAS.len()];
    let other = AREAS[(i * 3 + 1) % AREAS.len()];
    Profile {
        name,
        pronouns: None,
        organisation: Some(ORGS[i % ORGS.len()].into()),
        title: Some(
            match stage {
                "student" => "Medical student",
                "trainee" => "Specialty trainee",
                "early_career" => "Clinical teaching fellow",
                "mid_career" => "Senior lecturer",
                _ => "Professor of medical education",
            }
            .into(),
        ),
        career_stage: Some(stage.into()),
        location: Some(location.into()),
        time_zone: Some(tz.into()),
        languages: LANGS[i % LANGS.len()]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        background: Some(format!("Works in {area}, with an interest in {other}.")),
        interests: Some(
            [
                "hill walking",
                "choir singing",
                "chess",
                "cycling",
                "photography",
            ][i % 5]
                .into(),
        ),
        channels: CHANNELS[i % CHANNELS.len()]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
    }
}

/// Creates the demo data unless it exists. Refuses to add it to a database that holds other
/// accounts, so a real installation is never filled with sample people.
pub async fn ensure(state: &AppState) -> Result<DemoReport> {
    let db = &state.store.db;
    let staff = staff_people();
    let sign_ins = staff
        .iter()
        .map(|(role, first, last)| (role.to_string(), email_of(first, last)))
        .chain(std::iter::once((
            "member".to_owned(),
            email_of(FIRST[0], LAST[0]),
        )))
        .collect();
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
    let hash = trellis_web::passwords::hash(DEMO_PASSWORD.to_owned()).await?;
    let tx = db.begin().await?;
    let main = programmes::create(
        &tx,
        &Slug::parse("slug", MAIN_PROGRAMME)?,
        &Details {
            name: "International Mentoring Programme".into(),
            description: Some("One-to-one mentoring for members at every career stage, from students to senior educators. Name three mentors from the directory; each has three weeks to reply.".into()),
        },
        &Settings::default(),
        now,
    )
    .await?;
    let second = programmes::create(
        &tx,
        &Slug::parse("slug", SECOND_PROGRAMME)?,
        &Details {
            name: "Future Leaders Network".into(),
            description: Some(
                "Group and peer mentoring for early-career members on the society's member list."
                    .into(),
            ),
        },
        &Settings {
            model: Model::Group,
            membership: Membership::MemberList,
            review_mentors: false,
            ..Settings::default()
        },
        now,
    )
    .await?;
    let mut ids = Vec::new();
    let mut list = Vec::new();
    let all: Vec<(&str, &str)> = staff
        .iter()
        .map(|(_, f, l)| (*f, *l))
        .chain(people().iter().map(|p| (p.first, p.last)))
        .collect();
    for (i, (first, last)) in all.iter().enumerate() {
        let email = Email::parse("email", &email_of(first, last))?;
        let id = accounts::create_user(&tx, &format!("{first} {last}"), &email, &hash, now).await?;
        accounts::set_email_verified(&tx, id, now).await?;
        accounts::update_profile(&tx, id, &profile(i, format!("{first} {last}")), now).await?;
        programmes::join(&tx, main, id, now).await?;
        if i % 2 == 0 || i < staff.len() {
            programmes::join(&tx, second, id, now).await?;
        }
        list.push(MemberRow {
            line: u64::try_from(i + 2).unwrap_or(0),
            email,
            member_number: Some(format!("M{:05}", 1000 + i)),
            name: format!("{first} {last}"),
            member_type: Some(if i % 7 == 6 { "student" } else { "full" }.into()),
        });
        ids.push(id);
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
    Ok(DemoReport {
        created: true,
        members: ids.len(),
        sign_ins,
    })
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
