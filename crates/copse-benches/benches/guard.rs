//! What the guardian costs (a bench binary, not timed tests), each figure measured in the
//! same run as the path without it, on the realistic community (100k posts):
//! - open from disk: the signed community against the same community unsigned (time, RSS);
//! - a newcomer's join read: load + every signature and rule checked, against load alone;
//! - one pushed post: admitted through the guard, against applied unchecked; signing it.
//!
//! `cargo bench -p copse-testkit --bench guard`; results go to stdout and
//! `target/copse-bench/guard.md`.

#![allow(clippy::unwrap_used)]

use std::process::Command as Process;
use std::time::{Duration, Instant};

use copse_core::automerge::Automerge;
use copse_core::guard::{NoLegacy, admit};
use copse_core::view::threads::{ThreadQuery, thread_page};
use copse_core::{Command, Community, Timestamp};
use copse_hub::adopt::load_foreign;
use copse_testkit::CommunitySpec;
use copse_testkit::bench_support::{
    cache_dir, community_bytes, community_bytes_unsigned, machine, ms, percentile, rss_kib,
};
use rand::SeedableRng;

fn median(mut v: Vec<Duration>) -> Duration {
    percentile(&mut v, 50.0)
}

/// RSS after opening `path` in a fresh process: (after, peak) KiB.
fn rss_of_open(path: &std::path::Path) -> (u64, u64) {
    let out = Process::new(std::env::current_exe().unwrap())
        .args(["--rss-open", path.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace().map(|n| n.parse::<u64>().unwrap());
    (it.next().unwrap(), it.next().unwrap())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--rss-open") {
        let bytes = std::fs::read(&args[i + 1]).unwrap();
        let c = Community::load(&bytes).unwrap();
        drop(bytes);
        let (after, peak) = rss_kib();
        println!("{after} {peak} {}", c.id());
        return;
    }
    let spec = CommunitySpec::realistic();
    if args.iter().any(|a| a == "--verify-once") {
        // For a profiler: one checked read of the join answer.
        let signed = community_bytes(&spec);
        let t = Instant::now();
        let f = load_foreign(&signed, None).unwrap();
        eprintln!(
            "checked read: {} ({} refused)",
            ms(t.elapsed()),
            f.refused.len()
        );
        return;
    }
    let signed = community_bytes(&spec);
    let unsigned = community_bytes_unsigned(&spec);
    let dir = cache_dir();
    let signed_path = dir.join("guard-signed.am");
    let unsigned_path = dir.join("guard-unsigned.am");
    std::fs::write(&signed_path, &signed).unwrap();
    std::fs::write(&unsigned_path, &unsigned).unwrap();
    let runs = 3;

    // Open from disk: no signature is checked again (only what passed was stored).
    let (mut open_u, mut open_s) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        drop(Community::load(&unsigned).unwrap());
        open_u.push(t.elapsed());
        let t = Instant::now();
        drop(Community::load(&signed).unwrap());
        open_s.push(t.elapsed());
    }
    let (open_u, open_s) = (median(open_u), median(open_s));
    let (rss_u, _) = rss_of_open(&unsigned_path);
    let (rss_s, _) = rss_of_open(&signed_path);

    // A newcomer's read of the community it is sent: load alone, against load and check.
    let (mut join_u, mut join_c) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        drop(Community::load(&signed).unwrap());
        join_u.push(t.elapsed());
        let t = Instant::now();
        let f = load_foreign(&signed, None).unwrap();
        join_c.push(t.elapsed());
        assert!(f.refused.is_empty());
    }
    let (join_u, join_c) = (median(join_u), median(join_c));

    // Pushed posts: the founder writes on one copy, another copy takes each post.
    let key = spec.founder_key();
    let mut writer = Community::load(&signed).unwrap();
    let founder = writer.profile().created_by;
    assert_eq!(&founder, key.member());
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    writer.sign_as(key, &mut rng);
    let mut unsigned_writer = Community::load(&unsigned).unwrap();
    let unsigned_founder = unsigned_writer.profile().created_by;
    let mut checked = Automerge::load(&signed).unwrap();
    let mut unchecked = Automerge::load(&signed).unwrap();
    // Counted before the posts below are added.
    let changes_u = unsigned_writer.doc().get_changes(&[]).len();
    let changes_s = unchecked.get_changes(&[]).len();
    let thread = thread_page(writer.doc(), &ThreadQuery::default()).threads[0]
        .id
        .clone();
    let unsigned_thread = thread_page(unsigned_writer.doc(), &ThreadQuery::default()).threads[0]
        .id
        .clone();
    let (mut sign_t, mut plain_t, mut admit_t, mut apply_t) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let n = 300;
    for i in 0..n {
        let now = Timestamp(1_800_000_000_000 + i);
        let cmd = |t: &copse_core::ThreadId| Command::Reply {
            thread: t.clone(),
            body: "y".repeat(200),
        };
        let t = Instant::now();
        let applied = writer.apply(&founder, now, &mut rng, cmd(&thread)).unwrap();
        sign_t.push(t.elapsed());
        let t = Instant::now();
        unsigned_writer
            .apply(&unsigned_founder, now, &mut rng, cmd(&unsigned_thread))
            .unwrap();
        plain_t.push(t.elapsed());
        let changes = writer.doc().get_changes(&applied.heads_before);
        let t = Instant::now();
        let got = admit(&mut checked, changes.clone(), &|_| false, &NoLegacy).unwrap();
        admit_t.push(t.elapsed());
        assert!(got.refused.is_empty() && got.applied.len() == 2);
        let t = Instant::now();
        unchecked.apply_changes(changes).unwrap();
        apply_t.push(t.elapsed());
    }
    // An equivocation met while holding the side every device drops (the first of the
    // posts above, with the signature and the 299 posts built on it): the copy rebuilt
    // without them, against loading the same document.
    let first_post = writer
        .doc()
        .get_changes(&[])
        .into_iter()
        .rev()
        .nth(2 * n as usize - 1)
        .unwrap()
        .hash();
    let dropped = copse_core::equivocation::built_on(&checked, &[first_post].into());
    assert_eq!(dropped.len(), 2 * n as usize);
    let t = Instant::now();
    let (rebuilt, _) = copse_core::equivocation::rebuilt_without(&checked, &dropped).unwrap();
    let rebuild_t = t.elapsed();
    assert_eq!(rebuilt.get_changes(&[]).len(), changes_s);
    let t = Instant::now();
    drop(Automerge::load(&signed).unwrap());
    let reload_t = t.elapsed();
    // What the views cost once the community holds a removal (every value they read is
    // then asked whether it stands): the same reads before and after one.
    let views = |doc: &Automerge| {
        let mut times = Vec::new();
        for _ in 0..15 {
            let t = Instant::now();
            let page = thread_page(doc, &ThreadQuery::default());
            let one = copse_core::view::threads::thread(doc, &page.threads[0].id);
            let people = copse_core::view::members::all_members(doc);
            let board = copse_core::view::tasks::task_board(doc);
            times.push(t.elapsed());
            assert!(one.is_some() && !people.is_empty());
            drop(board);
        }
        median(times)
    };
    let views_before = views(writer.doc());
    let someone = copse_core::view::members::all_members(writer.doc())
        .into_iter()
        .map(|(id, _)| id)
        .find(|id| id != &founder)
        .unwrap();
    writer
        .apply(
            &founder,
            Timestamp(1_800_000_100_000),
            &mut rng,
            Command::RemoveMember { member: someone },
        )
        .unwrap();
    let views_after = views(writer.doc());
    let p = |v: &mut Vec<Duration>, q| percentile(v, q);

    let report = format!(
        "# Guard benchmark\n\nMachine: {}\n\n\
         Community: {} members, {} threads x {} posts; {} changes unsigned, {} signed \
         (each change followed by its signature change); export {:.1} MiB unsigned, \
         {:.1} MiB signed.\n\n\
         | what | without the guard | with it | ratio | goal |\n|---|---|---|---|---|\n\
         | open from disk (load + checks of the root) | {} | {} | {:.2} | ≤ 1.15 |\n\
         | RSS after open (fresh process) | {} MiB | {} MiB | {:.2} | ≤ 1.15 |\n\
         | a newcomer's read of the join answer (load; load + every signature and rule) | {} | {} | {:.2} | ≤ 1.5 |\n\
         | pushed post taken in, p50 / p99 | {} / {} | {} / {} | | |\n\
         | local post written (commit; commit + sign), p50 / p99 | {} / {} | {} / {} | | |\n\
         | an equivocation's dropped side left (load of the same document; rebuild without it) | {} | {} | {:.2} | |\n\
         | views read: first thread page, one thread, the members, the task board (no removal; one removal) | {} | {} | {:.2} | |\n",
        machine(),
        spec.members,
        spec.threads,
        spec.posts_per_thread,
        changes_u,
        changes_s,
        unsigned.len() as f64 / 1048576.0,
        signed.len() as f64 / 1048576.0,
        ms(open_u),
        ms(open_s),
        open_s.as_secs_f64() / open_u.as_secs_f64(),
        rss_u / 1024,
        rss_s / 1024,
        rss_s as f64 / rss_u as f64,
        ms(join_u),
        ms(join_c),
        join_c.as_secs_f64() / join_u.as_secs_f64(),
        ms(p(&mut apply_t, 50.0)),
        ms(p(&mut apply_t, 99.0)),
        ms(p(&mut admit_t, 50.0)),
        ms(p(&mut admit_t, 99.0)),
        ms(p(&mut plain_t, 50.0)),
        ms(p(&mut plain_t, 99.0)),
        ms(p(&mut sign_t, 50.0)),
        ms(p(&mut sign_t, 99.0)),
        ms(reload_t),
        ms(rebuild_t),
        rebuild_t.as_secs_f64() / reload_t.as_secs_f64(),
        ms(views_before),
        ms(views_after),
        views_after.as_secs_f64() / views_before.as_secs_f64(),
    );
    print!("{report}");
    let out = cache_dir().join("guard.md");
    std::fs::write(&out, &report).unwrap();
    eprintln!("written to {}", out.display());
}
