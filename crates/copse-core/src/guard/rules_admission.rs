//! An admission in a change, judged as a whole: the invite usable as of the deps, the
//! entry written current with the invite's role, and (under the current rules) the
//! newcomer's proof of the ticket and consent. Part of the rule table (`rules`).

use automerge::ObjType;
use automerge::ScalarValue;
use automerge::legacy::OpType;

use super::paths::{Placed, Seg};
use super::rules::Rules;
use super::violation::Violation;
use crate::admission_proof::AdmissionProof;
use crate::schema::{COMMUNITY_ID_KEY, INVITES, MEMBERS, field};
use crate::{CommunityId, InviteId, MemberId};

impl Rules<'_> {
    /// `id` admitted with `invite` in this change: the invite is usable as of the deps,
    /// and the entry comes out current, with the invite's role.
    pub(super) fn admission(
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
                        // A put of null where null is among values in conflict (a removal
                        // concurrent with a re-admission) is written as a delete of the
                        // others: null is what it leaves.
                        (field::REMOVED_AT, OpType::Delete) => {
                            let preds: Vec<_> = op.pred.iter().cloned().collect();
                            removed_is_null = self
                                .past
                                .entry(MEMBERS, id)
                                .and_then(|e| {
                                    self.past.left_after_delete(&e, field::REMOVED_AT, &preds)
                                })
                                .is_some_and(|left| matches!(left, OpType::Put(ScalarValue::Null)));
                        }
                        (field::REMOVED_AT, _) => removed_is_null = false,
                        // The invite it names is the one it uses (an entry may name none:
                        // the first rules did not ask for it).
                        (field::INVITE, OpType::Put(ScalarValue::Str(i)))
                            if i.as_str() == invite => {}
                        (field::INVITE, _) => return Err(bad()),
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
}
