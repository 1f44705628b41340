//! What the views show of each writer: a record (or post) made by a change beyond what
//! stands of its writer's removal, or by someone never validly admitted, is left out
//! (`removal_frontier` decides what stands).

use std::cell::RefCell;
use std::collections::HashMap;

use automerge::{ActorId, Automerge, ChangeHash, ObjId, ReadDoc};

use crate::MemberId;
use crate::doc_read::root;
use crate::guard::identity::member_named_by_actor;
use crate::removal_frontier::{admission_void, precedes, removals, standing_removals};
use crate::removal_wins::{all, beyond_invite_limit, entries, int_value};
use crate::schema::field;

/// What stands of each writer, read once for a view: a record (or post) made by a change
/// beyond what stands of its writer, or by someone never validly admitted, is not shown.
pub struct WhatStands<'a> {
    doc: &'a Automerge,
    members: Option<ObjId>,
    writers: RefCell<HashMap<MemberId, Writer>>,
    /// The member each actor seen writes for (naming one costs more than the lookup).
    actors: RefCell<HashMap<ActorId, Option<MemberId>>>,
    /// Whether nothing can be hidden, once known.
    nothing: std::cell::OnceCell<bool>,
}

#[derive(Clone)]
enum Writer {
    Stands,
    Void,
    /// Removed by these changes: what none of them had seen does not stand.
    Removed(Vec<ChangeHash>),
}

impl<'a> WhatStands<'a> {
    /// For the document as it stands.
    pub fn new(doc: &'a Automerge) -> Self {
        Self {
            doc,
            members: root(doc, crate::schema::MEMBERS),
            writers: RefCell::default(),
            actors: RefCell::default(),
            nothing: std::cell::OnceCell::new(),
        }
    }

    /// Whether nothing can be hidden: no member holds a removal and no invite was used
    /// beyond its limit (what does not stand always goes back to one of those). Cheap
    /// next to asking of every post.
    pub fn hides_nothing(&self) -> bool {
        *self.nothing.get_or_init(|| {
            let Some(members) = &self.members else {
                return true;
            };
            let removal = self.doc.map_range(members, ..).any(|item| {
                matches!(item.value, automerge::ValueRef::Object(_))
                    && !removals(self.doc, &[item.id()], None).is_empty()
            });
            let over = root(self.doc, crate::schema::INVITES).is_some_and(|invites| {
                self.doc.map_range(&invites, ..).any(|item| {
                    let limit = all(self.doc, &item.id(), field::MAX_USES, None)
                        .pop()
                        .and_then(|(v, _)| int_value(&v));
                    let used = all(self.doc, &item.id(), field::USED_BY, None)
                        .pop()
                        .map_or(0, |(_, list)| self.doc.length(&list));
                    limit.is_some_and(|l| i64::try_from(used).unwrap_or(i64::MAX) > l)
                })
            });
            !removal && !over
        })
    }

    /// Whether the object `made` (a record, a post) was made by a change that does not
    /// stand.
    pub fn hides(&self, made: &ObjId) -> bool {
        let ObjId::Id(_, actor, _) = made else {
            return false;
        };
        self.beyond(actor, || self.doc.hash_for_opid(made))
    }

    /// Whether the change `change` of `actor` does not stand.
    pub fn leaves_out(&self, actor: &ActorId, change: &ChangeHash) -> bool {
        self.beyond(actor, || Some(*change))
    }

    fn beyond(&self, actor: &ActorId, change: impl FnOnce() -> Option<ChangeHash>) -> bool {
        let Some(members) = &self.members else {
            return false;
        };
        let named = self.actors.borrow().get(actor).cloned();
        let named = named.unwrap_or_else(|| {
            let m = member_named_by_actor(actor);
            self.actors.borrow_mut().insert(actor.clone(), m.clone());
            m
        });
        let Some(writer) = named else {
            return false;
        };
        let known = self.writers.borrow().get(&writer).cloned();
        let standing = known.unwrap_or_else(|| {
            let entries = entries(self.doc, members, writer.as_str(), None);
            let removals: Vec<ChangeHash> = standing_removals(self.doc, members, &entries, None)
                .into_iter()
                .map(|(_, r)| r)
                .collect();
            let w = if entries.is_empty() {
                Writer::Stands
            } else if admission_void(self.doc, members, writer.as_str(), None)
                || entries.last().is_some_and(|e| {
                    beyond_invite_limit(self.doc, e, writer.as_str(), None).is_some()
                })
            {
                Writer::Void
            } else if removals.is_empty() {
                Writer::Stands
            } else {
                Writer::Removed(removals)
            };
            self.writers.borrow_mut().insert(writer, w.clone());
            w
        });
        match standing {
            Writer::Stands => false,
            Writer::Void => true,
            Writer::Removed(removals) => change()
                .is_some_and(|change| !removals.iter().any(|r| precedes(self.doc, &change, r))),
        }
    }
}

/// [`WhatStands`] for a reader that has the document's history (not a transaction).
pub fn what_stands<D: crate::DocRead>(doc: &D) -> Option<WhatStands<'_>> {
    doc.history().map(WhatStands::new)
}

/// Whether `stands` (if any) hides the object `made`.
pub fn hidden(stands: Option<&WhatStands<'_>>, made: &ObjId) -> bool {
    stands.is_some_and(|s| s.hides(made))
}
