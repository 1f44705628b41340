//! A relay server's libp2p configuration from [`RelayServer`]: the limits, the per-IP
//! rates, and (with `members_only`) reservations for members of our communities only.

use std::num::NonZeroU32;
use std::time::Duration;

use libp2p::relay::{self, RateLimiter};
use libp2p::{Multiaddr, PeerId};
use std::time::Instant;

use crate::access::{self, SharedAccess};
use crate::config::RelayServer;

/// How long a reservation lasts before its holder renews it (libp2p's default).
const RESERVATION_DURATION: Duration = Duration::from_secs(3600);

/// Refuses reservations from peers who share no community with this device. libp2p asks
/// a reservation's rate limiters before it accepts one, so this is where a relay can say
/// no to a peer by its id.
struct MembersOnly(SharedAccess);

impl RateLimiter for MembersOnly {
    fn try_next(&mut self, peer: PeerId, _addr: &Multiaddr, _now: Instant) -> bool {
        let member = access::knows(&self.0, &peer);
        if !member {
            tracing::debug!(%peer, "refused a relay reservation: not a member");
        }
        member
    }
}

/// The relay behaviour's configuration.
pub(crate) fn relay_config(server: &RelayServer, access: SharedAccess) -> relay::Config {
    let l = &server.limits;
    let per_minute = NonZeroU32::new(l.per_ip_per_minute).unwrap_or(NonZeroU32::MIN);
    let mut config = relay::Config {
        max_reservations: l.reservations,
        max_reservations_per_peer: l.reservations_per_peer,
        reservation_duration: RESERVATION_DURATION,
        max_circuits: l.circuits,
        max_circuits_per_peer: l.circuits_per_peer,
        // libp2p panics beyond u32::MAX seconds.
        max_circuit_duration: l
            .circuit_duration
            .min(Duration::from_secs(u64::from(u32::MAX))),
        max_circuit_bytes: l.circuit_bytes,
        reservation_rate_limiters: Vec::new(),
        circuit_src_rate_limiters: Vec::new(),
    }
    .reservation_rate_per_peer(per_minute, Duration::from_secs(60))
    .circuit_src_per_peer(per_minute, Duration::from_secs(60))
    .reservation_rate_per_ip(per_minute, Duration::from_secs(60))
    .circuit_src_per_ip(per_minute, Duration::from_secs(60));
    if server.members_only {
        config
            .reservation_rate_limiters
            .push(Box::new(MembersOnly(access)));
    }
    config
}
