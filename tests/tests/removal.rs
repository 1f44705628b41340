//! Removing a member: everyone honest cuts them off; they keep what they had.

#![allow(clippy::unwrap_used)]

use copse_core::Command;
use copse_peer::PeerEvent;
use copse_scenarios::net::{TestPeer, converged, wait_for};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_member_is_refused_and_gets_nothing_new() {
    let a = TestPeer::start("Ada").await;
    let b = TestPeer::start("Bob").await;
    let c = TestPeer::start("Cyd").await;
    let id = a.create("Guild").await;
    let ticket = a.invite(&id, 2).await;
    b.join(&ticket).await.unwrap();
    c.join(&ticket).await.unwrap();
    a.post(&id, "before").await;
    converged(&[&a, &b, &c], &id).await;

    a.exec(
        &id,
        Command::RemoveMember {
            member: c.member.clone(),
        },
    )
    .await;
    wait_for(&[&c], "Cyd told she was removed", || async {
        c.saw(|e| matches!(e, PeerEvent::Removed { .. })).await
    })
    .await;
    let kept = c.titles(&id).await;
    assert_eq!(kept, vec!["before".to_owned()], "Cyd keeps what she had");
    wait_for(
        &[&a, &b, &c],
        "Cyd disconnected from Ada and Bob",
        || async {
            let s = c.handle.status().await.unwrap();
            !s.connected.contains(&a.member) && !s.connected.contains(&b.member)
        },
    )
    .await;

    a.post(&id, "after").await;
    converged(&[&a, &b], &id).await;
    let before = c.handle.traffic();
    // 100 reconnects, each refused: Ada drops the connection as soon as it opens. Ada may
    // drop it before Cyd's side finished its handshake: then Cyd's dial fails instead of
    // connecting (each attempt ends one way or the other before the next).
    let connected =
        |e: &PeerEvent| matches!(e, PeerEvent::PeerConnected { member } if *member == a.member);
    let dropped =
        |e: &PeerEvent| matches!(e, PeerEvent::PeerDisconnected { member } if *member == a.member);
    let failed = |e: &PeerEvent| matches!(e, PeerEvent::DialFailed { member: Some(m), .. } if *m == a.member);
    let mut refused = 0;
    for _ in 0..100 {
        let (connects, drops, fails) = (
            count(&c, &connected).await,
            count(&c, &dropped).await,
            count(&c, &failed).await,
        );
        c.handle.dial(vec![a.addr.clone()]).await.unwrap();
        wait_for(&[&c], "connection opened and dropped", || async {
            let opened_and_dropped =
                count(&c, &connected).await > connects && count(&c, &dropped).await > drops;
            opened_and_dropped || count(&c, &failed).await > fails
        })
        .await;
        refused += 1;
    }
    assert_eq!(refused, 100);
    assert_eq!(c.titles(&id).await, kept, "Cyd received a later change");
    assert_eq!(
        c.handle.traffic().sync_in,
        before.sync_in,
        "Cyd received sync bytes"
    );
    let status = a.handle.status().await.unwrap();
    assert!(!status.connected.contains(&c.member));
}

async fn count(p: &TestPeer, f: &impl Fn(&PeerEvent) -> bool) -> usize {
    p.events.lock().await.iter().filter(|e| f(e)).count()
}
