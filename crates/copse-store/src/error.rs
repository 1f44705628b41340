//! Errors of the local store.

use std::io;
use std::path::PathBuf;

/// Why a store operation failed. Nothing is acknowledged that failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process has the profile open.
    #[error(
        "profile {0} is in use by another Copse process (an app window or `copse-node serve`); close it or use another --data-dir"
    )]
    ProfileInUse(PathBuf),
    /// A file operation failed.
    #[error("{what} {path}: {error}{hint}", hint = io_hint(error))]
    Io {
        /// What we were doing.
        what: &'static str,
        /// On which file.
        path: PathBuf,
        /// The OS error.
        error: io::Error,
    },
    /// The identity file is damaged.
    #[error("the identity file {0} is damaged (expected 32 bytes); restore it from a backup")]
    IdentityDamaged(PathBuf),
    /// No such community on this device.
    #[error("there is no community {0} in this profile (see `copse-node community list`)")]
    UnknownCommunity(String),
    /// A snapshot that cannot be read.
    #[error(
        "the saved community {path} cannot be read ({reason}); nothing was changed on disk. Keep the folder and sync from another member"
    )]
    SnapshotDamaged {
        /// Which file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A readable document that is not a community this build can open.
    #[error("{path}: {error}")]
    Document {
        /// Which file.
        path: PathBuf,
        /// Why.
        error: copse_core::DocError,
    },
    /// A small JSON file that does not parse.
    #[error("{path} is damaged: {reason}")]
    BadFile {
        /// Which file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

fn io_hint(e: &io::Error) -> &'static str {
    match e.raw_os_error() {
        Some(28) => " (the disk is full: free some space and try again; nothing was saved)",
        Some(30) => " (the disk is read-only; nothing was saved)",
        Some(5) => " (a disk read/write error; nothing was saved)",
        Some(13) => " (permission denied)",
        _ => "",
    }
}

impl StoreError {
    pub(crate) fn io(
        what: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |error| Self::Io { what, path, error }
    }
}
