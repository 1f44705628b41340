//! Storing what a load brought into the state: each [`QueryReply`] into the view it loads.

use copse_peer::{PeerError, Query, QueryReply, Reply, Request};

use super::editor::TextEditor;
use super::loads::{PAGE, View};
use super::{AppState, RailEntry, Tab, UiAction};

impl AppState {
    /// A query finished.
    pub(crate) fn loaded(&mut self, query: Query, result: Result<Reply, PeerError>) {
        let Some(view) = View::of(&query) else {
            // Not a load: a revision's text for the history panel, searches.
            match (&query, result) {
                // Said where the results would be, once per search (not as a notice per
                // keystroke); an experts list without an answer just stays empty.
                (Query::Search { community, search }, Err(e)) => {
                    self.search_failed(community, search, e.to_string());
                }
                (Query::Experts { .. }, Err(e)) => tracing::debug!("experts: {e}"),
                (_, result) => self.not_a_load(&query, result),
            }
            return;
        };
        self.in_flight.remove(&view);
        self.loaded.insert(view.clone());
        match result {
            Ok(Reply::Query(reply)) => self.store(&view, reply),
            Ok(_) => {}
            // Gone (e.g. a removed resource): stop asking, say nothing.
            Err(PeerError::NotFound(_)) => {}
            Err(e) => self.notify(e.to_string(), true),
        }
        self.reload_stale_editors();
    }

    /// A reply to a query that loads no view.
    fn not_a_load(&mut self, query: &Query, result: Result<Reply, PeerError>) {
        match result {
            Ok(Reply::Query(QueryReply::Revision(r))) => {
                if let Some(v) = self.view_mut() {
                    v.revision = Some((r.at, r.body));
                }
            }
            Ok(Reply::Query(QueryReply::Search(r))) => {
                if let Query::Search { community, search } = query {
                    self.searched(community, search, r);
                }
            }
            Ok(Reply::Query(QueryReply::Experts(found))) => {
                if let Query::Experts {
                    community, topics, ..
                } = query
                {
                    self.experts_found(community, topics, found);
                }
            }
            Ok(_) => {}
            Err(e) => self.notify(e.to_string(), true),
        }
    }

    fn store(&mut self, view: &View, reply: QueryReply) {
        match (view, reply) {
            (View::Communities, QueryReply::Communities(list)) => {
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
            (View::Status, QueryReply::Status(s)) => self.status = Some(s),
            (View::ForYou(c), QueryReply::ForYou(items)) => self.for_you_loaded(c.clone(), items),
            (view, reply) => {
                let Some(c) = view.community().cloned() else {
                    return;
                };
                let cv = self.views.entry(c.clone()).or_default();
                match (view, reply) {
                    (View::Profile(_), QueryReply::Profile(p)) => cv.profile = Some(p),
                    (View::Members(_), QueryReply::Members(m)) => cv.members = m,
                    (View::ReadState(_), QueryReply::ReadState(r)) => cv.read = r,
                    (View::WhatsNew(_), QueryReply::Digest(d)) => cv.whats_new = Some(d),
                    (View::Threads(_, kind), QueryReply::Threads(page)) => {
                        let list = cv.list_mut(*kind);
                        list.more = page.next.is_some();
                        list.pages = list.pages.max(1).max(page.threads.len().div_ceil(PAGE));
                        list.loaded_tag = list.tag.clone();
                        list.threads = page.threads;
                    }
                    (View::Thread(_, id), QueryReply::Thread(t)) if cv.is_open(id) => {
                        // Opened from a search result: show it under its own kind's tab.
                        let tab = match t.thread.kind {
                            copse_core::record::ThreadKind::Question => Tab::Questions,
                            copse_core::record::ThreadKind::Discussion => Tab::Discussions,
                        };
                        if matches!(self.tab, Some(Tab::Discussions | Tab::Questions)) {
                            self.tab = Some(tab);
                        }
                        let posts = t.thread.posts.len();
                        let seen = cv.read.read.get(id).copied().unwrap_or(0);
                        cv.thread = Some(t);
                        if posts > seen {
                            cv.read.read.insert(id.clone(), posts);
                            self.outbox.push(UiAction::Request(Request::MarkRead {
                                community: c,
                                thread: id.clone(),
                                posts,
                            }));
                        }
                    }
                    (View::Articles(_), QueryReply::Articles(a)) => cv.articles = a,
                    (View::Meetup(_), QueryReply::Meetup(m)) => {
                        // The room closed: so does its invite.
                        if m.event.is_none() {
                            cv.meetup_qr = false;
                        }
                        cv.meetup = Some(m);
                    }
                    (View::MeetupDigest(_), QueryReply::MeetupDigest(d)) => {
                        cv.meetup_digest = d.map(|d| *d);
                    }
                    (View::Article(_, id), QueryReply::Article(a)) => {
                        if let Some(e) = cv.article.as_mut().filter(|e| &e.id == id) {
                            e.title = a.article.summary.title.clone();
                            if e.base.is_empty() {
                                *e = TextEditor::new(
                                    id.clone(),
                                    a.article.summary.title,
                                    a.article.body,
                                    a.heads,
                                );
                            } else {
                                e.offer(a.article.body, a.heads);
                            }
                        }
                    }
                    (View::History(_, _), QueryReply::History(h)) => cv.history = Some(h),
                    (View::Upcoming(_), QueryReply::Events(e)) => cv.upcoming = e,
                    (View::Past(_), QueryReply::Events(e)) => cv.past = e,
                    (View::Event(_, id), QueryReply::Event(ev)) => {
                        if let Some(e) = cv.notes.as_mut().filter(|e| &e.id == id) {
                            if e.base.is_empty() {
                                *e = TextEditor::new(
                                    id.clone(),
                                    ev.event.title,
                                    ev.event.notes,
                                    ev.heads,
                                );
                            } else {
                                e.offer(ev.event.notes, ev.heads);
                            }
                        }
                    }
                    (View::Tasks(_), QueryReply::Tasks(t)) => cv.tasks = t,
                    (View::Contributions(_, m), QueryReply::Digest(d)) => {
                        if let Some((open, digest)) = cv.member_open.as_mut()
                            && open == m
                        {
                            *digest = Some(d);
                        }
                    }
                    (View::Resources(_), QueryReply::Resources(r)) => cv.resources = r,
                    (View::Refused(_), QueryReply::Refused(r)) => cv.refused = r,
                    (View::StartHere(_), QueryReply::StartHere(s)) => {
                        cv.start_here = Some(std::sync::Arc::new(s));
                    }
                    (View::Stories(_), QueryReply::Stories(s)) => cv.stories = s,
                    (View::StoryPrompts(_), QueryReply::StoryPrompts(p)) => cv.story_prompts = p,
                    (View::Participation(_), QueryReply::Participation(p)) => {
                        cv.participation = Some(std::sync::Arc::from(p));
                    }
                    (View::Trajectory(_, m), QueryReply::Trajectory(t))
                        if cv.member_open.as_ref().is_some_and(|(open, _)| open == m) =>
                    {
                        cv.trajectory = Some(t);
                    }
                    _ => {}
                }
            }
        }
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
