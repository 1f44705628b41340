//! A removal wins over a re-admission concurrent with it. Ada removes Bob and later lets
//! him back in with a new invite; Cyd, also a coordinator, removes Bob on a branch that
//! has seen neither. Automerge keeps both values of Bob's `removed_at` and shows the one
//! with the larger operation counter (Ada's re-admission here): Bob was a member again on
//! every device. Now he is removed on every device, for the guard as for the views, and
//! only a re-admission that has seen both removals brings him back.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use copse_core::admission_proof::AdmissionProof;
use copse_core::automerge::Change;
use copse_core::guard::Violation;
use copse_core::record::Role;
use copse_core::view::members::{all_members, current_member, member_count, read_member};
use copse_core::{Command, Created};
use guard_world::{T0, World, details, newcomer, world};

/// Ada makes an invite at `now` and admits Bob with it a moment later: what was created
/// and the changes (the invite's and the admission's).
fn readmit_bob(w: &mut World, now: i64) -> (Option<Created>, Vec<Change>) {
    let (invite, secret, mut changes) = w.ada.invite(&mut w.rng, now, 1);
    let proof = AdmissionProof::sign(&secret, &w.bob.signer, w.ada.copy.id(), &invite);
    let (created, admitted) = w.ada.run(
        &mut w.rng,
        now + 1,
        Command::Admit {
            member: w.bob.me(),
            details: details("Bob"),
            proof: Box::new(proof),
            invite,
        },
    );
    changes.extend(admitted);
    (created, changes)
}

#[test]
fn a_removal_wins_over_a_re_admission_concurrent_with_it() {
    let mut w = world(301);
    let mut cyd = newcomer(&mut w, "Cyd");
    let bob = w.bob.me();
    let (_, promoted) = w.ada.run(
        &mut w.rng,
        T0 + 5,
        Command::SetRole {
            member: cyd.me(),
            role: Role::Coordinator,
        },
    );
    assert_eq!(cyd.receive(promoted).refused, vec![]);

    // Ada removes Bob, then lets him back in with an invite made after the removal.
    let (_, mut adas) = w.ada.run(
        &mut w.rng,
        T0 + 10,
        Command::RemoveMember {
            member: bob.clone(),
        },
    );
    let (_, back) = readmit_bob(&mut w, T0 + 11);
    adas.extend(back);
    assert!(current_member(w.ada.copy.doc(), &bob).is_some());

    // Cyd, who has seen neither, removes Bob too.
    let (_, cyds) = cyd.run(
        &mut w.rng,
        T0 + 13,
        Command::RemoveMember {
            member: bob.clone(),
        },
    );
    assert_eq!(w.ada.receive(cyds).refused, vec![]);
    assert_eq!(cyd.receive(adas).refused, vec![]);
    let mut heads = [w.ada.copy.doc().get_heads(), cyd.copy.doc().get_heads()];
    heads.iter_mut().for_each(|h| h.sort());
    assert_eq!(heads[0], heads[1]);

    for copy in [w.ada.copy.doc(), cyd.copy.doc()] {
        let m = read_member(copy, &bob).expect("an entry");
        assert!(!m.is_current(), "the re-admission undid a removal");
        assert_eq!(m.removed_at.map(|t| t.0), Some(T0 + 13));
        assert!(current_member(copy, &bob).is_none());
        let listed = all_members(copy);
        assert!(listed.iter().any(|(id, m)| *id == bob && !m.is_current()));
        assert_eq!(member_count(copy), 2, "Ada and Cyd");
    }

    // The guard reads it the same way: what Bob writes on top of it is his as a removed
    // member's, refused.
    w.bob.copy = copse_core::Community::from_doc(w.ada.copy.doc().fork()).unwrap();
    w.bob.copy.sign_as(w.bob.signer.clone(), &mut w.rng);
    let written = w.bob.raw("update_my_details", |tx| {
        use copse_core::automerge::ROOT;
        use copse_core::automerge::transaction::Transactable;
        let members = guard_world::obj(tx, &ROOT, "members");
        let me = guard_world::obj(tx, &members, bob.as_str());
        tx.put(&me, "bio", "still here").unwrap();
    });
    let got = w.ada.receive(written);
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    assert_eq!(got.refused[0].reason, Violation::Removed);

    // A re-admission that has seen both removals brings him back.
    let (created, _) = readmit_bob(&mut w, T0 + 20);
    assert!(
        matches!(created, None | Some(Created::Member(_))),
        "{created:?}"
    );
    assert!(current_member(w.ada.copy.doc(), &bob).is_some());
}
