//! A change's operations as the rules read them: the values it puts into objects it makes,
//! the admissions it writes, and the shapes of values.

use std::collections::{BTreeMap, BTreeSet};

use automerge::ScalarValue;
use automerge::legacy::{ObjectId, Op, OpId, OpType};

use super::paths::{Placed, Seg};
use crate::schema::{INVITES, MEMBERS, field};

/// A change's operations with their ids.
pub(crate) struct ChangeOps<'a> {
    pub(crate) ops: &'a [Op],
    pub(crate) start: u64,
    pub(crate) actor: &'a automerge::ActorId,
}

impl ChangeOps<'_> {
    /// The value the change puts at `key` of the object it made with `made`.
    pub(crate) fn put_in(&self, made: &OpId, key: &str) -> Option<&OpType> {
        self.ops
            .iter()
            .rev()
            .find(|op| {
                matches!(&op.obj, ObjectId::Id(o) if o == made)
                    && matches!(&op.key, automerge::legacy::Key::Map(k) if k == key)
            })
            .map(|op| &op.action)
    }

    /// The string the change puts at `key` of an object it made.
    pub(crate) fn str_in(&self, made: &OpId, key: &str) -> Option<String> {
        match self.put_in(made, key)? {
            OpType::Put(ScalarValue::Str(s)) => Some(s.to_string()),
            _ => None,
        }
    }

    pub(crate) fn id_of(&self, index: usize) -> OpId {
        OpId(self.start + index as u64, self.actor.clone())
    }
}

/// Ids this change inserts into an invite's `used_by`, with the invite: its admissions.
pub(crate) fn admissions(ops: &[Op], targets: &[(Placed, Vec<Seg>)]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (op, (_, target)) in ops.iter().zip(targets) {
        if let [Seg::Key(s), Seg::Key(invite), Seg::Key(f), Seg::Elem] = target.as_slice()
            && s == INVITES
            && f == field::USED_BY
            && op.insert
            && let OpType::Put(ScalarValue::Str(id)) = &op.action
        {
            out.insert(id.to_string(), invite.clone());
        }
    }
    out
}

/// The members whose entries the change writes a proof of equivocation into.
pub(crate) fn equivocation_reports(targets: &[(Placed, Vec<Seg>)]) -> BTreeSet<String> {
    targets
        .iter()
        .filter_map(|(_, target)| match target.as_slice() {
            [Seg::Key(s), Seg::Key(id), Seg::Key(f)]
                if s == MEMBERS && f == field::EQUIVOCATION =>
            {
                Some(id.clone())
            }
            _ => None,
        })
        .collect()
}

pub(crate) fn key(seg: &Seg) -> Option<&str> {
    match seg {
        Seg::Key(k) => Some(k),
        Seg::Elem => None,
    }
}

pub(crate) fn is_str(op: &OpType) -> bool {
    matches!(op, OpType::Put(ScalarValue::Str(_)))
}

pub(crate) fn is_bool(op: &OpType) -> bool {
    matches!(op, OpType::Put(ScalarValue::Boolean(_)))
}

pub(crate) fn is_int_or_null(op: &OpType) -> bool {
    matches!(
        op,
        OpType::Put(ScalarValue::Int(_) | ScalarValue::Timestamp(_) | ScalarValue::Null)
    )
}

pub(crate) fn is_str_or_null(op: &OpType) -> bool {
    matches!(op, OpType::Put(ScalarValue::Str(_) | ScalarValue::Null))
}
