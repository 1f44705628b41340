//! Where a command runs: through a running `serve` (control socket), or on a runtime of its
//! own without a network (the same runtime, so the same rules and the same replies).

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use anyhow::Context;
use copse_core::MemberId;
use copse_peer::PeerHandle;
use copse_peer::ask::{self, Ask};

use crate::control;

/// The profile, reached one way or the other.
pub(crate) enum Backend {
    /// `serve` is running: talk to it.
    Remote(UnixStream),
    /// No `serve`: a runtime of our own, without a network.
    Local {
        rt: tokio::runtime::Runtime,
        peer: PeerHandle,
    },
}

/// A tokio runtime for a command.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

impl Backend {
    /// Connects to a running `serve`, else opens the profile.
    pub(crate) fn open(dir: &Path) -> anyhow::Result<Self> {
        if let Some(stream) = control::connect(dir) {
            return Ok(Backend::Remote(stream));
        }
        let rt = runtime()?;
        let (peer, _events) = rt
            .block_on(async { copse_peer::start_offline(dir.to_owned()) })
            .with_context(|| format!("opening profile {}", dir.display()))?;
        Ok(Backend::Local { rt, peer })
    }

    /// Runs a request; its answer.
    pub(crate) fn ask<Q: Ask>(&mut self, request: Q) -> anyhow::Result<Q::Answer> {
        match self {
            Backend::Remote(stream) => control::call(stream, request),
            Backend::Local { rt, peer } => Ok(rt.block_on(peer.ask(request))?),
        }
    }

    /// This device's member id.
    pub(crate) fn member_id(&mut self) -> anyhow::Result<MemberId> {
        match self {
            Backend::Local { peer, .. } => Ok(peer.member_id().clone()),
            Backend::Remote(_) => Ok(self.ask(ask::Whoami)?.member_id),
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Backend::Local { rt, peer } = self {
            rt.block_on(peer.shutdown());
        }
    }
}

/// The profile directory a command uses.
pub(crate) fn profile_dir(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    Ok(copse_peer::profile_path(explicit)?)
}
