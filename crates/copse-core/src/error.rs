//! Errors of core operations. Messages are lowercase and say what to do where they can.

use crate::{
    ArticleId, EventId, InviteId, MemberId, ObjectiveId, PostId, ResourceId, TaskId, ThreadId,
    Timestamp,
};

/// A short description inside an error ("edit the norms", "title").
pub type Label = std::borrow::Cow<'static, str>;

/// Why a command was refused. A refused command leaves the document unchanged. Serializable,
/// so a refusal reads the same after crossing the control socket.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandError {
    /// The edit would break a rule every device applies (a disagreement between the
    /// command's own checks and the guard's: a bug, reported rather than written).
    #[error("this edit breaks the community's rules ({0}); nothing was written")]
    AgainstTheRules(String),
    /// The acting device is not a member of this community.
    #[error("you are not a member of this community")]
    NotAMember,
    /// The acting member was removed.
    #[error("you were removed from this community; you keep what you already had")]
    Removed,
    /// Only coordinators may do this.
    #[error("only a coordinator can {action}")]
    NotCoordinator {
        /// What was attempted.
        action: Label,
    },
    /// A required field was empty.
    #[error("{field} must not be empty")]
    Empty {
        /// Which field.
        field: Label,
    },
    /// A field was longer than allowed.
    #[error("{field} is too long (at most {max} characters)")]
    TooLong {
        /// Which field.
        field: Label,
        /// The limit.
        max: usize,
    },
    /// Too many tags or skills.
    #[error("too many {field} (at most {max})")]
    TooMany {
        /// Which list.
        field: Label,
        /// The limit.
        max: usize,
    },
    /// No such thread.
    #[error("there is no thread {0}")]
    UnknownThread(ThreadId),
    /// No such post in the thread.
    #[error("there is no post {0} in this thread")]
    UnknownPost(PostId),
    /// No such article.
    #[error("there is no article {0}")]
    UnknownArticle(ArticleId),
    /// No such event.
    #[error("there is no event {0}")]
    UnknownEvent(EventId),
    /// No such task.
    #[error("there is no task {0}")]
    UnknownTask(TaskId),
    /// No such resource.
    #[error("there is no resource {0}")]
    UnknownResource(ResourceId),
    /// No such objective.
    #[error("there is no objective {0}")]
    UnknownObjective(ObjectiveId),
    /// No such (current) member.
    #[error("{0} is not a member of this community")]
    UnknownMember(MemberId),
    /// No such invite.
    #[error("this invite is not known to the community; ask for a new one")]
    UnknownInvite(InviteId),
    /// Only questions have accepted answers.
    #[error("only a question can have an accepted answer; this thread is a discussion")]
    NotAQuestion,
    /// The opening post cannot answer its own question.
    #[error("the question itself cannot be its accepted answer; pick a reply")]
    OpeningPostNotAnAnswer,
    /// Someone else's post.
    #[error("you can only edit your own posts")]
    NotYourPost,
    /// Only the asker or a coordinator can accept an answer.
    #[error("only the person who asked or a coordinator can accept an answer")]
    NotAskerOrCoordinator,
    /// RSVP after the event.
    #[error("this event ended on {0}; you can no longer reply to it")]
    EventOver(Timestamp),
    /// Attendance before the event.
    #[error("attendance can be recorded from an hour before the event starts ({0})")]
    EventNotStarted(Timestamp),
    /// End before start.
    #[error("an event must end after it starts")]
    EndsBeforeStart,
    /// A time zone name the IANA database does not know.
    #[error("{0:?} is not a time zone (expected a name like Europe/Oslo)")]
    UnknownTimeZone(String),
    /// A URL that is not http(s) or similar.
    #[error("{0:?} is not a link (expected http://, https:// or similar)")]
    InvalidUrl(String),
    /// A relay address that does not say where the relay is and who it is.
    #[error(
        "{0:?} is not a relay's address (expected e.g. /ip4/203.0.113.5/udp/4001/quic-v1/p2p/12D3KooW…, ending in the relay's id)"
    )]
    InvalidRelay(String),
    /// A relay the community does not list.
    #[error("{0:?} is not one of the community's relays")]
    UnknownRelay(String),
    /// Already a member.
    #[error("{0} is already a member")]
    AlreadyMember(MemberId),
    /// Removing or demoting the last coordinator would leave nobody to steer.
    #[error("a community needs at least one coordinator; appoint another first")]
    LastCoordinator,
    /// An expired invite.
    #[error("this invite expired on {0}; ask a member for a new one")]
    InviteExpired(Timestamp),
    /// A withdrawn invite.
    #[error("this invite was withdrawn; ask a member for a new one")]
    InviteRevoked,
    /// Every use already taken.
    #[error("this invite has already been used; ask a member for a new one")]
    InviteUsedUp,
    /// The secret does not match.
    #[error("this invite's secret is wrong; check that you copied the whole ticket")]
    WrongSecret,
    /// Only the creator or a coordinator can revoke.
    #[error("only the member who created the invite or a coordinator can withdraw it")]
    NotInviteOwner,
    /// A story that cites nothing, or two things.
    #[error("this story cannot be kept: {0}")]
    InvalidStory(String),
    /// Participation thresholds a community cannot use.
    #[error("these participation levels cannot be used: {0}")]
    InvalidLevels(String),
    /// The document rejected the edit (a bug, or a corrupt document).
    #[error("the community document refused the change: {0}")]
    Document(String),
}

impl From<automerge::AutomergeError> for CommandError {
    fn from(e: automerge::AutomergeError) -> Self {
        Self::Document(e.to_string())
    }
}

impl From<autosurgeon::ReconcileError> for CommandError {
    fn from(e: autosurgeon::ReconcileError) -> Self {
        Self::Document(e.to_string())
    }
}

/// Why bytes could not be opened as a community.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocError {
    /// Not an Automerge document at all.
    #[error("not an Automerge document ({0})")]
    NotAutomerge(String),
    /// An Automerge document, but not a Copse community.
    #[error("not a Copse community: {0}")]
    NotACommunity(String),
    /// Written by a newer Copse.
    #[error(
        "this community was written by a newer Copse (schema {found}, this build reads up to {supported}); update Copse to open it"
    )]
    NewerSchema {
        /// Version in the document.
        found: u64,
        /// Newest this build understands.
        supported: u64,
    },
}
