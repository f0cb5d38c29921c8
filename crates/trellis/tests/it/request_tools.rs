//! Around the cascade: staff nudging and re-routing without reading the mentee's words, the
//! notification centre, the CV upload, the limit on relationships per member, and the request
//! pages (shortlist from the directory, the form re-shown with what was typed).

use crate::both_backends;
use crate::helpers::Backend;
use crate::helpers::{TestApp, csrf_of, error_of};
use crate::mentoring::{approved_mentor, join, programme_with_director};
use crate::pages::signed_in;
use crate::requests::{Setup, request_body, setup};
use serde_json::{Value, json};

both_backends!(
    staff_nudge_and_reroute_never_see_the_words,
    notification_centre_counts_and_marks,
    cv_upload_is_a_pdf_of_at_most_5_mb_for_two_readers,
    one_relationship_at_a_time_when_the_programme_says_so,
    request_pages_shortlist_form_and_timeline,
);

async fn new_request(app: &TestApp, mentee: &str, choices: &[i64]) -> i64 {
    let r = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(choices),
            Some(mentee),
        )
        .await;
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn office(app: &TestApp) -> String {
    let admin = app.admin_or_existing().await;
    let office = app.member("Olu Office", "office@example.org").await;
    let r = app
        .post(
            "/api/v1/programmes/imp/staff",
            json!({"email": "office@example.org", "role": "office"}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status(), 201);
    office
}

async fn staff_nudge_and_reroute_never_see_the_words(b: Backend) {
    let Some(Setup {
        app,
        director,
        mentors,
        mentee,
        ..
    }) = setup(b, 2).await
    else {
        return;
    };
    let office = office(&app).await;
    let id = new_request(&app, &mentee, &[mentors[0].1, mentors[1].1]).await;
    let path = |a: &str| format!("/api/v1/requests/{id}/{a}");

    // The office sees where it is, never what the mentee wrote.
    let seen: Value = app
        .get(&format!("/api/v1/requests/{id}"), Some(&office))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["status"], "offered");
    assert_eq!(seen["with_mentor_name"], "Ana Mentor");
    assert!(seen["details"].is_null() && seen["cv"].is_null(), "{seen}");
    let queue: Value = app
        .get("/api/v1/programmes/imp/requests", Some(&office))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue["queue"][0]["id"], id);
    assert!(queue["queue"][0]["details"].is_null());

    // Unless the mentee shares it: then the office reads it, until the mentee stops sharing.
    for who in [&office, &mentors[0].0] {
        assert_eq!(
            app.post(&path("share"), json!({"shared": true}), Some(who))
                .await
                .status(),
            403,
            "only the mentee shares"
        );
    }
    let shared: Value = app
        .post(&path("share"), json!({"shared": true}), Some(&mentee))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shared["shared_with_staff"], true);
    let seen: Value = app
        .get(&format!("/api/v1/requests/{id}"), Some(&office))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        seen["details"]["goals"],
        "Prepare for my first consultant interview next spring"
    );
    app.post(&path("share"), json!({"shared": false}), Some(&mentee))
        .await;
    let seen: Value = app
        .get(&format!("/api/v1/requests/{id}"), Some(&office))
        .await
        .json()
        .await
        .unwrap();
    assert!(seen["details"].is_null(), "private again");

    // Nudge: the office may, once a day; the mentee and the mentors may not.
    for who in [&mentee, &mentors[0].0, &mentors[1].0] {
        assert_eq!(
            app.post(&path("nudge"), json!({}), Some(who))
                .await
                .status(),
            403
        );
    }
    assert_eq!(
        app.post(&path("nudge"), json!({}), Some(&office))
            .await
            .status(),
        200
    );
    let nudge = app
        .last_mail_to("mentor0@example.org", "request_nudge")
        .await;
    assert!(nudge.text.contains("Mo Mentee"), "{}", nudge.text);
    let (s, _, _, msg) = error_of(app.post(&path("nudge"), json!({}), Some(&office)).await).await;
    assert_eq!(s, 409);
    assert!(msg.contains("already asked"), "{msg}");

    // The office cannot do the director's part.
    assert_eq!(
        app.post(
            &path("offer"),
            json!({"mentor_id": mentors[1].1}),
            Some(&office)
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.post(
            &path("close"),
            json!({"message": "No mentor for now"}),
            Some(&office)
        )
        .await
        .status(),
        403
    );

    // Re-route: the first mentor is told and can no longer accept; the second has it now.
    assert_eq!(
        app.post(&path("reroute"), json!({}), Some(&mentee))
            .await
            .status(),
        403
    );
    let after: Value = app
        .post(&path("reroute"), json!({}), Some(&office))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["with_mentor_name"], "Ben Mentor");
    assert!(after["details"].is_null(), "still no words for the office");
    assert!(
        after["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "rerouted" && e["mentor_name"] == "Ana Mentor")
    );
    app.last_mail_to("mentor0@example.org", "request_rerouted")
        .await;
    app.last_mail_to("mentor1@example.org", "request_offered")
        .await;
    assert_eq!(
        app.post(&path("accept"), json!({}), Some(&mentors[0].0))
            .await
            .status(),
        403
    );
    // The second mentor can be nudged at once (the daily limit is per mentor).
    assert_eq!(
        app.post(&path("nudge"), json!({}), Some(&office))
            .await
            .status(),
        200
    );
    // The last choice re-routed: to the director; nothing left to re-route.
    let after: Value = app
        .post(&path("reroute"), json!({}), Some(&director))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["status"], "with_director");
    let (s, _, _, msg) = error_of(app.post(&path("reroute"), json!({}), Some(&office)).await).await;
    assert_eq!(s, 409);
    assert!(msg.contains("not waiting for a mentor"), "{msg}");
    app.last_mail_to("director@imp.example.org", "request_to_director")
        .await;
    app.stop().await;
}

async fn notification_centre_counts_and_marks(b: Backend) {
    let Some(Setup {
        app,
        mentors,
        mentee,
        ..
    }) = setup(b, 2).await
    else {
        return;
    };
    let empty: Value = app
        .get("/api/v1/notifications", Some(&mentee))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(empty["unread"], 0);
    // The mentors' applications were answered in the app as well as by email; they read those
    // first, so that what follows counts the request's notifications only.
    let ben: Value = app
        .get("/api/v1/notifications", Some(&mentors[1].0))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        ben["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["link"] == "/programmes/imp/mentoring"),
        "the approval reached the notification centre: {ben}"
    );
    app.post(
        "/api/v1/notifications/read-all",
        json!({}),
        Some(&mentors[1].0),
    )
    .await;
    let id = new_request(&app, &mentee, &[mentors[0].1, mentors[1].1]).await;
    app.post(
        &format!("/api/v1/requests/{id}/decline"),
        json!({"reason": "Away"}),
        Some(&mentors[0].0),
    )
    .await;
    // Every email of the flow has its in-app copy: with Ana, Ana declined, with Ben.
    let n: Value = app
        .get("/api/v1/notifications", Some(&mentee))
        .await
        .json()
        .await
        .unwrap();
    let subjects: Vec<&str> = n["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["subject"].as_str().unwrap())
        .collect();
    assert_eq!(n["unread"], 3, "{subjects:?}");
    assert!(
        subjects[0].contains("with Ben Mentor"),
        "newest first: {subjects:?}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("Ana Mentor is not able"))
    );
    assert_eq!(n["items"][0]["link"], format!("/requests/{id}"));
    let mails = app
        .mails_to("mo@example.org")
        .await
        .iter()
        .filter(|m| m.template.starts_with("request_"))
        .count();
    assert_eq!(mails, 3, "one email for each notification");
    // The mentor's offer reached their centre too.
    let m: Value = app
        .get("/api/v1/notifications", Some(&mentors[1].0))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m["unread"], 1);
    let theirs = m["items"][0]["id"].as_i64().unwrap();
    // Nobody marks someone else's.
    assert_eq!(
        app.post(
            &format!("/api/v1/notifications/{theirs}/read"),
            json!({}),
            Some(&mentee)
        )
        .await
        .status(),
        404
    );
    let first = n["items"][0]["id"].as_i64().unwrap();
    assert_eq!(
        app.post(
            &format!("/api/v1/notifications/{first}/read"),
            json!({}),
            Some(&mentee)
        )
        .await
        .status(),
        200
    );
    let n: Value = app
        .get("/api/v1/notifications", Some(&mentee))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(n["unread"], 2);
    assert!(!n["items"][0]["read_at"].is_null());
    let all: Value = app
        .post("/api/v1/notifications/read-all", json!({}), Some(&mentee))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["marked"], 2);
    let n: Value = app
        .get("/api/v1/notifications", Some(&mentee))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(n["unread"], 0);
    // The mentor's stayed unread.
    let m: Value = app
        .get("/api/v1/notifications", Some(&mentors[1].0))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m["unread"], 1);
    app.stop().await;
}

fn pdf(len: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n% a test CV\n".to_vec();
    v.resize(len, b'x');
    v
}

async fn put_cv(app: &TestApp, id: i64, token: &str, body: Vec<u8>) -> reqwest::Response {
    app.api()
        .put(app.url(&format!("/api/v1/requests/{id}/cv")))
        .bearer_auth(token)
        .header("content-type", "application/pdf")
        .header("x-file-name", "../My CV.pdf")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn get_cv(app: &TestApp, id: i64, token: &str) -> reqwest::Response {
    app.get(&format!("/api/v1/requests/{id}/cv"), Some(token))
        .await
}

async fn cv_upload_is_a_pdf_of_at_most_5_mb_for_two_readers(b: Backend) {
    let Some(Setup {
        app,
        director,
        mentors,
        mentee,
        ..
    }) = setup(b, 2).await
    else {
        return;
    };
    let id = new_request(&app, &mentee, &[mentors[0].1, mentors[1].1]).await;
    assert_eq!(get_cv(&app, id, &mentee).await.status(), 404, "none yet");
    // Not a PDF (whatever it is called); too large just over the limit; far too large.
    for (body, why) in [
        (b"PK\x03\x04 a word file".to_vec(), "PDF"),
        (pdf(5 * 1024 * 1024 + 1), "5 MB"),
        (pdf(9 * 1024 * 1024), "5 MB"),
    ] {
        let (s, _, field, msg) = error_of(put_cv(&app, id, &mentee, body).await).await;
        assert_eq!((s, field.as_deref()), (422, Some("cv")), "{msg}");
        assert!(msg.contains(why), "{msg}");
    }
    assert_eq!(
        get_cv(&app, id, &mentee).await.status(),
        404,
        "nothing kept"
    );
    // Only the mentee attaches.
    assert_eq!(
        put_cv(&app, id, &mentors[0].0, pdf(100)).await.status(),
        403
    );
    let cv = pdf(5 * 1024 * 1024);
    assert_eq!(put_cv(&app, id, &mentee, cv.clone()).await.status(), 204);
    // The mentee and the mentor it is with read it, as a download.
    for who in [&mentee, &mentors[0].0] {
        let r = get_cv(&app, id, who).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert_eq!(
            r.headers()["content-disposition"],
            "attachment; filename=\"My CV.pdf\""
        );
        assert_eq!(r.bytes().await.unwrap().len(), cv.len());
    }
    let view: Value = app
        .get(&format!("/api/v1/requests/{id}"), Some(&mentee))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["cv"]["file_name"], "My CV.pdf");
    // The second choice (not yet reached) and the director do not; a stranger does not see
    // the request exists.
    assert_eq!(get_cv(&app, id, &mentors[1].0).await.status(), 403);
    assert_eq!(get_cv(&app, id, &director).await.status(), 403);
    let staff_view: Value = app
        .get(&format!("/api/v1/requests/{id}"), Some(&director))
        .await
        .json()
        .await
        .unwrap();
    assert!(staff_view["cv"].is_null());
    let stranger = app.member("Stranger", "stranger@example.org").await;
    assert_eq!(get_cv(&app, id, &stranger).await.status(), 404);
    // A closed request's CV cannot change.
    app.post(
        &format!("/api/v1/requests/{id}/withdraw"),
        json!({}),
        Some(&mentee),
    )
    .await;
    let (s, _, _, msg) = error_of(put_cv(&app, id, &mentee, pdf(100)).await).await;
    assert_eq!(s, 409);
    assert!(msg.contains("withdrawn"), "{msg}");
    app.stop().await;
}

async fn one_relationship_at_a_time_when_the_programme_says_so(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (_, director) =
        programme_with_director(&app, "imp", json!({"max_relationships_per_member": 1})).await;
    let mut mentors = Vec::new();
    for (name, email) in [
        ("Ana Mentor", "ana@example.org"),
        ("Ben Mentor", "ben@example.org"),
    ] {
        mentors.push(
            approved_mentor(&app, "imp", &director, name, email, "Teaching.", json!({})).await,
        );
    }
    let mentee = app.member("Mo Mentee", "mo@example.org").await;
    join(&app, "imp", &mentee).await;
    let id = new_request(&app, &mentee, &[mentors[0].1]).await;
    assert_eq!(
        app.post(
            &format!("/api/v1/requests/{id}/accept"),
            json!({}),
            Some(&mentors[0].0)
        )
        .await
        .status(),
        200
    );
    let (s, _, _, msg) = error_of(
        app.post(
            "/api/v1/programmes/imp/requests",
            request_body(&[mentors[1].1]),
            Some(&mentee),
        )
        .await,
    )
    .await;
    assert_eq!(s, 409);
    assert!(msg.contains("the most it allows"), "{msg}");
    app.stop().await;
}

/// A multipart form as the request page sends it.
fn request_form(csrf: &str, goals: &str, choice: &str, cv: Vec<u8>) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("csrf_token", csrf.to_owned())
        .text("choice_1", choice.to_owned())
        .text("choice_2", "")
        .text("goals", goals.to_owned())
        .text("focus", "broader_skills")
        .text("channels", "video")
        .text("channels", "phone")
        .part(
            "cv",
            reqwest::multipart::Part::bytes(cv)
                .file_name("cv.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        )
}

async fn request_pages_shortlist_form_and_timeline(b: Backend) {
    let Some(Setup {
        app,
        mentors,
        mentee: _,
        ..
    }) = setup(b, 2).await
    else {
        return;
    };
    let (browser, csrf) = signed_in(&app, "mo@example.org").await;
    let page = |p: &str| browser.get(app.url(p)).send();
    // Choose Ana in the directory: the button goes back to the same directory page.
    let directory = page("/programmes/imp/mentors?q=teaching")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(directory.contains("Choose<span class=\"visually-hidden\"> Ana Mentor"));
    let ana = mentors[0].1.to_string();
    let r = browser
        .post(app.url("/programmes/imp/shortlist"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("mentor_id", ana.as_str()),
            ("action", "add"),
            ("back", "/programmes/imp/mentors?q=teaching&page=1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        "/programmes/imp/mentors?q=teaching&page=1"
    );
    // Never back to another site.
    let r = browser
        .post(app.url("/programmes/imp/shortlist"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("mentor_id", ana.as_str()),
            ("back", "https://evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/programmes/imp/requests/new");
    let form = page("/programmes/imp/requests/new")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        form.contains(&format!("<option value=\"{ana}\" selected>Ana Mentor")),
        "{form}"
    );

    // A file that is not a PDF and vague goals: both reported, what was typed kept.
    let r = browser
        .post(app.url("/programmes/imp/requests/new"))
        .multipart(request_form(&csrf, "Grow", &ana, b"GIF89a".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("The file must be a PDF"), "{html}");
    assert!(html.contains("Describe your goals"), "{html}");
    assert!(html.contains(">Grow</textarea>"));
    assert!(html.contains("value=\"phone\" checked"));
    assert!(html.contains("value=\"broader_skills\" checked"));
    // A file too large: reported on the field, the goals typed before it kept.
    let goals = "Learn to lead a teaching programme for our new registrars";
    let r = browser
        .post(app.url("/programmes/imp/requests/new"))
        .multipart(request_form(&csrf, goals, &ana, pdf(9 * 1024 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("larger than 5 MB"));
    assert!(html.contains(goals));
    assert!(
        app.get(
            "/api/v1/programmes/imp/requests",
            Some(&app.token_for("mo@example.org").await)
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["mine"]
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing half-written"
    );
    // Continue: the answers to check, the CV carried along, nothing sent yet.
    let r = browser
        .post(app.url("/programmes/imp/requests/new"))
        .multipart(request_form(&csrf, goals, &ana, pdf(2000)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Check your request before sending it"),
        "{html}"
    );
    assert!(html.contains("cv.pdf (PDF, 2 KB)") && html.contains(goals));
    assert!(html.contains("<li>Ana Mentor</li>"));
    assert!(html.contains("has 21 days to reply"));
    let carried = |name: &str| {
        html.split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned()
    };
    let cv_base64 = carried("cv_base64");
    assert!(!cv_base64.is_empty(), "the CV is carried to the next step");
    let confirmed = || {
        reqwest::multipart::Form::new()
            .text("csrf_token", csrf.clone())
            .text("choice_1", ana.clone())
            .text("goals", goals.to_owned())
            .text("focus", "broader_skills")
            .text("channels", "video")
            .text("channels", "phone")
            .text("cv_name", "cv.pdf")
            .text("cv_base64", cv_base64.clone())
    };
    // "Change my answers" goes back to the form as typed, still sending nothing.
    let r = browser
        .post(app.url("/programmes/imp/requests/new"))
        .multipart(confirmed().text("change", "yes"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("<h1>Ask for a mentor</h1>") && html.contains(goals));
    // Sent: to the request page, with the timeline and the CV.
    let r = browser
        .post(app.url("/programmes/imp/requests/new"))
        .multipart(confirmed().text("confirm", "yes"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    let html = page(&at).await.unwrap().text().await.unwrap();
    assert!(html.contains("Your request has been sent"));
    assert!(html.contains("Offered to Ana Mentor (choice 1)"), "{html}");
    assert!(html.contains("cv.pdf</a> (PDF, 2 KB)"), "{html}");
    // The shortlist was used up.
    let form = page("/programmes/imp/requests/new")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!form.contains("Ana Mentor</option>"));
    // The unread count shows in the header; opening a notification marks it read.
    let home = page("/notifications").await.unwrap().text().await.unwrap();
    assert!(home.contains("class=\"badge\">1<"), "{home}");
    let href = home
        .split("href=\"/notifications/")
        .filter_map(|s| s.split('"').next())
        .find(|id| id.parse::<i64>().is_ok())
        .unwrap()
        .to_owned();
    let r = page(&format!("/notifications/{href}")).await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], at.split('?').next().unwrap());
    let home = page("/notifications").await.unwrap().text().await.unwrap();
    assert!(home.contains("Nothing unread"), "{home}");
    // Ana sees the offer with its reply button and the mentee's words.
    let (ana_browser, _) = signed_in(&app, "mentor0@example.org").await;
    let html = ana_browser
        .get(app.url(at.split('?').next().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Accept Mo Mentee as my mentee"));
    assert!(html.contains(goals));
    assert!(
        html.contains("<dt>With</dt><dd>You</dd>"),
        "the offer speaks to its mentor"
    );
    let _ = csrf_of(&html);
    app.stop().await;
}
