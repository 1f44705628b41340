//! Requests a local client (the CLI, later over the control socket) makes of a device, and
//! their JSON replies.

use std::path::PathBuf;

use copse_core::record::{MemberDetails, Role, ThreadKind};
use copse_core::{ArticleId, Command, CommunityId, EventId, NewCommunity, ThreadId};
use serde::{Deserialize, Serialize};

/// A request to the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "snake_case")]
pub enum Request {
    /// Create the identity (if none) and save the member's details.
    Init {
        /// What the member says about themselves.
        details: MemberDetails,
    },
    /// This device's member id and details.
    Whoami,
    /// Found a community.
    CreateCommunity {
        /// Name, domain, objectives, norms.
        spec: NewCommunity,
    },
    /// Communities on this device.
    ListCommunities,
    /// Apply a command to a community.
    Execute {
        /// Which community.
        community: CommunityId,
        /// The edit.
        command: Command,
    },
    /// The whole community as JSON.
    Show {
        /// Which community.
        community: CommunityId,
    },
    /// A page of threads.
    Threads {
        /// Which community.
        community: CommunityId,
        /// Only this kind.
        kind: Option<ThreadKind>,
        /// Only this tag.
        tag: Option<String>,
        /// After this thread.
        after: Option<ThreadId>,
        /// Page size.
        limit: usize,
    },
    /// One thread.
    Thread {
        /// Which community.
        community: CommunityId,
        /// Which thread.
        thread: ThreadId,
    },
    /// The member directory.
    Members {
        /// Which community.
        community: CommunityId,
        /// Skill filter.
        skill: Option<String>,
        /// Organisation filter.
        organisation: Option<String>,
    },
    /// Articles.
    Articles {
        /// Which community.
        community: CommunityId,
        /// Tag filter.
        tag: Option<String>,
    },
    /// One article, now or as of a revision.
    Article {
        /// Which community.
        community: CommunityId,
        /// Which article.
        article: ArticleId,
        /// A change from its history.
        at: Option<String>,
    },
    /// An article's revisions.
    ArticleHistory {
        /// Which community.
        community: CommunityId,
        /// Which article.
        article: ArticleId,
    },
    /// Events, upcoming or past.
    Events {
        /// Which community.
        community: CommunityId,
        /// Past instead of upcoming.
        past: bool,
    },
    /// One event.
    Event {
        /// Which community.
        community: CommunityId,
        /// Which event.
        event: EventId,
    },
    /// The task board.
    Tasks {
        /// Which community.
        community: CommunityId,
    },
    /// Shared resources.
    Resources {
        /// Which community.
        community: CommunityId,
        /// Tag filter.
        tag: Option<String>,
    },
    /// Write the community as a plain saved Automerge document.
    Export {
        /// Which community.
        community: CommunityId,
        /// Where.
        out: PathBuf,
    },
    /// Read a saved community: new here, or merged into the copy here.
    Import {
        /// The file.
        path: PathBuf,
    },
    /// Create an invitation and its ticket.
    Invite {
        /// Which community.
        community: CommunityId,
        /// Valid for this long (milliseconds).
        valid_ms: i64,
        /// How many may use it.
        uses: u64,
        /// Role newcomers get.
        role: Role,
    },
    /// Join a community with a ticket (needs the network).
    Join {
        /// The ticket text.
        ticket: String,
        /// Who we are (default: the details given at `init`).
        details: Option<MemberDetails>,
    },
    /// Connected peers and sync state per community.
    Status,
    /// The document's heads (hex, sorted): equal heads mean equal documents.
    Heads {
        /// Which community.
        community: CommunityId,
    },
    /// Read markers and the last-seen version (local to this device).
    ReadState {
        /// Which community.
        community: CommunityId,
    },
    /// Marks `posts` posts of a thread as read.
    MarkRead {
        /// Which community.
        community: CommunityId,
        /// Which thread.
        thread: ThreadId,
        /// How many posts have been seen.
        posts: usize,
    },
    /// Marks the community's current version as seen (resets "what's new").
    MarkSeen {
        /// Which community.
        community: CommunityId,
    },
    /// What others did since the version last marked seen.
    WhatsNew {
        /// Which community.
        community: CommunityId,
    },
    /// What a member did in the community.
    Contributions {
        /// Which community.
        community: CommunityId,
        /// Whose.
        member: copse_core::MemberId,
    },
    /// The community's profile (name, domain, objectives, norms).
    Profile {
        /// Which community.
        community: CommunityId,
    },
}
