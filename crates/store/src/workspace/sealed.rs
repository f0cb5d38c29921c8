//! Re-encrypting workspace content under the current key.

use super::*;

/// The tables whose `body` holds sealed text bound to `relationship:{relationship_id}`.
const SEALED_TABLES: [&str; 6] = [
    "agreement_versions",
    "log_entries",
    "meetings",
    "plan_goals",
    "skill_assessments",
    "evaluations",
];

#[derive(Debug, FromQueryResult)]
struct SealedRow {
    id: i64,
    relationship_id: i64,
    body: String,
}

/// Re-seals every value sealed with an older key under the current one (after a key rotation),
/// in one transaction per table; returns how many were re-sealed. Afterwards the old keys can
/// be dropped from the configuration.
pub async fn reseal_all(
    db: &sea_orm::DatabaseConnection,
    keys: &crate::sealed::Keys,
) -> Result<usize> {
    let current = keys.current_id().ok_or_else(|| {
        crate::StoreError::Db(sea_orm::DbErr::Custom(
            "no content key is configured".into(),
        ))
    })?;
    let mut n = 0;
    for table in SEALED_TABLES {
        let tx = crate::begin(db).await?;
        let rows: Vec<SealedRow> = sql::all(
            &tx,
            &format!("SELECT id, relationship_id, body FROM {table} WHERE body NOT LIKE $1"),
            vec![format!("tv1.{current}.%").into()],
        )
        .await?;
        for r in rows {
            let ctx = format!("relationship:{}", r.relationship_id);
            let fail = |e: crate::sealed::SealError| {
                crate::StoreError::Db(sea_orm::DbErr::Custom(format!("{table} {}: {e}", r.id)))
            };
            let plain = keys.open(&ctx, &r.body).map_err(fail)?;
            let sealed = keys.seal(&ctx, &plain).map_err(fail)?;
            sql::exec(
                &tx,
                &format!("UPDATE {table} SET body = $2 WHERE id = $1"),
                vec![r.id.into(), sealed.into()],
            )
            .await?;
            n += 1;
        }
        tx.commit().await?;
    }
    Ok(n)
}
