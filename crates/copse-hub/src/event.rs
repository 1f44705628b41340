//! What a device tells its user (the app, or `serve`'s log).

use copse_core::commit_meta::CommitMeta;
use copse_core::{CommunityId, MemberId};

/// Something happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerEvent {
    /// Listening on an address.
    Listening {
        /// Multiaddr.
        addr: String,
    },
    /// A relay holds a reservation for us: members reach us through it.
    RelayReserved {
        /// The relay's id.
        relay: String,
    },
    /// A relay refused or lost our reservation (full, members only, gone).
    RelayRefused {
        /// The relay.
        relay: String,
        /// Why.
        error: String,
    },
    /// A peer connected.
    PeerConnected {
        /// Who.
        member: MemberId,
    },
    /// A peer disconnected.
    PeerDisconnected {
        /// Who.
        member: MemberId,
    },
    /// A dial did not become a connection (unreachable, refused during the handshake, or
    /// a dial to that peer already under way).
    DialFailed {
        /// Whom, if known.
        member: Option<MemberId>,
        /// Why.
        error: String,
    },
    /// A community changed; `changes` says who did what to which object.
    CommunityChanged {
        /// Which.
        community: CommunityId,
        /// Our own edit (already on disk) or merged from a peer.
        local: bool,
        /// The new changes' metadata (commands, authors, objects).
        changes: Vec<CommitMeta>,
    },
    /// Whether a member is up to date with us changed.
    SyncState {
        /// Which community.
        community: CommunityId,
        /// Which member.
        member: MemberId,
        /// Has everything we have.
        up_to_date: bool,
    },
    /// We joined a community.
    Joined {
        /// Which.
        community: CommunityId,
    },
    /// A coordinator removed us; we keep what we had.
    Removed {
        /// From which community.
        community: CommunityId,
        /// Its name.
        name: String,
    },
    /// Changes from members were refused: they broke the community's rules.
    Refused {
        /// Which community.
        community: CommunityId,
        /// What, by whom, why.
        refused: Vec<copse_core::guard::Refused>,
    },
    /// This device is building a community's search index (a first build, or after an
    /// upgrade): `done` of `total` records so far.
    SearchIndexing {
        /// Which community.
        community: CommunityId,
        /// Records indexed.
        done: usize,
        /// Records in all.
        total: usize,
    },
    /// Something went wrong that the user should know about.
    Error {
        /// What, in plain words.
        message: String,
    },
    /// This listener fell behind and missed `missed` events: reload whatever is shown.
    Lagged {
        /// How many.
        missed: u64,
    },
}
