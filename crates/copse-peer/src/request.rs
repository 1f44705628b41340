//! [`Request`] and [`Reply`]: everything a client (the app, `copse-node`, the control
//! socket) asks of a device, typed. Reads are [`Query`]s; everything else changes
//! something and is answered only once it is on disk.

use std::path::PathBuf;

use copse_core::record::{MemberDetails, Role};
use copse_core::{Command, CommunityId, MemberId, NewCommunity, ThreadId};
use copse_hub::{EditApplied, Imported, Invitation, Joined};
use serde::{Deserialize, Serialize};

use crate::{Query, QueryReply};

/// A request to a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// A read.
    Query(Query),
    /// Create the identity (if none) and save the member's details.
    Init {
        /// What the member says about themselves.
        details: MemberDetails,
    },
    /// Found a community.
    CreateCommunity {
        /// Name, domain, objectives, norms.
        spec: NewCommunity,
    },
    /// Apply a command to a community.
    Edit {
        /// Which community.
        community: CommunityId,
        /// The edit.
        command: Command,
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
    /// Stop waiting for a join (the `Join` request ends with "joining was cancelled");
    /// refused once the community has arrived and is being loaded.
    CancelJoin,
    /// Read a community file (new here, or merged into the copy here).
    Import {
        /// The file.
        path: PathBuf,
    },
    /// Write the community as a plain saved Automerge document.
    Export {
        /// Which community.
        community: CommunityId,
        /// Where.
        out: PathBuf,
    },
    /// Rewrites a community's files as one snapshot now (they are compacted on their own
    /// when the log grows; this is for before copying a profile, or for a benchmark).
    /// Answered once the new snapshot is in place; edits and sync go on meanwhile.
    Compact {
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
    /// Stops asking "What came of it?" about this (a `StoryPrompt::key`); kept on this
    /// device only.
    DismissStoryPrompt {
        /// Which community.
        community: CommunityId,
        /// The prompt's key.
        key: String,
    },
}

/// The answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// To a `Query`.
    Query(QueryReply),
    /// To `Init`: the member id.
    Member(MemberId),
    /// To `CreateCommunity`: its id.
    Community(CommunityId),
    /// To `Edit`.
    Applied(EditApplied),
    /// To `Invite`.
    Invitation(Invitation),
    /// To `Join`.
    Joined(Joined),
    /// To `Import`.
    Imported(Imported),
    /// To `Export`.
    Exported(Exported),
    /// To `MarkRead`, `MarkSeen`, `DismissStoryPrompt`, `Compact` and `CancelJoin`.
    Done,
}

/// A community written to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exported {
    /// Where.
    pub path: PathBuf,
    /// How many bytes.
    pub bytes: u64,
}

impl Reply {
    /// The answer as `copse-node --json` prints it.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let v = match self {
            Reply::Query(q) => return q.to_json(),
            Reply::Member(m) => Ok(json!({ "member_id": m })),
            Reply::Community(c) => Ok(json!({ "id": c })),
            Reply::Applied(a) => serde_json::to_value(a),
            Reply::Invitation(i) => serde_json::to_value(i),
            Reply::Joined(j) => serde_json::to_value(j),
            Reply::Imported(i) => serde_json::to_value(i),
            Reply::Exported(e) => serde_json::to_value(e),
            Reply::Done => Ok(json!({})),
        };
        v.unwrap_or(serde_json::Value::Null)
    }
}
