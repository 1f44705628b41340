//! Reading a record field by field: a field of the wrong type or outside its enum (written
//! before the guard typed every value, or by hand) reads as its default, so the rest of
//! the record still shows. Fields that decide who may do what (authors, removal) stay
//! strict: a record without a readable author is not shown at all.

use automerge::{ObjId, ObjType, Value};
use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, hydrate_prop};

/// The field, or its default if it does not read as its type.
pub(crate) fn or_default<'a, D: ReadDoc, T: Hydrate + Default>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'a>,
) -> Result<T, HydrateError> {
    Ok(hydrate_prop::<_, T, _, _>(doc, obj, prop).unwrap_or_default())
}

/// A list of strings: its string items (others skipped); empty if it is not a list.
pub(crate) fn strings<'a, D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'a>,
) -> Result<Vec<String>, HydrateError> {
    let list = match doc.get(obj, &prop) {
        Ok(Some((Value::Object(ObjType::List), list))) => list,
        _ => return Ok(Vec::new()),
    };
    Ok(doc
        .list_range(&list, ..)
        .filter_map(|item| match item.value {
            automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) => Some(s.into_owned()),
            _ => None,
        })
        .collect())
}

/// Tags, skills or links: the first `limits::TAGS` string items. Each change is held to
/// the bound at its own deps, but two made concurrently can merge past it.
pub(crate) fn tag_list<'a, D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'a>,
) -> Result<Vec<String>, HydrateError> {
    let mut all = strings(doc, obj, prop)?;
    all.truncate(crate::schema::limits::TAGS);
    Ok(all)
}

/// A member's addresses: the first `limits::ADDRS` (concurrent writes can merge past it).
pub(crate) fn addr_list<'a, D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'a>,
) -> Result<Vec<String>, HydrateError> {
    let mut all = strings(doc, obj, prop)?;
    all.truncate(crate::schema::limits::ADDRS);
    Ok(all)
}

/// A list of records: those that read (others skipped); empty if it is not a list.
pub(crate) fn readable<'a, D: ReadDoc, T: Hydrate>(
    doc: &D,
    obj: &ObjId,
    prop: Prop<'a>,
) -> Result<Vec<T>, HydrateError> {
    let list = match doc.get(obj, &prop) {
        Ok(Some((Value::Object(ObjType::List), list))) => list,
        _ => return Ok(Vec::new()),
    };
    Ok((0..doc.length(&list))
        .filter_map(|i| hydrate_prop::<_, T, _, _>(doc, &list, i).ok())
        .collect())
}
