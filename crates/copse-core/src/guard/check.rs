//! Admitting received changes: each is checked (signature, then rules as of its deps)
//! before it is applied; refused ones, and whatever builds on them, never enter the
//! document, so they are never relayed either.

use std::collections::{BTreeMap, HashMap, HashSet};

use automerge::{Automerge, AutomergeError, Change, ChangeHash, ReadDoc};
use serde::{Deserialize, Serialize};

use ed25519_dalek::VerifyingKey;

use super::identity::{is_signing_actor, key_of_actor, member_id_of_key};
use super::legacy::SealedHistory;
use super::paths::{PathCache, Paths};
use super::rules::{At, Passed, UNKNOWN_OBJECT, check_ops};
use super::signature::{SignatureOf, canonical_for, read_signature, verifies};
use super::violation::Violation;
use crate::MemberId;
use crate::commit_meta::CommitMeta;

/// A change that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    /// The change's hash (hex).
    pub change: String,
    /// Who signed it, if anyone.
    pub author: Option<MemberId>,
    /// The command its message names, if any.
    pub cmd: Option<String>,
    /// When its author says it was made (ms).
    pub time: i64,
    /// The rule it broke.
    pub reason: Violation,
}

/// What became of a batch of received changes.
#[derive(Debug, Default)]
pub struct Admitted {
    /// Applied, in order (signature changes included).
    pub applied: Vec<ChangeHash>,
    /// Refused.
    pub refused: Vec<Refused>,
    /// Changes set aside because something they build on has not arrived (with their
    /// signature changes), to be offered again with the next batch.
    pub waiting: Vec<Change>,
    /// Every hash refused, signature changes included: what builds on them is refused too.
    pub refused_hashes: Vec<ChangeHash>,
}

/// How unsigned changes (written before signatures existed) are judged.
pub trait LegacyPolicy: Sync {
    /// Whether the unsigned `change` belongs to the history accepted at the upgrade.
    fn accepts(&self, change: &Change) -> bool;
}

/// Accepts every unsigned change as it is (no rules): for copies where one process plays
/// several members (tests of the sync layer), never for a device's received changes.
pub struct AcceptUnsigned;
impl LegacyPolicy for AcceptUnsigned {
    fn accepts(&self, _: &Change) -> bool {
        true
    }
}

/// Accepts no unsigned change.
pub struct NoLegacy;
impl LegacyPolicy for NoLegacy {
    fn accepts(&self, _: &Change) -> bool {
        false
    }
}

fn refusal(change: &Change, author: Option<MemberId>, reason: Violation) -> Refused {
    Refused {
        change: change.hash().to_string(),
        author,
        cmd: change.message().and_then(CommitMeta::parse).map(|m| m.cmd),
        time: change.timestamp(),
        reason,
    }
}

/// How a change's signature was established.
#[derive(Clone, Copy)]
enum Proof<'a> {
    /// Signature changes that arrived for it (any peer may send one: the one that is its
    /// canonical signature change and verifies counts).
    Own(&'a [Change]),
    /// A later signature of the same actor, already verified, whose past covers it: a
    /// signature covers the change's hash, which covers everything before it.
    Chain(bool),
    /// Its own signature change came and does not verify.
    Forged,
}

/// The key and member of each actor seen (decompressing a key and naming its member cost
/// more than the rest of a small change's checks).
#[derive(Default)]
struct Actors(HashMap<automerge::ActorId, Option<(VerifyingKey, MemberId)>>);

impl Actors {
    fn of(&mut self, actor: &automerge::ActorId) -> Option<(VerifyingKey, MemberId)> {
        self.0
            .entry(actor.clone())
            .or_insert_with(|| key_of_actor(actor).map(|k| (k, member_id_of_key(&k))))
            .clone()
    }
}

/// Judges one change whose deps are all in `doc`. A change with no deps creates the
/// community: only the first one may.
#[allow(clippy::too_many_arguments)]
fn judge(
    doc: &Automerge,
    change: &Change,
    proof: Proof<'_>,
    actors: &mut Actors,
    paths: &mut Paths<'_>,
    at: At<'_>,
    legacy: &dyn LegacyPolicy,
    may_create: bool,
) -> Result<Passed, Refused> {
    let Some((key, signer)) = actors.of(change.actor_id()) else {
        return if legacy.accepts(change) {
            // Unsigned history is accepted as it stands; it may touch anything.
            Ok(Passed {
                membership: true,
                made: Vec::new(),
            })
        } else {
            Err(refusal(change, None, Violation::Unsigned))
        };
    };
    // Until its signature verifies, the change names no one: anyone can write any actor.
    let unproven = |v| Err(refusal(change, None, v));
    match proof {
        Proof::Own([]) | Proof::Chain(false) => return unproven(Violation::MissingSignature),
        Proof::Forged => return unproven(Violation::BadSignature),
        Proof::Own(sigs) if !sigs.iter().any(|s| verifies(change, s, &key)) => {
            return unproven(Violation::BadSignature);
        }
        _ => {}
    }
    let fail = |v| Err(refusal(change, Some(signer.clone()), v));
    if let Some(meta) = change.message().and_then(CommitMeta::parse)
        && meta.by != signer
    {
        return fail(Violation::WrongAuthorName);
    }
    if change.deps().is_empty() && !may_create {
        return fail(Violation::Recreation);
    }
    match check_ops(doc, change, &signer, paths, at) {
        Ok(passed) => Ok(passed),
        Err(v) => fail(v),
    }
}

/// Checks `incoming` and applies what passes to `doc`, in causal order. `was_refused`
/// names changes refused before (what builds on them is refused too).
///
/// Changes that passed are applied together (one Automerge call per batch rather than per
/// change: a reconnect brings hundreds). A change whose deps passed but wait to be applied
/// is judged at the applied part of its past while no waiting change touches membership or
/// invites (`rules::At`); if that judgment is not a plain pass, the waiting changes are
/// applied and it is judged again at its own deps.
pub fn admit(
    doc: &mut Automerge,
    incoming: Vec<Change>,
    was_refused: &dyn Fn(&ChangeHash) -> bool,
    legacy: &dyn LegacyPolicy,
) -> Result<Admitted, AutomergeError> {
    let mut out = Admitted::default();
    let mut sigs: HashMap<ChangeHash, Vec<Change>> = HashMap::new();
    let mut pending: BTreeMap<ChangeHash, Change> = BTreeMap::new();
    for c in incoming {
        if doc.get_change_by_hash(&c.hash()).is_some() {
            continue;
        }
        match read_signature(&c) {
            Some(s) => {
                sigs.entry(s.target).or_default().push(c);
            }
            None => {
                pending.insert(c.hash(), c);
            }
        }
    }
    let mut refused: HashSet<ChangeHash> = HashSet::new();
    let mut actors = Actors::default();
    let mut cache = PathCache::default();
    let mut ahead = Ahead::default();
    // Repeated passes in a stable order; each takes whatever has its deps by now.
    loop {
        let mut progress = false;
        let hashes: Vec<ChangeHash> = pending.keys().copied().collect();
        for h in hashes {
            let Some(c) = pending.get(&h) else { continue };
            if c.deps()
                .iter()
                .any(|d| refused.contains(d) || was_refused(d))
            {
                let c = pending.remove(&h).unwrap_or_else(|| unreachable!());
                let author = actors.of(c.actor_id()).map(|(_, m)| m);
                out.refused
                    .push(refusal(&c, author, Violation::DependsOnRefused));
                for s in sigs.remove(&h).unwrap_or_default() {
                    refused.insert(s.hash());
                }
                refused.insert(h);
                progress = true;
                continue;
            }
            let in_doc = |d: &ChangeHash| doc.get_change_by_hash(d).is_some();
            if !c
                .deps()
                .iter()
                .all(|d| in_doc(d) || ahead.frontier.contains_key(d))
            {
                continue;
            }
            let proof = Proof::Own(sigs.get(&h).map_or(&[], Vec::as_slice));
            let mut verdict = None;
            if !c.deps().iter().all(in_doc) && !ahead.membership {
                // Judged ahead at the applied part of its past; only a pass counts.
                let heads = ahead.applied_past(c.deps());
                let at = At {
                    heads: &heads,
                    exact: false,
                    made_ahead: &ahead.made,
                };
                let mut paths = Paths::new(doc, &mut cache);
                if let Ok(passed) = judge(doc, c, proof, &mut actors, &mut paths, at, legacy, false)
                {
                    verdict = Some((Ok(passed), heads));
                }
            }
            let (verdict, heads) = match verdict {
                Some(v) => v,
                None => {
                    ahead.apply(doc, &mut out)?;
                    let c = &pending[&h];
                    let may_create = doc.get_heads().is_empty();
                    let at = At {
                        heads: c.deps(),
                        exact: true,
                        made_ahead: &HashSet::new(),
                    };
                    let mut paths = Paths::new(doc, &mut cache);
                    let v = judge(
                        doc,
                        c,
                        proof,
                        &mut actors,
                        &mut paths,
                        at,
                        legacy,
                        may_create,
                    );
                    (v, c.deps().to_vec())
                }
            };
            match verdict {
                Ok(passed) => {
                    let c = pending.remove(&h).unwrap_or_else(|| unreachable!());
                    // The signature change that verified (none for accepted unsigned history).
                    let sig = match actors.of(c.actor_id()) {
                        Some((key, _)) => sigs
                            .remove(&h)
                            .and_then(|all| all.into_iter().find(|s| verifies(&c, s, &key))),
                        None => None,
                    };
                    ahead.take(c, sig, heads, passed);
                }
                Err(r) if r.reason == Violation::Unknown(UNKNOWN_OBJECT.into()) => {
                    // Waits for the object (see `UNKNOWN_OBJECT`); tried again with the
                    // next batch. Not progress: it stays pending.
                    continue;
                }
                Err(r) => {
                    let c = pending.remove(&h).unwrap_or_else(|| unreachable!());
                    let candidates = sigs.remove(&h).unwrap_or_default();
                    out.refused.push(r.clone());
                    // Refused for what it does: it, its signature and what builds on them
                    // stay out. Refused for want of a valid signature: another peer may
                    // still bring the right one, so only this attempt is dropped.
                    if r.author.is_some() || r.reason == Violation::Unsigned {
                        refused.insert(h);
                        if let Some((key, _)) = actors.of(c.actor_id()) {
                            refused.extend(
                                candidates
                                    .iter()
                                    .filter(|s| verifies(&c, s, &key))
                                    .map(Change::hash),
                            );
                        }
                    }
                }
            }
            progress = true;
        }
        if !progress {
            break;
        }
    }
    ahead.apply(doc, &mut out)?;
    out.waiting = pending.into_values().collect();
    out.waiting.extend(sigs.into_values().flatten());
    out.refused_hashes = refused.into_iter().collect();
    out.refused_hashes.sort();
    Ok(out)
}

/// Changes that passed and wait to be applied together.
#[derive(Default)]
struct Ahead {
    changes: Vec<Change>,
    /// For each waiting change (and its signature change): the applied part of its past.
    frontier: HashMap<ChangeHash, Vec<ChangeHash>>,
    /// A waiting change touches membership or invites: nothing more is judged ahead.
    membership: bool,
    /// Records the waiting changes make.
    made: HashSet<(String, String)>,
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
        self.membership |= passed.membership;
        self.made.extend(passed.made);
        self.changes.push(c);
        self.changes.extend(sig);
    }

    fn apply(&mut self, doc: &mut Automerge, out: &mut Admitted) -> Result<(), AutomergeError> {
        if self.changes.is_empty() {
            return Ok(());
        }
        let changes = std::mem::take(&mut self.changes);
        out.applied.extend(changes.iter().map(Change::hash));
        self.frontier.clear();
        self.membership = false;
        self.made.clear();
        doc.apply_changes(changes)
    }
}

/// Checks a whole document received from outside (a join or an import): every change in
/// causal order; unsigned history passes where a coordinator's seal covers it
/// ([`SealedHistory`]). Returns the document itself if all pass, else one holding only
/// what passed.
///
/// Signatures: an actor's changes form a chain (each one's deps cover the one before), so
/// one verified signature of an actor covers every earlier change of it. Only the latest
/// signature per actor is verified (all of them, if that one fails). The rules are checked
/// for every change, on all cores: each change is judged against the loaded document at
/// its own deps, so the judgments are independent; what builds on a refused change is
/// refused in a last pass in causal order.
pub fn verify_document(doc: Automerge) -> Result<(Automerge, Vec<Refused>), AutomergeError> {
    let changes: Vec<Change> = doc.get_changes(&[]);
    let sig_of: Vec<Option<SignatureOf>> = changes.iter().map(read_signature).collect();
    let legacy = SealedHistory::of(&doc, &changes);
    let by_hash: HashMap<ChangeHash, &Change> = changes.iter().map(|c| (c.hash(), c)).collect();
    // The canonical signature changes, and the changes that have theirs.
    let mut canonical: HashSet<ChangeHash> = HashSet::new();
    let mut own_sig: HashSet<ChangeHash> = HashSet::new();
    for (s, sig) in changes.iter().zip(&sig_of) {
        if let Some(sig) = sig
            && let Some(t) = by_hash.get(&sig.target)
            && canonical_for(t, s)
        {
            canonical.insert(s.hash());
            own_sig.insert(t.hash());
        }
    }
    let mut actors = Actors::default();
    let covered = signed_chains(&changes, &sig_of, &by_hash, &mut actors);
    let with_sig: HashSet<ChangeHash> = sig_of.iter().flatten().map(|s| s.target).collect();
    let to_judge: Vec<usize> = (0..changes.len())
        .filter(|i| sig_of[*i].is_none())
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let chunk = to_judge.len().div_ceil(threads).max(1);
    let judged: Vec<(usize, Result<(), Refused>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = to_judge
            .chunks(chunk)
            .map(|part| {
                let (doc, changes, covered, with_sig, legacy) =
                    (&doc, &changes, &covered, &with_sig, &legacy);
                scope.spawn(move || {
                    let mut actors = Actors::default();
                    let mut cache = PathCache::default();
                    let mut paths = Paths::new(doc, &mut cache);
                    part.iter()
                        .map(|&i| {
                            let c = &changes[i];
                            let proof = match covered.get(c.actor_id()) {
                                Some(Coverage::UpTo(seq)) => Proof::Chain(c.seq() <= *seq),
                                Some(Coverage::Each(valid)) => {
                                    if valid.contains(&c.hash()) {
                                        Proof::Chain(true)
                                    } else if with_sig.contains(&c.hash()) {
                                        Proof::Forged
                                    } else {
                                        Proof::Chain(false)
                                    }
                                }
                                None => Proof::Chain(false),
                            };
                            let none = HashSet::new();
                            let at = At {
                                heads: c.deps(),
                                exact: true,
                                made_ahead: &none,
                            };
                            // A panic on one change refuses that change, never its
                            // neighbours (whose set would depend on the core count).
                            let v = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                judge(doc, c, proof, &mut actors, &mut paths, at, legacy, true)
                            }))
                            .unwrap_or_else(|_| {
                                Err(refusal(c, None, Violation::Malformed("change".into())))
                            });
                            (i, v.map(|_| ()))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let mut verdicts: Vec<Option<Result<(), Refused>>> = vec![None; changes.len()];
    for (i, v) in judged {
        verdicts[i] = Some(v);
    }
    let mut refused: HashSet<ChangeHash> = HashSet::new();
    let mut out = Vec::new();
    let mut seen_creation = false;
    for (i, c) in changes.iter().enumerate() {
        let h = c.hash();
        if let Some(s) = &sig_of[i] {
            // Judged with the change it signs; one that is not that change's own canonical
            // signature change has no place in the document.
            if refused.contains(&s.target) || refused.contains(&h) {
                refused.insert(h);
            } else if !canonical.contains(&h) {
                out.push(refusal(c, None, Violation::BadSignature));
                refused.insert(h);
            }
            continue;
        }
        if !own_sig.contains(&h) && is_signing_actor(c.actor_id()) {
            out.push(refusal(c, None, Violation::MissingSignature));
            refused.insert(h);
            continue;
        }
        let mut author = || actors.of(c.actor_id()).map(|(_, m)| m);
        let verdict = if c.deps().iter().any(|d| refused.contains(d)) {
            Err(refusal(c, author(), Violation::DependsOnRefused))
        } else if c.deps().is_empty() && seen_creation {
            Err(refusal(c, author(), Violation::Recreation))
        } else {
            match verdicts[i].take() {
                Some(v) => v,
                None => Err(refusal(c, author(), Violation::MissingSignature)),
            }
        };
        seen_creation |= c.deps().is_empty();
        if let Err(r) = verdict {
            out.push(r);
            refused.insert(h);
        }
    }
    if out.is_empty() {
        return Ok((doc, out));
    }
    let mut clean = Automerge::new();
    let kept: Vec<Change> = changes
        .into_iter()
        .filter(|c| !refused.contains(&c.hash()))
        .collect();
    clean.apply_changes(kept)?;
    Ok((clean, out))
}

/// Which of an actor's changes a verified signature covers.
enum Coverage {
    /// Every change up to this sequence number (its latest signature verified).
    UpTo(u64),
    /// Its latest signature failed: exactly the changes whose own signature verifies.
    Each(HashSet<ChangeHash>),
}

/// Per signing actor, what its signatures cover.
fn signed_chains(
    changes: &[Change],
    sig_of: &[Option<SignatureOf>],
    by_hash: &HashMap<ChangeHash, &Change>,
    actors: &mut Actors,
) -> HashMap<automerge::ActorId, Coverage> {
    let mut latest: HashMap<&automerge::ActorId, (&Change, &Change)> = HashMap::new();
    let mut all: HashMap<&automerge::ActorId, Vec<(&Change, &Change)>> = HashMap::new();
    for (s, sig) in changes.iter().zip(sig_of) {
        let Some(sig) = sig else {
            continue;
        };
        let Some(target) = by_hash.get(&sig.target) else {
            continue;
        };
        all.entry(s.actor_id()).or_default().push((*target, s));
        let e = latest.entry(s.actor_id()).or_insert((*target, s));
        if s.seq() > e.1.seq() {
            *e = (*target, s);
        }
    }
    let mut out = HashMap::new();
    for (actor, (target, sig)) in latest {
        let Some((key, _)) = actors.of(actor) else {
            continue;
        };
        let coverage = if verifies(target, sig, &key) {
            Coverage::UpTo(target.seq())
        } else {
            Coverage::Each(
                all[actor]
                    .iter()
                    .filter(|(t, s)| verifies(t, s, &key))
                    .map(|(t, _)| t.hash())
                    .collect(),
            )
        };
        out.insert(actor.clone(), coverage);
    }
    out
}
