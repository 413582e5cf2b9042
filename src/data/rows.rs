//! Reading any ChatBI row by primary key, through sqlx's compile-time checked
//! `query_as!` into the generated [`crate::tables`] row types (checked offline
//! against `.sqlx/`, which `build.rs` checks against the migrations).

use crate::tables;

/// The `datasources` row with this `id`, if any.
pub async fn datasources_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: i32,
) -> Result<Option<tables::datasources::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::datasources::Row,
        "SELECT * FROM datasources WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}

/// The `chat_sessions` row with this `id`, if any.
pub async fn chat_sessions_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: uuid::Uuid,
) -> Result<Option<tables::chat_sessions::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::chat_sessions::Row,
        "SELECT * FROM chat_sessions WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}

/// The `chat_messages` row with this `id`, if any.
pub async fn chat_messages_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: i64,
) -> Result<Option<tables::chat_messages::Row>, sqlx::Error> {
    sqlx::query_as!(tables::chat_messages::Row, r#"SELECT id, session_id, role AS "role: tables::MessageRole", content, generated_sql, metadata, token_count, created_at FROM chat_messages WHERE id = $1"#, id)
        .fetch_optional(executor)
        .await
}

/// The `visualizations` row with this `id`, if any.
pub async fn visualizations_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: uuid::Uuid,
) -> Result<Option<tables::visualizations::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::visualizations::Row,
        "SELECT * FROM visualizations WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}

/// The `query_history` row with this `id`, if any.
pub async fn query_history_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: i64,
) -> Result<Option<tables::query_history::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::query_history::Row,
        "SELECT * FROM query_history WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}

/// The `chat_history` row with this `id`, if any.
pub async fn chat_history_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: i64,
) -> Result<Option<tables::chat_history::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::chat_history::Row,
        "SELECT * FROM chat_history WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}

/// The `app_users` row with this `id`, if any.
pub async fn app_users_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: uuid::Uuid,
) -> Result<Option<tables::app_users::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::app_users::Row,
        "SELECT * FROM app_users WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}

/// The `user_sessions` row with this `id`, if any.
pub async fn user_sessions_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: uuid::Uuid,
) -> Result<Option<tables::user_sessions::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::user_sessions::Row,
        "SELECT * FROM user_sessions WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}

/// The `saved_queries` row with this `id`, if any.
pub async fn saved_queries_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: i64,
) -> Result<Option<tables::saved_queries::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::saved_queries::Row,
        "SELECT * FROM saved_queries WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}

/// The `mdl_projects` row with this `id`, if any.
pub async fn mdl_projects_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: i32,
) -> Result<Option<tables::mdl_projects::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::mdl_projects::Row,
        "SELECT * FROM mdl_projects WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}

/// The `mdl_models` row with this `id`, if any.
pub async fn mdl_models_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: i32,
) -> Result<Option<tables::mdl_models::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::mdl_models::Row,
        "SELECT * FROM mdl_models WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}

/// The `mdl_fields` row with this `id`, if any.
pub async fn mdl_fields_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: i32,
) -> Result<Option<tables::mdl_fields::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::mdl_fields::Row,
        "SELECT * FROM mdl_fields WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}

/// The `mdl_relationships` row with this `id`, if any.
pub async fn mdl_relationships_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: i32,
) -> Result<Option<tables::mdl_relationships::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::mdl_relationships::Row,
        "SELECT * FROM mdl_relationships WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}

/// The `error_patterns` row with this `id`, if any.
pub async fn error_patterns_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: i32,
) -> Result<Option<tables::error_patterns::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::error_patterns::Row,
        "SELECT * FROM error_patterns WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}

/// The `sql_corrections` row with this `id`, if any.
pub async fn sql_corrections_by_id<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    id: i64,
) -> Result<Option<tables::sql_corrections::Row>, sqlx::Error> {
    sqlx::query_as!(
        tables::sql_corrections::Row,
        "SELECT * FROM sql_corrections WHERE id = $1",
        id
    )
    .fetch_optional(executor)
    .await
}
