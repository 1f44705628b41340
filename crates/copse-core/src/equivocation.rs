//! Equivocation: two different changes signed by one key at one place (actor and sequence
//! number). Automerge holds one change per place, so devices that received different ones
//! could never merge again. Every device decides alike, whatever it saw first: no change
//! at that place stays. A device holding one drops it and every change built on it
//! (rebuilding its document without them, its member writing again what of theirs was
//! lost), refuses the other, and from then on refuses any change at that place, so a
//! member who makes more versions of one change costs each device one rebuild, not one
//! per version. The proof (both changes with their signatures) goes into the document
//! with the equivocating member's removal, so that devices which only ever saw one side
//! learn it too, and drop the one they hold.

use std::collections::HashSet;

use automerge::{ActorId, Automerge, AutomergeError, Change, ChangeHash};
use ed25519_dalek::Signature;

use crate::MemberId;
use crate::change_chunk::parse_changes;
use crate::guard::bounds::{MAX_CHANGE_BYTES, MAX_CONTENT_BYTES};
use crate::guard::identity::{key_of_actor, member_id_of_key};
use crate::guard::signature::signed_bytes;

/// The largest proof: it goes into one change with the removal, which must stay within
/// the bound of a change; two changes of the largest size content may have fit.
pub const MAX_PROOF_BYTES: usize = MAX_CHANGE_BYTES - (32 << 10);

/// A place: an actor and one of its sequence numbers.
pub type Place = (ActorId, u64);

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
    /// Laid out as one, but it proves nothing.
    #[error("the proof does not hold: {0}")]
    False(&'static str),
}

/// A proof that a member's key signed two different changes at one place: both changes
/// with their signatures (in hash order, so one pair has one proof).
#[derive(Debug, Clone)]
pub struct Proof {
    changes: [(Change, [u8; 64]); 2],
}

impl PartialEq for Proof {
    fn eq(&self, other: &Self) -> bool {
        self.hashes() == other.hashes()
    }
}

impl Eq for Proof {}

impl Proof {
    /// The proof of `a` and `b` with their signatures.
    pub fn new(a: (Change, [u8; 64]), b: (Change, [u8; 64])) -> Self {
        let changes = if a.0.hash() <= b.0.hash() {
            [a, b]
        } else {
            [b, a]
        };
        Self { changes }
    }

    /// The two changes' hashes.
    pub fn hashes(&self) -> [ChangeHash; 2] {
        [self.changes[0].0.hash(), self.changes[1].0.hash()]
    }

    /// Where both were written.
    pub fn place(&self) -> Place {
        let c = &self.changes[0].0;
        (c.actor_id().clone(), c.seq())
    }

    /// The bytes written into the document: for each change, its signature (64 bytes),
    /// the length of its chunk (4 bytes, big-endian), then the chunk as it was hashed.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (c, sig) in &self.changes {
            let chunk = c.raw_bytes();
            out.extend_from_slice(sig);
            out.extend_from_slice(&u32::try_from(chunk.len()).unwrap_or(u32::MAX).to_be_bytes());
            out.extend_from_slice(chunk);
        }
        out
    }

    /// Reads a proof, decompressing its changes only within the bound of a change.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ProofError> {
        let bad = |why: &str| ProofError::Malformed(why.to_owned());
        if bytes.len() > MAX_PROOF_BYTES {
            return Err(bad("too large"));
        }
        let mut rest = bytes;
        let mut read = || -> Result<(Change, [u8; 64]), ProofError> {
            if rest.len() < 68 {
                return Err(bad("too short"));
            }
            let sig: [u8; 64] = rest[..64].try_into().map_err(|_| bad("signature"))?;
            let len = u32::from_be_bytes(rest[64..68].try_into().map_err(|_| bad("length"))?);
            let len = usize::try_from(len).map_err(|_| bad("length"))?;
            let end = 68usize
                .checked_add(len)
                .filter(|e| *e <= rest.len())
                .ok_or_else(|| bad("runs past the end"))?;
            let mut changes =
                parse_changes(&rest[68..end]).map_err(|e| ProofError::Malformed(e.0))?;
            rest = &rest[end..];
            if changes.len() != 1 {
                return Err(bad("not one change"));
            }
            Ok((changes.remove(0), sig))
        };
        let a = read()?;
        let b = read()?;
        if !rest.is_empty() {
            return Err(bad("bytes after the second change"));
        }
        Ok(Self::new(a, b))
    }

    /// The member the proof holds against, from the proof alone: two different changes at
    /// one place, each signed by the key of that place's actor.
    pub fn holds(&self) -> Result<MemberId, ProofError> {
        let [(a, a_sig), (b, b_sig)] = &self.changes;
        if a.hash() == b.hash() {
            return Err(ProofError::False("the two changes are one"));
        }
        if a.actor_id() != b.actor_id() || a.seq() != b.seq() {
            return Err(ProofError::False("the two changes are at different places"));
        }
        let key = key_of_actor(a.actor_id()).ok_or(ProofError::False("an unsigned actor"))?;
        for (c, sig) in [(a, a_sig), (b, b_sig)] {
            if c.raw_bytes().len() > MAX_CONTENT_BYTES {
                return Err(ProofError::False("a change larger than any that passes"));
            }
            key.verify_strict(&signed_bytes(&c.hash()), &Signature::from_bytes(sig))
                .map_err(|_| ProofError::False("a signature does not verify"))?;
        }
        Ok(member_id_of_key(&key))
    }
}

/// The places named by proofs of equivocation that hold, among the values `c` writes
/// under an `equivocation` key: what a change carrying them (taken or refused: a proof is
/// evidence whoever carries it) tells a device to drop and refuse.
pub(crate) fn proven_by(c: &Change) -> Vec<Place> {
    use automerge::legacy::{Key, OpType};
    // Keys are stored as they are: a change that names no such key is not decoded (a
    // flood of refused changes costs a scan, not a decode each).
    let key = crate::schema::field::EQUIVOCATION.as_bytes();
    if !c.raw_bytes().windows(key.len()).any(|w| w == key) {
        return Vec::new();
    }
    c.decode()
        .operations
        .iter()
        .filter_map(|op| match (&op.key, &op.action) {
            (Key::Map(k), OpType::Put(automerge::ScalarValue::Bytes(b)))
                if k.as_str() == crate::schema::field::EQUIVOCATION =>
            {
                let proof = Proof::from_bytes(b).ok()?;
                proof.holds().ok()?;
                Some(proof.place())
            }
            _ => None,
        })
        .collect()
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
    fn malformed_proofs_are_refused_before_anything_is_decompressed_past_the_bound() {
        assert!(Proof::from_bytes(&[0; 10]).is_err());
        assert!(Proof::from_bytes(&vec![0; MAX_PROOF_BYTES + 1]).is_err());
        let mut bytes = vec![0u8; 64];
        bytes.extend_from_slice(&12u32.to_be_bytes());
        bytes.extend_from_slice(b"not a change");
        assert!(matches!(
            Proof::from_bytes(&bytes),
            Err(ProofError::Malformed(_))
        ));
    }
}
