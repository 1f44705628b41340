//! An admission proves the ticket and the newcomer's consent: signed with the invite key
//! (the ticket's secret is its seed; the document holds the public half) and with the
//! newcomer's own key. No member can use an outstanding invite without its ticket, nor
//! admit a key whose holder did not ask.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use copse_core::admission_proof::AdmissionProof;
use copse_core::automerge::transaction::{Transactable, Transaction};
use copse_core::automerge::{ObjType, ROOT, ReadDoc, ScalarValue};
use copse_core::guard::{Signer, Violation};
use copse_core::schema::{INVITES, MEMBERS, field};
use copse_core::sync::JoinRefusal;
use copse_core::{Command, CommandError, InviteId, InviteSecret, MemberId, Timestamp};
use guard_world::{T0, World, details, obj, world};

/// A modified client's admission of `member` with `invite`, carrying `proof`: the entry
/// and the use of the invite, as `admit` writes them.
fn admission(
    tx: &mut Transaction<'_>,
    by: &MemberId,
    member: &MemberId,
    invite: &InviteId,
    proof: &AdmissionProof,
) {
    let members = obj(tx, &ROOT, MEMBERS);
    let e = tx
        .put_object(&members, member.as_str(), ObjType::Map)
        .unwrap();
    tx.put(&e, field::NAME, "Puppet").unwrap();
    tx.put(&e, field::ORGANISATION, "").unwrap();
    tx.put(&e, field::DEPARTMENT, "").unwrap();
    tx.put(&e, field::BIO, "").unwrap();
    tx.put_object(&e, field::SKILLS, ObjType::List).unwrap();
    tx.put(&e, field::ROLE, "member").unwrap();
    tx.put(&e, field::JOINED_AT, T0 + 50).unwrap();
    tx.put(&e, field::INVITED_BY, by.as_str()).unwrap();
    tx.put_object(&e, field::ADDRS, ObjType::List).unwrap();
    tx.put(&e, field::REMOVED_AT, ScalarValue::Null).unwrap();
    tx.put(
        &e,
        field::INVITE_SIG,
        AdmissionProof::text(&proof.invite_sig),
    )
    .unwrap();
    tx.put(
        &e,
        field::CONSENT_SIG,
        AdmissionProof::text(&proof.consent_sig),
    )
    .unwrap();
    let invites = obj(tx, &ROOT, INVITES);
    let inv = obj(tx, &invites, invite.as_str());
    let used = obj(tx, &inv, field::USED_BY);
    let n = tx.length(&used);
    tx.insert(&used, n, member.as_str()).unwrap();
}

/// Bob's raw admission reaches Ada.
fn bob_admits(
    w: &mut World,
    member: &MemberId,
    invite: &InviteId,
    proof: &AdmissionProof,
) -> Vec<copse_core::guard::Refused> {
    let bob = w.bob.me();
    let (member, invite, proof) = (member.clone(), invite.clone(), proof.clone());
    let changes = w
        .bob
        .raw("admit", |tx| admission(tx, &bob, &member, &invite, &proof));
    let got = w.ada.receive(changes);
    assert!(got.refused.is_empty() || got.applied.is_empty());
    got.refused
}

/// Ada's outstanding invite, which Bob's copy holds but whose ticket he never had.
fn adas_invite(w: &mut World) -> (InviteId, InviteSecret) {
    let (invite, secret, changes) = w.ada.invite(&mut w.rng, T0 + 20, 3);
    assert_eq!(w.bob.receive(changes).refused, vec![]);
    (invite, secret)
}

#[test]
fn an_outstanding_invite_cannot_be_used_without_its_ticket() {
    let mut w = world(61);
    let (invite, _) = adas_invite(&mut w);
    let puppet = Signer::random(&mut w.rng);
    // Bob signs with a key of his own making: not the invite's.
    let guessed = InviteSecret::random(&mut w.rng);
    let proof = AdmissionProof::sign(&guessed, &puppet, w.ada.copy.id(), &invite);
    let refused = bob_admits(&mut w, puppet.member(), &invite, &proof);
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(
        refused[0].reason,
        Violation::BadAdmission(puppet.member().to_string())
    );
}

#[test]
fn a_ticket_admits_only_a_key_whose_holder_asked() {
    let mut w = world(62);
    let (invite, secret) = adas_invite(&mut w);
    // Bob has the ticket, but Carol never asked: he cannot sign her consent.
    let carol = Signer::random(&mut w.rng);
    let bobs_own = w.bob.signer.clone();
    let community = w.ada.copy.id().clone();
    let mut proof = AdmissionProof::sign(&secret, &carol, &community, &invite);
    proof.consent_sig = AdmissionProof::sign(&secret, &bobs_own, &community, &invite).consent_sig;
    let refused = bob_admits(&mut w, carol.member(), &invite, &proof);
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(
        refused[0].reason,
        Violation::BadAdmission(carol.member().to_string())
    );
    // With her consent, a ticket admits her (on a copy without the refused attempt,
    // which Bob's later changes would build on).
    let mut w = world(62);
    let (invite, secret) = adas_invite(&mut w);
    let community = w.ada.copy.id().clone();
    let proof = AdmissionProof::sign(&secret, &carol, &community, &invite);
    assert_eq!(bob_admits(&mut w, carol.member(), &invite, &proof), vec![]);
    assert!(w.ada.copy.is_member(carol.member()));
}

#[test]
fn the_admitting_device_checks_the_proof_before_anything_is_written() {
    let mut w = world(63);
    let (invite, secret) = adas_invite(&mut w);
    let dan = Signer::random(&mut w.rng);
    let community = w.ada.copy.id().clone();
    let now = Timestamp(T0 + 30);
    let wrong = AdmissionProof::sign(&InviteSecret::random(&mut w.rng), &dan, &community, &invite);
    assert_eq!(
        w.ada.copy.admission(dan.member(), &invite, &wrong, now),
        Err(JoinRefusal::NotAccepted)
    );
    let refused = w.ada.copy.apply(
        &w.ada.me(),
        now,
        &mut w.rng,
        Command::Admit {
            member: dan.member().clone(),
            details: details("Dan"),
            invite: invite.clone(),
            proof: Box::new(wrong),
        },
    );
    assert_eq!(refused.err(), Some(CommandError::WrongSecret));
    let right = AdmissionProof::sign(&secret, &dan, &community, &invite);
    assert!(
        w.ada
            .copy
            .admission(dan.member(), &invite, &right, now)
            .is_ok()
    );
}
