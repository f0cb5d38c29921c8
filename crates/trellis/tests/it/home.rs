//! The personal home, on both databases: each person sees only what concerns them, most
//! urgent first, each item linking to where it is done; the same at `GET /api/v1/me/home`.

use crate::both_backends;
use crate::helpers::Backend;
use crate::mentoring::join;
use crate::pages::{page, signed_in};
use crate::requests::{request_body, setup};
use chrono::Duration;
use serde_json::Value;

both_backends!(each_person_s_home_says_what_to_do_next);

async fn home_of(app: &crate::helpers::TestApp, token: &str) -> Value {
    let r = app.get("/api/v1/me/home", Some(token)).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn each_person_s_home_says_what_to_do_next(b: Backend) {
    let Some(st) = setup(b, 2).await else {
        return;
    };
    let app = &st.app;
    let (ana, ana_id) = st.mentors[0].clone();
    let (ben, ben_id) = st.mentors[1].clone();

    // A new member is shown how to start, with the programme's directory one click away.
    let (mo_browser, _) = signed_in(app, "mo@example.org").await;
    let html = page(&mo_browser, app, "/").await;
    assert!(html.contains("Get started"), "{html}");
    assert!(html.contains("href=\"/programmes/imp/mentors\""));
    assert!(html.contains("href=\"/my-mentoring\""));

    // Mo asks Ben first, then Ana; Ben lets it pass, so it is with Mo's 2nd choice.
    let r = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&[ben_id, ana_id]),
            Some(&st.mentee),
        )
        .await;
    assert_eq!(r.status(), 201);
    let request = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let h = home_of(app, &ben).await;
    assert_eq!(h["offers"][0]["request_id"], request);
    assert_eq!(h["offers"][0]["mentee_name"], "Mo Mentee");
    assert_eq!(h["offers"][0]["time_left"], "21 days left");
    let r = app
        .post(
            &format!("/api/v1/requests/{request}/decline"),
            serde_json::json!({"reason": "Full this term"}),
            Some(&ben),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    assert_eq!(home_of(app, &ben).await["offers"], serde_json::json!([]));
    let h = home_of(app, &st.mentee).await;
    assert_eq!(
        h["requests"][0]["stands"],
        "With your 2nd choice, Ana Mentor"
    );

    // Ana's home shows the offer with the days left, and the page links to it.
    app.clock.advance(Duration::days(18));
    let h = home_of(app, &ana).await;
    assert_eq!(h["offers"][0]["time_left"], "3 days left");
    let (ana_browser, _) = signed_in(app, "mentor0@example.org").await;
    let html = page(&ana_browser, app, "/").await;
    assert!(
        html.contains(&format!("href=\"/requests/{request}\"")),
        "{html}"
    );
    assert!(html.contains("asks you to be their mentor") && html.contains("3 days left"));

    // The director sees the queue in figures; a bystander sees nothing of it.
    let h = home_of(app, &st.director).await;
    let queue = h["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["title"] == "Requests waiting for a mentor's reply")
        .expect("the queue of requests with mentors");
    assert_eq!(queue["open"], 1);
    assert_eq!(queue["due_soon"], 1);
    let una = app.member("Una Bystander", "una@example.org").await;
    join(app, "imp", &una).await;
    let h = home_of(app, &una).await;
    for list in ["offers", "queues", "relationships", "requests", "concerns"] {
        assert_eq!(h[list], serde_json::json!([]), "{list}");
    }

    // Once Ana accepts, both see the relationship and its first step.
    let r: Value = app
        .post(
            &format!("/api/v1/requests/{request}/accept"),
            serde_json::json!({}),
            Some(&ana),
        )
        .await
        .json()
        .await
        .unwrap();
    let rel = r["relationship_id"].as_i64().unwrap();
    for (token, role, other) in [
        (&st.mentee, "mentee", "Ana Mentor"),
        (&ana, "mentor", "Mo Mentee"),
    ] {
        let h = home_of(app, token).await;
        let r = &h["relationships"][0];
        assert_eq!(r["relationship_id"], rel);
        assert_eq!(r["role"], role);
        assert_eq!(r["with"], serde_json::json!([other]));
        assert_eq!(r["phase"], "preparing");
        assert_eq!(r["next_step"], "Plan your first meeting together");
        assert_eq!(r["next_link"], format!("/relationships/{rel}/meetings"));
        assert_eq!(h["requests"], serde_json::json!([]));
        assert_eq!(h["offers"], serde_json::json!([]));
    }
    assert_eq!(
        home_of(app, &st.mentee).await["relationships"][0]["checklist_done"],
        0
    );
    // (Sessions end after days without use: sign in again after the clock moved.)
    let (mo_browser, _) = signed_in(app, "mo@example.org").await;
    let html = page(&mo_browser, app, "/").await;
    assert!(html.contains("aria-current=\"step\""), "{html}");
    assert!(html.contains(&format!("href=\"/relationships/{rel}/meetings\"")));
    let html = page(&mo_browser, app, "/my-mentoring").await;
    assert!(
        html.contains(&format!("href=\"/relationships/{rel}\"")) && html.contains("Ana Mentor")
    );
    let mine: Value = app
        .get("/api/v1/me/relationships", Some(&una))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine, serde_json::json!([]));
    assert_eq!(app.get("/api/v1/me/home", None).await.status(), 401);
}
