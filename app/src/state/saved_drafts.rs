//! What the member was writing, kept across restarts: replies per thread, a new thread, a
//! new article, a meetup being planned and a story, per community. The state takes a
//! snapshot after what the member did ([`AppState::drafts`]) and the backend writes it to
//! `drafts.json` in the profile ([`crate::drafts_file`]); at start it comes back as
//! [`super::AppEvent::Drafts`].

use std::collections::BTreeMap;

use copse_core::record::ThreadKind;
use copse_core::{CommunityId, ThreadId};
use serde::{Deserialize, Serialize};

use super::{AppState, EventDraft, ThreadDraft};

/// Every community's drafts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedDrafts {
    /// By community.
    #[serde(default)]
    pub communities: BTreeMap<CommunityId, CommunityDrafts>,
}

/// One community's drafts (only what has something written in it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityDrafts {
    /// Unsent replies, by thread.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub replies: BTreeMap<ThreadId, String>,
    /// A new discussion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discussion: Option<ThreadDraft>,
    /// A new question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<ThreadDraft>,
    /// A new article: title, text, tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<(String, String, String)>,
    /// A meetup being planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<EventDraft>,
    /// A story.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub story: String,
}

impl CommunityDrafts {
    fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

fn written(d: &ThreadDraft) -> bool {
    !(d.title.is_empty() && d.body.is_empty() && d.tags.is_empty())
}

impl AppState {
    /// What is being written now, in every community.
    pub fn drafts(&self) -> SavedDrafts {
        let mut communities = BTreeMap::new();
        for (id, v) in &self.views {
            let mut replies: BTreeMap<ThreadId, String> = v
                .reply_drafts
                .iter()
                .filter(|(_, text)| !text.trim().is_empty())
                .map(|(t, text)| (t.clone(), text.clone()))
                .collect();
            if let Some(t) = &v.thread_id {
                if v.reply.trim().is_empty() {
                    replies.remove(t);
                } else {
                    replies.insert(t.clone(), v.reply.clone());
                }
            }
            let thread = |kind| v.list(kind).map(|l| l.draft.clone()).filter(written);
            let d = CommunityDrafts {
                replies,
                discussion: thread(ThreadKind::Discussion),
                question: thread(ThreadKind::Question),
                article: v
                    .new_article
                    .clone()
                    .filter(|(t, b, g)| !(t.is_empty() && b.is_empty() && g.is_empty())),
                event: v.event_draft.clone().filter(|e| !e.is_untouched()),
                story: v.story_draft.clone(),
            };
            if !d.is_empty() {
                communities.insert(id.clone(), d);
            }
        }
        SavedDrafts { communities }
    }

    /// Puts the drafts kept at the last run back where they were written.
    pub(crate) fn restore_drafts(&mut self, saved: SavedDrafts) {
        for (id, d) in &saved.communities {
            let v = self.views.entry(id.clone()).or_default();
            v.reply_drafts = d.replies.clone().into_iter().collect();
            if let Some(t) = &v.thread_id
                && let Some(text) = v.reply_drafts.get(t)
            {
                v.reply = text.clone();
            }
            for (kind, draft) in [
                (ThreadKind::Discussion, &d.discussion),
                (ThreadKind::Question, &d.question),
            ] {
                if let Some(draft) = draft {
                    let list = v.list_mut(kind);
                    list.draft = draft.clone();
                    list.composing = true;
                }
            }
            if d.article.is_some() {
                v.new_article = d.article.clone();
            }
            if d.event.is_some() {
                v.event_draft = d.event.clone();
            }
            if !d.story.is_empty() {
                v.story_draft = d.story.clone();
            }
        }
        self.saved_drafts = saved;
    }

    /// After what the member did: the drafts to keep, when they changed.
    pub(crate) fn keep_drafts(&mut self) {
        let now = self.drafts();
        if now != self.saved_drafts {
            self.saved_drafts = now.clone();
            self.outbox.push(super::UiAction::SaveDrafts(now));
        }
    }
}
