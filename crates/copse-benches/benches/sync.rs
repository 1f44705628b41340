//! Sync benchmarks (a bench binary, not timed tests): real copse-peer runtimes over libp2p
//! on 127.0.0.1. `cargo bench -p copse-testkit --bench sync`; results on stdout and in
//! `target/copse-bench/sync.md`.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use copse_core::automerge::Automerge;
use copse_core::record::{Role, ThreadKind};
use copse_core::sync::SyncRequest;
use copse_core::{Command, Community, CommunityId, MemberId};
use copse_net::{NetConfig, NetEvent, NetOp};
use copse_peer::{PeerEvent, PeerHandle, ask};
use copse_testkit::CommunitySpec;
use copse_testkit::bench_support::{cache_dir, device_seed, machine, ms, percentile};

fn seed(i: u8) -> [u8; 32] {
    device_seed(i)
}

fn member(i: u8) -> MemberId {
    copse_net::identity::member_id(seed(i))
}

#[path = "support/peers.rs"]
mod peers;
use peers::{Peer, heads, start};

fn community_with_devices(spec: &CommunitySpec, n: u8) -> Vec<u8> {
    copse_testkit::bench_support::community_with_devices(spec, n)
}

/// Waits for an event matching `f`.
async fn until(p: &mut Peer, mut f: impl FnMut(&PeerEvent) -> bool) {
    tokio::time::timeout(Duration::from_secs(600), async {
        while let Some(ev) = p.events.recv().await {
            if f(&ev) {
                return;
            }
        }
        panic!("peer stopped");
    })
    .await
    .expect("benchmark wait timed out");
}

/// Waits until `p` reports being up to date with a peer.
async fn up_to_date(p: &mut Peer) {
    until(p, |e| {
        matches!(
            e,
            PeerEvent::SyncState {
                up_to_date: true,
                ..
            }
        )
    })
    .await;
}

/// Waits until `b` has `a`'s heads, draining b's events meanwhile.
async fn caught_up(a: &PeerHandle, b: &mut Peer, c: &CommunityId) {
    loop {
        if heads(a, c).await == heads(&b.handle, c).await {
            return;
        }
        until(b, |e| {
            matches!(
                e,
                PeerEvent::CommunityChanged { .. } | PeerEvent::SyncState { .. }
            )
        })
        .await;
    }
}

/// How many results a search for `word` finds on `p` (answered once its index caught up).
async fn found_by_search(p: &PeerHandle, id: &CommunityId, word: &str) -> usize {
    p.ask(ask::Search {
        community: id.clone(),
        search: copse_peer::SearchQuery {
            text: word.to_owned(),
            ..Default::default()
        },
    })
    .await
    .unwrap()
    .total
}

fn post(title: String) -> Command {
    Command::StartThread {
        kind: ThreadKind::Discussion,
        title,
        body: "z".repeat(200),
        tags: vec![],
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if let Ok(filter) = std::env::var("COPSE_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .try_init();
    }
    let spec = copse_testkit::bench_support::bench_spec();
    let bytes = community_with_devices(&spec, 2);
    let id = Community::load(&bytes).unwrap().id().clone();
    let mut out = String::new();
    out.push_str(&format!(
        "## Sync (copse-peer, copse-net)\n\nMachine: {}. Two peers on 127.0.0.1 (TCP, Noise, Yamux) holding the realistic community ({} threads x {} posts); every step includes fsync on both sides.\n\n| measure | result | goal | ratio to goal |\n| --- | --- | --- | --- |\n",
        machine(),
        spec.threads,
        spec.posts_per_thread
    ));

    // --- post latency A -> B ---
    eprintln!("[sync bench] post latency");
    let mut a = start(0, Some(&bytes)).await;
    let mut b = start(1, Some(&bytes)).await;
    b.handle.dial(vec![a.addr.clone()]).await.unwrap();
    up_to_date(&mut b).await;
    caught_up(&a.handle, &mut b, &id).await;
    // Steady state: both devices have done their start-up housekeeping (recording their
    // addresses, the first commit after a load, ~110 ms inside Automerge at this size) and
    // B has it all. Start-up costs are measured by the foundation and frames benches.
    let both = [a.handle.member_id().clone(), b.handle.member_id().clone()];
    loop {
        let members = b
            .handle
            .ask(ask::Members {
                community: id.clone(),
                skill: None,
                organisation: None,
                include_removed: false,
            })
            .await
            .unwrap();
        let recorded = |m: &copse_core::MemberId| {
            members
                .iter()
                .any(|e| &e.id == m && !e.member.addrs.is_empty())
        };
        if both.iter().all(recorded) && heads(&a.handle, &id).await == heads(&b.handle, &id).await {
            break;
        }
        // The change still missing may be on either side.
        tokio::select! {
            _ = until(&mut a, |e| matches!(e, PeerEvent::CommunityChanged { .. })) => {}
            _ = until(&mut b, |e| matches!(e, PeerEvent::CommunityChanged { .. })) => {}
        }
    }
    // Both devices have built their search index of the community (a first open of a
    // fresh profile does): a search is answered once its index has caught up.
    for p in [&a.handle, &b.handle] {
        found_by_search(p, &id, "latency").await;
    }
    let mut lat = Vec::new();
    for i in 0..300 {
        let t = Instant::now();
        a.handle
            .edit(&id, post(format!("latency {i}")))
            .await
            .unwrap();
        until(&mut b, |e| matches!(e, PeerEvent::CommunityChanged { local: false, changes, .. } if changes.iter().any(|c| c.kind() == Some(copse_core::CommandKind::StartThread)))).await;
        lat.push(t.elapsed());
        while a.events.try_recv().is_some() {}
    }
    lat.drain(..20); // the first posts warm Automerge's caches on both sides
    let mut worst: Vec<(usize, Duration)> = lat.iter().copied().enumerate().collect();
    worst.sort_by_key(|w| std::cmp::Reverse(w.1));
    eprintln!(
        "[sync bench] slowest posts (index, latency): {:?}",
        &worst[..5]
    );
    let (p50, p99) = (percentile(&mut lat, 50.0), percentile(&mut lat, 99.0));
    out.push_str(&format!(
        "| new post, commit on A to visible on B, p50 ({} posts) | {} | <= 5 ms | {:.2} |\n",
        lat.len(),
        ms(p50),
        p50.as_secs_f64() / 0.005
    ));
    out.push_str(&format!(
        "| new post, commit on A to visible on B, p99 | {} | <= 20 ms | {:.2} |\n",
        ms(p99),
        p99.as_secs_f64() / 0.020
    ));

    // --- a post from A found by a search on B ---
    eprintln!("[sync bench] post A -> found by search on B");
    let mut found = Vec::new();
    for i in 0..100 {
        let word = format!("zebrawood{i}");
        let t = Instant::now();
        a.handle.edit(&id, post(word.clone())).await.unwrap();
        until(&mut b, |e| {
            matches!(e, PeerEvent::CommunityChanged { local: false, .. })
        })
        .await;
        while found_by_search(&b.handle, &id, &word).await == 0 {
            until(&mut b, |e| matches!(e, PeerEvent::CommunityChanged { .. })).await;
        }
        found.push(t.elapsed());
        while a.events.try_recv().is_some() {}
    }
    let (f50, f99) = (percentile(&mut found, 50.0), percentile(&mut found, 99.0));
    out.push_str(&format!(
        "| new post, commit on A to found by a search on B, p50 / p99 ({} posts) | {} / {} | searchable <= 200 ms after landing | {:.2} |\n",
        found.len(),
        ms(f50),
        ms(f99),
        f99.as_secs_f64() / 0.200
    ));

    // --- post latency while A compacts the whole community ---
    eprintln!("[sync bench] post latency while A compacts");
    let compactor = a.handle.clone();
    let cid = id.clone();
    let compaction = tokio::spawn(async move {
        let t = Instant::now();
        compactor
            .ask(ask::Compact { community: cid })
            .await
            .unwrap();
        t.elapsed()
    });
    let mut during = Vec::new();
    while !compaction.is_finished() {
        let t = Instant::now();
        let title = format!("during compaction {}", during.len());
        a.handle.edit(&id, post(title)).await.unwrap();
        until(&mut b, |e| matches!(e, PeerEvent::CommunityChanged { local: false, changes, .. } if changes.iter().any(|c| c.kind() == Some(copse_core::CommandKind::StartThread)))).await;
        during.push(t.elapsed());
        while a.events.try_recv().is_some() {}
    }
    let compaction_took = compaction.await.unwrap();
    // Let the last answer arrive, so the next measure starts from a known shared version.
    loop {
        let status = a.handle.status().await.unwrap();
        if status.communities[0]
            .peers
            .iter()
            .filter(|p| p.connected)
            .all(|p| p.up_to_date)
        {
            break;
        }
        until(&mut a, |e| matches!(e, PeerEvent::SyncState { .. })).await;
    }
    let (p50, p99, max) = (
        percentile(&mut during, 50.0),
        percentile(&mut during, 99.0),
        percentile(&mut during, 100.0),
    );
    out.push_str(&format!(
        "| new post A to B while A compacts the community ({} of its files; the old runtime stopped for all of it): p50 / p99 / max of {} posts | {} / {} / {} | p99 <= 50 ms | {:.2} |\n",
        ms(compaction_took),
        during.len(),
        ms(p50),
        ms(p99),
        ms(max),
        p99.as_secs_f64() / 0.050
    ));

    // --- reconnect with saved sync state ---
    for k in [0usize, 1, 1000] {
        eprintln!("[sync bench] reconnect with {k} new posts");
        b.handle.block(a.handle.member_id().clone()).await.unwrap();
        until(&mut b, |e| matches!(e, PeerEvent::PeerDisconnected { .. })).await;
        let before_heads = heads(&a.handle, &id).await;
        for i in 0..k {
            a.handle
                .edit(&id, post(format!("offline {k}/{i}")))
                .await
                .unwrap();
        }
        while a.events.try_recv().is_some() {}
        let mut apply_floor = None;
        let change_bytes = if k == 0 {
            0
        } else {
            let file = a.dir.path().join("bench-export.am");
            a.handle.export(&id, file.clone()).await.unwrap();
            let doc = Automerge::load(&std::fs::read(&file).unwrap()).unwrap();
            let changes = doc.save_after(&before_heads);
            if k == 1000 {
                // The floor: Automerge applying the same changes in memory, no network or disk.
                let mut behind = doc.fork_at(&before_heads).unwrap();
                let t = Instant::now();
                behind.load_incremental(&changes).unwrap();
                apply_floor = Some(t.elapsed());
            }
            changes.len() as u64
        };
        let (ta, tb) = (a.handle.traffic(), b.handle.traffic());
        let t = Instant::now();
        b.handle
            .unblock(a.handle.member_id().clone())
            .await
            .unwrap();
        // Reconnected, a sync round done (up to date again), and the same heads.
        until(&mut b, |e| matches!(e, PeerEvent::PeerConnected { .. })).await;
        let connected = t.elapsed();
        up_to_date(&mut b).await;
        caught_up(&a.handle, &mut b, &id).await;
        let took = t.elapsed();
        eprintln!(
            "[sync bench] reconnect {k}: connected after {}, caught up after {}",
            ms(connected),
            ms(took)
        );
        let (ta2, tb2) = (a.handle.traffic(), b.handle.traffic());
        let bytes_moved = (ta2.sync_in - ta.sync_in) + (tb2.sync_in - tb.sync_in);
        let overhead = bytes_moved.saturating_sub(change_bytes);
        out.push_str(&format!(
            "| reconnect with saved sync state, {k} new posts: time / bytes beyond the changes ({change_bytes} B) | {} / {overhead} B | <= 100 ms / <= 2 KB | {:.2} / {:.2} |\n",
            ms(took),
            took.as_secs_f64() / 0.1,
            overhead as f64 / 2048.0
        ));
        if let Some(floor) = apply_floor {
            out.push_str(&format!(
                "| of which Automerge applying those {k} changes in memory (`load_incremental`, no network, no disk) | {} | | |\n",
                ms(floor)
            ));
        }
    }

    // --- full sync to a new member ---
    eprintln!("[sync bench] full sync to a new member");
    let ticket = a
        .handle
        .invite(&id, 3_600_000, 1, Role::Member)
        .await
        .unwrap()
        .ticket;
    let c = start(2, None).await;
    let t = Instant::now();
    c.handle.join(&ticket, None).await.unwrap();
    let join = t.elapsed();
    let snapshot = {
        let file = a.dir.path().join("bench-export.am");
        a.handle.export(&id, file.clone()).await.unwrap();
        std::fs::read(&file).unwrap()
    };
    let doc = Automerge::load(&snapshot).unwrap();
    let t = Instant::now();
    let saved = doc.save();
    let save = t.elapsed();
    let t = Instant::now();
    let _loaded = Automerge::load(&saved).unwrap();
    let load = t.elapsed();
    let transfer = raw_transfer(&saved, &id).await;
    let base = save + load + transfer;
    out.push_str(&format!(
        "| full sync to a new member (join: admit, save, transfer, load, store) | {} | <= 1.2x ({} save + {} load + {} raw transfer of {:.1} MiB = {}) | {:.2} |\n",
        ms(join),
        ms(save),
        ms(load),
        ms(transfer),
        saved.len() as f64 / 1048576.0,
        ms(base),
        join.as_secs_f64() / (1.2 * base.as_secs_f64())
    ));
    for p in [&a.handle, &b.handle, &c.handle] {
        p.shutdown().await;
    }
    drop((a, b, c));

    // --- 20 peers, each connected to a few others ---
    eprintln!("[sync bench] 20 peers");
    out.push_str(&twenty_peers().await);

    println!("{out}");
    let _ = std::fs::write(cache_dir().join("sync.md"), &out);
}

/// Time to move `bytes` over a fresh copse-net connection between two nodes (request with
/// the bytes, tiny response), median of 3.
async fn raw_transfer(bytes: &[u8], id: &CommunityId) -> Duration {
    let (x, mut xe, xl) = copse_net::new(NetConfig::loopback([201; 32])).unwrap();
    let (y, mut ye, yl) = copse_net::new(NetConfig::loopback([202; 32])).unwrap();
    tokio::spawn(xl.run());
    tokio::spawn(yl.run());
    let addr = loop {
        if let Some(NetEvent::Listening { addr }) = ye.recv().await {
            break addr;
        }
    };
    x.send(NetOp::Dial {
        peer: Some(y.me().clone()),
        addrs: vec![addr],
    })
    .await;
    loop {
        if let Some(NetEvent::Connected { .. }) = xe.recv().await {
            break;
        }
    }
    let responder = tokio::spawn(async move {
        while let Some(ev) = ye.recv().await {
            if let NetEvent::SyncRequest { inbound, .. } = ev {
                y.send(NetOp::RespondSync {
                    inbound,
                    response: copse_core::sync::SyncResponse::Ok { heads: vec![] },
                })
                .await;
            }
        }
    });
    let mut times = Vec::new();
    for tag in 0..3 {
        let t = Instant::now();
        x.send(NetOp::SendSync {
            peer: copse_net::identity::member_id([202; 32]),
            request: SyncRequest::Changes {
                community: id.clone(),
                heads: vec![],
                changes: bytes.to_vec(),
            },
            tag: copse_core::sync::Tag(tag),
        })
        .await;
        loop {
            if let Some(NetEvent::SyncResult { .. }) = xe.recv().await {
                break;
            }
        }
        times.push(t.elapsed());
    }
    responder.abort();
    x.send(NetOp::Shutdown).await;
    percentile(&mut times, 50.0)
}

async fn twenty_peers() -> String {
    const N: u8 = 20;
    let spec = CommunitySpec {
        threads: 1_000,
        ..CommunitySpec::realistic()
    };
    let bytes = community_with_devices(&spec, N);
    let id = Community::load(&bytes).unwrap().id().clone();
    let mut peers = Vec::new();
    for i in 0..N {
        peers.push(start(i, Some(&bytes)).await);
    }
    // Each peer talks to 4 neighbours in a ring with chords; everyone else is blocked.
    let neighbours =
        |i: usize| -> Vec<usize> { vec![(i + 1) % 20, (i + 19) % 20, (i + 5) % 20, (i + 15) % 20] };
    for (i, peer) in peers.iter().enumerate() {
        for j in 0..N as usize {
            if i != j && !neighbours(i).contains(&j) {
                peer.handle.block(member(j as u8)).await.unwrap();
            }
        }
    }
    for i in 0..N as usize {
        let addr = peers[(i + 1) % 20].addr.clone();
        let addr5 = peers[(i + 5) % 20].addr.clone();
        peers[i].handle.dial(vec![addr, addr5]).await.unwrap();
    }
    // Settle: everyone up to date.
    for i in 1..N as usize {
        let (head, tail) = peers.split_at_mut(i);
        caught_up(&head[0].handle, &mut tail[0], &id).await;
    }
    let mut times = Vec::new();
    for round in 0..20 {
        for p in peers.iter_mut() {
            while p.events.try_recv().is_some() {}
        }
        let t = Instant::now();
        peers[0]
            .handle
            .edit(&id, post(format!("broadcast {round}")))
            .await
            .unwrap();
        let mut reached: HashMap<usize, Duration> = HashMap::new();
        for (i, p) in peers.iter_mut().enumerate().skip(1) {
            let title = format!("broadcast {round}");
            loop {
                until(p, |e| matches!(e, PeerEvent::CommunityChanged { .. })).await;
                let page = p
                    .handle
                    .ask(ask::Threads {
                        community: id.clone(),
                        kind: None,
                        tag: None,
                        after: None,
                        limit: 3,
                    })
                    .await
                    .unwrap();
                if page.threads.iter().any(|x| x.title == title) {
                    break;
                }
            }
            reached.insert(i, t.elapsed());
        }
        times.push(reached.values().copied().max().unwrap());
    }
    times.drain(..2);
    let (p50, max) = (percentile(&mut times, 50.0), percentile(&mut times, 100.0));
    for p in &peers {
        p.handle.shutdown().await;
    }
    format!(
        "| 20 peers, each connected to 4 others: one post reaches all, p50 / max of {} ({} threads) | {} / {} | <= 1 s | {:.2} |\n",
        times.len(),
        spec.threads,
        ms(p50),
        ms(max),
        max.as_secs_f64() / 1.0
    )
}
