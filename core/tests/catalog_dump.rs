//! The dumps: `format_type` spellings in `to_catalog_json`, and the normalised DDL of `to_sql`.

use chatbi_db_core::catalog::Catalog;
use serde_json::json;

#[test]
fn format_type_spellings() {
    let mut cat = Catalog::new();
    cat.replay_sql(
        "m.sql",
        "create schema app;
         create type app.mood as enum ('a');
         create table t (
            a varchar(255), b character varying, c numeric(10,2), d numeric, e bit varying(5),
            f time(3), g timestamp with time zone, h timestamptz(0), i int[], j text[][],
            k char(2), l char, m double precision, n float4, o int2, p bigserial,
            q app.mood, r app.mood[], s interval, u \"char\", v bpchar, w decimal(5)
         );",
    )
    .unwrap();
    let j = cat.to_catalog_json();
    let cols = j["relations"]["public.t"]["columns"].as_array().unwrap();
    let got: Vec<(String, String)> = cols
        .iter()
        .map(|c| {
            (
                c["type"].as_str().unwrap().to_string(),
                c["typname"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("character varying(255)", "varchar"),
        ("character varying", "varchar"),
        ("numeric(10,2)", "numeric"),
        ("numeric", "numeric"),
        ("bit varying(5)", "varbit"),
        ("time(3) without time zone", "time"),
        ("timestamp with time zone", "timestamptz"),
        ("timestamp(0) with time zone", "timestamptz"),
        ("integer[]", "_int4"),
        ("text[]", "_text"),
        ("character(2)", "bpchar"),
        ("character(1)", "bpchar"),
        ("double precision", "float8"),
        ("real", "float4"),
        ("smallint", "int2"),
        ("bigint", "int8"),
        ("app.mood", "mood"),
        ("app.mood[]", "_mood"),
        ("interval", "interval"),
        ("\"char\"", "char"),
        ("bpchar", "bpchar"),
        ("numeric(5,0)", "numeric"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
    // bigserial: not null with a default from its sequence
    assert_eq!(cols[15]["not_null"], json!(true));
    assert_eq!(cols[15]["has_default"], json!(true));
    assert_eq!(
        cat.relation("public", "t").unwrap().columns[15]
            .default
            .as_deref(),
        Some("nextval('t_p_seq'::regclass)")
    );
    assert_eq!(j["enums"], json!({"app.mood": ["a"]}));
    assert_eq!(j["extensions"], json!({"plpgsql": "1.0"}));
}

#[test]
fn catalog_json_shape_and_sql() {
    let mut cat = Catalog::new();
    cat.replay_sql(
        "m.sql",
        "create extension if not exists pgcrypto;
         create domain email as text not null check (value like '%@%');
         create type pair as (k text, v bytea);
         create table users (id uuid primary key default gen_random_uuid(), mail email unique,
                             n int generated always as identity, tags pair[]);
         create view v as select id, mail from users;
         comment on table users is 'people';",
    )
    .unwrap();
    let j = cat.to_catalog_json();
    let keys: Vec<&String> = j.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["relations", "enums", "composites", "domains", "extensions"]
    );
    assert_eq!(
        j["domains"],
        json!({"public.email": {"base": "text", "not_null": true}})
    );
    assert_eq!(
        j["composites"],
        json!({"public.pair": ["k text", "v bytea"]})
    );
    assert_eq!(
        j["extensions"],
        json!({"pgcrypto": "1.3", "plpgsql": "1.0"})
    );
    assert_eq!(j["relations"]["public.v"]["kind"], json!("view"));
    assert_eq!(
        j["relations"]["public.v"]["columns"][1]["type"],
        json!("email")
    );
    assert_eq!(
        j["relations"]["public.users"]["columns"][2],
        json!({"name": "n", "type": "integer", "typname": "int4", "not_null": true,
               "has_default": false, "identity": "a", "generated": null})
    );
    let sql = cat.to_sql();
    println!("{sql}");
    assert!(sql.contains("CREATE EXTENSION pgcrypto WITH SCHEMA public VERSION '1.3';"));
    assert!(sql.contains(
        "CREATE DOMAIN email AS text NOT NULL CONSTRAINT email_check CHECK (value like '%@%');"
    ));
    assert!(sql.contains("    id uuid DEFAULT gen_random_uuid() NOT NULL,"));
    assert!(sql.contains("    CONSTRAINT users_pkey PRIMARY KEY (id),"));
    assert!(sql.contains("    CONSTRAINT users_mail_key UNIQUE (mail)"));
    assert!(sql.contains("COMMENT ON TABLE users IS 'people';"));
    assert!(sql.contains("CREATE VIEW v AS\nselect id, mail from users;"));
}
