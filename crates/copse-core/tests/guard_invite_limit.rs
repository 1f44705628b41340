//! Uses of one invite beyond its limit on concurrent branches: Ada and Bob each admit a
//! newcomer with the same single-use ticket (each newcomer holds it and asked), neither
//! having seen the other's. Each admission passes at its deps; merged, the invite's
//! `used_by` lists both. Only the first in that list (the same order on every device)
//! is a member, in the views and in the rules; the other reads as removed since joining.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use std::collections::HashSet;

use copse_core::admission_proof::AdmissionProof;
use copse_core::automerge::ROOT;
use copse_core::automerge::transaction::Transactable;
use copse_core::guard::{Signer, Violation};
use copse_core::view::members::{current_member, member_count, read_member};
use copse_core::{Command, Community};
use guard_world::{Device, T0, details, obj, world};

#[test]
fn uses_of_an_invite_beyond_its_limit_on_concurrent_branches_do_not_count() {
    let mut w = world(302);
    let (invite, secret, made) = w.ada.invite(&mut w.rng, T0 + 5, 1);
    assert_eq!(w.bob.receive(made).refused, vec![]);
    let community = w.ada.copy.id().clone();
    let newcomers = [Signer::random(&mut w.rng), Signer::random(&mut w.rng)];
    let admit = |who: &Signer, name: &str| Command::Admit {
        member: who.member().clone(),
        details: details(name),
        proof: Box::new(AdmissionProof::sign(&secret, who, &community, &invite)),
        invite: invite.clone(),
    };
    let (_, by_ada) = w.ada.run(&mut w.rng, T0 + 6, admit(&newcomers[0], "Nia"));
    let (_, by_bob) = w.bob.run(&mut w.rng, T0 + 7, admit(&newcomers[1], "Noor"));
    assert_eq!(w.ada.receive(by_bob).refused, vec![]);
    assert_eq!(w.bob.receive(by_ada).refused, vec![]);
    let mut heads = [w.ada.copy.doc().get_heads(), w.bob.copy.doc().get_heads()];
    heads.iter_mut().for_each(|h| h.sort());
    assert_eq!(heads[0], heads[1]);

    let members_on = |copy: &Community| {
        newcomers
            .iter()
            .map(|n| current_member(copy.doc(), n.member()).is_some())
            .collect::<Vec<_>>()
    };
    let on_ada = members_on(&w.ada.copy);
    assert_eq!(
        on_ada,
        members_on(&w.bob.copy),
        "every device reads the same"
    );
    assert_eq!(on_ada.iter().filter(|m| **m).count(), 1, "{on_ada:?}");
    assert_eq!(
        member_count(w.ada.copy.doc()),
        3,
        "Ada, Bob and one newcomer"
    );
    let beyond = &newcomers[on_ada.iter().position(|m| !m).unwrap()];
    let entry = read_member(w.ada.copy.doc(), beyond.member()).expect("an entry");
    assert_eq!(entry.removed_at, Some(entry.joined_at));

    // The rules read it the same way: what the one beyond the limit writes on top of the
    // merge is refused as a removed member's.
    let mut copy = Community::from_doc(w.ada.copy.doc().fork()).unwrap();
    copy.sign_as(beyond.clone(), &mut w.rng);
    let mut device = Device {
        signer: beyond.clone(),
        copy,
        refused: HashSet::new(),
    };
    let me = beyond.member().clone();
    let written = device.raw("update_my_details", |tx| {
        let members = obj(tx, &ROOT, "members");
        let entry = obj(tx, &members, me.as_str());
        tx.put(&entry, "bio", "in after all").unwrap();
    });
    let got = w.ada.receive(written);
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    assert_eq!(got.refused[0].reason, Violation::Removed);
}
