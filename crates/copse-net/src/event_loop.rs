//! [`EventLoop`]: owns the libp2p `Swarm`, turns [`NetCommand`]s into swarm calls and swarm
//! events into [`NetEvent`]s. Runs until [`NetCommand::Shutdown`] or the handle is dropped.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use copse_core::sync::wire::{JoinResponse, SyncResponse};
use futures::StreamExt;
use libp2p::multiaddr::Protocol;
use libp2p::request_response::{self, OutboundRequestId, ResponseChannel};
use libp2p::swarm::SwarmEvent;
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::{Multiaddr, PeerId, Swarm, identify, mdns, noise, tcp, yamux};
use tokio::sync::mpsc;

use crate::api::{InboundId, NetCommand, NetEvent, Tag};
use crate::behaviour::{Behaviour, BehaviourEvent};
use crate::codec::Traffic;
use crate::identity::{keypair, member_id_of, peer_of};
use crate::{NetConfig, NetError, NetHandle};

/// Capacity of the command and event channels (backpressure beyond it).
const CHANNEL: usize = 1024;
/// Observed addresses remembered.
const MAX_OBSERVED: usize = 8;

/// The network's event loop.
pub struct EventLoop {
    swarm: Swarm<Behaviour>,
    commands: mpsc::Receiver<NetCommand>,
    events: mpsc::Sender<NetEvent>,
    next_inbound: u64,
    inbound_sync: HashMap<u64, ResponseChannel<SyncResponse>>,
    inbound_join: HashMap<u64, ResponseChannel<JoinResponse>>,
    outbound_sync: HashMap<OutboundRequestId, (PeerId, Tag)>,
    outbound_join: HashMap<OutboundRequestId, (PeerId, Tag)>,
    listen_addrs: Vec<Multiaddr>,
    observed: Vec<Multiaddr>,
}

fn parse_addrs(addrs: &[String]) -> Vec<Multiaddr> {
    addrs.iter().filter_map(|a| a.parse().ok()).collect()
}

/// An address without its trailing `/p2p/<peer>`.
fn strip_peer(mut addr: Multiaddr) -> Multiaddr {
    if matches!(addr.iter().last(), Some(Protocol::P2p(_))) {
        addr.pop();
    }
    addr
}

/// Starts the network: returns the handle, the event stream, and the loop to spawn.
pub fn new(
    config: NetConfig,
) -> Result<(NetHandle, mpsc::Receiver<NetEvent>, EventLoop), NetError> {
    let key = keypair(config.seed);
    let traffic = Arc::new(Traffic::default());
    let behaviour_traffic = traffic.clone();
    let mdns = config.mdns;
    let mut swarm = libp2p::SwarmBuilder::with_existing_identity(key)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|e| NetError::Transport(e.to_string()))?
        .with_quic()
        .with_dns()
        .map_err(|e| NetError::Transport(e.to_string()))?
        .with_behaviour(|key| {
            Behaviour::new(key, mdns, behaviour_traffic)
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
        })
        .map_err(|e| NetError::Transport(e.to_string()))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(600)))
        .build();
    for addr in &config.listen {
        let ma: Multiaddr = addr
            .parse()
            .map_err(|_| NetError::BadAddress(addr.clone()))?;
        swarm
            .listen_on(ma)
            .map_err(|e| NetError::Listen(addr.clone(), e.to_string()))?;
    }
    let (cmd_tx, cmd_rx) = mpsc::channel(CHANNEL);
    let (ev_tx, ev_rx) = mpsc::channel(CHANNEL);
    let handle = NetHandle::new(cmd_tx, traffic, member_id_of(swarm.local_peer_id()));
    Ok((
        handle,
        ev_rx,
        EventLoop {
            swarm,
            commands: cmd_rx,
            events: ev_tx,
            next_inbound: 0,
            inbound_sync: HashMap::new(),
            inbound_join: HashMap::new(),
            outbound_sync: HashMap::new(),
            outbound_join: HashMap::new(),
            listen_addrs: Vec::new(),
            observed: Vec::new(),
        },
    ))
}

impl EventLoop {
    /// Runs until shutdown.
    pub async fn run(mut self) {
        loop {
            tokio::select! {
                event = self.swarm.select_next_some() => {
                    if !self.on_swarm_event(event).await {
                        break;
                    }
                }
                cmd = self.commands.recv() => match cmd {
                    None | Some(NetCommand::Shutdown) => break,
                    Some(cmd) => self.on_command(cmd).await,
                },
            }
        }
        tracing::debug!("network event loop stopped");
    }

    /// Sends an event; `false` if nobody listens any more.
    async fn emit(&mut self, event: NetEvent) -> bool {
        self.events.send(event).await.is_ok()
    }

    async fn on_command(&mut self, cmd: NetCommand) {
        match cmd {
            NetCommand::Dial { peer, addrs } => {
                let addrs = parse_addrs(&addrs);
                let opts = match peer.as_ref().and_then(peer_of) {
                    // A fresh source port per dial: reusing the listen port makes every
                    // reconnect to a peer the same TCP 4-tuple, which TIME_WAIT can stall.
                    Some(p) => DialOpts::peer_id(p)
                        .addresses(addrs)
                        .condition(PeerCondition::DisconnectedAndNotDialing)
                        .allocate_new_port()
                        .build(),
                    None => match addrs.into_iter().next() {
                        Some(a) => DialOpts::unknown_peer_id()
                            .address(a)
                            .allocate_new_port()
                            .build(),
                        None => return,
                    },
                };
                if let Err(e) = self.swarm.dial(opts) {
                    self.emit(NetEvent::DialFailed {
                        peer,
                        error: e.to_string(),
                    })
                    .await;
                }
            }
            NetCommand::SendSync { peer, request, tag } => match peer_of(&peer) {
                // Sync traffic never dials (request-response would): a peer that accepts
                // connections and drops them must not become a dial loop.
                Some(p) if !self.swarm.is_connected(&p) => {
                    self.emit(NetEvent::SyncResult {
                        peer,
                        tag,
                        result: Err("not connected".into()),
                    })
                    .await;
                }
                Some(p) => {
                    let id = self.swarm.behaviour_mut().sync.send_request(&p, request);
                    self.outbound_sync.insert(id, (p, tag));
                }
                None => {
                    self.emit(NetEvent::SyncResult {
                        peer,
                        tag,
                        result: Err("not a peer id".into()),
                    })
                    .await;
                }
            },
            NetCommand::RespondSync { id, response } => {
                if let Some(ch) = self.inbound_sync.remove(&id.0) {
                    let _ = self.swarm.behaviour_mut().sync.send_response(ch, response);
                }
            }
            NetCommand::SendJoin {
                peer,
                addrs,
                request,
                tag,
            } => match peer_of(&peer) {
                Some(p) => {
                    let id = self.swarm.behaviour_mut().join.send_request_with_addresses(
                        &p,
                        request,
                        parse_addrs(&addrs),
                    );
                    self.outbound_join.insert(id, (p, tag));
                }
                None => {
                    self.emit(NetEvent::JoinResult {
                        peer,
                        tag,
                        result: Err("not a peer id".into()),
                    })
                    .await;
                }
            },
            NetCommand::RespondJoin { id, response } => {
                if let Some(ch) = self.inbound_join.remove(&id.0) {
                    let _ = self.swarm.behaviour_mut().join.send_response(ch, response);
                }
            }
            NetCommand::Disconnect { peer } => {
                if let Some(p) = peer_of(&peer) {
                    let _ = self.swarm.disconnect_peer_id(p);
                }
            }
            NetCommand::Block { peer } => {
                if let Some(p) = peer_of(&peer) {
                    self.swarm.behaviour_mut().blocked.block_peer(p);
                }
            }
            NetCommand::Unblock { peer } => {
                if let Some(p) = peer_of(&peer) {
                    self.swarm.behaviour_mut().blocked.unblock_peer(p);
                }
            }
            NetCommand::Addresses { reply } => {
                let mut all: Vec<String> =
                    self.listen_addrs.iter().map(ToString::to_string).collect();
                for a in &self.observed {
                    let s = a.to_string();
                    if !all.contains(&s) {
                        all.push(s);
                    }
                }
                let _ = reply.send(all);
            }
            NetCommand::Shutdown => {}
        }
    }

    fn on_listen_port(&self, addr: &Multiaddr) -> bool {
        let port = |a: &Multiaddr| {
            a.iter().find_map(|p| match p {
                Protocol::Tcp(port) | Protocol::Udp(port) => Some(port),
                _ => None,
            })
        };
        let theirs = port(addr);
        theirs.is_some() && self.listen_addrs.iter().any(|l| port(l) == theirs)
    }

    async fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) -> bool {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                let address = strip_peer(address);
                if !self.listen_addrs.contains(&address) {
                    self.listen_addrs.push(address.clone());
                }
                self.emit(NetEvent::Listening {
                    addr: address.to_string(),
                })
                .await
            }
            SwarmEvent::ExpiredListenAddr { address, .. } => {
                let address = strip_peer(address);
                self.listen_addrs.retain(|a| a != &address);
                true
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                endpoint,
                num_established,
                ..
            } if num_established.get() == 1 => {
                let addr = strip_peer(endpoint.get_remote_address().clone()).to_string();
                self.emit(NetEvent::Connected {
                    peer: member_id_of(&peer_id),
                    addr,
                    outbound: endpoint.is_dialer(),
                })
                .await
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established: 0,
                ..
            } => {
                self.emit(NetEvent::Disconnected {
                    peer: member_id_of(&peer_id),
                })
                .await
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                let peer = peer_id.as_ref().map(member_id_of);
                self.emit(NetEvent::DialFailed {
                    peer,
                    error: error.to_string(),
                })
                .await
            }
            SwarmEvent::Behaviour(b) => self.on_behaviour_event(b).await,
            _ => true,
        }
    }

    async fn on_behaviour_event(&mut self, event: BehaviourEvent) -> bool {
        match event {
            BehaviourEvent::Mdns(mdns::Event::Discovered(found)) => {
                let mut by_peer: HashMap<PeerId, Vec<String>> = HashMap::new();
                for (peer, addr) in found {
                    self.swarm.add_peer_address(peer, addr.clone());
                    by_peer.entry(peer).or_default().push(addr.to_string());
                }
                for (peer, addrs) in by_peer {
                    if !self
                        .emit(NetEvent::Discovered {
                            peer: member_id_of(&peer),
                            addrs,
                        })
                        .await
                    {
                        return false;
                    }
                }
                true
            }
            BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }) => {
                for a in info.listen_addrs {
                    self.swarm.add_peer_address(peer_id, a);
                }
                let observed = strip_peer(info.observed_addr);
                // Only an address on one of our listen ports can be dialled back; others are
                // the ephemeral ports of our outbound connections.
                if self.on_listen_port(&observed) && !self.observed.contains(&observed) {
                    self.observed.push(observed.clone());
                    if self.observed.len() > MAX_OBSERVED {
                        self.observed.remove(0);
                    }
                    return self
                        .emit(NetEvent::ObservedAddr {
                            addr: observed.to_string(),
                        })
                        .await;
                }
                true
            }
            BehaviourEvent::Sync(ev) => self.on_sync_event(ev).await,
            BehaviourEvent::Join(ev) => self.on_join_event(ev).await,
            _ => true,
        }
    }

    async fn on_sync_event(
        &mut self,
        ev: request_response::Event<copse_core::sync::SyncRequest, SyncResponse>,
    ) -> bool {
        match ev {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request {
                    request, channel, ..
                } => {
                    let id = self.next_inbound;
                    self.next_inbound += 1;
                    self.inbound_sync.insert(id, channel);
                    self.emit(NetEvent::SyncRequest {
                        peer: member_id_of(&peer),
                        id: InboundId(id),
                        request,
                    })
                    .await
                }
                request_response::Message::Response {
                    request_id,
                    response,
                } => match self.outbound_sync.remove(&request_id) {
                    Some((p, tag)) => {
                        self.emit(NetEvent::SyncResult {
                            peer: member_id_of(&p),
                            tag,
                            result: Ok(response),
                        })
                        .await
                    }
                    None => true,
                },
            },
            request_response::Event::OutboundFailure {
                request_id, error, ..
            } => match self.outbound_sync.remove(&request_id) {
                Some((p, tag)) => {
                    self.emit(NetEvent::SyncResult {
                        peer: member_id_of(&p),
                        tag,
                        result: Err(error.to_string()),
                    })
                    .await
                }
                None => true,
            },
            request_response::Event::InboundFailure { peer, error, .. } => {
                self.inbound_sync.retain(|_, ch| ch.is_open());
                self.emit(NetEvent::BadInbound {
                    peer: member_id_of(&peer),
                    error: error.to_string(),
                })
                .await
            }
            request_response::Event::ResponseSent { .. } => true,
        }
    }

    async fn on_join_event(
        &mut self,
        ev: request_response::Event<copse_core::sync::JoinRequest, JoinResponse>,
    ) -> bool {
        match ev {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request {
                    request, channel, ..
                } => {
                    let id = self.next_inbound;
                    self.next_inbound += 1;
                    self.inbound_join.insert(id, channel);
                    self.emit(NetEvent::JoinRequest {
                        peer: member_id_of(&peer),
                        id: InboundId(id),
                        request,
                    })
                    .await
                }
                request_response::Message::Response {
                    request_id,
                    response,
                } => match self.outbound_join.remove(&request_id) {
                    Some((p, tag)) => {
                        self.emit(NetEvent::JoinResult {
                            peer: member_id_of(&p),
                            tag,
                            result: Ok(response),
                        })
                        .await
                    }
                    None => true,
                },
            },
            request_response::Event::OutboundFailure {
                request_id, error, ..
            } => match self.outbound_join.remove(&request_id) {
                Some((p, tag)) => {
                    self.emit(NetEvent::JoinResult {
                        peer: member_id_of(&p),
                        tag,
                        result: Err(error.to_string()),
                    })
                    .await
                }
                None => true,
            },
            request_response::Event::InboundFailure { peer, error, .. } => {
                self.inbound_join.retain(|_, ch| ch.is_open());
                self.emit(NetEvent::BadInbound {
                    peer: member_id_of(&peer),
                    error: error.to_string(),
                })
                .await
            }
            request_response::Event::ResponseSent { .. } => true,
        }
    }
}
