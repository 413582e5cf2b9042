//! Round-trips every corpus `.sqlx` file and checks the sqlx 0.9 format by hand.

use chatbi_db_core::offline::{
    self, Column, ColumnOrigin, CustomType, Describe, Parameters, QueryData, TypeInfo, TypeKind,
};
use std::path::PathBuf;

fn corpus() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus"))
}

#[test]
fn every_corpus_file_round_trips_byte_for_byte() {
    let mut total = 0;
    let mut with_origin = 0;
    for project in std::fs::read_dir(corpus()).expect("corpus") {
        let dir = project.expect("entry").path().join(".sqlx");
        if !dir.is_dir() {
            continue;
        }
        for (path, data) in offline::read_dir(&dir).expect("read .sqlx") {
            let original = std::fs::read(&path).expect("read");
            assert_eq!(
                String::from_utf8_lossy(&data.to_bytes()),
                String::from_utf8_lossy(&original),
                "{}",
                path.display()
            );
            assert_eq!(
                data.hash,
                offline::hash_query(&data.query),
                "{}",
                path.display()
            );
            let name = path.file_name().and_then(|n| n.to_str()).expect("name");
            assert_eq!(name, offline::file_name(&data.hash));
            if data.describe.columns.iter().any(|c| c.origin.is_some()) {
                with_origin += 1;
            }
            total += 1;
        }
    }
    println!("{total} files round-tripped, {with_origin} with column origins");
    assert_eq!(total, 405);
    assert!(with_origin > 0);
}

const HAND_WRITTEN: &str = r#"{
  "db_name": "PostgreSQL",
  "query": "SELECT t.id, t.state, t.tags, now() AS \"at\" FROM s.t WHERE t.id = $1",
  "describe": {
    "columns": [
      {
        "ordinal": 0,
        "name": "id",
        "type_info": "Int4",
        "origin": {
          "Table": {
            "table": "s.t",
            "name": "id"
          }
        }
      },
      {
        "ordinal": 1,
        "name": "state",
        "type_info": {
          "Custom": {
            "name": "s.state",
            "kind": {
              "Enum": [
                "a",
                "b"
              ]
            }
          }
        },
        "origin": {
          "Table": {
            "table": "s.t",
            "name": "state"
          }
        }
      },
      {
        "ordinal": 2,
        "name": "tags",
        "type_info": {
          "Custom": {
            "name": "pair[]",
            "kind": {
              "Array": {
                "Custom": {
                  "name": "pair",
                  "kind": {
                    "Composite": [
                      [
                        "k",
                        "Text"
                      ],
                      [
                        "v",
                        {
                          "Custom": {
                            "name": "version",
                            "kind": {
                              "Domain": "Int8"
                            }
                          }
                        }
                      ]
                    ]
                  }
                }
              }
            }
          }
        },
        "origin": "Unknown"
      },
      {
        "ordinal": 3,
        "name": "at",
        "type_info": "Timestamptz",
        "origin": "Expression"
      }
    ],
    "parameters": {
      "Left": [
        "Int4"
      ]
    },
    "nullable": [
      false,
      true,
      null,
      null
    ]
  },
  "hash": "HASH"
}
"#;

#[test]
fn hand_written_sqlx_09_file() {
    let query = "SELECT t.id, t.state, t.tags, now() AS \"at\" FROM s.t WHERE t.id = $1";
    let hash = offline::hash_query(query);
    let text = HAND_WRITTEN.replace("HASH", &hash);
    let table = |name: &str| {
        Some(ColumnOrigin::Table {
            table: "s.t".into(),
            name: name.into(),
        })
    };
    let pair = TypeInfo::Custom(CustomType {
        name: "pair".into(),
        kind: TypeKind::Composite(vec![
            ("k".into(), TypeInfo::builtin("Text")),
            (
                "v".into(),
                TypeInfo::Custom(CustomType {
                    name: "version".into(),
                    kind: TypeKind::Domain(Box::new(TypeInfo::builtin("Int8"))),
                }),
            ),
        ]),
    });
    let expected = QueryData::new(
        query,
        Describe {
            columns: vec![
                Column {
                    ordinal: 0,
                    name: "id".into(),
                    type_info: TypeInfo::builtin("Int4"),
                    origin: table("id"),
                },
                Column {
                    ordinal: 1,
                    name: "state".into(),
                    type_info: TypeInfo::Custom(CustomType {
                        name: "s.state".into(),
                        kind: TypeKind::Enum(vec!["a".into(), "b".into()]),
                    }),
                    origin: table("state"),
                },
                Column {
                    ordinal: 2,
                    name: "tags".into(),
                    type_info: TypeInfo::Custom(CustomType {
                        name: "pair[]".into(),
                        kind: TypeKind::Array(Box::new(pair)),
                    }),
                    origin: Some(ColumnOrigin::Unknown),
                },
                Column {
                    ordinal: 3,
                    name: "at".into(),
                    type_info: TypeInfo::builtin("Timestamptz"),
                    origin: Some(ColumnOrigin::Expression),
                },
            ],
            parameters: Some(Parameters::Left(vec![TypeInfo::builtin("Int4")])),
            nullable: vec![Some(false), Some(true), None, None],
        },
    );
    assert_eq!(QueryData::parse(&text).expect("parse"), expected);
    assert_eq!(String::from_utf8(expected.to_bytes()).expect("utf8"), text);

    let dir = std::env::temp_dir().join(format!("chatbi-offline-{}", std::process::id()));
    let path = offline::write_file(&dir, &expected).expect("write");
    assert_eq!(
        path.file_name().and_then(|n| n.to_str()),
        Some(&*format!("query-{hash}.json"))
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn bad_files_are_rejected_with_a_location() {
    let err = QueryData::parse("{\"db_name\": 1}").expect_err("bad");
    assert!(err.to_string().contains("/db_name"), "{err}");
    let err = QueryData::parse("{").expect_err("bad");
    assert!(err.to_string().contains("line 1"), "{err}");
}
