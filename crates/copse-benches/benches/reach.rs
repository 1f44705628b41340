//! The reach path's costs (a bench binary, not timed tests): real copse-peer runtimes on
//! 127.0.0.1, each figure through a relay beside its direct baseline in the same run.
//! `cargo bench -p copse-benches --bench reach`; results on stdout and in
//! `target/copse-bench/reach.md`.
//!
//! To keep a relayed connection relayed on one machine, the relayed devices listen on no
//! address of their own (only on the relay): hole punching then has nothing to reach.
//! Loopback has no round trip to speak of, so the figures are the relay's own overhead
//! (one more hop, one more Noise and Yamux layer), not a WAN's.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use copse_core::record::{Role, ThreadKind};
use copse_core::{Command, Community, CommunityId};
use copse_peer::{PeerConfig, PeerEvent, PeerEvents, PeerHandle, RelayLimits, RelayServer, ask};
use copse_testkit::bench_support::{cache_dir, machine, ms, percentile, profile};

/// A running device.
struct Peer {
    handle: PeerHandle,
    events: PeerEvents,
    _dir: tempfile::TempDir,
}

/// Device `i` in a fresh profile (holding `community` if given), started with `config`'s
/// network settings.
fn start(i: u8, community: Option<&[u8]>, config: impl FnOnce(&mut PeerConfig)) -> Peer {
    let dir = tempfile::tempdir().unwrap();
    profile(dir.path(), i, community).unwrap();
    let mut c = PeerConfig::loopback(dir.path().to_owned());
    config(&mut c);
    let (handle, events) = copse_peer::start(c).unwrap();
    Peer {
        handle,
        events,
        _dir: dir,
    }
}

/// Waits for an event matching `f`; returns it.
async fn until(p: &mut Peer, mut f: impl FnMut(&PeerEvent) -> bool) -> PeerEvent {
    tokio::time::timeout(Duration::from_secs(900), async {
        while let Some(ev) = p.events.recv().await {
            if f(&ev) {
                return ev;
            }
        }
        panic!("peer stopped");
    })
    .await
    .expect("benchmark wait timed out")
}

/// A free TCP port on 127.0.0.1 (the relay must be told its address before it starts).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The relay: no community, a relay server with the default limits.
async fn relay() -> (Peer, String) {
    let addr = format!("/ip4/127.0.0.1/tcp/{}", free_port());
    let listen = addr.clone();
    let mut r = start(9, None, |c| {
        c.listen = vec![listen.clone()];
        c.external = vec![listen];
        c.relay_server = Some(RelayServer {
            limits: RelayLimits::default(),
            members_only: false,
        });
    });
    until(&mut r, |e| matches!(e, PeerEvent::Listening { .. })).await;
    let full = format!("{addr}/p2p/{}", r.handle.member_id());
    (r, full)
}

/// Device `i` holding `community`: directly listening on loopback, or (with `relay`)
/// listening only through it. Returns it and the address to dial it at.
async fn member(i: u8, community: Option<&[u8]>, relay: Option<&str>) -> (Peer, String) {
    let mut p = start(i, community, |c| {
        if let Some(r) = relay {
            c.listen = Vec::new();
            c.relays = vec![r.to_owned()];
        }
    });
    let addr = loop {
        if let PeerEvent::Listening { addr } = until(&mut p, |e| {
            matches!(e, PeerEvent::Listening { addr } if relay.is_none() || addr.contains("/p2p-circuit"))
        })
        .await
        {
            break format!("{addr}/p2p/{}", p.handle.member_id());
        }
    };
    (p, addr)
}

async fn heads(p: &PeerHandle, c: &CommunityId) -> Vec<copse_core::automerge::ChangeHash> {
    p.ask(ask::Heads {
        community: c.clone(),
    })
    .await
    .unwrap()
}

fn post(title: String) -> Command {
    Command::StartThread {
        kind: ThreadKind::Discussion,
        title,
        body: "across organisations".into(),
        tags: vec![],
    }
}

/// Figures for one path (direct, or through the relay).
struct Path {
    first_sync: Duration,
    p50: Duration,
    p99: Duration,
    join: Duration,
}

async fn measure(bytes: &[u8], id: &CommunityId, relay: Option<&str>, posts: usize) -> Path {
    let (mut a, a_addr) = member(0, Some(bytes), relay).await;
    // From B's start to its first completed sync with A.
    let t = Instant::now();
    let (mut b, _) = member(1, Some(bytes), relay).await;
    b.handle.dial(vec![a_addr.clone()]).await.unwrap();
    until(&mut b, |e| {
        matches!(
            e,
            PeerEvent::SyncState {
                up_to_date: true,
                ..
            }
        )
    })
    .await;
    let first_sync = t.elapsed();
    while heads(&a.handle, id).await != heads(&b.handle, id).await {
        until(&mut b, |e| matches!(e, PeerEvent::CommunityChanged { .. })).await;
    }
    let mut lat = Vec::new();
    for i in 0..posts {
        let t = Instant::now();
        a.handle.edit(id, post(format!("reach {i}"))).await.unwrap();
        until(&mut b, |e| {
            matches!(e, PeerEvent::CommunityChanged { local: false, changes, .. }
                if changes.iter().any(|c| c.kind() == Some(copse_core::CommandKind::StartThread)))
        })
        .await;
        lat.push(t.elapsed());
        while a.events.try_recv().is_some() {}
    }
    lat.drain(..lat.len().min(20));
    let (p50, p99) = (percentile(&mut lat, 50.0), percentile(&mut lat, 99.0));
    // A newcomer joins with A's ticket: the whole community through the same path.
    let ticket = a
        .handle
        .ask(ask::Invite {
            community: id.clone(),
            valid_ms: 3_600_000,
            uses: 1,
            role: Role::Member,
        })
        .await
        .unwrap()
        .ticket;
    let (c, _) = member(5, None, relay).await;
    let t = Instant::now();
    c.handle
        .ask(ask::Join {
            ticket,
            details: None,
        })
        .await
        .unwrap();
    let join = t.elapsed();
    for p in [a, b, c] {
        p.handle.shutdown().await;
    }
    Path {
        first_sync,
        p50,
        p99,
        join,
    }
}

#[tokio::main]
async fn main() {
    let spec = copse_testkit::bench_support::bench_spec();
    let bytes = copse_testkit::bench_support::community_with_devices(&spec, 2);
    let id = Community::load(&bytes).unwrap().id().clone();
    // Through the relay first: the direct run after it finds the files in the page cache,
    // so any ratio errs against the relay.
    eprintln!("[reach bench] through a relay");
    let (r, relay_addr) = relay().await;
    let relayed = measure(&bytes, &id, Some(&relay_addr), 200).await;
    r.handle.shutdown().await;
    eprintln!("[reach bench] direct");
    let direct = measure(&bytes, &id, None, 200).await;

    let mut out = format!(
        "## Reach: through a relay beside direct (copse-peer, copse-net)\n\nMachine: {}. Devices on 127.0.0.1 (TCP, Noise, Yamux), the realistic community ({} threads x {} posts); through the relay, the two members listen only on it (one more hop, one more Noise and Yamux layer; no WAN delay), so no hole punch can replace the relayed connection.\n\n| measure | direct | through the relay | ratio | goal |\n| --- | --- | --- | --- | --- |\n",
        machine(),
        spec.threads,
        spec.posts_per_thread
    );
    let row = |what: &str, d: Duration, r: Duration, goal: &str| {
        format!(
            "| {what} | {} | {} | {:.2} | {goal} |\n",
            ms(d),
            ms(r),
            r.as_secs_f64() / d.as_secs_f64().max(1e-9)
        )
    };
    out.push_str(&row(
        "start of B to its first completed sync with A",
        direct.first_sync,
        relayed.first_sync,
        "",
    ));
    out.push_str(&row(
        "new post, commit on A to visible on B, p50 (180 posts)",
        direct.p50,
        relayed.p50,
        "",
    ));
    out.push_str(&row(
        "new post, commit on A to visible on B, p99",
        direct.p99,
        relayed.p99,
        "",
    ));
    out.push_str(&row(
        "full join of the community by a newcomer",
        direct.join,
        relayed.join,
        "<= 1.3x direct",
    ));
    println!("{out}");
    let dir = cache_dir();
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("reach.md"), out);
}
