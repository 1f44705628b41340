//! Network settings.

use std::time::Duration;

/// How the network starts.
#[derive(Debug, Clone)]
pub struct NetConfig {
    /// The device's ed25519 seed (its PeerId is the member id).
    pub seed: [u8; 32],
    /// Multiaddrs to listen on.
    pub listen: Vec<String>,
    /// Find peers on the local network with mDNS (off in loopback tests).
    pub mdns: bool,
    /// Relays to keep a reservation on, so members reach this device through them when
    /// no direct address does (multiaddrs ending in `/p2p/<relay id>`).
    pub relays: Vec<String>,
    /// Addresses this device knows it is reachable at (a public host's own).
    pub external: Vec<String>,
    /// Relay circuits for others (`copse-node serve --relay`).
    pub relay_server: Option<RelayServer>,
    /// Ask the router for a port mapping (UPnP), where it offers one.
    pub upnp: bool,
}

impl NetConfig {
    /// Listen on every interface, TCP and QUIC, on ports the OS picks; mDNS on.
    pub fn new(seed: [u8; 32]) -> Self {
        Self {
            seed,
            listen: vec![
                "/ip4/0.0.0.0/tcp/0".into(),
                "/ip4/0.0.0.0/udp/0/quic-v1".into(),
            ],
            mdns: true,
            relays: Vec::new(),
            external: Vec::new(),
            relay_server: None,
            upnp: true,
        }
    }

    /// Loopback only, TCP, no mDNS, no UPnP: for tests and benchmarks on one machine.
    pub fn loopback(seed: [u8; 32]) -> Self {
        Self {
            listen: vec!["/ip4/127.0.0.1/tcp/0".into()],
            mdns: false,
            upnp: false,
            ..Self::new(seed)
        }
    }
}

/// A circuit relay v2 server: what it carries and for whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayServer {
    /// Its limits.
    pub limits: RelayLimits,
    /// Only members of this device's communities may reserve (anyone may still open a
    /// circuit to a member who reserved: that is how a newcomer reaches an inviter).
    pub members_only: bool,
}

/// A relay's limits, sized for sync rather than for libp2p's hole-punching defaults
/// (2 minutes and 128 KiB per circuit cannot carry a newcomer's first sync).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayLimits {
    /// Reservations held at once.
    pub reservations: usize,
    /// Reservations held at once by one peer.
    pub reservations_per_peer: usize,
    /// Circuits open at once.
    pub circuits: usize,
    /// Circuits open at once to or from one peer.
    pub circuits_per_peer: usize,
    /// New reservations, and new circuits, per remote IP per minute.
    pub per_ip_per_minute: u32,
    /// How long one circuit may stay open.
    pub circuit_duration: Duration,
    /// How many bytes one circuit may carry in each direction.
    pub circuit_bytes: u64,
}

impl Default for RelayLimits {
    fn default() -> Self {
        Self {
            reservations: 256,
            reservations_per_peer: 4,
            circuits: 256,
            circuits_per_peer: 16,
            per_ip_per_minute: 60,
            // A sync session lives as long as its connection; an hour carries a full join
            // of the 100k-post community many times over, and a dropped one resumes.
            circuit_duration: Duration::from_secs(3600),
            circuit_bytes: 1 << 30,
        }
    }
}
