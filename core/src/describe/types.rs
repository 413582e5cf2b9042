//! The analyser's type model: PostgreSQL types by `typname`, their categories, implicit casts,
//! and the names sqlx gives them.

/// A PostgreSQL type as the analyser sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SqlType {
    /// A built-in (or extension) type by `typname`: `int4`, `text`, `timestamptz`, `citext`, ...
    /// Also the pseudo-types `unknown`, `record`, `void`, `trigger`.
    Base(String),
    /// An array of the element type.
    Array(Box<SqlType>),
    /// A user-defined type (enum, composite, domain, or a table's row type) by schema and name.
    User {
        /// Schema.
        schema: String,
        /// Type name.
        name: String,
    },
}

impl SqlType {
    /// A built-in type by `typname`.
    pub fn base(name: &str) -> SqlType {
        SqlType::Base(name.to_string())
    }

    /// `unknown`: an untyped literal or a parameter whose type is not yet known.
    pub fn unknown() -> SqlType {
        SqlType::base("unknown")
    }

    /// Whether this is `unknown`.
    pub fn is_unknown(&self) -> bool {
        matches!(self, SqlType::Base(n) if n == "unknown")
    }

    /// An array of this type.
    pub fn array_of(self) -> SqlType {
        SqlType::Array(Box::new(self))
    }

    /// The element type if this is an array.
    pub fn element(&self) -> Option<&SqlType> {
        match self {
            SqlType::Array(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn is(&self, name: &str) -> bool {
        matches!(self, SqlType::Base(n) if n == name)
    }
}

/// Maps a type name as written in SQL (already case-folded, modifiers removed) to a built-in
/// `typname`, or `None` when it is not a built-in name.
pub(crate) fn builtin_typname(name: &str) -> Option<&'static str> {
    Some(match name {
        "int" | "integer" | "int4" | "serial" | "serial4" => "int4",
        "bigint" | "int8" | "bigserial" | "serial8" => "int8",
        "smallint" | "int2" | "smallserial" | "serial2" => "int2",
        "text" => "text",
        "character varying" | "varchar" => "varchar",
        "character" | "char" | "bpchar" => "bpchar",
        "\"char\"" => "char",
        "name" => "name",
        "boolean" | "bool" => "bool",
        "double precision" | "float8" | "float" => "float8",
        "real" | "float4" => "float4",
        "numeric" | "decimal" => "numeric",
        "timestamp with time zone" | "timestamptz" => "timestamptz",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "date" => "date",
        "time" | "time without time zone" => "time",
        "time with time zone" | "timetz" => "timetz",
        "interval" => "interval",
        "uuid" => "uuid",
        "json" => "json",
        "jsonb" => "jsonb",
        "jsonpath" => "jsonpath",
        "bytea" => "bytea",
        "inet" => "inet",
        "cidr" => "cidr",
        "macaddr" => "macaddr",
        "macaddr8" => "macaddr8",
        "oid" => "oid",
        "regclass" => "regclass",
        "regtype" => "regtype",
        "regproc" => "regproc",
        "regnamespace" => "regnamespace",
        "xml" => "xml",
        "money" => "money",
        "bit" => "bit",
        "bit varying" | "varbit" => "varbit",
        "tsvector" => "tsvector",
        "tsquery" => "tsquery",
        "int4range" => "int4range",
        "int8range" => "int8range",
        "numrange" => "numrange",
        "tsrange" => "tsrange",
        "tstzrange" => "tstzrange",
        "daterange" => "daterange",
        "point" => "point",
        "line" => "line",
        "lseg" => "lseg",
        "box" => "box",
        "path" => "path",
        "polygon" => "polygon",
        "circle" => "circle",
        "record" => "record",
        "void" => "void",
        "trigger" => "trigger",
        "unknown" => "unknown",
        "pg_lsn" => "pg_lsn",
        "txid_snapshot" => "txid_snapshot",
        "xid" => "xid",
        // extensions
        "citext" => "citext",
        "ltree" => "ltree",
        "lquery" => "lquery",
        "ltxtquery" => "ltxtquery",
        "hstore" => "hstore",
        _ => return None,
    })
}

/// PostgreSQL's `typcategory` of a type (user types resolved by the caller).
pub(crate) fn category(t: &SqlType) -> char {
    match t {
        SqlType::Array(_) => 'A',
        SqlType::User { .. } => 'U',
        SqlType::Base(n) => match n.as_str() {
            "int2" | "int4" | "int8" | "float4" | "float8" | "numeric" | "oid" | "money"
            | "regclass" | "regtype" | "regproc" | "regnamespace" => 'N',
            "text" | "varchar" | "bpchar" | "name" | "citext" => 'S',
            "bool" => 'B',
            "date" | "time" | "timetz" | "timestamp" | "timestamptz" => 'D',
            "interval" => 'T',
            "inet" | "cidr" => 'I',
            "bit" | "varbit" => 'V',
            "int4range" | "int8range" | "numrange" | "tsrange" | "tstzrange" | "daterange" => 'R',
            "unknown" => 'X',
            "record" | "void" | "trigger" => 'P',
            "point" | "line" | "lseg" | "box" | "path" | "polygon" | "circle" => 'G',
            _ => 'U',
        },
    }
}

/// Whether `t` is the preferred type of its category.
pub(crate) fn is_preferred(t: &SqlType) -> bool {
    matches!(t, SqlType::Base(n) if matches!(n.as_str(), "float8" | "text" | "timestamptz" | "interval" | "inet" | "bool" | "oid" | "varbit"))
}

/// Implicit casts between built-in types (`pg_cast` entries with context `i`, plus binary
/// coercions), excluding identity.
pub(crate) fn implicit_cast(from: &SqlType, to: &SqlType) -> bool {
    if from == to {
        return true;
    }
    let (SqlType::Base(f), SqlType::Base(t)) = (from, to) else {
        return false;
    };
    matches!(
        (f.as_str(), t.as_str()),
        (
            "int2",
            "int4" | "int8" | "float4" | "float8" | "numeric" | "oid" | "regclass"
        ) | (
            "int4",
            "int8" | "float4" | "float8" | "numeric" | "oid" | "regclass" | "regtype"
        ) | ("int8", "float4" | "float8" | "numeric" | "oid" | "regclass")
            | ("float4", "float8")
            | ("numeric", "float4" | "float8")
            | ("varchar", "text" | "bpchar" | "name" | "regclass")
            | ("bpchar", "text" | "varchar" | "name")
            | ("text", "varchar" | "bpchar" | "name" | "regclass")
            | ("name", "text" | "varchar" | "bpchar")
            | ("char", "text" | "varchar" | "bpchar")
            | ("citext", "text" | "varchar" | "bpchar")
            | ("date", "timestamp" | "timestamptz")
            | ("timestamp", "timestamptz")
            | ("time", "timetz" | "interval")
            | ("cidr", "inet")
            | ("bit", "varbit")
            | ("varbit", "bit")
            | (
                "oid" | "regclass" | "regtype",
                "oid" | "regclass" | "regtype"
            )
    )
}

/// The sqlx `PgType` variant name of a built-in type, if sqlx has one.
pub(crate) fn sqlx_builtin_name(typname: &str) -> Option<&'static str> {
    Some(match typname {
        "bool" => "Bool",
        "bytea" => "Bytea",
        "char" => "Char",
        "name" => "Name",
        "int8" => "Int8",
        "int2" => "Int2",
        "int4" => "Int4",
        "text" => "Text",
        "oid" => "Oid",
        "json" => "Json",
        "point" => "Point",
        "lseg" => "Lseg",
        "path" => "Path",
        "box" => "Box",
        "polygon" => "Polygon",
        "line" => "Line",
        "cidr" => "Cidr",
        "float4" => "Float4",
        "float8" => "Float8",
        "unknown" => "Unknown",
        "circle" => "Circle",
        "macaddr8" => "Macaddr8",
        "macaddr" => "Macaddr",
        "inet" => "Inet",
        "bpchar" => "Bpchar",
        "varchar" => "Varchar",
        "date" => "Date",
        "time" => "Time",
        "timestamp" => "Timestamp",
        "timestamptz" => "Timestamptz",
        "interval" => "Interval",
        "timetz" => "Timetz",
        "bit" => "Bit",
        "varbit" => "Varbit",
        "numeric" => "Numeric",
        "record" => "Record",
        "uuid" => "Uuid",
        "jsonb" => "Jsonb",
        "int4range" => "Int4Range",
        "numrange" => "NumRange",
        "tsrange" => "TsRange",
        "tstzrange" => "TstzRange",
        "daterange" => "DateRange",
        "int8range" => "Int8Range",
        "jsonpath" => "Jsonpath",
        "money" => "Money",
        "void" => "Void",
        _ => return None,
    })
}

/// The sqlx name of an array of a built-in type, if sqlx has one.
pub(crate) fn sqlx_builtin_array_name(typname: &str) -> Option<&'static str> {
    Some(match typname {
        "json" => "JsonArray",
        "line" => "LineArray",
        "cidr" => "CidrArray",
        "circle" => "CircleArray",
        "macaddr8" => "Macaddr8Array",
        "bool" => "BoolArray",
        "bytea" => "ByteaArray",
        "char" => "CharArray",
        "name" => "NameArray",
        "int2" => "Int2Array",
        "int4" => "Int4Array",
        "text" => "TextArray",
        "bpchar" => "BpcharArray",
        "varchar" => "VarcharArray",
        "int8" => "Int8Array",
        "point" => "PointArray",
        "lseg" => "LsegArray",
        "path" => "PathArray",
        "box" => "BoxArray",
        "float4" => "Float4Array",
        "float8" => "Float8Array",
        "polygon" => "PolygonArray",
        "oid" => "OidArray",
        "macaddr" => "MacaddrArray",
        "inet" => "InetArray",
        "timestamp" => "TimestampArray",
        "date" => "DateArray",
        "time" => "TimeArray",
        "timestamptz" => "TimestamptzArray",
        "interval" => "IntervalArray",
        "numeric" => "NumericArray",
        "timetz" => "TimetzArray",
        "bit" => "BitArray",
        "varbit" => "VarbitArray",
        "record" => "RecordArray",
        "uuid" => "UuidArray",
        "jsonb" => "JsonbArray",
        "int4range" => "Int4RangeArray",
        "numrange" => "NumRangeArray",
        "tsrange" => "TsRangeArray",
        "tstzrange" => "TstzRangeArray",
        "daterange" => "DateRangeArray",
        "int8range" => "Int8RangeArray",
        "jsonpath" => "JsonpathArray",
        "money" => "MoneyArray",
        _ => return None,
    })
}

/// How `regtype` prints a built-in type (SQL-standard names for the common ones).
pub(crate) fn regtype_name(typname: &str) -> &str {
    match typname {
        "int4" => "integer",
        "int8" => "bigint",
        "int2" => "smallint",
        "varchar" => "character varying",
        "bpchar" => "character",
        "bool" => "boolean",
        "float8" => "double precision",
        "float4" => "real",
        "timestamptz" => "timestamp with time zone",
        "timestamp" => "timestamp without time zone",
        "time" => "time without time zone",
        "timetz" => "time with time zone",
        "varbit" => "bit varying",
        "char" => "\"char\"",
        other => other,
    }
}
