//! "For you": what in a community concerns one member now: replies to their threads,
//! their answers accepted, posts that mention them, questions waiting in what they know,
//! and meetups in the next 24 hours. From the ledger, on their device.

use std::collections::{BTreeSet, HashMap};

use copse_core::{EventId, MemberId, PostId, ThreadId, Timestamp};
use serde::{Deserialize, Serialize};

use crate::contribution::ContributionKind;
use crate::ledger::Ledger;
use crate::levels::DAY_MS;
use copse_core::record_key::RecordKey;

/// How far back replies, accepted answers and mentions are listed.
pub const RECENT_DAYS: i64 = 30;
/// Waiting questions listed for a member.
const QUESTIONS: usize = 10;

/// What an item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForYouKind {
    /// Others replied to a thread you started.
    Replies,
    /// An answer of yours was accepted.
    Accepted,
    /// A post mentions you (`@Your Name`).
    Mention,
    /// A question nobody has answered, in a topic you know.
    Question,
    /// A meetup starts within 24 hours.
    Meetup,
}

/// One thing for the member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForYouItem {
    /// What it is.
    pub kind: ForYouKind,
    /// The thread it is in, if any.
    pub thread: Option<ThreadId>,
    /// The post (a mention), if any.
    pub post: Option<PostId>,
    /// The meetup, if any.
    pub event: Option<EventId>,
    /// The thread's or meetup's title.
    pub title: String,
    /// Who (repliers, the mentioner, the asker), most recent first.
    pub by: Vec<MemberId>,
    /// How many (replies), else 1.
    pub count: u32,
    /// When (the latest reply; a meetup's start).
    pub at: Timestamp,
    /// It happened after the member last looked (set by the device, which knows when).
    #[serde(default)]
    pub new: bool,
}

/// Everything for `me` as of `now`, newest first (meetups soon first of all).
pub fn for_you(ledger: &Ledger, me: &MemberId, now: Timestamp) -> Vec<ForYouItem> {
    let Some(me_index) = ledger.index_of(me) else {
        return meetups_soon(ledger, now);
    };
    let since = now.0.saturating_sub(RECENT_DAYS * DAY_MS);
    let recent = |at: i64| at > since && at <= now.0;
    let name_of = |i: u32| ledger.member_at(i).cloned();
    let mut out = meetups_soon(ledger, now);

    let mut answered_topics: BTreeSet<String> = BTreeSet::new();
    let mut replies: HashMap<&ThreadId, Vec<(i64, u32)>> = HashMap::new();
    for (key, contributions) in ledger.records() {
        let RecordKey::Thread(id) = key else { continue };
        let Some(facts) = ledger.threads.get(id) else {
            continue;
        };
        for c in contributions {
            match c.kind {
                ContributionKind::Reply | ContributionKind::Answer
                    if facts.asked_by == *me && c.member != me_index && recent(c.at) =>
                {
                    replies.entry(id).or_default().push((c.at, c.member));
                }
                ContributionKind::Answer if c.member == me_index => {
                    answered_topics.extend(facts.tags.iter().cloned());
                }
                ContributionKind::AcceptedAnswer
                    if c.member == me_index
                        && recent(ledger.accepted_at.get(id).copied().unwrap_or(c.at)) =>
                {
                    out.push(ForYouItem {
                        kind: ForYouKind::Accepted,
                        thread: Some(id.clone()),
                        post: None,
                        event: None,
                        title: facts.title.clone(),
                        by: vec![facts.asked_by.clone()],
                        count: 1,
                        // When it was accepted (the answer may be older).
                        at: Timestamp(ledger.accepted_at.get(id).copied().unwrap_or(c.at)),
                        new: false,
                    });
                }
                _ => {}
            }
        }
    }
    for (id, mut posts) in replies {
        posts.sort_unstable_by(|a, b| b.cmp(a));
        let mut by: Vec<MemberId> = Vec::new();
        for (_, m) in &posts {
            if let Some(m) = name_of(*m).filter(|m| !by.contains(m)) {
                by.push(m);
            }
        }
        out.push(ForYouItem {
            kind: ForYouKind::Replies,
            thread: Some(id.clone()),
            post: None,
            event: None,
            title: ledger
                .threads
                .get(id)
                .map(|t| t.title.clone())
                .unwrap_or_default(),
            by,
            count: u32::try_from(posts.len()).unwrap_or(u32::MAX),
            at: Timestamp(posts[0].0),
            new: false,
        });
    }

    if let Some(me_facts) = ledger.directory.get(me) {
        let handle = format!("@{}", me_facts.name.to_lowercase());
        for (id, facts) in &ledger.threads {
            for m in &facts.mentions {
                if m.by != me_index && recent(m.at) && mentions(&m.text, &handle) {
                    out.push(ForYouItem {
                        kind: ForYouKind::Mention,
                        thread: Some(id.clone()),
                        post: Some(m.post.clone()),
                        event: None,
                        title: facts.title.clone(),
                        by: name_of(m.by).into_iter().collect(),
                        count: 1,
                        at: Timestamp(m.at),
                        new: false,
                    });
                }
            }
        }
        let mut topics: BTreeSet<String> = answered_topics;
        topics.extend(me_facts.skills.iter().map(|s| s.to_lowercase()));
        let mut waiting: Vec<ForYouItem> = ledger
            .threads
            .iter()
            .filter(|(_, t)| t.question && !t.answered && !t.accepted && t.asked_by != *me)
            .filter(|(_, t)| t.asked_at <= now.0 && t.tags.iter().any(|g| topics.contains(g)))
            .map(|(id, t)| ForYouItem {
                kind: ForYouKind::Question,
                thread: Some(id.clone()),
                post: None,
                event: None,
                title: t.title.clone(),
                by: vec![t.asked_by.clone()],
                count: 1,
                at: Timestamp(t.asked_at),
                new: false,
            })
            .collect();
        waiting.sort_by(|a, b| (b.at, &b.thread).cmp(&(a.at, &a.thread)));
        waiting.truncate(QUESTIONS);
        out.extend(waiting);
    }
    out.sort_by(|a, b| {
        let soon = |i: &ForYouItem| i.kind == ForYouKind::Meetup;
        (soon(b), b.at, &b.thread, &b.post).cmp(&(soon(a), a.at, &a.thread, &a.post))
    });
    out
}

/// Whether `text` (lowercased) has `handle` (`@name`, lowercased) not followed by more of
/// a name (so `@ada` is not found in `@adam`).
fn mentions(text: &str, handle: &str) -> bool {
    text.match_indices(handle).any(|(i, _)| {
        text[i + handle.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
    })
}

fn meetups_soon(ledger: &Ledger, now: Timestamp) -> Vec<ForYouItem> {
    let until = now.0.saturating_add(DAY_MS);
    let mut out: Vec<ForYouItem> = ledger
        .meetups
        .iter()
        .filter(|(_, m)| m.starts_at > now.0 && m.starts_at <= until)
        .map(|(id, m)| ForYouItem {
            kind: ForYouKind::Meetup,
            thread: None,
            post: None,
            event: Some(id.clone()),
            title: m.title.clone(),
            by: Vec::new(),
            count: 1,
            at: Timestamp(m.starts_at),
            new: false,
        })
        .collect();
    out.sort_by(|a, b| (a.at, &a.event).cmp(&(b.at, &b.event)));
    out
}
