//! The server-rendered pages: forms re-shown with what was typed, sign-in and sessions,
//! CSRF defences, error pages, and the admin pages' access rules.

use crate::both_backends;
use crate::helpers::{Backend, PASSWORD, TestApp, csrf_of};
use reqwest::Client;

both_backends!(
    register_form_keeps_what_was_typed,
    sign_in_session_and_profile_form,
    cross_site_and_tokenless_posts_are_refused,
    every_signed_in_form_needs_its_token,
    error_pages_are_real_pages,
    admin_pages_check_the_role,
    emailed_links_show_clear_pages,
);

pub(crate) async fn signed_in(app: &TestApp, email: &str) -> (Client, String) {
    let browser = app.browser();
    let r = browser
        .post(app.url("/sign-in"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "signed in");
    let html = browser
        .get(app.url("/profile"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (browser, csrf_of(&html))
}

/// The text of the page at `path`, as `browser` gets it.
pub(crate) async fn page(browser: &Client, app: &TestApp, path: &str) -> String {
    browser
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn register_form_keeps_what_was_typed(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let browser = app.browser();
    let page = browser.get(app.url("/register")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<label for=\"email\">")
            && html.contains("<main id=\"main\"")
            && html.contains("Skip to main content")
    );

    let r = browser
        .post(app.url("/register"))
        .form(&[
            ("name", "Ada <Lovelace>"),
            ("email", "ada@nowhere"),
            ("password", "tiny"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("There is a problem"));
    assert!(
        html.contains("href=\"#email\""),
        "the summary links to the field"
    );
    assert!(
        html.contains("value=\"Ada &#60;Lovelace&#62;\"")
            || html.contains("value=\"Ada &lt;Lovelace&gt;\""),
        "typed name kept, escaped"
    );
    assert!(html.contains("value=\"ada@nowhere\""));
    assert!(!html.contains("tiny"), "the password is never sent back");
    assert!(html.contains("<title>Error: Register"));

    let r = browser
        .post(app.url("/register"))
        .form(&[
            ("name", "Ada"),
            ("email", "ada@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Check your email"));
    let r = browser
        .post(app.url("/register"))
        .form(&[
            ("name", "Ada"),
            ("email", "ada@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("already exists"));
    app.stop().await;
}

async fn sign_in_session_and_profile_form(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.verified_member("Bea", "bea@example.org").await;
    let browser = app.browser();
    let r = browser.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/sign-in?next=%2Fprofile");

    let r = browser
        .post(app.url("/sign-in"))
        .form(&[("email", "bea@example.org"), ("password", "wrong password")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("value=\"bea@example.org\"")
    );

    let r = browser
        .post(app.url("/sign-in"))
        .form(&[
            ("email", "bea@example.org"),
            ("password", PASSWORD),
            ("next", "/profile"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/profile");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    // An open redirect is not followed.
    let r = app
        .browser()
        .post(app.url("/sign-in"))
        .form(&[
            ("email", "bea@example.org"),
            ("password", PASSWORD),
            ("next", "//evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");

    let html = browser
        .get(app.url("/profile"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let form = |tz: &'static str| {
        vec![
            ("csrf_token", csrf.clone()),
            ("name", "Bea Bishop".to_owned()),
            ("time_zone", tz.to_owned()),
            ("languages", "English, Welsh".to_owned()),
            ("channels", "video".to_owned()),
            ("channels", "email".to_owned()),
        ]
    };
    let r = browser
        .post(app.url("/profile"))
        .form(&form("Nowhere/Special"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("value=\"Nowhere/Special\"") && html.contains("value=\"English, Welsh\"")
    );
    assert!(html.contains(
        "id=\"channel-video\" name=\"channels\" type=\"checkbox\" value=\"video\" checked"
    ));

    let r = browser
        .post(app.url("/profile"))
        .form(&form("Europe/London"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = browser
        .get(app.url("/profile?saved=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Your profile has been saved") && html.contains("value=\"Europe/London\"")
    );

    // Sign out ends the session on the server.
    let r = browser
        .post(app.url("/sign-out"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        browser
            .get(app.url("/profile"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    app.stop().await;
}

async fn cross_site_and_tokenless_posts_are_refused(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.verified_member("Cy", "cy@example.org").await;
    let (browser, csrf) = signed_in(&app, "cy@example.org").await;

    let r = browser
        .post(app.url("/profile"))
        .header("origin", "https://evil.example")
        .form(&[("csrf_token", csrf.as_str()), ("name", "Hacked")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = browser
        .post(app.url("/profile"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf_token", csrf.as_str()), ("name", "Hacked")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = browser
        .post(app.url("/profile"))
        .form(&[("name", "Hacked")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "no form token");
    let r = browser
        .post(app.url("/profile"))
        .form(&[("csrf_token", "forged"), ("name", "Hacked")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "a wrong form token");
    // The API refuses cross-site cookie requests too.
    let r = browser
        .patch(app.url("/api/v1/me"))
        .header("origin", "https://evil.example")
        .json(&serde_json::json!({"name": "Hacked"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let me = app
        .get("/api/v1/me", Some(&app.token_for("cy@example.org").await))
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(me["profile"]["name"], "Cy", "nothing changed");
    // Same-origin requests pass.
    let r = browser
        .post(app.url("/profile"))
        .header("origin", app.base.as_str())
        .form(&[("csrf_token", csrf.as_str()), ("name", "Cy Young")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    app.stop().await;
}

/// Every form a signed-in person can post is refused without the session's form token (none,
/// or a forged one), before anything is looked up: 403 with the page that says so, and no
/// change. The list is every `post` route of the pages but the five signed-out forms.
async fn every_signed_in_form_needs_its_token(b: Backend) {
    const ROUTES: &[&str] = &[
        "/sign-out",
        "/profile",
        "/password/change",
        "/erase-account",
        "/tokens",
        "/tokens/1/revoke",
        "/programmes/{slug}/join",
        "/admin/programmes/new",
        "/admin/programmes/{slug}/settings",
        "/admin/programmes/{slug}/staff",
        "/admin/programmes/{slug}/staff/1/office/revoke",
        "/admin/programmes/{slug}/member-list",
        "/admin/programmes/{slug}/taxonomy",
        "/admin/programmes/{slug}/taxonomy/1",
        "/programmes/{slug}/concerns/new",
        "/concerns/1/steps",
        "/concerns/1/notes",
        "/concerns/1/lift-pause",
        "/admin/programmes/{slug}/emails/verify_email",
        "/programmes/{slug}/matching",
        "/programmes/{slug}/matching/1/rules",
        "/programmes/{slug}/matching/1/rules/undo",
        "/programmes/{slug}/matching/1/publish",
        "/programmes/{slug}/apply",
        "/applications/1/decision",
        "/applications/1/answer",
        "/applications/1/withdraw",
        "/programmes/{slug}/mentoring",
        "/relationships/1/phase",
        "/relationships/1/leave",
        "/programmes/{slug}/relationships/new",
        "/relationships/1/agreement",
        "/relationships/1/agreement/sign",
        "/relationships/1/log",
        "/relationships/1/meetings",
        "/relationships/1/meetings/1",
        "/relationships/1/meetings/1/cancel",
        "/relationships/1/meetings/1/outcomes",
        "/relationships/1/plan",
        "/relationships/1/plan/1",
        "/relationships/1/skills",
        "/relationships/1/checklist",
        "/relationships/1/evaluations",
        "/calendar",
        "/programmes/{slug}/requests/new",
        "/programmes/{slug}/shortlist",
        "/requests/1/accept",
        "/requests/1/decline",
        "/requests/1/withdraw",
        "/requests/1/nudge",
        "/requests/1/share",
        "/requests/1/reroute",
        "/requests/1/offer",
        "/requests/1/close",
        "/requests/1/cv",
        "/notifications/read-all",
        "/notifications/settings",
        "/admin/programmes/{slug}/webhooks",
        "/admin/programmes/{slug}/webhooks/1/remove",
    ];
    /// The forms sent as multipart (file uploads), which read their token from the parts.
    const MULTIPART: &[&str] = &[
        "/admin/programmes/{slug}/member-list",
        "/programmes/{slug}/requests/new",
        "/requests/1/cv",
    ];
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let admin = app.admin().await;
    let slug = app.programme(&admin, "imp", serde_json::json!({})).await;
    let (browser, csrf) = signed_in(&app, "admin@example.org").await;
    let audit_before = crate::jobs::count(&app, "SELECT COUNT(*) AS n FROM audit_log").await;
    for route in ROUTES {
        let path = route.replace("{slug}", &slug);
        for token in [None, Some("forged")] {
            let req = browser.post(app.url(&path));
            let req = if MULTIPART.contains(route) {
                let mut form = reqwest::multipart::Form::new().text("name", "Changed");
                if let Some(t) = token {
                    form = form.text("csrf_token", t);
                }
                req.multipart(form)
            } else {
                let mut fields = vec![("name", "Changed")];
                fields.extend(token.map(|t| ("csrf_token", t)));
                req.form(&fields)
            };
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), 403, "{path} with token {token:?}");
            let html = r.text().await.unwrap();
            assert!(
                html.contains("This form has expired or did not come from Trellis"),
                "{path}: {html}"
            );
        }
    }
    assert_eq!(
        crate::jobs::count(&app, "SELECT COUNT(*) AS n FROM audit_log").await,
        audit_before,
        "nothing was done"
    );
    // The session still works, and its own token still passes.
    let r = browser
        .post(app.url("/notifications/read-all"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    app.stop().await;
}

async fn error_pages_are_real_pages(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let r = app
        .browser()
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(r.text().await.unwrap().contains("<h1>Page not found</h1>"));
    let r = app.get("/api/v1/no-such-thing", None).await;
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "not_found"
    );
    let r = app
        .browser()
        .get(app.url("/programmes/missing"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // Signed in, an error page keeps the header: who is signed in, and the way out.
    app.verified_member("Eve Errant", "eve@example.org").await;
    let (browser, _) = signed_in(&app, "eve@example.org").await;
    for path in ["/programmes/missing", "/requests/999", "/no/such/page"] {
        let r = browser.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Eve Errant") && html.contains("/sign-out"),
            "{path}: {html}"
        );
    }
    assert_eq!(app.get("/healthz", None).await.status(), 200);
    let doc: serde_json::Value = app
        .get("/api/v1/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/accounts",
        "/accounts/verify",
        "/tokens",
        "/tokens/{id}",
        "/me",
        "/programmes",
        "/programmes/{slug}",
        "/programmes/{slug}/members",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    let css = app.get("/static/site.css", None).await;
    assert_eq!(css.status(), 200);
    app.stop().await;
}

async fn admin_pages_check_the_role(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.admin().await;
    app.verified_member("Di", "di@example.org").await;
    let (member, member_csrf) = signed_in(&app, "di@example.org").await;
    for path in ["/admin", "/admin/programmes/new", "/admin/audit"] {
        let r = member.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 403, "{path}");
        assert!(r.text().await.unwrap().contains("You cannot do this"));
    }
    let r = member
        .post(app.url("/admin/programmes/new"))
        .form(&[
            ("csrf_token", member_csrf.as_str()),
            ("slug", "x"),
            ("name", "X"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    let (admin, csrf) = signed_in(&app, "admin@example.org").await;
    let html = admin
        .get(app.url("/admin/programmes/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("value=\"21\""),
        "the guides' reply window is the default"
    );
    let mut form = vec![
        ("csrf_token", csrf.clone()),
        ("slug", "future-leaders".to_owned()),
        ("name", "Future Leaders".to_owned()),
        ("model", "peer".to_owned()),
        ("membership", "open".to_owned()),
        ("review_mentors", "on".to_owned()),
        ("matching_publish", "offers".to_owned()),
    ];
    for (k, v) in [
        ("choices_per_request", "3"),
        ("reply_window_days", "abc"),
        ("application_target_days", "28"),
        ("concern_ack_days", "7"),
        ("refresh_month", "1"),
        ("refresh_grace_days", "30"),
        ("meeting_minutes_min", "60"),
        ("meeting_minutes_max", "90"),
        ("default_mentor_capacity", "2"),
        ("max_relationships_per_member", "3"),
        ("evaluation_every_days", "60"),
    ] {
        form.push((k, v.to_owned()));
    }
    let r = admin
        .post(app.url("/admin/programmes/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Enter a whole number")
            && html.contains("value=\"abc\"")
            && html.contains("value=\"future-leaders\"")
    );
    assert_eq!(
        app.get("/api/v1/programmes/future-leaders", None)
            .await
            .status(),
        404,
        "nothing half-created"
    );

    for f in form.iter_mut() {
        if f.0 == "reply_window_days" {
            f.1 = "14".into();
        }
    }
    let r = admin
        .post(app.url("/admin/programmes/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let p: serde_json::Value = app
        .get("/api/v1/programmes/future-leaders", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            p["settings"]["reply_window_days"].as_i64(),
            p["settings"]["model"].as_str()
        ),
        (Some(14), Some("peer"))
    );

    // Grant a role through the page, then the office holder may manage the member list but
    // not the settings.
    let r = admin
        .post(app.url("/admin/programmes/future-leaders/staff"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "di@example.org"),
            ("role", "office"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        member
            .get(app.url("/admin/programmes/future-leaders/member-list"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        member
            .get(app.url("/admin/programmes/future-leaders/settings"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let audit = admin
        .get(app.url("/admin/audit?action=programme."))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(audit.contains("programme.role_granted") && audit.contains("programme.created"));
    let r = admin
        .get(app.url("/admin/audit?since=yesterday"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    app.stop().await;
}

async fn emailed_links_show_clear_pages(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.post(
        "/api/v1/accounts",
        serde_json::json!({"name": "Flo", "email": "flo@example.org", "password": PASSWORD}),
        None,
    )
    .await;
    let link = app
        .last_mail_to("flo@example.org", "verify_email")
        .await
        .link("/verify");
    let browser = app.browser();
    let r = browser.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Email address confirmed"));
    let r = browser.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("already been used"));

    browser
        .post(app.url("/password/forgot"))
        .form(&[("email", "flo@example.org")])
        .send()
        .await
        .unwrap();
    let reset = app
        .last_mail_to("flo@example.org", "reset_password")
        .await
        .link("/password/reset");
    let html = browser
        .get(app.url(&reset))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Choose a new password"));
    app.clock.advance(chrono::Duration::hours(2));
    let r = browser.get(app.url(&reset)).send().await.unwrap();
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("expired"));
    let token = reset.split("token=").nth(1).unwrap();
    let r = browser
        .post(app.url("/password/reset"))
        .form(&[("token", token), ("password", "a fresh new password")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410, "nothing changed");
    let r = browser
        .post(app.url("/sign-in"))
        .form(&[("email", "flo@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "the old password still works");
    app.stop().await;
}
