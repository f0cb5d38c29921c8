//! "My data": the member's export holds their profile, what they asked and wrote, and nobody
//! else's words.

use crate::both_backends;
use crate::helpers::Backend;
use crate::requests::setup;
use serde_json::{Value, json};

both_backends!(
    the_export_holds_what_the_member_wrote_and_nothing_of_others,
    erasure_leaves_no_name_or_address_and_waits_for_open_concerns,
);

async fn the_export_holds_what_the_member_wrote_and_nothing_of_others(b: Backend) {
    let Some(st) = setup(b, 1).await else {
        return;
    };
    let app = &st.app;
    let (mo, ana) = (&st.mentee, &st.mentors[0].0);
    let rel = crate::requests::accepted(app, mo, &st.mentors[0]).await;
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
    // Erasing from the profile page ends the session.
    let profile = browser
        .get(app.url("/profile"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::helpers::csrf_of(&profile);
    let r = browser
        .post(app.url("/erase-account"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("confirm", "erase my account"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Your account is erased"));
    assert_eq!(
        browser
            .get(app.url("/profile"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    st.app.stop().await;
}

/// Every text column of every table holding `needle`: (table, column).
async fn found_in_database(
    db: &sea_orm::DatabaseConnection,
    needle: &str,
) -> Vec<(String, String)> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let backend = db.get_database_backend();
    let columns_sql = match backend {
        DbBackend::Postgres => {
            "SELECT table_name AS t, column_name AS c FROM information_schema.columns \
             WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')"
                .to_owned()
        }
        _ => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND (p.type = 'TEXT' OR p.type = '' OR p.type LIKE '%CHAR%')"
                .to_owned()
        }
    };
    let mut hits = Vec::new();
    for row in db
        .query_all_raw(Statement::from_string(backend, columns_sql))
        .await
        .unwrap()
    {
        let (t, c): (String, String) =
            (row.try_get("", "t").unwrap(), row.try_get("", "c").unwrap());
        let q = format!(
            "SELECT COUNT(*) AS n FROM \"{t}\" WHERE CAST(\"{c}\" AS TEXT) LIKE '%{needle}%'"
        );
        if let Ok(Some(r)) = db.query_one_raw(Statement::from_string(backend, q)).await {
            let n: i64 = r.try_get("", "n").unwrap_or(0);
            if n > 0 {
                hits.push((t, c));
            }
        }
    }
    hits
}

async fn erasure_leaves_no_name_or_address_and_waits_for_open_concerns(b: Backend) {
    let Some(st) = setup(b, 1).await else {
        return;
    };
    let app = &st.app;
    let (mo, ana) = (&st.mentee, &st.mentors[0].0);
    // Mo asks, Ana accepts; they write; Ana reports a concern about Mo.
    let rel = crate::requests::accepted(app, mo, &st.mentors[0]).await;
    let at = |p: &str| format!("/api/v1/relationships/{rel}{p}");
    let today = app.clock_now().date_naive().to_string();
    app.post(
        &at("/log"),
        json!({"on": today, "activity": "Shared entry by Mo"}),
        Some(mo),
    )
    .await;
    app.post(&at("/phase"), json!({"phase": "negotiating"}), Some(mo))
        .await;
    app.post(&at("/agreement"), json!({"goals": "g", "meeting_schedule": "m", "confidentiality": "c", "ground_rules": "r", "duration": "d"}), Some(mo)).await;
    app.post(
        &at("/agreement/versions/1/sign"),
        json!({"typed_name": "Mo Mentee"}),
        Some(mo),
    )
    .await;
    let admin = app.admin_or_existing().await;
    let cora = app.member("Cora Concerns", "cora@example.org").await;
    app.post(
        "/api/v1/programmes/imp/staff",
        json!({"email": "cora@example.org", "role": "concerns_officer"}),
        Some(&admin),
    )
    .await;
    let mo_id = app
        .get("/api/v1/me", Some(mo))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let c: Value = app
        .post(
            "/api/v1/programmes/imp/concerns",
            json!({"about": "person", "about_id": mo_id, "what_happened": "Missed three meetings"}),
            Some(ana),
        )
        .await
        .json()
        .await
        .unwrap();
    app.mails().await; // deliver what is queued, so the .eml files exist too

    // Bad input, then held while the concern about Mo is open.
    assert_eq!(
        app.post("/api/v1/me/erase", json!({"confirm": "yes"}), Some(mo))
            .await
            .status(),
        422
    );
    let (code, _, _, msg) = crate::helpers::error_of(
        app.post(
            "/api/v1/me/erase",
            json!({"confirm": "erase my account"}),
            Some(mo),
        )
        .await,
    )
    .await;
    assert_eq!(code, 409);
    assert!(msg.contains("once it is resolved"), "{msg}");
    assert!(
        !found_in_database(&app.parts.state.store.db, "mo@example.org")
            .await
            .is_empty()
    );
    app.post(
        &format!("/api/v1/concerns/{}/steps", c["id"]),
        json!({"status": "closed", "message": "Resolved with both"}),
        Some(&cora),
    )
    .await;

    assert_eq!(
        app.post(
            "/api/v1/me/erase",
            json!({"confirm": "erase my account"}),
            Some(mo)
        )
        .await
        .status(),
        204
    );
    let db = &app.parts.state.store.db;
    for needle in ["mo@example.org", "Mo Mentee"] {
        let hits = found_in_database(db, needle).await;
        assert!(hits.is_empty(), "{needle} still in {hits:?}");
    }
    // Mo cannot sign in or use a token; Ana keeps the shared records under the placeholder.
    assert_eq!(app.get("/api/v1/me", Some(mo)).await.status(), 401);
    let log: Value = app.get(&at("/log"), Some(ana)).await.json().await.unwrap();
    assert_eq!(log[0]["entry"]["activity"], "Shared entry by Mo");
    assert_eq!(log[0]["author"], format!("Former member {mo_id}"));
    let a: Value = app
        .get(&at("/agreement"), Some(ana))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        a["versions"][0]["signatures"][0]["typed_name"],
        format!("Former member {mo_id}")
    );
    // Queued mail to Mo is dropped without failing the jobs.
    let report = app.run_jobs().await;
    assert_eq!(report.failed, 0);
    st.app.stop().await;
}
