//! [`SessionTable`]: the sync sessions open now, the requests they have in flight, and what
//! outlives a session (its sync state, when it last exchanged).

use std::collections::BTreeMap;

use copse_core::automerge::Automerge;
use copse_core::sync::{SyncSession, Tag};
use copse_core::{CommunityId, MemberId, Timestamp};

use crate::peer_session::PeerSession;

type Key = (CommunityId, MemberId);

/// Sessions keyed by (community, member).
#[derive(Debug, Default)]
pub(crate) struct SessionTable {
    sessions: BTreeMap<Key, PeerSession>,
    /// Outbound sync requests awaiting their result.
    outbound: BTreeMap<Tag, Key>,
    /// When each member last exchanged with us, per community (kept after a session ends).
    last_sync: BTreeMap<Key, Timestamp>,
    /// Sync states as last saved, to resume from.
    saved: BTreeMap<Key, Vec<u8>>,
}

impl SessionTable {
    /// A table resuming from saved sync states.
    pub(crate) fn with_saved(saved: impl IntoIterator<Item = (Key, Vec<u8>)>) -> Self {
        Self {
            saved: saved.into_iter().collect(),
            ..Self::default()
        }
    }

    pub(crate) fn contains(&self, c: &CommunityId, m: &MemberId) -> bool {
        self.sessions.contains_key(&(c.clone(), m.clone()))
    }

    pub(crate) fn get(&self, c: &CommunityId, m: &MemberId) -> Option<&PeerSession> {
        self.sessions.get(&(c.clone(), m.clone()))
    }

    pub(crate) fn get_mut(&mut self, c: &CommunityId, m: &MemberId) -> Option<&mut PeerSession> {
        self.sessions.get_mut(&(c.clone(), m.clone()))
    }

    /// Opens a session, resuming from its saved state if it still fits `doc`.
    pub(crate) fn open(&mut self, c: &CommunityId, m: &MemberId, doc: &Automerge) {
        let key = (c.clone(), m.clone());
        let sync = SyncSession::resume(self.saved.get(&key).map(Vec::as_slice), doc);
        self.sessions.insert(key, PeerSession::new(sync));
    }

    /// Ends a session; returns its state to save.
    pub(crate) fn close(&mut self, c: &CommunityId, m: &MemberId) -> Option<Vec<u8>> {
        let key = (c.clone(), m.clone());
        let s = self.sessions.remove(&key)?;
        if let Some(t) = s.sync.last_exchange() {
            self.last_sync.insert(key.clone(), t);
        }
        let state = s.sync.encoded_state();
        self.saved.insert(key, state.clone());
        Some(state)
    }

    /// Ends a session without keeping its state (it may no longer fit our document).
    pub(crate) fn drop_session(&mut self, c: &CommunityId, m: &MemberId) {
        self.sessions.remove(&(c.clone(), m.clone()));
    }

    /// Forgets the saved states of a community (its document was reloaded from disk).
    pub(crate) fn forget_saved(&mut self, c: &CommunityId) {
        self.saved.retain(|(cc, _), _| cc != c);
    }

    /// Members with a session about `c`.
    pub(crate) fn members_of(&self, c: &CommunityId) -> Vec<MemberId> {
        self.sessions
            .keys()
            .filter(|(cc, _)| cc == c)
            .map(|(_, m)| m.clone())
            .collect()
    }

    /// Every session matching `which`.
    pub(crate) fn matching(&self, which: impl Fn(&CommunityId, &MemberId) -> bool) -> Vec<Key> {
        self.sessions
            .keys()
            .filter(|(c, m)| which(c, m))
            .cloned()
            .collect()
    }

    /// Remembers an outbound request.
    pub(crate) fn track(&mut self, tag: Tag, c: &CommunityId, m: &MemberId) {
        self.outbound.insert(tag, (c.clone(), m.clone()));
    }

    /// The session an outbound request belonged to.
    pub(crate) fn take(&mut self, tag: Tag) -> Option<Key> {
        self.outbound.remove(&tag)
    }

    /// When `m` last exchanged with us about `c`.
    pub(crate) fn last_sync(&self, c: &CommunityId, m: &MemberId) -> Option<Timestamp> {
        let key = (c.clone(), m.clone());
        self.sessions
            .get(&key)
            .and_then(|s| s.sync.last_exchange())
            .or_else(|| self.last_sync.get(&key).copied())
    }
}
