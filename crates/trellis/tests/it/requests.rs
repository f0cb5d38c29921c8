//! Mentorship requests and the allocation cascade through the API, on both databases.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, error_of};
use crate::mentoring::{approved_mentor, join, programme_with_director};
use chrono::Duration;
use serde_json::{Value, json};

both_backends!(
    decline_silence_then_accept_with_addresses,
    all_three_fail_and_the_director_steps_in,
    request_bad_input_and_access,
    racing_replies_have_one_winner,
);

pub(crate) struct Setup {
    pub app: TestApp,
    pub director: String,
    pub mentors: Vec<(String, i64)>,
    pub mentee: String,
    pub mentee_id: i64,
}

pub(crate) async fn setup(b: Backend, n_mentors: usize) -> Option<Setup> {
    setup_with(b, n_mentors, |_| {}).await
}

/// As [`setup`], with the configuration changed first.
pub(crate) async fn setup_with(
    b: Backend,
    n_mentors: usize,
    tweak: impl FnOnce(&mut trellis::Config),
) -> Option<Setup> {
    let app = TestApp::spawn_with(b, tweak).await?;
    let (_, director) = programme_with_director(&app, "imp", json!({})).await;
    let mut mentors = Vec::new();
    for i in 0..n_mentors {
        let name: &'static str = ["Ana Mentor", "Ben Mentor", "Cy Mentor", "Di Mentor"][i];
        let email = format!("mentor{i}@example.org");
        mentors.push(
            approved_mentor(
                &app,
                "imp",
                &director,
                name,
                Box::leak(email.into_boxed_str()),
                "Clinical teaching and feedback.",
                json!({"capacity": 1}),
            )
            .await,
        );
    }
    let mentee = app.member("Mo Mentee", "mo@example.org").await;
    join(&app, "imp", &mentee).await;
    let mentee_id = app
        .get("/api/v1/me", Some(&mentee))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    Some(Setup {
        app,
        director,
        mentors,
        mentee,
        mentee_id,
    })
}

/// `mentee` asks `mentor` (token, id) alone and the mentor accepts: the relationship's id.
pub(crate) async fn accepted(app: &TestApp, mentee: &str, mentor: &(String, i64)) -> i64 {
    let r: Value = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&[mentor.1]),
            Some(mentee),
        )
        .await
        .json()
        .await
        .unwrap();
    let r: Value = app
        .post(
            &format!("/api/v1/requests/{}/accept", r["id"]),
            json!({}),
            Some(&mentor.0),
        )
        .await
        .json()
        .await
        .unwrap();
    r["relationship_id"].as_i64().expect("relationship_id")
}

pub(crate) fn request_body(choices: &[i64]) -> Value {
    json!({
        "goals": "Prepare for my first consultant interview next spring",
        "hopes": "Practice and honest feedback",
        "focus": "single_event",
        "background": "Registrar in emergency medicine.",
        "channels": ["video"],
        "meeting_frequency": "Every two weeks",
        "choices": choices
    })
}

async fn decline_silence_then_accept_with_addresses(b: Backend) {
    let Some(Setup {
        app,
        mentors,
        mentee,
        ..
    }) = setup(b, 3).await
    else {
        return;
    };
    let ids: Vec<i64> = mentors.iter().map(|m| m.1).collect();
    let r = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&ids),
            Some(&mentee),
        )
        .await;
    assert_eq!(r.status(), 201);
    let req: Value = r.json().await.unwrap();
    let id = req["id"].as_i64().unwrap();
    assert_eq!(
        (req["status"].as_str(), req["with_mentor_id"].as_i64()),
        (Some("offered"), Some(ids[0]))
    );
    assert!(
        app.mails_to("mentor0@example.org")
            .await
            .iter()
            .any(|m| m.template == "request_offered")
    );

    // The first declines.
    let r = app
        .post(
            &format!("/api/v1/requests/{id}/decline"),
            json!({"reason": "On leave"}),
            Some(&mentors[0].0),
        )
        .await;
    assert_eq!(r.status(), 200);
    let now: Value = app
        .get(&format!("/api/v1/requests/{id}"), Some(&mentee))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["with_mentor_id"].as_i64(), Some(ids[1]));
    // The second is reminded, then silent: after 22 days it is with the third, and the second is told.
    app.clock.advance(Duration::days(15));
    assert!(
        app.mails_to("mentor1@example.org")
            .await
            .iter()
            .any(|m| m.template == "request_reminder")
    );
    app.clock.advance(Duration::days(7));
    app.run_jobs().await;
    let now: Value = app
        .get(&format!("/api/v1/requests/{id}"), Some(&mentee))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["with_mentor_id"].as_i64(), Some(ids[2]));
    assert!(
        app.mails_to("mentor1@example.org")
            .await
            .iter()
            .any(|m| m.template == "request_passed_on")
    );
    let kinds: Vec<&str> = now["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["offered", "declined", "offered", "timed_out", "offered"]
    );
    // The second can no longer accept.
    let (s, _, _, _) = error_of(
        app.post(
            &format!("/api/v1/requests/{id}/accept"),
            json!({}),
            Some(&mentors[1].0),
        )
        .await,
    )
    .await;
    assert_eq!(s, 403);

    // The third accepts: a relationship, and both get each other's address.
    let r = app
        .post(
            &format!("/api/v1/requests/{id}/accept"),
            json!({}),
            Some(&mentors[2].0),
        )
        .await;
    assert_eq!(r.status(), 200);
    let done: Value = app
        .get(&format!("/api/v1/requests/{id}"), Some(&mentee))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["status"], "accepted");
    assert!(done["relationship_id"].is_i64());
    let to_mentee = app
        .last_mail_to("mo@example.org", "request_allocated")
        .await;
    assert!(
        to_mentee.text.contains("mentor2@example.org")
            && to_mentee.text.contains("60 to 90 minutes"),
        "{}",
        to_mentee.text
    );
    let to_mentor = app
        .last_mail_to("mentor2@example.org", "request_allocated")
        .await;
    assert!(to_mentor.text.contains("mo@example.org"));
    // The mentor's free place is taken.
    let listing: Value = app
        .get("/api/v1/programmes/imp/mentoring", Some(&mentors[2].0))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listing["free_places"], 0);
    // A new request may now be made.
    assert_eq!(
        app.post(
            "/api/v1/programmes/imp/requests",
            request_body(&ids[..1]),
            Some(&mentee)
        )
        .await
        .status(),
        201
    );
    app.stop().await;
}

async fn all_three_fail_and_the_director_steps_in(b: Backend) {
    let Some(Setup {
        app,
        director,
        mentors,
        mentee,
        ..
    }) = setup(b, 4).await
    else {
        return;
    };
    let ids: Vec<i64> = mentors.iter().map(|m| m.1).collect();
    // The third is unavailable: skipped at once, and the mentee told why.
    app.patch(
        "/api/v1/programmes/imp/mentoring",
        json!({"available": false}),
        &mentors[2].0,
    )
    .await;
    let id = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&ids[..3]),
            Some(&mentee),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/requests/{id}/decline"),
        json!({}),
        Some(&mentors[0].0),
    )
    .await;
    app.clock.advance(Duration::days(21));
    app.run_jobs().await;
    let r: Value = app
        .get(&format!("/api/v1/requests/{id}"), Some(&mentee))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["status"], "with_director");
    assert!(
        app.mails_to("mo@example.org")
            .await
            .iter()
            .any(|m| m.template == "request_skipped" && m.text.contains("currently unavailable"))
    );
    assert!(
        app.mails_to("mo@example.org")
            .await
            .iter()
            .any(|m| m.template == "request_escalated")
    );
    assert!(
        app.mails_to("director@imp.example.org")
            .await
            .iter()
            .any(|m| m.template == "request_to_director")
    );

    // The director's queue shows it, without the mentee's words.
    let lists: Value = app
        .get("/api/v1/programmes/imp/requests", Some(&director))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(lists["queue"][0]["status"], "with_director");
    assert!(lists["queue"][0]["details"].is_null());
    // The director's page offers it only to mentors who can take it: not the two who had it
    // (one declined, one let it pass), not the unavailable one; with their free places.
    let (browser, _) = crate::pages::signed_in(&app, "director@imp.example.org").await;
    let page = crate::pages::page(&browser, &app, &format!("/requests/{id}")).await;
    let select = page.split("<select id=\"mentor_id\"").nth(1).unwrap();
    let select = select.split("</select>").next().unwrap();
    assert!(
        select.contains("Di Mentor") && select.contains("(1 free place)"),
        "{select}"
    );
    for other in ["Ana Mentor", "Ben Mentor", "Cy Mentor"] {
        assert!(!select.contains(other), "{other} is offered: {select}");
    }
    // The director cannot re-offer to someone who had it; offers to the fourth, who accepts.
    let (s, _, field, _) = error_of(
        app.post(
            &format!("/api/v1/requests/{id}/offer"),
            json!({"mentor_id": ids[0]}),
            Some(&director),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("mentor_id")));
    assert_eq!(
        app.post(
            &format!("/api/v1/requests/{id}/offer"),
            json!({"mentor_id": ids[3]}),
            Some(&director)
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/requests/{id}/accept"),
            json!({}),
            Some(&mentors[3].0)
        )
        .await
        .status(),
        200
    );

    // A second request, closed by the director with a message.
    let id2 = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&ids[..1]),
            Some(&mentee),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.post(
            &format!("/api/v1/requests/{id2}/close"),
            json!({"message": "x"}),
            Some(&director)
        )
        .await
        .status(),
        409,
        "not in the director's queue yet"
    );
    app.post(
        &format!("/api/v1/requests/{id2}/decline"),
        json!({}),
        Some(&mentors[0].0),
    )
    .await;
    assert_eq!(
        app.post(
            &format!("/api/v1/requests/{id2}/close"),
            json!({"message": "Let us talk next week."}),
            Some(&mentee)
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/requests/{id2}/close"),
            json!({"message": "Let us talk next week."}),
            Some(&director)
        )
        .await
        .status(),
        200
    );
    assert!(
        app.last_mail_to("mo@example.org", "request_closed")
            .await
            .text
            .contains("Let us talk next week.")
    );
    app.stop().await;
}

async fn request_bad_input_and_access(b: Backend) {
    let Some(Setup {
        app,
        mentors,
        mentee,
        mentee_id,
        ..
    }) = setup(b, 4).await
    else {
        return;
    };
    let ids: Vec<i64> = mentors.iter().map(|m| m.1).collect();
    for (choices, why) in [
        (ids.clone(), "more than 3"),
        (vec![ids[0], ids[0]], "duplicates"),
        (vec![999_999], "unknown"),
        (vec![mentee_id], "myself"),
        (vec![], "none"),
    ] {
        let (s, _, field, _) = error_of(
            app.post(
                "/api/v1/programmes/imp/requests",
                request_body(&choices),
                Some(&mentee),
            )
            .await,
        )
        .await;
        assert_eq!((s, field.as_deref()), (422, Some("choices")), "{why}");
    }
    // An unlisted mentor cannot be chosen.
    app.patch(
        "/api/v1/programmes/imp/mentoring",
        json!({"listed": false}),
        &mentors[3].0,
    )
    .await;
    let (s, _, field, _) = error_of(
        app.post(
            "/api/v1/programmes/imp/requests",
            request_body(&[ids[3]]),
            Some(&mentee),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("choices")));
    let mut vague = request_body(&ids[..1]);
    vague["goals"] = json!("a career");
    let (s, _, field, _) = error_of(
        app.post("/api/v1/programmes/imp/requests", vague, Some(&mentee))
            .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("goals")));

    let id = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&ids[..2]),
            Some(&mentee),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.post(
            "/api/v1/programmes/imp/requests",
            request_body(&ids[..2]),
            Some(&mentee)
        )
        .await
        .status(),
        409,
        "one open request"
    );
    // Not your offer: the second choice, and a stranger.
    assert_eq!(
        app.post(
            &format!("/api/v1/requests/{id}/accept"),
            json!({}),
            Some(&mentors[1].0)
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/requests/{id}/decline"),
            json!({}),
            Some(&mentors[1].0)
        )
        .await
        .status(),
        403
    );
    let stranger = app.member("Stranger", "stranger@example.org").await;
    assert_eq!(
        app.get(&format!("/api/v1/requests/{id}"), Some(&stranger))
            .await
            .status(),
        404
    );
    // The mentor it is with reads the mentee's words; the second choice does not yet.
    let held: Value = app
        .get(&format!("/api/v1/requests/{id}"), Some(&mentors[0].0))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        held["details"]["goals"],
        "Prepare for my first consultant interview next spring"
    );
    let named: Value = app
        .get(&format!("/api/v1/requests/{id}"), Some(&mentors[1].0))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        named["details"].is_null(),
        "the second choice sees the status, not the words, until it reaches them"
    );
    // Only the mentee withdraws; a withdrawn request cannot change.
    assert_eq!(
        app.post(
            &format!("/api/v1/requests/{id}/withdraw"),
            json!({}),
            Some(&mentors[0].0)
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/requests/{id}/withdraw"),
            json!({}),
            Some(&mentee)
        )
        .await
        .status(),
        200
    );
    assert!(
        app.mails_to("mentor0@example.org")
            .await
            .iter()
            .any(|m| m.template == "request_withdrawn")
    );
    let (s, _, _, msg) = error_of(
        app.post(
            &format!("/api/v1/requests/{id}/withdraw"),
            json!({}),
            Some(&mentee),
        )
        .await,
    )
    .await;
    assert_eq!(s, 409);
    assert!(msg.contains("withdrawn"));
    let (s, _, _, msg) = error_of(
        app.post(
            &format!("/api/v1/requests/{id}/accept"),
            json!({}),
            Some(&mentors[0].0),
        )
        .await,
    )
    .await;
    assert_eq!(s, 409, "no longer open");
    assert!(msg.contains("withdrawn"), "{msg}");
    app.stop().await;
}

async fn racing_replies_have_one_winner(b: Backend) {
    let Some(Setup {
        app,
        mentors,
        mentee,
        ..
    }) = setup(b, 2).await
    else {
        return;
    };
    let ids: Vec<i64> = mentors.iter().map(|m| m.1).collect();
    // A double-clicked accept: exactly one succeeds.
    let id = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&ids[..1]),
            Some(&mentee),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let url = format!("/api/v1/requests/{id}/accept");
    let (a, b2) = tokio::join!(
        app.post(&url, json!({}), Some(&mentors[0].0)),
        app.post(&url, json!({}), Some(&mentors[0].0))
    );
    let mut codes = vec![a.status().as_u16(), b2.status().as_u16()];
    codes.sort_unstable();
    assert_eq!(codes, [200, 409]);

    // Two requests racing for a mentor's last free place (capacity 1): one wins.
    let other = app.member("Ola Other", "ola@example.org").await;
    join(&app, "imp", &other).await;
    let third = app.member("Tom Third", "tom@example.org").await;
    join(&app, "imp", &third).await;
    let r1 = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&ids[1..2]),
            Some(&other),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r2 = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&ids[1..2]),
            Some(&third),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (u1, u2) = (
        format!("/api/v1/requests/{r1}/accept"),
        format!("/api/v1/requests/{r2}/accept"),
    );
    let (a, b2) = tokio::join!(
        app.post(&u1, json!({}), Some(&mentors[1].0)),
        app.post(&u2, json!({}), Some(&mentors[1].0))
    );
    let mut codes = vec![a.status().as_u16(), b2.status().as_u16()];
    codes.sort_unstable();
    assert_eq!(codes, [200, 409]);
    let listing: Value = app
        .get("/api/v1/programmes/imp/mentoring", Some(&mentors[1].0))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listing["free_places"], 0);

    // Accepting at the deadline is refused; the deadline job passes it on exactly once.
    let four = app.member("Fay Four", "fay@example.org").await;
    join(&app, "imp", &four).await;
    app.patch(
        "/api/v1/programmes/imp/mentoring",
        json!({"capacity": 3}),
        &mentors[0].0,
    )
    .await;
    let r3 = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&ids[..1]),
            Some(&four),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    app.clock.advance(Duration::days(21));
    let u3 = format!("/api/v1/requests/{r3}/accept");
    let (accept, _) = tokio::join!(
        app.post(&u3, json!({}), Some(&mentors[0].0)),
        app.run_jobs()
    );
    assert_eq!(accept.status(), 409, "the window has ended");
    app.run_jobs().await;
    let r: Value = app
        .get(&format!("/api/v1/requests/{r3}"), Some(&four))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["status"], "with_director");
    let timed_out = r["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "timed_out")
        .count();
    assert_eq!(timed_out, 1);
    app.stop().await;
}
