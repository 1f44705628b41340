//! [`Routes`]: the connections open to each peer and which one counts as the route: a
//! direct one when there is one (hole punching adds it beside the relayed one), else the
//! first relayed one. The hub hears when the route changes, so it can say how each member
//! is reached.

use std::collections::HashMap;

use libp2p::multiaddr::Protocol;
use libp2p::swarm::ConnectionId;
use libp2p::{Multiaddr, PeerId};

/// Whether an address goes through a relay.
pub(crate) fn is_relayed(addr: &Multiaddr) -> bool {
    addr.iter().any(|p| matches!(p, Protocol::P2pCircuit))
}

/// Open connections per peer, in the order they opened.
#[derive(Debug, Default)]
pub(crate) struct Routes {
    open: HashMap<PeerId, Vec<(ConnectionId, Multiaddr)>>,
}

impl Routes {
    fn route(&self, peer: &PeerId) -> Option<&Multiaddr> {
        let conns = self.open.get(peer)?;
        conns
            .iter()
            .find(|(_, a)| !is_relayed(a))
            .or_else(|| conns.first())
            .map(|(_, a)| a)
    }

    /// A connection opened; returns the new route if it changed.
    pub(crate) fn opened(
        &mut self,
        peer: PeerId,
        id: ConnectionId,
        addr: Multiaddr,
    ) -> Option<Multiaddr> {
        let before = self.route(&peer).cloned();
        self.open.entry(peer).or_default().push((id, addr));
        let after = self.route(&peer).cloned();
        (after != before).then_some(after).flatten()
    }

    /// A connection closed; returns the new route if it changed and one remains.
    pub(crate) fn closed(&mut self, peer: PeerId, id: ConnectionId) -> Option<Multiaddr> {
        let before = self.route(&peer).cloned();
        if let Some(conns) = self.open.get_mut(&peer) {
            conns.retain(|(c, _)| *c != id);
            if conns.is_empty() {
                self.open.remove(&peer);
            }
        }
        let after = self.route(&peer).cloned();
        (after != before).then_some(after).flatten()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_direct_connection_beside_a_relayed_one_is_the_route() {
        let peer = PeerId::random();
        let relay = PeerId::random();
        let relayed: Multiaddr = format!("/ip4/10.0.0.1/tcp/1/p2p/{relay}/p2p-circuit")
            .parse()
            .unwrap();
        let direct: Multiaddr = "/ip4/10.0.0.2/tcp/2".parse().unwrap();
        let (a, b) = (
            ConnectionId::new_unchecked(1),
            ConnectionId::new_unchecked(2),
        );
        let mut r = Routes::default();
        assert_eq!(r.opened(peer, a, relayed.clone()), Some(relayed.clone()));
        assert_eq!(r.opened(peer, b, direct.clone()), Some(direct.clone()));
        assert_eq!(r.closed(peer, a), None);
        assert_eq!(r.closed(peer, b), None);
        assert!(r.open.is_empty());
        // The direct one closing leaves the relayed one as the route.
        r.opened(peer, a, relayed.clone());
        r.opened(peer, b, direct);
        assert_eq!(r.closed(peer, b), Some(relayed));
    }
}
