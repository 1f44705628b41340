//! [`Input`]: everything that can happen to a hub: a local request, a network event, a
//! store result, or the clock ticking.

use std::path::PathBuf;

use copse_core::record::{MemberDetails, Role};
use copse_core::sync::{InboundId, JoinRequest, JoinResponse, SyncRequest, SyncResponse, Tag};
use copse_core::ticket::Ticket;
use copse_core::{Command, Community, CommunityId, MemberId, NewCommunity};

use crate::RequestId;

/// Something for the hub to react to.
#[derive(Debug)]
pub enum Input {
    // ----- local requests (each ends in one `Output::Done` with its `request`) -----
    /// Apply a command as this device's member.
    Edit {
        /// Echoed in the result.
        request: RequestId,
        /// Which community.
        community: CommunityId,
        /// The edit.
        command: Command,
    },
    /// Create an invitation and its ticket.
    Invite {
        /// Echoed in the result.
        request: RequestId,
        /// Which community.
        community: CommunityId,
        /// Valid for this long (milliseconds).
        valid_ms: i64,
        /// How many newcomers may use it.
        uses: u64,
        /// The role newcomers get.
        role: Role,
    },
    /// Found a community with this device's member as coordinator.
    Create {
        /// Echoed in the result.
        request: RequestId,
        /// Name, domain, objectives, norms.
        spec: NewCommunity,
        /// The founder's details.
        details: MemberDetails,
    },
    /// Join with a ticket.
    Join {
        /// Echoed in the result.
        request: RequestId,
        /// The ticket.
        ticket: Ticket,
        /// Who we are.
        details: MemberDetails,
    },
    /// Take in a community file (new here, or merged into our copy).
    Import {
        /// Echoed in the result.
        request: RequestId,
        /// The file.
        path: PathBuf,
    },
    /// Stop joins still waiting for a member's answer (each ends with `Cancelled`); one
    /// whose answer is being loaded finishes. Answers `Done` with the request, or an
    /// error if only a loading join was left.
    CancelJoins {
        /// Echoed in the result.
        request: RequestId,
    },
    /// Refuse all traffic with a member until unblocked (tests; a misbehaving peer).
    Block {
        /// Whom.
        member: MemberId,
    },
    /// Lift a block.
    Unblock {
        /// Whom.
        member: MemberId,
    },
    /// Dial addresses now (bootstrap peers), with or without `/p2p/<id>`.
    Dial {
        /// Multiaddrs.
        addrs: Vec<String>,
    },
    /// Save what should outlive the process (sync states, caches) and stop.
    Shutdown,

    // ----- the network -----
    /// Listening on an address.
    Listening {
        /// Multiaddr.
        addr: String,
    },
    /// A connected peer says it reaches us at `addr`.
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
    /// A peer found on the local network.
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
    },
    /// A sync request arrived.
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
    /// A join request arrived.
    JoinRequest {
        /// The newcomer (authenticated).
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
    /// A peer sent something unreadable.
    BadInbound {
        /// Who.
        peer: MemberId,
    },

    // ----- the store -----
    /// A store operation finished.
    Stored(StoreResult),

    /// Time passed (every half second or so): retries, redials, housekeeping.
    Tick,
}

/// What a [`crate::StoreOp`] came to.
#[derive(Debug)]
pub enum StoreResult {
    /// The record of an `Append` is durable.
    Appended {
        /// Which community.
        community: CommunityId,
    },
    /// An `Append` failed; nothing of it counts.
    AppendFailed {
        /// Which community.
        community: CommunityId,
        /// What happened, for the user.
        error: String,
    },
    /// The community as it is on disk (after a `Reload`).
    Reloaded {
        /// Which community.
        community: CommunityId,
        /// The community, or why it cannot be read.
        result: Result<Box<Community>, String>,
    },
    /// A `Create` finished.
    Created {
        /// Which community.
        community: CommunityId,
        /// Why it failed, if it did.
        result: Result<(), String>,
    },
    /// An `Adopt` finished: the community read from a file or a member's answer.
    Adopted {
        /// The request that asked.
        request: RequestId,
        /// The community, and whether its folder was created now (it was new here); or
        /// why it could not be taken in.
        result: Result<Adopted, crate::PeerError>,
    },
    /// The durable bytes for a `ServeJoin`.
    JoinDocument {
        /// The join request to answer.
        inbound: InboundId,
        /// Which community.
        community: CommunityId,
        /// The bytes, or why they could not be read.
        result: Result<Vec<u8>, String>,
    },
}

/// A community read in by the store.
#[derive(Debug)]
pub struct Adopted {
    /// The community.
    pub community: Box<Community>,
    /// Its folder was created now: it is new on this device and on disk as it is.
    pub fresh: bool,
    /// Changes the guard refused while reading it (not in `community`).
    pub refused: Vec<copse_core::guard::Refused>,
}
