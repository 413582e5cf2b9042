//! A recursive-descent parser for the statements the analyser describes (SELECT, VALUES,
//! INSERT, UPDATE, DELETE, WITH); other statements are recognised and described as empty.

use super::ast::*;
use super::lexer::{Tok, Token, lex};

/// A parse error: message and byte offset.
#[derive(Debug, Clone)]
pub(crate) struct ParseError {
    pub message: String,
    pub offset: usize,
}

type PResult<T> = Result<T, ParseError>;

/// Keywords that end an expression or cannot be an implicit alias.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "current_catalog",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "initially",
    "intersect",
    "into",
    "lateral",
    "leading",
    "limit",
    "localtime",
    "localtimestamp",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "placing",
    "primary",
    "references",
    "returning",
    "select",
    "session_user",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "when",
    "where",
    "window",
    "with",
    // not reserved in PostgreSQL but never an implicit alias
    "join",
    "inner",
    "left",
    "right",
    "full",
    "outer",
    "cross",
    "natural",
    "is",
    "isnull",
    "notnull",
    "like",
    "ilike",
    "similar",
    "between",
    "set",
    "values",
    "nulls",
    "filter",
    "over",
    "conflict",
];

fn is_reserved(w: &str) -> bool {
    RESERVED.contains(&w)
}

pub(crate) struct Parser {
    toks: Vec<Token>,
    pos: usize,
    /// `ltrim` / `rtrim` / `btrim` for the `trim(...)` being parsed.
    trim_kind: Option<&'static str>,
}

/// Parses one statement (a trailing `;` is allowed).
pub(crate) fn parse_statement(src: &str) -> PResult<Stmt> {
    let toks = lex(src).map_err(|e| ParseError {
        message: e.message,
        offset: e.offset,
    })?;
    let mut p = Parser {
        toks,
        pos: 0,
        trim_kind: None,
    };
    let stmt = p.statement()?;
    while p.eat_op(";") {}
    if !p.at_eof() {
        return Err(p.unexpected());
    }
    Ok(stmt)
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }

    fn peek_at(&self, n: usize) -> &Tok {
        let i = (self.pos + n).min(self.toks.len() - 1);
        &self.toks[i].tok
    }

    fn offset(&self) -> usize {
        self.toks[self.pos].offset
    }

    fn at_eof(&self) -> bool {
        matches!(self.peek(), Tok::Eof)
    }

    fn bump(&mut self) -> Tok {
        let t = self.toks[self.pos].tok.clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Word(w) if w == kw)
    }

    fn is_kw_at(&self, n: usize, kw: &str) -> bool {
        matches!(self.peek_at(n), Tok::Word(w) if w == kw)
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if o == op)
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.is_op(op) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn unexpected(&self) -> ParseError {
        let near = match self.peek() {
            Tok::Eof => return self.err("syntax error at end of input"),
            Tok::Word(w) => w.clone(),
            Tok::QuotedIdent(w) => format!("\"{w}\""),
            Tok::Str(s) => format!("'{s}'"),
            Tok::Int(s) | Tok::Num(s) => s.clone(),
            Tok::Param(n) => format!("${n}"),
            Tok::Op(o) => o.clone(),
        };
        self.err(&format!("syntax error at or near \"{near}\""))
    }

    fn err(&self, message: &str) -> ParseError {
        ParseError {
            message: message.to_string(),
            offset: self.offset(),
        }
    }

    fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn expect_op(&mut self, op: &str) -> PResult<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    /// Any identifier (keywords included, as PostgreSQL allows most as column names).
    fn ident(&mut self) -> PResult<String> {
        match self.peek().clone() {
            Tok::Word(w) => {
                self.bump();
                Ok(w)
            }
            Tok::QuotedIdent(w) => {
                self.bump();
                Ok(w)
            }
            _ => Err(self.unexpected()),
        }
    }

    fn obj_name(&mut self) -> PResult<ObjName> {
        let mut name = vec![self.ident()?];
        while self.is_op(".") && matches!(self.peek_at(1), Tok::Word(_) | Tok::QuotedIdent(_)) {
            self.bump();
            name.push(self.ident()?);
        }
        Ok(name)
    }

    fn statement(&mut self) -> PResult<Stmt> {
        if self.is_kw("with") {
            let with = self.with_clause()?;
            return self.statement_after_with(Some(with));
        }
        self.statement_after_with(None)
    }

    fn statement_after_with(&mut self, with: Option<With>) -> PResult<Stmt> {
        match self.peek() {
            Tok::Word(w) if w == "insert" => self.insert(with).map(|i| Stmt::Insert(Box::new(i))),
            Tok::Word(w) if w == "update" => self.update(with).map(|u| Stmt::Update(Box::new(u))),
            Tok::Word(w) if w == "delete" => self.delete(with).map(|d| Stmt::Delete(Box::new(d))),
            Tok::Word(w) if w == "merge" => self.merge(with).map(|m| Stmt::Merge(Box::new(m))),
            Tok::Word(w) if w == "select" || w == "values" || w == "table" => self
                .query_after_with(with)
                .map(|q| Stmt::Query(Box::new(q))),
            Tok::Op(o) if o == "(" => self
                .query_after_with(with)
                .map(|q| Stmt::Query(Box::new(q))),
            _ if with.is_some() => Err(self.unexpected()),
            _ => {
                // Utility statement: skip to the end.
                while !self.at_eof() && !self.is_op(";") {
                    self.bump();
                }
                Ok(Stmt::Other)
            }
        }
    }

    fn with_clause(&mut self) -> PResult<With> {
        self.expect_kw("with")?;
        let recursive = self.eat_kw("recursive");
        let mut ctes = Vec::new();
        loop {
            let offset = self.offset();
            let name = self.ident()?;
            let mut columns = Vec::new();
            if self.eat_op("(") {
                loop {
                    columns.push(self.ident()?);
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.expect_op(")")?;
            }
            self.expect_kw("as")?;
            if self.eat_kw("not") {
                self.expect_kw("materialized")?;
            } else {
                self.eat_kw("materialized");
            }
            self.expect_op("(")?;
            let stmt = self.statement()?;
            self.expect_op(")")?;
            ctes.push(Cte {
                name,
                columns,
                stmt,
                offset,
            });
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(With { recursive, ctes })
    }

    pub(crate) fn query(&mut self) -> PResult<Query> {
        crate::syntax::recurse(|| self.query_inner())
    }

    fn query_inner(&mut self) -> PResult<Query> {
        let with = if self.is_kw("with") {
            Some(self.with_clause()?)
        } else {
            None
        };
        self.query_after_with(with)
    }

    fn query_after_with(&mut self, with: Option<With>) -> PResult<Query> {
        let body = self.set_expr(0)?;
        let mut q = Query {
            with,
            body,
            order_by: Vec::new(),
            limit: None,
            offset: None,
            locking: Vec::new(),
        };
        self.query_tail(&mut q)?;
        Ok(q)
    }

    fn query_tail(&mut self, q: &mut Query) -> PResult<()> {
        loop {
            if self.is_kw("order") && self.is_kw_at(1, "by") {
                self.bump();
                self.bump();
                q.order_by = self.order_list()?;
            } else if self.eat_kw("limit") {
                if self.eat_kw("all") {
                    continue;
                }
                q.limit = Some(self.expr()?);
            } else if self.eat_kw("offset") {
                q.offset = Some(self.expr()?);
                if !self.eat_kw("rows") {
                    self.eat_kw("row");
                }
            } else if self.eat_kw("fetch") {
                // FETCH FIRST n ROWS ONLY
                if !self.eat_kw("first") {
                    self.expect_kw("next")?;
                }
                if !self.is_kw("row") && !self.is_kw("rows") {
                    q.limit = Some(self.primary_expr()?);
                }
                if !self.eat_kw("rows") {
                    self.expect_kw("row")?;
                }
                if !self.eat_kw("only") {
                    self.expect_kw("with")?;
                    self.expect_kw("ties")?;
                }
            } else if self.is_kw("for") {
                // FOR UPDATE / SHARE [OF ...] [NOWAIT | SKIP LOCKED]
                self.bump();
                let clause = if self.eat_kw("no") {
                    self.expect_kw("key")?;
                    self.expect_kw("update")?;
                    "FOR NO KEY UPDATE"
                } else if self.eat_kw("key") {
                    self.expect_kw("share")?;
                    "FOR KEY SHARE"
                } else if self.eat_kw("update") {
                    "FOR UPDATE"
                } else {
                    self.expect_kw("share")?;
                    "FOR SHARE"
                };
                let mut names = Vec::new();
                if self.eat_kw("of") {
                    loop {
                        let offset = self.offset();
                        names.push((self.obj_name()?, offset));
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                }
                q.locking.push((clause, names));
                if !self.eat_kw("nowait") && self.eat_kw("skip") {
                    self.expect_kw("locked")?;
                }
            } else {
                return Ok(());
            }
        }
    }

    fn order_list(&mut self) -> PResult<Vec<OrderItem>> {
        let mut items = Vec::new();
        loop {
            let expr = self.expr()?;
            if !self.eat_kw("asc") && !self.eat_kw("desc") && self.eat_kw("using") {
                self.bump();
            }
            if self.eat_kw("nulls") && !self.eat_kw("first") {
                self.expect_kw("last")?;
            }
            items.push(OrderItem { expr });
            if !self.eat_op(",") {
                return Ok(items);
            }
        }
    }

    /// Set operations: INTERSECT binds tighter than UNION / EXCEPT.
    fn set_expr(&mut self, min_prec: u8) -> PResult<SetExpr> {
        crate::syntax::recurse(|| self.set_expr_inner(min_prec))
    }

    fn set_expr_inner(&mut self, min_prec: u8) -> PResult<SetExpr> {
        let mut left = self.set_primary()?;
        loop {
            let (op, prec) = if self.is_kw("union") {
                (SetOp::Union, 1)
            } else if self.is_kw("except") {
                (SetOp::Except, 1)
            } else if self.is_kw("intersect") {
                (SetOp::Intersect, 2)
            } else {
                return Ok(left);
            };
            if prec < min_prec {
                return Ok(left);
            }
            self.bump();
            if !self.eat_kw("all") {
                self.eat_kw("distinct");
            }
            let right = self.set_expr(prec + 1)?;
            left = SetExpr::SetOp {
                op,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
    }

    fn set_primary(&mut self) -> PResult<SetExpr> {
        if self.is_op("(") {
            self.bump();
            let q = self.query()?;
            self.expect_op(")")?;
            return Ok(SetExpr::Query(Box::new(q)));
        }
        if self.eat_kw("values") {
            let mut rows = Vec::new();
            loop {
                self.expect_op("(")?;
                let mut row = Vec::new();
                loop {
                    row.push(self.expr_or_default()?);
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.expect_op(")")?;
                rows.push(row);
                if !self.eat_op(",") {
                    break;
                }
            }
            return Ok(SetExpr::Values(rows));
        }
        if self.is_kw("table") {
            let offset = self.offset();
            self.bump();
            let name = self.obj_name()?;
            return Ok(SetExpr::Select(Box::new(Select {
                distinct: false,
                distinct_on: Vec::new(),
                targets: vec![Target::Star {
                    qualifier: None,
                    offset,
                }],
                from: vec![FromItem::Table {
                    name,
                    alias: None,
                    offset,
                }],
                where_: None,
                group_by: Vec::new(),
                having: None,
                windows: Vec::new(),
                offset,
            })));
        }
        self.select().map(|s| SetExpr::Select(Box::new(s)))
    }

    fn expr_or_default(&mut self) -> PResult<Expr> {
        let offset = self.offset();
        if self.eat_kw("default") {
            return Ok(Expr {
                kind: ExprKind::Default,
                offset,
            });
        }
        self.expr()
    }

    fn select(&mut self) -> PResult<Select> {
        let offset = self.offset();
        self.expect_kw("select")?;
        let mut distinct_on = Vec::new();
        let mut distinct = false;
        if self.eat_kw("distinct") {
            if self.eat_kw("on") {
                self.expect_op("(")?;
                distinct_on = self.expr_list()?;
                self.expect_op(")")?;
            } else {
                distinct = true;
            }
        } else {
            self.eat_kw("all");
        }
        let targets = if self.at_select_list_end() {
            Vec::new()
        } else {
            self.target_list()?
        };
        let mut sel = Select {
            distinct,
            distinct_on,
            targets,
            from: Vec::new(),
            where_: None,
            group_by: Vec::new(),
            having: None,
            windows: Vec::new(),
            offset,
        };
        if self.eat_kw("into") {
            return Err(self.err("SELECT ... INTO is not supported here"));
        }
        if self.eat_kw("from") {
            sel.from = self.parse_from_list()?;
        }
        if self.eat_kw("where") {
            sel.where_ = Some(self.expr()?);
        }
        if self.is_kw("group") && self.is_kw_at(1, "by") {
            self.bump();
            self.bump();
            if !self.eat_kw("all") {
                self.eat_kw("distinct");
            }
            loop {
                sel.group_by.push(self.group_item()?);
                if !self.eat_op(",") {
                    break;
                }
            }
        }
        if self.eat_kw("having") {
            sel.having = Some(self.expr()?);
        }
        if self.eat_kw("window") {
            loop {
                self.ident()?;
                self.expect_kw("as")?;
                let exprs = self.window_spec()?;
                sel.windows.extend(exprs);
                if !self.eat_op(",") {
                    break;
                }
            }
        }
        Ok(sel)
    }

    fn at_select_list_end(&self) -> bool {
        match self.peek() {
            Tok::Eof => true,
            Tok::Op(o) => o == ")" || o == ";",
            Tok::Word(w) => matches!(
                w.as_str(),
                "from"
                    | "where"
                    | "group"
                    | "having"
                    | "union"
                    | "intersect"
                    | "except"
                    | "order"
                    | "limit"
                    | "offset"
                    | "for"
                    | "window"
            ),
            _ => false,
        }
    }

    fn group_item(&mut self) -> PResult<GroupItem> {
        crate::syntax::recurse(|| self.group_item_inner())
    }

    fn group_item_inner(&mut self) -> PResult<GroupItem> {
        if self.is_op("(") && matches!(self.peek_at(1), Tok::Op(o) if o == ")") {
            self.bump();
            self.bump();
            return Ok(GroupItem::Empty);
        }
        let is_sets = (self.is_kw("rollup") || self.is_kw("cube"))
            && matches!(self.peek_at(1), Tok::Op(o) if o == "(");
        let is_grouping_sets = self.is_kw("grouping") && self.is_kw_at(1, "sets");
        if is_sets || is_grouping_sets {
            self.bump();
            if is_grouping_sets {
                self.bump();
            }
            self.expect_op("(")?;
            let mut exprs = Vec::new();
            loop {
                match self.group_item()? {
                    GroupItem::Expr(e) => exprs.push(e),
                    GroupItem::Sets(es) => exprs.extend(es),
                    GroupItem::Empty => {}
                }
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")")?;
            return Ok(GroupItem::Sets(flatten_rows(exprs)));
        }
        Ok(GroupItem::Expr(self.expr()?))
    }

    fn target_list(&mut self) -> PResult<Vec<Target>> {
        let mut targets = Vec::new();
        loop {
            targets.push(self.target()?);
            if !self.eat_op(",") {
                return Ok(targets);
            }
        }
    }

    fn target(&mut self) -> PResult<Target> {
        let offset = self.offset();
        if self.eat_op("*") {
            return Ok(Target::Star {
                qualifier: None,
                offset,
            });
        }
        // qual.* (possibly schema.table.*)
        let save = self.pos;
        if matches!(self.peek(), Tok::Word(_) | Tok::QuotedIdent(_)) {
            let mut name = Vec::new();
            while matches!(self.peek(), Tok::Word(_) | Tok::QuotedIdent(_))
                && matches!(self.peek_at(1), Tok::Op(o) if o == ".")
            {
                name.push(self.ident()?);
                self.bump();
            }
            if !name.is_empty() && self.eat_op("*") {
                return Ok(Target::Star {
                    qualifier: Some(name),
                    offset,
                });
            }
            self.pos = save;
        }
        let expr = self.expr()?;
        let alias = if self.eat_kw("as") {
            Some(self.ident()?)
        } else {
            match self.peek().clone() {
                Tok::Word(w) if !is_reserved(&w) => {
                    self.bump();
                    Some(w)
                }
                Tok::QuotedIdent(w) => {
                    self.bump();
                    Some(w)
                }
                _ => None,
            }
        };
        Ok(Target::Expr { expr, alias })
    }

    fn parse_from_list(&mut self) -> PResult<Vec<FromItem>> {
        let mut items = Vec::new();
        loop {
            items.push(self.parse_from_item()?);
            if !self.eat_op(",") {
                return Ok(items);
            }
        }
    }

    fn parse_from_item(&mut self) -> PResult<FromItem> {
        crate::syntax::recurse(|| self.parse_from_item_inner())
    }

    fn parse_from_item_inner(&mut self) -> PResult<FromItem> {
        let mut left = self.parse_from_primary()?;
        loop {
            let natural = self.eat_kw("natural");
            let kind = if self.eat_kw("cross") {
                self.expect_kw("join")?;
                JoinKind::Cross
            } else if self.eat_kw("join") {
                JoinKind::Inner
            } else if self.eat_kw("inner") {
                self.expect_kw("join")?;
                JoinKind::Inner
            } else if self.eat_kw("left") {
                self.eat_kw("outer");
                self.expect_kw("join")?;
                JoinKind::Left
            } else if self.eat_kw("right") {
                self.eat_kw("outer");
                self.expect_kw("join")?;
                JoinKind::Right
            } else if self.eat_kw("full") {
                self.eat_kw("outer");
                self.expect_kw("join")?;
                JoinKind::Full
            } else if natural {
                return Err(self.unexpected());
            } else {
                return Ok(left);
            };
            let right = self.parse_from_primary()?;
            let mut on = None;
            let mut using = Vec::new();
            if kind != JoinKind::Cross && !natural {
                if self.eat_kw("on") {
                    on = Some(self.expr()?);
                } else if self.eat_kw("using") {
                    self.expect_op("(")?;
                    loop {
                        using.push(self.ident()?);
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    self.expect_op(")")?;
                } else {
                    return Err(self.unexpected());
                }
            }
            left = FromItem::Join {
                kind,
                natural,
                left: Box::new(left),
                right: Box::new(right),
                on,
                using,
            };
        }
    }

    fn opt_alias(&mut self) -> PResult<Option<Alias>> {
        let name = if self.eat_kw("as") {
            self.ident()?
        } else {
            match self.peek().clone() {
                Tok::Word(w) if !is_reserved(&w) && w != "tablesample" => {
                    self.bump();
                    w
                }
                Tok::QuotedIdent(w) => {
                    self.bump();
                    w
                }
                _ => return Ok(None),
            }
        };
        let mut columns = Vec::new();
        if self.eat_op("(") {
            loop {
                columns.push(self.ident()?);
                // column definition lists of record functions: name type
                if !self.is_op(",") && !self.is_op(")") {
                    self.type_name()?;
                }
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")")?;
        }
        Ok(Some(Alias { name, columns }))
    }

    fn parse_from_primary(&mut self) -> PResult<FromItem> {
        let offset = self.offset();
        let lateral = self.eat_kw("lateral");
        if self.is_op("(") {
            // subquery or parenthesised join
            let is_query = matches!(self.peek_at(1), Tok::Word(w) if w == "select" || w == "with" || w == "values")
                || matches!(self.peek_at(1), Tok::Op(o) if o == "(");
            self.bump();
            if is_query {
                let q = self.query()?;
                self.expect_op(")")?;
                let alias = self.opt_alias()?;
                return Ok(FromItem::Subquery {
                    lateral,
                    query: Box::new(q),
                    alias,
                });
            }
            let item = self.parse_from_item()?;
            self.expect_op(")")?;
            return Ok(item);
        }
        self.eat_kw("only");
        if matches!(self.peek(), Tok::Word(w) if is_reserved(w) && !matches!(w.as_str(), "left" | "right"))
        {
            return Err(self.unexpected());
        }
        let name = self.obj_name()?;
        if self.is_op("(") {
            let call = self.func_call_after_name(name, offset)?;
            let ordinality = if self.is_kw("with") && self.is_kw_at(1, "ordinality") {
                self.bump();
                self.bump();
                true
            } else {
                false
            };
            let alias = self.opt_alias()?;
            return Ok(FromItem::Function {
                lateral,
                call,
                alias,
                ordinality,
            });
        }
        self.eat_op("*");
        let alias = self.opt_alias()?;
        if self.eat_kw("tablesample") {
            self.ident()?;
            self.expect_op("(")?;
            self.expr_list()?;
            self.expect_op(")")?;
            if self.eat_kw("repeatable") {
                self.expect_op("(")?;
                self.expr()?;
                self.expect_op(")")?;
            }
        }
        Ok(FromItem::Table {
            name,
            alias,
            offset,
        })
    }

    fn expr_list(&mut self) -> PResult<Vec<Expr>> {
        let mut v = Vec::new();
        loop {
            v.push(self.expr()?);
            if !self.eat_op(",") {
                return Ok(v);
            }
        }
    }

    fn insert(&mut self, with: Option<With>) -> PResult<Insert> {
        self.expect_kw("insert")?;
        self.expect_kw("into")?;
        let table_offset = self.offset();
        let table = self.obj_name()?;
        let alias = if self.eat_kw("as") {
            Some(self.ident()?)
        } else {
            None
        };
        let mut columns = Vec::new();
        if self.is_op("(")
            && !matches!(self.peek_at(1), Tok::Word(w) if w == "select" || w == "with" || w == "values")
        {
            self.bump();
            loop {
                let off = self.offset();
                columns.push((self.ident()?, off));
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")")?;
        }
        if self.eat_kw("overriding") {
            self.bump();
            self.expect_kw("value")?;
        }
        let source = if self.eat_kw("default") {
            self.expect_kw("values")?;
            InsertSource::DefaultValues
        } else {
            InsertSource::Query(Box::new(self.query()?))
        };
        let mut on_conflict = None;
        if self.eat_kw("on") {
            self.expect_kw("conflict")?;
            let mut target = Vec::new();
            let mut target_where = None;
            if self.eat_op("(") {
                loop {
                    target.push(self.expr()?);
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.expect_op(")")?;
                if self.eat_kw("where") {
                    target_where = Some(self.expr()?);
                }
            } else if self.eat_kw("on") {
                self.expect_kw("constraint")?;
                self.ident()?;
            }
            self.expect_kw("do")?;
            let update = if self.eat_kw("nothing") {
                None
            } else {
                self.expect_kw("update")?;
                self.expect_kw("set")?;
                let sets = self.assignments()?;
                let w = if self.eat_kw("where") {
                    Some(self.expr()?)
                } else {
                    None
                };
                Some((sets, w))
            };
            on_conflict = Some(OnConflict {
                target,
                target_where,
                update,
            });
        }
        let returning = self.returning()?;
        Ok(Insert {
            with,
            table,
            table_offset,
            alias,
            columns,
            source,
            on_conflict,
            returning,
        })
    }

    fn returning(&mut self) -> PResult<Vec<Target>> {
        if self.eat_kw("returning") {
            self.target_list()
        } else {
            Ok(Vec::new())
        }
    }

    fn assignments(&mut self) -> PResult<Vec<Assignment>> {
        let mut sets = Vec::new();
        loop {
            let offset = self.offset();
            let target = if self.eat_op("(") {
                let mut names = Vec::new();
                loop {
                    names.push(self.ident()?);
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.expect_op(")")?;
                SetTarget::Columns { names, offset }
            } else {
                let name = self.ident()?;
                // `col.field` or `tbl.col` forms: keep the last part
                let mut name = name;
                while self.eat_op(".") {
                    name = self.ident()?;
                }
                SetTarget::Column { name, offset }
            };
            self.expect_op("=")?;
            let value = self.expr_or_default()?;
            sets.push(Assignment { target, value });
            if !self.eat_op(",") {
                return Ok(sets);
            }
        }
    }

    fn update(&mut self, with: Option<With>) -> PResult<Update> {
        self.expect_kw("update")?;
        self.eat_kw("only");
        let table_offset = self.offset();
        let table = self.obj_name()?;
        let alias = if self.eat_kw("as") || matches!(self.peek(), Tok::Word(w) if w != "set") {
            Some(self.ident()?)
        } else {
            None
        };
        self.expect_kw("set")?;
        let sets = self.assignments()?;
        let from = if self.eat_kw("from") {
            self.parse_from_list()?
        } else {
            Vec::new()
        };
        let where_ = if self.eat_kw("where") {
            Some(self.expr()?)
        } else {
            None
        };
        let returning = self.returning()?;
        Ok(Update {
            with,
            table,
            table_offset,
            alias,
            sets,
            from,
            where_,
            returning,
        })
    }

    fn delete(&mut self, with: Option<With>) -> PResult<Delete> {
        self.expect_kw("delete")?;
        self.expect_kw("from")?;
        self.eat_kw("only");
        let table_offset = self.offset();
        let table = self.obj_name()?;
        let alias = if self.eat_kw("as") || matches!(self.peek(), Tok::Word(w) if !is_reserved(w)) {
            Some(self.ident()?)
        } else {
            None
        };
        let using = if self.eat_kw("using") {
            self.parse_from_list()?
        } else {
            Vec::new()
        };
        let where_ = if self.eat_kw("where") {
            Some(self.expr()?)
        } else {
            None
        };
        let returning = self.returning()?;
        Ok(Delete {
            with,
            table,
            table_offset,
            alias,
            using,
            where_,
            returning,
        })
    }

    fn merge(&mut self, with: Option<With>) -> PResult<Merge> {
        self.expect_kw("merge")?;
        self.expect_kw("into")?;
        self.eat_kw("only");
        let table_offset = self.offset();
        let table = self.obj_name()?;
        let alias = if self.eat_kw("as") || matches!(self.peek(), Tok::Word(w) if w != "using") {
            Some(self.ident()?)
        } else {
            None
        };
        self.expect_kw("using")?;
        let source = self.parse_from_item()?;
        self.expect_kw("on")?;
        let on = self.expr()?;
        let mut whens = Vec::new();
        while self.eat_kw("when") {
            let matched = if self.eat_kw("matched") {
                true
            } else {
                self.expect_kw("not")?;
                self.expect_kw("matched")?;
                if self.eat_kw("by") {
                    self.bump();
                }
                false
            };
            let condition = if self.eat_kw("and") {
                Some(self.expr()?)
            } else {
                None
            };
            self.expect_kw("then")?;
            let action = if self.eat_kw("update") {
                self.expect_kw("set")?;
                MergeAction::Update(self.assignments()?)
            } else if self.eat_kw("delete") {
                MergeAction::Delete
            } else if self.eat_kw("do") {
                self.expect_kw("nothing")?;
                MergeAction::Nothing
            } else {
                self.expect_kw("insert")?;
                let mut columns = Vec::new();
                if self.eat_op("(") {
                    loop {
                        let off = self.offset();
                        columns.push((self.ident()?, off));
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    self.expect_op(")")?;
                }
                if self.eat_kw("overriding") {
                    self.bump();
                    self.expect_kw("value")?;
                }
                let values = if self.eat_kw("default") {
                    self.expect_kw("values")?;
                    None
                } else {
                    self.expect_kw("values")?;
                    self.expect_op("(")?;
                    let mut v = Vec::new();
                    loop {
                        v.push(self.expr_or_default()?);
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    self.expect_op(")")?;
                    Some(v)
                };
                MergeAction::Insert { columns, values }
            };
            whens.push(MergeWhen {
                matched,
                condition,
                action,
            });
        }
        if whens.is_empty() {
            return Err(self.unexpected());
        }
        Ok(Merge {
            with,
            table,
            table_offset,
            alias,
            source,
            on,
            whens,
        })
    }

    // ---------------------------------------------------------------- types

    pub(crate) fn type_name(&mut self) -> PResult<TypeName> {
        let offset = self.offset();
        let first = self.ident()?;
        let mut name = vec![first.clone()];
        match first.as_str() {
            "double" => {
                self.expect_kw("precision")?;
                name = vec!["double precision".into()];
            }
            "character" | "char" | "national" => {
                if first == "national" {
                    self.eat_kw("character");
                    self.eat_kw("char");
                }
                if self.eat_kw("varying") {
                    name = vec!["character varying".into()];
                } else {
                    name = vec!["character".into()];
                }
            }
            "bit" => {
                if self.eat_kw("varying") {
                    name = vec!["bit varying".into()];
                }
            }
            "time" | "timestamp" => {
                if self.is_op("(") {
                    self.skip_parens()?;
                }
                if self.is_kw("with") && self.is_kw_at(1, "time") {
                    self.bump();
                    self.bump();
                    self.expect_kw("zone")?;
                    name = vec![format!("{first} with time zone")];
                } else if self.is_kw("without") {
                    self.bump();
                    self.expect_kw("time")?;
                    self.expect_kw("zone")?;
                }
            }
            "interval" => {
                // optional field qualifiers
                while matches!(self.peek(), Tok::Word(w) if matches!(w.as_str(), "year" | "month" | "day" | "hour" | "minute" | "second" | "to"))
                {
                    self.bump();
                }
            }
            _ => {
                while self.is_op(".") {
                    self.bump();
                    name.push(self.ident()?);
                }
            }
        }
        if self.is_op("(") {
            self.skip_parens()?;
        }
        let mut array_dims = 0;
        loop {
            if self.is_op("[") {
                self.bump();
                if matches!(self.peek(), Tok::Int(_)) {
                    self.bump();
                }
                self.expect_op("]")?;
                array_dims += 1;
            } else if self.eat_kw("array") {
                array_dims += 1;
            } else {
                break;
            }
        }
        Ok(TypeName {
            name,
            array_dims,
            offset,
        })
    }

    fn skip_parens(&mut self) -> PResult<()> {
        self.expect_op("(")?;
        let mut depth = 1;
        while depth > 0 {
            match self.bump() {
                Tok::Op(o) if o == "(" => depth += 1,
                Tok::Op(o) if o == ")" => depth -= 1,
                Tok::Eof => return Err(self.unexpected()),
                _ => {}
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------------- expressions

    pub(crate) fn expr(&mut self) -> PResult<Expr> {
        crate::syntax::recurse(|| self.expr_inner())
    }

    fn expr_inner(&mut self) -> PResult<Expr> {
        self.or_expr()
    }

    fn or_expr(&mut self) -> PResult<Expr> {
        let mut left = self.and_expr()?;
        while self.is_kw("or") {
            let offset = self.offset();
            self.bump();
            let right = self.and_expr()?;
            left = Expr {
                kind: ExprKind::Or(Box::new(left), Box::new(right)),
                offset,
            };
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> PResult<Expr> {
        let mut left = self.not_expr()?;
        while self.is_kw("and") {
            let offset = self.offset();
            self.bump();
            let right = self.not_expr()?;
            left = Expr {
                kind: ExprKind::And(Box::new(left), Box::new(right)),
                offset,
            };
        }
        Ok(left)
    }

    fn not_expr(&mut self) -> PResult<Expr> {
        crate::syntax::recurse(|| self.not_expr_inner())
    }

    fn not_expr_inner(&mut self) -> PResult<Expr> {
        if self.is_kw("not") {
            let offset = self.offset();
            self.bump();
            let e = self.not_expr()?;
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(e)),
                offset,
            });
        }
        self.is_expr()
    }

    fn is_expr(&mut self) -> PResult<Expr> {
        let mut e = self.cmp_expr()?;
        loop {
            let offset = self.offset();
            if self.eat_kw("isnull") {
                e = Expr {
                    kind: ExprKind::IsNull {
                        expr: Box::new(e),
                        not: false,
                    },
                    offset,
                };
            } else if self.eat_kw("notnull") {
                e = Expr {
                    kind: ExprKind::IsNull {
                        expr: Box::new(e),
                        not: true,
                    },
                    offset,
                };
            } else if self.eat_kw("is") {
                let not = self.eat_kw("not");
                if self.eat_kw("null") {
                    e = Expr {
                        kind: ExprKind::IsNull {
                            expr: Box::new(e),
                            not,
                        },
                        offset,
                    };
                } else if self.eat_kw("true") || self.eat_kw("false") || self.eat_kw("unknown") {
                    e = Expr {
                        kind: ExprKind::IsBool { expr: Box::new(e) },
                        offset,
                    };
                } else if self.eat_kw("distinct") {
                    self.expect_kw("from")?;
                    let right = self.cmp_expr()?;
                    e = Expr {
                        kind: ExprKind::IsDistinct {
                            left: Box::new(e),
                            right: Box::new(right),
                        },
                        offset,
                    };
                } else {
                    return Err(self.unexpected());
                }
            } else {
                return Ok(e);
            }
        }
    }

    fn cmp_expr(&mut self) -> PResult<Expr> {
        let left = self.like_expr()?;
        let op = match self.peek() {
            Tok::Op(o) if matches!(o.as_str(), "=" | "<" | ">" | "<=" | ">=" | "<>") => o.clone(),
            _ => return Ok(left),
        };
        let offset = self.offset();
        self.bump();
        self.finish_binary(left, op, offset, Self::like_expr)
    }

    /// After `left op`: handles `op ANY|SOME|ALL (...)`.
    fn finish_binary(
        &mut self,
        left: Expr,
        op: String,
        offset: usize,
        next: fn(&mut Self) -> PResult<Expr>,
    ) -> PResult<Expr> {
        if (self.is_kw("any") || self.is_kw("some") || self.is_kw("all"))
            && matches!(self.peek_at(1), Tok::Op(o) if o == "(")
        {
            self.bump();
            self.bump();
            if self.is_kw("select") || self.is_kw("with") || self.is_kw("values") {
                let q = self.query()?;
                self.expect_op(")")?;
                return Ok(Expr {
                    kind: ExprKind::AnyAllQuery {
                        left: Box::new(left),
                        op,
                        query: Box::new(q),
                    },
                    offset,
                });
            }
            let right = self.expr()?;
            self.expect_op(")")?;
            return Ok(Expr {
                kind: ExprKind::AnyAll {
                    left: Box::new(left),
                    op,
                    right: Box::new(right),
                },
                offset,
            });
        }
        let right = next(self)?;
        Ok(Expr {
            kind: ExprKind::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
            },
            offset,
        })
    }

    fn like_expr(&mut self) -> PResult<Expr> {
        let left = self.other_op_expr()?;
        let offset = self.offset();
        let not = if self.is_kw("not")
            && (self.is_kw_at(1, "like")
                || self.is_kw_at(1, "ilike")
                || self.is_kw_at(1, "in")
                || self.is_kw_at(1, "between")
                || self.is_kw_at(1, "similar"))
        {
            self.bump();
            true
        } else {
            false
        };
        let wrap_not = |e: Expr| {
            if not {
                Expr {
                    kind: ExprKind::Not(Box::new(e)),
                    offset,
                }
            } else {
                e
            }
        };
        if self.is_kw("like") || self.is_kw("ilike") {
            let op = if self.is_kw("like") { "~~" } else { "~~*" }.to_string();
            self.bump();
            let e = self.finish_binary(left, op, offset, Self::other_op_expr)?;
            if self.eat_kw("escape") {
                self.other_op_expr()?;
            }
            return Ok(wrap_not(e));
        }
        if self.eat_kw("similar") {
            self.expect_kw("to")?;
            let right = self.other_op_expr()?;
            if self.eat_kw("escape") {
                self.other_op_expr()?;
            }
            return Ok(wrap_not(Expr {
                kind: ExprKind::Binary {
                    op: "~".into(),
                    left: Box::new(left),
                    right: Box::new(right),
                },
                offset,
            }));
        }
        if self.eat_kw("between") {
            self.eat_kw("symmetric");
            let low = self.other_op_expr()?;
            self.expect_kw("and")?;
            let high = self.other_op_expr()?;
            return Ok(wrap_not(Expr {
                kind: ExprKind::Between {
                    expr: Box::new(left),
                    low: Box::new(low),
                    high: Box::new(high),
                },
                offset,
            }));
        }
        if self.eat_kw("in") {
            self.expect_op("(")?;
            let e = if self.is_kw("select") || self.is_kw("with") || self.is_kw("values") {
                let q = self.query()?;
                ExprKind::InQuery {
                    expr: Box::new(left),
                    query: Box::new(q),
                }
            } else {
                ExprKind::InList {
                    expr: Box::new(left),
                    list: self.expr_list()?,
                }
            };
            self.expect_op(")")?;
            return Ok(wrap_not(Expr { kind: e, offset }));
        }
        Ok(left)
    }

    fn other_op_expr(&mut self) -> PResult<Expr> {
        let mut left = self.add_expr()?;
        loop {
            let op = match self.peek() {
                Tok::Op(o)
                    if !matches!(
                        o.as_str(),
                        "=" | "<"
                            | ">"
                            | "<="
                            | ">="
                            | "<>"
                            | "+"
                            | "-"
                            | "*"
                            | "/"
                            | "%"
                            | "^"
                            | "("
                            | ")"
                            | ","
                            | ";"
                            | "["
                            | "]"
                            | "."
                            | "::"
                            | ":"
                    ) =>
                {
                    o.clone()
                }
                _ => return Ok(left),
            };
            let offset = self.offset();
            self.bump();
            left = self.finish_binary(left, op, offset, Self::add_expr)?;
        }
    }

    fn add_expr(&mut self) -> PResult<Expr> {
        let mut left = self.mul_expr()?;
        loop {
            let op = match self.peek() {
                Tok::Op(o) if o == "+" || o == "-" => o.clone(),
                _ => return Ok(left),
            };
            let offset = self.offset();
            self.bump();
            let right = self.mul_expr()?;
            left = Expr {
                kind: ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                offset,
            };
        }
    }

    fn mul_expr(&mut self) -> PResult<Expr> {
        let mut left = self.exp_expr()?;
        loop {
            let op = match self.peek() {
                Tok::Op(o) if o == "*" || o == "/" || o == "%" => o.clone(),
                _ => return Ok(left),
            };
            let offset = self.offset();
            self.bump();
            let right = self.exp_expr()?;
            left = Expr {
                kind: ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                offset,
            };
        }
    }

    fn exp_expr(&mut self) -> PResult<Expr> {
        let mut left = self.at_tz_expr()?;
        while self.is_op("^") {
            let offset = self.offset();
            self.bump();
            let right = self.at_tz_expr()?;
            left = Expr {
                kind: ExprKind::Binary {
                    op: "^".into(),
                    left: Box::new(left),
                    right: Box::new(right),
                },
                offset,
            };
        }
        Ok(left)
    }

    fn at_tz_expr(&mut self) -> PResult<Expr> {
        let mut e = self.unary_expr()?;
        while self.is_kw("at") && self.is_kw_at(1, "time") {
            let offset = self.offset();
            self.bump();
            self.bump();
            self.expect_kw("zone")?;
            let zone = self.unary_expr()?;
            e = Expr {
                kind: ExprKind::AtTimeZone {
                    expr: Box::new(e),
                    zone: Box::new(zone),
                },
                offset,
            };
        }
        if self.is_kw("collate") {
            self.bump();
            self.obj_name()?;
        }
        Ok(e)
    }

    fn unary_expr(&mut self) -> PResult<Expr> {
        crate::syntax::recurse(|| self.unary_expr_inner())
    }

    fn unary_expr_inner(&mut self) -> PResult<Expr> {
        let offset = self.offset();
        if let Tok::Op(o) = self.peek().clone()
            && (o == "-" || o == "+" || o == "~" || o == "@" || o == "|/")
        {
            self.bump();
            let e = self.unary_expr()?;
            // fold negative numeric literals
            if o == "-"
                && let ExprKind::Lit(Literal::Int(n)) = &e.kind
            {
                return Ok(Expr {
                    kind: ExprKind::Lit(Literal::Int(format!("-{n}"))),
                    offset,
                });
            }
            if o == "+" {
                return Ok(e);
            }
            return Ok(Expr {
                kind: ExprKind::Unary {
                    op: o,
                    expr: Box::new(e),
                },
                offset,
            });
        }
        self.postfix_expr()
    }

    fn postfix_expr(&mut self) -> PResult<Expr> {
        let mut e = self.primary_expr()?;
        loop {
            let offset = self.offset();
            if self.eat_op("::") {
                let ty = self.type_name()?;
                e = Expr {
                    kind: ExprKind::Cast {
                        expr: Box::new(e),
                        ty,
                    },
                    offset,
                };
            } else if self.eat_op("[") {
                let mut slice = false;
                let mut index = Vec::new();
                if !self.is_op(":") {
                    index.push(self.expr()?);
                }
                if self.eat_op(":") {
                    slice = true;
                    if !self.is_op("]") {
                        index.push(self.expr()?);
                    }
                }
                self.expect_op("]")?;
                e = Expr {
                    kind: ExprKind::Index {
                        expr: Box::new(e),
                        slice,
                        index,
                    },
                    offset,
                };
            } else if self.is_op(".") {
                self.bump();
                if self.eat_op("*") {
                    e = Expr {
                        kind: ExprKind::FieldStar(Box::new(e)),
                        offset,
                    };
                } else {
                    let field = self.ident()?;
                    e = Expr {
                        kind: ExprKind::Field {
                            expr: Box::new(e),
                            field,
                        },
                        offset,
                    };
                }
            } else {
                return Ok(e);
            }
        }
    }

    fn primary_expr(&mut self) -> PResult<Expr> {
        let offset = self.offset();
        let mk = |kind| Ok(Expr { kind, offset });
        match self.peek().clone() {
            Tok::Param(n) => {
                self.bump();
                mk(ExprKind::Param(n))
            }
            Tok::Int(s) => {
                self.bump();
                mk(ExprKind::Lit(Literal::Int(s)))
            }
            Tok::Num(s) => {
                self.bump();
                mk(ExprKind::Lit(Literal::Num(s)))
            }
            Tok::Str(s) => {
                self.bump();
                mk(ExprKind::Lit(Literal::Str(s)))
            }
            Tok::Op(o) if o == "(" => {
                self.bump();
                if self.is_kw("select") || self.is_kw("with") || self.is_kw("values") {
                    let q = self.query()?;
                    self.expect_op(")")?;
                    return mk(ExprKind::Subquery(Box::new(q)));
                }
                let first = self.expr()?;
                if self.eat_op(",") {
                    let mut items = vec![first];
                    items.extend(self.expr_list()?);
                    self.expect_op(")")?;
                    return mk(ExprKind::Row(items));
                }
                self.expect_op(")")?;
                Ok(first)
            }
            Tok::QuotedIdent(_) => {
                let name = self.obj_name()?;
                if self.is_op("(") {
                    return self.func_call_after_name(name, offset);
                }
                mk(ExprKind::Column(name))
            }
            Tok::Word(w) => self.word_expr(&w, offset),
            _ => Err(self.unexpected()),
        }
    }

    fn word_expr(&mut self, w: &str, offset: usize) -> PResult<Expr> {
        let mk = |kind| Ok(Expr { kind, offset });
        match w {
            "null" => {
                self.bump();
                return mk(ExprKind::Lit(Literal::Null));
            }
            "true" | "false" => {
                self.bump();
                return mk(ExprKind::Lit(Literal::Bool(w == "true")));
            }
            "default" => {
                self.bump();
                return mk(ExprKind::Default);
            }
            "case" => {
                self.bump();
                let operand = if self.is_kw("when") {
                    None
                } else {
                    Some(Box::new(self.expr()?))
                };
                let mut whens = Vec::new();
                while self.eat_kw("when") {
                    let c = self.expr()?;
                    self.expect_kw("then")?;
                    let r = self.expr()?;
                    whens.push((c, r));
                }
                let else_ = if self.eat_kw("else") {
                    Some(Box::new(self.expr()?))
                } else {
                    None
                };
                self.expect_kw("end")?;
                return mk(ExprKind::Case {
                    operand,
                    whens,
                    else_,
                });
            }
            "exists" if matches!(self.peek_at(1), Tok::Op(o) if o == "(") => {
                self.bump();
                self.bump();
                let q = self.query()?;
                self.expect_op(")")?;
                return mk(ExprKind::Exists(Box::new(q)));
            }
            "array" if matches!(self.peek_at(1), Tok::Op(o) if o == "[" || o == "(") => {
                self.bump();
                if self.eat_op("(") {
                    let q = self.query()?;
                    self.expect_op(")")?;
                    return mk(ExprKind::ArrayQuery(Box::new(q)));
                }
                return self.array_literal(offset);
            }
            "row" if matches!(self.peek_at(1), Tok::Op(o) if o == "(") => {
                self.bump();
                self.bump();
                let items = if self.is_op(")") {
                    Vec::new()
                } else {
                    self.expr_list()?
                };
                self.expect_op(")")?;
                return mk(ExprKind::Row(items));
            }
            "cast" if matches!(self.peek_at(1), Tok::Op(o) if o == "(") => {
                self.bump();
                self.bump();
                let e = self.expr()?;
                self.expect_kw("as")?;
                let ty = self.type_name()?;
                self.expect_op(")")?;
                return mk(ExprKind::Cast {
                    expr: Box::new(e),
                    ty,
                });
            }
            "extract" if matches!(self.peek_at(1), Tok::Op(o) if o == "(") => {
                self.bump();
                self.bump();
                let field = match self.bump() {
                    Tok::Word(f) | Tok::Str(f) | Tok::QuotedIdent(f) => f,
                    _ => return Err(self.unexpected()),
                };
                self.expect_kw("from")?;
                let e = self.expr()?;
                self.expect_op(")")?;
                let field_expr = Expr {
                    kind: ExprKind::Lit(Literal::Str(field)),
                    offset,
                };
                return mk(ExprKind::Func(Box::new(FuncCall {
                    name: vec!["extract".into()],
                    args: vec![field_expr, e],
                    arg_names: vec![None, None],
                    star: false,
                    distinct: false,
                    order_by: Vec::new(),
                    filter: None,
                    over: false,
                    within_group: false,
                    window: Vec::new(),
                })));
            }
            "current_date" | "current_timestamp" | "current_time" | "localtime"
            | "localtimestamp" | "current_user" | "session_user" | "user" | "current_role"
            | "current_catalog" | "current_schema" => {
                self.bump();
                if matches!(
                    w,
                    "current_timestamp" | "current_time" | "localtime" | "localtimestamp"
                ) && self.is_op("(")
                {
                    self.skip_parens()?;
                }
                if w == "current_schema" && self.is_op("(") {
                    self.skip_parens()?;
                }
                return mk(ExprKind::SqlValue(w.to_string()));
            }
            _ => {}
        }
        // typed literal: `interval '1 day'`, `timestamp with time zone '...'`, `date '...'`
        if matches!(
            w,
            "interval"
                | "date"
                | "timestamp"
                | "time"
                | "timestamptz"
                | "uuid"
                | "json"
                | "jsonb"
                | "int"
                | "integer"
                | "bigint"
                | "smallint"
                | "text"
                | "varchar"
                | "numeric"
                | "boolean"
                | "bool"
                | "double"
                | "real"
                | "float"
                | "inet"
                | "bytea"
                | "char"
                | "character"
        ) {
            let save = self.pos;
            if let Ok(ty) = self.type_name()
                && matches!(self.peek(), Tok::Str(_))
            {
                self.bump();
                // interval qualifiers after the literal
                while matches!(self.peek(), Tok::Word(q) if matches!(q.as_str(), "year" | "month" | "day" | "hour" | "minute" | "second" | "to"))
                {
                    self.bump();
                }
                return mk(ExprKind::TypedLit { ty });
            }
            self.pos = save;
        }
        if is_reserved(w) && !matches!(w, "left" | "right" | "any" | "some" | "all") {
            return Err(self.unexpected());
        }
        let name = self.obj_name()?;
        if self.is_op("(") {
            return self.func_call_after_name(name, offset);
        }
        // generic typed literal: `name 'text'`
        if name.len() == 1
            && let Tok::Str(_) = self.peek()
        {
            self.bump();
            return mk(ExprKind::TypedLit {
                ty: TypeName {
                    name,
                    array_dims: 0,
                    offset,
                },
            });
        }
        mk(ExprKind::Column(name))
    }

    fn array_literal(&mut self, offset: usize) -> PResult<Expr> {
        crate::syntax::recurse(|| self.array_literal_inner(offset))
    }

    fn array_literal_inner(&mut self, offset: usize) -> PResult<Expr> {
        self.expect_op("[")?;
        let mut items = Vec::new();
        if !self.is_op("]") {
            loop {
                if self.is_op("[") {
                    let o = self.offset();
                    items.push(self.array_literal(o)?);
                } else {
                    items.push(self.expr()?);
                }
                if !self.eat_op(",") {
                    break;
                }
            }
        }
        self.expect_op("]")?;
        Ok(Expr {
            kind: ExprKind::Array(items),
            offset,
        })
    }

    fn func_call_after_name(&mut self, name: ObjName, offset: usize) -> PResult<Expr> {
        self.expect_op("(")?;
        let mut call = FuncCall {
            name,
            args: Vec::new(),
            arg_names: Vec::new(),
            star: false,
            distinct: false,
            order_by: Vec::new(),
            filter: None,
            over: false,
            within_group: false,
            window: Vec::new(),
        };
        let fname = call.name.last().cloned().unwrap_or_default();
        if call.name.len() == 1
            && matches!(
                fname.as_str(),
                "substring" | "position" | "trim" | "overlay"
            )
            && let Some(args) = self.special_args(&fname)?
        {
            call.arg_names = vec![None; args.len()];
            call.args = args;
            if fname == "trim" {
                call.name = vec![self.trim_kind.take().unwrap_or("btrim").to_string()];
            }
            self.expect_op(")")?;
            return Ok(Expr {
                kind: ExprKind::Func(Box::new(call)),
                offset,
            });
        }
        if self.eat_op("*") {
            call.star = true;
        } else if !self.is_op(")") {
            if self.eat_kw("distinct") {
                call.distinct = true;
            } else {
                self.eat_kw("all");
            }
            loop {
                self.eat_kw("variadic");
                // named arguments: name => value
                let mut arg_name = None;
                if matches!(self.peek(), Tok::Word(_) | Tok::QuotedIdent(_))
                    && matches!(self.peek_at(1), Tok::Op(o) if o == "=>" || o == ":=")
                {
                    arg_name = Some(self.ident()?);
                    self.bump();
                }
                call.args.push(self.expr()?);
                call.arg_names.push(arg_name);
                if !self.eat_op(",") {
                    break;
                }
            }
            if self.is_kw("order") && self.is_kw_at(1, "by") {
                self.bump();
                self.bump();
                call.order_by = self.order_list()?;
            }
        }
        self.expect_op(")")?;
        if self.is_kw("within") {
            self.bump();
            self.expect_kw("group")?;
            self.expect_op("(")?;
            self.expect_kw("order")?;
            self.expect_kw("by")?;
            call.order_by = self.order_list()?;
            self.expect_op(")")?;
            call.within_group = true;
        }
        if self.is_kw("filter") {
            self.bump();
            self.expect_op("(")?;
            self.expect_kw("where")?;
            call.filter = Some(Box::new(self.expr()?));
            self.expect_op(")")?;
        }
        if self.eat_kw("over") {
            call.over = true;
            if self.is_op("(") {
                call.window = self.window_spec()?;
            } else {
                self.ident()?;
            }
        }
        Ok(Expr {
            kind: ExprKind::Func(Box::new(call)),
            offset,
        })
    }

    /// SQL-standard argument syntax: `substring(s FROM a FOR b)`, `position(a IN s)`,
    /// `trim([LEADING|TRAILING|BOTH] [chars] FROM s)`, `overlay(s PLACING r FROM a [FOR b])`.
    /// Returns `None` (nothing consumed) when the call uses plain arguments.
    fn special_args(&mut self, name: &str) -> PResult<Option<Vec<Expr>>> {
        let save = self.pos;
        if name == "trim" {
            let mut args = Vec::new();
            self.trim_kind = Some(if self.is_kw("leading") {
                "ltrim"
            } else if self.is_kw("trailing") {
                "rtrim"
            } else {
                "btrim"
            });
            let had_kw = self.eat_kw("leading") || self.eat_kw("trailing") || self.eat_kw("both");
            if self.eat_kw("from") {
                args.push(self.expr()?);
                return Ok(Some(args));
            }
            let first = self.expr()?;
            if self.eat_kw("from") {
                args.push(self.expr()?);
                args.push(first);
                return Ok(Some(args));
            }
            if had_kw {
                return Err(self.unexpected());
            }
            self.pos = save;
            return Ok(None);
        }
        if name == "position" {
            let needle = self.other_op_expr()?;
            if self.eat_kw("in") {
                let hay = self.other_op_expr()?;
                return Ok(Some(vec![hay, needle]));
            }
            self.pos = save;
            return Ok(None);
        }
        if self.is_op(")") {
            return Ok(None);
        }
        let first = self.expr()?;
        let mut args = vec![first];
        let mut special = false;
        if name == "overlay" && self.eat_kw("placing") {
            args.push(self.expr()?);
            special = true;
        }
        if self.eat_kw("from") {
            args.push(self.expr()?);
            special = true;
        }
        if self.eat_kw("for") {
            if args.len() == 1 {
                // substring(s FOR n)
                let one = Expr {
                    kind: ExprKind::Lit(Literal::Int("1".into())),
                    offset: self.offset(),
                };
                args.push(one);
            }
            args.push(self.expr()?);
            special = true;
        }
        if special {
            return Ok(Some(args));
        }
        self.pos = save;
        Ok(None)
    }

    /// `( [name] [PARTITION BY ...] [ORDER BY ...] [frame] )`: the partition and order
    /// expressions (the frame clause is checked for balance only).
    fn window_spec(&mut self) -> PResult<Vec<Expr>> {
        self.expect_op("(")?;
        let mut exprs = Vec::new();
        if matches!(self.peek(), Tok::Word(w) if !matches!(w.as_str(), "partition" | "order" | "rows" | "range" | "groups"))
        {
            self.ident()?;
        }
        if self.is_kw("partition") && self.is_kw_at(1, "by") {
            self.bump();
            self.bump();
            exprs.extend(self.expr_list()?);
        }
        if self.is_kw("order") && self.is_kw_at(1, "by") {
            self.bump();
            self.bump();
            exprs.extend(self.order_list()?.into_iter().map(|o| o.expr));
        }
        let mut depth = 1;
        while depth > 0 {
            match self.bump() {
                Tok::Op(o) if o == "(" => depth += 1,
                Tok::Op(o) if o == ")" => depth -= 1,
                Tok::Eof => return Err(self.unexpected()),
                _ => {}
            }
        }
        Ok(exprs)
    }
}

/// `ROLLUP ((a, b), c)`: the row items are individual grouping expressions.
fn flatten_rows(exprs: Vec<Expr>) -> Vec<Expr> {
    let mut out = Vec::new();
    for e in exprs {
        match e.kind {
            ExprKind::Row(items) => out.extend(items),
            _ => out.push(e),
        }
    }
    out
}
