//! Copse's network layer: the only crate that names libp2p types.
//!
//! ```text
//! NetHandle ──NetOp───────▶ EventLoop (owns Swarm: TCP+QUIC, Noise, Yamux, Identify, Ping,
//!     ▲                        mDNS, connection limits per peer, per IP and in memory,
//!     │                        block list, relay client (and server), DCUtR, AutoNAT v2,
//!     │                        /copse/sync/1 and /copse/join/1 request-response)
//!     └──────NetEvent─────────┘
//! ```
//! Both channels are bounded, and the loop never waits on either: events queue while the
//! runtime is busy, strangers' traffic is shed first when the queue is long. Frames are
//! length-prefixed, capped before they are read and read as their bytes arrive (`codec`);
//! their contents are decoded by copse-core's strict wire decoders. A sync request naming a
//! community its sender may not sync (the access list the hub sends, `NetOp::Access`)
//! is refused as soon as the community id is read. Which peer may receive what is decided
//! by the hub (copse-hub), which sees only member ids.

mod access;
mod behaviour;
mod codec;
mod config;
mod event_loop;
mod gate;
mod handle;
pub mod identity;
mod ip_limits;
mod relay_limits;
mod relay_reservations;
mod routes;

pub use codec::Traffic;
pub use config::{NetConfig, RelayLimits, RelayServer};
pub use copse_core::sync::{AccessList, NetEvent, NetOp};
pub use copse_core::sync::{InboundId, Tag};
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
    /// A relay's address lacks the relay's id.
    #[error("{0:?} does not name its relay: it must end in /p2p/<the relay's id>")]
    NoRelayId(String),
}
