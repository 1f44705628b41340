//! The answers to reads that are not views of copse-core or copse-search as they are: a
//! device's identity, the community list, and views paired with the version they were read
//! at.

use std::path::PathBuf;

use copse_core::record::MemberDetails;
use copse_core::view::articles::ArticleView;
use copse_core::view::events::EventView;
use copse_core::{ArticleId, CommunityId, MemberId};
use serde::{Deserialize, Serialize};

pub use copse_hub::Exported;

/// A meetup in progress, as this device sees the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetupNow {
    /// The event on now, if any.
    pub event: Option<EventView>,
    /// Other members whose devices are connected to this one now (found on the local
    /// network by mDNS, or reached any other way), with their sync state.
    pub here: Vec<copse_hub::PeerStatus>,
}

impl MeetupNow {
    /// Devices here (this one included) that have everything this one has.
    pub fn up_to_date(&self) -> usize {
        1 + self.here.iter().filter(|p| p.up_to_date).count()
    }

    /// Devices here, this one included.
    pub fn devices(&self) -> usize {
        1 + self.here.len()
    }
}

/// This device's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Whoami {
    /// Member id.
    pub member_id: MemberId,
    /// What the member said about themselves at `init`.
    pub details: MemberDetails,
    /// The profile directory.
    pub profile_dir: PathBuf,
}

/// A community in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunitySummary {
    /// Id.
    pub id: CommunityId,
    /// Name.
    pub name: String,
    /// Domain.
    pub domain: String,
    /// Current members.
    pub members: usize,
    /// Threads.
    pub threads: usize,
}

/// An article now, and the document version it is read at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleNow {
    /// The article.
    #[serde(flatten)]
    pub article: ArticleView,
    /// Document heads (hex).
    pub heads: Vec<String>,
}

/// An article's text at a revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionText {
    /// Which article.
    pub id: ArticleId,
    /// Its title now.
    pub title: String,
    /// The revision (a change hash).
    pub at: String,
    /// The text then.
    pub body: String,
}

/// An event now, and the document version it is read at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventNow {
    /// The event.
    #[serde(flatten)]
    pub event: EventView,
    /// Document heads (hex).
    pub heads: Vec<String>,
}
