//! Network settings.

/// How the network starts.
#[derive(Debug, Clone)]
pub struct NetConfig {
    /// The device's ed25519 seed (its PeerId is the member id).
    pub seed: [u8; 32],
    /// Multiaddrs to listen on.
    pub listen: Vec<String>,
    /// Find peers on the local network with mDNS (off in loopback tests).
    pub mdns: bool,
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
        }
    }

    /// Loopback only, TCP, no mDNS: for tests and benchmarks on one machine.
    pub fn loopback(seed: [u8; 32]) -> Self {
        Self {
            seed,
            listen: vec!["/ip4/127.0.0.1/tcp/0".into()],
            mdns: false,
        }
    }
}
