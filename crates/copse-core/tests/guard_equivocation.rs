//! A member who writes two different changes at the same place (her actor and sequence
//! number) and tells each to different devices: Automerge refuses a whole batch for the
//! second, which stalled every sync that carried it, and devices told different ones
//! never converged. Now no change stays at that place on any device, whatever each saw
//! first: the guard refuses the one arriving, drops the one held (and what builds on
//! each), bans the place, and keeps a proof that removes her on devices that saw one side.

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
    // Bob's change told to Ada, and another at the same place for someone else.
    let (told, other) = two_at_one_place(&mut w);
    assert_eq!(w.ada.receive(told).refused, vec![]);
    // Cyd's honest reply travels in the same batch.
    let (_, reply) = cyd.run(
        &mut w.rng,
        T0 + 60,
        Command::Reply {
            thread: w.thread.clone(),
            body: "Spruce.".into(),
        },
    );
    let mut batch = other;
    batch.extend(reply.clone());
    let got = w.ada.receive(batch);
    // Neither stays: the one arriving and the one held.
    assert_eq!(got.refused.len(), 2, "{:?}", got.refused);
    for r in &got.refused {
        assert_eq!(r.reason, Violation::Equivocation);
        assert_eq!(r.author, Some(bob.clone()));
    }
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

/// Bob's two changes at one place: `(told Ada, told Cyd)`, each signed.
fn two_at_one_place(w: &mut guard_world::World) -> (Vec<Change>, Vec<Change>) {
    let bob = w.bob.me();
    let told = w.bob.raw("update_my_details", |tx| {
        let members = obj(tx, &ROOT, MEMBERS);
        let me = obj(tx, &members, bob.as_str());
        tx.put(&me, field::BIO, "glulam").unwrap();
    });
    let other = another_at(w, &told[0], "steel");
    (told, other)
}

/// Another change of Bob's at `at`'s place (its actor and sequence number), signed.
fn another_at(w: &guard_world::World, at: &Change, bio: &str) -> Vec<Change> {
    let bob = w.bob.me();
    let mut fork = w.bob.copy.doc().fork_at(at.deps()).unwrap();
    fork.set_actor(at.actor_id().clone());
    let mut tx = fork.transaction();
    let members = obj(&tx, &ROOT, MEMBERS);
    let me = obj(&tx, &members, bob.as_str());
    tx.put(&me, field::BIO, bio).unwrap();
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
    assert_eq!((other.actor_id(), other.seq()), (at.actor_id(), at.seq()));
    let sig = signature_change(&other, &w.bob.signer.sign(&hash));
    vec![other, sig]
}

fn everything(d: &guard_world::Device) -> Vec<Change> {
    d.copy.doc().get_changes(&[])
}

#[test]
fn devices_told_different_changes_at_one_place_both_drop_them_and_keep_a_proof() {
    for seed in 92..96 {
        let mut w = world(seed);
        let mut cyd = newcomer(&mut w, "Cyd");
        let bob = w.bob.me();
        let (to_ada, to_cyd) = two_at_one_place(&mut w);
        assert_eq!(w.ada.receive(to_ada.clone()).refused, vec![]);
        assert_eq!(cyd.receive(to_cyd.clone()).refused, vec![]);
        // Each writes on top of what it was told.
        let (_, ada_reply) = w.ada.run(
            &mut w.rng,
            T0 + 70,
            Command::Reply {
                thread: w.thread.clone(),
                body: "Glulam, then.".into(),
            },
        );
        let (_, cyd_reply) = cyd.run(
            &mut w.rng,
            T0 + 71,
            Command::Reply {
                thread: w.thread.clone(),
                body: "Steel, then.".into(),
            },
        );
        // They meet: each gets all the other holds.
        let from_cyd = everything(&cyd);
        let from_ada = everything(&w.ada);
        let at_ada = w.ada.receive(from_cyd);
        let at_cyd = cyd.receive(from_ada);
        for (got, own_reply) in [(&at_ada, &ada_reply), (&at_cyd, &cyd_reply)] {
            assert!(got.rebuilt, "seed {seed}: each held one, and dropped it");
            assert!(
                got.dropped.iter().any(|c| c.hash() == own_reply[0].hash()),
                "seed {seed}: what built on it left with it"
            );
            assert_eq!(got.equivocations.len(), 1, "seed {seed}");
            assert_eq!(got.equivocations[0].holds().unwrap(), bob);
            assert_eq!(
                got.banned,
                vec![(to_ada[0].actor_id().clone(), to_ada[0].seq())]
            );
        }
        assert_eq!(
            w.ada.copy.doc().get_heads(),
            cyd.copy.doc().get_heads(),
            "seed {seed}"
        );
        for d in [&w.ada, &cyd] {
            for c in [&to_ada[0], &to_cyd[0]] {
                assert!(d.copy.doc().get_change_meta_by_hash(&c.hash()).is_none());
            }
        }
        // The proof reads back from its bytes.
        let bytes = at_ada.equivocations[0].to_bytes();
        let read = copse_core::equivocation::Proof::from_bytes(&bytes).unwrap();
        assert_eq!(read, at_ada.equivocations[0]);
        // More versions at that place cost nothing more: refused at once.
        let third = another_at(&w, &to_ada[0], "oak");
        let again = w.ada.receive(third);
        assert!(again.applied.is_empty() && !again.rebuilt, "seed {seed}");
        assert!(
            again
                .refused
                .iter()
                .any(|r| r.reason == Violation::Equivocation)
        );

        // Cyd, no coordinator, removes Bob with the proof; Ada's guard checks it.
        let (_, report) = cyd.run(
            &mut w.rng,
            T0 + 80,
            Command::ReportEquivocation {
                member: bob.clone(),
                proof: Some(bytes.clone()),
            },
        );
        assert_eq!(w.ada.receive(report).refused, vec![], "seed {seed}");
        assert!(!w.ada.copy.is_member(&bob), "seed {seed}: Bob is removed");
        assert!(!cyd.copy.is_member(&bob));
        assert_eq!(w.ada.copy.doc().get_heads(), cyd.copy.doc().get_heads());
    }
}

/// A device that only ever saw one of the two learns from the proof in the document,
/// and drops the one it holds.
#[test]
fn a_device_that_saw_one_side_drops_it_when_the_proof_arrives() {
    let mut w = world(97);
    let mut cyd = newcomer(&mut w, "Cyd");
    let mut dan = newcomer(&mut w, "Dan");
    let bob = w.bob.me();
    let base = everything(&w.ada);
    cyd.receive(base.clone());
    dan.receive(base);
    let (to_ada, to_cyd) = two_at_one_place(&mut w);
    w.ada.receive(to_ada.clone());
    dan.receive(to_ada.clone());
    let got = cyd.receive(to_cyd);
    assert!(got.refused.is_empty());
    let at_ada = w.ada.receive(everything(&cyd));
    let proof = at_ada.equivocations[0].to_bytes();
    let (_, report) = w.ada.run(
        &mut w.rng,
        T0 + 80,
        Command::ReportEquivocation {
            member: bob.clone(),
            proof: Some(proof),
        },
    );
    // Dan never sees Cyd's version; the report alone takes Ada's version out of his copy.
    let at_dan = dan.receive(everything(&w.ada));
    assert!(at_dan.rebuilt, "{:?}", at_dan.refused);
    assert!(
        dan.copy
            .doc()
            .get_change_meta_by_hash(&to_ada[0].hash())
            .is_none()
    );
    assert!(!dan.copy.is_member(&bob));
    assert!(!report.is_empty());
    assert_eq!(dan.copy.doc().get_heads(), w.ada.copy.doc().get_heads());
}

#[test]
fn a_removal_needs_a_proof_that_holds_against_that_member() {
    let mut w = world(101);
    let mut cyd = newcomer(&mut w, "Cyd");
    let ada = w.ada.me();
    let bob = w.bob.me();
    let (to_ada, to_cyd) = two_at_one_place(&mut w);
    w.ada.receive(to_ada);
    let got = w.ada.receive(to_cyd);
    let proof = got.equivocations[0].to_bytes();
    let cyd_copy = everything(&w.ada);
    cyd.receive(cyd_copy);
    let _ = &mut cyd;
    let write = |cyd: &mut guard_world::Device, whom: &str, proof: Option<&[u8]>| {
        cyd.raw("report_equivocation", |tx| {
            let members = obj(tx, &ROOT, MEMBERS);
            let entry = obj(tx, &members, whom);
            if let Some(p) = proof {
                tx.put(&entry, field::EQUIVOCATION, p.to_vec()).unwrap();
            }
            tx.put(&entry, field::REMOVED_AT, T0 + 90).unwrap();
        })
    };
    // Bob's proof does not remove Ada.
    let framed = write(&mut cyd, ada.as_str(), Some(&proof));
    let got = w.ada.receive(framed);
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    assert!(matches!(got.refused[0].reason, Violation::Malformed(_)));
    // No proof, no coordinator: no removal.
    let mut w2 = world(101);
    let mut cyd2 = newcomer(&mut w2, "Cyd");
    let bare = write(&mut cyd2, bob.as_str(), None);
    let got = w2.ada.receive(bare);
    assert!(matches!(
        got.refused[0].reason,
        Violation::CoordinatorsOnly(_)
    ));
    // A damaged proof: refused.
    let mut w3 = world(101);
    let mut cyd3 = newcomer(&mut w3, "Cyd");
    let mut damaged = proof.clone();
    damaged[0] ^= 1;
    let bad = write(&mut cyd3, bob.as_str(), Some(&damaged));
    let got = w3.ada.receive(bad);
    assert!(matches!(got.refused[0].reason, Violation::Malformed(_)));
}

/// The same change received twice (relayed by two peers, or pushed again) is one change,
/// not two at one place: nothing is banned and nobody is removed.
#[test]
fn the_same_change_twice_is_no_equivocation() {
    let mut w = world(102);
    let (told, _) = two_at_one_place(&mut w);
    assert_eq!(w.ada.receive(told.clone()).refused, vec![]);
    let again = w.ada.receive(told.clone());
    assert!(again.refused.is_empty() && again.banned.is_empty() && !again.rebuilt);
    let both = w.ada.receive([told.clone(), told].concat());
    assert!(both.refused.is_empty() && both.banned.is_empty());
}

/// A proof written on a fork from before either of the two changes (it holds on its own)
/// drops what it names; the same proof written twice changes nothing more.
#[test]
fn a_proof_on_an_old_fork_drops_what_it_names_and_twice_changes_nothing_more() {
    let mut w = world(103);
    let mut cyd = newcomer(&mut w, "Cyd");
    let bob = w.bob.me();
    cyd.receive(everything(&w.ada));
    let before_both = cyd.copy.doc().get_heads();
    let (to_ada, to_cyd) = two_at_one_place(&mut w);
    assert_eq!(w.ada.receive(to_ada).refused, vec![]);
    let proof = w.ada.receive(to_cyd.clone()).equivocations[0].to_bytes();
    // Cyd holds one of the two; the proof reaches her written on a fork from before both.
    assert_eq!(cyd.receive(to_cyd.clone()).refused, vec![]);
    let report = |d: &guard_world::Device,
                  at: &[copse_core::automerge::ChangeHash],
                  rng: &mut rand::rngs::StdRng| {
        d.raw_at(rng, at, |tx, _| {
            let members = obj(tx, &ROOT, MEMBERS);
            let entry = obj(tx, &members, bob.as_str());
            tx.put(&entry, field::EQUIVOCATION, proof.clone()).unwrap();
        })
    };
    let on_old_fork = report(&w.ada, &before_both, &mut w.rng);
    let got = cyd.receive(on_old_fork);
    assert_eq!(
        got.refused
            .iter()
            .filter(|r| r.reason != Violation::Equivocation)
            .count(),
        0
    );
    assert!(got.rebuilt, "the change it held at that place left");
    assert!(
        cyd.copy
            .doc()
            .get_change_meta_by_hash(&to_cyd[0].hash())
            .is_none()
    );
    // The same proof again, on top of everything: taken, nothing more to drop.
    let heads = cyd.copy.doc().get_heads();
    let again = report(&cyd, &heads, &mut w.rng);
    let got = cyd.receive(again);
    assert_eq!(got.refused, vec![]);
    assert!(!got.rebuilt);
}

/// The largest values the format allows: a proof one byte past its bound is refused by
/// the value table before it is read; a change past the bound of content (without a
/// proof) is refused as too large.
#[test]
fn a_proof_past_its_bound_and_content_past_its_bound_are_refused() {
    use copse_core::equivocation::MAX_PROOF_BYTES;
    use copse_core::guard::bounds::MAX_CONTENT_BYTES;
    let mut w = world(104);
    let ada = w.ada.me();
    let big = w.bob.raw("report_equivocation", |tx| {
        let members = obj(tx, &ROOT, MEMBERS);
        let entry = obj(tx, &members, ada.as_str());
        tx.put(&entry, field::EQUIVOCATION, vec![7u8; MAX_PROOF_BYTES + 1])
            .unwrap();
    });
    let got = w.ada.receive(big);
    assert!(
        matches!(
            got.refused.first().map(|r| &r.reason),
            Some(Violation::Malformed(_))
        ),
        "{:?}",
        got.refused
    );
    // Content of the largest size a proof change may have, but no proof: too large.
    let mut w = world(105);
    let bob = w.bob.me();
    let text: String = (0..MAX_CONTENT_BYTES / 60_000 + 1)
        .map(|i| format!("{i:0>60000}"))
        .collect();
    let bloated = w.bob.raw("update_my_details", |tx| {
        let members = obj(tx, &ROOT, MEMBERS);
        let me = obj(tx, &members, bob.as_str());
        for (i, chunk) in text.as_bytes().chunks(60_000).enumerate() {
            let s = std::str::from_utf8(chunk).unwrap();
            tx.put(&me, field::BIO, format!("{i}{s}")).unwrap();
        }
    });
    assert!(bloated[0].raw_bytes().len() > MAX_CONTENT_BYTES);
    let got = w.ada.receive(bloated);
    assert!(
        matches!(
            got.refused.first().map(|r| &r.reason),
            Some(Violation::TooLarge(_))
        ),
        "{:?}",
        got.refused
    );
}
