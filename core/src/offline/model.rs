//! The data model of one sqlx offline file (`query-<sha256>.json`).

use serde_json::{Map, Value};

/// A PostgreSQL type as sqlx records it in offline data (`PgTypeInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeInfo {
    /// A built-in type sqlx knows by name, e.g. `Int4`, `Timestamptz`, `TextArray`, `Record`.
    Builtin(String),
    /// A type sqlx resolved from the catalog: enums, composites, domains, arrays of those, ranges,
    /// and built-in types it has no variant for.
    Custom(CustomType),
    /// A type declared by name only (`{"DeclareWithName": "..."}`).
    DeclareWithName(String),
    /// A type declared by OID only (`{"DeclareWithOid": n}`).
    DeclareWithOid(u32),
    /// An array declared by element name (`{"DeclareArrayOf": {"elem_name", "name"}}`).
    DeclareArrayOf {
        /// The element type's name.
        elem_name: String,
        /// The array type's name.
        name: String,
    },
}

/// A user-defined (or otherwise unnamed by sqlx) type: its `regtype` name and kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomType {
    /// The name as `regtype` prints it: qualified only when its schema is not on the search path,
    /// arrays with a `[]` suffix (e.g. `underway.task_state`, `header_pair[]`).
    pub name: String,
    /// What kind of type it is.
    pub kind: TypeKind,
}

/// The kind of a [`CustomType`] (sqlx's `PgTypeKind`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// A base type with no further structure (e.g. `citext`).
    Simple,
    /// A pseudo-type.
    Pseudo,
    /// A domain over the given type.
    Domain(Box<TypeInfo>),
    /// A composite type with its fields in order.
    Composite(Vec<(String, TypeInfo)>),
    /// An array of the given element type.
    Array(Box<TypeInfo>),
    /// An enum with its labels in order.
    Enum(Vec<String>),
    /// A range over the given subtype.
    Range(Box<TypeInfo>),
}

/// Where an output column comes from (sqlx's `ColumnOrigin`, written by sqlx 0.8.3 and later).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColumnOrigin {
    /// A column of a table: `table` as `regclass` prints it, and the column's own name.
    Table {
        /// The relation, qualified only when its schema is not on the search path.
        table: String,
        /// The column's name in that relation.
        name: String,
    },
    /// An expression (or a column whose relation could not be told).
    Expression,
    /// The driver did not know.
    Unknown,
}

/// One output column of a described statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// 0-based position.
    pub ordinal: usize,
    /// The name PostgreSQL reports (alias text as written, including sqlx override syntax).
    pub name: String,
    /// The column's type.
    pub type_info: TypeInfo,
    /// The origin; `None` in files written by sqlx versions that did not record it.
    pub origin: Option<ColumnOrigin>,
}

/// The parameter information of a described statement (sqlx's `Option<Either<Vec<_>, usize>>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parameters {
    /// Every parameter's type (what PostgreSQL gives).
    Left(Vec<TypeInfo>),
    /// Only the number of parameters.
    Right(usize),
}

/// sqlx's `Describe`: columns, parameters and nullability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Describe {
    /// The output columns.
    pub columns: Vec<Column>,
    /// Parameter types, if known.
    pub parameters: Option<Parameters>,
    /// Per column: `Some(false)` never null, `Some(true)` may be null, `None` unknown.
    pub nullable: Vec<Option<bool>>,
}

impl Describe {
    /// The parameter types, or an empty slice when only a count (or nothing) is known.
    pub fn parameter_types(&self) -> &[TypeInfo] {
        match &self.parameters {
            Some(Parameters::Left(v)) => v,
            _ => &[],
        }
    }
}

/// One offline file: `{"db_name", "query", "describe", "hash"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryData {
    /// The database name sqlx wrote (`"PostgreSQL"`).
    pub db_name: String,
    /// The query text exactly as given to the macro.
    pub query: String,
    /// The description.
    pub describe: Describe,
    /// Lowercase hex SHA-256 of `query`.
    pub hash: String,
}

/// Errors reading an offline file.
#[derive(Debug, thiserror::Error)]
pub enum OfflineError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not JSON.
    #[error("{path}: line {line}, column {column}: invalid JSON: {message}")]
    Json {
        /// The file (or `<input>`).
        path: std::path::PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's message.
        message: String,
    },
    /// The JSON does not have the shape of sqlx offline data.
    #[error("{path}: not sqlx offline data: {message} (at {pointer})")]
    Shape {
        /// The file (or `<input>`).
        path: std::path::PathBuf,
        /// JSON pointer of the offending value.
        pointer: String,
        /// What was expected.
        message: String,
    },
}

type ShapeResult<T> = Result<T, (String, String)>;

fn shape<T>(pointer: &str, message: impl Into<String>) -> ShapeResult<T> {
    Err((pointer.to_string(), message.into()))
}

fn field<'a>(obj: &'a Map<String, Value>, key: &str, ptr: &str) -> ShapeResult<&'a Value> {
    match obj.get(key) {
        Some(v) => Ok(v),
        None => shape(ptr, format!("missing key `{key}`")),
    }
}

fn as_str<'a>(v: &'a Value, ptr: &str) -> ShapeResult<&'a str> {
    v.as_str()
        .map_or_else(|| shape(ptr, "expected a string"), Ok)
}

fn as_obj<'a>(v: &'a Value, ptr: &str) -> ShapeResult<&'a Map<String, Value>> {
    v.as_object()
        .map_or_else(|| shape(ptr, "expected an object"), Ok)
}

fn as_arr<'a>(v: &'a Value, ptr: &str) -> ShapeResult<&'a Vec<Value>> {
    v.as_array()
        .map_or_else(|| shape(ptr, "expected an array"), Ok)
}

/// The single `(key, value)` of an externally tagged enum value.
fn single<'a>(v: &'a Value, ptr: &str) -> ShapeResult<(&'a str, &'a Value)> {
    let obj = as_obj(v, ptr)?;
    let mut it = obj.iter();
    match (it.next(), it.next()) {
        (Some((k, v)), None) => Ok((k.as_str(), v)),
        _ => shape(ptr, "expected an object with exactly one key"),
    }
}

impl TypeInfo {
    /// A built-in type by sqlx name (`"Int4"`).
    pub fn builtin(name: &str) -> Self {
        TypeInfo::Builtin(name.to_string())
    }

    /// The JSON value sqlx writes for this type.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        match self {
            TypeInfo::Builtin(n) => return Value::String(n.clone()),
            TypeInfo::Custom(c) => {
                let mut inner = Map::new();
                inner.insert("name".into(), Value::String(c.name.clone()));
                inner.insert("kind".into(), c.kind.to_json());
                m.insert("Custom".into(), Value::Object(inner));
            }
            TypeInfo::DeclareWithName(n) => {
                m.insert("DeclareWithName".into(), Value::String(n.clone()));
            }
            TypeInfo::DeclareWithOid(o) => {
                m.insert("DeclareWithOid".into(), Value::from(*o));
            }
            TypeInfo::DeclareArrayOf { elem_name, name } => {
                let mut inner = Map::new();
                inner.insert("elem_name".into(), Value::String(elem_name.clone()));
                inner.insert("name".into(), Value::String(name.clone()));
                m.insert("DeclareArrayOf".into(), Value::Object(inner));
            }
        }
        Value::Object(m)
    }

    fn from_json_at(v: &Value, ptr: &str) -> ShapeResult<Self> {
        if let Some(s) = v.as_str() {
            return Ok(TypeInfo::Builtin(s.to_string()));
        }
        let (tag, inner) = single(v, ptr)?;
        let p = format!("{ptr}/{tag}");
        match tag {
            "Custom" => {
                let obj = as_obj(inner, &p)?;
                let name = as_str(field(obj, "name", &p)?, &format!("{p}/name"))?.to_string();
                let kind = TypeKind::from_json_at(field(obj, "kind", &p)?, &format!("{p}/kind"))?;
                Ok(TypeInfo::Custom(CustomType { name, kind }))
            }
            "DeclareWithName" => Ok(TypeInfo::DeclareWithName(as_str(inner, &p)?.to_string())),
            "DeclareWithOid" => match inner.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(n) => Ok(TypeInfo::DeclareWithOid(n)),
                None => shape(&p, "expected an OID"),
            },
            "DeclareArrayOf" => {
                let obj = as_obj(inner, &p)?;
                Ok(TypeInfo::DeclareArrayOf {
                    elem_name: as_str(field(obj, "elem_name", &p)?, &p)?.to_string(),
                    name: as_str(field(obj, "name", &p)?, &p)?.to_string(),
                })
            }
            other => shape(ptr, format!("unknown type_info variant `{other}`")),
        }
    }

    /// Parses a `type_info` JSON value.
    pub fn from_json(v: &Value) -> Result<Self, String> {
        Self::from_json_at(v, "").map_err(|(p, m)| format!("{m} (at {p})"))
    }
}

impl std::fmt::Display for TypeInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeInfo::Builtin(n) => f.write_str(n),
            TypeInfo::Custom(c) => write!(f, "{}", c.name),
            TypeInfo::DeclareWithName(n) => f.write_str(n),
            TypeInfo::DeclareWithOid(o) => write!(f, "oid {o}"),
            TypeInfo::DeclareArrayOf { name, .. } => f.write_str(name),
        }
    }
}

impl TypeKind {
    fn to_json(&self) -> Value {
        let mut m = Map::new();
        match self {
            TypeKind::Simple => return Value::String("Simple".into()),
            TypeKind::Pseudo => return Value::String("Pseudo".into()),
            TypeKind::Domain(t) => {
                m.insert("Domain".into(), t.to_json());
            }
            TypeKind::Composite(fields) => {
                let arr = fields
                    .iter()
                    .map(|(n, t)| Value::Array(vec![Value::String(n.clone()), t.to_json()]))
                    .collect();
                m.insert("Composite".into(), Value::Array(arr));
            }
            TypeKind::Array(t) => {
                m.insert("Array".into(), t.to_json());
            }
            TypeKind::Enum(labels) => {
                let arr = labels.iter().map(|l| Value::String(l.clone())).collect();
                m.insert("Enum".into(), Value::Array(arr));
            }
            TypeKind::Range(t) => {
                m.insert("Range".into(), t.to_json());
            }
        }
        Value::Object(m)
    }

    fn from_json_at(v: &Value, ptr: &str) -> ShapeResult<Self> {
        if let Some(s) = v.as_str() {
            return match s {
                "Simple" => Ok(TypeKind::Simple),
                "Pseudo" => Ok(TypeKind::Pseudo),
                other => shape(ptr, format!("unknown kind `{other}`")),
            };
        }
        let (tag, inner) = single(v, ptr)?;
        let p = format!("{ptr}/{tag}");
        match tag {
            "Domain" => Ok(TypeKind::Domain(Box::new(TypeInfo::from_json_at(
                inner, &p,
            )?))),
            "Array" => Ok(TypeKind::Array(Box::new(TypeInfo::from_json_at(
                inner, &p,
            )?))),
            "Range" => Ok(TypeKind::Range(Box::new(TypeInfo::from_json_at(
                inner, &p,
            )?))),
            "Enum" => as_arr(inner, &p)?
                .iter()
                .enumerate()
                .map(|(i, l)| as_str(l, &format!("{p}/{i}")).map(str::to_string))
                .collect::<ShapeResult<Vec<_>>>()
                .map(TypeKind::Enum),
            "Composite" => as_arr(inner, &p)?
                .iter()
                .enumerate()
                .map(|(i, pair)| {
                    let pp = format!("{p}/{i}");
                    let pair = as_arr(pair, &pp)?;
                    match pair.as_slice() {
                        [n, t] => Ok((
                            as_str(n, &pp)?.to_string(),
                            TypeInfo::from_json_at(t, &format!("{pp}/1"))?,
                        )),
                        _ => shape(&pp, "expected [name, type_info]"),
                    }
                })
                .collect::<ShapeResult<Vec<_>>>()
                .map(TypeKind::Composite),
            other => shape(ptr, format!("unknown kind `{other}`")),
        }
    }
}

impl ColumnOrigin {
    fn to_json(&self) -> Value {
        match self {
            ColumnOrigin::Table { table, name } => {
                let mut inner = Map::new();
                inner.insert("table".into(), Value::String(table.clone()));
                inner.insert("name".into(), Value::String(name.clone()));
                let mut m = Map::new();
                m.insert("Table".into(), Value::Object(inner));
                Value::Object(m)
            }
            ColumnOrigin::Expression => Value::String("Expression".into()),
            ColumnOrigin::Unknown => Value::String("Unknown".into()),
        }
    }

    fn from_json_at(v: &Value, ptr: &str) -> ShapeResult<Self> {
        match v.as_str() {
            Some("Expression") => return Ok(ColumnOrigin::Expression),
            Some("Unknown") => return Ok(ColumnOrigin::Unknown),
            Some(other) => return shape(ptr, format!("unknown origin `{other}`")),
            None => {}
        }
        let (tag, inner) = single(v, ptr)?;
        if tag != "Table" {
            return shape(ptr, format!("unknown origin `{tag}`"));
        }
        let p = format!("{ptr}/Table");
        let obj = as_obj(inner, &p)?;
        Ok(ColumnOrigin::Table {
            table: as_str(field(obj, "table", &p)?, &p)?.to_string(),
            name: as_str(field(obj, "name", &p)?, &p)?.to_string(),
        })
    }
}

impl Describe {
    /// The JSON value sqlx writes for the `describe` key.
    pub fn to_json(&self) -> Value {
        let columns = self
            .columns
            .iter()
            .map(|c| {
                let mut m = Map::new();
                m.insert("ordinal".into(), Value::from(c.ordinal));
                m.insert("name".into(), Value::String(c.name.clone()));
                m.insert("type_info".into(), c.type_info.to_json());
                if let Some(o) = &c.origin {
                    m.insert("origin".into(), o.to_json());
                }
                Value::Object(m)
            })
            .collect();
        let parameters = match &self.parameters {
            None => Value::Null,
            Some(Parameters::Left(v)) => {
                let mut m = Map::new();
                m.insert(
                    "Left".into(),
                    Value::Array(v.iter().map(TypeInfo::to_json).collect()),
                );
                Value::Object(m)
            }
            Some(Parameters::Right(n)) => {
                let mut m = Map::new();
                m.insert("Right".into(), Value::from(*n));
                Value::Object(m)
            }
        };
        let nullable = self
            .nullable
            .iter()
            .map(|n| n.map_or(Value::Null, Value::Bool))
            .collect();
        let mut m = Map::new();
        m.insert("columns".into(), Value::Array(columns));
        m.insert("parameters".into(), parameters);
        m.insert("nullable".into(), Value::Array(nullable));
        Value::Object(m)
    }

    fn from_json_at(v: &Value, ptr: &str) -> ShapeResult<Self> {
        let obj = as_obj(v, ptr)?;
        let cp = format!("{ptr}/columns");
        let columns = as_arr(field(obj, "columns", ptr)?, &cp)?
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let p = format!("{cp}/{i}");
                let o = as_obj(c, &p)?;
                let ordinal = field(o, "ordinal", &p)?
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .map_or_else(|| shape(&p, "`ordinal` must be an unsigned integer"), Ok)?;
                let name = as_str(field(o, "name", &p)?, &format!("{p}/name"))?.to_string();
                let type_info =
                    TypeInfo::from_json_at(field(o, "type_info", &p)?, &format!("{p}/type_info"))?;
                let origin = match o.get("origin") {
                    Some(v) => Some(ColumnOrigin::from_json_at(v, &format!("{p}/origin"))?),
                    None => None,
                };
                Ok(Column {
                    ordinal,
                    name,
                    type_info,
                    origin,
                })
            })
            .collect::<ShapeResult<Vec<_>>>()?;
        let pp = format!("{ptr}/parameters");
        let parameters = match obj.get("parameters") {
            None | Some(Value::Null) => None,
            Some(v) => {
                let (tag, inner) = single(v, &pp)?;
                match tag {
                    "Left" => Some(Parameters::Left(
                        as_arr(inner, &pp)?
                            .iter()
                            .enumerate()
                            .map(|(i, t)| TypeInfo::from_json_at(t, &format!("{pp}/Left/{i}")))
                            .collect::<ShapeResult<Vec<_>>>()?,
                    )),
                    "Right" => match inner.as_u64().and_then(|n| usize::try_from(n).ok()) {
                        Some(n) => Some(Parameters::Right(n)),
                        None => return shape(&pp, "`Right` must be a count"),
                    },
                    other => return shape(&pp, format!("unknown parameters variant `{other}`")),
                }
            }
        };
        let np = format!("{ptr}/nullable");
        let nullable = as_arr(field(obj, "nullable", ptr)?, &np)?
            .iter()
            .map(|n| match n {
                Value::Null => Ok(None),
                Value::Bool(b) => Ok(Some(*b)),
                _ => shape(&np, "expected true, false or null"),
            })
            .collect::<ShapeResult<Vec<_>>>()?;
        Ok(Describe {
            columns,
            parameters,
            nullable,
        })
    }
}

impl QueryData {
    /// Offline data for `query` with the given description; `hash` is computed.
    pub fn new(query: &str, describe: Describe) -> Self {
        QueryData {
            db_name: "PostgreSQL".to_string(),
            query: query.to_string(),
            describe,
            hash: super::hash_query(query),
        }
    }

    /// The JSON value, keys in sqlx's order.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("db_name".into(), Value::String(self.db_name.clone()));
        m.insert("query".into(), Value::String(self.query.clone()));
        m.insert("describe".into(), self.describe.to_json());
        m.insert("hash".into(), Value::String(self.hash.clone()));
        Value::Object(m)
    }

    /// The file's bytes exactly as sqlx 0.9 writes them: `serde_json` pretty printing (2-space
    /// indent) followed by one newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4096);
        // Serialising a `Value` into a Vec cannot fail.
        if serde_json::to_writer_pretty(&mut out, &self.to_json()).is_err() {
            out.clear();
        }
        out.push(b'\n');
        out
    }

    /// Parses a file's text (any sqlx 0.7–0.9 PostgreSQL offline file).
    pub fn parse(text: &str) -> Result<Self, OfflineError> {
        Self::parse_named(text, std::path::Path::new("<input>"))
    }

    pub(crate) fn parse_named(text: &str, path: &std::path::Path) -> Result<Self, OfflineError> {
        let v: Value = serde_json::from_str(text).map_err(|e| OfflineError::Json {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        Self::from_value(&v).map_err(|(pointer, message)| OfflineError::Shape {
            path: path.to_path_buf(),
            pointer,
            message,
        })
    }

    fn from_value(v: &Value) -> ShapeResult<Self> {
        let obj = as_obj(v, "")?;
        Ok(QueryData {
            db_name: as_str(field(obj, "db_name", "")?, "/db_name")?.to_string(),
            query: as_str(field(obj, "query", "")?, "/query")?.to_string(),
            describe: Describe::from_json_at(field(obj, "describe", "")?, "/describe")?,
            hash: as_str(field(obj, "hash", "")?, "/hash")?.to_string(),
        })
    }
}
