//! [`PeerSession`]: a sync session with one member about one community, plus what the hub
//! tracks about it.

use copse_core::sync::SyncSession;

/// One (community, member) session.
#[derive(Debug)]
pub(crate) struct PeerSession {
    pub(crate) sync: SyncSession,
    /// As last reported in a `SyncState` event.
    pub(crate) up_to_date: bool,
}

impl PeerSession {
    pub(crate) fn new(sync: SyncSession) -> Self {
        Self {
            sync,
            up_to_date: false,
        }
    }
}
