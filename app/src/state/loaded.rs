//! Storing what a load brought into the state: each view's answer, typed by the request
//! that loaded it.

use copse_peer::{Answered, PeerError, ask};

use super::editor::TextEditor;
use super::loads::{PAGE, View};
use super::{AppState, RailEntry, Tab, UiAction};

impl AppState {
    /// A view's data arrived.
    pub(crate) fn loaded(&mut self, view: View, answered: Answered) {
        self.in_flight.remove(&view);
        self.loaded.insert(view.clone());
        match answered.error() {
            None => self.store(&view, answered),
            // Gone (e.g. a removed resource): stop asking, say nothing.
            Some(PeerError::NotFound(_)) => {}
            Some(e) => self.notify(e.to_string(), true),
        }
        self.reload_stale_editors();
    }

    /// Keeps a successful answer where `view` shows it.
    fn store(&mut self, view: &View, answered: Answered) {
        use Answered as A;
        match answered {
            A::ListCommunities(_, Ok(list)) => {
                let rail: Vec<RailEntry> = list
                    .into_iter()
                    .map(|c| {
                        let new_activity = self
                            .rail
                            .iter()
                            .find(|r| r.id == c.id)
                            .is_some_and(|r| r.new_activity);
                        RailEntry {
                            id: c.id,
                            name: c.name,
                            new_activity,
                        }
                    })
                    .collect();
                self.rail = rail;
                if self.rail.is_empty() {
                    self.adding = true;
                } else if self.selected.is_none() && !self.adding {
                    let first = self.rail[0].id.clone();
                    self.select(first);
                }
            }
            A::Status(_, Ok(s)) => self.status = Some(s),
            A::ForYou(q, Ok(items)) => self.for_you_loaded(q.community, items),
            A::Thread(q, Ok(t)) => self.thread_loaded(q, t),
            A::Profile(q, Ok(p)) => self.view_of(&q.community).profile = Some(p),
            A::Members(q, Ok(m)) => self.view_of(&q.community).members = m,
            A::Invites(q, Ok(i)) => self.view_of(&q.community).invites = i,
            A::ReadState(q, Ok(r)) => self.view_of(&q.community).read = r,
            A::WhatsNew(q, Ok(d)) => self.view_of(&q.community).whats_new = Some(d),
            A::Threads(q, Ok(page)) => {
                let Some(kind) = q.kind else {
                    return;
                };
                let list = self.view_of(&q.community).list_mut(kind);
                list.more = page.next.is_some();
                list.pages = list.pages.max(1).max(page.threads.len().div_ceil(PAGE));
                list.loaded_tag = list.tag.clone();
                list.threads = page.threads;
            }
            A::Articles(q, Ok(a)) => self.view_of(&q.community).articles = a,
            A::Meetup(q, Ok(m)) => {
                let cv = self.view_of(&q.community);
                // The room closed: so does its invite.
                if m.event.is_none() {
                    cv.meetup_qr = false;
                }
                cv.meetup = Some(m);
            }
            A::MeetupDigest(q, Ok(d)) => self.view_of(&q.community).meetup_digest = d,
            A::Article(q, Ok(a)) => {
                let cv = self.view_of(&q.community);
                if let Some(e) = cv.article.as_mut().filter(|e| e.id == q.article) {
                    e.title = a.article.summary.title.clone();
                    if e.base.is_empty() {
                        *e = TextEditor::new(
                            q.article,
                            a.article.summary.title,
                            a.article.body,
                            a.heads,
                        );
                    } else {
                        e.offer(a.article.body, a.heads);
                    }
                }
            }
            A::ArticleHistory(q, Ok(h)) => self.view_of(&q.community).history = Some(h),
            A::Events(q, Ok(e)) if q.past => self.view_of(&q.community).past = e,
            A::Events(q, Ok(e)) => self.view_of(&q.community).upcoming = e,
            A::Event(q, Ok(ev)) => {
                let cv = self.view_of(&q.community);
                if let Some(e) = cv.notes.as_mut().filter(|e| e.id == q.event) {
                    if e.base.is_empty() {
                        *e = TextEditor::new(q.event, ev.event.title, ev.event.notes, ev.heads);
                    } else {
                        e.offer(ev.event.notes, ev.heads);
                    }
                }
            }
            A::Tasks(q, Ok(t)) => self.view_of(&q.community).tasks = t,
            A::Contributions(q, Ok(d)) => {
                if let Some((open, digest)) = self.view_of(&q.community).member_open.as_mut()
                    && *open == q.member
                {
                    *digest = Some(d);
                }
            }
            A::Resources(q, Ok(r)) => self.view_of(&q.community).resources = r,
            A::Refused(q, Ok(r)) => self.view_of(&q.community).refused = r,
            A::StartHere(q, Ok(s)) => {
                self.view_of(&q.community).start_here = Some(std::sync::Arc::new(s));
            }
            A::Stories(q, Ok(s)) => self.view_of(&q.community).stories = s,
            A::StoryPrompts(q, Ok(p)) => self.view_of(&q.community).story_prompts = p,
            A::Participation(q, Ok(p)) => {
                self.view_of(&q.community).participation = Some(std::sync::Arc::new(p));
            }
            A::Trajectory(q, Ok(t)) => {
                let cv = self.view_of(&q.community);
                if cv
                    .member_open
                    .as_ref()
                    .is_some_and(|(open, _)| *open == q.member)
                {
                    cv.trajectory = Some(t);
                }
            }
            other => tracing::debug!(?view, request = ?other.request(), "not a view's answer"),
        }
    }

    /// A thread arrived: shown if still open (under its own kind's tab when opened from a
    /// search), and its posts marked read.
    fn thread_loaded(&mut self, q: ask::Thread, t: copse_core::view::threads::ThreadView) {
        let id = q.thread;
        let cv = self.views.entry(q.community.clone()).or_default();
        if !cv.is_open(&id) {
            return;
        }
        let tab = match t.thread.kind {
            copse_core::record::ThreadKind::Question => Tab::Questions,
            copse_core::record::ThreadKind::Discussion => Tab::Discussions,
        };
        if matches!(self.tab, Some(Tab::Discussions | Tab::Questions)) {
            self.tab = Some(tab);
        }
        let posts = t.thread.posts.len();
        let seen = cv.read.read.get(&id).copied().unwrap_or(0);
        cv.thread = Some(t);
        if posts > seen {
            cv.read.read.insert(id.clone(), posts);
            self.outbox.push(UiAction::Request(
                ask::MarkRead {
                    community: q.community,
                    thread: id,
                    posts,
                }
                .into(),
            ));
        }
    }

    fn view_of(&mut self, c: &copse_core::CommunityId) -> &mut super::CommunityView {
        self.views.entry(c.clone()).or_default()
    }

    /// A confirmed edit makes the editor reload to pick up others' edits.
    fn reload_stale_editors(&mut self) {
        let Some(c) = self.selected.clone() else {
            return;
        };
        let Some(cv) = self.views.get(&c) else {
            return;
        };
        let mut stale = Vec::new();
        if let Some(e) = cv
            .article
            .as_ref()
            .filter(|e| e.stale && e.in_flight.is_none())
        {
            stale.push(View::Article(c.clone(), e.id.clone()));
        }
        if let Some(e) = cv
            .notes
            .as_ref()
            .filter(|e| e.stale && e.in_flight.is_none())
        {
            stale.push(View::Event(c.clone(), e.id.clone()));
        }
        self.invalidate(stale);
    }
}
