//! Who may write what: the rule table every device applies to every change it receives,
//! deciding from the change's causal past only. `docs/schema.md` ("Who may write what")
//! is the same table in prose; keep them together.

use std::collections::{BTreeMap, HashMap};

use automerge::legacy::{ObjectId, Op, OpId, OpType};
use automerge::{Change, ChangeHash, ObjType, ScalarValue};

use super::change_ops::{
    ChangeOps, admissions, equivocation_reports, is_bool, is_int_or_null, is_str, is_str_or_null,
    key,
};
use super::past::{Past, Standing};
use super::paths::{Paths, Placed, Seg, show};
use super::rules_new_record::is_minted_record;
use super::values;
use super::verdict::{Fault, Passed};
use super::violation::Violation;
use crate::MemberId;
use crate::schema::field;
use crate::schema::{
    ARTICLES, CONTENT_MAPS, EVENTS, INVITES, MEMBERS, PROFILE, RESOURCES, RULES_KEY, RULES_VERSION,
    TASKS, THREADS,
};

/// Where a change is judged: at its deps (exact), or, for a change whose deps are still
/// waiting to be applied in the same batch, at the applied part of its past, which holds
/// everything the rules read as long as the waiting changes touch no membership or invite
/// (the caller's condition). Such a judgment may only accept: anything it cannot be sure
/// of is refused, and the caller judges again once the deps are applied.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub(crate) heads: &'a [ChangeHash],
    pub(crate) exact: bool,
    /// The largest operation counter among the deps (0 for none): the change's first
    /// operation must be the next.
    pub(crate) deps_max_op: u64,
    /// Records (section, key) made by the changes judged ahead before this one.
    pub(crate) made_ahead: &'a std::collections::HashSet<(String, String)>,
}

/// Checks every operation of `change`, signed by `signer`, against the rules as they stood
/// at the change's deps. `doc` holds the deps (and nothing refused).
pub(crate) fn check_ops(
    doc: &automerge::Automerge,
    change: &Change,
    signer: &MemberId,
    paths: &mut Paths<'_>,
    at: At<'_>,
) -> Result<Passed, Fault> {
    let deps = at.heads;
    let past = Past { doc, heads: deps };
    let expanded = change.decode();
    let start = change.start_op().get();
    let actor = change.actor_id().clone();
    let ops = &expanded.operations;
    let op_id = |i: usize| OpId(start + i as u64, actor.clone());

    paths.next_change();
    let mut targets: Vec<(Placed, Vec<Seg>)> = Vec::with_capacity(ops.len());
    for (i, op) in ops.iter().enumerate() {
        let placed = match paths.place(&op.obj) {
            Some(p) => p,
            // Another device may hold the object and accept the change: wait for it.
            None => return Err(missing_object(&op.obj)),
        };
        let mut target = placed.path.clone();
        target.push(Seg::of_key(&op.key));
        if let OpType::Make(_) = op.action {
            paths.made(op_id(i), target.clone());
        }
        targets.push((placed, target));
    }
    let change_ops = ChangeOps {
        ops,
        start,
        actor: &actor,
    };

    if change.raw_bytes().len() > super::bounds::MAX_CONTENT_BYTES
        && equivocation_reports(&targets).is_empty()
    {
        return Err(Violation::TooLarge(format!(
            "{} bytes, at most {} (more only for a proof of equivocation)",
            change.raw_bytes().len(),
            super::bounds::MAX_CONTENT_BYTES
        ))
        .into());
    }
    let membership = targets
        .iter()
        .any(|(_, t)| matches!(t.first(), Some(Seg::Key(k)) if k == MEMBERS || k == INVITES));
    let judged_after = targets.iter().any(|(_, t)| changes_standing(t));
    let made: Vec<(String, String)> = ops
        .iter()
        .zip(&targets)
        .filter_map(|(op, (_, t))| match (&op.action, t.as_slice()) {
            (OpType::Make(_), [Seg::Key(s), Seg::Key(k)]) => Some((s.clone(), k.clone())),
            _ => None,
        })
        .collect();
    // The k-th record the change makes, in operation order, has the k-th minted id.
    let mut ordinals: HashMap<OpId, u32> = HashMap::new();
    for (i, (op, (_, t))) in ops.iter().zip(&targets).enumerate() {
        if matches!(op.action, OpType::Make(_)) && is_minted_record(t) {
            let k = u32::try_from(ordinals.len()).unwrap_or(u32::MAX);
            ordinals.insert(op_id(i), k);
        }
    }
    if change.deps().is_empty() {
        check_creation(&change_ops, &targets, signer)?;
        values::check(doc, deps, at.exact, ops, &targets)?;
        return Ok(Passed {
            membership,
            standing: judged_after,
            made,
            bans: Vec::new(),
        });
    }
    // A change that writes only content whose records the views leave out for a writer
    // never validly admitted (`what_stands::WhatStands`) is judged by the signer's
    // own entry; anything else also by their chain of admitters (reads at the deps are the
    // guard's dearest, and posts are most of what it judges).
    let whole = !targets
        .iter()
        .all(|(_, t)| matches!(t.first(), Some(Seg::Key(k)) if CONTENT_MAPS.contains(&k.as_str())));
    let read = || {
        if whole {
            past.standing(signer)
        } else {
            past.entry_standing(signer)
        }
    };
    let standing = if at.exact {
        read()
    } else {
        paths.standing(signer, deps, whole, read)
    };
    let standing = match standing {
        None => return Err(Violation::NotAMember.into()),
        Some(s) if !s.is_current() => return Err(Violation::Removed.into()),
        Some(s) => s,
    };
    // Judged by the rules its causal past names (`schema::RULES_KEY`).
    let current_rules = past
        .int(&automerge::ROOT, RULES_KEY)
        .is_some_and(|v| v >= RULES_VERSION as i64);
    let rules = Rules {
        current_rules,
        past,
        signer,
        standing,
        time: change.timestamp(),
        ops: &change_ops,
        admitted: admissions(ops, &targets),
        reports: equivocation_reports(&targets),
        exact: at.exact,
        made_ahead: at.made_ahead,
        ordinals,
    };
    for (id, invite) in &rules.admitted {
        rules.admission(id, invite, &targets)?;
    }
    for (op, (placed, target)) in ops.iter().zip(&targets) {
        // What goes inside an object made by this change is judged with that object.
        if let ObjectId::Id(obj) = &op.obj
            && paths.made.contains_key(obj)
        {
            continue;
        }
        // What a delete leaves depends on values written since: judged only exactly.
        if !at.exact && is_map_delete(op, placed) {
            return Err(Fault::Unsure);
        }
        rules.permit(op, placed, target)?;
    }
    for (i, (op, (_, target))) in ops.iter().zip(&targets).enumerate() {
        if let OpType::Make(ty) = op.action {
            rules.new_record(&op_id(i), ty, target)?;
        }
    }
    // After the rules, whose reasons say more; before anything is applied.
    values::check(doc, deps, at.exact, ops, &targets)?;
    Ok(Passed {
        membership,
        standing: judged_after,
        made,
        bans: crate::equivocation::proven_by(change),
    })
}

/// A field of a member entry that only its member writes (what they say about themselves,
/// where they are reachable, their stories).
fn is_own_detail(f: &str) -> bool {
    matches!(
        f,
        field::NAME
            | field::ORGANISATION
            | field::DEPARTMENT
            | field::BIO
            | field::SKILLS
            | field::ADDRS
            | field::STORIES
    )
}

/// Whether a write at `target` may change how later changes are judged: who is a member
/// with which role, the invites, the rules marker. A member's own details (name, bio,
/// skills, addresses, stories) are read by no rule, so a run of them, such as a member's
/// flood of profile edits, is still judged ahead and applied in one call.
fn changes_standing(target: &[Seg]) -> bool {
    match target {
        [Seg::Key(s), ..] if s == INVITES || s == RULES_KEY => true,
        [Seg::Key(s), _, Seg::Key(f), ..] if s == MEMBERS => !is_own_detail(f),
        [Seg::Key(s), ..] => s == MEMBERS,
        _ => false,
    }
}

/// The fault of a change that writes into `obj`, which this copy does not hold.
fn missing_object(obj: &ObjectId) -> Fault {
    match obj {
        ObjectId::Id(op) => Fault::MissingObject(op.clone()),
        // The root always exists; placing it cannot fail.
        ObjectId::Root => Fault::Broke(Violation::Malformed("root".into())),
    }
}

/// A delete of a map key in an object that existed before the change.
fn is_map_delete(op: &Op, placed: &Placed) -> bool {
    matches!(
        (&op.action, &op.key, &placed.id),
        (OpType::Delete, automerge::legacy::Key::Map(_), Some(_))
    )
}

/// The creation: the first change, by the founder, who becomes its only member.
fn check_creation(
    ops: &ChangeOps<'_>,
    targets: &[(Placed, Vec<Seg>)],
    signer: &MemberId,
) -> Result<(), Violation> {
    let (mut founder_entry, mut coordinator, mut created_by) = (false, false, false);
    for (op, (_, target)) in ops.ops.iter().zip(targets) {
        let is_signer =
            matches!(&op.action, OpType::Put(ScalarValue::Str(b)) if b.as_str() == signer.as_str());
        match target.as_slice() {
            [Seg::Key(s), Seg::Key(id), ..] if s == MEMBERS && id != signer.as_str() => {
                return Err(Violation::Malformed(
                    "creation that admits someone else".into(),
                ));
            }
            [Seg::Key(s), Seg::Key(_)] if s == MEMBERS => founder_entry = true,
            [Seg::Key(s), Seg::Key(_), Seg::Key(f)] if s == MEMBERS && f == field::ROLE => {
                coordinator =
                    matches!(&op.action, OpType::Put(ScalarValue::Str(r)) if r == "coordinator");
            }
            [Seg::Key(s), Seg::Key(f)] if s == PROFILE && f == field::CREATED_BY => {
                if !is_signer {
                    return Err(Violation::WrongAuthorName);
                }
                created_by = true;
            }
            _ => {}
        }
    }
    if founder_entry && coordinator && created_by {
        Ok(())
    } else {
        Err(Violation::Malformed(
            "creation without its founder as coordinator".into(),
        ))
    }
}

pub(super) struct Rules<'a> {
    /// The causal past holds the rules marker: records need minted ids and admissions
    /// their proof. Without it (history of a community made before them, and what is
    /// written on it), the first rules.
    pub(super) current_rules: bool,
    pub(super) past: Past<'a>,
    pub(super) signer: &'a MemberId,
    pub(super) standing: Standing,
    pub(super) time: i64,
    pub(super) ops: &'a ChangeOps<'a>,
    /// Member id -> invite id, for each admission in the change.
    pub(super) admitted: BTreeMap<String, String>,
    /// Members whose entries the change writes a proof of equivocation into.
    pub(super) reports: std::collections::BTreeSet<String>,
    /// Judged at the change's own deps (see [`At`]).
    pub(super) exact: bool,
    /// Records made by changes judged ahead in the same batch (not at these heads yet).
    pub(super) made_ahead: &'a std::collections::HashSet<(String, String)>,
    /// For each record the change makes (by the operation that makes it): its ordinal
    /// among them, which names its id (`record_mint`).
    pub(super) ordinals: HashMap<OpId, u32>,
}

impl Rules<'_> {
    pub(super) fn coordinator(&self, what: &str) -> Result<(), Violation> {
        if self.standing.coordinator {
            Ok(())
        } else {
            Err(Violation::CoordinatorsOnly(what.to_owned()))
        }
    }

    /// A proof of equivocation against member `id`: it holds on its own (both changes,
    /// both signatures), whatever the change's deps hold.
    fn equivocation_proof(&self, action: &OpType, id: &str) -> Result<(), Violation> {
        let OpType::Put(ScalarValue::Bytes(bytes)) = action else {
            return Err(Violation::Malformed("proof of equivocation".into()));
        };
        let false_proof =
            |why: String| Violation::Malformed(format!("proof of equivocation: {why}"));
        let proof = crate::equivocation::Proof::from_bytes(bytes)
            .map_err(|e| false_proof(e.to_string()))?;
        let against = proof.holds().map_err(|e| false_proof(e.to_string()))?;
        if against.as_str() != id {
            return Err(false_proof("not against this member".into()));
        }
        Ok(())
    }

    pub(super) fn is_signer(&self, who: Option<&str>) -> bool {
        who == Some(self.signer.as_str())
    }

    /// One operation on an object that existed before the change.
    fn permit(&self, op: &Op, placed: &Placed, target: &[Seg]) -> Result<(), Violation> {
        // A delete that leaves a value visible sets the key to that value: judge it so.
        let resolved;
        let op = match (&op.action, &op.key, &placed.id) {
            (OpType::Delete, automerge::legacy::Key::Map(k), Some(obj)) => {
                let preds: Vec<OpId> = op.pred.iter().cloned().collect();
                match self.past.left_after_delete(obj, k, &preds) {
                    Some(left) => {
                        resolved = Op {
                            action: left,
                            ..op.clone()
                        };
                        &resolved
                    }
                    None => op,
                }
            }
            _ => op,
        };
        let a = &op.action;
        let keys: Vec<Option<&str>> = target.iter().map(key).collect();
        let section = keys.first().copied().flatten().unwrap_or("");
        if keys.len() == 2 && matches!(a, OpType::Make(_)) {
            // A record is made once; making it again (even as a concurrent conflict, which
            // the later write wins) would replace someone's record.
            let record = keys[1].unwrap_or_default();
            let taken = !op.pred.is_empty()
                || self.past.key_taken(section, record)
                || (!self.exact
                    && self
                        .made_ahead
                        .contains(&(section.to_owned(), record.to_owned())));
            if taken {
                return Err(Violation::Immutable(format!(
                    "an existing {}",
                    show(target)
                )));
            }
        }
        match (section, &keys[1..]) {
            // The rules marker, once, by a coordinator, in a community without it.
            (RULES_KEY, [])
                if op.pred.is_empty()
                    && matches!(a, OpType::Put(ScalarValue::Uint(v)) if *v == RULES_VERSION)
                    && !self.current_rules
                    && self.past.int(&automerge::ROOT, RULES_KEY).is_none() =>
            {
                self.coordinator("move the community onto the current rules")
            }
            (root_key, []) => Err(Violation::RootKey(root_key.to_owned())),
            (PROFILE, [Some(field::CREATED_AT | field::CREATED_BY)]) => {
                Err(Violation::Immutable("the profile's creation".into()))
            }
            (PROFILE, _) => self.coordinator("edit the profile, norms or objectives"),
            (MEMBERS, [Some(id), rest @ ..]) => self.member_entry(op, id, rest),
            (INVITES, [Some(id), Some(field::REVOKED)]) => {
                let creator = self
                    .past
                    .entry(INVITES, id)
                    .and_then(|e| self.past.str(&e, field::CREATED_BY));
                if !matches!(a, OpType::Put(ScalarValue::Boolean(_))) {
                    Err(Violation::Malformed("invite".into()))
                } else if self.is_signer(creator.as_deref()) || self.standing.coordinator {
                    Ok(())
                } else {
                    Err(Violation::OthersRecord("invite".into()))
                }
            }
            (INVITES, [Some(_), Some(field::USED_BY), None]) => match a {
                OpType::Put(ScalarValue::Str(id))
                    if op.insert && self.admitted.contains_key(id.as_str()) =>
                {
                    Ok(())
                }
                _ => Err(Violation::Immutable("who used an invite".into())),
            },
            (INVITES, [Some(_)]) if matches!(a, OpType::Make(ObjType::Map)) => Ok(()),
            (INVITES, _) => Err(Violation::Immutable("an invite".into())),
            (THREADS, [Some(_)]) if matches!(a, OpType::Make(ObjType::Map)) => Ok(()),
            (THREADS, [Some(_), Some(field::ACCEPTED_POST)]) => {
                let author = placed
                    .id
                    .as_ref()
                    .and_then(|t| self.past.str(t, field::AUTHOR));
                if !is_str_or_null(a) {
                    Err(Violation::Malformed("accepted answer".into()))
                } else if self.is_signer(author.as_deref()) || self.standing.coordinator {
                    Ok(())
                } else {
                    Err(Violation::CoordinatorsOnly(
                        "accept an answer to someone else's question".into(),
                    ))
                }
            }
            (THREADS, [Some(_), Some(field::POSTS), None])
                if op.insert && matches!(a, OpType::Make(ObjType::Map)) =>
            {
                Ok(())
            }
            (
                THREADS,
                [
                    Some(_),
                    Some(field::POSTS),
                    None,
                    Some(which @ (field::BODY | field::EDITED_AT)),
                ],
            ) => {
                let author = placed
                    .id
                    .as_ref()
                    .and_then(|p| self.past.str(p, field::AUTHOR));
                let well_formed = if *which == field::BODY {
                    is_str(a)
                } else {
                    is_int_or_null(a)
                };
                if !self.is_signer(author.as_deref()) {
                    Err(Violation::OthersRecord("post".into()))
                } else if !well_formed {
                    Err(Violation::Malformed(format!("post {which}")))
                } else {
                    Ok(())
                }
            }
            (THREADS, _) => Err(Violation::Immutable("a thread or post".into())),
            (ARTICLES, [Some(_)]) if matches!(a, OpType::Make(ObjType::Map)) => Ok(()),
            (
                ARTICLES,
                [
                    Some(_),
                    Some(field::CREATED_BY | field::CREATED_AT | field::FROM_THREAD | field::BODY),
                ],
            ) => Err(Violation::Immutable("an article's origin".into())),
            (ARTICLES, [Some(_), Some(field::UPDATED_BY)]) => match a {
                OpType::Put(ScalarValue::Str(by)) if by.as_str() == self.signer.as_str() => Ok(()),
                _ => Err(Violation::WrongAuthorName),
            },
            (
                ARTICLES,
                [
                    Some(_),
                    Some(field::TITLE | field::UPDATED_AT | field::TAGS),
                    ..,
                ],
            ) => Ok(()),
            (ARTICLES, [Some(_), Some(field::BODY), _, ..]) => Ok(()),
            (ARTICLES, _) => Err(Violation::Immutable("an article's record".into())),
            (EVENTS, [Some(_)]) if matches!(a, OpType::Make(ObjType::Map)) => Ok(()),
            (EVENTS, [Some(_), Some(field::RSVP), Some(who)]) => {
                if self.is_signer(Some(who)) {
                    Ok(())
                } else {
                    Err(Violation::OthersRecord("RSVP".into()))
                }
            }
            (EVENTS, [Some(event), Some(field::ATTENDED), Some(who)]) => {
                let organiser = self
                    .past
                    .entry(EVENTS, event)
                    .and_then(|e| self.past.str(&e, field::CREATED_BY));
                if self.is_signer(Some(who))
                    || self.is_signer(organiser.as_deref())
                    || self.standing.coordinator
                {
                    Ok(())
                } else {
                    Err(Violation::OthersRecord("attendance".into()))
                }
            }
            (EVENTS, [Some(_), Some(field::NOTES), _, ..]) => Ok(()),
            (EVENTS, _) => Err(Violation::Immutable("an event".into())),
            (TASKS, [Some(_)]) if matches!(a, OpType::Make(ObjType::Map)) => Ok(()),
            (TASKS, [Some(_), Some(field::ASSIGNEE)]) if is_str_or_null(a) => Ok(()),
            (TASKS, [Some(_), Some(field::STATUS)]) if is_str(a) => Ok(()),
            (TASKS, [Some(_), Some(field::DUE)]) if is_int_or_null(a) => Ok(()),
            (TASKS, [Some(_), Some(field::GOOD_FIRST)]) if is_bool(a) => Ok(()),
            (TASKS, _) => Err(Violation::Immutable("a task".into())),
            (RESOURCES, [Some(_)]) if matches!(a, OpType::Make(ObjType::Map)) => Ok(()),
            (RESOURCES, [Some(id)]) if matches!(a, OpType::Delete) => {
                let sharer = self
                    .past
                    .entry(RESOURCES, id)
                    .and_then(|e| self.past.str(&e, field::ADDED_BY));
                if self.is_signer(sharer.as_deref()) || self.standing.coordinator {
                    Ok(())
                } else {
                    Err(Violation::CoordinatorsOnly(
                        "remove a resource someone else shared".into(),
                    ))
                }
            }
            (RESOURCES, _) => Err(Violation::Immutable("a resource".into())),
            _ => Err(Violation::Unknown(show(target))),
        }
    }

    /// An operation inside `members/<id>`.
    fn member_entry(&self, op: &Op, id: &str, rest: &[Option<&str>]) -> Result<(), Violation> {
        if self.admitted.contains_key(id) {
            // Judged as a whole by `admission`.
            return Ok(());
        }
        let a = &op.action;
        match rest {
            [] => Err(Violation::Malformed("member entry".into())),
            [Some(f), ..] if is_own_detail(f) => {
                if id == self.signer.as_str() {
                    Ok(())
                } else {
                    Err(Violation::OthersRecord("details".into()))
                }
            }
            [Some(field::ROLE)] => {
                self.coordinator("change roles")?;
                match a {
                    OpType::Put(ScalarValue::Str(r)) if r == "member" || r == "coordinator" => {
                        Ok(())
                    }
                    _ => Err(Violation::Malformed("role".into())),
                }
            }
            [Some(field::REMOVED_AT)] => {
                if self.reports.contains(id) {
                    // Any member removes one whose equivocation the change proves.
                    return match a {
                        OpType::Put(
                            ScalarValue::Int(_) | ScalarValue::Uint(_) | ScalarValue::Timestamp(_),
                        ) => Ok(()),
                        _ => Err(Violation::Malformed("removal".into())),
                    };
                }
                self.coordinator("remove members")?;
                if is_int_or_null(a) {
                    Ok(())
                } else {
                    Err(Violation::Malformed("removal".into()))
                }
            }
            [Some(field::EQUIVOCATION)] => self.equivocation_proof(a, id),
            _ => Err(Violation::Immutable("a member's admission record".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(segs: &[&str]) -> Vec<Seg> {
        segs.iter().map(|s| Seg::Key((*s).to_owned())).collect()
    }

    /// A member's own details are read by no rule: a run of them is judged ahead (a flood
    /// of profile edits costs one Automerge call per batch, not one per change).
    #[test]
    fn only_standing_invites_and_the_rules_marker_change_how_later_changes_are_judged() {
        for judged_after in [
            path(&[MEMBERS, "m"]),
            path(&[MEMBERS, "m", field::ROLE]),
            path(&[MEMBERS, "m", field::REMOVED_AT]),
            path(&[INVITES, "i", field::USED_BY]),
            path(&[RULES_KEY]),
        ] {
            assert!(changes_standing(&judged_after), "{judged_after:?}");
        }
        for detail in [
            path(&[MEMBERS, "m", field::BIO]),
            path(&[MEMBERS, "m", field::SKILLS, "0"]),
            path(&[MEMBERS, "m", field::ADDRS]),
            path(&["threads", "t", "posts"]),
        ] {
            assert!(!changes_standing(&detail), "{detail:?}");
        }
    }
}
