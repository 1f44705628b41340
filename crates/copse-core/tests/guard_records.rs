//! A record's id is bound to the change that makes it (`record_mint`): a member cannot
//! make a thread, post or any other record under the id of someone else's, neither on
//! the current history nor on a fork from before it, where Automerge's last writer would
//! otherwise show hers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use copse_core::automerge::transaction::{CommitOptions, Transactable};
use copse_core::automerge::{Change, ObjType, ROOT, ReadDoc, ScalarValue};
use copse_core::commit_meta::CommitMeta;
use copse_core::guard::Violation;
use copse_core::guard::signature::signature_change;
use copse_core::record_mint::Mint;
use copse_core::schema::{THREADS, field};
use copse_core::{Command, Created, PostId};
use guard_world::{T0, obj, posts_of, world};

fn refused_for(got: &copse_core::guard::Admitted, want: Violation) {
    assert!(got.applied.is_empty(), "applied {:?}", got.applied);
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    assert_eq!(got.refused[0].reason, want);
}

#[test]
fn a_thread_made_on_a_fork_under_an_existing_threads_id_is_refused() {
    let mut w = world(51);
    let t = w.thread.clone();
    // The history from before Ada's thread: the deps of the change that made it.
    let made_it = w
        .ada
        .copy
        .doc()
        .get_changes(&[])
        .into_iter()
        .find(|c| {
            c.message()
                .and_then(CommitMeta::parse)
                .is_some_and(|m| m.cmd == "start_thread")
        })
        .unwrap();
    let mut fork = w.bob.copy.doc().fork_at(made_it.deps()).unwrap();
    fork.set_actor(w.bob.signer.actor(&mut w.rng));
    let bob = w.bob.me();
    let mint = Mint::for_next_change(&fork);
    let post = PostId::from_bytes(mint.next());
    let mut tx = fork.transaction();
    let threads = obj(&tx, &ROOT, THREADS);
    let th = tx.put_object(&threads, t.as_str(), ObjType::Map).unwrap();
    tx.put(&th, field::KIND, "question").unwrap();
    tx.put(&th, field::TITLE, "Glulam spans? (the real answer inside)")
        .unwrap();
    tx.put_object(&th, field::TAGS, ObjType::List).unwrap();
    tx.put(&th, field::AUTHOR, bob.as_str()).unwrap();
    tx.put(&th, field::CREATED_AT, T0 + 3).unwrap();
    tx.put(&th, field::ACCEPTED_POST, ScalarValue::Null)
        .unwrap();
    let posts = tx.put_object(&th, field::POSTS, ObjType::List).unwrap();
    let p = tx.insert_object(&posts, 0, ObjType::Map).unwrap();
    tx.put(&p, field::ID, post.as_str()).unwrap();
    tx.put(&p, field::AUTHOR, bob.as_str()).unwrap();
    tx.put(&p, field::BODY, "Buy my beams.").unwrap();
    tx.put(&p, field::CREATED_AT, T0 + 3).unwrap();
    tx.put(&p, field::EDITED_AT, ScalarValue::Null).unwrap();
    let meta = CommitMeta {
        by: bob.clone(),
        cmd: "start_thread".into(),
        obj: None,
    };
    let (hash, _) = tx.commit_with(
        CommitOptions::default()
            .with_message(meta.to_message())
            .with_time(T0 + 3),
    );
    let hash = hash.unwrap();
    let forged: Change = fork.get_change_by_hash(&hash).unwrap();
    let sig = signature_change(&forged, &w.bob.signer.sign(&hash));
    let got = w.ada.receive(vec![forged, sig]);
    refused_for(&got, Violation::NotMinted("thread".into()));
}

#[test]
fn a_post_made_under_an_existing_posts_id_is_refused() {
    let mut w = world(52);
    let t = w.thread.clone();
    let bob = w.bob.me();
    let attack = w.bob.raw("reply", |tx| {
        let posts = posts_of(tx, &t);
        let (_, first) = tx.get(&posts, 0).unwrap().unwrap();
        let taken = match tx.get(&first, field::ID).unwrap().unwrap() {
            (copse_core::automerge::Value::Scalar(s), _) => s.as_str().unwrap().to_owned(),
            other => panic!("{other:?}"),
        };
        let p = tx.insert_object(&posts, 1, ObjType::Map).unwrap();
        tx.put(&p, field::ID, taken.as_str()).unwrap();
        tx.put(&p, field::AUTHOR, bob.as_str()).unwrap();
        tx.put(&p, field::BODY, "I am the question now.").unwrap();
        tx.put(&p, field::CREATED_AT, T0 + 5).unwrap();
        tx.put(&p, field::EDITED_AT, ScalarValue::Null).unwrap();
    });
    let got = w.ada.receive(attack);
    refused_for(&got, Violation::NotMinted("post".into()));
}

#[test]
fn records_made_on_two_devices_at_once_get_their_own_ids_and_pass() {
    let mut w = world(53);
    let task = |title: &str| Command::CreateTask {
        title: title.into(),
        description: String::new(),
        assignee: None,
        due: None,
        good_first: false,
    };
    let (a, from_ada) = w.ada.run(&mut w.rng, T0 + 10, task("Saw"));
    let (b, from_bob) = w.bob.run(&mut w.rng, T0 + 10, task("Plane"));
    let (Some(Created::Task(a)), Some(Created::Task(b))) = (a, b) else {
        panic!()
    };
    assert_ne!(a, b);
    assert_eq!(w.bob.receive(from_ada).refused, vec![]);
    assert_eq!(w.ada.receive(from_bob).refused, vec![]);
    assert_eq!(w.ada.copy.doc().get_heads(), w.bob.copy.doc().get_heads());
}

/// The derivation exactly as docs/schema.md ("Ids") states it, written without
/// `record_mint`: what a third party writing Copse changes computes.
fn id_as_documented(actor: &[u8], start_op: u64, k: u32) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"copse record id v1\0");
    h.update([actor.len() as u8]);
    h.update(actor);
    h.update(start_op.to_be_bytes());
    h.update(k.to_be_bytes());
    let digest = h.finalize();
    data_encoding::BASE32HEX_NOPAD
        .encode(&digest[..16])
        .to_ascii_lowercase()
}

#[test]
fn a_record_written_by_the_schemas_text_alone_passes() {
    let mut w = world(54);
    let bob = w.bob.me();
    let doc = w.bob.copy.doc();
    // Its first operation: one past the largest counter of the heads (docs: "Bounds").
    let start_op = doc
        .get_heads()
        .iter()
        .map(|h| doc.get_change_meta_by_hash(h).unwrap().max_op)
        .max()
        .unwrap()
        + 1;
    let id = id_as_documented(doc.get_actor().to_bytes(), start_op, 0);
    let changes = w.bob.raw("create_resource", |tx| {
        let resources = obj(tx, &ROOT, copse_core::schema::RESOURCES);
        let r = tx
            .put_object(&resources, id.as_str(), ObjType::Map)
            .unwrap();
        tx.put(&r, field::TITLE, "Span tables").unwrap();
        tx.put(&r, field::URL, "https://example.org/spans").unwrap();
        tx.put(&r, field::DESCRIPTION, "").unwrap();
        tx.put_object(&r, field::TAGS, ObjType::List).unwrap();
        tx.put(&r, field::ADDED_BY, bob.as_str()).unwrap();
        tx.put(&r, field::ADDED_AT, T0 + 6).unwrap();
    });
    let got = w.ada.receive(changes);
    assert_eq!(got.refused, vec![]);
    assert_eq!(got.applied.len(), 2);
}
