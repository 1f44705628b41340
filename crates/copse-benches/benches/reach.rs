//! The reach path's costs (a bench binary, not timed tests): real copse-peer runtimes on
//! 127.0.0.1, each figure through a relay beside its direct baseline in the same run.
//! `cargo bench -p copse-benches --bench reach`; results on stdout and in
//! `target/copse-bench/reach.md`.
//!
//! To keep a relayed connection relayed on one machine, the relayed devices listen on no
//! address of their own (only on the relay): hole punching then has nothing to reach.
//! Loopback has no round trip to speak of, so the figures are the relay's own overhead
//! (one more hop, one more Noise and Yamux layer), not a WAN's.
//!
//! The relay under load runs in a process of its own (this binary, started again with
//! `--relay-child`), so its memory and CPU are read from /proc apart from the members'.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use copse_core::record::{Role, ThreadKind};
use copse_core::{Command, Community, CommunityId};
use copse_peer::{PeerConfig, PeerEvent, PeerEvents, PeerHandle, RelayLimits, RelayServer, ask};
use copse_testkit::bench_support::{
    cache_dir, cpu_time_of, machine, ms, percentile, profile, rss_kib_of,
};

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

/// The relay: device `device`, no community, a relay server with `limits`; it and its
/// full address.
async fn relay_with(device: u8, limits: RelayLimits) -> (Peer, String) {
    let addr = format!("/ip4/127.0.0.1/tcp/{}", free_port());
    let listen = addr.clone();
    let mut r = start(device, None, |c| {
        c.listen = vec![listen.clone()];
        c.external = vec![listen];
        c.relay_server = Some(RelayServer {
            limits,
            members_only: false,
        });
    });
    until(&mut r, |e| matches!(e, PeerEvent::Listening { .. })).await;
    let full = format!("{addr}/p2p/{}", r.handle.member_id());
    (r, full)
}

/// The relay of the path measures: the default limits.
async fn relay() -> (Peer, String) {
    relay_with(9, RelayLimits::default()).await
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

/// The relay process: prints its address, relays until its stdin closes.
async fn relay_child() {
    use std::io::Write as _;
    // A device number no member of the load has (they are 0 to n-1). Room for a full
    // mesh of the members (one circuit per pair); every member here comes from
    // 127.0.0.1, as members behind one office NAT share an address, so the per-IP rate
    // (60 a minute by default) is raised, as `--relay-per-ip-per-minute` would be.
    let (r, full) = relay_with(
        200,
        RelayLimits {
            circuits: 512,
            circuits_per_peer: 32,
            per_ip_per_minute: 1000,
            ..RelayLimits::default()
        },
    )
    .await;
    println!("{full}");
    std::io::stdout().flush().unwrap();
    // Until the parent is done (it closes our stdin).
    let _ = tokio::task::spawn_blocking(|| {
        let mut sink = String::new();
        while std::io::stdin().read_line(&mut sink).unwrap_or(0) > 0 {}
    })
    .await;
    r.handle.shutdown().await;
}

/// What the relay process costs: idle, then with `n` members meshed through it.
struct Load {
    members: usize,
    circuits: usize,
    idle_rss_kib: u64,
    loaded_rss_kib: u64,
    peak_rss_kib: u64,
    mesh_time: Duration,
    mesh_cpu: Duration,
    posts: usize,
    burst_time: Duration,
    burst_cpu: Duration,
}

/// Starts the relay process and `n` members of one small community, each listening only
/// through the relay; every member dials every other's relayed address (one circuit per
/// pair), then each posts `posts_each` and all wait until every member has every post.
async fn relay_load(n: u8, posts_each: usize) -> Load {
    use std::io::BufRead as _;
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("--relay-child")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let relay = line.trim().to_owned();
    let spec = copse_testkit::CommunitySpec {
        threads: 20,
        ..copse_testkit::CommunitySpec::realistic()
    };
    let bytes = copse_testkit::bench_support::community_with_devices(&spec, n);
    let id = Community::load(&bytes).unwrap().id().clone();
    let (idle_rss_kib, _) = rss_kib_of(&pid);
    let mut members = Vec::new();
    for i in 0..n {
        members.push(member(i, Some(&bytes), Some(&relay)).await);
    }
    let cpu0 = cpu_time_of(&pid);
    let t = Instant::now();
    for i in 0..members.len() {
        let others: Vec<String> = members[i + 1..].iter().map(|(_, a)| a.clone()).collect();
        members[i].0.handle.dial(others).await.unwrap();
    }
    let want = usize::from(n) - 1;
    for (p, _) in &mut members {
        loop {
            let s = p.handle.status().await.unwrap();
            if s.connected.len() >= want {
                break;
            }
            until(p, |e| matches!(e, PeerEvent::PeerConnected { .. })).await;
        }
    }
    let mesh_time = t.elapsed();
    let mesh_cpu = cpu_time_of(&pid).saturating_sub(cpu0);
    let (loaded_rss_kib, _) = rss_kib_of(&pid);
    // Every member posts; every member ends with every post.
    let cpu1 = cpu_time_of(&pid);
    let t = Instant::now();
    for (i, (p, _)) in members.iter().enumerate() {
        for k in 0..posts_each {
            p.handle
                .edit(&id, post(format!("load {i}.{k}")))
                .await
                .unwrap();
        }
    }
    // Polled (a bench, not a test): the wait ends within 20 ms of the last arrival.
    let total = spec.threads + members.len() * posts_each;
    'converged: loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let first = heads(&members[0].0.handle, &id).await;
        for (p, _) in &members {
            if heads(&p.handle, &id).await != first {
                continue 'converged;
            }
        }
        if threads_on(&members[0].0.handle, &id).await >= total {
            break;
        }
    }
    let burst_time = t.elapsed();
    let burst_cpu = cpu_time_of(&pid).saturating_sub(cpu1);
    let (_, peak_rss_kib) = rss_kib_of(&pid);
    for (p, _) in members {
        p.handle.shutdown().await;
    }
    drop(child.stdin.take());
    let _ = child.wait();
    Load {
        members: usize::from(n),
        circuits: usize::from(n) * (usize::from(n) - 1) / 2,
        idle_rss_kib,
        loaded_rss_kib,
        peak_rss_kib,
        mesh_time,
        mesh_cpu,
        posts: usize::from(n) * posts_each,
        burst_time,
        burst_cpu,
    }
}

/// How many threads member `p` has in the community.
async fn threads_on(p: &PeerHandle, id: &CommunityId) -> usize {
    p.ask(ask::Show {
        community: id.clone(),
    })
    .await
    .map(|s| s.threads.len())
    .unwrap_or(0)
}

/// Direct beside relayed: first sync, post latency, a newcomer's join.
async fn paths() -> String {
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
    out
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--relay-child") {
        return relay_child().await;
    }
    // `--load-only`: only the relay under load (its own baseline is the idle relay).
    let load_only = std::env::args().any(|a| a == "--load-only");
    let mut out = if load_only {
        format!(
            "## Reach: the relay under load (copse-peer, copse-net)\n\nMachine: {}.\n",
            machine()
        )
    } else {
        paths().await
    };
    eprintln!("[reach bench] the relay under load");
    let load = relay_load(15, 10).await;
    let mib = |kib: u64| format!("{:.1} MiB", kib as f64 / 1024.0);
    out.push_str(&format!(
        "\n### The relay under load\n\nThe relay in a process of its own; {} members of one community (20 threads), each listening only through it, every member dialling every other: {} circuits open at once. Then every member posts {} threads ({} in all) and waits until every member has all of them.\n\n| measure | value |\n| --- | --- |\n| relay resident memory, idle (baseline) | {} |\n| relay resident memory, {} circuits open | {} |\n| relay peak resident memory over the run | {} |\n| opening the {} circuits: time / relay CPU | {} / {} |\n| {} posts reaching all {} members: time / relay CPU | {} / {} |\n",
        load.members,
        load.circuits,
        load.posts / load.members,
        load.posts,
        mib(load.idle_rss_kib),
        load.circuits,
        mib(load.loaded_rss_kib),
        mib(load.peak_rss_kib),
        load.circuits,
        ms(load.mesh_time),
        ms(load.mesh_cpu),
        load.posts,
        load.members,
        ms(load.burst_time),
        ms(load.burst_cpu),
    ));
    println!("{out}");
    let dir = cache_dir();
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("reach.md"), out);
}
