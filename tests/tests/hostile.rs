//! A member's peer that sends garbage sync bytes gets its session closed with a logged
//! reason; the node does not panic and keeps serving everyone else.

#![allow(clippy::unwrap_used)]

use copse_core::sync::{SyncRequest, SyncResponse};
use copse_scenarios::net::{TestPeer, converged};
use copse_scenarios::rogue::RoguePeer;

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
    let mut rogue = RoguePeer::take_over(&m).await;
    rogue.connect(&a).await;
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
    for request in garbage {
        answers.push(rogue.ask(&a.member, request).await);
    }
    // Each was refused as a bad message (or its stream dropped), never applied.
    for r in &answers {
        assert!(!matches!(r, Ok(SyncResponse::Ok { .. })), "{answers:?}");
    }

    // Ada still serves Bob.
    b.post(&id, "still working").await;
    converged(&[&a, &b], &id).await;
    assert!(a.titles(&id).await.contains(&"still working".to_owned()));
}
