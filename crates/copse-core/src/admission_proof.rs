//! What an admission carries so that nobody admits a key she does not hold with an invite
//! she was not given: the invite is an ed25519 key pair (the ticket's 32-byte secret is its
//! seed; the document holds only the public half, `invites/<id>.key`), and the newcomer
//! signs the admission twice: with the invite key (proof of the ticket) and with their own
//! key (consent). Both over the same bytes, naming the community, the invite and the
//! newcomer. The admitting member only relays the two signatures; the ticket's secret never
//! leaves the newcomer. `docs/schema.md` ("Admissions") gives the bytes.

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use crate::guard::Signer;
use crate::{CommunityId, InviteId, InviteSecret, MemberId};

/// Domain of the signed bytes.
const DOMAIN: &[u8] = b"copse admission v1\0";

/// The bytes both signatures of an admission cover.
pub fn admission_bytes(community: &CommunityId, invite: &InviteId, member: &MemberId) -> Vec<u8> {
    let mut out = Vec::with_capacity(DOMAIN.len() + 26 + 26 + 1 + member.as_str().len());
    out.extend_from_slice(DOMAIN);
    out.extend_from_slice(community.as_str().as_bytes());
    out.extend_from_slice(invite.as_str().as_bytes());
    out.push(u8::try_from(member.as_str().len()).unwrap_or(u8::MAX));
    out.extend_from_slice(member.as_str().as_bytes());
    out
}

/// The two signatures of an admission.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "ProofText", into = "ProofText")]
pub struct AdmissionProof {
    /// By the invite key: the newcomer holds the ticket.
    pub invite_sig: [u8; 64],
    /// By the newcomer's own key: they asked to be admitted with this invite.
    pub consent_sig: [u8; 64],
}

impl std::fmt::Debug for AdmissionProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdmissionProof(..)")
    }
}

impl InviteSecret {
    /// The invite key this secret is the seed of.
    pub fn invite_key(&self) -> SigningKey {
        SigningKey::from_bytes(self.bytes())
    }

    /// The public half, as the document stores it (64 lowercase hex digits).
    pub fn public_key_hex(&self) -> String {
        data_encoding::HEXLOWER.encode(self.invite_key().verifying_key().as_bytes())
    }
}

impl AdmissionProof {
    /// The newcomer `me` proves the ticket's `secret` and consents.
    pub fn sign(
        secret: &InviteSecret,
        me: &Signer,
        community: &CommunityId,
        invite: &InviteId,
    ) -> Self {
        let bytes = admission_bytes(community, invite, me.member());
        Self {
            invite_sig: secret.invite_key().sign(&bytes).to_bytes(),
            consent_sig: me.sign_bytes(&bytes),
        }
    }

    /// Whether both signatures verify: the invite's with `invite_key_hex` (as the document
    /// holds it), the consent with `member`'s own key.
    pub fn verifies(
        &self,
        invite_key_hex: &str,
        community: &CommunityId,
        invite: &InviteId,
        member: &MemberId,
    ) -> bool {
        let Some(invite_key) = key_from_hex(invite_key_hex) else {
            return false;
        };
        let Some(member_key) = crate::guard::identity::key_of_member(member) else {
            return false;
        };
        let bytes = admission_bytes(community, invite, member);
        invite_key
            .verify_strict(&bytes, &Signature::from_bytes(&self.invite_sig))
            .is_ok()
            && member_key
                .verify_strict(&bytes, &Signature::from_bytes(&self.consent_sig))
                .is_ok()
    }

    /// A signature as the document stores it: unpadded base64url (86 characters).
    pub fn text(sig: &[u8; 64]) -> String {
        data_encoding::BASE64URL_NOPAD.encode(sig)
    }

    /// A stored signature read back (only its one spelling).
    pub fn from_text(text: &str) -> Option<[u8; 64]> {
        let bytes = data_encoding::BASE64URL_NOPAD
            .decode(text.as_bytes())
            .ok()?;
        let sig: [u8; 64] = bytes.try_into().ok()?;
        (data_encoding::BASE64URL_NOPAD.encode(&sig) == text).then_some(sig)
    }
}

fn key_from_hex(hex: &str) -> Option<VerifyingKey> {
    let bytes = data_encoding::HEXLOWER.decode(hex.as_bytes()).ok()?;
    VerifyingKey::from_bytes(&bytes.try_into().ok()?).ok()
}

/// An admission proof as text (in commands sent as JSON).
#[derive(serde::Serialize, serde::Deserialize)]
struct ProofText {
    invite_sig: String,
    consent_sig: String,
}

impl From<AdmissionProof> for ProofText {
    fn from(p: AdmissionProof) -> Self {
        Self {
            invite_sig: AdmissionProof::text(&p.invite_sig),
            consent_sig: AdmissionProof::text(&p.consent_sig),
        }
    }
}

impl TryFrom<ProofText> for AdmissionProof {
    type Error = String;
    fn try_from(t: ProofText) -> Result<Self, String> {
        let read = |s: &str| AdmissionProof::from_text(s).ok_or("not a signature");
        Ok(Self {
            invite_sig: read(&t.invite_sig)?,
            consent_sig: read(&t.consent_sig)?,
        })
    }
}
