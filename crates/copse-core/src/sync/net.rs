//! The vocabulary between a device's rules (copse-hub) and its network (copse-net): what
//! the hub asks the network to do ([`NetOp`]) and what the network tells it ([`NetEvent`]).
//! Peers are member ids and addresses multiaddr strings, so neither side names the other's
//! types.

use std::collections::{BTreeMap, BTreeSet};

use super::exchange_ids::{InboundId, Tag};
use super::wire::{JoinRequest, JoinResponse, SyncRequest, SyncResponse};
use crate::{CommunityId, MemberId};

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
    /// Send a sync request; its outcome comes back as [`NetEvent::SyncResult`] with `tag`.
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
    /// Send a join request (dialling `addrs` if needed); its outcome comes back as
    /// [`NetEvent::JoinResult`].
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
    /// Refuse all connections to and from a peer until unblocked.
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
    /// The relays to keep a reservation on (one or two of them, in this order), each a
    /// multiaddr ending in `/p2p/<relay>`; replaces the previous list.
    Relays(Vec<String>),
    /// Stop the network.
    Shutdown,
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

/// Something the network did.
#[derive(Debug)]
pub enum NetEvent {
    /// Listening on an address.
    Listening {
        /// Multiaddr (without `/p2p/`).
        addr: String,
    },
    /// A connected peer says it reaches us at `addr` (a public address candidate).
    ObservedAddr {
        /// Multiaddr.
        addr: String,
        /// Who said so (authenticated).
        reporter: MemberId,
    },
    /// First connection to a peer.
    Connected {
        /// Who (authenticated).
        peer: MemberId,
        /// Their address on this connection.
        addr: String,
        /// We dialled them (so `addr` is where they listen).
        outbound: bool,
    },
    /// Last connection to a peer closed.
    Disconnected {
        /// Who.
        peer: MemberId,
    },
    /// A peer found on the local network (mDNS).
    Discovered {
        /// Who.
        peer: MemberId,
        /// Where.
        addrs: Vec<String>,
    },
    /// A dial failed.
    DialFailed {
        /// Whom, if known.
        peer: Option<MemberId>,
        /// Why.
        error: String,
    },
    /// A sync request arrived; answer with [`NetOp::RespondSync`].
    SyncRequest {
        /// From whom (authenticated).
        peer: MemberId,
        /// Answer with this id.
        inbound: InboundId,
        /// The request.
        request: SyncRequest,
    },
    /// Our sync request was answered or failed.
    SyncResult {
        /// To whom it went.
        peer: MemberId,
        /// Our tag.
        tag: Tag,
        /// The answer, or why there is none.
        result: Result<SyncResponse, String>,
    },
    /// A join request arrived; answer with [`NetOp::RespondJoin`].
    JoinRequest {
        /// The newcomer (authenticated: this is their member id).
        peer: MemberId,
        /// Answer with this id.
        inbound: InboundId,
        /// The request.
        request: JoinRequest,
    },
    /// Our join request was answered or failed.
    JoinResult {
        /// To whom it went.
        peer: MemberId,
        /// Our tag.
        tag: Tag,
        /// The answer, or why there is none.
        result: Result<JoinResponse, String>,
    },
    /// A peer sent something unreadable (malformed, oversized); its stream was dropped.
    BadInbound {
        /// Who.
        peer: MemberId,
        /// Why.
        error: String,
    },
    /// We no longer listen on an address (a relay reservation ended).
    ListenClosed {
        /// Multiaddr (without `/p2p/`).
        addr: String,
    },
    /// A relay holds a reservation for us: members can reach us through it.
    RelayReserved {
        /// The relay's address.
        relay: String,
    },
    /// A relay refused or lost our reservation (full, members only, gone).
    RelayRefused {
        /// The relay's address.
        relay: String,
        /// Why.
        error: String,
    },
    /// The connection we use to a connected peer changed (a relayed one upgraded to a
    /// direct one, or the direct one closed and the relayed one remains).
    Route {
        /// Who.
        peer: MemberId,
        /// Their address on the connection now used.
        addr: String,
    },
    /// A hole punch to a peer we reach through a relay was tried.
    HolePunch {
        /// Who.
        peer: MemberId,
        /// Whether it made a direct connection, or why not.
        result: Result<(), String>,
    },
    /// Whether an address of ours is confirmed reachable from outside (AutoNAT, or given).
    External {
        /// Multiaddr.
        addr: String,
        /// Confirmed (true) or no longer (false).
        confirmed: bool,
    },
}

/// Whether a peer's address is a relayed one (`…/p2p/<relay>/p2p-circuit`), and through
/// which relay.
pub fn relay_of(addr: &str) -> Option<&str> {
    let (before, _) = addr.split_once("/p2p-circuit")?;
    let (_, relay) = before.rsplit_once("/p2p/")?;
    Some(relay)
}
