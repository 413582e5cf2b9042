//! Contrib extensions: the versions PostgreSQL 15 installs, and their types and main functions.

use crate::syntax::TokenKind;

use super::Catalog;
use super::error::{Diagnostic, ErrorKind};
use super::model::*;
use super::parser::{Cursor, PResult, fail};
use super::replay::Ctx;
use super::types::TypeRef;
use super::unknown::ObjectKind;

/// An extension's default version on PostgreSQL 15, and whether we model its objects.
pub fn default_version(name: &str) -> Option<&'static str> {
    Some(match name {
        "pgcrypto" => "1.3",
        "uuid-ossp" => "1.1",
        "citext" => "1.6",
        "ltree" => "1.2",
        "hstore" => "1.8",
        "pg_trgm" => "1.6",
        "fuzzystrmatch" => "1.1",
        "tsm_system_rows" => "1.0",
        "btree_gin" => "1.3",
        "btree_gist" => "1.7",
        "unaccent" => "1.1",
        "intarray" => "1.5",
        "cube" => "1.5",
        "earthdistance" => "1.1",
        "pg_stat_statements" => "1.10",
        "plpgsql" => "1.0",
        _ => return None,
    })
}

/// (name, args, return) in a compact spelling: types are `pg_catalog` typnames, `@` means the
/// extension's own type in its schema, a trailing `[]` an array, `*` a set-returning function.
type FnSpec = (&'static str, &'static [&'static str], &'static str);

fn spec(name: &str) -> (&'static [&'static str], &'static [FnSpec]) {
    match name {
        "pgcrypto" => (
            &[],
            &[
                ("gen_random_uuid", &[], "uuid"),
                ("gen_random_bytes", &["int4"], "bytea"),
                ("digest", &["text", "text"], "bytea"),
                ("digest", &["bytea", "text"], "bytea"),
                ("hmac", &["text", "text", "text"], "bytea"),
                ("hmac", &["bytea", "bytea", "text"], "bytea"),
                ("crypt", &["text", "text"], "text"),
                ("gen_salt", &["text"], "text"),
                ("gen_salt", &["text", "int4"], "text"),
                ("encrypt", &["bytea", "bytea", "text"], "bytea"),
                ("decrypt", &["bytea", "bytea", "text"], "bytea"),
                ("pgp_sym_encrypt", &["text", "text"], "bytea"),
                ("pgp_sym_decrypt", &["bytea", "text"], "text"),
                ("armor", &["bytea"], "text"),
                ("dearmor", &["text"], "bytea"),
            ],
        ),
        "uuid-ossp" => (
            &[],
            &[
                ("uuid_generate_v1", &[], "uuid"),
                ("uuid_generate_v1mc", &[], "uuid"),
                ("uuid_generate_v3", &["uuid", "text"], "uuid"),
                ("uuid_generate_v4", &[], "uuid"),
                ("uuid_generate_v5", &["uuid", "text"], "uuid"),
                ("uuid_nil", &[], "uuid"),
                ("uuid_ns_dns", &[], "uuid"),
                ("uuid_ns_url", &[], "uuid"),
                ("uuid_ns_oid", &[], "uuid"),
                ("uuid_ns_x500", &[], "uuid"),
            ],
        ),
        "citext" => (
            &["citext"],
            &[
                ("citext", &["text"], "@citext"),
                ("regexp_match", &["@citext", "@citext"], "text[]"),
                ("strpos", &["@citext", "@citext"], "int4"),
                ("replace", &["@citext", "@citext", "@citext"], "text"),
            ],
        ),
        "ltree" => (
            &["ltree", "lquery", "ltxtquery"],
            &[
                ("subltree", &["@ltree", "int4", "int4"], "@ltree"),
                ("subpath", &["@ltree", "int4", "int4"], "@ltree"),
                ("subpath", &["@ltree", "int4"], "@ltree"),
                ("nlevel", &["@ltree"], "int4"),
                ("index", &["@ltree", "@ltree"], "int4"),
                ("text2ltree", &["text"], "@ltree"),
                ("ltree2text", &["@ltree"], "text"),
                ("lca", &["@ltree[]"], "@ltree"),
            ],
        ),
        "hstore" => (
            &["hstore"],
            &[
                ("hstore", &["text", "text"], "@hstore"),
                ("hstore", &["text[]", "text[]"], "@hstore"),
                ("akeys", &["@hstore"], "text[]"),
                ("avals", &["@hstore"], "text[]"),
                ("skeys", &["@hstore"], "*text"),
                ("svals", &["@hstore"], "*text"),
                ("hstore_to_json", &["@hstore"], "json"),
                ("hstore_to_jsonb", &["@hstore"], "jsonb"),
                ("exist", &["@hstore", "text"], "bool"),
                ("defined", &["@hstore", "text"], "bool"),
                ("delete", &["@hstore", "text"], "@hstore"),
            ],
        ),
        "pg_trgm" => (
            &["gtrgm"],
            &[
                ("similarity", &["text", "text"], "float4"),
                ("word_similarity", &["text", "text"], "float4"),
                ("strict_word_similarity", &["text", "text"], "float4"),
                ("show_trgm", &["text"], "text[]"),
                ("show_limit", &[], "float4"),
                ("set_limit", &["float4"], "float4"),
            ],
        ),
        "fuzzystrmatch" => (
            &[],
            &[
                ("levenshtein", &["text", "text"], "int4"),
                (
                    "levenshtein",
                    &["text", "text", "int4", "int4", "int4"],
                    "int4",
                ),
                ("levenshtein_less_equal", &["text", "text", "int4"], "int4"),
                ("soundex", &["text"], "text"),
                ("difference", &["text", "text"], "int4"),
                ("metaphone", &["text", "int4"], "text"),
                ("dmetaphone", &["text"], "text"),
                ("dmetaphone_alt", &["text"], "text"),
            ],
        ),
        "tsm_system_rows" => (&[], &[("system_rows", &["internal"], "tsm_handler")]),
        "unaccent" => (&[], &[("unaccent", &["text"], "text")]),
        _ => (&[], &[]),
    }
}

fn type_of(spec: &str, schema: &str) -> (TypeRef, bool) {
    let (set, s) = match spec.strip_prefix('*') {
        Some(s) => (true, s),
        None => (false, spec),
    };
    let (arr, s) = match s.strip_suffix("[]") {
        Some(s) => (true, s),
        None => (false, s),
    };
    let mut t = match s.strip_prefix('@') {
        Some(own) => TypeRef {
            schema: schema.to_string(),
            name: own.to_string(),
            typmod: -1,
            array_dims: 0,
        },
        None => TypeRef::builtin(s),
    };
    if arr {
        t = t.array_of();
    }
    (t, set)
}

/// Installs an extension's modelled objects into `schema`.
pub(crate) fn install(cat: &mut Catalog, name: &str, schema: &str) {
    let (types, fns) = spec(name);
    let Some(sc) = cat.schemas.get_mut(schema) else {
        return;
    };
    for t in types {
        sc.types.insert(
            (*t).to_string(),
            TypeDef {
                schema: schema.to_string(),
                name: (*t).to_string(),
                kind: TypeKind::Base {
                    category: if *t == "citext" { 'S' } else { 'U' },
                },
                comment: None,
                extension: Some(name.to_string()),
            },
        );
    }
    for (fname, args, ret) in fns {
        let (rt, set) = type_of(ret, schema);
        sc.functions.push(Function {
            schema: schema.to_string(),
            name: (*fname).to_string(),
            kind: FuncKind::Function,
            args: args
                .iter()
                .map(|a| FuncArg {
                    name: None,
                    ty: type_of(a, schema).0,
                    mode: ArgMode::In,
                    has_default: false,
                })
                .collect(),
            returns: if set {
                FuncReturn::SetOf(rt)
            } else {
                FuncReturn::Scalar(rt)
            },
            language: "c".into(),
            extension: Some(name.to_string()),
            comment: None,
        });
    }
}

pub(crate) fn drop_extension_objects(cat: &mut Catalog, name: &str) {
    for sc in cat.schemas.values_mut() {
        sc.types.retain(|_, t| t.extension.as_deref() != Some(name));
        sc.functions
            .retain(|f| f.extension.as_deref() != Some(name));
    }
}

pub(crate) fn create_extension(
    cat: &mut Catalog,
    c: &mut Cursor<'_, '_>,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
) -> PResult<()> {
    let if_not = c.eat_kws(&["if", "not", "exists"]);
    let off = c.offset();
    let name = c.ident()?;
    let mut schema = None;
    let mut version = None;
    c.eat_kw("with");
    while !c.done() {
        if c.eat_kw("schema") {
            schema = Some(c.ident()?);
        } else if c.eat_kw("version") {
            version = Some(match c.peek() {
                Some(t) if t.kind == TokenKind::String => c.string()?,
                _ => c.ident()?,
            });
        } else {
            c.bump();
        }
    }
    if cat.extensions.contains_key(&name) {
        if if_not {
            return Ok(());
        }
        return fail(
            off,
            ErrorKind::DuplicateObject,
            format!("extension \"{name}\" already exists"),
        );
    }
    let Some(default) = default_version(&name) else {
        let schema = cat.creation_schema(schema.as_deref(), off)?;
        let message = format!(
            "extension \"{name}\" is recorded but its objects are not modelled: its types, functions, operators and operator classes are opaque"
        );
        let target = (ObjectKind::Extension, Some(schema.clone()), name.clone());
        ctx.not_modelled(cat, notes, off, message, vec![target])?;
        cat.extensions.insert(
            name.clone(),
            Extension {
                name,
                schema,
                version: version.unwrap_or_else(|| "1.0".into()),
            },
        );
        return Ok(());
    };
    let schema = cat.creation_schema(schema.as_deref(), off)?;
    install(cat, &name, &schema);
    cat.extensions.insert(
        name.clone(),
        Extension {
            name,
            schema,
            version: version.unwrap_or_else(|| default.to_string()),
        },
    );
    Ok(())
}

/// The contrib extension that provides the type or operator class `name` (lower case).
pub(crate) fn provider_of(name: &str) -> Option<&'static str> {
    Some(match name {
        "citext" => "citext",
        "ltree" | "lquery" | "ltxtquery" | "gist_ltree_ops" | "gist__ltree_ops" => "ltree",
        "hstore" | "gist_hstore_ops" | "gin_hstore_ops" => "hstore",
        "gin_trgm_ops" | "gist_trgm_ops" => "pg_trgm",
        "gin__int_ops" | "gist__int_ops" | "gist__intbig_ops" => "intarray",
        "cube" => "cube",
        // btree_gist / btree_gin name their operator classes gist_<type>_ops / gin_<type>_ops;
        // the built-in GiST and GIN classes have no such prefix
        n if n.starts_with("gist_") && n.ends_with("_ops") => "btree_gist",
        n if n.starts_with("gin_") && n.ends_with("_ops") => "btree_gin",
        _ => return None,
    })
}

/// The extension a statement needs but no migration created: an operator class it names
/// (`gin_trgm_ops`), when the extension providing it is not installed.
pub(crate) fn implied_by_opclass(
    cat: &Catalog,
    toks: &[crate::syntax::Token<'_>],
) -> Option<(&'static str, String, usize)> {
    let head = toks.first()?;
    if !(head.is_word("create") || head.is_word("alter")) {
        return None;
    }
    toks.iter().find_map(|t| {
        let n = t.text.len();
        let ops = t.kind == TokenKind::Word
            && n > 4
            && t.text.is_char_boundary(n - 4)
            && t.text[n - 4..].eq_ignore_ascii_case("_ops");
        if !ops {
            return None;
        }
        let word = t.text.to_ascii_lowercase();
        let ext = provider_of(&word)?;
        (!cat.extensions.contains_key(ext)).then_some((ext, word, t.offset))
    })
}

/// Installs extension `ext`, which the migrations use (`what` names the object) but never
/// create, as created outside them (into the first schema of the search path), with a note.
pub(crate) fn assume_installed(
    cat: &mut Catalog,
    ctx: &Ctx<'_>,
    notes: &mut Vec<Diagnostic>,
    ext: &str,
    what: &str,
    off: usize,
) -> PResult<()> {
    let schema = cat.creation_schema(None, off)?;
    let message = format!(
        "{what} belongs to extension \"{ext}\", which no migration creates: assumed created outside the migrations, in schema \"{schema}\""
    );
    ctx.not_modelled(cat, notes, off, message, Vec::new())?;
    install(cat, ext, &schema);
    let version = default_version(ext).unwrap_or("1.0");
    cat.extensions.insert(
        ext.to_string(),
        Extension {
            name: ext.to_string(),
            schema,
            version: version.to_string(),
        },
    );
    Ok(())
}

impl Catalog {
    /// An opaque type named `name` from an installed extension whose objects are not modelled
    /// (in `schema`, or in a schema of the search path).
    pub(crate) fn opaque_extension_type(
        &self,
        schema: Option<&str>,
        name: &str,
    ) -> Option<TypeRef> {
        let ext = self.extensions.values().find(|e| {
            default_version(&e.name).is_none()
                && match schema {
                    Some(s) => e.schema == s,
                    None => self.search_path.contains(&e.schema),
                }
        })?;
        Some(TypeRef {
            schema: ext.schema.clone(),
            name: name.to_string(),
            typmod: -1,
            array_dims: 0,
        })
    }
}
