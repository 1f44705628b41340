//! Which records changed between two versions of a document, from Automerge's diff (what
//! the changes did, not what their authors say they did).

use std::collections::BTreeSet;

use automerge::{Automerge, ChangeHash, PatchAction, Prop};

use crate::record_key::RecordKey;

/// What to update in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// These records (each is read again whole, or removed if it is gone).
    Records(BTreeSet<RecordKey>),
    /// A whole section was replaced, or `before` is not in the document: rebuild.
    Everything,
}

/// What changed from `before` to `after` (both heads of `doc`).
pub fn changed_records(doc: &Automerge, before: &[ChangeHash], after: &[ChangeHash]) -> Changed {
    if before == after {
        return Changed::Records(BTreeSet::new());
    }
    if before
        .iter()
        .any(|h| doc.get_change_meta_by_hash(h).is_none())
    {
        return Changed::Everything;
    }
    let mut out = BTreeSet::new();
    for patch in doc.diff(before, after) {
        let own = match &patch.action {
            PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => {
                Some(Prop::Map(key.clone()))
            }
            PatchAction::Conflict { prop } | PatchAction::Increment { prop, .. } => {
                Some(prop.clone())
            }
            _ => None,
        };
        // The path from the root to what the patch changed.
        let full: Vec<&Prop> = patch
            .path
            .iter()
            .map(|(_, p)| p)
            .chain(own.as_ref())
            .collect();
        match full.as_slice() {
            [Prop::Map(section), Prop::Map(id), ..] => out.extend(RecordKey::of(section, id)),
            // A searched root map itself was put or deleted: everything under it differs.
            [Prop::Map(section)] if is_searched(section) => return Changed::Everything,
            _ => {}
        }
    }
    Changed::Records(out)
}

fn is_searched(section: &str) -> bool {
    use copse_core::schema::{ARTICLES, EVENTS, MEMBERS, RESOURCES, TASKS, THREADS};
    [THREADS, ARTICLES, EVENTS, TASKS, RESOURCES, MEMBERS].contains(&section)
}
