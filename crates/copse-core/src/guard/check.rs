//! Admitting received changes: each is checked (signature, then rules as of its deps)
//! before it is applied; refused ones, and whatever builds on them, never enter the
//! document, so they are never relayed either.

use std::collections::{BTreeMap, HashMap, HashSet};

use automerge::{Automerge, AutomergeError, Change, ChangeHash, ReadDoc};
use serde::{Deserialize, Serialize};

use super::identity::{key_of_actor, member_id_of_key};
use super::legacy::SealedHistory;
use super::rules::check_ops;
use super::signature::{read_signature, verifies};
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
pub trait LegacyPolicy {
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

/// Judges one change whose deps are all in `doc`; `sig` is its signature change if one
/// came. A change with no deps creates the community: only the first one may.
fn judge(
    doc: &Automerge,
    change: &Change,
    sig: Option<&Change>,
    legacy: &dyn LegacyPolicy,
    may_create: bool,
) -> Result<(), Refused> {
    let Some(key) = key_of_actor(change.actor_id()) else {
        return if legacy.accepts(change) {
            Ok(())
        } else {
            Err(refusal(change, None, Violation::Unsigned))
        };
    };
    let signer = member_id_of_key(&key);
    let fail = |v| Err(refusal(change, Some(signer.clone()), v));
    let Some(sig) = sig else {
        return fail(Violation::MissingSignature);
    };
    if !verifies(change, sig, &key) {
        return fail(Violation::BadSignature);
    }
    if let Some(meta) = change.message().and_then(CommitMeta::parse)
        && meta.by != signer
    {
        return fail(Violation::WrongAuthorName);
    }
    if change.deps().is_empty() && !may_create {
        return fail(Violation::Recreation);
    }
    match check_ops(doc, change, &signer) {
        Ok(()) => Ok(()),
        Err(v) => fail(v),
    }
}

/// Checks `incoming` and applies what passes to `doc`, in causal order. `was_refused`
/// names changes refused before (what builds on them is refused too).
pub fn admit(
    doc: &mut Automerge,
    incoming: Vec<Change>,
    was_refused: &dyn Fn(&ChangeHash) -> bool,
    legacy: &dyn LegacyPolicy,
) -> Result<Admitted, AutomergeError> {
    let mut out = Admitted::default();
    let mut sigs: HashMap<ChangeHash, Change> = HashMap::new();
    let mut pending: BTreeMap<ChangeHash, Change> = BTreeMap::new();
    for c in incoming {
        if doc.get_change_by_hash(&c.hash()).is_some() {
            continue;
        }
        match read_signature(&c) {
            Some(s) => {
                sigs.insert(s.target, c);
            }
            None => {
                pending.insert(c.hash(), c);
            }
        }
    }
    let mut refused: HashSet<ChangeHash> = HashSet::new();
    // Repeated passes in a stable order; each applies whatever has its deps by now.
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
                let author = key_of_actor(c.actor_id()).map(|k| member_id_of_key(&k));
                out.refused
                    .push(refusal(&c, author, Violation::DependsOnRefused));
                if let Some(s) = sigs.remove(&h) {
                    refused.insert(s.hash());
                }
                refused.insert(h);
                progress = true;
                continue;
            }
            if c.deps().iter().any(|d| doc.get_change_by_hash(d).is_none()) {
                continue;
            }
            let sig = sigs.get(&h);
            let may_create = doc.get_heads().is_empty();
            match judge(doc, c, sig, legacy, may_create) {
                Ok(()) => {
                    let c = pending.remove(&h).unwrap_or_else(|| unreachable!());
                    let mut batch = vec![c];
                    if key_of_actor(batch[0].actor_id()).is_some()
                        && let Some(s) = sigs.remove(&h)
                    {
                        batch.push(s);
                    }
                    let hashes: Vec<ChangeHash> = batch.iter().map(Change::hash).collect();
                    doc.apply_changes(batch)?;
                    out.applied.extend(hashes);
                }
                Err(r) => {
                    pending.remove(&h);
                    if let Some(s) = sigs.remove(&h) {
                        refused.insert(s.hash());
                    }
                    out.refused.push(r);
                    refused.insert(h);
                }
            }
            progress = true;
        }
        if !progress {
            break;
        }
    }
    out.waiting = pending.into_values().collect();
    out.waiting.extend(sigs.into_values());
    out.refused_hashes = refused.into_iter().collect();
    out.refused_hashes.sort();
    Ok(out)
}

/// Checks a whole document received from outside (a join or an import): every change in
/// causal order; unsigned history passes where a coordinator's seal covers it
/// ([`SealedHistory`]). Returns the document itself if all pass, else one holding only
/// what passed.
pub fn verify_document(doc: Automerge) -> Result<(Automerge, Vec<Refused>), AutomergeError> {
    let changes: Vec<Change> = doc.get_changes(&[]);
    let legacy = SealedHistory::of(&doc, &changes);
    let legacy: &dyn LegacyPolicy = &legacy;
    let mut sigs: HashMap<ChangeHash, &Change> = HashMap::new();
    for c in &changes {
        if let Some(s) = read_signature(c) {
            sigs.insert(s.target, c);
        }
    }
    let mut refused: HashSet<ChangeHash> = HashSet::new();
    let mut out = Vec::new();
    let mut seen_creation = false;
    for c in &changes {
        let h = c.hash();
        if let Some(s) = read_signature(c) {
            // Judged with the change it signs.
            if refused.contains(&s.target) {
                refused.insert(h);
            }
            continue;
        }
        if c.deps().iter().any(|d| refused.contains(d)) {
            let author = key_of_actor(c.actor_id()).map(|k| member_id_of_key(&k));
            out.push(refusal(c, author, Violation::DependsOnRefused));
            refused.insert(h);
            continue;
        }
        let verdict = judge(&doc, c, sigs.get(&h).copied(), legacy, !seen_creation);
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
