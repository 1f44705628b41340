//! Events: upcoming and past, with answers and attendance.

use std::collections::BTreeMap;

use automerge::{ObjId, ObjType, ReadDoc};
use serde::{Deserialize, Serialize};

use crate::doc_read::{get_i64, get_obj, get_str, root};
use crate::record::Rsvp;
use crate::schema::EVENTS;
use crate::schema::field;
use crate::{EventId, MemberId, Timestamp};

/// An event with everyone's answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    /// Id.
    pub id: EventId,
    /// Title.
    pub title: String,
    /// What it is about.
    pub description: String,
    /// Start.
    pub starts_at: Timestamp,
    /// End.
    pub ends_at: Timestamp,
    /// Where.
    pub place: String,
    /// The IANA zone where it happens (absent in events planned before zones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Organiser.
    pub created_by: MemberId,
    /// Answers by member.
    pub rsvp: BTreeMap<MemberId, Rsvp>,
    /// Who attended.
    pub attended: Vec<MemberId>,
    /// Shared notes.
    pub notes: String,
}

/// How long an event lasts when its end is not given (the app's form, the CLI).
pub const DEFAULT_LENGTH_MS: i64 = 2 * 3_600_000;

/// The longest stretch of an event that counts as a meetup in progress: a multi-day
/// gathering is one, an event a member's device dated to end in the year 9999 is not.
pub const MEETUP_LONGEST_MS: i64 = 7 * 86_400_000;

/// How long around an event the room counts as a meetup: people arrive early and stay
/// late, and check-in opens this long before the start.
pub const MEETUP_MARGIN_MS: i64 = 3_600_000;

/// Whether `now` is within an event from `starts_at` to `ends_at` (at most a week of it),
/// or an hour around it.
pub fn in_meetup_window(starts_at: Timestamp, ends_at: Timestamp, now: Timestamp) -> bool {
    let ends = ends_at.min(starts_at.plus_millis(MEETUP_LONGEST_MS));
    now >= starts_at.plus_millis(-MEETUP_MARGIN_MS) && now < ends.plus_millis(MEETUP_MARGIN_MS)
}

impl EventView {
    /// Whether `now` is within the event's time, or an hour around it.
    pub fn in_meetup_window(&self, now: Timestamp) -> bool {
        in_meetup_window(self.starts_at, self.ends_at, now)
    }

    /// How many said yes.
    pub fn going(&self) -> usize {
        self.rsvp.values().filter(|r| **r == Rsvp::Yes).count()
    }
}

fn read_event<D: crate::DocRead>(doc: &D, id: EventId, e: &ObjId) -> Option<EventView> {
    let mut rsvp = BTreeMap::new();
    if let Some(r) = get_obj(doc, e, field::RSVP, ObjType::Map) {
        for item in ReadDoc::map_range(doc, &r, ..) {
            if let (Ok(m), Some(Ok(a))) = (
                item.key.parse::<MemberId>(),
                get_str(doc, &r, &item.key).map(|s| s.parse::<Rsvp>()),
            ) {
                rsvp.insert(m, a);
            }
        }
    }
    let attended = get_obj(doc, e, field::ATTENDED, ObjType::Map)
        .map(|a| {
            ReadDoc::keys(doc, &a)
                .filter_map(|k| k.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    Some(EventView {
        id,
        title: get_str(doc, e, field::TITLE).unwrap_or_default(),
        description: get_str(doc, e, field::DESCRIPTION).unwrap_or_default(),
        starts_at: Timestamp(get_i64(doc, e, field::STARTS_AT)?),
        ends_at: Timestamp(get_i64(doc, e, field::ENDS_AT)?),
        place: get_str(doc, e, field::PLACE).unwrap_or_default(),
        zone: get_str(doc, e, field::ZONE),
        created_by: get_str(doc, e, field::CREATED_BY)?.parse().ok()?,
        rsvp,
        attended,
        notes: notes(doc, e).unwrap_or_default(),
    })
}

/// An event's notes, as they stand where the reader has the history (see
/// `WhatStands::standing_text`).
fn notes<D: crate::DocRead>(doc: &D, e: &ObjId) -> Option<String> {
    let history = doc.history();
    match (history, get_obj(doc, e, field::NOTES, ObjType::Text)) {
        (Some(h), Some(text)) => crate::what_stands::WhatStands::new(h).standing_text(&text),
        _ => get_str(doc, e, field::NOTES),
    }
}

/// Each event's id and times, without reading the rest (answers, notes): for finding the
/// few a screen shows.
fn event_times<D: crate::DocRead>(doc: &D) -> Vec<(EventId, ObjId, Timestamp, Timestamp)> {
    let Some(events) = root(doc, EVENTS) else {
        return Vec::new();
    };
    let stands = crate::what_stands::what_stands(doc);
    ReadDoc::map_range(doc, &events, ..)
        .filter(|item| !crate::what_stands::hidden(stands.as_ref(), &item.id()))
        .filter_map(|item| {
            let e = item.id();
            Some((
                item.key.parse().ok()?,
                e.clone(),
                Timestamp(get_i64(doc, &e, field::STARTS_AT)?),
                Timestamp(get_i64(doc, &e, field::ENDS_AT)?),
            ))
        })
        .collect()
}

/// The event, among those whose times `pick` chooses from, that `pick` returns; read whole.
pub(crate) fn pick_event<D: crate::DocRead>(
    doc: &D,
    pick: impl FnOnce(&[(EventId, Timestamp, Timestamp)]) -> Option<EventId>,
) -> Option<EventView> {
    let all = event_times(doc);
    let times: Vec<_> = all
        .iter()
        .map(|(id, _, s, e)| (id.clone(), *s, *e))
        .collect();
    let chosen = pick(&times)?;
    let (id, obj, ..) = all.into_iter().find(|(id, ..)| *id == chosen)?;
    read_event(doc, id, &obj)
}

/// One event.
pub fn event<D: crate::DocRead>(doc: &D, id: &EventId) -> Option<EventView> {
    let e = get_obj(doc, &root(doc, EVENTS)?, id.as_str(), ObjType::Map)?;
    let stands = crate::what_stands::what_stands(doc);
    if crate::what_stands::hidden(stands.as_ref(), &e) {
        return None;
    }
    read_event(doc, id.clone(), &e)
}

/// Every event, by start time.
pub fn all_events<D: crate::DocRead>(doc: &D) -> Vec<EventView> {
    let Some(events) = root(doc, EVENTS) else {
        return Vec::new();
    };
    let stands = crate::what_stands::what_stands(doc);
    let mut out: Vec<EventView> = ReadDoc::map_range(doc, &events, ..)
        .filter(|item| !crate::what_stands::hidden(stands.as_ref(), &item.id()))
        .filter_map(|item| read_event(doc, item.key.parse().ok()?, &item.id()))
        .collect();
    out.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then_with(|| a.id.cmp(&b.id)));
    out
}

/// Events not yet over at `now`, soonest first.
pub fn upcoming_events<D: crate::DocRead>(doc: &D, now: Timestamp) -> Vec<EventView> {
    all_events(doc)
        .into_iter()
        .filter(|e| e.ends_at > now)
        .collect()
}

/// Events over at `now`, most recent first.
pub fn past_events<D: crate::DocRead>(doc: &D, now: Timestamp) -> Vec<EventView> {
    let mut v: Vec<EventView> = all_events(doc)
        .into_iter()
        .filter(|e| e.ends_at <= now)
        .collect();
    v.reverse();
    v
}
