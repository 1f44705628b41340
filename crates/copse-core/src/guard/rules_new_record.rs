//! A record a change makes: well-formed, its author the signer, and its id the one the
//! change minted (`record_mint`). Part of the rule table (`rules`).

use automerge::ObjType;
use automerge::legacy::{OpId, OpType};

use super::change_ops::{is_str, key};
use super::paths::{Seg, show};
use super::rules::Rules;
use super::violation::Violation;
use crate::record_mint::{is_minted_thread, minted_bytes};
use crate::schema::{ARTICLES, CONTENT_MAPS, EVENTS, INVITES, RESOURCES, TASKS, THREADS, field};
use crate::{ArticleId, EventId, InviteId, PostId, ResourceId, TaskId, ThreadId};

/// A record whose id is minted by the change that makes it.
pub(super) fn is_minted_record(path: &[Seg]) -> bool {
    match path {
        [Seg::Key(s), Seg::Key(_)] => s == INVITES || CONTENT_MAPS.contains(&s.as_str()),
        [Seg::Key(s), Seg::Key(_), Seg::Key(f), Seg::Elem] => s == THREADS && f == field::POSTS,
        _ => false,
    }
}

impl Rules<'_> {
    /// Whether `id` (as bytes) is the one minted for the record `made` makes (under the
    /// first rules, any id).
    fn minted(
        &self,
        made: &OpId,
        is: impl FnOnce([u8; 16]) -> bool,
        what: &str,
    ) -> Result<(), Violation> {
        if !self.current_rules {
            return Ok(());
        }
        let minted = self
            .ordinals
            .get(made)
            .map(|k| minted_bytes(self.ops.actor, self.ops.start, *k));
        if minted.is_some_and(is) {
            Ok(())
        } else {
            Err(Violation::NotMinted(what.to_owned()))
        }
    }

    /// A record made by this change: well-formed, its author is the signer, and its id is
    /// the one its change minted.
    pub(super) fn new_record(
        &self,
        made: &OpId,
        ty: ObjType,
        target: &[Seg],
    ) -> Result<(), Violation> {
        let keys: Vec<Option<&str>> = target.iter().map(key).collect();
        let ops = self.ops;
        let by_signer = |key: &str| -> Result<(), Violation> {
            if ops.str_in(made, key).as_deref() == Some(self.signer.as_str()) {
                Ok(())
            } else {
                Err(Violation::WrongAuthorName)
            }
        };
        let map = || -> Result<(), Violation> {
            if ty == ObjType::Map {
                Ok(())
            } else {
                Err(Violation::Malformed(show(target)))
            }
        };
        let valid = |ok: bool, what: &str| {
            if ok {
                Ok(())
            } else {
                Err(Violation::Malformed(what.to_owned()))
            }
        };
        match keys.as_slice() {
            [Some(INVITES), Some(id)] => {
                map()?;
                let id: InviteId = parsed(id, "invite id")?;
                by_signer(field::CREATED_BY)?;
                if ops.str_in(made, field::ROLE).as_deref() != Some("member") {
                    self.coordinator("invite coordinators")?;
                }
                self.minted(made, |m| id.to_bytes() == m, "invite")
            }
            [Some(THREADS), Some(id)] => {
                map()?;
                let id: ThreadId = parsed(id, "thread id")?;
                by_signer(field::AUTHOR)?;
                let kind = ops.str_in(made, field::KIND);
                valid(
                    matches!(kind.as_deref(), Some("discussion" | "question")),
                    "thread kind",
                )?;
                self.minted(made, |m| is_minted_thread(&id, m), "thread")
            }
            [Some(THREADS), Some(_), Some(field::POSTS), None] => {
                map()?;
                let id: PostId =
                    parsed(&ops.str_in(made, field::ID).unwrap_or_default(), "post id")?;
                by_signer(field::AUTHOR)?;
                valid(
                    ops.put_in(made, field::BODY).is_some_and(is_str),
                    "post body (it must be a string)",
                )?;
                self.minted(made, |m| id.to_bytes() == m, "post")
            }
            [Some(ARTICLES), Some(id)] => {
                map()?;
                let id: ArticleId = parsed(id, "article id")?;
                by_signer(field::CREATED_BY)?;
                valid(
                    matches!(
                        ops.put_in(made, field::BODY),
                        Some(OpType::Make(ObjType::Text))
                    ),
                    "article body",
                )?;
                self.minted(made, |m| id.to_bytes() == m, "article")
            }
            [Some(EVENTS), Some(id)] => {
                map()?;
                let id: EventId = parsed(id, "event id")?;
                by_signer(field::CREATED_BY)?;
                self.minted(made, |m| id.to_bytes() == m, "event")
            }
            [Some(TASKS), Some(id)] => {
                map()?;
                let id: TaskId = parsed(id, "task id")?;
                by_signer(field::CREATED_BY)?;
                self.minted(made, |m| id.to_bytes() == m, "task")
            }
            [Some(RESOURCES), Some(id)] => {
                map()?;
                let id: ResourceId = parsed(id, "resource id")?;
                by_signer(field::ADDED_BY)?;
                self.minted(made, |m| id.to_bytes() == m, "resource")
            }
            _ => Ok(()),
        }
    }
}

/// `id` read as the id type `T`, or malformed as `what`.
fn parsed<T: std::str::FromStr>(id: &str, what: &str) -> Result<T, Violation> {
    id.parse()
        .map_err(|_| Violation::Malformed(what.to_owned()))
}
