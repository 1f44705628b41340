//! Meetups as they happen and after: the event whose room is open now, and for members who
//! were not there, what happened during the last one.

use automerge::ReadDoc;
use serde::{Deserialize, Serialize};

use super::events::{EventView, MEETUP_MARGIN_MS, all_events};
use super::threads::{ThreadQuery, thread, thread_page};
use crate::doc_read::DocRead;
use crate::record::ThreadKind;
use crate::view::members::read_member;
use crate::{MemberId, ThreadId, Timestamp};

/// How long after a meetup its digest is offered.
pub const DIGEST_DAYS: i64 = 30;

const DAY_MS: i64 = 86_400_000;

/// The event whose meetup is on at `now` (its time, or an hour around it); of two that
/// overlap, the one that started last.
pub fn in_progress<D: ReadDoc>(doc: &D, now: Timestamp) -> Option<EventView> {
    all_events(doc)
        .into_iter()
        .filter(|e| e.in_meetup_window(now))
        .max_by(|a, b| a.starts_at.cmp(&b.starts_at).then_with(|| a.id.cmp(&b.id)))
}

/// A thread that moved during a meetup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadBrief {
    /// Which thread.
    pub id: ThreadId,
    /// Its title.
    pub title: String,
}

/// What happened at a meetup, for those who were not there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetupDigest {
    /// The meetup (the notes: `notes`).
    pub event: EventView,
    /// Who came (recorded attendance), with their names, by name.
    pub came: Vec<(MemberId, String)>,
    /// Threads started during it (the hour around included), oldest first.
    pub threads_started: Vec<ThreadBrief>,
    /// Questions whose accepted answer was written during it.
    pub questions_answered: Vec<ThreadBrief>,
}

/// The digest of the last meetup that ended by `now`, within [`DIGEST_DAYS`].
pub fn last_meetup<D: DocRead>(doc: &D, now: Timestamp) -> Option<MeetupDigest> {
    let since = now.plus_millis(-DIGEST_DAYS * DAY_MS);
    let event = all_events(doc)
        .into_iter()
        .filter(|e| e.ends_at <= now && e.ends_at > since)
        .max_by(|a, b| a.ends_at.cmp(&b.ends_at).then_with(|| a.id.cmp(&b.id)))?;
    let from = event.starts_at.plus_millis(-MEETUP_MARGIN_MS);
    let to = event.ends_at.plus_millis(MEETUP_MARGIN_MS);
    let during = |t: Timestamp| t >= from && t < to;
    let all = thread_page(
        doc,
        &ThreadQuery {
            limit: usize::MAX,
            ..ThreadQuery::default()
        },
    );
    let mut threads_started: Vec<_> = all
        .threads
        .iter()
        .filter(|t| during(t.created_at))
        .map(|t| (t.created_at, t))
        .collect();
    threads_started.sort_by_key(|(at, t)| (*at, t.id.clone()));
    let questions_answered = all
        .threads
        .iter()
        // Only a question answered and active since the meetup began can qualify: read
        // those few whole.
        .filter(|t| t.kind == ThreadKind::Question && t.answered && t.last_activity >= from)
        .filter(|t| {
            thread(doc, &t.id)
                .and_then(|v| v.accepted().map(|p| during(p.created_at)))
                .unwrap_or(false)
        })
        .map(brief)
        .collect();
    let mut came: Vec<(MemberId, String)> = event
        .attended
        .iter()
        .map(|m| {
            let name = read_member(doc, m).map(|x| x.name).unwrap_or_default();
            (m.clone(), name)
        })
        .collect();
    came.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    Some(MeetupDigest {
        came,
        event,
        threads_started: threads_started.into_iter().map(|(_, t)| brief(t)).collect(),
        questions_answered,
    })
}

fn brief(t: &super::threads::ThreadSummary) -> ThreadBrief {
    ThreadBrief {
        id: t.id.clone(),
        title: t.title.clone(),
    }
}
