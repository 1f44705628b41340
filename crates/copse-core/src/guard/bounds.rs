//! How large one change may be, so that no member can write what a device cannot hold,
//! carry or reopen: checked before a change is decoded, and its size before it is even
//! decompressed (`change_chunk`). `docs/schema.md` ("Bounds") states the same numbers.

use automerge::{Automerge, Change};

use super::violation::Violation;
use crate::schema::limits;

/// Bytes of one change once decompressed. The largest honest change (a whole article of
/// `limits::LONG_TEXT` characters of four UTF-8 bytes, written over an old one) stays far
/// below it, and so far below the 32 MiB a sync request carries.
pub const MAX_CHANGE_BYTES: usize = 8 << 20;

/// Bytes of one change once decompressed, unless it carries a proof of equivocation
/// (`equivocation::Proof`: two changes, each within this bound, must fit in one change).
/// The largest honest change stays far below it too.
pub const MAX_CONTENT_BYTES: usize = (4 << 20) - (32 << 10);

/// Operations in one change: replacing a whole article deletes and inserts one operation
/// per character; everything else a command writes fits in the margin.
pub const MAX_CHANGE_OPS: usize = 2 * limits::LONG_TEXT + 4096;

/// Operation counters stay below this (Automerge keeps them in 32 bits): a community
/// reaching it would have written two billion operations, a thousand times the largest
/// one measured.
pub const MAX_OP_COUNTER: u64 = 1 << 31;

/// The bounds of one change whose deps end at operation `deps_max_op`: its operations
/// come after everything it builds on, and it is not too large. (That it is numbered no
/// further than one past the largest counter already held is the caller's: see
/// [`numbered_from_held`].)
pub(crate) fn check(change: &Change, deps_max_op: u64) -> Result<(), Violation> {
    if change.start_op().get() <= deps_max_op {
        return Err(Violation::OpNumbering);
    }
    // Copse writes none; Automerge reads an author there, and refuses a whole batch for a
    // second author of one actor.
    if !change.extra_bytes().is_empty() {
        return Err(Violation::Malformed("extra bytes after a change".into()));
    }
    if change.len() > MAX_CHANGE_OPS {
        return Err(Violation::TooLarge(format!(
            "{} operations, at most {MAX_CHANGE_OPS}",
            change.len()
        )));
    }
    if change.raw_bytes().len() > MAX_CHANGE_BYTES {
        return Err(Violation::TooLarge(format!(
            "{} bytes, at most {MAX_CHANGE_BYTES}",
            change.raw_bytes().len()
        )));
    }
    if change.max_op() >= MAX_OP_COUNTER {
        return Err(Violation::TooLarge(
            "operation numbers near their limit".into(),
        ));
    }
    Ok(())
}

/// Whether `change` is numbered as Automerge numbers a change on a copy holding history up
/// to operation `held_max_op`: one past the largest counter of that copy (which, for an
/// edit on an older version, is past what its deps reach). A change numbered further out
/// has no history that leads to it: it waits for such history, and from a member who
/// made it up, that never comes. So every counter grows by at most the operations
/// accepted, never by a jump.
pub(crate) fn numbered_from_held(change: &Change, held_max_op: u64) -> bool {
    change.start_op().get() <= held_max_op.saturating_add(1)
}

/// The largest operation counter in `doc`: its heads' (each change is numbered past
/// everything it builds on). The next change written on `doc` starts one past it.
pub fn held_max_op(doc: &Automerge) -> u64 {
    doc.get_heads()
        .iter()
        .filter_map(|h| doc.get_change_meta_by_hash(h).map(|m| m.max_op))
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A change of one operation whose first operation is `start_op`.
    fn numbered(start_op: u64) -> Change {
        let mut doc = Automerge::new();
        let mut tx = doc.transaction();
        automerge::transaction::Transactable::put(&mut tx, automerge::ROOT, "x", 1).unwrap();
        tx.commit();
        let mut expanded = doc.get_changes(&[])[0].decode();
        expanded.start_op = std::num::NonZeroU64::new(start_op).unwrap();
        expanded.hash = None;
        Change::from(expanded)
    }

    #[test]
    fn counters_stop_far_from_the_limit_however_the_change_is_numbered() {
        // Reached by held history, yet at the bound: refused.
        let at_bound = numbered(MAX_OP_COUNTER);
        assert!(numbered_from_held(&at_bound, MAX_OP_COUNTER - 1));
        assert!(matches!(
            check(&at_bound, MAX_OP_COUNTER - 1),
            Err(Violation::TooLarge(_))
        ));
        let below = numbered(MAX_OP_COUNTER - 1);
        assert_eq!(check(&below, MAX_OP_COUNTER - 2), Ok(()));
        // Not after what it builds on.
        assert_eq!(
            check(&below, MAX_OP_COUNTER - 1),
            Err(Violation::OpNumbering)
        );
        // The largest the format allows waits for history that never comes.
        assert!(!numbered_from_held(&numbered(u64::MAX - 1), MAX_OP_COUNTER));
    }
}
