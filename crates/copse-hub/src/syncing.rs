//! Sync sessions: a peer's requests applied through the guard, our requests and their
//! answers, pushes of what changed to everyone else, and how a change of membership opens
//! and closes sessions.

use copse_core::automerge::ChangeHash;
use copse_core::commit_meta::CommitMeta;
use copse_core::sync::{InboundId, Refusal, SyncRequest, SyncResponse, Tag};
use copse_core::{Community, CommunityId, MemberId};

use copse_core::sync::Received;

use crate::failure::{Failure, guarded, guarded_try};
use crate::replica::{Changed, Deferred};
use crate::{Hub, Input, NetOp, PeerEvent};

impl Hub {
    pub(crate) fn sync_request(
        &mut self,
        peer: MemberId,
        inbound: InboundId,
        request: SyncRequest,
    ) {
        let c = request.community().clone();
        tracing::trace!(community = %c, %peer, kind = request_kind(&request), "received");
        if !self.shares(&c, &peer) {
            // An unknown community and a non-member look the same from outside.
            self.net(NetOp::RespondSync {
                inbound,
                response: SyncResponse::Refused(Refusal::NotAMember),
            });
            self.cut_off_stranger(&peer);
            return;
        }
        if !self.sessions.contains(&c, &peer)
            && let Some(r) = self.replicas.get(&c)
        {
            self.sessions.open(&c, &peer, r.community().doc());
        }
        let (Some(r), Some(s)) = (self.replicas.get_mut(&c), self.sessions.get_mut(&c, &peer))
        else {
            return;
        };
        if s.sync.has_more() {
            // Its last message is still being admitted: one at a time.
            self.net(NetOp::RespondSync {
                inbound,
                response: SyncResponse::Refused(Refusal::Unavailable),
            });
            return;
        }
        let now = self.now;
        let heads_before = r.community().doc().get_heads();
        let outcome = r.admit_with(|doc, gate| {
            guarded_try(|| match request {
                SyncRequest::Sync { message, .. } => s.sync.receive_sync(doc, &message, now, gate),
                SyncRequest::Changes { heads, changes, .. } => {
                    s.sync.receive_changes(doc, heads, &changes, now, gate)
                }
            })
        });
        self.received(c, peer, inbound, heads_before, outcome);
    }

    /// Admits the next slice of what `peer` sent (see `SyncSession::admit_more`).
    pub(crate) fn admit_more(&mut self, c: CommunityId, peer: MemberId, inbound: InboundId) {
        let (Some(r), Some(s)) = (self.replicas.get_mut(&c), self.sessions.get_mut(&c, &peer))
        else {
            // The session closed meanwhile (the peer left): the rest is dropped with it.
            return;
        };
        let heads_before = r.community().doc().get_heads();
        let outcome = r.admit_with(|doc, gate| guarded_try(|| s.sync.admit_more(doc, gate)));
        self.received(c, peer, inbound, heads_before, outcome);
    }

    /// What admitting (part of) a peer's message did: refusals noted, changes to go out,
    /// the answer once all of it is in (and durable), or the session closed on a bad one.
    fn received(
        &mut self,
        c: CommunityId,
        peer: MemberId,
        inbound: InboundId,
        heads_before: Vec<ChangeHash>,
        outcome: Result<Received, Failure>,
    ) {
        let Some(r) = self.replicas.get_mut(&c) else {
            return;
        };
        let failure = match outcome {
            Ok(mut received) => {
                let rebuilt = received
                    .rebuilt
                    .then(|| std::mem::take(&mut received.dropped));
                let proofs = std::mem::take(&mut received.equivocations);
                r.note_banned(&received.banned);
                if let Some(dropped) = &rebuilt {
                    r.rebuilt(dropped);
                    // Heads it no longer holds name nothing to push from.
                    let doc = r.community().doc();
                    received
                        .heads_before
                        .retain(|h| doc.get_change_meta_by_hash(h).is_some());
                }
                let outs = r.note_refusals(&c, received.refused, &received.refused_hashes);
                if received.changed {
                    let metas = if received.hashes.is_empty() {
                        r.community()
                            .doc()
                            .get_changes_meta(&received.heads_before)
                            .iter()
                            .filter_map(|m| CommitMeta::parse(m.message.as_deref()?))
                            .collect()
                    } else {
                        metas_of(r.community(), &received.hashes)
                    };
                    r.changed(Changed {
                        heads_before: received.heads_before,
                        source: Some(peer.clone()),
                        local: false,
                        metas,
                        membership: received.membership,
                    });
                }
                if received.more {
                    // The rest after whatever else waits: the driver lets it in between.
                    self.continue_with(Input::AdmitMore {
                        community: c.clone(),
                        peer,
                        inbound,
                    });
                } else {
                    r.defer(Deferred::Respond(inbound));
                }
                self.emit(outs);
                if let Some(dropped) = rebuilt {
                    self.after_rebuild(&c, &dropped);
                }
                if !proofs.is_empty() {
                    self.report_equivocations(&c, proofs);
                }
                return;
            }
            Err(failure) => failure,
        };
        tracing::warn!(community = %c, %peer, %failure, "closing a sync session: bad message");
        let damaged = r.community().doc().get_heads() != heads_before || failure.may_have_damaged();
        self.sessions.drop_session(&c, &peer);
        self.net(NetOp::RespondSync {
            inbound,
            response: SyncResponse::Refused(Refusal::BadMessage),
        });
        if damaged {
            self.reload(&c, &failure.to_string());
        }
    }

    pub(crate) fn sync_result(
        &mut self,
        peer: &MemberId,
        tag: Tag,
        result: Result<SyncResponse, String>,
    ) {
        tracing::trace!(%peer, %tag, ok = result.is_ok(), "answered");
        let Some((c, p)) = self.sessions.take(tag) else {
            return;
        };
        debug_assert_eq!(&p, peer);
        let (Some(r), Some(s)) = (self.replicas.get(&c), self.sessions.get_mut(&c, &p)) else {
            return;
        };
        match result {
            // Busy, or reading its copy back from disk: not an end, like a lost request.
            // Closing the session here would drop what it owes the peer (the answer to a
            // round the peer started meanwhile), and the peer would wait for it for good.
            Ok(SyncResponse::Refused(Refusal::Unavailable)) => {
                tracing::debug!(community = %c, %peer, "peer unavailable; will retry");
                s.sync.on_failure();
            }
            Ok(response) => {
                if matches!(response, SyncResponse::Ok { .. }) {
                    self.backoff.reset(&p);
                }
                if let Err(e) = s.sync.on_response(response, r.community().doc(), self.now) {
                    tracing::info!(community = %c, %peer, error = %e, "sync session ended by the peer");
                    self.refused.insert((c.clone(), p.clone()), self.now);
                    self.close_session(&c, &p);
                    return;
                }
                self.pump(&c, &p);
            }
            Err(e) => {
                // Retried on the next tick, not at once: a peer that is not connected fails
                // every request immediately, and an immediate retry would never end.
                tracing::debug!(community = %c, %peer, error = %e, "sync request failed; will retry");
                s.sync.on_failure();
            }
        }
    }

    /// Sends the session's next request, if it has one, nothing is in flight, and the
    /// document holds nothing that is not on disk.
    pub(crate) fn pump(&mut self, c: &CommunityId, peer: &MemberId) {
        let Some(r) = self.replicas.get(c) else {
            return;
        };
        if !r.is_settled() {
            // Pumped again once what it holds is on disk.
            return;
        }
        let Some(s) = self.sessions.get_mut(c, peer) else {
            return;
        };
        let doc = r.community().doc();
        let Ok(request) = guarded(|| s.sync.poll(c, doc)) else {
            tracing::error!(community = %c, %peer, "automerge panicked generating a sync message; closing the session");
            self.sessions.drop_session(c, peer);
            return;
        };
        let leaving_done = s.sync.has_left();
        let up = s.sync.is_up_to_date(doc);
        let report = (up != s.up_to_date).then(|| {
            s.up_to_date = up;
            up
        });
        if let Some(request) = request {
            let tag = self.tag();
            tracing::trace!(community = %c, %peer, %tag, kind = request_kind(&request), "sending");
            self.sessions.track(tag, c, peer);
            self.net(NetOp::SendSync {
                peer: peer.clone(),
                tag,
                request,
            });
        }
        if leaving_done {
            tracing::info!(community = %c, %peer, "closed the session of a removed member");
            self.close_session(c, peer);
            if self.is_shunned(peer) {
                self.net(NetOp::Disconnect { peer: peer.clone() });
            }
            return;
        }
        if let Some(up_to_date) = report {
            self.event(PeerEvent::SyncState {
                community: c.clone(),
                member: peer.clone(),
                up_to_date,
            });
        }
    }

    pub(crate) fn pump_all(&mut self, c: &CommunityId) {
        for p in self.sessions.members_of(c) {
            self.pump(c, &p);
        }
    }

    /// The changes of `c` after `heads_before` are durable: push them to every other
    /// session, tell the user, react to membership changes.
    pub(crate) fn changed(&mut self, c: &CommunityId, changed: Changed) {
        let Changed {
            heads_before,
            source,
            local,
            metas,
            membership,
        } = changed;
        for p in self.sessions.members_of(c) {
            if Some(&p) == source.as_ref() {
                continue;
            }
            if let Some(s) = self.sessions.get_mut(c, &p)
                && !s.sync.is_leaving()
            {
                s.sync.changed_since(&heads_before);
            }
        }
        self.event(PeerEvent::CommunityChanged {
            community: c.clone(),
            local,
            changes: metas,
        });
        self.index(c);
        if membership {
            // Members, their addresses or invites changed: who we dial, and who may sync.
            self.contacts = None;
            self.membership_changed(c);
        }
    }

    fn membership_changed(&mut self, c: &CommunityId) {
        self.membership_dirty = true;
        let Some(r) = self.replicas.get(c) else {
            return;
        };
        if !r.community().is_member(&self.me) {
            let name = r.community().name();
            self.close_sessions(|cc, _| cc == c);
            self.event(PeerEvent::Removed {
                community: c.clone(),
                name,
            });
            return;
        }
        let peers: Vec<MemberId> = self.connected.keys().cloned().collect();
        for p in peers {
            let has = self.sessions.contains(c, &p);
            let member = self.shares(c, &p);
            if member && !has {
                if let Some(r) = self.replicas.get(c) {
                    self.sessions.open(c, &p, r.community().doc());
                }
            } else if !member && has {
                tracing::debug!(community = %c, peer = %p, "a member was removed; sending them the news, then closing");
                if let (Some(s), Some(r)) = (self.sessions.get_mut(c, &p), self.replicas.get(c)) {
                    // What they get is frozen now: nothing written later may follow.
                    s.sync.leave(c, r.community().doc());
                }
            }
        }
    }
}

fn request_kind(r: &SyncRequest) -> &'static str {
    match r {
        SyncRequest::Sync { .. } => "round",
        SyncRequest::Changes { .. } => "push",
    }
}

/// The commit metadata of the changes `hashes` (a few lookups each).
pub(crate) fn metas_of(c: &Community, hashes: &[ChangeHash]) -> Vec<CommitMeta> {
    let doc = c.doc();
    hashes
        .iter()
        .filter_map(|h| {
            let m = doc.get_change_meta_by_hash(h)?;
            CommitMeta::parse(m.message.as_deref()?)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use crate::test_device::*;

    /// Regression (found by the simulator): a peer answered our push "unavailable" (it was
    /// reading its copy back from disk) while its own sync round to us waited for our answer.
    /// The refusal closed our session, and with it the answer we owed: both sides waited on
    /// each other for good. "Unavailable" is now retried like a lost request.
    #[test]
    fn an_unavailable_peer_still_gets_the_answer_to_its_round() {
        let mut a = Device::new(member(0));
        let b = member(1);
        let c = admitted_and_connected(&mut a, &b, |a, c| a.heads(c));
        let b_copy = a.hub.community(&c).unwrap().doc().fork();
        let pushed = edit(&mut a, &c, "pushed while b reloads");
        let (push, round) = sent_to(&pushed, &b).expect("the edit is pushed");
        assert!(!round);
        // b's round reaches a while the push is in flight.
        let message = b_copy
            .clone()
            .generate_sync_message(&mut copse_core::automerge::sync::State::new())
            .unwrap()
            .encode();
        let answered = a.feed(Input::Net(NetEvent::SyncRequest {
            peer: b.clone(),
            inbound: InboundId(2),
            request: SyncRequest::Sync {
                community: c.clone(),
                message,
            },
        }));
        assert!(answered.iter().any(|o| matches!(
            o,
            Output::Net(NetOp::RespondSync {
                inbound: InboundId(2),
                ..
            })
        )));
        a.feed(Input::Net(NetEvent::SyncResult {
            peer: b.clone(),
            tag: push,
            result: Ok(SyncResponse::Refused(Refusal::Unavailable)),
        }));
        a.now = a.now.plus_millis(500);
        let next = a.feed(Input::Tick);
        assert!(
            matches!(sent_to(&next, &b), Some((_, true))),
            "a owes b an answer to its round: {next:?}"
        );
    }

    /// Feeds `input` and runs the store operations it asks for, but hands back the inputs
    /// the hub wants fed again (`Output::Continue`) instead of feeding them.
    fn step(a: &mut Device, input: Input) -> (Vec<Output>, Vec<Input>) {
        let mut pending = vec![input];
        let (mut out, mut again) = (Vec::new(), Vec::new());
        while let Some(input) = pending.pop() {
            for o in a.hub.handle(a.now, input) {
                match o {
                    Output::Store(op) => pending.extend(a.disk.run(op).map(Input::Stored)),
                    Output::Continue(input) => again.push(input),
                    other => out.push(other),
                }
            }
        }
        (out, again)
    }

    fn answered(outputs: &[Output], inbound: InboundId) -> Option<&SyncResponse> {
        outputs.iter().find_map(|o| match o {
            Output::Net(NetOp::RespondSync {
                inbound: i,
                response,
            }) if *i == inbound => Some(response),
            _ => None,
        })
    }

    /// A member's push of many changes (a flood, or a week offline) is admitted a step at
    /// a time: the hub hands the rest back to its driver in between, so the user and other
    /// peers are served meanwhile; the member's next request waits ("unavailable") until
    /// the push is in, and the push is answered once, when all of it is in.
    #[test]
    fn a_long_push_is_admitted_in_steps_and_answered_once() {
        let mut a = Device::new(member(0));
        let b = member(1);
        let c = admitted_and_connected(&mut a, &b, |a, c| a.heads(c));
        let mut theirs =
            copse_core::Community::from_doc(a.hub.community(&c).unwrap().doc().fork()).unwrap();
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(5);
        theirs.sign_as(key(1), &mut rng);
        let before = theirs.doc().get_heads();
        let edits = copse_core::sync::STEP_CHANGES;
        for i in 0..edits {
            theirs
                .apply(
                    &b,
                    a.now,
                    &mut rng,
                    copse_core::Command::UpdateMyDetails(MemberDetails {
                        name: "Bob".into(),
                        bio: format!("edit {i}"),
                        ..MemberDetails::default()
                    }),
                )
                .unwrap();
        }
        let changes = theirs.doc().save_after(&before);
        let push = |inbound| {
            Input::Net(NetEvent::SyncRequest {
                peer: b.clone(),
                inbound: InboundId(inbound),
                request: SyncRequest::Changes {
                    community: c.clone(),
                    heads: theirs.doc().get_heads(),
                    changes: changes.clone(),
                },
            })
        };
        let (out, mut again) = step(&mut a, push(7));
        assert!(
            answered(&out, InboundId(7)).is_none(),
            "answered before all is in"
        );
        assert_eq!(again.len(), 1, "the rest is handed back: {out:?}");
        let (out, _) = step(&mut a, push(8));
        assert_eq!(
            answered(&out, InboundId(8)),
            Some(&SyncResponse::Refused(Refusal::Unavailable)),
            "one message of a peer at a time"
        );
        let mut steps = 1;
        loop {
            let (out, next) = step(&mut a, again.pop().unwrap());
            steps += 1;
            again = next;
            if let Some(r) = answered(&out, InboundId(7)) {
                assert_eq!(r, &SyncResponse::Ok { heads: a.heads(&c) });
                break;
            }
            assert_eq!(again.len(), 1, "{out:?}");
        }
        // Two changes an edit (its signature), a step's worth at a time.
        assert!(steps >= 2, "{steps} steps");
        let mut ours = a.heads(&c);
        let mut expected = theirs.doc().get_heads();
        ours.sort();
        expected.sort();
        assert_eq!(ours, expected);
    }

    /// A push answered with heads we do not have (the peer's own push of them was lost)
    /// starts a round at once.
    #[test]
    fn a_push_answer_with_unknown_heads_starts_a_round() {
        let mut a = Device::new(member(0));
        let b = member(1);
        let c = admitted_and_connected(&mut a, &b, |a, c| a.heads(c));
        let pushed = edit(&mut a, &c, "pushed");
        let (push, _) = sent_to(&pushed, &b).expect("the edit is pushed");
        let mut heads = a.heads(&c);
        heads.push(copse_core::automerge::ChangeHash([7; 32]));
        let next = a.feed(Input::Net(NetEvent::SyncResult {
            peer: b.clone(),
            tag: push,
            result: Ok(SyncResponse::Ok { heads }),
        }));
        assert!(matches!(sent_to(&next, &b), Some((_, true))), "{next:?}");
    }
}
