//! A message that carries more changes than one step admits (a member's flood, a peer back
//! after weeks) is admitted a slice at a time, so the device can serve its user between
//! slices; the slices add up to the whole message, also when its changes arrive before
//! what they build on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use copse_core::automerge::{Change, ChangeHash};
use copse_core::guard::NoLegacy;
use copse_core::record::MemberDetails;
use copse_core::sync::{Gate, STEP_CHANGES, SyncSession};
use copse_core::{Command, Timestamp};
use guard_world::{T0, World, world};

fn gate() -> Gate<'static> {
    Gate {
        was_refused: &|_| false,
        was_banned: &|_, _| false,
        legacy: &NoLegacy,
    }
}

/// Bob edits his bio `n` times: the changes (each with its signature change).
fn bobs_edits(w: &mut World, n: usize) -> Vec<Change> {
    let mut out = Vec::new();
    for i in 0..n {
        let (_, changes) = w.bob.run(
            &mut w.rng,
            T0 + 10 + i as i64,
            Command::UpdateMyDetails(MemberDetails {
                name: "Bob".into(),
                bio: format!("edit {i}"),
                ..MemberDetails::default()
            }),
        );
        out.extend(changes);
    }
    out
}

fn bytes(changes: &[Change]) -> Vec<u8> {
    changes
        .iter()
        .flat_map(|c| c.raw_bytes().to_vec())
        .collect()
}

fn sorted(mut h: Vec<ChangeHash>) -> Vec<ChangeHash> {
    h.sort();
    h
}

/// Feeds `changes` to Ada as one push and the slices after it; how many slices it took.
fn push_in_steps(w: &mut World, session: &mut SyncSession, changes: &[Change]) -> usize {
    let heads = w.bob.copy.doc().get_heads();
    let doc = w.ada.copy.doc_mut();
    let mut got = session
        .receive_changes(doc, heads, &bytes(changes), Timestamp(T0), &gate())
        .unwrap();
    let mut slices = 1;
    assert!(got.hashes.len() <= STEP_CHANGES, "{}", got.hashes.len());
    while got.more {
        assert!(session.has_more());
        got = session.admit_more(doc, &gate()).unwrap();
        assert!(got.hashes.len() <= STEP_CHANGES, "{}", got.hashes.len());
        assert_eq!(got.refused, vec![]);
        slices += 1;
    }
    assert!(!session.has_more());
    slices
}

#[test]
fn a_message_larger_than_a_step_is_admitted_a_slice_at_a_time() {
    let mut w = world(201);
    let edits = bobs_edits(&mut w, STEP_CHANGES + 10);
    let mut session = SyncSession::resume(None, w.ada.copy.doc());
    let slices = push_in_steps(&mut w, &mut session, &edits);
    assert!(slices >= 3, "{slices} slices for {} changes", edits.len());
    assert_eq!(
        sorted(w.ada.copy.doc().get_heads()),
        sorted(w.bob.copy.doc().get_heads())
    );
}

#[test]
fn changes_held_for_what_they_build_on_are_released_a_slice_at_a_time() {
    let mut w = world(202);
    let edits = bobs_edits(&mut w, STEP_CHANGES);
    let (first, second) = edits.split_at(edits.len() / 2);
    let mut session = SyncSession::resume(None, w.ada.copy.doc());
    // The second half first: none of it can be applied, all of it is held.
    let heads = w.bob.copy.doc().get_heads();
    let got = session
        .receive_changes(
            w.ada.copy.doc_mut(),
            heads,
            &bytes(second),
            Timestamp(T0),
            &gate(),
        )
        .unwrap();
    assert!(got.hashes.is_empty());
    // Then the first half: it and what was held go in, a step's worth at a time.
    let slices = push_in_steps(&mut w, &mut session, first);
    assert!(slices >= 2, "{slices} slices");
    assert_eq!(
        sorted(w.ada.copy.doc().get_heads()),
        sorted(w.bob.copy.doc().get_heads())
    );
}
