//! Which of a member's entries to read and write into, where concurrent admissions left
//! several at `members/<m>`.

use std::collections::HashSet;

use automerge::{Automerge, ChangeHash, ObjId, ReadDoc};

use crate::removal_wins::{all, entries};
use crate::schema::field;

/// Of the entries concurrent admissions left at `members/<m>`, the one to read: the last
/// (in Automerge's order) that holds a write made after its own admission (the member's
/// details, a role change); if none does, the one Automerge shows. An admission replayed
/// on a fork from before the member's first one (their consent names only the community,
/// the invite and them) makes a second entry whose values only that admission wrote: it
/// never hides the entry their own edits and their promotions went to, whatever
/// operation counters its writer chose.
pub fn chosen_entry<D: OpChanges>(
    doc: &D,
    entries: &[ObjId],
    heads: Option<&[ChangeHash]>,
) -> Option<ObjId> {
    if entries.len() < 2 {
        return entries.last().cloned();
    }
    let keys = |e: &ObjId| -> Vec<String> {
        match heads {
            Some(h) => doc.keys_at(e, h).collect(),
            None => doc.keys(e).collect(),
        }
    };
    let edited = |e: &ObjId| {
        let admissions: HashSet<ChangeHash> = all(doc, e, field::JOINED_AT, heads)
            .into_iter()
            .filter_map(|(_, op)| doc.change_of(&op))
            .collect();
        keys(e).iter().any(|k| {
            all(doc, e, k, heads)
                .into_iter()
                .filter_map(|(_, op)| doc.change_of(&op))
                .any(|c| !admissions.contains(&c))
        })
    };
    entries
        .iter()
        .rev()
        .find(|e| edited(e))
        .or(entries.last())
        .cloned()
}

/// The entry of member `id` under `members` to read and to write into
/// ([`chosen_entry`]), as the document stands.
pub fn member_entry<D: OpChanges>(doc: &D, members: &ObjId, id: &str) -> Option<ObjId> {
    chosen_entry(doc, &entries(doc, members, id, None), None)
}

/// A reader that names the change each operation belongs to: a document, or an open
/// transaction on one.
pub trait OpChanges: ReadDoc {
    /// The change that holds `op`.
    fn change_of(&self, op: &ObjId) -> Option<ChangeHash>;
}

impl OpChanges for Automerge {
    fn change_of(&self, op: &ObjId) -> Option<ChangeHash> {
        self.hash_for_opid(op)
    }
}

impl OpChanges for automerge::transaction::Transaction<'_> {
    fn change_of(&self, op: &ObjId) -> Option<ChangeHash> {
        self.hash_for_opid(op)
    }
}
