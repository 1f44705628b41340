//! When to ask a member "Did you use this? What came of it?": two weeks after they
//! accepted an answer to their question, or after a meetup they attended ended; once
//! each (the device remembers what was answered or dismissed), and not about old history.

use std::collections::BTreeSet;

use copse_core::view::stories::StoryView;
use copse_core::{EventId, MemberId, PostId, ThreadId, Timestamp};
use serde::{Deserialize, Serialize};

use crate::ledger::Ledger;
use crate::levels::DAY_MS;

/// Days after the answer or the meetup before asking.
pub const ASK_AFTER_DAYS: i64 = 14;
/// Beyond this many days, it is history: not asked about.
const ASK_WITHIN_DAYS: i64 = 120;

/// What a prompt is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromptKind {
    /// An answer the member accepted to their question.
    Answer,
    /// A meetup the member attended.
    Meetup,
}

/// "Did you use this? What came of it?"
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryPrompt {
    /// About what.
    pub kind: PromptKind,
    /// The question's thread.
    pub thread: Option<ThreadId>,
    /// The accepted answer.
    pub post: Option<PostId>,
    /// The meetup.
    pub event: Option<EventId>,
    /// The thread's or meetup's title.
    pub title: String,
    /// When the answer was accepted or the meetup ended.
    pub at: Timestamp,
}

impl StoryPrompt {
    /// What the device remembers once the member answered or dismissed it.
    pub fn key(&self) -> String {
        cited_key(self.thread.as_ref(), self.event.as_ref()).unwrap_or_default()
    }
}

/// The key of what a prompt or a story is about: its thread, else its meetup.
fn cited_key(thread: Option<&ThreadId>, event: Option<&EventId>) -> Option<String> {
    match (thread, event) {
        (Some(t), _) => Some(format!("thread:{t}")),
        (None, Some(e)) => Some(format!("event:{e}")),
        (None, None) => None,
    }
}

/// Of `prompts`, those still open for `me`: not dismissed on this device (`done`, by
/// key) and not already answered by a story of theirs citing the same thread or meetup.
pub fn still_open(
    prompts: Vec<StoryPrompt>,
    me: &MemberId,
    stories: &[StoryView],
    done: &BTreeSet<String>,
) -> Vec<StoryPrompt> {
    let told: BTreeSet<String> = stories
        .iter()
        .filter(|s| &s.by == me)
        .filter_map(|s| cited_key(s.thread.as_ref(), s.event.as_ref()))
        .collect();
    prompts
        .into_iter()
        .filter(|p| !done.contains(&p.key()) && !told.contains(&p.key()))
        .collect()
}

/// What `me` could be asked about as of `now`, oldest first.
pub fn story_prompts(ledger: &Ledger, me: &MemberId, now: Timestamp) -> Vec<StoryPrompt> {
    let due = |at: i64| {
        at.saturating_add(ASK_AFTER_DAYS * DAY_MS) <= now.0
            && at > now.0.saturating_sub(ASK_WITHIN_DAYS * DAY_MS)
    };
    let mut out: Vec<StoryPrompt> = ledger
        .threads
        .iter()
        .filter(|(_, t)| t.question && t.asked_by == *me && t.accepted_post.is_some())
        .filter_map(|(id, t)| {
            let at = *ledger.accepted_at.get(id)?;
            due(at).then(|| StoryPrompt {
                kind: PromptKind::Answer,
                thread: Some(id.clone()),
                post: t.accepted_post.clone(),
                event: None,
                title: t.title.clone(),
                at: Timestamp(at),
            })
        })
        .collect();
    if let Some(me_index) = ledger.index_of(me) {
        out.extend(
            ledger
                .meetups
                .iter()
                .filter(|(_, m)| m.attendees.contains(&me_index) && due(m.ends_at))
                .map(|(id, m)| StoryPrompt {
                    kind: PromptKind::Meetup,
                    thread: None,
                    post: None,
                    event: Some(id.clone()),
                    title: m.title.clone(),
                    at: Timestamp(m.ends_at),
                }),
        );
    }
    out.sort_by_key(|a| (a.at, a.key()));
    out
}
