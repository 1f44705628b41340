//! How this device is reached, and how it reaches each member: its relay reservations,
//! the addresses confirmed reachable from outside, and the hole punches tried. Only what
//! the network reports; what `status` and the Peers tab say is made from it.

use copse_core::MemberId;
use copse_core::sync::net::relay_of;
use serde::{Deserialize, Serialize};

use crate::bounded_map::BoundedMap;
use crate::{Hub, NetOp, PeerEvent};

/// Hole-punch outcomes remembered (per peer).
const PUNCHES: usize = 1024;
/// Relays and confirmed addresses remembered.
const KEPT: usize = 32;

/// A relay this device asked for a reservation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayState {
    /// The relay (its address as given, or its id once it granted one).
    pub relay: String,
    /// Whether it holds a reservation for us now.
    pub reserved: bool,
    /// Why not, if it said or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// This device's reachability.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reachability {
    /// Addresses confirmed reachable from outside (AutoNAT, or given with `--external`).
    #[serde(default)]
    pub public: Vec<String>,
    /// Relays asked for a reservation.
    #[serde(default)]
    pub relays: Vec<RelayState>,
    /// Addresses members reach us at through a relay.
    #[serde(default)]
    pub relayed: Vec<String>,
}

impl Reachability {
    /// In a few words: public, reachable through a relay, or only on this network.
    pub fn summary(&self) -> String {
        if !self.public.is_empty() {
            return "public: members can dial this device".into();
        }
        let reserved: Vec<&str> = self
            .relays
            .iter()
            .filter(|r| r.reserved)
            .map(|r| r.relay.as_str())
            .collect();
        if !reserved.is_empty() {
            return format!(
                "behind NAT or a firewall; reachable through relay {}",
                reserved.join(", ")
            );
        }
        if self.relays.is_empty() {
            "reachable only on this network (no public address, no relay)".into()
        } else {
            "reachable only on this network: no relay holds a reservation for it yet".into()
        }
    }
}

/// How a connected member is reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Route {
    /// A direct connection.
    Direct,
    /// Through a relay.
    Relayed {
        /// The relay's id.
        relay: String,
        /// Whether a hole punch to a direct connection was tried, and how it went.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hole_punch: Option<Result<(), String>>,
    },
}

/// What the network told us about reach, and the relays we ask it to use.
#[derive(Debug)]
pub(crate) struct Reach {
    /// Relays this device was given (command line, settings), before the communities'.
    pub(crate) given: Vec<String>,
    /// The list last sent to the network.
    wanted: Option<Vec<String>>,
    /// The communities' heads it was read at: unchanged heads, unchanged lists.
    read_at: Vec<Vec<copse_core::automerge::ChangeHash>>,
    public: Vec<String>,
    relays: Vec<RelayState>,
    punches: BoundedMap<MemberId, Result<(), String>>,
}

impl Default for Reach {
    fn default() -> Self {
        Self {
            given: Vec::new(),
            wanted: None,
            read_at: Vec::new(),
            public: Vec::new(),
            relays: Vec::new(),
            punches: BoundedMap::new(PUNCHES),
        }
    }
}

fn set_relay(relays: &mut Vec<RelayState>, relay: &str, reserved: bool, error: Option<String>) {
    // A relay is named by its address when asked and by its id when granted: one entry.
    let same = |r: &RelayState| {
        r.relay == relay || r.relay.ends_with(&format!("/p2p/{relay}")) || {
            relay.ends_with(&format!("/p2p/{}", r.relay))
        }
    };
    match relays.iter_mut().find(|r| same(r)) {
        Some(r) => {
            r.reserved = reserved;
            r.error = error;
        }
        None => {
            if relays.len() >= KEPT {
                relays.remove(0);
            }
            relays.push(RelayState {
                relay: relay.to_owned(),
                reserved,
                error,
            });
        }
    }
}

impl Hub {
    /// The relays to keep a reservation on: those this device was given, then those each
    /// of our communities lists, in order. The network is told when the list changes.
    /// The relays this device was given changed: they come first in what it reserves on.
    /// As many as a community may list (`limits::RELAYS`): a hand-edited settings file
    /// with a million entries costs nothing more.
    pub(crate) fn use_relays(&mut self, relays: Vec<String>) {
        let mut given = Vec::new();
        for r in relays
            .iter()
            .filter_map(|r| copse_core::view::profile::relay_address(r))
        {
            if given.len() == copse_core::schema::limits::RELAYS {
                break;
            }
            if !given.contains(&r) {
                given.push(r);
            }
        }
        if given != self.reach.given {
            self.reach.given = given;
            // Read again even though no community moved.
            self.reach.wanted = None;
            self.want_relays();
        }
    }

    pub(crate) fn want_relays(&mut self) {
        if !self.is_online() {
            return;
        }
        let heads: Vec<_> = self
            .replicas
            .values()
            .map(|r| r.community().doc().get_heads())
            .collect();
        if self.reach.wanted.is_some() && heads == self.reach.read_at {
            return;
        }
        self.reach.read_at = heads;
        let mut wanted = self.reach.given.clone();
        for r in self.replicas.values() {
            let doc = r.community().doc();
            if !r.community().is_member(&self.me) {
                continue;
            }
            for relay in copse_core::view::profile::relays(doc) {
                if !wanted.contains(&relay) {
                    wanted.push(relay);
                }
            }
        }
        if self.reach.wanted.as_ref() != Some(&wanted) {
            self.reach.wanted = Some(wanted.clone());
            self.net(NetOp::Relays(wanted));
        }
    }

    /// A relay holds a reservation for us.
    pub(crate) fn relay_reserved(&mut self, relay: String) {
        set_relay(&mut self.reach.relays, &relay, true, None);
        self.event(PeerEvent::RelayReserved { relay });
    }

    /// A relay refused or lost our reservation: a notice, not silence; but once per
    /// change, not on every retry.
    pub(crate) fn relay_refused(&mut self, relay: String, error: String) {
        let known = self
            .reach
            .relays
            .iter()
            .any(|r| r.relay == relay && !r.reserved && r.error.as_deref() == Some(&error));
        set_relay(&mut self.reach.relays, &relay, false, Some(error.clone()));
        if !known {
            self.event(PeerEvent::RelayRefused { relay, error });
        }
    }

    /// An address of ours is confirmed reachable from outside, or no longer.
    pub(crate) fn external(&mut self, addr: String, confirmed: bool) {
        // A relayed address is reachable through the relay, not in itself.
        if relay_of(&addr).is_some() {
            return;
        }
        self.reach.public.retain(|a| *a != addr);
        if confirmed && self.reach.public.len() < KEPT {
            self.reach.public.push(addr);
        }
    }

    /// A hole punch to `peer` was tried. Concurrent attempts (both sides dialled through
    /// the relay) end in one success and failures that found the direct connection made:
    /// a failure counts only while the route is still relayed.
    pub(crate) fn hole_punch(&mut self, peer: MemberId, result: Result<(), String>) {
        if result.is_err() && matches!(self.route(&peer), Some(Route::Direct)) {
            return;
        }
        self.reach.punches.insert(peer, result);
    }

    /// This device's reachability now.
    pub fn reachability(&self) -> Reachability {
        Reachability {
            public: self.reach.public.clone(),
            relays: self.reach.relays.clone(),
            relayed: self
                .own
                .listen_addrs()
                .iter()
                .filter(|a| relay_of(a).is_some())
                .cloned()
                .collect(),
        }
    }

    /// How a connected member is reached; `None` when not connected.
    pub fn route(&self, member: &MemberId) -> Option<Route> {
        let addr = self.connected.get(member)?;
        Some(match relay_of(addr) {
            None => Route::Direct,
            Some(relay) => Route::Relayed {
                relay: relay.to_owned(),
                hole_punch: self.reach.punches.get(member).cloned(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_device::{Device, member};
    use crate::{Input, Output, RequestId};

    fn relays_sent(out: &[Output]) -> Option<Vec<String>> {
        out.iter().rev().find_map(|o| match o {
            Output::Net(NetOp::Relays(r)) => Some(r.clone()),
            _ => None,
        })
    }

    #[test]
    fn the_network_gets_the_given_relays_then_the_communities_once_per_change() {
        let mut a = Device::new(member(1));
        a.hub.reach.given = vec!["/ip4/10.0.0.1/tcp/1/p2p/12D3KooWGiven".into()];
        let c = a.create();
        let relay = "/ip4/203.0.113.5/udp/4001/quic-v1/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";
        a.feed(Input::Edit {
            request: RequestId(900),
            community: c.clone(),
            command: copse_core::Command::AddRelay {
                relay: relay.into(),
            },
        });
        a.now = a.now.plus_millis(3_000);
        let out = a.feed(Input::Tick);
        assert_eq!(
            relays_sent(&out),
            Some(vec![
                "/ip4/10.0.0.1/tcp/1/p2p/12D3KooWGiven".to_owned(),
                relay.to_owned()
            ])
        );
        // Unchanged: not sent again.
        a.now = a.now.plus_millis(3_000);
        assert_eq!(relays_sent(&a.feed(Input::Tick)), None);
    }

    #[test]
    fn relays_given_in_settings_replace_the_last_ones_at_once() {
        let mut a = Device::new(member(1));
        let _ = a.create();
        let one = "/ip4/10.0.0.1/tcp/1/p2p/12D3KooWKUyGXxvijdiBYCRfm9m5g6pMBey9i9qSyW2ogKeosEdu";
        let two = "/ip4/10.0.0.2/tcp/1/p2p/12D3KooWN4zoWU3o9BRVjJPJ6FvuRK3vVDoUTXWhpMYavMHpf6FF";
        let out = a.feed(Input::UseRelays {
            relays: vec![one.into(), "not a relay".into(), one.into()],
        });
        assert_eq!(relays_sent(&out), Some(vec![one.to_owned()]));
        // The same list again: nothing to tell the network.
        assert_eq!(
            relays_sent(&a.feed(Input::UseRelays {
                relays: vec![one.into()]
            })),
            None
        );
        let out = a.feed(Input::UseRelays {
            relays: vec![two.into()],
        });
        assert_eq!(relays_sent(&out), Some(vec![two.to_owned()]));
        assert_eq!(
            relays_sent(&a.feed(Input::UseRelays { relays: vec![] })),
            Some(vec![])
        );
        // As many as the format allows: the first ones, up to a community's bound.
        let id = "12D3KooWKUyGXxvijdiBYCRfm9m5g6pMBey9i9qSyW2ogKeosEdu";
        let many: Vec<String> = (0..100_000u32)
            .map(|i| {
                format!(
                    "/ip4/10.{}.{}.{}/tcp/1/p2p/{id}",
                    i >> 16,
                    (i >> 8) & 255,
                    i & 255
                )
            })
            .collect();
        let out = a.feed(Input::UseRelays {
            relays: many.clone(),
        });
        let bound = copse_core::schema::limits::RELAYS;
        assert_eq!(relays_sent(&out), Some(many[..bound].to_vec()));
    }

    #[test]
    fn a_relay_asked_by_address_and_granted_by_id_is_one_entry() {
        let mut relays = Vec::new();
        set_relay(
            &mut relays,
            "/ip4/10.0.0.1/tcp/4001/p2p/12D3KooWRelay",
            false,
            Some("refused".into()),
        );
        set_relay(&mut relays, "12D3KooWRelay", true, None);
        assert_eq!(relays.len(), 1);
        assert!(relays[0].reserved);
        assert_eq!(relays[0].error, None);
    }

    #[test]
    fn the_summary_says_how_the_device_is_reached() {
        let mut r = Reachability::default();
        assert!(r.summary().ends_with("(no public address, no relay)"));
        r.relays.push(RelayState {
            relay: "12D3KooWRelay".into(),
            reserved: false,
            error: Some("refused".into()),
        });
        assert!(
            r.summary()
                .ends_with("no relay holds a reservation for it yet")
        );
        r.relays[0].reserved = true;
        assert!(r.summary().contains("through relay 12D3KooWRelay"));
        r.public.push("/ip4/203.0.113.5/tcp/4001".into());
        assert!(r.summary().starts_with("public"));
    }
}
