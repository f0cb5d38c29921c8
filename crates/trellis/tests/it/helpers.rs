//! The test harness: a real Trellis on port 0 with its own database and mail folder, a clock
//! the test moves, and helpers to read the mail it wrote.

use chrono::{DateTime, Timelike, Utc};
use reqwest::{Client, Response};
use serde_json::{Value, json};
use std::path::PathBuf;
use trellis::{Config, Parts, Running};
use trellis_domain::clock::ManualClock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates a `sqlite` and a `postgres` test for each async test function `f(Backend)`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            }
        )*
    };
}

pub const PASSWORD: &str = "correct horse battery staple";

/// A plain HTTP client. (reqwest is built with rustls for the webhooks, and rustls needs its
/// provider chosen before any client is made.)
pub fn http() -> Client {
    trellis_worker::install_ring();
    Client::new()
}

/// PostgreSQL is required in CI (and when `TRELLIS_TEST_REQUIRE_POSTGRES=1`); elsewhere a
/// missing server skips the PostgreSQL half of the suite with a printed reason.
pub fn postgres_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
        || std::env::var("TRELLIS_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

fn postgres_admin_url() -> String {
    std::env::var("TRELLIS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh PostgreSQL database, dropped when this value is dropped.
pub struct PgDatabase {
    pub url: String,
    name: String,
}

impl PgDatabase {
    pub async fn create() -> Option<Self> {
        let admin_url = postgres_admin_url();
        let admin = match trellis_store::connect(&admin_url).await {
            Ok(s) => s,
            Err(e) => {
                assert!(
                    !postgres_required(),
                    "PostgreSQL is required here but {admin_url} is unreachable: {e}"
                );
                eprintln!("SKIPPED (PostgreSQL half): no PostgreSQL at {admin_url}: {e}");
                return None;
            }
        };
        let name = format!("trellis_test_{}", uuid::Uuid::new_v4().simple());
        use sea_orm::ConnectionTrait;
        admin
            .db
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.db.close().await.ok();
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b)
            .to_owned();
        Some(Self {
            url: format!("{base}/{name}"),
            name,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs outside async context: use a small runtime on its own thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                if let Ok(admin) = trellis_store::connect(&postgres_admin_url()).await {
                    use sea_orm::ConnectionTrait;
                    let _ = admin
                        .db
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    admin.db.close().await.ok();
                }
            });
        })
        .join();
    }
}

/// A parsed message from the mail folder.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub template: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
    /// The `.ics` attachment, decoded, if any.
    pub calendar: Option<String>,
    /// The attachment's Content-Type, as sent.
    pub calendar_type: Option<String>,
}

impl Mail {
    /// The path and query of the first link in the text body that contains `needle`.
    pub fn link(&self, needle: &str) -> String {
        let url = self
            .text
            .split_whitespace()
            .find(|w| w.starts_with("http") && w.contains(needle))
            .unwrap_or_else(|| panic!("no link with {needle} in: {}", self.text));
        let u = url::Url::parse(url).expect("url");
        format!("{}?{}", u.path(), u.query().unwrap_or(""))
    }

    pub fn token(&self, needle: &str) -> String {
        self.link(needle)
            .split("token=")
            .nth(1)
            .expect("token")
            .to_owned()
    }
}

pub struct TestApp {
    pub base: String,
    pub clock: ManualClock,
    pub parts: Parts,
    pub config: Config,
    running: Option<Running>,
    /// One client for the test's API calls (building one is not free).
    client: Client,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

pub fn start_of_test_time() -> DateTime<Utc> {
    Utc::now().with_nanosecond(0).expect("time")
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts an app; `tweak` may change the configuration (e.g. the mail transport). Returns
    /// `None` (after printing why) only for PostgreSQL when it is unavailable and not required.
    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Option<Self> {
        let dir = tempfile::tempdir().expect("tempdir");
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(PgDatabase::create().await?),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut config = Config {
            data_dir: dir.path().to_path_buf(),
            database_url: pg.as_ref().map(|p| p.url.clone()),
            bind: addr.to_string(),
            public_url: Some(format!("http://{addr}")),
            ..Config::default()
        };
        tweak(&mut config);
        let clock = ManualClock::new(start_of_test_time());
        let parts = trellis::assemble(&config, std::sync::Arc::new(clock.clone()))
            .await
            .expect("assemble");
        let running = trellis::start(
            parts.clone(),
            listener,
            false,
            std::time::Duration::from_millis(200),
        )
        .expect("start");
        Some(Self {
            base: format!("http://{addr}"),
            clock,
            parts,
            config,
            running: Some(running),
            client: http(),
            _dir: dir,
            _pg: pg,
        })
    }

    pub fn clock_now(&self) -> DateTime<Utc> {
        use trellis_domain::clock::Clock;
        self.clock.now()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client that keeps cookies and does not follow redirects (so tests see them).
    pub fn browser(&self) -> Client {
        trellis_worker::install_ring();
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    pub fn api(&self) -> Client {
        self.client.clone()
    }

    pub async fn post(&self, path: &str, body: Value, token: Option<&str>) -> Response {
        let mut r = self.api().post(self.url(path)).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.expect("request")
    }

    pub async fn put(&self, path: &str, body: Value, token: &str) -> Response {
        self.api()
            .put(self.url(path))
            .json(&body)
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch(&self, path: &str, body: Value, token: &str) -> Response {
        self.api()
            .patch(self.url(path))
            .json(&body)
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut r = self.api().get(self.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.expect("request")
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.api()
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// Runs every due job now (as `jobs run` does), e.g. to deliver queued mail.
    pub async fn run_jobs(&self) -> trellis_worker::RunReport {
        self.parts.runner.run_due().await.expect("run jobs")
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.config.mail_dir()
    }

    /// Delivers queued mail, then reads every message in the mail folder, oldest first.
    pub async fn mails(&self) -> Vec<Mail> {
        self.run_jobs().await;
        let mut files: Vec<_> = match std::fs::read_dir(self.mail_dir()) {
            Ok(rd) => rd
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect(),
            Err(_) => Vec::new(),
        };
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .map(|p| parse_mail(&std::fs::read(p).expect("read eml")))
            .collect()
    }

    pub async fn mails_to(&self, email: &str) -> Vec<Mail> {
        self.mails()
            .await
            .into_iter()
            .filter(|m| m.to == email)
            .collect()
    }

    pub async fn last_mail_to(&self, email: &str, template: &str) -> Mail {
        self.mails_to(email)
            .await
            .into_iter()
            .rev()
            .find(|m| m.template == template)
            .unwrap_or_else(|| panic!("no {template} mail to {email}"))
    }

    /// Registers through the API and follows the emailed link. Returns the account id.
    pub async fn verified_member(&self, name: &str, email: &str) -> i64 {
        let r = self
            .post(
                "/api/v1/accounts",
                json!({ "name": name, "email": email, "password": PASSWORD }),
                None,
            )
            .await;
        assert_eq!(r.status(), 201, "register {email}");
        let id = r.json::<Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id");
        let token = self
            .last_mail_to(email, "verify_email")
            .await
            .token("/verify");
        let r = self
            .post("/api/v1/accounts/verify", json!({ "token": token }), None)
            .await;
        assert_eq!(r.status(), 200, "verify {email}");
        id
    }

    pub async fn token_for(&self, email: &str) -> String {
        let r = self
            .post(
                "/api/v1/tokens",
                json!({ "email": email, "password": PASSWORD, "name": "tests" }),
                None,
            )
            .await;
        assert_eq!(r.status(), 201, "token for {email}");
        r.json::<Value>().await.expect("json")["token"]
            .as_str()
            .expect("token")
            .to_owned()
    }

    /// A signed-up member with a token.
    pub async fn member(&self, name: &str, email: &str) -> String {
        self.verified_member(name, email).await;
        self.token_for(email).await
    }

    /// An installation admin (created as the CLI does) with a token.
    pub async fn admin(&self) -> String {
        trellis::cli::create_user(
            &self.parts.state,
            "admin@example.org",
            "Ada Admin",
            PASSWORD,
            true,
        )
        .await
        .expect("admin");
        self.token_for("admin@example.org").await
    }

    /// The admin's token, creating the admin on first use.
    pub async fn admin_or_existing(&self) -> String {
        let email =
            trellis_domain::account::Email::parse("email", "admin@example.org").expect("email");
        if trellis_store::accounts::user_by_email(&self.parts.state.store.db, &email)
            .await
            .expect("db")
            .is_none()
        {
            return self.admin().await;
        }
        self.token_for("admin@example.org").await
    }

    /// Creates a programme as `admin_token`, returning its slug.
    pub async fn programme(&self, admin_token: &str, slug: &str, settings: Value) -> String {
        let r = self
            .post(
                "/api/v1/programmes",
                json!({ "slug": slug, "name": format!("Programme {slug}"), "settings": settings }),
                Some(admin_token),
            )
            .await;
        assert_eq!(
            r.status(),
            201,
            "create programme: {}",
            r.text().await.unwrap_or_default()
        );
        slug.to_owned()
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.expect("stop");
        }
    }
}

pub fn parse_mail(raw: &[u8]) -> Mail {
    let m = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("parse mail");
    let to = m
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_owned();
    let template = m
        .header_raw("X-Trellis-Template")
        .map(|v| v.trim().to_owned())
        .unwrap_or_default();
    use mail_parser::MimeHeaders;
    let ics = m
        .attachments()
        .find(|a| a.is_content_type("text", "calendar"));
    let calendar_type = ics.and_then(|a| a.content_type()).map(|t| {
        format!(
            "{}/{}; method={}",
            t.ctype(),
            t.subtype().unwrap_or_default(),
            t.attribute("method").unwrap_or_default()
        )
    });
    let calendar = ics.map(|a| String::from_utf8_lossy(a.contents()).into_owned());
    Mail {
        calendar,
        calendar_type,
        to,
        subject: m.subject().unwrap_or_default().to_owned(),
        template,
        message_id: m.message_id().unwrap_or_default().to_owned(),
        text: m.body_text(0).map(|c| c.into_owned()).unwrap_or_default(),
        html: m.body_html(0).map(|c| c.into_owned()).unwrap_or_default(),
    }
}

/// The JSON error body's code and field.
pub async fn error_of(r: Response) -> (u16, String, Option<String>, String) {
    let status = r.status().as_u16();
    let v: Value = r.json().await.expect("error json");
    let e = &v["error"];
    (
        status,
        e["code"].as_str().unwrap_or_default().to_owned(),
        e["field"].as_str().map(str::to_owned),
        e["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The form token in a signed-in page.
pub fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\" value=\"")
        .expect("csrf field")
        + "name=\"csrf_token\" value=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}
