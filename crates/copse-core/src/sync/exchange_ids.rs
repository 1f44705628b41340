//! Identifiers of request-response exchanges, shared by the network layer (which assigns
//! and routes them) and the hub (which answers and awaits them).

use std::fmt;

/// An inbound request awaiting our response; assigned by the network layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InboundId(pub u64);

/// An outbound request; chosen by its sender and echoed with the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub u64);

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}
