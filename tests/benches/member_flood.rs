//! A member's flood (a bench binary, not a timed test): Mallory, a member with her real key
//! and a modified client, pushes 100 000 tiny valid signed changes to Ada over the real
//! protocol as fast as Ada takes them (four pushes in flight). Every one passes the guard, so nothing refuses them;
//! what matters is that Ada keeps answering her user and syncing the others meanwhile.
//! Measured: how long Ada took to answer status queries (one every 100 ms) and Ada's own
//! posts (acknowledged on disk) during the flood, and Bob's posts until they reach Ada.
//!
//! `cargo bench -p copse-scenarios --bench member_flood`; results on stdout and in
//! `target/copse-bench/member_flood.md`. `COPSE_FLOOD_CHANGES` sets the number of changes,
//! `COPSE_FLOOD_BATCH` how many go in one push (default 1 000; 0 puts them all in pushes
//! of at most 24 MiB, the largest a request may carry being 32 MiB).

#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use copse_core::Command;
use copse_core::record::ThreadKind;
use copse_peer::ask;
use copse_scenarios::net::{TestPeer, converged, wait_for};
use copse_scenarios::rogue::{RoguePeer, key_and_copy};
use copse_testkit::bench_support::{cache_dir, machine, ms, percentile};
use copse_testkit::malicious::Forger;
use tokio::sync::Mutex;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Change chunks in pushes of `batch` changes (0: as few pushes of at most 24 MiB as fit).
fn batches(changes: &[copse_core::automerge::Change], batch: usize) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut count = 0;
    for c in changes {
        let full = match out.last() {
            None => true,
            Some(b) if batch == 0 => b.len() + c.raw_bytes().len() > 24 << 20,
            Some(_) => count == batch,
        };
        if full {
            out.push(Vec::new());
            count = 0;
        }
        out.last_mut().unwrap().extend_from_slice(c.raw_bytes());
        count += 1;
    }
    out
}

fn summary(name: &str, samples: &mut [Duration]) -> String {
    let n = samples.len();
    format!(
        "| {name}: p50 / p99 / max of {n} | {} / {} / {} |",
        ms(percentile(samples, 50.0)),
        ms(percentile(samples, 99.0)),
        ms(percentile(samples, 100.0)),
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let changes = env_usize("COPSE_FLOOD_CHANGES", 100_000);
    let batch = env_usize("COPSE_FLOOD_BATCH", 1_000);
    let a = TestPeer::start("Ada").await;
    let b = TestPeer::start("Bob").await;
    let m = TestPeer::start("Mallory").await;
    let id = a.create("Guild").await;
    for i in 0..50 {
        a.post(&id, &format!("Thread {i}")).await;
    }
    let ticket = a.invite(&id, 2).await;
    b.join(&ticket).await.unwrap();
    m.join(&ticket).await.unwrap();
    converged(&[&a, &b, &m], &id).await;

    // Mallory's device goes rogue and makes her flood.
    let (key, base) = key_and_copy(&m, &id).await;
    let heads = base.get_heads();
    let made = Instant::now();
    let flood = Forger::new(key, base).flood(changes);
    let pushes = batches(&flood, batch);
    let bytes: usize = pushes.iter().map(Vec::len).sum();
    eprintln!(
        "made {} changes ({} with signatures, {:.1} MiB in {} pushes) in {:.1} s",
        changes,
        flood.len(),
        bytes as f64 / (1 << 20) as f64,
        pushes.len(),
        made.elapsed().as_secs_f64()
    );
    drop(flood);
    let mut rogue = RoguePeer::take_over(&m).await;
    rogue.tolerate(&a.member, &id).await;
    rogue.connect(&a).await;

    // Quiet figures first.
    let mut quiet = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        a.handle.status().await.unwrap();
        quiet.push(t.elapsed());
    }

    let flooding = Arc::new(AtomicBool::new(true));
    let status_times = Arc::new(Mutex::new(Vec::new()));
    let poller = {
        let handle = a.handle.clone();
        let flooding = flooding.clone();
        let times = status_times.clone();
        tokio::spawn(async move {
            while flooding.load(Ordering::Relaxed) {
                let t = Instant::now();
                handle.status().await.unwrap();
                times.lock().await.push(t.elapsed());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let own_posts = {
        let handle = a.handle.clone();
        let flooding = flooding.clone();
        let id = id.clone();
        tokio::spawn(async move {
            let mut times = Vec::new();
            let mut i = 0;
            while flooding.load(Ordering::Relaxed) {
                let t = Instant::now();
                handle
                    .ask(ask::Edit {
                        community: id.clone(),
                        command: Command::StartThread {
                            kind: ThreadKind::Discussion,
                            title: format!("Ada during {i}"),
                            body: "body".into(),
                            tags: vec![],
                        },
                    })
                    .await
                    .unwrap();
                times.push(t.elapsed());
                i += 1;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            times
        })
    };

    let started = Instant::now();
    let id2 = id.clone();
    let to = a.member.clone();
    let pusher = tokio::spawn(async move {
        let outcome = rogue.push_all(&to, &id2, heads, pushes, 4).await;
        (outcome, rogue)
    });
    // Bob's posts reach Ada while she is flooded.
    let mut relayed = Vec::new();
    let mut i = 0;
    while !pusher.is_finished() {
        let title = format!("Bob during {i}");
        let t = Instant::now();
        b.post(&id, &title).await;
        wait_for(&[&a], "Bob's post at Ada", || async {
            a.titles(&id).await.contains(&title)
        })
        .await;
        relayed.push(t.elapsed());
        i += 1;
    }
    let ((sent, refused), _rogue) = pusher.await.unwrap();
    let pushed_in = started.elapsed();
    eprintln!(
        "{sent} pushes sent, all taken after {:.1} s; refused meanwhile: {refused:?}",
        pushed_in.as_secs_f64(),
    );
    // A push is answered once what it carried is applied and on disk.
    let applied_in = started.elapsed();
    flooding.store(false, Ordering::Relaxed);
    poller.await.unwrap();
    let mut own = own_posts.await.unwrap();
    let mut status = status_times.lock().await.clone();

    let report = [
        format!("# A member's flood\n\n{}\n", machine()),
        format!(
            "{changes} changes from one member in pushes of {} ({sent} pushes sent with the retries of those refused); all pushed in {:.1} s, all applied at Ada after {:.1} s\n",
            if batch == 0 {
                "up to 24 MiB".to_owned()
            } else {
                batch.to_string()
            },
            pushed_in.as_secs_f64(),
            applied_in.as_secs_f64()
        ),
        "| measure | result |".into(),
        "| --- | --- |".into(),
        summary("Ada's status query, quiet", &mut quiet),
        summary(
            "Ada's status query during the flood (one every 100 ms)",
            &mut status,
        ),
        summary("Ada's own post acknowledged during the flood", &mut own),
        summary("Bob's post until shown at Ada during the flood", &mut relayed),
    ]
    .join("\n");
    println!("{report}");
    let _ = std::fs::create_dir_all(cache_dir());
    let _ = std::fs::write(cache_dir().join("member_flood.md"), report + "\n");
}
