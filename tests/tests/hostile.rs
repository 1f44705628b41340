//! A member's peer that sends garbage sync bytes gets its session closed with a logged
//! reason; the node does not panic and keeps serving everyone else.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use copse_core::sync::{Refusal, SyncRequest, SyncResponse};
use copse_net::{NetConfig, NetEvent, NetOp};
use copse_scenarios::net::{TestPeer, converged};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_from_a_member_closes_only_that_session() {
    let a = TestPeer::start("Ada").await;
    let b = TestPeer::start("Bob").await;
    let m = TestPeer::start("Mallory").await;
    let id = a.create("Guild").await;
    let ticket = a.invite(&id, 2).await;
    b.join(&ticket).await.unwrap();
    m.join(&ticket).await.unwrap();
    converged(&[&a, &b, &m], &id).await;

    // Mallory's device goes rogue: her identity, raw network access, no runtime.
    let seed: [u8; 32] = std::fs::read(m.dir.path().join("identity.key"))
        .unwrap()
        .try_into()
        .unwrap();
    m.handle.shutdown().await;
    let (raw, mut events, event_loop) = copse_net::new(NetConfig::loopback(seed)).unwrap();
    tokio::spawn(event_loop.run());
    raw.send(NetOp::Dial {
        peer: Some(a.member.clone()),
        addrs: vec![a.addr.rsplit_once("/p2p/").unwrap().0.to_owned()],
    })
    .await;

    let garbage = [
        SyncRequest::Sync {
            community: id.clone(),
            message: b"\x42\x00garbage".to_vec(),
        },
        SyncRequest::Sync {
            community: id.clone(),
            message: vec![0xff; 4096],
        },
        SyncRequest::Changes {
            community: id.clone(),
            heads: vec![],
            changes: b"\x85\x6f\x4a\x83\x00\x01garbage".to_vec(),
        },
    ];
    let mut answers = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), async {
        while answers.len() < garbage.len() {
            match events.recv().await.unwrap() {
                NetEvent::Connected { .. } => {
                    for (tag, request) in garbage.iter().enumerate() {
                        raw.send(NetOp::SendSync {
                            peer: a.member.clone(),
                            request: request.clone(),
                            tag: copse_core::sync::Tag(tag as u64),
                        })
                        .await;
                    }
                }
                NetEvent::SyncResult { result, .. } => answers.push(result),
                NetEvent::SyncRequest { inbound, .. } => {
                    raw.send(NetOp::RespondSync {
                        inbound,
                        response: SyncResponse::Refused(Refusal::Unavailable),
                    })
                    .await;
                }
                _ => {}
            }
        }
    })
    .await
    .expect("Ada never answered the garbage");
    // Each was refused as a bad message (or its stream dropped), never applied.
    for r in &answers {
        assert!(!matches!(r, Ok(SyncResponse::Ok { .. })), "{answers:?}");
    }

    // Ada still serves Bob.
    b.post(&id, "still working").await;
    converged(&[&a, &b], &id).await;
    assert!(a.titles(&id).await.contains(&"still working".to_owned()));
}
