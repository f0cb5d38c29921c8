//! What the logs say: an unexpected error names the request, the action with its ids, and the
//! query that failed, in plain text without colour codes, or as JSON.

use crate::helpers::{Backend, TestApp};
use std::io::Write;
use std::sync::{Arc, Mutex};
use tracing_subscriber::EnvFilter;
use trellis::logging::{Format, subscriber};

/// Log lines written to memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Breaks the mentors table under a running server, then asks it to shortlist a mentor:
/// the member gets the 500 page, and the log names the request, the action and its ids, and
/// the query. (One thread, so the server's tasks log to this test's own subscriber.)
async fn failing_query(format: Format) -> String {
    let logs = Captured::default();
    let _guard = tracing::subscriber::set_default(subscriber(
        format,
        EnvFilter::new(trellis::logging::DEFAULT_FILTER),
        false,
        logs.clone(),
    ));
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let admin = app.admin().await;
    let slug = app.programme(&admin, "imp", serde_json::json!({})).await;
    let member = app.member("Mo", "mo@example.org").await;
    let r = app
        .post(
            &format!("/api/v1/programmes/{slug}/members"),
            serde_json::json!({}),
            Some(&member),
        )
        .await;
    assert!(r.status().is_success(), "joined");
    let (browser, csrf) = crate::pages::signed_in(&app, "mo@example.org").await;
    use sea_orm::ConnectionTrait;
    app.parts
        .state
        .store
        .db
        .execute_unprepared("DROP TABLE mentors")
        .await
        .unwrap();
    let r = browser
        .post(app.url(&format!("/programmes/{slug}/shortlist")))
        .header("x-request-id", "broken-query-1")
        .form(&[("csrf_token", csrf.as_str()), ("mentor_id", "77")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 500);
    assert_eq!(
        r.headers()["x-request-id"],
        "broken-query-1",
        "the id is sent back"
    );
    let page = r.text().await.unwrap();
    assert!(page.contains("Sorry, something went wrong"), "{page}");
    assert!(
        !page.contains("no such table") && !page.contains("SELECT"),
        "the page says nothing of the cause: {page}"
    );
    app.stop().await;
    logs.text()
}

#[tokio::test(flavor = "current_thread")]
async fn a_failing_query_is_logged_with_its_action_and_ids() {
    let log = failing_query(Format::Text).await;
    for part in [
        "request{id=broken-query-1 method=POST path=/programmes/imp/shortlist}",
        "internal error",
        "trellis_app::requests::shortlist::pick",
        "user_id=",
        "programme_id=1",
        "mentor_id=77",
        "SELECT user_id, listed, available, capacity, active_mentees FROM mentors",
        "no such table: mentors",
    ] {
        assert!(log.contains(part), "the log names {part:?}: {log}");
    }
    assert!(
        !log.contains('\u{1b}'),
        "no colour codes when not on a terminal: {log}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn json_logs_carry_the_same_context() {
    let log = failing_query(Format::Json).await;
    let line = log
        .lines()
        .find(|l| l.contains("internal error"))
        .unwrap_or_else(|| panic!("an error line: {log}"));
    let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
    assert_eq!(v["level"], "ERROR");
    assert_eq!(v["span"]["id"], "broken-query-1", "{v}");
    let message = v["fields"]["message"].as_str().unwrap();
    assert!(
        message.contains("trellis_app::requests::shortlist::pick")
            && message.contains("FROM mentors"),
        "{message}"
    );
}

#[test]
fn the_log_format_is_text_or_json() {
    assert_eq!(Format::parse(None), Ok(Format::Text));
    assert_eq!(Format::parse(Some("json")), Ok(Format::Json));
    assert!(
        Format::parse(Some("yaml"))
            .unwrap_err()
            .contains("text or json")
    );
}
