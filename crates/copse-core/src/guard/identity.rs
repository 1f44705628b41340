//! Who wrote a change: the ed25519 key whose PeerId is the member id, read from the
//! change's Automerge actor id (the key's 32 bytes, then 8 bytes that differ per session).

use automerge::ActorId;
use ed25519_dalek::VerifyingKey;

use crate::MemberId;

/// Length of a signing actor id: the public key, then a per-session suffix.
pub const SIGNED_ACTOR_LEN: usize = 32 + SUFFIX_LEN;
/// How Automerge marks an actor it derived for an isolated edit (`ActorId::with_concurrency`).
const CONCURRENCY_MAGIC: [u8; 4] = [0x13, 0xb2, 0x23, 0x09];
/// Bytes after the key, random per session, so a crash that lost an undurable change never
/// reuses its sequence number.
pub const SUFFIX_LEN: usize = 8;

/// The key that signs `actor`'s changes; `None` for an actor that does not carry a key
/// (changes written before signatures, or not by Copse).
pub fn key_of_actor(actor: &ActorId) -> Option<VerifyingKey> {
    VerifyingKey::from_bytes(&key_bytes(actor)?).ok()
}

/// Whether `actor` has the shape of a signing actor (without checking that its key is a
/// valid curve point, which costs more than the rest of a change's checks).
pub fn is_signing_actor(actor: &ActorId) -> bool {
    key_bytes(actor).is_some()
}

/// The 32 key bytes of a signing actor's id, read through Automerge's derivation for an
/// edit made on an older version (these 4 bytes, a LEB128 level, then the actor it
/// derives from).
fn key_bytes(actor: &ActorId) -> Option<[u8; 32]> {
    let mut bytes = actor.to_bytes();
    if let Some(rest) = bytes.strip_prefix(&CONCURRENCY_MAGIC) {
        let level_len = rest.iter().position(|b| b & 0x80 == 0)? + 1;
        bytes = &rest[level_len..];
    }
    if bytes.len() != SIGNED_ACTOR_LEN {
        return None;
    }
    bytes[..32].try_into().ok()
}

/// The member id of a key: the base58 text of its libp2p PeerId (an identity multihash
/// of the protobuf-encoded public key), the same text libp2p prints.
pub fn member_id_of_key(key: &VerifyingKey) -> MemberId {
    member_of_key_bytes(key.as_bytes())
}

/// The member id of 32 key bytes.
fn member_of_key_bytes(key: &[u8; 32]) -> MemberId {
    // multihash: identity (0x00), length 36; protobuf: field 1 KeyType = Ed25519 (1),
    // field 2 Data = 32 bytes.
    let mut bytes = Vec::with_capacity(38);
    bytes.extend_from_slice(&[0x00, 36, 0x08, 0x01, 0x12, 32]);
    bytes.extend_from_slice(key);
    MemberId::from_key_text(bs58::encode(bytes).into_string())
}

/// The key a member id names (a member id is the key's PeerId); `None` for an id that is
/// not an ed25519 PeerId.
pub fn key_of_member(member: &MemberId) -> Option<VerifyingKey> {
    let bytes = bs58::decode(member.as_str()).into_vec().ok()?;
    let key = bytes.strip_prefix(&[0x00, 36, 0x08, 0x01, 0x12, 32])?;
    VerifyingKey::from_bytes(key.try_into().ok()?).ok()
}

/// The member who signs `actor`'s changes.
pub fn member_of_actor(actor: &ActorId) -> Option<MemberId> {
    key_of_actor(actor).map(|k| member_id_of_key(&k))
}

/// The member named by `actor`'s key bytes, without checking that they are a valid key
/// (cheaper than [`member_of_actor`]; for actors of changes the guard accepted, whose
/// signatures verified, the same).
pub fn member_named_by_actor(actor: &ActorId) -> Option<MemberId> {
    key_bytes(actor).map(|k| member_of_key_bytes(&k))
}
