//! Where a command runs: through a running `serve` (control socket), or on the store
//! directly.

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use anyhow::Context;
use copse_peer::{Device, Request};
use serde_json::Value;

use crate::control;

/// The profile, reached one way or the other.
pub(crate) enum Backend {
    /// `serve` is running: talk to it.
    Remote(UnixStream),
    /// Open the store ourselves.
    Local(Box<Device>),
}

impl Backend {
    /// Connects to a running `serve`, else opens the profile.
    pub(crate) fn open(dir: &Path) -> anyhow::Result<Self> {
        if let Some(stream) = control::connect(dir) {
            return Ok(Backend::Remote(stream));
        }
        let device =
            Device::open(dir).with_context(|| format!("opening profile {}", dir.display()))?;
        Ok(Backend::Local(Box::new(device)))
    }

    /// Runs a request.
    pub(crate) fn call(&mut self, req: Request) -> anyhow::Result<Value> {
        match self {
            Backend::Remote(stream) => control::call(stream, &req),
            Backend::Local(device) => Ok(device.handle(req)?),
        }
    }
}

/// The profile directory a command uses.
pub(crate) fn profile_dir(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    Ok(copse_store::resolve_profile_path(explicit)?)
}
