//! Reads of the community as it stood in a change's causal past (at its deps): the only
//! state the rules may depend on, so that every device decides the same in any order.

use automerge::{Automerge, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};

use crate::MemberId;
use crate::schema::field;

/// The document as of some heads.
pub(crate) struct Past<'a> {
    pub(crate) doc: &'a Automerge,
    pub(crate) heads: &'a [ChangeHash],
}

/// A member entry's fields the rules need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Standing {
    pub(crate) coordinator: bool,
    /// `removed_at`, if set.
    pub(crate) removed_at: Option<i64>,
    /// `joined_at`.
    pub(crate) joined_at: i64,
}

impl Standing {
    pub(crate) fn is_current(&self) -> bool {
        self.removed_at.is_none()
    }
}

impl Past<'_> {
    fn value(&self, obj: &ObjId, key: &str) -> Option<(Value<'_>, ObjId)> {
        self.doc.get_at(obj, key, self.heads).ok()?
    }

    /// The object at `obj[key]` if it is of type `ty`.
    pub(crate) fn obj(&self, obj: &ObjId, key: &str, ty: ObjType) -> Option<ObjId> {
        match self.value(obj, key)? {
            (Value::Object(t), id) if t == ty => Some(id),
            _ => None,
        }
    }

    /// The string at `obj[key]`.
    pub(crate) fn str(&self, obj: &ObjId, key: &str) -> Option<String> {
        match self.value(obj, key)? {
            (Value::Scalar(s), _) => s.as_str().map(str::to_owned),
            _ => None,
        }
    }

    /// The integer at `obj[key]` (`None` for null or another type).
    pub(crate) fn int(&self, obj: &ObjId, key: &str) -> Option<i64> {
        match self.value(obj, key)? {
            (Value::Scalar(s), _) => match s.as_ref() {
                ScalarValue::Int(i) | ScalarValue::Timestamp(i) => Some(*i),
                ScalarValue::Uint(u) => i64::try_from(*u).ok(),
                _ => None,
            },
            _ => None,
        }
    }

    /// The entry `key` of the root map `section`.
    pub(crate) fn entry(&self, section: &str, key: &str) -> Option<ObjId> {
        let map = self.obj(&ROOT, section, ObjType::Map)?;
        self.obj(&map, key, ObjType::Map)
    }

    /// Whether `section[key]` holds anything (a value, or values in conflict).
    pub(crate) fn key_taken(&self, section: &str, key: &str) -> bool {
        let Some(map) = self.obj(&ROOT, section, ObjType::Map) else {
            return false;
        };
        self.doc
            .get_all_at(&map, key, self.heads)
            .is_ok_and(|all| !all.is_empty())
    }

    /// A member's standing; `None` if never admitted. A removal wins over a re-admission
    /// concurrent with it (`removal_wins`); a member never validly admitted
    /// (`removal_frontier::admission_void`) counts as removed since joining.
    pub(crate) fn standing(&self, id: &MemberId) -> Option<Standing> {
        let mut standing = self.entry_standing(id)?;
        if standing.is_current() && self.admission_void(id) {
            standing.removed_at = Some(standing.joined_at);
        }
        Some(standing)
    }

    fn admission_void(&self, id: &MemberId) -> bool {
        let Some(members) = self.obj(&ROOT, crate::schema::MEMBERS, ObjType::Map) else {
            return false;
        };
        crate::removal_frontier::admission_void(self.doc, &members, id.as_str(), Some(self.heads))
    }

    /// [`Past::standing`] as the member's own entry says, without walking up the chain of
    /// those who admitted them.
    pub(crate) fn entry_standing(&self, id: &MemberId) -> Option<Standing> {
        use automerge::{ScalarValueRef, ValueRef};

        use crate::removal_frontier::standing_removals;
        use crate::removal_wins::{beyond_invite_limit_of, entries, latest_removal};
        let members = self.obj(&ROOT, crate::schema::MEMBERS, ObjType::Map)?;
        let entries = entries(self.doc, &members, id.as_str(), Some(self.heads));
        // The one to read (`member_entry::chosen_entry`; the one Automerge shows unless
        // concurrent admissions left several), read in one pass (reads at heads are the
        // guard's dearest): what concurrent writes left is read again only where they left
        // any.
        let chosen = crate::member_entry::chosen_entry(self.doc, &entries, Some(self.heads))?;
        let entry = &chosen;
        let (mut removed, mut invite, mut joined) = (None, None, 0);
        let (mut role_op, mut joined_op) = (None, None);
        let mut conflicted = entries.len() > 1;
        for item in self.doc.map_range_at(entry, .., self.heads) {
            let ValueRef::Scalar(v) = &item.value else {
                continue;
            };
            match (item.key.as_ref(), v) {
                (field::REMOVED_AT, ScalarValueRef::Int(t) | ScalarValueRef::Timestamp(t)) => {
                    removed = Some(*t);
                    conflicted |= item.conflict;
                }
                (field::REMOVED_AT, ScalarValueRef::Uint(t)) => {
                    removed = i64::try_from(*t).ok();
                    conflicted |= item.conflict;
                }
                (field::REMOVED_AT, _) => conflicted |= item.conflict,
                (field::INVITE, ScalarValueRef::Str(i)) => invite = Some(i.to_string()),
                (field::JOINED_AT, ScalarValueRef::Int(t) | ScalarValueRef::Timestamp(t)) => {
                    joined = *t;
                    joined_op = Some(item.id());
                }
                (field::ROLE, ScalarValueRef::Str(r)) => {
                    role_op = Some((item.id(), r == "coordinator", item.conflict));
                }
                _ => {}
            }
        }
        let heads = Some(self.heads);
        if conflicted {
            removed = latest_removal(self.doc, &entries, heads);
        }
        // A role written beyond its writer's removal (a removed coordinator promoting or
        // demoting on a fork from before the removal) does not count. One written by the
        // member's admission stands with it (`standing` reads that): only a role changed
        // since is asked about.
        let with_admission = match (&role_op, &joined_op) {
            (Some((ObjId::Id(_, ra, _), _, false)), Some(ObjId::Id(_, ja, _))) if ra == ja => {
                let (r, j) = (role_op.as_ref().map(|r| &r.0), joined_op.as_ref());
                r.and_then(|r| self.doc.hash_for_opid(r))
                    == j.and_then(|j| self.doc.hash_for_opid(j))
            }
            _ => false,
        };
        let coordinator = if with_admission {
            role_op.as_ref().is_some_and(|r| r.1)
        } else {
            let stands = crate::what_stands::WhatStands::at(self.doc, self.heads);
            matches!(
                stands.standing_value(entry, field::ROLE),
                Some((Value::Scalar(r), _)) if r.as_str() == Some("coordinator")
            )
        };
        let beyond =
            invite.and_then(|i| beyond_invite_limit_of(self.doc, entry, &i, id.as_str(), heads));
        if removed.is_some() {
            // Only removals by someone validly admitted count (`removal_frontier`).
            removed = standing_removals(self.doc, &members, &entries, heads)
                .into_iter()
                .map(|(t, _)| t)
                .max();
        }
        Some(Standing {
            coordinator,
            removed_at: removed.max(beyond),
            joined_at: joined,
        })
    }

    /// The number of items in the list at `obj[key]`.
    pub(crate) fn list_len(&self, obj: &ObjId, key: &str) -> usize {
        self.obj(obj, key, ObjType::List)
            .map_or(0, |l| self.doc.length_at(&l, self.heads))
    }

    /// What `obj[key]` shows once the values `removed` are deleted, if anything is left
    /// (a put of a value the key already holds among conflicting values is written by
    /// Automerge as a delete of the others).
    pub(crate) fn left_after_delete(
        &self,
        obj: &ObjId,
        key: &str,
        removed: &[automerge::legacy::OpId],
    ) -> Option<automerge::legacy::OpType> {
        let all = self.doc.get_all_at(obj, key, self.heads).ok()?;
        let (value, _) = all.into_iter().rfind(|(_, id)| {
            !removed.iter().any(|r| {
                matches!(id, automerge::ObjId::Id(counter, actor, _) if *counter == r.0 && *actor == r.1)
            })
        })?;
        Some(match value {
            Value::Scalar(s) => automerge::legacy::OpType::Put(s.into_owned()),
            Value::Object(t) => automerge::legacy::OpType::Make(t),
        })
    }

    /// Whether the Bool at `obj[key]` is true.
    pub(crate) fn is_true(&self, obj: &ObjId, key: &str) -> bool {
        matches!(self.value(obj, key), Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Boolean(true)))
    }
}
