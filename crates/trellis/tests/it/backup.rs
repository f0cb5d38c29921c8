//! `trellis backup` and `trellis restore` on a live SQLite installation: a backup taken while
//! eight clients write holds every write acknowledged before it began, and restores into a
//! working installation.

use crate::cli::trellis;
use crate::helpers::{Backend, TestApp, http};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const WRITERS: usize = 8;

#[tokio::test]
async fn a_backup_under_write_load_restores_every_acknowledged_write() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let admin = app.admin().await;
    let data_dir = app.config.data_dir.clone();

    // Eight clients create programmes as fast as they are answered, each noting when its
    // write was acknowledged.
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (stop, admin, base) = (stop.clone(), admin.clone(), app.base.clone());
        writers.push(tokio::spawn(async move {
            let client = http();
            let mut acked: Vec<(String, Instant)> = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let slug = format!("w{w}-{n}");
                n += 1;
                let r = client
                    .post(format!("{base}/api/v1/programmes"))
                    .bearer_auth(&admin)
                    .json(&json!({"slug": slug, "name": format!("Load {slug}")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201, "{slug}: {}", r.text().await.unwrap());
                acked.push((slug, Instant::now()));
            }
            acked
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;

    // The backup, by the real command, while they write.
    let file = data_dir.join("backup.db");
    let began = Instant::now();
    let out = trellis(&data_dir)
        .env("TRELLIS_DATA_DIR", &data_dir)
        .arg("backup")
        .arg(&file)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("content-keys"),
        "says where the keys are: {said}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let mut acked = Vec::new();
    for w in writers {
        acked.extend(w.await.unwrap());
    }
    let before: Vec<&String> = acked
        .iter()
        .filter(|(_, at)| *at < began)
        .map(|(s, _)| s)
        .collect();
    let during = acked.len() - before.len();
    assert!(
        before.len() >= WRITERS && during >= 1,
        "writes went on before ({}) and during or after ({during}) the backup",
        before.len()
    );

    // Restored into a fresh installation with the same keys.
    let fresh = tempfile::tempdir().unwrap();
    std::fs::copy(
        data_dir.join("content-keys"),
        fresh.path().join("content-keys"),
    )
    .unwrap();
    let out = trellis(fresh.path())
        .env("TRELLIS_DATA_DIR", fresh.path())
        .arg("restore")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let fresh_dir = fresh.path().to_path_buf();
    let restored = TestApp::spawn_with(Backend::Sqlite, |c| c.data_dir = fresh_dir)
        .await
        .unwrap();
    let listed: Vec<Value> = restored
        .get("/api/v1/programmes", None)
        .await
        .json()
        .await
        .unwrap();
    let slugs: std::collections::HashSet<&str> =
        listed.iter().filter_map(|p| p["slug"].as_str()).collect();
    let missing: Vec<&&String> = before
        .iter()
        .filter(|s| !slugs.contains(s.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} writes acknowledged before the backup are missing: {missing:?}",
        missing.len(),
        before.len()
    );
    // Nothing the writers did not acknowledge appears, and the admin's token still opens it.
    let all: std::collections::HashSet<&str> = acked.iter().map(|(s, _)| s.as_str()).collect();
    assert!(
        slugs
            .iter()
            .filter(|s| s.starts_with('w'))
            .all(|s| all.contains(s))
    );
    let me = restored.get("/api/v1/me", Some(&admin)).await;
    assert_eq!(me.status(), 200);

    // A second backup to the same file is refused, and a file that is not a database is not
    // restored: nothing changes.
    let again = trellis(&data_dir)
        .env("TRELLIS_DATA_DIR", &data_dir)
        .args(["backup".as_ref(), file.as_os_str()])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let junk = fresh.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    let out = trellis(fresh.path())
        .env("TRELLIS_DATA_DIR", fresh.path())
        .arg("restore")
        .arg(&junk)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an SQLite database"));
    let still: Vec<Value> = restored
        .get("/api/v1/programmes", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(still.len(), listed.len());
}
