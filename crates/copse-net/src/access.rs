//! [`Access`]: who may sync which community with us, shared between the event loop (which
//! the runtime updates) and the codecs (which consult it as soon as a request names its
//! community).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use copse_core::CommunityId;
use libp2p::PeerId;

/// Members and the communities they share with us.
#[derive(Debug, Default)]
pub(crate) struct Access {
    members: HashMap<PeerId, HashSet<CommunityId>>,
}

/// The shared access list.
pub(crate) type SharedAccess = Arc<RwLock<Access>>;

impl Access {
    /// Replaces the list.
    pub(crate) fn set(&mut self, members: HashMap<PeerId, HashSet<CommunityId>>) {
        self.members = members;
    }

    /// Whether `peer` may sync `community`.
    pub(crate) fn allows(&self, peer: &PeerId, community: &CommunityId) -> bool {
        self.members
            .get(peer)
            .is_some_and(|set| set.contains(community))
    }

    /// Whether `peer` shares any community with us.
    pub(crate) fn knows(&self, peer: &PeerId) -> bool {
        self.members.contains_key(peer)
    }
}

/// Reads the list, treating a poisoned lock as empty-handed refusal.
pub(crate) fn allows(access: &SharedAccess, peer: &PeerId, community: &CommunityId) -> bool {
    access.read().is_ok_and(|a| a.allows(peer, community))
}

/// Whether `peer` shares any community with us.
pub(crate) fn knows(access: &SharedAccess, peer: &PeerId) -> bool {
    access.read().is_ok_and(|a| a.knows(peer))
}
