//! [`Outbox`]: a bounded channel's sending side that never waits. What does not fit is
//! kept in order and sent as room appears (the owner's select loop awaits
//! [`Outbox::room`] only when something is kept). So two tasks that send to each other can
//! never block on each other.

use std::collections::VecDeque;

use tokio::sync::mpsc;

/// A non-blocking sender with an overflow queue.
#[derive(Debug)]
pub(crate) struct Outbox<T> {
    tx: mpsc::Sender<T>,
    kept: VecDeque<T>,
}

impl<T> Outbox<T> {
    pub(crate) fn new(tx: mpsc::Sender<T>) -> Self {
        Self {
            tx,
            kept: VecDeque::new(),
        }
    }

    /// Sends now if there is room (and nothing is kept before it), else keeps it.
    pub(crate) fn push(&mut self, item: T) {
        if !self.kept.is_empty() {
            self.kept.push_back(item);
            return;
        }
        match self.tx.try_send(item) {
            // Closed: the receiver is gone (shutting down); nothing to deliver to.
            Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => {}
            Err(mpsc::error::TrySendError::Full(item)) => self.kept.push_back(item),
        }
    }

    /// Whether something waits for room.
    pub(crate) fn is_backed_up(&self) -> bool {
        !self.kept.is_empty()
    }

    /// Waits for room, then sends what was kept (as much as fits). Cancel-safe: nothing
    /// is taken from the queue before room is there.
    pub(crate) async fn room(&mut self) {
        let Ok(permit) = self.tx.reserve().await else {
            self.kept.clear();
            return;
        };
        match self.kept.pop_front() {
            Some(first) => permit.send(first),
            None => return,
        }
        while let Some(item) = self.kept.pop_front() {
            if let Err(e) = self.tx.try_send(item) {
                match e {
                    mpsc::error::TrySendError::Full(item) => {
                        self.kept.push_front(item);
                        break;
                    }
                    mpsc::error::TrySendError::Closed(_) => {
                        self.kept.clear();
                        break;
                    }
                }
            }
        }
    }
}
