//! Applying a [`Command`] inside one Automerge transaction. Every function checks first and
//! writes after; an error returned from anywhere rolls the whole transaction back.

mod articles;
mod events;
mod membership;
pub(crate) use membership::{check_invite, check_invite_for, checked_details, proves};
mod profile;
mod resources;
mod stories;
mod tasks;
mod threads;

use automerge::transaction::Transaction;
use automerge::{ObjId, ObjType, ROOT};
use rand::RngCore;

use crate::command::{Command, Created};
use crate::doc_read::get_obj;
use crate::{CommandError, MemberId, Timestamp};

/// Who acts, and when.
pub(crate) struct Ctx<'a> {
    pub(crate) me: &'a MemberId,
    pub(crate) now: Timestamp,
    pub(crate) coordinator: bool,
    /// This copy signs its changes (and so checks admissions' proofs as every device
    /// will); an unsigned copy is history from before signatures, or a test's.
    pub(crate) signed: bool,
    /// The ids of the records this change makes (`record_mint`).
    pub(crate) mint: crate::record_mint::Mint,
}

impl Ctx<'_> {
    pub(crate) fn require_coordinator(&self, action: &'static str) -> Result<(), CommandError> {
        if self.coordinator {
            Ok(())
        } else {
            Err(CommandError::NotCoordinator {
                action: action.into(),
            })
        }
    }
}

/// What a command produced: the created id and the object named in the commit message.
pub(crate) struct Effect {
    pub(crate) created: Option<Created>,
    pub(crate) obj: Option<String>,
}

impl Effect {
    fn on(obj: impl ToString) -> Self {
        Self {
            created: None,
            obj: Some(obj.to_string()),
        }
    }

    fn created(created: Created, obj: impl ToString) -> Self {
        Self {
            created: Some(created),
            obj: Some(obj.to_string()),
        }
    }
}

/// A root map of the community document.
pub(crate) fn root_map(tx: &Transaction<'_>, key: &'static str) -> Result<ObjId, CommandError> {
    get_obj(tx, &ROOT, key, ObjType::Map)
        .ok_or_else(|| CommandError::Document(format!("the document has no {key} map")))
}

pub(crate) fn apply(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    rng: &mut dyn RngCore,
    cmd: Command,
) -> Result<Effect, CommandError> {
    match cmd {
        Command::UpdateProfile {
            name,
            domain,
            norms,
        } => profile::update(tx, ctx, name, domain, norms),
        Command::AddObjective { text } => profile::add_objective(tx, ctx, rng, &text),
        Command::SetObjective { id, text, status } => {
            profile::set_objective(tx, ctx, &id, text, status)
        }
        Command::SetLevelRule(rule) => profile::set_level_rule(tx, ctx, rule),
        Command::AddRelay { relay } => profile::add_relay(tx, ctx, &relay),
        Command::RemoveRelay { relay } => profile::remove_relay(tx, ctx, &relay),
        Command::UpdateMyDetails(details) => membership::update_details(tx, ctx, details),
        Command::SetMyAddrs { addrs } => membership::set_addrs(tx, ctx, &addrs),
        Command::SetRole { member, role } => membership::set_role(tx, ctx, &member, role),
        Command::RemoveMember { member } => membership::remove(tx, ctx, &member),
        Command::ReportEquivocation { member, proof } => {
            membership::report_equivocation(tx, ctx, &member, proof)
        }
        Command::CreateInvite {
            role,
            expires_at,
            max_uses,
            key,
        } => membership::create_invite(tx, ctx, role, expires_at, max_uses, key),
        Command::RevokeInvite { invite } => membership::revoke_invite(tx, ctx, &invite),
        Command::Admit {
            member,
            details,
            invite,
            proof,
        } => membership::admit(tx, ctx, &member, details, &invite, &proof),
        Command::StartThread {
            kind,
            title,
            body,
            tags,
        } => threads::start(tx, ctx, kind, &title, &body, &tags),
        Command::Reply { thread, body } => threads::reply(tx, ctx, &thread, &body),
        Command::EditPost { thread, post, body } => {
            threads::edit_post(tx, ctx, &thread, &post, &body)
        }
        Command::AcceptAnswer { thread, post } => {
            threads::accept_answer(tx, ctx, &thread, post.as_ref())
        }
        Command::PromoteToArticle { thread, title } => {
            articles::promote(tx, ctx, &thread, title.as_deref())
        }
        Command::CreateArticle { title, body, tags } => {
            articles::create(tx, ctx, &title, &body, &tags, None)
        }
        Command::EditArticle { article, body, .. } => articles::edit(tx, ctx, &article, &body),
        Command::SpliceArticle {
            article,
            pos,
            delete,
            insert,
        } => articles::splice(tx, ctx, &article, pos, delete, &insert),
        Command::SetArticleMeta {
            article,
            title,
            tags,
        } => articles::set_meta(tx, ctx, &article, title.as_deref(), tags.as_deref()),
        Command::CreateEvent {
            title,
            description,
            starts_at,
            ends_at,
            place,
            zone,
        } => events::create(
            tx,
            ctx,
            events::Plan {
                title: &title,
                description: &description,
                starts_at,
                ends_at,
                place: &place,
                zone: zone.as_deref(),
            },
        ),
        Command::Rsvp { event, answer } => events::rsvp(tx, ctx, &event, answer),
        Command::RecordAttendance {
            event,
            member,
            present,
        } => events::record_attendance(tx, ctx, &event, &member, present),
        Command::EditEventNotes { event, notes, .. } => events::edit_notes(tx, ctx, &event, &notes),
        Command::CreateTask {
            title,
            description,
            assignee,
            due,
            good_first,
        } => {
            let new = tasks::NewTask {
                title: &title,
                description: &description,
                assignee,
                due,
                good_first,
            };
            tasks::create(tx, ctx, new)
        }
        Command::ShareStory {
            text,
            thread,
            post,
            event,
        } => {
            let cited = stories::Cited {
                thread,
                post,
                event,
            };
            stories::share(tx, ctx, rng, &text, cited)
        }
        Command::SetGoodFirstTask { task, good_first } => {
            tasks::set_good_first(tx, ctx, &task, good_first)
        }
        Command::AssignTask { task, assignee } => tasks::assign(tx, ctx, &task, assignee),
        Command::MoveTask { task, status } => tasks::move_to(tx, ctx, &task, status),
        Command::SetTaskDue { task, due } => tasks::set_due(tx, ctx, &task, due),
        Command::AddResource {
            title,
            url,
            description,
            tags,
        } => resources::add(tx, ctx, &title, url.as_deref(), &description, &tags),
        Command::RemoveResource { resource } => resources::remove(tx, ctx, &resource),
    }
}
