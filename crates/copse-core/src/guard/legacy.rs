//! Communities older than signatures. Their history is unsigned; it is accepted as it
//! stands when a coordinator's device upgrades: that device writes a *seal*, a signed
//! change with no operations and the message `copse-seal/1`, whose causal past is the
//! history it vouches for. An unsigned change is accepted in a copy read from outside (a
//! join, an import) only if a valid seal (signed, by a coordinator as of the seal's deps)
//! covers it; received one by one, unsigned changes are refused.

use std::collections::{HashMap, HashSet};

use automerge::{Automerge, Change, ChangeHash};

use super::check::LegacyPolicy;
use super::identity::{is_signing_actor, key_of_actor, member_id_of_key};
use super::past::Past;
use super::signature::{read_signature, verifies};

/// The message of a seal.
pub const SEAL_MESSAGE: &str = "copse-seal/1";

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
    pub fn of(doc: &Automerge, changes: &[Change]) -> Self {
        if !changes.iter().any(is_unsigned) {
            return Self::default();
        }
        let by_hash: HashMap<ChangeHash, &Change> = changes.iter().map(|c| (c.hash(), c)).collect();
        let sigs: HashMap<ChangeHash, &Change> = changes
            .iter()
            .filter_map(|c| Some((read_signature(c)?.target, c)))
            .collect();
        let mut vouched = HashSet::new();
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
            let past = Past {
                doc,
                heads: seal.deps(),
            };
            if !past
                .standing(&member_id_of_key(&key))
                .is_some_and(|s| s.is_current() && s.coordinator)
            {
                continue;
            }
            let mut stack: Vec<ChangeHash> = seal.deps().to_vec();
            while let Some(h) = stack.pop() {
                if vouched.insert(h)
                    && let Some(c) = by_hash.get(&h)
                {
                    stack.extend_from_slice(c.deps());
                }
            }
        }
        Self { vouched }
    }
}

impl LegacyPolicy for SealedHistory {
    fn accepts(&self, change: &Change) -> bool {
        self.vouched.contains(&change.hash())
    }
}
