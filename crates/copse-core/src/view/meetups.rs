//! Meetups as they happen and after: the event whose room is open now, and for members who
//! were not there, what happened during the last one.

use automerge::{ObjId, ObjType, ReadDoc, Value};
use serde::{Deserialize, Serialize};

use super::events::{EventView, MEETUP_MARGIN_MS, in_meetup_window, pick_event};
use super::threads::thread;
use crate::doc_read::{DocRead, get_i64, get_obj, get_str, root};
use crate::record::ThreadKind;
use crate::schema::THREADS;
use crate::view::members::read_member;
use crate::{MemberId, ThreadId, Timestamp};

/// How long after a meetup its digest is offered.
pub const DIGEST_DAYS: i64 = 30;

const DAY_MS: i64 = 86_400_000;

/// The event whose meetup is on at `now` (its time, or an hour around it); of two that
/// overlap, the one that started last.
pub fn in_progress<D: ReadDoc>(doc: &D, now: Timestamp) -> Option<EventView> {
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

/// The digest of the last meetup that ended by `now`, within [`DIGEST_DAYS`].
pub fn last_meetup<D: DocRead>(doc: &D, now: Timestamp) -> Option<MeetupDigest> {
    let since = now.plus_millis(-DIGEST_DAYS * DAY_MS);
    let event = pick_event(doc, |times| {
        times
            .iter()
            .filter(|(_, _, e)| *e <= now && *e > since)
            .max_by(|a, b| a.2.cmp(&b.2).then_with(|| a.0.cmp(&b.0)))
            .map(|(id, ..)| id.clone())
    })?;
    let from = event.starts_at.plus_millis(-MEETUP_MARGIN_MS);
    let to = event.ends_at.plus_millis(MEETUP_MARGIN_MS);
    let during = |t: Timestamp| t >= from && t < to;
    let mut threads_started = Vec::new();
    let mut questions_answered = Vec::new();
    if let Some(threads) = root(doc, THREADS) {
        // A few reads per thread; only a question answered since the meetup began is read
        // whole, to date its accepted answer.
        for item in ReadDoc::map_range(doc, &threads, ..) {
            let obj = item.id();
            let Ok(id) = item.key.parse::<ThreadId>() else {
                continue;
            };
            let title = || get_str(doc, &obj, "title").unwrap_or_default();
            if get_i64(doc, &obj, "created_at").is_some_and(|t| during(Timestamp(t))) {
                threads_started.push((
                    get_i64(doc, &obj, "created_at").unwrap_or(0),
                    ThreadBrief {
                        id: id.clone(),
                        title: title(),
                    },
                ));
            }
            let answered = get_str(doc, &obj, "accepted_post").is_some_and(|p| !p.is_empty());
            if answered
                && get_str(doc, &obj, "kind").as_deref() == Some(ThreadKind::Question.as_str())
                && last_post_at(doc, &obj).is_some_and(|t| t >= from)
                && thread(doc, &id)
                    .and_then(|v| v.accepted().map(|p| during(p.created_at)))
                    .unwrap_or(false)
            {
                questions_answered.push(ThreadBrief { id, title: title() });
            }
        }
    }
    threads_started.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
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
        threads_started: threads_started.into_iter().map(|(_, t)| t).collect(),
        questions_answered,
    })
}

/// When a thread's last post was written.
fn last_post_at<D: ReadDoc>(doc: &D, thread: &ObjId) -> Option<Timestamp> {
    let posts = get_obj(doc, thread, "posts", ObjType::List)?;
    let n = doc.length(&posts);
    match doc.get(&posts, n.checked_sub(1)?).ok().flatten() {
        Some((Value::Object(ObjType::Map), last)) => {
            get_i64(doc, &last, "created_at").map(Timestamp)
        }
        _ => None,
    }
}
