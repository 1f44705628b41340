//! Joining with a ticket, this device's side: ask the inviter, then each other member the
//! ticket names, until one answers; the answer is read in by the store (`adoption`).

use copse_core::MemberId;
use copse_core::admission_proof::AdmissionProof;
use copse_core::record::MemberDetails;
use copse_core::sync::{JoinRequest, JoinResponse, Tag};
use copse_core::ticket::Ticket;

use crate::joiner::{Adopting, Attempt, Joiner, PendingJoin};
use crate::{AdoptSource, Done, Hub, JoinFailure, NetOp, PeerError, RequestId, StoreOp};

impl Hub {
    pub(crate) fn join(
        &mut self,
        request: RequestId,
        ticket: &str,
        details: Option<MemberDetails>,
    ) {
        if !self.is_online() {
            self.done(request, Done::Joined(Err(JoinFailure::NeedsNetwork.into())));
            return;
        }
        let ticket = match Ticket::decode(ticket) {
            Ok(t) => t,
            Err(e) => {
                self.done(request, Done::Joined(Err(e.into())));
                return;
            }
        };
        let details = details
            .filter(|d| !d.name.trim().is_empty())
            .unwrap_or_else(|| self.details.clone());
        if let Some(r) = self.replicas.get(&ticket.community)
            && r.community().is_member(&self.me)
        {
            let name = r.community().name();
            self.done(
                request,
                Done::Joined(Err(JoinFailure::AlreadyMember(name).into())),
            );
            return;
        }
        if !self.joiner.has_room() || self.joiner.is_joining(&ticket.community) {
            self.done(request, Done::Joined(Err(PeerError::Busy)));
            return;
        }
        self.book
            .remember(&ticket.inviter.member, &ticket.inviter.addrs);
        for c in &ticket.others {
            self.book.remember(&c.member, &c.addrs);
        }
        let message = JoinRequest {
            community: ticket.community.clone(),
            invite: ticket.invite.clone(),
            proof: Box::new(AdmissionProof::sign(
                &ticket.secret,
                &self.signer,
                &ticket.community,
                &ticket.invite,
            )),
            details,
        };
        let pending = Joiner::start(request, ticket, message, &self.me);
        self.ask(pending);
    }

    fn ask(&mut self, pending: PendingJoin) {
        self.membership_dirty = true;
        let tag = self.tag();
        match self.joiner.next(pending, tag) {
            Attempt::Ask {
                tag,
                peer,
                addrs,
                message,
            } => self.net(NetOp::SendJoin {
                peer,
                addrs,
                tag,
                request: message,
            }),
            Attempt::GaveUp(request, failure) => {
                self.done(request, Done::Joined(Err(failure.into())))
            }
        }
    }

    pub(crate) fn join_result(
        &mut self,
        peer: MemberId,
        tag: Tag,
        result: Result<JoinResponse, String>,
    ) {
        let Some(mut pending) = self.joiner.answered(tag) else {
            return;
        };
        self.membership_dirty = true;
        match result {
            Ok(JoinResponse::Admitted { document, .. }) => {
                self.joiner.adopting.insert(
                    pending.request,
                    Adopting::Join {
                        name: pending.ticket.name.clone(),
                        admitted_by: peer,
                    },
                );
                self.store(StoreOp::Adopt {
                    request: pending.request,
                    source: AdoptSource::Joined {
                        document,
                        expected: pending.ticket.community.clone(),
                        me: self.me.clone(),
                    },
                });
            }
            Ok(JoinResponse::Refused(refusal)) => {
                let failure = JoinFailure::Refused {
                    refusal,
                    expires_at: pending.ticket.expires_at,
                };
                self.done(pending.request, Done::Joined(Err(failure.into())));
            }
            Err(e) => {
                pending.failed(&peer, &e);
                self.ask(pending);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use crate::test_device::*;

    #[test]
    fn a_join_waiting_for_an_answer_can_be_cancelled_and_a_late_answer_is_dropped() {
        let mut a = Device::new(member(1));
        let c = a.create();
        let ticket = a.ticket(&c);
        let mut b = Device::new(member(2));
        let join = RequestId(99);
        let tag = join_asked(&mut b, &ticket, join);
        let out = b.feed(Input::CancelJoins {
            request: RequestId(100),
        });
        let result = |id: RequestId| {
            out.iter().find_map(|o| match o {
                Output::Done { request, done } if *request == id => Some(done.clone()),
                _ => None,
            })
        };
        assert!(matches!(
            result(join),
            Some(Done::Joined(Err(crate::PeerError::Join(
                crate::JoinFailure::Cancelled
            ))))
        ));
        assert!(matches!(
            result(RequestId(100)),
            Some(Done::Nothing(Ok(())))
        ));
        // The inviter's answer arrives after all: nothing is joined.
        let answer = answers_join(&mut a, &member(2), &ticket);
        let out = b.feed(Input::Net(NetEvent::JoinResult {
            peer: member(1),
            tag,
            result: Ok(answer),
        }));
        assert!(out.iter().all(|o| !matches!(o, Output::Done { .. })));
        assert!(b.hub.community(&c).is_none());
    }

    #[test]
    fn a_join_whose_answer_is_being_loaded_can_no_longer_be_cancelled() {
        let mut a = Device::new(member(1));
        let c = a.create();
        let ticket = a.ticket(&c);
        let mut b = Device::new(member(2));
        let tag = join_asked(&mut b, &ticket, RequestId(99));
        let answer = answers_join(&mut a, &member(2), &ticket);
        // The answer arrived; its loading (the store's work) has not finished.
        let out = b.hub.handle(
            b.now,
            Input::Net(NetEvent::JoinResult {
                peer: member(1),
                tag,
                result: Ok(answer),
            }),
        );
        assert!(out.iter().any(|o| matches!(o, Output::Store(_))));
        let out = b.hub.handle(
            b.now,
            Input::CancelJoins {
                request: RequestId(100),
            },
        );
        assert!(out.iter().any(|o| matches!(
            o,
            Output::Done {
                request: RequestId(100),
                done: Done::Nothing(Err(crate::PeerError::Join(crate::JoinFailure::Arrived)))
            }
        )));
        assert!(!out.iter().any(|o| matches!(
            o,
            Output::Done {
                request: RequestId(99),
                ..
            }
        )));
    }
}
