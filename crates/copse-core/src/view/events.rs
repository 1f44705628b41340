//! Events: upcoming and past, with answers and attendance.

use std::collections::BTreeMap;

use automerge::{ObjId, ObjType, ReadDoc};
use serde::{Deserialize, Serialize};

use crate::doc_read::{get_i64, get_obj, get_str, root};
use crate::record::Rsvp;
use crate::schema::EVENTS;
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

/// How long around an event the room counts as a meetup: people arrive early and stay
/// late, and check-in opens this long before the start.
pub const MEETUP_MARGIN_MS: i64 = 3_600_000;

impl EventView {
    /// Whether `now` is within the event's time, or an hour around it.
    pub fn in_meetup_window(&self, now: Timestamp) -> bool {
        now >= self.starts_at.plus_millis(-MEETUP_MARGIN_MS)
            && now < self.ends_at.plus_millis(MEETUP_MARGIN_MS)
    }

    /// How many said yes.
    pub fn going(&self) -> usize {
        self.rsvp.values().filter(|r| **r == Rsvp::Yes).count()
    }
}

fn read_event<D: ReadDoc>(doc: &D, id: EventId, e: &ObjId) -> Option<EventView> {
    let mut rsvp = BTreeMap::new();
    if let Some(r) = get_obj(doc, e, "rsvp", ObjType::Map) {
        for item in doc.map_range(&r, ..) {
            if let (Ok(m), Some(Ok(a))) = (
                item.key.parse::<MemberId>(),
                get_str(doc, &r, &item.key).map(|s| s.parse::<Rsvp>()),
            ) {
                rsvp.insert(m, a);
            }
        }
    }
    let attended = get_obj(doc, e, "attended", ObjType::Map)
        .map(|a| doc.keys(&a).filter_map(|k| k.parse().ok()).collect())
        .unwrap_or_default();
    Some(EventView {
        id,
        title: get_str(doc, e, "title")?,
        description: get_str(doc, e, "description").unwrap_or_default(),
        starts_at: Timestamp(get_i64(doc, e, "starts_at")?),
        ends_at: Timestamp(get_i64(doc, e, "ends_at")?),
        place: get_str(doc, e, "place").unwrap_or_default(),
        zone: get_str(doc, e, "zone"),
        created_by: get_str(doc, e, "created_by")?.parse().ok()?,
        rsvp,
        attended,
        notes: get_str(doc, e, "notes").unwrap_or_default(),
    })
}

/// One event.
pub fn event<D: ReadDoc>(doc: &D, id: &EventId) -> Option<EventView> {
    let e = get_obj(doc, &root(doc, EVENTS)?, id.as_str(), ObjType::Map)?;
    read_event(doc, id.clone(), &e)
}

/// Every event, by start time.
pub fn all_events<D: ReadDoc>(doc: &D) -> Vec<EventView> {
    let Some(events) = root(doc, EVENTS) else {
        return Vec::new();
    };
    let mut out: Vec<EventView> = doc
        .map_range(&events, ..)
        .filter_map(|item| read_event(doc, item.key.parse().ok()?, &item.id()))
        .collect();
    out.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then_with(|| a.id.cmp(&b.id)));
    out
}

/// Events not yet over at `now`, soonest first.
pub fn upcoming_events<D: ReadDoc>(doc: &D, now: Timestamp) -> Vec<EventView> {
    all_events(doc)
        .into_iter()
        .filter(|e| e.ends_at > now)
        .collect()
}

/// Events over at `now`, most recent first.
pub fn past_events<D: ReadDoc>(doc: &D, now: Timestamp) -> Vec<EventView> {
    let mut v: Vec<EventView> = all_events(doc)
        .into_iter()
        .filter(|e| e.ends_at <= now)
        .collect();
    v.reverse();
    v
}
