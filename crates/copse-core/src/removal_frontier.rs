//! A removal fixes what stands of the removed member: what the remover had seen of her
//! (the removal's causal past). She can still write on a fork of history from before her
//! removal, and each such change passes at its own deps, where she was a member; it is
//! applied, and relayed, like any other. What it grants is decided from the change graph,
//! the same on every device in any order: a member admitted by a change of hers that the
//! removal had not seen, or admitted by someone so admitted, and so on down the chain of
//! admitters, was never validly admitted. The views and the rules read them as removed
//! since joining, so what they write on top of the merge is refused, and a re-admission
//! they write is not one. `docs/schema.md` ("What survives a removal") says the same.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use automerge::{ActorId, Automerge, ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value};

use crate::MemberId;

use crate::guard::identity::member_named_by_actor;
use crate::removal_wins::{all, beyond_invite_limit, entries};
use crate::schema::field;

/// Per actor, the highest sequence number in a change's causal past, itself included.
type Clock = HashMap<ActorId, u64>;

/// How many clocks are remembered: one per removal read, and removals are few.
const CLOCKS_KEPT: usize = 256;

/// The clock of `head`, computed once per process (a change's causal past never changes,
/// and a hash names one change in any document).
fn clock(doc: &Automerge, head: &ChangeHash) -> Option<Arc<Clock>> {
    static CLOCKS: OnceLock<Mutex<HashMap<ChangeHash, Arc<Clock>>>> = OnceLock::new();
    let clocks = CLOCKS.get_or_init(Mutex::default);
    if let Some(c) = clocks.lock().ok()?.get(head) {
        return Some(c.clone());
    }
    doc.get_change_meta_by_hash(head)?;
    let mut clock = Clock::new();
    let mut seen = HashSet::new();
    let mut next = vec![*head];
    while let Some(h) = next.pop() {
        if !seen.insert(h) {
            continue;
        }
        let Some(meta) = doc.get_change_meta_by_hash(&h) else {
            continue;
        };
        let top = clock.entry(meta.actor.into_owned()).or_insert(0);
        *top = (*top).max(meta.seq);
        next.extend(meta.deps);
    }
    let clock = Arc::new(clock);
    let mut clocks = clocks.lock().ok()?;
    if clocks.len() >= CLOCKS_KEPT {
        clocks.clear();
    }
    clocks.insert(*head, clock.clone());
    Some(clock)
}

/// Whether `change` is in the causal past of `later` (or is it).
pub fn precedes(doc: &Automerge, change: &ChangeHash, later: &ChangeHash) -> bool {
    let Some(meta) = doc.get_change_meta_by_hash(change) else {
        return false;
    };
    clock(doc, later).is_some_and(|c| c.get(meta.actor.as_ref()).is_some_and(|s| *s >= meta.seq))
}

/// The changes that removed the member whose entries are `entries`: those that wrote the
/// removal times among the values `removed_at` holds (at `heads`, or as the document
/// stands).
pub fn removals(
    doc: &Automerge,
    entries: &[ObjId],
    heads: Option<&[ChangeHash]>,
) -> Vec<ChangeHash> {
    entries
        .iter()
        .flat_map(|entry| all(doc, entry, field::REMOVED_AT, heads))
        .filter(|(v, _)| {
            matches!(v, Value::Scalar(s) if matches!(s.as_ref(),
                ScalarValue::Int(_) | ScalarValue::Timestamp(_) | ScalarValue::Uint(_)))
        })
        .filter_map(|(_, op)| doc.hash_for_opid(&op))
        .collect()
}

/// The removal times among the values `removed_at` holds in `entries` (at `heads`, or as
/// the document stands) whose writers were validly admitted, each with the change that
/// wrote it: a removal written by someone never validly admitted removes no one.
pub fn standing_removals(
    doc: &Automerge,
    members: &ObjId,
    entries: &[ObjId],
    heads: Option<&[ChangeHash]>,
) -> Vec<(i64, ChangeHash)> {
    entries
        .iter()
        .flat_map(|entry| all(doc, entry, field::REMOVED_AT, heads))
        .filter_map(|(v, op)| {
            let time = match v {
                Value::Scalar(s) => match s.as_ref() {
                    ScalarValue::Int(i) | ScalarValue::Timestamp(i) => *i,
                    ScalarValue::Uint(u) => i64::try_from(*u).ok()?,
                    _ => return None,
                },
                Value::Object(_) => return None,
            };
            let ObjId::Id(_, actor, _) = &op else {
                return None;
            };
            if let Some(writer) = member_named_by_actor(actor)
                && admission_void(doc, members, writer.as_str(), heads)
            {
                return None;
            }
            Some((time, doc.hash_for_opid(&op)?))
        })
        .collect()
}

/// Whether `change`, written by the member whose entries are `entries`, lies beyond what
/// stands of them: they are removed, and none of their removals had seen it.
pub fn beyond_removal(
    doc: &Automerge,
    change: &ChangeHash,
    entries: &[ObjId],
    heads: Option<&[ChangeHash]>,
) -> bool {
    let removals = removals(doc, entries, heads);
    !removals.is_empty() && !removals.iter().any(|r| precedes(doc, change, r))
}

/// One admission of a member: a value of their entry's `joined_at` (concurrent admissions
/// leave several), with the invite the same change names.
struct Admission {
    /// The change, its writer or its invite's maker lies beyond what stands of them.
    void: bool,
    /// The writer and the invite's maker: were either never validly admitted, nor is this.
    parents: Vec<String>,
}

/// Whether member `id` (under `members`) was never validly admitted: every admission of
/// theirs (a change that wrote their entry's `joined_at`) lies beyond what stands of its
/// writer (see the module), or names an invite made beyond what stands of its maker, or
/// its writer or that maker was never validly admitted, and so on up every chain of
/// admitters and inviters. One admission that stands is enough (a void write beside an
/// honest one takes nobody out). Read at `heads`, or as the document stands.
pub fn admission_void(
    doc: &Automerge,
    members: &ObjId,
    id: &str,
    heads: Option<&[ChangeHash]>,
) -> bool {
    let invites = all(doc, &automerge::ROOT, crate::schema::INVITES, None)
        .pop()
        .and_then(|(v, o)| matches!(v, Value::Object(ObjType::Map)).then_some(o));
    // Depth first without recursion (a chain of admissions can be long); a member met
    // again while still open (a cycle) counts as standing.
    let mut read: HashMap<String, Vec<Admission>> = HashMap::new();
    let mut resolved: HashMap<String, bool> = HashMap::new();
    let mut stack = vec![id.to_owned()];
    while let Some(member) = stack.last().cloned() {
        if resolved.contains_key(&member) {
            stack.pop();
            continue;
        }
        if !read.contains_key(&member) {
            let found = admissions_of(doc, members, invites.as_ref(), &member, heads);
            read.insert(member.clone(), found);
        }
        let Some(admissions) = read.get(&member) else {
            break;
        };
        let open: Vec<String> = admissions
            .iter()
            .filter(|a| !a.void)
            .flat_map(|a| a.parents.iter())
            .filter(|p| !resolved.contains_key(*p) && !read.contains_key(*p))
            .cloned()
            .collect();
        if !open.is_empty() {
            stack.extend(open);
            continue;
        }
        let void = !admissions.is_empty()
            && admissions
                .iter()
                .all(|a| a.void || a.parents.iter().any(|p| resolved.get(p) == Some(&true)));
        resolved.insert(member, void);
        stack.pop();
    }
    resolved.get(id).copied().unwrap_or(false)
}

/// The admissions of `member`, each judged on its own (not yet up its chains).
fn admissions_of(
    doc: &Automerge,
    members: &ObjId,
    invites: Option<&ObjId>,
    member: &str,
    heads: Option<&[ChangeHash]>,
) -> Vec<Admission> {
    let own = entries(doc, members, member, heads);
    let mut writes: Vec<ObjId> = own
        .iter()
        .flat_map(|e| all(doc, e, field::JOINED_AT, heads))
        .map(|(_, op)| op)
        .collect();
    if writes.is_empty() {
        writes.extend(own.last().cloned());
    }
    let named: Vec<(Option<ChangeHash>, String)> = own
        .iter()
        .flat_map(|e| all(doc, e, field::INVITE, heads))
        .filter_map(|(v, op)| {
            Some((
                doc.hash_for_opid(&op),
                v.into_scalar().ok()?.into_string().ok()?,
            ))
        })
        .collect();
    // Whether what `writer` made in `change` lies beyond what stands of them.
    let beyond = |change: &ChangeHash, writer: &str| {
        let theirs = entries(doc, members, writer, heads);
        beyond_removal(doc, change, &theirs, heads)
            || theirs
                .last()
                .is_some_and(|e| beyond_invite_limit(doc, e, writer, heads).is_some())
    };
    writes
        .iter()
        .map(|op| {
            let mut admission = Admission {
                void: false,
                parents: Vec::new(),
            };
            // Unsigned history stands; so does an entry its member wrote (the founder's).
            let (ObjId::Id(_, actor, _), Some(change)) = (op, doc.hash_for_opid(op)) else {
                return admission;
            };
            if let Some(writer) = member_named_by_actor(actor)
                && writer.as_str() != member
            {
                admission.void |= beyond(&change, writer.as_str());
                admission.parents.push(writer.as_str().to_owned());
            }
            let invite = named
                .iter()
                .find(|(h, _)| *h == Some(change))
                .zip(invites)
                .and_then(|((_, i), invites)| {
                    all(doc, invites, i, None)
                        .pop()
                        .and_then(|(v, o)| matches!(v, Value::Object(ObjType::Map)).then_some(o))
                });
            if let Some(invite) = invite
                && let ObjId::Id(_, actor, _) = &invite
                && let Some(maker) = member_named_by_actor(actor)
                && let Some(made) = doc.hash_for_opid(&invite)
                && maker.as_str() != member
            {
                admission.void |= beyond(&made, maker.as_str());
                admission.parents.push(maker.as_str().to_owned());
            }
            admission
        })
        .collect()
}

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
        let members = all(doc, &automerge::ROOT, crate::schema::MEMBERS, None)
            .pop()
            .and_then(|(v, o)| matches!(v, Value::Object(ObjType::Map)).then_some(o));
        Self {
            doc,
            members,
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
            let over = all(self.doc, &automerge::ROOT, crate::schema::INVITES, None)
                .pop()
                .is_some_and(|(_, invites)| {
                    self.doc.map_range(&invites, ..).any(|item| {
                        let limit = all(self.doc, &item.id(), field::MAX_USES, None)
                            .pop()
                            .and_then(|(v, _)| int_of(&v));
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

/// An integer value (signed, unsigned or a timestamp).
fn int_of(v: &Value<'_>) -> Option<i64> {
    match v {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Int(i) | ScalarValue::Timestamp(i) => Some(*i),
            ScalarValue::Uint(u) => i64::try_from(*u).ok(),
            _ => None,
        },
        Value::Object(_) => None,
    }
}

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
