//! The API reads and refuses what its OpenAPI document says it does, pinned here beside the
//! schemathesis run of `scripts/api-contract.sh`: JSON bodies as JSON Schema counts them,
//! stated limits enforced, empty or headerless files refused, on both databases.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, error_of};
use serde_json::{Value, json};

both_backends!(
    json_bodies_are_read_as_json_schema_counts_them,
    stated_limits_are_enforced,
    an_import_with_nothing_to_import_is_refused,
);

async fn json_bodies_are_read_as_json_schema_counts_them(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = app.admin().await;
    app.programme(&admin, "soc", json!({})).await;

    // `30.0` is an integer to JSON Schema, so it is one here.
    let r = app
        .patch(
            "/api/v1/programmes/soc",
            json!({"settings": {"application_target_days": 30.0}}),
            &admin,
        )
        .await;
    assert_eq!(r.status(), 200);
    let p: Value = app
        .get("/api/v1/programmes/soc", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["settings"]["application_target_days"], 30);

    // A fraction is not, and the error names the field.
    let r = app
        .patch(
            "/api/v1/programmes/soc",
            json!({"settings": {"application_target_days": 30.5}}),
            &admin,
        )
        .await;
    let (s, code, field, _) = error_of(r).await;
    assert_eq!(
        (s, code.as_str(), field.as_deref()),
        (
            400,
            "invalid_json_shape",
            Some("settings.application_target_days")
        )
    );

    // A body must be an object: serde would read `[null, null]` as a struct's fields in order.
    let r = app
        .patch("/api/v1/programmes/soc", json!([null, null]), &admin)
        .await;
    let (s, code, field, _) = error_of(r).await;
    assert_eq!(
        (s, code.as_str(), field.as_deref()),
        (400, "invalid_json_shape", Some("body"))
    );

    // JSON must say it is JSON.
    let r = app
        .api()
        .patch(app.url("/api/v1/programmes/soc"))
        .bearer_auth(&admin)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    let (s, code, _, _) = error_of(r).await;
    assert_eq!((s, code.as_str()), (415, "unsupported_media_type"));
}

async fn stated_limits_are_enforced(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = app.admin().await;
    app.programme(&admin, "soc", json!({})).await;
    let refused = |path: &'static str| {
        let app = &app;
        let admin = admin.clone();
        async move { error_of(app.get(path, Some(&admin)).await).await }
    };
    for (path, status, want) in [
        (
            "/api/v1/programmes/soc/mentors?per_page=101",
            422,
            "per_page",
        ),
        ("/api/v1/programmes/soc/mentors?per_page=0", 422, "per_page"),
        ("/api/v1/programmes/soc/mentors?page=0", 422, "page"),
        // Past the int32 the document states: not a page number at all.
        (
            "/api/v1/programmes/soc/mentors?page=2147483648",
            400,
            "page",
        ),
        ("/api/v1/audit?limit=501", 422, "limit"),
        ("/api/v1/audit?offset=-1", 422, "offset"),
        (
            "/api/v1/programmes/soc/queues?quiet_days=0",
            422,
            "quiet_days",
        ),
    ] {
        let (s, _, field, msg) = refused(path).await;
        assert_eq!((s, field.as_deref()), (status, Some(want)), "{path}: {msg}");
    }
    // The limits themselves are fine.
    let r = app
        .get("/api/v1/programmes/soc/mentors?per_page=100", Some(&admin))
        .await;
    assert_eq!(r.status(), 200);
    let r = app.get("/api/v1/audit?limit=500", Some(&admin)).await;
    assert_eq!(r.status(), 200);
}

async fn an_import_with_nothing_to_import_is_refused(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = app.admin().await;
    app.programme(&admin, "soc", json!({})).await;
    let import = |body: &'static str, query: &'static str| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.api()
                .post(app.url(&format!("/api/v1/programmes/soc/member-list{query}")))
                .bearer_auth(&admin)
                .header("content-type", "text/csv")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    // An empty body is no file.
    let (s, _, field, _) = error_of(import("", "?dry_run=true").await).await;
    assert_eq!((s, field.as_deref()), (400, Some("body")));
    // A dry run of a file whose header is wrong: nothing in it could be imported.
    let r = import("{}", "?dry_run=true").await;
    assert_eq!(r.status(), 422);
    let rep: Value = r.json().await.unwrap();
    assert_eq!(rep["bad_rows"][0]["line"], 1);
    // A dry run with good rows beside bad ones reports both with a 200.
    let r = import(
        "email,member_number,name\na@example.org,1,A\nnot an address,2,B\n",
        "?dry_run=true",
    )
    .await;
    assert_eq!(r.status(), 200);
    let rep: Value = r.json().await.unwrap();
    assert_eq!(
        (rep["valid_rows"].clone(), rep["bad_count"].clone()),
        (json!(1), json!(1))
    );
}
