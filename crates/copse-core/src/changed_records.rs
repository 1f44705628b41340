//! Which records the changes since some heads wrote into, from the changes' operations
//! (what they did, not what their messages say). Proportional to the changes, never to
//! the document.

use std::collections::{BTreeSet, HashMap};

use automerge::legacy::{Key, ObjectId, OpId};
use automerge::{Automerge, ChangeHash, Prop, ReadDoc};

use crate::record_key::RecordKey;

/// What to update in a derived view (the search index, the participation ledger).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// These records (each is read again whole, or removed if it is gone).
    Records(BTreeSet<RecordKey>),
    /// A searched root map was written, or `before` is not in the document: rebuild.
    Everything,
}

/// What changed in `doc` since `before` (a panic while reading it: everything).
pub fn changed_records(doc: &Automerge, before: &[ChangeHash]) -> Changed {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_changed(doc, before)))
        .unwrap_or(Changed::Everything)
}

fn read_changed(doc: &Automerge, before: &[ChangeHash]) -> Changed {
    if before
        .iter()
        .any(|h| doc.get_change_meta_by_hash(h).is_none())
    {
        return Changed::Everything;
    }
    let mut out = BTreeSet::new();
    // Each object's path from the root, as map keys (`None`: not reachable, or in a list).
    let mut paths: HashMap<OpId, Option<Vec<String>>> = HashMap::new();
    for change in doc.get_changes(before) {
        for op in change.decode().operations {
            let mut path = match &op.obj {
                ObjectId::Root => Vec::new(),
                ObjectId::Id(id) => {
                    match paths.entry(id.clone()).or_insert_with(|| path_of(doc, id)) {
                        Some(p) => p.clone(),
                        None => continue,
                    }
                }
            };
            if let Key::Map(k) = &op.key {
                path.push(k.to_string());
            }
            match path.as_slice() {
                [section, id, ..] => out.extend(RecordKey::of(section, id)),
                [section] if is_searched(section) => return Changed::Everything,
                _ => {}
            }
        }
    }
    Changed::Records(out)
}

/// The first two keys of the path to `obj` (enough to name its record).
fn path_of(doc: &Automerge, obj: &OpId) -> Option<Vec<String>> {
    let id = doc
        .import_obj(&format!("{}@{}", obj.0, obj.1.to_hex_string()))
        .ok()?;
    let mut keys: Vec<String> = doc
        .parents(&id)
        .ok()?
        .map(|p| match p.prop {
            Prop::Map(k) => k,
            Prop::Seq(i) => i.to_string(),
        })
        .collect();
    keys.reverse();
    keys.truncate(2);
    Some(keys)
}

fn is_searched(section: &str) -> bool {
    use crate::schema::{ARTICLES, EVENTS, MEMBERS, RESOURCES, TASKS, THREADS};
    [THREADS, ARTICLES, EVENTS, TASKS, RESOURCES, MEMBERS].contains(&section)
}
