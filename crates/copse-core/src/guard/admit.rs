//! Admitting received changes: each is checked (signature, then rules as of its deps)
//! before it is applied; refused ones, and whatever builds on them, never enter the
//! document, so they are never relayed either.

use std::collections::{BTreeMap, HashMap, HashSet};

use automerge::legacy::OpId;
use automerge::{Automerge, AutomergeError, Change, ChangeHash, ReadDoc};

use super::bounds;
use super::judge::{Actors, Judge};
use super::legacy::LegacyPolicy;
use super::paths::{PathCache, Paths, holds_object};
use super::rules::At;
use super::signature::{read_signature, verifies};
use super::verdict::{Passed, Proof, Refused, Verdict, refusal};
use super::violation::Violation;
use crate::equivocation;

/// What became of a batch of received changes.
#[derive(Debug, Default)]
pub struct Admitted {
    /// Applied, in order (signature changes included).
    pub applied: Vec<ChangeHash>,
    /// Refused.
    pub refused: Vec<Refused>,
    /// Changes set aside until what they need arrives, to be offered again with the next
    /// batch (see [`admit_held`]).
    pub waiting: Vec<Held>,
    /// Every hash refused, signature changes included: what builds on them is refused too.
    pub refused_hashes: Vec<ChangeHash>,
    /// Some applied change writes under `members` or `invites` (read from its operations,
    /// never from its message): who may sync what may have changed.
    pub membership: bool,
    /// The call stopped at its budget: some of `waiting` may be ready now.
    pub cut_short: bool,
    /// Proofs of equivocation found (see `Ahead::apply`).
    pub equivocations: Vec<equivocation::Proof>,
    /// Places found equivocated (by a second change, or a proof applied): no change at
    /// them is taken from now on.
    pub banned: Vec<equivocation::Place>,
    /// The document was rebuilt without changes it held (the losing side of an
    /// equivocation and what built on it): these, in causal order.
    pub dropped: Vec<Change>,
    /// Whether the document was rebuilt (see `dropped`): it must be written anew, and
    /// anything that remembered its heads must forget them.
    pub rebuilt: bool,
}

/// A change set aside until what it needs arrives.
#[derive(Debug, Clone)]
pub struct Held {
    change: Change,
    waits: Waits,
}

#[derive(Debug, Clone)]
enum Waits {
    /// Something it builds on (for a signature change: the change it signs) has not
    /// arrived. Not judged yet.
    Deps,
    /// Signed (by this signature change; none for accepted unsigned history), it needs
    /// what `need` says before it can be judged again: its signature is not verified again.
    Judged {
        need: Need,
        signature: Option<Box<Change>>,
    },
}

/// What a signed change waits for.
#[derive(Debug, Clone)]
enum Need {
    /// It writes into the object this operation made, which this copy does not hold yet.
    Object(OpId),
    /// It is numbered past every operation this copy holds: it waits until the copy
    /// holds operations up to this counter (`bounds::numbered_from_held`).
    OpsUpTo(u64),
}

impl Held {
    /// The change.
    pub fn change(&self) -> &Change {
        &self.change
    }

    /// Its bytes, with its signature change's.
    pub fn bytes(&self) -> usize {
        let sig = match &self.waits {
            Waits::Judged {
                signature: Some(s), ..
            } => s.raw_bytes().len(),
            _ => 0,
        };
        self.change.raw_bytes().len() + sig
    }

    /// The hashes it holds (its signature change's too).
    pub fn hashes(&self) -> impl Iterator<Item = ChangeHash> + '_ {
        let sig = match &self.waits {
            Waits::Judged {
                signature: Some(s), ..
            } => Some(s.hash()),
            _ => None,
        };
        std::iter::once(self.change.hash()).chain(sig)
    }
}

/// Checks `incoming` and applies what passes to `doc`, in causal order (see
/// [`admit_held`]); nothing was held before.
pub fn admit(
    doc: &mut Automerge,
    incoming: Vec<Change>,
    was_refused: &dyn Fn(&ChangeHash) -> bool,
    legacy: &dyn LegacyPolicy,
) -> Result<Admitted, AutomergeError> {
    admit_held(
        doc,
        incoming,
        Vec::new(),
        usize::MAX,
        &Known {
            was_refused,
            was_banned: &|_, _| false,
        },
        legacy,
    )
}

/// Whether an actor's sequence number was found equivocated before.
pub type WasBanned<'a> = dyn Fn(&automerge::ActorId, u64) -> bool + 'a;

/// What a copy found before: changes its guard refused (what builds on them is refused
/// too) and places found equivocated (no change at them is taken).
pub struct Known<'a> {
    /// Whether a change was refused before.
    pub was_refused: &'a dyn Fn(&ChangeHash) -> bool,
    /// Whether an actor's sequence number was found equivocated before.
    pub was_banned: &'a WasBanned<'a>,
}

/// Checks `incoming`, with the changes `held` from earlier batches, and applies what
/// passes to `doc`, in causal order. `was_refused` names changes refused before (what
/// builds on them is refused too).
///
/// Each change's signature is verified once: when its deps are here and it is first
/// judged. Changes that passed are applied together (one Automerge call per batch rather
/// than per change: a reconnect brings hundreds). A change whose deps passed but wait to
/// be applied is judged at the applied part of its past while no waiting change touches
/// membership or invites (`rules::At`); if that judgment is not a plain pass, the waiting
/// changes are applied and it is judged again at its own deps.
///
/// At most `budget` changes (signature changes count) pass in one call: the rest wait
/// as if their deps were missing, and [`Admitted::cut_short`] says so, so that the caller
/// offers them again in a later step.
pub fn admit_held(
    doc: &mut Automerge,
    incoming: Vec<Change>,
    held: Vec<Held>,
    budget: usize,
    known: &Known<'_>,
    legacy: &dyn LegacyPolicy,
) -> Result<Admitted, AutomergeError> {
    let was_refused = known.was_refused;
    let mut batch = Batch {
        was_banned: Some(known.was_banned),
        top_op: bounds::held_max_op(doc),
        budget,
        ..Batch::default()
    };
    for c in incoming {
        batch.offer(doc, c);
    }
    for h in held {
        match h.waits {
            Waits::Deps => batch.offer(doc, h.change),
            Waits::Judged { need, signature } => {
                if doc.get_change_meta_by_hash(&h.change.hash()).is_none() {
                    batch.parked.push((h.change, need, signature.map(|s| *s)));
                }
            }
        }
    }
    batch.unpark(doc);
    let mut out = Admitted::default();
    let mut cache = PathCache::default();
    let mut checked_at = doc.get_heads();
    loop {
        batch.run(doc, &mut cache, &mut out, was_refused, legacy)?;
        // A held change waits for an object: only changes applied since can bring it.
        let heads = doc.get_heads();
        if out.cut_short || heads == checked_at || !batch.unpark(doc) {
            break;
        }
        checked_at = heads;
    }
    out.waiting = batch.into_waiting();
    out.refused_hashes.sort();
    Ok(out)
}

/// One batch in progress.
#[derive(Default)]
struct Batch<'k> {
    /// Places found equivocated before this call.
    was_banned: Option<&'k WasBanned<'k>>,
    /// Signature changes that arrived, by the change they sign (any peer may send one:
    /// the canonical one that verifies counts).
    sigs: HashMap<ChangeHash, Vec<Change>>,
    /// Changes not judged yet (or to be judged again).
    pending: BTreeMap<ChangeHash, Change>,
    /// How each judged change's signature stands, and the signature change that verified.
    proven: HashMap<ChangeHash, (Proof, Option<Change>)>,
    /// Signed changes waiting for what they need.
    parked: Vec<(Change, Need, Option<Change>)>,
    refused: HashSet<ChangeHash>,
    actors: Actors,
    ahead: Ahead,
    /// The last operation counter of each change that passed in this batch (its
    /// signature change's is the same).
    max_ops: HashMap<ChangeHash, u64>,
    /// The largest operation counter held: the document's, and what passed since.
    top_op: u64,
    /// How many more changes (signature changes count) may pass in this call.
    budget: usize,
}

impl Batch<'_> {
    fn offer(&mut self, doc: &Automerge, c: Change) {
        if doc.get_change_meta_by_hash(&c.hash()).is_some() {
            return;
        }
        match read_signature(&c) {
            Some(s) => self.sigs.entry(s.target).or_default().push(c),
            None => {
                self.pending.insert(c.hash(), c);
            }
        }
    }

    /// Moves the parked changes whose need is now met back to be judged; whether any
    /// moved.
    fn unpark(&mut self, doc: &Automerge) -> bool {
        let top = self.top_op;
        let (ready, still): (Vec<_>, Vec<_>) = std::mem::take(&mut self.parked)
            .into_iter()
            .partition(|(_, need, _)| match need {
                Need::Object(obj) => holds_object(doc, obj),
                Need::OpsUpTo(n) => top >= *n,
            });
        self.parked = still;
        let moved = !ready.is_empty();
        for (c, _, sig) in ready {
            let h = c.hash();
            self.proven.insert(h, (Proof::Verified, sig));
            self.pending.insert(h, c);
        }
        moved
    }

    /// How `c`'s signature stands, established the first time it is asked.
    fn prove(&mut self, c: &Change) -> Proof {
        let h = c.hash();
        if let Some((proof, _)) = self.proven.get(&h) {
            return *proof;
        }
        let mut candidates = self.sigs.remove(&h).unwrap_or_default();
        let proven = match self.actors.of(c.actor_id()) {
            // Unsigned: judged by the legacy policy, the proof is not read.
            None => (Proof::Missing, None),
            Some((key, _)) => match candidates.iter().position(|s| verifies(c, s, &key)) {
                Some(i) => (Proof::Verified, Some(candidates.swap_remove(i))),
                None if candidates.is_empty() => (Proof::Missing, None),
                None => (Proof::Forged, None),
            },
        };
        let proof = proven.0;
        self.proven.insert(h, proven);
        proof
    }

    /// The largest operation counter among `deps` (all passed or in `doc`; 0 for none).
    fn deps_max_op(&self, doc: &Automerge, deps: &[ChangeHash]) -> u64 {
        deps.iter()
            .filter_map(|d| {
                self.max_ops
                    .get(d)
                    .copied()
                    .or_else(|| doc.get_change_meta_by_hash(d).map(|m| m.max_op))
            })
            .max()
            .unwrap_or(0)
    }

    /// Refuses `c` before its rules are read, for `why`: it, every signature change of it
    /// that arrived, and (through `refused`) what builds on them stay out.
    fn refuse_unjudged(&mut self, c: &Change, why: Violation, out: &mut Admitted) {
        let h = c.hash();
        let author = self.actors.of(c.actor_id()).map(|(_, m)| m);
        out.refused.push(refusal(c, author, why));
        for s in self.sigs.remove(&h).unwrap_or_default() {
            self.refused.insert(s.hash());
        }
        if let Some(s) = self.signature_of(&h) {
            self.refused.insert(s.hash());
        }
        self.refused.insert(h);
    }

    /// The signature change that verified `h`, if any.
    fn signature_of(&mut self, h: &ChangeHash) -> Option<Change> {
        self.proven.get_mut(h).and_then(|(_, s)| s.take())
    }

    /// Repeated passes in a stable order; each takes whatever has its deps by now.
    fn run(
        &mut self,
        doc: &mut Automerge,
        cache: &mut PathCache,
        out: &mut Admitted,
        was_refused: &dyn Fn(&ChangeHash) -> bool,
        legacy: &dyn LegacyPolicy,
    ) -> Result<(), AutomergeError> {
        loop {
            let mut progress = false;
            let hashes = causal_order(&self.pending);
            for h in hashes {
                if self.budget == 0 {
                    // What is left stays pending: given back as waiting.
                    out.cut_short = true;
                    break;
                }
                let Some(c) = self.pending.remove(&h) else {
                    continue;
                };
                if c.deps()
                    .iter()
                    .any(|d| self.refused.contains(d) || was_refused(d))
                {
                    // A proof of equivocation holds whatever it was written on: what it
                    // names leaves this copy even if the change carrying it cannot come in.
                    self.ahead.bans.extend(equivocation::proven_by(&c));
                    self.refuse_unjudged(&c, Violation::DependsOnRefused, out);
                    progress = true;
                    continue;
                }
                let place = (c.actor_id().clone(), c.seq());
                if self.ahead.banned_now.contains(&place)
                    || self.was_banned.is_some_and(|f| f(&place.0, place.1))
                {
                    // No change stays at a place found equivocated.
                    self.refuse_unjudged(&c, Violation::Equivocation, out);
                    progress = true;
                    continue;
                }
                let in_doc = |d: &ChangeHash| doc.get_change_meta_by_hash(d).is_some();
                if !c
                    .deps()
                    .iter()
                    .all(|d| in_doc(d) || self.ahead.frontier.contains_key(d))
                {
                    self.pending.insert(h, c);
                    continue;
                }
                let proof = self.prove(&c);
                if proof == Proof::Verified && !bounds::numbered_from_held(&c, self.top_op) {
                    // Not progress: only changes that pass can bring what it needs.
                    let need = Need::OpsUpTo(c.start_op().get() - 1);
                    let sig = self.signature_of(&h);
                    self.parked.push((c, need, sig));
                    continue;
                }
                let deps_max_op = self.deps_max_op(doc, c.deps());
                let mut ahead_pass = None;
                if !c.deps().iter().all(in_doc) && !self.ahead.standing {
                    // Judged ahead at the applied part of its past; only a pass counts.
                    let heads = self.ahead.applied_past(c.deps());
                    let at = At {
                        heads: &heads,
                        exact: false,
                        deps_max_op,
                        made_ahead: &self.ahead.made,
                    };
                    let verdict = judge(doc, cache, &mut self.actors, legacy, &c, proof, at, false);
                    if let Verdict::Pass(passed) = verdict {
                        ahead_pass = Some((passed, heads));
                    }
                }
                let (verdict, heads) = match ahead_pass {
                    Some((passed, heads)) => (Verdict::Pass(passed), heads),
                    None => {
                        self.ahead
                            .apply(doc, out, &mut self.refused, &mut self.actors)?;
                        if std::mem::take(&mut self.ahead.paths_stale) {
                            *cache = PathCache::default();
                        }
                        self.top_op = bounds::held_max_op(doc);
                        let may_create = doc.get_heads().is_empty();
                        let none = HashSet::new();
                        let at = At {
                            heads: c.deps(),
                            exact: true,
                            deps_max_op,
                            made_ahead: &none,
                        };
                        let actors = &mut self.actors;
                        let verdict = judge(doc, cache, actors, legacy, &c, proof, at, may_create);
                        (verdict, c.deps().to_vec())
                    }
                };
                match verdict {
                    Verdict::Pass(passed) => {
                        let sig = self.signature_of(&h);
                        self.max_ops.insert(h, c.max_op());
                        self.top_op = self.top_op.max(c.max_op());
                        if let Some(s) = &sig {
                            self.max_ops.insert(s.hash(), s.max_op());
                        }
                        out.membership |= passed.membership;
                        self.budget = self.budget.saturating_sub(1 + usize::from(sig.is_some()));
                        self.ahead.take(c, sig, heads, passed);
                        progress = true;
                    }
                    Verdict::WaitForObject(obj) => {
                        // Tried again once something brings the object; not progress.
                        let sig = self.signature_of(&h);
                        self.parked.push((c, Need::Object(obj), sig));
                    }
                    Verdict::Unsure => {
                        // Only a judgment ahead of the deps is unsure, and that one was
                        // judged again at its deps above.
                        let author = self.actors.of(c.actor_id()).map(|(_, m)| m);
                        out.refused.push(refusal(
                            &c,
                            author,
                            Violation::Unknown("a change the rules could not decide".into()),
                        ));
                        self.refused.insert(h);
                        progress = true;
                    }
                    Verdict::Refuse(r) => {
                        self.ahead.bans.extend(equivocation::proven_by(&c));
                        // Refused for what it does: it, its signature and what builds on
                        // them stay out. Refused for want of a valid signature: another
                        // peer may still bring the right one, so only this attempt is
                        // dropped.
                        if r.author.is_some() || r.reason == Violation::Unsigned {
                            self.refused.insert(h);
                            if let Some(s) = self.signature_of(&h) {
                                self.refused.insert(s.hash());
                            }
                        }
                        self.proven.remove(&h);
                        out.refused.push(r);
                        progress = true;
                    }
                }
            }
            if !progress || out.cut_short {
                break;
            }
        }
        self.ahead
            .apply(doc, out, &mut self.refused, &mut self.actors)?;
        if std::mem::take(&mut self.ahead.paths_stale) {
            *cache = PathCache::default();
        }
        self.top_op = bounds::held_max_op(doc);
        out.refused_hashes = self.refused.iter().copied().collect();
        Ok(())
    }

    fn into_waiting(self) -> Vec<Held> {
        let deps = |change| Held {
            change,
            waits: Waits::Deps,
        };
        let mut out: Vec<Held> = self.pending.into_values().map(deps).collect();
        out.extend(self.sigs.into_values().flatten().map(deps));
        out.extend(
            self.parked
                .into_iter()
                .map(|(change, need, signature)| Held {
                    change,
                    waits: Waits::Judged {
                        need,
                        signature: signature.map(Box::new),
                    },
                }),
        );
        out
    }
}

/// The pending changes in causal order (each after those of its deps that are pending
/// too), ties by hash: one pass then takes a chain of any length, where passes in hash
/// order would take one link each (a member's thousand changes in a row, quadratic).
fn causal_order(pending: &BTreeMap<ChangeHash, Change>) -> Vec<ChangeHash> {
    let mut waiting_on: HashMap<ChangeHash, usize> = HashMap::with_capacity(pending.len());
    let mut dependents: HashMap<ChangeHash, Vec<ChangeHash>> = HashMap::new();
    for (h, c) in pending {
        let mut n = 0;
        for d in c.deps().iter().filter(|d| pending.contains_key(*d)) {
            dependents.entry(*d).or_default().push(*h);
            n += 1;
        }
        waiting_on.insert(*h, n);
    }
    let mut ready: std::collections::BTreeSet<ChangeHash> = waiting_on
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(h, _)| *h)
        .collect();
    let mut out = Vec::with_capacity(pending.len());
    while let Some(h) = ready.pop_first() {
        out.push(h);
        for d in dependents.get(&h).into_iter().flatten() {
            if let Some(n) = waiting_on.get_mut(d) {
                *n -= 1;
                if *n == 0 {
                    ready.insert(*d);
                }
            }
        }
    }
    out
}

/// Judges `c` at `at` (see [`Judge::judge`]).
#[allow(clippy::too_many_arguments)]
fn judge(
    doc: &Automerge,
    cache: &mut PathCache,
    actors: &mut Actors,
    legacy: &dyn LegacyPolicy,
    c: &Change,
    proof: Proof,
    at: At<'_>,
    may_create: bool,
) -> Verdict {
    let mut paths = Paths::new(doc, cache);
    let mut judge = Judge {
        doc,
        actors,
        paths: &mut paths,
        legacy,
    };
    judge.judge(c, proof, at, may_create)
}

/// Changes that passed and wait to be applied together.
#[derive(Default)]
struct Ahead {
    changes: Vec<Change>,
    /// For each waiting change (and its signature change): the applied part of its past.
    frontier: HashMap<ChangeHash, Vec<ChangeHash>>,
    /// A waiting change may change how later ones are judged (members' standing,
    /// invites, the rules marker): nothing more is judged ahead.
    standing: bool,
    /// Records the waiting changes make.
    made: HashSet<(String, String)>,
    /// The document was rebuilt: paths read before may name objects it no longer holds.
    paths_stale: bool,
    /// Places the waiting changes' proofs of equivocation name.
    bans: Vec<equivocation::Place>,
    /// Places found equivocated during this call.
    banned_now: HashSet<equivocation::Place>,
}

impl Ahead {
    /// The applied part of the past of a change with these deps.
    fn applied_past(&self, deps: &[ChangeHash]) -> Vec<ChangeHash> {
        let mut out: Vec<ChangeHash> = Vec::new();
        for d in deps {
            match self.frontier.get(d) {
                Some(f) => out.extend(f.iter().copied()),
                None => out.push(*d),
            }
        }
        out.sort();
        out.dedup();
        out
    }

    fn take(&mut self, c: Change, sig: Option<Change>, heads: Vec<ChangeHash>, passed: Passed) {
        // The change itself is judged at `heads`; what comes after it sees the same past.
        let past = self.applied_past(&heads);
        self.frontier.insert(c.hash(), past.clone());
        if let Some(s) = &sig {
            self.frontier.insert(s.hash(), past);
        }
        self.standing |= passed.standing;
        self.made.extend(passed.made);
        self.bans.extend(passed.bans);
        self.changes.push(c);
        self.changes.extend(sig);
    }

    /// Applies the waiting changes in one Automerge call. A change at a place (actor and
    /// sequence number) already written by a different change is its author's
    /// equivocation (Automerge refuses the whole call for it): no change stays at that
    /// place (`equivocation`). The one arriving is taken out with its signature and what
    /// builds on it in the batch; one the document held goes with everything built on it
    /// (the document is rebuilt without them); both are refused, the place is banned, a
    /// proof is kept, and the rest applied. Once applied, a proof of equivocation the
    /// changes wrote drops whatever the document holds at the place it names.
    fn apply(
        &mut self,
        doc: &mut Automerge,
        out: &mut Admitted,
        refused: &mut HashSet<ChangeHash>,
        actors: &mut Actors,
    ) -> Result<(), AutomergeError> {
        let bans = std::mem::take(&mut self.bans);
        let mut changes = std::mem::take(&mut self.changes);
        self.frontier.clear();
        self.standing = false;
        self.made.clear();
        while !changes.is_empty() {
            match doc.apply_changes(changes.iter().cloned()) {
                Ok(()) => {
                    out.applied.extend(changes.iter().map(Change::hash));
                    break;
                }
                Err(AutomergeError::DuplicateSeqNumber(seq, actor)) => {
                    // Automerge checks before it applies anything: the copy is unchanged.
                    let Some(pos) = changes
                        .iter()
                        .rposition(|c| c.actor_id() == &actor && c.seq() == seq)
                    else {
                        return Err(AutomergeError::DuplicateSeqNumber(seq, actor));
                    };
                    let author = actors.of(&actor).map(|(_, m)| m);
                    let arriving = changes.remove(pos);
                    self.banned_now.insert((actor.clone(), seq));
                    let arriving_sig = signature_in(&changes, &arriving.hash());
                    let other = match changes[..pos.min(changes.len())]
                        .iter()
                        .position(|c| c.actor_id() == &actor && c.seq() == seq)
                    {
                        Some(i) => {
                            let other = changes.remove(i);
                            let sig = signature_in(&changes, &other.hash());
                            take_out(&mut changes, &other, refused);
                            Some((other, sig))
                        }
                        None => match held_at(doc, &actor, seq) {
                            Some(held) => {
                                let gone = self.drop_held(doc, &held, out, refused)?;
                                let sig = signature_in(&gone, &held.hash());
                                drop_builders(&mut changes, refused);
                                Some((held, sig))
                            }
                            None => None,
                        },
                    };
                    take_out(&mut changes, &arriving, refused);
                    out.refused
                        .push(refusal(&arriving, author.clone(), Violation::Equivocation));
                    out.banned.push((actor.clone(), seq));
                    if let Some((other, other_sig)) = other {
                        if let (Some(a), Some(b)) = (arriving_sig, other_sig) {
                            out.equivocations.push(equivocation::Proof::new(
                                (arriving.clone(), a),
                                (other.clone(), b),
                            ));
                        }
                        out.refused
                            .push(refusal(&other, author, Violation::Equivocation));
                    }
                }
                Err(e) => return Err(e),
            }
        }
        // A proof applied now: what the document holds at its place leaves.
        for (actor, seq) in bans {
            if let Some(held) = held_at(doc, &actor, seq) {
                let author = actors.of(&actor).map(|(_, m)| m);
                self.drop_held(doc, &held, out, refused)?;
                out.refused
                    .push(refusal(&held, author, Violation::Equivocation));
            }
            self.banned_now.insert((actor.clone(), seq));
            out.banned.push((actor, seq));
        }
        Ok(())
    }

    /// Rebuilds `doc` without `held` and every change built on it, which join the refused;
    /// the changes that left, in causal order.
    fn drop_held(
        &mut self,
        doc: &mut Automerge,
        held: &Change,
        out: &mut Admitted,
        refused: &mut HashSet<ChangeHash>,
    ) -> Result<Vec<Change>, AutomergeError> {
        let dropped = equivocation::built_on(doc, &HashSet::from([held.hash()]));
        let (rebuilt, gone) = equivocation::rebuilt_without(doc, &dropped)?;
        *doc = rebuilt;
        out.applied.retain(|h| !dropped.contains(h));
        refused.extend(dropped.iter().copied());
        out.dropped.extend(gone.iter().cloned());
        out.rebuilt = true;
        self.paths_stale = true;
        Ok(gone)
    }
}

/// Takes `loser` and what builds on it in the batch out of `changes`, as refused.
fn take_out(changes: &mut Vec<Change>, loser: &Change, refused: &mut HashSet<ChangeHash>) {
    let mut gone: HashSet<ChangeHash> = HashSet::from([loser.hash()]);
    drop_builders(changes, &mut gone);
    refused.extend(gone);
}

/// Removes from `changes` whatever builds on `gone`, adding it to `gone`.
fn drop_builders(changes: &mut Vec<Change>, gone: &mut HashSet<ChangeHash>) {
    loop {
        let before = gone.len();
        changes.retain(|c| {
            let builds_on = c.deps().iter().any(|d| gone.contains(d));
            if builds_on {
                gone.insert(c.hash());
            }
            !builds_on
        });
        if gone.len() == before {
            break;
        }
    }
}

/// The change `doc` holds at `actor`'s sequence number `seq`.
fn held_at(doc: &Automerge, actor: &automerge::ActorId, seq: u64) -> Option<Change> {
    let hash = doc
        .get_changes_meta(&[])
        .into_iter()
        .find(|m| m.actor.as_ref() == actor && m.seq == seq)?
        .hash;
    doc.get_change_by_hash(&hash)
}

/// The signature of `target` carried by one of `changes`.
fn signature_in(changes: &[Change], target: &ChangeHash) -> Option<[u8; 64]> {
    changes
        .iter()
        .filter_map(read_signature)
        .find(|s| &s.target == target)
        .map(|s| s.signature)
}
