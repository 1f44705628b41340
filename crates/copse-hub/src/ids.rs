//! [`RequestId`]: a local request awaiting its [`crate::Output::Done`].

/// Chosen by whoever feeds the hub (the runtime, the simulator), echoed with the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);
