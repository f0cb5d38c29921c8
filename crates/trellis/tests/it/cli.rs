//! The `trellis` binary itself: configuration, migrations, accounts and imports from the
//! command line, `jobs run --as-of`, the demo, and several `serve` processes on one PostgreSQL.

use crate::helpers::{PgDatabase, postgres_required};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub(crate) fn trellis(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_trellis"));
    c.current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("TRELLIS_") {
            c.env_remove(k);
        }
    }
    c.env("TRELLIS_LOG", "warn");
    c
}

fn run(c: &mut Command) -> Output {
    c.output().expect("run trellis")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn wait_healthy(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(r) = crate::helpers::http()
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            && r.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("trellis on port {port} did not become healthy");
}

#[test]
fn config_layers_and_hides_secrets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("trellis.toml"),
        "bind = \"127.0.0.1:9999\"\nsite_name = \"From the file\"\n",
    )
    .unwrap();
    let out = run(trellis(dir.path())
        .arg("config")
        .env("TRELLIS_SITE_NAME", "From the environment")
        .env(
            "TRELLIS_DATABASE_URL",
            "postgres://app:hunter2secret@db/trellis",
        ));
    assert!(out.status.success(), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains("bind = \"127.0.0.1:9999\""),
        "file beats defaults: {shown}"
    );
    assert!(
        shown.contains("site_name = \"From the environment\""),
        "environment beats file"
    );
    assert!(
        shown.contains("postgres://app:********@db/trellis") && !shown.contains("hunter2secret")
    );
    assert!(shown.contains("mail_transport = \"file\""));

    std::fs::write(dir.path().join("trellis.toml"), "bind_address = \"x\"\n").unwrap();
    let out = run(trellis(dir.path()).arg("config"));
    assert!(!out.status.success(), "an unknown setting is an error");
    assert!(text(&out).contains("bind_address"), "{}", text(&out));
}

#[test]
fn migrate_user_import_and_jobs_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(trellis(dir.path()).arg("migrate"));
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("0001_foundation"));
    assert!(
        dir.path().join("data/trellis.db").exists(),
        "the default database lives under ./data"
    );
    assert!(text(&run(trellis(dir.path()).arg("migrate"))).contains("up to date"));

    let out = run(trellis(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "root@example.org",
            "--name",
            "Root",
            "--admin",
        ])
        .env("TRELLIS_PASSWORD", "short"));
    assert!(!out.status.success());
    assert!(text(&out).contains("12"), "{}", text(&out));
    let out = run(trellis(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "root@example.org",
            "--name",
            "Root",
            "--admin",
        ])
        .env("TRELLIS_PASSWORD", "a long enough password"));
    assert!(out.status.success(), "{}", text(&out));
    let out = run(trellis(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "root@example.org",
            "--name",
            "Root",
        ])
        .env("TRELLIS_PASSWORD", "a long enough password"));
    assert!(!out.status.success() && text(&out).contains("already exists"));

    let out =
        run(trellis(dir.path()).args(["import", "members", "list.csv", "--programme", "nope"]));
    assert!(!out.status.success());

    let out = run(trellis(dir.path()).args(["jobs", "run", "--as-of", "2027-01-15T09:00:00Z"]));
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("2027-01-15T09:00:00"), "{}", text(&out));
    let out = run(trellis(dir.path()).args(["jobs", "run", "--as-of", "next tuesday"]));
    assert!(!out.status.success() && text(&out).contains("RFC 3339"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_serves_and_its_sign_ins_work() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = trellis(dir.path())
        .arg("demo")
        .env("TRELLIS_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _server = Server(child);
    let printed = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let done = line.contains("Stop with Ctrl-C");
            lines.push(line);
            if done {
                break;
            }
        }
        lines.join("\n")
    })
    .join()
    .unwrap();
    assert!(
        printed.contains(&format!("http://127.0.0.1:{port}/")),
        "{printed}"
    );
    wait_healthy(port).await;

    let home = crate::helpers::http()
        .get(format!("http://127.0.0.1:{port}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("International Mentoring Programme")
            && home.contains("Future Leaders Network")
    );
    let password = printed
        .split("password for all: ")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap()
        .to_owned();
    let emails: Vec<String> = printed
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .filter(|w| w.contains('@'))
        .map(str::to_owned)
        .collect();
    assert!(
        emails.len() >= 6,
        "a sign-in for every staff role and a member: {printed}"
    );
    let client = crate::helpers::http();
    for email in &emails {
        let r = client
            .post(format!("http://127.0.0.1:{port}/api/v1/tokens"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "demo sign-in {email}");
    }
    // The demo's requests: the mentor sign-in has an offer waiting; the director's queue holds
    // it and one escalated request, with the director's first.
    let token = |email: String| {
        let client = client.clone();
        let password = password.clone();
        async move {
            client
                .post(format!("http://127.0.0.1:{port}/api/v1/tokens"))
                .json(&serde_json::json!({"email": email, "password": password}))
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()["token"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let email_of_role = |role: &str| {
        printed
            .lines()
            .find(|l| l.trim_start().starts_with(role))
            .and_then(|l| l.split_whitespace().last())
            .unwrap()
            .to_owned()
    };
    let requests = |t: String| {
        let client = client.clone();
        async move {
            client
                .get(format!(
                    "http://127.0.0.1:{port}/api/v1/programmes/international-mentoring/requests"
                ))
                .bearer_auth(t)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let mentor = requests(token(email_of_role("mentor ")).await).await;
    assert_eq!(mentor["offers"].as_array().unwrap().len(), 1, "{mentor}");
    let director = requests(token(email_of_role("Mentorship director")).await).await;
    let queue = director["queue"].as_array().unwrap();
    assert_eq!(queue.len(), 2, "{director}");
    assert_eq!(queue[0]["status"], "with_director");
    let programmes: serde_json::Value = crate::helpers::http()
        .get(format!("http://127.0.0.1:{port}/api/v1/programmes"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        programmes
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["member_count"].as_i64().unwrap() >= 30)
    );
    drop(_server);

    // A second run reuses the installation.
    let out = run(trellis(dir.path()).arg("config"));
    assert!(out.status.success());
    let port = free_port();
    let mut child = trellis(dir.path())
        .arg("demo")
        .env("TRELLIS_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _again = Server(child);
    let first = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find(|l| l.contains("Trellis demo"))
        .unwrap();
    assert!(first.contains("ready"), "{first}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_serve_processes_start_together_on_one_fresh_postgres() {
    let Some(pg) = PgDatabase::create().await else {
        assert!(!postgres_required());
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ports = [free_port(), free_port()];
    let servers: Vec<Server> = ports
        .iter()
        .map(|port| {
            Server(
                trellis(dir.path())
                    .arg("serve")
                    .env("TRELLIS_DATABASE_URL", &pg.url)
                    .env("TRELLIS_BIND", format!("127.0.0.1:{port}"))
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap(),
            )
        })
        .collect();
    for port in ports {
        wait_healthy(port).await;
    }
    // Both serve the same data.
    let r = crate::helpers::http()
        .post(format!("http://127.0.0.1:{}/api/v1/accounts", ports[0]))
        .json(&serde_json::json!({"name": "Two", "email": "two@example.org", "password": "long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = crate::helpers::http()
        .post(format!("http://127.0.0.1:{}/api/v1/accounts", ports[1]))
        .json(&serde_json::json!({"name": "Two", "email": "two@example.org", "password": "long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        422,
        "the second instance sees the first's account"
    );
    drop(servers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_fills_a_programme() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(trellis(dir.path()).arg("migrate")).status.success());
    let store = trellis_store::connect(&format!(
        "sqlite://{}/data/trellis.db",
        dir.path().display()
    ))
    .await
    .unwrap();
    let now = chrono::Utc::now();
    let slug = trellis_domain::programme::Slug::parse("slug", "big").unwrap();
    let details = trellis_domain::programme::Details {
        name: "Big".into(),
        description: None,
    };
    trellis_store::programmes::create(
        &store.db,
        &slug,
        &details,
        &trellis_domain::programme::Settings::default(),
        now,
    )
    .await
    .unwrap();
    store.db.close().await.unwrap();

    let out = run(trellis(dir.path()).args([
        "generate",
        "--programme",
        "big",
        "--members",
        "2500",
        "--mentors",
        "1100",
    ]));
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Added 2500 members and 1100 mentors"),
        "{}",
        text(&out)
    );
    let out = run(trellis(dir.path()).args([
        "generate",
        "--programme",
        "big",
        "--members",
        "10",
        "--mentors",
        "20",
    ]));
    assert!(
        !out.status.success(),
        "more mentors than members is refused"
    );

    let store = trellis_store::connect(&format!(
        "sqlite://{}/data/trellis.db",
        dir.path().display()
    ))
    .await
    .unwrap();
    let p = trellis_store::programmes::by_slug(&store.db, "big")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        trellis_store::programmes::member_count(&store.db, p.id)
            .await
            .unwrap(),
        2500
    );
    let all = store
        .directory
        .search(
            &store.db,
            &p,
            &trellis_domain::directory_index::Search {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        all.more_than_counted(),
        "1100 mentors are more than the directory counts: {}",
        all.total
    );
    assert_eq!(all.total, 1001);
    assert_eq!(all.mentors.len(), 10);
    let words = trellis_domain::directory::search_words("simulation debriefs");
    let found = store
        .directory
        .search(
            &store.db,
            &p,
            &trellis_domain::directory_index::Search {
                words,
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        found.total > 0 && found.total < 400,
        "text search narrows the generated mentors: {}",
        found.total
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_writes_members_and_mentors_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(trellis(dir.path()).args([
        "generate",
        "--programme",
        "csv",
        "--members",
        "30",
        "--mentors",
        "7",
    ]));
    assert!(out.status.success(), "{}", text(&out));
    let out = run(trellis(dir.path()).args(["export", "mentors", "--programme", "csv"]));
    assert!(out.status.success(), "{}", text(&out));
    let csv = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(csv.starts_with("user_id,name,organisation,"), "{csv}");
    assert_eq!(csv.lines().count(), 8, "a header and seven mentors");
    let file = dir.path().join("members.csv");
    let out = run(trellis(dir.path())
        .args(["export", "members", "--programme", "csv", "--out"])
        .arg(&file));
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Exported 30 members"));
    let members = std::fs::read_to_string(&file).unwrap();
    assert_eq!(members.lines().count(), 31);
    assert!(members.contains("@generated.trellis.test"));
    let out = run(trellis(dir.path()).args(["export", "members", "--programme", "nope"]));
    assert!(!out.status.success());
    assert!(text(&out).contains("no programme nope"));
}

/// A 100,000-row member list through the command line: read as it goes (twice: checked, then
/// written), the one bad row at the very end named by its line, nothing written until asked to
/// skip it, and the progress reported.
#[test]
fn a_large_member_list_is_streamed_and_all_or_nothing() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let out = run(trellis(dir.path()).args([
        "generate",
        "--programme",
        "big",
        "--members",
        "1",
        "--mentors",
        "0",
    ]));
    assert!(out.status.success(), "{}", text(&out));
    let path = dir.path().join("list.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "email,member_number,name,member_type").unwrap();
    for i in 0..99_999 {
        writeln!(f, "member{i}@example.org,M{i},Member {i},full").unwrap();
    }
    writeln!(f, "member7@example.org,M7b,Member seven again,full").unwrap();
    drop(f);
    let out =
        run(trellis(dir.path()).args(["import", "members", "list.csv", "--programme", "big"]));
    let said = text(&out);
    assert!(!out.status.success());
    assert!(
        said.contains("list.csv:100001: email: member7@example.org appears more than once"),
        "{said}"
    );
    assert!(said.contains("Nothing imported: 1 rows are bad"), "{said}");
    assert!(said.contains("checked 100000 of 100000 rows"), "{said}");
    let out = run(trellis(dir.path()).args([
        "import",
        "members",
        "list.csv",
        "--programme",
        "big",
        "--skip-bad",
    ]));
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("Imported 99999 members into"), "{said}");
    assert!(said.contains("imported 50000 of 100000 rows"), "{said}");
    let out = run(trellis(dir.path()).args(["export", "members", "--programme", "big"]));
    assert!(out.status.success());
}

/// `trellis match` on CSV files: the optimum (two mentees want the one place with A), the
/// unmatched mentee and why, explanations with seat prices, stable mode, JSON out, and a bad
/// file named by line.
#[test]
fn match_a_round_from_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("mentors.csv"), "mentor,capacity\nA,1\nB,1\n").unwrap();
    std::fs::write(
        d.join("pairs.csv"),
        "mentee,mentor,score\nada,A,88\nada,B,82\nbo,A,95\nbo,B,80\ncy,A,50\n",
    )
    .unwrap();
    std::fs::write(d.join("mentees.csv"), "mentee\nada\nbo\ncy\ndee\n").unwrap();
    std::fs::write(d.join("forbid.csv"), "mentee,mentor\ncy,B\n").unwrap();
    let o = run(trellis(d).args([
        "match",
        "--mentors",
        "mentors.csv",
        "--pairs",
        "pairs.csv",
        "--mentees",
        "mentees.csv",
        "--forbid",
        "forbid.csv",
        "--explain",
        "2",
        "--out",
        "result.csv",
    ]));
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(out.contains("matched 2\n"), "{out}");
    assert!(out.contains("total 177\n"), "{out}");
    assert!(out.contains("unmatched_no_allowed_mentor 1\n"), "{out}");
    assert!(out.contains("unmatched_capacity 1\n"), "{out}");
    let mut rows = csv::Reader::from_path(d.join("result.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let row = |who: &str| rows.iter().find(|r| &r[0] == who).unwrap().clone();
    assert_eq!(&row("ada")[1], "B");
    assert_eq!(&row("bo")[1], "A");
    assert_eq!(&row("cy")[4], "capacity");
    assert_eq!(&row("dee")[4], "no allowed mentor");
    assert!(
        row("ada")[5].starts_with("matched with B (82) rather than A (88): A's seat price is"),
        "{:?}",
        row("ada")
    );

    // Quoted fields go through the general CSV reader, with the same result.
    std::fs::write(
        d.join("quoted.csv"),
        "mentee,mentor,score\n\"ada\",\"A\",88\n\"ada\",B,82\n\"bo\",A,95\nbo,B,80\n\"cy\",A,\"50\"\n",
    )
    .unwrap();
    let o = run(trellis(d).args([
        "match",
        "--mentors",
        "mentors.csv",
        "--pairs",
        "quoted.csv",
        "--mentees",
        "mentees.csv",
        "--forbid",
        "forbid.csv",
    ]));
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("total 177\n"));

    // Stable mode, JSON out: bo and A want each other most, so no blocking pair.
    let o = run(trellis(d).args([
        "match",
        "--mentors",
        "mentors.csv",
        "--pairs",
        "pairs.csv",
        "--mode",
        "stable",
        "--out",
        "result.json",
    ]));
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("blocking_pairs 0\n"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("result.json")).unwrap()).unwrap();
    assert_eq!(v["mode"], "stable");
    assert_eq!(v["matched"], 2);

    // A bad file is named with its line, and nothing is written.
    std::fs::write(d.join("bad.csv"), "mentee,mentor,score\nada,A,88\nbo,Z,1\n").unwrap();
    let o = run(trellis(d).args([
        "match",
        "--mentors",
        "mentors.csv",
        "--pairs",
        "bad.csv",
        "--out",
        "bad-result.csv",
    ]));
    assert!(!o.status.success());
    assert!(
        text(&o).contains("bad.csv:3: mentor Z is not in mentors.csv"),
        "{}",
        text(&o)
    );
    assert!(!d.join("bad-result.csv").exists());
}
