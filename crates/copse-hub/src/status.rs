//! What `copse-node status`, the app's Peers screen and meetup mode show of the hub, and
//! [`Hub::describe`] for a stuck simulation.

use copse_core::view::members::{self, MemberFilter};
use copse_core::{CommunityId, MemberId, Timestamp};
use serde::{Deserialize, Serialize};

use crate::{Hub, Reachability, Route};

/// One member as seen from this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerStatus {
    /// Member id.
    pub member: MemberId,
    /// Their name in the community.
    pub name: String,
    /// Connected now.
    pub connected: bool,
    /// Last time we exchanged sync messages with them.
    pub last_sync: Option<Timestamp>,
    /// Whether they have everything we have (as far as we know).
    pub up_to_date: bool,
    /// How we reach them while connected.
    #[serde(default)]
    pub route: Option<Route>,
}

/// Sync state of one community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityStatus {
    /// Id.
    pub id: CommunityId,
    /// Name.
    pub name: String,
    /// Every other current member.
    pub peers: Vec<PeerStatus>,
}

/// The device's network status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// Whether the network runs (false for a CLI without `serve`).
    pub online: bool,
    /// Our member id.
    pub member: MemberId,
    /// Where we listen.
    pub addrs: Vec<String>,
    /// Connected peers (any, members or not).
    pub connected: Vec<MemberId>,
    /// How members reach this device.
    #[serde(default)]
    pub reach: Reachability,
    /// Per community.
    pub communities: Vec<CommunityStatus>,
}

impl Hub {
    /// Network and sync status, per community and member.
    pub fn status(&self) -> Status {
        let communities = self
            .replicas
            .keys()
            .filter_map(|c| self.community_status(c))
            .collect();
        let mut addrs: Vec<String> = self.own.listen_addrs().to_vec();
        for a in self.own.recordable() {
            if !addrs.contains(&a) {
                addrs.push(a);
            }
        }
        Status {
            online: self.is_online(),
            member: self.me.clone(),
            addrs,
            connected: self.connected.keys().cloned().collect(),
            reach: self.reachability(),
            communities,
        }
    }

    /// Sync status of one community: every other current member.
    pub fn community_status(&self, c: &CommunityId) -> Option<CommunityStatus> {
        let r = self.replicas.get(c)?;
        let peers = members::directory(r.community().doc(), &MemberFilter::default())
            .into_iter()
            .filter(|m| m.id != self.me)
            .map(|m| self.peer_status(c, m.id, m.member.name))
            .collect();
        Some(CommunityStatus {
            id: c.clone(),
            name: r.community().name(),
            peers,
        })
    }

    /// The current members of `c` connected now, with their sync state: the room at a
    /// meetup. Reads only those members' entries.
    pub fn connected_members(&self, c: &CommunityId) -> Vec<PeerStatus> {
        let Some(r) = self.replicas.get(c) else {
            return Vec::new();
        };
        let doc = r.community().doc();
        let mut here: Vec<PeerStatus> = self
            .connected
            .keys()
            .filter(|m| **m != self.me)
            .filter_map(|m| {
                let member = members::current_member(doc, m)?;
                Some(self.peer_status(c, m.clone(), member.name))
            })
            .collect();
        here.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.member.cmp(&b.member)));
        here
    }

    /// One member of `c` as seen from here.
    fn peer_status(&self, c: &CommunityId, member: MemberId, name: String) -> PeerStatus {
        let doc = self.replicas.get(c).map(|r| r.community().doc());
        let session = self.sessions.get(c, &member);
        PeerStatus {
            connected: self.connected.contains_key(&member),
            route: self.route(&member),
            last_sync: self.sessions.last_sync(c, &member),
            up_to_date: match (session, doc) {
                (Some(s), Some(doc)) => s.sync.is_up_to_date(doc),
                _ => false,
            },
            name,
            member,
        }
    }

    /// A one-paragraph account of the hub's state, for diagnosing a stuck simulation.
    pub fn describe(&self) -> String {
        let mut out = Vec::new();
        for (c, r) in &self.replicas {
            out.push(format!(
                "community {c}: {}, member {}",
                r.describe(),
                r.community().is_member(&self.me)
            ));
            for m in self.sessions.members_of(c) {
                if let Some(s) = self.sessions.get(c, &m) {
                    out.push(format!(
                        "  session {m}: busy {}, leaving {}, up to date {}",
                        s.sync.is_busy(),
                        s.sync.is_leaving(),
                        s.up_to_date
                    ));
                }
            }
        }
        out.push(format!(
            "connected: {:?}",
            self.connected.keys().collect::<Vec<_>>()
        ));
        for ((c, m), t) in self.refused.iter() {
            out.push(format!("refused by {m} in {c} at {}", t.0));
        }
        for c in self.replicas.keys() {
            for m in self.connected.keys() {
                out.push(format!("shares {c} with {m}: {}", self.shares(c, m)));
            }
        }
        out.push(format!("now {}", self.now.0));
        out.join("\n")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use crate::test_device::*;

    /// Status lists every other current member; the meetup's room only those connected.
    #[test]
    fn status_names_every_member_and_the_room_those_here() {
        let mut a = Device::new(member(0));
        let b = member(1);
        let c = admitted_and_connected(&mut a, &b, |a, c| a.heads(c));
        let t = a.ticket(&c);
        let later = member(2);
        a.feed(Input::Net(NetEvent::JoinRequest {
            peer: later.clone(),
            inbound: InboundId(7),
            request: join_request(&t, &later),
        }));
        let status = a.hub.status();
        assert_eq!(status.member, member(0));
        let peers = &status.communities[0].peers;
        assert_eq!(peers.len(), 2, "{peers:?}");
        let of = |m: &MemberId| peers.iter().find(|p| &p.member == m).unwrap();
        assert!(of(&b).connected && of(&b).last_sync.is_some());
        assert!(!of(&later).connected && of(&later).last_sync.is_none());
        let here = a.hub.connected_members(&c);
        assert_eq!(here.iter().map(|p| &p.member).collect::<Vec<_>>(), vec![&b]);
    }
}
