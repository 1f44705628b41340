//! Commands: what they change and what they refuse.

#![allow(clippy::unwrap_used)]

mod fixture;

use copse_core::record::{Role, Rsvp, TaskStatus, ThreadKind};
use copse_core::view::{articles, events, members, tasks, threads};
use copse_core::{Command, CommandError, Community, Created, DocError, Timestamp};
use fixture::{Fixture, HOUR};

fn start(
    f: &mut Fixture,
    who: &copse_core::MemberId,
    kind: ThreadKind,
    title: &str,
) -> copse_core::ThreadId {
    match f
        .run(
            who,
            Command::StartThread {
                kind,
                title: title.into(),
                body: "what do you think?".into(),
                tags: vec!["Glulam".into()],
            },
        )
        .unwrap()
    {
        Some(Created::Thread(id)) => id,
        other => panic!("{other:?}"),
    }
}

fn reply(
    f: &mut Fixture,
    who: &copse_core::MemberId,
    thread: &copse_core::ThreadId,
    body: &str,
) -> copse_core::PostId {
    match f
        .run(
            who,
            Command::Reply {
                thread: thread.clone(),
                body: body.into(),
            },
        )
        .unwrap()
    {
        Some(Created::Post(id)) => id,
        other => panic!("{other:?}"),
    }
}

/// Runs a command that must fail and checks the document did not move.
fn refused(f: &mut Fixture, who: &copse_core::MemberId, cmd: Command) -> CommandError {
    let heads = f.community.doc().get_heads();
    let err = f.run(who, cmd).unwrap_err();
    assert_eq!(
        f.community.doc().get_heads(),
        heads,
        "a refused command changed the document"
    );
    err
}

#[test]
fn question_with_accepted_answer() {
    let mut f = Fixture::new(1);
    let (bob, cyd) = (f.bob.clone(), f.cyd.clone());
    let q = start(&mut f, &bob, ThreadKind::Question, "Which glue for CLT?");
    let a1 = reply(&mut f, &cyd, &q, "PUR works");
    let ada = f.ada.clone();
    let _a2 = reply(&mut f, &ada, &q, "MUF too");
    f.run(
        &bob,
        Command::AcceptAnswer {
            thread: q.clone(),
            post: Some(a1.clone()),
        },
    )
    .unwrap();
    let view = threads::thread(f.community.doc(), &q).unwrap();
    assert_eq!(view.thread.posts.len(), 3);
    assert_eq!(view.accepted().unwrap().body, "PUR works");
    assert_eq!(view.thread.tags, vec!["glulam"]);
    let page = threads::thread_page(f.community.doc(), &threads::ThreadQuery::default());
    assert_eq!(page.threads.len(), 1);
    assert!(page.threads[0].answered);
    assert_eq!(page.threads[0].replies, 2);
}

#[test]
fn accepting_is_for_questions_by_asker_or_coordinator() {
    let mut f = Fixture::new(2);
    let (bob, cyd, ada) = (f.bob.clone(), f.cyd.clone(), f.ada.clone());
    let d = start(&mut f, &bob, ThreadKind::Discussion, "Site visits");
    let p = reply(&mut f, &cyd, &d, "count me in");
    assert_eq!(
        refused(
            &mut f,
            &bob,
            Command::AcceptAnswer {
                thread: d.clone(),
                post: Some(p)
            }
        ),
        CommandError::NotAQuestion
    );
    let q = start(&mut f, &bob, ThreadKind::Question, "Fire rating?");
    let a = reply(&mut f, &cyd, &q, "R60");
    assert_eq!(
        refused(
            &mut f,
            &cyd,
            Command::AcceptAnswer {
                thread: q.clone(),
                post: Some(a.clone())
            }
        ),
        CommandError::NotAskerOrCoordinator
    );
    let opening = threads::thread(f.community.doc(), &q).unwrap().thread.posts[0]
        .id
        .clone();
    assert_eq!(
        refused(
            &mut f,
            &bob,
            Command::AcceptAnswer {
                thread: q.clone(),
                post: Some(opening)
            }
        ),
        CommandError::OpeningPostNotAnAnswer
    );
    // A coordinator may accept on the asker's behalf.
    f.run(
        &ada,
        Command::AcceptAnswer {
            thread: q.clone(),
            post: Some(a),
        },
    )
    .unwrap();
}

#[test]
fn input_is_checked() {
    let mut f = Fixture::new(3);
    let bob = f.bob.clone();
    assert_eq!(
        refused(
            &mut f,
            &bob,
            Command::StartThread {
                kind: ThreadKind::Discussion,
                title: "   ".into(),
                body: "b".into(),
                tags: vec![],
            }
        ),
        CommandError::Empty {
            field: "title".into()
        }
    );
    let unknown: copse_core::ThreadId = "00000000000000000000000000".parse().unwrap();
    assert_eq!(
        refused(
            &mut f,
            &bob,
            Command::Reply {
                thread: unknown.clone(),
                body: "hi".into()
            }
        ),
        CommandError::UnknownThread(unknown)
    );
    assert!(matches!(
        refused(
            &mut f,
            &bob,
            Command::AddResource {
                title: "spec".into(),
                url: Some("not a url".into()),
                description: String::new(),
                tags: vec![],
            }
        ),
        CommandError::InvalidUrl(_)
    ));
}

#[test]
fn only_coordinators_edit_norms_and_roles() {
    let mut f = Fixture::new(4);
    let (bob, ada) = (f.bob.clone(), f.ada.clone());
    assert_eq!(
        refused(
            &mut f,
            &bob,
            Command::UpdateProfile {
                name: None,
                domain: None,
                norms: Some("anything goes".into())
            }
        ),
        CommandError::NotCoordinator {
            action: "edit the norms".into()
        }
    );
    f.run(
        &ada,
        Command::UpdateProfile {
            name: None,
            domain: None,
            norms: Some("cite sources".into()),
        },
    )
    .unwrap();
    assert_eq!(f.community.profile().norms, "cite sources");
    assert_eq!(
        refused(
            &mut f,
            &ada,
            Command::SetRole {
                member: ada.clone(),
                role: Role::Member
            }
        ),
        CommandError::LastCoordinator
    );
    f.run(
        &ada,
        Command::SetRole {
            member: bob.clone(),
            role: Role::Coordinator,
        },
    )
    .unwrap();
    f.run(
        &ada,
        Command::SetRole {
            member: ada.clone(),
            role: Role::Member,
        },
    )
    .unwrap();
    assert!(
        !members::current_member(f.community.doc(), &ada)
            .unwrap()
            .is_coordinator()
    );
}

#[test]
fn removed_members_cannot_edit() {
    let mut f = Fixture::new(5);
    let (ada, cyd) = (f.ada.clone(), f.cyd.clone());
    f.run(
        &ada,
        Command::RemoveMember {
            member: cyd.clone(),
        },
    )
    .unwrap();
    assert!(!f.community.is_member(&cyd));
    assert_eq!(
        refused(
            &mut f,
            &cyd,
            Command::StartThread {
                kind: ThreadKind::Discussion,
                title: "t".into(),
                body: "b".into(),
                tags: vec![]
            }
        ),
        CommandError::Removed
    );
    let stranger = fixture::member("Eve");
    assert_eq!(
        refused(
            &mut f,
            &stranger,
            Command::AddObjective { text: "x".into() }
        ),
        CommandError::NotAMember
    );
}

#[test]
fn invites_are_checked_on_admission() {
    use copse_core::InviteSecret;
    let mut f = Fixture::new(6);
    let ada = f.ada.clone();
    let secret = InviteSecret::random(&mut f.rng);
    let invite = match f
        .run(
            &ada,
            Command::CreateInvite {
                role: Role::Member,
                expires_at: f.now.plus_millis(10 * HOUR),
                max_uses: 1,
                key: secret.public_key_hex(),
            },
        )
        .unwrap()
    {
        Some(Created::Invite(id)) => id,
        other => panic!("{other:?}"),
    };
    // This copy is unsigned, so it does not check the proof (the signed copies of
    // `guard_admissions.rs` do): any key signs it.
    let dan = fixture::member("Dan");
    let community = f.community.id().clone();
    let mut rng = f.rng.clone();
    let mut admit = |secret: InviteSecret, who: &copse_core::MemberId| Command::Admit {
        member: who.clone(),
        details: fixture::details("Dan"),
        invite: invite.clone(),
        proof: Box::new(copse_core::admission_proof::AdmissionProof::sign(
            &secret,
            &copse_core::guard::Signer::random(&mut rng),
            &community,
            &invite,
        )),
    };
    f.run(&ada, admit(secret.clone(), &dan)).unwrap();
    assert!(f.community.is_member(&dan));
    let eve = fixture::member("Eve");
    assert_eq!(
        refused(&mut f, &ada, admit(secret.clone(), &eve)),
        CommandError::InviteUsedUp
    );
    f.tick(11 * HOUR);
    assert!(matches!(
        refused(&mut f, &ada, admit(secret, &eve)),
        CommandError::InviteExpired(_)
    ));
    let inv = members::read_invite(f.community.doc(), &invite).unwrap();
    assert_eq!(inv.used_by, vec![dan.clone()]);
    assert_eq!(
        members::read_member(f.community.doc(), &dan)
            .unwrap()
            .invited_by,
        Some(ada)
    );
}

#[test]
fn events_refuse_late_rsvp_and_early_attendance() {
    let mut f = Fixture::new(7);
    let (bob, ada, cyd) = (f.bob.clone(), f.ada.clone(), f.cyd.clone());
    let starts = f.now.plus_millis(2 * HOUR);
    let ev = match f
        .run(
            &ada,
            Command::CreateEvent {
                title: "Spring meetup".into(),
                description: "talks".into(),
                starts_at: starts,
                ends_at: starts.plus_millis(HOUR),
                place: "Oslo".into(),
                zone: None,
            },
        )
        .unwrap()
    {
        Some(Created::Event(id)) => id,
        other => panic!("{other:?}"),
    };
    f.run(
        &bob,
        Command::Rsvp {
            event: ev.clone(),
            answer: Rsvp::Yes,
        },
    )
    .unwrap();
    assert!(matches!(
        refused(
            &mut f,
            &ada,
            Command::RecordAttendance {
                event: ev.clone(),
                member: bob.clone(),
                present: true
            }
        ),
        CommandError::EventNotStarted(_)
    ));
    f.tick(2 * HOUR);
    assert!(matches!(
        refused(
            &mut f,
            &cyd,
            Command::RecordAttendance {
                event: ev.clone(),
                member: bob.clone(),
                present: true
            }
        ),
        CommandError::NotCoordinator { .. }
    ));
    f.run(
        &ada,
        Command::RecordAttendance {
            event: ev.clone(),
            member: bob.clone(),
            present: true,
        },
    )
    .unwrap();
    f.run(
        &bob,
        Command::EditEventNotes {
            event: ev.clone(),
            notes: "CLT talk slides".into(),
            base: None,
        },
    )
    .unwrap();
    f.tick(2 * HOUR);
    assert!(matches!(
        refused(
            &mut f,
            &cyd,
            Command::Rsvp {
                event: ev.clone(),
                answer: Rsvp::Maybe
            }
        ),
        CommandError::EventOver(_)
    ));
    let view = events::event(f.community.doc(), &ev).unwrap();
    assert_eq!(view.going(), 1);
    assert_eq!(view.attended, vec![bob]);
    assert_eq!(view.notes, "CLT talk slides");
    assert!(events::upcoming_events(f.community.doc(), f.now).is_empty());
    assert_eq!(events::past_events(f.community.doc(), f.now).len(), 1);
    assert_eq!(
        refused(
            &mut f,
            &ada,
            Command::CreateEvent {
                title: "x".into(),
                description: String::new(),
                starts_at: starts,
                ends_at: starts,
                place: String::new(),
                zone: None,
            }
        ),
        CommandError::EndsBeforeStart
    );
}

#[test]
fn task_board_moves() {
    let mut f = Fixture::new(8);
    let (bob, cyd) = (f.bob.clone(), f.cyd.clone());
    let t = match f
        .run(
            &bob,
            Command::CreateTask {
                title: "Write span tables".into(),
                description: String::new(),
                assignee: Some(cyd.clone()),
                due: None,
                good_first: false,
            },
        )
        .unwrap()
    {
        Some(Created::Task(id)) => id,
        other => panic!("{other:?}"),
    };
    f.run(
        &cyd,
        Command::MoveTask {
            task: t.clone(),
            status: TaskStatus::Doing,
        },
    )
    .unwrap();
    f.run(
        &cyd,
        Command::SetTaskDue {
            task: t.clone(),
            due: Some(Timestamp(fixture::T0 + 50 * HOUR)),
        },
    )
    .unwrap();
    let board = tasks::task_board(f.community.doc());
    assert!(board.todo.is_empty());
    assert_eq!(board.doing.len(), 1);
    assert_eq!(board.doing[0].task.assignee, Some(cyd));
    let stranger = fixture::member("Eve");
    assert_eq!(
        refused(
            &mut f,
            &bob,
            Command::AssignTask {
                task: t,
                assignee: Some(stranger.clone())
            }
        ),
        CommandError::UnknownMember(stranger)
    );
}

#[test]
fn article_history_shows_earlier_text() {
    let mut f = Fixture::new(9);
    let (bob, cyd) = (f.bob.clone(), f.cyd.clone());
    let q = start(&mut f, &bob, ThreadKind::Question, "Moisture limits?");
    let a = reply(&mut f, &cyd, &q, "Below 15% at install");
    f.run(
        &bob,
        Command::AcceptAnswer {
            thread: q.clone(),
            post: Some(a),
        },
    )
    .unwrap();
    let art = match f
        .run(
            &bob,
            Command::PromoteToArticle {
                thread: q.clone(),
                title: None,
            },
        )
        .unwrap()
    {
        Some(Created::Article(id)) => id,
        other => panic!("{other:?}"),
    };
    let first = articles::article(f.community.doc(), &art).unwrap();
    assert!(
        first.body.contains("Below 15% at install"),
        "{}",
        first.body
    );
    assert_eq!(first.summary.from_thread, Some(q));
    f.run(
        &cyd,
        Command::EditArticle {
            article: art.clone(),
            body: "Moisture below 15% at installation.".into(),
            base: None,
        },
    )
    .unwrap();
    f.run(
        &bob,
        Command::SpliceArticle {
            article: art.clone(),
            pos: 0,
            delete: 0,
            insert: "Rule: ".into(),
        },
    )
    .unwrap();
    let history = articles::article_history(f.community.doc(), &art);
    assert_eq!(
        history.iter().map(|r| r.cmd.as_str()).collect::<Vec<_>>(),
        ["promote_to_article", "edit_article", "splice_article"]
    );
    assert_eq!(history[1].by, cyd);
    assert_eq!(
        articles::article_text_at(f.community.doc(), &art, &history[0].change).unwrap(),
        first.body
    );
    assert_eq!(
        articles::article_text_at(f.community.doc(), &art, &history[1].change).unwrap(),
        "Moisture below 15% at installation."
    );
    assert_eq!(
        articles::article(f.community.doc(), &art).unwrap().body,
        "Rule: Moisture below 15% at installation."
    );
}

#[test]
fn thread_pages_are_newest_first_and_complete() {
    let mut f = Fixture::new(10);
    let bob = f.bob.clone();
    let mut made = Vec::new();
    for i in 0..25 {
        let kind = if i % 2 == 0 {
            ThreadKind::Question
        } else {
            ThreadKind::Discussion
        };
        made.push(start(&mut f, &bob, kind, &format!("thread {i}")));
    }
    made.reverse();
    let mut seen = Vec::new();
    let mut q = threads::ThreadQuery {
        limit: 7,
        ..Default::default()
    };
    loop {
        let page = threads::thread_page(f.community.doc(), &q);
        seen.extend(page.threads.iter().map(|t| t.id.clone()));
        match page.next {
            Some(next) => q.after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, made);
    let questions = threads::thread_page(
        f.community.doc(),
        &threads::ThreadQuery {
            kind: Some(ThreadKind::Question),
            limit: 100,
            ..Default::default()
        },
    );
    assert_eq!(questions.threads.len(), 13);
}

#[test]
fn directory_filters_by_skill_and_organisation() {
    let f = Fixture::new(11);
    let rust = members::directory(
        f.community.doc(),
        &members::MemberFilter {
            skill: Some("RUST".into()),
            ..Default::default()
        },
    );
    assert_eq!(rust.len(), 3);
    let bob = members::directory(
        f.community.doc(),
        &members::MemberFilter {
            skill: Some("bob".into()),
            ..Default::default()
        },
    );
    assert_eq!(
        bob.iter()
            .map(|m| m.member.name.as_str())
            .collect::<Vec<_>>(),
        ["Bob"]
    );
    let org = members::directory(
        f.community.doc(),
        &members::MemberFilter {
            organisation: Some("cyd org".into()),
            ..Default::default()
        },
    );
    assert_eq!(org.len(), 1);
}

#[test]
fn posts_are_edited_by_their_authors_only() {
    let mut f = Fixture::new(12);
    let (bob, cyd) = (f.bob.clone(), f.cyd.clone());
    let t = start(&mut f, &bob, ThreadKind::Discussion, "Tools");
    let p = reply(&mut f, &cyd, &t, "I use Dlubal");
    assert_eq!(
        refused(
            &mut f,
            &bob,
            Command::EditPost {
                thread: t.clone(),
                post: p.clone(),
                body: "x".into()
            }
        ),
        CommandError::NotYourPost
    );
    f.run(
        &cyd,
        Command::EditPost {
            thread: t.clone(),
            post: p,
            body: "I use RFEM".into(),
        },
    )
    .unwrap();
    let view = threads::thread(f.community.doc(), &t).unwrap();
    assert_eq!(view.thread.posts[1].body, "I use RFEM");
    assert!(view.thread.posts[1].edited_at.is_some());
}

#[test]
fn each_command_is_one_commit_with_author_and_time() {
    let mut f = Fixture::new(13);
    let bob = f.bob.clone();
    let before = f.community.doc().get_changes_meta(&[]).len();
    start(&mut f, &bob, ThreadKind::Discussion, "One commit");
    let metas = f.community.doc().get_changes_meta(&[]);
    assert_eq!(metas.len(), before + 1);
    let last = metas.iter().max_by_key(|m| m.timestamp).unwrap();
    let meta =
        copse_core::commit_meta::CommitMeta::parse(last.message.as_deref().unwrap()).unwrap();
    assert_eq!(meta.by, bob);
    assert_eq!(meta.cmd, "start_thread");
    assert_eq!(last.timestamp, f.now.0);
}

#[test]
fn documents_that_are_not_communities_are_refused() {
    use copse_core::automerge::{Automerge, ROOT, ScalarValue, transaction::Transactable};
    assert!(matches!(
        Community::load(b"definitely not automerge"),
        Err(DocError::NotAutomerge(_))
    ));
    let mut other = Automerge::new();
    other.transact(|tx| tx.put(ROOT, "todo", "milk")).unwrap();
    assert!(matches!(
        Community::load(&other.save()),
        Err(DocError::NotACommunity(_))
    ));
    // A newer schema is reported as such, never misread.
    let f = Fixture::new(14);
    let mut doc = f.community.doc().clone();
    doc.transact(|tx| tx.put(ROOT, "schema_version", ScalarValue::Uint(99)))
        .unwrap();
    match Community::load(&doc.save()) {
        Err(DocError::NewerSchema {
            found: 99,
            supported,
        }) => assert_eq!(supported, copse_core::schema::SCHEMA_VERSION),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_edit_made_on_an_older_version_merges_instead_of_reverting() {
    let mut f = Fixture::new(20);
    let (bob, cyd) = (f.bob.clone(), f.cyd.clone());
    let art = match f
        .run(
            &bob,
            Command::CreateArticle {
                title: "Greeting".into(),
                body: "Hello world".into(),
                tags: vec![],
            },
        )
        .unwrap()
    {
        Some(Created::Article(id)) => id,
        other => panic!("{other:?}"),
    };
    let base: Vec<String> = f
        .community
        .doc()
        .get_heads()
        .iter()
        .map(ToString::to_string)
        .collect();
    // Bob edits the current version.
    f.run(
        &bob,
        Command::EditArticle {
            article: art.clone(),
            body: "Hello brave world".into(),
            base: None,
        },
    )
    .unwrap();
    // Cyd's editor still shows the old version; her edit must not undo Bob's.
    f.run(
        &cyd,
        Command::EditArticle {
            article: art.clone(),
            body: "Hello world!".into(),
            base: Some(base),
        },
    )
    .unwrap();
    assert_eq!(
        articles::article(f.community.doc(), &art).unwrap().body,
        "Hello brave world!"
    );
    let bogus = vec!["00".repeat(32)];
    assert!(matches!(
        refused(
            &mut f,
            &cyd,
            Command::EditArticle {
                article: art,
                body: "x".into(),
                base: Some(bogus)
            }
        ),
        CommandError::Document(_)
    ));
}

#[test]
fn whats_new_and_contributions_come_from_history() {
    use copse_core::view::activity::{contributions, whats_new};
    let mut f = Fixture::new(21);
    let (bob, cyd, ada) = (f.bob.clone(), f.cyd.clone(), f.ada.clone());
    let seen = f.community.doc().get_heads();
    let q = start(&mut f, &bob, ThreadKind::Question, "Fastener spacing?");
    let a = reply(&mut f, &cyd, &q, "See EC5 8.3");
    f.run(
        &bob,
        Command::AcceptAnswer {
            thread: q.clone(),
            post: Some(a),
        },
    )
    .unwrap();
    start(&mut f, &ada, ThreadKind::Discussion, "My own thread");
    let new = whats_new(f.community.doc(), &seen, &ada, 10);
    assert_eq!(
        new.count("start_thread"),
        1,
        "Ada's own thread is not news to her"
    );
    assert_eq!(new.count("reply"), 1);
    assert_eq!(new.count("accept_answer"), 1);
    assert_eq!(new.notable[0].cmd, "accept_answer");
    assert_eq!(new.notable[0].title.as_deref(), Some("Fastener spacing?"));
    let c = contributions(f.community.doc(), &cyd, 10);
    assert_eq!(c.count("reply"), 1);
    assert_eq!(c.count("start_thread"), 0);
}

#[test]
fn a_story_cites_one_thread_or_one_meetup_and_lives_in_its_tellers_entry() {
    let mut f = Fixture::new(21);
    let (ada, bob) = (f.ada.clone(), f.bob.clone());
    let q = start(&mut f, &bob, ThreadKind::Question, "Glue?");
    let answer = reply(&mut f, &ada, &q, "PUR");
    let story = |thread, post, event| Command::ShareStory {
        text: "We glued 40 panels with it; none failed.".into(),
        thread,
        post,
        event,
    };
    // Nothing cited, two things cited, a post without its thread, an unknown thread.
    for (cmd, want) in [
        (story(None, None, None), "one thread or one meetup"),
        (
            story(
                Some(q.clone()),
                None,
                Some(copse_core::EventId::random(&mut f.rng)),
            ),
            "one thread or one meetup",
        ),
        (
            story(None, Some(answer.clone()), None),
            "one thread or one meetup",
        ),
    ] {
        let e = refused(&mut f, &bob, cmd);
        assert!(e.to_string().contains(want), "{e}");
    }
    let unknown = copse_core::ThreadId::new(0, &mut f.rng);
    assert!(matches!(
        refused(&mut f, &bob, story(Some(unknown), None, None)),
        CommandError::UnknownThread(_)
    ));
    let too_long = Command::ShareStory {
        text: "x".repeat(2001),
        thread: Some(q.clone()),
        post: None,
        event: None,
    };
    assert!(matches!(
        refused(&mut f, &bob, too_long),
        CommandError::TooLong { .. }
    ));
    // Bob's story of Ada's answer; a second one by Ada later.
    let created = f
        .run(&bob, story(Some(q.clone()), Some(answer.clone()), None))
        .unwrap();
    assert!(matches!(created, Some(Created::Story(_))));
    f.run(&ada, story(Some(q.clone()), None, None)).unwrap();
    let all = copse_core::view::stories::stories(f.community.doc(), None);
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].by, ada, "newest first");
    assert_eq!(
        (all[1].by.clone(), all[1].post.clone()),
        (bob.clone(), Some(answer))
    );
    assert_eq!(
        copse_core::view::stories::stories(f.community.doc(), Some(&q)).len(),
        2
    );
    let other = start(&mut f, &bob, ThreadKind::Discussion, "Other");
    assert!(copse_core::view::stories::stories(f.community.doc(), Some(&other)).is_empty());
}

#[test]
fn an_event_keeps_its_time_zone() {
    let mut f = Fixture::new(8);
    let ada = f.ada.clone();
    let plan = |zone: Option<&str>| Command::CreateEvent {
        title: "Winter meetup".into(),
        description: String::new(),
        starts_at: Timestamp(1_800_000_000_000),
        ends_at: Timestamp(1_800_000_000_000 + HOUR),
        place: "Oslo".into(),
        zone: zone.map(Into::into),
    };
    assert_eq!(
        refused(&mut f, &ada, plan(Some("Mars/Olympus"))),
        CommandError::UnknownTimeZone("Mars/Olympus".into())
    );
    let Some(Created::Event(id)) = f.run(&ada, plan(Some("Europe/Oslo"))).unwrap() else {
        panic!("no event");
    };
    let e = events::event(f.community.doc(), &id).unwrap();
    assert_eq!(e.zone.as_deref(), Some("Europe/Oslo"));
    // Events planned before zones read as none.
    let Some(Created::Event(id)) = f.run(&ada, plan(None)).unwrap() else {
        panic!("no event");
    };
    assert_eq!(events::event(f.community.doc(), &id).unwrap().zone, None);
}

#[test]
fn members_check_in_from_an_hour_before_the_start() {
    let mut f = Fixture::new(9);
    let (ada, bob) = (f.ada.clone(), f.bob.clone());
    let starts = f.now.plus_millis(2 * HOUR);
    let Some(Created::Event(ev)) = f
        .run(
            &ada,
            Command::CreateEvent {
                title: "Meetup".into(),
                description: String::new(),
                starts_at: starts,
                ends_at: starts.plus_millis(HOUR),
                place: String::new(),
                zone: None,
            },
        )
        .unwrap()
    else {
        panic!("no event");
    };
    let here = Command::RecordAttendance {
        event: ev.clone(),
        member: bob.clone(),
        present: true,
    };
    assert!(matches!(
        refused(&mut f, &bob, here.clone()),
        CommandError::EventNotStarted(_)
    ));
    f.tick(HOUR);
    f.run(&bob, here).unwrap();
    assert_eq!(
        events::event(f.community.doc(), &ev).unwrap().attended,
        vec![bob]
    );
}

#[test]
fn a_meetup_is_on_around_its_time_and_digested_after() {
    use copse_core::view::meetups;
    let mut f = Fixture::new(10);
    let (ada, bob) = (f.ada.clone(), f.bob.clone());
    let starts = f.now.plus_millis(3 * HOUR);
    let Some(Created::Event(ev)) = f
        .run(
            &ada,
            Command::CreateEvent {
                title: "Autumn meetup".into(),
                description: String::new(),
                starts_at: starts,
                ends_at: starts.plus_millis(2 * HOUR),
                place: "Bergen".into(),
                zone: Some("Europe/Oslo".into()),
            },
        )
        .unwrap()
    else {
        panic!("no event");
    };
    assert!(meetups::in_progress(f.community.doc(), f.now).is_none());
    f.tick(2 * HOUR + 1);
    // An hour before: the room opens.
    assert_eq!(
        meetups::in_progress(f.community.doc(), f.now).map(|e| e.id),
        Some(ev.clone())
    );
    f.tick(HOUR);
    f.run(
        &bob,
        Command::RecordAttendance {
            event: ev.clone(),
            member: bob.clone(),
            present: true,
        },
    )
    .unwrap();
    // Not over yet: no digest.
    assert!(meetups::last_meetup(f.community.doc(), f.now).is_none());
    f.tick(2 * HOUR);
    assert!(meetups::in_progress(f.community.doc(), f.now).is_some());
    f.tick(HOUR);
    assert!(meetups::in_progress(f.community.doc(), f.now).is_none());
    let d = meetups::last_meetup(f.community.doc(), f.now).unwrap();
    assert_eq!(d.event.id, ev);
    assert_eq!(d.event.attended, vec![bob.clone()]);
    assert_eq!(d.came, vec![(bob, "Bob".to_owned())]);
    // What was started and answered there comes from the participation ledger (tested in
    // copse-search); the document's part leaves it empty.
    assert!(d.threads_started.is_empty() && d.questions_answered.is_empty());
    // A month on, the digest is no longer offered.
    f.tick(31 * 24 * HOUR);
    assert!(meetups::last_meetup(f.community.doc(), f.now).is_none());
}

#[test]
fn an_event_dated_to_end_in_the_far_future_is_no_meetup_for_ever() {
    use copse_core::view::meetups;
    let mut f = Fixture::new(11);
    let ada = f.ada.clone();
    f.run(
        &ada,
        Command::CreateEvent {
            title: "Forever".into(),
            description: String::new(),
            starts_at: f.now,
            ends_at: Timestamp(i64::MAX),
            place: String::new(),
            zone: None,
        },
    )
    .unwrap();
    assert!(meetups::in_progress(f.community.doc(), f.now).is_some());
    // A multi-day gathering is a meetup for its first week at most.
    f.tick(8 * 24 * HOUR);
    assert!(meetups::in_progress(f.community.doc(), f.now).is_none());
    assert!(meetups::last_meetup(f.community.doc(), f.now).is_none());
}

#[test]
fn relays_are_chosen_by_coordinators_and_must_name_the_relay() {
    let mut f = Fixture::new(7);
    let (bob, ada) = (f.bob.clone(), f.ada.clone());
    let relay = "/ip4/203.0.113.5/udp/4001/quic-v1/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";
    assert!(matches!(
        refused(
            &mut f,
            &bob,
            Command::AddRelay {
                relay: relay.into()
            }
        ),
        CommandError::NotCoordinator { .. }
    ));
    // An address must say who the relay is, and must not itself go through a relay.
    for bad in [
        "/ip4/203.0.113.5/tcp/4001",
        "not an address",
        &format!("{relay}/p2p-circuit/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"),
    ] {
        assert!(matches!(
            refused(&mut f, &ada, Command::AddRelay { relay: bad.into() }),
            CommandError::InvalidRelay(_)
        ));
    }
    f.run(
        &ada,
        Command::AddRelay {
            relay: format!(" {relay} "),
        },
    )
    .unwrap();
    let second =
        "/ip4/198.51.100.7/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";
    f.run(
        &ada,
        Command::AddRelay {
            relay: second.into(),
        },
    )
    .unwrap();
    f.run(
        &ada,
        Command::AddRelay {
            relay: relay.into(),
        },
    )
    .unwrap();
    assert_eq!(f.community.profile().relays, [relay, second]);
    assert_eq!(
        copse_core::view::profile::relays(f.community.doc()),
        [relay, second]
    );
    f.run(
        &ada,
        Command::RemoveRelay {
            relay: relay.into(),
        },
    )
    .unwrap();
    assert_eq!(f.community.profile().relays, [second]);
    assert!(matches!(
        refused(
            &mut f,
            &ada,
            Command::RemoveRelay {
                relay: relay.into()
            }
        ),
        CommandError::UnknownRelay(_)
    ));
    // At most eight.
    for i in 1..8 {
        f.run(
            &ada,
            Command::AddRelay {
                relay: format!("/ip4/198.51.100.{}/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN", 10 + i),
            },
        )
        .unwrap();
    }
    assert!(matches!(
        refused(
            &mut f,
            &ada,
            Command::AddRelay {
                relay: "/ip4/198.51.100.99/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN".into()
            }
        ),
        CommandError::TooMany { .. }
    ));
}
