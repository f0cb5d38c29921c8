//! "My data": the member's export holds their profile, what they asked and wrote, and nobody
//! else's words.

use crate::both_backends;
use crate::helpers::Backend;
use crate::requests::{request_body, setup};
use serde_json::{Value, json};

both_backends!(the_export_holds_what_the_member_wrote_and_nothing_of_others);

async fn the_export_holds_what_the_member_wrote_and_nothing_of_others(b: Backend) {
    let Some(st) = setup(b, 1).await else {
        return;
    };
    let app = &st.app;
    let (mo, ana) = (&st.mentee, &st.mentors[0].0);
    let r: Value = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&[st.mentors[0].1]),
            Some(mo),
        )
        .await
        .json()
        .await
        .unwrap();
    let r: Value = app
        .post(
            &format!("/api/v1/requests/{}/accept", r["id"]),
            json!({}),
            Some(ana),
        )
        .await
        .json()
        .await
        .unwrap();
    let rel = r["relationship_id"].as_i64().unwrap();
    let today = app.clock_now().date_naive().to_string();
    let log = format!("/api/v1/relationships/{rel}/log");
    app.post(
        &log,
        json!({"on": today, "activity": "Mo's own entry"}),
        Some(mo),
    )
    .await;
    app.post(
        &log,
        json!({"on": today, "activity": "Ana's entry"}),
        Some(ana),
    )
    .await;
    app.post(
        &format!("/api/v1/relationships/{rel}/plan"),
        json!({"goal": "Mo's goal", "timeline": "June", "kind": "career"}),
        Some(mo),
    )
    .await;
    let admin = app.admin_or_existing().await;
    app.member("Cora Concerns", "cora@example.org").await;
    app.post(
        "/api/v1/programmes/imp/staff",
        json!({"email": "cora@example.org", "role": "concerns_officer"}),
        Some(&admin),
    )
    .await;
    app.post(
        "/api/v1/programmes/imp/concerns",
        json!({"about": "programme", "what_happened": "Mo's worry about scheduling"}),
        Some(mo),
    )
    .await;

    let r = app.get("/api/v1/me/export", Some(mo)).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let x: Value = r.json().await.unwrap();
    assert_eq!(x["account"]["email"], "mo@example.org");
    assert_eq!(x["profile"]["name"], "Mo Mentee");
    let p = &x["programmes"][0];
    assert_eq!(p["slug"], "imp");
    assert_eq!(
        p["requests"][0]["details"]["goals"],
        "Prepare for my first consultant interview next spring"
    );
    let mine = &p["relationships"][0]["written_by_you"];
    assert_eq!(mine["log"].as_array().unwrap().len(), 1);
    assert_eq!(mine["log"][0]["entry"]["activity"], "Mo's own entry");
    assert_eq!(mine["plan_goals"][0]["goal"], "Mo's goal");
    assert_eq!(
        x["concerns_reported"][0]["what_happened"],
        "Mo's worry about scheduling"
    );
    assert!(!x["notifications"].as_array().unwrap().is_empty());
    assert!(
        !x.to_string().contains("Ana's entry"),
        "nobody else's words"
    );
    // Ana's has her entry and the listing, not Mo's words.
    let y: Value = app
        .get("/api/v1/me/export", Some(ana))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        y["programmes"][0]["relationships"][0]["written_by_you"]["log"][0]["entry"]["activity"],
        "Ana's entry"
    );
    assert!(
        y["programmes"][0]["mentor_listing"]["listed"]
            .as_bool()
            .unwrap()
    );
    assert!(!y.to_string().contains("Mo's own entry") && !y.to_string().contains("Mo's worry"));
    // The same from the profile page.
    let (browser, _) = crate::pages::signed_in(app, "mo@example.org").await;
    let r = browser.get(app.url("/my-data.json")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Mo's own entry"));
    st.app.stop().await;
}
