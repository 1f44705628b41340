//! A community read in by the store, for a join or an import: a new one becomes a replica;
//! one this device holds is merged, what this copy lacks passing the guard as a sync
//! batch would.

use copse_core::automerge::ChangeHash;
use copse_core::guard::NoLegacy;
use copse_core::{CommunityId, MemberId};

use crate::failure::guarded_try;
use crate::joiner::Adopting;
use crate::replica::{Changed, Deferred, Phase, Replica};
use crate::{Adopted, Done, Hub, Imported, Joined, PeerError, PeerEvent, RequestId};

impl Hub {
    pub(crate) fn adopted(&mut self, request: RequestId, result: Result<Adopted, PeerError>) {
        let Some(kind) = self.joiner.adopting.remove(&request) else {
            return;
        };
        self.membership_dirty = true;
        let adopted = match result {
            Ok(a) => a,
            Err(e) => {
                self.done(request, kind.failed(e));
                return;
            }
        };
        let id = adopted.community.id().clone();
        let joined = matches!(kind, Adopting::Join { .. });
        let done = match kind {
            Adopting::Join { name, admitted_by } => Done::Joined(Ok(Joined {
                community: id.clone(),
                name,
                admitted_by,
            })),
            Adopting::Import => Done::Imported(Ok(Imported {
                id: id.clone(),
                created: adopted.fresh,
                refused: adopted.refused.len(),
            })),
        };
        if adopted.fresh {
            self.take_in(request, adopted, done, joined);
        } else {
            self.merge(request, &id, adopted, done, joined);
        }
    }

    /// A community new on this device (already on disk as it is).
    fn take_in(&mut self, request: RequestId, adopted: Adopted, done: Done, joined: bool) {
        let mut community = *adopted.community;
        let id = community.id().clone();
        let hashes = refused_hashes(&adopted.refused);
        community.sign_as(self.signer.clone(), &mut self.rng);
        let mut replica = Replica::new(community, Phase::Ready);
        let outs = replica.note_refusals(&id, adopted.refused, &hashes);
        self.emit(outs);
        self.replicas.insert(id.clone(), replica);
        self.index(&id);
        self.contacts = None;
        self.own.touch(self.now);
        self.done(request, done);
        if joined {
            self.event(PeerEvent::Joined { community: id });
        }
        let peers: Vec<MemberId> = self.connected.keys().cloned().collect();
        for p in peers {
            self.start_sessions_with(&p);
        }
    }

    /// A community this device holds: what the copy read in has and ours lacks passes the
    /// guard as a session's changes do (checked on its own, the file could still
    /// contradict this copy: another creation, a change refused here before).
    fn merge(
        &mut self,
        request: RequestId,
        id: &CommunityId,
        adopted: Adopted,
        mut done: Done,
        joined: bool,
    ) {
        let Some(r) = self.replicas.get_mut(id) else {
            let why =
                format!("community {id} is on this device but could not be opened; restart Copse");
            self.done(request, done.failed(PeerError::Store(why)));
            return;
        };
        let hashes = refused_hashes(&adopted.refused);
        let mut outs = r.note_refusals(id, adopted.refused, &hashes);
        let mut heads_before = r.community().doc().get_heads();
        let theirs = r
            .community()
            .doc()
            .get_changes_added(adopted.community.doc());
        let (doc, log) = r.admission();
        let was_refused = |h: &ChangeHash| log.contains(h);
        let was_banned = |a: &copse_core::automerge::ActorId, s: u64| log.is_banned(a, s);
        let known = copse_core::guard::Known {
            was_refused: &was_refused,
            was_banned: &was_banned,
        };
        let merged = guarded_try(|| {
            copse_core::guard::admit_held(doc, theirs, Vec::new(), usize::MAX, &known, &NoLegacy)
        });
        match merged {
            Ok(mut admitted) => {
                if let Done::Imported(Ok(i)) = &mut done {
                    i.refused += admitted.refused.len();
                }
                let dropped: Vec<ChangeHash> = admitted.dropped.iter().map(|c| c.hash()).collect();
                let proofs = std::mem::take(&mut admitted.equivocations);
                r.note_banned(&admitted.banned);
                if admitted.rebuilt {
                    r.rebuilt(&dropped);
                    let doc = r.community().doc();
                    heads_before.retain(|h| doc.get_change_meta_by_hash(h).is_some());
                }
                outs.extend(r.note_refusals(id, admitted.refused, &admitted.refused_hashes));
                if !admitted.applied.is_empty() {
                    let metas = crate::syncing::metas_of(r.community(), &admitted.applied);
                    r.changed(Changed {
                        heads_before,
                        source: None,
                        local: true,
                        metas,
                        membership: admitted.membership,
                    });
                    if joined {
                        self.own.touch(self.now);
                    }
                }
                r.defer(Deferred::Done(request, done));
                self.emit(outs);
                if admitted.rebuilt {
                    self.after_rebuild(id, &dropped);
                }
                if !proofs.is_empty() {
                    self.report_equivocations(id, proofs);
                }
            }
            Err(failure) => {
                let damaged =
                    r.community().doc().get_heads() != heads_before || failure.may_have_damaged();
                self.emit(outs);
                tracing::warn!(community = %id, %failure, "a merge failed; reading the community back");
                let why = format!(
                    "the community could not be merged into your copy ({failure}); nothing was changed"
                );
                self.done(request, done.failed(PeerError::Invalid(why)));
                if damaged {
                    self.reload(id, &failure.to_string());
                }
            }
        }
    }
}

fn refused_hashes(refused: &[copse_core::guard::Refused]) -> Vec<ChangeHash> {
    refused
        .iter()
        .filter_map(|r| r.change.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use crate::test_device::*;
    use crate::{Adopted, PeerEvent, StoreResult};

    /// A member's answer to our join becomes a replica of ours, said to the user.
    #[test]
    fn a_joined_community_is_taken_in_and_announced() {
        let mut a = Device::new(member(1));
        let c = a.create();
        let ticket = a.ticket(&c);
        let mut b = Device::new(member(2));
        let out = joins_through(&mut a, &mut b, &ticket, RequestId(99));
        assert!(out.iter().any(|o| matches!(
            o,
            Output::Done {
                request: RequestId(99),
                done: Done::Joined(Ok(_))
            }
        )));
        assert!(out.iter().any(|o| matches!(
            o,
            Output::Event(PeerEvent::Joined { community }) if *community == c
        )));
        assert_eq!(b.heads(&c), a.heads(&c));
        assert!(b.hub.access().allows(&member(1), &c));
    }

    /// Bob, a member, imports a file holding Ada's copy after one more edit, with
    /// `tamper` applied to it: Ada, Bob, the community, and what the import put out.
    fn bob_imports_adas_newer_copy(
        tamper: impl FnOnce(&mut copse_core::Community),
    ) -> (Device, Device, copse_core::CommunityId, Vec<Output>) {
        let mut a = Device::new(member(1));
        let c = a.create();
        let ticket = a.ticket(&c);
        let mut b = Device::new(member(2));
        joins_through(&mut a, &mut b, &ticket, RequestId(99));
        edit(&mut a, &c, "published later");
        let mut newer = a.hub.community(&c).unwrap().clone();
        tamper(&mut newer);
        b.hub.handle(
            b.now,
            Input::Import {
                request: RequestId(5),
                path: "/media/usb/guild.automerge".into(),
            },
        );
        let out = b.feed(Input::Stored(StoreResult::Adopted {
            request: RequestId(5),
            result: Ok(Adopted {
                community: Box::new(newer),
                fresh: false,
                refused: Vec::new(),
            }),
        }));
        (a, b, c, out)
    }

    /// A copy of a community this device holds is merged: what it lacks passes the guard
    /// and is saved; nothing else changes.
    #[test]
    fn a_known_community_read_in_again_is_merged() {
        let (a, b, c, out) = bob_imports_adas_newer_copy(|_| {});
        assert!(
            out.iter().any(|o| matches!(
                o,
                Output::Done {
                    request: RequestId(5),
                    done: Done::Imported(Ok(i))
                } if !i.created && i.refused == 0
            )),
            "{out:?}"
        );
        assert_eq!(b.heads(&c), a.heads(&c));
        assert_eq!(b.disk.community(&c).unwrap().doc().get_heads(), a.heads(&c));
    }

    /// A file with a change that breaks the rules: the rest is merged, the import says how
    /// many changes were kept out.
    #[test]
    fn an_import_says_how_many_changes_were_refused() {
        use copse_core::automerge::transaction::Transactable;
        // An unsigned change on top, as a modified client might leave in a file.
        let (a, b, c, out) = bob_imports_adas_newer_copy(|newer| {
            let mut tx = newer.doc_mut().transaction();
            tx.put(copse_core::automerge::ROOT, "forged", "x").unwrap();
            tx.commit();
        });
        assert!(
            out.iter().any(|o| matches!(
                o,
                Output::Done {
                    request: RequestId(5),
                    done: Done::Imported(Ok(i))
                } if i.refused == 1
            )),
            "{out:?}"
        );
        assert_eq!(b.heads(&c), a.heads(&c));
    }
}
