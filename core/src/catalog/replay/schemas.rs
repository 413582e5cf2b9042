//! Schema renames and the type references that follow them.

#[allow(unused_imports)]
use super::*;

pub(crate) fn rename_schema(cat: &mut Catalog, old: &str, new: &str) {
    if let Some(mut s) = cat.schemas.remove(old) {
        s.name = new.to_string();
        for r in s.relations.values_mut() {
            r.schema = new.to_string();
        }
        for r in s.sequences.values_mut() {
            r.schema = new.to_string();
        }
        for r in s.indexes.values_mut() {
            r.schema = new.to_string();
        }
        for r in s.types.values_mut() {
            r.schema = new.to_string();
        }
        for f in &mut s.functions {
            f.schema = new.to_string();
        }
        cat.schemas.insert(new.to_string(), s);
    }
    cat.retarget_types(old, None, new, None);
    for s in cat.schemas.values_mut() {
        for r in s.relations.values_mut() {
            for p in r.parents.iter_mut().chain(r.depends_on.iter_mut()) {
                if p.schema == old {
                    p.schema = new.to_string();
                }
            }
            for con in &mut r.constraints {
                if let ConstraintKind::ForeignKey(fk) = &mut con.kind
                    && fk.ref_table.schema == old
                {
                    fk.ref_table.schema = new.to_string();
                }
            }
        }
    }
}

impl Catalog {
    /// Rewrites every type reference `old_schema.old_name` (or every type of `old_schema` when
    /// names are `None`) to the new schema / name.
    pub(crate) fn retarget_types(
        &mut self,
        old_schema: &str,
        old_name: Option<&str>,
        new_schema: &str,
        new_name: Option<&str>,
    ) {
        let fix = |t: &mut TypeRef| {
            if t.schema == old_schema && old_name.is_none_or(|n| n == t.name) {
                t.schema = new_schema.to_string();
                if let Some(n) = new_name {
                    t.name = n.to_string();
                }
            }
        };
        for s in self.schemas.values_mut() {
            for r in s.relations.values_mut() {
                for col in &mut r.columns {
                    fix(&mut col.ty);
                }
            }
            for seq in s.sequences.values_mut() {
                fix(&mut seq.data_type);
            }
            for t in s.types.values_mut() {
                match &mut t.kind {
                    TypeKind::Composite(fields) => fields.iter_mut().for_each(|(_, t)| fix(t)),
                    TypeKind::Domain { base, .. } => fix(base),
                    TypeKind::Range { subtype } => fix(subtype),
                    _ => {}
                }
            }
            for f in &mut s.functions {
                f.args.iter_mut().for_each(|a| fix(&mut a.ty));
                match &mut f.returns {
                    FuncReturn::Scalar(t) | FuncReturn::SetOf(t) => fix(t),
                    FuncReturn::Table(cols) => cols.iter_mut().for_each(|(_, t)| fix(t)),
                    FuncReturn::None => {}
                }
            }
        }
    }
}
