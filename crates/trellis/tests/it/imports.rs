//! CSV imports of mentors and relationships on both databases: bad rows named by line with
//! nothing written, the good rows written when asked, each kind of bad input, and who may
//! import. The 100k-row member list through the command line is in `cli.rs`.

use crate::both_backends;
use crate::helpers::{Backend, TestApp};
use crate::mentoring::programme_with_director;
use serde_json::{Value, json};

both_backends!(mentor_and_relationship_imports);

async fn import(app: &TestApp, token: &str, kind: &str, query: &str, body: &[u8]) -> (u16, Value) {
    let r = app
        .api()
        .post(app.url(&format!("/api/v1/programmes/imp/imports/{kind}{query}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn bad_lines(report: &Value) -> Vec<(u64, String)> {
    report["bad_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["line"].as_u64().unwrap(),
                b["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const MENTORS: &str = "email,name,audiences,expertise,background,capacity,hours_per_month,languages,training_equivalent,programme\n\
    ana@example.org,Ana Imported,Students;Early career,Simulation,Runs the simulation centre,2,4,English;Welsh,Faculty course 2019,imp\n\
    bo@example.org,Bo Imported,Trainees,Assessment,Examiner for ten years,1,2,English,Examiner training,\n\
    cy@example.org,Cy Imported,Trainees,Assessment,Background,1,2,English,Course,elsewhere\n";

async fn mentor_and_relationship_imports(b: Backend) {
    let Some(app) = TestApp::spawn(b).await else {
        return;
    };
    let (admin, director) = programme_with_director(&app, "imp", json!({})).await;
    let mo = app.member("Mo Member", "mo@example.org").await;
    crate::mentoring::join(&app, "imp", &mo).await;

    // One bad row (another programme named on line 4): nothing imported, the line named.
    let (s, r) = import(&app, &admin, "mentors", "", MENTORS.as_bytes()).await;
    assert_eq!(s, 422, "{r}");
    assert_eq!(
        (
            r["valid_rows"].clone(),
            r["imported"].clone(),
            r["applied"].clone()
        ),
        (json!(2), json!(0), json!(false))
    );
    let bad = bad_lines(&r);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].0, 4);
    assert!(
        bad[0].1.contains("unknown programme 'elsewhere'"),
        "{}",
        bad[0].1
    );
    let directory = |q: &'static str| {
        let mo = mo.clone();
        let app = &app;
        async move {
            app.get(&format!("/api/v1/programmes/imp/mentors?q={q}"), Some(&mo))
                .await
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert!(
        !directory("simulation")
            .await
            .to_string()
            .contains("Ana Imported")
    );
    // A dry run reports the same and writes nothing; skipping bad rows imports the two.
    let (s, r) = import(&app, &admin, "mentors", "?dry_run=true", MENTORS.as_bytes()).await;
    assert_eq!((s, r["applied"].clone()), (200, json!(false)));
    let (s, r) = import(
        &app,
        &admin,
        "mentors",
        "?skip_bad=true",
        MENTORS.as_bytes(),
    )
    .await;
    assert_eq!(
        (s, r["imported"].clone(), r["bad_count"].clone()),
        (200, json!(2), json!(1)),
        "{r}"
    );
    let found = directory("simulation").await.to_string();
    assert!(
        found.contains("Ana Imported") && !found.contains("Cy Imported"),
        "{found}"
    );
    // Imported mentors are members, and have no password until they set one.
    let signin = app
        .post(
            "/api/v1/tokens",
            json!({"email": "ana@example.org", "password": "any password at all, guessed", "name": "probe"}),
            None,
        )
        .await;
    let (status, _, _, message) = crate::helpers::error_of(signin).await;
    assert_eq!(status, 422, "{message}");

    // Bad input: a wrong header, a wrong encoding, repeated emails, unknown terms.
    let (s, r) = import(&app, &admin, "mentors", "", b"mail,name\nx@example.org,X\n").await;
    assert_eq!(s, 422);
    let bad = bad_lines(&r);
    assert_eq!(bad[0].0, 1);
    assert!(bad[0].1.contains("the header lacks email"), "{}", bad[0].1);
    let latin1 = b"email,name,audiences,expertise,background,capacity,hours_per_month,training_equivalent\nzo\xe9@example.org,Zo\xe9,Students,Simulation,Twelve years as a tutor,1,1,Course\n";
    let (s, r) = import(&app, &admin, "mentors", "", latin1).await;
    assert_eq!(s, 422);
    assert!(bad_lines(&r)[0].1.contains("UTF-8"), "{r}");
    let twice = "email,name,audiences,expertise,background,capacity,hours_per_month,training_equivalent,languages\n\
        di@example.org,Di,Students,Simulation,Twelve years as a tutor,1,1,Course,English\n\
        DI@example.org,Di again,Students,Simulation,Twelve years as a tutor,1,1,Course,English\n\
        ed@example.org,Ed,Retirees,Simulation,Twelve years as a tutor,1,1,Course,English\n";
    let (s, r) = import(&app, &admin, "mentors", "", twice.as_bytes()).await;
    assert_eq!(s, 422);
    let bad = bad_lines(&r);
    assert_eq!(
        bad.iter().map(|b| b.0).collect::<Vec<_>>(),
        vec![3, 4],
        "{bad:?}"
    );
    assert!(bad[0].1.contains("more than once") && bad[1].1.contains("'Retirees'"));
    assert!(!directory("").await.to_string().contains("\"Di\""));

    // Relationships: members by email, all members of the programme.
    let rels = "model,phase,started_on,mentors,mentees,peers\n\
        traditional,enabling,2025-09-01,ana@example.org,mo@example.org,\n\
        traditional,preparing,2025-10-01,bo@example.org,nobody@example.org,\n\
        group,enabling,2025-10-01,bo@example.org,mo@example.org,\n";
    let (s, r) = import(&app, &director, "relationships", "", rels.as_bytes()).await;
    assert_eq!(s, 403, "the director does not import: {r}");
    let (s, r) = import(&app, &admin, "relationships", "", rels.as_bytes()).await;
    assert_eq!(s, 422);
    let bad = bad_lines(&r);
    assert_eq!(
        bad.iter().map(|b| b.0).collect::<Vec<_>>(),
        vec![3, 4],
        "{bad:?}"
    );
    assert!(
        bad[0].1.contains("nobody@example.org is not a member"),
        "{}",
        bad[0].1
    );
    assert!(bad[1].1.contains("at least two mentees"), "{}", bad[1].1);
    let (s, r) = import(
        &app,
        &admin,
        "relationships",
        "?skip_bad=true",
        rels.as_bytes(),
    )
    .await;
    assert_eq!((s, r["imported"].clone()), (200, json!(1)), "{r}");
    let report = app
        .get(
            "/api/v1/programmes/imp/reports/relationships.csv",
            Some(&admin),
        )
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 2, "{report}");
    assert!(
        lines[1].contains(",traditional,enabling,2025-09-01,")
            && lines[1].contains("Ana Imported")
            && lines[1].contains("Mo Member"),
        "{report}"
    );
    // Members cannot import; an unknown kind is not found.
    let (s, _) = import(&app, &mo, "mentors", "", MENTORS.as_bytes()).await;
    assert_eq!(s, 403);
    let (s, _) = import(&app, &admin, "secrets", "", MENTORS.as_bytes()).await;
    assert_eq!(s, 404);
}
