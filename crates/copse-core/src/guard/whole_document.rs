//! Checking a whole document received from outside (a join or an import): every change
//! in causal order, signatures verified once per actor chain, the rules on all cores.

use std::collections::{HashMap, HashSet};

use automerge::{Automerge, AutomergeError, Change, ChangeHash};

use super::bounds;
use super::identity::is_signing_actor;
use super::judge::{Actors, Judge};
use super::legacy::SealedHistory;
use super::paths::{PathCache, Paths};
use super::rules::At;
use super::signature::{SignatureOf, canonical_for, read_signature, verifies};
use super::verdict::{Proof, Refused, Verdict, refusal};
use super::violation::Violation;

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
    let deps_max_op = |c: &Change| {
        c.deps()
            .iter()
            .filter_map(|d| by_hash.get(d).map(|d| d.max_op()))
            .max()
            .unwrap_or(0)
    };
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
                let (doc, changes, covered, with_sig, legacy, deps_max_op) =
                    (&doc, &changes, &covered, &with_sig, &legacy, &deps_max_op);
                scope.spawn(move || {
                    let mut actors = Actors::default();
                    let mut cache = PathCache::default();
                    let mut paths = Paths::new(doc, &mut cache);
                    part.iter()
                        .map(|&i| {
                            let c = &changes[i];
                            let proof = match covered.get(c.actor_id()) {
                                Some(Coverage::UpTo(seq)) if c.seq() <= *seq => Proof::Verified,
                                Some(Coverage::Each(valid)) if valid.contains(&c.hash()) => {
                                    Proof::Verified
                                }
                                Some(Coverage::Each(_)) if with_sig.contains(&c.hash()) => {
                                    Proof::Forged
                                }
                                _ => Proof::Missing,
                            };
                            let none = HashSet::new();
                            let at = At {
                                heads: c.deps(),
                                exact: true,
                                deps_max_op: deps_max_op(c),
                                made_ahead: &none,
                            };
                            // A panic on one change refuses that change, never its
                            // neighbours (whose set would depend on the core count).
                            let v = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                let mut judge = Judge {
                                    doc,
                                    actors: &mut actors,
                                    paths: &mut paths,
                                    legacy,
                                };
                                judge.judge(c, proof, at, true)
                            }))
                            .unwrap_or_else(|_| {
                                Verdict::Refuse(refusal(
                                    c,
                                    None,
                                    Violation::Malformed("change".into()),
                                ))
                            });
                            (i, settled(c, v, &mut actors))
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
    // Numbering is judged over what passes, as on the sync path (where refused changes
    // never count): settle the rest, then refuse what starts past every counter of what
    // was kept, and settle again until nothing more is refused.
    let mut out_of_sequence: HashSet<ChangeHash> = HashSet::new();
    let (refused, out) = loop {
        let (refused, out) = settle_in_causal_order(
            &changes,
            &sig_of,
            &canonical,
            &own_sig,
            &verdicts,
            &out_of_sequence,
            &mut actors,
        );
        let kept = changes.iter().filter(|c| !refused.contains(&c.hash()));
        let more = numbered_past_history(kept);
        if more.is_empty() {
            break (refused, out);
        }
        out_of_sequence.extend(more);
    };
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

/// The final pass, in causal order: signature changes with what they sign, what builds on
/// a refused change, a second creation, changes numbered out of sequence, then each
/// change's own verdict. Returns the refused hashes and the refusals.
#[allow(clippy::too_many_arguments)]
fn settle_in_causal_order(
    changes: &[Change],
    sig_of: &[Option<SignatureOf>],
    canonical: &HashSet<ChangeHash>,
    own_sig: &HashSet<ChangeHash>,
    verdicts: &[Option<Result<(), Refused>>],
    out_of_sequence: &HashSet<ChangeHash>,
    actors: &mut Actors,
) -> (HashSet<ChangeHash>, Vec<Refused>) {
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
        } else if out_of_sequence.contains(&h) {
            Err(refusal(c, author(), Violation::OpNumbering))
        } else {
            match verdicts[i].clone() {
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
    (refused, out)
}

/// The changes numbered past all the history that could lead to them
/// (`bounds::numbered_from_held`): in order of their first operation, each must start at
/// most one past the largest counter of those before it. Nothing more will arrive for
/// them, so they are refused.
fn numbered_past_history<'a>(changes: impl Iterator<Item = &'a Change>) -> HashSet<ChangeHash> {
    let mut order: Vec<&Change> = changes.collect();
    order.sort_by_key(|c| c.start_op());
    let mut top = 0;
    let mut out = HashSet::new();
    for c in order {
        if bounds::numbered_from_held(c, top) {
            top = top.max(c.max_op());
        } else {
            out.insert(c.hash());
        }
    }
    out
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

/// A verdict in a whole document: every object is in it, so a change that writes into one
/// that is not was made against no copy (and no change there is judged ahead).
fn settled(c: &Change, verdict: Verdict, actors: &mut Actors) -> Result<(), Refused> {
    let mut author = || actors.of(c.actor_id()).map(|(_, m)| m);
    match verdict {
        Verdict::Pass(_) => Ok(()),
        Verdict::Refuse(r) => Err(r),
        Verdict::WaitForObject(_) => Err(refusal(c, author(), Violation::MissingObject)),
        Verdict::Unsure => Err(refusal(
            c,
            author(),
            Violation::Unknown("a change the rules could not decide".into()),
        )),
    }
}
