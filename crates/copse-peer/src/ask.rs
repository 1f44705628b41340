//! Everything a client (the app, `copse-node`, the control socket) asks of a device, one
//! type per request, each with its own answer type ([`Ask::Answer`]): a caller gets back
//! exactly what it asked for, checked by the compiler.
//!
//! - [`PeerHandle::ask`](crate::PeerHandle::ask) runs one and returns its typed answer.
//! - [`Request`] is any of them as data: what the app's actions and the control socket
//!   carry. [`PeerHandle::run`](crate::PeerHandle::run) runs one and returns it with its
//!   answer as an [`Answered`], whose variants pair each request with its own answer type.
//!
//! Reads never change a community; everything else is answered only once it is on disk.

use std::path::PathBuf;

use copse_core::automerge::ChangeHash;
use copse_core::record::{MemberDetails, Role, ThreadKind};
use copse_core::{ArticleId, Command, CommunityId, EventId, MemberId, NewCommunity, ThreadId};
use copse_hub::{EditApplied, Imported, Invitation, Joined, PeerError};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::answers::{ArticleNow, CommunitySummary, EventNow, Exported, MeetupNow, RevisionText};

/// Where the answer to one request goes.
pub type Reply<T> = oneshot::Sender<Result<T, PeerError>>;

/// A request with its answer type.
pub trait Ask: Into<Request> + Clone + Send + 'static {
    /// What it is answered with.
    type Answer: Serialize + for<'de> Deserialize<'de> + Send + 'static;

    /// The request with the channel its answer goes back on, for the runtime.
    #[doc(hidden)]
    fn with_reply(self, reply: Reply<Self::Answer>) -> Asked;
}

macro_rules! requests {
    ($( $(#[$doc:meta])* $name:ident => $answer:ty, )*) => {
        /// Any request, as data.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Request {
            $( $(#[$doc])* $name($name), )*
        }

        /// A request with its answer: each variant pairs a request with its own answer type.
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum Answered {
            $( $(#[$doc])* $name($name, Result<$answer, PeerError>), )*
        }

        /// A request with the channel its answer goes back on: what the runtime receives.
        #[doc(hidden)]
        #[derive(Debug)]
        pub enum Asked {
            $( $(#[$doc])* $name($name, Reply<$answer>), )*
        }

        $(
            impl Ask for $name {
                type Answer = $answer;
                fn with_reply(self, reply: Reply<$answer>) -> Asked {
                    Asked::$name(self, reply)
                }
            }

            impl From<$name> for Request {
                fn from(q: $name) -> Self {
                    Request::$name(q)
                }
            }
        )*

        impl crate::PeerHandle {
            /// Runs any request; returns it with its answer.
            pub async fn run(&self, request: Request) -> Answered {
                match request {
                    $( Request::$name(q) => {
                        let answer = self.ask(q.clone()).await;
                        Answered::$name(q, answer)
                    } )*
                }
            }
        }

        impl Answered {
            /// `request`, failed with `error` before it could run.
            pub fn failed(request: Request, error: PeerError) -> Self {
                match request {
                    $( Request::$name(q) => Answered::$name(q, Err(error)), )*
                }
            }

            /// The request answered.
            pub fn request(&self) -> Request {
                match self {
                    $( Answered::$name(q, _) => Request::$name(q.clone()), )*
                }
            }

            /// Why it failed, if it did.
            pub fn error(&self) -> Option<&PeerError> {
                match self {
                    $( Answered::$name(_, Err(e)) => Some(e), )*
                    _ => None,
                }
            }

            /// Its answer (or error) alone, to serialize (the control socket).
            pub fn result(&self) -> AnswerOf<'_> {
                AnswerOf(self)
            }
        }

        /// The answer part of an [`Answered`], serialized as `Result<Answer, PeerError>`.
        #[derive(Debug)]
        pub struct AnswerOf<'a>(&'a Answered);

        impl Serialize for AnswerOf<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self.0 {
                    $( Answered::$name(_, r) => r.serialize(s), )*
                }
            }
        }
    };
}

requests! {
    /// This device's member id and details.
    Whoami => crate::Whoami,
    /// Communities on this device.
    ListCommunities => Vec<CommunitySummary>,
    /// The whole community (a full traversal: scripts and tests, not screens).
    Show => copse_core::view::snapshot::CommunitySnapshot,
    /// The community's profile (name, domain, objectives, norms).
    Profile => copse_core::record::Profile,
    /// A page of threads.
    Threads => copse_core::view::threads::ThreadPage,
    /// One thread.
    Thread => copse_core::view::threads::ThreadView,
    /// The member directory.
    Members => Vec<copse_core::view::members::MemberEntry>,
    /// The community's invites (how many each admitted, whether it admits more).
    Invites => Vec<copse_core::view::members::InviteEntry>,
    /// Articles.
    Articles => Vec<copse_core::view::articles::ArticleSummary>,
    /// One article as it is now, with the document's heads (the version an editor starts
    /// from).
    Article => ArticleNow,
    /// An article's text as of one of its revisions.
    ArticleAt => RevisionText,
    /// An article's revisions.
    ArticleHistory => Vec<copse_core::view::articles::Revision>,
    /// Events, upcoming or past.
    Events => Vec<copse_core::view::events::EventView>,
    /// One event, with the document's heads (for its notes editor).
    Event => EventNow,
    /// The task board.
    Tasks => copse_core::view::tasks::TaskBoard,
    /// Shared resources.
    Resources => Vec<copse_core::view::resources::ResourceEntry>,
    /// Read markers and the last-seen version (local to this device).
    ReadState => copse_hub::LocalState,
    /// What others did since the version last marked seen.
    WhatsNew => copse_core::view::activity::Digest,
    /// What a member did in the community.
    Contributions => copse_core::view::activity::Digest,
    /// Connected peers and sync state per community.
    Status => copse_hub::Status,
    /// The document's heads, sorted: equal heads mean identical documents.
    Heads => Vec<ChangeHash>,
    /// Changes from members that broke the community's rules and were not applied, oldest
    /// first.
    Refused => Vec<copse_core::guard::Refused>,
    /// Full-text search (this device's index; answered once it has caught up).
    Search => copse_search::SearchResults,
    /// Who knows most about any of these topics, most expert first.
    Experts => Vec<copse_search::Expert>,
    /// Everyone's participation level and the community's health panel.
    Participation => copse_participation::Participation,
    /// One member's participation over the last year.
    Trajectory => copse_participation::Trajectory,
    /// What concerns this device's member: meetups soon first, then newest first.
    ForYou => Vec<copse_participation::ForYouItem>,
    /// This device's member's first steps.
    StartHere => copse_participation::StartHere,
    /// Members' stories, newest first.
    Stories => Vec<copse_core::view::stories::StoryView>,
    /// What this device's member could be asked "What came of it?" about now.
    StoryPrompts => Vec<copse_participation::StoryPrompt>,
    /// The meetup on now and who is here.
    Meetup => MeetupNow,
    /// What happened at the last meetup (none when no meetup ended in the last 30 days).
    MeetupDigest => Option<copse_core::view::meetups::MeetupDigest>,
    /// Create the identity (if none) and save the member's details.
    Init => MemberId,
    /// Found a community with this device's member as coordinator.
    CreateCommunity => CommunityId,
    /// Apply a command to a community.
    Edit => EditApplied,
    /// Create an invitation and its ticket.
    Invite => Invitation,
    /// Join a community with a ticket (needs the network).
    Join => Joined,
    /// Stop waiting for a join (the `Join` ends with "joining was cancelled"); refused
    /// once the community has arrived and is being loaded.
    CancelJoin => (),
    /// Read a community file (new here, or merged into the copy here).
    Import => Imported,
    /// Write the community as a plain saved Automerge document.
    Export => Exported,
    /// Rewrite a community's files as one snapshot now (they are compacted on their own
    /// when the log grows); answered once the new snapshot is in place.
    Compact => (),
    /// Mark posts of a thread as read.
    MarkRead => (),
    /// Mark the community's current version as seen (resets "what's new").
    MarkSeen => (),
    /// Stop asking "What came of it?" about this (kept on this device only).
    DismissStoryPrompt => (),
    /// Use these relays (the device's own, besides its communities'), from now on.
    UseRelays => (),
}

/// This device's member id and details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Whoami;

/// Communities on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCommunities;

/// The whole community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Show {
    /// Which community.
    pub community: CommunityId,
}

/// The community's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Which community.
    pub community: CommunityId,
}

/// A page of threads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Threads {
    /// Which community.
    pub community: CommunityId,
    /// Only this kind.
    pub kind: Option<ThreadKind>,
    /// Only this tag.
    pub tag: Option<String>,
    /// After this thread.
    pub after: Option<ThreadId>,
    /// Page size.
    pub limit: usize,
}

/// One thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    /// Which community.
    pub community: CommunityId,
    /// Which thread.
    pub thread: ThreadId,
}

/// The member directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Members {
    /// Which community.
    pub community: CommunityId,
    /// Skill filter.
    pub skill: Option<String>,
    /// Organisation filter.
    pub organisation: Option<String>,
    /// Removed members too (marked by their `removed_at`): the app names them where their
    /// posts and check-ins still show.
    #[serde(default)]
    pub include_removed: bool,
}

/// The community's invites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invites {
    /// Which community.
    pub community: CommunityId,
}

/// Articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Articles {
    /// Which community.
    pub community: CommunityId,
    /// Tag filter.
    pub tag: Option<String>,
}

/// One article as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// Which community.
    pub community: CommunityId,
    /// Which article.
    pub article: ArticleId,
}

/// An article's text as of one of its revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleAt {
    /// Which community.
    pub community: CommunityId,
    /// Which article.
    pub article: ArticleId,
    /// A change from its history (hex).
    pub change: String,
}

/// An article's revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleHistory {
    /// Which community.
    pub community: CommunityId,
    /// Which article.
    pub article: ArticleId,
}

/// Events, upcoming or past.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Events {
    /// Which community.
    pub community: CommunityId,
    /// Past instead of upcoming.
    pub past: bool,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Which community.
    pub community: CommunityId,
    /// Which event.
    pub event: EventId,
}

/// The task board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tasks {
    /// Which community.
    pub community: CommunityId,
}

/// Shared resources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resources {
    /// Which community.
    pub community: CommunityId,
    /// Tag filter.
    pub tag: Option<String>,
}

/// Read markers and the last-seen version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadState {
    /// Which community.
    pub community: CommunityId,
}

/// What others did since the version last marked seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatsNew {
    /// Which community.
    pub community: CommunityId,
}

/// What a member did in the community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contributions {
    /// Which community.
    pub community: CommunityId,
    /// Whose.
    pub member: MemberId,
}

/// Connected peers and sync state per community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status;

/// The document's heads, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heads {
    /// Which community.
    pub community: CommunityId,
}

/// Changes that broke the community's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    /// Which community.
    pub community: CommunityId,
}

/// Full-text search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Search {
    /// Which community.
    pub community: CommunityId,
    /// Words and filters.
    pub search: copse_search::SearchQuery,
}

/// Who knows most about any of these topics (tags, skills, or a question's words): earned
/// expertise first, then declared skills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Experts {
    /// Which community.
    pub community: CommunityId,
    /// The topics.
    pub topics: Vec<String>,
    /// At most this many.
    pub limit: usize,
}

/// Everyone's participation level and the health panel, computed on this device (nothing
/// about anyone's activity leaves it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participation {
    /// Which community.
    pub community: CommunityId,
}

/// One member's participation over the last year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trajectory {
    /// Which community.
    pub community: CommunityId,
    /// Whose.
    pub member: MemberId,
}

/// What concerns this device's member: replies to their threads, their accepted answers,
/// mentions, questions in what they know, meetups within a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForYou {
    /// Which community.
    pub community: CommunityId,
}

/// This device's member's first steps: good first tasks, questions in their skills, the
/// next meetup, a suggested mentor, and their level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartHere {
    /// Which community.
    pub community: CommunityId,
}

/// Members' stories of what came of answers and meetups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stories {
    /// Which community.
    pub community: CommunityId,
    /// Only stories citing this thread.
    pub thread: Option<ThreadId>,
}

/// What this device's member could be asked "What came of it?" about now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryPrompts {
    /// Which community.
    pub community: CommunityId,
}

/// The meetup on now (an event within its time or an hour around it), and which members'
/// devices are here (connected) and up to date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meetup {
    /// Which community.
    pub community: CommunityId,
}

/// What happened at the last meetup (over within 30 days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetupDigest {
    /// Which community.
    pub community: CommunityId,
}

/// Create the identity (if none) and save the member's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Init {
    /// What the member says about themselves.
    pub details: MemberDetails,
}

/// Found a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateCommunity {
    /// Name, domain, objectives, norms.
    pub spec: NewCommunity,
}

/// Apply a command to a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// Which community.
    pub community: CommunityId,
    /// The edit.
    pub command: Command,
}

/// Create an invitation and its ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    /// Which community.
    pub community: CommunityId,
    /// Valid for this long (milliseconds).
    pub valid_ms: i64,
    /// How many may use it.
    pub uses: u64,
    /// Role newcomers get.
    pub role: Role,
}

/// Join a community with a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Join {
    /// The ticket text.
    pub ticket: String,
    /// Who we are (default: the details given at `init`).
    pub details: Option<MemberDetails>,
}

/// Stop waiting for a join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelJoin;

/// Read a community file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    /// The file.
    pub path: PathBuf,
}

/// Write the community as a plain saved Automerge document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    /// Which community.
    pub community: CommunityId,
    /// Where.
    pub out: PathBuf,
}

/// Rewrite a community's files as one snapshot now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compact {
    /// Which community.
    pub community: CommunityId,
}

/// Mark `posts` posts of a thread as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkRead {
    /// Which community.
    pub community: CommunityId,
    /// Which thread.
    pub thread: ThreadId,
    /// How many posts have been seen.
    pub posts: usize,
}

/// Mark the community's current version as seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkSeen {
    /// Which community.
    pub community: CommunityId,
}

/// The relays this device was given (the app's settings), replacing the last list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseRelays {
    /// Relay addresses, each ending in `/p2p/<relay id>`.
    pub relays: Vec<String>,
}

/// Stop asking "What came of it?" about a `StoryPrompt::key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DismissStoryPrompt {
    /// Which community.
    pub community: CommunityId,
    /// The prompt's key.
    pub key: String,
}
