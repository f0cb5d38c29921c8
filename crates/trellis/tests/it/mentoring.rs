//! Mentor applications, the director's review, the directory and the annual refresh, through
//! the API, on both databases.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, error_of};
use chrono::Duration;
use serde_json::{Value, json};
use trellis_domain::clock::Clock;
use trellis_domain::directory::{AvailabilityFilter, search_words};
use trellis_domain::directory_index::Search;

both_backends!(
    apply_review_and_find_in_the_directory,
    clarification_and_resubmission,
    application_bad_input_and_access,
    programmes_without_review_list_at_once,
    directory_filters_paging_and_hostile_search_text,
    mentors_manage_their_listing,
    annual_refresh_unlists_and_relists,
    directory_stays_in_step_across_instances,
    the_directory_checks_token_and_programme_together,
);

/// A programme with an expertise taxonomy, a director, and returns (admin, director) tokens.
pub(crate) async fn programme_with_director(
    app: &TestApp,
    slug: &str,
    settings: Value,
) -> (String, String) {
    let admin = app.admin_or_existing().await;
    app.programme(&admin, slug, settings).await;
    for label in ["Assessment", "Curriculum design", "Simulation"] {
        let r = app
            .post(
                &format!("/api/v1/programmes/{slug}/taxonomy"),
                json!({"kind": "expertise", "label": label}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status(), 201);
    }
    let email = format!("director@{slug}.example.org");
    let director = app.member("Dana Director", &email).await;
    let r = app
        .post(
            &format!("/api/v1/programmes/{slug}/staff"),
            json!({"email": email, "role": "director"}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status(), 201);
    (admin, director)
}

pub(crate) async fn taxonomy(app: &TestApp, slug: &str) -> (Vec<i64>, Vec<i64>) {
    let t: Value = app
        .get(&format!("/api/v1/programmes/{slug}/taxonomy"), None)
        .await
        .json()
        .await
        .unwrap();
    let ids = |k: &str| {
        t[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_i64().unwrap())
            .collect()
    };
    (ids("audiences"), ids("expertise"))
}

pub(crate) async fn application_body(app: &TestApp, slug: &str, background: &str) -> Value {
    let (aud, exp) = taxonomy(app, slug).await;
    json!({
        "audiences": [aud[0], aud[2]],
        "expertise": [exp[0]],
        "tags": ["OSCE"],
        "background": background,
        "training_course_date": "2025-03-14",
        "capacity": 2,
        "hours_per_month": 4,
        "channels": ["video"],
        "languages": ["English", "French"],
        "availability": "Weekday evenings, UK time"
    })
}

pub(crate) async fn join(app: &TestApp, slug: &str, token: &str) {
    let r = app
        .post(
            &format!("/api/v1/programmes/{slug}/members"),
            json!({}),
            Some(token),
        )
        .await;
    assert!(r.status() == 201 || r.status() == 200);
}

async fn search(app: &TestApp, slug: &str, token: &str, query: &str) -> Value {
    let r = app
        .get(
            &format!("/api/v1/programmes/{slug}/mentors?{query}"),
            Some(token),
        )
        .await;
    assert_eq!(r.status(), 200, "search {query}");
    r.json().await.unwrap()
}

fn names(v: &Value) -> Vec<String> {
    v["mentors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn apply_review_and_find_in_the_directory(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (_, director) = programme_with_director(&app, "imp", json!({})).await;
    let mia = app.member("Mia Mentor", "mia@example.org").await;
    join(&app, "imp", &mia).await;
    let body = application_body(
        &app,
        "imp",
        "Twenty years teaching compilers and running assessments of clinical reasoning.",
    )
    .await;
    let r = app
        .post(
            "/api/v1/programmes/imp/mentor-applications",
            body,
            Some(&mia),
        )
        .await;
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    let id = a["id"].as_i64().unwrap();
    assert_eq!(a["state"], "submitted");
    assert_eq!(a["target_status"], "on_track");
    // The applicant is told, and the director is asked to review.
    assert!(
        app.mails_to("mia@example.org")
            .await
            .iter()
            .any(|m| m.template == "application_received")
    );
    let to_review = app
        .last_mail_to("director@imp.example.org", "application_submitted")
        .await;
    assert!(to_review.text.contains(&format!("/applications/{id}")));

    // The director's queue shows it with its 28-day target.
    let q: Value = app
        .get(
            "/api/v1/programmes/imp/mentor-applications",
            Some(&director),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q.as_array().unwrap().len(), 1);
    assert_eq!(q[0]["applicant_name"], "Mia Mentor");

    // Not listed before approval.
    let member = app.member("Max Member", "max@example.org").await;
    join(&app, "imp", &member).await;
    assert_eq!(search(&app, "imp", &member, "q=compiler").await["total"], 0);

    let r = app
        .post(
            &format!("/api/v1/mentor-applications/{id}/decision"),
            json!({"decision": "approve"}),
            Some(&director),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["state"], "approved");
    assert!(
        app.mails_to("mia@example.org")
            .await
            .iter()
            .any(|m| m.template == "application_approved")
    );

    // Found by a stemmed word of the background ("compiler" finds "compilers"), and by expertise.
    let found = search(&app, "imp", &member, "q=compiler").await;
    assert_eq!(names(&found), ["Mia Mentor"]);
    assert_eq!(
        found["mentors"][0]["languages"],
        json!(["English", "French"])
    );
    assert_eq!(
        names(&search(&app, "imp", &member, "q=assessing").await),
        ["Mia Mentor"]
    );
    assert_eq!(
        names(&search(&app, "imp", &member, "q=assessment+osce").await),
        ["Mia Mentor"]
    );
    assert_eq!(
        search(&app, "imp", &member, "q=astronomy").await["total"],
        0
    );
    let profile: Value = app
        .get(
            &format!("/api/v1/programmes/imp/mentors/{}", a["applicant_id"]),
            Some(&member),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["expertise"][0]["label"], "Assessment");

    // Deciding again is a conflict that says why.
    let (s, code, _, msg) = error_of(
        app.post(
            &format!("/api/v1/mentor-applications/{id}/decision"),
            json!({"decision": "decline", "message": "no"}),
            Some(&director),
        )
        .await,
    )
    .await;
    assert_eq!((s, code.as_str()), (409, "conflict"));
    assert!(msg.contains("already approved"), "{msg}");

    // A member of another programme sees neither the directory nor the profile.
    let (admin, _) = (app.admin_or_existing().await, ());
    app.programme(&admin, "other", json!({})).await;
    let outsider = app.member("Olly Outsider", "olly@example.org").await;
    join(&app, "other", &outsider).await;
    assert_eq!(
        app.get("/api/v1/programmes/imp/mentors?q=compiler", Some(&outsider))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/programmes/imp/mentors/{}", a["applicant_id"]),
            Some(&outsider)
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.get(
            "/api/v1/programmes/other/mentors?q=compiler",
            Some(&outsider)
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["total"],
        0
    );
    assert_eq!(
        app.get("/api/v1/programmes/imp/mentors", None)
            .await
            .status(),
        401
    );
    app.stop().await;
}

async fn clarification_and_resubmission(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (_, director) = programme_with_director(&app, "imp", json!({})).await;
    let cal = app.member("Cal Mentor", "cal@example.org").await;
    join(&app, "imp", &cal).await;
    let body = application_body(&app, "imp", "Simulation educator.").await;
    let id = app
        .post(
            "/api/v1/programmes/imp/mentor-applications",
            body.clone(),
            Some(&cal),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    let (s, _, field, _) = error_of(
        app.post(
            &format!("/api/v1/mentor-applications/{id}/decision"),
            json!({"decision": "clarify", "message": " "}),
            Some(&director),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("message")));
    let r = app
        .post(
            &format!("/api/v1/mentor-applications/{id}/decision"),
            json!({"decision": "clarify", "message": "Which mentor course did you take?"}),
            Some(&director),
        )
        .await;
    assert_eq!(
        r.json::<Value>().await.unwrap()["state"],
        "clarification_requested"
    );
    let asked = app
        .last_mail_to("cal@example.org", "application_clarification")
        .await;
    assert!(asked.text.contains("Which mentor course did you take?"));
    // Approving while the question is open is refused.
    assert_eq!(
        app.post(
            &format!("/api/v1/mentor-applications/{id}/decision"),
            json!({"decision": "approve"}),
            Some(&director)
        )
        .await
        .status(),
        409
    );
    // Only the applicant answers.
    assert_eq!(
        app.post(
            &format!("/api/v1/mentor-applications/{id}/resubmit"),
            json!({"answer": "x", "application": body}),
            Some(&director)
        )
        .await
        .status(),
        403
    );

    let mut updated = body.clone();
    updated["background"] = json!("Simulation educator; ASME mentor course in 2025.");
    let r = app
        .post(
            &format!("/api/v1/mentor-applications/{id}/resubmit"),
            json!({"answer": "The ASME course, March 2025.", "application": updated}),
            Some(&cal),
        )
        .await;
    assert_eq!(r.status(), 200);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["state"], "resubmitted");
    assert_eq!(
        a["details"]["background"],
        "Simulation educator; ASME mentor course in 2025."
    );
    let kinds: Vec<&str> = a["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["submitted", "clarification_requested", "resubmitted"]
    );
    assert!(
        app.mails_to("director@imp.example.org")
            .await
            .iter()
            .any(|m| m.template == "application_resubmitted")
    );

    let r = app
        .post(
            &format!("/api/v1/mentor-applications/{id}/decision"),
            json!({"decision": "decline", "message": "We have enough simulation mentors."}),
            Some(&director),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["state"], "declined");
    assert!(
        app.last_mail_to("cal@example.org", "application_declined")
            .await
            .text
            .contains("enough simulation mentors")
    );
    // After a decision the member may apply again.
    assert_eq!(
        app.post(
            "/api/v1/programmes/imp/mentor-applications",
            body,
            Some(&cal)
        )
        .await
        .status(),
        201
    );
    let audit: Value = app
        .get(
            "/api/v1/audit?action=application.",
            Some(&app.admin_or_existing().await),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(audit.as_array().unwrap().len() >= 4);
    app.stop().await;
}

async fn application_bad_input_and_access(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (_, director) = programme_with_director(&app, "imp", json!({})).await;
    let ann = app.member("Ann", "ann@example.org").await;
    let body = application_body(&app, "imp", "Background.").await;
    // Not a member yet.
    assert_eq!(
        app.post(
            "/api/v1/programmes/imp/mentor-applications",
            body.clone(),
            Some(&ann)
        )
        .await
        .status(),
        403
    );
    join(&app, "imp", &ann).await;
    for (patch, field) in [
        (json!({"capacity": 0}), "capacity"),
        (json!({"capacity": 21}), "capacity"),
        (json!({"audiences": [999999]}), "audiences"),
        (json!({"expertise": [999999]}), "expertise"),
    ] {
        let mut b2 = body.clone();
        for (k, v) in patch.as_object().unwrap() {
            b2[k] = v.clone();
        }
        let (s, _, f, _) = error_of(
            app.post("/api/v1/programmes/imp/mentor-applications", b2, Some(&ann))
                .await,
        )
        .await;
        assert_eq!((s, f.as_deref()), (422, Some(field)));
    }
    let r = app
        .post(
            "/api/v1/programmes/imp/mentor-applications",
            body.clone(),
            Some(&ann),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let (s, _, _, msg) = error_of(
        app.post(
            "/api/v1/programmes/imp/mentor-applications",
            body.clone(),
            Some(&ann),
        )
        .await,
    )
    .await;
    assert_eq!(s, 409, "applying twice while one is open");
    assert!(msg.contains("already have an application"));

    // Another member can neither see nor decide it; its existence is not revealed.
    let bob = app.member("Bob", "bob@example.org").await;
    join(&app, "imp", &bob).await;
    assert_eq!(
        app.get(&format!("/api/v1/mentor-applications/{id}"), Some(&bob))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/mentor-applications/{id}/decision"),
            json!({"decision": "approve"}),
            Some(&bob)
        )
        .await
        .status(),
        404
    );
    let mine: Value = app
        .get("/api/v1/programmes/imp/mentor-applications", Some(&bob))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        mine.as_array().unwrap().is_empty(),
        "a member sees only their own applications"
    );
    // The office sees it but may not decide.
    let admin = app.admin_or_existing().await;
    app.post(
        "/api/v1/programmes/imp/staff",
        json!({"email": "bob@example.org", "role": "office"}),
        Some(&admin),
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/mentor-applications/{id}"), Some(&bob))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/mentor-applications/{id}/decision"),
            json!({"decision": "approve"}),
            Some(&bob)
        )
        .await
        .status(),
        403
    );
    let (s, _, field, _) = error_of(
        app.post(
            &format!("/api/v1/mentor-applications/{id}/decision"),
            json!({"decision": "maybe"}),
            Some(&director),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("decision")));
    assert_eq!(
        app.post(
            "/api/v1/mentor-applications/999999/decision",
            json!({"decision": "approve"}),
            Some(&director)
        )
        .await
        .status(),
        404
    );

    // Withdrawn by the applicant; then nothing more can happen to it.
    assert_eq!(
        app.post(
            &format!("/api/v1/mentor-applications/{id}/withdraw"),
            json!({}),
            Some(&ann)
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/mentor-applications/{id}/decision"),
            json!({"decision": "approve"}),
            Some(&director)
        )
        .await
        .status(),
        409
    );
    app.stop().await;
}

async fn programmes_without_review_list_at_once(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    programme_with_director(&app, "asm", json!({"review_mentors": false})).await;
    let t = app.member("Quinn", "quinn@example.org").await;
    join(&app, "asm", &t).await;
    let r = app
        .post(
            "/api/v1/programmes/asm/mentor-applications",
            application_body(&app, "asm", "Metallurgy and failure analysis.").await,
            Some(&t),
        )
        .await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.json::<Value>().await.unwrap()["state"], "approved");
    assert_eq!(
        names(&search(&app, "asm", &t, "q=failures").await).len(),
        1,
        "stemmed: failures ~ failure"
    );
    // Already a mentor: a second application is a conflict.
    assert_eq!(
        app.post(
            "/api/v1/programmes/asm/mentor-applications",
            application_body(&app, "asm", "Again.").await,
            Some(&t)
        )
        .await
        .status(),
        409
    );
    app.stop().await;
}

pub(crate) async fn approved_mentor(
    app: &TestApp,
    slug: &str,
    director: &str,
    name: &str,
    email: &str,
    background: &str,
    patch: Value,
) -> (String, i64) {
    let t = app.member(name, email).await;
    join(app, slug, &t).await;
    let mut body = application_body(app, slug, background).await;
    for (k, v) in patch.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = app
        .post(
            &format!("/api/v1/programmes/{slug}/mentor-applications"),
            body,
            Some(&t),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
    let a: Value = app
        .get(
            &format!("/api/v1/programmes/{slug}/mentor-applications"),
            Some(&t),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = a[0]["id"].as_i64().unwrap();
    let r = app
        .post(
            &format!("/api/v1/mentor-applications/{id}/decision"),
            json!({"decision": "approve"}),
            Some(director),
        )
        .await;
    assert_eq!(r.status(), 200);
    (t, a[0]["applicant_id"].as_i64().unwrap())
}

async fn directory_filters_paging_and_hostile_search_text(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (_, director) = programme_with_director(&app, "imp", json!({})).await;
    let (aud, exp) = taxonomy(&app, "imp").await;
    let (ana, _) = approved_mentor(&app, "imp", &director, "Ana Alves", "ana@example.org", "Teaches clinical reasoning.", json!({"audiences": [aud[0]], "expertise": [exp[1]], "languages": ["Portuguese", "English"]})).await;
    approved_mentor(
        &app,
        "imp",
        &director,
        "Ben Brown",
        "ben@example.org",
        "Researches clinical assessment.",
        json!({"audiences": [aud[1]], "expertise": [exp[0]], "capacity": 1}),
    )
    .await;
    approved_mentor(
        &app,
        "imp",
        &director,
        "Cai Chen",
        "cai@example.org",
        "Designs simulations.",
        json!({"audiences": [aud[0], aud[1]], "expertise": [exp[2]]}),
    )
    .await;
    let token = app.member("Seeker", "seeker@example.org").await;
    join(&app, "imp", &token).await;
    app.patch(
        "/api/v1/programmes/imp/mentoring",
        json!({"available": false}),
        &ana,
    )
    .await;

    assert_eq!(search(&app, "imp", &token, "").await["total"], 3);
    assert_eq!(
        names(&search(&app, "imp", &token, &format!("audience={}", aud[0])).await),
        ["Ana Alves", "Cai Chen"]
    );
    assert_eq!(
        names(
            &search(
                &app,
                "imp",
                &token,
                &format!("audience={}&expertise={}", aud[1], exp[0])
            )
            .await
        ),
        ["Ben Brown"]
    );
    assert_eq!(
        names(&search(&app, "imp", &token, "q=clinical&availability=available").await),
        ["Ben Brown"],
        "Ana is unavailable"
    );
    let flagged = search(&app, "imp", &token, "q=clinical").await;
    assert_eq!(flagged["total"], 2, "unavailable mentors stay listed");
    assert!(
        flagged["mentors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["available"] == false)
    );
    assert_eq!(
        names(&search(&app, "imp", &token, "language=portuguese").await),
        ["Ana Alves"]
    );
    assert_eq!(
        search(&app, "imp", &token, "language=portu").await["total"],
        0,
        "a whole language, not a fragment"
    );
    let page2 = search(&app, "imp", &token, "sort=name&per_page=2&page=2").await;
    assert_eq!(
        (page2["total"].as_i64(), names(&page2)),
        (Some(3), vec!["Cai Chen".to_owned()])
    );
    assert_eq!(
        search(&app, "imp", &token, "sort=capacity").await["mentors"][2]["name"],
        "Ben Brown"
    );

    // Search text with operators and quotes is searched as plain words, never a 500.
    for hostile in [
        "%22clinical",
        "clinical*",
        "NEAR(clinical%20assessment)",
        "-clinical",
        "((clinical",
        "clinical%22%20OR%20%22x",
        "%5E*%3A%22%27",
        "AND",
        "%E2%80%94",
    ] {
        let r = app
            .get(
                &format!("/api/v1/programmes/imp/mentors?q={hostile}"),
                Some(&token),
            )
            .await;
        assert_eq!(r.status(), 200, "q={hostile}");
    }
    assert_eq!(
        search(&app, "imp", &token, "q=%22clinical%20(assessment").await["total"],
        1
    );
    let (s, _, field, _) = error_of(
        app.get("/api/v1/programmes/imp/mentors?audience=abc", Some(&token))
            .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("audience")));
    let (s, _, field, _) = error_of(
        app.get("/api/v1/programmes/imp/mentors?sort=random", Some(&token))
            .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("sort")));
    // Parameters of the wrong type: a 400 in the API's error shape naming the parameter.
    for (path, name) in [
        ("/api/v1/programmes/imp/mentors?page=two", "page"),
        ("/api/v1/programmes/imp/mentors?q=x&per_page=-1", "per_page"),
        ("/api/v1/programmes/imp/mentors/abc", "user_id"),
        ("/api/v1/mentor-applications/abc/withdraw", "id"),
    ] {
        let r = if path.ends_with("withdraw") {
            app.post(path, json!({}), Some(&token)).await
        } else {
            app.get(path, Some(&token)).await
        };
        let (s, code, field, msg) = error_of(r).await;
        assert_eq!(
            (s, code.as_str(), field.as_deref()),
            (400, "invalid_parameter", Some(name)),
            "{path}: {msg}"
        );
        assert!(msg.contains(name), "{msg}");
    }
    app.stop().await;
}

async fn mentors_manage_their_listing(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (_, director) = programme_with_director(&app, "imp", json!({})).await;
    let (mia, _) = approved_mentor(
        &app,
        "imp",
        &director,
        "Mia",
        "mia@example.org",
        "Feedback literacy.",
        json!({}),
    )
    .await;
    let seeker = app.member("Seeker", "seeker@example.org").await;
    join(&app, "imp", &seeker).await;
    // The index keeps each row's JSON once written; every change below must show at once.
    let listed = |page: Value| page["mentors"][0].clone();
    let before = listed(search(&app, "imp", &seeker, "").await);
    assert_eq!(
        (&before["available"], &before["capacity"]),
        (&json!(true), &json!(2))
    );

    let until = (app.clock_now() + Duration::days(10))
        .date_naive()
        .to_string();
    let r = app
        .patch(
            "/api/v1/programmes/imp/mentoring",
            json!({"available": false, "unavailable_until": until}),
            &mia,
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.unwrap()["unavailable_until"],
        until.as_str()
    );
    assert_eq!(
        search(&app, "imp", &seeker, "availability=available").await["total"],
        0
    );
    let flagged = listed(search(&app, "imp", &seeker, "").await);
    assert_eq!(
        (&flagged["available"], &flagged["unavailable_until"]),
        (&json!(false), &json!(until)),
        "still listed, flagged unavailable"
    );
    // On the date a job makes the mentor available again.
    app.clock.advance(Duration::days(11));
    app.run_jobs().await;
    assert_eq!(
        search(&app, "imp", &seeker, "availability=available").await["total"],
        1
    );

    for (body, field) in [
        (json!({"capacity": 0}), "capacity"),
        (json!({"capacity": 25}), "capacity"),
        (
            json!({"available": false, "unavailable_until": "2001-01-01"}),
            "unavailable_until",
        ),
        (
            json!({"available": false, "unavailable_until": "soon"}),
            "unavailable_until",
        ),
    ] {
        let (s, _, f, _) = error_of(
            app.patch("/api/v1/programmes/imp/mentoring", body, &mia)
                .await,
        )
        .await;
        assert_eq!((s, f.as_deref()), (422, Some(field)));
    }
    assert_eq!(
        app.patch(
            "/api/v1/programmes/imp/mentoring",
            json!({"capacity": 5}),
            &mia
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["capacity"],
        5
    );
    let wider = listed(search(&app, "imp", &seeker, "").await);
    assert_eq!(
        (&wider["capacity"], &wider["free_places"]),
        (&json!(5), &json!(5))
    );
    assert_eq!(
        app.patch(
            "/api/v1/programmes/imp/mentoring",
            json!({"listed": false}),
            &mia
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        search(&app, "imp", &seeker, "").await["total"],
        0,
        "left the directory"
    );
    assert_eq!(
        app.patch(
            "/api/v1/programmes/imp/mentoring",
            json!({"listed": true}),
            &mia
        )
        .await
        .status(),
        200
    );
    assert_eq!(search(&app, "imp", &seeker, "").await["total"], 1);
    assert_eq!(
        app.patch(
            "/api/v1/programmes/imp/mentoring",
            json!({"capacity": 3}),
            &seeker
        )
        .await
        .status(),
        404,
        "not a mentor"
    );
    app.stop().await;
}

async fn annual_refresh_unlists_and_relists(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (_, director) = programme_with_director(
        &app,
        "imp",
        json!({"refresh_month": 1, "refresh_grace_days": 30}),
    )
    .await;
    let (mia, _) = approved_mentor(
        &app,
        "imp",
        &director,
        "Mia",
        "mia@example.org",
        "Feedback literacy.",
        json!({}),
    )
    .await;
    let (_ned, _) = approved_mentor(
        &app,
        "imp",
        &director,
        "Ned",
        "ned@example.org",
        "Curriculum maps.",
        json!({}),
    )
    .await;
    let seeker = app.member("Seeker", "seeker@example.org").await;
    join(&app, "imp", &seeker).await;
    let year = app
        .clock_now()
        .date_naive()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap()
        + 1;
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc();

    // The scheduler was down over New Year: it catches up on 5 January, once.
    app.clock.set(at(&format!("{year}-01-05T09:00:00Z")));
    app.run_jobs().await;
    app.run_jobs().await;
    let asks = app
        .mails_to("ned@example.org")
        .await
        .into_iter()
        .filter(|m| m.template == "refresh_request")
        .collect::<Vec<_>>();
    assert_eq!(asks.len(), 1, "asked once");
    let ned_link = asks[0].token("/refresh/confirm");
    let mia_token = app
        .last_mail_to("mia@example.org", "refresh_request")
        .await
        .token("/refresh/confirm");

    // Mia confirms straight away. A link can't be used by someone else who is signed in.
    let r = app
        .api()
        .post(app.url("/api/v1/refresh/confirm"))
        .bearer_auth(&seeker)
        .json(&json!({"token": mia_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        app.post(
            "/api/v1/refresh/confirm",
            json!({"token": mia_token}),
            Some(&mia)
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.post("/api/v1/refresh/confirm", json!({"token": "nope"}), None)
            .await
            .status(),
        404
    );

    // Half-way: Ned is reminded, once.
    app.clock.set(at(&format!("{year}-01-21T09:00:00Z")));
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(
        app.mails_to("ned@example.org")
            .await
            .iter()
            .filter(|m| m.template == "refresh_reminder")
            .count(),
        1
    );
    assert!(
        app.mails_to("mia@example.org")
            .await
            .iter()
            .all(|m| m.template != "refresh_reminder")
    );

    // After the grace period Ned is unlisted, told, and audited; Mia stays.
    app.clock.set(at(&format!("{year}-02-05T09:00:00Z")));
    app.run_jobs().await;
    assert_eq!(names(&search(&app, "imp", &seeker, "").await), ["Mia"]);
    assert!(
        app.mails_to("ned@example.org")
            .await
            .iter()
            .any(|m| m.template == "refresh_unlisted")
    );

    // Ned confirms with the emailed link (signed out): listed again at once.
    let r = app
        .post("/api/v1/refresh/confirm", json!({"token": ned_link}), None)
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["listed_again"], true);
    assert_eq!(search(&app, "imp", &seeker, "").await["total"], 2);

    // Next year's refresh replaces this year's links.
    app.clock.set(at(&format!("{}-01-02T09:00:00Z", year + 1)));
    app.run_jobs().await;
    let (s, code, _, _) = error_of(
        app.post("/api/v1/refresh/confirm", json!({"token": ned_link}), None)
            .await,
    )
    .await;
    assert_eq!((s, code.as_str()), (410, "link_gone"));
    app.stop().await;
}

both_backends!(mentoring_pages_check_access);

/// The pages enforce the same rules as the API.
async fn mentoring_pages_check_access(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (_, director) = programme_with_director(&app, "imp", json!({})).await;
    let (_, mia_id) = approved_mentor(
        &app,
        "imp",
        &director,
        "Mia",
        "mia@example.org",
        "Feedback literacy.",
        json!({}),
    )
    .await;
    let bob = app.member("Bob", "bob@example.org").await;
    join(&app, "imp", &bob).await;
    let r = app
        .post(
            "/api/v1/programmes/imp/mentor-applications",
            application_body(&app, "imp", "Bob's background.").await,
            Some(&bob),
        )
        .await;
    let bob_app = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.member("Out", "out@example.org").await;

    let signed_in = |email: &'static str| {
        let browser = app.browser();
        let url = app.url("/sign-in");
        async move {
            let r = browser
                .post(url)
                .form(&[("email", email), ("password", crate::helpers::PASSWORD)])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303);
            browser
        }
    };
    let out = signed_in("out@example.org").await;
    assert_eq!(
        out.get(app.url("/programmes/imp/mentors"))
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "not a member"
    );
    assert_eq!(
        out.get(app.url(&format!("/programmes/imp/mentors/{mia_id}")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        out.get(app.url(&format!("/applications/{bob_app}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        app.browser()
            .get(app.url("/programmes/imp/mentors"))
            .send()
            .await
            .unwrap()
            .status(),
        303,
        "signed out: to sign in"
    );

    let mia = signed_in("mia@example.org").await;
    let html = mia
        .get(app.url("/programmes/imp/mentors?q=feedback"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("1 mentor found"), "{html}");
    assert!(
        html.contains(" · Assessment</p>"),
        "the card lists the mentor's audiences, then expertise: {html}"
    );
    assert_eq!(
        mia.get(app.url("/programmes/imp/applications"))
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "a mentor is not staff"
    );
    assert_eq!(
        mia.get(app.url(&format!("/applications/{bob_app}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let r = mia
        .get(app.url("/programmes/imp/mentors?q=%22feedback%20NEAR(x*&sort=random"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "a bad sort is named, hostile text is fine");

    let dana = signed_in("director@imp.example.org").await;
    let html = dana
        .get(app.url("/programmes/imp/applications"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Bob") && !html.contains(">Mia<"),
        "the queue holds open applications only"
    );
    let html = dana
        .get(app.url(&format!("/applications/{bob_app}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Send the decision"));
    let csrf = crate::helpers::csrf_of(&html);
    let r = dana
        .post(app.url(&format!("/applications/{bob_app}/decision")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("decision", "decline"),
            ("message", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "a reason is needed to decline");
    let r = dana
        .post(app.url(&format!("/applications/{bob_app}/decision")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("decision", "approve"),
            ("message", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = dana
        .post(app.url(&format!("/applications/{bob_app}/decision")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("decision", "approve"),
            ("message", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "deciding twice");
    app.stop().await;
}

both_backends!(director_is_reminded_before_the_target);

async fn director_is_reminded_before_the_target(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (admin, director) =
        programme_with_director(&app, "imp", json!({"application_target_days": 28})).await;
    app.member("Olga Office", "olga@example.org").await;
    app.post(
        "/api/v1/programmes/imp/staff",
        json!({"email": "olga@example.org", "role": "office"}),
        Some(&admin),
    )
    .await;
    let ann = app.member("Ann", "ann@example.org").await;
    let ben = app.member("Ben", "ben@example.org").await;
    join(&app, "imp", &ann).await;
    join(&app, "imp", &ben).await;
    let ann_app = app
        .post(
            "/api/v1/programmes/imp/mentor-applications",
            application_body(&app, "imp", "Ann's background.").await,
            Some(&ann),
        )
        .await;
    assert_eq!(ann_app.status(), 201);
    let ben_app = app
        .post(
            "/api/v1/programmes/imp/mentor-applications",
            application_body(&app, "imp", "Ben's background.").await,
            Some(&ben),
        )
        .await;
    let ben_id = ben_app.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    // Ben's is decided early: no reminder for it.
    app.post(
        &format!("/api/v1/mentor-applications/{ben_id}/decision"),
        json!({"decision": "approve"}),
        Some(&director),
    )
    .await;

    let reminders = |mails: Vec<crate::helpers::Mail>| {
        mails
            .into_iter()
            .filter(|m| m.template == "application_reminder")
            .collect::<Vec<_>>()
    };
    app.clock.advance(Duration::days(20));
    assert!(
        reminders(app.mails_to("director@imp.example.org").await).is_empty(),
        "not yet"
    );
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    let sent = reminders(app.mails_to("director@imp.example.org").await);
    assert_eq!(sent.len(), 1, "a week before the 28-day target");
    assert!(sent[0].subject.contains("Ann"));
    assert_eq!(
        reminders(app.mails_to("olga@example.org").await).len(),
        1,
        "the office too"
    );
    app.run_jobs().await;
    assert_eq!(
        reminders(app.mails_to("director@imp.example.org").await).len(),
        1,
        "once"
    );
    let q: Value = app
        .get(
            "/api/v1/programmes/imp/mentor-applications",
            Some(&director),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q[0]["target_status"], "near");
    app.clock.advance(Duration::days(8));
    let q: Value = app
        .get(
            "/api/v1/programmes/imp/mentor-applications",
            Some(&director),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q[0]["target_status"], "overdue");
    app.stop().await;
}

both_backends!(only_admins_edit_taxonomies);

async fn only_admins_edit_taxonomies(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (admin, director) = programme_with_director(&app, "imp", json!({})).await;
    let body = json!({"kind": "expertise", "label": "Leadership"});
    assert_eq!(
        app.post(
            "/api/v1/programmes/imp/taxonomy",
            body.clone(),
            Some(&director)
        )
        .await
        .status(),
        403,
        "not even the director"
    );
    assert_eq!(
        app.post("/api/v1/programmes/imp/taxonomy", body.clone(), None)
            .await
            .status(),
        401
    );
    assert_eq!(
        app.post(
            "/api/v1/programmes/imp/taxonomy",
            body.clone(),
            Some(&admin)
        )
        .await
        .status(),
        201
    );
    let (s, _, field, _) = error_of(
        app.post("/api/v1/programmes/imp/taxonomy", body, Some(&admin))
            .await,
    )
    .await;
    assert_eq!(
        (s, field.as_deref()),
        (422, Some("label")),
        "a duplicate label"
    );
    let (s, _, field, _) = error_of(
        app.post(
            "/api/v1/programmes/imp/taxonomy",
            json!({"kind": "mood", "label": "x"}),
            Some(&admin),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("kind")));

    // Retiring a term takes it out of the choices; an application naming it is refused.
    let (_, exp) = taxonomy(&app, "imp").await;
    let r = app
        .patch(
            &format!("/api/v1/programmes/imp/taxonomy/{}", exp[0]),
            json!({"retired": true}),
            &admin,
        )
        .await;
    assert_eq!(r.status(), 200);
    let (_, after) = taxonomy(&app, "imp").await;
    assert!(!after.contains(&exp[0]));
    assert_eq!(
        app.patch(
            &format!("/api/v1/programmes/imp/taxonomy/{}", exp[1]),
            json!({"label": "Renamed"}),
            &director
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.patch(
            "/api/v1/programmes/imp/taxonomy/999999",
            json!({"label": "Nope"}),
            &admin
        )
        .await
        .status(),
        404
    );
    let t = app.member("Tia", "tia@example.org").await;
    join(&app, "imp", &t).await;
    let mut body = application_body(&app, "imp", "Background.").await;
    body["expertise"] = json!([exp[0]]);
    let (s, _, field, _) = error_of(
        app.post("/api/v1/programmes/imp/mentor-applications", body, Some(&t))
            .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("expertise")));
    app.stop().await;
}

/// The names a search through one store (one instance's in-memory index) finds, reading the
/// programme row first as a request does.
async fn found_by(store: &trellis_store::Store, slug: &str, q: Search) -> Vec<String> {
    let p = trellis_store::programmes::by_slug(&store.db, slug)
        .await
        .unwrap()
        .unwrap();
    store
        .directory
        .search(&store.db, &p, &Search { limit: 20, ..q })
        .await
        .unwrap()
        .mentors
        .into_iter()
        .map(|m| m.row.name.clone())
        .collect()
}

/// The directory is searched in memory, one index per instance: every change it shows reaches
/// the index of the instance that made it and of a second instance on the same database.
async fn directory_stays_in_step_across_instances(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (admin, director) = programme_with_director(&app, "imp", json!({})).await;
    let (mia, mia_id) = approved_mentor(
        &app,
        "imp",
        &director,
        "Mia",
        "mia@example.org",
        "Feedback literacy.",
        json!({}),
    )
    .await;
    let seeker = app.member("Seeker", "seeker@example.org").await;
    join(&app, "imp", &seeker).await;
    let other = trellis_store::connect(&app.config.database_url())
        .await
        .unwrap();
    let words = |w: &str| Search {
        words: search_words(w),
        ..Search::default()
    };
    // Both indexes are built now.
    assert_eq!(
        names(&search(&app, "imp", &seeker, "q=literacies").await),
        ["Mia"]
    );
    assert_eq!(found_by(&other, "imp", words("literacies")).await, ["Mia"]);

    // The person's name and place (the users table).
    let r = app
        .patch(
            "/api/v1/me",
            json!({"name": "Mia Quinn", "location": "Galway", "manager_email": "boss@example.org"}),
            &mia,
        )
        .await;
    assert_eq!(r.status(), 200);
    // The manager's address is hers alone: never in the directory or her profile there.
    let listing = search(&app, "imp", &seeker, "q=quinn").await.to_string();
    let profile = app
        .get(
            &format!("/api/v1/programmes/imp/mentors/{mia_id}"),
            Some(&seeker),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        listing.contains("Mia Quinn") && profile.contains("Mia Quinn"),
        "{profile}"
    );
    assert!(
        !listing.contains("boss@") && !profile.contains("boss@"),
        "{listing} {profile}"
    );
    let in_galway = || Search {
        place: Some("galway".into()),
        ..Search::default()
    };
    assert_eq!(found_by(&other, "imp", in_galway()).await, ["Mia Quinn"]);
    assert_eq!(found_by(&other, "imp", words("quinn")).await, ["Mia Quinn"]);
    assert_eq!(
        names(&search(&app, "imp", &seeker, "place=Galway").await),
        ["Mia Quinn"]
    );

    // The listing itself (the mentors table).
    let r = app
        .patch(
            "/api/v1/programmes/imp/mentoring",
            json!({"available": false}),
            &mia,
        )
        .await;
    assert_eq!(r.status(), 200);
    let available = || Search {
        availability: Some(AvailabilityFilter::Available),
        ..Search::default()
    };
    assert!(found_by(&other, "imp", available()).await.is_empty());
    assert_eq!(
        search(&app, "imp", &seeker, "availability=available").await["total"],
        0
    );

    // A new mentor with their terms (mentor_terms), approved on the first instance.
    approved_mentor(
        &app,
        "imp",
        &director,
        "Noor",
        "noor@example.org",
        "Simulation teaching.",
        json!({}),
    )
    .await;
    assert_eq!(found_by(&other, "imp", words("teach")).await, ["Noor"]);
    assert_eq!(found_by(&other, "imp", available()).await, ["Noor"]);
    let (_, exp) = taxonomy(&app, "imp").await;
    let with_expertise = || Search {
        expertise: Some(exp[0]),
        ..Search::default()
    };
    assert_eq!(
        found_by(&other, "imp", with_expertise()).await,
        ["Mia Quinn", "Noor"]
    );

    // The taxonomy the index holds: a new term is accepted at once, a retired one refused.
    let r = app
        .post(
            "/api/v1/programmes/imp/taxonomy",
            json!({"kind": "expertise", "label": "Ethics"}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status(), 201);
    let ethics = r.json::<Value>().await.unwrap()["expertise"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "Ethics")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let with = |id: i64| Search {
        expertise: Some(id),
        ..Search::default()
    };
    assert!(found_by(&other, "imp", with(ethics)).await.is_empty());
    let r = app
        .patch(
            &format!("/api/v1/programmes/imp/taxonomy/{}", exp[0]),
            json!({"retired": true}),
            &admin,
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    let p = trellis_store::programmes::by_slug(&other.db, "imp")
        .await
        .unwrap()
        .unwrap();
    let refused = other.directory.search(&other.db, &p, &with(exp[0])).await;
    assert!(
        matches!(
            refused,
            Err(trellis_store::StoreError::NotInList { field: "expertise" })
        ),
        "a retired term is refused on the other instance: {refused:?}"
    );
    let (status, _, field, _) = error_of(
        app.get(
            &format!("/api/v1/programmes/imp/mentors?expertise={}", exp[0]),
            Some(&seeker),
        )
        .await,
    )
    .await;
    assert_eq!((status, field.as_deref()), (422, Some("expertise")));

    // A mentor row removed by hand on the second instance: the first rebuilds its index.
    use trellis_store::ConnectionTrait;
    other
        .db
        .execute_unprepared("DELETE FROM mentors WHERE name = 'Noor'")
        .await
        .unwrap();
    assert!(names(&search(&app, "imp", &seeker, "q=teaching").await).is_empty());
    assert_eq!(
        names(&search(&app, "imp", &seeker, "").await),
        ["Mia Quinn"]
    );
    app.stop().await;
}

/// PostgreSQL: the triggers that bump the directory version run at commit, so two
/// transactions changing mentors of one programme in opposite order do not deadlock on the
/// programme row. A holds mentor 1 and will want mentor 2; B holds mentor 2 and commits. With
/// the version bumped as each row changes, B would wait for the programme row A holds and A
/// for B's mentor: a deadlock (and B would never get past its first change, which the timeout
/// below catches).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_mentor_changes_in_parallel_do_not_deadlock() {
    use std::time::Duration;
    use trellis_store::ConnectionTrait;
    let Some(app) = TestApp::spawn(crate::helpers::Backend::Postgres).await else {
        assert!(!crate::helpers::postgres_required());
        return;
    };
    let (_, director) = programme_with_director(&app, "imp", json!({})).await;
    for (name, email) in [("Mia", "mia@example.org"), ("Noor", "noor@example.org")] {
        approved_mentor(&app, "imp", &director, name, email, "Feedback.", json!({})).await;
    }
    let store = trellis_store::connect(&app.config.database_url())
        .await
        .unwrap();
    let touch =
        |name: &str| format!("UPDATE mentors SET capacity = capacity + 1 WHERE name = '{name}'");
    let a = store.begin().await.unwrap();
    a.execute_unprepared(&touch("Mia")).await.unwrap();
    let (held_tx, held) = tokio::sync::oneshot::channel();
    let (go_tx, go) = tokio::sync::oneshot::channel::<()>();
    let b_db = store.db.clone();
    let b_update = touch("Noor");
    let b = tokio::spawn(async move {
        let b = trellis_store::begin(&b_db).await.unwrap();
        b.execute_unprepared(&b_update).await.unwrap();
        held_tx.send(()).unwrap();
        go.await.unwrap();
        b.commit().await
    });
    tokio::time::timeout(Duration::from_secs(20), held)
        .await
        .expect("B changed its mentor while A holds another")
        .unwrap();
    let a_update = touch("Noor");
    let a_second = tokio::spawn(async move {
        let r = a.execute_unprepared(&a_update).await.map(|_| ());
        (a, r)
    });
    go_tx.send(()).unwrap();
    let b_done = tokio::time::timeout(Duration::from_secs(20), b)
        .await
        .expect("B commits")
        .unwrap();
    assert!(b_done.is_ok(), "B: {b_done:?}");
    let (a, a_result) = tokio::time::timeout(Duration::from_secs(20), a_second)
        .await
        .expect("A gets the mentor B released")
        .unwrap();
    assert!(a_result.is_ok(), "A: {a_result:?}");
    a.commit().await.unwrap();
    // Both changes reached the directory.
    let seeker = app.member("Seeker", "seeker@example.org").await;
    join(&app, "imp", &seeker).await;
    let all = search(&app, "imp", &seeker, "sort=capacity").await;
    let capacities: Vec<i64> = all["mentors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["capacity"].as_i64().unwrap())
        .collect();
    assert_eq!(capacities, [4, 3], "{all}");
    app.stop().await;
}

/// The directory's API reads the bearer token, the programme and the person's standing in one
/// query: each of them can still refuse the request, and a browser session still works.
async fn the_directory_checks_token_and_programme_together(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (_, director) = programme_with_director(&app, "imp", json!({})).await;
    let (_, mia_id) = approved_mentor(
        &app,
        "imp",
        &director,
        "Mia",
        "mia@example.org",
        "Feedback literacy.",
        json!({"tags": ["simulation", "debriefing"], "languages": ["English", "French"]}),
    )
    .await;
    let bob = app.member("Bob", "bob@example.org").await;
    join(&app, "imp", &bob).await;

    let found: Value = app
        .get("/api/v1/programmes/imp/mentors?q=feedback", Some(&bob))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["mentors"][0]["user_id"], mia_id);
    assert_eq!(
        found["mentors"][0]["tags"],
        json!(["simulation", "debriefing"])
    );
    assert_eq!(
        found["mentors"][0]["languages"],
        json!(["English", "French"])
    );
    let profile = app
        .get(
            &format!("/api/v1/programmes/imp/mentors/{mia_id}"),
            Some(&bob),
        )
        .await;
    assert_eq!(profile.status(), 200);
    assert_eq!(profile.json::<Value>().await.unwrap()["name"], "Mia");

    // No such programme: 404 with a live token, 401 with a dead one (who asks comes first).
    for path in [
        "/api/v1/programmes/nope/mentors".to_owned(),
        format!("/api/v1/programmes/nope/mentors/{mia_id}"),
    ] {
        let (s, code, _, _) = error_of(app.get(&path, Some(&bob)).await).await;
        assert_eq!((s, code.as_str()), (404, "not_found"), "{path}");
        assert_eq!(app.get(&path, Some("not-a-token")).await.status(), 401);
    }
    assert_eq!(
        app.get("/api/v1/programmes/imp/mentors", Some("not-a-token"))
            .await
            .status(),
        401
    );
    // The standing comes with the token: the director has a staff role without joining and
    // sees the directory; someone who has not joined is refused.
    assert_eq!(
        app.get("/api/v1/programmes/imp/mentors", Some(&director))
            .await
            .status(),
        200
    );
    let outsider = app.member("Olly Outsider", "olly@example.org").await;
    assert_eq!(
        app.get("/api/v1/programmes/imp/mentors", Some(&outsider))
            .await
            .status(),
        403
    );

    // The same search from a signed-in browser (session cookie, no token).
    let (browser, _) = crate::pages::signed_in(&app, "bob@example.org").await;
    let via_session: Value = browser
        .get(app.url("/api/v1/programmes/imp/mentors?q=feedback"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(via_session["mentors"][0]["user_id"], mia_id);

    // A change made through another connection to the database — as another process, such
    // as `trellis jobs run` from cron, makes it — is seen on the very next request, however
    // often the same token asked before: Olly joins there, then Bob's token is revoked there.
    let other = trellis_store::connect(&app.config.database_url())
        .await
        .unwrap();
    let imp = trellis_store::programmes::by_slug(&other.db, "imp")
        .await
        .unwrap()
        .unwrap();
    let ids = trellis_store::accounts::ids_by_email(
        &other.db,
        &["olly@example.org", "bob@example.org"]
            .map(|e| trellis_domain::account::Email::parse("email", e).unwrap()),
    )
    .await
    .unwrap();
    let (olly_id, bob_id) = (ids["olly@example.org"], ids["bob@example.org"]);
    for _ in 0..3 {
        let r = app
            .get("/api/v1/programmes/imp/mentors", Some(&outsider))
            .await;
        assert_eq!(r.status(), 403);
    }
    assert!(
        trellis_store::programmes::join(&other.db, imp.id, olly_id, app.clock.now())
            .await
            .unwrap()
    );
    assert_eq!(
        app.get("/api/v1/programmes/imp/mentors", Some(&outsider))
            .await
            .status(),
        200
    );
    let tokens = trellis_store::accounts::list_api_tokens(&other.db, bob_id)
        .await
        .unwrap();
    for _ in 0..3 {
        let r = app
            .get("/api/v1/programmes/imp/mentors?q=feedback", Some(&bob))
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(app.get("/api/v1/me", Some(&bob)).await.status(), 200);
    }
    assert!(
        trellis_store::accounts::revoke_api_token(&other.db, bob_id, tokens[0].id, app.clock.now())
            .await
            .unwrap()
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/programmes/imp/mentors/{mia_id}"),
            Some(&bob)
        )
        .await
        .status(),
        401
    );
    assert_eq!(app.get("/api/v1/me", Some(&bob)).await.status(), 401);
    let bob = app.token_for("bob@example.org").await;

    // A revoked token is refused at once.
    let tokens: Value = app
        .get("/api/v1/tokens", Some(&bob))
        .await
        .json()
        .await
        .unwrap();
    let id = tokens[0]["id"].as_i64().unwrap();
    assert_eq!(
        app.delete(&format!("/api/v1/tokens/{id}"), &bob)
            .await
            .status(),
        204
    );
    assert_eq!(
        app.get("/api/v1/programmes/imp/mentors?q=feedback", Some(&bob))
            .await
            .status(),
        401
    );
    app.stop().await;
}
