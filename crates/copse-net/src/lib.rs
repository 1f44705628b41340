//! Copse's network layer: the only crate that names libp2p types.
//!
//! ```text
//! NetHandle ──NetCommand──▶ EventLoop (owns Swarm: TCP+QUIC, Noise, Yamux, Identify, Ping,
//!     ▲                        mDNS, connection/memory limits, block list,
//!     │                        /copse/sync/1 and /copse/join/1 request-response)
//!     └──────NetEvent─────────┘
//! ```
//! Both channels are bounded. Frames are length-prefixed and capped before they are read
//! (`codec`); their contents are decoded by copse-core's strict wire decoders. Which peer
//! may receive what is decided by the runtime (copse-peer), which sees only member ids.

mod api;
mod behaviour;
mod codec;
mod config;
mod event_loop;
mod handle;
pub mod identity;

pub use api::{InboundId, NetCommand, NetEvent, Tag};
pub use codec::Traffic;
pub use config::NetConfig;
pub use event_loop::{EventLoop, new};
pub use handle::{NetHandle, TrafficStats};

/// Why the network could not start.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// A transport could not be set up.
    #[error("network setup failed: {0}")]
    Transport(String),
    /// A listen address does not parse.
    #[error("{0:?} is not a valid multiaddr (e.g. /ip4/0.0.0.0/tcp/4001)")]
    BadAddress(String),
    /// Listening failed.
    #[error("cannot listen on {0}: {1}")]
    Listen(String, String),
}
