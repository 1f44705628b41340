//! [`Joiner`]: this device's joins in progress: which member of the ticket to ask next,
//! and which answers are being read in by the store.

use std::collections::{BTreeMap, VecDeque};

use copse_core::sync::{JoinRequest, Tag};
use copse_core::ticket::{Contact, Ticket};
use copse_core::{CommunityId, MemberId};

use crate::{JoinFailure, RequestId};

/// Joins in progress at once; more are refused as busy.
pub(crate) const MAX_JOINS: usize = 16;

/// A join waiting for a member's answer.
#[derive(Debug)]
pub(crate) struct PendingJoin {
    pub(crate) request: RequestId,
    pub(crate) ticket: Ticket,
    pub(crate) message: JoinRequest,
    contacts: VecDeque<Contact>,
    tried: Vec<String>,
    /// Who is being asked now.
    asked: Option<MemberId>,
}

/// An answer (or a file) being read in by the store.
#[derive(Debug)]
pub(crate) enum Adopting {
    /// A member admitted us.
    Join { name: String, admitted_by: MemberId },
    /// A community file.
    Import,
}

impl Adopting {
    /// How the request that asked ends, failed with `error`.
    pub(crate) fn failed(&self, error: crate::PeerError) -> crate::Done {
        match self {
            Adopting::Join { .. } => crate::Done::Joined(Err(error)),
            Adopting::Import => crate::Done::Imported(Err(error)),
        }
    }
}

/// The next step of a join.
#[derive(Debug)]
pub(crate) enum Attempt {
    /// Ask this member.
    Ask {
        tag: Tag,
        peer: MemberId,
        addrs: Vec<String>,
        message: JoinRequest,
    },
    /// Nobody is left to ask.
    GaveUp(RequestId, JoinFailure),
}

/// Joins in progress.
#[derive(Debug, Default)]
pub(crate) struct Joiner {
    asking: BTreeMap<Tag, PendingJoin>,
    pub(crate) adopting: BTreeMap<RequestId, Adopting>,
}

impl Joiner {
    /// Whether another join may start.
    pub(crate) fn has_room(&self) -> bool {
        self.asking.len() + self.adopting.len() < MAX_JOINS
    }

    /// A join of `ticket`'s community, asking the inviter first, then the other members.
    pub(crate) fn start(
        request: RequestId,
        ticket: Ticket,
        message: JoinRequest,
        me: &MemberId,
    ) -> PendingJoin {
        let mut contacts = VecDeque::new();
        contacts.push_back(ticket.inviter.clone());
        contacts.extend(ticket.others.iter().filter(|c| &c.member != me).cloned());
        PendingJoin {
            request,
            ticket,
            message,
            contacts,
            tried: Vec::new(),
            asked: None,
        }
    }

    /// Asks the next contact of `pending` (under `tag`), or gives up.
    pub(crate) fn next(&mut self, mut pending: PendingJoin, tag: Tag) -> Attempt {
        match pending.contacts.pop_front() {
            Some(contact) => {
                pending.asked = Some(contact.member.clone());
                let attempt = Attempt::Ask {
                    tag,
                    peer: contact.member,
                    addrs: contact.addrs,
                    message: pending.message.clone(),
                };
                self.asking.insert(tag, pending);
                attempt
            }
            None => Attempt::GaveUp(
                pending.request,
                JoinFailure::Unreachable {
                    name: pending.ticket.name.clone(),
                    tried: pending.tried.join("; "),
                },
            ),
        }
    }

    /// The join an answer belongs to.
    pub(crate) fn answered(&mut self, tag: Tag) -> Option<PendingJoin> {
        self.asking.remove(&tag)
    }

    /// The members being asked to admit us right now: the network must not cut them off
    /// as strangers while they answer.
    pub(crate) fn asked(&self) -> impl Iterator<Item = &MemberId> {
        let admitting = self.adopting.values().filter_map(|a| match a {
            Adopting::Join { admitted_by, .. } => Some(admitted_by),
            Adopting::Import => None,
        });
        self.asking
            .values()
            .filter_map(|p| p.asked.as_ref())
            .chain(admitting)
    }

    /// Stops every join still asking; their requests (an answer arriving later finds no
    /// join and is dropped).
    pub(crate) fn cancel_asking(&mut self) -> Vec<RequestId> {
        std::mem::take(&mut self.asking)
            .into_values()
            .map(|p| p.request)
            .collect()
    }

    /// Whether a member's answer to a join is being read in (too late to cancel).
    pub(crate) fn is_loading_join(&self) -> bool {
        self.adopting
            .values()
            .any(|a| matches!(a, Adopting::Join { .. }))
    }

    /// Whether a join of `community` is asking right now.
    pub(crate) fn is_joining(&self, community: &CommunityId) -> bool {
        self.asking
            .values()
            .any(|p| &p.ticket.community == community)
    }
}

impl PendingJoin {
    /// Notes why asking `peer` failed, for the final message.
    pub(crate) fn failed(&mut self, peer: &MemberId, why: &str) {
        self.tried.push(format!("{peer}: {why}"));
    }
}
