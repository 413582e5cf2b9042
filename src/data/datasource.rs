//! The default datasource, created on application startup.
//!
//! "The default datasource will be created automatically on application startup":
//! [`ensure_default_datasource`] makes sure exactly one row of `datasources` has
//! `is_default`, pointing at the `chatbi_demo` database. It is idempotent and safe
//! when several instances start at once: the work runs in one transaction holding a
//! transaction-scoped advisory lock, and the partial unique index
//! `datasources_single_default_idx` backs it up in the schema.

use std::collections::HashMap;

/// Where the default datasource points, read from the environment by
/// [`DefaultDatasourceConfig::from_env`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultDatasourceConfig {
    /// Display name (unique among datasources). `CHATBI_DEMO_NAME`, default `chatbi_demo`.
    pub name: String,
    /// Server host. `CHATBI_DEMO_HOST`, default `localhost`.
    pub host: Option<String>,
    /// Server port. `CHATBI_DEMO_PORT`, default `5432`.
    pub port: Option<i32>,
    /// Database name. `CHATBI_DEMO_DATABASE`, default `chatbi_demo`.
    pub database_name: String,
    /// User to connect as. `CHATBI_DEMO_USER`, default unset.
    pub username: Option<String>,
    /// Where the password is kept, never the password itself.
    /// `CHATBI_DEMO_SECRET_REF`, default `env:CHATBI_DEMO_PASSWORD`.
    pub secret_ref: Option<String>,
}

impl Default for DefaultDatasourceConfig {
    fn default() -> Self {
        DefaultDatasourceConfig {
            name: "chatbi_demo".into(),
            host: Some("localhost".into()),
            port: Some(5432),
            database_name: "chatbi_demo".into(),
            username: None,
            secret_ref: Some("env:CHATBI_DEMO_PASSWORD".into()),
        }
    }
}

impl DefaultDatasourceConfig {
    /// Reads the configuration from the process environment (see the field docs for
    /// the variable names and defaults).
    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(&std::env::vars().collect())
    }

    /// Reads the configuration from a map of variables (what [`Self::from_env`] uses).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, String> {
        let mut config = Self::default();
        let get = |key: &str| vars.get(key).filter(|v| !v.is_empty()).cloned();
        if let Some(v) = get("CHATBI_DEMO_NAME") {
            config.name = v;
        }
        if let Some(v) = get("CHATBI_DEMO_HOST") {
            config.host = Some(v);
        }
        if let Some(v) = get("CHATBI_DEMO_PORT") {
            let port: i32 = v
                .parse()
                .ok()
                .filter(|p| (1..=65535).contains(p))
                .ok_or_else(|| format!("CHATBI_DEMO_PORT={v:?} is not a port number (1-65535)"))?;
            config.port = Some(port);
        }
        if let Some(v) = get("CHATBI_DEMO_DATABASE") {
            config.database_name = v;
        }
        if let Some(v) = get("CHATBI_DEMO_USER") {
            config.username = Some(v);
        }
        if let Some(v) = get("CHATBI_DEMO_SECRET_REF") {
            config.secret_ref = Some(v);
        }
        Ok(config)
    }
}

/// The default datasource row, as [`ensure_default_datasource`] found or made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultDatasource {
    /// `datasources.id`.
    pub id: i32,
    /// `datasources.name`.
    pub name: String,
    /// `datasources.database_name`.
    pub database_name: String,
    /// `true` when this call created (or promoted) it, `false` when it already existed.
    pub created: bool,
}

/// Key of the transaction-scoped advisory lock that serialises concurrent callers.
const DEFAULT_DATASOURCE_LOCK: i64 = 0x6368_6174_6269_0001; // "chatbi" + 1

/// Makes sure exactly one default datasource exists; creates it from `config` when
/// there is none. Idempotent; concurrent callers make exactly one.
///
/// An existing default datasource is left as it is (an operator may have changed it).
/// When there is no default but a datasource named `config.name` exists, that one
/// becomes the default instead of a second row being added.
///
/// ```no_run
/// # async fn startup(pool: sqlx::PgPool) -> Result<(), sqlx::Error> {
/// use chatbi_db::data::{DefaultDatasourceConfig, ensure_default_datasource};
/// let config = DefaultDatasourceConfig::from_env().expect("valid CHATBI_DEMO_* settings");
/// let ds = ensure_default_datasource(&pool, &config).await?;
/// println!("default datasource: {} -> {}", ds.name, ds.database_name);
/// # Ok(()) }
/// ```
pub async fn ensure_default_datasource(
    pool: &sqlx::PgPool,
    config: &DefaultDatasourceConfig,
) -> Result<DefaultDatasource, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", DEFAULT_DATASOURCE_LOCK)
        .execute(&mut *tx)
        .await?;

    if let Some(row) =
        sqlx::query!("SELECT id, name, database_name FROM datasources WHERE is_default")
            .fetch_optional(&mut *tx)
            .await?
    {
        tx.commit().await?;
        return Ok(DefaultDatasource {
            id: row.id,
            name: row.name,
            database_name: row.database_name,
            created: false,
        });
    }

    let row = sqlx::query!(
        r#"INSERT INTO datasources
               (name, engine, host, port, database_name, username, secret_ref, description, is_default)
           VALUES ($1, 'postgresql', $2, $3, $4, $5, $6,
                   'Demo sales data, created automatically on startup.', true)
           ON CONFLICT (name) DO UPDATE SET is_default = true, updated_at = now()
           RETURNING id, name, database_name"#,
        config.name,
        config.host,
        config.port,
        config.database_name,
        config.username,
        config.secret_ref,
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(DefaultDatasource {
        id: row.id,
        name: row.name,
        database_name: row.database_name,
        created: true,
    })
}
