//! [`IpLimits`]: caps inbound connections per remote IP address (established and pending),
//! so that one host cannot take every slot with many peer ids. Members behind one office
//! NAT share an address, so the cap is generous.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::task::{Context, Poll};

use libp2p::core::transport::PortUse;
use libp2p::core::{ConnectedPoint, Endpoint};
use libp2p::multiaddr::Protocol;
use libp2p::swarm::behaviour::{ConnectionClosed, ConnectionEstablished, ListenFailure};
use libp2p::swarm::{
    ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, THandler, THandlerInEvent,
    THandlerOutEvent, ToSwarm, dummy,
};
use libp2p::{Multiaddr, PeerId};

/// Why a connection was refused.
#[derive(Debug, thiserror::Error)]
#[error("too many connections from {0}")]
struct TooManyFrom(IpAddr);

/// Per-IP limits on inbound connections.
pub(crate) struct IpLimits {
    max_established: usize,
    max_pending: usize,
    pending: HashMap<ConnectionId, IpAddr>,
    established: HashMap<ConnectionId, IpAddr>,
    counts: HashMap<IpAddr, (usize, usize)>,
}

fn ip_of(addr: &Multiaddr) -> Option<IpAddr> {
    addr.iter().find_map(|p| match p {
        Protocol::Ip4(ip) => Some(IpAddr::V4(ip)),
        Protocol::Ip6(ip) => Some(IpAddr::V6(ip)),
        _ => None,
    })
}

impl IpLimits {
    pub(crate) fn new(max_established: usize, max_pending: usize) -> Self {
        Self {
            max_established,
            max_pending,
            pending: HashMap::new(),
            established: HashMap::new(),
            counts: HashMap::new(),
        }
    }

    fn count(&mut self, ip: IpAddr) -> &mut (usize, usize) {
        self.counts.entry(ip).or_default()
    }

    fn forget(&mut self, ip: IpAddr) {
        if self.counts.get(&ip) == Some(&(0, 0)) {
            self.counts.remove(&ip);
        }
    }

    fn end_pending(&mut self, id: ConnectionId) {
        if let Some(ip) = self.pending.remove(&id) {
            let c = self.count(ip);
            c.0 = c.0.saturating_sub(1);
            self.forget(ip);
        }
    }
}

impl NetworkBehaviour for IpLimits {
    type ConnectionHandler = dummy::ConnectionHandler;
    type ToSwarm = Infallible;

    fn handle_pending_inbound_connection(
        &mut self,
        connection_id: ConnectionId,
        _: &Multiaddr,
        remote_addr: &Multiaddr,
    ) -> Result<(), ConnectionDenied> {
        let Some(ip) = ip_of(remote_addr) else {
            return Ok(());
        };
        let (pending, established) = *self.count(ip);
        if pending >= self.max_pending || established >= self.max_established {
            self.forget(ip);
            return Err(ConnectionDenied::new(TooManyFrom(ip)));
        }
        self.count(ip).0 += 1;
        self.pending.insert(connection_id, ip);
        Ok(())
    }

    fn handle_established_inbound_connection(
        &mut self,
        connection_id: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        remote_addr: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.end_pending(connection_id);
        if let Some(ip) = ip_of(remote_addr)
            && self
                .counts
                .get(&ip)
                .is_some_and(|c| c.1 >= self.max_established)
        {
            return Err(ConnectionDenied::new(TooManyFrom(ip)));
        }
        Ok(dummy::ConnectionHandler)
    }

    fn handle_established_outbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        _: Endpoint,
        _: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(dummy::ConnectionHandler)
    }

    fn on_swarm_event(&mut self, event: FromSwarm) {
        match event {
            FromSwarm::ConnectionEstablished(ConnectionEstablished {
                connection_id,
                endpoint: ConnectedPoint::Listener { send_back_addr, .. },
                ..
            }) => {
                if let Some(ip) = ip_of(send_back_addr) {
                    self.count(ip).1 += 1;
                    self.established.insert(connection_id, ip);
                }
            }
            FromSwarm::ConnectionClosed(ConnectionClosed { connection_id, .. }) => {
                if let Some(ip) = self.established.remove(&connection_id) {
                    let c = self.count(ip);
                    c.1 = c.1.saturating_sub(1);
                    self.forget(ip);
                }
                self.end_pending(connection_id);
            }
            FromSwarm::ListenFailure(ListenFailure { connection_id, .. }) => {
                self.end_pending(connection_id);
            }
            _ => {}
        }
    }

    fn on_connection_handler_event(
        &mut self,
        _: PeerId,
        _: ConnectionId,
        event: THandlerOutEvent<Self>,
    ) {
        match event {}
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(ip: &str, port: u16) -> Multiaddr {
        format!("/ip4/{ip}/tcp/{port}")
            .parse()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn establish(l: &mut IpLimits, id: usize, ip: &str) -> bool {
        let local = addr("127.0.0.1", 4001);
        let remote = addr(ip, 50_000 + id as u16);
        let cid = ConnectionId::new_unchecked(id);
        if l.handle_pending_inbound_connection(cid, &local, &remote)
            .is_err()
        {
            return false;
        }
        if l.handle_established_inbound_connection(cid, PeerId::random(), &local, &remote)
            .is_err()
        {
            return false;
        }
        l.on_swarm_event(FromSwarm::ConnectionEstablished(ConnectionEstablished {
            peer_id: PeerId::random(),
            connection_id: cid,
            endpoint: &ConnectedPoint::Listener {
                local_addr: local.clone(),
                send_back_addr: remote.clone(),
            },
            failed_addresses: &[],
            other_established: 0,
        }));
        true
    }

    #[test]
    fn one_address_gets_at_most_its_share() {
        let mut l = IpLimits::new(32, 8);
        let admitted = (0..100)
            .filter(|i| establish(&mut l, *i, "127.0.0.7"))
            .count();
        assert_eq!(admitted, 32);
        // Another address is not affected.
        assert!(establish(&mut l, 1_000, "127.0.0.8"));
        // A closed connection frees its slot.
        l.on_swarm_event(FromSwarm::ConnectionClosed(ConnectionClosed {
            peer_id: PeerId::random(),
            connection_id: ConnectionId::new_unchecked(0),
            endpoint: &ConnectedPoint::Listener {
                local_addr: addr("127.0.0.1", 4001),
                send_back_addr: addr("127.0.0.7", 50_000),
            },
            cause: None,
            remaining_established: 0,
        }));
        assert!(establish(&mut l, 2_000, "127.0.0.7"));
        assert!(!establish(&mut l, 2_001, "127.0.0.7"));
    }
}
