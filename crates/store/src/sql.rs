//! Small helpers to run portable SQL with values through any sea-orm connection.

use crate::StoreError;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement, Value};

/// A failed statement, named by the start of its text (never its values, which may be
/// confidential), so that a log says which query failed.
fn failed(sql: &str) -> impl FnOnce(DbErr) -> StoreError + '_ {
    move |source| {
        let mut query: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
        if query.len() > 160 {
            let cut = (0..=160)
                .rev()
                .find(|i| query.is_char_boundary(*i))
                .unwrap_or(0);
            query.truncate(cut);
            query.push('…');
        }
        StoreError::Query { query, source }
    }
}

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
) -> Result<u64, StoreError> {
    Ok(c.execute_raw(stmt(c, sql, values))
        .await
        .map_err(failed(sql))?
        .rows_affected())
}

pub(crate) async fn all<T: FromQueryResult>(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<T>, StoreError> {
    T::find_by_statement(stmt(c, sql, values))
        .all(c)
        .await
        .map_err(failed(sql))
}

pub(crate) async fn one<T: FromQueryResult>(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Option<T>, StoreError> {
    T::find_by_statement(stmt(c, sql, values))
        .one(c)
        .await
        .map_err(failed(sql))
}

/// Runs an `INSERT … RETURNING id` and returns the id.
pub(crate) async fn insert_id(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<i64, StoreError> {
    let row = c
        .query_one_raw(stmt(c, sql, values))
        .await
        .map_err(failed(sql))?
        .ok_or_else(|| failed(sql)(DbErr::RecordNotInserted))?;
    row.try_get::<i64>("", "id").map_err(failed(sql))
}

/// Maps a unique-constraint violation to [`StoreError::Duplicate`] naming `field`.
pub(crate) fn duplicate(field: &'static str) -> impl Fn(StoreError) -> StoreError {
    move |e| {
        let db = match &e {
            StoreError::Query { source, .. } | StoreError::Db(source) => Some(source),
            _ => None,
        };
        match db.and_then(DbErr::sql_err) {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => StoreError::Duplicate { field },
            _ => e,
        }
    }
}

/// Counts rows: `SELECT COUNT(*) AS n …`.
#[derive(Debug, FromQueryResult)]
pub(crate) struct Count {
    pub n: i64,
}

/// Reads a text column holding an enum's name (see `trellis_domain::names`).
pub(crate) fn named<T: trellis_domain::names::Named>(
    r: &sea_orm::QueryResult,
    pre: &str,
    col: &str,
) -> Result<T, DbErr> {
    let s: String = r.try_get(pre, col)?;
    T::from_name(&s).ok_or_else(|| DbErr::Type(format!("{col}: unknown value '{s}'")))
}

/// [`named`], for a column that may be empty.
pub(crate) fn named_or_none<T: trellis_domain::names::Named>(
    r: &sea_orm::QueryResult,
    pre: &str,
    col: &str,
) -> Result<Option<T>, DbErr> {
    let s: Option<String> = r.try_get(pre, col)?;
    s.map(|s| T::from_name(&s).ok_or_else(|| DbErr::Type(format!("{col}: unknown value '{s}'"))))
        .transpose()
}
