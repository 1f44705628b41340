//! The index over small hand-made communities: what is found, how it is ranked and
//! filtered, and that it follows the document as it changes.

#![allow(clippy::unwrap_used)]

use copse_core::changed_records::{Changed, changed_records};
use copse_core::record::{Role, ThreadKind};
use copse_core::{Command, Created, MemberId, Timestamp};
use copse_search::{RecordKey, SearchIndex, SearchKind, SearchQuery, SearchTarget};
use copse_testkit::fixture::{DAY, T0, Timber as Fixture, details, member_id as member};

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        ..SearchQuery::default()
    }
}

fn built(f: &Fixture, dir: &std::path::Path) -> SearchIndex {
    let mut index = SearchIndex::open(dir).unwrap();
    assert!(index.heads().is_none(), "a new index reflects nothing yet");
    index
        .rebuild(
            f.community.doc(),
            &f.community.doc().get_heads(),
            &mut |_, _| true,
        )
        .unwrap();
    index
}

#[test]
fn finds_every_kind_with_the_matching_words_marked() {
    let mut f = Fixture::new();
    let (ada, bob) = (f.ada.clone(), f.bob.clone());
    let t = f.question(
        &bob,
        "Moisture in glulam beams",
        "How dry must glulam be before gluing?",
        &["glulam"],
    );
    f.run(
        &ada,
        Command::Reply {
            thread: t.clone(),
            body: "Below 15 % moisture content, measured with a pin meter.".into(),
        },
    );
    f.run(
        &ada,
        Command::CreateArticle {
            title: "Drying schedules".into(),
            body: "Kiln schedules keep moisture gradients small.".into(),
            tags: vec!["drying".into()],
        },
    );
    f.run(
        &bob,
        Command::CreateEvent {
            title: "Sawmill visit".into(),
            description: "We look at moisture meters".into(),
            starts_at: Timestamp(T0 + 40 * DAY),
            ends_at: Timestamp(T0 + 41 * DAY),
            place: "Trondheim".into(),
            zone: None,
        },
    );
    f.run(
        &bob,
        Command::CreateTask {
            title: "Calibrate the moisture meter".into(),
            description: String::new(),
            assignee: None,
            due: None,
            good_first: false,
        },
    );
    f.run(
        &ada,
        Command::AddResource {
            title: "Moisture tables".into(),
            url: Some("https://example.org/moisture".into()),
            description: "Equilibrium moisture content by climate".into(),
            tags: vec!["tables".into()],
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let index = built(&f, dir.path());

    let found = index.search(&q("moisture")).unwrap();
    let kinds: std::collections::BTreeSet<SearchKind> =
        found.hits.iter().map(|h| h.kind()).collect();
    assert_eq!(
        kinds,
        [
            SearchKind::Thread,
            SearchKind::Post,
            SearchKind::Article,
            SearchKind::Event,
            SearchKind::Task,
            SearchKind::Resource
        ]
        .into(),
        "{found:#?}"
    );
    assert_eq!(found.total, found.hits.len());
    // The reply's snippet marks exactly the word.
    let reply = found
        .hits
        .iter()
        .find(|h| {
            matches!(&h.target, SearchTarget::Post { thread, .. } if *thread == t)
                && h.snippet.text.contains("pin meter")
        })
        .unwrap();
    let marked: Vec<&str> = reply
        .snippet
        .pieces()
        .into_iter()
        .filter(|(_, m)| *m)
        .map(|(s, _)| s)
        .collect();
    assert_eq!(marked, ["moisture"]);
    assert_eq!(
        reply.snippet.text, "Below 15 % moisture content, measured with a pin meter.",
        "a short text is shown whole, its last stop included"
    );
    assert_eq!(
        reply.context, "Moisture in glulam beams",
        "a post names its thread"
    );
    // A title match is marked in the title.
    let thread_hit = found
        .hits
        .iter()
        .find(|h| h.kind() == SearchKind::Thread)
        .unwrap();
    assert_eq!(
        &thread_hit.title.text[thread_hit.title.matches[0].0..thread_hit.title.matches[0].1],
        "Moisture"
    );
    // Grouped in display order.
    let groups: Vec<SearchKind> = found.grouped().into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        groups,
        [
            SearchKind::Thread,
            SearchKind::Post,
            SearchKind::Article,
            SearchKind::Event,
            SearchKind::Task,
            SearchKind::Resource
        ]
    );

    // Members by name, organisation (accents folded) and skill.
    for (words, who) in [
        ("lovelace", &ada),
        ("cafe", &bob),
        ("fire safety", &bob),
        ("glulam", &ada),
    ] {
        let hits = index
            .search(&SearchQuery {
                kind: Some(SearchKind::Member),
                ..q(words)
            })
            .unwrap()
            .hits;
        assert_eq!(hits.len(), 1, "{words}");
        assert_eq!(
            hits[0].target,
            SearchTarget::Member {
                member: who.clone()
            },
            "{words}"
        );
    }
    // Every word must match; nonsense and syntax find nothing without failing.
    assert!(
        index
            .search(&q("moisture zeppelin"))
            .unwrap()
            .hits
            .is_empty()
    );
    assert!(
        index
            .search(&q("\"unclosed AND OR ("))
            .unwrap()
            .hits
            .is_empty()
    );
    assert!(index.search(&q("   ")).unwrap().hits.is_empty());
}

#[test]
fn a_title_match_ranks_above_a_passing_mention() {
    let mut f = Fixture::new();
    let bob = f.bob.clone();
    f.question(
        &bob,
        "Lunch plans",
        "Also, has anyone tried cross laminated timber for stairs? Anyway, lunch.",
        &[],
    );
    f.question(
        &bob,
        "Cross laminated timber stairs",
        "Details for CLT stairs.",
        &[],
    );
    let dir = tempfile::tempdir().unwrap();
    let index = built(&f, dir.path());
    let hits = index.search(&q("laminated stairs")).unwrap().hits;
    assert_eq!(
        hits[0].title.text, "Cross laminated timber stairs",
        "{hits:#?}"
    );
}

#[test]
fn filters_by_kind_tag_author_and_date() {
    let mut f = Fixture::new();
    let (ada, bob) = (f.ada.clone(), f.bob.clone());
    let early = f.question(
        &ada,
        "Screw spacing",
        "Screw spacing in CLT panels",
        &["clt"],
    );
    let middle = f.now;
    let late = f.question(
        &bob,
        "More screw spacing",
        "Screw spacing near edges",
        &["connections"],
    );
    let dir = tempfile::tempdir().unwrap();
    let index = built(&f, dir.path());
    let threads_of = |query: SearchQuery| -> Vec<copse_core::ThreadId> {
        let mut v: Vec<_> = index
            .search(&query)
            .unwrap()
            .hits
            .into_iter()
            .filter_map(|h| match h.target {
                SearchTarget::Thread { thread } | SearchTarget::Post { thread, .. } => Some(thread),
                _ => None,
            })
            .collect();
        v.dedup();
        v
    };
    assert_eq!(
        threads_of(SearchQuery {
            tag: Some("CLT".into()),
            ..q("screw")
        }),
        vec![early.clone()]
    );
    assert_eq!(
        threads_of(SearchQuery {
            author: Some(bob.clone()),
            ..q("screw")
        }),
        vec![late.clone()]
    );
    assert_eq!(
        threads_of(SearchQuery {
            since: Some(middle.plus_millis(1)),
            ..q("spacing")
        }),
        vec![late.clone()]
    );
    assert_eq!(
        threads_of(SearchQuery {
            until: Some(middle.plus_millis(1)),
            ..q("spacing")
        }),
        vec![early.clone()]
    );
    let posts = index
        .search(&SearchQuery {
            kind: Some(SearchKind::Post),
            ..q("spacing")
        })
        .unwrap();
    assert_eq!(posts.total, 2);
    assert!(posts.hits.iter().all(|h| h.kind() == SearchKind::Post));
    let limited = index
        .search(&SearchQuery {
            limit: 1,
            ..q("spacing")
        })
        .unwrap();
    assert_eq!((limited.hits.len(), limited.total), (1, 4));
}

#[test]
fn follows_edits_replies_and_removals_from_what_changed() {
    let mut f = Fixture::new();
    let (ada, bob) = (f.ada.clone(), f.bob.clone());
    let t = f.question(&bob, "Fire ratings", "Charring rate of spruce?", &[]);
    let dir = tempfile::tempdir().unwrap();
    let mut index = built(&f, dir.path());
    let before = f.community.doc().get_heads();

    let Some(Created::Post(p)) = f.run(
        &ada,
        Command::Reply {
            thread: t.clone(),
            body: "About 0.65 mm per minute".into(),
        },
    ) else {
        panic!()
    };
    f.run(
        &ada,
        Command::EditPost {
            thread: t.clone(),
            post: p.clone(),
            body: "Roughly 0.7 mm per minute for glulam".into(),
        },
    );
    f.run(
        &ada,
        Command::RemoveMember {
            member: bob.clone(),
        },
    );
    let after = f.community.doc().get_heads();
    let changed = changed_records(f.community.doc(), &before);
    assert_eq!(
        changed,
        Changed::Records([RecordKey::Thread(t.clone()), RecordKey::Member(bob.clone())].into())
    );
    let Changed::Records(keys) = changed else {
        unreachable!()
    };
    index.update(f.community.doc(), keys, &after).unwrap();

    let hit = index.search(&q("roughly")).unwrap().hits;
    assert_eq!(hit.len(), 1);
    assert_eq!(
        hit[0].target,
        SearchTarget::Post {
            thread: t.clone(),
            post: p
        }
    );
    assert!(
        index.search(&q("0.65")).unwrap().hits.is_empty(),
        "the edited-away text is gone"
    );
    assert!(
        index.search(&q("Builder")).unwrap().hits.is_empty(),
        "a removed member is not listed"
    );
    assert_eq!(
        index.search(&q("charring")).unwrap().hits.len(),
        1,
        "the rest of the thread stays"
    );

    // Reopened, the index says what it reflects; nothing changed since.
    drop(index);
    let reopened = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(reopened.heads(), Some(after.as_slice()));
    assert_eq!(
        changed_records(f.community.doc(), &after),
        Changed::Records(Default::default())
    );
    assert_eq!(reopened.search(&q("roughly")).unwrap().hits.len(), 1);
}

#[test]
fn an_unreadable_index_is_started_afresh_and_unknown_heads_mean_rebuild() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    drop(built(&f, dir.path()));
    std::fs::write(dir.path().join("meta.json"), b"{ not json").unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    assert!(index.heads().is_none());
    assert!(index.is_empty());
    let foreign = Fixture::new();
    let mut other = Fixture::new();
    let bob = other.bob.clone();
    other.question(&bob, "x", "y", &[]);
    assert_eq!(
        changed_records(foreign.community.doc(), &other.community.doc().get_heads()),
        Changed::Everything
    );
}

#[test]
fn experts_rank_earned_expertise_apart_from_declared_skills() {
    let mut f = Fixture::new();
    let (ada, bob) = (f.ada.clone(), f.bob.clone());
    // Cyd joins too.
    let cyd = member("Cyd");
    f.admit(&cyd, details("Cyd", "Mill", &["sawing"], ""), Role::Member);
    let reply = |f: &mut Fixture, who: &MemberId, t: &copse_core::ThreadId| match f.run(
        who,
        Command::Reply {
            thread: t.clone(),
            body: "an answer".into(),
        },
    ) {
        Some(Created::Post(p)) => p,
        other => panic!("{other:?}"),
    };
    // Ada asks about glulam: Bob's answer is accepted, Cyd answers too.
    let q1 = f.question(&ada, "Glulam camber", "How much camber?", &["glulam"]);
    let bobs = reply(&mut f, &bob, &q1);
    reply(&mut f, &cyd, &q1);
    f.run(
        &ada,
        Command::AcceptAnswer {
            thread: q1.clone(),
            post: Some(bobs),
        },
    );
    // More replies in the same question earn nothing more: one answer per question.
    reply(&mut f, &bob, &q1);
    reply(&mut f, &cyd, &q1);
    // Cyd asks: Bob and Ada answer.
    let q2 = f.question(
        &cyd,
        "Glulam moisture",
        "Dry enough?",
        &["glulam", "moisture"],
    );
    reply(&mut f, &bob, &q2);
    reply(&mut f, &ada, &q2);
    // The asker answering their own question earns nothing.
    reply(&mut f, &cyd, &q2);
    // Cyd writes an article; Bob edits it last.
    let Some(Created::Article(article)) = f.run(
        &cyd,
        Command::CreateArticle {
            title: "Glulam grades".into(),
            body: "GL24h, GL28h".into(),
            tags: vec!["glulam".into()],
        },
    ) else {
        panic!()
    };
    f.run(
        &bob,
        Command::EditArticle {
            article,
            body: "GL24h, GL28h, GL32h".into(),
            base: None,
        },
    );
    // A discussion is not a question: replies to it are not answers.
    let Some(Created::Thread(d)) = f.run(
        &bob,
        Command::StartThread {
            kind: ThreadKind::Discussion,
            title: "Glulam suppliers".into(),
            body: "Who do you buy from?".into(),
            tags: vec!["glulam".into()],
        },
    ) else {
        panic!()
    };
    reply(&mut f, &ada, &d);

    let dir = tempfile::tempdir().unwrap();
    let index = built(&f, dir.path());
    let glulam = index.experts(&["Glulam".into()], 10).unwrap();
    let row = |m: &MemberId| glulam.iter().find(|e| &e.member == m).cloned().unwrap();
    assert_eq!(
        glulam.iter().map(|e| e.member.clone()).collect::<Vec<_>>(),
        [bob.clone(), cyd.clone(), ada.clone()],
        "{glulam:#?}"
    );
    let b = row(&bob);
    assert_eq!(
        (
            b.earned,
            b.accepted_answers,
            b.answers,
            b.articles,
            b.declared
        ),
        (5 + 3 + 2, 1, 1, 1, false)
    );
    let c = row(&cyd);
    assert_eq!(
        (
            c.earned,
            c.accepted_answers,
            c.answers,
            c.articles,
            c.declared
        ),
        (3 + 2, 0, 1, 1, false)
    );
    let a = row(&ada);
    assert_eq!(
        (a.earned, a.answers, a.declared),
        (3, 1, true),
        "Ada also lists glulam as a skill"
    );

    // Only declared: after everyone who earned it.
    let fire = index.experts(&["fire safety".into()], 10).unwrap();
    assert_eq!(fire.len(), 1);
    assert_eq!(
        (fire[0].member.clone(), fire[0].earned, fire[0].declared),
        (bob.clone(), 0, true)
    );
    // Several topics at once (a question's tags and words); unknown ones add nothing.
    let both = index
        .experts(&["moisture".into(), "zeppelin".into()], 10)
        .unwrap();
    assert_eq!(
        both.iter().map(|e| e.earned).collect::<Vec<_>>(),
        [3, 3],
        "{both:#?}"
    );
    assert_eq!(index.experts(&["glulam".into()], 1).unwrap().len(), 1);
    assert!(index.experts(&[], 10).unwrap().is_empty());

    // A removed member is no one's expert any more.
    let before = f.community.doc().get_heads();
    f.run(
        &ada,
        Command::RemoveMember {
            member: bob.clone(),
        },
    );
    let mut index = index;
    let Changed::Records(keys) = changed_records(f.community.doc(), &before) else {
        panic!()
    };
    index
        .update(f.community.doc(), keys, &f.community.doc().get_heads())
        .unwrap();
    let after = index.experts(&["glulam".into()], 10).unwrap();
    assert!(after.iter().all(|e| e.member != bob), "{after:#?}");
}

#[test]
fn a_cancelled_build_leaves_nothing_and_any_limit_is_safe() {
    let mut f = Fixture::new();
    let bob = f.bob.clone();
    for i in 0..1200 {
        f.question(&bob, &format!("Span table {i}"), "deflection limits", &[]);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut index = SearchIndex::open(dir.path()).unwrap();
    let heads = f.community.doc().get_heads();
    let mut calls = 0;
    let cancelled = index.rebuild(f.community.doc(), &heads, &mut |_, _| {
        calls += 1;
        calls < 2
    });
    assert!(
        matches!(cancelled, Err(copse_search::SearchError::Cancelled)),
        "{cancelled:?}"
    );
    assert!(index.heads().is_none());
    index.commit(&[]).unwrap();
    assert!(index.is_empty(), "nothing of the cancelled build was kept");
    index
        .rebuild(f.community.doc(), &heads, &mut |_, _| true)
        .unwrap();
    let all = index
        .search(&SearchQuery {
            limit: usize::MAX,
            ..q("deflection")
        })
        .unwrap();
    assert_eq!(
        (all.hits.len(), all.total),
        (copse_search::MAX_RESULTS, 1200)
    );
    assert!(index.experts(&["x".into()], usize::MAX).unwrap().is_empty());
}

#[test]
fn a_torn_index_is_noticed_not_trusted() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    drop(built(&f, dir.path()));
    // The index is not synced: after a power loss its files may be cut short.
    for e in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "store" || x == "idx") {
            let len = std::fs::metadata(&p).unwrap().len();
            let file = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
            file.set_len(len / 2).unwrap();
        }
    }
    match SearchIndex::open(dir.path()) {
        // Either it cannot be opened, and starts afresh to be built again...
        Ok(index) if index.heads().is_none() => assert!(index.is_empty()),
        // ...or reading it fails in a way that says the files are damaged.
        Ok(index) => {
            let err = index.search(&q("Lovelace")).unwrap_err();
            assert!(err.is_damage(), "{err}");
        }
        Err(e) => panic!("a torn index must not stop search: {e}"),
    }
}

#[test]
fn chinese_japanese_and_korean_words_are_found_inside_sentences() {
    let mut f = Fixture::new();
    let bob = f.bob.clone();
    f.question(
        &bob,
        "鞍馬山の苔: 今週末の観察会",
        "北京的苔藓很漂亮。이끼 표본은 종이 봉투에 보관하나요?",
        &[],
    );
    let dir = tempfile::tempdir().unwrap();
    let index = built(&f, dir.path());
    let titles = |text: &str| -> Vec<String> {
        index
            .search(&q(text))
            .unwrap()
            .hits
            .iter()
            .map(|h| h.title.text.clone())
            .collect()
    };
    let title = "鞍馬山の苔: 今週末の観察会".to_owned();
    // One character (in the title and in the question's text), a word inside a
    // sentence, and Korean inside a word with its particle (the question's text: a hit
    // on the post, whose title is empty).
    assert!(titles("苔").contains(&title));
    assert_eq!(titles("観察会"), std::slice::from_ref(&title));
    assert_eq!(titles("苔藓").len(), 1);
    assert_eq!(titles("표본").len(), 1);
    // Characters in another order are another word.
    assert!(titles("察観").is_empty());
    // The match is marked in the title.
    let found = index.search(&q("観察会")).unwrap();
    let hit = &found.hits[0];
    let marked: String = hit
        .title
        .pieces()
        .into_iter()
        .filter(|(_, m)| *m)
        .map(|(p, _)| p)
        .collect();
    assert_eq!(marked, "観察会");
}
