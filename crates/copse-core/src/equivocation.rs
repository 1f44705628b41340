//! Equivocation: two different changes signed by one key at one place (actor and sequence
//! number). Automerge holds one change per place, so devices that received different ones
//! could never merge again. Every device decides alike, from the two changes alone: the
//! one with the smaller hash is kept; the other, and everything built on it, leaves every
//! copy (a device holding it rebuilds its document without them, and its member writes
//! again what of theirs was lost). The proof (the dropped change, its signature, and the
//! kept change's hash) goes into the document with the equivocating member's removal, so
//! that devices which only ever saw one side learn it too.

use std::collections::HashSet;

use automerge::{Automerge, AutomergeError, Change, ChangeHash};
use ed25519_dalek::Signature;

use crate::MemberId;
use crate::change_chunk::parse_changes;
use crate::guard::bounds::MAX_CHANGE_BYTES;
use crate::guard::identity::{key_of_actor, member_id_of_key};
use crate::guard::signature::signed_bytes;

/// The largest proof: it goes into one change with the removal, which must stay within
/// the bound of a change. A dropped change too large to prove this way (it would have to
/// be made incompressible on purpose) is still dropped everywhere; its author's removal
/// then needs a coordinator.
pub const MAX_PROOF_BYTES: usize = MAX_CHANGE_BYTES - (64 << 10);

/// Which of two changes at one place every device keeps: the smaller hash.
pub fn kept_of(a: ChangeHash, b: ChangeHash) -> ChangeHash {
    a.min(b)
}

/// `roots` and every change of `doc` built on one of them.
pub fn built_on(doc: &Automerge, roots: &HashSet<ChangeHash>) -> HashSet<ChangeHash> {
    let mut out = roots.clone();
    let metas = doc.get_changes_meta(&[]);
    // Automerge lists changes in causal order, so one pass is enough; passes repeat only
    // should it not.
    loop {
        let before = out.len();
        for meta in &metas {
            if !out.contains(&meta.hash) && meta.deps.iter().any(|d| out.contains(d)) {
                out.insert(meta.hash);
            }
        }
        if out.len() == before {
            return out;
        }
    }
}

/// `doc` without the changes in `dropped` (which must hold everything built on them, see
/// [`built_on`]), with the same actor; and the dropped changes, in causal order.
pub fn rebuilt_without(
    doc: &Automerge,
    dropped: &HashSet<ChangeHash>,
) -> Result<(Automerge, Vec<Change>), AutomergeError> {
    let (gone, kept): (Vec<Change>, Vec<Change>) = doc
        .get_changes(&[])
        .into_iter()
        .partition(|c| dropped.contains(&c.hash()));
    let mut out = Automerge::new();
    out.set_actor(doc.get_actor().clone());
    out.apply_changes(kept)?;
    Ok((out, gone))
}

/// Why bytes are not a proof of equivocation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// Not laid out as a proof.
    #[error("not a proof of equivocation: {0}")]
    Malformed(String),
    /// Laid out as one, but it proves nothing against this member.
    #[error("the proof does not hold: {0}")]
    False(&'static str),
}

/// A proof that a member's key signed two different changes at one place.
#[derive(Debug, Clone)]
pub struct Proof {
    /// The change every device keeps (held in the document).
    pub kept: ChangeHash,
    /// The other one, which no device keeps.
    pub dropped: Change,
    /// The dropped change's signature (its signature change's).
    pub signature: [u8; 64],
}

impl PartialEq for Proof {
    fn eq(&self, other: &Self) -> bool {
        self.kept == other.kept
            && self.dropped.hash() == other.dropped.hash()
            && self.signature == other.signature
    }
}

impl Eq for Proof {}

impl Proof {
    /// The bytes written into the document: the kept change's hash, the signature, then
    /// the dropped change's (compressed) chunk.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut dropped = self.dropped.clone();
        let chunk = dropped.bytes();
        let mut out = Vec::with_capacity(96 + chunk.len());
        out.extend_from_slice(&self.kept.0);
        out.extend_from_slice(&self.signature);
        out.extend_from_slice(&chunk);
        out
    }

    /// Reads a proof, decompressing its change only within the bound of a change.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ProofError> {
        let bad = |why: &str| ProofError::Malformed(why.to_owned());
        if bytes.len() > MAX_PROOF_BYTES {
            return Err(bad("too large"));
        }
        if bytes.len() < 96 {
            return Err(bad("too short"));
        }
        let kept = ChangeHash(bytes[..32].try_into().map_err(|_| bad("hash"))?);
        let signature: [u8; 64] = bytes[32..96].try_into().map_err(|_| bad("signature"))?;
        let mut changes = parse_changes(&bytes[96..]).map_err(|e| ProofError::Malformed(e.0))?;
        if changes.len() != 1 {
            return Err(bad("not one change"));
        }
        let dropped = changes.remove(0);
        Ok(Self {
            kept,
            dropped,
            signature,
        })
    }

    /// The member the proof holds against, checked with what `doc` holds: the kept change
    /// is in `doc`, at the dropped change's place, and differs from it; the dropped change
    /// is signed by the key of its actor.
    pub fn holds(&self, doc: &Automerge) -> Result<MemberId, ProofError> {
        let d = &self.dropped;
        if d.hash() == self.kept {
            return Err(ProofError::False("the two changes are one"));
        }
        let kept = doc
            .get_change_meta_by_hash(&self.kept)
            .ok_or(ProofError::False("the kept change is not held"))?;
        if kept.actor.as_ref() != d.actor_id() || kept.seq != d.seq() {
            return Err(ProofError::False("the two changes are at different places"));
        }
        let key = key_of_actor(d.actor_id()).ok_or(ProofError::False("an unsigned actor"))?;
        key.verify_strict(
            &signed_bytes(&d.hash()),
            &Signature::from_bytes(&self.signature),
        )
        .map_err(|_| ProofError::False("the signature does not verify"))?;
        Ok(member_id_of_key(&key))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use automerge::transaction::Transactable;

    fn doc_with(actor: &[u8], value: i64) -> Automerge {
        let mut doc = Automerge::new();
        doc.set_actor(automerge::ActorId::from(actor));
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, "x", value).unwrap();
        tx.commit();
        doc
    }

    #[test]
    fn a_rebuild_drops_exactly_what_builds_on_the_dropped_change() {
        let mut doc = doc_with(b"a", 1);
        let first = doc.get_heads()[0];
        let mut other = doc.fork();
        other.set_actor(automerge::ActorId::from(b"b".as_slice()));
        let mut tx = other.transaction();
        tx.put(automerge::ROOT, "y", 2).unwrap();
        tx.commit();
        let side = other.get_heads()[0];
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, "z", 3).unwrap();
        tx.commit();
        let own = doc.get_heads()[0];
        doc.merge(&mut other).unwrap();
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, "w", 4).unwrap();
        tx.commit();
        let after_merge = doc.get_heads()[0];

        let dropped = built_on(&doc, &HashSet::from([side]));
        assert_eq!(dropped, HashSet::from([side, after_merge]));
        let (rebuilt, gone) = rebuilt_without(&doc, &dropped).unwrap();
        assert_eq!(rebuilt.get_heads(), vec![own]);
        assert!(rebuilt.get_change_meta_by_hash(&first).is_some());
        assert_eq!(
            gone.iter().map(Change::hash).collect::<Vec<_>>(),
            vec![side, after_merge]
        );
        assert_eq!(rebuilt.get_actor(), doc.get_actor());
    }

    #[test]
    fn the_kept_change_is_the_same_whichever_side_decides() {
        let a = doc_with(b"a", 1).get_heads()[0];
        let b = doc_with(b"a", 2).get_heads()[0];
        assert_eq!(kept_of(a, b), kept_of(b, a));
    }

    #[test]
    fn malformed_proofs_are_refused_before_anything_is_decompressed_past_the_bound() {
        assert!(Proof::from_bytes(&[0; 10]).is_err());
        assert!(Proof::from_bytes(&vec![0; MAX_PROOF_BYTES + 1]).is_err());
        let mut bytes = vec![0u8; 96];
        bytes.extend_from_slice(b"not a change");
        assert!(matches!(
            Proof::from_bytes(&bytes),
            Err(ProofError::Malformed(_))
        ));
    }
}
