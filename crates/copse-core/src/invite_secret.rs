//! The secret in an invite ticket. The document stores only its SHA-256, so reading a member's
//! copy of the community does not let anyone join.

use std::fmt;

use rand::RngCore;
use sha2::{Digest, Sha256};

/// 256 random bits, as 64 hex characters.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InviteSecret([u8; 32]);

impl InviteSecret {
    /// A fresh secret.
    pub fn random(rng: &mut dyn RngCore) -> Self {
        let mut b = [0u8; 32];
        rng.fill_bytes(&mut b);
        Self(b)
    }

    /// The 32 bytes (for a ticket's binary form).
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// From the 32 bytes.
    pub(crate) fn from_bytes(b: [u8; 32]) -> Self {
        Self(b)
    }

    /// Hex SHA-256 of the secret, as stored in the invite.
    pub fn hash_hex(&self) -> String {
        data_encoding::HEXLOWER.encode(&Sha256::digest(self.0))
    }

    /// Whether this secret hashes to `expected_hex`, compared without early exit.
    pub fn matches(&self, expected_hex: &str) -> bool {
        let ours = self.hash_hex();
        ours.len() == expected_hex.len()
            && ours
                .bytes()
                .zip(expected_hex.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

// Never print the secret in logs.
impl fmt::Debug for InviteSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InviteSecret(..)")
    }
}

impl fmt::Display for InviteSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&data_encoding::HEXLOWER.encode(&self.0))
    }
}

impl TryFrom<String> for InviteSecret {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl std::str::FromStr for InviteSecret {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bytes = data_encoding::HEXLOWER_PERMISSIVE
            .decode(s.as_bytes())
            .map_err(|_| "the invite secret is not hex".to_owned())?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "the invite secret has the wrong length".to_owned())?;
        Ok(Self(arr))
    }
}

impl From<InviteSecret> for String {
    fn from(s: InviteSecret) -> String {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn hash_matches_only_its_secret() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let a = InviteSecret::random(&mut rng);
        let b = InviteSecret::random(&mut rng);
        assert!(a.matches(&a.hash_hex()));
        assert!(!b.matches(&a.hash_hex()));
        assert_eq!(a.to_string().parse::<InviteSecret>().unwrap(), a);
        assert!("zz".parse::<InviteSecret>().is_err());
    }
}
