//! Regression tests for rules a review found broken, driven against one hub with a disk
//! that completes every write at once (copse-testkit's SimStore).

#![allow(clippy::unwrap_used)]

use copse_core::automerge::sync::SyncDoc as _;
use copse_core::guard::Signer;
use copse_core::record::{MemberDetails, Role};
use copse_core::sync::{
    InboundId, JoinRefusal, JoinRequest, JoinResponse, Refusal, SyncRequest, SyncResponse, Tag,
};
use copse_core::ticket::Ticket;
use copse_core::view::members::current_member;
use copse_core::{CommunityId, InviteSecret, MemberId, NewCommunity, Timestamp};
use copse_hub::{Done, Hub, HubConfig, Input, Loaded, NetOp, Output, RequestId};
use copse_testkit::sim::sim_store::SimStore;

/// One hub whose store operations complete immediately.
struct Device {
    hub: Hub,
    disk: SimStore,
    now: Timestamp,
    next: u64,
}

fn key(i: u8) -> Signer {
    Signer::from_seed([i + 1; 32])
}

fn member(i: u8) -> MemberId {
    key(i).member().clone()
}

impl Device {
    fn new(me: MemberId) -> Self {
        let now = Timestamp(1_800_000_000_000);
        let signer = (0..=u8::MAX)
            .map(key)
            .find(|k| k.member() == &me)
            .expect("a member made by `member`");
        let (hub, _) = Hub::new(HubConfig { signer, seed: 7 }, Loaded::default(), now);
        Self {
            hub,
            disk: SimStore::default(),
            now,
            next: 1,
        }
    }

    /// Feeds an input; runs every store operation at once; returns the other outputs.
    fn feed(&mut self, input: Input) -> Vec<Output> {
        let mut pending = vec![input];
        let mut out = Vec::new();
        while let Some(input) = pending.pop() {
            for o in self.hub.handle(self.now, input) {
                match o {
                    Output::Store(op) => {
                        if let Some(r) = self.disk.run(op) {
                            pending.push(Input::Stored(r));
                        }
                    }
                    other => out.push(other),
                }
            }
        }
        out
    }

    fn request(&mut self, make: impl FnOnce(RequestId) -> Input) -> Done {
        let id = RequestId(self.next);
        self.next += 1;
        let outputs = self.feed(make(id));
        outputs
            .into_iter()
            .find_map(|o| match o {
                Output::Done { request, result } if request == id => Some(result.unwrap()),
                _ => None,
            })
            .expect("the request finished")
    }

    fn advance(&mut self, ms: i64) {
        self.now = self.now.plus_millis(ms);
        self.feed(Input::Tick);
    }

    fn create(&mut self) -> CommunityId {
        match self.request(|request| Input::Create {
            request,
            spec: NewCommunity {
                name: "Guild".into(),
                domain: "rules".into(),
                ..NewCommunity::default()
            },
            details: MemberDetails {
                name: "Founder".into(),
                ..MemberDetails::default()
            },
        }) {
            Done::Created(c) => c,
            other => panic!("{other:?}"),
        }
    }

    fn ticket(&mut self, c: &CommunityId) -> Ticket {
        match self.request(|request| Input::Invite {
            request,
            community: c.clone(),
            valid_ms: 3_600_000,
            uses: 1,
            role: Role::Member,
        }) {
            Done::Invited(i) => Ticket::decode(&i.ticket).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    fn addrs(&self, c: &CommunityId) -> Vec<String> {
        let doc = self.hub.community(c).unwrap().doc();
        current_member(doc, self.hub.me()).unwrap().addrs
    }

    fn heads(&self, c: &CommunityId) -> Vec<copse_core::automerge::ChangeHash> {
        self.hub.community(c).unwrap().doc().get_heads()
    }
}

fn join_request(t: &Ticket) -> JoinRequest {
    JoinRequest {
        community: t.community.clone(),
        invite: t.invite.clone(),
        secret: t.secret.clone(),
        details: MemberDetails {
            name: "Newcomer".into(),
            ..MemberDetails::default()
        },
    }
}

/// The answer a join request got (the durable document is read by the store at once).
fn answer(outputs: &[Output]) -> JoinResponse {
    outputs
        .iter()
        .find_map(|o| match o {
            Output::Net(NetOp::RespondJoin { response, .. }) => Some(response.clone()),
            _ => None,
        })
        .expect("the join request was answered")
}

fn disconnects(outputs: &[Output], peer: &MemberId) -> bool {
    outputs
        .iter()
        .any(|o| matches!(o, Output::Net(NetOp::Disconnect { peer: p }) if p == peer))
}

/// Regression: when the admission was committed but its answer lost, the newcomer was
/// stuck ("already a member" forever). Asking again gets the community, and writes nothing.
#[test]
fn admission_is_idempotent_when_the_answer_is_lost() {
    let mut a = Device::new(member(0));
    let c = a.create();
    let t = a.ticket(&c);
    let newcomer = member(1);
    let first = a.feed(Input::JoinRequest {
        peer: newcomer.clone(),
        inbound: InboundId(1),
        request: join_request(&t),
    });
    assert!(matches!(answer(&first), JoinResponse::Admitted { .. }));
    let heads = a.heads(&c);
    // The answer never arrived; the newcomer asks again with the same single-use ticket.
    let again = a.feed(Input::JoinRequest {
        peer: newcomer.clone(),
        inbound: InboundId(2),
        request: join_request(&t),
    });
    match answer(&again) {
        JoinResponse::Admitted { document, .. } => {
            let got = copse_core::Community::load(&document).unwrap();
            assert!(got.is_member(&newcomer));
        }
        other => panic!("asking again was refused: {other:?}"),
    }
    assert_eq!(a.heads(&c), heads, "asking again wrote something");
    // Someone else with the used-up ticket is told it was used (they know the secret).
    let late = a.feed(Input::JoinRequest {
        peer: member(2),
        inbound: InboundId(3),
        request: join_request(&t),
    });
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
    let mut wrong_secret = join_request(&t);
    wrong_secret.secret = InviteSecret::random(&mut rand::thread_rng());
    let mut unknown_invite = join_request(&t);
    unknown_invite.invite = copse_core::InviteId::random(&mut rand::thread_rng());
    let mut unknown_community = join_request(&t);
    unknown_community.community = CommunityId::random(&mut rand::thread_rng());
    for (i, request) in [wrong_secret, unknown_invite, unknown_community]
        .into_iter()
        .enumerate()
    {
        let outputs = a.feed(Input::JoinRequest {
            peer: stranger.clone(),
            inbound: InboundId(i as u64),
            request,
        });
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

/// Regression: addresses reported by Identify from anyone were committed into every
/// community on the next tick. A stranger's report counts for nothing, one member's is not
/// enough, and the address set changes at most once per community per hour.
#[test]
fn observed_addresses_need_two_members_and_an_hour() {
    let mut a = Device::new(member(0));
    let c = a.create();
    a.feed(Input::Listening {
        addr: "/ip4/192.0.2.10/tcp/4001".into(),
    });
    a.advance(2_000);
    assert_eq!(a.addrs(&c), vec!["/ip4/192.0.2.10/tcp/4001".to_owned()]);

    // Two members join (as far as the hub knows: admitted with the founder's tickets).
    for (i, peer) in [member(1), member(2)].into_iter().enumerate() {
        let t = a.ticket(&c);
        a.feed(Input::JoinRequest {
            peer,
            inbound: InboundId(10 + i as u64),
            request: join_request(&t),
        });
    }
    let planted = "/ip4/203.0.113.66/tcp/4001";
    for _ in 0..50 {
        a.feed(Input::ObservedAddr {
            addr: planted.into(),
            reporter: member(9),
        });
    }
    a.feed(Input::ObservedAddr {
        addr: planted.into(),
        reporter: member(1),
    });
    a.advance(5_000);
    assert!(
        !a.addrs(&c).contains(&planted.to_owned()),
        "a stranger and one member planted an address"
    );

    // A second member confirms it: recorded, but not before an hour after the last change.
    a.feed(Input::ObservedAddr {
        addr: planted.into(),
        reporter: member(2),
    });
    a.advance(5_000);
    assert!(
        !a.addrs(&c).contains(&planted.to_owned()),
        "changed within the hour"
    );
    for _ in 0..12 {
        a.advance(5 * 60_000);
    }
    assert!(a.addrs(&c).contains(&planted.to_owned()));
}

/// Regression: an edit whose save fails must leave no trace, in memory or on disk, and
/// nothing of it may leave the device.
#[test]
fn a_failed_save_leaves_no_trace_and_sends_nothing() {
    let mut a = Device::new(member(0));
    let c = a.create();
    let heads = a.heads(&c);
    a.disk.fail_next_append = true;
    let id = RequestId(999);
    let outputs = a.feed(Input::Edit {
        request: id,
        community: c.clone(),
        command: copse_core::Command::AddObjective {
            text: "never saved".into(),
        },
    });
    assert!(outputs.iter().any(|o| matches!(
        o,
        Output::Done { request, result: Err(_) } if *request == id
    )));
    assert!(
        !outputs
            .iter()
            .any(|o| matches!(o, Output::Net(NetOp::SendSync { .. }))),
        "something of the failed edit went out"
    );
    assert_eq!(a.heads(&c), heads, "the failed edit stayed in memory");
    assert_eq!(a.disk.community(&c).unwrap().doc().get_heads(), heads);
}

/// Founder `a` with member `b` admitted and connected, the first sync round answered
/// (`b` reports `b_heads`); returns the community.
fn admitted_and_connected(
    a: &mut Device,
    b: &MemberId,
    b_heads: impl FnOnce(&Device, &CommunityId) -> Vec<copse_core::automerge::ChangeHash>,
) -> CommunityId {
    let c = a.create();
    let t = a.ticket(&c);
    let admitted = a.feed(Input::JoinRequest {
        peer: b.clone(),
        inbound: InboundId(1),
        request: join_request(&t),
    });
    assert!(matches!(answer(&admitted), JoinResponse::Admitted { .. }));
    let heads = b_heads(a, &c);
    let outputs = a.feed(Input::Connected {
        peer: b.clone(),
        addr: "/ip4/10.0.0.2/tcp/4001".into(),
        outbound: false,
    });
    let (tag, _) = sent_to(&outputs, b).expect("a sync request on connecting");
    a.feed(Input::SyncResult {
        peer: b.clone(),
        tag,
        result: Ok(SyncResponse::Ok { heads }),
    });
    c
}

/// The first sync request in `outputs` for `peer`: its tag and whether it is a round.
fn sent_to(outputs: &[Output], peer: &MemberId) -> Option<(Tag, bool)> {
    outputs.iter().find_map(|o| match o {
        Output::Net(NetOp::SendSync {
            peer: p,
            tag,
            request,
        }) if p == peer => Some((*tag, matches!(request, SyncRequest::Sync { .. }))),
        _ => None,
    })
}

fn edit(a: &mut Device, c: &CommunityId, text: &str) -> Vec<Output> {
    let id = RequestId(a.next);
    a.next += 1;
    a.feed(Input::Edit {
        request: id,
        community: c.clone(),
        command: copse_core::Command::AddObjective { text: text.into() },
    })
}

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
    let answered = a.feed(Input::SyncRequest {
        peer: b.clone(),
        inbound: InboundId(2),
        request: SyncRequest::Sync {
            community: c.clone(),
            message,
        },
    });
    assert!(answered.iter().any(|o| matches!(
        o,
        Output::Net(NetOp::RespondSync {
            inbound: InboundId(2),
            ..
        })
    )));
    a.feed(Input::SyncResult {
        peer: b.clone(),
        tag: push,
        result: Ok(SyncResponse::Refused(Refusal::Unavailable)),
    });
    a.now = a.now.plus_millis(500);
    let next = a.feed(Input::Tick);
    assert!(
        matches!(sent_to(&next, &b), Some((_, true))),
        "a owes b an answer to its round: {next:?}"
    );
}

/// Regression (found by the simulator): a round's answer that never comes (lost with a
/// refusal, a reconnect) left the session waiting for good with the peer behind. An idle
/// session whose peer differs from us gets a fresh round.
#[test]
fn a_stalled_session_starts_a_fresh_round() {
    let mut a = Device::new(member(0));
    let b = member(1);
    // b answers the first round reporting only the founding change's heads: behind.
    let c = admitted_and_connected(&mut a, &b, |a, c| {
        let doc = a.hub.community(c).unwrap().doc();
        vec![doc.get_changes(&[]).first().unwrap().hash()]
    });
    let mut waited = 0;
    let restarted = loop {
        a.now = a.now.plus_millis(500);
        waited += 500;
        if let Some((_, round)) = sent_to(&a.feed(Input::Tick), &b) {
            break round;
        }
        assert!(
            waited <= 15_000,
            "no fresh round after {waited} ms idle\n{}",
            a.hub.describe()
        );
    };
    assert!(restarted, "the fresh request is a round");
    assert!(
        waited >= 10_000,
        "a round only after 10 s idle, got one after {waited} ms"
    );
    let _ = c;
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
    let next = a.feed(Input::SyncResult {
        peer: b.clone(),
        tag: push,
        result: Ok(SyncResponse::Ok { heads }),
    });
    assert!(matches!(sent_to(&next, &b), Some((_, true))), "{next:?}");
}

/// `b` joins with `ticket` as request `request`: the tag its question to the inviter went
/// out under.
fn join_asked(b: &mut Device, ticket: &Ticket, request: RequestId) -> Tag {
    let out = b.feed(Input::Join {
        request,
        ticket: ticket.clone(),
        details: MemberDetails {
            name: "Bob".into(),
            ..MemberDetails::default()
        },
    });
    out.iter()
        .find_map(|o| match o {
            Output::Net(NetOp::SendJoin { tag, .. }) => Some(*tag),
            _ => None,
        })
        .expect("the inviter is asked")
}

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
            Output::Done { request, result } if *request == id => Some(result.clone()),
            _ => None,
        })
    };
    assert!(matches!(
        result(join),
        Some(Err(copse_hub::PeerError::Join(
            copse_hub::JoinFailure::Cancelled
        )))
    ));
    assert!(matches!(result(RequestId(100)), Some(Ok(Done::Nothing))));
    // The inviter's answer arrives after all: nothing is joined.
    let answer = answer(&a.feed(Input::JoinRequest {
        peer: member(2),
        inbound: InboundId(1),
        request: join_request(&ticket),
    }));
    let out = b.feed(Input::JoinResult {
        peer: member(1),
        tag,
        result: Ok(answer),
    });
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
    let answer = answer(&a.feed(Input::JoinRequest {
        peer: member(2),
        inbound: InboundId(1),
        request: join_request(&ticket),
    }));
    // The answer arrived; its loading (the store's work) has not finished.
    let out = b.hub.handle(
        b.now,
        Input::JoinResult {
            peer: member(1),
            tag,
            result: Ok(answer),
        },
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
        Output::Done { request: RequestId(100), result: Err(e) } if e.to_string().contains("can no longer be cancelled")
    )));
    assert!(!out.iter().any(|o| matches!(
        o,
        Output::Done {
            request: RequestId(99),
            ..
        }
    )));
}
