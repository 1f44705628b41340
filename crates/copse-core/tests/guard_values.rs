//! Every value a member may write has a type, an enum, a size and, for a list or text, a
//! length: a modified client that writes past them is refused by every honest device, so
//! no record vanishes behind a retyped field and no field grows past what devices carry.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use copse_core::automerge::transaction::Transactable;
use copse_core::automerge::{Change, ObjType, ROOT, ScalarValue};
use copse_core::guard::Violation;
use copse_core::record_mint::{Mint, minted_thread};
use copse_core::schema::{ARTICLES, MEMBERS, TASKS, THREADS, field, limits};
use copse_core::{Command, Created, PostId};
use guard_world::{T0, World, obj, posts_of, world};

/// Bob's change reaches Ada and is refused; `why` says how.
fn refused(w: &mut World, attack: Vec<Change>, why: impl Fn(&Violation) -> bool) {
    let heads = w.ada.copy.doc().get_heads();
    let got = w.ada.receive(attack);
    assert!(got.applied.is_empty(), "applied {:?}", got.applied);
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    assert!(why(&got.refused[0].reason), "{:?}", got.refused[0].reason);
    assert_eq!(w.ada.copy.doc().get_heads(), heads);
}

fn malformed(v: &Violation) -> bool {
    matches!(v, Violation::Malformed(_))
}

/// Bob makes a record with `cmd`, and Ada takes it.
fn made_by_bob(w: &mut World, cmd: Command) -> Created {
    let (created, changes) = w.bob.run(&mut w.rng, T0 + 10, cmd);
    assert_eq!(w.ada.receive(changes).refused, vec![]);
    created.unwrap()
}

#[test]
fn an_articles_title_written_as_a_number_is_refused() {
    let mut w = world(41);
    let Created::Article(article) = made_by_bob(
        &mut w,
        Command::CreateArticle {
            title: "Glulam".into(),
            body: "Spans.".into(),
            tags: vec![],
        },
    ) else {
        panic!()
    };
    let attack = w.bob.raw("set_article_meta", |tx| {
        let articles = obj(tx, &ROOT, ARTICLES);
        let a = obj(tx, &articles, article.as_str());
        tx.put(&a, field::TITLE, ScalarValue::Int(7)).unwrap();
    });
    refused(&mut w, attack, malformed);
}

#[test]
fn a_task_status_no_enum_has_is_refused() {
    let mut w = world(42);
    let Created::Task(task) = made_by_bob(
        &mut w,
        Command::CreateTask {
            title: "Order beams".into(),
            description: String::new(),
            assignee: None,
            due: None,
            good_first: false,
        },
    ) else {
        panic!()
    };
    let attack = w.bob.raw("move_task", |tx| {
        let tasks = obj(tx, &ROOT, TASKS);
        let t = obj(tx, &tasks, task.as_str());
        tx.put(&t, field::STATUS, "abandoned").unwrap();
    });
    refused(&mut w, attack, malformed);
}

#[test]
fn a_new_threads_tags_written_as_a_map_are_refused() {
    let mut w = world(43);
    let bob = w.bob.me();
    let mint = Mint::for_next_change(w.bob.copy.doc());
    let id = minted_thread(T0 + 5, mint.next());
    let post = PostId::from_bytes(mint.next());
    let attack = w.bob.raw("start_thread", |tx| {
        let threads = obj(tx, &ROOT, THREADS);
        let t = tx.put_object(&threads, id.as_str(), ObjType::Map).unwrap();
        tx.put(&t, field::KIND, "discussion").unwrap();
        tx.put(&t, field::TITLE, "Joints").unwrap();
        tx.put(&t, field::AUTHOR, bob.as_str()).unwrap();
        tx.put(&t, field::CREATED_AT, T0 + 5).unwrap();
        tx.put_object(&t, field::TAGS, ObjType::Map).unwrap();
        tx.put(&t, field::ACCEPTED_POST, ScalarValue::Null).unwrap();
        let posts = tx.put_object(&t, field::POSTS, ObjType::List).unwrap();
        let p = tx.insert_object(&posts, 0, ObjType::Map).unwrap();
        tx.put(&p, field::ID, post.as_str()).unwrap();
        tx.put(&p, field::AUTHOR, bob.as_str()).unwrap();
        tx.put(&p, field::BODY, "Dovetails?").unwrap();
    });
    refused(&mut w, attack, malformed);
}

#[test]
fn a_post_longer_than_the_schema_allows_is_refused() {
    let mut w = world(44);
    let t = w.thread.clone();
    let bob = w.bob.me();
    let body = "x".repeat(limits::BODY + 1);
    let post = PostId::from_bytes(Mint::for_next_change(w.bob.copy.doc()).next());
    let attack = w.bob.raw("reply", |tx| {
        let posts = posts_of(tx, &t);
        let p = tx.insert_object(&posts, 1, ObjType::Map).unwrap();
        tx.put(&p, field::ID, post.as_str()).unwrap();
        tx.put(&p, field::AUTHOR, bob.as_str()).unwrap();
        tx.put(&p, field::BODY, body.as_str()).unwrap();
        tx.put(&p, field::CREATED_AT, T0 + 5).unwrap();
        tx.put(&p, field::EDITED_AT, ScalarValue::Null).unwrap();
    });
    refused(&mut w, attack, malformed);
}

#[test]
fn more_addresses_than_a_member_may_advertise_are_refused() {
    let mut w = world(45);
    let bob = w.bob.me();
    // Up to the bound is what an honest device writes.
    let (_, honest) = w.bob.run(
        &mut w.rng,
        T0 + 20,
        Command::SetMyAddrs {
            addrs: (0..limits::ADDRS)
                .map(|i| format!("/ip4/127.0.0.1/tcp/{}", 2000 + i))
                .collect(),
        },
    );
    assert_eq!(w.ada.receive(honest).refused, vec![]);
    let attack = w.bob.raw("set_my_addrs", |tx| {
        let members = obj(tx, &ROOT, MEMBERS);
        let me = obj(tx, &members, bob.as_str());
        let addrs = obj(tx, &me, field::ADDRS);
        for i in 0..300 {
            tx.insert(&addrs, 0, format!("/ip4/127.0.0.1/tcp/{}", 1000 + i))
                .unwrap();
        }
    });
    refused(&mut w, attack, |v| matches!(v, Violation::TooLarge(_)));
}

#[test]
fn a_counter_inside_a_new_record_is_refused() {
    let mut w = world(46);
    let bob = w.bob.me();
    let task = copse_core::TaskId::from_bytes(Mint::for_next_change(w.bob.copy.doc()).next());
    let attack = w.bob.raw("create_task", |tx| {
        let tasks = obj(tx, &ROOT, TASKS);
        let t = tx.put_object(&tasks, task.as_str(), ObjType::Map).unwrap();
        tx.put(&t, field::TITLE, "Count").unwrap();
        tx.put(&t, field::DESCRIPTION, "").unwrap();
        tx.put(&t, field::STATUS, "todo").unwrap();
        tx.put(&t, field::ASSIGNEE, ScalarValue::Null).unwrap();
        tx.put(&t, field::DUE, ScalarValue::counter(1)).unwrap();
        tx.put(&t, field::CREATED_BY, bob.as_str()).unwrap();
        tx.put(&t, field::CREATED_AT, T0 + 5).unwrap();
        tx.put(&t, field::GOOD_FIRST, false).unwrap();
        tx.put_object(&t, field::LINKS, ObjType::List).unwrap();
    });
    refused(&mut w, attack, malformed);
}

#[test]
fn a_member_writing_the_communitys_relays_is_refused_and_so_is_a_coordinator_writing_too_many() {
    let mut w = world(47);
    let attack = w.bob.raw("add_relay", |tx| {
        let profile = obj(tx, &ROOT, copse_core::schema::PROFILE);
        let relays = obj(tx, &profile, field::RELAYS);
        tx.insert(&relays, 0, "/ip4/203.0.113.66/tcp/1/p2p/12D3KooWMallory")
            .unwrap();
    });
    refused(&mut w, attack, |v| {
        matches!(v, Violation::CoordinatorsOnly(_))
    });
    let attack = w.ada.raw("add_relay", |tx| {
        let profile = obj(tx, &ROOT, copse_core::schema::PROFILE);
        let relays = obj(tx, &profile, field::RELAYS);
        for i in 0..(limits::RELAYS + 1) {
            tx.insert(
                &relays,
                0,
                format!("/ip4/203.0.113.{i}/tcp/1/p2p/12D3KooWRelay"),
            )
            .unwrap();
        }
    });
    let heads = w.bob.copy.doc().get_heads();
    let got = w.bob.receive(attack);
    assert!(got.applied.is_empty(), "applied {:?}", got.applied);
    assert!(
        matches!(got.refused[0].reason, Violation::TooLarge(_)),
        "{:?}",
        got.refused
    );
    assert_eq!(w.bob.copy.doc().get_heads(), heads);
}
