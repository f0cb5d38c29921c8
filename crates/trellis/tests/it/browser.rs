//! A browser journey in headless Chromium (Debian's `chromium` and `chromium-driver`):
//! register, open the link from the email, sign in, edit the profile, sign out — with an
//! axe-core accessibility check of each page on the way and a 320-pixel-wide viewport check.
//! In CI (or with `TRELLIS_TEST_REQUIRE_BROWSER=1`) a missing browser fails the test;
//! elsewhere it is skipped with a printed reason.

use crate::helpers::{Backend, PASSWORD, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const AXE: &str = include_str!("../fixtures/axe.min.js");

fn browser_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
        || std::env::var("TRELLIS_TEST_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

struct Driver {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_browser() -> Option<(Driver, Client)> {
    if !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(
            !browser_required(),
            "the browser tests must run here, but {CHROMIUM} or {CHROMEDRIVER} is missing (apt-get install chromium chromium-driver)"
        );
        eprintln!("SKIPPED browser journey: {CHROMIUM} or {CHROMEDRIVER} not installed");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let profile = tempfile::tempdir().unwrap();
    let driver = Driver {
        child,
        _profile: profile,
    };
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                     format!("--user-data-dir={}", driver._profile.path().display()), "--window-size=1200,900"]
        }),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps.clone());
        match builder.connect(&format!("http://127.0.0.1:{port}")).await {
            Ok(c) => return Some((driver, c)),
            Err(e) if Instant::now() > deadline => panic!("chromedriver did not start: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// Runs axe-core on the current page and fails on any WCAG violation.
async fn assert_accessible(c: &Client, page: &str) {
    c.execute(AXE, vec![]).await.expect("inject axe");
    let result = c
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})\
               .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html).slice(0, 3)}))))\
               .catch(e => done([{id: 'axe-error', help: String(e)}]));",
            vec![],
        )
        .await
        .expect("run axe");
    let violations = result.as_array().cloned().unwrap_or_default();
    assert!(
        violations.is_empty(),
        "accessibility violations on {page}: {}",
        serde_json::to_string_pretty(&violations).unwrap()
    );
}

async fn fill(c: &Client, id: &str, value: &str) {
    let el = c
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|_| panic!("field #{id}"));
    el.clear().await.unwrap();
    el.send_keys(value).await.unwrap();
}

async fn heading(c: &Client) -> String {
    c.find(Locator::Css("h1"))
        .await
        .expect("h1")
        .text()
        .await
        .unwrap()
}

/// Clicks a button or link and waits for the next page to load (the old page's root element
/// goes stale, then the new document is complete).
async fn click_and_wait(c: &Client, el: fantoccini::elements::Element) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    el.click().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while old.tag_name().await.is_ok() {
        assert!(Instant::now() < deadline, "no new page loaded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    while c.execute("return document.readyState", vec![]).await.ok() != Some(json!("complete")) {
        assert!(Instant::now() < deadline, "page did not finish loading");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn submit(c: &Client, button_text: &str) {
    let button = c
        .find(Locator::XPath(&format!(
            "//button[normalize-space()='{button_text}']"
        )))
        .await
        .unwrap_or_else(|_| panic!("button {button_text}"));
    click_and_wait(c, button).await;
}

async fn fits_320_pixels(c: &Client, page: &str) {
    c.set_window_size(320, 800).await.unwrap();
    let fits: Value = c
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fits, json!(true), "{page} scrolls sideways at 320 px");
    c.set_window_size(1200, 900).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_verify_sign_in_edit_profile_sign_out() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");

    c.goto(&app.url("/register")).await.unwrap();
    assert_accessible(&c, "register").await;
    fits_320_pixels(&c, "register").await;
    // A mistake first: the form comes back with the message and what was typed.
    fill(&c, "name", "Nia Browser").await;
    fill(&c, "email", "nia@example").await;
    fill(&c, "password", PASSWORD).await;
    submit(&c, "Create account").await;
    assert!(c.find(Locator::Css(".error-summary")).await.is_ok());
    assert_eq!(
        c.find(Locator::Id("name"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Nia Browser")
    );
    assert_accessible(&c, "register with errors").await;
    fill(&c, "email", "nia@example.org").await;
    fill(&c, "password", PASSWORD).await;
    submit(&c, "Create account").await;
    assert_eq!(heading(&c).await, "Check your email");

    let link = app
        .last_mail_to("nia@example.org", "verify_email")
        .await
        .link("/verify");
    c.goto(&app.url(&link)).await.unwrap();
    assert_eq!(heading(&c).await, "Email address confirmed");
    let sign_in = c
        .find(Locator::Css("main a[href='/sign-in']"))
        .await
        .unwrap();
    click_and_wait(&c, sign_in).await;

    assert_eq!(heading(&c).await, "Sign in");
    assert_accessible(&c, "sign in").await;
    fill(&c, "email", "nia@example.org").await;
    fill(&c, "password", PASSWORD).await;
    submit(&c, "Sign in").await;
    assert_eq!(heading(&c).await, "Mentoring programmes");
    assert!(
        c.find(Locator::LinkText("Nia Browser")).await.is_ok(),
        "signed in as Nia"
    );

    c.goto(&app.url("/profile")).await.unwrap();
    assert_accessible(&c, "profile").await;
    fits_320_pixels(&c, "profile").await;
    fill(&c, "time_zone", "Europe/Lisbon").await;
    fill(&c, "languages", "English, Portuguese").await;
    c.find(Locator::Id("channel-video"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("select#career_stage option[value='trainee']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit(&c, "Save profile").await;
    let saved = c.find(Locator::Css(".notice")).await;
    assert!(
        saved.is_ok(),
        "profile not saved: {}",
        c.source().await.unwrap()
    );
    assert!(saved.unwrap().text().await.unwrap().contains("saved"));
    let token = app.token_for("nia@example.org").await;
    let me: Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["profile"]["time_zone"], "Europe/Lisbon");
    assert_eq!(me["profile"]["languages"], json!(["English", "Portuguese"]));
    assert_eq!(me["profile"]["channels"], json!(["video"]));
    assert_eq!(me["profile"]["career_stage"], "trainee");

    submit(&c, "Sign out").await;
    assert_eq!(heading(&c).await, "Sign in");
    assert!(c.source().await.unwrap().contains("You have signed out"));
    c.goto(&app.url("/profile")).await.unwrap();
    assert_eq!(heading(&c).await, "Sign in", "signed out for real");

    c.close().await.unwrap();
    app.stop().await;
}
