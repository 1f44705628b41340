//! Bounds a member cannot write past, however she builds her change: operation numbers
//! that jump towards Automerge's 32-bit limit, too many operations, and compressed
//! changes that inflate past what any device should read.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use std::num::NonZeroU64;

use copse_core::Command;
use copse_core::automerge::transaction::Transactable;
use copse_core::automerge::{Change, ObjType, ROOT};
use copse_core::change_chunk::{COMPRESSED_CHANGE, MAGIC, parse_changes};
use copse_core::guard::bounds::{MAX_CHANGE_BYTES, MAX_CHANGE_OPS};
use copse_core::guard::signature::signature_change;
use copse_core::guard::{Violation, verify_document};
use copse_core::schema::{MEMBERS, field};
use guard_world::{T0, World, obj, world};

/// Bob's honest change to his bio, signed: the change and its signature change.
fn bobs_bio(w: &mut World) -> Vec<Change> {
    let bob = w.bob.me();
    w.bob.raw("update_my_details", |tx| {
        let members = obj(tx, &ROOT, MEMBERS);
        let me = obj(tx, &members, bob.as_str());
        tx.put(&me, field::BIO, "beams").unwrap();
    })
}

/// Bob's honest change to his bio, renumbered to start at `start_op(of the original)` and
/// signed again with his real key: what a modified client can send.
fn renumbered(w: &mut World, start_op: impl FnOnce(u64) -> u64) -> Vec<Change> {
    let honest = bobs_bio(w);
    let mut expanded = honest[0].decode();
    expanded.start_op = NonZeroU64::new(start_op(honest[0].start_op().get())).unwrap();
    expanded.hash = None;
    let forged = Change::from(expanded);
    let sig = signature_change(&forged, &w.bob.signer.sign(&forged.hash()));
    vec![forged, sig]
}

/// Ada can still edit and Bob's next honest edit still reaches her.
fn still_works(w: &mut World) {
    w.ada.run(
        &mut w.rng,
        T0 + 20,
        Command::Reply {
            thread: w.thread.clone(),
            body: "Still here.".into(),
        },
    );
    w.bob.run(
        &mut w.rng,
        T0 + 21,
        Command::Reply {
            thread: w.thread.clone(),
            body: "So am I.".into(),
        },
    );
    // Bob's honest bio change (the one renumbered), his reply, their signatures.
    let lacking = w.bob.copy.doc().get_changes(&w.ada.copy.doc().get_heads());
    let got = w.ada.receive(lacking);
    assert_eq!(got.refused, vec![]);
    assert_eq!(got.applied.len(), 4);
}

#[test]
fn a_change_numbered_near_the_counters_limit_waits_for_history_that_never_comes() {
    let mut w = world(31);
    let frozen = renumbered(&mut w, |_| (1 << 32) - 100);
    let heads = w.ada.copy.doc().get_heads();
    let got = w.ada.receive(frozen);
    assert!(got.applied.is_empty(), "applied {:?}", got.applied);
    assert!(got.refused.is_empty(), "{:?}", got.refused);
    assert_eq!(got.waiting.len(), 1, "held, not applied nor relayed");
    assert_eq!(w.ada.copy.doc().get_heads(), heads);
    still_works(&mut w);
}

#[test]
fn a_jump_in_operation_numbers_is_held_on_the_sync_path_and_refused_in_a_whole_document() {
    let mut w = world(32);
    let jumped = renumbered(&mut w, |start| start + 10_000);
    let got = w.ada.receive(jumped.clone());
    assert!(got.applied.is_empty() && got.refused.is_empty());
    assert_eq!(got.waiting.len(), 1);
    // In a file or a join, nothing more will come: the jump is refused with its reason.
    let mut doc = w.ada.copy.doc().clone();
    doc.apply_changes(jumped.clone()).unwrap();
    let (clean, refused) = verify_document(doc).unwrap();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].reason, Violation::OpNumbering);
    assert!(clean.get_change_meta_by_hash(&jumped[0].hash()).is_none());
    still_works(&mut w);
}

#[test]
fn a_change_numbered_inside_what_it_builds_on_is_refused() {
    let mut w = world(33);
    let reused = renumbered(&mut w, |start| start - 1);
    let got = w.ada.receive(reused);
    assert_eq!(got.refused.len(), 1, "{got:?}");
    assert_eq!(got.refused[0].reason, Violation::OpNumbering);
    assert!(got.applied.is_empty());
    still_works(&mut w);
}

#[test]
fn a_change_with_more_operations_than_any_command_writes_is_refused() {
    let mut w = world(34);
    let bob = w.bob.me();
    let text = "x".repeat(MAX_CHANGE_OPS + 1);
    let huge = w.bob.raw("update_my_details", |tx| {
        let members = obj(tx, &ROOT, MEMBERS);
        let me = obj(tx, &members, bob.as_str());
        let bio = tx.put_object(&me, "notes", ObjType::Text).unwrap();
        tx.splice_text(&bio, 0, 0, &text).unwrap();
    });
    let got = w.ada.receive(huge);
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    assert!(
        matches!(&got.refused[0].reason, Violation::TooLarge(why) if why.contains("operations")),
        "{:?}",
        got.refused[0].reason
    );
}

#[test]
fn a_compressed_change_that_inflates_past_the_bound_is_refused_before_it_is_read() {
    use std::io::Write;
    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    deflate
        .write_all(&vec![0u8; MAX_CHANGE_BYTES + 1024])
        .unwrap();
    let data = deflate.finish().unwrap();
    assert!(data.len() < 64 * 1024, "a bomb: {} bytes", data.len());
    let mut chunk = MAGIC.to_vec();
    chunk.extend_from_slice(&[0, 0, 0, 0, COMPRESSED_CHANGE]);
    let mut len = data.len();
    loop {
        let byte = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            chunk.push(byte);
            break;
        }
        chunk.push(byte | 0x80);
    }
    chunk.extend_from_slice(&data);
    let err = parse_changes(&chunk).unwrap_err();
    assert!(
        err.0
            .contains(&format!("more than {MAX_CHANGE_BYTES} bytes")),
        "{err}"
    );
}

#[test]
fn an_honest_article_of_the_largest_size_passes() {
    let mut w = world(35);
    let body = "é".repeat(copse_core::schema::limits::LONG_TEXT);
    let (_, changes) = w.bob.run(
        &mut w.rng,
        T0 + 30,
        Command::CreateArticle {
            title: "Everything on glulam".into(),
            body,
            tags: vec![],
        },
    );
    let got = w.ada.receive(changes);
    assert_eq!(got.refused, vec![]);
    assert_eq!(got.applied.len(), 2);
}

#[test]
fn a_change_numbered_ahead_offered_twice_still_waits_and_changes_nothing() {
    let mut w = world(36);
    let jumped = renumbered(&mut w, |start| start + 10_000);
    let heads = w.ada.copy.doc().get_heads();
    for _ in 0..2 {
        let got = w.ada.receive(jumped.clone());
        assert!(got.applied.is_empty() && got.refused.is_empty(), "{got:?}");
        assert_eq!(got.waiting.len(), 1);
    }
    assert_eq!(w.ada.copy.doc().get_heads(), heads);
}

#[test]
fn a_change_carrying_extra_bytes_is_refused() {
    // Automerge reads an author footer there, and refuses a whole batch for a second
    // author of one actor: nothing of the kind may get in.
    let mut w = world(37);
    let honest = bobs_bio(&mut w);
    let mut expanded = honest[0].decode();
    expanded.extra_bytes = vec![0xff; 16];
    expanded.hash = None;
    let padded = Change::from(expanded);
    let sig = signature_change(&padded, &w.bob.signer.sign(&padded.hash()));
    let got = w.ada.receive(vec![padded, sig]);
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    assert_eq!(
        got.refused[0].reason,
        Violation::Malformed("extra bytes after a change".into())
    );
}
