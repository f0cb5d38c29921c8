//! The work queues on both databases: what waits, due dates and lateness, concerns only for
//! their handlers, quiet relationships, and who may see the queues.

use crate::both_backends;
use crate::helpers::{Backend, error_of};
use crate::requests::{request_body, setup};
use serde_json::{Value, json};

both_backends!(queues_show_what_waits_and_what_is_late);

async fn queues_show_what_waits_and_what_is_late(b: Backend) {
    let Some(st) = setup(b, 2).await else {
        return;
    };
    let app = &st.app;
    let admin = app.admin_or_existing().await;
    let office = app.member("Olu Office", "olu@example.org").await;
    app.post(
        "/api/v1/programmes/imp/staff",
        json!({"email": "olu@example.org", "role": "office"}),
        Some(&admin),
    )
    .await;
    let cora = app.member("Cora Concerns", "cora@example.org").await;
    app.post(
        "/api/v1/programmes/imp/staff",
        json!({"email": "cora@example.org", "role": "concerns_officer"}),
        Some(&admin),
    )
    .await;
    // A mentor application waiting.
    let applicant = app.member("Ada Applicant", "ada@example.org").await;
    crate::mentoring::join(app, "imp", &applicant).await;
    let body =
        crate::mentoring::application_body(app, "imp", "I supervise registrars in simulation.")
            .await;
    assert_eq!(
        app.post(
            "/api/v1/programmes/imp/mentor-applications",
            body,
            Some(&applicant)
        )
        .await
        .status(),
        201
    );
    // A request with Ana; another that both its mentors… here Ben declines: with the director.
    app.post(
        "/api/v1/programmes/imp/requests",
        request_body(&[st.mentors[0].1]),
        Some(&st.mentee),
    )
    .await;
    let eve = app.member("Eve Mentee", "eve@example.org").await;
    crate::mentoring::join(app, "imp", &eve).await;
    let r: Value = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&[st.mentors[1].1]),
            Some(&eve),
        )
        .await
        .json()
        .await
        .unwrap();
    app.post(
        &format!("/api/v1/requests/{}/decline", r["id"]),
        json!({}),
        Some(&st.mentors[1].0),
    )
    .await;
    // A concern, handled by Cora.
    app.post(
        "/api/v1/programmes/imp/concerns",
        json!({"about": "programme", "what_happened": "Rooms are never free"}),
        Some(&eve),
    )
    .await;

    let get = |t: String, q: &'static str| async move {
        app.get(&format!("/api/v1/programmes/imp/queues{q}"), Some(&t))
            .await
    };
    let q: Value = get(office.clone(), "").await.json().await.unwrap();
    assert_eq!(q["applications"].as_array().unwrap().len(), 1);
    assert_eq!(q["applications"][0]["state"], "on_track");
    assert_eq!(q["requests_with_mentors"][0]["state"], "on_track");
    assert!(
        q["requests_with_mentors"][0]["title"]
            .as_str()
            .unwrap()
            .contains("Mo Mentee")
    );
    assert_eq!(q["requests_with_director"].as_array().unwrap().len(), 1);
    assert!(
        q["concerns"].as_array().unwrap().is_empty(),
        "the office does not handle concerns"
    );
    assert!(
        !q.to_string().contains("Rooms are never free")
            && !q.to_string().contains("consultant interview"),
        "no content"
    );
    // Cora handles concerns: she sees hers, and nothing else; the director sees no concern.
    let c: Value = get(cora.clone(), "").await.json().await.unwrap();
    assert_eq!(c["concerns"].as_array().unwrap().len(), 1);
    assert_eq!(c["concerns"][0]["state"], "on_track");
    assert!(
        c["applications"].as_array().unwrap().is_empty()
            && c["requests_with_mentors"].as_array().unwrap().is_empty()
    );
    let d: Value = get(st.director.clone(), "").await.json().await.unwrap();
    assert!(d["concerns"].as_array().unwrap().is_empty());
    assert_eq!(get(st.mentee.clone(), "").await.status(), 403);
    let (code, _, field, _) = error_of(get(office.clone(), "?quiet_days=0").await).await;
    assert_eq!((code, field.as_deref()), (422, Some("quiet_days")));

    // Two weeks on: the request's reply is due within a week; three weeks after the
    // application it is near its 28-day target.
    app.clock.advance(chrono::Duration::days(15));
    let q: Value = get(office.clone(), "").await.json().await.unwrap();
    assert_eq!(q["requests_with_mentors"][0]["state"], "near");
    app.clock.advance(chrono::Duration::days(14));
    let q: Value = get(office.clone(), "").await.json().await.unwrap();
    assert_eq!(q["applications"][0]["state"], "overdue");

    // A quiet relationship: accepted, then nothing for 46 days; a log entry wakes it.
    let fay = app.member("Fay Mentee", "fay@example.org").await;
    crate::mentoring::join(app, "imp", &fay).await;
    let rel = crate::requests::accepted(app, &fay, &st.mentors[1]).await;
    let q: Value = get(office.clone(), "").await.json().await.unwrap();
    assert!(q["quiet_relationships"].as_array().unwrap().is_empty());
    app.clock.advance(chrono::Duration::days(46));
    let q: Value = get(office.clone(), "").await.json().await.unwrap();
    assert_eq!(q["quiet_relationships"].as_array().unwrap().len(), 1);
    assert_eq!(
        q["quiet_relationships"][0]["link"],
        format!("/relationships/{rel}")
    );
    let q: Value = get(office.clone(), "?quiet_days=60")
        .await
        .json()
        .await
        .unwrap();
    assert!(q["quiet_relationships"].as_array().unwrap().is_empty());
    let today = app.clock_now().date_naive().to_string();
    app.post(
        &format!("/api/v1/relationships/{rel}/log"),
        json!({"on": today, "activity": "Met"}),
        Some(&fay),
    )
    .await;
    let q: Value = get(office.clone(), "").await.json().await.unwrap();
    assert!(q["quiet_relationships"].as_array().unwrap().is_empty());
    // CSV exports for the office; not for members.
    let r = app
        .get("/api/v1/programmes/imp/export/mentors.csv", Some(&office))
        .await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = r.text().await.unwrap();
    assert!(
        csv.starts_with("user_id,name,")
            && csv.contains("Ana Mentor")
            && csv.contains("Ben Mentor")
    );
    let members = app
        .get("/api/v1/programmes/imp/export/members.csv", Some(&office))
        .await
        .text()
        .await
        .unwrap();
    assert!(members.contains("mo@example.org"));
    assert_eq!(
        app.get(
            "/api/v1/programmes/imp/export/members.csv",
            Some(&st.mentee)
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.get("/api/v1/programmes/imp/export/secrets.csv", Some(&office))
            .await
            .status(),
        404
    );
    // The page.
    let (browser, _) = crate::pages::signed_in(app, "olu@example.org").await;
    let html = browser
        .get(app.url("/programmes/imp/queues"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Work queues") && html.contains("class=\"tag overdue\""),
        "{html}"
    );
    st.app.stop().await;
}
