//! A removed member who forks: Mallory makes an invite and is removed by Ada. On her copy
//! from before the removal her modified client admits a puppet with that invite, and the
//! puppet opens a thread; she hands the fork to Bob as a file, which he imports. Every
//! change passes at its own deps (Mallory was a member there), so Bob applies them and
//! syncs them to Ada over libp2p; but the removal had not seen the admission: on every
//! device the puppet is no member and its thread shows nowhere.

#![allow(clippy::unwrap_used, clippy::panic)]

use copse_core::admission_proof::AdmissionProof;
use copse_core::guard::Signer;
use copse_core::record::{MemberDetails, ThreadKind};
use copse_core::ticket::Ticket;
use copse_core::{Command, Community, Timestamp};
use copse_scenarios::net::{TestPeer, converged};
use copse_scenarios::rogue::key_and_copy;
use rand::SeedableRng;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_removed_member_admits_on_a_fork_is_no_member_anywhere() {
    let a = TestPeer::start("Ada").await;
    let b = TestPeer::start("Bob").await;
    let m = TestPeer::start("Mallory").await;
    let id = a.create("Guild").await;
    let ticket = a.invite(&id, 2).await;
    b.join(&ticket).await.unwrap();
    m.join(&ticket).await.unwrap();
    let hers = Ticket::decode(&m.invite(&id, 1).await).unwrap();
    converged(&[&a, &b, &m], &id).await;

    // What her modified client keeps: her key and her copy, from before the removal.
    let (key, copy) = key_and_copy(&m, &id).await;
    a.exec(
        &id,
        Command::RemoveMember {
            member: m.member.clone(),
        },
    )
    .await;
    converged(&[&a, &b], &id).await;

    // On that copy: the puppet's admission, and the puppet's thread.
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let puppet = Signer::random(&mut rng);
    let mut fork = Community::from_doc(copy).unwrap();
    fork.sign_as(key.clone(), &mut rng);
    fork.apply(
        key.member(),
        now(),
        &mut rng,
        Command::Admit {
            member: puppet.member().clone(),
            details: MemberDetails {
                name: "Puppet".into(),
                ..MemberDetails::default()
            },
            proof: Box::new(AdmissionProof::sign(
                &hers.secret,
                &puppet,
                &id,
                &hers.invite,
            )),
            invite: hers.invite.clone(),
        },
    )
    .unwrap();
    fork.sign_as(puppet.clone(), &mut rng);
    fork.apply(
        puppet.member(),
        now(),
        &mut rng,
        Command::StartThread {
            kind: ThreadKind::Discussion,
            title: "Puppet's thread".into(),
            body: "hello".into(),
            tags: vec![],
        },
    )
    .unwrap();
    let file = b.dir.path().join("fork.am");
    std::fs::write(&file, fork.doc().save()).unwrap();
    b.handle.import(file).await.unwrap();

    // Bob took it (nothing refused), and it reaches Ada; neither shows any of it.
    assert!(
        b.refused(&id).await.is_empty(),
        "{:?}",
        b.refused(&id).await
    );
    let shown = converged(&[&a, &b], &id).await;
    let entry = shown["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == puppet.member().as_str())
        .expect("the puppet's entry is in the document");
    assert!(
        !entry["removed_at"].is_null(),
        "the puppet is a member: {entry}"
    );
    assert!(!shown.to_string().contains("Puppet's thread"));
    for p in [&a, &b] {
        assert!(!p.titles(&id).await.contains(&"Puppet's thread".to_owned()));
    }
}

fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    Timestamp(i64::try_from(ms).unwrap())
}
