//! Members' email settings on both databases: a kind turned off or put in the weekly digest,
//! the in-app copy kept, the letters that must always go out, and the digest on Monday.

use crate::both_backends;
use crate::helpers::{Backend, error_of};
use crate::requests::{request_body, setup};
use chrono::Datelike;
use serde_json::{Value, json};

both_backends!(email_settings_choose_what_arrives);

async fn email_settings_choose_what_arrives(b: Backend) {
    let Some(st) = setup(b, 1).await else {
        return;
    };
    let app = &st.app;
    let (mo, ana) = (&st.mentee, &st.mentors[0].0);
    let s: Value = app
        .get("/api/v1/me/notification-settings", Some(mo))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        s["kinds"][0],
        json!({"kind": "requests", "what": s["kinds"][0]["what"], "delivery": "each"})
    );
    assert!(
        s["always_sent"]
            .as_array()
            .unwrap()
            .contains(&json!("request_allocated"))
    );
    for (body, field) in [
        (json!({"requests": "sometimes"}), "delivery"),
        (json!({"spam": "off"}), "kind"),
    ] {
        let (code, _, f, _) =
            error_of(app.put("/api/v1/me/notification-settings", body, mo).await).await;
        assert_eq!((code, f.as_deref()), (422, Some(field)));
    }
    let r = app
        .put(
            "/api/v1/me/notification-settings",
            json!({"requests": "off"}),
            mo,
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .put(
            "/api/v1/me/notification-settings",
            json!({"requests": "digest"}),
            ana,
        )
        .await;
    assert_eq!(r.status(), 200);

    let count = |email: &'static str, template: &'static str| async move {
        app.mails_to(email)
            .await
            .iter()
            .filter(|m| m.template == template)
            .count()
    };
    let req: Value = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&[st.mentors[0].1]),
            Some(mo),
        )
        .await
        .json()
        .await
        .unwrap();
    app.run_jobs().await;
    assert_eq!(
        count("mentor0@example.org", "request_offered").await,
        0,
        "held for the digest"
    );
    assert_eq!(
        count("mo@example.org", "request_with_mentor").await,
        0,
        "turned off"
    );
    let n: Value = app
        .get("/api/v1/notifications", Some(ana))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        n["items"][0]["subject"]
            .as_str()
            .unwrap()
            .contains("asks you to be their mentor"),
        "in-app copy kept"
    );
    // The allocation always goes out.
    app.post(
        &format!("/api/v1/requests/{}/accept", req["id"]),
        json!({}),
        Some(ana),
    )
    .await;
    app.run_jobs().await;
    assert_eq!(count("mo@example.org", "request_allocated").await, 1);
    assert_eq!(count("mentor0@example.org", "request_allocated").await, 1);
    // Monday 07:00 after next: one digest listing the offer, and only once.
    let now = app.clock_now();
    let days = 7 - i64::from(now.weekday().num_days_from_monday());
    app.clock
        .advance(chrono::Duration::days(days) + chrono::Duration::hours(9));
    app.run_jobs().await;
    app.run_jobs().await;
    let digests: Vec<_> = app
        .mails_to("mentor0@example.org")
        .await
        .into_iter()
        .filter(|m| m.template == "weekly_digest")
        .collect();
    assert_eq!(digests.len(), 1);
    assert!(
        digests[0].text.contains("asks you to be their mentor"),
        "{}",
        digests[0].text
    );
    assert!(
        digests[0].text.contains("/requests/"),
        "{}",
        digests[0].text
    );
    assert_eq!(count("mo@example.org", "weekly_digest").await, 0);
}
