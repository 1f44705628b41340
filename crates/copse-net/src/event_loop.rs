//! [`EventLoop`]: owns the libp2p `Swarm`, turns [`NetOp`]s into swarm calls and swarm
//! events into [`NetEvent`]s. Runs until [`NetOp::Shutdown`] or the handle is dropped.
//!
//! It never waits on its user: events go into a queue that is handed over as the channel
//! has room, while commands keep being served. When the queue is long, strangers are shed
//! first: their requests are refused here, their comings and goings not reported.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use copse_core::sync::wire::{JoinResponse, SyncResponse};
use copse_core::sync::{InboundId, JoinRefusal, Refusal, Tag};
use futures::StreamExt;
use libp2p::core::ConnectedPoint;
use libp2p::multiaddr::Protocol;
use libp2p::request_response::{self, InboundRequestId, OutboundRequestId, ResponseChannel};
use libp2p::swarm::SwarmEvent;
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::{Multiaddr, PeerId, Swarm, dcutr, identify, mdns, noise, relay, tcp, yamux};
use tokio::sync::mpsc;

use crate::access::{self, Access, SharedAccess};
use crate::behaviour::{Behaviour, BehaviourEvent};
use crate::codec::{Gated, Traffic};
use crate::identity::{keypair, member_id_of, peer_of};
use crate::relay_reservations::{Reservations, relay_peer};
use crate::routes::{self, Routes};
use crate::{NetConfig, NetError, NetHandle};
use copse_core::sync::{NetEvent, NetOp};

/// Capacity of the command and event channels.
const CHANNEL: usize = 1024;
/// Events queued beyond the channel before strangers are shed.
const SHED_AT: usize = 1024;
/// How long a peer being cut off keeps its connection after its last response is written.
const CLOSE_GRACE: Duration = Duration::from_millis(500);

/// The network's event loop.
pub struct EventLoop {
    swarm: Swarm<Behaviour>,
    commands: mpsc::Receiver<NetOp>,
    events: mpsc::Sender<NetEvent>,
    queue: VecDeque<NetEvent>,
    access: SharedAccess,
    /// Peers whose `Connected` was reported (their `Disconnected` must be too).
    announced: HashSet<PeerId>,
    next_inbound: u64,
    inbound_sync: HashMap<u64, Inbound<SyncResponse>>,
    inbound_join: HashMap<u64, Inbound<JoinResponse>>,
    /// Responses being written, per peer: a disconnect waits until they are out.
    responding: HashMap<PeerId, HashSet<(Proto, InboundRequestId)>>,
    /// Peers to disconnect once their responses are written.
    disconnect_after: HashSet<PeerId>,
    /// Peers the hub cut off whose connections are not all closed yet. A connection they
    /// open meanwhile is not their first, so the hub never hears of it: it is closed too.
    cutting: HashSet<PeerId>,
    /// Peers to disconnect at these times: a response just written gets a moment to be
    /// read before the connection closes (closing drops streams still being read).
    closing: Vec<(tokio::time::Instant, PeerId)>,
    outbound_sync: HashMap<OutboundRequestId, (PeerId, Tag)>,
    outbound_join: HashMap<OutboundRequestId, (PeerId, Tag)>,
    listen_addrs: Vec<Multiaddr>,
    /// The relays we keep a reservation on.
    reservations: Reservations,
    /// Which connection to each peer is relayed, and which one we use.
    routes: Routes,
}

/// Which request-response protocol (their request ids are separate counters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Proto {
    Sync,
    Join,
}

/// An inbound request awaiting its response.
struct Inbound<R> {
    channel: ResponseChannel<R>,
    peer: PeerId,
    request: InboundRequestId,
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

/// The peer's address on a connection, as the hub sees it. A connection that came to us
/// through a relay has no address of the peer (only `/p2p/<peer>`): it is named by our
/// address on the relay (`…/p2p/<relay>/p2p-circuit`), which says how the peer reached us.
fn peer_addr(endpoint: &ConnectedPoint) -> Multiaddr {
    match endpoint {
        ConnectedPoint::Listener { local_addr, .. } if routes::is_relayed(local_addr) => {
            strip_peer(local_addr.clone())
        }
        _ => strip_peer(endpoint.get_remote_address().clone()),
    }
}

/// Starts the network: returns the handle, the event stream, and the loop to spawn.
pub fn new(
    config: NetConfig,
) -> Result<(NetHandle, mpsc::Receiver<NetEvent>, EventLoop), NetError> {
    let key = keypair(config.seed);
    let traffic = Arc::new(Traffic::default());
    let access: SharedAccess = Arc::new(RwLock::new(Access::default()));
    let behaviour_traffic = traffic.clone();
    let behaviour_access = access.clone();
    let mdns = config.mdns;
    let relay_server = config.relay_server.clone();
    let upnp = config.upnp;
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
        .with_relay_client(noise::Config::new, yamux::Config::default)
        .map_err(|e| NetError::Transport(e.to_string()))?
        .with_behaviour(|key, relay_client| {
            Behaviour::new(
                key,
                relay_client,
                mdns,
                upnp,
                relay_server.as_ref(),
                behaviour_traffic,
                behaviour_access,
            )
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
    for addr in &config.external {
        let ma: Multiaddr = addr
            .parse()
            .map_err(|_| NetError::BadAddress(addr.clone()))?;
        swarm.add_external_address(ma);
    }
    let mut relays = Vec::new();
    for addr in &config.relays {
        let ma: Multiaddr = addr
            .parse()
            .map_err(|_| NetError::BadAddress(addr.clone()))?;
        if relay_peer(&ma).is_none() {
            return Err(NetError::NoRelayId(addr.clone()));
        }
        relays.push(ma);
    }
    let mut reservations = Reservations::default();
    reservations.want(relays);
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
            queue: VecDeque::new(),
            access,
            announced: HashSet::new(),
            next_inbound: 0,
            inbound_sync: HashMap::new(),
            inbound_join: HashMap::new(),
            responding: HashMap::new(),
            disconnect_after: HashSet::new(),
            cutting: HashSet::new(),
            closing: Vec::new(),
            outbound_sync: HashMap::new(),
            outbound_join: HashMap::new(),
            listen_addrs: Vec::new(),
            reservations,
            routes: Routes::default(),
        },
    ))
}

impl EventLoop {
    /// Runs until shutdown.
    pub async fn run(mut self) {
        let events = self.events.clone();
        self.reserve_due();
        loop {
            let next_close = self.closing.iter().map(|(t, _)| *t).min();
            let next_reserve = self.reservations.next_retry();
            tokio::select! {
                _ = tokio::time::sleep_until(next_close.unwrap_or_else(tokio::time::Instant::now)), if next_close.is_some() => {
                    self.close_due();
                }
                _ = tokio::time::sleep_until(next_reserve.unwrap_or_else(tokio::time::Instant::now)), if next_reserve.is_some() => {
                    self.reserve_due();
                }
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                cmd = self.commands.recv() => match cmd {
                    None | Some(NetOp::Shutdown) => break,
                    Some(cmd) => self.on_command(cmd),
                },
                permit = events.reserve(), if !self.queue.is_empty() => match permit {
                    Ok(permit) => {
                        if let Some(ev) = self.queue.pop_front() {
                            permit.send(ev);
                        }
                    }
                    // Nobody listens any more.
                    Err(_) => break,
                },
            }
        }
        tracing::debug!("network event loop stopped");
    }

    /// Whether `peer` shares a community with us.
    fn is_member(&self, peer: &PeerId) -> bool {
        access::knows(&self.access, peer)
    }

    fn shedding(&self) -> bool {
        self.queue.len() >= SHED_AT
    }

    /// Queues an event for the runtime (sent as the channel has room).
    fn emit(&mut self, event: NetEvent) {
        if !self.queue.is_empty() {
            self.queue.push_back(event);
            return;
        }
        // Straight into the channel when it has room, so an idle runtime sees it at once.
        match self.events.try_send(event) {
            Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => {}
            Err(mpsc::error::TrySendError::Full(ev)) => self.queue.push_back(ev),
        }
    }

    fn on_command(&mut self, cmd: NetOp) {
        match cmd {
            NetOp::Dial { peer, addrs } => {
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
                    });
                }
            }
            NetOp::SendSync { peer, tag, request } => match peer_of(&peer) {
                // Sync traffic never dials (request-response would): a peer that accepts
                // connections and drops them must not become a dial loop.
                Some(p) if !self.swarm.is_connected(&p) => self.emit(NetEvent::SyncResult {
                    peer,
                    tag,
                    result: Err("not connected".into()),
                }),
                Some(p) => {
                    let id = self
                        .swarm
                        .behaviour_mut()
                        .sync
                        .inner()
                        .send_request(&p, Gated::Admitted(request));
                    self.outbound_sync.insert(id, (p, tag));
                }
                None => self.emit(NetEvent::SyncResult {
                    peer,
                    tag,
                    result: Err("not a peer id".into()),
                }),
            },
            NetOp::RespondSync { inbound, response } => {
                if let Some(inbound) = self.inbound_sync.remove(&inbound.0) {
                    self.respond_sync(inbound, response);
                }
            }
            NetOp::SendJoin {
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
                None => self.emit(NetEvent::JoinResult {
                    peer,
                    tag,
                    result: Err("not a peer id".into()),
                }),
            },
            NetOp::RespondJoin { inbound, response } => {
                if let Some(inbound) = self.inbound_join.remove(&inbound.0) {
                    self.respond_join(inbound, response);
                }
            }
            NetOp::Disconnect { peer } => {
                if let Some(p) = peer_of(&peer) {
                    self.disconnect(p);
                }
            }
            NetOp::Block { peer } => {
                if let Some(p) = peer_of(&peer) {
                    self.swarm.behaviour_mut().blocked.block_peer(p);
                }
            }
            NetOp::Unblock { peer } => {
                if let Some(p) = peer_of(&peer) {
                    self.swarm.behaviour_mut().blocked.unblock_peer(p);
                }
            }
            NetOp::Access(list) => {
                let list = list
                    .members
                    .into_iter()
                    .filter_map(|(m, cs)| Some((peer_of(&m)?, cs.into_iter().collect())))
                    .collect();
                if let Ok(mut a) = self.access.write() {
                    a.set(list);
                }
            }
            NetOp::Relays(relays) => {
                let relays = parse_addrs(&relays);
                for listener in self.reservations.want(relays) {
                    self.swarm.remove_listener(listener);
                }
                self.reserve_due();
            }
            NetOp::Shutdown => {}
        }
    }

    /// Asks the relays whose turn it is for a reservation.
    fn reserve_due(&mut self) {
        let now = tokio::time::Instant::now();
        for relay in self.reservations.due(now) {
            match self
                .swarm
                .listen_on(relay.clone().with(Protocol::P2pCircuit))
            {
                Ok(listener) => self.reservations.asked(listener, relay),
                Err(e) => self.emit(NetEvent::RelayRefused {
                    relay: relay.to_string(),
                    error: e.to_string(),
                }),
            }
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

    fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                let address = strip_peer(address);
                if !self.listen_addrs.contains(&address) {
                    self.listen_addrs.push(address.clone());
                }
                self.emit(NetEvent::Listening {
                    addr: address.to_string(),
                });
            }
            SwarmEvent::ExpiredListenAddr { address, .. } => {
                let address = strip_peer(address);
                self.listen_addrs.retain(|a| a != &address);
                self.emit(NetEvent::ListenClosed {
                    addr: address.to_string(),
                });
            }
            SwarmEvent::ListenerClosed {
                listener_id,
                reason,
                addresses,
            } if self.reservations.is_reservation(&listener_id) => {
                for address in addresses {
                    let address = strip_peer(address);
                    self.listen_addrs.retain(|a| a != &address);
                    self.emit(NetEvent::ListenClosed {
                        addr: address.to_string(),
                    });
                }
                if let Some(relay) = self
                    .reservations
                    .closed(listener_id, tokio::time::Instant::now())
                {
                    let error = match reason {
                        Ok(()) => {
                            "the relay was not reached, or it ended the reservation".to_owned()
                        }
                        Err(e) => e.to_string(),
                    };
                    tracing::info!(%relay, %error, "relay reservation ended");
                    self.emit(NetEvent::RelayRefused {
                        relay: relay.to_string(),
                        error,
                    });
                }
                self.reserve_due();
            }
            SwarmEvent::ExternalAddrConfirmed { address } => self.emit(NetEvent::External {
                addr: address.to_string(),
                confirmed: true,
            }),
            SwarmEvent::ExternalAddrExpired { address } => self.emit(NetEvent::External {
                addr: address.to_string(),
                confirmed: false,
            }),
            SwarmEvent::ConnectionEstablished {
                peer_id,
                num_established,
                ..
            } if num_established.get() > 1 && self.cutting.contains(&peer_id) => {
                // Opened while its last connection was still closing (a removed member
                // redialling at once): the hub's decision stands for it too.
                let _ = self.swarm.disconnect_peer_id(peer_id);
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                connection_id,
                endpoint,
                num_established,
                ..
            } => {
                let addr = peer_addr(&endpoint);
                let changed = self.routes.opened(peer_id, connection_id, addr.clone());
                if num_established.get() > 1 {
                    if let Some(addr) = changed
                        && self.announced.contains(&peer_id)
                    {
                        self.emit(NetEvent::Route {
                            peer: member_id_of(&peer_id),
                            addr: addr.to_string(),
                        });
                    }
                    return;
                }
                // Strangers' comings and goings are the first thing shed.
                if self.shedding() && !self.is_member(&peer_id) {
                    return;
                }
                self.announced.insert(peer_id);
                self.emit(NetEvent::Connected {
                    peer: member_id_of(&peer_id),
                    addr: addr.to_string(),
                    outbound: endpoint.is_dialer(),
                });
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                connection_id,
                num_established,
                ..
            } if num_established > 0 => {
                if let Some(addr) = self.routes.closed(peer_id, connection_id)
                    && self.announced.contains(&peer_id)
                {
                    self.emit(NetEvent::Route {
                        peer: member_id_of(&peer_id),
                        addr: addr.to_string(),
                    });
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                connection_id,
                ..
            } => {
                self.routes.closed(peer_id, connection_id);
                self.responding.remove(&peer_id);
                self.disconnect_after.remove(&peer_id);
                self.cutting.remove(&peer_id);
                self.closing.retain(|(_, p)| p != &peer_id);
                if self.announced.remove(&peer_id) {
                    self.emit(NetEvent::Disconnected {
                        peer: member_id_of(&peer_id),
                    });
                }
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                self.emit(NetEvent::DialFailed {
                    peer: peer_id.as_ref().map(member_id_of),
                    error: error.to_string(),
                });
            }
            SwarmEvent::Behaviour(b) => self.on_behaviour_event(b),
            _ => {}
        }
    }

    fn on_behaviour_event(&mut self, event: BehaviourEvent) {
        match event {
            BehaviourEvent::Mdns(mdns::Event::Discovered(found)) => {
                let mut by_peer: HashMap<PeerId, Vec<String>> = HashMap::new();
                for (peer, addr) in found {
                    self.swarm.add_peer_address(peer, addr.clone());
                    by_peer.entry(peer).or_default().push(addr.to_string());
                }
                for (peer, addrs) in by_peer {
                    if self.shedding() && !self.is_member(&peer) {
                        continue;
                    }
                    self.emit(NetEvent::Discovered {
                        peer: member_id_of(&peer),
                        addrs,
                    });
                }
            }
            BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }) => {
                // Where a stranger claims to listen is none of our business.
                if !self.is_member(&peer_id) {
                    return;
                }
                for a in info.listen_addrs {
                    self.swarm.add_peer_address(peer_id, a);
                }
                let observed = strip_peer(info.observed_addr);
                // Only an address on one of our listen ports can be dialled back; others are
                // the ephemeral ports of our outbound connections.
                if self.on_listen_port(&observed) {
                    self.emit(NetEvent::ObservedAddr {
                        addr: observed.to_string(),
                        reporter: member_id_of(&peer_id),
                    });
                }
            }
            BehaviourEvent::Sync(ev) => self.on_sync_event(ev),
            BehaviourEvent::Join(ev) => self.on_join_event(ev),
            BehaviourEvent::RelayClient(relay::client::Event::ReservationReqAccepted {
                relay_peer_id,
                renewal,
                ..
            }) => {
                self.reservations.granted(&relay_peer_id);
                if !renewal {
                    tracing::info!(relay = %relay_peer_id, "relay reservation granted");
                    self.emit(NetEvent::RelayReserved {
                        relay: relay_peer_id.to_string(),
                    });
                }
            }
            BehaviourEvent::Dcutr(dcutr::Event {
                remote_peer_id,
                result,
            }) => {
                tracing::info!(peer = %remote_peer_id, ok = result.is_ok(), "hole punch");
                if self.announced.contains(&remote_peer_id) {
                    self.emit(NetEvent::HolePunch {
                        peer: member_id_of(&remote_peer_id),
                        result: result.map(|_| ()).map_err(|e| e.to_string()),
                    });
                }
            }
            BehaviourEvent::Relay(ev) => log_relay_event(&ev),
            BehaviourEvent::Upnp(ev) => tracing::info!(?ev, "UPnP"),
            _ => {}
        }
    }

    fn on_sync_event(&mut self, ev: request_response::Event<Gated, SyncResponse>) {
        match ev {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request {
                    request,
                    channel,
                    request_id,
                } => {
                    let inbound = Inbound {
                        channel,
                        peer,
                        request: request_id,
                    };
                    match request {
                        Gated::Refused(community) => {
                            tracing::debug!(%peer, %community, "refused a sync request early");
                            // Refused as soon as it named the community; a stranger is then cut
                            // off (a member of another community of ours stays connected).
                            self.respond_sync(inbound, SyncResponse::Refused(Refusal::NotAMember));
                            if !self.is_member(&peer) {
                                self.disconnect(peer);
                            }
                        }
                        Gated::Admitted(request) => {
                            if self.shedding() && !self.is_member(&peer) {
                                self.respond_sync(
                                    inbound,
                                    SyncResponse::Refused(Refusal::NotAMember),
                                );
                                self.disconnect(peer);
                                return;
                            }
                            let id = self.next_inbound;
                            self.next_inbound += 1;
                            self.inbound_sync.insert(id, inbound);
                            self.emit(NetEvent::SyncRequest {
                                peer: member_id_of(&peer),
                                inbound: InboundId(id),
                                request,
                            });
                        }
                    }
                }
                request_response::Message::Response {
                    request_id,
                    response,
                } => {
                    if let Some((p, tag)) = self.outbound_sync.remove(&request_id) {
                        self.emit(NetEvent::SyncResult {
                            peer: member_id_of(&p),
                            tag,
                            result: Ok(response),
                        });
                    }
                }
            },
            request_response::Event::OutboundFailure {
                request_id, error, ..
            } => {
                if let Some((p, tag)) = self.outbound_sync.remove(&request_id) {
                    self.emit(NetEvent::SyncResult {
                        peer: member_id_of(&p),
                        tag,
                        result: Err(error.to_string()),
                    });
                }
            }
            request_response::Event::InboundFailure {
                peer,
                error,
                request_id,
                ..
            } => {
                self.inbound_sync.retain(|_, i| i.channel.is_open());
                self.response_done(peer, (Proto::Sync, request_id));
                self.bad_inbound(peer, &error);
            }
            request_response::Event::ResponseSent {
                peer, request_id, ..
            } => self.response_done(peer, (Proto::Sync, request_id)),
        }
    }

    fn on_join_event(
        &mut self,
        ev: request_response::Event<copse_core::sync::JoinRequest, JoinResponse>,
    ) {
        match ev {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request {
                    request,
                    channel,
                    request_id,
                } => {
                    let inbound = Inbound {
                        channel,
                        peer,
                        request: request_id,
                    };
                    if self.shedding() {
                        self.respond_join(inbound, JoinResponse::Refused(JoinRefusal::Unavailable));
                        return;
                    }
                    let id = self.next_inbound;
                    self.next_inbound += 1;
                    self.inbound_join.insert(id, inbound);
                    self.emit(NetEvent::JoinRequest {
                        peer: member_id_of(&peer),
                        inbound: InboundId(id),
                        request,
                    });
                }
                request_response::Message::Response {
                    request_id,
                    response,
                } => {
                    if let Some((p, tag)) = self.outbound_join.remove(&request_id) {
                        self.emit(NetEvent::JoinResult {
                            peer: member_id_of(&p),
                            tag,
                            result: Ok(response),
                        });
                    }
                }
            },
            request_response::Event::OutboundFailure {
                request_id, error, ..
            } => {
                if let Some((p, tag)) = self.outbound_join.remove(&request_id) {
                    self.emit(NetEvent::JoinResult {
                        peer: member_id_of(&p),
                        tag,
                        result: Err(error.to_string()),
                    });
                }
            }
            request_response::Event::InboundFailure {
                peer,
                error,
                request_id,
                ..
            } => {
                self.inbound_join.retain(|_, i| i.channel.is_open());
                self.response_done(peer, (Proto::Join, request_id));
                self.bad_inbound(peer, &error);
            }
            request_response::Event::ResponseSent {
                peer, request_id, ..
            } => self.response_done(peer, (Proto::Join, request_id)),
        }
    }

    fn respond_sync(&mut self, inbound: Inbound<SyncResponse>, response: SyncResponse) {
        let sent = self
            .swarm
            .behaviour_mut()
            .sync
            .inner()
            .send_response(inbound.channel, response);
        if sent.is_ok() {
            self.responding
                .entry(inbound.peer)
                .or_default()
                .insert((Proto::Sync, inbound.request));
        }
    }

    fn respond_join(&mut self, inbound: Inbound<JoinResponse>, response: JoinResponse) {
        let sent = self
            .swarm
            .behaviour_mut()
            .join
            .send_response(inbound.channel, response);
        if sent.is_ok() {
            self.responding
                .entry(inbound.peer)
                .or_default()
                .insert((Proto::Join, inbound.request));
        }
    }

    /// Closes every connection to `peer`, once the responses being written to it are out
    /// (a refusal reaches the peer before the connection closes).
    fn disconnect(&mut self, peer: PeerId) {
        if self.swarm.is_connected(&peer) {
            self.cutting.insert(peer);
        }
        if self.responding.get(&peer).is_some_and(|r| !r.is_empty()) {
            self.disconnect_after.insert(peer);
        } else {
            let _ = self.swarm.disconnect_peer_id(peer);
        }
    }

    fn response_done(&mut self, peer: PeerId, key: (Proto, InboundRequestId)) {
        let empty = match self.responding.get_mut(&peer) {
            Some(set) => {
                set.remove(&key);
                set.is_empty()
            }
            None => true,
        };
        if empty {
            self.responding.remove(&peer);
            if self.disconnect_after.remove(&peer) {
                self.closing
                    .push((tokio::time::Instant::now() + CLOSE_GRACE, peer));
            }
        }
    }

    /// Disconnects the peers whose grace is over.
    fn close_due(&mut self) {
        let now = tokio::time::Instant::now();
        let (due, later): (Vec<_>, Vec<_>) = self.closing.drain(..).partition(|(t, _)| *t <= now);
        self.closing = later;
        for (_, peer) in due {
            let _ = self.swarm.disconnect_peer_id(peer);
        }
    }

    /// A peer sent something unreadable: the runtime decides about members; strangers are
    /// cut off here.
    fn bad_inbound(&mut self, peer: PeerId, error: &request_response::InboundFailure) {
        if self.is_member(&peer) {
            self.emit(NetEvent::BadInbound {
                peer: member_id_of(&peer),
                error: error.to_string(),
            });
        } else {
            self.disconnect(peer);
        }
    }
}

/// What a relay we serve did, for its operator's log.
fn log_relay_event(ev: &relay::Event) {
    match ev {
        relay::Event::ReservationReqDenied { src_peer_id, .. } => {
            tracing::info!(peer = %src_peer_id, "relay: refused a reservation");
        }
        relay::Event::CircuitReqDenied {
            src_peer_id,
            dst_peer_id,
            ..
        } => {
            tracing::info!(from = %src_peer_id, to = %dst_peer_id, "relay: refused a circuit");
        }
        relay::Event::ReservationReqAccepted { src_peer_id, .. } => {
            tracing::debug!(peer = %src_peer_id, "relay: reservation accepted");
        }
        relay::Event::CircuitReqAccepted {
            src_peer_id,
            dst_peer_id,
        } => {
            tracing::debug!(from = %src_peer_id, to = %dst_peer_id, "relay: circuit opened");
        }
        _ => {}
    }
}
