//! The community's relay list against a coordinator's modified client: what she writes on
//! a fork of older history, twice, as much as the bound allows on each of several
//! branches, or as text that is no relay, is judged at its own deps by the guard and read
//! away by `view::profile::relays` the same on every device; what a coordinator writes
//! on a fork from before her removal does not count.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use copse_core::automerge::transaction::Transactable;
use copse_core::automerge::{ROOT, ReadDoc};
use copse_core::schema::{PROFILE, field, limits};
use copse_core::view::profile::{relay_address, relays};
use copse_core::{Command, guard::Violation};
use guard_world::{T0, obj, world};

const PEER: &str = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";

fn relay(i: usize) -> String {
    format!("/ip4/198.51.100.{i}/tcp/4001/p2p/{PEER}")
}

#[test]
fn relays_added_on_two_branches_twice_and_as_garbage_read_as_at_most_eight_distinct_addresses() {
    let mut w = world(501);
    let before = w.ada.copy.doc().get_heads();
    // On her copy: eight relays, the bound.
    for i in 0..limits::RELAYS {
        let (_, changes) = w
            .ada
            .run(&mut w.rng, T0 + 10, Command::AddRelay { relay: relay(i) });
        assert_eq!(w.bob.receive(changes).refused, vec![]);
    }
    // On a fork from before them: one of the same again, text that is no relay, and
    // five more, each change within the bound at its own deps.
    let fork = w.ada.raw_at(&mut w.rng, &before, |tx, _| {
        let profile = obj(tx, &ROOT, PROFILE);
        let list = obj(tx, &profile, field::RELAYS);
        tx.insert(&list, 0, relay(0)).unwrap();
        tx.insert(&list, 0, "not a relay at all").unwrap();
        for i in 100..105 {
            tx.insert(&list, 0, relay(i)).unwrap();
        }
    });
    assert_eq!(w.bob.receive(fork).refused, vec![]);
    let merged = obj(w.bob.copy.doc(), &ROOT, PROFILE);
    let list = obj(w.bob.copy.doc(), &merged, field::RELAYS);
    assert_eq!(w.bob.copy.doc().length(&list), limits::RELAYS + 7);
    let read = relays(w.bob.copy.doc());
    assert_eq!(read.len(), limits::RELAYS, "{read:?}");
    let mut distinct = read.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), read.len(), "{read:?}");
    assert!(
        read.iter()
            .all(|r| relay_address(r).as_deref() == Some(r.as_str()))
    );
    // The profile the app and the CLI show reads the same.
    assert_eq!(w.bob.copy.profile().relays, read);
}

#[test]
fn nine_relays_in_one_change_are_refused() {
    let mut w = world(502);
    let attack = w.ada.raw("add_relay", |tx| {
        let profile = obj(tx, &ROOT, PROFILE);
        let list = obj(tx, &profile, field::RELAYS);
        for i in 0..=limits::RELAYS {
            tx.insert(&list, 0, relay(i)).unwrap();
        }
    });
    let got = w.bob.receive(attack);
    assert!(got.applied.is_empty());
    assert!(
        matches!(got.refused[0].reason, Violation::TooLarge(_)),
        "{:?}",
        got.refused
    );
}

#[test]
fn a_relay_a_removed_coordinator_lists_on_a_fork_from_before_the_removal_does_not_count() {
    let mut w = world(503);
    let bob = w.bob.me();
    w.bob_made_coordinator(T0 + 2);
    // What Bob listed while a coordinator stands.
    let (_, kept) = w
        .bob
        .run(&mut w.rng, T0 + 5, Command::AddRelay { relay: relay(1) });
    assert_eq!(w.ada.receive(kept).refused, vec![]);
    let (_, removal) = w.ada.run(
        &mut w.rng,
        T0 + 10,
        Command::RemoveMember {
            member: bob.clone(),
        },
    );
    assert!(!removal.is_empty());
    // On his copy from before the removal, Bob lists his own relay: the guard takes it at
    // its deps (he was a coordinator there); the list does not.
    let before_removal = w.bob.copy.doc().get_heads();
    let fork = w.bob.raw_at(&mut w.rng, &before_removal, |tx, _| {
        let profile = obj(tx, &ROOT, PROFILE);
        let list = obj(tx, &profile, field::RELAYS);
        tx.insert(&list, 0, relay(66)).unwrap();
    });
    assert_eq!(w.ada.receive(fork).refused, vec![]);
    assert_eq!(relays(w.ada.copy.doc()), vec![relay(1)]);
}

#[test]
fn a_relay_entry_longer_than_the_bound_is_refused_and_one_at_it_is_read_away() {
    let mut w = world(504);
    let before = w.ada.copy.doc().get_heads();
    // The largest the format allows, plus one: refused by the guard.
    let too_long = format!(
        "{}{}",
        relay(1),
        "/".repeat(limits::URL + 1 - relay(1).len())
    );
    assert_eq!(too_long.len(), limits::URL + 1);
    let attack = w.ada.raw("add_relay", |tx| {
        let profile = obj(tx, &ROOT, PROFILE);
        let list = obj(tx, &profile, field::RELAYS);
        tx.insert(&list, 0, too_long.as_str()).unwrap();
    });
    let got = w.bob.receive(attack);
    assert!(got.applied.is_empty());
    // The value table reads an over-long text as not the text that field holds.
    assert!(
        matches!(&got.refused[0].reason, Violation::Malformed(path) if path == "profile/relays/[]"),
        "{:?}",
        got.refused
    );
    // At the bound exactly: within the guard's bound, and no relay address, so the list
    // the devices use leaves it out.
    let at_bound = "x".repeat(limits::URL);
    let written = w.ada.raw_at(&mut w.rng, &before, |tx, _| {
        let profile = obj(tx, &ROOT, PROFILE);
        let list = obj(tx, &profile, field::RELAYS);
        tx.insert(&list, 0, at_bound.as_str()).unwrap();
    });
    assert_eq!(w.bob.receive(written).refused, vec![]);
    assert!(relays(w.bob.copy.doc()).is_empty());
    // The command refuses it before it is written.
    assert!(
        w.ada
            .try_run(&mut w.rng, T0 + 20, Command::AddRelay { relay: too_long })
            .is_none()
    );
}

#[test]
fn the_same_relay_change_received_twice_counts_once() {
    let mut w = world(505);
    let (_, changes) = w
        .ada
        .run(&mut w.rng, T0 + 10, Command::AddRelay { relay: relay(3) });
    assert_eq!(w.bob.receive(changes.clone()).refused, vec![]);
    let again = w.bob.receive(changes);
    assert_eq!(again.refused, vec![]);
    assert_eq!(relays(w.bob.copy.doc()), vec![relay(3)]);
    // Added again by command: already there, nothing new.
    let (_, same) = w
        .ada
        .run(&mut w.rng, T0 + 11, Command::AddRelay { relay: relay(3) });
    assert_eq!(w.bob.receive(same).refused, vec![]);
    assert_eq!(relays(w.bob.copy.doc()), vec![relay(3)]);
}
