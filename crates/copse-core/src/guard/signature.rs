//! Where a change's signature lives: in the change that follows it.
//!
//! A change cannot hold its own signature (the signature covers its hash). So right after
//! each signed change `C`, its device writes a *signature change* `S`: same actor,
//! `seq = C.seq + 1`, `start_op = C.max_op + 1`, deps exactly `[C]`, time 0, no operations,
//! message `copse-sig/1 <the signature in unpadded base64url>`. Ed25519 signatures are deterministic, so `S`
//! is fully determined by `C`: nobody can make a different change with `C`'s actor and
//! `S`'s sequence number that devices would accept, which would otherwise let a stranger
//! to the key wedge that member's later changes. `docs/schema.md` gives the exact bytes.

use automerge::{ActorId, Change, ChangeHash};
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::change_chunk::{CHANGE as CHUNK_CHANGE, MAGIC};

/// The prefix of a signature change's message; the 64 signature bytes follow in
/// unpadded base64url (86 characters).
pub const SIG_PREFIX: &str = "copse-sig/1 ";
/// What is signed: this domain tag, then the 32 bytes of the change hash.
pub const SIGNED_DOMAIN: &[u8] = b"copse change signature v1\0";

/// The bytes a member's key signs for the change `hash`.
pub fn signed_bytes(hash: &ChangeHash) -> Vec<u8> {
    let mut out = Vec::with_capacity(SIGNED_DOMAIN.len() + 32);
    out.extend_from_slice(SIGNED_DOMAIN);
    out.extend_from_slice(&hash.0);
    out
}

fn leb_u(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn prefixed(out: &mut Vec<u8>, bytes: &[u8]) {
    leb_u(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// The signature change for `change` with `signature`, encoded as an Automerge change chunk.
pub fn signature_change(change: &Change, signature: &[u8; 64]) -> Change {
    let message = format!(
        "{SIG_PREFIX}{}",
        data_encoding::BASE64URL_NOPAD.encode(signature)
    );
    let mut data = Vec::with_capacity(256);
    leb_u(&mut data, 1);
    data.extend_from_slice(&change.hash().0);
    prefixed(&mut data, change.actor_id().to_bytes());
    leb_u(&mut data, change.seq() + 1);
    leb_u(&mut data, change.max_op() + 1);
    // Time 0 (signed LEB128 of 0 is one zero byte).
    data.push(0);
    prefixed(&mut data, message.as_bytes());
    // No other actors, no operation columns.
    leb_u(&mut data, 0);
    leb_u(&mut data, 0);
    let mut header = vec![CHUNK_CHANGE];
    leb_u(&mut header, data.len() as u64);
    let hash = Sha256::new()
        .chain_update(&header)
        .chain_update(&data)
        .finalize();
    let mut bytes = Vec::with_capacity(8 + header.len() + data.len());
    bytes.extend_from_slice(&MAGIC);
    bytes.extend_from_slice(&hash[..4]);
    bytes.extend_from_slice(&header);
    bytes.extend_from_slice(&data);
    // The bytes are built to the format's rules above; parsing them back cannot fail.
    #[allow(clippy::expect_used)]
    Change::try_from(&bytes[..]).expect("a well-formed signature change")
}

/// A signature change, read back: what it signs, by whom, with which signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureOf {
    /// The signed change.
    pub target: ChangeHash,
    /// Its actor.
    pub actor: ActorId,
    /// The signature.
    pub signature: [u8; 64],
}

/// Reads `change` as a signature change; `None` if it is not one. Strict: anything but
/// the exact canonical form (one dep, no ops, time 0, the message) is not a signature.
pub fn read_signature(change: &Change) -> Option<SignatureOf> {
    let text = change.message()?.strip_prefix(SIG_PREFIX)?;
    if !change.is_empty() || change.timestamp() != 0 || change.deps().len() != 1 {
        return None;
    }
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(text.as_bytes())
        .ok()?;
    let signature: [u8; 64] = bytes.try_into().ok()?;
    // One text per signature: another spelling would be another change at the same place.
    if data_encoding::BASE64URL_NOPAD.encode(&signature) != text {
        return None;
    }
    Some(SignatureOf {
        target: change.deps()[0],
        actor: change.actor_id().clone(),
        signature,
    })
}

/// Whether `sig` has the exact place and shape of `signed`'s signature change (not
/// whether the signature verifies).
pub fn canonical_for(signed: &Change, sig: &Change) -> bool {
    read_signature(sig).is_some_and(|s| placed_for(signed, sig, &s))
}

/// Whether `sig`, read as `s`, sits exactly where `signed`'s signature change must.
fn placed_for(signed: &Change, sig: &Change, s: &SignatureOf) -> bool {
    s.target == signed.hash()
        && &s.actor == signed.actor_id()
        && signed.seq().checked_add(1) == Some(sig.seq())
        && signed.max_op().checked_add(1) == Some(sig.start_op().get())
        && sig.extra_bytes().is_empty()
}

/// Whether `sig` is `signed`'s canonical signature change and the signature verifies.
/// Reads the signature change once.
pub fn verifies(signed: &Change, sig: &Change, key: &VerifyingKey) -> bool {
    let Some(s) = read_signature(sig) else {
        return false;
    };
    placed_for(signed, sig, &s)
        && key
            .verify_strict(
                &signed_bytes(&s.target),
                &Signature::from_bytes(&s.signature),
            )
            .is_ok()
}
