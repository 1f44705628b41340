//! The bytes Copse peers exchange, and their strict decoders (fuzzed: see `fuzz/`).
//!
//! Sync protocol (`/copse/sync/1`), one request and one response per message:
//! ```text
//! SyncRequest  = 0x01 community(26) automerge-sync-message..          (Sync)
//!              | 0x02 community(26) n:u16 heads(32*n) changes..       (Changes: pushed changes)
//! SyncResponse = 0x81 n:u16 heads(32*n)                                (Ok: receiver's heads after)
//!              | 0x82 code:u8                                          (Refused)
//! ```
//! Join protocol (`/copse/join/1`):
//! ```text
//! JoinRequest  = 0x13 community(26) invite(26) invite_sig(64) consent_sig(64) name
//!                organisation department bio n:u8 skills(n)           (each text: len:u16 utf8)
//! JoinResponse = 0x91 community(26) saved-document..                   (Admitted)
//!              | 0x92 code:u8                                          (Refused: JoinRefusal)
//! ```
//! Sizes are capped by the transport before decoding; decoders check every length.

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};

use crate::admission_proof::AdmissionProof;
use crate::record::MemberDetails;
use crate::{CommunityId, InviteId};

/// Largest sync request accepted (an incremental batch of changes).
pub const MAX_SYNC_REQUEST: usize = 32 << 20;
/// Largest sync response (heads only).
pub const MAX_SYNC_RESPONSE: usize = 64 << 10;
/// Largest join request.
pub const MAX_JOIN_REQUEST: usize = 64 << 10;
/// Largest join response (a whole saved community).
pub const MAX_JOIN_RESPONSE: usize = 512 << 20;
/// Most heads a message may carry.
pub const MAX_HEADS: usize = 1024;

/// Why bytes are not a valid message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// No bytes.
    #[error("empty message")]
    Empty,
    /// Unknown first byte.
    #[error("unknown message type {0:#04x}")]
    UnknownType(u8),
    /// Shorter than its fields.
    #[error("message truncated")]
    Truncated,
    /// A field is not valid.
    #[error("invalid {0}")]
    Invalid(&'static str),
    /// Larger than allowed.
    #[error("message too large ({size} bytes, limit {limit})")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
}

/// A request on the sync protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncRequest {
    /// An Automerge sync protocol message.
    Sync {
        /// Which community.
        community: CommunityId,
        /// `automerge::sync::Message::encode()` bytes.
        message: Vec<u8>,
    },
    /// New changes pushed to a peer believed up to date.
    Changes {
        /// Which community.
        community: CommunityId,
        /// The sender's heads once these changes are applied.
        heads: Vec<ChangeHash>,
        /// `Automerge::save_after` bytes.
        changes: Vec<u8>,
    },
}

impl SyncRequest {
    /// The community this is about.
    pub fn community(&self) -> &CommunityId {
        match self {
            SyncRequest::Sync { community, .. } | SyncRequest::Changes { community, .. } => {
                community
            }
        }
    }
}

/// Why a sync request was refused. Says nothing about the community.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a member (or no such community here: indistinguishable on purpose).
    NotAMember = 1,
    /// The message could not be applied.
    BadMessage = 2,
    /// The receiver is shutting down or busy.
    Unavailable = 3,
}

/// A response on the sync protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncResponse {
    /// Applied; the receiver's heads afterwards.
    Ok {
        /// Receiver's heads.
        heads: Vec<ChangeHash>,
    },
    /// Not applied.
    Refused(Refusal),
}

/// What a newcomer presents to join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    /// Which community.
    pub community: CommunityId,
    /// The invite.
    pub invite: InviteId,
    /// Signed with the ticket's invite key and the newcomer's own key (the ticket's secret
    /// itself never leaves the newcomer).
    pub proof: Box<AdmissionProof>,
    /// Who they are.
    pub details: MemberDetails,
}

/// Why a join request was refused: a fixed code, so that someone who only knows a
/// community's id learns nothing from it. Whether a community or an invite exists, and
/// whether a secret is wrong, read the same ([`JoinRefusal::NotAccepted`]); only a newcomer
/// who presents the right secret learns that the invite expired, was withdrawn or used up.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error,
)]
#[serde(rename_all = "snake_case")]
pub enum JoinRefusal {
    /// Unknown community, unknown invite, wrong secret: indistinguishable on purpose.
    #[error(
        "this ticket was not accepted: check that you copied the whole ticket, or ask the inviter for a new one"
    )]
    NotAccepted = 1,
    /// The invite expired.
    #[error("this invite has expired; ask a member for a new one")]
    Expired = 2,
    /// The invite was withdrawn.
    #[error("this invite was withdrawn; ask a member for a new one")]
    Revoked = 3,
    /// Every use of the invite was taken.
    #[error("this invite has already been used; ask a member for a new one")]
    UsedUp = 4,
    /// The details the newcomer gave are not acceptable (empty name, too long).
    #[error("your details were not accepted (a name is needed; keep fields short)")]
    BadDetails = 5,
    /// The member could not admit anyone now (could not save, shutting down).
    #[error("the member could not admit you just now; try again in a moment")]
    Unavailable = 6,
}

impl JoinRefusal {
    fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            1 => Self::NotAccepted,
            2 => Self::Expired,
            3 => Self::Revoked,
            4 => Self::UsedUp,
            5 => Self::BadDetails,
            6 => Self::Unavailable,
            _ => return None,
        })
    }
}

/// The answer to a join request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinResponse {
    /// Admitted: the whole community, saved.
    Admitted {
        /// Which community.
        community: CommunityId,
        /// `Automerge::save()` bytes.
        document: Vec<u8>,
    },
    /// Refused, with a fixed code.
    Refused(JoinRefusal),
}

const SYNC: u8 = 0x01;
const CHANGES: u8 = 0x02;
const OK: u8 = 0x81;
const REFUSED: u8 = 0x82;
/// 0x12 was the request that carried the ticket's secret itself; it is refused as unknown.
const JOIN: u8 = 0x13;
/// A join request's texts are cut to this many bytes (a skill to `MAX_SKILL`), and it
/// carries at most `limits::TAGS` skills, so the largest fits `MAX_JOIN_REQUEST`.
const MAX_TEXT: usize = 12 * 1024;
const MAX_SKILL: usize = 256;
const ADMITTED: u8 = 0x91;
const JOIN_REFUSED: u8 = 0x92;
const ID: usize = crate::ids::ID_LEN;

fn check_size(bytes: &[u8], limit: usize) -> Result<(), WireError> {
    if bytes.len() > limit {
        Err(WireError::TooLarge {
            size: bytes.len(),
            limit,
        })
    } else {
        Ok(())
    }
}

fn split(bytes: &[u8], n: usize) -> Result<(&[u8], &[u8]), WireError> {
    if bytes.len() < n {
        Err(WireError::Truncated)
    } else {
        Ok(bytes.split_at(n))
    }
}

fn community(bytes: &[u8]) -> Result<(CommunityId, &[u8]), WireError> {
    let (id, rest) = split(bytes, ID)?;
    let id = std::str::from_utf8(id).map_err(|_| WireError::Invalid("community id"))?;
    Ok((
        id.parse().map_err(|_| WireError::Invalid("community id"))?,
        rest,
    ))
}

fn put_heads(out: &mut Vec<u8>, heads: &[ChangeHash]) {
    let n = heads.len().min(MAX_HEADS);
    out.extend_from_slice(&(n as u16).to_be_bytes());
    for h in &heads[..n] {
        out.extend_from_slice(&h.0);
    }
}

fn heads(bytes: &[u8]) -> Result<(Vec<ChangeHash>, &[u8]), WireError> {
    let (n, mut rest) = split(bytes, 2)?;
    let n = u16::from_be_bytes([n[0], n[1]]) as usize;
    if n > MAX_HEADS {
        return Err(WireError::Invalid("head count"));
    }
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let (h, r) = split(rest, 32)?;
        let mut arr = [0u8; 32];
        arr.copy_from_slice(h);
        out.push(ChangeHash(arr));
        rest = r;
    }
    Ok((out, rest))
}

impl SyncRequest {
    /// Encodes the request.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            SyncRequest::Sync { community, message } => {
                let mut out = Vec::with_capacity(1 + ID + message.len());
                out.push(SYNC);
                out.extend_from_slice(community.as_str().as_bytes());
                out.extend_from_slice(message);
                out
            }
            SyncRequest::Changes {
                community,
                heads,
                changes,
            } => {
                let mut out = Vec::with_capacity(3 + ID + 32 * heads.len() + changes.len());
                out.push(CHANGES);
                out.extend_from_slice(community.as_str().as_bytes());
                put_heads(&mut out, heads);
                out.extend_from_slice(changes);
                out
            }
        }
    }

    /// Decodes a request.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        check_size(bytes, MAX_SYNC_REQUEST)?;
        let (&tag, rest) = bytes.split_first().ok_or(WireError::Empty)?;
        match tag {
            SYNC => {
                let (community, message) = community(rest)?;
                if message.is_empty() {
                    return Err(WireError::Truncated);
                }
                Ok(SyncRequest::Sync {
                    community,
                    message: message.to_vec(),
                })
            }
            CHANGES => {
                let (community, rest) = community(rest)?;
                let (heads, changes) = heads(rest)?;
                Ok(SyncRequest::Changes {
                    community,
                    heads,
                    changes: changes.to_vec(),
                })
            }
            t => Err(WireError::UnknownType(t)),
        }
    }
}

impl SyncResponse {
    /// Encodes the response.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            SyncResponse::Ok { heads } => {
                let mut out = vec![OK];
                put_heads(&mut out, heads);
                out
            }
            SyncResponse::Refused(r) => vec![REFUSED, *r as u8],
        }
    }

    /// Decodes a response.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        check_size(bytes, MAX_SYNC_RESPONSE)?;
        let (&tag, rest) = bytes.split_first().ok_or(WireError::Empty)?;
        match tag {
            OK => {
                let (heads, rest) = heads(rest)?;
                if !rest.is_empty() {
                    return Err(WireError::Invalid("trailing bytes"));
                }
                Ok(SyncResponse::Ok { heads })
            }
            REFUSED => match rest {
                [1] => Ok(SyncResponse::Refused(Refusal::NotAMember)),
                [2] => Ok(SyncResponse::Refused(Refusal::BadMessage)),
                [3] => Ok(SyncResponse::Refused(Refusal::Unavailable)),
                _ => Err(WireError::Invalid("refusal")),
            },
            t => Err(WireError::UnknownType(t)),
        }
    }
}

fn put_text(out: &mut Vec<u8>, text: &str, max: usize) {
    // A text longer than a field may hold is cut at a character boundary: the member's own
    // details, which the admitting member checks against the community's limits anyway.
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    out.extend_from_slice(&(end as u16).to_be_bytes());
    out.extend_from_slice(&text.as_bytes()[..end]);
}

fn text(bytes: &[u8]) -> Result<(String, &[u8]), WireError> {
    let (n, rest) = split(bytes, 2)?;
    let (t, rest) = split(rest, u16::from_be_bytes([n[0], n[1]]) as usize)?;
    let t = std::str::from_utf8(t).map_err(|_| WireError::Invalid("text"))?;
    Ok((t.to_owned(), rest))
}

fn id<'a, T: std::str::FromStr>(
    bytes: &'a [u8],
    what: &'static str,
) -> Result<(T, &'a [u8]), WireError> {
    let (id, rest) = split(bytes, ID)?;
    let id = std::str::from_utf8(id).map_err(|_| WireError::Invalid(what))?;
    Ok((id.parse().map_err(|_| WireError::Invalid(what))?, rest))
}

impl JoinRequest {
    /// Encodes the request.
    pub fn encode(&self) -> Vec<u8> {
        let d = &self.details;
        let mut out = Vec::with_capacity(128 + d.bio.len());
        out.push(JOIN);
        out.extend_from_slice(self.community.as_str().as_bytes());
        out.extend_from_slice(self.invite.as_str().as_bytes());
        out.extend_from_slice(&self.proof.invite_sig);
        out.extend_from_slice(&self.proof.consent_sig);
        for t in [&d.name, &d.organisation, &d.department, &d.bio] {
            put_text(&mut out, t, MAX_TEXT);
        }
        let skills = &d.skills[..d.skills.len().min(crate::schema::limits::TAGS)];
        out.push(skills.len() as u8);
        for s in skills {
            put_text(&mut out, s, MAX_SKILL);
        }
        out
    }

    /// Decodes a request.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        check_size(bytes, MAX_JOIN_REQUEST)?;
        let (&tag, rest) = bytes.split_first().ok_or(WireError::Empty)?;
        if tag != JOIN {
            return Err(WireError::UnknownType(tag));
        }
        let (community, rest) = community(rest)?;
        let (invite, rest) = id(rest, "invite id")?;
        let (invite_sig, rest) = split(rest, 64)?;
        let (consent_sig, rest) = split(rest, 64)?;
        let mut proof = Box::new(AdmissionProof {
            invite_sig: [0u8; 64],
            consent_sig: [0u8; 64],
        });
        proof.invite_sig.copy_from_slice(invite_sig);
        proof.consent_sig.copy_from_slice(consent_sig);
        let (name, rest) = text(rest)?;
        let (organisation, rest) = text(rest)?;
        let (department, rest) = text(rest)?;
        let (bio, rest) = text(rest)?;
        let (&n, mut rest) = rest.split_first().ok_or(WireError::Truncated)?;
        let mut skills = Vec::with_capacity(usize::from(n));
        for _ in 0..n {
            let (s, r) = text(rest)?;
            skills.push(s);
            rest = r;
        }
        if !rest.is_empty() {
            return Err(WireError::Invalid("join request"));
        }
        Ok(JoinRequest {
            community,
            invite,
            proof,
            details: MemberDetails {
                name,
                organisation,
                department,
                bio,
                skills,
            },
        })
    }
}

impl JoinResponse {
    /// Encodes the response.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            JoinResponse::Admitted {
                community,
                document,
            } => {
                let mut out = Vec::with_capacity(1 + ID + document.len());
                out.push(ADMITTED);
                out.extend_from_slice(community.as_str().as_bytes());
                out.extend_from_slice(document);
                out
            }
            JoinResponse::Refused(code) => vec![JOIN_REFUSED, *code as u8],
        }
    }

    /// Decodes a response.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        check_size(bytes, MAX_JOIN_RESPONSE)?;
        let (&tag, rest) = bytes.split_first().ok_or(WireError::Empty)?;
        match tag {
            ADMITTED => {
                let (community, document) = community(rest)?;
                if document.is_empty() {
                    return Err(WireError::Truncated);
                }
                Ok(JoinResponse::Admitted {
                    community,
                    document: document.to_vec(),
                })
            }
            JOIN_REFUSED => match rest {
                [code] => JoinRefusal::from_code(*code)
                    .map(JoinResponse::Refused)
                    .ok_or(WireError::Invalid("join refusal")),
                _ => Err(WireError::Invalid("join refusal")),
            },
            t => Err(WireError::UnknownType(t)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn id() -> CommunityId {
        CommunityId::random(&mut rand::rngs::StdRng::seed_from_u64(1))
    }

    #[test]
    fn round_trips() {
        let h = ChangeHash([7; 32]);
        for r in [
            SyncRequest::Sync {
                community: id(),
                message: vec![1, 2, 3],
            },
            SyncRequest::Changes {
                community: id(),
                heads: vec![h, h],
                changes: vec![9; 40],
            },
            SyncRequest::Changes {
                community: id(),
                heads: vec![],
                changes: vec![],
            },
        ] {
            assert_eq!(SyncRequest::decode(&r.encode()).unwrap(), r);
        }
        for r in [
            SyncResponse::Ok { heads: vec![h] },
            SyncResponse::Refused(Refusal::NotAMember),
        ] {
            assert_eq!(SyncResponse::decode(&r.encode()).unwrap(), r);
        }
        let j = JoinResponse::Admitted {
            community: id(),
            document: vec![1; 10],
        };
        assert_eq!(JoinResponse::decode(&j.encode()).unwrap(), j);
        for code in 1..=6 {
            let r = JoinResponse::Refused(JoinRefusal::from_code(code).unwrap());
            assert_eq!(r.encode(), vec![JOIN_REFUSED, code]);
            assert_eq!(JoinResponse::decode(&r.encode()).unwrap(), r);
        }
        assert!(JoinResponse::decode(&[JOIN_REFUSED, 7]).is_err());
        assert!(JoinResponse::decode(b"\x92no such invite").is_err());
    }

    #[test]
    fn join_requests_round_trip_in_binary() {
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(3);
        let request = JoinRequest {
            community: id(),
            invite: InviteId::random(&mut rng),
            proof: Box::new(AdmissionProof::sign(
                &crate::InviteSecret::random(&mut rng),
                &crate::guard::Signer::random(&mut rng),
                &id(),
                &InviteId::random(&mut rng),
            )),
            details: MemberDetails {
                name: "山田 花子".into(),
                organisation: "Guild".into(),
                department: String::new(),
                bio: "é".repeat(7_000),
                skills: vec!["rust".into(), "vfx".into()],
            },
        };
        let bytes = request.encode();
        assert_eq!(bytes[0], JOIN);
        let back = JoinRequest::decode(&bytes).unwrap();
        // The bio was cut at a character boundary within its field's length.
        assert_eq!(back.details.bio.len(), MAX_TEXT);
        assert_eq!(
            JoinRequest {
                details: MemberDetails {
                    bio: request.details.bio[..MAX_TEXT].into(),
                    ..request.details.clone()
                },
                ..request.clone()
            },
            back
        );
        for cut in [1, 30, 60, 100, bytes.len() - 1] {
            assert!(JoinRequest::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(JoinRequest::decode(&longer).is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [
            &b""[..],
            b"\x01",
            b"\x02short",
            b"\x81\xff\xff",
            b"\x82\x09",
            b"\x11{",
            b"\xee",
        ] {
            assert!(SyncRequest::decode(bytes).is_err() || SyncResponse::decode(bytes).is_err());
            let _ = JoinRequest::decode(bytes);
            let _ = JoinResponse::decode(bytes);
        }
        let mut big = vec![SYNC];
        big.resize(MAX_SYNC_REQUEST + 1, 0);
        assert!(matches!(
            SyncRequest::decode(&big),
            Err(WireError::TooLarge { .. })
        ));
    }
}
