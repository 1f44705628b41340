//! [`Query`]: what a client reads from a device. Answered from the documents in memory
//! (and the device's local read markers); never changes a community.

use copse_core::record::ThreadKind;
use copse_core::{ArticleId, CommunityId, EventId, MemberId, ThreadId};
use serde::{Deserialize, Serialize};

/// A read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "query", rename_all = "snake_case")]
pub enum Query {
    /// This device's member id and details.
    Whoami,
    /// Communities on this device.
    ListCommunities,
    /// The whole community (a full traversal: scripts and tests, not screens).
    Show {
        /// Which community.
        community: CommunityId,
    },
    /// The community's profile (name, domain, objectives, norms).
    Profile {
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
    /// One article as it is now, with the document's heads (the version an editor starts
    /// from).
    Article {
        /// Which community.
        community: CommunityId,
        /// Which article.
        article: ArticleId,
    },
    /// An article's text as of one of its revisions.
    ArticleAt {
        /// Which community.
        community: CommunityId,
        /// Which article.
        article: ArticleId,
        /// A change from its history (hex).
        change: String,
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
    /// One event, with the document's heads (for its notes editor).
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
    /// Read markers and the last-seen version (local to this device).
    ReadState {
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
        member: MemberId,
    },
    /// Connected peers and sync state per community.
    Status,
    /// The document's heads, sorted: equal heads mean identical documents.
    Heads {
        /// Which community.
        community: CommunityId,
    },
    /// Changes from members that broke the community's rules and were not applied.
    Refused {
        /// Which community.
        community: CommunityId,
    },
    /// Full-text search (this device's index; answered once it has caught up).
    Search {
        /// Which community.
        community: CommunityId,
        /// Words and filters.
        search: copse_search::SearchQuery,
    },
    /// Who knows most about any of these topics (tags, skills, or a question's words):
    /// earned expertise first, then declared skills.
    Experts {
        /// Which community.
        community: CommunityId,
        /// The topics.
        topics: Vec<String>,
        /// At most this many.
        limit: usize,
    },
    /// Everyone's participation level and the community's health panel, computed on this
    /// device (nothing about anyone's activity leaves it).
    Participation {
        /// Which community.
        community: CommunityId,
    },
    /// What concerns this device's member: replies to their threads, their accepted
    /// answers, mentions, questions in what they know, meetups within a day.
    ForYou {
        /// Which community.
        community: CommunityId,
    },
    /// This device's member's first steps: good first tasks, questions in their skills,
    /// the next meetup, a suggested mentor, and their level.
    StartHere {
        /// Which community.
        community: CommunityId,
    },
    /// Members' stories of what came of answers and meetups, newest first; only those
    /// citing `thread` if given.
    Stories {
        /// Which community.
        community: CommunityId,
        /// Only stories citing this thread.
        thread: Option<ThreadId>,
    },
    /// What this device's member could be asked "What came of it?" about now.
    StoryPrompts {
        /// Which community.
        community: CommunityId,
    },
    /// The meetup on now (an event within its time or an hour around it), and which
    /// members' devices are here (connected) and up to date.
    Meetup {
        /// Which community.
        community: CommunityId,
    },
    /// What happened at the last meetup (over within 30 days): who came, the notes,
    /// threads started and questions answered during it.
    MeetupDigest {
        /// Which community.
        community: CommunityId,
    },
    /// One member's participation over the last year.
    Trajectory {
        /// Which community.
        community: CommunityId,
        /// Whose.
        member: MemberId,
    },
}
