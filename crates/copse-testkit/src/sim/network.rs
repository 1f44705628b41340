//! The simulated network of [`World`]: dials, connections and their events, sync and join
//! requests with delays, drops, duplicates and reorders, and what the network inspects on
//! every message (no byte of a community to a non-member; nothing newer than a removal to
//! the removed member).

use copse_core::automerge::ChangeHash;
use copse_core::automerge::sync::Message;
use copse_core::sync::session::parse_changes;
use copse_core::sync::{InboundId, JoinResponse, Refusal, SyncRequest, SyncResponse, Tag};
use copse_core::view::members::{self};
use copse_core::{CommunityId, MemberId, Timestamp};
use copse_hub::{Input, NetEvent, NetOp};
use rand::Rng;

use super::world::*;

impl World {
    pub(super) fn net(&mut self, a: Dev, op: NetOp) {
        if self.trace && !matches!(op, NetOp::Access(_)) {
            eprintln!("t={} dev {a} net {}", self.now.0, short(&op));
        }
        match op {
            NetOp::Dial { peer, addrs } => {
                let target = peer.as_ref().and_then(|m| self.dev_of(m)).or_else(|| {
                    addrs
                        .iter()
                        .find_map(|x| (0..self.devices.len()).find(|i| listen_addr(*i) == *x))
                });
                // As copse-net: a dial to a peer already connected fails (libp2p's
                // `DisconnectedAndNotDialing` condition).
                match target {
                    Some(b)
                        if b != a && self.reachable(a, b) && !self.conns.contains(&pair(a, b)) =>
                    {
                        self.connect(a, b)
                    }
                    _ => self.deliver_later(
                        a,
                        Input::Net(NetEvent::DialFailed {
                            peer,
                            error: "unreachable".into(),
                        }),
                    ),
                }
            }
            NetOp::SendSync { peer, tag, request } => self.send_sync(a, peer, tag, request, true),
            NetOp::RespondSync { inbound, response } => {
                if let Some((to, Some(tag))) = self.sync_pending.remove(&(a, inbound.0)) {
                    let from = self.devices[a].member.clone();
                    let result = if self.rng.gen_bool(self.faults.drop) {
                        let at = self.now.plus_millis(TIMEOUT_MS);
                        self.deliver_at(
                            at,
                            to,
                            Input::Net(NetEvent::SyncResult {
                                peer: from,
                                tag,
                                result: Err("timeout".into()),
                            }),
                        );
                        return;
                    } else {
                        Ok(response)
                    };
                    self.deliver_later(
                        to,
                        Input::Net(NetEvent::SyncResult {
                            peer: from,
                            tag,
                            result,
                        }),
                    );
                }
            }
            NetOp::SendJoin {
                peer, tag, request, ..
            } => {
                let Some(b) = self.dev_of(&peer) else {
                    self.deliver_later(
                        a,
                        Input::Net(NetEvent::JoinResult {
                            peer,
                            tag,
                            result: Err("unknown peer".into()),
                        }),
                    );
                    return;
                };
                if !self.conns.contains(&pair(a, b)) {
                    if self.reachable(a, b) {
                        self.connect(a, b);
                    } else {
                        self.deliver_later(
                            a,
                            Input::Net(NetEvent::JoinResult {
                                peer,
                                tag,
                                result: Err("unreachable".into()),
                            }),
                        );
                        return;
                    }
                }
                let inbound = self.inbound();
                self.join_pending.insert((b, inbound.0), (a, Some(tag)));
                let me = self.devices[a].member.clone();
                let at = self.now.plus_millis(2 * self.faults.max_delay_ms.max(1));
                self.deliver_at(
                    at,
                    b,
                    Input::Net(NetEvent::JoinRequest {
                        peer: me,
                        inbound,
                        request,
                    }),
                );
            }
            NetOp::RespondJoin { inbound, response } => {
                if let Some((to, Some(tag))) = self.join_pending.remove(&(a, inbound.0)) {
                    if let JoinResponse::Admitted { document, .. } = &response {
                        self.check_admitted(a, to, document);
                    }
                    let from = self.devices[a].member.clone();
                    self.deliver_later(
                        to,
                        Input::Net(NetEvent::JoinResult {
                            peer: from,
                            tag,
                            result: Ok(response),
                        }),
                    );
                }
            }
            NetOp::Disconnect { peer } => {
                if let Some(b) = self.dev_of(&peer) {
                    self.close(a, b);
                }
            }
            NetOp::Block { peer } => {
                if let Some(b) = self.dev_of(&peer) {
                    self.blocked.insert((a, b));
                    self.close(a, b);
                }
            }
            NetOp::Unblock { peer } => {
                if let Some(b) = self.dev_of(&peer) {
                    self.blocked.remove(&(a, b));
                }
            }
            NetOp::Access(list) => self.devices[a].access = list,
            // A device stopping: `crash`/`restart` take it off the network. The simulated
            // network has no relays: every device reaches every other directly.
            NetOp::Relays(_) | NetOp::Shutdown => {}
        }
    }

    pub(super) fn inbound(&mut self) -> InboundId {
        self.next_inbound += 1;
        InboundId(self.next_inbound)
    }

    /// When `to` hears next of its link to `peer`: later than anything it heard of that
    /// link before, since libp2p reports one peer's connection events in order (a
    /// `Disconnected` overtaking the next `Connected` would leave the device believing it
    /// is cut off from a peer it is connected to).
    pub(super) fn link_event_at(&mut self, to: Dev, peer: Dev) -> Timestamp {
        let mut at = self.later();
        if let Some(last) = self.link_heard_at.get(&(to, peer))
            && at <= *last
        {
            at = last.plus_millis(1);
        }
        self.link_heard_at.insert((to, peer), at);
        at
    }

    pub(super) fn connect(&mut self, a: Dev, b: Dev) {
        if !self.conns.insert(pair(a, b)) {
            return;
        }
        let (ma, mb) = (
            self.devices[a].member.clone(),
            self.devices[b].member.clone(),
        );
        let at = self.link_event_at(a, b);
        self.deliver_at(
            at,
            a,
            Input::Net(NetEvent::Connected {
                peer: mb,
                addr: listen_addr(b),
                outbound: true,
            }),
        );
        let at = self.link_event_at(b, a);
        self.deliver_at(
            at,
            b,
            Input::Net(NetEvent::Connected {
                peer: ma,
                addr: "/ip4/10.9.9.9/tcp/50000".into(),
                outbound: false,
            }),
        );
    }

    /// Closes the connection between `a` and `b`; requests under way between them fail.
    pub(super) fn close(&mut self, a: Dev, b: Dev) {
        if !self.conns.remove(&pair(a, b)) {
            return;
        }
        let (ma, mb) = (
            self.devices[a].member.clone(),
            self.devices[b].member.clone(),
        );
        for (x, other, peer) in [(a, b, mb.clone()), (b, a, ma.clone())] {
            let heard = self.link_event_at(x, other);
            self.deliver_at(heard, x, Input::Net(NetEvent::Disconnected { peer }));
        }
        let at = self.later();
        let broken = |p: &Pending| -> Vec<(Dev, u64)> {
            p.iter()
                .filter(|((to, _), (from, _))| pair(*to, *from) == pair(a, b))
                .map(|(k, _)| *k)
                .collect()
        };
        for key in broken(&self.sync_pending) {
            if let Some((from, Some(tag))) = self.sync_pending.remove(&key) {
                let peer = self.devices[key.0].member.clone();
                self.deliver_at(
                    at,
                    from,
                    Input::Net(NetEvent::SyncResult {
                        peer,
                        tag,
                        result: Err("connection closed".into()),
                    }),
                );
            }
        }
        for key in broken(&self.join_pending) {
            if let Some((from, Some(tag))) = self.join_pending.remove(&key) {
                let peer = self.devices[key.0].member.clone();
                self.deliver_at(
                    at,
                    from,
                    Input::Net(NetEvent::JoinResult {
                        peer,
                        tag,
                        result: Err("connection closed".into()),
                    }),
                );
            }
        }
    }

    /// Sends `request` from `from` to `to` as `from`'s hub never would (a modified client
    /// on `from`'s device); the answer goes to a tag the hub never uses, so it is dropped.
    pub fn inject(&mut self, from: Dev, to: Dev, request: SyncRequest) {
        self.injected += 1;
        let peer = self.devices[to].member.clone();
        // What honest hubs may send is checked; a modified client's sends are its own.
        self.send_sync(from, peer, Tag(u64::MAX - self.injected), request, false);
    }

    pub(super) fn send_sync(
        &mut self,
        a: Dev,
        peer: MemberId,
        tag: Tag,
        request: SyncRequest,
        honest: bool,
    ) {
        let Some(b) = self.dev_of(&peer) else {
            return;
        };
        let from = self.devices[a].member.clone();
        if !self.conns.contains(&pair(a, b)) {
            self.deliver_at(
                self.now,
                a,
                Input::Net(NetEvent::SyncResult {
                    peer,
                    tag,
                    result: Err("not connected".into()),
                }),
            );
            return;
        }
        if honest {
            self.check_sync(a, b, &request);
        }
        // The network layer refuses a request naming a community the sender may not sync,
        // before the receiver's hub sees it (and cuts off a stranger).
        let c = request.community().clone();
        if !self.devices[b].access.allows(&from, &c) {
            let stranger = !self.devices[b].access.knows(&from);
            self.deliver_later(
                a,
                Input::Net(NetEvent::SyncResult {
                    peer,
                    tag,
                    result: Ok(SyncResponse::Refused(Refusal::NotAMember)),
                }),
            );
            if stranger {
                self.close(a, b);
            }
            return;
        }
        if self.rng.gen_bool(self.faults.drop) {
            let at = self.now.plus_millis(TIMEOUT_MS);
            self.deliver_at(
                at,
                a,
                Input::Net(NetEvent::SyncResult {
                    peer,
                    tag,
                    result: Err("timeout".into()),
                }),
            );
            return;
        }
        let copies = if self.rng.gen_bool(self.faults.duplicate) {
            2
        } else {
            1
        };
        for copy in 0..copies {
            let inbound = self.inbound();
            let answer_to = (copy == 0).then_some(tag);
            self.sync_pending.insert((b, inbound.0), (a, answer_to));
            self.deliver_later(
                b,
                Input::Net(NetEvent::SyncRequest {
                    peer: from.clone(),
                    inbound,
                    request: request.clone(),
                }),
            );
        }
    }

    // ----- what the network inspects -----

    /// Whether `m` was ever a member of `c`, in any device's copy.
    pub(super) fn ever_member(&self, c: &CommunityId, m: &MemberId) -> bool {
        self.devices.iter().any(|d| {
            let docs = d
                .hub
                .as_ref()
                .and_then(|h| h.community(c).cloned())
                .or_else(|| d.store.community(c));
            docs.is_some_and(|doc| members::read_member(doc.doc(), m).is_some())
        })
    }

    /// A sync request from `a` to `b`: `b` must be a member, and if `a` knows `b` was
    /// removed, it carries only changes `a` held when it learned that.
    pub(super) fn check_sync(&mut self, a: Dev, b: Dev, request: &SyncRequest) {
        let c = request.community().clone();
        let mb = self.devices[b].member.clone();
        if !self.ever_member(&c, &mb) {
            self.violations.push(format!(
                "t={} device {a} sent community {c} to device {b}, which was never a member",
                self.now.0
            ));
            return;
        }
        let Some(held) = self.devices[a].removal_seen.get(&(c.clone(), mb)) else {
            return;
        };
        let hashes: Vec<ChangeHash> = match request {
            SyncRequest::Changes { changes, .. } => parse_changes(changes)
                .map(|cs| cs.iter().map(|c| c.hash()).collect())
                .unwrap_or_default(),
            SyncRequest::Sync { message, .. } => Message::decode(message)
                .map(|m| m.changes.iter().flat_map(chunk_hashes).collect())
                .unwrap_or_default(),
        };
        for h in hashes {
            if !held.contains(&h) {
                self.violations.push(format!(
                    "t={} device {a} sent removed device {b} change {h}, written after the removal reached it",
                    self.now.0
                ));
            }
        }
    }

    /// A member admitted `to` and sends it the community: it must be a member in it.
    pub(super) fn check_admitted(&mut self, from: Dev, to: Dev, document: &[u8]) {
        let mt = self.devices[to].member.clone();
        match copse_core::Community::load(document) {
            Ok(c) if c.is_member(&mt) => {}
            _ => self.violations.push(format!(
                "t={} device {from} sent a community to device {to}, which it does not hold as a member",
                self.now.0
            )),
        }
    }
}
