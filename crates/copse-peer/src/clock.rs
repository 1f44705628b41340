//! Time for a device. The document stores wall-clock milliseconds; only drivers read a
//! clock, the hub gets `now` with every input.

use std::time::{SystemTime, UNIX_EPOCH};

use copse_core::Timestamp;

/// Now on the wall clock, in milliseconds since the epoch.
pub fn now() -> Timestamp {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    Timestamp(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// The runtime's clock: the wall clock, moved on at least as fast as tokio's clock since
/// the runtime started. In a test on paused tokio time (`start_paused`) time passes as
/// tokio's does, so timers and the hub's schedule run in virtual time; otherwise the two
/// agree, and after a machine's suspend (when tokio's clock stood still) the wall clock
/// leads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RuntimeClock {
    wall0: Timestamp,
    t0: tokio::time::Instant,
}

impl RuntimeClock {
    /// A clock starting now (call it inside the runtime).
    pub(crate) fn start() -> Self {
        Self {
            wall0: now(),
            t0: tokio::time::Instant::now(),
        }
    }

    /// Now, for the hub and the answers.
    pub(crate) fn now(&self) -> Timestamp {
        let elapsed = tokio::time::Instant::now().duration_since(self.t0);
        let ms = i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX);
        now().max(self.wall0.plus_millis(ms))
    }
}
