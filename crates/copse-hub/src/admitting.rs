//! A newcomer asks us to admit them: the invite and its secret are checked against our
//! copy, the admission is written, and once durable the community is sent from disk.

use copse_core::sync::{InboundId, JoinRefusal, JoinRequest, JoinResponse};
use copse_core::{Admission, Command, MemberId};

use crate::replica::Deferred;
use crate::{Hub, NetOp, PeerError};

impl Hub {
    pub(crate) fn join_request(
        &mut self,
        peer: MemberId,
        inbound: InboundId,
        request: JoinRequest,
    ) {
        let c = request.community.clone();
        let decision = self
            .replicas
            .get(&c)
            .filter(|r| r.community().is_member(&self.me))
            .map(|r| {
                r.community()
                    .admission(&peer, &request.invite, &request.proof, self.now)
            });
        let refusal = match decision {
            None => JoinRefusal::NotAccepted,
            Some(Err(code)) => code,
            Some(Ok(Admission::AlreadyAdmitted)) => {
                if let Some(r) = self.replicas.get_mut(&c) {
                    r.defer(Deferred::ServeJoin(inbound));
                }
                return;
            }
            Some(Ok(Admission::New)) => {
                let admitted = self.apply(
                    &c,
                    Command::Admit {
                        member: peer.clone(),
                        details: request.details,
                        invite: request.invite,
                        proof: request.proof,
                    },
                );
                match admitted {
                    Ok(_) => {
                        tracing::info!(community = %c, newcomer = %peer, "admitted a newcomer");
                        if let Some(r) = self.replicas.get_mut(&c) {
                            r.defer(Deferred::ServeJoin(inbound));
                        }
                        return;
                    }
                    Err(PeerError::Refused(e)) => JoinRefusal::for_admit_error(&e),
                    Err(_) => JoinRefusal::Unavailable,
                }
            }
        };
        tracing::info!(community = %c, newcomer = %peer, ?refusal, "refused a newcomer");
        self.net(NetOp::RespondJoin {
            inbound,
            response: JoinResponse::Refused(refusal),
        });
        self.cut_off_stranger(&peer);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use crate::test_device::*;

    /// Regression: when the admission was committed but its answer lost, the newcomer was
    /// stuck ("already a member" forever). Asking again gets the community, and writes nothing.
    #[test]
    fn admission_is_idempotent_when_the_answer_is_lost() {
        let mut a = Device::new(member(0));
        let c = a.create();
        let t = a.ticket(&c);
        let newcomer = member(1);
        let first = a.feed(Input::Net(NetEvent::JoinRequest {
            peer: newcomer.clone(),
            inbound: InboundId(1),
            request: join_request(&t, &newcomer),
        }));
        assert!(matches!(answer(&first), JoinResponse::Admitted { .. }));
        let heads = a.heads(&c);
        // The answer never arrived; the newcomer asks again with the same single-use ticket.
        let again = a.feed(Input::Net(NetEvent::JoinRequest {
            peer: newcomer.clone(),
            inbound: InboundId(2),
            request: join_request(&t, &newcomer),
        }));
        match answer(&again) {
            JoinResponse::Admitted { document, .. } => {
                let got = copse_core::Community::load(&document).unwrap();
                assert!(got.is_member(&newcomer));
            }
            other => panic!("asking again was refused: {other:?}"),
        }
        assert_eq!(a.heads(&c), heads, "asking again wrote something");
        // Someone else with the used-up ticket is told it was used (they know the secret).
        let late = a.feed(Input::Net(NetEvent::JoinRequest {
            peer: member(2),
            inbound: InboundId(3),
            request: join_request(&t, &member(2)),
        }));
        assert_eq!(answer(&late), JoinResponse::Refused(JoinRefusal::UsedUp));
    }

    /// Regression: refusals said "this invite is not known" to someone who only knew a
    /// community id. Unknown community, unknown invite and wrong secret read the same, and the
    /// stranger is cut off after the refusal.
    #[test]
    fn join_refusals_reveal_nothing_without_the_secret() {
        let mut a = Device::new(member(0));
        let c = a.create();
        let t = a.ticket(&c);
        let stranger = member(9);
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(7);
        let mut wrong_secret = join_request(&t, &stranger);
        let mut forged = t.clone();
        forged.secret = InviteSecret::random(&mut rng);
        wrong_secret.proof = join_request(&forged, &stranger).proof;
        let mut unknown_invite = join_request(&t, &stranger);
        unknown_invite.invite = copse_core::InviteId::random(&mut rng);
        let mut unknown_community = join_request(&t, &stranger);
        unknown_community.community = CommunityId::random(&mut rng);
        for (i, request) in [wrong_secret, unknown_invite, unknown_community]
            .into_iter()
            .enumerate()
        {
            let outputs = a.feed(Input::Net(NetEvent::JoinRequest {
                peer: stranger.clone(),
                inbound: InboundId(i as u64),
                request,
            }));
            assert_eq!(
                answer(&outputs),
                JoinResponse::Refused(JoinRefusal::NotAccepted)
            );
            assert!(
                disconnects(&outputs, &stranger),
                "the stranger stayed connected"
            );
        }
    }
}
