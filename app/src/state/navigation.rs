//! Moving around: the cached first screens at start, opening and closing threads,
//! articles and event notes.

use copse_core::record::ThreadKind;
use copse_core::view::cached::CachedView;
use copse_core::view::events::EventView;
use copse_core::{ArticleId, CommunityId, MemberId, ThreadId};

use super::editor::TextEditor;
use super::loads::View;
use super::{AppState, RailEntry, Screen};

impl AppState {
    /// Shows cached first screens (names, profiles, newest threads) while the communities
    /// load; the real data replaces them as it arrives.
    pub(crate) fn show_cached(&mut self, views: Vec<CachedView>) {
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

    /// Opens `member`'s page in the directory, or closes it if it is open. Their
    /// contributions and trajectory load afresh (a page opened before may be stale).
    pub fn toggle_member(&mut self, c: CommunityId, member: MemberId) {
        let v = self.views.entry(c.clone()).or_default();
        let open = v.member_open.as_ref().is_none_or(|(m, _)| m != &member);
        v.trajectory = None;
        v.member_open = open.then(|| (member.clone(), None));
        self.loaded
            .remove(&View::Contributions(c.clone(), member.clone()));
        self.loaded.remove(&View::Trajectory(c, member));
    }

    /// Opens a thread (loaded when shown, marked read when it arrives).
    pub fn open_thread(&mut self, c: CommunityId, id: ThreadId) {
        let v = self.views.entry(c.clone()).or_default();
        // The reply written in the thread left waits for a return to it.
        let left = std::mem::take(&mut v.reply);
        if let Some(t) = v.thread_id.take()
            && !left.trim().is_empty()
        {
            v.reply_drafts.insert(t, left);
        }
        v.thread = None;
        v.thread_id = Some(id.clone());
        v.reply = v.reply_drafts.remove(&id).unwrap_or_default();
        v.editing_post = None;
        v.scroll_to_post = None;
        v.found_post = None;
        self.loaded.remove(&View::Thread(c, id));
    }

    /// Back to the thread list.
    pub fn close_thread(&mut self) {
        if let Some(v) = self.view_mut() {
            v.thread = None;
            let left = std::mem::take(&mut v.reply);
            if let Some(t) = v.thread_id.take()
                && !left.trim().is_empty()
            {
                v.reply_drafts.insert(t, left);
            }
        }
    }

    /// Opens an article in the editor.
    pub fn open_article(&mut self, c: CommunityId, id: ArticleId) {
        let v = self.views.entry(c.clone()).or_default();
        v.article = Some(TextEditor::new(
            id.clone(),
            String::new(),
            String::new(),
            Vec::new(),
        ));
        v.history = None;
        v.revision = None;
        v.article_editing = false;
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
}
