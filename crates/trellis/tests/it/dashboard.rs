//! The dashboard and reports on both databases: figures checked against a fixture programme
//! with known numbers, the "not enough answers" rule, filters and their bad input, who may see
//! them, and that no relationship content reaches a staff page or export.

use crate::both_backends;
use crate::helpers::{Backend, error_of};
use crate::requests::{request_body, setup};
use crate::workspace::{agreement, ratings};
use chrono::Datelike;
use serde_json::{Value, json};

both_backends!(dashboard_figures_match_the_fixture);

const SECRET_GOAL: &str = "Leave the hospital trust quietly";
const SECRET_LOG: &str = "Talked about the grievance with HR";

async fn dashboard_figures_match_the_fixture(b: Backend) {
    let Some(st) = setup(b, 3).await else {
        return;
    };
    let app = &st.app;
    let admin = app.admin_or_existing().await;
    let office = app.member("Olu Office", "olu@example.org").await;
    app.post(
        "/api/v1/programmes/imp/staff",
        json!({"email": "olu@example.org", "role": "office"}),
        Some(&admin),
    )
    .await;
    let (ana, ben, cy) = (&st.mentors[0], &st.mentors[1], &st.mentors[2]);
    let start = app.clock_now();
    let new_request = |who: String, mentors: Vec<i64>| async move {
        let r: Value = app
            .post(
                "/api/v1/programmes/imp/requests",
                request_body(&mentors),
                Some(&who),
            )
            .await
            .json()
            .await
            .unwrap();
        r["id"].as_i64().unwrap()
    };
    let act = |id: i64, what: &'static str, who: String| async move {
        let r = app
            .post(
                &format!("/api/v1/requests/{id}/{what}"),
                json!({}),
                Some(&who),
            )
            .await;
        assert_eq!(r.status(), 200, "{what}");
        r.json::<Value>().await.unwrap()
    };
    // Mo names Ana, Ben, Cy: Ana declines, Ben accepts the same day (2nd choice, 0 days).
    let mo_req = new_request(st.mentee.clone(), vec![ana.1, ben.1, cy.1]).await;
    act(mo_req, "decline", ana.0.clone()).await;
    let mo_rel = act(mo_req, "accept", ben.0.clone()).await["relationship_id"]
        .as_i64()
        .unwrap();
    // Eve names Ana, who accepts after 8 days (1st choice, the "1 to 2 weeks" bucket).
    let eve = app.member("Eve Mentee", "eve@example.org").await;
    crate::mentoring::join(app, "imp", &eve).await;
    let eve_req = new_request(eve.clone(), vec![ana.1]).await;
    // Fay names Ben, who has no place left: straight to the director, never offered.
    let fay = app.member("Fay Mentee", "fay@example.org").await;
    crate::mentoring::join(app, "imp", &fay).await;
    new_request(fay.clone(), vec![ben.1]).await;
    app.clock.advance(chrono::Duration::days(8));
    act(eve_req, "accept", ana.0.clone()).await;

    // Private words in Mo's relationship, to look for in every staff output.
    let at = |p: &str| format!("/api/v1/relationships/{mo_rel}{p}");
    app.post(
        &at("/phase"),
        json!({"phase": "negotiating"}),
        Some(&st.mentee),
    )
    .await;
    assert_eq!(
        app.post(&at("/agreement"), agreement(SECRET_GOAL), Some(&st.mentee))
            .await
            .status(),
        201
    );
    let today = app.clock_now().date_naive().to_string();
    app.post(
        &at("/log"),
        json!({"on": today, "activity": SECRET_LOG}),
        Some(&ben.0),
    )
    .await;
    // Four answers to each question: not enough for staff.
    for n in 1..=4 {
        app.post(
            &at("/evaluations"),
            json!({"kind": "periodic", "ratings": ratings(n), "comments": SECRET_LOG}),
            Some(&st.mentee),
        )
        .await;
    }

    let office_ref = &office;
    let get = |q: String| async move {
        app.get(
            &format!("/api/v1/programmes/imp/dashboard{q}"),
            Some(office_ref),
        )
        .await
    };
    let d: Value = get(String::new()).await.json().await.unwrap();
    let month = start.month() as usize;
    let months = d["months"].as_array().unwrap_or_else(|| panic!("{d}"));
    assert_eq!(months.len(), 12);
    let sum = |k: &str| -> u64 {
        d[k].as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .sum()
    };
    assert_eq!(sum("applications_per_month"), 3, "{d}");
    assert_eq!(sum("requests_per_month"), 3, "{d}");
    let start_label = format!(
        "{} {}",
        [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
        ][month - 1],
        start.year()
    );
    let i = months
        .iter()
        .position(|m| m == &json!(start_label))
        .unwrap();
    assert_eq!(d["requests_per_month"][i], 3);
    let buckets: Vec<u64> = d["time_to_match"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .collect();
    assert_eq!(buckets, vec![1, 1, 0, 0, 0]);
    assert_eq!(d["median_days_to_match"], 4.0);
    let ranks: Vec<(String, u64, u64)> = d["acceptance_by_rank"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rank"].as_str().unwrap().to_owned(),
                r["offered"].as_u64().unwrap(),
                r["accepted"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ranks,
        vec![
            ("1st choice".into(), 2, 1),
            ("2nd choice".into(), 1, 1),
            ("3rd choice".into(), 0, 0),
            ("Director's offer".into(), 0, 0),
        ]
    );
    assert_eq!(d["acceptance_by_rank"][0]["rate"], 0.5);
    assert!(d["acceptance_by_rank"][2]["rate"].is_null());
    assert_eq!(
        d["relationships"],
        json!([
            {"model": "traditional", "phase": "negotiating", "n": 1},
            {"model": "traditional", "phase": "preparing", "n": 1}
        ])
    );
    assert_eq!(
        d["capacity"],
        json!({"mentors": 3, "places": 3, "taken": 2, "full": 2, "idle": 1})
    );
    let quarter_results = |d: &Value| -> Vec<(u64, Value)> {
        d["evaluations"]["questions"][2][1]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["answers"].as_u64().unwrap(), r["average"].clone()))
            .collect()
    };
    let four = quarter_results(&d);
    assert!(
        four.iter().any(|(n, avg)| *n == 4 && avg.is_null()),
        "{four:?}"
    );
    assert!(four.iter().all(|(_, avg)| avg.is_null()));
    // The page says so, shows the other charts as SVG, and draws no evaluation chart.
    let (browser, _) = crate::pages::signed_in(app, "olu@example.org").await;
    let page = |q: &'static str| {
        let browser = browser.clone();
        async move {
            let r = browser
                .get(app.url(&format!("/programmes/imp/dashboard{q}")))
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, html) = page("").await;
    assert_eq!(status, 200);
    assert!(html.contains("Not enough answers yet"));
    assert!(html.contains("not enough answers"));
    assert!(!html.contains("id=\"evaluations-title\""));
    for chart in ["activity", "match", "rank", "phases", "capacity"] {
        let start = html
            .find(&format!("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"{chart}-title"))
            .unwrap_or_else(|| panic!("{chart} chart"));
        let end = start + html[start..].find("</svg>").unwrap() + 6;
        let doc = roxmltree::Document::parse(&html[start..end]).expect("the SVG is XML");
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert!(doc.descendants().any(|n| n.has_tag_name("title")));
    }

    // The fifth answer (from Ben): averages appear, and the evaluation chart.
    app.post(
        &at("/evaluations"),
        json!({"kind": "periodic", "ratings": ratings(5)}),
        Some(&ben.0),
    )
    .await;
    let d: Value = get(String::new()).await.json().await.unwrap();
    let five = quarter_results(&d);
    assert!(five.contains(&(5, json!(3.0))), "{five:?}");
    let (_, html) = page("").await;
    assert!(html.contains("id=\"evaluations-title\""));

    // Filters: a cohort of the year the requests began keeps them; the next year has none.
    let year = start.year();
    let d: Value = get(format!("?cohort={year}")).await.json().await.unwrap();
    assert_eq!(
        d["requests_per_month"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>(),
        3
    );
    let d: Value = get(format!("?cohort={}", year + 1))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["relationships"], json!([]));
    assert!(d["acceptance_by_rank"][0]["offered"] == 0);
    let d: Value = get(format!("?from={}-01-01&to={}-12-31", year + 5, year + 5))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["months"].as_array().unwrap().len(), 12);
    assert_eq!(
        d["requests_per_month"],
        json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    );

    // Bad input: a period that ends before it starts; a date that is not one; a bad cohort.
    for (q, field) in [
        ("?from=2026-05-01&to=2026-04-01", "to"),
        ("?from=yesterday", "from"),
        ("?cohort=next", "cohort"),
    ] {
        let (s, _, f, msg) = error_of(get(q.into()).await).await;
        assert_eq!((s, f.as_deref()), (422, Some(field)), "{q}: {msg}");
    }
    let (status, html) = page("?from=2026-05-01&to=2026-04-01").await;
    assert_eq!(status, 422);
    assert!(html.contains("The end of the period is before its start"));
    assert!(
        html.contains("value=\"2026-05-01\""),
        "the form keeps what was typed"
    );

    // Reports: the figures and the relationships as CSV, never content.
    let csv = |name: &'static str, token: String| async move {
        app.get(
            &format!("/api/v1/programmes/imp/reports/{name}"),
            Some(&token),
        )
        .await
    };
    let r = csv("figures.csv", office.clone()).await;
    assert_eq!(r.status(), 200);
    let figures = r.text().await.unwrap();
    assert!(figures.starts_with("section,label,period,value,answers\n"));
    assert!(figures.contains("accepted,2nd choice,,1,"));
    assert!(figures.contains("capacity,places taken,,2,"));
    let rels = csv("relationships.csv", office.clone())
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(rels.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    let mo_row = rows.iter().find(|r| r[0] == mo_rel.to_string()).unwrap();
    assert_eq!(
        (&mo_row[2], &mo_row[7], &mo_row[8]),
        ("negotiating", "Ben Mentor", "Mo Mentee")
    );
    // Staff pages and exports never carry what members wrote.
    let (_, dash_html) = page("").await;
    let (_, queues) = {
        let r = browser
            .get(app.url("/programmes/imp/queues"))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    };
    let members_csv = app
        .get("/api/v1/programmes/imp/export/members.csv", Some(&office))
        .await
        .text()
        .await
        .unwrap();
    let page_csv = browser
        .get(app.url("/programmes/imp/reports/relationships.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(page_csv, rels);
    for out in [&figures, &rels, &dash_html, &queues, &members_csv] {
        for secret in [SECRET_GOAL, SECRET_LOG, "Once a month, an hour, by video"] {
            assert!(!out.contains(secret), "{secret} leaked");
        }
    }
    // The office cannot open the workspace's content either.
    let r = app.get(&at("/agreement"), Some(&office)).await;
    assert_eq!(r.status(), 403);
    assert!(!r.text().await.unwrap().contains(SECRET_GOAL));
    // Members — the mentee and a mentor — see neither the dashboard nor the reports, by API or
    // page; an unknown report is not found.
    for path in [
        "/api/v1/programmes/imp/dashboard",
        "/api/v1/programmes/imp/reports/figures.csv",
        "/api/v1/programmes/imp/reports/relationships.csv",
    ] {
        assert_eq!(
            app.get(path, Some(&st.mentee)).await.status(),
            403,
            "{path}"
        );
        assert_eq!(app.get(path, Some(&ben.0)).await.status(), 403, "{path}");
    }
    let (mo_browser, _) = crate::pages::signed_in(app, "mo@example.org").await;
    for path in [
        "/programmes/imp/dashboard",
        "/programmes/imp/reports/relationships.csv",
    ] {
        let r = mo_browser.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 403, "{path}");
        assert!(!r.text().await.unwrap().contains("Mo Mentee,"), "{path}");
    }
    let r = app
        .get("/api/v1/programmes/imp/reports/secrets.csv", Some(&office))
        .await;
    assert_eq!(r.status(), 404);
}
