//! [`Profile`]: a profile directory with its identity and the member's own details, before
//! (and without) a running peer: creating the identity, reading the cached first screens.

use std::path::Path;

use copse_core::MemberId;
use copse_core::record::MemberDetails;
use copse_core::view::cached::CachedView;
use copse_store::{DeviceKey, ProfileDir};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::PeerError;

/// The device's identity.
#[derive(Debug, Clone)]
pub struct Identity {
    /// Secret key seed.
    pub key: DeviceKey,
    /// The member id it gives.
    pub member: MemberId,
}

/// An open (and locked) profile.
#[derive(Debug)]
pub struct Profile {
    dir: ProfileDir,
    identity: Option<Identity>,
}

impl Profile {
    /// Opens (and locks) the profile at `path`.
    pub fn open(path: &Path) -> Result<Self, PeerError> {
        let dir = ProfileDir::open(path).map_err(store_error)?;
        let identity = dir.device_key().map_err(store_error)?.map(|key| Identity {
            member: copse_net::identity::member_id(key.seed()),
            key,
        });
        Ok(Self { dir, identity })
    }

    /// The identity, once `init` ran.
    pub fn identity(&self) -> Result<&Identity, PeerError> {
        self.identity.as_ref().ok_or(PeerError::NoIdentity)
    }

    /// This device's member id.
    pub fn member_id(&self) -> Result<MemberId, PeerError> {
        Ok(self.identity()?.member.clone())
    }

    /// Creates the identity if there is none, and saves the member's details.
    pub fn init(&mut self, details: MemberDetails) -> Result<MemberId, PeerError> {
        let details = MemberDetails {
            name: details.name.trim().to_owned(),
            ..details
        };
        if details.name.is_empty() {
            return Err(PeerError::Invalid("a name is needed".into()));
        }
        if self.identity.is_none() {
            let key = DeviceKey::generate(&mut StdRng::from_entropy());
            self.dir.create_device_key(&key).map_err(store_error)?;
            self.identity = Some(Identity {
                member: copse_net::identity::member_id(key.seed()),
                key,
            });
        }
        self.dir.set_me(&details).map_err(store_error)?;
        self.member_id()
    }

    /// What the member said about themselves at `init`.
    pub fn my_details(&self) -> Result<MemberDetails, PeerError> {
        self.identity()?;
        Ok(self.dir.me().map_err(store_error)?.unwrap_or_default())
    }

    /// The cached first screens of the communities here, without loading them.
    pub fn cached_views(&self) -> Vec<CachedView> {
        self.dir
            .community_ids()
            .unwrap_or_default()
            .iter()
            .filter_map(|id| self.dir.read_cached_view(id))
            .collect()
    }

    /// The profile directory.
    pub fn dir(&self) -> &ProfileDir {
        &self.dir
    }

    /// Gives up the identity view, keeping the (locked) directory.
    pub(crate) fn into_dir(self) -> ProfileDir {
        self.dir
    }
}

/// The profile directory: `explicit` if given, else `$COPSE_HOME`, else the platform's data
/// directory.
pub fn profile_path(explicit: Option<&Path>) -> Result<std::path::PathBuf, PeerError> {
    copse_store::resolve_profile_path(explicit).map_err(store_error)
}

/// A store error as the user sees it.
pub(crate) fn store_error(e: copse_store::StoreError) -> PeerError {
    PeerError::Store(e.to_string())
}
