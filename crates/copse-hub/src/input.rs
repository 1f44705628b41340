//! [`Input`]: everything that can happen to a hub: a local request, a network event, a
//! store result, or the clock ticking.

use std::path::PathBuf;

use copse_core::record::{MemberDetails, Role};
use copse_core::sync::{InboundId, NetEvent};
use copse_core::{Command, Community, CommunityId, MemberId, NewCommunity, ThreadId};

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
    /// Found a community with this device's member as coordinator (and its details).
    Create {
        /// Echoed in the result.
        request: RequestId,
        /// Name, domain, objectives, norms.
        spec: NewCommunity,
    },
    /// Join with a ticket (its text, as the member gave it).
    Join {
        /// Echoed in the result.
        request: RequestId,
        /// The ticket's text.
        ticket: String,
        /// Who we are (default: this device's member's details).
        details: Option<MemberDetails>,
    },
    /// Keep the member's details (non-empty name) for founding and joining, and save them.
    SetDetails {
        /// Echoed in the result.
        request: RequestId,
        /// The details.
        details: MemberDetails,
    },
    /// Write a community as one saved document.
    Export {
        /// Echoed in the result.
        request: RequestId,
        /// Which community.
        community: CommunityId,
        /// Where.
        path: PathBuf,
    },
    /// Compact a community's files now; answered once the new snapshot is in place.
    Compact {
        /// Echoed in the result.
        request: RequestId,
        /// Which community.
        community: CommunityId,
    },
    /// Mark `posts` posts of a thread as read (local to this device).
    MarkRead {
        /// Echoed in the result.
        request: RequestId,
        /// Which community.
        community: CommunityId,
        /// Which thread.
        thread: ThreadId,
        /// How many posts have been seen.
        posts: usize,
    },
    /// Mark the community as it is now as seen (local to this device).
    MarkSeen {
        /// Echoed in the result.
        request: RequestId,
        /// Which community.
        community: CommunityId,
    },
    /// Never ask about this story prompt again (local to this device).
    DismissStoryPrompt {
        /// Echoed in the result.
        request: RequestId,
        /// Which community.
        community: CommunityId,
        /// The prompt's key.
        key: String,
    },
    /// The relays this device was given (besides its communities'), replacing the last
    /// list: the app's settings changed.
    UseRelays {
        /// Relay addresses ending in `/p2p/<relay id>` (others are left out).
        relays: Vec<String>,
    },
    /// The member looks at what is new: on the first look, counting starts now.
    FirstLook {
        /// Which community.
        community: CommunityId,
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
    /// Something the network did.
    Net(NetEvent),

    // ----- the store -----
    /// A store operation finished.
    Stored(StoreResult),

    /// Time passed (every half second or so): retries, redials, housekeeping.
    Tick,
    /// Admit the next slice of what a peer sent (made by the hub itself, handed to the
    /// driver in [`crate::Output::Continue`]).
    AdmitMore {
        /// Which community.
        community: CommunityId,
        /// The peer.
        peer: MemberId,
        /// Its request, answered once all of it is in.
        inbound: copse_core::sync::InboundId,
    },
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
    /// The member's details were saved (`SetDetails`), or not.
    DetailsSaved {
        /// The request that asked.
        request: RequestId,
        /// Why it failed, if it did.
        result: Result<(), String>,
    },
    /// An `Export` finished.
    Exported {
        /// The request that asked.
        request: RequestId,
        /// What was written, or why not.
        result: Result<crate::Exported, crate::PeerError>,
    },
    /// A `Compact` is in place, or failed.
    Compacted {
        /// The request that asked.
        request: RequestId,
        /// Why it failed, if it did.
        result: Result<(), String>,
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
