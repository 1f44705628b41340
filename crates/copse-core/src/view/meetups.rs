//! Meetups as they happen and after: the event whose room is open now, and for members who
//! were not there, what happened during the last one.

use serde::{Deserialize, Serialize};

use super::events::{EventView, MEETUP_MARGIN_MS, in_meetup_window, pick_event};
use crate::doc_read::DocRead;
use crate::view::members::read_member;
use crate::{MemberId, ThreadId, Timestamp};

/// How long after a meetup its digest is offered.
pub const DIGEST_DAYS: i64 = 30;

const DAY_MS: i64 = 86_400_000;

/// The event whose meetup is on at `now` (its time, or an hour around it); of two that
/// overlap, the one that started last.
pub fn in_progress<D: crate::DocRead>(doc: &D, now: Timestamp) -> Option<EventView> {
    pick_event(doc, |times| {
        times
            .iter()
            .filter(|(_, s, e)| in_meetup_window(*s, *e, now))
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)))
            .map(|(id, ..)| id.clone())
    })
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

/// The last meetup that ended by `now`, within [`DIGEST_DAYS`], and who came (by name).
/// Its threads are left empty: they come from the participation ledger
/// (`copse_search::participation::meetup_digest`), which knows when answers were accepted
/// without walking the threads.
pub fn last_meetup<D: DocRead>(doc: &D, now: Timestamp) -> Option<MeetupDigest> {
    let since = now.plus_millis(-DIGEST_DAYS * DAY_MS);
    let event = pick_event(doc, |times| {
        times
            .iter()
            .filter(|(_, _, e)| *e <= now && *e > since)
            .max_by(|a, b| a.2.cmp(&b.2).then_with(|| a.0.cmp(&b.0)))
            .map(|(id, ..)| id.clone())
    })?;
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
        threads_started: Vec::new(),
        questions_answered: Vec::new(),
    })
}

/// What counts as "during" a meetup: its time and the hour around it.
pub fn window(event: &EventView) -> (Timestamp, Timestamp) {
    (
        event.starts_at.plus_millis(-MEETUP_MARGIN_MS),
        event.ends_at.plus_millis(MEETUP_MARGIN_MS),
    )
}
