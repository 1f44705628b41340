//! [`Agenda`]: the simulation's future, ordered by virtual time (and, at equal times, by
//! the order things were scheduled, so a seed always replays the same way).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use copse_core::Timestamp;

/// Things due at virtual times.
#[derive(Debug)]
pub struct Agenda<E> {
    heap: BinaryHeap<Reverse<(i64, u64, Slot<E>)>>,
    seq: u64,
}

/// Wraps an event so that the heap orders only by (time, sequence).
#[derive(Debug)]
struct Slot<E>(E);

impl<E> PartialEq for Slot<E> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<E> Eq for Slot<E> {}
impl<E> PartialOrd for Slot<E> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Slot<E> {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

impl<E> Default for Agenda<E> {
    fn default() -> Self {
        Self {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }
}

impl<E> Agenda<E> {
    /// Schedules `event` at `at`.
    pub fn at(&mut self, at: Timestamp, event: E) {
        self.seq += 1;
        self.heap.push(Reverse((at.0, self.seq, Slot(event))));
    }

    /// The next event if it is due by `until`.
    pub fn next_until(&mut self, until: Timestamp) -> Option<(Timestamp, E)> {
        let Reverse((t, _, _)) = self.heap.peek()?;
        if *t > until.0 {
            return None;
        }
        self.heap
            .pop()
            .map(|Reverse((t, _, Slot(e)))| (Timestamp(t), e))
    }

    /// How many events wait.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}
