//! Who may write what: the rule table every device applies to every change it receives,
//! deciding from the change's causal past only. `docs/schema.md` ("Who may write what")
//! is the same table in prose; keep them together.

use std::collections::{BTreeMap, HashMap};

use automerge::legacy::{ObjectId, Op, OpId, OpType};
use automerge::{Change, ChangeHash, ObjType, ScalarValue};

use super::change_ops::{
    ChangeOps, admissions, is_bool, is_int_or_null, is_str, is_str_or_null, key,
};
use super::past::{Past, Standing};
use super::paths::{Paths, Placed, Seg, show};
use super::values;
use super::verdict::{Fault, Passed};
use super::violation::Violation;
use crate::admission_proof::AdmissionProof;
use crate::record_mint::{is_minted_thread, minted_bytes};
use crate::schema::field;
use crate::schema::{
    ARTICLES, COMMUNITY_ID_KEY, EVENTS, INVITES, MEMBERS, PROFILE, RESOURCES, RULES_KEY,
    RULES_VERSION, TASKS, THREADS,
};
use crate::{
    ArticleId, CommunityId, EventId, InviteId, MemberId, PostId, ResourceId, TaskId, ThreadId,
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

    let membership = targets
        .iter()
        .any(|(_, t)| matches!(t.first(), Some(Seg::Key(k)) if k == MEMBERS || k == INVITES));
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
        return Ok(Passed { membership, made });
    }
    let standing = if at.exact {
        past.standing(signer)
    } else {
        paths.standing(signer, deps, || past.standing(signer))
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
    Ok(Passed { membership, made })
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

struct Rules<'a> {
    /// The causal past holds the rules marker: records need minted ids and admissions
    /// their proof. Without it (history of a community made before them, and what is
    /// written on it), the first rules.
    current_rules: bool,
    past: Past<'a>,
    signer: &'a MemberId,
    standing: Standing,
    time: i64,
    ops: &'a ChangeOps<'a>,
    /// Member id -> invite id, for each admission in the change.
    admitted: BTreeMap<String, String>,
    /// Judged at the change's own deps (see [`At`]).
    exact: bool,
    /// Records made by changes judged ahead in the same batch (not at these heads yet).
    made_ahead: &'a std::collections::HashSet<(String, String)>,
    /// For each record the change makes (by the operation that makes it): its ordinal
    /// among them, which names its id (`record_mint`).
    ordinals: HashMap<OpId, u32>,
}

/// A record whose id is minted by the change that makes it.
fn is_minted_record(path: &[Seg]) -> bool {
    match path {
        [Seg::Key(s), Seg::Key(_)] => {
            [THREADS, ARTICLES, EVENTS, TASKS, RESOURCES, INVITES].contains(&s.as_str())
        }
        [Seg::Key(s), Seg::Key(_), Seg::Key(f), Seg::Elem] => s == THREADS && f == field::POSTS,
        _ => false,
    }
}

impl Rules<'_> {
    fn coordinator(&self, what: &str) -> Result<(), Violation> {
        if self.standing.coordinator {
            Ok(())
        } else {
            Err(Violation::CoordinatorsOnly(what.to_owned()))
        }
    }

    fn is_signer(&self, who: Option<&str>) -> bool {
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
            [
                Some(
                    field::NAME
                    | field::ORGANISATION
                    | field::DEPARTMENT
                    | field::BIO
                    | field::SKILLS
                    | field::ADDRS
                    | field::STORIES,
                ),
                ..,
            ] => {
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
                self.coordinator("remove members")?;
                if is_int_or_null(a) {
                    Ok(())
                } else {
                    Err(Violation::Malformed("removal".into()))
                }
            }
            _ => Err(Violation::Immutable("a member's admission record".into())),
        }
    }

    /// `id` admitted with `invite` in this change: the invite is usable as of the deps,
    /// and the entry comes out current, with the invite's role.
    fn admission(
        &self,
        id: &str,
        invite: &str,
        targets: &[(Placed, Vec<Seg>)],
    ) -> Result<(), Violation> {
        let bad = || Violation::BadAdmission(id.to_owned());
        let member: MemberId = id
            .parse()
            .map_err(|_| Violation::Malformed("member id".into()))?;
        let inv = self.past.entry(INVITES, invite).ok_or_else(bad)?;
        let creator: Option<MemberId> = self
            .past
            .str(&inv, field::CREATED_BY)
            .and_then(|c| c.parse().ok());
        let creator_current = creator
            .as_ref()
            .and_then(|c| self.past.standing(c))
            .is_some_and(|s| s.is_current());
        let expires = self.past.int(&inv, field::EXPIRES_AT).unwrap_or(i64::MIN);
        let max_uses = self.past.int(&inv, field::MAX_USES).unwrap_or(0);
        // Uses before, and the others this same change makes of the invite.
        let used = self.past.list_len(&inv, field::USED_BY) as i64
            + self.admitted.values().filter(|i| *i == invite).count() as i64
            - 1;
        if !creator_current
            || self.past.is_true(&inv, field::REVOKED)
            || self.time >= expires
            || used >= max_uses
        {
            return Err(bad());
        }
        // The newcomer holds the ticket and asked for this: both signatures verify.
        let signed = |f: &str| {
            self.ops
                .ops
                .iter()
                .zip(targets)
                .rev()
                .find_map(|(op, (_, t))| match (t.as_slice(), &op.action) {
                    (
                        [Seg::Key(s), Seg::Key(m), Seg::Key(g)],
                        OpType::Put(ScalarValue::Str(text)),
                    ) if s == MEMBERS && m == id && g == f => AdmissionProof::from_text(text),
                    _ => None,
                })
        };
        let proof = match (signed(field::INVITE_SIG), signed(field::CONSENT_SIG)) {
            // The first rules asked for no proof.
            _ if !self.current_rules => None,
            (Some(invite_sig), Some(consent_sig)) => Some(AdmissionProof {
                invite_sig,
                consent_sig,
            }),
            _ => return Err(bad()),
        };
        let community: Option<CommunityId> = self
            .past
            .str(&automerge::ROOT, COMMUNITY_ID_KEY)
            .and_then(|c| c.parse().ok());
        let invite_id: Option<InviteId> = invite.parse().ok();
        let key = self.past.str(&inv, field::KEY);
        let proven = match (proof, community, invite_id, key) {
            (None, ..) => true,
            (Some(p), Some(c), Some(i), Some(k)) => p.verifies(&k, &c, &i, &member),
            _ => false,
        };
        if !proven {
            return Err(bad());
        }
        let invite_role = self.past.str(&inv, field::ROLE);
        let before = self.past.standing(&member);
        if let Some(b) = &before {
            match b.removed_at {
                None => return Err(bad()),
                // Only an invite made after the removal readmits.
                Some(removed)
                    if self.past.int(&inv, field::CREATED_AT).unwrap_or(i64::MIN) <= removed =>
                {
                    return Err(bad());
                }
                Some(_) => {}
            }
        }
        // What the change leaves in the entry: its writes, else what was there.
        let mut role = before.as_ref().map(|b| {
            if b.coordinator {
                "coordinator"
            } else {
                "member"
            }
            .to_owned()
        });
        let mut removed_is_null = before.is_none();
        let mut made_entry = false;
        for (i, (op, (_, target))) in self.ops.ops.iter().zip(targets).enumerate() {
            match target.as_slice() {
                [Seg::Key(s), Seg::Key(m)] if s == MEMBERS && m == id => {
                    if !matches!(op.action, OpType::Make(ObjType::Map)) {
                        return Err(Violation::Malformed("member entry".into()));
                    }
                    made_entry = true;
                    let made = self.ops.id_of(i);
                    role = self.ops.str_in(&made, field::ROLE);
                    removed_is_null = matches!(
                        self.ops.put_in(&made, field::REMOVED_AT),
                        Some(OpType::Put(ScalarValue::Null))
                    );
                }
                // The newcomer's stories are theirs to tell, not the admitter's.
                [Seg::Key(s), Seg::Key(m), Seg::Key(f), ..]
                    if s == MEMBERS && m == id && f == field::STORIES =>
                {
                    return Err(Violation::OthersRecord("details".into()));
                }
                [Seg::Key(s), Seg::Key(m), Seg::Key(f)] if s == MEMBERS && m == id => {
                    match (f.as_str(), &op.action) {
                        (field::ROLE, OpType::Put(ScalarValue::Str(r))) => {
                            role = Some(r.to_string())
                        }
                        (field::REMOVED_AT, OpType::Put(ScalarValue::Null)) => {
                            removed_is_null = true
                        }
                        (field::REMOVED_AT, _) => removed_is_null = false,
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        if before.is_none() && !made_entry {
            return Err(bad());
        }
        if role != invite_role || !removed_is_null {
            return Err(bad());
        }
        Ok(())
    }

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
    fn new_record(&self, made: &OpId, ty: ObjType, target: &[Seg]) -> Result<(), Violation> {
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
                valid(id.parse::<InviteId>().is_ok(), "invite id")?;
                by_signer(field::CREATED_BY)?;
                if ops.str_in(made, field::ROLE).as_deref() != Some("member") {
                    self.coordinator("invite coordinators")?;
                }
                let id: InviteId = id
                    .parse()
                    .map_err(|_| Violation::Malformed("invite id".into()))?;
                self.minted(made, |m| id.to_bytes() == m, "invite")
            }
            [Some(THREADS), Some(id)] => {
                map()?;
                valid(id.parse::<ThreadId>().is_ok(), "thread id")?;
                by_signer(field::AUTHOR)?;
                let kind = ops.str_in(made, field::KIND);
                valid(
                    matches!(kind.as_deref(), Some("discussion" | "question")),
                    "thread kind",
                )?;
                let id: ThreadId = id
                    .parse()
                    .map_err(|_| Violation::Malformed("thread id".into()))?;
                self.minted(made, |m| is_minted_thread(&id, m), "thread")
            }
            [Some(THREADS), Some(_), Some(field::POSTS), None] => {
                map()?;
                let id = ops.str_in(made, field::ID).unwrap_or_default();
                valid(id.parse::<PostId>().is_ok(), "post id")?;
                by_signer(field::AUTHOR)?;
                valid(
                    ops.put_in(made, field::BODY).is_some_and(is_str),
                    "post body (it must be a string)",
                )?;
                let id: PostId = id
                    .parse()
                    .map_err(|_| Violation::Malformed("post id".into()))?;
                self.minted(made, |m| id.to_bytes() == m, "post")
            }
            [Some(ARTICLES), Some(id)] => {
                map()?;
                valid(id.parse::<ArticleId>().is_ok(), "article id")?;
                by_signer(field::CREATED_BY)?;
                valid(
                    matches!(
                        ops.put_in(made, field::BODY),
                        Some(OpType::Make(ObjType::Text))
                    ),
                    "article body",
                )?;
                let id: ArticleId = id
                    .parse()
                    .map_err(|_| Violation::Malformed("article id".into()))?;
                self.minted(made, |m| id.to_bytes() == m, "article")
            }
            [Some(EVENTS), Some(id)] => {
                map()?;
                valid(id.parse::<EventId>().is_ok(), "event id")?;
                by_signer(field::CREATED_BY)?;
                let id: EventId = id
                    .parse()
                    .map_err(|_| Violation::Malformed("event id".into()))?;
                self.minted(made, |m| id.to_bytes() == m, "event")
            }
            [Some(TASKS), Some(id)] => {
                map()?;
                valid(id.parse::<TaskId>().is_ok(), "task id")?;
                by_signer(field::CREATED_BY)?;
                let id: TaskId = id
                    .parse()
                    .map_err(|_| Violation::Malformed("task id".into()))?;
                self.minted(made, |m| id.to_bytes() == m, "task")
            }
            [Some(RESOURCES), Some(id)] => {
                map()?;
                valid(id.parse::<ResourceId>().is_ok(), "resource id")?;
                by_signer(field::ADDED_BY)?;
                let id: ResourceId = id
                    .parse()
                    .map_err(|_| Violation::Malformed("resource id".into()))?;
                self.minted(made, |m| id.to_bytes() == m, "resource")
            }
            _ => Ok(()),
        }
    }
}
