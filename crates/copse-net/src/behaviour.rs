//! The composed libp2p behaviour: sync and join protocols, discovery, liveness, limits,
//! and the reach path (relay client and server, hole punching, reachability checks).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{
    allow_block_list, autonat, connection_limits, dcutr, identify, identity, mdns,
    memory_connection_limits, ping, relay, request_response, upnp,
};

use crate::access::SharedAccess;
use crate::codec::{JOIN_PROTOCOL, JoinCodec, SYNC_PROTOCOL, SyncCodec, Traffic};
use crate::config::RelayServer;
use crate::gate::PeerAware;
use crate::ip_limits::IpLimits;
use crate::relay_limits::relay_config;

pub(crate) type JoinBehaviour = request_response::Behaviour<JoinCodec>;

/// Inbound connections established per remote IP (members behind one NAT share one).
const MAX_PER_IP: usize = 32;
/// Inbound connections being set up per remote IP.
const MAX_PENDING_PER_IP: usize = 8;

#[derive(NetworkBehaviour)]
pub(crate) struct Behaviour {
    pub(crate) blocked: allow_block_list::Behaviour<allow_block_list::BlockedPeers>,
    pub(crate) limits: connection_limits::Behaviour,
    pub(crate) per_ip: IpLimits,
    pub(crate) memory: memory_connection_limits::Behaviour,
    pub(crate) identify: identify::Behaviour,
    pub(crate) ping: ping::Behaviour,
    pub(crate) mdns: Toggle<mdns::tokio::Behaviour>,
    pub(crate) relay_client: relay::client::Behaviour,
    pub(crate) relay: Toggle<relay::Behaviour>,
    pub(crate) dcutr: dcutr::Behaviour,
    pub(crate) autonat: autonat::v2::client::Behaviour,
    pub(crate) autonat_server: Toggle<autonat::v2::server::Behaviour>,
    pub(crate) upnp: Toggle<upnp::tokio::Behaviour>,
    pub(crate) sync: PeerAware,
    pub(crate) join: JoinBehaviour,
}

impl Behaviour {
    pub(crate) fn new(
        key: &identity::Keypair,
        relay_client: relay::client::Behaviour,
        use_mdns: bool,
        use_upnp: bool,
        relay_server: Option<&RelayServer>,
        traffic: Arc<Traffic>,
        access: SharedAccess,
    ) -> std::io::Result<Self> {
        let peer = key.public().to_peer_id();
        let mdns = if use_mdns {
            Some(mdns::tokio::Behaviour::new(mdns::Config::default(), peer)?)
        } else {
            None
        };
        let full = [(SYNC_PROTOCOL, request_response::ProtocolSupport::Full)];
        let join = [(JOIN_PROTOCOL, request_response::ProtocolSupport::Full)];
        let relay = relay_server
            .map(|server| relay::Behaviour::new(peer, relay_config(server, access.clone())));
        let autonat_server = relay_server.map(|_| autonat::v2::server::Behaviour::default());
        let next_peer = Arc::new(Mutex::new(None));
        let sync = request_response::Behaviour::with_codec(
            SyncCodec::new(traffic.clone(), access, next_peer.clone()),
            full,
            request_response::Config::default().with_request_timeout(Duration::from_secs(120)),
        );
        Ok(Self {
            blocked: allow_block_list::Behaviour::default(),
            limits: connection_limits::Behaviour::new(
                connection_limits::ConnectionLimits::default()
                    .with_max_pending_incoming(Some(64))
                    .with_max_established_incoming(Some(256))
                    .with_max_established_per_peer(Some(4)),
            ),
            per_ip: IpLimits::new(MAX_PER_IP, MAX_PENDING_PER_IP),
            memory: memory_connection_limits::Behaviour::with_max_percentage(0.9),
            identify: identify::Behaviour::new(identify::Config::new(
                "/copse/1".into(),
                key.public(),
            )),
            ping: ping::Behaviour::default(),
            mdns: mdns.into(),
            relay_client,
            relay: relay.into(),
            dcutr: dcutr::Behaviour::new(peer),
            autonat: autonat::v2::client::Behaviour::default(),
            autonat_server: autonat_server.into(),
            upnp: use_upnp.then(upnp::tokio::Behaviour::default).into(),
            sync: PeerAware::new(sync, next_peer),
            join: request_response::Behaviour::with_codec(
                JoinCodec::new(traffic),
                join,
                request_response::Config::default().with_request_timeout(Duration::from_secs(300)),
            ),
        })
    }
}
