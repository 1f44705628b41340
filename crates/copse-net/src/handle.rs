//! [`NetHandle`]: the cloneable sender of [`NetCommand`]s.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use copse_core::MemberId;
use tokio::sync::{mpsc, oneshot};

use crate::api::NetCommand;
use crate::codec::Traffic;

/// Sends commands to the network event loop (bounded: awaits when it is busy).
#[derive(Debug, Clone)]
pub struct NetHandle {
    tx: mpsc::Sender<NetCommand>,
    traffic: Arc<Traffic>,
    me: MemberId,
}

/// Bytes received per protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrafficStats {
    /// Sync protocol payload bytes received.
    pub sync_in: u64,
    /// Join protocol payload bytes received.
    pub join_in: u64,
    /// Frames rejected (malformed or oversized).
    pub rejected: u64,
}

impl NetHandle {
    pub(crate) fn new(tx: mpsc::Sender<NetCommand>, traffic: Arc<Traffic>, me: MemberId) -> Self {
        Self { tx, traffic, me }
    }

    /// This device's member id.
    pub fn me(&self) -> &MemberId {
        &self.me
    }

    /// Sends a command; `false` if the network has stopped.
    pub async fn send(&self, cmd: NetCommand) -> bool {
        self.tx.send(cmd).await.is_ok()
    }

    /// Sends a command without waiting; `false` if the queue is full or the network stopped.
    pub fn try_send(&self, cmd: NetCommand) -> bool {
        self.tx.try_send(cmd).is_ok()
    }

    /// Our listen and observed addresses.
    pub async fn addresses(&self) -> Vec<String> {
        let (reply, rx) = oneshot::channel();
        if !self.send(NetCommand::Addresses { reply }).await {
            return Vec::new();
        }
        rx.await.unwrap_or_default()
    }

    /// Bytes received so far.
    pub fn traffic(&self) -> TrafficStats {
        TrafficStats {
            sync_in: self.traffic.sync_in.load(Ordering::Relaxed),
            join_in: self.traffic.join_in.load(Ordering::Relaxed),
            rejected: self.traffic.rejected.load(Ordering::Relaxed),
        }
    }
}
