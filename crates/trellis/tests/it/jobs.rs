//! The jobs table and the mail outbox: delivery over real SMTP, retries with back-off,
//! recurring work that catches up once, and several instances sharing one PostgreSQL.

use crate::both_backends;
use crate::helpers::{Backend, PASSWORD, PgDatabase, TestApp, postgres_required};
use crate::smtp_sink::SmtpSink;
use chrono::Duration;
use sea_orm::{FromQueryResult, Statement};
use serde_json::json;
use std::collections::HashSet;
use std::sync::Arc;
use trellis_domain::clock::ManualClock;
use trellis_store::outbox;

both_backends!(
    mail_goes_out_once_over_smtp,
    failed_delivery_is_retried_with_back_off,
    recurring_work_runs_once_per_period
);

#[derive(FromQueryResult)]
struct N {
    n: i64,
}

pub(crate) async fn count(app: &TestApp, sql: &str) -> i64 {
    let db = &app.parts.state.store.db;
    N::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .n
}

async fn mail_goes_out_once_over_smtp(b: Backend) {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let Some(app) = TestApp::spawn_with(b, |c| c.mail_transport = url).await else {
        return;
    };
    app.post(
        "/api/v1/accounts",
        json!({"name": "Sam", "email": "sam@example.org", "password": PASSWORD}),
        None,
    )
    .await;
    assert!(
        sink.messages().is_empty(),
        "nothing is sent inside the request"
    );
    let report = app.run_jobs().await;
    assert!(report.succeeded >= 1 && report.failed == 0, "{report:?}");
    let got = sink.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, ["<sam@example.org>"]);
    assert_eq!(
        got[0].from, "<no-reply@trellis.invalid>",
        "the envelope sender is the configured one"
    );
    assert!(got[0].data.contains("/verify?token="));
    let stored = outbox::to_address(&app.parts.state.store.db, "sam@example.org")
        .await
        .unwrap();
    assert_eq!(
        got[0].message_id().as_deref(),
        Some(stored[0].message_id.as_str()),
        "the stored Message-ID is the one sent"
    );
    assert!(stored[0].sent_at.is_some());

    // Running again sends nothing more.
    app.run_jobs().await;
    assert_eq!(sink.messages().len(), 1);
    app.stop().await;
    sink.stop();
}

async fn failed_delivery_is_retried_with_back_off(b: Backend) {
    // A port with nothing listening: the SMTP server is "down".
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let Some(app) =
        TestApp::spawn_with(b, |c| c.mail_transport = format!("smtp://127.0.0.1:{port}")).await
    else {
        return;
    };
    app.post(
        "/api/v1/accounts",
        json!({"name": "Tom", "email": "tom@example.org", "password": PASSWORD}),
        None,
    )
    .await;
    let report = app.run_jobs().await;
    assert_eq!(report.failed, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL"
        )
        .await,
        1,
        "not lost"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'deliver_mail' AND last_error IS NOT NULL AND attempts = 1").await, 1);

    // Within the back-off nothing is retried.
    let report = app.run_jobs().await;
    assert_eq!((report.succeeded, report.failed), (0, 0));

    // The server comes back; after the back-off the message goes out, once.
    let sink = SmtpSink::start_on(&format!("127.0.0.1:{port}")).await;
    app.clock.advance(Duration::seconds(31));
    let report = app.run_jobs().await;
    assert_eq!((report.succeeded, report.failed), (1, 0));
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NOT NULL"
        )
        .await,
        1
    );
    app.stop().await;
    sink.stop();
}

async fn recurring_work_runs_once_per_period(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.verified_member("Vic", "vic@example.org").await;
    let browser = app.browser();
    browser
        .post(app.url("/sign-in"))
        .form(&[("email", "vic@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM sessions").await, 1);
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'maintenance' AND done_at IS NOT NULL"
        )
        .await,
        1
    );

    // The scheduler was down for three weeks: it catches up once, not 21 times, and the
    // expired session is cleaned away.
    app.clock.advance(Duration::days(21));
    let report = app.run_jobs().await;
    assert_eq!(report.succeeded, 2, "one maintenance and one weekly digest");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'weekly_digest' AND done_at IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'maintenance' AND done_at IS NOT NULL"
        )
        .await,
        2
    );
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM sessions").await, 0);
    app.stop().await;
}

/// Two instances on one fresh PostgreSQL database: both migrate at once (the advisory lock
/// serialises them), both run jobs at once, and each queued message is delivered exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_deliver_each_message_once() {
    let Some(pg) = PgDatabase::create().await else {
        assert!(!postgres_required());
        return;
    };
    let sink = SmtpSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = trellis::Config {
        data_dir: dir.path().to_path_buf(),
        database_url: Some(pg.url.clone()),
        mail_transport: sink.url(),
        ..trellis::Config::default()
    };
    let clock = ManualClock::new(crate::helpers::start_of_test_time());
    let (a, b) = tokio::join!(
        trellis::assemble(&config, Arc::new(clock.clone())),
        trellis::assemble(&config, Arc::new(clock.clone()))
    );
    let (a, b) = (a.expect("instance a starts"), b.expect("instance b starts"));

    for i in 0..60 {
        let m = trellis_domain::mail::password_changed(
            &a.state.config.site,
            &format!("user{i}@example.org"),
            "User",
        );
        trellis_app::letters::queue(&a.state, &a.state.store.db, &m)
            .await
            .unwrap();
    }
    let (ra, rb) = tokio::join!(a.runner.run_due(), b.runner.run_due());
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.failed + rb.failed, 0);
    assert_eq!(
        ra.succeeded + rb.succeeded,
        61,
        "60 messages and one maintenance job, each run once: {ra:?} {rb:?}"
    );

    let got = sink.messages();
    assert_eq!(got.len(), 60, "each message delivered exactly once");
    let ids: HashSet<String> = got.iter().filter_map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), 60);
    let db = &a.state.store.db;
    let unsent = N::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        "SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL",
    ))
    .one(db)
    .await
    .unwrap()
    .unwrap()
    .n;
    assert_eq!(unsent, 0);
    a.state.store.db.close_by_ref().await.ok();
    b.state.store.db.close_by_ref().await.ok();
    sink.stop();
}
