//! The profile directory: one device's identity and communities.
//!
//! ```text
//! <profile>/
//!   lock                 held (flock) while a process uses the profile
//!   identity.key         ed25519 seed, mode 0600
//!   me.json              what the member said about themselves at `init`
//!   communities/<id>/    snapshot.am, changes.log, and side files (sync states, caches)
//! ```

use std::fs::{self, File, OpenOptions, TryLockError};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use copse_core::record::MemberDetails;
use copse_core::view::cached::CachedView;
use copse_core::{Community, CommunityId};

use crate::atomic_file::write_durably;
use crate::community_store::CommunityStore;
use crate::{DeviceKey, OpenCommunity, StoreError};

/// Environment variable that overrides the default profile location.
pub const COPSE_HOME: &str = "COPSE_HOME";

/// Where the profile lives: `explicit` (from `--data-dir`), else `$COPSE_HOME`, else the
/// platform's data directory (`~/.local/share/copse` on Linux).
pub fn resolve_profile_path(explicit: Option<&Path>) -> Result<PathBuf, StoreError> {
    if let Some(p) = explicit {
        return Ok(p.to_owned());
    }
    if let Some(p) = std::env::var_os(COPSE_HOME).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    directories::ProjectDirs::from("org", "Copse", "copse")
        .map(|d| d.data_dir().to_owned())
        .ok_or_else(|| StoreError::BadFile {
            path: PathBuf::from("~"),
            reason: "no home directory; pass --data-dir or set COPSE_HOME".into(),
        })
}

/// An open, locked profile directory.
#[derive(Debug)]
pub struct ProfileDir {
    root: PathBuf,
    _lock: File,
}

impl ProfileDir {
    /// Opens (creating if needed) and locks the profile at `root`. The profile folder is
    /// made owner-only (0700) whatever the umask: it holds the device key, every community,
    /// and the control socket.
    pub fn open(root: &Path) -> Result<Self, StoreError> {
        fs::create_dir_all(root.join("communities")).map_err(StoreError::io("creating", root))?;
        fs::set_permissions(root, fs::Permissions::from_mode(0o700))
            .map_err(StoreError::io("protecting", root))?;
        let lock_path = root.join("lock");
        let lock = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&lock_path)
            .map_err(StoreError::io("opening", &lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(StoreError::ProfileInUse(root.to_owned())),
            Err(TryLockError::Error(e)) => return Err(StoreError::io("locking", &lock_path)(e)),
        }
        Ok(Self {
            root: root.to_owned(),
            _lock: lock,
        })
    }

    /// The profile's path.
    pub fn path(&self) -> &Path {
        &self.root
    }

    fn identity_path(&self) -> PathBuf {
        self.root.join("identity.key")
    }

    fn me_path(&self) -> PathBuf {
        self.root.join("me.json")
    }

    fn community_dir(&self, id: &CommunityId) -> PathBuf {
        self.root.join("communities").join(id.as_str())
    }

    /// The device key, if `init` ran.
    pub fn device_key(&self) -> Result<Option<DeviceKey>, StoreError> {
        DeviceKey::read(&self.identity_path())
    }

    /// Stores a new device key; fails if one exists (a member's identity is never replaced).
    pub fn create_device_key(&self, key: &DeviceKey) -> Result<(), StoreError> {
        key.write_new(&self.identity_path())
    }

    /// What the member said about themselves.
    pub fn me(&self) -> Result<Option<MemberDetails>, StoreError> {
        let path = self.me_path();
        match fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| StoreError::BadFile {
                        path,
                        reason: e.to_string(),
                    })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::io("reading", path)(e)),
        }
    }

    /// Saves what the member says about themselves.
    pub fn set_me(&self, details: &MemberDetails) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec_pretty(details).map_err(|e| StoreError::BadFile {
            path: self.me_path(),
            reason: e.to_string(),
        })?;
        write_durably(&self.me_path(), &bytes)
    }

    /// Reads a local-only file of the profile (not synced; e.g. known peer addresses, read
    /// markers); `None` if absent.
    pub fn read_local(&self, name: &str) -> Option<Vec<u8>> {
        fs::read(self.root.join(name)).ok()
    }

    /// Replaces a local-only file of the profile atomically.
    pub fn write_local(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        crate::atomic_file::write_atomically(&self.root.join(name), bytes)
    }

    /// Ids of the communities on this device.
    pub fn community_ids(&self) -> Result<Vec<CommunityId>, StoreError> {
        let dir = self.root.join("communities");
        let mut ids: Vec<CommunityId> = fs::read_dir(&dir)
            .map_err(StoreError::io("listing", &dir))?
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// Whether the community is on this device.
    pub fn has_community(&self, id: &CommunityId) -> bool {
        self.community_dir(id)
            .join(crate::community_store::SNAPSHOT)
            .is_file()
    }

    /// Opens a community on this device.
    pub fn open_community(&self, id: &CommunityId) -> Result<OpenCommunity, StoreError> {
        let dir = self.community_dir(id);
        if !dir.exists() {
            return Err(StoreError::UnknownCommunity(id.to_string()));
        }
        let (store, community, report) = CommunityStore::open(&dir)?;
        if community.id() != id {
            return Err(StoreError::BadFile {
                path: dir,
                reason: format!("the folder holds community {}", community.id()),
            });
        }
        if let Some(summary) = report.summary() {
            tracing::warn!(community = %id, "{summary}");
        }
        Ok(OpenCommunity {
            community,
            store,
            report,
        })
    }

    /// The cached first screen of a community, without loading it; `None` if absent or
    /// unreadable (it is only a cache).
    pub fn read_cached_view(&self, id: &CommunityId) -> Option<CachedView> {
        let bytes = fs::read(
            self.community_dir(id)
                .join(crate::open_community::CACHED_VIEW),
        )
        .ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores a community new to this device (created here, joined, or imported).
    pub fn add_community(&self, community: Community) -> Result<OpenCommunity, StoreError> {
        let bytes = community.doc().save();
        self.add_community_saved(community, &bytes)
    }

    /// Like [`Self::add_community`], with `saved` being `community`'s `Automerge::save()`
    /// bytes already at hand (e.g. as received), so they are not produced again.
    pub fn add_community_saved(
        &self,
        community: Community,
        saved: &[u8],
    ) -> Result<OpenCommunity, StoreError> {
        let dir = self.community_dir(community.id());
        let store = CommunityStore::create(&dir, &community, saved)?;
        Ok(OpenCommunity {
            community,
            store,
            report: crate::OpenReport::default(),
        })
    }
}
