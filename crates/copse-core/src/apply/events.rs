//! Meetups and other events: plan, RSVP, attendance, shared notes.

use automerge::transaction::{Transactable, Transaction};
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue};
use rand::RngCore;

use super::{Ctx, Effect, root_map};
use crate::command::Created;
use crate::doc_read::{get_i64, get_obj, get_str};
use crate::input::{bounded, required};
use crate::record::Rsvp;
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
    rng: &mut dyn RngCore,
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
    let title = required("title", title, limits::TITLE)?;
    let description = bounded("description", description, limits::BODY)?;
    let place = bounded("place", place.trim(), limits::URL)?;
    if ends_at <= starts_at {
        return Err(CommandError::EndsBeforeStart);
    }
    let zone = zone.map(str::trim).filter(|z| !z.is_empty());
    if let Some(z) = zone
        && crate::local_time::zone(z).is_none()
    {
        return Err(CommandError::UnknownTimeZone(z.chars().take(64).collect()));
    }
    let id = EventId::random(rng);
    let events = root_map(tx, EVENTS)?;
    let e = tx.put_object(&events, id.as_str(), ObjType::Map)?;
    tx.put(&e, "title", title)?;
    tx.put(&e, "description", description)?;
    tx.put(&e, "starts_at", ScalarValue::Int(starts_at.0))?;
    tx.put(&e, "ends_at", ScalarValue::Int(ends_at.0))?;
    tx.put(&e, "place", place)?;
    if let Some(z) = zone {
        tx.put(&e, "zone", z)?;
    }
    tx.put(&e, "created_by", ctx.me.as_str())?;
    tx.put(&e, "created_at", ScalarValue::Int(ctx.now.0))?;
    tx.put_object(&e, "rsvp", ObjType::Map)?;
    tx.put_object(&e, "attended", ObjType::Map)?;
    tx.put_object(&e, "notes", ObjType::Text)?;
    Ok(Effect::created(Created::Event(id.clone()), id))
}

pub(super) fn rsvp(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    id: &EventId,
    answer: Rsvp,
) -> Result<Effect, CommandError> {
    let e = event_obj(tx, id)?;
    let ends_at = Timestamp(get_i64(tx, &e, "ends_at").unwrap_or(i64::MAX));
    if ctx.now >= ends_at {
        return Err(CommandError::EventOver(ends_at));
    }
    let rsvp = child(tx, &e, "rsvp", ObjType::Map)?;
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
    let starts_at = Timestamp(get_i64(tx, &e, "starts_at").unwrap_or(0));
    // People arrive early: the room opens an hour before the start.
    if ctx.now < starts_at.plus_millis(-MEETUP_MARGIN_MS) {
        return Err(CommandError::EventNotStarted(starts_at));
    }
    let organiser = get_str(tx, &e, "created_by");
    if member != ctx.me && !ctx.coordinator && organiser.as_deref() != Some(ctx.me.as_str()) {
        return Err(CommandError::NotCoordinator {
            action: "record others' attendance (or the organiser)".into(),
        });
    }
    if current_member(tx, member).is_none() {
        return Err(CommandError::UnknownMember(member.clone()));
    }
    let attended = child(tx, &e, "attended", ObjType::Map)?;
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
    let notes = bounded("notes", notes, limits::LONG_TEXT)?;
    let e = event_obj(tx, id)?;
    let text = child(tx, &e, "notes", ObjType::Text)?;
    if tx.text(&text)? != notes {
        tx.update_text(&text, notes)?;
    }
    Ok(Effect::on(id))
}
