//! [`Output`]: what the hub asks its driver to do: network sends, store writes, events for
//! the user, and results of local requests.

use std::path::PathBuf;

use copse_core::automerge::ChangeHash;
use copse_core::sync::{InboundId, NetOp};
use copse_core::{CommunityId, MemberId};

use copse_core::record::MemberDetails;

use crate::{Done, PeerEvent, RequestId};

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
        /// How it ended.
        done: Done,
    },
    /// A community's document moved: its search index should catch up.
    Index {
        /// Which community.
        community: CommunityId,
    },
    /// Feed this input back, after what already waits (the user's requests, other
    /// peers): the rest of a long piece of work, cut into steps so that one peer's message
    /// never keeps the device from anything else.
    Continue(crate::Input),
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
    /// Replace everything on disk with this saved document (it was rebuilt without an
    /// equivocation's losing side, which the log must not bring back) and fsync it; answer
    /// `StoreResult::Appended` or `AppendFailed`.
    Replace {
        /// Which community.
        community: CommunityId,
        /// Its `Automerge::save()` bytes.
        saved: Vec<u8>,
        /// Its heads.
        heads: Vec<ChangeHash>,
    },
    /// Replace this device's last edits in the community (`own-edits.json`; not fsynced).
    OwnEdits {
        /// Which community.
        community: CommunityId,
        /// Its JSON.
        bytes: Vec<u8>,
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
    /// Replace a community's local state (`local.json`).
    LocalState {
        /// Which community.
        community: CommunityId,
        /// Its JSON.
        bytes: Vec<u8>,
    },
    /// Save the member's details in the profile; answer `StoreResult::DetailsSaved`.
    SetDetails {
        /// Echoed in the result.
        request: RequestId,
        /// The details.
        details: MemberDetails,
    },
    /// Write the community as one saved document; answer `StoreResult::Exported`.
    Export {
        /// Echoed in the result.
        request: RequestId,
        /// Which community.
        community: CommunityId,
        /// Where.
        path: PathBuf,
    },
    /// Compact the community's files now; answer `StoreResult::Compacted` once in place.
    Compact {
        /// Echoed in the result.
        request: RequestId,
        /// Which community.
        community: CommunityId,
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
