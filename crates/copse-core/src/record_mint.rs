//! Record ids bound to the change that makes them: the k-th record a change makes (a
//! thread, post, article, event, task, resource or invite, in the order of the
//! operations that make them) has the id derived from the change's actor, its first
//! operation counter and k. Actor and counter name one change, so no member can make a
//! record under an id someone else's record has, on any branch of history: that would
//! replace theirs where Automerge's last writer wins. `docs/schema.md` ("Ids") gives the
//! derivation.

use std::cell::Cell;

use automerge::{ActorId, Automerge};
use sha2::{Digest, Sha256};

use crate::ThreadId;
use crate::guard::bounds::held_max_op;

/// Hashed before the actor, the counter and the ordinal.
const DOMAIN: &[u8] = b"copse record id v1\0";

/// The 16 bytes of the `ordinal`-th record made by the change of `actor` starting at
/// operation `start_op`.
pub fn minted_bytes(actor: &ActorId, start_op: u64, ordinal: u32) -> [u8; 16] {
    let actor = actor.to_bytes();
    let digest = Sha256::new()
        .chain_update(DOMAIN)
        .chain_update([u8::try_from(actor.len()).unwrap_or(u8::MAX)])
        .chain_update(actor)
        .chain_update(start_op.to_be_bytes())
        .chain_update(ordinal.to_be_bytes())
        .finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// A thread id: its creation time first (newest threads sort first), then the first 8
/// minted bytes.
pub fn minted_thread(created_at_ms: i64, minted: [u8; 16]) -> ThreadId {
    let mut bytes = [0u8; 16];
    let inverted = u64::MAX - u64::try_from(created_at_ms.max(0)).unwrap_or(0);
    bytes[..8].copy_from_slice(&inverted.to_be_bytes());
    bytes[8..].copy_from_slice(&minted[..8]);
    ThreadId::from_bytes(bytes)
}

/// Whether `thread` carries the minted bytes (its time is its author's to choose).
pub fn is_minted_thread(thread: &ThreadId, minted: [u8; 16]) -> bool {
    thread.bytes()[8..] == minted[..8]
}

/// The ids the next change written on a document gives the records it makes, in order.
#[derive(Debug)]
pub struct Mint {
    actor: ActorId,
    start_op: u64,
    next: Cell<u32>,
}

impl Mint {
    /// For the next change `doc` commits (with its own actor, on its current heads).
    pub fn for_next_change(doc: &Automerge) -> Self {
        Self {
            actor: doc.get_actor().clone(),
            start_op: held_max_op(doc) + 1,
            next: Cell::new(0),
        }
    }

    /// The bytes of the next record's id.
    pub fn next(&self) -> [u8; 16] {
        let k = self.next.get();
        self.next.set(k + 1);
        minted_bytes(&self.actor, self.start_op, k)
    }
}
