//! The community's name, domain, norms and objectives: coordinators only.

use automerge::transaction::{Transactable, Transaction};
use automerge::{ObjType, ReadDoc};
use autosurgeon::reconcile_insert;
use rand::RngCore;

use super::{Ctx, Effect, root_map};
use crate::command::Created;
use crate::doc_read::{get_obj, get_str};
use crate::input::{bounded, required};
use crate::record::{LevelRule, Objective, ObjectiveStatus};
use crate::schema::field;
use crate::schema::{LEVEL_KEYS, PROFILE, limits};
use crate::{CommandError, ObjectiveId};

pub(super) fn update(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    name: Option<String>,
    domain: Option<String>,
    norms: Option<String>,
) -> Result<Effect, CommandError> {
    let action = if norms.is_some() {
        "edit the norms"
    } else {
        "edit the community profile"
    };
    ctx.require_coordinator(action)?;
    let profile = root_map(tx, PROFILE)?;
    if let Some(name) = name {
        tx.put(
            &profile,
            field::NAME,
            required(field::NAME, &name, limits::TITLE)?,
        )?;
    }
    if let Some(domain) = domain {
        tx.put(
            &profile,
            "domain",
            required(field::DOMAIN, &domain, limits::BODY)?,
        )?;
    }
    if let Some(norms) = norms {
        tx.put(
            &profile,
            field::NORMS,
            bounded(field::NORMS, &norms, limits::BODY)?,
        )?;
    }
    Ok(Effect::on(PROFILE))
}

pub(super) fn add_objective(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    rng: &mut dyn RngCore,
    text: &str,
) -> Result<Effect, CommandError> {
    ctx.require_coordinator("change the objectives")?;
    let text = required("objective", text, limits::BODY)?;
    let profile = root_map(tx, PROFILE)?;
    let list = get_obj(tx, &profile, field::OBJECTIVES, ObjType::List)
        .ok_or_else(|| CommandError::Document("the profile has no objectives".into()))?;
    let id = ObjectiveId::random(rng);
    let objective = Objective {
        id: id.clone(),
        text,
        status: ObjectiveStatus::Planned,
    };
    let n = tx.length(&list);
    reconcile_insert(tx, list, n, &objective)?;
    Ok(Effect::created(Created::Objective(id), PROFILE))
}

pub(super) fn set_objective(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    id: &ObjectiveId,
    text: Option<String>,
    status: Option<ObjectiveStatus>,
) -> Result<Effect, CommandError> {
    ctx.require_coordinator("change the objectives")?;
    let profile = root_map(tx, PROFILE)?;
    let list = get_obj(tx, &profile, field::OBJECTIVES, ObjType::List)
        .ok_or_else(|| CommandError::Document("the profile has no objectives".into()))?;
    let entry = (0..tx.length(&list))
        .filter_map(|i| match tx.get(&list, i).ok()?? {
            (automerge::Value::Object(ObjType::Map), obj) => Some(obj),
            _ => None,
        })
        .find(|obj| get_str(tx, obj, field::ID).as_deref() == Some(id.as_str()))
        .ok_or_else(|| CommandError::UnknownObjective(id.clone()))?;
    if let Some(text) = text {
        tx.put(
            &entry,
            field::TEXT,
            required("objective", &text, limits::BODY)?,
        )?;
    }
    if let Some(status) = status {
        tx.put(&entry, field::STATUS, status.as_str())?;
    }
    Ok(Effect::on(PROFILE))
}

pub(super) fn set_level_rule(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    rule: LevelRule,
) -> Result<Effect, CommandError> {
    ctx.require_coordinator("set the participation levels")?;
    if let Some(problem) = rule.problem() {
        return Err(CommandError::InvalidLevels(problem));
    }
    let profile = root_map(tx, PROFILE)?;
    let values = [rule.window_days, rule.active_from, rule.core_from];
    for (key, value) in LEVEL_KEYS.into_iter().zip(values) {
        tx.put(&profile, key, u64::from(value))?;
    }
    Ok(Effect::on(PROFILE))
}

/// A relay's address as the command takes it (see `view::profile::relay_address`).
fn relay_addr(addr: &str) -> Result<String, CommandError> {
    crate::view::profile::relay_address(addr)
        .ok_or_else(|| CommandError::InvalidRelay(addr.trim().to_owned()))
}

pub(super) fn add_relay(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    relay: &str,
) -> Result<Effect, CommandError> {
    ctx.require_coordinator("choose the community's relays")?;
    let relay = relay_addr(relay)?;
    let mut relays = crate::view::profile::relays(tx);
    if relays.contains(&relay) {
        return Ok(Effect::on(PROFILE));
    }
    if relays.len() >= limits::RELAYS {
        return Err(CommandError::TooMany {
            field: "relays".into(),
            max: limits::RELAYS,
        });
    }
    relays.push(relay);
    let profile = root_map(tx, PROFILE)?;
    autosurgeon::reconcile_prop(tx, &profile, field::RELAYS, &relays)?;
    Ok(Effect::on(PROFILE))
}

pub(super) fn remove_relay(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    relay: &str,
) -> Result<Effect, CommandError> {
    ctx.require_coordinator("choose the community's relays")?;
    let mut relays = crate::view::profile::relays(tx);
    let before = relays.len();
    relays.retain(|r| r != relay.trim());
    if relays.len() == before {
        return Err(CommandError::UnknownRelay(relay.trim().to_owned()));
    }
    let profile = root_map(tx, PROFILE)?;
    autosurgeon::reconcile_prop(tx, &profile, field::RELAYS, &relays)?;
    Ok(Effect::on(PROFILE))
}
