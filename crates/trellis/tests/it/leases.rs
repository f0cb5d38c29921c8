//! Job leases, measured on the database's clock: a runner whose clock is ahead (`jobs run
//! --as-of` beside a live `serve`) leaves alone the jobs another runner holds; a lease is
//! renewed while its job runs; a runner that lost its lease does not complete the job; a dead
//! runner's jobs are taken up once its short lease runs out.
//!
//! Leases here are a second long, so these tests wait for real time to pass: the database's
//! clock is the one that counts, and it cannot be moved.

use crate::both_backends;
use crate::helpers::{Backend, TestApp};
use crate::jobs::count;
use crate::requests::{request_body, setup};
use chrono::Duration;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration as Wait;
use tokio::sync::Notify;
use trellis_worker::{Lease, Runner};

both_backends!(
    a_runner_ahead_in_time_leaves_a_held_job_alone,
    a_runner_that_lost_its_lease_keeps_nothing_of_its_run,
    a_dead_runner_s_jobs_are_taken_up_after_its_lease,
);

const SHORT: Lease = Lease {
    length: Wait::from_secs(1),
    renew_every: Wait::from_millis(200),
};

/// A webhook receiver whose first delivery hangs until `release`; the others answer at once.
#[derive(Clone, Default)]
struct SlowReceiver {
    got: Arc<AtomicUsize>,
    release: Arc<Notify>,
}

impl SlowReceiver {
    async fn listen(&self) -> String {
        let me = self.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move || {
                let me = me.clone();
                async move {
                    if me.got.fetch_add(1, Ordering::SeqCst) == 0 {
                        me.release.notified().await;
                    }
                    axum::http::StatusCode::OK
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}/hook")
    }

    /// Waits until the first delivery has arrived (the runner is inside the job).
    async fn first_arrived(&self) {
        tokio::time::timeout(Wait::from_secs(20), async {
            while self.got.load(Ordering::SeqCst) == 0 {
                tokio::time::sleep(Wait::from_millis(20)).await;
            }
        })
        .await
        .expect("the first delivery arrives");
    }
}

/// A programme with a webhook to `receiver` and a request offered: one webhook job queued
/// (and the letters of the offer).
async fn one_webhook_job(b: Backend, receiver: &SlowReceiver) -> Option<crate::requests::Setup> {
    let st = setup(b, 1).await?;
    let app = &st.app;
    let admin = app.admin_or_existing().await;
    app.run_jobs().await;
    let url = receiver.listen().await;
    let r = app
        .post(
            "/api/v1/programmes/imp/webhooks",
            json!({"url": url, "events": ["request.offered"]}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&[st.mentors[0].1]),
            Some(&st.mentee),
        )
        .await;
    assert_eq!(r.status(), 201);
    Some(st)
}

fn runner(app: &TestApp, id: &str, lease: Lease) -> Runner {
    app.parts.runner.clone().with_lease(id, lease)
}

async fn webhook_jobs_done(app: &TestApp) -> i64 {
    count(
        app,
        "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'webhook_delivery' AND done_at IS NOT NULL",
    )
    .await
}

async fn a_runner_ahead_in_time_leaves_a_held_job_alone(b: Backend) {
    let receiver = SlowReceiver::default();
    let Some(st) = one_webhook_job(b, &receiver).await else {
        return;
    };
    let app = &st.app;
    let a = runner(app, "serve", SHORT);
    let first = tokio::spawn(async move { a.run_due().await.unwrap() });
    receiver.first_arrived().await;
    // Past the lease's first second: only its renewal keeps the job A's.
    tokio::time::sleep(Wait::from_millis(1500)).await;
    // `jobs run --as-of` ten minutes ahead, beside it.
    app.clock.advance(Duration::minutes(10));
    let ahead = runner(app, "jobs-run", SHORT).run_due().await.unwrap();
    assert_eq!(
        receiver.got.load(Ordering::SeqCst),
        1,
        "the runner ahead in time took the job A holds ({ahead:?})"
    );
    receiver.release.notify_one();
    let report = first.await.unwrap();
    assert_eq!((report.failed, report.lost), (0, 0), "{report:?}");
    assert_eq!(receiver.got.load(Ordering::SeqCst), 1);
    assert_eq!(webhook_jobs_done(app).await, 1);
    st.app.stop().await;
}

async fn a_runner_that_lost_its_lease_keeps_nothing_of_its_run(b: Backend) {
    let receiver = SlowReceiver::default();
    let Some(st) = one_webhook_job(b, &receiver).await else {
        return;
    };
    let app = &st.app;
    // A runner that cannot renew (stalled, cut off from the database): its lease runs out.
    let stalled = Lease {
        length: Wait::from_secs(1),
        renew_every: Wait::from_secs(3600),
    };
    let a = runner(app, "stalled", stalled);
    let first = tokio::spawn(async move { a.run_due().await.unwrap() });
    receiver.first_arrived().await;
    tokio::time::sleep(Wait::from_millis(1500)).await;
    let b_report = runner(app, "other", SHORT).run_due().await.unwrap();
    assert_eq!(
        receiver.got.load(Ordering::SeqCst),
        2,
        "the lapsed webhook job is taken up: {b_report:?}"
    );
    receiver.release.notify_one();
    // Every job of the stalled runner's batch lapsed and was done by the other: it keeps none.
    let a_report = first.await.unwrap();
    assert_eq!(
        (a_report.succeeded, a_report.lost),
        (0, b_report.succeeded),
        "{a_report:?}"
    );
    // One completion, one attempt in the delivery log: the stalled runner's was rolled back.
    assert_eq!(webhook_jobs_done(app).await, 1);
    assert_eq!(
        count(app, "SELECT SUM(attempts) AS n FROM webhook_deliveries").await,
        1
    );
    st.app.stop().await;
}

async fn a_dead_runner_s_jobs_are_taken_up_after_its_lease(b: Backend) {
    let receiver = SlowReceiver::default();
    receiver.release.notify_one();
    let Some(st) = one_webhook_job(b, &receiver).await else {
        return;
    };
    let app = &st.app;
    let db = &app.parts.state.store.db;
    // A runner claims and dies at once.
    let taken = trellis_store::jobs::claim(db, "dead", app.clock_now(), Duration::seconds(1), 10)
        .await
        .unwrap();
    assert!(taken.iter().any(|j| j.kind == "webhook_delivery"));
    let live = runner(app, "live", SHORT);
    assert_eq!(live.run_due().await.unwrap().succeeded, 0, "still leased");
    assert_eq!(receiver.got.load(Ordering::SeqCst), 0);
    tokio::time::sleep(Wait::from_millis(1200)).await;
    assert_eq!(live.run_due().await.unwrap().succeeded, taken.len());
    assert_eq!(receiver.got.load(Ordering::SeqCst), 1);
    st.app.stop().await;
}
