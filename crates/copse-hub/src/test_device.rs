//! A hub whose store completes every operation at once ([`MemoryStore`]), and helpers for
//! the rule tests beside each room.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub(crate) use copse_core::automerge::sync::SyncDoc as _;
pub(crate) use copse_core::guard::Signer;
pub(crate) use copse_core::record::{MemberDetails, Role};
pub(crate) use copse_core::sync::{
    InboundId, JoinRefusal, JoinRequest, JoinResponse, Refusal, SyncRequest, SyncResponse, Tag,
};
pub(crate) use copse_core::ticket::Ticket;
pub(crate) use copse_core::view::members::current_member;
pub(crate) use copse_core::{CommunityId, InviteSecret, MemberId, NewCommunity, Timestamp};

pub(crate) use crate::memory_store::MemoryStore;
pub(crate) use crate::{Done, Hub, HubConfig, Input, Loaded, NetEvent, NetOp, Output, RequestId};

/// One hub whose store operations complete immediately.
pub(crate) struct Device {
    pub(crate) hub: Hub,
    pub(crate) disk: MemoryStore,
    pub(crate) now: Timestamp,
    pub(crate) next: u64,
}

pub(crate) fn key(i: u8) -> Signer {
    Signer::from_seed([i + 1; 32])
}

pub(crate) fn member(i: u8) -> MemberId {
    key(i).member().clone()
}

impl Device {
    pub(crate) fn new(me: MemberId) -> Self {
        let now = Timestamp(1_800_000_000_000);
        let signer = (0..=u8::MAX)
            .map(key)
            .find(|k| k.member() == &me)
            .expect("a member made by `member`");
        let config = HubConfig {
            signer,
            seed: 7,
            details: MemberDetails {
                name: "Founder".into(),
                ..MemberDetails::default()
            },
            online: true,
            relays: Vec::new(),
        };
        let (hub, _) = Hub::new(config, Loaded::default(), now);
        Self {
            hub,
            disk: MemoryStore::default(),
            now,
            next: 1,
        }
    }

    /// Feeds an input; runs every store operation at once; returns the other outputs.
    pub(crate) fn feed(&mut self, input: Input) -> Vec<Output> {
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
                    Output::Continue(input) => pending.insert(0, input),
                    other => out.push(other),
                }
            }
        }
        out
    }

    pub(crate) fn request(&mut self, make: impl FnOnce(RequestId) -> Input) -> Done {
        let id = RequestId(self.next);
        self.next += 1;
        let outputs = self.feed(make(id));
        outputs
            .into_iter()
            .find_map(|o| match o {
                Output::Done { request, done } if request == id => Some(done),
                _ => None,
            })
            .expect("the request finished")
    }

    pub(crate) fn advance(&mut self, ms: i64) {
        self.now = self.now.plus_millis(ms);
        self.feed(Input::Tick);
    }

    pub(crate) fn create(&mut self) -> CommunityId {
        match self.request(|request| Input::Create {
            request,
            spec: NewCommunity {
                name: "Guild".into(),
                domain: "rules".into(),
                ..NewCommunity::default()
            },
        }) {
            Done::Created(c) => c.unwrap(),
            other => panic!("{other:?}"),
        }
    }

    pub(crate) fn ticket(&mut self, c: &CommunityId) -> Ticket {
        match self.request(|request| Input::Invite {
            request,
            community: c.clone(),
            valid_ms: 3_600_000,
            uses: 1,
            role: Role::Member,
        }) {
            Done::Invited(i) => Ticket::decode(&i.unwrap().ticket).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    pub(crate) fn addrs(&self, c: &CommunityId) -> Vec<String> {
        let doc = self.hub.community(c).unwrap().doc();
        current_member(doc, self.hub.me()).unwrap().addrs
    }

    pub(crate) fn heads(&self, c: &CommunityId) -> Vec<copse_core::automerge::ChangeHash> {
        self.hub.community(c).unwrap().doc().get_heads()
    }
}

/// `newcomer`'s request to join with `t`, signed with the ticket and their own key.
pub(crate) fn join_request(t: &Ticket, newcomer: &MemberId) -> JoinRequest {
    let signer = (0..=u8::MAX)
        .map(key)
        .find(|k| k.member() == newcomer)
        .unwrap();
    JoinRequest {
        community: t.community.clone(),
        invite: t.invite.clone(),
        proof: Box::new(copse_core::admission_proof::AdmissionProof::sign(
            &t.secret,
            &signer,
            &t.community,
            &t.invite,
        )),
        details: MemberDetails {
            name: "Newcomer".into(),
            ..MemberDetails::default()
        },
    }
}

/// `a` answers `peer`'s join request made with `ticket`.
pub(crate) fn answers_join(a: &mut Device, peer: &MemberId, ticket: &Ticket) -> JoinResponse {
    answer(&a.feed(Input::Net(NetEvent::JoinRequest {
        peer: peer.clone(),
        inbound: InboundId(1),
        request: join_request(ticket, peer),
    })))
}

/// `b` (member 2) joins through `a` (member 1) with `ticket` as request `request`: what
/// `b` did with `a`'s answer.
pub(crate) fn joins_through(
    a: &mut Device,
    b: &mut Device,
    ticket: &Ticket,
    request: RequestId,
) -> Vec<Output> {
    let tag = join_asked(b, ticket, request);
    let admitted = answers_join(a, &member(2), ticket);
    b.feed(Input::Net(NetEvent::JoinResult {
        peer: member(1),
        tag,
        result: Ok(admitted),
    }))
}

/// The answer a join request got (the durable document is read by the store at once).
pub(crate) fn answer(outputs: &[Output]) -> JoinResponse {
    outputs
        .iter()
        .find_map(|o| match o {
            Output::Net(NetOp::RespondJoin { response, .. }) => Some(response.clone()),
            _ => None,
        })
        .expect("the join request was answered")
}

pub(crate) fn disconnects(outputs: &[Output], peer: &MemberId) -> bool {
    outputs
        .iter()
        .any(|o| matches!(o, Output::Net(NetOp::Disconnect { peer: p }) if p == peer))
}

/// Founder `a` with member `b` admitted and connected, the first sync round answered
/// (`b` reports `b_heads`); returns the community.
pub(crate) fn admitted_and_connected(
    a: &mut Device,
    b: &MemberId,
    b_heads: impl FnOnce(&Device, &CommunityId) -> Vec<copse_core::automerge::ChangeHash>,
) -> CommunityId {
    let c = a.create();
    let t = a.ticket(&c);
    let admitted = answers_join(a, b, &t);
    assert!(matches!(admitted, JoinResponse::Admitted { .. }));
    let heads = b_heads(a, &c);
    let outputs = a.feed(Input::Net(NetEvent::Connected {
        peer: b.clone(),
        addr: "/ip4/10.0.0.2/tcp/4001".into(),
        outbound: false,
    }));
    let (tag, _) = sent_to(&outputs, b).expect("a sync request on connecting");
    a.feed(Input::Net(NetEvent::SyncResult {
        peer: b.clone(),
        tag,
        result: Ok(SyncResponse::Ok { heads }),
    }));
    c
}

/// The first sync request in `outputs` for `peer`: its tag and whether it is a round.
pub(crate) fn sent_to(outputs: &[Output], peer: &MemberId) -> Option<(Tag, bool)> {
    outputs.iter().find_map(|o| match o {
        Output::Net(NetOp::SendSync {
            peer: p,
            tag,
            request,
        }) if p == peer => Some((*tag, matches!(request, SyncRequest::Sync { .. }))),
        _ => None,
    })
}

pub(crate) fn edit(a: &mut Device, c: &CommunityId, text: &str) -> Vec<Output> {
    let id = RequestId(a.next);
    a.next += 1;
    a.feed(Input::Edit {
        request: id,
        community: c.clone(),
        command: copse_core::Command::AddObjective { text: text.into() },
    })
}

/// `b` joins with `ticket` as request `request`: the tag its question to the inviter went
/// out under.
pub(crate) fn join_asked(b: &mut Device, ticket: &Ticket, request: RequestId) -> Tag {
    let out = b.feed(Input::Join {
        request,
        ticket: ticket.encode(),
        details: Some(MemberDetails {
            name: "Bob".into(),
            ..MemberDetails::default()
        }),
    });
    out.iter()
        .find_map(|o| match o {
            Output::Net(NetOp::SendJoin { tag, .. }) => Some(*tag),
            _ => None,
        })
        .expect("the inviter is asked")
}
