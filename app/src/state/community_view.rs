//! The data of one community, as loaded for its screens.

use std::collections::HashMap;

use copse_core::record::{Profile, ThreadKind};
use copse_core::view::activity::Digest;
use copse_core::view::articles::{ArticleSummary, Revision};
use copse_core::view::events::EventView;
use copse_core::view::members::MemberEntry;
use copse_core::view::resources::ResourceEntry;
use copse_core::view::tasks::TaskBoard;
use copse_core::view::threads::{ThreadSummary, ThreadView};
use copse_core::{ArticleId, EventId, MemberId, PostId, ThreadId};
use copse_peer::LocalState;

use super::drafts::{EventDraft, ResourceDraft, TaskDraft, ThreadDraft};
use super::editor::TextEditor;

/// A thread list (discussions or questions).
#[derive(Debug, Clone, Default)]
pub struct ThreadListView {
    /// Loaded threads, newest first (pages appended).
    pub threads: Vec<ThreadSummary>,
    /// More to load after the last one.
    pub more: bool,
    /// Pages loaded.
    pub pages: usize,
    /// Tag filter.
    pub tag: String,
    /// The tag filter the loaded threads match.
    pub loaded_tag: String,
    /// "New thread" form.
    pub draft: ThreadDraft,
    /// Showing the form.
    pub composing: bool,
}

/// Which members the directory shows by participation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelFilter {
    /// Members at this level.
    Level(copse_peer::participation::Level),
    /// Coordinators (a role, at any level).
    Coordinators,
}

/// Everything loaded for one community.
#[derive(Debug, Default)]
pub struct CommunityView {
    /// Profile.
    pub profile: Option<Profile>,
    /// What's new since last seen.
    pub whats_new: Option<Digest>,
    /// Thread lists by kind.
    pub lists: HashMap<ThreadKind, ThreadListView>,
    /// The open thread's id.
    pub thread_id: Option<ThreadId>,
    /// The open thread, once loaded.
    pub thread: Option<ThreadView>,
    /// Reply being written in the open thread.
    pub reply: String,
    /// Replies written in other threads, kept while another is open.
    pub reply_drafts: std::collections::HashMap<ThreadId, String>,
    /// A post being edited (id, text).
    pub editing_post: Option<(PostId, String)>,
    /// Read markers.
    pub read: LocalState,
    /// Articles.
    pub articles: Vec<ArticleSummary>,
    /// Article tag filter.
    pub article_tag: String,
    /// The open article's editor.
    pub article: Option<TextEditor<ArticleId>>,
    /// The open article shows its editor (else it reads as rendered Markdown).
    pub article_editing: bool,
    /// Its revisions, when the history is open.
    pub history: Option<Vec<Revision>>,
    /// A revision's text being viewed (change, text).
    pub revision: Option<(String, String)>,
    /// New article form (title, body, tags).
    pub new_article: Option<(String, String, String)>,
    /// Upcoming events.
    pub upcoming: Vec<EventView>,
    /// Past events.
    pub past: Vec<EventView>,
    /// The meetup on now, and who is here.
    pub meetup: Option<copse_peer::MeetupNow>,
    /// The last meetup's digest (none: no meetup over in the last 30 days).
    pub meetup_digest: Option<copse_core::view::meetups::MeetupDigest>,
    /// The newcomers' invite is shown large at the meetup (asked for, or arrived).
    pub meetup_qr: bool,
    /// That invite's ticket, once made (apart from the Peers tab's own invites).
    pub meetup_ticket: Option<String>,
    /// The open event's notes editor.
    pub notes: Option<TextEditor<EventId>>,
    /// New event form.
    pub event_draft: Option<EventDraft>,
    /// Task board.
    pub tasks: TaskBoard,
    /// New task form.
    pub task_draft: TaskDraft,
    /// Members, removed ones too (so their posts and check-ins keep their names); see
    /// [`CommunityView::current_members`].
    pub members: Vec<MemberEntry>,
    /// Directory filters (skill, organisation).
    pub member_filter: (String, String),
    /// What concerns this member here (replies, accepted answers, mentions, questions in
    /// what they know, meetups soon), meetups first, then newest first.
    pub for_you: Vec<copse_peer::participation::ForYouItem>,
    /// Members' stories, newest first.
    pub stories: Vec<copse_core::view::stories::StoryView>,
    /// What this member could be asked "What came of it?" about (the first is asked).
    pub story_prompts: Vec<copse_peer::participation::StoryPrompt>,
    /// The story being written for the first prompt.
    pub story_draft: String,
    /// This member's first steps (shown while they are at the periphery).
    pub start_here: Option<std::sync::Arc<copse_peer::participation::StartHere>>,
    /// Everyone's participation level and the health panel.
    pub participation: Option<std::sync::Arc<copse_peer::participation::Participation>>,
    /// The open member's last year (for the member open in the directory).
    pub trajectory: Option<copse_peer::participation::Trajectory>,
    /// Members tab: only members at this level (`None`: all).
    pub level_filter: Option<LevelFilter>,
    /// Coordinators: the thresholds being edited.
    pub level_rule_draft: Option<copse_core::record::LevelRule>,
    /// The member whose contributions are shown.
    pub member_open: Option<(MemberId, Option<Digest>)>,
    /// Resources.
    pub resources: Vec<ResourceEntry>,
    /// New resource form.
    pub resource_draft: ResourceDraft,
    /// The last invite ticket made here.
    pub ticket: Option<String>,
    /// Its invite.
    pub ticket_invite: Option<copse_core::InviteId>,
    /// The community's invites (loaded while a ticket shows: is it used up?).
    pub invites: Vec<copse_core::view::members::InviteEntry>,
    /// Invite options (uses, days).
    pub invite_uses: u64,
    /// Export path field.
    pub export_path: String,
    /// Import path field.
    pub import_path: String,
    /// Editing the norms (coordinators).
    pub norms_draft: Option<String>,
    /// New objective text (coordinators).
    pub objective_draft: String,
    /// A relay's address being added (coordinators).
    pub relay_draft: String,
    /// Members' edits the guard refused, oldest first.
    pub refused: Vec<copse_core::guard::Refused>,
    /// The search box and its results.
    pub search: super::SearchState,
    /// Who knows about the skill typed in the Members tab.
    pub who_knows: super::ExpertsAsked,
    /// Members suggested for the question being written.
    pub suggested: super::ExpertsAsked,
    /// A post to bring into view once its thread shows (opened from a search result).
    pub scroll_to_post: Option<copse_core::PostId>,
    /// The post a search result opened, marked while its thread is open.
    pub found_post: Option<copse_core::PostId>,
}

impl CommunityView {
    /// The members who are not removed.
    pub fn current_members(&self) -> impl Iterator<Item = &MemberEntry> {
        self.members.iter().filter(|m| m.member.is_current())
    }

    /// The list for `kind`.
    pub fn list(&self, kind: ThreadKind) -> Option<&ThreadListView> {
        self.lists.get(&kind)
    }

    /// The list for `kind`, created on first use.
    pub fn list_mut(&mut self, kind: ThreadKind) -> &mut ThreadListView {
        self.lists.entry(kind).or_default()
    }

    /// Unread posts in a thread (all of them if never opened).
    pub fn unread(&self, t: &ThreadSummary) -> usize {
        let seen = self.read.read.get(&t.id).copied().unwrap_or(0);
        (t.replies + 1).saturating_sub(seen)
    }

    /// An event this view holds (the lists, the meetup on now, the last meetup's digest).
    pub fn event(&self, id: &EventId) -> Option<&EventView> {
        let now = self.meetup.as_ref().and_then(|m| m.event.as_ref());
        let digest = self.meetup_digest.as_ref().map(|d| &d.event);
        self.upcoming
            .iter()
            .chain(&self.past)
            .chain(now)
            .chain(digest)
            .find(|e| &e.id == id)
    }

    /// Whether the open thread is `id`.
    pub fn is_open(&self, id: &ThreadId) -> bool {
        self.thread_id.as_ref() == Some(id)
    }
}
