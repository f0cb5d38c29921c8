//! Faults found from outside, each pinned: the headers every page carries, spreadsheet
//! formulas in CSV exports, and the NUL character in any text, on both databases.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, error_of};
use crate::pages::signed_in;
use serde_json::json;

both_backends!(
    pages_carry_the_security_headers,
    exported_cells_never_run_as_formulas,
    a_nul_character_is_bad_input_everywhere,
);

async fn pages_carry_the_security_headers(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = app.admin().await;
    app.programme(&admin, "imp", json!({})).await;
    let (browser, _) = signed_in(&app, "admin@example.org").await;
    for path in [
        "/profile",
        "/programmes",
        "/admin/programmes/imp/emails",
        "/no-such-page",
    ] {
        let r = browser.get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("default-src 'none'")
                && !csp.contains("script-src")
                && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["cache-control"], "no-store", "{path}");
    }
    // Signed out too, and the API.
    let r = app.browser().get(app.url("/sign-in")).send().await.unwrap();
    assert!(r.headers().contains_key("content-security-policy"));
    let r = app.get("/api/v1/me", Some(&admin)).await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    // The stylesheet may be cached; the letter preview alone may style inline, never script.
    let r = browser
        .get(app.url("/static/site.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "public, max-age=3600");
    let r = browser
        .get(app.url("/admin/programmes/imp/emails/application_received"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("style-src 'self' 'unsafe-inline'") && !csp.contains("script-src"),
        "{csp}"
    );
    // No page carries a script of its own.
    let html = r.text().await.unwrap();
    assert!(!html.contains("<script"), "no inline script");
    app.stop().await;
}

async fn exported_cells_never_run_as_formulas(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = app.admin().await;
    app.programme(&admin, "imp", json!({})).await;
    let evil = r#"=HYPERLINK("https://evil.example","Click")"#;
    for (name, email) in [(evil, "eve@example.org"), ("@SUM(A1)", "sam@example.org")] {
        let t = app.member(name, email).await;
        let r = app
            .post("/api/v1/programmes/imp/members", json!({}), Some(&t))
            .await;
        assert!(r.status().is_success(), "{name} joins");
    }
    let text = app
        .get("/api/v1/programmes/imp/export/members.csv", Some(&admin))
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let names: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
    assert!(names.contains(&format!("'{evil}")), "{names:?}");
    assert!(names.contains(&"'@SUM(A1)".to_owned()), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with(['=', '@'])));
    app.stop().await;
}

async fn a_nul_character_is_bad_input_everywhere(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = app.admin().await;
    app.programme(&admin, "imp", json!({})).await;

    // The API: a JSON member, a nested one, a query parameter, an address.
    let r = app
        .post(
            "/api/v1/accounts",
            json!({"name": "Ada\u{0}", "email": "ada@example.org", "password": "long enough password"}),
            None,
        )
        .await;
    let (status, code, field, message) = error_of(r).await;
    assert_eq!(
        (status, code.as_str(), field.as_deref()),
        (422, "invalid", Some("name"))
    );
    assert!(message.contains("NUL"), "{message}");
    let r = app
        .patch("/api/v1/me", json!({"name": "A\u{0}"}), &admin)
        .await;
    assert_eq!(error_of(r).await.2.as_deref(), Some("name"));
    let r = app
        .get("/api/v1/audit?action=account.%00", Some(&admin))
        .await;
    assert_eq!(error_of(r).await.0, 422);
    let r = app.get("/api/v1/programmes/im%00p", Some(&admin)).await;
    let (status, _, field, _) = error_of(r).await;
    assert_eq!((status, field.as_deref()), (400, Some("path")));
    let r = app
        .post(
            "/api/v1/tokens",
            json!({"email": "admin@example.org\u{0}", "password": "x", "name": "t"}),
            None,
        )
        .await;
    assert_eq!(error_of(r).await.2.as_deref(), Some("email"));

    // The pages: a form field named on a real page, an address.
    let browser = app.browser();
    let r = browser
        .post(app.url("/sign-in"))
        .form(&[("email", "a\u{0}@example.org"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("email: contains a NUL character"), "{html}");
    let r = browser
        .get(app.url("/programmes/im%00p"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // A file read line by line: the line is refused, the rest goes on.
    let r = app
        .api()
        .post(app.url("/api/v1/programmes/imp/imports/members?skip_bad=true"))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(
            b"email,member_number,name,member_type\nada@example.org,M1,Ada\x00,full\nbob@example.org,M2,Bob,full\n"
                .to_vec(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let report: serde_json::Value = r.json().await.unwrap();
    assert_eq!(report["imported"], 1, "{report}");
    assert_eq!(report["bad_rows"][0]["line"], 2, "{report}");
    assert!(
        report["bad_rows"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("name: contains a NUL"),
        "{report}"
    );
    app.stop().await;
}
