//! Many people writing at once, while the job runner writes too: every write answers as it
//! would alone (no "database is locked" on SQLite, no lost update on either database).

use crate::both_backends;
use crate::helpers::{Backend, TestApp};
use crate::mentoring::join;
use crate::requests::setup;
use futures_util::future::join_all;
use serde_json::{Value, json};

both_backends!(sixteen_people_writing_at_once_all_succeed);

const CLIENTS: usize = 16;

/// Whoever answered with a server error, and what it said.
async fn server_errors(results: Vec<(String, reqwest::Response)>) -> Vec<String> {
    let mut bad = Vec::new();
    for (what, r) in results {
        let status = r.status();
        if !status.is_success() {
            bad.push(format!(
                "{what}: {status} {}",
                r.text().await.unwrap_or_default()
            ));
        }
    }
    bad
}

async fn id_of(app: &TestApp, token: &str) -> i64 {
    app.get("/api/v1/me", Some(token))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// Runs the due jobs over and over until `done` says stop, so that every write below races a
/// runner's writes as in a live `serve`.
async fn runner_alongside<F: std::future::Future>(app: &TestApp, work: F) -> F::Output {
    let stop = std::sync::atomic::AtomicBool::new(false);
    let runner = async {
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            app.parts.runner.run_due().await.expect("the runner's pass");
            tokio::task::yield_now().await;
        }
    };
    let work = async {
        let out = work.await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        out
    };
    tokio::join!(runner, work).1
}

async fn sixteen_people_writing_at_once_all_succeed(b: Backend) {
    let Some(st) = setup(b, 4).await else {
        return;
    };
    let app = &st.app;
    // Four mentors with four places each: a place for every mentee.
    for (token, _) in &st.mentors {
        let r = app
            .patch(
                "/api/v1/programmes/imp/mentoring",
                json!({"capacity": 4}),
                token,
            )
            .await;
        assert_eq!(r.status(), 200);
    }
    let mut mentees = Vec::new();
    for i in 0..CLIENTS {
        let t = app
            .member(
                &format!("Mentee Number{i}"),
                &format!("mentee{i}@example.org"),
            )
            .await;
        join(app, "imp", &t).await;
        mentees.push((t.clone(), id_of(app, &t).await));
    }

    // The director makes sixteen relationships at once.
    let (director, mentors) = (&st.director, &st.mentors);
    let made = runner_alongside(
        app,
        join_all(mentees.iter().enumerate().map(|(i, (_, id))| async move {
            let mentor = mentors[i % 4].1;
            let body = json!({"model": "traditional", "members": [
                {"user_id": mentor, "role": "mentor"}, {"user_id": id, "role": "mentee"}]});
            let r = app
                .post("/api/v1/programmes/imp/relationships", body, Some(director))
                .await;
            (format!("relationship for {id}"), r)
        })),
    )
    .await;
    let mut ids = Vec::new();
    let mut bad = Vec::new();
    for (what, r) in made {
        if r.status() == 201 {
            ids.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
        } else {
            bad.push(format!(
                "{what}: {} {}",
                r.status(),
                r.text().await.unwrap()
            ));
        }
    }
    assert_eq!(bad, Vec::<String>::new(), "making relationships");
    assert_eq!(ids.len(), CLIENTS);

    // Then each pair writes in its workspace, each mentee edits their profile and reads their
    // notifications, the mentor answers, and a new visitor registers — all at once.
    let day = (app.clock_now() + chrono::Duration::days(3)).date_naive();
    let today = app.clock_now().date_naive();
    let writes = ids.iter().zip(&mentees).enumerate().map(|(i, (rel, (mentee, _)))| {
        let mentor = &mentors[i % 4].0;
        async move {
            let at = |p: &str| format!("/api/v1/relationships/{rel}{p}");
            let mut done = Vec::new();
            done.push((
                format!("log {rel}"),
                app.post(&at("/log"), json!({"on": today, "activity": format!("Talk {i}")}), Some(mentee))
                    .await,
            ));
            done.push((
                format!("meeting {rel}"),
                app.post(
                    &at("/meetings"),
                    json!({"starts_at": format!("{day}T{:02}:00", 8 + i % 10), "ends_at": format!("{day}T{:02}:30", 8 + i % 10), "time_zone": "UTC", "mode": "phone"}),
                    Some(mentor),
                )
                .await,
            ));
            done.push((
                format!("plan {rel}"),
                app.post(
                    &at("/plan"),
                    json!({"goal": format!("Goal {i}"), "timeline": "Spring", "kind": "career"}),
                    Some(mentee),
                )
                .await,
            ));
            done.push((
                format!("checklist {rel}"),
                app.post(&at("/checklist"), json!({"item": "first_meeting"}), Some(mentee))
                    .await,
            ));
            done.push((
                format!("profile {i}"),
                app.patch("/api/v1/me", json!({"languages": ["French"]}), mentee)
                    .await,
            ));
            done.push((
                format!("notifications {i}"),
                app.post("/api/v1/notifications/read-all", json!({}), Some(mentee))
                    .await,
            ));
            done.push((
                format!("register {i}"),
                app.post(
                    "/api/v1/accounts",
                    json!({"name": format!("Visitor {i}"), "email": format!("visitor{i}@example.org"), "password": crate::helpers::PASSWORD}),
                    None,
                )
                .await,
            ));
            done
        }
    });
    let done: Vec<_> = runner_alongside(app, join_all(writes))
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(done.len(), CLIENTS * 7);
    assert_eq!(
        server_errors(done).await,
        Vec::<String>::new(),
        "workspace writes"
    );

    // Nothing was lost: every log entry and meeting is there.
    for (i, rel) in ids.iter().enumerate() {
        let mentor = &mentors[i % 4].0;
        let log = app
            .get(&format!("/api/v1/relationships/{rel}/log"), Some(mentor))
            .await
            .json::<Value>()
            .await
            .unwrap();
        let entries = log["entries"]
            .as_array()
            .or(log.as_array())
            .map_or(0, Vec::len);
        assert_eq!(entries, 1, "relationship {rel}'s log: {log}");
    }
}
