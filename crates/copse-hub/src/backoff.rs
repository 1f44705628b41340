//! [`Backoff`]: when to dial each member again. Doubling delays from one second to five
//! minutes; reset once the member answers a sync request (a peer that accepts connections
//! and drops them keeps being retried less and less often).

use copse_core::{MemberId, Timestamp};

use crate::bounded_map::BoundedMap;

const MIN_MS: i64 = 1_000;
const MAX_MS: i64 = 300_000;
/// Members tracked at once.
const CAP: usize = 4096;

#[derive(Debug, Clone, Copy)]
struct Delay {
    next_at: Timestamp,
    delay_ms: i64,
}

/// Redial schedule per member.
#[derive(Debug)]
pub(crate) struct Backoff {
    delays: BoundedMap<MemberId, Delay>,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            delays: BoundedMap::new(CAP),
        }
    }
}

impl Backoff {
    /// Whether `m` may be dialled now; if so, schedules the next attempt.
    pub(crate) fn take_turn(&mut self, m: &MemberId, now: Timestamp) -> bool {
        let d = self.delays.entry_or_insert_with(m.clone(), || Delay {
            next_at: now,
            delay_ms: MIN_MS,
        });
        if d.next_at > now {
            return false;
        }
        d.next_at = now.plus_millis(d.delay_ms);
        true
    }

    /// A dial or connection failed: wait longer.
    pub(crate) fn back_off(&mut self, m: &MemberId, now: Timestamp) {
        let d = self.delays.entry_or_insert_with(m.clone(), || Delay {
            next_at: now,
            delay_ms: MIN_MS / 2,
        });
        d.delay_ms = (d.delay_ms * 2).min(MAX_MS);
        d.next_at = now.plus_millis(d.delay_ms);
    }

    /// The member answered: dial at once next time.
    pub(crate) fn reset(&mut self, m: &MemberId) {
        self.delays.remove(m);
    }
}
