//! Finding the objects a statement names: schemas for new objects, relations and types through the search path, and the one answer to a name that is not there (`IF EXISTS` notice, not modelled, or the server's `does not exist`).

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------------------------------------
// name resolution

impl Catalog {
    /// The schema a new object goes into.
    pub(crate) fn creation_schema(&self, explicit: Option<&str>, off: usize) -> PResult<String> {
        match explicit {
            Some(s) => {
                if self.schemas.contains_key(s) {
                    Ok(s.to_string())
                } else {
                    fail(
                        off,
                        ErrorKind::UndefinedSchema,
                        format!("schema \"{s}\" does not exist"),
                    )
                }
            }
            None => match self
                .search_path
                .iter()
                .find(|s| self.schemas.contains_key(s.as_str()))
            {
                Some(s) => Ok(s.clone()),
                None => fail(
                    off,
                    ErrorKind::UndefinedSchema,
                    "no schema has been selected to create in",
                ),
            },
        }
    }

    /// The schema holding relation `name` (tables and views).
    pub(crate) fn find_relation_schema(&self, schema: Option<&str>, name: &str) -> Option<String> {
        match schema {
            Some(s) => self
                .schemas
                .get(s)
                .filter(|sc| sc.relations.contains_key(name))
                .map(|_| s.to_string()),
            None => self
                .search_path
                .iter()
                .find(|s| {
                    self.schemas
                        .get(s.as_str())
                        .is_some_and(|sc| sc.relations.contains_key(name))
                })
                .cloned(),
        }
    }

    pub(crate) fn require_relation(
        &self,
        schema: Option<&str>,
        name: &str,
        off: usize,
    ) -> PResult<QualName> {
        match self.find_relation_schema(schema, name) {
            Some(s) => Ok(QualName::new(s, name)),
            None => match self.unknown_relation(schema, name) {
                Some(u) => fail(off, ErrorKind::NotModelled, u.to_string()),
                None => fail(
                    off,
                    ErrorKind::UndefinedTable,
                    format!("relation \"{}\" does not exist", display_name(schema, name)),
                ),
            },
        }
    }

    pub(crate) fn find_in_schemas<F: Fn(&Schema) -> bool>(
        &self,
        schema: Option<&str>,
        pred: F,
    ) -> Option<String> {
        match schema {
            Some(s) => self
                .schemas
                .get(s)
                .filter(|sc| pred(sc))
                .map(|_| s.to_string()),
            None => self
                .search_path
                .iter()
                .find(|s| self.schemas.get(s.as_str()).is_some_and(&pred))
                .cloned(),
        }
    }

    pub(crate) fn rel(&self, q: &QualName) -> &Relation {
        &self.schemas[&q.schema].relations[&q.name]
    }

    pub(crate) fn rel_mut(&mut self, q: &QualName) -> &mut Relation {
        self.schemas
            .get_mut(&q.schema)
            .and_then(|s| s.relations.get_mut(&q.name))
            .expect("relation resolved before")
    }

    /// Resolves a written type name.
    pub(crate) fn resolve_type(&self, rt: &RawType) -> PResult<TypeRef> {
        if let Some(parts) = &rt.percent_type {
            // table.column%TYPE
            let (schema, table, col) = match parts.as_slice() {
                [t, c] => (None, t.as_str(), c.as_str()),
                [s, t, c] => (Some(s.as_str()), t.as_str(), c.as_str()),
                _ => return fail(rt.offset, ErrorKind::SyntaxError, "bad %TYPE reference"),
            };
            let q = self.require_relation(schema, table, rt.offset)?;
            return match self.rel(&q).column(col) {
                Some(c) => Ok(c.ty.clone()),
                None => fail(
                    rt.offset,
                    ErrorKind::UndefinedColumn,
                    format!("column \"{col}\" of relation \"{table}\" does not exist"),
                ),
            };
        }
        let mut ty = if rt.schema.is_none() && !rt.quoted {
            if let Some(b) = types::builtin_alias(&rt.name) {
                let mut t = TypeRef::builtin(b);
                t.typmod = if rt.keyword_default_len || !rt.mods.is_empty() {
                    match types::typmod_for(b, &rt.mods) {
                        Some(m) => m,
                        None => {
                            return fail(
                                rt.offset,
                                ErrorKind::InvalidDefinition,
                                format!("invalid type modifier for type {}", rt.name),
                            );
                        }
                    }
                } else {
                    -1
                };
                Some(t)
            } else {
                None
            }
        } else if rt.schema.is_none() && rt.quoted {
            // a quoted name is looked up as is; pg_catalog comes first in the path
            types::builtin_by_typname(&rt.name).map(|b| TypeRef::builtin(b.typname))
        } else if rt.schema.as_deref() == Some("pg_catalog") {
            types::builtin_by_typname(&rt.name).map(|b| {
                let mut t = TypeRef::builtin(b.typname);
                t.typmod = types::typmod_for(b.typname, &rt.mods).unwrap_or(-1);
                t
            })
        } else {
            None
        };
        if ty.is_none() {
            // A user type, a table's row type, or an array type spelled `_name`.
            let found = self.find_in_schemas(rt.schema.as_deref(), |s| {
                s.types.contains_key(&rt.name) || s.relations.contains_key(&rt.name)
            });
            if let Some(schema) = found {
                ty = Some(TypeRef {
                    schema,
                    name: rt.name.clone(),
                    typmod: -1,
                    array_dims: 0,
                });
            } else if let Some(elem) = rt.name.strip_prefix('_') {
                let inner = RawType {
                    name: elem.to_string(),
                    quoted: true,
                    array_dims: 0,
                    ..rt.clone()
                };
                if let Ok(mut t) = self.resolve_type(&inner) {
                    t.array_dims = 1;
                    ty = Some(t);
                }
            }
        }
        match ty {
            Some(mut t) => {
                t.array_dims += rt.array_dims;
                Ok(t)
            }
            None => {
                let schema = rt.schema.as_deref();
                if let Some(mut t) = self.opaque_extension_type(schema, &rt.name) {
                    t.array_dims = rt.array_dims;
                    return Ok(t);
                }
                if let Some(u) = self.unknown_type(schema, &rt.name) {
                    return fail(rt.offset, ErrorKind::NotModelled, u.to_string());
                }
                fail(
                    rt.offset,
                    ErrorKind::UndefinedObject,
                    format!("type \"{}\" does not exist", display_name(schema, &rt.name)),
                )
            }
        }
    }

    pub(crate) fn parse_type(&self, c: &mut Cursor<'_, '_>) -> PResult<TypeRef> {
        let rt = c.raw_type()?;
        self.resolve_type(&rt)
    }

    pub(crate) fn visible_path(&self) -> Vec<String> {
        self.search_path.clone()
    }

    pub(crate) fn all_constraint_names(&self, schema: &str) -> impl Iterator<Item = &str> {
        self.schemas
            .get(schema)
            .into_iter()
            .flat_map(|s| s.relations.values())
            .flat_map(|r| r.constraints.iter().map(|c| c.name.as_str()))
    }
}

/// The object a statement names was not found.
pub(crate) struct Missing<'a> {
    /// The word in the server's message: `relation`, `table`, `index`, `type`, ...
    pub what: &'a str,
    /// The kind of object, for marks of statements not modelled.
    pub object: ObjectKind,
    /// The schema as written.
    pub schema: Option<&'a str>,
    /// The name as written.
    pub name: &'a str,
    /// Where the name is.
    pub off: usize,
    /// The statement said `IF EXISTS`.
    pub if_exists: bool,
}

impl Missing<'_> {
    /// With `IF EXISTS`, the server's notice and `Ok` (the statement skips the object); for an
    /// object a statement not modelled touched, not modelled; else the server's `does not
    /// exist` error.
    pub(crate) fn handle(
        &self,
        cat: &Catalog,
        ctx: &Ctx<'_>,
        notes: &mut Vec<Diagnostic>,
    ) -> PResult<()> {
        let (what, name) = (self.what, self.name);
        if self.if_exists {
            ctx.notice(
                notes,
                self.off,
                format!("{what} \"{name}\" does not exist, skipping"),
            );
            return Ok(());
        }
        if let Some(u) = cat.unknown_of(self.object, self.schema, name) {
            return fail(self.off, ErrorKind::NotModelled, u.to_string());
        }
        let kind = match what {
            "type" | "extension" | "domain" => ErrorKind::UndefinedObject,
            "schema" => ErrorKind::UndefinedSchema,
            "function" | "procedure" | "aggregate" => ErrorKind::UndefinedFunction,
            _ => ErrorKind::UndefinedTable,
        };
        let shown = display_name(self.schema, name);
        fail(self.off, kind, format!("{what} \"{shown}\" does not exist"))
    }
}

pub(crate) fn display_name(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(s) => format!("{s}.{name}"),
        None => name.to_string(),
    }
}

pub(crate) fn find_type_schema(cat: &Catalog, schema: Option<&str>, name: &str) -> Option<String> {
    cat.find_in_schemas(schema, |s| s.types.contains_key(name))
}
