//! Small helpers to run portable SQL with values through any sea-orm connection.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement, Value};

pub(crate) fn stmt(c: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(c.get_database_backend(), sql, values)
}

/// A list of columns (`"id, name"`) qualified by a table alias (`"p.id, p.name"`), for joins.
pub(crate) fn qualified(columns: &str, alias: &str) -> String {
    columns
        .split(',')
        .map(|col| format!("{alias}.{}", col.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A list of columns qualified by a table alias and renamed with a prefix
/// (`"p.id AS p_id, p.name AS p_name"`), for joins of two tables that share column names;
/// read back with `FromQueryResult::from_query_result(row, prefix)`.
pub(crate) fn prefixed(columns: &str, alias: &str, prefix: &str) -> String {
    columns
        .split(',')
        .map(|col| format!("{alias}.{c} AS {prefix}{c}", c = col.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs a statement and returns the number of rows it changed.
pub(crate) async fn exec(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<u64, DbErr> {
    Ok(c.execute_raw(stmt(c, sql, values)).await?.rows_affected())
}

pub(crate) async fn all<T: FromQueryResult>(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<T>, DbErr> {
    T::find_by_statement(stmt(c, sql, values)).all(c).await
}

pub(crate) async fn one<T: FromQueryResult>(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Option<T>, DbErr> {
    T::find_by_statement(stmt(c, sql, values)).one(c).await
}

/// Runs an `INSERT … RETURNING id` and returns the id.
pub(crate) async fn insert_id(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<i64, DbErr> {
    let row = c
        .query_one_raw(stmt(c, sql, values))
        .await?
        .ok_or_else(|| DbErr::RecordNotInserted)?;
    row.try_get::<i64>("", "id")
}

/// Maps a unique-constraint violation to [`crate::StoreError::Duplicate`] naming `field`.
pub(crate) fn duplicate(field: &'static str) -> impl Fn(DbErr) -> crate::StoreError {
    move |e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            crate::StoreError::Duplicate { field }
        }
        _ => crate::StoreError::Db(e),
    }
}

/// Counts rows: `SELECT COUNT(*) AS n …`.
#[derive(Debug, FromQueryResult)]
pub(crate) struct Count {
    pub n: i64,
}
