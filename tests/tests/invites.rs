//! Invitations over the network: who is admitted, who is refused and why.

#![allow(clippy::unwrap_used)]

use copse_core::record::Role;
use copse_core::ticket::Ticket;
use copse_core::view::members::MemberEntry;
use copse_core::{Command, CommunityId, InviteSecret};
use copse_peer::ask;
use copse_scenarios::net::{TestPeer, converged};

async fn members(p: &TestPeer, id: &CommunityId) -> Vec<MemberEntry> {
    p.ask(ask::Members {
        community: id.clone(),
        skill: None,
        organisation: None,
        include_removed: false,
    })
    .await
}

async fn member_count(p: &TestPeer, id: &CommunityId) -> usize {
    members(p, id).await.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tickets_are_refused_with_clear_messages_and_change_nothing() {
    let a = TestPeer::start("Ada").await;
    let n = TestPeer::start("Newcomer").await;
    let id = a.create("Guild").await;
    let heads = a.heads(&id).await;

    // Malformed.
    let err = n.join("copse-invite:%%%").await.unwrap_err();
    assert!(err.contains("damaged or incomplete"), "{err}");
    let err = n.join("copse:%%%").await.unwrap_err();
    assert!(err.contains("damaged or incomplete"), "{err}");
    let err = n.join("hello").await.unwrap_err();
    assert!(err.contains("not a Copse invite"), "{err}");

    // Wrong secret.
    let mut t = Ticket::decode(&a.invite(&id, 1).await).unwrap();
    t.secret = InviteSecret::random(&mut rand::thread_rng());
    let wrong_secret = n.join(&t.encode()).await.unwrap_err();
    assert!(wrong_secret.contains("not accepted"), "{wrong_secret}");

    // Unknown community (a ticket naming a community this member does not have).
    let mut t = Ticket::decode(&a.invite(&id, 1).await).unwrap();
    t.community = CommunityId::random(&mut rand::thread_rng());
    let unknown = n.join(&t.encode()).await.unwrap_err();
    // Someone who only knows a community id learns nothing: both refusals read the same.
    assert_eq!(unknown, wrong_secret);

    // Revoked.
    let t = Ticket::decode(&a.invite(&id, 1).await).unwrap();
    a.exec(
        &id,
        Command::RevokeInvite {
            invite: t.invite.clone(),
        },
    )
    .await;
    let err = n.join(&t.encode()).await.unwrap_err();
    assert!(err.contains("withdrawn"), "{err}");

    // Expired: wait (on the clock, not a sleep) until its expiry has passed.
    let v = a.handle.invite(&id, 1, 1, Role::Member).await.unwrap();
    let t = Ticket::decode(&v.ticket).unwrap();
    while copse_peer::now() <= t.expires_at {
        tokio::task::yield_now().await;
    }
    let err = n.join(&t.encode()).await.unwrap_err();
    assert!(err.contains("expired"), "{err}");

    // Used up.
    let ticket = a.invite(&id, 1).await;
    let first = TestPeer::start("First").await;
    first.join(&ticket).await.unwrap();
    let err = n.join(&ticket).await.unwrap_err();
    assert!(err.contains("already been used"), "{err}");

    // Unreachable inviter: a ticket whose contacts listen nowhere (a fresh newcomer, who
    // has no other way to find Ada).
    let mut t = Ticket::decode(&a.invite(&id, 1).await).unwrap();
    t.inviter.addrs = vec!["/ip4/127.0.0.1/tcp/1".into()];
    t.others.clear();
    let stranger = TestPeer::start("Stranger").await;
    let err = stranger.join(&t.encode()).await.unwrap_err();
    assert!(err.contains("could not reach"), "{err}");

    assert!(!n.has(&id).await, "the newcomer got the community");
    assert_eq!(member_count(&a, &id).await, 2, "only First was admitted");
    assert_ne!(a.heads(&id).await, heads);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_concurrent_joiners_on_a_single_use_ticket_admit_exactly_one() {
    let a = TestPeer::start("Ada").await;
    let id = a.create("Guild").await;
    let ticket = a.invite(&id, 1).await;
    let mut joiners = Vec::new();
    for i in 0..5 {
        joiners.push(TestPeer::start(&format!("J{i}")).await);
    }
    let attempts = joiners.iter().map(|j| j.join(&ticket));
    let results = futures::future::join_all(attempts).await;
    let admitted = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(admitted, 1, "{results:?}");
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(r.contains("already been used"), "{r}");
    }
    assert_eq!(member_count(&a, &id).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_member_admits_when_the_inviter_is_offline() {
    let a = TestPeer::start("Ada").await;
    let b = TestPeer::start("Bob").await;
    let id = a.create("Guild").await;
    b.join(&a.invite(&id, 1).await).await.unwrap();
    // Bob's address reaches Ada's copy, so her tickets list him as another contact.
    copse_scenarios::net::wait_for(&[&a, &b], "Bob's address recorded", || async {
        members(&a, &id)
            .await
            .iter()
            .any(|e| e.member.name == "Bob" && !e.member.addrs.is_empty())
    })
    .await;
    let ticket = a.invite(&id, 1).await;
    converged(&[&a, &b], &id).await;
    a.handle.shutdown().await;
    let c = TestPeer::start("Cyd").await;
    let v = c.join(&ticket).await.unwrap();
    assert_eq!(v.admitted_by, b.member);
    converged(&[&b, &c], &id).await;
    assert_eq!(member_count(&c, &id).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_can_be_cancelled_while_the_inviter_does_not_answer() {
    let a = TestPeer::start("Ada").await;
    let n = TestPeer::start("Newcomer").await;
    let id = a.create("Guild").await;
    // The ticket points at a socket that accepts connections and never speaks: the join
    // would wait for the handshake to time out.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let mut t = Ticket::decode(&a.invite(&id, 1).await).unwrap();
    t.inviter.addrs = vec![format!("/ip4/127.0.0.1/tcp/{port}")];
    t.others.clear();
    let handle = n.handle.clone();
    let ticket = t.encode();
    let join = tokio::spawn(async move { handle.join(&ticket, None).await });
    // Once the join is under way (its dial reached the socket), cancel it.
    let silent = tokio::net::TcpListener::from_std({
        silent.set_nonblocking(true).unwrap();
        silent
    })
    .unwrap();
    let _held = tokio::time::timeout(std::time::Duration::from_secs(60), silent.accept())
        .await
        .expect("the join never dialled the inviter")
        .unwrap();
    n.ask(ask::CancelJoin).await;
    let err = join.await.unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            copse_peer::PeerError::Join(copse_peer::JoinFailure::Cancelled)
        ),
        "{err}"
    );
    assert!(!n.has(&id).await);
}
