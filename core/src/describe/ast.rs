//! The syntax tree of the statements the analyser describes.
//!
//! Some fields are kept for a complete tree although the analyser does not read them yet
//! (literal values, `NATURAL`, `IS NOT`), hence the `dead_code` allowance.
#![allow(dead_code)]

/// A possibly qualified name (`schema.table`, `a.b.c`), each part already case-folded.
pub(crate) type ObjName = Vec<String>;

#[derive(Debug, Clone)]
pub(crate) enum Stmt {
    Query(Box<Query>),
    Insert(Box<Insert>),
    Update(Box<Update>),
    Delete(Box<Delete>),
    Merge(Box<Merge>),
    /// Anything else (DDL, SET, ...): described as no columns, no parameters.
    Other,
}

#[derive(Debug, Clone)]
pub(crate) struct Cte {
    pub name: String,
    pub columns: Vec<String>,
    pub stmt: Stmt,
    pub offset: usize,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct With {
    pub recursive: bool,
    pub ctes: Vec<Cte>,
}

#[derive(Debug, Clone)]
pub(crate) struct Query {
    pub with: Option<With>,
    pub body: SetExpr,
    pub order_by: Vec<OrderItem>,
    pub limit: Option<Expr>,
    pub offset: Option<Expr>,
    /// `FOR UPDATE | NO KEY UPDATE | SHARE | KEY SHARE OF name, …`: the clause as the server
    /// names it, and each relation named with its position.
    pub locking: Vec<(&'static str, Vec<(ObjName, usize)>)>,
}

#[derive(Debug, Clone)]
pub(crate) struct OrderItem {
    pub expr: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetOp {
    Union,
    Intersect,
    Except,
}

#[derive(Debug, Clone)]
pub(crate) enum SetExpr {
    Select(Box<Select>),
    Values(Vec<Vec<Expr>>),
    SetOp {
        op: SetOp,
        left: Box<SetExpr>,
        right: Box<SetExpr>,
    },
    Query(Box<Query>),
}

#[derive(Debug, Clone)]
pub(crate) enum GroupItem {
    Expr(Expr),
    /// ROLLUP / CUBE / GROUPING SETS: every expression inside becomes nullable.
    Sets(Vec<Expr>),
    Empty,
}

#[derive(Debug, Clone)]
pub(crate) struct Select {
    /// `SELECT DISTINCT` (without `ON`).
    pub distinct: bool,
    pub distinct_on: Vec<Expr>,
    pub targets: Vec<Target>,
    pub from: Vec<FromItem>,
    pub where_: Option<Expr>,
    pub group_by: Vec<GroupItem>,
    pub having: Option<Expr>,
    /// PARTITION BY / ORDER BY expressions of the WINDOW clause.
    pub windows: Vec<Expr>,
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// `*` or `qual.*`.
    Star {
        qualifier: Option<ObjName>,
        offset: usize,
    },
    Expr {
        expr: Expr,
        alias: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Alias {
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JoinKind {
    Inner,
    Left,
    Right,
    Full,
    Cross,
}

#[derive(Debug, Clone)]
pub(crate) enum FromItem {
    Table {
        name: ObjName,
        alias: Option<Alias>,
        offset: usize,
    },
    Subquery {
        lateral: bool,
        query: Box<Query>,
        alias: Option<Alias>,
    },
    Function {
        lateral: bool,
        call: Expr,
        alias: Option<Alias>,
        ordinality: bool,
    },
    Join {
        kind: JoinKind,
        natural: bool,
        left: Box<FromItem>,
        right: Box<FromItem>,
        on: Option<Expr>,
        using: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub(crate) enum Literal {
    Null,
    Bool(bool),
    Int(String),
    Num(String),
    Str(String),
}

/// A type name as written, e.g. `character varying(255)[]`, `underway.task_state`.
#[derive(Debug, Clone)]
pub(crate) struct TypeName {
    pub name: ObjName,
    pub array_dims: usize,
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct FuncCall {
    pub name: ObjName,
    pub args: Vec<Expr>,
    /// Names of named arguments (`name => value`), parallel to `args`.
    pub arg_names: Vec<Option<String>>,
    pub star: bool,
    pub distinct: bool,
    pub order_by: Vec<OrderItem>,
    pub filter: Option<Box<Expr>>,
    pub over: bool,
    pub within_group: bool,
    /// PARTITION BY / ORDER BY expressions of an inline window.
    pub window: Vec<Expr>,
}

#[derive(Debug, Clone)]
pub(crate) enum ExprKind {
    Column(ObjName),
    Param(usize),
    Lit(Literal),
    Unary {
        op: String,
        expr: Box<Expr>,
    },
    Binary {
        op: String,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    IsNull {
        expr: Box<Expr>,
        not: bool,
    },
    /// `IS [NOT] TRUE|FALSE|UNKNOWN`.
    IsBool {
        expr: Box<Expr>,
    },
    IsDistinct {
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
    },
    InQuery {
        expr: Box<Expr>,
        query: Box<Query>,
    },
    /// `left op ANY|ALL (right)` where right is an array expression.
    AnyAll {
        left: Box<Expr>,
        op: String,
        right: Box<Expr>,
    },
    /// `left op ANY|ALL (subquery)`.
    AnyAllQuery {
        left: Box<Expr>,
        op: String,
        query: Box<Query>,
    },
    Cast {
        expr: Box<Expr>,
        ty: TypeName,
    },
    /// `type 'literal'`, e.g. `interval '1 day'`.
    TypedLit {
        ty: TypeName,
    },
    Func(Box<FuncCall>),
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
    },
    Exists(Box<Query>),
    Subquery(Box<Query>),
    Array(Vec<Expr>),
    ArrayQuery(Box<Query>),
    /// `ROW(...)` or `(a, b)`.
    Row(Vec<Expr>),
    /// `(expr).field`.
    Field {
        expr: Box<Expr>,
        field: String,
    },
    /// `(expr).*`
    FieldStar(Box<Expr>),
    Index {
        expr: Box<Expr>,
        slice: bool,
        index: Vec<Expr>,
    },
    /// `CURRENT_TIMESTAMP`, `CURRENT_DATE`, `CURRENT_USER`, ... (keyword functions).
    SqlValue(String),
    AtTimeZone {
        expr: Box<Expr>,
        zone: Box<Expr>,
    },
    Default,
}

#[derive(Debug, Clone)]
pub(crate) struct Expr {
    pub kind: ExprKind,
    pub offset: usize,
}

impl Expr {
    /// Where the expression starts, as PostgreSQL's `exprLocation` reports it: the leftmost
    /// of its own position (an operator's, a cast's `::`) and its leading operand's.
    pub(crate) fn leftmost(&self) -> usize {
        // a loop down the leading operands: a chain of 4,000 operators is as deep
        let mut min = self.offset;
        let mut e = self;
        while let Some(lead) = e.lead() {
            min = min.min(lead.offset);
            e = lead;
        }
        min
    }

    /// The leading operand, for expressions written after it (`a + b`, `a::t`, `a IS NULL`).
    fn lead(&self) -> Option<&Expr> {
        match &self.kind {
            ExprKind::Binary { left, .. }
            | ExprKind::IsDistinct { left, .. }
            | ExprKind::AnyAll { left, .. }
            | ExprKind::AnyAllQuery { left, .. }
            | ExprKind::And(left, _)
            | ExprKind::Or(left, _) => Some(left),
            ExprKind::Unary { expr, .. }
            | ExprKind::IsNull { expr, .. }
            | ExprKind::IsBool { expr }
            | ExprKind::Between { expr, .. }
            | ExprKind::InList { expr, .. }
            | ExprKind::InQuery { expr, .. }
            | ExprKind::Cast { expr, .. }
            | ExprKind::Field { expr, .. }
            | ExprKind::FieldStar(expr)
            | ExprKind::Index { expr, .. }
            | ExprKind::AtTimeZone { expr, .. } => Some(expr),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum InsertSource {
    Query(Box<Query>),
    DefaultValues,
}

#[derive(Debug, Clone)]
pub(crate) enum SetTarget {
    Column {
        name: String,
        offset: usize,
    },
    /// `(a, b) = (...)`
    Columns {
        names: Vec<String>,
        offset: usize,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Assignment {
    pub target: SetTarget,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub(crate) struct OnConflict {
    pub target: Vec<Expr>,
    pub target_where: Option<Expr>,
    pub update: Option<(Vec<Assignment>, Option<Expr>)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Insert {
    pub with: Option<With>,
    pub table: ObjName,
    pub table_offset: usize,
    pub alias: Option<String>,
    pub columns: Vec<(String, usize)>,
    pub source: InsertSource,
    pub on_conflict: Option<OnConflict>,
    pub returning: Vec<Target>,
}

#[derive(Debug, Clone)]
pub(crate) struct Update {
    pub with: Option<With>,
    pub table: ObjName,
    pub table_offset: usize,
    pub alias: Option<String>,
    pub sets: Vec<Assignment>,
    pub from: Vec<FromItem>,
    pub where_: Option<Expr>,
    pub returning: Vec<Target>,
}

#[derive(Debug, Clone)]
pub(crate) struct Delete {
    pub with: Option<With>,
    pub table: ObjName,
    pub table_offset: usize,
    pub alias: Option<String>,
    pub using: Vec<FromItem>,
    pub where_: Option<Expr>,
    pub returning: Vec<Target>,
}

#[derive(Debug, Clone)]
pub(crate) enum MergeAction {
    Update(Vec<Assignment>),
    Delete,
    Insert {
        columns: Vec<(String, usize)>,
        values: Option<Vec<Expr>>,
    },
    Nothing,
}

#[derive(Debug, Clone)]
pub(crate) struct MergeWhen {
    pub matched: bool,
    pub condition: Option<Expr>,
    pub action: MergeAction,
}

#[derive(Debug, Clone)]
pub(crate) struct Merge {
    pub with: Option<With>,
    pub table: ObjName,
    pub table_offset: usize,
    pub alias: Option<String>,
    pub source: FromItem,
    pub on: Expr,
    pub whens: Vec<MergeWhen>,
}
