//! What the runtime sends to the network ([`NetCommand`]) and hears back ([`NetEvent`]).
//! Peers are [`MemberId`]s and addresses are multiaddr strings: no libp2p types leak out.

use std::collections::{BTreeMap, BTreeSet};

use copse_core::sync::wire::{JoinRequest, JoinResponse, SyncRequest, SyncResponse};
use copse_core::sync::{InboundId, Tag};
use copse_core::{CommunityId, MemberId};

/// A command to the network event loop.
#[derive(Debug)]
pub enum NetCommand {
    /// Dial a peer (if not connected) at these addresses.
    Dial {
        /// Who; `None` to dial an address without knowing the peer.
        peer: Option<MemberId>,
        /// Multiaddrs.
        addrs: Vec<String>,
    },
    /// Send a sync request; the outcome comes back as [`NetEvent::SyncResult`].
    SendSync {
        /// To whom.
        peer: MemberId,
        /// What.
        request: SyncRequest,
        /// Echoed back.
        tag: Tag,
    },
    /// Answer an inbound sync request.
    RespondSync {
        /// Which request.
        id: InboundId,
        /// The answer.
        response: SyncResponse,
    },
    /// Send a join request (dialling `addrs` if needed); the outcome is a
    /// [`NetEvent::JoinResult`].
    SendJoin {
        /// To whom.
        peer: MemberId,
        /// Where they may be.
        addrs: Vec<String>,
        /// What.
        request: JoinRequest,
        /// Echoed back.
        tag: Tag,
    },
    /// Answer an inbound join request.
    RespondJoin {
        /// Which request.
        id: InboundId,
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
    /// Who may sync which community with us: everyone else is refused as soon as a
    /// request names its community, before the rest of it is read.
    Allow {
        /// Member → the communities they share with us.
        members: BTreeMap<MemberId, BTreeSet<CommunityId>>,
    },
    /// Stop the event loop.
    Shutdown,
}

/// Something the network did.
#[derive(Debug)]
pub enum NetEvent {
    /// Listening on a new address.
    Listening {
        /// Multiaddr (with `/p2p/` suffix stripped).
        addr: String,
    },
    /// First connection to a peer established.
    Connected {
        /// Who.
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
    /// A peer told us how it sees us (a public address candidate).
    ObservedAddr {
        /// Multiaddr.
        addr: String,
        /// Who said so (authenticated).
        reporter: MemberId,
    },
    /// A dial failed.
    DialFailed {
        /// Whom we dialled, if known.
        peer: Option<MemberId>,
        /// Why.
        error: String,
    },
    /// A sync request arrived; answer with [`NetCommand::RespondSync`].
    SyncRequest {
        /// From whom (authenticated by Noise).
        peer: MemberId,
        /// Answer with this id.
        id: InboundId,
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
    /// A join request arrived; answer with [`NetCommand::RespondJoin`].
    JoinRequest {
        /// From whom (authenticated by Noise: this is the newcomer's member id).
        peer: MemberId,
        /// Answer with this id.
        id: InboundId,
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
    /// A peer's message could not be read (malformed, oversized); its stream was dropped.
    BadInbound {
        /// From whom.
        peer: MemberId,
        /// Why.
        error: String,
    },
}
