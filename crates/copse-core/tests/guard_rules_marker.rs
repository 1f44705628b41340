//! Communities made before the current rules keep their history: what does not build on
//! the rules marker is judged by the first rules (records under any id, admissions
//! without proofs). A coordinator's device writes the marker once; from then on what
//! builds on it needs minted ids and proofs. New communities carry it from creation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use copse_core::automerge::transaction::Transactable;
use copse_core::automerge::{Change, ObjType, ROOT, ScalarValue};
use copse_core::guard::{Violation, verify_document};
use copse_core::schema::{RESOURCES, RULES_KEY, RULES_VERSION, field};
use copse_core::{ResourceId, Timestamp};
use guard_world::{T0, World, newcomer, obj, world, world_under_first_rules};

/// A resource under an id Bob picked himself (not minted), written raw.
fn resource_under_any_id(w: &mut World) -> Vec<Change> {
    let id = ResourceId::random(&mut w.rng);
    let bob = w.bob.me();
    w.bob.raw("add_resource", |tx| {
        let resources = obj(tx, &ROOT, RESOURCES);
        let r = tx
            .put_object(&resources, id.as_str(), ObjType::Map)
            .unwrap();
        tx.put(&r, field::TITLE, "Span tables").unwrap();
        tx.put(&r, field::URL, ScalarValue::Null).unwrap();
        tx.put(&r, field::DESCRIPTION, "").unwrap();
        tx.put_object(&r, field::TAGS, ObjType::List).unwrap();
        tx.put(&r, field::ADDED_BY, bob.as_str()).unwrap();
        tx.put(&r, field::ADDED_AT, T0 + 6).unwrap();
    })
}

#[test]
fn history_from_before_the_marker_is_judged_by_the_first_rules_until_a_coordinator_moves_on() {
    let mut w = world_under_first_rules(81);
    let old = resource_under_any_id(&mut w);
    assert_eq!(w.ada.receive(old).refused, vec![], "the first rules");
    // A newcomer's check of the whole history (a join) takes it too.
    let (_, refused) = verify_document(w.ada.copy.doc().clone()).unwrap();
    assert_eq!(refused, vec![]);
    // Ada's device moves the community on; Bob's copy learns it.
    let upgraded = w
        .ada
        .copy
        .upgrade_rules(Timestamp(T0 + 20), &mut w.rng)
        .unwrap()
        .expect("a coordinator writes the marker");
    let marker = w.ada.copy.doc().get_changes(&upgraded.heads_before);
    assert_eq!(w.bob.receive(marker).refused, vec![]);
    assert!(
        w.ada
            .copy
            .upgrade_rules(Timestamp(T0 + 21), &mut w.rng)
            .unwrap()
            .is_none(),
        "once"
    );
    let new = resource_under_any_id(&mut w);
    let got = w.ada.receive(new);
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    assert_eq!(
        got.refused[0].reason,
        Violation::NotMinted("resource".into())
    );
    // The history with the marker still reads whole.
    let (_, refused) = verify_document(w.ada.copy.doc().clone()).unwrap();
    assert_eq!(refused, vec![]);
}

#[test]
fn only_a_coordinator_writes_the_marker_and_only_once() {
    let mut w = world_under_first_rules(82);
    let by_member = w.bob.raw("upgrade_rules", |tx| {
        tx.put(ROOT, RULES_KEY, ScalarValue::Uint(RULES_VERSION))
            .unwrap();
    });
    let got = w.ada.receive(by_member);
    assert_eq!(got.refused.len(), 1);
    assert!(matches!(
        got.refused[0].reason,
        Violation::CoordinatorsOnly(_)
    ));
    // In a community made under the current rules, nobody writes it again (Automerge
    // writes nothing for the same value: another one).
    let mut w = world(83);
    let again = w.ada.raw("upgrade_rules", |tx| {
        tx.put(ROOT, RULES_KEY, ScalarValue::Uint(RULES_VERSION + 1))
            .unwrap();
    });
    let got = w.bob.receive(again);
    assert_eq!(got.refused.len(), 1);
    assert_eq!(got.refused[0].reason, Violation::RootKey(RULES_KEY.into()));
}

/// The marker and a change built on it arrive in one batch: the change is judged by the
/// current rules, never ahead of the marker by the first (the guard judges changes after
/// a waiting one ahead only while nothing waiting changes how they are judged).
#[test]
fn a_change_built_on_the_marker_in_the_same_batch_is_judged_by_the_current_rules() {
    let mut w = world_under_first_rules(82);
    let mut cyd = newcomer(&mut w, "Cyd");
    let upgraded = w
        .ada
        .copy
        .upgrade_rules(Timestamp(T0 + 20), &mut w.rng)
        .unwrap()
        .expect("a coordinator writes the marker");
    let marker = w.ada.copy.doc().get_changes(&upgraded.heads_before);
    let all = w.ada.copy.doc().get_changes(&[]);
    assert_eq!(w.bob.receive(all).refused, vec![]);
    let mut batch = marker;
    batch.extend(resource_under_any_id(&mut w));
    let got = cyd.receive(batch);
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    assert_eq!(
        got.refused[0].reason,
        Violation::NotMinted("resource".into())
    );
}
