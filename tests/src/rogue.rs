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

    /// Sends `request` to `to`; its answer (or why there is none).
    pub async fn ask(
        &mut self,
        to: &MemberId,
        request: SyncRequest,
    ) -> Result<SyncResponse, String> {
        let tag = Tag(self.next_tag);
        self.next_tag += 1;
        self.net
            .send(NetOp::SendSync {
                peer: to.clone(),
                tag,
                request,
            })
            .await;
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
