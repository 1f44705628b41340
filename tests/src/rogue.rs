//! [`RoguePeer`]: a member's device gone rogue: their key and raw network access (copse-net
//! with no runtime, no guard, no store), sending whatever a test makes and answering
//! nothing it is asked.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use copse_core::sync::{Refusal, SyncRequest, SyncResponse, Tag};
use copse_core::{CommunityId, MemberId};
use copse_net::{NetConfig, NetEvent, NetHandle, NetOp};
use tokio::sync::mpsc;

use crate::net::TestPeer;

/// How long a rogue peer waits for an honest peer before the test fails.
const DEADLINE: Duration = Duration::from_secs(60);

/// What a member's device holds that a modified client would use: their key and their
/// copy of `community`.
pub async fn key_and_copy(
    p: &TestPeer,
    community: &CommunityId,
) -> (copse_core::guard::Signer, copse_core::automerge::Automerge) {
    let seed: [u8; 32] = std::fs::read(p.dir.path().join("identity.key"))
        .unwrap()
        .try_into()
        .unwrap();
    let file = p.dir.path().join("copy.am");
    p.handle.export(community, file.clone()).await.unwrap();
    let copy = copse_core::automerge::Automerge::load(&std::fs::read(&file).unwrap()).unwrap();
    (copse_core::guard::Signer::from_seed(seed), copy)
}

/// Raw network access under a member's key.
pub struct RoguePeer {
    net: NetHandle,
    events: mpsc::Receiver<NetEvent>,
    connected: Vec<MemberId>,
    next_tag: u64,
}

impl RoguePeer {
    /// Takes over `p`'s identity: its runtime stops and its key speaks on its own.
    pub async fn take_over(p: &TestPeer) -> Self {
        let seed: [u8; 32] = std::fs::read(p.dir.path().join("identity.key"))
            .unwrap()
            .try_into()
            .unwrap();
        p.handle.shutdown().await;
        let (net, events, event_loop) = copse_net::new(NetConfig::loopback(seed)).unwrap();
        tokio::spawn(event_loop.run());
        Self {
            net,
            events,
            connected: Vec::new(),
            next_tag: 1,
        }
    }

    /// Dials `p` and waits until connected.
    pub async fn connect(&mut self, p: &TestPeer) {
        self.net
            .send(NetOp::Dial {
                peer: Some(p.member.clone()),
                addrs: vec![p.addr.rsplit_once("/p2p/").unwrap().0.to_owned()],
            })
            .await;
        let member = p.member.clone();
        tokio::time::timeout(DEADLINE, async {
            while !self.connected.contains(&member) {
                self.next_event().await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("never connected to {}", p.name));
    }

    /// Lets `peer` send requests about `community` (answered "unavailable") without being
    /// cut off as a stranger: a rogue device that stays connected while it floods.
    pub async fn tolerate(&mut self, peer: &MemberId, community: &CommunityId) {
        let mut list = copse_core::sync::AccessList::default();
        list.members
            .entry(peer.clone())
            .or_default()
            .insert(community.clone());
        self.net.send(NetOp::Access(list)).await;
    }

    /// Sends `request` to `to`; its answer (or why there is none).
    pub async fn ask(
        &mut self,
        to: &MemberId,
        request: SyncRequest,
    ) -> Result<SyncResponse, String> {
        let tag = self.send(to, request).await;
        tokio::time::timeout(DEADLINE, async {
            loop {
                if let Some(NetEvent::SyncResult { tag: t, result, .. }) = self.next_event().await
                    && t == tag
                {
                    return result;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{to} never answered"))
    }

    /// Pushes change chunks to `to` as if they were new; the answer.
    pub async fn push(
        &mut self,
        to: &MemberId,
        community: &CommunityId,
        heads: Vec<copse_core::automerge::ChangeHash>,
        changes: Vec<u8>,
    ) -> Result<SyncResponse, String> {
        let request = SyncRequest::Changes {
            community: community.clone(),
            heads,
            changes,
        };
        self.ask(to, request).await
    }

    /// Pushes `batches` to `to` with `window` pushes in flight at a time (a flood), sending
    /// again each one that is not answered `Ok` (busy, lost); how many pushes were sent in
    /// all, and the answers other than `Ok` by kind.
    pub async fn push_all(
        &mut self,
        to: &MemberId,
        community: &CommunityId,
        heads: Vec<copse_core::automerge::ChangeHash>,
        batches: Vec<Vec<u8>>,
        window: usize,
    ) -> (usize, std::collections::BTreeMap<String, usize>) {
        let mut queue: std::collections::VecDeque<Vec<u8>> = batches.into();
        let mut waiting = std::collections::HashMap::new();
        let mut sent = 0;
        let mut other = std::collections::BTreeMap::new();
        tokio::time::timeout(DEADLINE * 5, async {
            while !queue.is_empty() || !waiting.is_empty() {
                while waiting.len() < window
                    && let Some(changes) = queue.pop_front()
                {
                    let tag = self.send_push(to, community, &heads, &changes).await;
                    waiting.insert(tag, changes);
                    sent += 1;
                }
                let Some(NetEvent::SyncResult { tag, result, .. }) = self.next_event().await else {
                    continue;
                };
                let Some(changes) = waiting.remove(&tag) else {
                    continue;
                };
                if matches!(result, Ok(SyncResponse::Ok { .. })) {
                    continue;
                }
                let kind = match &result {
                    Ok(r) => format!("{r:?}"),
                    Err(e) => e.clone(),
                };
                let n = other.entry(kind.clone()).or_insert(0);
                *n += 1;
                if (*n as u64).is_power_of_two() {
                    eprintln!("push refused {n} times: {kind}");
                }
                queue.push_front(changes);
                // Not so fast that the retries are all there is.
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{to} never took the flood"));
        (sent, other)
    }

    async fn send_push(
        &mut self,
        to: &MemberId,
        community: &CommunityId,
        heads: &[copse_core::automerge::ChangeHash],
        changes: &[u8],
    ) -> Tag {
        let request = SyncRequest::Changes {
            community: community.clone(),
            heads: heads.to_vec(),
            changes: changes.to_vec(),
        };
        self.send(to, request).await
    }

    /// Sends `request` to `to` without waiting; its tag.
    async fn send(&mut self, to: &MemberId, request: SyncRequest) -> Tag {
        let tag = Tag(self.next_tag);
        self.next_tag += 1;
        self.net
            .send(NetOp::SendSync {
                peer: to.clone(),
                tag,
                request,
            })
            .await;
        tag
    }

    /// The next network event that is not handled here (requests from honest peers are
    /// answered "unavailable": the rogue device holds nothing it would share).
    async fn next_event(&mut self) -> Option<NetEvent> {
        let ev = self.events.recv().await.expect("the network stopped");
        match ev {
            NetEvent::Connected { peer, .. } => {
                self.connected.push(peer);
                None
            }
            NetEvent::Disconnected { peer } => {
                self.connected.retain(|p| *p != peer);
                None
            }
            NetEvent::SyncRequest { inbound, .. } => {
                self.net
                    .send(NetOp::RespondSync {
                        inbound,
                        response: SyncResponse::Refused(Refusal::Unavailable),
                    })
                    .await;
                None
            }
            other => Some(other),
        }
    }
}
