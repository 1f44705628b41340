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
use copse_core::automerge::ReadDoc;
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
        banned: HashSet::new(),
        rebuilds: 0,
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

/// A raw admission of `newcomer` with `invite` (and its proof), its entry naming
/// `names`, written by Ada on a fork at her current heads.
fn admission_naming(
    w: &mut guard_world::World,
    newcomer: &Signer,
    invite: &copse_core::InviteId,
    secret: &copse_core::InviteSecret,
    names: &str,
) -> Vec<copse_core::automerge::Change> {
    use copse_core::automerge::{ObjType, ScalarValue};
    let proof = AdmissionProof::sign(secret, newcomer, w.ada.copy.id(), invite);
    let (ada, member) = (w.ada.me(), newcomer.member().clone());
    let heads = w.ada.copy.doc().get_heads();
    w.ada.raw_at(&mut w.rng, &heads, |tx, _| {
        let members = obj(tx, &ROOT, "members");
        let e = tx
            .put_object(&members, member.as_str(), ObjType::Map)
            .unwrap();
        tx.put(&e, "name", "Nia").unwrap();
        tx.put(&e, "role", "member").unwrap();
        tx.put(&e, "joined_at", T0 + 9).unwrap();
        tx.put(&e, "invited_by", ada.as_str()).unwrap();
        tx.put(&e, "removed_at", ScalarValue::Null).unwrap();
        tx.put(&e, "invite_sig", AdmissionProof::text(&proof.invite_sig))
            .unwrap();
        tx.put(&e, "consent_sig", AdmissionProof::text(&proof.consent_sig))
            .unwrap();
        tx.put(&e, "invite", names).unwrap();
        let invites = obj(tx, &ROOT, "invites");
        let inv = obj(tx, &invites, invite.as_str());
        let used = obj(tx, &inv, "used_by");
        let n = tx.length(&used);
        tx.insert(&used, n, member.as_str()).unwrap();
    })
}

/// An admission's `invite` names the invite it uses: naming another (to be counted
/// against an invite with room, or none that counts), or a value past the bound of an
/// id, is refused; naming its own passes.
#[test]
fn an_admission_names_only_the_invite_it_uses() {
    let mut w = world(303);
    let (invite, secret, made) = w.ada.invite(&mut w.rng, T0 + 5, 1);
    let (other, _, made_other) = w.ada.invite(&mut w.rng, T0 + 6, 5);
    assert_eq!(w.bob.receive(made).refused, vec![]);
    assert_eq!(w.bob.receive(made_other).refused, vec![]);
    let newcomer = Signer::random(&mut w.rng);
    let longest = "i".repeat(129);
    for wrong in [other.as_str(), longest.as_str()] {
        let forged = admission_naming(&mut w, &newcomer, &invite, &secret, wrong);
        let got = w.bob.receive(forged);
        assert_eq!(got.refused.len(), 1, "naming {wrong}: {:?}", got.refused);
    }
    let honest = admission_naming(&mut w, &newcomer, &invite, &secret, invite.as_str());
    assert_eq!(w.bob.receive(honest).refused, vec![]);
    assert!(current_member(w.bob.copy.doc(), newcomer.member()).is_some());
}

/// Only an admission writes an entry's `invite`: a member renaming their own, to move
/// from an invite over its limit to one within it, is refused.
#[test]
fn an_entry_s_invite_is_written_only_by_its_admission() {
    let mut w = world(304);
    let (other, _, made) = w.ada.invite(&mut w.rng, T0 + 5, 5);
    assert_eq!(w.bob.receive(made).refused, vec![]);
    let bob = w.bob.me();
    let written = w.bob.raw("update_my_details", |tx| {
        let members = obj(tx, &ROOT, "members");
        let me = obj(tx, &members, bob.as_str());
        tx.put(&me, "invite", other.as_str()).unwrap();
    });
    let got = w.ada.receive(written);
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    assert!(matches!(got.refused[0].reason, Violation::Immutable(_)));
}

/// The same newcomer admitted twice with one single-use invite, on two branches (the
/// same proof, written by Ada and by Bob): `used_by` lists them twice, but their first
/// place is within the limit, so they are a member on both devices.
#[test]
fn one_newcomer_admitted_twice_with_one_invite_on_two_branches_counts_once() {
    let mut w = world(305);
    let (invite, secret, made) = w.ada.invite(&mut w.rng, T0 + 5, 1);
    assert_eq!(w.bob.receive(made).refused, vec![]);
    let community = w.ada.copy.id().clone();
    let newcomer = Signer::random(&mut w.rng);
    let admit = || Command::Admit {
        member: newcomer.member().clone(),
        details: details("Nia"),
        proof: Box::new(AdmissionProof::sign(
            &secret, &newcomer, &community, &invite,
        )),
        invite: invite.clone(),
    };
    let (_, by_ada) = w.ada.run(&mut w.rng, T0 + 6, admit());
    let (_, by_bob) = w.bob.run(&mut w.rng, T0 + 7, admit());
    assert_eq!(w.ada.receive(by_bob).refused, vec![]);
    assert_eq!(w.bob.receive(by_ada).refused, vec![]);
    for copy in [&w.ada.copy, &w.bob.copy] {
        assert!(current_member(copy.doc(), newcomer.member()).is_some());
        assert_eq!(member_count(copy.doc()), 3);
    }
}
