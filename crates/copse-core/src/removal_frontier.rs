//! A removal fixes what stands of the removed member: what the remover had seen of her
//! (the removal's causal past). She can still write on a fork of history from before her
//! removal, and each such change passes at its own deps, where she was a member; it is
//! applied, and relayed, like any other. What it grants is decided from the change graph,
//! the same on every device in any order: a member admitted by a change of hers that the
//! removal had not seen, or admitted by someone so admitted, and so on down the chain of
//! admitters, was never validly admitted. The views and the rules read them as removed
//! since joining, so what they write on top of the merge is refused, and a re-admission
//! they write is not one. `docs/schema.md` ("What survives a removal") says the same.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use automerge::{ActorId, Automerge, ChangeHash, ObjId, ObjType};

use crate::doc_read::{get_obj, root};
use crate::guard::identity::member_named_by_actor;
use crate::removal_wins::{all, beyond_invite_limit, entries, removal_values};
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
    removal_values(doc, entries, heads)
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
    removal_values(doc, entries, heads)
        .filter(|(_, op)| {
            !matches!(op, ObjId::Id(_, actor, _) if member_named_by_actor(actor)
                .is_some_and(|writer| admission_void(doc, members, writer.as_str(), heads)))
        })
        .filter_map(|(time, op)| Some((time, doc.hash_for_opid(&op)?)))
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
    let invites = root(doc, crate::schema::INVITES);
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
                .and_then(|((_, i), invites)| get_obj(doc, invites, i, ObjType::Map));
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
