//! The device's secret key: an ed25519 seed, kept in `identity.key` with mode 0600.
//! `copse-net` turns it into a libp2p keypair; its PeerId is the member id.

use std::fmt;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use rand::RngCore;

use crate::StoreError;
use crate::atomic_file::sync_dir;

/// An ed25519 secret seed.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceKey([u8; 32]);

impl DeviceKey {
    /// A fresh key.
    pub fn generate(rng: &mut dyn RngCore) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self(seed)
    }

    /// From raw seed bytes.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self(seed)
    }

    /// The seed.
    pub fn seed(&self) -> [u8; 32] {
        self.0
    }

    /// Reads the key file; `None` if there is none yet.
    pub(crate) fn read(path: &Path) -> Result<Option<Self>, StoreError> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let seed: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| StoreError::IdentityDamaged(path.to_owned()))?;
                Ok(Some(Self(seed)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::io("reading", path)(e)),
        }
    }

    /// Writes a new key file readable by the owner only; fails if one exists.
    pub(crate) fn write_new(&self, path: &Path) -> Result<(), StoreError> {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(StoreError::io("creating", path))?;
        f.write_all(&self.0)
            .and_then(|()| f.sync_all())
            .map_err(StoreError::io("writing", path))?;
        sync_dir(path.parent().unwrap_or(Path::new(".")))
    }
}

// Never print the secret.
impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceKey(..)")
    }
}
