//! Programmes, membership, staff roles, the member list and the audit log, through the API,
//! with the access rules tried from the wrong side.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, error_of};
use serde_json::{Value, json};

both_backends!(
    admin_creates_and_edits_programmes,
    only_admins_manage_programmes_and_roles,
    open_and_member_list_membership,
    member_list_import_reports_bad_rows,
    audit_log_records_changes_and_is_admin_only,
    a_programme_starts_from_a_template,
);

async fn admin_creates_and_edits_programmes(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = app.admin().await;
    let r = app
        .post(
            "/api/v1/programmes",
            json!({"slug": "imp", "name": "International Mentoring"}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status(), 201);
    let p: Value = r.json().await.unwrap();
    // The guides' defaults.
    assert_eq!(p["settings"]["choices_per_request"], 3);
    assert_eq!(p["settings"]["reply_window_days"], 21);
    assert_eq!(p["settings"]["application_target_days"], 28);
    assert_eq!(p["settings"]["concern_ack_days"], 7);
    assert_eq!(p["settings"]["refresh_month"], 1);
    assert_eq!(p["settings"]["meeting_minutes_min"], 60);
    assert_eq!(p["settings"]["meeting_minutes_max"], 90);

    let r = app.patch("/api/v1/programmes/imp", json!({"description": "One to one", "settings": {"reply_window_days": 14, "model": "group"}}), &admin).await;
    assert_eq!(r.status(), 200);
    let p: Value = app
        .get("/api/v1/programmes/imp", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["settings"]["reply_window_days"], 14);
    assert_eq!(p["settings"]["model"], "group");
    assert_eq!(
        p["settings"]["choices_per_request"], 3,
        "other settings are kept"
    );
    assert_eq!(p["description"], "One to one");

    let (s, _, field, _) = error_of(
        app.post(
            "/api/v1/programmes",
            json!({"slug": "imp", "name": "Again"}),
            Some(&admin),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("slug")));
    let (s, _, field, _) = error_of(
        app.post(
            "/api/v1/programmes",
            json!({"slug": "Bad Slug!", "name": "X"}),
            Some(&admin),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("slug")));
    let (s, _, field, _) = error_of(
        app.patch(
            "/api/v1/programmes/imp",
            json!({"settings": {"refresh_month": 13}}),
            &admin,
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("refresh_month")));
    let (s, _, field, _) = error_of(
        app.patch(
            "/api/v1/programmes/imp",
            json!({"settings": {"membership": "invite"}}),
            &admin,
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("membership")));
    let p: Value = app
        .get("/api/v1/programmes/imp", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        p["settings"]["refresh_month"], 1,
        "a refused change changes nothing"
    );

    assert_eq!(app.get("/api/v1/programmes/nope", None).await.status(), 404);
    assert_eq!(
        app.patch("/api/v1/programmes/nope", json!({"name": "x"}), &admin)
            .await
            .status(),
        404
    );
    let all: Value = app
        .get("/api/v1/programmes", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1);
    app.stop().await;
}

async fn only_admins_manage_programmes_and_roles(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = app.admin().await;
    let slug = app.programme(&admin, "imp", json!({})).await;
    let office = app.member("Olu Office", "office@example.org").await;
    let member = app.member("Mia Member", "mia@example.org").await;

    // Signed out: 401. A member: 403. For every admin action.
    let create = json!({"slug": "other", "name": "Other"});
    assert_eq!(
        app.post("/api/v1/programmes", create.clone(), None)
            .await
            .status(),
        401
    );
    assert_eq!(
        app.post("/api/v1/programmes", create.clone(), Some(&member))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.patch(
            &format!("/api/v1/programmes/{slug}"),
            json!({"name": "Mine now"}),
            &member
        )
        .await
        .status(),
        403
    );
    let grant = json!({"email": "office@example.org", "role": "office"});
    assert_eq!(
        app.post(
            &format!("/api/v1/programmes/{slug}/staff"),
            grant.clone(),
            Some(&member)
        )
        .await
        .status(),
        403
    );

    let r = app
        .post(
            &format!("/api/v1/programmes/{slug}/staff"),
            grant.clone(),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status(), 201);
    let staff: Value = r.json().await.unwrap();
    assert_eq!(staff[0]["role"], "office");
    let office_id = staff[0]["user_id"].as_i64().unwrap();
    // Staff are members; office holders may not administer the programme.
    let me: Value = app
        .get("/api/v1/me", Some(&office))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["programmes"][0]["roles"], json!(["office"]));
    assert_eq!(
        app.patch(
            &format!("/api/v1/programmes/{slug}"),
            json!({"name": "Office's"}),
            &office
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/programmes/{slug}/staff"),
            json!({"email": "mia@example.org", "role": "chair"}),
            Some(&office)
        )
        .await
        .status(),
        403
    );

    let (s, _, field, _) = error_of(
        app.post(
            &format!("/api/v1/programmes/{slug}/staff"),
            json!({"email": "office@example.org", "role": "king"}),
            Some(&admin),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("role")));
    let (s, _, field, _) = error_of(
        app.post(
            &format!("/api/v1/programmes/{slug}/staff"),
            json!({"email": "stranger@example.org", "role": "chair"}),
            Some(&admin),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("email")));

    // Members see the staff list; outsiders do not.
    let outsider = app.member("Out Sider", "out@example.org").await;
    assert_eq!(
        app.get(&format!("/api/v1/programmes/{slug}/staff"), Some(&outsider))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/programmes/{slug}/members"),
            json!({}),
            Some(&member)
        )
        .await
        .status(),
        201
    );
    assert_eq!(
        app.get(&format!("/api/v1/programmes/{slug}/staff"), Some(&member))
            .await
            .status(),
        200
    );
    // Only admin and office list the members.
    assert_eq!(
        app.get(&format!("/api/v1/programmes/{slug}/members"), Some(&member))
            .await
            .status(),
        403
    );
    let members: Value = app
        .get(&format!("/api/v1/programmes/{slug}/members"), Some(&office))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(members.as_array().unwrap().len(), 2);

    assert_eq!(
        app.delete(
            &format!("/api/v1/programmes/{slug}/staff/{office_id}/office"),
            &member
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.delete(
            &format!("/api/v1/programmes/{slug}/staff/{office_id}/office"),
            &admin
        )
        .await
        .status(),
        204
    );
    assert_eq!(
        app.delete(
            &format!("/api/v1/programmes/{slug}/staff/{office_id}/office"),
            &admin
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        app.get(&format!("/api/v1/programmes/{slug}/members"), Some(&office))
            .await
            .status(),
        403
    );
    app.stop().await;
}

async fn open_and_member_list_membership(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = app.admin().await;
    app.programme(&admin, "open", json!({})).await;
    app.programme(&admin, "closed", json!({"membership": "member_list"}))
        .await;
    let t = app.member("Noor", "noor@example.org").await;

    assert_eq!(
        app.post("/api/v1/programmes/open/members", json!({}), Some(&t))
            .await
            .status(),
        201
    );
    let r = app
        .post("/api/v1/programmes/open/members", json!({}), Some(&t))
        .await;
    assert_eq!(r.status(), 200, "joining twice is harmless");
    assert_eq!(r.json::<Value>().await.unwrap()["already_member"], true);

    let (s, _, _, msg) = error_of(
        app.post("/api/v1/programmes/closed/members", json!({}), Some(&t))
            .await,
    )
    .await;
    assert_eq!(s, 403);
    assert!(msg.contains("member list"), "{msg}");
    assert_eq!(
        app.post("/api/v1/programmes/closed/members", json!({}), None)
            .await
            .status(),
        401
    );
    assert_eq!(
        app.post("/api/v1/programmes/missing/members", json!({}), Some(&t))
            .await
            .status(),
        404
    );

    let csv = "email,member_number,name,member_type\nNOOR@example.org,A1,Noor,full\n";
    let r = app
        .api()
        .post(app.url("/api/v1/programmes/closed/member-list"))
        .bearer_auth(&admin)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.post("/api/v1/programmes/closed/members", json!({}), Some(&t))
            .await
            .status(),
        201
    );
    let me: Value = app.get("/api/v1/me", Some(&t)).await.json().await.unwrap();
    let slugs: Vec<&str> = me["programmes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs.len(), 2);
    app.stop().await;
}

async fn member_list_import_reports_bad_rows(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = app.admin().await;
    app.programme(&admin, "soc", json!({"membership": "member_list"}))
        .await;
    let office = app.member("Ola", "ola@example.org").await;
    app.post(
        "/api/v1/programmes/soc/staff",
        json!({"email": "ola@example.org", "role": "office"}),
        Some(&admin),
    )
    .await;
    let member = app.member("Max", "max@example.org").await;
    let import = |token: String, body: &'static [u8], query: &'static str| {
        let req = app
            .api()
            .post(app.url(&format!("/api/v1/programmes/soc/member-list{query}")))
            .bearer_auth(token)
            .body(body);
        async move { req.send().await.unwrap() }
    };
    let list_count = || async {
        let members: Value = app
            .get("/api/v1/programmes/soc/members", Some(&admin))
            .await
            .json()
            .await
            .unwrap();
        members.as_array().unwrap().len()
    };

    let bad: &[u8] = b"email,member_number,name\na@example.org,1,A\nnot-an-email,2,B\nc@example.org,3,\nA@example.org,4,A again\nd@example.org,5,D\n";
    assert_eq!(
        import(member.clone(), bad, "").await.status(),
        403,
        "members cannot import"
    );

    // Bad rows: reported with line and reason, nothing imported.
    let r = import(office.clone(), bad, "").await;
    assert_eq!(r.status(), 422);
    let rep: Value = r.json().await.unwrap();
    assert_eq!(rep["applied"], false);
    assert_eq!(rep["imported"], 0);
    let lines: Vec<i64> = rep["bad_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4, 5]);
    assert!(
        rep["bad_rows"][2]["reason"]
            .as_str()
            .unwrap()
            .contains("more than once")
    );
    let t_a = app.member("A", "a@example.org").await;
    assert_eq!(
        app.post("/api/v1/programmes/soc/members", json!({}), Some(&t_a))
            .await
            .status(),
        403,
        "nothing was half-imported"
    );

    // A dry run imports nothing either, even from a good file.
    let r = import(
        office.clone(),
        b"email,member_number,name\na@example.org,1,A\n",
        "?dry_run=true",
    )
    .await;
    let rep: Value = r.json().await.unwrap();
    assert_eq!(
        (
            rep["dry_run"].as_bool(),
            rep["valid_rows"].as_i64(),
            rep["applied"].as_bool()
        ),
        (Some(true), Some(1), Some(false))
    );

    // Asked to skip bad rows: the good ones go in.
    let rep: Value = import(office.clone(), bad, "?skip_bad=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rep["imported"], 2);
    assert_eq!(
        app.post("/api/v1/programmes/soc/members", json!({}), Some(&t_a))
            .await
            .status(),
        201
    );
    assert_eq!(list_count().await, 2, "office holder and A");

    // A wrong header and a wrong encoding are reported, not imported.
    let rep: Value = import(office.clone(), b"mail,number\nx@example.org,1\n", "")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        rep["bad_rows"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("header")
    );
    let rep: Value = import(
        office,
        b"email,member_number,name\nz\xe9@example.org,1,Z\xe9\n",
        "",
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(
        rep["bad_rows"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("UTF-8")
    );
    app.stop().await;
}

async fn audit_log_records_changes_and_is_admin_only(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = app.admin().await;
    app.programme(&admin, "aud", json!({})).await;
    let member = app.member("Pia", "pia@example.org").await;
    app.post("/api/v1/programmes/aud/members", json!({}), Some(&member))
        .await;
    app.post(
        "/api/v1/programmes/aud/staff",
        json!({"email": "pia@example.org", "role": "director"}),
        Some(&admin),
    )
    .await;

    assert_eq!(app.get("/api/v1/audit", Some(&member)).await.status(), 403);
    assert_eq!(app.get("/api/v1/audit", None).await.status(), 401);
    let all: Value = app
        .get("/api/v1/audit", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    for expected in [
        "account.registered",
        "account.email_verified",
        "programme.created",
        "programme.member_joined",
        "programme.role_granted",
        "account.token_created",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let programme_only: Value = app
        .get("/api/v1/audit?programme=aud", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        programme_only
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["programme_id"].is_i64())
    );
    let roles: Value = app
        .get("/api/v1/audit?action=programme.role", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(roles.as_array().unwrap().len(), 1);
    assert_eq!(roles[0]["actor_name"], "Ada Admin");
    let later = (app.clock_now() + chrono::Duration::days(1)).to_rfc3339();
    let none: Value = app
        .api()
        .get(app.url("/api/v1/audit"))
        .query(&[("since", later.as_str())])
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(none.as_array().unwrap().is_empty());
    let earlier = (app.clock_now() - chrono::Duration::days(1)).to_rfc3339();
    let r = app
        .api()
        .get(app.url("/api/v1/audit"))
        .query(&[("since", later.as_str()), ("until", earlier.as_str())])
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let (s, _, field, _) = error_of(r).await;
    assert_eq!((s, field.as_deref()), (422, Some("until")));
    assert_eq!(
        app.get("/api/v1/audit?programme=nope", Some(&admin))
            .await
            .status(),
        404
    );
    app.stop().await;
}

async fn a_programme_starts_from_a_template(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (admin, _) =
        crate::mentoring::programme_with_director(&app, "src", json!({"reply_window_days": 14}))
            .await;
    let r = app
        .post(
            "/api/v1/programmes",
            json!({"slug": "copy", "name": "Copy", "template": "src", "settings": {"choices_per_request": 2}}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status(), 201);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["settings"]["reply_window_days"], 14, "from the template");
    assert_eq!(p["settings"]["choices_per_request"], 2, "overridden");
    let t: Value = app
        .get("/api/v1/programmes/copy/taxonomy", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        t.to_string().contains("Simulation") && t.to_string().contains("Curriculum design"),
        "{t}"
    );
    let (s, _, field, _) = crate::helpers::error_of(
        app.post(
            "/api/v1/programmes",
            json!({"slug": "other", "name": "Other", "template": "nope"}),
            Some(&admin),
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("template")));
    // The admin's page: "new programme like this" fills the form from the template.
    let (browser, _) = crate::pages::signed_in(&app, "admin@example.org").await;
    let html = browser
        .get(app.url("/admin/programmes/new?template=src"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("name=\"template\" value=\"src\""), "{html}");
    assert!(
        html.contains("name=\"reply_window_days\" type=\"number\" value=\"14\""),
        "{html}"
    );
    let r = browser
        .get(app.url("/admin/programmes/new?template=nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
