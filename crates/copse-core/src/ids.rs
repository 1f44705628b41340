//! Identifiers. Every id crossing an API is a newtype; raw strings stay inside.
//!
//! Random ids are 128 bits in lowercase base32hex (26 characters), an alphabet whose
//! string order is the same as its byte order. Thread ids begin with the inverted creation
//! time, so the `threads` map, which Automerge keeps sorted by key, lists the newest thread
//! first and a page of threads is a range scan instead of a traversal.

use std::fmt;
use std::str::FromStr;

use rand::RngCore;

/// Length of an encoded 128-bit id.
pub const ID_LEN: usize = 26;

fn encode(bytes: &[u8; 16]) -> String {
    data_encoding::BASE32HEX_NOPAD
        .encode(bytes)
        .to_ascii_lowercase()
}

fn is_valid_random_id(s: &str) -> bool {
    s.len() == ID_LEN
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'v').contains(&b))
        && data_encoding::BASE32HEX_NOPAD
            .decode(s.to_ascii_uppercase().as_bytes())
            .is_ok()
}

/// Error returned when a string is not a well-formed id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} id {value:?} is not valid")]
pub struct InvalidId {
    /// Which kind of id was expected.
    pub kind: &'static str,
    /// What was given (cut to 64 characters).
    pub value: String,
}

impl InvalidId {
    fn new(kind: &'static str, value: &str) -> Self {
        Self {
            kind,
            value: value.chars().take(64).collect(),
        }
    }
}

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal, $valid:path) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, InvalidId> {
                if $valid(s) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(InvalidId::new($kind, s))
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidId;
            fn try_from(s: String) -> Result<Self, InvalidId> {
                if $valid(&s) {
                    Ok(Self(s))
                } else {
                    Err(InvalidId::new($kind, &s))
                }
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl autosurgeon::Hydrate for $name {
            fn hydrate_string(s: &str) -> Result<Self, autosurgeon::HydrateError> {
                s.parse()
                    .map_err(|e: InvalidId| autosurgeon::HydrateError::unexpected($kind, e.value))
            }
        }

        impl autosurgeon::Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
                r.str(&self.0)
            }
        }
    };
}

macro_rules! random_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal) => {
        string_id!($(#[$meta])* $name, $kind, is_valid_random_id);

        impl $name {
            /// The 16 random bytes behind the id (for compact binary forms).
            pub fn to_bytes(&self) -> [u8; 16] {
                let mut out = [0u8; 16];
                if let Ok(b) = data_encoding::BASE32HEX_NOPAD.decode(self.0.to_ascii_uppercase().as_bytes()) {
                    let n = b.len().min(16);
                    out[..n].copy_from_slice(&b[..n]);
                }
                out
            }

            /// The id of these 16 bytes.
            pub fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(encode(&bytes))
            }

            /// A fresh random id.
            pub fn random(rng: &mut dyn RngCore) -> Self {
                let mut bytes = [0u8; 16];
                rng.fill_bytes(&mut bytes);
                Self(encode(&bytes))
            }
        }
    };
}

random_id!(
    /// A community; also the id of its Automerge document.
    CommunityId,
    "community"
);
random_id!(
    /// A post inside a thread.
    PostId,
    "post"
);
random_id!(
    /// A knowledge article.
    ArticleId,
    "article"
);
random_id!(
    /// A meetup or other event.
    EventId,
    "event"
);
random_id!(
    /// A task on the board.
    TaskId,
    "task"
);
random_id!(
    /// A shared resource.
    ResourceId,
    "resource"
);
random_id!(
    /// A member's story of what came of an answer or a meetup.
    StoryId,
    "story"
);
random_id!(
    /// An invitation.
    InviteId,
    "invite"
);
random_id!(
    /// One of the community's objectives.
    ObjectiveId,
    "objective"
);
string_id!(
    /// A discussion or question. Newer threads sort first (see the module doc).
    ThreadId,
    "thread",
    is_valid_random_id
);

impl ThreadId {
    /// The 16 bytes behind the id.
    pub fn bytes(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        if let Ok(b) = data_encoding::BASE32HEX_NOPAD.decode(self.0.to_ascii_uppercase().as_bytes())
        {
            let n = b.len().min(16);
            out[..n].copy_from_slice(&b[..n]);
        }
        out
    }

    /// The id of these 16 bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(encode(&bytes))
    }

    /// A new id whose string order puts later `created_at` first.
    pub fn new(created_at_ms: i64, rng: &mut dyn RngCore) -> Self {
        let mut bytes = [0u8; 16];
        let inverted = u64::MAX - u64::try_from(created_at_ms.max(0)).unwrap_or(0);
        bytes[..8].copy_from_slice(&inverted.to_be_bytes());
        rng.fill_bytes(&mut bytes[8..]);
        Self(encode(&bytes))
    }
}

fn is_valid_member_id(s: &str) -> bool {
    // A libp2p PeerId in base58: core does not depend on libp2p, so check the shape only.
    (8..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

string_id!(
    /// A member; the string form of the member's libp2p PeerId.
    MemberId,
    "member",
    is_valid_member_id
);

impl MemberId {
    /// Stands in for a member id that a damaged record lacks.
    pub(crate) fn placeholder() -> Self {
        Self("unknownmember".to_owned())
    }

    /// From the base58 text of a key's PeerId (always a valid id).
    pub(crate) fn from_key_text(text: String) -> Self {
        Self(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn random_ids_round_trip() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let id = ArticleId::random(&mut rng);
        assert_eq!(id.as_str().len(), ID_LEN);
        assert_eq!(id.as_str().parse::<ArticleId>().unwrap(), id);
        assert!("not-an-id".parse::<ArticleId>().is_err());
        assert!("ABCDEFGHIJKLMNOPQRSTUVWXYZ".parse::<ArticleId>().is_err());
    }

    #[test]
    fn newer_threads_sort_first() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let old = ThreadId::new(1_000, &mut rng);
        let new = ThreadId::new(2_000, &mut rng);
        assert!(new < old);
        assert!(new.as_str() < old.as_str());
    }

    #[test]
    fn member_ids_are_checked() {
        assert!("12D3KooWAbc123xyz".parse::<MemberId>().is_ok());
        assert!("".parse::<MemberId>().is_err());
        assert!("bad id with spaces".parse::<MemberId>().is_err());
    }
}
