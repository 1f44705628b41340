//! The task board.

use automerge::transaction::{Transactable, Transaction};
use automerge::{ObjId, ObjType, ScalarValue};
use autosurgeon::reconcile_prop;

use super::{Ctx, Effect, root_map};
use crate::command::Created;
use crate::doc_read::get_obj;
use crate::input::{bounded, required};
use crate::record::{Task, TaskStatus};
use crate::schema::field;
use crate::schema::{TASKS, limits};
use crate::view::members::current_member;
use crate::{CommandError, MemberId, TaskId, Timestamp};

fn task_obj(tx: &Transaction<'_>, id: &TaskId) -> Result<ObjId, CommandError> {
    let tasks = root_map(tx, TASKS)?;
    get_obj(tx, &tasks, id.as_str(), ObjType::Map)
        .ok_or_else(|| CommandError::UnknownTask(id.clone()))
}

fn check_assignee(tx: &Transaction<'_>, who: Option<&MemberId>) -> Result<(), CommandError> {
    match who {
        Some(m) if current_member(tx, m).is_none() => Err(CommandError::UnknownMember(m.clone())),
        _ => Ok(()),
    }
}

/// What `create_task` is given.
pub(super) struct NewTask<'a> {
    pub(super) title: &'a str,
    pub(super) description: &'a str,
    pub(super) assignee: Option<MemberId>,
    pub(super) due: Option<Timestamp>,
    pub(super) good_first: bool,
}

pub(super) fn create(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    new: NewTask<'_>,
) -> Result<Effect, CommandError> {
    let NewTask {
        title,
        description,
        assignee,
        due,
        good_first,
    } = new;
    let title = required(field::TITLE, title, limits::TITLE)?;
    let description = bounded(field::DESCRIPTION, description, limits::BODY)?;
    check_assignee(tx, assignee.as_ref())?;
    let id = TaskId::from_bytes(ctx.mint.next());
    let task = Task {
        title,
        description,
        status: TaskStatus::Todo,
        assignee,
        due,
        created_by: ctx.me.clone(),
        created_at: ctx.now,
        good_first,
        links: Vec::new(),
    };
    let tasks = root_map(tx, TASKS)?;
    reconcile_prop(tx, &tasks, id.as_str(), &task)?;
    Ok(Effect::created(Created::Task(id.clone()), id))
}

pub(super) fn assign(
    tx: &mut Transaction<'_>,
    _ctx: &Ctx<'_>,
    id: &TaskId,
    assignee: Option<MemberId>,
) -> Result<Effect, CommandError> {
    let t = task_obj(tx, id)?;
    check_assignee(tx, assignee.as_ref())?;
    match assignee {
        Some(m) => tx.put(&t, field::ASSIGNEE, m.as_str())?,
        None => tx.put(&t, field::ASSIGNEE, ScalarValue::Null)?,
    }
    Ok(Effect::on(id))
}

pub(super) fn set_good_first(
    tx: &mut Transaction<'_>,
    _ctx: &Ctx<'_>,
    id: &TaskId,
    good_first: bool,
) -> Result<Effect, CommandError> {
    let t = task_obj(tx, id)?;
    tx.put(&t, field::GOOD_FIRST, good_first)?;
    Ok(Effect::on(id))
}

pub(super) fn move_to(
    tx: &mut Transaction<'_>,
    _ctx: &Ctx<'_>,
    id: &TaskId,
    status: TaskStatus,
) -> Result<Effect, CommandError> {
    let t = task_obj(tx, id)?;
    tx.put(&t, field::STATUS, status.as_str())?;
    Ok(Effect::on(id))
}

pub(super) fn set_due(
    tx: &mut Transaction<'_>,
    _ctx: &Ctx<'_>,
    id: &TaskId,
    due: Option<Timestamp>,
) -> Result<Effect, CommandError> {
    let t = task_obj(tx, id)?;
    match due {
        Some(d) => tx.put(&t, field::DUE, ScalarValue::Int(d.0))?,
        None => tx.put(&t, field::DUE, ScalarValue::Null)?,
    }
    Ok(Effect::on(id))
}
