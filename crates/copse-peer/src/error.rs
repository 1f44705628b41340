//! Errors of the runtime, as the user sees them.

use copse_core::{CommandError, CommunityId, DocError};
use copse_store::{ExecuteError, StoreError};

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum PeerError {
    /// `init` has not run on this profile.
    #[error("this profile has no identity yet; run `copse-node init --name \"Your Name\"` first")]
    NoIdentity,
    /// The community is not on this device.
    #[error("community {0} is not on this device (see `copse-node community list`)")]
    UnknownCommunity(CommunityId),
    /// The community's rules refused the command.
    #[error(transparent)]
    Refused(#[from] CommandError),
    /// Saving or loading failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file that is not a community.
    #[error(transparent)]
    BadDocument(#[from] DocError),
    /// Something the request named does not exist.
    #[error("{0}")]
    NotFound(String),
    /// Anything else the user must fix.
    #[error("{0}")]
    Invalid(String),
}

impl From<ExecuteError> for PeerError {
    fn from(e: ExecuteError) -> Self {
        match e {
            ExecuteError::Refused(e) => Self::Refused(e),
            ExecuteError::NotSaved(e) => Self::Store(e),
        }
    }
}
