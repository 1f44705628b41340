//! The composed libp2p behaviour: sync and join protocols, discovery, liveness, limits.

use std::sync::Arc;
use std::time::Duration;

use copse_core::sync::wire::{JoinRequest, JoinResponse, SyncRequest, SyncResponse};
use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{
    allow_block_list, connection_limits, identify, identity, mdns, memory_connection_limits, ping,
    request_response,
};

use crate::codec::{FrameCodec, JOIN_PROTOCOL, SYNC_PROTOCOL, Traffic};

pub(crate) type SyncBehaviour = request_response::Behaviour<FrameCodec<SyncRequest, SyncResponse>>;
pub(crate) type JoinBehaviour = request_response::Behaviour<FrameCodec<JoinRequest, JoinResponse>>;

#[derive(NetworkBehaviour)]
pub(crate) struct Behaviour {
    pub(crate) blocked: allow_block_list::Behaviour<allow_block_list::BlockedPeers>,
    pub(crate) limits: connection_limits::Behaviour,
    pub(crate) memory: memory_connection_limits::Behaviour,
    pub(crate) identify: identify::Behaviour,
    pub(crate) ping: ping::Behaviour,
    pub(crate) mdns: Toggle<mdns::tokio::Behaviour>,
    pub(crate) sync: SyncBehaviour,
    pub(crate) join: JoinBehaviour,
}

impl Behaviour {
    pub(crate) fn new(
        key: &identity::Keypair,
        use_mdns: bool,
        traffic: Arc<Traffic>,
    ) -> std::io::Result<Self> {
        let peer = key.public().to_peer_id();
        let mdns = if use_mdns {
            Some(mdns::tokio::Behaviour::new(mdns::Config::default(), peer)?)
        } else {
            None
        };
        let full = [(SYNC_PROTOCOL, request_response::ProtocolSupport::Full)];
        let join = [(JOIN_PROTOCOL, request_response::ProtocolSupport::Full)];
        Ok(Self {
            blocked: allow_block_list::Behaviour::default(),
            limits: connection_limits::Behaviour::new(
                connection_limits::ConnectionLimits::default()
                    .with_max_pending_incoming(Some(64))
                    .with_max_established_incoming(Some(256))
                    .with_max_established_per_peer(Some(4)),
            ),
            memory: memory_connection_limits::Behaviour::with_max_percentage(0.9),
            identify: identify::Behaviour::new(identify::Config::new(
                "/copse/1".into(),
                key.public(),
            )),
            ping: ping::Behaviour::default(),
            mdns: mdns.into(),
            sync: request_response::Behaviour::with_codec(
                FrameCodec::new(traffic.clone(), false),
                full,
                request_response::Config::default().with_request_timeout(Duration::from_secs(120)),
            ),
            join: request_response::Behaviour::with_codec(
                FrameCodec::new(traffic, true),
                join,
                request_response::Config::default().with_request_timeout(Duration::from_secs(300)),
            ),
        })
    }
}
