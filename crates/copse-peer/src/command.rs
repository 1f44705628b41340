//! [`PeerCommand`]: what a [`crate::PeerHandle`] sends the runtime.

use copse_core::MemberId;
use tokio::sync::oneshot;

use crate::ask::Asked;

/// A command for the runtime.
#[derive(Debug)]
pub(crate) enum PeerCommand {
    /// A request, with where its typed answer goes.
    Ask(Asked),
    /// Refuse (or allow again) all traffic with a member.
    Block {
        member: MemberId,
        block: bool,
        reply: oneshot::Sender<()>,
    },
    /// Dial addresses now.
    Dial {
        addrs: Vec<String>,
        reply: oneshot::Sender<()>,
    },
    /// Save what should outlive the process and stop.
    Shutdown { reply: oneshot::Sender<()> },
}
