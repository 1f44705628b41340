//! A field of the wrong type or outside its enum (written before the guard typed every
//! value, or by hand into a file) hides only that field: the record still shows, with the
//! field's default.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fixture;

use copse_core::automerge::transaction::Transactable;
use copse_core::automerge::{ObjType, ROOT, ReadDoc, ScalarValue, Value};
use copse_core::record::{TaskStatus, ThreadKind};
use copse_core::schema::{MEMBERS, TASKS, THREADS, field};
use copse_core::view::{members, tasks, threads};
use copse_core::{Command, Created};
use fixture::Fixture;

fn obj(
    doc: &impl ReadDoc,
    parent: &copse_core::automerge::ObjId,
    key: &str,
) -> copse_core::automerge::ObjId {
    match doc.get(parent, key).unwrap().unwrap() {
        (Value::Object(_), id) => id,
        other => panic!("{key}: {other:?}"),
    }
}

#[test]
fn a_task_with_a_numeric_title_and_an_unknown_status_still_shows() {
    let mut f = Fixture::new(71);
    let ada = f.ada.clone();
    let Some(Created::Task(id)) = f
        .run(
            &ada,
            Command::CreateTask {
                title: "Order beams".into(),
                description: "From the mill".into(),
                assignee: None,
                due: None,
                good_first: false,
            },
        )
        .unwrap()
    else {
        panic!()
    };
    let doc = f.t.community.doc_mut();
    let mut tx = doc.transaction();
    let tasks_map = obj(&tx, &ROOT, TASKS);
    let t = obj(&tx, &tasks_map, id.as_str());
    tx.put(&t, field::TITLE, ScalarValue::Int(7)).unwrap();
    tx.put(&t, field::STATUS, "abandoned").unwrap();
    tx.commit();
    let task = tasks::task(f.t.community.doc(), &id).expect("the task still shows");
    assert_eq!(task.title, "");
    assert_eq!(task.status, TaskStatus::Todo);
    assert_eq!(task.description, "From the mill");
    assert!(
        tasks::task_board(f.t.community.doc())
            .todo
            .iter()
            .any(|c| c.id == id)
    );
}

#[test]
fn a_thread_whose_tags_are_a_map_and_kind_unknown_still_shows() {
    let mut f = Fixture::new(72);
    let ada = f.ada.clone();
    let id = f.t.thread(
        &ada,
        ThreadKind::Question,
        "Joints",
        "Dovetails or tenons?",
        &["joinery"],
    );
    let doc = f.t.community.doc_mut();
    let mut tx = doc.transaction();
    let threads_map = obj(&tx, &ROOT, THREADS);
    let t = obj(&tx, &threads_map, id.as_str());
    tx.put_object(&t, field::TAGS, ObjType::Map).unwrap();
    tx.put(&t, field::KIND, "rant").unwrap();
    tx.commit();
    let view = threads::thread(f.t.community.doc(), &id).expect("the thread still shows");
    assert_eq!(view.thread.title, "Joints");
    assert_eq!(view.thread.kind, ThreadKind::Discussion);
    assert!(view.thread.tags.is_empty());
    assert_eq!(view.thread.posts.len(), 1);
    let page = threads::thread_page(f.t.community.doc(), &threads::ThreadQuery::default());
    assert!(page.threads.iter().any(|t| t.id == id), "listed too");
}

#[test]
fn a_member_whose_skills_hold_a_number_keeps_the_rest() {
    let mut f = Fixture::new(73);
    let bob = f.bob.clone();
    let doc = f.t.community.doc_mut();
    let mut tx = doc.transaction();
    let members_map = obj(&tx, &ROOT, MEMBERS);
    let m = obj(&tx, &members_map, bob.as_str());
    let skills = obj(&tx, &m, field::SKILLS);
    tx.insert(&skills, 0, ScalarValue::Int(3)).unwrap();
    tx.put(&m, field::BIO, ScalarValue::Boolean(true)).unwrap();
    tx.commit();
    let member = members::read_member(f.t.community.doc(), &bob).expect("still a member");
    assert_eq!(member.name, "Bob");
    assert_eq!(member.bio, "");
    assert_eq!(member.skills, vec!["rust".to_owned(), "bob".to_owned()]);
}

/// Each change is held to a list's bound at its own deps, but two made concurrently (two
/// forks of one member's devices) can merge past it: readers take the first ones.
#[test]
fn lists_merged_past_their_bound_read_as_their_first_entries() {
    let mut f = Fixture::new(74);
    let bob = f.bob.clone();
    let doc = f.t.community.doc_mut();
    let mut tx = doc.transaction();
    let members_map = obj(&tx, &ROOT, MEMBERS);
    let m = obj(&tx, &members_map, bob.as_str());
    let addrs = obj(&tx, &m, field::ADDRS);
    for i in 0..32 {
        tx.insert(&addrs, i, format!("/ip4/127.0.0.1/tcp/{}", 4000 + i))
            .unwrap();
    }
    let skills = obj(&tx, &m, field::SKILLS);
    for i in 0..30 {
        tx.insert(&skills, 0, format!("skill{i}")).unwrap();
    }
    tx.commit();
    let member = members::read_member(f.t.community.doc(), &bob).unwrap();
    assert_eq!(member.addrs.len(), copse_core::schema::limits::ADDRS);
    assert_eq!(member.addrs[0], "/ip4/127.0.0.1/tcp/4000");
    assert_eq!(member.skills.len(), copse_core::schema::limits::TAGS);
}
