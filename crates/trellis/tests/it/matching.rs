//! Cohort matching rounds on both databases: staff only, bad input named by field, the
//! proposal keeps the constraints and explains itself, forbidding and pinning re-run it, and
//! publishing makes the relationships once, all or nothing.

use crate::both_backends;
use crate::helpers::{Backend, error_of};
use crate::mentoring::{application_body, join};
use crate::pages::{page, signed_in};
use crate::requests::setup;
use crate::requests::{accepted, request_body};
use serde_json::{Value, json};

both_backends!(
    a_cohort_round_from_proposal_to_relationships,
    a_group_round_forms_groups_of_the_set_size,
    peer_circles_group_the_mentees_among_themselves,
    the_programme_s_matching_rules_apply_to_every_round,
    the_default_cohort_is_who_could_ask_now
);

const ROUNDS: &str = "/api/v1/programmes/imp/matching-rounds";

fn pair_of(round: &Value, mentee: i64) -> &Value {
    round["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["mentee_id"] == mentee)
        .unwrap()
}

async fn a_cohort_round_from_proposal_to_relationships(b: Backend) {
    let Some(st) = setup(b, 3).await else {
        return;
    };
    let app = &st.app;
    let mut mentees = vec![("mo@example.org", st.mentee_id, st.mentee.clone())];
    // A mentee who gives no language shares none with anyone when the round requires one.
    let r = app
        .patch("/api/v1/me", json!({"languages": ["French"]}), &st.mentee)
        .await;
    assert_eq!(r.status(), 200);
    for (name, email, langs) in [
        ("Ann Mentee", "ann@example.org", json!(["English"])),
        ("Dee Mentee", "dee@example.org", json!(["German"])),
    ] {
        let t = app.member(name, email).await;
        join(app, "imp", &t).await;
        let me: Value = app
            .patch(
                "/api/v1/me",
                json!({"languages": langs, "career_stage": "trainee", "interests": "Better feedback in clinical teaching"}),
                &t,
            )
            .await
            .json()
            .await
            .unwrap();
        mentees.push((email, me["id"].as_i64().unwrap(), t));
    }
    let emails: Vec<&str> = mentees.iter().map(|m| m.0).collect();

    // Members cannot run rounds or see them.
    let r = app
        .post(
            ROUNDS,
            json!({"name": "x", "mentees": emails}),
            Some(&st.mentee),
        )
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.get(ROUNDS, Some(&st.mentee)).await.status(), 403);

    // Bad input names its field.
    for (body, field) in [
        (json!({"name": "", "mentees": emails}), "name"),
        (json!({"name": "x", "mode": "fastest"}), "mode"),
        (
            json!({"name": "x", "weights": {"language": 11}}),
            "weights.language",
        ),
        (
            json!({"name": "x", "mentees": ["nobody@example.org"]}),
            "mentees",
        ),
        (
            json!({"name": "x", "mentees": ["not an address"]}),
            "mentees",
        ),
        (json!({"name": "x", "publish_as": "emails"}), "publish_as"),
    ] {
        let (code, _, f, _) =
            error_of(app.post(ROUNDS, body.clone(), Some(&st.director)).await).await;
        assert_eq!((code, f.as_deref()), (422, Some(field)), "{body}");
    }
    assert_eq!(
        app.get(ROUNDS, Some(&st.director))
            .await
            .json::<Value>()
            .await
            .unwrap(),
        json!([]),
        "nothing was saved"
    );

    // The proposal: Dee shares no language with any mentor, so is left unmatched with why.
    let r = app
        .post(
            ROUNDS,
            json!({"name": "Spring cohort", "mentees": emails, "shared_language": true, "publish_as": "relationships"}),
            Some(&st.director),
        )
        .await;
    assert_eq!(r.status(), 201);
    let round: Value = r.json().await.unwrap();
    let id = round["round"]["id"].as_i64().unwrap();
    assert_eq!(round["summary"]["matched"], 2, "{round}");
    assert_eq!(round["summary"]["mentors"], 3);
    let dee = pair_of(&round, mentees[2].1);
    assert_eq!(dee["unmatched"], "no_allowed_mentor");
    assert!(dee["mentor_id"].is_null());
    let ann = pair_of(&round, mentees[1].1).clone();
    let mo = pair_of(&round, mentees[0].1).clone();
    assert_ne!(ann["mentor_id"], mo["mentor_id"], "capacity 1 each");
    assert!(ann["score"].as_f64().unwrap() > 0.0);
    assert_eq!(ann["parts"]["language"], 1.0, "{ann}");
    assert!(ann["seat_price"].is_number());

    // Forbid Ann's mentor: the run gives her another.
    let r = app
        .post(
            &format!("{ROUNDS}/{id}/rules"),
            json!({"mentee_id": mentees[1].1, "mentor_id": ann["mentor_id"], "kind": "forbid"}),
            Some(&st.director),
        )
        .await;
    assert_eq!(r.status(), 200);
    let round: Value = r.json().await.unwrap();
    let ann2 = pair_of(&round, mentees[1].1);
    assert!(ann2["mentor_id"].is_number());
    assert_ne!(ann2["mentor_id"], ann["mentor_id"]);
    // Pin Mo to the third mentor.
    let cy = st.mentors[2].1;
    let round: Value = app
        .post(
            &format!("{ROUNDS}/{id}/rules"),
            json!({"mentee_id": mentees[0].1, "mentor_id": cy, "kind": "pin"}),
            Some(&st.director),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pair_of(&round, mentees[0].1)["mentor_id"], cy);
    let (code, _, f, _) = error_of(
        app.post(
            &format!("{ROUNDS}/{id}/rules"),
            json!({"mentee_id": mentees[0].1, "mentor_id": cy, "kind": "maybe"}),
            Some(&st.director),
        )
        .await,
    )
    .await;
    assert_eq!((code, f.as_deref()), (422, Some("kind")));

    // Publish: the pairs become relationships the members can open; once only.
    let r = app
        .post(
            &format!("{ROUNDS}/{id}/publish"),
            json!({}),
            Some(&st.director),
        )
        .await;
    assert_eq!(r.status(), 200);
    let round: Value = r.json().await.unwrap();
    assert_eq!(round["round"]["status"], "published");
    let rel = pair_of(&round, mentees[0].1)["relationship_id"]
        .as_i64()
        .unwrap();
    let ws = app
        .get(&format!("/api/v1/relationships/{rel}"), Some(&st.mentee))
        .await;
    assert_eq!(ws.status(), 200);
    assert!(pair_of(&round, mentees[2].1)["relationship_id"].is_null());
    let again = app
        .post(
            &format!("{ROUNDS}/{id}/publish"),
            json!({}),
            Some(&st.director),
        )
        .await;
    assert_eq!(again.status(), 409);
    let late = app
        .post(
            &format!("{ROUNDS}/{id}/rules"),
            json!({"mentee_id": mentees[1].1, "mentor_id": cy, "kind": "pin"}),
            Some(&st.director),
        )
        .await;
    assert_eq!(late.status(), 409);
    // The pages: a member is refused; after publishing, a pin is refused with the reason and
    // the round shown again; a pin without a mentee names the field.
    let (member, _) = crate::pages::signed_in(app, "mo@example.org").await;
    let r = member
        .get(app.url("/programmes/imp/matching"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (staff, _) = crate::pages::signed_in(app, "director@imp.example.org").await;
    let page = staff
        .get(app.url(&format!("/programmes/imp/matching/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::helpers::csrf_of(&page);
    let rules_url = app.url(&format!("/programmes/imp/matching/{id}/rules"));
    let r = staff
        .post(&rules_url)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("mentee_id", &mentees[1].1.to_string()),
            ("mentor_id", &cy.to_string()),
            ("kind", "pin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("This round is published") && html.contains("Spring cohort"));
    let r = staff
        .post(&rules_url)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("mentor_id", "1"),
            ("kind", "pin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Choose a mentee"));

    // The places are taken: a new round (published as offers, the default) has only the
    // mentor left with a free place, and offers Dee to them; they accept as with any request.
    let next: Value = app
        .post(
            ROUNDS,
            json!({"name": "Top-up", "mentees": ["dee@example.org"]}),
            Some(&st.director),
        )
        .await
        .json()
        .await
        .unwrap();
    let left = next["mentors"].as_array().unwrap();
    assert_eq!(left.len(), 1, "{next}");
    let free = left[0][0].as_i64().unwrap();
    assert_ne!(free, cy);
    let next_id = next["round"]["id"].as_i64().unwrap();
    assert_eq!(pair_of(&next, mentees[2].1)["mentor_id"], free);
    let r = app
        .post(
            &format!("{ROUNDS}/{next_id}/publish"),
            json!({}),
            Some(&st.director),
        )
        .await;
    assert_eq!(r.status(), 200);
    let next: Value = r.json().await.unwrap();
    let dee = pair_of(&next, mentees[2].1);
    assert!(dee["relationship_id"].is_null());
    let request = dee["request_id"].as_i64().unwrap();
    let (mentor_token, mentor_email) = st
        .mentors
        .iter()
        .enumerate()
        .find(|(_, m)| m.1 == free)
        .map(|(i, m)| (m.0.clone(), format!("mentor{i}@example.org")))
        .unwrap();
    let offer = app.last_mail_to(&mentor_email, "request_offered").await;
    assert!(offer.subject.contains("Dee Mentee"), "{}", offer.subject);
    let accepted = app
        .post(
            &format!("/api/v1/requests/{request}/accept"),
            json!({}),
            Some(&mentor_token),
        )
        .await;
    assert_eq!(accepted.status(), 200);
    // A round is not reachable through another programme.
    let admin = app.admin_or_existing().await;
    app.programme(&admin, "other", json!({})).await;
    let r = app
        .get(
            &format!("/api/v1/programmes/other/matching-rounds/{id}"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status(), 404);
}

/// Groups: one mentor with four places, a group size of three, four mentees: three form the
/// mentor's group (one relationship, model group), the fourth is left for lack of places.
async fn a_group_round_forms_groups_of_the_set_size(b: Backend) {
    let Some(app) = crate::helpers::TestApp::spawn(b).await else {
        return;
    };
    let (_, director) = crate::mentoring::programme_with_director(&app, "grp", json!({})).await;
    let (_, lead) = crate::mentoring::approved_mentor(
        &app,
        "grp",
        &director,
        "Gil Lead",
        "gil@example.org",
        "Leads reflective practice groups for new nurses.",
        json!({"capacity": 4}),
    )
    .await;
    let mut emails = Vec::new();
    for i in 0..4 {
        let email = format!("nurse{i}@example.org");
        let t = app.member(&format!("Nurse {i}"), &email).await;
        join(&app, "grp", &t).await;
        emails.push(email);
    }
    let rounds = "/api/v1/programmes/grp/matching-rounds";
    for size in [json!(null), json!(1), json!(31)] {
        let (code, _, f, _) = error_of(
            app.post(
                rounds,
                json!({"name": "Groups", "mentees": emails, "publish_as": "groups", "group_size": size}),
                Some(&director),
            )
            .await,
        )
        .await;
        assert_eq!((code, f.as_deref()), (422, Some("group_size")), "{size}");
    }
    // The programme office runs this one: it may form groups (not pairs, see below).
    let admin = app.admin_or_existing().await;
    let office = app.member("Olu Office", "olu@example.org").await;
    app.post(
        "/api/v1/programmes/grp/staff",
        json!({"email": "olu@example.org", "role": "office"}),
        Some(&admin),
    )
    .await;
    let round: Value = app
        .post(
            rounds,
            json!({"name": "Groups", "mentees": emails, "publish_as": "groups", "group_size": 3}),
            Some(&office),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(round["summary"]["matched"], 3, "{round}");
    let id = round["round"]["id"].as_i64().unwrap();
    let published: Value = app
        .post(&format!("{rounds}/{id}/publish"), json!({}), Some(&office))
        .await
        .json()
        .await
        .unwrap();
    let rels: Vec<i64> = published["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["relationship_id"].as_i64())
        .collect();
    assert_eq!(rels.len(), 3);
    assert!(rels.iter().all(|r| *r == rels[0]), "one group: {published}");
    let left: Vec<&Value> = published["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["mentor_id"].is_null())
        .collect();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["unmatched"], "capacity");
    let rel: Value = app
        .get(
            &format!("/api/v1/relationships/{}", rels[0]),
            Some(&director),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rel["model"], "group", "{rel}");
    assert_eq!(rel["members"].as_array().unwrap().len(), 4);
    assert!(
        rel["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["user_id"] == lead),
        "{rel}"
    );
    // The office cannot make pairs: publishing a round as relationships is refused and
    // changes nothing.
    let pairs: Value = app
        .post(
            rounds,
            json!({"name": "Pairs", "mentees": [emails[3].clone()], "publish_as": "relationships"}),
            Some(&office),
        )
        .await
        .json()
        .await
        .unwrap();
    let pid = pairs["round"]["id"].as_i64().unwrap();
    let r = app
        .post(&format!("{rounds}/{pid}/publish"), json!({}), Some(&office))
        .await;
    assert_eq!(r.status(), 403);
    let after: Value = app
        .get(&format!("{rounds}/{pid}"), Some(&office))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["round"]["status"], "proposed");
    assert!(after["pairs"][0]["relationship_id"].is_null());
}

/// A peer round [002]: the mentees grouped among themselves in circles of the set size, like
/// with like, published by the programme office as peer relationships.
async fn peer_circles_group_the_mentees_among_themselves(b: Backend) {
    let Some(app) = crate::helpers::TestApp::spawn(b).await else {
        return;
    };
    let (admin, director) =
        crate::mentoring::programme_with_director(&app, "peers", json!({"model": "peer"})).await;
    let people = [
        (
            "Ana",
            "trainee",
            "qualitative research interviews and thematic analysis",
        ),
        (
            "Ben",
            "senior",
            "surgical skills simulation and operating theatre teaching",
        ),
        (
            "Cai",
            "trainee",
            "qualitative research, interviews, ethnography",
        ),
        (
            "Dee",
            "senior",
            "simulation of surgical skills, theatre teams",
        ),
        (
            "Eli",
            "trainee",
            "thematic analysis of interviews in qualitative research",
        ),
    ];
    let mut emails = Vec::new();
    for (name, stage, interests) in people {
        let email = format!("{}@example.org", name.to_lowercase());
        let t = app.member(name, &email).await;
        join(&app, "peers", &t).await;
        let r = app
            .patch(
                "/api/v1/me",
                json!({"career_stage": stage, "interests": interests, "languages": ["English"]}),
                &t,
            )
            .await;
        assert_eq!(r.status(), 200);
        emails.push(email);
    }
    let rounds = "/api/v1/programmes/peers/matching-rounds";
    for (body, field) in [
        (
            json!({"name": "C", "mentees": emails, "publish_as": "circles"}),
            "group_size",
        ),
        (
            json!({"name": "C", "mentees": emails, "publish_as": "circles", "group_size": 31}),
            "group_size",
        ),
        (
            json!({"name": "C", "mentees": [emails[0].clone()], "publish_as": "circles", "group_size": 3}),
            "mentees",
        ),
    ] {
        let (code, _, f, _) = error_of(app.post(rounds, body, Some(&director)).await).await;
        assert_eq!((code, f.as_deref()), (422, Some(field)));
    }
    let office = app.member("Olu Office", "olu@example.org").await;
    app.post(
        "/api/v1/programmes/peers/staff",
        json!({"email": "olu@example.org", "role": "office"}),
        Some(&admin),
    )
    .await;
    let round: Value = app
        .post(
            rounds,
            json!({"name": "Spring circles", "mentees": emails, "publish_as": "circles", "group_size": 3}),
            Some(&office),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(round["summary"]["circles"], 2, "{round}");
    assert_eq!(round["summary"]["matched"], 5, "{round}");
    // Like with like: the three qualitative researchers together, the two surgeons together.
    let circle_of = |name: &str| {
        round["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["mentee_name"] == name)
            .unwrap()["mentor_id"]
            .clone()
    };
    assert_eq!(circle_of("Ana"), circle_of("Cai"));
    assert_eq!(circle_of("Ana"), circle_of("Eli"));
    assert_eq!(circle_of("Ben"), circle_of("Dee"));
    assert_ne!(circle_of("Ana"), circle_of("Ben"));
    let id = round["round"]["id"].as_i64().unwrap();
    let published: Value = app
        .post(&format!("{rounds}/{id}/publish"), json!({}), Some(&office))
        .await
        .json()
        .await
        .unwrap();
    let mut rels: Vec<i64> = published["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["relationship_id"].as_i64().unwrap())
        .collect();
    rels.sort_unstable();
    rels.dedup();
    assert_eq!(rels.len(), 2, "two circles: {published}");
    let mut sizes = Vec::new();
    for r in rels {
        let rel: Value = app
            .get(&format!("/api/v1/relationships/{r}"), Some(&director))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(rel["model"], "peer", "{rel}");
        let members = rel["members"].as_array().unwrap();
        assert!(members.iter().all(|m| m["role"] == "peer"), "{rel}");
        sizes.push(members.len());
    }
    sizes.sort_unstable();
    assert_eq!(sizes, [2, 3]);
    // Published once only.
    let r = app
        .post(&format!("{rounds}/{id}/publish"), json!({}), Some(&office))
        .await;
    assert_eq!(r.status(), 409);
    app.stop().await;
}

/// "When the programme says so": a programme's matching rules choose what a round publishes as
/// when the round does not say, and keep its constraints in every round.
async fn the_programme_s_matching_rules_apply_to_every_round(b: Backend) {
    let Some(st) = setup(b, 2).await else {
        return;
    };
    let app = &st.app;
    let admin = app.admin_or_existing().await;
    let (code, _, field, _) = error_of(
        app.patch(
            "/api/v1/programmes/imp",
            json!({"settings": {"matching_publish": "pairs"}}),
            &admin,
        )
        .await,
    )
    .await;
    assert_eq!((code, field.as_deref()), (422, Some("matching_publish")));
    let p: Value = app
        .patch(
            "/api/v1/programmes/imp",
            json!({"settings": {"matching_publish": "relationships", "matching_different_organisation": true}}),
            &admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["settings"]["matching_publish"], "relationships", "{p}");
    assert_eq!(p["settings"]["matching_different_organisation"], true);
    assert_eq!(p["settings"]["matching_shared_language"], false);
    let round: Value = app
        .post(
            ROUNDS,
            json!({"name": "Autumn", "mentees": ["mo@example.org"], "different_organisation": false}),
            Some(&st.director),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(round["settings"]["publish_as"], "relationships", "{round}");
    assert_eq!(
        round["settings"]["different_organisation"], true,
        "the programme's rule holds even when the round leaves it out"
    );
    // A round may still choose offers for itself.
    let offers: Value = app
        .post(
            ROUNDS,
            json!({"name": "Offers", "mentees": ["mo@example.org"], "publish_as": "offers"}),
            Some(&st.director),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(offers["settings"]["publish_as"], "offers", "{offers}");
    // Never the mentee's own manager: Mo names mentor0 as manager; with mentor1 forbidden,
    // no mentor is left for Mo.
    let (code, _, field, _) = error_of(
        app.patch(
            "/api/v1/me",
            json!({"manager_email": "the boss"}),
            &st.mentee,
        )
        .await,
    )
    .await;
    assert_eq!((code, field.as_deref()), (422, Some("manager_email")));
    let r = app
        .patch(
            "/api/v1/me",
            json!({"manager_email": "Mentor0@example.org"}),
            &st.mentee,
        )
        .await;
    assert_eq!(r.status(), 200);
    let p: Value = app
        .patch(
            "/api/v1/programmes/imp",
            json!({"settings": {"matching_not_own_manager": true}}),
            &admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["settings"]["matching_not_own_manager"], true);
    let kept: Value = app
        .post(
            ROUNDS,
            json!({"name": "Managers", "mentees": ["mo@example.org"]}),
            Some(&st.director),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kept["settings"]["not_own_manager"], true, "{kept}");
    assert_eq!(kept["pairs"][0]["mentor_id"], st.mentors[1].1, "{kept}");
    let kid = kept["round"]["id"].as_i64().unwrap();
    let rerun: Value = app
        .post(
            &format!("{ROUNDS}/{kid}/rules"),
            json!({"mentee_id": st.mentee_id, "mentor_id": st.mentors[1].1, "kind": "forbid"}),
            Some(&st.director),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(rerun["pairs"][0]["mentor_id"].is_null(), "{rerun}");
    assert_eq!(rerun["pairs"][0]["unmatched"], "no_allowed_mentor");

    // Publishing the first makes a relationship at once.
    let id = round["round"]["id"].as_i64().unwrap();
    let published: Value = app
        .post(
            &format!("{ROUNDS}/{id}/publish"),
            json!({}),
            Some(&st.director),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        published["pairs"][0]["relationship_id"].is_i64(),
        "{published}"
    );
    st.app.stop().await;
}

/// A round that names nobody takes the members who could ask for a mentor now: not staff,
/// administrators, mentors or applicants under review, nobody with an open request or at the
/// programme's limit of relationships. Staff see that cohort before the run; a pin says it is
/// one and can be undone; publishing asks first and says what it sends.
async fn the_default_cohort_is_who_could_ask_now(b: Backend) {
    let Some(st) = setup(b, 2).await else {
        return;
    };
    let app = &st.app;
    let admin = app.admin_or_existing().await;
    let r = app
        .patch(
            "/api/v1/programmes/imp",
            json!({"settings": {"max_relationships_per_member": 1}}),
            &admin,
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // Staff who joined as members, and the administrator.
    join(app, "imp", &st.director).await;
    join(app, "imp", &admin).await;
    // A mentor applicant still under review.
    let pip = app.member("Pip Applicant", "pip@example.org").await;
    join(app, "imp", &pip).await;
    let r = app
        .post(
            "/api/v1/programmes/imp/mentor-applications",
            application_body(app, "imp", "Ward sister, twenty years.").await,
            Some(&pip),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    // A mentee at the limit of one relationship, and one whose request is open.
    let ria = app.member("Ria Matched", "ria@example.org").await;
    join(app, "imp", &ria).await;
    accepted(app, &ria, &st.mentors[0]).await;
    let oli = app.member("Oli Open", "oli@example.org").await;
    join(app, "imp", &oli).await;
    let r = app
        .post(
            "/api/v1/programmes/imp/requests",
            request_body(&[st.mentors[1].1]),
            Some(&oli),
        )
        .await;
    assert_eq!(r.status(), 201);
    let una = app.member("Una Ordinary", "una@example.org").await;
    join(app, "imp", &una).await;

    let cohort: Value = app
        .get(&format!("{ROUNDS}/default-cohort"), Some(&st.director))
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = cohort
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Mo Mentee", "Una Ordinary"]);
    assert_eq!(
        app.get(&format!("{ROUNDS}/default-cohort"), Some(&una))
            .await
            .status(),
        403
    );

    // The form lists them, to edit, before anything runs.
    let (browser, _) = signed_in(app, "director@imp.example.org").await;
    let html = page(&browser, app, "/programmes/imp/matching").await;
    assert!(
        html.contains("Mo Mentee &#60;mo@example.org&#62;"),
        "{html}"
    );
    assert!(html.contains("2 members could ask for a mentor now"));
    assert!(!html.contains("pip@example.org") && !html.contains("ria@example.org"));
    assert!(html.contains("offers each pair to the mentor"));

    // The round takes that cohort, and the form's "Name <address>" lines are understood.
    let round: Value = app
        .post(ROUNDS, json!({"name": "Autumn"}), Some(&st.director))
        .await
        .json()
        .await
        .unwrap();
    let mut in_round: Vec<i64> = round["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["mentee_id"].as_i64().unwrap())
        .collect();
    in_round.sort_unstable();
    let mut expected: Vec<i64> = cohort
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_i64().unwrap())
        .collect();
    expected.sort_unstable();
    assert_eq!(in_round, expected);
    let named: Value = app
        .post(
            ROUNDS,
            json!({"name": "Named", "mentees": ["Una Ordinary <una@example.org>"]}),
            Some(&st.director),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(named["pairs"].as_array().unwrap().len(), 1);

    // A pin says so, is listed, and can be undone.
    let id = round["round"]["id"].as_i64().unwrap();
    let ben = st.mentors[1].1;
    let pinned: Value = app
        .post(
            &format!("{ROUNDS}/{id}/rules"),
            json!({"mentee_id": st.mentee_id, "mentor_id": ben, "kind": "pin"}),
            Some(&st.director),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        pair_of(&pinned, st.mentee_id)["why"],
        json!(["Pinned to Ben Mentor by staff"])
    );
    let html = page(&browser, app, &format!("/programmes/imp/matching/{id}")).await;
    assert!(html.contains("Mo Mentee is pinned to Ben Mentor"), "{html}");
    assert!(html.contains("/rules/undo"));
    let undone = app
        .delete(
            &format!("{ROUNDS}/{id}/rules/{}/{ben}", st.mentee_id),
            &st.director,
        )
        .await;
    assert_eq!(undone.status(), 200);
    let undone: Value = undone.json().await.unwrap();
    assert_eq!(undone["rules"], json!([]));
    assert_ne!(
        pair_of(&undone, st.mentee_id)["why"],
        json!(["Pinned to Ben Mentor by staff"])
    );
    let again = app
        .delete(
            &format!("{ROUNDS}/{id}/rules/{}/{ben}", st.mentee_id),
            &st.director,
        )
        .await;
    assert_eq!(again.status(), 404);

    // Publishing asks first, says what goes out, and sends nothing until confirmed.
    let before = app.mails().await.len();
    let html = page(
        &browser,
        app,
        &format!("/programmes/imp/matching/{id}/publish"),
    )
    .await;
    assert!(html.contains("Publishing cannot be undone"), "{html}");
    assert!(html.contains("mentorship request"));
    assert!(html.contains("Yes, publish and send"));
    assert_eq!(app.mails().await.len(), before);
    let shown: Value = app
        .get(&format!("{ROUNDS}/{id}"), Some(&st.director))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["round"]["status"], "proposed");
}
