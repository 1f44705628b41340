//! [`OwnAddresses`]: which of this device's addresses it records in its communities.
//!
//! Listen addresses are ours for certain. An address a peer says it sees us at (Identify's
//! observed address) counts only once two different members report it: a stranger, or one
//! member, cannot plant an address that everyone would then dial. At most a handful are
//! recorded, and the hub commits a change of them at most once per community per hour.

use std::collections::BTreeSet;

use copse_core::{MemberId, Timestamp};

use crate::bounded_map::BoundedMap;

/// Addresses recorded per device.
pub(crate) const MAX_RECORDED: usize = 4;
/// Of those, addresses through a relay (a device keeps one or two reservations).
const MAX_RECORDED_RELAYED: usize = 2;
/// Members that must report an observed address before it is recorded.
const CONFIRMATIONS: usize = 2;
/// Observed candidates kept, and reporters kept per candidate.
const CANDIDATES: usize = 16;
/// Listen addresses settle this long before they are recorded (listeners come up together).
const SETTLE_MS: i64 = 1_000;
/// A community gets at most one change of our addresses per this long.
pub(crate) const RECORD_EVERY_MS: i64 = 3_600_000;

/// Our addresses, as far as they are confirmed.
#[derive(Debug)]
pub(crate) struct OwnAddresses {
    listen: Vec<String>,
    observed: BoundedMap<String, BTreeSet<MemberId>>,
    /// The recordable set changed at this time and is not recorded everywhere yet.
    changed_at: Option<Timestamp>,
}

impl Default for OwnAddresses {
    fn default() -> Self {
        Self {
            listen: Vec::new(),
            observed: BoundedMap::new(CANDIDATES),
            changed_at: None,
        }
    }
}

fn is_unspecified(addr: &str) -> bool {
    addr.contains("/0.0.0.0/") || addr.contains("/::/")
}

fn is_relayed(addr: &str) -> bool {
    copse_core::sync::net::relay_of(addr).is_some()
}

fn is_loopback(addr: &str) -> bool {
    addr.contains("/127.0.0.1/") || addr.contains("/::1/")
}

impl OwnAddresses {
    /// We listen on `addr`.
    pub(crate) fn listening(&mut self, addr: &str, now: Timestamp) {
        if is_unspecified(addr) || self.listen.iter().any(|a| a == addr) {
            return;
        }
        self.listen.push(addr.to_owned());
        self.changed_at = Some(now);
    }

    /// We no longer listen on `addr` (a relay reservation ended).
    pub(crate) fn not_listening(&mut self, addr: &str, now: Timestamp) {
        let before = self.listen.len();
        self.listen.retain(|a| a != addr);
        if self.listen.len() != before {
            self.changed_at = Some(now);
        }
    }

    /// Member `reporter` sees us at `addr`.
    pub(crate) fn observed(&mut self, addr: &str, reporter: &MemberId, now: Timestamp) {
        if is_unspecified(addr) || self.listen.iter().any(|a| a == addr) {
            return;
        }
        let reporters = self
            .observed
            .entry_or_insert_with(addr.to_owned(), BTreeSet::new);
        if reporters.len() >= CONFIRMATIONS || !reporters.insert(reporter.clone()) {
            return;
        }
        if reporters.len() == CONFIRMATIONS {
            self.changed_at = Some(now);
        }
    }

    /// The addresses to record and to put in tickets: listen addresses and observed ones
    /// that enough members confirmed; at most two direct ones (loopback last), then
    /// those through a relay, so a device behind NAT always records how to reach it.
    pub(crate) fn recordable(&self) -> Vec<String> {
        let mut all: Vec<String> = self.listen.clone();
        for (addr, reporters) in self.observed.iter() {
            if reporters.len() >= CONFIRMATIONS && !all.contains(addr) {
                all.push(addr.clone());
            }
        }
        all.sort_by_key(|a| is_loopback(a));
        let (relayed, direct): (Vec<String>, Vec<String>) =
            all.into_iter().partition(|a| is_relayed(a));
        let room_for_direct = MAX_RECORDED - relayed.len().min(MAX_RECORDED_RELAYED);
        let mut out: Vec<String> = direct.into_iter().take(room_for_direct).collect();
        out.extend(relayed.into_iter().take(MAX_RECORDED_RELAYED));
        out.truncate(MAX_RECORDED);
        out
    }

    /// Every address we listen on (for status).
    pub(crate) fn listen_addrs(&self) -> &[String] {
        &self.listen
    }

    /// Whether there is something new to record and it has settled.
    pub(crate) fn due(&self, now: Timestamp) -> bool {
        self.changed_at
            .is_some_and(|t| now.0.saturating_sub(t.0) >= SETTLE_MS)
    }

    /// Recorded everywhere it could be (`pending`: some community must wait its turn).
    pub(crate) fn recorded(&mut self, pending: bool) {
        if !pending {
            self.changed_at = None;
        }
    }

    /// Something must be recorded again (e.g. a community was joined).
    pub(crate) fn touch(&mut self, now: Timestamp) {
        if !self.listen.is_empty() {
            self.changed_at.get_or_insert(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(i: u8) -> MemberId {
        format!("12D3KooWMember{i}").parse().unwrap()
    }

    #[test]
    fn an_observed_address_needs_two_members() {
        let mut own = OwnAddresses::default();
        let t = Timestamp(0);
        own.listening("/ip4/127.0.0.1/tcp/1", t);
        own.listening("/ip4/0.0.0.0/tcp/1", t);
        own.observed("/ip4/203.0.113.9/tcp/1", &m(1), t);
        own.observed("/ip4/203.0.113.9/tcp/1", &m(1), t);
        assert_eq!(own.recordable(), vec!["/ip4/127.0.0.1/tcp/1".to_owned()]);
        own.observed("/ip4/203.0.113.9/tcp/1", &m(2), t);
        assert_eq!(
            own.recordable(),
            vec![
                "/ip4/203.0.113.9/tcp/1".to_owned(),
                "/ip4/127.0.0.1/tcp/1".to_owned()
            ]
        );
    }

    #[test]
    fn relayed_addresses_are_recorded_beside_the_direct_ones() {
        let mut own = OwnAddresses::default();
        let t = Timestamp(0);
        for a in [
            "/ip4/127.0.0.1/tcp/1",
            "/ip4/10.1.0.2/tcp/1",
            "/ip4/10.1.0.2/udp/1/quic-v1",
            "/ip4/127.0.0.1/udp/1/quic-v1",
        ] {
            own.listening(a, t);
        }
        let circuit = "/ip4/10.9.0.2/tcp/4001/p2p/12D3KooWRelay/p2p-circuit";
        own.listening(circuit, t);
        let rec = own.recordable();
        assert_eq!(rec.len(), MAX_RECORDED);
        assert!(rec.contains(&circuit.to_owned()));
        assert_eq!(rec[0], "/ip4/10.1.0.2/tcp/1");
        own.not_listening(circuit, t);
        assert!(!own.recordable().contains(&circuit.to_owned()));
    }

    #[test]
    fn a_flood_of_observations_stays_bounded() {
        let mut own = OwnAddresses::default();
        for i in 0..1000u32 {
            own.observed(
                &format!("/ip4/10.0.0.1/tcp/{i}"),
                &m((i % 200) as u8),
                Timestamp(0),
            );
        }
        assert!(own.observed.len() <= CANDIDATES);
        assert!(own.recordable().len() <= MAX_RECORDED);
    }
}
