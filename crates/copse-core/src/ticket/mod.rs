//! Invite tickets: one line of text (and a QR code in the app) that carries everything a
//! newcomer needs to find a member and prove they were invited.
//!
//! Written as `copse:` and base32 of a versioned binary form ([`compact`], format 2); the
//! first format, `copse-invite:` and base64url of JSON, is still read. Spaces and line
//! breaks inside a pasted ticket are ignored, and so is the letters' case.

mod compact;

use serde::{Deserialize, Serialize};

use crate::{CommunityId, InviteId, InviteSecret, MemberId, Timestamp};

/// The prefix of today's tickets.
const PREFIX: &str = "copse:";
/// The prefix of format 1 (JSON) tickets, still accepted.
const PREFIX_V1: &str = "copse-invite:";
/// The text alphabet of format 2.
const TEXT: data_encoding::Encoding = data_encoding::BASE32_NOPAD;
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
        format!("{PREFIX}{}", TEXT.encode(&compact::to_bytes(self)))
    }

    /// Reads a ticket of either format; whitespace anywhere and letter case are ignored.
    pub fn decode(text: &str) -> Result<Self, TicketError> {
        if text.len() > MAX_TICKET {
            return Err(TicketError::Malformed("too long".into()));
        }
        let text: String = text.split_whitespace().collect();
        let lower = text.to_ascii_lowercase();
        if lower.starts_with(PREFIX_V1) {
            // Format 1's base64 is case-sensitive: only its prefix may have changed case.
            return decode_v1(&text[PREFIX_V1.len()..]);
        }
        if !lower.starts_with(PREFIX) {
            return Err(TicketError::NotATicket);
        }
        let body = TEXT
            .decode(text[PREFIX.len()..].to_ascii_uppercase().as_bytes())
            .map_err(|_| TicketError::Malformed("not base32".into()))?;
        match body.split_first() {
            Some((&compact::VERSION, rest)) => compact::from_bytes(rest),
            Some((&v, _)) if v > compact::VERSION => Err(TicketError::NewerFormat(u32::from(v))),
            _ => Err(TicketError::Malformed("unknown format".into())),
        }
    }
}

fn decode_v1(body: &str) -> Result<Ticket, TicketError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// A PeerId as libp2p writes an Ed25519 one: identity multihash of the protobuf key.
    fn peer_id(rng: &mut impl Rng) -> MemberId {
        let mut bytes = vec![0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
        bytes.extend((0..32).map(|_| rng.r#gen::<u8>()));
        bs58::encode(bytes).into_string().parse().unwrap()
    }

    /// A ticket as a member of a community spread over a few sites makes it.
    fn ticket() -> Ticket {
        let mut rng = rand::rngs::StdRng::seed_from_u64(4);
        let contact = |rng: &mut rand::rngs::StdRng, i: u8| Contact {
            member: peer_id(rng),
            addrs: vec![
                format!("/ip4/192.168.1.{i}/tcp/41{i:03}"),
                format!("/ip4/81.2.69.{i}/tcp/4001"),
            ],
        };
        Ticket {
            v: 2,
            community: CommunityId::random(&mut rng),
            name: "Timber Engineers".into(),
            invite: InviteId::random(&mut rng),
            secret: InviteSecret::random(&mut rng),
            inviter: Contact {
                member: peer_id(&mut rng),
                addrs: vec![
                    "/ip4/192.168.1.20/tcp/40123".into(),
                    "/ip6/2001:db8::20/tcp/40123".into(),
                    "/ip4/81.2.69.20/tcp/4001".into(),
                ],
            },
            others: (1..=4).map(|i| contact(&mut rng, i)).collect(),
            expires_at: Timestamp(1_800_000_000_000),
        }
    }

    /// Format 1's text, as earlier versions wrote it.
    fn v1_text(t: &Ticket) -> String {
        let mut t = t.clone();
        t.v = 1;
        let json = serde_json::to_vec(&t).unwrap();
        format!(
            "{PREFIX_V1}{}",
            data_encoding::BASE64URL_NOPAD.encode(&json)
        )
    }

    #[test]
    fn round_trip_and_errors() {
        let t = ticket();
        let text = t.encode();
        assert!(text.starts_with("copse:"));
        assert!(!text.contains(char::is_whitespace));
        assert_eq!(Ticket::decode(&format!("  {text}\n")).unwrap(), t);
        assert_eq!(Ticket::decode("hello"), Err(TicketError::NotATicket));
        assert!(matches!(
            Ticket::decode(&text[..text.len() - 10]),
            Err(TicketError::Malformed(_))
        ));
        let newer = format!("{PREFIX}{}", TEXT.encode(&[9, 1, 2, 3]));
        assert_eq!(Ticket::decode(&newer), Err(TicketError::NewerFormat(9)));
        let newer = serde_json::json!({"v": 9});
        let newer = format!(
            "{PREFIX_V1}{}",
            data_encoding::BASE64URL_NOPAD.encode(newer.to_string().as_bytes())
        );
        assert_eq!(Ticket::decode(&newer), Err(TicketError::NewerFormat(9)));
    }

    #[test]
    fn compact_tickets_are_at_most_half_as_long_and_format_1_still_reads() {
        let t = ticket();
        let (new, old) = (t.encode(), v1_text(&t));
        eprintln!("ticket: {} characters (format 1: {})", new.len(), old.len());
        assert!(
            new.len() * 2 <= old.len(),
            "{} characters now, {} before",
            new.len(),
            old.len()
        );
        let mut as_v1 = t.clone();
        as_v1.v = 1;
        assert_eq!(Ticket::decode(&old).unwrap(), as_v1);
    }

    #[test]
    fn pasted_tickets_survive_line_breaks_spaces_and_case() {
        let t = ticket();
        let text = t.encode();
        // As an e-mail client wraps it, indented, and as someone retypes it.
        let wrapped: String = text
            .as_bytes()
            .chunks(40)
            .map(|c| format!("  {}\r\n", std::str::from_utf8(c).unwrap()))
            .collect();
        assert_eq!(Ticket::decode(&wrapped).unwrap(), t);
        assert_eq!(Ticket::decode(&text.to_ascii_lowercase()).unwrap(), t);
        assert_eq!(
            Ticket::decode(&v1_text(&t).replace('A', "A \n"))
                .unwrap()
                .name,
            t.name
        );
    }

    #[test]
    fn any_damage_is_an_error_not_a_panic() {
        let text = ticket().encode();
        for cut in 0..text.len() {
            let _ = Ticket::decode(&text[..cut]);
        }
        let body = TEXT.decode(&text.as_bytes()[PREFIX.len()..]).unwrap();
        for i in 0..body.len() {
            let mut b = body.clone();
            b[i] ^= 0xa5;
            let _ = Ticket::decode(&format!("{PREFIX}{}", TEXT.encode(&b)));
        }
    }
}
