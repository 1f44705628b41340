//! Removal that holds, and what concurrent edits survive. Each case ends with every
//! device holding the same heads whatever the delivery order: decisions come from each
//! change's causal past, never from what a device happened to know.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use copse_core::admission_proof::AdmissionProof;
use copse_core::automerge::Change;
use copse_core::guard::Violation;
use copse_core::record::Role;
use copse_core::view::members::{current_member, read_member};
use copse_core::view::profile::profile;
use copse_core::{Command, Timestamp};
use guard_world::{Device, T0, World, newcomer, world};

/// Delivers `changes` to each device, in the order given.
fn deliver(to: &mut [&mut Device], changes: &[Change]) {
    for d in to.iter_mut() {
        let got = d.receive(changes.to_vec());
        assert_eq!(got.refused, vec![], "honest changes are never refused");
    }
}

fn promote_bob(w: &mut World) {
    let (_, ch) = w.ada.run(
        &mut w.rng,
        T0 + 10,
        Command::SetRole {
            member: w.bob.me(),
            role: Role::Coordinator,
        },
    );
    assert_eq!(w.bob.receive(ch).refused, vec![]);
}

#[test]
fn two_coordinators_removing_each_other_at_once_are_both_removed_everywhere() {
    let mut w = world(30);
    let mut cyd = newcomer(&mut w, "Cyd");
    assert_eq!(
        w.bob.receive(w.ada.copy.doc().get_changes(&[])).refused,
        vec![]
    );
    promote_bob(&mut w);
    assert_eq!(
        cyd.receive(w.bob.copy.doc().get_changes(&[])).refused,
        vec![]
    );
    // Each removes the other before hearing of the other's removal.
    let (_, ada_removes_bob) = w.ada.run(
        &mut w.rng,
        T0 + 20,
        Command::RemoveMember { member: w.bob.me() },
    );
    let (_, bob_removes_ada) = w.bob.run(
        &mut w.rng,
        T0 + 20,
        Command::RemoveMember { member: w.ada.me() },
    );
    // Cyd hears Bob first, Ada and Bob hear each other.
    deliver(&mut [&mut cyd], &bob_removes_ada);
    deliver(&mut [&mut cyd, &mut w.bob], &ada_removes_bob);
    deliver(&mut [&mut w.ada], &bob_removes_ada);
    for d in [&w.ada, &w.bob, &cyd] {
        assert_eq!(d.copy.doc().get_heads(), cyd.copy.doc().get_heads());
        assert!(current_member(d.copy.doc(), &w.ada.me()).is_none());
        assert!(current_member(d.copy.doc(), &w.bob.me()).is_none());
        assert!(current_member(d.copy.doc(), &cyd.me()).is_some());
    }
    // Neither can write any more, anywhere.
    let ada_now = w.ada.me();
    let late = w.ada.raw("update_my_details", |tx| {
        use copse_core::automerge::ROOT;
        use copse_core::automerge::transaction::Transactable;
        let members = guard_world::obj(tx, &ROOT, "members");
        let entry = guard_world::obj(tx, &members, ada_now.as_str());
        tx.put(&entry, "bio", "still here?").unwrap();
    });
    let got = cyd.receive(late);
    assert_eq!(got.refused[0].reason, Violation::Removed);
}

#[test]
fn norms_edited_while_the_editor_was_demoted_stand_and_later_edits_do_not() {
    let mut w = world(31);
    promote_bob(&mut w);
    let norms = |text: &str| Command::UpdateProfile {
        name: None,
        domain: None,
        norms: Some(text.into()),
    };
    // Ada demotes Bob while Bob, not yet knowing, rewrites the norms.
    let (_, demotion) = w.ada.run(
        &mut w.rng,
        T0 + 20,
        Command::SetRole {
            member: w.bob.me(),
            role: Role::Member,
        },
    );
    let (_, concurrent) = w.bob.run(&mut w.rng, T0 + 20, norms("Bob's norms"));
    deliver(&mut [&mut w.ada], &concurrent);
    deliver(&mut [&mut w.bob], &demotion);
    assert_eq!(w.ada.copy.doc().get_heads(), w.bob.copy.doc().get_heads());
    for d in [&w.ada, &w.bob] {
        assert_eq!(profile(d.copy.doc()).unwrap().norms, "Bob's norms");
        let bob = read_member(d.copy.doc(), &w.bob.me()).unwrap();
        assert_eq!(bob.role, Role::Member);
    }
    // Bob's own copy now refuses him; a modified client that writes anyway is refused.
    let me = w.bob.me();
    assert!(
        w.bob
            .copy
            .apply(&me, Timestamp(T0 + 30), &mut w.rng, norms("again"))
            .is_err()
    );
    let forced = w.bob.raw("update_profile", |tx| {
        use copse_core::automerge::ROOT;
        use copse_core::automerge::transaction::Transactable;
        let p = guard_world::obj(tx, &ROOT, "profile");
        tx.put(&p, "norms", "again").unwrap();
    });
    let got = w.ada.receive(forced);
    assert_eq!(
        got.refused[0].reason,
        Violation::CoordinatorsOnly("edit the profile, norms or objectives".into())
    );
}

#[test]
fn what_a_member_removed_while_offline_wrote_beyond_the_removal_is_not_shown() {
    let mut w = world(32);
    let mut cyd = newcomer(&mut w, "Cyd");
    assert_eq!(
        w.bob.receive(w.ada.copy.doc().get_changes(&[])).refused,
        vec![]
    );
    // Bob is offline and writes two replies; meanwhile Ada removes him.
    let reply = |body: &str, t: &copse_core::ThreadId| Command::Reply {
        thread: t.clone(),
        body: body.into(),
    };
    let t = w.thread.clone();
    let (_, first) = w.bob.run(&mut w.rng, T0 + 20, reply("offline one", &t));
    let (_, second) = w.bob.run(&mut w.rng, T0 + 21, reply("offline two", &t));
    let (_, removal) = w.ada.run(
        &mut w.rng,
        T0 + 22,
        Command::RemoveMember { member: w.bob.me() },
    );
    deliver(&mut [&mut cyd], &removal);
    // Bob comes back: his unsent replies reach Ada (who relays them to Cyd).
    let unsent = [first, second].concat();
    deliver(&mut [&mut w.ada, &mut cyd], &unsent);
    deliver(&mut [&mut w.bob], &removal);
    for d in [&w.ada, &w.bob, &cyd] {
        assert_eq!(d.copy.doc().get_heads(), w.ada.copy.doc().get_heads());
        let view = copse_core::view::threads::thread(d.copy.doc(), &t).unwrap();
        let bodies: Vec<&str> = view.thread.posts.iter().map(|p| p.body.as_str()).collect();
        // The removal fixes what stands of him: what Ada had seen. His offline replies
        // are held and relayed like any change (every copy converges) but not shown:
        // a device cannot tell them from what he writes on a fork on purpose.
        assert!(!bodies.contains(&"offline one") && !bodies.contains(&"offline two"));
    }
    // What he writes once he knows is refused everywhere; he keeps his copy.
    let after = w.bob.raw("reply", |tx| {
        use copse_core::automerge::ObjType;
        use copse_core::automerge::transaction::Transactable;
        let posts = guard_world::posts_of(tx, &t);
        let post = tx.insert_object(&posts, 1, ObjType::Map).unwrap();
        tx.put(&post, "body", "after").unwrap();
    });
    for d in [&mut w.ada, &mut cyd] {
        assert_eq!(
            d.receive(after.clone()).refused[0].reason,
            Violation::Removed
        );
    }
    assert!(
        copse_core::view::threads::thread(w.bob.copy.doc(), &t).is_some(),
        "a removed member keeps what they had"
    );
}

#[test]
fn old_tickets_do_not_bring_back_a_removed_member_and_die_with_their_maker() {
    let mut w = world(33);
    let ticket = |w: &mut World, by_ada: bool, at: i64| {
        let maker = if by_ada { &mut w.ada } else { &mut w.bob };
        maker.invite(&mut w.rng, at, 5)
    };
    // Bob keeps a ticket of Ada's and makes one of his own before he is removed.
    let (adas, adas_secret, _) = ticket(&mut w, true, T0 + 20);
    let (bobs, bobs_secret, ch) = ticket(&mut w, false, T0 + 20);
    assert_eq!(w.ada.receive(ch).refused, vec![]);
    let (_, _) = w.ada.run(
        &mut w.rng,
        T0 + 30,
        Command::RemoveMember { member: w.bob.me() },
    );
    let now = Timestamp(T0 + 40);
    let bob = w.bob.me();
    let community = w.ada.copy.id().clone();
    let refusal = w
        .ada
        .copy
        .admission(
            &bob,
            &adas,
            &AdmissionProof::sign(&adas_secret, &w.bob.signer, &community, &adas),
            now,
        )
        .unwrap_err();
    assert_eq!(refusal, copse_core::sync::JoinRefusal::NotAccepted);
    let stranger = copse_core::guard::Signer::random(&mut w.rng);
    let refusal = w
        .ada
        .copy
        .admission(
            stranger.member(),
            &bobs,
            &AdmissionProof::sign(&bobs_secret, &stranger, &community, &bobs),
            now,
        )
        .unwrap_err();
    assert_eq!(refusal, copse_core::sync::JoinRefusal::Revoked);
    // A ticket made after the removal does bring him back.
    let (fresh, fresh_secret, _) = ticket(&mut w, true, T0 + 45);
    assert!(
        w.ada
            .copy
            .admission(
                &bob,
                &fresh,
                &AdmissionProof::sign(&fresh_secret, &w.bob.signer, &community, &fresh),
                Timestamp(T0 + 50)
            )
            .is_ok()
    );
}
