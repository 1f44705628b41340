//! [`AppState::apply`]: how replies and peer events change the state. Pure: it only
//! changes the state (including its outbox); the backend performs the I/O.

use copse_core::record::ThreadKind;
use copse_core::view::activity::Digest;
use copse_core::view::articles::{ArticleSummary, ArticleView, Revision};
use copse_core::view::events::EventView;
use copse_core::view::members::MemberEntry;
use copse_core::view::resources::ResourceEntry;
use copse_core::view::tasks::TaskBoard;
use copse_core::view::threads::{ThreadPage, ThreadView};
use copse_core::{Command, CommunityId};
use copse_peer::{LocalState, PeerEvent, Request, Status};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::editor::TextEditor;
use super::loads::{PAGE, View};
use super::{AppEvent, AppState, RailEntry, Screen, Tab};

fn parse<T: DeserializeOwned>(v: &Value) -> Option<T> {
    serde_json::from_value(v.clone()).ok()
}

fn heads_of(v: &Value) -> Vec<String> {
    v["heads"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|h| h.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The views a change with this command may have changed.
fn touched(c: &CommunityId, cmd: &str, obj: Option<&str>) -> Vec<View> {
    let c = c.clone();
    let mut v = Vec::new();
    match cmd {
        "start_thread" | "reply" | "edit_post" | "accept_answer" => {
            v.push(View::Threads(c.clone(), ThreadKind::Discussion));
            v.push(View::Threads(c.clone(), ThreadKind::Question));
            if let Some(t) = obj.and_then(|o| o.parse().ok()) {
                v.push(View::Thread(c.clone(), t));
            }
        }
        "create_article" | "promote_to_article" | "edit_article" | "splice_article"
        | "set_article_meta" => {
            v.push(View::Articles(c.clone()));
            if let Some(a) = obj.and_then(|o| o.parse::<copse_core::ArticleId>().ok()) {
                v.push(View::Article(c.clone(), a.clone()));
                v.push(View::History(c.clone(), a));
            }
        }
        "create_event" | "rsvp" | "record_attendance" | "edit_event_notes" => {
            v.push(View::Upcoming(c.clone()));
            v.push(View::Past(c.clone()));
            if let Some(e) = obj.and_then(|o| o.parse().ok()) {
                v.push(View::Event(c.clone(), e));
            }
        }
        "create_task" | "assign_task" | "move_task" | "set_task_due" => {
            v.push(View::Tasks(c.clone()))
        }
        "add_resource" | "remove_resource" => v.push(View::Resources(c.clone())),
        "update_profile" | "add_objective" | "set_objective" => {
            v.push(View::Profile(c.clone()));
            v.push(View::Communities);
        }
        "admit" | "remove_member" | "set_role" | "update_my_details" | "set_my_addrs" => {
            v.push(View::Members(c.clone()));
            v.push(View::Status);
        }
        _ => {}
    }
    v.push(View::WhatsNew(c));
    v
}

impl AppState {
    /// Applies an event from the backend.
    pub fn apply(&mut self, event: AppEvent) {
        match event {
            AppEvent::NeedsIdentity => self.screen = Some(Screen::Welcome),
            AppEvent::Cached(views) => self.show_cached(views),
            AppEvent::Ready { member, details } => {
                self.me = Some((member, details));
                self.screen = Some(Screen::Main);
                self.invalidate([View::Communities]);
            }
            AppEvent::Fatal(message) => {
                self.fatal = Some(message);
                self.screen = Some(Screen::Fatal);
            }
            AppEvent::Reply { request, result } => self.on_reply(request, result),
            AppEvent::Peer(ev) => self.on_peer(ev),
        }
    }

    fn on_peer(&mut self, ev: PeerEvent) {
        match ev {
            PeerEvent::CommunityChanged {
                community,
                local,
                changes,
            } => {
                let mut views = Vec::new();
                for ch in &changes {
                    views.extend(touched(&community, &ch.cmd, ch.obj.as_deref()));
                }
                self.invalidate(views);
                if !local
                    && self.selected.as_ref() != Some(&community)
                    && let Some(r) = self.rail.iter_mut().find(|r| r.id == community)
                {
                    r.new_activity = true;
                }
            }
            PeerEvent::PeerConnected { member } => {
                self.connected.insert(member);
                self.invalidate([View::Status]);
            }
            PeerEvent::PeerDisconnected { member } => {
                self.connected.remove(&member);
                self.invalidate([View::Status]);
            }
            PeerEvent::SyncState { .. } => self.invalidate([View::Status]),
            PeerEvent::Listening { .. } => self.invalidate([View::Status]),
            PeerEvent::Joined { .. } => self.invalidate([View::Communities]),
            PeerEvent::Removed { name, .. } => {
                self.notify(format!("You were removed from {name}. You keep what you already had; nothing new will reach you."), true);
            }
            PeerEvent::Error { message } => self.notify(message, true),
        }
    }

    fn on_reply(&mut self, request: Request, result: Result<Value, String>) {
        if let Some(view) = View::of(&request) {
            self.in_flight.remove(&view);
            match &result {
                Ok(v) => {
                    self.loaded.insert(view.clone());
                    self.store(&view, v);
                }
                Err(e) => {
                    // Gone (e.g. a deleted resource): stop asking; otherwise say so.
                    self.loaded.insert(view);
                    if !e.contains("there is no") {
                        self.notify(e.clone(), true);
                    }
                }
            }
            return;
        }
        match request {
            Request::CreateCommunity { .. } => match result {
                Ok(v) => {
                    if let Some(id) = v["id"].as_str().and_then(|s| s.parse().ok()) {
                        self.new_community = Default::default();
                        self.invalidate([View::Communities]);
                        self.select(id);
                        self.notify(
                            "Community created. Invite members from the Peers tab.",
                            false,
                        );
                    }
                }
                Err(e) => self.notify(e, true),
            },
            Request::Join { .. } => {
                self.joining = false;
                match result {
                    Ok(v) => {
                        self.join_ticket.clear();
                        self.invalidate([View::Communities]);
                        if let Some(id) = v["community"].as_str().and_then(|s| s.parse().ok()) {
                            self.select(id);
                        }
                        self.notify(
                            format!(
                                "Welcome to {}!",
                                v["name"].as_str().unwrap_or("the community")
                            ),
                            false,
                        );
                    }
                    Err(e) => self.notify(format!("Could not join: {e}"), true),
                }
            }
            Request::Invite { community, .. } => match result {
                Ok(v) => {
                    let ticket = v["ticket"].as_str().map(str::to_owned);
                    self.views.entry(community).or_default().ticket = ticket;
                }
                Err(e) => self.notify(e, true),
            },
            Request::Execute { community, command } => self.on_executed(community, command, result),
            Request::Export { out, .. } => match result {
                Ok(_) => self.notify(format!("Exported to {}", out.display()), false),
                Err(e) => self.notify(e, true),
            },
            Request::Import { .. } => match result {
                Ok(v) => {
                    self.invalidate([View::Communities]);
                    let what = if v["created"].as_bool().unwrap_or(false) {
                        "Added"
                    } else {
                        "Merged"
                    };
                    self.notify(format!("{what} the community from the file."), false);
                }
                Err(e) => self.notify(e, true),
            },
            Request::MarkSeen { community } => {
                if result.is_ok() {
                    self.invalidate([
                        View::WhatsNew(community.clone()),
                        View::ReadState(community),
                    ]);
                }
            }
            _ => {
                if let Err(e) = result {
                    self.notify(e, true);
                }
            }
        }
    }

    fn on_executed(
        &mut self,
        community: CommunityId,
        command: Command,
        result: Result<Value, String>,
    ) {
        let view = self.views.entry(community.clone()).or_default();
        match (&command, &result) {
            (Command::EditArticle { .. }, Ok(v)) => {
                if let Some(e) = view.article.as_mut() {
                    e.confirmed(v["change"].as_str().map(str::to_owned));
                }
            }
            (Command::EditArticle { .. }, Err(_)) => {
                if let Some(e) = view.article.as_mut() {
                    e.failed();
                }
            }
            (Command::EditEventNotes { .. }, Ok(v)) => {
                if let Some(e) = view.notes.as_mut() {
                    e.confirmed(v["change"].as_str().map(str::to_owned));
                }
            }
            (Command::EditEventNotes { .. }, Err(_)) => {
                if let Some(e) = view.notes.as_mut() {
                    e.failed();
                }
            }
            (Command::StartThread { kind, .. }, Ok(v)) => {
                let list = view.list_mut(*kind);
                list.draft = Default::default();
                list.composing = false;
                if let Some(id) = v["created"]["id"].as_str().and_then(|s| s.parse().ok()) {
                    self.open_thread(community.clone(), id);
                }
            }
            (Command::Reply { .. }, Ok(_)) => view.reply.clear(),
            (Command::EditPost { .. }, Ok(_)) => view.editing_post = None,
            (Command::CreateArticle { .. } | Command::PromoteToArticle { .. }, Ok(v)) => {
                view.new_article = None;
                if let Some(id) = v["created"]["id"].as_str().and_then(|s| s.parse().ok()) {
                    self.tab = Some(Tab::Knowledge);
                    self.open_article(community.clone(), id);
                }
            }
            (Command::CreateEvent { .. }, Ok(_)) => view.event_draft = None,
            (Command::CreateTask { .. }, Ok(_)) => view.task_draft = Default::default(),
            (Command::AddResource { .. }, Ok(_)) => view.resource_draft = Default::default(),
            (Command::UpdateProfile { .. }, Ok(_)) => view.norms_draft = None,
            (Command::AddObjective { .. }, Ok(_)) => view.objective_draft.clear(),
            _ => {}
        }
        if let Err(e) = result {
            self.notify(e, true);
        }
    }

    /// Shows cached first screens (names, profiles, newest threads) while the communities
    /// load; the real data replaces them as it arrives.
    fn show_cached(&mut self, views: Vec<copse_core::view::cached::CachedView>) {
        self.screen = Some(Screen::Main);
        for cv in views {
            if !self.rail.iter().any(|r| r.id == cv.community) {
                self.rail.push(RailEntry {
                    id: cv.community.clone(),
                    name: cv.profile.name.clone(),
                    new_activity: false,
                });
            }
            let view = self.views.entry(cv.community.clone()).or_default();
            view.profile.get_or_insert(cv.profile);
            for kind in [ThreadKind::Discussion, ThreadKind::Question] {
                let list = view.list_mut(kind);
                if list.threads.is_empty() {
                    list.threads = cv
                        .threads
                        .threads
                        .iter()
                        .filter(|t| t.kind == kind)
                        .cloned()
                        .collect();
                    list.more = true;
                }
            }
        }
        if self.selected.is_none()
            && let Some(first) = self.rail.first().map(|r| r.id.clone())
        {
            self.select(first);
        }
    }

    /// Opens a thread (loaded when shown, marked read when it arrives).
    pub fn open_thread(&mut self, c: CommunityId, id: copse_core::ThreadId) {
        let v = self.views.entry(c.clone()).or_default();
        v.thread = None;
        v.thread_id = Some(id.clone());
        v.reply.clear();
        v.editing_post = None;
        self.loaded.remove(&View::Thread(c, id));
    }

    /// Back to the thread list.
    pub fn close_thread(&mut self) {
        if let Some(v) = self.view_mut() {
            v.thread = None;
            v.thread_id = None;
        }
    }

    /// Opens an article in the editor.
    pub fn open_article(&mut self, c: CommunityId, id: copse_core::ArticleId) {
        let v = self.views.entry(c.clone()).or_default();
        v.article = Some(TextEditor::new(
            id.clone(),
            String::new(),
            String::new(),
            Vec::new(),
        ));
        v.history = None;
        v.revision = None;
        self.loaded.remove(&View::Article(c, id));
    }

    /// Opens an event's shared notes.
    pub fn open_notes(&mut self, c: CommunityId, ev: &EventView) {
        let v = self.views.entry(c.clone()).or_default();
        v.notes = Some(TextEditor::new(
            ev.id.clone(),
            ev.title.clone(),
            ev.notes.clone(),
            Vec::new(),
        ));
        self.loaded.remove(&View::Event(c, ev.id.clone()));
    }

    fn store(&mut self, view: &View, v: &Value) {
        match view {
            View::Communities => {
                let entries: Vec<RailEntry> = v
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|c| {
                                let id = c["id"].as_str()?.parse().ok()?;
                                let old = self
                                    .rail
                                    .iter()
                                    .find(|r| r.id == id)
                                    .is_some_and(|r| r.new_activity);
                                Some(RailEntry {
                                    id,
                                    name: c["name"].as_str().unwrap_or("").to_owned(),
                                    new_activity: old,
                                })
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                self.rail = entries;
                if self.rail.is_empty() {
                    self.adding = true;
                } else if self.selected.is_none() && !self.adding {
                    let first = self.rail[0].id.clone();
                    self.select(first);
                }
            }
            View::Status => self.status = parse::<Status>(v),
            _ => {
                let Some(c) = view.community().cloned() else {
                    return;
                };
                let cv = self.views.entry(c.clone()).or_default();
                match view {
                    View::Profile(_) => cv.profile = parse(v),
                    View::Members(_) => {
                        cv.members = parse::<Vec<MemberEntry>>(v).unwrap_or_default()
                    }
                    View::ReadState(_) => cv.read = parse::<LocalState>(v).unwrap_or_default(),
                    View::WhatsNew(_) => cv.whats_new = parse::<Digest>(v),
                    View::Threads(_, kind) => {
                        if let Some(page) = parse::<ThreadPage>(v) {
                            let list = cv.list_mut(*kind);
                            list.more = page.next.is_some();
                            list.pages = list.pages.max(1).max(page.threads.len().div_ceil(PAGE));
                            list.loaded_tag = list.tag.clone();
                            list.threads = page.threads;
                        }
                    }
                    View::Thread(_, id) => {
                        if cv.is_open(id)
                            && let Some(t) = parse::<ThreadView>(v)
                        {
                            let posts = t.thread.posts.len();
                            let seen = cv.read.read.get(id).copied().unwrap_or(0);
                            cv.thread = Some(t);
                            if posts > seen {
                                cv.read.read.insert(id.clone(), posts);
                                self.outbox
                                    .push(super::UiAction::Request(Request::MarkRead {
                                        community: c,
                                        thread: id.clone(),
                                        posts,
                                    }));
                            }
                        }
                    }
                    View::Articles(_) => {
                        cv.articles = parse::<Vec<ArticleSummary>>(v).unwrap_or_default()
                    }
                    View::Article(_, id) => {
                        if let (Some(a), Some(e)) = (parse::<ArticleView>(v), cv.article.as_mut())
                            && &e.id == id
                        {
                            e.title = a.summary.title.clone();
                            if e.base.is_empty() {
                                *e = TextEditor::new(
                                    id.clone(),
                                    a.summary.title,
                                    a.body,
                                    heads_of(v),
                                );
                            } else {
                                e.offer(a.body, heads_of(v));
                            }
                        }
                    }
                    View::History(_, _) => cv.history = parse::<Vec<Revision>>(v),
                    View::Upcoming(_) => {
                        cv.upcoming = parse::<Vec<EventView>>(v).unwrap_or_default()
                    }
                    View::Past(_) => cv.past = parse::<Vec<EventView>>(v).unwrap_or_default(),
                    View::Event(_, id) => {
                        if let (Some(ev), Some(e)) = (parse::<EventView>(v), cv.notes.as_mut())
                            && &e.id == id
                        {
                            if e.base.is_empty() {
                                *e = TextEditor::new(id.clone(), ev.title, ev.notes, heads_of(v));
                            } else {
                                e.offer(ev.notes, heads_of(v));
                            }
                        }
                    }
                    View::Tasks(_) => cv.tasks = parse::<TaskBoard>(v).unwrap_or_default(),
                    View::Contributions(_, m) => {
                        if let Some((open, digest)) = cv.member_open.as_mut()
                            && open == m
                        {
                            *digest = parse::<Digest>(v);
                        }
                    }
                    View::Resources(_) => {
                        cv.resources = parse::<Vec<ResourceEntry>>(v).unwrap_or_default()
                    }
                    View::Communities | View::Status => {}
                }
            }
        }
        // A confirmed edit makes the editor reload to pick up others' edits.
        if let Some(c) = self.selected.clone()
            && let Some(cv) = self.views.get(&c)
        {
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
}
