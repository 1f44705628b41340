//! Which data each visible screen needs, and the request that loads it.

use copse_core::record::ThreadKind;
use copse_core::{ArticleId, CommunityId, EventId, MemberId, ThreadId};
use copse_peer::{Request, ask};

use super::UiAction;

use super::{AppState, Screen, Tab};

/// Threads per page.
pub(crate) const PAGE: usize = 50;

/// Something the UI shows that is loaded from the runtime.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    /// Communities on this device.
    Communities,
    /// Network status.
    Status,
    /// A community's profile.
    Profile(CommunityId),
    /// Members.
    Members(CommunityId),
    /// Invites (whether the ticket shown still admits anyone).
    Invites(CommunityId),
    /// Read markers.
    ReadState(CommunityId),
    /// What's new.
    WhatsNew(CommunityId),
    /// A thread list.
    Threads(CommunityId, ThreadKind),
    /// One thread.
    Thread(CommunityId, ThreadId),
    /// Articles.
    Articles(CommunityId),
    /// One article (text and heads).
    Article(CommunityId, ArticleId),
    /// An article's revisions.
    History(CommunityId, ArticleId),
    /// Upcoming events.
    Upcoming(CommunityId),
    /// Past events.
    Past(CommunityId),
    /// One event (for its notes).
    Event(CommunityId, EventId),
    /// The task board.
    Tasks(CommunityId),
    /// A member's contributions.
    Contributions(CommunityId, MemberId),
    /// Resources.
    Resources(CommunityId),
    /// Members' edits the guard refused.
    Refused(CommunityId),
    Participation(CommunityId),
    Trajectory(CommunityId, MemberId),
    ForYou(CommunityId),
    StartHere(CommunityId),
    Stories(CommunityId),
    StoryPrompts(CommunityId),
    /// The meetup on now and who is here.
    Meetup(CommunityId),
    /// What happened at the last meetup.
    MeetupDigest(CommunityId),
}

impl View {
    /// The community it belongs to.
    pub fn community(&self) -> Option<&CommunityId> {
        match self {
            View::Communities | View::Status => None,
            View::Profile(c)
            | View::Members(c)
            | View::Invites(c)
            | View::ReadState(c)
            | View::WhatsNew(c)
            | View::Threads(c, _)
            | View::Thread(c, _)
            | View::Articles(c)
            | View::Article(c, _)
            | View::History(c, _)
            | View::Upcoming(c)
            | View::Past(c)
            | View::Event(c, _)
            | View::Tasks(c)
            | View::Contributions(c, _)
            | View::Resources(c)
            | View::Refused(c)
            | View::Participation(c)
            | View::ForYou(c)
            | View::StartHere(c)
            | View::Stories(c)
            | View::StoryPrompts(c)
            | View::Meetup(c)
            | View::MeetupDigest(c)
            | View::Trajectory(c, _) => Some(c),
        }
    }

    /// The request that loads it, given the state (page counts, filters).
    pub fn request(&self, state: &AppState) -> Request {
        let community = |c: &CommunityId| c.clone();
        match self {
            View::Communities => ask::ListCommunities.into(),
            View::Status => ask::Status.into(),
            View::Profile(c) => ask::Profile {
                community: community(c),
            }
            .into(),
            View::Invites(c) => ask::Invites {
                community: community(c),
            }
            .into(),
            View::Members(c) => ask::Members {
                community: community(c),
                skill: None,
                organisation: None,
                include_removed: true,
            }
            .into(),
            View::ReadState(c) => ask::ReadState {
                community: community(c),
            }
            .into(),
            View::WhatsNew(c) => ask::WhatsNew {
                community: community(c),
            }
            .into(),
            View::Threads(c, kind) => {
                let list = state.views.get(c).and_then(|v| v.list(*kind));
                let tag = list
                    .map(|l| l.tag.trim().to_lowercase())
                    .filter(|t| !t.is_empty());
                let pages = list.map_or(1, |l| l.pages.max(1));
                ask::Threads {
                    community: community(c),
                    kind: Some(*kind),
                    tag,
                    after: None,
                    limit: PAGE * pages,
                }
                .into()
            }
            View::Thread(c, t) => ask::Thread {
                community: community(c),
                thread: t.clone(),
            }
            .into(),
            View::Articles(c) => ask::Articles {
                community: community(c),
                tag: None,
            }
            .into(),
            View::Article(c, a) => ask::Article {
                community: community(c),
                article: a.clone(),
            }
            .into(),
            View::History(c, a) => ask::ArticleHistory {
                community: community(c),
                article: a.clone(),
            }
            .into(),
            View::Upcoming(c) => ask::Events {
                community: community(c),
                past: false,
            }
            .into(),
            View::Past(c) => ask::Events {
                community: community(c),
                past: true,
            }
            .into(),
            View::Event(c, e) => ask::Event {
                community: community(c),
                event: e.clone(),
            }
            .into(),
            View::Tasks(c) => ask::Tasks {
                community: community(c),
            }
            .into(),
            View::Contributions(c, m) => ask::Contributions {
                community: community(c),
                member: m.clone(),
            }
            .into(),
            View::Resources(c) => ask::Resources {
                community: community(c),
                tag: None,
            }
            .into(),
            View::Refused(c) => ask::Refused {
                community: community(c),
            }
            .into(),
            View::Participation(c) => ask::Participation {
                community: community(c),
            }
            .into(),
            View::Trajectory(c, m) => ask::Trajectory {
                community: community(c),
                member: m.clone(),
            }
            .into(),
            View::ForYou(c) => ask::ForYou {
                community: community(c),
            }
            .into(),
            View::StartHere(c) => ask::StartHere {
                community: community(c),
            }
            .into(),
            View::Stories(c) => ask::Stories {
                community: community(c),
                thread: None,
            }
            .into(),
            View::StoryPrompts(c) => ask::StoryPrompts {
                community: community(c),
            }
            .into(),
            View::Meetup(c) => ask::Meetup {
                community: community(c),
            }
            .into(),
            View::MeetupDigest(c) => ask::MeetupDigest {
                community: community(c),
            }
            .into(),
        }
    }
}

impl AppState {
    /// Loads asked and not answered yet, and views waiting to be reloaded (for a test's
    /// report when a wait times out).
    pub fn loads_pending(&self) -> (Vec<View>, Vec<View>) {
        (
            self.in_flight.iter().cloned().collect(),
            self.dirty.iter().cloned().collect(),
        )
    }

    /// The views the current screen shows.
    pub fn visible_views(&self) -> Vec<View> {
        if self.screen() != Screen::Main || self.me.is_none() {
            return Vec::new();
        }
        let mut out = vec![View::Communities];
        // Every community's "For you": its count shows on the rail.
        out.extend(self.rail.iter().map(|r| View::ForYou(r.id.clone())));
        let Some(c) = self.selected.clone() else {
            return out;
        };
        out.extend([
            View::Profile(c.clone()),
            View::Members(c.clone()),
            View::ReadState(c.clone()),
        ]);
        let v = self.views.get(&c);
        match self.tab() {
            Tab::Overview => out.extend([
                View::WhatsNew(c.clone()),
                View::Upcoming(c.clone()),
                View::Refused(c.clone()),
                View::Participation(c.clone()),
                View::StartHere(c.clone()),
                View::Stories(c.clone()),
                View::StoryPrompts(c.clone()),
                View::Meetup(c.clone()),
                View::MeetupDigest(c.clone()),
            ]),
            Tab::Discussions | Tab::Questions => {
                let kind = if self.tab() == Tab::Questions {
                    ThreadKind::Question
                } else {
                    ThreadKind::Discussion
                };
                out.push(View::Threads(c.clone(), kind));
                if let Some(t) = v.and_then(|v| v.thread_id.as_ref()) {
                    out.push(View::Thread(c.clone(), t.clone()));
                    out.push(View::Stories(c.clone()));
                }
            }
            Tab::Knowledge => {
                out.push(View::Articles(c.clone()));
                if let Some(e) = v.and_then(|v| v.article.as_ref()) {
                    out.push(View::Article(c.clone(), e.id.clone()));
                    out.push(View::Stories(c.clone()));
                    if v.is_some_and(|v| v.history.is_some()) {
                        out.push(View::History(c.clone(), e.id.clone()));
                    }
                }
            }
            Tab::Events => {
                out.extend([
                    View::Upcoming(c.clone()),
                    View::Past(c.clone()),
                    View::Meetup(c.clone()),
                ]);
                if let Some(n) = v.and_then(|v| v.notes.as_ref()) {
                    out.push(View::Event(c.clone(), n.id.clone()));
                }
            }
            Tab::Tasks => out.push(View::Tasks(c.clone())),
            Tab::Members => {
                out.push(View::Participation(c.clone()));
                if let Some((m, _)) = v.and_then(|v| v.member_open.as_ref()) {
                    out.push(View::Contributions(c.clone(), m.clone()));
                    out.push(View::Trajectory(c.clone(), m.clone()));
                }
            }
            Tab::Resources => out.push(View::Resources(c.clone())),
            Tab::Peers => {
                out.push(View::Status);
                if v.is_some_and(|v| v.ticket.is_some()) {
                    out.push(View::Invites(c.clone()));
                }
            }
        }
        out
    }

    /// Requests for visible views that were never loaded or went stale, and for pending
    /// editor changes. Call once per frame; marks what it returns as in flight.
    pub fn wanted_loads(&mut self) -> Vec<UiAction> {
        let mut out = Vec::new();
        for view in self.visible_views() {
            if self.in_flight.contains(&view) {
                continue;
            }
            if self.loaded.contains(&view) && !self.dirty.contains(&view) {
                continue;
            }
            self.dirty.remove(&view);
            out.push(UiAction::Load {
                request: view.request(self),
                view: view.clone(),
            });
            self.in_flight.insert(view);
        }
        // Collaborative editors send their typing as soon as nothing is in flight.
        if let Some(c) = self.selected.clone()
            && let Some(v) = self.views.get_mut(&c)
        {
            if let Some(e) = v.article.as_mut()
                && let Some((body, base)) = e.take_edit()
            {
                out.push(UiAction::Request(
                    ask::Edit {
                        community: c.clone(),
                        command: copse_core::Command::EditArticle {
                            article: e.id.clone(),
                            body,
                            base: Some(base),
                        },
                    }
                    .into(),
                ));
            }
            if let Some(e) = v.notes.as_mut()
                && let Some((notes, base)) = e.take_edit()
            {
                out.push(UiAction::Request(
                    ask::Edit {
                        community: c.clone(),
                        command: copse_core::Command::EditEventNotes {
                            event: e.id.clone(),
                            notes,
                            base: Some(base),
                        },
                    }
                    .into(),
                ));
            }
        }
        out
    }

    /// Marks views stale so they reload when visible.
    pub fn invalidate(&mut self, views: impl IntoIterator<Item = View>) {
        self.dirty.extend(views);
    }

    /// Marks every view loaded so far stale (events were missed).
    pub fn invalidate_all(&mut self) {
        let all: Vec<View> = self.loaded.iter().cloned().collect();
        self.dirty.extend(all);
    }
}
