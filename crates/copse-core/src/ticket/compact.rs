//! The compact ticket (format 2): the ticket's fields as bytes (ids and the secret raw,
//! member ids as their PeerId bytes, addresses as binary multiaddrs) in postcard, after
//! one version byte, as base32 text. Base32's upper-case alphabet is what a QR code's
//! alphanumeric mode holds densely, and it survives retyping in any case.

use serde::{Deserialize, Serialize};

use super::{Contact, Ticket, TicketError};
use crate::{CommunityId, InviteId, InviteSecret, MemberId, Timestamp};

/// The version byte of this format.
pub(super) const VERSION: u8 = 2;

#[derive(Serialize, Deserialize)]
struct Wire {
    community: [u8; 16],
    name: String,
    invite: [u8; 16],
    secret: [u8; 32],
    inviter: WireContact,
    others: Vec<WireContact>,
    expires_at: i64,
}

#[derive(Serialize, Deserialize)]
struct WireContact {
    member: WireMember,
    addrs: Vec<Vec<u8>>,
}

/// A member id: an Ed25519 PeerId's key (what every Copse device has), another PeerId's
/// bytes, else its text.
#[derive(Serialize, Deserialize)]
enum WireMember {
    Ed25519([u8; 32]),
    PeerId(Vec<u8>),
    Text(String),
}

/// What precedes the key in an Ed25519 PeerId: the identity multihash (code 0, 36 bytes)
/// of the protobuf public key (type 1 = Ed25519, 32 bytes).
const ED25519_PEER_ID: [u8; 6] = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20];

fn contact_to_wire(c: &Contact) -> WireContact {
    let id = c.member.as_str();
    WireContact {
        member: match bs58::decode(id).into_vec() {
            Ok(bytes) => match bytes.strip_prefix(&ED25519_PEER_ID[..]) {
                Some(key) if key.len() == 32 => {
                    let mut k = [0u8; 32];
                    k.copy_from_slice(key);
                    WireMember::Ed25519(k)
                }
                _ => WireMember::PeerId(bytes),
            },
            Err(_) => WireMember::Text(id.to_owned()),
        },
        // An address that is not a multiaddr could not be dialled anyway.
        addrs: c
            .addrs
            .iter()
            .filter_map(|a| a.parse::<multiaddr::Multiaddr>().ok())
            .map(|a| a.to_vec())
            .collect(),
    }
}

fn contact_from_wire(w: WireContact) -> Result<Contact, TicketError> {
    let text = match w.member {
        WireMember::Ed25519(key) => {
            bs58::encode([&ED25519_PEER_ID[..], &key[..]].concat()).into_string()
        }
        WireMember::PeerId(bytes) => bs58::encode(bytes).into_string(),
        WireMember::Text(s) => s,
    };
    let member: MemberId = text
        .parse()
        .map_err(|_| TicketError::Malformed("a member id".into()))?;
    Ok(Contact {
        member,
        addrs: w
            .addrs
            .into_iter()
            .filter_map(|b| multiaddr::Multiaddr::try_from(b).ok())
            .map(|a| a.to_string())
            .collect(),
    })
}

/// The ticket's bytes: the version, then the fields.
pub(super) fn to_bytes(t: &Ticket) -> Vec<u8> {
    let wire = Wire {
        community: t.community.to_bytes(),
        name: t.name.clone(),
        invite: t.invite.to_bytes(),
        secret: *t.secret.bytes(),
        inviter: contact_to_wire(&t.inviter),
        others: t.others.iter().map(contact_to_wire).collect(),
        expires_at: t.expires_at.0,
    };
    let mut out = vec![VERSION];
    // Serializing plain fields into a Vec cannot fail.
    out.extend(postcard::to_allocvec(&wire).unwrap_or_default());
    out
}

/// Reads the bytes after the version byte.
pub(super) fn from_bytes(body: &[u8]) -> Result<Ticket, TicketError> {
    let (wire, rest): (Wire, &[u8]) = postcard::take_from_bytes(body)
        .map_err(|_| TicketError::Malformed("cut off or damaged".into()))?;
    if !rest.is_empty() {
        return Err(TicketError::Malformed("extra bytes at the end".into()));
    }
    Ok(Ticket {
        v: u32::from(VERSION),
        community: CommunityId::from_bytes(wire.community),
        name: wire.name,
        invite: InviteId::from_bytes(wire.invite),
        secret: InviteSecret::from_bytes(wire.secret),
        inviter: contact_from_wire(wire.inviter)?,
        others: wire
            .others
            .into_iter()
            .map(contact_from_wire)
            .collect::<Result<_, _>>()?,
        expires_at: Timestamp(wire.expires_at),
    })
}
