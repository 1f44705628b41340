//! A removal wins over a re-admission concurrent with it. Automerge keeps every value that
//! concurrent writes left (a removal's `removed_at` beside a re-admission's null, or two
//! entries for one member when a re-admission was written on a fork from before the
//! first admission) and shows one of them, chosen by operation counters a writer picks.
//! Every reader of a member's standing (the views, the guard, who may sync) reads all of
//! them instead: the member is removed if any of them says so, as of the latest removal
//! among them. A later re-admission overwrites them all and decides again. Likewise for
//! uses of one invite beyond its limit on concurrent branches: only the first count.

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
    removed_since(doc, &entries(doc, members, id, heads), id, heads)
}

/// When member `member`, whose entries are `entries`, counts as removed: the latest
/// removal among the values concurrent writes left, or, admitted beyond their invite's
/// limit on a concurrent branch, since they joined ([`beyond_invite_limit`]).
pub fn removed_since<D: ReadDoc>(
    doc: &D,
    entries: &[ObjId],
    member: &str,
    heads: Option<&[ChangeHash]>,
) -> Option<i64> {
    let removal = latest_removal(doc, entries, heads);
    let beyond = entries
        .last()
        .and_then(|e| beyond_invite_limit(doc, e, member, heads));
    removal.max(beyond)
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

/// The scalar `obj[key]` shows (at `heads`, or as the document stands).
fn scalar_at<D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    key: &str,
    heads: Option<&[ChangeHash]>,
) -> Option<ScalarValue> {
    all(doc, obj, key, heads)
        .pop()
        .and_then(|(v, _)| v.into_scalar().ok())
}

pub(crate) fn all<'a, D: ReadDoc>(
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
    removal_values(doc, entries, heads).map(|(t, _)| t).max()
}

/// Every removal time among the values `removed_at` holds in `entries` (nulls and other
/// types left out), each with the operation that wrote it.
pub fn removal_values<'a, D: ReadDoc>(
    doc: &'a D,
    entries: &'a [ObjId],
    heads: Option<&'a [ChangeHash]>,
) -> impl Iterator<Item = (i64, ObjId)> + 'a {
    entries
        .iter()
        .flat_map(move |entry| all(doc, entry, field::REMOVED_AT, heads))
        .filter_map(|(v, op)| Some((int_value(&v)?, op)))
}

/// An integer value (signed, unsigned or a timestamp).
pub(crate) fn int_value(v: &Value<'_>) -> Option<i64> {
    match v {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Int(i) | ScalarValue::Timestamp(i) => Some(*i),
            ScalarValue::Uint(u) => i64::try_from(*u).ok(),
            _ => None,
        },
        Value::Object(_) => None,
    }
}

/// When a member whose entry names the invite that admitted them (`invite`) was admitted
/// beyond that invite's `max_uses`: uses on concurrent branches each passed at their
/// deps, and merged the invite's `used_by` lists them all. Only the first `max_uses` in
/// that list (the same order on every device) count; a member admitted by another is read
/// as removed since they joined. `None` when within the limit or naming no invite.
pub fn beyond_invite_limit<D: ReadDoc>(
    doc: &D,
    entry: &ObjId,
    member: &str,
    heads: Option<&[ChangeHash]>,
) -> Option<i64> {
    let invite = scalar_at(doc, entry, field::INVITE, heads)?;
    beyond_invite_limit_of(doc, entry, invite.as_str()?, member, heads)
}

/// [`beyond_invite_limit`] for an entry whose `invite` was read already.
pub fn beyond_invite_limit_of<D: ReadDoc>(
    doc: &D,
    entry: &ObjId,
    invite: &str,
    member: &str,
    heads: Option<&[ChangeHash]>,
) -> Option<i64> {
    // The entry is read at `heads`; the invite as it stands (what is read of it never
    // changes once written, and the entry's admission shows it existed at `heads`).
    let scalar = |obj: &ObjId, key: &str| scalar_at(doc, obj, key, None);
    let object = |obj: &ObjId, key: &str, ty: ObjType| {
        all(doc, obj, key, None)
            .pop()
            .and_then(|(v, id)| (v == Value::Object(ty)).then_some(id))
    };
    let int = |s: ScalarValue| match s {
        ScalarValue::Int(i) | ScalarValue::Timestamp(i) => Some(i),
        ScalarValue::Uint(u) => i64::try_from(u).ok(),
        _ => None,
    };
    let invites = object(&automerge::ROOT, crate::schema::INVITES, ObjType::Map)?;
    let inv = object(&invites, invite, ObjType::Map)?;
    let max_uses = scalar(&inv, field::MAX_USES).and_then(int)?;
    let used = object(&inv, field::USED_BY, ObjType::List)?;
    // `used_by` only grows and `max_uses` never changes: within the limit in the whole
    // document, within it at any heads. The common case reads only the entry's `invite`
    // at the heads (reads at heads are the guard's dearest).
    if i64::try_from(doc.length(&used)).unwrap_or(i64::MAX) <= max_uses {
        return None;
    }
    let len = match heads {
        Some(h) => doc.length_at(&used, h),
        None => doc.length(&used),
    };
    if i64::try_from(len).unwrap_or(i64::MAX) <= max_uses {
        return None;
    }
    let at = |i: usize| match heads {
        Some(h) => doc.get_at(&used, i, h),
        None => doc.get(&used, i),
    };
    let first = (0..len).find(
        |i| matches!(at(*i), Ok(Some((Value::Scalar(s), _))) if s.as_str() == Some(member)),
    )?;
    if i64::try_from(first).unwrap_or(i64::MAX) < max_uses {
        return None;
    }
    Some(
        scalar_at(doc, entry, field::JOINED_AT, heads)
            .and_then(int)
            .unwrap_or(0),
    )
}
