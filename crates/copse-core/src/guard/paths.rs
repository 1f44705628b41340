//! Where an operation writes, as a path from the root (`threads/<id>/posts/[i]/body`).
//! Objects are placed once, by the operation that makes them, so an object's path never
//! changes: it can be read from the document whatever happened later.

use std::collections::HashMap;

use automerge::legacy::{Key, ObjectId, OpId};
use automerge::{Automerge, ObjId, Prop, ReadDoc};

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A map key.
    Key(String),
    /// An element of a list or text (its position does not matter to the rules).
    Elem,
}

impl Seg {
    pub(crate) fn of_key(key: &Key) -> Self {
        match key {
            Key::Map(k) => Seg::Key(k.to_string()),
            Key::Seq(_) => Seg::Elem,
        }
    }
}

/// A path as text, for reasons shown to people.
pub(crate) fn show(path: &[Seg]) -> String {
    let parts: Vec<String> = path
        .iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Elem => "[]".to_owned(),
        })
        .collect();
    parts.join("/")
}

/// An object an operation writes into: its path and, if it existed before the change,
/// its id in the document.
#[derive(Debug, Clone)]
pub(crate) struct Placed {
    pub(crate) path: Vec<Seg>,
    pub(crate) id: Option<ObjId>,
}

/// Resolves objects to paths: those made earlier from the document (remembered across
/// changes: a path never changes), those made by the change being checked from its own
/// operations.
pub(crate) struct Paths<'a> {
    doc: &'a Automerge,
    known: &'a mut PathCache,
    /// Objects made by the change being checked, and where.
    pub(crate) made: HashMap<OpId, Vec<Seg>>,
}

/// Paths of objects in the document, kept between changes (and between batches: applying
/// more changes never moves an object).
#[derive(Default)]
pub(crate) struct PathCache(HashMap<OpId, Placed>, pub(crate) StandingsAhead);

/// Standings read ahead (see `rules::At`), by member, heads, and whether the chain of
/// admitters was walked (`Past::standing`): a batch judged ahead reads many changes at the
/// same heads.
pub(crate) type StandingsAhead =
    HashMap<(crate::MemberId, Vec<automerge::ChangeHash>, bool), Option<super::past::Standing>>;

impl<'a> Paths<'a> {
    pub(crate) fn new(doc: &'a Automerge, known: &'a mut PathCache) -> Self {
        Self {
            doc,
            known,
            made: HashMap::new(),
        }
    }

    /// The standing of `member` at `heads`, remembered.
    pub(crate) fn standing(
        &mut self,
        member: &crate::MemberId,
        heads: &[automerge::ChangeHash],
        whole: bool,
        read: impl FnOnce() -> Option<super::past::Standing>,
    ) -> Option<super::past::Standing> {
        self.known
            .1
            .entry((member.clone(), heads.to_vec(), whole))
            .or_insert_with(read)
            .clone()
    }

    /// Starts on another change: what the last one made is not known by id here (the
    /// document knows it, if it was applied).
    pub(crate) fn next_change(&mut self) {
        self.made.clear();
    }

    /// Notes that `op` made an object at `path`.
    pub(crate) fn made(&mut self, op: OpId, path: Vec<Seg>) {
        self.made.insert(op, path);
    }

    /// Where `obj` is; `None` if the document does not know it.
    pub(crate) fn place(&mut self, obj: &ObjectId) -> Option<Placed> {
        let op = match obj {
            ObjectId::Root => {
                return Some(Placed {
                    path: Vec::new(),
                    id: Some(automerge::ROOT),
                });
            }
            ObjectId::Id(op) => op,
        };
        if let Some(path) = self.made.get(op) {
            return Some(Placed {
                path: path.clone(),
                id: None,
            });
        }
        if let Some(p) = self.known.0.get(op) {
            return Some(p.clone());
        }
        let id = object_id(self.doc, op)?;
        // Objects are only ever made in maps and lists, so a parent chain is all keys and
        // elements; `parents` walks it from the object up.
        let mut path: Vec<Seg> = self
            .doc
            .parents(&id)
            .ok()?
            .map(|p| match p.prop {
                Prop::Map(k) => Seg::Key(k),
                Prop::Seq(_) => Seg::Elem,
            })
            .collect();
        path.reverse();
        let placed = Placed { path, id: Some(id) };
        self.known.0.insert(op.clone(), placed.clone());
        Some(placed)
    }
}

/// The document's id of the object `op` made, if this copy holds it.
fn object_id(doc: &Automerge, op: &OpId) -> Option<ObjId> {
    let id = doc
        .import_obj(&format!("{}@{}", op.0, op.1.to_hex_string()))
        .ok()?;
    doc.object_type(&id).ok()?;
    Some(id)
}

/// Whether `doc` holds the object `op` made, so that a change writing into it can be
/// placed.
pub(crate) fn holds_object(doc: &Automerge, op: &OpId) -> bool {
    let mut cache = PathCache::default();
    Paths::new(doc, &mut cache)
        .place(&ObjectId::Id(op.clone()))
        .is_some()
}
