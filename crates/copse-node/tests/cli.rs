//! `copse-node` as a user drives it: a question with an accepted answer survives export and
//! import into a second profile; bad input gets clear errors and changes nothing.

#![allow(clippy::unwrap_used)]

mod common;

use common::{ada_in_timber, fails, ok};

use std::process::Command;

#[test]
fn question_answer_export_import_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let me = ok(
        &a,
        &[
            "init",
            "--name",
            "Ada",
            "--organisation",
            "Analytical",
            "--skills",
            "rust,math",
        ],
    );
    assert!(me.starts_with("12D3KooW"), "{me}");
    let c = ok(
        &a,
        &[
            "community",
            "create",
            "--name",
            "Timber",
            "--domain",
            "structural timber",
            "--objective",
            "share methods",
        ],
    );
    let q = ok(
        &a,
        &[
            "thread",
            "new",
            "-c",
            &c,
            "--title",
            "Which glue?",
            "--body",
            "PUR or MUF?",
            "--question",
            "--tags",
            "glue",
        ],
    );
    let p = ok(
        &a,
        &["thread", "reply", "-c", &c, "--thread", &q, "--body", "PUR"],
    );
    assert_eq!(
        ok(
            &a,
            &["thread", "accept", "-c", &c, "--thread", &q, "--post", &p]
        ),
        "ok"
    );
    let ev = ok(
        &a,
        &[
            "event",
            "new",
            "-c",
            &c,
            "--title",
            "Meetup",
            "--starts",
            "2099-01-10 18:00",
            "--place",
            "Oslo",
        ],
    );
    ok(
        &a,
        &["event", "rsvp", "-c", &c, "--event", &ev, "--answer", "yes"],
    );
    let t = ok(
        &a,
        &[
            "task",
            "new",
            "-c",
            &c,
            "--title",
            "Span tables",
            "--assignee",
            &me,
        ],
    );
    ok(
        &a,
        &["task", "move", "-c", &c, "--task", &t, "--status", "doing"],
    );
    let art = ok(&a, &["article", "promote", "-c", &c, "--thread", &q]);
    ok(
        &a,
        &[
            "article",
            "edit",
            "-c",
            &c,
            "--article",
            &art,
            "--body",
            "Use PUR.",
        ],
    );
    ok(
        &a,
        &[
            "resource",
            "add",
            "-c",
            &c,
            "--title",
            "Eurocode 5",
            "--url",
            "https://example.org/ec5",
        ],
    );

    let shown: serde_json::Value =
        serde_json::from_str(&ok(&a, &["show", "-c", &c, "--json"])).unwrap();
    let thread = &shown["threads"][0];
    assert_eq!(thread["accepted_post"], p.as_str());
    assert_eq!(thread["posts"].as_array().unwrap().len(), 2);
    assert_eq!(shown["tasks"]["doing"][0]["title"], "Span tables");
    assert_eq!(shown["articles"][0]["body"], "Use PUR.");
    assert_eq!(shown["events"][0]["rsvp"][&me], "yes");

    let file = tmp.path().join("timber.automerge");
    ok(&a, &["export", "-c", &c, "--out", file.to_str().unwrap()]);
    // The export is a plain Automerge document.
    let doc = automerge::Automerge::load(&std::fs::read(&file).unwrap()).unwrap();
    assert!(!doc.get_heads().is_empty());

    ok(&b, &["init", "--name", "Grace"]);
    assert_eq!(
        ok(&b, &["import", file.to_str().unwrap()]),
        format!("added {c}")
    );
    assert_eq!(
        ok(&b, &["show", "-c", &c, "--json"]),
        ok(&a, &["show", "-c", &c, "--json"])
    );
    // Importing again merges and changes nothing.
    assert_eq!(
        ok(&b, &["import", file.to_str().unwrap()]),
        format!("merged into {c}")
    );
    assert_eq!(
        ok(&b, &["show", "-c", &c, "--json"]),
        ok(&a, &["show", "-c", &c, "--json"])
    );
    // Grace is not a member of the imported copy: she can read but not post.
    let err = fails(
        &b,
        &["thread", "new", "-c", &c, "--title", "t", "--body", "b"],
    );
    assert!(err.contains("not a member"), "{err}");
}

#[test]
fn bad_input_gets_clear_errors_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let err = fails(&a, &["community", "create", "--name", "X", "--domain", "Y"]);
    assert!(err.contains("copse-node init"), "{err}");
    ok(&a, &["init", "--name", "Ada"]);
    let c = ok(&a, &["community", "create", "--name", "X", "--domain", "Y"]);
    let before = ok(&a, &["show", "-c", &c, "--json"]);

    let junk = tmp.path().join("junk");
    std::fs::write(&junk, b"this is not automerge").unwrap();
    let err = fails(&a, &["import", junk.to_str().unwrap()]);
    assert!(err.contains("not an Automerge document"), "{err}");

    let mut other = automerge::Automerge::new();
    other
        .transact(|tx| {
            use automerge::transaction::Transactable;
            tx.put(automerge::ROOT, "shopping", "milk")
        })
        .unwrap();
    let foreign = tmp.path().join("foreign");
    std::fs::write(&foreign, other.save()).unwrap();
    let err = fails(&a, &["import", foreign.to_str().unwrap()]);
    assert!(err.contains("not a Copse community"), "{err}");

    let err = fails(
        &a,
        &["thread", "new", "-c", &c, "--title", "  ", "--body", "b"],
    );
    assert!(err.contains("title must not be empty"), "{err}");
    let err = fails(
        &a,
        &[
            "thread",
            "reply",
            "-c",
            &c,
            "--thread",
            "00000000000000000000000000",
            "--body",
            "b",
        ],
    );
    assert!(err.contains("no thread"), "{err}");
    let err = fails(
        &a,
        &[
            "event", "new", "-c", &c, "--title", "x", "--starts", "tomorrow",
        ],
    );
    assert!(err.contains("is not a date"), "{err}");
    let err = fails(&a, &["show", "-c", "00000000000000000000000000"]);
    assert!(err.contains("not on this device"), "{err}");

    assert_eq!(ok(&a, &["show", "-c", &c, "--json"]), before);
    assert_eq!(ok(&a, &["community", "list"]).lines().count(), 1);
}

#[test]
fn compact_folds_the_log_into_the_snapshot_and_keeps_every_post() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path();
    let c = ada_in_timber(a, &[]);
    let new_thread = |title: &str| {
        ok(
            a,
            &[
                "thread", "new", "-c", &c, "--title", title, "--body", "text",
            ],
        )
    };
    for n in 0..5 {
        new_thread(&format!("before {n}"));
    }
    let files = a.join("communities").join(&c);
    let size = |name: &str| std::fs::metadata(files.join(name)).unwrap().len();
    let (log_before, snapshot_before) = (size("changes.log"), size("snapshot.am"));
    assert!(log_before > 0, "the posts went to the log");
    let heads = ok(a, &["heads", "-c", &c]);

    assert_eq!(ok(a, &["compact", "-c", &c]), "compacted");
    assert_eq!(size("changes.log"), 0, "the log was folded in");
    assert!(size("snapshot.am") > snapshot_before);
    assert_eq!(ok(a, &["heads", "-c", &c]), heads, "nothing changed");

    new_thread("after");
    let list = ok(a, &["thread", "list", "-c", &c]);
    for title in ["before 0", "before 4", "after"] {
        assert!(list.contains(title), "{title} missing from {list}");
    }
    let err = fails(a, &["compact", "-c", "00000000000000000000000000"]);
    assert!(err.contains("not on this device"), "{err}");
}

#[test]
fn help_lists_the_commands() {
    let out = Command::new(env!("CARGO_BIN_EXE_copse-node"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for cmd in [
        "init",
        "community",
        "thread",
        "article",
        "event",
        "task",
        "resource",
        "member",
        "show",
        "export",
        "import",
        "compact",
    ] {
        assert!(help.contains(cmd), "--help lacks {cmd}");
    }
}

#[test]
fn a_forged_change_in_an_imported_file_is_kept_out_and_listed_by_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path();
    let c = ada_in_timber(a, &[]);
    ok(
        a,
        &["thread", "new", "-c", &c, "--title", "Spans", "--body", "?"],
    );
    assert_eq!(ok(a, &["rejected", "-c", &c]), "No change was rejected.");
    let heads = ok(a, &["heads", "-c", &c]);
    let file = a.join("export.am");
    ok(a, &["export", "-c", &c, "--out", file.to_str().unwrap()]);

    // A modified client bumps the schema version in the file, signed with Ada's own key.
    let seed: [u8; 32] = std::fs::read(a.join("identity.key"))
        .unwrap()
        .try_into()
        .unwrap();
    let mut doc = automerge::Automerge::load(&std::fs::read(&file).unwrap()).unwrap();
    let mut forger = copse_testkit::malicious::Forger::new(
        copse_core::guard::Signer::from_seed(seed),
        doc.clone(),
    );
    let me = copse_core::guard::Signer::from_seed(seed).member().clone();
    let attack = forger
        .all(&me, None)
        .into_iter()
        .find(|a| a.name == "bump schema_version")
        .unwrap();
    doc.apply_changes(attack.changes.clone()).unwrap();
    std::fs::write(&file, doc.save()).unwrap();

    ok(a, &["import", file.to_str().unwrap()]);
    assert_eq!(ok(a, &["heads", "-c", &c]), heads, "nothing of it got in");
    let listed = ok(a, &["rejected", "-c", &c]);
    assert!(
        listed.contains("it changes the community's fixed key \"schema_version\"; not applied"),
        "{listed}"
    );
    let json = ok(a, &["--json", "rejected", "-c", &c]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json[0]["reason"]["rule"], "root_key", "{json}");
}

#[test]
fn search_finds_posts_members_and_articles_with_filters() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path();
    let c = ada_in_timber(a, &["--organisation", "Café Timber", "--skills", "glulam"]);
    let t = ok(
        a,
        &[
            "thread",
            "new",
            "-c",
            &c,
            "--question",
            "--title",
            "Glue lines",
            "--body",
            "Which adhesive for glulam repairs?",
            "--tags",
            "repair",
        ],
    );
    ok(
        a,
        &[
            "thread",
            "reply",
            "-c",
            &c,
            "--thread",
            &t,
            "--body",
            "Epoxy, injected.",
        ],
    );
    ok(
        a,
        &[
            "article",
            "new",
            "-c",
            &c,
            "--title",
            "Repairs",
            "--body",
            "Epoxy injection restores glue lines.",
        ],
    );
    let all = ok(a, &["search", "-c", &c, "epoxy"]);
    assert!(all.starts_with("Posts:\n"), "{all}");
    assert!(all.contains("in \"Glue lines\""), "{all}");
    assert!(all.contains("*Epoxy*, injected"), "{all}");
    assert!(all.contains("Knowledge:\n"), "{all}");
    let posts = ok(a, &["search", "-c", &c, "epoxy", "--kind", "post"]);
    assert!(!posts.contains("Knowledge"), "{posts}");
    assert_eq!(
        ok(a, &["search", "-c", &c, "glue", "--tag", "repair"])
            .lines()
            .next(),
        Some("Threads:")
    );
    // A member by organisation, accents aside.
    assert!(ok(a, &["search", "-c", &c, "cafe"]).starts_with("Members:\n"));
    assert_eq!(ok(a, &["search", "-c", &c, "zeppelin"]), "Nothing found.");
    let json: serde_json::Value = serde_json::from_str(&ok(
        a,
        &["--json", "search", "-c", &c, "epoxy", "--kind", "post"],
    ))
    .unwrap();
    assert_eq!(json["total"], 1, "{json}");
    assert_eq!(json["hits"][0]["target"]["thread"], t.as_str(), "{json}");
    // Who knows: Ada lists glulam; answering her own question earns her nothing.
    let experts = ok(a, &["member", "experts", "-c", &c, "--tag", "glulam"]);
    assert!(
        experts.ends_with("Ada  nothing earned yet; lists it as a skill"),
        "{experts}"
    );
    assert_eq!(
        ok(a, &["member", "experts", "-c", &c, "--tag", "repair"]),
        "No one has answered or written about it yet, and no one lists it as a skill."
    );
    // clap refuses what is not a kind, naming the choices.
    let bad = fails(a, &["search", "-c", &c, "x", "--kind", "poem"]);
    assert!(bad.contains("possible values"), "{bad}");
}

#[test]
fn member_levels_reads_participation_and_coordinators_set_the_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path();
    let c = ada_in_timber(a, &[]);
    let start = |title: &str| {
        ok(
            a,
            &[
                "thread",
                "new",
                "-c",
                &c,
                "--question",
                "--title",
                title,
                "--body",
                "?",
            ],
        )
    };
    assert_eq!(ok(a, &["for-you", "-c", &c]), "Nothing for you right now.");
    start("Glue lines");
    start("Screws");
    // A newcomer's first steps: the good first task, nobody to ask yet.
    ok(
        a,
        &[
            "task",
            "new",
            "-c",
            &c,
            "--title",
            "Label the samples",
            "--good-first",
        ],
    );
    let here = ok(a, &["start-here", "-c", &c]);
    assert!(
        here.starts_with("You are peripheral here.\nGood first tasks:\n  Label the samples  ("),
        "{here}"
    );
    assert!(
        here.ends_with("Someone to ask: no core member or coordinator shares your skills yet"),
        "{here}"
    );
    assert!(ok(a, &["task", "list", "-c", &c]).contains("Label the samples (good first task)"));
    // Two threads started: Ada is peripheral with the defaults (active from 3).
    let json: serde_json::Value =
        serde_json::from_str(&ok(a, &["--json", "member", "levels", "-c", &c])).unwrap();
    assert_eq!(json["rule"]["active_from"], 3, "{json}");
    assert_eq!(json["members"][0]["level"], "peripheral", "{json}");
    assert_eq!(json["members"][0]["window"]["threads_started"], 2, "{json}");
    // Two questions nobody answered wait.
    assert_eq!(json["health"]["waiting_total"], 2, "{json}");
    assert_eq!(json["health"]["newcomers"][0]["name"], "Ada", "{json}");
    // Ada, a coordinator, lowers the bar: she is active from 2.
    ok(
        a,
        &[
            "community",
            "set-levels",
            "-c",
            &c,
            "--active-from",
            "2",
            "--core-from",
            "10",
        ],
    );
    let text = ok(a, &["member", "levels", "-c", &c]);
    assert!(
        text.starts_with("Levels over the last 90 days (active from 2, core from 10"),
        "{text}"
    );
    assert!(text.contains("active        2  Ada ("), "{text}");
    assert!(
        text.contains("Questions waiting for an answer: 2"),
        "{text}"
    );
    // Thresholds that cannot work are refused, with why.
    let bad = fails(
        a,
        &[
            "community",
            "set-levels",
            "-c",
            &c,
            "--active-from",
            "5",
            "--core-from",
            "5",
        ],
    );
    assert!(bad.contains("core must start above active"), "{bad}");
    // One member's year: weekly points, the last one this week's.
    let me = serde_json::from_str::<serde_json::Value>(&ok(a, &["--json", "whoami"])).unwrap();
    let id = me["member_id"].as_str().unwrap().to_owned();
    let mine = ok(a, &["member", "levels", "-c", &c, "--member", &id]);
    assert!(
        mine.starts_with("Ada is active (2 contributions in the last 90 days: 2 threads started)"),
        "{mine}"
    );
    assert!(
        mine.lines().last().unwrap().ends_with("2  active"),
        "{mine}"
    );
}

#[test]
fn stories_are_told_listed_and_prompted_for() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path();
    let c = ada_in_timber(a, &[]);
    let t = ok(
        a,
        &[
            "thread",
            "new",
            "-c",
            &c,
            "--question",
            "--title",
            "Glue lines",
            "--body",
            "?",
        ],
    );
    assert_eq!(ok(a, &["story", "list", "-c", &c]), "No stories yet.");
    assert_eq!(
        ok(a, &["story", "prompts", "-c", &c]),
        "Nothing to tell about right now."
    );
    // A story cites a thread or a meetup: clap says so before anything is sent.
    let bad = fails(a, &["story", "tell", "-c", &c, "--text", "It held."]);
    assert!(bad.contains("--thread"), "{bad}");
    ok(
        a,
        &[
            "story", "tell", "-c", &c, "--thread", &t, "--text", "It held.",
        ],
    );
    let listed = ok(a, &["story", "list", "-c", &c, "--thread", &t]);
    assert!(
        listed.ends_with(&format!("(thread {t}): It held.")),
        "{listed}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(a, &["--json", "story", "list", "-c", &c])).unwrap();
    assert_eq!(json[0]["text"], "It held.", "{json}");
    ok(
        a,
        &[
            "story",
            "dismiss",
            "-c",
            &c,
            "--key",
            &format!("thread:{t}"),
        ],
    );
}
