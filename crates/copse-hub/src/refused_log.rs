//! What a community's guard refused: the last refusals with their reasons (to show), and
//! the hashes refused (so what builds on them is refused too). Both bounded: a member
//! sending forgeries cannot grow them without limit.

use std::collections::{HashSet, VecDeque};

use copse_core::CommunityId;
use copse_core::automerge::{ActorId, ChangeHash};
use copse_core::guard::Refused;

use crate::{Output, PeerEvent, StoreOp};
use serde::{Deserialize, Serialize};

/// Refusals kept to show.
const SHOWN: usize = 200;
/// Refused hashes remembered.
const HASHES: usize = 100_000;

/// One community's refusals.
#[derive(Debug, Default)]
pub(crate) struct RefusedLog {
    shown: VecDeque<Refused>,
    hashes: HashSet<ChangeHash>,
    order: VecDeque<ChangeHash>,
    /// Changes the document was rebuilt without (an equivocation's losing side): a copy
    /// read back from disk that still holds one is rebuilt again.
    dropped: VecDeque<ChangeHash>,
    /// Places found equivocated (actor, sequence number): no change at them is taken.
    banned: HashSet<(ActorId, u64)>,
}

/// Dropped changes remembered.
const DROPPED: usize = 10_000;
/// Places found equivocated remembered (each is one version of one change too many).
const BANNED: usize = 100_000;

#[derive(Serialize, Deserialize)]
struct Saved {
    shown: Vec<Refused>,
    hashes: Vec<String>,
    #[serde(default)]
    dropped: Vec<String>,
    /// `<actor hex>:<seq>`.
    #[serde(default)]
    banned: Vec<String>,
}

/// Notes refusals in `community`'s `log`; if any is new, the outputs that keep it on disk
/// and tell the user.
pub(crate) fn noted(
    log: &mut RefusedLog,
    community: &CommunityId,
    refused: Vec<Refused>,
    hashes: &[ChangeHash],
) -> Vec<Output> {
    if !log.note(&refused, hashes) {
        return Vec::new();
    }
    tracing::warn!(%community, n = refused.len(), "refused changes");
    let mut out = vec![Output::Store(StoreOp::RefusedLog {
        community: community.clone(),
        bytes: log.to_bytes(),
    })];
    if !refused.is_empty() {
        out.push(Output::Event(PeerEvent::Refused {
            community: community.clone(),
            refused,
        }));
    }
    out
}

impl RefusedLog {
    /// Notes refusals; returns whether anything new was noted.
    pub(crate) fn note(&mut self, refused: &[Refused], hashes: &[ChangeHash]) -> bool {
        let mut new = false;
        for h in hashes {
            if self.hashes.insert(*h) {
                new = true;
                self.order.push_back(*h);
                if self.order.len() > HASHES
                    && let Some(old) = self.order.pop_front()
                {
                    self.hashes.remove(&old);
                }
            }
        }
        for r in refused {
            if !self.shown.iter().any(|s| s.change == r.change) {
                new = true;
                self.shown.push_back(r.clone());
                if self.shown.len() > SHOWN {
                    self.shown.pop_front();
                }
            }
        }
        new
    }

    /// Notes changes the document was rebuilt without.
    pub(crate) fn note_dropped(&mut self, hashes: &[ChangeHash]) {
        self.dropped.extend(hashes.iter().copied());
        while self.dropped.len() > DROPPED {
            self.dropped.pop_front();
        }
    }

    /// Notes places found equivocated; whether any is new.
    pub(crate) fn note_banned(&mut self, places: &[(ActorId, u64)]) -> bool {
        let mut new = false;
        for p in places {
            if self.banned.len() < BANNED {
                new |= self.banned.insert(p.clone());
            }
        }
        new
    }

    /// Whether `actor`'s sequence number `seq` was found equivocated.
    pub(crate) fn is_banned(&self, actor: &ActorId, seq: u64) -> bool {
        !self.banned.is_empty() && self.banned.contains(&(actor.clone(), seq))
    }

    /// Changes the document was rebuilt without.
    pub(crate) fn dropped(&self) -> impl Iterator<Item = &ChangeHash> {
        self.dropped.iter()
    }

    /// Whether `h` was refused.
    pub(crate) fn contains(&self, h: &ChangeHash) -> bool {
        self.hashes.contains(h)
    }

    /// The refusals kept, oldest first.
    pub(crate) fn shown(&self) -> Vec<Refused> {
        self.shown.iter().cloned().collect()
    }

    /// For the side file.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let saved = Saved {
            shown: self.shown(),
            hashes: self.order.iter().map(ToString::to_string).collect(),
            dropped: self.dropped.iter().map(ToString::to_string).collect(),
            banned: self
                .banned
                .iter()
                .map(|(a, s)| format!("{}:{s}", a.to_hex_string()))
                .collect(),
        };
        serde_json::to_vec(&saved).unwrap_or_default()
    }

    /// From the side file; a damaged one is an empty log.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Self {
        let mut log = Self::default();
        if let Ok(saved) = serde_json::from_slice::<Saved>(bytes) {
            let hashes: Vec<ChangeHash> =
                saved.hashes.iter().filter_map(|h| h.parse().ok()).collect();
            log.note(&saved.shown, &hashes);
            let dropped: Vec<ChangeHash> = saved
                .dropped
                .iter()
                .filter_map(|h| h.parse().ok())
                .collect();
            log.note_dropped(&dropped);
            let banned: Vec<(ActorId, u64)> = saved
                .banned
                .iter()
                .filter_map(|p| {
                    let (a, s) = p.split_once(':')?;
                    Some((
                        ActorId::from(data_encoding::HEXLOWER.decode(a.as_bytes()).ok()?),
                        s.parse().ok()?,
                    ))
                })
                .collect();
            log.note_banned(&banned);
        }
        log
    }
}
