//! `trellis backup FILE` and `trellis restore FILE`: a consistent copy of a live SQLite
//! installation, and putting one back. PostgreSQL installations are told the server's own
//! tools instead (see docs/operations.md).

use crate::Config;
use anyhow::{Context, Result, bail};
use std::path::Path;
use trellis_store::backup;

/// Where the content keys are, in words, for the messages below.
fn keys_location(config: &Config) -> String {
    match &config.content_keys {
        Some(_) => "in the content_keys setting (TRELLIS_CONTENT_KEYS or trellis.toml)".into(),
        None => format!("in {}", config.content_keys_file().display()),
    }
}

fn postgres_instead(config: &Config, what: &str) -> String {
    format!(
        "This installation uses PostgreSQL: {what} with the server's own tools, e.g.\n  \
         pg_dump --format=custom --file=trellis.dump \"$TRELLIS_DATABASE_URL\"\n  \
         pg_restore --clean --if-exists --dbname=\"$TRELLIS_DATABASE_URL\" trellis.dump\n\
         and keep the content keys ({}) with the dump. See docs/operations.md.",
        keys_location(config)
    )
}

/// Copies the live database to `dest`.
pub async fn backup(config: &Config, dest: &Path) -> Result<()> {
    let url = config.database_url();
    let Some(live) = backup::sqlite_file(&url) else {
        bail!(postgres_instead(config, "back it up"));
    };
    if !live.is_file() {
        bail!("there is no database at {} to back up", live.display());
    }
    if dest.exists() {
        bail!(
            "{} already exists: choose a new file for the backup",
            dest.display()
        );
    }
    let store = trellis_store::connect(&url).await?;
    let started = std::time::Instant::now();
    backup::copy_sqlite(&store, dest)
        .await
        .with_context(|| format!("backing up {} to {}", live.display(), dest.display()))?;
    let size = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
    println!(
        "Backed up {} to {} ({:.1} MB in {:.1} s), as of the moment it began.\n\
         Workspace content in it is sealed with the content keys, which are {}. \
         Keep a copy of the keys with your backups (but not in the same place if the backups \
         leave this machine): without them the copy opens but its confidential text cannot \
         be read.",
        live.display(),
        dest.display(),
        size as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        keys_location(config),
    );
    Ok(())
}

/// Puts the backup `file` in place of the database; the one it replaces is kept aside.
pub async fn restore(config: &Config, file: &Path) -> Result<()> {
    let url = config.database_url();
    let Some(live) = backup::sqlite_file(&url) else {
        bail!(postgres_instead(config, "restore it"));
    };
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    if let Some(dir) = live.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let incoming = backup::stage(file, &live, &stamp)
        .with_context(|| format!("copying {} beside {}", file.display(), live.display()))?;
    let checked = match backup::check_sqlite(&incoming).await {
        Ok(c) => c,
        Err(e) => {
            backup::discard(&incoming);
            bail!(
                "{} cannot be restored: {e}. Nothing was changed.",
                file.display()
            );
        }
    };
    let kept = backup::swap(&incoming, &live, &stamp)
        .with_context(|| format!("restoring {} to {}", file.display(), live.display()))?;
    println!(
        "Restored {} to {} ({} migrations applied in the copy; any later ones are applied when \
         Trellis next starts).",
        file.display(),
        live.display(),
        checked.migrations.len()
    );
    if let Some(kept) = kept {
        println!(
            "The database it replaced is kept as {}: delete it once you are sure.",
            kept.display()
        );
    }
    println!(
        "Trellis reads the copy's workspace content with the content keys {}: they must be the \
         keys the backup was made with.",
        keys_location(config)
    );
    Ok(())
}
