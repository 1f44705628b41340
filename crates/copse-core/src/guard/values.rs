//! What every value in the document may be: its type, its enum, its size, and how long
//! its list or text may grow. Every operation of a change is checked here, those inside
//! records it makes included, so a member can write neither a title as a number, a task
//! status no enum has, nor a post of fifty megabytes. `docs/schema.md` is the same table
//! in prose.

use std::collections::HashMap;

use automerge::legacy::{ObjectId, OpId, OpType};
use automerge::{ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue};

use super::change_ops::key;
use super::paths::{Placed, Seg, show};
use super::verdict::Fault;
use super::violation::Violation;
use crate::record::{ObjectiveStatus, Role, Rsvp, TaskStatus, ThreadKind};
use crate::schema::{
    ARTICLES, COMMUNITY_ID_KEY, EVENTS, INVITES, KIND_KEY, KIND_VALUE, LEVEL_KEYS, MEMBERS,
    PROFILE, RESOURCES, ROOT_MAPS, RULES_KEY, SCHEMA_VERSION_KEY, TASKS, THREADS, field, limits,
};

/// A member id, record id or hash as stored.
const ID: usize = 128;
/// Operations in one change that are not edits of text: far more than any command writes
/// outside a text (an admission with twenty skills is under a hundred).
pub(crate) const MAX_OTHER_OPS: usize = 4096;
/// A signature in unpadded base64url.
const SIGNATURE: usize = 86;
/// One element of a text (a character; Automerge writes one per operation).
const TEXT_ELEMENT_BYTES: usize = 16;

/// What may stand at a path.
#[derive(Clone, Copy)]
enum Shape {
    /// A string of at most this many characters.
    Str(usize),
    /// Such a string, or null.
    StrOrNull(usize),
    /// One of an enum's names.
    Name(fn(&str) -> bool),
    /// An integer (a time in ms, a count).
    Int,
    /// An integer or null.
    IntOrNull,
    Bool,
    Map,
    /// A list of at most this many items (`None`: as many as the rules let in).
    List(Option<usize>),
    /// A text of at most this many characters.
    Text(usize),
    /// One character of a text.
    TextElement,
    /// Bytes, at most this many.
    Bytes(usize),
}

fn role(s: &str) -> bool {
    s.parse::<Role>().is_ok()
}
fn thread_kind(s: &str) -> bool {
    s.parse::<ThreadKind>().is_ok()
}
fn rsvp(s: &str) -> bool {
    s.parse::<Rsvp>().is_ok()
}
fn task_status(s: &str) -> bool {
    s.parse::<TaskStatus>().is_ok()
}
fn objective_status(s: &str) -> bool {
    s.parse::<ObjectiveStatus>().is_ok()
}
fn community_kind(s: &str) -> bool {
    s == KIND_VALUE
}

/// The shape at `path` (map keys; `None` for a list or text element), if anything may be
/// written there.
fn shape(path: &[Option<&str>]) -> Option<Shape> {
    use Shape::*;
    let tags = |rest: &[Option<&str>]| match rest {
        [] => Some(List(Some(limits::TAGS))),
        [None] => Some(Str(limits::TAG)),
        _ => None,
    };
    let text = |rest: &[Option<&str>]| match rest {
        [] => Some(Text(limits::LONG_TEXT)),
        [None] => Some(TextElement),
        _ => None,
    };
    Some(match path {
        [Some(KIND_KEY)] => Name(community_kind),
        [Some(SCHEMA_VERSION_KEY | RULES_KEY)] => Int,
        [Some(COMMUNITY_ID_KEY)] => Str(ID),
        [Some(k)] if ROOT_MAPS.contains(k) => Map,
        [Some(PROFILE), rest @ ..] => match rest {
            [Some(field::NAME)] => Str(limits::TITLE),
            [Some(field::DOMAIN | field::NORMS)] => Str(limits::BODY),
            [Some(field::CREATED_AT)] => Int,
            [Some(field::CREATED_BY)] => Str(ID),
            [Some(k)] if LEVEL_KEYS.contains(k) => Int,
            [Some(field::RELAYS)] => List(Some(limits::RELAYS)),
            [Some(field::RELAYS), None] => Str(limits::URL),
            [Some(field::OBJECTIVES)] => List(None),
            [Some(field::OBJECTIVES), None] => Map,
            [Some(field::OBJECTIVES), None, Some(field::ID)] => Str(ID),
            [Some(field::OBJECTIVES), None, Some(field::TEXT)] => Str(limits::BODY),
            [Some(field::OBJECTIVES), None, Some(field::STATUS)] => Name(objective_status),
            _ => return None,
        },
        [Some(MEMBERS), Some(_), rest @ ..] => match rest {
            [] => Map,
            [Some(field::NAME | field::ORGANISATION | field::DEPARTMENT)] => Str(limits::TITLE),
            [Some(field::BIO)] => Str(limits::BODY),
            [Some(field::SKILLS), rest @ ..] => return tags(rest),
            [Some(field::ROLE)] => Name(role),
            [Some(field::JOINED_AT)] => Int,
            [Some(field::INVITED_BY)] => StrOrNull(ID),
            [Some(field::INVITE)] => Str(ID),
            [Some(field::ADDRS)] => List(Some(limits::ADDRS)),
            [Some(field::ADDRS), None] => Str(limits::URL),
            [Some(field::REMOVED_AT)] => IntOrNull,
            [Some(field::EQUIVOCATION)] => Bytes(crate::equivocation::MAX_PROOF_BYTES),
            [Some(field::INVITE_SIG | field::CONSENT_SIG)] => Str(SIGNATURE),
            [Some(field::STORIES)] => Map,
            [Some(field::STORIES), Some(_)] => Map,
            [Some(field::STORIES), Some(_), Some(field::TEXT)] => Str(limits::STORY),
            [
                Some(field::STORIES),
                Some(_),
                Some(field::THREAD | field::POST | field::EVENT),
            ] => StrOrNull(ID),
            [Some(field::STORIES), Some(_), Some(field::CREATED_AT)] => Int,
            _ => return None,
        },
        [Some(INVITES), Some(_), rest @ ..] => match rest {
            [] => Map,
            [Some(field::CREATED_BY)] => Str(ID),
            [Some(field::CREATED_AT | field::EXPIRES_AT | field::MAX_USES)] => Int,
            [Some(field::ROLE)] => Name(role),
            [Some(field::SECRET_HASH | field::KEY)] => Str(64),
            [Some(field::USED_BY)] => List(None),
            [Some(field::USED_BY), None] => Str(ID),
            [Some(field::REVOKED)] => Bool,
            _ => return None,
        },
        [Some(THREADS), Some(_), rest @ ..] => match rest {
            [] => Map,
            [Some(field::KIND)] => Name(thread_kind),
            [Some(field::TITLE)] => Str(limits::TITLE),
            [Some(field::TAGS), rest @ ..] => return tags(rest),
            [Some(field::AUTHOR)] => Str(ID),
            [Some(field::CREATED_AT)] => Int,
            [Some(field::ACCEPTED_POST)] => StrOrNull(ID),
            [Some(field::POSTS)] => List(None),
            [Some(field::POSTS), None] => Map,
            [Some(field::POSTS), None, Some(field::ID | field::AUTHOR)] => Str(ID),
            [Some(field::POSTS), None, Some(field::BODY)] => Str(limits::BODY),
            [Some(field::POSTS), None, Some(field::CREATED_AT)] => Int,
            [Some(field::POSTS), None, Some(field::EDITED_AT)] => IntOrNull,
            _ => return None,
        },
        [Some(ARTICLES), Some(_), rest @ ..] => match rest {
            [] => Map,
            [Some(field::TITLE)] => Str(limits::TITLE),
            [Some(field::TAGS), rest @ ..] => return tags(rest),
            [Some(field::CREATED_BY | field::UPDATED_BY)] => Str(ID),
            [Some(field::CREATED_AT | field::UPDATED_AT)] => Int,
            [Some(field::FROM_THREAD)] => StrOrNull(ID),
            [Some(field::BODY), rest @ ..] => return text(rest),
            _ => return None,
        },
        [Some(EVENTS), Some(_), rest @ ..] => match rest {
            [] => Map,
            [Some(field::TITLE)] => Str(limits::TITLE),
            [Some(field::DESCRIPTION)] => Str(limits::BODY),
            [Some(field::STARTS_AT | field::ENDS_AT | field::CREATED_AT)] => Int,
            [Some(field::PLACE)] => Str(limits::URL),
            [Some(field::ZONE)] => Str(ID),
            [Some(field::CREATED_BY)] => Str(ID),
            [Some(field::RSVP)] => Map,
            [Some(field::RSVP), Some(_)] => Name(rsvp),
            [Some(field::ATTENDED)] => Map,
            [Some(field::ATTENDED), Some(_)] => Int,
            [Some(field::NOTES), rest @ ..] => return text(rest),
            _ => return None,
        },
        [Some(TASKS), Some(_), rest @ ..] => match rest {
            [] => Map,
            [Some(field::TITLE)] => Str(limits::TITLE),
            [Some(field::DESCRIPTION)] => Str(limits::BODY),
            [Some(field::STATUS)] => Name(task_status),
            [Some(field::ASSIGNEE)] => StrOrNull(ID),
            [Some(field::DUE)] => IntOrNull,
            [Some(field::CREATED_BY)] => Str(ID),
            [Some(field::CREATED_AT)] => Int,
            [Some(field::GOOD_FIRST)] => Bool,
            [Some(field::LINKS)] => List(Some(limits::TAGS)),
            [Some(field::LINKS), None] => Str(limits::URL),
            _ => return None,
        },
        [Some(RESOURCES), Some(_), rest @ ..] => match rest {
            [] => Map,
            [Some(field::TITLE)] => Str(limits::TITLE),
            [Some(field::URL)] => StrOrNull(limits::URL),
            [Some(field::DESCRIPTION)] => Str(limits::BODY),
            [Some(field::TAGS), rest @ ..] => return tags(rest),
            [Some(field::ADDED_BY)] => Str(ID),
            [Some(field::ADDED_AT)] => Int,
            _ => return None,
        },
        _ => return None,
    })
}

/// Whether `action` fits `shape`.
fn fits(shape: Shape, action: &OpType) -> bool {
    use Shape::*;
    let chars = |s: &str, max: usize| s.len() <= max || s.chars().count() <= max;
    match (shape, action) {
        (Str(max), OpType::Put(ScalarValue::Str(s))) => chars(s, max),
        (StrOrNull(max), OpType::Put(ScalarValue::Str(s))) => chars(s, max),
        (StrOrNull(_) | IntOrNull, OpType::Put(ScalarValue::Null)) => true,
        (Name(known), OpType::Put(ScalarValue::Str(s))) => known(s),
        (
            Int | IntOrNull,
            OpType::Put(ScalarValue::Int(_) | ScalarValue::Uint(_) | ScalarValue::Timestamp(_)),
        ) => true,
        (Bool, OpType::Put(ScalarValue::Boolean(_))) => true,
        (Map, OpType::Make(ObjType::Map)) => true,
        (List(_), OpType::Make(ObjType::List)) => true,
        (Text(_), OpType::Make(ObjType::Text)) => true,
        (TextElement, OpType::Put(ScalarValue::Str(s))) => s.len() <= TEXT_ELEMENT_BYTES,
        (Bytes(max), OpType::Put(ScalarValue::Bytes(b))) => b.len() <= max,
        _ => false,
    }
}

/// Checks every operation's value against the table, and how long each list and text
/// the change writes into grows: at most its bound after the change, counting what it
/// held at `heads` for an object that existed before. Judged ahead of its deps
/// (`exact` false), growing such an object is unsure: changes waiting to be applied may
/// have grown it too.
pub(crate) fn check(
    doc: &automerge::Automerge,
    heads: &[ChangeHash],
    exact: bool,
    ops: &[automerge::legacy::Op],
    targets: &[(Placed, Vec<Seg>)],
) -> Result<(), Fault> {
    let mut other_ops = 0usize;
    // Per list or text written into: its bound, and items added minus removed.
    let mut growth: HashMap<Container, (usize, i64)> = HashMap::new();
    // One buffer for every path: the target is the container's path and one key more.
    let mut path: Vec<Option<&str>> = Vec::new();
    for (op, (placed, target)) in ops.iter().zip(targets) {
        path.clear();
        path.extend(target.iter().map(key));
        let container = shape(&path[..path.len().saturating_sub(1)]);
        if !matches!(container, Some(Shape::Text(_))) {
            other_ops += 1;
        }
        let Some(here) = shape(&path) else {
            return Err(Violation::Unknown(show(target)).into());
        };
        let delta = match &op.action {
            OpType::Delete => -1,
            OpType::Increment(_) | OpType::MarkBegin(..) | OpType::MarkEnd(_) => {
                return Err(Violation::Malformed(show(target)).into());
            }
            action => {
                if !fits(here, action) {
                    return Err(Violation::Malformed(show(target)).into());
                }
                i64::from(op.insert)
            }
        };
        if let (Some(Shape::List(Some(max)) | Shape::Text(max)), true) = (container, delta != 0) {
            let key = match (&placed.id, &op.obj) {
                (Some(id), _) => Container::Held(id.clone()),
                (None, ObjectId::Id(made)) => Container::Made(made.clone()),
                (None, ObjectId::Root) => continue,
            };
            let e = growth.entry(key).or_insert((max, 0));
            e.1 += delta;
        }
    }
    if other_ops > MAX_OTHER_OPS {
        return Err(Violation::TooLarge(format!(
            "{other_ops} operations outside texts, at most {MAX_OTHER_OPS}"
        ))
        .into());
    }
    for (container, (max, added)) in growth {
        if added <= 0 {
            continue;
        }
        let before = match &container {
            Container::Held(_) if !exact => return Err(Fault::Unsure),
            Container::Held(id) => doc.length_at(id, heads) as i64,
            Container::Made(_) => 0,
        };
        if before + added > max as i64 {
            return Err(Violation::TooLarge(format!("a list or text of more than {max}")).into());
        }
    }
    Ok(())
}

/// A list or text a change writes into.
#[derive(PartialEq, Eq, Hash)]
enum Container {
    /// It existed before the change.
    Held(ObjId),
    /// The change made it with this operation.
    Made(OpId),
}
