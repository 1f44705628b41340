//! Peers converge over real libp2p on 127.0.0.1: partitions heal, offline edits merge,
//! concurrent editing does not stall, and a non-member learns nothing.

#![allow(clippy::unwrap_used)]

use copse_core::record::{MemberDetails, Role};
use copse_core::{Command, Community, InviteSecret};
use copse_peer::PeerEvent;
use copse_scenarios::net::{TestPeer, converged, wait_for};

async fn connected(p: &TestPeer) -> Vec<String> {
    p.handle
        .status()
        .await
        .unwrap()
        .connected
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_peers_partition_edit_and_heal() {
    let a = TestPeer::start("Ada").await;
    let b = TestPeer::start("Bob").await;
    let c = TestPeer::start("Cyd").await;
    let id = a.create("Timber").await;
    let ticket = a.invite(&id, 2).await;
    b.join(&ticket).await.unwrap();
    c.join(&ticket).await.unwrap();
    a.post(&id, "before the split").await;
    converged(&[&a, &b, &c], &id).await;
    // B and C find each other through the address book in the document.
    wait_for(&[&b, &c], "B and C connected", || async {
        connected(&b).await.contains(&c.member.to_string())
    })
    .await;

    // Partition {A} | {B, C}.
    for (x, y) in [(&a, &b), (&a, &c), (&b, &a), (&c, &a)] {
        x.handle.block(y.member.clone()).await.unwrap();
    }
    wait_for(&[&a, &b, &c], "A cut off from B and C", || async {
        let ca = connected(&a).await;
        !ca.contains(&b.member.to_string()) && !ca.contains(&c.member.to_string())
    })
    .await;
    for i in 0..100 {
        a.post(&id, &format!("A {i}")).await;
    }
    for i in 0..50 {
        b.post(&id, &format!("B {i}")).await;
        c.post(&id, &format!("C {i}")).await;
    }
    // B and C still sync with each other during the partition.
    converged(&[&b, &c], &id).await;
    assert!(!b.titles(&id).await.contains(&"A 0".to_owned()));

    for (x, y) in [(&a, &b), (&a, &c), (&b, &a), (&c, &a)] {
        x.handle.unblock(y.member.clone()).await.unwrap();
    }
    // Identical heads and identical `show --json` on all three.
    let shown = converged(&[&a, &b, &c], &id).await;
    assert_eq!(shown["threads"].as_array().unwrap().len(), 1 + 100 + 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_made_offline_on_both_sides_merge() {
    let a = TestPeer::start("Ada").await;
    let b = TestPeer::start("Bob").await;
    let id = a.create("Guild").await;
    b.join(&a.invite(&id, 1).await).await.unwrap();
    converged(&[&a, &b], &id).await;

    // Bob goes offline and keeps working.
    let TestPeer { handle, dir, .. } = b;
    handle.shutdown().await;
    {
        let (offline, _events) = copse_peer::start_offline(dir.path().to_owned()).unwrap();
        for i in 0..20 {
            offline
                .edit(
                    &id,
                    Command::StartThread {
                        kind: copse_core::record::ThreadKind::Question,
                        title: format!("offline B {i}"),
                        body: "written on the train".into(),
                        tags: vec![],
                    },
                )
                .await
                .unwrap();
        }
        offline.shutdown().await;
    }
    for i in 0..20 {
        a.post(&id, &format!("online A {i}")).await;
    }
    // Back online: the saved sync state is reused and both sides' edits merge.
    let b = TestPeer::start_in("Bob", dir).await;
    let shown = converged(&[&a, &b], &id).await;
    assert_eq!(shown["threads"].as_array().unwrap().len(), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_peers_editing_at_full_speed_do_not_stall() {
    let a = TestPeer::start("Ada").await;
    let b = TestPeer::start("Bob").await;
    let id = a.create("Busy").await;
    b.join(&a.invite(&id, 1).await).await.unwrap();
    converged(&[&a, &b], &id).await;
    let (ha, hb) = (a.handle.clone(), b.handle.clone());
    let (ia, ib) = (id.clone(), id.clone());
    let post = |h: copse_peer::PeerHandle, c: copse_core::CommunityId, who: &'static str| async move {
        for i in 0..300 {
            h.edit(
                &c,
                Command::StartThread {
                    kind: copse_core::record::ThreadKind::Discussion,
                    title: format!("{who} {i}"),
                    body: "x".repeat(200),
                    tags: vec![],
                },
            )
            .await
            .unwrap();
        }
    };
    let (r1, r2) = tokio::join!(
        tokio::spawn(post(ha, ia, "A")),
        tokio::spawn(post(hb, ib, "B"))
    );
    r1.unwrap();
    r2.unwrap();
    let shown = converged(&[&a, &b], &id).await;
    assert_eq!(shown["threads"].as_array().unwrap().len(), 600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_member_receives_nothing_and_is_refused() {
    let a = TestPeer::start("Ada").await;
    let id = a.create("Private").await;
    a.post(&id, "members only").await;
    let eve = TestPeer::start("Eve").await;

    // Eve's modified client forges a copy in which she is a member. An import would refuse
    // it (the admission is not signed by a member), so her client puts it on her own disk.
    let file = a.dir.path().join("export.am");
    a.handle.export(&id, file.clone()).await.unwrap();
    let mut forged = Community::load(&std::fs::read(&file).unwrap()).unwrap();
    let mut rng = rand::thread_rng();
    let secret = InviteSecret::random(&mut rng);
    let now = copse_peer::now();
    let inv = forged
        .apply(
            &a.member,
            now,
            &mut rng,
            Command::CreateInvite {
                role: Role::Member,
                expires_at: now.plus_millis(60_000),
                max_uses: 1,
                key: secret.public_key_hex(),
            },
        )
        .unwrap();
    let Some(copse_core::Created::Invite(invite)) = inv.created else {
        panic!()
    };
    let proof = copse_core::admission_proof::AdmissionProof::sign(
        &secret,
        &copse_core::guard::Signer::random(&mut rng),
        forged.id(),
        &invite,
    );
    forged
        .apply(
            &a.member,
            now,
            &mut rng,
            Command::Admit {
                member: eve.member.clone(),
                details: MemberDetails {
                    name: "Eve".into(),
                    ..Default::default()
                },
                invite,
                proof: Box::new(proof),
            },
        )
        .unwrap();
    let TestPeer { handle, dir, .. } = eve;
    handle.shutdown().await;
    let saved = forged.doc().save();
    copse_store::ProfileDir::open(dir.path())
        .unwrap()
        .add_community_saved(forged, &saved)
        .unwrap();
    let eve = TestPeer::start_in("Eve", dir).await;
    let eve_titles = eve.titles(&id).await;

    eve.handle.dial(vec![a.addr.clone()]).await.unwrap();
    wait_for(&[&a, &eve], "Eve connected to Ada", || async {
        connected(&a).await.contains(&eve.member.to_string())
    })
    .await;
    // Eve's sessions try to sync and are refused; Ada keeps editing.
    for i in 0..10 {
        a.post(&id, &format!("secret {i}")).await;
    }
    wait_for(&[&a, &eve], "Eve's sync attempts refused", || async {
        eve.handle.traffic().sync_in > 0
    })
    .await;
    let traffic = eve.handle.traffic();
    // Everything Eve received on the sync protocol is refusal frames (2 bytes each: no id,
    // no data); nothing on the join protocol.
    assert_eq!(traffic.sync_in % 2, 0, "{traffic:?}");
    assert!(traffic.sync_in <= 64, "{traffic:?}");
    assert_eq!(traffic.join_in, 0);
    // (Eve's runtime records its own addresses in its copy; nothing of Ada's arrives.)
    assert_eq!(
        eve.titles(&id).await,
        eve_titles,
        "Eve received Ada's posts"
    );
    let status = a.handle.status().await.unwrap();
    assert!(
        status.communities[0]
            .peers
            .iter()
            .all(|p| p.member != eve.member)
    );
    assert!(
        !a.saw(|e| matches!(e, PeerEvent::SyncState { member, .. } if *member == eve.member))
            .await
    );
}
