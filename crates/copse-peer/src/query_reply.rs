//! [`QueryReply`]: the typed answer to a [`crate::Query`].

use std::path::PathBuf;

use copse_core::automerge::ChangeHash;
use copse_core::record::{MemberDetails, Profile};
use copse_core::view::activity::Digest;
use copse_core::view::articles::{ArticleSummary, ArticleView, Revision};
use copse_core::view::events::EventView;
use copse_core::view::members::MemberEntry;
use copse_core::view::resources::ResourceEntry;
use copse_core::view::snapshot::CommunitySnapshot;
use copse_core::view::tasks::TaskBoard;
use copse_core::view::threads::{ThreadPage, ThreadView};
use copse_core::{ArticleId, CommunityId, MemberId};
use serde::{Deserialize, Serialize};

use crate::{LocalState, Status};

/// The answer to a query; one variant per kind of answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryReply {
    /// `Whoami`.
    Whoami(Whoami),
    /// `ListCommunities`.
    Communities(Vec<CommunitySummary>),
    /// `Show`.
    Community(Box<CommunitySnapshot>),
    /// `Profile`.
    Profile(Profile),
    /// `Threads`.
    Threads(ThreadPage),
    /// `Thread`.
    Thread(ThreadView),
    /// `Members`.
    Members(Vec<MemberEntry>),
    /// `Articles`.
    Articles(Vec<ArticleSummary>),
    /// `Article`.
    Article(ArticleNow),
    /// `ArticleAt`.
    Revision(RevisionText),
    /// `ArticleHistory`.
    History(Vec<Revision>),
    /// `Events`.
    Events(Vec<EventView>),
    /// `Event`.
    Event(EventNow),
    /// `Tasks`.
    Tasks(TaskBoard),
    /// `Resources`.
    Resources(Vec<ResourceEntry>),
    /// `ReadState`.
    ReadState(LocalState),
    /// `WhatsNew` and `Contributions`.
    Digest(Digest),
    /// `Status`.
    Status(Status),
    /// `Heads`.
    Heads(Vec<ChangeHash>),
    /// `Refused`, oldest first.
    Refused(Vec<copse_core::guard::Refused>),
    /// `Search`.
    Search(copse_search::SearchResults),
    /// `Experts`, most expert first.
    Experts(Vec<copse_search::Expert>),
    /// `Participation`.
    Participation(Box<copse_search::participation::Participation>),
    /// `Trajectory`.
    Trajectory(copse_search::participation::Trajectory),
    /// `Stories`, newest first.
    Stories(Vec<copse_core::view::stories::StoryView>),
    /// `StoryPrompts`, oldest first.
    StoryPrompts(Vec<copse_search::participation::StoryPrompt>),
    /// `StartHere`.
    StartHere(copse_search::participation::StartHere),
    /// `ForYou`: meetups soon first, then newest first.
    ForYou(Vec<copse_search::participation::ForYouItem>),
    /// `Meetup`.
    Meetup(MeetupNow),
    /// `MeetupDigest`: none when no meetup ended in the last 30 days.
    MeetupDigest(Option<Box<copse_core::view::meetups::MeetupDigest>>),
}

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

impl QueryReply {
    /// The answer as `copse-node --json` prints it: the payload alone.
    pub fn to_json(&self) -> serde_json::Value {
        let v = match self {
            QueryReply::Whoami(x) => serde_json::to_value(x),
            QueryReply::Communities(x) => serde_json::to_value(x),
            QueryReply::Community(x) => serde_json::to_value(x),
            QueryReply::Profile(x) => serde_json::to_value(x),
            QueryReply::Threads(x) => serde_json::to_value(x),
            QueryReply::Thread(x) => serde_json::to_value(x),
            QueryReply::Members(x) => serde_json::to_value(x),
            QueryReply::Articles(x) => serde_json::to_value(x),
            QueryReply::Article(x) => serde_json::to_value(x),
            QueryReply::Revision(x) => serde_json::to_value(x),
            QueryReply::History(x) => serde_json::to_value(x),
            QueryReply::Events(x) => serde_json::to_value(x),
            QueryReply::Event(x) => serde_json::to_value(x),
            QueryReply::Tasks(x) => serde_json::to_value(x),
            QueryReply::Resources(x) => serde_json::to_value(x),
            QueryReply::ReadState(x) => serde_json::to_value(x),
            QueryReply::Digest(x) => serde_json::to_value(x),
            QueryReply::Status(x) => serde_json::to_value(x),
            QueryReply::Heads(x) => serde_json::to_value(x),
            QueryReply::Refused(x) => serde_json::to_value(x),
            QueryReply::Search(x) => serde_json::to_value(x),
            QueryReply::Experts(x) => serde_json::to_value(x),
            QueryReply::Participation(x) => serde_json::to_value(x),
            QueryReply::Trajectory(x) => serde_json::to_value(x),
            QueryReply::ForYou(x) => serde_json::to_value(x),
            QueryReply::StartHere(x) => serde_json::to_value(x),
            QueryReply::Stories(x) => serde_json::to_value(x),
            QueryReply::StoryPrompts(x) => serde_json::to_value(x),
            QueryReply::Meetup(x) => serde_json::to_value(x),
            QueryReply::MeetupDigest(x) => serde_json::to_value(x),
        };
        v.unwrap_or(serde_json::Value::Null)
    }
}
