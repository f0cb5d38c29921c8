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
    meetings_invitations_and_the_calendar_feed,
    plan_skills_and_checklist,
    evaluations_reminders_and_staff_totals,
    groups_peer_circles_joining_and_leaving,
    rotating_the_content_key,
    relationships_made_by_staff_hold_the_mentor_s_places,
);

/// A relationship made by the cascade: Mo Mentee and Ana Mentor.
async fn matched(b: Backend) -> Option<(Setup, i64)> {
    let st = setup(b, 2).await?;
    let rel = crate::requests::accepted(&st.app, &st.mentee, &st.mentors[0]).await;
    Some((st, rel))
}

pub(crate) fn agreement(goals: &str) -> Value {
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
    // Closing gave Ana her place back (her capacity is 1): she can accept another mentee.
    let eve = app.member("Eve Mentee", "eve@example.org").await;
    crate::mentoring::join(app, "imp", &eve).await;
    let r: Value = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&[st.mentors[0].1]),
            Some(&eve),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        app.post(
            &format!("/api/v1/requests/{}/accept", r["id"]),
            json!({}),
            Some(ana)
        )
        .await
        .status(),
        200
    );
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

    let day = (app.clock_now() + chrono::Duration::days(3)).date_naive();
    let r = app
        .post(
            &at("/meetings"),
            json!({"starts_at": format!("{day}T10:00"), "ends_at": format!("{day}T11:00"), "time_zone": "UTC", "mode": "phone", "agenda": secret}),
            Some(&mo),
        )
        .await;
    assert_eq!(r.status(), 201);
    let mid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let meeting_path = format!("/meetings/{mid}/outcomes");
    let r = app
        .post(
            &at("/plan"),
            json!({"goal": secret, "timeline": "June", "kind": "career"}),
            Some(&mo),
        )
        .await;
    assert_eq!(r.status(), 201);
    let reads = [
        "",
        "/agreement",
        "/agreement/compare?from=1&to=1",
        "/log",
        "/meetings",
        "/plan",
        "/assessments",
        "/checklist",
        "/evaluations",
    ];
    let writes: [(&str, Value); 12] = [
        (
            "/plan",
            json!({"goal": "Forged", "timeline": "Now", "kind": "career"}),
        ),
        ("/assessments", json!({"levels": {}})),
        ("/checklist", json!({"item": "first_meeting"})),
        (
            "/evaluations",
            json!({"kind": "periodic", "ratings": {"progress": 5}}),
        ),
        ("/leave", json!({})),
        (
            "/meetings",
            json!({"starts_at": format!("{day}T12:00"), "ends_at": format!("{day}T13:00"), "time_zone": "UTC", "mode": "phone"}),
        ),
        (&meeting_path, json!({"outcomes": "Forged"})),
        (&format!("/meetings/{mid}/cancel"), json!({})),
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
    // Adding members is staff work: the office only for groups and circles, outsiders 404.
    for (who, token) in &others {
        if let Some(t) = token {
            let r = app
                .post(
                    &at("/members"),
                    json!({"user_id": st.mentors[1].1, "role": "mentor"}),
                    Some(t),
                )
                .await;
            // The admin adds Ben (who then leaves again); the director gets past the access
            // check to "already a member"; Ben, a former member now, may not add people.
            let expected = match *who {
                "admin" => 200,
                "director" => 422,
                "office" | "other pair's mentor" => 403,
                _ => 404,
            };
            assert_eq!(r.status().as_u16(), expected, "{who} adds a member");
            if expected == 200 {
                // Undo it for the next caller: Ben leaves again.
                assert_eq!(
                    app.post(&at("/leave"), json!({}), Some(&st.mentors[1].0))
                        .await
                        .status(),
                    200
                );
            }
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
    for path in [
        "",
        "/agreement",
        "/log",
        "/agreement.pdf",
        "/plan.pdf",
        "/meetings",
        "/evaluations",
    ] {
        let r = browser
            .get(app.url(&format!("/relationships/{rel}{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        assert!(!r.text().await.unwrap().contains(secret));
    }
    let (director_browser, _) = crate::pages::signed_in(app, "director@imp.example.org").await;
    for path in ["/agreement.pdf", "/plan.pdf", "/log"] {
        let r = director_browser
            .get(app.url(&format!("/relationships/{rel}{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "staff {path}");
        assert!(!r.text().await.unwrap().contains(secret));
    }
    let (browser, _) = crate::pages::signed_in(app, "mentor0@example.org").await;
    // Members keep a copy: the agreement and the plan as PDF files.
    for (path, title) in [
        ("/agreement.pdf", "Mentoring Relationship Agreement"),
        ("/plan.pdf", "Personal Development Plan"),
    ] {
        let r = browser
            .get(app.url(&format!("/relationships/{rel}{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let pdf = r.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = pdf_extract::extract_text_from_mem(&pdf).expect("the PDF reads back");
        assert!(
            text.contains(title) && text.contains(secret),
            "{path}: {text}"
        );
    }
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

fn meeting(start: &str, end: &str, tz: &str) -> Value {
    json!({
        "starts_at": start, "ends_at": end, "time_zone": tz, "mode": "video",
        "place": "https://meet.example.org/secret-room-4411", "agenda": "Ground rules and goals"
    })
}

/// The values of a property of the calendar and of its events, read back by the `icalendar`
/// crate's parser.
fn prop(ics: &str, name: &str) -> Vec<String> {
    use icalendar::Component;
    let cal = trellis_domain::calendar::read(ics).unwrap_or_else(|e| panic!("{e}: {ics}"));
    let mut out: Vec<String> = cal
        .property_value(name)
        .map(str::to_owned)
        .into_iter()
        .collect();
    for e in cal.events() {
        out.extend(e.properties().get(name).map(|p| p.value().to_owned()));
        out.extend(
            e.multi_properties()
                .get(name)
                .into_iter()
                .flatten()
                .map(|p| p.value().to_owned()),
        );
    }
    out
}

async fn meetings_invitations_and_the_calendar_feed(b: Backend) {
    let Some((st, rel)) = matched(b).await else {
        return;
    };
    let (app, mo, ana) = (&st.app, &st.mentee, &st.mentors[0].0);
    // Ana reads times in Toronto; Mo has no time zone (UTC).
    app.patch(
        "/api/v1/me",
        json!({"name": "Ana Mentor", "time_zone": "America/Toronto"}),
        ana,
    )
    .await;
    let at = |p: &str| format!("/api/v1/relationships/{rel}{p}");
    let day = (app.clock_now() + chrono::Duration::days(10)).date_naive();
    let start = format!("{day}T18:00");
    let end = format!("{day}T19:30");

    // Bad input: the end before the start; an unknown time zone.
    let (s, _, field, _) = error_of(
        app.post(
            &at("/meetings"),
            meeting(&start, &format!("{day}T17:00"), "Europe/Stockholm"),
            Some(mo),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("ends_at")));
    let (s, _, field, _) = error_of(
        app.post(
            &at("/meetings"),
            meeting(&start, &end, "Atlantis/Capital"),
            Some(mo),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("time_zone")));

    let m: Value = app
        .post(
            &at("/meetings"),
            meeting(&start, &end, "Europe/Stockholm"),
            Some(mo),
        )
        .await
        .json()
        .await
        .unwrap();
    let mid = m["id"].as_i64().unwrap();
    assert_eq!(m["minutes"], 90);
    assert_eq!(m["text"]["agenda"], "Ground rules and goals");
    assert!(
        m["starts_shown"].as_str().unwrap().ends_with("(UTC)"),
        "Mo's zone: {m}"
    );
    let seen_by_ana: Value = app
        .get(&at("/meetings"), Some(ana))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        seen_by_ana[0]["starts_shown"]
            .as_str()
            .unwrap()
            .contains("America/Toronto"),
        "{seen_by_ana}"
    );
    let starts_utc = chrono::DateTime::parse_from_rfc3339(m["starts_at"].as_str().unwrap())
        .unwrap()
        .to_utc();

    // Both are emailed an invitation that parses back.
    let mut uid = String::new();
    for (email, other) in [
        ("mo@example.org", "Ana Mentor"),
        ("mentor0@example.org", "Mo Mentee"),
    ] {
        let mail = app.last_mail_to(email, "meeting_invitation").await;
        assert!(mail.subject.contains(other), "{}", mail.subject);
        assert_eq!(
            mail.calendar_type.as_deref(),
            Some("text/calendar; method=REQUEST")
        );
        let ics = mail.calendar.expect("an .ics attachment");
        assert_eq!(prop(&ics, "METHOD"), vec!["REQUEST"]);
        assert_eq!(prop(&ics, "SEQUENCE"), vec!["0"]);
        assert_eq!(
            prop(&ics, "DTSTART"),
            vec![starts_utc.format("%Y%m%dT%H%M%SZ").to_string()]
        );
        assert_eq!(
            prop(&ics, "DTEND"),
            vec![
                (starts_utc + chrono::Duration::minutes(90))
                    .format("%Y%m%dT%H%M%SZ")
                    .to_string()
            ]
        );
        let mut attendees = prop(&ics, "ATTENDEE");
        attendees.sort();
        assert_eq!(
            attendees,
            vec!["mailto:mentor0@example.org", "mailto:mo@example.org"]
        );
        assert!(
            !ics.contains("secret-room-4411") && !ics.contains("Ground rules"),
            "no content in calendars"
        );
        uid = prop(&ics, "UID").remove(0);
    }
    assert_eq!(m["uid"], uid.as_str());
    // Ana's letter says the time in her zone.
    let ana_mail = app
        .last_mail_to("mentor0@example.org", "meeting_invitation")
        .await;
    assert!(
        ana_mail.text.contains("America/Toronto"),
        "{}",
        ana_mail.text
    );

    // Moved: same UID, SEQUENCE 1; cancelled: METHOD:CANCEL, SEQUENCE 2.
    let moved = meeting(
        &format!("{day}T19:00"),
        &format!("{day}T20:00"),
        "Europe/Stockholm",
    );
    let m: Value = app
        .put(
            &format!("/api/v1/relationships/{rel}/meetings/{mid}"),
            moved,
            ana,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m["sequence"], 1);
    let ics = app
        .last_mail_to("mo@example.org", "meeting_invitation")
        .await
        .calendar
        .unwrap();
    assert_eq!(
        (prop(&ics, "UID"), prop(&ics, "SEQUENCE")),
        (vec![uid.clone()], vec!["1".to_owned()])
    );
    let r = app
        .post(
            &at(&format!("/meetings/{mid}/outcomes")),
            json!({"outcomes": "Agreed to draft the plan"}),
            Some(mo),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.post(&at(&format!("/meetings/{mid}/cancel")), json!({}), Some(mo))
            .await
            .status(),
        200
    );
    let cancel = app
        .last_mail_to("mentor0@example.org", "meeting_cancelled")
        .await;
    assert_eq!(
        cancel.calendar_type.as_deref(),
        Some("text/calendar; method=CANCEL")
    );
    let ics = cancel.calendar.unwrap();
    assert_eq!(prop(&ics, "STATUS"), vec!["CANCELLED"]);
    assert_eq!(
        (prop(&ics, "UID"), prop(&ics, "SEQUENCE")),
        (vec![uid.clone()], vec!["2".to_owned()])
    );
    assert_eq!(
        app.post(&at(&format!("/meetings/{mid}/cancel")), json!({}), Some(mo))
            .await
            .status(),
        409
    );
    // Invitations also reached the notification centre.
    let n: Value = app
        .get("/api/v1/notifications", Some(mo))
        .await
        .json()
        .await
        .unwrap();
    assert!(n["items"].as_array().unwrap().iter().any(|i| {
        i["subject"]
            .as_str()
            .unwrap()
            .starts_with("Meeting cancelled")
    }));

    // A second meeting, then Mo's feed lists both (the cancelled one as cancelled).
    app.post(
        &at("/meetings"),
        meeting(&format!("{day}T08:00"), &format!("{day}T09:00"), "UTC"),
        Some(ana),
    )
    .await;
    let feed: Value = app
        .post("/api/v1/calendar-feed", json!({}), Some(mo))
        .await
        .json()
        .await
        .unwrap();
    let url = feed["url"].as_str().unwrap().to_owned();
    assert!(url.ends_with(".ics"));
    let path = url.strip_prefix(&app.base).unwrap().to_owned();
    let r = app.api().get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = r.text().await.unwrap();
    assert_eq!(prop(&ics, "METHOD"), vec!["PUBLISH"]);
    assert_eq!(prop(&ics, "UID").len(), 2);
    assert!(prop(&ics, "UID").contains(&uid));
    assert!(prop(&ics, "STATUS").contains(&"CANCELLED".to_owned()));
    assert!(!ics.contains("secret-room-4411"));
    // Another member's feed does not have them; a new address retires the old one; revoked: 404.
    let other: Value = app
        .post("/api/v1/calendar-feed", json!({}), Some(&st.mentors[1].0))
        .await
        .json()
        .await
        .unwrap();
    let other_path = other["url"]
        .as_str()
        .unwrap()
        .strip_prefix(&app.base)
        .unwrap()
        .to_owned();
    let ics = app
        .api()
        .get(app.url(&other_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(prop(&ics, "UID").is_empty(), "{ics}");
    let again: Value = app
        .post("/api/v1/calendar-feed", json!({}), Some(mo))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        app.api().get(app.url(&path)).send().await.unwrap().status(),
        404
    );
    let new_path = again["url"]
        .as_str()
        .unwrap()
        .strip_prefix(&app.base)
        .unwrap()
        .to_owned();
    assert_eq!(
        app.api()
            .get(app.url(&new_path))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(app.delete("/api/v1/calendar-feed", mo).await.status(), 204);
    assert_eq!(
        app.api()
            .get(app.url(&new_path))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        app.api()
            .get(app.url("/calendar/not-a-token.ics"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // The place never reached the database in clear, nor the outbox.
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.parts.state.store.db;
    for sql in [
        "SELECT body AS t FROM meetings",
        "SELECT text_body AS t FROM outbox",
        "SELECT COALESCE(calendar, '') AS t FROM outbox",
    ] {
        for row in db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap()
        {
            let t: String = row.try_get("", "t").unwrap();
            assert!(
                !t.contains("secret-room-4411") && !t.contains("Agreed to draft"),
                "{sql}"
            );
        }
    }
    st.app.stop().await;
}

fn levels(level: &str) -> Value {
    let map: serde_json::Map<String, Value> = trellis_domain::development::SKILLS
        .iter()
        .map(|(k, _)| ((*k).to_owned(), json!(level)))
        .collect();
    Value::Object(map)
}

async fn plan_skills_and_checklist(b: Backend) {
    let Some((st, rel)) = matched(b).await else {
        return;
    };
    let (app, mo, ana) = (&st.app, &st.mentee, &st.mentors[0].0);
    let at = |p: &str| format!("/api/v1/relationships/{rel}{p}");
    // The plan: goals with a timeline and a kind; updated as they progress.
    let (s, _, field, _) = error_of(
        app.post(&at("/plan"), json!({"goal": "Publish"}), Some(mo))
            .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("timeline")));
    let plan: Value = app
        .post(&at("/plan"), json!({"goal": "Publish as lead author", "timeline": "By December", "kind": "career", "measures": "Accepted paper"}), Some(mo))
        .await
        .json()
        .await
        .unwrap();
    let gid = plan[0]["id"].as_i64().unwrap();
    assert_eq!(plan[0]["goal"]["status"], "not_started");
    let plan: Value = app
        .put(&at(&format!("/plan/{gid}")), json!({"goal": "Publish as lead author", "timeline": "By December", "kind": "career", "status": "in_progress", "progress": "Draft sent to co-authors"}), ana)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(plan[0]["goal"]["status"], "in_progress");
    assert_eq!(
        app.put(
            &at("/plan/999999"),
            json!({"goal": "x", "timeline": "y", "kind": "career"}),
            ana
        )
        .await
        .status(),
        404
    );

    // Skills: every skill, known levels only; growth between the first and latest.
    let mut unknown = json!({"levels": levels("developmental")});
    unknown["levels"]["juggling"] = json!("expert");
    let (s, _, field, msg) = error_of(app.post(&at("/assessments"), unknown, Some(mo)).await).await;
    assert_eq!((s, field.as_deref()), (422, Some("levels")));
    assert!(msg.contains("juggling"));
    let mut wizard = json!({"levels": levels("developmental")});
    wizard["levels"]["question"] = json!("wizard");
    let (s, _, field, _) = error_of(app.post(&at("/assessments"), wizard, Some(mo)).await).await;
    assert_eq!((s, field.as_deref()), (422, Some("levels")));
    app.post(
        &at("/assessments"),
        json!({"levels": levels("developmental"), "strengths": "Curiosity"}),
        Some(mo),
    )
    .await;
    let mut later = json!({"levels": levels("proficient")});
    later["levels"]["question"] = json!("expert");
    let a: Value = app
        .post(&at("/assessments"), later, Some(mo))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["assessments"].as_array().unwrap().len(), 2);
    let growth = &a["growth"][0];
    assert_eq!(growth["member"], "Mo Mentee");
    assert_eq!(growth["skills"][2], json!(["Question", 1, 3]));
    assert_eq!(growth["skills"][0], json!(["Build rapport", 1, 2]));
    // The page draws the chart with a title and the same figures in a table.
    let (browser, _) = crate::pages::signed_in(app, "mo@example.org").await;
    let html = browser
        .get(app.url(&format!("/relationships/{rel}/skills")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<svg") && html.contains("first and latest assessment</title>"),
        "{html}"
    );
    assert!(html.contains("<th scope=\"row\">Question</th><td>Developmental</td><td>Expert</td>"));

    // The checklist: each member's own ticks.
    let (s, _, field, _) = error_of(
        app.post(&at("/checklist"), json!({"item": "fly"}), Some(mo))
            .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("item")));
    let c: Value = app
        .post(
            &at("/checklist"),
            json!({"item": "first_meeting"}),
            Some(mo),
        )
        .await
        .json()
        .await
        .unwrap();
    let done = |c: &Value, key: &str| {
        c.as_array()
            .unwrap()
            .iter()
            .flat_map(|st| st["items"].as_array().unwrap().clone())
            .find(|i| i[0] == key)
            .map(|i| !i[2].is_null())
    };
    assert_eq!(done(&c, "first_meeting"), Some(true));
    assert_eq!(c.as_array().unwrap().len(), 4, "four stages");
    let theirs: Value = app
        .get(&at("/checklist"), Some(ana))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        done(&theirs, "first_meeting"),
        Some(false),
        "ticks are per member"
    );
    let c: Value = app
        .post(
            &at("/checklist"),
            json!({"item": "first_meeting", "done": false}),
            Some(mo),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done(&c, "first_meeting"), Some(false));
    st.app.stop().await;
}

pub(crate) fn ratings(n: i32) -> Value {
    let map: serde_json::Map<String, Value> = trellis_domain::evaluation::QUESTIONS
        .iter()
        .map(|(q, _)| ((*q).to_owned(), json!(n)))
        .collect();
    Value::Object(map)
}

async fn evaluations_reminders_and_staff_totals(b: Backend) {
    let Some((st, rel)) = matched(b).await else {
        return;
    };
    let (app, mo, ana) = (&st.app, &st.mentee, &st.mentors[0].0);
    let at = |p: &str| format!("/api/v1/relationships/{rel}{p}");
    let due = |who: &'static str| async move {
        app.mails_to(who)
            .await
            .iter()
            .filter(|m| m.template == "evaluation_due")
            .count()
    };
    // Nothing is due before 60 days; at 60 days both are reminded, once.
    app.clock.advance(chrono::Duration::days(59));
    app.run_jobs().await;
    assert_eq!(due("mo@example.org").await, 0);
    app.clock.advance(chrono::Duration::days(1));
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(
        (
            due("mo@example.org").await,
            due("mentor0@example.org").await
        ),
        (1, 1)
    );
    let n: Value = app
        .get("/api/v1/notifications", Some(mo))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        n["items"][0]["link"],
        format!("/relationships/{rel}/evaluations")
    );
    // Stopped for 200 days: one reminder, not three.
    app.clock.advance(chrono::Duration::days(200));
    app.run_jobs().await;
    assert_eq!(due("mo@example.org").await, 2);

    // Bad input, and the final evaluation only when closing.
    let mut bad = ratings(3);
    bad["satisfaction"] = json!(9);
    let (s, _, field, _) = error_of(
        app.post(
            &at("/evaluations"),
            json!({"kind": "periodic", "ratings": bad}),
            Some(mo),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("ratings")));
    let (s, _, _, msg) = error_of(
        app.post(
            &at("/evaluations"),
            json!({"kind": "final", "ratings": ratings(5), "reflection": "Done"}),
            Some(mo),
        )
        .await,
    )
    .await;
    assert_eq!(s, 409, "{msg}");

    // Staff: nothing below five answers, then the averages only.
    let results = |token: String| async move {
        app.get("/api/v1/programmes/imp/evaluation-results", Some(&token))
            .await
            .json::<Value>()
            .await
            .unwrap()
    };
    for n in 1..=4 {
        app.post(
            &at("/evaluations"),
            json!({"kind": "periodic", "ratings": ratings(n), "comments": "Going well"}),
            Some(mo),
        )
        .await;
    }
    let r = results(st.director.clone()).await;
    assert_eq!(r[0]["answers"], 4);
    assert!(r[0]["average"].is_null(), "not enough answers: {r}");
    assert!(!r.to_string().contains("Going well"));
    app.post(
        &at("/evaluations"),
        json!({"kind": "periodic", "ratings": ratings(5)}),
        Some(ana),
    )
    .await;
    let r = results(st.director.clone()).await;
    assert_eq!(r[0]["answers"], 5);
    assert_eq!(r[0]["average"], 3.0);
    assert_eq!(
        app.get("/api/v1/programmes/imp/evaluation-results", Some(mo))
            .await
            .status(),
        403
    );

    // Closing: the final evaluation with a thank-you note, which Ana is told about.
    app.post(&at("/phase"), json!({"phase": "negotiating"}), Some(mo))
        .await;
    app.post(&at("/agreement"), agreement("Goals"), Some(mo))
        .await;
    for (who, name) in [(mo, "Mo Mentee"), (ana, "Ana Mentor")] {
        app.post(
            &at("/agreement/versions/1/sign"),
            json!({"typed_name": name}),
            Some(who),
        )
        .await;
    }
    for p in ["enabling", "closing"] {
        assert_eq!(
            app.post(&at("/phase"), json!({"phase": p}), Some(mo))
                .await
                .status(),
            200
        );
    }
    let (s, _, field, _) = error_of(
        app.post(
            &at("/evaluations"),
            json!({"kind": "final", "ratings": ratings(5)}),
            Some(mo),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("reflection")));
    let list: Value = app
        .post(&at("/evaluations"), json!({"kind": "final", "ratings": ratings(5), "reflection": "Ran the course twice", "thank_you": "Thank you for your patience, Ana"}), Some(mo))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list.as_array().unwrap().last().unwrap()["text"]["thank_you"],
        "Thank you for your patience, Ana"
    );
    let note = app
        .last_mail_to("mentor0@example.org", "thank_you_note")
        .await;
    assert!(
        !note.text.contains("patience"),
        "the note itself stays in Trellis"
    );
    // Closed: no more reminders.
    app.post(&at("/phase"), json!({"phase": "closed"}), Some(mo))
        .await;
    app.clock.advance(chrono::Duration::days(120));
    app.run_jobs().await;
    assert_eq!(due("mo@example.org").await, 2);
    st.app.stop().await;
}

async fn groups_peer_circles_joining_and_leaving(b: Backend) {
    let Some(st) = setup(b, 2).await else {
        return;
    };
    let app = &st.app;
    let id_of = |t: String| async move {
        app.get("/api/v1/me", Some(&t))
            .await
            .json::<Value>()
            .await
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let mut people = Vec::new();
    for (name, email) in [
        ("Pia Peer", "pia@example.org"),
        ("Quinn Peer", "quinn@example.org"),
        ("Ravi Peer", "ravi@example.org"),
    ] {
        let t = app.member(name, email).await;
        crate::mentoring::join(app, "imp", &t).await;
        people.push((t.clone(), id_of(t).await));
    }
    let outsider = app.member("Olga Outside", "olga@example.org").await;
    let outsider_id = id_of(outsider.clone()).await;
    let admin = app.admin_or_existing().await;
    let office = app.member("Olu Office", "office@example.org").await;
    app.post(
        "/api/v1/programmes/imp/staff",
        json!({"email": "office@example.org", "role": "office"}),
        Some(&admin),
    )
    .await;
    let ana = st.mentors[0].1;
    // A group's mentor takes one place a mentee: Ana makes room for two.
    let r = app
        .patch(
            "/api/v1/programmes/imp/mentoring",
            json!({"capacity": 3}),
            &st.mentors[0].0,
        )
        .await;
    assert_eq!(r.status(), 200);
    let group = json!({"model": "group", "members": [
        {"user_id": ana, "role": "mentor"},
        {"user_id": people[0].1, "role": "mentee"},
        {"user_id": people[1].1, "role": "mentee"}]});

    // Who may make what; and what fits each model.
    assert_eq!(
        app.post(
            "/api/v1/programmes/imp/relationships",
            group.clone(),
            Some(&st.mentee)
        )
        .await
        .status(),
        403
    );
    let pair = json!({"model": "traditional", "members": [{"user_id": ana, "role": "mentor"}, {"user_id": people[2].1, "role": "mentee"}]});
    assert_eq!(
        app.post("/api/v1/programmes/imp/relationships", pair, Some(&office))
            .await
            .status(),
        403,
        "the office makes groups and circles only"
    );
    let lonely = json!({"model": "group", "members": [{"user_id": ana, "role": "mentor"}, {"user_id": people[0].1, "role": "mentee"}]});
    let (s, _, field, _) = error_of(
        app.post(
            "/api/v1/programmes/imp/relationships",
            lonely,
            Some(&office),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("members")));
    let stranger = json!({"model": "peer", "members": [{"user_id": people[0].1, "role": "peer"}, {"user_id": outsider_id, "role": "peer"}]});
    let (s, _, field, msg) = error_of(
        app.post(
            "/api/v1/programmes/imp/relationships",
            stranger,
            Some(&office),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("members")), "{msg}");

    let g: Value = app
        .post("/api/v1/programmes/imp/relationships", group, Some(&office))
        .await
        .json()
        .await
        .unwrap();
    let gid = g["id"].as_i64().unwrap();
    assert_eq!(g["model"], "group");
    assert_eq!(g["phase"], "preparing");
    let free = || async {
        app.get(
            &format!("/api/v1/programmes/imp/mentors/{ana}"),
            Some(&st.mentee),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["free_places"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(free().await, 1, "two of Ana's three places are the group's");
    let welcome = app
        .last_mail_to("pia@example.org", "relationship_welcome")
        .await;
    assert!(
        welcome.text.contains("mentor0@example.org") && welcome.text.contains("quinn@example.org"),
        "{}",
        welcome.text
    );
    let at = |p: &str| format!("/api/v1/relationships/{gid}{p}");
    let today = app.clock_now().date_naive().to_string();
    app.post(
        &at("/log"),
        json!({"on": today, "activity": "Cohort kick-off"}),
        Some(&people[0].0),
    )
    .await;

    // Ravi joins later; he reads everything (current members do), and is welcomed.
    let (s, _, field, _) = error_of(
        app.post(
            &at("/members"),
            json!({"user_id": people[2].1, "role": "peer"}),
            Some(&office),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, field.as_deref()),
        (422, Some("role")),
        "no peers in a group"
    );
    assert_eq!(
        app.post(
            &at("/members"),
            json!({"user_id": people[2].1, "role": "mentee"}),
            Some(&st.mentee)
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        app.post(
            &at("/members"),
            json!({"user_id": people[2].1, "role": "mentee"}),
            Some(&office)
        )
        .await
        .status(),
        200
    );
    app.last_mail_to("ravi@example.org", "relationship_welcome")
        .await;
    assert_eq!(free().await, 0, "Ravi took Ana's last place");
    let (s, code, _, msg) = error_of(
        app.post(
            &at("/members"),
            json!({"user_id": st.mentee_id, "role": "mentee"}),
            Some(&office),
        )
        .await,
    )
    .await;
    assert_eq!((s, code.as_str()), (409, "conflict"), "{msg}");
    assert!(msg.contains("Ana Mentor"), "{msg}");
    let log: Value = app
        .get(&at("/log"), Some(&people[2].0))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log.as_array().unwrap().len(), 1);

    // Pia leaves: she reads what was written while she was in, not what comes after, and
    // cannot add to it.
    app.clock.advance(chrono::Duration::hours(1));
    let left: Value = app
        .post(&at("/leave"), json!({}), Some(&people[0].0))
        .await
        .json()
        .await
        .unwrap();
    let pia = left["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Pia Peer")
        .unwrap()
        .clone();
    assert!(!pia["left_at"].is_null());
    assert_eq!(free().await, 1, "Pia's place is Ana's again");
    assert_eq!(
        app.post(&at("/leave"), json!({}), Some(&people[0].0))
            .await
            .status(),
        403
    );
    app.clock.advance(chrono::Duration::hours(1));
    app.post(
        &at("/log"),
        json!({"on": today, "activity": "After Pia left"}),
        Some(&people[1].0),
    )
    .await;
    let log: Value = app
        .get(&at("/log"), Some(&people[0].0))
        .await
        .json()
        .await
        .unwrap();
    let seen: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entry"]["activity"].as_str().unwrap())
        .collect();
    assert_eq!(seen, vec!["Cohort kick-off"]);
    assert_eq!(
        app.post(
            &at("/log"),
            json!({"on": today, "activity": "Sneaking in"}),
            Some(&people[0].0)
        )
        .await
        .status(),
        403
    );
    let log: Value = app
        .get(&at("/log"), Some(&people[1].0))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log.as_array().unwrap().len(), 2);

    // A peer circle, made by the office.
    let circle = json!({"model": "peer", "members": [{"user_id": people[0].1, "role": "peer"}, {"user_id": people[1].1, "role": "peer"}, {"user_id": people[2].1, "role": "peer"}]});
    let c: Value = app
        .post(
            "/api/v1/programmes/imp/relationships",
            circle,
            Some(&office),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["model"], "peer");
    assert_eq!(c["members"].as_array().unwrap().len(), 3);
    assert!(
        c["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["email"].is_null()),
        "the office sees no addresses"
    );
    st.app.stop().await;
}

async fn rotating_the_content_key(b: Backend) {
    use sea_orm::{ConnectionTrait, Statement};
    use trellis_store::sealed::Keys;
    let k1 = Keys::generate("k1");
    let Some(st) = crate::requests::setup_with(b, 1, |c| c.content_keys = Some(k1.clone())).await
    else {
        return;
    };
    let (app, mo) = (&st.app, &st.mentee);
    let rel = crate::requests::accepted(app, mo, &st.mentors[0]).await;
    let today = app.clock_now().date_naive().to_string();
    app.post(
        &format!("/api/v1/relationships/{rel}/log"),
        json!({"on": today, "activity": "Sealed with k1"}),
        Some(mo),
    )
    .await;
    app.post(
        &format!("/api/v1/relationships/{rel}/agreement"),
        agreement("Goals under k1"),
        Some(mo),
    )
    .await;
    let db = &app.parts.state.store.db;
    let bodies = || async {
        let mut out = Vec::new();
        for table in ["log_entries", "agreement_versions"] {
            for row in db
                .query_all_raw(Statement::from_string(
                    db.get_database_backend(),
                    format!("SELECT body FROM {table}"),
                ))
                .await
                .unwrap()
            {
                out.push(row.try_get::<String>("", "body").unwrap());
            }
        }
        out
    };
    assert!(bodies().await.iter().all(|b| b.starts_with("tv1.k1.")));
    // Rotate: k2 first, k1 kept; re-seal; then k2 alone opens everything.
    let k2 = Keys::generate("k2");
    let both = Keys::parse(&[k2.clone(), k1.clone()]).unwrap();
    let n = trellis_store::workspace::reseal_all(db, &both)
        .await
        .unwrap();
    assert_eq!(n, 2);
    let only_k2 = Keys::parse(std::slice::from_ref(&k2)).unwrap();
    let ctx = format!("relationship:{rel}");
    for b in bodies().await {
        assert!(b.starts_with("tv1.k2."), "{b}");
        assert!(only_k2.open(&ctx, &b).is_ok());
    }
    assert_eq!(
        trellis_store::workspace::reseal_all(db, &both)
            .await
            .unwrap(),
        0,
        "nothing left to do"
    );
    // The command does the same on an installation's data folder.
    if b == Backend::Sqlite {
        let k3 = Keys::generate("k3");
        let out = crate::cli::trellis(&app.config.data_dir)
            .args(["keys", "reseal"])
            .env("TRELLIS_DATA_DIR", &app.config.data_dir)
            .env("TRELLIS_CONTENT_KEYS", format!("{k3},{k2}"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("Re-sealed 2 values with key k3"));
        assert!(bodies().await.iter().all(|b| b.starts_with("tv1.k3.")));
        let out = crate::cli::trellis(&app.config.data_dir)
            .args(["keys", "generate", "--id", "k4"])
            .output()
            .unwrap();
        let entry = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert!(Keys::parse(&[entry]).is_ok());
    }
    st.app.stop().await;
}

/// A relationship staff make takes the mentor's place as an accepted request does, refuses a
/// mentor with none left, and gives it back when it closes.
async fn relationships_made_by_staff_hold_the_mentor_s_places(b: Backend) {
    let Some(st) = setup(b, 1).await else {
        return;
    };
    let app = &st.app;
    let ana = st.mentors[0].1;
    let free = || async {
        app.get(
            &format!("/api/v1/programmes/imp/mentors/{ana}"),
            Some(&st.mentee),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["free_places"]
            .as_i64()
            .unwrap()
    };
    let with_capacity = || async {
        app.get(
            "/api/v1/programmes/imp/mentors?availability=capacity",
            Some(&st.mentee),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["total"]
            .as_i64()
            .unwrap()
    };
    assert_eq!((free().await, with_capacity().await), (1, 1));
    let pair = |mentee: i64| {
        json!({"model": "traditional", "members": [
            {"user_id": ana, "role": "mentor"}, {"user_id": mentee, "role": "mentee"}]})
    };
    let r: Value = app
        .post(
            "/api/v1/programmes/imp/relationships",
            pair(st.mentee_id),
            Some(&st.director),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = r["id"].as_i64().unwrap();
    assert_eq!((free().await, with_capacity().await), (0, 0));

    // Ana is full: a second pair is refused, naming her, and nothing of it is written.
    let nia = app.member("Nia Next", "nia@example.org").await;
    crate::mentoring::join(app, "imp", &nia).await;
    let nia_id = app
        .get("/api/v1/me", Some(&nia))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, code, _, msg) = error_of(
        app.post(
            "/api/v1/programmes/imp/relationships",
            pair(nia_id),
            Some(&st.director),
        )
        .await,
    )
    .await;
    assert_eq!((s, code.as_str()), (409, "conflict"), "{msg}");
    assert!(
        msg.contains("Ana Mentor") && msg.contains("free place"),
        "{msg}"
    );
    assert!(
        app.mails_to("nia@example.org")
            .await
            .iter()
            .all(|m| m.template != "relationship_welcome"),
        "no relationship was made for Nia"
    );
    assert_eq!(free().await, 0);

    // Ana leaves: the place is hers again, and the directory shows it.
    let r = app
        .post(
            &format!("/api/v1/relationships/{id}/leave"),
            json!({}),
            Some(&st.mentors[0].0),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!((free().await, with_capacity().await), (1, 1));

    // The same for a relationship made by an accepted request.
    let rel = crate::requests::accepted(app, &nia, &st.mentors[0]).await;
    assert_eq!(free().await, 0);
    let r = app
        .post(
            &format!("/api/v1/relationships/{rel}/leave"),
            json!({}),
            Some(&st.mentors[0].0),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(free().await, 1);
    st.app.stop().await;
}
