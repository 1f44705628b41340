//! A member who writes two different changes at the same place (her actor and sequence
//! number) and tells each to different devices: Automerge refuses a whole batch for the
//! second, which stalled every sync that carried it. The guard takes the second out,
//! refuses it as equivocation (with what builds on it) and applies the rest.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use copse_core::Command;
use copse_core::automerge::transaction::{CommitOptions, Transactable};
use copse_core::automerge::{Change, ROOT, ReadDoc};
use copse_core::commit_meta::CommitMeta;
use copse_core::guard::Violation;
use copse_core::guard::signature::signature_change;
use copse_core::schema::{MEMBERS, field};
use guard_world::{T0, newcomer, obj, world};

#[test]
fn a_second_change_at_the_same_place_is_refused_and_the_rest_of_the_batch_applies() {
    let mut w = world(91);
    let mut cyd = newcomer(&mut w, "Cyd");
    let bob = w.bob.me();
    // Bob's change, told to Ada.
    let told = w.bob.raw("update_my_details", |tx| {
        let members = obj(tx, &ROOT, MEMBERS);
        let me = obj(tx, &members, bob.as_str());
        tx.put(&me, field::BIO, "glulam").unwrap();
    });
    assert_eq!(w.ada.receive(told.clone()).refused, vec![]);
    // Another at the same place (same actor, same sequence number), for someone else.
    let mut fork = w.bob.copy.doc().fork_at(told[0].deps()).unwrap();
    fork.set_actor(told[0].actor_id().clone());
    let mut tx = fork.transaction();
    let members = obj(&tx, &ROOT, MEMBERS);
    let me = obj(&tx, &members, bob.as_str());
    tx.put(&me, field::BIO, "steel").unwrap();
    let meta = CommitMeta {
        by: bob.clone(),
        cmd: "update_my_details".into(),
        obj: None,
    };
    let (hash, _) = tx.commit_with(
        CommitOptions::default()
            .with_message(meta.to_message())
            .with_time(T0 + 50),
    );
    let hash = hash.unwrap();
    let other: Change = fork.get_change_by_hash(&hash).unwrap();
    assert_eq!(
        (other.actor_id(), other.seq()),
        (told[0].actor_id(), told[0].seq())
    );
    let sig = signature_change(&other, &w.bob.signer.sign(&hash));
    // Cyd's honest reply travels in the same batch.
    let (_, reply) = cyd.run(
        &mut w.rng,
        T0 + 60,
        Command::Reply {
            thread: w.thread.clone(),
            body: "Spruce.".into(),
        },
    );
    let mut batch = vec![other, sig];
    batch.extend(reply.clone());
    let got = w.ada.receive(batch);
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    assert_eq!(got.refused[0].reason, Violation::Equivocation);
    assert_eq!(got.refused[0].author, Some(bob));
    assert!(
        reply.iter().all(|c| w
            .ada
            .copy
            .doc()
            .get_change_meta_by_hash(&c.hash())
            .is_some()),
        "the honest reply in the same batch applied"
    );
}
