//! A programme's own wording of its letters on both databases: only admins edit it, bad
//! placeholders are refused by field and nothing is saved, the letters sent use the wording
//! (text, sanitised HTML, in-app copy), a programme made like this one copies it, and going
//! back to Trellis's wording works. The page previews and re-shows what was typed.

use crate::both_backends;
use crate::helpers::{Backend, csrf_of, error_of};
use crate::pages::signed_in;
use crate::requests::{request_body, setup};
use serde_json::{Value, json};

both_backends!(programmes_reword_their_letters);

const LETTER: &str = "/api/v1/programmes/imp/email-texts/request_offered";

async fn programmes_reword_their_letters(b: Backend) {
    let Some(st) = setup(b, 1).await else {
        return;
    };
    let app = &st.app;
    let admin = app.admin_or_existing().await;

    // Only admins read or change the texts.
    for token in [&st.director, &st.mentee] {
        assert_eq!(
            app.get("/api/v1/programmes/imp/email-texts", Some(token))
                .await
                .status(),
            403
        );
        let r = app
            .put(LETTER, json!({"subject": "x", "text": "y"}), token)
            .await;
        assert_eq!(r.status(), 403);
    }
    let list: Value = app
        .get("/api/v1/programmes/imp/email-texts", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let offered = list
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["template"] == "request_offered")
        .unwrap()
        .clone();
    assert_eq!(offered["custom"], false);
    assert!(
        offered["text"].as_str().unwrap().contains("{mentee}"),
        "{offered}"
    );
    let unknown = app
        .get(
            "/api/v1/programmes/imp/email-texts/no_such_letter",
            Some(&admin),
        )
        .await;
    assert_eq!(unknown.status(), 404);

    // Bad wordings name their field, and nothing is saved.
    for (body, field) in [
        (json!({"subject": "For {mentor}", "text": "Hi"}), "subject"),
        (json!({"subject": "", "text": "Hi"}), "subject"),
        (json!({"subject": "Hi", "text": "Open { brace"}), "text"),
        (
            json!({"subject": "Hi", "text": "Hi", "html": "<p>{surname}</p>"}),
            "html",
        ),
    ] {
        let (code, _, f, _) = error_of(app.put(LETTER, body.clone(), &admin).await).await;
        assert_eq!((code, f.as_deref()), (422, Some(field)), "{body}");
    }
    let still: Value = app.get(LETTER, Some(&admin)).await.json().await.unwrap();
    assert_eq!(still["custom"], false);

    // A preview with made-up people; the HTML is sanitised.
    let wording = json!({
        "subject": "{mentee} would like you as mentor ({programme})",
        "text": "Dear colleague,\n\n{mentee} has chosen you. Please reply by {due}.\n\n{button}\n\nWith thanks from the {programme} office.",
        "html": "<h2>A request for you</h2><p>{mentee} has chosen you.</p><script>alert(1)</script>{button}<p><em>With thanks</em></p>",
    });
    let pv: Value = app
        .post(&format!("{LETTER}/preview"), wording.clone(), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        pv["subject"],
        "Ada Lovelace would like you as mentor (Programme imp)"
    );
    let html = pv["html"].as_str().unwrap();
    assert!(html.contains("<h2>A request for you</h2>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    let saved: Value = app.put(LETTER, wording, &admin).await.json().await.unwrap();
    assert_eq!(saved["custom"], true);

    // The letter a mentor gets uses the wording, with the real values and the link.
    let req: Value = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&[st.mentors[0].1]),
            Some(&st.mentee),
        )
        .await
        .json()
        .await
        .unwrap();
    let mail = app
        .last_mail_to("mentor0@example.org", "request_offered")
        .await;
    assert_eq!(
        mail.subject,
        "Mo Mentee would like you as mentor (Programme imp)"
    );
    assert!(
        mail.text
            .contains("Mo Mentee has chosen you. Please reply by")
    );
    assert!(
        mail.text
            .contains("With thanks from the Programme imp office.")
    );
    assert!(
        mail.link(&format!("/requests/{}", req["id"]))
            .starts_with("/requests/")
    );
    assert!(
        mail.html.contains("<h2>A request for you</h2>"),
        "{}",
        mail.html
    );
    assert!(!mail.html.contains("alert(1)"));
    let inbox: Value = app
        .get("/api/v1/notifications", Some(&st.mentors[0].0))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        inbox
            .to_string()
            .contains("Mo Mentee would like you as mentor"),
        "{inbox}"
    );
    // The mentee's letter (not reworded) is Trellis's own.
    let to_mentee = app
        .last_mail_to("mo@example.org", "request_with_mentor")
        .await;
    assert!(
        to_mentee
            .subject
            .starts_with("Your request is with Ana Mentor")
    );

    // A programme made like this one starts with its wording.
    let r = app
        .post(
            "/api/v1/programmes",
            json!({"slug": "copy", "name": "Copy", "template": "imp"}),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status(), 201);
    let copied: Value = app
        .get(
            "/api/v1/programmes/copy/email-texts/request_offered",
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(copied["custom"], true);
    assert_eq!(copied["subject"], saved["subject"]);

    // The page: list, a refused preview keeps what was typed, save, back to default.
    let (browser, _) = signed_in(app, "admin@example.org").await;
    let page = browser
        .get(app.url("/admin/programmes/imp/emails"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("/admin/programmes/imp/emails/request_offered"));
    assert!(page.contains("Your own"));
    let edit = browser
        .get(app.url("/admin/programmes/imp/emails/request_declined"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&edit);
    assert!(
        edit.contains("Grace Hopper"),
        "a preview of the current wording"
    );
    let r = browser
        .post(app.url("/admin/programmes/imp/emails/request_declined"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("intent", "preview"),
            ("subject", "Sorry from {mentr}"),
            ("text", "Typed text stays"),
            ("html", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Typed text stays") && html.contains("{mentr}"));
    assert!(html.contains("is not a value of this letter"));
    let r = browser
        .post(app.url("/admin/programmes/imp/emails/request_declined"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("intent", "save"),
            ("subject", "Sorry from {mentor}"),
            ("text", "{mentor} cannot take it.\n\n{button}"),
            ("html", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let back: Value = app
        .get(
            "/api/v1/programmes/imp/email-texts/request_declined",
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(back["subject"], "Sorry from {mentor}");
    let r = browser
        .post(app.url("/admin/programmes/imp/emails/request_declined"))
        .form(&[("csrf_token", csrf.as_str()), ("intent", "reset")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(app.delete(LETTER, &admin).await.status(), 204);
    for letter in ["request_declined", "request_offered"] {
        let v: Value = app
            .get(
                &format!("/api/v1/programmes/imp/email-texts/{letter}"),
                Some(&admin),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["custom"], false, "{letter}");
    }
    // The director cannot reach the page either.
    let (director_browser, _) = signed_in(app, "director@imp.example.org").await;
    let r = director_browser
        .get(app.url("/admin/programmes/imp/emails/request_offered"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
