//! Judging one change whose deps this copy holds: authorship (its signature, already
//! established), then the rule table at its causal past.

use std::collections::HashMap;

use automerge::{Automerge, Change};
use ed25519_dalek::VerifyingKey;

use super::bounds;
use super::identity::{key_of_actor, member_id_of_key};
use super::legacy::LegacyPolicy;
use super::paths::Paths;
use super::rules::{At, check_ops};
use super::verdict::{Fault, Passed, Proof, Verdict, refusal};
use super::violation::Violation;
use crate::MemberId;
use crate::commit_meta::CommitMeta;

/// The key and member of each actor seen (decompressing a key and naming its member cost
/// more than the rest of a small change's checks).
#[derive(Default)]
pub(crate) struct Actors(HashMap<automerge::ActorId, Option<(VerifyingKey, MemberId)>>);

impl Actors {
    pub(crate) fn of(&mut self, actor: &automerge::ActorId) -> Option<(VerifyingKey, MemberId)> {
        self.0
            .entry(actor.clone())
            .or_insert_with(|| key_of_actor(actor).map(|k| (k, member_id_of_key(&k))))
            .clone()
    }
}

/// What judging a change needs besides the change.
pub(crate) struct Judge<'a, 'p> {
    pub(crate) doc: &'a Automerge,
    pub(crate) actors: &'a mut Actors,
    pub(crate) paths: &'a mut Paths<'p>,
    pub(crate) legacy: &'a dyn LegacyPolicy,
}

impl Judge<'_, '_> {
    /// Judges `change`, whose signature stands as `proof`, at `at`. A change with no deps
    /// creates the community: only the first one may (`may_create`).
    pub(crate) fn judge(
        &mut self,
        change: &Change,
        proof: Proof,
        at: At<'_>,
        may_create: bool,
    ) -> Verdict {
        let Some((_, signer)) = self.actors.of(change.actor_id()) else {
            return if self.legacy.accepts(change) {
                // Unsigned history is accepted as it stands; it may touch anything.
                Verdict::Pass(Passed {
                    membership: true,
                    standing: true,
                    made: Vec::new(),
                    bans: Vec::new(),
                })
            } else {
                Verdict::Refuse(refusal(change, None, Violation::Unsigned))
            };
        };
        // Until its signature verifies, the change names no one: anyone can write any actor.
        match proof {
            Proof::Verified => {}
            Proof::Missing => {
                return Verdict::Refuse(refusal(change, None, Violation::MissingSignature));
            }
            Proof::Forged => {
                return Verdict::Refuse(refusal(change, None, Violation::BadSignature));
            }
        }
        let fail = |v| Verdict::Refuse(refusal(change, Some(signer.clone()), v));
        if let Some(meta) = change.message().and_then(CommitMeta::parse)
            && meta.by != signer
        {
            return fail(Violation::WrongAuthorName);
        }
        // Before anything reads its operations.
        if let Err(v) = bounds::check(change, at.deps_max_op) {
            return fail(v);
        }
        if change.deps().is_empty() && !may_create {
            return fail(Violation::Recreation);
        }
        match check_ops(self.doc, change, &signer, self.paths, at) {
            Ok(passed) => Verdict::Pass(passed),
            Err(Fault::Broke(v)) => fail(v),
            Err(Fault::MissingObject(op)) => Verdict::WaitForObject(op),
            Err(Fault::Unsure) => Verdict::Unsure,
        }
    }
}
