//! The relationship workspace on both databases: phases and the signed agreement, the log, who
//! may reach which route (only members get content), and content sealed at rest.

use crate::both_backends;
use crate::helpers::{Backend, error_of};
use crate::requests::{Setup, request_body, setup};
use serde_json::{Value, json};

both_backends!(
    agreement_versions_signatures_and_phases,
    workspace_authorization_matrix,
    confidential_text_is_not_in_the_database_in_clear,
);

/// A relationship made by the cascade: Mo Mentee and Ana Mentor.
async fn matched(b: Backend) -> Option<(Setup, i64)> {
    let st = setup(b, 2).await?;
    let r: Value = st
        .app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&[st.mentors[0].1]),
            Some(&st.mentee),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = r["id"].as_i64().unwrap();
    let r: Value = st
        .app
        .post(
            &format!("/api/v1/requests/{id}/accept"),
            json!({}),
            Some(&st.mentors[0].0),
        )
        .await
        .json()
        .await
        .unwrap();
    let rel = r["relationship_id"].as_i64().unwrap();
    Some((st, rel))
}

fn agreement(goals: &str) -> Value {
    json!({
        "goals": goals,
        "meeting_schedule": "Once a month, an hour, by video",
        "confidentiality": "What we discuss stays between us unless we agree otherwise",
        "ground_rules": "Come prepared; say early if a meeting must move",
        "duration": "Twelve months, reviewed after six",
        "channels": "Video and email"
    })
}

async fn agreement_versions_signatures_and_phases(b: Backend) {
    let Some((st, rel)) = matched(b).await else {
        return;
    };
    let (app, mo, ana) = (&st.app, &st.mentee, &st.mentors[0].0);
    let at = |p: &str| format!("/api/v1/relationships/{rel}{p}");
    let overview: Value = app.get(&at(""), Some(mo)).await.json().await.unwrap();
    assert_eq!(overview["phase"], "preparing");
    assert_eq!(overview["members"].as_array().unwrap().len(), 2);
    assert_eq!(overview["next_phases"], json!(["negotiating"]));

    // Phases move one step at a time; enabling needs a signed agreement.
    let (s, _, _, msg) = error_of(
        app.post(&at("/phase"), json!({"phase": "enabling"}), Some(mo))
            .await,
    )
    .await;
    assert_eq!(s, 409, "{msg}");
    let (s, _, field, _) = error_of(
        app.post(&at("/phase"), json!({"phase": "somewhere"}), Some(mo))
            .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("phase")));
    assert_eq!(
        app.post(&at("/phase"), json!({"phase": "negotiating"}), Some(ana))
            .await
            .status(),
        200
    );
    let (s, _, _, msg) = error_of(
        app.post(&at("/phase"), json!({"phase": "enabling"}), Some(mo))
            .await,
    )
    .await;
    assert_eq!(s, 409);
    assert!(msg.contains("Agreement"), "{msg}");

    // Version 1: the essential points are required.
    let (s, _, field, _) = error_of(
        app.post(&at("/agreement"), json!({"goals": "x"}), Some(mo))
            .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("meeting_schedule")));
    assert_eq!(
        app.post(
            &at("/agreement"),
            agreement("Lead a simulation course"),
            Some(mo)
        )
        .await
        .status(),
        201
    );
    // Corrected before anyone signs: still version 1.
    let a: Value = app
        .put(
            &at("/agreement/versions/1"),
            agreement("Lead a simulation course by June"),
            mo,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["latest"], 1);
    assert_eq!(
        a["versions"][0]["body"]["goals"],
        "Lead a simulation course by June"
    );
    // Signing: one's own name, once.
    let (s, _, field, _) = error_of(
        app.post(
            &at("/agreement/versions/1/sign"),
            json!({"typed_name": "Ana Mentor"}),
            Some(mo),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("typed_name")));
    assert_eq!(
        app.post(
            &at("/agreement/versions/1/sign"),
            json!({"typed_name": "mo mentee"}),
            Some(mo)
        )
        .await
        .status(),
        200
    );
    let (s, _, _, msg) = error_of(
        app.post(
            &at("/agreement/versions/1/sign"),
            json!({"typed_name": "Mo Mentee"}),
            Some(mo),
        )
        .await,
    )
    .await;
    assert_eq!(s, 409);
    assert!(msg.contains("already signed"), "{msg}");
    // A signed version never changes.
    let (s, _, _, msg) = error_of(
        app.put(
            &at("/agreement/versions/1"),
            agreement("Something else entirely"),
            ana,
        )
        .await,
    )
    .await;
    assert_eq!(s, 409);
    assert!(msg.contains("signed"), "{msg}");
    let (s, _, _, msg) = error_of(
        app.post(&at("/phase"), json!({"phase": "enabling"}), Some(mo))
            .await,
    )
    .await;
    assert_eq!(s, 409);
    assert!(msg.contains("Ana Mentor"), "still to sign: {msg}");

    // Ana changes it: version 2, which both sign again; version 1 can no longer be signed.
    let mut changed = agreement("Lead a simulation course by June");
    changed["duration"] = json!("Six months");
    assert_eq!(
        app.post(&at("/agreement"), changed, Some(ana))
            .await
            .status(),
        201
    );
    let (s, _, _, msg) = error_of(
        app.post(
            &at("/agreement/versions/1/sign"),
            json!({"typed_name": "Ana Mentor"}),
            Some(ana),
        )
        .await,
    )
    .await;
    assert_eq!(s, 409);
    assert!(msg.contains("version 2"), "{msg}");
    let diff: Value = app
        .get(&at("/agreement/compare?from=1&to=2"), Some(mo))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        diff,
        json!([{"field": "Duration", "before": "Twelve months, reviewed after six", "after": "Six months"}])
    );
    for (who, name) in [(mo, "Mo Mentee"), (ana, "Ana Mentor")] {
        assert_eq!(
            app.post(
                &at("/agreement/versions/2/sign"),
                json!({"typed_name": name}),
                Some(who)
            )
            .await
            .status(),
            200
        );
    }
    let a: Value = app
        .get(&at("/agreement"), Some(ana))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["unsigned"], json!([]));
    assert_eq!(a["versions"][1]["signatures"].as_array().unwrap().len(), 2);
    let now: Value = app
        .post(&at("/phase"), json!({"phase": "enabling"}), Some(mo))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["phase"], "enabling");
    assert_eq!(now["next_phases"], json!(["closing", "negotiating"]));

    // The log: dated, not in the future, by either member.
    let today = app.clock_now().date_naive();
    let (s, _, field, _) = error_of(
        app.post(
            &at("/log"),
            json!({"on": (today + chrono::Duration::days(1)).to_string(), "activity": "Later"}),
            Some(mo),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("on")));
    let log: Value = app
        .post(
            &at("/log"),
            json!({"on": today.to_string(), "activity": "First meeting", "notes": "Agreed the plan"}),
            Some(ana),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log[0]["entry"]["activity"], "First meeting");
    assert_eq!(log[0]["author"], "Ana Mentor");
    // Closing, then closed: the workspace is read-only.
    for p in ["closing", "closed"] {
        assert_eq!(
            app.post(&at("/phase"), json!({"phase": p}), Some(mo))
                .await
                .status(),
            200
        );
    }
    assert_eq!(
        app.post(
            &at("/log"),
            json!({"on": today.to_string(), "activity": "After"}),
            Some(mo)
        )
        .await
        .status(),
        409
    );
    let log: Value = app.get(&at("/log"), Some(mo)).await.json().await.unwrap();
    assert_eq!(log.as_array().unwrap().len(), 1, "still readable");
    st.app.stop().await;
}

async fn workspace_authorization_matrix(b: Backend) {
    let Some((st, rel)) = matched(b).await else {
        return;
    };
    let app = &st.app;
    let (mo, ana) = (st.mentee.clone(), st.mentors[0].0.clone());
    let secret = "Mo is preparing to leave the hospital in March";
    let at = |p: &str| format!("/api/v1/relationships/{rel}{p}");
    app.post(&at("/phase"), json!({"phase": "negotiating"}), Some(&mo))
        .await;
    app.post(&at("/agreement"), agreement(secret), Some(&mo))
        .await;
    let today = app.clock_now().date_naive().to_string();
    app.post(
        &at("/log"),
        json!({"on": today, "activity": secret}),
        Some(&ana),
    )
    .await;

    // Everyone else: another pair's mentor, staff of each kind, a member, signed out.
    let admin = app.admin_or_existing().await;
    let mut others: Vec<(&str, Option<String>)> = vec![("signed out", None)];
    others.push(("admin", Some(admin.clone())));
    others.push(("director", Some(st.director.clone())));
    for (role, email) in [
        ("office", "office@example.org"),
        ("concerns_officer", "concerns@example.org"),
    ] {
        let t = app.member(role, email).await;
        let r = app
            .post(
                "/api/v1/programmes/imp/staff",
                json!({"email": email, "role": role}),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status(), 201);
        others.push((role, Some(t)));
    }
    let stranger = app.member("Sam Stranger", "sam@example.org").await;
    crate::mentoring::join(app, "imp", &stranger).await;
    others.push(("member", Some(stranger)));
    others.push(("other pair's mentor", Some(st.mentors[1].0.clone())));

    let reads = ["", "/agreement", "/agreement/compare?from=1&to=1", "/log"];
    let writes: [(&str, Value); 4] = [
        ("/phase", json!({"phase": "enabling"})),
        ("/agreement", agreement("Overwritten")),
        (
            "/agreement/versions/1/sign",
            json!({"typed_name": "Anyone"}),
        ),
        ("/log", json!({"on": today, "activity": "Forged"})),
    ];
    for (who, token) in &others {
        let staff = matches!(*who, "admin" | "director" | "office");
        for path in reads {
            let r = app.get(&at(path), token.as_deref()).await;
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            assert!(!body.contains(secret), "{who} read content at {path}");
            let expected = match (token.is_some(), staff, path) {
                (false, ..) => 401,
                (true, true, "") => 200,
                (true, true, _) => 403,
                (true, false, _) => 404,
            };
            assert_eq!(status, expected, "{who} GET {path}: {body}");
            if status == 200 {
                let v: Value = serde_json::from_str(&body).unwrap();
                assert!(
                    v["members"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|m| m["email"].is_null()),
                    "staff see no addresses: {body}"
                );
            }
        }
        for (path, body) in &writes {
            let r = app.post(&at(path), body.clone(), token.as_deref()).await;
            let status = r.status().as_u16();
            let text = r.text().await.unwrap();
            assert!(!text.contains(secret), "{who} POST {path}");
            let expected = match (token.is_some(), staff) {
                (false, _) => 401,
                (true, true) => 403,
                (true, false) => 404,
            };
            assert_eq!(status, expected, "{who} POST {path}: {text}");
        }
        if let Some(t) = token {
            let r = app
                .put(&at("/agreement/versions/1"), agreement("Overwritten"), t)
                .await;
            assert!(matches!(r.status().as_u16(), 403 | 404), "{who} PUT");
        }
    }
    // Nothing changed, and the members still read it all.
    let a: Value = app
        .get(&at("/agreement"), Some(&ana))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["versions"].as_array().unwrap().len(), 1);
    assert_eq!(a["versions"][0]["body"]["goals"], secret);
    assert!(
        a["versions"][0]["signatures"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let log: Value = app.get(&at("/log"), Some(&mo)).await.json().await.unwrap();
    assert_eq!(log.as_array().unwrap().len(), 1);
    let o: Value = app.get(&at(""), Some(&mo)).await.json().await.unwrap();
    assert_eq!(o["phase"], "negotiating");
    assert!(
        o["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["email"].is_string())
    );
    // The pages follow the same rules.
    let (browser, _) = crate::pages::signed_in(app, "sam@example.org").await;
    for path in ["", "/agreement", "/log"] {
        let r = browser
            .get(app.url(&format!("/relationships/{rel}{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        assert!(!r.text().await.unwrap().contains(secret));
    }
    let (browser, _) = crate::pages::signed_in(app, "mentor0@example.org").await;
    let page = browser
        .get(app.url(&format!("/relationships/{rel}/log")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(secret));
    st.app.stop().await;
}

async fn confidential_text_is_not_in_the_database_in_clear(b: Backend) {
    let Some((st, rel)) = matched(b).await else {
        return;
    };
    let app = &st.app;
    let marker = "Quetzalcoatl-confidential-7731";
    let at = |p: &str| format!("/api/v1/relationships/{rel}{p}");
    app.post(&at("/agreement"), agreement(marker), Some(&st.mentee))
        .await;
    let today = app.clock_now().date_naive().to_string();
    let r = app
        .post(
            &at("/log"),
            json!({"on": today, "activity": "Talked", "notes": marker}),
            Some(&st.mentee),
        )
        .await;
    assert_eq!(r.status(), 201);
    // Through SQL, on either database: only sealed values.
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.parts.state.store.db;
    for table in ["agreement_versions", "log_entries"] {
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT body FROM {table}"),
            ))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "{table}");
        let body: String = rows[0].try_get("", "body").unwrap();
        assert!(body.starts_with("tv1."), "{table}: {body}");
        assert!(!body.contains(marker) && !body.contains("Quetzal"));
    }
    // And in the SQLite file itself (with its write-ahead log).
    if b == Backend::Sqlite {
        let mut found = false;
        for name in ["trellis.db", "trellis.db-wal"] {
            if let Ok(bytes) = std::fs::read(app.config.data_dir.join(name)) {
                found |= bytes.windows(marker.len()).any(|w| w == marker.as_bytes());
            }
        }
        assert!(!found, "the marker is in the database file in clear");
        // The key lives outside the database.
        assert!(app.config.data_dir.join("content-keys").exists());
    }
    // The members read it back.
    let log: Value = app
        .get(&at("/log"), Some(&st.mentors[0].0))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log[0]["entry"]["notes"], marker);
    st.app.stop().await;
}
