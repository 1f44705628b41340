//! Participation levels and the health panel over a small community whose every count is
//! worked out by hand below, and the ledger following the document as it changes.

#![allow(clippy::unwrap_used)]

use copse_core::record::{LevelRule, Role, TaskStatus, ThreadKind};
use copse_core::view::profile::level_rule;
use copse_core::{Command, Created, MemberId, ThreadId, Timestamp};
use copse_participation::{
    ContributionKind, ForYouKind, Ledger, Level, PromptKind, for_you, participation, start_here,
    still_open, story_prompts, trajectory,
};

use copse_testkit::fixture::{DAY, T0, Timber as Fixture, details, member_id as member};

/// Runs `cmd` by `who` on day `day` after the community's creation.
fn on(f: &mut Fixture, day: i64, who: &MemberId, cmd: Command) -> Option<Created> {
    f.now = Timestamp(T0 + day * DAY);
    f.t.community
        .apply(who, f.t.now, &mut f.t.rng, cmd)
        .unwrap()
        .created
}

fn start(f: &mut Fixture, day: i64, who: &MemberId, kind: ThreadKind, title: &str) -> ThreadId {
    let cmd = Command::StartThread {
        kind,
        title: title.into(),
        body: "…".into(),
        tags: vec!["glulam".into()],
    };
    match on(f, day, who, cmd) {
        Some(Created::Thread(t)) => t,
        other => panic!("{other:?}"),
    }
}

fn reply(f: &mut Fixture, day: i64, who: &MemberId, thread: &ThreadId) {
    let cmd = Command::Reply {
        thread: thread.clone(),
        body: "…".into(),
    };
    on(f, day, who, cmd);
}

struct World {
    f: Fixture,
    ada: MemberId,
    bob: MemberId,
    cy: MemberId,
    dee: MemberId,
    q1: ThreadId,
}

/// Day 0: Ada founds it, Bob joins (day 1), Cy (day 3).
/// Day 10: Bob starts a discussion (outside a 90-day window on day 200).
/// Day 150: Bob asks Q1; 151 Ada answers; 152 Cy answers; 153 Bob replies; Bob accepts Ada's.
/// Day 160: Ada writes an article; 161 and 162 Cy edits it.
/// Day 170: a meetup; Ada and Cy record themselves there.
/// Day 175-180: a task, Cy takes it on, moves it to done on day 180.
/// Day 180: Dee joins; 185 she asks Q2, which nobody answers.
/// Coordinators set: 90 days, active from 2, core from 5.
fn world() -> World {
    let mut f = Fixture::new();
    let (ada, bob) = (f.ada.clone(), f.bob.clone());
    let (cy, dee) = (member("Cy"), member("Dee"));
    f.admit(
        &cy,
        details("Cy Twombly", "Mill", &["glulam"], ""),
        Role::Member,
    );
    start(&mut f, 10, &bob, ThreadKind::Discussion, "Old talk");
    let q1 = start(&mut f, 150, &bob, ThreadKind::Question, "Glue lines?");
    reply(&mut f, 151, &ada, &q1);
    reply(&mut f, 152, &cy, &q1);
    reply(&mut f, 153, &bob, &q1);
    let thread = copse_core::view::threads::thread(f.community.doc(), &q1).unwrap();
    let ada_post = thread.thread.posts[1].id.clone();
    on(
        &mut f,
        154,
        &bob,
        Command::AcceptAnswer {
            thread: q1.clone(),
            post: Some(ada_post),
        },
    );
    let Some(Created::Article(article)) = on(
        &mut f,
        160,
        &ada,
        Command::CreateArticle {
            title: "Glue lines".into(),
            body: "First".into(),
            tags: vec![],
        },
    ) else {
        panic!()
    };
    for (day, body) in [(161, "Second"), (162, "Third")] {
        let cmd = Command::EditArticle {
            article: article.clone(),
            body: body.into(),
            base: None,
        };
        on(&mut f, day, &cy, cmd);
    }
    let Some(Created::Event(event)) = on(
        &mut f,
        165,
        &ada,
        Command::CreateEvent {
            title: "Sawmill visit".into(),
            description: String::new(),
            starts_at: Timestamp(T0 + 170 * DAY),
            ends_at: Timestamp(T0 + 170 * DAY + 3_600_000),
            place: String::new(),
            zone: None,
        },
    ) else {
        panic!()
    };
    for who in [&ada, &cy] {
        let cmd = Command::RecordAttendance {
            event: event.clone(),
            member: who.clone(),
            present: true,
        };
        on(&mut f, 170, who, cmd);
    }
    let Some(Created::Task(task)) = on(
        &mut f,
        175,
        &ada,
        Command::CreateTask {
            title: "Sort the offcuts".into(),
            description: String::new(),
            assignee: None,
            due: None,
            good_first: false,
        },
    ) else {
        panic!()
    };
    let assign = Command::AssignTask {
        task: task.clone(),
        assignee: Some(cy.clone()),
    };
    on(&mut f, 176, &cy, assign);
    let done = Command::MoveTask {
        task,
        status: TaskStatus::Done,
    };
    on(&mut f, 180, &cy, done);
    f.now = Timestamp(T0 + 179 * DAY);
    f.admit(&dee, details("Dee Rams", "", &[], ""), Role::Member);
    start(&mut f, 185, &dee, ThreadKind::Question, "Which screws?");
    let rule = LevelRule {
        window_days: 90,
        active_from: 2,
        core_from: 5,
    };
    on(&mut f, 190, &ada, Command::SetLevelRule(rule));
    World {
        f,
        ada,
        bob,
        cy,
        dee,
        q1,
    }
}

const NOW: i64 = T0 + 200 * DAY;

#[test]
fn levels_and_counts_match_the_hand_count() {
    let w = world();
    let rule = level_rule(w.f.community.doc());
    assert_eq!(
        (rule.window_days, rule.active_from, rule.core_from),
        (90, 2, 5)
    );
    let ledger = Ledger::build(w.f.community.doc());
    let p = participation(&ledger, &rule, Timestamp(NOW));
    let row = |m: &MemberId| p.members.iter().find(|r| &r.member == m).unwrap();

    // Ada: an answer, accepted (2), an article written (1), a meetup (1) = 4: active.
    let ada = row(&w.ada);
    assert_eq!((ada.window.answers, ada.window.accepted_answers), (1, 1));
    assert_eq!(
        (ada.window.article_edits, ada.window.meetups_attended),
        (1, 1)
    );
    assert_eq!(
        (ada.window.total(), ada.level, ada.coordinator),
        (4, Level::Active, true)
    );
    // Bob: Q1 and his reply in it = 2 (the day-10 discussion is outside the window).
    let bob = row(&w.bob);
    assert_eq!((bob.window.threads_started, bob.window.replies), (1, 1));
    assert_eq!((bob.window.total(), bob.level), (2, Level::Active));
    // Cy: an answer, two edits, a meetup, a task done = 5: core.
    let cy = row(&w.cy);
    assert_eq!(
        (
            cy.window.answers,
            cy.window.article_edits,
            cy.window.tasks_done
        ),
        (1, 2, 1)
    );
    assert_eq!((cy.window.total(), cy.level), (5, Level::Core));
    // Dee: one question = 1: peripheral.
    assert_eq!(
        (row(&w.dee).window.total(), row(&w.dee).level),
        (1, Level::Peripheral)
    );
    // Most contributions first.
    let order: Vec<&MemberId> = p.members.iter().map(|m| &m.member).collect();
    assert_eq!(order, [&w.cy, &w.ada, &w.bob, &w.dee]);

    // With the defaults (active from 3, core from 20) Cy and Ada are active, Bob is not.
    let defaults = participation(&ledger, &LevelRule::default(), Timestamp(NOW));
    assert_eq!(defaults.level_of(&w.cy), Some(Level::Active));
    assert_eq!(defaults.level_of(&w.ada), Some(Level::Active));
    assert_eq!(defaults.level_of(&w.bob), Some(Level::Peripheral));
}

#[test]
fn the_health_panel_matches_the_hand_count() {
    let w = world();
    let rule = level_rule(w.f.community.doc());
    let ledger = Ledger::build(w.f.community.doc());
    let h = participation(&ledger, &rule, Timestamp(NOW)).health;

    // Joined within 91 days: only Dee.
    let newcomers: Vec<&MemberId> = h.newcomers.iter().map(|n| &n.member).collect();
    assert_eq!(newcomers, [&w.dee]);
    // A quarter ago (day 109) everyone had 0 in the window: all but Dee rose; core first.
    let risers: Vec<(&MemberId, Level)> = h.risers.iter().map(|r| (&r.member, r.level)).collect();
    assert_eq!(
        risers,
        [
            (&w.cy, Level::Core),
            (&w.ada, Level::Active),
            (&w.bob, Level::Active)
        ]
    );
    // Q1 was answered; Dee's waits, since day 185.
    assert_eq!(h.waiting_total, 1);
    assert_eq!(h.waiting[0].asked_at, Timestamp(T0 + 185 * DAY));
    assert_ne!(h.waiting[0].thread, w.q1);
    // One meetup, on day 170, two there; none ahead.
    assert_eq!(h.meetups.last_year, 1);
    let last = h.meetups.last.as_ref().unwrap();
    assert_eq!(
        (last.starts_at, last.attended),
        (Timestamp(T0 + 170 * DAY), 2)
    );
    assert!(h.meetups.next.is_none() && h.meetups.mean_gap_days.is_none());
    assert_eq!(h.meetups.months.iter().map(|m| m.meetups).sum::<u32>(), 1);
    // The weekly chart: 53 points, the last one today's levels (4 members).
    assert_eq!(h.weeks.len(), 53);
    let today = h.weeks.last().unwrap();
    assert_eq!((today.peripheral, today.active, today.core), (1, 2, 1));
    // A year ago (day -165) nobody was a member yet.
    assert_eq!(
        h.weeks[0].peripheral + h.weeks[0].active + h.weeks[0].core,
        0
    );
}

#[test]
fn a_trajectory_counts_each_week_s_window() {
    let w = world();
    let rule = level_rule(w.f.community.doc());
    let ledger = Ledger::build(w.f.community.doc());
    let t = trajectory(&ledger, &rule, Timestamp(NOW), &w.cy).unwrap();
    assert_eq!(t.level(), Level::Core);
    assert_eq!(t.window.total(), 5);
    assert_eq!(t.all_time.total(), 5);
    // Four weeks ago (day 172) Cy had the answer, two edits and the meetup: 4, active.
    let four_weeks = t.weeks[t.weeks.len() - 5];
    assert_eq!(four_weeks.at, Timestamp(NOW - 28 * DAY));
    assert_eq!(
        (four_weeks.contributions, four_weeks.level),
        (4, Level::Active)
    );
    // Bob's day-10 discussion counts all-time, not in the window.
    let bob = trajectory(&ledger, &rule, Timestamp(NOW), &w.bob).unwrap();
    assert_eq!(
        (
            bob.all_time.get(ContributionKind::ThreadStarted),
            bob.window.threads_started
        ),
        (2, 1)
    );
    assert!(trajectory(&ledger, &rule, Timestamp(NOW), &member("Nobody")).is_none());
}

#[test]
fn updates_from_what_changed_match_a_fresh_build() {
    let mut w = world();
    let rule = level_rule(w.f.community.doc());
    let mut ledger = Ledger::build(w.f.community.doc());
    let (ada, cy, dee, bob) = (w.ada.clone(), w.cy.clone(), w.dee.clone(), w.bob.clone());
    // Cy answers Dee's question; the accepted answer of Q1 moves from Ada to Cy; Dee is
    // made a coordinator; Bob is removed; Cy edits the article twice more on one day
    // (one contribution) and finishes a task nobody took on (she moved it: hers).
    let q2 = participation(&ledger, &rule, Timestamp(NOW)).health.waiting[0]
        .thread
        .clone();
    reply(&mut w.f, 191, &cy, &q2);
    let cy_post = copse_core::view::threads::thread(w.f.community.doc(), &w.q1)
        .unwrap()
        .thread
        .posts[2]
        .id
        .clone();
    let accept = Command::AcceptAnswer {
        thread: w.q1.clone(),
        post: Some(cy_post),
    };
    on(&mut w.f, 192, &bob, accept);
    let set = Command::SetRole {
        member: dee.clone(),
        role: Role::Coordinator,
    };
    on(&mut w.f, 193, &ada, set);
    on(
        &mut w.f,
        194,
        &ada,
        Command::RemoveMember {
            member: bob.clone(),
        },
    );
    let article = copse_core::view::articles::article_list(w.f.community.doc(), None)[0]
        .id
        .clone();
    for (minute, body) in [(1, "Fourth"), (2, "Fifth")] {
        w.f.now = Timestamp(T0 + 195 * DAY + minute * 60_000);
        let cmd = Command::EditArticle {
            article: article.clone(),
            body: body.into(),
            base: None,
        };
        w.f.t
            .community
            .apply(&cy, w.f.t.now, &mut w.f.t.rng, cmd)
            .unwrap();
    }
    let Some(Created::Task(task)) = on(
        &mut w.f,
        196,
        &dee,
        Command::CreateTask {
            title: "Sweep".into(),
            description: String::new(),
            assignee: None,
            due: None,
            good_first: false,
        },
    ) else {
        panic!()
    };
    let done = Command::MoveTask {
        task,
        status: TaskStatus::Done,
    };
    on(&mut w.f, 197, &cy, done);
    ledger.update(w.f.community.doc()).unwrap();
    let fresh = Ledger::build(w.f.community.doc());
    let now = Timestamp(NOW);
    assert_eq!(
        participation(&ledger, &rule, now),
        participation(&fresh, &rule, now)
    );

    let p = participation(&ledger, &rule, now);
    // Cy: +1 answer, +1 accepted, +1 day of edits, +1 task = 9; Ada lost her accepted
    // answer: 3.
    let total = |m: &MemberId| {
        p.members
            .iter()
            .find(|r| &r.member == m)
            .map(|r| r.window.total())
    };
    assert_eq!((total(&cy), total(&ada)), (Some(9), Some(3)));
    assert_eq!(total(&bob), None, "a removed member has no level");
    assert!(p.members.iter().any(|r| r.member == dee && r.coordinator));
    assert_eq!(p.health.waiting_total, 0);
    // Nothing new: nothing to do.
    ledger.update(w.f.community.doc()).unwrap();
    assert_eq!(ledger.heads(), w.f.community.doc().get_heads().as_slice());
}

#[test]
fn thresholds_are_coordinators_and_must_make_sense() {
    let mut w = world();
    let bob = w.bob.clone();
    let ada = w.ada.clone();
    let rule = LevelRule {
        window_days: 30,
        active_from: 1,
        core_from: 3,
    };
    let now = Timestamp(NOW);
    let refused =
        w.f.t
            .community
            .apply(&bob, now, &mut w.f.t.rng, Command::SetLevelRule(rule));
    assert!(refused.unwrap_err().to_string().contains("coordinator"));
    for bad in [
        LevelRule {
            window_days: 3,
            ..rule
        },
        LevelRule {
            active_from: 0,
            ..rule
        },
        LevelRule {
            core_from: 1,
            ..rule
        },
    ] {
        let e =
            w.f.t
                .community
                .apply(&ada, now, &mut w.f.t.rng, Command::SetLevelRule(bad));
        assert!(
            e.unwrap_err().to_string().contains("cannot be used"),
            "{bad:?}"
        );
    }
    w.f.t
        .community
        .apply(&ada, now, &mut w.f.t.rng, Command::SetLevelRule(rule))
        .unwrap();
    assert_eq!(level_rule(w.f.community.doc()), rule);
}

#[test]
fn for_you_lists_what_concerns_each_member() {
    let mut w = world();
    let (ada, bob, cy, dee) = (w.ada.clone(), w.bob.clone(), w.cy.clone(), w.dee.clone());
    let q1 = w.q1.clone();
    // Day 199: Cy thanks "@Ada Lovelace" in Q1; Ada replies to "@Cy Twomblyish" (not Cy).
    let cmd = Command::Reply {
        thread: q1.clone(),
        body: "Thanks @Ada Lovelace, that worked.".into(),
    };
    on(&mut w.f, 199, &cy, cmd);
    w.f.now = Timestamp(T0 + 199 * DAY + 3_600_000);
    let cmd = Command::Reply {
        thread: q1.clone(),
        body: "Ask @Cy Twomblyish too".into(),
    };
    w.f.t
        .community
        .apply(&ada, w.f.t.now, &mut w.f.t.rng, cmd)
        .unwrap();
    // A meetup two hours from now.
    on(
        &mut w.f,
        199,
        &ada,
        Command::CreateEvent {
            title: "Glue clinic".into(),
            description: String::new(),
            starts_at: Timestamp(NOW + 7_200_000),
            ends_at: Timestamp(NOW + 10_800_000),
            place: String::new(),
            zone: None,
        },
    );
    let ledger = Ledger::build(w.f.community.doc());
    let now = Timestamp(NOW);
    let kinds = |m: &MemberId| -> Vec<(ForYouKind, String, u32)> {
        for_you(&ledger, m, now)
            .into_iter()
            .map(|i| (i.kind, i.title, i.count))
            .collect()
    };
    let meetup = (ForYouKind::Meetup, "Glue clinic".to_owned(), 1);
    // Ada: the meetup first; Cy's mention; Dee's waiting question is in her skills
    // (glulam). Her accepted answer (day 151) is older than 30 days.
    assert_eq!(
        kinds(&ada),
        [
            meetup.clone(),
            (ForYouKind::Mention, "Glue lines?".into(), 1),
            (ForYouKind::Question, "Which screws?".into(), 1),
        ]
    );
    // Bob: two replies to his question within 30 days, Ada's the latest.
    let bob_items = for_you(&ledger, &bob, now);
    assert_eq!(bob_items[1].kind, ForYouKind::Replies);
    assert_eq!(
        (bob_items[1].count, bob_items[1].by.clone()),
        (2, vec![ada.clone(), cy.clone()])
    );
    assert_eq!(bob_items.len(), 2, "{bob_items:?}");
    // Cy: "@Cy Twomblyish" is not her; she answered a glulam question, so Dee's is hers too.
    assert_eq!(
        kinds(&cy),
        [
            meetup.clone(),
            (ForYouKind::Question, "Which screws?".into(), 1)
        ]
    );
    // Dee asked it herself: only the meetup.
    assert_eq!(kinds(&dee), [meetup]);
    // On day 160 Ada's accepted answer (day 151) is recent, and Bob's replies are Ada's
    // and Cy's of days 151-152.
    let then = Timestamp(T0 + 160 * DAY);
    assert!(
        for_you(&ledger, &ada, then)
            .iter()
            .any(|i| i.kind == ForYouKind::Accepted && i.thread.as_ref() == Some(&q1))
    );
}

#[test]
fn start_here_suggests_first_tasks_questions_a_meetup_and_a_mentor() {
    let mut w = world();
    let (ada, bob) = (w.ada.clone(), w.bob.clone());
    let eve = member("Eve");
    w.f.now = Timestamp(T0 + 194 * DAY);
    w.f.admit(
        &eve,
        details("Eve Arden", "", &["Glulam"], ""),
        Role::Member,
    );
    let task = |f: &mut Fixture, title: &str, assignee: Option<MemberId>, good_first| {
        let cmd = Command::CreateTask {
            title: title.into(),
            description: String::new(),
            assignee,
            due: None,
            good_first,
        };
        on(f, 196, &ada, cmd);
    };
    task(&mut w.f, "Label the samples", None, true);
    task(&mut w.f, "Photograph the kiln", Some(bob.clone()), true);
    task(&mut w.f, "Rewrite the standard", None, false);
    let cmd = Command::CreateEvent {
        title: "Mill walk".into(),
        description: String::new(),
        starts_at: Timestamp(T0 + 210 * DAY),
        ends_at: Timestamp(T0 + 210 * DAY + 3_600_000),
        place: String::new(),
        zone: None,
    };
    on(&mut w.f, 197, &ada, cmd);
    let rule = level_rule(w.f.community.doc());
    let ledger = Ledger::build(w.f.community.doc());
    let s = start_here(&ledger, &rule, Timestamp(NOW), &eve).unwrap();
    assert_eq!(s.level, Level::Peripheral);
    // Unassigned (or hers) and marked; not Bob's, not the unmarked one.
    let tasks: Vec<&str> = s.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(tasks, ["Label the samples"]);
    // Dee's question is tagged glulam, Eve's skill ("Glulam" is stored lowercased).
    let questions: Vec<&str> = s.questions.iter().map(|q| q.title.as_str()).collect();
    assert_eq!(questions, ["Which screws?"]);
    assert_eq!(s.next_meetup.as_ref().unwrap().title, "Mill walk");
    // Ada (coordinator, active) and Cy (core) both list glulam: the core member first.
    let mentor = s.mentor.unwrap();
    assert_eq!((mentor.member, mentor.level), (w.cy.clone(), Level::Core));
    assert_eq!(mentor.shared, ["glulam"]);
    // Bob lists no skills: nobody to suggest.
    assert!(
        start_here(&ledger, &rule, Timestamp(NOW), &bob)
            .unwrap()
            .mentor
            .is_none()
    );
}

#[test]
fn hints_name_who_rose_what_waited_and_what_went_stale() {
    let w = world();
    let rule = level_rule(w.f.community.doc());
    let ledger = Ledger::build(w.f.community.doc());
    let h = participation(&ledger, &rule, Timestamp(NOW)).health.hints;
    let rose: Vec<(&MemberId, Level, Level)> = h
        .ready_for_more
        .iter()
        .map(|r| (&r.member, r.from, r.level))
        .collect();
    assert_eq!(
        rose,
        [
            (&w.cy, Level::Peripheral, Level::Core),
            (&w.ada, Level::Peripheral, Level::Active),
            (&w.bob, Level::Peripheral, Level::Active),
        ]
    );
    // Dee's question (day 185) has waited over a week on day 200; the article (last
    // changed day 162) is not a year old.
    assert_eq!(h.waited_over_week_total, 1);
    assert_eq!(h.stale_articles_total, 0);
    // A year and a week later it is, and nobody rose in a quiet quarter.
    let later = Timestamp(T0 + 535 * DAY);
    let h = participation(&ledger, &rule, later).health.hints;
    assert_eq!(h.stale_articles_total, 1);
    assert_eq!(h.stale_articles[0].title, "Glue lines");
    assert!(h.ready_for_more.is_empty());
}

#[test]
fn story_prompts_come_two_weeks_after_an_accepted_answer_or_an_attended_meetup() {
    let w = world();
    let ledger = Ledger::build(w.f.community.doc());
    let prompts = |m: &MemberId, day: i64| -> Vec<(PromptKind, String)> {
        story_prompts(&ledger, m, Timestamp(T0 + day * DAY))
            .into_iter()
            .map(|p| (p.kind, p.title))
            .collect()
    };
    let answer = (PromptKind::Answer, "Glue lines?".to_owned());
    let meetup = (PromptKind::Meetup, "Sawmill visit".to_owned());
    // Bob accepted Ada's answer on day 154: asked from day 168, not before.
    assert!(prompts(&w.bob, 167).is_empty());
    assert_eq!(prompts(&w.bob, 168), std::slice::from_ref(&answer));
    // The meetup ended an hour into day 170 (Ada and Cy were there): asked two weeks
    // after its end, so not yet at the start of day 184, by day 185.
    assert!(prompts(&w.ada, 184).is_empty());
    assert_eq!(prompts(&w.ada, 185), std::slice::from_ref(&meetup));
    assert_eq!(prompts(&w.cy, 200), [meetup]);
    // Dee neither asked nor went; and it is not asked about once it is history.
    assert!(prompts(&w.dee, 200).is_empty());
    assert!(prompts(&w.bob, 154 + 121).is_empty());
    // The prompt names the answer it is about, and a key to remember it by.
    let p = &story_prompts(&ledger, &w.bob, Timestamp(T0 + 170 * DAY))[0];
    let thread = copse_core::view::threads::thread(w.f.community.doc(), &w.q1).unwrap();
    assert_eq!(p.post.as_ref(), thread.thread.accepted_post.as_ref());
    assert_eq!(p.key(), format!("thread:{}", w.q1));
}

#[test]
fn a_prompt_closes_once_a_story_answers_it_or_it_is_dismissed() {
    let mut w = world();
    let (bob, ada) = (w.bob.clone(), w.ada.clone());
    let now = Timestamp(T0 + 190 * DAY);
    let open = |w: &World, m: &MemberId, done: &[&str]| -> usize {
        let ledger = Ledger::build(w.f.community.doc());
        let stories = copse_core::view::stories::stories(w.f.community.doc(), None);
        let done = done.iter().map(|s| s.to_string()).collect();
        still_open(story_prompts(&ledger, m, now), m, &stories, &done).len()
    };
    assert_eq!((open(&w, &bob, &[]), open(&w, &ada, &[])), (1, 1));
    // Bob tells what came of the answer: his prompt closes, Ada's (the meetup) stays.
    let q1 = w.q1.clone();
    on(
        &mut w.f,
        189,
        &bob,
        Command::ShareStory {
            text: "We re-glued the beam; it held.".into(),
            thread: Some(q1),
            post: None,
            event: None,
        },
    );
    assert_eq!((open(&w, &bob, &[]), open(&w, &ada, &[])), (0, 1));
    // Ada dismisses hers on her device.
    let key = story_prompts(&Ledger::build(w.f.community.doc()), &ada, now)[0].key();
    assert_eq!(open(&w, &ada, &[key.as_str()]), 0);
}

#[test]
fn a_mention_at_the_end_of_a_long_post_is_found() {
    let mut w = world();
    let (ada, cy, q1) = (w.ada.clone(), w.cy.clone(), w.q1.clone());
    let body = format!("{}— thanks, @Ada Lovelace!", "word ".repeat(12_000));
    on(&mut w.f, 199, &cy, Command::Reply { thread: q1, body });
    let ledger = Ledger::build(w.f.community.doc());
    let items = for_you(&ledger, &ada, Timestamp(NOW));
    assert!(
        items.iter().any(|i| i.kind == ForYouKind::Mention),
        "{items:?}"
    );
}

#[test]
fn the_last_meetups_digest_names_what_was_started_and_answered_there() {
    use copse_participation::meetup_digest;
    let mut w = world();
    let (ada, bob, cy) = (w.ada.clone(), w.bob.clone(), w.cy.clone());
    const HOUR: i64 = 3_600_000;
    let at = |f: &mut Fixture, ms: i64, who: &MemberId, cmd: Command| {
        f.now = Timestamp(T0 + 300 * DAY + ms);
        f.t.community
            .apply(who, f.t.now, &mut f.t.rng, cmd)
            .unwrap()
            .created
    };
    let old_question = start(
        &mut w.f,
        250,
        &cy,
        ThreadKind::Question,
        "Asked long before",
    );
    let starts = Timestamp(T0 + 300 * DAY + 3 * HOUR);
    let Some(Created::Event(event)) = at(
        &mut w.f,
        0,
        &ada,
        Command::CreateEvent {
            title: "Autumn meetup".into(),
            description: String::new(),
            starts_at: starts,
            ends_at: starts.plus_millis(2 * HOUR),
            place: "Bergen".into(),
            zone: Some("Europe/Oslo".into()),
        },
    ) else {
        panic!("no event");
    };
    let thread = |cmd_title: &str| Command::StartThread {
        kind: ThreadKind::Discussion,
        title: cmd_title.into(),
        body: "…".into(),
        tags: vec![],
    };
    // Half an hour before the start counts (people arrive early).
    let Some(Created::Thread(during)) =
        at(&mut w.f, 2 * HOUR + HOUR / 2, &bob, thread("At the meetup"))
    else {
        panic!("no thread");
    };
    let Some(Created::Post(answer)) = at(
        &mut w.f,
        4 * HOUR,
        &ada,
        Command::Reply {
            thread: old_question.clone(),
            body: "Use a meter".into(),
        },
    ) else {
        panic!("no post");
    };
    at(
        &mut w.f,
        4 * HOUR + 60_000,
        &cy,
        Command::AcceptAnswer {
            thread: old_question.clone(),
            post: Some(answer),
        },
    );
    at(
        &mut w.f,
        4 * HOUR + 120_000,
        &bob,
        Command::RecordAttendance {
            event: event.clone(),
            member: bob.clone(),
            present: true,
        },
    );
    // Two hours after the end: outside.
    at(&mut w.f, 7 * HOUR, &bob, thread("Long after"));
    let now = Timestamp(T0 + 300 * DAY + 8 * HOUR);
    let ledger = Ledger::build(w.f.community.doc());
    let d = meetup_digest(&ledger, w.f.community.doc(), now).unwrap();
    assert_eq!(d.event.id, event);
    assert_eq!(d.came.len(), 1);
    assert_eq!(d.came[0].0, bob);
    let ids = |v: &[copse_core::view::meetups::ThreadBrief]| {
        v.iter().map(|t| t.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&d.threads_started), vec![during]);
    assert_eq!(ids(&d.questions_answered), vec![old_question]);
    assert_eq!(d.questions_answered[0].title, "Asked long before");
    // Q1 was accepted on day 154, long before: not "answered there".
    assert!(!ids(&d.questions_answered).contains(&w.q1));
    // Before it ended there is no digest; a month on, none either.
    assert!(meetup_digest(&ledger, w.f.community.doc(), starts).is_none());
    assert!(meetup_digest(&ledger, w.f.community.doc(), now.plus_millis(31 * DAY)).is_none());
}
