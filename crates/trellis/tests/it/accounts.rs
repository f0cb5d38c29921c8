//! Accounts through the API: register, verify, tokens, profile, password reset, throttling.

use crate::both_backends;
use crate::helpers::{Backend, PASSWORD, TestApp, error_of};
use chrono::Duration;
use serde_json::{Value, json};

both_backends!(
    register_verify_token_and_me,
    registration_bad_input,
    verification_links_expire_and_work_once,
    unverified_accounts_cannot_sign_in,
    tokens_are_personal_and_revocable,
    profile_edits_are_checked,
    password_reset_by_emailed_link,
    changing_the_password_ends_every_session_and_token,
    sign_in_is_throttled,
);

async fn register_verify_token_and_me(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let r = app
        .post(
            "/api/v1/accounts",
            json!({"name": "Grace Hopper", "email": " Grace@Example.org ", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["email"], "grace@example.org");
    assert_eq!(body["email_verified"], false);

    let mail = app.last_mail_to("grace@example.org", "verify_email").await;
    assert!(mail.subject.contains("Confirm your email"));
    assert!(
        mail.message_id.ends_with("@127.0.0.1"),
        "a stable Message-ID on the public host: {}",
        mail.message_id
    );
    assert!(
        mail.html.contains(&mail.link("/verify")),
        "the HTML body carries the same link"
    );
    let r = app
        .post(
            "/api/v1/accounts/verify",
            json!({"token": mail.token("/verify")}),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);

    let token = app.token_for("grace@example.org").await;
    let me: Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "grace@example.org");
    assert_eq!(me["email_verified"], true);
    assert_eq!(me["profile"]["name"], "Grace Hopper");
    assert_eq!(me["is_admin"], false);

    // Without a token, or with a made-up one, the API says 401.
    assert_eq!(app.get("/api/v1/me", None).await.status(), 401);
    assert_eq!(
        app.get("/api/v1/me", Some("trellis_not-a-token"))
            .await
            .status(),
        401
    );
    app.stop().await;
}

async fn registration_bad_input(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let reg =
        |email: &str, password: &str| json!({"name": "Ada", "email": email, "password": password});

    let (s, code, field, _) = error_of(
        app.post("/api/v1/accounts", reg("not-an-email", PASSWORD), None)
            .await,
    )
    .await;
    assert_eq!(
        (s, code.as_str(), field.as_deref()),
        (422, "invalid", Some("email"))
    );

    let (s, _, field, msg) = error_of(
        app.post("/api/v1/accounts", reg("ada@example.org", "short"), None)
            .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("password")));
    assert!(msg.contains("12"), "{msg}");

    assert_eq!(
        app.post("/api/v1/accounts", reg("ada@example.org", PASSWORD), None)
            .await
            .status(),
        201
    );
    let (s, _, field, msg) = error_of(
        app.post("/api/v1/accounts", reg("ADA@example.org", PASSWORD), None)
            .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("email")));
    assert!(msg.contains("already exists"));
    // The refused duplicate queued no mail: one verification message only.
    assert_eq!(app.mails_to("ada@example.org").await.len(), 1);

    let r = app
        .api()
        .post(app.url("/api/v1/accounts"))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let (s, code, _, msg) = error_of(r).await;
    assert_eq!((s, code.as_str()), (400, "malformed_json"));
    assert!(msg.contains("EOF"), "the parser's message: {msg}");

    let big = json!({"name": "x".repeat(1024 * 1024 + 10), "email": "big@example.org", "password": PASSWORD});
    let r = app.post("/api/v1/accounts", big, None).await;
    assert_eq!(r.status(), 413);
    let (_, code, _, _) = error_of(r).await;
    assert_eq!(code, "payload_too_large");

    let r = app
        .api()
        .post(app.url("/api/v1/accounts"))
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    app.stop().await;
}

async fn verification_links_expire_and_work_once(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.post(
        "/api/v1/accounts",
        json!({"name": "Lin", "email": "lin@example.org", "password": PASSWORD}),
        None,
    )
    .await;
    let token = app
        .last_mail_to("lin@example.org", "verify_email")
        .await
        .token("/verify");

    // Eight days later the 7-day link has expired, and nothing changed.
    app.clock.advance(Duration::days(8));
    let (s, code, _, msg) = error_of(
        app.post("/api/v1/accounts/verify", json!({"token": token}), None)
            .await,
    )
    .await;
    assert_eq!((s, code.as_str()), (410, "link_gone"));
    assert!(msg.contains("expired"));
    let (s, code, _, _) = error_of(
        app.post(
            "/api/v1/tokens",
            json!({"email": "lin@example.org", "password": PASSWORD}),
            None,
        )
        .await,
    )
    .await;
    assert_eq!((s, code.as_str()), (403, "email_unverified"));

    // A new link works once; the first one stops working when a new one is sent.
    assert_eq!(
        app.post(
            "/api/v1/accounts/verify/resend",
            json!({"email": "lin@example.org"}),
            None
        )
        .await
        .status(),
        202
    );
    let fresh = app
        .last_mail_to("lin@example.org", "verify_email")
        .await
        .token("/verify");
    assert_ne!(fresh, token);
    assert_eq!(
        app.post("/api/v1/accounts/verify", json!({"token": fresh}), None)
            .await
            .status(),
        200
    );
    let (s, _, _, msg) = error_of(
        app.post("/api/v1/accounts/verify", json!({"token": fresh}), None)
            .await,
    )
    .await;
    assert_eq!(s, 410);
    assert!(msg.contains("already been used"));
    assert_eq!(
        app.post("/api/v1/accounts/verify", json!({"token": "0123"}), None)
            .await
            .status(),
        404
    );
    app.token_for("lin@example.org").await;
    app.stop().await;
}

async fn unverified_accounts_cannot_sign_in(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.post(
        "/api/v1/accounts",
        json!({"name": "Uma", "email": "uma@example.org", "password": PASSWORD}),
        None,
    )
    .await;
    let (s, code, _, _) = error_of(
        app.post(
            "/api/v1/tokens",
            json!({"email": "uma@example.org", "password": PASSWORD}),
            None,
        )
        .await,
    )
    .await;
    assert_eq!((s, code.as_str()), (403, "email_unverified"));
    // Resending to an unknown address answers the same as to a known one.
    assert_eq!(
        app.post(
            "/api/v1/accounts/verify/resend",
            json!({"email": "nobody@example.org"}),
            None
        )
        .await
        .status(),
        202
    );
    assert!(app.mails_to("nobody@example.org").await.is_empty());
    app.stop().await;
}

async fn tokens_are_personal_and_revocable(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let ann = app.member("Ann", "ann@example.org").await;
    let bob = app.member("Bob", "bob@example.org").await;
    let listed: Value = app
        .get("/api/v1/tokens", Some(&ann))
        .await
        .json()
        .await
        .unwrap();
    let ann_id = listed[0]["id"].as_i64().unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // Bob cannot revoke Ann's token: it is not his, so it does not exist for him.
    assert_eq!(
        app.delete(&format!("/api/v1/tokens/{ann_id}"), &bob)
            .await
            .status(),
        404
    );
    assert_eq!(app.get("/api/v1/me", Some(&ann)).await.status(), 200);

    assert_eq!(
        app.delete(&format!("/api/v1/tokens/{ann_id}"), &ann)
            .await
            .status(),
        204
    );
    assert_eq!(app.get("/api/v1/me", Some(&ann)).await.status(), 401);
    assert_eq!(
        app.delete("/api/v1/tokens/999999", &bob).await.status(),
        404
    );
    // A wrong password creates no token.
    let (s, _, field, _) = error_of(
        app.post(
            "/api/v1/tokens",
            json!({"email": "bob@example.org", "password": "wrong password!!"}),
            None,
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("email")));
    app.stop().await;
}

async fn profile_edits_are_checked(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let t = app.member("Cleo", "cleo@example.org").await;
    let r = app
        .patch(
            "/api/v1/me",
            json!({"pronouns": "she/her", "career_stage": "early_career", "time_zone": "Africa/Nairobi", "languages": ["English", "Swahili"],
                   "channels": ["video", "email"], "organisation": "KEMRI", "background": "Epidemiologist."}),
            &t,
        )
        .await;
    assert_eq!(r.status(), 200);
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["profile"]["time_zone"], "Africa/Nairobi");
    assert_eq!(me["profile"]["languages"], json!(["English", "Swahili"]));
    assert_eq!(
        me["profile"]["name"], "Cleo",
        "fields left out keep their value"
    );

    for (body, field) in [
        (json!({"time_zone": "Atlantis/Capital"}), "time_zone"),
        (json!({"career_stage": "wizard"}), "career_stage"),
        (json!({"channels": ["carrier pigeon"]}), "channels"),
        (json!({"name": "   "}), "name"),
    ] {
        let (s, _, f, _) = error_of(app.patch("/api/v1/me", body, &t).await).await;
        assert_eq!((s, f.as_deref()), (422, Some(field)));
    }
    // Nothing half-written: the profile is as it was.
    let me: Value = app.get("/api/v1/me", Some(&t)).await.json().await.unwrap();
    assert_eq!(me["profile"]["career_stage"], "early_career");
    assert_eq!(me["profile"]["pronouns"], "she/her");
    app.stop().await;
}

async fn password_reset_by_emailed_link(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let old_token = app.member("Dev", "dev@example.org").await;
    // A browser session, which the reset must end.
    let browser = app.browser();
    let r = browser
        .post(app.url("/sign-in"))
        .form(&[("email", "dev@example.org"), ("password", PASSWORD)])
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
        200
    );

    assert_eq!(
        app.post(
            "/api/v1/accounts/password-reset",
            json!({"email": "dev@example.org"}),
            None
        )
        .await
        .status(),
        202
    );
    assert_eq!(
        app.post(
            "/api/v1/accounts/password-reset",
            json!({"email": "ghost@example.org"}),
            None
        )
        .await
        .status(),
        202
    );
    let mail = app.last_mail_to("dev@example.org", "reset_password").await;
    let token = mail.token("/password/reset");

    let (s, _, field, _) = error_of(
        app.post(
            "/api/v1/accounts/password-reset/confirm",
            json!({"token": token, "password": "short"}),
            None,
        )
        .await,
    )
    .await;
    assert_eq!((s, field.as_deref()), (422, Some("password")));
    let r = app
        .post(
            "/api/v1/accounts/password-reset/confirm",
            json!({"token": token, "password": "a brand new passphrase"}),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.last_mail_to("dev@example.org", "password_changed")
            .await
            .to,
        "dev@example.org"
    );

    // The browser session is gone, and so are the API tokens: whoever had the old password
    // may have made one.
    let r = browser.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(app.get("/api/v1/me", Some(&old_token)).await.status(), 401);
    // Old password out, new one in; the link works once.
    assert_eq!(
        app.post(
            "/api/v1/tokens",
            json!({"email": "dev@example.org", "password": PASSWORD}),
            None
        )
        .await
        .status(),
        422
    );
    assert_eq!(
        app.post(
            "/api/v1/tokens",
            json!({"email": "dev@example.org", "password": "a brand new passphrase"}),
            None
        )
        .await
        .status(),
        201
    );
    let (s, _, _, _) = error_of(
        app.post(
            "/api/v1/accounts/password-reset/confirm",
            json!({"token": token, "password": "another new passphrase"}),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(s, 410);

    // A reset link lasts an hour.
    app.post(
        "/api/v1/accounts/password-reset",
        json!({"email": "dev@example.org"}),
        None,
    )
    .await;
    let late = app
        .last_mail_to("dev@example.org", "reset_password")
        .await
        .token("/password/reset");
    app.clock.advance(Duration::minutes(61));
    let (s, _, _, msg) = error_of(
        app.post(
            "/api/v1/accounts/password-reset/confirm",
            json!({"token": late, "password": "too late passphrase"}),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(s, 410);
    assert!(msg.contains("expired"));
    app.stop().await;
}

async fn changing_the_password_ends_every_session_and_token(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let token = app.member("Fay", "fay@example.org").await;
    let other = app
        .post(
            "/api/v1/tokens",
            json!({"email": "fay@example.org", "password": PASSWORD, "name": "sync"}),
            None,
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let sign_in = || async {
        let browser = app.browser();
        let r = browser
            .post(app.url("/sign-in"))
            .form(&[("email", "fay@example.org"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        browser
    };
    let (laptop, phone) = (sign_in().await, sign_in().await);

    // The current password is needed, and the new one must be a good one; nothing changes
    // until both are right.
    for (body, field) in [
        (
            json!({"current_password": "", "new_password": "a brand new passphrase"}),
            "current_password",
        ),
        (
            json!({"current_password": "wrong wrong wrong", "new_password": "a brand new passphrase"}),
            "current_password",
        ),
        (
            json!({"current_password": PASSWORD, "new_password": "short"}),
            "new_password",
        ),
    ] {
        let (s, _, f, _) =
            error_of(app.post("/api/v1/me/password", body, Some(&token)).await).await;
        assert_eq!((s, f.as_deref()), (422, Some(field)));
    }
    assert_eq!(app.get("/api/v1/me", Some(&other)).await.status(), 200);

    // On the page, from the laptop: typed passwords are not shown back on an error.
    let page = laptop
        .get(app.url("/password/change"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::helpers::csrf_of(&page);
    let r = laptop
        .post(app.url("/password/change"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("current_password", "wrong wrong wrong"),
            ("new_password", "a brand new passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Your current password is not right"),
        "{html}"
    );
    assert!(!html.contains("a brand new passphrase"));
    let r = laptop
        .post(app.url("/password/change"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("current_password", PASSWORD),
            ("new_password", "a brand new passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/profile?password=changed");

    // The laptop stays signed in with its new session; the phone and both tokens are out.
    let profile = laptop
        .get(app.url("/profile?password=changed"))
        .send()
        .await
        .unwrap();
    assert_eq!(profile.status(), 200);
    assert!(
        profile
            .text()
            .await
            .unwrap()
            .contains("Your password has been changed")
    );
    assert_eq!(
        phone
            .get(app.url("/profile"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status(), 401);
    assert_eq!(app.get("/api/v1/me", Some(&other)).await.status(), 401);
    assert_eq!(
        app.last_mail_to("fay@example.org", "password_changed")
            .await
            .to,
        "fay@example.org"
    );
    // The new password signs in; the old one does not.
    for (password, status) in [(PASSWORD, 422), ("a brand new passphrase", 201)] {
        let r = app
            .post(
                "/api/v1/tokens",
                json!({"email": "fay@example.org", "password": password}),
                None,
            )
            .await;
        assert_eq!(r.status(), status, "{password}");
    }
    // The API call ends the token it was made with too.
    let fresh = app
        .post(
            "/api/v1/tokens",
            json!({"email": "fay@example.org", "password": "a brand new passphrase"}),
            None,
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post(
            "/api/v1/me/password",
            json!({"current_password": "a brand new passphrase", "new_password": "yet another passphrase"}),
            Some(&fresh),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.get("/api/v1/me", Some(&fresh)).await.status(), 401);
    app.stop().await;
}

async fn sign_in_is_throttled(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    app.verified_member("Eve", "eve@example.org").await;
    // The test server listens on 127.0.0.1; a client bound to 127.0.0.2 is another address.
    crate::helpers::http();
    let stranger = reqwest::Client::builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let attempt = |client: &reqwest::Client, email: &str, password: &str| {
        client
            .post(app.url("/api/v1/tokens"))
            .json(&json!({"email": email, "password": password}))
            .send()
    };
    for _ in 0..5 {
        let r = attempt(&stranger, "eve@example.org", "not the password")
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
    }
    // The stranger's address now waits, told how long in words and in Retry-After.
    let r = attempt(&stranger, "eve@example.org", PASSWORD)
        .await
        .unwrap();
    let retry_after: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    let (s, code, _, message) = error_of(r).await;
    assert_eq!((s, code.as_str()), (429, "too_many_requests"));
    assert!(message.contains("Try again in 15 minutes"), "{message}");

    // Those five failures do not lock the owner out: from her own address she gets in.
    assert_eq!(
        app.post(
            "/api/v1/tokens",
            json!({"email": "eve@example.org", "password": PASSWORD}),
            None
        )
        .await
        .status(),
        201
    );
    app.clock.advance(Duration::minutes(16));
    assert_eq!(
        attempt(&stranger, "eve@example.org", PASSWORD)
            .await
            .unwrap()
            .status(),
        201,
        "the window has passed"
    );

    // Guessing from many addresses slows the account to one attempt a minute, not closed.
    for i in 0..10u8 {
        let from = reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 1, i + 1]))
            .build()
            .unwrap();
        let r = attempt(&from, "eve@example.org", "not the password")
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
    }
    let (s, _, _, _) = error_of(
        app.post(
            "/api/v1/tokens",
            json!({"email": "eve@example.org", "password": PASSWORD}),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(s, 429, "the eleventh try within the minute waits");
    app.clock.advance(Duration::seconds(61));
    assert_eq!(
        app.post(
            "/api/v1/tokens",
            json!({"email": "eve@example.org", "password": PASSWORD}),
            None
        )
        .await
        .status(),
        201,
        "a minute later the owner gets in"
    );

    // Per address: 20 failures across many accounts from one address block that address.
    for i in 0..20 {
        attempt(
            &stranger,
            &format!("guess{i}@example.org"),
            "not the password",
        )
        .await
        .unwrap();
    }
    let (s, _, _, _) = error_of(
        attempt(&stranger, "eve@example.org", PASSWORD)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 429);
    app.stop().await;
}
