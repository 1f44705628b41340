//! What the views show of each writer: a record (or post) made by a change beyond what
//! stands of its writer's removal, or by someone never validly admitted, is left out
//! (`removal_frontier` decides what stands).

use std::cell::RefCell;
use std::collections::HashMap;

use automerge::{ActorId, Automerge, ChangeHash, ObjId, ReadDoc};

use crate::MemberId;
use crate::doc_read::root;
use crate::guard::identity::member_named_by_actor;
use crate::removal_frontier::{admission_void, precedes, removals, standing_removals};
use crate::removal_wins::{all, beyond_invite_limit, entries, int_value};
use crate::schema::field;

/// What stands of each writer, read once for a view: a record (or post) made by a change
/// beyond what stands of its writer, or by someone never validly admitted, is not shown.
pub struct WhatStands<'a> {
    doc: &'a Automerge,
    /// Read at these heads (`None`: as the document stands).
    heads: Option<Vec<ChangeHash>>,
    members: Option<ObjId>,
    writers: RefCell<HashMap<MemberId, Writer>>,
    /// The member each actor seen writes for (naming one costs more than the lookup).
    actors: RefCell<HashMap<ActorId, Option<MemberId>>>,
    /// Whether nothing can be hidden, once known.
    nothing: std::cell::OnceCell<bool>,
}

#[derive(Clone)]
enum Writer {
    Stands,
    Void,
    /// Removed by these changes: what none of them had seen does not stand.
    Removed(Vec<ChangeHash>),
}

impl<'a> WhatStands<'a> {
    /// For the document as it stands.
    pub fn new(doc: &'a Automerge) -> Self {
        Self {
            doc,
            heads: None,
            members: root(doc, crate::schema::MEMBERS),
            writers: RefCell::default(),
            actors: RefCell::default(),
            nothing: std::cell::OnceCell::new(),
        }
    }

    /// For the document at `heads` (what the guard reads at a change's deps).
    pub fn at(doc: &'a Automerge, heads: &[ChangeHash]) -> Self {
        let members = match doc.get_at(automerge::ROOT, crate::schema::MEMBERS, heads) {
            Ok(Some((automerge::Value::Object(automerge::ObjType::Map), id))) => Some(id),
            _ => None,
        };
        Self {
            doc,
            heads: Some(heads.to_vec()),
            members,
            writers: RefCell::default(),
            actors: RefCell::default(),
            nothing: std::cell::OnceCell::new(),
        }
    }

    /// Whether nothing can be hidden: no member holds a removal and no invite was used
    /// beyond its limit (what does not stand always goes back to one of those). Cheap
    /// next to asking of every post.
    pub fn hides_nothing(&self) -> bool {
        *self.nothing.get_or_init(|| {
            let Some(members) = &self.members else {
                return true;
            };
            if self.heads.is_some() {
                // Not worth reading every member at older heads: ask of each value.
                return false;
            }
            // Views ask many times of one version of the document (every record read):
            // the answer is kept per version.
            let heads = self.doc.get_heads();
            if let Some(known) = known_nothing(&heads, None) {
                return known;
            }
            let removal = self.doc.map_range(members, ..).any(|item| {
                matches!(item.value, automerge::ValueRef::Object(_))
                    && !removals(self.doc, &[item.id()], None).is_empty()
            });
            let over = root(self.doc, crate::schema::INVITES).is_some_and(|invites| {
                self.doc.map_range(&invites, ..).any(|item| {
                    let limit = all(self.doc, &item.id(), field::MAX_USES, None)
                        .pop()
                        .and_then(|(v, _)| int_value(&v));
                    let used = all(self.doc, &item.id(), field::USED_BY, None)
                        .pop()
                        .map_or(0, |(_, list)| self.doc.length(&list));
                    limit.is_some_and(|l| i64::try_from(used).unwrap_or(i64::MAX) > l)
                })
            });
            let nothing = !removal && !over;
            known_nothing(&heads, Some(nothing));
            nothing
        })
    }

    /// Whether the object `made` (a record, a post) was made by a change that does not
    /// stand.
    pub fn hides(&self, made: &ObjId) -> bool {
        let ObjId::Id(_, actor, _) = made else {
            return false;
        };
        self.beyond(actor, || self.doc.hash_for_opid(made))
    }

    /// Whether the change `change` of `actor` does not stand.
    pub fn leaves_out(&self, actor: &ActorId, change: &ChangeHash) -> bool {
        self.beyond(actor, || Some(*change))
    }

    fn beyond(&self, actor: &ActorId, change: impl FnOnce() -> Option<ChangeHash>) -> bool {
        let Some(members) = &self.members else {
            return false;
        };
        let named = self.actors.borrow().get(actor).cloned();
        let named = named.unwrap_or_else(|| {
            let m = member_named_by_actor(actor);
            self.actors.borrow_mut().insert(actor.clone(), m.clone());
            m
        });
        let Some(writer) = named else {
            return false;
        };
        let known = self.writers.borrow().get(&writer).cloned();
        let heads = self.heads.as_deref();
        let standing = known.unwrap_or_else(|| {
            let entries = entries(self.doc, members, writer.as_str(), heads);
            let removals: Vec<ChangeHash> = standing_removals(self.doc, members, &entries, heads)
                .into_iter()
                .map(|(_, r)| r)
                .collect();
            let w = if entries.is_empty() {
                Writer::Stands
            } else if admission_void(self.doc, members, writer.as_str(), heads)
                || entries.last().is_some_and(|e| {
                    beyond_invite_limit(self.doc, e, writer.as_str(), heads).is_some()
                })
            {
                Writer::Void
            } else if removals.is_empty() {
                Writer::Stands
            } else {
                Writer::Removed(removals)
            };
            self.writers.borrow_mut().insert(writer, w.clone());
            w
        });
        match standing {
            Writer::Stands => false,
            Writer::Void => true,
            Writer::Removed(removals) => change()
                .is_some_and(|change| !removals.iter().any(|r| precedes(self.doc, &change, r))),
        }
    }
}

/// Versions of documents whose [`WhatStands::hides_nothing`] is remembered.
const NOTHING_KEPT: usize = 64;

/// Whether the document at `heads` hides nothing, as remembered; with `note`, remembers it.
/// Heads name one version of one document (change hashes cover their whole history).
fn known_nothing(heads: &[ChangeHash], note: Option<bool>) -> Option<bool> {
    use std::sync::{Mutex, OnceLock};
    static KNOWN: OnceLock<Mutex<HashMap<Vec<ChangeHash>, bool>>> = OnceLock::new();
    let mut known = KNOWN.get_or_init(Mutex::default).lock().ok()?;
    match note {
        Some(n) => {
            if known.len() >= NOTHING_KEPT {
                known.clear();
            }
            known.insert(heads.to_vec(), n);
            Some(n)
        }
        None => known.get(heads).copied(),
    }
}

/// Limits how far back [`standing_value`] looks for a value that stands.
const STEPS_BACK: usize = 16;

impl WhatStands<'_> {
    /// The value at `obj[key]` as the views and the rules read it: of the values Automerge
    /// holds there (concurrent writes leave several), the one it shows among those written
    /// by changes that stand; if none stands (a removed member overwrote it on a fork of
    /// history from before the removal, or someone never validly admitted did), the value
    /// before those writes, read at their changes' deps, and so on. `None` where nothing
    /// that stands was ever written. Only scalar values are judged: what the change that
    /// made `obj` wrote into it goes with `obj`, and an object goes with itself (whether
    /// those show is [`Self::hides`]'s to say where they are read).
    pub fn standing_value(&self, obj: &ObjId, key: &str) -> Option<(automerge::Value<'_>, ObjId)> {
        // Read only if some value does not stand (most reads find every writer standing).
        let made_by = std::cell::OnceCell::new();
        let made_by = || {
            *made_by.get_or_init(|| match obj {
                ObjId::Id(..) => self.doc.hash_for_opid(obj),
                ObjId::Root => None,
            })
        };
        let mut at = self.heads.clone();
        for _ in 0..STEPS_BACK {
            let all = match &at {
                Some(h) => self.doc.get_all_at(obj, key, h),
                None => self.doc.get_all(obj, key),
            }
            .ok()?;
            let mut before: Vec<ChangeHash> = Vec::new();
            let mut shown = None;
            for (value, op) in all {
                // An object (a record, a list) shows or not by `hides`, where it is read.
                let scalar = matches!(value, automerge::Value::Scalar(_));
                match self
                    .written_beyond(&op)
                    .filter(|c| scalar && Some(*c) != made_by())
                {
                    Some(change) => before.extend(self.doc.get_change_meta_by_hash(&change)?.deps),
                    None => shown = Some((value, op)),
                }
            }
            if shown.is_some() || before.is_empty() {
                return shown;
            }
            before.sort();
            before.dedup();
            at = Some(before);
        }
        None
    }

    /// The text `obj` as it stands: without the characters inserted by changes that do not
    /// stand (a removed member's words added on a fork from before the removal). What
    /// such a change deleted stays deleted (docs/schema.md says so).
    pub fn standing_text(&self, obj: &ObjId) -> Option<String> {
        if self.hides_nothing() {
            return self.doc.text(obj).ok();
        }
        let mut out = String::new();
        // Whether each actor's writer could have written anything that does not stand.
        let mut may_hide: HashMap<ActorId, bool> = HashMap::new();
        for item in self.doc.list_range(obj, ..) {
            let id = item.id();
            let keep = match &id {
                ObjId::Id(_, actor, _) => {
                    let suspect = *may_hide
                        .entry(actor.clone())
                        .or_insert_with(|| self.writer_may_hide(actor));
                    !suspect || self.written_beyond(&id).is_none()
                }
                ObjId::Root => true,
            };
            if keep
                && let automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) = item.value
            {
                out.push_str(&s);
            }
        }
        Some(out)
    }

    /// Whether anything `actor` wrote may not stand (its writer was removed, or never
    /// validly admitted).
    fn writer_may_hide(&self, actor: &ActorId) -> bool {
        // A change that no removal names never stands beyond one: ask with a hash no
        // change has (`beyond` needs the change only for a removed writer).
        let mut asked = false;
        let beyond = self.beyond(actor, || {
            asked = true;
            None
        });
        beyond || asked
    }

    /// The change that wrote the value `op`, if it does not stand.
    fn written_beyond(&self, op: &ObjId) -> Option<ChangeHash> {
        let ObjId::Id(_, actor, _) = op else {
            return None;
        };
        if self.hides_nothing() {
            return None;
        }
        // The writer's standing first (remembered per writer): the change is looked up
        // only for a writer who may not stand.
        let mut change = None;
        let beyond = self.beyond(actor, || {
            change = self.doc.hash_for_opid(op);
            change
        });
        if beyond {
            change.or_else(|| self.doc.hash_for_opid(op))
        } else {
            None
        }
    }
}

/// The string at `obj[key]` as it stands (see [`WhatStands::standing_value`]), or as the
/// document shows it where nothing can be hidden.
pub fn standing_str<D: ReadDoc>(
    stands: Option<&WhatStands<'_>>,
    doc: &D,
    obj: &ObjId,
    key: &str,
) -> Option<String> {
    match stands.filter(|s| !s.hides_nothing()) {
        Some(s) => match s.standing_value(obj, key)? {
            (automerge::Value::Scalar(v), _) => v.as_str().map(str::to_owned),
            (automerge::Value::Object(automerge::ObjType::Text), id) => s.doc.text(&id).ok(),
            _ => None,
        },
        None => crate::doc_read::get_str(doc, obj, key),
    }
}

/// The tags at `obj` as they stand: without those added by changes that do not stand, at
/// most `limits::TAGS` (see [`crate::doc_read::get_tags`]).
pub fn standing_tags<D: ReadDoc>(
    stands: Option<&WhatStands<'_>>,
    doc: &D,
    obj: &ObjId,
) -> Vec<String> {
    let Some(s) = stands.filter(|s| !s.hides_nothing()) else {
        return crate::doc_read::get_tags(doc, obj);
    };
    let Some((automerge::Value::Object(automerge::ObjType::List), list)) =
        s.standing_value(obj, field::TAGS)
    else {
        return Vec::new();
    };
    let mut tags: Vec<String> = s
        .doc
        .list_range(&list, ..)
        .filter(|item| s.written_beyond(&item.id()).is_none())
        .filter_map(|item| match item.value {
            automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(t)) => Some(t.into_owned()),
            _ => None,
        })
        .collect();
    tags.truncate(crate::schema::limits::TAGS);
    tags
}

/// [`WhatStands`] for a reader that has the document's history (not a transaction).
pub fn what_stands<D: crate::DocRead>(doc: &D) -> Option<WhatStands<'_>> {
    doc.history().map(WhatStands::new)
}

/// Whether `stands` (if any) hides the object `made`.
pub fn hidden(stands: Option<&WhatStands<'_>>, made: &ObjId) -> bool {
    stands.is_some_and(|s| s.hides(made))
}

/// The document as the views read records: each map key shows its value that stands
/// ([`WhatStands::standing_value`]), so what a removed member wrote into others' records
/// on a fork from before the removal (a task's status, an article's title, a thread's
/// accepted answer, the norms) does not show; a list shows only the items whose writing
/// change stands (tags, skills; objectives and posts by [`WhatStands::hides`]), and a text
/// only the characters ([`WhatStands::standing_text`]).
pub(crate) struct StandingDoc<'a> {
    doc: &'a Automerge,
    stands: WhatStands<'a>,
    /// For each list read: the indices of its items that stand.
    items: RefCell<HashMap<ObjId, Vec<usize>>>,
}

impl<'a> StandingDoc<'a> {
    /// `None` where nothing can be hidden: the document is read as it is.
    pub(crate) fn new(doc: &'a Automerge) -> Option<Self> {
        let stands = WhatStands::new(doc);
        (!stands.hides_nothing()).then_some(Self {
            doc,
            stands,
            items: RefCell::default(),
        })
    }

    /// The indices of the items of list `obj` that stand; `None` for anything but a list.
    fn standing_items(&self, obj: &ObjId) -> Option<Vec<usize>> {
        if !matches!(
            ReadDoc::object_type(self.doc, obj),
            Ok(automerge::ObjType::List)
        ) {
            return None;
        }
        if let Some(known) = self.items.borrow().get(obj) {
            return Some(known.clone());
        }
        let items: Vec<usize> = self
            .doc
            .list_range(obj, ..)
            .filter(|item| match item.value {
                automerge::ValueRef::Object(_) => !self.stands.hides(&item.id()),
                automerge::ValueRef::Scalar(_) => self.stands.written_beyond(&item.id()).is_none(),
            })
            .map(|item| item.index)
            .collect();
        self.items.borrow_mut().insert(obj.clone(), items.clone());
        Some(items)
    }
}

impl autosurgeon::ReadDoc for StandingDoc<'_> {
    type Parents<'b>
        = automerge::Parents<'b>
    where
        Self: 'b;

    fn get_heads(&self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    fn get<P: Into<automerge::Prop>>(
        &self,
        obj: &ObjId,
        prop: P,
    ) -> Result<Option<(automerge::Value<'_>, ObjId)>, automerge::AutomergeError> {
        match prop.into() {
            automerge::Prop::Map(key) => Ok(self.stands.standing_value(obj, &key)),
            automerge::Prop::Seq(i) => match self.standing_items(obj) {
                Some(items) => match items.get(i) {
                    Some(&at) => ReadDoc::get(self.doc, obj, at),
                    None => Ok(None),
                },
                None => ReadDoc::get(self.doc, obj, i),
            },
        }
    }

    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Option<automerge::ObjType> {
        ReadDoc::object_type(self.doc, obj).ok()
    }

    fn map_range<'b, O, R>(&'b self, obj: O, range: R) -> automerge::iter::MapRange<'b>
    where
        R: std::ops::RangeBounds<String> + 'b,
        O: AsRef<ObjId>,
        R: std::ops::RangeBounds<String>,
    {
        ReadDoc::map_range(self.doc, obj, range)
    }

    fn list_range<O: AsRef<ObjId>, R: std::ops::RangeBounds<usize>>(
        &self,
        obj: O,
        range: R,
    ) -> automerge::iter::ListRange<'_> {
        ReadDoc::list_range(self.doc, obj, range)
    }

    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        match self.standing_items(obj.as_ref()) {
            Some(items) => items.len(),
            None => ReadDoc::length(self.doc, obj),
        }
    }

    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, automerge::AutomergeError> {
        match self.stands.standing_text(obj.as_ref()) {
            Some(text) => Ok(text),
            None => ReadDoc::text(self.doc, obj),
        }
    }

    fn parents<O: AsRef<ObjId>>(
        &self,
        obj: O,
    ) -> Result<Self::Parents<'_>, automerge::AutomergeError> {
        ReadDoc::parents(self.doc, obj)
    }

    fn is_empty(&self) -> bool {
        autosurgeon::ReadDoc::is_empty(self.doc)
    }
}
