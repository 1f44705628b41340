//! A removed coordinator writes on her copy from before the removal: she demotes the
//! coordinator who removed her, promotes an accomplice, renames the community. Each change
//! passes at its own deps (she was a coordinator there) and every device applies it; none
//! of it counts, in any view or rule: the removal fixed what stands of her.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use copse_core::Command;
use copse_core::automerge::ROOT;
use copse_core::automerge::transaction::Transactable;
use copse_core::guard::Violation;
use copse_core::record::Role;
use copse_core::schema::{MEMBERS, PROFILE, field};
use copse_core::view::members::read_member;
use guard_world::{T0, newcomer, obj, world};

#[test]
fn roles_and_profile_a_removed_coordinator_writes_on_a_fork_do_not_count() {
    let mut w = world(611);
    let ada = w.ada.me();
    let bob = w.bob.me();
    w.bob_made_coordinator(T0 + 2);
    let mut cyd = newcomer(&mut w, "Cyd");
    let all = w.ada.copy.doc().get_changes(&[]);
    w.bob.receive(all);
    let before_removal = w.bob.copy.doc().get_heads();
    let (_, removal) = w.ada.run(
        &mut w.rng,
        T0 + 10,
        Command::RemoveMember {
            member: bob.clone(),
        },
    );
    cyd.receive(removal.clone());
    // On his copy from before the removal: Ada demoted, Cyd promoted, a new name.
    let fork = w.bob.raw_at(&mut w.rng, &before_removal, |tx, _| {
        let members = obj(tx, &ROOT, MEMBERS);
        let a = obj(tx, &members, ada.as_str());
        tx.put(&a, field::ROLE, "member").unwrap();
        let c = obj(tx, &members, cyd.me().as_str());
        tx.put(&c, field::ROLE, "coordinator").unwrap();
        let profile = obj(tx, &ROOT, PROFILE);
        tx.put(&profile, field::NAME, "Bob's guild").unwrap();
        let objectives = obj(tx, &profile, field::OBJECTIVES);
        let o = tx
            .insert_object(&objectives, 0, copse_core::automerge::ObjType::Map)
            .unwrap();
        tx.put(&o, field::ID, "bobs-objective").unwrap();
        tx.put(&o, field::TEXT, "Follow Bob").unwrap();
        tx.put(&o, field::STATUS, "active").unwrap();
    });
    let cyd_id = cyd.me();
    for d in [&mut w.ada, &mut cyd] {
        assert_eq!(d.receive(fork.clone()).refused, vec![]);
        let doc = d.copy.doc();
        assert_eq!(read_member(doc, &ada).unwrap().role, Role::Coordinator);
        assert_eq!(read_member(doc, &cyd_id).unwrap().role, Role::Member);
        assert_ne!(d.copy.profile().name, "Bob's guild");
        assert!(
            !d.copy
                .profile()
                .objectives
                .iter()
                .any(|o| o.text == "Follow Bob"),
            "the objective he added is left out"
        );
    }
    // Twice, on a second fork from the same point: still nothing.
    let again = w.bob.raw_at(&mut w.rng, &before_removal, |tx, _| {
        let members = obj(tx, &ROOT, MEMBERS);
        let a = obj(tx, &members, ada.as_str());
        tx.put(&a, field::ROLE, "member").unwrap();
    });
    assert_eq!(w.ada.receive(again).refused, vec![]);
    assert_eq!(
        read_member(w.ada.copy.doc(), &ada).unwrap().role,
        Role::Coordinator
    );
    // The rules read the same: Cyd cannot act as a coordinator, Ada still can.
    let takeover = cyd.raw("remove_member", |tx| {
        let members = obj(tx, &ROOT, MEMBERS);
        let a = obj(tx, &members, ada.as_str());
        tx.put(&a, field::REMOVED_AT, T0 + 20).unwrap();
    });
    assert!(!takeover.is_empty());
    let got = w.ada.receive(takeover);
    assert!(
        matches!(
            got.refused.first().map(|r| &r.reason),
            Some(Violation::CoordinatorsOnly(_))
        ),
        "{:?}",
        got.refused
    );
    let (_, renamed) = w.ada.run(
        &mut w.rng,
        T0 + 30,
        Command::UpdateProfile {
            name: Some("Timber guild".into()),
            domain: None,
            norms: None,
        },
    );
    assert!(!renamed.is_empty());
    // A later rename by a coordinator who stands shows.
    assert_eq!(w.ada.copy.profile().name, "Timber guild");
}

/// The same for a removed member's edits inside others' records: a task's status, an
/// article's title and the words he adds to it.
#[test]
fn fields_a_removed_member_overwrites_in_others_records_on_a_fork_read_as_they_stood() {
    use copse_core::record::TaskStatus;
    use copse_core::schema::{ARTICLES, TASKS};
    use copse_core::{ArticleId, Created, TaskId};
    let mut w = world(612);
    let bob = w.bob.me();
    let (task, made) = w.ada.run(
        &mut w.rng,
        T0 + 3,
        Command::CreateTask {
            title: "Sharpen the chisels".into(),
            description: String::new(),
            assignee: None,
            due: None,
            good_first: false,
        },
    );
    let Some(Created::Task(task)) = task else {
        panic!("{task:?}")
    };
    let (article, written) = w.ada.run(
        &mut w.rng,
        T0 + 4,
        Command::CreateArticle {
            title: "Joinery".into(),
            body: "Dovetails first.".into(),
            tags: vec![],
        },
    );
    let Some(Created::Article(article)) = article else {
        panic!("{article:?}")
    };
    w.bob.receive(made);
    w.bob.receive(written);
    let before_removal = w.bob.copy.doc().get_heads();
    w.ada.run(
        &mut w.rng,
        T0 + 10,
        Command::RemoveMember {
            member: bob.clone(),
        },
    );
    let (task_key, article_key): (TaskId, ArticleId) = (task.clone(), article.clone());
    let fork = w.bob.raw_at(&mut w.rng, &before_removal, |tx, _| {
        let tasks = obj(tx, &ROOT, TASKS);
        let t = obj(tx, &tasks, task_key.as_str());
        tx.put(&t, field::STATUS, "done").unwrap();
        let articles = obj(tx, &ROOT, ARTICLES);
        let a = obj(tx, &articles, article_key.as_str());
        tx.put(&a, field::TITLE, "Bob was here").unwrap();
        let body = obj(tx, &a, field::BODY);
        tx.splice_text(&body, 0, 0, "BUY NOW ").unwrap();
        let tags = obj(tx, &a, field::TAGS);
        tx.insert(&tags, 0, "spam").unwrap();
    });
    assert_eq!(w.ada.receive(fork).refused, vec![]);
    let doc = w.ada.copy.doc();
    let t = copse_core::view::tasks::task(doc, &task).unwrap();
    assert_eq!(t.status, TaskStatus::Todo);
    let a = copse_core::view::articles::article(doc, &article).unwrap();
    assert_eq!(a.summary.title, "Joinery");
    assert_eq!(
        a.body, "Dovetails first.",
        "the words he added are left out"
    );
    // What Ada writes later shows as usual.
    w.ada.run(
        &mut w.rng,
        T0 + 20,
        Command::MoveTask {
            task: task.clone(),
            status: TaskStatus::Doing,
        },
    );
    let t = copse_core::view::tasks::task(w.ada.copy.doc(), &task).unwrap();
    assert_eq!(t.status, TaskStatus::Doing);
}
