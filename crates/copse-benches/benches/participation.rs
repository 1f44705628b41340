//! What participation costs on the realistic community (100k posts), as a bench binary:
//! - a first build of the ledger (every record and every change's metadata), as the
//!   device does once per open on a thread of its own, and the runtime's share of it (a
//!   copy of the document);
//! - everyone's levels and the health panel from the ledger (what the Overview and the
//!   Members tab ask for), and one member's trajectory;
//! - a reply lands: the ledger brought up to date from what changed.
//!
//! `cargo bench -p copse-testkit --bench participation`; results go to stdout and
//! `target/copse-bench/participation.md`.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use copse_core::view::profile::level_rule;
use copse_core::view::threads::{ThreadQuery, thread_page};
use copse_core::{Command, Community, Timestamp};
use copse_peer::participation::{Ledger, participation, trajectory};
use copse_testkit::CommunitySpec;
use copse_testkit::bench_support::{cache_dir, community_bytes, machine, ms, percentile};
use rand::SeedableRng;

fn main() {
    let spec = CommunitySpec::realistic();
    let bytes = community_bytes(&spec);
    let mut community = Community::load(&bytes).unwrap();
    // "Now" is just after the last generated edit.
    let last = community
        .doc()
        .get_changes_meta(&[])
        .iter()
        .map(|m| m.timestamp)
        .max()
        .unwrap();
    let now = Timestamp(last + 60_000);

    let t = Instant::now();
    let copy = Box::new(community.doc().clone());
    let copied = t.elapsed();
    drop(copy);

    // Automerge's part of it: every change's metadata.
    let t = Instant::now();
    let metas = community.doc().get_changes_meta(&[]).len();
    let metas_took = t.elapsed();

    let mut builds: Vec<Duration> = Vec::new();
    let mut ledger = Ledger::build(community.doc());
    for _ in 0..5 {
        let t = Instant::now();
        ledger = Ledger::build(community.doc());
        builds.push(t.elapsed());
    }
    let build50 = percentile(&mut builds, 50.0);
    let build_max = percentile(&mut builds, 100.0);

    let rule = level_rule(community.doc());
    let mut reports: Vec<Duration> = Vec::new();
    let mut report = participation(&ledger, &rule, now);
    for _ in 0..30 {
        let t = Instant::now();
        report = participation(&ledger, &rule, now);
        reports.push(t.elapsed());
    }
    let (r50, r99) = (
        percentile(&mut reports, 50.0),
        percentile(&mut reports, 99.0),
    );
    let levels = |l| report.members.iter().filter(|m| m.level == l).count();
    use copse_peer::participation::Level;
    let (p, a, c) = (
        levels(Level::Peripheral),
        levels(Level::Active),
        levels(Level::Core),
    );

    let mut trajectories: Vec<Duration> = Vec::new();
    for m in report.members.iter().take(30) {
        let t = Instant::now();
        let tr = trajectory(&ledger, &rule, now, &m.member).unwrap();
        trajectories.push(t.elapsed());
        assert!(!tr.weeks.is_empty());
    }
    let (t50, t99) = (
        percentile(&mut trajectories, 50.0),
        percentile(&mut trajectories, 99.0),
    );

    // A reply lands: the ledger follows from what changed.
    let thread = thread_page(community.doc(), &ThreadQuery::default()).threads[0]
        .id
        .clone();
    let founder = community.profile().created_by;
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let mut updates: Vec<Duration> = Vec::new();
    for i in 0..60 {
        community
            .apply(
                &founder,
                now.plus_millis(i),
                &mut rng,
                Command::Reply {
                    thread: thread.clone(),
                    body: format!("reply {i}"),
                },
            )
            .unwrap();
        let t = Instant::now();
        ledger.update(community.doc()).unwrap();
        updates.push(t.elapsed());
    }
    let (u50, u99) = (
        percentile(&mut updates, 50.0),
        percentile(&mut updates, 99.0),
    );
    let after = participation(&ledger, &rule, now.plus_millis(100));
    let fresh = participation(&Ledger::build(community.doc()), &rule, now.plus_millis(100));
    assert_eq!(after, fresh, "the updated ledger reads as a fresh one");

    let out = format!(
        "# Participation benchmark\n\nMachine: {}\n\n\
         Community: {} members, {} threads x {} posts, {} articles, {} events, {} tasks; \
         levels now: {p} peripheral, {a} active, {c} core.\n\n\
         | what | measured | goal |\n|---|---|---|\n\
         | first build of the ledger (its own thread), median / worst of 5 | {} / {} | <= 1 s |\n\
         | of which Automerge's `get_changes_meta` ({} changes) | {} | |\n\
         | the runtime's share of it: a copy of the document | {} | |\n\
         | everyone's levels and the health panel, p50 / p99 of 30 | {} / {} | |\n\
         | one member's trajectory (53 weeks), p50 / p99 of 30 | {} / {} | |\n\
         | a reply lands -> ledger up to date, p50 / p99 of 60 | {} / {} | |\n",
        machine(),
        spec.members,
        spec.threads,
        spec.posts_per_thread,
        spec.articles,
        spec.events,
        spec.tasks,
        ms(build50),
        ms(build_max),
        metas,
        ms(metas_took),
        ms(copied),
        ms(r50),
        ms(r99),
        ms(t50),
        ms(t99),
        ms(u50),
        ms(u99),
    );
    print!("{out}");
    let path = cache_dir().join("participation.md");
    std::fs::write(&path, &out).unwrap();
    eprintln!("written to {}", path.display());
}
