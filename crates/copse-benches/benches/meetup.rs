//! Meetup benchmarks (a bench binary, not timed tests): five real copse-peer runtimes over
//! libp2p on 127.0.0.1, all connected to each other as devices in one room are, holding the
//! realistic community. `cargo bench -p copse-testkit --bench meetup`; results on stdout
//! and in `target/copse-bench/meetup.md`.
//!
//! Measured: "I'm here" on one device until the attendance shows on all five; answering
//! the meetup panel (`ask::Meetup`) and the digest (`ask::MeetupDigest`).

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use copse_core::{Command, Community, CommunityId, Created, EventId, MemberId, Timestamp};
use copse_peer::{PeerEvent, PeerHandle, ask};
use copse_testkit::bench_support::{cache_dir, community_with_devices, machine, ms, percentile};

const DEVICES: u8 = 5;

#[path = "support/peers.rs"]
mod peers;
use peers::{Peer, heads, start};

/// Waits for the next change to `p`'s copy (or any sync progress), at most ten minutes.
async fn next_change(p: &mut Peer) {
    tokio::time::timeout(Duration::from_secs(600), async {
        while let Some(ev) = p.events.recv().await {
            if matches!(
                ev,
                PeerEvent::CommunityChanged { .. } | PeerEvent::SyncState { .. }
            ) {
                return;
            }
        }
        panic!("peer stopped");
    })
    .await
    .expect("benchmark wait timed out");
}

/// Waits until every device holds the same document.
async fn converged(peers: &mut [Peer], c: &CommunityId) {
    loop {
        let first = heads(&peers[0].handle, c).await;
        let mut behind = None;
        for (i, p) in peers.iter().enumerate() {
            if heads(&p.handle, c).await != first {
                behind = Some(i);
                break;
            }
        }
        match behind {
            None => return,
            Some(i) => next_change(&mut peers[i]).await,
        }
    }
}

/// Who the meetup on now has checked in, as `p` sees it.
async fn checked_in(p: &PeerHandle, c: &CommunityId) -> Vec<MemberId> {
    p.ask(ask::Meetup {
        community: c.clone(),
    })
    .await
    .unwrap()
    .event
    .map(|e| e.attended)
    .unwrap_or_default()
}

fn now() -> Timestamp {
    copse_peer::now()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let spec = copse_testkit::bench_support::bench_spec();
    let bytes = community_with_devices(&spec, DEVICES);
    let id = Community::load(&bytes).unwrap().id().clone();
    eprintln!("[meetup bench] starting {DEVICES} devices");
    let mut peers = Vec::new();
    for i in 0..DEVICES {
        peers.push(start(i, Some(&bytes)).await);
    }
    // Everyone in the room reaches everyone (as mDNS connects them).
    let addrs: Vec<String> = peers.iter().map(|p| p.addr.clone()).collect();
    for (i, p) in peers.iter().enumerate() {
        p.handle.dial(addrs[..i].to_vec()).await.unwrap();
    }
    converged(&mut peers, &id).await;

    let starts = now().plus_millis(-10 * 60_000);
    let applied = peers[0]
        .handle
        .ask(ask::Edit {
            community: id.clone(),
            command: Command::CreateEvent {
                title: "Winter meetup".into(),
                description: String::new(),
                starts_at: starts,
                ends_at: starts.plus_millis(3 * 3_600_000),
                place: "Bergen".into(),
                zone: Some("Europe/Oslo".into()),
            },
        })
        .await
        .unwrap();
    let Some(Created::Event(event)) = applied.created else {
        panic!("no event id");
    };
    converged(&mut peers, &id).await;
    // Let start-up housekeeping (each device recording its addresses) settle first.
    for p in &peers {
        while p.handle.status().await.unwrap().communities[0]
            .peers
            .iter()
            .any(|s| s.connected && !s.up_to_date)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    converged(&mut peers, &id).await;

    eprintln!("[meetup bench] check-ins");
    let mut lat = Vec::new();
    for round in 0..40u32 {
        let who = 1 + (round % u32::from(DEVICES - 1)) as usize;
        let present = round / u32::from(DEVICES - 1) % 2 == 0;
        let member = peers[who].handle.member_id().clone();
        let t = Instant::now();
        peers[who]
            .handle
            .edit(&id, attend(&event, &member, present))
            .await
            .unwrap();
        for p in peers.iter_mut() {
            while checked_in(&p.handle, &id).await.contains(&member) != present {
                next_change(p).await;
            }
        }
        lat.push(t.elapsed());
        for p in &mut peers {
            while p.events.try_recv().is_some() {}
        }
    }
    lat.drain(..4); // each device's first edit after the load warms Automerge's caches
    let (p50, p99) = (percentile(&mut lat, 50.0), percentile(&mut lat, 99.0));

    eprintln!("[meetup bench] queries");
    let digest_query = || ask::MeetupDigest {
        community: id.clone(),
    };
    // The first ask builds the participation ledger (its own thread; levels, "For you"
    // and the digest share it), the rest read it.
    let t = Instant::now();
    peers[0].handle.ask(digest_query()).await.unwrap();
    let first_digest = t.elapsed();
    let mut panel = Vec::new();
    let mut digest = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        checked_in(&peers[0].handle, &id).await;
        panel.push(t.elapsed());
        let t = Instant::now();
        peers[0].handle.ask(digest_query()).await.unwrap();
        digest.push(t.elapsed());
    }
    let out = format!(
        "## Meetup mode (copse-peer, copse-net)\n\nMachine: {}. {DEVICES} peers on 127.0.0.1 (TCP, Noise, Yamux), each connected to the others, holding the realistic community ({} threads x {} posts, {} events); every edit is fsynced before it leaves.\n\n| measure | p50 | p99 |\n| --- | --- | --- |\n| \"I'm here\" on one device until the attendance shows on all five ({} check-ins and check-outs) | {} | {} |\n| the meetup panel (`ask::Meetup`: the event on now, who is here, up to date) | {} | {} |\n| the digest of the last meetup (`ask::MeetupDigest`), once the ledger is built | {} | {} |\n| its first ask on a device (builds the participation ledger, off the runtime) | {} | |\n",
        machine(),
        spec.threads,
        spec.posts_per_thread,
        spec.events,
        lat.len(),
        ms(p50),
        ms(p99),
        ms(percentile(&mut panel, 50.0)),
        ms(percentile(&mut panel, 99.0)),
        ms(percentile(&mut digest, 50.0)),
        ms(percentile(&mut digest, 99.0)),
        ms(first_digest),
    );
    println!("{out}");
    let _ = std::fs::create_dir_all(cache_dir());
    let _ = std::fs::write(cache_dir().join("meetup.md"), &out);
    for p in &peers {
        p.handle.shutdown().await;
    }
}

fn attend(event: &EventId, member: &MemberId, present: bool) -> Command {
    Command::RecordAttendance {
        event: event.clone(),
        member: member.clone(),
        present,
    }
}
