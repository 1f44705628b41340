//! [`NetHandle`]: the cloneable sender of [`NetOp`]s.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use copse_core::MemberId;
use tokio::sync::mpsc;

use crate::codec::Traffic;
use copse_core::sync::NetOp;

/// Sends commands to the network event loop (bounded: awaits when it is busy).
#[derive(Debug, Clone)]
pub struct NetHandle {
    tx: mpsc::Sender<NetOp>,
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
    /// Sync requests refused as soon as they named a community the peer may not sync.
    pub refused_early: u64,
    /// Join answers that began arriving.
    pub join_answers: u64,
    /// The last join answer: bytes arrived, of its total.
    pub join_answer: (u64, u64),
}

impl NetHandle {
    pub(crate) fn new(tx: mpsc::Sender<NetOp>, traffic: Arc<Traffic>, me: MemberId) -> Self {
        Self { tx, traffic, me }
    }

    /// This device's member id.
    pub fn me(&self) -> &MemberId {
        &self.me
    }

    /// Sends a command; `false` if the network has stopped.
    pub async fn send(&self, cmd: NetOp) -> bool {
        self.tx.send(cmd).await.is_ok()
    }

    /// The command channel itself, for a caller that queues commands on its own.
    pub fn sender(&self) -> mpsc::Sender<NetOp> {
        self.tx.clone()
    }

    /// Sends a command without waiting; `false` if the queue is full or the network stopped.
    pub fn try_send(&self, cmd: NetOp) -> bool {
        self.tx.try_send(cmd).is_ok()
    }

    /// Bytes received so far.
    pub fn traffic(&self) -> TrafficStats {
        TrafficStats {
            sync_in: self.traffic.sync_in.load(Ordering::Relaxed),
            join_in: self.traffic.join_in.load(Ordering::Relaxed),
            rejected: self.traffic.rejected.load(Ordering::Relaxed),
            refused_early: self.traffic.refused_early.load(Ordering::Relaxed),
            join_answers: self.traffic.join_answers.load(Ordering::Relaxed),
            join_answer: (
                self.traffic.join_answer_read.load(Ordering::Relaxed),
                self.traffic.join_answer_total.load(Ordering::Relaxed),
            ),
        }
    }
}
