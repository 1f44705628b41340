//! Property: any commands on 3 replicas, merged in any order, converge; refused commands
//! leave their replica unchanged.

#![allow(clippy::unwrap_used)]

mod fixture;

use copse_core::automerge::Automerge;
use copse_core::record::{ObjectiveStatus, Role, Rsvp, TaskStatus, ThreadKind};
use copse_core::view::{articles, events, members, tasks, threads};
use copse_core::{Command, Community, MemberId, Timestamp};
use fixture::{Fixture, HOUR};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// A command in the abstract; ids are picked from what the replica sees when it runs.
#[derive(Debug, Clone)]
enum Op {
    Start {
        question: bool,
        title: String,
        tag: u8,
    },
    Reply {
        pick: usize,
        body: String,
    },
    Edit {
        pick: usize,
        post: usize,
        body: String,
    },
    Accept {
        pick: usize,
        post: usize,
    },
    Promote {
        pick: usize,
    },
    ArticleEdit {
        pick: usize,
        body: String,
    },
    ArticleSplice {
        pick: usize,
        pos: usize,
        delete: usize,
        insert: String,
    },
    Event {
        offset_h: i64,
    },
    Rsvp {
        pick: usize,
        answer: u8,
    },
    Attend {
        pick: usize,
        who: usize,
    },
    Notes {
        pick: usize,
        text: String,
    },
    Task {
        title: String,
        who: Option<usize>,
    },
    Move {
        pick: usize,
        status: u8,
    },
    Resource {
        title: String,
        url: bool,
    },
    Norms {
        text: String,
    },
    Objective {
        text: String,
    },
    ObjectiveStatus {
        pick: usize,
        status: u8,
    },
    Details {
        org: String,
    },
    Role {
        who: usize,
        coordinator: bool,
    },
    Merge {
        from: usize,
    },
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[a-z ]{1,12}", "[a-zé ✓]{1,6}"]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<bool>(), text(), 0u8..3).prop_map(|(question, title, tag)| Op::Start {
            question,
            title,
            tag
        }),
        (any::<usize>(), text()).prop_map(|(pick, body)| Op::Reply { pick, body }),
        (any::<usize>(), 0usize..4, text()).prop_map(|(pick, post, body)| Op::Edit {
            pick,
            post,
            body
        }),
        (any::<usize>(), 0usize..4).prop_map(|(pick, post)| Op::Accept { pick, post }),
        any::<usize>().prop_map(|pick| Op::Promote { pick }),
        (any::<usize>(), text()).prop_map(|(pick, body)| Op::ArticleEdit { pick, body }),
        (any::<usize>(), 0usize..8, 0usize..3, text()).prop_map(|(pick, pos, delete, insert)| {
            Op::ArticleSplice {
                pick,
                pos,
                delete,
                insert,
            }
        }),
        (-3i64..6).prop_map(|offset_h| Op::Event { offset_h }),
        (any::<usize>(), 0u8..3).prop_map(|(pick, answer)| Op::Rsvp { pick, answer }),
        (any::<usize>(), 0usize..3).prop_map(|(pick, who)| Op::Attend { pick, who }),
        (any::<usize>(), text()).prop_map(|(pick, text)| Op::Notes { pick, text }),
        (text(), proptest::option::of(0usize..4)).prop_map(|(title, who)| Op::Task { title, who }),
        (any::<usize>(), 0u8..3).prop_map(|(pick, status)| Op::Move { pick, status }),
        (text(), any::<bool>()).prop_map(|(title, url)| Op::Resource { title, url }),
        text().prop_map(|text| Op::Norms { text }),
        text().prop_map(|text| Op::Objective { text }),
        (any::<usize>(), 0u8..4).prop_map(|(pick, status)| Op::ObjectiveStatus { pick, status }),
        text().prop_map(|org| Op::Details { org }),
        (0usize..3, any::<bool>()).prop_map(|(who, coordinator)| Op::Role { who, coordinator }),
        (0usize..3).prop_map(|from| Op::Merge { from }),
        (0usize..3).prop_map(|from| Op::Merge { from }),
    ]
}

fn pick<T: Clone>(items: &[T], i: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[i % items.len()].clone())
}

struct Replica {
    community: Community,
    me: MemberId,
    rng: StdRng,
}

/// Turns an abstract op into a command against what `r` sees now.
fn concretize(r: &Replica, all: &[MemberId], op: &Op, now: Timestamp) -> Option<Command> {
    let doc = r.community.doc();
    let thread_ids: Vec<_> = threads::thread_page(
        doc,
        &threads::ThreadQuery {
            limit: 1000,
            ..Default::default()
        },
    )
    .threads
    .into_iter()
    .map(|t| t.id)
    .collect();
    let article_ids: Vec<_> = articles::article_list(doc, None)
        .into_iter()
        .map(|a| a.id)
        .collect();
    let event_ids: Vec<_> = events::all_events(doc).into_iter().map(|e| e.id).collect();
    let board = tasks::task_board(doc);
    let task_ids: Vec<_> = board
        .todo
        .iter()
        .chain(&board.doing)
        .chain(&board.done)
        .map(|t| t.id.clone())
        .collect();
    let post_of = |thread: &copse_core::ThreadId, i: usize| {
        threads::thread(doc, thread)
            .and_then(|t| pick(&t.thread.posts, i))
            .map(|p| p.id)
    };
    Some(match op.clone() {
        Op::Start {
            question,
            title,
            tag,
        } => Command::StartThread {
            kind: if question {
                ThreadKind::Question
            } else {
                ThreadKind::Discussion
            },
            title,
            body: "opening".into(),
            tags: vec![format!("tag{tag}")],
        },
        Op::Reply { pick: p, body } => Command::Reply {
            thread: pick(&thread_ids, p)?,
            body,
        },
        Op::Edit {
            pick: p,
            post,
            body,
        } => {
            let thread = pick(&thread_ids, p)?;
            Command::EditPost {
                post: post_of(&thread, post)?,
                thread,
                body,
            }
        }
        Op::Accept { pick: p, post } => {
            let thread = pick(&thread_ids, p)?;
            Command::AcceptAnswer {
                post: post_of(&thread, post),
                thread,
            }
        }
        Op::Promote { pick: p } => Command::PromoteToArticle {
            thread: pick(&thread_ids, p)?,
            title: None,
        },
        Op::ArticleEdit { pick: p, body } => Command::EditArticle {
            article: pick(&article_ids, p)?,
            body,
            base: None,
        },
        Op::ArticleSplice {
            pick: p,
            pos,
            delete,
            insert,
        } => Command::SpliceArticle {
            article: pick(&article_ids, p)?,
            pos,
            delete,
            insert,
        },
        Op::Event { offset_h } => {
            let starts_at = now.plus_millis(offset_h * HOUR);
            Command::CreateEvent {
                title: "meetup".into(),
                description: String::new(),
                starts_at,
                ends_at: starts_at.plus_millis(HOUR),
                place: "hall".into(),
                zone: None,
            }
        }
        Op::Rsvp { pick: p, answer } => Command::Rsvp {
            event: pick(&event_ids, p)?,
            answer: Rsvp::ALL[answer as usize],
        },
        Op::Attend { pick: p, who } => Command::RecordAttendance {
            event: pick(&event_ids, p)?,
            member: all[who].clone(),
            present: true,
        },
        Op::Notes { pick: p, text } => Command::EditEventNotes {
            event: pick(&event_ids, p)?,
            notes: text,
            base: None,
        },
        Op::Task { title, who } => Command::CreateTask {
            title,
            description: String::new(),
            assignee: who.and_then(|w| all.get(w).cloned()),
            due: None,
            good_first: false,
        },
        Op::Move { pick: p, status } => Command::MoveTask {
            task: pick(&task_ids, p)?,
            status: TaskStatus::ALL[status as usize],
        },
        Op::Resource { title, url } => Command::AddResource {
            title,
            url: url.then(|| "https://example.org".to_owned()),
            description: String::new(),
            tags: vec![],
        },
        Op::Norms { text } => Command::UpdateProfile {
            name: None,
            domain: None,
            norms: Some(text),
        },
        Op::Objective { text } => Command::AddObjective { text },
        Op::ObjectiveStatus { pick: p, status } => {
            let objectives = r.community.profile().objectives;
            Command::SetObjective {
                id: pick(&objectives, p)?.id,
                text: None,
                status: Some(ObjectiveStatus::ALL[status as usize]),
            }
        }
        Op::Details { org } => {
            let mut d = fixture::details("Someone");
            d.organisation = org;
            Command::UpdateMyDetails(d)
        }
        Op::Role { who, coordinator } => Command::SetRole {
            member: all[who].clone(),
            role: if coordinator {
                Role::Coordinator
            } else {
                Role::Member
            },
        },
        Op::Merge { .. } => return None,
    })
}

fn merge(into: &mut Replica, from: &Automerge) {
    let mut other = from.clone();
    into.community.doc_mut().merge(&mut other).unwrap();
}

fn views(c: &Community) -> String {
    let doc = c.doc();
    let page = threads::thread_page(
        doc,
        &threads::ThreadQuery {
            limit: 1000,
            ..Default::default()
        },
    );
    let dir = members::directory(
        doc,
        &members::MemberFilter {
            include_removed: true,
            ..Default::default()
        },
    );
    serde_json::to_string(&(
        c.snapshot(),
        page,
        dir,
        events::upcoming_events(doc, Timestamp(0)),
    ))
    .unwrap()
}

fn run(seed: u64, ops: Vec<(usize, Op)>) {
    let f = Fixture::new(seed);
    let all = vec![f.ada.clone(), f.bob.clone(), f.cyd.clone()];
    let saved = f.community.doc().save();
    let mut replicas: Vec<Replica> = all
        .iter()
        .enumerate()
        .map(|(i, m)| Replica {
            community: Community::load(&saved).unwrap(),
            me: m.clone(),
            rng: StdRng::seed_from_u64(seed.wrapping_mul(31).wrapping_add(i as u64)),
        })
        .collect();
    let mut now = f.now;
    for (who, op) in ops {
        now = now.plus_millis(10 * 60_000);
        if let Op::Merge { from } = op {
            if from != who {
                let other = replicas[from].community.doc().clone();
                merge(&mut replicas[who], &other);
            }
            continue;
        }
        let Some(cmd) = concretize(&replicas[who], &all, &op, now) else {
            continue;
        };
        let r = &mut replicas[who];
        let heads = r.community.doc().get_heads();
        let changes = r.community.doc().get_changes_meta(&[]).len();
        let me = r.me.clone();
        match r.community.apply(&me, now, &mut r.rng, cmd.clone()) {
            Ok(applied) => {
                let after = r.community.doc().get_changes_meta(&[]).len();
                assert!(
                    after - changes <= 1,
                    "{cmd:?} made {} commits",
                    after - changes
                );
                assert_eq!(applied.heads_before, heads);
            }
            Err(e) => {
                assert_eq!(
                    r.community.doc().get_heads(),
                    heads,
                    "refused {cmd:?} ({e}) changed the document"
                );
                assert_eq!(r.community.doc().get_changes_meta(&[]).len(), changes);
            }
        }
    }
    // Everyone hears from everyone.
    for (a, b) in [(0, 1), (0, 2), (1, 0), (2, 0)] {
        let other = replicas[b].community.doc().clone();
        merge(&mut replicas[a], &other);
    }
    let heads: Vec<_> = replicas
        .iter()
        .map(|r| {
            let mut h = r.community.doc().get_heads();
            h.sort();
            h
        })
        .collect();
    assert_eq!(heads[0], heads[1]);
    assert_eq!(heads[0], heads[2]);
    let v0 = views(&replicas[0].community);
    for r in &replicas[1..] {
        assert_eq!(views(&r.community), v0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge(seed in any::<u64>(), ops in proptest::collection::vec((0usize..3, op()), 1..80)) {
        run(seed, ops);
    }
}
