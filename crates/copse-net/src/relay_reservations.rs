//! [`Reservations`]: which relays this device keeps a reservation on. It wants one or two
//! of the relays it was given (in their order), and when a reservation fails or a relay
//! goes away it tries another, or the same one again after a pause that doubles up to
//! five minutes; a relay that comes back is reserved on again.

use std::collections::HashMap;
use std::time::Duration;

use libp2p::core::transport::ListenerId;
use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId};
use tokio::time::Instant;

/// Reservations kept at once.
const KEEP: usize = 2;
/// First pause after a failure.
const FIRST_PAUSE: Duration = Duration::from_secs(5);
/// Longest pause.
const MAX_PAUSE: Duration = Duration::from_secs(300);

/// The relay a multiaddr ends with (`…/p2p/<relay>`), if it does.
pub(crate) fn relay_peer(addr: &Multiaddr) -> Option<PeerId> {
    match addr.iter().last() {
        Some(Protocol::P2p(p)) => Some(p),
        _ => None,
    }
}

/// Relays wanted, reservations held or asked for, and pauses after failures.
#[derive(Debug, Default)]
pub(crate) struct Reservations {
    wanted: Vec<Multiaddr>,
    listening: HashMap<ListenerId, Multiaddr>,
    /// Per relay address: not before this time, and the pause to use next.
    paused: HashMap<Multiaddr, (Instant, Duration)>,
}

impl Reservations {
    /// Sets the relays wanted, in order; returns the listeners to close (relays no longer
    /// wanted). Addresses that do not end in `/p2p/<relay>` are left out.
    pub(crate) fn want(&mut self, relays: Vec<Multiaddr>) -> Vec<ListenerId> {
        self.wanted =
            relays
                .into_iter()
                .filter(|a| relay_peer(a).is_some())
                .fold(Vec::new(), |mut v, a| {
                    if !v.contains(&a) {
                        v.push(a);
                    }
                    v
                });
        self.paused.retain(|a, _| self.wanted.contains(a));
        let gone: Vec<ListenerId> = self
            .listening
            .iter()
            .filter(|(_, a)| !self.wanted.contains(a))
            .map(|(id, _)| *id)
            .collect();
        for id in &gone {
            self.listening.remove(id);
        }
        gone
    }

    /// The relays to ask for a reservation now (each as the address to listen on, ending
    /// in `/p2p-circuit`). The caller reports each listener with [`Self::asked`].
    pub(crate) fn due(&self, now: Instant) -> Vec<Multiaddr> {
        let room = KEEP.saturating_sub(self.listening.len());
        self.wanted
            .iter()
            .filter(|a| !self.listening.values().any(|l| l == *a))
            .filter(|a| self.paused.get(*a).is_none_or(|(at, _)| *at <= now))
            .take(room)
            .cloned()
            .collect()
    }

    /// A reservation was asked for on `relay` under `listener`.
    pub(crate) fn asked(&mut self, listener: ListenerId, relay: Multiaddr) {
        self.listening.insert(listener, relay);
    }

    /// `relay` granted the reservation: its pause starts over.
    pub(crate) fn granted(&mut self, relay: &PeerId) {
        self.paused
            .retain(|a, _| relay_peer(a).as_ref() != Some(relay));
    }

    /// The listener closed (a refusal, the relay gone): returns its relay, which pauses.
    pub(crate) fn closed(&mut self, listener: ListenerId, now: Instant) -> Option<Multiaddr> {
        let relay = self.listening.remove(&listener)?;
        let pause = self
            .paused
            .get(&relay)
            .map_or(FIRST_PAUSE, |(_, p)| (*p * 2).min(MAX_PAUSE));
        self.paused.insert(relay.clone(), (now + pause, pause));
        Some(relay)
    }

    /// When to look again for a relay to reserve on.
    pub(crate) fn next_retry(&self) -> Option<Instant> {
        if self.listening.len() >= KEEP {
            return None;
        }
        self.wanted
            .iter()
            .filter(|a| !self.listening.values().any(|l| l == *a))
            .filter_map(|a| self.paused.get(a).map(|(at, _)| *at))
            .min()
    }

    /// Whether `listener` is one of ours.
    pub(crate) fn is_reservation(&self, listener: &ListenerId) -> bool {
        self.listening.contains_key(listener)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn relay(i: u8) -> Multiaddr {
        let peer = libp2p::identity::Keypair::ed25519_from_bytes([i; 32])
            .unwrap()
            .public()
            .to_peer_id();
        format!("/ip4/10.0.0.{i}/tcp/4001/p2p/{peer}")
            .parse()
            .unwrap()
    }

    #[test]
    fn keeps_two_and_moves_on_after_a_failure() {
        let mut r = Reservations::default();
        let t = Instant::now();
        r.want(vec![relay(1), relay(2), relay(3)]);
        let due = r.due(t);
        assert_eq!(due, vec![relay(1), relay(2)]);
        let ids = [ListenerId::next(), ListenerId::next()];
        r.asked(ids[0], relay(1));
        r.asked(ids[1], relay(2));
        assert!(r.due(t).is_empty());
        assert_eq!(r.next_retry(), None);
        assert_eq!(r.closed(ids[0], t), Some(relay(1)));
        // The failed relay pauses; the third is tried at once.
        assert_eq!(r.due(t), vec![relay(3)]);
        r.asked(ListenerId::next(), relay(3));
        assert!(r.due(t + FIRST_PAUSE).is_empty());
    }

    #[test]
    fn pauses_double_and_reset_on_success() {
        let mut r = Reservations::default();
        let t = Instant::now();
        r.want(vec![relay(1)]);
        let id = ListenerId::next();
        r.asked(id, relay(1));
        r.closed(id, t);
        assert_eq!(r.next_retry(), Some(t + FIRST_PAUSE));
        assert!(r.due(t).is_empty());
        assert_eq!(r.due(t + FIRST_PAUSE), vec![relay(1)]);
        let id = ListenerId::next();
        r.asked(id, relay(1));
        r.closed(id, t);
        assert_eq!(r.next_retry(), Some(t + FIRST_PAUSE * 2));
        r.granted(&relay_peer(&relay(1)).unwrap());
        assert_eq!(r.next_retry(), None);
        assert_eq!(r.due(t), vec![relay(1)]);
    }

    #[test]
    fn addresses_without_a_relay_id_are_left_out() {
        let mut r = Reservations::default();
        r.want(vec!["/ip4/10.0.0.1/tcp/4001".parse().unwrap(), relay(2)]);
        assert_eq!(r.due(Instant::now()), vec![relay(2)]);
    }

    #[test]
    fn a_relay_no_longer_wanted_is_closed() {
        let mut r = Reservations::default();
        r.want(vec![relay(1)]);
        let id = ListenerId::next();
        r.asked(id, relay(1));
        assert_eq!(r.want(vec![relay(2)]), vec![id]);
        assert!(!r.is_reservation(&id));
        assert_eq!(r.due(Instant::now()), vec![relay(2)]);
    }
}
