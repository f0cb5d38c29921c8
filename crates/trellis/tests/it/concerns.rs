//! Concerns on both databases: routing around a conflicted officer, who sees what, the
//! workflow, escalation with the one clock, and pausing a relationship.

use crate::both_backends;
use crate::helpers::{Backend, error_of};
use crate::requests::{Setup, setup};
use serde_json::{Value, json};

both_backends!(
    routing_visibility_and_the_workflow,
    unacknowledged_concerns_escalate_to_the_chair,
    pausing_contact_in_a_relationship,
    concern_pages,
);

struct Staff {
    officer: String,
    officer_id: i64,
    chair: String,
    office: String,
}

async fn staff(st: &Setup) -> Staff {
    let app = &st.app;
    let admin = app.admin_or_existing().await;
    let mut tokens = Vec::new();
    for (name, email, role) in [
        ("Cora Concerns", "cora@example.org", "concerns_officer"),
        ("Pat Chair", "pat@example.org", "chair"),
        ("Olu Office", "olu@example.org", "office"),
    ] {
        let t = app.member(name, email).await;
        crate::mentoring::join(app, "imp", &t).await;
        let r = app
            .post(
                "/api/v1/programmes/imp/staff",
                json!({"email": email, "role": role}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status(), 201);
        tokens.push(t);
    }
    let officer_id = app
        .get("/api/v1/me", Some(&tokens[0]))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    Staff {
        officer: tokens[0].clone(),
        officer_id,
        chair: tokens[1].clone(),
        office: tokens[2].clone(),
    }
}

async fn report(st: &Setup, token: &str, body: Value) -> reqwest::Response {
    st.app
        .post("/api/v1/programmes/imp/concerns", body, Some(token))
        .await
}

const WHAT: &str = "He sent me messages late at night that made me uncomfortable";

async fn routing_visibility_and_the_workflow(b: Backend) {
    let Some(st) = setup(b, 1).await else {
        return;
    };
    let s = staff(&st).await;
    let app = &st.app;
    let (mentor, mentor_id) = (&st.mentors[0].0, st.mentors[0].1);

    // Bad input: nobody outside the programme; something must be said.
    let outsider = app.member("Olga Outside", "olga@example.org").await;
    let olga = app
        .get("/api/v1/me", Some(&outsider))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (code, _, field, _) = error_of(
        report(
            &st,
            &st.mentee,
            json!({"about": "person", "about_id": olga, "what_happened": WHAT}),
        )
        .await,
    )
    .await;
    assert_eq!((code, field.as_deref()), (422, Some("about_id")));
    let (code, _, field, _) = error_of(
        report(
            &st,
            &st.mentee,
            json!({"about": "person", "about_id": mentor_id, "what_happened": "  "}),
        )
        .await,
    )
    .await;
    assert_eq!((code, field.as_deref()), (422, Some("what_happened")));

    // About a mentor: to the concerns officer.
    let c: Value = report(
        &st,
        &st.mentee,
        json!({"about": "person", "about_id": mentor_id, "what_happened": WHAT}),
    )
    .await
    .json()
    .await
    .unwrap();
    let id = c["id"].as_i64().unwrap();
    let path = format!("/api/v1/concerns/{id}");
    assert_eq!(c["status"], "open");
    let seen: Value = app.get(&path, Some(&s.officer)).await.json().await.unwrap();
    assert_eq!(seen["what_happened"], WHAT);
    assert_eq!(seen["subject_id"], mentor_id);
    assert_eq!(
        (seen["reporter_name"].clone(), seen["subject_name"].clone()),
        (json!("Mo Mentee"), json!("Ana Mentor"))
    );
    assert!(seen["acknowledge_by"].is_string());
    // The person concerned, other staff (admin included), the chair it was not routed to, any
    // other member: nothing.
    let admin = app.admin_or_existing().await;
    let member = app.member("Sam Member", "sam@example.org").await;
    crate::mentoring::join(app, "imp", &member).await;
    for (who, t) in [
        ("subject", mentor),
        ("director", &st.director),
        ("office", &s.office),
        ("chair", &s.chair),
        ("admin", &admin),
        ("member", &member),
    ] {
        let r = app.get(&path, Some(t)).await;
        assert_eq!(r.status(), 404, "{who}");
        assert!(!r.text().await.unwrap().contains("late at night"));
        let list: Value = app
            .get("/api/v1/concerns", Some(t))
            .await
            .json()
            .await
            .unwrap();
        assert!(
            list["reported"].as_array().unwrap().is_empty()
                && list["handling"].as_array().unwrap().is_empty(),
            "{who}: {list}"
        );
    }
    // The chair holds a handling role but it was routed elsewhere: 403 when acting.
    let (code, _, _, _) = error_of(
        app.post(
            &format!("{path}/steps"),
            json!({"status": "acknowledged", "message": "Seen"}),
            Some(&s.chair),
        )
        .await,
    )
    .await;
    assert_eq!(code, 403);
    assert_eq!(
        app.post(
            &format!("{path}/steps"),
            json!({"status": "acknowledged", "message": "Seen"}),
            Some(mentor)
        )
        .await
        .status(),
        404
    );
    // No email carries what was reported.
    let to_officer = app
        .last_mail_to("cora@example.org", "concern_to_handler")
        .await;
    assert!(!to_officer.text.contains("late at night"));

    // The workflow: acknowledged once, with a message to the reporter; handler notes stay with
    // the handlers.
    let (code, _, field, _) = error_of(
        app.post(
            &format!("{path}/steps"),
            json!({"status": "acknowledged", "message": ""}),
            Some(&s.officer),
        )
        .await,
    )
    .await;
    assert_eq!((code, field.as_deref()), (422, Some("message")));
    assert_eq!(
        app.post(
            &format!("{path}/steps"),
            json!({"status": "acknowledged", "message": "Thank you; I will call you this week."}),
            Some(&s.officer)
        )
        .await
        .status(),
        200
    );
    let (code, _, _, msg) = error_of(
        app.post(
            &format!("{path}/steps"),
            json!({"status": "acknowledged", "message": "Again"}),
            Some(&s.officer),
        )
        .await,
    )
    .await;
    assert_eq!(code, 409, "{msg}");
    app.post(
        &format!("{path}/notes"),
        json!({"note": "Spoke to the mentor's head of department"}),
        Some(&s.officer),
    )
    .await;
    let mine: Value = app.get(&path, Some(&st.mentee)).await.json().await.unwrap();
    assert_eq!(mine["status"], "acknowledged");
    assert_eq!(mine["messages"].as_array().unwrap().len(), 1);
    assert_eq!(
        mine["messages"][0]["text"],
        "Thank you; I will call you this week."
    );
    assert!(mine["subject_id"].is_null() && !mine.to_string().contains("head of department"));
    // What only handlers see stays with them: not even the reporter is told who handles it
    // or when it falls due.
    assert!(
        mine["reporter_name"].is_null()
            && mine["subject_name"].is_null()
            && mine["acknowledge_by"].is_null()
            && mine["relationship_members"] == json!([]),
        "{mine}"
    );
    app.last_mail_to("mo@example.org", "concern_update").await;
    let theirs: Value = app.get(&path, Some(&s.officer)).await.json().await.unwrap();
    assert_eq!(theirs["messages"].as_array().unwrap().len(), 2);
    // Every read by a handler is in the audit log.
    let admin = app.admin_or_existing().await;
    let log: Value = app
        .get("/api/v1/audit?action=concern.read", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        log.to_string().matches("concern.read").count() >= 2,
        "{log}"
    );

    // About the concerns officer: to the chair, and the officer never sees it.
    let c: Value = report(&st, &st.mentee, json!({"about": "person", "about_id": s.officer_id, "what_happened": "She shared my concern with others"}))
        .await
        .json()
        .await
        .unwrap();
    let id2 = c["id"].as_i64().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/concerns/{id2}"), Some(&s.officer))
            .await
            .status(),
        404
    );
    let chair_view: Value = app
        .get(&format!("/api/v1/concerns/{id2}"), Some(&s.chair))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(chair_view["to_chair"], true);
    let list: Value = app
        .get("/api/v1/concerns", Some(&s.officer))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        list["handling"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != id2)
    );
    // The reporter says a concern is about staff: the chair.
    let c: Value = report(&st, &st.mentee, json!({"about": "programme", "about_staff": true, "what_happened": "The office ignores my emails"}))
        .await
        .json()
        .await
        .unwrap();
    let id3 = c["id"].as_i64().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/concerns/{id3}"), Some(&s.chair))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get(&format!("/api/v1/concerns/{id3}"), Some(&s.office))
            .await
            .status(),
        404
    );
    st.app.stop().await;
}

async fn unacknowledged_concerns_escalate_to_the_chair(b: Backend) {
    let Some(st) = setup(b, 1).await else {
        return;
    };
    let s = staff(&st).await;
    let app = &st.app;
    let c: Value = report(
        &st,
        &st.mentee,
        json!({"about": "person", "about_id": st.mentors[0].1, "what_happened": WHAT}),
    )
    .await
    .json()
    .await
    .unwrap();
    let path = format!("/api/v1/concerns/{}", c["id"]);
    let count = |email: &'static str, template: &'static str| async move {
        app.mails_to(email)
            .await
            .iter()
            .filter(|m| m.template == template)
            .count()
    };
    app.clock.advance(chrono::Duration::days(4));
    app.run_jobs().await;
    assert_eq!(count("cora@example.org", "concern_reminder").await, 0);
    app.clock.advance(chrono::Duration::days(1));
    app.run_jobs().await;
    assert_eq!(
        count("cora@example.org", "concern_reminder").await,
        1,
        "day 5"
    );
    assert_eq!(
        app.get(&path, Some(&s.chair)).await.status(),
        404,
        "not yet the chair's"
    );
    app.clock.advance(chrono::Duration::days(2));
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(
        count("pat@example.org", "concern_escalated").await,
        1,
        "day 7, once"
    );
    let seen: Value = app.get(&path, Some(&s.chair)).await.json().await.unwrap();
    assert_eq!(seen["to_chair"], true);
    assert_eq!(seen["what_happened"], WHAT);
    // The officer still handles it too; the subject still cannot see it.
    assert_eq!(app.get(&path, Some(&s.officer)).await.status(), 200);
    assert_eq!(app.get(&path, Some(&st.mentors[0].0)).await.status(), 404);
    // An acknowledged concern does not escalate.
    let c: Value = report(
        &st,
        &st.mentee,
        json!({"about": "programme", "what_happened": "Meetings keep being cancelled"}),
    )
    .await
    .json()
    .await
    .unwrap();
    app.post(
        &format!("/api/v1/concerns/{}/steps", c["id"]),
        json!({"status": "acknowledged", "message": "On it"}),
        Some(&s.officer),
    )
    .await;
    app.clock.advance(chrono::Duration::days(8));
    app.run_jobs().await;
    assert_eq!(count("pat@example.org", "concern_escalated").await, 1);
    st.app.stop().await;
}

async fn pausing_contact_in_a_relationship(b: Backend) {
    let Some(st) = setup(b, 1).await else {
        return;
    };
    let s = staff(&st).await;
    let app = &st.app;
    let rel = crate::requests::accepted(app, &st.mentee, &st.mentors[0]).await;
    let (code, _, field, _) = error_of(
        report(
            &st,
            &st.mentee,
            json!({"about": "programme", "what_happened": WHAT, "pause_contact": true}),
        )
        .await,
    )
    .await;
    assert_eq!((code, field.as_deref()), (422, Some("pause_contact")));
    let c: Value = report(&st, &st.mentee, json!({"about": "relationship", "about_id": rel, "what_happened": WHAT, "pause_contact": true}))
        .await
        .json()
        .await
        .unwrap();
    // Both members are told neutrally; the workspace can be read, not changed.
    let paused = app
        .last_mail_to("mentor0@example.org", "relationship_paused")
        .await;
    assert!(
        !paused.text.contains("concern") && !paused.text.contains("late at night"),
        "{}",
        paused.text
    );
    let today = app.clock_now().date_naive().to_string();
    let log_path = format!("/api/v1/relationships/{rel}/log");
    let entry = json!({"on": today, "activity": "Met"});
    assert_eq!(
        app.post(&log_path, entry.clone(), Some(&st.mentors[0].0))
            .await
            .status(),
        409
    );
    // The phase cannot move either, and the relationship says it is paused.
    let phase = format!("/api/v1/relationships/{rel}/phase");
    let (code, _, _, msg) = error_of(
        app.post(&phase, json!({"phase": "negotiating"}), Some(&st.mentee))
            .await,
    )
    .await;
    assert_eq!(code, 409, "{msg}");
    assert!(msg.contains("paused"), "{msg}");
    let v: Value = app
        .get(&format!("/api/v1/relationships/{rel}"), Some(&st.mentee))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            v["paused"].clone(),
            v["phase"].clone(),
            v["next_phases"].clone()
        ),
        (json!(true), json!("preparing"), json!([]))
    );
    // Every workspace page says so in words and offers no form that would be refused; leaving
    // stays possible, as it always is.
    let (browser, _) = crate::pages::signed_in(app, "mo@example.org").await;
    for path in [
        "",
        "/log",
        "/plan",
        "/meetings",
        "/agreement",
        "/checklist",
        "/skills",
        "/evaluations",
    ] {
        let html = crate::pages::page(&browser, app, &format!("/relationships/{rel}{path}")).await;
        assert!(html.contains("Paused for now"), "{path}: no banner");
        let banner = html.split("Paused for now").nth(1).unwrap();
        let banner = banner.split("</div>").next().unwrap();
        assert!(
            !banner.contains("concern"),
            "{path}: the members are not told why: {banner}"
        );
        let forms = html
            .matches(&format!("action=\"/relationships/{rel}/"))
            .count();
        let leave = html
            .matches(&format!("action=\"/relationships/{rel}/leave\""))
            .count();
        assert_eq!(forms, leave, "{path} offers a form that would be refused");
    }
    // Staff who do not handle the concern see the pause, but not that a concern exists.
    let (office, _) = crate::pages::signed_in(app, "olu@example.org").await;
    let html = crate::pages::page(&office, app, &format!("/relationships/{rel}")).await;
    let banner = html.split("Contact is paused").nth(1).unwrap();
    let banner = banner.split("</div>").next().unwrap();
    assert!(!banner.contains("concern"), "{banner}");
    assert!(html.contains("(paused)"));
    // A handler lifts it.
    assert_eq!(
        app.post(
            &format!("/api/v1/concerns/{}/lift-pause", c["id"]),
            json!({}),
            Some(&st.mentee)
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/concerns/{}/lift-pause", c["id"]),
            json!({}),
            Some(&s.officer)
        )
        .await
        .status(),
        200
    );
    app.last_mail_to("mo@example.org", "relationship_resumed")
        .await;
    let r = app
        .post(&phase, json!({"phase": "negotiating"}), Some(&st.mentee))
        .await;
    assert_eq!(r.status(), 200, "moves again once resumed");
    assert_eq!(
        app.post(&log_path, entry.clone(), Some(&st.mentors[0].0))
            .await
            .status(),
        201
    );
    st.app.stop().await;
}

async fn concern_pages(b: Backend) {
    let Some(st) = setup(b, 1).await else {
        return;
    };
    let s = staff(&st).await;
    let app = &st.app;
    let (browser, csrf) = crate::pages::signed_in(app, "mo@example.org").await;
    let form = browser
        .get(app.url("/programmes/imp/concerns/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form.contains("Report a concern"));
    // Nothing said: re-shown with what was typed.
    let r = browser
        .post(app.url("/programmes/imp/concerns/new"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("about", "person"),
            ("person_email", "mentor0@example.org"),
            ("what_happened", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("value=\"mentor0@example.org\"")
    );
    // An address nobody in the programme has.
    let r = browser
        .post(app.url("/programmes/imp/concerns/new"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("about", "person"),
            ("person_email", "nobody@example.org"),
            ("what_happened", WHAT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = browser
        .post(app.url("/programmes/imp/concerns/new"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("about", "person"),
            ("person_email", "mentor0@example.org"),
            ("what_happened", WHAT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let at = r.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let mine = browser
        .get(app.url(&at))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(mine.contains("Your concern") && mine.contains("late at night"));
    // The mentor it is about: no such page.
    let (mentor_browser, _) = crate::pages::signed_in(app, "mentor0@example.org").await;
    let r = mentor_browser.get(app.url(&at)).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(!r.text().await.unwrap().contains("late at night"));
    // The officer acknowledges from the page.
    let (officer, officer_csrf) = crate::pages::signed_in(app, "cora@example.org").await;
    let page = officer
        .get(app.url(&at))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Next step"));
    // The handler sees who reported it, whom it is about, and when it must be acknowledged.
    let summary = page
        .split("<dl")
        .nth(1)
        .unwrap()
        .split("</dl>")
        .next()
        .unwrap();
    for want in [
        "Reported by",
        "Mo Mentee",
        "Ana Mentor",
        "Acknowledge by",
        "goes to the chair",
    ] {
        assert!(summary.contains(want), "{want} missing: {summary}");
    }
    assert!(!mine.contains("Reported by") && !mine.contains("Acknowledge by"));
    let r = officer
        .post(app.url(&format!("{at}/steps")))
        .form(&[
            ("csrf_token", officer_csrf.as_str()),
            ("status", "acknowledged"),
            ("message", "Thank you, we are on it"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let mine = browser
        .get(app.url(&at))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(mine.contains("Thank you, we are on it"));
    let _ = s;
    st.app.stop().await;
}
