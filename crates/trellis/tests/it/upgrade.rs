//! Upgrading a database made before the workspace (migrations 0001–0004, with a relationship
//! in it) keeps the relationship and its two people, on both databases.

use crate::both_backends;
use crate::helpers::{Backend, PgDatabase, postgres_required};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};

both_backends!(a_relationship_made_before_the_workspace_survives_the_upgrade);

macro_rules! before {
    ($dir:literal) => {
        [
            include_str!(concat!(
                "../../../store/migrations/",
                $dir,
                "/0001_foundation.sql"
            )),
            include_str!(concat!(
                "../../../store/migrations/",
                $dir,
                "/0002_mentors.sql"
            )),
            include_str!(concat!(
                "../../../store/migrations/",
                $dir,
                "/0003_requests.sql"
            )),
            include_str!(concat!(
                "../../../store/migrations/",
                $dir,
                "/0004_notifications.sql"
            )),
        ]
    };
}

#[derive(Debug, FromQueryResult, PartialEq)]
struct Member {
    user_id: i64,
    role: String,
}

async fn a_relationship_made_before_the_workspace_survives_the_upgrade(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let pg = match b {
        Backend::Sqlite => None,
        Backend::Postgres => match PgDatabase::create().await {
            Some(pg) => Some(pg),
            None => {
                assert!(!postgres_required());
                return;
            }
        },
    };
    let url = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}/old.db", dir.path().display()),
    };
    let store = trellis_store::connect(&url).await.unwrap();
    let db = &store.db;
    let files = match b {
        Backend::Sqlite => before!("sqlite"),
        Backend::Postgres => before!("postgres"),
    };
    db.execute_unprepared(
        "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
    )
    .await
    .unwrap();
    for (sql, version) in files.iter().zip([
        "0001_foundation",
        "0002_mentors",
        "0003_requests",
        "0004_notifications",
    ]) {
        db.execute_unprepared(sql).await.unwrap();
        db.execute_unprepared(&format!(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ('{version}', '2026-11-01T00:00:00Z')"
        ))
        .await
        .unwrap();
    }
    let t = "'2026-11-01T00:00:00Z'";
    for (id, name) in [(1, "Ana Mentor"), (2, "Mo Mentee")] {
        db.execute_unprepared(&format!(
            "INSERT INTO users (id, email, name, password_hash, is_admin, languages, channels, created_at, updated_at) \
             VALUES ({id}, 'u{id}@example.org', '{name}', 'x', FALSE, '', '', {t}, {t})"
        ))
        .await
        .unwrap();
    }
    db.execute_unprepared(&format!(
        "INSERT INTO programmes (id, slug, name, model, membership, review_mentors, choices_per_request, reply_window_days, \
         application_target_days, concern_ack_days, refresh_month, refresh_grace_days, meeting_minutes_min, meeting_minutes_max, \
         default_mentor_capacity, max_relationships_per_member, created_at, updated_at) \
         VALUES (1, 'old', 'Old programme', 'traditional', 'open', TRUE, 3, 21, 28, 7, 1, 30, 60, 90, 2, 3, {t}, {t})"
    ))
    .await
    .unwrap();
    db.execute_unprepared(&format!(
        "INSERT INTO relationships (programme_id, mentor_id, mentee_id, model, phase, created_at, updated_at) \
         VALUES (1, 1, 2, 'traditional', 'enabling', {t}, {t})"
    ))
    .await
    .unwrap();

    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let old = Id::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        "SELECT id FROM relationships",
    ))
    .one(db)
    .await
    .unwrap()
    .expect("the old relationship")
    .id;

    let ran = store.migrate().await.unwrap();
    assert!(ran.contains(&"0005_workspace"), "{ran:?}");
    let rel = trellis_store::workspace::relationship(db, old)
        .await
        .unwrap()
        .expect("kept");
    assert_eq!((rel.phase.as_str(), rel.programme_id), ("enabling", 1));
    let mut members: Vec<Member> = Member::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        format!("SELECT user_id, role FROM relationship_members WHERE relationship_id = {old} ORDER BY user_id"),
    ))
    .all(db)
    .await
    .unwrap();
    members.sort_by_key(|m| m.user_id);
    assert_eq!(
        members,
        vec![
            Member {
                user_id: 1,
                role: "mentor".into()
            },
            Member {
                user_id: 2,
                role: "mentee".into()
            }
        ]
    );
    let p = trellis_store::programmes::by_id(db, 1)
        .await
        .unwrap()
        .expect("programme");
    assert_eq!(p.evaluation_every_days, 60, "the new setting's default");
    // New relationships get fresh ids after the kept one.
    let id =
        trellis_store::workspace::create_relationship(db, 1, None, "group", chrono::Utc::now())
            .await
            .unwrap();
    assert!(id > old);
    db.close_by_ref().await.ok();
}
