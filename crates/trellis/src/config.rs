//! Configuration in layers: built-in defaults < `trellis.toml` (or the file named by
//! `--config` / `TRELLIS_CONFIG`) < `TRELLIS_*` environment variables.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Folder for the SQLite file and the `file` mail transport. `TRELLIS_DATA_DIR`.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default `sqlite://<data_dir>/trellis.db`. `TRELLIS_DATABASE_URL`.
    pub database_url: Option<String>,
    /// Address to listen on. `TRELLIS_BIND`.
    pub bind: String,
    /// Base URL people reach Trellis at, used in links in mail; default `http://<bind>`. `TRELLIS_PUBLIC_URL`.
    pub public_url: Option<String>,
    /// Name shown on pages and in mail. `TRELLIS_SITE_NAME`.
    pub site_name: String,
    /// `file` (one `.eml` per message under `<data_dir>/mail/`) or an `smtp://` / `smtps://` URL. `TRELLIS_MAIL_TRANSPORT`.
    pub mail_transport: String,
    /// Folder for the `file` transport; default `<data_dir>/mail`. `TRELLIS_MAIL_DIR`.
    pub mail_dir: Option<PathBuf>,
    /// Sender of every message. `TRELLIS_MAIL_FROM`.
    pub mail_from: String,
    /// How often `serve` looks for due jobs, in seconds. `TRELLIS_JOB_POLL_SECONDS`.
    pub job_poll_seconds: u64,
    /// Run the background job runner inside `serve`. `TRELLIS_RUN_JOBS`.
    pub run_jobs: bool,
    /// Keys that encrypt workspace content at rest, `id:64 hex digits`, comma-separated, the
    /// current key first (older ones keep opening what they sealed). Default: the file
    /// `<data_dir>/content-keys`, made with a fresh key on first start. Every instance sharing
    /// a database must have the same keys. `TRELLIS_CONTENT_KEYS`.
    pub content_keys: Option<String>,
    /// Addresses of the reverse proxies in front of Trellis, comma-separated (e.g.
    /// `127.0.0.1`). For a request from one of them, the visitor's address is read from
    /// `X-Forwarded-For`; from anywhere else that header is ignored. Sign-in throttling counts
    /// per visitor address, so set this behind a proxy. `TRELLIS_TRUSTED_PROXIES`.
    pub trusted_proxies: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data"),
            database_url: None,
            bind: "127.0.0.1:8080".into(),
            public_url: None,
            site_name: "Trellis".into(),
            mail_transport: "file".into(),
            mail_dir: None,
            mail_from: "Trellis <no-reply@trellis.invalid>".into(),
            job_poll_seconds: 2,
            run_jobs: true,
            content_keys: None,
            trusted_proxies: String::new(),
        }
    }
}

impl Config {
    /// Loads the layers. `file` is the explicit config file, if any; otherwise `trellis.toml`
    /// in the working directory is read when present.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self> {
        let defaults =
            config::Config::try_from(&Config::default()).context("default configuration")?;
        let mut b = config::Config::builder().add_source(defaults);
        b = match file {
            Some(p) => b.add_source(config::File::from(p).required(true)),
            None => b.add_source(config::File::with_name("trellis.toml").required(false)),
        };
        b = b.add_source(
            config::Environment::with_prefix("TRELLIS")
                .prefix_separator("_")
                .try_parsing(true)
                .ignore_empty(true)
                .source(Some(settings_from_env())),
        );
        let value: serde_json::Value = b
            .build()
            .and_then(config::Config::try_deserialize)
            .context("reading configuration")?;
        let map = value.as_object().cloned().unwrap_or_default();
        serde_json::from_value(serde_json::Value::Object(map))
            .context("configuration: unknown or invalid setting")
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("trellis.db").display()))
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
            .trim_end_matches('/')
            .to_owned()
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.mail_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("mail"))
    }

    /// The host name used in Message-IDs: the public URL's host.
    pub fn mail_host(&self) -> String {
        url::Url::parse(&self.public_url())
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "trellis.invalid".into())
    }

    /// The file the content keys are kept in when `content_keys` is not set.
    pub fn content_keys_file(&self) -> PathBuf {
        self.data_dir.join("content-keys")
    }

    /// The content keys (see `content_keys`), making the key file on first use.
    pub fn content_keys(&self) -> Result<Vec<String>> {
        let raw = match &self.content_keys {
            Some(k) => k.clone(),
            None => {
                let path = self.content_keys_file();
                if !path.exists() {
                    std::fs::create_dir_all(&self.data_dir)
                        .with_context(|| format!("creating {}", self.data_dir.display()))?;
                    // Written aside, then linked into place: instances starting together in one
                    // folder agree on the first key, and none reads a half-written file.
                    let aside = self
                        .data_dir
                        .join(format!(".content-keys.{}", std::process::id()));
                    let key = format!("{}\n", trellis_store::sealed::Keys::generate("k1"));
                    // (A file left by a process that stopped half-way is replaced.)
                    let _ = std::fs::remove_file(&aside);
                    write_private(&aside, &key)?;
                    let linked = std::fs::hard_link(&aside, &path);
                    let _ = std::fs::remove_file(&aside);
                    let made = match linked {
                        Ok(()) => true,
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
                        // A file system without hard links: written in place.
                        Err(_) => {
                            write_private(&path, &key)?;
                            true
                        }
                    };
                    if made {
                        tracing::info!(path = %path.display(), "made a content key: keep this file with your backups");
                    }
                }
                std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?
            }
        };
        Ok(raw
            .split([',', '\n'])
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect())
    }

    /// The trusted proxies' addresses (see `trusted_proxies`).
    pub fn trusted_proxies(&self) -> Result<Vec<std::net::IpAddr>> {
        self.trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.parse()
                    .with_context(|| format!("trusted_proxies: {a:?} is not an IP address"))
            })
            .collect()
    }

    /// The effective configuration as TOML, with passwords in URLs hidden.
    pub fn to_display_toml(&self) -> String {
        let mut shown = self.clone();
        shown.database_url = Some(hide_password(&self.database_url()));
        shown.public_url = Some(self.public_url());
        shown.mail_dir = Some(self.mail_dir());
        shown.mail_transport = hide_password(&self.mail_transport);
        shown.content_keys = self.content_keys.as_ref().map(|_| "********".to_owned());
        toml_lines(&shown)
    }
}

/// Writes a file only its owner can read.
fn write_private(path: &std::path::Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// `TRELLIS_*` variables that are not settings: the config file's name, the log filter and
/// format (read before the configuration), the password for `user create`, and the test
/// suite's own switches.
const NOT_SETTINGS: [&str; 4] = [
    "TRELLIS_CONFIG",
    "TRELLIS_LOG",
    "TRELLIS_LOG_FORMAT",
    "TRELLIS_PASSWORD",
];

fn settings_from_env() -> std::collections::HashMap<String, String> {
    std::env::vars()
        .filter(|(k, _)| {
            k.starts_with("TRELLIS_")
                && !k.starts_with("TRELLIS_TEST_")
                && !NOT_SETTINGS.contains(&k.as_str())
        })
        .collect()
}

/// Replaces the password of a URL such as `postgres://user:secret@host/db` with `********`.
pub fn hide_password(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("********"));
            u.to_string()
        }
        _ => raw.to_owned(),
    }
}

fn toml_lines(c: &Config) -> String {
    let v = serde_json::to_value(c).unwrap_or_default();
    let mut out = String::new();
    if let Some(map) = v.as_object() {
        for (k, v) in map {
            let rendered = match v {
                serde_json::Value::String(s) => format!("{s:?}"),
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            out.push_str(&format!("{k} = {rendered}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            hide_password("postgres://app:s3cret@db:5432/trellis"),
            "postgres://app:********@db:5432/trellis"
        );
        assert_eq!(
            hide_password("smtp://mailer:pw@smtp.example.org:587"),
            "smtp://mailer:********@smtp.example.org:587"
        );
        assert_eq!(
            hide_password("sqlite://./data/trellis.db"),
            "sqlite://./data/trellis.db"
        );
        assert_eq!(hide_password("file"), "file");
    }

    #[test]
    fn defaults_keep_everything_under_data() {
        let c = Config::default();
        assert_eq!(c.database_url(), "sqlite://./data/trellis.db");
        assert_eq!(c.mail_dir(), PathBuf::from("./data/mail"));
        assert_eq!(c.public_url(), "http://127.0.0.1:8080");
        assert_eq!(c.mail_host(), "127.0.0.1");
    }

    #[test]
    fn display_hides_secrets() {
        let c = Config {
            database_url: Some("postgres://u:topsecret@h/d".into()),
            mail_transport: "smtp://u:pw2@h:25".into(),
            ..Config::default()
        };
        let shown = c.to_display_toml();
        assert!(
            !shown.contains("topsecret") && !shown.contains("pw2"),
            "{shown}"
        );
        assert!(shown.contains("bind = \"127.0.0.1:8080\""));
    }
}
