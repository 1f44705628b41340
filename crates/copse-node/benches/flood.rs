//! The hostile-peer benchmark (a bench binary, not a timed test): 200 non-member connections
//! flood a serving node (`copse-node serve`, its own process) with sync and join requests
//! for its community (valid framing, random contents, some at the maximum frame size) for
//! 30 s, while two members post through it. Reports the members' post latency under the
//! flood, the node's memory high-water growth, the refusals per second, and how long the
//! node took to answer status queries on its control socket throughout.
//!
//! `cargo bench -p copse-node --bench flood`; results on stdout and in
//! `target/copse-bench/flood.md`. `COPSE_FLOOD_SECS` shortens the flood (a quick check).

#![allow(clippy::unwrap_used)]

#[path = "../tests/common/activity.rs"]
#[allow(dead_code)]
mod activity;
#[path = "../tests/common/serve_process.rs"]
mod serve_process;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use copse_core::record::{MemberDetails, ThreadKind};
use copse_core::sync::JoinRequest;
use copse_core::{Community, CommunityId, InviteId, InviteSecret, MemberId};
use copse_peer::{PeerConfig, PeerEvent, PeerEvents, PeerHandle};
use copse_testkit::CommunitySpec;
use copse_testkit::bench_support::{
    cache_dir, community_with_devices, cpu_time_of, device_seed, machine, ms, percentile, profile,
    rss_kib_of,
};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, StreamExt};
use libp2p::core::Transport as _;
use libp2p::request_response::{self, ProtocolSupport};
use libp2p::swarm::SwarmEvent;
use libp2p::{Multiaddr, PeerId, StreamProtocol, noise, tcp, yamux};
use rand::{Rng, RngCore, SeedableRng};
use serve_process::Serve;

const FLOODERS: usize = 200;
/// Flooders that send whole frames of the maximum size.
const HEAVY: usize = 10;
/// Requests each flooder keeps in flight.
const IN_FLIGHT: usize = 4;
const MAX_SYNC_REQUEST: usize = 32 << 20;

fn member(i: u8) -> MemberId {
    copse_net::identity::member_id(device_seed(i))
}

/// Sends requests as given (the bench writes its own length prefix); reads any answer.
#[derive(Clone, Default)]
struct RawCodec;

impl request_response::Codec for RawCodec {
    type Protocol = StreamProtocol;
    type Request = Vec<u8>;
    type Response = Vec<u8>;

    async fn read_request<T: AsyncRead + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
    ) -> std::io::Result<Vec<u8>> {
        read_up_to_64k(io).await
    }
    async fn read_response<T: AsyncRead + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
    ) -> std::io::Result<Vec<u8>> {
        read_up_to_64k(io).await
    }
    async fn write_request<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        req: Vec<u8>,
    ) -> std::io::Result<()> {
        io.write_all(&req).await?;
        io.close().await
    }
    async fn write_response<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        res: Vec<u8>,
    ) -> std::io::Result<()> {
        io.write_all(&res).await?;
        io.close().await
    }
}

async fn read_up_to_64k<T: AsyncRead + Unpin + Send>(io: &mut T) -> std::io::Result<Vec<u8>> {
    let mut v = Vec::new();
    io.take(1 << 16).read_to_end(&mut v).await?;
    Ok(v)
}

fn framed(payload: &[u8]) -> Vec<u8> {
    let mut v = (payload.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(payload);
    v
}

/// One hostile request: a sync request for the community or another, a join request with
/// a made-up secret, or (heavy flooders) a whole frame of the largest size.
fn hostile(rng: &mut impl RngCore, c: &CommunityId, heavy: Option<&[u8]>) -> Vec<u8> {
    if let Some(big) = heavy {
        return big.to_vec();
    }
    let sync = |community: &str, rng: &mut dyn RngCore| {
        let mut p = vec![0x02];
        p.extend_from_slice(community.as_bytes());
        let mut body = vec![0u8; rng.gen_range(0..4096)];
        rng.fill_bytes(&mut body);
        p.extend_from_slice(&body);
        framed(&p)
    };
    match rng.gen_range(0..100) {
        0..=44 => sync(c.as_str(), rng),
        45..=69 => sync(CommunityId::random(rng).as_str(), rng),
        _ => {
            let req = JoinRequest {
                community: c.clone(),
                invite: InviteId::random(rng),
                proof: Box::new(copse_core::admission_proof::AdmissionProof::sign(
                    &InviteSecret::random(rng),
                    &copse_core::guard::Signer::random(rng),
                    c,
                    &InviteId::random(rng),
                )),
                details: MemberDetails {
                    name: "Mallory".into(),
                    ..MemberDetails::default()
                },
            };
            framed(&req.encode())
        }
    }
}

/// Counters the flooders share.
#[derive(Default)]
struct Tally {
    sent: AtomicU64,
    refused: AtomicU64,
    failed: AtomicU64,
}

/// One flooder: its own identity, its own loopback address, requests kept in flight until
/// `stop`, reconnecting whenever it is cut off.
async fn flooder(
    index: usize,
    target: PeerId,
    target_addr: Multiaddr,
    community: CommunityId,
    heavy: Option<Arc<Vec<u8>>>,
    tally: Arc<Tally>,
    stop: Arc<AtomicBool>,
) {
    // Each flooder speaks from an address of its own (127.0.1.2 ...): 200 hosts, as the
    // node would see them on a real network.
    let source = std::net::Ipv4Addr::new(127, 0, 1 + (index / 250) as u8, 2 + (index % 250) as u8);
    let mut swarm = libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_other_transport(|key| {
            SourceBoundTcp(source)
                .upgrade(libp2p::core::upgrade::Version::V1)
                .authenticate(noise::Config::new(key).unwrap())
                .multiplex(yamux::Config::default())
        })
        .unwrap()
        .with_behaviour(|_| {
            request_response::Behaviour::<RawCodec>::new(
                [
                    (
                        StreamProtocol::new("/copse/sync/1"),
                        ProtocolSupport::Outbound,
                    ),
                    (
                        StreamProtocol::new("/copse/join/1"),
                        ProtocolSupport::Outbound,
                    ),
                ],
                request_response::Config::default().with_request_timeout(Duration::from_secs(10)),
            )
        })
        .unwrap()
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(30)))
        .build();
    swarm.add_peer_address(target, target_addr);
    let mut rng = rand::rngs::StdRng::seed_from_u64(index as u64);
    let mut in_flight = 0;
    // Cut off (the node closes on strangers): wait for the next tick before trying again,
    // so that 200 flooders sharing the bench's two cores do not spin on failures.
    let mut cut_off = false;
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    // A whole 32 MiB frame at a time is plenty for the heavy ones.
    let most = if heavy.is_some() { 1 } else { IN_FLIGHT };
    while !stop.load(Ordering::Relaxed) {
        while in_flight < most && !cut_off {
            let bytes = hostile(&mut rng, &community, heavy.as_deref().map(Vec::as_slice));
            swarm.behaviour_mut().send_request(&target, bytes);
            tally.sent.fetch_add(1, Ordering::Relaxed);
            in_flight += 1;
        }
        tokio::select! {
            ev = swarm.select_next_some() => match ev {
                SwarmEvent::Behaviour(request_response::Event::Message {
                    message: request_response::Message::Response { .. },
                    ..
                }) => {
                    in_flight -= 1;
                    tally.refused.fetch_add(1, Ordering::Relaxed);
                }
                SwarmEvent::Behaviour(request_response::Event::OutboundFailure { .. }) => {
                    in_flight -= 1;
                    cut_off = true;
                    tally.failed.fetch_add(1, Ordering::Relaxed);
                }
                _ => {}
            },
            _ = tick.tick() => cut_off = false,
        }
    }
}

/// TCP that dials from a given source address (libp2p's own TCP transport binds dials
/// to the unspecified address, so every flooder would come from 127.0.0.1).
struct SourceBoundTcp(std::net::Ipv4Addr);

impl libp2p::core::Transport for SourceBoundTcp {
    type Output = tcp::tokio::TcpStream;
    type Error = std::io::Error;
    type ListenerUpgrade = std::future::Pending<std::io::Result<tcp::tokio::TcpStream>>;
    type Dial = futures::future::BoxFuture<'static, std::io::Result<tcp::tokio::TcpStream>>;

    fn listen_on(
        &mut self,
        _: libp2p::core::transport::ListenerId,
        addr: Multiaddr,
    ) -> Result<(), libp2p::core::transport::TransportError<Self::Error>> {
        Err(libp2p::core::transport::TransportError::MultiaddrNotSupported(addr))
    }

    fn remove_listener(&mut self, _: libp2p::core::transport::ListenerId) -> bool {
        false
    }

    fn dial(
        &mut self,
        addr: Multiaddr,
        _: libp2p::core::transport::DialOpts,
    ) -> Result<Self::Dial, libp2p::core::transport::TransportError<Self::Error>> {
        use libp2p::multiaddr::Protocol;
        let mut parts = addr.iter();
        let (Some(Protocol::Ip4(ip)), Some(Protocol::Tcp(port))) = (parts.next(), parts.next())
        else {
            return Err(libp2p::core::transport::TransportError::MultiaddrNotSupported(addr));
        };
        let source = self.0;
        Ok(Box::pin(async move {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind((source, 0).into())?;
            let stream = socket.connect((ip, port).into()).await?;
            stream.set_nodelay(true)?;
            Ok(tcp::tokio::TcpStream(stream))
        }))
    }

    fn poll(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<libp2p::core::transport::TransportEvent<Self::ListenerUpgrade, Self::Error>>
    {
        std::task::Poll::Pending
    }
}

/// Set in the environment of the flooders' process: `<node address> <community> <seconds>`.
const FLOOD_CHILD: &str = "COPSE_FLOOD_CHILD";

/// The flooders, in a process of their own at the lowest CPU priority: they stand in for
/// other machines, so their own work must not take the two cores from the node and the
/// members; what the node spends on them is what is measured.
struct Flood {
    child: Child,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl Flood {
    fn start(node_addr: &str, community: &CommunityId, secs: u64) -> Self {
        let mut child = Command::new("nice")
            .args(["-n", "19"])
            .arg(std::env::current_exe().unwrap())
            .env(
                FLOOD_CHILD,
                format!("{node_addr} {} {secs}", community.as_str()),
            )
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert_eq!(lines.next().unwrap().unwrap(), "flooding");
        Self { child, lines }
    }

    fn cpu(&self) -> Duration {
        cpu_time_of(&self.child.id().to_string())
    }

    /// Waits for the flood to end: `(sent, refused with an answer, cut off)`.
    fn finish(mut self) -> (u64, u64, u64) {
        let line = self.lines.next().unwrap().unwrap();
        let _ = self.child.wait();
        let n: Vec<u64> = line.split(' ').map(|v| v.parse().unwrap()).collect();
        (n[0], n[1], n[2])
    }
}

async fn flood_child(args: &str) {
    let mut args = args.split(' ');
    let node_addr = args.next().unwrap();
    let id: CommunityId = args.next().unwrap().parse().unwrap();
    let secs: u64 = args.next().unwrap().parse().unwrap();
    let target: PeerId = node_addr.rsplit_once("/p2p/").unwrap().1.parse().unwrap();
    let target_addr: Multiaddr = node_addr.rsplit_once("/p2p/").unwrap().0.parse().unwrap();
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut big = vec![0u8; MAX_SYNC_REQUEST];
    rand::thread_rng().fill_bytes(&mut big[4 + 27..]);
    big[..4].copy_from_slice(&((MAX_SYNC_REQUEST - 4) as u32).to_be_bytes());
    big[4] = 0x02;
    big[5..5 + 26].copy_from_slice(id.as_str().as_bytes());
    let big = Arc::new(big);
    let mut flooders = Vec::new();
    for i in 0..FLOODERS {
        flooders.push(tokio::spawn(flooder(
            i,
            target,
            target_addr.clone(),
            id.clone(),
            (i < HEAVY).then(|| big.clone()),
            tally.clone(),
            stop.clone(),
        )));
    }
    println!("flooding");
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    for f in &flooders {
        f.abort();
    }
    for f in flooders {
        let _ = f.await;
    }
    println!(
        "{} {} {}",
        tally.sent.load(Ordering::Relaxed),
        tally.refused.load(Ordering::Relaxed),
        tally.failed.load(Ordering::Relaxed)
    );
}

/// The node process, with what the bench reads of it.
struct Node {
    serve: Serve,
    pid: String,
}

impl Node {
    fn start(dir: &Path) -> Self {
        let serve = Serve::start(dir, true);
        let pid = serve.child.id().to_string();
        Self { serve, pid }
    }

    fn addr(&self) -> &str {
        &self.serve.addr
    }

    /// `(VmRSS, VmHWM)` in KiB.
    fn memory(&self) -> (u64, u64) {
        rss_kib_of(&self.pid)
    }

    /// Resets the node's memory high-water mark to its current RSS (Linux: `clear_refs` 5),
    /// so that the mark after the flood is the flood's own peak, not the start-up load's.
    fn reset_high_water(&self) -> bool {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid), "5").is_ok()
    }

    fn cpu(&self) -> Duration {
        cpu_time_of(&self.pid)
    }
}

/// One status query over the node's control socket, timed.
fn status_latency(dir: &Path) -> Duration {
    let t = Instant::now();
    let mut s = std::os::unix::net::UnixStream::connect(dir.join("control.sock")).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut line = serde_json::to_vec(&copse_peer::Request::from(copse_peer::ask::Status)).unwrap();
    line.push(b'\n');
    s.write_all(&line).unwrap();
    let mut reply = String::new();
    BufReader::new(&s).read_line(&mut reply).unwrap();
    assert!(reply.contains("Ok"), "{reply}");
    t.elapsed()
}

async fn start_member(i: u8, bytes: &[u8]) -> (PeerHandle, PeerEvents, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    profile(dir.path(), i, Some(bytes)).unwrap();
    let (h, ev) = copse_peer::start(PeerConfig::loopback(dir.path().to_owned())).unwrap();
    (h, ev, dir)
}

/// Waits until `events` report a post arriving from elsewhere (posts go one at a time).
async fn arrived(events: &mut PeerEvents) {
    tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(ev) = events.recv().await {
            if matches!(ev, PeerEvent::CommunityChanged { local: false, ref changes, .. } if changes.iter().any(|c| c.kind() == Some(copse_core::CommandKind::StartThread)))
            {
                return;
            }
        }
    })
    .await
    .expect("a post never arrived");
}

async fn post_and_wait(
    b: &PeerHandle,
    c_events: &mut PeerEvents,
    id: &CommunityId,
    n: usize,
) -> Duration {
    let t = Instant::now();
    b.edit(
        id,
        copse_core::Command::StartThread {
            kind: ThreadKind::Discussion,
            title: format!("post {n}"),
            body: "x".repeat(200),
            tags: vec![],
        },
    )
    .await
    .unwrap();
    arrived(c_events).await;
    t.elapsed()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    match std::env::var(FLOOD_CHILD) {
        Ok(args) => runtime.block_on(flood_child(&args)),
        Err(_) => runtime.block_on(run()),
    }
}

async fn run() {
    let secs: u64 = std::env::var("COPSE_FLOOD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let spec = CommunitySpec {
        threads: 1_000,
        ..CommunitySpec::realistic()
    };
    let bytes = community_with_devices(&spec, 3);
    let id = Community::load(&bytes).unwrap().id().clone();
    let node_dir = tempfile::tempdir().unwrap();
    profile(node_dir.path(), 0, Some(&bytes)).unwrap();
    let node = Node::start(node_dir.path());
    eprintln!("[flood] node at {}", node.addr());

    // Two members reach each other only through the node.
    let (b, _b_events, _bd) = start_member(1, &bytes).await;
    let (c, mut c_events, _cd) = start_member(2, &bytes).await;
    b.block(member(2)).await.unwrap();
    c.block(member(1)).await.unwrap();
    b.dial(vec![node.addr().to_owned()]).await.unwrap();
    c.dial(vec![node.addr().to_owned()]).await.unwrap();
    // Steady state: a few posts travel B -> node -> C.
    for n in 0..20 {
        post_and_wait(&b, &mut c_events, &id, n).await;
    }
    let mut quiet = Vec::new();
    for n in 20..120 {
        quiet.push(post_and_wait(&b, &mut c_events, &id, n).await);
    }
    let quiet_status = status_latency(node_dir.path());
    let (start_up_hwm, reset) = (node.memory().1, node.reset_high_water());
    let (rss_before, hwm_before) = node.memory();

    eprintln!("[flood] {FLOODERS} flooders for {secs} s");
    let flood = Flood::start(node.addr(), &id, secs);
    // Status queries every 250 ms, on a thread of their own.
    let probing = Arc::new(AtomicBool::new(true));
    let probe_dir = node_dir.path().to_owned();
    let probe_flag = probing.clone();
    let prober = std::thread::spawn(move || {
        let mut worst = Duration::ZERO;
        let mut n = 0;
        while probe_flag.load(Ordering::Relaxed) {
            worst = worst.max(status_latency(&probe_dir));
            n += 1;
            std::thread::sleep(Duration::from_millis(250));
        }
        (worst, n)
    });
    let started = Instant::now();
    let (node_cpu_before, members_cpu_before, flood_cpu_before) =
        (node.cpu(), cpu_time_of("self"), flood.cpu());
    let mut flooded = Vec::new();
    let mut peak_rss = rss_before;
    let mut n = 1_000;
    while started.elapsed() < Duration::from_secs(secs) {
        let took = post_and_wait(&b, &mut c_events, &id, n).await;
        if std::env::var_os("COPSE_FLOOD_TRACE").is_some() {
            eprintln!("[flood] post {n}: {}", ms(took));
        }
        flooded.push(took);
        n += 1;
        peak_rss = peak_rss.max(node.memory().0);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let elapsed = started.elapsed();
    let node_cpu = node.cpu() - node_cpu_before;
    let members_cpu = cpu_time_of("self") - members_cpu_before;
    let flood_cpu = flood.cpu() - flood_cpu_before;
    probing.store(false, Ordering::Relaxed);
    let (worst_status, probes) = prober.join().unwrap();
    let (sent, refused, failed) = flood.finish();
    let (_, hwm_after) = node.memory();

    let (q50, q99) = (
        percentile(&mut quiet.clone(), 50.0),
        percentile(&mut quiet.clone(), 99.0),
    );
    let (f50, f99, fmax) = (
        percentile(&mut flooded.clone(), 50.0),
        percentile(&mut flooded.clone(), 99.0),
        percentile(&mut flooded.clone(), 100.0),
    );
    // With the mark reset, growth is the flood's peak over the RSS before it; without
    // (clear_refs refused), the larger of the sampled peak and the mark's growth.
    let growth_kib = if reset {
        hwm_after.saturating_sub(rss_before)
    } else {
        hwm_after
            .saturating_sub(hwm_before)
            .max(peak_rss.saturating_sub(rss_before))
    };
    let growth_mib = growth_kib as f64 / 1024.0;
    let report = format!(
        "## Hostile peers (copse-node serve under a flood)\n\nMachine: {}. A node (`copse-node serve`, its own process) holding a community of {} threads x {} posts; {FLOODERS} non-member connections, each from its own loopback address, keep {IN_FLIGHT} requests in flight for {:.0} s: sync requests for the node's community and others (random contents), join requests with made-up secrets, and {HEAVY} of them whole frames of the largest size (32 MiB). Two members post through the node (B -> node -> C, each post acknowledged on disk and seen by C), with the flooders on the same two cores.\n\n| measure | result | goal | ratio to goal |\n| --- | --- | --- | --- |\n\
         | member post latency B -> node -> C without the flood, p50 / p99 of {} | {} / {} | | |\n\
         | member post latency under the flood, p50 / p99 / max of {} | {} / {} / {} | p99 <= 100 ms | {:.2} |\n\
         | node memory high-water growth during the flood (RSS before {:.0} MiB, high-water mark after {:.0} MiB{}; start-up peak {:.0} MiB) | {:.1} MiB | <= 256 MiB | {:.2} |\n\
         | hostile requests sent / refused with an answer / cut off (stream or connection closed) | {sent} / {refused} / {failed} | | |\n\
         | refused per second (answered or cut off) | {:.0} /s | | |\n\
         | CPU during the flood: the node / the two members / the flooders | {:.0}% / {:.0}% / {:.0}% of one core | | |\n\
         | status query over the control socket: quiet / worst of {probes} during the flood | {} / {} | <= 1 s throughout | {:.2} |\n",
        machine(),
        spec.threads,
        spec.posts_per_thread,
        elapsed.as_secs_f64(),
        quiet.len(),
        ms(q50),
        ms(q99),
        flooded.len(),
        ms(f50),
        ms(f99),
        ms(fmax),
        f99.as_secs_f64() / 0.100,
        rss_before as f64 / 1024.0,
        hwm_after as f64 / 1024.0,
        if reset {
            ", reset before the flood"
        } else {
            ", not resettable here"
        },
        start_up_hwm as f64 / 1024.0,
        growth_mib,
        growth_mib / 256.0,
        (refused + failed) as f64 / elapsed.as_secs_f64(),
        100.0 * node_cpu.as_secs_f64() / elapsed.as_secs_f64(),
        100.0 * members_cpu.as_secs_f64() / elapsed.as_secs_f64(),
        100.0 * flood_cpu.as_secs_f64() / elapsed.as_secs_f64(),
        ms(quiet_status),
        ms(worst_status),
        worst_status.as_secs_f64() / 1.0,
    );
    println!("{report}");
    let _ = std::fs::create_dir_all(cache_dir());
    let _ = std::fs::write(cache_dir().join("flood.md"), &report);
    b.shutdown().await;
    c.shutdown().await;
    node.serve.terminate();
}
