//! Small typed readers over an Automerge object, used by views, command checks and the
//! crates that derive from a community (search, participation).

use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value};

/// The string at `obj[key]`, if it is a string (or a Text object).
pub fn get_str<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Option<String> {
    match doc.get(obj, key).ok()?? {
        (Value::Scalar(s), _) => s.as_str().map(str::to_owned),
        (Value::Object(ObjType::Text), id) => doc.text(&id).ok(),
        _ => None,
    }
}

/// The integer at `obj[key]`.
pub fn get_i64<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Option<i64> {
    match doc.get(obj, key).ok()?? {
        (Value::Scalar(s), _) => match s.as_ref() {
            ScalarValue::Int(i) | ScalarValue::Timestamp(i) => Some(*i),
            ScalarValue::Uint(u) => i64::try_from(*u).ok(),
            _ => None,
        },
        _ => None,
    }
}

/// The object id at `obj[key]`, if it is an object of type `ty`.
pub fn get_obj<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str, ty: ObjType) -> Option<ObjId> {
    match doc.get(obj, key).ok()?? {
        (Value::Object(t), id) if t == ty => Some(id),
        _ => None,
    }
}

/// The strings in the list at `obj[key]` (non-strings skipped).
pub fn get_str_list<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Vec<String> {
    let Some(list) = get_obj(doc, obj, key, ObjType::List) else {
        return Vec::new();
    };
    doc.list_range(&list, ..)
        .filter_map(|item| match item.value {
            automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) => Some(s.into_owned()),
            _ => None,
        })
        .collect()
}

/// A record's tags: the first `limits::TAGS` (each change is held to the bound at its own
/// deps, but two made concurrently can merge past it).
pub fn get_tags<D: ReadDoc>(doc: &D, obj: &ObjId) -> Vec<String> {
    let mut tags = get_str_list(doc, obj, crate::schema::field::TAGS);
    tags.truncate(crate::schema::limits::TAGS);
    tags
}

/// Anything both automerge and autosurgeon can read: a document or an open transaction.
pub trait DocRead: ReadDoc + autosurgeon::ReadDoc {
    /// The document with its change graph, where the reader has it (not inside an open
    /// transaction): what a removal leaves standing is read from it (`removal_frontier`).
    fn history(&self) -> Option<&automerge::Automerge>;
}

impl DocRead for automerge::Automerge {
    fn history(&self) -> Option<&automerge::Automerge> {
        Some(self)
    }
}

impl DocRead for automerge::transaction::Transaction<'_> {
    fn history(&self) -> Option<&automerge::Automerge> {
        // A command's own checks; the guard judges the change it makes at its deps.
        None
    }
}

/// A root map by key.
pub fn root<D: ReadDoc>(doc: &D, key: &str) -> Option<ObjId> {
    get_obj(doc, &automerge::ROOT, key, ObjType::Map)
}

/// Hydrates the record under `map[key]` of the root map `root_key`, if present and well-formed.
pub(crate) fn record<D: DocRead, H: autosurgeon::Hydrate>(
    doc: &D,
    root_key: &str,
    key: &str,
) -> Option<H> {
    let map = root(doc, root_key)?;
    let standing = doc.history().and_then(crate::what_stands::StandingDoc::new);
    hydrate(doc, standing.as_ref(), &map, key)
}

/// [`record`] as written, every value as Automerge shows it (for a command's own checks,
/// which the guard judges again at the change's deps).
pub(crate) fn record_as_written<D: DocRead, H: autosurgeon::Hydrate>(
    doc: &D,
    root_key: &str,
    key: &str,
) -> Option<H> {
    let map = root(doc, root_key)?;
    hydrate(doc, None, &map, key)
}

/// Hydrates `map[key]`, through `standing` where what does not stand may hide
/// (`what_stands::StandingDoc`).
fn hydrate<D: DocRead, H: autosurgeon::Hydrate>(
    doc: &D,
    standing: Option<&crate::what_stands::StandingDoc<'_>>,
    map: &ObjId,
    key: &str,
) -> Option<H> {
    match standing {
        Some(s) => autosurgeon::hydrate_prop::<_, Option<H>, _, _>(s, map, key),
        None => autosurgeon::hydrate_prop::<_, Option<H>, _, _>(doc, map, key),
    }
    .ok()
    .flatten()
}

/// [`record`] for a record a member makes (a task, a resource): `None` if the change that
/// made it does not stand (`removal_frontier`).
pub(crate) fn made_record<D: DocRead, H: autosurgeon::Hydrate>(
    doc: &D,
    root_key: &str,
    key: &str,
) -> Option<H> {
    let map = root(doc, root_key)?;
    let obj = get_obj(doc, &map, key, ObjType::Map)?;
    let stands = crate::what_stands::what_stands(doc);
    if crate::what_stands::hidden(stands.as_ref(), &obj) {
        return None;
    }
    record(doc, root_key, key)
}

/// [`records`] for records members make: those whose making change does not stand are
/// left out (`removal_frontier`).
pub(crate) fn made_records<D: DocRead, H: autosurgeon::Hydrate>(
    doc: &D,
    root_key: &str,
) -> Vec<(String, H)> {
    let Some(map) = root(doc, root_key) else {
        return Vec::new();
    };
    let stands = crate::what_stands::what_stands(doc);
    let mut out = records::<_, H>(doc, root_key);
    if stands.is_some() {
        out.retain(|(k, _)| {
            get_obj(doc, &map, k, ObjType::Map)
                .is_none_or(|o| !crate::what_stands::hidden(stands.as_ref(), &o))
        });
    }
    out
}

/// Hydrates every well-formed record of the root map `root_key`, in key order.
pub(crate) fn records<D: DocRead, H: autosurgeon::Hydrate>(
    doc: &D,
    root_key: &str,
) -> Vec<(String, H)> {
    let Some(map) = root(doc, root_key) else {
        return Vec::new();
    };
    let keys: Vec<String> = ReadDoc::keys(doc, &map).collect();
    let standing = doc.history().and_then(crate::what_stands::StandingDoc::new);
    keys.into_iter()
        .filter_map(|k| {
            let v = hydrate(doc, standing.as_ref(), &map, k.as_str())?;
            Some((k, v))
        })
        .collect()
}
