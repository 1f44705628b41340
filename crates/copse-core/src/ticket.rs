//! Invite tickets: one line of text (and a QR code in the app) that carries everything a
//! newcomer needs to find a member and prove they were invited.
//!
//! Format: `copse-invite:` followed by base64url (no padding) of a JSON object. The JSON is
//! versioned (`v`) so later fields can be added.

use serde::{Deserialize, Serialize};

use crate::{CommunityId, InviteId, InviteSecret, MemberId, Timestamp};

const PREFIX: &str = "copse-invite:";
/// Longest ticket accepted.
pub const MAX_TICKET: usize = 8 * 1024;

/// A member and where they were last reachable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Member id (PeerId).
    pub member: MemberId,
    /// Multiaddrs.
    pub addrs: Vec<String>,
}

/// An invitation ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// Format version.
    pub v: u32,
    /// Which community.
    pub community: CommunityId,
    /// Its name, to show before joining.
    pub name: String,
    /// The invite.
    pub invite: InviteId,
    /// The secret proving the invitation.
    pub secret: InviteSecret,
    /// Who invited, and where to reach them.
    pub inviter: Contact,
    /// Other members who can admit the newcomer if the inviter is offline.
    #[serde(default)]
    pub others: Vec<Contact>,
    /// When the invite expires.
    pub expires_at: Timestamp,
}

/// Why a ticket could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketError {
    /// Not a ticket at all.
    #[error(
        "this is not a Copse invite (it should start with \"{PREFIX}\"); copy the whole ticket"
    )]
    NotATicket,
    /// Damaged or cut off.
    #[error("this invite is damaged or incomplete ({0}); copy the whole ticket again")]
    Malformed(String),
    /// From a newer Copse.
    #[error("this invite was made by a newer Copse (format {0}); update Copse")]
    NewerFormat(u32),
}

impl Ticket {
    /// The ticket as one line of text.
    pub fn encode(&self) -> String {
        // Serializing plain strings cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!("{PREFIX}{}", data_encoding::BASE64URL_NOPAD.encode(&json))
    }

    /// Reads a ticket; surrounding whitespace is ignored.
    pub fn decode(text: &str) -> Result<Self, TicketError> {
        let text = text.trim();
        if text.len() > MAX_TICKET {
            return Err(TicketError::Malformed("too long".into()));
        }
        let body = text.strip_prefix(PREFIX).ok_or(TicketError::NotATicket)?;
        let json = data_encoding::BASE64URL_NOPAD
            .decode(body.as_bytes())
            .map_err(|_| TicketError::Malformed("not base64".into()))?;
        let value: serde_json::Value =
            serde_json::from_slice(&json).map_err(|_| TicketError::Malformed("not JSON".into()))?;
        if let Some(v) = value.get("v").and_then(serde_json::Value::as_u64)
            && v > 1
        {
            return Err(TicketError::NewerFormat(
                u32::try_from(v).unwrap_or(u32::MAX),
            ));
        }
        serde_json::from_value(value).map_err(|e| TicketError::Malformed(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn ticket() -> Ticket {
        let mut rng = rand::rngs::StdRng::seed_from_u64(4);
        Ticket {
            v: 1,
            community: CommunityId::random(&mut rng),
            name: "Timber".into(),
            invite: InviteId::random(&mut rng),
            secret: InviteSecret::random(&mut rng),
            inviter: Contact {
                member: "12D3KooWInviter".parse().unwrap(),
                addrs: vec!["/ip4/127.0.0.1/tcp/4001".into()],
            },
            others: vec![],
            expires_at: Timestamp(5),
        }
    }

    #[test]
    fn round_trip_and_errors() {
        let t = ticket();
        let text = t.encode();
        assert!(!text.contains(char::is_whitespace));
        assert_eq!(Ticket::decode(&format!("  {text}\n")).unwrap(), t);
        assert_eq!(Ticket::decode("hello"), Err(TicketError::NotATicket));
        assert!(matches!(
            Ticket::decode(&text[..text.len() - 10]),
            Err(TicketError::Malformed(_))
        ));
        let newer = serde_json::json!({"v": 9});
        let newer = format!(
            "{PREFIX}{}",
            data_encoding::BASE64URL_NOPAD.encode(newer.to_string().as_bytes())
        );
        assert_eq!(Ticket::decode(&newer), Err(TicketError::NewerFormat(9)));
    }
}
