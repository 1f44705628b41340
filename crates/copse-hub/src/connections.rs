//! Who is connected, who may sync what with us, and what happens to strangers: sessions
//! exist only with current members of a community we are a current member of; the
//! network gets the access list; strangers are cut off after a refusal; a removed member
//! is shunned.

use copse_core::view::members::{self, MemberFilter};
use copse_core::{CommunityId, MemberId};

use crate::{AccessList, Hub, NetEvent, NetOp, Output, PeerEvent};

/// A session a member refused is tried again after this long.
const RETRY_REFUSED_MS: i64 = 30_000;

impl Hub {
    /// Something the network did.
    pub(crate) fn network(&mut self, event: NetEvent) {
        match event {
            NetEvent::Listening { addr } => {
                self.own.listening(&addr, self.now);
                self.event(PeerEvent::Listening { addr });
            }
            NetEvent::ObservedAddr { addr, reporter } => {
                // Only members' reports count; a stranger cannot plant an address.
                if self.is_member_anywhere(&reporter) {
                    self.own.observed(&addr, &reporter, self.now);
                }
            }
            NetEvent::Connected {
                peer,
                addr,
                outbound,
            } => self.connected(peer, addr, outbound),
            NetEvent::Disconnected { peer } => self.disconnected(peer),
            NetEvent::Discovered { peer, addrs } => self.discovered(peer, addrs),
            NetEvent::DialFailed { peer, error } => {
                tracing::debug!(?peer, %error, "dial failed");
                self.dial_failed(peer.clone());
                self.event(PeerEvent::DialFailed {
                    member: peer,
                    error,
                });
            }
            NetEvent::SyncRequest {
                peer,
                inbound,
                request,
            } => self.sync_request(peer, inbound, request),
            NetEvent::SyncResult { peer, tag, result } => self.sync_result(&peer, tag, result),
            NetEvent::JoinRequest {
                peer,
                inbound,
                request,
            } => self.join_request(peer, inbound, request),
            NetEvent::JoinResult { peer, tag, result } => self.join_result(peer, tag, result),
            NetEvent::ListenClosed { addr } => self.own.not_listening(&addr, self.now),
            NetEvent::RelayReserved { relay } => self.relay_reserved(relay),
            NetEvent::RelayRefused { relay, error } => self.relay_refused(relay, error),
            NetEvent::Route { peer, addr } => {
                if let Some(a) = self.connected.get_mut(&peer) {
                    *a = addr;
                }
            }
            NetEvent::HolePunch { peer, result } => self.hole_punch(peer, result),
            NetEvent::External { addr, confirmed } => self.external(addr, confirmed),
            NetEvent::BadInbound { peer, error } => {
                tracing::warn!(%peer, %error, "dropped a malformed message; closing that peer's sessions");
                self.close_sessions(|_, m| m == &peer);
                self.net(NetOp::Disconnect { peer });
            }
        }
    }

    fn connected(&mut self, peer: MemberId, addr: String, outbound: bool) {
        tracing::debug!(%peer, %addr, outbound, "connected");
        let member = self.is_member_anywhere(&peer);
        if outbound && member {
            self.book.remember(&peer, std::slice::from_ref(&addr));
        }
        self.connected.insert(peer.clone(), addr);
        if self.is_shunned(&peer) {
            tracing::info!(%peer, "refusing a removed member");
            self.net(NetOp::Disconnect { peer });
            return;
        }
        self.event(PeerEvent::PeerConnected {
            member: peer.clone(),
        });
        self.start_sessions_with(&peer);
    }

    fn disconnected(&mut self, peer: MemberId) {
        self.connected.remove(&peer);
        if self.is_member_anywhere(&peer) {
            self.backoff.back_off(&peer, self.now);
        }
        self.close_sessions(|_, m| m == &peer);
        self.event(PeerEvent::PeerDisconnected { member: peer });
    }

    fn discovered(&mut self, peer: MemberId, addrs: Vec<String>) {
        if !self.connected.contains_key(&peer)
            && !self.blocked.contains(&peer)
            && self.is_member_anywhere(&peer)
        {
            self.net(NetOp::Dial {
                peer: Some(peer),
                addrs,
            });
        }
    }

    fn dial_failed(&mut self, peer: Option<MemberId>) {
        if let Some(p) = peer
            && self.is_member_anywhere(&p)
        {
            self.backoff.back_off(&p, self.now);
        }
    }

    /// Dials addresses now (bootstrap peers), with or without `/p2p/<id>`.
    pub(crate) fn dial(&mut self, addrs: Vec<String>) {
        for addr in addrs {
            let (bare, peer) = match addr.rsplit_once("/p2p/") {
                Some((a, id)) => (a.to_owned(), id.parse::<MemberId>().ok()),
                None => (addr, None),
            };
            self.net(NetOp::Dial {
                peer,
                addrs: vec![bare],
            });
        }
    }

    pub(crate) fn block(&mut self, member: MemberId) {
        self.blocked.insert(member.clone());
        self.net(NetOp::Block { peer: member });
    }

    pub(crate) fn unblock(&mut self, member: MemberId) {
        self.blocked.remove(&member);
        self.net(NetOp::Unblock {
            peer: member.clone(),
        });
        // Redial at once rather than after the backoff the block built up.
        self.backoff.reset(&member);
        self.redial();
    }

    /// A peer that shares no community with us and is not joining one of ours gets
    /// disconnected after a refusal.
    pub(crate) fn cut_off_stranger(&mut self, peer: &MemberId) {
        if !self.is_member_anywhere(peer) && !self.joiner.asked().any(|m| m == peer) {
            self.net(NetOp::Disconnect { peer: peer.clone() });
        }
    }

    /// Starts a session for every community we share with a connected peer.
    pub(crate) fn start_sessions_with(&mut self, peer: &MemberId) {
        if !self.connected.contains_key(peer) {
            return;
        }
        let ids: Vec<CommunityId> = self.replicas.keys().cloned().collect();
        for c in ids {
            if self.sessions.contains(&c, peer) || !self.shares(&c, peer) {
                continue;
            }
            let key = (c.clone(), peer.clone());
            if self
                .refused
                .get(&key)
                .is_some_and(|t| self.now.0.saturating_sub(t.0) < RETRY_REFUSED_MS)
            {
                continue;
            }
            if let Some(r) = self.replicas.get(&c) {
                self.sessions.open(&c, peer, r.community().doc());
            }
            self.pump(&c, peer);
        }
    }

    pub(crate) fn close_session(&mut self, c: &CommunityId, peer: &MemberId) {
        if let Some(state) = self.sessions.close(c, peer) {
            self.store(crate::StoreOp::SyncState {
                community: c.clone(),
                peer: peer.clone(),
                state,
            });
        }
    }

    pub(crate) fn close_sessions(&mut self, which: impl Fn(&CommunityId, &MemberId) -> bool) {
        for (c, m) in self.sessions.matching(which) {
            self.close_session(&c, &m);
        }
    }

    /// Whether `peer` is a current member of `c` and so are we.
    pub(crate) fn shares(&self, c: &CommunityId, peer: &MemberId) -> bool {
        self.replicas
            .get(c)
            .is_some_and(|r| r.community().is_member(peer) && r.community().is_member(&self.me))
    }

    pub(crate) fn is_member_anywhere(&self, peer: &MemberId) -> bool {
        self.replicas.keys().any(|c| self.shares(c, peer))
    }

    /// A removed member who shares no community with us any more (and whom we are not
    /// asking to admit us). Only communities we are a current member of count: a removed
    /// device's stale copy shuns nobody.
    pub(crate) fn is_shunned(&self, peer: &MemberId) -> bool {
        if self.joiner.asked().any(|m| m == peer) {
            return false;
        }
        let mut removed = false;
        for r in self.replicas.values() {
            if !r.community().is_member(&self.me) {
                continue;
            }
            match members::read_member(r.community().doc(), peer) {
                Some(m) if m.is_current() => return false,
                Some(_) => removed = true,
                None => {}
            }
        }
        removed
    }

    /// Recomputes who may sync what, and tells the network if it changed.
    pub(crate) fn refresh_access(&mut self) {
        if !self.membership_dirty {
            return;
        }
        self.membership_dirty = false;
        let mut access = AccessList::default();
        for (c, r) in &self.replicas {
            if !r.community().is_member(&self.me) {
                continue;
            }
            for m in members::directory(r.community().doc(), &MemberFilter::default()) {
                if m.id != self.me {
                    access.members.entry(m.id).or_default().insert(c.clone());
                }
            }
        }
        // A member we are asking to admit us pushes to us as soon as it has: we refuse
        // (we do not hold the community yet) but must not cut it off as a stranger.
        for m in self.joiner.asked() {
            access.members.entry(m.clone()).or_default();
        }
        if access != self.access {
            self.access = access.clone();
            // First: the network must know the new members before anything sent to them.
            self.emit_first(Output::Net(NetOp::Access(access)));
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use crate::test_device::*;

    fn removed(a: &mut Device, c: &CommunityId, who: &MemberId) {
        let remove = copse_core::Command::RemoveMember {
            member: who.clone(),
        };
        let done = a.request(|request| Input::Edit {
            request,
            community: c.clone(),
            command: remove,
        });
        assert!(matches!(done, Done::Applied(Ok(_))), "{done:?}");
    }

    /// A peer that shares no community gets a refusal that names none, is disconnected,
    /// and is never on the network's access list.
    #[test]
    fn a_stranger_is_refused_cut_off_and_never_let_in() {
        let mut a = Device::new(member(0));
        let c = a.create();
        let stranger = member(9);
        let out = a.feed(Input::Net(NetEvent::SyncRequest {
            peer: stranger.clone(),
            inbound: InboundId(1),
            request: SyncRequest::Changes {
                community: c,
                heads: vec![],
                changes: vec![],
            },
        }));
        assert!(out.iter().any(|o| matches!(
            o,
            Output::Net(NetOp::RespondSync {
                response: SyncResponse::Refused(Refusal::NotAMember),
                ..
            })
        )));
        assert!(disconnects(&out, &stranger));
        assert!(!a.hub.access().knows(&stranger));
    }

    /// A removed member leaves the access list, and every reconnection is dropped at once.
    #[test]
    fn a_removed_member_is_shunned_when_they_come_back() {
        let mut a = Device::new(member(0));
        let b = member(1);
        let c = admitted_and_connected(&mut a, &b, |a, c| a.heads(c));
        assert!(a.hub.access().allows(&b, &c));
        removed(&mut a, &c, &b);
        assert!(!a.hub.access().knows(&b));
        a.feed(Input::Net(NetEvent::Disconnected { peer: b.clone() }));
        let out = a.feed(Input::Net(NetEvent::Connected {
            peer: b.clone(),
            addr: "/ip4/10.0.0.2/tcp/4001".into(),
            outbound: false,
        }));
        assert!(disconnects(&out, &b), "{out:?}");
        assert!(
            sent_to(&out, &b).is_none(),
            "something went to a removed member"
        );
    }
}
