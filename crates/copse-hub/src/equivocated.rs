//! What a device does about an equivocation its guard found (`copse_core::equivocation`):
//! when its document was rebuilt without the change it held at an equivocated place (and
//! what built on it), it writes the disk anew, starts every session of that community
//! afresh (their heads may name dropped changes), and writes again this member's own edits
//! that left; and it writes the proof with the equivocating member's removal, so devices
//! that only saw one of the two changes learn to drop it too.

use std::collections::HashMap;

use copse_core::automerge::ChangeHash;
use copse_core::equivocation::{MAX_PROOF_BYTES, Proof};
use copse_core::{Command, CommunityId};

use crate::own_edits::{created_id, renamed};
use crate::replica::Deferred;
use crate::{EditApplied, Hub, PeerEvent};

impl Hub {
    /// The document of `c` was rebuilt without `dropped` while admitting a peer's changes.
    pub(crate) fn after_rebuild(&mut self, c: &CommunityId, dropped: &[ChangeHash]) {
        if let Some(r) = self.replicas.get_mut(c) {
            // A fresh actor: the dropped changes' sequence numbers may be held elsewhere
            // still, and writing other changes at them would be equivocating.
            r.community_mut().set_actor(&mut self.rng);
        }
        self.restart_sessions(c);
        self.write_again(c, dropped);
    }

    /// Writes again this member's edits whose changes were dropped, oldest first, each
    /// naming the records the ones before it created anew.
    pub(crate) fn write_again(&mut self, c: &CommunityId, dropped: &[ChangeHash]) {
        let Some(r) = self.replicas.get_mut(c) else {
            return;
        };
        let lost = r.own_edits().take_lost(dropped);
        r.defer(Deferred::OwnEdits);
        if lost.is_empty() {
            return;
        }
        let mut ids: HashMap<String, String> = HashMap::new();
        let (mut again, mut failed) = (0usize, 0usize);
        for edit in lost {
            let Some(command) = renamed(&edit.command, &ids) else {
                failed += 1;
                continue;
            };
            match self.apply(c, command) {
                Ok(EditApplied { created, .. }) => {
                    again += 1;
                    if let (Some(old), Some(new)) = (edit.created, created) {
                        ids.insert(created_id(&old), created_id(&new));
                    }
                }
                Err(e) => {
                    tracing::warn!(community = %c, error = %e, "an edit lost with an equivocation could not be written again");
                    failed += 1;
                }
            }
        }
        tracing::warn!(community = %c, again, failed, "wrote again the edits an equivocation's losing side took");
        if failed > 0 {
            self.event(PeerEvent::Error {
                message: format!(
                    "a member wrote two different versions of one edit; {again} of your edits \
                     built on the version every device dropped were made again, {failed} \
                     could not be (what they changed is gone)"
                ),
            });
        }
    }

    /// Removes each member an equivocation proves against, with the proof, if this
    /// device's member may.
    pub(crate) fn report_equivocations(&mut self, c: &CommunityId, proofs: Vec<Proof>) {
        for proof in proofs {
            let Some(r) = self.replicas.get(c) else {
                return;
            };
            let community = r.community();
            let Ok(member) = proof.holds() else {
                continue;
            };
            if member == self.me {
                // This member's own key signed both: it is used elsewhere (a copied key, a
                // restored backup). Others will remove us; we do not.
                tracing::error!(community = %c, "this member's key signed two different changes at one place");
                continue;
            }
            // An equivocator already removed still gets the proof written: devices holding
            // one of these two changes learn from it to drop it.
            if !community.is_member(&self.me) {
                continue;
            }
            let bytes = proof.to_bytes();
            let command = Command::ReportEquivocation {
                member: member.clone(),
                proof: (bytes.len() <= MAX_PROOF_BYTES).then_some(bytes),
            };
            match self.apply(c, command) {
                Ok(_) => {
                    tracing::warn!(community = %c, %member, "removed a member who equivocated")
                }
                Err(e) => tracing::warn!(community = %c, %member, error = %e,
                    "could not remove a member who equivocated (a coordinator can)"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use copse_core::automerge::transaction::{CommitOptions, Transactable};
    use copse_core::automerge::{Change, ReadDoc};
    use copse_core::commit_meta::CommitMeta;
    use copse_core::guard::signature::signature_change;
    use rand::SeedableRng;

    use crate::test_device::*;

    /// Member `m`'s change to their own bio on `doc`, under `actor`, with its signature
    /// change.
    fn bio(
        doc: &copse_core::automerge::Automerge,
        m: u8,
        actor: &copse_core::automerge::ActorId,
        text: &str,
    ) -> Vec<Change> {
        let mut fork = doc.fork();
        fork.set_actor(actor.clone());
        let (_, members) = fork
            .get(copse_core::automerge::ROOT, "members")
            .unwrap()
            .unwrap();
        let (_, entry) = fork.get(&members, member(m).as_str()).unwrap().unwrap();
        let mut tx = fork.transaction();
        tx.put(&entry, "bio", text).unwrap();
        let meta = CommitMeta {
            by: member(m),
            cmd: "update_my_details".into(),
            obj: None,
        };
        let (hash, _) = tx.commit_with(CommitOptions::default().with_message(meta.to_message()));
        let hash = hash.unwrap();
        let change = fork.get_change_by_hash(&hash).unwrap();
        let sig = signature_change(&change, &key(m).sign(&hash));
        vec![change, sig]
    }

    fn push(a: &mut Device, from: &MemberId, c: &CommunityId, changes: &[Change], n: u64) {
        let bytes = changes
            .iter()
            .flat_map(|c| c.raw_bytes().to_vec())
            .collect();
        a.feed(Input::Net(NetEvent::SyncRequest {
            peer: from.clone(),
            inbound: InboundId(n),
            request: SyncRequest::Changes {
                community: c.clone(),
                heads: vec![],
                changes: bytes,
            },
        }));
    }

    fn objectives(doc: &Device, c: &CommunityId) -> Vec<String> {
        let community = doc.hub.community(c).unwrap();
        community
            .profile()
            .objectives
            .into_iter()
            .map(|o| o.text)
            .collect()
    }

    /// Bob tells Ada one change, Ada writes on top of it, then Bob tells her another at the
    /// same place: neither stays, Ada's copy is rebuilt, her edit written again, Bob
    /// removed with the proof, the disk replaced; a third version is refused at once; and
    /// a copy read back from a disk the replacement never reached is rebuilt the same way
    /// when the hub starts.
    #[test]
    fn a_rebuild_keeps_this_members_edit_removes_the_equivocator_and_reaches_the_disk() {
        let mut a = Device::new(member(0));
        let b = member(1);
        let c = admitted_and_connected(&mut a, &b, |a, c| a.heads(c));
        let doc = a.hub.community(&c).unwrap().doc().clone();
        let actor = key(1).actor(&mut rand::rngs::StdRng::seed_from_u64(3));
        let first = bio(&doc, 1, &actor, "one");
        let second = bio(&doc, 1, &actor, "two");
        push(&mut a, &b, &c, &first, 100);
        assert!(
            a.hub
                .community(&c)
                .unwrap()
                .doc()
                .get_change_meta_by_hash(&first[0].hash())
                .is_some()
        );
        edit(&mut a, &c, "mine, on top of the dropped change");
        let before_rebuild = a.disk.clone();
        push(&mut a, &b, &c, &second, 101);

        let community = a.hub.community(&c).unwrap();
        let doc = community.doc();
        // Neither stays.
        assert!(doc.get_change_meta_by_hash(&first[0].hash()).is_none());
        assert!(doc.get_change_meta_by_hash(&second[0].hash()).is_none());
        assert_eq!(
            objectives(&a, &c),
            vec!["mine, on top of the dropped change".to_owned()]
        );
        assert!(!community.is_member(&b), "Bob is removed");
        assert_eq!(
            a.disk.community(&c).unwrap().doc().get_heads(),
            a.heads(&c),
            "on disk"
        );
        let heads = a.heads(&c);
        let third = bio(&doc.clone(), 1, &actor, "three");
        push(&mut a, &b, &c, &third, 102);
        assert_eq!(a.heads(&c), heads, "a third version changes nothing");

        // A crash before the replacement: the old disk, with what the hub noted since.
        let after = a.disk.loaded();
        let mut loaded = before_rebuild.loaded();
        loaded.refused = after.refused;
        let (hub, _) = Hub::new(
            HubConfig {
                signer: key(0),
                seed: 8,
                details: MemberDetails::default(),
                online: true,
                relays: Vec::new(),
            },
            loaded,
            a.now,
        );
        let doc = hub.community(&c).unwrap().doc();
        assert!(doc.get_change_meta_by_hash(&first[0].hash()).is_none());
        let profile = hub.community(&c).unwrap().profile();
        assert_eq!(
            profile
                .objectives
                .into_iter()
                .map(|o| o.text)
                .collect::<Vec<_>>(),
            vec!["mine, on top of the dropped change".to_owned()]
        );
    }
}
