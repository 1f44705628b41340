//! Communities older than signatures. Their history is unsigned; it is accepted as it
//! stands when a coordinator's device upgrades: that device writes a *seal*, a signed
//! change with no operations and the message `copse-seal/1`, whose causal past is the
//! history it vouches for. An unsigned change is accepted in a copy read from outside (a
//! join, an import) only if a valid seal (signed, by a coordinator as of the seal's deps)
//! covers it; received one by one, unsigned changes are refused.

use std::collections::{HashMap, HashSet};

use automerge::{Automerge, Change, ChangeHash};

use super::identity::{is_signing_actor, key_of_actor, member_id_of_key};
use super::past::Past;
use super::signature::{read_signature, verifies};
use crate::MemberId;

/// The message of a seal.
pub const SEAL_MESSAGE: &str = "copse-seal/1";

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

/// Whether `change` is unsigned (its actor carries no key).
pub fn is_unsigned(change: &Change) -> bool {
    !is_signing_actor(change.actor_id())
}

/// The unsigned history that coordinators' seals vouch for.
#[derive(Debug, Default)]
pub struct SealedHistory {
    vouched: HashSet<ChangeHash>,
}

impl SealedHistory {
    /// From the changes of `doc` (all of them, in causal order).
    ///
    /// Only history from before signatures can be vouched for: an unsigned change with
    /// anything signed in its causal past is never accepted (nobody writes unsigned changes
    /// once their Copse signs). Seals vouch for the history common to all of them, and a
    /// sealer must be a coordinator as of that common history: a member cannot write an
    /// unsigned change that makes them coordinator and then seal it, unless they are the
    /// only one who ever sealed the community.
    pub fn of(doc: &Automerge, changes: &[Change]) -> Self {
        if !changes.iter().any(is_unsigned) {
            return Self::default();
        }
        // Unsigned changes whose whole past is unsigned: the history from before signatures.
        let mut old: HashSet<ChangeHash> = HashSet::new();
        for c in changes {
            if is_unsigned(c) && c.deps().iter().all(|d| old.contains(d)) {
                old.insert(c.hash());
            }
        }
        let by_hash: HashMap<ChangeHash, &Change> = changes.iter().map(|c| (c.hash(), c)).collect();
        let sigs: HashMap<ChangeHash, &Change> = changes
            .iter()
            .filter_map(|c| Some((read_signature(c)?.target, c)))
            .collect();
        // Signed seals and the old history in each one's past.
        let mut seals: Vec<(MemberId, HashSet<ChangeHash>)> = Vec::new();
        for seal in changes
            .iter()
            .filter(|c| c.message() == Some(SEAL_MESSAGE) && c.is_empty())
        {
            let Some(key) = key_of_actor(seal.actor_id()) else {
                continue;
            };
            let Some(sig) = sigs.get(&seal.hash()) else {
                continue;
            };
            if !verifies(seal, sig, &key) {
                continue;
            }
            let mut past = HashSet::new();
            let mut stack: Vec<ChangeHash> = seal.deps().to_vec();
            while let Some(h) = stack.pop() {
                if old.contains(&h)
                    && past.insert(h)
                    && let Some(c) = by_hash.get(&h)
                {
                    stack.extend_from_slice(c.deps());
                }
            }
            seals.push((member_id_of_key(&key), past));
        }
        let Some((_, first)) = seals.first() else {
            return Self::default();
        };
        let common: HashSet<ChangeHash> = first
            .iter()
            .filter(|h| seals.iter().all(|(_, p)| p.contains(h)))
            .copied()
            .collect();
        // Its heads: what no other change in it depends on.
        let inner: HashSet<ChangeHash> = common
            .iter()
            .filter_map(|h| by_hash.get(h))
            .flat_map(|c| c.deps().iter().copied())
            .collect();
        let heads: Vec<ChangeHash> = common
            .iter()
            .filter(|h| !inner.contains(h))
            .copied()
            .collect();
        let past = Past { doc, heads: &heads };
        let any_coordinator = seals.iter().any(|(m, _)| {
            past.standing(m)
                .is_some_and(|s| s.is_current() && s.coordinator)
        });
        if any_coordinator {
            Self { vouched: common }
        } else {
            Self::default()
        }
    }
}

impl LegacyPolicy for SealedHistory {
    fn accepts(&self, change: &Change) -> bool {
        self.vouched.contains(&change.hash())
    }
}
