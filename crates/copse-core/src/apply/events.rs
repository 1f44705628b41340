//! Meetups and other events: plan, RSVP, attendance, shared notes.

use automerge::transaction::{Transactable, Transaction};
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue};

use super::{Ctx, Effect, root_map};
use crate::command::Created;
use crate::doc_read::{get_i64, get_obj, get_str};
use crate::input::{bounded, required};
use crate::record::Rsvp;
use crate::schema::field;
use crate::schema::{EVENTS, limits};
use crate::view::events::MEETUP_MARGIN_MS;
use crate::view::members::current_member;
use crate::{CommandError, EventId, MemberId, Timestamp};

fn event_obj(tx: &Transaction<'_>, id: &EventId) -> Result<ObjId, CommandError> {
    let events = root_map(tx, EVENTS)?;
    get_obj(tx, &events, id.as_str(), ObjType::Map)
        .ok_or_else(|| CommandError::UnknownEvent(id.clone()))
}

fn child(
    tx: &Transaction<'_>,
    event: &ObjId,
    key: &str,
    ty: ObjType,
) -> Result<ObjId, CommandError> {
    get_obj(tx, event, key, ty)
        .ok_or_else(|| CommandError::Document(format!("an event without {key}")))
}

/// What `create_event` is given.
pub(super) struct Plan<'a> {
    pub(super) title: &'a str,
    pub(super) description: &'a str,
    pub(super) starts_at: Timestamp,
    pub(super) ends_at: Timestamp,
    pub(super) place: &'a str,
    pub(super) zone: Option<&'a str>,
}

pub(super) fn create(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    plan: Plan<'_>,
) -> Result<Effect, CommandError> {
    let Plan {
        title,
        description,
        starts_at,
        ends_at,
        place,
        zone,
    } = plan;
    let title = required(field::TITLE, title, limits::TITLE)?;
    let description = bounded(field::DESCRIPTION, description, limits::BODY)?;
    let place = bounded(field::PLACE, place.trim(), limits::URL)?;
    if ends_at <= starts_at {
        return Err(CommandError::EndsBeforeStart);
    }
    let zone = zone.map(str::trim).filter(|z| !z.is_empty());
    if let Some(z) = zone
        && crate::local_time::zone(z).is_none()
    {
        return Err(CommandError::UnknownTimeZone(z.chars().take(64).collect()));
    }
    let id = EventId::from_bytes(ctx.mint.next());
    let events = root_map(tx, EVENTS)?;
    let e = tx.put_object(&events, id.as_str(), ObjType::Map)?;
    tx.put(&e, field::TITLE, title)?;
    tx.put(&e, field::DESCRIPTION, description)?;
    tx.put(&e, field::STARTS_AT, ScalarValue::Int(starts_at.0))?;
    tx.put(&e, field::ENDS_AT, ScalarValue::Int(ends_at.0))?;
    tx.put(&e, field::PLACE, place)?;
    if let Some(z) = zone {
        tx.put(&e, field::ZONE, z)?;
    }
    tx.put(&e, field::CREATED_BY, ctx.me.as_str())?;
    tx.put(&e, field::CREATED_AT, ScalarValue::Int(ctx.now.0))?;
    tx.put_object(&e, field::RSVP, ObjType::Map)?;
    tx.put_object(&e, field::ATTENDED, ObjType::Map)?;
    tx.put_object(&e, field::NOTES, ObjType::Text)?;
    Ok(Effect::created(Created::Event(id.clone()), id))
}

pub(super) fn rsvp(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    id: &EventId,
    answer: Rsvp,
) -> Result<Effect, CommandError> {
    let e = event_obj(tx, id)?;
    let ends_at = Timestamp(get_i64(tx, &e, field::ENDS_AT).unwrap_or(i64::MAX));
    if ctx.now >= ends_at {
        return Err(CommandError::EventOver(ends_at));
    }
    let rsvp = child(tx, &e, field::RSVP, ObjType::Map)?;
    tx.put(&rsvp, ctx.me.as_str(), answer.as_str())?;
    Ok(Effect::on(id))
}

pub(super) fn record_attendance(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    id: &EventId,
    member: &MemberId,
    present: bool,
) -> Result<Effect, CommandError> {
    let e = event_obj(tx, id)?;
    let starts_at = Timestamp(get_i64(tx, &e, field::STARTS_AT).unwrap_or(0));
    // People arrive early: the room opens an hour before the start.
    if ctx.now < starts_at.plus_millis(-MEETUP_MARGIN_MS) {
        return Err(CommandError::EventNotStarted(starts_at));
    }
    let organiser = get_str(tx, &e, field::CREATED_BY);
    if member != ctx.me && !ctx.coordinator && organiser.as_deref() != Some(ctx.me.as_str()) {
        return Err(CommandError::NotCoordinator {
            action: "record others' attendance (or the organiser)".into(),
        });
    }
    if current_member(tx, member).is_none() {
        return Err(CommandError::UnknownMember(member.clone()));
    }
    let attended = child(tx, &e, field::ATTENDED, ObjType::Map)?;
    if present {
        tx.put(&attended, member.as_str(), ScalarValue::Int(ctx.now.0))?;
    } else if tx.get(&attended, member.as_str())?.is_some() {
        tx.delete(&attended, member.as_str())?;
    }
    Ok(Effect::on(id))
}

pub(super) fn edit_notes(
    tx: &mut Transaction<'_>,
    _ctx: &Ctx<'_>,
    id: &EventId,
    notes: &str,
) -> Result<Effect, CommandError> {
    let notes = bounded(field::NOTES, notes, limits::LONG_TEXT)?;
    let e = event_obj(tx, id)?;
    let text = child(tx, &e, field::NOTES, ObjType::Text)?;
    if tx.text(&text)? != notes {
        tx.update_text(&text, notes)?;
    }
    Ok(Effect::on(id))
}
