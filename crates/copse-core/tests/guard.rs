//! The guardian: signed changes, and the rule table applied from each change's causal
//! past. Each device is a copy signed by its own key; attacks are raw Automerge writes
//! that a modified client could make, signed with the attacker's real key.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use copse_core::automerge::transaction::{CommitOptions, Transactable};
use copse_core::automerge::{Automerge, Change, ObjType, ROOT, ReadDoc, ScalarValue};
use copse_core::commit_meta::CommitMeta;
use copse_core::guard::signature::{signature_change, signed_bytes};
use copse_core::guard::{NoLegacy, Signer, Violation, admit, verify_document};
use copse_core::record::Role;
use copse_core::view::threads::thread;
use copse_core::{Command, Created, PostId, Timestamp};
use guard_world::{T0, World, newcomer, obj, posts_of, reloaded, sign_raw, world};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Bob's attack reaches Ada: refused for `want`, and nothing of it is in her copy.
fn refused_by_ada(w: &mut World, attack: Vec<Change>, want: Violation) {
    let heads = w.ada.copy.doc().get_heads();
    let got = w.ada.receive(attack);
    assert!(got.applied.is_empty(), "applied {:?}", got.applied);
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    let unproven = matches!(want, Violation::MissingSignature | Violation::BadSignature);
    assert_eq!(got.refused[0].reason, want);
    // Until a signature verifies, a change names no one.
    let author = (!unproven).then(|| w.bob.me());
    assert_eq!(got.refused[0].author, author);
    assert_eq!(w.ada.copy.doc().get_heads(), heads);
}

#[test]
fn signature_changes_are_what_automerge_itself_would_write() {
    let mut rng = StdRng::seed_from_u64(1);
    let key = Signer::random(&mut rng);
    let mut doc = Automerge::new();
    doc.set_actor(key.actor(&mut rng));
    let mut tx = doc.transaction();
    tx.put(ROOT, "x", 1).unwrap();
    let (hash, _) = tx.commit_with(CommitOptions::default().with_time(5));
    let hash = hash.unwrap();
    let change = doc.get_change_by_hash(&hash).unwrap();
    let sig = key.sign(&hash);
    let ours = signature_change(&change, &sig);
    let message = ours.message().unwrap().to_owned();
    let theirs = doc.empty_commit(CommitOptions::default().with_message(message).with_time(0));
    assert_eq!(
        ours.hash(),
        theirs,
        "the same bytes as Automerge's own empty change"
    );
    assert_eq!(ours.deps(), &[hash]);
    assert_eq!(signed_bytes(&hash).len(), 26 + 32);
}

#[test]
fn honest_edits_pass_on_every_path() {
    let mut w = world(2);
    let (_, changes) = w.bob.run(
        &mut w.rng,
        T0 + 10,
        Command::Reply {
            thread: w.thread.clone(),
            body: "About 12 m.".into(),
        },
    );
    assert_eq!(changes.len(), 2, "the reply and its signature");
    let got = w.ada.receive(changes);
    assert_eq!(got.refused, vec![]);
    assert_eq!(got.applied.len(), 2);
    assert_eq!(w.ada.copy.doc().get_heads(), w.bob.copy.doc().get_heads());
    // Ada's own edits reach Bob too.
    let (_, changes) = w.ada.run(
        &mut w.rng,
        T0 + 11,
        Command::SetRole {
            member: w.bob.me(),
            role: Role::Coordinator,
        },
    );
    assert_eq!(w.bob.receive(changes).refused, vec![]);
}

/// Who may sync what is decided from what a change does, never from the command name its
/// author wrote: the guard reports writes under `members` or `invites`.
#[test]
fn membership_changes_are_read_from_the_operations_not_the_message() {
    let mut w = world(21);
    let (_, reply) = w.bob.run(
        &mut w.rng,
        T0 + 10,
        Command::Reply {
            thread: w.thread.clone(),
            body: "About 12 m.".into(),
        },
    );
    let got = w.ada.receive(reply);
    assert!(
        got.refused.is_empty() && !got.membership,
        "a reply: {got:?}"
    );
    // Bob's own details, under a message that claims a reply.
    let bob = w.bob.me();
    let disguised = w.bob.raw("reply", |tx| {
        let members = obj(
            tx,
            &copse_core::automerge::ROOT,
            copse_core::schema::MEMBERS,
        );
        let me = obj(tx, &members, bob.as_str());
        tx.put(&me, copse_core::schema::field::BIO, "timber, mostly")
            .unwrap();
    });
    let got = w.ada.receive(disguised);
    assert!(got.refused.is_empty(), "{:?}", got.refused);
    assert!(
        got.membership,
        "a write under members, whatever its message says"
    );
}

#[test]
fn forging_another_members_post_is_refused() {
    let mut w = world(3);
    let t = w.thread.clone();
    let attack = w.bob.raw("edit_post", |tx| {
        let posts = posts_of(tx, &t);
        let (_, first) = tx.get(&posts, 0).unwrap().unwrap();
        tx.put(&first, "body", "Ada says: anything goes").unwrap();
    });
    refused_by_ada(&mut w, attack, Violation::OthersRecord("post".into()));
}

#[test]
fn self_promotion_and_removing_everyone_are_refused() {
    let mut w = world(4);
    let me = w.bob.me();
    let attack = w.bob.raw("set_role", |tx| {
        let members = obj(tx, &ROOT, "members");
        let entry = obj(tx, &members, me.as_str());
        tx.put(&entry, "role", "coordinator").unwrap();
    });
    refused_by_ada(
        &mut w,
        attack,
        Violation::CoordinatorsOnly("change roles".into()),
    );
    let ada = w.ada.me();
    let attack = w.bob.raw("remove_member", |tx| {
        let members = obj(tx, &ROOT, "members");
        let entry = obj(tx, &members, ada.as_str());
        tx.put(&entry, "removed_at", ScalarValue::Int(T0)).unwrap();
    });
    // The first attack is in Bob's copy: this one builds on it.
    let got = w.ada.receive(attack);
    assert!(got.applied.is_empty());
    assert_eq!(got.refused[0].reason, Violation::DependsOnRefused);
}

#[test]
fn root_keys_cannot_change() {
    let mut w = world(5);
    let attack = w.bob.raw("upgrade", |tx| {
        tx.put(ROOT, "schema_version", ScalarValue::Uint(99))
            .unwrap();
    });
    refused_by_ada(&mut w, attack, Violation::RootKey("schema_version".into()));
    let mut w = world(6);
    let attack = w.bob.raw("drop", |tx| tx.delete(ROOT, "members").unwrap());
    refused_by_ada(&mut w, attack, Violation::RootKey("members".into()));
}

#[test]
fn a_post_with_a_text_body_or_a_bad_id_is_refused() {
    let mut w = world(7);
    let (t, me) = (w.thread.clone(), w.bob.me());
    let attack = w.bob.raw("reply", |tx| {
        let posts = posts_of(tx, &t);
        let post = tx.insert_object(&posts, 1, ObjType::Map).unwrap();
        tx.put(
            &post,
            "id",
            PostId::random(&mut StdRng::seed_from_u64(1)).as_str(),
        )
        .unwrap();
        tx.put(&post, "author", me.as_str()).unwrap();
        tx.put_object(&post, "body", ObjType::Text).unwrap();
    });
    refused_by_ada(
        &mut w,
        attack,
        Violation::Malformed("post body (it must be a string)".into()),
    );
    let mut w = world(8);
    let me = w.bob.me();
    let attack = w.bob.raw("start_thread", |tx| {
        let threads = obj(tx, &ROOT, "threads");
        let th = tx.put_object(&threads, "not an id", ObjType::Map).unwrap();
        tx.put(&th, "author", me.as_str()).unwrap();
        tx.put(&th, "kind", "discussion").unwrap();
    });
    refused_by_ada(&mut w, attack, Violation::Malformed("thread id".into()));
}

#[test]
fn forged_and_missing_signatures_are_refused() {
    let mut w = world(9);
    let mut attack = w.bob.raw("reply", |tx| {
        tx.put(ROOT, "x", 1).unwrap();
    });
    // Drop the signature change.
    attack.truncate(1);
    refused_by_ada(&mut w, attack, Violation::MissingSignature);

    // Bob writes under Ada's key (her actor) and signs with his own.
    let mut w = world(10);
    let mut doc = w.bob.copy.doc().clone();
    doc.set_actor(w.ada.signer.actor(&mut w.rng));
    let heads = doc.get_heads();
    let ada = w.ada.me();
    let mut tx = doc.transaction();
    let members = obj(&tx, &ROOT, "members");
    let entry = obj(&tx, &members, ada.as_str());
    tx.put(&entry, "bio", "I resign").unwrap();
    let meta = CommitMeta {
        by: ada,
        cmd: "update_my_details".into(),
        obj: None,
    };
    let (hash, _) = tx.commit_with(CommitOptions::default().with_message(meta.to_message()));
    sign_raw(&mut doc, &w.bob.signer, hash.unwrap());
    let got = w.ada.receive(doc.get_changes(&heads));
    assert!(got.applied.is_empty());
    assert_eq!(got.refused[0].reason, Violation::BadSignature);
}

#[test]
fn a_change_replayed_under_another_key_is_judged_as_its_signer() {
    let mut w = world(11);
    // Bob copies Ada's own kind of edit (her details) but it is his key that signs.
    let ada = w.ada.me();
    let attack = w.bob.raw("update_my_details", |tx| {
        let members = obj(tx, &ROOT, "members");
        let entry = obj(tx, &members, ada.as_str());
        tx.put(&entry, "name", "Ada (not really)").unwrap();
    });
    refused_by_ada(&mut w, attack, Violation::OthersRecord("details".into()));
    // And a message that names Ada does not make it hers.
    let mut w = world(12);
    let heads = w.bob.copy.doc().get_heads();
    let mut tx = w.bob.copy.doc_mut().transaction();
    tx.put(ROOT, "y", 1).unwrap();
    let meta = CommitMeta {
        by: w.ada.me(),
        cmd: "reply".into(),
        obj: None,
    };
    let (hash, _) = tx.commit_with(CommitOptions::default().with_message(meta.to_message()));
    sign_raw(w.bob.copy.doc_mut(), &w.bob.signer, hash.unwrap());
    let attack = w.bob.copy.doc().get_changes(&heads);
    refused_by_ada(&mut w, attack, Violation::WrongAuthorName);
}

#[test]
fn a_removed_member_is_refused_once_they_knew_and_cannot_rejoin_with_an_old_ticket() {
    let mut w = world(13);
    // Bob made an invite (for a friend) before his removal.
    let (bobs_invite, _, changes) = w.bob.invite(&mut w.rng, T0 + 20, 5);
    assert_eq!(w.ada.receive(changes).refused, vec![]);
    let (_, removal) = w.ada.run(
        &mut w.rng,
        T0 + 30,
        Command::RemoveMember { member: w.bob.me() },
    );
    // A reply written before Bob heard of it survives; one written after does not.
    let (_, concurrent) = w.bob.run(
        &mut w.rng,
        T0 + 31,
        Command::Reply {
            thread: w.thread.clone(),
            body: "written offline".into(),
        },
    );
    assert_eq!(w.ada.receive(concurrent).refused, vec![]);
    assert_eq!(w.bob.receive(removal).refused, vec![]);
    let t = w.thread.clone();
    let me = w.bob.me();
    let after = w.bob.raw("reply", |tx| {
        let posts = posts_of(tx, &t);
        let post = tx.insert_object(&posts, 1, ObjType::Map).unwrap();
        tx.put(
            &post,
            "id",
            PostId::random(&mut StdRng::seed_from_u64(1)).as_str(),
        )
        .unwrap();
        tx.put(&post, "author", me.as_str()).unwrap();
        tx.put(&post, "body", "after my removal").unwrap();
    });
    refused_by_ada(&mut w, after, Violation::Removed);

    // Ada's own copy now refuses Bob's old invite (its creator was removed), so would
    // every honest member; a forged admission with it is refused by the guard.
    let eve = Signer::random(&mut w.rng);
    let ada_members = w.ada.copy.doc().clone();
    let mut doc = ada_members;
    doc.set_actor(w.ada.signer.actor(&mut w.rng));
    let heads = doc.get_heads();
    let mut tx = doc.transaction();
    let invites = obj(&tx, &ROOT, "invites");
    let inv = obj(&tx, &invites, bobs_invite.as_str());
    let used = obj(&tx, &inv, "used_by");
    tx.insert(&used, 0, eve.member().as_str()).unwrap();
    let members = obj(&tx, &ROOT, "members");
    let entry = tx
        .put_object(&members, eve.member().as_str(), ObjType::Map)
        .unwrap();
    tx.put(&entry, "role", "member").unwrap();
    tx.put(&entry, "removed_at", ScalarValue::Null).unwrap();
    let meta = CommitMeta {
        by: w.ada.me(),
        cmd: "admit".into(),
        obj: None,
    };
    let (hash, _) = tx.commit_with(
        CommitOptions::default()
            .with_message(meta.to_message())
            .with_time(T0 + 40),
    );
    sign_raw(&mut doc, &w.ada.signer, hash.unwrap());
    let mut carol = w.ada.copy.clone();
    let got = admit(
        carol.doc_mut(),
        doc.get_changes(&heads),
        &|_| false,
        &NoLegacy,
    )
    .unwrap();
    assert_eq!(
        got.refused[0].reason,
        Violation::BadAdmission(eve.member().to_string())
    );
}

#[test]
fn a_whole_document_with_a_forged_change_loads_without_it() {
    let mut w = world(14);
    let (t, me) = (w.thread.clone(), w.bob.me());
    w.bob.raw("edit_post", |tx| {
        let posts = posts_of(tx, &t);
        let (_, first) = tx.get(&posts, 0).unwrap().unwrap();
        tx.put(&first, "body", "forged").unwrap();
    });
    let (_, honest) = w.ada.run(
        &mut w.rng,
        T0 + 50,
        Command::Reply {
            thread: w.thread.clone(),
            body: "still here".into(),
        },
    );
    w.bob.receive(honest);
    let saved = w.bob.copy.doc().save();
    let (doc, refused) = verify_document(Automerge::load(&saved).unwrap()).unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].author.as_ref(), Some(&me));
    let view = thread(&doc, &w.thread).unwrap();
    assert_eq!(view.thread.posts[0].body, "How far can a 400 mm beam go?");
    assert_eq!(view.thread.posts.len(), 2);
}

#[test]
fn concurrent_article_edits_pass_including_edits_on_an_older_version() {
    let mut w = world(20);
    let (created, ch) = w.ada.run(
        &mut w.rng,
        T0 + 5,
        Command::CreateArticle {
            title: "Spans".into(),
            body: "one".into(),
            tags: vec![],
        },
    );
    assert_eq!(w.bob.receive(ch).refused, vec![]);
    let Some(Created::Article(a)) = created else {
        panic!()
    };
    let edit = |body: &str, base: Option<Vec<String>>| Command::EditArticle {
        article: a.clone(),
        body: body.into(),
        base,
    };
    // Bob and Cyd edit at once: `updated_by` holds both their names.
    let mut cyd = newcomer(&mut w, "Cyd");
    assert_eq!(
        w.bob.receive(w.ada.copy.doc().get_changes(&[])).refused,
        vec![]
    );
    let (_, from_cyd) = cyd.run(&mut w.rng, T0 + 6, edit("one two", None));
    let (_, from_bob) = w.bob.run(&mut w.rng, T0 + 6, edit("zero one", None));
    assert_eq!(w.bob.receive(from_cyd.clone()).refused, vec![]);
    assert_eq!(cyd.receive(from_bob.clone()).refused, vec![]);
    assert_eq!(w.ada.receive([from_bob, from_cyd].concat()).refused, vec![]);
    // Whoever's name shows edits again: Automerge writes a delete of the other name.
    let articles = obj(w.bob.copy.doc(), &ROOT, "articles");
    let article = obj(w.bob.copy.doc(), &articles, a.as_str());
    let shown = match w
        .bob
        .copy
        .doc()
        .get(&article, "updated_by")
        .unwrap()
        .unwrap()
    {
        (copse_core::automerge::Value::Scalar(s), _) => s.as_str().unwrap().to_owned(),
        other => panic!("{other:?}"),
    };
    let writer = if shown == w.bob.me().as_str() {
        &mut w.bob
    } else {
        &mut cyd
    };
    let (_, again) = writer.run(&mut w.rng, T0 + 7, edit("zero one two three", None));
    let deletes = again[0]
        .decode()
        .operations
        .iter()
        .filter(|o| {
            matches!(o.action, copse_core::automerge::legacy::OpType::Delete)
                && matches!(&o.key, copse_core::automerge::legacy::Key::Map(k) if k == "updated_by")
        })
        .count();
    assert_eq!(deletes, 1, "the rewrite is a delete of the other name");
    assert_eq!(w.ada.receive(again.clone()).refused, vec![]);
    let other = w.bob.receive(again.clone());
    let _ = cyd.receive(again);
    assert_eq!(other.refused, vec![]);
    // Bob edits on a version without his own latest edit: a derived actor.
    let old: Vec<String> = w
        .bob
        .copy
        .doc()
        .get_heads()
        .iter()
        .map(|h| h.to_string())
        .collect();
    let (_, first) = w
        .bob
        .run(&mut w.rng, T0 + 8, edit("zero one two three four", None));
    let (_, second) = w
        .bob
        .run(&mut w.rng, T0 + 9, edit("zero, one two three", Some(old)));
    assert!(
        second[0].actor_id().to_bytes().len() > 40,
        "the edit on an older version has a derived actor"
    );
    assert_eq!(w.ada.receive([first, second].concat()).refused, vec![]);
    assert_eq!(w.ada.copy.doc().get_heads(), w.bob.copy.doc().get_heads());
}

#[test]
fn a_malformed_post_hides_only_itself() {
    // A copy written before the guard (or by hand): one post's body is a Text object.
    let mut w = world(21);
    let t = w.thread.clone();
    let (_, ch) = w.ada.run(
        &mut w.rng,
        T0 + 5,
        Command::Reply {
            thread: t.clone(),
            body: "a fine reply".into(),
        },
    );
    drop(ch);
    let doc = w.ada.copy.doc_mut();
    let mut tx = doc.transaction();
    let posts = posts_of(&tx, &t);
    let (_, first) = tx.get(&posts, 0).unwrap().unwrap();
    tx.put_object(&first, "body", ObjType::Text).unwrap();
    tx.commit();
    let view = thread(w.ada.copy.doc(), &t).expect("the thread still shows");
    assert_eq!(view.unreadable_posts, 1);
    assert_eq!(view.thread.posts.len(), 1);
    assert_eq!(view.thread.posts[0].body, "a fine reply");
}

#[test]
fn history_from_before_signatures_is_accepted_where_a_coordinator_sealed_it() {
    let mut rng = StdRng::seed_from_u64(40);
    let ada = Signer::random(&mut rng);
    // An old community: every change unsigned, under a random actor.
    let (mut old, _) = copse_core::Community::create(
        ada.member(),
        copse_core::record::MemberDetails {
            name: "Ada".into(),
            ..Default::default()
        },
        copse_core::NewCommunity {
            name: "Old".into(),
            domain: "timber".into(),
            ..Default::default()
        },
        Timestamp(T0),
        &mut rng,
    )
    .unwrap();
    old.apply(
        ada.member(),
        Timestamp(T0 + 1),
        &mut rng,
        Command::StartThread {
            kind: copse_core::record::ThreadKind::Discussion,
            title: "From before".into(),
            body: "unsigned".into(),
            tags: vec![],
        },
    )
    .unwrap();
    let unsealed = old.doc().save();
    let (_, refused) = verify_document(Automerge::load(&unsealed).unwrap()).unwrap();
    assert_eq!(refused[0].reason, Violation::Unsigned, "the creation");
    assert_eq!(refused[1].reason, Violation::DependsOnRefused);
    // Ada's upgraded device seals it once; a newcomer then accepts all of it.
    old.sign_as(ada.clone(), &mut rng);
    assert!(old.seal_history(Timestamp(T0 + 2)).unwrap().is_some());
    assert!(
        old.seal_history(Timestamp(T0 + 3)).unwrap().is_none(),
        "once"
    );
    let (doc, refused) = reloaded(&old);
    assert_eq!(refused, vec![]);
    assert_eq!(doc.get_heads(), old.doc().get_heads());
    // An unsigned change made after the seal is not covered.
    let mut later = Automerge::load(&old.doc().save()).unwrap();
    later.set_actor(copse_core::automerge::ActorId::from([5u8; 16]));
    later
        .transact(|tx| tx.put(ROOT, "late", 1).map(|_| ()))
        .unwrap();
    let (_, refused) = verify_document(later).unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].reason, Violation::Unsigned);
}

#[test]
fn a_long_batch_is_judged_change_by_change_even_when_applied_together() {
    let mut w = world(22);
    let t = w.thread.clone();
    let mut batch = Vec::new();
    for i in 0..3 {
        let (_, ch) = w.bob.run(
            &mut w.rng,
            T0 + 10 + i,
            Command::Reply {
                thread: t.clone(),
                body: format!("honest {i}"),
            },
        );
        batch.extend(ch);
    }
    // Then, on top of them, a forgery; then more honest-looking work on top of that.
    batch.extend(w.bob.raw("edit_post", |tx| {
        let posts = posts_of(tx, &t);
        let (_, first) = tx.get(&posts, 0).unwrap().unwrap();
        tx.put(&first, "body", "forged").unwrap();
    }));
    let (_, after) = w.bob.run(
        &mut w.rng,
        T0 + 20,
        Command::Reply {
            thread: t.clone(),
            body: "built on the forgery".into(),
        },
    );
    batch.extend(after);
    batch.reverse();
    let got = w.ada.receive(batch);
    assert_eq!(
        got.applied.len(),
        6,
        "the three honest replies and their signatures"
    );
    let reasons: Vec<Violation> = got.refused.iter().map(|r| r.reason.clone()).collect();
    assert_eq!(
        reasons,
        vec![
            Violation::OthersRecord("post".into()),
            Violation::DependsOnRefused
        ]
    );
    let view = thread(w.ada.copy.doc(), &t).unwrap();
    assert_eq!(view.thread.posts.len(), 4);
    assert_ne!(view.thread.posts[0].body, "forged");
}

#[test]
fn a_batch_with_a_removal_judges_what_follows_it_at_its_own_deps() {
    let mut w = world(23);
    let t = w.thread.clone();
    // Bob has seen his removal (a modified client ignores it) and still replies.
    let (_, removal) = w.ada.run(
        &mut w.rng,
        T0 + 10,
        Command::RemoveMember { member: w.bob.me() },
    );
    assert_eq!(w.bob.receive(removal.clone()).refused, vec![]);
    let me = w.bob.me();
    let after = w.bob.raw("reply", |tx| {
        let posts = posts_of(tx, &t);
        let post = tx.insert_object(&posts, 1, ObjType::Map).unwrap();
        tx.put(
            &post,
            "id",
            PostId::random(&mut StdRng::seed_from_u64(2)).as_str(),
        )
        .unwrap();
        tx.put(&post, "author", me.as_str()).unwrap();
        tx.put(&post, "body", "after").unwrap();
    });
    // Cyd gets the removal and Bob's reply in one batch.
    let mut cyd = newcomer(&mut w, "Cyd");
    let mut batch = w.ada.copy.doc().get_changes(&[]);
    batch.extend(after);
    let got = cyd.receive(batch);
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    assert_eq!(got.refused[0].reason, Violation::Removed);
}

#[test]
fn a_member_cannot_vouch_for_unsigned_changes_of_their_own() {
    // In a community created with signatures, Bob writes an unsigned change that makes
    // him coordinator and "seals" it with his key.
    let mut w = world(24);
    let me = w.bob.me();
    let doc = w.bob.copy.doc_mut();
    doc.set_actor(copse_core::automerge::ActorId::from([7u8; 16]));
    let mut tx = doc.transaction();
    let members = obj(&tx, &ROOT, "members");
    let entry = obj(&tx, &members, me.as_str());
    tx.put(&entry, "role", "coordinator").unwrap();
    tx.commit();
    w.bob.copy.sign_as(w.bob.signer.clone(), &mut w.rng);
    let hash = w
        .bob
        .copy
        .doc_mut()
        .empty_commit(CommitOptions::default().with_message(copse_core::guard::SEAL_MESSAGE));
    sign_raw(w.bob.copy.doc_mut(), &w.bob.signer, hash);
    let (_, refused) = reloaded(&w.bob.copy);
    assert_eq!(refused[0].reason, Violation::Unsigned, "{refused:?}");
}

#[test]
fn one_admission_change_cannot_use_a_single_use_invite_twice() {
    let mut w = world(25);
    let (invite, _, ch) = w.bob.invite(&mut w.rng, T0 + 5, 1);
    assert_eq!(w.ada.receive(ch).refused, vec![]);
    let (x, y) = (Signer::random(&mut w.rng), Signer::random(&mut w.rng));
    let attack = w.bob.raw("admit", |tx| {
        let invites = obj(tx, &ROOT, "invites");
        let inv = obj(tx, &invites, invite.as_str());
        let used = obj(tx, &inv, "used_by");
        let members = obj(tx, &ROOT, "members");
        for (i, m) in [x.member(), y.member()].into_iter().enumerate() {
            tx.insert(&used, i, m.as_str()).unwrap();
            let e = tx.put_object(&members, m.as_str(), ObjType::Map).unwrap();
            tx.put(&e, "role", "member").unwrap();
            tx.put(&e, "removed_at", ScalarValue::Null).unwrap();
        }
    });
    let got = w.ada.receive(attack);
    assert!(matches!(got.refused[0].reason, Violation::BadAdmission(_)));
}

#[test]
fn an_article_cannot_be_deleted_or_overwritten() {
    let mut w = world(26);
    let (created, ch) = w.ada.run(
        &mut w.rng,
        T0 + 5,
        Command::CreateArticle {
            title: "Spans".into(),
            body: "text".into(),
            tags: vec![],
        },
    );
    assert_eq!(w.bob.receive(ch).refused, vec![]);
    let Some(Created::Article(a)) = created else {
        panic!()
    };
    let attack = w.bob.raw("edit_article", |tx| {
        let articles = obj(tx, &ROOT, "articles");
        tx.delete(&articles, a.as_str()).unwrap();
    });
    refused_by_ada(
        &mut w,
        attack,
        Violation::Immutable("an article's record".into()),
    );
}

#[test]
fn a_strangers_signature_change_does_not_displace_the_real_one() {
    let mut w = world(27);
    let (_, mut changes) = w.bob.run(
        &mut w.rng,
        T0 + 5,
        Command::Reply {
            thread: w.thread.clone(),
            body: "mine".into(),
        },
    );
    // Mallory makes her own "signature change" for Bob's change and sends it first.
    let mallory = Signer::random(&mut w.rng);
    let mut scratch = Automerge::new();
    scratch.set_actor(mallory.actor(&mut w.rng));
    let fake = signature_change(&changes[0], &mallory.sign(&changes[0].hash()));
    changes.insert(0, fake);
    let got = w.ada.receive(changes);
    assert_eq!(got.refused, vec![]);
    assert_eq!(w.ada.copy.doc().get_heads(), w.bob.copy.doc().get_heads());
}

#[test]
fn any_member_flags_a_good_first_task_but_only_with_a_bool() {
    let mut w = world(11);
    let (created, changes) = w.ada.run(
        &mut w.rng,
        T0 + 10,
        Command::CreateTask {
            title: "Label the samples".into(),
            description: String::new(),
            assignee: None,
            due: None,
            good_first: false,
        },
    );
    assert_eq!(w.bob.receive(changes).refused, vec![]);
    let Some(Created::Task(task)) = created else {
        panic!("{created:?}")
    };
    // Bob, not its creator, flags it: accepted by Ada.
    let (_, changes) = w.bob.run(
        &mut w.rng,
        T0 + 11,
        Command::SetGoodFirstTask {
            task: task.clone(),
            good_first: true,
        },
    );
    assert_eq!(w.ada.receive(changes).refused, vec![]);
    // A flag that is not a Bool is refused.
    let attack = w.bob.raw("set_good_first_task", |tx| {
        let tasks = obj(tx, &ROOT, "tasks");
        let t = obj(tx, &tasks, task.as_str());
        tx.put(&t, "good_first", "very").unwrap();
    });
    refused_by_ada(&mut w, attack, Violation::Immutable("a task".into()));
}

#[test]
fn a_story_is_written_only_by_its_teller() {
    let mut w = world(12);
    let thread = w.thread.clone();
    let (_, changes) = w.bob.run(
        &mut w.rng,
        T0 + 10,
        Command::ShareStory {
            text: "It held.".into(),
            thread: Some(thread),
            post: None,
            event: None,
        },
    );
    assert_eq!(w.ada.receive(changes).refused, vec![], "his own entry");
    // Bob edits Ada's entry to put words in her mouth: refused.
    let ada = w.ada.me();
    let attack = w.bob.raw("share_story", |tx| {
        let members = obj(tx, &ROOT, "members");
        let entry = obj(tx, &members, ada.as_str());
        tx.put_object(&entry, "stories", ObjType::Map).unwrap();
    });
    refused_by_ada(&mut w, attack, Violation::OthersRecord("details".into()));
}

#[test]
fn an_admission_cannot_tell_stories_in_the_newcomers_name() {
    let mut w = world(26);
    let (invite, secret, ch) = w.bob.invite(&mut w.rng, T0 + 5, 1);
    assert_eq!(w.ada.receive(ch).refused, vec![]);
    let x = Signer::random(&mut w.rng);
    // A proper proof: what is judged is the stories.
    use copse_core::admission_proof::AdmissionProof;
    let proof = AdmissionProof::sign(&secret, &x, w.ada.copy.id(), &invite);
    let thread = w.thread.clone();
    let attack = w.bob.raw("admit", |tx| {
        let invites = obj(tx, &ROOT, "invites");
        let inv = obj(tx, &invites, invite.as_str());
        let used = obj(tx, &inv, "used_by");
        let members = obj(tx, &ROOT, "members");
        tx.insert(&used, 0, x.member().as_str()).unwrap();
        let e = tx
            .put_object(&members, x.member().as_str(), ObjType::Map)
            .unwrap();
        tx.put(&e, "role", "member").unwrap();
        tx.put(&e, "removed_at", ScalarValue::Null).unwrap();
        tx.put(&e, "invite_sig", AdmissionProof::text(&proof.invite_sig))
            .unwrap();
        tx.put(&e, "consent_sig", AdmissionProof::text(&proof.consent_sig))
            .unwrap();
        let stories = tx.put_object(&e, "stories", ObjType::Map).unwrap();
        let s = tx
            .put_object(&stories, "0123456789abcdefghijklmnop", ObjType::Map)
            .unwrap();
        tx.put(&s, "text", "Bob's answers changed my life.")
            .unwrap();
        tx.put(&s, "thread", thread.as_str()).unwrap();
    });
    refused_by_ada(&mut w, attack, Violation::OthersRecord("details".into()));
}

/// A device judges its own edit by the rules every device applies before keeping it
/// (`Community::apply` does, after each command): an honest edit passes, a forged one is
/// refused for the reason its peers would give.
#[test]
fn a_devices_own_edit_is_judged_by_the_same_rules_as_everyone_elses() {
    let mut w = world(27);
    let (_, honest) = w.bob.run(
        &mut w.rng,
        T0 + 10,
        Command::Reply {
            thread: w.thread.clone(),
            body: "About 12 m.".into(),
        },
    );
    assert_eq!(
        copse_core::guard::judge_own(w.bob.copy.doc(), &honest[0]),
        Ok(())
    );
    let t = w.thread.clone();
    let forged = w.bob.raw("edit_post", |tx| {
        let posts = posts_of(tx, &t);
        let (_, first) = tx.get(&posts, 0).unwrap().unwrap();
        tx.put(&first, "body", "Ada says: anything goes").unwrap();
    });
    assert_eq!(
        copse_core::guard::judge_own(w.bob.copy.doc(), &forged[0]),
        Err(Violation::OthersRecord("post".into()))
    );
}
