//! The analyser proper: name resolution, typing with PostgreSQL's overload and implicit-cast
//! rules, parameter type inference, output names, nullability and column origins.

use super::ast::*;
use super::builtins::{Builtin, builtins};
use super::schema::{Schema, UserType};
use super::types::{SqlType, category, implicit_cast, is_preferred};
use crate::catalog::types::quote_ident;

/// Where an output column comes from: relation (as `regclass` prints it) and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub table: String,
    pub column: String,
    /// The relation column's own nullability (`NOT attnotnull`), what sqlx reads.
    pub attr_nullable: bool,
    /// Whether an outer join above makes it nullable.
    pub outer: bool,
}

/// A column of a range entry or an output column.
#[derive(Debug, Clone)]
pub(crate) struct Col {
    pub name: String,
    pub ty: SqlType,
    pub nullable: bool,
    pub origin: Option<Origin>,
}

/// An analysis error at a byte offset.
#[derive(Debug, Clone)]
pub(crate) struct AError {
    pub message: String,
    pub offset: usize,
    pub hint: Option<String>,
}

type AResult<T> = Result<T, AError>;

fn err<T>(offset: usize, message: impl Into<String>) -> AResult<T> {
    Err(AError {
        message: message.into(),
        offset,
        hint: None,
    })
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    schema: Option<String>,
    cols: Vec<Col>,
    row_type: SqlType,
    outer_null: bool,
    /// Columns merged by `USING` / `NATURAL`: hidden from unqualified names and `*`.
    hidden: Vec<String>,
    /// The relation `(schema, name)` when this entry is a table, its columns in the table's
    /// order (for functional dependencies on its primary key).
    relation: Option<(String, String)>,
}

#[derive(Debug, Clone, Default)]
struct Level {
    entries: Vec<Entry>,
    ctes: Vec<(String, Vec<Col>)>,
    hidden: bool,
    /// (entry, column) pairs made nullable by ROLLUP / CUBE / GROUPING SETS.
    grouping_nullable: Vec<(usize, String)>,
    /// What the grouping check of the SELECT being analysed has seen.
    group: GroupCheck,
}

/// PostgreSQL's check that a grouped query uses its columns only inside aggregates or as
/// grouped (`check_ungrouped_columns`), and that aggregates stay out of `WHERE` and `JOIN`
/// conditions. Kept conservative: where the answer depends on something not modelled
/// (expressions or grouping sets in `GROUP BY`, a call that may be a user-defined aggregate,
/// references inside subqueries), nothing is reported.
#[derive(Debug, Clone, Default)]
struct GroupCheck {
    /// Column references are being recorded (target list, window clauses, HAVING, ORDER BY).
    recording: bool,
    /// How many aggregate calls of this level enclose the expression being analysed.
    agg_depth: usize,
    /// An aggregate call was seen.
    has_agg: bool,
    /// A call to a user-defined function was seen (it may be an aggregate): no check.
    unsure: bool,
    /// The clause being analysed, when aggregates are not allowed in it.
    forbidden: Option<&'static str>,
    /// Column references outside aggregates: entry, column, the reference's qualifier (the
    /// entry's name), offset.
    refs: Vec<(usize, String, String, usize)>,
    /// References to outer queries' columns seen so far (an aggregate over them belongs to
    /// the outer query, which this check leaves alone).
    outer_refs: usize,
}

/// A typed expression.
#[derive(Debug, Clone)]
struct Info {
    ty: SqlType,
    nullable: bool,
    name: Option<String>,
    origin: Option<Origin>,
    /// A bare parameter whose type is not known yet.
    param: Option<usize>,
    /// `(level, entry)` when this is a plain reference to a range entry's column.
    var: Option<(usize, usize)>,
    /// A string literal's text and position, while its type is still unknown.
    literal: Option<(String, usize)>,
}

impl Info {
    fn new(ty: SqlType, nullable: bool) -> Info {
        Info {
            ty,
            nullable,
            name: None,
            origin: None,
            param: None,
            var: None,
            literal: None,
        }
    }
    fn named(mut self, name: &str) -> Info {
        self.name = Some(name.to_string());
        self
    }
}

/// A resolved signature: declared argument types (polymorphism substituted) and result.
struct Chosen {
    args: Vec<SqlType>,
    ret: SqlType,
    builtin: Option<Builtin>,
}

pub(crate) struct Analyzer<'s> {
    schema: &'s Schema,
    levels: Vec<Level>,
    pub params: Vec<Option<SqlType>>,
    /// The first literal that does not read as the type it was given (the server raises it
    /// where it coerces the literal, before anything analysed later).
    bad_literal: Option<AError>,
    /// The target columns of the INSERT whose source query is about to be analysed: its
    /// SELECT list or VALUES rows are assigned to them (and checked as the server does).
    assignment: Option<Vec<String>>,
}

impl<'s> Analyzer<'s> {
    pub(crate) fn new(schema: &'s Schema) -> Self {
        Analyzer {
            schema,
            levels: Vec::new(),
            params: Vec::new(),
            bad_literal: None,
            assignment: None,
        }
    }

    // ------------------------------------------------------------------ helpers

    /// A relation or type name as `regclass`/`format_type` print it: quoted where needed,
    /// qualified when its schema is not on the search path (`users`, `"user"`, `app."Order"`).
    fn display_relation(&self, schema: &str, name: &str) -> String {
        if self.schema.is_visible(schema) {
            quote_ident(name)
        } else {
            format!("{}.{}", quote_ident(schema), quote_ident(name))
        }
    }

    /// Domain → base type, recursively.
    fn reduce(&self, t: &SqlType) -> SqlType {
        let mut t = t.clone();
        for _ in 0..8 {
            match &t {
                SqlType::User { schema, name } => {
                    match self.schema.types.get(&(schema.clone(), name.clone())) {
                        Some(UserType::Domain { base, .. }) => t = base.clone(),
                        _ => return t,
                    }
                }
                _ => return t,
            }
        }
        t
    }

    /// The type PostgreSQL reports for an output column: domains are reported as their base.
    pub(crate) fn output_type(&self, t: &SqlType) -> SqlType {
        self.reduce(t)
    }

    fn domain_not_null(&self, t: &SqlType) -> bool {
        match t {
            SqlType::User { schema, name } => {
                match self.schema.types.get(&(schema.clone(), name.clone())) {
                    Some(UserType::Domain { base, not_null }) => {
                        *not_null || self.domain_not_null(base)
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    fn is_enum(&self, t: &SqlType) -> bool {
        matches!(t, SqlType::User { schema, name } if matches!(self.schema.types.get(&(schema.clone(), name.clone())), Some(UserType::Enum(_))))
    }

    fn is_composite(&self, t: &SqlType) -> bool {
        match t {
            SqlType::User { schema, name } => {
                matches!(
                    self.schema.types.get(&(schema.clone(), name.clone())),
                    Some(UserType::Composite(_))
                ) || self
                    .schema
                    .relations
                    .contains_key(&(schema.clone(), name.clone()))
            }
            SqlType::Base(n) => n == "record",
            _ => false,
        }
    }

    fn cat(&self, t: &SqlType) -> char {
        if self.is_enum(t) {
            'E'
        } else if self.is_composite(t) {
            'C'
        } else {
            category(t)
        }
    }

    fn set_param(&mut self, n: usize, ty: &SqlType) {
        if n == 0 {
            return;
        }
        if self.params.len() < n {
            self.params.resize(n, None);
        }
        if self.params[n - 1].is_none() && !ty.is_unknown() {
            self.params[n - 1] = Some(ty.clone());
        }
    }

    /// Coerces an expression to a type: an unresolved parameter takes it.
    fn coerce(&mut self, info: &mut Info, ty: &SqlType) {
        if let Some(n) = info.param.take() {
            self.set_param(n, ty);
            info.ty = ty.clone();
        } else if info.ty.is_unknown() {
            if let Some((text, offset)) = info.literal.take()
                && self.bad_literal.is_none()
                && let Some(message) = self.literal_error(&text, ty)
            {
                self.bad_literal = Some(AError {
                    message,
                    offset,
                    hint: None,
                });
            }
            info.ty = ty.clone();
        }
    }

    /// PostgreSQL's refusal to store a `from` value in a `to` column (no implicit or assignment
    /// cast). Only clear cases are reported: values of another type category than the column's,
    /// where no cast applies, with any type allowed into string columns (I/O conversion) and
    /// arrays, composites and pseudo-types not judged.
    fn check_assignment(
        &self,
        from: &SqlType,
        to: &SqlType,
        column: &str,
        offset: usize,
    ) -> AResult<()> {
        let (f, t) = (self.reduce(from), self.reduce(to));
        let judged = |ty: &SqlType| match ty {
            // built-in types; an extension's type (`ltree`, `hstore`) may bring its own casts
            SqlType::Base(n) => match category(ty) {
                'P' | 'X' => false,
                'U' => matches!(
                    n.as_str(),
                    "uuid"
                        | "json"
                        | "jsonb"
                        | "bytea"
                        | "xml"
                        | "tsvector"
                        | "tsquery"
                        | "macaddr"
                        | "macaddr8"
                ),
                _ => true,
            },
            SqlType::User { .. } => self.is_enum(ty),
            SqlType::Array(_) => false,
        };
        let allowed = f == t
            || !judged(&f)
            || !judged(&t)
            || category(&t) == 'S'
            || (category(&f) == category(&t) && !matches!(t, SqlType::User { .. }))
            || implicit_cast(&f, &t)
            || (f.is("interval") && t.is("time"));
        if allowed {
            return Ok(());
        }
        Err(AError {
            message: format!(
                "column \"{column}\" is of type {} but expression is of type {}",
                self.type_display(to),
                self.type_display(from)
            ),
            offset,
            hint: Some("You will need to rewrite or cast the expression.".into()),
        })
    }

    /// The server's error for a string literal read as `ty`, for the types whose input rules
    /// are modelled: enum labels and the integer types.
    fn literal_error(&self, text: &str, ty: &SqlType) -> Option<String> {
        let base = self.reduce(ty);
        match &base {
            SqlType::User { schema, name } => {
                match self.schema.types.get(&(schema.clone(), name.clone())) {
                    Some(UserType::Enum(labels)) if !labels.iter().any(|l| l == text) => {
                        Some(format!(
                            "invalid input value for enum {}: \"{text}\"",
                            self.type_display(&base)
                        ))
                    }
                    _ => None,
                }
            }
            SqlType::Base(n) => {
                let (bits, shown) = match n.as_str() {
                    "int2" => (16, "smallint"),
                    "int4" => (32, "integer"),
                    "int8" => (64, "bigint"),
                    _ => return None,
                };
                // PostgreSQL 15's int input: blanks around, a sign, decimal digits
                let t = text.trim_matches(|c: char| c.is_ascii_whitespace());
                let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Some(format!("invalid input syntax for type {shown}: \"{text}\""));
                }
                let fits = t.parse::<i128>().is_ok_and(|v| {
                    let max = (1i128 << (bits - 1)) - 1;
                    (-max - 1..=max).contains(&v)
                });
                (!fits).then(|| format!("value \"{text}\" is out of range for type {shown}"))
            }
            SqlType::Array(_) => None,
        }
    }

    fn resolve_type(&self, tn: &TypeName) -> AResult<SqlType> {
        let mut ty = match self.schema.resolve_type_parts(&tn.name) {
            Some(t) => t,
            None => {
                return err(
                    tn.offset,
                    format!("type \"{}\" does not exist", tn.name.join(".")),
                );
            }
        };
        for _ in 0..tn.array_dims {
            ty = ty.array_of();
        }
        Ok(ty)
    }

    /// The column name PostgreSQL gives a cast to this type (`int4`, `text`, `task_state`).
    fn type_colname(ty: &SqlType) -> String {
        match ty {
            SqlType::Base(n) => n.clone(),
            SqlType::Array(e) => Self::type_colname(e),
            SqlType::User { name, .. } => name.clone(),
        }
    }

    /// PostgreSQL's `select_common_type`.
    fn common_type(&self, types: &[SqlType]) -> SqlType {
        let items: Vec<(SqlType, usize)> = types.iter().map(|t| (t.clone(), 0)).collect();
        self.unify(&items, None)
            .unwrap_or_else(|_| SqlType::base("text"))
    }

    /// PostgreSQL's `select_common_type`: the first known type (domains as their base), moved
    /// along implicit casts toward its category's preferred type. With a `context` (`CASE`,
    /// `COALESCE`, …), an input of another type category is the server's error, at that input.
    fn unify(&self, items: &[(SqlType, usize)], context: Option<&str>) -> AResult<SqlType> {
        let known: Vec<&(SqlType, usize)> = items.iter().filter(|(t, _)| !t.is_unknown()).collect();
        let Some((first, _)) = known.first() else {
            return Ok(SqlType::base("text"));
        };
        if known.iter().all(|(t, _)| t == first) {
            return Ok(first.clone());
        }
        let mut result = self.reduce(first);
        for (t, offset) in &known[1..] {
            let t = self.reduce(t);
            if t == result {
                continue;
            }
            if let Some(context) = context
                && category(&t) != category(&result)
            {
                return err(
                    *offset,
                    format!(
                        "{context} types {} and {} cannot be matched",
                        self.type_display(&result),
                        self.type_display(&t)
                    ),
                );
            }
            if !is_preferred(&result) && implicit_cast(&result, &t) && !implicit_cast(&t, &result) {
                result = t;
            }
        }
        Ok(result)
    }

    // ------------------------------------------------------------------ scopes

    fn push(&mut self) {
        self.levels.push(Level::default());
    }

    fn pop(&mut self) -> Level {
        self.levels.pop().unwrap_or_default()
    }

    fn top(&mut self) -> &mut Level {
        if self.levels.is_empty() {
            self.push();
        }
        let n = self.levels.len() - 1;
        &mut self.levels[n]
    }

    fn find_cte(&self, name: &str) -> Option<Vec<Col>> {
        for level in self.levels.iter().rev() {
            if let Some((_, cols)) = level.ctes.iter().rev().find(|(n, _)| n == name) {
                return Some(cols.clone());
            }
        }
        None
    }

    fn relation_entry(&self, name: &[String], offset: usize) -> AResult<Entry> {
        if name.len() == 1
            && let Some(cols) = self.find_cte(&name[0])
        {
            return Ok(Entry {
                name: name[0].clone(),
                schema: None,
                cols,
                row_type: SqlType::base("record"),
                relation: None,
                outer_null: false,
                hidden: Vec::new(),
            });
        }
        let (schema, rel_name) = match name {
            [n] => (None, n.as_str()),
            [s, n] => (Some(s.as_str()), n.as_str()),
            [_, s, n] => (Some(s.as_str()), n.as_str()),
            _ => return err(offset, "improper qualified name"),
        };
        let Some(rel) = self.schema.relation(schema, rel_name) else {
            return Err(AError {
                message: format!("relation \"{}\" does not exist", name.join(".")),
                offset,
                hint: self.suggest_relation(rel_name),
            });
        };
        let table = self.display_relation(&rel.schema, &rel.name);
        Ok(Entry {
            name: rel.name.clone(),
            schema: Some(rel.schema.clone()),
            cols: rel
                .columns
                .iter()
                .map(|c| Col {
                    name: c.name.clone(),
                    ty: c.ty.clone(),
                    nullable: !c.not_null && !self.domain_not_null(&c.ty),
                    origin: Some(Origin {
                        table: table.clone(),
                        column: c.name.clone(),
                        attr_nullable: !c.not_null,
                        outer: false,
                    }),
                })
                .collect(),
            row_type: SqlType::User {
                schema: rel.schema.clone(),
                name: rel.name.clone(),
            },
            relation: Some((rel.schema.clone(), rel.name.clone())),
            outer_null: false,
            hidden: Vec::new(),
        })
    }

    fn suggest_relation(&self, name: &str) -> Option<String> {
        let best = self
            .schema
            .relations
            .values()
            .map(|r| (levenshtein(&r.name, name), r))
            .filter(|(d, _)| *d <= 3)
            .min_by_key(|(d, r)| (*d, r.name.clone()))?;
        let rel = best.1;
        Some(if self.schema.is_visible(&rel.schema) {
            format!("Perhaps you meant to reference the table \"{}\".", rel.name)
        } else {
            format!(
                "Perhaps you meant to reference the table \"{}.{}\".",
                rel.schema, rel.name
            )
        })
    }

    fn col_info(&self, level: usize, entry: usize, col: &Col) -> Info {
        let lv = &self.levels[level];
        let e = &lv.entries[entry];
        let grouped = lv
            .grouping_nullable
            .iter()
            .any(|(ei, c)| *ei == entry && *c == col.name);
        Info {
            ty: col.ty.clone(),
            nullable: col.nullable || e.outer_null || grouped,
            name: Some(col.name.clone()),
            origin: col.origin.clone().map(|mut o| {
                o.outer |= e.outer_null;
                o
            }),
            param: None,
            var: Some((level, entry)),
            literal: None,
        }
    }

    fn whole_row(&self, level: usize, entry: usize) -> Info {
        let e = &self.levels[level].entries[entry];
        Info {
            ty: e.row_type.clone(),
            nullable: e.outer_null,
            name: Some(e.name.clone()),
            origin: None,
            param: None,
            var: None,
            literal: None,
        }
    }

    fn resolve_column(&self, parts: &[String], offset: usize) -> AResult<Info> {
        match parts {
            [c] => {
                for li in (0..self.levels.len()).rev() {
                    let lv = &self.levels[li];
                    if lv.hidden {
                        continue;
                    }
                    let mut found = None;
                    for (ei, e) in lv.entries.iter().enumerate() {
                        if e.hidden.contains(c) {
                            continue;
                        }
                        if let Some(col) = e.cols.iter().find(|col| &col.name == c) {
                            if found.is_some() {
                                return err(
                                    offset,
                                    format!("column reference \"{c}\" is ambiguous"),
                                );
                            }
                            found = Some(self.col_info(li, ei, col));
                        }
                    }
                    if let Some(f) = found {
                        return Ok(f);
                    }
                }
                // whole-row reference
                for li in (0..self.levels.len()).rev() {
                    let lv = &self.levels[li];
                    if lv.hidden {
                        continue;
                    }
                    if let Some(ei) = lv.entries.iter().position(|e| &e.name == c) {
                        return Ok(self.whole_row(li, ei));
                    }
                }
                Err(AError {
                    message: format!("column \"{c}\" does not exist"),
                    offset,
                    hint: self.suggest_column(c),
                })
            }
            [q, c] => {
                for li in (0..self.levels.len()).rev() {
                    let lv = &self.levels[li];
                    if lv.hidden {
                        continue;
                    }
                    if let Some(ei) = lv.entries.iter().position(|e| &e.name == q) {
                        let e = &lv.entries[ei];
                        return match e.cols.iter().find(|col| &col.name == c) {
                            Some(col) => Ok(self.col_info(li, ei, col)),
                            None => Err(AError {
                                message: format!("column {q}.{c} does not exist"),
                                offset,
                                hint: closest(e.cols.iter().map(|c| c.name.as_str()), c).map(|s| {
                                    format!(
                                        "Perhaps you meant to reference the column \"{q}.{s}\"."
                                    )
                                }),
                            }),
                        };
                    }
                }
                // a composite column's field
                if let Ok(base) = self.resolve_column(std::slice::from_ref(q), offset)
                    && base.name.as_deref() == Some(q.as_str())
                    && let Some(f) = self.field_type(&base.ty, c)
                {
                    return Ok(Info::new(f, true).named(c));
                }
                err(
                    offset,
                    format!("missing FROM-clause entry for table \"{q}\""),
                )
            }
            [s, q, c] => {
                for li in (0..self.levels.len()).rev() {
                    let lv = &self.levels[li];
                    if let Some(ei) = lv
                        .entries
                        .iter()
                        .position(|e| &e.name == q && e.schema.as_deref() == Some(s.as_str()))
                        && let Some(col) = lv.entries[ei].cols.iter().find(|col| &col.name == c)
                    {
                        return Ok(self.col_info(li, ei, col));
                    }
                }
                err(
                    offset,
                    format!("missing FROM-clause entry for table \"{q}\""),
                )
            }
            _ => err(offset, "improper qualified name (too many dotted names)"),
        }
    }

    fn suggest_column(&self, c: &str) -> Option<String> {
        let mut names = Vec::new();
        for lv in &self.levels {
            for e in &lv.entries {
                for col in &e.cols {
                    names.push((e.name.clone(), col.name.clone()));
                }
            }
        }
        let best = names
            .iter()
            .map(|(t, n)| (levenshtein(n, c), t, n))
            .filter(|(d, _, _)| *d <= 3)
            .min_by_key(|(d, _, _)| *d)?;
        Some(format!(
            "Perhaps you meant to reference the column \"{}.{}\".",
            best.1, best.2
        ))
    }

    fn field_type(&self, ty: &SqlType, field: &str) -> Option<SqlType> {
        let SqlType::User { schema, name } = self.reduce(ty) else {
            return None;
        };
        match self.schema.user_type_def(&schema, &name)? {
            UserType::Composite(fields) => fields
                .iter()
                .find(|(n, _)| n == field)
                .map(|(_, t)| t.clone()),
            _ => None,
        }
    }

    // ------------------------------------------------------------------ statements

    pub(crate) fn statement(&mut self, stmt: &Stmt) -> AResult<Vec<Col>> {
        // a literal error wins only over success: the server's order of analysis differs from
        // ours (its target list comes before WHERE), so a hard error found is reported as is
        let result = self.statement_kind(stmt);
        match (result, self.bad_literal.take()) {
            (Ok(_), Some(e)) => Err(e),
            (result, _) => result,
        }
    }

    fn statement_kind(&mut self, stmt: &Stmt) -> AResult<Vec<Col>> {
        match stmt {
            Stmt::Query(q) => self.query(q, None),
            Stmt::Insert(i) => self.insert(i),
            Stmt::Update(u) => self.update(u),
            Stmt::Delete(d) => self.delete(d),
            Stmt::Merge(m) => self.merge(m),
            Stmt::Other => Ok(Vec::new()),
        }
    }

    fn with(&mut self, with: &With) -> AResult<()> {
        for cte in &with.ctes {
            let mut cols = if with.recursive
                && let Stmt::Query(q) = &cte.stmt
                && let SetExpr::SetOp { left, .. } = &q.body
            {
                // the non-recursive term gives the columns; then the whole query is checked
                let mut seed = self.set_expr(left, None, &[])?;
                rename(&mut seed, &cte.columns);
                for c in &mut seed {
                    c.origin = None;
                    c.nullable = true;
                }
                self.top().ctes.push((cte.name.clone(), seed));
                let cols = self.statement(&cte.stmt)?;
                self.top().ctes.pop();
                cols
            } else {
                self.statement(&cte.stmt)?
            };
            rename(&mut cols, &cte.columns);
            self.top().ctes.push((cte.name.clone(), cols));
        }
        Ok(())
    }

    fn query(&mut self, q: &Query, hint: Option<&[SqlType]>) -> AResult<Vec<Col>> {
        crate::syntax::recurse(|| self.query_body(q, hint))
    }

    fn query_body(&mut self, q: &Query, hint: Option<&[SqlType]>) -> AResult<Vec<Col>> {
        // only this query's own SELECT list or VALUES rows are assigned, not its CTEs'
        let assignment = self.assignment.take();
        self.push();
        if let Some(w) = &q.with {
            self.with(w)?;
        }
        if matches!(q.body, SetExpr::Select(_) | SetExpr::Values(_)) {
            self.assignment = assignment;
        }
        let cols = match &q.body {
            SetExpr::Select(sel) => self.select(sel, hint, &q.order_by, q)?,
            body => {
                let cols = self.set_expr(body, hint, &[])?;
                // ORDER BY of a set operation sees its output columns only
                self.top().entries.push(Entry {
                    name: String::new(),
                    schema: None,
                    cols: cols.clone(),
                    row_type: SqlType::base("record"),
                    relation: None,
                    outer_null: false,
                    hidden: Vec::new(),
                });
                for o in &q.order_by {
                    self.expr(&o.expr)?;
                }
                self.limit_offset(q)?;
                cols
            }
        };
        self.pop();
        Ok(cols)
    }

    fn limit_offset(&mut self, q: &Query) -> AResult<()> {
        for e in [&q.limit, &q.offset].into_iter().flatten() {
            let mut i = self.expr(e)?;
            self.coerce(&mut i, &SqlType::base("int8"));
        }
        Ok(())
    }

    fn set_expr(
        &mut self,
        body: &SetExpr,
        hint: Option<&[SqlType]>,
        order_by: &[OrderItem],
    ) -> AResult<Vec<Col>> {
        crate::syntax::recurse(|| self.set_expr_kind(body, hint, order_by))
    }

    fn set_expr_kind(
        &mut self,
        body: &SetExpr,
        hint: Option<&[SqlType]>,
        order_by: &[OrderItem],
    ) -> AResult<Vec<Col>> {
        match body {
            SetExpr::Select(sel) => {
                self.push();
                let empty = Query {
                    with: None,
                    body: SetExpr::Values(Vec::new()),
                    order_by: order_by.to_vec(),
                    limit: None,
                    offset: None,
                    locking: Vec::new(),
                };
                let cols = self.select(sel, hint, order_by, &empty);
                self.pop();
                cols
            }
            SetExpr::Query(q) => self.query(q, hint),
            SetExpr::Values(rows) => self.values(rows, hint),
            SetExpr::SetOp { op, left, right } => {
                let l = self.set_expr(left, hint, &[])?;
                let r = self.set_expr(right, hint, &[])?;
                if l.len() != r.len() {
                    let word = match op {
                        SetOp::Union => "UNION",
                        SetOp::Intersect => "INTERSECT",
                        SetOp::Except => "EXCEPT",
                    };
                    return err(
                        0,
                        format!("each {word} query must have the same number of columns"),
                    );
                }
                Ok(l.into_iter()
                    .zip(r)
                    .map(|(a, b)| Col {
                        ty: self.common_type(&[a.ty.clone(), b.ty.clone()]),
                        name: a.name,
                        nullable: a.nullable || b.nullable,
                        origin: None,
                    })
                    .collect())
            }
        }
    }

    fn values(&mut self, rows: &[Vec<Expr>], hint: Option<&[SqlType]>) -> AResult<Vec<Col>> {
        let assignment = self.assignment.take();
        let width = rows.first().map_or(0, Vec::len);
        let mut infos: Vec<Vec<Info>> = Vec::new();
        for row in rows {
            if row.len() != width {
                return err(
                    row.first().map_or(0, |e| e.offset),
                    "VALUES lists must all be the same length",
                );
            }
            let mut r = Vec::new();
            for (i, e) in row.iter().enumerate() {
                let mut info = if matches!(e.kind, ExprKind::Default) {
                    Info::new(SqlType::unknown(), true)
                } else {
                    self.expr(e)?
                };
                if let Some(h) = hint.and_then(|h| h.get(i)) {
                    self.coerce(&mut info, h);
                    if let Some(column) = assignment.as_ref().and_then(|names| names.get(i)) {
                        self.check_assignment(&info.ty, h, column, e.leftmost())?;
                    }
                }
                r.push(info);
            }
            infos.push(r);
        }
        let mut cols = Vec::new();
        for i in 0..width {
            let types: Vec<SqlType> = infos.iter().map(|r| r[i].ty.clone()).collect();
            let ty = self.common_type(&types);
            for r in &mut infos {
                let mut info = r[i].clone();
                self.coerce(&mut info, &ty);
            }
            cols.push(Col {
                name: format!("column{}", i + 1),
                ty,
                nullable: infos.iter().any(|r| r[i].nullable),
                origin: None,
            });
        }
        Ok(cols)
    }

    fn select(
        &mut self,
        sel: &Select,
        hint: Option<&[SqlType]>,
        order_by: &[OrderItem],
        q: &Query,
    ) -> AResult<Vec<Col>> {
        // each SELECT (a set operation's arms share a level) has its own grouping check
        let outer_group = std::mem::take(&mut self.top().group);
        let assignment = self.assignment.take();
        let out = self.select_body(sel, hint, order_by, q, assignment.as_deref());
        let group = std::mem::replace(&mut self.top().group, outer_group);
        let out = out?;
        let grouped = group.has_agg || !sel.group_by.is_empty() || sel.having.is_some();
        if grouped && !group.unsure {
            self.check_grouping(sel, &group)?;
        }
        Ok(out)
    }

    /// Errors for column references outside aggregates that are neither grouped nor
    /// functionally dependent on a grouped primary key.
    fn check_grouping(&self, sel: &Select, group: &GroupCheck) -> AResult<()> {
        let top = self.levels.len() - 1;
        // columns merged by USING / NATURAL stand for their tables' columns: not modelled
        if self.levels[top]
            .entries
            .iter()
            .any(|e| !e.hidden.is_empty())
        {
            return Ok(());
        }
        let Some(grouped) = self.grouped_columns(sel) else {
            return Ok(());
        };
        for (entry, column, qualifier, offset) in &group.refs {
            if grouped.iter().any(|(e, c)| e == entry && c == column) {
                continue;
            }
            // a table's columns depend on its primary key: all of it grouped covers them
            let e = &self.levels[top].entries[*entry];
            let key = e
                .relation
                .as_ref()
                .and_then(|(s, n)| self.schema.relations.get(&(s.clone(), n.clone())))
                .map(|r| {
                    // the key's columns under this entry's names (an alias may rename them)
                    r.primary_key.as_ref().map(|key| {
                        key.iter()
                            .filter_map(|k| r.columns.iter().position(|c| &c.name == k))
                            .filter_map(|i| e.cols.get(i).map(|c| c.name.clone()))
                            .collect::<Vec<_>>()
                    })
                });
            match key {
                Some(Some(key))
                    if !key.is_empty()
                        && key
                            .iter()
                            .all(|k| grouped.iter().any(|(e, c)| e == entry && c == k)) =>
                {
                    continue;
                }
                // a table whose key we do not know
                Some(None) => continue,
                // no key, not all of it grouped, or not a table with its own column names
                _ => {}
            }
            return err(
                *offset,
                format!(
                    "column \"{qualifier}.{column}\" must appear in the GROUP BY clause or be \
                     used in an aggregate function"
                ),
            );
        }
        Ok(())
    }

    /// The `(entry, column)` pairs `GROUP BY` names, when every item is a plain column of
    /// this level (directly, or as an output column's position or name); `None` otherwise.
    fn grouped_columns(&self, sel: &Select) -> Option<Vec<(usize, String)>> {
        let top = self.levels.len() - 1;
        let mut grouped = Vec::new();
        for item in &sel.group_by {
            let e = match item {
                GroupItem::Expr(e) => e,
                GroupItem::Empty => continue,
                GroupItem::Sets(_) => return None,
            };
            let column = match &e.kind {
                ExprKind::Lit(Literal::Int(_)) if !exact_targets(sel) => return None,
                ExprKind::Lit(Literal::Int(n)) => {
                    let i = n.parse::<usize>().ok()?.checked_sub(1)?;
                    // exact targets: every one is an expression
                    let Target::Expr { expr, .. } = sel.targets.get(i)? else {
                        return None;
                    };
                    expr
                }
                ExprKind::Column(_) => e,
                _ => return None,
            };
            let ExprKind::Column(parts) = &column.kind else {
                return None;
            };
            let info = match self.resolve_column(parts, column.offset) {
                Ok(info) => info,
                // an output column's name
                Err(_) => {
                    let [name] = parts.as_slice() else {
                        return None;
                    };
                    let target = sel.targets.iter().find_map(|t| match t {
                        Target::Expr {
                            expr,
                            alias: Some(a),
                        } if a == name => Some(expr),
                        _ => None,
                    })?;
                    let ExprKind::Column(parts) = &target.kind else {
                        return None;
                    };
                    self.resolve_column(parts, target.offset).ok()?
                }
            };
            match info.var {
                Some((level, entry)) if level == top => grouped.push((entry, info.name?)),
                // an outer reference is a constant here
                Some(_) => {}
                None => return None,
            }
        }
        Some(grouped)
    }

    fn select_body(
        &mut self,
        sel: &Select,
        hint: Option<&[SqlType]>,
        order_by: &[OrderItem],
        q: &Query,
        assignment: Option<&[String]>,
    ) -> AResult<Vec<Col>> {
        for item in &sel.from {
            self.add_from_item(item)?;
        }
        self.check_locking(q)?;
        if let Some(w) = &sel.where_ {
            self.boolean_arg(w, "WHERE")?;
        }
        // grouping sets make their columns nullable
        let mut grouping = Vec::new();
        for g in &sel.group_by {
            if let GroupItem::Sets(exprs) = g {
                for e in exprs {
                    if let ExprKind::Column(parts) = &e.kind {
                        let col = parts.last().cloned().unwrap_or_default();
                        let lv = self.levels.len() - 1;
                        for (ei, ent) in self.levels[lv].entries.iter().enumerate() {
                            let qual_ok = parts.len() == 1 || parts[parts.len() - 2] == ent.name;
                            if qual_ok && ent.cols.iter().any(|c| c.name == col) {
                                grouping.push((ei, col.clone()));
                            }
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        let mut target_infos = Vec::new();
        self.top().group.recording = true;
        for t in &sel.targets {
            match t {
                Target::Star { qualifier, offset } => {
                    let lv = self.levels.len() - 1;
                    let entries: Vec<usize> = match qualifier {
                        None => {
                            if self.levels[lv].entries.is_empty() {
                                return err(
                                    *offset,
                                    "SELECT * with no tables specified is not valid",
                                );
                            }
                            (0..self.levels[lv].entries.len()).collect()
                        }
                        Some(q) => {
                            let name = q.last().cloned().unwrap_or_default();
                            let found = (0..self.levels.len()).rev().find_map(|li| {
                                self.levels[li]
                                    .entries
                                    .iter()
                                    .position(|e| e.name == name)
                                    .map(|ei| (li, ei))
                            });
                            match found {
                                Some((li, ei)) => {
                                    let cols = self.levels[li].entries[ei].cols.clone();
                                    for c in &cols {
                                        let info = self.col_info(li, ei, c);
                                        target_infos.push(info);
                                    }
                                    continue;
                                }
                                None => {
                                    return err(
                                        *offset,
                                        format!("missing FROM-clause entry for table \"{name}\""),
                                    );
                                }
                            }
                        }
                    };
                    for ei in entries {
                        let e = &self.levels[lv].entries[ei];
                        let cols: Vec<Col> = e
                            .cols
                            .iter()
                            .filter(|c| !e.hidden.contains(&c.name))
                            .cloned()
                            .collect();
                        for c in &cols {
                            target_infos.push(self.col_info(lv, ei, c));
                        }
                    }
                }
                Target::Expr { expr, alias } => {
                    let mut info = self.expr(expr)?;
                    if let Some(a) = alias {
                        info.name = Some(a.clone());
                    }
                    target_infos.push(info);
                }
            }
        }
        {
            let lv = self.levels.len() - 1;
            self.levels[lv].grouping_nullable = grouping.clone();
        }
        // grouping-set columns referenced directly in the target list
        if !grouping.is_empty() {
            for (t, info) in sel.targets.iter().zip(target_infos.iter_mut()) {
                if let Target::Expr { expr, .. } = t
                    && let ExprKind::Column(parts) = &expr.kind
                    && grouping.iter().any(|(_, c)| Some(c) == parts.last())
                {
                    info.nullable = true;
                }
            }
        }
        // positions of the target expressions, when no `*` shifts them
        let target_offsets: Option<Vec<usize>> = sel
            .targets
            .iter()
            .map(|t| match t {
                Target::Expr { expr, .. } => Some(expr.leftmost()),
                Target::Star { .. } => None,
            })
            .collect();
        for (i, mut info) in target_infos.into_iter().enumerate() {
            match hint.and_then(|h| h.get(i)) {
                Some(h) => {
                    self.coerce(&mut info, h);
                    if let (Some(column), Some(offset)) = (
                        assignment.and_then(|names| names.get(i)),
                        target_offsets.as_ref().and_then(|o| o.get(i)),
                    ) {
                        self.check_assignment(&info.ty, h, column, *offset)?;
                    }
                }
                None => self.coerce(&mut info, &SqlType::base("text")),
            }
            out.push(Col {
                name: info.name.clone().unwrap_or_else(|| "?column?".into()),
                ty: info.ty.clone(),
                nullable: info.nullable,
                origin: info.origin.clone(),
            });
        }
        self.top().group.recording = false;
        // positions are judged only when each target is one output column
        let exact = exact_targets(sel);
        let positional = |clause: &'static str| exact.then_some(clause);
        for e in &sel.distinct_on {
            self.order_expr(e, &out, positional("DISTINCT ON"))?;
        }
        for g in &sel.group_by {
            match g {
                GroupItem::Expr(e) => {
                    self.order_expr(e, &out, positional("GROUP BY"))?;
                }
                GroupItem::Sets(es) => {
                    for e in es {
                        self.order_expr(e, &out, positional("GROUP BY"))?;
                    }
                }
                GroupItem::Empty => {}
            }
        }
        self.top().group.recording = true;
        for w in &sel.windows {
            self.order_expr(w, &out, None)?;
        }
        if let Some(h) = &sel.having {
            self.boolean_arg(h, "HAVING")?;
        }
        for o in order_by {
            self.order_expr(&o.expr, &out, positional("ORDER BY"))?;
            if sel.distinct {
                self.check_distinct_order(sel, &o.expr, &out)?;
            }
        }
        self.top().group.recording = false;
        self.limit_offset(q)?;
        Ok(out)
    }

    /// `FOR UPDATE OF name`: each (unqualified) name must be a FROM item of this query.
    fn check_locking(&self, q: &Query) -> AResult<()> {
        let top = self.levels.len() - 1;
        for (clause, names) in &q.locking {
            for (name, offset) in names {
                let [name] = name.as_slice() else {
                    continue;
                };
                if !self.levels[top].entries.iter().any(|e| &e.name == name) {
                    return err(
                        *offset,
                        format!("relation \"{name}\" in {clause} clause not found in FROM clause"),
                    );
                }
            }
        }
        Ok(())
    }

    /// `SELECT DISTINCT … ORDER BY col`: the column must be in the select list. Judged for
    /// plain column references only, and only when the list has no `*`.
    fn check_distinct_order(&self, sel: &Select, item: &Expr, out: &[Col]) -> AResult<()> {
        let ExprKind::Column(parts) = &item.kind else {
            return Ok(());
        };
        if parts.len() == 1 && out.iter().any(|c| c.name == parts[0]) {
            return Ok(());
        }
        let Ok(wanted) = self.resolve_column(parts, item.offset) else {
            return Ok(());
        };
        let Some(var) = wanted.var else {
            return Ok(());
        };
        let mut listed = false;
        for t in &sel.targets {
            match t {
                Target::Star { .. } => return Ok(()),
                Target::Expr { expr, .. } => {
                    if let ExprKind::Column(p) = &expr.kind
                        && let Ok(info) = self.resolve_column(p, expr.offset)
                        && info.var == Some(var)
                        && info.name == wanted.name
                    {
                        listed = true;
                    }
                }
            }
        }
        if listed {
            Ok(())
        } else {
            err(
                item.leftmost(),
                "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
            )
        }
    }

    /// ORDER BY / GROUP BY / DISTINCT ON items: output column names and positions first.
    /// `clause` names the clause whose integer items are positions (window clauses have none).
    fn order_expr(&mut self, e: &Expr, out: &[Col], clause: Option<&str>) -> AResult<()> {
        match &e.kind {
            ExprKind::Column(parts)
                if parts.len() == 1 && out.iter().any(|c| c.name == parts[0]) =>
            {
                return Ok(());
            }
            ExprKind::Lit(Literal::Int(n)) if clause.is_some() => {
                let in_range = n
                    .parse::<usize>()
                    .is_ok_and(|i| (1..=out.len()).contains(&i));
                return match clause {
                    Some(clause) if !in_range => err(
                        e.offset,
                        format!("{clause} position {n} is not in select list"),
                    ),
                    _ => Ok(()),
                };
            }
            _ => {}
        }
        self.expr(e).map(|_| ())
    }

    fn add_from_item(&mut self, item: &FromItem) -> AResult<(usize, usize)> {
        crate::syntax::recurse(|| self.add_from_item_kind(item))
    }

    fn add_from_item_kind(&mut self, item: &FromItem) -> AResult<(usize, usize)> {
        let start = self.top().entries.len();
        match item {
            FromItem::Table {
                name,
                alias,
                offset,
            } => {
                let mut e = self.relation_entry(name, *offset)?;
                if let Some(a) = alias {
                    e.name = a.name.clone();
                    e.schema = None;
                    rename(&mut e.cols, &a.columns);
                }
                self.top().entries.push(e);
            }
            FromItem::Subquery {
                lateral,
                query,
                alias,
            } => {
                let was_hidden = self.top().hidden;
                if !lateral {
                    self.top().hidden = true;
                }
                let cols = self.query(query, None);
                self.top().hidden = was_hidden;
                let mut cols = cols?;
                let name = alias.as_ref().map(|a| a.name.clone()).unwrap_or_default();
                if let Some(a) = alias {
                    rename(&mut cols, &a.columns);
                }
                self.top().entries.push(Entry {
                    name,
                    schema: None,
                    cols,
                    row_type: SqlType::base("record"),
                    relation: None,
                    outer_null: false,
                    hidden: Vec::new(),
                });
            }
            FromItem::Function {
                call,
                alias,
                ordinality,
                ..
            } => {
                let mut cols = self.function_columns(call)?;
                if *ordinality {
                    cols.push(Col {
                        name: "ordinality".into(),
                        ty: SqlType::base("int8"),
                        nullable: false,
                        origin: None,
                    });
                }
                let mut name = match &call.kind {
                    ExprKind::Func(f) => f.name.last().cloned().unwrap_or_default(),
                    _ => String::new(),
                };
                if let Some(a) = alias {
                    // a scalar function's single column takes the table alias as its name
                    let named_out = matches!(&call.kind, ExprKind::Func(f)
                        if out_columns(f.name.last().map(String::as_str).unwrap_or_default()).is_some());
                    if cols.len() == 1 + usize::from(*ordinality)
                        && a.columns.is_empty()
                        && !named_out
                        && !self.returns_composite(call)
                    {
                        cols[0].name = a.name.clone();
                    }
                    name = a.name.clone();
                    rename(&mut cols, &a.columns);
                }
                self.top().entries.push(Entry {
                    name,
                    schema: None,
                    cols,
                    row_type: SqlType::base("record"),
                    relation: None,
                    outer_null: false,
                    hidden: Vec::new(),
                });
            }
            FromItem::Join {
                kind,
                left,
                right,
                on,
                using,
                natural,
            } => {
                let (ls, le) = self.add_from_item(left)?;
                let (rs, re) = self.add_from_item(right)?;
                let lv = self.levels.len() - 1;
                if matches!(kind, JoinKind::Left | JoinKind::Full) {
                    for e in &mut self.levels[lv].entries[rs..re] {
                        e.outer_null = true;
                    }
                }
                if matches!(kind, JoinKind::Right | JoinKind::Full) {
                    for e in &mut self.levels[lv].entries[ls..le] {
                        e.outer_null = true;
                    }
                }
                if let Some(on) = on {
                    self.boolean_arg(on, "JOIN/ON")?;
                }
                let mut merge: Vec<String> = using.clone();
                if *natural {
                    let visible = |e: &Entry| {
                        e.cols
                            .iter()
                            .filter(|c| !e.hidden.contains(&c.name))
                            .map(|c| c.name.clone())
                            .collect::<Vec<_>>()
                    };
                    let left_names: Vec<String> = self.levels[lv].entries[ls..le]
                        .iter()
                        .flat_map(visible)
                        .collect();
                    let right_names: Vec<String> = self.levels[lv].entries[rs..re]
                        .iter()
                        .flat_map(visible)
                        .collect();
                    merge = left_names
                        .into_iter()
                        .filter(|n| right_names.contains(n))
                        .collect();
                }
                if !merge.is_empty() {
                    let mut merged = Vec::new();
                    for u in &merge {
                        let find = |range: std::ops::Range<usize>, this: &Self| {
                            range.into_iter().find_map(|ei| {
                                let e = &this.levels[lv].entries[ei];
                                if e.hidden.contains(u) {
                                    return None;
                                }
                                e.cols
                                    .iter()
                                    .find(|c| &c.name == u)
                                    .map(|c| (ei, this.col_info(lv, ei, c)))
                            })
                        };
                        let missing = |side: &str| {
                            err(
                                0,
                                format!(
                                    "column \"{u}\" specified in USING clause does not exist in \
                                     {side} table"
                                ),
                            )
                        };
                        let Some((lei, l)) = find(ls..le, self) else {
                            return missing("left");
                        };
                        let Some((rei, r)) = find(rs..re, self) else {
                            return missing("right");
                        };
                        let ty = self.common_type(&[l.ty.clone(), r.ty.clone()]);
                        let (nullable, origin) = match kind {
                            JoinKind::Right => (r.nullable, r.origin.clone()),
                            JoinKind::Full => (l.nullable && r.nullable, None),
                            _ => (l.nullable, l.origin.clone()),
                        };
                        merged.push(Col {
                            name: u.clone(),
                            ty,
                            nullable,
                            origin,
                        });
                        self.levels[lv].entries[lei].hidden.push(u.clone());
                        self.levels[lv].entries[rei].hidden.push(u.clone());
                    }
                    self.levels[lv].entries.insert(
                        ls,
                        Entry {
                            name: String::new(),
                            schema: None,
                            cols: merged,
                            row_type: SqlType::base("record"),
                            relation: None,
                            outer_null: false,
                            hidden: Vec::new(),
                        },
                    );
                }
            }
        }
        let end = self.top().entries.len();
        Ok((start, end))
    }

    fn returns_composite(&self, call: &Expr) -> bool {
        if let ExprKind::Func(f) = &call.kind {
            let name = f.name.last().map(String::as_str).unwrap_or_default();
            if name == "unnest" && f.args.len() > 1 {
                return true;
            }
            let schema = if f.name.len() > 1 {
                Some(f.name[0].as_str())
            } else {
                None
            };
            return self
                .user_functions(schema, name)
                .iter()
                .any(|s| !s.table_columns.is_empty());
        }
        false
    }

    fn user_functions(&self, schema: Option<&str>, name: &str) -> Vec<super::schema::FunctionSig> {
        match schema {
            Some(s) => self
                .schema
                .functions
                .get(&(s.to_string(), name.to_string()))
                .cloned()
                .unwrap_or_default(),
            None => self
                .schema
                .search_path
                .iter()
                .find_map(|s| self.schema.functions.get(&(s.clone(), name.to_string())))
                .cloned()
                .unwrap_or_default(),
        }
    }

    fn function_columns(&mut self, call: &Expr) -> AResult<Vec<Col>> {
        if let ExprKind::Func(f) = &call.kind {
            let name = f.name.last().cloned().unwrap_or_default();
            if let Some(out) = out_columns(&name) {
                let info = self.expr(call)?;
                let value_t = info.ty;
                return Ok(out
                    .iter()
                    .map(|n| Col {
                        name: (*n).to_string(),
                        ty: if *n == "key" {
                            SqlType::base("text")
                        } else {
                            value_t.clone()
                        },
                        nullable: *n != "key",
                        origin: None,
                    })
                    .collect());
            }
            if name == "unnest" && f.args.len() > 1 {
                let mut cols = Vec::new();
                for a in &f.args {
                    let i = self.expr(a)?;
                    let ty = match self.reduce(&i.ty) {
                        SqlType::Array(e) => *e,
                        _ => return err(a.offset, "function unnest requires array arguments"),
                    };
                    cols.push(Col {
                        name: "unnest".into(),
                        ty,
                        nullable: true,
                        origin: None,
                    });
                }
                return Ok(cols);
            }
            let schema = if f.name.len() > 1 {
                Some(f.name[0].as_str())
            } else {
                None
            };
            let user = self.user_functions(schema, &name);
            if let Some(sig) = user
                .iter()
                .find(|s| !s.table_columns.is_empty() && s.args.len() == f.args.len())
            {
                for (a, t) in f.args.iter().zip(sig.args.clone()) {
                    let mut i = self.expr(a)?;
                    self.coerce(&mut i, &t);
                }
                return Ok(sig
                    .table_columns
                    .iter()
                    .map(|(n, t)| Col {
                        name: n.clone(),
                        ty: t.clone(),
                        nullable: true,
                        origin: None,
                    })
                    .collect());
            }
        }
        let info = self.expr(call)?;
        // a composite-returning function expands to its fields
        if let SqlType::User { schema, name } = &info.ty
            && let Some(UserType::Composite(fields)) = self.schema.user_type_def(schema, name)
        {
            return Ok(fields
                .into_iter()
                .map(|(n, t)| Col {
                    name: n,
                    ty: t,
                    nullable: true,
                    origin: None,
                })
                .collect());
        }
        Ok(vec![Col {
            name: info.name.clone().unwrap_or_else(|| "?column?".into()),
            ty: info.ty,
            nullable: info.nullable,
            origin: None,
        }])
    }

    fn target_entry(
        &mut self,
        table: &[String],
        alias: &Option<String>,
        offset: usize,
    ) -> AResult<Entry> {
        let mut e = self.relation_entry(table, offset)?;
        if e.schema.is_none() {
            return err(
                offset,
                format!("relation \"{}\" does not exist", table.join(".")),
            );
        }
        if let Some(a) = alias {
            e.name = a.clone();
            e.schema = None;
        }
        Ok(e)
    }

    fn returning(&mut self, targets: &[Target]) -> AResult<Vec<Col>> {
        if targets.is_empty() {
            return Ok(Vec::new());
        }
        let sel = Select {
            distinct: false,
            distinct_on: Vec::new(),
            targets: targets.to_vec(),
            from: Vec::new(),
            where_: None,
            group_by: Vec::new(),
            having: None,
            windows: Vec::new(),
            offset: 0,
        };
        let empty = Query {
            with: None,
            body: SetExpr::Values(Vec::new()),
            order_by: Vec::new(),
            limit: None,
            offset: None,
            locking: Vec::new(),
        };
        // the target relation is the level's first entry: RETURNING * shows only it
        let lv = self.levels.len() - 1;
        let saved = self.levels[lv].entries.clone();
        let star_only_target = targets.iter().any(|t| {
            matches!(
                t,
                Target::Star {
                    qualifier: None,
                    ..
                }
            )
        });
        if star_only_target {
            self.levels[lv].entries.truncate(1);
        }
        let r = self.select(&sel, None, &[], &empty);
        self.levels[lv].entries = saved;
        r
    }

    fn assign(&mut self, table: &Entry, sets: &[Assignment]) -> AResult<()> {
        for s in sets {
            match &s.target {
                SetTarget::Column { name, offset } => {
                    let Some(col) = table.cols.iter().find(|c| &c.name == name) else {
                        return Err(AError {
                            message: format!(
                                "column \"{name}\" of relation \"{}\" does not exist",
                                table.name
                            ),
                            offset: *offset,
                            hint: closest(table.cols.iter().map(|c| c.name.as_str()), name).map(
                                |s| format!("Perhaps you meant to reference the column \"{s}\"."),
                            ),
                        });
                    };
                    if matches!(s.value.kind, ExprKind::Default) {
                        continue;
                    }
                    let mut i = self.expr(&s.value)?;
                    self.coerce(&mut i, &col.ty);
                    self.check_assignment(&i.ty, &col.ty, name, s.value.leftmost())?;
                }
                SetTarget::Columns { names, offset } => {
                    let mut types = Vec::new();
                    for n in names {
                        match table.cols.iter().find(|c| &c.name == n) {
                            Some(c) => types.push(c.ty.clone()),
                            None => {
                                return err(
                                    *offset,
                                    format!(
                                        "column \"{n}\" of relation \"{}\" does not exist",
                                        table.name
                                    ),
                                );
                            }
                        }
                    }
                    match &s.value.kind {
                        ExprKind::Row(items) => {
                            for (e, t) in items.iter().zip(types) {
                                if matches!(e.kind, ExprKind::Default) {
                                    continue;
                                }
                                let mut i = self.expr(e)?;
                                self.coerce(&mut i, &t);
                            }
                        }
                        ExprKind::Subquery(q) => {
                            self.query(q, Some(&types))?;
                        }
                        _ => {
                            self.expr(&s.value)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn insert(&mut self, ins: &Insert) -> AResult<Vec<Col>> {
        self.push();
        if let Some(w) = &ins.with {
            self.with(w)?;
        }
        let entry = self.target_entry(&ins.table, &ins.alias, ins.table_offset)?;
        let mut target_types = Vec::new();
        if ins.columns.is_empty() {
            target_types = entry.cols.iter().map(|c| c.ty.clone()).collect();
        } else {
            for (i, (c, off)) in ins.columns.iter().enumerate() {
                match entry.cols.iter().find(|col| &col.name == c) {
                    Some(_) if ins.columns[..i].iter().any(|(seen, _)| seen == c) => {
                        return err(*off, format!("column \"{c}\" specified more than once"));
                    }
                    Some(col) => target_types.push(col.ty.clone()),
                    None => {
                        return Err(AError {
                            message: format!(
                                "column \"{c}\" of relation \"{}\" does not exist",
                                ins.table.last().cloned().unwrap_or_default()
                            ),
                            offset: *off,
                            hint: closest(entry.cols.iter().map(|c| c.name.as_str()), c).map(|s| {
                                format!("Perhaps you meant to reference the column \"{s}\".")
                            }),
                        });
                    }
                }
            }
        }
        if let InsertSource::Query(q) = &ins.source {
            if let SetExpr::Values(rows) = &q.body {
                for row in rows {
                    if row.len() > target_types.len() {
                        return err(
                            row[target_types.len()].offset,
                            "INSERT has more expressions than target columns",
                        );
                    }
                    if row.len() < ins.columns.len() {
                        return err(
                            ins.columns[row.len()].1,
                            "INSERT has more target columns than expressions",
                        );
                    }
                }
            }
            self.assignment = Some(if ins.columns.is_empty() {
                entry.cols.iter().map(|c| c.name.clone()).collect()
            } else {
                ins.columns.iter().map(|(c, _)| c.clone()).collect()
            });
            let cols = self.query(q, Some(&target_types));
            self.assignment = None;
            let cols = cols?;
            if cols.len() > target_types.len() {
                return err(
                    q_offset(q),
                    "INSERT has more expressions than target columns",
                );
            }
            if cols.len() < ins.columns.len() {
                return err(
                    ins.columns[cols.len()].1,
                    "INSERT has more target columns than expressions",
                );
            }
        }
        self.top().entries.push(entry.clone());
        if let Some(oc) = &ins.on_conflict {
            for t in &oc.target {
                self.expr(t)?;
            }
            if let Some(w) = &oc.target_where {
                self.expr(w)?;
            }
            if let Some((sets, w)) = &oc.update {
                let mut excluded = entry.clone();
                excluded.name = "excluded".into();
                excluded.schema = None;
                self.top().entries.push(excluded);
                self.assign(&entry, sets)?;
                if let Some(w) = w {
                    self.boolean_arg(w, "WHERE")?;
                }
                self.top().entries.pop();
            }
        }
        let out = self.returning(&ins.returning)?;
        self.pop();
        Ok(out)
    }

    fn update(&mut self, up: &Update) -> AResult<Vec<Col>> {
        self.push();
        if let Some(w) = &up.with {
            self.with(w)?;
        }
        let entry = self.target_entry(&up.table, &up.alias, up.table_offset)?;
        self.top().entries.push(entry.clone());
        for f in &up.from {
            self.add_from_item(f)?;
        }
        self.assign(&entry, &up.sets)?;
        if let Some(w) = &up.where_ {
            self.boolean_arg(w, "WHERE")?;
        }
        let out = self.returning(&up.returning)?;
        self.pop();
        Ok(out)
    }

    fn delete(&mut self, del: &Delete) -> AResult<Vec<Col>> {
        self.push();
        if let Some(w) = &del.with {
            self.with(w)?;
        }
        let entry = self.target_entry(&del.table, &del.alias, del.table_offset)?;
        self.top().entries.push(entry);
        for f in &del.using {
            self.add_from_item(f)?;
        }
        if let Some(w) = &del.where_ {
            self.boolean_arg(w, "WHERE")?;
        }
        let out = self.returning(&del.returning)?;
        self.pop();
        Ok(out)
    }

    fn merge(&mut self, m: &Merge) -> AResult<Vec<Col>> {
        self.push();
        if let Some(w) = &m.with {
            self.with(w)?;
        }
        let entry = self.target_entry(&m.table, &m.alias, m.table_offset)?;
        self.top().entries.push(entry.clone());
        self.add_from_item(&m.source)?;
        // PostgreSQL 15 does not coerce MERGE's join condition to boolean at parse analysis
        let mut on = self.expr(&m.on)?;
        self.coerce(&mut on, &SqlType::base("bool"));
        for w in &m.whens {
            if let Some(c) = &w.condition {
                self.boolean_arg(c, "WHEN")?;
            }
            match &w.action {
                MergeAction::Update(sets) => self.assign(&entry, sets)?,
                MergeAction::Insert { columns, values } => {
                    let targets: Vec<SqlType> = if columns.is_empty() {
                        entry.cols.iter().map(|c| c.ty.clone()).collect()
                    } else {
                        let mut v = Vec::new();
                        for (c, off) in columns {
                            match entry.cols.iter().find(|col| &col.name == c) {
                                Some(col) => v.push(col.ty.clone()),
                                None => {
                                    return err(
                                        *off,
                                        format!(
                                            "column \"{c}\" of relation \"{}\" does not exist",
                                            entry.name
                                        ),
                                    );
                                }
                            }
                        }
                        v
                    };
                    // the target relation is not visible in INSERT values
                    let lv = self.levels.len() - 1;
                    let saved = self.levels[lv].entries.remove(0);
                    for (e, t) in values.iter().flatten().zip(&targets) {
                        if matches!(e.kind, ExprKind::Default) {
                            continue;
                        }
                        let r = self.expr(e);
                        match r {
                            Ok(mut i) => self.coerce(&mut i, t),
                            Err(e) => {
                                self.levels[lv].entries.insert(0, saved);
                                return Err(e);
                            }
                        }
                    }
                    self.levels[lv].entries.insert(0, saved);
                }
                MergeAction::Delete | MergeAction::Nothing => {}
            }
        }
        self.pop();
        Ok(Vec::new())
    }

    // ------------------------------------------------------------------ expressions

    fn expr(&mut self, e: &Expr) -> AResult<Info> {
        crate::syntax::recurse(|| self.expr_kind(e))
    }

    fn expr_kind(&mut self, e: &Expr) -> AResult<Info> {
        let o = e.offset;
        match &e.kind {
            ExprKind::Column(parts) => {
                let info = self.resolve_column(parts, o)?;
                self.note_column_ref(&info, o);
                Ok(info)
            }
            ExprKind::Param(n) => {
                if *n == 0 {
                    return err(o, format!("there is no parameter ${n}"));
                }
                if self.params.len() < *n {
                    self.params.resize(*n, None);
                }
                Ok(match &self.params[n - 1] {
                    Some(t) => Info::new(t.clone(), true),
                    None => Info {
                        param: Some(*n),
                        var: None,
                        literal: None,
                        ..Info::new(SqlType::unknown(), true)
                    },
                })
            }
            ExprKind::Lit(l) => Ok(match l {
                Literal::Null => Info::new(SqlType::unknown(), true),
                Literal::Bool(_) => Info::new(SqlType::base("bool"), false),
                Literal::Int(s) => {
                    let ty = if s.parse::<i32>().is_ok() {
                        "int4"
                    } else if s.parse::<i64>().is_ok() {
                        "int8"
                    } else {
                        "numeric"
                    };
                    Info::new(SqlType::base(ty), false)
                }
                Literal::Num(_) => Info::new(SqlType::base("numeric"), false),
                Literal::Str(text) => Info {
                    literal: Some((text.clone(), o)),
                    ..Info::new(SqlType::unknown(), false)
                },
            }),
            ExprKind::Default => Ok(Info::new(SqlType::unknown(), true)),
            ExprKind::Unary { op, expr } => {
                let a = self.expr(expr)?;
                self.operator(op, vec![a], o)
            }
            ExprKind::Binary { op, left, right } => {
                let l = self.expr(left)?;
                let r = self.expr(right)?;
                self.operator(op, vec![l, r], o)
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let construct = if matches!(e.kind, ExprKind::And(..)) {
                    "AND"
                } else {
                    "OR"
                };
                let a = self.boolean_arg(a, construct)?;
                let b = self.boolean_arg(b, construct)?;
                Ok(Info::new(SqlType::base("bool"), a.nullable || b.nullable))
            }
            ExprKind::Not(a) => {
                let a = self.boolean_arg(a, "NOT")?;
                Ok(Info::new(SqlType::base("bool"), a.nullable))
            }
            ExprKind::IsNull { expr, .. } => {
                let mut a = self.expr(expr)?;
                if a.param.is_some() {
                    // PostgreSQL: `$1 IS NULL` alone leaves the type undetermined
                    self.coerce(&mut a, &SqlType::unknown());
                }
                Ok(Info::new(SqlType::base("bool"), false))
            }
            ExprKind::IsBool { expr } => {
                let mut a = self.expr(expr)?;
                self.coerce(&mut a, &SqlType::base("bool"));
                Ok(Info::new(SqlType::base("bool"), false))
            }
            ExprKind::IsDistinct { left, right } => {
                let l = self.expr(left)?;
                let r = self.expr(right)?;
                self.operator("=", vec![l, r], o)?;
                Ok(Info::new(SqlType::base("bool"), false))
            }
            ExprKind::Between { expr, low, high } => {
                let a = self.expr(expr)?;
                let l = self.expr(low)?;
                let r1 = self.operator(">=", vec![a.clone(), l], o)?;
                let a = self.expr(expr)?;
                let h = self.expr(high)?;
                let r2 = self.operator("<=", vec![a, h], o)?;
                Ok(Info::new(SqlType::base("bool"), r1.nullable || r2.nullable))
            }
            ExprKind::InList { expr, list } => {
                let mut nullable = false;
                for item in list {
                    let a = self.expr(expr)?;
                    let b = self.expr(item)?;
                    nullable |= self.operator("=", vec![a, b], o)?.nullable;
                }
                Ok(Info::new(SqlType::base("bool"), nullable))
            }
            ExprKind::InQuery { expr, query } => {
                let cols = self.query(query, None)?;
                if cols.len() != 1 {
                    return err(o, "subquery has too many columns");
                }
                let a = self.expr(expr)?;
                let b = Info::new(cols[0].ty.clone(), cols[0].nullable);
                self.operator("=", vec![a, b], o)?;
                Ok(Info::new(SqlType::base("bool"), true))
            }
            ExprKind::AnyAllQuery { left, op, query } => {
                let cols = self.query(query, None)?;
                if cols.len() != 1 {
                    return err(o, "subquery has too many columns");
                }
                let a = self.expr(left)?;
                let b = Info::new(cols[0].ty.clone(), cols[0].nullable);
                self.operator(op, vec![a, b], o)?;
                Ok(Info::new(SqlType::base("bool"), true))
            }
            ExprKind::AnyAll { left, op, right } => {
                let a = self.expr(left)?;
                let r = self.expr(right)?;
                if let Some(n) = r.param {
                    let elem = Info::new(SqlType::unknown(), true);
                    let chosen = self.choose_operator(op, &[a.clone(), elem], o)?;
                    let elem_t = chosen.args.get(1).cloned().unwrap_or_else(SqlType::unknown);
                    let mut a = a;
                    if let Some(t) = chosen.args.first() {
                        self.coerce(&mut a, t);
                    }
                    self.set_param(n, &elem_t.array_of());
                    return Ok(Info::new(SqlType::base("bool"), true));
                }
                let elem = match self.reduce(&r.ty) {
                    SqlType::Array(e) => *e,
                    t if t.is_unknown() => SqlType::unknown(),
                    t => {
                        return err(
                            right.offset,
                            format!("op ANY/ALL (array) requires array on right side, got {t:?}"),
                        );
                    }
                };
                self.operator(op, vec![a, Info::new(elem, true)], o)?;
                Ok(Info::new(SqlType::base("bool"), true))
            }
            ExprKind::Cast { expr, ty } => {
                let target = self.resolve_type(ty)?;
                let mut a = self.expr(expr)?;
                let name = match &expr.kind {
                    // a cast of a literal or parameter is named for the type
                    ExprKind::Lit(_) | ExprKind::Param(_) | ExprKind::Binary { .. } => None,
                    _ => a.name.clone(),
                };
                self.coerce(&mut a, &target);
                Ok(Info {
                    name: Some(name.unwrap_or_else(|| Self::type_colname(&target))),
                    ty: target,
                    nullable: a.nullable,
                    origin: None,
                    param: None,
                    var: None,
                    literal: None,
                })
            }
            ExprKind::TypedLit { ty } => {
                let t = self.resolve_type(ty)?;
                Ok(Info::new(t.clone(), false).named(&Self::type_colname(&t)))
            }
            ExprKind::Func(f) => self.func(f, o),
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => {
                let operand_info = match operand {
                    Some(op) => Some(self.expr(op)?),
                    None => None,
                };
                let mut results = Vec::new();
                let mut offsets = Vec::new();
                for (cond, res) in whens {
                    match &operand_info {
                        Some(opi) => {
                            let c = self.expr(cond)?;
                            self.operator("=", vec![opi.clone(), c], cond.offset)?;
                        }
                        None => {
                            self.boolean_arg(cond, "CASE/WHEN")?;
                        }
                    }
                    results.push(self.expr(res)?);
                    offsets.push(res.leftmost());
                }
                let has_else = else_.is_some();
                if let Some(e) = else_ {
                    results.push(self.expr(e)?);
                    offsets.push(e.leftmost());
                }
                let mut items: Vec<(SqlType, usize)> =
                    results.iter().map(|r| r.ty.clone()).zip(offsets).collect();
                // the server puts ELSE first when it unifies the results
                if has_else {
                    items.rotate_right(1);
                }
                let ty = self.unify(&items, Some("CASE"))?;
                let mut nullable = !has_else;
                for mut r in results {
                    nullable |= r.nullable;
                    self.coerce(&mut r, &ty);
                }
                Ok(Info::new(ty, nullable).named("case"))
            }
            ExprKind::Exists(q) => {
                self.query(q, None)?;
                Ok(Info::new(SqlType::base("bool"), false).named("exists"))
            }
            ExprKind::Subquery(q) => {
                let cols = self.query(q, None)?;
                if cols.len() != 1 {
                    return err(o, "subquery must return only one column");
                }
                Ok(Info::new(cols[0].ty.clone(), true).named(&cols[0].name))
            }
            ExprKind::Array(items) => {
                let mut infos = Vec::new();
                for i in items {
                    infos.push(self.expr(i)?);
                }
                if infos.is_empty() {
                    return Ok(Info::new(SqlType::unknown(), false).named("array"));
                }
                let typed: Vec<(SqlType, usize)> = infos
                    .iter()
                    .zip(items)
                    .map(|(info, e)| (info.ty.clone(), e.leftmost()))
                    .collect();
                let ty = self.unify(&typed, Some("ARRAY"))?;
                for mut i in infos {
                    self.coerce(&mut i, &ty);
                }
                let arr = if matches!(ty, SqlType::Array(_)) {
                    ty
                } else {
                    ty.array_of()
                };
                Ok(Info::new(arr, false).named("array"))
            }
            ExprKind::ArrayQuery(q) => {
                let cols = self.query(q, None)?;
                if cols.len() != 1 {
                    return err(o, "subquery must return only one column");
                }
                Ok(Info::new(cols[0].ty.clone().array_of(), false).named("array"))
            }
            ExprKind::Row(items) => {
                for i in items {
                    let mut info = self.expr(i)?;
                    if info.ty.is_unknown() {
                        self.coerce(&mut info, &SqlType::base("text"));
                    }
                }
                Ok(Info::new(SqlType::base("record"), false).named("row"))
            }
            ExprKind::Field { expr, field } => {
                let base = self.expr(expr)?;
                match self.field_type(&base.ty, field) {
                    Some(t) => Ok(Info::new(t, true).named(field)),
                    None => err(
                        o,
                        format!("column \"{field}\" not found in data type {:?}", base.ty),
                    ),
                }
            }
            ExprKind::FieldStar(inner) => self.expr(inner),
            ExprKind::Index { expr, slice, index } => {
                let base = self.expr(expr)?;
                // array subscripts are integers; jsonb takes a text key or an integer
                let key = if matches!(self.reduce(&base.ty), SqlType::Array(_)) {
                    "int4"
                } else {
                    "text"
                };
                for i in index {
                    let mut ii = self.expr(i)?;
                    self.coerce(&mut ii, &SqlType::base(key));
                }
                let ty = match self.reduce(&base.ty) {
                    SqlType::Array(e) if !slice => *e,
                    SqlType::Array(e) => SqlType::Array(e),
                    t if t.is("jsonb") => t,
                    t => {
                        return err(
                            o,
                            format!(
                                "cannot subscript type {t:?} because it does not support subscripting"
                            ),
                        );
                    }
                };
                Ok(Info {
                    ty,
                    nullable: true,
                    name: base.name,
                    origin: None,
                    param: None,
                    var: None,
                    literal: None,
                })
            }
            ExprKind::SqlValue(v) => {
                let (ty, name) = match v.as_str() {
                    "current_date" => ("date", v.as_str()),
                    "current_timestamp" => ("timestamptz", v.as_str()),
                    "current_time" => ("timetz", v.as_str()),
                    "localtime" => ("time", v.as_str()),
                    "localtimestamp" => ("timestamp", v.as_str()),
                    "user" => ("name", "current_user"),
                    other => ("name", other),
                };
                Ok(Info::new(SqlType::base(ty), v == "current_schema").named(name))
            }
            ExprKind::AtTimeZone { expr, zone } => {
                let a = self.expr(expr)?;
                let mut z = self.expr(zone)?;
                self.coerce(&mut z, &SqlType::base("text"));
                let ty = if self.reduce(&a.ty).is("timestamp") {
                    "timestamptz"
                } else {
                    "timestamp"
                };
                let mut a = a;
                self.coerce(&mut a, &SqlType::base("timestamptz"));
                Ok(Info::new(SqlType::base(ty), a.nullable || z.nullable).named("timezone"))
            }
        }
    }

    /// Analyses an expression that must be boolean (PostgreSQL's `coerce_to_boolean`):
    /// parameters and untyped literals become `boolean`; any other type is refused, naming
    /// the construct (`WHERE`, `AND`, `JOIN/ON`, …) at the argument's position.
    fn boolean_arg(&mut self, expr: &Expr, construct: &str) -> AResult<Info> {
        let clause = match construct {
            "WHERE" => Some("WHERE"),
            "JOIN/ON" => Some("JOIN conditions"),
            _ => None,
        };
        let mut info = match clause {
            Some(clause) => {
                let saved = self.top().group.forbidden.replace(clause);
                let info = self.expr(expr);
                self.top().group.forbidden = saved;
                info?
            }
            None => self.expr(expr)?,
        };
        self.coerce(&mut info, &SqlType::base("bool"));
        let t = self.reduce(&info.ty);
        if t.is("bool") || t.is_unknown() {
            Ok(info)
        } else {
            err(
                expr.leftmost(),
                // the type as written (a domain by its own name), as the server reports it
                format!(
                    "argument of {construct} must be type boolean, not type {}",
                    self.type_display(&info.ty)
                ),
            )
        }
    }

    fn type_display(&self, t: &SqlType) -> String {
        match t {
            SqlType::Base(n) => super::types::regtype_name(n).to_string(),
            SqlType::Array(e) => format!("{}[]", self.type_display(e)),
            SqlType::User { schema, name } => self.display_relation(schema, name),
        }
    }

    fn operator(&mut self, op: &str, mut args: Vec<Info>, offset: usize) -> AResult<Info> {
        let chosen = self.choose_operator(op, &args, offset)?;
        let mut nullable = false;
        for (a, t) in args.iter_mut().zip(&chosen.args) {
            self.coerce(a, t);
            nullable |= a.nullable;
        }
        if chosen.builtin.as_ref().is_some_and(|b| b.may_be_null) {
            nullable = true;
        }
        Ok(Info::new(chosen.ret, nullable))
    }

    fn choose_operator(&mut self, op: &str, args: &[Info], offset: usize) -> AResult<Chosen> {
        let b = builtins();
        let cands = b.operators.get(op).cloned().unwrap_or_default();
        let types: Vec<SqlType> = args.iter().map(|a| a.ty.clone()).collect();
        match self.select_candidate(&cands, &types, true) {
            Some(c) => Ok(c),
            None => {
                let shown: Vec<String> = types.iter().map(|t| self.type_display(t)).collect();
                Err(AError {
                    message: if shown.len() == 1 {
                        format!("operator does not exist: {op} {}", shown[0])
                    } else {
                        format!("operator does not exist: {} {op} {}", shown[0], shown[1])
                    },
                    offset,
                    hint: Some("No operator matches the given name and argument types. You might need to add explicit type casts.".into()),
                })
            }
        }
    }

    /// PostgreSQL's overload resolution (`func_select_candidate`, simplified).
    fn select_candidate(
        &self,
        cands: &[Builtin],
        inputs: &[SqlType],
        binary_op: bool,
    ) -> Option<Chosen> {
        let inputs: Vec<SqlType> = inputs.iter().map(|t| self.reduce(t)).collect();
        // expand variadics and filter by arity
        let mut sigs: Vec<(Vec<SqlType>, &Builtin)> = Vec::new();
        for c in cands {
            let mut args: Vec<SqlType> = c.args.iter().map(|a| pattern(a)).collect();
            if c.variadic {
                if inputs.len() + 1 < args.len() {
                    continue;
                }
                let last = args.pop().unwrap_or_else(SqlType::unknown);
                while args.len() < inputs.len() {
                    args.push(last.clone());
                }
            }
            if args.len() == inputs.len() {
                sigs.push((args, c));
            }
        }
        // exact match, with an unknown operand taken as the other's type
        let mut probe = inputs.clone();
        if binary_op && probe.len() == 2 {
            if probe[0].is_unknown() && !probe[1].is_unknown() {
                probe[0] = probe[1].clone();
            } else if probe[1].is_unknown() && !probe[0].is_unknown() {
                probe[1] = probe[0].clone();
            }
        }
        for (args, c) in &sigs {
            if args == &probe {
                return Some(Chosen {
                    args: args.clone(),
                    ret: pattern(c.ret),
                    builtin: Some((*c).clone()),
                });
            }
        }
        // candidates that accept the inputs
        let mut ok: Vec<(Vec<SqlType>, SqlType, &Builtin)> = Vec::new();
        for (args, c) in &sigs {
            if let Some((decl, ret)) = self.match_sig(args, &pattern(c.ret), &inputs) {
                ok.push((decl, ret, c));
            }
        }
        if ok.len() > 1 {
            // most exact matches
            let exact = |d: &Vec<SqlType>| d.iter().zip(&inputs).filter(|(a, b)| a == b).count();
            let best = ok.iter().map(|(d, _, _)| exact(d)).max().unwrap_or(0);
            ok.retain(|(d, _, _)| exact(d) == best);
        }
        if ok.len() > 1 {
            // most preferred types where a conversion is needed
            let pref = |d: &Vec<SqlType>| {
                d.iter()
                    .zip(&inputs)
                    .filter(|(a, b)| a != b && !b.is_unknown() && is_preferred(a))
                    .count()
            };
            let best = ok.iter().map(|(d, _, _)| pref(d)).max().unwrap_or(0);
            ok.retain(|(d, _, _)| pref(d) == best);
        }
        if ok.len() > 1 {
            // unknown inputs: all known inputs of one type → assume it
            let known: Vec<&SqlType> = inputs.iter().filter(|t| !t.is_unknown()).collect();
            if !known.is_empty() && known.iter().all(|t| *t == known[0]) {
                let t = known[0];
                let same: Vec<_> = ok
                    .iter()
                    .filter(|(d, _, _)| {
                        d.iter()
                            .zip(&inputs)
                            .all(|(a, b)| !b.is_unknown() || a == t)
                    })
                    .cloned()
                    .collect();
                if !same.is_empty() {
                    ok = same;
                }
            }
        }
        if ok.len() > 1 {
            // unknown inputs: prefer the string category, then preferred types
            for (i, inp) in inputs.iter().enumerate() {
                if !inp.is_unknown() {
                    continue;
                }
                let cats: Vec<char> = ok.iter().map(|(d, _, _)| self.cat(&d[i])).collect();
                let chosen = if cats.contains(&'S') {
                    Some('S')
                } else if cats.iter().all(|c| *c == cats[0]) {
                    Some(cats[0])
                } else {
                    None
                };
                if let Some(cat) = chosen {
                    ok.retain(|(d, _, _)| self.cat(&d[i]) == cat);
                    if ok.iter().any(|(d, _, _)| is_preferred(&d[i])) {
                        ok.retain(|(d, _, _)| is_preferred(&d[i]));
                    }
                }
            }
        }
        ok.into_iter().next().map(|(args, ret, c)| Chosen {
            args,
            ret,
            builtin: Some(c.clone()),
        })
    }

    /// Matches inputs against a signature with polymorphic types; returns the declared types
    /// with polymorphism resolved, and the result type.
    fn match_sig(
        &self,
        args: &[SqlType],
        ret: &SqlType,
        inputs: &[SqlType],
    ) -> Option<(Vec<SqlType>, SqlType)> {
        let mut elem: Vec<SqlType> = Vec::new();
        let mut compat: Vec<SqlType> = Vec::new();
        let mut range: Option<SqlType> = None;
        for (a, t) in args.iter().zip(inputs) {
            let SqlType::Base(p) = a else {
                if t.is_unknown() || self.coercible(t, a) {
                    continue;
                }
                return None;
            };
            match p.as_str() {
                "any" => {}
                "anyelement" | "anyminmax" => {
                    if !t.is_unknown() {
                        elem.push(t.clone());
                    }
                }
                "anynonarray" => {
                    if matches!(t, SqlType::Array(_)) {
                        return None;
                    }
                    if !t.is_unknown() {
                        elem.push(t.clone());
                    }
                }
                "anyenum" => {
                    if t.is_unknown() {
                        continue;
                    }
                    if !self.is_enum(t) {
                        return None;
                    }
                    elem.push(t.clone());
                }
                "anyarray" => match t {
                    SqlType::Array(e) => elem.push((**e).clone()),
                    t if t.is_unknown() => {}
                    _ => return None,
                },
                "anycompatible" => {
                    if !t.is_unknown() {
                        compat.push(t.clone());
                    }
                }
                "anycompatiblearray" => match t {
                    SqlType::Array(e) => compat.push((**e).clone()),
                    t if t.is_unknown() => {}
                    _ => return None,
                },
                "anycompatiblenonarray" => {
                    if matches!(t, SqlType::Array(_)) {
                        return None;
                    }
                    if !t.is_unknown() {
                        compat.push(t.clone());
                    }
                }
                "anyrange" => {
                    if t.is_unknown() {
                        continue;
                    }
                    if category(t) != 'R' {
                        return None;
                    }
                    range = Some(t.clone());
                }
                "record" => {
                    if !t.is_unknown() && !self.is_composite(t) {
                        return None;
                    }
                }
                _ => {
                    if !(t.is_unknown() || self.coercible(t, a)) {
                        return None;
                    }
                }
            }
        }
        let e = match elem.first() {
            Some(first) => {
                if elem.iter().any(|x| x != first) {
                    return None;
                }
                first.clone()
            }
            None => SqlType::base("text"),
        };
        let c = if compat.is_empty() {
            SqlType::base("text")
        } else {
            self.common_type(&compat)
        };
        let subst = |p: &SqlType| -> SqlType {
            match p {
                SqlType::Base(n) => match n.as_str() {
                    "anyelement" | "anynonarray" | "anyenum" => e.clone(),
                    "anyminmax" => match &e {
                        SqlType::Base(b) if matches!(b.as_str(), "varchar" | "name" | "citext") => {
                            SqlType::base("text")
                        }
                        other => other.clone(),
                    },
                    "anyarray" => {
                        if let Some(SqlType::Array(_)) = inputs
                            .iter()
                            .zip(args)
                            .find(|(_, a)| a.is("anyarray"))
                            .map(|(t, _)| t)
                        {
                            e.clone().array_of()
                        } else {
                            e.clone().array_of()
                        }
                    }
                    "anycompatible" | "anycompatiblenonarray" => c.clone(),
                    "anycompatiblearray" => c.clone().array_of(),
                    "anyrange" => range.clone().unwrap_or_else(SqlType::unknown),
                    _ => p.clone(),
                },
                _ => p.clone(),
            }
        };
        let decl: Vec<SqlType> = args
            .iter()
            .zip(inputs)
            .map(|(a, t)| {
                if a.is("any") {
                    if t.is_unknown() {
                        SqlType::base("text")
                    } else {
                        t.clone()
                    }
                } else if a.is("record") && !t.is_unknown() {
                    t.clone()
                } else {
                    subst(a)
                }
            })
            .collect();
        let ret = if ret.is("anyelement") && range.is_some() && elem.is_empty() {
            range_subtype(range.as_ref())
        } else {
            subst(ret)
        };
        Some((decl, ret))
    }

    fn coercible(&self, from: &SqlType, to: &SqlType) -> bool {
        if from == to {
            return true;
        }
        let f = self.reduce(from);
        if &f == to {
            return true;
        }
        // composites coerce to record
        if to.is("record") && self.is_composite(&f) {
            return true;
        }
        implicit_cast(&f, to)
    }

    /// A function call, with the grouping rules for aggregates and window functions.
    fn func(&mut self, f: &FuncCall, o: usize) -> AResult<Info> {
        let name = f.name.last().map(String::as_str).unwrap_or_default();
        let builtin = if f.name.len() == 1 || f.name[0] == "pg_catalog" {
            builtins().functions.get(name)
        } else {
            None
        };
        // resolved as the call itself resolves user functions (keyed lookups, search path)
        let qualifier = f.name.len().checked_sub(2).map(|i| f.name[i].as_str());
        let user = !self.user_functions(qualifier, name).is_empty();
        let aggregate =
            !user && builtin.is_some_and(|c| !c.is_empty() && c.iter().all(|b| b.aggregate));
        let group = &mut self.top().group;
        if user {
            group.unsure = true;
        }
        if let Some(clause) = group.forbidden
            && f.over
        {
            return err(o, format!("window functions are not allowed in {clause}"));
        }
        if !aggregate || f.over {
            return self.call(f, o);
        }
        let (forbidden, nested, outer_before) =
            (group.forbidden, group.agg_depth > 0, group.outer_refs);
        group.agg_depth += 1;
        // A failed call can return with a subquery's level still pushed; drop it so the
        // counter below is this query's.
        let depth = self.levels.len();
        let result = self.call(f, o);
        self.levels.truncate(depth);
        let group = &mut self.top().group;
        group.agg_depth = group.agg_depth.saturating_sub(1);
        let result = result?;
        if group.outer_refs > outer_before {
            // over an outer query's columns: the aggregate is the outer query's
            return Ok(result);
        }
        if let Some(clause) = forbidden {
            return err(
                o,
                format!("aggregate functions are not allowed in {clause}"),
            );
        }
        if nested {
            return err(o, "aggregate function calls cannot be nested");
        }
        group.has_agg = true;
        Ok(result)
    }

    /// Records a column reference of the current level outside aggregates, for the grouping
    /// check.
    fn note_column_ref(&mut self, info: &Info, offset: usize) {
        let top = self.levels.len() - 1;
        let Some((level, entry)) = info.var else {
            return;
        };
        let Some(column) = info.name.clone() else {
            return;
        };
        if level != top {
            self.levels[top].group.outer_refs += 1;
            return;
        }
        let qualifier = self.levels[top].entries[entry].name.clone();
        let group = &mut self.levels[top].group;
        if group.recording && group.agg_depth == 0 {
            group.refs.push((entry, column, qualifier, offset));
        }
    }

    fn call(&mut self, f: &FuncCall, o: usize) -> AResult<Info> {
        let name = f.name.last().cloned().unwrap_or_default();
        let schema = if f.name.len() > 1 {
            Some(f.name[0].clone())
        } else {
            None
        };
        if let Some(w) = &f.filter {
            self.boolean_arg(w, "FILTER")?;
        }
        for ob in &f.order_by {
            self.expr(&ob.expr)?;
        }
        for w in &f.window {
            self.expr(w)?;
        }
        if schema.is_none() || schema.as_deref() == Some("pg_catalog") {
            match name.as_str() {
                "coalesce" | "greatest" | "least" => {
                    let mut infos = Vec::new();
                    for a in &f.args {
                        infos.push(self.expr(a)?);
                    }
                    let typed: Vec<(SqlType, usize)> = infos
                        .iter()
                        .zip(&f.args)
                        .map(|(info, e)| (info.ty.clone(), e.leftmost()))
                        .collect();
                    let ty = self.unify(&typed, Some(&name.to_uppercase()))?;
                    let nullable = if name == "coalesce" {
                        infos.iter().all(|i| i.nullable)
                    } else {
                        infos.iter().all(|i| i.nullable)
                    };
                    for mut i in infos {
                        self.coerce(&mut i, &ty);
                    }
                    return Ok(Info::new(ty, nullable).named(&name));
                }
                "nullif" => {
                    let a = self.expr(&f.args[0])?;
                    let b = match f.args.get(1) {
                        Some(b) => self.expr(b)?,
                        None => return err(o, "nullif requires two arguments"),
                    };
                    self.operator("=", vec![a.clone(), b], o)?;
                    let ty = if a.ty.is_unknown() {
                        SqlType::base("text")
                    } else {
                        a.ty.clone()
                    };
                    return Ok(Info::new(ty, true).named("nullif"));
                }
                "make_interval" if f.arg_names.iter().any(Option::is_some) || f.args.len() < 7 => {
                    const NAMES: [&str; 7] =
                        ["years", "months", "weeks", "days", "hours", "mins", "secs"];
                    let mut nullable = false;
                    for (i, a) in f.args.iter().enumerate() {
                        let pname =
                            f.arg_names.get(i).cloned().flatten().unwrap_or_else(|| {
                                NAMES.get(i).copied().unwrap_or("secs").to_string()
                            });
                        let t = if pname == "secs" { "float8" } else { "int4" };
                        let mut info = self.expr(a)?;
                        nullable |= info.nullable;
                        self.coerce(&mut info, &SqlType::base(t));
                    }
                    return Ok(
                        Info::new(SqlType::base("interval"), nullable).named("make_interval")
                    );
                }
                "count" if f.star => {
                    return Ok(Info::new(SqlType::base("int8"), false).named("count"));
                }
                _ => {}
            }
        }
        let mut infos = Vec::new();
        for a in &f.args {
            infos.push(self.expr(a)?);
        }
        if f.within_group {
            // ordered-set aggregates take the ORDER BY expressions as their last arguments
            for ob in &f.order_by {
                infos.push(self.expr(&ob.expr)?);
            }
        }
        let types: Vec<SqlType> = infos.iter().map(|i| i.ty.clone()).collect();
        // user functions first (they live in the search path's schemas)
        let user = self.user_functions(schema.as_deref(), &name);
        if !user.is_empty() {
            let cands: Vec<Builtin> = Vec::new();
            let _ = cands;
            let best = user
                .iter()
                .filter(|s| s.args.len() == types.len())
                .find(|s| {
                    s.args
                        .iter()
                        .zip(&types)
                        .all(|(a, t)| t.is_unknown() || self.coercible(t, a))
                });
            if let Some(sig) = best {
                let sig = sig.clone();
                for (mut i, t) in infos.into_iter().zip(&sig.args) {
                    self.coerce(&mut i, t);
                }
                return Ok(Info::new(sig.ret.clone(), true).named(&name));
            }
        }
        let b = builtins();
        // `typename(expr)`: a function-style cast when no function of that name applies
        let is_function = b.functions.contains_key(name.as_str());
        if !is_function
            && infos.len() == 1
            && let Some(target) = self.schema.resolve_type_parts(&f.name)
        {
            let mut i = infos.remove(0);
            self.coerce(&mut i, &target);
            return Ok(Info::new(target, i.nullable).named(&name));
        }
        let Some(cands) = b.functions.get(name.as_str()) else {
            return Err(AError {
                message: format!(
                    "function {}({}) does not exist",
                    f.name.join("."),
                    types.iter().map(|t| self.type_display(t)).collect::<Vec<_>>().join(", ")
                ),
                offset: o,
                hint: Some("No function matches the given name and argument types. You might need to add explicit type casts.".into()),
            });
        };
        let Some(chosen) = self.select_candidate(cands, &types, false) else {
            return Err(AError {
                message: format!(
                    "function {}({}) does not exist",
                    f.name.join("."),
                    types.iter().map(|t| if t.is_unknown() { "unknown".to_string() } else { self.type_display(t) }).collect::<Vec<_>>().join(", ")
                ),
                offset: o,
                hint: Some("No function matches the given name and argument types. You might need to add explicit type casts.".into()),
            });
        };
        let mut any_nullable = false;
        for (mut i, t) in infos.into_iter().zip(&chosen.args) {
            any_nullable |= i.nullable;
            self.coerce(&mut i, t);
        }
        let bi = chosen.builtin.clone();
        if bi.as_ref().is_some_and(|b| b.window) && !f.over {
            return err(o, format!("window function {name} requires an OVER clause"));
        }
        if bi.as_ref().is_some_and(|b| !b.window && !b.aggregate) && f.over {
            return err(
                o,
                format!(
                    "OVER specified, but {name} is not a window function nor an aggregate function"
                ),
            );
        }
        let nullable = match &bi {
            Some(b) if b.never_null => false,
            Some(b) if b.may_be_null => true,
            Some(b) if b.aggregate => true,
            Some(b) if b.set && name == "unnest" => true,
            _ => any_nullable,
        };
        Ok(Info::new(chosen.ret, nullable).named(&name))
    }
}

/// Whether each select-list item is exactly one output column (no `*`, no `(x).*`), so
/// positions in ORDER BY / GROUP BY / DISTINCT ON can be judged.
fn exact_targets(sel: &Select) -> bool {
    sel.targets.iter().all(|t| match t {
        Target::Expr { expr, .. } => !matches!(expr.kind, ExprKind::FieldStar(_)),
        Target::Star { .. } => false,
    })
}

/// Set-returning built-ins whose output columns are named by OUT parameters.
fn out_columns(name: &str) -> Option<&'static [&'static str]> {
    match name {
        "jsonb_array_elements"
        | "json_array_elements"
        | "jsonb_array_elements_text"
        | "json_array_elements_text" => Some(&["value"]),
        "jsonb_each" | "json_each" | "jsonb_each_text" | "json_each_text" => {
            Some(&["key", "value"])
        }
        _ => None,
    }
}

fn q_offset(q: &Query) -> usize {
    match &q.body {
        SetExpr::Select(s) => s.offset,
        _ => 0,
    }
}

/// A signature type from the built-in table: `_text` is `text[]`, polymorphic names kept.
fn pattern(s: &str) -> SqlType {
    match s.strip_prefix('_') {
        Some(e) => SqlType::base(e).array_of(),
        None => SqlType::base(s),
    }
}

fn range_subtype(r: Option<&SqlType>) -> SqlType {
    match r {
        Some(SqlType::Base(n)) => SqlType::base(match n.as_str() {
            "int4range" => "int4",
            "int8range" => "int8",
            "numrange" => "numeric",
            "tsrange" => "timestamp",
            "tstzrange" => "timestamptz",
            "daterange" => "date",
            _ => "unknown",
        }),
        _ => SqlType::unknown(),
    }
}

fn rename(cols: &mut [Col], names: &[String]) {
    for (c, n) in cols.iter_mut().zip(names) {
        c.name = n.clone();
    }
}

fn closest<'a>(names: impl Iterator<Item = &'a str>, target: &str) -> Option<&'a str> {
    names
        .map(|n| (levenshtein(n, target), n))
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}
