//! The row-struct generator on a small hand-written schema: names, nullability, keywords, enums,
//! composites, domains, defaults and name clashes.

use chatbi_db_core::codegen::tables::{
    ColumnModel, CompositeModel, DomainModel, EnumModel, GenerateError, RelationKind, SchemaModel,
    TableModel, TablesOptions, TimeCrate, generate, try_generate,
};

fn col(name: &str, ty: &str, not_null: bool) -> ColumnModel {
    ColumnModel {
        name: name.into(),
        sql_type: ty.into(),
        not_null,
        ..ColumnModel::default()
    }
}

fn table(schema: &str, name: &str, columns: Vec<ColumnModel>) -> TableModel {
    TableModel {
        schema: schema.into(),
        name: name.into(),
        kind: RelationKind::Table,
        comment: None,
        columns,
    }
}

fn model() -> SchemaModel {
    let mut id = col("id", "bigint", true);
    id.identity = Some('a');
    let mut created = col("created_at", "timestamp with time zone", true);
    created.has_default = true;
    created.default_expr = Some("now()".into());
    let mut sql = col("sql_text", "text", true);
    sql.comment = Some("The SQL as run.".into());
    SchemaModel {
        tables: vec![
            table(
                "public",
                "query_history",
                vec![
                    id,
                    sql,
                    col("row_count", "integer", false),
                    col("type", "message_role", true),
                    col("tags", "text[]", false),
                    col("client_addr", "inet", false),
                    col("elapsed", "interval", true),
                    col("search", "tsvector", false),
                    created,
                    col("version", "entity_version", true),
                ],
            ),
            table(
                "public",
                "My Table",
                vec![col("userId", "uuid", true), col("2fa", "boolean", false)],
            ),
            table(
                "jobs",
                "task",
                vec![
                    col("state", "jobs.task_state", true),
                    col("pair", "pair[]", false),
                ],
            ),
        ],
        enums: vec![
            EnumModel {
                schema: "public".into(),
                name: "message_role".into(),
                labels: vec![
                    "user".into(),
                    "assistant".into(),
                    "in progress".into(),
                    "self".into(),
                ],
                comment: None,
            },
            EnumModel {
                schema: "jobs".into(),
                name: "task_state".into(),
                labels: vec!["pending".into(), "done".into()],
                comment: None,
            },
        ],
        composites: vec![CompositeModel {
            schema: "public".into(),
            name: "pair".into(),
            fields: vec![
                ("name".into(), "text".into()),
                ("value".into(), "bytea".into()),
            ],
            comment: None,
        }],
        domains: vec![DomainModel {
            schema: "public".into(),
            name: "entity_version".into(),
            base: "bigint".into(),
            not_null: true,
        }],
    }
}

/// Generated code, whitespace removed, for robust `contains` checks.
fn code(opts: &TablesOptions) -> String {
    generate(&model(), opts).to_string().replace(' ', "")
}

#[test]
fn module_and_struct_names() {
    let c = code(&TablesOptions::default());
    assert!(c.contains("pubmodquery_history{"));
    assert!(c.contains("pubmodmy_table{"), "spaces and case folded");
    assert!(c.contains("pubmodjobs{"), "non-public schema is a module");
    assert!(c.contains("pubmodtask{"));
    assert!(c.contains("pubstructRow{"));
    assert!(c.contains("pubstructInsert{"));
    assert!(c.contains("pubconstTABLE:&str=\"query_history\""));
    assert!(
        c.contains("pubconstTABLE:&str=\"MyTable\"")
            || c.contains("pubconstTABLE:&str=\"My Table\"".replace(' ', "").as_str())
    );
}

#[test]
fn nullable_columns_are_option_exactly() {
    let c = code(&TablesOptions::default());
    assert!(c.contains("pubid:i64,"));
    assert!(c.contains("pubsql_text:::std::string::String,"));
    assert!(c.contains("pubrow_count:::std::option::Option<i32>,"));
    assert!(c.contains("pubtags:::std::option::Option<::std::vec::Vec<::std::string::String>>,"));
    assert!(c.contains("pubclient_addr:::std::option::Option<::ipnetwork::IpNetwork>,"));
    assert!(c.contains("pubelapsed:::sqlx::postgres::types::PgInterval,"));
    assert!(c.contains("pubcreated_at:::chrono::DateTime<::chrono::Utc>,"));
    assert!(
        c.contains("pubversion:i64,"),
        "domain maps to its base type"
    );
}

#[test]
fn keywords_and_odd_names_are_escaped() {
    let c = code(&TablesOptions::default());
    // Fields are read by their column names (sqlx's `FromRow`).
    assert!(c.contains("pubr#type:super::MessageRole,"));
    assert!(c.contains("r#type:::sqlx::Row::try_get(row,\"type\")?,"));
    assert!(c.contains("pubuser_id:::uuid::Uuid,"));
    assert!(c.contains("user_id:::sqlx::Row::try_get(row,\"userId\")?,"));
    assert!(c.contains("pub_2fa:::std::option::Option<bool>,"));
    assert!(c.contains("_2fa:::sqlx::Row::try_get(row,\"2fa\")?,"));
    assert!(c.contains("InProgress,"));
    assert!(c.contains("Self_,"), "`Self` cannot be raw");
    assert!(c.contains("Self::Self_=>\"self\","));
}

#[test]
fn enums_and_composites_for_both_clients() {
    let c = code(&TablesOptions::default());
    assert!(c.contains("pubenumMessageRole{"));
    // sqlx looks the type up by name (schema-qualified outside `public`), postgres-types
    // checks the bare name.
    assert!(c.contains("impl::sqlx::Type<::sqlx::Postgres>forMessageRole{"));
    assert!(c.contains("PgTypeInfo::with_name(\"message_role\")"));
    assert!(c.contains("PgTypeInfo::array_of(\"message_role\")"));
    assert!(c.contains("ifty.name()!=\"message_role\"{returnfalse;}"));
    let spaced = generate(&model(), &TablesOptions::default()).to_string();
    assert!(
        spaced.contains("Self :: InProgress => \"in progress\""),
        "labels kept verbatim"
    );
    assert!(
        spaced.contains("\"in progress\" => :: std :: result :: Result :: Ok (Self :: InProgress)")
    );
    assert!(c.contains("pubenumTaskState{"));
    assert!(c.contains("PgTypeInfo::with_name(\"jobs.task_state\")"));
    assert!(c.contains("ifty.name()!=\"task_state\"{returnfalse;}"));
    assert!(c.contains("pubstate:super::super::jobs::TaskState,"));
    assert!(c.contains("pubpair:::std::option::Option<::std::vec::Vec<super::super::Pair>>,"));
    assert!(c.contains("pubstructPair{"));
    assert!(c.contains("impl::postgres_types::ToSqlforPair{"));
    assert!(c.contains("impl<'a>::postgres_types::FromSql<'a>forPair{"));
    assert!(c.contains("impl<'r>::sqlx::Decode<'r,::sqlx::Postgres>forPair{"));
    assert!(
        c.contains("\"value\"=>__chatbi_db_support::write_field(&self.value,field.type_(),buf)?,")
    );
}

#[test]
fn insert_leaves_out_defaults_identity_and_unmapped_nullable() {
    let c = generate(&model(), &TablesOptions::default()).to_string();
    let sql = "INSERT INTO \\\"public\\\".\\\"query_history\\\" (\\\"sql_text\\\", \\\"row_count\\\", \\\"type\\\", \\\"tags\\\", \\\"client_addr\\\", \\\"elapsed\\\", \\\"version\\\") VALUES ($1, $2, $3, $4, $5, $6, $7::bigint)";
    assert!(c.contains(sql), "{c}");
    let nospace = c.replace(' ', "");
    let module = &nospace[nospace.find("pubmodquery_history{").unwrap()..];
    let ins = &module[module.find("pubstructInsert{").unwrap()..];
    let ins = &ins[..ins.find('}').unwrap()];
    assert!(!ins.contains("pubid:"), "identity left out");
    assert!(!ins.contains("pubcreated_at:"), "default left out");
    assert!(!ins.contains("pubsearch"), "unmapped nullable left out");
    assert!(ins.contains("pubsql_text:"));
}

#[test]
fn docs_carry_type_nullability_default_and_comment() {
    let c = generate(&model(), &TablesOptions::default()).to_string();
    assert!(c.contains("`created_at` `timestamp with time zone` NOT NULL, DEFAULT `now()`."));
    assert!(c.contains("`sql_text` `text` NOT NULL.\\n \\n The SQL as run."));
    assert!(c.contains("`id` `bigint` NOT NULL, GENERATED ALWAYS AS IDENTITY."));
    assert!(c.contains("Columns left out of [`Row`]"));
    assert!(c.contains("`search` `tsvector`"));
}

#[test]
fn time_crate_serde_and_runtime_path_options() {
    let opts = TablesOptions {
        time: TimeCrate::Time,
        serde: true,
        runtime: Some("::chatbi_db::__private".into()),
        ..TablesOptions::default()
    };
    let c = code(&opts);
    assert!(c.contains("pubcreated_at:::chatbi_db::__private::time::OffsetDateTime,"));
    assert!(c.contains("#[derive(::chatbi_db::__private::serde::Serialize,::chatbi_db::__private::serde::Deserialize)]"));
    assert!(c.contains("#[serde(crate=\"::chatbi_db::__private::serde\")]"));
    assert!(c.contains("interval_serde::one"));
    assert!(!code(&TablesOptions::default()).contains("Serialize"));
}

#[test]
fn module_option_wraps_the_items() {
    let inline = code(&TablesOptions::default());
    assert!(
        inline.starts_with(
            "#[doc(hidden)]#[allow(missing_docs,dead_code)]pubmod__chatbi_db_support{"
        )
    );
    let opts = TablesOptions {
        module: Some("tables".into()),
        ..TablesOptions::default()
    };
    let wrapped = code(&opts);
    let body = wrapped
        .strip_prefix("#[doc=")
        .and_then(|w| w.split_once("]pubmodtables{"))
        .map(|(_, body)| body)
        .expect("one documented module");
    assert_eq!(body, format!("{inline}}}"));
    let bad = TablesOptions {
        module: Some("no such".into()),
        ..TablesOptions::default()
    };
    assert!(matches!(
        try_generate(&model(), &bad),
        Err(GenerateError::Option(_))
    ));
}

/// The crates a generated token stream names with a leading `::` (`::uuid::Uuid` names `uuid`).
/// `::` starts a path unless an identifier or a `>` comes just before it.
fn crates_named(code: &str) -> std::collections::BTreeSet<String> {
    let tokens: Vec<&str> = std::iter::once("").chain(code.split_whitespace()).collect();
    let is_ident = |t: &str| {
        // The last word of a token glued to delimiters (`(i32`).
        let t = t
            .rsplit(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '#'))
            .next()
            .unwrap_or_default();
        let t = t.strip_prefix("r#").unwrap_or(t);
        t.starts_with(|ch: char| ch.is_alphabetic() || ch == '_')
            && t.chars().all(|ch| ch.is_alphanumeric() || ch == '_')
    };
    tokens
        .windows(3)
        .filter(|w| w[1] == "::" && !is_ident(w[0]) && !w[0].ends_with('>'))
        .map(|w| w[2].to_string())
        .collect()
}

#[test]
fn every_crate_is_reached_through_the_runtime_path() {
    let mut opts = TablesOptions {
        serde: true,
        runtime: Some("::chatbi_db::__private".into()),
        ..TablesOptions::default()
    };
    let through = crates_named(&generate(&model(), &opts).to_string());
    assert_eq!(
        through.into_iter().collect::<Vec<_>>(),
        ["chatbi_db", "std"]
    );
    opts.runtime = None;
    let direct = crates_named(&generate(&model(), &opts).to_string());
    let expected = [
        "chrono",
        "ipnetwork",
        "postgres",
        "postgres_types",
        "serde",
        "sqlx",
        "std",
        "uuid",
    ];
    assert_eq!(direct.into_iter().collect::<Vec<_>>(), expected);
}

#[test]
fn name_clashes_are_errors() {
    let mut m = model();
    m.tables.push(table(
        "public",
        "query-history",
        vec![col("a", "integer", true)],
    ));
    match try_generate(&m, &TablesOptions::default()) {
        Err(GenerateError::NameClash { rust, .. }) => assert_eq!(rust, "query_history"),
        other => panic!("expected a clash, got {other:?}"),
    }
    assert!(
        generate(&m, &TablesOptions::default())
            .to_string()
            .contains("compile_error")
    );
}

#[test]
fn catalog_json_shape_is_read() {
    let json = serde_json::json!({
        "relations": {"underway.task": {"kind": "table", "columns": [
            {"name": "state", "type": "underway.task_state", "typname": "task_state",
             "not_null": true, "has_default": true, "identity": null, "generated": null}]},
          "public.v": {"kind": "view", "columns": []}},
        "enums": {"underway.task_state": ["pending", "done"]},
        "composites": {"public.header_pair": ["name text", "\"odd name\" bytea"]},
        "domains": {"public.ver": {"base": "bigint", "not_null": true}},
        "extensions": {"plpgsql": "1.0"}
    });
    let m = SchemaModel::from_catalog_json(&json).unwrap();
    assert_eq!(m.tables.len(), 2);
    assert_eq!(m.tables[0].schema, "public");
    assert_eq!(m.tables[0].kind, RelationKind::View);
    assert_eq!(
        m.tables[1].columns[0].typname.as_deref(),
        Some("task_state")
    );
    assert_eq!(m.enums[0].labels, vec!["pending", "done"]);
    assert_eq!(
        m.composites[0].fields[1],
        ("odd name".to_string(), "bytea".to_string())
    );
    assert!(m.domains[0].not_null);
    let views_off = TablesOptions {
        views: false,
        ..TablesOptions::default()
    };
    assert!(!generate(&m, &views_off).to_string().contains("pub mod v "));
    assert!(
        generate(&m, &TablesOptions::default())
            .to_string()
            .contains("pub mod v ")
    );
}

#[test]
fn chatbi_migrations_give_fifteen_tables_that_generate() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let (model, files) = chatbi_db_core::codegen::tables::model_from_migrations(&dir).unwrap();
    assert!(!files.is_empty());
    let names: Vec<&str> = model.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.len(), 15, "{names:?}");
    assert!(names.contains(&"query_history"));
    assert!(!model.enums.is_empty(), "ChatBI has an enum type");
    let code = try_generate(&model, &TablesOptions::default())
        .unwrap()
        .to_string();
    assert!(code.contains("pub mod query_history"));
    assert!(
        !code.contains("Columns left out"),
        "every ChatBI column maps to Rust"
    );
}
