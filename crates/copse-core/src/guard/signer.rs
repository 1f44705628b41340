//! The device's signing key, as core uses it: names the actor of this device's changes and
//! signs each of them.

use automerge::{ActorId, ChangeHash};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use rand::RngCore;

use super::identity::{SUFFIX_LEN, member_id_of_key};
use super::signature::signed_bytes;
use crate::MemberId;

/// Signs this device's changes. Built from the device key's 32-byte seed.
#[derive(Clone)]
pub struct Signer {
    key: SigningKey,
    member: MemberId,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("member", &self.member)
            .finish()
    }
}

impl Signer {
    /// From an ed25519 secret seed (the device key).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let key = SigningKey::from_bytes(&seed);
        let member = member_id_of_key(&key.verifying_key());
        Self { key, member }
    }

    /// A fresh key, for tests and simulations.
    pub fn random(rng: &mut dyn RngCore) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self::from_seed(seed)
    }

    /// The member id this key stands for.
    pub fn member(&self) -> &MemberId {
        &self.member
    }

    /// The public key.
    pub fn public(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// An actor id for one session of this device: the public key, then random bytes.
    pub fn actor(&self, rng: &mut dyn RngCore) -> ActorId {
        let mut bytes = Vec::with_capacity(32 + SUFFIX_LEN);
        bytes.extend_from_slice(self.key.verifying_key().as_bytes());
        let mut suffix = [0u8; SUFFIX_LEN];
        rng.fill_bytes(&mut suffix);
        bytes.extend_from_slice(&suffix);
        ActorId::from(bytes)
    }

    /// This key's signature of `bytes` (an admission's consent).
    pub fn sign_bytes(&self, bytes: &[u8]) -> [u8; 64] {
        self.key.sign(bytes).to_bytes()
    }

    /// The signature of the change `hash`.
    pub fn sign(&self, hash: &ChangeHash) -> [u8; 64] {
        self.key.sign(&signed_bytes(hash)).to_bytes()
    }
}
