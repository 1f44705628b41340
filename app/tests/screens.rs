//! Every screen, driven like a member would: find widgets by role and label, click and
//! type, then check what is shown and the exact command or request queued.

#![allow(clippy::unwrap_used)]

mod fixture;

use copse_app::state::{AppEvent, AppState, LevelFilter, Tab, UiAction, View};
use copse_core::record::{MemberDetails, Rsvp, TaskStatus, ThreadKind};
use copse_core::sync::JoinRefusal;
use copse_core::{Command, NewCommunity};
use copse_peer::{Answered, Invitation, JoinFailure, PeerError, Request, ask};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use fixture::{World, commands, harness, load_requests, loaded, requests, settle, type_into};

#[test]
fn welcome_creates_the_identity() {
    let mut state = AppState::new();
    state.apply(AppEvent::NeedsIdentity);
    let mut h = harness(state);
    h.run_steps(2);
    type_into(&mut h, "Your name", "Grace Hopper");
    type_into(&mut h, "Organisation", "Navy");
    type_into(&mut h, "Skills", "cobol, compilers");
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Continue").click();
    h.run_steps(2);
    assert_eq!(
        h.state().outbox,
        vec![UiAction::Init(MemberDetails {
            name: "Grace Hopper".into(),
            organisation: "Navy".into(),
            department: String::new(),
            bio: String::new(),
            skills: vec!["cobol".into(), "compilers".into()],
        })]
    );
}

/// A member with an identity and no community yet: the "Start or join" screen.
fn first_run() -> AppState {
    let mut state = AppState::new();
    state.apply(AppEvent::Ready {
        member: "12D3KooWNewNewNew".parse().unwrap(),
        details: Default::default(),
    });
    state.apply(AppEvent::Loaded {
        view: View::Communities,
        answered: Box::new(Answered::ListCommunities(ask::ListCommunities, Ok(vec![]))),
    });
    state
}

#[test]
fn first_run_offers_create_and_join() {
    let mut h = harness(first_run());
    h.run_steps(2);
    type_into(&mut h, "Name", "VFX Guild");
    type_into(&mut h, "Domain", "visual effects pipelines");
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Create community")
        .click();
    type_into(&mut h, "Invite ticket", "copse-invite:abc");
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Join").click();
    h.run_steps(2);
    let reqs = requests(h.state());
    assert_eq!(
        reqs[0],
        Request::CreateCommunity(ask::CreateCommunity {
            spec: NewCommunity {
                name: "VFX Guild".into(),
                domain: "visual effects pipelines".into(),
                objectives: vec![],
                norms: String::new()
            }
        })
    );
    assert_eq!(
        reqs[1],
        Request::Join(ask::Join {
            ticket: "copse-invite:abc".into(),
            details: None
        })
    );
    // A bad ticket's error is shown in plain words.
    let mut state = h.into_state();
    state.apply(AppEvent::Answered(Box::new(Answered::failed(
        reqs[1].clone(),
        PeerError::Join(JoinFailure::Refused {
            refusal: JoinRefusal::Expired,
            expires_at: copse_core::Timestamp(1_795_000_000_000),
        }),
    ))));
    let mut h = harness(state);
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("ask a member for a new one")
            .is_some()
    );
}

#[test]
fn overview_shows_domain_objectives_norms_and_whats_new() {
    let w = World::new();
    let state = loaded(&w, &w.ada, Tab::Overview);
    let mut h = harness(state);
    h.run_steps(2);
    assert!(h.query_by_label("Structural timber").is_some());
    assert!(h.query_by_label_contains("Share methods").is_some());
    assert!(h.query_by_label("Cite sources").is_some());
    assert!(
        h.query_by_label_contains("Which glue for CLT?").is_some(),
        "what's new lists Bob's question"
    );
    assert!(h.query_by_label("Spring meetup").is_some(), "next meetup");
    h.get_by_role_and_label(Role::Button, "Mark all as seen")
        .click();
    h.run_steps(2);
    assert_eq!(
        requests(h.state()),
        vec![Request::MarkSeen(ask::MarkSeen { community: w.id() })]
    );
}

#[test]
fn overview_says_plainly_which_edit_broke_the_rules() {
    let mut w = World::new();
    w.refused.push(copse_core::guard::Refused {
        change: "ab".repeat(32),
        author: Some(w.bob.clone()),
        cmd: Some("edit_post".into()),
        time: w.now.0,
        reason: copse_core::guard::Violation::OthersRecord("post".into()),
    });
    let state = loaded(&w, &w.ada, Tab::Overview);
    let mut h = harness(state);
    h.run_steps(2);
    assert!(
        h.query_by_label_contains(
            "An edit from Bob broke the community's rules: changed another member's post; it was not applied."
        )
        .is_some()
    );
}

#[test]
fn discussions_list_new_thread_and_open() {
    let w = World::new();
    let state = loaded(&w, &w.ada, Tab::Discussions);
    let mut h = harness(state);
    h.run_steps(2);
    assert!(h.query_by_label("Site visit in spring").is_some());
    assert!(
        h.query_by_label("Which glue for CLT?").is_none(),
        "questions are on their own tab"
    );
    h.get_by_role_and_label(Role::Button, "New discussion")
        .click();
    h.run_steps(2);
    type_into(&mut h, "Title", "Connection details");
    type_into(&mut h, "Text", "Share your favourite screws");
    type_into(&mut h, "Tags", "Screws, steel");
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Post discussion")
        .click();
    h.run_steps(2);
    assert_eq!(
        commands(h.state()),
        vec![Command::StartThread {
            kind: ThreadKind::Discussion,
            title: "Connection details".into(),
            body: "Share your favourite screws".into(),
            tags: vec!["Screws".into(), "steel".into()],
        }]
    );
    h.get_by_label("Site visit in spring").click();
    h.run_steps(2);
    let mut state = h.into_state();
    let loads = load_requests(&mut state);
    assert!(
        loads
            .iter()
            .any(|r| matches!(r, Request::Thread(ask::Thread { .. }))),
        "{loads:?}"
    );
}

#[test]
fn question_reply_accept_and_promote() {
    let w = World::new();
    // Bob asked; as Bob, open the question.
    let mut state = loaded(&w, &w.bob, Tab::Questions);
    let q = state
        .view()
        .unwrap()
        .list(ThreadKind::Question)
        .unwrap()
        .threads[0]
        .id
        .clone();
    state.open_thread(w.id(), q.clone());
    settle(&w, &mut state);
    assert!(
        matches!(
            state.outbox.last(),
            Some(UiAction::Request(Request::MarkRead(ask::MarkRead {
                posts: 2,
                ..
            })))
        ),
        "opening marks it read"
    );
    state.outbox.clear();
    let mut h = harness(state);
    h.run_steps(2);
    assert!(h.query_by_label("PUR for most panels").is_some());
    h.get_by_role_and_label(Role::Button, "Accept as answer")
        .click();
    type_into(&mut h, "Your answer", "Thanks!");
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Reply").click();
    h.run_steps(2);
    let cmds = commands(h.state());
    let post = h
        .state()
        .view()
        .unwrap()
        .thread
        .as_ref()
        .unwrap()
        .thread
        .posts[1]
        .id
        .clone();
    assert_eq!(
        cmds[0],
        Command::AcceptAnswer {
            thread: q.clone(),
            post: Some(post)
        }
    );
    assert_eq!(
        cmds[1],
        Command::Reply {
            thread: q.clone(),
            body: "Thanks!".into()
        }
    );
    // Until an answer is accepted, the question cannot become an article.
    h.get_by_role_and_label(Role::Button, "Promote to knowledge article")
        .click();
    h.run_steps(2);
    assert_eq!(commands(h.state()).len(), 2);
}

#[test]
fn knowledge_editor_sends_edits_against_its_version() {
    let w = World::new();
    let mut state = loaded(&w, &w.ada, Tab::Knowledge);
    let mut h = harness(std::mem::take(&mut state));
    h.run_steps(2);
    h.get_by_label("Moisture limits").click();
    h.run_steps(2);
    let mut state = h.into_state();
    settle(&w, &mut state);
    let mut h = harness(state);
    h.run_steps(2);
    // It opens to read; "Edit" shows the editor.
    h.get_by_label("Below 15% at install.");
    h.get_by_role_and_label(Role::Button, "Edit").click();
    h.run_steps(2);
    let editor = h.get_by_label("Article text");
    assert_eq!(editor.value().as_deref(), Some("Below 15% at install."));
    editor.focus();
    h.key_press(egui::Key::End);
    type_into(&mut h, "Article text", " Measure twice.");
    h.run_steps(2);
    let mut state = h.into_state();
    let heads: Vec<String> = w
        .community
        .doc()
        .get_heads()
        .iter()
        .map(ToString::to_string)
        .collect();
    let sent = load_requests(&mut state);
    let edit = sent.iter().find_map(|r| match r {
        Request::Edit(ask::Edit {
            command: c @ Command::EditArticle { .. },
            ..
        }) => Some(c.clone()),
        _ => None,
    });
    match edit {
        Some(Command::EditArticle { body, base, .. }) => {
            assert!(body.contains("Measure twice."), "{body}");
            assert_eq!(base, Some(heads));
        }
        other => panic!("no edit sent: {other:?}"),
    }
    // History lists the revisions.
    let mut h = harness(state);
    h.get_by_role_and_label(Role::Button, "History").click();
    h.run_steps(2);
    let mut state = h.into_state();
    settle(&w, &mut state);
    let mut h = harness(state);
    h.run_steps(2);
    assert!(h.query_by_label_contains("created the article").is_some());
}

#[test]
fn events_plan_rsvp() {
    let w = World::new();
    let mut state = loaded(&w, &w.bob, Tab::Events);
    state.reader_zone = copse_core::local_time::zone("Europe/Oslo");
    let mut h = harness(state);
    h.run_steps(2);
    assert!(h.query_by_label("Spring meetup").is_some());
    h.get_by_role_and_label(Role::Button, "Going").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Plan a meetup")
        .click();
    h.run_steps(2);
    type_into(&mut h, "Title", "Winter social");
    // A start in the past is said so, by the field.
    type_into(&mut h, "Starts", "2020-01-15 18:00");
    h.run_steps(2);
    h.get_by_label_contains("That start is in the past");
    h.get_by_label("Starts").focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Starts").type_text("2030-01-15 18:00");
    h.run_steps(2);
    assert!(h.query_by_label_contains("in the past").is_none());
    type_into(&mut h, "Place", "Bergen");
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Create event")
        .click();
    h.run_steps(2);
    let cmds = commands(h.state());
    let event = h.state().view().unwrap().upcoming[0].id.clone();
    assert_eq!(
        cmds[0],
        Command::Rsvp {
            event,
            answer: Rsvp::Yes
        }
    );
    // 18:00 where the event happens (the reader's zone, Oslo, by default) is 17:00 UTC.
    let starts = copse_core::Timestamp::parse_utc("2030-01-15 17:00").unwrap();
    assert_eq!(
        cmds[1],
        Command::CreateEvent {
            title: "Winter social".into(),
            description: String::new(),
            starts_at: starts,
            ends_at: starts.plus_millis(7_200_000),
            place: "Bergen".into(),
            zone: Some("Europe/Oslo".into()),
        }
    );
}

#[test]
fn tasks_create_and_move() {
    let w = World::new();
    let state = loaded(&w, &w.ada, Tab::Tasks);
    let mut h = harness(state);
    h.run_steps(2);
    assert!(h.query_by_label("Write span tables").is_some());
    type_into(&mut h, "New task", "Book the venue");
    type_into(&mut h, "Due", "2030-02-01");
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Add task").click();
    h.get_by_role_and_label(Role::Button, "Move to doing")
        .click();
    h.run_steps(2);
    let task = h.state().view().unwrap().tasks.todo[0].id.clone();
    assert_eq!(
        commands(h.state()),
        vec![
            Command::CreateTask {
                title: "Book the venue".into(),
                description: String::new(),
                assignee: None,
                due: copse_core::Timestamp::parse_utc("2030-02-01"),
                good_first: false,
            },
            Command::MoveTask {
                task,
                status: TaskStatus::Doing
            },
        ]
    );
}

#[test]
fn members_directory_filters_by_skill() {
    let w = World::new();
    let state = loaded(&w, &w.ada, Tab::Members);
    let mut h = harness(state);
    h.run_steps(2);
    assert!(h.query_by_label("Analytical").is_some() && h.query_by_label("Builders").is_some());
    type_into(&mut h, "Who can help with", "fire");
    h.run_steps(2);
    assert!(h.query_by_label("Builders").is_some());
    assert!(h.query_by_label("Analytical").is_none());
    assert!(h.query_by_label_contains("1 of 2 members").is_some());
    h.get_by_label("Bob").click();
    h.run_steps(2);
    let mut state = h.into_state();
    assert!(load_requests(&mut state).iter().any(
        |r| matches!(r, Request::Contributions(ask::Contributions { member, .. }) if *member == w.bob)
    ));
}

#[test]
fn resources_share() {
    let w = World::new();
    let state = loaded(&w, &w.ada, Tab::Resources);
    let mut h = harness(state);
    h.run_steps(2);
    // A link looks like one, and says where it goes.
    h.get_by_label("https://example.org/ec5");
    h.get_by_label("Eurocode 5").click();
    h.run_steps(1);
    let opened: Vec<String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::OpenUrl(u) => Some(u.url.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(opened, ["https://example.org/ec5"]);
    h.get_by_label("Share a resource").click();
    h.run_steps(2);
    type_into(&mut h, "Title", "Span tables");
    type_into(&mut h, "Link", "https://example.org/spans");
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Share").click();
    h.run_steps(2);
    assert_eq!(
        commands(h.state()),
        vec![Command::AddResource {
            title: "Span tables".into(),
            url: Some("https://example.org/spans".into()),
            description: String::new(),
            tags: vec![]
        }]
    );
}

#[test]
fn peers_show_sync_state_and_make_invites() {
    let w = World::new();
    let mut state = loaded(&w, &w.ada, Tab::Peers);
    let mut h = harness(std::mem::take(&mut state));
    h.run_steps(2);
    assert!(h.query_by_label("connected · up to date").is_some());
    h.get_by_role_and_label(Role::Button, "Create invite")
        .click();
    h.run_steps(2);
    let reqs = requests(h.state());
    assert!(
        matches!(&reqs[0], Request::Invite(ask::Invite { uses: 1, .. })),
        "{reqs:?}"
    );
    let mut state = h.into_state();
    state.outbox.clear();
    let Request::Invite(invite) = reqs[0].clone() else {
        panic!("{reqs:?}")
    };
    state.apply(AppEvent::Answered(Box::new(Answered::Invite(
        invite,
        Ok(Invitation {
            ticket: "copse-invite:eyJ2IjoxfQ".into(),
            invite: copse_core::InviteId::random(&mut rand::thread_rng()),
            expires_at: copse_core::Timestamp(0),
        }),
    ))));
    let mut h = harness(state);
    h.run_steps(2);
    assert_eq!(
        h.get_by_label("Invite ticket").value().as_deref(),
        Some("copse-invite:eyJ2IjoxfQ")
    );
    assert!(
        h.query_by_role_and_label(Role::Button, "Copy ticket")
            .is_some()
    );
    // Removing asks first, saying what the others will see; cancelling does nothing.
    h.get_by_role_and_label(Role::Button, "Remove Bob").click();
    h.run_steps(2);
    assert!(
        h.query_by_label("Remove Bob from Timber Engineers?")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Every member will see that you removed Bob")
            .is_some()
    );
    assert!(commands(h.state()).is_empty());
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run_steps(2);
    assert!(
        h.query_by_label("Remove Bob from Timber Engineers?")
            .is_none()
    );
    assert!(commands(h.state()).is_empty());
    h.get_by_role_and_label(Role::Button, "Remove Bob").click();
    h.run_steps(2);
    // The dialog's button (the list's button is behind the modal).
    let confirm = h
        .get_all_by_role_and_label(Role::Button, "Remove Bob")
        .last()
        .unwrap();
    confirm.click();
    h.run_steps(2);
    assert_eq!(
        commands(h.state()),
        vec![Command::RemoveMember {
            member: w.bob.clone()
        }]
    );
}

#[test]
fn remote_changes_reload_only_what_they_touch() {
    let w = World::new();
    let mut state = loaded(&w, &w.ada, Tab::Discussions);
    assert!(
        load_requests(&mut state).is_empty(),
        "everything visible is loaded"
    );
    let meta = |cmd: &str| copse_core::commit_meta::CommitMeta {
        by: w.bob.clone(),
        cmd: cmd.into(),
        obj: None,
    };
    state.apply(AppEvent::Peer(copse_peer::PeerEvent::CommunityChanged {
        community: w.id(),
        local: false,
        changes: vec![meta("move_task")],
    }));
    assert!(
        load_requests(&mut state).is_empty(),
        "a task change does not reload the thread list"
    );
    state.apply(AppEvent::Peer(copse_peer::PeerEvent::CommunityChanged {
        community: w.id(),
        local: false,
        changes: vec![meta("start_thread")],
    }));
    // The discussion list, and "For you" (its count is on the rail): nothing else.
    let loads = load_requests(&mut state);
    assert_eq!(loads.len(), 2, "{loads:?}");
    assert!(matches!(&loads[0], Request::ForYou(ask::ForYou { .. })));
    assert!(matches!(
        &loads[1],
        Request::Threads(ask::Threads {
            kind: Some(ThreadKind::Discussion),
            ..
        })
    ));
    // The task board reloads when shown.
    state.select_tab(Tab::Tasks);
    assert!(
        load_requests(&mut state)
            .iter()
            .any(|r| matches!(r, Request::Tasks(ask::Tasks { .. })))
    );
    let _ = View::Status;
}

#[test]
fn removal_is_explained() {
    let mut state = AppState::new();
    state.apply(AppEvent::Peer(copse_peer::PeerEvent::Removed {
        community: "00000000000000000000000000".parse().unwrap(),
        name: "Guild".into(),
    }));
    assert!(
        state.notices[0]
            .text
            .contains("You were removed from Guild. You keep what you already had")
    );
}

#[test]
fn search_with_ctrl_k_finds_a_reply_and_opens_it_in_its_thread() {
    let world = World::new();
    let state = loaded(&world, &world.ada, Tab::Overview);
    let mut h = harness(state);
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run_steps(2);
    assert!(
        h.get_by_label("Search").is_focused(),
        "Ctrl+K focuses the box"
    );
    h.get_by_label("Search").type_text("PUR panels");
    h.run_steps(2);
    let asked = requests(h.state());
    let Some(Request::Search(ask::Search { search, .. })) = asked.last() else {
        panic!("no search asked: {asked:?}")
    };
    assert_eq!(search.text, "PUR panels");
    settle_searches(&world, &mut h);
    // Grouped by kind, the reply names its thread.
    h.get_by_label("Posts");
    h.get_by_label("In “Which glue for CLT?”").click();
    h.run_steps(2);
    let s = h.state();
    assert!(
        !s.view().unwrap().search.open,
        "opening a result closes the results"
    );
    let v = s.view().unwrap();
    let found = v.found_post.clone().expect("the post to mark");
    settle(&world, h.state_mut());
    h.run_steps(3);
    let s = h.state();
    assert_eq!(s.tab(), Tab::Questions, "shown under its own kind");
    let t = s
        .view()
        .unwrap()
        .thread
        .as_ref()
        .expect("the thread loaded");
    assert_eq!(t.thread.title, "Which glue for CLT?");
    assert!(
        t.thread
            .posts
            .iter()
            .any(|p| p.id == found && p.body == "PUR for most panels")
    );
    assert!(
        s.view().unwrap().scroll_to_post.is_none(),
        "scrolled to once"
    );
}

#[test]
fn search_filters_by_kind_and_finds_members_by_skill() {
    let world = World::new();
    let mut h = harness(loaded(&world, &world.ada, Tab::Tasks));
    h.run_steps(2);
    type_into(&mut h, "Search", "clt");
    settle_searches(&world, &mut h);
    // The question's title and Bob (skill "clt") both match.
    h.get_by_label("Threads");
    let kinds: Vec<copse_peer::SearchKind> = h
        .state()
        .view()
        .unwrap()
        .search
        .results
        .as_ref()
        .unwrap()
        .grouped()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        kinds,
        [
            copse_peer::SearchKind::Thread,
            copse_peer::SearchKind::Member
        ]
    );
    h.state_mut().view_mut().unwrap().search.kind = Some(copse_peer::SearchKind::Member);
    h.run_steps(2);
    settle_searches(&world, &mut h);
    assert!(h.query_by_label("Threads").is_none(), "only members now");
    h.get_by_label("Bob").click();
    h.run_steps(2);
    let s = h.state();
    assert_eq!(s.tab(), Tab::Members);
    assert_eq!(
        s.view().unwrap().member_open.as_ref().map(|m| &m.0),
        Some(&world.bob)
    );
    // Nothing found says so.
    type_into(&mut h, "Search", " zeppelin");
    settle_searches(&world, &mut h);
    h.get_by_label("Nothing found. Fewer words, or other filters, may find more.");
}

/// Answers the searches (and experts questions) the state asked for, as the runtime
/// would, and draws again.
fn settle_searches(world: &World, h: &mut egui_kittest::Harness<'static, AppState>) {
    let asked: Vec<Request> = requests(h.state())
        .into_iter()
        .filter(|r| matches!(r, Request::Search(_) | Request::Experts(_)))
        .collect();
    h.state_mut().outbox.clear();
    for req in asked {
        let answered = Box::new(world.answer(&req));
        h.state_mut().apply(AppEvent::Answered(answered));
    }
    h.run_steps(3);
}

#[test]
fn posts_render_markdown_and_links_open_in_the_browser() {
    let mut w = World::new();
    let ada = w.ada.clone();
    let t = w.thread(&ada, ThreadKind::Discussion, "Glue choice notes");
    w.run(
        &ada,
        Command::Reply {
            thread: t.clone(),
            body: "## Which adhesive\n\n- **PUR** for most panels\n- MUF where *heat* matters\n\nSee [Eurocode 5](https://example.org/ec5) and `k_mod = 0.8`.".into(),
        },
    );
    let mut state = loaded(&w, &ada, Tab::Discussions);
    state.open_thread(w.id(), t);
    settle(&w, &mut state);
    let mut h = harness(state);
    h.run_steps(3);
    // Headings, list items, emphasis and code render; no Markdown syntax shows.
    h.get_by_label("Which adhesive");
    h.get_by_label("PUR");
    h.get_by_label("k_mod = 0.8");
    assert!(h.query_by_label_contains("**").is_none());
    assert!(h.query_by_label_contains("## ").is_none());
    // A link opens in the browser.
    h.get_by_label("Eurocode 5").click();
    h.run_steps(1);
    let opened: Vec<String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::OpenUrl(u) => Some(u.url.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(opened, ["https://example.org/ec5"]);
}

#[test]
fn members_tab_ranks_who_knows_and_asking_suggests_members_to_mention() {
    let world = World::new();
    // Ada answered Bob's question tagged "glue": she has earned it.
    let mut h = harness(loaded(&world, &world.bob, Tab::Members));
    h.run_steps(2);
    type_into(&mut h, "Who can help with", "glue");
    settle_searches(&world, &mut h);
    h.get_by_label("Who knows “glue”");
    h.get_by_label("earned 3: 1 answer");
    // Asking a question tagged glue suggests Ada, never the asker.
    h.state_mut().select_tab(Tab::Questions);
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Ask a question")
        .click();
    h.run_steps(2);
    type_into(&mut h, "Title", "Best glue for wet panels?");
    type_into(&mut h, "Tags", "glue");
    settle_searches(&world, &mut h);
    assert!(h.query_by_label("@Bob").is_none());
    h.get_by_role_and_label(Role::Button, "@Ada").click();
    h.run_steps(2);
    let body = h
        .state()
        .view()
        .unwrap()
        .list(ThreadKind::Question)
        .unwrap()
        .draft
        .body
        .clone();
    assert_eq!(body, "@Ada ");
}

#[test]
fn a_first_index_build_shows_its_progress_and_then_results() {
    let world = World::new();
    let mut state = loaded(&world, &world.ada, Tab::Overview);
    let c = world.id();
    state.apply(AppEvent::Peer(copse_peer::PeerEvent::SearchIndexing {
        community: c.clone(),
        done: 4500,
        total: 10000,
    }));
    let mut h = harness(state);
    h.run_steps(2);
    type_into(&mut h, "Search", "glue");
    h.get_by_label_contains("Building this device's search index: 4500 of 10000 records");
    settle_searches(&world, &mut h);
    h.state_mut()
        .apply(AppEvent::Peer(copse_peer::PeerEvent::SearchIndexing {
            community: c,
            done: 0,
            total: 0,
        }));
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("Building this device's search index")
            .is_none()
    );
    // Its end asks again, for results from the whole index.
    let asked = requests(h.state());
    assert!(
        asked
            .iter()
            .any(|r| matches!(r, Request::Search(ask::Search { .. }))),
        "{asked:?}"
    );
}

/// Answers the loads the state asks for (the member page's trajectory among them).
fn settle_loads(world: &World, h: &mut egui_kittest::Harness<'static, AppState>) {
    h.run_steps(2);
    settle(world, h.state_mut());
    h.run_steps(3);
}

#[test]
fn members_show_levels_filter_by_them_and_chart_a_members_year() {
    let w = World::new();
    let mut h = harness(loaded(&w, &w.bob, Tab::Members));
    h.run_steps(2);
    // Ada started a discussion, answered Bob and wrote an article: 3, active by default.
    // Bob asked one question: peripheral.
    h.get_by_label("active");
    h.get_by_label("peripheral");
    h.state_mut().view_mut().unwrap().level_filter =
        Some(LevelFilter::Level(copse_peer::participation::Level::Active));
    h.run_steps(2);
    assert!(h.query_by_label_contains("1 of 2 members").is_some());
    assert!(h.query_by_label("Builders").is_none(), "Bob is not active");
    h.get_by_label("Ada").click();
    settle_loads(&w, &mut h);
    h.get_by_label_contains("Now active:");
    h.get_by_label_contains("1 thread started, 1 answer, 1 article edit in the last 90 days");
    h.get_by_label("All time: 1 thread started, 1 answer, 1 article edit");
    // Another member's page, then Ada's again: hers loads afresh, not Bob's left over.
    h.state_mut().view_mut().unwrap().level_filter = None;
    h.run_steps(2);
    // (Bob is also this device's name on the rail: open his page as a click would.)
    h.state_mut().toggle_member(w.id(), w.bob.clone());
    settle_loads(&w, &mut h);
    h.get_by_label_contains("Now peripheral:");
    h.get_by_label("Ada").click();
    settle_loads(&w, &mut h);
    h.get_by_label_contains("Now active:");
}

#[test]
fn overview_shows_the_health_panel_and_coordinators_set_the_levels() {
    let w = World::new();
    let mut h = harness(loaded(&w, &w.ada, Tab::Overview));
    h.run_steps(2);
    h.get_by_label("Community health");
    h.get_by_label_contains("A member is active from 3 and core from 20 contributions in 90 days");
    // Both joined just now; Ada rose to active; Bob's question has Ada's answer.
    h.get_by_label("Joined this quarter:");
    h.get_by_label("Questions waiting for an answer: 0");
    h.get_by_label("Meetups in the last year: 0");
    h.get_by_role_and_label(Role::Button, "Change the levels")
        .click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Save levels").click();
    h.run_steps(2);
    assert_eq!(
        commands(h.state()),
        vec![Command::SetLevelRule(
            copse_core::record::LevelRule::default()
        )]
    );
    // A member who is not a coordinator sees the panel, not the setting.
    let mut h = harness(loaded(&w, &w.bob, Tab::Overview));
    h.run_steps(2);
    h.get_by_label("Community health");
    assert!(h.query_by_label("Change the levels").is_none());
}

#[test]
fn for_you_lists_replies_counts_them_on_the_rail_and_notifies_new_ones() {
    let mut w = World::new();
    w.me = Some(w.bob.clone());
    let mut h = harness(loaded(&w, &w.bob, Tab::Overview));
    h.run_steps(2);
    // Ada answered Bob's question: for Bob, new, counted on the rail.
    h.get_by_label("For you");
    h.get_by_label("Ada replied to your thread");
    h.get_by_label("Timber Engineers  (1)");
    assert!(
        !h.state()
            .outbox
            .iter()
            .any(|a| matches!(a, UiAction::Notify { .. })),
        "what waited at start is counted, not announced"
    );
    // Another reply lands: announced once.
    let q = h.state().view().unwrap().for_you[0].thread.clone().unwrap();
    let ada = w.ada.clone();
    w.run(
        &ada,
        Command::Reply {
            thread: q.clone(),
            body: "Or MUF, @Bob, if you want it pale.".into(),
        },
    );
    let changed = |w: &World| {
        AppEvent::Peer(copse_peer::PeerEvent::CommunityChanged {
            community: w.id(),
            local: false,
            changes: vec![copse_core::commit_meta::CommitMeta {
                by: w.ada.clone(),
                cmd: "reply".into(),
                obj: Some(q.to_string()),
            }],
        })
    };
    h.state_mut().apply(changed(&w));
    h.state_mut().outbox.clear();
    settle_loads(&w, &mut h);
    let notified: Vec<String> = h
        .state()
        .outbox
        .iter()
        .filter_map(|a| match a {
            UiAction::Notify { summary, .. } => Some(summary.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(notified, ["Ada mentioned you", "2 replies to your thread"]);
    h.get_by_label("Timber Engineers  (2)");
    // Turned off: the list still updates, nothing is announced; the choice is kept.
    h.get_by_label("Desktop notifications").click();
    h.run_steps(2);
    assert!(h.state().outbox.iter().any(|a| matches!(
        a,
        UiAction::SaveSettings(s) if !s.notifications
    )));
    w.run(
        &ada,
        Command::Reply {
            thread: q.clone(),
            body: "Either works.".into(),
        },
    );
    h.state_mut().apply(changed(&w));
    h.state_mut().outbox.clear();
    settle_loads(&w, &mut h);
    assert!(
        !h.state()
            .outbox
            .iter()
            .any(|a| matches!(a, UiAction::Notify { .. }))
    );
    h.get_by_label("3 replies from Ada to your thread");
    // Opening it goes to the thread.
    h.get_all_by_label("Which glue for CLT?")
        .next()
        .unwrap()
        .click();
    h.run_steps(2);
    assert_eq!(h.state().view().unwrap().thread_id.as_ref(), Some(&q));
}

#[test]
fn a_newcomer_sees_start_here_and_coordinators_see_hints() {
    let mut w = World::new();
    // Bob marks his task as a good first task; he asked one question: peripheral.
    let task = copse_core::view::tasks::task_board(w.community.doc()).todo[0]
        .id
        .clone();
    let bob = w.bob.clone();
    w.run(
        &bob,
        Command::SetGoodFirstTask {
            task,
            good_first: true,
        },
    );
    w.me = Some(w.bob.clone());
    let mut h = harness(loaded(&w, &w.bob, Tab::Overview));
    h.run_steps(2);
    h.get_by_label("Start here");
    // The norms and the next meetup, in "Start here" as well as further down.
    assert_eq!(h.get_all_by_label("Cite sources").count(), 2);
    assert_eq!(h.get_all_by_label("Spring meetup").count(), 2);
    h.get_by_label("Write span tables").click();
    settle_loads(&w, &mut h);
    assert_eq!(h.state().tab(), Tab::Tasks);
    h.get_by_label("good first task");
    h.get_by_role_and_label(Role::Button, "Not a first task")
        .click();
    h.run_steps(2);
    assert!(matches!(
        commands(h.state()).last(),
        Some(Command::SetGoodFirstTask {
            good_first: false,
            ..
        })
    ));
    assert!(h.query_by_label("Hints for coordinators").is_none());
    // Ada, a coordinator and active: no "Start here"; a hint that she rose.
    w.me = Some(w.ada.clone());
    let mut h = harness(loaded(&w, &w.ada, Tab::Overview));
    h.run_steps(2);
    assert!(h.query_by_label("Start here").is_none());
    h.get_by_label("Hints for coordinators");
    h.get_by_label("Ready for more?");
    // A coordinator at the edge (as a founder is, right after creating the community)
    // is not told to start at the edge either.
    let ada = w.ada.clone();
    w.run(
        &ada,
        Command::SetRole {
            member: bob.clone(),
            role: copse_core::record::Role::Coordinator,
        },
    );
    w.me = Some(bob.clone());
    let mut h = harness(loaded(&w, &bob, Tab::Overview));
    h.run_steps(2);
    assert!(h.query_by_label("Start here").is_none());
}

#[test]
fn two_weeks_after_accepting_an_answer_the_asker_is_asked_what_came_of_it() {
    let mut w = World::new();
    let bob = w.bob.clone();
    let q = copse_core::view::threads::thread_page(
        w.community.doc(),
        &copse_core::view::threads::ThreadQuery {
            kind: Some(ThreadKind::Question),
            ..Default::default()
        },
    )
    .threads[0]
        .id
        .clone();
    let answer = copse_core::view::threads::thread(w.community.doc(), &q)
        .unwrap()
        .thread
        .posts[1]
        .id
        .clone();
    w.run(
        &bob,
        Command::AcceptAnswer {
            thread: q.clone(),
            post: Some(answer.clone()),
        },
    );
    w.now = w.now.plus_millis(15 * 86_400_000);
    w.me = Some(bob.clone());
    let mut h = harness(loaded(&w, &bob, Tab::Overview));
    h.run_steps(2);
    h.get_by_label("You accepted an answer in “Which glue for CLT?”.");
    type_into(
        &mut h,
        "Did you use this? What came of it?",
        "40 panels, none failed.",
    );
    h.get_by_role_and_label(Role::Button, "Share story").click();
    h.run_steps(2);
    let told = Command::ShareStory {
        text: "40 panels, none failed.".into(),
        thread: Some(q.clone()),
        post: Some(answer),
        event: None,
    };
    assert_eq!(commands(h.state()).last(), Some(&told));
    // It lands: the Overview lists it, and so does the thread it cites.
    w.run(&bob, told);
    h.state_mut()
        .apply(AppEvent::Peer(copse_peer::PeerEvent::CommunityChanged {
            community: w.id(),
            local: true,
            changes: vec![copse_core::commit_meta::CommitMeta {
                by: bob.clone(),
                cmd: "share_story".into(),
                obj: Some(bob.to_string()),
            }],
        }));
    settle_loads(&w, &mut h);
    h.get_by_label("What came of it: members' stories");
    h.get_by_label("“40 panels, none failed.”");
    h.state_mut().select_tab(Tab::Questions);
    h.state_mut().open_thread(w.id(), q.clone());
    settle_loads(&w, &mut h);
    h.get_by_label("What came of it");
    // "Not this one" stops the asking, on this device.
    h.state_mut().select_tab(Tab::Overview);
    h.run_steps(2);
    h.state_mut().outbox.clear();
    h.get_by_role_and_label(Role::Button, "Not this one")
        .click();
    h.run_steps(2);
    assert_eq!(
        requests(h.state()),
        [Request::DismissStoryPrompt(ask::DismissStoryPrompt {
            community: w.id(),
            key: format!("thread:{q}"),
        })]
    );
    assert!(h.query_by_label("Share story").is_none());
}

#[test]
fn an_event_reads_in_its_zone_and_the_readers() {
    let w = World::new();
    // The fixture's reader is in Lisbon; the Spring meetup happens in Oslo, an hour ahead.
    let state = loaded(&w, &w.bob, Tab::Events);
    let mut h = harness(state);
    h.run_steps(2);
    let e = h.state().view().unwrap().upcoming[0].clone();
    let oslo = copse_core::local_time::zone("Europe/Oslo").unwrap();
    let lisbon = copse_core::local_time::zone("Europe/Lisbon").unwrap();
    let there = copse_core::local_time::iso_minutes(e.starts_at, &oslo);
    let here = copse_core::local_time::iso_minutes(e.starts_at, &lisbon);
    let (there, here) = (&there[11..], &here[11..]);
    assert_ne!(there, here);
    // One line with both: "… 17:00–19:00 Oslo time · 16:00 your time" (near midnight the
    // reader's part also names the day, and an end after midnight its own: the start is
    // what every hour of the day has).
    let both = there.to_owned();
    let mine = format!("{here} your time");
    let line = [both.as_str(), "Oslo time", mine.as_str()];
    assert!(
        line.iter()
            .all(|part| h.query_by_label_contains(part).is_some()),
        "no line with {line:?}"
    );
}

/// A meetup in Ada's world that started `ago_min` minutes ago and lasts two hours.
fn meetup(w: &mut World, ago_min: i64) -> copse_core::EventId {
    let starts = w.now.plus_millis(-ago_min * 60_000);
    let Some(copse_core::Created::Event(id)) = w.run(
        &w.ada.clone(),
        Command::CreateEvent {
            title: "Winter meetup".into(),
            description: String::new(),
            starts_at: starts,
            ends_at: starts.plus_millis(7_200_000),
            place: "Bergen".into(),
            zone: Some("Europe/Oslo".into()),
        },
    ) else {
        panic!("no event");
    };
    id
}

#[test]
fn meetup_mode_shows_who_is_here_checks_in_and_shows_the_invite() {
    let mut w = World::new();
    let event = meetup(&mut w, 30);
    let ada = w.ada.clone();
    w.run(
        &ada,
        Command::RecordAttendance {
            event: event.clone(),
            member: ada.clone(),
            present: true,
        },
    );
    let state = loaded(&w, &w.bob, Tab::Overview);
    let mut h = harness(state);
    settle_loads(&w, &mut h);
    assert!(h.query_by_label("Meetup in progress").is_some());
    assert!(
        h.query_by_label_contains("All 2 devices here are up to date")
            .is_some()
    );
    assert!(h.query_by_label_contains("Checked in: Ada").is_some());
    h.state_mut().outbox.clear();
    h.get_by_role_and_label(Role::Button, "I'm here").click();
    h.run_steps(2);
    assert_eq!(
        commands(h.state()),
        vec![Command::RecordAttendance {
            event,
            member: w.bob.clone(),
            present: true,
        }]
    );
    h.get_by_role_and_label(Role::Button, "Invite newcomers")
        .click();
    h.run_steps(2);
    assert!(requests(h.state()).iter().any(|r| matches!(
        r,
        Request::Invite(ask::Invite { valid_ms, .. }) if *valid_ms == 86_400_000
    )));
    assert!(h.query_by_label_contains("Making an invite").is_some());
}

#[test]
fn members_who_missed_the_meetup_read_what_happened() {
    let mut w = World::new();
    // Ada was there, started a thread and wrote the notes.
    let event = meetup(&mut w, 30);
    let ada = w.ada.clone();
    w.run(
        &ada,
        Command::RecordAttendance {
            event: event.clone(),
            member: ada.clone(),
            present: true,
        },
    );
    w.thread(
        &ada,
        copse_core::record::ThreadKind::Discussion,
        "Glulam tour photos",
    );
    w.run(
        &ada,
        Command::EditEventNotes {
            event,
            notes: "We toured the **glulam** plant.".into(),
            base: None,
        },
    );
    // While its room is open (an hour after its end) the meetup's own panel shows it.
    let mut h = harness(loaded(&w, &w.bob, Tab::Overview));
    settle_loads(&w, &mut h);
    assert!(h.query_by_label("Meetup in progress").is_some());
    assert!(h.query_by_label("Since the last meetup").is_none());
    // Three hours on, it ended 90 minutes ago.
    w.now = w.now.plus_millis(3 * 3_600_000);
    let mut h = harness(loaded(&w, &w.bob, Tab::Overview));
    settle_loads(&w, &mut h);
    assert!(h.query_by_label("Since the last meetup").is_some());
    assert!(h.query_by_label("1 came:").is_some());
    assert!(h.query_by_label("Glulam tour photos").is_some());
    assert!(h.query_by_label_contains("We toured the").is_some());
    // Ada was there: no digest for her.
    let mut h = harness(loaded(&w, &w.ada, Tab::Overview));
    settle_loads(&w, &mut h);
    assert!(h.query_by_label("Since the last meetup").is_none());
}

#[test]
fn removing_a_resource_and_dropping_an_objective_ask_first() {
    let w = World::new();
    let mut h = harness(loaded(&w, &w.ada, Tab::Resources));
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Remove").click();
    h.run_steps(2);
    assert!(h.query_by_label("Remove “Eurocode 5”?").is_some());
    // Esc cancels.
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(h.query_by_label("Remove “Eurocode 5”?").is_none());
    assert!(commands(h.state()).is_empty());
    h.get_by_role_and_label(Role::Button, "Remove").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Remove it").click();
    h.run_steps(2);
    assert!(matches!(
        commands(h.state()).as_slice(),
        [Command::RemoveResource { .. }]
    ));

    // What the objective's status list does when a status is picked.
    let mut state = loaded(&w, &w.ada, Tab::Overview);
    let objective = state.view().unwrap().profile.as_ref().unwrap().objectives[0].clone();
    use copse_core::record::ObjectiveStatus;
    state.set_objective_status(
        objective.id.clone(),
        &objective.text,
        ObjectiveStatus::Active,
    );
    assert_eq!(commands(&state).len(), 1, "other statuses apply at once");
    state.outbox.clear();
    state.set_objective_status(
        objective.id.clone(),
        &objective.text,
        ObjectiveStatus::Dropped,
    );
    assert!(commands(&state).is_empty());
    let mut h = harness(state);
    h.run_steps(2);
    assert!(
        h.query_by_label("Drop the objective “Share methods”?")
            .is_some()
    );
    // Confirmed after switching communities, it still goes to the one it was asked in.
    let asked_in = h.state().selected.clone().unwrap();
    h.state_mut().selected = None;
    h.state_mut().answer_confirm(true);
    assert_eq!(
        requests(h.state()),
        vec![Request::Edit(ask::Edit {
            community: asked_in,
            command: Command::SetObjective {
                id: objective.id,
                text: None,
                status: Some(ObjectiveStatus::Dropped),
            },
        })]
    );
}

#[test]
fn esc_leaves_a_field_first_and_never_throws_away_a_written_form() {
    let w = World::new();
    let mut h = harness(loaded(&w, &w.bob, Tab::Events));
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Plan a meetup")
        .click();
    h.run_steps(2);
    type_into(&mut h, "Title", "Winter social");
    h.get_by_label("Title").focus();
    h.run_steps(1);
    // In the field: Esc lets go of the keyboard only.
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(h.state().view().unwrap().event_draft.is_some());
    // Out of it: the written form stays (Cancel closes it).
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert_eq!(
        h.state()
            .view()
            .unwrap()
            .event_draft
            .as_ref()
            .map(|d| d.title.as_str()),
        Some("Winter social")
    );
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run_steps(2);
    assert!(h.state().view().unwrap().event_draft.is_none());
    // An untouched form closes with Esc.
    h.get_by_role_and_label(Role::Button, "Plan a meetup")
        .click();
    h.run_steps(2);
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(h.state().view().unwrap().event_draft.is_none());
}

#[test]
fn keyboard_posts_with_ctrl_enter_and_closes_forms_with_esc() {
    let w = World::new();
    let mut h = harness(loaded(&w, &w.bob, Tab::Discussions));
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "New discussion")
        .click();
    h.run_steps(2);
    assert!(h.query_by_label("Title").is_some());
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(h.query_by_label("Title").is_none(), "Esc closes the form");
    // Ctrl+Enter in the reply box posts the reply.
    let thread = h
        .state()
        .view()
        .unwrap()
        .list(ThreadKind::Discussion)
        .unwrap()
        .threads[0]
        .id
        .clone();
    let c = h.state().selected.clone().unwrap();
    h.state_mut().open_thread(c, thread.clone());
    settle_loads(&w, &mut h);
    type_into(&mut h, "Your reply", "Agreed, 12% is safer");
    h.get_by_label("Your reply").focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(
        commands(h.state()),
        vec![Command::Reply {
            thread,
            body: "Agreed, 12% is safer".into(),
        }]
    );
}

#[test]
fn theme_and_text_size_follow_the_settings() {
    let w = World::new();
    let mut state = loaded(&w, &w.bob, Tab::Overview);
    state.settings.theme = copse_app::settings::ThemeChoice::Dark;
    let mut h = harness(state);
    h.run_steps(2);
    assert_eq!(h.ctx.theme(), egui::Theme::Dark);
    // Ctrl + makes the text larger, and the setting is kept.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Plus);
    h.run_steps(2);
    assert_eq!(h.state().settings.text_percent, 110);
    assert!((h.ctx.zoom_factor() - 1.1).abs() < 1e-4);
    assert!(h.state().outbox.iter().any(|a| matches!(
        a,
        UiAction::SaveSettings(s) if s.text_percent == 110
    )));
    h.state_mut().settings.theme = copse_app::settings::ThemeChoice::Light;
    h.run_steps(2);
    assert_eq!(h.ctx.theme(), egui::Theme::Light);
}

#[test]
fn a_file_dropped_on_the_window_is_imported() {
    let w = World::new();
    let mut h = harness(loaded(&w, &w.bob, Tab::Overview));
    h.run_steps(2);
    h.state_mut().outbox.clear();
    h.input_mut().dropped_files.push(egui::DroppedFile {
        path: Some("/media/usb/Timber Engineers.automerge".into()),
        ..Default::default()
    });
    h.run_steps(1);
    assert!(requests(h.state()).contains(&Request::Import(ask::Import {
        path: "/media/usb/Timber Engineers.automerge".into()
    })));
}

#[test]
fn joining_shows_what_arrived_and_can_be_cancelled() {
    let w = World::new();
    let mut state = loaded(&w, &w.bob, Tab::Overview);
    state.adding = true;
    state.joining = true;
    let mut h = harness(state);
    h.run_steps(2);
    assert!(h.query_by_label_contains("Reaching the inviter").is_some());
    h.state_mut().apply(AppEvent::JoinProgress {
        received: 1_500_000,
        total: 6_000_000,
    });
    h.run_steps(2);
    assert!(
        h.query_by_label("Receiving the community: 1.5 of 6.0 MB")
            .is_some()
    );
    h.state_mut().outbox.clear();
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run_steps(1);
    assert_eq!(
        requests(h.state()),
        vec![Request::CancelJoin(ask::CancelJoin)]
    );
    h.state_mut().apply(AppEvent::JoinProgress {
        received: 6_000_000,
        total: 6_000_000,
    });
    h.run_steps(2);
    assert!(h.query_by_label_contains("Checking and loading").is_some());
}

#[test]
fn export_and_import_open_the_systems_dialogs() {
    let w = World::new();
    let mut h = harness(loaded(&w, &w.ada, Tab::Peers));
    h.run_steps(2);
    h.state_mut().outbox.clear();
    h.get_by_role_and_label(Role::Button, "Export…").click();
    h.run_steps(1);
    h.get_by_role_and_label(Role::Button, "Import…").click();
    h.run_steps(1);
    let community = h.state().selected.clone().unwrap();
    let chosen: Vec<_> = h
        .state()
        .outbox
        .iter()
        .filter_map(|a| match a {
            UiAction::ChooseFile(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        chosen,
        vec![
            copse_app::file_dialog::FileChoice::Export {
                community,
                name: "Timber Engineers".into(),
            },
            copse_app::file_dialog::FileChoice::Import,
        ]
    );
    // The dialog suggests a file named after the community.
    assert_eq!(
        copse_app::file_dialog::suggested_file_name("Timber Engineers"),
        "Timber Engineers.automerge"
    );
}

#[test]
fn a_coordinator_adds_the_communitys_relay_on_the_peers_tab() {
    let w = World::new();
    let mut h = harness(loaded(&w, &w.ada, Tab::Peers));
    h.run_steps(2);
    h.state_mut().outbox.clear();
    let relay = "/ip4/203.0.113.5/udp/4001/quic-v1/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";
    h.get_by_label("Relay address").focus();
    h.run_steps(2);
    h.get_by_label("Relay address").type_text(relay);
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Add relay").click();
    h.run_steps(2);
    let asked = requests(h.state());
    assert!(
        asked.iter().any(|r| matches!(
            r,
            Request::Edit(ask::Edit {
                command: copse_core::Command::AddRelay { relay: r },
                ..
            }) if r == relay
        )),
        "{asked:?}"
    );
}

#[test]
fn a_meetup_under_way_is_happening_now_not_upcoming() {
    let mut w = World::new();
    let now = copse_peer::now();
    let ada = w.ada.clone();
    w.run(
        &ada,
        Command::CreateEvent {
            title: "Workshop under way".into(),
            description: String::new(),
            starts_at: now.plus_millis(-600_000),
            ends_at: now.plus_millis(3_600_000),
            place: "Bergen".into(),
            zone: None,
        },
    );
    let mut h = harness(loaded(&w, &w.bob, Tab::Events));
    h.run_steps(2);
    let happening = h.get_by_label("Happening now").rect().min.y;
    let upcoming = h.get_by_label("Upcoming").rect().min.y;
    let under_way: Vec<f32> = h
        .get_all_by_label_contains("Workshop under way")
        .map(|n| n.rect().min.y)
        .collect();
    assert!(
        under_way.iter().any(|y| happening < *y && *y < upcoming),
        "the meetup under way is listed between \"Happening now\" ({happening}) and \"Upcoming\" ({upcoming}): {under_way:?}"
    );
}

#[test]
fn enter_in_the_new_task_field_adds_the_task() {
    let w = World::new();
    let mut h = harness(loaded(&w, &w.ada, Tab::Tasks));
    h.run_steps(2);
    type_into(&mut h, "New task", "Order the glulam");
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(
        commands(h.state()),
        vec![Command::CreateTask {
            title: "Order the glulam".into(),
            description: String::new(),
            assignee: None,
            due: None,
            good_first: false,
        }]
    );
}

#[test]
fn copying_the_ticket_says_copied() {
    let w = World::new();
    let mut h = harness(loaded(&w, &w.ada, Tab::Peers));
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Create invite")
        .click();
    h.run_steps(2);
    let Some(Request::Invite(invite)) = requests(h.state()).first().cloned() else {
        panic!("no invite asked")
    };
    let mut state = h.into_state();
    state.apply(AppEvent::Answered(Box::new(Answered::Invite(
        invite,
        Ok(Invitation {
            ticket: "copse-invite:eyJ2IjoxfQ".into(),
            invite: copse_core::InviteId::random(&mut rand::thread_rng()),
            expires_at: copse_core::Timestamp(0),
        }),
    ))));
    let mut h = harness(state);
    h.run_steps(2);
    assert!(h.query_by_label("Copied").is_none());
    h.get_by_role_and_label(Role::Button, "Copy ticket").click();
    h.run_steps(2);
    assert!(h.query_by_label("Copied").is_some());
}

#[test]
fn ctrl_k_pressed_and_let_go_within_one_frame_still_focuses_search() {
    let world = World::new();
    let mut h = harness(loaded(&world, &world.ada, Tab::Overview));
    h.run_steps(2);
    // As a real keyboard delivers a quick Ctrl+K while nothing animates: Ctrl down, K
    // down, Ctrl up, all before the next frame; the frame's modifiers are empty again.
    for (key, pressed, modifiers) in [
        (egui::Key::K, true, egui::Modifiers::COMMAND),
        (egui::Key::K, false, egui::Modifiers::NONE),
    ] {
        h.event(egui::Event::Key {
            key,
            physical_key: Some(key),
            pressed,
            repeat: false,
            modifiers,
        });
    }
    h.run_steps(2);
    assert!(h.get_by_label("Search").is_focused());
}

#[test]
fn closing_search_leaves_an_empty_box() {
    let world = World::new();
    let mut h = harness(loaded(&world, &world.ada, Tab::Overview));
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run_steps(2);
    h.get_by_label("Search").type_text("PUR panels");
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Close search")
        .click();
    h.run_steps(2);
    assert_eq!(h.get_by_label("Search").value().as_deref(), Some(""));
    assert!(
        h.query_by_role_and_label(Role::Button, "Close search")
            .is_none()
    );
}

#[test]
fn a_doing_cards_buttons_stay_in_their_column_in_a_narrow_window() {
    let mut w = World::new();
    let ada = w.ada.clone();
    let Some(copse_core::Created::Task(task)) = w.run(
        &ada,
        Command::CreateTask {
            title: "Check the moisture readings".into(),
            description: String::new(),
            assignee: None,
            due: None,
            good_first: false,
        },
    ) else {
        panic!("no task made")
    };
    w.run(
        &ada,
        Command::MoveTask {
            task,
            status: TaskStatus::Doing,
        },
    );
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(800.0, 900.0))
        .build_ui_state(
            |ui, state: &mut AppState| copse_app::ui::frame(ui, state),
            loaded(&w, &w.ada, Tab::Tasks),
        );
    h.run_steps(3);
    let doing_column = h.get_by_label_contains("Doing (").rect().min.x;
    let done_column = h.get_by_label_contains("Done (").rect().min.x;
    for label in ["Mark as first task", "Back to todo", "Move to done"] {
        // The Doing card's button (the To do card has one of the same name).
        let right = h
            .get_all_by_role_and_label(Role::Button, label)
            .map(|n| n.rect())
            .find(|r| r.min.x >= doing_column)
            .unwrap_or_else(|| panic!("no {label} on the Doing card"))
            .max
            .x;
        assert!(
            right <= done_column,
            "{label} ends at {right}, past the Done column at {done_column}"
        );
    }
}

#[test]
fn enter_picks_the_only_time_zone_that_matches() {
    let w = World::new();
    let mut state = loaded(&w, &w.bob, Tab::Events);
    state.reader_zone = copse_core::local_time::zone("Europe/Oslo");
    let mut h = harness(state);
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Plan a meetup")
        .click();
    h.run_steps(2);
    // The drop-down on the "Time zone" row.
    let row = h.get_by_label("Time zone").rect().center().y;
    h.get_all_by_role(Role::ComboBox)
        .min_by(|a, b| {
            (a.rect().center().y - row)
                .abs()
                .total_cmp(&(b.rect().center().y - row).abs())
        })
        .unwrap_or_else(|| panic!("no time-zone drop-down"))
        .click();
    h.run_steps(2);
    // The list's search field has the focus while it is open.
    h.event(egui::Event::Text("Tokyo".into()));
    h.run_steps(2);
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    let zone = h
        .state()
        .view()
        .and_then(|v| v.event_draft.as_ref())
        .map(|d| d.zone.clone());
    assert_eq!(zone.as_deref(), Some("Asia/Tokyo"));
}

#[test]
fn chart_legends_leave_the_newest_weeks_clear() {
    let w = World::new();
    let mut h = harness(loaded(&w, &w.ada, Tab::Overview));
    h.run_steps(2);
    // Time runs to the right: a legend there would cover the newest weeks, where a new
    // community's data is.
    let middle = 1200.0 / 2.0;
    for level in ["core", "active", "peripheral"] {
        let entry = h.get_by_role_and_label(Role::CheckBox, level).rect();
        assert!(
            entry.max.x < middle,
            "the legend's {level} entry ends at {}, right of the middle",
            entry.max.x
        );
    }
}

#[test]
fn chinese_japanese_korean_and_emoji_render_with_every_glyph() {
    let mut w = World::new();
    let ada = w.ada.clone();
    let title = "苔の観察会 · 한국어 모임";
    let body = "北京的苔藓很漂亮 🌱 ひらがな、カタカナ、한글";
    w.run(
        &ada,
        Command::StartThread {
            kind: ThreadKind::Discussion,
            title: title.into(),
            body: body.into(),
            tags: vec!["苔".into()],
        },
    );
    w.run(
        &ada,
        Command::UpdateMyDetails(MemberDetails {
            name: "山田 花子".into(),
            ..Default::default()
        }),
    );
    let mut h = harness(loaded(&w, &w.ada, Tab::Discussions));
    copse_app::ui::install_fonts(&h.ctx);
    h.run_steps(2);
    h.get_by_label(title).click();
    h.run_steps(2);
    settle(&w, h.state_mut());
    h.run_steps(3);
    let shown: Vec<String> = h
        .query_all_by(|n| {
            n.label()
                .or_else(|| n.value())
                .is_some_and(|l| !l.is_ascii())
        })
        .filter_map(|n| {
            let node = n.accesskit_node();
            node.label().or_else(|| node.value())
        })
        .collect();
    for text in [title, body, "山田 花子"] {
        assert!(
            shown.iter().any(|s| s.contains(text)),
            "{text} is not on screen: {shown:?}"
        );
    }
    // egui's own `has_glyph` says no for every character of the face that also holds its
    // replacement glyph (emoji among them), so look each character up in the context's
    // fonts as egui does: the first face of the family whose character map has it.
    let fonts = h.ctx.fonts(|f| f.definitions().clone());
    let faces: Vec<ttf_parser::Face<'_>> = fonts.families[&egui::FontFamily::Proportional]
        .iter()
        .map(|name| {
            let data = &fonts.font_data[name];
            ttf_parser::Face::parse(&data.font, data.index).unwrap()
        })
        .collect();
    let missing: Vec<char> = shown
        .iter()
        .flat_map(|s| s.chars())
        .filter(|c| !c.is_whitespace())
        .filter(|c| faces.iter().all(|f| f.glyph_index(*c).is_none()))
        .collect();
    assert!(missing.is_empty(), "no glyph for {missing:?} in {shown:?}");
}

/// The folders the backend listed for the chooser, as the state asked for them.
fn listed_folders(state: &mut AppState) -> Vec<std::path::PathBuf> {
    let asked = state
        .outbox
        .iter()
        .filter_map(|a| match a {
            UiAction::ListFolder(dir) => Some(dir.clone()),
            _ => None,
        })
        .collect();
    state.outbox.clear();
    asked
}

fn entry(name: &str, folder: bool) -> copse_app::state::FolderEntry {
    copse_app::state::FolderEntry {
        name: name.into(),
        folder,
    }
}

#[test]
fn without_a_system_dialog_the_apps_own_chooser_imports_from_the_start_screen() {
    use copse_app::file_dialog::FileChoice;
    let mut h = harness(first_run());
    h.run_steps(2);
    // A person with no community yet looks for Import where they start or join one.
    h.get_by_role_and_label(Role::Button, "Import a community file…")
        .click();
    h.run_steps(1);
    assert!(
        h.state()
            .outbox
            .contains(&UiAction::ChooseFile(FileChoice::Import))
    );
    // The system has no dialog: the app's own opens in its place, saying why.
    let home = std::path::PathBuf::from("/home/grace");
    h.state_mut().outbox.clear();
    h.state_mut().apply(AppEvent::NoFileDialog {
        choice: FileChoice::Import,
        start: home.clone(),
    });
    h.run_steps(2);
    h.get_by_label_contains("offers no file dialog");
    h.get_by_label("Import a community file");
    assert_eq!(listed_folders(h.state_mut()), std::slice::from_ref(&home));
    h.state_mut().apply(AppEvent::FolderListed {
        dir: home.clone(),
        entries: Ok(vec![
            entry("notes.txt", false),
            entry("usb", true),
            entry(".cache", true),
        ]),
    });
    h.run_steps(2);
    assert!(h.query_by_label_contains(".cache").is_none(), "hidden");
    let import = h.get_by_role_and_label(Role::Button, "Import");
    assert!(import.accesskit_node().is_disabled(), "nothing picked yet");
    h.get_by_label_contains("usb").click();
    h.run_steps(2);
    let usb = home.join("usb");
    assert_eq!(listed_folders(h.state_mut()), std::slice::from_ref(&usb));
    h.state_mut().apply(AppEvent::FolderListed {
        dir: usb.clone(),
        entries: Ok(vec![entry("Timber Engineers.automerge", false)]),
    });
    h.run_steps(2);
    h.get_by_label("Timber Engineers.automerge").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Import").click();
    h.run_steps(2);
    assert_eq!(
        requests(h.state()),
        [Request::Import(ask::Import {
            path: usb.join("Timber Engineers.automerge")
        })]
    );
    assert!(h.state().file_chooser.is_none(), "closed once chosen");
    // What came in is shown, with what the community's rules kept out.
    let id = copse_core::CommunityId::from_bytes([3; 16]);
    h.state_mut()
        .apply(AppEvent::Answered(Box::new(Answered::Import(
            ask::Import {
                path: usb.join("Timber Engineers.automerge"),
            },
            Ok(copse_peer::Imported {
                id: id.clone(),
                created: true,
                refused: 2,
            }),
        ))));
    assert_eq!(h.state().selected, Some(id));
    assert!(!h.state().adding);
    assert!(h.state().notices.iter().any(|n| n.text
        == "Added the community from the file. 2 changes in it broke the community's rules and were left out."));
}

#[test]
fn the_apps_own_chooser_exports_under_a_name_and_says_what_is_wrong_with_one() {
    use copse_app::file_dialog::FileChoice;
    let w = World::new();
    let mut h = harness(loaded(&w, &w.ada, Tab::Peers));
    h.run_steps(2);
    let community = h.state().selected.clone().unwrap();
    let choice = FileChoice::Export {
        community: community.clone(),
        name: "Timber Engineers".into(),
    };
    let usb = std::path::PathBuf::from("/media/usb");
    h.state_mut().apply(AppEvent::NoFileDialog {
        choice,
        start: usb.clone(),
    });
    h.state_mut().apply(AppEvent::FolderListed {
        dir: usb.clone(),
        entries: Ok(vec![entry("Timber Engineers.automerge", false)]),
    });
    h.run_steps(2);
    // The suggested name is there; a file of that name would be replaced.
    assert_eq!(
        h.get_by_label("File name").value().as_deref(),
        Some("Timber Engineers.automerge")
    );
    h.get_by_label_contains("exporting replaces it");
    h.get_by_label("File name").focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("File name")
        .type_text("backups/timber.automerge");
    h.run_steps(2);
    h.get_by_label_contains("A file name, not a path");
    assert!(
        h.get_by_role_and_label(Role::Button, "Export here")
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_label("File name").focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("File name")
        .type_text("timber-2026-12.automerge");
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("A file name, not a path")
            .is_none()
    );
    h.get_by_role_and_label(Role::Button, "Export here").click();
    h.run_steps(2);
    assert_eq!(
        requests(h.state()),
        [Request::Export(ask::Export {
            community,
            out: usb.join("timber-2026-12.automerge")
        })]
    );
}

#[test]
fn a_removed_member_keeps_a_name_and_reads_a_community_that_offers_nothing_to_write() {
    let mut w = World::new();
    let event = meetup(&mut w, 30);
    let (ada, bob) = (w.ada.clone(), w.bob.clone());
    w.run(
        &bob,
        Command::RecordAttendance {
            event: event.clone(),
            member: bob.clone(),
            present: true,
        },
    );
    w.run(
        &ada,
        Command::RemoveMember {
            member: bob.clone(),
        },
    );
    // Ada (the organiser) still sees who checked in by name, marked removed.
    let mut h = harness(loaded(&w, &ada, Tab::Overview));
    settle_loads(&w, &mut h);
    h.get_by_label_contains("Checked in: Bob (removed)");
    h.get_by_label("Bob (removed)");
    let raw = copse_app::state::short_id(bob.as_str());
    let shown = h
        .query_all_by(|n| n.label().is_some_and(|l| l.contains(&raw)))
        .count();
    assert_eq!(shown, 0, "no raw id {raw}");
    // The members count counts members.
    h.get_by_label("Members").click();
    settle_loads(&w, &mut h);
    h.get_by_label_contains("1 of 1 members");
    // Bob's own window: read-only, and says so.
    w.me = Some(bob.clone());
    for tab in [
        Tab::Overview,
        Tab::Discussions,
        Tab::Knowledge,
        Tab::Events,
        Tab::Tasks,
        Tab::Resources,
        Tab::Peers,
    ] {
        let mut h = harness(loaded(&w, &bob, tab));
        settle_loads(&w, &mut h);
        h.get_by_label_contains("You were removed from this community");
        for offer in [
            "I'm here",
            "Invite newcomers",
            "New discussion",
            "New article",
            "Plan a meetup",
            "Add task",
            "Share a resource",
            "Create invite",
        ] {
            assert!(
                h.query_by_label(offer).is_none(),
                "{offer} offered on {tab:?} to a removed member"
            );
        }
    }
    // Reading still works: a thread opens, with no reply box.
    let mut h = harness(loaded(&w, &bob, Tab::Discussions));
    settle_loads(&w, &mut h);
    h.get_by_label("Site visit in spring").click();
    settle_loads(&w, &mut h);
    h.get_by_label("Back to threads");
    assert!(h.query_by_label("Your reply").is_none());
}

#[test]
fn nothing_is_cut_off_in_an_800_pixel_window() {
    let mut w = World::new();
    meetup(&mut w, 30);
    for tab in Tab::ALL {
        let mut h = egui_kittest::Harness::builder()
            .with_size(egui::vec2(800.0, 900.0))
            .build_ui_state(
                |ui, state: &mut AppState| copse_app::ui::frame(ui, state),
                loaded(&w, &w.ada, tab),
            );
        settle_loads(&w, &mut h);
        h.state_mut().notify(
            "Community created. Invite members from the Peers tab: a ticket, a QR code or a file.",
            false,
        );
        h.run_steps(2);
        let cut: Vec<String> = h
            .query_all_by(|n| n.label().is_some())
            .filter(|n| n.rect().max.x > 800.5)
            .map(|n| {
                format!(
                    "{:?} ends at {:.0}",
                    n.accesskit_node().label().unwrap_or_default(),
                    n.rect().max.x
                )
            })
            .collect();
        assert!(cut.is_empty(), "cut off on {tab:?}: {cut:#?}");
    }
    // Search results, with "Close search" beside the box.
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(800.0, 900.0))
        .build_ui_state(
            |ui, state: &mut AppState| copse_app::ui::frame(ui, state),
            loaded(&w, &w.ada, Tab::Overview),
        );
    h.run_steps(2);
    h.get_by_label("Search").focus();
    h.run_steps(1);
    h.get_by_label("Search").type_text("glue");
    h.run_steps(2);
    settle_searches(&w, &mut h);
    let close = h.get_by_role_and_label(Role::Button, "Close search").rect();
    assert!(close.max.x <= 800.5, "Close search ends at {}", close.max.x);
}

#[test]
fn confirmations_fade_and_errors_sit_by_their_form_until_fixed() {
    let w = World::new();
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1200.0, 900.0))
        .with_step_dt(0.5)
        .build_ui_state(
            |ui, state: &mut AppState| copse_app::ui::frame(ui, state),
            loaded(&w, &w.ada, Tab::Peers),
        );
    h.run_steps(2);
    // A confirmation shows, then fades away on its own.
    h.state_mut().notify(
        "Community created. Invite members from the Peers tab.",
        false,
    );
    h.run_steps(4);
    h.get_by_label_contains("Community created");
    h.run_steps(20);
    assert!(h.query_by_label_contains("Community created").is_none());
    assert!(h.state().notices.is_empty());
    // A refused relay: the error sits under the relay field, not at the bottom.
    let community = h.state().selected.clone().unwrap();
    let add = |relay: &str| ask::Edit {
        community: community.clone(),
        command: Command::AddRelay {
            relay: relay.into(),
        },
    };
    h.state_mut()
        .apply(AppEvent::Answered(Box::new(Answered::Edit(
            add("/ip4/1.2.3.4"),
            Err(PeerError::Invalid(
                "a relay address ends in /p2p/<relay id>".into(),
            )),
        ))));
    h.run_steps(3);
    let error = h.get_by_label_contains("ends in /p2p/").rect();
    let field = h.get_by_label("Relay address").rect();
    let invite = h.get_by_label("Invite someone").rect();
    assert!(
        error.min.y > field.min.y && error.max.y < invite.min.y,
        "the error at {error:?} is not by the field at {field:?}"
    );
    assert_eq!(
        h.get_all_by_label_contains("ends in /p2p/").count(),
        1,
        "shown once"
    );
    // Errors stay…
    h.run_steps(20);
    h.get_by_label_contains("ends in /p2p/");
    // …until the same action succeeds.
    h.state_mut()
        .apply(AppEvent::Answered(Box::new(Answered::Edit(
            add("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWRelay"),
            Ok(copse_peer::EditApplied {
                created: None,
                change: None,
            }),
        ))));
    h.run_steps(2);
    assert!(h.query_by_label_contains("ends in /p2p/").is_none());
    // An error no form shows stays at the bottom.
    h.state_mut()
        .apply(AppEvent::Answered(Box::new(Answered::Edit(
            ask::Edit {
                community: community.clone(),
                command: Command::RemoveMember {
                    member: w.bob.clone(),
                },
            },
            Err(PeerError::Invalid(
                "only coordinators remove members".into(),
            )),
        ))));
    h.run_steps(3);
    h.get_by_label_contains("only coordinators remove members");
}

#[test]
fn a_used_up_invite_is_not_offered_again() {
    let w = World::new();
    // Bob joined with Ada's one-use invite; its ticket is the one this window made.
    let used = copse_core::view::members::invites(w.community.doc())
        .into_iter()
        .find(|e| e.invite.used_by.contains(&w.bob))
        .expect("Bob's invite");
    let mut state = loaded(&w, &w.ada, Tab::Peers);
    let v = state.view_mut().unwrap();
    v.ticket = Some("copse-invite:eyJ2IjoxfQ".into());
    v.ticket_invite = Some(used.id.clone());
    let mut h = harness(state);
    settle_loads(&w, &mut h);
    h.get_by_label_contains("The invite you made has been used (Bob)");
    assert!(h.query_by_label("Invite ticket").is_none());
    assert!(
        h.query_by_role_and_label(Role::Button, "Copy ticket")
            .is_none()
    );
    // A fresh one is offered again.
    h.get_by_role_and_label(Role::Button, "Create invite");
}

#[test]
fn what_is_being_written_survives_switching_threads_and_a_restart() {
    let w = World::new();
    let mut h = harness(loaded(&w, &w.bob, Tab::Discussions));
    h.run_steps(2);
    h.get_by_label("Site visit in spring").click();
    settle_loads(&w, &mut h);
    type_into(&mut h, "Your reply", "I can bring the moisture meter");
    h.run_steps(2);
    // Another thread, and back: the reply waited.
    h.get_by_role_and_label(Role::Button, "Back to threads")
        .click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "New discussion")
        .click();
    h.run_steps(2);
    type_into(&mut h, "Title", "Glulam offcuts");
    h.run_steps(2);
    h.get_by_label("Site visit in spring").click();
    settle_loads(&w, &mut h);
    assert_eq!(
        h.get_by_label("Your reply").value().as_deref(),
        Some("I can bring the moisture meter")
    );
    // What the backend was given to keep, as the file holds it.
    let kept = h
        .state()
        .outbox
        .iter()
        .rev()
        .find_map(|a| match a {
            UiAction::SaveDrafts(d) => Some(d.clone()),
            _ => None,
        })
        .expect("drafts kept");
    let file = serde_json::to_vec(&kept).unwrap();
    // A new window after a restart (or kill -9) reads them back.
    let mut state = loaded(&w, &w.bob, Tab::Discussions);
    state.apply(AppEvent::Drafts(serde_json::from_slice(&file).unwrap()));
    let mut h = harness(state);
    h.run_steps(2);
    assert_eq!(
        h.get_by_label("Title").value().as_deref(),
        Some("Glulam offcuts")
    );
    h.get_by_label("Site visit in spring").click();
    settle_loads(&w, &mut h);
    assert_eq!(
        h.get_by_label("Your reply").value().as_deref(),
        Some("I can bring the moisture meter")
    );
    // Sent, the reply is no draft any more.
    let thread = h.state().view().unwrap().thread_id.clone().unwrap();
    let community = h.state().selected.clone().unwrap();
    h.get_by_role_and_label(Role::Button, "Reply").click();
    h.run_steps(2);
    let sent = requests(h.state())
        .into_iter()
        .find_map(|r| match r {
            Request::Edit(e) if matches!(e.command, Command::Reply { .. }) => Some(e),
            _ => None,
        })
        .expect("reply sent");
    h.state_mut()
        .apply(AppEvent::Answered(Box::new(Answered::Edit(
            sent,
            Ok(copse_peer::EditApplied {
                created: None,
                change: None,
            }),
        ))));
    let kept = h
        .state()
        .outbox
        .iter()
        .rev()
        .find_map(|a| match a {
            UiAction::SaveDrafts(d) => Some(d.clone()),
            _ => None,
        })
        .expect("drafts kept");
    assert!(
        kept.communities
            .get(&community)
            .is_none_or(|d| !d.replies.contains_key(&thread))
    );
}

#[test]
fn a_member_gives_this_device_its_own_relay_and_stops_using_it() {
    let w = World::new();
    let mut h = harness(loaded(&w, &w.bob, Tab::Peers));
    h.run_steps(2);
    // Not a relay's address: said by the field, nothing sent.
    type_into(&mut h, "Relay for this device", "relay.example.org:4001");
    h.get_by_role_and_label(Role::Button, "Use relay").click();
    h.run_steps(3);
    h.get_by_label_contains("That is not a relay's address");
    assert!(h.state().settings.relays.is_empty());
    // A relay's address: used at once, kept in the settings.
    let relay = "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";
    h.get_by_label("Relay for this device").focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Relay for this device").type_text(relay);
    h.run_steps(2);
    h.state_mut().outbox.clear();
    h.get_by_role_and_label(Role::Button, "Use relay").click();
    h.run_steps(3);
    assert!(
        h.query_by_label_contains("That is not a relay's address")
            .is_none()
    );
    assert_eq!(h.state().settings.relays, [relay]);
    assert!(
        requests(h.state()).contains(&Request::UseRelays(ask::UseRelays {
            relays: vec![relay.into()]
        }))
    );
    assert!(
        h.state()
            .outbox
            .iter()
            .any(|a| matches!(a, UiAction::SaveSettings(s) if s.relays == [relay]))
    );
    h.get_by_label(relay);
    h.state_mut().outbox.clear();
    h.get_by_role_and_label(Role::Button, "Stop using").click();
    h.run_steps(3);
    assert!(h.state().settings.relays.is_empty());
    assert!(requests(h.state()).contains(&Request::UseRelays(ask::UseRelays { relays: vec![] })));
}
