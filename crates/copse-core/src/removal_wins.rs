//! A removal wins over a re-admission concurrent with it. Automerge keeps every value that
//! concurrent writes left (a removal's `removed_at` beside a re-admission's null, or two
//! entries for one member when a re-admission was written on a fork from before the
//! first admission) and shows one of them, chosen by operation counters a writer picks.
//! Every reader of a member's standing (the views, the guard, who may sync) reads all of
//! them instead: the member is removed if any of them says so, as of the latest removal
//! among them. A later re-admission overwrites them all and decides again.

use automerge::{ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value};

use crate::schema::field;

/// When the member under `members[id]` was removed, if any concurrent value says they
/// were: read as of `heads`, or as the document stands for `None`.
pub fn removed_at<D: ReadDoc>(
    doc: &D,
    members: &ObjId,
    id: &str,
    heads: Option<&[ChangeHash]>,
) -> Option<i64> {
    latest_removal(doc, &entries(doc, members, id, heads), heads)
}

/// The entries left at `members[id]` (one, or more after concurrent admissions), the one
/// Automerge shows last.
pub fn entries<D: ReadDoc>(
    doc: &D,
    members: &ObjId,
    id: &str,
    heads: Option<&[ChangeHash]>,
) -> Vec<ObjId> {
    all(doc, members, id, heads)
        .into_iter()
        .filter_map(|(v, entry)| matches!(v, Value::Object(ObjType::Map)).then_some(entry))
        .collect()
}

fn all<'a, D: ReadDoc>(
    doc: &'a D,
    obj: &ObjId,
    key: &str,
    heads: Option<&[ChangeHash]>,
) -> Vec<(Value<'a>, ObjId)> {
    match heads {
        Some(h) => doc.get_all_at(obj, key, h),
        None => doc.get_all(obj, key),
    }
    .unwrap_or_default()
}

/// The latest removal any of `entries` holds among its values of `removed_at`.
pub fn latest_removal<D: ReadDoc>(
    doc: &D,
    entries: &[ObjId],
    heads: Option<&[ChangeHash]>,
) -> Option<i64> {
    entries
        .iter()
        .flat_map(|entry| all(doc, entry, field::REMOVED_AT, heads))
        .filter_map(|(v, _)| match v {
            Value::Scalar(s) => match s.as_ref() {
                ScalarValue::Int(i) | ScalarValue::Timestamp(i) => Some(*i),
                ScalarValue::Uint(u) => i64::try_from(*u).ok(),
                _ => None,
            },
            Value::Object(_) => None,
        })
        .max()
}
