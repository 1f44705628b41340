//! Hostile bytes on the wire: oversized, malformed and garbage frames from a raw libp2p
//! client are dropped with a reason, never a panic, while a well-behaved peer keeps being
//! served on the same node.

#![allow(clippy::unwrap_used)]

mod common;

use common::next_matching;

use std::io;
use std::time::Duration;

use copse_core::CommunityId;
use copse_core::sync::{SyncRequest, SyncResponse, Tag};
use copse_net::{AccessList, NetConfig, NetEvent, NetOp};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, StreamExt};
use libp2p::request_response::{self, ProtocolSupport};
use libp2p::{Multiaddr, PeerId, StreamProtocol, noise, tcp, yamux};
use rand::SeedableRng;

/// Writes requests exactly as given (the test supplies its own length prefix).
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
    ) -> io::Result<Vec<u8>> {
        let mut v = Vec::new();
        io.take(1 << 16).read_to_end(&mut v).await?;
        Ok(v)
    }
    async fn read_response<T: AsyncRead + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<Vec<u8>> {
        let mut v = Vec::new();
        io.take(1 << 16).read_to_end(&mut v).await?;
        Ok(v)
    }
    async fn write_request<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        req: Vec<u8>,
    ) -> io::Result<()> {
        io.write_all(&req).await?;
        io.close().await
    }
    async fn write_response<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        res: Vec<u8>,
    ) -> io::Result<()> {
        io.write_all(&res).await?;
        io.close().await
    }
}

fn framed(payload: &[u8]) -> Vec<u8> {
    let mut v = (payload.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(payload);
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_frames_close_only_their_stream() {
    // The victim: a real copse-net node; this test plays its runtime.
    let (victim, mut victim_events, victim_loop) =
        copse_net::new(NetConfig::loopback([1; 32])).unwrap();
    tokio::spawn(victim_loop.run());
    let addr = match next_matching(&mut victim_events, |e| {
        matches!(e, NetEvent::Listening { .. })
    })
    .await
    {
        NetEvent::Listening { addr } => addr,
        _ => unreachable!(),
    };
    let victim_peer: PeerId = victim.me().as_str().parse().unwrap();

    // The attacker: a raw libp2p client speaking Copse's protocols with arbitrary bytes.
    let mut attacker = libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(
            tcp::Config::default(),
            noise::Config::new,
            yamux::Config::default,
        )
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
                request_response::Config::default(),
            )
        })
        .unwrap()
        .build();
    let victim_addr: Multiaddr = addr.parse().unwrap();
    attacker.add_peer_address(victim_peer, victim_addr);

    // A well-behaved copse-net peer.
    let (good, mut good_events, good_loop) = copse_net::new(NetConfig::loopback([2; 32])).unwrap();
    tokio::spawn(good_loop.run());
    good.send(NetOp::Dial {
        peer: Some(victim.me().clone()),
        addrs: vec![addr.clone()],
    })
    .await;

    let community = CommunityId::random(&mut rand::rngs::StdRng::seed_from_u64(9));
    // The good peer may sync the community; the attacker is a stranger.
    victim
        .send(NetOp::Access(AccessList {
            members: [(good.me().clone(), [community.clone()].into())].into(),
        }))
        .await;
    let attacks: Vec<Vec<u8>> = vec![
        // A length prefix claiming 1 GiB.
        (1u32 << 30).to_be_bytes().to_vec(),
        // A well-framed payload of garbage.
        framed(b"\xee\xff garbage that is not a sync request"),
        // A sync request naming an invalid community id.
        framed(b"\x01not-a-community-id-at-all!!!!"),
        // A frame cut short.
        vec![0, 0, 0, 50, 1, 2, 3],
        // An invalid join message.
        framed(b"\x11{not json"),
    ];
    let n_attacks = attacks.len();
    // A stranger that sends garbage is disconnected: the attacker redials for each frame.
    let (send_attack, mut to_send) = tokio::sync::mpsc::channel::<Vec<u8>>(1);
    let attacker_task = tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(a) = to_send.recv() => {
                    let _ = attacker.behaviour_mut().send_request(&victim_peer, a);
                }
                _ = attacker.select_next_some() => {}
            }
        }
    });

    // Meanwhile the good peer asks for a sync and is answered. Rejections are counted by the
    // codec (libp2p drops a stream whose read fails without an event); re-check it as we go.
    let mut bad = 0;
    let mut answered = false;
    let mut sent = false;
    let mut pending = attacks.into_iter();
    let mut waiting_for = 0;
    let mut recheck = tokio::time::interval(Duration::from_millis(10));
    tokio::time::timeout(Duration::from_secs(60), async {
        while bad < n_attacks || !answered {
            tokio::select! {
                _ = recheck.tick() => {
                    bad = victim.traffic().rejected as usize;
                    if bad >= waiting_for && let Some(a) = pending.next() {
                        waiting_for += 1;
                        send_attack.send(a).await.unwrap();
                    }
                }
                Some(ev) = victim_events.recv() => if let NetEvent::SyncRequest { inbound, .. } = ev {
                    victim.send(NetOp::RespondSync { inbound, response: SyncResponse::Ok { heads: vec![] } }).await;
                },
                Some(ev) = good_events.recv() => match ev {
                    NetEvent::Connected { .. } if !sent => {
                        sent = true;
                        good.send(NetOp::SendSync {
                            peer: victim.me().clone(),
                            request: SyncRequest::Sync { community: community.clone(), message: vec![0x42] },
                            tag: Tag(7),
                        }).await;
                    }
                    NetEvent::SyncResult { tag: Tag(7), result: Ok(SyncResponse::Ok { .. }), .. } => answered = true,
                    _ => {}
                },
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("after 60 s: {bad} of {n_attacks} hostile frames rejected, good peer answered: {answered} (sent: {sent})"));
    assert!(
        victim.traffic().rejected >= n_attacks as u64,
        "{:?}",
        victim.traffic()
    );
    attacker_task.abort();
}

/// A frame announcing 32 MiB but sending only its header: the node refuses it as soon as it
/// has read the community id (a stranger may not sync it), answers with the two-byte
/// refusal, and then cuts the stranger off; it never waits for (or allocates) the rest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_is_refused_after_the_community_id_and_cut_off() {
    let (victim, mut victim_events, victim_loop) =
        copse_net::new(NetConfig::loopback([3; 32])).unwrap();
    tokio::spawn(victim_loop.run());
    let addr = match next_matching(&mut victim_events, |e| {
        matches!(e, NetEvent::Listening { .. })
    })
    .await
    {
        NetEvent::Listening { addr } => addr,
        _ => unreachable!(),
    };
    let victim_peer: PeerId = victim.me().as_str().parse().unwrap();
    let mut attacker = libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(
            tcp::Config::default(),
            noise::Config::new,
            yamux::Config::default,
        )
        .unwrap()
        .with_behaviour(|_| {
            request_response::Behaviour::<RawCodec>::new(
                [(
                    StreamProtocol::new("/copse/sync/1"),
                    ProtocolSupport::Outbound,
                )],
                request_response::Config::default().with_request_timeout(Duration::from_secs(60)),
            )
        })
        .unwrap()
        .build();
    attacker.add_peer_address(victim_peer, addr.parse().unwrap());
    let community = CommunityId::random(&mut rand::rngs::StdRng::seed_from_u64(10));
    // Header only: length (32 MiB), type, community id. The rest never comes.
    let mut header = ((32u32 << 20) - 1).to_be_bytes().to_vec();
    header.push(0x02);
    header.extend_from_slice(community.as_str().as_bytes());
    attacker.behaviour_mut().send_request(&victim_peer, header);
    let (mut refusal, mut closed) = (None, false);
    tokio::time::timeout(Duration::from_secs(30), async {
        while refusal.is_none() || !closed {
            match attacker.select_next_some().await {
                libp2p::swarm::SwarmEvent::Behaviour(request_response::Event::Message {
                    message: request_response::Message::Response { response, .. },
                    ..
                }) => refusal = Some(response),
                libp2p::swarm::SwarmEvent::ConnectionClosed { .. } => closed = true,
                _ => {}
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("refusal {refusal:?}, closed {closed}"));
    // `len(2) | 0x82 | NotAMember`.
    assert_eq!(refusal.unwrap(), vec![0, 0, 0, 2, 0x82, 1]);
    assert_eq!(victim.traffic().refused_early, 1);
    assert!(victim.traffic().sync_in <= 27, "{:?}", victim.traffic());
}

/// Regression: the event loop waited to hand an event to the runtime while the runtime
/// waited on the event loop. Now it keeps serving commands however many events nobody
/// reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_served_while_nobody_reads_events() {
    let (net, _events_never_read, event_loop) =
        copse_net::new(NetConfig::loopback([4; 32])).unwrap();
    tokio::spawn(event_loop.run());
    let (other, mut other_events, other_loop) =
        copse_net::new(NetConfig::loopback([5; 32])).unwrap();
    tokio::spawn(other_loop.run());
    let other_addr = match next_matching(&mut other_events, |e| {
        matches!(e, NetEvent::Listening { .. })
    })
    .await
    {
        NetEvent::Listening { addr } => addr,
        _ => unreachable!(),
    };
    // Far more failing dials (each one an event) than the event channel holds.
    for i in 0..3_000u32 {
        net.send(NetOp::Dial {
            peer: None,
            addrs: vec![format!("/ip4/127.0.0.1/tcp/{}", 1 + i % 3)],
        })
        .await;
    }
    // The loop still does what it is told.
    net.send(NetOp::Dial {
        peer: Some(other.me().clone()),
        addrs: vec![other_addr],
    })
    .await;
    next_matching(&mut other_events, |e| {
        matches!(e, NetEvent::Connected { .. })
    })
    .await;
}
