//! Foundation benchmarks (a bench binary, not timed tests): open, load, commit-to-durable,
//! memory and export size on the realistic community. `cargo bench -p copse-testkit --bench
//! foundation`; results go to stdout and `target/copse-bench/foundation.md`.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use copse_core::automerge::Automerge;
use copse_core::record::ThreadKind;
use copse_core::view::threads::{ThreadQuery, thread_page};
use copse_core::{Command, Community, Timestamp};
use copse_store::ProfileDir;
use copse_testkit::CommunitySpec;
use copse_testkit::bench_support::{cache_dir, community_bytes, machine, ms, percentile, rss_kib};
use rand::SeedableRng;

fn median(mut v: Vec<Duration>) -> Duration {
    percentile(&mut v, 50.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--rss-bare") {
        // Child process: a bare Automerge::load, for comparison.
        let bytes = std::fs::read(&args[i + 1]).unwrap();
        let doc = Automerge::load(&bytes).unwrap();
        drop(bytes);
        let (after, peak) = rss_kib();
        println!("0 {after} {peak} {}", doc.get_heads().len());
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--rss-probe") {
        // Child process: open the community and report memory.
        let profile = ProfileDir::open(args[i + 1].as_ref()).unwrap();
        let (before, _) = rss_kib();
        let open = profile
            .open_community(&args[i + 2].parse().unwrap())
            .unwrap();
        let (after, peak) = rss_kib();
        println!("{before} {after} {peak} {}", open.community.id());
        return;
    }
    let spec = CommunitySpec::realistic();
    let bytes = community_bytes(&spec);
    let community = Community::load(&bytes).unwrap();
    let id = community.id().clone();
    let founder = community.profile().created_by;
    let changes = community.doc().get_changes_meta(&[]).len();
    let dir = tempfile::tempdir().unwrap();
    {
        let profile = ProfileDir::open(dir.path()).unwrap();
        let open = profile.add_community(community).unwrap();
        open.write_cached_view().unwrap();
    }
    let snapshot = std::fs::read(
        dir.path()
            .join("communities")
            .join(id.as_str())
            .join("snapshot.am"),
    )
    .unwrap();
    let runs = 5;

    // Cold open to a usable thread list, from the cached view.
    let mut cached = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let profile = ProfileDir::open(dir.path()).unwrap();
        let view = profile.read_cached_view(&id).unwrap();
        assert_eq!(view.threads.threads.len(), 50);
        cached.push(t.elapsed());
    }
    // Bare Automerge::load against our full open (snapshot + log, checks), interleaved.
    let (mut bare, mut full, mut page_after_load) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let doc = Automerge::load(&snapshot).unwrap();
        bare.push(t.elapsed());
        drop(doc);
        let t = Instant::now();
        let profile = ProfileDir::open(dir.path()).unwrap();
        let open = profile.open_community(&id).unwrap();
        full.push(t.elapsed());
        let t = Instant::now();
        let page = thread_page(open.community.doc(), &ThreadQuery::default());
        page_after_load.push(t.elapsed());
        assert_eq!(page.threads.len(), 50);
    }
    let (bare, full) = (median(bare), median(full));

    // Commands to durable.
    let profile = ProfileDir::open(dir.path()).unwrap();
    let mut open = profile.open_community(&id).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let thread = thread_page(open.community.doc(), &ThreadQuery::default()).threads[0]
        .id
        .clone();
    let mut durable = Vec::new();
    let n = 1000;
    for i in 0..n {
        let cmd = if i % 5 == 0 {
            Command::StartThread {
                kind: ThreadKind::Discussion,
                title: format!("bench {i}"),
                body: "x".repeat(200),
                tags: vec![],
            }
        } else {
            Command::Reply {
                thread: thread.clone(),
                body: "y".repeat(200),
            }
        };
        let t = Instant::now();
        open.execute(&founder, Timestamp(1_800_000_000_000 + i), &mut rng, cmd)
            .unwrap();
        durable.push(t.elapsed());
    }
    let log_bytes = open.store.log_len();
    let (p50, p99, max) = (
        percentile(&mut durable, 50.0),
        percentile(&mut durable, 99.0),
        percentile(&mut durable, 100.0),
    );
    drop(open);
    drop(profile);
    // Open again with those 1000 changes in the log.
    let mut with_log = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let profile = ProfileDir::open(dir.path()).unwrap();
        let _open = profile.open_community(&id).unwrap();
        with_log.push(t.elapsed());
    }
    let with_log = median(with_log);

    // Memory after open, in a fresh process.
    let probe = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--rss-probe", dir.path().to_str().unwrap(), id.as_str()])
        .output()
        .unwrap();
    let probe = String::from_utf8_lossy(&probe.stdout);
    let mut f = probe
        .split_whitespace()
        .map(|v| v.parse::<u64>().unwrap_or(0));
    let (_before, rss_after, peak) = (
        f.next().unwrap_or(0),
        f.next().unwrap_or(0),
        f.next().unwrap_or(0),
    );

    let snap_path = dir
        .path()
        .join("communities")
        .join(id.as_str())
        .join("snapshot.am");
    let bare_probe = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--rss-bare", snap_path.to_str().unwrap()])
        .output()
        .unwrap();
    let bare_probe = String::from_utf8_lossy(&bare_probe.stdout);
    let bare_rss = bare_probe
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);

    let t = Instant::now();
    let export = Community::load(&snapshot).unwrap().doc().save();
    let save_time = t.elapsed();

    let ratio = full.as_secs_f64() / bare.as_secs_f64();
    let report = format!(
        "## Foundation (copse-store, copse-core)\n\n\
         Machine: {machine}. Community: {m} members, {t} threads x {p} posts of ~{c} chars, {a} articles, {e} events, {k} tasks ({changes} changes).\n\n\
         | measure | result | goal |\n| --- | --- | --- |\n\
         | cold open to a usable thread list (cached view, median of 20) | {cached} | <= 300 ms |\n\
         | bare `Automerge::load` of the snapshot (median of {runs}) | {bare} | |\n\
         | full open: snapshot + log + checks (median of {runs}) | {full} ({ratio:.2}x bare) | <= 1.1x bare |\n\
         | full open with 1000 changes in the log | {with_log} ({ratio_log:.2}x bare) | |\n\
         | first thread page after load | {page} | |\n\
         | command to durable, p50 / p99 / max (1000 posts) | {p50} / {p99} / {max} | p99 <= 2 ms |\n\
         | log after 1000 posts | {log_kib} KiB | |\n\
         | RSS after open (fresh process) / peak | {rss} MiB / {peak} MiB | <= 250 MiB |\n\
         | RSS after a bare `Automerge::load` (fresh process) | {bare_rss} MiB | |\n\
         | export size (`Automerge::save`) | {export_mib:.1} MiB | |\n\
         | `Automerge::save` time | {save} | |\n",
        machine = machine(),
        m = spec.members,
        t = spec.threads,
        p = spec.posts_per_thread,
        c = spec.post_chars,
        a = spec.articles,
        e = spec.events,
        k = spec.tasks,
        cached = ms(median(cached)),
        bare = ms(bare),
        full = ms(full),
        ratio_log = with_log.as_secs_f64() / bare.as_secs_f64(),
        with_log = ms(with_log),
        page = ms(median(page_after_load)),
        p50 = ms(p50),
        p99 = ms(p99),
        max = ms(max),
        log_kib = log_bytes / 1024,
        rss = rss_after / 1024,
        peak = peak / 1024,
        bare_rss = bare_rss / 1024,
        export_mib = export.len() as f64 / (1024.0 * 1024.0),
        save = ms(save_time),
    );
    println!("{report}");
    let _ = std::fs::create_dir_all(cache_dir());
    let _ = std::fs::write(cache_dir().join("foundation.md"), &report);
}
