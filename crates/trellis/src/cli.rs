//! The command line: `trellis serve | demo | migrate | jobs run | user create | import | export | generate | keys | config | backup | restore`.

use crate::{Config, assemble, demo, shutdown_signal, start};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use trellis_domain::account::{Email, NewPassword, parse_name};
use trellis_domain::audit::AuditEntry;
use trellis_domain::clock::{ManualClock, SharedClock, SystemClock};
use trellis_store::{accounts, audit, programmes};

#[derive(Debug, Parser)]
#[command(
    name = "trellis",
    version,
    about = "Trellis: a self-hosted platform for mentoring programmes"
)]
pub struct Cli {
    /// Configuration file (default: ./trellis.toml when present).
    #[arg(long, global = true, env = "TRELLIS_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and run background jobs.
    Serve,
    /// Serve a sample installation (created on first run, reused after) and print its sign-ins.
    Demo,
    /// Apply database migrations and exit.
    Migrate,
    /// Background jobs.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Import a CSV file of members, mentors or relationships into a programme.
    Import(ImportCommand),
    /// Fill a programme with generated members and mentors, for benchmarks and load tests.
    Generate {
        #[arg(long)]
        programme: String,
        #[arg(long, default_value_t = 1000)]
        members: usize,
        #[arg(long, default_value_t = 200)]
        mentors: usize,
        /// Seed of the random choices: the same seed gives the same people.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also make this many mentorship requests from members who are not mentors, all
        /// offered now so that their reply windows end at the same instant (the scheduler
        /// benchmark; see BENCHMARKS.md).
        #[arg(long, default_value_t = 0)]
        requests: usize,
    },
    /// Match mentees with mentors from CSV files (a cohort round) and write the result.
    Match(crate::matching::MatchCommand),
    /// Print the effective configuration, with secrets hidden.
    Config,
    /// Copy the live SQLite database to FILE, consistent as of the moment it begins, while
    /// Trellis keeps serving (PostgreSQL: use pg_dump; see docs/operations.md).
    Backup {
        /// The copy to write; it must not exist yet.
        file: PathBuf,
    },
    /// Put a backup made by `trellis backup` in place of the SQLite database, keeping the one
    /// it replaces beside it. Stop every `trellis serve` first.
    Restore {
        /// The backup to restore.
        file: PathBuf,
    },
    /// The keys that encrypt workspace content at rest.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Write a programme's members or mentors as CSV.
    Export {
        /// members, mentors, or relationships (their model, phase, dates and members; never
        /// content)
        #[arg(value_parser = ["members", "mentors", "relationships"])]
        list: String,
        #[arg(long)]
        programme: String,
        /// The file to write (default: standard output).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Print a new random key entry (`id:hex`) to put first in TRELLIS_CONTENT_KEYS.
    Generate {
        #[arg(long, default_value = "k2")]
        id: String,
    },
    /// Re-encrypt everything sealed with an older key under the current (first) one; then the
    /// older keys can be removed from the configuration.
    Reseal,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Run every job due at the given instant (default: now) once, then exit.
    Run {
        /// The instant to run as, e.g. 2027-01-15T09:00:00Z: time rules read this clock.
        #[arg(long, value_parser = parse_instant)]
        as_of: Option<DateTime<Utc>>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account whose email address is taken as confirmed. The password is read from
    /// TRELLIS_PASSWORD or, failing that, from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Make the account an installation admin.
        #[arg(long)]
        admin: bool,
    },
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.to_utc())
        .map_err(|e| format!("expected an RFC 3339 instant like 2027-01-15T09:00:00Z: {e}"))
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportKind {
    /// The member list: email,member_number,name[,member_type].
    Members,
    /// Mentors with their directory profile: email,name,audiences,expertise,tags,background,
    /// capacity,hours_per_month,languages,channels,training_course_date,training_equivalent,availability.
    Mentors,
    /// Existing relationships: model,phase,started_on,mentors,mentees,peers (members by email).
    Relationships,
}

/// Import a CSV file into a programme: every row is checked first (each bad one reported with
/// its line), then the good rows are written in one transaction.
#[derive(Debug, clap::Args)]
pub struct ImportCommand {
    /// What the file holds.
    #[arg(value_enum)]
    kind: ImportKind,
    file: PathBuf,
    #[arg(long)]
    programme: String,
    /// Import the good rows even if some rows are bad.
    #[arg(long)]
    skip_bad: bool,
    /// Only report what would be imported.
    #[arg(long)]
    dry_run: bool,
}

pub async fn run(cli: Cli) -> Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    let system: SharedClock = Arc::new(SystemClock);
    match cli.command {
        Command::Serve => serve(&config, system).await,
        Command::Demo => {
            let parts = assemble(&config, system.clone()).await?;
            let report = demo::ensure(&parts.state).await?;
            print!("{}", demo::describe(&report, &config.public_url()));
            run_server(&config, parts).await
        }
        Command::Migrate => {
            let store = trellis_store::connect(&config.database_url()).await?;
            let ran = store.migrate().await?;
            if ran.is_empty() {
                println!("The database is up to date.");
            } else {
                println!("Applied: {}", ran.join(", "));
            }
            Ok(())
        }
        Command::Jobs(JobsCommand::Run { as_of }) => {
            let clock: SharedClock = match as_of {
                Some(t) => Arc::new(ManualClock::new(t)),
                None => system,
            };
            let parts = assemble(&config, clock.clone()).await?;
            let report = parts.runner.run_due().await?;
            println!(
                "Ran jobs due at {}: {} succeeded, {} failed.",
                clock.now().to_rfc3339(),
                report.succeeded,
                report.failed
            );
            if report.failed > 0 {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::User(UserCommand::Create { email, name, admin }) => {
            let parts = assemble(&config, system).await?;
            let password = read_password()?;
            let id = create_user(&parts.state, &email, &name, &password, admin).await?;
            println!(
                "Created account {id} for {email}{}.",
                if admin { " (installation admin)" } else { "" }
            );
            Ok(())
        }
        Command::Import(cmd) => import(&config, system, cmd).await,
        Command::Match(cmd) => crate::matching::run(cmd),
        Command::Generate {
            programme,
            members,
            mentors,
            seed,
            requests,
        } => {
            if mentors > members {
                bail!("--mentors ({mentors}) cannot be more than --members ({members})");
            }
            let parts = assemble(&config, system).await?;
            let started = std::time::Instant::now();
            let bar = crate::progress::Progress::new("members");
            let report = crate::generate::generate(
                &parts.state,
                &programme,
                members,
                mentors,
                seed,
                &|done, all| bar.at("generated", done as u64, all as u64),
            )
            .await?;
            bar.finish();
            println!(
                "Added {} members and {} mentors to {programme} in {:.1} s.",
                report.members,
                report.mentors,
                started.elapsed().as_secs_f64()
            );
            if requests > 0 {
                let started = std::time::Instant::now();
                let bar = crate::progress::Progress::new("requests");
                let made = crate::generate::generate_requests(
                    &parts.state,
                    &programme,
                    requests,
                    seed,
                    &|done, all| bar.at("generated", done as u64, all as u64),
                )
                .await?;
                bar.finish();
                println!(
                    "Added {} requests in {:.1} s; every reply window ends at {}.",
                    made.requests,
                    started.elapsed().as_secs_f64(),
                    made.due_at.to_rfc3339()
                );
            }
            Ok(())
        }
        Command::Config => {
            print!("{}", config.to_display_toml());
            Ok(())
        }
        Command::Backup { file } => crate::backup::backup(&config, &file).await,
        Command::Restore { file } => crate::backup::restore(&config, &file).await,
        Command::Export {
            list,
            programme,
            out,
        } => {
            use trellis_app::exports::{Export, Pager};
            let parts = assemble(&config, system).await?;
            let db = &parts.state.store.db;
            let p = trellis_store::programmes::by_slug(db, &programme)
                .await?
                .with_context(|| format!("no programme {programme}"))?;
            let what = match list.as_str() {
                "members" => Export::Members,
                "mentors" => Export::Mentors,
                _ => Export::Relationships { cohort: None },
            };
            let n = match out {
                Some(path) => {
                    let mut f = std::io::BufWriter::new(
                        std::fs::File::create(&path)
                            .with_context(|| format!("creating {}", path.display()))?,
                    );
                    let n = Pager::new(db, &p, what)
                        .write_all(&mut f)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    std::io::Write::flush(&mut f)?;
                    n
                }
                None => {
                    let mut stdout = std::io::stdout().lock();
                    Pager::new(db, &p, what)
                        .write_all(&mut stdout)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?
                }
            };
            eprintln!("Exported {n} {list} of {programme}.");
            Ok(())
        }
        Command::Keys(KeysCommand::Generate { id }) => {
            println!("{}", trellis_store::sealed::Keys::generate(&id));
            Ok(())
        }
        Command::Keys(KeysCommand::Reseal) => {
            let parts = assemble(&config, system).await?;
            let store = &parts.state.store;
            let n = trellis_store::workspace::reseal_all(&store.db, &store.keys).await?;
            println!(
                "Re-sealed {n} values with key {}.",
                store.keys.current_id().unwrap_or("?")
            );
            Ok(())
        }
    }
}

async fn serve(config: &Config, clock: SharedClock) -> Result<()> {
    let parts = assemble(config, clock).await?;
    run_server(config, parts).await
}

async fn run_server(config: &Config, parts: crate::Parts) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(&config.bind)
        .await
        .with_context(|| format!("listening on {}", config.bind))?;
    let running = start(
        parts,
        listener,
        config.run_jobs,
        std::time::Duration::from_secs(config.job_poll_seconds.max(1)),
    )?;
    tracing::info!(addr = %running.addr, public_url = %config.public_url(), "Trellis is listening");
    let stop = running.shutdown_handle();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        let _ = stop.send(true);
    });
    running.wait().await
}

fn read_password() -> Result<String> {
    if let Ok(p) = std::env::var("TRELLIS_PASSWORD") {
        return Ok(p);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password (at least 12 characters; it will be shown as you type): ");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Creates a confirmed account, for operators.
pub async fn create_user(
    state: &trellis_app::App,
    email: &str,
    name: &str,
    password: &str,
    admin: bool,
) -> Result<i64> {
    let email = Email::parse("email", email)?;
    let name = parse_name("name", name)?;
    let password = NewPassword::parse("password", password, Some(&email))?;
    let hash = trellis_app::passwords::hash(password.expose().to_owned()).await?;
    let now = state.now();
    let tx = state.store.begin().await?;
    let id = match accounts::create_user(&tx, &name, &email, &hash, now).await {
        Ok(id) => id,
        Err(trellis_store::StoreError::Duplicate { .. }) => {
            bail!("an account with the email address {email} already exists")
        }
        Err(e) => return Err(e.into()),
    };
    accounts::set_email_verified(&tx, id, now).await?;
    if admin {
        accounts::set_admin(&tx, id, true, now).await?;
    }
    audit::record(
        &tx,
        &AuditEntry::new(
            "account.created_by_operator",
            "user",
            Some(id),
            format!(
                "{email} created from the command line{}",
                if admin { " as admin" } else { "" }
            ),
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn import(config: &Config, system: SharedClock, cmd: ImportCommand) -> Result<()> {
    use trellis_app::imports::{self, Kind, OnDisk, Options};
    let parts = assemble(config, system).await?;
    let p = programmes::by_slug(&parts.state.store.db, &cmd.programme)
        .await?
        .with_context(|| format!("no programme with the slug '{}'", cmd.programme))?;
    let kind = match cmd.kind {
        ImportKind::Members => Kind::Members,
        ImportKind::Mentors => Kind::Mentors,
        ImportKind::Relationships => Kind::Relationships,
    };
    let total = count_lines(&cmd.file)?;
    let bar = crate::progress::Progress::new("rows");
    let progress = |pass: u8, rows: u64| {
        let what = if pass == 1 { "checked" } else { "imported" };
        bar.at(what, rows, total);
    };
    let report = imports::import(
        &parts.state,
        None,
        &p,
        kind,
        &OnDisk(cmd.file.clone()),
        Options {
            dry_run: cmd.dry_run,
            skip_bad: cmd.skip_bad,
        },
        &progress,
    )
    .await?;
    bar.finish();
    for b in &report.bad_rows {
        eprintln!("{}:{}: {}", cmd.file.display(), b.line, b.reason);
    }
    if report.bad_count > report.bad_rows.len() as u64 {
        eprintln!(
            "… and {} more bad rows",
            report.bad_count - report.bad_rows.len() as u64
        );
    }
    if report.dry_run {
        println!(
            "Dry run: {} rows would be imported, {} rows are bad.",
            report.valid_rows, report.bad_count
        );
    } else if report.applied {
        println!(
            "Imported {} {} into {}; skipped {} bad rows.",
            report.imported, report.kind, p.name, report.bad_count
        );
    } else {
        println!(
            "Nothing imported: {} rows are bad. Correct them, or pass --skip-bad to import the good rows.",
            report.bad_count
        );
        std::process::exit(1);
    }
    Ok(())
}

/// The data lines of a file (for the progress bar), read without holding it.
fn count_lines(path: &std::path::Path) -> Result<u64> {
    let f = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut r = std::io::BufReader::with_capacity(1 << 16, f);
    let mut n = 0u64;
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        n += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        let len = buf.len();
        r.consume(len);
    }
    Ok(n.saturating_sub(1))
}
