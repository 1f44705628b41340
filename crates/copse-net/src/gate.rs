//! [`PeerAware`]: a request-response behaviour whose codec knows, per connection, which peer
//! it reads from. request-response clones its codec once per connection, right where the
//! peer is known; this wrapper names the peer in a slot the codec's `Clone` reads (see
//! [`crate::codec::SyncCodec`]). Everything else is delegated unchanged.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use libp2p::core::Endpoint;
use libp2p::core::transport::PortUse;
use libp2p::request_response;
use libp2p::swarm::{
    ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, THandler, THandlerInEvent,
    THandlerOutEvent, ToSwarm,
};
use libp2p::{Multiaddr, PeerId};

use crate::codec::SyncCodec;

/// The sync protocol's behaviour, with a peer-aware codec.
pub(crate) struct PeerAware {
    inner: request_response::Behaviour<SyncCodec>,
    next_peer: Arc<Mutex<Option<PeerId>>>,
}

impl PeerAware {
    pub(crate) fn new(
        inner: request_response::Behaviour<SyncCodec>,
        next_peer: Arc<Mutex<Option<PeerId>>>,
    ) -> Self {
        Self { inner, next_peer }
    }

    pub(crate) fn inner(&mut self) -> &mut request_response::Behaviour<SyncCodec> {
        &mut self.inner
    }

    fn with_peer<T>(&mut self, peer: PeerId, f: impl FnOnce(&mut Self) -> T) -> T {
        if let Ok(mut slot) = self.next_peer.lock() {
            *slot = Some(peer);
        }
        let out = f(self);
        if let Ok(mut slot) = self.next_peer.lock() {
            *slot = None;
        }
        out
    }
}

impl NetworkBehaviour for PeerAware {
    type ConnectionHandler =
        <request_response::Behaviour<SyncCodec> as NetworkBehaviour>::ConnectionHandler;
    type ToSwarm = <request_response::Behaviour<SyncCodec> as NetworkBehaviour>::ToSwarm;

    fn handle_pending_inbound_connection(
        &mut self,
        connection_id: ConnectionId,
        local_addr: &Multiaddr,
        remote_addr: &Multiaddr,
    ) -> Result<(), ConnectionDenied> {
        self.inner
            .handle_pending_inbound_connection(connection_id, local_addr, remote_addr)
    }

    fn handle_established_inbound_connection(
        &mut self,
        connection_id: ConnectionId,
        peer: PeerId,
        local_addr: &Multiaddr,
        remote_addr: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.with_peer(peer, |s| {
            s.inner.handle_established_inbound_connection(
                connection_id,
                peer,
                local_addr,
                remote_addr,
            )
        })
    }

    fn handle_pending_outbound_connection(
        &mut self,
        connection_id: ConnectionId,
        maybe_peer: Option<PeerId>,
        addresses: &[Multiaddr],
        effective_role: Endpoint,
    ) -> Result<Vec<Multiaddr>, ConnectionDenied> {
        self.inner.handle_pending_outbound_connection(
            connection_id,
            maybe_peer,
            addresses,
            effective_role,
        )
    }

    fn handle_established_outbound_connection(
        &mut self,
        connection_id: ConnectionId,
        peer: PeerId,
        addr: &Multiaddr,
        role_override: Endpoint,
        port_use: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.with_peer(peer, |s| {
            s.inner.handle_established_outbound_connection(
                connection_id,
                peer,
                addr,
                role_override,
                port_use,
            )
        })
    }

    fn on_swarm_event(&mut self, event: FromSwarm) {
        self.inner.on_swarm_event(event);
    }

    fn on_connection_handler_event(
        &mut self,
        peer_id: PeerId,
        connection_id: ConnectionId,
        event: THandlerOutEvent<Self>,
    ) {
        self.inner
            .on_connection_handler_event(peer_id, connection_id, event);
    }

    fn poll(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        self.inner.poll(cx)
    }
}
