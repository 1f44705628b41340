//! [`Failure`]: why applying a peer's changes or a merge to a document failed, typed: a
//! panic may have left the document half changed, an error did not.

use std::fmt;

/// How an apply failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Automerge panicked: the document may hold half of what was applied.
    Panicked,
    /// Automerge or the guard refused, cleanly.
    Error(String),
}

impl Failure {
    /// Whether the document may have been left half changed (besides a change of heads,
    /// which the caller sees).
    pub(crate) fn may_have_damaged(&self) -> bool {
        matches!(self, Failure::Panicked)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Panicked => f.write_str("Automerge panicked"),
            Failure::Error(e) => f.write_str(e),
        }
    }
}

/// Runs `apply` behind `catch_unwind`: a panic on peer data is [`Failure::Panicked`],
/// never the end of the process.
pub(crate) fn guarded<T>(apply: impl FnOnce() -> T) -> Result<T, Failure> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(apply)).map_err(|_| Failure::Panicked)
}

/// Like [`guarded`], for an apply that can also fail cleanly.
pub(crate) fn guarded_try<T, E: fmt::Display>(
    apply: impl FnOnce() -> Result<T, E>,
) -> Result<T, Failure> {
    guarded(apply)?.map_err(|e| Failure::Error(e.to_string()))
}
