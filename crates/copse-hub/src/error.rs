//! [`PeerError`]: why something a member asked of their device failed, typed so that the
//! app matches variants (never the text), and serializable so that an error reads the same
//! after crossing the control socket.

use copse_core::sync::JoinRefusal;
use copse_core::ticket::TicketError;
use copse_core::{ArticleId, CommandError, CommunityId, DocError, EventId, ThreadId, Timestamp};
use serde::{Deserialize, Serialize};

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerError {
    /// `init` has not run on this profile.
    #[error("this profile has no identity yet; run `copse-node init --name \"Your Name\"` first")]
    NoIdentity,
    /// The community is not on this device.
    #[error("community {0} is not on this device (see `copse-node community list`)")]
    UnknownCommunity(CommunityId),
    /// The community's rules refused the command.
    #[error(transparent)]
    Refused(CommandError),
    /// Something the request named does not exist.
    #[error(transparent)]
    NotFound(Missing),
    /// Saving or loading failed (the message says what and what to do).
    #[error("{0}")]
    Store(String),
    /// Bytes that are not a community this build can open.
    #[error(transparent)]
    BadDocument(DocError),
    /// An invite ticket that cannot be read.
    #[error(transparent)]
    BadTicket(TicketError),
    /// Joining failed.
    #[error(transparent)]
    Join(JoinFailure),
    /// A request the member must fix.
    #[error("{0}")]
    Invalid(String),
    /// Too much is going on; nothing was done.
    #[error("Copse is busy; try again in a moment")]
    Busy,
    /// The runtime is not running.
    #[error("the Copse runtime has stopped")]
    Stopped,
}

/// What a request named that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// A thread.
    #[error("there is no thread {0}")]
    Thread(ThreadId),
    /// An article.
    #[error("there is no article {0}")]
    Article(ArticleId),
    /// An event.
    #[error("there is no event {0}")]
    Event(EventId),
    /// A revision of an article.
    #[error("{0} is not a revision of this article")]
    Revision(String),
}

/// Why joining with a ticket failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinFailure {
    /// This device is a member already.
    #[error("you are already a member of {0}")]
    AlreadyMember(String),
    /// The member refused; `expires_at` is the ticket's, to say when it expired.
    #[error("{}", refusal_text(*.refusal, *.expires_at))]
    Refused {
        /// The code the member answered with.
        refusal: JoinRefusal,
        /// The ticket's expiry.
        expires_at: Timestamp,
    },
    /// No member listed in the ticket answered.
    #[error(
        "could not reach the inviter or any other member of {name} ({tried}). Ask the inviter to open Copse (or run `copse-node serve`) and try again, or ask for a fresh ticket"
    )]
    Unreachable {
        /// The community's name.
        name: String,
        /// Who was tried and what happened.
        tried: String,
    },
    /// The member answered with another community.
    #[error("the member answered with a different community")]
    WrongCommunity,
    /// The member answered with a community in which we are not a member.
    #[error("the member answered, but did not admit us")]
    NotAdmitted,
    /// The answer could not be opened as the community.
    #[error("the member's copy of the community could not be opened: {0}")]
    BadCopy(String),
    /// The newcomer stopped waiting.
    #[error("joining was cancelled")]
    Cancelled,
    /// Too late to cancel: the community arrived and is being loaded.
    #[error("the community has arrived and is being loaded; it can no longer be cancelled")]
    Arrived,
    /// Joining needs the network.
    #[error("joining needs the network; this request must go to a running peer")]
    NeedsNetwork,
}

fn refusal_text(refusal: JoinRefusal, expires_at: Timestamp) -> String {
    match refusal {
        JoinRefusal::Expired => format!(
            "this invite expired on {}; ask a member for a new one",
            expires_at.to_utc_string()
        ),
        other => other.to_string(),
    }
}

impl From<CommandError> for PeerError {
    fn from(e: CommandError) -> Self {
        Self::Refused(e)
    }
}

impl From<DocError> for PeerError {
    fn from(e: DocError) -> Self {
        Self::BadDocument(e)
    }
}

impl From<TicketError> for PeerError {
    fn from(e: TicketError) -> Self {
        Self::BadTicket(e)
    }
}

impl From<Missing> for PeerError {
    fn from(e: Missing) -> Self {
        Self::NotFound(e)
    }
}

impl From<JoinFailure> for PeerError {
    fn from(e: JoinFailure) -> Self {
        Self::Join(e)
    }
}
