//! Through a relay: a member reachable only on a relay is reached by another member, and a
//! stranger who reaches it the same way gets nothing of the community: its sync request is
//! refused as soon as it names the community. Real copse-net stacks on
//! 127.0.0.1: a relay server, a member listening only on the relay, and two dialers.

#![allow(clippy::unwrap_used)]

mod common;

use common::next_matching;

use copse_core::CommunityId;
use copse_core::sync::{NetEvent, Refusal, SyncRequest, SyncResponse, Tag};
use copse_net::{AccessList, NetConfig, NetHandle, NetOp, RelayLimits, RelayServer};
use rand::SeedableRng;
use tokio::sync::mpsc::Receiver;

fn start(config: NetConfig) -> (NetHandle, Receiver<NetEvent>) {
    let (handle, events, event_loop) = copse_net::new(config).unwrap();
    tokio::spawn(event_loop.run());
    (handle, events)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_on_a_relay_is_reached_and_a_stranger_through_it_gets_nothing() {
    // The relay, told its own address (a relay advertises itself only with one).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let relay_addr = format!("/ip4/127.0.0.1/tcp/{port}");
    let mut config = NetConfig::loopback([1; 32]);
    config.listen = vec![relay_addr.clone()];
    config.external = vec![relay_addr.clone()];
    config.relay_server = Some(RelayServer {
        limits: RelayLimits::default(),
        members_only: false,
    });
    let (relay, _relay_events) = start(config);
    let relay_addr = format!("{relay_addr}/p2p/{}", relay.me());

    // Ada listens nowhere but on the relay.
    let mut config = NetConfig::loopback([2; 32]);
    config.listen = Vec::new();
    config.relays = vec![relay_addr];
    let (ada, mut ada_events) = start(config);
    // The reservation and the address on the relay, in whichever order they come.
    let (mut circuit, mut reserved) = (None, false);
    while circuit.is_none() || !reserved {
        match next_matching(&mut ada_events, |e| {
            matches!(e, NetEvent::RelayReserved { .. })
                || matches!(e, NetEvent::Listening { addr } if addr.contains("/p2p-circuit"))
        })
        .await
        {
            NetEvent::Listening { addr } => circuit = Some(addr),
            _ => reserved = true,
        }
    }
    let circuit = circuit.unwrap();

    let (bob, mut bob_events) = start(NetConfig::loopback([3; 32]));
    let (eve, mut eve_events) = start(NetConfig::loopback([4; 32]));
    let community = CommunityId::random(&mut rand::rngs::StdRng::seed_from_u64(3));
    ada.send(NetOp::Access(AccessList {
        members: [(bob.me().clone(), [community.clone()].into())].into(),
    }))
    .await;
    let request = || SyncRequest::Sync {
        community: community.clone(),
        message: vec![0x42],
    };

    // Bob, a member, reaches Ada through the relay and is answered.
    bob.send(NetOp::Dial {
        peer: Some(ada.me().clone()),
        addrs: vec![circuit.clone()],
    })
    .await;
    next_matching(
        &mut bob_events,
        |e| matches!(e, NetEvent::Connected { peer, addr, .. } if peer == ada.me() && addr.contains("/p2p-circuit")),
    )
    .await;
    // Ada names the connection by the relay it came through.
    next_matching(&mut ada_events, |e| {
        matches!(e, NetEvent::Connected { peer, addr, .. } if peer == bob.me() && addr.contains("/p2p-circuit"))
    })
    .await;
    bob.send(NetOp::SendSync {
        peer: ada.me().clone(),
        tag: Tag(1),
        request: request(),
    })
    .await;
    let inbound = match next_matching(&mut ada_events, |e| {
        matches!(e, NetEvent::SyncRequest { .. })
    })
    .await
    {
        NetEvent::SyncRequest { inbound, peer, .. } => {
            assert_eq!(&peer, bob.me());
            inbound
        }
        _ => unreachable!(),
    };
    ada.send(NetOp::RespondSync {
        inbound,
        response: SyncResponse::Ok { heads: vec![] },
    })
    .await;
    next_matching(&mut bob_events, |e| {
        matches!(
            e,
            NetEvent::SyncResult {
                tag: Tag(1),
                result: Ok(SyncResponse::Ok { .. }),
                ..
            }
        )
    })
    .await;

    // Eve, a stranger, reaches Ada the same way: refused at the community id.
    eve.send(NetOp::Dial {
        peer: Some(ada.me().clone()),
        addrs: vec![circuit],
    })
    .await;
    next_matching(
        &mut eve_events,
        |e| matches!(e, NetEvent::Connected { peer, .. } if peer == ada.me()),
    )
    .await;
    eve.send(NetOp::SendSync {
        peer: ada.me().clone(),
        tag: Tag(2),
        request: request(),
    })
    .await;
    next_matching(&mut eve_events, |e| {
        matches!(
            e,
            NetEvent::SyncResult {
                tag: Tag(2),
                result: Ok(SyncResponse::Refused(Refusal::NotAMember)),
                ..
            }
        )
    })
    .await;
    // Ada never saw Eve's request: the codec refused it.
    while let Ok(ev) = ada_events.try_recv() {
        assert!(
            !matches!(&ev, NetEvent::SyncRequest { peer, .. } if peer == eve.me()),
            "{ev:?}"
        );
    }
}
