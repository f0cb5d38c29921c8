//! Outgoing webhooks on both databases, received by an HTTP listener inside the test: the
//! signature checks out, a 500 is retried after its back-off, bodies carry ids and states and
//! never private text, and only admins manage webhooks.

use crate::both_backends;
use crate::helpers::{Backend, error_of};
use crate::requests::{request_body, setup};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

both_backends!(webhooks_are_signed_retried_and_private);

/// What the receiver got: (headers, body); it answers with the next status of `answers`
/// (then 200).
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    answers: Arc<Mutex<Vec<u16>>>,
}

async fn listen(r: Receiver) -> String {
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let r = r.clone();
            async move {
                r.got.lock().unwrap().push((headers, body));
                let mut answers = r.answers.lock().unwrap();
                let code = if answers.is_empty() {
                    200
                } else {
                    answers.remove(0)
                };
                StatusCode::from_u16(code).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/hook")
}

async fn webhooks_are_signed_retried_and_private(b: Backend) {
    let Some(st) = setup(b, 2).await else {
        return;
    };
    let app = &st.app;
    let admin = app.admin_or_existing().await;
    app.member("Cora Concerns", "cora@example.org").await;
    app.post(
        "/api/v1/programmes/imp/staff",
        json!({"email": "cora@example.org", "role": "concerns_officer"}),
        Some(&admin),
    )
    .await;
    let receiver = Receiver::default();
    receiver.answers.lock().unwrap().push(500);
    let url = listen(receiver.clone()).await;

    // Only admins register; bad input names its field.
    let r = app
        .post(
            "/api/v1/programmes/imp/webhooks",
            json!({"url": url, "events": ["request.offered"]}),
            Some(&st.director),
        )
        .await;
    assert_eq!(r.status(), 403);
    for (body, field) in [
        (
            json!({"url": "hr.example.org", "events": ["request.offered"]}),
            "url",
        ),
        (json!({"url": url, "events": []}), "events"),
        (json!({"url": url, "events": ["request.deleted"]}), "events"),
    ] {
        let (s, _, f, _) = error_of(
            app.post("/api/v1/programmes/imp/webhooks", body, Some(&admin))
                .await,
        )
        .await;
        assert_eq!((s, f.as_deref()), (422, Some(field)));
    }
    let reg: Value = app
        .post(
            "/api/v1/programmes/imp/webhooks",
            json!({"url": url, "events": ["request.offered", "request.accepted", "concern.opened"]}),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    let (hook, secret) = (
        reg["id"].as_i64().unwrap(),
        reg["secret"].as_str().unwrap().to_owned(),
    );
    let listed: Value = app
        .get("/api/v1/programmes/imp/webhooks", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["url"], url);
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is shown once"
    );

    // A request is offered: the first delivery meets a 500 and is retried after its back-off.
    const PRIVATE: &str = "I want to leave surgery without telling my supervisor";
    let mut body = request_body(&[st.mentors[0].1]);
    body["goals"] = json!(PRIVATE);
    let req: Value = app
        .post("/api/v1/programmes/imp/requests", body, Some(&st.mentee))
        .await
        .json()
        .await
        .unwrap();
    app.run_jobs().await;
    assert_eq!(receiver.got.lock().unwrap().len(), 1);
    let log: Value = app
        .get(
            &format!("/api/v1/programmes/imp/webhooks/{hook}/deliveries"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (log[0]["attempts"].clone(), log[0]["last_status"].clone()),
        (json!(1), json!(500))
    );
    assert!(log[0]["delivered_at"].is_null());
    app.run_jobs().await;
    assert_eq!(
        receiver.got.lock().unwrap().len(),
        1,
        "not before the back-off"
    );
    app.clock.advance(chrono::Duration::minutes(5));
    app.run_jobs().await;
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    let (headers, body) = &got[1];
    assert_eq!(headers["trellis-event"], "request.offered");
    let sig = headers["trellis-signature"].to_str().unwrap();
    let now = app.clock_now().timestamp();
    assert!(
        trellis_domain::webhook::verify(&secret, sig, body, now, 300),
        "{sig}"
    );
    assert!(!trellis_domain::webhook::verify(
        "another secret",
        sig,
        body,
        now,
        300
    ));
    let v: Value = serde_json::from_str(body).unwrap();
    assert_eq!(v["event"], "request.offered");
    assert_eq!(v["data"]["request_id"], req["id"]);
    assert_eq!(v["data"]["status"], "offered");
    assert_eq!(v["data"]["choice"], 1);
    let log: Value = app
        .get(
            &format!("/api/v1/programmes/imp/webhooks/{hook}/deliveries"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (log[0]["attempts"].clone(), log[0]["last_status"].clone()),
        (json!(2), json!(200))
    );
    assert!(!log[0]["delivered_at"].is_null());
    app.clock.advance(chrono::Duration::hours(1));
    app.run_jobs().await;
    assert_eq!(receiver.got.lock().unwrap().len(), 2, "delivered once");
    let open_jobs =
        "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'webhook_delivery' AND done_at IS NULL";
    assert_eq!(
        crate::jobs::count(app, open_jobs).await,
        0,
        "the delivery's job is done"
    );

    // Accepted, and a concern: ids and states, never the words.
    app.post(
        &format!("/api/v1/requests/{}/accept", req["id"]),
        json!({}),
        Some(&st.mentors[0].0),
    )
    .await;
    let r = app
        .post(
            "/api/v1/programmes/imp/concerns",
            json!({"about": "programme", "what_happened": "The rota leaves no time for mentoring"}),
            Some(&st.mentee),
        )
        .await;
    assert_eq!(r.status(), 201);
    app.run_jobs().await;
    let got = receiver.got.lock().unwrap().clone();
    let events: Vec<String> = got
        .iter()
        .map(|(h, _)| h["trellis-event"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        events,
        [
            "request.offered",
            "request.offered",
            "request.accepted",
            "concern.opened"
        ]
    );
    for (_, body) in &got {
        for private in [
            PRIVATE,
            "The rota leaves no time",
            "Mo Mentee",
            "mo@example.org",
        ] {
            assert!(!body.contains(private), "{private} in {body}");
        }
    }
    // A webhook is reached only through its own programme, and only by an admin.
    app.programme(&admin, "other", json!({})).await;
    for path in [
        format!("/api/v1/programmes/other/webhooks/{hook}/deliveries"),
        format!("/api/v1/programmes/imp/webhooks/{}/deliveries", hook + 1000),
    ] {
        assert_eq!(app.get(&path, Some(&admin)).await.status(), 404, "{path}");
    }
    let r = app
        .delete(&format!("/api/v1/programmes/other/webhooks/{hook}"), &admin)
        .await;
    assert_eq!(r.status(), 404);
    for path in [
        format!("/api/v1/programmes/imp/webhooks/{hook}/deliveries"),
        "/api/v1/programmes/imp/webhooks".to_owned(),
    ] {
        assert_eq!(
            app.get(&path, Some(&st.director)).await.status(),
            403,
            "{path}"
        );
    }
    let (director_page, _) = crate::pages::signed_in(app, "director@imp.example.org").await;
    let r = director_page
        .get(app.url("/admin/programmes/imp/webhooks"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Removed: nothing more is sent; a member cannot see or remove webhooks.
    let r = app
        .delete(
            &format!("/api/v1/programmes/imp/webhooks/{hook}"),
            &st.mentee,
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = app
        .delete(&format!("/api/v1/programmes/imp/webhooks/{hook}"), &admin)
        .await;
    assert_eq!(r.status(), 204);
    app.post(
        "/api/v1/programmes/imp/concerns",
        json!({"about": "programme", "what_happened": "Again"}),
        Some(&st.mentee),
    )
    .await;
    app.run_jobs().await;
    assert_eq!(receiver.got.lock().unwrap().len(), 4);
    // The page: the form keeps what was typed when the address is bad; a registration shows
    // its secret once; the log is listed.
    let (browser, csrf) = crate::pages::signed_in(app, "admin@example.org").await;
    let r = browser
        .post(app.url("/admin/programmes/imp/webhooks"))
        .body(format!(
            "csrf_token={csrf}&url=hr.example.org&events=concern.opened"
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("value=\"hr.example.org\"")
            && html.contains("value=\"concern.opened\" checked"),
        "{html}"
    );
    let r = browser
        .post(app.url("/admin/programmes/imp/webhooks"))
        .body(format!(
            "csrf_token={csrf}&url={url}&events=concern.opened&events=request.accepted"
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("shown only now"), "{html}");
    assert!(html.contains("request.accepted concern.opened"));
}
