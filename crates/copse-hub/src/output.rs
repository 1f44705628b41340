//! [`Output`]: what the hub asks its driver to do: network sends, store writes, events for
//! the user, and results of local requests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use copse_core::sync::{InboundId, JoinRequest, JoinResponse, SyncRequest, SyncResponse, Tag};
use copse_core::{CommunityId, MemberId};

use crate::{Done, PeerError, PeerEvent, RequestId};

/// One thing to do.
#[derive(Debug)]
pub enum Output {
    /// A network operation.
    Net(NetOp),
    /// A store operation. The driver runs them in order per community.
    Store(StoreOp),
    /// Tell the user.
    Event(PeerEvent),
    /// A local request finished.
    Done {
        /// Which.
        request: RequestId,
        /// What it produced, or why it failed.
        result: Result<Done, PeerError>,
    },
}

/// A network operation.
#[derive(Debug)]
pub enum NetOp {
    /// Dial a peer (if not connected) at these addresses.
    Dial {
        /// Who; `None` to dial an address without knowing the peer.
        peer: Option<MemberId>,
        /// Multiaddrs.
        addrs: Vec<String>,
    },
    /// Send a sync request; its result comes back as `Input::SyncResult` with `tag`.
    SendSync {
        /// To whom.
        peer: MemberId,
        /// Echoed back.
        tag: Tag,
        /// What.
        request: SyncRequest,
    },
    /// Answer an inbound sync request.
    RespondSync {
        /// Which.
        inbound: InboundId,
        /// The answer.
        response: SyncResponse,
    },
    /// Send a join request (dialling `addrs` if needed).
    SendJoin {
        /// To whom.
        peer: MemberId,
        /// Where they may be.
        addrs: Vec<String>,
        /// Echoed back.
        tag: Tag,
        /// What.
        request: JoinRequest,
    },
    /// Answer an inbound join request.
    RespondJoin {
        /// Which.
        inbound: InboundId,
        /// The answer.
        response: JoinResponse,
    },
    /// Close every connection to a peer.
    Disconnect {
        /// Whom.
        peer: MemberId,
    },
    /// Refuse all connections to and from a peer.
    Block {
        /// Whom.
        peer: MemberId,
    },
    /// Lift a block.
    Unblock {
        /// Whom.
        peer: MemberId,
    },
    /// Who may sync which community with us now: the network refuses everyone else as soon
    /// as a request names its community, without reading the rest.
    Access(AccessList),
}

/// The current members of every community this device is a current member of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessList {
    /// Member → the communities they share with us.
    pub members: BTreeMap<MemberId, BTreeSet<CommunityId>>,
}

impl AccessList {
    /// Whether `peer` may sync `community` with us.
    pub fn allows(&self, peer: &MemberId, community: &CommunityId) -> bool {
        self.members
            .get(peer)
            .is_some_and(|set| set.contains(community))
    }

    /// Whether `peer` shares any community with us.
    pub fn knows(&self, peer: &MemberId) -> bool {
        self.members.contains_key(peer)
    }
}

/// A store operation. Everything the hub writes goes through these, in order.
#[derive(Debug)]
pub enum StoreOp {
    /// Append one record (change chunks) to the community's log and fsync it; answer
    /// `StoreResult::Appended` or `AppendFailed`.
    Append {
        /// Which community.
        community: CommunityId,
        /// The record's payload.
        record: Vec<u8>,
    },
    /// Read the community back from disk (after a failed append or merge); answer
    /// `StoreResult::Reloaded`.
    Reload {
        /// Which community.
        community: CommunityId,
    },
    /// Create the folder of a community founded here; answer `StoreResult::Created`.
    Create {
        /// Which community.
        community: CommunityId,
        /// Its `Automerge::save()` bytes.
        saved: Vec<u8>,
    },
    /// Read a community from a file or a member's answer: a new one gets its folder (its
    /// bytes as the snapshot, as they are); a known one is only loaded, for the hub to
    /// merge. Answer `StoreResult::Adopted`.
    Adopt {
        /// Echoed in the result.
        request: RequestId,
        /// Where the bytes are.
        source: AdoptSource,
    },
    /// Read the community's durable bytes to answer a newcomer; answer
    /// `StoreResult::JoinDocument`.
    ServeJoin {
        /// Which community.
        community: CommunityId,
        /// The join request to answer.
        inbound: InboundId,
    },
    /// Keep the sync state with a peer for the next session (not fsynced: rebuilt if lost).
    SyncState {
        /// Which community.
        community: CommunityId,
        /// Which peer.
        peer: MemberId,
        /// `SyncSession::encoded_state` bytes.
        state: Vec<u8>,
    },
    /// Replace the cached first screen (`view.json`).
    CachedView {
        /// Which community.
        community: CommunityId,
        /// Its JSON.
        bytes: Vec<u8>,
    },
    /// Replace the community's refused changes (`refused.json`).
    RefusedLog {
        /// Which community.
        community: CommunityId,
        /// Its JSON.
        bytes: Vec<u8>,
    },
    /// Replace the address book (`known-addrs.json`).
    AddressBook {
        /// Its JSON.
        bytes: Vec<u8>,
    },
}

/// Where an `Adopt` reads from.
#[derive(Debug)]
pub enum AdoptSource {
    /// A community file the member chose.
    File(PathBuf),
    /// A member's answer to our join request.
    Joined {
        /// The bytes they sent.
        document: Vec<u8>,
        /// The community the ticket names.
        expected: CommunityId,
        /// This device's member, who must be a current member in it.
        me: MemberId,
    },
}
