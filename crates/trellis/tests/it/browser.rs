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
    speaks_in_words(c, page).await;
    fits_320_pixels(c, page).await;
}

/// Words, not codes: no snake_case identifier in the text a person reads (code samples and
/// what they typed into a form aside).
async fn speaks_in_words(c: &Client, page: &str) {
    let codes: Value = c
        .execute(
            "const body = document.body.cloneNode(true);\
             body.querySelectorAll('code, pre, textarea, script, style').forEach(e => e.remove());\
             const text = body.textContent.replace(/\\S+@\\S+/g, ' ');\
             return [...new Set(text.match(/\\b[a-z]+(?:_[a-z0-9]+)+\\b/g) || [])];",
            vec![],
        )
        .await
        .expect("read the page's text");
    assert_eq!(codes, json!([]), "codes instead of words on {page}");
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
    assert_eq!(heading(&c).await, "Your home");
    assert!(
        c.source().await.unwrap().contains("Get started"),
        "a new member is shown how to start"
    );
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

async fn sign_in(c: &Client, app: &TestApp, email: &str) {
    c.goto(&app.url("/sign-in")).await.unwrap();
    fill(c, "email", email).await;
    fill(c, "password", PASSWORD).await;
    submit(c, "Sign in").await;
    assert_eq!(heading(c).await, "Your home", "signed in as {email}");
    assert_accessible(c, "home").await;
    fits_320_pixels(c, "home").await;
}

async fn sign_out(c: &Client) {
    submit(c, "Sign out").await;
}

async fn check(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css}"))
        .click()
        .await
        .unwrap();
}

/// Guide 003's review, end to end in the browser: a member applies, the director asks a
/// question, the member answers, the director approves, and the new mentor is found by a
/// search for a stemmed word of their background.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_clarify_resubmit_approve_and_find_in_the_directory() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let admin = app.admin().await;
    app.programme(&admin, "imp", json!({})).await;
    app.post(
        "/api/v1/programmes/imp/taxonomy",
        json!({"kind": "expertise", "label": "Assessment"}),
        Some(&admin),
    )
    .await;
    let director = app.member("Dana Director", "dana@example.org").await;
    app.post(
        "/api/v1/programmes/imp/staff",
        json!({"email": "dana@example.org", "role": "director"}),
        Some(&admin),
    )
    .await;
    let mia = app.member("Mia Mentor", "mia@example.org").await;
    let seeker = app.member("Sam Seeker", "sam@example.org").await;
    for t in [&mia, &seeker, &director] {
        app.post("/api/v1/programmes/imp/members", json!({}), Some(t))
            .await;
    }

    // The member applies.
    sign_in(&c, &app, "mia@example.org").await;
    c.goto(&app.url("/programmes/imp/apply")).await.unwrap();
    assert_accessible(&c, "application form").await;
    check(&c, "input[name='audiences']").await;
    check(&c, "input[name='expertise']").await;
    fill(
        &c,
        "background",
        "I supervise trainees who build compilers for clinical decision tools.",
    )
    .await;
    fill(
        &c,
        "training_equivalent",
        "Ten years of supervising trainees.",
    )
    .await;
    fill(&c, "capacity", "25").await;
    fill(&c, "hours_per_month", "4").await;
    fill(&c, "languages", "English").await;
    submit(&c, "Send my application").await;
    assert!(
        c.find(Locator::Css(".error-summary")).await.is_ok(),
        "capacity 25 is refused"
    );
    assert_accessible(&c, "application form with errors").await;
    fill(&c, "capacity", "2").await;
    submit(&c, "Send my application").await;
    if let Ok(errors) = c.find(Locator::Css(".error-summary")).await {
        panic!("application refused: {}", errors.text().await.unwrap());
    }
    assert_eq!(heading(&c).await, "Your application to mentor");
    let app_url = c.current_url().await.unwrap();
    let app_path = app_url.path().to_owned();
    sign_out(&c).await;

    // The director asks a question.
    sign_in(&c, &app, "dana@example.org").await;
    c.goto(&app.url("/programmes/imp/applications"))
        .await
        .unwrap();
    assert_accessible(&c, "application queue").await;
    let link = c.find(Locator::LinkText("Mia Mentor")).await.unwrap();
    click_and_wait(&c, link).await;
    assert_accessible(&c, "application review").await;
    check(&c, "#decision-clarify").await;
    fill(&c, "message", "Which mentor training have you done?").await;
    submit(&c, "Send the decision").await;
    // In the staff's voice: the question waits for the applicant.
    let page = c.source().await.unwrap();
    assert!(
        page.contains("Waiting for the applicant&#39;s answer")
            || page.contains("Waiting for the applicant's answer"),
        "{page}"
    );
    assert!(!page.contains("asked you a question"));
    sign_out(&c).await;

    // The member answers.
    sign_in(&c, &app, "mia@example.org").await;
    c.goto(&app.url(&app_path)).await.unwrap();
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("The director has asked you a question")
    );
    let answer = c
        .find(Locator::LinkText("Answer the director's question"))
        .await
        .unwrap();
    click_and_wait(&c, answer).await;
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("Which mentor training have you done?")
    );
    fill(&c, "answer", "The society's mentor course in 2025.").await;
    submit(&c, "Send my answer").await;
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("Answered, waiting for review")
    );
    sign_out(&c).await;

    // The director approves.
    sign_in(&c, &app, "dana@example.org").await;
    c.goto(&app.url(&app_path)).await.unwrap();
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("The society&#39;s mentor course in 2025.")
            || c.source()
                .await
                .unwrap()
                .contains("The society's mentor course in 2025.")
    );
    check(&c, "#decision-approve").await;
    submit(&c, "Send the decision").await;
    assert!(c.source().await.unwrap().contains("Approved"));
    sign_out(&c).await;

    // Another member finds the new mentor by a stemmed word of the background.
    sign_in(&c, &app, "sam@example.org").await;
    c.goto(&app.url("/programmes/imp/mentors")).await.unwrap();
    assert_accessible(&c, "directory").await;
    fits_320_pixels(&c, "directory").await;
    fill(&c, "q", "compiler").await;
    submit(&c, "Search").await;
    let result = c
        .find(Locator::Css(".results h2 a"))
        .await
        .expect("a result");
    assert_eq!(result.text().await.unwrap(), "Mia Mentor");
    click_and_wait(&c, result).await;
    assert_eq!(heading(&c).await, "Mia Mentor");
    assert_accessible(&c, "mentor profile").await;

    c.close().await.unwrap();
    app.stop().await;
}

/// Guide 003's allocation, end to end in the browser: the mentee chooses three mentors in the
/// directory and asks; the first declines, the second accepts; both see the relationship with
/// each other's address, and the allocation email carries it too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choose_three_first_declines_second_accepts_both_see_the_relationship() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let (_, director) = crate::mentoring::programme_with_director(&app, "imp", json!({})).await;
    for (name, email) in [
        ("Ana Mentor", "ana@example.org"),
        ("Ben Mentor", "ben@example.org"),
        ("Cy Mentor", "cy@example.org"),
    ] {
        crate::mentoring::approved_mentor(
            &app,
            "imp",
            &director,
            name,
            email,
            "Teaching registrars to lead simulation sessions.",
            json!({}),
        )
        .await;
    }
    let mo = app.member("Mo Mentee", "mo@example.org").await;
    crate::mentoring::join(&app, "imp", &mo).await;

    // The mentee chooses three mentors in the directory and asks.
    sign_in(&c, &app, "mo@example.org").await;
    c.goto(&app.url("/programmes/imp/mentors?q=simulation"))
        .await
        .unwrap();
    for name in ["Ana Mentor", "Ben Mentor", "Cy Mentor"] {
        submit(&c, &format!("Choose {name} as a possible mentor")).await;
    }
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("You have chosen 3 mentors")
    );
    assert_accessible(&c, "directory with choices").await;
    let ask = c.find(Locator::LinkText("Ask for a mentor")).await.unwrap();
    click_and_wait(&c, ask).await;
    assert_eq!(heading(&c).await, "Ask for a mentor");
    assert_accessible(&c, "request form").await;
    fits_320_pixels(&c, "request form").await;
    fill(
        &c,
        "goals",
        "Run my first simulation course for new registrars by June",
    )
    .await;
    check(&c, "#focus-single_event").await;
    submit(&c, "Continue").await;
    if let Ok(errors) = c.find(Locator::Css(".error-summary")).await {
        panic!("request refused: {}", errors.text().await.unwrap());
    }
    // Check your answers: shown as they will be sent, nothing sent yet.
    assert_eq!(heading(&c).await, "Check your request before sending it");
    let check_page = c.source().await.unwrap();
    assert!(check_page.contains("Run my first simulation course"));
    assert!(check_page.contains("your 1st choice"));
    assert_accessible(&c, "check your request").await;
    fits_320_pixels(&c, "check your request").await;
    submit(&c, "Send my request").await;
    assert_eq!(heading(&c).await, "Your mentorship request");
    let request_path = c.current_url().await.unwrap().path().to_owned();
    let page = c.source().await.unwrap();
    assert!(page.contains("Offered to Ana Mentor (choice 1)"), "{page}");
    assert_accessible(&c, "request timeline").await;
    sign_out(&c).await;

    // The first declines, from the notification centre.
    sign_in(&c, &app, "ana@example.org").await;
    c.goto(&app.url("/notifications")).await.unwrap();
    assert_accessible(&c, "notification centre").await;
    let offer = c
        .find(Locator::XPath(
            "//a[contains(., 'asks you to be their mentor')]",
        ))
        .await
        .unwrap();
    click_and_wait(&c, offer).await;
    assert_eq!(c.current_url().await.unwrap().path(), request_path);
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("Run my first simulation course")
    );
    assert_accessible(&c, "offer to the mentor").await;
    fill(&c, "reason", "Away on sabbatical until autumn").await;
    submit(&c, "Decline").await;
    assert!(c.source().await.unwrap().contains("You declined"));
    sign_out(&c).await;

    // The second accepts, from the list of offers.
    sign_in(&c, &app, "ben@example.org").await;
    c.goto(&app.url("/programmes/imp/requests")).await.unwrap();
    assert_accessible(&c, "requests lists").await;
    let offer = c
        .find(Locator::LinkText("Mo Mentee asks you to be their mentor"))
        .await
        .unwrap();
    click_and_wait(&c, offer).await;
    submit(&c, "Accept Mo Mentee as my mentee").await;
    assert!(c.source().await.unwrap().contains("You accepted"));
    let go = c
        .find(Locator::LinkText("Go to the mentoring relationship"))
        .await
        .unwrap();
    click_and_wait(&c, go).await;
    assert_eq!(heading(&c).await, "You and Mo Mentee");
    assert!(c.source().await.unwrap().contains("mo@example.org"));
    assert_accessible(&c, "relationship").await;
    sign_out(&c).await;

    // The mentee sees the match and the mentor's address.
    sign_in(&c, &app, "mo@example.org").await;
    c.goto(&app.url(&request_path)).await.unwrap();
    let page = c.source().await.unwrap();
    assert!(page.contains("Accepted: you are matched"));
    assert!(page.contains("Ana Mentor declined"), "{page}");
    let go = c
        .find(Locator::LinkText("Go to the mentoring relationship"))
        .await
        .unwrap();
    click_and_wait(&c, go).await;
    assert_eq!(heading(&c).await, "You and Ben Mentor");
    assert!(c.source().await.unwrap().contains("ben@example.org"));
    // Reporting a concern is one link away, and its pages pass the checks too.
    let report = c
        .find(Locator::LinkText(
            "Report a concern about this relationship",
        ))
        .await
        .unwrap();
    click_and_wait(&c, report).await;
    assert_eq!(heading(&c).await, "Report a concern");
    assert_accessible(&c, "report a concern").await;
    c.goto(&app.url("/concerns")).await.unwrap();
    assert_accessible(&c, "concerns").await;
    c.goto(&app.url("/profile")).await.unwrap();
    assert_accessible(&c, "profile with my data").await;

    // And both have the allocation email with the other's address.
    let to_mo = app
        .last_mail_to("mo@example.org", "request_allocated")
        .await;
    assert!(to_mo.text.contains("ben@example.org"), "{}", to_mo.text);
    let to_ben = app
        .last_mail_to("ben@example.org", "request_allocated")
        .await;
    assert!(to_ben.text.contains("mo@example.org"), "{}", to_ben.text);

    c.close().await.unwrap();
    app.stop().await;
}

/// One pair through every phase of guide 002 in the browser: the agreement written and signed
/// by both, enabling, a meeting, the log, the plan and the checklist, closing with the final
/// evaluation and a thank-you note, closed. Every page is checked with axe-core.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pair_goes_through_every_phase() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let (_, director) = crate::mentoring::programme_with_director(&app, "imp", json!({})).await;
    let (ana, ana_id) = crate::mentoring::approved_mentor(
        &app,
        "imp",
        &director,
        "Ana Mentor",
        "ana@example.org",
        "Simulation teaching.",
        json!({}),
    )
    .await;
    let mo = app.member("Mo Mentee", "mo@example.org").await;
    crate::mentoring::join(&app, "imp", &mo).await;
    let r: Value = app
        .post(
            "/api/v1/programmes/imp/requests",
            json!({"goals": "Run my first simulation course for new registrars by June", "focus": "single_event", "choices": [ana_id]}),
            Some(&mo),
        )
        .await
        .json()
        .await
        .unwrap();
    let r: Value = app
        .post(
            &format!("/api/v1/requests/{}/accept", r["id"]),
            json!({}),
            Some(&ana),
        )
        .await
        .json()
        .await
        .unwrap();
    let rel = r["relationship_id"].as_i64().unwrap();
    let page = |p: &str| app.url(&format!("/relationships/{rel}{p}"));

    // Preparing → negotiating; Mo writes and signs the agreement.
    sign_in(&c, &app, "mo@example.org").await;
    c.goto(&page("")).await.unwrap();
    assert_eq!(heading(&c).await, "You and Ana Mentor");
    assert_accessible(&c, "relationship, preparing").await;
    submit(&c, "Move to negotiating").await;
    c.goto(&page("/agreement")).await.unwrap();
    assert_accessible(&c, "agreement, empty").await;
    fill(&c, "goals", "Run a simulation course by June").await;
    fill(&c, "meeting_schedule", "Monthly, one hour, by video").await;
    fill(&c, "confidentiality", "What we discuss stays between us").await;
    fill(
        &c,
        "ground_rules",
        "Come prepared; say early if a meeting must move",
    )
    .await;
    fill(&c, "duration", "Six months").await;
    submit(&c, "Save the agreement").await;
    assert!(c.source().await.unwrap().contains("Version 1"));
    fill(&c, "typed_name", "Mo Mentee").await;
    submit(&c, "Sign version 1").await;
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("You have signed the agreement")
    );
    assert_accessible(&c, "agreement, signed by one").await;
    sign_out(&c).await;

    // Ana signs; enabling; a meeting, the log and the plan.
    sign_in(&c, &app, "ana@example.org").await;
    c.goto(&page("/agreement")).await.unwrap();
    fill(&c, "typed_name", "Ana Mentor").await;
    submit(&c, "Sign version 1").await;
    c.goto(&page("")).await.unwrap();
    submit(&c, "Move to enabling").await;
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("now in its enabling phase")
    );
    c.goto(&page("/meetings")).await.unwrap();
    assert_accessible(&c, "meetings").await;
    let day = (app.clock_now() + chrono::Duration::days(7)).date_naive();
    // A datetime-local field takes its value through script in headless Chromium.
    for (id, v) in [
        ("starts_at", format!("{day}T18:00")),
        ("ends_at", format!("{day}T19:00")),
    ] {
        c.execute(
            &format!("document.getElementById('{id}').value = '{v}';"),
            vec![],
        )
        .await
        .unwrap();
    }
    fill(&c, "time_zone", "Europe/London").await;
    fill(&c, "agenda", "First meeting: ground rules").await;
    submit(&c, "Set up the meeting").await;
    if let Ok(errors) = c.find(Locator::Css(".error-summary")).await {
        panic!("meeting refused: {}", errors.text().await.unwrap());
    }
    assert!(c.source().await.unwrap().contains("The meeting is set up"));
    assert_accessible(&c, "a meeting").await;
    c.goto(&page("/log")).await.unwrap();
    fill(&c, "activity", "First meeting").await;
    submit(&c, "Add to the log").await;
    assert!(c.source().await.unwrap().contains("Logged by Ana Mentor"));
    assert_accessible(&c, "log").await;
    c.goto(&page("/plan")).await.unwrap();
    fill(&c, "goal", "Design the course outline").await;
    fill(&c, "timeline", "By March").await;
    check(&c, "#kind-career").await;
    submit(&c, "Add the goal").await;
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("Design the course outline")
    );
    assert_accessible(&c, "plan").await;
    c.goto(&page("/skills")).await.unwrap();
    assert_accessible(&c, "skill assessment").await;
    c.goto(&page("")).await.unwrap();
    submit(&c, "Move to closing").await;
    sign_out(&c).await;

    // Mo: the checklist, then the final evaluation with a thank-you note; closed.
    sign_in(&c, &app, "mo@example.org").await;
    c.goto(&page("/checklist")).await.unwrap();
    check(&c, "#task-first_meeting").await;
    submit(&c, "Save my checklist").await;
    assert!(c.source().await.unwrap().contains("(done "));
    assert_accessible(&c, "checklist").await;
    c.goto(&page("/evaluations")).await.unwrap();
    assert_accessible(&c, "evaluations, closing").await;
    for q in [
        "progress",
        "relationship",
        "satisfaction",
        "self_efficacy",
        "productivity",
    ] {
        check(&c, &format!("#{q}-5")).await;
    }
    fill(&c, "reflection", "Ran the course twice, with good feedback").await;
    fill(&c, "thank_you", "Thank you, Ana, for your patience").await;
    submit(&c, "Save").await;
    if let Ok(errors) = c.find(Locator::Css(".error-summary")).await {
        panic!("evaluation refused: {}", errors.text().await.unwrap());
    }
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("Thank you, Ana, for your patience")
    );
    c.goto(&page("")).await.unwrap();
    submit(&c, "Move to closed").await;
    assert!(
        c.source()
            .await
            .unwrap()
            .contains("now in its closed phase")
    );
    assert_accessible(&c, "relationship, closed").await;
    fits_320_pixels(&c, "relationship").await;
    let note = app.last_mail_to("ana@example.org", "thank_you_note").await;
    assert!(note.subject.contains("Mo Mentee"));
    let invite = app
        .last_mail_to("mo@example.org", "meeting_invitation")
        .await;
    assert!(invite.calendar.is_some());

    c.close().await.unwrap();
    app.stop().await;
}

/// The staff pages in a browser: the director opens the dashboard from the programme page (its
/// charts are SVG in the page), a backwards period is refused with the form kept, the queues
/// show; the admin's webhook and email-text pages and a member's email settings pass the
/// accessibility checks, and a reworded letter is previewed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_pages_dashboard_queues_webhooks_and_email_settings() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let (_, director) = crate::mentoring::programme_with_director(&app, "imp", json!({})).await;
    // A matching round: one mentor with a place, one member waiting for a mentor.
    crate::mentoring::approved_mentor(
        &app,
        "imp",
        &director,
        "Ana Mentor",
        "ana@example.org",
        "Clinical teaching and feedback.",
        json!({"capacity": 2}),
    )
    .await;
    let mo = app.member("Mo Mentee", "mo@example.org").await;
    crate::mentoring::join(&app, "imp", &mo).await;
    sign_in(&c, &app, "director@imp.example.org").await;
    c.goto(&app.url("/programmes/imp")).await.unwrap();
    let link = c
        .find(Locator::LinkText(
            "Matching rounds: match a cohort of mentees in one go",
        ))
        .await
        .expect("matching link");
    click_and_wait(&c, link).await;
    assert_eq!(heading(&c).await, "Matching rounds of Programme imp");
    assert_accessible(&c, "matching rounds").await;
    c.find(Locator::Id("name"))
        .await
        .unwrap()
        .send_keys("Spring cohort")
        .await
        .unwrap();
    let weight = c.find(Locator::Id("weights.language")).await.unwrap();
    weight.clear().await.unwrap();
    weight.send_keys("12").await.unwrap();
    let run = c
        .find(Locator::Css(
            "form[action='/programmes/imp/matching'] button",
        ))
        .await
        .unwrap();
    click_and_wait(&c, run).await;
    let summary = c.find(Locator::Css(".error-summary")).await.unwrap();
    assert!(summary.text().await.unwrap().contains("from 0 to 10"));
    let kept = c
        .find(Locator::Id("name"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Spring cohort"), "typed name kept");
    assert_accessible(&c, "matching round refused").await;
    let weight = c.find(Locator::Id("weights.language")).await.unwrap();
    weight.clear().await.unwrap();
    weight.send_keys("2").await.unwrap();
    let run = c
        .find(Locator::Css(
            "form[action='/programmes/imp/matching'] button",
        ))
        .await
        .unwrap();
    click_and_wait(&c, run).await;
    assert_eq!(heading(&c).await, "Spring cohort");
    let cell = c
        .find(Locator::Css("tbody tr td:nth-child(2)"))
        .await
        .unwrap();
    assert_eq!(cell.text().await.unwrap(), "Ana Mentor");
    assert_accessible(&c, "matching round proposal").await;
    fits_320_pixels(&c, "matching round proposal").await;
    c.goto(&app.url("/programmes/imp")).await.unwrap();
    let link = c
        .find(Locator::LinkText(
            "Dashboard and reports: figures, charts and CSV downloads",
        ))
        .await
        .expect("dashboard link");
    click_and_wait(&c, link).await;
    assert_eq!(heading(&c).await, "Dashboard");
    let charts = c
        .find_all(Locator::Css("svg.chart[role=img]"))
        .await
        .unwrap();
    // Activity, time to match, acceptance by choice, capacity; no relationships or answers yet.
    assert_eq!(charts.len(), 4, "{} charts", charts.len());
    assert_accessible(&c, "dashboard").await;
    fits_320_pixels(&c, "dashboard").await;
    c.execute(
        "document.getElementById('from').value = '2026-05-01'; document.getElementById('to').value = '2026-04-01';",
        vec![],
    )
    .await
    .unwrap();
    submit(&c, "Show").await;
    let summary = c
        .find(Locator::Css(".error-summary"))
        .await
        .expect("error summary")
        .text()
        .await
        .unwrap();
    assert!(summary.contains("The end of the period is before its start"));
    assert_accessible(&c, "dashboard with an error").await;
    c.goto(&app.url("/programmes/imp/queues")).await.unwrap();
    assert_eq!(heading(&c).await, "Work queues");
    assert_accessible(&c, "queues").await;
    c.goto(&app.url("/notifications/settings")).await.unwrap();
    check(&c, "#requests-digest").await;
    submit(&c, "Save").await;
    assert!(
        c.find(Locator::Css("#requests-digest:checked"))
            .await
            .is_ok(),
        "the choice is saved"
    );
    assert_accessible(&c, "email settings").await;
    sign_out(&c).await;
    sign_in(&c, &app, "admin@example.org").await;
    c.goto(&app.url("/admin/programmes/imp/webhooks"))
        .await
        .unwrap();
    assert_eq!(heading(&c).await, "Webhooks of Programme imp");
    assert_accessible(&c, "webhooks").await;
    c.goto(&app.url("/admin/programmes/imp/member-list"))
        .await
        .unwrap();
    assert_accessible(&c, "member list and imports").await;
    // Email texts: the list, then a letter reworded and previewed in the page.
    c.goto(&app.url("/admin/programmes/imp/emails"))
        .await
        .unwrap();
    assert_eq!(heading(&c).await, "Email texts of Programme imp");
    assert_accessible(&c, "email texts").await;
    c.goto(&app.url("/admin/programmes/imp/emails/request_declined"))
        .await
        .unwrap();
    let subject = c.find(Locator::Id("subject")).await.unwrap();
    subject.clear().await.unwrap();
    subject
        .send_keys("{mentor} has to say no this time")
        .await
        .unwrap();
    let preview_button = c.find(Locator::Css("button[value=preview]")).await.unwrap();
    click_and_wait(&c, preview_button).await;
    let preview = c
        .find(Locator::Css("#preview-title + p + p"))
        .await
        .unwrap();
    assert_eq!(
        preview.text().await.unwrap(),
        "Subject: Grace Hopper has to say no this time"
    );
    assert_accessible(&c, "email text preview").await;
}
